//! Listening sockets, and accepting from them.
//!
//! Linux: SO_REUSEPORT, one listener per worker on the same address, so the
//! kernel spreads new connections evenly over the workers by a hash of their
//! addresses (a single shared listener lets whichever worker wakes first take
//! most of them); accept4(2) makes the socket non-blocking in the same call.
//!
//! Elsewhere: one non-blocking listener that every worker watches (Windows has
//! no SO_REUSEPORT, and macOS's lets sockets share a port without spreading the
//! connections over them); each accepted socket is then made non-blocking.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// Pending connections the kernel queues per listener.
const BACKLOG: i32 = 1024;

/// `n` listeners on `addr` for `n` workers (on Linux `n` sockets with
/// SO_REUSEPORT, elsewhere one socket shared `n` times), all non-blocking.
pub fn listeners(addr: SocketAddr, n: usize) -> io::Result<Vec<Arc<TcpListener>>> {
    imp::listeners(addr, n)
}

/// Accepts one connection as a non-blocking socket, with the peer's address.
/// `WouldBlock` when none is pending (another worker may have taken it).
pub fn accept(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    imp::accept(listener)
}

#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
use reuseport as imp;
#[cfg(any(not(target_os = "linux"), feature = "web-portable"))]
use shared as imp;

/// The Linux fast path: SO_REUSEPORT listeners and accept4(2).
#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
mod reuseport {
    use std::io;
    use std::mem;
    use std::net::{SocketAddr, TcpListener};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::sync::Arc;

    /// Pending connections the kernel queues per listener.
    const BACKLOG: libc::c_int = super::BACKLOG;

    fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    }

    fn set_flag(fd: &OwnedFd, option: libc::c_int) -> io::Result<()> {
        let one: libc::c_int = 1;
        // SAFETY: passes a valid c_int and its size for the option value.
        check(unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                option,
                (&one as *const libc::c_int).cast(),
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        })
        .map(|_| ())
    }

    /// A non-blocking TCP listener on `addr` with SO_REUSEADDR and SO_REUSEPORT set.
    pub fn reuseport_listener(addr: SocketAddr) -> io::Result<TcpListener> {
        let family = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
        // SAFETY: socket(2) has no memory arguments; the result is a new descriptor we own.
        let fd =
            check(unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK, 0) })?;
        // SAFETY: fd was just returned by the kernel and is owned by no one else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        set_flag(&fd, libc::SO_REUSEADDR)?;
        set_flag(&fd, libc::SO_REUSEPORT)?;
        match addr {
            SocketAddr::V4(a) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: a.port().to_be(),
                    sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) },
                    sin_zero: [0; 8],
                };
                let len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
                // SAFETY: sin is a valid sockaddr_in of the given length.
                check(unsafe { libc::bind(fd.as_raw_fd(), (&sin as *const libc::sockaddr_in).cast(), len) })?;
            }
            SocketAddr::V6(a) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: a.port().to_be(),
                    sin6_flowinfo: a.flowinfo(),
                    sin6_addr: libc::in6_addr { s6_addr: a.ip().octets() },
                    sin6_scope_id: a.scope_id(),
                };
                let len = mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
                // SAFETY: sin6 is a valid sockaddr_in6 of the given length.
                check(unsafe { libc::bind(fd.as_raw_fd(), (&sin6 as *const libc::sockaddr_in6).cast(), len) })?;
            }
        }
        // SAFETY: listen(2) on our own bound socket.
        check(unsafe { libc::listen(fd.as_raw_fd(), BACKLOG) })?;
        Ok(TcpListener::from(fd))
    }

    /// `n` listeners on `addr`. A plain bind comes first, as a probe: SO_REUSEPORT
    /// would otherwise let a second server of the same user share the port silently
    /// (and split the clients) instead of failing with "address already in use". The
    /// probe also picks the port when `addr` asks for port 0.
    pub fn listeners(addr: SocketAddr, n: usize) -> io::Result<Vec<Arc<TcpListener>>> {
        let bound = TcpListener::bind(addr)?.local_addr()?;
        (0..n.max(1)).map(|_| reuseport_listener(bound).map(Arc::new)).collect()
    }

    /// Accepts one connection as a non-blocking socket, with the peer's address
    /// from the same call (no getpeername). `WouldBlock` when none is pending.
    pub fn accept(listener: &TcpListener) -> io::Result<(std::net::TcpStream, SocketAddr)> {
        // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
        let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
        let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: storage and len are valid for accept4 to fill; the result is a new descriptor we own.
        let fd = check(unsafe {
            libc::accept4(
                listener.as_raw_fd(),
                (&mut storage as *mut libc::sockaddr_storage).cast(),
                &mut len,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            )
        })?;
        // SAFETY: fd is a connected socket just returned by accept4, owned by no one else.
        let stream = unsafe { std::net::TcpStream::from_raw_fd(fd) };
        match crate::net::sockaddr::from_storage(&storage) {
            Some(peer) => Ok((stream, peer)),
            None => stream.peer_addr().map(|peer| (stream, peer)),
        }
    }
}

/// The portable path: one listener (socket2) that all workers share.
#[cfg(any(not(target_os = "linux"), feature = "web-portable", test))]
mod shared {
    use std::io;
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::Arc;

    /// A non-blocking TCP listener on `addr`. On unix with SO_REUSEADDR (a
    /// restarted server can bind while old connections linger in TIME_WAIT);
    /// never on Windows, where that option would let a second server take over
    /// a port in use instead of being refused. socket2 makes it close-on-exec
    /// (not inherited on Windows) and, on macOS, SO_NOSIGPIPE, which accepted
    /// sockets inherit: a write to a vanished client fails instead of raising
    /// SIGPIPE.
    pub fn listener(addr: SocketAddr) -> io::Result<TcpListener> {
        use socket2::{Domain, Protocol, Socket, Type};
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        #[cfg(unix)]
        socket.set_reuse_address(true)?;
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        socket.listen(super::BACKLOG)?;
        Ok(socket.into())
    }

    /// One listener on `addr`, handed to each of the `n` workers.
    pub fn listeners(addr: SocketAddr, n: usize) -> io::Result<Vec<Arc<TcpListener>>> {
        let shared = Arc::new(listener(addr)?);
        Ok((0..n.max(1)).map(|_| Arc::clone(&shared)).collect())
    }

    /// Accepts one connection and makes it non-blocking (accepted sockets
    /// inherit that from the listener on the BSDs and Windows but not on Linux;
    /// set it either way).
    pub fn accept(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = listener.accept()?;
        stream.set_nonblocking(true)?;
        Ok((stream, peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_share_one_port_and_all_accept() {
        let ls = listeners("127.0.0.1:0".parse().unwrap(), 3).unwrap();
        let addr = ls[0].local_addr().unwrap();
        assert!(ls.iter().all(|l| l.local_addr().unwrap() == addr));
        let clients: Vec<TcpStream> = (0..30).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut accepted = 0;
        for l in &ls {
            while let Ok((_, peer)) = accept(l) {
                assert!(clients.iter().any(|c| c.local_addr().unwrap() == peer), "{peer}");
                accepted += 1;
            }
        }
        assert_eq!(accepted, clients.len());
    }

    #[test]
    fn a_port_in_use_is_refused_even_by_reuseport_listeners() {
        let ls = listeners("127.0.0.1:0".parse().unwrap(), 2).unwrap();
        let addr = ls[0].local_addr().unwrap();
        let e = listeners(addr, 2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
    }
}

#[cfg(test)]
mod shared_tests {
    use super::shared::{accept, listeners};
    use std::io;
    use std::net::TcpStream;
    use std::sync::Arc;

    #[test]
    fn the_workers_share_one_non_blocking_listener() {
        let ls = listeners("127.0.0.1:0".parse().unwrap(), 3).unwrap();
        assert_eq!(ls.len(), 3);
        assert!(ls.iter().all(|l| Arc::ptr_eq(l, &ls[0])));
        assert_eq!(accept(&ls[1]).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        let addr = ls[0].local_addr().unwrap();
        let clients: Vec<TcpStream> = (0..5).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut accepted = 0;
        while let Ok((mut stream, peer)) = accept(&ls[2]) {
            assert!(clients.iter().any(|c| c.local_addr().unwrap() == peer), "{peer}");
            let mut buf = [0u8; 1];
            let read = io::Read::read(&mut stream, &mut buf);
            assert_eq!(read.unwrap_err().kind(), io::ErrorKind::WouldBlock, "accepted sockets do not block");
            accepted += 1;
        }
        assert_eq!(accepted, clients.len());
    }

    #[test]
    fn a_port_in_use_is_refused() {
        let ls = listeners("127.0.0.1:0".parse().unwrap(), 2).unwrap();
        let e = listeners(ls[0].local_addr().unwrap(), 2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
    }
}
