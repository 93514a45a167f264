//! A command's flags, converted to the client's types.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::CliError;

/// How a body-field flag's value becomes JSON.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    /// A JSON string (strings, enums, dates).
    Text,
    /// A number or boolean, as typed.
    Json,
    /// Repeatable: a list of strings.
    TextList,
    /// Repeatable: a list of numbers or booleans (today's document has no
    /// such body field; a regenerated one may).
    #[allow(dead_code)]
    JsonList,
}

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

    /// The body: `--body-file PATH` (or `-`, stdin), then each body-field
    /// flag given set over it; checked against the request type before
    /// anything is sent (a mismatch names the field). `None` when neither
    /// is given.
    pub fn body<T: DeserializeOwned>(
        &self,
        fields: &[(&str, &str, Field)],
    ) -> Result<Option<T>, CliError> {
        let file = self.raw("body-file").into_iter().next();
        let given: Vec<&(&str, &str, Field)> = fields
            .iter()
            .filter(|(flag, _, _)| !self.raw(flag).is_empty())
            .collect();
        if file.is_none() && given.is_empty() {
            return Ok(None);
        }
        let (mut body, source) = match file {
            Some(path) => {
                let bytes = if path == "-" {
                    self.stdin.clone().unwrap_or_default()
                } else {
                    std::fs::read(&path)
                        .map_err(|e| CliError::Usage(format!("--body-file {path}: {e}")))?
                };
                let source = if path == "-" {
                    "--body-file stdin".to_string()
                } else {
                    format!("--body-file {path}")
                };
                let value: Value = serde_json::from_slice(&bytes)
                    .map_err(|e| CliError::Usage(format!("{source}: not JSON: {e}")))?;
                (value, source)
            }
            None => (Value::Object(Default::default()), "the body".to_string()),
        };
        for (flag, json_name, kind) in given {
            let raw = self.raw(flag);
            let one = |r: &String| match kind {
                Field::Text | Field::TextList => Value::String(r.clone()),
                Field::Json | Field::JsonList => {
                    serde_json::from_str(r).unwrap_or_else(|_| Value::String(r.clone()))
                }
            };
            let value = match kind {
                Field::TextList | Field::JsonList => Value::Array(raw.iter().map(one).collect()),
                Field::Text | Field::Json => one(&raw[0]),
            };
            let Value::Object(object) = &mut body else {
                return Err(CliError::Usage(format!(
                    "--{flag}: {source} is not a JSON object"
                )));
            };
            object.insert(json_name.to_string(), value);
        }
        // serde would drop a field the type does not have (a misspelt
        // `oauth_configuraton` would register a webhook without auth):
        // every ignored field is an error too.
        let mut track = serde_path_to_error::Track::new();
        let mut unknown: Vec<String> = Vec::new();
        let parsed: Result<T, _> = serde_ignored::deserialize(
            serde_path_to_error::Deserializer::new(body, &mut track),
            |path| unknown.push(path.to_string()),
        );
        let type_name = short_type_name::<T>();
        match parsed {
            Ok(_) if !unknown.is_empty() => Err(CliError::Usage(format!(
                "{source}: {type_name} has no field {}",
                unknown
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                let at = track.path().to_string();
                let at = if at == "." {
                    "the body".to_string()
                } else {
                    format!("field `{at}`")
                };
                // serde quotes the value it rejected: not for a secret.
                let cause = if names_a_secret(&at) {
                    "wrong type".to_string()
                } else {
                    e.to_string()
                };
                Err(CliError::Usage(format!(
                    "{source}: {at} does not match {type_name}: {cause}"
                )))
            }
        }
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

/// Whether a field path names a secret (the library's rule: `secret`,
/// `password`, a last word `token`).
fn names_a_secret(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("secret") || lower.contains("password") || lower.ends_with("token`")
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full).to_string()
}
