#!/usr/bin/env bash
# Writes the packet-list goldens of tests/tshark_list_goldens.rs: for each line of
# tests/golden/list/manifest.tsv, tests/golden/list/NAME.txt = `tshark -n -2 -r FILE`
# as a user runs it (no -d options, UTC, a fresh configuration), so the test never
# needs tshark. A line with a fifth column, a display filter, lists only the frames
# it shows (`-Y FILTER`, both for tshark here and for socklab in the test): for a
# capture whose other frames socklab does not show as tshark does yet.
#
#   scripts/list-goldens.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dir=tests/golden/list
corpus=${SOCKLAB_CORPUS:-../shared/corpus}
command -v tshark >/dev/null || { echo "list-goldens: tshark is not installed (apt-get install tshark)" >&2; exit 1; }
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

grep -v '^#' "$dir/manifest.tsv" | tail -n +2 | while IFS=$'\t' read -r name source path _reason filter; do
  case "$source" in
    captures) file=captures/$path ;;
    corpus) file=$corpus/$path ;;
    *) echo "list-goldens: unknown source '$source' for $name" >&2; exit 1 ;;
  esac
  [ -f "$file" ] || { echo "list-goldens: $file (for $name) is missing" >&2; exit 1; }
  if [ -n "$filter" ]; then
    tshark -n -2 -r "$file" -Y "$filter" 2>/dev/null >"$dir/$name.txt"
  else
    tshark -n -2 -r "$file" 2>/dev/null >"$dir/$name.txt"
  fi
  echo "list-goldens: $dir/$name.txt ($(wc -l <"$dir/$name.txt") frames) from $file"
done
