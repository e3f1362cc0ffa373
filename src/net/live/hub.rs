//! The viewers of the live view and what they are sent. Every event is encoded
//! once and shared; each viewer has a bounded queue (in events and in bytes)
//! that publishing never waits on: a viewer whose queue is full has fallen
//! behind and is dropped (its thread then tells it so, if it can, and closes).
//! A viewer who connects late first gets the field names, the packets kept so
//! far (the oldest batches go once they pass [`HISTORY_BYTES`]) and the latest
//! views.

use std::collections::VecDeque;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// An event, encoded once for every viewer.
pub type Event = Arc<[u8]>;

/// Viewers at once; one more is refused.
pub const MAX_VIEWERS: usize = 8;
/// Events a viewer's queue holds.
pub const QUEUE_EVENTS: usize = 256;
/// Bytes a viewer's queue holds (events are shared, so this bounds what a
/// slow viewer keeps alive, not a copy).
pub const QUEUE_BYTES: usize = 4 << 20;
/// Bytes of packet batches kept for viewers who connect later.
pub const HISTORY_BYTES: usize = 64 << 20;

/// What a viewer's thread gets from the hub.
pub struct Viewer {
    /// What to send first: field names, packets kept, latest views.
    pub catch_up: Vec<Event>,
    /// The live events after those.
    pub events: Receiver<Event>,
    /// Bytes waiting in `events`; subtract what was sent.
    pub queued: Arc<AtomicUsize>,
    /// Raised when the viewer fell behind and was dropped.
    pub dropped: Arc<AtomicBool>,
    /// Raised when this is dropped: the viewer's place is free.
    gone: Arc<AtomicBool>,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        self.gone.store(true, Ordering::SeqCst);
    }
}

struct Slot {
    tx: SyncSender<Event>,
    queued: Arc<AtomicUsize>,
    dropped: Arc<AtomicBool>,
    gone: Arc<AtomicBool>,
    socket: TcpStream,
}

#[derive(Default)]
struct Inner {
    viewers: Vec<Slot>,
    history: VecDeque<Event>,
    history_bytes: usize,
    fields: Option<Event>,
    views: Option<Event>,
    ended: Option<Event>,
}

/// The viewers and the state a new one catches up with.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

/// What a publication is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A batch of packets: sent, and kept for later viewers.
    Packets,
    /// The lab views: sent, and the latest kept.
    Views,
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets the field names a later viewer gets first (not sent: the batches
    /// carry their own).
    pub fn set_fields(&self, event: Vec<u8>) {
        self.lock().fields = Some(event.into());
    }

    /// Sends `event` to every viewer, dropping those whose queue is full.
    pub fn publish(&self, kind: Kind, event: Vec<u8>) {
        let event: Event = event.into();
        let mut inner = self.lock();
        match kind {
            Kind::Packets => {
                inner.history_bytes += event.len();
                inner.history.push_back(Arc::clone(&event));
                while inner.history_bytes > HISTORY_BYTES {
                    let Some(old) = inner.history.pop_front() else { break };
                    inner.history_bytes -= old.len();
                }
            }
            Kind::Views => inner.views = Some(Arc::clone(&event)),
        }
        inner.viewers.retain(|v| offer(v, &event));
    }

    /// Adds a viewer on `socket` (a clone the hub may shut down); None when
    /// [`MAX_VIEWERS`] watch already or the capture ended.
    pub fn join(&self, socket: TcpStream) -> Option<Viewer> {
        let mut inner = self.lock();
        inner.viewers.retain(|v| !v.gone.load(Ordering::SeqCst));
        if inner.viewers.len() >= MAX_VIEWERS || inner.ended.is_some() {
            return None;
        }
        let catch_up = inner.fields.iter().chain(&inner.history).chain(&inner.views).cloned().collect();
        let (tx, events) = sync_channel(QUEUE_EVENTS);
        let (queued, dropped, gone) = (Arc::default(), Arc::default(), Arc::<AtomicBool>::default());
        let slot =
            Slot { tx, queued: Arc::clone(&queued), dropped: Arc::clone(&dropped), gone: Arc::clone(&gone), socket };
        inner.viewers.push(slot);
        Some(Viewer { catch_up, events, queued, dropped, gone })
    }

    /// Sends `event` as the last one and lets every viewer go once its
    /// queue is written; later viewers are refused.
    pub fn end(&self, event: Vec<u8>) {
        let event: Event = event.into();
        let mut inner = self.lock();
        inner.ended = Some(Arc::clone(&event));
        for v in inner.viewers.drain(..) {
            if !offer(&v, &event) {
                let _ = v.socket.shutdown(Shutdown::Both);
            }
        }
    }
}

/// Queues `event` for `v`; false when `v` is gone, or has fallen behind (then
/// marked dropped).
fn offer(v: &Slot, event: &Event) -> bool {
    if v.queued.load(Ordering::SeqCst) + event.len() > QUEUE_BYTES {
        v.dropped.store(true, Ordering::SeqCst);
        return false;
    }
    v.queued.fetch_add(event.len(), Ordering::SeqCst);
    match v.tx.try_send(Arc::clone(event)) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            v.dropped.store(true, Ordering::SeqCst);
            false
        }
        Err(TrySendError::Disconnected(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected socket pair on loopback (the hub keeps one end).
    fn socket() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        (a, l.accept().unwrap().0)
    }

    #[test]
    fn a_viewer_that_does_not_keep_up_is_dropped_and_the_others_are_not() {
        let hub = Hub::default();
        let (s1, _k1) = socket();
        let (s2, _k2) = socket();
        let slow = hub.join(s1).unwrap();
        let fast = hub.join(s2).unwrap();
        let event = vec![0u8; 1024];
        for _ in 0..QUEUE_EVENTS + 1 {
            hub.publish(Kind::Packets, event.clone());
            // The fast one keeps up.
            let got = fast.events.try_recv().unwrap();
            fast.queued.fetch_sub(got.len(), Ordering::SeqCst);
        }
        assert!(slow.dropped.load(Ordering::SeqCst), "its queue was full");
        assert!(!fast.dropped.load(Ordering::SeqCst));
        assert_eq!(hub.lock().viewers.len(), 1, "only the slow one left");
        assert_eq!(slow.events.try_iter().count(), QUEUE_EVENTS, "what it was sent stays bounded");
    }

    #[test]
    fn the_byte_bound_drops_before_the_event_bound() {
        let hub = Hub::default();
        let (s, _k) = socket();
        let v = hub.join(s).unwrap();
        hub.publish(Kind::Packets, vec![0; QUEUE_BYTES / 2]);
        hub.publish(Kind::Packets, vec![0; QUEUE_BYTES / 2]);
        assert!(!v.dropped.load(Ordering::SeqCst));
        hub.publish(Kind::Views, vec![0; 1]);
        assert!(v.dropped.load(Ordering::SeqCst));
    }

    #[test]
    fn a_late_viewer_catches_up_in_order_and_history_is_bounded() {
        let hub = Hub::default();
        hub.set_fields(b"f".to_vec());
        hub.publish(Kind::Packets, b"p1".to_vec());
        hub.publish(Kind::Views, b"v1".to_vec());
        hub.publish(Kind::Packets, b"p2".to_vec());
        hub.publish(Kind::Views, b"v2".to_vec());
        let (s, _k) = socket();
        let v = hub.join(s).unwrap();
        let got: Vec<&[u8]> = v.catch_up.iter().map(|e| &e[..]).collect();
        assert_eq!(got, [&b"f"[..], b"p1", b"p2", b"v2"]);
        let big = vec![0u8; HISTORY_BYTES / 2 + 1];
        hub.publish(Kind::Packets, big.clone());
        hub.publish(Kind::Packets, big);
        assert_eq!(hub.lock().history.len(), 1, "the oldest batches went");
    }

    #[test]
    fn viewers_are_bounded_and_none_join_after_the_end() {
        let hub = Hub::default();
        let mut keep = Vec::new();
        for _ in 0..MAX_VIEWERS {
            let (s, k) = socket();
            keep.push((hub.join(s).unwrap(), k));
        }
        assert!(hub.join(socket().0).is_none());
        drop(keep.pop());
        assert!(hub.join(socket().0).is_some(), "a viewer that left frees its place");
        hub.end(b"end".to_vec());
        assert!(hub.lock().viewers.is_empty());
        assert_eq!(&keep[0].0.events.try_recv().unwrap()[..], b"end");
        assert!(hub.join(socket().0).is_none());
    }
}
