//! `socklab web`: the web-server lab (GET and HEAD of files under a web root).
//!
//! # Design: a fixed set of event-loop workers
//!
//! A blocking thread per connection is how the lab starts, but a bounded pool of
//! blocking workers cannot serve more keep-alive clients than it has threads:
//! with `wrk -c50` and 2 workers, 48 connections would wait for a worker that
//! never frees up (an HTTP/1.1 client keeps its connection open). So each of the
//! `--threads N` workers (a [`Pool`] of N long-running jobs) runs its own
//! edge-triggered epoll loop over many non-blocking connections, the design of
//! nginx's worker processes:
//!
//! * Each worker has its own listening socket on the same address
//!   (SO_REUSEPORT), so the kernel spreads new connections evenly over the
//!   workers; a worker accepts (up to [`ACCEPT_BATCH`] at a time) and owns the
//!   connection from then on. Threads: exactly N plus the main thread, which
//!   only waits; no lock and no cross-thread hand-off on the request path.
//! * Resources are bounded: at most `--max-conns` connections in all, each with
//!   a fixed 16 KiB input buffer (the request-head limit), output queued per
//!   connection only up to 64 KiB before pipelined requests wait, an idle
//!   timeout (408 or a quiet close), and a deadline for a whole request head
//!   (`--header-timeout-ms`, nginx's `client_header_timeout`), so a client
//!   trickling one byte at a time (slowloris) cannot hold a connection longer.
//!   At the limit a worker closes its connection that has waited longest for a
//!   request to make room for the new one; only when all are busy answering
//!   does the new client get a 503 and a close.
//! * Persistence is opt-in (`--keep-alive[=SECS]`): by default, as in the lab's
//!   own server, each connection gets one response with `Connection: close` and
//!   is closed, so clients that read until EOF finish at once; pipelined requests
//!   beyond the first go unanswered (nginx with `keepalive_timeout 0` does the same).
//! * Speed: a connection keeps its buffer across keep-alive requests; small files
//!   (up to 256 KiB) live in a per-worker cache with their header fields
//!   precomputed, revalidated by one `stat` per request; the Date field is
//!   formatted once per second; a response (head and body, or the answers to
//!   several pipelined requests) goes out in a single write; TCP_NODELAY is on;
//!   large files go out with sendfile(2). A new connection is served right
//!   after accept (the request often came with the handshake), and it is
//!   registered with the poller only if it stays open, for input only: EPOLLOUT is added the first time a write
//!   blocks, so fresh sockets cost no extra "writable" wake-up. The access log
//!   is buffered per worker and written once per turn of the event loop.
//!
//! Measured by scripts/bench-http.sh on 2 cores (wrk -t2 -c50, 225-byte file,
//! 2 workers each, `--keep-alive`): about 12 µs of server CPU per keep-alive request against
//! nginx's 28, and more requests/s; with `Connection: close` both spend about
//! 50 µs per request, nearly all of it in the kernel's TCP set-up and tear-down.
//!
//! Shutdown: an eventfd in every epoll is signalled by the Ctrl-C handler; each
//! worker closes its connections and returns its counters.
//!
//! # Other systems
//!
//! Everything above is the Linux fast path. On macOS, Windows and the other
//! unixes the same loop runs on the portable path of `portable.rs` (the
//! `polling` crate: kqueue, IOCP/AFD, event ports or poll), which differs in
//! three ways: registrations are one-shot (re-armed after every event, as
//! Windows has no edge-triggered mode), the workers share one listening socket
//! (Windows has no SO_REUSEPORT, and macOS's does not spread connections over
//! the sockets), and shutdown wakes each worker's poller with its own
//! notification. Large files go out by reading and writing pieces instead of
//! sendfile(2). The cargo feature `web-portable` selects this path on Linux too,
//! so its integration tests can run here.

mod body;
pub mod conn;
#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
mod edge;
#[cfg(target_os = "linux")]
pub mod epoll;
pub mod files;
pub mod listen;
#[cfg(any(not(target_os = "linux"), feature = "web-portable", test))]
pub mod portable;
pub mod reply;

/// The readiness backend of this build: edge-triggered epoll on Linux.
#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
use edge as ready;
/// The readiness backend of this build: the portable one-shot poller.
#[cfg(any(not(target_os = "linux"), feature = "web-portable"))]
use portable as ready;

use crate::error::{Error, Result};
use crate::net::pool::Pool;
use crate::net::serve::{self, out, Listen};
use crate::net::{addr, shutdown, trace};
use crate::proto::http::date::{self, DateCache};
use crate::proto::http::response::StatusCode;
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use conn::{Conn, Ctx, Verdict};
use files::Files;
use ready::{Event, Ready, Wake};
use reply::Stamp;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Connections one worker accepts per wake-up before serving the ones it has.
pub const ACCEPT_BATCH: usize = 16;
/// Events taken from the poller per wait.
const EVENTS: usize = 256;
/// Token of the listening socket in every worker's poller.
const LISTENER: u64 = u64::MAX;
/// Token of the shutdown wake-up.
const WAKER: u64 = u64::MAX - 1;
/// Where a connection's token keeps its slot's generation: the upper half of a
/// `usize`, so a token fits the `usize` keys of the portable poller (on 64-bit
/// systems: the upper 32 bits of the token, the slot index in the lower 32).
const GEN_SHIFT: u32 = usize::BITS / 2;
/// The bits of either half of a token: the slot index, or the generation
/// once shifted down.
const HALF_MASK: u64 = (1 << GEN_SHIFT) - 1;
/// Pause before accepting again when the process is out of descriptors.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// Bytes of file contents all workers together keep in memory.
const CACHE_BUDGET: usize = 64 << 20;
/// Input buffers a worker keeps for reuse.
const SPARE_BUFFERS: usize = 256;
/// Least cache budget of one worker, however many workers there are.
const MIN_WORKER_CACHE: usize = 4 << 20;
/// Descriptors kept free beyond the connections (listener, epolls, files, stdio).
#[cfg(unix)]
const SPARE_FDS: u64 = 64;

/// Settings and counters all workers share.
pub struct Shared {
    /// The canonical web root.
    pub root: PathBuf,
    /// Idle timeout of a connection.
    pub timeout: Duration,
    /// Persistence: how long a connection may wait idle for its next request;
    /// `None` answers one request per connection and closes (`--keep-alive` off).
    pub keep_alive: Option<Duration>,
    /// Longest time a request head may take to arrive, however it trickles in.
    pub head_timeout: Duration,
    /// No access log.
    pub quiet: bool,
    /// `--capture` runs: access-log lines pass the output gate, after the
    /// packets of their request (otherwise each worker writes its buffer itself).
    pub capturing: bool,
    /// IMF-fixdate of the server's start (Last-Modified of generated pages).
    pub started: String,
    max_conns: usize,
    open: AtomicUsize,
    connections: AtomicU64,
    requests: AtomicU64,
    busy: AtomicU64,
    shed: AtomicU64,
    failure: Mutex<Option<Error>>,
}

/// Settings of `socklab web`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSettings {
    /// Directory whose files are served.
    pub root: PathBuf,
    /// Where it listens.
    pub listen: Listen,
    /// Worker threads (`None`: one per CPU core).
    pub threads: Option<u16>,
    /// Most connections open at once.
    pub max_conns: u32,
    /// Milliseconds a connection may stay idle.
    pub timeout_ms: u64,
    /// Persistence: `None` answers one request per connection; `Some(None)` keeps
    /// connections open up to `timeout_ms` idle, `Some(Some(secs))` up to `secs`.
    pub keep_alive: Option<Option<u64>>,
    /// Milliseconds a client has to send a whole request head.
    pub header_timeout_ms: u64,
    /// No access log.
    pub quiet: bool,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab web`: serve the web root until Ctrl-C.
pub fn run(a: &WebSettings) -> Result<()> {
    let root = canonical_root(&a.root)?;
    let want = a.listen.addr()?;
    let threads = a.threads.map_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()), usize::from);
    let listeners = listen::listeners(want, threads).map_err(|e| addr::bind_error(want, e))?;
    let local = listeners[0].local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let max_conns = raise_fd_limit(a.max_conns as usize);
    let cap = CaptureSession::start(a.capture.clone(), "web", CaptureFilter::TcpPort(local.port()))?;
    out(format_args!("HTTP server listening on {local}"));
    cap.announce();
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let keep_alive = a.keep_alive.map(|secs| secs.map_or(timeout, Duration::from_secs));
    let persistence = match keep_alive {
        None => "one response per connection (--keep-alive keeps them open)".to_string(),
        Some(idle) => format!("keep-alive up to {} s idle", idle.as_secs_f64()),
    };
    out(format_args!(
        "Serving {} with {}, up to {}, {persistence}; Ctrl-C to stop",
        root.display(),
        serve::count(threads as u64, "worker thread"),
        serve::count(max_conns as u64, "connection")
    ));
    out(format_args!("Try: socklab get http://{}/HelloWorld.html", serve::reachable(local)));
    let wake = Arc::new(Wake::new().map_err(|e| Error::io("creating the shutdown wake-up", e))?);
    let w = Arc::clone(&wake);
    shutdown::on_shutdown(move || w.signal());
    let shared = Arc::new(Shared {
        root,
        timeout,
        keep_alive,
        head_timeout: Duration::from_millis(a.header_timeout_ms.max(1)),
        quiet: a.quiet,
        capturing: cap.is_active(),
        started: date::format(SystemTime::now()),
        max_conns,
        open: AtomicUsize::new(0),
        connections: AtomicU64::new(0),
        requests: AtomicU64::new(0),
        busy: AtomicU64::new(0),
        shed: AtomicU64::new(0),
        failure: Mutex::new(None),
    });
    let pool = Pool::new("web", threads, threads);
    for (id, l) in listeners.into_iter().enumerate() {
        let (s, w) = (Arc::clone(&shared), Arc::clone(&wake));
        let budget = (CACHE_BUDGET / threads).max(MIN_WORKER_CACHE);
        if pool.execute(move || worker(id, &s, &l, &w, budget)).is_err() {
            shutdown::request();
        }
    }
    pool.shutdown();
    out(format_args!(
        "Server stopped: {} on {}, {} turned away (over --max-conns), {} closed to make room.",
        serve::count(shared.requests.load(Ordering::Relaxed), "request"),
        serve::count(shared.connections.load(Ordering::Relaxed), "connection"),
        serve::count(shared.busy.load(Ordering::Relaxed), "client"),
        serve::count(shared.shed.load(Ordering::Relaxed), "waiting connection")
    ));
    match shared.failure.lock().ok().and_then(|mut f| f.take()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The canonical web root, or an error naming the flag to fix.
fn canonical_root(root: &std::path::Path) -> Result<PathBuf> {
    let canon = std::fs::canonicalize(root).map_err(|e| Error::File {
        path: root.display().to_string(),
        reason: format!("cannot use it as the web root ({e}); give an existing directory with --root"),
    })?;
    if !canon.is_dir() {
        return Err(Error::File {
            path: root.display().to_string(),
            reason: "is not a directory; give the web root directory with --root".into(),
        });
    }
    Ok(canon)
}

/// True for accept errors that mean the process or system is out of descriptors or memory.
#[cfg(unix)]
fn is_descriptor_shortage(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM))
}

/// True for accept errors that mean the process or system is out of sockets or
/// buffer memory (Winsock's codes, which `raw_os_error` gives on Windows).
#[cfg(windows)]
fn is_descriptor_shortage(e: &io::Error) -> bool {
    use windows_sys::Win32::Networking::WinSock::{WSAEMFILE, WSAENOBUFS};
    matches!(e.raw_os_error(), Some(WSAEMFILE | WSAENOBUFS))
}

/// Raises the soft descriptor limit to the hard one (as nginx's
/// `worker_rlimit_nofile` does), so a crowd of clients meets `--max-conns`,
/// not EMFILE; returns how many connections fit.
#[cfg(unix)]
fn raise_fd_limit(wanted: usize) -> usize {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: lim is a valid rlimit for getrlimit/setrlimit to read and write.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return wanted;
        }
        // An unlimited hard limit is refused above the kernel's nr_open: then ask
        // for just enough.
        let need = (wanted as u64 + SPARE_FDS).min(lim.rlim_max);
        for target in [lim.rlim_max, need] {
            if lim.rlim_cur >= target {
                break;
            }
            let raised = libc::rlimit { rlim_cur: target, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = target;
            }
        }
    }
    let fit = lim.rlim_cur.saturating_sub(SPARE_FDS).max(1) as usize;
    if fit < wanted {
        serve::warn(format_args!("only {fit} connections fit the descriptor limit (ulimit -n); serving up to {fit}"));
    }
    wanted.min(fit)
}

/// Windows has no per-process descriptor limit like RLIMIT_NOFILE to raise:
/// sockets are kernel handles, bounded only by memory (an accept that runs out
/// reports WSAENOBUFS, which pauses accepting). `--max-conns` is the bound.
#[cfg(windows)]
fn raise_fd_limit(wanted: usize) -> usize {
    wanted
}

/// One worker: its event loop until shutdown, then its counters into `shared`.
fn worker(id: usize, shared: &Shared, listener: &TcpListener, wake: &Arc<Wake>, budget: usize) {
    let mut w = match Worker::new(shared, listener, wake, budget) {
        Ok(w) => w,
        Err(e) => {
            if let Ok(mut f) = shared.failure.lock() {
                f.get_or_insert(Error::io(format!("starting web worker {id}"), e));
            }
            shutdown::request();
            return;
        }
    };
    w.run();
}

/// A connection's slot: the connection and a generation, so an event for a
/// closed connection is never delivered to a new one in the same slot.
struct Slot {
    gen: u32,
    conn: Option<Conn>,
    /// The poller reports writability of the connection (EPOLLOUT is in its event mask).
    watch_out: bool,
}

struct Worker<'a> {
    /// First field, so it is dropped first: the portable poller must forget
    /// its sockets before they close (dropping the poller does that at once).
    ready: Ready<'a>,
    listener: &'a TcpListener,
    ctx: Ctx<'a>,
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// Input buffers of closed connections, for the next ones.
    spare: Vec<Box<[u8]>>,
    accept_paused_until: Option<Instant>,
    tick: Duration,
    next_sweep: Instant,
    connections: u64,
    busy: u64,
    shed: u64,
}

/// The token of slot `index` in generation `gen` (the generation cut to [`HALF_MASK`]).
fn token(index: usize, gen: u32) -> u64 {
    ((u64::from(gen) & HALF_MASK) << GEN_SHIFT) | index as u64
}

/// The slot index and generation bits of a connection's token.
fn untoken(token: u64) -> (usize, u32) {
    ((token & HALF_MASK) as usize, (token >> GEN_SHIFT) as u32)
}

impl<'a> Worker<'a> {
    fn new(shared: &'a Shared, listener: &'a TcpListener, wake: &Arc<Wake>, budget: usize) -> io::Result<Worker<'a>> {
        let ready = Ready::new(EVENTS, wake)?;
        ready.add_listener(listener)?;
        let shortest = shared.keep_alive.map_or(shared.timeout, |k| k.min(shared.timeout)).min(shared.head_timeout);
        let tick = (shortest / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
        let now = Instant::now();
        let ctx = Ctx {
            shared,
            files: Files::new(shared.root.clone(), budget),
            dates: DateCache::default(),
            log: Vec::with_capacity(64 * 1024),
            now,
            requests: 0,
        };
        Ok(Worker {
            ready,
            listener,
            ctx,
            slots: Vec::new(),
            free: Vec::new(),
            spare: Vec::new(),
            accept_paused_until: None,
            tick,
            next_sweep: now + tick,
            connections: 0,
            busy: 0,
            shed: 0,
        })
    }

    fn run(&mut self) {
        let mut events: Vec<Event> = Vec::with_capacity(EVENTS);
        'outer: loop {
            if let Err(e) = self.ready.wait(&mut events, self.tick) {
                serve::warn(format_args!("web worker: waiting for events failed ({e}); stopping"));
                break;
            }
            self.ctx.now = Instant::now();
            for ev in &events {
                match ev.token {
                    WAKER => break 'outer,
                    LISTENER => self.on_listener(),
                    t => self.on_event(t, ev.flags),
                }
            }
            if self.ctx.now >= self.next_sweep {
                self.sweep();
            }
            self.flush_log();
            if shutdown::requested() {
                break;
            }
        }
        self.flush_log();
        let open = self.slots.iter().filter(|s| s.conn.is_some()).count();
        self.ctx.shared.open.fetch_sub(open, Ordering::Relaxed);
        let shared = self.ctx.shared;
        shared.requests.fetch_add(self.ctx.requests, Ordering::Relaxed);
        shared.connections.fetch_add(self.connections, Ordering::Relaxed);
        shared.busy.fetch_add(self.busy, Ordering::Relaxed);
        shared.shed.fetch_add(self.shed, Ordering::Relaxed);
    }

    fn on_event(&mut self, token: u64, flags: u32) {
        let (index, gen) = untoken(token);
        let Some(slot) = self.slots.get_mut(index) else { return };
        if u64::from(slot.gen) & HALF_MASK != u64::from(gen) {
            return;
        }
        let Some(conn) = slot.conn.as_mut() else { return };
        let verdict = conn.on_event(flags, &mut self.ctx);
        self.settle(index, verdict);
    }

    /// Acts on a verdict: close, or re-arm the connection's registration,
    /// making sure the poller reports writability when output is stuck
    /// (connections start watching only for input: a fresh socket is writable,
    /// and reporting that would cost a wake-up each). Epoll keeps its
    /// registrations; the portable poller needs this after every event.
    fn settle(&mut self, index: usize, verdict: Verdict) {
        if verdict == Verdict::Close {
            return self.close(index);
        }
        let slot = &mut self.slots[index];
        let Some(conn) = slot.conn.as_ref() else { return };
        let tok = token(index, slot.gen);
        if self.ready.rearm(conn.stream(), tok, &mut slot.watch_out, conn.blocked_on_write()).is_err() {
            self.close(index);
        }
    }

    /// Closes a connection (taking it out of the poller first) and keeps its buffer.
    fn close(&mut self, index: usize) {
        if let Some(conn) = self.slots[index].conn.take() {
            self.ready.remove(conn.stream());
            let buffer = close_traced(conn);
            if let Some(b) = buffer.filter(|_| self.spare.len() < SPARE_BUFFERS) {
                self.spare.push(b);
            }
            self.slots[index].gen = self.slots[index].gen.wrapping_add(1);
            self.free.push(index);
            self.ctx.shared.open.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The listener is ready: accepts, then re-arms it (unless accepting paused).
    fn on_listener(&mut self) {
        if self.accept_paused_until.is_some() {
            return;
        }
        self.accept_batch();
        if self.accept_paused_until.is_none() {
            if let Err(e) = self.ready.rearm_listener(self.listener) {
                self.pause_accepting(&e);
            }
        }
    }

    /// Accepts up to [`ACCEPT_BATCH`] pending connections.
    fn accept_batch(&mut self) {
        for _ in 0..ACCEPT_BATCH {
            let accepted = listen::accept(self.listener);
            trace::returned("accept()", &accepted);
            match accepted {
                Ok((stream, peer)) => self.adopt(stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if is_descriptor_shortage(&e) || !serve::accept_error_is_transient(&e) => {
                    self.pause_accepting(&e);
                    return;
                }
                // The client gave up before we took it: go on with the next.
                Err(_) => {}
            }
        }
    }

    /// Out of descriptors (or a listener fault): stop accepting for a moment.
    fn pause_accepting(&mut self, e: &io::Error) {
        serve::warn(format_args!("accept failed ({e}); pausing new connections for {} ms", ACCEPT_PAUSE.as_millis()));
        let _ = self.ready.remove_listener(self.listener);
        self.accept_paused_until = Some(self.ctx.now + ACCEPT_PAUSE);
    }

    /// Takes a new connection into this worker, or turns it away over the limit.
    fn adopt(&mut self, stream: TcpStream, peer: SocketAddr) {
        let shared = self.ctx.shared;
        if shared.open.fetch_add(1, Ordering::Relaxed) >= shared.max_conns && !self.shed_one() {
            shared.open.fetch_sub(1, Ordering::Relaxed);
            self.busy += 1;
            self.turn_away(stream);
            return;
        }
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot { gen: 0, conn: None, watch_out: false });
            self.slots.len() - 1
        });
        let tok = token(index, self.slots[index].gen);
        let buf = self.spare.pop().unwrap_or_else(conn::new_buffer);
        self.slots[index].watch_out = false;
        let conn = self.slots[index].conn.insert(Conn::new(stream, peer, buf, self.ctx.now));
        self.connections += 1;
        // Served before it is registered: a request that came with the handshake
        // is often answered and the connection closed at once, which then costs
        // the poller nothing (registering reports input that arrived meanwhile).
        if conn.start(&mut self.ctx) == Verdict::Close {
            return self.close(index);
        }
        // SAFETY: the stream stays in slot `index`, and leaves it only through
        // `close`, which removes it from the poller before dropping it (or with
        // the worker, whose poller is dropped first).
        if unsafe { self.ready.add(conn.stream(), tok) }.is_err() {
            return self.close(index);
        }
        self.settle(index, Verdict::Keep);
    }

    /// At the connection limit: closes this worker's connection that has waited
    /// longest for a request (a slow or idle client, or one lingering after its
    /// answer) to make room for a new one, as nginx reuses idle connections when
    /// it runs out. False if every connection is busy answering.
    fn shed_one(&mut self) -> bool {
        let oldest =
            self.slots.iter().enumerate().filter_map(|(i, slot)| Some((slot.conn.as_ref()?.shed_key()?, i))).min();
        let Some((_, index)) = oldest else { return false };
        self.close(index);
        self.shed += 1;
        true
    }

    /// Answers 503 without waiting and closes (the client can retry later).
    fn turn_away(&mut self, mut stream: TcpStream) {
        let mut out = Vec::with_capacity(512);
        let stamp =
            Stamp { date: self.ctx.dates.at(SystemTime::now()), started: &self.ctx.shared.started, keep_alive: false };
        let detail = "The server has as many connections as it allows (--max-conns); try again shortly.";
        reply::page(&mut out, StatusCode::SERVICE_UNAVAILABLE, detail, &[("Retry-After", b"1")], &stamp, false);
        let _ = stream.write(&out);
    }

    /// Times out idle connections and resumes accepting after a pause.
    fn sweep(&mut self) {
        let now = self.ctx.now;
        self.next_sweep = now + self.tick;
        if self.accept_paused_until.is_some_and(|t| now >= t) {
            self.accept_paused_until = None;
            if self.ready.add_listener(self.listener).is_err() {
                self.accept_paused_until = Some(now + ACCEPT_PAUSE);
            }
        }
        let shared = self.ctx.shared;
        for index in 0..self.slots.len() {
            let Some(conn) = self.slots[index].conn.as_mut() else { continue };
            let timeout = match shared.keep_alive {
                Some(keep) if conn.between_requests() => keep,
                _ => shared.timeout,
            };
            if conn.expired(now, timeout, shared.head_timeout) {
                let verdict = conn.on_timeout(&mut self.ctx);
                self.settle(index, verdict);
            }
        }
    }

    /// Writes the access-log lines of this turn of the event loop.
    fn flush_log(&mut self) {
        if self.ctx.log.is_empty() {
            return;
        }
        if self.ctx.shared.capturing {
            let text = String::from_utf8_lossy(&self.ctx.log);
            out(text.trim_end_matches('\n'));
        } else {
            let mut o = io::stdout().lock();
            let _ = o.write_all(&self.ctx.log);
            let _ = o.flush();
        }
        self.ctx.log.clear();
    }
}

/// Drops a connection, closing its socket (traced with --trace), and gives back its buffer.
#[cfg(unix)]
fn close_traced(conn: Conn) -> Option<Box<[u8]>> {
    use std::os::fd::AsRawFd;
    let fd = conn.stream().as_raw_fd();
    let mut buffer = None;
    let _ = trace::on(fd, format_args!("close(fd {fd})"), || {
        buffer = Some(conn.into_buffer());
        Ok(())
    });
    buffer
}

/// Drops a connection, closing its socket (traced with --trace), and gives back its buffer.
#[cfg(windows)]
fn close_traced(conn: Conn) -> Option<Box<[u8]>> {
    use std::os::windows::io::AsRawSocket;
    let socket = conn.stream().as_raw_socket();
    let mut buffer = None;
    let _ = trace::call(format_args!("closesocket(socket {socket})"), || {
        buffer = Some(conn.into_buffer());
        Ok(())
    });
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_slot_and_generation_and_fit_a_poller_key() {
        for (index, gen) in [(0, 0), (3, 7), (65_535, 65_535)] {
            let t = token(index, gen);
            assert_eq!(untoken(t), (index, gen));
            assert!(usize::try_from(t).is_ok());
            assert!(t != LISTENER && t != WAKER);
        }
        // A generation wider than a token's half is cut, as the slot's comparison expects.
        let (_, gen) = untoken(token(1, u32::MAX));
        assert_eq!(u64::from(gen), u64::from(u32::MAX) & HALF_MASK);
    }
}
