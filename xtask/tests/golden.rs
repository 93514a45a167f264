//! The generator on a small checked-in document (`fixtures/mini-api.json`:
//! the shapes and defects of CertifyOS's, in a few operations) against
//! checked-in golden outputs, progenitor's expectorate style: a change in
//! what the passes or the generator emit shows up as a reviewed diff. Needs
//! nothing outside the repository.
//!
//! `UPDATE_GOLDEN=1 cargo test -p xtask --test golden` rewrites the goldens.

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::generate::{generate, Timings};
use xtask::normalize::prepare;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture() -> Value {
    let path = fixtures().join("mini-api.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Compares `actual` with the golden file `name`, or rewrites it.
fn golden(name: &str, actual: &str) {
    let path = fixtures().join("mini").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the golden file first at line {}:\n  golden: {:?}\n  now:    {:?}\n(UPDATE_GOLDEN=1 rewrites it; review the diff)",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn the_passes_change_what_the_golden_list_says() {
    let prepared = prepare(&fixture(), &Default::default()).unwrap();
    assert!(prepared.problems.is_empty(), "{:?}", prepared.problems);
    let mut text = String::new();
    for report in prepared.reports.iter().filter(|r| !r.changes.is_empty()) {
        text.push_str(&format!("{} ({:?})\n", report.name, report.stage));
        for change in &report.changes {
            text.push_str(&format!("    {change}\n"));
        }
    }
    golden("passes.txt", &text);
}

#[test]
fn the_generated_files_match_their_goldens() {
    let prepared = prepare(&fixture(), &Default::default()).unwrap();
    let generated = generate(&prepared.adapted, "fixture", &mut Timings::default()).unwrap();
    let (files, surface) = (generated.files, generated.surface);
    for file in &files {
        golden(file.name, &file.contents);
    }
    assert_eq!(surface.paginated, vec!["providers_v2_find_all".to_string()]);
    assert_eq!(surface.hand_written, 3);
    golden(
        "enum-names.json",
        &xtask::spec::EnumNameTable::render(
            &xtask::document::Document::read(&prepared.adapted).open_enum_table(),
        ),
    );
}

/// What each feature compiles, decided from reachability: the fixture's
/// webhooks, provider lists, and `ProviderHistoryDto`, which no operation
/// takes or returns.
#[test]
fn features_builders_and_unreached_types_follow_reachability() {
    let prepared = prepare(&fixture(), &Default::default()).unwrap();
    let generated = generate(&prepared.adapted, "fixture", &mut Timings::default()).unwrap();
    let (files, surface) = (generated.files, generated.surface);
    let reach = &surface.reach;
    let sdk = &files.iter().find(|f| f.name == "sdk.rs").unwrap().contents;
    let gate = |ty: &str| {
        reach
            .gates
            .get(ty)
            .map(|g| g.iter().cloned().collect::<Vec<_>>())
    };

    // The token operation's types are always compiled, whatever the features.
    assert_eq!(gate("CreateApiAuthTokenDto"), None);
    assert_eq!(gate("AccessTokenV2ResponseDto"), None);
    // One tag's types behind its feature; a type two tags reach behind either.
    assert_eq!(gate("CreateWebhooksDto"), Some(vec!["webhooks".into()]));
    assert_eq!(
        gate("ProviderV2CreateWorkflowResponse"),
        Some(vec!["v2-provider".into(), "v2-providers".into()])
    );
    // Unreached: behind the opt-in feature, and what it names compiles with it.
    assert!(reach.unreached.contains("ProviderHistoryDto"));
    assert_eq!(
        gate("ProviderHistoryDto"),
        Some(vec!["unreached-schemas".into()])
    );
    assert_eq!(
        gate("ProviderDto"),
        Some(vec!["unreached-schemas".into(), "v2-providers".into()])
    );
    assert!(!reach.unreached.contains("ProviderDto"));

    // Builders: request bodies and what they reach, never response-only types.
    for built in [
        "CreateWebhooksDto",
        "ClientCredentialsConfigurationDto",
        "CreateApiAuthTokenDto",
    ] {
        assert!(reach.builders.contains(built), "{built} keeps its builder");
        assert!(
            sdk.contains(&format!("pub fn builder() -> builder::{built} {{")),
            "{built}"
        );
        assert!(sdk.contains(&format!("From<super::{built}>")), "{built}");
    }
    for plain in [
        "WebhookResponseDto",
        "AccessTokenV2ResponseDto",
        "PaginatedProvidersDto",
        "ProviderHistoryDto",
    ] {
        assert!(!reach.builders.contains(plain), "{plain} has no builder");
        assert!(!sdk.contains(&format!("builder::{plain} ")), "{plain}");
        assert!(!sdk.contains(&format!("From<super::{plain}>")), "{plain}");
    }

    // Codecs: a decoder for what a response reaches, an encoder for what a
    // request reaches and for a paged item (paging digests its JSON).
    let decodes = |ty: &str| sdk.contains(&format!("impl crate::decode::Decode for {ty} {{"));
    let encodes = |ty: &str| sdk.contains(&format!("impl crate::encode::Encode for {ty} {{"));
    for (ty, decoder, encoder) in [
        ("CreateApiAuthTokenDto", false, true),
        ("AccessTokenV2ResponseDto", true, false),
        ("WebhookResponseDto", true, false),
        ("CreateWebhooksDto", false, true),
        ("PaginatedProvidersDto", true, false),
        ("ProviderDto", true, true),
        ("ProviderHistoryDto", false, false),
    ] {
        assert_eq!(
            (decodes(ty), encodes(ty)),
            (decoder, encoder),
            "{ty}: (decoder, encoder)"
        );
        assert_eq!(reach.decoders_dropped.contains(ty), !decoder, "{ty}");
        assert_eq!(reach.encoders_dropped.contains(ty), !encoder, "{ty}");
    }

    // Operations: the method and its builder behind the tag's feature; the
    // token operation never.
    assert!(sdk.contains(
        "    #[cfg(feature = \"webhooks\")]\n    pub fn webhooks_fetch_all(&self) -> builder::WebhooksFetchAll<'_> {"
    ), "webhooks_fetch_all is gated");
    assert!(
        sdk.contains("    #[cfg(feature = \"webhooks\")]\n    pub struct WebhooksFetchAll<'a> {")
    );
    assert!(!sdk.contains("#[cfg(feature = \"auth-tokens\")]"));
    let table = &files
        .iter()
        .find(|f| f.name == "operations.rs")
        .unwrap()
        .contents;
    assert!(
        table.contains(
            "features: &[\"webhooks\"],\n        compiled: cfg!(feature = \"webhooks\"),"
        ),
        "{table}"
    );
}

/// The fixture's generated `sdk.rs`.
fn fixture_sdk() -> String {
    let prepared = prepare(&fixture(), &Default::default()).unwrap();
    let generated = generate(&prepared.adapted, "fixture", &mut Timings::default()).unwrap();
    generated
        .files
        .into_iter()
        .find(|f| f.name == "sdk.rs")
        .unwrap()
        .contents
}

/// Every generated operation builds its request synchronously and is sent
/// by the facade's one function for its kind of success, with its operation
/// id and success statuses: no operation awaits progenitor's hooks (`pre`,
/// `exec`, `post`) or anything else of its own.
#[test]
fn every_operation_is_sent_by_the_facade() {
    let sdk = &fixture_sdk();
    let requests = sdk.matches("fn request(self)").count();
    assert!(requests >= 5, "{requests} operations");
    let sent =
        sdk.matches("client.send_decoded(").count() + sdk.matches("client.send_empty(").count();
    assert_eq!(sent, requests);
    assert_eq!(sdk.matches("self.request(),").count(), requests);
    assert!(sdk.contains("(self.request(), \"webhooks_fetch_all\", &[200])"));
    for hook in [
        ".pre(&mut request",
        ".exec(request",
        ".post(&result",
        "async fn",
    ] {
        assert!(!sdk.contains(hook), "{hook}");
    }
}

/// Every decoder is `#[inline]`: compiled in the crate that decodes with
/// it, not in the library (docs/benchmarks.md has the figures).
#[test]
fn every_decoder_is_compiled_where_it_is_used() {
    let sdk = &fixture_sdk();
    let decoders = sdk.matches("impl crate::decode::Decode for").count();
    assert!(decoders >= 5, "{decoders} decoders");
    let inline = sdk
        .matches("#[inline]\n        fn decode(r: &mut crate::decode::Reader<'_>)")
        .count();
    assert_eq!(inline, decoders);
    // The encoders stay compiled in the library.
    assert!(!sdk.contains("#[inline]\n        fn encode("));
}

/// Every declaration of the header `from` in `node`, renamed `to`.
fn rename_header(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            if map.get("in").and_then(Value::as_str) == Some("header")
                && map.get("name").and_then(Value::as_str) == Some(from)
            {
                map.insert("name".into(), to.into());
            }
            map.values_mut().for_each(|v| rename_header(v, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_header(v, from, to)),
        _ => {}
    }
}

/// CertifyOS renames the tenant header: codegen finds the new name, drops
/// it from the generated methods as before, and writes it where the facade
/// reads it. Everything else it generates stays byte for byte the same.
#[test]
fn a_renamed_tenant_header_reaches_the_facade_and_changes_nothing_else() {
    let generated = |doc: &Value| {
        let prepared = prepare(doc, &Default::default()).unwrap();
        generate(&prepared.adapted, "fixture", &mut Timings::default())
            .unwrap()
            .files
    };
    let before = generated(&fixture());
    let mut renamed = fixture();
    rename_header(&mut renamed, "organization-id", "x-tenant-id");
    assert_ne!(renamed, fixture(), "the fixture declares the tenant header");
    let after = generated(&renamed);
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.name, new.name);
        if old.name == "names.rs" {
            assert!(old
                .contents
                .contains(r#"pub const TENANT_HEADER: &str = "organization-id";"#));
            assert_eq!(
                new.contents,
                old.contents.replace(
                    r#"TENANT_HEADER: &str = "organization-id""#,
                    r#"TENANT_HEADER: &str = "x-tenant-id""#
                )
            );
        } else {
            assert!(old.contents == new.contents, "{} changed", old.name);
        }
    }
}
