#!/usr/bin/env bash
# HTTP benchmark: `socklab web` (release build) against nginx with the same number
# of workers, side by side on loopback, with wrk: a small file over keep-alive
# connections, then the same with `Connection: close` (a new TCP connection per
# request). Prints requests/s of each and the socklab/nginx ratio: the best of
# ROUNDS runs taken in turn (socklab, nginx, socklab, ...), so a burst of other
# load on the machine hits both alike.
#   scripts/bench-http.sh                  2 workers, wrk -t2 -c50 -d5s, 3 rounds, HelloWorld.html
#   WORKERS=4 DURATION=10s ROUNDS=5 CONNS=100 FILE=index.html scripts/bench-http.sh
# socklab runs with --keep-alive=65 (nginx's keepalive_timeout here): without it,
# socklab closes every connection after one response, as the lab's server does.
# Both servers log nothing (socklab --quiet, nginx access_log off): the access log
# is a lab feature, not what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-2}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
FILE=${FILE:-HelloWorld.html}
NGINX=${NGINX:-/usr/sbin/nginx}

command -v wrk >/dev/null || { echo "bench-http: wrk not found (apt-get install wrk)" >&2; exit 1; }
[ -x "$NGINX" ] || { echo "bench-http: nginx not found at $NGINX (apt-get install nginx-light)" >&2; exit 1; }
[ -f "www/$FILE" ] || { echo "bench-http: www/$FILE does not exist" >&2; exit 1; }

cargo build --release --locked --quiet
bin=target/release/socklab
root=$(cd www && pwd -P)
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# socklab web: the bound address is the last word of its first line.
"$bin" web --root "$root" --port 0 --threads "$WORKERS" --quiet --keep-alive=65 >"$tmp/socklab.out" 2>&1 &
socklab_pid=$!
pids+=($socklab_pid)
for _ in $(seq 100); do [ -s "$tmp/socklab.out" ] && break; sleep 0.05; done
socklab_addr=$(head -n1 "$tmp/socklab.out" | awk '{print $NF}')
[ -n "$socklab_addr" ] || { echo "bench-http: socklab web did not start" >&2; cat "$tmp/socklab.out" >&2; exit 1; }

# nginx: a generated configuration in the temp dir, same worker count, no log.
nginx_port=$(free_port)
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$tmp/nginx.conf" <<CONF
$user_line
worker_processes $WORKERS;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  types { text/html html; image/png png; image/svg+xml svg; application/octet-stream bin; }
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $root;
  }
}
CONF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" &
nginx_pid=$!
pids+=($nginx_pid)
nginx_addr="127.0.0.1:$nginx_port"
for _ in $(seq 100); do curl -sf -o /dev/null "http://$nginx_addr/$FILE" && break; sleep 0.05; done

for addr in "$socklab_addr" "$nginx_addr"; do
  curl -sf -o /dev/null "http://$addr/$FILE" || { echo "bench-http: GET /$FILE fails on $addr" >&2; exit 1; }
done

# CPU time (user + system, in clock ticks) of a process and its children threads/processes.
cpu_ticks() {
  local total=0 p
  for p in "$@" $(pgrep -P "$1" 2>/dev/null || true); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

# One wrk run against a server process: prints "requests/s cpu-us-per-request".
# The second figure is the server's CPU time per request, which other load on
# the machine disturbs much less than the rate.
rate() {
  local pid=$1 addr=$2; shift 2
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "$@" "http://$addr/$FILE")
  after=$(cpu_ticks "$pid")
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    / requests in / { n = $1 }
    /^Requests\/sec:/ { r = $2 }
    END { printf "%s %.1f\n", r, (n > 0 ? ticks / hz * 1e6 / n : 0) }'
}

echo "socklab web vs nginx: $WORKERS workers each, wrk -t$THREADS -c$CONNS -d$DURATION, /$FILE ($(stat -c %s "www/$FILE") bytes), best of $ROUNDS"
declare -A best cpu
for round in $(seq "$ROUNDS"); do
  for mode in keep-alive close; do
    args=()
    [ "$mode" = close ] && args=(-H 'Connection: close')
    for server in socklab nginx; do
      if [ "$server" = socklab ]; then pid=$socklab_pid addr=$socklab_addr; else pid=$nginx_pid addr=$nginx_addr; fi
      read -r r r_cpu < <(rate "$pid" "$addr" "${args[@]}")
      echo "  round $round $mode $server: $r requests/s, $r_cpu us server CPU per request"
      if awk -v r="$r" -v b="${best[$mode $server]:-0}" 'BEGIN { exit !(r > b) }'; then
        best[$mode $server]=$r cpu[$mode $server]=$r_cpu
      fi
    done
  done
done
printf '%-11s %14s %14s %7s %18s %16s\n' "mode" "socklab req/s" "nginx req/s" "ratio" "socklab CPU us/req" "nginx CPU us/req"
for mode in keep-alive close; do
  s=${best[$mode socklab]} n=${best[$mode nginx]}
  ratio=$(awk -v s="$s" -v n="$n" 'BEGIN { if (n > 0) printf "%.2f", s / n; else print "n/a" }')
  printf '%-11s %14s %14s %7s %18s %16s\n' "$mode" "$s" "$n" "$ratio" "${cpu[$mode socklab]}" "${cpu[$mode nginx]}"
done
if grep -q "Socket errors\|Non-2xx" "$tmp/wrk.log"; then
  echo "wrk reported errors:"; grep "Socket errors\|Non-2xx" "$tmp/wrk.log"
fi
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other load skews req/s; CPU us/req less so)"
