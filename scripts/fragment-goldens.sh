#!/usr/bin/env bash
# Writes the IP fragmentation field goldens of tests/ip_fragments.rs:
# tests/golden/fragments/NAME.tsv = `tshark -n -2 -r FILE -T fields` with the
# fragment and reassembly fields (IPv4 and IPv6) and the ICMP fields of the
# reassembled or quoted messages, for each capture listed below, so the test
# never needs tshark.
#
#   scripts/fragment-goldens.sh
set -euo pipefail
cd "$(dirname "$0")/.."

dir=tests/golden/fragments
corpus=${SOCKLAB_CORPUS:-../shared/corpus}
command -v tshark >/dev/null || { echo "fragment-goldens: tshark is not installed (apt-get install tshark)" >&2; exit 1; }
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

# The fields compared (tests/ip_fragments.rs reads them from each golden's header).
fields=(
  frame.number frame.protocols ip.id ip.flags.mf ip.frag_offset ip.ttl
  ip.fragment ip.fragment.count ip.reassembled_in ip.reassembled.length
  ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more ipv6.fraghdr.ident
  ipv6.fragment ipv6.fragment.count ipv6.reassembled.in ipv6.reassembled.length
  icmp.type icmp.code icmpv6.type
)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done

while read -r name path; do
  file=$corpus/$path
  [ -f "$file" ] || { echo "fragment-goldens: $file is missing" >&2; exit 1; }
  tshark -n -2 -r "$file" -T fields -E header=y -E occurrence=a -E aggregator=, "${args[@]}" \
    2>/dev/null >"$dir/$name.tsv"
  echo "fragment-goldens: $dir/$name.tsv ($(($(wc -l <"$dir/$name.tsv") - 1)) frames) from $file"
done <<'LIST'
ip-fragments chrissanders-packets/ip_frag_source.pcapng
ipv6-fragments chrissanders-packets/ipv6_fragments.pcapng
icmp-traceroute chrissanders-packets/icmp_traceroute.pcapng
LIST
