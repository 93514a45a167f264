//! The public surface: named steps over progenitor's output (as a syn tree)
//! so that a user meets one error type, one call style and docs that lead
//! with the facade — never progenitor's own types.
//!
//! - [`return_crate_result`]: every builder's `send()` resolves to
//!   `certifyos::Result<T>` (the decoded body); `send_with_response()`
//!   to `certifyos::Response<T>` (status, headers, request id). Both are
//!   plain functions returning a `Send` future: progenitor's request code
//!   stays, private and synchronous, as `request`, and one facade function
//!   sends every operation's request (no state machine per operation).
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
//! - [`builders::shared_setters`]: every setter converts its argument with
//!   one of the facade's generic functions, not a closure of its own.
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
    /// Builder setters converting through `crate::setters`.
    pub shared_setters: usize,
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
    report.shared_setters = builders::shared_setters(sdk)?;
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

/// `T` of the builder `name`'s `send() -> impl Future<Output =
/// crate::Result<T>>` (after [`return_crate_result`]): the decoded body.
pub fn send_raw_type(sdk: &syn::File, name: &str) -> Option<syn::Type> {
    module(sdk, "builder")?.iter().find_map(|item| match item {
        syn::Item::Impl(block) if self_type_name(block).as_deref() == Some(name) => {
            block.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => {
                    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                        return None;
                    };
                    let syn::Type::Path(result) = future_output(ty)? else {
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

/// `O` of `impl Future<Output = O> + ..`.
fn future_output(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::ImplTrait(bounds) = ty else {
        return None;
    };
    bounds.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let future = t.path.segments.last().filter(|s| s.ident == "Future")?;
        let syn::PathArguments::AngleBracketed(args) = &future.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::AssocType(output) if output.ident == "Output" => Some(&output.ty),
            _ => None,
        })
    })
}

/// How an operation's successes end, read from progenitor's status match.
#[derive(Debug, PartialEq, Eq)]
struct Successes {
    /// The success statuses, in the document's order.
    statuses: Vec<u16>,
    /// Whether they have a body to decode (progenitor's
    /// `ResponseValue::from_response`) or none (`ResponseValue::empty`).
    body: bool,
}

/// progenitor's `send` builds the request, awaits its three hooks (`pre`,
/// `exec`, `post`) and matches the status, in each operation's own state
/// machine, and writes and reads bodies with serde (`.json(&body)`,
/// `ResponseValue::from_response`). What stays is its request code, as the
/// synchronous `request` returning the built request (a JSON body written
/// by the generated encoder, `crate::encode::to_vec`); the hooks, the
/// status match and the decoding are the facade's, in one function for
/// every operation (`Client::send_decoded` and `send_empty`, over
/// `Client::exchange`, in `src/transport.rs`), which `send_with_response`
/// calls with the operation id and its success statuses.
fn prepared_request(send: &mut syn::ImplItemFn) -> Result<(String, Successes)> {
    if send.sig.asyncness.take().is_none() {
        bail!("`send` is not async as progenitor 0.15 writes it");
    }
    let body = send.block.to_token_stream().to_string().replace(
        ". json (& body)",
        ". header (:: reqwest :: header :: CONTENT_TYPE , :: reqwest :: header :: HeaderValue :: from_static (\"application/json\")) \
         . body (crate :: encode :: to_vec (& body))",
    );
    let start_text = "let info = OperationInfo { operation_id : ";
    let Some(start) = body.find(start_text) else {
        bail!("`send` has no `OperationInfo` as progenitor 0.15 writes it");
    };
    let rest = &body[start + start_text.len()..];
    let Some(id) = rest.split(' ').next().filter(|id| id.starts_with('"')) else {
        bail!("`send`'s OperationInfo has no operation id");
    };
    let hooks = format!(
        "{start_text}{id} , }} ; client . pre (& mut request , & info) . await ? ; \
         let result = client . exec (request , & info) . await ; \
         client . post (& result , & info) . await ? ; \
         let response = result ? ; match response . status () . as_u16 () {{ "
    );
    let Some(arms) = body[start..].strip_prefix(hooks.as_str()) else {
        bail!(
            "`send`'s hooks and status match are not those progenitor 0.15 writes: {}",
            &body[start..]
        );
    };
    let Some(arms) = arms.strip_suffix("} }") else {
        bail!("`send` does not end with its status match: {arms}");
    };
    let successes = success_arms(arms)?;
    send.block = syn::parse_str(&format!("{} Ok (request) }}", &body[..start]))?;
    send.sig.output = syn::parse_quote!(-> Result<::reqwest::Request, Error<()>>);
    Ok((id.trim_matches('"').to_string(), successes))
}

/// The arms of progenitor's status match (`201u16 => ...` each, then the
/// catch-all), all of one kind.
fn success_arms(arms: &str) -> Result<Successes> {
    const BODY: &str = "ResponseValue :: from_response (response) . await";
    const EMPTY: &str = "Ok (ResponseValue :: empty (response))";
    const REST: &str = "_ => Err (Error :: UnexpectedResponse (response)) ,";
    let parsed: syn::ExprMatch = syn::parse_str(&format!("match status {{ {arms} }}"))
        .map_err(|e| anyhow!("`send`'s status match does not parse ({e}): {arms}"))?;
    let mut statuses = Vec::new();
    let mut kinds = Vec::new();
    let Some((last, successes)) = parsed.arms.split_last() else {
        bail!("`send`'s status match has no arm");
    };
    if last.to_token_stream().to_string() != REST {
        bail!("`send`'s status match does not end as progenitor 0.15 writes it: {arms}");
    }
    for arm in successes {
        let text = arm.to_token_stream().to_string();
        let status = match &arm.pat {
            syn::Pat::Lit(syn::PatLit {
                lit: syn::Lit::Int(int),
                ..
            }) => int.base10_parse::<u16>().ok(),
            _ => None,
        };
        let body = arm.body.to_token_stream().to_string();
        let body = body
            .strip_prefix("{ ")
            .and_then(|b| b.strip_suffix(" }"))
            .unwrap_or(&body);
        let (Some(status), true) = (status, [BODY, EMPTY].contains(&body)) else {
            bail!("`send`'s status match has an arm progenitor 0.15 does not write: {text}");
        };
        statuses.push(status);
        kinds.push(body == BODY);
    }
    let Some(&body) = kinds.first() else {
        bail!("`send`'s status match has no success");
    };
    if kinds.iter().any(|&k| k != body) {
        bail!("`send`'s successes mix bodies and empty ones ({statuses:?})");
    }
    Ok(Successes { statuses, body })
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

/// Every builder's `send()` resolves to `crate::Result<T>` and gains
/// `send_with_response()`; progenitor's `send` becomes the private,
/// synchronous `request` (`prepared_request`). Returns how many builders
/// it changed.
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
        send.sig.ident = quote::format_ident!("request");
        send.vis = syn::Visibility::Inherited;
        let (id, successes) = prepared_request(send).with_context(|| format!("builder {name}"))?;
        let sender = if successes.body {
            quote::quote!(send_decoded)
        } else {
            quote::quote!(send_empty)
        };
        let statuses = successes
            .statuses
            .iter()
            .map(|&s| proc_macro2::Literal::u16_unsuffixed(s));
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        send.attrs.push(doc_attr(
            "progenitor's request code, up to the request it sends: what \
             `send_with_response` sends.",
        ));
        send.attrs.push(syn::parse_quote!(#[inline]));
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
            #[inline]
            pub fn send(self) -> impl ::std::future::Future<Output = crate::Result<#value>> + Send + 'a {
                crate::outcome::into_body(self.send_with_response())
            }
        };
        let with_response: syn::ImplItem = syn::parse_quote! {
            #[doc = #with_response_doc]
            #[inline]
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<Output = crate::Result<crate::Response<#value>>> + Send + 'a {
                let client = self.client;
                client.#sender(self.request(), #id, &[#(#statuses),*])
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
                "pub fn send(self) -> impl ::std::future::Future<Output = crate::Result<::std::vec::Vec<::std::string::String>>> + Send + 'a"
            )),
            "{out}"
        );
        assert!(
            out.contains(&squash("pub fn send_with_response(self) -> impl ::std::future::Future<Output = crate::Result<crate::Response<::std::vec::Vec<::std::string::String>>>> + Send + 'a { let client = self.client; client.send_decoded(self.request(), \"webhooks_fetch_all\", &[200]) }")),
            "{out}"
        );
        assert!(
            out.contains(&squash(
                "fn request(self) -> Result<::reqwest::Request, Error<()>>"
            )),
            "{out}"
        );
        assert!(!out.contains(&squash("pub fn request")), "{out}");
        assert!(
            !out.contains("async"),
            "no operation awaits anything of its own: {out}"
        );
        assert!(!out.contains("OperationInfo{"), "{out}");
        assert!(
            out.contains(&squash("The document declares 401, 403 for this operation")),
            "{out}"
        );
        assert_eq!(
            send_raw_type(&sdk, "WebhooksFetchAll").map(|t| t.to_token_stream().to_string()),
            Some(":: std :: vec :: Vec < :: std :: string :: String >".into())
        );
    }

    #[test]
    fn success_arms_are_read_and_anything_else_is_an_error() {
        let rest = "_ => Err (Error :: UnexpectedResponse (response)) ,";
        let body = "ResponseValue :: from_response (response) . await";
        let empty = "Ok (ResponseValue :: empty (response))";
        assert_eq!(
            success_arms(&format!("200u16 => {{ {body} }} 202u16 => {body} , {rest}")).unwrap(),
            Successes {
                statuses: vec![200, 202],
                body: true
            }
        );
        assert_eq!(
            success_arms(&format!("204u16 => {empty} , {rest}")).unwrap(),
            Successes {
                statuses: vec![204],
                body: false
            }
        );
        for (arms, error) in [
            (
                format!("200u16 => {body} , 204u16 => {empty} , {rest}"),
                "mix bodies",
            ),
            (
                format!("200u16 => Ok (ResponseValue :: stream (response)) , {rest}"),
                "an arm",
            ),
            (format!("200u16..=299u16 => {body} , {rest}"), "an arm"),
            (format!("200u16 if ok => {body} , {rest}"), "an arm"),
            (format!("200u16 => {body} ,"), "does not end"),
            (
                format!("200u16 => {body} , _ => Ok (ResponseValue :: empty (response)) ,"),
                "does not end",
            ),
            (rest.to_string(), "no success"),
            ("200u16 => {".to_string(), "does not parse"),
        ] {
            let message = success_arms(&arms).unwrap_err().to_string();
            assert!(message.contains(error), "{arms}: {message}");
        }
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
