//! Uploads and bulk results: what progenitor cannot express, written by
//! hand — the 207 outcome of bulk operations, multipart parts, and an
//! operation with two different successes.
//!
//! The plumbing of those operations — method name, builder, path, parameter
//! and body types — is generated like every other operation's (the builders
//! are in `certifyos::builder`); their `send()` ends here. They go through the
//! same hooks as every generated method (the tenant header, Authorization,
//! retries, tracing, buffered error bodies), so they behave the same way.
//!
//! ```no_run
//! # async fn demo(client: certifyos::Client) -> certifyos::Result<()> {
//! use certifyos::extras::{BulkOutcome, Upload};
//!
//! let upload = Upload::from_path("licence.pdf", "application/pdf"); // streamed from disk
//! client
//!     .supporting_documents_upload()
//!     .id("provider-1")
//!     .file(upload)
//!     .send()
//!     .await?;
//!
//! let body = certifyos::types::TerminateProviderV2Dto::builder()
//!     .provider_ids(vec!["p1".into(), "p2".into()])
//!     .reason("left the network")
//!     .filters(certifyos::types::FilterProvidersV2Dto::builder());
//! match client.providers_v2_terminate().body(body).send().await? {
//!     BulkOutcome::AllSucceeded { .. } => println!("all terminated"),
//!     BulkOutcome::Partial(partial) => {
//!         for failure in &partial.failures {
//!             println!("{:?}: {:?}", failure.id, failure.reason);
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! `certifyos::operations::OPERATIONS` lists all 79 operations with method,
//! path, Rust name, declared error statuses and whether the method is generated
//! (65) or written by hand in `src/extras/` (14). The generated table also names
//! every method, so a row whose method is missing fails to compile: when a
//! regeneration sets aside a new operation, the build says so. A test checks the
//! table against the document's operationIds.
//!
//! | operation | call | `.send()` returns |
//! | --- | --- | --- |
//! | `ProvidersV2Controller_bulkCreate` — `POST /v2/providers` | `providers_v2_bulk_create().body(Vec<CreateProviderDtoV2>)` | `BulkOutcome<Vec<BulkCreateProviderResponseDtoV2>>`: 201 → `AllSucceeded` with the created records; 207 → `Partial` |
//! | `ProvidersV2Controller_terminate` — `PATCH /v2/providers/terminate-providers` | `providers_v2_terminate().body(TerminateProviderV2Dto)` | `BulkOutcome`: 204 (the JSON body the document declares for it never comes) → `AllSucceeded`; 207 → `Partial` with each `providerId` and `reason` |
//! | `ProvidersV2Controller_UnTerminate` — `PATCH /v2/providers/unterminate-providers` | `providers_v2_un_terminate().body(..)` | same |
//! | `ProvidersV2Controller_shareBulkToCredCommittee` — `POST /v2/providers/bulk-share-to-cred-committee` | `providers_v2_share_bulk_to_cred_committee().body(..)` | same (`status`/`id`/`reason` entries) |
//! | `FlagsController_markReadBulk` — `PATCH /flags/bulk-mark-read` | `flags_mark_read_bulk().body(..)` | same (`flagId`/`error` entries) |
//! | `FlagsController_markUnreadBulk` — `PATCH /flags/bulk-mark-unread` | `flags_mark_unread_bulk().body(..)` | same |
//! | `FlagsV2Controller_markReadBulk` — `PATCH /v2/flags/bulk-mark-read` | `flags_v2_mark_read_bulk().body(..)` | same; the 207 lists every flag, `fulfilled` ones go to `succeeded`, `rejected` ones to `failures` with the nested `reason.message` |
//! | `FacilityV2Controller_terminate` / `_unterminate` — `PATCH /v2/facilities/(un)terminate-facility` | `facility_v2_terminate().body(..)`, `facility_v2_unterminate().body(..)` | same |
//! | `OrgEntitiesV2Controller_associateFacilityAsLocation` / `disassociateFacilityFromLocation` — `POST` / `DELETE /v2/groups/{id}/associate-facilities` | `org_entities_v2_associate_facility_as_location().id(group).body(..)`, `org_entities_v2_disassociate_facility_from_location().id(group).body(..)` | same (201 / 200 → `AllSucceeded`) |
//! | `SupportingDocumentsController_upload` — `POST /providers/{id}/supporting-documents` | `supporting_documents_upload().id(..).file(Upload).file_type(..).state(UsState)` | `()`; multipart parts `file`, `fileType`, `state` (all optional, as the document says) |
//! | `ProviderV2Controller_uploadProviderDocuments` — `POST /v2/provider/{providerId}/attested-data/documents` | `provider_v2_upload_provider_documents().provider_id(..).file_type(..).workflow_id(..).file(Upload)` | `()`; multipart `fileType`, `organizationId` (always the client's), `workflowId` (required), `file` |
//! | `ProviderV2Controller_createCredentialingWorkflow` — `POST /v2/provider/{providerId}/credentialing-workflows` | `provider_v2_create_credentialing_workflow().provider_id(..)` | `Option<ProviderV2CreateCredentialingWorkflowResponse>`: `Some({id, providerId})` for a 200, `None` for the bodiless 201; `.send_with_response().status()` tells which |
//!
//! A required argument that is missing (a path parameter, a required body or
//! multipart field) is `Error::InvalidRequest` naming it, before anything is
//! sent. Any other shape set aside in a future document stops the generator
//! with an error naming the operation.
//!
//! A bulk outcome is `#[must_use]`; `outcome.into_result()?` turns a partial
//! failure into `Error::PartialFailure` for callers who treat it as an error. A
//! 207 body that is not a JSON array of per-item results is `Error::Decode` with
//! the raw body. `Upload::from_bytes(bytes, filename, content_type)` sends bytes
//! in memory; `Upload::from_path(path, content_type)` streams the file (an upload
//! of 256 MiB grows the client's peak memory by under 1 MiB). Uploads are POSTs with a
//! streamed body: sent once, never retried.
//!
//! Operations whose responses normalization merged, and what the caller sees:
//!
//! | operations | what the document says | what the generated method returns |
//! | --- | --- | --- |
//! | `ProvidersV2Controller_shareToCredCommittee` | 204 with a JSON body (`drop_body_of_204`) | `()` |
//! | `FlagsController_deactivateFlag`, `activateFlag`, `markRead`, `markUnread` | 200 and 201, both without a body | `()`; `.send_with_response()?.status()` tells which |
//! | `FlagsController_markProviderReviewedAndApproved` | 201 and 204, both without a body | `()`; `.send_with_response()?.status()` tells which |
//! | every operation | error responses, mostly without a schema (`record_and_drop_error_responses`) | `Error::Api` with status, parsed body, raw body, request id |

mod bulk;
mod upload;

pub use crate::error::{ItemFailure, PartialFailure};
pub use bulk::BulkOutcome;
pub use upload::Upload;

use crate::decode::Decode;
use crate::encode::Encode;
use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::error::Error;
use crate::inner::Inner;
use crate::outcome::{error_from_response, from_progenitor, BufferedBody};
use crate::response::Response;

/// One request of a hand-written operation, built by its generated builder
/// and sent through the client's hooks (`C` is the generated client).
pub(crate) struct Call<'a, C> {
    client: &'a C,
    operation: &'static str,
    request: reqwest::RequestBuilder,
}

impl<'a, C: ClientHooks<Inner> + ClientInfo<Inner> + Sync> Call<'a, C> {
    /// A request to `path` (relative to the base URL, already encoded).
    pub(crate) fn new(client: &'a C, operation: &'static str, method: Method, path: &str) -> Self {
        let request = client
            .client()
            .request(method, format!("{}{path}", client.baseurl()));
        Call {
            client,
            operation,
            request,
        }
    }

    /// With a JSON body.
    pub(crate) fn json<B: Encode + ?Sized>(mut self, body: &B) -> Self {
        self.request = self
            .request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(crate::encode::to_vec(body));
        self
    }

    /// With a multipart/form-data body (streamed: sent once, never retried).
    pub(crate) fn multipart(mut self, form: reqwest::multipart::Form) -> Self {
        self.request = self.request.multipart(form);
        self
    }

    /// Sends through the hooks; any status but a 2xx becomes an [`Error`].
    async fn send(self) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
        let Call {
            client,
            operation,
            request,
        } = self;
        let mut request = request
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let info = OperationInfo {
            operation_id: operation,
        };
        client
            .pre::<()>(&mut request, &info)
            .await
            .map_err(from_progenitor)?;
        let response = client
            .exec(request, &info)
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status();
        if !status.is_success() {
            return Err(error_from_response(response));
        }
        let headers = response.headers().clone();
        let body = match response.extensions().get::<BufferedBody>() {
            Some(buffered) => buffered.body.clone(),
            None => response.bytes().await.map_err(Error::from_reqwest)?,
        };
        Ok((status, headers, body))
    }

    /// A bulk operation whose success has no body: 207 is a partial failure.
    pub(crate) async fn bulk(self) -> Result<Response<BulkOutcome>, Error> {
        let (status, headers, body) = self.send().await?;
        let outcome = bulk_outcome(status, body, |_| Ok(()))?;
        Ok(Response::new(status, headers, outcome))
    }

    /// A bulk operation whose success returns `T`: 207 is a partial failure.
    pub(crate) async fn bulk_decoded<T: Decode>(self) -> Result<Response<BulkOutcome<T>>, Error> {
        let (status, headers, body) = self.send().await?;
        let outcome = bulk_outcome(status, body, |body| decode(status, body))?;
        Ok(Response::new(status, headers, outcome))
    }

    /// An operation whose successes carry no body the caller needs (uploads).
    pub(crate) async fn empty(self) -> Result<Response<()>, Error> {
        let (status, headers, _) = self.send().await?;
        Ok(Response::new(status, headers, ()))
    }

    /// An operation with one success that has a body `T` and one that has
    /// none: `Some` when a body came, `None` for the bodiless one.
    pub(crate) async fn optional_body<T: Decode>(self) -> Result<Response<Option<T>>, Error> {
        let (status, headers, body) = self.send().await?;
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(decode(status, body)?)
        };
        Ok(Response::new(status, headers, value))
    }
}

fn bulk_outcome<T>(
    status: StatusCode,
    body: Bytes,
    value: impl FnOnce(Bytes) -> Result<T, Error>,
) -> Result<BulkOutcome<T>, Error> {
    if status == StatusCode::MULTI_STATUS {
        return Ok(BulkOutcome::Partial(bulk::parse_multi_status(
            status, body,
        )?));
    }
    Ok(BulkOutcome::AllSucceeded {
        status,
        value: value(body)?,
    })
}

fn decode<T: Decode>(status: StatusCode, body: Bytes) -> Result<T, Error> {
    match crate::decode::from_slice(&body) {
        Ok(value) => Ok(value),
        Err(e) => Err(e.into_error(Some(status), body)),
    }
}

/// A required argument the caller did not give.
pub(crate) fn missing(operation: &str, argument: &str) -> Error {
    Error::InvalidRequest(format!("{operation}: `{argument}` is required"))
}

/// A path segment from a caller's value (`/`, `?`, `#`, spaces… escaped).
pub(crate) fn segment(value: &str) -> String {
    progenitor_client::encode_path(value)
}
