#!/usr/bin/env bash
# The Windows smoke suite: builds socklab.exe for x86_64-pc-windows-gnu with
# Debian's mingw-w64 and runs it under Wine, on 127.0.0.1 only:
#   - TCP and UDP echo round trips between socklab.exe server and client, and
#     Ctrl-C stopping the server cleanly;
#   - `web` served to `get`; `dns server` answering `dns query`;
#   - `read`, `read -V`, `handshake` and `dns decode` on the sample captures,
#     whose output must equal the Linux build's byte for byte;
#   - `sniff` without Npcap (Wine has none): a clean error naming Npcap.
# Exits non-zero on the first failure, saying which check failed and why.
#
# Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's std imports, so
# the script builds a test-only shim DLL (ProcessPrng over RtlGenRandom) next to
# the .exe in target/. It is never shipped: scripts/release.sh does not copy it.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
fail() { echo "windows-smoke: FAIL: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "$1 not found: $2"; }
need x86_64-w64-mingw32-gcc "install Debian's gcc-mingw-w64-x86-64 (scripts/setup.sh does)"
need wine "install Debian's wine and wine64 (scripts/setup.sh does)"
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" || fail "rustup could not add $target; without it socklab.exe cannot be built here"
fi

echo "windows-smoke: building socklab.exe ($target) and the Linux build to compare with"
cargo build --locked --quiet --target "$target"
cargo build --locked --quiet
exe="target/$target/debug/socklab.exe"
linux="target/debug/socklab"

# The test-only ProcessPrng shim (see the header).
shim_dir="target/$target/debug"
if [ ! -f "$shim_dir/bcryptprimitives.dll" ] || [ scripts/windows-smoke.sh -nt "$shim_dir/bcryptprimitives.dll" ]; then
  work=$(mktemp -d)
  cat >"$work/shim.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
EOF
  printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' >"$work/shim.def"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$shim_dir/bcryptprimitives.dll" "$work/shim.c" "$work/shim.def" -ladvapi32
  rm -rf "$work"
fi

export WINEPREFIX="$PWD/target/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" COLUMNS=100
logs=$(mktemp -d)
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$logs"; }
trap cleanup EXIT
if [ ! -d "$WINEPREFIX/drive_c" ]; then
  echo "windows-smoke: creating the Wine prefix (once)"
  timeout 300 wineboot --init >/dev/null 2>&1 || fail "wineboot could not create $WINEPREFIX"
fi

# Runs socklab.exe with a deadline; stdout and stderr to the files given.
win() { timeout 60 wine "$exe" "$@"; }
passed=0
ok() { passed=$((passed + 1)); echo "  ok  $*"; }

# Starts a socklab.exe server in the background and sets `addr` to the address
# it bound (its first line's `listening on ADDR`, waited for up to 60 s), `log`
# to its output file and `pid` to its process.
start() {
  log="$logs/server-$1-$RANDOM.log"
  wine "$exe" "$@" --port 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    addr=$(sed -n 's/.* listening on \([0-9.]*:[0-9]*\).*/\1/p' "$log" | head -1)
    [ -z "$addr" ] || return 0
    sleep 0.1
  done
  fail "socklab.exe $* did not print its address: $(cat "$log")"
}

echo "windows-smoke: socklab.exe under $(wine --version)"
out=$(win --version) || fail "socklab.exe --version: $out"
ok "starts: $out"

start tcp server
out=$(win tcp client --server "$addr" "hello from wine" 2>&1) || fail "tcp client: $out"
grep -q "HELLO FROM WINE" <<<"$out" || fail "tcp echo: expected HELLO FROM WINE, got: $out"
ok "tcp echo round trip ($addr)"

# Wine turns SIGINT into the console's Ctrl-C event, which socklab's console
# control handler takes as on Linux: the server stops cleanly and says so.
kill -INT "$pid"
for _ in $(seq 100); do
  grep -q "Server stopped" "$log" && break
  sleep 0.1
done
grep -q "Server stopped" "$log" || fail "Ctrl-C did not stop the tcp server cleanly: $(cat "$log")"
wait "$pid" || fail "the tcp server exited with $? after Ctrl-C: $(cat "$log")"
ok "Ctrl-C stops the tcp server cleanly: $(grep "Server stopped" "$log")"

start udp server
out=$(win udp client --server "$addr" "hello over udp" 2>&1) || fail "udp client: $out"
grep -q "HELLO OVER UDP" <<<"$out" || fail "udp echo: expected HELLO OVER UDP, got: $out"
ok "udp echo round trip ($addr)"

start web --root www
out=$(win get "http://$addr/index.html" 2>&1) || fail "get: $out"
grep -q "200 OK" <<<"$out" || fail "web + get: expected 200 OK, got: $out"
out=$(win get "http://$addr/no-such-page.html" 2>&1 || true)
grep -q "404" <<<"$out" || fail "web + get: expected a 404, got: $out"
ok "web + get: 200 and 404 ($addr)"

start dns server
out=$(win dns query --server "$addr" google.com 2>&1) || fail "dns query: $out"
grep -q "192.165.1.1" <<<"$out" || fail "dns query: expected 192.165.1.1, got: $out"
ok "dns server + dns query ($addr)"

# The same output as the Linux build, byte for byte.
same() {
  local name="$1"
  shift
  "$linux" "$@" >"$logs/linux.out" 2>&1 || true
  win "$@" >"$logs/wine.out" 2>&1 || true
  if ! cmp -s "$logs/linux.out" "$logs/wine.out"; then
    diff -u "$logs/linux.out" "$logs/wine.out" | head -20 >&2
    fail "$name: socklab.exe's output differs from the Linux build's"
  fi
  ok "$name: equal to Linux ($(wc -l <"$logs/linux.out") lines)"
}
for f in captures/tcp-echo.pcap captures/udp-echo.pcap captures/dns-lab.pcap captures/web-http.pcap \
  captures/tcp-refused.pcap captures/udp-closed-port.pcap captures/tcp-echo-interfaces.pcapng.gz; do
  same "read $f" read "$f"
done
same "read -V captures/dns-lab.pcap" read -V captures/dns-lab.pcap
same "read -T fields" read -T fields -e frame.number -e ip.src -e tcp.srcport -e dns.qry.name captures/dns-lab.pcap
same "handshake captures/tcp-echo.pcap" handshake captures/tcp-echo.pcap
same "handshake captures/web-http.pcap" handshake captures/web-http.pcap
same "dns decode --pcap" dns decode --pcap captures/dns-lab.pcap --frame 1
same "dns decode HEX" dns decode "db42 0100 0001 0000 0000 0000 0377 7777 0c6e 6f72 7468 6561 7374 6572 6e03 6564 7500 0001 0001"

set +e
out=$(win sniff -c 1 --duration 1 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "sniff without Npcap should fail, it exited 0: $out"
grep -q "Npcap" <<<"$out" || fail "sniff without Npcap should name Npcap, got: $out"
grep -q "npcap.com" <<<"$out" || fail "sniff without Npcap should say where to get it, got: $out"
grep -qi "panicked" <<<"$out" && fail "sniff panicked: $out"
ok "sniff without Npcap: $(head -1 <<<"$out")"

echo "windows-smoke: $passed checks passed"
