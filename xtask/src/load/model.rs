//! The document model on the raw JSON, for the passes that still work on
//! it: the `x-certifyos-*` extensions the adapt stage records (written and
//! read only through the accessors here), the tenant header found in the
//! document, the operationId → method-name rule, the operation iterator,
//! and the smaller documents that locate a progenitor panic. A leaf: it
//! depends on `pointer` only; the pipeline that fills the model is
//! `normalize::prepare`, which codegen, `xtask test` and drift all run.
//! Everything after normalization reads the typed view,
//! [`crate::document::Document`].

use anyhow::{anyhow, Result};
use heck::ToSnakeCase;
use serde_json::{Map, Value};

/// The extensions the adapt stage records; progenitor ignores them. Only
/// this module reads or writes them (tests build documents with them).
pub mod ext {
    /// Root: the operations progenitor cannot express, each
    /// `{"method", "path", "reason", "operation"}` with the operation verbatim.
    pub const HAND_WRITTEN: &str = "x-certifyos-hand-written";
    /// Operation: the operationId as the document published it.
    pub const ORIGINAL_OPERATION_ID: &str = "x-certifyos-operation-id";
    /// Operation: the error statuses the document declares.
    pub const ERROR_STATUSES: &str = "x-certifyos-error-statuses";
    /// Schema: generate this string enum as an open enum.
    pub const OPEN_ENUM: &str = "x-certifyos-open-enum";
    /// Schema: value → the document's description of it.
    pub const ENUM_DESCRIPTIONS: &str = "x-certifyos-enum-descriptions";
    /// Root: the tenant header's name, as [`tenant_header`](super::tenant_header)
    /// found it before the adapt stage dropped it from the operations.
    pub const TENANT_HEADER: &str = "x-certifyos-tenant-header";
    /// Root: open-enum type name → its values as last generated
    /// (`spec/enum-names.json`), so names survive added or removed values.
    pub const ENUM_NAMES: &str = "x-certifyos-enum-names";
}

/// The tenant header: the header parameter more than half of the
/// operations declare (`organization-id`, on 78 of 79). The facade sends it
/// on every request under the name codegen writes into
/// `generated/operations.rs`, normalization drops it from the generated
/// methods, and drift calls any change to it breaking. Found in the
/// document, so a rename there reaches the library with the next codegen.
/// `None` for a document where no header parameter qualifies; an error
/// when two do (the tenant would be a guess).
pub fn tenant_header(doc: &Value) -> Result<Option<String>> {
    let mut counts: std::collections::BTreeMap<String, (String, usize)> = Default::default();
    let mut total = 0usize;
    for (_, _, op) in operations(doc) {
        total += 1;
        let mut seen = std::collections::BTreeSet::new();
        for param in parameters(doc, op) {
            if param.get("in").and_then(Value::as_str) != Some("header") {
                continue;
            }
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                continue;
            };
            let key = name.to_ascii_lowercase();
            if seen.insert(key.clone()) {
                counts.entry(key).or_insert_with(|| (name.to_string(), 0)).1 += 1;
            }
        }
    }
    let common: Vec<&(String, usize)> = counts.values().filter(|(_, n)| 2 * n > total).collect();
    match common.as_slice() {
        [] => Ok(None),
        [(name, _)] => Ok(Some(name.clone())),
        several => Err(anyhow!(
            "/paths: cannot tell the tenant header: {} are each declared by more than half of the {total} operations",
            several
                .iter()
                .map(|(name, n)| format!("`{name}` ({n})"))
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

/// The tenant header recorded in an adapted document.
pub fn recorded_tenant_header(doc: &Value) -> Option<&str> {
    doc.get(ext::TENANT_HEADER).and_then(Value::as_str)
}

/// Records the tenant header in a document being adapted.
pub fn record_tenant_header(doc: &mut Value, name: &str) {
    if let Some(root) = doc.as_object_mut() {
        root.insert(ext::TENANT_HEADER.into(), Value::String(name.into()));
    }
}

/// Whether `param` (resolved) is the header `name`.
pub fn is_header(param: &Value, name: &str) -> bool {
    param.get("in").and_then(Value::as_str) == Some("header")
        && param
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

pub const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation in `paths`, as `(path, method, operation)`, in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, op) in item.as_object().into_iter().flatten() {
            if HTTP_METHODS.contains(&method.as_str()) {
                out.push((path.as_str(), method.as_str(), op));
            }
        }
    }
    out
}

/// An operation set aside for the facade (see [`ext::HAND_WRITTEN`]).
#[derive(Debug, Clone, Copy)]
pub struct HandWritten<'a> {
    /// Lower case, as in `paths`.
    pub method: &'a str,
    pub path: &'a str,
    /// What progenitor cannot express about it.
    pub reason: &'a str,
    /// The operation as the document declares it.
    pub operation: &'a Value,
}

/// An operation's parameters, each `$ref` resolved.
pub fn parameters<'a>(doc: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| crate::pointer::resolve(doc, p))
        .collect()
}

/// The operations set aside for the facade, in the order recorded.
pub fn hand_written(doc: &Value) -> Vec<HandWritten<'_>> {
    doc.get(ext::HAND_WRITTEN)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|entry| {
            let text = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or_default();
            HandWritten {
                method: text("method"),
                path: text("path"),
                reason: text("reason"),
                operation: entry.get("operation").unwrap_or(&Value::Null),
            }
        })
        .collect()
}

/// The set-aside entries, for the passes that record or edit them.
pub fn hand_written_mut(doc: &mut Value) -> Option<&mut Vec<Value>> {
    doc.get_mut(ext::HAND_WRITTEN).and_then(Value::as_array_mut)
}

/// Records the operations set aside (replacing any record).
pub fn record_hand_written(doc: &mut Value, entries: Vec<Value>) {
    if let Some(root) = doc.as_object_mut() {
        root.insert(ext::HAND_WRITTEN.into(), Value::Array(entries));
    }
}

/// The JSON pointer of set-aside entry `index`.
pub fn hand_written_pointer(index: usize) -> String {
    format!("/{}/{index}", ext::HAND_WRITTEN)
}

/// Whether `pointer` is inside the set-aside operations.
pub fn is_in_hand_written(pointer: &str) -> bool {
    pointer.starts_with(&format!("/{}", ext::HAND_WRITTEN))
}

/// The operationId as the document published it: the one
/// [`keep_original_operation_id`] kept, else the operation's own.
pub fn published_operation_id(op: &Value) -> Option<&str> {
    op.get(ext::ORIGINAL_OPERATION_ID)
        .or_else(|| op.get("operationId"))
        .and_then(Value::as_str)
}

/// Renames an operation's id, keeping the published one.
pub fn keep_original_operation_id(op: &mut Map<String, Value>, new_id: String) {
    if let Some(Value::String(old)) = op.insert("operationId".into(), Value::String(new_id)) {
        op.entry(ext::ORIGINAL_OPERATION_ID)
            .or_insert(Value::String(old));
    }
}

/// The Rust method name for an operationId: NestJS ids read
/// `{Controller}Controller_{action}`; the `Controller` suffix is noise, so
/// `WebhooksController_fetchAll` → `webhooks_fetch_all`,
/// `FlagsV2Controller_markRead` → `flags_v2_mark_read`. Other ids are only
/// snake-cased.
pub fn method_name(operation_id: &str) -> String {
    let readable = match operation_id.split_once("Controller_") {
        Some((controller, action)) if !controller.is_empty() && !action.is_empty() => {
            format!("{controller}_{action}")
        }
        _ => operation_id.to_string(),
    };
    readable.to_snake_case()
}

/// Records the error statuses the document declares for an operation.
pub fn record_error_statuses(op: &mut Map<String, Value>, statuses: Vec<Value>) {
    op.insert(ext::ERROR_STATUSES.into(), Value::Array(statuses));
}

/// The error statuses recorded by [`record_error_statuses`], if any.
pub fn error_statuses(op: &Value) -> Option<Vec<u16>> {
    op.get(ext::ERROR_STATUSES)
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_u64)
                .filter_map(|s| u16::try_from(s).ok())
                .collect()
        })
}

/// Marks a string enum schema to be generated as an open enum, with the
/// document's description of each value (kept if already recorded).
pub fn mark_open_enum(schema: &mut Value, descriptions: Map<String, Value>) {
    let Some(schema) = schema.as_object_mut() else {
        return;
    };
    schema.insert(ext::OPEN_ENUM.into(), Value::Bool(true));
    if !descriptions.is_empty() && !schema.contains_key(ext::ENUM_DESCRIPTIONS) {
        schema.insert(ext::ENUM_DESCRIPTIONS.into(), Value::Object(descriptions));
    }
}

/// Whether a schema is marked by [`mark_open_enum`].
pub fn is_open_enum(schema: &Value) -> bool {
    schema.get(ext::OPEN_ENUM) == Some(&Value::Bool(true))
}

/// The value descriptions recorded by [`mark_open_enum`].
pub fn enum_descriptions(schema: &Value) -> Option<&Map<String, Value>> {
    schema
        .get(ext::ENUM_DESCRIPTIONS)
        .and_then(Value::as_object)
}

/// The open-enum name table (type name → values) attached to a document.
pub type EnumNames = std::collections::BTreeMap<String, Vec<String>>;

/// Attaches the name table the enum hoisting pass keeps names from.
pub fn attach_enum_names(doc: &mut Value, names: &EnumNames) {
    if let Some(root) = doc.as_object_mut() {
        let table: Map<String, Value> = names
            .iter()
            .map(|(name, values)| (name.clone(), Value::from(values.clone())))
            .collect();
        root.insert(ext::ENUM_NAMES.into(), Value::Object(table));
    }
}

/// Removes the table once the enums are named: the generator never sees it.
pub fn detach_enum_names(doc: &mut Value) {
    if let Some(root) = doc.as_object_mut() {
        root.remove(ext::ENUM_NAMES);
    }
}

/// The name table attached by [`attach_enum_names`] (empty when none).
pub fn enum_names(doc: &Value) -> EnumNames {
    doc.get(ext::ENUM_NAMES)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, values)| (name.clone(), strings(Some(values))))
        .collect()
}

/// The strings of a JSON array (nothing else is an enum value here).
fn strings(array: Option<&Value>) -> Vec<String> {
    array
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// A Rust identifier from a name in the document, or an error naming it and
/// where it is (`context`: a JSON pointer or operation) — never a panic.
pub fn ident(name: &str, context: &str) -> Result<syn::Ident> {
    syn::parse_str::<syn::Ident>(name)
        .map_err(|_| anyhow!("{context}: `{name}` is not a Rust identifier"))
}

/// The schema `$ref` points to, when it is a local `#/components/schemas/…` one.
pub fn schema_ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// The operation a pointer lies in, as `operationId (METHOD /path)`, for messages.
pub fn operation_of(doc: &Value, pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/paths/")?;
    let mut tokens = rest.split('/');
    let path_token = tokens.next()?;
    let method = tokens.next()?;
    let path = crate::pointer::unescape(path_token);
    let op = doc.get("paths")?.get(&path)?.get(method)?;
    // Name the operation as the document published it, not as normalization renamed it.
    let id = published_operation_id(op).unwrap_or("?");
    Some(format!("{id} ({} {path})", method.to_uppercase()))
}

/// `pointer`, followed by the operation it lies in where there is one.
pub fn describe(doc: &Value, pointer: &str) -> String {
    match operation_of(doc, pointer) {
        Some(op) => format!("{pointer} (operation {op})"),
        None => pointer.to_string(),
    }
}

/// The document with no operations: progenitor generates its types alone.
pub fn without_paths(doc: &Value) -> Value {
    let mut out = doc.clone();
    if let Some(root) = out.as_object_mut() {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    out
}

/// For each component schema, `base` with that schema and every component
/// schema it reaches through `$ref`s as its only schemas, one at a time.
pub fn single_schema_documents<'a>(
    doc: &'a Value,
    base: &'a Value,
) -> impl Iterator<Item = (String, Value)> + 'a {
    let names = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys());
    names.map(move |name| {
        let mut single = base.clone();
        single["components"]["schemas"] = Value::Object(referenced_closure(doc, name));
        (name.clone(), single)
    })
}

/// For each operation with an operationId, as `operationId (METHOD
/// /path)`, `base` with that operation as its only one, one at a time.
pub fn single_operation_documents<'a>(
    doc: &'a Value,
    base: &'a Value,
) -> impl Iterator<Item = (String, Value)> + 'a {
    operations(doc)
        .into_iter()
        .filter_map(move |(path, method, op)| {
            let id = op.get("operationId").and_then(Value::as_str)?;
            let mut single = base.clone();
            single["paths"] = serde_json::json!({ path: { method: op } });
            Some((format!("{id} ({} {path})", method.to_uppercase()), single))
        })
}

/// The schema `name` and every component schema it reaches through `$ref`s.
fn referenced_closure(doc: &Value, name: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let mut queue = vec![name.to_string()];
    while let Some(next) = queue.pop() {
        if out.contains_key(&next) {
            continue;
        }
        let Some(schema) = doc.pointer(&format!(
            "/components/schemas/{}",
            crate::pointer::escape(&next)
        )) else {
            continue;
        };
        crate::pointer::walk(schema, "", &mut |_, node| {
            if let Some(target) = schema_ref_name(node) {
                queue.push(target.to_string());
            }
        });
        out.insert(next, schema.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn method_names_drop_the_controller_suffix() {
        assert_eq!(
            method_name("WebhooksController_fetchAll"),
            "webhooks_fetch_all"
        );
        assert_eq!(
            method_name("FlagsV2Controller_markReadBulk"),
            "flags_v2_mark_read_bulk"
        );
        assert_eq!(
            method_name("ProvidersV2Controller_UnTerminate"),
            "providers_v2_un_terminate"
        );
        assert_eq!(method_name("getThing"), "get_thing");
    }

    #[test]
    fn names_that_are_not_identifiers_are_errors_not_panics() {
        let err = ident("v1.Status", "/components/schemas/v1.Status").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/components/schemas/v1.Status: `v1.Status` is not a Rust identifier"
        );
        assert!(ident("Status", "x").is_ok());
    }

    #[test]
    fn extensions_round_trip_through_the_accessors() {
        let mut op = Map::new();
        op.insert("operationId".into(), json!("WebhooksController_fetchAll"));
        keep_original_operation_id(&mut op, "webhooks_fetch_all".into());
        record_error_statuses(&mut op, vec![json!(401), json!("4XX")]);
        let op = Value::Object(op);
        assert_eq!(
            published_operation_id(&op),
            Some("WebhooksController_fetchAll")
        );
        assert_eq!(error_statuses(&op), Some(vec![401]));
        let mut schema = json!({"type": "string", "enum": ["A"]});
        assert!(!is_open_enum(&schema));
        let mut descriptions = Map::new();
        descriptions.insert("A".into(), json!("the first"));
        mark_open_enum(&mut schema, descriptions);
        assert!(is_open_enum(&schema));
        assert_eq!(enum_descriptions(&schema).unwrap()["A"], "the first");
        let mut doc = json!({});
        record_hand_written(
            &mut doc,
            vec![
                json!({"method": "post", "path": "/x", "reason": "r", "operation": {"operationId": "X_y"}}),
            ],
        );
        let set_aside = hand_written(&doc);
        assert_eq!(
            (set_aside[0].method, set_aside[0].path, set_aside[0].reason),
            ("post", "/x", "r")
        );
        assert_eq!(published_operation_id(set_aside[0].operation), Some("X_y"));
    }

    #[test]
    fn operation_is_named_from_a_pointer() {
        let doc = json!({"paths": {"/v2/webhooks": {"post": {"operationId": "W_create"}}}});
        assert_eq!(
            describe(&doc, "/paths/~1v2~1webhooks/post/responses/400"),
            "/paths/~1v2~1webhooks/post/responses/400 (operation W_create (POST /v2/webhooks))"
        );
        assert_eq!(
            describe(&doc, "/components/schemas/X"),
            "/components/schemas/X"
        );
    }
}
