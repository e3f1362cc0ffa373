//! The uppercase echo lab over TCP and UDP: the server returns what it receives
//! with ASCII letters upper-cased (everything else, UTF-8 included, intact).
//!
//! The TCP server echoes bytes as they arrive, chunk by chunk, so it works with
//! the lab handout's `TCPClient.py`, which sends a sentence without a line end,
//! reads one reply with `recv(1024)` and closes. The socklab TCP client frames
//! each message as a line (see [`crate::proto::text`]) so it knows where the reply
//! ends; the server needs no framing since it echoes byte for byte.
//!
//! The UDP server answers each datagram with one datagram, as `UDPServer.py`.
//! The UDP client uses a *connected* socket: Linux then reports an ICMP port
//! unreachable for the server's port as `ECONNREFUSED` on the next `recv`, which
//! is how socklab can say "no server is listening" instead of only timing out.

use crate::cli::{EchoClientArgs, ServerArgs};
use crate::error::{Error, Result};
use crate::net::pool::{Pool, Rejected};
use crate::net::serve::{self, out, Conns};
use crate::net::{addr, shutdown};
use crate::proto::text::{self, LineDecoder};
use std::io::{self, IsTerminal, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The prompt of the handout's clients, shown when stdin is a terminal.
pub const PROMPT: &str = "Input lowercase sentence: ";
/// What the server prints once it is ready, as the handout's servers do.
pub const READY: &str = "The server is ready to receive";
/// The TCP server's answer when every worker is busy and the queue is full. It has
/// lower-case letters, so it can never be an echo (echoes have none).
pub const BUSY_REPLY: &str = "socklab: server busy, every worker is serving another client; try again later";
/// How long a TCP connection may stay silent before the server closes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the UDP server looks at the shutdown flag even without traffic.
const UDP_TICK: Duration = Duration::from_secs(1);
/// Bytes read from a TCP connection at a time.
const CHUNK: usize = 4096;
/// The largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP).
const MAX_DATAGRAM: usize = 65_507;

/// Counters for the summary line a server prints when it stops.
#[derive(Default)]
struct Stats {
    clients: AtomicU64,
    messages: AtomicU64,
    busy: AtomicU64,
}

impl Stats {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Prints what a client sent, one line per line of text in the chunk.
fn log_message(from: SocketAddr, bytes: &[u8]) {
    let text = String::from_utf8_lossy(text::trim_line_end(bytes)).into_owned();
    for line in text.split('\n') {
        out(format_args!("From client {from}: {}", line.trim_end_matches('\r')));
    }
}

/// `socklab tcp server`: the multi-client TCP uppercase echo server.
pub fn tcp_server(a: &ServerArgs) -> Result<()> {
    let listener = addr::listen_tcp(serve::listen_addr(a)?)?;
    let local = listener.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    out(format_args!("TCP echo server listening on {local}"));
    out(READY);
    serve::wake_listener_on_shutdown(local);
    let conns = Conns::closed_on_shutdown();
    let stats = Arc::new(Stats::default());
    let threads = usize::from(a.threads);
    let pool = Pool::new("tcp-echo", threads, threads);
    accept_loop(&listener, &pool, &conns, &stats)?;
    pool.shutdown();
    out(format_args!(
        "Server stopped: {} served, {} echoed, {} turned away (busy).",
        serve::count(stats.clients.load(Ordering::Relaxed), "connection"),
        serve::count(stats.messages.load(Ordering::Relaxed), "message"),
        serve::count(stats.busy.load(Ordering::Relaxed), "client")
    ));
    Ok(())
}

fn accept_loop(listener: &TcpListener, pool: &Pool, conns: &Conns, stats: &Arc<Stats>) -> Result<()> {
    for incoming in listener.incoming() {
        if shutdown::requested() {
            break;
        }
        let stream = match incoming {
            Ok(s) => s,
            Err(e) if serve::accept_error_is_transient(&e) => {
                serve::warn(format_args!("accept failed ({e}); continuing"));
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            Err(e) => return Err(Error::io("accepting a connection", e)),
        };
        let Ok(peer) = stream.peer_addr() else { continue };
        let Ok(spare) = stream.try_clone() else { continue };
        let (c, s) = (conns.clone(), Arc::clone(stats));
        if let Err(Rejected(job)) = pool.execute(move || serve_echo(stream, peer, &c, &s)) {
            drop(job);
            turn_away(spare, peer);
            Stats::bump(&stats.busy);
        }
    }
    Ok(())
}

/// Tells a client the server is full, then closes the connection.
fn turn_away(mut stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(format!("{BUSY_REPLY}\n").as_bytes());
    let _ = stream.shutdown(Shutdown::Both);
    out(format_args!("Turned away {peer}: all workers busy"));
}

/// Serves one TCP client: echo every chunk upper-cased until it closes.
fn serve_echo(mut stream: TcpStream, peer: SocketAddr, conns: &Conns, stats: &Stats) {
    Stats::bump(&stats.clients);
    let key = conns.add(&stream);
    out(format_args!("Connection from {peer}"));
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut buf = [0u8; CHUNK];
    let end = loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break format!("{peer} closed the connection"),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                break format!("{peer} idle for {} s; closing the connection", IDLE_TIMEOUT.as_secs())
            }
            Err(e) => break format!("{peer}: {e}; closing the connection"),
        };
        log_message(peer, &buf[..n]);
        Stats::bump(&stats.messages);
        text::uppercase_ascii_in_place(&mut buf[..n]);
        if let Err(e) = stream.write_all(&buf[..n]) {
            break format!("{peer}: cannot send the reply ({e}); closing the connection");
        }
    };
    conns.remove(key);
    if !shutdown::requested() {
        out(end);
    }
}

/// `socklab udp server`: the UDP uppercase echo server, one datagram back per datagram.
pub fn udp_server(a: &ServerArgs) -> Result<()> {
    let sock = addr::bind_udp(serve::listen_addr(a)?)?;
    let local = sock.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    out(format_args!("UDP echo server listening on {local}"));
    out(READY);
    serve::wake_udp_on_shutdown(&sock)?;
    sock.set_read_timeout(Some(UDP_TICK)).map_err(|e| Error::io("setting the read timeout", e))?;
    sock.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(|e| Error::io("setting the write timeout", e))?;
    let (mut messages, mut clients) = (0u64, std::collections::HashSet::new());
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while !shutdown::requested() {
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            // An ICMP error for an earlier reply, or a signal: not the server's fault.
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionRefused | io::ErrorKind::Interrupted) => continue,
            Err(e) => return Err(Error::io(format!("receiving on {local}"), e)),
        };
        if shutdown::requested() {
            break;
        }
        log_message(from, &buf[..n]);
        messages += 1;
        if clients.len() < 1 << 16 {
            clients.insert(from);
        }
        text::uppercase_ascii_in_place(&mut buf[..n]);
        if let Err(e) = sock.send_to(&buf[..n], from) {
            serve::warn(format_args!("cannot reply to {from}: {e}"));
        }
    }
    out(format_args!(
        "Server stopped: {} echoed to {}.",
        serve::count(messages, "datagram"),
        serve::count(clients.len() as u64, "client")
    ));
    Ok(())
}

/// The message to send once, from the command-line words, if any.
fn message_of(a: &EchoClientArgs) -> Option<Vec<u8>> {
    (!a.message.is_empty()).then(|| a.message.join(" ").into_bytes())
}

/// Runs `ask` on the message from the arguments, or on each stdin line until `quit`.
fn converse(a: &EchoClientArgs, server: SocketAddr, mut ask: impl FnMut(&[u8]) -> Result<Vec<u8>>) -> Result<()> {
    let mut show = |msg: &[u8]| -> Result<()> {
        let reply = ask(msg)?;
        out(format_args!("From server {server}: {}", String::from_utf8_lossy(&reply)));
        Ok(())
    };
    if let Some(msg) = message_of(a) {
        return show(&msg);
    }
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let mut input = stdin.lock();
    loop {
        if interactive {
            serve::prompt(PROMPT);
        }
        match serve::read_stdin_line(&mut input)? {
            None => return Ok(()),
            Some(line) if serve::is_quit(&line) => return Ok(()),
            Some(line) => show(&line)?,
        }
    }
}

/// `socklab tcp client`: one connection; each message is a line, each reply a line.
pub fn tcp_client(a: &EchoClientArgs) -> Result<()> {
    let server = serve::target_addr(&a.target)?;
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let mut stream = addr::connect_tcp(server, timeout)?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| Error::io("setting the read timeout", e))?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| Error::io("setting the write timeout", e))?;
    let mut decoder = LineDecoder::default();
    let result = converse(a, server, |msg| tcp_ask(&mut stream, &mut decoder, server, msg, timeout));
    let _ = stream.shutdown(Shutdown::Both);
    result
}

/// Sends one line and waits for one line back.
fn tcp_ask(
    stream: &mut TcpStream,
    decoder: &mut LineDecoder,
    server: SocketAddr,
    msg: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>> {
    let line = text::encode_line(msg).map_err(|e| Error::usage(e.to_string()))?;
    stream.write_all(&line).map_err(|e| Error::io(format!("sending to {server}"), e))?;
    let reply = read_line(stream, decoder, server, timeout)?;
    if reply == BUSY_REPLY.as_bytes() {
        return Err(Error::io(
            format!("server {server} turned us away"),
            io::Error::other("all its workers are busy with other clients; try again later"),
        ));
    }
    Ok(reply)
}

/// Reads until the decoder has a complete line (or the server closes after a partial one).
fn read_line(
    stream: &mut TcpStream,
    decoder: &mut LineDecoder,
    server: SocketAddr,
    timeout: Duration,
) -> Result<Vec<u8>> {
    let mut buf = [0u8; CHUNK];
    loop {
        match decoder.next_line() {
            Ok(Some(line)) => return Ok(line),
            Ok(None) => {}
            Err(e) => return Err(Error::io(format!("reading the reply from {server}"), io::Error::other(e))),
        }
        match stream.read(&mut buf) {
            Ok(0) if decoder.pending().is_empty() => {
                return Err(Error::io(
                    format!("reading the reply from {server}"),
                    io::Error::other("the server closed the connection without replying"),
                ))
            }
            Ok(0) => return Ok(std::mem::take(decoder).finish().unwrap_or_default()),
            Ok(n) => decoder.push(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(Error::io(
                    format!("waiting for the reply from {server}"),
                    io::Error::other(format!(
                        "nothing came back within {} ms; is it an echo server? (try --timeout-ms)",
                        timeout.as_millis()
                    )),
                ))
            }
            Err(e) => return Err(Error::io(format!("reading the reply from {server}"), e)),
        }
    }
}

/// `socklab udp client`: a connected UDP socket, one datagram each way per message.
pub fn udp_client(a: &EchoClientArgs) -> Result<()> {
    let server = serve::target_addr(&a.target)?;
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let sock = connect_udp(server, timeout)?;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    converse(a, server, |msg| {
        send_datagram(&sock, server, msg, timeout)?;
        let n = recv_datagram(&sock, server, &mut buf, timeout)?;
        Ok(buf[..n].to_vec())
    })
}

/// A UDP socket connected to `server`, so ICMP errors about it come back as errors.
pub fn connect_udp(server: SocketAddr, timeout: Duration) -> Result<UdpSocket> {
    let local = addr::unspecified_for(server);
    let sock = UdpSocket::bind(local).map_err(|e| addr::bind_error(local, e))?;
    sock.connect(server).map_err(|e| Error::io(format!("setting {server} as the UDP peer"), e))?;
    sock.set_read_timeout(Some(timeout)).map_err(|e| Error::io("setting the read timeout", e))?;
    Ok(sock)
}

/// Sends one datagram on a connected socket; a pending ICMP error means no server.
pub fn send_datagram(sock: &UdpSocket, server: SocketAddr, msg: &[u8], timeout: Duration) -> Result<()> {
    match sock.send(msg) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            Err(Error::NoReply { addr: server, millis: timeout.as_millis() as u64, icmp: true })
        }
        Err(e) => Err(Error::io(format!("sending to {server}"), e)),
    }
}

/// Waits (bounded by the socket's read timeout) for one datagram from the server.
pub fn recv_datagram(sock: &UdpSocket, server: SocketAddr, buf: &mut [u8], timeout: Duration) -> Result<usize> {
    let millis = timeout.as_millis() as u64;
    loop {
        match sock.recv(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                return Err(Error::NoReply { addr: server, millis, icmp: true })
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(Error::NoReply { addr: server, millis, icmp: false })
            }
            Err(e) => return Err(Error::io(format!("receiving from {server}"), e)),
        }
    }
}
