//! What a successful call returns when the caller wants more than the body.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// A decoded success with its status and headers: what every operation's
/// `send_with_response()` returns (`send()` returns the body alone).
///
/// ```no_run
/// # async fn demo(client: certifyos::Client) -> certifyos::Result<()> {
/// let response = client.flags_activate_flag().id("flag-1").send_with_response().await?;
/// println!("{} (request id {:?})", response.status(), response.request_id());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Response<T> {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The success status (operations that declare several, e.g. 200 and
    /// 201, tell here which one came).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id CertifyOS sent back (`x-request-id`, `x-correlation-id`
    /// or `x-cloud-trace-context`), for CertifyOS support.
    pub fn request_id(&self) -> Option<&str> {
        crate::error::request_id(&self.headers)
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, taken out.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The same response with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}
