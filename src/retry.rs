//! Which failures are retried, and how long to wait before the next attempt.

use std::time::{Duration, SystemTime};

use backon::BackoffBuilder;
use reqwest::{Method, StatusCode};

/// Retry policy of a client: exponential backoff with jitter (from `backon`),
/// `Retry-After` honored.
///
/// Retried: connection failures, timeouts, 408, 429, 502, 503, 504. A request
/// that may have reached the server (a timeout, or any of those statuses) is
/// retried only for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS);
/// POST and PATCH are retried only when the connection was never made.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub(crate) retries: u32,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the response is returned.
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 2,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Done: return this outcome.
    Return,
    /// Retry, after at least this long when the server said so.
    Retry { retry_after: Option<Duration> },
}

impl RetryPolicy {
    /// The waits between attempts, one per retry.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.retries as usize)
            .with_jitter()
            .build()
    }

    /// How long to wait before the next attempt, if there is one.
    pub(crate) fn wait(&self, verdict: Verdict, backoff: Option<Duration>) -> Option<Duration> {
        let Verdict::Retry { retry_after } = verdict else {
            return None;
        };
        let backoff = backoff?;
        match retry_after {
            Some(after) if after > self.max_retry_after => None,
            Some(after) => Some(after),
            None => Some(backoff),
        }
    }
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Statuses that say "try again later".
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// `idempotent`: the request may be sent twice without harm (an idempotent
/// method, or an operation without side effects such as token issuance).
pub(crate) fn after_error(idempotent: bool, error: &reqwest::Error) -> Verdict {
    if error.is_connect() || (idempotent && (error.is_timeout() || error.is_request())) {
        Verdict::Retry { retry_after: None }
    } else {
        Verdict::Return
    }
}

pub(crate) fn after_response(
    idempotent: bool,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> Verdict {
    if is_transient(status) && idempotent {
        Verdict::Retry {
            retry_after: retry_after(headers, SystemTime::now()),
        }
    } else {
        Verdict::Return
    }
}

/// Waits `wait` before the next attempt of `what` (a request, the token
/// request), logging at `warn` what the last attempt got: its status or its
/// error (never a body or a header).
pub(crate) async fn back_off(
    wait: Duration,
    outcome: &reqwest::Result<reqwest::Response>,
    what: &'static str,
) {
    let wait_ms = wait.as_millis() as u64;
    match outcome {
        Ok(r) => tracing::warn!(what, status = r.status().as_u16(), wait_ms, "retrying"),
        // Without the URL: a list call's query string carries its filters.
        Err(e) => tracing::warn!(
            what,
            error = %crate::error::redacted_reqwest(e),
            wait_ms,
            "retrying"
        ),
    }
    tokio::time::sleep(wait).await;
}

/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        h
    }

    #[test]
    fn transient_statuses_are_retried_for_idempotent_methods_only() {
        let none = HeaderMap::new();
        for status in [408, 429, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                after_response(is_idempotent(&Method::GET), status, &none),
                Verdict::Retry { retry_after: None }
            );
            assert_eq!(
                after_response(is_idempotent(&Method::PUT), status, &none),
                Verdict::Retry { retry_after: None }
            );
            assert_eq!(
                after_response(is_idempotent(&Method::POST), status, &none),
                Verdict::Return
            );
            assert_eq!(
                after_response(is_idempotent(&Method::PATCH), status, &none),
                Verdict::Return
            );
        }
        assert_eq!(
            after_response(
                is_idempotent(&Method::GET),
                StatusCode::INTERNAL_SERVER_ERROR,
                &none
            ),
            Verdict::Return
        );
        assert_eq!(
            after_response(is_idempotent(&Method::GET), StatusCode::NOT_FOUND, &none),
            Verdict::Return
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
    }

    #[test]
    fn retry_after_replaces_backoff_and_a_long_one_is_not_waited_for() {
        let policy = RetryPolicy::default();
        let backoff = Some(Duration::from_millis(300));
        assert_eq!(
            policy.wait(
                Verdict::Retry {
                    retry_after: Some(Duration::from_secs(2))
                },
                backoff
            ),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.wait(Verdict::Retry { retry_after: None }, backoff),
            backoff
        );
        assert_eq!(
            policy.wait(
                Verdict::Retry {
                    retry_after: Some(Duration::from_secs(600))
                },
                backoff
            ),
            None
        );
        assert_eq!(
            policy.wait(Verdict::Retry { retry_after: None }, None),
            None,
            "no retries left"
        );
        assert_eq!(policy.wait(Verdict::Return, backoff), None);
    }

    #[test]
    fn delays_grow_and_stop_after_the_retries() {
        let policy = RetryPolicy {
            retries: 3,
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = policy.delays().collect();
        assert_eq!(delays.len(), 3);
        assert!(
            delays
                .iter()
                .all(|d| *d >= policy.min_delay && *d <= policy.max_delay * 2),
            "{delays:?}"
        );
        assert_eq!(
            RetryPolicy {
                retries: 0,
                ..policy
            }
            .delays()
            .count(),
            0
        );
    }
}
