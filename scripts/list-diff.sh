#!/usr/bin/env bash
# Compares socklab's packet list with tshark's, line by line, on a set of captures:
#
#   scripts/list-diff.sh [-b SOCKLAB] [-g PATTERN] [-v] [-t SECONDS] FILE...
#   scripts/list-diff.sh [-b SOCKLAB] [-g PATTERN] [-v] [-t SECONDS] -c GREP   # corpus files whose tshark list matches GREP
#
# For each file it prints how many list lines differ (a line of tshark's missing from
# socklab's output at the same frame), then the total. -g counts only the lines whose
# tshark text matches PATTERN (e.g. 'DNS|HTTP'); -v prints the differing lines;
# -b runs another socklab binary (default target/debug/socklab); -c picks, from
# ../shared/corpus/INDEX.tsv, the files tshark reads whose list contains GREP;
# -t bounds each tshark and socklab run (60 seconds unless told).
# SOCKLAB_TSHARK_CACHE=DIR keeps tshark's list of each file in DIR and reads it
# from there the next time (tshark's output does not change between runs; socklab's
# does), as scripts/agreement.sh uses it.
# Both sides run with TZ=UTC and without name resolution (tshark -n -2).
set -euo pipefail
cd "$(dirname "$0")/.."

socklab=target/debug/socklab
pattern=''
verbose=0
corpus_grep=''
limit=60
while getopts 'b:g:vc:t:' opt; do
  case "$opt" in
    b) socklab=$OPTARG ;;
    g) pattern=$OPTARG ;;
    v) verbose=1 ;;
    c) corpus_grep=$OPTARG ;;
    t) limit=$OPTARG ;;
    *) echo "usage: $0 [-b SOCKLAB] [-g PATTERN] [-v] [-t SECONDS] [-c GREP] FILE..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

command -v tshark >/dev/null || { echo "list-diff: tshark is needed (apt-get install tshark)" >&2; exit 1; }
[ -x "$socklab" ] || { echo "list-diff: $socklab is missing: run cargo build first" >&2; exit 1; }

config=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$config" "$work"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

files=("$@")
if [ -n "$corpus_grep" ]; then
  corpus=${SOCKLAB_CORPUS:-../shared/corpus}
  [ -f "$corpus/INDEX.tsv" ] || { echo "list-diff: $corpus/INDEX.tsv is missing" >&2; exit 1; }
  while IFS=$'\t' read -r path _linktype _packets status _rest; do
    [ "$status" = ok ] || continue
    if timeout "$limit" tshark -n -2 -r "$corpus/$path" 2>/dev/null | grep -Eq -- "$corpus_grep"; then
      files+=("$corpus/$path")
    fi
  done < <(tail -n +2 "$corpus/INDEX.tsv")
fi
[ "${#files[@]}" -gt 0 ] || { echo "list-diff: no files to compare" >&2; exit 2; }

total=0
lines=0
for f in "${files[@]}"; do
  cached=''
  if [ -n "${SOCKLAB_TSHARK_CACHE:-}" ]; then
    cached=$SOCKLAB_TSHARK_CACHE/$(realpath "$f" | tr / _).list
  fi
  if [ -n "$cached" ] && [ -f "$cached" ]; then
    cp "$cached" "$work/t"
  else
    if timeout "$limit" tshark -n -2 -r "$f" 2>/dev/null >"$work/t"; then
      [ -z "$cached" ] || cp "$work/t" "$cached"
    fi
  fi
  timeout "$limit" "$socklab" read "$f" --color never 2>/dev/null >"$work/s" || true
  # Lines of tshark's list that socklab's lacks, paired by frame number (socklab's
  # notes, marked ↳, and its column header are not list lines).
  n=$(awk -v pat="$pattern" -v v="$verbose" -v sfile="$work/s" 'FILENAME == sfile { if ($1 ~ /^[0-9]+$/) s[$1]=$0; next }
        (pat == "" || $0 ~ pat) { seen++; if (s[$1] != $0) { d++; if (v) print "  tshark: " $0 "\n  socklab: " s[$1] > "/dev/stderr" } }
        END { print d+0, seen+0 }' "$work/s" "$work/t")
  d=${n% *}
  seen=${n#* }
  total=$((total + d))
  lines=$((lines + seen))
  [ "$d" -eq 0 ] || echo "$d	$f"
done
echo "total: $total of $lines lines differ in ${#files[@]} files"
