//! `certifyos::webhook` end to end on loopback: a webhook registered through
//! the client (against a stand-in CertifyOS), a receiver served over HTTP,
//! and a stand-in for CertifyOS's delivery side that sends what the
//! registration says — static headers, or the OAuth token exchange then the
//! token.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use certifyos::types::{CreateWebhooksDto, EventType};
use certifyos::webhook::{Rejection, TokenRequestError, WebhookDelivery, WebhookReceiver};
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the receiver's server accepted.
type Accepted = Arc<Mutex<Vec<WebhookDelivery>>>;

/// Serves `receiver` on a free loopback port: `POST /token` and `POST
/// /hooks`. The receiver is built once the port is known (its URLs name it).
async fn serve(build: impl FnOnce(&str) -> WebhookReceiver) -> (Arc<WebhookReceiver>, Accepted) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let receiver = Arc::new(build(&base));
    let accepted: Accepted = Arc::default();
    let (r, a) = (receiver.clone(), accepted.clone());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (r, a) = (r.clone(), a.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let (r, a) = (r.clone(), a.clone());
                    async move { Ok::<_, Infallible>(route(&r, &a, request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (receiver, accepted)
}

async fn route(
    receiver: &WebhookReceiver,
    accepted: &Accepted,
    request: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let response = match parts.uri.path() {
        "/token" => receiver.token_response(&parts.headers, &body),
        "/hooks" => {
            let (response, delivery) = receiver.delivery_response(&parts.headers, &body);
            if let Ok(delivery) = delivery {
                accepted.lock().unwrap().push(delivery);
            }
            response
        }
        other => panic!("unexpected path {other}"),
    };
    response.map(|b| Full::new(Bytes::from(b)))
}

/// Registers `registration` through the client against a stand-in
/// CertifyOS, and returns the JSON body CertifyOS received: what its
/// delivery side will then act on.
async fn register(registration: CreateWebhooksDto) -> Value {
    let certifyos = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "wh_1"})))
        .mount(&certifyos)
        .await;
    let client = certifyos::Client::builder()
        .base_url(certifyos.uri())
        .organization_id("org_1")
        .bearer_token("t")
        .build()
        .unwrap();
    let created = client
        .webhooks_create()
        .body(registration)
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, "wh_1");
    let requests = certifyos.received_requests().await.unwrap();
    serde_json::from_slice(&requests.last().unwrap().body).unwrap()
}

/// CertifyOS's delivery side: a POST of `body` to the registered url.
async fn deliver(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = plain_http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// CertifyOS's token exchange as documented: a form-urlencoded POST of
/// client_id and client_secret to the registered token_url.
async fn exchange(token_url: &str, client_id: &str, client_secret: &str) -> (u16, Value) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret)
        .finish();
    let response = plain_http()
        .post(token_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A bare reqwest client with the crate's TLS set-up (the stand-in's).
fn plain_http() -> reqwest::Client {
    certifyos::http_client_builder().unwrap().build().unwrap()
}

const EVENT: &str = r#"{"eventType":"PSV_COMPLETED","message":"PSV done"}"#;
/// Not JSON: a receiver that parsed it before authenticating would answer 400.
const GARBAGE: &str = "{not json";

#[tokio::test]
async fn static_header_deliveries_are_accepted_and_wrong_headers_refused() {
    let (receiver, accepted) = serve(|base| {
        WebhookReceiver::builder(format!("{base}/hooks"))
            .event_types([EventType::PsvCompleted])
            .static_header("X-Api-Key", "key-registered-with-certifyos")
            .build()
            .unwrap()
    })
    .await;
    let registered = register(receiver.registration()).await;
    assert_eq!(registered["event_types"], json!(["PSV_COMPLETED"]));
    let url = registered["url"].as_str().unwrap();
    let headers: Vec<(String, String)> = registered["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let sent: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    assert_eq!(deliver(url, &sent, EVENT).await.0, 204);
    let delivery = accepted.lock().unwrap().pop().unwrap();
    assert_eq!(delivery.event_type, Some(EventType::PsvCompleted));
    assert_eq!(delivery.message.as_deref(), Some("PSV done"));

    let (status, body) = deliver(
        url,
        &[("x-api-key", "key-registered-with-certifyoz")],
        GARBAGE,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body["error"],
        "delivery refused: header `x-api-key` has the wrong value"
    );
    let (status, body) = deliver(url, &[], GARBAGE).await;
    assert_eq!(status, 401);
    assert_eq!(
        body["error"],
        "delivery refused: header `x-api-key` missing or repeated"
    );
    // The registered value, sent twice: ambiguous, refused.
    let twice = [sent[0], sent[0]];
    assert_eq!(deliver(url, &twice, EVENT).await.0, 401);
    assert!(accepted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn oauth_deliveries_carry_a_token_the_receiver_issued() {
    let (receiver, accepted) = serve(|base| {
        WebhookReceiver::builder(format!("{base}/hooks"))
            .event_types([EventType::CredentialingCompleted])
            .oauth(
                "certifyos",
                "s3cret-for-the-token-url",
                format!("{base}/token"),
            )
            .build()
            .unwrap()
    })
    .await;
    let registered = register(receiver.registration()).await;
    let oauth = &registered["oauth_configuration"];
    let (url, token_url) = (
        registered["url"].as_str().unwrap(),
        oauth["token_url"].as_str().unwrap(),
    );
    let (id, secret) = (
        oauth["client_id"].as_str().unwrap(),
        oauth["client_secret"].as_str().unwrap(),
    );

    let (status, token) = exchange(token_url, id, secret).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 300);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    assert_eq!(
        deliver(url, &[("authorization", &bearer)], EVENT).await.0,
        204
    );
    assert_eq!(accepted.lock().unwrap().len(), 1);

    let (status, refused) = exchange(token_url, id, "s3cret-for-the-token-urL").await;
    assert_eq!(status, 401);
    assert_eq!(refused["error"], "invalid_client");
    assert!(refused.get("access_token").is_none());
    let (status, _) = exchange(token_url, "someone-else", secret).await;
    assert_eq!(status, 401);

    let unknown = "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let (status, body) = deliver(url, &[("authorization", unknown)], GARBAGE).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            401,
            Some("delivery refused: unknown or expired bearer token")
        )
    );
    let (status, body) = deliver(url, &[], GARBAGE).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("delivery refused: no bearer token"))
    );
    assert_eq!(accepted.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let (receiver, accepted) = serve(|base| {
        WebhookReceiver::builder(format!("{base}/hooks"))
            .oauth("certifyos", "secret", format!("{base}/token"))
            .token_lifetime(Duration::from_millis(300))
            .build()
            .unwrap()
    })
    .await;
    let token_url = receiver.token_url().unwrap().to_string();
    let (_, token) = exchange(&token_url, "certifyos", "secret").await;
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    assert_eq!(
        deliver(receiver.url(), &[("authorization", &bearer)], EVENT)
            .await
            .0,
        204
    );

    tokio::time::sleep(Duration::from_millis(400)).await;

    assert_eq!(
        deliver(receiver.url(), &[("authorization", &bearer)], GARBAGE)
            .await
            .0,
        401
    );
    assert_eq!(accepted.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_delivery_with_an_unknown_event_type_and_extra_fields_is_kept_whole() {
    let (receiver, accepted) = serve(|base| {
        WebhookReceiver::builder(format!("{base}/hooks"))
            .static_header("x-api-key", "k")
            .build()
            .unwrap()
    })
    .await;
    let body = json!({
        "eventType": "PROVIDER_TELEPORTED",
        "message": "new in a later API version",
        "providerId": "p_1",
        "details": {"nested": [1, 2, 3]}
    });

    let (status, _) = deliver(receiver.url(), &[("x-api-key", "k")], &body.to_string()).await;

    assert_eq!(status, 204);
    let delivery = accepted.lock().unwrap().pop().unwrap();
    assert_eq!(delivery.raw, body);
    let event = delivery.event_type.unwrap();
    assert!(!event.is_known());
    assert_eq!(event.to_string(), "PROVIDER_TELEPORTED");
}

#[test]
fn an_authenticated_body_that_is_not_json_is_a_400() {
    let receiver = WebhookReceiver::builder("https://hooks.example.com/h")
        .static_header("x-api-key", "k")
        .build()
        .unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("x-api-key", "k".parse().unwrap());
    let rejected = receiver.receive(&headers, GARBAGE.as_bytes()).unwrap_err();
    assert!(matches!(rejected, Rejection::NotJson { .. }));
    assert_eq!(rejected.status(), 400);
    // A delivery without eventType is still a delivery.
    let delivery = receiver.receive(&headers, b"[1,2]").unwrap();
    assert_eq!((delivery.event_type, delivery.raw), (None, json!([1, 2])));
}

#[test]
fn a_body_over_the_receivers_limit_is_refused_with_413() {
    let receiver = WebhookReceiver::builder("https://hooks.example.com/h")
        .static_header("x-api-key", "k")
        .oauth("id", "secret", "https://hooks.example.com/token")
        .max_body_bytes(64)
        .build()
        .unwrap();
    assert_eq!(receiver.max_body_bytes(), 64);
    let form = "grant_type=client_credentials&client_id=id&client_secret=secret";
    let padded = format!("{form}&{}", "x".repeat(64 - form.len()));
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let refused = receiver
        .issue_token(&headers, padded.as_bytes())
        .unwrap_err();
    assert_eq!(refused, TokenRequestError::BodyTooLarge { limit: 64 });
    assert_eq!(refused.to_response().status(), 413);
    let token = receiver.issue_token(&headers, form.as_bytes()).unwrap();

    headers.insert("x-api-key", "k".parse().unwrap());
    let bearer = format!("Bearer {}", token.access_token());
    headers.insert("authorization", bearer.parse().unwrap());
    let event = json!({"eventType": "PSV_COMPLETED", "message": "m"}).to_string();
    let within = format!("{event:<64}");
    assert!(receiver.receive(&headers, within.as_bytes()).is_ok());
    let over = format!("{event:<65}");
    let (response, rejected) = receiver.delivery_response(&headers, over.as_bytes());
    assert_eq!(rejected.unwrap_err(), Rejection::BodyTooLarge { limit: 64 });
    assert_eq!(response.status(), 413);
    // The default fits a delivery and is what a server is told to apply.
    let default = WebhookReceiver::builder("https://hooks.example.com/h")
        .static_header("x-api-key", "k")
        .build()
        .unwrap();
    assert_eq!(
        default.max_body_bytes(),
        certifyos::webhook::DEFAULT_MAX_BODY_BYTES
    );
}

#[test]
fn token_requests_in_http_basic_and_malformed_ones() {
    let receiver = WebhookReceiver::builder("https://hooks.example.com/h")
        .oauth("id:1", "p@ss word", "https://hooks.example.com/token")
        .build()
        .unwrap();
    let basic = |value: &str| {
        let mut headers = http::HeaderMap::new();
        headers.insert("authorization", value.parse().unwrap());
        headers
    };
    // base64("id%3A1:p%40ss+word"), each part form-urlencoded (RFC 6749 §2.3.1).
    let encoded = "aWQlM0ExOnAlNDBzcyt3b3Jk";
    assert!(receiver
        .issue_token(
            &basic(&format!("Basic {encoded}")),
            b"grant_type=client_credentials"
        )
        .is_ok());
    // A client that does not form-encode: `&` is part of the value.
    let raw = WebhookReceiver::builder("https://hooks.example.com/h")
        .oauth("id", "ab&cd", "https://hooks.example.com/token")
        .build()
        .unwrap();
    // base64("id:ab&cd")
    assert!(raw.issue_token(&basic("Basic aWQ6YWImY2Q="), b"").is_ok());
    // base64("id:ab"): the cut-short secret is refused.
    assert!(raw.issue_token(&basic("Basic aWQ6YWI="), b"").is_err());
    let none = http::HeaderMap::new();
    let refused = |body: &str| receiver.issue_token(&none, body.as_bytes()).unwrap_err();
    assert_eq!(
        refused("grant_type=password&client_id=id%3A1&client_secret=x"),
        TokenRequestError::UnsupportedGrantType("password".into())
    );
    let forged = refused("grant_type=x%0Aforged-log-line").to_string();
    assert_eq!(forged.lines().count(), 1, "{forged}");
    assert!(forged.contains("x\\nforged-log-line"), "{forged}");
    assert_eq!(
        refused("client_id=id%3A1"),
        TokenRequestError::InvalidRequest("`client_secret` missing".into())
    );
    assert_eq!(
        refused("client_id=a&client_id=b&client_secret=x"),
        TokenRequestError::InvalidRequest("`client_id` given more than once".into())
    );
    assert_eq!(
        refused("client_id=id%3A1&client_secret=p%40ss+wor").status(),
        401
    );
    let mut json = http::HeaderMap::new();
    json.insert("content-type", "application/json".parse().unwrap());
    assert!(matches!(
        receiver.issue_token(&json, b"{}").unwrap_err(),
        TokenRequestError::InvalidRequest(_)
    ));
}

#[test]
fn the_registration_is_built_from_the_receiver() {
    let receiver = WebhookReceiver::builder("https://hooks.example.com/h")
        .description("ours")
        .event_types([EventType::PsvCompleted])
        .static_header("x-api-key", "k1")
        .oauth("id", "secret", "https://hooks.example.com/token")
        .build()
        .unwrap();
    let registration = serde_json::to_value(receiver.registration()).unwrap();
    assert_eq!(
        registration,
        json!({
            "url": "https://hooks.example.com/h",
            "description": "ours",
            "event_types": ["PSV_COMPLETED"],
            "headers": {"x-api-key": "k1"},
            "oauth_configuration": {
                "client_id": "id",
                "client_secret": "secret",
                "token_url": "https://hooks.example.com/token"
            }
        })
    );
}

#[test]
fn a_receiver_that_cannot_tell_certifyos_from_anyone_is_refused() {
    let errors: Vec<String> = [
        WebhookReceiver::builder("https://hooks.example.com/h").build(),
        WebhookReceiver::builder("not a url")
            .static_header("k", "v")
            .build(),
        WebhookReceiver::builder("https://h.example/h")
            .static_header("bad name", "v")
            .build(),
        WebhookReceiver::builder("https://h.example/h")
            .static_header("k", "")
            .build(),
        WebhookReceiver::builder("https://h.example/h")
            .oauth("id", "s", "https://h.example/t")
            .token_lifetime(Duration::ZERO)
            .build(),
    ]
    .into_iter()
    .map(|r| r.unwrap_err().to_string())
    .collect();
    assert!(
        errors[0].contains("no static header and no OAuth"),
        "{}",
        errors[0]
    );
    assert!(errors[1].contains("url `not a url`"), "{}", errors[1]);
    assert!(
        errors[2].contains("`bad name`: not a valid header name"),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].contains("`k`: its value is empty"),
        "{}",
        errors[3]
    );
    assert!(
        errors[4].contains("token lifetime 0ns: not between zero and 24 hours"),
        "{}",
        errors[4]
    );
    let too_long = WebhookReceiver::builder("https://h.example/h")
        .oauth("id", "s", "https://h.example/t")
        .token_lifetime(Duration::MAX)
        .build()
        .unwrap_err();
    assert!(
        too_long
            .to_string()
            .contains("not between zero and 24 hours"),
        "{too_long}"
    );
    // HTTP strips a received value's edge whitespace: it could never match.
    let padded = WebhookReceiver::builder("https://h.example/h")
        .static_header("x-api-key", "k3y ")
        .build()
        .unwrap_err();
    assert!(
        padded
            .to_string()
            .contains("leading or trailing whitespace"),
        "{padded}"
    );
}

#[test]
fn secrets_and_tokens_never_appear_in_debug_or_errors() {
    let receiver = WebhookReceiver::builder("https://hooks.example.com/h")
        .static_header("x-api-key", "HEADER-SECRET")
        .oauth("id", "CLIENT-SECRET", "https://hooks.example.com/token")
        .build()
        .unwrap();
    let token = receiver
        .issue_token(
            &http::HeaderMap::new(),
            b"client_id=id&client_secret=CLIENT-SECRET",
        )
        .unwrap();
    let mut wrong = http::HeaderMap::new();
    wrong.insert("x-api-key", "HEADER-SECRET-GUESS".parse().unwrap());
    let texts = [
        format!("{receiver:?}"),
        format!("{token:?}"),
        format!("{:?}", receiver.receive(&wrong, b"{}").unwrap_err()),
        receiver.receive(&wrong, b"{}").unwrap_err().to_string(),
        format!(
            "{:?}",
            receiver
                .issue_token(
                    &http::HeaderMap::new(),
                    b"client_id=id&client_secret=CLIENT-SECRET-GUESS"
                )
                .unwrap_err()
        ),
        format!("{:?}", receiver.registration()),
    ];
    for text in &texts {
        for secret in ["HEADER-SECRET", "CLIENT-SECRET", token.access_token()] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(texts[0].contains("token_lifetime: 300s"), "{}", texts[0]);
}

/// Two replicas behind one token URL, built from the same configuration:
/// a token either issues is accepted by both; an expired or forged one by
/// neither. Nothing is shared between them but the configuration.
#[tokio::test]
async fn replicas_with_the_same_secret_accept_each_others_tokens() {
    let build = |lifetime: Duration| {
        WebhookReceiver::builder("https://hooks.example.test/certifyos")
            .oauth(
                "client-1",
                "CLIENT-SECRET",
                "https://hooks.example.test/token",
            )
            .token_lifetime(lifetime)
            .build()
            .unwrap()
    };
    let (a, b) = (
        build(Duration::from_secs(300)),
        build(Duration::from_secs(300)),
    );
    let request = b"grant_type=client_credentials&client_id=client-1&client_secret=CLIENT-SECRET";
    let bearer = |token: &str| {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        headers
    };
    for (issuer, other) in [(&a, &b), (&b, &a)] {
        let token = issuer
            .issue_token(&http::HeaderMap::new(), request)
            .unwrap();
        assert_eq!(other.authenticate(&bearer(token.access_token())), Ok(()));
        assert_eq!(issuer.authenticate(&bearer(token.access_token())), Ok(()));
    }
    // Another secret: its tokens are nobody's here.
    let stranger = WebhookReceiver::builder("https://hooks.example.test/certifyos")
        .oauth(
            "client-1",
            "ANOTHER-SECRET",
            "https://hooks.example.test/token",
        )
        .build()
        .unwrap();
    let foreign = stranger
        .issue_token(
            &http::HeaderMap::new(),
            b"client_id=client-1&client_secret=ANOTHER-SECRET",
        )
        .unwrap();
    for receiver in [&a, &b] {
        assert_eq!(
            receiver.authenticate(&bearer(foreign.access_token())),
            Err(Rejection::InvalidToken)
        );
        assert_eq!(
            receiver.authenticate(&bearer("cos1.99999999999999.bm9uY2U.bWFj")),
            Err(Rejection::InvalidToken)
        );
    }
    // Expired: refused by both replicas.
    let (short_a, short_b) = (
        build(Duration::from_millis(50)),
        build(Duration::from_millis(50)),
    );
    let token = short_a
        .issue_token(&http::HeaderMap::new(), request)
        .unwrap();
    assert_eq!(short_b.authenticate(&bearer(token.access_token())), Ok(()));
    tokio::time::sleep(Duration::from_millis(80)).await;
    for receiver in [&short_a, &short_b] {
        assert_eq!(
            receiver.authenticate(&bearer(token.access_token())),
            Err(Rejection::InvalidToken)
        );
    }
}

/// A rotation of the client secret refuses nothing in flight: the replica
/// on the new secret (with the old one as previous) accepts the old
/// secret at the token endpoint and the old replicas' tokens.
#[tokio::test]
async fn a_secret_rotation_accepts_the_previous_secret_and_its_tokens() {
    let old = WebhookReceiver::builder("https://hooks.example.test/certifyos")
        .oauth("client-1", "OLD-SECRET", "https://hooks.example.test/token")
        .build()
        .unwrap();
    let rotating = WebhookReceiver::builder("https://hooks.example.test/certifyos")
        .oauth("client-1", "NEW-SECRET", "https://hooks.example.test/token")
        .oauth_previous_secret("OLD-SECRET")
        .build()
        .unwrap();
    let mut headers = http::HeaderMap::new();
    let in_flight = old
        .issue_token(&headers, b"client_id=client-1&client_secret=OLD-SECRET")
        .unwrap();
    headers.insert(
        http::header::AUTHORIZATION,
        format!("Bearer {}", in_flight.access_token())
            .parse()
            .unwrap(),
    );
    assert_eq!(rotating.authenticate(&headers), Ok(()));
    for secret in ["OLD-SECRET", "NEW-SECRET"] {
        assert!(rotating
            .issue_token(
                &http::HeaderMap::new(),
                format!("client_id=client-1&client_secret={secret}").as_bytes()
            )
            .is_ok());
    }
    assert_eq!(
        WebhookReceiver::builder("https://hooks.example.test/certifyos")
            .static_header("x-key", "v")
            .oauth_previous_secret("OLD-SECRET")
            .build()
            .unwrap_err()
            .to_string(),
        "configuration: webhook receiver: oauth_previous_secret without oauth: there is no secret to rotate"
    );
}
