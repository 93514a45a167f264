//! `generated/names.rs`: the names the facade takes from the document,
//! found once here — the tenant header, the token operation's method and
//! path, the secret property names — and read by `src/names.rs`.
//! Normalization and drift call the same finders
//! ([`crate::model::tenant_header`], [`Document::token_operation`],
//! [`crate::surface::redact::secret_fields`]).

use crate::document::Document;
use crate::operations::Row;
use anyhow::{anyhow, bail, Result};
use proc_macro2::TokenStream;
use quote::quote;

/// The file's items. Refuses a document without a tenant header or a token
/// operation: the facade needs both.
pub fn tokens(doc: &Document, rows: &[Row]) -> Result<TokenStream> {
    let tenant = doc.tenant_header.as_deref().ok_or_else(|| {
        anyhow!(
            "/paths: no tenant header: no header parameter is declared by more than half of the operations, so the client could not name its organization"
        )
    })?;
    let token = doc.token_operation()?.ok_or_else(|| {
        anyhow!(
            "/paths: no token operation: none takes client_id and client_secret and answers access_token, so the client could not sign in"
        )
    })?;
    let token_path = &token.path;
    let token_row = rows
        .iter()
        .find(|r| &r.path == token_path && r.method.eq_ignore_ascii_case(&token.method))
        .ok_or_else(|| anyhow!("{token_path}: the token operation has no row"))?;
    if token_row.hand_written.is_some() {
        bail!(
            "{} {token_path}: the token operation must be generated, not written by hand",
            token_row.method
        );
    }
    let token_operation = &token_row.rust_name;
    let secrets: std::collections::BTreeSet<String> = crate::surface::redact::secret_fields(doc)
        .into_iter()
        .map(|s| s.property)
        .collect();
    let secrets = secrets.iter();
    Ok(quote! {
        /// The header that names the organization on every request, as the
        /// document declares it (on more than half of its operations).
        pub const TENANT_HEADER: &str = #tenant;

        /// The generated method of the token operation (it carries neither
        /// the tenant header nor a bearer token).
        pub(crate) const TOKEN_OPERATION: &str = #token_operation;

        /// The token operation's path.
        pub(crate) const TOKEN_PATH: &str = #token_path;

        /// The property names the document calls secrets (the rule that
        /// redacts the generated types' `Debug`): redacted wherever a body
        /// is shown.
        pub(crate) const SECRET_PROPERTIES: &[&str] = &[#(#secrets),*];
    })
}
