//! `cargo xtask`: the project's own tooling. `cargo xtask codegen` turns the
//! pinned CertifyOS document into `generated/`:
//!
//! spec (pinned sha256) → normalize (named passes) → validate → progenitor →
//! open enums + operations table → prettyplease → `generated/*.rs`.

use xtask::{docs, drift, features, generate, normalize, output, spec};

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

/// progenitor, syn and prettyplease make millions of small allocations;
/// mimalloc cuts the generator's wall time (figures in the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "certifyos project tooling")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate `generated/` from the pinned CertifyOS OpenAPI document.
    Codegen(CodegenArgs),
    /// Report what changed between two CertifyOS documents and whether it
    /// breaks users of this crate (exit 0 none, 1 additive, 2 breaking, 3 error).
    Drift(DriftArgs),
    /// Run every test: installs Prism (contract/), writes the repaired document
    /// the contract tests serve, then `cargo test --workspace --exclude xtask
    /// --exclude certifyos-bench [ARGS]` and `cargo test --profile xtask
    /// --package xtask [ARGS]`.
    Test(TestArgs),
    /// Build the crate's docs (rustdoc, warnings are errors) and check the
    /// rendered pages: the facade's `Error`, one item per name, the `Client`
    /// page (exit 0 right, 2 wrong).
    Docs,
    /// Put the pinned document where codegen reads it, when it is missing:
    /// from the project's store by sha256 (spec/pin.json's `store_url`, or
    /// $CERTIFYOS_SPEC_STORE), else from upstream while it serves the same
    /// bytes (exit 0 done, 3 error).
    FetchSpec(FetchSpecArgs),
    /// The scheduled drift job: download the upstream document; when it is
    /// new, write the drift report into --out, regenerate everything from it
    /// (re-pinning), set the next version in the manifests and CHANGELOG.md,
    /// and with --commit commit it on a branch. Exit codes as drift.
    ApiDrift(ApiDriftArgs),
    /// Measure what a user compiles: clean debug builds (crate with its
    /// dependencies, the crate alone, webhooks only, peak memory, a minimal
    /// program's size), optionally against another crate (--compare).
    CompileTimes(CompileTimesArgs),
    /// Lint the library under each feature alone: no tag, every tag, the
    /// unreached schemas, each TLS backend (clippy, warnings are errors).
    CheckFeatures,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

/// Features are additive: each tag alone (with the default TLS backend),
/// none, the unreached schemas alone, the webhook receiver alone, and each
/// other TLS backend with no tag compile without a warning. The default set is the CI clippy step's.
fn check_features(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut sets: Vec<String> = vec!["rustls".into(), format!("rustls,{}", features::UNREACHED)];
    sets.extend(
        xtask::compile_times::manifest_tags(root)?
            .into_iter()
            .map(|tag| format!("rustls,{tag}")),
    );
    // The webhook receiver with only the tag it needs.
    sets.push("rustls,webhook-receiver".into());
    sets.push("native-tls".into());
    sets.push("rustls-aws-lc".into());
    for set in &sets {
        let step = Instant::now();
        let status = xtask::cargo_command()
            .current_dir(root)
            .args([
                "clippy",
                "--quiet",
                "-p",
                "certifyos",
                "--lib",
                "--no-default-features",
            ])
            .args(["--features", set.as_str(), "--", "-D", "warnings"])
            .status()
            .context("cannot run cargo clippy")?;
        if !status.success() {
            bail!("certifyos with --no-default-features --features {set}: clippy failed (above)");
        }
        println!(
            "features {set}: clean in {:.1} s",
            step.elapsed().as_secs_f64()
        );
    }
    println!(
        "{} feature sets clean in {:.0} s",
        sets.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(clap::Args)]
struct CompileTimesArgs {
    /// Another crate to measure the same way in the same run (a directory
    /// with a Cargo.toml, e.g. openapi-generator's crate for this document).
    #[arg(long)]
    compare: Option<PathBuf>,
    /// Also measure the other TLS backends (rustls with aws-lc-rs, native-tls).
    #[arg(long)]
    tls: bool,
    /// Builds of the crate alone per row; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

fn compile_times(args: &CompileTimesArgs) -> Result<u8> {
    let started = Instant::now();
    xtask::compile_times::run(&xtask::compile_times::Options {
        root: project_root(),
        compare: args.compare.clone(),
        compare_package: None,
        tls: args.tls,
        runs: args.runs,
    })?;
    println!("took {:.0} s", started.elapsed().as_secs_f64());
    Ok(0)
}

#[derive(clap::Args)]
struct DriftArgs {
    /// The older document (a path).
    old: PathBuf,
    /// The newer document: a path, or an http(s) URL.
    new: String,
    /// Report format.
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
    /// Print instead the next crate version (from Cargo.toml's, by the
    /// classification) and its CHANGELOG.md entry.
    #[arg(long)]
    changelog: bool,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Passed on to `cargo test`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    cargo_args: Vec<String>,
}

#[derive(clap::Args)]
struct FetchSpecArgs {
    /// Upstream's URL, tried after the store [default: the upstream URL in spec/pin.json].
    #[arg(long)]
    url: Option<String>,
    /// Where the pinned document goes [default: $CERTIFYOS_SPEC, else ../shared/spec/certifyos-application-api.json].
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    #[arg(long, hide = true, value_name = "DIR")]
    project_root: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ApiDriftArgs {
    /// Where to download from [default: the upstream URL in spec/pin.json].
    #[arg(long)]
    url: Option<String>,
    /// The pinned document [default: $CERTIFYOS_SPEC, else ../shared/spec/certifyos-application-api.json].
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Where the report (report.md), the CHANGELOG entry (changelog.md), the
    /// pull request's title (title.txt), the version (version.txt), the new
    /// document for the store (store/NAME, sha256.txt) and, with --commit,
    /// the branch's name (branch.txt) go.
    #[arg(long, value_name = "DIR", default_value = "target/api-drift")]
    out: PathBuf,
    /// Also refresh the snapshot tests the document feeds (the CLI's help),
    /// then commit everything on a new branch `api-drift/<sha256 prefix>`
    /// (the work tree must be clean).
    #[arg(long)]
    commit: bool,
    #[arg(long, hide = true, value_name = "DIR")]
    project_root: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CodegenArgs {
    /// Regenerate in memory and fail (exit 1) if `generated/` differs.
    #[arg(long)]
    check: bool,
    /// The document to read [default: $CERTIFYOS_SPEC, else ../shared/spec/certifyos-application-api.json].
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Take a document whose sha256 differs from spec/pin.json, and re-pin it
    /// (with --check: compare only, and report the API drift from the pinned one).
    #[arg(long)]
    accept_new_spec: bool,
    /// Also write the repaired document (before the progenitor-specific passes) here.
    #[arg(long, value_name = "PATH")]
    write_normalized: Option<PathBuf>,
    /// List the JSON pointers each pass changed.
    #[arg(short, long)]
    verbose: bool,
    /// The project whose spec/pin.json and generated/ are used (for tests).
    #[arg(long, hide = true, value_name = "DIR")]
    project_root: Option<PathBuf>,
}

/// Exit codes: codegen 0 done / up to date, 1 `generated/` is stale
/// (`--check`), 2 error; drift and fetch-spec 0 no change, 1 additive,
/// 2 breaking, 3 error; every command 3 for a command line it cannot read.
/// A command line clap cannot read (unknown flag, missing argument): the
/// same code for every command, distinct from "breaking" (drift's 2) and
/// "error" (codegen's 2), so a CI typo never reads as an API break.
const USAGE_ERROR: u8 = 3;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let (result, error_code) = match cli.command {
        Command::Codegen(args) => (codegen(&args).map(|fresh| if fresh { 0 } else { 1 }), 2),
        Command::Drift(args) => (drift_command(&args), 3),
        Command::FetchSpec(args) => (fetch_spec(&args), 3),
        Command::ApiDrift(args) => (api_drift(&args), 3),
        Command::Test(args) => (test(&args), 2),
        Command::Docs => (docs::run(&project_root()).map(|()| 0), 2),
        Command::CompileTimes(args) => (compile_times(&args), 2),
        Command::CheckFeatures => (check_features(&project_root()).map(|()| 0), 2),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(error_code)
        }
    }
}

fn print_report(report: &drift::Report, old: &str, new: &str, format: Format) -> Result<()> {
    match format {
        Format::Markdown => print!("{}", drift::markdown(report, old, new)),
        Format::Json => println!("{}", serde_json::to_string_pretty(report)?),
    }
    Ok(())
}

fn drift_command(args: &DriftArgs) -> Result<u8> {
    let started = Instant::now();
    let old = spec::load(&args.old).context("OLD")?;
    let new = spec::load_or_download(&args.new).context("NEW")?;
    let report = drift::compare(
        &old.doc,
        &new.doc,
        &spec::EnumNameTable::load(&project_root())?,
    )?;
    if args.changelog {
        let version = drift::next_version(&crate_version()?, &report)?;
        print!("{}", drift::changelog_entry(&version, &args.new, &report));
        return Ok(report.exit_code());
    }
    print_report(
        &report,
        &args.old.display().to_string(),
        &args.new,
        args.format,
    )?;
    eprintln!(
        "compared in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(report.exit_code())
}

/// The `certifyos` crate's version, as cargo reads it.
fn crate_version() -> Result<String> {
    let out = xtask::cargo_command()
        .current_dir(project_root())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("cannot run cargo metadata")?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("cargo metadata: not JSON")?;
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "certifyos")
        .and_then(|p| p["version"].as_str())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("cargo metadata: no package certifyos"))
}

/// Installs what the tests need, then runs them; returns cargo test's exit code.
fn test(args: &TestArgs) -> Result<u8> {
    let root = project_root();
    let contract = root.join("contract");
    let prism = contract.join("node_modules/.bin/prism");
    if !prism.exists() {
        println!("installing Prism (npm ci in contract/)");
        let status = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&contract)
            .status()
            .context("cannot run npm (Node.js and npm are needed for the contract tests)")?;
        if !status.success() || !prism.exists() {
            bail!("npm ci in {} failed ({status})", contract.display());
        }
    }
    let path = spec::resolve_path(&root, None);
    let spec = spec::load(&path)?;
    spec::check_pin(&spec, &spec::Pin::load(&root)?)?;
    let doc = normalize::prepare(&spec.doc, &spec::EnumNameTable::load(&root)?)
        .with_context(|| path.display().to_string())?
        .repaired;
    let repaired = root.join("target/contract/certifyos-repaired.json");
    std::fs::create_dir_all(repaired.parent().expect("a parent"))?;
    std::fs::write(&repaired, serde_json::to_string_pretty(&doc)? + "\n")
        .with_context(|| format!("{}: cannot write", repaired.display()))?;
    // The library's tests in the dev profile; the generator's in the xtask
    // profile, where `cargo xtask` already built progenitor, typify and syn:
    // building them a second time in the dev profile cost minutes of a first
    // run.
    for selection in [
        &[
            "test",
            "--workspace",
            "--exclude",
            "xtask",
            "--exclude",
            "certifyos-bench",
        ][..],
        &["test", "--profile", "xtask", "--package", "xtask"][..],
    ] {
        let status = xtask::cargo_command()
            .current_dir(&root)
            .args(selection)
            .args(&args.cargo_args)
            .env("CERTIFYOS_PRISM", &prism)
            .env("CERTIFYOS_CONTRACT_SPEC", &repaired)
            .status()
            .context("cannot run cargo test")?;
        if !status.success() {
            return Ok(status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(101));
        }
    }
    Ok(0)
}

/// The upstream document as downloaded, and the pin it is compared with.
struct Upstream {
    pin: spec::Pin,
    url: String,
    bytes: Vec<u8>,
    fetched: spec::Spec,
}

/// Downloads `url` (default: the pin's upstream URL) and checks it is an
/// OpenAPI 3.0 document.
fn download_upstream(root: &Path, url: Option<&str>) -> Result<Upstream> {
    let pin = spec::Pin::load(root)?;
    let url = url.map_or_else(|| pin.upstream_url.clone(), str::to_string);
    let bytes = spec::download(&url)?;
    let fetched = spec::parse(bytes.clone(), Path::new(&url))?;
    Ok(Upstream {
        pin,
        url,
        bytes,
        fetched,
    })
}

/// Writes a new upstream version beside the pinned document as
/// `NAME.<sha256 prefix>.json`; returns where.
fn write_beside_pinned(pinned_path: &Path, upstream: &Upstream) -> Result<PathBuf> {
    let stem = pinned_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "api".into());
    let target =
        pinned_path.with_file_name(format!("{stem}.{}.json", &upstream.fetched.sha256[..12]));
    write_atomically(&target, &upstream.bytes)?;
    Ok(target)
}

/// Puts the pinned document where codegen reads it: from the project's
/// store by hash, else from upstream while it still serves those bytes.
/// Never reads what upstream publishes now as a reason to fail: that is
/// `api-drift`'s business.
fn fetch_spec(args: &FetchSpecArgs) -> Result<u8> {
    let root = args.project_root.clone().unwrap_or_else(project_root);
    let pin = spec::Pin::load(&root)?;
    let pinned_path = spec::resolve_path(&root, args.spec.as_deref());
    if pinned_path.exists() {
        let present = spec::load(&pinned_path)?;
        spec::check_pin(&present, &pin)?;
        println!(
            "{}: sha256 {} is the pinned document: nothing to do",
            pinned_path.display(),
            present.sha256
        );
        return Ok(0);
    }
    let upstream = args.url.as_deref().unwrap_or(&pin.upstream_url);
    let (bytes, source) = spec::fetch_pinned(&pin, upstream)?;
    write_atomically(&pinned_path, &bytes)?;
    println!(
        "{source}: sha256 {} is the pinned document; wrote {}",
        pin.sha256,
        pinned_path.display()
    );
    Ok(0)
}

/// Writes `bytes` to `path` through a sibling temporary file, creating the
/// folder: a reader never sees half a document.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create", parent.display()))?;
    }
    let staged = path.with_extension("json.part");
    std::fs::write(&staged, bytes)
        .with_context(|| format!("{}: cannot write", staged.display()))?;
    std::fs::rename(&staged, path).with_context(|| format!("{}: cannot write", path.display()))
}

/// What the scheduled workflow runs (`.github/workflows/api-drift.yml`):
/// the whole job, so it runs and is tested here; the workflow only checks
/// out, calls it, uploads the document to the store, pushes and opens the
/// pull request. When upstream publishes a new document: the drift report,
/// everything codegen writes regenerated from it and re-pinned, the next
/// version in every manifest and its CHANGELOG section, and (`--commit`) a
/// branch with one commit. Exit code: the drift class.
fn api_drift(args: &ApiDriftArgs) -> Result<u8> {
    let root = args.project_root.clone().unwrap_or_else(project_root);
    let upstream = download_upstream(&root, args.url.as_deref())?;
    let (url, fetched) = (&upstream.url, &upstream.fetched);
    if fetched.sha256 == upstream.pin.sha256 {
        println!(
            "{url}: sha256 {} is the pinned document: no drift",
            fetched.sha256
        );
        return Ok(0);
    }
    let pinned_path = spec::resolve_path(&root, args.spec.as_deref());
    let pinned = spec::load(&pinned_path)?;
    spec::check_pin(&pinned, &upstream.pin)?;
    let report = drift::compare(
        &pinned.doc,
        &fetched.doc,
        &spec::EnumNameTable::load(&root)?,
    )?;
    let release = NextRelease::read(&root, &report)?;
    if args.commit {
        git(&root, &["diff", "--quiet", "HEAD"])
            .context("the work tree has uncommitted changes: the job commits only its own")?;
    }

    // Written from here on: the document beside the pinned one and in the
    // store folder, then the regenerated project.
    let new_path = write_beside_pinned(&pinned_path, &upstream)?;
    let title = format!(
        "CertifyOS API drift: {} breaking, {} additive → certifyos {}",
        report.breaking, report.additive, release.version
    );
    let outputs = DriftOutputs {
        out: &args.out,
        upstream: &upstream,
        report: &report,
        release: &release,
        title: &title,
    };
    outputs.write(&pinned_path)?;
    codegen(&CodegenArgs {
        check: false,
        spec: Some(new_path.clone()),
        accept_new_spec: true,
        write_normalized: None,
        verbose: false,
        project_root: Some(root.clone()),
    })?;
    release.apply(&root, &upstream, &report)?;
    if args.commit {
        outputs.commit(&root)?;
    }
    println!(
        "{url}: new document {} ({} breaking, {} additive); certifyos {} → {}; \
         regenerated; report in {}",
        new_path.display(),
        report.breaking,
        report.additive,
        release.current,
        release.version,
        args.out.display()
    );
    Ok(report.exit_code())
}

/// The release a drift makes: the last release's version, moved by the
/// larger of what `CHANGELOG.md`'s Unreleased already holds and what the
/// drift says.
struct NextRelease {
    changelog_path: PathBuf,
    changelog: String,
    /// The class Unreleased already holds (0 none, 1 additive, 2 breaking).
    unreleased: u8,
    current: String,
    version: String,
}

impl NextRelease {
    fn read(root: &Path, report: &drift::Report) -> Result<NextRelease> {
        let changelog_path = root.join("CHANGELOG.md");
        let changelog = std::fs::read_to_string(&changelog_path)
            .with_context(|| format!("{}: cannot read", changelog_path.display()))?;
        let manifest_path = root.join("Cargo.toml");
        let current = xtask::release::package_version(
            &std::fs::read_to_string(&manifest_path)
                .with_context(|| format!("{}: cannot read", manifest_path.display()))?,
        )
        .ok_or_else(|| anyhow::anyhow!("{}: no [package] version", manifest_path.display()))?;
        let unreleased = xtask::release::unreleased_class(&changelog);
        let version = xtask::release::bump(&current, report.exit_code().max(unreleased))?;
        Ok(NextRelease {
            changelog_path,
            changelog,
            unreleased,
            current,
            version,
        })
    }

    /// Sets the version in the manifests and releases `CHANGELOG.md` under it.
    fn apply(&self, root: &Path, upstream: &Upstream, report: &drift::Report) -> Result<()> {
        xtask::release::set_versions(root, &self.version)?;
        let released = xtask::release::release(
            &self.changelog,
            &self.version,
            &xtask::release::today(),
            &format!(
                "{}, sha256 `{}`.",
                drift::changelog_intro(&upstream.url).trim_end_matches('.'),
                upstream.fetched.sha256
            ),
            &drift::changelog_sections(report),
        );
        std::fs::write(&self.changelog_path, released)
            .with_context(|| format!("{}: cannot write", self.changelog_path.display()))
    }
}

/// What the drift job leaves in `--out` and commits.
struct DriftOutputs<'a> {
    out: &'a Path,
    upstream: &'a Upstream,
    report: &'a drift::Report,
    release: &'a NextRelease,
    title: &'a str,
}

impl DriftOutputs<'_> {
    fn file(&self, name: &str, text: String) -> Result<()> {
        let path = self.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))
    }

    /// The store copy, the report, the changelog entry, the title, version and sha256.
    fn write(&self, pinned_path: &Path) -> Result<()> {
        let (upstream, report, url) = (self.upstream, self.report, &self.upstream.url);
        let store_copy = self.out.join("store").join(&upstream.pin.file);
        write_atomically(&store_copy, &upstream.bytes)?;
        self.file(
            "report.md",
            drift::markdown(report, &pinned_path.display().to_string(), url),
        )?;
        self.file(
            "changelog.md",
            drift::changelog_entry(&self.release.version, url, report),
        )?;
        self.file("title.txt", format!("{}\n", self.title))?;
        self.file("version.txt", format!("{}\n", self.release.version))?;
        self.file("sha256.txt", format!("{}\n", upstream.fetched.sha256))
    }

    /// Refreshes the snapshots and commits everything on `api-drift/<sha12>`.
    fn commit(&self, root: &Path) -> Result<()> {
        let (upstream, report, release) = (self.upstream, self.report, self.release);
        refresh_snapshots(root)?;
        let branch = format!("api-drift/{}", &upstream.fetched.sha256[..12]);
        git(root, &["switch", "--create", &branch])?;
        git(root, &["add", "--all"])?;
        let body = format!(
            "Upstream {} now serves sha256 {}; drift class {} ({} breaking, {} additive), \
             Unreleased class {}: version {} → {}.",
            upstream.url,
            upstream.fetched.sha256,
            report.exit_code(),
            report.breaking,
            report.additive,
            release.unreleased,
            release.current,
            release.version
        );
        git(
            root,
            &[
                "-c",
                "user.name=certifyos api-drift",
                "-c",
                "user.email=api-drift@users.noreply.github.com",
                "commit",
                "--quiet",
                "-m",
                self.title,
                "-m",
                &body,
            ],
        )?;
        self.file("branch.txt", format!("{branch}\n"))?;
        println!("committed on branch {branch}");
        Ok(())
    }
}

/// Snapshot tests whose expected output comes from the document (the CLI's
/// help lists enum values, operations' descriptions): rewritten from the
/// regenerated code so the branch's tests pass, and the pull request shows
/// the help a user will see. `(package, test target, test name)`.
const DOCUMENT_SNAPSHOTS: &[(&str, &str, &str)] =
    &[("certifyos-cli", "cli", "help_output_matches_the_snapshots")];

fn refresh_snapshots(root: &Path) -> Result<()> {
    for (package, target, test) in DOCUMENT_SNAPSHOTS {
        let status = xtask::cargo_command()
            .current_dir(root)
            .args([
                "test",
                "--quiet",
                "--package",
                package,
                "--test",
                target,
                test,
            ])
            .env("UPDATE_SNAPSHOTS", "1")
            .status()
            .context("cannot run cargo test")?;
        if !status.success() {
            bail!("refreshing the snapshots of {package} ({target}::{test}) failed ({status})");
        }
    }
    Ok(())
}

/// Runs git in `root`; its failure is an error naming the command.
fn git(root: &Path, args: &[&str]) -> Result<()> {
    let output = std::process::Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project")
        .to_path_buf()
}

/// Returns whether `generated/` is (now) up to date.
fn codegen(args: &CodegenArgs) -> Result<bool> {
    let started = Instant::now();
    let mut timings = generate::Timings::default();
    let root = args.project_root.clone().unwrap_or_else(project_root);
    let path = spec::resolve_path(&root, args.spec.as_deref());
    let spec = timings.measure("load", || spec::load(&path))?;
    let pin = spec::Pin::load(&root)?;
    if !args.accept_new_spec {
        spec::check_pin(&spec, &pin)?;
    }
    println!(
        "spec: {} (sha256 {}, {} bytes)",
        spec.path.display(),
        spec.sha256,
        spec.size
    );
    let file = spec.path.display().to_string();
    let doc = normalized(args, &root, &spec, &file)?;
    let normalized_at = started.elapsed();
    let generated =
        generate::generate(&doc, &spec.sha256, &mut timings).with_context(|| file.clone())?;
    report_generated(&generated, args.verbose);
    let outputs = Outputs::read(&root, &generated)?;
    let up_to_date = if args.check {
        let differences = outputs.compare(&root, &generated)?;
        for d in &differences {
            println!("{}: {}", d.file, d.summary.trim_end());
        }
        if differences.is_empty() {
            println!("generated/ is up to date");
        } else {
            println!("generated/ is stale: run `cargo xtask codegen` (and commit the result)");
            print_drift_from_pinned(&root, &spec, &pin);
        }
        differences.is_empty()
    } else {
        outputs.write(&root, &generated)?;
        if args.accept_new_spec && spec.sha256 != pin.sha256 {
            // The document keeps its name (`file`, the store's asset name);
            // its bytes are the new ones.
            spec::Pin {
                sha256: spec.sha256.clone(),
                size: spec.size,
                ..pin
            }
            .save(&root)?;
            println!("re-pinned spec/pin.json to sha256 {}", spec.sha256);
        }
        true
    };
    let phases: Vec<String> = timings
        .0
        .iter()
        .map(|(phase, took)| format!("{phase} {:.0} ms", took.as_secs_f64() * 1e3))
        .collect();
    println!(
        "took {:.2} s (load → validated document {:.0} ms; {}), peak memory {}",
        started.elapsed().as_secs_f64(),
        normalized_at.as_secs_f64() * 1e3,
        phases.join(", "),
        peak_memory()
    );
    Ok(up_to_date)
}

/// The document through the normalization pipeline, each pass's changes
/// reported; an error listing what no pass handles.
fn normalized(
    args: &CodegenArgs,
    root: &Path,
    spec: &spec::Spec,
    file: &str,
) -> Result<serde_json::Value> {
    let names = spec::EnumNameTable::load(root)?;
    let prepared = normalize::prepare(&spec.doc, &names).with_context(|| file.to_string())?;
    if let Some(out) = &args.write_normalized {
        let text = serde_json::to_string_pretty(&prepared.repaired)? + "\n";
        std::fs::write(out, text).with_context(|| format!("{}: cannot write", out.display()))?;
        println!("wrote the repaired document to {}", out.display());
    }
    for report in prepared.reports.iter().filter(|r| !r.changes.is_empty()) {
        println!(
            "pass {}: {} change{}",
            report.name,
            report.changes.len(),
            if report.changes.len() == 1 { "" } else { "s" }
        );
        if args.verbose {
            for change in &report.changes {
                println!("    {change}");
            }
        }
    }
    if !prepared.problems.is_empty() {
        for problem in &prepared.problems {
            eprintln!("{file}: {problem}");
        }
        bail!(
            "{file}: {} defect{} no normalization pass handles (listed above)",
            prepared.problems.len(),
            if prepared.problems.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    Ok(prepared.adapted)
}

/// What the surface steps, reachability, the features and the operations
/// table came to, one line each (`-v`: the names too).
fn report_generated(generated: &generate::Generated, verbose: bool) {
    let surface = &generated.surface;
    println!(
        "public surface: {} builders return certifyos::Result, {} hand-written operations as builders, \
         {} paginated ({}), {} secret fields redacted in Debug, {} structs non-exhaustive",
        surface.wrapped,
        surface.hand_written,
        surface.paginated.len(),
        surface.paginated.join(", "),
        surface.redacted.len(),
        surface.non_exhaustive
    );
    if verbose {
        println!("    redacted: {}", surface.redacted.join(", "));
    }
    let reach = &surface.reach;
    println!(
        "reach: {} types no operation reaches (feature {}), {} struct builders kept for what callers construct, {} dropped; \
         decoders for what responses reach ({} dropped), encoders for what requests reach and paged items ({} dropped)",
        reach.unreached.len(),
        features::UNREACHED,
        reach.builders.len(),
        reach.builders_dropped.len(),
        reach.decoders_dropped.len(),
        reach.encoders_dropped.len()
    );
    if verbose {
        println!(
            "    unreached: {}",
            reach
                .unreached
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "features: {} tags → {}",
        generated.tags.len(),
        generated
            .tags
            .iter()
            .map(|t| t.feature.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let table = &generated.operations;
    let hand_written = table.iter().filter(|r| r.hand_written.is_some()).count();
    println!(
        "operations: {} in the document, {} generated methods, {} implemented by hand (generated/operations.rs)",
        table.len(),
        table.len() - hand_written,
        hand_written
    );
}

/// The hand-kept files codegen has a part of, as they are and as codegen
/// would leave them.
struct Outputs {
    /// Per block: the file's text now, and with the block in place.
    blocks: Vec<(String, String)>,
}

impl Outputs {
    fn read(root: &Path, generated: &generate::Generated) -> Result<Outputs> {
        let mut blocks = Vec::new();
        for block in &generated.blocks {
            let path = root.join(block.file);
            let now = std::fs::read_to_string(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let after = block.apply(&now)?;
            blocks.push((now, after));
        }
        Ok(Outputs { blocks })
    }

    /// Every file, block and the enum-name table that differs.
    fn compare(
        &self,
        root: &Path,
        generated: &generate::Generated,
    ) -> Result<Vec<output::Difference>> {
        let mut differences = Vec::new();
        for (dir, files) in by_dir(&generated.files) {
            differences.extend(output::compare(&root.join(dir), &files)?);
        }
        let names_path = spec::EnumNameTable::path(root);
        if std::fs::read_to_string(&names_path).ok().as_deref()
            != Some(generated.enum_names.as_str())
        {
            differences.push(output::Difference {
                file: "spec/enum-names.json".into(),
                summary: "differs from the open enums generated now".into(),
            });
        }
        for (block, (now, after)) in generated.blocks.iter().zip(&self.blocks) {
            if now != after {
                differences.push(output::Difference {
                    file: block.file.into(),
                    summary: block.what.into(),
                });
            }
        }
        Ok(differences)
    }

    /// Writes what differs.
    fn write(&self, root: &Path, generated: &generate::Generated) -> Result<()> {
        for (dir, files) in by_dir(&generated.files) {
            output::write_all(&root.join(dir), &files)?;
        }
        let names_path = spec::EnumNameTable::path(root);
        std::fs::write(&names_path, &generated.enum_names)
            .with_context(|| format!("{}: cannot write", names_path.display()))?;
        for (block, (now, after)) in generated.blocks.iter().zip(&self.blocks) {
            if now != after {
                let path = root.join(block.file);
                std::fs::write(&path, after)
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                println!("wrote the generated part of {}", block.file);
            }
        }
        for f in &generated.files {
            println!(
                "wrote {}/{} ({} lines)",
                f.dir,
                f.name,
                f.contents.lines().count()
            );
        }
        Ok(())
    }
}

/// The generated files grouped by the directory they are written to.
fn by_dir(files: &[generate::File]) -> Vec<(&'static str, Vec<generate::File>)> {
    let mut groups: Vec<(&'static str, Vec<generate::File>)> = Vec::new();
    for file in files {
        match groups.iter_mut().find(|(dir, _)| *dir == file.dir) {
            Some((_, group)) => group.push(file.clone()),
            None => groups.push((file.dir, vec![file.clone()])),
        }
    }
    groups
}

/// When `--check` ran on another document than the pinned one and the pinned
/// one is at hand, what changed in the API between them.
fn print_drift_from_pinned(root: &Path, spec: &spec::Spec, pin: &spec::Pin) {
    if spec.sha256 == pin.sha256 {
        return;
    }
    let pinned_path = root.join(spec::DEFAULT_SPEC);
    let Ok(pinned) = spec::load(&pinned_path) else {
        return;
    };
    if pinned.sha256 != pin.sha256 {
        return;
    }
    let names = spec::EnumNameTable::load(root).unwrap_or_default();
    match drift::compare(&pinned.doc, &spec.doc, &names) {
        Ok(report) => print!(
            "\n{}",
            drift::markdown(
                &report,
                &pinned_path.display().to_string(),
                &spec.path.display().to_string()
            )
        ),
        Err(e) => eprintln!("(no drift summary: {e:#})"),
    }
}

/// Peak resident memory of this process (Linux `VmHWM`).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .and_then(|kb| {
            kb.strip_suffix(" kB")
                .and_then(|n| n.trim().parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} MB", kb as f64 / 1024.0))
        .unwrap_or_else(|| "unknown".into())
}
