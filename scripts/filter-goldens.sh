#!/usr/bin/env bash
# Regenerates the display-filter and -O goldens that tests/filter_goldens.rs compares
# socklab against, so that the test never needs tshark:
#
#   tests/golden/filters.tsv        expression, source, path, the frame numbers tshark
#                                   4.0 selects with -Y (comma-separated), or ERROR
#                                   when tshark rejects the expression
#   tests/golden/detail-O/NAME.PROTOS.txt
#                                   `tshark -n -2 -O PROTOS -r FILE` for captures/
#   tests/golden/bytes-fields.tsv   source, path, then `tshark -T fields` of the byte
#                                   fields (tcp.payload, udp.payload, data, data.data)
#                                   for every frame of every file
#
#   scripts/filter-goldens.sh
#
# Sources: captures = this repository's captures/ (read with the lab ports decoded,
# -d udp.port==10053,dns -d tcp.port==10053,dns -d tcp.port==10080,http, as socklab
# decodes them), corpus = ../shared/corpus (or $SOCKLAB_CORPUS).
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${SOCKLAB_CORPUS:-../shared/corpus}
out=tests/golden/filters.tsv
detail_dir=tests/golden/detail-O
bytes_out=tests/golden/bytes-fields.tsv
bytes_fields=(frame.number tcp.payload udp.payload data data.data)
lab_ports=(-d udp.port==10053,dns -d tcp.port==10053,dns -d tcp.port==10080,http)

expressions=(
  'frame contains "GET"'
  'frame contains "get"'
  'frame matches "get"'
  'frame matches "(?-i)get"'
  'frame contains 47.45.54'
  'frame contains 474554'
  'tcp contains 47:45:54'
  'ip contains "HTTP"'
  'dns contains "youtube"'
  'http contains "Hello"'
  'tcp.payload'
  'udp.payload'
  'data'
  'data.data'
  'data.data contains "hello"'
  'tcp.payload contains "HTTP/1.1"'
  'tcp.payload contains 0d0a0d0a'
  'tcp.payload[0:4] == "HTTP"'
  'tcp.payload[0:3] == 47:45:54'
  'tcp.payload[0:1,2:1] == "GT"'
  'tcp.payload matches "^(get|head) /"'
  'udp.payload contains 06:67:6f:6f:67:6c:65'
  'udp contains "google"'
  '!(frame contains "HTTP")'
  'http.request.method matches "^(get|head)$"'
  'http.request.method in {"GET", "HEAD"}'
  'dns.qry.name matches "GOOGLE"'
  'dns.qry.name matches "\\.com$"'
  'dns.qry.name contains "google"'
  'tcp.port in {80, 443, 10080}'
  'tcp.port in {80, 10000..10100}'
  'tcp.port in {1..1023}'
  'tcp.port not in {80, 443}'
  'udp.port in {53, 10053}'
  'ip.ttl in {64, 128}'
  'ip.src in {127.0.0.0/8, 10.0.0.0/8}'
  'frame.len in {60..80}'
  'frame.time_relative in {0..0.001}'
  'eth.src[0:3] == 00:00:00'
  'eth.dst[0:2] == ff:ff'
  'eth.src[-3:] == 00:00:00'
  'eth.src[6:] == 00'
  'frame[12:2] == 08:00'
  'frame[12:2] == 86:dd'
  'frame[12-13] == 08:06'
  'frame[:2] == 00:00'
  'frame[14] == 45'
  'frame[-4:] == 0d:0a:0d:0a'
  'frame[0:2,12:2] == 00:00:08:00'
  'frame[100000] == 00'
  'ip[0] == 45'
  'ip[9] == 11'
  'ip[9] == 06'
  'ipv6[6] == 11'
  'ip.src[0] == 7f'
  'ip.dst[0:2] == c0:a8'
  'tcp[13] == 02'
  'tcp[13] == 12'
  'udp[0:2] == 00:35'
  'icmp[0] == 08'
  'icmp[0] == 00'
  'arp[7] == 01'
  'tcp.flags.syn == 1 && tcp.payload'
  'tcp.port in {80 443}'
  'tcp.flag.syn == 1'
  'frame[0:0] == 00'
  'frame[1-0] == 00'
  'frame matches "("'
  'dns.qry.name matches google'
  'frame contains GET'
  'tcp.port matches "1"'
  'ip.src contains 7f'
  'tcp.srcport[0] == 00'
  'udp.port in {"53"}'
  'ip.ttl == "64"'
  'ip.src[0] == 127'
)

files=(
  captures/dns-lab.pcap captures/tcp-echo-ipv6.pcap captures/tcp-echo.pcap captures/tcp-refused.pcap
  captures/udp-closed-port.pcap captures/udp-echo.pcap captures/web-http.pcap
  corpus/chrissanders-packets/dns.pcap corpus/chrissanders-packets/http_ip4and6.pcapng
  corpus/chrissanders-packets/icmp_echo.pcapng corpus/chrissanders-packets/arppoison.pcapng
  corpus/lwerdna-filesamples/simple_http.pcap
)

command -v tshark >/dev/null || { echo "filter-goldens: tshark is needed (apt-get install tshark)" >&2; exit 1; }
[ -d "$corpus" ] || { echo "filter-goldens: the corpus $corpus is missing (set SOCKLAB_CORPUS)" >&2; exit 1; }
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config TZ=UTC
version=$(tshark --version 2>/dev/null | head -n 1)

# Where a files entry is, and the decode options its source needs.
locate() {
  case "$1" in
    captures/*) path=$1; extra=("${lab_ports[@]}") ;;
    corpus/*) path=$corpus/${1#corpus/}; extra=() ;;
  esac
}

{
  echo "# display-filter goldens for tests/filter_goldens.rs, written by scripts/filter-goldens.sh"
  echo "# generated with: $version"
  echo "# command: tshark -n -2 -r FILE -Y EXPR -T fields -e frame.number (captures: with the lab ports decoded)"
  printf 'expression\tsource\tpath\tframes\n'
  for f in "${files[@]}"; do
    locate "$f"
    [ -f "$path" ] || { echo "filter-goldens: $path is missing" >&2; exit 1; }
    for e in "${expressions[@]}"; do
      if frames=$(tshark -n -2 -r "$path" "${extra[@]}" -Y "$e" -T fields -e frame.number 2>/dev/null); then
        frames=$(printf '%s' "$frames" | paste -sd, -)
      else
        frames=ERROR
      fi
      printf '%s\t%s\t%s\t%s\n' "$e" "${f%%/*}" "${f#*/}" "$frames"
    done
  done
} >"$out.new"
mv "$out.new" "$out"
echo "filter-goldens: $(grep -vc '^#' "$out") rows in $out"

# -O: each capture with its own protocols expanded, and with ip only.
mkdir -p "$detail_dir"
rm -f "$detail_dir"/*.txt
for f in captures/*.pcap; do
  name=$(basename "$f" .pcap)
  for protos in tcp udp,icmp ip; do
    tshark -n -2 -r "$f" "${lab_ports[@]}" -O "$protos" 2>/dev/null >"$detail_dir/$name.$protos.txt"
  done
done
echo "filter-goldens: $(ls "$detail_dir" | wc -l) -O goldens in $detail_dir ($version)"

# The byte fields, as -T fields prints them, for every file.
{
  echo "# byte fields for tests/filter_goldens.rs, written by scripts/filter-goldens.sh ($version)"
  printf 'source\tpath\t%s\n' "$(IFS=$'\t'; echo "${bytes_fields[*]}")"
  field_args=()
  for f in "${bytes_fields[@]}"; do field_args+=(-e "$f"); done
  for f in "${files[@]}"; do
    locate "$f"
    tshark -n -2 -r "$path" "${extra[@]}" -T fields -E occurrence=a -E aggregator=, "${field_args[@]}" 2>/dev/null |
      sed "s|^|${f%%/*}\t${f#*/}\t|"
  done
} >"$bytes_out.new"
mv "$bytes_out.new" "$bytes_out"
echo "filter-goldens: $(grep -vc '^#' "$bytes_out") rows in $bytes_out"
