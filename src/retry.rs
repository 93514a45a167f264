//! Which failures are retried, and how long to wait before the next attempt.

use std::time::{Duration, SystemTime};

use backon::BackoffBuilder;
use reqwest::{Method, StatusCode};

/// Which failures a client retries and how long it waits between attempts:
/// exponential backoff with jitter (from `backon`), `Retry-After` honored.
/// Set it with [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy).
///
/// | what the attempt got | GET, HEAD, PUT, DELETE, OPTIONS | POST, PATCH |
/// | --- | --- | --- |
/// | no connection made | retried | retried |
/// | a timeout, a connection lost, a body that failed mid-read | retried | returned |
/// | a status in [`statuses`](RetryPolicy::statuses) (408, 429, 502, 503, 504) | retried | returned |
/// | a status in [`non_idempotent_statuses`](RetryPolicy::non_idempotent_statuses) (none by default), with `Retry-After` | as the row above | retried |
/// | any other status | returned | returned |
///
/// A POST or PATCH may have been acted on once it reached the server, so by
/// default it is sent again only when no connection was made. A 429 or 503
/// that carries `Retry-After` says the server refused the request and when
/// to come back: `.non_idempotent_statuses([429, 503])` retries POST and
/// PATCH on those too.
///
/// The wait before a retry is the server's `Retry-After` when it sends one
/// (seconds or an HTTP date), else the backoff. A `Retry-After` longer than
/// [`max_retry_after`](RetryPolicy::max_retry_after), or a wait that would
/// end past the call's [deadline](crate::ClientBuilder::deadline), is not
/// waited for: the response is returned as it is. A request whose body is a
/// stream (an upload from a reader) is sent once. The token request is
/// retried like a GET: it changes nothing on the server.
///
/// ```
/// use std::time::Duration;
/// use certifyos::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_retries(4)
///     .backoff(Duration::from_millis(100), Duration::from_secs(2))
///     .non_idempotent_statuses([429, 503]);
/// let client = certifyos::Client::builder()
///     .base_url("https://ng-api-stg.certifyos.com")
///     .organization_id("org_123")
///     .bearer_token("token")
///     .retry_policy(policy)
///     .build();
/// # let _ = client?;
/// # Ok::<(), certifyos::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) retries: u32,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    statuses: Vec<u16>,
    non_idempotent: Vec<u16>,
}

impl Default for RetryPolicy {
    /// 2 retries (3 attempts), backoff from 200 ms to 5 s, `Retry-After` up
    /// to 60 s, statuses 408, 429, 502, 503, 504 for idempotent methods,
    /// none for POST and PATCH.
    fn default() -> Self {
        RetryPolicy {
            retries: 2,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            statuses: vec![408, 429, 502, 503, 504],
            non_idempotent: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// Every request is sent once.
    pub fn none() -> RetryPolicy {
        RetryPolicy::default().max_retries(0)
    }

    /// Retries after the first attempt (default 2; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Bounds of the exponential backoff (default 200 ms to 5 s, with
    /// jitter); `max` below `min` is taken as `min`.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// The longest `Retry-After` waited for (default 60 s); a longer one
    /// returns the response at once.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Statuses retried for idempotent methods (default 408, 429, 502, 503,
    /// 504); replaces the list.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Statuses on which POST and PATCH are retried too, when the response
    /// carries `Retry-After` (the server refused the request and says when
    /// to come back): typically `[429, 503]`. None by default; replaces the
    /// list.
    pub fn non_idempotent_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.non_idempotent = statuses.into_iter().collect();
        self
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

/// `idempotent`: the request may be sent twice without harm (an idempotent
/// method, or an operation without side effects such as token issuance).
/// A body that failed mid-read counts as a request that may have reached
/// the server.
pub(crate) fn after_error(idempotent: bool, error: &reqwest::Error) -> Verdict {
    let may_have_arrived =
        error.is_timeout() || error.is_request() || error.is_body() || error.is_decode();
    if error.is_connect() || (idempotent && may_have_arrived) {
        Verdict::Retry { retry_after: None }
    } else {
        Verdict::Return
    }
}

impl RetryPolicy {
    pub(crate) fn after_response(
        &self,
        idempotent: bool,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
    ) -> Verdict {
        let status = status.as_u16();
        // `Retry-After` is read only for a status that may be retried: not on
        // every success.
        let listed = if idempotent {
            &self.statuses
        } else {
            &self.non_idempotent
        };
        if !listed.contains(&status) {
            return Verdict::Return;
        }
        let retry_after = retry_after(headers, SystemTime::now());
        if idempotent || retry_after.is_some() {
            Verdict::Retry { retry_after }
        } else {
            Verdict::Return
        }
    }
}

/// What the attempt before a retry got, for the log line.
pub(crate) enum Attempted<'a> {
    Status(StatusCode),
    Failed(&'a reqwest::Error),
}

/// Waits `wait` before the next attempt of `what` (a request, the token
/// request), logging at `warn` what the last attempt got: its status or its
/// error (never a body or a header).
pub(crate) async fn back_off(wait: Duration, attempted: Attempted<'_>, what: &'static str) {
    let wait_ms = wait.as_millis() as u64;
    match attempted {
        Attempted::Status(status) => {
            tracing::warn!(what, status = status.as_u16(), wait_ms, "retrying")
        }
        // Without the URL: a list call's query string carries its filters.
        Attempted::Failed(e) => tracing::warn!(
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
        let policy = RetryPolicy::default();
        let after_response =
            |idempotent, status, headers| policy.after_response(idempotent, status, headers);
        for status in [408, 502, 503, 504] {
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
    fn post_and_patch_are_retried_only_on_chosen_statuses_with_retry_after() {
        let none = HeaderMap::new();
        let after = headers("1");
        let status = |s| StatusCode::from_u16(s).unwrap();
        let post = is_idempotent(&Method::POST);
        let patch = is_idempotent(&Method::PATCH);
        let get = is_idempotent(&Method::GET);
        // The default: never on a status.
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.after_response(post, status(429), &after),
            Verdict::Return
        );
        let policy = policy.non_idempotent_statuses([429, 503]).statuses([500]);
        for method in [post, patch] {
            assert_eq!(
                policy.after_response(method, status(503), &after),
                Verdict::Retry {
                    retry_after: Some(Duration::from_secs(1))
                }
            );
            assert_eq!(
                policy.after_response(method, status(503), &none),
                Verdict::Return
            );
            assert_eq!(
                policy.after_response(method, status(500), &after),
                Verdict::Return
            );
        }
        assert_eq!(
            policy.after_response(get, status(429), &none),
            Verdict::Return
        );
        assert_eq!(
            policy.after_response(get, status(500), &none),
            Verdict::Retry { retry_after: None }
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
