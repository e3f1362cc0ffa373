//! `--capture[=FILE]` on the servers and clients: each server runs with a capture
//! on `--port 0`, its client talks to it (often with a capture too), the server
//! stops on SIGINT; the savefile is re-read with `socklab read` and must hold the
//! handshake, the data and the teardown; the printed tables name the right
//! frames. Also: the filter keeps other loopback traffic out, and without the
//! capture permission the command stops at once with the fix.
//!
//! Live capture needs root or CAP_NET_RAW: without root these tests print why
//! and pass (CI runs as root).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{capture_arg, describe, root, run_with, scratch, Proc, BIN};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const SIGINT: i32 = 2;
const WAIT: Duration = Duration::from_secs(20);

/// `socklab read FILE -T fields -e ...` as rows of tab-separated fields.
fn fields(file: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["read".to_string(), file.display().to_string(), "-T".into(), "fields".into()];
    for n in names {
        args.push("-e".into());
        args.push((*n).to_string());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_with(&argv, b"", WAIT);
    assert!(out.status.success(), "read failed\n{}", describe(&out));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

/// Runs a client to completion and returns its stdout (asserting success).
fn client(args: &[&str]) -> String {
    let out = run_with(args, b"", WAIT);
    assert!(out.status.success(), "{args:?} failed\n{}", describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stops a server with SIGINT and returns everything it printed.
fn stop(mut server: Proc) -> String {
    let st = server.signal_and_wait(SIGINT, WAIT);
    assert!(st.success(), "server exit {st}\n{}", server.dump());
    server.seen.lock().unwrap().join("\n")
}

/// The TCP flags column of a capture, in order.
fn tcp_flags(file: &Path) -> Vec<String> {
    fields(file, &["tcp.flags.str"]).into_iter().map(|r| r[0].trim_matches('·').to_string()).collect()
}

/// Asserts a printed handshake/teardown table (`socklab handshake`'s) has the
/// row `step` for `frame` with `flags`.
fn table_has(output: &str, frame: u32, flags: &str, step: &str) {
    let found = output.lines().any(|l| {
        let cells: Vec<&str> = l.trim_matches('│').split('┆').map(str::trim).collect();
        cells.len() >= 4 && cells[0] == step && cells[1] == frame.to_string() && cells.contains(&flags)
    });
    assert!(found, "no table row {step} for frame {frame} [{flags}] in\n{output}");
}

#[test]
fn tcp_echo_server_and_client_capture_handshake_data_and_teardown() {
    if !root("tcp_echo_server_and_client_capture_handshake_data_and_teardown") {
        return;
    }
    let dir = scratch("tcp");
    let (srv_file, cli_file) = (dir.join("srv.pcap"), dir.join("cli.pcap"));
    let (server, addr) = Proc::server(&["tcp", "server", "--port", "0", &capture_arg(&srv_file)]);
    let addr = addr.to_string();
    let out = client(&["tcp", "client", "--server", &addr, &capture_arg(&cli_file), "hello capture"]);
    assert!(out.contains("From server") && out.contains("HELLO CAPTURE"), "{out}");
    assert!(out.contains("│ ") && out.contains("handshake 1/3"), "{out}");
    let server_out = stop(server);
    for (file, text) in [(&cli_file, &out), (&srv_file, &server_out)] {
        assert!(file.exists(), "{} missing", file.display());
        let flags = tcp_flags(file);
        assert!(flags.len() >= 10, "{flags:?}");
        assert_eq!(&flags[..3], ["S", "A··S", "A"], "raw flags {flags:?}");
        // Stream 0 is the client's connection.
        let lens = fields(file, &["tcp.len", "tcp.flags.fin", "tcp.stream"]);
        assert_eq!(lens.iter().filter(|r| r[0] == "14" && r[2] == "0").count(), 2, "data both ways: {lens:?}");
        assert_eq!(lens.iter().filter(|r| r[1] == "1" && r[2] == "0").count(), 2, "two FINs: {lens:?}");
        table_has(text, 1, "SYN", "SYN");
        table_has(text, 2, "SYN, ACK", "SYN-ACK");
        table_has(text, 3, "ACK", "ACK");
        table_has(text, 8, "FIN, ACK", "FIN/ACK");
        assert!(text.contains("active close") && text.contains("passive close"), "{text}");
        assert!(text.contains("dropped by the kernel"), "{text}");
    }
}

#[test]
fn udp_echo_capture_has_both_datagrams_and_closed_port_has_the_icmp_error() {
    if !root("udp_echo_capture_has_both_datagrams_and_closed_port_has_the_icmp_error") {
        return;
    }
    let dir = scratch("udp");
    let srv_file = dir.join("srv.pcap");
    let (server, addr) = Proc::server(&["udp", "server", "--port", "0", &capture_arg(&srv_file)]);
    let out = client(&["udp", "client", "--server", &addr.to_string(), &capture_arg(&dir.join("c.pcap")), "ping"]);
    assert!(out.contains("PING") && out.contains("The datagrams:"), "{out}");
    let server_out = stop(server);
    let rows = fields(&srv_file, &["udp.srcport", "udp.dstport", "udp.length"]);
    let port = addr.port().to_string();
    // The request and the echo, nothing else (shutdown puts no datagram on the wire).
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][1], port);
    assert_eq!(rows[1][0], port);
    assert!(server_out.contains("The datagrams:"), "{server_out}");

    // Nobody on the port: the datagram and the ICMP port unreachable quoting it.
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let file = dir.join("closed.pcap");
    let out = run_with(
        &["udp", "client", "--server", &closed.to_string(), "--timeout-ms", "500", &capture_arg(&file), "anyone?"],
        b"",
        WAIT,
    );
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ICMP error about frame 1"), "{}", describe(&out));
    assert!(text.contains("frame 2: Destination unreachable (Port unreachable)"), "{}", describe(&out));
    let rows = fields(&file, &["frame.protocols", "icmp.type", "icmp.code"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1..], ["3".to_string(), "3".to_string()], "{rows:?}");
}

#[test]
fn dns_capture_prints_the_field_tables() {
    if !root("dns_capture_prints_the_field_tables") {
        return;
    }
    let dir = scratch("dns");
    let file = dir.join("q.pcap");
    let (server, addr) = Proc::server(&["dns", "server", "--port", "0"]);
    let out = client(&["dns", "query", "google.com", "--server", &addr.to_string(), &capture_arg(&file)]);
    stop(server);
    assert!(out.contains("> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.1"), "{out}");
    assert!(out.contains("DNS query in frame 1") && out.contains("DNS response in frame 2"), "{out}");
    for key in ["QDCOUNT", "QNAME", "ANCOUNT", "RDATA", "TTL"] {
        assert!(out.contains(key), "{key} missing\n{out}");
    }
    let rows = fields(&file, &["udp.dstport", "udp.srcport"]);
    let port = addr.port().to_string();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((&rows[0][0], &rows[1][1]), (&port, &port), "query to the server, answer from it: {rows:?}");
}

#[test]
fn web_and_get_capture_the_request_and_response() {
    if !root("web_and_get_capture_the_request_and_response") {
        return;
    }
    let dir = scratch("web");
    let (srv_file, cli_file) = (dir.join("web.pcap"), dir.join("get.pcap"));
    let (server, addr) = Proc::server(&["web", "--port", "0", "--root", "www", &capture_arg(&srv_file)]);
    let url = format!("http://{addr}/HelloWorld.html");
    let out = client(&["get", &url, &capture_arg(&cli_file)]);
    assert!(out.contains("200 OK") || out.contains("200"), "{out}");
    let server_out = stop(server);
    for file in [&srv_file, &cli_file] {
        let rows = fields(file, &["tcp.len"]);
        let payload = rows.iter().filter(|r| r[0] != "0").count();
        assert!(payload >= 2, "request and response segments in {}: {rows:?}", file.display());
    }
    table_has(&server_out, 1, "SYN", "SYN");
}

#[test]
fn scan_and_ping_capture_their_probes() {
    if !root("scan_and_ping_capture_their_probes") {
        return;
    }
    let dir = scratch("scan");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let file = dir.join("scan.pcap");
    let out = client(&["scan", "127.0.0.1", "--ports", &port, &capture_arg(&file)]);
    assert!(out.contains("handshake 1/3"), "{out}");
    let flags = tcp_flags(&file);
    assert!(flags.len() >= 3 && flags[0] == "S", "{flags:?}");
    let file = dir.join("ping.pcap");
    let out = client(&["ping", "127.0.0.1", "-c", "1", &capture_arg(&file)]);
    let rows = fields(&file, &["icmp.type"]);
    assert!(rows.iter().any(|r| r[0] == "8") && rows.iter().any(|r| r[0] == "0"), "{rows:?}\n{out}");
}

#[test]
fn capture_filter_keeps_other_loopback_traffic_out() {
    if !root("capture_filter_keeps_other_loopback_traffic_out") {
        return;
    }
    let dir = scratch("filter");
    let file = dir.join("srv.pcap");
    let (server, addr) = Proc::server(&["tcp", "server", "--port", "0", &capture_arg(&file)]);
    // Unrelated traffic on loopback while the capture runs: TCP and UDP on other ports.
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port();
    for _ in 0..3 {
        let _c = TcpStream::connect(other.local_addr().unwrap()).unwrap();
        let _ = other.accept().unwrap();
    }
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    u.send_to(b"noise", u.local_addr().unwrap()).unwrap();
    client(&["tcp", "client", "--server", &addr.to_string(), "mine"]);
    stop(server);
    let rows = fields(&file, &["tcp.srcport", "tcp.dstport", "udp.srcport"]);
    let port = addr.port().to_string();
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(r[0] == port || r[1] == port, "unrelated packet captured: {r:?} (other port {other_port})");
        assert!(r[2].is_empty(), "UDP captured: {r:?}");
    }
}

#[test]
fn without_permission_capture_stops_before_anything_with_the_fix() {
    if !root("without_permission_capture_stops_before_anything_with_the_fix") {
        return;
    }
    let target: SocketAddr = "127.0.0.1:9".parse().unwrap();
    for args in [
        vec!["tcp", "client", "--server", "127.0.0.1:9", "--capture", "hi"],
        vec!["sniff", "-c", "1"],
        vec!["udp", "server", "--port", "0", "--capture"],
    ] {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(&args)
            .current_dir(std::env::temp_dir())
            .output()
            .expect("setpriv");
        let err = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{args:?} succeeded as nobody\n{err}");
        assert!(err.contains("needs privilege"), "{args:?}: {err}");
        assert!(err.contains("sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\""), "{err}");
        assert!(err.contains("root"), "{err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(!err.contains(&target.to_string()), "the client must not have connected: {err}");
        assert!(stdout.is_empty(), "{args:?} printed before stopping: {stdout}");
    }
}

#[test]
fn proxy_capture_has_both_streams_of_each_request_paired_and_nothing_else() {
    if !root("proxy_capture_has_both_streams_of_each_request_paired_and_nothing_else") {
        return;
    }
    let dir = scratch("proxy");
    let file = dir.join("proxy.pcap");
    let (web, web_addr) = Proc::server(&["web", "--port", "0", "--root", "www"]);
    let (proxy, proxy_addr) = Proc::server(&["proxy", "--port", "0", &capture_arg(&file)]);
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port().to_string();
    let url = format!("http://{web_addr}/HelloWorld.html");
    for _ in 0..2 {
        let out = Command::new("curl")
            .args(["-s", "--max-time", "10", "-x", &format!("http://{proxy_addr}"), &url])
            .output()
            .expect("curl");
        assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("<html"), "{out:?}");
        // Unrelated loopback TCP while the capture runs.
        let _c = TcpStream::connect(other.local_addr().unwrap()).unwrap();
        let _ = other.accept().unwrap();
    }
    let text = stop(proxy);
    stop(web);
    let (pp, wp) = (proxy_addr.port().to_string(), web_addr.port().to_string());
    let rows = fields(&file, &["tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack"]);
    for r in &rows {
        assert!([&pp, &wp].contains(&&r[1]) || [&pp, &wp].contains(&&r[2]), "unrelated packet {r:?} ({other_port})");
    }
    let syns = |port: &str| -> Vec<String> {
        rows.iter().filter(|r| r[2] == port && r[3] == "1" && r[4] == "0").map(|r| r[0].clone()).collect()
    };
    // Two requests to the proxy, two to the origin (shutdown puts no packet on the wire).
    let (to_proxy, to_web) = (syns(&pp), syns(&wp));
    assert_eq!(to_proxy.len(), 2, "SYNs to the proxy: {to_proxy:?}\n{rows:?}");
    assert_eq!(to_web.len(), 2, "SYNs to the origin: {to_web:?}\n{rows:?}");
    assert!(text.contains(&format!("now also capturing TCP with {web_addr}")), "{text}");
    for (i, (c, o)) in to_proxy.iter().zip(&to_web).enumerate() {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("request {}: ", i + 1)))
            .unwrap_or_else(|| panic!("no pairing line for request {}\n{text}", i + 1));
        assert!(line.contains(&format!("client stream {c} (")), "{line} (client SYN in stream {c})");
        assert!(line.contains(&format!("→ {proxy_addr}) ↔ origin stream {o} (")), "{line} (origin stream {o})");
        assert!(line.ends_with(&format!("→ {web_addr})")), "{line}");
    }
}
