//! The facade's state inside the generated client.

use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::auth::TokenSource;
use crate::retry::RetryPolicy;

/// The facade's state inside the generated `Client`: cheap to clone, shared
/// token cache, secrets redacted from `Debug`.
#[derive(Clone)]
pub struct Inner {
    pub(crate) organization_id: HeaderValue,
    pub(crate) tokens: Arc<TokenSource>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) deadline: std::time::Duration,
    pub(crate) max_pages: u64,
    pub(crate) bodies_in_errors: bool,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("organization_id", &self.organization_id)
            .field("tokens", &self.tokens)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("deadline", &self.deadline)
            .field("max_pages", &self.max_pages)
            .field("bodies_in_errors", &self.bodies_in_errors)
            .finish()
    }
}
