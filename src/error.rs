//! The crate's one error type. A leaf: it depends on nothing else in the
//! crate; conversions from transport details live in `transport.rs`.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to CertifyOS: what every operation
/// method returns.
///
/// Its `Display` is one line that says what happened, causes included
/// (`transport: error sending request: client error (Connect): … Connection
/// refused`); no variant repeats its cause as [`std::error::Error::source`].
///
/// What CertifyOS exchanges is protected health information (names, NPIs,
/// dates of birth) and secrets, and errors end up in logs and error
/// reporters. So neither `Display` nor `Debug` of any variant shows a
/// request's URL or query string, a request or response body, a header
/// value or a value found in a body: they show the operation, the status,
/// the request id, CertifyOS's own `message` and `errors` strings (the
/// server's words, which may echo input), a body's length, and for a body
/// that does not decode the JSON pointer and the expected type. A response
/// body stays available on purpose, through [`RawBody::as_bytes`]; with
/// [`ClientBuilder::bodies_in_errors`](crate::ClientBuilder::bodies_in_errors)
/// (off by default) [`Error::Api`]'s `Display` shows the error response's
/// body too, the document's secret properties redacted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured wrongly (see the message).
    #[error("configuration: {0}")]
    Config(String),
    /// The token endpoint refused the credentials (401, 403 or another 4xx),
    /// or its answer held no usable token.
    #[error("authentication failed{}: {message}", status_suffix(*.status))]
    Auth {
        /// The token endpoint's status, when it answered.
        status: Option<StatusCode>,
        /// The server's message, or what was wrong with its answer.
        message: String,
    },
    /// CertifyOS answered with a status the operation does not declare as
    /// success (4xx, 5xx, or an unexpected one), including a 5xx from the
    /// token endpoint that outlasted the retries.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request could not be sent or the response not received; the
    /// message includes the cause (`Connection refused`, a TLS failure, …),
    /// never the URL (its query string may carry a name or an NPI).
    #[error("transport: {}", chain(.0))]
    Transport(reqwest::Error),
    /// The request or the connection timed out (no URL, as for `Transport`).
    #[error("timed out: {}", chain(.0))]
    Timeout(reqwest::Error),
    /// A success response whose body does not match the documented type.
    #[error("cannot decode the response{} at {}: {reason}", status_suffix(*.status), location(.path))]
    Decode {
        /// The response status, where known.
        status: Option<StatusCode>,
        /// The body exactly as received (its `Debug` shows only its length).
        body: RawBody,
        /// JSON pointer of the value that failed (`/0/event_types/1`; empty
        /// for the root, or where serde refused the body: see `reason`).
        path: String,
        /// What was wrong, without the value found (`invalid type: string,
        /// expected a boolean`). Every response and 207 body is read by its
        /// generated decoder, which gives `path`.
        reason: String,
    },
    /// A bulk operation answered 207: some items failed (from
    /// [`crate::extras::BulkOutcome::into_result`]).
    #[error("partial failure: {0}")]
    PartialFailure(Box<PartialFailure>),
    /// The response body is longer than the client reads
    /// ([`crate::ClientBuilder::max_response_bytes`]); nothing past the
    /// limit was buffered.
    #[error("the response{} is larger than the limit of {limit} bytes (ClientBuilder::max_response_bytes)", operation.map(|o| format!(" to {o}")).unwrap_or_default())]
    ResponseTooLarge {
        /// The operation (Rust method name) whose response it was.
        operation: Option<&'static str>,
        /// The limit in force.
        limit: u64,
    },
    /// Paging stopped: the page requested at `offset` repeats the previous
    /// page item for item, so the server is not moving through the results
    /// (it ignores `offset`); reading on would never end.
    #[error("paging stopped: the page at offset {offset} repeats the previous page (the server does not move through the results)")]
    PagingStalled {
        /// The offset of the repeated page.
        offset: u64,
    },
    /// Paging stopped: `max_pages` pages were read and the results go on
    /// ([`crate::ClientBuilder::max_pages`]).
    #[error("paging stopped: {max_pages} pages read and the results go on (the limit, ClientBuilder::max_pages)")]
    TooManyPages {
        /// The limit in force.
        max_pages: u64,
    },
    /// The call did not finish within its deadline
    /// ([`crate::ClientBuilder::deadline`]): attempts, the waits between
    /// them and any token request included.
    #[error("the call{} did not finish within its deadline of {deadline:?} (ClientBuilder::deadline)", operation.map(|o| format!(" to {o}")).unwrap_or_default())]
    DeadlineExceeded {
        /// The operation (Rust method name) called.
        operation: Option<&'static str>,
        /// The deadline in force.
        deadline: std::time::Duration,
    },
    /// A request could not be built from the arguments given (e.g. a required
    /// builder argument is missing).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

fn status_suffix(status: Option<StatusCode>) -> String {
    status.map(|s| format!(" ({s})")).unwrap_or_default()
}

fn location(path: &str) -> &str {
    if path.is_empty() {
        "the root"
    } else {
        path
    }
}

/// An error and its causes on one line: `a: b: c`. A cause whose text its
/// predecessor already contains is left out (hyper and reqwest repeat).
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut last = text.clone();
    let mut next = error.source();
    while let Some(cause) = next {
        let message = cause.to_string();
        if !message.is_empty() && !last.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        last = message;
        next = cause.source();
    }
    text
}

/// A response CertifyOS sent instead of the success the operation declares.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The operation (Rust method name) that received it.
    pub operation: Option<&'static str>,
    /// `message` of the usual CertifyOS error body (`{"message": …, "errors": […]}`);
    /// several messages are joined with `; `.
    pub message: Option<String>,
    /// `errors` of that body, each as text.
    pub errors: Vec<String>,
    /// The request id the server sent back (`x-request-id`, `x-correlation-id`
    /// or `x-cloud-trace-context`), for CertifyOS support.
    pub request_id: Option<String>,
    /// The body exactly as received (its `Debug` shows only its length).
    pub body: RawBody,
    /// The body as `Display` shows it, with
    /// [`ClientBuilder::bodies_in_errors`](crate::ClientBuilder::bodies_in_errors) only.
    pub(crate) shown_body: Option<String>,
}

/// A response body, kept for debugging on purpose: its `Debug` shows only
/// its length, and the crate never formats it. CertifyOS's bodies carry
/// protected health information and secrets (a webhook's
/// `oauth_configuration.client_secret`), so reading one is an explicit
/// [`RawBody::as_bytes`], under your own logging policy.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(Bytes);

impl RawBody {
    pub(crate) fn new(bytes: Bytes) -> RawBody {
        RawBody(bytes)
    }

    /// The body's bytes, exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body's bytes, exactly as received.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for RawBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawBody({} bytes)", self.0.len())
    }
}

/// One JSON value as the server sent it, kept on purpose: its `Debug`
/// shows nothing of it ([`RawJson::value`] does).
#[derive(Clone, PartialEq)]
pub struct RawJson(serde_json::Value);

impl RawJson {
    pub(crate) fn new(value: serde_json::Value) -> RawJson {
        RawJson(value)
    }

    /// The value exactly as received.
    pub fn value(&self) -> &serde_json::Value {
        &self.0
    }

    /// The value exactly as received.
    pub fn into_value(self) -> serde_json::Value {
        self.0
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RawJson(..)")
    }
}

/// Response headers that identify a request to CertifyOS support, in the
/// order they are looked for.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "x-correlation-id", "x-cloud-trace-context"];

/// The request id the server sent back, if any.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        operation: Option<&'static str>,
    ) -> ApiError {
        let (message, errors) = parse_error_body(&body);
        ApiError {
            status,
            operation,
            message,
            errors,
            request_id: request_id(headers).map(str::to_string),
            body: RawBody::new(body),
            shown_body: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertifyOS answered {}", self.status)?;
        if let Some(operation) = self.operation {
            write!(f, " to {operation}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if !self.errors.is_empty() {
            write!(f, " ({})", self.errors.join("; "))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(body) = &self.shown_body {
            write!(f, "; body: {body}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What a 207 Multi-Status response says failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PartialFailure {
    /// Each item that failed, in the server's order.
    pub failures: Vec<ItemFailure>,
    /// Ids the server reported as done (some operations list successes too).
    pub succeeded: Vec<String>,
    /// The body exactly as received (its `Debug` shows only its length).
    pub body: RawBody,
}

/// One item of a bulk request that failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ItemFailure {
    /// The item's id (`providerId`, `flagId`, `facilityId`, `id`, `provider_id`), when given.
    pub id: Option<String>,
    /// Why it failed (`reason`, `error`, or their `message`), when given.
    pub reason: Option<String>,
    /// The entry exactly as the server sent it (its `Debug` shows nothing of it).
    pub raw: RawJson,
}

impl std::fmt::Display for PartialFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} item(s) failed", self.failures.len())?;
        for failure in self.failures.iter().take(5) {
            write!(
                f,
                "; {}: {}",
                failure.id.as_deref().unwrap_or("?"),
                failure.reason.as_deref().unwrap_or("no reason given")
            )?;
        }
        if self.failures.len() > 5 {
            write!(f, "; …")?;
        }
        Ok(())
    }
}

/// `{"message": "…" | ["…"], "errors": [...]}`, leniently: anything else
/// gives nothing (the raw body stays in [`ApiError::body`]).
fn parse_error_body(body: &[u8]) -> (Option<String>, Vec<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, Vec::new());
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let message = match map.get("message") {
        Some(serde_json::Value::Array(items)) => {
            Some(items.iter().map(text).collect::<Vec<_>>().join("; "))
        }
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(text(other)),
    };
    let errors = match map.get("errors") {
        Some(serde_json::Value::Array(items)) => items.iter().map(text).collect(),
        Some(serde_json::Value::Null) | None => Vec::new(),
        Some(other) => vec![text(other)],
    };
    (message, errors)
}

impl Error {
    /// The HTTP status behind this error, where there is one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Auth { status, .. } | Error::Decode { status, .. } => *status,
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::PartialFailure(_) => Some(StatusCode::MULTI_STATUS),
            Error::Config(_)
            | Error::InvalidRequest(_)
            | Error::ResponseTooLarge { .. }
            | Error::PagingStalled { .. }
            | Error::TooManyPages { .. }
            | Error::DeadlineExceeded { .. } => None,
        }
    }

    /// The request id CertifyOS sent back with an error response, for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// reqwest's error without its URL: the query string of a list call
    /// carries the filters (a name, an NPI).
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Error {
        let e = e.without_url();
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    }

    /// A body serde refused (progenitor's `InvalidResponsePayload`, which no
    /// call makes: every response is read by its generated decoder, whose
    /// errors carry their pointer). serde's error has only a line and column,
    /// which stay in `reason`; the pointer is left empty rather than guessed
    /// from the text.
    pub(crate) fn decode(
        status: Option<StatusCode>,
        body: Bytes,
        cause: serde_json::Error,
    ) -> Error {
        Error::Decode {
            status,
            body: RawBody::new(body),
            path: String::new(),
            reason: without_values(&cause.to_string()),
        }
    }
}

/// reqwest's error on one line, without the URL it names: for logs, where
/// the error itself is only borrowed.
pub(crate) fn redacted_reqwest(e: &reqwest::Error) -> String {
    let text = chain(e);
    match e.url() {
        Some(url) => text
            .replace(&format!(" for url ({url})"), "")
            .replace(url.as_str(), "[url withheld]"),
        None => text,
    }
}

/// serde's message without the value it found: `invalid type: string
/// "Jane Doe", expected a boolean at line 1 column 9` → `invalid type:
/// string, expected a boolean at line 1 column 9`. The kind of value and
/// what was expected stay (they come from the schema, not from the body);
/// a quoted value, an unknown variant's or field's name go.
pub(crate) fn without_values(message: &str) -> String {
    const VALUED: &[&str] = &[
        "invalid type: ",
        "invalid value: ",
        "unknown variant",
        "unknown field",
    ];
    if !VALUED.iter().any(|p| message.starts_with(p)) {
        return message.to_string();
    }
    let (head, tail) = match message.rfind(", expected ") {
        Some(at) => (&message[..at], Some(&message[at..])),
        None => match message.rfind(" at line ") {
            Some(at) => (&message[..at], Some(&message[at..])),
            None => (message, None),
        },
    };
    let kind = head
        .split(['"', '`', '\''])
        .next()
        .unwrap_or(head)
        .trim_end();
    format!("{kind}{}", tail.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_lose_the_value_and_keep_the_expectation() {
        let cases = [
            (
                r#"invalid type: string "Jane, expected Doe", expected a boolean at line 1 column 9"#,
                "invalid type: string, expected a boolean at line 1 column 9",
            ),
            (
                "invalid value: integer `1234567893`, expected u8 at line 2 column 3",
                "invalid value: integer, expected u8 at line 2 column 3",
            ),
            (
                "unknown variant `123-45-6789`, expected one of `A`, `B` at line 1 column 5",
                "unknown variant, expected one of `A`, `B` at line 1 column 5",
            ),
            (
                "unknown field `ssn-123-45-6789` at line 1 column 5",
                "unknown field at line 1 column 5",
            ),
            (
                "missing field `id` at line 1 column 2",
                "missing field `id` at line 1 column 2",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(without_values(message), expected);
        }
        let e = serde_json::from_str::<bool>(r#""Jane Doe""#).unwrap_err();
        assert_eq!(
            without_values(&e.to_string()),
            "invalid type: string, expected a boolean at line 1 column 10"
        );
    }

    #[test]
    fn raw_bodies_show_only_their_length() {
        let body = RawBody::new(Bytes::from_static(b"{\"npi\": \"1234567893\"}"));
        assert_eq!(format!("{body:?}"), "RawBody(21 bytes)");
        assert_eq!(body.as_bytes(), b"{\"npi\": \"1234567893\"}");
        let raw = RawJson::new(serde_json::json!({"ssn": "123-45-6789"}));
        assert_eq!(format!("{raw:?}"), "RawJson(..)");
    }

    #[test]
    fn the_usual_error_body_is_parsed() {
        let (message, errors) = parse_error_body(br#"{"message": "Invalid request body", "errors": ["url must be a URL", {"field": "x"}]}"#);
        assert_eq!(message.as_deref(), Some("Invalid request body"));
        assert_eq!(
            errors,
            vec![
                "url must be a URL".to_string(),
                r#"{"field":"x"}"#.to_string()
            ]
        );
    }

    #[test]
    fn nest_style_message_arrays_are_joined_and_junk_is_ignored() {
        assert_eq!(
            parse_error_body(br#"{"message": ["a", "b"], "statusCode": 400}"#)
                .0
                .as_deref(),
            Some("a; b")
        );
        assert_eq!(parse_error_body(b"<html>502</html>"), (None, vec![]));
    }
}
