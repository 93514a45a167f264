//! `Debug` of the generated types never prints a secret.
//!
//! A component schema's property is a secret when its name says so — a word
//! `secret` or `password`, or a last word `token` (`client_secret`,
//! `sitePassword`, `access_token`; not `token_url`) — or when it is a map
//! whose name or description speaks of keys, secrets or tokens (the webhook
//! `headers`, "e.g., for API keys or tokens": names shown, values hidden).
//! The struct in `types` and typify's builder for it lose their derived
//! `Debug` for one that prints those fields through `crate::redact`.

use super::module_mut;
use crate::document::{Document, Schema};
use anyhow::{anyhow, Result};
use heck::ToSnakeCase;
use quote::quote;

/// One secret property: `(schema name, property name)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretField {
    pub schema: String,
    pub property: String,
}

/// Whether a property name names a secret.
pub fn is_secret_name(name: &str) -> bool {
    let snake = name.to_snake_case();
    let words: Vec<&str> = snake.split('_').collect();
    words
        .iter()
        .any(|w| matches!(*w, "secret" | "password" | "passwd" | "apikey"))
        || words.last() == Some(&"token")
        || snake.ends_with("api_key")
}

fn is_map(schema: &Schema) -> bool {
    schema.is("object") && schema.properties().next().is_none()
}

fn mentions_secrets(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    ["api key", "secret", "token", "password"]
        .iter()
        .any(|w| text.contains(w))
}

/// Every secret property of the document's component schemas, sorted.
pub fn secret_fields(doc: &Document) -> Vec<SecretField> {
    let mut out = Vec::new();
    for (schema, body) in &doc.schemas {
        for (property, value) in body.properties() {
            let description = value.description.as_deref().unwrap_or_default();
            let secret = is_secret_name(property)
                || (is_map(value)
                    && (property.eq_ignore_ascii_case("headers") || mentions_secrets(description)));
            if secret {
                out.push(SecretField {
                    schema: schema.clone(),
                    property: property.clone(),
                });
            }
        }
    }
    out.sort();
    out
}

/// The field of `fields` that holds JSON property `property`.
fn field_for<'a>(fields: &'a syn::Fields, property: &str) -> Option<&'a syn::Ident> {
    fields.iter().find_map(|f| {
        let ident = f.ident.as_ref()?;
        let renamed = f.attrs.iter().find_map(|a| {
            if !a.path().is_ident("serde") {
                return None;
            }
            let mut rename = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    rename = Some(value.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            rename
        });
        (renamed.as_deref().unwrap_or(&ident.to_string()) == property).then_some(ident)
    })
}

/// Replaces the derived `Debug` of `strukt` (found in `items`) by one that
/// redacts `secret` fields. `false` when there is no such struct.
fn redact_struct(items: &mut Vec<syn::Item>, name: &str, secret: &[syn::Ident]) -> bool {
    let Some(position) = items
        .iter()
        .position(|i| matches!(i, syn::Item::Struct(s) if s.ident == name))
    else {
        return false;
    };
    let syn::Item::Struct(strukt) = &mut items[position] else {
        unreachable!("found above");
    };
    for attr in strukt
        .attrs
        .iter_mut()
        .filter(|a| a.path().is_ident("derive"))
    {
        if let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) {
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !p.is_ident("Debug")).collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    let ident = strukt.ident.clone();
    let generics = strukt.generics.clone();
    let shown = strukt
        .fields
        .iter()
        .filter_map(|f| f.ident.clone())
        .map(|f| {
            let name = f.to_string();
            if secret.contains(&f) {
                quote!(.field(#name, &crate::redact::Redacted(&self.#f)))
            } else {
                quote!(.field(#name, &self.#f))
            }
        });
    let title = ident.to_string();
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let debug: syn::Item = syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #type_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#title) #(#shown)* .finish()
            }
        }
    };
    items.insert(position + 1, debug);
    true
}

/// Redacts every secret field of the document in `types` and `types::builder`;
/// returns `Type.property` of each.
pub fn redact_secret_fields(sdk: &mut syn::File, doc: &Document) -> Result<Vec<String>> {
    let secrets = secret_fields(doc);
    let types = module_mut(sdk, "types")?;
    let mut by_type: std::collections::BTreeMap<String, Vec<syn::Ident>> = Default::default();
    for secret in &secrets {
        let strukt = types
            .iter()
            .find_map(|i| match i {
                syn::Item::Struct(s) if s.ident == secret.schema => Some(s),
                _ => None,
            })
            .ok_or_else(|| {
                anyhow!(
                    "secret {}.{}: no struct types::{} to redact",
                    secret.schema,
                    secret.property,
                    secret.schema
                )
            })?;
        let field = field_for(&strukt.fields, &secret.property).ok_or_else(|| {
            anyhow!(
                "secret {}.{}: types::{} has no field for it",
                secret.schema,
                secret.property,
                secret.schema
            )
        })?;
        by_type
            .entry(secret.schema.clone())
            .or_default()
            .push(field.clone());
    }
    for (name, fields) in &by_type {
        redact_struct(types, name, fields);
        let builder = types.iter_mut().find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        });
        if let Some(builder) = builder {
            redact_struct(builder, name, fields);
        }
    }
    Ok(secrets
        .iter()
        .map(|s| format!("{}.{}", s.schema, s.property))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_names_and_secret_maps_are_found() {
        for name in [
            "client_secret",
            "sitePassword",
            "access_token",
            "password",
            "apiKey",
            "refreshToken",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "token_url",
            "client_id",
            "tokenizer",
            "scope",
            "credentialingStatus",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        let doc = json!({"components": {"schemas": {"Hook": {"type": "object", "properties": {
            "url": {"type": "string"},
            "headers": {"type": "object", "description": "custom static headers"},
            "extra": {"type": "object", "description": "e.g., for API keys"},
            "meta": {"type": "object", "description": "anything"},
            "client_secret": {"type": "string"}
        }}}}});
        let found: Vec<String> = secret_fields(&Document::read(&doc))
            .into_iter()
            .map(|s| s.property)
            .collect();
        assert_eq!(found, vec!["client_secret", "extra", "headers"]);
    }

    #[test]
    fn the_derived_debug_is_replaced_by_a_redacting_one() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, serde::Serialize)]
                pub struct Token {
                    #[serde(rename = "accessToken")]
                    pub access_token: String,
                    pub kind: String,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Token {
                        access_token: Result<String, String>,
                        kind: Result<String, String>,
                    }
                }
            }
        };
        let doc = json!({"components": {"schemas": {"Token": {"properties": {"accessToken": {"type": "string"}, "kind": {"type": "string"}}}}}});
        assert_eq!(
            redact_secret_fields(&mut file, &Document::read(&doc)).unwrap(),
            vec!["Token.accessToken"]
        );
        let out = prettyplease::unparse(&file);
        assert!(out.contains("#[derive(Clone, serde::Serialize)]"), "{out}");
        assert!(
            out.contains(".field(\"access_token\", &crate::redact::Redacted(&self.access_token))"),
            "{out}"
        );
        assert!(out.contains(".field(\"kind\", &self.kind)"), "{out}");
        assert_eq!(
            out.matches("impl ::std::fmt::Debug for Token").count(),
            2,
            "{out}"
        );
    }

    #[test]
    fn a_secret_without_its_struct_is_an_error() {
        let mut file: syn::File = syn::parse_quote!(
            pub mod types {}
        );
        let doc = json!({"components": {"schemas": {"Gone": {"properties": {"password": {"type": "string"}}}}}});
        let err = redact_secret_fields(&mut file, &Document::read(&doc))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "secret Gone.password: no struct types::Gone to redact");
    }
}
