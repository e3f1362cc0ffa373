#!/usr/bin/env bash
# Measures where tshark decodes DNS over UDP without -d, for src/sniff/dissect/dns/heuristic.rs:
#
#   scripts/dns-heuristic-check.sh
#
# 1. Writes a pcap with a DNS query to, and a DNS response from, each port of tshark's
#    udp.port table (`tshark -G decodes`), each datagram in its own conversation, and
#    prints the ports where tshark shows another protocol (TSHARK_CLAIMED_UDP_PORTS).
# 2. Writes a pcap of crafted headers on a port no dissector owns and prints, for each,
#    whether tshark takes it for DNS (the checks of looks_like_dns).
# Needs tshark and python3; writes only to a temporary directory.
set -euo pipefail

command -v tshark >/dev/null || { echo "dns-heuristic-check: tshark is needed" >&2; exit 1; }
work=$(mktemp -d)
config=$(mktemp -d)
trap 'rm -rf "$work" "$config"' EXIT
export WIRESHARK_CONFIG_DIR=$config

tshark -G decodes 2>/dev/null | awk -F'\t' '$1 == "udp.port" {print $2}' | sort -n -u >"$work/ports"

python3 - "$work" <<'EOF'
import struct, sys
work = sys.argv[1]

def udp_frame(sport, dport, payload, n):
    src = struct.pack('!BBBB', 10, 1, n >> 8 & 255, n & 255)
    dst = struct.pack('!BBBB', 10, 2, n >> 8 & 255, n & 255)
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    return b'\0' * 12 + b'\x08\x00' + ip + udp

def write(name, frames):
    with open(f'{work}/{name}', 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1000 + i, 0, len(fr), len(fr)) + fr)

def dns(flags, counts, body):
    return struct.pack('!HHHHHH', 0x1234, flags, *counts) + body

question = b'\x03www\x07example\x03com\x00\x00\x01\x00\x01'
record = b'\x01a\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x01\x02\x03\x04'
query = dns(0x0100, (1, 0, 0, 0), question)
response = dns(0x8180, (1, 1, 0, 0), question + record)
ports = [int(l) for l in open(f'{work}/ports')]
frames = [udp_frame(34999, p, query, i) for i, p in enumerate(ports)]
frames += [udp_frame(p, 34999, response, len(ports) + i) for i, p in enumerate(ports)]
write('ports.pcap', frames)

cases = [
    ('query', dns(0x0100, (1, 0, 0, 0), question)),
    ('query, opcode 1', dns(0x0900, (1, 0, 0, 0), question)),
    ('query, 2 questions', dns(0x0100, (2, 0, 0, 0), question * 2)),
    ('query, 1 answer', dns(0x0100, (1, 1, 0, 0), question + record)),
    ('query, 1 authority', dns(0x0100, (1, 0, 1, 0), question + record)),
    ('query, 10 additional', dns(0x0100, (1, 0, 0, 10), question + record * 10)),
    ('query, 11 additional', dns(0x0100, (1, 0, 0, 11), question + record * 11)),
    ('query, header only', dns(0x0100, (1, 0, 0, 0), b'')),
    ('query, 1 byte after the header', dns(0x0100, (1, 0, 0, 0), b'\0')),
    ('response, no counts', dns(0x8180, (0, 0, 0, 0), b'\0')),
    ('response, 2 questions', dns(0x8180, (2, 0, 0, 0), question * 2)),
    ('response, 100 answers', dns(0x8180, (1, 100, 0, 0), question + record * 100)),
    ('response, 101 answers', dns(0x8180, (1, 101, 0, 0), question + record * 101)),
    ('response, 10 authority', dns(0x8180, (1, 0, 10, 0), question + record * 10)),
    ('response, 11 authority', dns(0x8180, (1, 0, 11, 0), question + record * 11)),
    ('response, 11 additional', dns(0x8180, (1, 0, 0, 11), question + record * 11)),
    ('response, 100 answers in 1 byte', dns(0x8180, (1, 100, 10, 10), b'\0')),
]
write('cases.pcap', [udp_frame(40000 + i, 34567, p, i) for i, (_, p) in enumerate(cases)])
open(f'{work}/cases', 'w').write(''.join(n + '\n' for n, _ in cases))
EOF

tshark -n -r "$work/ports.pcap" -T fields -e udp.srcport -e udp.dstport -e _ws.col.Protocol 2>/dev/null |
  awk -F'\t' '$3 != "DNS" { print ($1 == 34999 ? $2 : $1) }' | sort -n -u >"$work/claimed"
echo "ports whose dissector takes a DNS datagram first ($(wc -l <"$work/claimed")):"
paste -s -d, "$work/claimed" | fold -w 100
echo
echo "crafted headers on port 34567:"
tshark -n -r "$work/cases.pcap" -T fields -e _ws.col.Protocol 2>/dev/null | paste "$work/cases" - |
  awk -F'\t' '{ printf "  %-36s %s\n", $1, ($2 == "DNS" ? "DNS" : "not DNS") }'
