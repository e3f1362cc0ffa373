//! `socklab scan`: a TCP connect scan of loopback ports the test controls.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::net::TcpListener;

/// A port on 127.0.0.1 that was just bound and released, near `near`, so nothing listens there.
fn closed_port_near(near: u16) -> u16 {
    let candidates = (1..=200u16).flat_map(|d| [near.checked_add(d), near.checked_sub(d)]).flatten();
    for port in candidates.filter(|p| *p >= 1024) {
        if let Ok(l) = TcpListener::bind(("127.0.0.1", port)) {
            drop(l);
            return port;
        }
    }
    panic!("no free port near {near}");
}

fn csv_open_ports(csv: &str) -> Vec<u16> {
    csv.lines().skip(1).filter_map(|l| l.split(',').next()?.parse().ok()).collect()
}

#[test]
fn finds_the_listening_port_and_not_the_closed_one() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let open = listener.local_addr().unwrap().port();
    let closed = closed_port_near(open);
    let range = format!("{}-{}", open.min(closed), open.max(closed));
    let args = ["scan", "127.0.0.1", "--ports", &range, "--timeout-ms", "500", "--format", "csv"];
    let out = run(&args);
    assert!(out.status.success(), "{}", describe(&out));
    let ports = csv_open_ports(&String::from_utf8_lossy(&out.stdout));
    assert!(ports.contains(&open), "{open} not found open\n{}", describe(&out));
    assert!(!ports.contains(&closed), "{closed} reported open\n{}", describe(&out));
    let n = open.abs_diff(closed) + 1;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("scanned {n} ports on 127.0.0.1 in ")), "{}", describe(&out));
    drop(listener);
}

#[test]
fn table_output_lists_open_ports_then_the_summary() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let open = listener.local_addr().unwrap().port();
    let closed = closed_port_near(open);
    let list = format!("{closed},{open}");
    let out = ok(&["scan", "localhost", "--ports", &list, "--threads", "2"]);
    let open_line = out.lines().find(|l| l.contains(&format!(" {open} "))).unwrap_or_else(|| panic!("{out}"));
    assert!(open_line.contains("open") && open_line.contains("tcp"), "{out}");
    assert!(!out.lines().any(|l| l.contains(&format!(" {closed} "))), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("scanned 2 ports on 127.0.0.1 in "), "{out}");
    assert!(last.ends_with(" s: 1 open, 1 closed"), "{out}");
}

#[test]
fn json_output_is_an_array_of_open_ports() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let open = listener.local_addr().unwrap().port().to_string();
    let out = ok(&["scan", "127.0.0.1", "--ports", &open, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v[0]["Port"], open.as_str(), "{out}");
    assert_eq!(v[0]["State"], "open", "{out}");
}

#[test]
fn bad_ranges_are_usage_errors_with_a_clear_message() {
    for (spec, needle) in [
        ("500-50", "inverted"),
        ("0", "port 0"),
        ("0-10", "port 0"),
        ("65536", "out of range"),
        ("1-70000", "out of range"),
        ("http", "not a port number"),
        ("80-", "missing"),
        ("", "empty"),
    ] {
        let args = ["scan", "127.0.0.1", "--ports", spec];
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{}\n{}", show(&args), describe(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{}: expected {needle:?}\n{}", show(&args), describe(&out));
        assert_eq!(err.lines().count(), 1, "{}", describe(&out));
    }
}

#[test]
fn unknown_host_fails_without_scanning() {
    let err = fails(&["scan", "nosuch.invalid", "--ports", "80"]);
    assert!(err.contains("unknown host 'nosuch.invalid'"), "{err}");
}
