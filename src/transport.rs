//! What every request goes through, between the generated method and the
//! network: organization-id, Authorization, retries, 401 refresh, tracing,
//! and buffering the body so no error response is lost.
//!
//! progenitor's seam is [`ClientHooks`]: `pre` edits the request, `exec`
//! sends it.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::{TokenSource, TOKEN_OPERATION};
use crate::error::{ApiError, Error};
use crate::retry::{self, RetryPolicy};
use crate::Client;

const ORGANIZATION_ID: &str = "organization-id";
/// progenitor sends `api-version: <info.version>`; the document has no version
/// (normalization writes `unversioned`), so the header says nothing.
const API_VERSION: &str = "api-version";

/// The facade's state inside the generated [`Client`]: cheap to clone, shared
/// token cache, secrets redacted from `Debug`.
#[derive(Clone)]
pub struct Inner {
    pub(crate) organization_id: HeaderValue,
    pub(crate) tokens: Arc<TokenSource>,
    pub(crate) retry: RetryPolicy,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("organization_id", &self.organization_id)
            .field("tokens", &self.tokens)
            .field("retry", &self.retry)
            .finish()
    }
}

/// The body of a buffered response and the operation it answered, carried in
/// the response's extensions so that converting progenitor's error into
/// [`Error`] needs no I/O.
#[derive(Clone)]
pub(crate) struct BufferedBody {
    pub(crate) operation: &'static str,
    pub(crate) body: Bytes,
}

/// A facade failure (e.g. the token endpoint refused) carried through
/// progenitor, which only lets `exec` return a response or a `reqwest::Error`.
#[derive(Clone)]
pub(crate) struct CarriedAuthError {
    status: Option<StatusCode>,
    message: String,
}

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        if info.operation_id != TOKEN_OPERATION {
            headers.insert(ORGANIZATION_ID, self.inner.organization_id.clone());
        }
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "certifyos.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        send(self, request, info.operation_id)
            .instrument(span)
            .await
    }
}

async fn send(
    client: &Client,
    request: Request,
    operation: &'static str,
) -> reqwest::Result<Response> {
    let inner = client.inner();
    let method = request.method().clone();
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
        let outcome = client.client().execute(this).await;
        let span = tracing::Span::current();
        span.record("attempt", attempt);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let verdict = match &outcome {
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
                retry::after_response(&method, response.status(), response.headers())
            }
            Err(e) => retry::after_error(&method, e),
        };
        let wait = if next.is_some() {
            inner.retry.wait(verdict, delays.next())
        } else {
            None
        };
        match wait {
            Some(wait) => {
                match &outcome {
                    Ok(r) => tracing::warn!(
                        status = r.status().as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, wait_ms = wait.as_millis() as u64, "retrying")
                    }
                }
                tokio::time::sleep(wait).await;
                pending = next;
            }
            None => return buffer(outcome?, operation).await,
        }
    }
}

/// Reads the whole body and hands progenitor an equivalent response that
/// also carries the body in its extensions.
async fn buffer(response: Response, operation: &'static str) -> reqwest::Result<Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt
        .extensions_mut()
        .insert(BufferedBody { operation, body });
    Ok(Response::from(rebuilt))
}

fn carry(error: Error) -> Response {
    let (status, message) = match error {
        Error::Auth { status, message } => (status, message),
        other => (None, other.to_string()),
    };
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
        .extensions_mut()
        .insert(CarriedAuthError { status, message });
    Response::from(response)
}

/// progenitor's `UnexpectedResponse` → [`Error`], from what [`send`] attached.
pub(crate) fn error_from_response(response: Response) -> Error {
    if let Some(carried) = response.extensions().get::<CarriedAuthError>() {
        return Error::Auth {
            status: carried.status,
            message: carried.message.clone(),
        };
    }
    let (operation, body) = match response.extensions().get::<BufferedBody>() {
        Some(buffered) => (Some(buffered.operation), buffered.body.clone()),
        None => (None, Bytes::new()),
    };
    Error::Api(Box::new(ApiError::new(
        response.status(),
        response.headers(),
        body,
        operation,
    )))
}
