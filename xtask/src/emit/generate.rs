//! The generator: normalized document → progenitor → formatted Rust files.

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::{anyhow, Context, Result};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;

use crate::document::Document;
use crate::open_enum::{self, OpenEnum};
use crate::operations;

/// The exact versions `Cargo.toml` pins; a test checks they agree with Cargo.lock.
pub const PROGENITOR_IMPL_VERSION: &str = "0.15.1";
pub const TYPIFY_VERSION: &str = "0.8.0";

/// The library's generated files.
pub const SDK_DIR: &str = "generated";
/// The mock crate's (`certifyos-mock`): inside it, so that it packages them.
pub const MOCK_DIR: &str = "mock/generated";

/// The command-line crate's (`certifyos-cli`).
pub const CLI_DIR: &str = "cli/generated";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its directory, relative to the project root: [`SDK_DIR`] or [`MOCK_DIR`].
    pub dir: &'static str,
    pub name: &'static str,
    pub contents: String,
}

/// A part of a hand-kept file that codegen owns, between its markers:
/// `Cargo.toml`'s `[features]`, the README's features table.
#[derive(Debug, Clone)]
pub struct Block {
    /// The file, relative to the project root.
    pub file: &'static str,
    /// What the block is, for `--check`'s report.
    pub what: &'static str,
    /// The block, markers included.
    pub text: String,
    splice: fn(&str, &str) -> Result<String>,
}

impl Block {
    /// `current` (the file's text) with this block in place of its old one.
    pub fn apply(&self, current: &str) -> Result<String> {
        (self.splice)(current, &self.text)
    }
}

/// Everything `cargo xtask codegen` writes, computed once from the
/// normalized document: the caller only writes or compares it.
#[derive(Debug)]
pub struct Generated {
    /// Whole files: `generated/`, `mock/generated/`, `cli/generated/`.
    pub files: Vec<File>,
    /// Parts of hand-kept files.
    pub blocks: Vec<Block>,
    /// `spec/enum-names.json`.
    pub enum_names: String,
    /// What the surface steps did.
    pub surface: crate::surface::Report,
    /// The document's tags, one cargo feature each.
    pub tags: Vec<crate::features::Tag>,
    /// The operations table.
    pub operations: Vec<operations::Row>,
}

/// Wall time of each phase, for the command's own report.
#[derive(Debug, Default)]
pub struct Timings(pub Vec<(&'static str, std::time::Duration)>);

impl Timings {
    pub fn measure<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let result = f();
        self.0.push((phase, start.elapsed()));
        result
    }
}

/// Everything codegen writes, made from a normalized document; records how
/// long progenitor, parsing its tokens and formatting took.
pub fn generate(normalized: &Value, spec_sha256: &str, timings: &mut Timings) -> Result<Generated> {
    let document = Document::read(normalized);
    let open_enums = open_enum::collect(&document)?;
    let tokens = timings.measure("progenitor", || progenitor_tokens(normalized, &open_enums))?;
    let mut sdk: syn::File = timings
        .measure("parse", || syn::parse2(tokens))
        .context("progenitor produced tokens that do not parse as Rust")?;
    add_open_enums(&mut sdk, &open_enums)?;
    allow_unused_default_helpers(&mut sdk);
    let rows = operations::table(&document)?;
    let surface =
        crate::surface::apply(&mut sdk, &document, &rows).context("shaping the public surface")?;
    let document_names: syn::File = syn::parse2(crate::names::tokens(&document, &rows)?)
        .context("the names from the document do not parse")?;
    let table: syn::File =
        syn::parse2(operations::tokens(&rows)?).context("operations table does not parse")?;
    let secrets: syn::File = syn::parse2(secret_fields_tokens(&document, &surface.reach.builders)?)
        .context("secret field list does not parse")?;
    let decoders: syn::File = syn::parse2(crate::contract::decoder_tokens(&document, &sdk)?)
        .context("decoder list does not parse")?;
    let encoders: syn::File = syn::parse2(crate::contract::encoder_tokens(&document, &sdk)?)
        .context("encoder list does not parse")?;
    let calls: syn::File = syn::parse2(crate::contract::tokens(&document, &sdk)?)
        .context("contract calls do not parse")?;
    let (commands, command_list) = crate::cli::tokens(&document, &sdk, &rows)?;
    let commands: syn::File =
        syn::parse2(commands).context("the command-line commands do not parse")?;
    let command_list: syn::File =
        syn::parse2(command_list).context("the command list does not parse")?;
    let sdk = timings.measure("format", || render(&sdk, spec_sha256));
    let names = open_enums
        .iter()
        .map(|e| quote::format_ident!("{}", e.name)); // names checked by open_enum::collect
    let list: syn::File = syn::parse2(quote::quote! {
        // Every open enum in `types`, for tests that must cover all of them:
        // the includer defines the `open_enums!` macro.
        open_enums! { #(#names),* }
    })
    .context("open enum list does not parse")?;
    let mock_tokens = timings.measure("progenitor httpmock", || {
        progenitor_mock_tokens(normalized, &open_enums)
    })?;
    let mock = crate::mock::tokens(&document, mock_tokens).context("typed mocks")?;
    let rendered = |dir, name, file: &syn::File| File {
        dir,
        name,
        contents: render(file, spec_sha256),
    };
    let files = vec![
        File {
            dir: SDK_DIR,
            name: "sdk.rs",
            contents: sdk,
        },
        rendered(SDK_DIR, "contract_calls.rs", &calls),
        rendered(SDK_DIR, "open_enums.rs", &list),
        rendered(SDK_DIR, "operations.rs", &table),
        rendered(SDK_DIR, "names.rs", &document_names),
        rendered(SDK_DIR, "secret_fields.rs", &secrets),
        rendered(SDK_DIR, "decoders.rs", &decoders),
        rendered(SDK_DIR, "encoders.rs", &encoders),
        rendered(CLI_DIR, "commands.rs", &commands),
        rendered(CLI_DIR, "command_list.rs", &command_list),
        rendered(MOCK_DIR, "mock.rs", &mock),
    ];
    let tags = crate::features::tags(&document)?;
    let Some(regex) = &surface.reach.regex_features else {
        return Err(anyhow!(
            "a type every build compiles checks a pattern with regress: make regress a \
             non-optional dependency in Cargo.toml (today only some features enable it)"
        ));
    };
    let blocks = vec![
        Block {
            file: "Cargo.toml",
            what: "its generated [features] differ from the document's tags",
            text: crate::features::cargo_block(&tags, regex),
            splice: |text, block| crate::features::replace_block(text, block, "Cargo.toml"),
        },
        Block {
            file: "README.md",
            what: "its table of features differs from the document's tags and types",
            text: crate::features::readme_block(&tags, &surface.reach.unreached),
            splice: crate::features::replace_readme_block,
        },
    ];
    Ok(Generated {
        files,
        blocks,
        enum_names: crate::spec::EnumNameTable::render(&document.open_enum_table()),
        surface,
        tags,
        operations: rows,
    })
}

/// `generated/secret_fields.rs` (tests only): every type with a secret field,
/// a JSON instance of it with each secret set to a marker, the secret
/// properties, and `builder` when the type has one; the includer defines
/// `secret_fields!`.
fn secret_fields_tokens(
    doc: &Document,
    builders: &std::collections::BTreeSet<String>,
) -> Result<TokenStream> {
    let mut by_schema: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for secret in crate::surface::redact::secret_fields(doc) {
        by_schema
            .entry(secret.schema)
            .or_default()
            .push(secret.property);
    }
    let mut entries = Vec::new();
    for (schema, properties) in &by_schema {
        let pointer = format!("/components/schemas/{}", crate::pointer::escape(schema));
        let definition = doc
            .schema(schema)
            .ok_or_else(|| anyhow!("{pointer}: missing"))?;
        let mut instance = crate::contract::example(doc, definition, true, 0);
        for property in properties {
            let marker = format!("SECRET-MARKER-{schema}-{property}");
            let value = if definition
                .property(property)
                .is_some_and(|p| p.is("object"))
            {
                serde_json::json!({ "X-Api-Key": marker })
            } else {
                Value::String(marker)
            };
            instance[property.as_str()] = value;
        }
        let ident = crate::model::ident(schema, &pointer)?;
        let json = instance.to_string();
        let builder = builders
            .contains(&ident.to_string())
            .then(|| quote::quote!(, builder));
        entries.push(quote::quote! { (#ident, #json, [#(#properties),*] #builder) });
    }
    Ok(quote::quote! {
        // Every generated type with a field the document calls a secret, a
        // JSON instance with each secret set to a marker, and those fields.
        secret_fields! { #(#entries),* }
    })
}

fn render(file: &syn::File, spec_sha256: &str) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from the CertifyOS OpenAPI document. DO NOT EDIT.\n\
         // spec-sha256: {spec_sha256}\n\
         // generator: progenitor-impl {PROGENITOR_IMPL_VERSION}, typify {TYPIFY_VERSION}, xtask normalization (see xtask/src/load/normalize)\n\
         \n{}",
        prettyplease::unparse(file)
    )
}

/// progenitor's settings for the client; the open enums are replaced by ours,
/// named by `open_enum_path`.
fn settings(open_enums: &[OpenEnum], open_enum_path: fn(&str) -> String) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    // The facade (src/transport.rs) implements the hooks: organization-id,
    // auth, retries and tracing live in `crate::Inner`, not in each call.
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::Inner))
        .with_hooks(HooksMode::Expected);
    for e in open_enums {
        settings.with_replacement(
            &e.name,
            open_enum_path(&e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

fn progenitor_tokens(normalized: &Value, open_enums: &[OpenEnum]) -> Result<TokenStream> {
    let spec = to_openapi(normalized)?;
    let settings = settings(open_enums, sdk_open_enum_path);
    match quietly(|| Generator::new(&settings).generate_tokens(&spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(anyhow!("progenitor: {e}")),
        Err(panic) => {
            let place =
                locate_panic(normalized, &settings).unwrap_or_else(|| "the whole document".into());
            Err(anyhow!("progenitor panicked on {place}: {panic}"))
        }
    }
}

fn sdk_open_enum_path(name: &str) -> String {
    format!("crate::types::{name}")
}

/// progenitor's httpmock extension for the same document and settings, with
/// the client's types named from the mock crate.
fn progenitor_mock_tokens(normalized: &Value, open_enums: &[OpenEnum]) -> Result<TokenStream> {
    let spec = to_openapi(normalized)?;
    let settings = settings(open_enums, crate::mock::open_enum_path);
    match quietly(|| Generator::new(&settings).httpmock(&spec, crate::mock::crate_path())) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(anyhow!("progenitor (httpmock): {e}")),
        Err(panic) => Err(anyhow!("progenitor (httpmock) panicked: {panic}")),
    }
}

fn to_openapi(doc: &Value) -> Result<OpenAPI> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let pointer = e.path().iter().map(|s| format!("/{s}")).collect::<String>();
        anyhow!("normalized document at {pointer}: {}", e.inner())
    })
}

/// progenitor's tokens for a small document, with the settings codegen uses.
#[cfg(test)]
pub fn progenitor_tokens_for_tests(doc: &Value) -> TokenStream {
    progenitor_tokens(doc, &[]).expect("progenitor generates the test document")
}

thread_local! {
    /// Set while this thread runs progenitor inside [`quietly`].
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once per process, a panic hook that stays silent for threads
/// inside [`quietly`] and hands every other panic to the hook it replaced.
/// The hook is never swapped back and forth: tests running in parallel keep
/// their own panic messages.
fn install_quiet_hook() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message without printing it.
fn quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    install_quiet_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into())
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

fn panics(doc: &Value, settings: &GenerationSettings) -> bool {
    let Ok(spec) = to_openapi(doc) else {
        return false;
    };
    quietly(|| Generator::new(settings).generate_tokens(&spec)).is_err()
}

/// After a panic, finds what caused it by generating smaller documents: the
/// component schemas alone (then each schema with what it references), then
/// each operation alone.
fn locate_panic(doc: &Value, settings: &GenerationSettings) -> Option<String> {
    let without_paths = crate::model::without_paths(doc);
    if panics(&without_paths, settings) {
        for (name, single) in crate::model::single_schema_documents(doc, &without_paths) {
            if panics(&single, settings) {
                return Some(format!(
                    "component schema {name} (/components/schemas/{name})"
                ));
            }
        }
        return Some("the component schemas".into());
    }
    for (operation, single) in crate::model::single_operation_documents(doc, &without_paths) {
        if panics(&single, settings) {
            return Some(format!("operation {operation}"));
        }
    }
    None
}

/// typify emits its generic default helpers (`default_i64`, …) whether or not
/// the document uses them; the unused ones would warn in every build.
fn allow_unused_default_helpers(sdk: &mut syn::File) {
    let types = sdk.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    for item in types.into_iter().flat_map(|t| t.1.iter_mut()) {
        if let syn::Item::Mod(m) = item {
            if m.ident == "defaults" {
                m.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
            }
        }
    }
}

/// Puts the open enums (and their shared unknown-value type) into progenitor's
/// `types` module, where typify's replacements point.
fn add_open_enums(sdk: &mut syn::File, open_enums: &[OpenEnum]) -> Result<()> {
    if open_enums.is_empty() {
        return Ok(());
    }
    let types = sdk
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's output has no `types` module"))?;
    let mut tokens = open_enum::unknown_value_tokens();
    for e in open_enums {
        tokens.extend(open_enum::tokens(e));
    }
    let items: syn::File = syn::parse2(tokens).context("open enum code does not parse")?;
    types.1.extend(items.items);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tiny(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn pinned_versions_match_cargo_lock() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        for (name, version) in [
            ("progenitor-impl", PROGENITOR_IMPL_VERSION),
            ("typify", TYPIFY_VERSION),
        ] {
            let entry = format!("name = \"{name}\"\nversion = \"{version}\"");
            assert!(
                lock.contains(&entry),
                "Cargo.lock does not have {name} {version}"
            );
        }
    }

    #[test]
    fn a_panic_inside_progenitor_names_the_operation() {
        // progenitor asserts that path parameters are required.
        let doc = tiny(
            json!({
                "/ok": {"get": {"operationId": "fine", "responses": {"200": {"description": ""}}}},
                "/x/{id}": {"get": {"operationId": "broken", "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}], "responses": {"200": {"description": ""}}}}
            }),
            json!({}),
        );
        let msg = generate(&doc, "0", &mut Timings::default())
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("progenitor panicked on operation broken (GET /x/{id}): "),
            "{msg}"
        );
    }

    #[test]
    fn a_panic_inside_typify_names_the_schema() {
        // typify cannot name variants of an enum with duplicate values.
        let doc = tiny(
            json!({}),
            json!({"Fine": {"type": "string"}, "Dup": {"type": "string", "enum": ["a", "a"]}}),
        );
        let msg = generate(&doc, "0", &mut Timings::default())
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with(
                "progenitor panicked on component schema Dup (/components/schemas/Dup): "
            ),
            "{msg}"
        );
    }

    #[test]
    fn a_document_openapiv3_rejects_names_the_pointer() {
        let mut doc = tiny(json!({}), json!({}));
        doc["info"].as_object_mut().unwrap().remove("version");
        let msg = generate(&doc, "0", &mut Timings::default())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("normalized document at /info"), "{msg}");
        assert!(msg.contains("version"), "{msg}");
    }

    #[test]
    fn quietly_silences_only_its_own_thread() {
        assert_eq!(quietly(|| panic!("inside")).unwrap_err(), "inside");
        install_quiet_hook();
        // Another thread's panic still reaches the hook that was there
        // before: the flag is per thread, not a swapped global hook.
        let other = std::thread::spawn(|| QUIET.with(std::cell::Cell::get))
            .join()
            .unwrap();
        assert!(!other);
        assert!(!QUIET.with(std::cell::Cell::get), "reset after quietly");
        assert_eq!(quietly(|| 7).unwrap(), 7);
    }
}
