//! Property: no response decoder panics, whatever JSON arrives. For every
//! generated operation with a response body (listed by `cargo xtask codegen`
//! in `generated/decoders.rs`, with a value made from the document), the
//! value and seeded random perturbations of it — any node replaced by a
//! random JSON value — are decoded into the operation's type: each ends in
//! `Ok` or `Err`, never a panic.

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
}

fn check<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    example: &str,
    seed: u64,
) -> Outcome {
    let example: Value = serde_json::from_str(example).expect("a JSON example");
    let mut rng = Rng(seed);
    let mut outcome = Outcome {
        operation,
        decoded: 0,
        refused: 0,
        panics: Vec::new(),
    };
    for case in 0..=CASES {
        let value = if case == 0 {
            example.clone()
        } else {
            perturb(&example, &mut rng)
        };
        let text = value.to_string();
        match catch_unwind(AssertUnwindSafe(|| {
            serde_json::from_str::<T>(&text).map(drop)
        })) {
            Ok(Ok(())) => outcome.decoded += 1,
            Ok(Err(_)) => outcome.refused += 1,
            Err(_) => outcome
                .panics
                .push(format!("{operation}, case {case} (seed {seed}): {text}")),
        }
    }
    outcome
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
