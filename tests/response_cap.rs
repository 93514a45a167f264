//! A response far larger than the client's limit ends the call with
//! `Error::ResponseTooLarge`, holding no more than the limit: a list call
//! answered with a 1 GiB streamed body (no length announced) grows the
//! client's peak memory by about the limit, not by the body. Its own test
//! binary (one test, one process), so the peak resident memory it reads is
//! this call's alone.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const BODY_SIZE: u64 = 1024 * 1024 * 1024;
const CHUNK: usize = 256 * 1024;
/// The client's default limit (`ClientBuilder::max_response_bytes`).
const LIMIT: u64 = 256 * 1024 * 1024;
/// Room above the limit for hyper's buffers and the allocator: a few MiB.
const SLACK_KB: u64 = 8 * 1024;

#[path = "support/memory.rs"]
mod memory;
use memory::peak_resident_kb;

/// A server on loopback that answers one request with `BODY_SIZE` bytes of
/// JSON-ish filler in chunked encoding, until the client hangs up; returns
/// how many body bytes it got to write.
async fn streaming_server() -> (String, tokio::task::JoinHandle<u64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(socket);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap() == 0 || line == "\r\n" {
                break;
            }
        }
        let mut socket = reader.into_inner();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', CHUNK));
        chunk.extend_from_slice(b"\r\n");
        let mut sent = 0u64;
        while sent < BODY_SIZE {
            if socket.write_all(&chunk).await.is_err() {
                break;
            }
            sent += CHUNK as u64;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        sent
    });
    (format!("http://{address}"), handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_gib_streamed_response_is_cut_at_the_limit_without_holding_more() {
    let (url, server) = streaming_server().await;
    let client = certifyos::Client::builder()
        .base_url(url)
        .organization_id("org_1")
        .bearer_token("token-1")
        .retries(0)
        .build()
        .unwrap();
    let before = peak_resident_kb();
    let error = client.webhooks_fetch_all().send().await.unwrap_err();
    let growth = peak_resident_kb().saturating_sub(before);
    let sent = server.await.unwrap();
    match &error {
        certifyos::Error::ResponseTooLarge { operation, limit } => {
            assert_eq!(*operation, Some("webhooks_fetch_all"));
            assert_eq!(*limit, LIMIT);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    // The server got past the limit, and stopped well before the end.
    assert!(sent > LIMIT && sent < BODY_SIZE, "sent {sent} bytes");
    println!(
        "peak resident memory grew by {} MiB reading a {} MiB body against a {} MiB limit ({} MiB sent)",
        growth / 1024,
        BODY_SIZE >> 20,
        LIMIT >> 20,
        sent >> 20
    );
    assert!(
        growth <= LIMIT / 1024 + SLACK_KB,
        "peak memory grew by {growth} KiB; the limit is {} KiB",
        LIMIT / 1024
    );
}
