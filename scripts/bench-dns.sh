#!/usr/bin/env bash
# DNS server throughput on loopback: `socklab dns server --quiet` against NSD (the
# reference authoritative server, from apt) serving the same five lab names, both
# loaded by examples/dnsload.rs (dnsperf is not in Debian bookworm): each load
# thread keeps a window of queries in flight and counts replies for a fixed time.
#
# Usage: scripts/bench-dns.sh [SECONDS] [LOAD_THREADS] [WINDOW] [SERVER_THREADS]
# Needs: nsd (apt-get install nsd) for the reference run; it is skipped without it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
LOAD=${2:-1}
WINDOW=${3:-32}
THREADS=${4:-1}
SOCKLAB_PORT=10153
NSD_PORT=10154

cargo build --release --quiet --bin socklab --example dnsload
BIN=target/release/socklab
LOADGEN=target/release/examples/dnsload
WORK=$(mktemp -d)
PIDS=()
# A process and all its descendants (NSD's first process becomes xfrd; the
# serving process is its grandchild).
tree() {
    local c
    echo "$1"
    for c in $(pgrep -P "$1" || true); do tree "$c"; done
}
cleanup() {
    local p all=()
    for p in "${PIDS[@]}"; do all+=($(tree "$p")); done
    for p in "${all[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# CPU ticks (user + system) of a process and its descendants: a server's cost per
# query is less sensitive to other load on the machine than its queries/s.
cpu_ticks() {
    local total=0 p
    for p in $(tree "$1"); do
        [ -r "/proc/$p/stat" ] || continue
        # Fields after "pid (comm) ", since NSD's comm holds blanks: utime, stime are 12, 13.
        total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
    done
    echo "$total"
}

# Runs the load against PORT and prints the server's CPU time per reply.
load() {
    local pid=$1 port=$2 before after out replies
    before=$(cpu_ticks "$pid")
    out=$("$LOADGEN" "127.0.0.1:$port" "$SECS" "$LOAD" "$WINDOW")
    after=$(cpu_ticks "$pid")
    echo "$out"
    replies=$(echo "$out" | awk '{print $2}')
    awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$replies" \
        'BEGIN { if (n > 0) printf "  server CPU: %.2f s, %.2f us per reply\n", t / hz, t / hz * 1e6 / n }'
}

echo "== socklab dns server (--threads $THREADS, --quiet)"
"$BIN" dns server --port "$SOCKLAB_PORT" --threads "$THREADS" --quiet > "$WORK/socklab.log" 2>&1 &
SOCKLAB_PID=$!
PIDS+=("$SOCKLAB_PID")
sleep 0.5
dig @127.0.0.1 -p "$SOCKLAB_PORT" google.com A +short +tries=1 +time=2 | tr '\n' ' '; echo
load "$SOCKLAB_PID" "$SOCKLAB_PORT"

if ! command -v nsd >/dev/null; then
    echo "== nsd not installed (apt-get install nsd): reference run skipped"
    exit 0
fi

echo "== nsd $(nsd -v 2>&1 | head -1 | awk '{print $NF}') (server-count $THREADS)"
ZONES=""
while read -r name ttl addrs; do
    {
        echo "\$ORIGIN $name."
        echo "@ 3600 IN SOA ns.$name. admin.$name. 1 3600 600 86400 60"
        echo "@ 3600 IN NS ns.$name."
        for a in $addrs; do echo "@ $ttl IN A $a"; done
    } > "$WORK/$name.zone"
    ZONES+=$'zone:\n    name: "'"$name"$'"\n    zonefile: "'"$WORK/$name.zone"$'"\n'
done <<'LAB'
google.com 260 192.165.1.1 192.165.1.10
youtube.com 160 192.165.1.2
uwaterloo.ca 160 192.165.1.3
wikipedia.org 160 192.165.1.4
amazon.ca 160 192.165.1.5
LAB
cat > "$WORK/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$NSD_PORT
    server-count: $THREADS
    username: ""
    chroot: ""
    zonesdir: "$WORK"
    database: ""
    zonelistfile: "$WORK/zone.list"
    pidfile: "$WORK/nsd.pid"
    xfrdfile: "$WORK/xfrd.state"
    xfrdir: "$WORK"
    logfile: "$WORK/nsd.log"
    verbosity: 0
    hide-version: yes
    # Response rate limiting (on by default, 200 qps per source) would throttle the load.
    rrl-ratelimit: 0
remote-control:
    control-enable: no
$ZONES
CONF
nsd -c "$WORK/nsd.conf" -d > "$WORK/nsd.out" 2>&1 &
NSD_PID=$!
PIDS+=("$NSD_PID")
sleep 1
dig @127.0.0.1 -p "$NSD_PORT" google.com A +short +tries=1 +time=2 | tr '\n' ' '; echo
load "$NSD_PID" "$NSD_PORT"
