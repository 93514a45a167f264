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
const GENERATED: &[&str] = &[
    "generated/sdk.rs",
    "generated/operations.rs",
    "generated/open_enums.rs",
];

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
    let pinned = json_string_field(&pin, "sha256")
        .ok_or_else(|| format!("{}: no sha256", pin_path.display()))?;
    for file in GENERATED {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{file}: {e}; run `cargo xtask codegen`"))?;
        let made_from = text
            .lines()
            .take(5)
            .find_map(|l| l.strip_prefix("// spec-sha256: "))
            .map(str::trim);
        if made_from != Some(pinned.as_str()) {
            return Err(format!(
                "{file} was generated from spec sha256 {}, but spec/pin.json pins {pinned}: run `cargo xtask codegen`",
                made_from.unwrap_or("(no header)")
            ));
        }
    }
    Ok(())
}

/// The value of `"field": "…"` in a small, flat JSON file.
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let after_key = &json[json.find(&format!("\"{field}\""))? + field.len() + 2..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let value = after_colon.strip_prefix('"')?;
    Some(value[..value.find('"')?].to_string())
}
