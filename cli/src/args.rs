//! A command's flags, converted to the client's types.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::CliError;

/// The matched flags of one command.
pub struct Args<'a> {
    matches: &'a clap::ArgMatches,
    /// What `--body-file -` reads.
    stdin: Option<Vec<u8>>,
}

impl<'a> Args<'a> {
    pub fn new(matches: &'a clap::ArgMatches, stdin: Option<Vec<u8>>) -> Args<'a> {
        Args { matches, stdin }
    }

    /// A flag's value as `T`: tried as a JSON string first (strings, enums,
    /// dates), then as JSON (numbers, booleans). An unknown enum value is
    /// kept, as the library keeps it.
    pub fn one<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError> {
        let Some(raw) = self.raw(flag).into_iter().next() else {
            return Ok(None);
        };
        convert(flag, &raw).map(Some)
    }

    /// A repeatable flag's values as `T` (a `Vec`).
    pub fn many<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, CliError> {
        let raw = self.raw(flag);
        if raw.is_empty() {
            return Ok(None);
        }
        let strings = Value::Array(raw.iter().cloned().map(Value::String).collect());
        if let Ok(v) = serde_json::from_value(strings) {
            return Ok(Some(v));
        }
        let parsed: Vec<Value> = raw
            .iter()
            .map(|r| serde_json::from_str(r).unwrap_or_else(|_| Value::String(r.clone())))
            .collect();
        serde_json::from_value(Value::Array(parsed))
            .map(Some)
            .map_err(|e| CliError::Usage(format!("--{flag}: {e}")))
    }

    /// Whether a switch (`--all`) is on.
    pub fn flag(&self, flag: &str) -> bool {
        self.matches
            .try_get_one::<bool>(flag)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    }

    /// The body from `--body-file PATH` (or `-`, stdin), checked against
    /// the request type before anything is sent: a mismatch names the field.
    pub fn body<T: DeserializeOwned>(&self) -> Result<Option<T>, CliError> {
        let Some(path) = self.raw("body-file").into_iter().next() else {
            return Ok(None);
        };
        let bytes = if path == "-" {
            self.stdin.clone().unwrap_or_default()
        } else {
            std::fs::read(&path).map_err(|e| CliError::Usage(format!("--body-file {path}: {e}")))?
        };
        let source = if path == "-" {
            "stdin".to_string()
        } else {
            path
        };
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de)
            .map(Some)
            .map_err(|e| {
                let at = e.path().to_string();
                let at = if at == "." {
                    "the body".to_string()
                } else {
                    format!("field `{at}`")
                };
                CliError::Usage(format!(
                    "--body-file {source}: {at} does not match {}: {}",
                    short_type_name::<T>(),
                    e.inner()
                ))
            })
    }

    /// `--file PATH` as an upload streamed from disk.
    pub fn upload(&self, flag: &str) -> Result<certifyos::extras::Upload, CliError> {
        let path = self
            .raw(flag)
            .into_iter()
            .next()
            .ok_or_else(|| CliError::missing(flag))?;
        if !std::path::Path::new(&path).is_file() {
            return Err(CliError::Usage(format!("--{flag} {path}: no such file")));
        }
        let content_type = match path
            .rsplit('.')
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pdf") => "application/pdf",
            Some("png") => "image/png",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("csv") => "text/csv",
            Some("json") => "application/json",
            _ => "application/octet-stream",
        };
        Ok(certifyos::extras::Upload::from_path(path, content_type))
    }

    fn raw(&self, flag: &str) -> Vec<String> {
        self.matches
            .try_get_many::<String>(flag)
            .ok()
            .flatten()
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    }
}

fn convert<T: DeserializeOwned>(flag: &str, raw: &str) -> Result<T, CliError> {
    if let Ok(v) = serde_json::from_value(Value::String(raw.to_string())) {
        return Ok(v);
    }
    let parsed: Value = serde_json::from_str(raw).map_err(|_| {
        CliError::Usage(format!(
            "--{flag} {raw:?}: not a valid {}",
            short_type_name::<T>()
        ))
    })?;
    serde_json::from_value(parsed).map_err(|e| CliError::Usage(format!("--{flag} {raw:?}: {e}")))
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full).to_string()
}
