//! What each operation reaches, read off the generated code (so typify's
//! inline types count as well as the document's component schemas), and the
//! four decisions taken from it:
//!
//! - a type no operation reaches compiles only with the `unreached-schemas`
//!   feature ([`crate::features::UNREACHED`]);
//! - a struct keeps its typify builder only when a caller constructs it: a
//!   request body or parameter, or a type one of those reaches through its
//!   fields. Response-only types have none: like every struct they are
//!   `#[non_exhaustive]`, and a test makes one from the JSON CertifyOS
//!   would send (`serde_json::from_value`);
//! - every operation (its `Client` method and its builder) compiles with its
//!   tags' features, and every type with the features of the operations that
//!   reach it (either feature on compiles a type two tags share).
//! - a type keeps its decoder (`surface/codec.rs`) only when a response
//!   reaches it, and its encoder only when a request does (or paging
//!   digests it, a page's items): the client never decodes a request body
//!   or encodes a response, and a codec costs its build time whether it is
//!   called or not (serde's derives, behind `serde`, cover every type).
//!
//! "Reaches" follows every type an item names: a struct's fields, an enum's
//! variants, and each impl of the type (typify's `From` conversions between
//! types), so a type compiles whenever anything compiled names it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use syn::visit::Visit;

use crate::features::{cfg_tokens, UNREACHED};
use crate::operations::Row;

/// What the step decided, for codegen's report and the README.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reach {
    /// Type → the features that compile it; absent: always compiled.
    pub gates: BTreeMap<String, BTreeSet<String>>,
    /// Structs that keep a builder (`types::builder::T`).
    pub builders: BTreeSet<String>,
    /// Structs whose builder was dropped (nothing constructs them).
    pub builders_dropped: BTreeSet<String>,
    /// Types no operation reaches (compiled with `unreached-schemas` only).
    pub unreached: BTreeSet<String>,
    /// Types whose decoder was dropped: no response reaches them (a
    /// request body's type, a query parameter's).
    pub decoders_dropped: BTreeSet<String>,
    /// Types whose encoder was dropped: no request reaches them (a
    /// response's type).
    pub encoders_dropped: BTreeSet<String>,
    /// The features that compile a type validating a pattern with
    /// `regress` (an optional dependency they enable); `None` when an
    /// always-compiled type does.
    pub regex_features: Option<BTreeSet<String>>,
}

/// The type names `item` mentions, among `names`: the last segment of a
/// path that is a bare name or qualified by `types`, `super` or `builder`
/// (`Self::Variant` and `std::…` are not mentions), and any such name inside
/// a macro's tokens.
fn named_by(names: &BTreeSet<String>, visit: impl FnOnce(&mut Mentions<'_>)) -> BTreeSet<String> {
    let mut m = Mentions {
        names,
        found: BTreeSet::new(),
    };
    visit(&mut m);
    m.found
}

struct Mentions<'a> {
    names: &'a BTreeSet<String>,
    found: BTreeSet<String>,
}

impl Mentions<'_> {
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Ident(i) => {
                    let name = i.to_string();
                    if self.names.contains(&name) {
                        self.found.insert(name);
                    }
                }
                proc_macro2::TokenTree::Group(g) => self.tokens(g.stream()),
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
        if let Some(last) = segments.last() {
            let qualifier = segments
                .len()
                .checked_sub(2)
                .map(|i| segments[i].ident.to_string());
            let qualified_ok = matches!(
                qualifier.as_deref(),
                None | Some("types" | "super" | "builder")
            );
            let name = last.ident.to_string();
            if qualified_ok && self.names.contains(&name) {
                self.found.insert(name);
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Whether an impl calls the `regress` crate (a pattern check).
fn uses_regress(block: &syn::ItemImpl) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            self.0 |= path.segments.iter().any(|s| s.ident == "regress");
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder(false);
    finder.visit_item_impl(block);
    finder.0
}

/// Every name reachable from `roots` over `edges` (the roots included).
fn closure(
    roots: impl IntoIterator<Item = String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(i) => super::self_type_name(i),
        _ => None,
    }
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(s) => Some(&mut s.attrs),
        syn::Item::Enum(e) => Some(&mut e.attrs),
        syn::Item::Type(t) => Some(&mut t.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Fn(f) => Some(&mut f.attrs),
        _ => None,
    }
}

/// `#[cfg(...)]`: any one of `features`.
fn gate_attr(features: &[String]) -> syn::Attribute {
    let cfg = cfg_tokens(features);
    syn::parse_quote!(#[cfg(#cfg)])
}

/// Method name (`webhooks_fetch_all`) → its operation's row.
fn rows_by_method(rows: &[Row]) -> BTreeMap<&str, &Row> {
    rows.iter().map(|r| (r.rust_name.as_str(), r)).collect()
}

/// Decides and applies: drops the builders nothing constructs, then puts
/// each operation and type behind its features. Runs last of the surface
/// steps, on the finished client (hand-written builders and paging included).
pub fn apply(sdk: &mut syn::File, rows: &[Row]) -> Result<Reach> {
    let types = super::module(sdk, "types")
        .ok_or_else(|| anyhow::anyhow!("progenitor's output has no `types` module"))?;
    let names: BTreeSet<String> = types
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_) => item_name(i),
            _ => None,
        })
        .collect();
    let TypeGraph {
        edges,
        fields,
        has_builder,
        regex_users,
    } = TypeGraph::new(types, &names);
    let by_method = rows_by_method(rows);
    let (request_roots, roots) = operation_roots(sdk, rows, &names)?;
    let decoded = closure(response_roots(sdk, &names), &fields);
    let mut gates = gates(&roots, &by_method, &edges);
    let unreached: BTreeSet<String> = names
        .iter()
        .filter(|n| !gates.contains_key(*n))
        .cloned()
        .collect();
    for t in closure(unreached.iter().cloned(), &edges) {
        if let Some(set) = gates.entry(t).or_insert_with(|| Some(BTreeSet::new())) {
            set.insert(UNREACHED.to_string());
        }
    }
    let constructed = closure(request_roots, &fields);
    let builders: BTreeSet<String> = constructed
        .iter()
        .filter(|t| has_builder.contains(*t))
        .cloned()
        .collect();
    let encoded = closure(
        constructed.into_iter().chain(paged_items(sdk, &names)),
        &fields,
    );
    let mut regex_features = Some(BTreeSet::new());
    for user in &regex_users {
        match (gates.get(user).cloned().flatten(), regex_features.as_mut()) {
            (Some(features), Some(all)) => all.extend(features),
            (None, _) => regex_features = None,
            (Some(_), None) => {}
        }
    }
    let reach = Reach {
        regex_features,
        gates: gates
            .into_iter()
            .filter_map(|(t, g)| g.map(|g| (t, g)))
            .collect(),
        builders_dropped: has_builder.difference(&builders).cloned().collect(),
        builders,
        unreached,
        decoders_dropped: names.difference(&decoded).cloned().collect(),
        encoders_dropped: names.difference(&encoded).cloned().collect(),
    };
    apply_to_types(sdk, &names, &reach)?;
    apply_to_operations(sdk, rows)?;
    Ok(reach)
}

/// The generated types as a graph: what each type's own items name
/// (definition, impls, builder), what its definition alone names, which
/// have a builder, and which check a pattern with regress.
struct TypeGraph {
    edges: BTreeMap<String, BTreeSet<String>>,
    fields: BTreeMap<String, BTreeSet<String>>,
    has_builder: BTreeSet<String>,
    regex_users: BTreeSet<String>,
}

impl TypeGraph {
    fn new(types: &[syn::Item], names: &BTreeSet<String>) -> TypeGraph {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut has_builder = BTreeSet::new();
        let mut regex_users = BTreeSet::new();
        for item in types {
            match item {
                syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_) => {
                    let name = item_name(item).unwrap_or_default();
                    let named = named_by(names, |m| m.visit_item(item));
                    fields
                        .entry(name.clone())
                        .or_default()
                        .extend(named.clone());
                    edges.entry(name).or_default().extend(named);
                }
                syn::Item::Impl(block) => {
                    if let Some(owner) = super::self_type_name(block).filter(|n| names.contains(n))
                    {
                        let named = named_by(names, |m| m.visit_item_impl(block));
                        edges.entry(owner.clone()).or_default().extend(named);
                        if uses_regress(block) {
                            regex_users.insert(owner);
                        }
                    }
                }
                syn::Item::Mod(m) if m.ident == "builder" => {
                    for inner in m.content.iter().flat_map(|c| &c.1) {
                        if let Some(owner) = item_name(inner).filter(|n| names.contains(n)) {
                            if matches!(inner, syn::Item::Struct(_)) {
                                has_builder.insert(owner.clone());
                            }
                            let named = named_by(names, |m| m.visit_item(inner));
                            edges.entry(owner).or_default().extend(named);
                        }
                    }
                }
                _ => {}
            }
        }
        for set in edges.values_mut().chain(fields.values_mut()) {
            set.retain(|n| names.contains(n));
        }

        TypeGraph {
            edges,
            fields,
            has_builder,
            regex_users,
        }
    }
}

/// Per operation (its method name), the types it names.
type Named = BTreeMap<String, BTreeSet<String>>;

/// Per operation, the types its builder and `Client` method name; and the
/// request roots: what a caller passes (the builder structs' fields).
fn operation_roots(
    sdk: &syn::File,
    rows: &[Row],
    names: &BTreeSet<String>,
) -> Result<(BTreeSet<String>, Named)> {
    let by_builder = super::rows_by_builder(rows);
    let by_method = rows_by_method(rows);
    let mut request_roots: BTreeSet<String> = BTreeSet::new();
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in super::module(sdk, "builder").into_iter().flatten() {
        let Some(owner) = item_name(item) else {
            continue;
        };
        let Some(row) = by_builder.get(&owner) else {
            bail!("builder::{owner}: no operation of the document has this builder");
        };
        let named = named_by(names, |m| m.visit_item(item));
        if matches!(item, syn::Item::Struct(_)) {
            request_roots.extend(named.iter().cloned());
        }
        roots
            .entry(row.rust_name.clone())
            .or_default()
            .extend(named);
    }
    for item in &sdk.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if super::self_type_name(block).as_deref() != Some("Client") || block.trait_.is_some() {
            continue;
        }
        for f in &block.items {
            if let syn::ImplItem::Fn(f) = f {
                if let Some(row) = by_method.get(f.sig.ident.to_string().as_str()) {
                    let named = named_by(names, |m| m.visit_signature(&f.sig));
                    roots
                        .entry(row.rust_name.clone())
                        .or_default()
                        .extend(named);
                }
            }
        }
    }
    Ok((request_roots, roots))
}

/// The types an operation answers with: what each builder's
/// `send_with_response` returns (a body, a page, a bulk outcome's value).
fn response_roots(sdk: &syn::File, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for item in super::module(sdk, "builder").into_iter().flatten() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for f in &block.items {
            if let syn::ImplItem::Fn(f) = f {
                if f.sig.ident == "send_with_response" {
                    roots.extend(named_by(names, |m| m.visit_return_type(&f.sig.output)));
                }
            }
        }
    }
    roots
}

/// The items of the paginated operations' pages: paging notices a repeated
/// page by a digest of its items' JSON (`crate::pagination`), so they keep
/// an encoder though only responses hold them.
fn paged_items(sdk: &syn::File, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    for item in super::module(sdk, "builder").into_iter().flatten() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if !super::implements(block, &["pagination", "PageRequest"]) {
            continue;
        }
        for i in &block.items {
            if let syn::ImplItem::Type(t) = i {
                items.extend(named_by(names, |m| m.visit_type(&t.ty)));
            }
        }
    }
    items
}

/// The features of every operation reaching a type; `None` once an
/// always-compiled operation reaches it.
fn gates(
    roots: &Named,
    by_method: &BTreeMap<&str, &Row>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Option<BTreeSet<String>>> {
    let mut gates: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    for (method, named) in roots {
        let row = by_method[method.as_str()];
        for t in closure(named.iter().cloned(), edges) {
            let gate = gates.entry(t).or_insert_with(|| Some(BTreeSet::new()));
            match (gate.as_mut(), row.features.is_empty()) {
                (_, true) => *gate = None,
                (Some(set), false) => set.extend(row.features.iter().cloned()),
                (None, false) => {}
            }
        }
    }
    gates
}

fn apply_to_types(sdk: &mut syn::File, names: &BTreeSet<String>, reach: &Reach) -> Result<()> {
    let items = super::module_mut(sdk, "types")?;
    let keep = |item: &syn::Item| -> bool {
        // A type's `builder()` constructor goes with its builder.
        !matches!(item, syn::Item::Impl(block)
            if block.trait_.is_none()
                && super::self_type_name(block).is_some_and(|n| reach.builders_dropped.contains(&n))
                && block.items.iter().all(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder")))
    };
    items.retain(keep);
    // A decoder serves a type some response reaches, an encoder one some
    // request reaches; the client calls no other (serde's derives, behind
    // the `serde` feature, still read and write every type).
    items.retain(|item| match item {
        syn::Item::Impl(block) => {
            let owner = super::self_type_name(block).unwrap_or_default();
            !(super::implements(block, &["decode", "Decode"])
                && reach.decoders_dropped.contains(&owner)
                || super::implements(block, &["encode", "Encode"])
                    && reach.encoders_dropped.contains(&owner))
        }
        _ => true,
    });
    for item in items.iter_mut() {
        if let syn::Item::Impl(block) = item {
            if block.trait_.is_none()
                && super::self_type_name(block).is_some_and(|n| reach.builders_dropped.contains(&n))
            {
                block
                    .items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            }
        }
        if let syn::Item::Mod(m) = item {
            let Some((_, inner)) = m.content.as_mut() else {
                continue;
            };
            if m.ident == "builder" {
                inner
                    .retain(|i| !item_name(i).is_some_and(|n| reach.builders_dropped.contains(&n)));
                for i in inner.iter_mut() {
                    gate_item(i, reach);
                }
            } else if m.ident == "defaults" {
                for i in inner.iter_mut() {
                    gate_with_all_named(i, names, reach);
                }
            }
            continue;
        }
        if item_name(item).is_some_and(|n| names.contains(&n)) {
            gate_item(item, reach);
        } else {
            // `impl From<Name> for String` and the like.
            gate_with_all_named(item, names, reach);
        }
    }
    Ok(())
}

/// An item that belongs to no one type (a default's helper, a conversion
/// into a std type) compiles when every type it names does.
fn gate_with_all_named(item: &mut syn::Item, names: &BTreeSet<String>, reach: &Reach) {
    let named = named_by(names, |m| m.visit_item(&*item));
    let all: Vec<proc_macro2::TokenStream> = named
        .iter()
        .filter_map(|n| reach.gates.get(n))
        .map(|g| cfg_tokens(&g.iter().cloned().collect::<Vec<_>>()))
        .collect();
    if all.is_empty() {
        return;
    }
    let attr: syn::Attribute = if all.len() == 1 {
        syn::parse_quote!(#[cfg(#(#all)*)])
    } else {
        syn::parse_quote!(#[cfg(all(#(#all),*))])
    };
    if let Some(attrs) = item_attrs(item) {
        attrs.push(attr);
    }
}

fn gate_item(item: &mut syn::Item, reach: &Reach) {
    if let Some(gate) = item_name(item).and_then(|n| reach.gates.get(&n)) {
        let attr = gate_attr(&gate.iter().cloned().collect::<Vec<_>>());
        if let Some(attrs) = item_attrs(item) {
            attrs.push(attr);
        }
    }
}

fn apply_to_operations(sdk: &mut syn::File, rows: &[Row]) -> Result<()> {
    let by_builder = super::rows_by_builder(rows);
    let by_method = rows_by_method(rows);
    let gate = |row: &Row| (!row.features.is_empty()).then(|| gate_attr(&row.features));
    for item in super::module_mut(sdk, "builder")?.iter_mut() {
        match item {
            // With no operation compiled, nothing uses the imports.
            syn::Item::Use(u) => u.attrs.push(syn::parse_quote!(#[allow(unused_imports)])),
            _ => {
                let Some(row) = item_name(item).and_then(|n| by_builder.get(&n).copied()) else {
                    continue;
                };
                if let (Some(attr), Some(attrs)) = (gate(row), item_attrs(item)) {
                    attrs.push(attr);
                }
            }
        }
    }
    for item in sdk.items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if super::self_type_name(block).as_deref() != Some("Client") || block.trait_.is_some() {
            continue;
        }
        for f in block.items.iter_mut() {
            if let syn::ImplItem::Fn(f) = f {
                if let Some(attr) = by_method
                    .get(f.sig.ident.to_string().as_str())
                    .and_then(|r| gate(r))
                {
                    f.attrs.push(attr);
                }
            }
        }
    }
    Ok(())
}
