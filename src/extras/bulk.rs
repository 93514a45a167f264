//! Bulk operations: 2xx means every item succeeded; 207 Multi-Status lists the
//! items that failed. A partial failure is never reported as success.

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::types;
use crate::Client;

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

/// What a 207 Multi-Status response says failed.
#[derive(Debug, Clone)]
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
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return Err(Error::decode(Some(status), body, e)),
    };
    let items = match &value {
        serde_json::Value::Array(items) => Some(items.clone()),
        serde_json::Value::Object(map) => ["data", "results", "errors", "failures"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_array()).cloned()),
        _ => None,
    };
    let Some(items) = items else {
        let source = <serde_json::Error as serde::de::Error>::custom(
            "a 207 body must be a JSON array of per-item results",
        );
        return Err(Error::Decode {
            status: Some(status),
            body,
            path: String::new(),
            source,
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
            raw: item,
        });
    }
    Ok(PartialFailure {
        failures,
        succeeded,
        body,
    })
}

impl Client {
    async fn bulk<B: Serialize + ?Sized, T>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: &B,
        value: impl FnOnce(StatusCode, Bytes) -> Result<T, Error>,
    ) -> Result<BulkOutcome<T>, Error> {
        let request = self.request(method, path).json(body);
        let (status, bytes) = self
            .send_hand_written(operation, request, |s| s.is_success())
            .await?;
        if status == StatusCode::MULTI_STATUS {
            return Ok(BulkOutcome::Partial(parse_multi_status(status, bytes)?));
        }
        Ok(BulkOutcome::AllSucceeded {
            status,
            value: value(status, bytes)?,
        })
    }

    /// `POST /v2/providers` (`ProvidersV2Controller_bulkCreate`): create
    /// providers in bulk; all succeeded (201, with each created record) or 207
    /// with the failures.
    pub async fn providers_v2_bulk_create(
        &self,
        providers: &[types::CreateProviderDtoV2],
    ) -> Result<BulkOutcome<Vec<types::BulkCreateProviderResponseDtoV2>>, Error> {
        self.bulk(
            "providers_v2_bulk_create",
            Method::POST,
            "/v2/providers",
            providers,
            decode,
        )
        .await
    }

    /// `PATCH /v2/providers/terminate-providers` (`ProvidersV2Controller_terminate`).
    pub async fn providers_v2_terminate(
        &self,
        body: &types::TerminateProviderV2Dto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "providers_v2_terminate",
            Method::PATCH,
            "/v2/providers/terminate-providers",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /v2/providers/unterminate-providers` (`ProvidersV2Controller_UnTerminate`).
    pub async fn providers_v2_un_terminate(
        &self,
        body: &types::UnterminateProviderV2Dto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "providers_v2_un_terminate",
            Method::PATCH,
            "/v2/providers/unterminate-providers",
            body,
            ignore,
        )
        .await
    }

    /// `POST /v2/providers/bulk-share-to-cred-committee` (`ProvidersV2Controller_shareBulkToCredCommittee`).
    pub async fn providers_v2_share_bulk_to_cred_committee(
        &self,
        body: &types::ShareBulkProviderToCredCommDtoV2,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "providers_v2_share_bulk_to_cred_committee",
            Method::POST,
            "/v2/providers/bulk-share-to-cred-committee",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /flags/bulk-mark-read` (`FlagsController_markReadBulk`).
    pub async fn flags_mark_read_bulk(
        &self,
        body: &types::FlagMarkReadAllRequestDto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "flags_mark_read_bulk",
            Method::PATCH,
            "/flags/bulk-mark-read",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /flags/bulk-mark-unread` (`FlagsController_markUnreadBulk`).
    pub async fn flags_mark_unread_bulk(
        &self,
        body: &types::FlagMarkUnreadAllRequestDto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "flags_mark_unread_bulk",
            Method::PATCH,
            "/flags/bulk-mark-unread",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /v2/flags/bulk-mark-read` (`FlagsV2Controller_markReadBulk`): its
    /// 207 lists every flag, fulfilled or rejected; the rejected ones are the failures.
    pub async fn flags_v2_mark_read_bulk(
        &self,
        body: &types::FlagMarkReadAllRequestV2Dto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "flags_v2_mark_read_bulk",
            Method::PATCH,
            "/v2/flags/bulk-mark-read",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /v2/facilities/terminate-facility` (`FacilityV2Controller_terminate`).
    pub async fn facility_v2_terminate(
        &self,
        body: &types::TerminateFacilityV2Dto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "facility_v2_terminate",
            Method::PATCH,
            "/v2/facilities/terminate-facility",
            body,
            ignore,
        )
        .await
    }

    /// `PATCH /v2/facilities/unterminate-facility` (`FacilityV2Controller_unterminate`).
    pub async fn facility_v2_unterminate(
        &self,
        body: &types::UnterminateFacilityV2Dto,
    ) -> Result<BulkOutcome, Error> {
        self.bulk(
            "facility_v2_unterminate",
            Method::PATCH,
            "/v2/facilities/unterminate-facility",
            body,
            ignore,
        )
        .await
    }

    /// `POST /v2/groups/{id}/associate-facilities` (`OrgEntitiesV2Controller_associateFacilityAsLocation`).
    pub async fn org_entities_v2_associate_facility_as_location(
        &self,
        group_id: &str,
        body: &types::AssociateFacilitiesV2Dto,
    ) -> Result<BulkOutcome, Error> {
        let path = format!(
            "/v2/groups/{}/associate-facilities",
            super::segment(group_id)
        );
        self.bulk(
            "org_entities_v2_associate_facility_as_location",
            Method::POST,
            &path,
            body,
            ignore,
        )
        .await
    }

    /// `DELETE /v2/groups/{id}/associate-facilities` (`OrgEntitiesV2Controller_disassociateFacilityFromLocation`).
    pub async fn org_entities_v2_disassociate_facility_from_location(
        &self,
        group_id: &str,
        body: &types::AssociateFacilitiesV2Dto,
    ) -> Result<BulkOutcome, Error> {
        let path = format!(
            "/v2/groups/{}/associate-facilities",
            super::segment(group_id)
        );
        self.bulk(
            "org_entities_v2_disassociate_facility_from_location",
            Method::DELETE,
            &path,
            body,
            ignore,
        )
        .await
    }
}

/// A success the document declares without a body (or whose 204 body
/// normalization removed): whatever came is not a value.
fn ignore(_: StatusCode, _: Bytes) -> Result<(), Error> {
    Ok(())
}

fn decode<T: DeserializeOwned>(status: StatusCode, body: Bytes) -> Result<T, Error> {
    serde_json::from_slice(&body).map_err(|e| Error::decode(Some(status), body, e))
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
                    assert_eq!(raw, body.as_bytes());
                }
                other => panic!("{body}: expected a decode error, got {other:?}"),
            }
        }
    }
}
