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
/// (`transport: error sending request for url (…): … Connection refused`);
/// no variant repeats its cause as [`std::error::Error::source`]. No variant
/// carries a client secret or a token.
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
    /// message includes the cause (`Connection refused`, a TLS failure, …).
    #[error("transport: {}", chain(.0))]
    Transport(reqwest::Error),
    /// The request or the connection timed out.
    #[error("timed out: {}", chain(.0))]
    Timeout(reqwest::Error),
    /// A success response whose body does not match the documented type.
    #[error("cannot decode the response{} at {}: {cause}", status_suffix(*.status), location(.path))]
    Decode {
        /// The response status, where known.
        status: Option<StatusCode>,
        /// The body exactly as received.
        body: Bytes,
        /// JSON pointer of the value that failed (`/0/event_types/1`; empty for the root).
        path: String,
        /// What serde found wrong.
        cause: serde_json::Error,
    },
    /// A bulk operation answered 207: some items failed (from
    /// [`crate::extras::BulkOutcome::into_result`]).
    #[error("partial failure: {0}")]
    PartialFailure(Box<PartialFailure>),
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
    /// The body exactly as received.
    pub body: Bytes,
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
            body,
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
    /// The body exactly as received.
    pub body: Bytes,
}

/// One item of a bulk request that failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ItemFailure {
    /// The item's id (`providerId`, `flagId`, `facilityId`, `id`, `provider_id`), when given.
    pub id: Option<String>,
    /// Why it failed (`reason`, `error`, or their `message`), when given.
    pub reason: Option<String>,
    /// The entry exactly as the server sent it.
    pub raw: serde_json::Value,
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

/// The JSON pointer of the value being read at `line`:`column` (serde_json's
/// 1-based error position) in `body`, found by scanning the text: the error
/// names the field whatever type was being decoded.
pub(crate) fn json_path_at(body: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object {
            key: Option<String>,
            expect_key: bool,
        },
        Array {
            index: usize,
        },
    }
    let mut offset = 0;
    for _ in 1..line {
        match body[offset..].iter().position(|b| *b == b'\n') {
            Some(p) => offset += p + 1,
            None => break,
        }
    }
    let mut end = (offset + column).min(body.len());
    // For "missing field" (or a short array) serde stops on the closing
    // bracket: name that object or array, not its parent or last member.
    let at_close = end > 0 && matches!(body[end - 1], b'}' | b']');
    if at_close {
        end -= 1;
    }
    let text = &body[..end];
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut() {
                    if *expect_key {
                        let raw = &text[start..i.min(text.len())];
                        *key = Some(
                            serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                                .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                        );
                        *expect_key = false;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    let members = if at_close {
        stack.len().saturating_sub(1)
    } else {
        stack.len()
    };
    for frame in stack.iter().take(members) {
        match frame {
            Frame::Object {
                key: Some(key),
                expect_key: false,
            } => {
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Frame::Object { .. } => {}
            Frame::Array { index } => path.push_str(&format!("/{index}")),
        }
    }
    path
}

impl Error {
    /// The HTTP status behind this error, where there is one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Auth { status, .. } | Error::Decode { status, .. } => *status,
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::PartialFailure(_) => Some(StatusCode::MULTI_STATUS),
            Error::Config(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The request id CertifyOS sent back with an error response, for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    }

    pub(crate) fn decode(
        status: Option<StatusCode>,
        body: Bytes,
        cause: serde_json::Error,
    ) -> Error {
        let path = json_path_at(&body, cause.line(), cause.column());
        Error::Decode {
            status,
            body,
            path,
            cause,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Webhook {
        id: String,
        event_types: Vec<String>,
    }

    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let e = serde_json::from_str::<T>(body).unwrap_err();
        json_path_at(body.as_bytes(), e.line(), e.column())
    }

    #[test]
    fn wrong_type_deep_in_an_array_is_located() {
        let body = r#"[{"id": "a", "event_types": ["X"]}, {"id": "b", "event_types": ["Y", 7]}]"#;
        assert_eq!(path_of::<Vec<Webhook>>(body), "/1/event_types/1");
    }

    #[test]
    fn missing_field_names_the_object() {
        let body = "[\n  {\"id\": \"a\", \"event_types\": []},\n  {\"event_types\": []}\n]";
        assert_eq!(path_of::<Vec<Webhook>>(body), "/1");
    }

    #[test]
    fn keys_with_escapes_and_slashes_are_pointer_escaped() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Odd {
            #[serde(rename = "a/b\"c")]
            x: u32,
        }
        assert_eq!(path_of::<Odd>(r#"{"a/b\"c": "nope"}"#), "/a~1b\"c");
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
