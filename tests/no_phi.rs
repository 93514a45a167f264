//! Nothing identifying leaves through errors or logs. Markers for a
//! provider's name, an NPI, an SSN, a client secret and a webhook header
//! value are put in requests (query strings, credentials) and responses
//! (bodies of errors, of successes that do not decode, of 207s, of the
//! token endpoint); every error path is driven, each error formatted with
//! `{}`, `{:?}`, `{:#?}` and along its `source()` chain, with every tracing
//! event and span captured at TRACE; no marker may appear anywhere.
//!
//! A test binary of its own: it installs a tracing subscriber, and tracing
//! registers callsites process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use certifyos::{Client, Error};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NAME: &str = "Zelda Quixotic";
const NPI: &str = "1234567893";
const SSN: &str = "987-65-4321";
const SECRET: &str = "sek-FROBOZZ-secret";
const HEADER_VALUE: &str = "hv-PLUGH-value";
const MARKERS: &[&str] = &[NAME, "Zelda", "Quixotic", NPI, SSN, SECRET, HEADER_VALUE];

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A body carrying every marker in fields that are not CertifyOS's
/// `message`/`errors` (those are the server's words, kept on purpose).
fn marked_body() -> serde_json::Value {
    json!({
        "statusCode": 400,
        "provider": {"name": NAME, "npi": NPI, "ssn": SSN},
        "oauth_configuration": {"client_id": "c", "client_secret": SECRET},
        "headers": {"x-hook": HEADER_VALUE},
    })
}

/// Every way `error` can be printed: Display, Debug, pretty Debug, and the
/// same for each cause.
fn renderings(error: &Error) -> Vec<String> {
    let mut out = vec![
        format!("{error}"),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        out.push(format!("{cause}"));
        out.push(format!("{cause:?}"));
        next = cause.source();
    }
    out
}

fn client(base_url: &str) -> certifyos::ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .organization_id("org_1")
        .bearer_token("token-1")
        .retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

/// A list call whose query carries a name and an NPI, by a client from
/// `builder`: the error it ends with.
async fn marked_list_call(builder: certifyos::ClientBuilder) -> Error {
    builder
        .build()
        .unwrap()
        .credentialing_workflows_find_all()
        .name(NAME)
        .provider_npi(NPI)
        .send()
        .await
        .unwrap_err()
}

/// A server whose list route answers `status` after 5 s.
async fn slow_list_server(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(ResponseTemplate::new(status).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    server
}

/// The paths, each a name and the error it ended with.
async fn drive_every_error_path() -> Vec<(&'static str, Error)> {
    let mut errors = Vec::new();

    // Connection refused, on a list call whose query carries a name and an NPI.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = marked_list_call(client(&refused)).await;
    errors.push(("connection refused", error));

    // A timeout on the same call.
    let server = slow_list_server(200).await;
    let error = marked_list_call(client(&server.uri()).timeout(Duration::from_millis(100))).await;
    errors.push(("timeout", error));

    // 4xx and 5xx (retried) with marked bodies.
    for (status, route) in [(400, "/v2/webhooks"), (503, "/flags/flag-1/activate")] {
        let server = MockServer::start().await;
        Mock::given(path(route))
            .respond_with(ResponseTemplate::new(status).set_body_json(marked_body()))
            .mount(&server)
            .await;
        let client = client(&server.uri()).build().unwrap();
        let error = if status == 400 {
            client.webhooks_fetch_all().send().await.map(|_| ())
        } else {
            client
                .flags_activate_flag()
                .id("flag-1")
                .send()
                .await
                .map(|_| ())
        }
        .unwrap_err();
        errors.push((if status == 400 { "4xx" } else { "5xx" }, error));
    }

    // A success whose body does not decode: a marker where a list belongs,
    // a webhook's secret and header value beside it.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "id": "wh_1",
            "organization_id": "org_1",
            "url": "https://example.test/hook",
            "event_types": SSN,
            "created_at": "2026-01-01T00:00:00Z",
            "headers": {"x-hook": HEADER_VALUE},
            "oauth_configuration": {"client_id": "c", "client_secret": SECRET, "token_url": "https://t.test"},
        }])))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .build()
        .unwrap()
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    errors.push(("decode", error));

    // A 207 whose items carry the markers.
    let server = MockServer::start().await;
    Mock::given(path("/v2/providers/terminate-providers"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!([
            {"providerId": "p1", "reason": "terminated", "name": NAME, "npi": NPI, "ssn": SSN},
        ])))
        .mount(&server)
        .await;
    let body: certifyos::types::TerminateProviderV2Dto = serde_json::from_value(
        json!({"provider_ids": ["p1"], "reason": "r", "filters": {"limit": 10, "offset": 0}}),
    )
    .unwrap();
    let error = client(&server.uri())
        .build()
        .unwrap()
        .providers_v2_terminate()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap_err();
    errors.push(("207", error));

    // A body over the size limit, on a list call with a name and an NPI.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [marked_body(), marked_body(), marked_body()], "count": 3
        })))
        .mount(&server)
        .await;
    let error = marked_list_call(client(&server.uri()).max_response_bytes(64)).await;
    errors.push(("oversize", error));

    // Paging: a server repeating its page of marked items, then one that
    // never ends, each streamed with a name and an NPI as filters.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": NPI, "name": NAME}], "count": 1_000_000
        })))
        .mount(&server)
        .await;
    for (name, max_pages) in [("paging stalled", 100), ("too many pages", 1)] {
        use futures_util::StreamExt;
        let client = client(&server.uri()).max_pages(max_pages).build().unwrap();
        let stream = client
            .credentialing_workflows_find_all()
            .name(NAME)
            .provider_npi(NPI)
            .page_size(1)
            .stream();
        let last = stream.collect::<Vec<_>>().await.pop().unwrap();
        errors.push((name, last.unwrap_err()));
    }

    // A call past its deadline, with a name and an NPI in its query.
    let server = slow_list_server(503).await;
    let error = marked_list_call(client(&server.uri()).deadline(Duration::from_millis(100))).await;
    errors.push(("deadline", error));

    // The token endpoint failing with the client secret echoed in its body,
    // and refusing the credentials likewise.
    for status in [500, 401] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth-tokens/v2/api"))
            .respond_with(ResponseTemplate::new(status).set_body_json(
                json!({"detail": format!("client_secret={SECRET} for {NAME}"), "npi": NPI}),
            ))
            .mount(&server)
            .await;
        let error = marked_list_call(
            Client::builder()
                .base_url(server.uri())
                .organization_id("org_1")
                .client_credentials("client-1", SECRET)
                .retries(1)
                .retry_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .await;
        errors.push((
            if status == 500 {
                "token 5xx"
            } else {
                "token 401"
            },
            error,
        ));
    }
    errors
}

#[tokio::test(flavor = "current_thread")]
async fn no_error_path_prints_a_marker_in_errors_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let errors = drive_every_error_path().await;
    assert_eq!(errors.len(), 12);
    let mut leaks = Vec::new();
    for (name, error) in &errors {
        for text in renderings(error) {
            for marker in MARKERS {
                if text.contains(marker) {
                    leaks.push(format!("{name}: {marker:?} in {text}"));
                }
            }
        }
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The logs saw the calls (retries included), so their silence means something.
    assert!(logs.contains("retrying"), "{logs}");
    assert!(
        logs.contains("credentialing_workflows_find_all")
            || logs.contains("CredentialingWorkflows"),
        "{logs}"
    );
    for marker in MARKERS {
        if logs.contains(marker) {
            leaks.push(format!("logs: {marker:?}"));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));

    // What debugging needs is still there.
    let by_name = |n: &str| &errors.iter().find(|(name, _)| *name == n).unwrap().1;
    assert!(by_name("connection refused")
        .to_string()
        .starts_with("transport: "));
    assert!(matches!(by_name("timeout"), Error::Timeout(_)));
    assert_eq!(by_name("4xx").status().map(|s| s.as_u16()), Some(400));
    assert_eq!(by_name("5xx").status().map(|s| s.as_u16()), Some(503));
    match by_name("decode") {
        Error::Decode {
            path, reason, body, ..
        } => {
            assert_eq!(path, "/0/event_types");
            assert!(
                reason.starts_with("invalid type: string, expected a sequence"),
                "{reason}"
            );
            // The body on purpose, through its accessor.
            assert!(String::from_utf8_lossy(body.as_bytes()).contains(SSN));
        }
        other => panic!("{other:?}"),
    }
    match by_name("207") {
        Error::PartialFailure(partial) => {
            assert_eq!(partial.failures[0].id.as_deref(), Some("p1"));
            assert_eq!(partial.failures[0].raw.value()["npi"], NPI);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(by_name("token 5xx").status().map(|s| s.as_u16()), Some(500));
    assert!(matches!(by_name("token 401"), Error::Auth { .. }));
    assert!(matches!(
        by_name("oversize"),
        Error::ResponseTooLarge { limit: 64, .. }
    ));
    assert!(matches!(
        by_name("paging stalled"),
        Error::PagingStalled { offset: 1 }
    ));
    assert!(matches!(
        by_name("too many pages"),
        Error::TooManyPages { max_pages: 1 }
    ));
    assert!(matches!(
        by_name("deadline"),
        Error::DeadlineExceeded { .. }
    ));

    bodies_in_errors_shows_bodies_with_the_secrets_redacted().await;
}

/// The opt-in: a 4xx's body in `Display`, its content shown but the
/// document's secret properties (the client secret, the webhook header
/// values) still redacted. Called by the one test of this binary: a second
/// test on another thread could register the client's span callsite while
/// no subscriber is set, and the first would then record no span.
async fn bodies_in_errors_shows_bodies_with_the_secrets_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(400).set_body_json(marked_body()))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .bodies_in_errors(true)
        .build()
        .unwrap()
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    for text in renderings(&error) {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(HEADER_VALUE), "{text}");
    }
    let shown = error.to_string();
    assert!(shown.contains(NPI) && shown.contains(NAME), "{shown}");
    assert!(shown.contains(r#""client_secret":"[redacted]""#), "{shown}");
    // Off (the default), the same response shows neither.
    let error = client(&server.uri())
        .build()
        .unwrap()
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    assert!(!error.to_string().contains(NPI), "{error}");
}
