//! What progenitor cannot express, written by hand: the 207 outcome of bulk
//! operations, multipart parts, and an operation with two different
//! successes.
//!
//! The plumbing of those operations — method name, builder, path, parameter
//! and body types — is generated like every other operation's (the builders
//! are in `certifyos::builder`); their `send()` ends here. They go through the
//! same hooks as every generated method (organization-id, Authorization,
//! retries, tracing, buffered error bodies), so they behave the same way.

mod bulk;
mod upload;

pub use crate::error::{ItemFailure, PartialFailure};
pub use bulk::BulkOutcome;
pub use upload::Upload;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

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
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.request = self.request.json(body);
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
    pub(crate) async fn bulk_decoded<T: DeserializeOwned>(
        self,
    ) -> Result<Response<BulkOutcome<T>>, Error> {
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
    pub(crate) async fn optional_body<T: DeserializeOwned>(
        self,
    ) -> Result<Response<Option<T>>, Error> {
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

fn decode<T: DeserializeOwned>(status: StatusCode, body: Bytes) -> Result<T, Error> {
    serde_json::from_slice(&body).map_err(|e| Error::decode(Some(status), body, e))
}

/// A required argument the caller did not give.
pub(crate) fn missing(operation: &str, argument: &str) -> Error {
    Error::InvalidRequest(format!("{operation}: `{argument}` is required"))
}

/// A path segment from a caller's value (`/`, `?`, `#`, spaces… escaped).
pub(crate) fn segment(value: &str) -> String {
    progenitor_client::encode_path(value)
}
