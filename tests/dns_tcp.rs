//! `socklab dns server` over TCP (RFC 1035 §4.2.2, RFC 7766): dig +tcp gets
//! the answer, a too-big answer comes back truncated over UDP and whole over
//! TCP (dig retries by itself), several queries share one connection, and a
//! bad length prefix only ends that connection.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::Proc;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// A zone with one name of 40 A records (too big for 512 bytes) and a small one.
fn big_zone() -> PathBuf {
    let path = std::env::temp_dir().join(format!("socklab-dns-tcp-{}.zone", std::process::id()));
    let mut text: String = (1..=40).map(|i| format!("big.lab 60 A 10.0.0.{i}\n")).collect();
    text.push_str("small.lab 60 A 10.1.1.1\n");
    std::fs::write(&path, text).unwrap();
    path
}

fn server() -> (Proc, SocketAddr) {
    let zone = big_zone();
    Proc::server(&["dns", "server", "--port", "0", "--zone", zone.to_str().unwrap()])
}

fn dig(addr: SocketAddr, args: &[&str]) -> String {
    let port = addr.port().to_string();
    let out = Command::new("dig")
        .args(["@127.0.0.1", "-p", &port, "+tries=1", "+time=2"])
        .args(args)
        .output()
        .expect("dig is installed (dnsutils / bind-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dig_over_tcp_gets_the_answer() {
    let (mut s, addr) = server();
    let out = dig(addr, &["+tcp", "small.lab", "A"]);
    assert!(out.contains("status: NOERROR") && out.contains("10.1.1.1"), "{out}");
    assert!(out.contains("(TCP)"), "dig used TCP: {out}");
    s.wait_for("Query over TCP from 127.0.0.1:", Duration::from_secs(5));
}

#[test]
fn a_truncated_udp_answer_is_whole_over_tcp() {
    let (_s, addr) = server();
    let udp = dig(addr, &["+noedns", "+ignore", "big.lab", "A"]);
    assert!(udp.contains("flags: qr aa tc rd;") && udp.contains("ANSWER: 0"), "{udp}");
    let retried = dig(addr, &["+noedns", "big.lab", "A"]);
    assert!(retried.contains("Truncated, retrying in TCP mode"), "{retried}");
    assert!(retried.contains("ANSWER: 40"), "{retried}");
}

#[test]
fn several_queries_share_one_connection_and_a_zero_length_ends_it() {
    let (_s, addr) = server();
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    // Query id 0x0101 / 0x0102 for small.lab A, RD set (RFC 1035 §4.1).
    for id in [1u8, 2] {
        let mut q = vec![0x01, id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x05small\x03lab\x00\x00\x01\x00\x01");
        let mut framed = (q.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(&q);
        c.write_all(&framed).unwrap();
        let mut len = [0u8; 2];
        c.read_exact(&mut len).unwrap();
        let mut r = vec![0u8; u16::from_be_bytes(len) as usize];
        c.read_exact(&mut r).unwrap();
        assert_eq!(&r[..2], &[0x01, id], "the response carries the query's id");
        assert_eq!(&r[6..8], &[0, 1], "one answer");
    }
    c.write_all(&[0, 0]).unwrap();
    let mut rest = Vec::new();
    assert_eq!(c.read_to_end(&mut rest).unwrap(), 0, "the server closes after a zero length");
}

/// Regression: the TCP listener started after the address line was printed, so
/// a client connecting at once was sometimes refused.
#[test]
fn tcp_is_ready_when_the_address_is_printed() {
    for _ in 0..5 {
        let (_s, addr) = server();
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("TCP not ready at {addr}: {e}"));
    }
}
