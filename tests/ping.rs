//! `socklab ping`: ICMP echo over a raw socket to loopback, as root and as nobody.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::process::Command;

fn has_ipv6_loopback() -> bool {
    std::fs::read_to_string("/proc/net/if_inet6")
        .map(|t| t.lines().any(|l| l.starts_with("00000000000000000000000000000001")))
        .unwrap_or(false)
}

#[test]
fn pings_loopback_as_root() {
    if !root("pings_loopback_as_root") {
        return;
    }
    let out = ok(&["ping", "127.0.0.1", "-c", "2", "-i", "200"]);
    assert!(out.starts_with("PING 127.0.0.1 (127.0.0.1): 56 data bytes"), "{out}");
    for seq in [1, 2] {
        let line = out.lines().find(|l| l.contains(&format!("icmp_seq={seq} "))).unwrap_or_else(|| panic!("{out}"));
        assert!(line.starts_with("64 bytes from 127.0.0.1: "), "{out}");
        assert!(line.contains(" ttl=") && line.ends_with(" ms"), "{out}");
    }
    assert!(out.contains("--- 127.0.0.1 ping statistics ---"), "{out}");
    assert!(out.contains("2 packets transmitted, 2 received, 0% packet loss"), "{out}");
    assert!(out.contains("rtt min/avg/max/mdev = "), "{out}");
}

#[test]
fn payload_size_sets_the_reply_length() {
    if !root("payload_size_sets_the_reply_length") {
        return;
    }
    let out = ok(&["ping", "localhost", "-c", "1", "-s", "1000"]);
    assert!(out.contains("1008 bytes from 127.0.0.1: icmp_seq=1 "), "{out}");
    let out = ok(&["ping", "127.0.0.1", "-c", "1", "-s", "0"]);
    assert!(out.contains("8 bytes from 127.0.0.1: icmp_seq=1 "), "{out}");
}

#[test]
fn pings_ipv6_loopback_as_root() {
    if !root("pings_ipv6_loopback_as_root") || !has_ipv6_loopback() {
        eprintln!("skipped: needs ::1");
        return;
    }
    let out = ok(&["ping", "::1", "-c", "2", "-i", "100"]);
    assert!(out.contains("64 bytes from ::1: icmp_seq=2 ttl="), "{out}");
    assert!(out.contains("2 packets transmitted, 2 received, 0% packet loss"), "{out}");
}

#[test]
fn without_privilege_the_error_names_the_fix() {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| std::path::Path::new(p).exists());
    let Some(setpriv) = setpriv.filter(|_| root("without_privilege_the_error_names_the_fix")) else {
        eprintln!("skipped: needs root and setpriv to drop to nobody");
        return;
    };
    // Unprivileged ICMP "ping sockets" (SOCK_DGRAM) depend on this range; socklab uses
    // SOCK_RAW, which needs CAP_NET_RAW whatever the range says.
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap_or_default();
    let out = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN, "ping", "127.0.0.1", "-c", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") && !err.contains("socklab") {
        eprintln!("skipped: nobody cannot execute {BIN}: {err}");
        return;
    }
    let context = format!("ping_group_range {range:?}\n{}", describe(&out));
    assert_eq!(out.status.code(), Some(1), "{context}");
    assert!(err.starts_with("socklab: ping needs privilege"), "{context}");
    assert!(err.contains("run it as root"), "{context}");
    assert!(err.contains("sudo setcap cap_net_raw+ep \"$(command -v socklab)\""), "{context}");
    assert_eq!(err.lines().count(), 1, "{context}");
    assert!(out.stdout.is_empty(), "{context}");
}

#[test]
fn unknown_host_fails_before_opening_a_socket() {
    let err = fails(&["ping", "nosuch.invalid", "-c", "1"]);
    assert!(err.contains("unknown host 'nosuch.invalid'"), "{err}");
}

#[test]
fn zero_count_is_refused() {
    let out = run(&["ping", "127.0.0.1", "-c", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}
