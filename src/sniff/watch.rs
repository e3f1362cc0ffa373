//! Widening a running `--capture` to more connections, and pairing streams.
//!
//! The forward proxy (`socklab proxy`) opens a new TCP connection to the origin
//! server for each request, from a port nobody knows in advance. Its capture
//! starts on the proxy's own port; right before connecting to an origin, the
//! proxy calls [`Watcher::watch`], which adds `tcp and host H and port P` for
//! that origin to the capture's BPF filter (the capture thread applies it
//! between reads and acknowledges), so the origin-side SYN is captured and
//! unrelated loopback traffic still is not. Only origins on loopback
//! (127.0.0.0/8, ::1) are added: the capture runs on the loopback interface,
//! so a connection to another address never passes it.
//!
//! The proxy also hands each request's two connections to [`Watcher::pair`];
//! when the capture ends, [`render_pairs`] names the TCP stream of each side
//! in the saved file (by their address pairs).

use crate::sniff::report::TcpConv;
use crate::sniff::tcp::Endpoint;
use std::net::SocketAddr;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Longest time [`Watcher::watch`] waits for the capture thread to apply a filter.
pub const WATCH_WAIT: Duration = Duration::from_millis(500);
/// Most origins added to one capture's filter (each adds a clause).
pub const MAX_WATCHED: usize = 64;

/// A request to the capture thread: apply `expr`, then answer on `done`.
pub struct Widen {
    /// The whole new BPF expression.
    pub expr: String,
    /// What was added, for the capture's marked note.
    pub what: String,
    /// Receives whether the filter is in force.
    pub done: SyncSender<bool>,
}

/// The two TCP connections of one proxied request, each as (local, peer) of
/// the proxy's socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamPair {
    /// The client's connection: client address, proxy address.
    pub client: (SocketAddr, SocketAddr),
    /// The origin connection: proxy's local address, origin address.
    pub origin: (SocketAddr, SocketAddr),
}

/// A cloneable handle to widen a capture and record stream pairs; does nothing
/// when the command runs without `--capture` (the default value).
#[derive(Clone, Default)]
pub struct Watcher {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    base: String,
    state: Mutex<State>,
    pairs: Mutex<Vec<StreamPair>>,
}

struct State {
    clauses: Vec<String>,
    tx: Sender<Widen>,
}

impl Watcher {
    /// A watcher for a capture started with the BPF expression `base`, and the
    /// receiving end the capture thread reads its requests from.
    pub fn new(base: String) -> (Watcher, Receiver<Widen>) {
        let (tx, rx) = mpsc::channel();
        let state = Mutex::new(State { clauses: Vec::new(), tx });
        (Watcher { inner: Some(Arc::new(Inner { base, state, pairs: Mutex::new(Vec::new()) })) }, rx)
    }

    /// Adds TCP to and from `origin` to the capture and waits (at most
    /// [`WATCH_WAIT`]) until the new filter is in force. True when `origin` is
    /// captured from now on (also when it already was); false without a
    /// capture, for an origin off loopback, past [`MAX_WATCHED`] origins, or
    /// when the capture thread did not apply it.
    pub fn watch(&self, origin: SocketAddr) -> bool {
        let Some(inner) = &self.inner else { return false };
        if !origin.ip().is_loopback() {
            return false;
        }
        let clause = origin_clause(origin);
        let mut st = lock(&inner.state);
        if st.clauses.contains(&clause) {
            return true;
        }
        if st.clauses.len() >= MAX_WATCHED {
            return false;
        }
        st.clauses.push(clause);
        let (done, answer) = mpsc::sync_channel(1);
        let widen = Widen { expr: combined(&inner.base, &st.clauses), what: format!("TCP with {origin}"), done };
        let applied = st.tx.send(widen).is_ok() && answer.recv_timeout(WATCH_WAIT).unwrap_or(false);
        if !applied {
            st.clauses.pop();
        }
        applied
    }

    /// Records the two connections of one request, for the table at the end.
    pub fn pair(&self, pair: StreamPair) {
        if let Some(inner) = &self.inner {
            lock(&inner.pairs).push(pair);
        }
    }

    /// The pairs recorded so far, in order.
    pub fn pairs(&self) -> Vec<StreamPair> {
        self.inner.as_ref().map_or_else(Vec::new, |i| lock(&i.pairs).clone())
    }
}

/// A lock that survives a panicked holder (the data stays consistent: pushes only).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The BPF clause for one origin: `(tcp and host H and port P)`.
pub fn origin_clause(origin: SocketAddr) -> String {
    format!("(tcp and host {} and port {})", origin.ip(), origin.port())
}

/// `(base) or clause or …`.
pub fn combined(base: &str, clauses: &[String]) -> String {
    let mut expr = format!("({base})");
    for c in clauses {
        expr.push_str(" or ");
        expr.push_str(c);
    }
    expr
}

/// The TCP stream joining `a` and `b` (either way round), if the capture has it.
fn stream_of(convs: &[TcpConv], (a, b): (SocketAddr, SocketAddr)) -> Option<u32> {
    let (a, b) = (Endpoint { ip: a.ip(), port: a.port() }, Endpoint { ip: b.ip(), port: b.port() });
    convs.iter().rev().find(|c| (c.client == a && c.server == b) || (c.client == b && c.server == a)).map(|c| c.index)
}

/// One line per request: `request N: client stream S (C → P) ↔ origin stream T (L → O)`,
/// with "not captured" for a side the file lacks. Empty without pairs.
pub fn render_pairs(pairs: &[StreamPair], convs: &[TcpConv]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let side = |name: &str, (a, b): (SocketAddr, SocketAddr)| match stream_of(convs, (a, b)) {
        Some(s) => format!("{name} stream {s} ({a} → {b})"),
        None => format!("{name} stream not captured ({a} → {b})"),
    };
    let mut out = String::from("\nProxied requests: client-side and origin-side TCP streams\n");
    for (i, p) in pairs.iter().enumerate() {
        out.push_str(&format!("request {}: {} ↔ {}\n", i + 1, side("client", p.client), side("origin", p.origin)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn clauses_join_the_base_filter() {
        let c = vec![origin_clause(a("127.0.0.1:10080")), origin_clause(a("[::1]:80"))];
        assert_eq!(
            combined("tcp port 8888", &c),
            "(tcp port 8888) or (tcp and host 127.0.0.1 and port 10080) or (tcp and host ::1 and port 80)"
        );
    }

    #[test]
    fn watch_is_acknowledged_once_per_origin_and_only_on_loopback() {
        let (w, rx) = Watcher::new("tcp port 8888".into());
        let thread = std::thread::spawn(move || {
            let mut seen = Vec::new();
            while let Ok(req) = rx.recv_timeout(Duration::from_secs(5)) {
                seen.push(req.expr);
                let _ = req.done.send(true);
            }
            seen
        });
        assert!(w.watch(a("127.0.0.1:10080")));
        assert!(w.watch(a("127.0.0.1:10080")));
        assert!(!w.watch(a("192.0.2.1:80")));
        assert!(w.watch(a("[::1]:80")));
        drop(w);
        let seen = thread.join().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[1].ends_with("or (tcp and host ::1 and port 80)"), "{seen:?}");
        assert!(!Watcher::default().watch(a("127.0.0.1:1")));
    }

    #[test]
    fn a_refused_filter_is_not_kept() {
        let (w, rx) = Watcher::new("tcp port 1".into());
        let thread = std::thread::spawn(move || {
            for _ in 0..2 {
                if let Ok(req) = rx.recv_timeout(Duration::from_secs(5)) {
                    let _ = req.done.send(false);
                }
            }
        });
        assert!(!w.watch(a("127.0.0.1:2")));
        assert!(!w.watch(a("127.0.0.1:2")), "asked again, not taken as already watched");
        thread.join().unwrap();
    }

    #[test]
    fn pairs_name_the_streams_or_say_not_captured() {
        let pair = StreamPair {
            client: (a("127.0.0.1:50312"), a("127.0.0.1:8888")),
            origin: (a("127.0.0.1:50314"), a("127.0.0.1:10080")),
        };
        let ep = |s: &str| {
            let x = a(s);
            Endpoint { ip: x.ip(), port: x.port() }
        };
        let mut origin = TcpConv::for_test(ep("127.0.0.1:10080"), ep("127.0.0.1:50314"));
        origin.index = 1;
        let convs = [TcpConv::for_test(ep("127.0.0.1:50312"), ep("127.0.0.1:8888")), origin];
        assert_eq!(
            render_pairs(&[pair], &convs),
            "\nProxied requests: client-side and origin-side TCP streams\nrequest 1: client stream 0 \
             (127.0.0.1:50312 → 127.0.0.1:8888) ↔ origin stream 1 (127.0.0.1:50314 → 127.0.0.1:10080)\n",
            "the origin stream matches either way round"
        );
        let text = render_pairs(&[pair], &[]);
        assert!(text.contains("request 1: client stream not captured (127.0.0.1:50312 → 127.0.0.1:8888)"), "{text}");
        assert_eq!(render_pairs(&[], &[]), "");
    }
}
