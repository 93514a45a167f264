//! The drift report on the real CertifyOS document (`../shared`): one
//! change of the API per test, classified as the generated Rust sees it.

use serde_json::{json, Value};
use xtask::drift::{compare, markdown, Change, Impact, Report, Section};

fn pinned() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../",
        "../shared/spec/certifyos-application-api.json"
    );
    serde_json::from_slice(&std::fs::read(path).expect("the pinned document")).unwrap()
}

fn drift(edit: impl FnOnce(&mut Value)) -> Report {
    let old = pinned();
    let mut new = old.clone();
    edit(&mut new);
    compare(&old, &new, &Default::default()).unwrap()
}

fn only(report: &Report) -> &Change {
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    &report.changes[0]
}

#[test]
fn the_document_against_itself_has_no_changes() {
    let report = drift(|_| {});
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn a_new_event_type_is_additive_in_its_own_section() {
    let report = drift(|doc| {
        for site in xtask::normalize::adapt::EVENT_TYPE_SITES {
            doc.pointer_mut(&format!("{site}/enum"))
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(json!("PROVIDER_ARCHIVED"));
        }
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::EventType, Impact::Additive)
    );
    assert_eq!(change.what, "value `PROVIDER_ARCHIVED` added");
    assert_eq!(report.exit_code(), 1);
    assert!(markdown(&report, "a", "b").contains("## Webhook event types (`EventType`)"));
}

#[test]
fn a_removed_operation_is_breaking() {
    let report = drift(|doc| {
        doc["paths"]["/v2/webhooks/{webhookId}/test-event"]
            .as_object_mut()
            .unwrap()
            .remove("post");
    });
    let removed: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.section == Section::Operations)
        .collect();
    assert_eq!(removed.len(), 1, "{:#?}", report.changes);
    assert_eq!(removed[0].impact, Impact::Breaking);
    assert_eq!(
        removed[0].location,
        "POST /v2/webhooks/{webhookId}/test-event"
    );
    assert_eq!(report.exit_code(), 2);
}

#[test]
fn a_new_required_body_property_is_breaking_at_its_schema() {
    let report = drift(|doc| {
        let schema = &mut doc["components"]["schemas"]["CreateWebhooksDto"];
        schema["properties"]["secret"] = json!({"type": "string"});
        schema["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("secret"));
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Schemas, Impact::Breaking)
    );
    assert_eq!(
        (change.location.as_str(), change.what.as_str()),
        ("CreateWebhooksDto.secret", "new required property")
    );
}

#[test]
fn a_changed_property_type_is_breaking() {
    let report = drift(|doc| {
        doc["components"]["schemas"]["WebhookResponseDto"]["properties"]["created_at"] =
            json!({"type": "number"});
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Schemas, Impact::Breaking)
    );
    assert_eq!(change.location, "WebhookResponseDto.created_at");
    assert_eq!(change.what, "type string → number");
}

#[test]
fn a_new_optional_query_parameter_is_additive() {
    let report = drift(|doc| {
        doc["paths"]["/v2/webhooks"]["get"]["parameters"].as_array_mut().unwrap().push(json!({"name": "active", "in": "query", "required": false, "schema": {"type": "boolean"}}));
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Parameters, Impact::Additive)
    );
    assert_eq!(
        (change.location.as_str(), change.what.as_str()),
        ("GET /v2/webhooks", "new optional query parameter `active`")
    );
}

#[test]
fn a_new_error_response_is_additive() {
    let report = drift(|doc| {
        doc["paths"]["/v2/webhooks"]["get"]["responses"]["429"] =
            json!({"description": "Too many requests"});
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Responses, Impact::Additive)
    );
    assert_eq!(change.what, "error response 429 added");
}

#[test]
fn a_value_removed_from_a_response_enum_is_breaking() {
    let report = drift(|doc| {
        let values = doc["components"]["schemas"]["ProviderV2Dto"]["properties"]
            ["monitoring_status"]["enum"]
            .as_array_mut()
            .unwrap();
        values.retain(|v| v != "Data Missing");
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Enums, Impact::Breaking)
    );
    assert_eq!(
        (change.location.as_str(), change.what.as_str()),
        (
            "ProviderV2DtoMonitoringStatus",
            "value `Data Missing` removed (its variant disappears)"
        )
    );
}

#[test]
fn splitting_a_shared_value_set_changes_the_types_that_shared_it() {
    // DeaStatus's values are shared with DeaDto.status and another place; dropping one
    // from DeaStatus alone gives those places a type of their own in the generated Rust.
    let report = drift(|doc| {
        doc["components"]["schemas"]["DeaStatus"]["enum"]
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "Inactive");
    });
    assert!(report.changes.iter().any(|c| c.location == "DeaStatus"
        && c.what == "value `Inactive` removed (its variant disappears)"));
    assert!(report
        .changes
        .iter()
        .any(|c| c.location == "DeaDto.status" && c.impact == Impact::Breaking));
    assert_eq!(report.exit_code(), 2);
}

#[test]
fn a_new_defect_the_passes_repair_is_reported_but_is_no_api_change() {
    let report = drift(|doc| {
        let values = doc["components"]["schemas"]["DeaStatus"]["enum"]
            .as_array_mut()
            .unwrap();
        values.push(json!("Active"));
    });
    let change = only(&report);
    assert_eq!(
        (change.section, change.impact),
        (Section::Defects, Impact::Additive)
    );
    assert!(
        change.what.starts_with(
            "pass dedupe_enum_values repaired 1 new place(s): /components/schemas/DeaStatus/enum"
        ),
        "{}",
        change.what
    );
}
