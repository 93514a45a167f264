//! `cargo xtask codegen` as a user runs it: bad input gets one clear line and
//! leaves `generated/` alone; `--check` catches hand edits.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PINNED_SHA256: &str = "df08dd00da4348013da7b59ea05ad7acee3be431e6f74186e197d308a3cdd30b";

fn pinned_document() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/spec/certifyos-application-api.json");
    assert!(
        path.exists(),
        "the pinned CertifyOS document is expected at {}",
        path.display()
    );
    path
}

/// A scratch project: spec/pin.json and a generated/ holding sentinel files.
fn scratch_project(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec")).unwrap();
    std::fs::create_dir_all(root.join("generated")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/pin.json"),
        root.join("spec/pin.json"),
    )
    .unwrap();
    std::fs::write(root.join("generated/sdk.rs"), "// sentinel sdk\n").unwrap();
    std::fs::write(
        root.join("generated/operations.rs"),
        "// sentinel operations\n",
    )
    .unwrap();
    root
}

fn codegen(root: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .arg("--project-root")
        .arg(root)
        .args(extra)
        .env_remove("CERTIFYOS_SPEC")
        .output()
        .expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The run failed with exit 2, one line naming `needle`, and touched nothing.
fn assert_refused(root: &Path, output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert_eq!(
        std::fs::read_to_string(root.join("generated/sdk.rs")).unwrap(),
        "// sentinel sdk\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("generated/operations.rs")).unwrap(),
        "// sentinel operations\n"
    );
    assert!(std::fs::read_to_string(root.join("spec/pin.json"))
        .unwrap()
        .contains(PINNED_SHA256));
}

fn write(root: &Path, name: &str, contents: &str) -> PathBuf {
    let path = root.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn missing_document_is_refused() {
    let root = scratch_project("missing");
    let missing = root.join("nowhere.json");
    let out = codegen(&root, &["--spec", missing.to_str().unwrap()]);
    assert_refused(
        &root,
        &out,
        &[
            "nowhere.json: no OpenAPI document there",
            "cargo xtask fetch-spec",
        ],
    );
}

#[test]
fn non_json_document_is_refused() {
    let root = scratch_project("not-json");
    let path = write(&root, "api.json", "openapi: 3.0.0\n");
    let out = codegen(&root, &["--spec", path.to_str().unwrap()]);
    assert_refused(&root, &out, &["api.json: not JSON (line 1, column 1)"]);
}

#[test]
fn openapi_31_document_is_refused() {
    let root = scratch_project("v31");
    let path = write(
        &root,
        "api.json",
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
    );
    let out = codegen(
        &root,
        &["--spec", path.to_str().unwrap(), "--accept-new-spec"],
    );
    assert_refused(
        &root,
        &out,
        &["api.json", "/openapi: version \"3.1.0\" is not supported"],
    );
}

#[test]
fn document_other_than_the_pin_is_refused() {
    let root = scratch_project("other-sha");
    let path = write(
        &root,
        "api.json",
        r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
    );
    let out = codegen(&root, &["--spec", path.to_str().unwrap()]);
    assert_refused(
        &root,
        &out,
        &[
            "api.json: sha256",
            "differs from the pin",
            "--accept-new-spec",
        ],
    );
}

#[test]
fn dangling_ref_is_refused_with_its_pointer() {
    let root = scratch_project("dangling");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pinned_document()).unwrap()).unwrap();
    doc["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("WebhookResponseDto");
    let path = write(&root, "api.json", &doc.to_string());
    let out = codegen(
        &root,
        &["--spec", path.to_str().unwrap(), "--accept-new-spec"],
    );
    assert_refused(
        &root,
        &out,
        &["api.json: /paths/~1v2~1webhooks/get/responses/200/content/application~1json/schema/items/$ref", "WebhooksController_fetchAll", "does not resolve"],
    );
}

#[test]
fn generation_is_deterministic_and_check_catches_hand_edits() {
    let root = scratch_project("roundtrip");
    let spec = pinned_document();
    let spec = spec.to_str().unwrap();
    let first = codegen(&root, &["--spec", spec]);
    assert!(first.status.success(), "{}", stderr(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("operations: 79 in the document"),
        "{stdout}"
    );
    let sdk = std::fs::read_to_string(root.join("generated/sdk.rs")).unwrap();
    assert!(sdk.starts_with("// @generated"));
    assert!(sdk.contains(&format!("// spec-sha256: {PINNED_SHA256}")));

    let check = codegen(&root, &["--spec", spec, "--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("generated/sdk.rs")).unwrap(),
        sdk,
        "a second run changes nothing"
    );

    std::fs::write(
        root.join("generated/sdk.rs"),
        sdk.replacen("pub struct Client {", "pub struct HandEditedClient {", 1),
    )
    .unwrap();
    let stale = codegen(&root, &["--spec", spec, "--check"]);
    let report = String::from_utf8_lossy(&stale.stdout);
    assert_eq!(stale.status.code(), Some(1), "{report}");
    assert!(
        report.contains("generated/sdk.rs: 1 lines added, 1 removed"),
        "{report}"
    );
    assert!(report.contains("-pub struct HandEditedClient"), "{report}");
    assert!(report.contains("generated/ is stale"), "{report}");
}

#[test]
fn a_defect_no_pass_handles_names_pointer_and_operation() {
    let root = scratch_project("unhandled");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pinned_document()).unwrap()).unwrap();
    doc["paths"]["/v2/webhooks"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "session", "in": "cookie", "schema": {"type": "string"}}));
    let path = write(&root, "api.json", &doc.to_string());
    let out = codegen(
        &root,
        &["--spec", path.to_str().unwrap(), "--accept-new-spec"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("api.json: /paths/~1v2~1webhooks/get/parameters/0 (operation WebhooksController_fetchAll (GET /v2/webhooks)): cookie parameters are not supported"), "{err}");
    assert!(
        err.contains("1 defect no normalization pass handles"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("generated/sdk.rs")).unwrap(),
        "// sentinel sdk\n"
    );
}
