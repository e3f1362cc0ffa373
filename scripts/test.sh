#!/usr/bin/env bash
# The test command: installs what is missing, checks formatting and lints, then runs
# every unit and integration test (real binary, real sockets on 127.0.0.1), then the
# Windows and macOS builds: cargo check and clippy for each target, and socklab.exe
# run under Wine (scripts/windows-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
# setup.sh added the targets; where rustup could not, cross-check.sh is not run (say so).
missing=$(comm -23 <(printf '%s\n' x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu x86_64-pc-windows-msvc | sort) \
  <(rustup target list --installed | sort))
if [ -z "$missing" ]; then
  scripts/cross-check.sh
else
  echo "test: NOT RUN: scripts/cross-check.sh, for want of the targets: $missing" >&2
fi
scripts/windows-smoke.sh
