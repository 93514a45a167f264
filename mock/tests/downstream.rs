//! Written as a team building on certifyos would write its tests: only the
//! public API of `certifyos` and `certifyos-mock`.

use certifyos::extras::BulkOutcome;
use certifyos::types::{
    CreateWebhookResponseDto, CreateWebhooksDto, EventType,
    PaginatedCredentialingWorkflowsResponseDto, TerminateProviderV2Dto, WebhookResponseDto,
};
use certifyos_mock::MockServerExt;
use serde_json::json;

fn webhook(id: &str, url: &str) -> WebhookResponseDto {
    serde_json::from_value(json!({
        "id": id,
        "url": url,
        "event_types": ["PSV_COMPLETED", "SOME_EVENT_CERTIFYOS_ADDED_LATER"],
        "created_at": "2026-11-30T00:00:00Z",
        "updated_at": "2026-11-30T00:00:00Z",
        "created_by": "someone",
        "organization_id": certifyos_mock::ORGANIZATION_ID,
    }))
    .expect("a webhook the document allows")
}

#[tokio::test]
async fn a_typed_response_reaches_the_caller_decoded() {
    let mock = certifyos_mock::start().await;
    let listed = mock.webhooks_fetch_all(|when, then| {
        when.into_inner()
            .header("organization-id", certifyos_mock::ORGANIZATION_ID)
            .header(
                "authorization",
                format!("Bearer {}", certifyos_mock::ACCESS_TOKEN),
            );
        then.ok(&vec![webhook("wh_1", "https://example.test/hooks")]);
    });

    let webhooks = mock.client().webhooks_fetch_all().send().await.unwrap();

    listed.assert();
    assert_eq!(webhooks.len(), 1);
    assert_eq!(webhooks[0].id, "wh_1");
    assert_eq!(webhooks[0].url, "https://example.test/hooks");
    assert_eq!(webhooks[0].event_types[0], EventType::PsvCompleted);
    assert_eq!(
        webhooks[0].event_types[1].to_string(),
        "SOME_EVENT_CERTIFYOS_ADDED_LATER"
    );
}

#[tokio::test]
async fn an_expectation_on_the_body_matches_only_that_body() {
    let mock = certifyos_mock::start().await;
    let expected: CreateWebhooksDto = CreateWebhooksDto::builder()
        .url("https://example.test/hooks")
        .event_types(vec![EventType::PsvCompleted])
        .try_into()
        .unwrap();
    let created = mock.webhooks_create(|when, then| {
        when.body(&expected);
        then.created(&certifyos_mock::from_json::<CreateWebhookResponseDto>(
            serde_json::json!({"id": "wh_9"}),
        ));
    });
    let client = mock.client();

    // Fields of a non-exhaustive struct can be set after construction.
    let mut other = expected.clone();
    other.url = "https://elsewhere.test/hooks".into();
    let missed = client
        .webhooks_create()
        .body(other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(created.calls(), 0, "another body must not match");
    assert!(
        matches!(&missed, certifyos::Error::Api(api) if api.status == 404),
        "httpmock answers an unmatched request 404: {missed}"
    );

    let answer = client
        .webhooks_create()
        .body(expected.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.id, "wh_9");
    created.assert();
}

#[tokio::test]
async fn an_error_status_surfaces_as_error_api() {
    let mock = certifyos_mock::start().await;
    mock.webhooks_fetch_all(|_, then| {
        then.error(
            403,
            json!({"statusCode": 403, "message": "Forbidden resource"}),
        );
    });

    let error = mock.client().webhooks_fetch_all().send().await.unwrap_err();

    let certifyos::Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, 403);
    assert_eq!(api.message.as_deref(), Some("Forbidden resource"));
}

#[tokio::test]
async fn array_query_parameters_match_item_by_item() {
    let mock = certifyos_mock::start().await;
    let page: PaginatedCredentialingWorkflowsResponseDto =
        serde_json::from_value(json!({"count": 0, "data": []})).unwrap();
    let filtered = mock.credentialing_workflows_find_all(|when, then| {
        when.org_entity_ids(&vec!["ent_a".to_string(), "ent_b".to_string()]);
        then.ok(&page);
    });

    let client = mock.client();
    let answer = client
        .credentialing_workflows_find_all()
        .org_entity_ids(vec!["ent_a".to_string(), "ent_b".to_string()])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.count, 0.0);
    filtered.assert();

    let unfiltered = client.credentialing_workflows_find_all().send().await;
    assert!(unfiltered.is_err(), "no entity filter: no match");
    assert_eq!(filtered.calls(), 1);
}

#[tokio::test]
async fn a_hand_written_bulk_operation_is_mocked_like_the_others() {
    let mock = certifyos_mock::start().await;
    let body: TerminateProviderV2Dto = serde_json::from_value(json!({
        "provider_ids": ["p1", "p2"],
        "filters": {},
        "reason": "left the network"
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let terminated = mock.providers_v2_terminate(|when, then| {
        when.body(&body);
        then.multi_status(json!([{"providerId": "p2", "error": "Not found"}]));
    });

    let outcome = mock
        .client()
        .providers_v2_terminate()
        .body(body.clone())
        .send()
        .await
        .unwrap();

    terminated.assert();
    let BulkOutcome::Partial(partial) = &outcome else {
        panic!("a 207 is a partial failure, not success: {outcome:?}");
    };
    assert_eq!(partial.failures.len(), 1);
    assert_eq!(partial.failures[0].id.as_deref(), Some("p2"));
}

#[tokio::test]
async fn path_parameters_are_matched() {
    let mock = certifyos_mock::start().await;
    let reverted = mock.credentialing_workflows_revert_status(|when, then| {
        when.id("wf_1");
        then.ok();
    });
    let client = mock.client();
    let body = json!({
        "reason": "r", "section": "s", "workflowId": "wf_1",
        "pipelineExecutionSource": "x", "pipelineExecutionType": "y"
    });

    let wrong = client
        .credentialing_workflows_revert_status()
        .id("wf_2")
        .body(serde_json::from_value::<certifyos::types::RevertStatusDto>(body.clone()).unwrap())
        .send()
        .await;
    assert!(wrong.is_err());
    client
        .credentialing_workflows_revert_status()
        .id("wf_1")
        .body(serde_json::from_value::<certifyos::types::RevertStatusDto>(body).unwrap())
        .send()
        .await
        .unwrap();
    reverted.assert();
}
