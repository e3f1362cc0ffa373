//! The uppercase echo lab over TCP and UDP: the server returns what it receives
//! with ASCII letters upper-cased (everything else, UTF-8 included, intact).
//!
//! The TCP server echoes bytes as they arrive, chunk by chunk, so it works with
//! the lab handout's `TCPClient.py`, which sends a sentence without a line end,
//! reads one reply with `recv(1024)` and closes. The socklab TCP client frames
//! each message as a line (see [`crate::proto::text`]) so it knows where the reply
//! ends; the server needs no framing since it echoes byte for byte.
//!
//! A TCP connection holds one of the `--threads` workers only while its client
//! is talking; a quiet one waits in an epoll set (see `park`), so silent
//! clients cannot take every worker.
//!
//! The UDP server answers each datagram with one datagram, as `UDPServer.py`.
//! The UDP client uses a *connected* socket: Linux (and macOS) then report an
//! ICMP port unreachable for the server's port as `ECONNREFUSED` on the next
//! `recv`, which is how socklab can say "no server is listening" instead of only
//! timing out. Windows reports the same ICMP message as WinError 10054
//! (`WSAECONNRESET`) on the next receive, and is explained as such.

use crate::error::{Error, Result};
use crate::net::fd::AsRawFd;
use crate::net::pool::Pool;
use crate::net::serve::{self, out, Conns, ServerSettings, Target};
use crate::net::{addr, shutdown, trace};
use crate::proto::text::{self, LineDecoder};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use crate::teach::errno;
use std::io::{self, IsTerminal, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod park;
use park::{Parked, Return};

/// The prompt of the handout's clients, shown when stdin is a terminal.
pub const PROMPT: &str = "Input lowercase sentence: ";
/// What the server prints once it is ready, as the handout's servers do.
pub const READY: &str = "The server is ready to receive";
/// The TCP server's answer when every worker is busy and the queue is full. It has
/// lower-case letters, so it can never be an echo (echoes have none).
pub const BUSY_REPLY: &str = "socklab: server busy, every worker is serving another client; try again later";
/// Connections that may wait for a worker, per worker, before the server says busy.
/// Generous, so a burst of clients arriving faster than workers wake still queues.
pub const QUEUE_PER_WORKER: usize = 4;
/// How long a TCP connection may stay silent before the server closes it
/// (it waits parked, holding no worker; see `park`).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the UDP server looks at the shutdown flag even without traffic.
const UDP_TICK: Duration = Duration::from_secs(1);
/// Bytes read from a TCP connection at a time.
const CHUNK: usize = 4096;
/// The largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP).
const MAX_DATAGRAM: usize = 65_507;

/// Settings of an echo client (TCP or UDP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSettings {
    /// The server to talk to.
    pub target: Target,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
    /// How long to wait for a reply (and for the TCP connect), in milliseconds.
    pub timeout_ms: u64,
    /// The message to send once; `None`: lines are read from stdin until `quit`.
    pub message: Option<Vec<u8>>,
}

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
    if bytes.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(text::trim_line_end(bytes)).into_owned();
    for line in text.split('\n') {
        out(format_args!("From client {from}: {}", line.trim_end_matches('\r')));
    }
}

/// `socklab tcp server`: the multi-client TCP uppercase echo server.
pub fn tcp_server(a: &ServerSettings) -> Result<()> {
    let listener = addr::listen_tcp(serve::listen_addr(a)?)?;
    let local = listener.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let cap = CaptureSession::start(a.capture.clone(), "tcp-server", CaptureFilter::TcpPort(local.port()))?;
    out(format_args!("TCP echo server listening on {local}"));
    out(READY);
    cap.announce();
    let conns = Conns::closed_on_shutdown();
    let stats = Arc::new(Stats::default());
    let threads = usize::from(a.threads);
    let pool = Pool::new("tcp-echo", threads, threads * QUEUE_PER_WORKER);
    let result = park::run(&listener, &pool, &conns, &stats);
    if result.is_err() {
        // Close the open connections too, so the workers finish now.
        shutdown::request();
    }
    pool.shutdown();
    out(format_args!(
        "Server stopped: {} served, {} echoed, {} turned away (busy).",
        serve::count(stats.clients.load(Ordering::Relaxed), "connection"),
        serve::count(stats.messages.load(Ordering::Relaxed), "message"),
        serve::count(stats.busy.load(Ordering::Relaxed), "client")
    ));
    result
}

/// Tells a client the server is full, then closes the connection.
fn turn_away(mut stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(format!("{BUSY_REPLY}\n").as_bytes());
    let _ = stream.shutdown(Shutdown::Both);
    out(format_args!("Turned away {peer}: all workers busy"));
}

/// One turn of a TCP client on a worker: echo every chunk upper-cased while it
/// keeps talking; park it again once it has been quiet for [`park::PARK_AFTER`].
fn serve_turn(mut p: Parked, conns: &Conns, stats: &Stats, ret: &Return) {
    let key = conns.add(&p.stream);
    let _ = p.stream.set_read_timeout(Some(park::PARK_AFTER));
    let _ = p.stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let peer = p.peer;
    let mut buf = [0u8; CHUNK];
    let end = loop {
        let n = match trace::on(p.stream.as_raw_fd(), "recv()", || p.stream.read(&mut buf)) {
            Ok(0) => break format!("{peer} closed the connection"),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                conns.remove(key);
                return ret.park(p);
            }
            Err(e) => break format!("{peer}: {e}; closing the connection"),
        };
        p.since = Instant::now();
        p.cut.extend_from_slice(&buf[..n]);
        let (shown, tail) = text::split_utf8_tail(&p.cut);
        log_message(peer, shown);
        p.cut = tail.to_vec();
        Stats::bump(&stats.messages);
        text::uppercase_ascii_in_place(&mut buf[..n]);
        if let Err(e) = trace::on(p.stream.as_raw_fd(), format_args!("send({n} bytes)"), || {
            p.stream.write_all(&buf[..n]).map(|()| n)
        }) {
            break format!("{peer}: cannot send the reply ({e}); closing the connection");
        }
    };
    conns.remove(key);
    log_message(peer, &p.cut);
    trace::close(p.stream);
    ret.done();
    if !shutdown::requested() {
        out(end);
    }
}

/// `socklab udp server`: the UDP uppercase echo server, one datagram back per datagram.
pub fn udp_server(a: &ServerSettings) -> Result<()> {
    let sock = addr::bind_udp(serve::listen_addr(a)?)?;
    let local = sock.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let cap = CaptureSession::start(a.capture.clone(), "udp-server", CaptureFilter::UdpPort(local.port()))?;
    out(format_args!("UDP echo server listening on {local}"));
    out(READY);
    cap.announce();
    serve::wake_udp_on_shutdown(&sock)?;
    sock.set_read_timeout(Some(UDP_TICK)).map_err(|e| Error::io("setting the read timeout", e))?;
    sock.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(|e| Error::io("setting the write timeout", e))?;
    let (mut messages, mut clients) = (0u64, std::collections::HashSet::new());
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let recv = |buf: &mut Vec<u8>| trace::on(sock.as_raw_fd(), "recvfrom()", || addr::recv_from(&sock, buf));
    serve::udp_receive_loop(local, &mut buf, recv, |buf, (n, from)| {
        log_message(from, &buf[..n]);
        messages += 1;
        if clients.len() < 1 << 16 {
            clients.insert(from);
        }
        text::uppercase_ascii_in_place(&mut buf[..n]);
        if let Err(e) =
            trace::on(sock.as_raw_fd(), format_args!("sendto({n} bytes, {from})"), || sock.send_to(&buf[..n], from))
        {
            serve::warn(format_args!("cannot reply to {from}: {e}"));
        }
        Ok(())
    })?;
    out(format_args!(
        "Server stopped: {} echoed to {}.",
        serve::count(messages, "datagram"),
        serve::count(clients.len() as u64, "client")
    ));
    Ok(())
}

/// Runs `ask` on the message from the arguments, or on each stdin line until `quit`.
fn converse(a: &ClientSettings, server: SocketAddr, mut ask: impl FnMut(&[u8]) -> Result<Vec<u8>>) -> Result<()> {
    let mut show = |msg: &[u8]| -> Result<()> {
        let reply = ask(msg)?;
        out(format_args!("From server {server}: {}", String::from_utf8_lossy(&reply)));
        Ok(())
    };
    if let Some(msg) = &a.message {
        return show(msg);
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

/// `socklab tcp client`: each message is a line, each reply a line. The connection
/// is kept for the next message. If the server has closed it meanwhile (an idle
/// timeout, or a one-reply-per-connection server like the handout's
/// `TCPServer.py`), the client says so on stderr and connects again before
/// sending; if the close crosses the line on its way, it resends the line once on
/// a new connection. A host with several addresses (`localhost`: `[::1]`, then
/// `127.0.0.1`) is tried address by address, naming each that refused.
pub fn tcp_client(a: &ClientSettings) -> Result<()> {
    let addrs = serve::target_addrs(&a.target)?;
    let cap = CaptureSession::start(a.capture.clone(), "tcp-client", CaptureFilter::TcpPort(addrs[0].port()))?;
    cap.announce();
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let mut client = TcpEcho { server: addrs[0], addrs, timeout, conn: None };
    client.connect()?;
    let server = client.server;
    let result = converse(a, server, |msg| client.ask(msg));
    if let Some((stream, _)) = client.conn.take() {
        let _ = trace::on(stream.as_raw_fd(), "shutdown(SHUT_RDWR)", || stream.shutdown(Shutdown::Both));
        trace::close(stream);
    }
    result
}

/// A TCP echo client's connection, reopened when the server has closed it.
struct TcpEcho {
    /// Every address of the server, in the order to try them.
    addrs: Vec<SocketAddr>,
    /// The address of the current (or last) connection.
    server: SocketAddr,
    timeout: Duration,
    /// The open connection and what arrived on it after the last reply.
    conn: Option<(TcpStream, LineDecoder)>,
}

/// How one attempt to get a reply ended.
enum Attempt {
    /// A reply line; `open` is false if the server closed the connection after it.
    Reply { line: Vec<u8>, open: bool },
    /// The server had closed the connection before any reply byte came back.
    Closed(io::Error),
}

impl TcpEcho {
    fn connect(&mut self) -> Result<()> {
        let (stream, server) = serve::connect(&self.addrs, self.timeout)?;
        self.server = server;
        let set = |e| Error::io("setting socket timeouts", e);
        stream.set_read_timeout(Some(self.timeout)).map_err(set)?;
        stream.set_write_timeout(Some(self.timeout)).map_err(set)?;
        self.conn = Some((stream, LineDecoder::default()));
        Ok(())
    }

    /// Sends `msg` as a line and returns the reply line.
    fn ask(&mut self, msg: &[u8]) -> Result<Vec<u8>> {
        let line = text::encode_line(msg).map_err(|e| Error::usage(e.to_string()))?;
        if self.conn.as_ref().is_some_and(|(stream, _)| peer_has_closed(stream)) {
            self.conn = None;
        }
        let reused = self.conn.is_some();
        if !reused {
            serve::warn(format_args!(
                "server {} closed the connection after its last reply; reconnecting for this line",
                self.server
            ));
            self.connect()?;
        }
        let mut attempt = self.attempt(&line)?;
        if reused && matches!(attempt, Attempt::Closed(_)) {
            serve::warn(format_args!(
                "server {} closed the connection without replying; reconnecting to send the line again",
                self.server
            ));
            self.connect()?;
            attempt = self.attempt(&line)?;
        }
        match attempt {
            Attempt::Reply { line, open } => {
                if !open {
                    self.conn = None;
                }
                if line == BUSY_REPLY.as_bytes() {
                    return Err(Error::io(
                        format!("server {} turned us away", self.server),
                        io::Error::other("all its workers are busy with other clients; try again later"),
                    ));
                }
                Ok(line)
            }
            Attempt::Closed(e) => Err(Error::io(format!("talking to {}", self.server), e)),
        }
    }

    /// One send and the wait for its reply on the current connection.
    fn attempt(&mut self, line: &[u8]) -> Result<Attempt> {
        let server = self.server;
        let Some((stream, decoder)) = self.conn.as_mut() else {
            return Ok(Attempt::Closed(io::Error::from(io::ErrorKind::NotConnected)));
        };
        if let Err(e) = trace::on(stream.as_raw_fd(), format_args!("send({} bytes)", line.len()), || {
            stream.write_all(line).map(|()| line.len())
        }) {
            self.conn = None;
            return match e.kind() {
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => Ok(Attempt::Closed(e)),
                _ => Err(Error::io(format!("sending to {server}"), e)),
            };
        }
        let outcome = read_reply(stream, decoder, server, self.timeout);
        if !matches!(outcome, Ok(Attempt::Reply { open: true, .. })) {
            self.conn = None;
        }
        outcome
    }
}

/// True if the server has closed its side of `stream` (EOF or a reset is waiting):
/// a peek that does not wait (only once the socket says it has something to
/// read), which leaves any data that did arrive in place.
fn peer_has_closed(stream: &TcpStream) -> bool {
    if !crate::net::fd::readable_now(stream.as_raw_fd()) {
        return false;
    }
    match stream.peek(&mut [0u8; 1]) {
        Ok(n) => n == 0,
        Err(e) => e.kind() == io::ErrorKind::ConnectionReset,
    }
}

/// Reads until a complete line has arrived, or the server closes the connection
/// (after a partial line, as servers that reply without a line end do).
fn read_reply(
    stream: &mut TcpStream,
    decoder: &mut LineDecoder,
    server: SocketAddr,
    timeout: Duration,
) -> Result<Attempt> {
    let mut buf = [0u8; CHUNK];
    let context = || format!("reading the reply from {server}");
    loop {
        match decoder.next_line() {
            Ok(Some(line)) => return Ok(Attempt::Reply { line, open: true }),
            Ok(None) => {}
            Err(e) => return Err(Error::io(context(), io::Error::other(e))),
        }
        match trace::on(stream.as_raw_fd(), "recv()", || stream.read(&mut buf)) {
            Ok(0) if decoder.pending().is_empty() => {
                return Ok(Attempt::Closed(io::Error::other("the server closed the connection without replying")))
            }
            Ok(0) => {
                return Ok(Attempt::Reply { line: std::mem::take(decoder).finish().unwrap_or_default(), open: false })
            }
            Ok(n) => decoder.push(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset && decoder.pending().is_empty() => {
                return Ok(Attempt::Closed(e))
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(Error::io(
                    format!("waiting for the reply from {server}"),
                    io::Error::other(format!(
                        "nothing came back within {} ms; is it an echo server? (try --timeout-ms)",
                        timeout.as_millis()
                    )),
                ))
            }
            Err(e) => return Err(Error::io(context(), e)),
        }
    }
}

/// `socklab udp client`: a connected UDP socket, one datagram each way per message.
pub fn udp_client(a: &ClientSettings) -> Result<()> {
    let server = serve::target_addr(&a.target)?;
    let cap = CaptureSession::start(a.capture.clone(), "udp-client", CaptureFilter::UdpPort(server.port()))?;
    cap.announce();
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
    let sock = trace::call(format_args!("socket()+bind({local})"), || UdpSocket::bind(local))
        .map_err(|e| addr::bind_error(local, e))?;
    trace::on(sock.as_raw_fd(), format_args!("connect({server})"), || sock.connect(server))
        .map_err(|e| Error::io(format!("setting {server} as the UDP peer"), e))?;
    sock.set_read_timeout(Some(timeout)).map_err(|e| Error::io("setting the read timeout", e))?;
    Ok(sock)
}

/// Sends one datagram on a connected socket; a pending ICMP error means no server.
pub fn send_datagram(sock: &UdpSocket, server: SocketAddr, msg: &[u8], timeout: Duration) -> Result<()> {
    match trace::on(sock.as_raw_fd(), format_args!("send({} bytes)", msg.len()), || sock.send(msg)) {
        Ok(_) => Ok(()),
        Err(e) if errno::udp_port_unreachable(&e) => {
            Err(Error::NoReply { addr: server, millis: timeout.as_millis() as u64, icmp: true })
        }
        Err(e) => Err(Error::io(format!("sending to {server}"), e)),
    }
}

/// Waits (bounded by the socket's read timeout) for one datagram from the server.
pub fn recv_datagram(sock: &UdpSocket, server: SocketAddr, buf: &mut [u8], timeout: Duration) -> Result<usize> {
    let millis = timeout.as_millis() as u64;
    loop {
        match trace::on(sock.as_raw_fd(), "recv()", || sock.recv(buf)) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if errno::udp_port_unreachable(&e) => {
                return Err(Error::NoReply { addr: server, millis, icmp: true })
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(Error::NoReply { addr: server, millis, icmp: false })
            }
            Err(e) => return Err(Error::io(format!("receiving from {server}"), e)),
        }
    }
}
