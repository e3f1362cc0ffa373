#!/usr/bin/env bash
# Regenerates the sample captures under captures/ with socklab's own servers and
# clients on the loopback interface, recorded by tcpdump or dumpcap (needs root or
# CAP_NET_RAW).
#
#   scripts/make-captures.sh            # all captures
#   scripts/make-captures.sh tcp-echo   # only captures/tcp-echo.pcap
#
# Each capture is one small lab scenario (see captures/README.md). Servers listen on a
# port the kernel picks (--port 0); tcpdump records only that port (plus ICMP for the
# closed-port case), so other loopback traffic stays out. After a regeneration, rerun
# scripts/goldens.sh so tests/golden/tshark/ matches the new files.
set -euo pipefail
cd "$(dirname "$0")/.."

out_dir=captures
bin=target/debug/socklab
tmp=$(mktemp -d)
pids=()

cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

die() { echo "make-captures: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "capturing on lo needs root: run it as root (or with sudo)"
command -v tcpdump >/dev/null || die "tcpdump is missing: run scripts/setup.sh (or apt-get install tcpdump)"
cargo build --quiet --bin socklab
mkdir -p "$out_dir"

# A port nobody listens on: bind to port 0, note the port, close the socket.
free_port() {
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET6 if sys.argv[1]=="6" else socket.AF_INET, socket.SOCK_STREAM if sys.argv[2]=="tcp" else socket.SOCK_DGRAM); s.bind(("::1" if sys.argv[1]=="6" else "127.0.0.1",0)); print(s.getsockname()[1])' "$1" "$2"
}

# Starts tcpdump on lo writing $1 with filter $2; returns once it is listening.
start_tcpdump() {
  local file=$1 filter=$2
  # A fresh log per capture: "listening on" must come from this tcpdump.
  tcpdump_log=$(mktemp "$tmp/tcpdump.XXXXXX")
  tcpdump -i lo -nn -U --immediate-mode -Z root -w "$file" "$filter" 2>"$tcpdump_log" &
  tcpdump_pid=$!
  pids+=("$tcpdump_pid")
  for _ in $(seq 1 100); do
    grep -q "listening on" "$tcpdump_log" && return 0
    kill -0 "$tcpdump_pid" 2>/dev/null || die "tcpdump failed: $(cat "$tcpdump_log")"
    sleep 0.05
  done
  die "tcpdump did not start listening within 5 s: $(cat "$tcpdump_log")"
}

# Lets the last packets reach tcpdump, then stops it (SIGINT flushes the file).
stop_tcpdump() {
  sleep 0.5
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" 2>/dev/null || true
}

# Starts a socklab server ($@ = its arguments); sets server_pid and server_addr
# (the last word of the line it prints first).
start_server() {
  local log
  log=$(mktemp "$tmp/server.XXXXXX")
  "$bin" "$@" >"$log" 2>"$tmp/server.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 100); do
    if [ -s "$log" ]; then
      server_addr=$(head -n 1 "$log" | awk '{print $NF}')
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || die "socklab $* failed: $(cat "$tmp/server.err")"
    sleep 0.05
  done
  die "socklab $* printed no address within 5 s"
}

# Stops the server the way a student does, with Ctrl-C (SIGINT).
stop_server() {
  kill -INT "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

port_of() { echo "${1##*:}"; }

finish() {
  local name=$1
  mv "$tmp/$name.pcap" "$out_dir/$name.pcap"
  echo "make-captures: $out_dir/$name.pcap: $(tcpdump -nn -r "$out_dir/$name.pcap" 2>/dev/null | wc -l) packets"
}

# TCP echo: handshake, two request/response exchanges, FIN teardown.
tcp_echo() {
  local host=$1 name=$2
  start_server tcp server --host "$host" --port 0
  start_tcpdump "$tmp/$name.pcap" "tcp port $(port_of "$server_addr")"
  printf 'hello, server\nsecond line!\nquit\n' | "$bin" tcp client --server "$server_addr" >/dev/null
  stop_tcpdump
  stop_server
  finish "$name"
}

# TCP client before the server: the SYN to a closed port is answered by RST/ACK.
tcp_refused() {
  local port
  port=$(free_port 4 tcp)
  start_tcpdump "$tmp/tcp-refused.pcap" "tcp port $port"
  if "$bin" tcp client --server "127.0.0.1:$port" "hello" >/dev/null 2>"$tmp/client.err"; then
    die "the client reached 127.0.0.1:$port, which should be closed"
  fi
  stop_tcpdump
  finish tcp-refused
}

# UDP echo: one datagram each way per line.
udp_echo() {
  start_server udp server --port 0
  start_tcpdump "$tmp/udp-echo.pcap" "udp port $(port_of "$server_addr")"
  printf 'hello, server\nsecond line!\nquit\n' | "$bin" udp client --server "$server_addr" >/dev/null
  stop_tcpdump
  stop_server
  finish udp-echo
}

# UDP client before the server: the datagram to a closed port is answered by ICMP
# destination unreachable (port unreachable), which quotes the datagram. Only ICMP
# errors quoting this port are recorded (icmp[30:2]: the quoted UDP destination port,
# after the 8-byte ICMP header and a 20-byte IPv4 header), so other pings on lo stay out.
udp_closed_port() {
  local port
  port=$(free_port 4 udp)
  start_tcpdump "$tmp/udp-closed-port.pcap" "udp port $port or (icmp and icmp[0] == 3 and icmp[30:2] == $port)"
  "$bin" udp client --server "127.0.0.1:$port" --timeout-ms 500 "hello" >/dev/null 2>"$tmp/client.err" || true
  stop_tcpdump
  finish udp-closed-port
}

# A fixed port must be free (the DNS and web captures use the handout's ports, so
# the handout names; tshark finds DNS over UDP on any port, HTTP on 10080 with -d tcp.port==10080,http).
need_free() {
  local proto=$1 port=$2
  if ss -Hln"${proto:0:1}" "sport = :$port" | grep -q .; then
    die "port $port/$proto is in use: stop what listens there and run again"
  fi
}

# The web-server lab on port 10080: GET, HEAD, 404, a conditional GET answered
# 304 Not Modified, and two requests on one keep-alive connection (curl).
web_http() {
  need_free tcp 10080
  start_server web --root www --port 10080 --quiet --keep-alive
  start_tcpdump "$tmp/web-http.pcap" "tcp port 10080"
  local base="http://$server_addr"
  "$bin" get "$base/HelloWorld.html" >"$tmp/get.out"
  "$bin" get --head "$base/HelloWorld.html" >/dev/null
  "$bin" get "$base/nosuch.html" >/dev/null 2>&1 || true
  local modified
  modified=$(grep -i '^Last-Modified:' "$tmp/get.out" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
  [ -n "$modified" ] || die "the web server sent no Last-Modified header"
  "$bin" get -H "If-Modified-Since: $modified" "$base/HelloWorld.html" >/dev/null 2>&1 || true
  curl -s -o /dev/null -o /dev/null "$base/HelloWorld.html" "$base/index.html"
  stop_tcpdump
  stop_server
  finish web-http
}

# The DNS lab on port 10053: an A query with two answers (google.com), NXDOMAIN,
# NODATA (AAAA of a name that has only A), and dig's query with EDNS.
dns_lab() {
  need_free udp 10053
  start_server dns server --port 10053 --quiet
  start_tcpdump "$tmp/dns-lab.pcap" "udp port 10053"
  "$bin" dns query --server "$server_addr" google.com >/dev/null
  "$bin" dns query --server "$server_addr" nosuch.com >/dev/null 2>&1 || true
  "$bin" dns query --server "$server_addr" --type AAAA youtube.com >/dev/null 2>&1 || true
  dig @127.0.0.1 -p 10053 +tries=1 +time=2 uwaterloo.ca A >/dev/null
  stop_tcpdump
  stop_server
  finish dns-lab
}

# The TCP echo recorded by dumpcap on two interfaces at once, lo (Ethernet, with
# the description "Loopback") and any (Linux cooked capture): a pcapng file whose
# interfaces have names, a description and different link types, every segment
# seen twice. editcap then adds packet comments (two on frame 4).
tcp_echo_interfaces() {
  local name=tcp-echo-interfaces log
  command -v dumpcap >/dev/null || die "dumpcap is missing: apt-get install tshark"
  start_server tcp server --port 0
  log=$(mktemp "$tmp/dumpcap.XXXXXX")
  local filter="tcp port $(port_of "$server_addr")"
  dumpcap -i lo -f "$filter" -i any -f "$filter" -w "$tmp/$name.raw.pcapng" 2>"$log" &
  tcpdump_pid=$!
  pids+=("$tcpdump_pid")
  for _ in $(seq 1 100); do
    grep -q "Capturing on" "$log" && break
    kill -0 "$tcpdump_pid" 2>/dev/null || die "dumpcap failed: $(cat "$log")"
    sleep 0.05
  done
  sleep 0.5
  printf 'hello, server\nquit\n' | "$bin" tcp client --server "$server_addr" >/dev/null
  stop_tcpdump
  stop_server
  # One -a per frame and run: editcap keeps only the last -a given for a frame.
  editcap -a '1:the handshake starts here' -a '4:the request' "$tmp/$name.raw.pcapng" "$tmp/$name.1.pcapng"
  editcap -a '4:14 bytes: hello, server' "$tmp/$name.1.pcapng" "$out_dir/$name.pcapng"
  echo "make-captures: $out_dir/$name.pcapng: $(tshark -r "$out_dir/$name.pcapng" 2>/dev/null | wc -l) packets"
}

# gzip-compressed copies, as tshark reads them (no name or time in the gzip header).
gzipped() {
  [ -f "$out_dir/udp-echo.pcap" ] || die "$out_dir/udp-echo.pcap is missing: make udp-echo first"
  [ -f "$out_dir/tcp-echo-interfaces.pcapng" ] || die "make tcp-echo-interfaces first"
  gzip -n -9 -c "$out_dir/udp-echo.pcap" >"$out_dir/udp-echo.pcap.gz"
  gzip -n -9 -c "$out_dir/tcp-echo-interfaces.pcapng" >"$out_dir/tcp-echo-interfaces.pcapng.gz"
  echo "make-captures: $out_dir/udp-echo.pcap.gz, $out_dir/tcp-echo-interfaces.pcapng.gz"
}

# DNS on a port the kernel picks: tshark (and socklab without --dns-port) find it by
# its header. dig's and socklab's queries with their answers, then 22 bytes that are
# no query, answered FORMERR with a bare header (not DNS to tshark: nothing after it).
dns_any_port() {
  start_server dns server --port 0 --quiet
  local port
  port=$(port_of "$server_addr")
  start_tcpdump "$tmp/dns-any-port.pcap" "udp port $port"
  dig @127.0.0.1 -p "$port" +tries=1 +time=2 google.com A >/dev/null
  "$bin" dns query --server "$server_addr" --type AAAA youtube.com >/dev/null 2>&1 || true
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2); s.sendto(b"hello, not a DNS query",("127.0.0.1",int(sys.argv[1]))); s.recvfrom(512)' "$port"
  stop_tcpdump
  stop_server
  finish dns-any-port
}

# UDP that must stay UDP: datagrams between two ports the kernel picks that fail
# tshark's DNS heuristic (text, zeros, an inverse query, two questions, a bare
# header, a query with an answer record), and a DNS query to NBNS's port 137,
# which tshark's NetBIOS name service dissector takes first.
udp_not_dns() {
  local rx
  rx=$(free_port 4 udp)
  start_tcpdump "$tmp/udp-not-dns.pcap" "udp and host 127.0.0.1 and (port $rx or dst port 137)"
  python3 - "$rx" <<'PY'
import socket, struct, sys
rx = int(sys.argv[1])
q = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"
rr = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"
def dns(flags, counts, body):
    return struct.pack("!HHHHHH", 0x4242, flags, *counts) + body
recv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
recv.bind(("127.0.0.1", rx))
send = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for payload in [b"hello, not DNS\n", bytes(40), dns(0x0800, (1, 0, 0, 0), q), dns(0x0100, (2, 0, 0, 0), q + q),
                dns(0x0100, (1, 0, 0, 0), b""), dns(0x0100, (1, 1, 0, 0), q + rr)]:
    send.sendto(payload, ("127.0.0.1", rx))
send.sendto(dns(0x0100, (1, 0, 0, 0), q), ("127.0.0.1", 137))
PY
  stop_tcpdump
  finish udp-not-dns
}

# TLS from python3's ssl module with a fresh self-signed certificate (CN=example.com,
# ALPN h2 and http/1.1): on port 443 a TLS 1.3 connection (ping and its answer), then
# a client that checks the certificate and ends with a fatal Unknown CA alert; on a
# port the kernel picks (found by tshark's TLS heuristic) the same with TLS 1.2 at most.
tls_loopback() {
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 30 \
    -subj "/C=US/O=Socklab Test/CN=example.com" 2>/dev/null
  local other
  other=$(free_port 4 tcp)
  start_tcpdump "$tmp/tls-loopback.pcap" "tcp and host 127.0.0.1 and (port 443 or port $other)"
  python3 - "$tmp" "$other" <<'PY'
import socket, ssl, sys, threading
tmp, other = sys.argv[1], int(sys.argv[2])
def run(port, tls12):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{tmp}/cert.pem", f"{tmp}/key.pem")
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    if tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    srv = socket.create_server(("127.0.0.1", port))
    def serve():
        for _ in range(2):
            conn, _ = srv.accept()
            try:
                t = ctx.wrap_socket(conn, server_side=True)
                t.sendall(b"hello " + t.recv(100))
                t.close()
            except (ssl.SSLError, OSError):
                conn.close()
    th = threading.Thread(target=serve)
    th.start()
    trusting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    trusting.check_hostname, trusting.verify_mode = False, ssl.CERT_NONE
    trusting.set_alpn_protocols(["h2", "http/1.1"])
    c = trusting.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="example.com")
    c.sendall(b"ping")
    c.recv(100)
    c.close()
    try:
        ssl.create_default_context().wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                                 server_hostname="example.com")
    except ssl.SSLError:
        pass
    th.join()
    srv.close()
run(443, False)
run(other, True)
PY
  stop_tcpdump
  finish tls-loopback
}

all=(tcp-echo tcp-refused udp-echo udp-closed-port tcp-echo-ipv6 web-http dns-lab dns-any-port udp-not-dns tcp-echo-interfaces gzipped tls-loopback)
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${all[@]}")
for w in "${wanted[@]}"; do
  case "$w" in
    tcp-echo) tcp_echo 127.0.0.1 tcp-echo ;;
    tcp-echo-ipv6) tcp_echo ::1 tcp-echo-ipv6 ;;
    tcp-refused) tcp_refused ;;
    udp-echo) udp_echo ;;
    udp-closed-port) udp_closed_port ;;
    web-http) web_http ;;
    dns-lab) dns_lab ;;
    tcp-echo-interfaces) tcp_echo_interfaces ;;
    gzipped) gzipped ;;
    dns-any-port) dns_any_port ;;
    udp-not-dns) udp_not_dns ;;
    tls-loopback) tls_loopback ;;
    *) die "unknown capture '$w' (known: ${all[*]})" ;;
  esac
done
