#!/usr/bin/env bash
# Regenerates the tshark hex dumps that tests/dns.rs pastes into `socklab dns decode`,
# so that the tests never need tshark:
#
#   tests/golden/dns-hex/dns-lab-frame<N>.tshark-x.txt   `tshark -x` of frame N of captures/dns-lab.pcap
#
# Frame 2 is the google.com response (two answers), frame 4 the NXDOMAIN for nosuch.com.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tshark >/dev/null || { echo "dns-hex-fixtures: tshark not found (apt-get install tshark)" >&2; exit 1; }
out=tests/golden/dns-hex
mkdir -p "$out"
for n in 2 4; do
  tshark -n -r captures/dns-lab.pcap -x -Y "frame.number == $n" 2>/dev/null >"$out/dns-lab-frame$n.tshark-x.txt"
done
