//! A short in-process fuzz run of every fuzz target on stable Rust (cargo fuzz
//! needs nightly; scripts/fuzz.sh runs the long one): each target's body in
//! `socklab::fuzzing` gets its committed seeds (fuzz/seeds*), then inputs made
//! from them by a small deterministic mutator (xorshift: bit flips, byte
//! overwrites, inserts, deletes, truncations, splices of other seeds), for
//! [`PER_TARGET`] or [`MAX_INPUTS`] inputs, whichever ends first. A panic fails
//! the test and prints the input in hex, to become a named regression test.
//!
//! `SOCKLAB_FUZZ_SMOKE_MS` changes the time per target; `SOCKLAB_FUZZ_SEED` the
//! mutator's seed.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

/// Time per target (7 targets: about 20 s in all).
const PER_TARGET: Duration = Duration::from_millis(2800);
/// Inputs per target at most.
const MAX_INPUTS: u64 = 200_000;
/// Longest input the mutator makes.
const MAX_LEN: usize = 16 * 1024;

/// A target: its name, its body, and its seed directory under fuzz/.
type Target = (&'static str, fn(&[u8]), &'static str);

const TARGETS: &[Target] = &[
    ("dns_decode", socklab::fuzzing::dns_decode, "seeds"),
    ("http_request", socklab::fuzzing::http_request, "seeds-http_request"),
    ("http_response", socklab::fuzzing::http_response, "seeds-http_response"),
    ("display_filter", socklab::fuzzing::display_filter, "seeds-display_filter"),
    ("dns_hex", socklab::fuzzing::dns_hex, "seeds-dns_hex"),
    ("pipeline", socklab::fuzzing::pipeline, "seeds-pipeline"),
    ("capture_file", socklab::fuzzing::capture_file, "seeds-capture_file"),
];

/// Mutates `data` in 1 to 8 steps, taking spliced bytes from `seeds`.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if at < data.len() => data[at] ^= 1 << rng.below(8),
            1 if at < data.len() => data[at] = rng.next() as u8,
            2 if at < data.len() => data[at] = [0, 0xff, 0x7f, 0x80][rng.below(4)],
            3 => data.insert(at, rng.next() as u8),
            4 if at < data.len() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            5 => data.truncate(at),
            _ => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let take = 1 + rng.below(64);
                    data.splice(at..at, other[from..].iter().copied().take(take));
                }
            }
        }
    }
    data.truncate(MAX_LEN);
}

/// The files of fuzz/`dir`, sorted by name.
fn seeds(dir: &str) -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot read the seeds in {}: {e}", path.display()))
        .map(|e| e.expect("a seed directory entry").path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).expect("a seed file")).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", path.display());
    seeds
}

/// Runs `body` on `data`; on a panic, fails naming the target and the input.
fn check(name: &str, body: fn(&[u8]), data: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| body(data))).is_err() {
        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
        panic!("fuzz target {name} panicked on {} bytes: {hex}", data.len());
    }
}

#[test]
fn every_fuzz_target_survives_mutated_seeds() {
    let per_target = std::env::var("SOCKLAB_FUZZ_SMOKE_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(PER_TARGET, Duration::from_millis);
    let seed = std::env::var("SOCKLAB_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_f022_u64);
    for &(name, body, dir) in TARGETS {
        let seeds = seeds(dir);
        for s in &seeds {
            check(name, body, s);
        }
        let mut rng = Rng(seed | 1);
        let deadline = Instant::now() + per_target;
        let mut runs = 0u64;
        while runs < MAX_INPUTS && (!runs.is_multiple_of(64) || Instant::now() < deadline) {
            let mut data = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &mut data, &seeds);
            check(name, body, &data);
            runs += 1;
        }
        eprintln!("fuzz_smoke: {name}: {} seeds, {runs} mutated inputs, no panic", seeds.len());
    }
}
