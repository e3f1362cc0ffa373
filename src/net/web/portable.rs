//! The portable path of the workers' readiness, for every system but Linux:
//! the `polling` crate (kqueue on macOS and the BSDs, IOCP with AFD polling on
//! Windows, event ports on illumos, poll(2) elsewhere), behind the interface of
//! `edge.rs` (the Linux fast path), so the worker loop is written once.
//!
//! * Registrations are one-shot, the one mode every backend supports (Windows
//!   has no edge-triggered one): an event disarms its socket until
//!   [`Ready::rearm`], which the loop calls after driving the connection. A
//!   re-armed socket that is still readable (a short read left the FIN or new
//!   bytes behind) is reported again at once, so nothing is lost by stopping a
//!   turn before EAGAIN. Writability is asked for only while output is stuck,
//!   as a writable socket would otherwise be reported on every re-arm.
//! * A socket must leave the poller before it closes: [`Ready::remove`].
//! * Shutdown: [`Wake::signal`] raises a flag and calls `notify` on every
//!   worker's poller; a worker reports the flag as a [`WAKER`] event after
//!   every wait, so a wake-up is never missed, even by a worker that starts
//!   waiting after the signal.
//!
//! It also builds on Linux (epoll underneath) for its unit tests, and for the
//! whole server with the cargo feature `web-portable`.

use super::{LISTENER, WAKER};
use polling::{Event as Interest, Events, Poller};
use std::io;
use std::marker::PhantomData;
use std::net::{TcpListener, TcpStream};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Readable (or a pending connection on a listener).
pub const IN: u32 = 1;
/// Writable.
pub const OUT: u32 = 2;
/// The peer hung up (EPOLLHUP, or the hang-up flag of IOCP's AFD poll; kqueue
/// reports the peer's FIN as readable only, which the connection reads as EOF).
pub const RDHUP: u32 = 4;
/// An error on the socket (a failed connection).
pub const HUP_OR_ERR: u32 = 8;

/// The poller key of the listener: `usize::MAX` is polling's own notification key.
const LISTENER_KEY: usize = usize::MAX - 1;

/// One ready socket: its token and the events that happened.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// The token given when the socket was added.
    pub token: u64,
    /// The `IN`/`OUT`/… bits.
    pub flags: u32,
}

/// The shutdown wake-up: a flag, and the pollers of the workers to notify.
/// It holds them weakly, so a worker's poller still goes with its `Ready`
/// (a notify in progress may keep one a moment longer: polling only closes
/// its own handles on drop, never the sockets it watched).
pub struct Wake {
    signalled: AtomicBool,
    pollers: Mutex<Vec<Weak<Poller>>>,
}

impl Wake {
    /// A wake-up not yet signalled.
    pub fn new() -> io::Result<Wake> {
        Ok(Wake { signalled: AtomicBool::new(false), pollers: Mutex::new(Vec::new()) })
    }

    /// Wakes every worker, now and in every later wait.
    pub fn signal(&self) {
        self.signalled.store(true, Ordering::SeqCst);
        for poller in self.list().iter().filter_map(Weak::upgrade) {
            // A failed notify leaves that worker to see the flag after its tick.
            let _ = poller.notify();
        }
    }

    fn is_signalled(&self) -> bool {
        self.signalled.load(Ordering::SeqCst)
    }

    /// Adds a worker's poller to those to notify (forgetting dropped ones).
    fn register(&self, poller: &Arc<Poller>) {
        let mut list = self.list();
        list.retain(|p| p.strong_count() > 0);
        list.push(Arc::downgrade(poller));
    }

    fn list(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Poller>>> {
        self.pollers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The poller key of a connection's token (which always fits: see `GEN_SHIFT`).
fn key(token: u64) -> io::Result<usize> {
    usize::try_from(token).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "token wider than a poller key"))
}

/// The `IN`/`OUT`/… bits of a polling event.
fn flags(ev: &Interest) -> u32 {
    let mut flags = 0;
    if ev.readable {
        flags |= IN;
    }
    if ev.writable {
        flags |= OUT;
    }
    if ev.is_interrupt() {
        flags |= RDHUP;
    }
    if ev.is_err() == Some(true) {
        flags |= HUP_OR_ERR;
    }
    flags
}

/// One worker's poller. `'a`: the listener it watches outlives it.
pub struct Ready<'a> {
    poller: Arc<Poller>,
    events: Events,
    wake: Arc<Wake>,
    listener: PhantomData<&'a TcpListener>,
}

impl<'a> Ready<'a> {
    /// A poller reporting up to `capacity` events per wait, woken by `wake`
    /// (reported as [`WAKER`]).
    pub fn new(capacity: usize, wake: &Arc<Wake>) -> io::Result<Ready<'a>> {
        let poller = Arc::new(Poller::new()?);
        wake.register(&poller);
        let events = Events::with_capacity(NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN));
        Ok(Ready { poller, events, wake: Arc::clone(wake), listener: PhantomData })
    }

    /// Watches the listening socket (one-shot, reported as [`LISTENER`]); the
    /// workers may all watch the same one.
    pub fn add_listener(&self, listener: &'a TcpListener) -> io::Result<()> {
        // SAFETY: the listener outlives this poller ('a), so it cannot close
        // while registered here.
        unsafe { self.poller.add(listener, Interest::readable(LISTENER_KEY)) }
    }

    /// Re-arms the listener after accepting, to hear of the next connection.
    pub fn rearm_listener(&self, listener: &TcpListener) -> io::Result<()> {
        self.poller.modify(listener, Interest::readable(LISTENER_KEY))
    }

    /// Stops watching the listener (while accepting pauses).
    pub fn remove_listener(&self, listener: &TcpListener) -> io::Result<()> {
        self.poller.delete(listener)
    }

    /// Watches a new connection for input (one-shot), reported with `token`.
    ///
    /// # Safety
    ///
    /// `stream` is passed to [`Ready::remove`] before it is dropped, unless
    /// this `Ready` is dropped first (polling's contract: on Windows the poller
    /// holds the socket's handle).
    pub unsafe fn add(&self, stream: &TcpStream, token: u64) -> io::Result<()> {
        // SAFETY: passed on to the caller (above).
        unsafe { self.poller.add(stream, Interest::readable(key(token)?)) }
    }

    /// After an event (or whenever the connection was driven): arms the
    /// connection again for input, and for output while it is stuck
    /// (`want_out`, recorded in `watching_out`).
    pub fn rearm(&self, stream: &TcpStream, token: u64, watching_out: &mut bool, want_out: bool) -> io::Result<()> {
        self.poller.modify(stream, Interest::new(key(token)?, true, want_out))?;
        *watching_out = want_out;
        Ok(())
    }

    /// Takes a connection out of the poller before it closes.
    pub fn remove(&self, stream: &TcpStream) {
        // It can only fail if the socket was never added, which leaves nothing to undo.
        let _ = self.poller.delete(stream);
    }

    /// Waits up to `timeout` (or until [`Wake::signal`]) and puts the ready
    /// events into `out`, with a [`WAKER`] event once shutdown is signalled.
    pub fn wait(&mut self, out: &mut Vec<Event>, timeout: Duration) -> io::Result<()> {
        out.clear();
        if !self.wake.is_signalled() {
            self.events.clear();
            self.poller.wait(&mut self.events, Some(timeout))?;
            out.extend(self.events.iter().map(|ev| {
                let token = if ev.key == LISTENER_KEY { LISTENER } else { ev.key as u64 };
                Event { token, flags: flags(&ev) }
            }));
        }
        if self.wake.is_signalled() {
            out.push(Event { token: WAKER, flags: IN });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::time::Instant;

    const LONG: Duration = Duration::from_secs(10);
    const SHORT: Duration = Duration::from_millis(50);

    /// A connected pair: (client, server side made non-blocking).
    fn pair() -> (TcpListener, TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (server, _) = l.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        (l, client, server)
    }

    fn tokens(evs: &[Event]) -> Vec<u64> {
        evs.iter().map(|e| e.token).collect()
    }

    /// Waits until an event comes (or `LONG` passes).
    fn wait_some(ready: &mut Ready, evs: &mut Vec<Event>) {
        let deadline = Instant::now() + LONG;
        while evs.is_empty() && Instant::now() < deadline {
            ready.wait(evs, LONG).unwrap();
        }
    }

    #[test]
    fn a_signal_wakes_every_worker_waiting_and_later_ones_at_once() {
        let wake = Arc::new(Wake::new().unwrap());
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let mut ready = Ready::new(8, &wake).unwrap();
                std::thread::spawn(move || {
                    let started = Instant::now();
                    let mut evs = Vec::new();
                    while !tokens(&evs).contains(&WAKER) && started.elapsed() < LONG {
                        ready.wait(&mut evs, LONG).unwrap();
                    }
                    (tokens(&evs), started.elapsed())
                })
            })
            .collect();
        std::thread::sleep(SHORT);
        wake.signal();
        for w in workers {
            let (got, took) = w.join().unwrap();
            assert_eq!(got, [WAKER]);
            assert!(took < LONG / 2, "woken after {took:?}");
        }
        let mut late = Ready::new(8, &wake).unwrap();
        let mut evs = Vec::new();
        let started = Instant::now();
        late.wait(&mut evs, LONG).unwrap();
        assert_eq!(tokens(&evs), [WAKER]);
        assert!(started.elapsed() < SHORT);
    }

    #[test]
    fn no_event_without_a_signal_or_input() {
        let wake = Arc::new(Wake::new().unwrap());
        let mut ready = Ready::new(8, &wake).unwrap();
        let (_l, _client, server) = pair();
        // SAFETY: removed below, before `server` drops.
        unsafe { ready.add(&server, 7).unwrap() };
        let mut evs = Vec::new();
        ready.wait(&mut evs, SHORT).unwrap();
        assert!(evs.is_empty(), "{evs:?}");
        ready.remove(&server);
    }

    #[test]
    fn a_connection_is_reported_again_only_after_rearm() {
        let wake = Arc::new(Wake::new().unwrap());
        let mut ready = Ready::new(8, &wake).unwrap();
        let (_l, mut client, mut server) = pair();
        let token = (5 << 32) | 3;
        // SAFETY: removed below, before `server` drops.
        unsafe { ready.add(&server, token).unwrap() };
        client.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        let mut evs = Vec::new();
        wait_some(&mut ready, &mut evs);
        assert_eq!(tokens(&evs), [token]);
        assert_ne!(evs[0].flags & IN, 0);
        // Read only part of it, as a turn that stops at a short read could.
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).unwrap();
        client.write_all(b"Host: x\r\n\r\n").unwrap();
        ready.wait(&mut evs, SHORT).unwrap();
        assert!(evs.is_empty(), "one-shot: disarmed until re-armed, got {evs:?}");
        let mut watching_out = true;
        ready.rearm(&server, token, &mut watching_out, false).unwrap();
        assert!(!watching_out);
        wait_some(&mut ready, &mut evs);
        assert_eq!(tokens(&evs), [token]);
        assert_ne!(evs[0].flags & IN, 0);
        let mut rest = Vec::new();
        let err = server.read_to_end(&mut rest).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(rest, b"/ HTTP/1.1\r\nHost: x\r\n\r\n");
        // Drained and re-armed: quiet until the client hangs up, which is readable (EOF).
        ready.rearm(&server, token, &mut watching_out, false).unwrap();
        ready.wait(&mut evs, SHORT).unwrap();
        assert!(evs.is_empty(), "{evs:?}");
        drop(client);
        wait_some(&mut ready, &mut evs);
        assert_eq!(tokens(&evs), [token]);
        assert_eq!(server.read(&mut buf).unwrap(), 0);
        ready.remove(&server);
    }

    #[test]
    fn writability_is_reported_only_while_asked_for() {
        let wake = Arc::new(Wake::new().unwrap());
        let mut ready = Ready::new(8, &wake).unwrap();
        let (_l, _client, server) = pair();
        // SAFETY: removed below, before `server` drops.
        unsafe { ready.add(&server, 9).unwrap() };
        let mut evs = Vec::new();
        let mut watching_out = false;
        ready.rearm(&server, 9, &mut watching_out, true).unwrap();
        assert!(watching_out);
        wait_some(&mut ready, &mut evs);
        assert_eq!(tokens(&evs), [9]);
        assert_ne!(evs[0].flags & OUT, 0);
        ready.rearm(&server, 9, &mut watching_out, false).unwrap();
        ready.wait(&mut evs, SHORT).unwrap();
        assert!(evs.is_empty(), "{evs:?}");
        ready.remove(&server);
    }

    #[test]
    fn a_shared_listener_is_reported_to_every_poller_and_rearmed() {
        let wake = Arc::new(Wake::new().unwrap());
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let mut a = Ready::new(8, &wake).unwrap();
        let mut b = Ready::new(8, &wake).unwrap();
        a.add_listener(&l).unwrap();
        b.add_listener(&l).unwrap();
        let _c1 = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let mut evs = Vec::new();
        wait_some(&mut a, &mut evs);
        assert_eq!(tokens(&evs), [LISTENER]);
        wait_some(&mut b, &mut evs);
        assert_eq!(tokens(&evs), [LISTENER]);
        // `a` takes it; `b` would find nothing (WouldBlock) and re-arm.
        assert!(l.accept().is_ok());
        assert_eq!(l.accept().unwrap_err().kind(), io::ErrorKind::WouldBlock);
        a.rearm_listener(&l).unwrap();
        a.wait(&mut evs, SHORT).unwrap();
        assert!(evs.is_empty(), "{evs:?}");
        let _c2 = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        wait_some(&mut a, &mut evs);
        assert_eq!(tokens(&evs), [LISTENER]);
        a.remove_listener(&l).unwrap();
        b.remove_listener(&l).unwrap();
    }
}
