//! Reads for the proxy under a deadline as well as an idle limit, given up as
//! soon as the client leaves.
//!
//! A socket read timeout bounds one read only: an origin (or client) sending one
//! byte a second never trips it and can hold a worker for ever. [`Timed`] also
//! bounds the whole wait for a message head (nginx's `client_header_timeout`
//! for the request; a total limit on the origin's response head), and while it
//! waits on the origin it watches the client too: once the client has gone
//! (hung up or shut down its side, as nginx checks for a broken connection),
//! the read fails with `ConnectionAborted`, so the worker drops the origin
//! connection at once instead of waiting for an answer nobody will read.

use std::cell::Cell;
use std::io::{self, Read};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// A socket to read from, with its limits.
pub struct Timed<'a> {
    stream: &'a TcpStream,
    /// The client whose departure ends the wait (when reading from the origin).
    client: Option<&'a TcpStream>,
    /// When the message head must be complete; `None` once it is (bodies are idle-limited only).
    deadline: Cell<Option<Instant>>,
    /// Longest wait for any one read.
    idle: Duration,
}

impl<'a> Timed<'a> {
    /// Reads from `stream`, each read waiting at most `idle`, the whole head until `deadline`.
    pub fn new(stream: &'a TcpStream, idle: Duration, deadline: Option<Instant>) -> Timed<'a> {
        Timed { stream, client: None, deadline: Cell::new(deadline), idle }
    }

    /// Also gives up as soon as `client` has gone.
    pub fn watching(mut self, client: &'a TcpStream) -> Timed<'a> {
        self.client = Some(client);
        self
    }

    /// The head has arrived: from now on only the idle limit applies.
    pub fn head_done(&self) {
        self.deadline.set(None);
    }

    /// How long the next read may wait; `None` when the deadline has passed.
    fn wait(&self, now: Instant) -> Option<Duration> {
        match self.deadline.get() {
            Some(d) if now >= d => None,
            Some(d) => Some(self.idle.min(d - now)),
            None => Some(self.idle),
        }
    }
}

/// The error a read gets when the client has gone.
pub fn client_gone() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "the client went away")
}

/// True if an error is [`client_gone`].
pub fn is_client_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::ConnectionAborted
}

/// Milliseconds for poll(2), rounded up so a short wait is not a busy loop.
fn poll_ms(d: Duration) -> libc::c_int {
    d.as_micros().div_ceil(1000).min(libc::c_int::MAX as u128) as libc::c_int
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(wait) = self.wait(Instant::now()) else {
                return Err(io::ErrorKind::TimedOut.into());
            };
            let mut fds = [libc::pollfd { fd: self.stream.as_raw_fd(), events: libc::POLLIN, revents: 0 }; 2];
            let mut n = 1;
            if let Some(c) = self.client {
                fds[1] = libc::pollfd { fd: c.as_raw_fd(), events: libc::POLLRDHUP, revents: 0 };
                n = 2;
            }
            // SAFETY: fds holds n initialised pollfd structures for the call.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), n as libc::nfds_t, poll_ms(wait)) };
            if ready < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if n == 2 && fds[1].revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR) != 0 {
                return Err(client_gone());
            }
            if fds[0].revents != 0 {
                return self.stream.read(buf);
            }
            if self.deadline.get().is_none() || wait == self.idle {
                return Err(io::ErrorKind::TimedOut.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        (a, l.accept().unwrap().0)
    }

    #[test]
    fn a_trickle_cannot_outlast_the_deadline() {
        let (mut tx, rx) = pair();
        let start = Instant::now();
        let mut r = Timed::new(&rx, Duration::from_secs(5), Some(start + Duration::from_millis(300)));
        let mut buf = [0u8; 8];
        let mut got = 0;
        let e = loop {
            let _ = tx.write_all(b"x");
            match r.read(&mut buf) {
                Ok(n) => got += n,
                Err(e) => break e,
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(got >= 2 && start.elapsed() < Duration::from_secs(2), "{got} bytes, {:?}", start.elapsed());
        r.head_done();
        let _ = tx.write_all(b"y");
        assert!(r.read(&mut buf).unwrap() >= 1, "reads go on once the head is done");
    }

    #[test]
    fn a_client_that_leaves_ends_the_wait_on_the_origin() {
        let (origin_side, _origin) = pair();
        let (client, client_peer) = pair();
        let mut r = Timed::new(&origin_side, Duration::from_secs(5), None).watching(&client);
        drop(client_peer);
        let start = Instant::now();
        let e = r.read(&mut [0u8; 8]).unwrap_err();
        assert!(is_client_gone(&e), "{e}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
