//! What every request goes through, between the generated method and the
//! network: organization-id, Authorization, retries, 401 refresh, tracing,
//! and buffering the body so no error response is lost.
//!
//! progenitor's seam is [`ClientHooks`]: `pre` edits the request, `exec`
//! sends it.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::{TokenSource, TOKEN_OPERATION};
use crate::error::{ApiError, Error};
use crate::response::Response as ApiResponse;
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

/// A facade failure (the token endpoint refused, could not be reached, or
/// failed) carried through progenitor, which only lets `exec` return a
/// response or a `reqwest::Error`. Taken out once, when the call's result is
/// converted into [`Error`].
#[derive(Clone)]
pub(crate) struct CarriedError(Arc<Mutex<Option<Error>>>);

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
                retry::after_response(idempotent, response.status(), response.headers())
            }
            Err(e) => retry::after_error(idempotent, e),
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

/// A stand-in response that carries `error` to [`error_from_response`].
/// Its status is one no operation declares as success.
fn carry(error: Error) -> Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
        .extensions_mut()
        .insert(CarriedError(Arc::new(Mutex::new(Some(error)))));
    Response::from(response)
}

/// A response outside the operation's successes → [`Error`], from what
/// [`send`] attached: the carried facade error, or the buffered body.
pub(crate) fn error_from_response(response: Response) -> Error {
    if let Some(CarriedError(carried)) = response.extensions().get::<CarriedError>() {
        if let Some(error) = carried.lock().ok().and_then(|mut e| e.take()) {
            return error;
        }
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

/// What a generated method's progenitor half returned → what the public
/// method returns: the decoded body with status and headers, or [`Error`].
pub(crate) fn finish<T>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>>,
) -> crate::Result<ApiResponse<T>> {
    match result {
        Ok(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            Ok(ApiResponse::new(status, headers, value.into_inner()))
        }
        Err(e) => Err(from_progenitor(e)),
    }
}

/// progenitor's error → [`Error`]. Statuses are never declared as errors
/// (`record_and_drop_error_responses`), so every non-success arrives as
/// `UnexpectedResponse`, with the body [`send`] buffered.
pub(crate) fn from_progenitor(e: progenitor_client::Error<()>) -> Error {
    use progenitor_client::Error as P;
    match e {
        P::InvalidRequest(message) => Error::InvalidRequest(message),
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
            Error::from_reqwest(e)
        }
        P::ErrorResponse(response) => Error::Api(Box::new(ApiError::new(
            response.status(),
            response.headers(),
            Bytes::new(),
            None,
        ))),
        P::InvalidResponsePayload(body, cause) => Error::decode(None, body, cause),
        P::UnexpectedResponse(response) => error_from_response(response),
        // progenitor makes this only from a hook's own error; ours make none.
        P::Custom(message) => Error::InvalidRequest(message),
    }
}
