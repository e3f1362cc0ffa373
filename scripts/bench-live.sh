#!/usr/bin/env bash
# Live capture under load: `socklab sniff -w F` against `tcpdump -w F2` while wrk
# loads `socklab web` on loopback. Each run starts the capture (BPF filter on the
# server's port), runs wrk for a bounded time, stops the capture with SIGINT, and
# reads what it says: packets captured and dropped by the kernel. The pcap's own
# packet count (capinfos, else `tcpdump -r | wc -l`) cross-checks it. The two
# capturers alternate (socklab, tcpdump, socklab, ...) so other load on the machine
# falls on both alike. Prints, per run, the packets captured, the packets in the
# file, packets/s written, the kernel's drops and wrk's requests/s.
#   scripts/bench-live.sh                       2 runs each, wrk -t2 -c50 -d10s
#   RUNS=1 DURATION=5s CONNS=100 scripts/bench-live.sh
# socklab sniff prints its packet list to a file, as a user redirecting it would;
# its summary line is among the list's last lines. Capturing on lo needs root:
# without it the script says so and skips. The last line is the verdict on
# DESIGN.md's budget (socklab drops 0 packets, its file holds every one it
# captured); the script exits non-zero only when it cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-2}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
FILE=${FILE:-HelloWorld.html}
# How long a capturer may take to start, and to finish after SIGINT (tenths of s).
START_TENTHS=100
STOP_TENTHS=600

die() { echo "bench-live: $*" >&2; exit 1; }

install_missing() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v tcpdump >/dev/null || missing+=(tcpdump)
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "bench-live: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "$(id -u)" -ne 0 ]; then
  echo "bench-live: skipped: capturing on lo needs root"
  exit 0
fi
install_missing
[ -f "www/$FILE" ] || die "www/$FILE does not exist"
cargo build --release --locked --quiet --bin socklab
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

# socklab web: the bound address is the last word of its first line.
"$bin" web --root "$root" --port 0 --threads "$WORKERS" --quiet --keep-alive=65 >"$tmp/web.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/web.out" ] && break; sleep 0.05; done
addr=$(head -n1 "$tmp/web.out" | awk '{print $NF}')
[ -n "$addr" ] || die "socklab web did not start: $(cat "$tmp/web.out")"
curl -sf -o /dev/null "http://$addr/$FILE" || die "GET /$FILE fails on $addr"
filter="tcp port ${addr##*:}"

# wait_for FILE TEXT: until FILE holds TEXT (the capturer's "ready" line).
wait_for() {
  for _ in $(seq $START_TENTHS); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  die "no '$2' in $1: $(cat "$1")"
}

# stop PID: SIGINT, then wait for the process to write its file and exit.
stop() {
  kill -INT "$1"
  for _ in $(seq $STOP_TENTHS); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && die "capturer $1 still running after SIGINT"
  wait "$1" || die "capturer $1 failed: $(tail -n 3 "$tmp/err")"
}

# Packets in a pcap file, as another reader counts them.
file_packets() {
  if command -v capinfos >/dev/null; then
    capinfos -M -c "$1" | awk '/Number of packets/ { print $NF }'
  else
    tcpdump -r "$1" 2>/dev/null | wc -l
  fi
}

# One capture under load: prints "captured dropped file-packets seconds req/s undecoded".
run() {
  local who=$1 pcap=$tmp/$1.pcap pid started ended captured dropped rps undecoded=-
  rm -f "$pcap"
  case $who in
    socklab)
      "$bin" sniff -i lo -f "$filter" -w "$pcap" --color never >"$tmp/out" 2>"$tmp/err" &
      pid=$!
      wait_for "$tmp/err" "Capturing on" ;;
    tcpdump)
      tcpdump -i lo -n -w "$pcap" "$filter" >"$tmp/out" 2>"$tmp/err" &
      pid=$!
      wait_for "$tmp/err" "listening on" ;;
  esac
  started=$(date +%s.%N)
  rps=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "http://$addr/$FILE" | awk '/^Requests\/sec:/ { print $2 }')
  ended=$(date +%s.%N)
  stop "$pid"
  case $who in
    socklab)
      read -r captured dropped undecoded < <(grep -h ' packets\? captured, ' "$tmp/out" "$tmp/err" |
        sed -E 's/^([0-9]+) packets? captured, ([0-9]+) dropped by the kernel(, ([0-9]+) not decoded)?.*/\1 \2 \4/')
      undecoded=${undecoded:-0} ;;
    tcpdump)
      captured=$(awk '/packets captured/ { print $1 }' "$tmp/err")
      dropped=$(awk '/packets dropped by kernel/ { print $1 }' "$tmp/err") ;;
  esac
  [ -n "${captured:-}" ] && [ -n "${dropped:-}" ] || die "$who printed no counts: $(tail -n 3 "$tmp/err")"
  echo "$captured $dropped $(file_packets "$pcap") $(awk -v a="$started" -v b="$ended" 'BEGIN { print b - a }') $rps $undecoded"
}

echo "live capture under load: socklab web ($WORKERS workers) on $addr, wrk -t$THREADS -c$CONNS -d$DURATION /$FILE,"
echo "capture filter \"$filter\" on lo, $RUNS run(s) each, alternating"
printf '%-8s %4s %10s %10s %12s %9s %10s %12s\n' capturer run captured "in file" "written/s" dropped "wrk req/s" "not decoded"
bad=0
for i in $(seq "$RUNS"); do
  for who in socklab tcpdump; do
    read -r captured dropped saved secs rps undecoded < <(run "$who")
    printf '%-8s %4s %10s %10s %12.0f %9s %10s %12s\n' "$who" "$i" "$captured" "$saved" \
      "$(awk -v n="$saved" -v s="$secs" 'BEGIN { print n / s }')" "$dropped" "$rps" "$undecoded"
    if [ "$who" = socklab ] && { [ "$dropped" -ne 0 ] || [ "$saved" -ne "$captured" ]; }; then bad=$((bad + 1)); fi
  done
done
echo "written/s: packets in the file over wrk's run; dropped: the kernel's count as the capturer reports it;"
echo "not decoded: packets socklab saved but did not decode or list, its decoder being too far behind"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
if [ "$bad" -eq 0 ]; then
  echo "budget: socklab sniff -w drops 0 packets and saves every one: met in all $RUNS run(s)"
else
  echo "budget: socklab sniff -w drops 0 packets and saves every one: MISSED in $bad of $RUNS run(s)"
fi
