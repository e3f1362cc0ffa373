#!/bin/sh
# Writes tests/golden/worksheet/worksheet-lab.tshark.tsv: tshark's fields for every
# frame of captures/worksheet-lab.pcap (made by scripts/worksheet-capture.sh).
# tests/worksheet.rs compares `socklab worksheet --format json` with it, and
# tests/graph.rs the points of `socklab graph`; the tests never run tshark.
set -eu
cd "$(dirname "$0")/.."
command -v tshark >/dev/null || { echo "worksheet-goldens.sh: tshark is not installed" >&2; exit 1; }
dir=tests/golden/worksheet
mkdir -p "$dir"
TZ=UTC tshark -n -2 -r captures/worksheet-lab.pcap -d udp.port==10053,dns -T fields -E header=y \
    -e frame.number -e frame.time_relative -e tcp.stream -e tcp.srcport -e tcp.seq -e tcp.seq_raw \
    -e tcp.ack -e tcp.ack_raw -e tcp.len -e tcp.window_size -e tcp.flags.syn -e tcp.flags.ack \
    -e tcp.analysis.acks_frame -e tcp.analysis.ack_rtt -e tcp.analysis.window_full \
    -e udp.length -e dns.id -e dns.flags.authoritative -e dns.count.queries -e dns.count.answers \
    -e dns.qry.name -e dns.a -e dns.resp.ttl \
    -e http.request.method -e http.request.version -e http.response.code -e http.response.version \
    -e http.content_length -e icmp.type -e icmp.code \
    2>/dev/null > "$dir/worksheet-lab.tshark.tsv"
echo "wrote $dir/worksheet-lab.tshark.tsv"
