//! The receiver's OAuth token endpoint: CertifyOS's client-credentials
//! request in, a short-lived self-contained bearer token out (its expiry
//! and an HMAC in it: nothing is kept per token).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::Choice;

use super::response;

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
    /// The body is longer than the receiver's
    /// [`max_body_bytes`](super::WebhookReceiver::max_body_bytes): 413.
    #[error("invalid token request: the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// `grant_type` is present and not `client_credentials`.
    #[error("unsupported grant_type `{}` (only client_credentials)", printable(.0))]
    UnsupportedGrantType(String),
    /// The client id or secret is wrong (which one is not said).
    #[error("invalid client credentials")]
    InvalidClient,
}

impl TokenRequestError {
    /// The HTTP status RFC 6749 §5.2 gives it: 401 for wrong credentials,
    /// 400 otherwise (404 when no OAuth is configured, 413 for a body over the
    /// limit).
    pub fn status(&self) -> StatusCode {
        match self {
            TokenRequestError::NotConfigured => StatusCode::NOT_FOUND,
            TokenRequestError::InvalidClient => StatusCode::UNAUTHORIZED,
            TokenRequestError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The error response: `{"error": "invalid_client" | …,
    /// "error_description": …}`.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        let code = match self {
            TokenRequestError::NotConfigured
            | TokenRequestError::InvalidRequest(_)
            | TokenRequestError::BodyTooLarge { .. } => "invalid_request",
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

/// The prefix of every token this version issues: a later format can be
/// told apart (and refused) without guessing.
const FORMAT: &str = "cos1";
/// Random bytes per token (128 bits): two tokens issued in the same
/// millisecond still differ.
const NONCE_BYTES: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// Issues and verifies self-contained tokens: `cos1.<expiry ms>.<nonce>.<mac>`,
/// the MAC an HMAC-SHA256 of the rest under a key derived from the OAuth
/// client id and secret. Every replica configured with the same secret
/// verifies every replica's tokens, with no shared state and no memory per
/// token; the expiry is in the token, to the millisecond (replicas' clocks
/// must agree, as NTP keeps them). During a rotation of the client secret
/// the previous secret's key is accepted too.
pub(super) struct TokenKeys {
    lifetime: Duration,
    current: [u8; 32],
    previous: Option<[u8; 32]>,
}

impl TokenKeys {
    pub(super) fn new(
        lifetime: Duration,
        client_id: &str,
        secret: &SecretString,
        previous: Option<&SecretString>,
    ) -> TokenKeys {
        TokenKeys {
            lifetime,
            current: derive_key(client_id, secret),
            previous: previous.map(|p| derive_key(client_id, p)),
        }
    }

    /// A new token, valid for the configured lifetime from now.
    pub(super) fn issue(&self) -> IssuedToken {
        self.issue_at(SystemTime::now())
    }

    fn issue_at(&self, now: SystemTime) -> IssuedToken {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::getrandom(&mut nonce).expect("the operating system's random source");
        let expires = unix_millis(now).saturating_add(self.lifetime.as_millis() as u64);
        let payload = format!(
            "{FORMAT}.{expires}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(nonce)
        );
        let tag = mac(&self.current, payload.as_bytes())
            .finalize()
            .into_bytes();
        let token = format!(
            "{payload}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
        );
        IssuedToken {
            access_token: SecretString::from(token),
            expires_in: self.lifetime,
        }
    }

    /// Whether `token` was issued with the current (or, during a rotation,
    /// the previous) key and has not expired. The MAC is checked in
    /// constant time under both keys, whatever the first gives.
    pub(super) fn is_live(&self, token: &str) -> bool {
        self.is_live_at(token, SystemTime::now())
    }

    fn is_live_at(&self, token: &str, now: SystemTime) -> bool {
        let Some((payload, tag)) = token.rsplit_once('.') else {
            return false;
        };
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
            return false;
        };
        let verify = |key: &[u8; 32]| -> Choice {
            Choice::from(u8::from(
                mac(key, payload.as_bytes()).verify_slice(&tag).is_ok(),
            ))
        };
        let signed = verify(&self.current) | self.previous.as_ref().map_or(Choice::from(0), verify);
        if !bool::from(signed) {
            return false;
        }
        // Signed by us, so the fields are ours: the format and the expiry.
        let mut fields = payload.split('.');
        let (Some(FORMAT), Some(expires), Some(_nonce), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return false;
        };
        expires
            .parse::<u64>()
            .is_ok_and(|expires| unix_millis(now) < expires)
    }
}

/// The signing key of a client id and secret: HMAC-SHA256 under the secret
/// of a fixed label and the client id, so the key is not the secret and a
/// key of one receiver says nothing of another's.
fn derive_key(client_id: &str, secret: &SecretString) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    m.update(b"certifyos webhook-receiver token key v1\0");
    m.update(client_id.as_bytes());
    m.finalize().into_bytes().into()
}

fn mac(key: &[u8; 32], payload: &[u8]) -> HmacSha256 {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(payload);
    m
}

fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str, previous: Option<&str>) -> TokenKeys {
        TokenKeys::new(
            Duration::from_secs(300),
            "client-1",
            &SecretString::from(secret.to_string()),
            previous.map(|p| SecretString::from(p.to_string())).as_ref(),
        )
    }

    #[test]
    fn a_token_expires_to_the_millisecond() {
        let keys = keys("s3cret", None);
        let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = keys.issue_at(t0);
        let token = token.access_token();
        assert!(keys.is_live_at(token, t0));
        assert!(keys.is_live_at(token, t0 + Duration::from_millis(299_999)));
        assert!(!keys.is_live_at(token, t0 + Duration::from_millis(300_000)));
    }

    #[test]
    fn another_instance_with_the_same_secret_accepts_it_and_no_other_does() {
        let (a, b, other) = (
            keys("s3cret", None),
            keys("s3cret", None),
            keys("other", None),
        );
        let token = a.issue();
        assert!(b.is_live(token.access_token()));
        assert!(!other.is_live(token.access_token()));
    }

    #[test]
    fn a_rotation_accepts_the_previous_secrets_tokens_until_it_ends() {
        let old = keys("old", None);
        let rotating = keys("new", Some("old"));
        let done = keys("new", None);
        let from_old = old.issue();
        assert!(rotating.is_live(from_old.access_token()));
        assert!(!done.is_live(from_old.access_token()));
        // New tokens are signed with the new key only.
        let from_rotating = rotating.issue();
        assert!(done.is_live(from_rotating.access_token()));
        assert!(!old.is_live(from_rotating.access_token()));
    }

    #[test]
    fn forged_or_altered_tokens_are_refused() {
        let keys = keys("s3cret", None);
        let token = keys.issue().access_token().to_string();
        let (payload, tag) = token.rsplit_once('.').unwrap();
        // A later expiry with the old MAC.
        let later = payload.replacen("cos1.", "cos1.9", 1);
        for forged in [
            format!("{later}.{tag}"),
            format!("{payload}.{}", "A".repeat(tag.len())),
            format!("{payload}."),
            payload.to_string(),
            String::new(),
            "cos1.99999999999999.x.y".to_string(),
        ] {
            assert!(!keys.is_live(&forged), "{forged}");
        }
    }
}
