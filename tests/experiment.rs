//! `socklab experiment`: each experiment runs as the real binary on loopback
//! and must show the error the program sees and the packets that explain it.
//! The packets need root or CAP_NET_RAW: CI runs as root, so there a missing
//! permission fails these tests; elsewhere they print why and pass. One test
//! runs an experiment as nobody (setpriv) and expects the sockets part plus
//! the setcap fix.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{describe, root, scratch, BIN};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest an experiment may take (the slowest waits about 2 s).
const LIMIT: Duration = Duration::from_secs(30);

/// Runs `socklab <args>` in `dir`, bounded, and returns its output.
fn run_in(dir: &PathBuf, prefix: &[&str], args: &[&str]) -> Output {
    let (exe, pre): (&str, &[&str]) = match prefix.split_first() {
        Some((p, rest)) => (p, rest),
        None => (BIN, &[]),
    };
    let mut child = Command::new(exe)
        .args(pre)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start socklab {args:?}: {e}"));
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("socklab {args:?} took over {LIMIT:?}\n{}", describe(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs an experiment and returns its report (asserting success), or None
/// when this process may not capture.
fn experiment(name: &str, format: &str) -> Option<String> {
    if !root(name) {
        return None;
    }
    let dir = scratch(name);
    let out = run_in(&dir, &[], &["experiment", "run", name, "--format", format]);
    assert!(out.status.success(), "experiment {name} failed\n{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(dir.join(format!("captures/experiment-{name}.pcap")).is_file(), "{name}: no saved capture\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!text.contains('\x1b'), "{name}: colour without a terminal\n{text}");
    Some(text)
}

/// Asserts every needle is in the report.
fn has(name: &str, text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "{name}: missing {n:?} in\n{text}");
    }
}

/// The packet list lines of a report (between its header and the next blank line).
fn packet_lines(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.contains("No.") || !l.contains("Info"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The timeline section of a report: trace lines and packet rows in time order.
fn timeline(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.contains("The calls and the packets, in time order"))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The index of the first timeline line holding every needle.
fn at(t: &[&str], needles: &[&str], report: &str) -> usize {
    t.iter()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no timeline line with {needles:?} in\n{report}"))
}

/// tcp-client-first's timeline: connect's line, the SYN, the RST/ACK, the refusal.
fn connect_traced_around_the_syn_and_the_reset(r: &str) {
    let t = timeline(r);
    let call = at(&t, &["[trace ", "client: connect(127.0.0.1:", " …"], r);
    let syn = at(&t, &["[SYN]"], r);
    let rst = at(&t, &["[RST, ACK]"], r);
    let refused = at(&t, &["[trace ", "client: connect() → ECONNREFUSED", "(Python: ConnectionRefusedError"], r);
    assert!(call < syn && syn < rst && rst < refused, "connect, SYN, RST/ACK, refused\n{r}");
}

/// udp-client-first's timeline: each send's line before its datagram and the
/// ICMP error, the connected socket's refused recv after them.
fn datagram_and_icmp_traced_between_the_calls(r: &str) {
    let t = timeline(r);
    let send = at(&t, &["[trace ", "connected client: send(\"is anybody there?\") …"], r);
    let datagram = at(&t, &["UDP", "Len=17"], r);
    let icmp = at(&t, &["Port unreachable"], r);
    let refused = at(&t, &["[trace ", "connected client: recv() → ECONNREFUSED"], r);
    assert!(send < datagram && datagram < icmp && icmp < refused, "send, datagram, ICMP, refused recv\n{r}");
    let sendto = at(&t, &["[trace ", "unconnected client: sendto(\"is anybody there?\", 127.0.0.1:", " …"], r);
    let second = sendto + t[sendto..].iter().position(|l| l.contains("UDP") && l.contains("Len=17")).expect(r);
    let icmp2 = sendto + t[sendto..].iter().position(|l| l.contains("Port unreachable")).expect(r);
    let sent = at(&t, &["[trace ", "unconnected client: sendto() → 17"], r);
    assert!(sendto < second && second < icmp2, "sendto before its datagram and the ICMP\n{r}");
    assert!(sent > sendto, "{r}");
}

#[test]
fn no_trace_leaves_the_timeline_out() {
    if !root("no-trace") {
        return;
    }
    let dir = scratch("no-trace");
    let out = run_in(&dir, &[], &["experiment", "run", "tcp-client-first", "--no-trace"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("in time order") && !text.contains("[trace "), "{text}");
    assert!(text.contains("[RST, ACK]"), "the packets are still listed\n{text}");
}

#[test]
fn tcp_client_first_is_refused_by_rst() {
    let Some(t) = experiment("tcp-client-first", "text") else { return };
    has(
        "tcp-client-first",
        &t,
        &["ECONNREFUSED: Connection refused", "Python: ConnectionRefusedError: [Errno 111]", "RFC 9293 §3.10.7.1"],
    );
    let p = packet_lines(&t);
    assert!(p.iter().any(|l| l.contains("[SYN]")), "{t}");
    let syn = p.iter().position(|l| l.contains("[SYN]")).unwrap();
    let rst = p.iter().position(|l| l.contains("[RST, ACK]")).unwrap_or_else(|| panic!("no RST in\n{t}"));
    assert!(syn < rst, "the RST answers the SYN\n{t}");
    connect_traced_around_the_syn_and_the_reset(&t);
}

#[test]
fn udp_client_first_gets_port_unreachable() {
    let Some(t) = experiment("udp-client-first", "text") else { return };
    has(
        "udp-client-first",
        &t,
        &[
            "Destination unreachable (Port unreachable)",
            "recv() (1 s timeout)\n      → ECONNREFUSED",
            "no reply after 1 s; an unconnected socket is never told",
            "WinError",
            "10054",
            "SIO_UDP_CONNRESET",
            "RFC 1122 §4.1.3.1",
        ],
    );
    let icmp = packet_lines(&t).iter().filter(|l| l.contains("Port unreachable")).count();
    assert_eq!(icmp, 2, "one ICMP error per datagram\n{t}");
    datagram_and_icmp_traced_between_the_calls(&t);
}

#[test]
fn wrong_port_refuses_tcp_and_udp_and_the_server_sees_nothing() {
    let Some(t) = experiment("wrong-port", "text") else { return };
    has(
        "wrong-port",
        &t,
        &[
            "[RST, ACK]",
            "Destination unreachable (Port unreachable)",
            "nothing waiting (EAGAIN): no SYN reached this port",
            "nothing waiting (EAGAIN): no datagram reached this port",
            "[SYN, ACK]",
            "5 bytes from 127.0.0.1:",
        ],
    );
}

#[test]
fn two_clients_differ_by_source_port_and_the_backlog_fills() {
    let Some(t) = experiment("two-clients", "text") else { return };
    has("two-clients", &t, &["client 3: connect(", "timeout: connection timed out", "[TCP Retransmission]"]);
    let peers: Vec<&str> = t.lines().filter(|l| l.trim_start().starts_with("→ client at 127.0.0.1:")).collect();
    assert_eq!(peers.len(), 2, "two accepted clients\n{t}");
    assert_ne!(peers[0], peers[1], "different source ports\n{t}");
}

#[test]
fn client_closes_first_leaves_time_wait_on_the_client() {
    let Some(t) = experiment("client-closes-first", "text") else { return };
    has(
        "client-closes-first",
        &t,
        &[
            "active close: client",
            "TIME-WAIT",
            "new client socket: bind(127.0.0.1:",
            "EADDRINUSE: Address already in use",
            "OSError: [Errno 98] Address already in use",
            "without SO_REUSEADDR, listen()\n      → 0: bound and listening",
        ],
    );
}

#[test]
fn server_closes_first_blocks_the_restart_until_reuseaddr() {
    let Some(t) = experiment("server-closes-first", "text") else { return };
    has(
        "server-closes-first",
        &t,
        &[
            "active close: server",
            "TIME-WAIT",
            "without SO_REUSEADDR, listen()\n      → EADDRINUSE",
            "with SO_REUSEADDR, listen()\n      → 0: bound and listening",
        ],
    );
}

#[test]
fn close_with_unread_data_resets() {
    let Some(t) = experiment("close-with-unread-data", "text") else { return };
    has(
        "close-with-unread-data",
        &t,
        &[
            "ECONNRESET: Connection reset by peer",
            "ConnectionResetError: [Errno 104]",
            "[RST, ACK]",
            "RFC 1122 §4.2.2.13",
        ],
    );
    assert!(!packet_lines(&t).iter().any(|l| l.contains("[FIN")), "no FIN, only RST\n{t}");
}

#[test]
fn half_close_lets_the_server_send_after_the_clients_fin() {
    let Some(t) = experiment("half-close", "text") else { return };
    has("half-close", &t, &["shutdown(SHUT_WR)", "18 bytes: \"you sent 15 bytes\\n\"", "RFC 9293 §3.6.1"]);
    let p = packet_lines(&t);
    let fin = p.iter().position(|l| l.contains("[FIN, ACK]")).unwrap_or_else(|| panic!("no FIN\n{t}"));
    assert!(p[fin..].iter().any(|l| l.contains("Len=18")), "the server's data follows the client's FIN\n{t}");
}

#[test]
fn udp_keeps_boundaries_and_tcp_does_not() {
    let Some(t) = experiment("udp-boundaries", "text") else { return };
    has(
        "udp-boundaries",
        &t,
        &["3 bytes: \"one\"", "3 bytes: \"two\"", "5 bytes: \"three\"", "11 bytes in one read: \"onetwothree\""],
    );
    let count = |mode: &str| -> usize {
        let line = t.lines().skip_while(|l| !l.contains(&format!("after the warm-up ({mode})"))).nth(1).unwrap_or("");
        line.split_whitespace()
            .nth(1)
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no count for {mode}\n{t}"))
    };
    assert!(count("Nagle on") < 3, "Nagle joins the later writes\n{t}");
    assert_eq!(count("TCP_NODELAY"), 3, "each write its own segment\n{t}");
}

#[test]
fn markdown_report_has_a_table_and_the_packets_in_a_code_block() {
    let Some(t) = experiment("tcp-client-first", "markdown") else { return };
    has("tcp-client-first", &t, &["## Experiment `tcp-client-first`", "| Call", "```text", "[RST, ACK]", "### Why"]);
}

#[test]
fn list_names_every_experiment() {
    let out = run_in(&std::env::temp_dir(), &[], &["experiment", "list"]);
    assert!(out.status.success(), "{}", describe(&out));
    let t = String::from_utf8_lossy(&out.stdout);
    for n in ["tcp-client-first", "udp-client-first", "wrong-port", "two-clients", "half-close", "udp-boundaries"] {
        assert!(t.contains(n), "{n} missing\n{t}");
    }
}

#[test]
fn an_unknown_experiment_names_the_known_ones() {
    let out = run_in(&std::env::temp_dir(), &[], &["experiment", "run", "nope"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tcp-client-first") && err.contains("experiment list"), "{err}");
}

#[test]
fn without_the_capability_the_sockets_part_runs_and_the_fix_is_named() {
    if !root("without_the_capability_the_sockets_part_runs_and_the_fix_is_named") {
        return;
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| std::path::Path::new(p).exists());
    let Some(setpriv) = setpriv else {
        assert!(!common::in_ci(), "setpriv (util-linux) is needed in CI");
        println!("skipping: setpriv is not installed");
        return;
    };
    let dir = std::env::temp_dir();
    let prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", BIN];
    let out = run_in(&dir, &prefix, &["experiment", "run", "tcp-client-first"]);
    assert!(out.status.success(), "{}", describe(&out));
    let t = String::from_utf8_lossy(&out.stdout);
    has(
        "tcp-client-first as nobody",
        &t,
        &[
            "ECONNREFUSED",
            "not captured:",
            "a permission this process lacks",
            "sudo setcap cap_net_raw,cap_net_admin=eip",
        ],
    );
}

#[test]
fn keep_alive_needs_one_handshake_for_three_requests() {
    let Some(t) = experiment("http-keepalive", "text") else { return };
    has(
        "http-keepalive",
        &t,
        &[
            "200 OK, 39 body bytes, Connection: close",
            "200 OK, 39 body bytes, Connection: keep-alive",
            "server A (one connection each)\n      → 3 SYN(s) for 3 request segment(s)",
            "server B (keep-alive)\n      → 1 SYN(s) for 3 request segment(s)",
            "GET /HelloWorld.html HTTP/1.1",
        ],
    );
}

#[test]
fn a_truncated_dns_answer_is_fetched_again_over_tcp() {
    let Some(t) = experiment("dns-truncation", "text") else { return };
    has(
        "dns-truncation",
        &t,
        &["TC=1 (truncated: ask again over TCP), 0 answers", "TC=0, 40 answers", "[SYN]", "RFC 1035 §4.2.2"],
    );
    let p = packet_lines(&t);
    let responses: Vec<&&str> = p.iter().filter(|l| l.contains("Standard query response")).collect();
    assert_eq!(responses.len(), 2, "one over UDP, one over TCP\n{t}");
    assert!(responses[1].contains("A 10.0.0.40"), "the TCP answer holds every record\n{t}");
}
