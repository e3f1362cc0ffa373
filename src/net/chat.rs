//! The chat lab: continuous two-way chat over TCP or UDP.
//!
//! Every participant types lines; the others see each line prefixed with who
//! sent it (`[alice] hello`). The server relays what one client says to all the
//! others, and what is typed at the server goes to every client as `[server] …`.
//! Typing `quit` (or ending input with Ctrl-D) leaves; the others see
//! `* alice (127.0.0.1:5555) left the chat`. When the server quits (or gets
//! Ctrl-C) every client is told and exits with status 0.
//!
//! The messages are the tiny text protocol of [`crate::proto::chat`]: lines over
//! TCP, one message per datagram over UDP. Over UDP a client announces itself with
//! a first `HELLO` datagram, and repeats it every [`KEEPALIVE`]; the server
//! remembers up to [`MAX_UDP_PEERS`] peers, relays each datagram to the other
//! known peers, and forgets a peer silent for `--peer-timeout-ms` (telling the room).
//!
//! A TCP chat server never waits on a member: a line goes to each member only if
//! its socket takes it whole at once, and a member that has stopped reading (its
//! socket buffers full) is cut off. So one stalled client cannot hold up the
//! room, nor the goodbye at shutdown.

use crate::error::{Error, Result};
use crate::net::echo::{connect_udp, recv_datagram, send_datagram, READY};
use crate::net::fd::AsRawFd;
use crate::net::pool::{Pool, Rejected};
use crate::net::serve::{self, out, Conns, ServerSettings, Target};
use crate::net::{addr, shutdown, trace};
use crate::proto::chat::{validate_name, ClientMsg, ServerMsg, SERVER_NAME};
use crate::proto::text::{self, LineDecoder};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a new client has to say HELLO, and a client waits for WELCOME.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a TCP chat connection may stay silent before the server closes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long a client's write to the server may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Most peers a UDP chat server remembers.
pub const MAX_UDP_PEERS: usize = 64;
/// How often a UDP chat client says HELLO again, so the server knows it is still
/// there while its user is quiet (well under the server's `--peer-timeout-ms`).
pub const KEEPALIVE: Duration = Duration::from_secs(20);
/// How often the UDP chat server looks for peers that have gone silent.
const EXPIRY_SWEEP: Duration = Duration::from_secs(1);
/// Longest chat line, in bytes.
pub const MAX_LINE: usize = 8 * 1024;
/// How often loops blocked on a socket look at their stop flags.
const TICK: Duration = Duration::from_millis(200);
/// What clients are told when the server stops.
const CLOSING: &str = "the server closed the chat";

/// The text every client sees when someone joins or leaves.
fn presence(name: &str, addr: SocketAddr, what: &str) -> String {
    format!("{name} ({addr}) {what} the chat")
}

/// How a received server message is shown to the user; `None` for ones not shown.
fn display(msg: &ServerMsg) -> Option<String> {
    match msg {
        ServerMsg::Say { from, text } => Some(format!("[{from}] {text}")),
        ServerMsg::Info(t) | ServerMsg::Bye(t) | ServerMsg::Busy(t) => Some(format!("* {t}")),
        ServerMsg::Unknown(line) => Some(line.clone()),
        ServerMsg::Welcome(_) => None,
    }
}

/// Decodes a received server message; invalid UTF-8 is shown with replacement characters.
fn decode_server(bytes: &[u8]) -> Option<ServerMsg> {
    ServerMsg::decode(String::from_utf8_lossy(bytes).as_bytes()).ok()
}

/// Decodes a received client message; a bad name or bytes become plain text.
fn decode_client(bytes: &[u8]) -> ClientMsg {
    let text = String::from_utf8_lossy(bytes);
    ClientMsg::decode(text.as_bytes()).unwrap_or_else(|_| ClientMsg::Unknown(text.into_owned()))
}

/// Encodes a message for the wire; our own messages always encode.
fn wire(msg: &ServerMsg) -> Vec<u8> {
    msg.encode().unwrap_or_default().into_bytes()
}

/// Settings of the chat server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatServerSettings {
    /// Where it listens, its workers (TCP), and its capture.
    pub listen: ServerSettings,
    /// Chat over UDP datagrams instead of TCP.
    pub udp: bool,
    /// With `udp`: milliseconds a peer may stay silent before the server forgets it.
    pub peer_timeout_ms: u64,
}

/// Settings of a chat client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatClientSettings {
    /// The server to join.
    pub target: Target,
    /// Chat over UDP datagrams instead of TCP.
    pub udp: bool,
    /// The name the others see (`None`: the address the server sees).
    pub name: Option<String>,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab chat server`: relays between clients over TCP, or UDP with `--udp`.
pub fn server(a: &ChatServerSettings) -> Result<()> {
    if a.udp {
        udp_server(&a.listen, Duration::from_millis(a.peer_timeout_ms.max(1)))
    } else {
        tcp_server(&a.listen)
    }
}

/// `socklab chat client`: joins a chat server over TCP, or UDP with `--udp`.
pub fn client(a: &ChatClientSettings) -> Result<()> {
    if let Some(name) = &a.name {
        validate_name(name).map_err(|e| Error::usage(format!("--name: {e}")))?;
    }
    if a.udp {
        udp_client(a)
    } else {
        tcp_client(a)
    }
}

/// Starts the thread that reads what is typed at the server: each line goes to
/// every client through `say`; `quit` stops the server. End of input only ends the
/// console, so a server started in the background (stdin from /dev/null) keeps
/// relaying until `quit` or Ctrl-C.
fn server_console(say: impl Fn(&str) + Send + 'static) {
    let spawned = thread::Builder::new().name("console".into()).spawn(move || {
        let mut input = io::stdin().lock();
        loop {
            match serve::read_stdin_line(&mut input) {
                Ok(Some(line)) if serve::is_quit(&line) => break,
                Ok(Some(line)) if line.is_empty() => {}
                Ok(Some(line)) => say(&String::from_utf8_lossy(&line)),
                Ok(None) | Err(_) => return,
            }
        }
        shutdown::request();
    });
    if spawned.is_err() {
        serve::warn("cannot read the console; stop the server with Ctrl-C");
    }
}

fn server_banner(kind: &str, local: SocketAddr) {
    out(format_args!("{kind} chat server listening on {local}"));
    out(format_args!("{READY}; type a line to send it to every client, quit to stop the server"));
}

// ---------------------------------------------------------------- TCP server

/// The joined clients of a TCP chat server: a write handle of each connection.
#[derive(Clone, Default)]
struct Room {
    members: Arc<Mutex<HashMap<u64, TcpStream>>>,
    joined: Arc<AtomicU64>,
    relayed: Arc<AtomicU64>,
}

/// Sends all of `line` to a member without waiting; false if its socket could
/// not take it whole at once (it has stopped reading) or the connection is gone.
#[cfg(unix)]
fn send_now(stream: &TcpStream, line: &[u8]) -> bool {
    // Linux: no SIGPIPE for a gone member (std ignores SIGPIPE anyway, as on macOS).
    #[cfg(target_os = "linux")]
    const FLAGS: libc::c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
    #[cfg(not(target_os = "linux"))]
    const FLAGS: libc::c_int = libc::MSG_DONTWAIT;
    // SAFETY: the buffer is valid for its length; the descriptor is open while `stream` lives.
    let n = unsafe { libc::send(stream.as_raw_fd(), line.as_ptr().cast(), line.len(), FLAGS) };
    usize::try_from(n).is_ok_and(|n| n == line.len())
}

/// Sends all of `line` to a member without waiting; false if its socket could
/// not take it whole at once (it has stopped reading) or the connection is gone.
/// Windows has no per-call non-blocking flag: the send is made only when the
/// socket says a write will not block (a chat line fits its send buffer then).
#[cfg(windows)]
fn send_now(stream: &TcpStream, line: &[u8]) -> bool {
    let mut writer = stream;
    crate::net::fd::writable_now(stream.as_raw_fd()) && writer.write(line).is_ok_and(|n| n == line.len())
}

impl Room {
    /// Sends `msg` to every member but `except`, without waiting on any; a member
    /// that cannot take it at once is cut off (a partial line cannot be taken back).
    fn broadcast(&self, msg: &ServerMsg, except: Option<u64>) {
        let mut line = wire(msg);
        line.push(text::LF);
        let Ok(members) = self.members.lock() else { return };
        for (key, stream) in members.iter() {
            if Some(*key) != except && !send_now(stream, &line) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }

    /// Sends `welcome` and adds the member under one lock, so the member gets
    /// WELCOME first and then every later broadcast. False if the write failed.
    fn join(&self, key: u64, stream: TcpStream, welcome: &ServerMsg) -> bool {
        let mut line = wire(welcome);
        line.push(text::LF);
        let Ok(mut m) = self.members.lock() else { return false };
        if !send_now(&stream, &line) {
            return false;
        }
        m.insert(key, stream);
        self.joined.fetch_add(1, Ordering::Relaxed);
        true
    }

    fn leave(&self, key: u64) {
        if let Ok(mut m) = self.members.lock() {
            m.remove(&key);
        }
    }
}

fn tcp_server(a: &ServerSettings) -> Result<()> {
    let listener = addr::listen_tcp(serve::listen_addr(a)?)?;
    let local = listener.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let cap = CaptureSession::start(a.capture.clone(), "chat-server", CaptureFilter::TcpPort(local.port()))?;
    server_banner("TCP", local);
    cap.announce();
    serve::wake_listener_on_shutdown(&listener)?;
    let room = Room::default();
    let conns = Conns::default();
    let r = room.clone();
    server_console(move |text| {
        r.relayed.fetch_add(1, Ordering::Relaxed);
        r.broadcast(&ServerMsg::Say { from: SERVER_NAME.into(), text: text.into() }, None);
    });
    let threads = usize::from(a.threads);
    let pool = Pool::new("chat", threads, threads);
    let result = tcp_accept_loop(&listener, &pool, &room, &conns, threads);
    room.broadcast(&ServerMsg::Bye(CLOSING.into()), None);
    conns.close_all();
    pool.shutdown();
    out(format_args!(
        "Chat server stopped: {} joined, {} relayed.",
        serve::count(room.joined.load(Ordering::Relaxed), "client"),
        serve::count(room.relayed.load(Ordering::Relaxed), "message")
    ));
    result
}

fn tcp_accept_loop(listener: &TcpListener, pool: &Pool, room: &Room, conns: &Conns, limit: usize) -> Result<()> {
    serve::accept_each(listener, |stream, peer| {
        if conns.len() >= limit {
            tcp_turn_away(&stream, peer, limit);
            return;
        }
        let Ok(spare) = stream.try_clone() else { return };
        let key = conns.add(&stream);
        let (r, c) = (room.clone(), conns.clone());
        let job = move || {
            serve_member(stream, peer, key, &r, &c);
            c.remove(key);
        };
        if let Err(Rejected(job)) = pool.execute(job) {
            drop(job);
            conns.remove(key);
            tcp_turn_away(&spare, peer, limit);
        }
    })
}

fn tcp_turn_away(stream: &TcpStream, peer: SocketAddr, limit: usize) {
    let text = format!("the chat is full ({}); try again later", serve::count(limit as u64, "client"));
    let mut line = wire(&ServerMsg::Busy(text));
    line.push(text::LF);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&*stream).write_all(&line);
    let _ = stream.shutdown(Shutdown::Both);
    out(format_args!("Turned away {peer}: the chat is full"));
}

/// Reads the next line of a client; `None` at the end of its connection.
fn next_line(stream: &mut TcpStream, decoder: &mut LineDecoder) -> Option<Vec<u8>> {
    let mut buf = [0u8; 2048];
    loop {
        match decoder.next_line() {
            Ok(Some(line)) => return Some(line),
            Ok(None) => {}
            Err(_) => return None,
        }
        match trace::on(stream.as_raw_fd(), "recv()", || stream.read(&mut buf)) {
            Ok(0) => return None,
            Ok(n) => decoder.push(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// Serves one TCP chat client from its HELLO to its BYE (or disconnect).
fn serve_member(mut stream: TcpStream, peer: SocketAddr, key: u64, room: &Room, conns: &Conns) {
    let _ = stream.set_read_timeout(Some(JOIN_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut decoder = LineDecoder::new(MAX_LINE);
    let Some(first) = next_line(&mut stream, &mut decoder) else { return };
    let first = decode_client(&first);
    let name = match &first {
        ClientMsg::Hello(Some(n)) => n.clone(),
        _ => peer.to_string(),
    };
    let Ok(handle) = stream.try_clone() else { return };
    if shutdown::requested() || !room.join(key, handle, &ServerMsg::Welcome(name.clone())) {
        return;
    }
    let joined = presence(&name, peer, "joined");
    out(format_args!("* {joined}"));
    room.broadcast(&ServerMsg::Info(joined), Some(key));
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let mut pending = match first {
        ClientMsg::Hello(_) => None,
        other => Some(other),
    };
    loop {
        let msg = match pending.take() {
            Some(m) => m,
            None => match next_line(&mut stream, &mut decoder) {
                Some(line) => decode_client(&line),
                None => break,
            },
        };
        match msg {
            ClientMsg::Bye => break,
            ClientMsg::Hello(_) => {}
            ClientMsg::Say(text) | ClientMsg::Unknown(text) => {
                out(format_args!("[{name}] {text}"));
                room.relayed.fetch_add(1, Ordering::Relaxed);
                room.broadcast(&ServerMsg::Say { from: name.clone(), text }, Some(key));
            }
        }
    }
    room.leave(key);
    // Free the place before telling anyone, so a client told of the leave can join.
    conns.remove(key);
    let _ = stream.shutdown(Shutdown::Both);
    if !shutdown::requested() {
        let left = presence(&name, peer, "left");
        out(format_args!("* {left}"));
        room.broadcast(&ServerMsg::Info(left), None);
    }
}

// ---------------------------------------------------------------- TCP client

fn tcp_client(a: &ChatClientSettings) -> Result<()> {
    let addrs = serve::target_addrs(&a.target)?;
    let cap = CaptureSession::start(a.capture.clone(), "chat-client", CaptureFilter::TcpPort(addrs[0].port()))?;
    cap.announce();
    let (mut stream, server) = serve::connect(&addrs, JOIN_TIMEOUT)?;
    let io_err = |what: &str, e: io::Error| Error::io(format!("{what} {server}"), e);
    stream.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(|e| io_err("configuring the connection to", e))?;
    stream.set_read_timeout(Some(JOIN_TIMEOUT)).map_err(|e| io_err("configuring the connection to", e))?;
    let hello = ClientMsg::Hello(a.name.clone()).encode().map_err(|e| Error::usage(e.to_string()))?;
    trace::on(stream.as_raw_fd(), "send(hello)", || stream.write_all(format!("{hello}\n").as_bytes()))
        .map_err(|e| io_err("sending to", e))?;
    let mut decoder = LineDecoder::new(MAX_LINE);
    let first = next_line(&mut stream, &mut decoder).and_then(|l| decode_server(&l));
    let name = joined_as(first, server)?;
    out(format_args!("Joined the chat on {server} as {name}; type lines to send, quit to leave."));
    stream.set_read_timeout(None).map_err(|e| io_err("configuring the connection to", e))?;
    let left = Arc::new(AtomicBool::new(false));
    let writer = stream.try_clone().map_err(|e| io_err("cloning the connection to", e))?;
    let typing = spawn_typing(Arc::clone(&left), move |msg| {
        let mut line = msg.encode().unwrap_or_default().into_bytes();
        line.push(text::LF);
        let sent = trace::on(writer.as_raw_fd(), "send()", || (&writer).write_all(&line).map(|()| line.len())).is_ok();
        if msg == &ClientMsg::Bye || !sent {
            let _ = writer.shutdown(Shutdown::Both);
        }
        sent
    });
    while let Some(line) = next_line(&mut stream, &mut decoder) {
        if let Some(msg) = decode_server(&line) {
            if let Some(shown) = display(&msg) {
                out(shown);
            }
            if matches!(msg, ServerMsg::Bye(_)) {
                return Ok(());
            }
        }
    }
    if left.load(Ordering::SeqCst) {
        let _ = typing.join();
        out("You left the chat.");
        return Ok(());
    }
    Err(Error::io(format!("chatting with {server}"), io::Error::other("the server closed the connection")))
}

/// The name the server's first answer confirms, or why joining failed.
fn joined_as(first: Option<ServerMsg>, server: SocketAddr) -> Result<String> {
    match first {
        Some(ServerMsg::Welcome(name)) => Ok(name),
        Some(ServerMsg::Busy(text)) => {
            Err(Error::io(format!("joining the chat on {server}"), io::Error::other(format!("server busy: {text}"))))
        }
        _ => Err(Error::io(
            format!("joining the chat on {server}"),
            io::Error::other("no WELCOME came back; is it a socklab chat server of the same kind (TCP or --udp)?"),
        )),
    }
}

/// Starts the thread that sends what the user types: each line as a message,
/// then BYE on `quit` or end of input, after raising `left`. `send` returns false
/// once the connection is gone. Join the handle after `left` is raised to be sure
/// BYE went out.
fn spawn_typing(left: Arc<AtomicBool>, send: impl Fn(&ClientMsg) -> bool + Send + 'static) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut input = io::stdin().lock();
        loop {
            match serve::read_stdin_line(&mut input) {
                Ok(Some(line)) if serve::is_quit(&line) => break,
                Ok(Some(line)) if line.is_empty() => {}
                Ok(Some(line)) => {
                    if !send(&ClientMsg::Say(String::from_utf8_lossy(&line).into_owned())) {
                        return;
                    }
                }
                Ok(None) | Err(_) => break,
            }
        }
        left.store(true, Ordering::SeqCst);
        send(&ClientMsg::Bye);
    })
}

// ---------------------------------------------------------------- UDP server

/// A peer of the UDP chat server.
struct Peer {
    name: String,
    /// When its last datagram arrived.
    heard: Instant,
}

/// The peers a UDP chat server knows, by address.
#[derive(Clone, Default)]
struct Peers {
    names: Arc<Mutex<HashMap<SocketAddr, Peer>>>,
}

impl Peers {
    /// Sends `msg` to every known peer but `except`.
    fn broadcast(&self, sock: &UdpSocket, msg: &ServerMsg, except: Option<SocketAddr>) {
        let bytes = wire(msg);
        let targets: Vec<SocketAddr> = match self.names.lock() {
            Ok(n) => n.keys().copied().filter(|a| Some(*a) != except).collect(),
            Err(_) => return,
        };
        for t in targets {
            let _ = trace::on(sock.as_raw_fd(), format_args!("sendto({t})"), || sock.send_to(&bytes, t));
        }
    }

    /// The name of a known peer, noting that it was just heard from.
    fn heard_from(&self, addr: SocketAddr, now: Instant) -> Option<String> {
        let mut names = self.names.lock().ok()?;
        let peer = names.get_mut(&addr)?;
        peer.heard = now;
        Some(peer.name.clone())
    }

    /// Adds or renames a peer, first sending it `welcome` if given, under one lock
    /// so WELCOME comes before any broadcast; false if the table is full.
    fn insert(&self, sock: &UdpSocket, addr: SocketAddr, name: String, welcome: Option<&ServerMsg>) -> bool {
        let Ok(mut n) = self.names.lock() else { return false };
        if n.len() >= MAX_UDP_PEERS && !n.contains_key(&addr) {
            return false;
        }
        if let Some(w) = welcome {
            let _ = sock.send_to(&wire(w), addr);
        }
        n.insert(addr, Peer { name, heard: Instant::now() });
        true
    }

    fn remove(&self, addr: SocketAddr) -> Option<String> {
        self.names.lock().ok()?.remove(&addr).map(|p| p.name)
    }

    /// Forgets the peers silent for `timeout` or longer; returns their addresses and names.
    fn expire(&self, now: Instant, timeout: Duration) -> Vec<(SocketAddr, String)> {
        let Ok(mut names) = self.names.lock() else { return Vec::new() };
        let silent: Vec<SocketAddr> =
            names.iter().filter(|(_, p)| now.duration_since(p.heard) >= timeout).map(|(a, _)| *a).collect();
        silent.into_iter().filter_map(|a| Some((a, names.remove(&a)?.name))).collect()
    }
}

/// Forgets the peers that have gone silent: tells each it was dropped and the room
/// that it left.
fn expire_peers(sock: &UdpSocket, peers: &Peers, timeout: Duration) {
    for (addr, name) in peers.expire(Instant::now(), timeout) {
        let secs = timeout.as_secs_f64();
        let note = format!("silent for {secs} s; send HELLO to join again");
        let _ = sock.send_to(&wire(&ServerMsg::Bye(format!("you were dropped from the chat: {note}"))), addr);
        let left = format!("{} (silent for {secs} s)", presence(&name, addr, "left"));
        out(format_args!("* {left}"));
        peers.broadcast(sock, &ServerMsg::Info(left), None);
    }
}

fn udp_server(a: &ServerSettings, peer_timeout: Duration) -> Result<()> {
    let sock = addr::bind_udp(serve::listen_addr(a)?)?;
    let local = sock.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let cap = CaptureSession::start(a.capture.clone(), "chat-server", CaptureFilter::UdpPort(local.port()))?;
    server_banner("UDP", local);
    cap.announce();
    serve::wake_udp_on_shutdown(&sock)?;
    sock.set_read_timeout(Some(TICK)).map_err(|e| Error::io("setting the read timeout", e))?;
    sock.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(|e| Error::io("setting the write timeout", e))?;
    let peers = Peers::default();
    let relayed = Arc::new(AtomicU64::new(0));
    let console_sock = sock.try_clone().map_err(|e| Error::io("cloning the server socket", e))?;
    let (p, r) = (peers.clone(), Arc::clone(&relayed));
    server_console(move |text| {
        r.fetch_add(1, Ordering::Relaxed);
        p.broadcast(&console_sock, &ServerMsg::Say { from: SERVER_NAME.into(), text: text.into() }, None);
    });
    let mut joined = 0u64;
    let mut buf = vec![0u8; 65_536];
    let mut next_sweep = Instant::now() + EXPIRY_SWEEP;
    let recv = |buf: &mut Vec<u8>| {
        if Instant::now() >= next_sweep {
            expire_peers(&sock, &peers, peer_timeout);
            next_sweep = Instant::now() + EXPIRY_SWEEP;
        }
        trace::on(sock.as_raw_fd(), "recvfrom()", || addr::recv_from(&sock, buf))
    };
    serve::udp_receive_loop(local, &mut buf, recv, |buf, (n, from)| {
        if n > 0 && udp_datagram(&sock, &peers, from, decode_client(&buf[..n]), &relayed) {
            joined += 1;
        }
        Ok(())
    })?;
    peers.broadcast(&sock, &ServerMsg::Bye(CLOSING.into()), None);
    out(format_args!(
        "Chat server stopped: {} joined, {} relayed.",
        serve::count(joined, "client"),
        serve::count(relayed.load(Ordering::Relaxed), "message")
    ));
    Ok(())
}

/// Handles one datagram of the UDP chat; returns true if a new peer joined.
fn udp_datagram(sock: &UdpSocket, peers: &Peers, from: SocketAddr, msg: ClientMsg, relayed: &AtomicU64) -> bool {
    let known = peers.heard_from(from, Instant::now());
    let (name, is_new) = match (&msg, known) {
        (ClientMsg::Bye, None) => return false,
        (ClientMsg::Bye, Some(name)) => {
            peers.remove(from);
            let left = presence(&name, from, "left");
            out(format_args!("* {left}"));
            peers.broadcast(sock, &ServerMsg::Info(left), None);
            return false;
        }
        // The same HELLO again is a keep-alive.
        (ClientMsg::Hello(Some(n)), Some(name)) if *n == name => (name, false),
        (ClientMsg::Hello(Some(n)), _) => (n.clone(), true),
        (_, Some(name)) => (name, false),
        (_, None) => (from.to_string(), true),
    };
    if is_new {
        let welcome = matches!(msg, ClientMsg::Hello(_)).then(|| ServerMsg::Welcome(name.clone()));
        if !peers.insert(sock, from, name.clone(), welcome.as_ref()) {
            let busy = ServerMsg::Busy(format!("the chat is full ({MAX_UDP_PEERS} peers); try again later"));
            let _ = sock.send_to(&wire(&busy), from);
            return false;
        }
        let joined = presence(&name, from, "joined");
        out(format_args!("* {joined}"));
        peers.broadcast(sock, &ServerMsg::Info(joined), Some(from));
    }
    if let ClientMsg::Say(text) | ClientMsg::Unknown(text) = msg {
        out(format_args!("[{name}] {text}"));
        relayed.fetch_add(1, Ordering::Relaxed);
        peers.broadcast(sock, &ServerMsg::Say { from: name, text }, Some(from));
    }
    is_new
}

// ---------------------------------------------------------------- UDP client

fn udp_client(a: &ChatClientSettings) -> Result<()> {
    let server = serve::target_addr(&a.target)?;
    let cap = CaptureSession::start(a.capture.clone(), "chat-client", CaptureFilter::UdpPort(server.port()))?;
    cap.announce();
    let sock = connect_udp(server, JOIN_TIMEOUT)?;
    let hello = ClientMsg::Hello(a.name.clone()).encode().map_err(|e| Error::usage(e.to_string()))?;
    send_datagram(&sock, server, hello.as_bytes(), JOIN_TIMEOUT)?;
    let mut buf = vec![0u8; 65_536];
    let n = recv_datagram(&sock, server, &mut buf, JOIN_TIMEOUT)?;
    let name = joined_as(decode_server(&buf[..n]), server)?;
    out(format_args!("Joined the chat on {server} as {name} (UDP); type lines to send, quit to leave."));
    sock.set_read_timeout(Some(TICK)).map_err(|e| Error::io("setting the read timeout", e))?;
    let left = Arc::new(AtomicBool::new(false));
    let writer = sock.try_clone().map_err(|e| Error::io("cloning the socket", e))?;
    let typing =
        spawn_typing(Arc::clone(&left), move |msg| writer.send(msg.encode().unwrap_or_default().as_bytes()).is_ok());
    let mut next_keepalive = Instant::now() + KEEPALIVE;
    while !left.load(Ordering::SeqCst) {
        if Instant::now() >= next_keepalive {
            let _ = sock.send(hello.as_bytes());
            next_keepalive = Instant::now() + KEEPALIVE;
        }
        let n = match trace::on(sock.as_raw_fd(), "recv()", || sock.recv(&mut buf)) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if crate::teach::errno::udp_port_unreachable(&e) => {
                if left.load(Ordering::SeqCst) {
                    break;
                }
                return Err(Error::NoReply { addr: server, millis: 0, icmp: true });
            }
            Err(e) => return Err(Error::io(format!("receiving from {server}"), e)),
        };
        if let Some(msg) = decode_server(&buf[..n]) {
            if let Some(shown) = display(&msg) {
                out(shown);
            }
            if matches!(msg, ServerMsg::Bye(_)) {
                return Ok(());
            }
        }
    }
    let _ = typing.join();
    out("You left the chat.");
    Ok(())
}
