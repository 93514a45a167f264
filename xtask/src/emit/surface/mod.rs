//! The public surface: named steps over progenitor's output (as a syn tree)
//! so that a user meets one error type, one call style and docs that lead
//! with the facade — never progenitor's own types.
//!
//! - [`return_crate_result`]: every builder's `send()` returns
//!   `certifyos::Result<T>` (the decoded body); `send_with_response()`
//!   returns `certifyos::Response<T>` (status, headers, request id).
//!   progenitor's own `send` stays, private, as `send_raw` (its hooks
//!   awaited through the facade's one `Client::exchange`).
//! - [`client_docs`]: the `Client` page starts with how to build one (the
//!   facade's `src/docs/client.md`), progenitor's constructors leave the
//!   public API, and each method's doc says what it returns and which error
//!   statuses the document declares.
//! - [`hand_written::add_builders`]: the operations progenitor cannot express
//!   get builders in the same style, their plumbing taken from the document.
//! - [`pagination::add_paging`]: list operations page themselves.
//! - [`redact::redact_secret_fields`]: `Debug` never prints a secret.
//! - [`non_exhaustive_structs`]: a property CertifyOS adds is a compatible
//!   release (the open enums are `#[non_exhaustive]` where they are made).
//! - [`builders::linear_builder_conversions`]: a request type's builder
//!   finishes in code linear in its fields (typify's grows with their square).
//! - [`codec::add_codecs`]: every type reads and writes JSON through the
//!   facade's non-generic reader and writer.
//! - [`reach::apply`]: every operation and type behind the features of the
//!   tags that reach it.

pub mod builders;
pub mod codec;
pub mod hand_written;
pub mod pagination;
pub mod reach;
pub mod redact;

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context, Result};
use heck::ToUpperCamelCase;
use quote::ToTokens;

use crate::operations::Row;

/// What the steps did, for codegen's report and the README.
#[derive(Debug, Default)]
pub struct Report {
    /// Builders whose `send` now returns the crate's `Result`.
    pub wrapped: usize,
    /// Hand-written operations given generated builders.
    pub hand_written: usize,
    /// Operations that page themselves (Rust method names).
    pub paginated: Vec<String>,
    /// `Type.field` whose `Debug` is redacted.
    pub redacted: Vec<String>,
    /// Structs of `types` marked `#[non_exhaustive]`.
    pub non_exhaustive: usize,
    /// Builder conversions (`TryFrom<builder::T> for T`) made linear.
    pub builder_conversions: usize,
    /// Types of `types` given a decoder (and an encoder).
    pub decoders: usize,
    /// What operations reach: features, builders, unreached types.
    pub reach: reach::Reach,
}

/// Runs every step, in order, on progenitor's parsed output.
pub fn apply(sdk: &mut syn::File, doc: &crate::document::Document, rows: &[Row]) -> Result<Report> {
    let mut report = Report {
        wrapped: return_crate_result(sdk, rows)?,
        ..Report::default()
    };
    client_docs(sdk, rows)?;
    report.hand_written = hand_written::add_builders(sdk, doc, rows)?;
    report.paginated = pagination::add_paging(sdk, doc)?;
    report.redacted = redact::redact_secret_fields(sdk, doc)?;
    report.non_exhaustive = non_exhaustive_structs(sdk)?;
    report.builder_conversions = builders::linear_builder_conversions(sdk)?;
    report.decoders = codec::add_codecs(sdk)?;
    codec::serde_behind_feature(sdk)?;
    report.reach = reach::apply(sdk, rows)?;
    Ok(report)
}

/// Marks every struct of `types` with named fields `#[non_exhaustive]`: a
/// property CertifyOS adds to a body is then a new field in a
/// semver-compatible release (cargo-semver-checks'
/// `constructible_struct_adds_field` otherwise), and callers construct the
/// structs through their builders (`T::builder()`), which a new optional
/// field does not change. Returns how many.
pub fn non_exhaustive_structs(sdk: &mut syn::File) -> Result<usize> {
    let mut marked = 0;
    for item in module_mut(sdk, "types")? {
        if let syn::Item::Struct(s) = item {
            if matches!(s.fields, syn::Fields::Named(_))
                && matches!(s.vis, syn::Visibility::Public(_))
                && !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
            {
                s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                marked += 1;
            }
        }
    }
    Ok(marked)
}

/// The items of the top-level module `name` of progenitor's output.
pub(crate) fn module_mut<'a>(sdk: &'a mut syn::File, name: &str) -> Result<&'a mut Vec<syn::Item>> {
    sdk.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's output has no `{name}` module"))
}

pub(crate) fn module<'a>(sdk: &'a syn::File, name: &str) -> Option<&'a Vec<syn::Item>> {
    sdk.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|c| &c.1),
        _ => None,
    })
}

/// Names of every type in the generated `types` module.
pub(crate) fn type_names(sdk: &syn::File) -> Vec<String> {
    module(sdk, "types")
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The last path segment's name of an impl's self type (`Foo` of `impl Foo<'a>`).
pub(crate) fn self_type_name(block: &syn::ItemImpl) -> Option<String> {
    match &*block.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether `block` implements a trait whose path ends with `ends`:
/// `["TryFrom"]`, or `["decode", "Decode"]` for `impl crate::decode::Decode`.
pub(crate) fn implements(block: &syn::ItemImpl, ends: &[&str]) -> bool {
    block.trait_.as_ref().is_some_and(|(path, _)| {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        segments.len() >= ends.len()
            && segments[segments.len() - ends.len()..]
                .iter()
                .zip(ends)
                .all(|(s, e)| s == e)
    })
}

/// Builder struct name (`WebhooksFetchAll`) → its operation's row.
fn rows_by_builder(rows: &[Row]) -> BTreeMap<String, &Row> {
    rows.iter()
        .map(|r| (r.rust_name.to_upper_camel_case(), r))
        .collect()
}

/// The first type argument of `segment` (`T` of `Result<T, E>`).
fn first_type_arg(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `T` of progenitor's `Result<ResponseValue<T>, Error<()>>`.
pub(crate) fn response_value_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(result) = &**ty else {
        return None;
    };
    let result = result.path.segments.last()?;
    if result.ident != "Result" {
        return None;
    }
    let syn::Type::Path(value) = first_type_arg(result)? else {
        return None;
    };
    let value = value.path.segments.last()?;
    if value.ident != "ResponseValue" {
        return None;
    }
    first_type_arg(value).cloned()
}

/// `T` of the builder `name`'s `send() -> crate::Result<T>` (after
/// [`return_crate_result`]): the decoded body.
pub fn send_raw_type(sdk: &syn::File, name: &str) -> Option<syn::Type> {
    module(sdk, "builder")?.iter().find_map(|item| match item {
        syn::Item::Impl(block) if self_type_name(block).as_deref() == Some(name) => {
            block.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => {
                    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                        return None;
                    };
                    let syn::Type::Path(result) = &**ty else {
                        return None;
                    };
                    first_type_arg(result.path.segments.last()?).cloned()
                }
                _ => None,
            })
        }
        _ => None,
    })
}

/// progenitor writes a JSON request body and decodes a success body with
/// serde (`.json(&body)`, `ResponseValue::from_response`); the generated
/// encoders and decoders do instead: the body is written by
/// `crate::encode::to_vec`, `send_raw` returns the success body's bytes
/// (`crate::outcome::body`), and `send_with_response` decodes them
/// (`crate::outcome::finish_decoded`). `false` when the operation has no
/// body to decode.
fn use_generated_codecs(send_raw: &mut syn::ImplItemFn) -> Result<bool> {
    let body = send_raw.block.to_token_stream().to_string().replace(
        ". json (& body)",
        ". header (:: reqwest :: header :: CONTENT_TYPE , :: reqwest :: header :: HeaderValue :: from_static (\"application/json\")) \
         . body (crate :: encode :: to_vec (& body))",
    );
    send_raw.block = syn::parse_str(&body)?;
    let call = "ResponseValue :: from_response (response) . await";
    if !body.contains(call) {
        return Ok(false);
    }
    send_raw.block =
        syn::parse_str(&body.replace(call, "crate :: outcome :: body (response) . await"))?;
    let output = send_raw.sig.output.to_token_stream().to_string();
    let Some(start) = output.find("ResponseValue <") else {
        bail!("`send_raw` returns no ResponseValue");
    };
    let Some(end) = output.rfind("> , Error") else {
        bail!("`send_raw` returns no Result<ResponseValue<T>, Error<()>>");
    };
    let rewritten = format!(
        "{}ResponseValue < :: bytes :: Bytes {}",
        &output[..start],
        &output[end..]
    );
    send_raw.sig.output = syn::parse_str(&rewritten)?;
    Ok(true)
}

/// progenitor awaits its three hooks in every `send_raw` (`pre`, `exec`,
/// `post`, each a future of its own in each operation's state machine);
/// `Client::exchange` (`src/transport.rs`) awaits the same three, in that
/// order, once for the crate.
fn one_exchange(send_raw: &mut syn::ImplItemFn) -> Result<()> {
    let body = send_raw.block.to_token_stream().to_string();
    let start_text = "let info = OperationInfo { operation_id : ";
    let end_text = "let response = result ? ;";
    let (Some(start), Some(end)) = (body.find(start_text), body.find(end_text)) else {
        bail!("`send_raw` has no `OperationInfo` and hooks as progenitor 0.15 writes them");
    };
    let rest = &body[start + start_text.len()..];
    let Some(id) = rest.split(' ').next().filter(|id| id.starts_with('"')) else {
        bail!("`send_raw`'s OperationInfo has no operation id");
    };
    let expected = format!(
        "{start_text}{id} , }} ; client . pre (& mut request , & info) . await ? ; \
         let result = client . exec (request , & info) . await ; \
         client . post (& result , & info) . await ? ; "
    );
    if body[start..end] != expected {
        bail!(
            "`send_raw`'s hooks are not the three progenitor 0.15 writes: {}",
            &body[start..end]
        );
    }
    let rewritten = format!(
        "{}let response = client . exchange (request , {id}) . await ? ;{}",
        &body[..start],
        &body[end + end_text.len()..]
    );
    send_raw.block = syn::parse_str(&rewritten)?;
    Ok(())
}

/// A type as a reader of the docs would write it (`Vec<types::Flag>`).
pub(crate) fn readable_type(ty: &syn::Type) -> String {
    let text = quote::quote!(#ty).to_string();
    let mut out = text
        .replace(' ', "")
        .replace("::std::vec::", "")
        .replace("::std::string::", "")
        .replace("::std::option::", "")
        .replace("::std::collections::", "")
        .replace("::serde_json::", "serde_json::")
        .replace("::chrono::offset::", "")
        .replace("::chrono::", "chrono::")
        .replace("crate::types::", "types::");
    if out == "()" {
        out = "()".into();
    }
    out
}

/// What `.send()` returns, in words.
pub(crate) fn returns_phrase(readable: &str) -> String {
    if readable == "()" {
        "`()` (the success has no body)".into()
    } else {
        format!("`{readable}`")
    }
}

/// The error paragraph of an operation's docs.
pub(crate) fn errors_doc(row: &Row) -> String {
    let statuses = row
        .error_statuses
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let declared = if statuses.is_empty() {
        "The document declares no error status for this operation; all statuses".to_string()
    } else {
        format!("The document declares {statuses} for this operation; these and any other status")
    };
    format!(
        "# Errors\n\n{declared} outside its successes are [`Error::Api`](crate::Error::Api) \
         (status, CertifyOS's message, request id). A connection that fails is \
         [`Error::Transport`](crate::Error::Transport) or [`Error::Timeout`](crate::Error::Timeout), \
         a body that does not match the documented type [`Error::Decode`](crate::Error::Decode), \
         a refused token request [`Error::Auth`](crate::Error::Auth)."
    )
}

fn doc_attr(text: &str) -> syn::Attribute {
    syn::parse_quote!(#[doc = #text])
}

/// Every builder's `send()` returns `crate::Result<T>` and gains
/// `send_with_response()`; progenitor's `send` becomes the private
/// `send_raw`, untouched. Returns how many builders it changed.
pub fn return_crate_result(sdk: &mut syn::File, rows: &[Row]) -> Result<usize> {
    let by_builder = rows_by_builder(rows);
    let builder = module_mut(sdk, "builder")?;
    let mut wrapped = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(name) = self_type_name(block) else {
            continue;
        };
        let Some(position) = block
            .items
            .iter()
            .position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let syn::ImplItem::Fn(send) = &mut block.items[position] else {
            unreachable!("found above");
        };
        let Some(value) = response_value_type(&send.sig.output) else {
            bail!("builder {name}: `send` does not return progenitor's Result<ResponseValue<T>, Error<()>>");
        };
        let row = by_builder
            .get(&name)
            .ok_or_else(|| anyhow!("builder {name}: no operation in the table has this builder"))?;
        send.sig.ident = quote::format_ident!("send_raw");
        send.vis = syn::Visibility::Inherited;
        one_exchange(send).with_context(|| format!("builder {name}"))?;
        let finish = if use_generated_codecs(send).with_context(|| format!("builder {name}"))? {
            quote::quote!(finish_decoded)
        } else {
            quote::quote!(finish)
        };
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        send.attrs.push(doc_attr(
            "progenitor's request code, untouched but for the success body, \
             which it returns undecoded: what `send` wraps.",
        ));
        let returns = returns_phrase(&readable_type(&value));
        let send_doc = format!(
            "Sends `{} {}` and returns the decoded body: {returns}.\n\n{}",
            row.method,
            row.path,
            errors_doc(row)
        );
        let with_response_doc = format!(
            "Sends `{} {}` and returns the decoded body ({returns}) with the status, \
             headers and request id.\n\n{}",
            row.method,
            row.path,
            errors_doc(row)
        );
        let send: syn::ImplItem = syn::parse_quote! {
            #[doc = #send_doc]
            pub async fn send(self) -> crate::Result<#value> {
                self.send_with_response().await.map(crate::Response::into_inner)
            }
        };
        let with_response: syn::ImplItem = syn::parse_quote! {
            #[doc = #with_response_doc]
            pub async fn send_with_response(self) -> crate::Result<crate::Response<#value>> {
                crate::outcome::#finish(self.send_raw().await)
            }
        };
        block.items.insert(position + 1, send);
        block.items.insert(position + 2, with_response);
        wrapped += 1;
    }
    Ok(wrapped)
}

/// Where the `Client` page's text lives: hand-written, beside the facade.
const CLIENT_DOC: &str = "../src/docs/client.md";

/// The `Client` page starts with how to build one; progenitor's `new` (a
/// dead end: its `Inner` cannot be built outside the crate) goes, and
/// `new_with_client` becomes crate-private, the `prelude` goes; each operation method's doc ends
/// with what it returns and the error statuses the document declares.
pub fn client_docs(sdk: &mut syn::File, rows: &[Row]) -> Result<()> {
    let by_name: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.rust_name.as_str(), r)).collect();
    // The decoded type of each generated operation, from its builder.
    let returns: BTreeMap<String, String> = rows
        .iter()
        .map(|r| r.rust_name.to_upper_camel_case())
        .filter_map(|builder| {
            let value = send_raw_type(sdk, &builder)?;
            Some((builder, returns_phrase(&readable_type(&value))))
        })
        .collect();
    // progenitor's `prelude` holds only `Client`, which the crate root exports.
    sdk.items
        .retain(|i| !matches!(i, syn::Item::Mod(m) if m.ident == "prelude"));
    let mut found_struct = false;
    for item in sdk.items.iter_mut() {
        match item {
            syn::Item::Struct(s) if s.ident == "Client" => {
                s.attrs.retain(|a| !a.path().is_ident("doc"));
                s.attrs
                    .insert(0, syn::parse_quote!(#[doc = include_str!(#CLIENT_DOC)]));
                found_struct = true;
            }
            syn::Item::Impl(block)
                if self_type_name(block).as_deref() == Some("Client") && block.trait_.is_none() =>
            {
                block
                    .items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                for member in block.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = member else {
                        continue;
                    };
                    if f.sig.ident == "new_with_client" {
                        f.vis = syn::parse_quote!(pub(crate));
                        continue;
                    }
                    let Some(row) = by_name.get(f.sig.ident.to_string().as_str()) else {
                        continue;
                    };
                    let builder = f.sig.ident.to_string().to_upper_camel_case();
                    let returns = returns.get(&builder).ok_or_else(|| {
                        anyhow!("Client::{}: no builder {builder} with a send", f.sig.ident)
                    })?;
                    f.attrs.push(doc_attr(&format!(
                        "\n\n`.send()` returns {returns}; `.send_with_response()` the same with \
                         status, headers and request id.\n\n{}",
                        errors_doc(row)
                    )));
                }
            }
            _ => {}
        }
    }
    if !found_struct {
        bail!("progenitor's output has no `Client` struct");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// progenitor's output for a one-operation document.
    pub(crate) fn generated(doc: &Value) -> syn::File {
        let tokens = crate::generate::progenitor_tokens_for_tests(doc);
        syn::parse2(tokens).unwrap()
    }

    pub(crate) fn row(rust_name: &str, method: &str, path: &str, errors: &[u16]) -> Row {
        Row {
            operation_id: rust_name.into(),
            method: method.into(),
            path: path.into(),
            rust_name: rust_name.into(),
            hand_written: None,
            error_statuses: errors.to_vec(),
            paginated: false,
            features: vec![],
        }
    }

    fn one_get() -> Value {
        json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/w": {"get": {"operationId": "webhooks_fetch_all", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}}}
        })
    }

    /// The file as text without whitespace: assertions do not depend on
    /// where prettyplease breaks lines.
    pub(crate) fn text(file: &syn::File) -> String {
        squash(&prettyplease::unparse(file))
    }

    /// Without whitespace and trailing commas, which prettyplease adds when
    /// it breaks a line.
    pub(crate) fn squash(text: &str) -> String {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        compact
            .replace(",)", ")")
            .replace(",>", ">")
            .replace(",}", "}")
    }

    #[test]
    fn send_returns_the_crate_result_and_progenitors_send_becomes_private() {
        let mut sdk = generated(&one_get());
        let rows = [row("webhooks_fetch_all", "GET", "/w", &[401, 403])];
        assert_eq!(return_crate_result(&mut sdk, &rows).unwrap(), 1);
        let out = text(&sdk);
        assert!(
            out.contains(&squash(
                "pub async fn send(self) -> crate::Result<::std::vec::Vec<::std::string::String>>"
            )),
            "{out}"
        );
        assert!(
            out.contains(&squash("pub async fn send_with_response(self) -> crate::Result<crate::Response<::std::vec::Vec<::std::string::String>>>")),
            "{out}"
        );
        assert!(out.contains(&squash("async fn send_raw(self)")), "{out}");
        assert!(!out.contains(&squash("pub async fn send_raw")), "{out}");
        assert!(
            out.contains(&squash("The document declares 401, 403 for this operation")),
            "{out}"
        );
    }

    #[test]
    fn a_builder_without_an_operation_is_an_error() {
        let mut sdk = generated(&one_get());
        let err = return_crate_result(&mut sdk, &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            "builder WebhooksFetchAll: no operation in the table has this builder"
        );
    }

    #[test]
    fn the_client_page_is_the_facades_and_new_is_gone() {
        let mut sdk = generated(&one_get());
        let rows = [row("webhooks_fetch_all", "GET", "/w", &[])];
        return_crate_result(&mut sdk, &rows).unwrap();
        client_docs(&mut sdk, &rows).unwrap();
        let out = text(&sdk);
        assert!(
            out.contains(&squash("#[doc = include_str!(\"../src/docs/client.md\")]")),
            "{out}"
        );
        assert!(!out.contains(&squash("pub fn new(baseurl")), "{out}");
        assert!(
            out.contains(&squash("pub(crate) fn new_with_client(")),
            "{out}"
        );
        assert!(!out.contains(&squash("Version: unversioned")), "{out}");
        assert!(
            out.contains(&squash("`.send()` returns `Vec<String>`")),
            "{out}"
        );
        assert!(
            out.contains(&squash("The document declares no error status")),
            "{out}"
        );
    }

    #[test]
    fn readable_types_drop_std_paths() {
        let ty: syn::Type = syn::parse_quote!(::std::vec::Vec<crate::types::Flag>);
        assert_eq!(readable_type(&ty), "Vec<types::Flag>");
        assert_eq!(readable_type(&syn::parse_quote!(())), "()");
        assert_eq!(returns_phrase("()"), "`()` (the success has no body)");
    }
}
