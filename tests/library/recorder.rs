//! A loopback HTTP proxy that keeps every response it passes on: the
//! contract tests put it between the client and Prism, so the bodies Prism
//! really sent can be decoded again by serde's path and compared with what
//! the client's generated decoders made of them.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

/// One response as it went back to the client.
pub struct Exchange {
    pub method: String,
    /// The request's path, without its query.
    pub path: String,
    pub status: u16,
    pub body: Bytes,
}

/// The proxy: `url` forwards to the upstream it was started for.
pub struct Recorder {
    pub url: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// Listens on a free loopback port and forwards every request to `upstream`.
    pub async fn start(upstream: &str) -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let exchanges: Arc<Mutex<Vec<Exchange>>> = Arc::default();
        let (seen, upstream) = (exchanges.clone(), upstream.to_string());
        // The crate's TLS setup: reqwest's own default has no crypto provider.
        let http = certifyos::http_client_builder().unwrap().build().unwrap();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (seen, upstream, http) = (seen.clone(), upstream.clone(), http.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let (seen, upstream, http) = (seen.clone(), upstream.clone(), http.clone());
                        async move {
                            Ok::<_, Infallible>(forward(&http, &upstream, &seen, request).await)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Recorder {
            url,
            exchanges,
            accept,
        }
    }

    /// Every response passed on so far, in order.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut self.exchanges.lock().unwrap())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn forward(
    http: &reqwest::Client,
    upstream: &str,
    seen: &Mutex<Vec<Exchange>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |p| p.as_str());
    let mut headers = parts.headers.clone();
    headers.remove(hyper::header::HOST);
    let response = http
        .request(parts.method.clone(), format!("{upstream}{target}"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("the upstream answers");
    let status = response.status();
    let mut headers = response.headers().clone();
    let body = response.bytes().await.expect("the upstream's body");
    seen.lock().unwrap().push(Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        status: status.as_u16(),
        body: body.clone(),
    });
    // The body goes back whole: its length is the one hyper sets.
    headers.remove(hyper::header::CONTENT_LENGTH);
    headers.remove(hyper::header::TRANSFER_ENCODING);
    let mut answer = hyper::Response::new(Full::new(body));
    *answer.status_mut() = status;
    *answer.headers_mut() = headers;
    answer
}
