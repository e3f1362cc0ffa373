#!/usr/bin/env bash
# Records captures/worksheet-lab.pcap: traffic of peers socklab did not write, for
# the worksheet and graph held-out checks (tests/worksheet.rs, tests/graph.rs).
#   - curl fetching a 200 kB file and, on one keep-alive connection, a small page
#     twice, the second time as a conditional GET (If-Modified-Since, 304), from
#     `python3 -m http.server --protocol HTTP/1.1` on 127.0.0.1;
#   - a python3 socket client with a 4 kB receive buffer fetching the big file
#     (many small segments, a small advertised window);
#   - dig asking socklab's DNS server, and a python3 UDP datagram to a closed
#     port (answered by ICMP port unreachable).
# Needs root (capturing on lo). Afterwards run scripts/worksheet-goldens.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "worksheet-capture.sh: capturing on lo needs root" >&2; exit 1; }
cargo build --quiet --bin socklab
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# DNS on the lab port 10053, which socklab and the goldens (-d udp.port==10053,dns) decode as DNS.
http_port=$(free_port); dns_port=10053; closed_port=$(free_port)
mkdir -p "$tmp/www"
python3 -c 'import sys; sys.stdout.write("".join("line %06d of the lab file\n" % i for i in range(8000)))' > "$tmp/www/big.txt"
printf '<html><body>Hello, lab</body></html>\n' > "$tmp/www/index.html"
touch -d '2024-01-02 03:04:05 UTC' "$tmp/www/index.html"
(cd "$tmp/www" && exec python3 -m http.server --protocol HTTP/1.1 --bind 127.0.0.1 "$http_port") >/dev/null 2>&1 &
pids+=($!)
target/debug/socklab dns server --port "$dns_port" --quiet &
pids+=($!)
out=captures/worksheet-lab.pcap
tcpdump -i lo -nn -U --immediate-mode -Z root -w "$out" \
  "port $http_port or port $dns_port or port $closed_port or (icmp and icmp[0] == 3)" 2>"$tmp/log" &
tpid=$!
pids+=($tpid)
for _ in $(seq 1 100); do grep -q "listening on" "$tmp/log" && break; sleep 0.05; done
# Wait for the listener without sending a packet (a probe would be captured).
for _ in $(seq 1 100); do ss -ltnH "sport = :$http_port" | grep -q . && break; sleep 0.05; done
sleep 0.2
base=http://127.0.0.1:$http_port
timeout 10 curl -s -o /dev/null "$base/big.txt"
timeout 10 curl -s -o /dev/null "$base/index.html" --next -s -o /dev/null -z "Tue, 02 Jan 2024 03:04:05 GMT" "$base/index.html"
timeout 10 python3 - "$http_port" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /big.txt HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
n = 0
while True:
    b = s.recv(2048)
    if not b:
        break
    n += len(b)
    time.sleep(0.0005)
s.close()
PY
timeout 5 dig +tries=1 +time=2 @127.0.0.1 -p "$dns_port" google.com A >/dev/null || true
timeout 5 python3 - "$closed_port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
s.sendto(b"hello, closed port", ("127.0.0.1", int(sys.argv[1])))
try:
    s.recvfrom(100)
except OSError:
    pass
PY
sleep 0.3
kill "$tpid"; wait "$tpid" 2>/dev/null || true
echo "wrote $out (http $http_port, dns $dns_port, closed $closed_port)"
