#!/usr/bin/env bash
# Installs what socklab needs on a fresh Debian machine with the Rust toolchain:
# libpcap (headers for the pcap crate), and the real peers the tests talk to.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

# libpcap-dev: the pcap crate; python3, curl, dnsutils (dig): real peers in the tests;
# tcpdump: scripts/make-captures.sh; util-linux: setpriv for the no-privilege tests;
# tshark: tests/capture_lost.rs reads the saved captures back with it (required when CI=true);
# chromium: tests/report_page.rs opens the report page headless (required when CI=true).
packages=(libpcap-dev pkg-config python3 curl dnsutils tcpdump util-linux tshark chromium)
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
