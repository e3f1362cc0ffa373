//! Regression: a server stopped with Ctrl-C used to wake its blocked `accept` by
//! connecting to itself (and its blocked `recv_from` by sending itself an empty
//! datagram), so its own `--capture` file held an extra TCP stream or datagram.
//! Shutdown now wakes them with shutdown(2) on the socket, which sends nothing.
//! Live capture needs root or CAP_NET_RAW; without root this test says so and passes.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_stopped_servers_capture_holds_only_its_clients_streams() {
    if !root("a_stopped_servers_capture_holds_only_its_clients_streams") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("socklab-self-wake-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("server.pcap");
    let cap = format!("--capture={}", file.display());
    for server in [["tcp", "server"], ["chat", "server"]] {
        let _ = std::fs::remove_file(&file);
        let (mut srv, addr) = Proc::server(&[server[0], server[1], "--port", "0", &cap]);
        if server[0] == "tcp" {
            let out = run_with(&["tcp", "client", "--server", &addr.to_string(), "hello"], b"", WAIT);
            assert!(out.status.success(), "{}", describe(&out));
        }
        assert_eq!(srv.signal_and_wait(libc::SIGINT, WAIT).code(), Some(0), "{}", srv.dump());
        let out = run_with(&["read", file.to_str().unwrap(), "-T", "fields", "-e", "tcp.stream"], b"", WAIT);
        assert!(out.status.success(), "{}", describe(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        let streams: std::collections::BTreeSet<&str> = text.lines().collect();
        let expected: Vec<&str> = if server[0] == "tcp" { vec!["0"] } else { vec![] };
        assert_eq!(streams.into_iter().collect::<Vec<_>>(), expected, "{} server capture:\n{text}", server[0]);
    }
    let _ = std::fs::remove_file(&file);
    let (mut srv, addr) = Proc::server(&["udp", "server", "--port", "0", &cap]);
    let out = run_with(&["udp", "client", "--server", &addr.to_string(), "hello"], b"", WAIT);
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(srv.signal_and_wait(libc::SIGINT, WAIT).code(), Some(0), "{}", srv.dump());
    let out = run_with(&["read", file.to_str().unwrap(), "-T", "fields", "-e", "udp.length"], b"", WAIT);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "13\n13\n", "request and echo only\n{}", describe(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
