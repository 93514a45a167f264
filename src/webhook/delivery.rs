//! A delivery's body, and why a delivery was refused.

use http::StatusCode;

use super::response;
use crate::types::EventType;

/// One webhook delivery, as received.
///
/// CertifyOS's document defines no schema for a delivery's body. What is
/// assumed, and why:
/// - the body is a JSON value (the registration is a JSON webhook and the
///   test-event operation sends JSON): anything else is refused with 400;
/// - the event type is the top-level string `eventType`, the field the
///   test-event operation (`POST /v2/webhooks/{webhookId}/test-event`, body
///   `{message, eventType}`) sends; `event_type` is read when `eventType` is
///   absent;
/// - `message` is the top-level string of the same name, as in a test event.
///
/// Nothing else is assumed. A field this crate does not know, a field of
/// another type, or an event type added after this version is never a
/// reason to refuse a delivery: [`event_type`](Self::event_type) keeps an
/// unknown value as [`EventType::Unknown`] (`to_string()` gives it back), and
/// [`raw`](Self::raw) is the whole body as received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// `eventType` (or `event_type`), when the body has it as a string.
    pub event_type: Option<EventType>,
    /// `message`, when the body has it as a string.
    pub message: Option<String>,
    /// The whole body, every field kept.
    pub raw: serde_json::Value,
}

impl WebhookDelivery {
    /// Reads a delivery's body (see the type's docs for what is assumed).
    pub fn parse(body: &[u8]) -> Result<WebhookDelivery, Rejection> {
        let raw: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| Rejection::NotJson {
                cause: e.to_string(),
            })?;
        let text = |key: &str| raw.get(key).and_then(serde_json::Value::as_str);
        let event_type = text("eventType")
            .or_else(|| text("event_type"))
            .map(EventType::from);
        let message = text("message").map(str::to_string);
        Ok(WebhookDelivery {
            event_type,
            message,
            raw,
        })
    }
}

/// Why a delivery was refused. Its `Display` names the header or problem,
/// never a secret or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A registered static header is absent (or given more than once).
    #[error("delivery refused: header `{name}` missing or repeated")]
    MissingHeader {
        /// The header's name.
        name: String,
    },
    /// A registered static header has another value.
    #[error("delivery refused: header `{name}` has the wrong value")]
    WrongHeader {
        /// The header's name.
        name: String,
    },
    /// OAuth is configured and the delivery has no `Authorization: Bearer`.
    #[error("delivery refused: no bearer token")]
    MissingToken,
    /// The bearer token was not issued here, or has expired.
    #[error("delivery refused: unknown or expired bearer token")]
    InvalidToken,
    /// The body is longer than the receiver's
    /// [`max_body_bytes`](super::WebhookReceiver::max_body_bytes): 413.
    #[error("delivery refused: the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// The body is not JSON.
    #[error("delivery refused: the body is not JSON: {cause}")]
    NotJson {
        /// serde_json's message (position, not content).
        cause: String,
    },
}

impl Rejection {
    /// 401 for every authentication failure (the body is not read), 400
    /// for a body that is not JSON, 413 for one over the limit.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::NotJson { .. } => StatusCode::BAD_REQUEST,
            Rejection::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The response to send: the status and `{"error": "<reason>"}`.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        let extra = match self {
            Rejection::MissingToken | Rejection::InvalidToken => {
                vec![(http::header::WWW_AUTHENTICATE, "Bearer")]
            }
            _ => Vec::new(),
        };
        response(
            self.status(),
            Some(serde_json::json!({"error": self.to_string()})),
            extra,
        )
    }
}
