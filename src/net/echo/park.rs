//! How the TCP echo server shares its workers: a connection holds a worker only
//! while it has something to echo.
//!
//! The main thread accepts and keeps every quiet connection in a "parking lot",
//! an epoll set (level-triggered) on the non-blocking sockets. When one becomes
//! readable it goes to the pool, whose worker echoes as long as the client keeps
//! talking; once the client has been quiet for [`PARK_AFTER`] the worker hands
//! the connection back (a channel, and an eventfd to wake the main thread). So
//! a hundred silent clients cost a hundred descriptors, not a hundred workers,
//! and a normal client is answered at once.
//!
//! On Linux the lot is an epoll set with an eventfd (`net::web::epoll`). macOS
//! and Windows have neither: there it is a `poll`/`WSAPoll` set rebuilt each
//! wait ([`portable`]), woken by a byte a loopback UDP socket sends itself (it
//! never shows in a capture of the server, which only takes its TCP port).
//!
//! Bounds: at most [`MAX_OPEN`] connections (a new one beyond it closes the one
//! parked longest without a word), and none stays silent past [`IDLE_TIMEOUT`].

use super::{serve_turn, turn_away, Stats, IDLE_TIMEOUT};
use crate::error::{Error, Result};
use crate::net::fd::AsRawFd;
use crate::net::pool::{Pool, Rejected};
use crate::net::serve::{self, out, Conns};
#[cfg(target_os = "linux")]
use crate::net::web::epoll::{self, Epoll, Event, EventFd};
use crate::net::{shutdown, trace};
#[cfg(not(target_os = "linux"))]
use portable::{self as epoll, Epoll, Event, EventFd};
use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A worker gives a connection back after this long without input.
pub const PARK_AFTER: Duration = Duration::from_millis(200);
/// Most connections open at once (parked or being served).
pub const MAX_OPEN: usize = 512;
/// How often the lot looks for idle connections and at the shutdown flag.
const TICK_MS: i32 = 250;
/// Events taken from epoll per wait.
const EVENTS: usize = 64;
/// Token of the listening socket.
const LISTENER: u64 = u64::MAX;
/// Token of the eventfd that workers signal when they hand a connection back.
const RETURNS: u64 = u64::MAX - 1;

/// A connection between turns: its socket and what its next turn needs.
pub struct Parked {
    /// The client's socket.
    pub stream: TcpStream,
    /// The client's address.
    pub peer: SocketAddr,
    /// When the client last sent something (or connected).
    pub since: Instant,
    /// The start of a UTF-8 character cut at the end of the last chunk, for the log.
    pub cut: Vec<u8>,
}

/// Where workers hand connections back to the main thread: `Some` to park a
/// quiet one, `None` to say one has ended.
#[derive(Clone)]
pub struct Return {
    tx: Sender<Option<Parked>>,
    wake: Arc<EventFd>,
}

impl Return {
    /// Gives a quiet connection back to the lot.
    pub fn park(&self, p: Parked) {
        self.send(Some(p));
    }

    /// Tells the lot a connection has ended.
    pub fn done(&self) {
        self.send(None);
    }

    fn send(&self, p: Option<Parked>) {
        if self.tx.send(p).is_ok() {
            self.wake.signal();
        }
    }
}

/// The lot: the parked connections by token, and the epoll set watching them.
struct Lot<'a> {
    epoll: Epoll,
    listener: &'a TcpListener,
    parked: HashMap<u64, Parked>,
    /// Connections open in all: parked, queued or being served.
    open: usize,
    next: u64,
    back: Receiver<Option<Parked>>,
    ret: Return,
}

/// Accepts and schedules connections until shutdown; see the module documentation.
pub fn run(listener: &TcpListener, pool: &Pool, conns: &Conns, stats: &Arc<Stats>) -> Result<()> {
    listener.set_nonblocking(true).map_err(|e| Error::io("making the listener non-blocking", e))?;
    let wake = Arc::new(EventFd::new().map_err(|e| Error::io("creating the wake-up eventfd", e))?);
    let epoll = Epoll::new(EVENTS).map_err(|e| Error::io("creating the epoll set", e))?;
    epoll.add(listener.as_raw_fd(), epoll::IN, LISTENER).map_err(|e| Error::io("watching the listener", e))?;
    epoll.add(wake.raw(), epoll::IN | epoll::EDGE, RETURNS).map_err(|e| Error::io("watching the eventfd", e))?;
    let w = Arc::clone(&wake);
    shutdown::on_shutdown(move || w.signal());
    let (tx, back) = mpsc::channel();
    let mut lot = Lot { epoll, listener, parked: HashMap::new(), open: 0, next: 0, back, ret: Return { tx, wake } };
    let mut events: Vec<Event> = Vec::with_capacity(EVENTS);
    while !shutdown::requested() {
        lot.epoll.wait(&mut events, TICK_MS).map_err(|e| Error::io("waiting for connections", e))?;
        for ev in &events {
            match ev.token {
                LISTENER => lot.accept_all(stats)?,
                RETURNS => {
                    #[cfg(not(target_os = "linux"))]
                    lot.ret.wake.drain();
                }
                key => lot.dispatch(key, pool, conns, stats),
            }
        }
        lot.take_returns();
        lot.expire(Instant::now());
    }
    Ok(())
}

impl Lot<'_> {
    /// Accepts every pending connection into the lot.
    fn accept_all(&mut self, stats: &Stats) -> Result<()> {
        loop {
            let accepted = self.listener.accept();
            trace::returned("accept()", &accepted);
            match accepted {
                Ok((stream, peer)) => {
                    Stats::bump(&stats.clients);
                    out(format_args!("Connection from {peer}"));
                    if self.open >= MAX_OPEN {
                        self.shed_oldest();
                    }
                    self.open += 1;
                    let p = Parked { stream, peer, since: Instant::now(), cut: Vec::new() };
                    self.park(p);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if serve::accept_error_is_transient(&e) => {
                    serve::warn(format_args!("accept failed ({e}); continuing"));
                    return Ok(());
                }
                Err(e) => return Err(Error::io("accepting a connection", e)),
            }
        }
    }

    /// Puts a connection in the lot, watched for input (or closes it on failure).
    fn park(&mut self, p: Parked) {
        let key = self.next;
        self.next += 1;
        let watched = p.stream.set_nonblocking(true).is_ok()
            && self.epoll.add(p.stream.as_raw_fd(), epoll::IN | epoll::RDHUP, key).is_ok();
        if watched {
            self.parked.insert(key, p);
        } else {
            self.open -= 1;
        }
    }

    /// Hands a connection with input to a worker, or turns it away if all are busy.
    fn dispatch(&mut self, key: u64, pool: &Pool, conns: &Conns, stats: &Arc<Stats>) {
        let Some(p) = self.parked.remove(&key) else { return };
        let _ = self.epoll.delete(p.stream.as_raw_fd());
        if p.stream.set_nonblocking(false).is_err() {
            self.open -= 1;
            return;
        }
        let Ok(spare) = p.stream.try_clone() else {
            self.open -= 1;
            return;
        };
        let (peer, c, s, ret) = (p.peer, conns.clone(), Arc::clone(stats), self.ret.clone());
        if let Err(Rejected(job)) = pool.execute(move || serve_turn(p, &c, &s, &ret)) {
            drop(job);
            turn_away(spare, peer);
            Stats::bump(&stats.busy);
            self.open -= 1;
        }
    }

    /// Parks the connections workers handed back; counts the ones that ended.
    fn take_returns(&mut self) {
        while let Ok(back) = self.back.try_recv() {
            match back {
                Some(p) => self.park(p),
                None => self.open -= 1,
            }
        }
    }

    /// Closes connections parked longer than [`IDLE_TIMEOUT`].
    fn expire(&mut self, now: Instant) {
        let idle: Vec<u64> =
            self.parked.iter().filter(|(_, p)| now.duration_since(p.since) >= IDLE_TIMEOUT).map(|(&k, _)| k).collect();
        for key in idle {
            if let Some(p) = self.close(key) {
                out(format_args!("{} idle for {} s; closing the connection", p.peer, IDLE_TIMEOUT.as_secs()));
            }
        }
    }

    /// At [`MAX_OPEN`]: closes the connection parked longest, to make room.
    fn shed_oldest(&mut self) {
        let oldest = self.parked.iter().min_by_key(|(_, p)| p.since).map(|(&k, _)| k);
        if let Some(p) = oldest.and_then(|k| self.close(k)) {
            out(format_args!("{} closed: idle while the server is full ({MAX_OPEN} connections)", p.peer));
        }
    }

    fn close(&mut self, key: u64) -> Option<Parked> {
        let p = self.parked.remove(&key)?;
        let _ = self.epoll.delete(p.stream.as_raw_fd());
        self.open -= 1;
        super::log_message(p.peer, &p.cut);
        Some(p)
    }
}

/// The lot's readiness set where there is no epoll (macOS, Windows): the same
/// calls as `net::web::epoll`, on [`crate::net::fd::wait`].
#[cfg(any(not(target_os = "linux"), test))]
mod portable {
    use crate::net::fd::{self, AsRawFd, RawFd};
    use std::cell::RefCell;
    use std::io;
    use std::net::{Ipv4Addr, UdpSocket};
    use std::time::Duration;

    /// Readable (or a pending connection on a listener).
    pub const IN: u32 = 1;
    /// The peer shut down its sending side (seen as readable here).
    pub const RDHUP: u32 = 2;
    /// Edge-triggered in epoll; here every wait reports what is ready.
    pub const EDGE: u32 = 4;

    /// One ready socket (readable, closed or failed): its token.
    #[derive(Clone, Copy, Debug)]
    pub struct Event {
        /// The token given when the socket was added.
        pub token: u64,
    }

    /// The watched sockets with their tokens.
    pub struct Epoll {
        watched: RefCell<Vec<(RawFd, u64)>>,
        capacity: usize,
    }

    impl Epoll {
        /// An empty set reporting at most `capacity` sockets per wait.
        pub fn new(capacity: usize) -> io::Result<Epoll> {
            Ok(Epoll { watched: RefCell::new(Vec::new()), capacity: capacity.max(1) })
        }

        /// Watches `fd` for input, reported with `token`.
        pub fn add(&self, fd: RawFd, _events: u32, token: u64) -> io::Result<()> {
            self.watched.borrow_mut().push((fd, token));
            Ok(())
        }

        /// Stops watching `fd`.
        pub fn delete(&self, fd: RawFd) -> io::Result<()> {
            self.watched.borrow_mut().retain(|w| w.0 != fd);
            Ok(())
        }

        /// Waits up to `timeout_ms` and fills `out` with the ready sockets.
        pub fn wait(&mut self, out: &mut Vec<Event>, timeout_ms: i32) -> io::Result<()> {
            out.clear();
            let watched = self.watched.borrow().clone();
            let want: Vec<(RawFd, fd::Events)> = watched.iter().map(|&(f, _)| (f, fd::READABLE)).collect();
            let timeout = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(0));
            let ready = match fd::wait(&want, timeout) {
                Ok(ready) => ready,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
                Err(e) => return Err(e),
            };
            let hits = watched.iter().zip(ready).filter(|(_, r)| *r != 0);
            out.extend(hits.take(self.capacity).map(|(&(_, token), _)| Event { token }));
            Ok(())
        }
    }

    /// A wake-up the lot can wait on: a loopback UDP socket connected to itself.
    pub struct EventFd {
        sock: UdpSocket,
    }

    impl EventFd {
        /// A new, unsignalled wake-up.
        pub fn new() -> io::Result<EventFd> {
            let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
            sock.connect(sock.local_addr()?)?;
            sock.set_nonblocking(true)?;
            Ok(EventFd { sock })
        }

        /// Wakes the waiting lot.
        pub fn signal(&self) {
            let _ = self.sock.send(&[1]);
        }

        /// The socket to watch.
        pub fn raw(&self) -> RawFd {
            self.sock.as_raw_fd()
        }

        /// Takes the pending wake-ups, so the socket stops being readable.
        pub fn drain(&self) {
            let mut byte = [0u8; 16];
            while self.sock.recv(&mut byte).is_ok() {}
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::io::Write;
        use std::net::{TcpListener, TcpStream};

        #[test]
        fn reports_readable_sockets_and_wake_ups_by_token() {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut set = Epoll::new(8).unwrap();
            let wake = EventFd::new().unwrap();
            set.add(l.as_raw_fd(), IN, 1).unwrap();
            set.add(wake.raw(), IN | EDGE, 2).unwrap();
            let mut out = Vec::new();
            set.wait(&mut out, 0).unwrap();
            assert!(out.is_empty());
            let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
            set.wait(&mut out, 2000).unwrap();
            assert_eq!(out.iter().map(|e| e.token).collect::<Vec<_>>(), [1]);
            let (s, _) = l.accept().unwrap();
            set.delete(l.as_raw_fd()).unwrap();
            set.add(s.as_raw_fd(), IN | RDHUP, 3).unwrap();
            wake.signal();
            c.write_all(b"x").unwrap();
            std::thread::sleep(Duration::from_millis(50));
            set.wait(&mut out, 2000).unwrap();
            let mut tokens: Vec<u64> = out.iter().map(|e| e.token).collect();
            tokens.sort_unstable();
            assert_eq!(tokens, [2, 3]);
            wake.drain();
            set.delete(s.as_raw_fd()).unwrap();
            set.wait(&mut out, 0).unwrap();
            assert!(out.is_empty(), "a drained wake-up is quiet");
        }
    }
}
