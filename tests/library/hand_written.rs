//! The operations written by hand (src/extras): multipart uploads, 207 bulk
//! results, two successes — each against an in-process server.

use std::collections::BTreeSet;

use certifyos::extras::{BulkOutcome, ItemFailure, Upload};
use certifyos::operations::{Exposure, OPERATIONS};
use certifyos::{types, Client, Error};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("tok-1")
        .build()
        .unwrap()
}

fn dto<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// A bulk operation, its HTTP method and path, and a call of its facade method
/// reduced to (all succeeded, failures).
struct Bulk {
    rust_name: &'static str,
    method: &'static str,
    path: &'static str,
}

const BULK: &[Bulk] = &[
    Bulk {
        rust_name: "providers_v2_terminate",
        method: "PATCH",
        path: "/v2/providers/terminate-providers",
    },
    Bulk {
        rust_name: "providers_v2_un_terminate",
        method: "PATCH",
        path: "/v2/providers/unterminate-providers",
    },
    Bulk {
        rust_name: "providers_v2_share_bulk_to_cred_committee",
        method: "POST",
        path: "/v2/providers/bulk-share-to-cred-committee",
    },
    Bulk {
        rust_name: "flags_mark_read_bulk",
        method: "PATCH",
        path: "/flags/bulk-mark-read",
    },
    Bulk {
        rust_name: "flags_mark_unread_bulk",
        method: "PATCH",
        path: "/flags/bulk-mark-unread",
    },
    Bulk {
        rust_name: "flags_v2_mark_read_bulk",
        method: "PATCH",
        path: "/v2/flags/bulk-mark-read",
    },
    Bulk {
        rust_name: "facility_v2_terminate",
        method: "PATCH",
        path: "/v2/facilities/terminate-facility",
    },
    Bulk {
        rust_name: "facility_v2_unterminate",
        method: "PATCH",
        path: "/v2/facilities/unterminate-facility",
    },
    Bulk {
        rust_name: "org_entities_v2_associate_facility_as_location",
        method: "POST",
        path: "/v2/groups/g1/associate-facilities",
    },
    Bulk {
        rust_name: "org_entities_v2_disassociate_facility_from_location",
        method: "DELETE",
        path: "/v2/groups/g1/associate-facilities",
    },
];

fn outcome<T>(result: Result<BulkOutcome<T>, Error>) -> Result<(bool, Vec<ItemFailure>), Error> {
    result.map(|o| (o.all_succeeded(), o.failures().to_vec()))
}

async fn call(client: &Client, rust_name: &str) -> Result<(bool, Vec<ItemFailure>), Error> {
    let filters = json!({"limit": 10, "offset": 0});
    match rust_name {
        "providers_v2_terminate" => outcome(
            client
                .providers_v2_terminate()
                .body(dto::<types::TerminateProviderV2Dto>(
                    json!({"provider_ids": ["p1"], "reason": "r", "filters": filters}),
                ))
                .send()
                .await,
        ),
        "providers_v2_un_terminate" => outcome(
            client
                .providers_v2_un_terminate()
                .body(dto::<types::UnterminateProviderV2Dto>(
                    json!({"provider_ids": ["p1"], "reason": "r", "filters": filters}),
                ))
                .send()
                .await,
        ),
        "providers_v2_share_bulk_to_cred_committee" => outcome(
            client
                .providers_v2_share_bulk_to_cred_committee()
                .body(dto::<types::ShareBulkProviderToCredCommDtoV2>(
                    json!({"provider_ids": ["p1"], "reason": "r"}),
                ))
                .send()
                .await,
        ),
        "flags_mark_read_bulk" => outcome(
            client
                .flags_mark_read_bulk()
                .body(dto::<types::FlagMarkReadAllRequestDto>(
                    json!({"flagIds": ["f1"], "reason": "r"}),
                ))
                .send()
                .await,
        ),
        "flags_mark_unread_bulk" => outcome(
            client
                .flags_mark_unread_bulk()
                .body(dto::<types::FlagMarkUnreadAllRequestDto>(
                    json!({"flagIds": ["f1"]}),
                ))
                .send()
                .await,
        ),
        "flags_v2_mark_read_bulk" => outcome(
            client
                .flags_v2_mark_read_bulk()
                .body(dto::<types::FlagMarkReadAllRequestV2Dto>(
                    json!({"flag_ids": ["f1"], "reason": "r"}),
                ))
                .send()
                .await,
        ),
        "facility_v2_terminate" => outcome(
            client
                .facility_v2_terminate()
                .body(dto::<types::TerminateFacilityV2Dto>(
                    json!({"facility_ids": ["x1"], "reason": "r", "filters": {}}),
                ))
                .send()
                .await,
        ),
        "facility_v2_unterminate" => outcome(
            client
                .facility_v2_unterminate()
                .body(dto::<types::UnterminateFacilityV2Dto>(
                    json!({"facility_ids": ["x1"], "reason": "r", "filters": {}}),
                ))
                .send()
                .await,
        ),
        "org_entities_v2_associate_facility_as_location" => outcome(
            client
                .org_entities_v2_associate_facility_as_location()
                .id("g1")
                .body(dto::<types::AssociateFacilitiesV2Dto>(
                    json!({"list": [{"facilityId": "x1"}]}),
                ))
                .send()
                .await,
        ),
        "org_entities_v2_disassociate_facility_from_location" => outcome(
            client
                .org_entities_v2_disassociate_facility_from_location()
                .id("g1")
                .body(dto::<types::AssociateFacilitiesV2Dto>(
                    json!({"list": [{"facilityId": "x1"}]}),
                ))
                .send()
                .await,
        ),
        other => panic!("no call for {other}"),
    }
}

async fn serve(server: &MockServer, bulk: &Bulk, response: ResponseTemplate) {
    Mock::given(method(bulk.method))
        .and(path(bulk.path))
        .and(header("organization-id", "org_1"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn every_bulk_operation_takes_a_success_with_an_empty_body_as_all_succeeded() {
    for bulk in BULK {
        let server = MockServer::start().await;
        // The document declares JSON bodies for some of these 204s; a real 204 has none.
        serve(&server, bulk, ResponseTemplate::new(204)).await;
        let (all, failures) = call(&client(&server), bulk.rust_name)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", bulk.rust_name));
        assert!(all && failures.is_empty(), "{}", bulk.rust_name);
    }
}

#[tokio::test]
async fn every_bulk_operation_reports_each_failed_item_of_a_207() {
    for bulk in BULK {
        let server = MockServer::start().await;
        let body = json!([{"providerId": "p1", "reason": "already terminated"}, {"flagId": "f2", "error": "Not found"}]);
        serve(
            &server,
            bulk,
            ResponseTemplate::new(207).set_body_json(body),
        )
        .await;
        let (all, failures) = call(&client(&server), bulk.rust_name)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", bulk.rust_name));
        assert!(
            !all,
            "{}: a partial failure must not look like success",
            bulk.rust_name
        );
        let reported: Vec<(Option<&str>, Option<&str>)> = failures
            .iter()
            .map(|f| (f.id.as_deref(), f.reason.as_deref()))
            .collect();
        assert_eq!(
            reported,
            vec![
                (Some("p1"), Some("already terminated")),
                (Some("f2"), Some("Not found"))
            ],
            "{}",
            bulk.rust_name
        );
    }
}

#[tokio::test]
async fn a_malformed_207_is_a_decode_error_with_the_raw_body() {
    let server = MockServer::start().await;
    serve(
        &server,
        &BULK[0],
        ResponseTemplate::new(207).set_body_raw("<html>partial</html>", "text/html"),
    )
    .await;
    match call(&client(&server), BULK[0].rust_name).await {
        Err(Error::Decode { status, body, .. }) => {
            assert_eq!(status.map(|s| s.as_u16()), Some(207));
            assert_eq!(body.as_bytes(), "<html>partial</html>".as_bytes());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn flags_v2_207_lists_fulfilled_items_as_successes() {
    let server = MockServer::start().await;
    let body = json!([{"status": "fullfilled", "id": "flagId1"}, {"status": "rejected", "id": "flagId2", "reason": {"status": 404, "name": "NotFoundException", "message": "provider-flags with id = flagId2 was not found"}}]);
    serve(
        &server,
        &BULK[5],
        ResponseTemplate::new(207).set_body_json(body),
    )
    .await;
    let outcome = client(&server)
        .flags_v2_mark_read_bulk()
        .body(dto::<types::FlagMarkReadAllRequestV2Dto>(
            json!({"flag_ids": ["flagId1", "flagId2"], "reason": "r"}),
        ))
        .send()
        .await
        .unwrap();
    let BulkOutcome::Partial(partial) = &outcome else {
        panic!("expected a partial failure")
    };
    assert_eq!(partial.succeeded, vec!["flagId1".to_string()]);
    assert_eq!(partial.failures.len(), 1);
    assert_eq!(
        partial.failures[0].reason.as_deref(),
        Some("provider-flags with id = flagId2 was not found")
    );
    let error = outcome.into_result().unwrap_err();
    assert!(matches!(error, Error::PartialFailure(_)));
    assert_eq!(error.to_string(), "partial failure: 1 item(s) failed; flagId2: provider-flags with id = flagId2 was not found");
}

#[tokio::test]
async fn bulk_create_returns_the_created_records_or_the_failures() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/providers"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!([{"provider_id": "p9", "error": {"message": "none"}}])),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/providers"))
        .respond_with(ResponseTemplate::new(207).set_body_json(
            json!([{"provider_id": "p10", "error": {"message": "NPI already exists"}}]),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let created = client
        .providers_v2_bulk_create()
        .body(Vec::new())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created = created.into_inner().into_result().unwrap();
    assert_eq!(created[0].provider_id.as_deref(), Some("p9"));
    let partial = client
        .providers_v2_bulk_create()
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    assert_eq!(partial.failures().len(), 1);
    assert_eq!(
        partial.failures()[0].reason.as_deref(),
        Some("NPI already exists")
    );
    assert_eq!(partial.failures()[0].id.as_deref(), Some("p10"));
}

#[tokio::test]
async fn a_bulk_error_status_is_an_api_error() {
    let server = MockServer::start().await;
    serve(
        &server,
        &BULK[3],
        ResponseTemplate::new(400).set_body_json(json!({"message": "flagIds must be an array"})),
    )
    .await;
    match call(&client(&server), BULK[3].rust_name).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status.as_u16(), 400);
            assert_eq!(api.operation, Some("flags_mark_read_bulk"));
            assert_eq!(api.message.as_deref(), Some("flagIds must be an array"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// One part of a multipart/form-data body.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

fn multipart_parts(request: &Request) -> Vec<Part> {
    let content_type = request.headers["content-type"].to_str().unwrap();
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a multipart boundary");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let positions: Vec<usize> = (0..body.len())
        .filter(|i| body[*i..].starts_with(delimiter.as_bytes()))
        .collect();
    for window in positions.windows(2) {
        let chunk = &body[window[0] + delimiter.len() + 2..window[1] - 2];
        let split = chunk.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&chunk[..split]).to_string();
        let field = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_string())
        };
        let content_type = head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(|_| l[14..].trim().to_string())
        });
        parts.push(Part {
            name: field("name").unwrap(),
            filename: field("filename"),
            content_type,
            data: chunk[split + 4..].to_vec(),
        });
    }
    parts
}

#[tokio::test]
async fn a_supporting_document_upload_sends_the_parts_the_document_declares() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/providers/prov%201/supporting-documents"))
        .and(header("organization-id", "org_1"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let pdf = b"%PDF-1.7 not really\x00\x01\x02".to_vec();
    let response = client(&server)
        .supporting_documents_upload()
        .id("prov 1")
        .file(Upload::from_bytes(
            pdf.clone(),
            "license.pdf",
            "application/pdf",
        ))
        .file_type("STATE_LICENSE")
        .state(types::UsState::Ca)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let request = &server.received_requests().await.unwrap()[0];
    let parts = multipart_parts(request);
    assert_eq!(
        parts,
        vec![
            Part {
                name: "file".into(),
                filename: Some("license.pdf".into()),
                content_type: Some("application/pdf".into()),
                data: pdf
            },
            Part {
                name: "fileType".into(),
                filename: None,
                content_type: None,
                data: b"STATE_LICENSE".to_vec()
            },
            Part {
                name: "state".into(),
                filename: None,
                content_type: None,
                data: b"CA".to_vec()
            },
        ]
    );
}

#[tokio::test]
async fn an_attested_document_upload_streams_a_file_with_the_clients_organization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/provider/p1/attested-data/documents"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let file = std::env::temp_dir().join(format!("certifyos-upload-{}.png", std::process::id()));
    let contents: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &contents).unwrap();
    client(&server)
        .provider_v2_upload_provider_documents()
        .provider_id("p1")
        .workflow_id("wf_7")
        .file_type("DIPLOMA")
        .file(Upload::from_path(&file, "image/png"))
        .send()
        .await
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let parts = multipart_parts(&server.received_requests().await.unwrap()[0]);
    let field = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no part {name}"))
    };
    assert_eq!(field("fileType").data, b"DIPLOMA");
    assert_eq!(field("organizationId").data, b"org_1");
    assert_eq!(field("workflowId").data, b"wf_7");
    let upload = field("file");
    assert_eq!(
        upload.filename.as_deref(),
        Some(file.file_name().unwrap().to_str().unwrap())
    );
    assert_eq!(upload.content_type.as_deref(), Some("image/png"));
    assert_eq!(upload.data, contents);
}

#[tokio::test]
async fn a_missing_upload_file_is_an_error_naming_it() {
    let server = MockServer::start().await;
    let error = client(&server)
        .supporting_documents_upload()
        .id("p1")
        .file(Upload::from_path(
            "/nonexistent/license.pdf",
            "application/pdf",
        ))
        .file_type("X")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(m) if m.starts_with("/nonexistent/license.pdf: cannot read the upload")),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn creating_a_credentialing_workflow_tells_which_success_arrived() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/provider/p1/credentialing-workflows"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "wf_1", "providerId": "p1"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/provider/p1/credentialing-workflows"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let client = client(&server);
    let existing = client
        .provider_v2_create_credentialing_workflow()
        .provider_id("p1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(existing.status().as_u16(), 200);
    assert_eq!(existing.into_inner().unwrap().id.as_deref(), Some("wf_1"));
    let created = client
        .provider_v2_create_credentialing_workflow()
        .provider_id("p1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert!(created.into_inner().is_none());
}

#[tokio::test]
async fn a_missing_required_argument_is_an_invalid_request_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client
        .provider_v2_upload_provider_documents()
        .provider_id("p1")
        .file_type("DIPLOMA")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: provider_v2_upload_provider_documents: `workflow_id` is required"
    );
    let error = client.providers_v2_terminate().send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: providers_v2_terminate: `body` is required"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn the_table_and_these_tests_cover_the_same_hand_written_operations() {
    let in_table: BTreeSet<&str> = OPERATIONS
        .iter()
        .filter(|op| matches!(op.exposure, Exposure::HandWritten { .. }))
        .map(|op| op.rust_name)
        .collect();
    let mut tested: BTreeSet<&str> = BULK.iter().map(|b| b.rust_name).collect();
    tested.extend([
        "providers_v2_bulk_create",
        "supporting_documents_upload",
        "provider_v2_upload_provider_documents",
        "provider_v2_create_credentialing_workflow",
    ]);
    assert_eq!(in_table, tested);
}
