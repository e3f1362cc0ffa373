#!/usr/bin/env bash
# DNS server throughput on loopback: `socklab dns server --quiet` against NSD (the
# reference authoritative server, from apt) serving the same five lab names, both
# loaded by two generators in turn: examples/dnsload.rs (each load thread keeps a
# window of queries in flight and counts replies for a fixed time) and dnsperf
# (the standard DNS load tool, from apt: -c 1 -q WINDOW -T LOAD_THREADS, the
# same five questions over and over). Each generator runs against socklab, then
# NSD, ROUNDS times; the table shows the best queries/s of each and the
# server's CPU time per reply in that run.
#
# Usage: scripts/bench-dns.sh [SECONDS] [LOAD_THREADS] [WINDOW] [SERVER_THREADS]
#        ROUNDS=3 by default.
# Needs: nsd and dnsperf (apt-get install nsd dnsperf): installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
LOAD=${2:-1}
WINDOW=${3:-32}
THREADS=${4:-1}
ROUNDS=${ROUNDS:-3}
SOCKLAB_PORT=10153
NSD_PORT=10154

for tool in nsd dnsperf; do
    command -v "$tool" >/dev/null || apt-get install -y "$tool" >/dev/null ||
        { echo "bench-dns: $tool missing and apt-get install $tool failed" >&2; exit 1; }
done
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
# True while any of the given processes runs.
alive() {
    local p
    for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
    return 1
}
cleanup() {
    local p all=()
    for p in "${PIDS[@]}"; do all+=($(tree "$p")); done
    for p in "${all[@]}"; do kill "$p" 2>/dev/null || true; done
    # NSD writes its state files as it stops: remove the directory once it has.
    for _ in $(seq 20); do
        alive "${all[@]}" || break
        sleep 0.1
    done
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

# One run of GENERATOR (dnsload or dnsperf) against the server PID on PORT:
# prints "queries/s replies server-CPU-us-per-reply".
run_load() {
    local generator=$1 pid=$2 port=$3 before after out rate replies
    before=$(cpu_ticks "$pid")
    if [ "$generator" = dnsload ]; then
        out=$("$LOADGEN" "127.0.0.1:$port" "$SECS" "$LOAD" "$WINDOW")
        rate=$(echo "$out" | awk '{ for (i = 1; i <= NF; i++) if ($i == "=") print int($(i + 1)) }')
        replies=$(echo "$out" | awk '{print $2}')
    else
        out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries" -l "$SECS" -c 1 -T "$LOAD" -q "$WINDOW" 2>&1)
        rate=$(echo "$out" | awk '/Queries per second:/ { print int($4) }')
        replies=$(echo "$out" | awk '/Queries completed:/ { print $3 }')
    fi
    after=$(cpu_ticks "$pid")
    awk -v r="${rate:-0}" -v n="${replies:-0}" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%d %d %.2f\n", r, n, (n > 0 ? t / hz * 1e6 / n : 0) }'
}

echo "== socklab dns server (--threads $THREADS, --quiet)"
"$BIN" dns server --port "$SOCKLAB_PORT" --threads "$THREADS" --quiet > "$WORK/socklab.log" 2>&1 &
SOCKLAB_PID=$!
PIDS+=("$SOCKLAB_PID")
sleep 0.5
dig @127.0.0.1 -p "$SOCKLAB_PORT" google.com A +short +tries=1 +time=2 | tr '\n' ' '; echo

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

# dnsperf's input: the five lab questions, one per line.
printf '%s A\n' google.com youtube.com uwaterloo.ca wikipedia.org amazon.ca > "$WORK/queries"
declare -A best cpu
echo "== $ROUNDS rounds of $SECS s: each generator against socklab, then NSD ($LOAD load threads x $WINDOW in flight)"
for round in $(seq "$ROUNDS"); do
    for generator in dnsload dnsperf; do
        for server in socklab nsd; do
            if [ "$server" = socklab ]; then pid=$SOCKLAB_PID port=$SOCKLAB_PORT; else pid=$NSD_PID port=$NSD_PORT; fi
            read -r rate replies us < <(run_load "$generator" "$pid" "$port")
            echo "  round $round $generator -> $server: $rate queries/s ($replies replies, $us us server CPU per reply)"
            key="$generator $server"
            if [ "$rate" -gt "${best[$key]:-0}" ]; then best[$key]=$rate cpu[$key]=$us; fi
        done
    done
done
printf '%-9s %15s %13s %7s %20s %16s\n' generator "socklab q/s" "nsd q/s" ratio "socklab CPU us/reply" "nsd CPU us/reply"
for generator in dnsload dnsperf; do
    s=${best[$generator socklab]:-0} n=${best[$generator nsd]:-0}
    ratio=$(awk -v s="$s" -v n="$n" 'BEGIN { if (n > 0) printf "%.2f", s / n; else print "n/a" }')
    printf '%-9s %15s %13s %7s %20s %16s\n' "$generator" "$s" "$n" "$ratio" "${cpu[$generator socklab]:-}" "${cpu[$generator nsd]:-}"
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other load skews queries/s; CPU us/reply less so)"
