//! Where the CertifyOS document comes from, and proof that it is the one we pinned.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Environment variable naming the document when `--spec` is not given.
pub const SPEC_ENV: &str = "CERTIFYOS_SPEC";

/// Where the document lives relative to the project root when neither the
/// flag nor the environment names it (the shared folder beside the checkout).
pub const DEFAULT_SPEC: &str = "../shared/spec/certifyos-application-api.json";

/// Environment variable replacing the pin's `store_url` template (tests
/// point it at a loopback server; an empty value means no store).
pub const STORE_ENV: &str = "CERTIFYOS_SPEC_STORE";

/// `spec/pin.json`: provenance of the document `generated/` was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub file: String,
    pub upstream_url: String,
    pub sha256: String,
    pub size: u64,
    /// Where the project keeps every document it pins, by hash: a URL
    /// template with `{sha256}`, `{file}` and `${ENV}` (see [`store_url`]).
    /// Upstream's URL is unversioned, so the day CertifyOS publishes a new
    /// document it no longer serves the pinned bytes; the store still does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_url: Option<String>,
}

impl Pin {
    pub fn path(root: &Path) -> PathBuf {
        root.join("spec").join("pin.json")
    }

    pub fn load(root: &Path) -> Result<Pin> {
        let path = Pin::path(root);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read the pin", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{}: not a valid pin", path.display()))
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let path = Pin::path(root);
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))
    }
}

/// `spec/enum-names.json`: every open enum's type name and values as last
/// generated, so that a value CertifyOS adds or removes keeps the type's name
/// (`hoist_string_enums` matches sets against it). Written by codegen, like a
/// lock file; a missing file means names from the naming rule.
pub struct EnumNameTable;

impl EnumNameTable {
    pub fn path(root: &Path) -> PathBuf {
        root.join("spec/enum-names.json")
    }

    pub fn load(root: &Path) -> Result<crate::model::EnumNames> {
        let path = Self::path(root);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not a name → values table", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(e).with_context(|| format!("{}: cannot read", path.display())),
        }
    }

    /// One enum a line, sorted: diffs show which set changed.
    pub fn render(table: &crate::model::EnumNames) -> String {
        let lines: Vec<String> = table
            .iter()
            .map(|(name, values)| {
                format!(
                    "  {}: {}",
                    serde_json::to_string(name).expect("a string"),
                    serde_json::to_string(values).expect("strings")
                )
            })
            .collect();
        format!("{{\n{}\n}}\n", lines.join(",\n"))
    }
}

/// The document as read from disk: its bytes' hash and its parsed JSON.
#[derive(Debug, Clone)]
pub struct Spec {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub doc: Value,
}

/// Picks the document's path: the flag, else `$CERTIFYOS_SPEC`, else the shared default.
pub fn resolve_path(root: &Path, flag: Option<&Path>) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    match std::env::var_os(SPEC_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => root.join(DEFAULT_SPEC),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the document and checks it is JSON and OpenAPI 3.0.x.
///
/// Every error is one line naming the file.
pub fn load(path: &Path) -> Result<Spec> {
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "{}: no OpenAPI document there; `cargo xtask fetch-spec` downloads the pinned one \
                 to this path, or point `--spec PATH` or `{SPEC_ENV}=PATH` at a copy",
                path.display()
            )
        } else {
            anyhow::anyhow!("{}: cannot read the OpenAPI document: {e}", path.display())
        }
    })?;
    parse(bytes, path)
}

/// Parses a document's bytes (read from a file or downloaded), naming
/// `origin` in every error.
pub fn parse(bytes: Vec<u8>, origin: &Path) -> Result<Spec> {
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not JSON (line {}, column {}): {e}",
            origin.display(),
            e.line(),
            e.column()
        )
    })?;
    check_openapi_30(&doc).with_context(|| origin.display().to_string())?;
    Ok(Spec {
        path: origin.to_path_buf(),
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
        doc,
    })
}

/// The store's URL for the pinned document: `$CERTIFYOS_SPEC_STORE` when
/// set, else the pin's `store_url`, with `{sha256}` and `{file}` replaced by
/// the pin's and each `${NAME}` by that environment variable (on GitHub
/// Actions `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}` is the repository,
/// so the template names no host of its own). `Ok(None)`: no store
/// configured; `Err`: the template needs a variable that is not set.
pub fn store_url(pin: &Pin) -> Result<Option<String>> {
    let template = match std::env::var(STORE_ENV) {
        Ok(value) => value,
        Err(_) => match &pin.store_url {
            Some(template) => template.clone(),
            None => return Ok(None),
        },
    };
    if template.trim().is_empty() {
        return Ok(None);
    }
    let mut url = String::new();
    let mut rest = template.as_str();
    while let Some(start) = rest.find("${") {
        url.push_str(&rest[..start]);
        let Some(len) = rest[start + 2..].find('}') else {
            bail!("store URL template {template:?}: `${{` without a closing `}}`");
        };
        let name = &rest[start + 2..start + 2 + len];
        match std::env::var(name) {
            Ok(value) if !value.is_empty() => url.push_str(&value),
            _ => bail!("store URL template {template:?} needs ${name}, which is not set"),
        }
        rest = &rest[start + 3 + len..];
    }
    url.push_str(rest);
    Ok(Some(
        url.replace("{sha256}", &pin.sha256)
            .replace("{file}", &pin.file),
    ))
}

/// Gets the pinned document's bytes from the store, or else from upstream
/// while upstream still serves exactly those bytes; checks them against the
/// pin's sha256 and that they are an OpenAPI 3.0 document. Returns the
/// bytes and where they came from. The error is one line naming every
/// source tried and why each failed.
pub fn fetch_pinned(pin: &Pin, upstream: &str) -> Result<(Vec<u8>, String)> {
    let mut tried = Vec::new();
    let mut sources = Vec::new();
    match store_url(pin) {
        Ok(Some(url)) => sources.push(url),
        Ok(None) => {}
        Err(e) => tried.push(format!("store: {e}")),
    }
    sources.push(upstream.to_string());
    for url in sources {
        let bytes = match download(&url) {
            Ok(bytes) => bytes,
            Err(e) => {
                tried.push(format!("{e}"));
                continue;
            }
        };
        let sha = sha256_hex(&bytes);
        if sha != pin.sha256 {
            tried.push(format!(
                "{url}: serves sha256 {sha}, not the pinned document"
            ));
            continue;
        }
        parse(bytes.clone(), Path::new(&url))?;
        return Ok((bytes, url));
    }
    bail!(
        "the pinned document (sha256 {}, spec/pin.json) cannot be had: {}",
        pin.sha256,
        tried.join("; ")
    )
}

/// Downloads a document (`http://` or `https://`).
pub fn download(url: &str) -> Result<Vec<u8>> {
    let response = ureq::get(url)
        .call()
        .map_err(|e| anyhow::anyhow!("{url}: download failed: {e}"))?;
    response
        .into_body()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| anyhow::anyhow!("{url}: download failed while reading: {e}"))
}

/// A document from a path, or from a URL when it starts with http(s)://.
pub fn load_or_download(location: &str) -> Result<Spec> {
    if location.starts_with("http://") || location.starts_with("https://") {
        parse(download(location)?, Path::new(location))
    } else {
        load(Path::new(location))
    }
}

/// progenitor (through openapiv3) reads OpenAPI 3.0.x only.
pub fn check_openapi_30(doc: &Value) -> Result<()> {
    let Some(object) = doc.as_object() else {
        bail!("not an OpenAPI document: the top level is not a JSON object");
    };
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) => {
            bail!("/openapi: version {v:?} is not supported (OpenAPI 3.0.x only)")
        }
        Some(other) => bail!("/openapi: expected a version string, found {other}"),
        None => bail!("not an OpenAPI 3.0.x document: /openapi is missing"),
    }
}

/// Refuses a document other than the pinned one, unless the caller accepts it.
pub fn check_pin(spec: &Spec, pin: &Pin) -> Result<()> {
    if spec.sha256 != pin.sha256 {
        bail!(
            "{}: sha256 {} differs from the pin {} in spec/pin.json; \
             if CertifyOS published a new version, review it (`cargo xtask drift`) and run \
             `cargo xtask codegen --spec {} --accept-new-spec`",
            spec.path.display(),
            spec.sha256,
            pin.sha256,
            spec.path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_temp(name: &str, contents: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-spec-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn missing_file_names_the_file() {
        let err = load(Path::new("/nonexistent/api.json")).unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.starts_with(
                "/nonexistent/api.json: no OpenAPI document there; `cargo xtask fetch-spec`"
            ),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn non_json_names_file_and_position() {
        let path = write_temp("broken.json", b"{\n  \"openapi\": \"3.0.0\",\n  oops\n}");
        let msg = format!("{:#}", load(&path).unwrap_err());
        assert!(
            msg.contains("broken.json: not JSON (line 3, column 3)"),
            "{msg}"
        );
    }

    #[test]
    fn openapi_31_is_refused_with_pointer() {
        let path = write_temp("v31.json", br#"{"openapi":"3.1.0","paths":{}}"#);
        let msg = format!("{:#}", load(&path).unwrap_err());
        assert!(msg.contains("v31.json"), "{msg}");
        assert!(
            msg.contains("/openapi: version \"3.1.0\" is not supported"),
            "{msg}"
        );
    }

    #[test]
    fn swagger_2_is_refused() {
        let path = write_temp("swagger.json", br#"{"swagger":"2.0"}"#);
        let msg = format!("{:#}", load(&path).unwrap_err());
        assert!(msg.contains("/openapi is missing"), "{msg}");
    }

    #[test]
    fn a_different_sha256_is_refused() {
        let path = write_temp("ok.json", br#"{"openapi":"3.0.0","paths":{}}"#);
        let spec = load(&path).unwrap();
        let pin = Pin {
            file: "api.json".into(),
            upstream_url: "https://example.invalid/api.json".into(),
            sha256: "0".repeat(64),
            size: 1,
            store_url: None,
        };
        let msg = format!("{:#}", check_pin(&spec, &pin).unwrap_err());
        assert!(msg.contains("ok.json: sha256"), "{msg}");
        assert!(
            msg.contains(&format!("--spec {} --accept-new-spec", path.display())),
            "{msg}"
        );
    }

    #[test]
    fn flag_wins_over_environment_and_default() {
        let root = Path::new("/project");
        assert_eq!(
            resolve_path(root, Some(Path::new("/x/api.json"))),
            PathBuf::from("/x/api.json")
        );
    }
}
