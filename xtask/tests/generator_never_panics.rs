//! Property: the generator never panics. Seeded random mutations of the real
//! CertifyOS document (`../shared`) — a key removed, a type changed, a
//! `$ref` dangled, a schema renamed to a name that is no Rust identifier, an
//! operationId duplicated, a value replaced — each end in generated files or
//! in errors of one line each, never in a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde_json::{json, Value};
use xtask::generate::{generate, Timings};
use xtask::normalize::prepare;

/// The allocator the xtask binary runs with: progenitor, syn and prettyplease
/// make millions of small allocations, on two threads here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Mutated documents, each run through the whole generator. Most mutations
/// are caught before progenitor runs; the rest generate the whole client
/// (about a second each in the test profile).
const CASES: u64 = 240;
const SEED: u64 = 20_261_129;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn real_document() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/spec/certifyos-application-api.json"
    );
    serde_json::from_slice(&std::fs::read(path).expect("the pinned document")).unwrap()
}

/// Pointers of every object node, and of those with a `type`, a `$ref`.
struct Places {
    objects: Vec<String>,
    typed: Vec<String>,
    refs: Vec<String>,
    operations: Vec<String>,
    schemas: Vec<String>,
}

fn places(doc: &Value) -> Places {
    let mut p = Places {
        objects: vec![],
        typed: vec![],
        refs: vec![],
        operations: vec![],
        schemas: vec![],
    };
    fn walk(node: &Value, at: String, p: &mut Places) {
        match node {
            Value::Object(map) => {
                if !map.is_empty() {
                    p.objects.push(at.clone());
                }
                if map.get("type").is_some_and(Value::is_string) {
                    p.typed.push(at.clone());
                }
                if map.get("$ref").is_some_and(Value::is_string) {
                    p.refs.push(at.clone());
                }
                if map.get("operationId").is_some_and(Value::is_string) {
                    p.operations.push(at.clone());
                }
                for (k, v) in map {
                    walk(
                        v,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        p,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{at}/{i}"), p);
                }
            }
            _ => {}
        }
    }
    walk(doc, String::new(), &mut p);
    p.schemas = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    p
}

/// Applies one random mutation; says which.
fn mutate(doc: &mut Value, p: &Places, rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => {
            let at = rng.pick(&p.objects).clone();
            let Some(Value::Object(map)) = doc.pointer_mut(&at) else {
                return format!("(gone) {at}");
            };
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            map.remove(&key);
            format!("removed {at}/{key}")
        }
        1 => {
            let at = rng.pick(&p.typed).clone();
            let to = rng
                .pick(&[
                    json!("integer"),
                    json!("array"),
                    json!("object"),
                    json!("boolean"),
                    json!("nonsense"),
                    json!(7),
                ])
                .clone();
            if let Some(node) = doc.pointer_mut(&at) {
                node["type"] = to.clone();
            }
            format!("{at}/type → {to}")
        }
        2 => {
            let at = rng.pick(&p.refs).clone();
            if let Some(node) = doc.pointer_mut(&at) {
                node["$ref"] = json!("#/components/schemas/NoSuchSchema");
            }
            format!("{at}/$ref dangled")
        }
        3 => {
            let name = rng.pick(&p.schemas).clone();
            let renamed = format!("v1.{name}");
            let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
            if let Some(schema) = schemas.remove(&name) {
                schemas.insert(renamed.clone(), schema);
            }
            let from = format!("#/components/schemas/{name}");
            let to = format!("#/components/schemas/{renamed}");
            rewrite_refs(doc, &from, &to);
            format!("schema {name} renamed {renamed}")
        }
        4 => {
            let a = rng.pick(&p.operations).clone();
            let b = rng.pick(&p.operations).clone();
            let id = doc
                .pointer(&format!("{a}/operationId"))
                .cloned()
                .unwrap_or(Value::Null);
            if let Some(node) = doc.pointer_mut(&b) {
                node["operationId"] = id.clone();
            }
            format!("{b}/operationId = {id} (as {a})")
        }
        _ => {
            let at = rng.pick(&p.objects).clone();
            let value = rng
                .pick(&[
                    json!(null),
                    json!(42),
                    json!("text"),
                    json!([]),
                    json!(true),
                ])
                .clone();
            if let Some(node) = doc.pointer_mut(&at) {
                *node = value.clone();
            }
            format!("{at} = {value}")
        }
    }
}

fn rewrite_refs(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(from) {
                map.insert("$ref".into(), json!(to));
            }
            map.values_mut().for_each(|v| rewrite_refs(v, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// How one mutated document ended.
enum End {
    Generated,
    Errors(Vec<String>),
}

fn run(doc: &Value, names: &xtask::model::EnumNames) -> End {
    let prepared = match prepare(doc, names) {
        Ok(p) => p,
        Err(e) => return End::Errors(vec![format!("{e:#}")]),
    };
    if !prepared.problems.is_empty() {
        return End::Errors(prepared.problems);
    }
    match generate(&prepared.adapted, "mutated", &mut Timings::default()) {
        Ok(_) => End::Generated,
        Err(e) => End::Errors(vec![format!("{e:#}")]),
    }
}

#[test]
fn mutated_documents_end_in_output_or_one_line_errors() {
    let original = real_document();
    let p = places(&original);
    let names = xtask::spec::EnumNameTable::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .unwrap();
    let cases: Vec<u64> = (0..CASES).collect();
    let (mut generated, mut refused) = (0, 0);
    let mut failures = Vec::new();
    // Two workers: the machine has two cores.
    let results: Vec<(u64, String, std::thread::Result<End>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                let (original, p, names) = (&original, &p, &names);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|case| {
                            let mut rng = Rng(SEED ^ case.wrapping_mul(0x5851_F42D_4C95_7F2D));
                            let mut doc = original.clone();
                            let what: Vec<String> = (0..1 + rng.below(2))
                                .map(|_| mutate(&mut doc, p, &mut rng))
                                .collect();
                            let end = catch_unwind(AssertUnwindSafe(|| run(&doc, names)));
                            (*case, what.join("; "), end)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    for (case, what, end) in results {
        match end {
            Err(_) => failures.push(format!("case {case} (seed {SEED}): panicked after {what}")),
            Ok(End::Generated) => generated += 1,
            Ok(End::Errors(errors)) => {
                refused += 1;
                if std::env::var_os("SHOW_ERRORS").is_some() {
                    eprintln!("case {case}: {what}\n    → {}", errors[0]);
                }
                for error in errors {
                    if error.contains('\n') || error.is_empty() {
                        failures.push(format!("case {case} ({what}): not one line: {error:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        generated > 0 && refused > 0,
        "{generated} generated, {refused} refused"
    );
    eprintln!("{CASES} mutated documents: {generated} generated, {refused} refused with one-line errors, no panic");
}
