#!/usr/bin/env bash
# Regenerates src/sniff/glossary.tsv, what `socklab read -G fields` prints: tshark's
# own `-G fields` lines for the fields socklab supports (the names in the
# builtin_fields! blocks of the protocol files under src/sniff/dissect), grouped
# by protocol as tshark groups them: a `P` line (name, filter name) and then that
# protocol's `F` lines (name, filter name, type, protocol, base, bitmask,
# description).
#
#   scripts/glossary.sh
#
# Run it after adding a field to a protocol file (a unit test checks that every
# field has exactly one line).
set -euo pipefail
cd "$(dirname "$0")/.."

out=src/sniff/glossary.tsv
command -v tshark >/dev/null || { echo "glossary: tshark is needed (apt-get install tshark)" >&2; exit 1; }

config=$(mktemp -d)
all=$(mktemp)
trap 'rm -rf "$config" "$all"' EXIT
export WIRESHARK_CONFIG_DIR=$config
tshark -G fields 2>/dev/null >"$all"

# The built-in fields in order: the protocol files that PROTOCOLS in
# src/sniff/fields.rs lists (`tcp::fields::NAMES` is
# src/sniff/dissect/tcp/fields.rs), each one's builtin_fields! block in order.
names=()
while read -r module; do
  file=src/sniff/dissect/${module//:://}.rs
  [ -f "$file" ] || { echo "glossary: $file not found" >&2; exit 1; }
  mapfile -t -O "${#names[@]}" names < <(sed -n '/^builtin_fields! {/,/^}/p' "$file" | grep -oP '=> "\K[^"]+')
done < <(sed -n '/^const PROTOCOLS/,/^];/p' src/sniff/fields.rs | grep -oP '^\s*\K[\w:]+(?=::NAMES,)')
[ "${#names[@]}" -gt 0 ] || { echo "glossary: no field names found via src/sniff/fields.rs" >&2; exit 1; }

# Protocols in the order their first field appears.
protocols=()
declare -A seen=()
for n in "${names[@]}"; do
  p=${n%%.*}
  [ -n "${seen[$p]:-}" ] || { seen[$p]=1; protocols+=("$p"); }
done

version=$(tshark --version 2>/dev/null | head -n 1)
{
  echo "# socklab's fields as \`tshark -G fields\` describes them (scripts/glossary.sh, $version)"
  for p in "${protocols[@]}"; do
    line=$(awk -F'\t' -v n="$p" '$1=="P" && $3==n {print; exit}' "$all")
    [ -n "$line" ] || { echo "glossary: tshark has no protocol '$p'" >&2; exit 1; }
    printf '%s\n' "$line"
    for n in "${names[@]}"; do
      [ "${n%%.*}" = "$p" ] && [ "$n" != "$p" ] || continue
      line=$(awk -F'\t' -v n="$n" '$3==n {print; exit}' "$all")
      [ -n "$line" ] || { echo "glossary: tshark has no field '$n'" >&2; exit 1; }
      printf '%s\n' "$line"
    done
  done
} >"$out.new"
mv "$out.new" "$out"
echo "glossary: $(grep -vc '^#' "$out") lines in $out"
