#!/usr/bin/env bash
# Seeds for the pipeline and capture_file fuzz targets from real captures
# (examples/fuzz_seeds.rs): captures/*.pcap, and the captures of ../shared/corpus
# that libpcap reads (its INDEX.tsv): every one on a link type socklab decodes
# other than Ethernet, and up to $FUZZ_SEED_FILES (default 300) Ethernet ones.
# Writes fuzz/corpus/pipeline and fuzz/corpus/capture_file (not committed;
# fuzz.sh runs this when they are empty).
# The committed seeds (fuzz/seeds-pipeline and fuzz/seeds-capture_file: captures/
# and two corpus files per decoded non-Ethernet link type, under 300 KB) are
# regenerated with: scripts/fuzz-seeds.sh --committed
#
#   scripts/fuzz-seeds.sh [--committed]
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${FUZZ_SEED_FILES:-300}"
CORPUS=../shared/corpus

# libpcap's names of the link types socklab decodes (src/sniff/link.rs), but EN10MB.
DECODED='^(NULL|LOOP|LINUX_SLL|LINUX_SLL2|RAW|IPV4|IPV6|PPP|PPP_SERIAL|C_HDLC|FRELAY|SLIP)[(]'

# Corpus paths: at most $1 per decoded non-Ethernet link type, then $2 Ethernet ones.
corpus_files() {
    awk -F'\t' -v per="$1" -v re="$DECODED" \
        'NR > 1 && $8 == "ok" && $6 ~ re && n[$6]++ < per { print $1 }' "$CORPUS/INDEX.tsv"
    awk -F'\t' 'NR > 1 && $8 == "ok" && $6 == "EN10MB(1)" { print $1 }' "$CORPUS/INDEX.tsv" | head -n "$2"
}

files=(captures/*.pcap)
if [ "${1:-}" = "--committed" ]; then
    if [ -f "$CORPUS/INDEX.tsv" ]; then
        while IFS= read -r p; do files+=("$CORPUS/$p"); done < <(corpus_files 2 0)
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    cargo run --quiet --example fuzz_seeds -- "$tmp" "${files[@]}"
    rm -rf fuzz/seeds-pipeline
    mv "$tmp/pipeline" fuzz/seeds-pipeline
    rm -rf fuzz/seeds-capture_file
    mv "$tmp/capture_file" fuzz/seeds-capture_file
    exit 0
fi
if [ -f "$CORPUS/INDEX.tsv" ]; then
    while IFS= read -r p; do files+=("$CORPUS/$p"); done < <(corpus_files 1000 "$LIMIT")
else
    echo "fuzz-seeds.sh: no $CORPUS/INDEX.tsv; seeding from captures/ only" >&2
fi
cargo run --quiet --example fuzz_seeds -- fuzz/corpus "${files[@]}"
