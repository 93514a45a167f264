//! Normalization: named passes that turn CertifyOS's published document into
//! one progenitor can generate from, without losing anything the API says.
//!
//! Two stages, in order:
//! - [`repair`]: defects of the document itself (invalid by OpenAPI 3.0 or by
//!   HTTP). The result is still a faithful description of the API, fit for any
//!   tool: the drift report and the contract-test mock server read it.
//! - [`adapt`]: shaping for progenitor and for our facade (what the generated
//!   client should contain, and how things are named). It records what it moves
//!   aside in `x-certifyos-*` extensions so nothing is dropped silently.
//!
//! Every pass is a plain function over the JSON document returning the JSON
//! pointers it changed; each has the defect it fixes in its doc comment and a
//! unit test on a tiny inline document.

pub mod adapt;
pub mod enums;
pub mod repair;

use anyhow::{anyhow, Context, Result};
use serde_json::{Map, Value};

/// What a pass returns: the JSON pointers (in the document as the pass saw
/// it) of every place it changed, each with a short note where useful.
pub type Changes = Vec<String>;

/// One named normalization step.
pub struct Pass {
    pub name: &'static str,
    pub stage: Stage,
    pub run: fn(&mut Value) -> Result<Changes>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Repair,
    Adapt,
}

/// Every pass, in the order they run.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "add_missing_info_version",
        stage: Stage::Repair,
        run: repair::add_missing_info_version,
    },
    Pass {
        name: "dedupe_enum_values",
        stage: Stage::Repair,
        run: repair::dedupe_enum_values,
    },
    Pass {
        name: "drop_invalid_defaults",
        stage: Stage::Repair,
        run: repair::drop_invalid_defaults,
    },
    Pass {
        name: "flatten_nested_query_arrays",
        stage: Stage::Repair,
        run: repair::flatten_nested_query_arrays,
    },
    Pass {
        name: "drop_body_of_204",
        stage: Stage::Repair,
        run: repair::drop_body_of_204,
    },
    Pass {
        name: "retype_string_with_items_as_array",
        stage: Stage::Repair,
        run: repair::retype_string_with_items_as_array,
    },
    Pass {
        name: "repair_patterns",
        stage: Stage::Repair,
        run: repair::repair_patterns,
    },
    Pass {
        name: "drop_examples_contradicting_schema",
        stage: Stage::Repair,
        run: repair::drop_examples_contradicting_schema,
    },
    Pass {
        name: "dedent_descriptions",
        stage: Stage::Repair,
        run: repair::dedent_descriptions,
    },
    Pass {
        name: "integer_pagination_parameters",
        stage: Stage::Repair,
        run: repair::integer_pagination_parameters,
    },
    Pass {
        name: "hoist_event_type",
        stage: Stage::Adapt,
        run: adapt::hoist_event_type,
    },
    Pass {
        name: "hoist_string_enums",
        stage: Stage::Adapt,
        run: enums::hoist_string_enums,
    },
    Pass {
        name: "rename_colliding_schemas",
        stage: Stage::Adapt,
        run: adapt::rename_colliding_schemas,
    },
    Pass {
        name: "drop_tenant_header",
        stage: Stage::Adapt,
        run: adapt::drop_tenant_header,
    },
    Pass {
        name: "set_aside_hand_written_operations",
        stage: Stage::Adapt,
        run: adapt::set_aside_hand_written_operations,
    },
    Pass {
        name: "name_inline_bodies_of_hand_written_operations",
        stage: Stage::Adapt,
        run: adapt::name_inline_bodies_of_hand_written_operations,
    },
    Pass {
        name: "record_and_drop_error_responses",
        stage: Stage::Adapt,
        run: adapt::record_and_drop_error_responses,
    },
    Pass {
        name: "readable_operation_ids",
        stage: Stage::Adapt,
        run: adapt::readable_operation_ids,
    },
];

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub name: &'static str,
    pub stage: Stage,
    pub changes: Changes,
}

/// Runs the passes of the given stages in order. A pass's error is prefixed
/// with its name.
pub fn run(doc: &mut Value, stages: &[Stage]) -> Result<Vec<PassReport>> {
    let mut reports = Vec::new();
    for pass in PASSES.iter().filter(|p| stages.contains(&p.stage)) {
        let changes = (pass.run)(doc).with_context(|| format!("normalize pass {}", pass.name))?;
        reports.push(PassReport {
            name: pass.name,
            stage: pass.stage,
            changes,
        });
    }
    Ok(reports)
}

/// Calls `visit(pointer, method, path, operation)` for every operation.
pub fn for_each_operation_mut(
    doc: &mut Value,
    mut visit: impl FnMut(&str, &str, &str, &mut Map<String, Value>) -> Result<()>,
) -> Result<()> {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !crate::model::HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let pointer = format!("{}/{method}", crate::pointer::join("/paths", path));
            visit(&pointer, method, path, op)?;
        }
    }
    Ok(())
}

/// A document run through the normalization pipeline.
pub struct Prepared {
    /// After the repair stage: valid, faithful OpenAPI 3.0 (for mock servers
    /// and the drift report).
    pub repaired: Value,
    /// After the adapt stage too: what the generator reads.
    pub adapted: Value,
    /// What each pass changed, in order.
    pub reports: Vec<PassReport>,
    /// What no pass handles, one line per JSON pointer (empty when the
    /// document will generate).
    pub problems: Vec<String>,
}

/// The one pipeline: refuses dangling `$ref`s, runs the repair stage, then
/// the adapt stage, then lists what is still unsupported.
/// `names` is the open-enum name table (`spec/enum-names.json`): the adapt
/// stage keeps names from it.
pub fn prepare(raw: &Value, names: &crate::model::EnumNames) -> Result<Prepared> {
    let dangling = crate::validate::dangling_refs(raw);
    if let Some(first) = dangling.first() {
        let more = match dangling.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(anyhow!("{first}{more}"));
    }
    // A failing pass names itself (`run`); nothing here is partial.
    let mut repaired = raw.clone();
    let mut reports = run(&mut repaired, &[Stage::Repair])?;
    let mut adapted = repaired.clone();
    crate::model::attach_enum_names(&mut adapted, names);
    reports.extend(run(&mut adapted, &[Stage::Adapt])?);
    crate::model::detach_enum_names(&mut adapted);
    let problems = crate::validate::unsupported(&adapted);
    Ok(Prepared {
        repaired,
        adapted,
        reports,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_refuses_a_dangling_ref_and_lists_what_no_pass_handles() {
        let dangling = serde_json::json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/Nope"}}}});
        let err = prepare(&dangling, &Default::default())
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("Nope"), "{err}");
        // The smallest document the CertifyOS passes accept: the three
        // webhook event-type sites `hoist_event_type` expects.
        let sites = serde_json::json!({"type": "string", "enum": ["A"]});
        let fine = serde_json::json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "WebhookResponseDto": {"type": "object", "properties": {"event_types": {"type": "array", "items": sites}}},
            "CreateWebhooksDto": {"type": "object", "properties": {"event_types": {"type": "array", "items": sites}}},
            "CreateWebhookTestEventDto": {"type": "object", "properties": {"eventType": sites}}
        }}});
        let prepared = prepare(&fine, &Default::default()).unwrap();
        assert!(prepared.problems.is_empty());
        assert!(prepared
            .reports
            .iter()
            .any(|r| r.name == "readable_operation_ids" && r.stage == Stage::Adapt));
    }
}
