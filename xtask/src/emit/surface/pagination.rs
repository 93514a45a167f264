//! Which operations page, decided from the document, and the code that lets
//! their builders page themselves (`page_size`, `stream`, `pages`; the
//! paging itself is `src/pagination.rs`).
//!
//! Which operations are paginated is the document model's call
//! ([`Document::paginated`]): `offset` and `limit` query parameters and a
//! page-shaped success body.

use super::{module, module_mut};
use crate::document::{Document, PageShape};
use anyhow::{anyhow, bail, Context, Result};
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

/// The item type: `T` of the body `Vec<T>`, or of the `data` field of the
/// body struct in `types`.
fn item_type(sdk: &syn::File, body: &syn::Type, shape: &PageShape) -> Result<syn::Type> {
    fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        let inner = match last.ident.to_string().as_str() {
            "Vec" | "Option" => match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })?,
                _ => return None,
            },
            _ => return None,
        };
        if last.ident == "Option" {
            vec_item(&inner)
        } else {
            Some(inner)
        }
    }
    match shape {
        PageShape::Array => vec_item(body).ok_or_else(|| anyhow!("the body type is not a Vec")),
        PageShape::Wrapped { .. } => {
            let syn::Type::Path(p) = body else {
                bail!("the body type is not a named type");
            };
            let name = p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let data = module(sdk, "types")
                .into_iter()
                .flatten()
                .find_map(|item| match item {
                    syn::Item::Struct(s) if s.ident == name => s
                        .fields
                        .iter()
                        .find(|f| f.ident.as_ref().is_some_and(|i| i == "data")),
                    _ => None,
                })
                .ok_or_else(|| anyhow!("no struct types::{name} with a `data` field"))?;
            let mut item =
                vec_item(&data.ty).ok_or_else(|| anyhow!("types::{name}::data is not a Vec"))?;
            qualify(&mut item, &super::type_names(sdk));
            Ok(item)
        }
    }
}

/// Inside `types`, typify names its siblings bare (`Vec<Flag>`); outside
/// they are `crate::types::Flag`.
fn qualify(ty: &mut syn::Type, types: &[String]) {
    let syn::Type::Path(p) = ty else { return };
    if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
        let name = p.path.segments[0].ident.to_string();
        if types.contains(&name) {
            let args = p.path.segments[0].arguments.clone();
            let ident = p.path.segments[0].ident.clone();
            *p = syn::parse_quote!(crate::types::#ident);
            if let Some(last) = p.path.segments.last_mut() {
                last.arguments = args;
            }
        }
    }
    for segment in p.path.segments.iter_mut() {
        if let syn::PathArguments::AngleBracketed(a) = &mut segment.arguments {
            for arg in a.args.iter_mut() {
                if let syn::GenericArgument::Type(t) = arg {
                    qualify(t, types);
                }
            }
        }
    }
}

/// Adds paging to the builders of the paginated operations; returns their
/// method names.
pub fn add_paging(sdk: &mut syn::File, doc: &Document) -> Result<Vec<String>> {
    let operations = doc.paginated();
    let mut items: Vec<TokenStream> = Vec::new();
    for op in &operations {
        let builder = op.rust_name.to_upper_camel_case();
        let body = super::send_raw_type(sdk, &builder)
            .ok_or_else(|| anyhow!("{}: no builder {builder} with a send", op.rust_name))?;
        let item = item_type(sdk, &body, &op.shape)
            .with_context(|| format!("{}: paging", op.rust_name))?;
        let builder = crate::model::ident(&builder, &op.rust_name)?;
        let page = match &op.shape {
            PageShape::Array => quote!(crate::pagination::Page::new(offset, body, None)),
            PageShape::Wrapped {
                data_required,
                count,
            } => {
                let data = if *data_required {
                    quote!(body.data)
                } else {
                    quote!(body.data.unwrap_or_default())
                };
                let count = match count {
                    None => quote!(None),
                    Some(true) => quote!(Some(body.count as f64)),
                    Some(false) => quote!(body.count.map(|c| c as f64)),
                };
                quote!(crate::pagination::Page::new(offset, #data, #count))
            }
        };
        let stops = match &op.shape {
            PageShape::Wrapped { count: Some(_), .. } => {
                "Paging stops once `count` items have been seen (or on an empty page)."
            }
            _ => "The response has no `count`: paging stops on a page shorter than the page size.",
        };
        let page_size_doc = format!(
            "Items per request while paging (the `limit` query parameter; {} when not set).",
            "[`DEFAULT_PAGE_SIZE`](crate::pagination::DEFAULT_PAGE_SIZE)"
        );
        let stream_doc = format!(
            "Every item of every page, requested page by page as the stream is read, with the \
             filters set on this builder on every request. {stops} An error is yielded once and \
             ends the stream; a repeated page and a page past the client's \
             [`max_pages`](crate::ClientBuilder::max_pages) are errors."
        );
        let pages_doc = format!(
            "Every page (items, `count`, `offset`), requested as the stream is read. {stops} \
             A repeated page and a page past the client's \
             [`max_pages`](crate::ClientBuilder::max_pages) are errors."
        );
        items.push(quote! {
            impl<'a> #builder<'a> {
                #[doc = #page_size_doc]
                pub fn page_size(self, size: u64) -> Self {
                    self.limit(size)
                }
                #[doc = #stream_doc]
                pub fn stream(self) -> impl ::futures_util::Stream<Item = crate::Result<#item>> + Send + 'a {
                    crate::pagination::items(self)
                }
                #[doc = #pages_doc]
                pub fn pages(self) -> impl ::futures_util::Stream<Item = crate::Result<crate::Page<#item>>> + Send + 'a {
                    crate::pagination::pages(self)
                }
            }
            impl<'a> crate::pagination::PageRequest for #builder<'a> {
                type Item = #item;
                fn window(&self) -> (Option<u64>, Option<u64>) {
                    (
                        self.offset.as_ref().ok().copied().flatten(),
                        self.limit.as_ref().ok().copied().flatten(),
                    )
                }
                fn max_pages(&self) -> u64 {
                    crate::pagination::max_pages(self.client)
                }
                fn fetch(
                    self,
                    offset: u64,
                    limit: u64,
                ) -> impl ::std::future::Future<Output = crate::Result<crate::Page<#item>>> + Send {
                    async move {
                        let body = self.offset(offset).limit(limit).send().await?;
                        Ok(#page)
                    }
                }
            }
        });
    }
    let file: syn::File = syn::parse2(quote!(#(#items)*)).context("paging code does not parse")?;
    module_mut(sdk, "builder")?.extend(file.items);
    Ok(operations.into_iter().map(|o| o.rust_name).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Paginated;
    use serde_json::{json, Value};

    fn paginated(doc: &Value) -> Vec<Paginated> {
        Document::read(doc).paginated()
    }

    fn doc(response: Value, params: &[&str]) -> Value {
        let parameters: Vec<Value> = params
            .iter()
            .map(|n| json!({"name": n, "in": "query", "schema": {"type": "integer", "minimum": 0}}))
            .collect();
        json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {"operationId": "things_find_all", "parameters": parameters,
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": response}}}}}}},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Things": {"type": "object", "required": ["data", "count"], "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "count": {"type": "number"}}}
            }}
        })
    }

    #[test]
    fn offset_limit_and_a_page_shaped_body_make_a_paginated_operation() {
        let wrapped = doc(
            json!({"$ref": "#/components/schemas/Things"}),
            &["offset", "limit"],
        );
        assert_eq!(
            paginated(&wrapped),
            vec![Paginated {
                rust_name: "things_find_all".into(),
                shape: PageShape::Wrapped {
                    data_required: true,
                    count: Some(true)
                }
            }]
        );
        let bare = doc(
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}),
            &["offset", "limit"],
        );
        assert_eq!(paginated(&bare)[0].shape, PageShape::Array);
    }

    #[test]
    fn no_pair_or_no_page_shape_is_not_paginated() {
        let only_limit = doc(json!({"type": "array", "items": {}}), &["limit"]);
        assert!(paginated(&only_limit).is_empty());
        let object_data = doc(
            json!({"type": "object", "properties": {"data": {"type": "object"}, "count": {"type": "number"}}}),
            &["offset", "limit"],
        );
        assert!(paginated(&object_data).is_empty());
        let untyped = doc(json!({"example": {"data": []}}), &["offset", "limit"]);
        assert!(paginated(&untyped).is_empty());
    }

    #[test]
    fn builders_gain_stream_pages_and_page_size() {
        let d = doc(
            json!({"$ref": "#/components/schemas/Things"}),
            &["offset", "limit"],
        );
        let mut sdk = super::super::tests::generated(&d);
        let rows = [super::super::tests::row(
            "things_find_all",
            "GET",
            "/things",
            &[],
        )];
        super::super::return_crate_result(&mut sdk, &rows).unwrap();
        assert_eq!(
            add_paging(&mut sdk, &Document::read(&d)).unwrap(),
            vec!["things_find_all".to_string()]
        );
        let out = super::super::tests::text(&sdk);
        let squash = super::super::tests::squash;
        assert!(
            out.contains(&squash("fn stream(self) -> impl ::futures_util::Stream<Item = crate::Result<crate::types::Thing>>")),
            "{out}"
        );
        assert!(
            out.contains(&squash(
                "crate::pagination::Page::new(offset, body.data, Some(body.count as f64))"
            )),
            "{out}"
        );
        assert!(
            out.contains(&squash("pub fn page_size(self, size: u64) -> Self")),
            "{out}"
        );
    }
}
