#!/usr/bin/env bash
# Fuzz socklab's parsers, each target for a bounded time, then print executions
# and crashes per target.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target: default 60, or $FUZZ_SECONDS
#
# Targets (fuzz/fuzz_targets/): dns_decode (DNS decoder and codec round trip, and
# the server logic), http_request, http_response (with the chunked decoder),
# display_filter (`read -Y`), dns_hex (`dns decode`'s hex reader), pipeline
# (every link type through both passes and every view), capture_file (the
# pcap/pcapng/gzip reader on an in-memory file). The targets' bodies are
# in src/fuzzing.rs, shared with tests/fuzz_smoke.rs (a short stable run in CI).
# Seeds: fuzz/seeds (DNS messages) and fuzz/seeds-TARGET; new inputs go to
# fuzz/corpus/TARGET and crashing ones to fuzz/artifacts/TARGET (neither committed).
# The pipeline and capture_file targets are also seeded from ../shared/corpus by
# scripts/fuzz-seeds.sh into fuzz/corpus/TARGET when that is empty.
# Each crash found should become a named regression test with the bytes inlined.
#
# The targets are built with AddressSanitizer (cargo fuzz's default); set
# FUZZ_SANITIZER=none for a faster build without it.
#
# Uses cargo fuzz (libFuzzer), installing cargo-fuzz from crates.io if missing.
# cargo fuzz needs nightly: the nightly toolchain is used when rustup has one
# (or FUZZ_TOOLCHAIN names another), else RUSTC_BOOTSTRAP=1 unlocks nightly
# features on stable. If the targets cannot be built at all, falls back to the
# in-process mutator of tests/fuzz_smoke.rs for SECONDS per target.
set -euo pipefail

SECONDS_TO_RUN="${1:-${FUZZ_SECONDS:-60}}"
shift || true
ALL=(dns_decode http_request http_response display_filter dns_hex pipeline capture_file)
SANITIZER="${FUZZ_SANITIZER:-address}"
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
cd "$(dirname "$0")/.."

fallback() {
    echo "fuzz.sh: $1; running the in-process mutator (tests/fuzz_smoke.rs) for ${SECONDS_TO_RUN}s per target instead" >&2
    SOCKLAB_FUZZ_SMOKE_MS="$((SECONDS_TO_RUN * 1000))" exec cargo test --release --test fuzz_smoke -- --nocapture
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

for t in "${TARGETS[@]}"; do
    "${FUZZ[@]}" build -s "$SANITIZER" "$t" || fallback "cargo fuzz build $t failed"
done

seeds_of() {
    case "$1" in
        dns_decode) echo fuzz/seeds ;;
        *) echo "fuzz/seeds-$1" ;;
    esac
}

if [[ " ${TARGETS[*]} " == *" pipeline "* || " ${TARGETS[*]} " == *" capture_file "* ]] &&
    [ -z "$(ls -A fuzz/corpus/pipeline 2>/dev/null)" ]; then
    scripts/fuzz-seeds.sh || echo "fuzz.sh: no seeds from the corpus; using the committed ones" >&2
fi

declare -A RUNS CRASHES
failed=0
for t in "${TARGETS[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log="fuzz/artifacts/$t/last-run.log"
    before=$(find "fuzz/artifacts/$t" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' | wc -l)
    echo "fuzz.sh: $t for ${SECONDS_TO_RUN}s" >&2
    # A crash ends the run early with a non-zero status; it is counted below.
    "${FUZZ[@]}" run -s "$SANITIZER" "$t" "fuzz/corpus/$t" "$(seeds_of "$t")" -- \
        -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1 || true
    after=$(find "fuzz/artifacts/$t" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' | wc -l)
    RUNS[$t]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    RUNS[$t]=${RUNS[$t]:-?}
    CRASHES[$t]=$((after - before))
    if [ "${CRASHES[$t]}" -gt 0 ]; then
        failed=1
        grep -E '^(==[0-9]+==ERROR|thread .* panicked|SUMMARY)' "$log" | head -3 >&2 || true
    fi
done

printf '%-16s %14s %8s\n' target executions crashes
for t in "${TARGETS[@]}"; do
    printf '%-16s %14s %8s\n' "$t" "${RUNS[$t]}" "${CRASHES[$t]}"
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz.sh: crashing inputs are in fuzz/artifacts/TARGET/; reproduce with: cargo +$FUZZ_TOOLCHAIN fuzz run -s $SANITIZER TARGET FILE" >&2
    exit 1
fi
