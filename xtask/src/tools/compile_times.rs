//! `cargo xtask compile-times`: what a user compiles, measured. Each row is
//! a clean debug build in a fresh target directory (`CARGO_INCREMENTAL=0`,
//! so "the crate alone" is not served from an incremental cache): wall time
//! of the crate with its dependencies, then of the crate alone (its
//! `src/lib.rs` touched and the library rebuilt) with the peak memory of that build, and
//! the size of a minimal program calling `webhooks_fetch_all`. With
//! `--compare DIR`, the crate in DIR (openapi-generator's, say) is measured
//! the same way in the same run. `cargo build --timings` of the first row
//! names the slowest units.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// One measured build.
#[derive(Debug)]
pub struct Row {
    pub label: String,
    /// Crate + dependencies (None: not measured for this row).
    pub full: Option<Duration>,
    /// The median of the crate-alone builds, and their range.
    pub alone: Option<Duration>,
    pub alone_range: Option<(Duration, Duration)>,
    /// Peak resident memory of the crate-alone build (cargo and rustc), bytes.
    pub alone_peak: Option<u64>,
    /// Debug binary of the minimal program, bytes.
    pub binary: Option<u64>,
}

impl Row {
    /// A row from its measurements (`alone`: every build of the crate alone).
    fn new(
        label: String,
        full: Option<Duration>,
        alone: &[Duration],
        peak: u64,
        binary: Option<u64>,
    ) -> Row {
        let (median, range) = summary(alone);
        Row {
            label,
            full,
            alone: Some(median),
            alone_range: Some(range),
            alone_peak: Some(peak),
            binary,
        }
    }
}

/// Runs `cmd` to completion; its wall time and the peak RSS of it and every
/// process it waited for (rustc under cargo), from `wait4`.
fn timed(cmd: &mut Command) -> Result<(Duration, u64)> {
    let shown = format!("{cmd:?}");
    // The measured crates' own warnings would bury the figures: kept aside,
    // shown when the build fails.
    let log = std::env::temp_dir().join(format!("xtask-compile-times-{}.log", std::process::id()));
    cmd.stderr(
        std::fs::File::create(&log).with_context(|| format!("{}: cannot create", log.display()))?,
    );
    let start = Instant::now();
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {shown}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let took = start.elapsed();
    std::mem::forget(child); // reaped above
    if waited != pid {
        bail!("{shown}: wait4 failed: {}", std::io::Error::last_os_error());
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let output = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = output.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!("{shown} failed (status {status}):\n{}", tail.join("\n"));
    }
    Ok((took, usage.ru_maxrss as u64 * 1024))
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Command {
    let mut cmd = crate::cargo_command();
    cmd.current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
    cmd
}

/// A crate-with-dependencies build, then the crate alone.
fn measure_crate(
    dir: &Path,
    package: &str,
    features: &[&str],
    target: &Path,
    timings: bool,
    runs: usize,
) -> Result<(Duration, Vec<Duration>, u64)> {
    let mut args = vec!["build", "--lib", "-p", package, "--quiet"];
    args.extend_from_slice(features);
    let mut full_args = args.clone();
    if timings {
        full_args.push("--timings");
    }
    let (full, _) = timed(&mut cargo(dir, target, &full_args))?;
    if timings {
        print_slowest(
            target,
            10,
            "slowest units with dependencies (cargo build --timings)",
        );
    }
    if timings {
        args.push("--timings");
    }
    let (alone, peak) = alone_runs(dir, package, &args, target, runs)?;
    if timings {
        print_slowest(target, 4, "the crate alone, by unit");
    }
    Ok((full, alone, peak))
}

/// The crate alone under other features, dependencies already built.
fn measure_alone(
    dir: &Path,
    package: &str,
    target: &Path,
    runs: usize,
) -> Result<(Vec<Duration>, u64)> {
    let args = ["build", "--lib", "-p", package, "--quiet"];
    // Brings this feature set's own artifacts (the build script) up to date.
    timed(&mut cargo(dir, target, &args))?;
    alone_runs(dir, package, &args, target, runs)
}

/// `runs` builds of the library alone, its `src/lib.rs` touched before
/// each: their times and the highest peak memory.
fn alone_runs(
    dir: &Path,
    package: &str,
    args: &[&str],
    target: &Path,
    runs: usize,
) -> Result<(Vec<Duration>, u64)> {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..runs.max(1) {
        touch_lib(dir, package)?;
        let (took, rss) = timed(&mut cargo(dir, target, args))?;
        times.push(took);
        peak = peak.max(rss);
    }
    Ok((times, peak))
}

/// The median of some durations and their range.
fn summary(times: &[Duration]) -> (Duration, (Duration, Duration)) {
    let mut sorted = times.to_vec();
    sorted.sort();
    (
        sorted[sorted.len() / 2],
        (sorted[0], sorted[sorted.len() - 1]),
    )
}

/// Marks the package's `src/lib.rs` changed, so that the next build
/// compiles the library again and nothing else (`cargo clean -p` also
/// removed some dependencies' metadata, rebuilding them).
fn touch_lib(dir: &Path, package: &str) -> Result<()> {
    let out = crate::cargo_command()
        .current_dir(dir)
        .args(["pkgid", package])
        .output()
        .context("cannot run cargo pkgid")?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = id
        .strip_prefix("path+file://")
        .and_then(|p| p.split('#').next())
        .with_context(|| format!("{package}: not a path package ({id})"))?;
    let lib = Path::new(path).join("src/lib.rs");
    std::fs::File::options()
        .append(true)
        .open(&lib)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .with_context(|| format!("{}: cannot touch", lib.display()))
}

const PROGRAM: &str = r#"// A minimal user of the crate: list the webhooks.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), certifyos::Error> {
    let client = certifyos::Client::from_env()?;
    let webhooks = client.webhooks_fetch_all().send().await?;
    println!("{} webhooks", webhooks.len());
    Ok(())
}
"#;

/// A user's project beside the crate: the minimal program, depending on
/// the crate at `root` with `features` (`None`: default features). Measuring
/// from here, outside this workspace, leaves out its cargo configuration
/// (`.cargo/config.toml`: the generator's profile), as a user's build does.
fn user_project(
    root: &Path,
    scratch: &Path,
    name: &str,
    features: Option<&str>,
) -> Result<PathBuf> {
    let dir = scratch.join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    let dependency = match features {
        None => format!("certifyos = {{ path = {:?} }}", root.display().to_string()),
        Some(f) => format!(
            "certifyos = {{ path = {:?}, default-features = false, features = [{f}] }}",
            root.display().to_string()
        ),
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{dependency}\ntokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n[workspace]\n"
        ),
    )?;
    std::fs::write(dir.join("src/main.rs"), PROGRAM)?;
    // The same dependency versions as the crate's own lockfile.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(dir)
}

/// Builds the user's program and returns its debug binary's size.
fn program_size(dir: &Path, name: &str, target: &Path) -> Result<u64> {
    timed(&mut cargo(dir, target, &["build", "--quiet"]))?;
    let binary = target.join("debug").join(name);
    Ok(std::fs::metadata(&binary)
        .with_context(|| format!("{}: not built", binary.display()))?
        .len())
}

/// Prints the `n` slowest units (of at least 0.05 s) of the last
/// `--timings` report in `target`.
fn print_slowest(target: &Path, n: usize, heading: &str) {
    if let Ok(html) = std::fs::read_to_string(target.join("cargo-timings/cargo-timing.html")) {
        let units: Vec<String> = slowest_units(&html, n)
            .into_iter()
            .filter(|(_, s)| *s >= 0.05)
            .map(|(n, s)| format!("{n} {s:.1} s"))
            .collect();
        println!("    {heading}: {}", units.join(", "));
    }
}

/// The slowest units of a `--timings` report (name, seconds).
pub fn slowest_units(html: &str, n: usize) -> Vec<(String, f64)> {
    let Some(start) = html.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let rest = &html[start + "const UNIT_DATA = ".len()..];
    let Some(end) = rest.find("];") else {
        return Vec::new();
    };
    let Ok(units) = serde_json::from_str::<serde_json::Value>(&rest[..end + 1]) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = units
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| {
            let name = u.get("name")?.as_str()?;
            let target = u.get("target").and_then(|t| t.as_str()).unwrap_or("");
            Some((format!("{name}{target}"), u.get("duration")?.as_f64()?))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.truncate(n);
    out
}

pub struct Options {
    pub root: PathBuf,
    pub compare: Option<PathBuf>,
    pub compare_package: Option<String>,
    /// Also measure the other TLS backends (two more clean builds).
    pub tls: bool,
    /// Builds of the crate alone per row (the median is reported).
    pub runs: usize,
}

/// Every row of the README's table; prints each as it is measured.
pub fn run(options: &Options) -> Result<Vec<Row>> {
    let scratch = std::env::temp_dir().join(format!("xtask-compile-times-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let root = &options.root;
    let mut rows = Vec::new();

    let target = scratch.join("target-default");
    let user = user_project(root, &scratch, "minimal_full", None)?;
    let (full, alone, peak) = measure_crate(&user, "certifyos", &[], &target, true, options.runs)?;
    let binary = program_size(&user, "minimal_full", &target)?;
    push(
        &mut rows,
        Row::new(
            "certifyos, default features (every tag, rustls with ring)".into(),
            Some(full),
            &alone,
            peak,
            Some(binary),
        ),
    );

    // Same dependencies, so only the crate builds again.
    let user = user_project(
        root,
        &scratch,
        "minimal_webhooks",
        Some("\"rustls\", \"webhooks\""),
    )?;
    let (alone, peak) = measure_alone(&user, "certifyos", &target, options.runs)?;
    let binary = program_size(&user, "minimal_webhooks", &target)?;
    push(
        &mut rows,
        Row::new(
            "certifyos, webhooks only".into(),
            None,
            &alone,
            peak,
            Some(binary),
        ),
    );

    // The floor of any selection of tags: the facade and the token
    // operation, which every build compiles (the program is not built).
    let user = user_project(root, &scratch, "minimal_no_tag", Some("\"rustls\""))?;
    let (alone, peak) = measure_alone(&user, "certifyos", &target, options.runs)?;
    push(
        &mut rows,
        Row::new(
            "certifyos, no tag (the facade and the token operation)".into(),
            None,
            &alone,
            peak,
            None,
        ),
    );

    if options.tls {
        tls_rows(options, &scratch, &mut rows)?;
    }
    if let Some(dir) = &options.compare {
        push(&mut rows, compare_row(options, dir, &scratch)?);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(rows)
}

/// Prints `row` as it is measured, and keeps it.
fn push(rows: &mut Vec<Row>, row: Row) {
    let secs = |d: Option<Duration>| d.map_or("-".into(), |d| format!("{:.1} s", d.as_secs_f64()));
    let mb = |b: Option<u64>| b.map_or("-".into(), |b| format!("{:.0} MB", b as f64 / 1e6));
    let range = row.alone_range.map_or(String::new(), |(lo, hi)| {
        format!(
            "median, {:.1}–{:.1} s; ",
            lo.as_secs_f64(),
            hi.as_secs_f64()
        )
    });
    println!(
        "{}: crate + dependencies {}, crate alone {} ({range}peak {}), minimal program {}",
        row.label,
        secs(row.full),
        secs(row.alone),
        mb(row.alone_peak),
        mb(row.binary)
    );
    rows.push(row);
}

/// Every tag with each other TLS backend, each in a target of its own.
fn tls_rows(options: &Options, scratch: &Path, rows: &mut Vec<Row>) -> Result<()> {
    let root = &options.root;
    let tags: Vec<String> = manifest_tags(root)?
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect();
    for (label, tls) in [
        (
            "certifyos, every tag, rustls with aws-lc-rs",
            "rustls-aws-lc",
        ),
        ("certifyos, every tag, native-tls", "native-tls"),
    ] {
        let features = format!("\"{tls}\", {}", tags.join(", "));
        let user = user_project(
            root,
            scratch,
            &format!("minimal_{}", tls.replace('-', "_")),
            Some(&features),
        )?;
        let target = scratch.join(format!("target-{tls}"));
        let (full, alone, peak) =
            measure_crate(&user, "certifyos", &[], &target, false, options.runs)?;
        push(rows, Row::new(label.into(), Some(full), &alone, peak, None));
        let _ = std::fs::remove_dir_all(&target);
    }
    Ok(())
}

/// The crate in `dir` (`--compare`), with its default features.
fn compare_row(options: &Options, dir: &Path, scratch: &Path) -> Result<Row> {
    let package = match &options.compare_package {
        Some(p) => p.clone(),
        None => package_name(dir)?,
    };
    let target = scratch.join("target-compare");
    let (full, alone, peak) = measure_crate(dir, &package, &[], &target, false, options.runs)?;
    Ok(Row::new(
        format!("{package} ({}), default features", dir.display()),
        Some(full),
        &alone,
        peak,
        None,
    ))
}

/// The tag features of `Cargo.toml` (the generated block).
pub fn manifest_tags(root: &Path) -> Result<Vec<String>> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let default = manifest
        .lines()
        .find_map(|l| l.strip_prefix("default = ["))
        .context("Cargo.toml: no default features")?;
    Ok(default
        .trim_end_matches(']')
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_string())
        .filter(|f| !f.is_empty() && f != "rustls")
        .collect())
}

fn package_name(dir: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .with_context(|| format!("{}: no Cargo.toml", dir.display()))?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|n| n.trim().trim_matches('"').to_string())
        .with_context(|| format!("{}: no package name", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_units_are_read_from_a_timings_report() {
        let html = r#"<script>const UNIT_DATA = [{"i":0,"name":"syn","version":"2","mode":"todo","target":"","start":0.1,"duration":4.5},{"i":1,"name":"certifyos","version":"0.1","mode":"todo","target":"","start":5,"duration":13.25},{"i":2,"name":"serde","version":"1","mode":"todo","target":" build-script","start":0,"duration":0.5}];
const CONCURRENCY_DATA = [];</script>"#;
        assert_eq!(
            slowest_units(html, 2),
            vec![("certifyos".to_string(), 13.25), ("syn".to_string(), 4.5)]
        );
        assert!(slowest_units("<html></html>", 3).is_empty());
    }

    #[test]
    fn the_median_and_range_of_runs() {
        let s = Duration::from_secs;
        assert_eq!(summary(&[s(5), s(3), s(9)]), (s(5), (s(3), s(9))));
        assert_eq!(summary(&[s(4)]), (s(4), (s(4), s(4))));
    }

    #[test]
    fn a_failing_command_is_an_error_and_memory_is_measured() {
        let (_, peak) = timed(Command::new("true").arg("x")).unwrap();
        assert!(peak > 0);
        assert!(timed(&mut Command::new("false")).is_err());
    }
}
