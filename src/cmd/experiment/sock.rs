//! The few socket calls std::net does not offer, on libc: binding with
//! SO_REUSEADDR off or on (std's `TcpListener::bind` always sets it on Unix),
//! and listen() with a chosen backlog. IPv4 only: the experiments run on
//! 127.0.0.1.

use std::io;
use std::mem;
use std::net::{SocketAddrV4, TcpListener, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A TCP socket bound to `addr`, SO_REUSEADDR set only when `reuse`.
pub fn bind_tcp(addr: SocketAddrV4, reuse: bool) -> io::Result<OwnedFd> {
    // SAFETY: socket(2) has no memory arguments; the result is a new descriptor we own.
    let fd = check(unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd was just returned by the kernel and is owned by no one else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let flag: libc::c_int = i32::from(reuse);
    // SAFETY: passes a valid c_int and its size for the option value.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&flag as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    })?;
    let sin = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes(addr.ip().octets()) },
        sin_zero: [0; 8],
    };
    let len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: sin is a valid sockaddr_in of the given length.
    check(unsafe { libc::bind(fd.as_raw_fd(), (&sin as *const libc::sockaddr_in).cast(), len) })?;
    Ok(fd)
}

/// A TCP listener on `addr` with this `backlog`, SO_REUSEADDR set only when `reuse`.
pub fn listener(addr: SocketAddrV4, reuse: bool, backlog: i32) -> io::Result<TcpListener> {
    let fd = bind_tcp(addr, reuse)?;
    // SAFETY: listen(2) on our own bound socket.
    check(unsafe { libc::listen(fd.as_raw_fd(), backlog) })?;
    Ok(TcpListener::from(fd))
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
        assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE));
    }
}
