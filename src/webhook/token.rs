//! The receiver's OAuth token endpoint: CertifyOS's client-credentials
//! request in, a short-lived random bearer token out, kept only as a digest.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use subtle::{Choice, ConstantTimeEq};

use super::{response, sha256};

/// Random bytes per token (256 bits).
const TOKEN_BYTES: usize = 32;

/// A token the receiver issued: its value (shown once, to the caller of the
/// token endpoint) and lifetime.
pub struct IssuedToken {
    access_token: SecretString,
    expires_in: Duration,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl IssuedToken {
    /// The bearer token.
    pub fn access_token(&self) -> &str {
        self.access_token.expose_secret()
    }

    /// How long it is accepted from now.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// `200` with `{"access_token", "token_type": "Bearer", "expires_in"}`.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        response(
            StatusCode::OK,
            Some(serde_json::json!({
                "access_token": self.access_token.expose_secret(),
                "token_type": "Bearer",
                "expires_in": self.expires_in.as_secs().max(1),
            })),
            vec![(http::header::PRAGMA, "no-cache")],
        )
    }
}

/// Why a token request was refused (its `Display` never holds a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenRequestError {
    /// The receiver was built without [`oauth`](super::WebhookReceiverBuilder::oauth).
    #[error("this webhook receiver issues no tokens (no OAuth configured)")]
    NotConfigured,
    /// The body is not `application/x-www-form-urlencoded`, or a field is
    /// missing or given twice (named).
    #[error("invalid token request: {0}")]
    InvalidRequest(String),
    /// `grant_type` is present and not `client_credentials`.
    #[error("unsupported grant_type `{}` (only client_credentials)", printable(.0))]
    UnsupportedGrantType(String),
    /// The client id or secret is wrong (which one is not said).
    #[error("invalid client credentials")]
    InvalidClient,
}

impl TokenRequestError {
    /// The HTTP status RFC 6749 §5.2 gives it: 401 for wrong credentials,
    /// 400 otherwise (404 when no OAuth is configured).
    pub fn status(&self) -> StatusCode {
        match self {
            TokenRequestError::NotConfigured => StatusCode::NOT_FOUND,
            TokenRequestError::InvalidClient => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The error response: `{"error": "invalid_client" | …,
    /// "error_description": …}`.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        let code = match self {
            TokenRequestError::NotConfigured | TokenRequestError::InvalidRequest(_) => {
                "invalid_request"
            }
            TokenRequestError::UnsupportedGrantType(_) => "unsupported_grant_type",
            TokenRequestError::InvalidClient => "invalid_client",
        };
        let extra = if *self == TokenRequestError::InvalidClient {
            vec![(http::header::WWW_AUTHENTICATE, "Basic")]
        } else {
            Vec::new()
        };
        response(
            self.status(),
            Some(serde_json::json!({"error": code, "error_description": self.to_string()})),
            extra,
        )
    }
}

/// A caller's text in an error: escaped to one line, at most 64 characters
/// (no log line can be forged through it).
fn printable(text: &str) -> String {
    let escaped: String = text.escape_debug().collect();
    match escaped.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// The client credentials of a token request.
pub(super) struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// Reads a client-credentials request: the form body's `client_id` and
/// `client_secret` (what CertifyOS documents), or HTTP Basic (RFC 6749
/// §2.3.1, which OAuth servers must accept) when the body has none.
pub(super) fn read_request(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Credentials, TokenRequestError> {
    let invalid = |m: &str| TokenRequestError::InvalidRequest(m.to_string());
    if let Some(content_type) = headers.get(http::header::CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(invalid(
                "content-type is not application/x-www-form-urlencoded",
            ));
        }
    }
    let mut grant_type = None;
    let mut client_id = None;
    let mut client_secret: Option<SecretString> = None;
    for (key, value) in form_urlencoded::parse(body) {
        let slot_taken = match key.as_ref() {
            "grant_type" => grant_type.replace(value.into_owned()).is_some(),
            "client_id" => client_id.replace(value.into_owned()).is_some(),
            "client_secret" => client_secret
                .replace(SecretString::from(value.into_owned()))
                .is_some(),
            _ => false, // scope and extensions: not ours to refuse
        };
        if slot_taken {
            return Err(TokenRequestError::InvalidRequest(format!(
                "`{}` given more than once",
                printable(&key)
            )));
        }
    }
    if let Some(grant) = grant_type {
        if grant != "client_credentials" {
            return Err(TokenRequestError::UnsupportedGrantType(grant));
        }
    }
    match (client_id, client_secret) {
        (Some(client_id), Some(client_secret)) => Ok(Credentials {
            client_id,
            client_secret,
        }),
        (None, None) => basic_credentials(headers)
            .ok_or_else(|| invalid("no client_id and client_secret (form fields or HTTP Basic)")),
        (None, Some(_)) => Err(invalid("`client_id` missing")),
        (Some(_), None) => Err(invalid("`client_secret` missing")),
    }
}

/// `Authorization: Basic base64(client_id:client_secret)`, with both parts
/// form-urlencoded as RFC 6749 §2.3.1 says.
fn basic_credentials(headers: &HeaderMap) -> Option<Credentials> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // One form-encoded value each: `&` is data here, not a separator.
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("v={}", s.replace('&', "%26")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some(Credentials {
        client_id: unescape(id),
        client_secret: SecretString::from(unescape(secret)),
    })
}

/// The live tokens, as SHA-256 digests with their expiry.
pub(super) struct TokenStore {
    lifetime: Duration,
    live: Mutex<Vec<([u8; 32], Instant)>>,
}

impl TokenStore {
    pub(super) fn new(lifetime: Duration) -> TokenStore {
        TokenStore {
            lifetime,
            live: Mutex::new(Vec::new()),
        }
    }

    /// A new random token, remembered by digest until it expires.
    pub(super) fn issue(&self) -> IssuedToken {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::getrandom(&mut bytes).expect("the operating system's random source");
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = Instant::now();
        let mut live = self.lock();
        live.retain(|(_, expires)| *expires > now);
        live.push((sha256(token.as_bytes()), now + self.lifetime));
        IssuedToken {
            access_token: SecretString::from(token),
            expires_in: self.lifetime,
        }
    }

    /// Whether `token` was issued here and has not expired: compared with
    /// every live digest in constant time, with no early exit.
    pub(super) fn is_live(&self, token: &str) -> bool {
        let digest = sha256(token.as_bytes());
        let now = Instant::now();
        let live = self.lock();
        let mut found = Choice::from(0);
        for (known, expires) in live.iter() {
            found |= known.ct_eq(&digest) & Choice::from(u8::from(*expires > now));
        }
        found.into()
    }

    /// How many issued tokens have not expired.
    pub(super) fn live(&self) -> usize {
        let now = Instant::now();
        self.lock().iter().filter(|(_, e)| *e > now).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<([u8; 32], Instant)>> {
        // The list is valid after any panic (each push is whole).
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }
}
