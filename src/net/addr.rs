//! Turning what the student typed (`--server 127.0.0.1:12000`, `--host localhost
//! --port 12000`) into socket addresses, and opening sockets with errors that say
//! what to do. Every server and client goes through these helpers.

use crate::error::{Error, Result};
use crate::net::trace;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

/// Parses a port number, with a message that names the valid range.
pub fn parse_port(input: &str) -> Result<u16> {
    input.trim().parse::<u16>().map_err(|_| Error::BadAddress {
        input: input.to_string(),
        reason: "a port is a whole number from 0 to 65535".into(),
    })
}

/// Resolves `host` (a name or an address) and `port` to socket addresses.
///
/// Names under the special-use `.invalid` domain fail at once without a DNS query,
/// as RFC 6761 §6.4 asks of name-resolution libraries.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let host = host.trim();
    if host.is_empty() {
        return Err(Error::BadAddress { input: host.into(), reason: "the host is empty".into() });
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let lower = host.trim_end_matches('.').to_ascii_lowercase();
    if lower == "invalid" || lower.ends_with(".invalid") {
        return Err(Error::UnknownHost {
            host: host.into(),
            detail: "names under .invalid never exist (RFC 6761)".into(),
        });
    }
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::UnknownHost { host: host.into(), detail: e.to_string() })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::UnknownHost { host: host.into(), detail: "no addresses".into() });
    }
    Ok(addrs)
}

/// Resolves `host` and picks one address, preferring IPv4 as the labs do.
pub fn resolve_one(host: &str, port: u16) -> Result<SocketAddr> {
    resolve(host, port).map(|addrs| prefer_ipv4(&addrs))
}

/// The first IPv4 address of a non-empty list, else its first address.
fn prefer_ipv4(addrs: &[SocketAddr]) -> SocketAddr {
    addrs.iter().find(|a| a.is_ipv4()).copied().unwrap_or(addrs[0])
}

/// Parses `host:port`, `[v6]:port` or a bare `host` (then `default_port` applies),
/// and picks one address, preferring IPv4 (for UDP, where a client cannot try the
/// next address when one does not answer).
pub fn parse_host_port(input: &str, default_port: Option<u16>) -> Result<SocketAddr> {
    parse_host_port_all(input, default_port).map(|addrs| prefer_ipv4(&addrs))
}

/// Like [`parse_host_port`], but every address the host has, in the resolver's
/// (getaddrinfo's) order: `localhost` is often `[::1]` then `127.0.0.1`. TCP
/// clients try them in turn with [`connect_any`].
pub fn parse_host_port_all(input: &str, default_port: Option<u16>) -> Result<Vec<SocketAddr>> {
    let input = input.trim();
    if let Ok(sa) = input.parse::<SocketAddr>() {
        return Ok(vec![sa]);
    }
    let bad = |reason: &str| Error::BadAddress { input: input.into(), reason: reason.into() };
    if let Some(rest) = input.strip_prefix('[') {
        let (host, tail) = rest.split_once(']').ok_or_else(|| bad("missing ']' after an IPv6 address"))?;
        let port = match tail.strip_prefix(':') {
            Some(p) => parse_port(p).map_err(|_| bad("the port must be a number from 0 to 65535"))?,
            None if tail.is_empty() => default_port.ok_or_else(|| bad("expected [address]:port"))?,
            None => return Err(bad("expected [address]:port")),
        };
        return resolve(host, port);
    }
    match input.rsplit_once(':') {
        Some((host, _)) if host.contains(':') => match default_port {
            // A bare IPv6 address without brackets.
            Some(port) => resolve(input, port),
            None => Err(bad("write IPv6 addresses with a port as [::1]:12000")),
        },
        Some((host, port)) => {
            let port = parse_port(port).map_err(|_| bad("the port must be a number from 0 to 65535"))?;
            resolve(host, port)
        }
        None => match default_port {
            Some(port) => resolve(input, port),
            None => Err(bad("expected host:port, e.g. 127.0.0.1:12000")),
        },
    }
}

/// Translates a `bind` failure into the error a student can act on.
pub fn bind_error(addr: SocketAddr, e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::AddrInUse => Error::AddrInUse { addr },
        // Windows refuses a reserved or exclusively held port at any number.
        io::ErrorKind::PermissionDenied if addr.port() != 0 && (cfg!(windows) || addr.port() < 1024) => {
            Error::PrivilegedPort { addr }
        }
        io::ErrorKind::AddrNotAvailable => Error::BadAddress {
            input: addr.to_string(),
            reason: "that address does not belong to this machine; use 127.0.0.1 or 0.0.0.0".into(),
        },
        _ => Error::io(format!("cannot listen on {addr}"), e),
    }
}

/// Binds a TCP listener, mapping failures with [`bind_error`].
pub fn listen_tcp(addr: SocketAddr) -> Result<TcpListener> {
    trace::call(format_args!("socket()+bind({addr})+listen(128)"), || TcpListener::bind(addr))
        .map_err(|e| bind_error(addr, e))
}

/// Binds a UDP socket, mapping failures with [`bind_error`].
pub fn bind_udp(addr: SocketAddr) -> Result<UdpSocket> {
    trace::call(format_args!("socket()+bind({addr})"), || UdpSocket::bind(addr)).map_err(|e| bind_error(addr, e))
}

/// Connects over TCP with a timeout, mapping RST to [`Error::ConnectionRefused`].
pub fn connect_tcp(addr: SocketAddr, timeout: Duration) -> Result<TcpStream> {
    trace::call(format_args!("socket()+connect({addr})"), || TcpStream::connect_timeout(&addr, timeout)).map_err(|e| {
        match e.kind() {
            io::ErrorKind::ConnectionRefused => Error::ConnectionRefused { addr },
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                Error::ConnectTimeout { addr, millis: timeout.as_millis() as u64 }
            }
            _ => Error::io(format!("cannot connect to {addr}"), e),
        }
    })
}

/// Connects to the first of `addrs` that accepts, trying them in order, as
/// Python's `socket.create_connection` does. Before moving on from an address that
/// failed, `note` hears why and which address comes next ("[::1]:12000: connection
/// refused; trying 127.0.0.1:12000"). Returns the stream and the address it reached;
/// when every address fails, the error names each with its reason.
pub fn connect_any(
    addrs: &[SocketAddr],
    timeout: Duration,
    mut note: impl FnMut(&str),
) -> Result<(TcpStream, SocketAddr)> {
    let mut failed = Vec::with_capacity(addrs.len());
    for (i, &addr) in addrs.iter().enumerate() {
        match connect_tcp(addr, timeout) {
            Ok(stream) => return Ok((stream, addr)),
            Err(e) => {
                if let Some(next) = addrs.get(i + 1) {
                    note(&format!("{addr}: {}; trying {next}", connect_failure(&e)));
                }
                failed.push((addr, e));
            }
        }
    }
    match failed.len() {
        0 => Err(Error::usage("no address to connect to")),
        1 => Err(failed.remove(0).1),
        _ => Err(Error::ConnectEach { tries: failed.iter().map(|(a, e)| (*a, connect_failure(e))).collect() }),
    }
}

/// A connect error in a few words, for naming one address among several.
fn connect_failure(e: &Error) -> String {
    match e {
        Error::ConnectionRefused { .. } => "connection refused".into(),
        Error::ConnectTimeout { millis, .. } => format!("no answer within {millis} ms"),
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// `recvfrom(2)` as `UdpSocket::recv_from`, but safe on a socket woken by
/// `shutdown(SHUT_RD)` (how servers stop): the kernel then returns 0 bytes and
/// no address, and std reads its uninitialised address buffer (it panics when
/// that happens to say AF_INET). Here the buffer is zeroed and a receive
/// without an address is `Interrupted`, which receive loops retry after
/// looking at the shutdown flag.
pub fn recv_from(sock: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    // SAFETY: the bytes are initialised; recv_from only writes to them, so viewing
    // them as possibly uninitialised is sound.
    let room = unsafe { &mut *(buf as *mut [u8] as *mut [std::mem::MaybeUninit<u8>]) };
    // socket2 zeroes its address buffer before the call, so an empty receive
    // leaves family 0 (no address), never stale bytes.
    let (n, from) = socket2::SockRef::from(sock).recv_from(room)?;
    match from.as_socket() {
        Some(from) => Ok((n, from)),
        None => Err(io::Error::from(io::ErrorKind::Interrupted)),
    }
}

/// The wildcard-free local address to bind a UDP client for talking to `peer`.
pub fn unspecified_for(peer: SocketAddr) -> SocketAddr {
    match peer {
        SocketAddr::V4(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
        SocketAddr::V6(_) => SocketAddr::from(([0u16; 8], 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagram_and_sender_from_recv_from() {
        let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        server.set_read_timeout(Some(std::time::Duration::from_secs(2))).unwrap();
        let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        client.send_to(b"hi", server.local_addr().unwrap()).unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = recv_from(&server, &mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"hi"[..], client.local_addr().unwrap()));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn recv_from_after_shutdown_rd_is_interrupted_not_a_panic() {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        // SAFETY: shutdown on this test's own socket.
        unsafe { libc::shutdown(std::os::fd::AsRawFd::as_raw_fd(&sock), libc::SHUT_RD) };
        let mut buf = [0u8; 16];
        let got = recv_from(&sock, &mut buf);
        assert_eq!(got.unwrap_err().kind(), io::ErrorKind::Interrupted);
    }

    #[test]
    fn parses_host_port_forms() {
        assert_eq!(parse_host_port("127.0.0.1:12000", None).unwrap(), "127.0.0.1:12000".parse().unwrap());
        assert_eq!(parse_host_port("[::1]:80", None).unwrap(), "[::1]:80".parse().unwrap());
        assert_eq!(parse_host_port("127.0.0.1", Some(5)).unwrap(), "127.0.0.1:5".parse().unwrap());
        assert_eq!(parse_host_port("::1", Some(7)).unwrap(), "[::1]:7".parse().unwrap());
        assert_eq!(parse_host_port("localhost:9", None).unwrap().port(), 9);
    }

    #[test]
    fn rejects_bad_ports_and_shapes() {
        assert!(matches!(parse_host_port("127.0.0.1:99999", None), Err(Error::BadAddress { .. })));
        assert!(matches!(parse_host_port("127.0.0.1:http", None), Err(Error::BadAddress { .. })));
        assert!(matches!(parse_host_port("127.0.0.1", None), Err(Error::BadAddress { .. })));
        assert!(matches!(parse_host_port("[::1:80", None), Err(Error::BadAddress { .. })));
        assert!(matches!(parse_port("-1"), Err(Error::BadAddress { .. })));
    }

    #[test]
    fn parse_all_keeps_every_address_and_parse_one_prefers_ipv4() {
        assert_eq!(parse_host_port_all("[::1]:80", None).unwrap(), vec!["[::1]:80".parse().unwrap()]);
        let all = parse_host_port_all("localhost:9", None).unwrap();
        assert!(all.iter().all(|a| a.port() == 9 && a.ip().is_loopback()), "{all:?}");
        assert_eq!(parse_host_port("localhost:9", None).unwrap(), prefer_ipv4(&all));
    }

    /// A loopback port nothing listens on (a listener's, closed again).
    fn refusing_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    #[test]
    fn connect_any_names_each_refusal_and_moves_on() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let addrs: Vec<SocketAddr> = vec![format!("[::1]:{port}").parse().unwrap(), listener.local_addr().unwrap()];
        let mut notes = Vec::new();
        let (_s, reached) = connect_any(&addrs, Duration::from_secs(2), |n| notes.push(n.to_string())).unwrap();
        assert_eq!(reached, addrs[1]);
        assert_eq!(notes, vec![format!("[::1]:{port}: connection refused; trying 127.0.0.1:{port}")]);
    }

    #[test]
    fn connect_any_lists_every_address_when_all_refuse() {
        let port = refusing_port();
        let addrs: Vec<SocketAddr> =
            vec![format!("[::1]:{port}").parse().unwrap(), format!("127.0.0.1:{port}").parse().unwrap()];
        let e = connect_any(&addrs, Duration::from_secs(2), |_| {}).unwrap_err().to_string();
        assert!(e.contains(&format!("[::1]:{port}: connection refused; 127.0.0.1:{port}: connection refused")), "{e}");
        assert!(e.contains("start the server first"), "{e}");
        // One address: the single-address error as before.
        let one = connect_any(&addrs[1..], Duration::from_secs(2), |_| {}).unwrap_err();
        assert!(matches!(one, Error::ConnectionRefused { .. }), "{one}");
    }

    #[test]
    fn invalid_tld_fails_without_a_query() {
        assert!(matches!(resolve("nosuch.invalid", 1), Err(Error::UnknownHost { .. })));
        assert!(matches!(resolve("INVALID.", 1), Err(Error::UnknownHost { .. })));
    }
}
