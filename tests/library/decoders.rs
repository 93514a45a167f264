//! Property: no response decoder panics, whatever JSON arrives. For every
//! generated operation with a response body (listed by `cargo xtask codegen`
//! in `generated/decoders.rs`, with a value made from the document), the
//! value and seeded random perturbations of it — any node replaced by a
//! random JSON value — are decoded into the operation's type: each ends in
//! `Ok` or `Err`, never a panic.
//!
//! And both decode paths agree on every one of those values: the
//! generated decoders (`certifyos::__private::from_slice`, codegen's
//! `impl Decode` per type a response reaches) and serde's derive give the
//! same value (by `Debug`), or both refuse it with the same JSON pointer
//! (serde's as `serde_path_to_error` records it while deserializing). One
//! difference is by design: serde's derive also reads a struct from a JSON
//! array, positionally (and mostly fails somewhere inside it); the
//! generated decoder refuses an array where the document says object, at
//! the array. There serde may decode or refuse (inside the array), and the
//! generated decoder must refuse at the array. Floats compare exactly: both
//! paths parse them correctly rounded (the tests build serde_json with
//! `float_roundtrip`, which is what the generated decoder does always).
//!
//! The same for the request bodies (`generated/encoders.rs`): every value
//! serde reads as a body's type (the example and its perturbations) is
//! written both ways — the generated encoders (`certifyos::__private::to_vec`,
//! codegen's `impl Encode` per type a request reaches) and serde_json
//! through the derive — and the two JSON texts must be equal and read back
//! as the same value.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Value};

/// Perturbed values decoded per operation.
const CASES: usize = 200;
const SEED: u64 = 20_261_129;

/// splitmix64: seeded, dependency-free, good enough to pick nodes.
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
}

/// A random JSON value: scalars at the edges of their types, strings that
/// look like dates or enum values, small nested containers.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 9 } else { 11 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.next() as i64),
        3 => json!(-(rng.below(1000) as i64)),
        4 => json!(f64::from_bits(rng.next() & 0x7FEF_FFFF_FFFF_FFFF)),
        5 => json!(""),
        6 => json!(
            [
                "2026-11-29T00:00:00Z",
                "not a date",
                "PSV_COMPLETED",
                "ZZ",
                "\u{1F600}",
                "x".repeat(300).as_str()
            ][rng.below(6)]
        ),
        7 => json!(1e308),
        8 => json!(u64::MAX),
        9 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = serde_json::Map::new();
            for i in 0..rng.below(3) {
                map.insert(format!("k{i}"), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Every node of `value`, as JSON pointers.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// `value` with one to three random nodes replaced by random values.
fn perturb(value: &Value, rng: &mut Rng) -> Value {
    let mut value = value.clone();
    for _ in 0..1 + rng.below(3) {
        let mut places = Vec::new();
        pointers(&value, String::new(), &mut places);
        let place = &places[rng.below(places.len())];
        let replacement = random_value(rng, 0);
        match value.pointer_mut(place) {
            Some(node) => *node = replacement,
            None => value = replacement,
        }
    }
    value
}

struct Outcome {
    operation: &'static str,
    decoded: usize,
    refused: usize,
    panics: Vec<String>,
    /// Values on which the generated decoder and serde disagree.
    disagreements: Vec<String>,
    /// Values with an array where the document says object (the one
    /// difference by design).
    arrays: usize,
}

/// What the generated decoder made of a body: the value's `Debug`, or the
/// error.
pub(crate) fn generated<T>(text: &str) -> Result<String, certifyos::__private::DecodeError>
where
    T: certifyos::__private::Decode + std::fmt::Debug,
{
    certifyos::__private::from_slice::<T>(text.as_bytes()).map(|v| format!("{v:?}"))
}

/// Whether the two paths agree (see the module's documentation).
fn agree(
    serde: &Result<String, String>,
    generated: &Result<String, certifyos::__private::DecodeError>,
) -> bool {
    match (serde, generated) {
        (Ok(a), Ok(b)) => a == b,
        (theirs, Err(ours)) if ours.reason == "invalid type: sequence, expected a map" => theirs
            .as_ref()
            .err()
            .is_none_or(|p| p.starts_with(&ours.pointer)),
        (Err(theirs), Err(ours)) => *theirs == ours.pointer,
        _ => false,
    }
}

/// What serde's derive made of a body: the value's `Debug`, or the pointer
/// where it refused it.
pub(crate) fn serde_path<T>(text: &str) -> Result<String, String>
where
    T: serde::de::DeserializeOwned + std::fmt::Debug,
{
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(&mut de)
        .map_err(|e| pointer(e.path()))
        // Trailing characters: after the root value.
        .and_then(|v| de.end().map(|()| v).map_err(|_| String::new()))
        .map(|v| format!("{v:?}"))
}

/// serde's path (serde_path_to_error's, the place it was deserializing
/// when the error arose) as a JSON pointer.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => format!("/{index}"),
            Segment::Map { key } => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => format!("/{variant}"),
            Segment::Unknown => "/?".to_string(),
        })
        .collect()
}

fn check<T>(operation: &'static str, example: &str, seed: u64) -> Outcome
where
    T: serde::de::DeserializeOwned + certifyos::__private::Decode + std::fmt::Debug,
{
    let example: Value = serde_json::from_str(example).expect("a JSON example");
    let mut rng = Rng(seed);
    let mut outcome = Outcome {
        operation,
        decoded: 0,
        refused: 0,
        panics: Vec::new(),
        disagreements: Vec::new(),
        arrays: 0,
    };
    for case in 0..=CASES {
        let value = if case == 0 {
            example.clone()
        } else {
            perturb(&example, &mut rng)
        };
        let text = value.to_string();
        let paths = catch_unwind(AssertUnwindSafe(|| {
            (serde_path::<T>(&text), generated::<T>(&text))
        }));
        match paths {
            Ok((theirs, ours)) => {
                if theirs.is_ok() {
                    outcome.decoded += 1;
                } else {
                    outcome.refused += 1;
                }
                if ours
                    .as_ref()
                    .is_err_and(|e| e.reason.contains("sequence, expected a map"))
                {
                    outcome.arrays += 1;
                }
                if !agree(&theirs, &ours) {
                    outcome.disagreements.push(format!(
                        "{operation}, case {case}: serde {theirs:?}, generated {ours:?}: {text}"
                    ));
                }
            }
            Err(_) => outcome
                .panics
                .push(format!("{operation}, case {case} (seed {seed}): {text}")),
        }
    }
    outcome
}

/// The first 20 of `lines`, each cut at 400 characters, for a failure's
/// message.
fn excerpt(lines: &[&String]) -> String {
    lines
        .iter()
        .take(20)
        .map(|s| s.chars().take(400).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! decoders {
    ($(($name:expr, $ty:ty, $json:expr)),* $(,)?) => {
        fn every_decoder() -> Vec<Outcome> {
            let mut seed = SEED;
            vec![$({
                seed += 1;
                check::<$ty>($name, $json, seed)
            }),*]
        }
    };
}

include!("../../generated/decoders.rs");

#[test]
fn no_response_decoder_panics_on_any_json() {
    let outcomes = every_decoder();
    let panics: Vec<&String> = outcomes.iter().flat_map(|o| &o.panics).collect();
    assert!(
        panics.is_empty(),
        "{} decoder panics:\n{panics:#?}",
        panics.len()
    );
    // The property reaches past the first field: most examples decode, and
    // perturbations are both accepted and refused.
    let decoded: usize = outcomes.iter().map(|o| o.decoded).sum();
    let refused: usize = outcomes.iter().map(|o| o.refused).sum();
    assert!(outcomes.len() >= 30, "{} operations", outcomes.len());
    assert!(
        decoded > outcomes.len() * 10 && refused > outcomes.len() * 10,
        "{decoded} decoded, {refused} refused"
    );
    let never_decoded: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.decoded == 0)
        .map(|o| o.operation)
        .collect();
    assert!(
        never_decoded.is_empty(),
        "no value decoded for {never_decoded:?}"
    );
    eprintln!(
        "{} operations × {} values: {decoded} decoded, {refused} refused, no panic",
        outcomes.len(),
        CASES + 1
    );
}

#[test]
fn the_generated_decoders_and_serde_agree_on_every_value() {
    let outcomes = every_decoder();
    let disagreements: Vec<&String> = outcomes.iter().flat_map(|o| &o.disagreements).collect();
    let values = outcomes.len() * (CASES + 1);
    assert!(
        disagreements.is_empty(),
        "{} of {values} values decode differently:\n{}",
        disagreements.len(),
        excerpt(&disagreements)
    );
    let arrays: usize = outcomes.iter().map(|o| o.arrays).sum();
    eprintln!(
        "{values} values: the same value or the same error pointer on both paths \
         ({arrays} with an array where the document says object)"
    );
}

/// What the encoder property found for one body type.
struct Written {
    operation: &'static str,
    /// Values serde read as the type, each written both ways.
    written: usize,
    /// Values written differently by the two paths, or not read back.
    disagreements: Vec<String>,
    panics: Vec<String>,
}

fn check_encoder<T>(operation: &'static str, example: &str, seed: u64) -> Written
where
    T: serde::de::DeserializeOwned
        + serde::Serialize
        + certifyos::__private::Encode
        + std::fmt::Debug,
{
    let example: Value = serde_json::from_str(example).expect("a JSON example");
    let mut rng = Rng(seed);
    let mut outcome = Written {
        operation,
        written: 0,
        disagreements: Vec::new(),
        panics: Vec::new(),
    };
    for case in 0..=CASES {
        let value = if case == 0 {
            example.clone()
        } else {
            perturb(&example, &mut rng)
        };
        let Ok(typed) = serde_json::from_value::<T>(value.clone()) else {
            continue;
        };
        let written = catch_unwind(AssertUnwindSafe(|| {
            let ours = String::from_utf8(certifyos::__private::to_vec(&typed)).expect("UTF-8");
            let theirs = serde_json::to_string(&typed).expect("serializes");
            (ours, theirs)
        }));
        let Ok((ours, theirs)) = written else {
            outcome
                .panics
                .push(format!("{operation}, case {case} (seed {seed}): {value}"));
            continue;
        };
        outcome.written += 1;
        let again = serde_json::from_str::<T>(&ours).map(|v| format!("{v:?}"));
        if ours != theirs || again.as_ref().ok() != Some(&format!("{typed:?}")) {
            outcome.disagreements.push(format!(
                "{operation}, case {case}: generated {ours}, serde {theirs}, read back {again:?}"
            ));
        }
    }
    outcome
}

macro_rules! encoders {
    ($(($name:expr, $ty:ty, $json:expr)),* $(,)?) => {
        fn every_encoder() -> Vec<Written> {
            let mut seed = SEED;
            vec![$({
                seed += 1;
                check_encoder::<$ty>($name, $json, seed)
            }),*]
        }
    };
}

include!("../../generated/encoders.rs");

#[test]
fn the_generated_encoders_and_serde_write_the_same_json() {
    let outcomes = every_encoder();
    let panics: Vec<&String> = outcomes.iter().flat_map(|o| &o.panics).collect();
    assert!(
        panics.is_empty(),
        "{} encoder panics:\n{panics:#?}",
        panics.len()
    );
    let disagreements: Vec<&String> = outcomes.iter().flat_map(|o| &o.disagreements).collect();
    let written: usize = outcomes.iter().map(|o| o.written).sum();
    assert!(
        disagreements.is_empty(),
        "{} of {written} bodies are written differently:\n{}",
        disagreements.len(),
        excerpt(&disagreements)
    );
    assert!(outcomes.len() >= 20, "{} operations", outcomes.len());
    let never: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.written == 0)
        .map(|o| o.operation)
        .collect();
    assert!(never.is_empty(), "no body written for {never:?}");
    assert!(written > outcomes.len() * 10, "{written} bodies written");
    eprintln!(
        "{} body types: {written} values written the same way on both paths and read back",
        outcomes.len()
    );
}
