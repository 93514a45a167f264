//! The operations progenitor cannot express, written by hand: multipart
//! uploads, bulk operations answering 207 Multi-Status, and an operation with
//! two different successes. `generated/operations.rs` lists them, and names
//! each of these methods so that a missing one fails to compile.
//!
//! They go through the same hooks as every generated method (organization-id,
//! Authorization, retries, tracing, buffered error bodies), so they behave the
//! same way.

mod bulk;
mod upload;
mod workflow;

pub use bulk::{BulkOutcome, ItemFailure, PartialFailure};
pub use upload::Upload;
pub use workflow::{CredentialingWorkflowCreated, CredentialingWorkflowRef};

use bytes::Bytes;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::{Method, Response, StatusCode};

use crate::error::Error;
use crate::transport::BufferedBody;
use crate::Client;

impl Client {
    /// A request to `path` (relative to the base URL), before the hooks.
    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.baseurl))
    }

    /// Sends a hand-built request through the same hooks as the generated
    /// methods; any status outside `success` becomes an [`Error`].
    pub(crate) async fn send_hand_written(
        &self,
        operation: &'static str,
        request: reqwest::RequestBuilder,
        success: impl Fn(StatusCode) -> bool,
    ) -> Result<(StatusCode, Bytes), Error> {
        let mut request = request
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let info = OperationInfo {
            operation_id: operation,
        };
        self.pre::<()>(&mut request, &info)
            .await
            .map_err(Error::from)?;
        let response: Response = self
            .exec(request, &info)
            .await
            .map_err(Error::from_reqwest)?;
        let status = response.status();
        if !success(status) {
            return Err(crate::transport::error_from_response(response));
        }
        let body = match response.extensions().get::<BufferedBody>() {
            Some(buffered) => buffered.body.clone(),
            None => response.bytes().await.map_err(Error::from_reqwest)?,
        };
        Ok((status, body))
    }
}

/// A path segment from a caller's value (`/`, `?`, `#`, spaces… escaped).
pub(crate) fn segment(value: &str) -> String {
    progenitor_client::encode_path(value)
}
