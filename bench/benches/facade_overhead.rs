//! What the facade costs per request: one GET /v2/webhooks through
//! `certifyos::Client` (organization-id, cached token, retry bookkeeping,
//! the call's deadline, tracing span, body buffering within the size limit,
//! typed decode) against the same GET with a bare `reqwest::Client` setting
//! the same headers and decoding the same type: once configured as the
//! facade configures its own (30 s timeout, 10 s connect timeout), once
//! with reqwest's defaults (no timeout). Both talk to one in-process server
//! on loopback; the client side runs on a current-thread runtime, which
//! keeps the figures steadier than a multi-threaded one on 2 cores.
//!
//! `cargo bench -p certifyos-bench`

use criterion::{criterion_group, criterion_main, Criterion};
use reqwest::header::AUTHORIZATION;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use certifyos::types::WebhookResponseDto;

fn webhooks() -> serde_json::Value {
    let one = |i: u32| {
        serde_json::json!({
            "id": format!("wh_{i}"),
            "organization_id": "org_1",
            "url": format!("https://example.test/hooks/{i}"),
            "description": "credentialing events",
            "event_types": ["PROVIDER_CRED_APPROVED", "PROVIDER_CRED_DENIED", "PSV_COMPLETED"],
            "created_at": "2026-11-01T00:00:00Z",
            "updated_at": "2026-11-01T00:00:00Z"
        })
    };
    serde_json::Value::Array((0..3).map(one).collect())
}

fn get_webhooks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(method("POST"))
            .and(path("/auth-tokens/v2/api"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(serde_json::json!({"access_token": "tok-1"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/webhooks"))
            .respond_with(ResponseTemplate::new(200).set_body_json(webhooks()))
            .mount(&server)
            .await;
        server
    });
    let facade = certifyos::Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    // Fetch and cache the token before measuring.
    runtime
        .block_on(facade.webhooks_fetch_all().send())
        .unwrap();
    let bare = certifyos::http_client_builder()
        .unwrap()
        .timeout(std::time::Duration::from_secs(30))
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let bare_defaults = certifyos::http_client_builder().unwrap().build().unwrap();
    let url = format!("{}/v2/webhooks", server.uri());

    let mut group = c.benchmark_group("get_webhooks");
    group.bench_function("facade", |b| {
        b.to_async(&runtime)
            .iter(|| async { facade.webhooks_fetch_all().send().await.unwrap() })
    });
    for (name, client) in [
        ("bare_reqwest", &bare),
        ("bare_reqwest_defaults", &bare_defaults),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                client
                    .get(&url)
                    .header("organization-id", "org_1")
                    .header(AUTHORIZATION, "Bearer tok-1")
                    .send()
                    .await
                    .unwrap()
                    .json::<Vec<WebhookResponseDto>>()
                    .await
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, get_webhooks);
criterion_main!(benches);
