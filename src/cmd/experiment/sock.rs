//! The few socket calls std::net does not offer, on socket2: binding with
//! SO_REUSEADDR off or on (std's `TcpListener::bind` always sets it on Unix),
//! and listen() with a chosen backlog. IPv4 only: the experiments run on
//! 127.0.0.1.
//!
//! On Windows SO_REUSEADDR means something else: it lets a second socket take
//! a port another one is using, even a listening one. So there `reuse` sets
//! nothing, and the experiments do not try it (a plain bind shows what Windows
//! does with a port whose connections wait in TIME_WAIT).

use socket2::{Domain, Socket, Type};
use std::io;
use std::net::{SocketAddrV4, TcpListener, UdpSocket};

/// A TCP socket bound to `addr`, SO_REUSEADDR set only when `reuse` (on Unix;
/// see the module documentation for Windows).
pub fn bind_tcp(addr: SocketAddrV4, reuse: bool) -> io::Result<Socket> {
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    if cfg!(unix) {
        sock.set_reuse_address(reuse)?;
    }
    sock.bind(&addr.into())?;
    Ok(sock)
}

/// A TCP listener on `addr` with this `backlog`, SO_REUSEADDR set only when `reuse`.
pub fn listener(addr: SocketAddrV4, reuse: bool, backlog: i32) -> io::Result<TcpListener> {
    let sock = bind_tcp(addr, reuse)?;
    sock.listen(backlog)?;
    Ok(sock.into())
}

/// A loopback port no TCP or UDP socket uses at the moment.
pub fn free_port() -> io::Result<u16> {
    for _ in 0..16 {
        let tcp = TcpListener::bind("127.0.0.1:0")?;
        let port = tcp.local_addr()?.port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(io::Error::other("no port free for both TCP and UDP after 16 tries"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn a_listening_port_cannot_be_bound_even_with_reuseaddr() {
        let l = listener(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0), true, 1).unwrap();
        let port = l.local_addr().unwrap().port();
        let e = bind_tcp(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port), true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
    }
}
