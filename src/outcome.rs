//! From a response (or progenitor's result) to what an operation returns:
//! the decoded body with its status and headers, or the crate's [`Error`].
//! Shared by the generated methods and the hand-written ones; the transport
//! attaches what it needs (the buffered body, a carried facade error) to the
//! response's extensions.

use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::FutureExt;
use reqwest::{Response, StatusCode};

use crate::error::{ApiError, Error};
use crate::response::Response as ApiResponse;

/// The body of a buffered response and the operation it answered, carried in
/// the response's extensions so that converting progenitor's error into
/// [`Error`] needs no I/O.
#[derive(Clone)]
pub(crate) struct BufferedBody {
    pub(crate) operation: &'static str,
    pub(crate) body: Bytes,
    /// With [`crate::ClientBuilder::bodies_in_errors`]: the secret property
    /// names to redact from the body an error shows.
    pub(crate) shown_in_errors: Option<&'static [&'static str]>,
}

/// A facade failure (the token endpoint refused, could not be reached, or
/// failed) carried through progenitor, which only lets `exec` return a
/// response or a `reqwest::Error`. Taken out once, when the call's result is
/// converted into [`Error`].
#[derive(Clone)]
pub(crate) struct CarriedError(Arc<Mutex<Option<Error>>>);

/// A stand-in response that carries `error` to [`error_from_response`].
/// Its status is one no operation declares as success.
pub(crate) fn carry(error: Error) -> Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
        .extensions_mut()
        .insert(CarriedError(Arc::new(Mutex::new(Some(error)))));
    Response::from(response)
}

/// Whether `response` is a stand-in made by [`carry`].
pub(crate) fn is_carried(response: &Response) -> bool {
    response.extensions().get::<CarriedError>().is_some()
}

/// A response outside the operation's successes → [`Error`], from what
/// the transport attached: the carried facade error, or the buffered body.
pub(crate) fn error_from_response(response: Response) -> Error {
    if let Some(CarriedError(carried)) = response.extensions().get::<CarriedError>() {
        if let Some(error) = carried.lock().ok().and_then(|mut e| e.take()) {
            return error;
        }
    }
    let (operation, body, shown) = match response.extensions().get::<BufferedBody>() {
        Some(buffered) => (
            Some(buffered.operation),
            buffered.body.clone(),
            buffered.shown_in_errors,
        ),
        None => (None, Bytes::new(), None),
    };
    let mut error = ApiError::new(response.status(), response.headers(), body, operation);
    if let Some(secrets) = shown {
        error.shown_body = Some(crate::redact::body_text(error.body.as_bytes(), secrets));
    }
    Error::Api(Box::new(error))
}

/// `send()` of every builder: `send_with_response()` without the status
/// and headers.
pub(crate) fn into_body<T>(
    response: impl Future<Output = crate::Result<ApiResponse<T>>>,
) -> impl Future<Output = crate::Result<T>> {
    response.map(|result| result.map(ApiResponse::into_inner))
}

/// A success's body, undecoded, for [`finish_decoded`] to decode. The
/// transport buffered it already.
pub(crate) async fn body(
    response: Response,
) -> Result<progenitor_client::ResponseValue<Bytes>, progenitor_client::Error<()>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = match response.extensions().get::<BufferedBody>() {
        Some(buffered) => buffered.body.clone(),
        None => response
            .bytes()
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?,
    };
    Ok(progenitor_client::ResponseValue::new(body, status, headers))
}

/// What `Client::send_operation` returned → the decoded body with status and headers,
/// or [`Error`]: a body that does not match is [`Error::Decode`] with the
/// decoder's JSON pointer (`crate::decode`).
pub(crate) fn finish_decoded<T: crate::decode::Decode>(
    result: Result<progenitor_client::ResponseValue<Bytes>, progenitor_client::Error<()>>,
) -> crate::Result<ApiResponse<T>> {
    let (status, headers, body) = parts(result)?;
    match crate::decode::from_slice::<T>(&body) {
        Ok(decoded) => Ok(ApiResponse::new(status, headers, decoded)),
        Err(e) => Err(e.into_error(Some(status), body)),
    }
}

/// Like [`finish_decoded`], for an operation whose successes have no body.
// A build of tags that have none (no tag at all) leaves it unused.
#[cfg_attr(not(feature = "default"), allow(dead_code))]
pub(crate) fn finish_empty(
    result: Result<progenitor_client::ResponseValue<Bytes>, progenitor_client::Error<()>>,
) -> crate::Result<ApiResponse<()>> {
    let (status, headers, _) = parts(result)?;
    Ok(ApiResponse::new(status, headers, ()))
}

/// A success's status, headers and body, or progenitor's error as [`Error`].
fn parts(
    result: Result<progenitor_client::ResponseValue<Bytes>, progenitor_client::Error<()>>,
) -> crate::Result<(StatusCode, reqwest::header::HeaderMap, Bytes)> {
    let value = result.map_err(from_progenitor)?;
    let status = value.status();
    let headers = value.headers().clone();
    Ok((status, headers, value.into_inner()))
}

/// progenitor's error → [`Error`]. Statuses are never declared as errors
/// (`record_and_drop_error_responses`), so every non-success arrives as
/// `UnexpectedResponse`, with the body the transport buffered.
pub(crate) fn from_progenitor(e: progenitor_client::Error<()>) -> Error {
    use progenitor_client::Error as P;
    match e {
        P::InvalidRequest(message) => Error::InvalidRequest(message),
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
            Error::from_reqwest(e)
        }
        // Only for error statuses the document declares with a body type;
        // `record_and_drop_error_responses` removes them all, so this arm is
        // unreachable by construction. It maps as any error status would.
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

/// The body, read chunk by chunk while it stays within `limit` bytes
/// (`None` past it). The buffer grows by doubling but never past `limit`,
/// so reading holds at most `limit` bytes of capacity.
pub(crate) async fn read_capped(
    mut response: Response,
    limit: u64,
) -> reqwest::Result<Option<bytes::Bytes>> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Ok(None);
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    // What the server announces is reserved up to 1 MiB: a claimed length
    // is not yet a body, and the rest grows as it arrives.
    let announced = response.content_length().unwrap_or(0);
    let capacity = usize::try_from(announced)
        .unwrap_or(usize::MAX)
        .min(limit)
        .min(1 << 20);
    let mut body: Vec<u8> = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await? {
        let needed = body.len().saturating_add(chunk.len());
        if needed > limit {
            return Ok(None);
        }
        if needed > body.capacity() {
            let grown = body.capacity().saturating_mul(2).max(needed).min(limit);
            body.reserve_exact(grown - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(bytes::Bytes::from(body)))
}
