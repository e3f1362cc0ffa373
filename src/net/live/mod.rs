//! The live view's web server (`sniff --web`, `--capture --web`), on plain
//! `std::net`: one thread accepts, one thread per connection, one request per
//! connection. Routes:
//! - `/`: the capture files of the captures directory ([`index::page`]);
//! - `/live`: the report page fed live;
//! - `/events`: its Server-Sent Events (a viewer of the [`hub::Hub`]);
//! - `/report/NAME`: the report page of a capture file, built on request.
//!
//! Connections and viewers are bounded, every read and write has a deadline,
//! and a viewer that falls behind is dropped with a `dropped` event.

pub mod feed;
pub mod hub;

use crate::error::Error;
use crate::net::addr::{bind_error, parse_host_port};
use crate::proto::http::path::sanitize;
use crate::proto::http::request::parse_request;
use crate::sniff::report::html::index::{self, Listed};
use crate::sniff::report::html::live::{notice, sse, DROPPED, END, EVENTS_PATH};
use crate::sniff::report::html::{self, build};
use hub::{Hub, QUEUE_BYTES, QUEUE_EVENTS};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, UNIX_EPOCH};

/// The address `--bind` defaults to.
pub const DEFAULT_BIND: &str = "127.0.0.1:10081";
/// The port when `--bind` gives only a host.
const DEFAULT_PORT: u16 = 10081;
/// Connections served at once (viewers included); one more gets 503.
const MAX_CONNECTIONS: usize = 32;
/// Longest request head read.
const MAX_HEAD: usize = 8 << 10;
/// How long a request may take to arrive.
const READ_DEADLINE: Duration = Duration::from_secs(5);
/// How long one write may block: a viewer that reads nothing for this long is
/// let go.
const WRITE_DEADLINE: Duration = Duration::from_secs(2);
/// Between two checks for a new connection (the listener does not block, so
/// stopping never waits for one).
const ACCEPT_POLL: Duration = Duration::from_millis(20);
/// A comment line sent to an idle viewer, so proxies and browsers keep it.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// How often an idle viewer's connection is checked for having closed (a
/// reloaded page frees its place among the viewers within this).
const PROBE: Duration = Duration::from_secs(1);
/// How long that check waits for the connection to say anything.
const PROBE_WAIT: Duration = Duration::from_millis(1);
/// How long closing waits for viewers to be sent the end.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

/// What the server serves.
pub struct Site {
    /// The live view's page.
    pub page: Vec<u8>,
    /// What is captured, for the index.
    pub what: String,
    /// The directory of capture files listed.
    pub dir: PathBuf,
}

/// A running live server.
pub struct LiveServer {
    hub: Arc<Hub>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    addr: SocketAddr,
    busy: Arc<AtomicUsize>,
}

/// The state every connection's thread shares.
struct Shared {
    site: Site,
    hub: Arc<Hub>,
    busy: Arc<AtomicUsize>,
}

impl LiveServer {
    /// Listens on `bind` (`host:port`; port 0 picks one; `flag` is the option
    /// that gave it, for advice) and serves `site`.
    pub fn start(bind: &str, flag: &str, site: Site) -> crate::Result<LiveServer> {
        let want = parse_host_port(bind, Some(DEFAULT_PORT))?;
        let listener = TcpListener::bind(want).map_err(|e| match e.kind() {
            io::ErrorKind::AddrInUse => Error::usage(format!(
                "cannot serve the live view on {want}: address already in use (another socklab --web?); \
                 pick another port with {flag} 127.0.0.1:PORT, or {flag} 127.0.0.1:0 for any free one"
            )),
            _ => bind_error(want, e),
        })?;
        let addr = listener.local_addr().map_err(|e| Error::io("the live view's address", e))?;
        listener.set_nonblocking(true).map_err(|e| Error::io("the live view's listener", e))?;
        let (hub, stop, busy) =
            (Arc::new(Hub::default()), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let shared = Arc::new(Shared { site, hub: Arc::clone(&hub), busy: Arc::clone(&busy) });
        let flag = Arc::clone(&stop);
        let accept = std::thread::Builder::new()
            .name("live-accept".into())
            .spawn(move || accept_loop(&listener, &flag, &shared))
            .map_err(|e| Error::io("starting the live view", e))?;
        Ok(LiveServer { hub, stop, accept: Some(accept), addr, busy })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The viewers' hub (to publish to).
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Sends every viewer the end (`text` says why), stops accepting, and
    /// waits up to half a second for the connections to finish.
    pub fn close(mut self, text: &str) {
        self.hub.end(sse(END, &notice(text)));
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let deadline = Instant::now() + CLOSE_WAIT;
        while self.busy.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(ACCEPT_POLL);
        }
    }
}

/// The URL of the live view on `addr` (an unspecified address is reached on loopback).
pub fn live_url(addr: SocketAddr) -> String {
    format!("http://{addr}{}", index::LIVE_PATH)
}

/// Why binding `addr` deserves a warning: the captured packets become visible
/// beyond this machine. None on loopback.
pub fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: the live view listens on {addr}, not on loopback: anyone who can reach this machine on port {} \
             sees every captured packet and the capture files; use --bind 127.0.0.1:{} to keep it local",
            addr.port(),
            addr.port()
        )
    })
}

fn accept_loop(listener: &TcpListener, stop: &AtomicBool, shared: &Arc<Shared>) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((s, _)) => serve(s, shared),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(ACCEPT_POLL),
            Err(_) => std::thread::sleep(ACCEPT_POLL),
        }
    }
}

/// Serves one connection on a thread of its own, or refuses it at once when
/// [`MAX_CONNECTIONS`] are being served.
fn serve(mut s: TcpStream, shared: &Arc<Shared>) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(READ_DEADLINE));
    let _ = s.set_write_timeout(Some(WRITE_DEADLINE));
    if shared.busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        shared.busy.fetch_sub(1, Ordering::SeqCst);
        let _ = s.write_all(&response(503, "Service Unavailable", TEXT, b"too many connections to the live view\n"));
        return;
    }
    let work = Arc::clone(shared);
    let spawned = std::thread::Builder::new().name("live-conn".into()).spawn(move || {
        let _ = handle(s, &work);
        work.busy.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        shared.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

const HTML: &str = "text/html; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// A whole response: status, type, length, no caching, then `body`.
fn response(code: u16, reason: &str, kind: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads the request head (bounded in size and time).
fn read_head(s: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut chunk)?;
        if n == 0 || buf.len() + n > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "no request head"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(buf)
}

fn handle(mut s: TcpStream, shared: &Shared) -> io::Result<()> {
    let head = read_head(&mut s)?;
    let (method, target) = match parse_request(&head) {
        Ok(Some(r)) => (r.method.to_string(), r.target.to_string()),
        _ => return s.write_all(&response(400, "Bad Request", TEXT, b"bad request\n")),
    };
    if method != "GET" {
        return s.write_all(&response(405, "Method Not Allowed", TEXT, b"only GET\n"));
    }
    let Ok(path) = sanitize(&target) else {
        return s.write_all(&response(400, "Bad Request", TEXT, b"bad path\n"));
    };
    let site = &shared.site;
    match path.to_url_path(path.trailing_slash).as_str() {
        "/" => s.write_all(&response(200, "OK", HTML, index_page(site).as_bytes())),
        index::LIVE_PATH => s.write_all(&response(200, "OK", HTML, &site.page)),
        EVENTS_PATH => stream_events(s, &shared.hub),
        _ => match index::report_name(&path.segments).map(|n| site.dir.join(n)).filter(|p| p.is_file()) {
            Some(file) => match report_page(&file) {
                Ok(page) => s.write_all(&response(200, "OK", HTML, &page)),
                Err(e) => s.write_all(&response(500, "Internal Server Error", TEXT, format!("{e}\n").as_bytes())),
            },
            None => s.write_all(&response(404, "Not Found", TEXT, b"no such page or capture file\n")),
        },
    }
}

/// A capture file's report page, as `socklab report FILE` writes it.
fn report_page(file: &Path) -> crate::Result<Vec<u8>> {
    let data = build::page_data(file, None, None, None)?;
    let mut out = Vec::new();
    html::write_page(&mut out, &format!("socklab report: {}", file.display()), &data)
        .map_err(|e| Error::io("building the report page", e))?;
    Ok(out)
}

/// The index of the site's directory (empty when it cannot be read).
fn index_page(site: &Site) -> String {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&site.dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_file() && index::is_capture_name(&name) {
            let modified =
                meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
            files.push(Listed { name, size: meta.len(), modified });
        }
    }
    index::page(Some(&site.what), &site.dir.display().to_string(), &files)
}

/// Serves one viewer: the catch-up, then each event as it is published,
/// until the end, a failed write, or being dropped for falling behind.
fn stream_events(mut s: TcpStream, hub: &Hub) -> io::Result<()> {
    let Some(v) = s.try_clone().ok().and_then(|c| hub.join(c)) else {
        let why = format!("the live view is full ({} viewers) or its capture ended\n", hub::MAX_VIEWERS);
        return s.write_all(&response(503, "Service Unavailable", TEXT, why.as_bytes()));
    };
    s.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
    )?;
    for e in &v.catch_up {
        s.write_all(e)?;
    }
    let mut wrote = Instant::now();
    loop {
        if v.dropped.load(Ordering::SeqCst) {
            let text = format!(
                "This page fell behind the capture (more than {QUEUE_EVENTS} events or {} MiB waiting) and socklab \
                 stopped sending to it; reload the page to catch up.",
                QUEUE_BYTES >> 20
            );
            let _ = s.write_all(&sse(DROPPED, &notice(&text)));
            break;
        }
        match v.events.recv_timeout(PROBE) {
            Ok(e) => {
                v.queued.fetch_sub(e.len(), Ordering::SeqCst);
                s.write_all(&e)?;
                wrote = Instant::now();
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if closed(&s) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) if wrote.elapsed() >= KEEPALIVE => {
                s.write_all(b": keep-alive\n\n")?;
                wrote = Instant::now();
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) if v.dropped.load(Ordering::SeqCst) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    s.flush()?;
    s.shutdown(std::net::Shutdown::Both)
}

/// True when the peer closed or reset `s` (a viewer sends nothing after its
/// request, so a wait that times out means it is still there).
fn closed(s: &TcpStream) -> bool {
    let _ = s.set_read_timeout(Some(PROBE_WAIT));
    match s.peek(&mut [0u8; 1]) {
        Ok(n) => n == 0,
        Err(e) => !matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_loopback_bind_warns() {
        assert!(exposure_warning("127.0.0.1:10081".parse().unwrap()).is_none());
        assert!(exposure_warning("[::1]:10081".parse().unwrap()).is_none());
        let w = exposure_warning("0.0.0.0:10081".parse().unwrap()).unwrap();
        assert!(w.contains("not on loopback") && w.contains("--bind 127.0.0.1:10081"), "{w}");
        assert_eq!(live_url("127.0.0.1:5".parse().unwrap()), "http://127.0.0.1:5/live");
    }

    #[test]
    fn a_response_announces_its_length_and_closes() {
        let r = String::from_utf8(response(404, "Not Found", TEXT, b"no\n")).unwrap();
        assert!(r.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(r.contains("Content-Length: 3\r\n") && r.contains("Connection: close\r\n"));
        assert!(r.ends_with("\r\n\r\nno\n"));
    }
}
