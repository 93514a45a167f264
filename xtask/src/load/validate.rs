//! Checks for defects no pass repairs, before progenitor sees the document.
//!
//! progenitor and typify answer most of these with a panic deep inside; here
//! each is one line naming the JSON pointer and, where it lies in one, the
//! operation.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::{describe, schema_ref_name, HTTP_METHODS};
use crate::pointer::{join, resolve, walk};

/// Every local `$ref` must resolve. Runs on the raw document too: a dangling
/// reference is bad input, not a defect for a pass to guess at.
pub fn dangling_refs(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(doc, "", &mut |pointer, node| {
        let Some(Value::String(reference)) = node.get("$ref") else {
            return;
        };
        let resolves = match reference.strip_prefix('#') {
            Some(target) => doc.pointer(target).is_some(),
            None => false,
        };
        if !resolves {
            problems.push(format!(
                "{}: $ref {reference:?} does not resolve",
                describe(doc, &format!("{pointer}/$ref"))
            ));
        }
    });
    problems
}

const JSON_SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// What progenitor 0.15 / typify 0.8 cannot take, found in a normalized document.
pub fn unsupported(doc: &Value) -> Vec<String> {
    let mut problems = dangling_refs(doc);
    if doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .is_none()
    {
        problems.push("/info/version: missing (openapiv3 requires it)".into());
    }
    schema_problems(doc, &mut problems);
    operation_problems(doc, &mut problems);
    problems
}

fn schema_problems(doc: &Value, problems: &mut Vec<String>) {
    walk(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") || pointer.starts_with("/components/securitySchemes") {
            return;
        }
        let Some(schema) = node.as_object() else {
            return;
        };
        if let Some(Value::String(t)) = schema.get("type") {
            if !JSON_SCHEMA_TYPES.contains(&t.as_str()) && !pointer.contains("/examples") {
                problems.push(format!(
                    "{}: \"type\": {t:?} is not a JSON Schema type",
                    describe(doc, pointer)
                ));
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let distinct: BTreeSet<String> = values.iter().map(Value::to_string).collect();
            if distinct.len() != values.len() {
                problems.push(format!(
                    "{}: duplicate enum values (typify panics on them)",
                    describe(doc, &format!("{pointer}/enum"))
                ));
            }
        }
        if let Some(Value::String(pattern)) = schema.get("pattern") {
            if let Err(e) = regress::Regex::new(pattern) {
                problems.push(format!(
                    "{}: pattern {pattern:?} is not a valid regex ({e}); the generated code would panic on it",
                    describe(doc, &format!("{pointer}/pattern"))
                ));
            }
        }
        for (bound, base) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if schema.contains_key(bound) && !schema.contains_key(base) {
                problems.push(format!(
                    "{}: {bound} without {base} (typify panics)",
                    describe(doc, pointer)
                ));
            }
        }
    });
}

fn operation_problems(doc: &Value, problems: &mut Vec<String>) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let at = format!("{}/{method}", join("/paths", path));
            match op.get("operationId").and_then(Value::as_str) {
                None => problems.push(format!("{at}: operation has no operationId")),
                Some(id) if !ids.insert(id.to_string()) => {
                    problems.push(format!("{at}: duplicate operationId {id}"))
                }
                Some(_) => {}
            }
            for (i, param) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let here = format!("{at}/parameters/{i}");
                let param = resolve(doc, param);
                let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
                if location == "path" && param.get("required") != Some(&Value::Bool(true)) {
                    problems.push(format!(
                        "{}: path parameter is not required (progenitor panics)",
                        describe(doc, &here)
                    ));
                }
                if location == "cookie" {
                    problems.push(format!(
                        "{}: cookie parameters are not supported",
                        describe(doc, &here)
                    ));
                }
                if let Some(style) = param.get("style").and_then(Value::as_str) {
                    if !matches!(
                        (location, style),
                        ("query", "form") | ("path" | "header", "simple")
                    ) {
                        problems.push(format!(
                            "{}: style {style:?} is not supported",
                            describe(doc, &here)
                        ));
                    }
                }
            }
            if let Some(content) = op
                .get("requestBody")
                .map(|b| resolve(doc, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
            {
                if content.len() != 1 || !content.contains_key("application/json") {
                    let types: Vec<&String> = content.keys().collect();
                    problems.push(format!("{}: request body types {types:?}; only one, application/json, is supported", describe(doc, &format!("{at}/requestBody/content"))));
                }
                if content
                    .get("application/json")
                    .is_some_and(|m| m.get("encoding").is_some())
                {
                    problems.push(format!(
                        "{}: encoding on a JSON body (progenitor panics)",
                        describe(
                            doc,
                            &format!("{at}/requestBody/content/application~1json/encoding")
                        )
                    ));
                }
            }
            response_problems(doc, &at, op, problems);
        }
    }
}

fn response_problems(doc: &Value, at: &str, op: &Value, problems: &mut Vec<String>) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        problems.push(format!("{}: no responses", describe(doc, at)));
        return;
    };
    let mut success = BTreeSet::new();
    let mut error = BTreeSet::new();
    for (status, response) in responses {
        let response = resolve(doc, response);
        let here = format!("{at}/responses/{status}");
        let media = response
            .get("content")
            .and_then(|c| c.get("application/json"));
        if media.is_some_and(|m| m.get("schema").is_none()) {
            problems.push(format!(
                "{}: application/json response without a schema (progenitor panics)",
                describe(doc, &here)
            ));
        }
        let body = media.and_then(|m| m.get("schema")).map(|s| {
            schema_ref_name(s)
                .map(str::to_string)
                .unwrap_or_else(|| s.to_string())
        });
        if status.starts_with('2') || status == "default" {
            success.insert(body.clone());
        }
        if status.starts_with('4') || status.starts_with('5') || status == "default" {
            error.insert(body);
        }
    }
    if success.len() > 1 {
        problems.push(format!("{}: success responses with different bodies (progenitor panics: response_types.len() <= 1)", describe(doc, &format!("{at}/responses"))));
    }
    if error.len() > 1 {
        problems.push(format!("{}: error responses with different bodies (progenitor panics: response_types.len() <= 1)", describe(doc, &format!("{at}/responses"))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_with(op: Value) -> Value {
        json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/x/{id}": {"get": op}}, "components": {"schemas": {}}})
    }

    #[test]
    fn dangling_ref_is_named_with_pointer_and_operation() {
        let doc = doc_with(
            json!({"operationId": "X_get", "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}),
        );
        let problems = dangling_refs(&doc);
        assert_eq!(problems, vec![
            "/paths/~1x~1{id}/get/responses/200/content/application~1json/schema/$ref (operation X_get (GET /x/{id})): $ref \"#/components/schemas/Nope\" does not resolve"
        ]);
    }

    #[test]
    fn invalid_type_is_reported() {
        let doc = doc_with(
            json!({"operationId": "X_get", "parameters": [{"name": "q", "in": "query", "schema": {"type": "array", "items": {"type": "a"}}}], "responses": {"200": {"description": ""}}}),
        );
        let problems = unsupported(&doc);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains(
                "/parameters/0/schema/items (operation X_get (GET /x/{id})): \"type\": \"a\""
            ),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn optional_path_parameter_and_multipart_and_mixed_successes_are_reported() {
        let doc = doc_with(json!({
            "operationId": "X_get",
            "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "string"}}}}, "201": {"description": ""}}
        }));
        let problems = unsupported(&doc);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("path parameter is not required"));
        assert!(problems[1].contains("request body types"));
        assert!(problems[2].contains("success responses with different bodies"));
    }

    #[test]
    fn an_invalid_pattern_is_reported() {
        let mut doc =
            doc_with(json!({"operationId": "X_get", "responses": {"200": {"description": ""}}}));
        doc["components"]["schemas"]["S"] = json!({"type": "string", "pattern": "(unclosed"});
        let problems = unsupported(&doc);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "/components/schemas/S/pattern: pattern \"(unclosed\" is not a valid regex"
            ),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_clean_document_has_no_problems() {
        let doc = doc_with(
            json!({"operationId": "X_get", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": ""}}}),
        );
        assert!(unsupported(&doc).is_empty());
    }
}
