#!/usr/bin/env bash
# Measures socklab's sniffer against DESIGN.md's performance budget, side by side in
# one run on the same files: socklab read (packet list, and -T fields), tcpdump,
# tshark (list and the same fields), a bare libpcap loop that only counts packets,
# and socklab handshake when that command exists.
#
#   scripts/bench.sh              # 200k- and 1M-packet files, best of 3 runs each
#   BENCH_RUNS=1 scripts/bench.sh # one run each (quicker, noisier)
#   BENCH_SIZES=200k scripts/bench.sh
#   BENCH_SERVERS=0 scripts/bench.sh  # skip the server benchmarks (scripts/bench-*.sh)
#
# After the sniffer figures it runs the server benchmarks, each a script of its own:
# scripts/bench-http.sh (socklab web against nginx under wrk) and any other
# scripts/bench-*.sh (bench-live.sh: `sniff -w` under that load, as root).
# Per-packet costs of read's stages on a fixed mix, without this harness:
# `cargo bench --bench packet` (benches/packet.rs).
#
# Bench files come from ../shared/bench/gen_pcap.py (deterministic) and are cached in
# bench-out/ (gitignored), as is the libpcap loop program. Times are wall-clock
# seconds (best run), memory is peak RSS (largest over the runs), both from
# /usr/bin/time. The script only reads files: no network traffic.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench-out
gen=../shared/bench/gen_pcap.py
runs=${BENCH_RUNS:-3}
read -r -a sizes <<<"${BENCH_SIZES:-200k 1m}"
seed=1
# gen_pcap.py writes about 22.6 packets per TCP connection with its default mix.
declare -A connections=([200k]=8860 [1m]=44300)
# Budgets from DESIGN.md.
min_vs_tcpdump=2
min_vs_tshark=10
min_fields_vs_tshark=30
max_handshake_vs_loop=3
max_peak_mib=64
fields=(-e frame.number -e ip.src -e tcp.srcport -e tcp.seq -e tcp.ack -e tcp.stream -e tcp.analysis.flags)

die() { echo "bench: $*" >&2; exit 1; }

install_missing() {
  local missing=()
  command -v tcpdump >/dev/null || missing+=(tcpdump)
  command -v tshark >/dev/null || missing+=(tshark)
  command -v gcc >/dev/null || missing+=(gcc)
  [ -x /usr/bin/time ] || missing+=(time)
  dpkg -s libpcap-dev >/dev/null 2>&1 || missing+=(libpcap-dev)
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bench: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The bare libpcap loop: open the file, count packets, print the count.
build_loop() {
  local src=$out/pcap_count.c bin=$out/pcap_count
  [ -x "$bin" ] && [ "$bin" -nt "$0" ] && return 0
  cat >"$src" <<'C'
/* Counts the packets of a capture file with libpcap and nothing else. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *hdr;
    const u_char *data;
    unsigned long long n = 0;
    int rc;
    pcap_t *p;

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    p = pcap_open_offline(argv[1], err);
    if (p == NULL) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 1;
    }
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1)
        n++;
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
        return 1;
    }
    printf("%llu\n", n);
    pcap_close(p);
    return 0;
}
C
  gcc -O2 -o "$bin" "$src" -lpcap
}

make_file() {
  local size=$1 file=$out/bench-$1.pcap
  if [ ! -s "$file" ]; then
    echo "bench: generating $file (${connections[$size]} connections)" >&2
    python3 "$gen" --connections "${connections[$size]}" --seed "$seed" -o "$file" 2>/dev/null
  fi
  echo "$file"
}

# measure NAME CMD...: best wall time and largest peak RSS over $runs runs.
# Appends "NAME seconds MiB" to $results.
measure() {
  local name=$1 best="" peak=0 t m
  shift
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" ||
      die "$name failed: $(tail -n 3 "$out/stderr.txt")"
    read -r t m <"$out/time.txt"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$t; fi
    [ "$m" -gt "$peak" ] && peak=$m
  done
  printf '%s %s %s\n' "$name" "$best" "$(awk -v k="$peak" 'BEGIN {printf "%.1f", k / 1024}')" >>"$results"
}

value() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$results"; }

# verdict LABEL NUMERATOR DENOMINATOR MIN: ratio NUMERATOR/DENOMINATOR must be >= MIN.
verdict() {
  local label=$1 num=$2 den=$3 min=$4
  awk -v l="$label" -v a="$num" -v b="$den" -v m="$min" 'BEGIN {
    r = (b > 0) ? a / b : 0
    printf "  %-46s %8.1fx  (budget >= %sx)  %s\n", l, r, m, (r >= m) ? "met" : "MISSED"
    exit !(r >= m)
  }'
}

install_missing
mkdir -p "$out"
echo "bench: building socklab --release" >&2
cargo build --release --quiet --bin socklab
socklab=target/release/socklab
build_loop
has_handshake=no
"$socklab" handshake --help >/dev/null 2>&1 && has_handshake=yes

missed=0
for size in "${sizes[@]}"; do
  [ -n "${connections[$size]:-}" ] || die "unknown size '$size' (200k or 1m)"
  file=$(make_file "$size")
  packets=$("$out/pcap_count" "$file")
  results=$out/results-$size.txt
  : >"$results"
  measure libpcap-loop "$out/pcap_count" "$file"
  measure socklab-read "$socklab" read "$file"
  measure socklab-fields "$socklab" read "$file" -T fields "${fields[@]}"
  [ "$has_handshake" = yes ] && measure socklab-handshake "$socklab" handshake "$file"
  measure tcpdump env TZ=UTC tcpdump -nn -r "$file"
  measure tshark tshark -n -r "$file"
  measure tshark-fields tshark -n -r "$file" -T fields "${fields[@]}"

  echo
  echo "== $file: $packets packets, best of $runs run(s) =="
  printf '  %-20s %10s %12s\n' command seconds "peak MiB"
  while read -r name t m; do printf '  %-20s %10s %12s\n' "$name" "$t" "$m"; done <"$results"
  echo "budgets:"
  verdict "socklab read vs TZ=UTC tcpdump -nn" "$(value tcpdump 2)" "$(value socklab-read 2)" $min_vs_tcpdump ||
    missed=$((missed + 1))
  verdict "socklab read vs tshark" "$(value tshark 2)" "$(value socklab-read 2)" $min_vs_tshark ||
    missed=$((missed + 1))
  verdict "socklab -T fields vs tshark -T fields" "$(value tshark-fields 2)" "$(value socklab-fields 2)" \
    $min_fields_vs_tshark || missed=$((missed + 1))
  if [ "$has_handshake" = yes ]; then
    awk -v h="$(value socklab-handshake 2)" -v l="$(value libpcap-loop 2)" -v m=$max_handshake_vs_loop 'BEGIN {
      r = (l > 0) ? h / l : 0
      printf "  %-46s %8.1fx  (budget <= %sx)  %s\n", "socklab handshake vs bare libpcap loop", r, m, (r <= m) ? "met" : "MISSED"
      exit !(r <= m)
    }' || missed=$((missed + 1))
  else
    echo "  socklab handshake: not measured (this build has no 'handshake' command)"
  fi
  if [ "$size" = 1m ]; then
    for name in socklab-read socklab-handshake; do
      m=$(value "$name" 3)
      [ -n "$m" ] || continue
      if awk -v m="$m" -v b=$max_peak_mib 'BEGIN {exit !(m < b)}'; then verdict_word=met; else
        verdict_word=MISSED
        missed=$((missed + 1))
      fi
      printf '  %-46s %7s MiB  (budget < %s MiB)  %s\n' "$name peak memory" "$m" $max_peak_mib "$verdict_word"
    done
  fi
done
rm -f "$out/time.txt" "$out/stderr.txt"
echo
echo "bench: $missed sniffer budget(s) missed"

if [ "${BENCH_SERVERS:-1}" != 0 ]; then
  for script in scripts/bench-*.sh; do
    [ -x "$script" ] || continue
    echo
    echo "== $script"
    "$script" || missed=$((missed + 1))
  done
fi
[ "$missed" -eq 0 ]
