//! Rust client for the [CertifyOS API](https://docs.certifyos.com/reference/application/api):
//! healthcare provider credentialing — providers, facilities, credentialing
//! workflows, flags and webhooks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), certifyos::Error> {
//! use certifyos::{Client, Environment};
//!
//! let client = Client::builder()
//!     .environment(Environment::Staging)
//!     .organization_id("org_123")
//!     .client_credentials("my-client-id", "my-client-secret")
//!     .build()?;
//! for webhook in client.webhooks_fetch_all().send().await?.into_inner() {
//!     println!("{} → {:?}", webhook.url, webhook.event_types);
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Client`]: one builder-style method per operation, generated from
//!   CertifyOS's OpenAPI document (`cargo xtask codegen`). The client adds the
//!   `organization-id` header and a bearer token to every request, fetches and
//!   renews tokens, retries transient failures and traces each request.
//! - [`types`]: request and response types. String enums that CertifyOS
//!   extends (such as [`types::EventType`]) keep values they do not know.
//! - [`Error`]: the one error type; `?` converts what generated methods return.
//! - [`operations::OPERATIONS`]: every operation of the document and how this
//!   crate exposes it.

#![warn(missing_docs)]

/// The progenitor client, generated: never edit `generated/` by hand.
#[allow(missing_docs)] // what the document leaves undocumented stays so in the generated code
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask codegen`
#[path = "../generated/sdk.rs"]
mod sdk;

mod auth;
mod config;
mod error;
pub mod extras;
pub mod operations;
mod retry;
mod transport;

pub use config::{env, ClientBuilder, Environment};
pub use error::{ApiError, Error, Result};
/// The error generated methods return; `?` converts it into [`Error`].
pub use progenitor_client::Error as GeneratedError;
pub use retry::RetryPolicy;
pub use sdk::*;
pub use transport::Inner;
