//! `socklab ping`: ICMP echo to loopback over the raw socket as root, and as nobody
//! over the unprivileged ICMP datagram socket where `net.ipv4.ping_group_range`
//! allows it (in a network namespace of its own, so the host's setting is untouched).
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

/// Whether `net.ipv4.ping_group_range` (text "low\thigh") includes group `gid`.
fn range_allows(range: &str, gid: u32) -> bool {
    let mut ends = range.split_whitespace().map(|n| n.parse::<u32>());
    matches!((ends.next(), ends.next()), (Some(Ok(lo)), Some(Ok(hi))) if lo <= gid && gid <= hi)
}

fn setpriv() -> Option<&'static str> {
    ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| std::path::Path::new(p).exists())
}

/// Arguments that make setpriv run the rest as nobody (uid and gid 65534).
const AS_NOBODY: [&str; 3] = ["--reuid=65534", "--regid=65534", "--clear-groups"];

#[test]
fn without_privilege_the_error_names_the_fix() {
    let Some(setpriv) = setpriv().filter(|_| root("without_privilege_the_error_names_the_fix")) else {
        eprintln!("skipped: needs root and setpriv to drop to nobody");
        return;
    };
    // Without CAP_NET_RAW the raw socket is refused; the unprivileged ICMP datagram
    // socket then works only when this range includes nobody's group.
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap_or_default();
    let out = Command::new(setpriv).args(AS_NOBODY).args([BIN, "ping", "127.0.0.1", "-c", "1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") && !err.contains("socklab") {
        eprintln!("skipped: nobody cannot execute {BIN}: {err}");
        return;
    }
    let context = format!("ping_group_range {range:?}\n{}", describe(&out));
    if range_allows(&range, 65534) {
        assert_eq!(out.status.code(), Some(0), "{context}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 packets transmitted, 1 received"), "{context}");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{context}");
    assert!(err.starts_with("socklab: ping needs privilege"), "{context}");
    assert!(err.contains("net.ipv4.ping_group_range"), "{context}");
    assert!(err.contains("run it as root"), "{context}");
    assert!(err.contains("sudo setcap cap_net_raw+ep \"$(command -v socklab)\""), "{context}");
    assert_eq!(err.lines().count(), 1, "{context}");
    assert!(out.stdout.is_empty(), "{context}");
}

/// Runs `script` (sh) as root in a new network namespace, whose loopback is up and
/// whose ping_group_range lets every group open ICMP datagram sockets; `None`
/// when this machine cannot make namespaces.
fn in_netns_with_ping_sockets(script: &str) -> Option<std::process::Output> {
    let setup = "ip link set lo up && echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range";
    let probe = Command::new("unshare").args(["--net", "sh", "-c", setup]).output().ok()?;
    if !probe.status.success() {
        eprintln!("skipped: cannot make a network namespace: {}", describe(&probe));
        return None;
    }
    Some(Command::new("unshare").args(["--net", "sh", "-c", &format!("{setup} && {script}")]).output().unwrap())
}

#[test]
fn unprivileged_users_ping_over_the_icmp_datagram_socket() {
    let Some(setpriv) = setpriv().filter(|_| root("unprivileged_users_ping_over_the_icmp_datagram_socket")) else {
        eprintln!("skipped: needs root and setpriv to drop to nobody");
        return;
    };
    let nobody = format!("{setpriv} {}", AS_NOBODY.join(" "));
    let script = format!(
        "{nobody} '{BIN}' ping 127.0.0.1 -c 2 -i 100 && {nobody} '{BIN}' ping 127.0.0.1 -c 1 -s 1000 && \
         if [ -e /proc/net/if_inet6 ] && grep -q '^0\\{{31\\}}1 ' /proc/net/if_inet6; then {nobody} '{BIN}' ping ::1 -c 2 -i 100; fi"
    );
    let Some(out) = in_netns_with_ping_sockets(&script) else { return };
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") && !err.contains("socklab") {
        eprintln!("skipped: nobody cannot execute {BIN}: {err}");
        return;
    }
    let context = describe(&out);
    assert_eq!(out.status.code(), Some(0), "{context}");
    // The kernel picks the identifier of these sockets; replies still match by it.
    for seq in [1, 2] {
        assert!(text.contains(&format!("64 bytes from 127.0.0.1: icmp_seq={seq} ttl=64 time=")), "{context}");
    }
    assert!(text.contains("2 packets transmitted, 2 received, 0% packet loss"), "{context}");
    assert!(text.contains("1008 bytes from 127.0.0.1: icmp_seq=1 ttl=64 "), "{context}");
    if text.contains("PING ::1") {
        assert!(text.contains("64 bytes from ::1: icmp_seq=2 ttl=64 time="), "{context}");
    }
}

#[test]
fn ping_group_range_is_read_as_two_bounds() {
    assert!(range_allows("0\t2147483647\n", 65534));
    assert!(!range_allows("1\t0\n", 65534));
    assert!(!range_allows("1\t0\n", 0));
    assert!(range_allows("100 65534", 65534));
    assert!(!range_allows("", 0));
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
