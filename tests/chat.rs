//! The chat lab over real sockets: two socklab clients talking through the
//! socklab server, over TCP and over UDP, joining, leaving and being closed.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);
const SIGINT: i32 = 2;

fn chat_server(udp: bool, extra: &[&str]) -> (Proc, SocketAddr) {
    let mut args = vec!["chat", "server", "--port", "0"];
    if udp {
        args.push("--udp");
    }
    args.extend_from_slice(extra);
    let (mut p, addr) = Proc::server(&args);
    p.wait_for("The server is ready to receive", T);
    (p, addr)
}

/// Starts a chat client and waits until it has joined; returns it and its joined line.
fn join(addr: SocketAddr, udp: bool, name: Option<&str>) -> (Proc, String) {
    let a = addr.to_string();
    let mut args = vec!["chat", "client", "--server", &a];
    if udp {
        args.push("--udp");
    }
    if let Some(n) = name {
        args.extend_from_slice(&["--name", n]);
    }
    let mut p = Proc::spawn(&args);
    let line = p.wait_for("Joined the chat", T);
    (p, line)
}

/// The whole conversation of the lab: join, talk both ways, server talks, leave, server stops.
fn two_clients_chat(udp: bool) {
    let kind = if udp { "UDP" } else { "TCP" };
    let (mut server, addr) = chat_server(udp, &[]);
    assert_eq!(server.seen.lock().unwrap()[0], format!("{kind} chat server listening on {addr}"));

    let (mut alice, joined) = join(addr, udp, Some("alice"));
    assert!(joined.contains(" as alice"), "{joined}");
    server.wait_for("* alice (127.0.0.1:", T);
    let (mut bob, _) = join(addr, udp, Some("bob"));
    let notice = alice.wait_for("* bob (", T);
    assert!(notice.starts_with("* bob (127.0.0.1:") && notice.ends_with(") joined the chat"), "{notice}");

    bob.send_line("hello alice");
    assert_eq!(alice.wait_for("hello alice", T), "[bob] hello alice");
    assert_eq!(server.wait_for("hello alice", T), "[bob] hello alice");
    alice.send_line("héllo bob, ñ → ok");
    assert_eq!(bob.wait_for("héllo", T), "[alice] héllo bob, ñ → ok");

    server.send_line("welcome both");
    assert_eq!(alice.wait_for("welcome both", T), "[server] welcome both");
    assert_eq!(bob.wait_for("welcome both", T), "[server] welcome both");

    alice.send_line("quit");
    let st = alice.wait(T);
    assert_eq!(st.code(), Some(0), "{}", alice.dump());
    assert!(alice.seen.lock().unwrap().iter().any(|l| l == "You left the chat."), "{}", alice.dump());
    let left = bob.wait_for("left the chat", T);
    assert!(left.starts_with("* alice (127.0.0.1:") && left.ends_with(") left the chat"), "{left}");
    server.wait_for("* alice (127.0.0.1:", T);

    let st = server.signal_and_wait(SIGINT, T);
    assert_eq!(st.code(), Some(0), "{}", server.dump());
    let summary = server.wait_for("Chat server stopped", T);
    assert!(summary.contains("2 clients joined, 3 messages relayed"), "{summary}");
    bob.wait_for("* the server closed the chat", T);
    let st = bob.wait(T);
    assert_eq!(st.code(), Some(0), "{}", bob.dump());
}

#[test]
fn tcp_chat_between_two_clients() {
    two_clients_chat(false);
}

#[test]
fn udp_chat_between_two_clients() {
    two_clients_chat(true);
}

#[test]
fn unnamed_clients_are_known_by_their_address() {
    for udp in [false, true] {
        let (_server, addr) = chat_server(udp, &[]);
        let (mut a, joined) = join(addr, udp, None);
        assert!(joined.contains(" as 127.0.0.1:"), "{joined}");
        let (mut b, _) = join(addr, udp, None);
        a.wait_for("joined the chat", T);
        b.send_line("hi");
        let line = a.wait_for("hi", T);
        assert!(line.starts_with("[127.0.0.1:") && line.ends_with("] hi"), "{line}");
    }
}

#[test]
fn end_of_input_leaves_like_quit() {
    for udp in [false, true] {
        let (mut server, addr) = chat_server(udp, &[]);
        let (mut a, _) = join(addr, udp, Some("ann"));
        server.wait_for("* ann", T);
        a.stdin = None;
        let st = a.wait(T);
        assert_eq!(st.code(), Some(0), "{}", a.dump());
        server.wait_for("left the chat", T);
    }
}

#[test]
fn server_quit_tells_every_client() {
    for udp in [false, true] {
        let (mut server, addr) = chat_server(udp, &[]);
        let (mut a, _) = join(addr, udp, Some("a"));
        let (mut b, _) = join(addr, udp, Some("b"));
        server.wait_for("* b (", T);
        server.send_line("quit");
        assert_eq!(server.wait(T).code(), Some(0), "{}", server.dump());
        for c in [&mut a, &mut b] {
            c.wait_for("* the server closed the chat", T);
            assert_eq!(c.wait(T).code(), Some(0), "{}", c.dump());
        }
    }
}

#[test]
fn server_end_of_input_keeps_relaying() {
    // A server started in the background has no console; it must go on serving.
    let (mut server, addr) = chat_server(false, &[]);
    server.stdin = None;
    let (mut alice, _) = join(addr, false, Some("alice"));
    let (mut bob, _) = join(addr, false, Some("bob"));
    alice.send_line("still here?");
    bob.wait_for("still here?", T);
    assert!(server.child.try_wait().unwrap().is_none(), "server exited on end of input\n{}", server.dump());
    assert_eq!(server.signal_and_wait(2, T).code(), Some(0), "{}", server.dump());
}

#[test]
fn plain_tcp_lines_without_the_protocol_are_chat_text() {
    // A student joining with `nc`: no HELLO, just lines.
    let (_server, addr) = chat_server(false, &[]);
    let (mut a, _) = join(addr, false, Some("a"));
    let mut nc = TcpStream::connect(addr).unwrap();
    nc.set_read_timeout(Some(T)).unwrap();
    nc.write_all(b"hi from nc\n").unwrap();
    let line = a.wait_for("hi from nc", T);
    assert!(line.starts_with("[127.0.0.1:") && line.ends_with("] hi from nc"), "{line}");
    let mut first = String::new();
    BufReader::new(&nc).read_line(&mut first).unwrap();
    assert!(first.starts_with("WELCOME 127.0.0.1:"), "{first:?}");
}

#[test]
fn udp_peers_announce_with_hello_and_get_welcome() {
    let (_server, addr) = chat_server(true, &[]);
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    s.send_to(b"HELLO zed", addr).unwrap();
    let mut buf = [0u8; 512];
    let (n, from) = s.recv_from(&mut buf).unwrap();
    assert_eq!(from, addr);
    assert_eq!(&buf[..n], b"WELCOME zed");
    let (mut a, _) = join(addr, true, Some("amy"));
    let (n, _) = s.recv_from(&mut buf).unwrap();
    let info = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(info.starts_with("INFO amy (127.0.0.1:") && info.ends_with(") joined the chat"), "{info}");
    s.send_to(b"MSG raw datagram", addr).unwrap();
    assert_eq!(a.wait_for("raw datagram", T), "[zed] raw datagram");
    s.send_to(b"BYE", addr).unwrap();
    assert!(a.wait_for("left the chat", T).starts_with("* zed (127.0.0.1:"));
}

#[test]
fn full_tcp_chat_turns_clients_away() {
    let (_server, addr) = chat_server(false, &["--threads", "1"]);
    let (_a, _) = join(addr, false, Some("first"));
    let err = fails(&["chat", "client", "--server", &addr.to_string(), "--name", "second"]);
    assert!(err.contains("busy") && err.contains("the chat is full (1 client)"), "{err}");
}

#[test]
fn a_place_freed_by_a_leaving_client_can_be_taken_again() {
    // Turned-away connections do not count against the limit; a leave frees a place.
    let (mut server, addr) = chat_server(false, &["--threads", "1"]);
    let (mut a, _) = join(addr, false, Some("first"));
    for _ in 0..3 {
        let err = fails(&["chat", "client", "--server", &addr.to_string(), "--name", "second"]);
        assert!(err.contains("the chat is full"), "{err}");
    }
    a.send_line("quit");
    assert_eq!(a.wait(T).code(), Some(0), "{}", a.dump());
    server.wait_for("* first (", T);
    server.wait_for("left the chat", T);
    let (_c, joined) = join(addr, false, Some("third"));
    assert!(joined.contains(" as third"), "{joined}");
}

#[test]
fn a_joined_client_gets_every_line_said_after_its_welcome() {
    // Regression: the server wrote WELCOME before adding the client to the room, so
    // a line relayed in between was lost although the client already showed "Joined".
    // The window is small: this catches it only when the server thread is descheduled
    // right there (seen under load), so it runs several rounds.
    let (_server, addr) = chat_server(false, &["--threads", "20"]);
    let mut keep = Vec::new();
    for i in 0..8 {
        let (mut c, _) = join(addr, false, Some(&format!("c{i}")));
        let mut talker = TcpStream::connect(addr).unwrap();
        talker.write_all(format!("HELLO t{i}\nMSG ping {i}\n").as_bytes()).unwrap();
        assert_eq!(c.wait_for(&format!("ping {i}"), T), format!("[t{i}] ping {i}"));
        keep.push((c, talker));
    }
}

#[test]
fn the_server_relays_to_every_other_client_but_not_back() {
    for udp in [false, true] {
        let (mut server, addr) = chat_server(udp, &[]);
        let (mut a, _) = join(addr, udp, Some("a"));
        let (mut b, _) = join(addr, udp, Some("b"));
        let (mut c, _) = join(addr, udp, Some("c"));
        server.wait_for("* c (", T);
        c.send_line("to everyone");
        assert_eq!(a.wait_for("to everyone", T), "[c] to everyone");
        assert_eq!(b.wait_for("to everyone", T), "[c] to everyone");
        server.send_line("marker");
        c.wait_for("[server] marker", T);
        let seen = c.seen.lock().unwrap().clone();
        assert!(!seen.iter().any(|l| l.contains("to everyone")), "c got its own line back: {seen:?}");
    }
}
