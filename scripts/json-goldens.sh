#!/usr/bin/env bash
# Regenerates the `-T json -x` goldens that tests/json_goldens.rs compares socklab
# against, so that the tests never need tshark:
#
#   tests/golden/json/<source>__<path>.tsv.gz   tshark's -T json -x of the first
#       $FRAMES frames of each capture of tests/golden/manifest.tsv, flattened by
#       scripts/json-flat.py: frame, field, value, offset, length, bitmask, type
#   tests/golden/json/captures__<file>.ek.gz     tshark's -T ek -x of the first
#       $FRAMES frames of each of this repository's captures/
#
#   scripts/json-goldens.sh
#
# tshark runs as a user runs it (TZ=UTC tshark -n -2 -r FILE -T json -x), with the
# lab's TCP ports decoded as DNS and HTTP for captures/ files, as scripts/goldens.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

manifest=tests/golden/manifest.tsv
out_dir=tests/golden/json
corpus=${SOCKLAB_CORPUS:-../shared/corpus}
# Frames per capture: enough for handshakes, exchanges and teardowns, few enough
# that the goldens stay small.
FRAMES=40

die() { echo "json-goldens: $*" >&2; exit 1; }
command -v tshark >/dev/null || die "tshark is needed (apt-get install tshark)"
command -v python3 >/dev/null || die "python3 is needed"
[ -f "$manifest" ] || die "$manifest is missing"

config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

mkdir -p "$out_dir"
# The goldens are made anew; known-differences.tsv, kept by hand, stays.
find "$out_dir" \( -name '*.tsv.gz' -o -name '*.ek.gz' \) -delete
n=0
while IFS=$'\t' read -r source path _reason; do
  case "$source" in
    captures) file=captures/$path; extra=(-d tcp.port==10053,dns -d tcp.port==10080,http) ;;
    corpus) file=$corpus/$path; extra=() ;;
    *) continue ;;
  esac
  [ -f "$file" ] || die "$file (listed in $manifest) does not exist"
  name="${source}__${path//\//__}.tsv.gz"
  tshark -n -2 -r "$file" "${extra[@]}" -c "$FRAMES" -T json -x 2>/dev/null |
    python3 scripts/json-flat.py | gzip -n -9 >"$out_dir/$name" ||
    die "tshark or the flattener failed on $file"
  if [ "$source" = captures ]; then
    tshark -n -2 -r "$file" "${extra[@]}" -c "$FRAMES" -T ek -x 2>/dev/null | gzip -n -9 \
      >"$out_dir/${name%.tsv.gz}.ek.gz" || die "tshark -T ek failed on $file"
  fi
  n=$((n + 1))
done < <(grep -v '^#' "$manifest")
echo "json-goldens: $n captures, $(du -sh "$out_dir" | cut -f1) ($(tshark --version | head -n 1))"
