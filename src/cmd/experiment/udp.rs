//! Experiments about UDP: a client before its server (ICMP port unreachable)
//! and message boundaries (compared with TCP's byte stream and Nagle).

use super::tcp::{local, setup};
use super::{sock, Lab};
use crate::error::Result;
use crate::sniff::session::CaptureFilter;
use crate::teach::errno;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// What a WSAECONNRESET on a UDP receive means (Windows).
const WINDOWS_ICMP: &str = "the ICMP port unreachable for the datagram, as Windows reports it on UDP";
/// How long a receive waits.
const RECV_LIMIT: Duration = Duration::from_secs(1);
/// The three messages of `udp-boundaries`.
const MESSAGES: [&str; 3] = ["one", "two", "three"];
/// Request/reply rounds before the three TCP writes.
const WARM_UPS: usize = 2;
/// How long the receiver waits before reading, so all three sends are there.
const SETTLE: Duration = Duration::from_millis(200);

/// `udp-client-first`.
pub fn client_first(lab: &mut Lab) -> Result<()> {
    let port = sock::free_port().map_err(setup("finding a free port"))?;
    let to = local(port);
    lab.capture(&CaptureFilter::UdpPort(port).bpf())?;
    let connected = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the client"))?;
    connected.set_read_timeout(Some(RECV_LIMIT)).map_err(setup("receive timeout"))?;
    lab.begin();
    match connected.connect(to) {
        Ok(()) => {
            lab.step(format!("connected client: connect({to})"), "0 (UDP only records the peer; nothing is sent)")
        }
        Err(e) => lab.step_err(format!("connected client: connect({to})"), &e),
    }
    lab.begin();
    match connected.send(b"is anybody there?") {
        Ok(n) => {
            lab.step("connected client: send(\"is anybody there?\")", format!("{n} (bytes sent: sending succeeds)"))
        }
        Err(e) => lab.step_err("connected client: send()", &e),
    }
    let mut buf = [0u8; 1500];
    lab.begin();
    match connected.recv(&mut buf) {
        Ok(n) => lab.step("connected client: recv()", format!("{n} bytes (a server started meanwhile)")),
        Err(e) if cfg!(windows) && errno::udp_port_unreachable(&e) => lab.step_py(
            "connected client: recv() (1 s timeout)",
            format!("{} ({WINDOWS_ICMP})", errno::shown(&e)),
            errno::python(&e),
        ),
        Err(e) => lab.step_err("connected client: recv() (1 s timeout)", &e),
    }
    let unconnected = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the client"))?;
    unconnected.set_read_timeout(Some(RECV_LIMIT)).map_err(setup("receive timeout"))?;
    lab.begin();
    match unconnected.send_to(b"is anybody there?", to) {
        Ok(n) => {
            lab.step(format!("unconnected client: sendto(\"is anybody there?\", {to})"), format!("{n} (bytes sent)"))
        }
        Err(e) => lab.step_err("unconnected client: sendto()", &e),
    }
    lab.begin();
    match unconnected.recv_from(&mut buf) {
        Ok((n, peer)) => lab.step("unconnected client: recvfrom()", format!("{n} bytes from {peer}")),
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => lab.step_py(
            "unconnected client: recvfrom() (1 s timeout)",
            "no reply after 1 s; an unconnected socket is never told (without a timeout it waits forever)",
            "TimeoutError: timed out (with settimeout(1); without it, recvfrom() blocks forever)",
        ),
        Err(e) if cfg!(windows) && errno::udp_port_unreachable(&e) => lab.step_py(
            "unconnected client: recvfrom()",
            format!("{} ({WINDOWS_ICMP}; unlike Linux, Windows tells unconnected sockets too)", errno::shown(&e)),
            errno::python(&e),
        ),
        Err(e) => lab.step_err("unconnected client: recvfrom()", &e),
    }
    Ok(())
}

/// `udp-boundaries`.
pub fn boundaries(lab: &mut Lab) -> Result<()> {
    let receiver = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the receiver"))?;
    let raddr = receiver.local_addr().map_err(setup("reading the port"))?;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(setup("listening"))?;
    let taddr = listener.local_addr().map_err(setup("reading the port"))?;
    lab.capture(&format!("udp port {} or tcp port {}", raddr.port(), taddr.port()))?;
    let sender = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the sender"))?;
    for m in MESSAGES {
        match sender.send_to(m.as_bytes(), raddr) {
            Ok(n) => lab.step(format!("UDP sender: sendto({m:?})"), format!("{n}")),
            Err(e) => lab.step_err(format!("UDP sender: sendto({m:?})"), &e),
        }
    }
    std::thread::sleep(SETTLE);
    receiver.set_read_timeout(Some(Duration::from_millis(300))).map_err(setup("receive timeout"))?;
    let mut buf = [0u8; 4096];
    for _ in 0..MESSAGES.len() + 1 {
        match receiver.recv_from(&mut buf) {
            Ok((n, _)) => {
                lab.step("UDP receiver: recvfrom(4096)", format!("{n} bytes: {:?}", String::from_utf8_lossy(&buf[..n])))
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                lab.step(
                    "UDP receiver: recvfrom(4096) again",
                    "nothing more (timed out): three sends, three datagrams",
                );
                break;
            }
            Err(e) => {
                lab.step_err("UDP receiver: recvfrom()", &e);
                break;
            }
        }
    }
    for nodelay in [false, true] {
        stream_writes(lab, &listener, nodelay)?;
    }
    Ok(())
}

/// Request/reply rounds before the three writes: they put the receiver in
/// interactive mode, where Linux delays ACKs (up to 40 ms) to send them with
/// the next reply, so Nagle has an unacknowledged segment to wait for.
fn warm_up(client: &mut TcpStream, server: &mut TcpStream) -> Result<()> {
    let mut buf = [0u8; 16];
    for _ in 0..WARM_UPS {
        client.write_all(b"ping").map_err(setup("warming up"))?;
        server.read_exact(&mut buf[..4]).map_err(setup("warming up"))?;
        server.write_all(b"pong").map_err(setup("warming up"))?;
        client.read_exact(&mut buf[..4]).map_err(setup("warming up"))?;
    }
    Ok(())
}

/// Three writes on a new TCP connection and one read on the other side.
fn stream_writes(lab: &mut Lab, listener: &TcpListener, nodelay: bool) -> Result<()> {
    let mode = if nodelay { "TCP_NODELAY" } else { "Nagle on" };
    let addr = listener.local_addr().map_err(setup("reading the port"))?;
    let mut client = TcpStream::connect(addr).map_err(setup("connecting"))?;
    client.set_nodelay(nodelay).map_err(setup("TCP_NODELAY"))?;
    let (mut server, _) = listener.accept().map_err(setup("accepting"))?;
    let cport = client.local_addr().map_err(setup("reading the port"))?.port();
    warm_up(&mut client, &mut server)?;
    lab.step(
        format!("TCP client ({mode}, port {cport}): {WARM_UPS} request/reply rounds first"),
        "done (the server's kernel now delays its ACKs, hoping to send them with a reply)",
    );
    for m in MESSAGES {
        match client.write(m.as_bytes()) {
            Ok(n) => lab.step(format!("TCP client ({mode}, port {cport}): write({m:?})"), format!("{n}")),
            Err(e) => lab.step_err(format!("TCP client ({mode}): write({m:?})"), &e),
        }
    }
    std::thread::sleep(SETTLE);
    let mut buf = [0u8; 4096];
    match server.read(&mut buf) {
        Ok(n) => lab.step(
            format!("TCP server ({mode}): read(4096)"),
            format!("{n} bytes in one read: {:?}", String::from_utf8_lossy(&buf[..n])),
        ),
        Err(e) => lab.step_err(format!("TCP server ({mode}): read()"), &e),
    }
    lab.tally(format!("capture: data segments from port {cport} after the warm-up ({mode})"), move |segs| {
        let mut seen = Vec::new();
        let sizes: Vec<String> = segs
            .iter()
            .filter(|s| s.sport == cport && s.len > 0)
            .filter(|s| {
                if seen.contains(&s.seq) {
                    false
                } else {
                    seen.push(s.seq);
                    true
                }
            })
            .skip(WARM_UPS)
            .map(|s| s.len.to_string())
            .collect();
        format!(
            "{} segment(s) for 3 writes, payload sizes {} (retransmissions not counted)",
            sizes.len(),
            sizes.join(", ")
        )
    });
    drop(client);
    Ok(())
}
