//! Bulk operations: 2xx means every item succeeded; 207 Multi-Status lists the
//! items that failed. A partial failure is never reported as success.

use bytes::Bytes;
use reqwest::StatusCode;

use crate::error::{Error, ItemFailure, PartialFailure, RawBody, RawJson};

/// The outcome of a bulk operation.
#[derive(Debug, Clone)]
#[must_use = "a bulk operation can fail for some items: check the outcome"]
pub enum BulkOutcome<T = ()> {
    /// Every item succeeded (the server answered a 2xx other than 207).
    AllSucceeded {
        /// The status (204, 200 or 201 by operation).
        status: StatusCode,
        /// The body, where the operation returns one.
        value: T,
    },
    /// 207 Multi-Status: the server processed the request and some items failed.
    Partial(PartialFailure),
}

impl<T> BulkOutcome<T> {
    /// Whether every item succeeded.
    pub fn all_succeeded(&self) -> bool {
        matches!(self, BulkOutcome::AllSucceeded { .. })
    }

    /// The items that failed (empty when all succeeded).
    pub fn failures(&self) -> &[ItemFailure] {
        match self {
            BulkOutcome::AllSucceeded { .. } => &[],
            BulkOutcome::Partial(partial) => &partial.failures,
        }
    }

    /// The success value, or [`Error::PartialFailure`] when some items failed:
    /// for callers who treat a partial failure as an error (`?`).
    pub fn into_result(self) -> Result<T, Error> {
        match self {
            BulkOutcome::AllSucceeded { value, .. } => Ok(value),
            BulkOutcome::Partial(partial) => Err(Error::PartialFailure(Box::new(partial))),
        }
    }
}

const ID_KEYS: &[&str] = &[
    "providerId",
    "provider_id",
    "flagId",
    "flag_id",
    "facilityId",
    "facility_id",
    "id",
];
const REASON_KEYS: &[&str] = &["reason", "error", "message"];

/// Reads a 207 body: a JSON array of per-item results (or an object holding
/// one under `data`, `results`, `errors` or `failures`). Entries whose
/// `status` is `fulfilled` are successes; every other entry is a failure.
/// Anything else is a decode error with the raw body.
pub(crate) fn parse_multi_status(status: StatusCode, body: Bytes) -> Result<PartialFailure, Error> {
    let value: serde_json::Value = match crate::decode::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return Err(e.into_error(Some(status), body)),
    };
    let items = match &value {
        serde_json::Value::Array(items) => Some(items.clone()),
        serde_json::Value::Object(map) => ["data", "results", "errors", "failures"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_array()).cloned()),
        _ => None,
    };
    let Some(items) = items else {
        return Err(Error::Decode {
            status: Some(status),
            body: RawBody::new(body),
            path: String::new(),
            reason: "a 207 body must be a JSON array of per-item results".into(),
        });
    };
    let mut failures = Vec::new();
    let mut succeeded = Vec::new();
    for item in items {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            serde_json::Value::Object(o) => o
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .or_else(|| Some(v.to_string())),
            other => Some(other.to_string()),
        };
        let id = ID_KEYS.iter().find_map(|k| item.get(*k)).and_then(text);
        let outcome = item
            .get("status")
            .and_then(|s| s.as_str())
            .map(str::to_ascii_lowercase);
        if matches!(
            outcome.as_deref(),
            Some("fulfilled" | "fullfilled" | "success" | "succeeded")
        ) {
            succeeded.extend(id);
            continue;
        }
        let reason = REASON_KEYS.iter().find_map(|k| item.get(*k)).and_then(text);
        failures.push(ItemFailure {
            id,
            reason,
            raw: RawJson::new(item),
        });
    }
    Ok(PartialFailure {
        failures,
        succeeded,
        body: RawBody::new(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> PartialFailure {
        parse_multi_status(StatusCode::MULTI_STATUS, Bytes::from(body.to_string())).unwrap()
    }

    #[test]
    fn provider_failures_are_read() {
        let partial = parse(r#"[{"providerId": "p1", "reason": "already terminated"}]"#);
        assert_eq!(partial.failures.len(), 1);
        assert_eq!(partial.failures[0].id.as_deref(), Some("p1"));
        assert_eq!(
            partial.failures[0].reason.as_deref(),
            Some("already terminated")
        );
    }

    #[test]
    fn fulfilled_entries_are_successes_and_rejected_reasons_give_their_message() {
        let partial = parse(
            r#"[{"status": "fullfilled", "id": "f1"}, {"status": "rejected", "id": "f2", "reason": {"status": 404, "message": "not found"}}]"#,
        );
        assert_eq!(partial.succeeded, vec!["f1".to_string()]);
        assert_eq!(partial.failures.len(), 1);
        assert_eq!(
            (
                partial.failures[0].id.as_deref(),
                partial.failures[0].reason.as_deref()
            ),
            (Some("f2"), Some("not found"))
        );
    }

    #[test]
    fn flag_errors_are_reasons() {
        let partial = parse(r#"[{"flagId": "flag1", "error": "Not found"}]"#);
        assert_eq!(partial.failures[0].reason.as_deref(), Some("Not found"));
    }

    #[test]
    fn a_malformed_207_is_a_decode_error_with_the_raw_body() {
        for body in ["not json", r#"{"message": "partial"}"#] {
            match parse_multi_status(StatusCode::MULTI_STATUS, Bytes::from(body)) {
                Err(Error::Decode {
                    status, body: raw, ..
                }) => {
                    assert_eq!(status, Some(StatusCode::MULTI_STATUS));
                    assert_eq!(raw.as_bytes(), body.as_bytes());
                }
                other => panic!("{body}: expected a decode error, got {other:?}"),
            }
        }
    }
}
