//! Keeping a program's lines in time order with its captured packets.
//!
//! Before a command prints an event ("Connection from …", "… closed the
//! connection"), every packet that made the event has already been captured
//! by the kernel, but the capture thread may not have printed it yet. A
//! [`Barrier`] lets the printing thread wait, briefly and boundedly, until the
//! capture thread has seen its ring empty at a moment after the event, or
//! printed a packet stamped after it: then every packet stamped before the
//! event has been printed.

use crate::sniff::libpcap::Wake;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest a line waits for the capture to catch up.
pub const LIMIT: Duration = Duration::from_millis(50);

/// Shared by the capture thread and the threads that print events.
pub struct Barrier {
    /// Wall-clock time (ns) the ring was last seen empty; `i64::MAX` once stopped.
    drained: Mutex<i64>,
    changed: Condvar,
    /// What wakes the capture thread from its wait (a socket pair on Unix, an
    /// event on Windows).
    wake: Wake,
}

/// Nanoseconds since the Unix epoch now (the clock packet timestamps use).
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

impl Barrier {
    /// A barrier with its wake-up (see [`Wake`]).
    pub fn new() -> std::io::Result<Barrier> {
        Ok(Barrier { drained: Mutex::new(0), changed: Condvar::new(), wake: Wake::new()? })
    }

    /// What the capture thread waits on beside the capture, with
    /// [`crate::sniff::capture::LiveCapture::wait`] (signalled by
    /// [`Barrier::wait`]; the waiter takes the signal). Named for the descriptor
    /// it is on Unix; on Windows it is an event.
    pub fn wake_fd(&self) -> &Wake {
        &self.wake
    }

    /// Every packet captured before `at` has been printed: the capture thread
    /// saw no packet waiting at `at` (taken before it looked), or printed one
    /// stamped `at` (the ring is in capture order).
    pub fn drained(&self, at: i64) {
        if let Ok(mut d) = self.drained.lock() {
            if at > *d {
                *d = at;
                self.changed.notify_all();
            }
        }
    }

    /// The capture has stopped: nobody waits any more.
    pub fn close(&self) {
        self.drained(i64::MAX);
    }

    /// Waits until every packet captured before now has been handled, or [`LIMIT`].
    pub fn wait(&self) {
        let target = now();
        self.wake.signal();
        let Ok(guard) = self.drained.lock() else { return };
        let _ = self.changed.wait_timeout_while(guard, LIMIT, |d| *d < target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn waits_for_the_drain_and_no_longer() {
        let b = Arc::new(Barrier::new().unwrap());
        let t0 = Instant::now();
        b.wait();
        assert!(t0.elapsed() >= LIMIT, "nothing drained: waits the limit");
        let other = Arc::clone(&b);
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(5));
            other.drained(now());
        });
        let t0 = Instant::now();
        b.wait();
        assert!(t0.elapsed() < LIMIT + Duration::from_millis(40));
        h.join().unwrap();
        b.close();
        let t0 = Instant::now();
        b.wait();
        assert!(t0.elapsed() < Duration::from_millis(20), "closed: no wait");
    }

    /// The wake-up is signalled after a wait and never blocks the signaller,
    /// however many waits nobody took.
    #[test]
    fn wake_is_signalled_after_a_wait_and_signals_never_block() {
        let b = Barrier::new().unwrap();
        b.close();
        for _ in 0..100_000 {
            b.wait();
        }
        assert!(b.wake_fd().take());
        assert!(!b.wake_fd().take(), "taken once");
    }
}
