//! Passes that repair defects of the published document itself.
//!
//! After these the document is valid OpenAPI 3.0 and consistent with HTTP;
//! what it says about the API is unchanged.

use anyhow::Result;
use serde_json::{json, Value};

use super::{for_each_operation_mut, Changes};
use crate::pointer::{join, walk_mut};

/// The version [`add_missing_info_version`] puts in place of the missing one.
pub const UNVERSIONED: &str = "unversioned";

/// `info.version` is required by OpenAPI 3.0 and CertifyOS omits it, so
/// openapiv3 refuses the document (`missing field version`). progenitor sends
/// it as the `api-version` header, so we say plainly that there is none.
pub fn add_missing_info_version(doc: &mut Value) -> Result<Changes> {
    let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) else {
        anyhow::bail!("/info: missing (OpenAPI requires it)");
    };
    if info.get("version").is_some_and(Value::is_string) {
        return Ok(vec![]);
    }
    info.insert("version".into(), json!(UNVERSIONED));
    Ok(vec!["/info/version".into()])
}

/// Several enums list a value twice (the specialty list repeats five, the
/// enrollment status repeats `Effective`): typify then panics with `Failed to
/// make unique variant names`. A set is meant; the first occurrence keeps its
/// place.
pub fn dedupe_enum_values(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") {
            return;
        }
        let Some(values) = node.get_mut("enum").and_then(Value::as_array_mut) else {
            return;
        };
        let before = values.len();
        let mut seen = Vec::with_capacity(before);
        values.retain(|v| {
            if seen.contains(v) {
                false
            } else {
                seen.push(v.clone());
                true
            }
        });
        if values.len() != before {
            changes.push(format!(
                "{pointer}/enum ({} duplicates)",
                before - values.len()
            ));
        }
    });
    Ok(changes)
}

/// Some `default`s contradict their own schema: `null` on properties that are
/// not nullable, `true` on an object, a value outside the enum. A default
/// only documents what the server assumes when the property is absent; typify
/// turns it into code (`impl Default`, `serde(default = …)`) that cannot
/// compile or would invent data. The contradictory ones are removed.
pub fn drop_invalid_defaults(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        // Maps whose keys are names, where a key "default" is no default value.
        if pointer.ends_with("/properties") || pointer.ends_with("/responses") {
            return;
        }
        let Some(schema) = node.as_object() else {
            return;
        };
        let Some(default) = schema.get("default") else {
            return;
        };
        if default_fits(schema, default) {
            return;
        }
        node.as_object_mut().unwrap().remove("default");
        changes.push(format!("{pointer}/default"));
    });
    Ok(changes)
}

fn default_fits(schema: &serde_json::Map<String, Value>, default: &Value) -> bool {
    if default.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(default) {
            return false;
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => default.is_string(),
        Some("boolean") => default.is_boolean(),
        Some("integer") => default.is_i64() || default.is_u64(),
        Some("number") => default.is_number(),
        Some("array") => default.is_array(),
        Some("object") => default.is_object(),
        _ => true,
    }
}

/// Six query parameters of GET /credentialing-workflows are declared as arrays
/// of arrays whose innermost items have `"type": "a"` (not a JSON Schema type).
/// A form-style query string cannot carry nested arrays, and the server reads
/// `providerStates=CA&providerStates=NY`: the parameter is an array of
/// strings. The outer array is kept, its items become the inner items when
/// those are a valid scalar schema, else strings.
pub fn flatten_nested_query_arrays(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    let mut repair = |pointer: &str, params: &mut Value| {
        let Some(params) = params.as_array_mut() else {
            return;
        };
        for (i, param) in params.iter_mut().enumerate() {
            if param.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some(schema) = param.get_mut("schema") else {
                continue;
            };
            if schema.get("type").and_then(Value::as_str) != Some("array") {
                continue;
            }
            let Some(items) = schema.get("items") else {
                continue;
            };
            if items.get("type").and_then(Value::as_str) != Some("array") {
                continue;
            }
            let inner = items.get("items").cloned().unwrap_or(Value::Null);
            let scalar = matches!(
                inner.get("type").and_then(Value::as_str),
                Some("string" | "number" | "integer" | "boolean")
            );
            schema["items"] = if scalar {
                inner
            } else {
                json!({"type": "string"})
            };
            changes.push(format!("{pointer}/parameters/{i}/schema/items"));
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let base = join("/paths", path);
            if let Some(params) = item.get_mut("parameters") {
                repair(&base, params);
            }
        }
    }
    for_each_operation_mut(doc, |pointer, _, _, op| {
        if let Some(params) = op.get_mut("parameters") {
            repair(pointer, params);
        }
        Ok(())
    })?;
    Ok(changes)
}

/// A 204 (No Content) response has no body by definition (RFC 9110 §15.3.5),
/// yet several operations declare a JSON body for it. A generated client
/// would try to decode the empty body and report success as a decode error.
/// The declared content is removed.
pub fn drop_body_of_204(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    for_each_operation_mut(doc, |pointer, _, _, op| {
        if let Some(response) = op
            .get_mut("responses")
            .and_then(|r| r.get_mut("204"))
            .and_then(Value::as_object_mut)
        {
            if response.remove("content").is_some() {
                changes.push(format!("{pointer}/responses/204/content"));
            }
        }
        Ok(())
    })?;
    Ok(changes)
}

/// `UpdateProvidersDtoV2.assigned_states` ("Provider's assigned states") is
/// declared `"type": "string"` with `items` (and the item enum repeated on the
/// property): NestJS's `isArray` got lost. `items` only means something on an
/// array, and the name is plural: such a schema becomes an array of its items
/// (an `enum` beside the `items` is the items' and is dropped).
pub fn retype_string_with_items_as_array(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") {
            return;
        }
        let Some(map) = node.as_object_mut() else {
            return;
        };
        let scalar = matches!(
            map.get("type").and_then(Value::as_str),
            Some("string" | "number" | "integer" | "boolean")
        );
        if !scalar || !map.get("items").is_some_and(Value::is_object) {
            return;
        }
        map.insert("type".into(), json!("array"));
        if map.get("enum") == map.get("items").and_then(|i| i.get("enum")) {
            map.remove("enum");
        }
        changes.push(format!("{pointer}/type"));
    });
    Ok(changes)
}

/// Placeholder patterns and what they stand for.
const PATTERN_PLACEHOLDERS: &[(&str, &str)] = &[
    // "Not only digits": a name like "John" must pass, "12345" must not.
    ("NOT_NUMBER_ONLY", r"^(?!\d+$)"),
];

/// Two kinds of `pattern` that no real value matches, so the generated
/// client refuses valid requests and valid responses (typify turns a pattern
/// into a validating newtype):
/// - JavaScript regex literals, `/^(?:\d{15}|)$/` on `databankSubjectID`: in
///   JSON Schema the slashes are literal characters. The delimiters go.
/// - placeholder words, `NOT_NUMBER_ONLY` on first and last names: a known
///   placeholder becomes the regex it stands for (`PATTERN_PLACEHOLDERS`);
///   an unknown one (upper-case word, no regex syntax) is removed.
pub fn repair_patterns(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") {
            return;
        }
        let Some(Value::String(pattern)) = node.get("pattern") else {
            return;
        };
        let repaired = if let Some(body) =
            pattern.strip_prefix('/').and_then(|p| p.strip_suffix('/'))
        {
            Some(Value::String(body.to_string()))
        } else if let Some((_, regex)) = PATTERN_PLACEHOLDERS
            .iter()
            .find(|(word, _)| word == pattern)
        {
            Some(Value::String(regex.to_string()))
        } else if pattern.len() > 3 && pattern.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            Some(Value::Null)
        } else {
            None
        };
        let Some(repaired) = repaired else { return };
        let map = node.as_object_mut().expect("an object");
        if repaired.is_null() {
            map.remove("pattern");
        } else {
            map.insert("pattern".into(), repaired);
        }
        changes.push(format!("{pointer}/pattern"));
    });
    Ok(changes)
}

/// Some examples contradict their own schema: `FacilityResponseV2Dto.createdAt`
/// is `format: date-time` with the example `"YYYY-MM-DD"`, and the
/// credentialing-workflow timeline's `orgEntity.id`/`name` examples are not
/// strings. Mock servers (Prism) answer with the examples, so clients would
/// be tested against responses the API cannot send. An example that does
/// not fit its schema (type, date/date-time format, enum, or any property of
/// an object example) is removed; a mock then generates one from the schema.
pub fn drop_examples_contradicting_schema(doc: &mut Value) -> Result<Changes> {
    let snapshot = doc.clone();
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") || pointer.ends_with("/examples") {
            return;
        }
        let Some(map) = node.as_object() else { return };
        let Some(example) = map.get("example") else {
            return;
        };
        if !map.contains_key("type")
            && !map.contains_key("properties")
            && !map.contains_key("$ref")
            && !map.contains_key("enum")
        {
            return; // an example standing for a schema the document does not give
        }
        if example_fits(&snapshot, node, example, 0) {
            return;
        }
        node.as_object_mut().expect("an object").remove("example");
        changes.push(format!("{pointer}/example"));
    });
    Ok(changes)
}

fn example_fits(doc: &Value, schema: &Value, example: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    let schema = crate::pointer::resolve(doc, schema);
    if let Some([inner]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return example_fits(doc, inner, example, depth + 1);
    }
    if example.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(example) {
            return false;
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match (
            example.as_str(),
            schema.get("format").and_then(Value::as_str),
        ) {
            (None, _) => false,
            (Some(s), Some("date-time")) => is_rfc3339(s),
            (Some(s), Some("date")) => is_date(s),
            (Some(_), _) => true,
        },
        Some("boolean") => example.is_boolean(),
        Some("integer") => example.is_i64() || example.is_u64(),
        Some("number") => example.is_number(),
        Some("array") => match (example.as_array(), schema.get("items")) {
            (Some(items), Some(item_schema)) => items
                .iter()
                .all(|i| example_fits(doc, item_schema, i, depth + 1)),
            (Some(_), None) => true,
            (None, _) => false,
        },
        Some("object") | None if schema.get("properties").is_some() => {
            let Some(object) = example.as_object() else {
                return false;
            };
            let properties = schema.get("properties").and_then(Value::as_object);
            object
                .iter()
                .all(|(key, value)| match properties.and_then(|p| p.get(key)) {
                    Some(property) => example_fits(doc, property, value, depth + 1),
                    None => true,
                })
        }
        Some("object") => example.is_object(),
        _ => true,
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_rfc3339(s: &str) -> bool {
    if s.len() < 20 || !is_date(&s[..10]) || !matches!(s.as_bytes()[10], b'T' | b't') {
        return false;
    }
    let time = &s[11..];
    let digits = |t: &str| t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit());
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => return false,
    };
    let clock = clock.split('.').next().unwrap_or_default();
    let parts: Vec<&str> = clock.split(':').collect();
    let zone_ok = matches!(zone, "Z" | "z")
        || (zone.len() == 6 && digits(&zone[1..3]) && &zone[3..4] == ":" && digits(&zone[4..]));
    parts.len() == 3 && parts.iter().all(|p| digits(p)) && zone_ok
}

/// CertifyOS writes many descriptions as JavaScript template literals: every
/// line after the first keeps the source code's indentation. Markdown reads
/// four leading spaces as a code block, so the docs render them as code and
/// rustdoc compiles them as doctests (which fail). Lines after the first lose
/// their common indentation (as Python's `inspect.cleandoc`), and what is
/// left is capped at three spaces, which keeps list nesting visible.
pub fn dedent_descriptions(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    walk_mut(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") {
            return;
        }
        let Some(map) = node.as_object_mut() else {
            return;
        };
        for key in ["description", "summary"] {
            let Some(Value::String(text)) = map.get_mut(key) else {
                continue;
            };
            let cleaned = dedent(text);
            if cleaned != *text {
                *text = cleaned;
                changes.push(format!("{pointer}/{key}"));
            }
        }
    });
    Ok(changes)
}

fn dedent(text: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    let common = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let mut out = String::from(first);
    for line in rest {
        out.push('\n');
        if line.trim().is_empty() {
            continue;
        }
        let line = &line[common.min(indent(line))..];
        let kept = indent(line).min(3);
        out.push_str(&" ".repeat(kept));
        out.push_str(line.trim_start());
    }
    if text.ends_with('\n') && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The paging parameters `offset` and `limit` are declared `"type":
/// "number"`: a fractional offset means nothing, and the Rust client would
/// take an `f64`. They become integers, at least 0 (the document gives
/// `offset` that minimum and `limit` none).
pub fn integer_pagination_parameters(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    super::for_each_operation_mut(doc, |pointer, _, _, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        for (i, param) in params.iter_mut().enumerate() {
            let paging = param.get("in").and_then(Value::as_str) == Some("query")
                && matches!(
                    param.get("name").and_then(Value::as_str),
                    Some("offset" | "limit")
                );
            let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
                continue;
            };
            if !paging || schema.get("type").and_then(Value::as_str) != Some("number") {
                continue;
            }
            schema.insert("type".into(), json!("integer"));
            schema.entry("minimum").or_insert(json!(0));
            changes.push(format!("{pointer}/parameters/{i}/schema"));
        }
        Ok(())
    })?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_info_version_is_added() {
        let mut doc = json!({"info": {"title": "t"}});
        assert_eq!(
            add_missing_info_version(&mut doc).unwrap(),
            vec!["/info/version"]
        );
        assert_eq!(doc["info"]["version"], UNVERSIONED);
    }

    #[test]
    fn present_info_version_is_kept() {
        let mut doc = json!({"info": {"title": "t", "version": "2.1"}});
        assert!(add_missing_info_version(&mut doc).unwrap().is_empty());
        assert_eq!(doc["info"]["version"], "2.1");
    }

    #[test]
    fn duplicate_enum_values_collapse_keeping_first_position() {
        let mut doc = json!({"components": {"schemas": {"S": {"type": "string", "enum": ["b", "a", "b", "c", "a"]}}}});
        let changes = dedupe_enum_values(&mut doc).unwrap();
        assert_eq!(changes, vec!["/components/schemas/S/enum (2 duplicates)"]);
        assert_eq!(
            doc["components"]["schemas"]["S"]["enum"],
            json!(["b", "a", "c"])
        );
    }

    #[test]
    fn a_property_named_enum_is_not_an_enum() {
        let mut doc = json!({"properties": {"enum": {"type": "string"}}});
        assert!(dedupe_enum_values(&mut doc).unwrap().is_empty());
    }

    #[test]
    fn null_default_on_non_nullable_is_dropped() {
        let mut doc = json!({"properties": {"a": {"type": "string", "default": null}, "b": {"type": "string", "nullable": true, "default": null}}});
        assert_eq!(
            drop_invalid_defaults(&mut doc).unwrap(),
            vec!["/properties/a/default"]
        );
        assert!(doc["properties"]["a"].get("default").is_none());
        assert!(doc["properties"]["b"].get("default").is_some());
    }

    #[test]
    fn default_of_the_wrong_type_or_outside_the_enum_is_dropped() {
        let mut doc = json!({
            "o": {"type": "object", "default": true},
            "e": {"type": "string", "enum": ["x"], "default": "y"},
            "ok": {"type": "string", "enum": ["x"], "default": "x"}
        });
        let mut changes = drop_invalid_defaults(&mut doc).unwrap();
        changes.sort();
        assert_eq!(changes, vec!["/e/default", "/o/default"]);
        assert_eq!(doc["ok"]["default"], "x");
    }

    #[test]
    fn a_property_or_response_named_default_is_kept() {
        let mut doc = json!({
            "properties": {"default": {"type": "string"}},
            "responses": {"default": {"description": "x"}}
        });
        assert!(drop_invalid_defaults(&mut doc).unwrap().is_empty());
    }

    #[test]
    fn nested_query_array_with_invalid_type_becomes_array_of_strings() {
        let mut doc = json!({"paths": {"/w": {"get": {"parameters": [
            {"name": "states", "in": "query", "schema": {"type": "array", "items": {"type": "array", "items": {"type": "a"}}}},
            {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}},
            {"name": "body", "in": "header", "schema": {"type": "array", "items": {"type": "array"}}}
        ]}}}});
        let changes = flatten_nested_query_arrays(&mut doc).unwrap();
        assert_eq!(
            changes,
            vec![
                "/paths/~1w/get/parameters/0/schema/items",
                "/paths/~1w/get/parameters/1/schema/items"
            ]
        );
        let params = &doc["paths"]["/w"]["get"]["parameters"];
        assert_eq!(
            params[0]["schema"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            params[1]["schema"],
            json!({"type": "array", "items": {"type": "integer"}})
        );
        assert_eq!(params[2]["schema"]["items"], json!({"type": "array"}));
    }

    #[test]
    fn template_literal_indentation_is_removed_but_nesting_kept() {
        let mut doc = json!({"paths": {"/n": {"post": {
            "summary": "Create note",
            "description": "\n      Creates a note.\n\n      ### Functionality\n      - Adds a note.\n        - nested\n            - deep"
        }}}, "properties": {"description": {"type": "string"}}});
        let changes = dedent_descriptions(&mut doc).unwrap();
        assert_eq!(changes, vec!["/paths/~1n/post/description"]);
        assert_eq!(
            doc["paths"]["/n"]["post"]["description"],
            "\nCreates a note.\n\n### Functionality\n- Adds a note.\n  - nested\n   - deep"
        );
    }

    #[test]
    fn a_string_with_items_becomes_an_array() {
        let mut doc = json!({"properties": {"states": {"type": "string", "enum": ["AK"], "items": {"type": "string", "enum": ["AK"]}},
                                            "name": {"type": "string"}}});
        assert_eq!(
            retype_string_with_items_as_array(&mut doc).unwrap(),
            vec!["/properties/states/type"]
        );
        assert_eq!(
            doc["properties"]["states"],
            json!({"type": "array", "items": {"type": "string", "enum": ["AK"]}})
        );
        assert_eq!(doc["properties"]["name"], json!({"type": "string"}));
    }

    #[test]
    fn examples_contradicting_their_schema_are_dropped() {
        let mut doc = json!({"components": {"schemas": {"F": {"type": "object", "properties": {
            "createdAt": {"type": "string", "format": "date-time", "example": "YYYY-MM-DD"},
            "updatedAt": {"type": "string", "format": "date-time", "example": "2024-05-01T10:00:00.000Z"},
            "day": {"type": "string", "format": "date", "example": "2024-05-01"},
            "orgEntity": {"type": "object", "properties": {"id": {"type": "string"}}, "example": {"id": 7}},
            "status": {"type": "string", "enum": ["a"], "example": "b"},
            "loose": {"example": {"anything": 1}}
        }}}}});
        let mut changes = drop_examples_contradicting_schema(&mut doc).unwrap();
        changes.sort();
        assert_eq!(
            changes,
            vec![
                "/components/schemas/F/properties/createdAt/example",
                "/components/schemas/F/properties/orgEntity/example",
                "/components/schemas/F/properties/status/example",
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["F"]["properties"]["updatedAt"]["example"],
            "2024-05-01T10:00:00.000Z"
        );
    }

    #[test]
    fn rfc3339_is_checked() {
        assert!(is_rfc3339("2024-05-01T10:00:00Z") && is_rfc3339("2024-05-01T10:00:00.5+02:00"));
        assert!(
            !is_rfc3339("2024-05-01")
                && !is_rfc3339("YYYY-MM-DDTHH:MM:SSZ")
                && !is_rfc3339("2024-05-01 10:00:00Z")
        );
    }

    #[test]
    fn regex_literals_and_placeholder_patterns_are_repaired() {
        let mut doc = json!({"properties": {
            "id": {"type": "string", "pattern": "/^(?:\\d{15}|)$/"},
            "firstName": {"type": "string", "pattern": "NOT_NUMBER_ONLY"},
            "code": {"type": "string", "pattern": "SOME_PLACEHOLDER"},
            "zip": {"type": "string", "pattern": "^[0-9]{5}$"}
        }});
        assert_eq!(repair_patterns(&mut doc).unwrap().len(), 3);
        let p = &doc["properties"];
        assert_eq!(p["id"]["pattern"], "^(?:\\d{15}|)$");
        assert_eq!(p["firstName"]["pattern"], "^(?!\\d+$)");
        assert!(p["code"].get("pattern").is_none());
        assert_eq!(p["zip"]["pattern"], "^[0-9]{5}$");
    }

    #[test]
    fn flush_descriptions_are_untouched() {
        let mut doc = json!({"description": "One.\n\n- a\n  - b"});
        assert!(dedent_descriptions(&mut doc).unwrap().is_empty());
    }

    #[test]
    fn body_declared_on_204_is_removed() {
        let mut doc = json!({"paths": {"/t": {"patch": {"responses": {
            "204": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}},
            "200": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}}
        }}}}});
        assert_eq!(
            drop_body_of_204(&mut doc).unwrap(),
            vec!["/paths/~1t/patch/responses/204/content"]
        );
        assert!(doc["paths"]["/t"]["patch"]["responses"]["204"]
            .get("content")
            .is_none());
        assert!(doc["paths"]["/t"]["patch"]["responses"]["200"]
            .get("content")
            .is_some());
    }

    #[test]
    fn paging_numbers_become_non_negative_integers() {
        let mut doc = json!({"paths": {"/x": {"get": {"parameters": [
            {"name": "offset", "in": "query", "schema": {"type": "number", "minimum": 0, "default": 0}},
            {"name": "limit", "in": "query", "schema": {"type": "number", "default": 10}},
            {"name": "score", "in": "query", "schema": {"type": "number"}},
            {"name": "limit", "in": "header", "schema": {"type": "number"}}
        ]}}}});
        let changes = integer_pagination_parameters(&mut doc).unwrap();
        assert_eq!(
            changes,
            vec![
                "/paths/~1x/get/parameters/0/schema",
                "/paths/~1x/get/parameters/1/schema"
            ]
        );
        let params = &doc["paths"]["/x"]["get"]["parameters"];
        assert_eq!(
            params[0]["schema"],
            json!({"type": "integer", "minimum": 0, "default": 0})
        );
        assert_eq!(
            params[1]["schema"],
            json!({"type": "integer", "default": 10, "minimum": 0})
        );
        assert_eq!(params[2]["schema"]["type"], "number");
        assert_eq!(params[3]["schema"]["type"], "number");
    }
}
