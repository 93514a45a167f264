//! Writing `generated/` all at once, or comparing it with what would be written.

use std::path::Path;

use anyhow::{Context, Result};

use crate::generate::File;

/// Replaces `dir` as a whole: every file is written into a sibling staging
/// directory (`generated.new/`) first; only when all are written is `dir`
/// renamed aside (`generated.old/`) and the staging directory renamed into
/// its place, then the old one removed. An error while writing leaves `dir`
/// as it was. Files the generator no longer produces disappear with the old
/// directory. A run interrupted between the two renames leaves
/// `generated.old/` and `generated.new/`; the next run puts the old one back
/// before it starts.
pub fn write_all(dir: &Path, files: &[File]) -> Result<()> {
    let staging = sibling(dir, "new");
    let old = sibling(dir, "old");
    if !dir.exists() && old.exists() {
        std::fs::rename(&old, dir)
            .with_context(|| format!("{}: cannot restore from {}", dir.display(), old.display()))?;
    }
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)
                .with_context(|| format!("{}: cannot remove", leftover.display()))?;
        }
    }
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("{}: cannot create", staging.display()))?;
    let written = files.iter().try_for_each(|file| {
        let path = staging.join(file.name);
        std::fs::write(&path, &file.contents)
            .with_context(|| format!("{}: cannot write", path.display()))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if dir.exists() {
        std::fs::rename(dir, &old)
            .with_context(|| format!("{}: cannot move aside", dir.display()))?;
    }
    std::fs::rename(&staging, dir).with_context(|| {
        format!(
            "{}: cannot move into place (the previous files are in {})",
            staging.display(),
            old.display()
        )
    })?;
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("{}: cannot remove", old.display()))?;
    }
    Ok(())
}

/// `generated.new` beside `generated`.
fn sibling(dir: &Path, suffix: &str) -> std::path::PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "generated".into());
    dir.with_file_name(format!("{name}.{suffix}"))
}

fn stale_files(dir: &Path, files: &[File]) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?
    {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !files.iter().any(|f| f.name == name) {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

/// One way `generated/` differs from what the generator makes now.
#[derive(Debug)]
pub struct Difference {
    pub file: String,
    pub summary: String,
}

/// Lines of diff shown per file; the rest is counted.
const DIFF_LINES: usize = 40;

/// Compares `generated/` with `files`: missing, changed and unexpected files,
/// each with a short unified diff.
pub fn compare(dir: &Path, files: &[File]) -> Result<Vec<Difference>> {
    let label = files.first().map_or(crate::generate::SDK_DIR, |f| f.dir);
    let mut differences = Vec::new();
    for file in files {
        let path = dir.join(file.name);
        let display = format!("{}/{}", file.dir, file.name);
        match std::fs::read_to_string(&path) {
            Err(_) => differences.push(Difference {
                file: display,
                summary: "missing".into(),
            }),
            Ok(current) if current == file.contents => {}
            Ok(current) => {
                let diff = similar::TextDiff::from_lines(&current, &file.contents);
                let unified = diff
                    .unified_diff()
                    .context_radius(2)
                    .header("on disk", "regenerated")
                    .to_string();
                let (added, removed) =
                    diff.iter_all_changes()
                        .fold((0, 0), |(a, r), c| match c.tag() {
                            similar::ChangeTag::Insert => (a + 1, r),
                            similar::ChangeTag::Delete => (a, r + 1),
                            similar::ChangeTag::Equal => (a, r),
                        });
                let lines: Vec<&str> = unified.lines().collect();
                let mut summary = format!("{added} lines added, {removed} removed\n");
                for line in lines.iter().take(DIFF_LINES) {
                    summary.push_str(line);
                    summary.push('\n');
                }
                if lines.len() > DIFF_LINES {
                    summary.push_str(&format!("… {} more diff lines\n", lines.len() - DIFF_LINES));
                }
                differences.push(Difference {
                    file: display,
                    summary,
                });
            }
        }
    }
    for stale in stale_files(dir, files).unwrap_or_default() {
        differences.push(Difference {
            file: format!("{label}/{stale}"),
            summary: "not made by the generator".into(),
        });
    }
    Ok(differences)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn files(a: &str) -> Vec<File> {
        vec![
            File {
                dir: "generated",
                name: "a.rs",
                contents: a.into(),
            },
            File {
                dir: "generated",
                name: "b.rs",
                contents: "b\n".into(),
            },
        ]
    }

    #[test]
    fn written_files_compare_equal() {
        let dir = temp_dir("equal");
        write_all(&dir, &files("a\n")).unwrap();
        assert!(compare(&dir, &files("a\n")).unwrap().is_empty());
        assert!(!sibling(&dir, "new").exists() && !sibling(&dir, "old").exists());
    }

    #[test]
    fn a_hand_edit_is_reported_with_a_diff() {
        let dir = temp_dir("edited");
        write_all(&dir, &files("one\ntwo\n")).unwrap();
        std::fs::write(dir.join("a.rs"), "one\nTWO\n").unwrap();
        let differences = compare(&dir, &files("one\ntwo\n")).unwrap();
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].file, "generated/a.rs");
        assert!(
            differences[0].summary.contains("-TWO\n+two"),
            "{}",
            differences[0].summary
        );
    }

    #[test]
    fn missing_and_unexpected_files_are_reported() {
        let dir = temp_dir("missing");
        write_all(&dir, &files("a\n")).unwrap();
        std::fs::remove_file(dir.join("b.rs")).unwrap();
        std::fs::write(dir.join("extra.rs"), "").unwrap();
        let differences = compare(&dir, &files("a\n")).unwrap();
        let named: Vec<(&str, &str)> = differences
            .iter()
            .map(|d| (d.file.as_str(), d.summary.as_str()))
            .collect();
        assert_eq!(
            named,
            vec![
                ("generated/b.rs", "missing"),
                ("generated/extra.rs", "not made by the generator")
            ]
        );
    }

    #[test]
    fn writing_removes_files_no_longer_generated() {
        let dir = temp_dir("stale");
        write_all(&dir, &files("a\n")).unwrap();
        std::fs::write(dir.join("old.rs"), "").unwrap();
        write_all(&dir, &files("a\n")).unwrap();
        assert!(!dir.join("old.rs").exists());
    }

    #[test]
    fn a_failed_write_leaves_the_directory_as_it_was() {
        let dir = temp_dir("failed");
        write_all(&dir, &files("first\n")).unwrap();
        let bad = vec![
            File {
                dir: "generated",
                name: "a.rs",
                contents: "second\n".into(),
            },
            File {
                dir: "generated",
                name: "no/such/dir.rs",
                contents: String::new(),
            },
        ];
        assert!(write_all(&dir, &bad).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.join("a.rs")).unwrap(),
            "first\n"
        );
        assert!(dir.join("b.rs").exists());
        assert!(!sibling(&dir, "new").exists());
    }

    #[test]
    fn an_interrupted_swap_is_undone_by_the_next_run() {
        let dir = temp_dir("interrupted");
        write_all(&dir, &files("a\n")).unwrap();
        std::fs::rename(&dir, sibling(&dir, "old")).unwrap();
        std::fs::create_dir_all(sibling(&dir, "new")).unwrap();
        write_all(&dir, &files("a2\n")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "a2\n");
        assert!(!sibling(&dir, "new").exists() && !sibling(&dir, "old").exists());
    }
}
