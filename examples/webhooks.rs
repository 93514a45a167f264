//! Register a webhook for approved provider credentialing, list the webhooks,
//! send the new one a test event, and remove it.
//!
//! Configured from the environment (see `certifyos::env`), e.g.:
//!
//! ```sh
//! CERTIFYOS_ENVIRONMENT=staging CERTIFYOS_ORGANIZATION_ID=org_123 \
//! CERTIFYOS_CLIENT_ID=… CERTIFYOS_CLIENT_SECRET=… \
//! cargo run --example webhooks -- https://example.com/certifyos-hook
//! ```

use certifyos::types::{
    CreateWebhookTestEventDto, CreateWebhooksDto, EventType, RemoveWebhooksDto,
};
use certifyos::Client;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Display, not Debug: one line that says what happened
    // ("configuration: environment variables not set: …",
    // "CertifyOS answered 400 Bad Request to webhooks_create: … [request id …]").
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> certifyos::Result<()> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://example.com/certifyos-hook".into());
    let client = Client::from_env()?;

    let created = client
        .webhooks_create()
        .body(
            CreateWebhooksDto::builder()
                .url(url)
                .event_types(vec![EventType::ProviderCredApproved]),
        )
        .send()
        .await?;
    println!("registered webhook {}", created.id);

    for webhook in client.webhooks_fetch_all().send().await? {
        let events: Vec<&str> = webhook.event_types.iter().map(EventType::as_str).collect();
        println!("{}  {}  {}", webhook.id, webhook.url, events.join(", "));
    }

    client
        .webhooks_test_webhook()
        .webhook_id(created.id.clone())
        .body(
            CreateWebhookTestEventDto::builder()
                .event_type(EventType::ProviderCredApproved)
                .message("test from certifyos-rust"),
        )
        .send()
        .await?;
    println!("sent a test event");

    client
        .webhooks_remove()
        .body(RemoveWebhooksDto::builder().id(created.id.clone()))
        .send()
        .await?;
    println!("removed webhook {}", created.id);
    Ok(())
}
