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
    let (files, surface) = generate(&prepared.adapted, "fixture", &mut Timings::default()).unwrap();
    for file in &files {
        golden(file.name, &file.contents);
    }
    assert_eq!(surface.paginated, vec!["providers_v2_find_all".to_string()]);
    assert_eq!(surface.hand_written, 3);
    golden(
        "enum-names.json",
        &xtask::spec::EnumNameTable::render(&xtask::model::open_enum_table(&prepared.adapted)),
    );
}
