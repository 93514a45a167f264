//! The release a regeneration prepares: the next version, from the last
//! one (Cargo.toml), what `CHANGELOG.md`'s Unreleased section already holds
//! and what the drift says; the CHANGELOG rewritten in Keep a Changelog
//! order; every published crate's manifest bumped (the three crates move
//! in lockstep: the mock and the CLI re-export the library's types).

use std::path::Path;

use anyhow::{bail, Context, Result};

/// How much a change set moves the version: 0 none, 1 additive (a
/// compatible release), 2 breaking. The drift report's exit codes.
pub type Class = u8;

/// The manifests whose `[package]` version moves with the library's.
pub const MANIFESTS: &[&str] = &["Cargo.toml", "mock/Cargo.toml", "cli/Cargo.toml"];

/// Subsections of a CHANGELOG entry that make a release breaking.
const BREAKING_HEADINGS: &[&str] = &["Breaking", "Removed"];

/// Keep a Changelog's subsection order, with this project's `Breaking` first.
const HEADING_ORDER: &[&str] = &[
    "Breaking",
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// The version after `current` for a change of `class`, by cargo's semver
/// rules: while 0.x, breaking bumps the minor and additive the patch; from
/// 1.0, breaking bumps the major and additive the minor; 0 keeps it.
pub fn bump(current: &str, class: Class) -> Result<String> {
    let parts: Vec<u64> = current
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| anyhow::anyhow!("version {current:?} is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        bail!("version {current:?} is not MAJOR.MINOR.PATCH");
    };
    let (major, minor, patch) = match (class, major) {
        (0, _) => (major, minor, patch),
        (1, 0) => (0, minor, patch + 1),
        (1, _) => (major, minor + 1, 0),
        (_, 0) => (0, minor + 1, 0),
        (_, _) => (major + 1, 0, 0),
    };
    Ok(format!("{major}.{minor}.{patch}"))
}

/// A CHANGELOG split at its Unreleased section.
struct Parts<'a> {
    /// The title and preamble: everything before the first `## ` heading.
    preamble: &'a str,
    /// The Unreleased section's subsections, in order: heading → body.
    unreleased: Vec<(String, String)>,
    /// The released versions, newest first, verbatim.
    released: &'a str,
}

fn is_unreleased(heading: &str) -> bool {
    let h = heading.trim().trim_start_matches('[');
    h.to_ascii_lowercase().starts_with("unreleased")
}

fn split(changelog: &str) -> Parts<'_> {
    // Byte offsets of every `## ` heading at a line start.
    let mut headings = Vec::new();
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        if line.starts_with("## ") {
            headings.push(offset);
        }
        offset += line.len();
    }
    let Some(&first) = headings.first() else {
        return Parts {
            preamble: changelog,
            unreleased: Vec::new(),
            released: "",
        };
    };
    let preamble = &changelog[..first];
    let first_line = changelog[first..].lines().next().unwrap_or("");
    if !is_unreleased(&first_line[3..]) {
        return Parts {
            preamble,
            unreleased: Vec::new(),
            released: &changelog[first..],
        };
    }
    let end = headings.get(1).copied().unwrap_or(changelog.len());
    let body = &changelog[first + first_line.len()..end];
    Parts {
        preamble,
        unreleased: subsections(body),
        released: &changelog[end..],
    }
}

/// `### Heading` → its text, in order; text before the first subsection
/// goes under an empty heading.
fn subsections(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in body.split_inclusive('\n') {
        if let Some(heading) = line.strip_prefix("### ") {
            out.push((heading.trim().to_string(), String::new()));
        } else {
            if out.is_empty() {
                out.push((String::new(), String::new()));
            }
            out.last_mut().expect("pushed").1.push_str(line);
        }
    }
    out.retain(|(heading, text)| !heading.is_empty() || !text.trim().is_empty());
    out
}

/// What the Unreleased section already holds: 2 when it has a `Breaking`
/// (or `Removed`) subsection with entries, 1 for any other entry, 0 when
/// it is empty or absent.
pub fn unreleased_class(changelog: &str) -> Class {
    split(changelog)
        .unreleased
        .iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(heading, _)| {
            if BREAKING_HEADINGS.contains(&heading.as_str()) {
                2
            } else {
                1
            }
        })
        .max()
        .unwrap_or(0)
}

/// The CHANGELOG with a new `## VERSION - DATE` section under an emptied
/// Unreleased heading: `intro`, then the Unreleased entries and the
/// `added` ones (heading → bullet lines) merged per subsection in Keep a
/// Changelog order. The preamble and the released versions stay as they were.
pub fn release(
    changelog: &str,
    version: &str,
    date: &str,
    intro: &str,
    added: &[(&str, Vec<String>)],
) -> String {
    let parts = split(changelog);
    let mut merged: Vec<(String, String)> = Vec::new();
    let mut append = |heading: &str, text: &str| {
        let text = text.trim_matches('\n');
        if text.trim().is_empty() {
            return;
        }
        match merged.iter_mut().find(|(h, _)| h == heading) {
            Some((_, body)) => {
                body.push('\n');
                body.push_str(text);
            }
            None => merged.push((heading.to_string(), text.to_string())),
        }
    };
    for (heading, lines) in added {
        append(heading, &lines.join("\n"));
    }
    for (heading, text) in &parts.unreleased {
        append(heading, text);
    }
    let rank = |h: &str| {
        HEADING_ORDER
            .iter()
            .position(|o| *o == h)
            .unwrap_or(HEADING_ORDER.len())
    };
    merged.sort_by_key(|(h, _)| rank(h));

    let mut out = parts.preamble.to_string();
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str("## Unreleased\n\n");
    out.push_str(&format!("## {version} - {date}\n\n{}\n", intro.trim_end()));
    for (heading, text) in &merged {
        if heading.is_empty() {
            out.push_str(&format!("\n{text}\n"));
        } else {
            out.push_str(&format!("\n### {heading}\n\n{text}\n"));
        }
    }
    if !parts.released.is_empty() {
        out.push('\n');
        out.push_str(parts.released);
    }
    out
}

/// The `[package]` version of a manifest's text.
pub fn package_version(manifest: &str) -> Option<String> {
    package_field(manifest, "version")
}

/// A `KEY = "value"` line of a manifest's `[package]` table.
fn package_field(manifest: &str, key: &str) -> Option<String> {
    let package = manifest
        .split("\n[")
        .find(|t| t.trim_start_matches('[').starts_with("package]"))?;
    let prefix = format!("{key} = \"");
    package.lines().find_map(|l| {
        l.strip_prefix(prefix.as_str())
            .and_then(|v| v.strip_suffix('"'))
            .map(str::to_string)
    })
}

/// `manifest` with its `[package]` version set to `version`, and a
/// `certifyos = { version = "…"` requirement (the mock's) set to it too.
pub fn with_version(manifest: &str, version: &str, file: &str) -> Result<String> {
    let mut out = String::with_capacity(manifest.len());
    let mut in_package = false;
    let mut set = false;
    for line in manifest.split_inclusive('\n') {
        if line.starts_with('[') {
            in_package = line.trim_end() == "[package]";
        }
        if in_package && !set && line.starts_with("version = \"") {
            out.push_str(&format!("version = \"{version}\"\n"));
            set = true;
        } else if let Some(rest) = line.strip_prefix("certifyos = { version = \"") {
            let Some(end) = rest.find('"') else {
                bail!("{file}: the certifyos requirement has no closing quote");
            };
            out.push_str(&format!(
                "certifyos = {{ version = \"{version}\"{}",
                &rest[end + 1..]
            ));
        } else {
            out.push_str(line);
        }
    }
    if !set {
        bail!("{file}: no `version = \"…\"` in [package]");
    }
    Ok(out)
}

/// The `[package]` name of a manifest's text.
fn package_name(manifest: &str) -> Option<String> {
    package_field(manifest, "name")
}

/// `lock` (Cargo.lock's text) with the entries of the packages `names` at
/// `version`: what cargo itself would write for the bumped workspace, done
/// without resolving anything.
pub fn lock_with_versions(lock: &str, names: &[String], version: &str) -> Result<String> {
    let mut out = String::with_capacity(lock.len());
    let mut current: Option<&str> = None;
    let mut found = Vec::new();
    for line in lock.split_inclusive('\n') {
        if line.starts_with("[[package]]") {
            current = None;
        } else if let Some(name) = line
            .strip_prefix("name = \"")
            .and_then(|l| l.trim_end().strip_suffix('"'))
        {
            current = names.iter().find(|n| *n == name).map(String::as_str);
        } else if let (Some(name), true) = (current, line.starts_with("version = \"")) {
            out.push_str(&format!("version = \"{version}\"\n"));
            found.push(name.to_string());
            current = None;
            continue;
        }
        out.push_str(line);
    }
    if let Some(missing) = names.iter().find(|n| !found.contains(n)) {
        bail!("Cargo.lock: no entry for {missing}");
    }
    Ok(out)
}

/// Sets every published crate's version (see [`MANIFESTS`]) to `version`,
/// in the manifests and in Cargo.lock.
pub fn set_versions(root: &Path, version: &str) -> Result<()> {
    let mut names = Vec::new();
    for file in MANIFESTS {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let now = with_version(&text, version, file)?;
        names
            .push(package_name(&text).ok_or_else(|| anyhow::anyhow!("{file}: no [package] name"))?);
        std::fs::write(&path, now).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    let path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let now = lock_with_versions(&lock, &names, version)?;
    std::fs::write(&path, now).with_context(|| format!("{}: cannot write", path.display()))
}

/// Today's date (UTC) as YYYY-MM-DD, or `$SOURCE_DATE_EPOCH`'s.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    // Howard Hinnant's days-from-civil, inverted.
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\nPreamble.\n\n## Unreleased\n\n### Breaking\n\n- old break\n  continued\n\n### Fixed\n\n- a fix\n\n## 0.1.0\n\n- first\n";

    #[test]
    fn versions_follow_cargo_semver_rules() {
        assert_eq!(bump("0.1.0", 2).unwrap(), "0.2.0");
        assert_eq!(bump("0.1.4", 1).unwrap(), "0.1.5");
        assert_eq!(bump("0.1.4", 0).unwrap(), "0.1.4");
        assert_eq!(bump("1.2.3", 2).unwrap(), "2.0.0");
        assert_eq!(bump("1.2.3", 1).unwrap(), "1.3.0");
        assert!(bump("0.1", 0).is_err());
    }

    #[test]
    fn the_unreleased_section_sets_a_floor() {
        assert_eq!(unreleased_class(CHANGELOG), 2);
        assert_eq!(
            unreleased_class("# C\n\n## Unreleased\n\n### Fixed\n\n- x\n\n## 0.1.0\n"),
            1
        );
        assert_eq!(
            unreleased_class("# C\n\n## Unreleased\n\n## 0.1.0\n\n### Breaking\n\n- x\n"),
            0
        );
        assert_eq!(
            unreleased_class("# C\n\n## 0.1.0\n\n### Breaking\n\n- x\n"),
            0
        );
    }

    #[test]
    fn a_release_goes_under_the_preamble_and_takes_the_unreleased_entries() {
        let out = release(
            CHANGELOG,
            "0.2.0",
            "2026-11-30",
            "Regenerated.",
            &[
                ("Added", vec!["- new value".into()]),
                ("Breaking", vec!["- gone".into()]),
            ],
        );
        assert_eq!(
            out,
            "# Changelog\n\nPreamble.\n\n## Unreleased\n\n## 0.2.0 - 2026-11-30\n\nRegenerated.\n\n\
             ### Breaking\n\n- gone\n- old break\n  continued\n\n### Added\n\n- new value\n\n\
             ### Fixed\n\n- a fix\n\n## 0.1.0\n\n- first\n"
        );
        // Released again: nothing unreleased is left to repeat.
        assert_eq!(unreleased_class(&out), 0);
    }

    #[test]
    fn a_changelog_without_unreleased_gets_one() {
        let out = release(
            "# C\n\nText.\n\n## 0.1.0\n\n- first\n",
            "0.1.1",
            "2026-01-02",
            "R.",
            &[],
        );
        assert_eq!(
            out,
            "# C\n\nText.\n\n## Unreleased\n\n## 0.1.1 - 2026-01-02\n\nR.\n\n## 0.1.0\n\n- first\n"
        );
    }

    #[test]
    fn manifests_get_the_version_and_the_library_requirement() {
        let manifest = "[package]\nname = \"certifyos-mock\"\nversion = \"0.1.0\"\n\n[dependencies]\ncertifyos = { version = \"0.1.0\", path = \"..\" }\nx = { version = \"0.1.0\" }\n";
        let out = with_version(manifest, "0.2.0", "mock/Cargo.toml").unwrap();
        assert_eq!(package_version(&out).as_deref(), Some("0.2.0"));
        assert!(
            out.contains("certifyos = { version = \"0.2.0\", path = \"..\" }"),
            "{out}"
        );
        assert!(out.contains("x = { version = \"0.1.0\" }"), "{out}");
        let workspace = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"9.9.9\"\n";
        assert!(with_version(workspace, "0.2.0", "W").is_err());
    }

    #[test]
    fn the_lock_file_follows() {
        let lock = "[[package]]\nname = \"certifyos\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"certifyos-bench\"\nversion = \"0.0.0\"\ndependencies = [\n \"certifyos\",\n]\n";
        let out = lock_with_versions(lock, &["certifyos".into()], "0.2.0").unwrap();
        assert_eq!(out, lock.replacen("0.1.0", "0.2.0", 1));
        assert!(lock_with_versions(lock, &["nope".into()], "0.2.0").is_err());
    }

    #[test]
    fn today_is_a_calendar_date() {
        std::env::set_var("SOURCE_DATE_EPOCH", "1764460800");
        assert_eq!(today(), "2025-11-30");
        std::env::remove_var("SOURCE_DATE_EPOCH");
    }
}
