#!/usr/bin/env bash
# The test command: installs what is missing, checks formatting and lints, then runs
# every unit and integration test (real binary, real sockets on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
