//! The `certifyos` binary as a user runs it: help, configuration, bodies,
//! paging, secrets, and every operation against Prism.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[path = "../generated/command_list.rs"]
#[rustfmt::skip]
mod commands;

const SECRET: &str = "CLIENT-SECRET-never-shown";
const TOKEN: &str = "BEARER-TOKEN-never-shown";

/// Everything every test printed, checked for secrets at the end of each.
static PRINTED: Mutex<String> = Mutex::new(String::new());

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "certifyos-cli-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `certifyos ARGS` with only the given variables (and a private HOME).
fn certifyos(args: &[&str], vars: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let home = temp_dir("home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_certifyos"));
    command
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .env("COLUMNS", "100")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the certifyos binary runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    // Nothing reads the private HOME afterwards: one per call, so kept it
    // would leave hundreds of directories in the system's temp dir a run.
    let _ = std::fs::remove_dir_all(&home);
    let mut printed = PRINTED.lock().unwrap();
    printed.push_str(&String::from_utf8_lossy(&output.stdout));
    printed.push_str(&String::from_utf8_lossy(&output.stderr));
    for secret in [SECRET, TOKEN] {
        assert!(!printed.contains(secret), "a secret was printed: {printed}");
    }
    output
}

async fn run(args: Vec<String>, vars: Vec<(String, String)>, stdin: Option<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        certifyos(&args, &vars, stdin.as_deref())
    })
    .await
    .unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn vars(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// ---- help -------------------------------------------------------------

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} differs (UPDATE_SNAPSHOTS=1 rewrites it; review the diff)",
        path.display()
    );
}

#[test]
fn help_output_matches_the_snapshots() {
    for (name, args) in [
        ("root.txt", &["--help"][..]),
        ("webhooks.txt", &["webhooks", "--help"]),
        ("webhooks-create.txt", &["webhooks", "create", "--help"]),
        (
            "credentialing-workflows-find-all.txt",
            &["credentialing-workflows", "find-all", "--help"],
        ),
        (
            "v2-providers-terminate.txt",
            &["v2-providers", "terminate", "--help"],
        ),
    ] {
        let output = certifyos(args, &[], None);
        assert_eq!(code(&output), 0, "{name}: {}", stderr(&output));
        snapshot(name, &String::from_utf8(output.stdout).unwrap());
    }
}

#[test]
fn a_usage_error_exits_2_and_completions_print() {
    let output = certifyos(&["webhooks", "no-such-command"], &[], None);
    assert_eq!(code(&output), 2);
    let output = certifyos(&["completions", "bash"], &[], None);
    assert_eq!(code(&output), 0);
    let script = String::from_utf8(output.stdout).unwrap();
    assert!(script.contains("certifyos") && script.contains("fetch-all"));
}

#[test]
fn every_operation_has_a_command() {
    let rust_names: Vec<&str> = commands::COMMANDS.iter().map(|c| c.2).collect();
    for op in certifyos::operations::OPERATIONS {
        assert!(
            rust_names.contains(&op.rust_name),
            "{} has no command",
            op.rust_name
        );
    }
    assert_eq!(
        commands::COMMANDS.len(),
        certifyos::operations::OPERATIONS.len()
    );
    let mut seen = std::collections::BTreeSet::new();
    for (group, name, _) in commands::COMMANDS {
        assert!(seen.insert((group, name)), "{group} {name} twice");
    }
}

// ---- configuration and secrets ------------------------------------------

async fn certifyos_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth-tokens/v2/api"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"access_token": TOKEN})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    server
}

fn write_config(dir: &Path, profiles: &str) -> PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(&config, profiles).unwrap();
    config
}

fn write_secret(dir: &Path, mode: u32) -> PathBuf {
    let file = dir.join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    file
}

#[tokio::test]
async fn a_profile_selects_url_organization_and_secret_file() {
    let (staging, production) = (certifyos_server().await, certifyos_server().await);
    let dir = temp_dir("profiles");
    let secret = write_secret(&dir, 0o600);
    let config = write_config(
        &dir,
        &format!(
            "[profiles.default]\nbase_url = \"{}\"\norganization_id = \"org_prod\"\nclient_id = \"id\"\nclient_secret_file = \"{}\"\n\n\
             [profiles.staging]\nbase_url = \"{}\"\norganization_id = \"org_staging\"\nclient_id = \"id\"\nclient_secret_file = \"{}\"\n",
            production.uri(),
            secret.display(),
            staging.uri(),
            secret.display()
        ),
    );
    let config = config.display().to_string();
    let env = vars(&[("CERTIFYOS_CONFIG", &config)]);

    let output = run(
        strings(&["--profile", "staging", "webhooks", "fetch-all"]),
        env.clone(),
        None,
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = run(strings(&["webhooks", "fetch-all"]), env.clone(), None).await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // A flag wins over the profile.
    let output = run(
        strings(&[
            "--profile",
            "staging",
            "--org",
            "org_flag",
            "webhooks",
            "fetch-all",
        ]),
        env.clone(),
        None,
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // CERTIFYOS_PROFILE selects one as --profile does.
    let mut by_variable = env.clone();
    by_variable.push(("CERTIFYOS_PROFILE".into(), "staging".into()));
    let output = run(strings(&["webhooks", "fetch-all"]), by_variable, None).await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    let orgs = |requests: Vec<Request>| -> Vec<String> {
        requests
            .iter()
            .filter(|r| r.url.path() == "/v2/webhooks")
            .map(|r| {
                r.headers
                    .get("organization-id")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        orgs(staging.received_requests().await.unwrap()),
        ["org_staging", "org_flag", "org_staging"]
    );
    assert_eq!(
        orgs(production.received_requests().await.unwrap()),
        ["org_prod"]
    );
    let token_request = &staging.received_requests().await.unwrap()[0];
    assert!(
        String::from_utf8_lossy(&token_request.body).contains(SECRET),
        "the secret file's content is the client secret"
    );

    let output = run(
        strings(&["--profile", "nope", "webhooks", "fetch-all"]),
        env,
        None,
    )
    .await;
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("profile `nope` is not in"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_secret_file_other_users_can_read_is_refused() {
    let server = certifyos_server().await;
    let dir = temp_dir("open-secret");
    let secret = write_secret(&dir, 0o644);
    let config = write_config(
        &dir,
        &format!(
            "[profiles.default]\nbase_url = \"{}\"\norganization_id = \"o\"\nclient_id = \"id\"\nclient_secret_file = \"{}\"\n",
            server.uri(),
            secret.display()
        ),
    );
    let output = run(
        strings(&["webhooks", "fetch-all"]),
        vars(&[("CERTIFYOS_CONFIG", &config.display().to_string())]),
        None,
    )
    .await;
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("other users can access this secret file (mode 644)"),
        "{}",
        stderr(&output)
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing sent"
    );
}

#[tokio::test]
async fn configuration_errors_and_refused_credentials_exit_3_without_the_secret() {
    let output = run(strings(&["webhooks", "fetch-all"]), vec![], None).await;
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("not configured: --base-url or --environment"),
        "{}",
        stderr(&output)
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth-tokens/v2/api"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"message": "Invalid credentials"})),
        )
        .mount(&server)
        .await;
    let env = vars(&[
        ("CERTIFYOS_BASE_URL", &server.uri()),
        ("CERTIFYOS_ORGANIZATION_ID", "o"),
        ("CERTIFYOS_CLIENT_ID", "id"),
        ("CERTIFYOS_CLIENT_SECRET", SECRET),
    ]);
    let output = run(strings(&["webhooks", "fetch-all"]), env, None).await;
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Invalid credentials"),
        "{}",
        stderr(&output)
    );
}

// ---- bodies, errors, paging ------------------------------------------------

fn token_env(server: &MockServer) -> Vec<(String, String)> {
    vars(&[
        ("CERTIFYOS_BASE_URL", &server.uri()),
        ("CERTIFYOS_ORGANIZATION_ID", "org_1"),
        ("CERTIFYOS_TOKEN", TOKEN),
    ])
}

#[tokio::test]
async fn a_body_that_is_not_the_request_type_exits_2_with_nothing_sent() {
    let server = MockServer::start().await;
    let output = run(
        strings(&["webhooks", "create", "--body-file", "-"]),
        token_env(&server),
        Some(r#"{"url": "https://example.com/h", "event_types": [7]}"#.into()),
    )
    .await;
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(
        message
            .contains("--body-file stdin: field `event_types[0]` does not match CreateWebhooksDto"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one line: {message}");

    // A misspelt field is not dropped (it would register a webhook without auth).
    let output = run(
        strings(&["webhooks", "create", "--body-file", "-"]),
        token_env(&server),
        Some(r#"{"url": "https://example.com/h", "event_types": ["PSV_COMPLETED"], "oauth_configuraton": {}}"#.into()),
    )
    .await;
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("CreateWebhooksDto has no field `oauth_configuraton`"),
        "{}",
        stderr(&output)
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing sent"
    );
}

#[tokio::test]
async fn body_field_flags_set_fields_over_the_body_file() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "wh_1"})))
        .mount(&server)
        .await;
    let output = run(
        strings(&[
            "webhooks",
            "create",
            "--body-file",
            "-",
            "--url",
            "https://hooks.example.com/c",
            "--event-types",
            "PSV_COMPLETED",
            "--event-types",
            "SOMETHING_NEW",
        ]),
        token_env(&server),
        Some(r#"{"url": "https://replaced.example.com", "description": "from the file"}"#.into()),
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, serde_json::json!({"id": "wh_1"}));
    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "url": "https://hooks.example.com/c",
            "description": "from the file",
            "event_types": ["PSV_COMPLETED", "SOMETHING_NEW"]
        })
    );

    // Flags alone, with a required field missing: exit 2, nothing sent.
    let before = server.received_requests().await.unwrap().len();
    let output = run(
        strings(&["webhooks", "create", "--url", "https://h.example.com"]),
        token_env(&server),
        None,
    )
    .await;
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("missing field `event_types`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

/// The README's pair: register with body-field flags, read the id with
/// `-o json`, send the test event to it.
#[tokio::test]
async fn a_webhook_is_registered_then_sent_a_test_event_from_flags() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "wh_7"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/webhooks/wh_7/test-event"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"sent": true})))
        .mount(&server)
        .await;
    let output = run(
        strings(&[
            "-o",
            "json",
            "webhooks",
            "create",
            "--url",
            "https://hooks.example.com/certifyos",
            "--event-types",
            "PSV_COMPLETED",
            "--event-types",
            "PROVIDER_CRED_APPROVED",
        ]),
        token_env(&server),
        None,
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout, "{\"id\":\"wh_7\"}\n", "one line of JSON");
    let created: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let id = created["id"].as_str().unwrap().to_string();

    let output = run(
        strings(&[
            "webhooks",
            "test-webhook",
            "--webhook-id",
            &id,
            "--event-type",
            "PSV_COMPLETED",
            "--message",
            "hello",
        ]),
        token_env(&server),
        None,
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let requests = server.received_requests().await.unwrap();
    let test_event = requests
        .iter()
        .find(|r| r.url.path() == "/v2/webhooks/wh_7/test-event")
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&test_event.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"eventType": "PSV_COMPLETED", "message": "hello"})
    );
}

#[tokio::test]
async fn an_api_error_is_one_line_with_status_message_and_request_id_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhooks"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-request-id", "req-42")
                .set_body_json(serde_json::json!({"message": "Forbidden resource"})),
        )
        .mount(&server)
        .await;
    let output = run(
        strings(&["webhooks", "fetch-all"]),
        token_env(&server),
        None,
    )
    .await;
    assert_eq!(code(&output), 1);
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    for part in ["403", "Forbidden resource", "req-42"] {
        assert!(message.contains(part), "{part} in {message}");
    }
}

#[tokio::test]
async fn a_partial_bulk_failure_prints_the_failures_and_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/flags/bulk-mark-read"))
        .respond_with(
            ResponseTemplate::new(207)
                .set_body_json(serde_json::json!([{"flagId": "f2", "error": "Not found"}])),
        )
        .mount(&server)
        .await;
    let output = run(
        strings(&["flags", "mark-read-bulk", "--body-file", "-"]),
        token_env(&server),
        Some(r#"{"flagIds": ["f1", "f2"], "reason": "reviewed"}"#.into()),
    )
    .await;
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["failures"][0]["id"], "f2");
    assert!(stderr(&output).contains("partial failure"));
}

/// `{data, count: 250}` pages cut from `offset`/`limit`, counting requests.
struct Pages(Arc<AtomicUsize>);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.fetch_add(1, Ordering::SeqCst);
        let query = |key: &str| -> usize {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.parse().unwrap())
                .unwrap()
        };
        let (offset, limit) = (query("offset"), query("limit"));
        let data: Vec<serde_json::Value> = (offset..(offset + limit).min(250))
            .map(|i| serde_json::json!({"id": format!("wf_{i}")}))
            .collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": data, "count": 250}))
    }
}

#[tokio::test]
async fn all_streams_every_item_once_with_exactly_the_needed_requests() {
    let server = MockServer::start().await;
    let requests = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/credentialing-workflows"))
        .respond_with(Pages(requests.clone()))
        .mount(&server)
        .await;
    let output = run(
        strings(&[
            "credentialing-workflows",
            "find-all",
            "--all",
            "--page-size",
            "40",
            "--name",
            "Lovelace",
        ]),
        token_env(&server),
        None,
    )
    .await;
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let ids: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: Vec<String> = (0..250).map(|i| format!("wf_{i}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        7,
        "ceil(250 / 40) requests, none after the last page"
    );
    for request in server.received_requests().await.unwrap() {
        assert!(
            request.url.query().unwrap().contains("name=Lovelace"),
            "the filter on every page"
        );
    }
}

// ---- every operation against Prism -----------------------------------------

const SETUP: &str =
    "run `cargo xtask test` (it installs Prism with npm and writes the repaired document)";

struct Prism(std::process::Child);

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_command_runs_against_prism() {
    let prism_bin = workspace().join("contract/node_modules/.bin/prism");
    let document = workspace().join("target/contract/certifyos-repaired.json");
    assert!(
        prism_bin.exists() && document.exists(),
        "Prism or the repaired document is missing: {SETUP}"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _prism = Prism(
        Command::new(prism_bin)
            .arg("mock")
            .arg(&document)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--errors",
                "-v",
                "warn",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Prism starts"),
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed().as_secs() < 60,
            "Prism did not listen within 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let dir = temp_dir("prism");
    let upload = dir.join("document.pdf");
    std::fs::write(&upload, b"%PDF-1.4 test").unwrap();
    let base_url = format!("http://127.0.0.1:{port}");
    let env = [
        ("CERTIFYOS_BASE_URL", base_url.as_str()),
        ("CERTIFYOS_ORGANIZATION_ID", "org_123"),
        ("CERTIFYOS_TOKEN", TOKEN),
    ];
    let mut failures = Vec::new();
    for (i, (rust_name, sample)) in commands::SAMPLES.iter().enumerate() {
        let args: Vec<String> = sample
            .iter()
            .map(|arg| {
                if let Some(json) = arg.strip_prefix("{body}") {
                    let file = dir.join(format!("body-{i}.json"));
                    std::fs::write(&file, json).unwrap();
                    file.display().to_string()
                } else if *arg == "{file}" {
                    upload.display().to_string()
                } else {
                    arg.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = certifyos(&args, &env, None);
        if !output.status.success() {
            failures.push(format!(
                "{rust_name} (certifyos {}): {}",
                args.join(" "),
                stderr(&output).trim()
            ));
        }
    }
    assert_eq!(
        commands::SAMPLES.len(),
        certifyos::operations::OPERATIONS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} commands failed against Prism:\n{}",
        failures.len(),
        commands::SAMPLES.len(),
        failures.join("\n")
    );
}
