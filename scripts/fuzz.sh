#!/usr/bin/env bash
# Fuzz the DNS decoder (fuzz/fuzz_targets/dns_decode.rs) for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]        default 60, or $FUZZ_SECONDS
#
# Uses cargo fuzz (libFuzzer), installing cargo-fuzz from crates.io if missing.
# cargo fuzz needs nightly: the nightly toolchain is used when rustup has one
# (or FUZZ_TOOLCHAIN names another), else RUSTC_BOOTSTRAP=1 unlocks nightly
# features on stable. If the fuzz target cannot be built at all, falls back to an in-process
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

# cargo fuzz needs nightly compiler flags (-Zsanitizer). Use the nightly toolchain
# when rustup has one; on any other toolchain unlock nightly features.
if [ -z "${FUZZ_TOOLCHAIN:-}" ]; then
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then FUZZ_TOOLCHAIN=nightly; else FUZZ_TOOLCHAIN=stable; fi
fi
case "$FUZZ_TOOLCHAIN" in
    nightly*) ;;
    *) export RUSTC_BOOTSTRAP=1 ;;
esac
FUZZ=(cargo "+$FUZZ_TOOLCHAIN" fuzz)

if ! "${FUZZ[@]}" build dns_decode; then
    fallback "cargo fuzz build failed"
fi

mkdir -p fuzz/corpus/dns_decode
# New inputs go to fuzz/corpus (not committed); fuzz/seeds holds real messages to start from.
exec "${FUZZ[@]}" run dns_decode fuzz/corpus/dns_decode fuzz/seeds -- -max_total_time="$SECONDS_TO_RUN"
