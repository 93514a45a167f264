//! The request types' builders finish in linear code.
//!
//! typify finishes a builder with `Ok(Self { a: value.a?, b: value.b?, … })`.
//! Each `?` is an early return that must drop every field not yet moved
//! and every one already taken, so the function grows with the square of
//! the fields (`cargo llvm-lines`: 8,280 lines for `UpdateFacilityDto`'s 41
//! fields, about 30,000 in all). [`linear_builder_conversions`] rewrites it
//! as one match on the fields: all converted, the value; else the first
//! field's error in field order, the error `?` gave, each field dropped
//! once:
//!
//! ```ignore
//! match (value.a, value.b) {
//!     (Ok(a), Ok(b)) => Ok(Self { a, b }),
//!     (a, b) => Err(super::error::first_error(&mut [a.err(), b.err()])),
//! }
//! ```

use anyhow::{anyhow, Result};
use quote::ToTokens;

use super::module_mut;

/// Rewrites every `TryFrom<builder::T> for T` of `types::builder` that has
/// typify's shape, and adds `first_error` to `types::error`. Returns how
/// many conversions changed.
pub fn linear_builder_conversions(sdk: &mut syn::File) -> Result<usize> {
    let types = module_mut(sdk, "types")?;
    let mut changed = 0;
    for item in types.iter_mut() {
        if let Some(items) = submodule(item, "builder") {
            for item in items {
                if let syn::Item::Impl(block) = item {
                    changed += usize::from(rewrite(block));
                }
            }
        }
    }
    if changed == 0 {
        return Ok(0);
    }
    let error = types
        .iter_mut()
        .find_map(|item| submodule(item, "error"))
        .ok_or_else(|| {
            anyhow!("types::builder: {changed} conversions rewritten but no `types::error` module to hold `first_error`")
        })?;
    error.push(syn::parse_quote! {
        /// The first of a builder's field errors, in field order
        /// (`None`: that field converted).
        #[allow(dead_code)] // every builder may be behind a feature that is off
        pub(crate) fn first_error(
            errors: &mut [::std::option::Option<::std::string::String>],
        ) -> ConversionError {
            errors.iter_mut().find_map(::std::option::Option::take).unwrap_or_default().into()
        }
    });
    Ok(changed)
}

/// The items of `item` if it is the inline module `name`.
fn submodule<'a>(item: &'a mut syn::Item, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    }
}

/// The fields of `Ok(Self { f: value.f?, … })`, the body typify gives
/// `try_from`; `None` for any other body.
fn typify_fields(body: &syn::Block) -> Option<Vec<syn::Ident>> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = body.stmts.as_slice() else {
        return None;
    };
    let syn::Expr::Path(ok) = &*call.func else {
        return None;
    };
    let [syn::Expr::Struct(literal)] = call.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    if !ok.path.is_ident("Ok") || !literal.path.is_ident("Self") || literal.rest.is_some() {
        return None;
    }
    literal
        .fields
        .iter()
        .map(|field| {
            let syn::Member::Named(name) = &field.member else {
                return None;
            };
            let syn::Expr::Try(tried) = &field.expr else {
                return None;
            };
            let syn::Expr::Field(read) = &*tried.expr else {
                return None;
            };
            let from_value = matches!(&*read.base, syn::Expr::Path(p) if p.path.is_ident("value"));
            (from_value && read.member == field.member).then(|| name.clone())
        })
        .collect()
}

/// Rewrites `block` if it is a `TryFrom` whose `try_from` has typify's body.
fn rewrite(block: &mut syn::ItemImpl) -> bool {
    if !super::implements(block, &["TryFrom"]) {
        return false;
    }
    for item in &mut block.items {
        let syn::ImplItem::Fn(f) = item else {
            continue;
        };
        if f.sig.ident != "try_from" {
            continue;
        }
        // A struct without fields has no error to find (and a second arm
        // would be unreachable).
        let Some(fields) = typify_fields(&f.block).filter(|fields| !fields.is_empty()) else {
            return false;
        };
        f.block = syn::parse_quote!({
            match (#(value.#fields,)*) {
                (#(Ok(#fields),)*) => Ok(Self { #(#fields),* }),
                (#(#fields,)*) => Err(super::error::first_error(&mut [#(#fields.err()),*])),
            }
        });
        return true;
    }
    false
}

/// Every builder setter converts its argument with one of the facade's
/// generic functions (`src/setters.rs`): typify's and progenitor's setters
/// each had a closure and a `format!` of their own (577 closures to type
/// check, borrow check and lower). The messages stay theirs: each setter
/// passes its own text. A setter of another shape is left as it is.
/// Returns how many setters changed.
pub fn shared_setters(sdk: &mut syn::File) -> Result<usize> {
    let mut changed = 0;
    for item in &mut sdk.items {
        changed += setters_in(item)?;
    }
    Ok(changed)
}

fn setters_in(item: &mut syn::Item) -> Result<usize> {
    let mut changed = 0;
    match item {
        syn::Item::Mod(m) => {
            for item in m.content.iter_mut().flat_map(|(_, items)| items) {
                changed += setters_in(item)?;
            }
        }
        syn::Item::Impl(block) => {
            for member in &mut block.items {
                let syn::ImplItem::Fn(f) = member else {
                    continue;
                };
                let text = f.block.to_token_stream().to_string();
                if let Some(shared) = shared_setter(&text) {
                    f.block = syn::parse_str(&shared)?;
                    changed += 1;
                }
            }
        }
        _ => {}
    }
    Ok(changed)
}

/// A setter's block with its conversion through `crate::setters`, if it
/// has one of the four shapes typify 0.8 and progenitor 0.15 write.
fn shared_setter(block: &str) -> Option<String> {
    let rest = block.strip_prefix("{ self . ")?;
    let (field, rest) = rest.split_once(" = value . try_into () . ")?;
    if field.is_empty()
        || !field
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '#')
    {
        return None;
    }
    let rest = rest.strip_suffix(" ; self }")?;
    let shapes: [(&str, &str, &str); 4] = [
        ("map_err (| e | format ! (\"", ": {e}\"))", "converted"),
        (
            "map (Some) . map_err (| _ | \"",
            "\" . to_string ())",
            "optional",
        ),
        ("map_err (| _ | \"", "\" . to_string ())", "required"),
        (
            "map (From :: from) . map_err (| s | format ! (\"",
            ": {}\" , s))",
            "body",
        ),
    ];
    shapes.iter().find_map(|(open, close, helper)| {
        let message = rest.strip_prefix(open)?.strip_suffix(close)?;
        if message.contains('"') || message.contains('\\') {
            return None;
        }
        Some(format!(
            "{{ self . {field} = crate :: setters :: {helper} (value , \"{message}\") ; self }}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{squash, text};
    use super::*;

    fn sdk() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub mod error {
                    pub struct ConversionError(::std::borrow::Cow<'static, str>);
                }
                pub mod builder {
                    impl ::std::convert::TryFrom<Note> for super::Note {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Note) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { message: value.message?, r#type: value.r#type? })
                        }
                    }
                    impl ::std::convert::TryFrom<Empty> for super::Empty {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Empty) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self {})
                        }
                    }
                    impl ::std::convert::TryFrom<Odd> for super::Odd {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Odd) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { message: other.message? })
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn typify_conversions_become_one_match_and_others_stay() {
        let mut file = sdk();
        assert_eq!(linear_builder_conversions(&mut file).unwrap(), 1);
        let out = text(&file);
        assert!(
            out.contains(&squash(
                "match (value.message, value.r#type) { \
                 (Ok(message), Ok(r#type)) => Ok(Self { message, r#type }), \
                 (message, r#type) => { Err(super::error::first_error(&mut [message.err(), r#type.err()])) } }"
            )),
            "{out}"
        );
        assert!(
            out.contains(&squash("Ok(Self { message: other.message? })")),
            "{out}"
        );
        assert!(out.contains(&squash("Ok(Self {})")), "{out}");
        assert!(out.contains(&squash("pub(crate) fn first_error(")), "{out}");
    }

    #[test]
    fn without_a_conversion_to_rewrite_nothing_is_added() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod error {}
                pub mod builder {}
            }
        };
        assert_eq!(linear_builder_conversions(&mut file).unwrap(), 0);
        assert!(!text(&file).contains("first_error"));
    }

    #[test]
    fn setters_convert_through_the_facade_with_their_own_messages() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl Webhook {
                        pub fn url<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::string::String>, T::Error: ::std::fmt::Display,
                        {
                            self.url = value.try_into().map_err(|e| format!("error converting supplied value for url: {e}"));
                            self
                        }
                        pub fn other(mut self, value: u8) -> Self {
                            self.other = value.try_into().map_err(|e| e.to_string());
                            self
                        }
                    }
                }
            }
            pub mod builder {
                impl<'a> Find<'a> {
                    pub fn limit<V>(mut self, value: V) -> Self where V: std::convert::TryInto<u64> {
                        self.limit = value.try_into().map(Some).map_err(|_| "conversion to `u64` for limit failed".to_string());
                        self
                    }
                    pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> {
                        self.id = value.try_into().map_err(|_| "conversion to `String` for id failed".to_string());
                        self
                    }
                    pub fn body<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<types::Dto>, <V as std::convert::TryInto<types::Dto>>::Error: std::fmt::Display,
                    {
                        self.body = value.try_into().map(From::from).map_err(|s| format!("conversion to `Dto` for body failed: {}", s));
                        self
                    }
                }
            }
        };
        assert_eq!(shared_setters(&mut file).unwrap(), 4);
        let out = text(&file);
        for expected in [
            "self.url = crate::setters::converted(value, \"error converting supplied value for url\");",
            "self.limit = crate::setters::optional(value, \"conversion to `u64` for limit failed\");",
            "self.id = crate::setters::required(value, \"conversion to `String` for id failed\");",
            "self.body = crate::setters::body(value, \"conversion to `Dto` for body failed\");",
            "self.other = value.try_into().map_err(|e| e.to_string());",
        ] {
            assert!(out.contains(&squash(expected)), "{expected}\n{out}");
        }
    }
}
