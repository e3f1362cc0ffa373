//! The connection errors a student meets in the labs, each one line on stderr
//! with a non-zero exit and never a panic: client before server (TCP refused by
//! RST, UDP answered by ICMP port unreachable), no UDP reply at all, port in use,
//! privileged port, unknown host, malformed address.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
fn closed_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A UDP port on 127.0.0.1 that nothing is bound to (bound, then released).
fn closed_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Asserts the failure is exactly one line starting with `socklab:`, and returns it.
fn one_line_error(args: &[&str], code: i32) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(code), "{}\n{}", show(args), describe(&out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{}", describe(&out));
    assert_eq!(err.lines().count(), 1, "{} should print one line\n{}", show(args), describe(&out));
    assert!(err.starts_with("socklab: "), "{err}");
    err
}

#[test]
fn tcp_client_before_its_server_is_refused_by_rst() {
    let port = closed_tcp_port().to_string();
    let err = one_line_error(&["tcp", "client", "--port", &port, "hello"], 1);
    assert!(err.contains(&format!("connection to 127.0.0.1:{port} refused")), "{err}");
    assert!(err.contains("answered our SYN with a RST") && err.contains("start the server first"), "{err}");
}

#[test]
fn chat_client_before_its_server_is_refused_by_rst() {
    let server = format!("127.0.0.1:{}", closed_tcp_port());
    let err = one_line_error(&["chat", "client", "--server", &server], 1);
    assert!(err.contains("refused") && err.contains("RST"), "{err}");
}

#[test]
fn udp_client_before_its_server_hears_icmp_port_unreachable() {
    let port = closed_udp_port().to_string();
    let err = one_line_error(&["udp", "client", "--port", &port, "--timeout-ms", "3000", "hello"], 1);
    assert!(err.contains(&format!("no reply from 127.0.0.1:{port}")), "{err}");
    assert!(err.contains("ICMP port unreachable") && err.contains("start the server first"), "{err}");
}

#[test]
fn udp_chat_client_before_its_server_hears_icmp_port_unreachable() {
    let server = format!("127.0.0.1:{}", closed_udp_port());
    let err = one_line_error(&["chat", "client", "--udp", "--server", &server], 1);
    assert!(err.contains("ICMP port unreachable"), "{err}");
}

#[test]
fn udp_server_that_never_answers_times_out() {
    // Something is bound (so no ICMP comes back) but it never replies.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let err = one_line_error(&["udp", "client", "--server", &server, "--timeout-ms", "300", "hello"], 1);
    assert!(err.contains(&format!("no reply from {server} within 300 ms")), "{err}");
    assert!(!err.contains("ICMP"), "{err}");
    let mut buf = [0u8; 16];
    silent.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let (n, _) = silent.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello", "the datagram did arrive");
}

#[test]
fn tcp_client_to_a_silent_server_times_out_waiting_for_the_reply() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let err = one_line_error(&["tcp", "client", "--server", &server, "--timeout-ms", "300", "hello"], 1);
    assert!(err.contains("nothing came back within 300 ms"), "{err}");
}

#[test]
fn tcp_port_in_use() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    for cmd in [&["tcp", "server"][..], &["chat", "server"][..]] {
        let mut args = cmd.to_vec();
        args.extend_from_slice(&["--port", &port]);
        let err = one_line_error(&args, 1);
        assert!(err.contains("address already in use"), "{err}");
        assert!(err.contains(&format!("port {port}")) && err.contains("TIME_WAIT"), "{err}");
    }
}

#[test]
fn udp_port_in_use() {
    let held = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    for cmd in [&["udp", "server"][..], &["chat", "server", "--udp"][..]] {
        let mut args = cmd.to_vec();
        args.extend_from_slice(&["--port", &port]);
        let err = one_line_error(&args, 1);
        assert!(err.contains("address already in use") && err.contains(&format!("port {port}")), "{err}");
    }
}

#[test]
fn privileged_port_without_privilege() {
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start").unwrap_or_default();
    match start.trim().parse::<u32>() {
        Ok(0) => {
            eprintln!("skipped: ip_unprivileged_port_start is 0, so every user may bind port 80");
            return;
        }
        Ok(n) if n <= 80 => {
            eprintln!("skipped: ip_unprivileged_port_start is {n}, so every user may bind port 80");
            return;
        }
        Ok(_) => {}
        Err(_) => {
            eprintln!("skipped: cannot read /proc/sys/net/ipv4/ip_unprivileged_port_start");
            return;
        }
    }
    if !Path::new("/usr/bin/setpriv").exists() && !Path::new("/bin/setpriv").exists() {
        eprintln!("skipped: setpriv is not installed");
        return;
    }
    for proto in ["tcp", "udp"] {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN, proto, "server", "--port", "80"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("setpriv:") {
            eprintln!("skipped: setpriv cannot switch users here: {err}");
            return;
        }
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        assert_eq!(err.lines().count(), 1, "{}", describe(&out));
        assert!(err.contains("cannot listen on 127.0.0.1:80") && err.contains("below 1024"), "{err}");
    }
}

#[test]
fn unknown_host_fails_without_a_query() {
    let cases: [&[&str]; 5] = [
        &["tcp", "client", "--host", "nosuch.invalid", "hi"],
        &["udp", "client", "--host", "nosuch.invalid", "hi"],
        &["tcp", "client", "--server", "nosuch.invalid:12000", "hi"],
        &["chat", "client", "--server", "nosuch.invalid:12000"],
        &["tcp", "server", "--host", "nosuch.invalid", "--port", "0"],
    ];
    for args in cases {
        let err = one_line_error(args, 1);
        assert!(err.contains("unknown host 'nosuch.invalid'"), "{err}");
    }
}

#[test]
fn malformed_addresses_are_usage_errors() {
    let cases: [(&[&str], &str); 6] = [
        (&["tcp", "client", "--server", "127.0.0.1:99999", "hi"], "port must be a number from 0 to 65535"),
        (&["udp", "client", "--server", "127.0.0.1:99999", "hi"], "port must be a number from 0 to 65535"),
        (&["tcp", "client", "--server", "nonsense", "hi"], "expected host:port"),
        (&["tcp", "client", "--server", "127.0.0.1:http", "hi"], "port must be a number"),
        (&["chat", "client", "--server", "[::1:80"], "missing ']'"),
        (&["tcp", "server", "--bind", "nonsense"], "expected host:port"),
    ];
    for (args, want) in cases {
        let err = one_line_error(args, 2);
        assert!(err.contains("invalid address") && err.contains(want), "{err}");
    }
}

#[test]
fn port_out_of_range_flag_is_a_usage_error() {
    let out = run(&["tcp", "client", "--port", "99999", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn bad_chat_name_is_a_usage_error() {
    let err = one_line_error(&["chat", "client", "--name", "two words", "--port", "1"], 2);
    assert!(err.contains("--name") && err.contains("without spaces"), "{err}");
}

#[test]
fn multi_line_message_is_a_usage_error() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let server: SocketAddr = silent.local_addr().unwrap();
    let err = one_line_error(&["tcp", "client", "--server", &server.to_string(), "one\ntwo"], 2);
    assert!(err.contains("line break at byte 3"), "{err}");
}
