#!/usr/bin/env bash
# TCP echo benchmark: `socklab tcp server` (release build) against two reference
# echo servers on loopback, side by side: socat (a process per connection, PIPE
# echoes) and a python asyncio echo server written inline below. The load is
# examples/echoload.rs: CONNS clients, each with one message in flight, sending
# the next as soon as its echo is back, for SECONDS. Prints round trips/s and the
# server's CPU time per round trip, best of ROUNDS runs taken in turn (socklab,
# socat, python, socklab, ...), so a burst of other load on the machine hits
# every server alike. socklab's echo is upper-cased; the references echo as is.
#   scripts/bench-echo.sh                    50 clients, 5 s, 3 rounds
#   CONNS=100 SECONDS_EACH=3 ROUNDS=5 scripts/bench-echo.sh
# socklab runs with --threads CONNS: a talking client holds one of its workers
# (quiet ones wait parked), so fewer workers would leave clients queued or turn
# them away as busy. It logs every message as usual; its output goes to /dev/null.
# Needs: socat (apt-get install socat), python3; installs socat if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
SECONDS_EACH=${SECONDS_EACH:-5}
ROUNDS=${ROUNDS:-3}
LOAD_THREADS=${LOAD_THREADS:-2}

if ! command -v socat >/dev/null; then
  apt-get install -y socat >/dev/null || { echo "bench-echo: socat missing and apt-get install socat failed" >&2; exit 1; }
fi
command -v python3 >/dev/null || { echo "bench-echo: python3 not found" >&2; exit 1; }

cargo build --release --locked --quiet --bin socklab --example echoload
bin=target/release/socklab
load=target/release/examples/echoload
tmp=$(mktemp -d)
pids=()
# A process and all its descendants (socat forks one child per connection).
tree() {
  local c
  echo "$1"
  for c in $(pgrep -P "$1" || true); do tree "$c"; done
}
cleanup() {
  local p all=()
  for p in "${pids[@]}"; do all+=($(tree "$p")); done
  for p in "${all[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# CPU ticks (user + system) of a process and its descendants, children that
# have ended included (socat's per-connection processes end with their client).
cpu_ticks() {
  local total=0 p
  for p in $(tree "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "$total"
}

# Waits until ADDR accepts a connection and echoes.
wait_echo() {
  local addr=$1
  for _ in $(seq 100); do
    python3 - "$addr" <<'PY' 2>/dev/null && return 0
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
with socket.create_connection((host, int(port)), timeout=1) as s:
    s.sendall(b"ping\n")
    assert s.recv(16).lower() == b"ping\n"
PY
    sleep 0.05
  done
  echo "bench-echo: no echo from $addr" >&2
  return 1
}

# socklab tcp server: the bound address is the last word of its first line; the
# rest of its output (a line per message) is read and dropped.
mkfifo "$tmp/socklab.fifo"
"$bin" tcp server --port 0 --threads "$CONNS" >"$tmp/socklab.fifo" 2>"$tmp/socklab.err" &
socklab_pid=$!
pids+=("$socklab_pid")
{ head -n1 >"$tmp/socklab.addr"; cat >/dev/null; } <"$tmp/socklab.fifo" &
for _ in $(seq 100); do [ -s "$tmp/socklab.addr" ] && break; sleep 0.05; done
socklab_addr=$(awk '{print $NF}' "$tmp/socklab.addr")
[ -n "$socklab_addr" ] || { echo "bench-echo: socklab tcp server did not start" >&2; cat "$tmp/socklab.err" >&2; exit 1; }

socat_port=$(free_port)
socat "TCP-LISTEN:$socat_port,bind=127.0.0.1,fork,reuseaddr,backlog=1024" PIPE &
socat_pid=$!
pids+=("$socat_pid")

python_port=$(free_port)
python3 - "$python_port" <<'PY' &
import asyncio, sys

async def echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    await server.serve_forever()

asyncio.run(main())
PY
python_pid=$!
pids+=("$python_pid")

names=(socklab socat python)
addrs=("$socklab_addr" "127.0.0.1:$socat_port" "127.0.0.1:$python_port")
procs=("$socklab_pid" "$socat_pid" "$python_pid")
for a in "${addrs[@]}"; do wait_echo "$a"; done

declare -A best_rate best_cpu failed
for name in "${names[@]}"; do best_rate[$name]=0; best_cpu[$name]=; failed[$name]=0; done
echo "TCP echo: $CONNS clients (one message in flight each) on $LOAD_THREADS load threads, ${SECONDS_EACH} s per run, best of $ROUNDS"
for round in $(seq "$ROUNDS"); do
  for i in "${!names[@]}"; do
    name=${names[$i]}
    before=$(cpu_ticks "${procs[$i]}")
    line=$("$load" "${addrs[$i]}" "$SECONDS_EACH" "$CONNS" "$LOAD_THREADS")
    after=$(cpu_ticks "${procs[$i]}")
    echo "  round $round $name: $line"
    read -r rate n fails < <(echo "$line" | awk '{ for (i = 1; i <= NF; i++) { if ($i == "=") r = $(i + 1); if ($i == "failed)") f = $(i - 1) } print r, $2, f }')
    cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "n/a" }')
    failed[$name]=$((failed[$name] + fails))
    if [ "$rate" -gt "${best_rate[$name]}" ]; then best_rate[$name]=$rate; best_cpu[$name]=$cpu; fi
  done
done
printf '%-9s %16s %10s %16s %8s\n' server "round trips/s" "vs socklab" "CPU us/round trip" failed
for name in "${names[@]}"; do
  ratio=$(awk -v s="${best_rate[socklab]}" -v r="${best_rate[$name]}" 'BEGIN { if (r > 0) printf "%.2f", s / r; else print "n/a" }')
  printf '%-9s %16s %10s %16s %8s\n' "$name" "${best_rate[$name]}" "${ratio}x" "${best_cpu[$name]}" "${failed[$name]}"
done
echo "(vs socklab: socklab's round trips/s over the server's; above 1 means socklab is faster)"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other load skews round trips/s; CPU us/round trip less so)"
