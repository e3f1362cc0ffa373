#!/usr/bin/env bash
# Regenerates the tshark field goldens that tests/tshark_goldens.rs compares socklab
# against, so that the tests never need tshark:
#
#   tests/golden/manifest.tsv          the chosen captures, one per line with a reason
#   tests/golden/tshark/<name>.tsv     `tshark -n -2 -T fields` output for each of them
#   tests/golden/pcapng/<file>.*       for captures/ files in pcapng or gzip form, what
#                                      only such files carry (tests/pcapng.rs): the list
#                                      (.list.txt), the -V frame header with comments and
#                                      interface (.frame.txt), and the comment, interface
#                                      and section fields (.origin.tsv)
#
#   scripts/goldens.sh                 # regenerate every golden in the manifest
#
# Manifest columns: source (captures = this repository's captures/, corpus =
# ../shared/corpus, or $SOCKLAB_CORPUS), path relative to that directory, reason. Captures under captures/
# that the manifest lacks are added with a generic reason. The header line records the
# tshark version used. Goldens whose manifest line is gone are deleted.
set -euo pipefail
cd "$(dirname "$0")/.."

manifest=tests/golden/manifest.tsv
golden_dir=tests/golden/tshark
corpus=${SOCKLAB_CORPUS:-../shared/corpus}
max_total_bytes=$((5 * 1024 * 1024))

# Every field of DESIGN.md's list, plus tcp.analysis.flags.
fields=(
  frame.number frame.time_relative frame.len frame.protocols
  ip.src ip.dst ip.proto ip.ttl ip.len ip.id
  ipv6.src ipv6.dst
  tcp.srcport tcp.dstport tcp.stream tcp.len tcp.seq tcp.seq_raw tcp.nxtseq tcp.ack tcp.ack_raw
  tcp.hdr_len tcp.flags tcp.flags.syn tcp.flags.ack tcp.flags.fin tcp.flags.reset tcp.flags.push
  tcp.flags.str tcp.window_size_value tcp.window_size tcp.window_size_scalefactor tcp.completeness
  tcp.options.mss_val tcp.options.wscale.shift
  tcp.analysis.retransmission tcp.analysis.out_of_order tcp.analysis.lost_segment
  tcp.analysis.duplicate_ack tcp.analysis.duplicate_ack_num tcp.analysis.zero_window
  tcp.analysis.keep_alive tcp.analysis.window_update tcp.analysis.acks_frame tcp.analysis.ack_rtt
  tcp.analysis.flags
  udp.srcport udp.dstport udp.length udp.stream
  icmp.type icmp.code
  dns.id dns.flags dns.flags.response dns.flags.opcode dns.flags.authoritative dns.flags.rcode
  dns.count.queries dns.count.answers dns.qry.name dns.qry.type dns.qry.class dns.resp.name
  dns.resp.ttl dns.a dns.aaaa dns.response_in dns.response_to dns.time
  http.request.method http.request.uri http.request.version http.response.code
  http.response.phrase http.content_length http.content_type http.request_in http.response_in
)

die() { echo "goldens: $*" >&2; exit 1; }

if ! command -v tshark >/dev/null; then
  echo "goldens: installing tshark"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tshark >/dev/null
fi
[ -f "$manifest" ] || die "$manifest is missing"
[ -d "$corpus" ] || die "the corpus $corpus is missing (it sits beside the repository)"

version=$(tshark --version 2>/dev/null | head -n 1)
# A fresh configuration directory: the user's Wireshark preferences must not change
# the goldens.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC

# Add captures/ files the manifest does not list yet.
for f in captures/*.pcap captures/*.pcapng captures/*.pcap.gz captures/*.pcapng.gz; do
  [ -e "$f" ] || continue
  rel=${f#captures/}
  if ! awk -F'\t' -v p="$rel" '$1=="captures" && $2==p {found=1} END {exit !found}' "$manifest"; then
    printf 'captures\t%s\t%s\n' "$rel" "socklab sample capture (see captures/README.md)" >>"$manifest"
    echo "goldens: added captures/$rel to the manifest"
  fi
done

# Rewrite the header comment with this tshark's version; keep the entries.
entries=$(grep -v '^#' "$manifest" | grep -v $'^source\tpath\treason$' | grep -v '^$' || true)
{
  echo "# tshark goldens for tests/tshark_goldens.rs, written by scripts/goldens.sh"
  echo "# generated with: $version"
  echo "# command: TZ=UTC tshark -n -2 -r FILE -T fields -E header=y -E occurrence=a -E aggregator=, -e FIELD... (captures: also -d tcp.port==10053,dns -d tcp.port==10080,http: the lab TCP ports; DNS over UDP is found by tshark's heuristic on any port)"
  echo "# source: captures = captures/ of this repository, corpus = ../shared/corpus"
  printf 'source\tpath\treason\n'
  printf '%s\n' "$entries"
} >"$manifest.new"
mv "$manifest.new" "$manifest"

field_args=()
for f in "${fields[@]}"; do field_args+=(-e "$f"); done

mkdir -p "$golden_dir"
declare -A wanted=()
while IFS=$'\t' read -r source path _reason; do
  [ -n "$source" ] || continue
  case "$source" in
    captures) file=captures/$path; extra=(-d tcp.port==10053,dns -d tcp.port==10080,http) ;;
    corpus) file=$corpus/$path; extra=() ;;
    *) die "$manifest: unknown source '$source' (captures or corpus)" ;;
  esac
  [ -f "$file" ] || die "$file (listed in $manifest) does not exist"
  name="${source}__${path//\//__}.tsv"
  wanted[$name]=1
  if ! tshark -n -2 -r "$file" "${extra[@]}" -T fields -E header=y -E occurrence=a -E aggregator=, \
    "${field_args[@]}" >"$golden_dir/$name.new" 2>"$golden_dir/$name.err"; then
    die "tshark failed on $file: $(grep -v 'Running as user' "$golden_dir/$name.err" | head -n 3)"
  fi
  rm -f "$golden_dir/$name.err"
  mv "$golden_dir/$name.new" "$golden_dir/$name"
done < <(printf '%s\n' "$entries")

for g in "$golden_dir"/*.tsv; do
  [ -e "$g" ] || continue
  [ -n "${wanted[$(basename "$g")]:-}" ] || { rm -f "$g"; echo "goldens: removed stale $g"; }
done

# Files whose format carries interfaces and comments, or is compressed.
pcapng_dir=tests/golden/pcapng
origin_fields=(frame.number frame.comment frame.interface_id frame.interface_name
  frame.interface_description frame.section_number)
origin_args=()
for f in "${origin_fields[@]}"; do origin_args+=(-e "$f"); done
rm -rf "$pcapng_dir"
mkdir -p "$pcapng_dir"
for f in captures/*.pcapng captures/*.pcap.gz captures/*.pcapng.gz; do
  [ -e "$f" ] || continue
  base=$pcapng_dir/$(basename "$f")
  tshark -r "$f" >"$base.list.txt" 2>/dev/null || die "tshark cannot list $f"
  # The -V lines before the encapsulation: packet comments, the frame line and
  # its section and interface items.
  tshark -V -r "$f" 2>/dev/null |
    awk '/^(Packet comments|Frame [0-9]+:)/ {p = 1} /^    (Encapsulation type|Arrival Time)/ {p = 0} p' \
      >"$base.frame.txt"
  tshark -r "$f" -T fields -E header=y -E occurrence=a -E aggregator=, "${origin_args[@]}" \
    >"$base.origin.tsv" 2>/dev/null || die "tshark cannot print the fields of $f"
done

total=$(cat "$golden_dir"/*.tsv | wc -c)
echo "goldens: ${#wanted[@]} files, $total bytes of goldens ($version)"
[ "$total" -le "$max_total_bytes" ] || die "goldens total $total bytes, over the $max_total_bytes budget: choose smaller captures"
