//! `cargo xtask docs`: build the crate's documentation as a user reads it
//! (rustdoc, `-D warnings`) and check the rendered pages say what the facade
//! is, not what progenitor generated underneath.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The variants of `certifyos::Error`, each of which its page must show.
pub const ERROR_VARIANTS: &[&str] = &[
    "Config",
    "Auth",
    "Api",
    "Transport",
    "Timeout",
    "Decode",
    "PartialFailure",
    "ResponseTooLarge",
    "PagingStalled",
    "TooManyPages",
    "DeadlineExceeded",
    "InvalidRequest",
];

/// Variants of progenitor's error, which must not be what users read.
const PROGENITOR_VARIANTS: &[&str] = &[
    "CommunicationError",
    "UnexpectedResponse",
    "InvalidResponsePayload",
];

/// Problems with the rendered docs in `dir` (`target/doc/certifyos`), one
/// line each; empty when they are right. `operations`: how many operation
/// methods the `Client` page must document.
pub fn check_rendered(dir: &Path, operations: usize) -> Result<Vec<String>> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).with_context(|| {
            format!(
                "{}: cannot read (was the crate documented?)",
                dir.join(name).display()
            )
        })
    };
    let mut problems = Vec::new();
    problems.extend(check_error_page(&read("enum.Error.html")?));
    problems.extend(check_index(&read("index.html")?));
    problems.extend(check_client_page(&read("struct.Client.html")?, operations));
    if read("webhook/struct.WebhookReceiver.html").is_err() {
        problems.push(
            "webhook/struct.WebhookReceiver.html: the webhook receiver is not documented".into(),
        );
    }
    if dir.join("struct.Inner.html").exists() {
        problems.push("struct.Inner.html: the facade's internal state is documented".into());
    }
    Ok(problems)
}

fn check_error_page(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for variant in ERROR_VARIANTS {
        if !html.contains(&format!("id=\"variant.{variant}\"")) {
            problems.push(format!("enum.Error.html: variant {variant} is missing"));
        }
    }
    for variant in PROGENITOR_VARIANTS {
        if html.contains(&format!("id=\"variant.{variant}\"")) {
            problems.push(format!(
                "enum.Error.html: shows progenitor's variant {variant}"
            ));
        }
    }
    problems
}

/// The crate root's items, by name: two items of one name is a problem.
fn check_index(html: &str) -> Vec<String> {
    // One page per item (an item is linked several times: sidebar, list).
    let mut targets: BTreeSet<&str> = BTreeSet::new();
    for piece in html.split("href=\"").skip(1) {
        let target = piece.split('"').next().unwrap_or_default();
        // Root items only: `enum.Error.html`, not `types/struct.X.html`.
        if !target.contains('/') && !target.contains('#') {
            targets.insert(target);
        }
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for target in targets {
        let parts: Vec<&str> = target.split('.').collect();
        if let [kind, name, "html"] = parts.as_slice() {
            if matches!(
                *kind,
                "struct" | "enum" | "type" | "fn" | "trait" | "macro" | "constant" | "static"
            ) {
                *names.entry(name).or_default() += 1;
            }
        }
    }
    names
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(name, count)| format!("index.html: {count} items are named {name}"))
        .collect()
}

fn check_client_page(html: &str, operations: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = html.split("class=\"docblock\"").nth(1).unwrap_or_default();
    let first_text = doc
        .split('<')
        .filter_map(|piece| piece.split_once('>').map(|(_, text)| text.trim()))
        .find(|text| !text.is_empty())
        .unwrap_or_default();
    if !first_text.starts_with("The CertifyOS API client") {
        problems.push(format!(
            "struct.Client.html: starts with {first_text:?}, not how to build a client"
        ));
    }
    if html.contains("unversioned") {
        problems.push("struct.Client.html: says \"unversioned\"".into());
    }
    for hidden in ["id=\"method.new\"", "id=\"method.new_with_client\""] {
        if html.contains(hidden) {
            problems.push(format!(
                "struct.Client.html: documents progenitor's constructor ({hidden})"
            ));
        }
    }
    // The operation methods' own sections, not the page's introduction.
    let methods: Vec<&str> = html.split("<section id=\"method.").skip(1).collect();
    let returns = methods
        .iter()
        .filter(|m| m.contains("<code>.send()</code> returns"))
        .count();
    if returns != operations {
        problems.push(format!(
            "struct.Client.html: {returns} operation methods say what they return, expected {operations}"
        ));
    }
    let errors = methods
        .iter()
        .filter(|m| m.contains("for this operation;"))
        .count();
    if errors < operations {
        problems.push(format!(
            "struct.Client.html: {errors} operation methods list their error statuses, expected {operations}"
        ));
    }
    problems
}

/// Runs rustdoc like docs.rs would (warnings are errors), then checks it.
pub fn run(root: &Path) -> Result<()> {
    let status = crate::cargo_command()
        .current_dir(root)
        .args(["doc", "--no-deps", "--workspace"])
        // The opt-in module too (docs.rs documents every feature).
        .args(["--features", "certifyos/webhook-receiver"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .context("cannot run cargo doc")?;
    if !status.success() {
        bail!("cargo doc failed ({status})");
    }
    let table = std::fs::read_to_string(root.join("generated/operations.rs"))
        .context("generated/operations.rs: cannot read")?;
    let operations = table.matches("operation_id:").count();
    let problems = check_rendered(&root.join("target/doc/certifyos"), operations)?;
    for problem in &problems {
        eprintln!("{problem}");
    }
    if !problems.is_empty() {
        bail!(
            "the rendered docs have {} problem(s), listed above",
            problems.len()
        );
    }
    println!(
        "docs: Error shows the facade's {} variants, one item per name at the root, the Client page starts with building one, {operations} operations say what they return and which errors they declare",
        ERROR_VARIANTS.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_page(variants: &[&str]) -> String {
        variants
            .iter()
            .map(|v| format!("<section id=\"variant.{v}\" class=\"variant\">"))
            .collect()
    }

    #[test]
    fn the_facades_error_page_passes_and_progenitors_fails() {
        assert!(check_error_page(&error_page(ERROR_VARIANTS)).is_empty());
        let problems = check_error_page(&error_page(&[
            "InvalidRequest",
            "CommunicationError",
            "UnexpectedResponse",
        ]));
        assert!(
            problems.contains(&"enum.Error.html: variant Config is missing".to_string()),
            "{problems:?}"
        );
        assert!(
            problems.contains(
                &"enum.Error.html: shows progenitor's variant CommunicationError".to_string()
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn two_root_items_of_one_name_are_found() {
        let html = r#"<a class="enum" href="enum.Error.html">Error</a><a href="enum.Error.html">Error</a><a class="type" href="type.Error.html">Error</a><a href="types/struct.Error.html">x</a><a href="struct.Client.html">Client</a><a href="struct.Client.html">Client</a>"#;
        assert_eq!(
            check_index(html),
            vec!["index.html: 2 items are named Error".to_string()]
        );
        assert!(check_index(
            r#"<a href="enum.Error.html">E</a><a href="struct.Client.html">C</a>"#
        )
        .is_empty());
    }

    #[test]
    fn the_client_page_must_start_with_building_one() {
        let good = r#"<div class="docblock"><p>The CertifyOS API client: one method</p><p><code>.send()</code> returns the body</p></div>
            <section id="method.op"><p><code>.send()</code> returns <code>X</code> … for this operation; …</p>"#;
        assert!(
            check_client_page(good, 1).is_empty(),
            "{:?}",
            check_client_page(good, 1)
        );
        let progenitors = r#"<div class="docblock"><p>Client for CertifyOS API</p><p>Version: unversioned</p></div><section id="method.new">"#;
        let problems = check_client_page(progenitors, 1);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(
            problems[0].starts_with("struct.Client.html: starts with \"Client for CertifyOS API\""),
            "{problems:?}"
        );
    }
}
