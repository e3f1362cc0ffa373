//! With `--capture`, a command's own lines come after the packets that caused
//! them: the web server's access-log line after its request, the DNS server's
//! "Request (in Hex)" between the query and the response, the UDP echo
//! server's "From client" after the datagram, `get`'s response after the
//! packets that carried it. `--color` on the capturing commands: `always`
//! colours through a pipe, `auto` with NO_COLOR on a terminal does not.
//!
//! Live capture needs root or CAP_NET_RAW (CI runs as root: there a missing
//! root fails the test).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{assert_before, capture_arg, describe, root, run_with, scratch, Proc, Pty};
use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
/// The mark in front of every capture line.
const MARK: &str = "│ ";
/// The ANSI escape that starts every colour.
const ESC: char = '\x1b';

/// Index of the first line matching `pred`, or a panic showing every line.
fn index(lines: &[String], what: &str, pred: impl Fn(&str) -> bool) -> usize {
    lines.iter().position(|l| pred(l)).unwrap_or_else(|| panic!("no {what} line in:\n{}", lines.join("\n")))
}

/// Runs a peer program (curl, dig) to completion, asserting success.
fn peer(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test (CI installs it): {e}"));
    assert!(out.status.success(), "{program} {args:?} failed\n{}", describe(&out));
}

#[test]
fn web_access_log_line_comes_after_its_request_packets() {
    if !root("web order") {
        return;
    }
    let dir = scratch("web");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("HelloWorld.html"), "<html>Hello World!</html>\n").unwrap();
    let file = dir.join("w.pcap");
    let (mut srv, addr) =
        Proc::server(&["web", "--port", "0", "--root", &www.display().to_string(), &capture_arg(&file)]);
    srv.wait_for("packets are marked", WAIT);
    peer("curl", &["-sS", "-o", "/dev/null", &format!("http://{addr}/HelloWorld.html")]);
    srv.wait_for("\"GET /HelloWorld.html HTTP/1.1\" 200", WAIT);
    let lines = srv.interrupt_lines();
    let get = index(&lines, "GET packet", |l| l.starts_with(MARK) && l.contains("GET /HelloWorld.html HTTP/1.1"));
    let reply = index(&lines, "response packet", |l| l.starts_with(MARK) && l.contains("HTTP/1.1 200 OK"));
    let log = index(&lines, "access log", |l| !l.starts_with(MARK) && l.contains("\"GET /HelloWorld.html"));
    assert_before(&lines, get, log);
    assert_before(&lines, reply, log);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dns_server_request_hex_sits_between_the_query_and_the_response() {
    if !root("dns order") {
        return;
    }
    let dir = scratch("dns");
    let file = dir.join("d.pcap");
    let (mut srv, addr) = Proc::server(&["dns", "server", "--port", "0", &capture_arg(&file)]);
    srv.wait_for("packets are marked", WAIT);
    let port = addr.port().to_string();
    let server = format!("@{}", addr.ip());
    peer("dig", &[&server, "-p", &port, "+tries=1", "+time=2", "google.com", "A"]);
    peer("dig", &[&server, "-p", &port, "+tries=1", "+time=2", "nowhere.example", "A"]);
    srv.wait_for("not in the zone (NXDOMAIN)", WAIT);
    let lines = srv.interrupt_lines();
    for name in ["google.com", "nowhere.example"] {
        let asked = index(&lines, "Query from", |l| l.starts_with("Query from") && l.contains(name));
        // `Query from 127.0.0.1:PORT: name A, ID 0x1a2b`: the ID names its packets,
        // which the list shows as DNS (found by tshark's heuristic on any port).
        let id = lines[asked].rsplit("ID ").next().unwrap().to_string();
        let query =
            index(&lines, "query packet", |l| l.starts_with(MARK) && l.contains(&format!("Standard query {id} ")));
        let answer = index(&lines, "response packet", |l| {
            l.starts_with(MARK) && l.contains(&format!("Standard query response {id} "))
        });
        let request = asked + 1;
        assert!(lines[request].starts_with("Request (in Hex): "), "{}", lines.join("\n"));
        let response = (request..lines.len())
            .find(|&i| lines[i].starts_with("Response (in Hex): "))
            .unwrap_or_else(|| panic!("no response hex:\n{}", lines.join("\n")));
        assert_before(&lines, query, asked);
        assert_before(&lines, request, answer);
        assert_before(&lines, answer, response);
    }
    let note = index(&lines, "NXDOMAIN note", |l| l.contains("not in the zone (NXDOMAIN)"));
    assert!(lines[note - 1].starts_with("Response (in Hex): "), "{}", lines.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn udp_server_line_comes_after_the_datagram() {
    if !root("udp order") {
        return;
    }
    let dir = scratch("udp");
    let file = dir.join("u.pcap");
    let (mut srv, addr) = Proc::server(&["udp", "server", "--port", "0", &capture_arg(&file)]);
    srv.wait_for("packets are marked", WAIT);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(WAIT)).unwrap();
    let me = sock.local_addr().unwrap().port();
    for word in ["first", "second", "third"] {
        sock.send_to(word.as_bytes(), addr).unwrap();
        let mut buf = [0u8; 16];
        sock.recv_from(&mut buf).unwrap();
        srv.wait_for(&format!(": {word}"), WAIT);
    }
    let lines = srv.interrupt_lines();
    let sent: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(MARK) && lines[i].contains(&format!("{me} → {}", addr.port())))
        .collect();
    assert_eq!(sent.len(), 3, "{}", lines.join("\n"));
    for (n, word) in ["first", "second", "third"].iter().enumerate() {
        let said = index(&lines, "From client", |l| l.starts_with("From client") && l.ends_with(&format!(": {word}")));
        assert_before(&lines, sent[n], said);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn get_prints_the_response_after_the_packets_that_carried_it() {
    if !root("get order") {
        return;
    }
    let dir = scratch("get");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    // No final line end: the capture's next lines must still start a line of their own.
    std::fs::write(www.join("page.html"), "<p>first</p>\n<p>last line</p>").unwrap();
    let (srv, addr) = Proc::server(&["web", "--port", "0", "--root", &www.display().to_string(), "--quiet"]);
    let file = dir.join("g.pcap");
    let out = run_with(&["get", &format!("http://{addr}/page.html"), &capture_arg(&file)], b"", WAIT);
    assert!(out.status.success(), "{}", describe(&out));
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    let packet = index(&lines, "response packet", |l| l.starts_with(MARK) && l.contains("HTTP/1.1 200 OK"));
    let status = index(&lines, "status line", |l| l.starts_with("HTTP/1.1 200 OK"));
    let body = index(&lines, "last body line", |l| l == "<p>last line</p>");
    assert_before(&lines, packet, status);
    assert_before(&lines, status, body);
    assert!(lines[body + 1..].iter().any(|l| l.starts_with(MARK)), "no capture lines after:\n{}", lines.join("\n"));
    srv.interrupt_lines();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn color_always_colours_the_capture_through_a_pipe() {
    if !root("color always") {
        return;
    }
    let dir = scratch("color-always");
    let file = dir.join("c.pcap");
    let (mut srv, _) = Proc::server(&["tcp", "server", "--port", "0", &capture_arg(&file), "--color", "always"]);
    srv.wait_for("packets are marked", WAIT);
    let lines = srv.interrupt_lines();
    let text = lines.join("\n");
    assert!(text.contains(&format!("{ESC}[")), "no ANSI escape with --color always:\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_color_with_color_auto_on_a_terminal_prints_no_escapes() {
    if !root("NO_COLOR") {
        return;
    }
    let dir = scratch("no-color");
    let file = dir.join("n.pcap");
    let mut pty =
        Pty::spawn_env(&["tcp", "server", "--port", "0", &capture_arg(&file), "--color", "auto"], &[("NO_COLOR", "1")]);
    pty.wait_for("packets are marked", 1);
    pty.interrupt_and_wait(WAIT);
    pty.wait_for("Server stopped", 1);
    let text = pty.text();
    assert!(text.contains("packets captured") || text.contains("packet captured"), "no end tables:\n{text}");
    assert!(!text.contains(ESC), "an ANSI escape despite NO_COLOR:\n{text:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A student's finding at 80 columns: a packet row wider than the terminal
/// wrapped, and its continuation (`Win=65495 Len=0 …`) had no mark, so it read
/// like a line of the server's own. Now every line on screen fits and every
/// capture line, continuations included, carries the mark.
#[test]
fn at_80_columns_every_capture_line_fits_and_is_marked() {
    if !root("80 columns") {
        return;
    }
    let dir = scratch("columns");
    let file = dir.join("c.pcap");
    let pty = Pty::spawn_env(
        &["tcp", "server", "--port", "0", &capture_arg(&file), "--color", "never"],
        &[("COLUMNS", "80")],
    );
    pty.wait_for("packets are marked", 1);
    let text = pty.text();
    let addr = text.lines().find_map(|l| common::addr_of(l.trim_end())).expect("address line");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(&mut s, b"hello there\n").unwrap();
    let mut buf = [0u8; 12];
    std::io::Read::read_exact(&mut s, &mut buf).unwrap();
    drop(s);
    pty.wait_for("closed the connection", 1);
    std::thread::sleep(Duration::from_millis(300));
    let raw = pty.text();
    let own = ["TCP echo server", "The server is ready", "Connection from", "From client", "127.0.0.1:"];
    for line in common::visible_lines(&raw) {
        let line = line.trim_end();
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}\n{raw}");
        assert!(
            line.is_empty() || line.starts_with('│') || own.iter().any(|o| line.starts_with(o)),
            "a line neither marked nor the server's own: {line:?}\n{raw}"
        );
    }
    let mut pty = pty;
    pty.interrupt_and_wait(WAIT);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn proxy_log_line_comes_after_the_response_it_relayed() {
    if !root("proxy order") {
        return;
    }
    let dir = scratch("proxy");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("HelloWorld.html"), "<html>Hello World!</html>\n").unwrap();
    let (web, web_addr) = Proc::server(&["web", "--port", "0", "--root", &www.display().to_string(), "--quiet"]);
    let file = dir.join("p.pcap");
    let (mut proxy, proxy_addr) = Proc::server(&["proxy", "--port", "0", &capture_arg(&file)]);
    proxy.wait_for("packets are marked", WAIT);
    let url = format!("http://{web_addr}/HelloWorld.html");
    peer("curl", &["-sS", "--max-time", "10", "-o", "/dev/null", "-x", &format!("http://{proxy_addr}"), &url]);
    proxy.wait_for(&format!("\"GET {url} HTTP/1.1\" 200"), WAIT);
    let lines = proxy.interrupt_lines();
    web.interrupt_lines();
    // The origin's response to the proxy, then the proxy's to the client (the
    // last of them: HTTP rows show no ports).
    let relayed = lines
        .iter()
        .rposition(|l| l.starts_with(MARK) && l.contains("HTTP/1.1 200 OK"))
        .unwrap_or_else(|| panic!("no relayed response:\n{}", lines.join("\n")));
    let log = index(&lines, "proxy log", |l| l.starts_with("client ") && l.contains(" 200 "));
    assert_before(&lines, relayed, log);
    let _ = std::fs::remove_dir_all(&dir);
}

/// On a terminal Ctrl-C echoes `^C` where the cursor is, and the server's last
/// lines followed on that line (`^CServer stopped: …`, `^C│ 2 packets
/// captured` in the demo): now they start a line of their own, as ping(8)'s do.
#[test]
fn after_a_signal_on_a_terminal_the_last_lines_start_a_line_of_their_own() {
    let mut pty = Pty::spawn(&["tcp", "server", "--port", "0"]);
    pty.wait_for("ready to receive", 1);
    pty.interrupt_and_wait(WAIT);
    pty.wait_for("Server stopped", 1);
    let text = pty.text();
    assert!(text.contains("ready to receive\r\n\r\nServer stopped"), "{text:?}");
}
