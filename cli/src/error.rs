//! The CLI's errors and their exit codes.

/// How a run failed; [`CliError::exit_code`] is the documented code.
#[derive(Debug)]
pub enum CliError {
    /// Bad flags or a body that is not the request type (exit 2).
    Usage(String),
    /// Configuration or authentication (exit 3).
    Config(String),
    /// The library's error, classified by its variant.
    Api(certifyos::Error),
    /// Writing the output failed (exit 1).
    Io(std::io::Error),
}

impl CliError {
    /// A required flag that is missing.
    pub fn missing(flag: &str) -> CliError {
        CliError::Usage(format!("--{flag} is required"))
    }

    /// 0 ok; 1 API error or partial failure; 2 usage; 3 configuration or
    /// authentication; 4 network.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Config(_) => 3,
            CliError::Io(_) => 1,
            CliError::Api(e) => match e {
                certifyos::Error::Config(_) | certifyos::Error::Auth { .. } => 3,
                // The token was refused by the API itself (an expired CERTIFYOS_TOKEN).
                certifyos::Error::Api(api) if api.status == 401 => 3,
                certifyos::Error::Transport(_) | certifyos::Error::Timeout(_) => 4,
                certifyos::Error::InvalidRequest(_) => 2,
                _ => 1,
            },
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Config(m) => f.write_str(m),
            // The library's Display is one line: status, CertifyOS's
            // message, request id; never a secret.
            CliError::Api(e) => write!(f, "{e}"),
            CliError::Io(e) => write!(f, "writing the output: {e}"),
        }
    }
}

impl From<certifyos::Error> for CliError {
    fn from(e: certifyos::Error) -> CliError {
        CliError::Api(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::Io(e)
    }
}
