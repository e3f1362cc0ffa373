//! Experiments about TCP connection set-up: a client before its server, the
//! wrong port, and two clients with a small listen backlog.

use super::sock;
use super::Lab;
use crate::error::{Error, Result};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// How long a connect waits before giving up.
const CONNECT_LIMIT: Duration = Duration::from_millis(1500);
/// How long a receive waits for a datagram.
const RECV_LIMIT: Duration = Duration::from_secs(1);
/// listen()'s backlog in `two-clients`.
const BACKLOG: i32 = 1;
/// Clients `two-clients` starts (one more than the queue holds).
const CLIENTS: usize = 3;

/// `127.0.0.1:port`.
pub fn local(port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
}

/// An I/O error while setting up (not the behaviour under study).
pub fn setup(what: &str) -> impl FnOnce(io::Error) -> Error + '_ {
    move |e| Error::io(format!("setting up the experiment ({what})"), e)
}

/// A connect and its outcome as a step; the stream when it connected.
pub fn connect_step(lab: &mut Lab, who: &str, addr: SocketAddr) -> Option<TcpStream> {
    let call = format!("{who}: connect({addr})");
    lab.begin();
    match TcpStream::connect_timeout(&addr, CONNECT_LIMIT) {
        Ok(s) => {
            let from = s.local_addr().map_or_else(|_| "?".to_string(), |a| a.to_string());
            lab.step(call, format!("connected, from {from}"));
            Some(s)
        }
        Err(e) => {
            lab.step_err(call, &e);
            None
        }
    }
}

/// `tcp-client-first`.
pub fn client_first(lab: &mut Lab) -> Result<()> {
    let port = sock::free_port().map_err(setup("finding a free port"))?;
    lab.capture(&format!("tcp port {port}"))?;
    if connect_step(lab, "client", local(port)).is_some() {
        lab.step("note", "another program started listening on the port meanwhile; run the experiment again");
    }
    Ok(())
}

/// `wrong-port`.
pub fn wrong_port(lab: &mut Lab) -> Result<()> {
    let (server, udp) = server_pair()?;
    let port = server.local_addr().map_err(setup("reading the port"))?.port();
    let wrong = loop {
        let p = sock::free_port().map_err(setup("finding a free port"))?;
        if p != port {
            break p;
        }
    };
    lab.capture(&format!("port {port} or port {wrong} or (icmp and icmp[0] == 3)"))?;
    lab.step("server", format!("listening on TCP 127.0.0.1:{port} and bound to UDP 127.0.0.1:{port}"));
    server.set_nonblocking(true).map_err(setup("non-blocking accept"))?;
    udp.set_nonblocking(true).map_err(setup("non-blocking recv"))?;
    connect_step(lab, "TCP client (wrong port)", local(wrong));
    accept_step(lab, &server);
    let client = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the UDP client"))?;
    client.set_read_timeout(Some(RECV_LIMIT)).map_err(setup("receive timeout"))?;
    udp_exchange(lab, &client, wrong, "wrong port", true);
    recv_step(lab, &udp);
    let right = connect_step(lab, "TCP client (right port)", local(port));
    accept_step(lab, &server);
    drop(right);
    udp_exchange(lab, &client, port, "right port", false);
    recv_step(lab, &udp);
    Ok(())
}

/// A TCP listener and a UDP socket on the same free port.
fn server_pair() -> Result<(TcpListener, UdpSocket)> {
    for _ in 0..16 {
        let port = sock::free_port().map_err(setup("finding a free port"))?;
        if let (Ok(t), Ok(u)) = (TcpListener::bind(local(port)), UdpSocket::bind(local(port))) {
            return Ok((t, u));
        }
    }
    Err(Error::io("setting up the experiment", io::Error::other("no port free for TCP and UDP")))
}

/// The server's non-blocking accept() as a step.
fn accept_step(lab: &mut Lab, server: &TcpListener) {
    std::thread::sleep(Duration::from_millis(50));
    match server.accept() {
        Ok((_, peer)) => lab.step("server: accept()", format!("a connection from {peer}")),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            lab.step("server: accept() (non-blocking)", "nothing waiting (EAGAIN): no SYN reached this port")
        }
        Err(e) => lab.step_err("server: accept()", &e),
    }
}

/// The server's non-blocking recvfrom() as a step.
fn recv_step(lab: &mut Lab, udp: &UdpSocket) {
    std::thread::sleep(Duration::from_millis(50));
    let mut buf = [0u8; 1500];
    match udp.recv_from(&mut buf) {
        Ok((n, peer)) => {
            lab.step("server: recvfrom()", format!("{n} bytes from {peer}: {:?}", String::from_utf8_lossy(&buf[..n])))
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            lab.step("server: recvfrom() (non-blocking)", "nothing waiting (EAGAIN): no datagram reached this port")
        }
        Err(e) => lab.step_err("server: recvfrom()", &e),
    }
}

/// A connected UDP client's send() to `port` and, when `wait`, its next recv(), as steps.
fn udp_exchange(lab: &mut Lab, client: &UdpSocket, port: u16, what: &str, wait: bool) {
    let to = local(port);
    if let Err(e) = client.connect(to) {
        lab.step_err(format!("UDP client ({what}): connect({to})"), &e);
        return;
    }
    lab.begin();
    match client.send(b"hello") {
        Ok(n) => lab.step(format!("UDP client ({what}): send(\"hello\") to {to}"), format!("{n} (bytes sent)")),
        Err(e) => lab.step_err(format!("UDP client ({what}): send(\"hello\")"), &e),
    }
    if !wait {
        return;
    }
    let mut buf = [0u8; 1500];
    lab.begin();
    match client.recv(&mut buf) {
        Ok(n) => lab.step(format!("UDP client ({what}): recv()"), format!("{n} bytes")),
        Err(e) => lab.step_err(format!("UDP client ({what}): recv() (1 s timeout)"), &e),
    }
}

/// `two-clients`.
pub fn two_clients(lab: &mut Lab) -> Result<()> {
    let any = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0);
    let server = sock::listener(any, true, BACKLOG).map_err(setup("listening"))?;
    let addr = server.local_addr().map_err(setup("reading the port"))?;
    lab.capture(&format!("tcp port {}", addr.port()))?;
    lab.step(format!("server: listen(backlog={BACKLOG}) on {addr}"), "listening; accept() is not called yet");
    let mut clients = Vec::new();
    for i in 1..=CLIENTS {
        if let Some(mut s) = connect_step(lab, &format!("client {i}"), addr) {
            let _ = s.write_all(format!("hello from client {i}\n").as_bytes());
            clients.push(s);
        }
    }
    server.set_nonblocking(true).map_err(setup("non-blocking accept"))?;
    let mut accepted = Vec::new();
    loop {
        match server.accept() {
            Ok((mut s, peer)) => {
                lab.step("server: accept()", format!("client at {peer} (its source port names it)"));
                let _ = s.set_nonblocking(false);
                let _ = s.set_read_timeout(Some(RECV_LIMIT));
                let mut buf = [0u8; 256];
                match s.read(&mut buf) {
                    Ok(n) => lab.step(
                        format!("server: read() from {peer}"),
                        format!("{n} bytes: {:?}", String::from_utf8_lossy(&buf[..n])),
                    ),
                    Err(e) => lab.step_err(format!("server: read() from {peer}"), &e),
                }
                accepted.push(s);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                lab.step("server: accept() again", "nothing more waiting (EAGAIN)");
                break;
            }
            Err(e) => {
                lab.step_err("server: accept()", &e);
                break;
            }
        }
    }
    Ok(())
}
