//! Socket handles and readiness on every platform: a descriptor (`RawFd`) on
//! Unix, a `SOCKET` (`RawSocket`) on Windows, and `poll(2)` / `WSAPoll` on them.
//!
//! The rest of `net` names sockets through [`RawFd`] and [`AsRawFd`] from here,
//! so the traces (`fd 5` on Unix, `socket 260` on Windows) and readiness waits
//! compile the same way everywhere.

use std::io;
use std::time::Duration;

/// A socket's raw handle: a file descriptor on Unix.
#[cfg(unix)]
pub type RawFd = std::os::fd::RawFd;
/// A socket's raw handle: a Winsock `SOCKET` on Windows.
#[cfg(windows)]
pub type RawFd = std::os::windows::io::RawSocket;

/// What the traces call a handle: `fd` on Unix, `socket` on Windows.
#[cfg(unix)]
pub const HANDLE_NAME: &str = "fd";
/// What the traces call a handle: `fd` on Unix, `socket` on Windows.
#[cfg(windows)]
pub const HANDLE_NAME: &str = "socket";

/// Anything with a raw socket handle (std's sockets, on every platform).
pub trait AsRawFd {
    /// The raw handle, still owned by `self`.
    fn as_raw_fd(&self) -> RawFd;
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd + ?Sized> AsRawFd for T {
    fn as_raw_fd(&self) -> RawFd {
        std::os::fd::AsRawFd::as_raw_fd(self)
    }
}

#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket + ?Sized> AsRawFd for T {
    fn as_raw_fd(&self) -> RawFd {
        std::os::windows::io::AsRawSocket::as_raw_socket(self)
    }
}

/// Readiness bits for [`wait`], as `poll(2)` / `WSAPoll` spell them.
pub type Events = i16;

/// Data (or a pending connection, or end of stream) can be read.
#[cfg(unix)]
pub const READABLE: Events = libc::POLLIN;
/// Data (or a pending connection, or end of stream) can be read.
#[cfg(windows)]
pub const READABLE: Events = windows_sys::Win32::Networking::WinSock::POLLRDNORM;
/// A write would not block.
#[cfg(unix)]
pub const WRITABLE: Events = libc::POLLOUT;
/// A write would not block.
#[cfg(windows)]
pub const WRITABLE: Events = windows_sys::Win32::Networking::WinSock::POLLWRNORM;
/// Hang-up or error (always reported, never asked for).
#[cfg(unix)]
pub const HUP_OR_ERR: Events = libc::POLLHUP | libc::POLLERR;
/// Hang-up or error (always reported, never asked for).
#[cfg(windows)]
pub const HUP_OR_ERR: Events =
    windows_sys::Win32::Networking::WinSock::POLLHUP | windows_sys::Win32::Networking::WinSock::POLLERR;

/// Milliseconds for a poll timeout, rounded up so a short wait is not a busy loop.
pub fn poll_ms(d: Duration) -> i32 {
    d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

/// Waits up to `timeout` until one of `watch` (handle, wanted events) is ready;
/// returns the events that happened on each, in the same order (all zero after a
/// timeout). A wait cut short by a signal fails with `Interrupted`.
pub fn wait(watch: &[(RawFd, Events)], timeout: Duration) -> io::Result<Vec<Events>> {
    sys_wait(watch, poll_ms(timeout))
}

#[cfg(unix)]
fn sys_wait(watch: &[(RawFd, Events)], ms: i32) -> io::Result<Vec<Events>> {
    let mut fds: Vec<libc::pollfd> =
        watch.iter().map(|&(fd, events)| libc::pollfd { fd, events, revents: 0 }).collect();
    // SAFETY: fds holds fds.len() initialised pollfd structures for the call.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if ready < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fds.iter().map(|p| p.revents).collect())
}

#[cfg(windows)]
fn sys_wait(watch: &[(RawFd, Events)], ms: i32) -> io::Result<Vec<Events>> {
    use windows_sys::Win32::Networking::WinSock::{WSAPoll, SOCKET, WSAPOLLFD};
    if watch.is_empty() {
        // WSAPoll rejects an empty set; waiting on nothing is a sleep.
        std::thread::sleep(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
        return Ok(Vec::new());
    }
    let mut fds: Vec<WSAPOLLFD> =
        watch.iter().map(|&(fd, events)| WSAPOLLFD { fd: fd as SOCKET, events, revents: 0 }).collect();
    // SAFETY: fds holds fds.len() initialised WSAPOLLFD structures for the call;
    // the sockets are std's, so Winsock is already started.
    let ready = unsafe { WSAPoll(fds.as_mut_ptr(), fds.len() as u32, ms) };
    if ready < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fds.iter().map(|p| p.revents).collect())
}

/// True if `sock` has something to read now (data, end of stream or an error),
/// without waiting.
pub fn readable_now(sock: RawFd) -> bool {
    wait(&[(sock, READABLE)], Duration::ZERO).is_ok_and(|r| r.first().is_some_and(|&e| e != 0))
}

/// True if a write to `sock` would not block now.
pub fn writable_now(sock: RawFd) -> bool {
    wait(&[(sock, WRITABLE)], Duration::ZERO).is_ok_and(|r| r.first().is_some_and(|&e| e & WRITABLE != 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn readiness_follows_the_data() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (b, _) = l.accept().unwrap();
        assert!(!readable_now(b.as_raw_fd()));
        assert!(writable_now(b.as_raw_fd()));
        a.write_all(b"x").unwrap();
        let got = wait(&[(b.as_raw_fd(), READABLE)], Duration::from_secs(2)).unwrap();
        assert_ne!(got[0] & READABLE, 0);
    }

    #[test]
    fn poll_ms_rounds_up() {
        assert_eq!(poll_ms(Duration::from_micros(1)), 1);
        assert_eq!(poll_ms(Duration::ZERO), 0);
        assert_eq!(poll_ms(Duration::from_secs(u64::MAX)), i32::MAX);
    }
}
