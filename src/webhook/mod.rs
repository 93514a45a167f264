//! Receiving CertifyOS's webhook deliveries (feature `webhook-receiver`).
//!
//! CertifyOS POSTs a delivery to the `url` of each registered webhook. The
//! registration says how the delivery proves it comes from CertifyOS:
//!
//! - **static headers**: header/value pairs CertifyOS sends with every
//!   delivery (an API key);
//! - **OAuth client credentials**: CertifyOS first POSTs
//!   `client_id`/`client_secret` form-urlencoded to your `token_url`, then
//!   sends the delivery with `Authorization: Bearer <token>`.
//!
//! A [`WebhookReceiver`] holds both sides of that agreement: it builds the
//! [`CreateWebhooksDto`] you register (so the secret registered and the
//! secret checked come from one place), answers the token endpoint, and
//! checks each delivery before it reads the body. It is framework-agnostic:
//! it takes an [`http::HeaderMap`] and the body's bytes and returns an
//! [`http::Response`], types that axum, hyper, actix (through `http`) and
//! others all speak.
//!
//! ```
//! use certifyos::types::EventType;
//! use certifyos::webhook::WebhookReceiver;
//!
//! # fn demo(headers: &http::HeaderMap, body: &[u8]) -> Result<(), certifyos::Error> {
//! let receiver = WebhookReceiver::builder("https://hooks.example.com/certifyos")
//!     .event_types([EventType::PsvCompleted, EventType::CredentialingCompleted])
//!     .static_header("x-api-key", std::env::var("HOOK_KEY").unwrap_or_default())
//!     .build()?;
//! // Once: `client.webhooks_create().body(receiver.registration()).send().await?`.
//!
//! // Per delivery (in your HTTP handler):
//! match receiver.receive(headers, body) {
//!     Ok(delivery) => println!("{:?}: {}", delivery.event_type, delivery.raw),
//!     Err(rejected) => { /* answer rejected.status() (401 or 400) */ }
//! }
//! # Ok(()) }
//! ```
//!
//! - **Registration from the receiver**: `receiver.registration()` is the
//!   `CreateWebhooksDto` (url, event types, static headers,
//!   `oauth_configuration`) to send with `client.webhooks_create()`, so the
//!   secret CertifyOS sends and the secret checked come from one place.
//! - **Static headers** (`.static_header(name, value)`): every delivery must
//!   carry each, exactly once, with exactly that value (a value with edge
//!   whitespace is refused by `build()`: HTTP strips it in transit).
//! - **OAuth** (`.oauth(client_id, client_secret, token_url)`): serve the
//!   token URL with `receiver.token_response(headers, body)`. It accepts the
//!   form-urlencoded client-credentials POST CertifyOS documents (also HTTP
//!   Basic; `grant_type`, when present, must be `client_credentials`), and
//!   answers `{"access_token", "token_type": "Bearer", "expires_in"}` with a
//!   self-contained token, or RFC 6749 errors (`401 invalid_client`; a
//!   caller's text in an error is escaped to one line). Tokens live 5 minutes
//!   (`.token_lifetime(..)`, at most 24 hours). Each delivery must carry a live one.
//! - **Checked before the body is read**: `receiver.authenticate(headers)`; a
//!   missing or wrong header, no token, or an unknown or expired token is a
//!   `Rejection` with status 401 and a one-line reason naming the header,
//!   never a value. `receive(headers, body)` authenticates, then parses.
//! - **Bounded bodies**: `receiver.max_body_bytes()` (1 MiB unless
//!   `.max_body_bytes(n)`) is the limit your server applies while reading
//!   (`examples/webhook_receiver.rs` uses `http_body_util::Limited` and answers
//!   413); `receive` and `issue_token` refuse a longer body with 413 too.
//! - **Parsing**: the document defines no schema for a delivery. A
//!   `WebhookDelivery` assumes only a JSON body, the event type in a top-level
//!   string `eventType` (`event_type` as a fallback) and `message`, the two
//!   fields of the document's test event; `event_type` is the open
//!   `EventType` (an unknown value is kept, `to_string()` gives it back) and
//!   `raw` the whole body. An unknown field or event type never refuses a
//!   delivery; a body that is not JSON is a 400.
//! - **Timing-safe**: every secret is compared as a SHA-256 digest with
//!   `subtle::ConstantTimeEq`: the static headers
//!   (`authenticate`) and the client id and secret (`issue_token`, both
//!   compared before either result is used); a token's MAC is checked under
//!   the current and the previous key with `hmac`'s constant-time
//!   `verify_slice`, both before either result is used.
//! - **Secrets**: header values, the client secret and issued tokens are
//!   `secrecy` strings; `Debug` of the receiver, its builder, issued tokens,
//!   rejections and token errors shows none of them, and nothing is logged.
//! - `examples/webhook_receiver.rs` serves both endpoints with hyper (a
//!   dev-dependency) and can register the webhook:
//!   `HOOK_CLIENT_SECRET=… cargo run --example webhook_receiver --features
//!   webhook-receiver -- 0.0.0.0:8080 https://hooks.example.com [--register]`.
//!
//! # Several replicas
//!
//! Issued tokens are self-contained: `cos1.<expiry>.<nonce>.<mac>`, the MAC
//! an HMAC-SHA256 under a key derived from the OAuth client id and secret.
//! Any receiver built with the same `oauth(..)` configuration verifies any
//! other's tokens, with no shared store and no memory per token, so
//! CertifyOS may fetch a token from one replica behind a load balancer and
//! deliver to another. Tokens expire at the millisecond written in them:
//! keep the replicas' clocks in sync (NTP), as for any expiring credential.
//!
//! Rotating the client secret without refusing deliveries in flight:
//! 1. deploy every replica with the new secret in `oauth(..)` and the old
//!    one in [`WebhookReceiverBuilder::oauth_previous_secret`] (both are
//!    accepted at the token endpoint, and tokens signed with either key);
//! 2. update the registration with CertifyOS
//!    (`client.webhooks_create().body(receiver.registration())`, which
//!    carries the new secret);
//! 3. once CertifyOS uses the new secret and the token lifetime has passed,
//!    deploy without `oauth_previous_secret`.

mod delivery;
mod token;

use std::time::Duration;

use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;
use crate::types::{ClientCredentialsConfigurationDto, CreateWebhooksDto, EventType};

pub use delivery::{Rejection, WebhookDelivery};
pub use token::{IssuedToken, TokenRequestError};

/// How long an issued token stays valid unless configured otherwise.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// The longest body a receiver reads unless configured otherwise
/// ([`WebhookReceiverBuilder::max_body_bytes`]): 1 MiB, far above a
/// delivery's event or a token request.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// The longest lifetime [`WebhookReceiverBuilder::token_lifetime`] accepts.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The receiving side of a CertifyOS webhook (see the [module](self) docs).
/// `Send + Sync`: share one behind an `Arc` between the token and delivery
/// handlers.
pub struct WebhookReceiver {
    url: String,
    description: Option<String>,
    event_types: Vec<EventType>,
    headers: Vec<StaticHeader>,
    oauth: Option<OAuth>,
    /// Issues and verifies tokens (with OAuth only).
    tokens: Option<token::TokenKeys>,
    token_lifetime: Duration,
    max_body_bytes: usize,
}

struct StaticHeader {
    name: http::HeaderName,
    value: SecretString,
    digest: [u8; 32],
}

struct OAuth {
    client_id: String,
    client_id_digest: [u8; 32],
    client_secret: SecretString,
    client_secret_digest: [u8; 32],
    /// During a rotation, the secret being replaced.
    previous_secret_digest: Option<[u8; 32]>,
    token_url: String,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|h| h.name.as_str()).collect();
        f.debug_struct("WebhookReceiver")
            .field("url", &self.url)
            .field("event_types", &self.event_types)
            .field("static_headers", &header_names)
            .field(
                "oauth",
                &self.oauth.as_ref().map(|o| {
                    format!(
                        "client_id: {}, client_secret: [redacted], token_url: {}",
                        o.client_id, o.token_url
                    )
                }),
            )
            .field("token_lifetime", &self.token_lifetime)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// Builds a [`WebhookReceiver`]; at least one way of authenticating
/// deliveries (a static header or OAuth) is required.
pub struct WebhookReceiverBuilder {
    url: String,
    description: Option<String>,
    event_types: Vec<EventType>,
    headers: Vec<(String, SecretString)>,
    oauth: Option<(String, SecretString, String)>,
    previous_secret: Option<SecretString>,
    token_lifetime: Duration,
    max_body_bytes: usize,
}

impl std::fmt::Debug for WebhookReceiverBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("WebhookReceiverBuilder")
            .field("url", &self.url)
            .field("event_types", &self.event_types)
            .field("static_headers", &header_names)
            .field("oauth_client_id", &self.oauth.as_ref().map(|o| &o.0))
            .field("token_lifetime", &self.token_lifetime)
            .finish_non_exhaustive()
    }
}

impl WebhookReceiver {
    /// A receiver whose deliveries arrive at `url` (the URL you register).
    pub fn builder(url: impl Into<String>) -> WebhookReceiverBuilder {
        WebhookReceiverBuilder {
            url: url.into(),
            description: None,
            event_types: Vec::new(),
            headers: Vec::new(),
            oauth: None,
            previous_secret: None,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The registration that matches this receiver, for
    /// `client.webhooks_create().body(receiver.registration())`: its url,
    /// event types, static headers and OAuth configuration.
    pub fn registration(&self) -> CreateWebhooksDto {
        CreateWebhooksDto {
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: self.event_types.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.as_str().to_string(),
                        serde_json::Value::String(h.value.expose_secret().to_string()),
                    )
                })
                .collect(),
            oauth_configuration: self
                .oauth
                .as_ref()
                .map(|o| ClientCredentialsConfigurationDto {
                    client_id: o.client_id.clone(),
                    client_secret: o.client_secret.expose_secret().to_string(),
                    token_url: o.token_url.clone(),
                    headers: None,
                    scope: None,
                }),
        }
    }

    /// The URL deliveries arrive at.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The OAuth token URL, when the receiver uses OAuth.
    pub fn token_url(&self) -> Option<&str> {
        self.oauth.as_ref().map(|o| o.token_url.as_str())
    }

    /// Checks that a delivery's headers carry every static header and, with
    /// OAuth, a live bearer token this receiver issued. The body is not
    /// looked at: call this before reading it.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        for expected in &self.headers {
            let mut values = headers.get_all(&expected.name).iter();
            let (Some(value), None) = (values.next(), values.next()) else {
                return Err(Rejection::MissingHeader {
                    name: expected.name.as_str().to_string(),
                });
            };
            if !digests_equal(&sha256(value.as_bytes()), &expected.digest) {
                return Err(Rejection::WrongHeader {
                    name: expected.name.as_str().to_string(),
                });
            }
        }
        if self.oauth.is_some() {
            let token = bearer_token(headers).ok_or(Rejection::MissingToken)?;
            if !self.tokens.as_ref().is_some_and(|keys| keys.is_live(token)) {
                return Err(Rejection::InvalidToken);
            }
        }
        Ok(())
    }

    /// The longest body this receiver accepts, for a delivery or a token
    /// request ([`DEFAULT_MAX_BODY_BYTES`] unless set). Your server applies
    /// it while reading, so a longer body is never held whole: with hyper,
    /// `http_body_util::Limited::new(body, receiver.max_body_bytes())`, and
    /// on its error answer [`Rejection::BodyTooLarge`]'s response (413);
    /// axum's `DefaultBodyLimit::max(receiver.max_body_bytes())` does the
    /// same. [`receive`](Self::receive) and
    /// [`issue_token`](Self::issue_token) refuse a longer body too.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Runs [`authenticate`](Self::authenticate) on the delivery, then parses its
    /// body (see [`WebhookDelivery`] for what is assumed of it); a body over
    /// [`max_body_bytes`](Self::max_body_bytes) is refused unread.
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookDelivery, Rejection> {
        self.authenticate(headers)?;
        if body.len() > self.max_body_bytes {
            return Err(Rejection::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        WebhookDelivery::parse(body)
    }

    /// Answers a delivery: `204 No Content` and the parsed delivery, or the
    /// rejection's status (401 before the body is read, 400 for a body that
    /// is not JSON) with a one-line reason.
    pub fn delivery_response(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> (http::Response<Vec<u8>>, Result<WebhookDelivery, Rejection>) {
        match self.receive(headers, body) {
            Ok(delivery) => (
                response(http::StatusCode::NO_CONTENT, None, Vec::new()),
                Ok(delivery),
            ),
            Err(rejected) => (rejected.to_response(), Err(rejected)),
        }
    }

    /// Handles a request to the `token_url`: the form-urlencoded client
    /// credentials POST CertifyOS makes (`client_id`/`client_secret` in the
    /// body, or HTTP Basic). Returns a new bearer token valid for the
    /// configured lifetime.
    pub fn issue_token(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<IssuedToken, TokenRequestError> {
        let oauth = self
            .oauth
            .as_ref()
            .ok_or(TokenRequestError::NotConfigured)?;
        if body.len() > self.max_body_bytes {
            return Err(TokenRequestError::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        let credentials = token::read_request(headers, body)?;
        // Both compared, whatever the first gives: no early exit to time.
        let id_ok = digests_equal(
            &sha256(credentials.client_id.as_bytes()),
            &oauth.client_id_digest,
        );
        let given = sha256(credentials.client_secret.expose_secret().as_bytes());
        let secret_ok = digests_equal(&given, &oauth.client_secret_digest);
        // During a rotation the previous secret is good too (compared anyway).
        let previous_ok = oauth
            .previous_secret_digest
            .as_ref()
            .is_some_and(|previous| digests_equal(&given, previous));
        if !(id_ok & (secret_ok | previous_ok)) {
            return Err(TokenRequestError::InvalidClient);
        }
        let keys = self
            .tokens
            .as_ref()
            .ok_or(TokenRequestError::NotConfigured)?;
        Ok(keys.issue())
    }

    /// [`issue_token`](Self::issue_token) as an HTTP response (RFC 6749
    /// §5): `200` with `{"access_token", "token_type": "Bearer",
    /// "expires_in"}`, or `400`/`401` with `{"error": …}`. Never cached.
    pub fn token_response(&self, headers: &HeaderMap, body: &[u8]) -> http::Response<Vec<u8>> {
        match self.issue_token(headers, body) {
            Ok(token) => token.to_response(),
            Err(e) => e.to_response(),
        }
    }
}

impl WebhookReceiverBuilder {
    /// The event types the webhook is registered for.
    pub fn event_types(mut self, event_types: impl IntoIterator<Item = EventType>) -> Self {
        self.event_types = event_types.into_iter().collect();
        self
    }

    /// The registration's description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A static header every delivery must carry with exactly this value
    /// (CertifyOS sends the registered `headers` with each delivery).
    pub fn static_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into(), SecretString::from(value.into())));
        self
    }

    /// OAuth client credentials: CertifyOS exchanges them at `token_url`
    /// (which you serve with [`WebhookReceiver::token_response`]) for a
    /// bearer token each delivery must carry.
    pub fn oauth(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        token_url: impl Into<String>,
    ) -> Self {
        self.oauth = Some((
            client_id.into(),
            SecretString::from(client_secret.into()),
            token_url.into(),
        ));
        self
    }

    /// During a rotation of the OAuth client secret (see the [module](self)
    /// docs): the secret being replaced, still accepted at the token
    /// endpoint, and whose tokens are still accepted on deliveries. Tokens
    /// are issued with the new secret's key only.
    pub fn oauth_previous_secret(mut self, secret: impl Into<String>) -> Self {
        self.previous_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// How long an issued token is accepted ([`DEFAULT_TOKEN_LIFETIME`]
    /// unless set; at most [`MAX_TOKEN_LIFETIME`]).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The longest body the receiver accepts (default
    /// [`DEFAULT_MAX_BODY_BYTES`]); see [`WebhookReceiver::max_body_bytes`].
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The receiver; [`Error::Config`] names what is wrong: no way of
    /// authenticating deliveries, a header name or value HTTP does not
    /// allow, an empty secret, a URL that is not absolute http(s), a zero
    /// token lifetime.
    pub fn build(self) -> Result<WebhookReceiver, Error> {
        let config = |message: String| Error::Config(format!("webhook receiver: {message}"));
        check_url("url", &self.url).map_err(config)?;
        if self.headers.is_empty() && self.oauth.is_none() {
            return Err(config(
                "no static header and no OAuth: deliveries could not be told from anyone's requests"
                    .into(),
            ));
        }
        let mut headers = Vec::new();
        for (name, value) in self.headers {
            let header = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| config(format!("static header `{name}`: not a valid header name")))?;
            let text = value.expose_secret();
            // HTTP strips a received value's edge whitespace (RFC 9110
            // §5.5): such a value could never match.
            if text.is_empty()
                || text.trim_matches([' ', '\t']) != text
                || http::HeaderValue::from_str(text).is_err()
            {
                return Err(config(format!(
                    "static header `{name}`: its value is empty, has leading or trailing whitespace, or is not a valid header value"
                )));
            }
            if headers.iter().any(|h: &StaticHeader| h.name == header) {
                return Err(config(format!("static header `{name}`: given twice")));
            }
            let digest = sha256(value.expose_secret().as_bytes());
            headers.push(StaticHeader {
                name: header,
                value,
                digest,
            });
        }
        let oauth = match self.oauth {
            None => None,
            Some((client_id, client_secret, token_url)) => {
                check_url("token_url", &token_url).map_err(config)?;
                if client_id.is_empty() || client_secret.expose_secret().is_empty() {
                    return Err(config("OAuth: empty client_id or client_secret".into()));
                }
                if self
                    .previous_secret
                    .as_ref()
                    .is_some_and(|p| p.expose_secret().is_empty())
                {
                    return Err(config("OAuth: empty previous client_secret".into()));
                }
                Some(OAuth {
                    client_id_digest: sha256(client_id.as_bytes()),
                    client_id,
                    client_secret_digest: sha256(client_secret.expose_secret().as_bytes()),
                    client_secret,
                    previous_secret_digest: self
                        .previous_secret
                        .as_ref()
                        .map(|p| sha256(p.expose_secret().as_bytes())),
                    token_url,
                })
            }
        };
        if oauth.is_none() && self.previous_secret.is_some() {
            return Err(config(
                "oauth_previous_secret without oauth: there is no secret to rotate".into(),
            ));
        }
        if self.token_lifetime.is_zero() || self.token_lifetime > MAX_TOKEN_LIFETIME {
            return Err(config(format!(
                "token lifetime {:?}: not between zero and {} hours (tokens are short-lived)",
                self.token_lifetime,
                MAX_TOKEN_LIFETIME.as_secs() / 3600
            )));
        }
        Ok(WebhookReceiver {
            url: self.url,
            description: self.description,
            event_types: self.event_types,
            headers,
            tokens: oauth.as_ref().map(|o| {
                token::TokenKeys::new(
                    self.token_lifetime,
                    &o.client_id,
                    &o.client_secret,
                    self.previous_secret.as_ref(),
                )
            }),
            oauth,
            token_lifetime: self.token_lifetime,
            max_body_bytes: self.max_body_bytes,
        })
    }
}

fn check_url(what: &str, url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        _ => Err(format!("{what} `{url}`: not an absolute http(s) URL")),
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The one comparison of secrets: digests of equal length, in constant time.
fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.ct_eq(b).into()
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A response with an optional JSON body, never cached (RFC 6749 §5.1).
fn response(
    status: http::StatusCode,
    json: Option<serde_json::Value>,
    extra: Vec<(http::HeaderName, &'static str)>,
) -> http::Response<Vec<u8>> {
    let mut builder = http::Response::builder()
        .status(status)
        .header(http::header::CACHE_CONTROL, "no-store");
    for (name, value) in extra {
        builder = builder.header(name, value);
    }
    let body = match json {
        Some(json) => {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
            json.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    builder
        .body(body)
        .expect("static status and header values are valid")
}
