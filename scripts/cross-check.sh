#!/usr/bin/env bash
# Checks that socklab builds for the students' systems: `cargo check` and
# `cargo clippy --all-targets -D warnings` for Windows (MSVC and GNU) and macOS
# (Intel and Apple silicon). Nothing is linked, so no Windows or macOS SDK is
# needed; the standard libraries come from `rustup target add`.
#   scripts/cross-check.sh            every target below
#   scripts/cross-check.sh TARGET...  only these
# A target rustup cannot fetch is a failure, named as such: this never passes
# without having checked every target it was asked for.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-msvc x86_64-pc-windows-gnu x86_64-apple-darwin aarch64-apple-darwin)

installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    echo "cross-check: adding the $t standard library (rustup target add $t)"
    if ! rustup target add "$t"; then
      echo "cross-check: FAIL: rustup could not add $t, so socklab was not checked for it;" \
        "run 'rustup target add $t' where the network allows, then run this again" >&2
      exit 1
    fi
  fi
done

failed=()
for t in "${targets[@]}"; do
  echo "cross-check: $t"
  if cargo check --locked --quiet --target "$t" &&
    cargo clippy --locked --quiet --all-targets --target "$t" -- -D warnings; then
    echo "cross-check: $t ok"
  else
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "cross-check: FAIL: ${failed[*]} (the errors are above)" >&2
  exit 1
fi
echo "cross-check: ${#targets[@]} targets pass cargo check and clippy: ${targets[*]}"
