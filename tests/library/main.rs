//! The library's integration tests, one module per concern, in one test
//! binary: each test binary links the whole client again, so one binary
//! instead of ten saves that link and the shared compile work in every
//! `cargo test`. Four stay apart, since they need a process of their own:
//! `upload_streaming.rs` and `response_cap.rs` read their process's peak
//! memory, and `no_phi.rs` and `tracing.rs` capture spans, whose callsites
//! tracing registers process-wide (beside tests on other threads, a span
//! could go unrecorded).
//!
//! Run one module with `cargo test --test library <module>::`.

mod common;

mod contract;
mod decoders;
mod event_type;
mod facade;
mod hand_written;
mod open_enums;
mod operations_table;
mod pagination;
mod patterns;
mod recorder;
mod secrets;
mod webhook_receiver;
