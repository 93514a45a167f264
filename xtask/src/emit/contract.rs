//! `generated/contract_calls.rs`: every generated operation called through the
//! public client with example arguments made from the document, once with
//! the required arguments and, where there are optional ones, once with all.
//! The contract tests (tests/library/contract.rs) run them against Prism serving the
//! repaired document, which validates each request.
//!
//! Argument types come from progenitor's own output (each builder setter's
//! `TryInto<T>` bound), values from the schemas, so the calls follow both.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Map, Number, Value};

use crate::document::{Document, Operation, Schema};
use crate::model;

/// Builder struct → setter → the type its value converts into.
type Setters = BTreeMap<String, BTreeMap<String, syn::Type>>;

fn setters(sdk: &syn::File) -> Setters {
    let mut out = Setters::new();
    let builder = sdk.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    });
    for item in builder.into_iter().flat_map(|(_, items)| items) {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        out.entry(name.clone()).or_default();
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let target = f
                .sig
                .generics
                .where_clause
                .iter()
                .flat_map(|w| &w.predicates)
                .find_map(|p| {
                    let syn::WherePredicate::Type(t) = p else {
                        return None;
                    };
                    t.bounds.iter().find_map(|b| {
                        let syn::TypeParamBound::Trait(tr) = b else {
                            return None;
                        };
                        let last = tr.path.segments.last()?;
                        if last.ident != "TryInto" {
                            return None;
                        }
                        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                            return None;
                        };
                        args.args.iter().find_map(|a| match a {
                            syn::GenericArgument::Type(ty) => Some(ty.clone()),
                            _ => None,
                        })
                    })
                });
            if let Some(ty) = target {
                out.entry(name.clone())
                    .or_default()
                    .insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    out
}

/// `types::X` / `crate::types::X` as the test crate names it.
pub fn public_type(ty: &syn::Type) -> Result<TokenStream> {
    let text = quote!(#ty)
        .to_string()
        .replace("crate :: types ::", "types ::")
        .replace("types ::", "certifyos :: types ::");
    syn::parse_str::<syn::Type>(&text)
        .map(|t| quote!(#t))
        .map_err(|e| anyhow!("type {text}: {e}"))
}

/// A value for `schema` that satisfies it: enums take their first value,
/// strings their format (or a value matching the document's patterns and
/// lengths), objects their required properties (all of them with `all`).
pub fn example(doc: &Document, schema: &Schema, all: bool, depth: usize) -> Value {
    let schema = doc.resolve(schema);
    if let Some(inner) = schema.single_all_of() {
        return example(doc, inner, all, depth);
    }
    if let Some(first) = schema.enum_values.as_ref().and_then(|v| v.first()) {
        return first.clone();
    }
    let given = schema.example.clone();
    let minimum = schema.minimum.as_ref();
    match schema.ty.as_deref() {
        Some("string") => json!(string_example(schema, given)),
        Some("integer") => json!(minimum.and_then(Number::as_i64).unwrap_or(1).max(1)),
        Some("number") => json!(minimum.and_then(Number::as_f64).unwrap_or(1.0).max(1.0)),
        Some("boolean") => json!(true),
        Some("array") => match &schema.items {
            Some(items) if depth < 6 => json!([example(doc, items, all, depth + 1)]),
            _ => json!([]),
        },
        _ if schema.properties.is_some() => {
            let mut object = Map::new();
            for (name, property) in schema.properties() {
                let wanted = schema.requires(name) || (all && depth < 3);
                if wanted && !property.read_only {
                    object.insert(name.clone(), example(doc, property, all, depth + 1));
                }
            }
            Value::Object(object)
        }
        Some("object") => json!({}),
        _ => given.unwrap_or_else(|| json!({})),
    }
}

fn string_example(schema: &Schema, given: Option<Value>) -> String {
    let pattern = schema.pattern.as_deref();
    match (schema.format.as_deref(), pattern) {
        (Some("date-time"), _) => return "2024-01-15T10:00:00Z".into(),
        (Some("date"), _) => return "2024-01-15".into(),
        (Some("email"), _) => return "provider@example.com".into(),
        (Some("uri" | "url"), _) => return "https://example.com/hook".into(),
        (Some("uuid"), _) => return "3fa85f64-5717-4562-b3fc-2c963f66afa6".into(),
        (_, Some(r"^(?:\d{15}|)$")) => return "123456789012345".into(),
        (_, Some(r"^(?!\d+$)")) => return "Jane".into(),
        _ => {}
    }
    let min = schema.min_length.unwrap_or(0) as usize;
    if min > 1 {
        // NPIs, tax ids: digits of the required length.
        return "1234567890123456789".chars().cycle().take(min).collect();
    }
    match given {
        Some(Value::String(s)) if pattern.is_none() => s,
        _ => "example".into(),
    }
}

/// The generated file.
pub fn tokens(doc: &Document, sdk: &syn::File) -> Result<TokenStream> {
    let setters = setters(sdk);
    let paginated: Vec<String> = doc.paginated().into_iter().map(|p| p.rust_name).collect();
    let mut names = Vec::new();
    let mut arms = Vec::new();
    for op in &doc.operations {
        let Some(rust_name) = op.id.as_deref() else {
            continue;
        };
        let published = op.published_id.as_deref().unwrap_or(rust_name);
        let builder = rust_name.to_upper_camel_case();
        let Some(available) = setters.get(&builder) else {
            bail!("{}: no builder {builder} in progenitor's output", op.key());
        };
        let call = Call {
            doc,
            op,
            published,
            builder: &builder,
            available,
        };
        let has_optional = op.parameters.iter().any(|p| !p.required)
            || op
                .json_body()
                .is_some_and(|b| example(doc, b, true, 0) != example(doc, b, false, 0));
        let mut variants: Vec<(&str, bool)> = vec![("required", false)];
        if has_optional {
            variants.push(("all", true));
        }
        if paginated.iter().any(|p| p == rust_name) {
            // Once through the paginator, with the required arguments.
            variants.push(("stream", false));
        }
        for (variant, all) in variants {
            let chain = call.chain(all)?;
            let method_ident = model::ident(rust_name, published)?;
            let index = names.len();
            names.push(quote! { (#published, #variant) });
            arms.push(if variant == "stream" {
                stream_arm(index, &method_ident, &chain)
            } else {
                quote! {
                    #index => {
                        client.#method_ident() #(#chain)* .send().await?;
                        Ok(())
                    }
                }
            });
        }
    }
    let drain = drain_tokens();
    Ok(quote! {
        /// `(operationId as published, "required" | "all" | "stream")` of every
        /// call below; "stream" pages through a paginated operation.
        pub const CONTRACT_CALLS: &[(&str, &str)] = &[#(#names),*];

        /// Makes call `index` of [`CONTRACT_CALLS`]; the response is decoded into its type.
        pub async fn contract_call(client: &certifyos::Client, index: usize) -> Result<(), certifyos::Error> {
            match index {
                #(#arms)*
                _ => panic!("no contract call {index}"),
            }
        }

        #drain
    })
}

/// One operation's contract calls: its builder's setters and the document.
struct Call<'a> {
    doc: &'a Document,
    op: &'a Operation,
    published: &'a str,
    builder: &'a str,
    available: &'a BTreeMap<String, syn::Type>,
}

impl Call<'_> {
    /// The setter calls with example values: the required arguments, or all.
    fn chain(&self, all: bool) -> Result<Vec<TokenStream>> {
        let (doc, published, builder) = (self.doc, self.published, self.builder);
        let mut chain = Vec::new();
        for param in &self.op.parameters {
            if !param.required && !all {
                continue;
            }
            let name = &param.name;
            let setter = name.to_snake_case();
            let Some(ty) = self.available.get(&setter) else {
                bail!("{published}: parameter {name} has no setter {setter} on {builder}");
            };
            let schema = param.schema.clone().unwrap_or_default();
            chain.push(setter_call(
                &setter,
                ty,
                &example(doc, &schema, all, 0),
                published,
            )?);
        }
        if let Some(body) = self.op.json_body() {
            let ty = self
                .available
                .get("body")
                .ok_or_else(|| anyhow!("{published}: no body setter on {builder}"))?;
            chain.push(setter_call(
                "body",
                ty,
                &example(doc, body, all, 0),
                published,
            )?);
        }
        Ok(chain)
    }
}

/// The arm that pages through a paginated operation, with [`drain`]'s
/// bound.
fn stream_arm(index: usize, method: &syn::Ident, chain: &[TokenStream]) -> TokenStream {
    quote! {
        #index => drain(client.#method() #(#chain)* .page_size(3).stream()).await,
    }
}

/// `drain`, in the generated file once: reads at most 7 items of a
/// paginated call. Bounded: Prism's pages may never reach the `count` they
/// claim. Prism serves its example whatever the offset, so the second page
/// repeats the first: the client ends paging with `PagingStalled` there,
/// which is the right answer to it.
fn drain_tokens() -> TokenStream {
    quote! {
        /// Reads at most 7 items of a paginated call; `PagingStalled` after
        /// the first item ends it (Prism serves one page whatever the offset).
        async fn drain<T>(
            stream: impl ::futures_util::Stream<Item = Result<T, certifyos::Error>>,
        ) -> Result<(), certifyos::Error> {
            let items: Vec<_> = ::futures_util::StreamExt::collect(
                ::futures_util::StreamExt::take(stream, 7),
            ).await;
            let mut read = 0;
            for item in items {
                match item {
                    Ok(_) => read += 1,
                    Err(certifyos::Error::PagingStalled { .. }) if read > 0 => break,
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
    }
}

fn setter_call(
    setter: &str,
    ty: &syn::Type,
    value: &Value,
    operation: &str,
) -> Result<TokenStream> {
    let ident = format_ident!("{}", setter);
    let ty = public_type(ty)?;
    let json = value.to_string();
    let context = format!("{operation}: example {setter}");
    Ok(quote! { .#ident(serde_json::from_str::<#ty>(#json).expect(#context)) })
}

/// `generated/decoders.rs` (tests only): every generated operation whose
/// success has a body, its response type, and a value for it made from the
/// document; the decoder property test perturbs the value and decodes it.
pub fn decoder_tokens(doc: &Document, sdk: &syn::File) -> Result<TokenStream> {
    let mut entries = Vec::new();
    for op in &doc.operations {
        let Some(rust_name) = op.id.as_deref() else {
            continue;
        };
        let builder = rust_name.to_upper_camel_case();
        let Some(ty) = crate::surface::send_raw_type(sdk, &builder) else {
            bail!("{rust_name}: no builder {builder} with a send");
        };
        if matches!(&ty, syn::Type::Tuple(t) if t.elems.is_empty()) {
            continue;
        }
        let Some(schema) = op.success_json() else {
            continue;
        };
        let ty = public_type(&ty)?;
        let json = example(doc, schema, true, 0).to_string();
        entries.push(quote! { (#rust_name, #ty, #json) });
    }
    Ok(quote! {
        // Every generated operation with a response body: its name, its
        // response type, and a value for it made from the document. The
        // includer defines `decoders!`.
        decoders! { #(#entries),* }
    })
}

/// `generated/encoders.rs` (tests only): every generated operation with a
/// JSON body, the body's type (its builder's `body` setter), and a value
/// for it made from the document with every optional member; the encoder
/// property test perturbs the value and writes it on both paths.
pub fn encoder_tokens(doc: &Document, sdk: &syn::File) -> Result<TokenStream> {
    let setters = setters(sdk);
    let mut entries = Vec::new();
    for op in &doc.operations {
        let (Some(rust_name), Some(body)) = (op.id.as_deref(), op.json_body()) else {
            continue;
        };
        let builder = rust_name.to_upper_camel_case();
        let Some(ty) = setters.get(&builder).and_then(|s| s.get("body")) else {
            bail!("{rust_name}: no body setter on builder {builder}");
        };
        let ty = public_type(ty)?;
        let json = example(doc, body, true, 0).to_string();
        entries.push(quote! { (#rust_name, #ty, #json) });
    }
    Ok(quote! {
        // Every generated operation with a JSON body: its name, the body's
        // type, and a value for it made from the document. The includer
        // defines `encoders!`.
        encoders! { #(#entries),* }
    })
}
