//! Where the client's settings come from: flags, then the `CERTIFYOS_*`
//! variables `Client::from_env()` reads, then the selected profile.
//!
//! Profiles live in `$CERTIFYOS_CONFIG`, else
//! `$XDG_CONFIG_HOME/certifyos/config.toml`, else
//! `~/.config/certifyos/config.toml`:
//!
//! ```toml
//! [profiles.staging]
//! environment = "staging"
//! organization_id = "org_123"
//! client_id = "my-client-id"
//! client_secret_file = "~/.config/certifyos/staging.secret"   # mode 600
//! ```
//!
//! A secret comes from `CERTIFYOS_CLIENT_SECRET` / `CERTIFYOS_TOKEN`, or
//! from a profile's `client_secret_file` / `token_file`, which is refused
//! when other users can read or write it. It is never echoed, logged or put
//! in an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use certifyos::{env, Client, Environment};
use serde::Deserialize;

use crate::error::CliError;

/// The global flags that configure the client.
#[derive(Debug, Default)]
pub struct Flags {
    pub profile: Option<String>,
    pub base_url: Option<String>,
    pub environment: Option<String>,
    pub org: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One organization or environment's settings.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    base_url: Option<String>,
    environment: Option<String>,
    organization_id: Option<String>,
    client_id: Option<String>,
    client_secret_file: Option<String>,
    token_file: Option<String>,
}

/// The configuration file's path (see the module docs).
pub fn config_path(var: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = var("CERTIFYOS_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("certifyos").join("config.toml"))
}

/// The profile `--profile` (or `CERTIFYOS_PROFILE`) names, else `default`
/// when the file has one. A named profile that does not exist is an error.
fn profile(flags: &Flags, var: &impl Fn(&str) -> Option<String>) -> Result<Profile, CliError> {
    let named = flags.profile.clone().or_else(|| var("CERTIFYOS_PROFILE"));
    let Some(path) = config_path(var) else {
        return match named {
            Some(name) => Err(CliError::Config(format!(
                "profile `{name}`: no configuration file (set HOME or CERTIFYOS_CONFIG)"
            ))),
            None => Ok(Profile::default()),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match named {
                Some(name) => Err(CliError::Config(format!(
                    "profile `{name}`: {} does not exist",
                    path.display()
                ))),
                None => Ok(Profile::default()),
            };
        }
        Err(e) => return Err(CliError::Config(format!("{}: {e}", path.display()))),
    };
    let file: ConfigFile = toml::from_str(&text)
        .map_err(|e| CliError::Config(format!("{}: {}", path.display(), e.message())))?;
    match named {
        Some(name) => file.profiles.get(&name).cloned().ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            CliError::Config(format!(
                "profile `{name}` is not in {} (profiles: {})",
                path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        }),
        None => Ok(file.profiles.get("default").cloned().unwrap_or_default()),
    }
}

/// Builds the client: each setting from the flag, else the variable, else
/// the profile; what is still missing is named in one error.
pub fn client(flags: &Flags, var: impl Fn(&str) -> Option<String>) -> Result<Client, CliError> {
    let profile = profile(flags, &var)?;
    let home = var("HOME");
    let mut builder = Client::builder();
    let mut missing = Vec::new();
    let base_url = flags.base_url.clone().or_else(|| var(env::BASE_URL));
    let environment = flags.environment.clone().or_else(|| var(env::ENVIRONMENT));
    match (base_url, environment, profile.base_url, profile.environment) {
        (Some(url), _, _, _) => builder = builder.base_url(url),
        (None, Some(e), _, _) => builder = builder.environment(parse_environment(&e)?),
        (None, None, Some(url), _) => builder = builder.base_url(url),
        (None, None, None, Some(e)) => builder = builder.environment(parse_environment(&e)?),
        _ => missing.push(format!(
            "--base-url or --environment ({} / {})",
            env::BASE_URL,
            env::ENVIRONMENT
        )),
    }
    match flags
        .org
        .clone()
        .or_else(|| var(env::ORGANIZATION_ID))
        .or(profile.organization_id)
    {
        Some(org) => builder = builder.organization_id(org),
        None => missing.push(format!("--org ({})", env::ORGANIZATION_ID)),
    }
    let client_id = var(env::CLIENT_ID).or(profile.client_id);
    let secret = match var(env::CLIENT_SECRET) {
        Some(s) => Some(s),
        None => profile
            .client_secret_file
            .as_deref()
            .map(|f| read_secret_file(f, home.as_deref()))
            .transpose()?,
    };
    let token = match var(env::TOKEN) {
        Some(t) => Some(t),
        None => profile
            .token_file
            .as_deref()
            .map(|f| read_secret_file(f, home.as_deref()))
            .transpose()?,
    };
    match (client_id, secret, token) {
        (Some(id), Some(secret), _) => builder = builder.client_credentials(id, secret),
        (_, _, Some(token)) => builder = builder.bearer_token(token),
        _ => missing.push(format!(
            "credentials ({} and {} or a profile's client_id and client_secret_file; or {})",
            env::CLIENT_ID,
            env::CLIENT_SECRET,
            env::TOKEN
        )),
    }
    if !missing.is_empty() {
        return Err(CliError::Config(format!(
            "not configured: {}",
            missing.join("; ")
        )));
    }
    builder.build().map_err(|e| CliError::Config(e.to_string()))
}

fn parse_environment(value: &str) -> Result<Environment, CliError> {
    value
        .parse()
        .map_err(|e: certifyos::Error| CliError::Config(e.to_string()))
}

/// A secret from a file only its owner can read; the value never appears
/// in an error.
fn read_secret_file(path: &str, home: Option<&str>) -> Result<String, CliError> {
    let path = match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => Path::new(home).join(rest),
        _ => PathBuf::from(path),
    };
    let shown = path.display();
    let metadata =
        std::fs::metadata(&path).map_err(|e| CliError::Config(format!("{shown}: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CliError::Config(format!(
                "{shown}: other users can access this secret file (mode {mode:03o}); run `chmod 600 {shown}`"
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text =
        std::fs::read_to_string(&path).map_err(|e| CliError::Config(format!("{shown}: {e}")))?;
    let secret = text.trim_end_matches(['\n', '\r']).to_string();
    if secret.is_empty() {
        return Err(CliError::Config(format!("{shown}: empty")));
    }
    Ok(secret)
}
