//! An upload from a path is streamed: the client's memory does not grow with
//! the file. Its own test binary (one test, one process), so the peak
//! resident memory it reads is this upload's alone.

use std::io::Write;

use certifyos::extras::Upload;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const FILE_SIZE: u64 = 256 * 1024 * 1024;
/// Far below the file's size: what reading it whole would add at the least.
const ALLOWED_GROWTH_KB: u64 = 64 * 1024;

#[path = "support/memory.rs"]
mod memory;
use memory::peak_resident_kb;

/// A server on loopback that reads one request, counts its body bytes
/// without keeping them, and answers 201.
async fn counting_server() -> (String, tokio::task::JoinHandle<u64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(socket);
        let mut length = None;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = Some(value.trim().parse::<u64>().unwrap());
            }
            chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
            if line == "\r\n" {
                break;
            }
        }
        let mut received = 0u64;
        let mut buffer = vec![0u8; 64 * 1024];
        if let Some(length) = length {
            while received < length {
                let n = reader.read(&mut buffer).await.unwrap();
                assert!(n > 0, "connection closed early");
                received += n as u64;
            }
        } else {
            assert!(chunked, "neither a length nor chunked");
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).await.unwrap();
                let size = u64::from_str_radix(size.trim(), 16).unwrap();
                let mut left = size + 2;
                while left > 0 {
                    let n = reader
                        .read(&mut buffer[..left.min(64 * 1024) as usize])
                        .await
                        .unwrap();
                    left -= n as u64;
                }
                if size == 0 {
                    break;
                }
                received += size;
            }
        }
        reader
            .get_mut()
            .write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n")
            .await
            .unwrap();
        received
    });
    (format!("http://{address}"), handle)
}

#[tokio::test]
async fn a_file_much_larger_than_the_buffers_is_streamed_not_read_into_memory() {
    let path =
        std::env::temp_dir().join(format!("certifyos-large-upload-{}.bin", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block = vec![0x5au8; 1024 * 1024];
        for _ in 0..FILE_SIZE / block.len() as u64 {
            file.write_all(&block).unwrap();
        }
    }
    let (base_url, server) = counting_server().await;
    let client = certifyos::Client::builder()
        .base_url(base_url)
        .organization_id("org_1")
        .bearer_token("tok")
        .build()
        .unwrap();

    let before = peak_resident_kb();
    let status = client
        .supporting_documents_upload()
        .id("p1")
        .file(Upload::from_path(&path, "application/octet-stream"))
        .file_type("LARGE")
        .send_with_response()
        .await
        .unwrap()
        .status();
    let growth = peak_resident_kb().saturating_sub(before);
    let received = server.await.unwrap();
    std::fs::remove_file(&path).unwrap();

    assert_eq!(status.as_u16(), 201);
    assert!(
        received > FILE_SIZE,
        "the server received the whole file ({received} body bytes)"
    );
    assert!(
        growth < ALLOWED_GROWTH_KB,
        "peak memory grew by {growth} kB while uploading a {} kB file",
        FILE_SIZE / 1024
    );
    println!(
        "uploaded {} MiB; peak resident memory grew by {} kB",
        FILE_SIZE / 1024 / 1024,
        growth
    );
}
