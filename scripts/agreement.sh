#!/usr/bin/env bash
# How closely socklab agrees with tshark over the whole corpus: a report, not a test
# (no test runs it; it needs tshark and takes minutes).
#
#   scripts/agreement.sh [-b SOCKLAB] [-o DIR] [-t SECONDS] [-j JOBS] [-c CACHE] [-F FIELDS] [FILE...]
#
# For every capture of ../shared/corpus (or $SOCKLAB_CORPUS) that both tshark and
# libpcap read (INDEX.tsv: tshark_status `ok…`, libpcap_status `ok`), or for the
# FILEs given, it measures
#   1. list lines: the share of `tshark -n -2 -r FILE` lines that `socklab read FILE`
#      prints the same (scripts/list-diff.sh compares them);
#   2. field cells: the share of `-T fields` cells (one per frame and field) that
#      socklab prints as `tshark -n -2 -T fields` does, for DESIGN.md's fields (the
#      list of scripts/goldens.sh) and every field of the registered protocols
#      (arp, igmp, ospf, vrrp, dhcp, dhcpv6, ntp, lldp, stp, cdp) that tshark also knows; both
#      over all cells and over the cells where either side has a value.
# It prints the totals, the differing list lines by tshark's Protocol column and a
# short classification (scripts/agreement.py), and writes the details to DIR
# (bench-out/agreement unless told): summary.txt, list-categories.tsv (every
# category with counts and an example), fields.tsv (per field), files.tsv (per
# file) and the raw per-file results under files/.
#
# -b: the socklab binary (default target/debug/socklab); -t: the bound on each
# tshark or socklab run (default 60 s; a run cut short counts as differing and the
# file is named in files.tsv); -j: files at once (default 2, the machine's cores);
# -c: where tshark's outputs are kept between runs (default bench-out/tshark-cache,
# keyed by file, field list and tshark version: a second run, after a change to
# socklab, only runs socklab; delete the folder when the corpus changes);
# -F: compare these fields (a file with the names on one line, as DIR/fields.txt
# of an earlier run) instead of the list above, to compare two socklab builds on
# the same fields.
set -euo pipefail
cd "$(dirname "$0")/.."

# One file (run by xargs below): its list differences, its field cells, and tshark's
# Protocol column per frame, into $AGREE_OUT/files/<name>.*.
if [ "${1:-}" = --one ]; then
  f=$2
  name=${f#"$AGREE_CORPUS"/}
  name=${name//\//__}
  dir=$AGREE_OUT/files
  status=ok
  scripts/list-diff.sh -b "$AGREE_SOCKLAB" -t "$AGREE_TIMEOUT" -v "$f" \
    >"$dir/$name.list" 2>"$dir/$name.listdiff" || status="list-diff failed"
  read -r -a fields <"$AGREE_OUT/fields.txt"
  args=()
  for x in "${fields[@]}"; do args+=(-e "$x"); done
  rc=0
  cached=$SOCKLAB_TSHARK_CACHE/$(realpath "$f" | tr / _).fields-$AGREE_FIELDS_SUM
  if [ -f "$cached" ]; then
    cp "$cached" "$dir/$name.tshark"
  else
    timeout "$AGREE_TIMEOUT" tshark -n -2 -r "$f" -T fields -E header=n -E occurrence=a -E aggregator=, \
      -e _ws.col.Protocol "${args[@]}" >"$dir/$name.tshark" 2>/dev/null || rc=$?
    case "$rc" in
      0) cp "$dir/$name.tshark" "$cached" ;;
      124) status="tshark timed out" ;;
    esac
  fi
  rc=0
  timeout "$AGREE_TIMEOUT" "$AGREE_SOCKLAB" read "$f" -T fields "${args[@]}" >"$dir/$name.socklab" 2>"$dir/$name.err" || rc=$?
  case "$rc" in
    0) ;;
    124) status="socklab timed out" ;;
    *) status="socklab exit $rc: $(head -c 200 "$dir/$name.err" | tr '\t\n' '  ')" ;;
  esac
  # Per field: cells, equal cells, cells with a value on either side, equal ones of
  # those; then up to 3 differing cells per field (frame, field, tshark, socklab).
  awk -F'\t' -v sfile="$dir/$name.socklab" -v ffile="$AGREE_OUT/fields.txt" -v pfile="$dir/$name.proto" '
    BEGIN { getline line <ffile; n = split(line, name, " ") }
    FILENAME == sfile { s[FNR] = $0; next }
    {
      t[FNR] = $0
      print FNR "\t" $1 >pfile
      split(s[FNR], sv, "\t")
      for (i = 1; i <= n; i++) {
        want = $(i + 1); got = sv[i]
        cells[i]++
        if (want == got) eq[i]++
        if (want != "" || got != "") { ne[i]++; if (want == got) neq[i]++ }
        else continue
        if (want != got && shown[i]++ < 3) ex = ex "x\t" FNR "\t" name[i] "\t" want "\t" got "\n"
      }
    }
    END {
      for (i = 1; i <= n; i++) print "f\t" name[i] "\t" cells[i] + 0 "\t" eq[i] + 0 "\t" ne[i] + 0 "\t" neq[i] + 0
      printf "%s", ex
    }' "$dir/$name.socklab" "$dir/$name.tshark" >"$dir/$name.cells"
  printf '%s\t%s\n' "$f" "$status" >"$dir/$name.status"
  rm -f "$dir/$name.tshark" "$dir/$name.socklab" "$dir/$name.err"
  exit 0
fi

socklab=target/debug/socklab
out=bench-out/agreement
limit=60
jobs=2
cache=bench-out/tshark-cache
field_file=''
while getopts 'b:o:t:j:c:F:' opt; do
  case "$opt" in
    b) socklab=$OPTARG ;;
    o) out=$OPTARG ;;
    t) limit=$OPTARG ;;
    j) jobs=$OPTARG ;;
    c) cache=$OPTARG ;;
    F) field_file=$OPTARG ;;
    *) echo "usage: $0 [-b SOCKLAB] [-o DIR] [-t SECONDS] [-j JOBS] [-c CACHE] [-F FIELDS] [FILE...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

corpus=${SOCKLAB_CORPUS:-../shared/corpus}
command -v tshark >/dev/null || { echo "agreement: tshark is needed (apt-get install tshark)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "agreement: python3 is needed (apt-get install python3)" >&2; exit 1; }
[ -x "$socklab" ] || { echo "agreement: $socklab is missing: run cargo build first" >&2; exit 1; }

config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

if [ -n "$field_file" ]; then
  [ -s "$field_file" ] || { echo "agreement: the field list $field_file is missing or empty" >&2; exit 1; }
  given_fields=$(cat "$field_file")
fi
rm -rf "$out"
mkdir -p "$out/files"

# The fields: DESIGN.md's list as scripts/goldens.sh keeps it, then the registered
# protocols' fields that socklab's glossary lists and tshark's knows.
eval "$(sed -n '/^fields=(/,/^)/p' scripts/goldens.sh)"
[ "${#fields[@]}" -gt 50 ] || { echo "agreement: could not read the field list of scripts/goldens.sh" >&2; exit 1; }
tshark -G fields 2>/dev/null | awk -F'\t' '$1 == "F" || $1 == "P" { print $3 }' | sort -u >"$out/tshark-fields.txt"
registered=$("$socklab" read -G fields |
  awk -F'\t' '$1 == "F" && $5 ~ /^(arp|igmp|ospf|vrrp|dhcp|dhcpv6|ntp|lldp|stp|cdp)$/ { print $3 }' |
  grep -xFf "$out/tshark-fields.txt" || true)
[ -n "$registered" ] || { echo "agreement: socklab -G fields lists no registered protocol's field" >&2; exit 1; }
# shellcheck disable=SC2206 # field names have no spaces
fields+=($registered)
if [ -n "$field_file" ]; then
  # shellcheck disable=SC2206 # field names have no spaces
  fields=($given_fields)
fi
echo "${fields[*]}" >"$out/fields.txt"

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  [ -f "$corpus/INDEX.tsv" ] || { echo "agreement: $corpus/INDEX.tsv is missing" >&2; exit 1; }
  while IFS=$'\t' read -r path _linktype _packets tstatus _format _llinktype _lpackets lstatus; do
    case "$tstatus" in ok | ok\;*) ;; *) continue ;; esac
    [ "$lstatus" = ok ] || continue
    files+=("$corpus/$path")
  done < <(tail -n +2 "$corpus/INDEX.tsv")
fi
[ ${#files[@]} -gt 0 ] || { echo "agreement: no files to compare" >&2; exit 2; }

echo "agreement: ${#files[@]} files, ${#fields[@]} fields, $jobs at a time, ${limit}s per run; details in $out"
start=$(date +%s)
export AGREE_OUT=$out AGREE_SOCKLAB=$socklab AGREE_TIMEOUT=$limit AGREE_CORPUS=$corpus
export AGREE_FIELDS_SUM SOCKLAB_TSHARK_CACHE=$cache
AGREE_FIELDS_SUM=$( (tshark --version 2>/dev/null | head -n 1; cat "$out/fields.txt") | cksum | cut -d' ' -f1)
mkdir -p "$cache"
SOCKLAB_TSHARK_CACHE=$(realpath "$cache")
printf '%s\0' "${files[@]}" | xargs -0 -P "$jobs" -n 1 "$0" --one
echo "agreement: compared in $(($(date +%s) - start)) s"
python3 scripts/agreement.py "$out" | tee "$out/summary.txt"
