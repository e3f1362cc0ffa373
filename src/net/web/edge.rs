//! The Linux fast path of the workers' readiness: edge-triggered epoll, with
//! an eventfd in every worker's epoll set for the shutdown wake-up.
//!
//! `portable.rs` offers the same interface on every other system; the
//! worker loop is written once against it. The differences it allows for:
//! epoll keeps a connection's registration across events (so re-arming only
//! has to add EPOLLOUT the first time a write blocks), and closing a socket
//! takes it out of the epoll set by itself (so removing is free).

use super::epoll::{self, Epoll, EventFd};
use super::{LISTENER, WAKER};
use std::io;
use std::marker::PhantomData;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

pub use super::epoll::Event;

/// Readable (or a pending connection on a listener).
pub const IN: u32 = epoll::IN;
/// The peer shut down its sending side.
pub const RDHUP: u32 = epoll::RDHUP;
/// Hang-up or error on the socket.
pub const HUP_OR_ERR: u32 = epoll::HUP_OR_ERR;

/// Events every connection is registered for (edge-triggered).
const CONN_EVENTS: u32 = epoll::IN | epoll::RDHUP | epoll::EDGE;

/// The shutdown wake-up: one eventfd, watched by every worker's epoll set.
pub struct Wake {
    fd: EventFd,
}

impl Wake {
    /// A wake-up not yet signalled.
    pub fn new() -> io::Result<Wake> {
        Ok(Wake { fd: EventFd::new()? })
    }

    /// Wakes every worker, now and in every later wait (the eventfd stays readable).
    pub fn signal(&self) {
        self.fd.signal();
    }
}

/// One worker's epoll set. `'a`: the listener it watches outlives it.
pub struct Ready<'a> {
    epoll: Epoll,
    listener: PhantomData<&'a TcpListener>,
}

impl<'a> Ready<'a> {
    /// An epoll set reporting up to `capacity` events per wait, watching `wake`
    /// (reported as [`WAKER`]).
    pub fn new(capacity: usize, wake: &Arc<Wake>) -> io::Result<Ready<'a>> {
        let epoll = Epoll::new(capacity)?;
        epoll.add(wake.fd.raw(), epoll::IN, WAKER)?;
        Ok(Ready { epoll, listener: PhantomData })
    }

    /// Watches the listening socket (level-triggered, reported as [`LISTENER`]).
    pub fn add_listener(&self, listener: &'a TcpListener) -> io::Result<()> {
        self.epoll.add(listener.as_raw_fd(), epoll::IN, LISTENER)
    }

    /// Re-arms the listener after accepting: nothing to do, it is level-triggered.
    pub fn rearm_listener(&self, _listener: &TcpListener) -> io::Result<()> {
        Ok(())
    }

    /// Stops watching the listener (while accepting pauses).
    pub fn remove_listener(&self, listener: &TcpListener) -> io::Result<()> {
        self.epoll.delete(listener.as_raw_fd())
    }

    /// Watches a new connection for input (edge-triggered), reported with `token`.
    ///
    /// # Safety
    ///
    /// The contract of the portable backend, kept here so the loop is written
    /// once: `stream` is passed to [`Ready::remove`] before it is dropped, unless
    /// this `Ready` is dropped first. (Epoll itself forgets a closed descriptor.)
    pub unsafe fn add(&self, stream: &TcpStream, token: u64) -> io::Result<()> {
        self.epoll.add(stream.as_raw_fd(), CONN_EVENTS, token)
    }

    /// After the connection was driven: adds EPOLLOUT the first time output is
    /// stuck (`want_out`), and records that in `watching_out`. The registration
    /// itself persists, and a spurious writable edge later costs nothing.
    pub fn rearm(&self, stream: &TcpStream, token: u64, watching_out: &mut bool, want_out: bool) -> io::Result<()> {
        if want_out && !*watching_out {
            self.epoll.modify(stream.as_raw_fd(), CONN_EVENTS | epoll::OUT, token)?;
            *watching_out = true;
        }
        Ok(())
    }

    /// Before a connection closes: nothing to do, closing takes it out of the set.
    pub fn remove(&self, _stream: &TcpStream) {}

    /// Waits up to `timeout` and puts the ready events into `out`.
    pub fn wait(&mut self, out: &mut Vec<Event>, timeout: Duration) -> io::Result<()> {
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        self.epoll.wait(out, ms)
    }
}
