//! Open enums: string enums that keep values the crate does not know.
//!
//! typify makes closed enums: a value CertifyOS adds later fails the whole
//! response. A schema marked as an open enum by normalization is generated here
//! instead, and typify is told to use it by name.

use std::collections::BTreeSet;

use anyhow::{bail, Result};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::document::Document;
use crate::model;

/// The type every open enum keeps an unknown value in.
pub const UNKNOWN_VALUE: &str = "UnknownValue";

/// One open enum, as read from its component schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    /// (value, variant identifier, the document's description of the value)
    pub variants: Vec<(String, String, Option<String>)>,
}

/// The component schemas marked as open enums, in document order.
pub fn collect(doc: &Document) -> Result<Vec<OpenEnum>> {
    let mut enums = Vec::new();
    for (name, schema) in &doc.schemas {
        if !schema.open_enum {
            continue;
        }
        // The name becomes a Rust type: an error here, not a panic later.
        model::ident(name, &format!("/components/schemas/{name}"))?;
        if name == UNKNOWN_VALUE {
            bail!("/components/schemas/{name}: the name is taken by the open-enum support type");
        }
        let Some(values) = &schema.enum_values else {
            bail!("/components/schemas/{name}: marked as an open enum but has no enum");
        };
        let mut strings = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            match value.as_str() {
                Some(s) => strings.push(s.to_string()),
                None => bail!("/components/schemas/{name}/enum/{i}: {value} is not a string"),
            }
        }
        let descriptions = &schema.enum_descriptions;
        let identifiers = variant_identifiers(&strings);
        let variants = strings
            .into_iter()
            .zip(identifiers)
            .map(|(value, ident)| {
                let doc = descriptions.get(&value).cloned();
                (value, ident, doc)
            })
            .collect();
        enums.push(OpenEnum {
            name: name.clone(),
            description: schema.description.clone(),
            variants,
        });
    }
    Ok(enums)
}

/// Readable, unique Rust identifiers for the values, in order: UpperCamelCase
/// of the alphanumeric words (`PSV_COMPLETED` → `PsvCompleted`), `V` before a
/// leading digit, `Empty` for no letters at all, `UnknownValue` in place of
/// the catch-all's own name; a later value that still collides gets `2`, `3`, ….
pub fn variant_identifiers(values: &[String]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::from(["Unknown".to_string()]);
    values
        .iter()
        .map(|value| {
            let words: String = value
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
                .collect();
            let mut base = words.to_upper_camel_case();
            if base.is_empty() {
                base = "Empty".into();
            } else if base.starts_with(|c: char| c.is_ascii_digit()) {
                base = format!("V{base}");
            }
            if base == "Unknown" || base == "Self" {
                base.push_str("Value");
            }
            let name = if taken.contains(&base) {
                (2..)
                    .map(|n| format!("{base}{n}"))
                    .find(|c| !taken.contains(c))
                    .expect("unbounded")
            } else {
                base
            };
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// The support type shared by all open enums.
pub fn unknown_value_tokens() -> TokenStream {
    let name = Ident::new(UNKNOWN_VALUE, Span::call_site());
    quote! {
        /// A value of an open enum that this version of the crate does not
        /// know (CertifyOS added it after the crate was generated), kept verbatim.
        ///
        /// Only the enums' conversions from strings create it, and only for a
        /// string that matches no known value, so equality of enums is
        /// equality of the strings they stand for.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(::std::string::String);

        impl #name {
            /// The value exactly as the server sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    }
}

/// The Rust type for one open enum.
pub fn tokens(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let unknown = Ident::new(UNKNOWN_VALUE, Span::call_site());
    let type_doc = e
        .description
        .clone()
        .unwrap_or_else(|| format!("`{}` values.", e.name));
    let open_doc = "\n\nOpen enum: a value this version of the crate does not know deserializes \
                    to [`Self::Unknown`] and serializes back unchanged, so a value CertifyOS \
                    adds does not break responses that carry it. `#[non_exhaustive]`, so a \
                    value CertifyOS adds is a new variant in a semver-compatible release (a \
                    `match` needs a `_` arm); values order by their text ([`Self::as_str`]), \
                    so a new value never reorders the others.";
    let type_doc = format!("{type_doc}{open_doc}");
    let idents: Vec<Ident> = e
        .variants
        .iter()
        .map(|(_, ident, _)| format_ident!("{}", ident))
        .collect();
    let values: Vec<&str> = e
        .variants
        .iter()
        .map(|(value, _, _)| value.as_str())
        .collect();
    let docs: Vec<String> = e
        .variants
        .iter()
        .map(|(value, _, doc)| match doc {
            Some(doc) => format!("`{value}`: {doc}"),
            None => format!("`{value}`"),
        })
        .collect();
    let impls = trait_impls(&name, &unknown);
    quote! {
        #[doc = #type_doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #docs]
                #idents,
            )*
            /// A value not in the list above, kept verbatim.
            Unknown(#unknown),
        }

        impl #name {
            /// Every value the document lists, in its order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this is one of the values the document lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#values => ::std::option::Option::Some(Self::#idents),)*
                    _ => ::std::option::Option::None,
                }
            }
        }

        #impls
    }
}

/// The conversions from and to text, the order by text, and serde through
/// the text: the same for every open enum.
fn trait_impls(name: &Ident, unknown: &Ident) -> TokenStream {
    quote! {
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Unknown(#unknown(value.to_string())))
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::Unknown(#unknown(value)))
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::cmp::PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }

        impl ::std::cmp::Ord for #name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ext::{ENUM_DESCRIPTIONS, OPEN_ENUM};
    use serde_json::json;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn identifiers_are_readable_camel_case() {
        assert_eq!(
            variant_identifiers(&strings(&[
                "PSV_COMPLETED",
                "Obstetrics & Gynecology",
                "Non_Clean",
                "in-progress"
            ])),
            vec![
                "PsvCompleted",
                "ObstetricsGynecology",
                "NonClean",
                "InProgress"
            ]
        );
    }

    #[test]
    fn colliding_and_awkward_values_get_distinct_identifiers() {
        assert_eq!(
            variant_identifiers(&strings(&[
                "a b",
                "A_B",
                "1st",
                "",
                "Unknown",
                "unknown value"
            ])),
            vec![
                "AB",
                "AB2",
                "V1st",
                "Empty",
                "UnknownValue",
                "UnknownValue2"
            ]
        );
    }

    #[test]
    fn marked_schemas_are_collected_with_descriptions() {
        let doc = json!({"components": {"schemas": {
            "Plain": {"type": "string", "enum": ["x"]},
            "EventType": {"type": "string", "enum": ["A_B", "C"], OPEN_ENUM: true, ENUM_DESCRIPTIONS: {"A_B": "A then B"}}
        }}});
        let enums = collect(&Document::read(&doc)).unwrap();
        assert_eq!(enums.len(), 1);
        assert_eq!(
            enums[0].variants,
            vec![
                (
                    "A_B".to_string(),
                    "AB".to_string(),
                    Some("A then B".to_string())
                ),
                ("C".to_string(), "C".to_string(), None),
            ]
        );
    }

    #[test]
    fn a_non_string_value_is_an_error_naming_it() {
        let doc = json!({"components": {"schemas": {"E": {"enum": ["a", 3], OPEN_ENUM: true}}}});
        assert_eq!(
            collect(&Document::read(&doc)).unwrap_err().to_string(),
            "/components/schemas/E/enum/1: 3 is not a string"
        );
    }
}
