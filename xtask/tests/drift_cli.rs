//! `cargo xtask drift` and `cargo xtask fetch-spec` as a user runs them.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pinned_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/certifyos-application-api.json")
}

fn pinned() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(pinned_path()).expect("the pinned document")).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-drift-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/pin.json"),
        dir.join("spec/pin.json"),
    )
    .unwrap();
    std::fs::copy(pinned_path(), dir.join("certifyos-application-api.json")).unwrap();
    // Regenerating writes the features of the manifest and the README's list too.
    for file in ["Cargo.toml", "README.md"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("CERTIFYOS_SPEC")
        .output()
        .unwrap()
}

fn with_new_event_type() -> serde_json::Value {
    let mut doc = pinned();
    for site in [
        "/components/schemas/WebhookResponseDto/properties/event_types/items/enum",
        "/components/schemas/CreateWebhooksDto/properties/event_types/items/enum",
        "/components/schemas/CreateWebhookTestEventDto/properties/eventType/enum",
    ] {
        doc.pointer_mut(site)
            .unwrap()
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!("PROVIDER_ARCHIVED"));
    }
    doc
}

/// Serves `body` to one request on loopback; returns its URL.
fn serve_once(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len()).unwrap();
        stream.write_all(&body).unwrap();
    });
    url
}

#[test]
fn the_pinned_document_against_itself_reports_no_changes() {
    let path = pinned_path();
    let out = xtask(&["drift", path.to_str().unwrap(), path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No API changes."));
}

#[test]
fn a_new_event_type_is_additive_in_json() {
    let dir = scratch("json");
    let new = dir.join("new.json");
    std::fs::write(&new, with_new_event_type().to_string()).unwrap();
    let out = xtask(&[
        "drift",
        pinned_path().to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["breaking"], 0);
    assert_eq!(report["additive"], 1);
    assert_eq!(report["changes"][0]["section"], "event_type");
    assert_eq!(
        report["changes"][0]["what"],
        "value `PROVIDER_ARCHIVED` added"
    );
}

#[test]
fn bad_input_names_which_document_and_exits_3() {
    let dir = scratch("bad");
    let not_json = dir.join("broken.json");
    std::fs::write(&not_json, "{ nope").unwrap();
    let out = xtask(&[
        "drift",
        "/nonexistent/old.json",
        pinned_path().to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("error: OLD: /nonexistent/old.json: no OpenAPI document there"),
        "{err}"
    );
    let out = xtask(&[
        "drift",
        pinned_path().to_str().unwrap(),
        not_json.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("error: NEW: ") && err.contains("broken.json: not JSON"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn fetch_spec_writes_a_new_version_beside_the_pinned_one_and_reports_the_drift() {
    let dir = scratch("fetch");
    let url = serve_once(with_new_event_type().to_string().into_bytes());
    let spec = dir.join("certifyos-application-api.json");
    let out = xtask(&[
        "fetch-spec",
        "--url",
        &url,
        "--spec",
        spec.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("value `PROVIDER_ARCHIVED` added"),
        "{stdout}"
    );
    let written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("certifyos-application-api.") && n != "certifyos-application-api.json"
        })
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(
        std::fs::read_to_string(dir.join("spec/pin.json"))
            .unwrap()
            .contains("df08dd00da43"),
        "the pin is not changed"
    );
}

#[test]
fn fetch_spec_of_the_pinned_document_does_nothing() {
    let dir = scratch("same");
    let url = serve_once(std::fs::read(pinned_path()).unwrap());
    let present = dir.join("certifyos-application-api.json");
    let out = xtask(&[
        "fetch-spec",
        "--url",
        &url,
        "--spec",
        present.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is the pinned document: nothing to do"));
}

#[test]
fn fetch_spec_network_failure_is_one_clear_line_and_changes_nothing() {
    let dir = scratch("down");
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/api.json");
    let before: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let out = xtask(&[
        "fetch-spec",
        "--url",
        &url,
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with(&format!("error: {url}: download failed")),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1);
    let after: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_command_line_it_cannot_read_exits_3_for_every_command() {
    for args in [
        &["drift", "only-old.json"][..],
        &["codegen", "--no-such-flag"],
        &["fetch-spec", "--format", "yaml"],
        &["no-such-command"],
    ] {
        let out = xtask(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("error:"), "{args:?}: {err}");
    }
    let help = xtask(&["drift", "--help"]);
    assert_eq!(help.status.code(), Some(0));
}

fn drift_against(name: &str, new: &serde_json::Value) -> (Option<i32>, String) {
    let dir = scratch(name);
    let new_path = dir.join("new.json");
    std::fs::write(&new_path, serde_json::to_vec(new).unwrap()).unwrap();
    let out = xtask(&[
        "drift",
        pinned_path().to_str().unwrap(),
        new_path.to_str().unwrap(),
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_207_on_a_generated_operation_is_breaking_because_its_method_moves() {
    let mut doc = pinned();
    doc.pointer_mut("/paths/~1v2~1webhooks/post/responses")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(
            "207".into(),
            serde_json::json!({"description": "some failed"}),
        );
    let (code, report) = drift_against("moved", &doc);
    assert_eq!(code, Some(2), "{report}");
    assert!(
        report.contains("method webhooks_create is no longer generated"),
        "{report}"
    );
}

/// Applies `change` to every US-state enum list of the document.
fn add_state(
    node: &mut serde_json::Value,
    sites: &mut usize,
    change: fn(&mut Vec<serde_json::Value>),
) {
    match node {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(values)) = map.get_mut("enum") {
                let is_states = ["AK", "CA", "WY"]
                    .iter()
                    .all(|s| values.iter().any(|v| v == s));
                if is_states {
                    change(values);
                    *sites += 1;
                }
            }
            for value in map.values_mut() {
                add_state(value, sites, change);
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|v| add_state(v, sites, change))
        }
        _ => {}
    }
}
#[test]
fn a_us_state_added_everywhere_keeps_the_us_state_type() {
    let mut doc = pinned();
    let mut sites = 0;
    add_state(&mut doc, &mut sites, |values| {
        values.push(serde_json::json!("XX"))
    });
    assert!(sites >= 19, "{sites} US-state lists");
    let (code, report) = drift_against("states", &doc);
    assert_eq!(code, Some(1), "additive only:\n{report}");
    assert!(!report.contains("renamed"), "{report}");
    assert!(report.contains("XX"), "{report}");
}

#[test]
fn a_state_list_replaced_by_another_set_is_a_breaking_type_rename() {
    let mut doc = pinned();
    let mut sites = 0;
    add_state(&mut doc, &mut sites, |values| {
        *values = vec![serde_json::json!("ZONE_1"), serde_json::json!("ZONE_2")]
    });
    let (code, report) = drift_against("zones", &doc);
    assert_eq!(code, Some(2), "{report}");
    assert!(
        report.contains("types::UsState") && report.contains("open enum type renamed"),
        "{report}"
    );
}

#[test]
fn fetch_spec_writes_the_missing_pinned_document_where_codegen_looks() {
    let dir = scratch("missing");
    let target = dir.join("spec-dir/certifyos-application-api.json");
    let url = serve_once(std::fs::read(pinned_path()).unwrap());
    let out = xtask(&[
        "fetch-spec",
        "--url",
        &url,
        "--spec",
        target.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("is the pinned document; wrote"), "{stdout}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(pinned_path()).unwrap()
    );
}

#[test]
fn fetch_spec_refuses_other_bytes_when_the_pinned_document_is_missing() {
    let dir = scratch("refuse");
    let target = dir.join("absent.json");
    let url = serve_once(with_new_event_type().to_string().into_bytes());
    let out = xtask(&[
        "fetch-spec",
        "--url",
        &url,
        "--spec",
        target.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("is not the pinned"), "{err}");
    assert!(!target.exists());
}

#[test]
fn a_missing_document_names_fetch_spec_and_the_ways_to_point_at_one() {
    let dir = scratch("nodoc");
    let absent = dir.join("nowhere.json");
    let out = xtask(&[
        "codegen",
        "--check",
        "--spec",
        absent.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for hint in [
        "cargo xtask fetch-spec",
        "--spec PATH",
        "CERTIFYOS_SPEC=PATH",
    ] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
}

#[test]
fn the_changelog_entry_carries_the_next_version() {
    let dir = scratch("changelog");
    let new_path = dir.join("new.json");
    std::fs::write(&new_path, with_new_event_type().to_string()).unwrap();
    let out = xtask(&[
        "drift",
        pinned_path().to_str().unwrap(),
        new_path.to_str().unwrap(),
        "--changelog",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // Additive while 0.x: a patch release of the crate's version.
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
            .unwrap();
    let current = manifest
        .split("[package]")
        .nth(1)
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
        .unwrap();
    let parts: Vec<u64> = current.split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(parts[0], 0, "the expectation below is for 0.x");
    let next = format!("## 0.{}.{}\n", parts[1], parts[2] + 1);
    assert!(stdout.starts_with(&next), "{next:?}: {stdout}");
    assert!(
        stdout.contains("### Added") && stdout.contains("PROVIDER_ARCHIVED"),
        "{stdout}"
    );
    assert!(!stdout.contains("### Breaking"), "{stdout}");
}

/// Runs the scheduled drift job against `new` served on loopback, in a
/// scratch project; returns the exit code, the output folder and the project.
fn api_drift(name: &str, new: Vec<u8>) -> (Option<i32>, PathBuf, PathBuf) {
    let dir = scratch(name);
    let url = serve_once(new);
    let out_dir = dir.join("drift-out");
    let out = xtask(&[
        "api-drift",
        "--url",
        &url,
        "--spec",
        dir.join("certifyos-application-api.json").to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.code().is_some_and(|c| c < 3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), out_dir, dir)
}

#[test]
fn the_drift_job_on_an_additive_document_regenerates_and_prepares_a_patch_release() {
    let (code, out, project) = api_drift("job-add", with_new_event_type().to_string().into_bytes());
    assert_eq!(code, Some(1));
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    assert!(read(out.join("report.md")).contains("PROVIDER_ARCHIVED"));
    assert!(read(out.join("changelog.md")).starts_with("## 0.1.1\n"));
    assert!(read(out.join("title.txt")).contains("0 breaking, 1 additive"));
    assert!(
        !read(project.join("spec/pin.json")).contains("df08dd00da43"),
        "re-pinned to the new document"
    );
    assert!(read(project.join("generated/sdk.rs")).contains("ProviderArchived"));
}

#[test]
fn the_drift_job_on_a_breaking_document_fails_with_a_minor_release_prepared() {
    let mut doc = pinned();
    doc["paths"]["/v2/webhooks"]
        .as_object_mut()
        .unwrap()
        .remove("get");
    let (code, out, _) = api_drift("job-break", doc.to_string().into_bytes());
    assert_eq!(code, Some(2));
    let changelog = std::fs::read_to_string(out.join("changelog.md")).unwrap();
    assert!(changelog.starts_with("## 0.2.0\n"), "{changelog}");
    assert!(changelog.contains("### Breaking"), "{changelog}");
}

#[test]
fn the_drift_job_on_the_pinned_document_does_nothing() {
    let (code, out, project) = api_drift("job-same", std::fs::read(pinned_path()).unwrap());
    assert_eq!(code, Some(0));
    assert!(!out.exists());
    assert!(!project.join("generated").exists());
}
