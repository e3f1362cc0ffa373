#!/usr/bin/env bash
# Fuzz the DNS decoder (fuzz/fuzz_targets/dns_decode.rs) for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]        default 60, or $FUZZ_SECONDS
#
# Uses cargo fuzz (libFuzzer), installing cargo-fuzz from crates.io if missing.
# cargo fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 enables
# them. If the fuzz target cannot be built at all, falls back to an in-process
# loop of mutated messages (the ignored test fuzz_loop_in_process) for the same time.
set -euo pipefail

SECONDS_TO_RUN="${1:-${FUZZ_SECONDS:-60}}"
cd "$(dirname "$0")/.."

fallback() {
    echo "fuzz.sh: $1; running the in-process fallback loop for ${SECONDS_TO_RUN}s instead" >&2
    SOCKLAB_FUZZ_SECONDS="$SECONDS_TO_RUN" exec cargo test --lib proto::dns::tests::fuzz_loop_in_process \
        -- --ignored --exact --nocapture
}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz from crates.io" >&2
    cargo install cargo-fuzz || fallback "cargo install cargo-fuzz failed"
fi

# Nightly is used when installed; otherwise unlock nightly features on stable.
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    export RUSTC_BOOTSTRAP=1
fi

if ! cargo fuzz build dns_decode; then
    fallback "cargo fuzz build failed"
fi

mkdir -p fuzz/corpus/dns_decode
exec cargo fuzz run dns_decode fuzz/corpus/dns_decode -- -max_total_time="$SECONDS_TO_RUN"
