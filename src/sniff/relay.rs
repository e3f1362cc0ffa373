//! Capturing on a thread of its own, so that decoding never makes the kernel
//! drop packets.
//!
//! The kernel's ring for an immediate-mode capture holds a few dozen packets:
//! a loop that decodes and prints each packet before it reads the next falls
//! behind under load (wrk against `socklab web` sends over 100,000 packets a
//! second on loopback) and the kernel drops most of them. A [`Relay`] reads the
//! ring on its own thread, which does nothing else per packet than saving it
//! (as tcpdump `-w` does) and handing a copy to the decoder through a queue.
//! The queue is bounded in bytes ([`QUEUE_BYTES`]): when the decoder is that
//! far behind, a packet is saved but not handed on, and counted
//! ([`Ended::skipped`]) so the summary can say so.

use crate::error::Error;
use crate::net::shutdown;
use crate::sniff::capture::{Frame, LiveCapture, BATCH_TIMEOUT_MS};
use crate::sniff::value::Nanos;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bytes of packets (plus [`OVERHEAD`] each) waiting for the decoder at most.
pub const QUEUE_BYTES: usize = 32 << 20;
/// [`BATCH_TIMEOUT_MS`] as a duration.
const BATCH_DELAY: Duration = Duration::from_millis(BATCH_TIMEOUT_MS as u64);
/// The longest a stopped capture keeps reading what the kernel still holds.
const DRAIN_LIMIT: Duration = Duration::from_millis(500);
/// What a queued packet costs beyond its bytes (its header and allocation).
const OVERHEAD: usize = 64;

/// What a packet of `bytes` captured bytes counts against [`QUEUE_BYTES`].
fn cost(bytes: &[u8]) -> usize {
    bytes.len() + OVERHEAD
}

/// One captured packet, owned, on its way to the decoder.
#[derive(Clone, Debug)]
pub struct Captured {
    /// Capture time, nanoseconds since the Unix epoch.
    pub time: Nanos,
    /// Length on the wire.
    pub len: u32,
    /// The captured bytes.
    pub data: Vec<u8>,
}

impl Captured {
    /// The packet as a live [`Frame`] (no pcapng origin).
    pub fn frame(&self) -> Frame<'_> {
        Frame { time: self.time, len: self.len, data: &self.data, origin: None }
    }
}

/// When the capture thread stops by itself.
#[derive(Clone, Copy, Debug)]
pub struct Until {
    /// After this many packets.
    pub count: u64,
    /// After this long.
    pub duration: Option<Duration>,
}

/// What the capture thread hands back when it stops.
pub struct Ended {
    /// The capture, its savefile flushed, for its counters.
    pub cap: LiveCapture,
    /// Packets read from the kernel's ring.
    pub captured: u64,
    /// Packets saved but not handed to the decoder, which was too far behind.
    pub skipped: u64,
    /// The error that stopped the capture (a failed read or savefile write), if any.
    pub error: Option<Error>,
}

/// A capture running on its own thread, feeding a decoder.
pub struct Relay {
    packets: Receiver<Captured>,
    queued: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Ended>,
}

impl Relay {
    /// Starts reading `cap` (and saving, if it saves) on a thread of its own
    /// until `until`, a shutdown request or [`Relay::finish`].
    pub fn start(cap: LiveCapture, until: Until) -> Result<Relay, Error> {
        let (tx, packets) = mpsc::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let feeder = Feeder { tx, queued: Arc::clone(&queued), stop: Arc::clone(&stop), captured: 0, skipped: 0 };
        let thread = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || feeder.run(cap, until))
            .map_err(|e| Error::io("starting the capture thread", e))?;
        Ok(Relay { packets, queued, stop, thread })
    }

    /// The next packet, waiting for one; `None` once the capture has stopped
    /// and every packet handed on was taken. `idle` runs before waiting (to
    /// flush output while nothing is coming).
    pub fn next(&self, idle: impl FnOnce()) -> Option<Captured> {
        let p = match self.packets.try_recv() {
            Ok(p) => p,
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                idle();
                self.packets.recv().ok()?
            }
        };
        self.queued.fetch_sub(cost(&p.data), Ordering::Relaxed);
        Some(p)
    }

    /// Stops the capture (if it has not stopped) and waits for its thread.
    pub fn finish(self) -> Ended {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.packets);
        self.thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
    }
}

/// The capture thread's side.
struct Feeder {
    tx: Sender<Captured>,
    queued: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    /// Packets read from the ring.
    captured: u64,
    /// Packets not handed on.
    skipped: u64,
}

impl Feeder {
    /// Reads `cap` until `until`, a stop or an error; flushes the savefile.
    fn run(mut self, mut cap: LiveCapture, until: Until) -> Ended {
        let started = Instant::now();
        let mut error = None;
        while self.captured < until.count
            && !self.stop.load(Ordering::SeqCst)
            && !shutdown::requested()
            && until.duration.is_none_or(|d| started.elapsed() < d)
        {
            let frame = match cap.poll_frame() {
                Ok(Some(f)) => f,
                Ok(None) => {
                    cap.wait(None);
                    if let Err(e) = cap.tick() {
                        error = Some(e);
                        break;
                    }
                    continue;
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            };
            self.take(&frame);
        }
        if error.is_none() && self.captured < until.count {
            error = self.drain(&mut cap).err();
        }
        if let Err(e) = cap.flush() {
            error.get_or_insert(e);
        }
        Ended { cap, captured: self.captured, skipped: self.skipped, error }
    }

    /// After a stop: reads what the kernel still holds, until it has held
    /// nothing for a batch's delay ([`BATCH_TIMEOUT_MS`], twice), for at most
    /// [`DRAIN_LIMIT`] under traffic that does not stop.
    fn drain(&mut self, cap: &mut LiveCapture) -> Result<(), Error> {
        let started = Instant::now();
        let settled = started + 2 * BATCH_DELAY;
        while started.elapsed() < DRAIN_LIMIT {
            match cap.poll_frame()? {
                Some(frame) => self.take(&frame),
                None if Instant::now() >= settled => break,
                None => cap.wait(None),
            }
        }
        Ok(())
    }

    /// Counts `frame` and queues a copy for the decoder, unless the queue is
    /// full (or the decoder gone): then counts it skipped.
    fn take(&mut self, frame: &Frame<'_>) {
        self.captured += 1;
        let cost = cost(frame.data);
        if self.queued.load(Ordering::Relaxed) + cost > QUEUE_BYTES {
            self.skipped += 1;
            return;
        }
        self.queued.fetch_add(cost, Ordering::Relaxed);
        let copy = Captured { time: frame.time, len: frame.len, data: frame.data.to_vec() };
        if self.tx.send(copy).is_err() {
            self.skipped += 1;
        }
    }
}
