//! `mock/generated/mock.rs`: typed [httpmock] expectations for every
//! operation, for the `certifyos-mock` crate.
//!
//! progenitor's httpmock generator writes them for the operations it
//! generates (one `When`/`Then` pair each, methods named for the document's
//! parameters and response statuses). The operations set aside for the facade
//! (207 bulk results, multipart uploads, optional bodies) are written here in
//! the same shape, from the document, so a user cannot tell the two apart.
//! Every `Then` also gets `error(status, body)`: the document declares no
//! schema for most error responses, and tests need them.
//!
//! [httpmock]: https://docs.rs/httpmock

use anyhow::{anyhow, Context, Result};
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use crate::document::{Document, HandWritten, Operation, Schema};
use crate::model::{ident, method_name};

/// The crate the generated mocks name the client's types through.
const SDK_CRATE: &str = "certifyos";

/// The mock module: progenitor's httpmock output, the set-aside operations,
/// and `error` on every `Then`.
pub fn tokens(doc: &Document, progenitor: TokenStream) -> Result<syn::File> {
    let mut file: syn::File =
        syn::parse2(progenitor).context("progenitor's httpmock output does not parse")?;
    let types: Vec<String> = doc.schemas.iter().map(|(name, _)| name.clone()).collect();
    let mut ops = Vec::new();
    for entry in &doc.hand_written {
        let op = &entry.operation;
        let (published, context) = op.published()?;
        ops.push(
            hand_written_mock(entry, &method_name(published), &types)
                .with_context(|| context.clone())?,
        );
    }
    let operations = crate::surface::module_mut(&mut file, "operations")?;
    for op in &ops {
        let items: syn::File =
            syn::parse2(op.items.clone()).context("a set-aside operation's mock does not parse")?;
        operations.extend(items.items);
    }
    add_error_responses(operations);
    match_array_query_params_per_item(operations)?;
    for item in &mut file.items {
        match item {
            syn::Item::Trait(t) if t.ident == "MockServerExt" => {
                t.attrs.clear();
                let doc = " A typed expectation per operation of the CertifyOS API, on\n \
                    [`MockServer`](::httpmock::MockServer): a [`mock()`](::httpmock::MockServer::mock)\n \
                    call whose method and path are the operation's, and whose setters take\n \
                    the client's own types.";
                t.attrs.push(syn::parse_quote!(#[doc = #doc]));
                for op in &ops {
                    t.items.push(syn::parse2(op.trait_fn.clone())?);
                }
            }
            syn::Item::Impl(i) if i.trait_.is_some() => {
                for op in &ops {
                    i.items.push(syn::parse2(op.impl_fn.clone())?);
                }
            }
            _ => {}
        }
    }
    Ok(file)
}

/// The `with_replacement` path of an open enum, seen from the mock crate.
pub fn open_enum_path(name: &str) -> String {
    format!("{SDK_CRATE}::types::{name}")
}

/// The `crate_path` progenitor's httpmock generator imports the SDK from.
pub fn crate_path() -> &'static str {
    SDK_CRATE
}

struct MockOp {
    items: TokenStream,
    trait_fn: TokenStream,
    impl_fn: TokenStream,
}

/// `error(status, body)` on every `Then`: any status with any JSON body,
/// which the client turns into `certifyos::Error::Api`.
fn add_error_responses(items: &mut [syn::Item]) {
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(ty) = &*imp.self_ty else {
            continue;
        };
        let is_then = ty
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident.to_string().ends_with("Then"));
        if is_then {
            imp.items.push(syn::parse_quote! {
                /// Answers `status` with a JSON body, whatever the document
                /// declares for the operation (most error bodies have no schema).
                pub fn error(self, status: u16, body: ::serde_json::Value) -> Self {
                    Self(
                        self.0
                            .status(status)
                            .header("content-type", "application/json")
                            .json_body(body),
                    )
                }
            });
        }
    }
}

/// progenitor's mock of an array query parameter calls `to_string()` on the
/// `Vec`, which does not compile; the client sends one `name=item` pair per
/// item, so the expectation matches each item.
fn match_array_query_params_per_item(items: &mut [syn::Item]) -> Result<()> {
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        for member in &mut imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let signature = f.sig.to_token_stream().to_string();
            let body = f.block.to_token_stream().to_string();
            if !signature.contains("Vec <") || !body.contains("query_param") {
                continue;
            }
            let name = first_string_literal(&f.block).ok_or_else(|| {
                anyhow!(
                    "mock of query parameter `{}`: no parameter name",
                    f.sig.ident
                )
            })?;
            let each = quote! {
                let mut when = self.0;
                for item in value {
                    when = when.query_param(#name, item.to_string());
                }
                Self(when)
            };
            f.block = if f.sig.generics.params.is_empty() {
                syn::parse_quote!({ #each })
            } else {
                syn::parse_quote!({
                    if let Some(value) = value.into() {
                        #each
                    } else {
                        Self(self.0.query_param_missing(#name))
                    }
                })
            };
        }
    }
    Ok(())
}

fn first_string_literal(block: &syn::Block) -> Option<String> {
    fn find(tokens: TokenStream) -> Option<String> {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Literal(l) => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&l.to_string()) {
                        return Some(s.value());
                    }
                }
                proc_macro2::TokenTree::Group(g) => {
                    if let Some(found) = find(g.stream()) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        None
    }
    find(block.to_token_stream())
}

/// The regex matching `path` with every parameter a wildcard, except
/// `fixed`, which becomes a `format!` placeholder.
fn path_regex(path: &str, fixed: Option<&str>) -> String {
    let mut out = String::from("^");
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&escape(&rest[..open]));
        let name = &rest[open + 1..close];
        out.push_str(if Some(name) == fixed { "{}" } else { "[^/]*" });
        rest = &rest[close + 1..];
    }
    out.push_str(&escape(rest));
    out.push('$');
    out
}

/// Escapes regex metacharacters, and the braces `format!` would read.
fn escape(literal: &str) -> String {
    let mut out = String::new();
    for c in literal.chars() {
        match c {
            '{' => out.push_str("\\{{"),
            '}' => out.push_str("\\}}"),
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '^' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The type a JSON schema names: a component `$ref`, or an array of one.
fn schema_type(schema: &Schema, types: &[String]) -> Option<TokenStream> {
    if let Some(name) = &schema.reference {
        if !types.iter().any(|t| t == name) {
            return None;
        }
        let name = ident(name, "mock").ok()?;
        return Some(quote!(types::#name));
    }
    if schema.is("array") {
        let item = schema_type(schema.items.as_deref()?, types)?;
        return Some(quote!(::std::vec::Vec<#item>));
    }
    None
}

/// The `When` setters of a set-aside operation: one per path parameter
/// (the facade sends no others, see surface::hand_written), and `body`.
fn when_methods(op: &Operation, types: &[String], context: &str) -> Result<Vec<TokenStream>> {
    let mut methods = Vec::new();
    for param in op.parameters.iter().filter(|p| p.location == "path") {
        let name = &param.name;
        let field = ident(&heck::ToSnakeCase::to_snake_case(name.as_str()), context)?;
        let re = path_regex(&op.path, Some(name));
        methods.push(quote! {
            pub fn #field(self, value: &str) -> Self {
                let re = regex::Regex::new(&format!(#re, regex::escape(value))).unwrap();
                Self(self.0.path_matches(re))
            }
        });
    }
    if let Some(schema) = op.json_body() {
        let ty = schema_type(schema, types)
            .ok_or_else(|| anyhow!("request body: not a component type"))?;
        methods.push(quote! {
            pub fn body(self, value: &#ty) -> Self {
                Self(self.0.json_body_obj(value))
            }
        });
    }
    Ok(methods)
}

/// The `Then` setters of a set-aside operation: one per success status,
/// named by its reason phrase as progenitor names them.
fn then_methods(op: &Operation, types: &[String]) -> Result<Vec<TokenStream>> {
    let mut methods = Vec::new();
    for response in &op.responses {
        let status = &response.status;
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        if code >= 400 {
            continue; // `error(status, body)`, like every other operation
        }
        let reason = reason_phrase(code)
            .ok_or_else(|| anyhow!("response {status}: no reason phrase to name it"))?;
        let fn_name = format_ident!("{}", heck::ToSnakeCase::to_snake_case(reason));
        let schema = response.json();
        methods.push(match (schema, schema.and_then(|s| schema_type(s, types))) {
            (_, Some(ty)) => quote! {
                pub fn #fn_name(self, value: &#ty) -> Self {
                    Self(self.0.status(#code).header("content-type", "application/json").json_body_obj(value))
                }
            },
            // A JSON body without a component schema (the 207s' per-item
            // results): any JSON, read as the client reads it.
            (Some(_), None) => quote! {
                pub fn #fn_name(self, value: ::serde_json::Value) -> Self {
                    Self(self.0.status(#code).header("content-type", "application/json").json_body(value))
                }
            },
            (None, None) => quote! {
                pub fn #fn_name(self) -> Self {
                    Self(self.0.status(#code))
                }
            },
        });
    }
    Ok(methods)
}

fn hand_written_mock(entry: &HandWritten, rust_name: &str, types: &[String]) -> Result<MockOp> {
    let op = &entry.operation;
    let context = rust_name;
    let camel = rust_name.to_upper_camel_case();
    let when = format_ident!("{camel}When");
    let then = format_ident!("{camel}Then");
    let method = format_ident!("{}", op.method.to_uppercase());
    let any_path = path_regex(&op.path, None);
    let when_methods = when_methods(op, types, context)?;
    let then_methods = then_methods(op, types)?;
    let op_ident = ident(rust_name, context)?;
    Ok(MockOp {
        items: quote! {
            pub struct #when(::httpmock::When);
            impl #when {
                pub fn new(inner: ::httpmock::When) -> Self {
                    Self(inner.method(::httpmock::Method::#method).path_matches(regex::Regex::new(#any_path).unwrap()))
                }
                pub fn into_inner(self) -> ::httpmock::When {
                    self.0
                }
                #(#when_methods)*
            }
            pub struct #then(::httpmock::Then);
            impl #then {
                pub fn new(inner: ::httpmock::Then) -> Self {
                    Self(inner)
                }
                pub fn into_inner(self) -> ::httpmock::Then {
                    self.0
                }
                #(#then_methods)*
            }
        },
        trait_fn: quote! {
            fn #op_ident<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
            where
                F: FnOnce(operations::#when, operations::#then);
        },
        impl_fn: quote! {
            fn #op_ident<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
            where
                F: FnOnce(operations::#when, operations::#then),
            {
                self.mock(|when, then| {
                    config_fn(operations::#when::new(when), operations::#then::new(then))
                })
            }
        },
    })
}

/// The reason phrases of the success statuses the document uses (the names
/// progenitor gives its `Then` methods).
fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_regex_fixes_one_parameter_and_escapes_the_rest() {
        assert_eq!(
            path_regex("/v2/providers/{id}/terminate", None),
            "^/v2/providers/[^/]*/terminate$"
        );
        assert_eq!(path_regex("/a.b/{x}/{y}", Some("y")), "^/a\\.b/[^/]*/{}$");
    }

    #[test]
    fn reason_phrases_name_the_success_statuses() {
        assert_eq!(reason_phrase(207), Some("Multi-Status"));
        assert_eq!(
            heck::ToSnakeCase::to_snake_case(reason_phrase(207).unwrap()),
            "multi_status"
        );
        assert_eq!(reason_phrase(299), None);
    }
}
