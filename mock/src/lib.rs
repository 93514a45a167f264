//! Typed mocks of the CertifyOS API, for testing code built on [`certifyos`]
//! without calling CertifyOS.
//!
//! [`start`] runs a local [`httpmock`] server that already answers the token
//! endpoint, and hands out [`certifyos::Client`]s pointed at it. Expectations
//! are set per operation, with the client's own types:
//!
//! ```
//! use certifyos::types::{CreateWebhooksDto, EventType};
//! use certifyos_mock::MockServerExt;
//! use serde_json::json;
//!
//! // The code under test: registers a webhook through the client it is given.
//! async fn register(client: &certifyos::Client, url: &str) -> certifyos::Result<String> {
//!     let body = CreateWebhooksDto::builder().url(url).event_types(vec![EventType::PsvCompleted]);
//!     Ok(client.webhooks_create().body(body).send().await?.id)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> certifyos::Result<()> {
//! let mock = certifyos_mock::start().await;
//! let expected: CreateWebhooksDto = CreateWebhooksDto::builder()
//!     .url("https://example.com/hook")
//!     .event_types(vec![EventType::PsvCompleted])
//!     .try_into()
//!     .unwrap();
//! let created = mock.webhooks_create(|when, then| {
//!     when.body(&expected);
//!     then.created(&certifyos_mock::from_json(json!({"id": "wh_1"})));
//! });
//! assert_eq!(register(&mock.client(), "https://example.com/hook").await?, "wh_1");
//! created.assert_async().await;
//!
//! // An error status reaches the code under test as certifyos::Error::Api.
//! mock.webhooks_fetch_all(|_, then| {
//!     then.error(403, json!({"message": "Forbidden resource"}));
//! });
//! let error = mock.client().webhooks_fetch_all().send().await.unwrap_err();
//! assert!(matches!(error, certifyos::Error::Api(ref api) if api.status == 403));
//! # Ok(()) }
//! ```
//!
//! - One method per operation of the document ([`MockServerExt`], generated
//!   by `cargo xtask codegen` with progenitor's httpmock generator, and in the
//!   same shape for the operations the client implements by hand). Its
//!   `when` matches the method and path, and has a setter per parameter and
//!   `body(..)`; its `then` has a method per documented success status
//!   (`ok`, `created`, `multi_status`…) taking the response type, and
//!   `error(status, json)` for any other answer.
//! - `when.into_inner()` / `then.into_inner()` give httpmock's own `When` and
//!   `Then`, for whatever the typed setters do not cover.
//! - The clients [`MockCertifyOs::client`] builds do not retry, so an error
//!   status reaches the code under test at once as
//!   [`certifyos::Error::Api`]; [`MockCertifyOs::client_builder`] starts from
//!   the same settings for anything else.
//! - The generated structs are `#[non_exhaustive]` (a property CertifyOS
//!   adds is then a compatible release): a request value comes from its
//!   builder, a response value from the JSON the server would send,
//!   [`from_json`].
//! - Add the crate as a dev-dependency only (until both crates are on
//!   crates.io, as a path or git dependency):
//!   `certifyos-mock = "0.1"` under `[dev-dependencies]`.

use std::ops::Deref;

use certifyos::types::AccessTokenV2ResponseDto;
use httpmock::MockServer;

#[allow(missing_docs, clippy::to_string_in_format_args)]
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask codegen`
#[path = "../generated/mock.rs"]
mod generated;

pub use generated::{operations, MockServerExt};
pub use httpmock;

/// The organization the mock's clients send in `organization-id`.
pub const ORGANIZATION_ID: &str = "org_mock";
/// The client id the mock's clients sign in with.
pub const CLIENT_ID: &str = "mock-client-id";
/// The access token the mock's token endpoint issues (not a JWT: the client
/// then keeps it for CertifyOS's documented 24 hours).
pub const ACCESS_TOKEN: &str = "mock-access-token";
const CLIENT_SECRET: &str = "mock-client-secret";

/// A running mock of the CertifyOS API; derefs to httpmock's
/// [`MockServer`], where [`MockServerExt`] adds the typed expectations.
pub struct MockCertifyOs {
    server: MockServer,
}

impl std::fmt::Debug for MockCertifyOs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockCertifyOs")
            .field("base_url", &self.base_url())
            .finish()
    }
}

/// Starts a mock on a free local port, answering the token endpoint
/// (`POST /auth-tokens/v2/api`) with [`ACCESS_TOKEN`]. Every mock server is
/// reset when dropped, so tests running in parallel each have their own.
pub async fn start() -> MockCertifyOs {
    let server = MockServer::start_async().await;
    server.auth_tokens_create_api_token(|_, then| {
        then.created(&from_json::<AccessTokenV2ResponseDto>(serde_json::json!({
            "access_token": ACCESS_TOKEN,
        })));
    });
    MockCertifyOs { server }
}

/// A response value for a mock, from the JSON CertifyOS would send.
///
/// The generated structs are `#[non_exhaustive]` (a property CertifyOS adds
/// is then a compatible release), so a test cannot write a struct literal;
/// request types have builders, and a response is made from its JSON, which
/// is also what the server sends. Panics, naming the type and serde's
/// reason, when the JSON is not a `T`: a mistake in the test itself.
///
/// ```
/// use certifyos::types::CreateWebhookResponseDto;
///
/// let created: CreateWebhookResponseDto = certifyos_mock::from_json(serde_json::json!({"id": "wh_1"}));
/// assert_eq!(created.id, "wh_1");
/// ```
#[track_caller]
pub fn from_json<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> T {
    match serde_json::from_value(json) {
        Ok(value) => value,
        Err(e) => panic!(
            "certifyos_mock::from_json: not a {}: {e}",
            std::any::type_name::<T>()
        ),
    }
}

impl MockCertifyOs {
    /// The mock's base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A client builder with the mock's URL, [`ORGANIZATION_ID`], client
    /// credentials the token endpoint accepts, and no retries.
    pub fn client_builder(&self) -> certifyos::ClientBuilder {
        certifyos::Client::builder()
            .base_url(self.base_url())
            .organization_id(ORGANIZATION_ID)
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .retries(0)
    }

    /// A client of the mock (see [`MockCertifyOs::client_builder`]).
    pub fn client(&self) -> certifyos::Client {
        self.client_builder()
            .build()
            .expect("the mock's client settings are valid")
    }
}

impl Deref for MockCertifyOs {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}
