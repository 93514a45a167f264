//! `cargo xtask drift OLD NEW`: what changed in the CertifyOS API, in its own
//! terms, and whether it breaks users of this crate.
//!
//! Both documents go through the same normalization as codegen. Operations,
//! parameters and responses are compared on the repaired documents (where
//! every operation and response is still in place); schemas and enums on the
//! adapted ones (the shapes the generated Rust has: one open enum per value
//! set, renamed collisions). The classification follows the generated Rust:
//! - breaking: callers' code stops compiling, a request they send starts
//!   failing, or a response stops deserializing;
//! - additive: nothing they wrote changes meaning.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use crate::document::{Document, Operation, Parameter, Schema};
use crate::model;
use crate::normalize::adapt::EVENT_TYPE;
use crate::normalize::{self, Prepared, Stage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    Breaking,
    Additive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    EventType,
    Operations,
    GeneratedRust,
    Parameters,
    RequestBodies,
    Responses,
    Schemas,
    Enums,
    ServersAndSecurity,
    Defects,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::EventType => "Webhook event types (`EventType`)",
            Section::Operations => "Operations",
            Section::GeneratedRust => "The generated Rust (methods and enum types)",
            Section::Parameters => "Parameters",
            Section::RequestBodies => "Request bodies",
            Section::Responses => "Responses",
            Section::Schemas => "Schemas",
            Section::Enums => "Enum values",
            Section::ServersAndSecurity => "Servers and security",
            Section::Defects => "Document defects (for the normalization passes)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub section: Section,
    pub impact: Impact,
    /// Where, as `METHOD /path` or a schema name, with detail.
    pub location: String,
    pub what: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub breaking: usize,
    pub additive: usize,
    pub changes: Vec<Change>,
}

/// Process exit code for a report: 0 no changes, 1 additive only, 2 breaking.
impl Report {
    pub fn exit_code(&self) -> u8 {
        match (self.breaking, self.additive) {
            (0, 0) => 0,
            (0, _) => 1,
            _ => 2,
        }
    }
}

/// Compares two raw documents, both named with the same open-enum name
/// table (the project's `spec/enum-names.json`).
pub fn compare(old: &Value, new: &Value, names: &model::EnumNames) -> Result<Report> {
    let old = normalize::prepare(old, names)?;
    let new = normalize::prepare(new, names)?;
    let (old_repaired, new_repaired) =
        (Document::read(&old.repaired), Document::read(&new.repaired));
    let (old_adapted, new_adapted) = (Document::read(&old.adapted), Document::read(&new.adapted));
    let mut changes = Vec::new();
    let tenants = Tenants {
        old: old_adapted.tenant_header.as_deref(),
        new: new_adapted.tenant_header.as_deref(),
    };
    tenants.compare(&mut changes);
    operations(&old_repaired, &new_repaired, &tenants, &mut changes);
    schemas(&old_adapted, &new_adapted, &mut changes);
    servers_and_security(&old_repaired, &new_repaired, &mut changes);
    generated_rust(&old_adapted, &new_adapted, &mut changes)?;
    defects(&old, &new, &mut changes);
    changes.sort();
    changes.dedup();
    let breaking = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .count();
    Ok(Report {
        breaking,
        additive: changes.len() - breaking,
        changes,
    })
}

/// What the generator makes of each document, compared: an operation that
/// moves between generated and hand-written (its method's builder and return
/// type change even when the document calls the change additive), paging
/// gained or lost, and open-enum types that get another name at the same
/// place.
fn generated_rust(old: &Document, new: &Document, out: &mut Vec<Change>) -> Result<()> {
    let old_rows = crate::operations::table(old)?;
    let new_rows = crate::operations::table(new)?;
    for new_row in &new_rows {
        let Some(old_row) = old_rows
            .iter()
            .find(|r| r.method == new_row.method && r.path == new_row.path)
        else {
            continue;
        };
        let location = format!("{} {}", new_row.method, new_row.path);
        match (&old_row.hand_written, &new_row.hand_written) {
            (None, Some(reason)) => push(
                out,
                Section::GeneratedRust,
                Impact::Breaking,
                location.clone(),
                format!(
                    "method {} is no longer generated ({reason}): it moves to a hand-written treatment with another return type",
                    new_row.rust_name
                ),
            ),
            (Some(_), None) => push(
                out,
                Section::GeneratedRust,
                Impact::Breaking,
                location.clone(),
                format!(
                    "method {} becomes generated: its hand-written return type goes",
                    new_row.rust_name
                ),
            ),
            _ => {}
        }
        if old_row.paginated != new_row.paginated {
            let (impact, what) = if new_row.paginated {
                (
                    Impact::Additive,
                    "gains paging (`page_size`, `stream`, `pages`)",
                )
            } else {
                (
                    Impact::Breaking,
                    "loses paging: `page_size`, `stream` and `pages` go",
                )
            };
            push(
                out,
                Section::GeneratedRust,
                impact,
                location,
                format!("method {} {what}", new_row.rust_name),
            );
        }
    }
    let old_sites = enum_sites(old);
    let new_sites = enum_sites(new);
    let mut renamed: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (site, old_name) in &old_sites {
        if let Some(new_name) = new_sites.get(site) {
            if new_name != old_name {
                *renamed
                    .entry((old_name.clone(), new_name.clone()))
                    .or_default() += 1;
            }
        }
    }
    for ((old_name, new_name), places) in renamed {
        push(
            out,
            Section::GeneratedRust,
            Impact::Breaking,
            format!("types::{old_name}"),
            format!("open enum type renamed to types::{new_name} ({places} place(s))"),
        );
    }
    Ok(())
}

/// Every place an open enum is used → its type name (`/allOf/0` of a
/// wrapped reference folded into the place itself).
fn enum_sites(doc: &Document) -> BTreeMap<String, String> {
    let open: BTreeSet<&str> = doc
        .schemas
        .iter()
        .filter(|(_, schema)| schema.open_enum)
        .map(|(name, _)| name.as_str())
        .collect();
    let mut sites = BTreeMap::new();
    let mut visit = |schema: &Schema| {
        if let Some(name) = schema.reference.as_deref().filter(|n| open.contains(n)) {
            let place = schema.pointer.trim_end_matches("/allOf/0").to_string();
            sites.insert(place, name.to_string());
        }
    };
    for op in doc
        .operations
        .iter()
        .chain(doc.hand_written.iter().map(|h| &h.operation))
    {
        op.walk_schemas(&mut visit);
    }
    for (_, schema) in &doc.schemas {
        schema.walk(&mut visit);
    }
    sites
}

fn push(
    out: &mut Vec<Change>,
    section: Section,
    impact: Impact,
    location: impl Into<String>,
    what: impl Into<String>,
) {
    out.push(Change {
        section,
        impact,
        location: location.into(),
        what: what.into(),
    });
}

/// `METHOD /path` → the operation, for every operation.
fn operation_map(doc: &Document) -> BTreeMap<String, &Operation> {
    doc.operations.iter().map(|op| (op.key(), op)).collect()
}

fn operation_id(op: &Operation) -> &str {
    op.id.as_deref().unwrap_or("?")
}

/// Whether `param` is the header `name`.
fn is_header(param: &Parameter, name: &str) -> bool {
    param.location == "header" && param.name.eq_ignore_ascii_case(name)
}

/// The tenant header of each document ([`model::tenant_header`]).
struct Tenants<'a> {
    old: Option<&'a str>,
    new: Option<&'a str>,
}

impl Tenants<'_> {
    /// The facade sends the header codegen found: a new name (or none)
    /// changes what every request carries. Always breaking.
    fn compare(&self, out: &mut Vec<Change>) {
        let (Some(old), new) = (self.old, self.new) else {
            return;
        };
        if new.is_some_and(|new| new.eq_ignore_ascii_case(old)) {
            return;
        }
        let text = match new {
            Some(new) => format!(
                "the tenant header is renamed `{old}` → `{new}`: the client sends `{new}` once regenerated, and callers on this version keep sending `{old}`"
            ),
            None => format!(
                "the tenant header `{old}` is no longer declared by most operations: the client would send no tenant"
            ),
        };
        push(
            out,
            Section::Parameters,
            Impact::Breaking,
            "every operation",
            text,
        );
    }
}

fn operations(old: &Document, new: &Document, tenants: &Tenants, out: &mut Vec<Change>) {
    let (old_ops, new_ops) = (operation_map(old), operation_map(new));
    for (key, op) in &new_ops {
        if !old_ops.contains_key(key) {
            push(
                out,
                Section::Operations,
                Impact::Additive,
                key,
                format!("operation added ({})", operation_id(op)),
            );
        }
    }
    for (key, old_op) in &old_ops {
        let Some(new_op) = new_ops.get(key) else {
            push(
                out,
                Section::Operations,
                Impact::Breaking,
                key,
                format!("operation removed ({})", operation_id(old_op)),
            );
            continue;
        };
        if operation_id(old_op) != operation_id(new_op) {
            push(
                out,
                Section::Operations,
                Impact::Breaking,
                key,
                format!(
                    "operationId {} → {} (the method is renamed)",
                    operation_id(old_op),
                    operation_id(new_op)
                ),
            );
        }
        parameters(key, old_op, new_op, tenants, out);
        tenant(key, old_op, new_op, tenants, out);
        request_body(key, old_op, new_op, out);
        responses(key, old_op, new_op, out);
    }
}

/// Parameters by name, without the tenant header the client sets.
fn parameter_map<'a>(op: &'a Operation, tenant: Option<&str>) -> BTreeMap<String, &'a Parameter> {
    op.parameters
        .iter()
        .filter(|p| !tenant.is_some_and(|name| is_header(p, name)))
        .map(|p| (p.name.clone(), p))
        .collect()
}

/// The tenant header `name` of an operation, if it declares it.
fn tenant_header<'a>(op: &'a Operation, name: &str) -> Option<&'a Parameter> {
    op.parameters.iter().find(|p| is_header(p, name))
}

/// The facade sends the tenant header on every request under the name it
/// was generated with: an operation that stops declaring it (dropped, or
/// renamed, which reads as a new optional header) or changes whether it is
/// required or its type would have the library address no tenant, or the
/// wrong one. Always breaking.
fn tenant(
    key: &str,
    old_op: &Operation,
    new_op: &Operation,
    tenants: &Tenants,
    out: &mut Vec<Change>,
) {
    let (Some(header), Some(new_header)) = (tenants.old, tenants.new) else {
        // No tenant header before, or none now (reported once, document-wide).
        return;
    };
    let Some(old) = tenant_header(old_op, header) else {
        return;
    };
    let Some(new) = tenant_header(new_op, new_header) else {
        push(
            out,
            Section::Parameters,
            Impact::Breaking,
            key,
            format!("the tenant header `{new_header}` is no longer declared by this operation: the client still sends it"),
        );
        return;
    };
    if old.required != new.required {
        push(
            out,
            Section::Parameters,
            Impact::Breaking,
            key,
            format!(
                "the tenant header `{header}` is now {}",
                if new.required { "required" } else { "optional" }
            ),
        );
    }
    if let Some(change) = schema_change(old, new) {
        push(
            out,
            Section::Parameters,
            Impact::Breaking,
            key,
            format!("the tenant header `{header}` type {change}"),
        );
    }
}

/// `OLD → NEW` when two parameters' schemas have different signatures.
fn schema_change(old: &Parameter, new: &Parameter) -> Option<String> {
    let signature = |p: &Parameter| signature(p.schema.as_ref().unwrap_or(&Schema::EMPTY));
    let (os, ns) = (signature(old), signature(new));
    (os != ns).then(|| format!("{os} → {ns}"))
}

fn parameters(
    key: &str,
    old_op: &Operation,
    new_op: &Operation,
    tenants: &Tenants,
    out: &mut Vec<Change>,
) {
    let (old, new) = (
        parameter_map(old_op, tenants.old),
        parameter_map(new_op, tenants.new),
    );
    let required = |p: &Parameter| p.required;
    let location = |p: &Parameter| match p.location.as_str() {
        "" => "?".to_string(),
        place => place.to_string(),
    };
    for (name, p) in &new {
        if !old.contains_key(name) {
            let (impact, kind) = if required(p) {
                (Impact::Breaking, "required")
            } else {
                (Impact::Additive, "optional")
            };
            push(
                out,
                Section::Parameters,
                impact,
                key,
                format!("new {kind} {} parameter `{name}`", location(p)),
            );
        }
    }
    for (name, o) in &old {
        let Some(n) = new.get(name) else {
            push(
                out,
                Section::Parameters,
                Impact::Breaking,
                key,
                format!("{} parameter `{name}` removed", location(o)),
            );
            continue;
        };
        if location(o) != location(n) {
            push(
                out,
                Section::Parameters,
                Impact::Breaking,
                key,
                format!(
                    "parameter `{name}` moved from {} to {}",
                    location(o),
                    location(n)
                ),
            );
        }
        if required(o) != required(n) {
            let what = if required(n) {
                "now required"
            } else {
                "now optional"
            };
            push(
                out,
                Section::Parameters,
                Impact::Breaking,
                key,
                format!("parameter `{name}` is {what}"),
            );
        }
        if let Some(change) = schema_change(o, n) {
            push(
                out,
                Section::Parameters,
                Impact::Breaking,
                key,
                format!("parameter `{name}` type {change}"),
            );
        }
    }
}

/// The request body's schema (of its first media type).
fn body_schema(op: &Operation) -> Option<&Schema> {
    op.body.as_ref()?.content.first()?.schema.as_ref()
}

fn request_body(key: &str, old_op: &Operation, new_op: &Operation, out: &mut Vec<Change>) {
    match (body_schema(old_op), body_schema(new_op)) {
        (None, None) => {}
        (None, Some(_)) => push(
            out,
            Section::RequestBodies,
            Impact::Breaking,
            key,
            "request body added",
        ),
        (Some(_), None) => push(
            out,
            Section::RequestBodies,
            Impact::Breaking,
            key,
            "request body removed",
        ),
        (Some(o), Some(n)) => {
            let usage = Usage {
                request: true,
                response: false,
            };
            compare_schema(
                Section::RequestBodies,
                &format!("{key} request body"),
                o,
                n,
                usage,
                out,
            );
        }
    }
}

fn responses(key: &str, old_op: &Operation, new_op: &Operation, out: &mut Vec<Change>) {
    let statuses = |op: &'_ Operation| -> BTreeMap<String, Option<Schema>> {
        op.responses
            .iter()
            .map(|r| (r.status.clone(), r.json().cloned()))
            .collect()
    };
    let (old, new) = (statuses(old_op), statuses(new_op));
    let success = |s: &str| s.starts_with('2');
    for status in new.keys().filter(|s| !old.contains_key(*s)) {
        // Errors are all `Error::Api` whatever the status; a new success status is one more outcome.
        let what = if success(status) { "success" } else { "error" };
        push(
            out,
            Section::Responses,
            Impact::Additive,
            key,
            format!("{what} response {status} added"),
        );
    }
    for status in old.keys().filter(|s| !new.contains_key(*s)) {
        let impact = if success(status) {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        push(
            out,
            Section::Responses,
            impact,
            key,
            format!("response {status} removed"),
        );
    }
    for (status, o) in old.iter().filter(|(s, _)| success(s)) {
        let Some(n) = new.get(status) else { continue };
        match (o, n) {
            (Some(o), Some(n)) => compare_schema(
                Section::Responses,
                &format!("{key} {status} body"),
                o,
                n,
                Usage {
                    request: false,
                    response: true,
                },
                out,
            ),
            (None, Some(_)) => push(
                out,
                Section::Responses,
                Impact::Breaking,
                key,
                format!("response {status} now has a body"),
            ),
            (Some(_), None) => push(
                out,
                Section::Responses,
                Impact::Breaking,
                key,
                format!("response {status} no longer has a body"),
            ),
            (None, None) => {}
        }
    }
}

/// Where a schema is used, which decides what a change to it breaks.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    request: bool,
    response: bool,
}

/// Component schema name → where it is reachable from (through `$ref`s).
fn usage_map(doc: &Document) -> BTreeMap<String, Usage> {
    let mut ops: Vec<&Operation> = operation_map(doc).into_values().collect();
    ops.extend(doc.hand_written.iter().map(|h| &h.operation));
    let mut map: BTreeMap<String, Usage> = BTreeMap::new();
    for op in ops {
        let mut requests: Vec<&Schema> = op
            .parameters
            .iter()
            .filter_map(|p| p.schema.as_ref())
            .collect();
        requests.extend(
            op.body
                .iter()
                .flat_map(|b| &b.content)
                .filter_map(|m| m.schema.as_ref()),
        );
        for name in reachable(doc, requests) {
            map.entry(name).or_default().request = true;
        }
        let responses = op
            .responses
            .iter()
            .flat_map(|r| &r.content)
            .filter_map(|m| m.schema.as_ref());
        for name in reachable(doc, responses.collect()) {
            map.entry(name).or_default().response = true;
        }
    }
    map
}

/// The component schemas `roots` reach through `$ref`s.
fn reachable(doc: &Document, roots: Vec<&Schema>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = roots;
    while let Some(node) = queue.pop() {
        node.walk(&mut |s| {
            if let Some(name) = &s.reference {
                if seen.insert(name.clone()) {
                    queue.extend(doc.schema(name));
                }
            }
        });
    }
    seen
}

/// The type a schema has in the generated Rust, as text: `$ref` name, or
/// type/format with array items; enum lists are compared separately.
fn signature(schema: &Schema) -> String {
    if let Some(name) = &schema.reference {
        return name.clone();
    }
    if let Some(single) = schema.single_all_of() {
        return signature(single);
    }
    let t = schema.ty.as_deref().unwrap_or("any");
    match (t, schema.format.as_deref()) {
        ("array", _) => format!(
            "array of {}",
            signature(schema.items.as_deref().unwrap_or(&Schema::EMPTY))
        ),
        (t, Some(f)) => format!("{t} ({f})"),
        (t, None) => t.to_string(),
    }
}

fn properties(schema: &Schema) -> BTreeMap<&String, &Schema> {
    schema.properties().collect()
}

fn required_set(schema: &Schema) -> BTreeSet<&String> {
    schema.required.iter().collect()
}

/// Compares two schemas at `location`: their type, then (for inline objects
/// and arrays of them) property by property.
fn compare_schema(
    section: Section,
    location: &str,
    old: &Schema,
    new: &Schema,
    usage: Usage,
    out: &mut Vec<Change>,
) {
    let (os, ns) = (signature(old), signature(new));
    if os != ns {
        push(
            out,
            section,
            Impact::Breaking,
            location,
            format!("type {os} → {ns}"),
        );
        return;
    }
    if old.reference.is_some() {
        return; // the component is compared on its own
    }
    if let (Some(oi), Some(ni)) = (&old.items, &new.items) {
        compare_schema(section, &format!("{location}[]"), oi, ni, usage, out);
    }
    let (op, np) = (properties(old), properties(new));
    let (or, nr) = (required_set(old), required_set(new));
    for (name, _) in np.iter().filter(|(n, _)| !op.contains_key(*n)) {
        let required = nr.contains(name);
        let impact = if required && usage.request {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        let kind = if required { "required" } else { "optional" };
        push(
            out,
            section,
            impact,
            format!("{location}.{name}"),
            format!("new {kind} property"),
        );
    }
    for name in op.keys().filter(|n| !np.contains_key(*n)) {
        push(
            out,
            section,
            Impact::Breaking,
            format!("{location}.{name}"),
            "property removed",
        );
    }
    for (name, o) in &op {
        let Some(n) = np.get(name) else { continue };
        let here = format!("{location}.{name}");
        if or.contains(name) != nr.contains(name) {
            let what = if nr.contains(name) {
                "now required"
            } else {
                "now optional"
            };
            push(out, section, Impact::Breaking, &here, what);
        }
        if o.nullable != n.nullable {
            let what = if n.nullable {
                "now nullable"
            } else {
                "no longer nullable"
            };
            push(out, section, Impact::Breaking, &here, what);
        }
        compare_schema(section, &here, o, n, usage, out);
    }
}

fn schemas(old: &Document, new: &Document, out: &mut Vec<Change>) {
    let components =
        |doc: &Document| -> BTreeMap<String, Schema> { doc.schemas.iter().cloned().collect() };
    let (old_schemas, new_schemas) = (components(old), components(new));
    let usage = usage_map(new);
    let old_usage = usage_map(old);
    for name in new_schemas.keys().filter(|n| !old_schemas.contains_key(*n)) {
        push(
            out,
            Section::Schemas,
            Impact::Additive,
            name,
            "schema added",
        );
    }
    for name in old_schemas.keys().filter(|n| !new_schemas.contains_key(*n)) {
        push(
            out,
            Section::Schemas,
            Impact::Breaking,
            name,
            "schema removed (its Rust type disappears)",
        );
    }
    for (name, o) in &old_schemas {
        let Some(n) = new_schemas.get(name) else {
            continue;
        };
        if n.open_enum || o.open_enum {
            let section = if name == EVENT_TYPE {
                Section::EventType
            } else {
                Section::Enums
            };
            let (ov, nv) = (o.enum_strings(), n.enum_strings());
            for value in nv.iter().filter(|v| !ov.contains(v)) {
                // Every enum is open: an unknown value deserializes, a new one only adds a variant.
                push(
                    out,
                    section,
                    Impact::Additive,
                    name,
                    format!("value `{value}` added"),
                );
            }
            for value in ov.iter().filter(|v| !nv.contains(v)) {
                push(
                    out,
                    section,
                    Impact::Breaking,
                    name,
                    format!("value `{value}` removed (its variant disappears)"),
                );
            }
            continue;
        }
        let use_of = usage
            .get(name)
            .or(old_usage.get(name))
            .copied()
            .unwrap_or(Usage {
                request: true,
                response: true,
            });
        compare_schema(Section::Schemas, name, o, n, use_of, out);
    }
}

fn servers_and_security(old: &Document, new: &Document, out: &mut Vec<Change>) {
    let urls = |doc: &Document| -> BTreeSet<String> {
        doc.servers
            .iter()
            .map(|u| u.trim_end_matches('/').to_string())
            .collect()
    };
    let (old_urls, new_urls) = (urls(old), urls(new));
    for url in new_urls.difference(&old_urls) {
        push(
            out,
            Section::ServersAndSecurity,
            Impact::Additive,
            url,
            "server added",
        );
    }
    for url in old_urls.difference(&new_urls) {
        push(
            out,
            Section::ServersAndSecurity,
            Impact::Breaking,
            url,
            "server removed (`Environment` points at it)",
        );
    }
    if old.security_schemes != new.security_schemes {
        push(
            out,
            Section::ServersAndSecurity,
            Impact::Breaking,
            "components.securitySchemes",
            "security schemes changed (the client authenticates with a bearer JWT)",
        );
    }
    if old.security != new.security {
        push(
            out,
            Section::ServersAndSecurity,
            Impact::Breaking,
            "security",
            "security requirements changed",
        );
    }
}

fn defects(old: &Prepared, new: &Prepared, out: &mut Vec<Change>) {
    for report in new.reports.iter().filter(|r| r.stage == Stage::Repair) {
        let before: BTreeSet<&String> = old
            .reports
            .iter()
            .filter(|r| r.name == report.name)
            .flat_map(|r| r.changes.iter())
            .collect();
        let fresh: Vec<&String> = report
            .changes
            .iter()
            .filter(|c| !before.contains(c))
            .collect();
        if !fresh.is_empty() {
            let sample: Vec<&str> = fresh.iter().take(3).map(|s| s.as_str()).collect();
            let what = format!(
                "pass {} repaired {} new place(s): {}",
                report.name,
                fresh.len(),
                sample.join(", ")
            );
            push(out, Section::Defects, Impact::Additive, report.name, what);
        }
    }
    for problem in &new.problems {
        push(
            out,
            Section::Defects,
            Impact::Breaking,
            "codegen",
            format!("no normalization pass handles it: {problem}"),
        );
    }
}

/// The report as Markdown, for a pull-request comment.
pub fn markdown(report: &Report, old_name: &str, new_name: &str) -> String {
    let mut text = format!("# CertifyOS API drift\n\n`{old_name}` → `{new_name}`\n\n");
    if report.changes.is_empty() {
        text.push_str("No API changes.\n");
        return text;
    }
    text.push_str(&format!(
        "**{} breaking, {} additive** (for users of the `certifyos` crate).\n",
        report.breaking, report.additive
    ));
    let sections: BTreeSet<Section> = report.changes.iter().map(|c| c.section).collect();
    for section in sections {
        text.push_str(&format!(
            "\n## {}\n\n| impact | where | change |\n| --- | --- | --- |\n",
            section.title()
        ));
        for c in report.changes.iter().filter(|c| c.section == section) {
            let impact = match c.impact {
                Impact::Breaking => "**breaking**",
                Impact::Additive => "additive",
            };
            text.push_str(&format!(
                "| {impact} | `{}` | {} |\n",
                c.location.replace('|', "\\|"),
                c.what.replace('|', "\\|")
            ));
        }
    }
    text
}

/// The crate version a regeneration from the newer document should carry,
/// by cargo's semver rules ([`crate::release::bump`]).
pub fn next_version(current: &str, report: &Report) -> Result<String> {
    crate::release::bump(current, report.exit_code())
}

/// The report as CHANGELOG subsections: the breaking and the additive
/// changes as the drift report words them (defects are the generator's
/// business, not a user's).
pub fn changelog_sections(report: &Report) -> Vec<(&'static str, Vec<String>)> {
    [(Impact::Breaking, "Breaking"), (Impact::Additive, "Added")]
        .into_iter()
        .map(|(impact, title)| {
            let lines = report
                .changes
                .iter()
                .filter(|c| c.impact == impact && c.section != Section::Defects)
                .map(|c| format!("- `{}`: {}", c.location, c.what))
                .collect::<Vec<_>>();
            (title, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// The first line of a regeneration's CHANGELOG entry.
pub fn changelog_intro(document: &str) -> String {
    format!("Regenerated from the CertifyOS document `{document}`.")
}

/// A CHANGELOG.md entry for a regeneration: the next version, then the
/// breaking and the additive changes as the drift report words them.
pub fn changelog_entry(version: &str, document: &str, report: &Report) -> String {
    let mut text = format!("## {version}\n\n{}\n", changelog_intro(document));
    for (title, lines) in changelog_sections(report) {
        text.push_str(&format!("\n### {title}\n\n{}\n", lines.join("\n")));
    }
    if report.changes.is_empty() {
        text.push_str("\nNo API changes.\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(breaking: usize, additive: usize) -> Report {
        Report {
            breaking,
            additive,
            changes: Vec::new(),
        }
    }

    #[test]
    fn the_next_version_follows_the_class() {
        assert_eq!(next_version("0.1.0", &report(1, 3)).unwrap(), "0.2.0");
        assert_eq!(next_version("0.1.4", &report(0, 2)).unwrap(), "0.1.5");
        assert_eq!(next_version("0.1.4", &report(0, 0)).unwrap(), "0.1.4");
    }

    #[test]
    fn a_changelog_entry_lists_breaking_then_added() {
        let mut r = report(1, 1);
        r.changes = vec![
            Change {
                section: Section::Enums,
                impact: Impact::Additive,
                location: "EventType".into(),
                what: "value `X` added".into(),
            },
            Change {
                section: Section::Operations,
                impact: Impact::Breaking,
                location: "GET /x".into(),
                what: "operation removed".into(),
            },
        ];
        let entry = changelog_entry("0.2.0", "api.json", &r);
        let breaking = entry.find("### Breaking").unwrap();
        let added = entry.find("### Added").unwrap();
        assert!(entry.starts_with("## 0.2.0\n"), "{entry}");
        assert!(breaking < added, "{entry}");
        assert!(entry.contains("- `GET /x`: operation removed"), "{entry}");
    }
}
