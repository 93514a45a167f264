//! Credentials and the access-token lifecycle.
//!
//! Client credentials are exchanged for a JWT at POST /auth-tokens/v2/api,
//! lazily, once for all concurrent callers, and again a margin before the
//! token's `exp` (or 24 hours, the documented lifetime, when it has none).

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use reqwest::header::HeaderValue;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ApiError, Error};
use crate::retry::{self, RetryPolicy};

// The token operation's method and path, as codegen found them in the document.
pub(crate) use crate::names::{TOKEN_OPERATION, TOKEN_PATH};
/// The largest token response read: a token and a few fields, never more.
const TOKEN_RESPONSE_LIMIT: u64 = 64 * 1024;
/// The lifetime CertifyOS documents, for tokens without an `exp` claim.
const DOCUMENTED_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Refresh at most this long before expiry, so a token never expires in
/// flight…
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// …and at most this part of its life, so a short-lived token is still
/// reused for most of it (a 60 s token: 6 s before expiry).
const REFRESH_MARGIN_SHARE: u32 = 10;

/// How the client authenticates.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// Exchanged for tokens at the token endpoint, refreshed as needed.
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
    },
    /// A token the caller manages; never refreshed.
    Bearer(SecretString),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .finish(),
            Credentials::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}

#[derive(Clone)]
struct CachedToken {
    /// `Bearer <token>`, marked sensitive.
    header: HeaderValue,
    refresh_at: SystemTime,
}

/// Hands out the Authorization header; shared by every clone of a client.
pub(crate) struct TokenSource {
    credentials: Credentials,
    http: reqwest::Client,
    token_url: Url,
    retry: RetryPolicy,
    cached: RwLock<Option<CachedToken>>,
    /// Held while fetching: concurrent callers wait for one token request.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url.as_str())
            .field(
                "token",
                &self
                    .cached
                    .read()
                    .map(|c| c.as_ref().map(|_| "[redacted]"))
                    .unwrap_or(None),
            )
            .finish()
    }
}

impl TokenSource {
    pub(crate) fn new(
        credentials: Credentials,
        http: reqwest::Client,
        base_url: &Url,
        retry: RetryPolicy,
    ) -> Result<Arc<TokenSource>, Error> {
        let token_url = Url::parse(&format!(
            "{}{TOKEN_PATH}",
            base_url.as_str().trim_end_matches('/')
        ))
        .map_err(|e| Error::Config(format!("token URL from base URL {base_url}: {e}")))?;
        if let Credentials::Bearer(token) = &credentials {
            bearer_header(token.expose_secret())?;
        }
        Ok(Arc::new(TokenSource {
            credentials,
            http,
            token_url,
            retry,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }))
    }

    /// The Authorization header for the next request: cached, or fetched once
    /// for all callers waiting.
    pub(crate) async fn authorization(&self) -> Result<HeaderValue, Error> {
        let credentials = match &self.credentials {
            Credentials::Bearer(token) => return bearer_header(token.expose_secret()),
            Credentials::ClientCredentials { .. } => &self.credentials,
        };
        if let Some(header) = self.fresh_cached() {
            return Ok(header);
        }
        let _gate = self.refreshing.lock().await;
        if let Some(header) = self.fresh_cached() {
            return Ok(header);
        }
        self.fetch(credentials).await
    }

    /// After a 401 with `rejected`: a new header, unless another caller has
    /// already replaced that token. `None` when the token cannot be renewed
    /// (a caller-supplied bearer token).
    pub(crate) async fn renew_after_rejection(
        &self,
        rejected: &HeaderValue,
    ) -> Option<Result<HeaderValue, Error>> {
        let Credentials::ClientCredentials { .. } = &self.credentials else {
            return None;
        };
        let _gate = self.refreshing.lock().await;
        if let Some(cached) = self.cached.read().ok().and_then(|c| c.clone()) {
            if cached.header != rejected {
                return Some(Ok(cached.header));
            }
        }
        Some(self.fetch(&self.credentials).await)
    }

    fn fresh_cached(&self) -> Option<HeaderValue> {
        let cached = self.cached.read().ok()?;
        let token = cached.as_ref()?;
        (SystemTime::now() < token.refresh_at).then(|| token.header.clone())
    }

    async fn fetch(&self, credentials: &Credentials) -> Result<HeaderValue, Error> {
        let Credentials::ClientCredentials {
            client_id,
            client_secret,
        } = credentials
        else {
            unreachable!("only client credentials are fetched");
        };
        // Borrowed, exposed only while serialized into each attempt's body:
        // no plain copy of the secret lives for the retry loop.
        #[derive(serde::Serialize)]
        struct TokenRequest<'a> {
            client_id: &'a str,
            #[serde(serialize_with = "expose")]
            client_secret: &'a SecretString,
            grant_type: &'static str,
        }
        fn expose<S: serde::Serializer>(
            secret: &&SecretString,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(secret.expose_secret())
        }
        let body = TokenRequest {
            client_id,
            client_secret,
            grant_type: "client",
        };
        // Issuing a token has no side effect: the request is retried like an
        // idempotent one, a body that fails mid-read included.
        let mut delays = self.retry.delays();
        let (status, bytes) = loop {
            let outcome = async {
                let response = self
                    .http
                    .post(self.token_url.clone())
                    .json(&body)
                    .send()
                    .await?;
                let status = response.status();
                let headers = response.headers().clone();
                let bytes = crate::outcome::read_capped(response, TOKEN_RESPONSE_LIMIT).await?;
                Ok::<_, reqwest::Error>((status, headers, bytes))
            }
            .await;
            let verdict = match &outcome {
                Ok((status, headers, _)) => self.retry.after_response(true, *status, headers),
                Err(e) => retry::after_error(true, e),
            };
            if let Some(wait) = self.retry.wait(verdict, delays.next()) {
                let attempted = match &outcome {
                    Ok((status, _, _)) => retry::Attempted::Status(*status),
                    Err(e) => retry::Attempted::Failed(e),
                };
                retry::back_off(wait, attempted, "token request").await;
                continue;
            }
            let (status, headers, bytes) = outcome.map_err(Error::from_reqwest)?;
            let bytes = bytes.ok_or(Error::ResponseTooLarge {
                operation: Some(TOKEN_OPERATION),
                limit: TOKEN_RESPONSE_LIMIT,
            })?;
            if status.is_success() {
                break (status, bytes);
            }
            if matches!(status.as_u16(), 400 | 401 | 403) {
                // A verdict on the credentials (or their form).
                let api = ApiError::new(status, &headers, bytes, Some(TOKEN_OPERATION));
                return Err(Error::Auth {
                    status: Some(status),
                    message: api
                        .message
                        .unwrap_or_else(|| "the token endpoint refused the credentials".into()),
                });
            }
            // 5xx, 429 and the like: the endpoint failed, the credentials may be fine.
            return Err(Error::Api(Box::new(ApiError::new(
                status,
                &headers,
                bytes,
                Some(TOKEN_OPERATION),
            ))));
        };
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: SecretString,
        }
        // Never echo the body or serde's message: either may contain the token.
        let token = serde_json::from_slice::<TokenResponse>(&bytes).map_err(|e| Error::Auth {
            status: Some(status),
            message: format!(
                "the token response is not {{\"access_token\": …}} (line {}, column {})",
                e.line(),
                e.column()
            ),
        })?;
        let header = bearer_header(token.access_token.expose_secret())?;
        let refresh_at = refresh_time(token.access_token.expose_secret(), SystemTime::now());
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some(CachedToken {
                header: header.clone(),
                refresh_at,
            });
        }
        tracing::debug!(target: "certifyos::auth", "fetched an access token");
        Ok(header)
    }
}

fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    let mut header =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| Error::Auth {
            status: None,
            message: "the access token is not a valid header value".into(),
        })?;
    header.set_sensitive(true);
    Ok(header)
}

/// When to fetch a new token: a margin before the JWT's `exp` (read without
/// verifying the signature: only the server needs to trust it), or before
/// the documented 24 hours when there is no readable `exp`. The margin is
/// [`REFRESH_MARGIN`], or a tenth of the token's remaining life when that is
/// shorter.
pub(crate) fn refresh_time(token: &str, now: SystemTime) -> SystemTime {
    let expires = jwt_expiry(token).unwrap_or(now + DOCUMENTED_LIFETIME);
    let life = expires.duration_since(now).unwrap_or(Duration::ZERO);
    let margin = REFRESH_MARGIN.min(life / REFRESH_MARGIN_SHARE);
    expires.checked_sub(margin).unwrap_or(UNIX_EPOCH)
}

fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    // The server's number, not ours: one past what time can hold is no
    // expiry we can use (the documented lifetime applies), never a panic.
    let since_epoch = Duration::try_from_secs_f64(exp).ok()?;
    UNIX_EPOCH.checked_add(since_epoch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            engine.encode(r#"{"alg":"HS256"}"#),
            engine.encode(claims)
        )
    }

    #[test]
    fn refresh_is_a_margin_before_the_exp_claim() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let token = jwt(r#"{"sub":"x","exp":1003600}"#);
        assert_eq!(
            refresh_time(&token, now),
            UNIX_EPOCH + Duration::from_secs(1_003_600 - 300)
        );
    }

    #[test]
    fn an_exp_beyond_what_time_can_hold_is_no_expiry_not_a_panic() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        for claims in [r#"{"exp":1e19}"#, r#"{"exp":1.8e308}"#, r#"{"exp":-5}"#] {
            assert_eq!(
                refresh_time(&jwt(claims), now),
                now + DOCUMENTED_LIFETIME - REFRESH_MARGIN,
                "{claims}"
            );
        }
    }

    #[test]
    fn a_short_lived_token_is_reused_for_most_of_its_life() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let sixty = jwt(r#"{"exp":1000060}"#);
        assert_eq!(refresh_time(&sixty, now), now + Duration::from_secs(54));
        let day = jwt(r#"{"exp":1086400}"#);
        assert_eq!(
            refresh_time(&day, now),
            now + Duration::from_secs(86_400 - 300)
        );
    }

    #[test]
    fn a_token_without_exp_lives_the_documented_24_hours() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        for token in [
            jwt(r#"{"sub":"x"}"#),
            "opaque-token".to_string(),
            "a.!!!.c".to_string(),
        ] {
            assert_eq!(
                refresh_time(&token, now),
                now + DOCUMENTED_LIFETIME - REFRESH_MARGIN,
                "{token}"
            );
        }
    }

    #[test]
    fn credentials_debug_hides_the_secret() {
        let credentials = Credentials::ClientCredentials {
            client_id: "id-1".into(),
            client_secret: SecretString::from("s3cr3t"),
        };
        let shown = format!("{credentials:?}");
        assert!(
            shown.contains("id-1") && !shown.contains("s3cr3t"),
            "{shown}"
        );
        assert!(!format!("{:?}", Credentials::Bearer(SecretString::from("tok"))).contains("tok"));
    }
}
