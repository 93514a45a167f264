//! `cli/generated/commands.rs`: one `certifyos` command per operation, for
//! the `certifyos-cli` crate.
//!
//! Written from the operations table and the client's builders (not with
//! progenitor's CLI generator: its commands call progenitor's own
//! `ResponseValue`/`Error` surface, which this crate no longer exposes, and it
//! cannot see the hand-written operations). Each command calls the same
//! builder a user would, so auth, paging, retries and errors are the
//! library's.
//!
//! Naming rule: `certifyos <group> <command>`, where the group is the
//! operation's tag as its cargo feature name (`webhooks`, `v2-providers`)
//! and the command is the action of its published operationId in kebab case
//! (`WebhooksController_fetchAll` → `fetch-all`). Two operations of one group
//! with the same action are both named by their whole method name instead
//! (`professional-ids-v2-create`). Flags are the builder's setters in kebab
//! case (`--org-entity-ids`).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context, Result};
use heck::{ToKebabCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use serde_json::Value;

use crate::document::{Document, Operation, Schema};
use crate::operations::Row;

/// Flags the CLI itself defines on every command.
pub const GLOBAL_FLAGS: &[&str] = &[
    "page-size",
    "profile",
    "base-url",
    "environment",
    "org",
    "output",
    "help",
    "body-file",
    "all",
    "file",
];

#[derive(Debug)]
enum Input {
    /// A path or query parameter: `--flag VALUE` (repeatable for arrays).
    Param {
        field: syn::Ident,
        flag: String,
        ty: TokenStream,
        required: bool,
        array: bool,
        help: String,
        sample: Option<Vec<String>>,
    },
    /// The JSON body, from `--body-file PATH` or `-` (stdin), and from a
    /// flag per simple top-level field.
    Body {
        ty: TokenStream,
        required: bool,
        sample: Value,
        fields: Vec<BodyField>,
    },
    /// A multipart file: `--file PATH`, streamed.
    File,
}

/// A top-level body field set from its own flag.
#[derive(Debug)]
struct BodyField {
    flag: String,
    json_name: String,
    /// `Text` (a JSON string), `Json` (a number or boolean as typed), or
    /// the `…List` of either (repeatable).
    kind: &'static str,
    help: String,
}

struct Op<'a> {
    row: &'a Row,
    op: &'a Operation,
    group: String,
    action: String,
}

/// The command tree and the dispatch (`commands.rs`); the command list and
/// the sample invocations the coverage test runs against Prism
/// (`command_list.rs`, for tests).
pub fn tokens(doc: &Document, sdk: &syn::File, rows: &[Row]) -> Result<(TokenStream, TokenStream)> {
    let builders = builder_structs(sdk);
    let ops = commands_of(doc, rows)?;
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for op in &ops {
        *seen
            .entry((op.group.clone(), op.action.clone()))
            .or_default() += 1;
    }
    let mut groups: BTreeMap<String, Vec<(String, TokenStream)>> = BTreeMap::new();
    let mut arms = Vec::new();
    let mut list = Vec::new();
    let mut samples = Vec::new();
    for op in &ops {
        let name = if seen[&(op.group.clone(), op.action.clone())] > 1 {
            op.row.rust_name.to_kebab_case()
        } else {
            op.action.clone()
        };
        let context = format!(
            "{} ({} {})",
            op.row.operation_id, op.row.method, op.row.path
        );
        let struct_name = op.row.rust_name.to_upper_camel_case();
        let builder = builders
            .get(&struct_name)
            .ok_or_else(|| anyhow!("{context}: no builder {struct_name}"))?;
        let send = builder
            .send
            .ok_or_else(|| anyhow!("{context}: no `send` on builder {struct_name}"))?;
        let inputs = inputs(doc, op.op, &builder.fields).with_context(|| context.clone())?;
        let (definition, arm, sample) =
            command(op, &name, &inputs, send).with_context(|| context.clone())?;
        groups
            .entry(op.group.clone())
            .or_default()
            .push((name.clone(), definition));
        arms.push(arm);
        let (group, rust_name) = (&op.group, &op.row.rust_name);
        list.push(quote!((#group, #name, #rust_name)));
        samples.push(sample);
    }
    let group_defs = groups.iter().map(|(group, commands)| {
        let about = group_about(doc, group);
        let defs = commands.iter().map(|(_, d)| d);
        quote! {
            clap::Command::new(#group)
                .about(#about)
                .subcommand_required(true)
                .arg_required_else_help(true)
                #(.subcommand(#defs))*
        }
    });
    let list = quote! {
        /// `(group, command, client method)` of every operation.
        pub const COMMANDS: &[(&str, &str, &str)] = &[#(#list),*];

        /// `(client method, arguments)`: one invocation per operation that the
        /// document accepts (the contract coverage test runs each against
        /// Prism); `{body}` stands for a body file, `{file}` for an upload.
        pub const SAMPLES: &[(&str, &[&str])] = &[#(#samples),*];
    };
    let commands = quote! {
        /// One subcommand per tag, one command per operation.
        pub fn groups() -> Vec<clap::Command> {
            vec![#(#group_defs),*]
        }

        /// Runs `certifyos <group> <command>` with `args`.
        pub async fn dispatch(
            client: &certifyos::Client,
            group: &str,
            command: &str,
            args: &super::args::Args<'_>,
            out: &mut super::output::Output,
        ) -> Result<super::output::Outcome, super::error::CliError> {
            match (group, command) {
                #(#arms)*
                _ => Err(super::error::CliError::Usage(format!("unknown command `{group} {command}`"))),
            }
        }
    };
    Ok((commands, list))
}

/// One command per row: its operation, its group (the first tag's
/// feature name) and its action (the operationId after `Controller_`, in
/// kebab case).
fn commands_of<'a>(doc: &'a Document, rows: &'a [Row]) -> Result<Vec<Op<'a>>> {
    let mut ops: Vec<Op> = Vec::new();
    for row in rows {
        let op = doc
            .operation(&row.method, &row.path)
            .ok_or_else(|| anyhow!("{} {}: not in the document", row.method, row.path))?;
        let tag = op
            .tags
            .first()
            .map(|t| crate::features::feature_name(t))
            .unwrap_or_else(|| "default".into());
        let action = row
            .operation_id
            .split_once("Controller_")
            .map(|(_, a)| a.to_string())
            .unwrap_or_else(|| row.operation_id.clone())
            .to_kebab_case();
        ops.push(Op {
            row,
            op,
            group: tag,
            action,
        });
    }
    Ok(ops)
}

fn group_about(doc: &Document, group: &str) -> String {
    doc.tags
        .iter()
        .find(|t| crate::features::feature_name(&t.name) == group)
        .and_then(|t| t.description.clone())
        .unwrap_or_else(|| format!("Operations tagged {group}"))
}

/// One builder of the client: its fields (name, type; `client` left out)
/// and what its `send()` returns.
#[derive(Default)]
struct Builder {
    fields: Vec<(String, syn::Type)>,
    send: Option<Send>,
}

/// Every builder struct, by name, read in one pass over the `builder` module.
fn builder_structs(sdk: &syn::File) -> BTreeMap<String, Builder> {
    let mut out: BTreeMap<String, Builder> = BTreeMap::new();
    for item in crate::surface::module(sdk, "builder").into_iter().flatten() {
        match item {
            syn::Item::Struct(s) => {
                out.entry(s.ident.to_string()).or_default().fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .filter(|(name, _)| name != "client")
                    .collect();
            }
            syn::Item::Impl(imp) => {
                let syn::Type::Path(p) = &*imp.self_ty else {
                    continue;
                };
                let Some(name) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                for member in &imp.items {
                    if let syn::ImplItem::Fn(f) = member {
                        if f.sig.ident == "send" {
                            let output = f.sig.output.to_token_stream().to_string();
                            out.entry(name.clone()).or_default().send =
                                Some(if output.contains("BulkOutcome") {
                                    Send::Bulk
                                } else {
                                    Send::Value
                                });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The generic arguments of `ty` if it is `name<..>` (by last segment).
fn generic_args<'a>(ty: &'a syn::Type, name: &str) -> Option<Vec<&'a syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

/// The type as the CLI crate names it: `crate::…`/`types::…` → `certifyos::…`;
/// a builder type (`types::builder::X`) → the type it builds (`types::X`).
fn public_type(ty: &syn::Type) -> TokenStream {
    rewrite_paths(ty.to_token_stream())
}

fn rewrite_paths(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Ident, Punct, Spacing, Span, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let is_colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    let mut out: Vec<TokenTree> = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        let after_path_sep = i >= 2 && is_colon(trees.get(i - 1)) && is_colon(trees.get(i - 2));
        match &trees[i] {
            TokenTree::Ident(id) if id == "crate" && !after_path_sep => {
                out.push(TokenTree::Ident(Ident::new("certifyos", Span::call_site())));
            }
            TokenTree::Ident(id) if id == "types" && !after_path_sep => {
                out.push(TokenTree::Ident(Ident::new("certifyos", Span::call_site())));
                out.push(TokenTree::Punct(Punct::new(':', Spacing::Joint)));
                out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
                out.push(trees[i].clone());
            }
            // `types::builder::X` → `types::X`: the CLI passes the built type.
            TokenTree::Ident(id)
                if id == "builder"
                    && after_path_sep
                    && matches!(trees.get(i - 3), Some(TokenTree::Ident(t)) if t == "types") =>
            {
                i += 3; // `builder` and the `::` after it
                continue;
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), rewrite_paths(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn is_vec(ty: &syn::Type) -> bool {
    generic_args(ty, "Vec").is_some()
}

fn inputs(doc: &Document, op: &Operation, fields: &[(String, syn::Type)]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for (field, ty) in fields {
        let inner = value_type(field, ty)?;
        if generic_args(inner, "Upload").is_none()
            && inner.to_token_stream().to_string().ends_with("Upload")
        {
            out.push(Input::File);
            continue;
        }
        if field == "body" {
            let schema = op
                .json_body()
                .ok_or_else(|| anyhow!("a `body` setter without a JSON request body"))?;
            out.push(Input::Body {
                ty: public_type(inner),
                required: op.body_required(),
                sample: crate::contract::example(doc, schema, false, 0),
                fields: Vec::new(),
            });
            continue;
        }
        let (schema, description, required) = field_source(doc, op, field)?;
        let flag = field.to_kebab_case();
        if GLOBAL_FLAGS.contains(&flag.as_str()) {
            bail!("parameter `--{flag}` would shadow the CLI's own flag of that name");
        }
        let mut help = first_sentence(description);
        help.push_str(&values_hint(doc, schema));
        let sample = required.then(|| sample_values(doc, schema));
        out.push(Input::Param {
            field: syn::Ident::new(field, proc_macro2::Span::call_site()),
            flag,
            ty: public_type(inner),
            required,
            array: is_vec(inner),
            help: help.trim().to_string(),
            sample,
        });
    }
    let taken: Vec<String> = out
        .iter()
        .filter_map(|i| match i {
            Input::Param { flag, .. } => Some(flag.clone()),
            _ => None,
        })
        .collect();
    if let Some(schema) = op.json_body() {
        for input in &mut out {
            if let Input::Body { fields, .. } = input {
                *fields = body_fields(doc, schema, &taken);
            }
        }
    }
    Ok(out)
}

/// The value a builder field holds. Generated builders:
/// `Result<Option<T>, String>` / `Result<T, String>`; hand-written:
/// `Option<T>` / `Option<Result<T, String>>`. Whether a value is required
/// is the document's to say, not the setter's shape.
fn value_type<'a>(field: &str, ty: &'a syn::Type) -> Result<&'a syn::Type> {
    if let Some(args) = generic_args(ty, "Result") {
        Ok(generic_args(args[0], "Option").map_or(args[0], |o| o[0]))
    } else if let Some(args) = generic_args(ty, "Option") {
        Ok(generic_args(args[0], "Result").map_or(args[0], |r| r[0]))
    } else {
        bail!(
            "builder field `{field}`: unexpected type {}",
            ty.to_token_stream()
        );
    }
}

/// What a builder field sets: the parameter of that name, else the
/// multipart form field — its schema, description, and whether it is
/// required (path parameters always are).
fn field_source<'a>(
    doc: &'a Document,
    op: &'a Operation,
    field: &str,
) -> Result<(&'a Schema, &'a str, bool)> {
    static ANY: Schema = Schema::EMPTY;
    let param = op
        .parameters
        .iter()
        .find(|p| heck::ToSnakeCase::to_snake_case(p.name.as_str()) == *field);
    if let Some(p) = param {
        return Ok((
            p.schema.as_ref().unwrap_or(&ANY),
            p.description.as_deref().unwrap_or_default(),
            p.required || p.location == "path",
        ));
    }
    let Some(form) = op.multipart().and_then(|m| m.schema.as_ref()) else {
        bail!("builder field `{field}`: no parameter of that name");
    };
    let form = doc.resolve(form);
    let (name, property) = form
        .properties()
        .find(|(n, _)| heck::ToSnakeCase::to_snake_case(n.as_str()) == *field)
        .ok_or_else(|| anyhow!("builder field `{field}`: no parameter or form field"))?;
    Ok((
        property,
        property.description.as_deref().unwrap_or_default(),
        form.requires(name),
    ))
}

/// The body's top-level fields of a simple type (strings, enums, numbers,
/// booleans, and lists of them), each a flag named by the field in kebab
/// case; a field whose flag a parameter or the CLI already uses has none
/// (it is set through `--body-file`), and so has a secret (`client_secret`).
fn body_fields(doc: &Document, schema: &Schema, taken: &[String]) -> Vec<BodyField> {
    let schema = doc.resolve(schema);
    let simple = |s: &Schema| -> Option<&'static str> {
        let s = doc.unwrap(s);
        let string_enum = s
            .enum_values
            .as_ref()
            .is_some_and(|values| values.iter().all(Value::is_string));
        match s.ty.as_deref() {
            Some("string") => Some("Text"),
            Some("integer" | "number" | "boolean") => Some("Json"),
            // The document's enums often give no `type`.
            None if string_enum => Some("Text"),
            _ => None,
        }
    };
    let mut out = Vec::new();
    for (name, property) in schema.properties() {
        let resolved = doc.unwrap(property);
        let kind = match resolved.ty.as_deref() {
            Some("array") => match resolved.items.as_deref().and_then(&simple) {
                Some("Text") => "TextList",
                Some(_) => "JsonList",
                None => continue,
            },
            _ => match simple(resolved) {
                Some(kind) => kind,
                None => continue,
            },
        };
        let flag = name.to_kebab_case();
        // A secret as a flag would sit in `ps` and shell history: secrets
        // come through the body file (or stdin).
        if GLOBAL_FLAGS.contains(&flag.as_str())
            || taken.contains(&flag)
            || crate::surface::redact::is_secret_name(name)
        {
            continue;
        }
        let description = property
            .description
            .as_deref()
            .or(resolved.description.as_deref())
            .unwrap_or_default();
        let help = format!(
            "Body field `{name}`: {}{}",
            first_sentence(description),
            values_hint(doc, property)
        );
        out.push(BodyField {
            flag,
            json_name: name.clone(),
            kind,
            help: help.trim_end_matches([' ', ':']).to_string(),
        });
    }
    out
}

/// ` [values: A, B; others are passed through]` for an enum, or a list of
/// one (through `$ref`s and `allOf` wrappers); empty otherwise.
fn values_hint(doc: &Document, schema: &Schema) -> String {
    let schema = doc.unwrap(schema);
    let values = schema.enum_values.as_ref().or_else(|| {
        schema
            .items
            .as_deref()
            .and_then(|items| doc.unwrap(items).enum_values.as_ref())
    });
    match values {
        Some(values) => format!(
            " [values: {}; others are passed through]",
            values
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    }
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(200).collect()
}

/// The example value of a parameter as command-line values.
fn sample_values(doc: &Document, schema: &Schema) -> Vec<String> {
    let to_arg = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match crate::contract::example(doc, schema, false, 0) {
        Value::Array(items) => items.iter().map(to_arg).collect(),
        other => vec![to_arg(&other)],
    }
}

/// The clap definition, the dispatch arm and the sample invocation.
fn command(
    op: &Op<'_>,
    name: &str,
    inputs: &[Input],
    send: Send,
) -> Result<(TokenStream, TokenStream, TokenStream)> {
    let (about, long) = help(op);
    let group = &op.group;
    let method = syn::Ident::new(&op.row.rust_name, proc_macro2::Span::call_site());
    let mut flags = Flags {
        args: Vec::new(),
        sets: Vec::new(),
        sample: vec![op.group.clone(), name.to_string()],
    };
    for input in inputs {
        flags.add(input);
    }
    if op.row.paginated {
        flags.paging();
    }
    let Flags { args, sets, sample } = flags;
    let finish = match (op.row.paginated, send) {
        (true, _) => quote! {
            if args.flag("all") {
                return out.stream(call.stream()).await;
            }
            out.value(&call.send().await?)
        },
        (false, Send::Bulk) => quote! { out.bulk(call.send().await?) },
        (false, Send::Value) => quote! { out.value(&call.send().await?) },
    };
    let definition = quote! {
        clap::Command::new(#name).about(#about).long_about(#long)
            #(.arg(#args))*
    };
    let binding = if sets.is_empty() {
        quote!(let call)
    } else {
        quote!(let mut call)
    };
    let arm = quote! {
        (#group, #name) => {
            #binding = client.#method();
            #(#sets)*
            #finish
        }
    };
    let rust_name = &op.row.rust_name;
    let sample = quote!((#rust_name, &[#(#sample),*]));
    Ok((definition, arm, sample))
}

/// A command's `about` (the summary, else the description's first
/// sentence) and `long_about` (both, then the method, path and client method).
fn help(op: &Op<'_>) -> (String, String) {
    let summary = op.op.summary.as_deref().unwrap_or_default();
    let description = op.op.description.as_deref().unwrap_or_default();
    let about = if summary.is_empty() {
        first_sentence(description)
    } else {
        summary.to_string()
    };
    let long = format!(
        "{}{}{}\n\n{} {} (client method `{}`)",
        summary,
        if summary.is_empty() || description.is_empty() {
            ""
        } else {
            "\n\n"
        },
        description,
        op.row.method,
        op.row.path,
        op.row.rust_name
    );
    (about, long)
}

/// A command's flags, how each sets the call, and a sample invocation.
struct Flags {
    args: Vec<TokenStream>,
    sets: Vec<TokenStream>,
    sample: Vec<String>,
}

impl Flags {
    fn add(&mut self, input: &Input) {
        let Flags { args, sets, sample } = self;
        match input {
            Input::Param {
                field,
                flag,
                ty,
                required,
                array,
                help,
                sample: example,
            } => {
                let action = if *array {
                    quote!(clap::ArgAction::Append)
                } else {
                    quote!(clap::ArgAction::Set)
                };
                let value_name = flag.to_uppercase().replace('-', "_");
                args.push(quote! {
                    clap::Arg::new(#flag).long(#flag).value_name(#value_name).required(#required).action(#action).help(#help)
                });
                let get = if *array { quote!(many) } else { quote!(one) };
                sets.push(if *required {
                    quote! { call = call.#field(args.#get::<#ty>(#flag)?.ok_or_else(|| super::error::CliError::missing(#flag))?); }
                } else {
                    quote! { if let Some(value) = args.#get::<#ty>(#flag)? { call = call.#field(value); } }
                });
                if *required {
                    for value in example.iter().flatten() {
                        sample.push(format!("--{flag}"));
                        sample.push(value.clone());
                    }
                }
            }
            Input::Body {
                ty,
                required,
                sample: example,
                fields,
            } => {
                args.push(quote! {
                    clap::Arg::new("body-file").long("body-file").value_name("PATH")
                        .help("The JSON request body: a file, or - for stdin; the body-field flags set fields over it. Checked against the request type before anything is sent")
                });
                let mut field_refs = Vec::new();
                for field in fields {
                    let (flag, json_name, help) = (&field.flag, &field.json_name, &field.help);
                    let kind = syn::Ident::new(field.kind, proc_macro2::Span::call_site());
                    let action = if field.kind.ends_with("List") {
                        quote!(clap::ArgAction::Append)
                    } else {
                        quote!(clap::ArgAction::Set)
                    };
                    let value_name = flag.to_uppercase().replace('-', "_");
                    args.push(quote! {
                        clap::Arg::new(#flag).long(#flag).value_name(#value_name).action(#action).help(#help)
                            .help_heading("Body fields")
                    });
                    field_refs.push(quote!((#flag, #json_name, super::args::Field::#kind)));
                }
                let missing = if *required {
                    quote! { else { return Err(super::error::CliError::Usage("a body is required: --body-file PATH (or -), or the body-field flags".into())); } }
                } else {
                    quote!()
                };
                sets.push(quote! {
                    if let Some(body) = args.body::<#ty>(&[#(#field_refs),*])? { call = call.body(body); } #missing
                });
                sample.push("--body-file".into());
                sample.push(format!("{{body}}{}", example));
            }
            Input::File => {
                args.push(quote! {
                    clap::Arg::new("file").long("file").value_name("PATH").required(true)
                        .help("The file to upload (streamed from disk)")
                });
                sets.push(quote! { call = call.file(args.upload("file")?); });
                sample.push("--file".into());
                sample.push("{file}".into());
            }
        }
    }

    /// `--all` and `--page-size` of a paginated operation.
    fn paging(&mut self) {
        let Flags { args, sets, .. } = self;
        args.push(quote! {
            clap::Arg::new("all").long("all").action(clap::ArgAction::SetTrue)
                .help("Page through every item and print each as one JSON line (NDJSON)")
        });
        args.push(quote! {
            clap::Arg::new("page-size").long("page-size").value_name("N").requires("all")
                .help("Items per request with --all (the library's default: 100)")
        });
        sets.push(quote! {
            if let Some(size) = args.one::<u64>("page-size")? { call = call.page_size(size); }
        });
    }
}

/// What a builder's `send()` returns (from its signature in the client).
#[derive(Clone, Copy)]
enum Send {
    Value,
    Bulk,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(ty: &str) -> String {
        public_type(&syn::parse_str(ty).unwrap()).to_string()
    }

    #[test]
    fn types_are_named_from_outside_the_client() {
        assert_eq!(
            rewritten("crate::types::EventType"),
            "certifyos :: types :: EventType"
        );
        assert_eq!(
            rewritten("types::builder::CreateWebhooksDto"),
            "certifyos :: types :: CreateWebhooksDto"
        );
        assert_eq!(
            rewritten("::std::vec::Vec<types::UsState>"),
            ":: std :: vec :: Vec < certifyos :: types :: UsState >"
        );
        assert_eq!(
            rewritten("::std::string::String"),
            ":: std :: string :: String"
        );
    }

    #[test]
    fn commands_are_named_by_tag_and_action_with_collisions_spelled_out() {
        let doc = serde_json::json!({
            "paths": {
                "/a": {"post": {"operationId": "ProfessionalIdsV2Controller_create", "tags": ["v2/provider"]}},
                "/b": {"post": {"operationId": "SpecialtiesV2Controller_create", "tags": ["v2/provider"]}},
                "/c": {"get": {"operationId": "WebhooksController_fetchAll", "tags": ["Webhooks"]}}
            }
        });
        let doc = Document::read(&doc);
        let rows = crate::operations::table(&doc).unwrap();
        let sdk: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct ProfessionalIdsV2Create<'a> { client: &'a super::Client }
                impl<'a> ProfessionalIdsV2Create<'a> { pub async fn send(self) -> crate::Result<()> { todo!() } }
                pub struct SpecialtiesV2Create<'a> { client: &'a super::Client }
                impl<'a> SpecialtiesV2Create<'a> { pub async fn send(self) -> crate::Result<()> { todo!() } }
                pub struct WebhooksFetchAll<'a> { client: &'a super::Client }
                impl<'a> WebhooksFetchAll<'a> { pub async fn send(self) -> crate::Result<()> { todo!() } }
            }
        };
        let (_, list) = tokens(&doc, &sdk, &rows).unwrap();
        let list = list.to_string();
        assert!(
            list.contains(
                r#"("v2-provider" , "professional-ids-v2-create" , "professional_ids_v2_create")"#
            ),
            "{list}"
        );
        assert!(
            list.contains(r#"("v2-provider" , "specialties-v2-create" , "specialties_v2_create")"#),
            "{list}"
        );
        assert!(
            list.contains(r#"("webhooks" , "fetch-all" , "webhooks_fetch_all")"#),
            "{list}"
        );
    }

    #[test]
    fn simple_body_fields_get_flags_and_the_rest_do_not() {
        let doc = serde_json::json!({"components": {"schemas": {
            "Kind": {"enum": ["A", "B"]},
            "Body": {"type": "object", "properties": {
                "name": {"type": "string"},
                "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "description": "Which one"},
                "kinds": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}},
                "count": {"type": "integer"},
                "nested": {"type": "object"},
                "output": {"type": "string"},
                "id": {"type": "string"},
                "client_secret": {"type": "string"}
            }}
        }}});
        let body = Schema::read(
            &serde_json::json!({"$ref": "#/components/schemas/Body"}),
            "",
        );
        let fields = body_fields(&Document::read(&doc), &body, &["id".to_string()]);
        let got: Vec<(&str, &str)> = fields.iter().map(|f| (f.flag.as_str(), f.kind)).collect();
        assert_eq!(
            got,
            [
                ("name", "Text"),
                ("kind", "Text"),
                ("kinds", "TextList"),
                ("count", "Json")
            ]
        );
        assert_eq!(
            fields[1].help,
            "Body field `kind`: Which one [values: A, B; others are passed through]"
        );
    }
}
