//! A decoder and an encoder for every type in `types`: `impl
//! crate::decode::Decode`, plain code over the facade's pull reader
//! (`src/decode.rs`), and `impl crate::encode::Encode` over its JSON writer
//! (`src/encode.rs`), in place of instantiating serde's derived
//! deserializer and serializer per type.
//!
//! Written from the types as typify made them from the normalized document
//! (their fields, `#[serde(..)]` attributes and conversions), so a decoder
//! can never disagree with its struct, and with serde's derive semantics:
//! - a member is read under its `rename` (else the field's name); a second
//!   one is an error (`duplicate field`);
//! - a missing member is `None` for an `Option`, the `default` (or the
//!   named default function) where one is given, else an error
//!   (`missing field`, at the object's pointer);
//! - other members are skipped, or an error under `deny_unknown_fields`;
//! - a newtype with a `FromStr` (typify's checked strings: patterns,
//!   lengths) decodes a string and parses it; another newtype decodes its
//!   field;
//! - an open enum decodes a string and keeps any value (`From<String>`).
//!
//! Encoders write the members in field order under their `rename`, and
//! leave out a member whose `skip_serializing_if` holds, as serde does.
//!
//! Every decoder is `#[inline]`: the library compiles none of them, and a
//! program compiles those of the responses it reads (rustc generates an
//! upstream `#[inline]` function's code in the crate that calls it). With
//! their generic helpers the decoders were most of the library's own code
//! generation (157,000 of its 278,000 LLVM lines); the command-line crate,
//! which calls every operation, builds no slower for it, in debug or
//! release (docs/benchmarks.md). The encoders stay in the library: they
//! are 4,000 lines.
//!
//! The impls go into `types` beside their types, before `reach` gates
//! items, so each is compiled exactly when its type is; `reach` then drops
//! the decoders no response needs and the encoders no request needs.

use std::collections::BTreeSet;

use anyhow::{bail, Result};
use proc_macro2::TokenStream;
use quote::quote;

use super::module_mut;

/// One field's `#[serde(..)]` attributes that decoding and encoding read.
#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    skip_serializing_if: Option<String>,
    /// `default`: `Some(None)`; `default = "path"`: `Some(Some(path))`.
    default: Option<Option<String>>,
}

fn serde_attrs(attrs: &[syn::Attribute]) -> Result<(FieldAttrs, BTreeSet<String>)> {
    let mut field = FieldAttrs::default();
    let mut flags = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                match name.as_str() {
                    "rename" => field.rename = Some(value.value()),
                    "default" => field.default = Some(Some(value.value())),
                    "skip_serializing_if" => field.skip_serializing_if = Some(value.value()),
                    _ => {}
                }
            } else if name == "default" {
                field.default = Some(None);
            } else {
                flags.insert(name);
            }
            Ok(())
        })?;
    }
    Ok((field, flags))
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| quote!(#a).to_string().contains(name))
}

/// The decoder of a struct with named fields.
fn struct_decoder(s: &syn::ItemStruct, fields: &syn::FieldsNamed) -> Result<TokenStream> {
    let ident = &s.ident;
    let (_, container) = serde_attrs(&s.attrs)?;
    let deny_unknown = container.contains("deny_unknown_fields");
    // The members read so far, one tuple: an early return (`?`) drops it
    // with one call, where separate locals would each be dropped on every
    // return path (a decoder's code grew with the square of its fields).
    // Typed where it is declared: with the slots' types left to inference
    // until the struct is built at the end, every `r.field(&mut s.N, ..)`
    // left an obligation pending that type checking revisited.
    let mut slots = Vec::new();
    let mut slot_types = Vec::new();
    let mut arms = Vec::new();
    let mut checks = Vec::new();
    let mut builds = Vec::new();
    for field in &fields.named {
        let (attrs, _) = serde_attrs(&field.attrs)?;
        let (Some(name), Some(key)) = (&field.ident, member_key(field, &attrs)) else {
            continue;
        };
        let slot = syn::Index::from(slots.len());
        slots.push(quote!(::std::option::Option::None));
        let ty = &field.ty;
        slot_types.push(quote!(::std::option::Option<#ty>));
        arms.push(quote!(#key => r.field(&mut s.#slot, #key),));
        let value = match &attrs.default {
            Some(Some(path)) => {
                let path: syn::Path = syn::parse_str(path)?;
                quote!(s.#slot.unwrap_or_else(#path))
            }
            Some(None) => quote!(s.#slot.unwrap_or_default()),
            None if is_option(&field.ty) => quote!(s.#slot.flatten()),
            None => {
                checks.push(quote! {
                    if s.#slot.is_none() {
                        return ::std::result::Result::Err(r.missing(#key));
                    }
                });
                quote!(crate::decode::present(s.#slot))
            }
        };
        builds.push(quote!(#name: #value));
    }
    let other = if deny_unknown {
        quote!(_ => ::std::result::Result::Err(r.error("unknown field")),)
    } else {
        quote!(_ => r.skip(),)
    };
    let (slots, slot_types) = if slots.is_empty() {
        (quote!(()), quote!(()))
    } else {
        (quote!((#(#slots,)*)), quote!((#(#slot_types,)*)))
    };
    Ok(quote! {
        impl crate::decode::Decode for #ident {
            #[inline]
            fn decode(r: &mut crate::decode::Reader<'_>) -> crate::decode::Result<Self> {
                #[allow(unused_mut)]
                let mut s: #slot_types = #slots;
                r.begin_object()?;
                while let ::std::option::Option::Some(key) = r.next_key()? {
                    // One `?` for every arm: each early return is a path
                    // that drops the slots.
                    match &*key {
                        #(#arms)*
                        #other
                    }?;
                    r.value_done();
                }
                #(#checks)*
                ::std::result::Result::Ok(Self { #(#builds),* })
            }
        }
    })
}

/// The member name of `field`: its `rename`, else its identifier.
fn member_key(field: &syn::Field, attrs: &FieldAttrs) -> Option<String> {
    let name = field.ident.as_ref()?;
    Some(
        attrs
            .rename
            .clone()
            .unwrap_or_else(|| name.to_string().trim_start_matches("r#").to_string()),
    )
}

/// The encoder of a struct with named fields.
fn struct_encoder(s: &syn::ItemStruct, fields: &syn::FieldsNamed) -> Result<TokenStream> {
    let ident = &s.ident;
    let mut members = Vec::new();
    for field in &fields.named {
        let (attrs, _) = serde_attrs(&field.attrs)?;
        let (Some(name), Some(key)) = (&field.ident, member_key(field, &attrs)) else {
            continue;
        };
        let write = quote!(w.key(#key); crate::encode::Encode::encode(&self.#name, w););
        members.push(match &attrs.skip_serializing_if {
            Some(path) => {
                let path: syn::Path = syn::parse_str(path)?;
                quote!(if !#path(&self.#name) { #write })
            }
            None => write,
        });
    }
    Ok(quote! {
        impl crate::encode::Encode for #ident {
            fn encode(&self, w: &mut crate::encode::Writer) {
                w.begin_object();
                #(#members)*
                w.end_object();
            }
        }
    })
}

/// The encoder of `item`, if it is a type that has one.
fn encoder(item: &syn::Item) -> Result<Option<TokenStream>> {
    Ok(Some(match item {
        syn::Item::Struct(s) if derives(&s.attrs, "Serialize") => match &s.fields {
            syn::Fields::Named(fields) => struct_encoder(s, fields)?,
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let ident = &s.ident;
                quote! {
                    impl crate::encode::Encode for #ident {
                        fn encode(&self, w: &mut crate::encode::Writer) {
                            crate::encode::Encode::encode(&self.0, w)
                        }
                    }
                }
            }
            _ => bail!(
                "types::{}: a struct shape the encoders do not know",
                s.ident
            ),
        },
        syn::Item::Enum(e) if e.variants.iter().any(|v| v.ident == "Unknown") => {
            let ident = &e.ident;
            quote! {
                impl crate::encode::Encode for #ident {
                    fn encode(&self, w: &mut crate::encode::Writer) {
                        w.string(self.as_str())
                    }
                }
            }
        }
        _ => return Ok(None),
    }))
}

/// Adds the decoders and encoders to `types`; returns how many types have
/// them.
pub fn add_codecs(sdk: &mut syn::File) -> Result<usize> {
    let types = module_mut(sdk, "types")?;
    let parsed: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if super::implements(i, &["FromStr"]) => super::self_type_name(i),
            _ => None,
        })
        .collect();
    let mut impls = Vec::new();
    for item in types.iter() {
        let decoder = match item {
            syn::Item::Struct(s) => match &s.fields {
                syn::Fields::Named(fields) if derives(&s.attrs, "Deserialize") => {
                    struct_decoder(s, fields)?
                }
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    let ident = &s.ident;
                    if parsed.contains(&ident.to_string()) {
                        quote! {
                            impl crate::decode::Decode for #ident {
                                #[inline]
                                fn decode(r: &mut crate::decode::Reader<'_>) -> crate::decode::Result<Self> {
                                    let text = r.str()?;
                                    text.parse().map_err(|e: self::error::ConversionError| r.error(e.to_string()))
                                }
                            }
                        }
                    } else {
                        quote! {
                            impl crate::decode::Decode for #ident {
                                #[inline]
                                fn decode(r: &mut crate::decode::Reader<'_>) -> crate::decode::Result<Self> {
                                    crate::decode::Decode::decode(r).map(Self)
                                }
                            }
                        }
                    }
                }
                syn::Fields::Named(_) => continue,
                _ => bail!(
                    "types::{}: a struct shape the decoders do not know",
                    s.ident
                ),
            },
            syn::Item::Enum(e) if e.variants.iter().any(|v| v.ident == "Unknown") => {
                let ident = &e.ident;
                quote! {
                    impl crate::decode::Decode for #ident {
                        #[inline]
                        fn decode(r: &mut crate::decode::Reader<'_>) -> crate::decode::Result<Self> {
                            r.str().map(|text| Self::from(&*text))
                        }
                    }
                }
            }
            syn::Item::Enum(e) => bail!("types::{}: an enum the decoders do not know", e.ident),
            _ => continue,
        };
        let cfgs = match item {
            syn::Item::Struct(s) => cfg_attrs(&s.attrs),
            syn::Item::Enum(e) => cfg_attrs(&e.attrs),
            _ => Vec::new(),
        };
        for tokens in std::iter::once(decoder).chain(encoder(item)?) {
            let mut block: syn::ItemImpl = syn::parse2(tokens)?;
            block.attrs.extend(cfgs.iter().cloned());
            impls.push(syn::Item::Impl(block));
        }
    }
    let count = impls
        .iter()
        .filter(
            |i| matches!(i, syn::Item::Impl(b) if quote!(#b).to_string().contains("Decode for")),
        )
        .count();
    types.extend(impls);
    Ok(count)
}

fn cfg_attrs(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect()
}

/// serde's derives and attributes, and typify's hand-written serde impls of
/// its checked strings, are compiled only with the `serde` feature: the
/// client reads and writes JSON with the codecs above. The open enums keep
/// their serde impls (a few lines each, built on `as_str` and `From`): query
/// parameters are written through serde. Returns how many types changed.
pub fn serde_behind_feature(sdk: &mut syn::File) -> Result<usize> {
    let types = module_mut(sdk, "types")?;
    let enums: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut changed = 0;
    for item in types.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                let mut touched = gate_serde_attrs(&mut s.attrs)?;
                for field in s.fields.iter_mut() {
                    touched |= gate_serde_attrs(&mut field.attrs)?;
                }
                changed += usize::from(touched);
            }
            syn::Item::Impl(block)
                if is_serde_impl(block)
                    && super::self_type_name(block).is_some_and(|n| !enums.contains(&n)) =>
            {
                block
                    .attrs
                    .push(syn::parse_quote!(#[cfg(feature = "serde")]));
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// Whether `block` implements serde's `Serialize` or `Deserialize`.
fn is_serde_impl(block: &syn::ItemImpl) -> bool {
    super::implements(block, &["Serialize"]) || super::implements(block, &["Deserialize"])
}

/// `#[derive(.., ::serde::Serialize, ..)]` → the derive without serde and
/// `#[cfg_attr(feature = "serde", derive(::serde::Serialize))]`;
/// `#[serde(..)]` → `#[cfg_attr(feature = "serde", serde(..))]`.
fn gate_serde_attrs(attrs: &mut Vec<syn::Attribute>) -> Result<bool> {
    let mut touched = false;
    let mut out = Vec::with_capacity(attrs.len() + 1);
    for attr in attrs.drain(..) {
        if attr.path().is_ident("serde") {
            let syn::Meta::List(list) = &attr.meta else {
                out.push(attr);
                continue;
            };
            let tokens = &list.tokens;
            out.push(syn::parse_quote!(#[cfg_attr(feature = "serde", serde(#tokens))]));
            touched = true;
        } else if attr.path().is_ident("derive") {
            let paths = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )?;
            let (serde, rest): (Vec<_>, Vec<_>) = paths.into_iter().partition(|p| {
                let last = p.segments.last().map(|s| s.ident.to_string());
                matches!(last.as_deref(), Some("Serialize" | "Deserialize"))
            });
            if serde.is_empty() {
                out.push(attr);
                continue;
            }
            if !rest.is_empty() {
                out.push(syn::parse_quote!(#[derive(#(#rest),*)]));
            }
            out.push(syn::parse_quote!(#[cfg_attr(feature = "serde", derive(#(#serde),*))]));
            touched = true;
        } else {
            out.push(attr);
        }
    }
    *attrs = out;
    Ok(touched)
}
