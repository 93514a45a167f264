//! The README's examples of the mock and the webhook receiver are the
//! doctests that compile and run (`cargo test --doc`), line for line.

/// The lines of the first ```rust block after `heading`.
fn readme_block(heading: &str) -> Vec<String> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("README has no `{heading}`"))
        .1;
    let block = section
        .split_once("```rust\n")
        .unwrap_or_else(|| panic!("`{heading}` has no rust block"))
        .1;
    let block = block.split_once("```\n").expect("a closed block").0;
    block.lines().map(str::to_string).collect()
}

/// The visible lines of the doctests in a file's `//!` docs.
fn doctest_lines(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .filter(|l| !(l.starts_with("# ") || *l == "#"))
        .map(str::to_string)
        .collect()
}

fn assert_shown_as_tested(heading: &str, source: &str, file: &str) {
    let shown = readme_block(heading);
    let tested = doctest_lines(source);
    assert!(shown.len() > 5, "{heading}: a real example");
    assert!(
        tested.windows(shown.len()).any(|w| w == shown.as_slice()),
        "README `{heading}` differs from the doctest in {file}; copy it from there"
    );
}

#[test]
fn the_readme_mock_example_is_the_mock_crates_doctest() {
    assert_shown_as_tested(
        "## Testing your code",
        include_str!("../../mock/src/lib.rs"),
        "mock/src/lib.rs",
    );
}

#[test]
fn the_readme_receiver_example_is_the_webhook_modules_doctest() {
    assert_shown_as_tested(
        "## Receiving webhooks",
        include_str!("../../src/webhook/mod.rs"),
        "src/webhook/mod.rs",
    );
}
