#!/usr/bin/env bash
# The main job: installs what is missing, builds socklab, and runs it.
#   scripts/run.sh demo        the loopback lab tour (the default)
#   scripts/run.sh ARGS...     any socklab command, e.g. scripts/run.sh tcp server
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked --quiet
bin=target/release/socklab
[ $# -eq 0 ] && set -- demo
if [ "$1" = demo ] && ! "$bin" help demo >/dev/null 2>&1; then
  # Until `socklab demo` exists: one TCP echo round trip on loopback.
  out=$(mktemp)
  "$bin" tcp server --port 0 >"$out" &
  pid=$!
  trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
  for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
  addr=$(head -n1 "$out" | awk '{print $NF}')
  echo "== socklab tcp server listening on $addr"
  echo "== socklab tcp client --server $addr hello, socket lab!"
  "$bin" tcp client --server "$addr" "hello, socket lab!"
  kill -INT $pid; wait $pid || true
  echo "== server log:"; cat "$out"
  exit 0
fi
exec "$bin" "$@"
