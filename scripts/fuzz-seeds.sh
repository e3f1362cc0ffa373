#!/usr/bin/env bash
# Seeds for the pipeline and capture_file fuzz targets from real captures
# (examples/fuzz_seeds.rs): the captures in captures/, and the captures of ../shared/corpus
# that libpcap reads (its INDEX.tsv): every one on a link type socklab decodes
# other than Ethernet, up to $FUZZ_SEED_FILES (default 300) Ethernet ones, and
# up to 200 pcapng files (also those libpcap refuses, for the file reader).
# Writes fuzz/corpus/pipeline and fuzz/corpus/capture_file (not committed;
# fuzz.sh runs this when they are empty).
# The committed seeds (fuzz/seeds-pipeline and fuzz/seeds-capture_file: captures/
# two corpus files per decoded non-Ethernet link type and 8 pcapng files,
# about 170 KB in all) are
# regenerated with: scripts/fuzz-seeds.sh --committed
#
#   scripts/fuzz-seeds.sh [--committed]
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${FUZZ_SEED_FILES:-300}"
CORPUS=../shared/corpus

# libpcap's names of the link types socklab decodes (src/sniff/dissect/link/mod.rs), but EN10MB.
DECODED='^(NULL|LOOP|LINUX_SLL|LINUX_SLL2|RAW|IPV4|IPV6|PPP|PPP_SERIAL|C_HDLC|FRELAY|SLIP)[(]'

# Corpus paths: at most $1 per decoded non-Ethernet link type, $2 Ethernet ones,
# and $3 pcapng files whatever libpcap makes of them (for the file reader).
corpus_files() {
    {
        awk -F'\t' -v per="$1" -v re="$DECODED" \
            'NR > 1 && $8 == "ok" && $6 ~ re && n[$6]++ < per { print $1 }' "$CORPUS/INDEX.tsv"
        awk -F'\t' 'NR > 1 && $8 == "ok" && $6 == "EN10MB(1)" { print $1 }' "$CORPUS/INDEX.tsv" | head -n "$2" || true
        # pcapng-test-generator's files first: they exercise the format's corners.
        awk -F'\t' 'NR > 1 && $5 == "pcapng" { print ($1 ~ /^pcapng-test-generator/ ? 0 : 1) "\t" $1 }' \
            "$CORPUS/INDEX.tsv" | sort -s -k1,1 | cut -f2 | head -n "$3" || true
    } | sort -u
}

files=(captures/*.pcap captures/*.pcapng captures/*.gz)
if [ "${1:-}" = "--committed" ]; then
    if [ -f "$CORPUS/INDEX.tsv" ]; then
        while IFS= read -r p; do files+=("$CORPUS/$p"); done < <(corpus_files 2 0 8)
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
    while IFS= read -r p; do files+=("$CORPUS/$p"); done < <(corpus_files 1000 "$LIMIT" 200)
else
    echo "fuzz-seeds.sh: no $CORPUS/INDEX.tsv; seeding from captures/ only" >&2
fi
cargo run --quiet --example fuzz_seeds -- fuzz/corpus "${files[@]}"
