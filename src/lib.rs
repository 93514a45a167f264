//! Rust client for the [CertifyOS API](https://docs.certifyos.com/reference/application/api):
//! healthcare provider credentialing — providers, facilities, credentialing
//! workflows, flags and webhooks.
//!
//! The client is generated from CertifyOS's own OpenAPI document by
//! `cargo xtask codegen` (progenitor, after named normalization passes); see
//! the README for the pipeline. This crate:
//!
//! - [`Client`] — one method per operation, builder style:
//!   `client.webhooks_fetch_all().send().await`;
//! - [`types`] — request and response types; string enums that CertifyOS
//!   extends (such as [`types::EventType`]) keep values they do not know;
//! - [`operations::OPERATIONS`] — every operation of the document and how
//!   this crate exposes it (a generated method, or one written by hand).
//!
//! The `organization-id` header and authentication are not parameters of the
//! generated methods: they belong to the client, not to each call.

#![warn(missing_docs)]

/// The progenitor client, generated: never edit `generated/` by hand.
#[allow(missing_docs)] // what the document leaves undocumented stays so in the generated code
#[rustfmt::skip] // formatted by prettyplease in `cargo xtask codegen`
#[path = "../generated/sdk.rs"]
mod sdk;

pub mod operations;

pub use sdk::*;
