//! The table of every operation in the document and how the crate exposes it
//! (`generated/operations.rs`): nothing in the API goes missing unnoticed.

use crate::document::{Document, Operation};
use crate::model::{self, method_name};
use anyhow::{bail, Result};
use proc_macro2::TokenStream;
use quote::quote;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub rust_name: String,
    /// `None`: a generated method; `Some(reason)`: the facade implements it.
    pub hand_written: Option<String>,
    pub error_statuses: Vec<u16>,
    /// Whether its builder pages itself (`stream()`, `pages()`).
    pub paginated: bool,
    /// The cargo features that compile it (any one of them); empty: always.
    pub features: Vec<String>,
}

/// Reads the table from a normalized document: operations still in `paths`
/// are generated, those the document model lists as set aside are not. Sorted by path, then method.
pub fn table(doc: &Document) -> Result<Vec<Row>> {
    let always = crate::features::always_compiled_tags(doc)?;
    let mut rows = Vec::new();
    for op in &doc.operations {
        rows.push(row(op, None, &always)?);
    }
    for entry in &doc.hand_written {
        rows.push(row(&entry.operation, Some(entry.reason.clone()), &always)?);
    }
    let paginated = doc.paginated();
    for row in rows.iter_mut() {
        row.paginated = paginated.iter().any(|p| p.rust_name == row.rust_name);
    }
    rows.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    Ok(rows)
}

fn row(op: &Operation, hand_written: Option<String>, always: &[String]) -> Result<Row> {
    let Some(operation_id) = &op.published_id else {
        bail!("{}: operation has no operationId", op.key());
    };
    let error_statuses = op.error_statuses.clone().unwrap_or_else(|| {
        // Set-aside operations keep their responses verbatim.
        op.responses
            .iter()
            .filter_map(|r| r.status.parse::<u16>().ok())
            .filter(|s| *s >= 400)
            .collect()
    });
    Ok(Row {
        operation_id: operation_id.clone(),
        method: op.method.to_uppercase(),
        path: op.path.clone(),
        rust_name: method_name(operation_id),
        hand_written,
        error_statuses,
        paginated: false,
        features: crate::features::operation_features(op, always),
    })
}

/// `generated/operations.rs`: the table as a constant, and a function that
/// names every generated method so a wrong name fails to compile.
pub fn tokens(rows: &[Row]) -> Result<TokenStream> {
    let entries = rows.iter().map(|r| {
        let Row {
            operation_id,
            method,
            path,
            rust_name,
            error_statuses,
            paginated,
            features,
            ..
        } = r;
        let compiled = if features.is_empty() {
            quote!(true)
        } else {
            let cfg = crate::features::cfg_tokens(features);
            quote!(cfg!(#cfg))
        };
        let exposure = match &r.hand_written {
            None => quote! { Exposure::Generated },
            Some(reason) => quote! { Exposure::HandWritten { reason: #reason } },
        };
        quote! {
            Operation {
                operation_id: #operation_id,
                method: #method,
                path: #path,
                rust_name: #rust_name,
                exposure: #exposure,
                error_statuses: &[#(#error_statuses),*],
                paginated: #paginated,
                features: &[#(#features),*],
                compiled: #compiled,
            }
        }
    });
    let methods = rows
        .iter()
        .map(|r| {
            let method = model::ident(&r.rust_name, &format!("operation {}", r.operation_id))?;
            Ok(if r.features.is_empty() {
                quote!(let _ = crate::Client::#method;)
            } else {
                let cfg = crate::features::cfg_tokens(&r.features);
                quote!(#[cfg(#cfg)] let _ = crate::Client::#method;)
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(quote! {
        /// Every operation of the CertifyOS API document, sorted by path and method.
        pub const OPERATIONS: &[Operation] = &[#(#entries),*];

        /// Names the method of every row, generated or written by hand in
        /// `src/extras/`: a row without its method fails to compile.
        #[allow(dead_code)]
        fn every_operation_has_its_method() {
            #(#methods)*
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ext::{ERROR_STATUSES, HAND_WRITTEN, ORIGINAL_OPERATION_ID};
    use serde_json::json;

    #[test]
    fn generated_and_set_aside_operations_both_appear() {
        let doc = json!({
            "paths": {"/w": {"get": {"operationId": "webhooks_fetch_all", ORIGINAL_OPERATION_ID: "WebhooksController_fetchAll", ERROR_STATUSES: [401, 403]}}},
            HAND_WRITTEN: [{"method": "patch", "path": "/bulk", "reason": "answers 207", "operation": {"operationId": "BulkController_run", "responses": {"204": {}, "207": {}, "400": {}}}}]
        });
        let rows = table(&Document::read(&doc)).unwrap();
        assert_eq!(
            rows,
            vec![
                Row {
                    operation_id: "BulkController_run".into(),
                    method: "PATCH".into(),
                    path: "/bulk".into(),
                    rust_name: "bulk_run".into(),
                    hand_written: Some("answers 207".into()),
                    error_statuses: vec![400],
                    paginated: false,
                    features: vec![],
                },
                Row {
                    operation_id: "WebhooksController_fetchAll".into(),
                    method: "GET".into(),
                    path: "/w".into(),
                    rust_name: "webhooks_fetch_all".into(),
                    hand_written: None,
                    error_statuses: vec![401, 403],
                    paginated: false,
                    features: vec![],
                },
            ]
        );
    }
}
