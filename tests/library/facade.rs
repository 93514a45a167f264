//! The facade against an in-process HTTP server: one behaviour per test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use certifyos::{Client, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "client-id-1";
const CLIENT_SECRET: &str = "client-secret-XYZZY";
const TOKEN_PATH: &str = "/auth-tokens/v2/api";

fn jwt(exp: u64, marker: &str) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.signature",
        engine.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        engine.encode(format!(r#"{{"sub":"{marker}","exp":{exp}}}"#))
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn token_response(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(serde_json::json!({ "access_token": token }))
}

async fn mount_token(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response(token))
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> Client {
    client_at(server.uri())
}

/// A client of `base_url` with quick retries.
fn client_at(base_url: String) -> Client {
    Client::builder()
        .base_url(base_url)
        .organization_id("org_1")
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
}

async fn requests_to(server: &MockServer, http_method: &str, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == http_method && r.url.path() == p)
        .collect()
}

/// A webhook registration's body (its builder).
fn webhook_body() -> certifyos::types::builder::CreateWebhooksDto {
    certifyos::types::CreateWebhooksDto::builder()
        .url("https://example.test/hook")
        .event_types(vec![certifyos::types::EventType::ProviderCredApproved])
}

fn empty_list() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!([]))
}

#[tokio::test]
async fn every_api_request_carries_organization_id_and_bearer_token() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("organization-id", "org_1"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(empty_list())
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    client.webhooks_fetch_all().send().await.unwrap();
    client.webhooks_fetch_all().send().await.unwrap();
    let api = requests_to(&server, "GET", "/v2/webhooks").await;
    assert!(
        api.iter().all(|r| !r.headers.contains_key("api-version")),
        "the meaningless api-version header is not sent"
    );
}

#[tokio::test]
async fn the_token_request_has_no_authorization_and_sends_the_credentials() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    client(&server).webhooks_fetch_all().send().await.unwrap();
    let token = requests_to(&server, "POST", TOKEN_PATH).await;
    assert_eq!(token.len(), 1);
    assert!(!token[0].headers.contains_key("authorization"));
    let body: serde_json::Value = serde_json::from_slice(&token[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client"})
    );
}

#[tokio::test]
async fn the_token_is_fetched_lazily_and_reused() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "building the client sends nothing"
    );
    for _ in 0..3 {
        client.webhooks_fetch_all().send().await.unwrap();
    }
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 1);
    assert_eq!(requests_to(&server, "GET", "/v2/webhooks").await.len(), 3);
}

#[tokio::test]
async fn a_hundred_concurrent_first_calls_make_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("tok-1").set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .expect(100)
        .mount(&server)
        .await;
    let client = Arc::new(client(&server));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.webhooks_fetch_all().send().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn an_expired_token_is_renewed_before_the_call() {
    let server = MockServer::start().await;
    let expired = jwt(now() - 10, "old");
    let fresh = jwt(now() + 3600, "new");
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response(&expired))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token(&server, &fresh).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    let client = client(&server);
    client.webhooks_fetch_all().send().await.unwrap();
    client.webhooks_fetch_all().send().await.unwrap();
    client.webhooks_fetch_all().send().await.unwrap();
    let api = requests_to(&server, "GET", "/v2/webhooks").await;
    let used: Vec<&str> = api
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap())
        .collect();
    assert_eq!(
        used,
        vec![
            format!("Bearer {expired}"),
            format!("Bearer {fresh}"),
            format!("Bearer {fresh}")
        ]
    );
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_401_renews_the_token_and_retries_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("tok-1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token(&server, "tok-2").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(empty_list())
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks_fetch_all().send().await.unwrap();
}

#[tokio::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"message": "Unauthorized"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    match error {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 401);
            assert_eq!(api.message.as_deref(), Some("Unauthorized"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_get_answered_503_then_200_succeeds() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .expect(1)
        .mount(&server)
        .await;
    let webhooks = client(&server).webhooks_fetch_all().send().await.unwrap();
    assert!(webhooks.is_empty());
}

#[tokio::test]
async fn a_post_answered_503_is_not_retried() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let body = webhook_body();
    let error = client(&server)
        .webhooks_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn retry_after_is_honored() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    let client = client(&server);
    let started = Instant::now();
    client.webhooks_fetch_all().send().await.unwrap();
    // The backoff is at most 5 ms here: only Retry-After explains a wait of a second.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(requests_to(&server, "GET", "/v2/webhooks").await.len(), 2);
}

#[tokio::test]
async fn retries_zero_disables_retrying() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .organization_id("o")
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retries(0)
        .build()
        .unwrap();
    assert!(client.webhooks_fetch_all().send().await.is_err());
}

#[tokio::test]
async fn a_post_answered_429_with_retry_after_is_retried_when_the_policy_says_so() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "w1"})))
        .expect(1)
        .mount(&server)
        .await;
    // The default: a POST is not sent again on a status.
    let error = client(&server)
        .webhooks_create()
        .body(webhook_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    let opted_in = Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .retry_policy(certifyos::RetryPolicy::default().non_idempotent_statuses([429, 503]))
        .build()
        .unwrap();
    let created = opted_in
        .webhooks_create()
        .body(webhook_body())
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, "w1");
}

#[tokio::test]
async fn the_retry_policy_decides_statuses_methods_and_attempts() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(500))
        .expect(4 + 1)
        .mount(&server)
        .await;
    let policy = certifyos::RetryPolicy::default()
        .max_retries(3)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .statuses([500])
        .non_idempotent_statuses([503]);
    let with = |policy| {
        Client::builder()
            .base_url(server.uri())
            .organization_id("org_1")
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .retry_policy(policy)
            .build()
            .unwrap()
    };
    let client = with(policy);
    let body = webhook_body();
    let error = client
        .webhooks_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    // RetryPolicy::none(): one attempt.
    let error = with(certifyos::RetryPolicy::none())
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn a_call_past_its_deadline_ends_with_deadline_exceeded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list().set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("tok-1")
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    assert!(
        matches!(error, Error::DeadlineExceeded { operation: Some("webhooks_fetch_all"), deadline } if deadline == Duration::from_millis(200)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the call to webhooks_fetch_all did not finish within its deadline of 200ms (ClientBuilder::deadline)"
    );
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_returns_the_response_without_waiting() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "30"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("tok-1")
        .deadline(Duration::from_secs(10))
        .build()
        .unwrap();
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    // The server's answer, not the deadline: the 30 s wait was never begun.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
}

/// A server on a plain socket that answers each connection with the next of
/// `answers` (raw HTTP/1.1, then closes it), counting the connections.
fn raw_server(answers: Vec<&'static [u8]>) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for (stream, answer) in listener.incoming().zip(answers) {
            let mut stream = stream.unwrap();
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(answer);
        }
    });
    (url, count)
}

/// Headers for 64 bytes, then 3 of them and the connection closed.
const CUT_SHORT: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 64\r\nconnection: close\r\n\r\n[{\"";
const WHOLE: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]";

#[tokio::test]
async fn a_get_whose_body_fails_mid_read_is_retried() {
    let (url, connections) = raw_server(vec![CUT_SHORT, WHOLE]);
    let client = Client::builder()
        .base_url(url)
        .organization_id("org_1")
        .bearer_token("tok-1")
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let webhooks = client.webhooks_fetch_all().send().await.unwrap();
    assert!(webhooks.is_empty());
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_post_whose_body_fails_mid_read_is_not_sent_again() {
    let (url, connections) = raw_server(vec![CUT_SHORT, WHOLE]);
    let client = Client::builder()
        .base_url(url)
        .organization_id("org_1")
        .bearer_token("tok-1")
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let body = webhook_body();
    let error = client
        .webhooks_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn an_organization_id_with_a_line_break_is_refused() {
    let result = Client::builder()
        .base_url("http://127.0.0.1:9")
        .organization_id("org_1\r\nX-Injected: yes")
        .bearer_token("t")
        .build();
    assert!(matches!(result, Err(Error::Config(m)) if m.contains("control character")));
}

#[tokio::test]
async fn a_malformed_json_body_is_a_decode_error_with_the_raw_body() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let raw = r#"[{"id": "wh_1", "event_types": 42}"#;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(raw, "application/json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    match error {
        Error::Decode { body, path, .. } => {
            assert_eq!(body.as_bytes(), raw.as_bytes());
            assert_eq!(path, "/0/event_types");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_body_is_parsed_and_kept_with_the_request_id() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let body =
        serde_json::json!({"message": "Invalid request body", "errors": ["url must be a URL"]});
    Mock::given(method("DELETE"))
        .and(path("/v2/webhooks"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(&body)
                .insert_header("x-request-id", "req-77"),
        )
        .mount(&server)
        .await;
    let remove = certifyos::types::RemoveWebhooksDto::builder().id("wh_1");
    let error = client(&server)
        .webhooks_remove()
        .body(remove)
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.operation, Some("webhooks_remove"));
    assert_eq!(api.message.as_deref(), Some("Invalid request body"));
    assert_eq!(api.errors, vec!["url must be a URL".to_string()]);
    assert_eq!(api.request_id.as_deref(), Some("req-77"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(api.body.as_bytes()).unwrap(),
        body
    );
    assert_eq!(error.to_string(), "CertifyOS answered 400 Bad Request to webhooks_remove: Invalid request body (url must be a URL) [request id req-77]");
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error_with_the_servers_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"message": "Wrong client_id or client_secret"})),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::Auth { status, message } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(401));
            assert_eq!(message, "Wrong client_id or client_secret");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert!(
        requests_to(&server, "GET", "/v2/webhooks").await.is_empty(),
        "no API call without a token"
    );
}

#[tokio::test]
async fn a_token_request_that_never_connects_is_a_transport_error_naming_the_cause() {
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_at(format!("http://127.0.0.1:{port}"));
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let shown = error.to_string();
    assert!(
        shown.to_ascii_lowercase().contains("connection refused"),
        "{shown}"
    );
    // No URL: a list call's query string would carry its filters (PHI).
    assert!(!shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
    assert!(!format!("{error:?}").contains(TOKEN_PATH), "{error:?}");
    // The cause is in the message, so it is not also the source (printed twice).
    assert!(std::error::Error::source(&error).is_none());
}

/// The default TLS backend (rustls with ring, set up by the builder) is the
/// one that speaks: an `https` URL to a server that answers in plain HTTP
/// fails in the TLS handshake, as a transport error, and nothing panics for
/// want of a crypto provider.
#[tokio::test]
async fn https_goes_through_the_configured_tls_backend() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let client = client_at(format!("https://127.0.0.1:{port}"));
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let shown = error.to_string().to_ascii_lowercase();
    assert!(
        ["corrupt", "tls", "handshake", "invalidcontenttype"]
            .iter()
            .any(|w| shown.contains(w)),
        "{shown}"
    );
}

#[tokio::test]
async fn a_token_endpoint_503_is_retried_and_the_call_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token(&server, &jwt(now() + 3600, "after-503")).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    client(&server).webhooks_fetch_all().send().await.unwrap();
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_token_endpoint_that_keeps_failing_is_an_api_error_not_refused_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(serde_json::json!({"message": "maintenance"})),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 503);
            assert_eq!(api.operation, Some("auth_tokens_create_api_token"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(
        !shown.contains("refused") && !shown.contains("authentication"),
        "{shown}"
    );
    // 1 attempt + the 2 default retries.
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 3);
}

#[tokio::test]
async fn no_error_prints_its_source_twice() {
    let server = MockServer::start().await;
    mount_token(&server, &jwt(now() + 3600, "t")).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[{\"id\": 7}]", "application/json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let mut chain = vec![error.to_string()];
    let mut next = std::error::Error::source(&error);
    while let Some(cause) = next {
        chain.push(cause.to_string());
        next = cause.source();
    }
    for (i, cause) in chain.iter().enumerate().skip(1) {
        assert!(!chain[i - 1].contains(cause.as_str()), "{chain:?}");
    }
    assert!(chain[0].contains("at /0"), "{}", chain[0]);
}

#[tokio::test]
async fn a_sixty_second_token_is_reused_sequentially_and_concurrently() {
    let server = MockServer::start().await;
    mount_token(&server, &jwt(now() + 60, "short")).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..10 {
        client.webhooks_fetch_all().send().await.unwrap();
    }
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 1);

    let cold = self::client(&server);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = cold.clone();
            tokio::spawn(async move { client.webhooks_fetch_all().send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_token_whose_exp_overflows_time_is_used_not_a_panic() {
    let server = MockServer::start().await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let token = format!(
        "{}.{}.sig",
        engine.encode(r#"{"alg":"HS256"}"#),
        engine.encode(r#"{"sub":"x","exp":1e19}"#)
    );
    mount_token(&server, &token).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    client(&server).webhooks_fetch_all().send().await.unwrap();
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output_or_errors() {
    let server = MockServer::start().await;
    let token = jwt(now() + 3600, "secret-token-PLUGH");
    mount_token(&server, &token).await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(empty_list())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/facilities"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/flags"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{", "application/json"))
        .mount(&server)
        .await;
    let client = client(&server);
    client.webhooks_fetch_all().send().await.unwrap();

    let mut shown = vec![
        format!("{client:?}"),
        format!(
            "{:?}",
            Client::builder().client_credentials(CLIENT_ID, CLIENT_SECRET)
        ),
    ];
    let api = client.facility_v2_find_all().send().await.unwrap_err();
    let decode = client
        .provider_flags_find_flags()
        .provider_id("p")
        .send()
        .await
        .unwrap_err();
    let config = Client::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap_err();
    let refused = {
        let other = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(401))
            .mount(&other)
            .await;
        self::client(&other)
            .webhooks_fetch_all()
            .send()
            .await
            .unwrap_err()
    };
    let bearer = Client::builder()
        .base_url(server.uri())
        .organization_id("o")
        .bearer_token(&token)
        .build()
        .unwrap();
    for error in [&api, &decode, &config, &refused] {
        shown.push(format!("{error:?}"));
        shown.push(error.to_string());
    }
    shown.push(format!("{bearer:?}"));
    assert!(
        matches!(api, Error::Api(_))
            && matches!(decode, Error::Decode { .. })
            && matches!(refused, Error::Auth { .. })
    );
    for text in &shown {
        assert!(!text.contains(CLIENT_SECRET), "secret in {text}");
        assert!(!text.contains(&token), "token in {text}");
        assert!(!text.contains("PLUGH"), "token in {text}");
    }
}

#[tokio::test]
async fn another_organization_shares_the_token() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("organization-id", "org_1"))
        .respond_with(empty_list())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .and(header("organization-id", "org_2"))
        .respond_with(empty_list())
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.webhooks_fetch_all().send().await.unwrap();
    client
        .with_organization_id("org_2")
        .unwrap()
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap();
    assert_eq!(requests_to(&server, "POST", TOKEN_PATH).await.len(), 1);
}

#[tokio::test]
async fn a_response_past_the_size_limit_is_an_error_naming_the_limit_and_the_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("[{}]", " ".repeat(4096))))
        .mount(&server)
        .await;
    let client = |limit: u64| {
        Client::builder()
            .base_url(server.uri())
            .organization_id("org_1")
            .bearer_token("t")
            .max_response_bytes(limit)
            .build()
            .unwrap()
    };
    let error = client(1024).webhooks_fetch_all().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                operation: Some("webhooks_fetch_all"),
                limit: 1024
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the response to webhooks_fetch_all is larger than the limit of 1024 bytes (ClientBuilder::max_response_bytes)"
    );
    // At the limit exactly, it is read.
    assert!(client(4098)
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_token_response_past_its_limit_is_an_error_not_an_allocation() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth-tokens/v2/api"))
        .respond_with(ResponseTemplate::new(201).set_body_string(" ".repeat(65 * 1024)))
        .mount(&server)
        .await;
    let error = Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .client_credentials("id", "secret")
        .build()
        .unwrap()
        .webhooks_fetch_all()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 65536, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_error_names_its_operations_method_and_path_template() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("PATCH"))
        .and(path("/flags/flag-secret-id/activate"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let error = client(&server)
        .flags_activate_flag()
        .id("flag-secret-id")
        .send()
        .await
        .unwrap_err();
    let operation = error.operation().expect("an API error names its operation");
    assert_eq!(
        (operation.rust_name, operation.method, operation.path),
        ("flags_activate_flag", "PATCH", "/flags/{id}/activate")
    );
    assert!(!format!("{error} {error:?}").contains("flag-secret-id"));
}

/// A request type's builder refuses to finish while a required field is
/// unset, naming the first such field in field order; with every field set
/// it gives the value.
#[test]
fn a_builder_names_its_first_unset_required_field() {
    use certifyos::types::CreateApiAuthTokenDto;
    let error = |b: certifyos::types::builder::CreateApiAuthTokenDto| {
        CreateApiAuthTokenDto::try_from(b).unwrap_err().to_string()
    };
    assert_eq!(
        error(CreateApiAuthTokenDto::builder()),
        "no value supplied for client_id"
    );
    assert_eq!(
        error(CreateApiAuthTokenDto::builder().client_id("c")),
        "no value supplied for client_secret"
    );
    assert_eq!(
        error(CreateApiAuthTokenDto::builder().client_secret("s")),
        "no value supplied for client_id"
    );
    let token = CreateApiAuthTokenDto::try_from(
        CreateApiAuthTokenDto::builder()
            .client_id("c")
            .client_secret("s"),
    )
    .unwrap();
    assert_eq!(token.client_id, "c");
    assert_eq!(token.client_secret, "s");
}

/// Every operation's future is the facade's one exchange with the prepared
/// request: `send()` adds at most a state word to `send_with_response()`,
/// and no operation's future holds the exchange twice (an `async fn`
/// wrapping another keeps both its argument and the awaited future: 11 KB
/// instead of 5 KB, enough to overflow a test's stack).
#[test]
fn every_operations_future_is_one_exchange_and_is_send() {
    fn send<F: std::future::Future + Send>(future: F) -> usize {
        std::mem::size_of_val(&future)
    }
    let client = client_at("http://127.0.0.1:9".into());
    let sizes = [
        send(client.webhooks_fetch_all().send()),
        send(client.webhooks_fetch_all().send_with_response()),
        send(client.credentialing_workflows_find_all().send()),
        send(client.flags_activate_flag().id("flag-1").send()),
        send(client.auth_tokens_create_api_token().send_with_response()),
        send(client.providers_v2_terminate().send()),
        send(client.providers_v2_terminate().send_with_response()),
    ];
    // The generated operations' futures are one type but for the body's.
    assert!(sizes[..5].iter().all(|&s| s == sizes[0]), "{sizes:?}");
    // A hand-written operation's `send` maps its `send_with_response`.
    assert!(sizes[5] - sizes[6] <= 16, "{sizes:?}");
    // The hand-written ones hold their fields beside the exchange, not it twice.
    let (least, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(most < &(least + least / 2), "{sizes:?}");
}
