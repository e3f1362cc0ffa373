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
exec "$bin" "$@"
