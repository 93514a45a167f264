//! `types::EventType`: one open enum for the webhook event types.

use crate::common;

use std::str::FromStr;

use certifyos::types::{CreateWebhookTestEventDto, EventType};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The union of the three inline lists, in document order.
fn document_event_types() -> Vec<String> {
    let doc = common::pinned_document();
    let schemas = &doc["components"]["schemas"];
    let lists = [
        &schemas["WebhookResponseDto"]["properties"]["event_types"]["items"]["enum"],
        &schemas["CreateWebhooksDto"]["properties"]["event_types"]["items"]["enum"],
        &schemas["CreateWebhookTestEventDto"]["properties"]["eventType"]["enum"],
    ];
    let mut values: Vec<String> = Vec::new();
    for list in lists {
        for value in list.as_array().expect("an enum") {
            let value = value.as_str().unwrap().to_string();
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    values
}

#[test]
fn known_values_are_the_documents_in_order() {
    // No count: a drift branch regenerates from a document with more or fewer.
    let expected = document_event_types();
    assert!(!expected.is_empty());
    assert_eq!(
        EventType::KNOWN,
        expected
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
    );
}

#[test]
fn every_known_value_round_trips_through_serde() {
    for value in EventType::KNOWN {
        let parsed: EventType = serde_json::from_str(&format!("\"{value}\"")).unwrap();
        assert!(parsed.is_known(), "{value}");
        assert_eq!(parsed.as_str(), *value);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            format!("\"{value}\"")
        );
    }
}

#[test]
fn known_values_get_their_own_variants() {
    assert_eq!(
        EventType::from("PROVIDER_CRED_APPROVED"),
        EventType::ProviderCredApproved
    );
    assert_eq!(
        EventType::from_str("PSV_COMPLETED").unwrap(),
        EventType::PsvCompleted
    );
    assert_eq!(
        EventType::FormSubmissionCreated.to_string(),
        "FORM_SUBMISSION_CREATED"
    );
}

#[test]
fn an_unknown_value_round_trips_unchanged() {
    let parsed: EventType = serde_json::from_str("\"PROVIDER_TELEPORTED\"").unwrap();
    assert!(!parsed.is_known());
    assert!(matches!(&parsed, EventType::Unknown(v) if v.as_str() == "PROVIDER_TELEPORTED"));
    assert_eq!(
        serde_json::to_string(&parsed).unwrap(),
        "\"PROVIDER_TELEPORTED\""
    );
    assert_eq!(parsed, EventType::from("PROVIDER_TELEPORTED".to_string()));
}

#[test]
fn a_request_with_an_unknown_value_sends_it_verbatim() {
    let body: CreateWebhookTestEventDto = CreateWebhookTestEventDto::builder()
        .event_type(EventType::from("NEW_EVENT"))
        .message("hello")
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::json!({"eventType": "NEW_EVENT", "message": "hello"})
    );
}

#[tokio::test]
async fn a_webhook_list_with_an_unknown_event_type_deserializes() {
    let server = MockServer::start().await;
    let webhook = serde_json::json!({
        "id": "wh_1",
        "organization_id": "org_1",
        "url": "https://example.test/hook",
        "event_types": ["PROVIDER_CRED_APPROVED", "PROVIDER_TELEPORTED"],
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z"
    });
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([webhook])))
        .expect(1)
        .mount(&server)
        .await;
    let client = certifyos::Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("token")
        .build()
        .unwrap();
    let webhooks = client
        .webhooks_fetch_all()
        .send()
        .await
        .expect("the list decodes");
    assert_eq!(webhooks.len(), 1);
    assert_eq!(
        webhooks[0].event_types,
        vec![
            EventType::ProviderCredApproved,
            EventType::from("PROVIDER_TELEPORTED")
        ]
    );
    assert!(!webhooks[0].event_types[1].is_known());
}
