//! A thin, safe layer over Linux epoll(7) and eventfd(2), just what the web
//! server's event loops need: register a socket with a token, wait for events,
//! and a wake-up descriptor that shutdown can signal.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// Readable (or a pending connection on a listener).
pub const IN: u32 = libc::EPOLLIN as u32;
/// Writable.
pub const OUT: u32 = libc::EPOLLOUT as u32;
/// The peer shut down its sending side.
pub const RDHUP: u32 = libc::EPOLLRDHUP as u32;
/// Hang-up or error on the descriptor (always reported).
pub const HUP_OR_ERR: u32 = (libc::EPOLLHUP | libc::EPOLLERR) as u32;
/// Edge-triggered: report a change once, not while the condition lasts.
pub const EDGE: u32 = libc::EPOLLET as u32;

/// One ready descriptor: its token and the events that happened.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// The token given when the descriptor was added.
    pub token: u64,
    /// The `IN`/`OUT`/… bits.
    pub flags: u32,
}

/// An epoll instance.
pub struct Epoll {
    fd: OwnedFd,
    ready: Vec<libc::epoll_event>,
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

impl Epoll {
    /// A new epoll instance reporting at most `capacity` events per wait.
    pub fn new(capacity: usize) -> io::Result<Epoll> {
        // SAFETY: epoll_create1 has no memory arguments; the result is a new descriptor we own.
        let fd = check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: fd was just returned by the kernel and is owned by no one else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let ready = vec![libc::epoll_event { events: 0, u64: 0 }; capacity.max(1)];
        Ok(Epoll { fd, ready })
    }

    /// Watches `fd` for `events`, reporting them with `token`.
    pub fn add(&self, fd: RawFd, events: u32, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events, u64: token };
        // SAFETY: ev is a valid epoll_event for the duration of the call.
        check(unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) }).map(|_| ())
    }

    /// Changes the events watched on `fd` (the kernel reports any already ready).
    pub fn modify(&self, fd: RawFd, events: u32, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events, u64: token };
        // SAFETY: ev is a valid epoll_event for the duration of the call.
        check(unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), libc::EPOLL_CTL_MOD, fd, &mut ev) }).map(|_| ())
    }

    /// Stops watching `fd` (closing the descriptor does this too).
    pub fn delete(&self, fd: RawFd) -> io::Result<()> {
        let mut ev = libc::epoll_event { events: 0, u64: 0 };
        // SAFETY: ev is valid; the kernel ignores it for EPOLL_CTL_DEL.
        check(unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), libc::EPOLL_CTL_DEL, fd, &mut ev) }).map(|_| ())
    }

    /// Waits up to `timeout_ms` (-1: forever) and appends the ready events to `out`.
    pub fn wait(&mut self, out: &mut Vec<Event>, timeout_ms: i32) -> io::Result<()> {
        out.clear();
        let cap = self.ready.len() as libc::c_int;
        // SAFETY: ready has room for cap events and lives across the call.
        let n = unsafe { libc::epoll_wait(self.fd.as_raw_fd(), self.ready.as_mut_ptr(), cap, timeout_ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted { Ok(()) } else { Err(e) };
        }
        for ev in &self.ready[..n as usize] {
            let (token, flags) = (ev.u64, ev.events);
            out.push(Event { token, flags });
        }
        Ok(())
    }
}

/// An eventfd: a counter another thread can make readable to wake epoll waiters.
pub struct EventFd {
    fd: OwnedFd,
}

impl EventFd {
    /// A new non-blocking eventfd with the counter at zero.
    pub fn new() -> io::Result<EventFd> {
        // SAFETY: no memory arguments; the result is a new descriptor we own.
        let fd = check(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: fd was just returned by the kernel.
        Ok(EventFd { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    /// Makes the descriptor readable (for good: it is never read back).
    pub fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a valid u64, as eventfd requires.
        unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    /// The raw descriptor, to register with [`Epoll::add`].
    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eventfd_wakes_every_epoll_watching_it() {
        let wake = EventFd::new().unwrap();
        let mut a = Epoll::new(4).unwrap();
        let mut b = Epoll::new(4).unwrap();
        a.add(wake.raw(), IN, 7).unwrap();
        b.add(wake.raw(), IN, 9).unwrap();
        let mut evs = Vec::new();
        a.wait(&mut evs, 0).unwrap();
        assert!(evs.is_empty());
        wake.signal();
        a.wait(&mut evs, 1000).unwrap();
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].token, 7);
        b.wait(&mut evs, 1000).unwrap();
        assert_eq!(evs[0].token, 9);
        b.delete(wake.raw()).unwrap();
        b.wait(&mut evs, 0).unwrap();
        assert!(evs.is_empty());
    }
}
