//! `--trace`: each socket call is printed in the timeline of the packets it
//! causes (`connect(` before the SYN, `connect() returned` after the SYN-ACK,
//! `accept() returned` after the handshake's ACK, `close(` before the FIN); with
//! `--capture` the calls are saved next to the pcap (`FILE.trace`) and `flow`
//! draws them on the lifeline of the side that made them.
//!
//! Live capture needs root or CAP_NET_RAW (CI runs as root: there a missing
//! root fails the test).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use common::{addr_of, assert_before, capture_arg, describe, root, run_with, scratch, Proc};
use report_util::xml::well_formed;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
/// The mark in front of every capture line.
const MARK: &str = "│ ";

/// Index of the first line from `from` on matching `pred`, or a panic showing every line.
fn find(lines: &[String], from: usize, what: &str, pred: impl Fn(&str) -> bool) -> usize {
    (from..lines.len())
        .find(|&i| pred(&lines[i]))
        .unwrap_or_else(|| panic!("no {what} line after line {from} in:\n{}", lines.join("\n")))
}

fn packet(l: &str, flags: &str) -> bool {
    l.starts_with(MARK) && l.contains(&format!("[{flags}]"))
}

fn traced(l: &str, call: &str) -> bool {
    l.starts_with("[trace ") && l.contains(call)
}

/// Runs a client to completion and returns its stdout lines.
fn client(args: &[&str]) -> Vec<String> {
    let out = run_with(args, b"", WAIT);
    assert!(out.status.success(), "{args:?}\n{}", describe(&out));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// Starts a traced server: its trace lines (socket, bind) come before the
/// address line, so the address is read from the line that names it.
fn server(args: &[&str]) -> (Proc, SocketAddr) {
    let mut p = Proc::spawn(args);
    let line = p.wait_for("listening on", WAIT);
    let addr = addr_of(&line).unwrap_or_else(|| panic!("no address in {line:?}"));
    (p, addr)
}

fn flow(file: &Path, format: &str) -> String {
    let out = run_with(&["flow", &file.display().to_string(), "--format", format, "--color", "never"], b"", WAIT);
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The Mermaid participant id of the lifeline named `who` ("client" or "server").
fn participant(mmd: &str, who: &str) -> String {
    let line = mmd.lines().find(|l| l.contains(&format!(" as {who} "))).unwrap_or_else(|| panic!("no {who}:\n{mmd}"));
    line.trim().split(' ').nth(1).unwrap().to_string()
}

#[test]
fn tcp_calls_sit_among_the_packets_they_cause_and_flow_draws_them() {
    if !root("tcp trace") {
        return;
    }
    let dir = scratch("tcp");
    let (sfile, cfile) = (dir.join("s.pcap"), dir.join("c.pcap"));
    let (mut srv, addr) = server(&["tcp", "server", "--port", "0", "--trace", &capture_arg(&sfile)]);
    srv.wait_for("packets are marked", WAIT);
    let server = addr.to_string();
    let c = client(&["tcp", "client", "--server", &server, "--trace", &capture_arg(&cfile), "hello"]);
    srv.wait_for("closed the connection", WAIT);
    let s = srv.interrupt_lines();

    // The client: connect( before the SYN, connect() returned after the SYN-ACK,
    // shutdown( before its FIN, and close( after it.
    let connect = find(&c, 0, "connect(", |l| traced(l, &format!("connect({server}) …")));
    let syn = find(&c, 0, "SYN", |l| packet(l, "SYN"));
    let syn_ack = find(&c, 0, "SYN-ACK", |l| packet(l, "SYN, ACK"));
    let connected = find(&c, 0, "connect() returned", |l| traced(l, "connect() returned fd"));
    assert_before(&c, connect, syn);
    assert_before(&c, syn_ack, connected);
    let shut = find(&c, 0, "shutdown(", |l| traced(l, "shutdown(SHUT_RDWR) …"));
    let fin = find(&c, 0, "FIN", |l| packet(l, "FIN, ACK"));
    assert_before(&c, shut, fin);
    let sent = find(&c, 0, "send(", |l| traced(l, "send(6 bytes) …"));
    let data = find(&c, 0, "data", |l| packet(l, "PSH, ACK"));
    assert_before(&c, sent, data);
    find(&c, 0, "recv() returned", |l| traced(l, "recv() returned 6 bytes"));

    // The server: the listener first, accept() returned after the third
    // handshake packet, close( before its own FIN (the second one).
    let bind = find(&s, 0, "bind(", |l| traced(l, "bind(127.0.0.1:0)+listen(128) …"));
    let listening = find(&s, 0, "listening", |l| l.contains("listening on"));
    assert_before(&s, bind, listening);
    let syn_ack = find(&s, 0, "SYN-ACK", |l| packet(l, "SYN, ACK"));
    let third = find(&s, syn_ack + 1, "handshake ACK", |l| packet(l, "ACK"));
    let accepted = find(&s, 0, "accept() returned", |l| traced(l, "accept() returned fd"));
    assert_before(&s, third, accepted);
    let close = find(&s, 0, "close(", |l| traced(l, "close(fd "));
    let first_fin = find(&s, 0, "FIN", |l| packet(l, "FIN, ACK"));
    let server_fin = find(&s, first_fin + 1, "server FIN", |l| packet(l, "FIN, ACK"));
    assert_before(&s, close, server_fin);

    // The sidecars, one event a line.
    for f in [&sfile, &cfile] {
        let side = PathBuf::from(format!("{}.trace", f.display()));
        let text = std::fs::read_to_string(&side).unwrap_or_else(|e| panic!("{}: {e}", side.display()));
        assert!(text.lines().count() >= 6, "{text}");
        for l in text.lines() {
            assert!(l.starts_with("{\"time\":") && l.contains("\"call\":"), "{l}");
        }
    }

    // flow: the client's calls on the left lifeline, the server's on the right.
    let ct = flow(&cfile, "text");
    let l = ct.lines().find(|l| l.contains("* socket()+connect(")).unwrap_or_else(|| panic!("{ct}"));
    assert!(!l.split('*').next().unwrap().contains('|'), "connect on the client's lifeline:\n{ct}");
    let st = flow(&sfile, "text");
    let l = st.lines().find(|l| l.contains("* accept() returned fd")).unwrap_or_else(|| panic!("{st}"));
    assert!(l.split('*').next().unwrap().contains('|'), "accept on the server's lifeline:\n{st}");
    let pos = |t: &str, what: &str| t.find(what).unwrap_or_else(|| panic!("no {what} in:\n{t}"));
    assert!(pos(&st, "* accept() returned") > pos(&st, "ACK Seq=1 Ack=1 Len=0"), "{st}");
    assert!(pos(&ct, "* socket()+connect(") < pos(&ct, "SYN Seq=0"), "{ct}");

    let cm = flow(&cfile, "mermaid");
    let who = participant(&cm, "client");
    assert!(cm.contains(&format!("Note over {who}: socket()+connect({server})")), "{cm}");
    let sm = flow(&sfile, "mermaid");
    let who = participant(&sm, "server");
    assert!(sm.contains(&format!("Note over {who}: accept() returned fd")), "{sm}");

    let svg = flow(&sfile, "svg");
    well_formed(&svg).unwrap_or_else(|e| panic!("the SVG is not well-formed XML: {e}\n{svg}"));
    assert!(svg.contains("accept() returned fd") && svg.contains("class=\"call\""), "{svg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn udp_sendto_and_recvfrom_are_traced() {
    if !root("udp trace") {
        return;
    }
    let dir = scratch("udp");
    let sfile = dir.join("s.pcap");
    let (mut srv, addr) = server(&["udp", "server", "--port", "0", "--trace", &capture_arg(&sfile)]);
    srv.wait_for("packets are marked", WAIT);
    let server = addr.to_string();
    let c = client(&["udp", "client", "--server", &server, "--trace", "hello"]);
    find(&c, 0, "connect(", |l| traced(l, &format!("connect({server}) …")));
    find(&c, 0, "send(", |l| traced(l, "send(5 bytes) …"));
    find(&c, 0, "recv() returned", |l| traced(l, "recv() returned 5 bytes"));
    srv.wait_for("From client", WAIT);
    let s = srv.interrupt_lines();
    let datagram = find(&s, 0, "datagram", |l| l.starts_with(MARK) && l.contains("UDP") && l.contains("Len=5"));
    let got = find(&s, 0, "recvfrom() returned", |l| traced(l, "recvfrom() returned 5 bytes from 127.0.0.1:"));
    assert_before(&s, datagram, got);
    let sendto = find(&s, got, "sendto(", |l| traced(l, "sendto(5 bytes, 127.0.0.1:"));
    let reply = find(&s, datagram + 1, "reply", |l| l.starts_with(MARK) && l.contains("Len=5"));
    assert_before(&s, sendto, reply);
    let side = std::fs::read_to_string(format!("{}.trace", sfile.display())).unwrap();
    assert!(side.contains("\"call\":\"recvfrom()\""), "{side}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_trace_no_call_is_printed_and_no_sidecar_is_written() {
    if !root("no trace") {
        return;
    }
    let dir = scratch("none");
    let sfile = dir.join("s.pcap");
    let (mut srv, addr) = Proc::server(&["udp", "server", "--port", "0", &capture_arg(&sfile)]);
    srv.wait_for("packets are marked", WAIT);
    let c = client(&["udp", "client", "--server", &addr.to_string(), "hello"]);
    srv.wait_for("From client", WAIT);
    let s = srv.interrupt_lines();
    assert!(!c.iter().chain(&s).any(|l| l.starts_with("[trace ")), "{c:?}\n{s:?}");
    assert!(!Path::new(&format!("{}.trace", sfile.display())).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The web server traces its accept and the close of each connection, and
/// `get` its connect, its send and its receives (no capture needed).
#[test]
fn web_and_get_trace_accept_close_and_receives() {
    let www = format!("{}/www", env!("CARGO_MANIFEST_DIR"));
    let (srv, addr) = server(&["web", "--root", &www, "--port", "0", "--trace"]);
    let url = format!("http://{addr}/HelloWorld.html");
    let c = client(&["get", &url, "--trace"]);
    let traced = |lines: &[String], call: &str| lines.iter().any(|l| l.starts_with("[trace ") && l.contains(call));
    for call in ["connect(", "send(request)", "recv() returned"] {
        assert!(traced(&c, call), "get: no {call} line in {c:#?}");
    }
    std::thread::sleep(Duration::from_millis(200));
    let s = srv.interrupt_lines();
    for call in ["accept() returned", "close(fd "] {
        assert!(traced(&s, call), "web: no {call} line in {s:#?}");
    }
}
