//! Cheap staleness guard: never runs the generator (progenitor takes minutes
//! to compile; consumers of the crate must not pay for it).
//!
//! Where the CertifyOS document is at hand (a checkout of this project), the
//! build fails if `generated/` was made from another document than the one
//! pinned in `spec/pin.json`. Where it is not (a consumer's build), it does
//! nothing.

use std::path::{Path, PathBuf};

const SPEC_ENV: &str = "CERTIFYOS_SPEC";
const DEFAULT_SPEC: &str = "../shared/spec/certifyos-application-api.json";
/// The generated files the crate compiles (the test-only ones are not
/// published).
const GENERATED: &[&str] = &["generated/sdk.rs", "generated/operations.rs"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=generated");
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    let spec = match std::env::var_os(SPEC_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => root.join(DEFAULT_SPEC),
    };
    println!("cargo:rerun-if-changed={}", spec.display());
    if !spec.exists() {
        return;
    }
    if let Err(message) = check(&root) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn check(root: &Path) -> Result<(), String> {
    let pin_path = root.join("spec/pin.json");
    let pin =
        std::fs::read_to_string(&pin_path).map_err(|e| format!("{}: {e}", pin_path.display()))?;
    for file in GENERATED {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{file}: {e}; run `cargo xtask codegen`"))?;
        let made_from = text
            .lines()
            .take(5)
            .find_map(|l| l.strip_prefix("// spec-sha256: "))
            .map(str::trim)
            .filter(|sha| sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()));
        // No JSON parsing here (a build script should not pull serde_json
        // into every consumer's build): the pin holds exactly one sha256,
        // so the file was made from the pinned document exactly when its
        // sha256 appears in the pin as a JSON string.
        let pinned = made_from.is_some_and(|sha| pin.contains(&format!("\"{sha}\"")));
        if !pinned {
            return Err(format!(
                "{file} was generated from spec sha256 {}, which spec/pin.json does not pin: run `cargo xtask codegen`",
                made_from.unwrap_or("(no header)")
            ));
        }
    }
    Ok(())
}
