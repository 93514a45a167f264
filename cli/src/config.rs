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

/// Builds the client. Each setting comes from the first layer that has it —
/// flags, then variables, then the profile — and a layer's URL or
/// environment, or its credentials, are taken as a whole (a variable's
/// `CERTIFYOS_BASE_URL` never overrides `--environment`). Only the chosen
/// layer's secret files are read. What is still missing is named in one
/// error.
pub fn client(flags: &Flags, var: impl Fn(&str) -> Option<String>) -> Result<Client, CliError> {
    let profile = profile(flags, &var)?;
    let home = var("HOME");
    let mut builder = Client::builder();
    let mut missing = Vec::new();
    let location = [
        (flags.base_url.clone(), flags.environment.clone()),
        (var(env::BASE_URL), var(env::ENVIRONMENT)),
        (profile.base_url.clone(), profile.environment.clone()),
    ]
    .into_iter()
    .find(|(url, environment)| url.is_some() || environment.is_some());
    match location {
        Some((Some(url), _)) => builder = builder.base_url(url),
        Some((None, Some(e))) => builder = builder.environment(parse_environment(&e)?),
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
        .or(profile.organization_id.clone())
    {
        Some(org) => builder = builder.organization_id(org),
        None => missing.push(format!("--org ({})", env::ORGANIZATION_ID)),
    }
    // The variables when they are complete, else the profile.
    let credentials = match (
        var(env::CLIENT_ID),
        var(env::CLIENT_SECRET),
        var(env::TOKEN),
    ) {
        (Some(id), Some(secret), _) => Some((Some(id), Some(secret), None)),
        (_, _, Some(token)) => Some((None, None, Some(token))),
        _ => match (
            &profile.client_id,
            &profile.client_secret_file,
            &profile.token_file,
        ) {
            (Some(id), Some(file), _) => Some((
                Some(id.clone()),
                Some(read_secret_file(file, home.as_deref())?),
                None,
            )),
            (_, _, Some(file)) => {
                Some((None, None, Some(read_secret_file(file, home.as_deref())?)))
            }
            _ => None,
        },
    };
    match credentials {
        Some((Some(id), Some(secret), _)) => builder = builder.client_credentials(id, secret),
        Some((_, _, Some(token))) => builder = builder.bearer_token(token),
        _ => missing.push(format!(
            "credentials ({} and {} or a profile's client_id and client_secret_file; or {} or a profile's token_file)",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn config_with(profile: &str) -> String {
        let dir = std::env::temp_dir().join(format!(
            "certifyos-cli-config-{}-{}",
            std::process::id(),
            profile.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let loose = dir.join("loose.secret");
        std::fs::write(&loose, "s").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let file = dir.join("config.toml");
        std::fs::write(
            &file,
            profile.replace("LOOSE", &loose.display().to_string()),
        )
        .unwrap();
        file.display().to_string()
    }

    #[test]
    fn the_configuration_file_is_found_by_variable_then_xdg_then_home() {
        let path =
            |pairs: &[(&str, String)]| config_path(&vars(pairs)).map(|p| p.display().to_string());
        assert_eq!(
            path(&[
                ("CERTIFYOS_CONFIG", "/c.toml".into()),
                ("XDG_CONFIG_HOME", "/x".into())
            ]),
            Some("/c.toml".into())
        );
        assert_eq!(
            path(&[("XDG_CONFIG_HOME", "/x".into()), ("HOME", "/h".into())]),
            Some("/x/certifyos/config.toml".into())
        );
        assert_eq!(
            path(&[("HOME", "/h".into())]),
            Some("/h/.config/certifyos/config.toml".into())
        );
        assert_eq!(path(&[]), None);
    }

    #[test]
    fn a_flag_layer_wins_as_a_whole_over_the_variables() {
        let flags = Flags {
            environment: Some("staging".into()),
            ..Flags::default()
        };
        let var = vars(&[
            (env::BASE_URL, "http://127.0.0.1:9".into()),
            (env::ORGANIZATION_ID, "o".into()),
            (env::TOKEN, "t".into()),
        ]);
        let client = client(&flags, var).unwrap();
        let shown = format!("{client:?}");
        assert!(
            shown.contains("ng-api-stg.certifyos.com") && !shown.contains("127.0.0.1:9"),
            "{shown}"
        );
    }

    #[test]
    fn a_complete_variable_token_wins_and_the_profiles_secret_file_is_not_read() {
        let config = config_with(
            "[profiles.default]\nbase_url = \"http://127.0.0.1:9\"\norganization_id = \"o\"\nclient_id = \"id\"\nclient_secret_file = \"LOOSE\"\n",
        );
        let with_token = vars(&[
            ("CERTIFYOS_CONFIG", config.clone()),
            (env::TOKEN, "t".into()),
        ]);
        assert!(
            client(&Flags::default(), with_token).is_ok(),
            "the loose file is not read"
        );
        let without = vars(&[("CERTIFYOS_CONFIG", config)]);
        let error = client(&Flags::default(), without).unwrap_err().to_string();
        assert!(
            error.contains("other users can access this secret file"),
            "{error}"
        );
    }
}
