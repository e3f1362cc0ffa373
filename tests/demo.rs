//! `socklab demo` runs to completion on loopback, prints each part's heading and,
//! with the capture permission (CI runs as root), the annotated packets, the
//! handshake/teardown tables, the ICMP error, the DNS field table and the HTTP
//! exchange, and saves the captures under captures/.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{describe, scratch, BIN};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `socklab demo` in `dir` (it writes its captures under `dir/captures`).
fn spawn_demo(dir: &std::path::Path) -> std::process::Child {
    Command::new(BIN)
        .arg("demo")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn demo_runs_every_part() {
    let dir = scratch("demo");
    let mut child = spawn_demo(&dir);
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
        assert!(!common::in_ci(), "CI=true runs as root");
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
    // The client's reply is relayed through the demo's output gate: after the
    // datagrams that carried it (it once came before them, straight from the child).
    let lines: Vec<&str> = text.lines().collect();
    let reply = lines.iter().position(|l| l.starts_with("From server") && l.ends_with("HELLO OVER UDP")).unwrap();
    let datagrams: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].starts_with("│ ") && lines[i].contains(" UDP 56 ")).collect();
    assert_eq!(datagrams.len(), 2, "{text}");
    assert!(datagrams.iter().all(|&d| d < reply), "the reply before its datagrams:\n{text}");
    for f in ["demo-tcp", "demo-udp", "demo-closed-udp", "demo-closed-tcp", "demo-dns", "demo-http"] {
        let p = dir.join("captures").join(format!("{f}.pcap"));
        assert!(p.metadata().map(|m| m.len() > 24).unwrap_or(false), "{} missing or empty", p.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Frames `socklab read` finds in `file`; it must read the whole file.
fn frames_in(file: &std::path::Path) -> usize {
    let out = common::run_with(
        &["read", &file.display().to_string(), "-T", "fields", "-e", "frame.number"],
        b"",
        Duration::from_secs(20),
    );
    assert!(out.status.success(), "socklab read {} failed\n{}", file.display(), describe(&out));
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[test]
fn sigint_during_the_demo_saves_the_part_and_stops_with_its_tables() {
    use std::io::{BufRead, BufReader};
    let dir = scratch("demo-sigint");
    let mut child = spawn_demo(&dir);
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all.join("\n")
    });
    // Part 2 is running: its capture has started and its client is on its way.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) if l.starts_with("$ socklab udp client") => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("the demo never reached part 2's client");
            }
        }
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("socklab demo did not stop within 15 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    let text = reader.join().unwrap();
    assert!(status.success(), "exit {status:?}\n{text}");
    assert!(text.contains("Demo stopped (Ctrl-C)"), "{text}");
    assert!(text.contains("server> Server stopped"), "the part's server was not stopped:\n{text}");
    assert!(!text.contains("3. Nobody listening"), "the demo went on after SIGINT:\n{text}");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        assert!(!common::in_ci(), "CI=true runs as root");
        println!("captures not checked: not root");
        return;
    }
    let captures = dir.join("captures");
    // `│ N packets captured, … saved to captures/demo-udp.pcap`, then its tables.
    let said = text
        .lines()
        .find(|l| l.contains("saved to captures/demo-udp.pcap"))
        .unwrap_or_else(|| panic!("part 2's capture not reported:\n{text}"));
    let count: usize = said.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("N packets");
    assert_eq!(frames_in(&captures.join("demo-udp.pcap")), count, "{text}");
    assert!(frames_in(&captures.join("demo-tcp.pcap")) >= 8, "{text}");
    assert!(!captures.join("demo-closed-udp.pcap").exists(), "part 3 ran after SIGINT");
    let _ = std::fs::remove_dir_all(&dir);
}
