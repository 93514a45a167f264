//! Passes that shape the repaired document for progenitor and our facade.
//!
//! What they move out of progenitor's sight is recorded through the
//! document model's accessors (`crate::model`), which the operations table,
//! the surface steps and drift read.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use heck::ToUpperCamelCase;
use serde_json::{json, Map, Value};

use super::{for_each_operation_mut, Changes};
use crate::model::{self, method_name, published_operation_id, HTTP_METHODS};
use crate::pointer::walk_mut;

/// Where the document declares the webhook event types, inline, three times.
pub const EVENT_TYPE_SITES: &[&str] = &[
    "/components/schemas/WebhookResponseDto/properties/event_types/items",
    "/components/schemas/CreateWebhooksDto/properties/event_types/items",
    "/components/schemas/CreateWebhookTestEventDto/properties/eventType",
];
pub const EVENT_TYPE: &str = "EventType";

/// The webhook event types are declared inline three times (one list lacks
/// `FORM_SUBMISSION_CREATED` in its description), so progenitor would make
/// three unrelated closed enums. They become one component schema `EventType`
/// holding the union of the values in document order, each with the
/// description the document gives it (`- VALUE: text` lines), marked to be
/// generated as an open enum: CertifyOS adds event types, and a new one must
/// not make a whole webhook listing fail to deserialize.
pub fn hoist_event_type(doc: &mut Value) -> Result<Changes> {
    let mut values: Vec<Value> = Vec::new();
    let mut descriptions = Map::new();
    for site in EVENT_TYPE_SITES {
        let Some(node) = doc.pointer(site) else {
            bail!("{site}: expected the webhook event type enum here; the document changed shape, update EVENT_TYPE_SITES");
        };
        let Some(list) = node.get("enum").and_then(Value::as_array) else {
            bail!("{site}: expected a string enum of webhook event types");
        };
        for value in list {
            if !value.is_string() {
                bail!("{site}/enum: event type {value} is not a string");
            }
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        for (value, description) in site_value_descriptions(doc, site, node) {
            descriptions
                .entry(value)
                .or_insert(Value::String(description));
        }
    }
    descriptions.retain(|value, _| values.contains(&Value::String(value.clone())));
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow::anyhow!("/components/schemas: missing"))?;
    if schemas.contains_key(EVENT_TYPE) {
        bail!("/components/schemas/{EVENT_TYPE}: already exists; the hoisted webhook event type needs that name");
    }
    let mut event_type = json!({
        "type": "string",
        "description": "A credentialing event that can trigger a webhook post.",
        "enum": values,
    });
    model::mark_open_enum(&mut event_type, descriptions);
    schemas.insert(EVENT_TYPE.into(), event_type);
    let mut changes = vec![format!(
        "/components/schemas/{EVENT_TYPE} (added, {} values)",
        values.len()
    )];
    for site in EVENT_TYPE_SITES {
        let node = doc.pointer_mut(site).expect("checked above");
        let description = node.get("description").cloned();
        *node = json!({"$ref": format!("#/components/schemas/{EVENT_TYPE}")});
        if let Some(description) = description {
            // A `$ref` ignores its siblings in OpenAPI 3.0; keep the text where typify reads it.
            *node = json!({"allOf": [node.clone()], "description": description});
        }
        changes.push(site.to_string());
    }
    Ok(changes)
}

/// The value descriptions given at an enum site: in its own description or,
/// for array items, in the array's.
pub(crate) fn site_value_descriptions(
    doc: &Value,
    pointer: &str,
    node: &Value,
) -> Vec<(String, String)> {
    let parent = pointer.strip_suffix("/items").and_then(|p| doc.pointer(p));
    [
        node.get("description"),
        parent.and_then(|p| p.get("description")),
    ]
    .into_iter()
    .flatten()
    .flat_map(|text| parse_value_descriptions(text.as_str().unwrap_or_default()))
    .collect()
}

/// `- VALUE: description` lines, as CertifyOS writes value lists in prose.
fn parse_value_descriptions(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (value, description) = line.trim().strip_prefix("- ")?.split_once(':')?;
            let value = value.trim();
            let ok =
                !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            ok.then(|| (value.to_string(), description.trim().to_string()))
        })
        .collect()
}

/// Reviewed names for schemas that collide with another in Rust.
pub const SCHEMA_RENAMES: &[(&str, &str)] = &[
    // `DeaDto` is a provider's DEA registration; `DEADto` the one on a facility.
    ("DEADto", "FacilityDeaDto"),
];

/// `DeaDto` and `DEADto` are different schemas that both become the Rust type
/// `DeaDto`; typify merges types by name without comparing them, which gives
/// dozens of compile errors. Among schemas whose names are equal in
/// UpperCamelCase the first in the document keeps its name; each other one
/// takes its name from [`SCHEMA_RENAMES`], else gets `2`, `3`, … appended.
/// Every `$ref` follows.
pub fn rename_colliding_schemas(doc: &mut Value) -> Result<Changes> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(vec![]);
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|n| n.to_upper_camel_case()).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for name in schemas.keys() {
        let rust = name.to_upper_camel_case();
        if seen.insert(rust.clone()) {
            continue;
        }
        let reviewed = SCHEMA_RENAMES
            .iter()
            .find(|(from, _)| from == name)
            .map(|(_, to)| to.to_string());
        let new_name = match reviewed {
            Some(to) if !taken.contains(&to.to_upper_camel_case()) => to,
            Some(to) => bail!("/components/schemas/{name}: reviewed rename to {to} collides with an existing schema"),
            None => (2..).map(|n| format!("{rust}{n}")).find(|c| !taken.contains(c)).expect("unbounded"),
        };
        taken.insert(new_name.to_upper_camel_case());
        renames.push((name.clone(), new_name));
    }
    if renames.is_empty() {
        return Ok(vec![]);
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("read above");
    let mut changes = Vec::new();
    for (old, new) in &renames {
        let schema = schemas.shift_remove(old).expect("listed above");
        schemas.insert(new.clone(), schema);
        changes.push(format!("/components/schemas/{old} → {new}"));
    }
    let targets: BTreeMap<String, String> = renames
        .iter()
        .map(|(old, new)| {
            (
                format!("#/components/schemas/{old}"),
                format!("#/components/schemas/{new}"),
            )
        })
        .collect();
    walk_mut(doc, "", &mut |_, node| {
        if let Some(Value::String(reference)) = node.get_mut("$ref") {
            if let Some(new) = targets.get(reference.as_str()) {
                *reference = new.clone();
            }
        }
    });
    Ok(changes)
}

/// 78 operations declare an optional `organization-id` header. It is the
/// caller's tenant, the same on every request of a client: the facade sets it
/// once, so it is removed from every generated method's parameters. Which
/// header that is, [`crate::model::tenant_header`] finds in the document;
/// the pass records the name for codegen, which writes it where the facade
/// reads it.
pub fn drop_tenant_header(doc: &mut Value) -> Result<Changes> {
    let Some(name) = crate::model::tenant_header(doc)? else {
        return Ok(Vec::new());
    };
    let mut changes = Vec::new();
    for_each_operation_mut(doc, |pointer, _, _, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        let before = params.len();
        // Matched as declared: CertifyOS declares the header inline (one
        // given by `$ref` would be counted above but kept here).
        params.retain(|p| !crate::model::is_header(p, &name));
        if params.len() != before {
            changes.push(format!("{pointer}/parameters"));
        }
        Ok(())
    })?;
    crate::model::record_tenant_header(doc, &name);
    Ok(changes)
}

/// Why progenitor cannot express an operation, or `None` when it can.
///
/// - a request body that is not JSON (the two multipart uploads): progenitor
///   rejects `multipart/form-data`;
/// - a 207 Multi-Status response: its body lists per-item failures, and
///   progenitor would return it as one more success;
/// - 2xx responses with different bodies (e.g. 200 with a body, 201 without):
///   progenitor panics (`response_types.len() <= 1`), and merging them would
///   hide which one arrived.
pub fn why_hand_written(op: &Map<String, Value>) -> Option<String> {
    if let Some(content) = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
    {
        let other: Vec<&str> = content
            .keys()
            .map(String::as_str)
            .filter(|m| *m != "application/json")
            .collect();
        if !other.is_empty() {
            return Some(format!("request body is {}", other.join(", ")));
        }
    }
    let responses = op.get("responses").and_then(Value::as_object)?;
    if responses.contains_key("207") {
        return Some("answers 207 Multi-Status with per-item results".into());
    }
    let bodies: BTreeSet<String> = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(_, r)| {
            r.get("content")
                .and_then(|c| c.get("application/json"))
                .and_then(|m| m.get("schema"))
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .collect();
    if bodies.len() > 1 {
        let statuses: Vec<&str> = responses
            .keys()
            .map(String::as_str)
            .filter(|s| s.starts_with('2'))
            .collect();
        return Some(format!(
            "success responses {} have different bodies",
            statuses.join(", ")
        ));
    }
    None
}

/// Moves every operation progenitor cannot express (see [`why_hand_written`])
/// out of `paths` into the document model's set-aside list, verbatim with its
/// reason. The facade implements them by hand; the operations table lists them.
pub fn set_aside_hand_written_operations(doc: &mut Value) -> Result<Changes> {
    let mut set_aside = Vec::new();
    let mut changes = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let methods: Vec<String> = item
                .keys()
                .filter(|m| HTTP_METHODS.contains(&m.as_str()))
                .cloned()
                .collect();
            for method in methods {
                let Some(reason) = item
                    .get(&method)
                    .and_then(Value::as_object)
                    .and_then(why_hand_written)
                else {
                    continue;
                };
                let operation = item.shift_remove(&method).expect("listed above");
                changes.push(format!(
                    "{}/{method} ({reason})",
                    crate::pointer::join("/paths", path)
                ));
                set_aside.push(json!({"method": method, "path": path, "reason": reason, "operation": operation}));
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|i| i.keys().any(|k| HTTP_METHODS.contains(&k.as_str())))
        });
    }
    if !set_aside.is_empty() {
        model::record_hand_written(doc, set_aside);
    }
    Ok(changes)
}

/// The operations set aside for the facade keep their inline success
/// bodies (`{id, providerId}` of the 200 of
/// `ProviderV2Controller_createCredentialingWorkflow`), which typify never
/// sees. Each becomes a component schema named after the method
/// (`ProviderV2CreateCredentialingWorkflowResponse`), so the generated
/// builder can return a generated type. 207 bodies stay: the facade reads
/// them item by item.
pub fn name_inline_bodies_of_hand_written_operations(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    let mut named: Vec<(String, Value)> = Vec::new();
    let Some(entries) = model::hand_written_mut(doc) else {
        return Ok(changes);
    };
    for (i, entry) in entries.iter_mut().enumerate() {
        let Some(id) = published_operation_id(&entry["operation"]).map(str::to_string) else {
            continue;
        };
        let Some(responses) = entry
            .pointer_mut("/operation/responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let inline: Vec<String> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2') && status.as_str() != "207")
            .filter(|(_, r)| {
                r.pointer("/content/application~1json/schema")
                    .is_some_and(|s| {
                        s.get("$ref").is_none()
                            && s.get("type").and_then(Value::as_str) == Some("object")
                    })
            })
            .map(|(status, _)| status.clone())
            .collect();
        if inline.len() > 1 {
            bail!(
                "{}: {id} has several inline success bodies; name them in this pass",
                model::hand_written_pointer(i)
            );
        }
        for status in inline {
            let name = format!("{}Response", method_name(&id).to_upper_camel_case());
            let schema = responses[&status]
                .pointer_mut("/content/application~1json/schema")
                .expect("filtered above");
            let body = std::mem::replace(
                schema,
                json!({"$ref": format!("#/components/schemas/{name}")}),
            );
            changes.push(format!(
                "{}/operation/responses/{status} → {name}",
                model::hand_written_pointer(i)
            ));
            named.push((name, body));
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow::anyhow!("/components/schemas: missing"))?;
    for (name, body) in named {
        if schemas.contains_key(&name) {
            bail!("/components/schemas/{name}: already exists; the inline body of a hand-written operation needs that name");
        }
        schemas.insert(name, body);
    }
    Ok(changes)
}

/// progenitor types an error response without a body as `()` and discards
/// what the server sent; the document declares almost every error without a
/// body, and declares the webhook ones with example-only bodies of another
/// shape (progenitor then panics on two error types). The facade reads every
/// non-2xx response itself (status, CertifyOS error body, request id), which
/// progenitor hands over whole when the status is undeclared. So the 4xx/5xx
/// responses are removed and their statuses recorded in the document model.
pub fn record_and_drop_error_responses(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    for_each_operation_mut(doc, |pointer, _, _, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return Ok(());
        };
        let errors: Vec<String> = responses
            .keys()
            .filter(|s| s.starts_with('4') || s.starts_with('5'))
            .cloned()
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        responses.retain(|s, _| !errors.contains(s));
        let statuses: Vec<Value> = errors
            .iter()
            .map(|s| {
                s.parse::<u16>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(s.clone()))
            })
            .collect();
        model::record_error_statuses(op, statuses);
        changes.push(format!("{pointer}/responses ({})", errors.join(", ")));
        Ok(())
    })?;
    Ok(changes)
}

/// progenitor names each method after its operationId; CertifyOS's carry the
/// NestJS controller class (`WebhooksController_fetchAll`). Each operationId
/// becomes [`method_name`] of itself, the published one kept in
/// the document model. Two operations that would get one name are an
/// error, never a silent overwrite.
pub fn readable_operation_ids(doc: &mut Value) -> Result<Changes> {
    let mut changes = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for_each_operation_mut(doc, |pointer, _, _, op| {
        let Some(id) = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            bail!("{pointer}/operationId: missing");
        };
        let name = method_name(&id);
        if let Some(other) = seen.insert(name.clone(), id.clone()) {
            bail!("{pointer}/operationId: {id} and {other} would both become method {name}");
        }
        if name != id {
            model::keep_original_operation_id(op, name);
            changes.push(format!("{pointer}/operationId"));
        }
        Ok(())
    })?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ext::{
        ENUM_DESCRIPTIONS, ERROR_STATUSES, HAND_WRITTEN, OPEN_ENUM, ORIGINAL_OPERATION_ID,
    };

    fn webhook_doc(extra_value_in_test_event: bool) -> Value {
        let mut test_values = vec!["A_HAPPENED", "B_HAPPENED"];
        if extra_value_in_test_event {
            test_values.push("C_HAPPENED");
        }
        json!({"components": {"schemas": {
            "WebhookResponseDto": {"properties": {"event_types": {"type": "array",
                "description": "Events.\n\nValues:\n- A_HAPPENED: A happened\n- B_HAPPENED: B happened",
                "items": {"type": "string", "enum": ["A_HAPPENED", "B_HAPPENED"]}}}},
            "CreateWebhooksDto": {"properties": {"event_types": {"type": "array",
                "description": "- A_HAPPENED: A happened\n- C_HAPPENED: C happened",
                "items": {"type": "string", "enum": ["A_HAPPENED", "B_HAPPENED"]}}}},
            "CreateWebhookTestEventDto": {"properties": {"eventType": {"type": "string",
                "description": "Event type for the test event", "enum": test_values}}}
        }}})
    }

    #[test]
    fn event_types_become_one_schema_with_the_union_in_document_order() {
        let mut doc = webhook_doc(true);
        let changes = hoist_event_type(&mut doc).unwrap();
        assert_eq!(
            changes[0],
            "/components/schemas/EventType (added, 3 values)"
        );
        let event_type = &doc["components"]["schemas"]["EventType"];
        assert_eq!(
            event_type["enum"],
            json!(["A_HAPPENED", "B_HAPPENED", "C_HAPPENED"])
        );
        assert_eq!(event_type[OPEN_ENUM], true);
        assert_eq!(
            event_type[ENUM_DESCRIPTIONS],
            json!({"A_HAPPENED": "A happened", "B_HAPPENED": "B happened", "C_HAPPENED": "C happened"})
        );
        let reference = json!({"$ref": "#/components/schemas/EventType"});
        assert_eq!(doc.pointer(EVENT_TYPE_SITES[0]).unwrap(), &reference);
        assert_eq!(doc.pointer(EVENT_TYPE_SITES[1]).unwrap(), &reference);
        assert_eq!(
            doc.pointer(EVENT_TYPE_SITES[2]).unwrap()["allOf"][0],
            reference
        );
    }

    #[test]
    fn a_missing_event_type_site_is_an_error_naming_it() {
        let mut doc = webhook_doc(false);
        doc["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("CreateWebhooksDto");
        let msg = hoist_event_type(&mut doc).unwrap_err().to_string();
        assert!(
            msg.starts_with("/components/schemas/CreateWebhooksDto/properties/event_types/items:"),
            "{msg}"
        );
    }

    #[test]
    fn schemas_colliding_in_rust_are_renamed_and_refs_follow() {
        let mut doc = json!({
            "components": {"schemas": {
                "DeaDto": {"type": "object"},
                "DEADto": {"type": "object", "properties": {"x": {"type": "string"}}},
                "FooBar": {"type": "object"},
                "FOOBar": {"type": "string"},
                "Holder": {"properties": {"a": {"$ref": "#/components/schemas/DEADto"}, "b": {"$ref": "#/components/schemas/FOOBar"}, "c": {"$ref": "#/components/schemas/DeaDto"}}}
            }}
        });
        let changes = rename_colliding_schemas(&mut doc).unwrap();
        assert_eq!(
            changes,
            vec![
                "/components/schemas/DEADto → FacilityDeaDto",
                "/components/schemas/FOOBar → FooBar2"
            ]
        );
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("DEADto").is_none());
        assert_eq!(
            schemas["FacilityDeaDto"]["properties"]["x"]["type"],
            "string"
        );
        assert_eq!(
            schemas["Holder"]["properties"]["a"]["$ref"],
            "#/components/schemas/FacilityDeaDto"
        );
        assert_eq!(
            schemas["Holder"]["properties"]["b"]["$ref"],
            "#/components/schemas/FooBar2"
        );
        assert_eq!(
            schemas["Holder"]["properties"]["c"]["$ref"],
            "#/components/schemas/DeaDto"
        );
    }

    #[test]
    fn the_tenant_header_is_found_removed_and_recorded_and_other_parameters_kept() {
        for name in ["organization-id", "x-tenant"] {
            let mut doc = json!({"paths": {
                "/p/{id}": {"get": {"parameters": [
                    {"name": name, "in": "header", "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                ]}},
                "/q": {"get": {"parameters": [
                    {"name": name, "in": "header", "schema": {"type": "string"}},
                    {"name": "x-once", "in": "header", "schema": {"type": "string"}}
                ]}},
                "/token": {"post": {}}
            }});
            assert_eq!(
                drop_tenant_header(&mut doc).unwrap(),
                vec![
                    "/paths/~1p~1{id}/get/parameters",
                    "/paths/~1q/get/parameters"
                ]
            );
            assert_eq!(
                doc["paths"]["/p/{id}"]["get"]["parameters"],
                json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
            );
            assert_eq!(doc["paths"]["/q"]["get"]["parameters"][0]["name"], "x-once");
            assert_eq!(crate::model::recorded_tenant_header(&doc), Some(name));
        }
        // Two headers on most operations: no guess.
        let mut doc = json!({"paths": {"/p": {"get": {"parameters": [
            {"name": "a", "in": "header"}, {"name": "b", "in": "header"}
        ]}}}});
        let error = drop_tenant_header(&mut doc).unwrap_err().to_string();
        assert_eq!(error, "/paths: cannot tell the tenant header: `a` (1) and `b` (1) are each declared by more than half of the 1 operations");
        // None at all: nothing to drop, nothing recorded.
        let mut doc = json!({"paths": {"/p": {"get": {}}}});
        assert!(drop_tenant_header(&mut doc).unwrap().is_empty());
        assert_eq!(crate::model::recorded_tenant_header(&doc), None);
    }

    #[test]
    fn multipart_207_and_mixed_success_bodies_are_set_aside_with_reasons() {
        let json_body = json!({"application/json": {"schema": {"type": "object"}}});
        let mut doc = json!({"paths": {
            "/upload": {"post": {"operationId": "U", "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}, "responses": {"201": {"description": ""}}}},
            "/bulk": {"patch": {"operationId": "B", "responses": {"204": {"description": ""}, "207": {"description": ""}}},
                      "get": {"operationId": "G", "responses": {"200": {"description": "", "content": json_body.clone()}}}},
            "/wf": {"post": {"operationId": "W", "responses": {"200": {"description": "", "content": json_body}, "201": {"description": ""}}}}
        }});
        let changes = set_aside_hand_written_operations(&mut doc).unwrap();
        assert_eq!(changes.len(), 3);
        let set_aside = doc[HAND_WRITTEN].as_array().unwrap();
        let reasons: Vec<(&str, &str)> = set_aside
            .iter()
            .map(|e| {
                (
                    e["operation"]["operationId"].as_str().unwrap(),
                    e["reason"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("U", "request body is multipart/form-data"),
                ("B", "answers 207 Multi-Status with per-item results"),
                ("W", "success responses 200, 201 have different bodies"),
            ]
        );
        assert!(
            doc["paths"].get("/upload").is_none(),
            "an emptied path item is removed"
        );
        assert_eq!(doc["paths"]["/bulk"]["get"]["operationId"], "G");
        assert!(doc["paths"]["/bulk"].get("patch").is_none());
    }

    #[test]
    fn error_responses_are_dropped_and_their_statuses_recorded() {
        let mut doc = json!({"paths": {"/w": {"post": {"responses": {
            "201": {"description": ""}, "400": {"description": "", "content": {"application/json": {"schema": {"example": {}}}}}, "401": {"description": ""}
        }}}}});
        assert_eq!(
            record_and_drop_error_responses(&mut doc).unwrap(),
            vec!["/paths/~1w/post/responses (400, 401)"]
        );
        let op = &doc["paths"]["/w"]["post"];
        assert_eq!(op["responses"], json!({"201": {"description": ""}}));
        assert_eq!(op[ERROR_STATUSES], json!([400, 401]));
    }

    #[test]
    fn operation_ids_are_renamed_and_the_original_kept() {
        let mut doc =
            json!({"paths": {"/w": {"get": {"operationId": "WebhooksController_fetchAll"}}}});
        assert_eq!(
            readable_operation_ids(&mut doc).unwrap(),
            vec!["/paths/~1w/get/operationId"]
        );
        assert_eq!(
            doc["paths"]["/w"]["get"]["operationId"],
            "webhooks_fetch_all"
        );
        assert_eq!(
            doc["paths"]["/w"]["get"][ORIGINAL_OPERATION_ID],
            "WebhooksController_fetchAll"
        );
    }

    #[test]
    fn two_operations_with_one_method_name_are_an_error() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "XController_list"}}, "/b": {"get": {"operationId": "X_list"}}}});
        let msg = readable_operation_ids(&mut doc).unwrap_err().to_string();
        assert!(msg.contains("would both become method x_list"), "{msg}");
    }

    #[test]
    fn inline_success_bodies_of_set_aside_operations_get_named_schemas() {
        let mut doc = json!({
            "components": {"schemas": {}},
            HAND_WRITTEN: [{"method": "post", "path": "/p/{id}/w", "reason": "two bodies", "operation": {
                "operationId": "ProviderV2Controller_createWorkflow",
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}},
                    "201": {"description": "no body"},
                    "207": {"content": {"application/json": {"schema": {"type": "object"}}}}
                }}}]
        });
        let changes = name_inline_bodies_of_hand_written_operations(&mut doc).unwrap();
        assert_eq!(
            changes,
            vec![format!(
                "/{HAND_WRITTEN}/0/operation/responses/200 → ProviderV2CreateWorkflowResponse"
            )]
        );
        assert_eq!(
            doc[HAND_WRITTEN][0]["operation"]["responses"]["200"]["content"]["application/json"]
                ["schema"],
            json!({"$ref": "#/components/schemas/ProviderV2CreateWorkflowResponse"})
        );
        assert_eq!(
            doc["components"]["schemas"]["ProviderV2CreateWorkflowResponse"],
            json!({"type": "object", "properties": {"id": {"type": "string"}}})
        );
        assert_eq!(
            doc[HAND_WRITTEN][0]["operation"]["responses"]["207"]["content"]["application/json"]
                ["schema"],
            json!({"type": "object"})
        );
    }
}
