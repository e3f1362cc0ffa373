#!/usr/bin/env bash
# Installs what socklab needs on a fresh Debian machine with the Rust toolchain:
# libpcap (headers for the pcap crate), and the real peers the tests talk to.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

# libpcap-dev: the pcap crate; python3, curl, dnsutils (dig): real peers in the tests;
# tcpdump: scripts/make-captures.sh; util-linux: setpriv for the no-privilege tests;
# tshark: tests/capture_lost.rs reads the saved captures back with it (required when CI=true);
# chromium: tests/report_page.rs opens the report page headless (required when CI=true);
# gcc-mingw-w64-x86-64, wine, wine64: scripts/windows-smoke.sh builds socklab.exe and runs it.
packages=(libpcap-dev pkg-config python3 curl dnsutils tcpdump util-linux tshark chromium
  gcc-mingw-w64-x86-64 wine wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "setup: cargo not found; install the Rust toolchain (rustup) first" >&2; exit 1; }

# The standard libraries of the Windows and macOS targets, for scripts/cross-check.sh
# and scripts/windows-smoke.sh (rustup fetches each once).
for t in x86_64-pc-windows-msvc x86_64-pc-windows-gnu x86_64-apple-darwin aarch64-apple-darwin; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t" ||
    echo "setup: rustup could not add $t; scripts/cross-check.sh will say so" >&2
done
