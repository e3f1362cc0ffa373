//! `socklab demo` runs to completion on loopback, prints each part's heading and,
//! with the capture permission (CI runs as root), the annotated packets, the
//! handshake/teardown tables, the ICMP error, the DNS field table and the HTTP
//! exchange, and saves the captures under captures/.

mod common;

use common::{describe, BIN};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn demo_runs_every_part() {
    let dir = std::env::temp_dir().join(format!("socklab-demo-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(BIN)
        .arg("demo")
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("socklab demo did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "1. TCP echo",
        "2. UDP echo",
        "3. Nobody listening",
        "4. DNS",
        "5. HTTP",
        "What to try next",
        "HELLO FROM THE SOCKLAB DEMO",
        "> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.1",
        "\"GET /HelloWorld.html HTTP/1.1\" 200",
        "\"HEAD /HelloWorld.html HTTP/1.1\" 200",
    ] {
        assert!(text.contains(part), "{part:?} missing\n{}", describe(&out));
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        println!("capture parts not checked: not root");
        assert!(text.contains("captures are off"), "{text}");
        return;
    }
    for shown in [
        "handshake 1/3",
        "handshake 3/3",
        "active close",
        "TCP stream 0",
        "ICMP error about frame 1",
        "QNAME",
        "RDATA",
        // The live list names DNS on the server's random port (tshark's heuristic).
        " A google.com A 192.165.1.1 A 192.165.1.10",
        "The datagrams:",
        "Port unreachable",
    ] {
        assert!(text.contains(shown), "{shown:?} missing\n{text}");
    }
    for f in ["demo-tcp", "demo-udp", "demo-closed-udp", "demo-closed-tcp", "demo-dns", "demo-http"] {
        let p = dir.join("captures").join(format!("{f}.pcap"));
        assert!(p.metadata().map(|m| m.len() > 24).unwrap_or(false), "{} missing or empty", p.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
