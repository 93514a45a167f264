//! List operations page themselves: `stream()` and `pages()` against an
//! in-process server that pages like CertifyOS (offset/limit, `count`).

use certifyos::{Client, Error};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("tok-1")
        .retries(0)
        .build()
        .unwrap()
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Serves `total` items `{"id": "w<n>"}` as CertifyOS pages them:
/// `{data, count}` (or a bare array without `count`), by offset and limit.
struct Pages {
    total: usize,
    with_count: bool,
    /// A status to answer instead, for the request with this offset.
    fail_at_offset: Option<(usize, u16)>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset: usize = query(request, "offset").unwrap().parse().unwrap();
        let limit: usize = query(request, "limit").unwrap().parse().unwrap();
        if let Some((at, status)) = self.fail_at_offset {
            if at == offset {
                return ResponseTemplate::new(status)
                    .set_body_json(json!({"message": "page failed"}));
            }
        }
        let end = (offset + limit).min(self.total);
        let items: Vec<Value> = (offset.min(end)..end)
            .map(|i| {
                if self.with_count {
                    json!({"id": format!("w{i}")})
                } else {
                    provider(i)
                }
            })
            .collect();
        let body = if self.with_count {
            json!({"data": items, "count": self.total})
        } else {
            Value::Array(items)
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// One item of GET /v2/providers (a bare array, no `count`).
fn provider(i: usize) -> Value {
    json!({
        "first_name": "Ada", "middle_name": "", "last_name": "Lovelace", "npi": "1234567890",
        "degree": "MD", "provider_id": format!("p{i}"), "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z", "status": "ACTIVE", "credentialing_status": "IN_PROGRESS",
        "credentialing_status_update_date": "", "external_id": "", "gender": "F", "primary_email": "",
        "caqh_primary_email": "", "dob": "", "isHospitalBased": false, "practice_location": []
    })
}

async fn workflows(pages: Pages) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(pages)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn count_250_with_pages_of_100_is_three_requests_each_with_the_filters() {
    let server = workflows(Pages {
        total: 250,
        with_count: true,
        fail_at_offset: None,
    })
    .await;
    let items: Vec<_> = client(&server)
        .credentialing_workflows_find_all()
        .name("Lovelace")
        .include_terminated_providers(true)
        .page_size(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = items.iter().map(|w| w.id.clone().unwrap()).collect();
    assert_eq!(ids, (0..250).map(|i| format!("w{i}")).collect::<Vec<_>>());
    let requests = requests(&server).await;
    let windows: Vec<(String, String)> = requests
        .iter()
        .map(|r| (query(r, "offset").unwrap(), query(r, "limit").unwrap()))
        .collect();
    assert_eq!(
        windows,
        vec![
            ("0".into(), "100".into()),
            ("100".into(), "100".into()),
            ("200".into(), "100".into())
        ]
    );
    for request in &requests {
        assert_eq!(query(request, "name").as_deref(), Some("Lovelace"));
        assert_eq!(
            query(request, "includeTerminatedProviders").as_deref(),
            Some("true")
        );
        assert_eq!(request.headers["organization-id"], "org_1");
    }
}

#[tokio::test]
async fn an_empty_first_page_is_one_request() {
    let server = workflows(Pages {
        total: 0,
        with_count: true,
        fail_at_offset: None,
    })
    .await;
    let items: Vec<_> = client(&server)
        .credentialing_workflows_find_all()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

/// GET /v2/providers serving `total` providers, a bare array without `count`.
async fn providers(total: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/providers"))
        .respond_with(Pages {
            total,
            with_count: false,
            fail_at_offset: None,
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn without_count_a_short_page_is_the_last() {
    let server = providers(25).await;
    let items: Vec<_> = client(&server)
        .providers_v2_find_all()
        .page_size(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 25);
    assert_eq!(items[24].provider_id, "p24");
    // 10 + 10 + 5: the short third page ends it, no fourth request.
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn without_count_an_exact_multiple_ends_on_the_empty_page() {
    let server = providers(20).await;
    let pages: Vec<_> = client(&server)
        .providers_v2_find_all()
        .page_size(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, vec![10, 10, 0]);
    assert!(pages.iter().all(|p| p.count.is_none()));
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_once_and_ends_the_stream() {
    let server = workflows(Pages {
        total: 250,
        with_count: true,
        fail_at_offset: Some((100, 500)),
    })
    .await;
    let results: Vec<Result<_, Error>> = client(&server)
        .credentialing_workflows_find_all()
        .page_size(100)
        .stream()
        .collect()
        .await;
    assert_eq!(
        results.len(),
        101,
        "100 items, then the error, then nothing"
    );
    assert!(results[..100].iter().all(Result::is_ok));
    match &results[100] {
        Err(Error::Api(api)) => {
            assert_eq!(api.status.as_u16(), 500);
            assert_eq!(api.message.as_deref(), Some("page failed"));
        }
        other => panic!("expected the page's API error, got {other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn pages_carry_count_and_offset_and_start_where_the_caller_says() {
    let server = workflows(Pages {
        total: 7,
        with_count: true,
        fail_at_offset: None,
    })
    .await;
    let pages: Vec<_> = client(&server)
        .credentialing_workflows_find_all()
        .offset(2u64)
        .page_size(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let shape: Vec<(u64, usize, Option<u64>)> = pages
        .iter()
        .map(|p| (p.offset, p.items.len(), p.count))
        .collect();
    assert_eq!(shape, vec![(2, 3, Some(7)), (5, 2, Some(7))]);
}

#[tokio::test]
async fn without_a_page_size_pages_are_the_default_size() {
    let server = workflows(Pages {
        total: 1,
        with_count: true,
        fail_at_offset: None,
    })
    .await;
    let _: Vec<_> = client(&server)
        .credentialing_workflows_find_all()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let limit = query(&requests(&server).await[0], "limit").unwrap();
    assert_eq!(limit, certifyos::pagination::DEFAULT_PAGE_SIZE.to_string());
}

/// A server that ignores `offset`: every request gets the first full page.
struct IgnoresOffset {
    with_count: bool,
}

impl Respond for IgnoresOffset {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let limit: usize = query(request, "limit").unwrap().parse().unwrap();
        let items: Vec<Value> = (0..limit)
            .map(|i| {
                if self.with_count {
                    json!({"id": format!("w{i}")})
                } else {
                    provider(i)
                }
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(if self.with_count {
            json!({"data": items, "count": 1_000_000_000u64})
        } else {
            Value::Array(items)
        })
    }
}

#[tokio::test]
async fn a_server_ignoring_offset_ends_the_stream_with_one_error_on_both_page_shapes() {
    for (with_count, route) in [(true, "/credentialing-workflows"), (false, "/v2/providers")] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(IgnoresOffset { with_count })
            .mount(&server)
            .await;
        let client = client(&server);
        let results: Vec<Result<(), Error>> = if with_count {
            client
                .credentialing_workflows_find_all()
                .page_size(10)
                .stream()
                .map(|r| r.map(|_| ()))
                .collect()
                .await
        } else {
            client
                .providers_v2_find_all()
                .page_size(10)
                .stream()
                .map(|r| r.map(|_| ()))
                .collect()
                .await
        };
        // The first page's 10 items, then one error; two requests in all.
        assert_eq!(results.len(), 11, "{route}");
        assert!(results[..10].iter().all(Result::is_ok), "{route}");
        match &results[10] {
            Err(Error::PagingStalled { offset: 10 }) => {}
            other => panic!("{route}: expected PagingStalled at 10, got {other:?}"),
        }
        assert_eq!(requests(&server).await.len(), 2, "{route}");
    }
}

#[tokio::test]
async fn a_stream_past_max_pages_ends_with_one_error_and_no_further_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(Pages {
            total: 100,
            with_count: true,
            fail_at_offset: None,
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .organization_id("org_1")
        .bearer_token("tok-1")
        .max_pages(3)
        .build()
        .unwrap();
    let results: Vec<Result<(), Error>> = client
        .credentialing_workflows_find_all()
        .page_size(10)
        .stream()
        .map(|r| r.map(|_| ()))
        .collect()
        .await;
    assert_eq!(results.len(), 31);
    assert!(results[..30].iter().all(Result::is_ok));
    match &results[30] {
        Err(e @ Error::TooManyPages { max_pages: 3 }) => assert_eq!(
            e.to_string(),
            "paging stopped: 3 pages read and the results go on (the limit, ClientBuilder::max_pages)"
        ),
        other => panic!("expected TooManyPages, got {other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 3);

    // Exactly max_pages pages to read: they all come, and no error.
    let pages: Vec<_> = client
        .credentialing_workflows_find_all()
        .page_size(40)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
}
