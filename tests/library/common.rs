//! Shared by the integration tests: the pinned CertifyOS document.

use std::path::PathBuf;

/// The document `generated/` is made from: `$CERTIFYOS_SPEC`, else the shared
/// folder beside the checkout. Its absence fails the test, never skips it.
pub fn pinned_document() -> serde_json::Value {
    let path = match std::env::var_os("CERTIFYOS_SPEC") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/spec/certifyos-application-api.json"),
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; these tests compare the crate with the CertifyOS document (set CERTIFYOS_SPEC)", path.display())
    });
    serde_json::from_slice(&bytes).expect("the pinned document is JSON")
}

/// `(operationId, METHOD, path)` of every operation in the document.
pub fn operations(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                out.push((id.to_string(), method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}
