//! `cargo xtask drift` and `cargo xtask fetch-spec` as a user runs them.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pinned_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/certifyos-application-api.json")
}

/// The first 12 digits of the pin's sha256 (read, not spelled: a drift
/// branch re-pins).
fn pinned_sha12() -> String {
    let pin = xtask::spec::Pin::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..")).unwrap();
    pin.sha256[..12].to_string()
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
    // Regenerating writes the features of the manifest and the README's
    // list too; the drift job sets the versions and the CHANGELOG.
    std::fs::create_dir_all(dir.join("mock")).unwrap();
    std::fs::create_dir_all(dir.join("cli")).unwrap();
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "CHANGELOG.md",
        "mock/Cargo.toml",
        "cli/Cargo.toml",
    ] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file),
            dir.join(file),
        )
        .unwrap();
    }
    // A known starting point, whatever this branch's version and CHANGELOG:
    // version 0.1.0 released, breaking changes unreleased.
    xtask::release::set_versions(&dir, "0.1.0").unwrap();
    std::fs::write(dir.join("CHANGELOG.md"), CHANGELOG).unwrap();
    dir
}

const CHANGELOG: &str = "# Changelog\n\nVersions follow cargo's semver rules.\n\n## Unreleased\n\n\
### Breaking\n\n- One public surface.\n\n### Added\n\n- A command-line tool.\n\n## 0.1.0\n\n- First version.\n";

/// Runs `cargo xtask ARGS` with no store (unless `store` names one).
fn xtask_with_store(args: &[&str], store: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("CERTIFYOS_SPEC")
        .env("CERTIFYOS_SPEC_STORE", store)
        .output()
        .unwrap()
}

fn xtask(args: &[&str]) -> Output {
    xtask_with_store(args, "")
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
fn fetch_spec_takes_the_pinned_document_from_the_store_when_upstream_moved_on() {
    let dir = scratch("store");
    let pinned_bytes = std::fs::read(pinned_path()).unwrap();
    let store = serve_once(pinned_bytes.clone());
    // Upstream now serves another document: never asked, since the store answers.
    let upstream = serve_once(with_new_event_type().to_string().into_bytes());
    let target = dir.join("fresh/certifyos-application-api.json");
    let out = xtask_with_store(
        &[
            "fetch-spec",
            "--url",
            &upstream,
            "--spec",
            target.to_str().unwrap(),
            "--project-root",
            dir.to_str().unwrap(),
        ],
        &store.replace("/api.json", "/spec-{sha256}/{file}"),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("is the pinned document; wrote"), "{stdout}");
    assert_eq!(std::fs::read(&target).unwrap(), pinned_bytes);
}

#[test]
fn fetch_spec_refuses_a_store_serving_other_bytes_with_upstream_down() {
    let dir = scratch("store-bad");
    let store = serve_once(with_new_event_type().to_string().into_bytes());
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let upstream = format!("http://{closed}/api.json");
    let target = dir.join("fresh/certifyos-application-api.json");
    let out = xtask_with_store(
        &[
            "fetch-spec",
            "--url",
            &upstream,
            "--spec",
            target.to_str().unwrap(),
            "--project-root",
            dir.to_str().unwrap(),
        ],
        &store,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: the pinned document (sha256 {}",
            pinned_sha12()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{store}: serves sha256 "))
            && err.contains("not the pinned document"),
        "the store is named: {err}"
    );
    assert!(
        err.contains(&format!("{upstream}: download failed")),
        "upstream is named: {err}"
    );
    assert!(!dir.join("fresh").exists(), "nothing written");
}

#[test]
fn fetch_spec_with_a_store_template_needing_an_unset_variable_says_which() {
    let dir = scratch("store-env");
    let upstream = serve_once(std::fs::read(pinned_path()).unwrap());
    let target = dir.join("fresh/certifyos-application-api.json");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "fetch-spec",
            "--url",
            &upstream,
            "--spec",
            target.to_str().unwrap(),
            "--project-root",
            dir.to_str().unwrap(),
        ])
        .env_remove("CERTIFYOS_SPEC")
        .env_remove("CERTIFYOS_SPEC_STORE")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .output()
        .unwrap();
    // The pin's template names GitHub's variables: unset here, so upstream
    // (still serving the pinned bytes) is the source.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with(&upstream), "{stdout}");
    assert!(target.exists());
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
        err.starts_with("error: the pinned document (sha256 ")
            && err.contains(&format!("cannot be had: {url}: download failed")),
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
    assert!(err.contains("not the pinned document"), "{err}");
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
/// scratch project (its CHANGELOG replaced by `changelog` when given);
/// returns the exit code, stderr, the output folder and the project.
fn run_api_drift(
    name: &str,
    new: Vec<u8>,
    changelog: Option<&str>,
) -> (Option<i32>, String, PathBuf, PathBuf) {
    run_api_drift_at(name, &serve_once(new), changelog)
}

/// The drift job against upstream at `url`, in a scratch project.
fn run_api_drift_at(
    name: &str,
    url: &str,
    changelog: Option<&str>,
) -> (Option<i32>, String, PathBuf, PathBuf) {
    let dir = scratch(name);
    if let Some(text) = changelog {
        std::fs::write(dir.join("CHANGELOG.md"), text).unwrap();
    }
    let out_dir = dir.join("drift-out");
    let out = xtask(&[
        "api-drift",
        "--url",
        url,
        "--spec",
        dir.join("certifyos-application-api.json").to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--project-root",
        dir.to_str().unwrap(),
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out_dir,
        dir,
    )
}

fn api_drift(name: &str, new: Vec<u8>) -> (Option<i32>, PathBuf, PathBuf) {
    let (code, stderr, out, dir) = run_api_drift(name, new, None);
    assert!(code.is_some_and(|c| c < 3), "{stderr}");
    (code, out, dir)
}

fn version_of(manifest: &Path) -> String {
    xtask::release::package_version(&std::fs::read_to_string(manifest).unwrap()).unwrap()
}

#[test]
fn the_drift_job_on_an_additive_document_regenerates_and_releases_what_unreleased_holds() {
    let (code, out, project) = api_drift("job-add", with_new_event_type().to_string().into_bytes());
    // The drift is additive (exit 1), but CHANGELOG.md's Unreleased section
    // already holds breaking changes: the release is 0.2.0, not 0.1.1.
    assert_eq!(code, Some(1));
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    assert!(read(out.join("report.md")).contains("PROVIDER_ARCHIVED"));
    assert_eq!(read(out.join("version.txt")), "0.2.0\n");
    assert!(read(out.join("title.txt")).contains("0 breaking, 1 additive → certifyos 0.2.0"));
    for manifest in ["Cargo.toml", "mock/Cargo.toml", "cli/Cargo.toml"] {
        assert_eq!(version_of(&project.join(manifest)), "0.2.0", "{manifest}");
    }
    assert!(read(project.join("mock/Cargo.toml"))
        .contains("certifyos = { version = \"0.2.0\", path = \"..\", features = [\"serde\"] }"));
    let lock = read(project.join("Cargo.lock"));
    assert!(
        lock.contains("name = \"certifyos\"\nversion = \"0.2.0\""),
        "Cargo.lock follows"
    );
    let changelog = read(project.join("CHANGELOG.md"));
    let preamble_end = changelog
        .find("## Unreleased\n\n## 0.2.0 - ")
        .expect(&changelog);
    assert!(
        changelog[..preamble_end].starts_with("# Changelog\n\nVersions follow"),
        "{changelog}"
    );
    let section = &changelog[preamble_end..changelog.find("\n## 0.1.0").unwrap()];
    for expected in [
        "### Breaking",
        "### Added",
        "PROVIDER_ARCHIVED",
        "One public surface",
        "sha256 `",
    ] {
        assert!(section.contains(expected), "{expected} in {section}");
    }
    assert_eq!(
        xtask::release::unreleased_class(&changelog),
        0,
        "Unreleased is emptied"
    );
    assert!(
        !read(project.join("spec/pin.json")).contains(&pinned_sha12()),
        "re-pinned to the new document"
    );
    assert!(read(project.join("spec/pin.json"))
        .contains("\"file\": \"certifyos-application-api.json\""));
    assert!(read(project.join("generated/sdk.rs")).contains("ProviderArchived"));
    // The document for the store, under the pin's file name.
    let sha = read(out.join("sha256.txt"));
    assert!(read(project.join("spec/pin.json")).contains(sha.trim()));
    assert_eq!(
        std::fs::read(out.join("store/certifyos-application-api.json")).unwrap(),
        with_new_event_type().to_string().into_bytes()
    );
}

#[test]
fn with_nothing_unreleased_an_additive_drift_is_a_patch_release() {
    let changelog = "# Changelog\n\nPreamble.\n\n## Unreleased\n\n## 0.1.0\n\n- First.\n";
    let (code, stderr, out, project) = run_api_drift(
        "job-patch",
        with_new_event_type().to_string().into_bytes(),
        Some(changelog),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("version.txt")).unwrap(),
        "0.1.1\n"
    );
    assert_eq!(version_of(&project.join("Cargo.toml")), "0.1.1");
    let now = std::fs::read_to_string(project.join("CHANGELOG.md")).unwrap();
    assert!(
        now.starts_with("# Changelog\n\nPreamble.\n\n## Unreleased\n\n## 0.1.1 - "),
        "{now}"
    );
    assert!(now.ends_with("\n## 0.1.0\n\n- First.\n"), "{now}");
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

#[test]
fn the_drift_job_refuses_a_document_that_is_not_openapi_and_writes_nothing() {
    let (code, stderr, out, project) = run_api_drift(
        "job-bad",
        br#"{"swagger": "2.0", "paths": {}}"#.to_vec(),
        None,
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: http://127.0.0.1:") && stderr.contains("/openapi is missing"),
        "{stderr}"
    );
    assert!(!out.exists());
    assert!(!project.join("generated").exists());
    assert_eq!(version_of(&project.join("Cargo.toml")), "0.1.0");
}

#[test]
fn the_drift_job_with_upstream_down_is_one_line_and_writes_nothing() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/api.json");
    let (code, err, out_dir, _) = run_api_drift_at("job-down", &url, None);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.starts_with(&format!("error: {url}: download failed")),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!out_dir.exists());
}

/// Renaming the tenant header everywhere: codegen follows the new name, and
/// drift calls it breaking once (callers on this version keep sending the
/// old name), not once per operation nor as a new optional parameter.
#[test]
fn a_renamed_tenant_header_is_breaking() {
    let mut doc = pinned();
    let mut renamed = 0;
    fn walk(v: &mut serde_json::Value, renamed: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("in").and_then(|i| i.as_str()) == Some("header")
                    && map.get("name").and_then(|n| n.as_str()) == Some("organization-id")
                {
                    map.insert("name".into(), "x-organization-id".into());
                    *renamed += 1;
                }
                for child in map.values_mut() {
                    walk(child, renamed);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, renamed)),
            _ => {}
        }
    }
    walk(&mut doc, &mut renamed);
    assert!(renamed > 70, "{renamed}");
    let (code, report) = drift_against("tenant", &doc);
    assert_eq!(code, Some(2), "{report}");
    assert!(report.contains("**1 breaking, 0 additive**"), "{report}");
    assert!(
        report.contains("the tenant header is renamed `organization-id` → `x-organization-id`"),
        "{report}"
    );
}
