//! One open enum per distinct set of string values.
//!
//! The document declares 160 string enums but only 66 distinct value sets:
//! the US states in 20 places, record actions in 12, provider types in 10.
//! progenitor would make a closed Rust enum at every place: the same values a
//! different type in each schema, and a value CertifyOS adds later failing
//! every response that carries it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use heck::ToUpperCamelCase;
use serde_json::{json, Map, Value};

use super::adapt::site_value_descriptions;
use super::Changes;
use crate::model::{self, method_name};
use crate::pointer::walk;

/// How alike two value sets must be (shared values / all values) for a set
/// to keep a name from the table: one value added to or removed from a set
/// of three still matches (3/4, 2/3); a different set does not.
const SAME_SET: f64 = 0.6;

/// Shared values / all values of two sets.
fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let shared = a.intersection(b).count();
    let all = a.union(b).count();
    if all == 0 {
        0.0
    } else {
        shared as f64 / all as f64
    }
}

/// A place in the document that declares a string enum.
struct Site {
    /// Position in document order.
    order: usize,
    pointer: String,
    values: Vec<String>,
    descriptions: Vec<(String, String)>,
}

/// Every string enum — inline or a component schema, in requests, responses
/// and parameters — becomes (or joins) one component schema per value set,
/// marked an open enum (`model::mark_open_enum`): its variants in the order of the set's first
/// appearance, each with the description the document gives it. Identical
/// sets compare as sets. A set's name is a component schema's own name where
/// one declares it; else the name the attached name table
/// (`spec/enum-names.json`, `model::enum_names`) gives the most alike set
/// there (at least `SAME_SET` alike, so adding or removing a value keeps the
/// name); else [`derived_name`] of its first appearance. Each inline site becomes a
/// `$ref` (wrapped in `allOf` to keep its description, default or nullable).
pub fn hoist_string_enums(doc: &mut Value) -> Result<Changes> {
    let groups = group_by_values(collect_sites(doc));
    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| k.to_upper_camel_case()).collect())
        .unwrap_or_default();
    let from_table = names_from_table(doc, &groups, &taken);
    for name in from_table.values() {
        taken.insert(name.to_upper_camel_case());
    }
    let mut changes = Vec::new();
    let mut redirects: BTreeMap<String, String> = BTreeMap::new();
    let mut replacements: Vec<(usize, String, Value)> = Vec::new();
    for (index, (set, members)) in groups.iter().enumerate() {
        let component = members.iter().find_map(|s| component_name(&s.pointer));
        let name = match (component, from_table.get(&index)) {
            (Some(name), _) => name.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => {
                let name = untaken(derived_name(doc, &members[0].pointer), &taken);
                taken.insert(name.to_upper_camel_case());
                name
            }
        };
        let descriptions = descriptions(set, members);
        let reference =
            json!({"$ref": format!("#/components/schemas/{}", crate::pointer::escape(&name))});
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("collected from it");
        match schemas.get_mut(&name) {
            Some(existing) if component.is_some() => model::mark_open_enum(existing, descriptions),
            _ => {
                let mut schema = json!({"type": "string", "enum": members[0].values});
                model::mark_open_enum(&mut schema, descriptions);
                schemas.insert(name.clone(), schema);
            }
        }
        changes.push(format!(
            "/components/schemas/{name} ({} values, {} places)",
            set.len(),
            members.len()
        ));
        for site in members {
            match component_name(&site.pointer) {
                Some(own) if own == name => {}
                Some(other) => {
                    // A second component schema with the same values: its references move to the first.
                    redirects.insert(
                        format!("#/components/schemas/{other}"),
                        format!("#/components/schemas/{name}"),
                    );
                }
                None => replacements.push((site.order, site.pointer.clone(), reference.clone())),
            }
        }
    }
    replace_and_redirect(doc, replacements, &redirects, &mut changes);
    Ok(changes)
}

/// The sites grouped by their set of values, in document order.
fn group_by_values(sites: Vec<Site>) -> Vec<(BTreeSet<String>, Vec<Site>)> {
    let mut groups: Vec<(BTreeSet<String>, Vec<Site>)> = Vec::new();
    for site in sites {
        let key: BTreeSet<String> = site.values.iter().cloned().collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(site),
            None => groups.push((key, vec![site])),
        }
    }
    groups
}

/// Group index → the name the table gives it.
fn names_from_table(
    doc: &Value,
    groups: &[(BTreeSet<String>, Vec<Site>)],
    taken: &BTreeSet<String>,
) -> BTreeMap<usize, String> {
    // Names from the table, most alike pairs first; a name goes to one set.
    let table = model::enum_names(doc);
    let mut pairs: Vec<(f64, usize, &String)> = Vec::new();
    for (index, (set, members)) in groups.iter().enumerate() {
        if members.iter().any(|s| component_name(&s.pointer).is_some()) {
            continue;
        }
        for (name, values) in &table {
            if taken.contains(&name.to_upper_camel_case()) {
                continue;
            }
            let known: BTreeSet<String> = values.iter().cloned().collect();
            let alike = similarity(set, &known);
            if alike >= SAME_SET {
                pairs.push((alike, index, name));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut from_table: BTreeMap<usize, String> = BTreeMap::new();
    for (_, index, name) in pairs {
        if from_table.contains_key(&index) || from_table.values().any(|n| n == name) {
            continue;
        }
        from_table.insert(index, name.clone());
    }
    from_table
}

/// `base`, or `base2`, `base3`… the first no other type has taken.
fn untaken(base: String, taken: &BTreeSet<String>) -> String {
    if taken.contains(&base.to_upper_camel_case()) {
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|c| !taken.contains(&c.to_upper_camel_case()))
            .expect("unbounded")
    } else {
        base
    }
}

/// The document's description of each value of `set`, from any site.
fn descriptions(set: &BTreeSet<String>, members: &[Site]) -> Map<String, Value> {
    let mut descriptions = Map::new();
    for site in members {
        for (value, text) in &site.descriptions {
            if set.contains(value) {
                descriptions
                    .entry(value.clone())
                    .or_insert(Value::String(text.clone()));
            }
        }
    }
    descriptions
}

/// Every inline site replaced by its reference, and the references to a
/// merged component schema moved to the one kept (which stays).
fn replace_and_redirect(
    doc: &mut Value,
    mut replacements: Vec<(usize, String, Value)>,
    redirects: &BTreeMap<String, String>,
    changes: &mut Changes,
) {
    // Innermost first (reverse document order), so a site inside another is
    // replaced before its container is.
    replacements.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, pointer, reference) in replacements {
        let node = doc
            .pointer_mut(&pointer)
            .expect("sites are replaced innermost first");
        *node = replace_with_ref(node, &reference);
    }
    if !redirects.is_empty() {
        crate::pointer::walk_mut(doc, "", &mut |_, node| {
            if let Some(Value::String(target)) = node.get_mut("$ref") {
                if let Some(new) = redirects.get(target.as_str()) {
                    *target = new.clone();
                }
            }
        });
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("exists");
        for old in redirects.keys() {
            let name = old.trim_start_matches("#/components/schemas/");
            schemas.shift_remove(name);
            changes.push(format!("/components/schemas/{name} (merged: same values)"));
        }
    }
}

fn collect_sites(doc: &Value) -> Vec<Site> {
    let mut sites = Vec::new();
    walk(doc, "", &mut |pointer, node| {
        if pointer.ends_with("/properties") || model::is_in_hand_written(pointer) {
            return;
        }
        let Some(values) = node.get("enum").and_then(Value::as_array) else {
            return;
        };
        if node.get("type").is_some_and(|t| t != "string") || values.is_empty() {
            return;
        }
        let Some(values) = values
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        let descriptions = site_value_descriptions(doc, pointer, node);
        sites.push(Site {
            order: sites.len(),
            pointer: pointer.to_string(),
            values,
            descriptions,
        });
    });
    sites
}

/// The name when the pointer is a component schema itself.
fn component_name(pointer: &str) -> Option<&str> {
    let name = pointer.strip_prefix("/components/schemas/")?;
    (!name.contains('/')).then_some(name)
}

/// The naming rule: where the set first appears, in UpperCamelCase — the
/// schema or the operation's method name, then each property on the way
/// (`Item` for array items), or the parameter's name.
/// `/components/schemas/DeaDto/properties/status` → `DeaDtoStatus`;
/// `/paths/~1v2~1providers/get/parameters/3/schema` (`file_type`) →
/// `ProvidersV2FindAllFileType`.
pub fn derived_name(doc: &Value, pointer: &str) -> String {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(crate::pointer::unescape)
        .collect();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    if tokens.first().map(String::as_str) == Some("components") && tokens.len() > 2 {
        parts.push(tokens[2].clone());
        i = 3;
    } else if tokens.first().map(String::as_str) == Some("paths") && tokens.len() > 2 {
        let op = doc
            .get("paths")
            .and_then(|p| p.get(&tokens[1]))
            .and_then(|item| item.get(&tokens[2]));
        let id = op.and_then(model::published_operation_id);
        parts.push(method_name(id.unwrap_or("operation")));
        i = 3;
        if tokens.get(3).map(String::as_str) == Some("parameters") {
            if let Some(name) = tokens
                .get(4)
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| op?.get("parameters")?.get(n)?.get("name")?.as_str())
            {
                parts.push(name.to_string());
            }
            i = tokens.len();
        }
    }
    while i < tokens.len() {
        match tokens[i].as_str() {
            "properties" if i + 1 < tokens.len() => {
                parts.push(tokens[i + 1].clone());
                i += 1;
            }
            "items" => parts.push("Item".into()),
            "requestBody" => parts.push("Body".into()),
            _ => {}
        }
        i += 1;
    }
    parts.iter().map(|p| p.to_upper_camel_case()).collect()
}

fn replace_with_ref(node: &Value, reference: &Value) -> Value {
    let kept: Map<String, Value> = node
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| {
            matches!(
                k.as_str(),
                "description" | "default" | "nullable" | "readOnly" | "writeOnly"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if kept.is_empty() {
        return reference.clone();
    }
    let mut wrapped = Map::new();
    wrapped.insert("allOf".into(), json!([reference]));
    wrapped.extend(kept);
    Value::Object(wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ext::{ENUM_DESCRIPTIONS, OPEN_ENUM};

    fn doc() -> Value {
        json!({
            "paths": {"/p": {"get": {"operationId": "ProvidersController_list", "parameters": [
                {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["NY", "CA"]}}
            ], "responses": {}}}},
            "components": {"schemas": {
                "Status": {"type": "string", "enum": ["on", "off"]},
                "Address": {"properties": {
                    "state": {"type": "string", "enum": ["CA", "NY"], "description": "- CA: California\n- NY: New York"},
                    "states": {"type": "array", "items": {"type": "string", "enum": ["NY", "CA"]}},
                    "power": {"type": "string", "enum": ["off", "on"], "default": "on"},
                    "kind": {"type": "string", "enum": ["home", "work"], "nullable": true}
                }},
                "Status2": {"type": "string", "enum": ["on", "off"]},
                "Holder": {"properties": {"s": {"$ref": "#/components/schemas/Status2"}}}
            }}
        })
    }

    #[test]
    fn identical_sets_share_one_schema_named_by_the_first_place() {
        let mut doc = doc();
        let changes = hoist_string_enums(&mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        // First appearance is the query parameter: the operation's method name + the parameter.
        assert_eq!(
            schemas["ProvidersListState"]["enum"],
            json!(["NY", "CA"]),
            "{changes:?}"
        );
        assert_eq!(schemas["ProvidersListState"][OPEN_ENUM], true);
        assert_eq!(
            schemas["ProvidersListState"][ENUM_DESCRIPTIONS],
            json!({"CA": "California", "NY": "New York"})
        );
        let reference = json!({"$ref": "#/components/schemas/ProvidersListState"});
        assert_eq!(
            doc["paths"]["/p"]["get"]["parameters"][0]["schema"],
            reference
        );
        assert_eq!(
            schemas["Address"]["properties"]["states"]["items"],
            reference
        );
        assert_eq!(
            schemas["Address"]["properties"]["state"]["allOf"][0], reference,
            "description kept beside the $ref"
        );
    }

    #[test]
    fn a_component_enum_keeps_its_name_and_absorbs_its_duplicates() {
        let mut doc = doc();
        hoist_string_enums(&mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Status"][OPEN_ENUM], true);
        assert_eq!(
            schemas["Address"]["properties"]["power"],
            json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "default": "on"})
        );
        assert!(
            schemas.get("Status2").is_none(),
            "the duplicate component is merged"
        );
        assert_eq!(
            schemas["Holder"]["properties"]["s"]["$ref"],
            "#/components/schemas/Status"
        );
        assert_eq!(
            schemas["Address"]["properties"]["kind"],
            json!({"allOf": [{"$ref": "#/components/schemas/AddressKind"}], "nullable": true})
        );
    }

    #[test]
    fn a_name_from_the_table_survives_an_added_and_a_removed_value() {
        let with_table = |values: &[&str]| {
            let mut doc = doc();
            let mut table = crate::model::EnumNames::new();
            table.insert(
                "UsState".into(),
                vec!["NY".into(), "CA".into(), "TX".into()],
            );
            crate::model::attach_enum_names(&mut doc, &table);
            doc["paths"]["/p"]["get"]["parameters"][0]["schema"]["enum"] = json!(values);
            doc["components"]["schemas"]["Address"]["properties"]["state"]["enum"] = json!(values);
            doc["components"]["schemas"]["Address"]["properties"]["states"]["items"]["enum"] =
                json!(values);
            hoist_string_enums(&mut doc).unwrap();
            doc
        };
        for values in [
            &["NY", "CA", "TX"][..],
            &["NY", "CA", "TX", "FL"],
            &["NY", "CA"],
        ] {
            let doc = with_table(values);
            assert_eq!(
                doc["paths"]["/p"]["get"]["parameters"][0]["schema"]["$ref"],
                "#/components/schemas/UsState",
                "{values:?}"
            );
        }
        // Another set entirely is not taken for it.
        let doc = with_table(&["home", "work", "other"]);
        assert_eq!(
            doc["paths"]["/p"]["get"]["parameters"][0]["schema"]["$ref"],
            "#/components/schemas/ProvidersListState"
        );
    }

    #[test]
    fn each_table_name_goes_to_the_most_alike_set_only() {
        let a: BTreeSet<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let b: BTreeSet<String> = ["x", "y", "z", "w"].iter().map(|s| s.to_string()).collect();
        assert!(similarity(&a, &a) > similarity(&a, &b));
        assert!(similarity(&a, &b) >= SAME_SET);
        let c: BTreeSet<String> = ["x", "q"].iter().map(|s| s.to_string()).collect();
        assert!(similarity(&a, &c) < SAME_SET);
    }

    #[test]
    fn derived_names_follow_the_pointer() {
        let doc = doc();
        assert_eq!(
            derived_name(&doc, "/components/schemas/DeaDto/properties/status"),
            "DeaDtoStatus"
        );
        assert_eq!(
            derived_name(&doc, "/components/schemas/A/properties/list/items"),
            "AListItem"
        );
        assert_eq!(
            derived_name(&doc, "/paths/~1p/get/parameters/0/schema"),
            "ProvidersListState"
        );
    }
}
