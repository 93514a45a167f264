//! One span per request, with what an operator needs and no secrets. A test
//! binary of its own: tracing registers callsites process-wide, and tests on
//! other threads of the same process could leave a span unrecorded.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

#[tokio::test(flavor = "current_thread")]
async fn each_request_is_a_span_with_operation_method_path_status_attempt_and_latency() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth-tokens/v2/api"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"access_token": "token-FROBOZZ"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let client = certifyos::Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .client_credentials("id-1", "secret-XYZZY")
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    client.webhooks_fetch_all().send().await.unwrap();
    // A path with an id: the span carries the template, not the id.
    Mock::given(method("PATCH"))
        .and(path("/flags/flag-id-PLUGH/activate"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    client
        .flags_activate_flag()
        .id("flag-id-PLUGH")
        .send()
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("path=\"/flags/{id}/activate\""),
        "the path template is logged:\n{logs}"
    );
    let closed = logs
        .lines()
        .find(|l| l.contains("certifyos.request") && l.contains("close"))
        .unwrap_or_else(|| panic!("no closed span in:\n{logs}"));
    for field in [
        "operation=\"webhooks_fetch_all\"",
        "method=GET",
        "path=\"/v2/webhooks\"",
        "status=200",
        "attempt=2",
        "latency_ms=",
    ] {
        assert!(closed.contains(field), "{field} missing from {closed}");
    }
    assert!(logs.contains("retrying"), "the retry is logged:\n{logs}");
    assert!(
        !logs.contains("FROBOZZ") && !logs.contains("XYZZY") && !logs.contains("PLUGH"),
        "a secret or an id was logged:\n{logs}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_post_is_retried_when_the_connection_was_never_made() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    // A port nothing listens on: every connection is refused, so the POST never reached a server.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = certifyos::Client::builder()
        .base_url(format!("http://{closed}"))
        .organization_id("org_1")
        .bearer_token("tok")
        .retries(2)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let body = certifyos::types::CreateWebhooksDto::builder()
        .url("https://example.test/hook")
        .event_types(vec![certifyos::types::EventType::ProviderCredApproved]);
    let error = client
        .webhooks_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, certifyos::Error::Transport(_)), "{error:?}");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        logs.matches("retrying").count(),
        2,
        "two retries after the first attempt:\n{logs}"
    );
}
