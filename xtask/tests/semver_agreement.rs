//! Drift's verdict against cargo-semver-checks, the Rust ecosystem's
//! referee: for a corpus of changes CertifyOS could make to its document
//! (at least one per row of the README's drift table), the crate is
//! regenerated from the changed document and cargo-semver-checks compares
//! it with the crate of the pinned document. Drift's class (0 none, 1
//! additive, 2 breaking) must never be milder than the bump
//! cargo-semver-checks requires; a user on `certifyos = "0.x"` then never
//! gets a compile error from a release the drift job made.
//!
//! Slow (a rustdoc JSON build per change): ignored by default, run by
//! `.ci/run` in its own step with `--ignored`. Needs `cargo semver-checks`
//! on PATH (`.ci/run` installs the pinned version).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pinned_path() -> PathBuf {
    std::env::var_os("CERTIFYOS_SPEC")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/spec/certifyos-application-api.json"))
}

/// What a change does to the document, and which cargo features compile
/// what it touches (besides `rustls`): the crate is checked with those only.
struct Mutation {
    name: &'static str,
    /// The drift table's row it stands for.
    row: &'static str,
    features: Features,
    apply: fn(&mut Value),
}

enum Features {
    /// These tags' features.
    Tags(&'static [&'static str]),
    /// Whatever compiles this type in the pinned crate.
    OfType(&'static str),
}

fn ops<'a>(doc: &'a mut Value, path: &str) -> &'a mut serde_json::Map<String, Value> {
    doc["paths"][path].as_object_mut().expect(path)
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    &mut doc["components"]["schemas"][name]
}

fn params<'a>(doc: &'a mut Value, path: &str, method: &str) -> &'a mut Vec<Value> {
    let op = &mut doc["paths"][path][method];
    if op.get("parameters").is_none() {
        op["parameters"] = json!([]);
    }
    op["parameters"].as_array_mut().unwrap()
}

/// Every enum list holding all of `probe`, changed by `change`.
fn each_enum(node: &mut Value, probe: &[&str], change: &dyn Fn(&mut Vec<Value>)) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                if probe.iter().all(|p| values.iter().any(|v| v == p)) {
                    change(values);
                }
            }
            for v in map.values_mut() {
                each_enum(v, probe, change);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| each_enum(v, probe, change)),
        _ => {}
    }
}

/// Every declaration of the tenant header, changed by `change`.
fn each_tenant_header(node: &mut Value, change: &dyn Fn(&mut serde_json::Map<String, Value>)) {
    match node {
        Value::Object(map) => {
            if map.get("in") == Some(&json!("header"))
                && map.get("name") == Some(&json!("organization-id"))
            {
                change(map);
            }
            for v in map.values_mut() {
                each_tenant_header(v, change);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| each_tenant_header(v, change)),
        _ => {}
    }
}

const WEBHOOKS: Features = Features::Tags(&["webhooks"]);

fn corpus() -> Vec<Mutation> {
    vec![
        Mutation {
            name: "operation added",
            row: "(not in the table: additive)",
            features: WEBHOOKS,
            apply: |d| {
                let mut get = d["paths"]["/v2/webhooks"]["get"].clone();
                get["operationId"] = json!("WebhooksController_fetchAllAgain");
                d["paths"]["/v2/webhooks-again"] = json!({ "get": get });
            },
        },
        Mutation {
            name: "operation removed",
            row: "operation removed",
            features: WEBHOOKS,
            apply: |d| {
                ops(d, "/v2/webhooks").remove("delete");
            },
        },
        Mutation {
            name: "operationId changed",
            row: "operationId changed (method renamed)",
            features: WEBHOOKS,
            apply: |d| {
                d["paths"]["/v2/webhooks"]["delete"]["operationId"] =
                    json!("WebhooksController_delete")
            },
        },
        Mutation {
            name: "a generated operation gains a 207",
            row: "an operation moves between generated and hand-written",
            features: WEBHOOKS,
            apply: |d| {
                d["paths"]["/v2/webhooks"]["post"]["responses"]["207"] =
                    json!({"description": "Some webhooks were not created"})
            },
        },
        Mutation {
            name: "an operation gains paging",
            row: "an operation gains paging",
            features: WEBHOOKS,
            apply: |d| {
                for name in ["offset", "limit"] {
                    params(d, "/v2/webhooks", "get").push(
                        json!({"name": name, "in": "query", "required": false, "schema": {"type": "number"}}),
                    );
                }
            },
        },
        Mutation {
            name: "an open enum gets another type name",
            row: "an open enum at the same place gets another type name",
            features: Features::OfType("UsState"),
            apply: |d| {
                each_enum(d, &["AK", "CA", "WY"], &|values| {
                    *values = vec![json!("ZONE_1"), json!("ZONE_2")]
                })
            },
        },
        Mutation {
            name: "new required query parameter",
            row: "new required parameter",
            features: WEBHOOKS,
            apply: |d| {
                params(d, "/v2/webhooks", "get").push(
                    json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}}),
                )
            },
        },
        Mutation {
            name: "new required request property",
            row: "new required request property",
            features: WEBHOOKS,
            apply: |d| {
                let s = schema(d, "CreateWebhooksDto");
                s["properties"]["region"] = json!({"type": "string"});
                s["required"].as_array_mut().unwrap().push(json!("region"));
            },
        },
        Mutation {
            name: "new optional query parameter",
            row: "new optional parameter",
            features: WEBHOOKS,
            apply: |d| {
                params(d, "/v2/webhooks", "get").push(
                    json!({"name": "active", "in": "query", "required": false, "schema": {"type": "boolean"}}),
                )
            },
        },
        Mutation {
            name: "new optional request property",
            row: "new optional property",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "CreateWebhooksDto")["properties"]["active"] = json!({"type": "boolean"})
            },
        },
        Mutation {
            name: "new optional response property",
            row: "new response property",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "WebhookResponseDto")["properties"]["updated_at"] =
                    json!({"type": "string", "format": "date-time"})
            },
        },
        Mutation {
            name: "new required response property",
            row: "new response property",
            features: WEBHOOKS,
            apply: |d| {
                let s = schema(d, "WebhookResponseDto");
                s["properties"]["status"] = json!({"type": "string"});
                s["required"].as_array_mut().unwrap().push(json!("status"));
            },
        },
        Mutation {
            name: "response property removed",
            row: "property removed",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "WebhookResponseDto")["properties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("description");
            },
        },
        Mutation {
            name: "property type changed",
            row: "type changed",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "CreateWebhookResponseDto")["properties"]["id"] =
                    json!({"type": "integer"})
            },
        },
        Mutation {
            name: "optional property made required",
            row: "required-ness changed",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "WebhookResponseDto")["required"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("description"))
            },
        },
        Mutation {
            name: "property made nullable",
            row: "nullability changed",
            features: WEBHOOKS,
            apply: |d| {
                schema(d, "CreateWebhookResponseDto")["properties"]["id"]["nullable"] = json!(true)
            },
        },
        Mutation {
            name: "event type added",
            row: "enum value added (`EventType`)",
            features: WEBHOOKS,
            apply: |d| {
                each_enum(d, &["PROVIDER_CRED_APPROVED", "PSV_COMPLETED"], &|values| {
                    values.push(json!("PROVIDER_REINSTATED"))
                })
            },
        },
        Mutation {
            name: "specialty added",
            row: "enum value added (another open enum)",
            features: Features::OfType("UsState"),
            apply: |d| {
                each_enum(d, &["AK", "CA", "WY"], &|values| {
                    values.insert(3, json!("ZZ"))
                })
            },
        },
        Mutation {
            name: "event type removed",
            row: "enum value removed",
            features: WEBHOOKS,
            apply: |d| {
                each_enum(d, &["PROVIDER_CRED_APPROVED", "PSV_COMPLETED"], &|values| {
                    values.retain(|v| v != "FORM_SUBMISSION_CREATED")
                })
            },
        },
        Mutation {
            name: "success body removed",
            row: "body added to or removed from a success",
            features: WEBHOOKS,
            apply: |d| {
                d["paths"]["/v2/webhooks"]["post"]["responses"]["201"]
                    .as_object_mut()
                    .unwrap()
                    .remove("content");
            },
        },
        Mutation {
            name: "success status removed",
            row: "success status removed",
            features: WEBHOOKS,
            apply: |d| {
                let responses = d["paths"]["/v2/webhooks"]["delete"]["responses"]
                    .as_object_mut()
                    .unwrap();
                let ok = responses.remove("204").unwrap();
                responses.insert("202".into(), ok);
            },
        },
        Mutation {
            name: "error status added",
            row: "success or error status added",
            features: WEBHOOKS,
            apply: |d| {
                d["paths"]["/v2/webhooks"]["get"]["responses"]["429"] =
                    json!({"description": "Too many requests"})
            },
        },
        Mutation {
            name: "error status removed",
            row: "error status removed",
            features: WEBHOOKS,
            apply: |d| {
                d["paths"]["/v2/webhooks"]["get"]["responses"]
                    .as_object_mut()
                    .unwrap()
                    .remove("403");
            },
        },
        Mutation {
            name: "server removed",
            row: "server removed",
            features: WEBHOOKS,
            apply: |d| {
                d["servers"].as_array_mut().unwrap().pop();
            },
        },
        Mutation {
            name: "security scheme changed",
            row: "security scheme changed",
            features: WEBHOOKS,
            apply: |d| {
                d["components"]["securitySchemes"]["BearerAuth"] =
                    json!({"type": "apiKey", "in": "header", "name": "x-api-key"})
            },
        },
        Mutation {
            name: "tenant header renamed",
            row: "the tenant header renamed, dropped or made required/optional",
            features: WEBHOOKS,
            apply: |d| {
                each_tenant_header(d, &|h| {
                    h.insert("name".into(), json!("x-organization-id"));
                })
            },
        },
        Mutation {
            name: "tenant header made required",
            row: "the tenant header renamed, dropped or made required/optional",
            features: WEBHOOKS,
            apply: |d| {
                each_tenant_header(d, &|h| {
                    h.insert("required".into(), json!(true));
                })
            },
        },
    ]
}

/// The features compiling `name` in the pinned crate's `generated/sdk.rs`:
/// the feature names in the attributes between its doc comment and its
/// definition (one of them compiles it: `any(..)`; the first is enough).
fn features_of_type(sdk: &str, name: &str) -> Vec<String> {
    let at = [format!("pub enum {name} "), format!("pub struct {name} ")]
        .iter()
        .find_map(|d| sdk.find(d.as_str()))
        .unwrap_or_else(|| panic!("{name} is not in generated/sdk.rs"));
    let before = &sdk[..at];
    let start = ["*/", "}", ";"]
        .iter()
        .filter_map(|end| before.rfind(end))
        .max()
        .unwrap_or(0);
    let mut features: Vec<String> = before[start..]
        .split("feature = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    features.sort();
    features.truncate(1);
    features
}

/// Copies what the crate alone needs (not the other workspace members).
fn copy_crate(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for file in [
        "Cargo.lock",
        "build.rs",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(from.join("Cargo.toml")).unwrap();
    let members = manifest
        .lines()
        .find(|l| l.starts_with("members = ["))
        .expect("the workspace's members");
    std::fs::write(
        to.join("Cargo.toml"),
        manifest.replace(members, "members = [\".\"]"),
    )
    .unwrap();
    for dir in ["src", "generated", "spec", "examples", "tests"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The bump cargo-semver-checks requires of `current` against `baseline`:
/// 2 major, 1 minor, 0 none; and its report.
fn semver_checks(current: &Path, baseline: &Path, features: &str, target: &Path) -> (u8, String) {
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .args(["-p", "certifyos", "--baseline-root"])
        .arg(baseline)
        .args(["--only-explicit-features", "--features", features])
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CERTIFYOS_SPEC")
        .output()
        .expect("cargo semver-checks (install it: cargo install --locked cargo-semver-checks)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = text
        .lines()
        .find(|l| l.trim_start().starts_with("Summary"))
        .unwrap_or_else(|| panic!("cargo semver-checks printed no summary:\n{text}"));
    let required = if summary.contains("new major version") {
        2
    } else if summary.contains("new minor version") {
        1
    } else if summary.contains("no semver update required") {
        0
    } else {
        panic!("cargo semver-checks: a summary this test cannot read: {summary}")
    };
    (required, text)
}

#[test]
#[ignore = "slow: a cargo-semver-checks run per document change; .ci/run runs it"]
fn drift_is_never_milder_than_cargo_semver_checks() {
    let started = Instant::now();
    let work = root().join("target/semver-agreement");
    let baseline = work.join("baseline");
    let current = work.join("current");
    let target = work.join("target");
    copy_crate(&root(), &baseline);
    let sdk = std::fs::read_to_string(baseline.join("generated/sdk.rs")).unwrap();
    let pinned: Value = serde_json::from_slice(&std::fs::read(pinned_path()).unwrap()).unwrap();
    let changed_path = work.join("changed.json");

    let mut rows = Vec::new();
    let mut milder = Vec::new();
    // SEMVER_AGREEMENT_ONLY=TEXT: only the changes whose name contains it.
    let only = std::env::var("SEMVER_AGREEMENT_ONLY").unwrap_or_default();
    for mutation in corpus().into_iter().filter(|m| m.name.contains(&only)) {
        let step = Instant::now();
        let mut doc = pinned.clone();
        (mutation.apply)(&mut doc);
        assert_ne!(doc, pinned, "{}: the change changed nothing", mutation.name);
        std::fs::write(&changed_path, serde_json::to_vec(&doc).unwrap()).unwrap();

        let drift = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("drift")
            .arg(pinned_path())
            .arg(&changed_path)
            .output()
            .unwrap();
        let class = match drift.status.code() {
            Some(c @ 0..=2) => c as u8,
            other => panic!(
                "{}: drift exited {other:?}: {}",
                mutation.name,
                String::from_utf8_lossy(&drift.stderr)
            ),
        };

        copy_crate(&root(), &current);
        let codegen = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["codegen", "--accept-new-spec", "--spec"])
            .arg(&changed_path)
            .arg("--project-root")
            .arg(&current)
            .output()
            .unwrap();
        if !codegen.status.success() {
            // No crate, so no release: the job stops with codegen's one-line
            // error. Fine only where drift also calls the change breaking.
            let error = String::from_utf8_lossy(&codegen.stderr);
            let verdict = if class == 2 { "ok" } else { "MILDER" };
            let line = format!(
                "| {} | {} | {class} | codegen refuses: {} | {verdict} | | {:.0} s |",
                mutation.name,
                mutation.row,
                error.trim().replace('|', "\\|"),
                step.elapsed().as_secs_f64()
            );
            println!("{line}");
            if class < 2 {
                milder.push(line.clone());
            }
            rows.push(line);
            continue;
        }
        let mut features = vec!["rustls".to_string()];
        match mutation.features {
            Features::Tags(tags) => features.extend(tags.iter().map(|t| t.to_string())),
            Features::OfType(name) => features.extend(features_of_type(&sdk, name)),
        }
        let features = features.join(",");
        let (required, report) = semver_checks(&current, &baseline, &features, &target);
        let verdict = if class >= required { "ok" } else { "MILDER" };
        let line = format!(
            "| {} | {} | {class} | {required} | {verdict} | {features} | {:.0} s |",
            mutation.name,
            mutation.row,
            step.elapsed().as_secs_f64()
        );
        println!("{line}");
        if class < required {
            milder.push(format!("{line}\n{report}"));
        }
        rows.push(line);
    }
    println!(
        "\n| change | drift table row | drift | cargo-semver-checks | | features | took |\n| --- | --- | --- | --- | --- | --- | --- |\n{}\n\n{} changes in {:.0} s",
        rows.join("\n"),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        milder.is_empty(),
        "drift is milder than cargo-semver-checks for:\n{}",
        milder.join("\n\n")
    );
}
