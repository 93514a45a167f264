//! What every request goes through, between the generated method and the
//! network: organization-id, Authorization, retries, 401 refresh, tracing,
//! and buffering the body so no error response is lost.
//!
//! progenitor's seam is [`ClientHooks`]: `pre` edits the request, `exec`
//! sends it.

use std::future::Future;
use std::time::Instant;

use bytes::Bytes;
use futures_util::FutureExt;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::TOKEN_OPERATION;
use crate::inner::Inner;
// The tenant header, as codegen found it in the document.
use crate::names::TENANT_HEADER;
use crate::outcome::{self, carry, is_carried, read_capped, BufferedBody};
use crate::response::Response as ApiResponse;
use crate::retry;
use crate::Client;

/// progenitor sends `api-version: <info.version>`; the document has no version
/// (normalization writes `unversioned`), so the header says nothing.
const API_VERSION: &str = "api-version";

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        if info.operation_id != TOKEN_OPERATION {
            headers.insert(TENANT_HEADER, self.inner.organization_id.clone());
        }
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "certifyos.request",
            operation = info.operation_id,
            method = %request.method(),
            // The template (`/flags/{id}/activate`), not the path with its ids.
            path = crate::operations::by_rust_name(info.operation_id).map_or("", |o| o.path),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let operation = info.operation_id;
        let deadline = self.inner().deadline;
        let ends = tokio::time::Instant::now() + deadline;
        let call = send(self, request, operation, ends);
        match tokio::time::timeout_at(ends, call).instrument(span).await {
            Ok(outcome) => outcome,
            Err(_) => Ok(carry(crate::Error::DeadlineExceeded {
                operation: Some(operation),
                deadline,
            })),
        }
    }
}

impl Client {
    /// progenitor's hooks around one request, in the order its `send`
    /// awaits them (`pre`, `exec`, `post`): every generated operation awaits
    /// this one function instead of three futures of its own.
    pub(crate) async fn exchange(
        &self,
        mut request: Request,
        operation_id: &'static str,
    ) -> Result<Response, progenitor_client::Error<()>> {
        let info = OperationInfo { operation_id };
        self.pre(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post(&result, &info).await?;
        Ok(result?)
    }

    /// Sends a generated operation's request (what its builder's `request`
    /// built, or why it could not) through [`Client::exchange`]: a status
    /// outside the operation's `successes` is `UnexpectedResponse`, as
    /// progenitor's own match makes it, and a success's body is read
    /// (`read_body`) or not. One function for every operation: the
    /// generated builders build their request synchronously and await
    /// nothing of their own. The futures below wrap this one with `map`,
    /// not in an `async fn` of their own, which would hold it twice (its
    /// argument and its state).
    async fn send_operation(
        &self,
        request: Result<Request, progenitor_client::Error<()>>,
        operation: &'static str,
        successes: &'static [u16],
        read_body: bool,
    ) -> Result<progenitor_client::ResponseValue<Bytes>, progenitor_client::Error<()>> {
        let response = self.exchange(request?, operation).await?;
        if !successes.contains(&response.status().as_u16()) {
            return Err(progenitor_client::Error::UnexpectedResponse(response));
        }
        if read_body {
            outcome::body(response).await
        } else {
            let headers = response.headers().clone();
            Ok(progenitor_client::ResponseValue::new(
                Bytes::new(),
                response.status(),
                headers,
            ))
        }
    }

    /// A generated operation whose success has a body: sent, and the body
    /// decoded by its generated decoder.
    pub(crate) fn send_decoded<'a, T: crate::decode::Decode + 'a>(
        &'a self,
        request: Result<Request, progenitor_client::Error<()>>,
        operation: &'static str,
        successes: &'static [u16],
    ) -> impl Future<Output = crate::Result<ApiResponse<T>>> + Send + 'a {
        self.send_operation(request, operation, successes, true)
            .map(outcome::finish_decoded::<T>)
    }

    /// A generated operation whose successes have no body.
    // A build of tags that have none (no tag at all) leaves it unused.
    #[cfg_attr(not(feature = "default"), allow(dead_code))]
    pub(crate) fn send_empty(
        &self,
        request: Result<Request, progenitor_client::Error<()>>,
        operation: &'static str,
        successes: &'static [u16],
    ) -> impl Future<Output = crate::Result<ApiResponse<()>>> + Send + '_ {
        self.send_operation(request, operation, successes, false)
            .map(outcome::finish_empty)
    }
}

/// Sends `request` until an attempt's outcome is final, reading each
/// response's body within the attempt: a body that fails mid-read is retried
/// as a failed request would be. A wait that would end after `deadline` is
/// not begun.
async fn send(
    client: &Client,
    request: Request,
    operation: &'static str,
    deadline: tokio::time::Instant,
) -> reqwest::Result<Response> {
    let inner = client.inner();
    let idempotent = retry::is_idempotent(request.method());
    let started = Instant::now();
    let mut delays = inner.retry.delays();
    let mut renewed = false;
    let mut attempt = 0u32;
    let mut pending = Some(request);
    loop {
        attempt += 1;
        let template = pending.take().expect("a request for every attempt");
        // A streamed body cannot be sent twice: such a request gets one attempt.
        let (mut this, next) = match template.try_clone() {
            Some(copy) => (copy, Some(template)),
            None => (template, None),
        };
        let authorization = if operation == TOKEN_OPERATION {
            None
        } else {
            match inner.tokens.authorization().await {
                Ok(header) => Some(header),
                Err(e) => return Ok(carry(e)),
            }
        };
        if let Some(header) = &authorization {
            this.headers_mut().insert(AUTHORIZATION, header.clone());
        }
        let outcome = match client.client().execute(this).await {
            Ok(response) => buffer(response, operation, inner).await,
            Err(e) => Err(e),
        };
        let span = tracing::Span::current();
        span.record("attempt", attempt);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let verdict = match &outcome {
            // Past the size limit: final, whatever the status.
            Ok(response) if is_carried(response) => return outcome,
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if response.status() == StatusCode::UNAUTHORIZED && !renewed && next.is_some() {
                    if let Some(rejected) = &authorization {
                        if let Some(renewal) = inner.tokens.renew_after_rejection(rejected).await {
                            if let Err(e) = renewal {
                                return Ok(carry(e));
                            }
                            tracing::debug!("401: token renewed, sending once more");
                            renewed = true;
                            pending = next;
                            continue;
                        }
                    }
                }
                inner
                    .retry
                    .after_response(idempotent, response.status(), response.headers())
            }
            Err(e) => retry::after_error(idempotent, e),
        };
        let wait = if next.is_some() {
            inner.retry.wait(verdict, delays.next())
        } else {
            None
        };
        match wait.filter(|wait| tokio::time::Instant::now() + *wait < deadline) {
            Some(wait) => {
                let attempted = match &outcome {
                    Ok(response) => retry::Attempted::Status(response.status()),
                    Err(e) => retry::Attempted::Failed(e),
                };
                retry::back_off(wait, attempted, "request").await;
                pending = next;
            }
            None => return outcome,
        }
    }
}

/// Reads the whole body, up to the client's limit, and hands progenitor an
/// equivalent response that also carries the body in its extensions (or,
/// past the limit, [`Error::ResponseTooLarge`](crate::Error)).
async fn buffer(
    response: Response,
    operation: &'static str,
    inner: &Inner,
) -> reqwest::Result<Response> {
    let limit = inner.max_response_bytes;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = match read_capped(response, limit).await? {
        Some(body) => body,
        None => {
            return Ok(carry(crate::Error::ResponseTooLarge {
                operation: Some(operation),
                limit,
            }))
        }
    };
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(BufferedBody {
        operation,
        body,
        shown_in_errors: inner
            .bodies_in_errors
            .then_some(crate::names::SECRET_PROPERTIES),
    });
    Ok(Response::from(rebuilt))
}
