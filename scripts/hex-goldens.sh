#!/usr/bin/env bash
# Regenerates the tshark goldens tests/hex.rs compares `socklab hex` against, so
# that the tests never need tshark: for each frame below, every field tshark's
# PDML places in the frame, as `name<TAB>offset<TAB>length`.
#
#   tests/golden/hex/<capture>-<frame>.tsv
#
#   scripts/hex-goldens.sh      # run from the repository root; needs tshark
set -euo pipefail
cd "$(dirname "$0")/.."
frames="dns-lab.pcap:2 web-http.pcap:4 tcp-echo.pcap:1 udp-closed-port.pcap:2 tcp-echo-ipv6.pcap:1"
for cf in $frames; do
    cap=${cf%%:*}
    n=${cf##*:}
    out="tests/golden/hex/${cap%.*}-$n.tsv"
    tshark -n -r "captures/$cap" -Y "frame.number == $n" -T pdml |
        python3 -c '
import sys, xml.etree.ElementTree as ET
for f in ET.parse(sys.stdin).iter("field"):
    name, pos, size = f.get("name"), f.get("pos"), f.get("size")
    if name and pos and size and "." in name and int(size) > 0:
        print(f"{name}\t{pos}\t{size}")
' >"$out"
    echo "wrote $out ($(wc -l <"$out") fields)"
done
