//! The typed view of a normalized document: what every stage after
//! normalization reads (the emitters, drift), so that none of them probes
//! JSON by key. Read once by [`Document::read`]; the repair and adapt passes
//! before it work on the raw JSON (the published document is too defective
//! to parse typed), and only this module and [`model`] know
//! the JSON's keys.
//!
//! Lenient as the passes before it: a missing or mistyped key reads as
//! absent (`required` false, no description), never as an error — the
//! document was validated on the way in.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use serde_json::{Number, Value};

use crate::model::{self, EnumNames};
use crate::pointer;

/// The normalized document, typed.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Every operation in `paths`, in document order.
    pub operations: Vec<Operation>,
    /// The operations set aside for the facade, in the order recorded.
    pub hand_written: Vec<HandWritten>,
    /// `components/schemas`, in document order.
    pub schemas: Vec<(String, Schema)>,
    index: BTreeMap<String, usize>,
    /// The top-level tags, in document order.
    pub tags: Vec<Tag>,
    /// The servers' URLs.
    pub servers: Vec<String>,
    /// `components/securitySchemes`, compared whole.
    pub security_schemes: Option<Value>,
    /// The top-level `security`, compared whole.
    pub security: Option<Value>,
    /// The tenant header the adapt stage found ([`model::tenant_header`]).
    pub tenant_header: Option<String>,
}

/// A top-level tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
}

/// An operation set aside for the facade (see [`model::ext::HAND_WRITTEN`]).
#[derive(Debug, Clone)]
pub struct HandWritten {
    /// What progenitor cannot express about it.
    pub reason: String,
    /// The operation as the document declares it.
    pub operation: Operation,
}

/// One operation.
#[derive(Debug, Clone, Default)]
pub struct Operation {
    pub path: String,
    /// Lower case, as in `paths`.
    pub method: String,
    /// The operationId: after normalization, the Rust method name.
    pub id: Option<String>,
    /// The operationId as the document published it.
    pub published_id: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Each `$ref` resolved, in document order.
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// By status, in document order.
    pub responses: Vec<Response>,
    /// The error statuses the adapt stage recorded.
    pub error_statuses: Option<Vec<u16>>,
    /// Where it is: `/paths/~1x/get`.
    pub pointer: String,
}

/// One parameter.
#[derive(Debug, Clone, Default)]
pub struct Parameter {
    pub name: String,
    /// `in`: path, query, header or cookie.
    pub location: String,
    pub required: bool,
    pub description: Option<String>,
    pub schema: Option<Schema>,
}

/// A request body.
#[derive(Debug, Clone, Default)]
pub struct RequestBody {
    pub required: bool,
    /// By media type, in document order.
    pub content: Vec<Media>,
}

/// One media type of a body.
#[derive(Debug, Clone, Default)]
pub struct Media {
    pub media_type: String,
    pub schema: Option<Schema>,
}

/// One response.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// As written: `200`, `4XX`, `default`.
    pub status: String,
    pub content: Vec<Media>,
}

/// A schema, with the keywords the generator reads.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The component it refers to, for a `#/components/schemas/…` `$ref`.
    pub reference: Option<String>,
    /// `type`.
    pub ty: Option<String>,
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub description: Option<String>,
    pub items: Option<Box<Schema>>,
    /// `properties` in document order (`None`: no `properties` key).
    pub properties: Option<Vec<(String, Schema)>>,
    pub required: Vec<String>,
    pub nullable: bool,
    pub read_only: bool,
    /// `enum`, as written.
    pub enum_values: Option<Vec<Value>>,
    pub all_of: Option<Vec<Schema>>,
    /// `anyOf`, `oneOf`, `not` and a schema `additionalProperties`: read
    /// only to follow references.
    pub others: Vec<Schema>,
    pub example: Option<Value>,
    pub minimum: Option<Number>,
    pub min_length: Option<u64>,
    /// Marked by the adapt stage ([`model::mark_open_enum`]).
    pub open_enum: bool,
    /// Value → the document's description of it.
    pub enum_descriptions: BTreeMap<String, String>,
    /// Where it is.
    pub pointer: String,
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(Value::as_str).map(str::to_string)
}

fn flag(node: &Value, key: &str) -> bool {
    node.get(key) == Some(&Value::Bool(true))
}

fn strings(node: Option<&Value>) -> Vec<String> {
    node.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn entries<'a>(node: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    node.get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// A local `$ref` followed one step (parameters, bodies and responses may be
/// references), with the pointer of what it reached.
fn resolved<'a>(doc: &'a Value, node: &'a Value, at: String) -> (&'a Value, String) {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) => match doc.pointer(target) {
            Some(found) => (found, target.to_string()),
            None => (node, at),
        },
        None => (node, at),
    }
}

impl Schema {
    /// A schema that says nothing (`{}`): any value.
    pub const EMPTY: Schema = Schema {
        reference: None,
        ty: None,
        format: None,
        pattern: None,
        description: None,
        items: None,
        properties: None,
        required: Vec::new(),
        nullable: false,
        read_only: false,
        enum_values: None,
        all_of: None,
        others: Vec::new(),
        example: None,
        minimum: None,
        min_length: None,
        open_enum: false,
        enum_descriptions: BTreeMap::new(),
        pointer: String::new(),
    };

    /// Reads a schema found at `at`.
    pub fn read(node: &Value, at: &str) -> Schema {
        let child = |key: &str| {
            node.get(key)
                .filter(|v| v.is_object())
                .map(|v| Schema::read(v, &pointer::join(at, key)))
        };
        let list = |key: &str| {
            node.get(key).and_then(Value::as_array).map(|items| {
                let base = pointer::join(at, key);
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Schema::read(v, &format!("{base}/{i}")))
                    .collect::<Vec<_>>()
            })
        };
        let mut others = Vec::new();
        for key in ["anyOf", "oneOf"] {
            others.extend(list(key).into_iter().flatten());
        }
        others.extend(child("not"));
        others.extend(child("additionalProperties"));
        let properties = node.get("properties").and_then(Value::as_object).map(|p| {
            let base = pointer::join(at, "properties");
            p.iter()
                .map(|(name, v)| (name.clone(), Schema::read(v, &pointer::join(&base, name))))
                .collect()
        });
        Schema {
            reference: model::schema_ref_name(node).map(str::to_string),
            ty: text(node, "type"),
            format: text(node, "format"),
            pattern: text(node, "pattern"),
            description: text(node, "description"),
            items: child("items").map(Box::new),
            properties,
            required: strings(node.get("required")),
            nullable: flag(node, "nullable"),
            read_only: flag(node, "readOnly"),
            enum_values: node.get("enum").and_then(Value::as_array).cloned(),
            all_of: list("allOf"),
            others,
            example: node.get("example").cloned(),
            minimum: node.get("minimum").and_then(Value::as_number).cloned(),
            min_length: node.get("minLength").and_then(Value::as_u64),
            open_enum: model::is_open_enum(node),
            enum_descriptions: model::enum_descriptions(node)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect(),
            pointer: at.to_string(),
        }
    }

    /// Whether `type` is `ty`.
    pub fn is(&self, ty: &str) -> bool {
        self.ty.as_deref() == Some(ty)
    }

    /// The property `name`, as written.
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .flatten()
            .find_map(|(n, s)| (n == name).then_some(s))
    }

    /// The properties (none when there is no `properties`).
    pub fn properties(&self) -> impl Iterator<Item = (&String, &Schema)> {
        self.properties.iter().flatten().map(|(n, s)| (n, s))
    }

    /// Whether property `name` is required.
    pub fn requires(&self, name: &str) -> bool {
        self.required.iter().any(|r| r == name)
    }

    /// The one schema of a one-element `allOf` (a wrapper normalization
    /// puts around a reference to keep its description).
    pub fn single_all_of(&self) -> Option<&Schema> {
        match self.all_of.as_deref() {
            Some([only]) => Some(only),
            _ => None,
        }
    }

    /// The string values of `enum` (others skipped).
    pub fn enum_strings(&self) -> Vec<String> {
        self.enum_values
            .iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    }

    /// Visits this schema and every schema inside it (not through references).
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Schema)) {
        visit(self);
        for (_, property) in self.properties() {
            property.walk(visit);
        }
        for inner in self.items.iter().map(|b| &**b) {
            inner.walk(visit);
        }
        for inner in self.all_of.iter().flatten().chain(&self.others) {
            inner.walk(visit);
        }
    }
}

impl Media {
    fn read_all(node: &Value, at: &str) -> Vec<Media> {
        let base = pointer::join(at, "content");
        entries(node, "content")
            .map(|(media_type, m)| {
                let at = pointer::join(&base, media_type);
                Media {
                    media_type: media_type.clone(),
                    schema: m
                        .get("schema")
                        .map(|s| Schema::read(s, &pointer::join(&at, "schema"))),
                }
            })
            .collect()
    }
}

fn media<'a>(content: &'a [Media], media_type: &str) -> Option<&'a Media> {
    content.iter().find(|m| m.media_type == media_type)
}

impl Response {
    /// The `application/json` body's schema.
    pub fn json(&self) -> Option<&Schema> {
        media(&self.content, "application/json")?.schema.as_ref()
    }

    /// Whether the status is a 2xx one.
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

impl Operation {
    /// Reads the operation at `at` (`/paths/~1x/get`).
    pub fn read(doc: &Value, path: &str, method: &str, node: &Value, at: &str) -> Operation {
        let parameters = node
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| {
                let (p, at) = resolved(doc, p, format!("{at}/parameters/{i}"));
                Parameter {
                    name: text(p, "name").unwrap_or_default(),
                    location: text(p, "in").unwrap_or_default(),
                    required: flag(p, "required"),
                    description: text(p, "description"),
                    schema: p
                        .get("schema")
                        .map(|s| Schema::read(s, &pointer::join(&at, "schema"))),
                }
            })
            .collect();
        let body = node.get("requestBody").map(|b| {
            let (b, at) = resolved(doc, b, pointer::join(at, "requestBody"));
            RequestBody {
                required: flag(b, "required"),
                content: Media::read_all(b, &at),
            }
        });
        let responses_at = pointer::join(at, "responses");
        let responses = entries(node, "responses")
            .map(|(status, r)| {
                let (r, at) = resolved(doc, r, pointer::join(&responses_at, status));
                Response {
                    status: status.clone(),
                    content: Media::read_all(r, &at),
                }
            })
            .collect();
        Operation {
            path: path.to_string(),
            method: method.to_string(),
            id: text(node, "operationId"),
            published_id: model::published_operation_id(node).map(str::to_string),
            tags: strings(node.get("tags")),
            summary: text(node, "summary"),
            description: text(node, "description"),
            parameters,
            body,
            responses,
            error_statuses: model::error_statuses(node),
            pointer: at.to_string(),
        }
    }

    /// `METHOD /path`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The operationId as published, and the operation named for messages
    /// (`WebhooksController_create (POST /v2/webhooks)`); an error without one.
    pub fn published(&self) -> Result<(&str, String)> {
        let id = self
            .published_id
            .as_deref()
            .ok_or_else(|| anyhow!("{}: no operationId", self.key()))?;
        Ok((id, format!("{id} ({})", self.key())))
    }

    /// The request body's `application/json` schema.
    pub fn json_body(&self) -> Option<&Schema> {
        media(&self.body.as_ref()?.content, "application/json")?
            .schema
            .as_ref()
    }

    /// The request body's `multipart/form-data` media type.
    pub fn multipart(&self) -> Option<&Media> {
        media(&self.body.as_ref()?.content, "multipart/form-data")
    }

    /// Whether the request body is required.
    pub fn body_required(&self) -> bool {
        self.body.as_ref().is_some_and(|b| b.required)
    }

    /// The response for `status`, as written.
    pub fn response(&self, status: &str) -> Option<&Response> {
        self.responses.iter().find(|r| r.status == status)
    }

    /// The first 2xx response's JSON schema.
    pub fn success_json(&self) -> Option<&Schema> {
        self.responses
            .iter()
            .filter(|r| r.is_success())
            .find_map(Response::json)
    }

    /// Visits every schema the operation holds (not through references).
    pub fn walk_schemas<'a>(&'a self, visit: &mut dyn FnMut(&'a Schema)) {
        for p in &self.parameters {
            if let Some(s) = &p.schema {
                s.walk(visit);
            }
        }
        let bodies = self.body.iter().flat_map(|b| &b.content);
        for m in bodies.chain(self.responses.iter().flat_map(|r| &r.content)) {
            if let Some(s) = &m.schema {
                s.walk(visit);
            }
        }
    }
}

impl Document {
    /// Reads a normalized document.
    pub fn read(doc: &Value) -> Document {
        let operations = model::operations(doc)
            .into_iter()
            .map(|(path, method, op)| {
                let at = pointer::join(&pointer::join("/paths", path), method);
                Operation::read(doc, path, method, op, &at)
            })
            .collect();
        let hand_written = model::hand_written(doc)
            .into_iter()
            .enumerate()
            .map(|(i, h)| HandWritten {
                reason: h.reason.to_string(),
                operation: Operation::read(
                    doc,
                    h.path,
                    h.method,
                    h.operation,
                    &format!("{}/operation", model::hand_written_pointer(i)),
                ),
            })
            .collect();
        let schemas: Vec<(String, Schema)> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, s)| {
                let at = pointer::join("/components/schemas", name);
                (name.clone(), Schema::read(s, &at))
            })
            .collect();
        let index = schemas
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), i))
            .collect();
        let tags = doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(Tag {
                    name: text(t, "name")?,
                    description: text(t, "description"),
                })
            })
            .collect();
        let servers = doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| text(s, "url"))
            .collect();
        Document {
            operations,
            hand_written,
            schemas,
            index,
            tags,
            servers,
            security_schemes: doc.pointer("/components/securitySchemes").cloned(),
            security: doc.get("security").cloned(),
            tenant_header: model::recorded_tenant_header(doc).map(str::to_string),
        }
    }

    /// The component schema `name`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.index.get(name).map(|&i| &self.schemas[i].1)
    }

    /// `schema`, or the component its `$ref` names (one step; itself when
    /// the component is missing).
    pub fn resolve<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        schema
            .reference
            .as_deref()
            .and_then(|name| self.schema(name))
            .unwrap_or(schema)
    }

    /// `schema` resolved, and a one-element `allOf` wrapper unwrapped (and
    /// resolved).
    pub fn unwrap<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        let schema = self.resolve(schema);
        match schema.single_all_of() {
            Some(only) => self.resolve(only),
            None => schema,
        }
    }

    /// The operation `method` (any case) `path`, in `paths` or set aside.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let method = method.to_lowercase();
        self.operations
            .iter()
            .chain(self.hand_written.iter().map(|h| &h.operation))
            .find(|op| op.path == path && op.method == method)
    }

    /// The open enums as a name table: what `spec/enum-names.json` records.
    pub fn open_enum_table(&self) -> EnumNames {
        self.schemas
            .iter()
            .filter(|(_, s)| s.open_enum)
            .map(|(name, s)| (name.clone(), s.enum_strings()))
            .collect()
    }

    /// The token operation the facade signs in through: the one whose JSON
    /// request body has `client_id` and `client_secret` and whose success
    /// answers `access_token` (POST /auth-tokens/v2/api). Its tags are
    /// always compiled; codegen writes its method and path where the facade
    /// reads them. `None` when no operation qualifies; an error when several do.
    pub fn token_operation(&self) -> Result<Option<&Operation>> {
        let has = |schema: Option<&Schema>, names: &[&str]| {
            let schema = schema.map(|s| self.resolve(s));
            names
                .iter()
                .all(|n| schema.is_some_and(|s| s.property(n).is_some()))
        };
        let found: Vec<&Operation> = self
            .operations
            .iter()
            .filter(|op| {
                has(op.json_body(), &["client_id", "client_secret"])
                    && op
                        .responses
                        .iter()
                        .any(|r| r.is_success() && has(r.json(), &["access_token"]))
            })
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            several => Err(anyhow!(
                "/paths: cannot tell the token operation: {} each take client_id and client_secret and answer access_token",
                several
                    .iter()
                    .map(|op| op.key())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }

    /// The page shape of a success body schema, if it is one.
    pub fn page_shape(&self, schema: &Schema) -> Option<PageShape> {
        let schema = self.resolve(schema);
        if schema.is("array") {
            return Some(PageShape::Array);
        }
        if !self.resolve(schema.property("data")?).is("array") {
            return None;
        }
        let count = schema.property("count").and_then(|c| {
            let c = self.resolve(c);
            (c.is("number") || c.is("integer")).then(|| schema.requires("count"))
        });
        Some(PageShape::Wrapped {
            data_required: schema.requires("data"),
            count,
        })
    }

    /// Which operations page: those with `offset` and `limit` query
    /// parameters whose success body is a page (a JSON array, or an object
    /// with a `data` array and optionally a numeric `count`), in document
    /// order. Decided here, from the document, so an operation that gains
    /// that shape gets paging by regenerating.
    pub fn paginated(&self) -> Vec<Paginated> {
        let mut out = Vec::new();
        for op in &self.operations {
            let Some(rust_name) = &op.id else { continue };
            let query = |name: &str| {
                op.parameters
                    .iter()
                    .any(|p| p.location == "query" && p.name == name)
            };
            if !(query("offset") && query("limit")) {
                continue;
            }
            if let Some(shape) = op.success_json().and_then(|s| self.page_shape(s)) {
                out.push(Paginated {
                    rust_name: rust_name.clone(),
                    shape,
                });
            }
        }
        out
    }
}

/// How a paginated operation's success body holds the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageShape {
    /// The body is the array of items.
    Array,
    /// `{ "data": [...], "count": n }`: whether `data` is required, and
    /// whether `count` is (`None`: no numeric `count`).
    Wrapped {
        data_required: bool,
        count: Option<bool>,
    },
}

/// A paginated operation: its Rust method name and page shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paginated {
    pub rust_name: String,
    pub shape: PageShape,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ext::{HAND_WRITTEN, OPEN_ENUM, ORIGINAL_OPERATION_ID, TENANT_HEADER};
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "tags": [{"name": "Webhooks", "description": "Hooks"}, {"description": "no name"}],
            "servers": [{"url": "https://api.example.com/"}],
            TENANT_HEADER: "organization-id",
            "paths": {"/w/{id}": {
                "parameters": [],
                "get": {
                    "operationId": "webhooks_find", ORIGINAL_OPERATION_ID: "WebhooksController_find",
                    "tags": ["Webhooks"],
                    "parameters": [{"$ref": "#/components/parameters/Id"}, {"name": "q", "in": "query"}],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hook"}}}},
                        "404": {"description": "gone"}
                    }
                }
            }},
            HAND_WRITTEN: [{"method": "post", "path": "/up", "reason": "multipart", "operation": {
                "operationId": "Up_run", "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"201": {}}
            }}],
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "schemas": {
                    "Hook": {"type": "object", "required": ["kind"], "properties": {
                        "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "description": "which"},
                        "urls": {"type": "array", "items": {"type": "string", "format": "uri"}}
                    }},
                    "Kind": {"type": "string", "enum": ["A", "B"], OPEN_ENUM: true}
                }
            }
        })
    }

    #[test]
    fn operations_read_with_their_references_resolved_and_their_places() {
        let doc = Document::read(&doc());
        assert_eq!(
            doc.operations.len(),
            1,
            "`parameters` of the path item is no operation"
        );
        let op = &doc.operations[0];
        assert_eq!(op.key(), "GET /w/{id}");
        assert_eq!(op.id.as_deref(), Some("webhooks_find"));
        assert_eq!(op.published_id.as_deref(), Some("WebhooksController_find"));
        let id = &op.parameters[0];
        assert_eq!(
            (id.name.as_str(), id.location.as_str(), id.required),
            ("id", "path", true)
        );
        assert_eq!(
            id.schema.as_ref().unwrap().pointer,
            "/components/parameters/Id/schema"
        );
        assert!(!op.parameters[1].required);
        assert_eq!(
            op.responses
                .iter()
                .map(|r| r.status.as_str())
                .collect::<Vec<_>>(),
            ["200", "404"]
        );
        let body = op.success_json().unwrap();
        assert_eq!(body.reference.as_deref(), Some("Hook"));
        assert_eq!(
            body.pointer,
            "/paths/~1w~1{id}/get/responses/200/content/application~1json/schema"
        );
        let up = &doc.hand_written[0];
        assert_eq!(
            (up.reason.as_str(), up.operation.key().as_str()),
            ("multipart", "POST /up")
        );
        assert!(up.operation.body_required() && up.operation.multipart().is_some());
        assert!(up.operation.json_body().is_none());
        assert_eq!(
            doc.operation("POST", "/up").map(|o| o.pointer.as_str()),
            Some("/x-certifyos-hand-written/0/operation")
        );
        assert_eq!(doc.tenant_header.as_deref(), Some("organization-id"));
        assert_eq!(doc.servers, ["https://api.example.com/"]);
        assert_eq!(doc.tags.len(), 1, "a tag without a name is skipped");
    }

    #[test]
    fn schemas_resolve_unwrap_and_walk() {
        let doc = Document::read(&doc());
        let hook = doc.resolve(doc.operations[0].success_json().unwrap());
        assert!(hook.is("object") && hook.requires("kind") && !hook.requires("urls"));
        let kind = doc.unwrap(hook.property("kind").unwrap());
        assert!(kind.open_enum);
        assert_eq!(kind.enum_strings(), ["A", "B"]);
        assert_eq!(
            hook.property("kind").unwrap().description.as_deref(),
            Some("which")
        );
        let mut seen = Vec::new();
        hook.walk(&mut |s| seen.push(s.pointer.clone()));
        assert_eq!(
            seen,
            [
                "/components/schemas/Hook",
                "/components/schemas/Hook/properties/kind",
                "/components/schemas/Hook/properties/kind/allOf/0",
                "/components/schemas/Hook/properties/urls",
                "/components/schemas/Hook/properties/urls/items",
            ]
        );
        assert_eq!(doc.open_enum_table()["Kind"], ["A", "B"]);
        let missing = Schema::read(&json!({"$ref": "#/components/schemas/Nope"}), "/x");
        assert_eq!(
            doc.resolve(&missing).pointer,
            "/x",
            "a dangling reference stays itself"
        );
    }

    #[test]
    fn two_token_operations_are_refused_in_one_line() {
        let body = |names: &[&str]| {
            let properties: serde_json::Map<String, Value> =
                names.iter().map(|n| (n.to_string(), json!({}))).collect();
            json!({"content": {"application/json": {"schema": {"properties": properties}}}})
        };
        let op = json!({"requestBody": body(&["client_id", "client_secret"]),
            "responses": {"201": body(&["access_token"])}});
        let one = Document::read(&json!({"paths": {"/a": {"post": op}}}));
        assert_eq!(one.token_operation().unwrap().unwrap().key(), "POST /a");
        let two = Document::read(&json!({"paths": {"/a": {"post": op}, "/b": {"post": op}}}));
        assert_eq!(
            two.token_operation().unwrap_err().to_string(),
            "/paths: cannot tell the token operation: POST /a and POST /b each take client_id and client_secret and answer access_token"
        );
        let none = Document::read(&json!({"paths": {"/a": {"get": {}}}}));
        assert!(none.token_operation().unwrap().is_none());
    }
}
