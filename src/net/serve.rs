//! Plumbing shared by the lab servers and clients: where to listen and connect,
//! printing without panicking when stdout is gone, waking a blocked server on
//! shutdown, and the set of open TCP connections that shutdown closes.

use crate::error::{Error, Result};
use crate::net::fd::AsRawFd;
use crate::net::{addr, gate, shutdown, trace};
use crate::sniff::session::CaptureRequest;
use std::collections::HashMap;
use std::fmt::Display;
use std::io::{self, BufRead, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where a server listens: an address as HOST:PORT, else a host and a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listen {
    /// The host name or address to listen on.
    pub host: String,
    /// The port to listen on; 0 lets the kernel pick one.
    pub port: u16,
    /// HOST:PORT, overriding `host` and `port`.
    pub bind: Option<String>,
}

impl Listen {
    /// The socket address: `bind`, else `host` and `port`, resolved.
    pub fn addr(&self) -> Result<SocketAddr> {
        match &self.bind {
            Some(b) => addr::parse_host_port(b, None),
            None => addr::resolve_one(&self.host, self.port),
        }
    }
}

/// Which server a client talks to: an address as HOST:PORT, else a host and a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// HOST:PORT, overriding `host` and `port`.
    pub server: Option<String>,
    /// The server's host name or address.
    pub host: String,
    /// The server's port.
    pub port: u16,
}

/// Settings of a lab server (the TCP and UDP echo servers, the chat server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSettings {
    /// Where it listens.
    pub listen: Listen,
    /// Worker threads serving clients at once (TCP).
    pub threads: u16,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// The address a server should listen on ([`Listen::addr`]); turns on the
/// tracing of socket calls first when asked, so the bind is traced.
pub fn listen_addr(s: &ServerSettings) -> Result<SocketAddr> {
    trace::enable(s.capture.trace);
    s.listen.addr()
}

/// The server a client talks to: `server` (HOST:PORT), else `host` and `port`.
pub fn target_addr(t: &Target) -> Result<SocketAddr> {
    match &t.server {
        Some(s) => addr::parse_host_port(s, None),
        None => addr::resolve_one(&t.host, t.port),
    }
}

/// Every address of the server a TCP client talks to, in the resolver's order
/// (`localhost` may be `[::1]` and `127.0.0.1`), for [`connect`].
pub fn target_addrs(t: &Target) -> Result<Vec<SocketAddr>> {
    match &t.server {
        Some(s) => addr::parse_host_port_all(s, None),
        None => addr::resolve(&t.host, t.port),
    }
}

/// Connects to the first of `addrs` that accepts ([`addr::connect_any`]), saying on
/// stderr which ones refused before it; returns the stream and the address reached.
pub fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<(TcpStream, SocketAddr)> {
    addr::connect_any(addrs, timeout, |note| warn(note))
}

/// Where to reach a socket bound to `local` from this machine: the loopback
/// address when it is bound to the wildcard address.
pub fn reachable(local: SocketAddr) -> SocketAddr {
    match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), local.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), local.port()),
        _ => local,
    }
}

/// Prints one line on stdout through the output gate (after the packets
/// captured before it, never on a prompt's line); a closed stdout is not a panic.
pub fn out(line: impl Display) {
    gate::line(&line.to_string());
}

/// Prints `text` without a line end (a prompt) and flushes it; packet lines
/// arriving while it waits are printed above it.
pub fn prompt(text: &str) {
    gate::prompt(text);
}

/// Prints one line on stderr (for a server's per-connection troubles).
pub fn warn(line: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Reads one line of stdin as bytes without its line end; `None` at end of input.
pub fn read_stdin_line(input: &mut impl BufRead) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let read = input.read_until(b'\n', &mut line);
    gate::answered();
    match read {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(crate::proto::text::trim_line_end(&line).to_vec())),
        Err(e) => Err(Error::io("reading standard input", e)),
    }
}

/// `n` followed by `noun`, with an `s` unless `n` is 1 (`1 client`, `2 clients`).
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// True if a typed line asks to leave (`quit`, any case, spaces around allowed).
pub fn is_quit(line: &[u8]) -> bool {
    line.trim_ascii().eq_ignore_ascii_case(b"quit")
}

/// Registers a shutdown waker that unblocks the server's `accept`, so the accept
/// loop sees the shutdown flag. On Linux it shuts the listening socket down for
/// reading (`accept` then fails with EINVAL): no packet goes on the wire, so a
/// capture of the server shows only its clients. macOS and Windows do not wake an
/// `accept` that way; there the waker connects to the listener once over
/// loopback (that one connection shows in a loopback capture of the server).
pub fn wake_listener_on_shutdown(listener: &TcpListener) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let waker = listener.try_clone().map_err(|e| Error::io("cloning the listening socket", e))?;
        shutdown::on_shutdown(move || shut_rd(&waker));
    }
    #[cfg(not(target_os = "linux"))]
    {
        let target = reachable(listener.local_addr().map_err(|e| Error::io("reading the bound address", e))?);
        shutdown::on_shutdown(move || wake_tcp_by_connect(target));
    }
    Ok(())
}

/// Registers a shutdown waker that unblocks the server's `recv_from`. Like
/// [`wake_listener_on_shutdown`], on Linux it shuts the socket down for reading
/// and sends nothing: the server's capture holds only its clients' datagrams.
/// On macOS and Windows it sends the socket one empty datagram over loopback.
/// Receive loops check the shutdown flag before the result of a receive.
pub fn wake_udp_on_shutdown(sock: &UdpSocket) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let waker = sock.try_clone().map_err(|e| Error::io("cloning the server socket", e))?;
        // Linux wakes the socket's readers even though an unconnected UDP socket
        // answers ENOTCONN.
        shutdown::on_shutdown(move || shut_rd(&waker));
    }
    #[cfg(not(target_os = "linux"))]
    {
        let target = reachable(sock.local_addr().map_err(|e| Error::io("reading the bound address", e))?);
        shutdown::on_shutdown(move || wake_udp_by_datagram(target));
    }
    Ok(())
}

/// Longest wait for the loopback connection that wakes a listener (macOS, Windows).
#[cfg(any(not(target_os = "linux"), test))]
const SELF_WAKE_LIMIT: Duration = Duration::from_secs(1);

/// Wakes an `accept` on `target` by connecting to it once (macOS, Windows).
#[cfg(any(not(target_os = "linux"), test))]
fn wake_tcp_by_connect(target: SocketAddr) {
    let _ = TcpStream::connect_timeout(&target, SELF_WAKE_LIMIT);
}

/// Wakes a `recv_from` on `target` with one empty datagram (macOS, Windows).
#[cfg(any(not(target_os = "linux"), test))]
fn wake_udp_by_datagram(target: SocketAddr) {
    if let Ok(waker) = UdpSocket::bind(addr::unspecified_for(target)) {
        let _ = waker.send_to(&[], target);
    }
}

/// `shutdown(fd, SHUT_RD)`, its result ignored: it only has to wake the socket's readers.
#[cfg(target_os = "linux")]
fn shut_rd(sock: &impl AsRawFd) {
    // SAFETY: the descriptor is open for as long as `sock` lives.
    unsafe {
        libc::shutdown(sock.as_raw_fd(), libc::SHUT_RD);
    }
}

/// The receive loop of the UDP servers: until shutdown, `recv` fills `state` (a
/// buffer or a batch) and `handle` serves what arrived. Timeouts, an ICMP error
/// about an earlier reply (ECONNREFUSED; WSAECONNRESET on Windows) and signals are not the server's fault: the loop goes
/// on. Another receive error ends it, naming `local`. Shutdown wakes the receive
/// with an empty result, so the flag is checked before the result.
pub fn udp_receive_loop<S, T>(
    local: SocketAddr,
    state: &mut S,
    mut recv: impl FnMut(&mut S) -> io::Result<T>,
    mut handle: impl FnMut(&mut S, T) -> Result<()>,
) -> Result<()> {
    while !shutdown::requested() {
        let got = recv(state);
        if shutdown::requested() {
            break;
        }
        match got {
            Ok(got) => handle(state, got)?,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted || crate::teach::errno::udp_port_unreachable(&e) => {
                continue
            }
            Err(e) => return Err(Error::io(format!("receiving on {local}"), e)),
        }
    }
    Ok(())
}

/// The open TCP connections of a server, so shutdown can close them and unblock
/// the workers reading from them.
#[derive(Clone, Default)]
pub struct Conns {
    inner: Arc<Mutex<HashMap<u64, TcpStream>>>,
    next: Arc<AtomicU64>,
}

impl Conns {
    /// An empty set whose connections are shut down when shutdown is requested.
    pub fn closed_on_shutdown() -> Conns {
        let conns = Conns::default();
        let c = conns.clone();
        shutdown::on_shutdown(move || c.close_all());
        conns
    }

    /// Adds a handle of `stream`; returns its key for [`remove`](Self::remove).
    /// A connection added after shutdown began is closed at once.
    pub fn add(&self, stream: &TcpStream) -> u64 {
        let key = self.next.fetch_add(1, Ordering::SeqCst);
        if let (Ok(handle), Ok(mut map)) = (stream.try_clone(), self.inner.lock()) {
            map.insert(key, handle);
        }
        if shutdown::requested() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        key
    }

    /// Forgets a connection.
    pub fn remove(&self, key: u64) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(&key);
        }
    }

    /// Shuts down both directions of every connection.
    pub fn close_all(&self) {
        if let Ok(map) = self.inner.lock() {
            for s in map.values() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }

    /// Number of open connections.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// True if no connection is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Accepts connections until shutdown is requested, handing each to `handle`
/// with its peer address. Transient failures (a client gone before `accept`, no
/// descriptors left for a moment) are reported and retried after a pause; any
/// other failure ends the loop with an error.
pub fn accept_each(listener: &TcpListener, mut handle: impl FnMut(TcpStream, SocketAddr)) -> Result<()> {
    loop {
        let incoming = trace::on(listener.as_raw_fd(), "accept()", || listener.accept()).map(|(s, _)| s);
        if shutdown::requested() {
            break;
        }
        let stream = match incoming {
            Ok(s) => s,
            Err(e) if accept_error_is_transient(&e) => {
                warn(format_args!("accept failed ({e}); continuing"));
                std::thread::sleep(std::time::Duration::from_millis(50));
                continue;
            }
            Err(e) => return Err(Error::io("accepting a connection", e)),
        };
        let Ok(peer) = stream.peer_addr() else { continue };
        handle(stream, peer);
    }
    Ok(())
}

/// True for `accept` errors that concern one connection, not the listener
/// (the peer gave up, or the process is briefly out of descriptors).
pub fn accept_error_is_transient(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted)
        || e.raw_os_error().is_some_and(|code| OUT_OF_RESOURCES.contains(&code))
}

/// Error codes of a process briefly out of descriptors or memory.
#[cfg(unix)]
const OUT_OF_RESOURCES: [i32; 4] = [libc::EMFILE, libc::ENFILE, libc::ENOBUFS, libc::ENOMEM];
/// Error codes of a process briefly out of sockets or buffers (WSAEMFILE, WSAENOBUFS).
#[cfg(windows)]
const OUT_OF_RESOURCES: [i32; 2] =
    [windows_sys::Win32::Networking::WinSock::WSAEMFILE, windows_sys::Win32::Networking::WinSock::WSAENOBUFS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portable_wakers_unblock_accept_and_recv() {
        let listener = TcpListener::bind("0.0.0.0:0").unwrap();
        let target = reachable(listener.local_addr().unwrap());
        let waiting = std::thread::spawn(move || listener.accept().is_ok());
        wake_tcp_by_connect(target);
        assert!(waiting.join().unwrap());
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let target = sock.local_addr().unwrap();
        let waiting = std::thread::spawn(move || sock.recv_from(&mut [0u8; 8]).map(|(n, _)| n).unwrap());
        std::thread::sleep(Duration::from_millis(50));
        wake_udp_by_datagram(target);
        assert_eq!(waiting.join().unwrap(), 0);
    }

    #[test]
    fn wildcard_is_reached_on_loopback() {
        assert_eq!(reachable("0.0.0.0:80".parse().unwrap()), "127.0.0.1:80".parse().unwrap());
        assert_eq!(reachable("[::]:80".parse().unwrap()), "[::1]:80".parse().unwrap());
        assert_eq!(reachable("127.0.0.2:80".parse().unwrap()), "127.0.0.2:80".parse().unwrap());
    }

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(count(0, "client"), "0 clients");
        assert_eq!(count(1, "client"), "1 client");
        assert_eq!(count(2, "message"), "2 messages");
    }

    #[test]
    fn quit_is_recognised() {
        assert!(is_quit(b"quit"));
        assert!(is_quit(b"  QUIT "));
        assert!(!is_quit(b"quite"));
        assert!(!is_quit(b""));
    }

    #[test]
    fn stdin_lines_lose_their_line_end() {
        let mut input: &[u8] = b"one\r\ntwo\nthree";
        assert_eq!(read_stdin_line(&mut input).unwrap(), Some(b"one".to_vec()));
        assert_eq!(read_stdin_line(&mut input).unwrap(), Some(b"two".to_vec()));
        assert_eq!(read_stdin_line(&mut input).unwrap(), Some(b"three".to_vec()));
        assert_eq!(read_stdin_line(&mut input).unwrap(), None);
    }
}
