//! Contract tests: every operation through the public client against Prism
//! (an independent mock server) serving the repaired CertifyOS document. Prism
//! validates every request against the document and answers from it; with
//! `--errors` a response that violates the document is a 500.
//!
//! The client talks to Prism through a recording proxy: every successful
//! body it decoded is decoded again by serde's path (the `serde` feature's
//! derives), and both must give the same value — on the document's
//! examples and on the responses Prism makes up from the schemas.
//!
//! Setup: `cargo xtask test` installs Prism (contract/package-lock.json) and
//! writes the repaired document, then runs the tests. Without them these
//! tests fail, saying so: they are never skipped.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use certifyos::extras::Upload;
use certifyos::operations::{Exposure, Operation, OPERATIONS};
use certifyos::{types, Client, Error};

use crate::recorder::{Exchange, Recorder};

include!("../../generated/contract_calls.rs");

const SETUP: &str =
    "run `cargo xtask test` (it installs Prism with npm and writes the repaired document)";

fn prism_binary() -> PathBuf {
    let path = std::env::var_os("CERTIFYOS_PRISM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract/node_modules/.bin/prism")
        });
    assert!(
        path.exists(),
        "Prism is not installed at {}: {SETUP}",
        path.display()
    );
    path
}

fn repaired_document() -> PathBuf {
    let path = std::env::var_os("CERTIFYOS_CONTRACT_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/contract/certifyos-repaired.json")
        });
    assert!(
        path.exists(),
        "no repaired document at {}: {SETUP}",
        path.display()
    );
    path
}

/// A Prism process on a free loopback port, stopped when dropped (also when
/// a test fails).
struct Prism {
    child: Child,
    url: String,
}

impl Prism {
    fn start(extra: &[&str]) -> Prism {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(prism_binary())
            .arg("mock")
            .arg(repaired_document())
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--errors",
                "-v",
                "warn",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism: {e}; {SETUP}"));
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("Prism exited with {status} before listening");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Prism did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }

    /// A client that authenticates with client credentials at Prism's token endpoint.
    fn client(&self) -> Client {
        self.client_via(&self.url)
    }

    /// [`Prism::client`], sending its requests to `url` (a [`Recorder`] in
    /// front of Prism).
    fn client_via(&self, url: &str) -> Client {
        Client::builder()
            .base_url(url)
            .organization_id("org_contract")
            .client_credentials("contract-client", "contract-secret")
            .retries(0)
            .build()
            .unwrap()
    }

    /// A client sending `Prefer: {prefer}` on every API call to `url`, with a
    /// token fetched from Prism beforehand (the token request must not carry it).
    async fn client_preferring(&self, prefer: &str, url: &str) -> Client {
        let token = self
            .client()
            .auth_tokens_create_api_token()
            .body(
                types::CreateApiAuthTokenDto::builder()
                    .client_id("contract-client")
                    .client_secret("contract-secret"),
            )
            .send()
            .await
            .expect("a token from Prism")
            .access_token;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("prefer", prefer.parse().unwrap());
        Client::builder()
            .base_url(url)
            .organization_id("org_contract")
            .bearer_token(token)
            .retries(0)
            .http_client(
                certifyos::http_client_builder()
                    .unwrap()
                    .default_headers(headers)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn describe(error: &Error) -> String {
    match error {
        Error::Api(api) => format!(
            "{} {}",
            api.status,
            String::from_utf8_lossy(api.body.as_bytes())
        ),
        Error::Decode {
            path, reason, body, ..
        } => {
            format!(
                "decode at {path:?}: {reason}; body {}",
                String::from_utf8_lossy(&body.as_bytes()[..body.len().min(300)])
            )
        }
        other => other.to_string(),
    }
}

fn dto<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid example")
}

/// The operations written by hand, called once each; returns the operationIds.
async fn hand_written(client: &Client, failures: &mut Vec<String>) -> BTreeSet<&'static str> {
    let filters = serde_json::json!({"limit": 10, "offset": 0});
    let mut record = |id: &'static str, result: Result<(), Error>| {
        if let Err(e) = result {
            failures.push(format!("{id}: {}", describe(&e)));
        }
        id
    };
    let pdf = || Upload::from_bytes(b"%PDF-1.7".to_vec(), "license.pdf", "application/pdf");
    let mut called = BTreeSet::new();
    called.insert(record(
        "ProvidersV2Controller_bulkCreate",
        client
            .providers_v2_bulk_create()
            .body(Vec::new())
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "ProvidersV2Controller_terminate",
        client
            .providers_v2_terminate()
            .body(dto::<types::TerminateProviderV2Dto>(
                serde_json::json!({"provider_ids": ["p1"], "reason": "r", "filters": filters}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "ProvidersV2Controller_UnTerminate",
        client
            .providers_v2_un_terminate()
            .body(dto::<types::UnterminateProviderV2Dto>(
                serde_json::json!({"provider_ids": ["p1"], "reason": "r", "filters": filters}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "ProvidersV2Controller_shareBulkToCredCommittee",
        client
            .providers_v2_share_bulk_to_cred_committee()
            .body(dto::<types::ShareBulkProviderToCredCommDtoV2>(
                serde_json::json!({"provider_ids": ["p1"], "reason": "r"}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "FlagsController_markReadBulk",
        client
            .flags_mark_read_bulk()
            .body(dto::<types::FlagMarkReadAllRequestDto>(
                serde_json::json!({"flagIds": ["f1"], "reason": "r"}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "FlagsController_markUnreadBulk",
        client
            .flags_mark_unread_bulk()
            .body(dto::<types::FlagMarkUnreadAllRequestDto>(
                serde_json::json!({"flagIds": ["f1"]}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "FlagsV2Controller_markReadBulk",
        client
            .flags_v2_mark_read_bulk()
            .body(dto::<types::FlagMarkReadAllRequestV2Dto>(
                serde_json::json!({"flag_ids": ["f1"], "reason": "r"}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "FacilityV2Controller_terminate",
        client
            .facility_v2_terminate()
            .body(dto::<types::TerminateFacilityV2Dto>(
                serde_json::json!({"facility_ids": ["x1"], "reason": "r", "filters": {}}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "FacilityV2Controller_unterminate",
        client
            .facility_v2_unterminate()
            .body(dto::<types::UnterminateFacilityV2Dto>(
                serde_json::json!({"facility_ids": ["x1"], "reason": "r", "filters": {}}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "OrgEntitiesV2Controller_associateFacilityAsLocation",
        client
            .org_entities_v2_associate_facility_as_location()
            .id("g1")
            .body(dto::<types::AssociateFacilitiesV2Dto>(
                serde_json::json!({"list": [{"facilityId": "x1"}]}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "OrgEntitiesV2Controller_disassociateFacilityFromLocation",
        client
            .org_entities_v2_disassociate_facility_from_location()
            .id("g1")
            .body(dto::<types::AssociateFacilitiesV2Dto>(
                serde_json::json!({"list": [{"facilityId": "x1"}]}),
            ))
            .send()
            .await
            .map(drop),
    ));
    called.insert(record(
        "SupportingDocumentsController_upload",
        client
            .supporting_documents_upload()
            .id("p1")
            .file(pdf())
            .file_type("STATE_LICENSE")
            .state(types::UsState::Ca)
            .send()
            .await,
    ));
    called.insert(record(
        "ProviderV2Controller_uploadProviderDocuments",
        client
            .provider_v2_upload_provider_documents()
            .provider_id("p1")
            .workflow_id("wf1")
            .file_type("DIPLOMA")
            .file(pdf())
            .send()
            .await,
    ));
    called.insert(record(
        "ProviderV2Controller_createCredentialingWorkflow",
        client
            .provider_v2_create_credentialing_workflow()
            .provider_id("p1")
            .send()
            .await
            .map(drop),
    ));
    called
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_accepted_by_prism_and_its_response_decodes() {
    let prism = Prism::start(&[]);
    let recorder = Recorder::start(&prism.url).await;
    // The client authenticates for real: its token comes from Prism's token endpoint.
    let client = prism.client_via(&recorder.url);
    let mut failures = Vec::new();
    let mut exercised: BTreeSet<&str> = BTreeSet::new();
    for (index, (operation, variant)) in CONTRACT_CALLS.iter().enumerate() {
        match contract_call(&client, index).await {
            Ok(()) => {}
            Err(e) => failures.push(format!(
                "{operation} ({variant} arguments): {}",
                describe(&e)
            )),
        }
        exercised.insert(operation);
    }
    exercised.extend(hand_written(&client, &mut failures).await);
    let streamed: BTreeSet<&str> = CONTRACT_CALLS
        .iter()
        .filter(|(_, variant)| *variant == "stream")
        .map(|(id, _)| *id)
        .collect();
    let paginated: BTreeSet<&str> = OPERATIONS
        .iter()
        .filter(|op| op.paginated)
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(
        streamed, paginated,
        "every paginated operation is called once through its stream"
    );
    assert_eq!(paginated.len(), 5);
    let all: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.operation_id).collect();
    assert_eq!(
        exercised, all,
        "the contract calls must cover every operation of the document"
    );
    assert!(
        failures.is_empty(),
        "{} of {} calls failed:\n{}",
        failures.len(),
        CONTRACT_CALLS.len() + 14,
        failures.join("\n")
    );
    let (_, operations) = both_paths_agree(&recorder.take());
    assert!(operations >= 30, "{operations} operations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declared_webhook_error_maps_to_an_api_error_with_its_status() {
    let prism = Prism::start(&[]);
    let webhooks: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| op.path.starts_with("/v2/webhooks"))
        .collect();
    assert_eq!(webhooks.len(), 4);
    let mut checked = 0;
    for op in webhooks {
        let index = CONTRACT_CALLS
            .iter()
            .position(|(id, _)| *id == op.operation_id)
            .expect("a contract call");
        assert!(matches!(op.exposure, Exposure::Generated));
        for status in op.error_statuses {
            let client = prism
                .client_preferring(&format!("code={status}"), &prism.url)
                .await;
            match contract_call(&client, index).await {
                Err(Error::Api(api)) => {
                    assert_eq!(api.status.as_u16(), *status, "{}", op.operation_id)
                }
                other => panic!(
                    "{} with Prefer code={status}: expected an API error, got {other:?}",
                    op.operation_id
                ),
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} error statuses checked");
}

/// Responses Prism makes up from the schemas (json-schema-faker, fixed seed).
const DYNAMIC_SEED: &str = "20261127";
const DYNAMIC_RUNS: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_responses_of_every_json_operation_decode() {
    let prism = Prism::start(&["--seed", DYNAMIC_SEED]);
    let recorder = Recorder::start(&prism.url).await;
    let client = prism.client_preferring("dynamic=true", &recorder.url).await;
    let mut failures = Vec::new();
    let mut decoded = 0;
    for (index, (operation, variant)) in CONTRACT_CALLS
        .iter()
        .enumerate()
        .filter(|(_, (_, v))| *v == "required")
    {
        for run in 0..DYNAMIC_RUNS {
            match contract_call(&client, index).await {
                Ok(()) => decoded += 1,
                Err(e) => failures.push(format!(
                    "{operation} ({variant}), seed {DYNAMIC_SEED}, response {run}: {}",
                    describe(&e)
                )),
            }
        }
    }
    // The operations written by hand decode what they receive too.
    for _ in 0..DYNAMIC_RUNS {
        hand_written(&client, &mut failures).await;
    }
    assert!(
        failures.is_empty(),
        "{} responses failed to decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(decoded >= 10 * 60, "{decoded} responses decoded");
    let (compared, operations) = both_paths_agree(&recorder.take());
    assert!(
        compared >= DYNAMIC_RUNS * operations,
        "{compared} bodies decoded by both paths"
    );
}

/// The operation `method path` calls: the template that matches with the
/// most literal segments (`/v2/providers/licenses` before `/v2/providers/{id}`).
fn operation_of(method: &str, path: &str) -> Option<&'static Operation> {
    let segments: Vec<&str> = path.split('/').collect();
    OPERATIONS
        .iter()
        .filter(|op| op.method == method)
        .filter(|op| {
            let template: Vec<&str> = op.path.split('/').collect();
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
        .max_by_key(|op| op.path.split('/').filter(|t| !t.starts_with('{')).count())
}

macro_rules! decoders {
    ($(($name:expr, $ty:ty, $json:expr)),* $(,)?) => {
        /// The operations (`rust_name`) codegen wrote a decoder for.
        const DECODED: &[&str] = &[$($name),*];

        /// `body` decoded as the response type of the operation named
        /// `rust_name` by both paths: `Ok` when both give the same value,
        /// else both results (a successful body either refuses is a
        /// failure too); `None` where codegen wrote no decoder for it (the
        /// operations written by hand).
        fn both_paths(rust_name: &str, body: &str) -> Option<Result<(), String>> {
            $(if rust_name == $name {
                let theirs = crate::decoders::serde_path::<$ty>(body);
                let ours = crate::decoders::generated::<$ty>(body);
                return Some(match (&theirs, &ours) {
                    (Ok(a), Ok(b)) if a == b => Ok(()),
                    _ => Err(format!("serde {theirs:?}, generated {ours:?}")),
                });
            })*
            None
        }
    };
}

include!("../../generated/decoders.rs");

/// Every successful JSON body the client received, decoded again by serde's
/// path: both paths must decode it to the same value, and every operation
/// with a generated decoder
/// must be among them. Returns how many bodies and operations were compared.
fn both_paths_agree(exchanges: &[Exchange]) -> (usize, usize) {
    let mut compared = 0;
    let mut operations = BTreeSet::new();
    let mut disagreements = Vec::new();
    for exchange in exchanges {
        if !(200..300).contains(&exchange.status) || exchange.body.is_empty() {
            continue;
        }
        let operation = operation_of(&exchange.method, &exchange.path)
            .unwrap_or_else(|| panic!("no operation for {} {}", exchange.method, exchange.path));
        let body = std::str::from_utf8(&exchange.body).expect("a UTF-8 body");
        match both_paths(operation.rust_name, body) {
            Some(Ok(())) => {
                compared += 1;
                operations.insert(operation.operation_id);
            }
            Some(Err(paths)) => disagreements.push(format!(
                "{} answered {}: {}; body {}",
                operation.operation_id,
                exchange.status,
                paths.chars().take(300).collect::<String>(),
                body.chars().take(300).collect::<String>()
            )),
            None => {}
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} bodies decode differently on the two paths:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // Every operation with a generated decoder answered at least once.
    let decodable: BTreeSet<&str> = OPERATIONS
        .iter()
        .filter(|op| DECODED.contains(&op.rust_name))
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(
        operations, decodable,
        "operations whose bodies were compared"
    );
    eprintln!(
        "{compared} bodies of {} operations decoded by both paths",
        operations.len()
    );
    (compared, operations.len())
}
