//! Decoding the largest list response: `GET /v2/providers` answering
//! 10,000 providers, each the document's provider with every field
//! (`generated/decoders.rs`'s value for the operation, its ids varied),
//! decoded into `Vec<types::ProviderListV2ResponseDto>` by the generated
//! decoder (the client's path) and by serde's derive (the `serde`
//! feature's). Before the timings it prints each path's peak heap during
//! one decode, as a multiple of the body's size (a counting allocator).
//!
//! `cargo bench -p certifyos-bench --bench decode_providers`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{criterion_group, criterion_main, Criterion};

use certifyos::types::ProviderListV2ResponseDto;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

macro_rules! decoders {
    ($(($name:expr, $ty:ty, $json:expr)),* $(,)?) => {
        /// The document's value for `GET /v2/providers`.
        fn example() -> &'static str {
            $(if $name == "providers_v2_find_all" {
                return $json;
            })*
            panic!("no providers_v2_find_all in generated/decoders.rs")
        }
    };
}

include!("../../generated/decoders.rs");

/// 10,000 providers as one JSON body.
fn body() -> Vec<u8> {
    let list: serde_json::Value = serde_json::from_str(example()).unwrap();
    let one = list[0].clone();
    let providers: Vec<serde_json::Value> = (0..10_000)
        .map(|i| {
            let mut p = one.clone();
            p["npi"] = format!("{:010}", 1_000_000_000u64 + i).into();
            p["provider_id"] = format!("prov_{i}").into();
            p
        })
        .collect();
    serde_json::to_vec(&providers).unwrap()
}

/// The peak heap above what was live before, while `decode` runs once.
fn peak_during(decode: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    decode();
    PEAK.load(Ordering::Relaxed) - base
}

fn decode_providers(c: &mut Criterion) {
    let body = body();
    let generated =
        || certifyos::__private::from_slice::<Vec<ProviderListV2ResponseDto>>(&body).unwrap();
    let serde = || serde_json::from_slice::<Vec<ProviderListV2ResponseDto>>(&body).unwrap();
    assert_eq!(generated().len(), 10_000);
    assert_eq!(format!("{:?}", generated()), format!("{:?}", serde()));
    let mb = |b: usize| b as f64 / 1e6;
    let (ours, theirs) = (
        peak_during(|| drop(generated())),
        peak_during(|| drop(serde())),
    );
    eprintln!(
        "body {:.1} MB; peak heap while decoding: generated {:.1} MB ({:.2}× the body), serde {:.1} MB ({:.2}×)",
        mb(body.len()),
        mb(ours),
        ours as f64 / body.len() as f64,
        mb(theirs),
        theirs as f64 / body.len() as f64,
    );
    let mut group = c.benchmark_group("decode 10,000 providers");
    group.sample_size(20);
    group.bench_function("generated decoder", |b| b.iter(generated));
    group.bench_function("serde derive", |b| b.iter(serde));
    group.finish();
}

criterion_group!(benches, decode_providers);
criterion_main!(benches);
