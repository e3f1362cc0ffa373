//! `socklab sniff`: live capture with traffic made by the test: `-c N` stops after
//! N packets, `--duration` after the time, SIGINT cleanly with the counts and the
//! tables, `-w` writes a pcap `socklab read` (and tshark, when installed) reads,
//! `-T fields` prints tshark's field values. Needs root (CI runs as root):
//! elsewhere the tests print why and pass.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{describe, root, run_with, scratch, Proc};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const SIGINT: i32 = 2;
const WAIT: Duration = Duration::from_secs(20);

/// One TCP connection on loopback to a fresh listener: handshake, 5 bytes each
/// way, close. Returns the listener's port.
fn conversation() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

fn talk(l: &TcpListener) {
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (mut s, _) = l.accept().unwrap();
    c.write_all(b"hello").unwrap();
    let mut buf = [0u8; 5];
    s.read_exact(&mut buf).unwrap();
    s.write_all(b"HELLO").unwrap();
    c.read_exact(&mut buf).unwrap();
    drop(c);
    let _ = s.read(&mut buf);
    drop(s);
}

#[test]
fn count_stops_after_n_packets_and_the_file_reads_back() {
    if !root("count_stops_after_n_packets_and_the_file_reads_back") {
        return;
    }
    let dir = scratch("count");
    let file = dir.join("c.pcap");
    let (l, port) = conversation();
    let filter = format!("tcp port {port}");
    let mut p = Proc::spawn(&["sniff", "-f", &filter, "-c", "3", "-w", file.to_str().unwrap(), "--color", "never"]);
    p.wait_for("No.", WAIT);
    talk(&l);
    let st = p.wait(WAIT);
    assert!(st.success(), "{}", p.dump());
    let out = p.seen.lock().unwrap().join("\n");
    assert!(out.contains("handshake 1/3") && out.contains("handshake 3/3"), "{out}");
    assert!(out.contains("3 packets captured"), "{out}");
    assert!(out.contains("TCP stream 0"), "{out}");
    let read = run_with(
        &["read", file.to_str().unwrap(), "-T", "fields", "-e", "tcp.flags.str", "-e", "tcp.dstport"],
        b"",
        WAIT,
    );
    assert!(read.status.success(), "{}", describe(&read));
    let rows = String::from_utf8_lossy(&read.stdout).into_owned();
    assert_eq!(rows.lines().count(), 3, "{rows}");
    assert!(rows.lines().next().unwrap().starts_with("··········S·"), "{rows}");
    if let Ok(t) = std::process::Command::new("tshark").args(["-r", file.to_str().unwrap()]).output() {
        assert!(t.status.success(), "tshark cannot read the file: {}", String::from_utf8_lossy(&t.stderr));
        assert_eq!(String::from_utf8_lossy(&t.stdout).lines().count(), 3);
    }
}

#[test]
fn duration_ends_the_capture_in_time() {
    if !root("duration_ends_the_capture_in_time") {
        return;
    }
    let start = Instant::now();
    // A port nobody uses: no packets, the loop must still see the clock.
    let out = run_with(&["sniff", "-f", "udp port 9 and udp port 7", "--duration", "1"], b"", WAIT);
    assert!(out.status.success(), "{}", describe(&out));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 packets captured, 0 dropped by the kernel"));
}

#[test]
fn sigint_stops_cleanly_with_counts_tables_and_a_complete_file() {
    if !root("sigint_stops_cleanly_with_counts_tables_and_a_complete_file") {
        return;
    }
    let dir = scratch("sigint");
    let file = dir.join("s.pcap");
    let (l, port) = conversation();
    let filter = format!("tcp port {port}");
    let mut p = Proc::spawn(&["sniff", "-f", &filter, "-w", file.to_str().unwrap(), "--color", "never"]);
    p.wait_for("No.", WAIT);
    talk(&l);
    p.wait_for("the connection is closed", WAIT);
    let st = p.signal_and_wait(SIGINT, WAIT);
    assert!(st.success(), "{}", p.dump());
    let out = p.seen.lock().unwrap().join("\n");
    assert!(out.contains("10 packets captured, 0 dropped by the kernel"), "{out}");
    // The handshake/teardown tables of `socklab handshake`: Step, Frame, ...
    for (step, frame) in [("SYN", 1), ("SYN-ACK", 2), ("ACK", 3), ("FIN/ACK", 8), ("FIN/ACK", 9), ("ACK", 10)] {
        let row = out.lines().any(|l| {
            let cells: Vec<&str> = l.trim_matches('│').split('┆').map(str::trim).collect();
            cells.len() > 2 && cells[0] == step && cells[1] == frame.to_string()
        });
        assert!(row, "table row {step} frame {frame} missing\n{out}");
    }
    let read = run_with(&["read", file.to_str().unwrap()], b"", WAIT);
    assert!(read.status.success(), "{}", describe(&read));
    assert_eq!(String::from_utf8_lossy(&read.stdout).lines().filter(|l| l.contains(" TCP ")).count(), 10);
}

/// Regression: the capture loop decoded and printed each packet before reading
/// the next from a ring of a few dozen slots, so a burst faster than the
/// decoding (here `-V`'s details) was mostly dropped by the kernel. Capturing
/// on a thread of its own into a batched ring saves all of it.
#[test]
fn a_burst_faster_than_the_decoding_is_saved_whole() {
    if !root("a_burst_faster_than_the_decoding_is_saved_whole") {
        return;
    }
    const BURST: usize = 5000;
    let dir = scratch("burst");
    let file = dir.join("b.pcap");
    let receiver = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = receiver.local_addr().unwrap();
    let filter = format!("udp dst port {}", to.port());
    let mut p = Proc::spawn(&["sniff", "-f", &filter, "-V", "-w", file.to_str().unwrap(), "--color", "never"]);
    p.wait_for("No.", WAIT);
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..BURST {
        sender.send_to(&[b'x'; 100], to).unwrap();
    }
    let st = p.signal_and_wait(SIGINT, WAIT);
    assert!(st.success(), "{}", p.dump());
    let out = p.seen.lock().unwrap().join("\n");
    let summary = out.lines().find(|l| l.contains("packets captured")).unwrap_or_default();
    assert!(summary.starts_with(&format!("{BURST} packets captured, 0 dropped by the kernel")), "{summary}");
    let read = run_with(&["read", file.to_str().unwrap(), "-T", "fields", "-e", "frame.number"], b"", WAIT);
    assert!(read.status.success(), "{}", describe(&read));
    assert_eq!(String::from_utf8_lossy(&read.stdout).lines().count(), BURST);
}

#[test]
fn fields_output_speaks_tshark_names() {
    if !root("fields_output_speaks_tshark_names") {
        return;
    }
    let (l, port) = conversation();
    let filter = format!("tcp port {port}");
    let mut p = Proc::spawn(&[
        "sniff",
        "-f",
        &filter,
        "-c",
        "10",
        "-T",
        "fields",
        "-E",
        "header=y",
        "-e",
        "tcp.srcport",
        "-e",
        "tcp.len",
        "-e",
        "tcp.seq",
    ]);
    p.wait_for("tcp.srcport", WAIT);
    talk(&l);
    assert!(p.wait(WAIT).success(), "{}", p.dump());
    let out = p.seen.lock().unwrap().clone();
    assert_eq!(out.len(), 11, "{out:?}");
    assert!(out.iter().any(|r| r.ends_with("\t5\t1")), "a 5-byte segment at relative seq 1: {out:?}");
    assert!(!out.join("\n").contains("packets captured"), "summary goes to stderr with -T fields");
}

#[test]
fn bad_filter_and_interface_are_one_line_errors() {
    if !root("bad_filter_and_interface_are_one_line_errors") {
        return;
    }
    let err = common::fails(&["sniff", "-f", "tcp port banana", "-c", "1"]);
    assert!(err.contains("invalid capture filter"), "{err}");
    let err = common::fails(&["sniff", "-i", "nosuchif0", "-c", "1"]);
    assert!(err.contains("nosuchif0"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
