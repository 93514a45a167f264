//! Building a [`Client`]: where the API is, whose organization, which credentials.

use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Url;
use secrecy::SecretString;

use crate::auth::{Credentials, TokenSource};
use crate::error::Error;
use crate::inner::Inner;
use crate::retry::RetryPolicy;
use crate::Client;

/// The CertifyOS deployments the document lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `https://ng-api-production.certifyos.com`
    Production,
    /// `https://ng-api-stg.certifyos.com`: test data.
    Staging,
}

impl Environment {
    /// The base URL of the deployment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://ng-api-production.certifyos.com",
            Environment::Staging => "https://ng-api-stg.certifyos.com",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(Environment::Production),
            "staging" | "stg" => Ok(Environment::Staging),
            other => Err(Error::Config(format!(
                "unknown environment {other:?} (production or staging)"
            ))),
        }
    }
}

/// The default of [`ClientBuilder::max_response_bytes`].
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;
const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
const DEFAULT_MAX_PAGES: u64 = 10_000;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("certifyos-rust/", env!("CARGO_PKG_VERSION"));

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    environment: Option<Environment>,
    base_url: Option<String>,
    organization_id: Option<String>,
    credentials: Option<Credentials>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    max_response_bytes: Option<u64>,
    deadline: Option<Duration>,
    max_pages: Option<u64>,
    bodies_in_errors: bool,
}

impl ClientBuilder {
    /// Talk to a CertifyOS deployment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Talk to another base URL (a proxy, a mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The organization every request acts for (the `organization-id` header).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Authenticate with client credentials; tokens are fetched and renewed
    /// by the client.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        });
        self
    }

    /// Authenticate with a token you obtained yourself; it is never renewed.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(SecretString::from(token.into())));
        self
    }

    /// Whole-request timeout of each attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connection timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `certifyos-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Retries after the first attempt for transient failures (default 2,
    /// so 3 attempts in all; 0 disables retries). See [`RetryPolicy`].
    pub fn retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.max_retries(retries);
        self
    }

    /// Bounds of the exponential backoff between attempts (default 200 ms to 5 s,
    /// with jitter). A `Retry-After` from the server takes precedence.
    pub fn retry_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.retry = self.retry.backoff(min, max);
        self
    }

    /// Which failures are retried, how often, and how long to wait between
    /// attempts; replaces what [`retries`](Self::retries) and
    /// [`retry_backoff`](Self::retry_backoff) set. The default and the rules
    /// are in [`RetryPolicy`]; [`RetryPolicy::none`] sends every request once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The most one call may take (default 2 minutes): every attempt, the
    /// waits between them (backoff and `Retry-After`) and a token request
    /// made for it. A call still running then ends with
    /// [`Error::DeadlineExceeded`]; a retry whose wait would end past the
    /// deadline is not begun, and the last response is returned instead.
    /// [`timeout`](Self::timeout) bounds each attempt. Paging applies the
    /// deadline to each page's request.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The most pages one `stream()` or `pages()` reads (default 10,000:
    /// a million items at the default page size). Past it, the stream ends
    /// with [`Error::TooManyPages`], so a server that never says "last page"
    /// cannot keep a caller reading forever.
    pub fn max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = Some(max_pages);
        self
    }

    /// The largest response body the client reads (default 256 MiB, room
    /// for the export operations' whole-directory JSON). The limit holds
    /// while the body streams in: a longer one ends the call with
    /// [`Error::ResponseTooLarge`] having buffered at most this much.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Shows error responses' bodies in [`Error::Api`]'s `Display` (and so
    /// in `Debug`, logs and error reporters), off by default. CertifyOS's
    /// bodies carry protected health information: turn this on only where
    /// your logs may hold it (a developer's machine, a test). The properties
    /// the document calls secrets (`client_secret`, `access_token`,
    /// `password`, `sitePassword`, the webhook `headers` values) are
    /// redacted; at most 4,096 characters are shown. Without it, the body
    /// is still there on purpose, through [`crate::ApiError::body`].
    pub fn bodies_in_errors(mut self, show: bool) -> Self {
        self.bodies_in_errors = show;
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS, pools). Timeouts and the
    /// user agent are then yours to set on it. Start from
    /// [`crate::http_client_builder`]: with the default `rustls` feature it
    /// carries the TLS set-up that `reqwest::Client::new()` lacks.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match (self.environment, self.base_url) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "both environment() and base_url() are set; choose one".into(),
                ))
            }
            (Some(environment), None) => environment.base_url().to_string(),
            (None, Some(url)) => url,
            (None, None) => {
                return Err(Error::Config(
                    "no API location: call environment() or base_url()".into(),
                ))
            }
        };
        let url = Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?} is not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must be an http or https URL"
            )));
        }
        let organization_id = organization_id_header(self.organization_id.as_deref())?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config("no credentials: call client_credentials() or bearer_token()".into())
        })?;
        let http = match self.http_client {
            Some(client) => {
                if self.timeout.is_some()
                    || self.connect_timeout.is_some()
                    || self.user_agent.is_some()
                {
                    return Err(Error::Config(
                        "timeout(), connect_timeout() and user_agent() do not apply to a client given with http_client(); set them on it".into(),
                    ));
                }
                client
            }
            None => crate::tls::configure(
                reqwest::Client::builder()
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .user_agent(self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.into())),
            )?
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let tokens = TokenSource::new(credentials, http.clone(), &url, self.retry.clone())?;
        let inner = Inner {
            organization_id,
            tokens,
            retry: self.retry,
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            deadline: self.deadline.unwrap_or(DEFAULT_DEADLINE),
            max_pages: self.max_pages.unwrap_or(DEFAULT_MAX_PAGES),
            bodies_in_errors: self.bodies_in_errors,
        };
        Ok(Client::new_with_client(
            base_url.trim_end_matches('/'),
            http,
            inner,
        ))
    }
}

/// The `organization-id` header value; control characters (CR/LF: header
/// injection) are refused.
fn organization_id_header(id: Option<&str>) -> Result<HeaderValue, Error> {
    let id =
        id.ok_or_else(|| Error::Config("no organization id: call organization_id()".into()))?;
    if id.trim().is_empty() {
        return Err(Error::Config("the organization id is empty".into()));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(Error::Config(format!(
            "the organization id contains the control character {c:?}"
        )));
    }
    // A header value may carry bytes above 0x7f, but they do not read back
    // as text (`organization_id()` and the uploads' `organizationId` field
    // would get ""): only visible ASCII and spaces are taken.
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Err(Error::Config(format!(
            "the organization id contains {c:?}: only ASCII letters, digits, punctuation and spaces are allowed"
        )));
    }
    HeaderValue::from_str(id)
        .map_err(|_| Error::Config("the organization id is not a valid header value".into()))
}

/// Environment variables [`Client::from_env`] reads.
pub mod env {
    /// Base URL; wins over [`ENVIRONMENT`].
    pub const BASE_URL: &str = "CERTIFYOS_BASE_URL";
    /// `production` or `staging`.
    pub const ENVIRONMENT: &str = "CERTIFYOS_ENVIRONMENT";
    /// The organization id.
    pub const ORGANIZATION_ID: &str = "CERTIFYOS_ORGANIZATION_ID";
    /// Client credentials: the id…
    pub const CLIENT_ID: &str = "CERTIFYOS_CLIENT_ID";
    /// …and the secret.
    pub const CLIENT_SECRET: &str = "CERTIFYOS_CLIENT_SECRET";
    /// Or a bearer token instead of client credentials.
    pub const TOKEN: &str = "CERTIFYOS_TOKEN";
}

impl Client {
    /// Starts configuring a client.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), certifyos::Error> {
    /// use certifyos::{Client, Environment};
    ///
    /// let client = Client::builder()
    ///     .environment(Environment::Staging)
    ///     .organization_id("org_123")
    ///     .client_credentials("my-client-id", "my-client-secret")
    ///     .retries(2)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `CERTIFYOS_BASE_URL` or
    /// `CERTIFYOS_ENVIRONMENT`, `CERTIFYOS_ORGANIZATION_ID`, and
    /// `CERTIFYOS_CLIENT_ID` + `CERTIFYOS_CLIENT_SECRET` or `CERTIFYOS_TOKEN`.
    /// A missing variable is an error naming it.
    pub fn from_env() -> Result<Client, Error> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        // Every variable that is missing is named at once, so a setup is
        // fixed in one go rather than one error at a time.
        let mut missing: Vec<String> = Vec::new();
        let mut builder = Client::builder();
        match (var(env::BASE_URL), var(env::ENVIRONMENT)) {
            (Some(url), _) => builder = builder.base_url(url),
            (None, Some(environment)) => builder = builder.environment(environment.parse()?),
            (None, None) => missing.push(format!("{} or {}", env::BASE_URL, env::ENVIRONMENT)),
        }
        match var(env::ORGANIZATION_ID) {
            Some(id) => builder = builder.organization_id(id),
            None => missing.push(env::ORGANIZATION_ID.to_string()),
        }
        match (
            var(env::CLIENT_ID),
            var(env::CLIENT_SECRET),
            var(env::TOKEN),
        ) {
            (Some(id), Some(secret), _) => builder = builder.client_credentials(id, secret),
            (_, _, Some(token)) => builder = builder.bearer_token(token),
            (Some(_), None, None) => missing.push(env::CLIENT_SECRET.to_string()),
            (None, Some(_), None) => missing.push(env::CLIENT_ID.to_string()),
            (None, None, None) => missing.push(format!(
                "{} and {} (or {})",
                env::CLIENT_ID,
                env::CLIENT_SECRET,
                env::TOKEN
            )),
        }
        match missing.len() {
            0 => builder.build(),
            1 => Err(Error::Config(format!(
                "environment variable {} is not set",
                missing[0]
            ))),
            _ => Err(Error::Config(format!(
                "environment variables not set: {}",
                missing.join("; ")
            ))),
        }
    }

    /// A client for another organization sharing this one's connection pool,
    /// credentials and token cache (cheap: no new connections, no new token).
    pub fn with_organization_id(&self, id: &str) -> Result<Client, Error> {
        let mut inner = self.inner.clone();
        inner.organization_id = organization_id_header(Some(id))?;
        Ok(Client::new_with_client(
            &self.baseurl,
            self.client.clone(),
            inner,
        ))
    }

    /// The organization this client acts for.
    pub fn organization_id(&self) -> &str {
        // Only visible ASCII is accepted (`organization_id_header`), which
        // always reads back as text.
        self.inner
            .organization_id
            .to_str()
            .expect("organization ids are ASCII")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_error(result: Result<Client, Error>) -> String {
        match result {
            Err(Error::Config(message)) => message,
            Err(other) => panic!("expected a configuration error, got {other:?}"),
            Ok(_) => panic!("expected a configuration error, got a client"),
        }
    }

    fn complete() -> ClientBuilder {
        Client::builder()
            .base_url("http://127.0.0.1:1")
            .organization_id("org_1")
            .bearer_token("t")
    }

    #[test]
    fn a_non_ascii_organization_id_is_refused_not_sent_empty() {
        for bad in ["org_ü", "org\u{a0}1", "组织"] {
            let message = config_error(complete().organization_id(bad).build());
            assert!(message.contains("only ASCII"), "{bad:?}: {message}");
        }
        let client = complete().organization_id("org 1-ok.x").build().unwrap();
        assert_eq!(client.organization_id(), "org 1-ok.x");
        assert!(client.with_organization_id("orgé").is_err());
    }

    #[test]
    fn header_injection_in_the_organization_id_is_refused() {
        for bad in ["org\r\nX-Evil: 1", "org\n", "org\u{0}", "org\tx", ""] {
            let message = config_error(complete().organization_id(bad).build());
            assert!(message.contains("organization id"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn an_unparseable_base_url_is_refused() {
        assert!(config_error(complete().base_url("not a url").build())
            .contains("base URL \"not a url\" is not a valid URL"));
        assert!(config_error(complete().base_url("ftp://x").build()).contains("http or https"));
    }

    #[test]
    fn missing_parts_are_named() {
        assert!(config_error(
            Client::builder()
                .organization_id("o")
                .bearer_token("t")
                .build()
        )
        .contains("environment() or base_url()"));
        assert!(config_error(
            Client::builder()
                .base_url("http://x")
                .bearer_token("t")
                .build()
        )
        .contains("organization_id()"));
        assert!(config_error(
            Client::builder()
                .base_url("http://x")
                .organization_id("o")
                .build()
        )
        .contains("client_credentials()"));
    }

    #[test]
    fn timeouts_with_a_callers_http_client_are_refused_not_ignored() {
        let message = config_error(
            complete()
                .http_client(crate::http_client_builder().unwrap().build().unwrap())
                .timeout(Duration::from_secs(1))
                .build(),
        );
        assert!(message.contains("http_client()"), "{message}");
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let message = config_error(Client::from_vars(vars(&[
            ("CERTIFYOS_ENVIRONMENT", "staging"),
            ("CERTIFYOS_CLIENT_ID", "id"),
            ("CERTIFYOS_CLIENT_SECRET", "s"),
        ])));
        assert_eq!(
            message,
            "environment variable CERTIFYOS_ORGANIZATION_ID is not set"
        );
        let message = config_error(Client::from_vars(vars(&[
            ("CERTIFYOS_ENVIRONMENT", "staging"),
            ("CERTIFYOS_ORGANIZATION_ID", "o"),
            ("CERTIFYOS_CLIENT_ID", "id"),
        ])));
        assert_eq!(
            message,
            "environment variable CERTIFYOS_CLIENT_SECRET is not set"
        );
        let client = Client::from_vars(vars(&[
            ("CERTIFYOS_ENVIRONMENT", "production"),
            ("CERTIFYOS_ORGANIZATION_ID", "o"),
            ("CERTIFYOS_TOKEN", "t"),
        ]))
        .unwrap();
        assert_eq!(client.baseurl, Environment::Production.base_url());
    }

    #[test]
    fn from_env_names_every_missing_variable_at_once() {
        let message = config_error(Client::from_vars(|_| None));
        assert_eq!(
            message,
            "environment variables not set: CERTIFYOS_BASE_URL or CERTIFYOS_ENVIRONMENT; \
             CERTIFYOS_ORGANIZATION_ID; CERTIFYOS_CLIENT_ID and CERTIFYOS_CLIENT_SECRET (or CERTIFYOS_TOKEN)"
        );
        let message = config_error(Client::from_vars(|name| {
            (name == "CERTIFYOS_CLIENT_SECRET").then(|| "s".to_string())
        }));
        assert!(
            message.contains("CERTIFYOS_ORGANIZATION_ID")
                && message.contains("CERTIFYOS_CLIENT_ID"),
            "{message}"
        );
        assert!(!message.contains("CERTIFYOS_CLIENT_SECRET"), "{message}");
    }

    #[test]
    fn staging_base_url_has_no_trailing_slash_and_other_org_shares_the_tokens() {
        let client = complete().base_url("http://127.0.0.1:1/").build().unwrap();
        assert_eq!(client.baseurl, "http://127.0.0.1:1");
        let other = client.with_organization_id("org_2").unwrap();
        assert_eq!(other.organization_id(), "org_2");
        assert_eq!(client.organization_id(), "org_1");
        assert!(std::sync::Arc::ptr_eq(
            &client.inner.tokens,
            &other.inner.tokens
        ));
        assert!(client.with_organization_id("x\r\ny").is_err());
    }
}
