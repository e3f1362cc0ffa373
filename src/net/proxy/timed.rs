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

use crate::net::fd::{self, AsRawFd};
use std::cell::Cell;
use std::io::{self, Read};
use std::net::TcpStream;
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

/// What to watch the client for: it hung up or shut down its sending side.
/// Linux reports that alone (POLLRDHUP); elsewhere the client is watched for
/// input, and input is then told apart from a hang-up with a peek.
#[cfg(target_os = "linux")]
const CLIENT_GONE: fd::Events = libc::POLLRDHUP;
#[cfg(not(target_os = "linux"))]
const CLIENT_GONE: fd::Events = fd::READABLE;

/// True if the client, reported ready by the wait, has gone. On Linux the wait
/// said so; elsewhere a peek tells end of stream (0 bytes) or a reset from input
/// the client sent early (a pipelined request), which is not a departure.
fn client_left(client: &TcpStream, revents: fd::Events) -> bool {
    if revents & fd::HUP_OR_ERR != 0 {
        return true;
    }
    if cfg!(target_os = "linux") {
        return revents & CLIENT_GONE != 0;
    }
    revents != 0 && ended_by_peek(client)
}

/// True if the next read of `client` (known readable) is end of stream or an
/// error, not data: a peek that leaves any data in place.
fn ended_by_peek(client: &TcpStream) -> bool {
    matches!(client.peek(&mut [0u8; 1]), Ok(0) | Err(_))
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // A client with early input is not watched again in this read (its
        // input stays readable, and would end every wait at once).
        let mut client = self.client;
        loop {
            let Some(wait) = self.wait(Instant::now()) else {
                return Err(io::ErrorKind::TimedOut.into());
            };
            let mut watch = vec![(self.stream.as_raw_fd(), fd::READABLE)];
            if let Some(c) = client {
                watch.push((c.as_raw_fd(), CLIENT_GONE));
            }
            let ready = match fd::wait(&watch, wait) {
                Ok(ready) => ready,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if let (Some(c), Some(&revents)) = (client, ready.get(1)) {
                if client_left(c, revents) {
                    return Err(client_gone());
                }
                if revents != 0 {
                    client = None;
                }
            }
            if ready[0] != 0 {
                return self.stream.read(buf);
            }
            if ready.iter().any(|&r| r != 0) {
                continue;
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
    fn a_peek_tells_a_hang_up_from_early_input() {
        let (client, mut client_peer) = pair();
        client_peer.write_all(b"GET").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert!(!ended_by_peek(&client), "pipelined input is not a departure");
        let mut buf = [0u8; 3];
        (&client).read_exact(&mut buf).unwrap();
        drop(client_peer);
        std::thread::sleep(Duration::from_millis(50));
        assert!(ended_by_peek(&client));
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
