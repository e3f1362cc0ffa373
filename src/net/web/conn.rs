//! One client connection of the web server: a state machine that a worker drives
//! whenever its poller reports the socket ready (an epoll edge on Linux, a
//! one-shot event elsewhere), and on its timer.
//!
//! A turn of `Conn::drive`: send what is pending (the output buffer, then a
//! large file, see `body.rs`); answer every complete request already in
//! the input buffer (pipelining: the answers queue up in order and go out in one
//! write); read more. It stops when the socket would block, and the next event
//! resumes it. A short read or write means the socket is drained or full, so
//! the turn stops there without the extra call that would return EAGAIN: with
//! epoll, bytes arriving later make a new edge; with the one-shot poller, the
//! worker re-arms the socket after the turn, and one still readable (or
//! writable, if asked) is reported again at once.

use super::body::FileStream;
use super::files::{Files, Lookup};
use super::ready;
use super::reply::{self, Stamp};
use super::Shared;
use crate::proto::http::date::{self, DateCache};
use crate::proto::http::path;
use crate::proto::http::request::{self, RequestBody, RequestHead};
use crate::proto::http::response::StatusCode;
use crate::proto::http::MAX_REQUEST_HEAD;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant, SystemTime};

/// Pipelined requests are answered until this much output waits, then it is sent first.
const OUT_HIGH: usize = 64 * 1024;
/// An output buffer grown beyond this is shrunk back once empty.
const OUT_KEEP: usize = 256 * 1024;
/// How long a closing connection reads and discards what the client still sends,
/// so our last response is not destroyed by a RST (RFC 9112 §9.6).
pub const LINGER: Duration = Duration::from_secs(2);
/// Longest piece of a bad request line shown in the log.
const LOG_LINE_MAX: usize = 120;

/// What the worker does with a connection after driving it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Keep it and wait for the next event.
    Keep,
    /// Close it now.
    Close,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Reading requests.
    Open,
    /// Send what is pending, then close; `linger` drains unread input first.
    Closing { linger: bool },
    /// Our side is shut down; discard input until EOF or the deadline.
    Lingering { until: Instant },
}

/// The state of one worker that every connection it drives shares.
pub struct Ctx<'a> {
    /// Server-wide settings.
    pub shared: &'a Shared,
    /// This worker's file cache.
    pub files: Files,
    /// The Date value of the current second.
    pub dates: DateCache,
    /// Access-log lines waiting to be written.
    pub log: Vec<u8>,
    /// Monotonic time of this turn of the event loop.
    pub now: Instant,
    /// Requests answered by this worker.
    pub requests: u64,
}

impl Ctx<'_> {
    fn stamp(&mut self, keep_alive: bool) -> Stamp<'_> {
        Stamp { date: self.dates.at(SystemTime::now()), started: &self.shared.started, keep_alive }
    }

    /// Logs an answered request (see [`Ctx::log_line`]).
    fn log_request(&mut self, peer: SocketAddr, head: &RequestHead, status: StatusCode, bytes: u64, note: &str) {
        if self.shared.quiet {
            return;
        }
        let mut line = Vec::with_capacity(head.method.len() + head.target.len() + 10);
        line.extend_from_slice(head.method.as_bytes());
        line.push(b' ');
        line.extend_from_slice(head.target.as_bytes());
        line.push(b' ');
        line.extend_from_slice(head.version.as_str().as_bytes());
        self.log_line(peer, &line, status, bytes, note);
    }

    /// Appends an access-log line: client, request line, status, body bytes, and a note.
    fn log_line(&mut self, peer: SocketAddr, line: &[u8], status: StatusCode, bytes: u64, note: &str) {
        if self.shared.quiet {
            return;
        }
        let _ = write!(self.log, "{peer} \"");
        push_printable(&mut self.log, line);
        let _ = write!(self.log, "\" {} {bytes}", status.code);
        if !note.is_empty() {
            let _ = write!(self.log, " ({note})");
        }
        self.log.push(b'\n');
    }
}

/// Appends bytes with anything unprintable shown as `\xNN`, cut at [`LOG_LINE_MAX`].
fn push_printable(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes.iter().take(LOG_LINE_MAX) {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            out.push(b);
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    if bytes.len() > LOG_LINE_MAX {
        out.extend_from_slice(b"...");
    }
}

/// Bytes waiting to go out: the buffer, then a file.
#[derive(Default)]
struct Output {
    buf: Vec<u8>,
    sent: usize,
    file: Option<FileStream>,
}

impl Output {
    fn is_empty(&self) -> bool {
        self.sent == self.buf.len() && self.file.is_none()
    }

    /// Sends as much as the socket takes. `Ok(true)` once everything is out.
    fn flush(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        while self.sent < self.buf.len() {
            let want = self.buf.len() - self.sent;
            match stream.write(&self.buf[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.sent += n;
                    if n < want {
                        return Ok(false);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buf.clear();
        self.sent = 0;
        if self.buf.capacity() > OUT_KEEP {
            self.buf.shrink_to(OUT_HIGH);
        }
        match self.file.as_mut() {
            Some(f) => {
                let done = f.send(stream)?;
                if done {
                    self.file = None;
                }
                Ok(done)
            }
            None => Ok(true),
        }
    }
}

/// One client connection.
pub struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    inbuf: Box<[u8]>,
    start: usize,
    end: usize,
    out: Output,
    /// Data (or EOF) may be waiting: set by a readable event, cleared by a short read.
    readable: bool,
    /// The peer has shut down its side (EPOLLRDHUP, or a hang-up): read until
    /// EOF, never assume drained.
    peer_done: bool,
    phase: Phase,
    /// When the connection last made progress.
    pub last_active: Instant,
    /// When the request head now due began (accept, or its first byte after
    /// an answered request); `None` while idle between keep-alive requests.
    head_since: Option<Instant>,
    /// Requests answered on this connection.
    served: u64,
    /// TCP_NODELAY is set: done once a connection is kept alive, as only then can
    /// Nagle's algorithm hold back a response (behind an unacknowledged one).
    nodelay: bool,
}

/// A fresh input buffer: room for the largest request head allowed.
pub fn new_buffer() -> Box<[u8]> {
    vec![0u8; MAX_REQUEST_HEAD].into_boxed_slice()
}

impl Conn {
    /// Wraps an accepted, non-blocking socket, with an input buffer from [`new_buffer`].
    pub fn new(stream: TcpStream, peer: SocketAddr, inbuf: Box<[u8]>, now: Instant) -> Conn {
        Conn {
            stream,
            peer,
            inbuf,
            start: 0,
            end: 0,
            out: Output::default(),
            readable: false,
            peer_done: false,
            phase: Phase::Open,
            last_active: now,
            head_since: Some(now),
            served: 0,
            nodelay: false,
        }
    }

    /// The socket, for the poller.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// True if output is waiting for the socket to become writable.
    pub fn blocked_on_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// Drives a just-accepted connection at once: the request has usually
    /// arrived with the handshake, which saves a trip through the poller.
    pub fn start(&mut self, ctx: &mut Ctx) -> Verdict {
        self.readable = true;
        self.drive(ctx)
    }

    /// Gives the input buffer back for another connection.
    pub fn into_buffer(self) -> Box<[u8]> {
        self.inbuf
    }

    /// Handles the events the poller reported (its `IN`/`RDHUP`/… bits), then
    /// drives the connection.
    pub fn on_event(&mut self, flags: u32, ctx: &mut Ctx) -> Verdict {
        if flags & (ready::IN | ready::RDHUP | ready::HUP_OR_ERR) != 0 {
            self.readable = true;
        }
        if flags & (ready::RDHUP | ready::HUP_OR_ERR) != 0 {
            self.peer_done = true;
        }
        self.drive(ctx)
    }

    /// True if a kept-alive connection has answered its requests and none has started.
    pub fn between_requests(&self) -> bool {
        self.waiting_for_request() && self.served > 0 && self.start == self.end
    }

    /// True if the connection has been idle past `timeout`, has not sent a whole
    /// request head within `head_timeout`, or is past its linger deadline.
    pub fn expired(&self, now: Instant, timeout: Duration, head_timeout: Duration) -> bool {
        match self.phase {
            Phase::Lingering { until } => now >= until,
            _ => now.duration_since(self.last_active) >= timeout || self.head_overdue(now, head_timeout),
        }
    }

    /// True if a request head is due and has taken `head_timeout` or more
    /// (nginx's `client_header_timeout`): trickling bytes does not extend it.
    fn head_overdue(&self, now: Instant, head_timeout: Duration) -> bool {
        self.waiting_for_request() && self.head_since.is_some_and(|t| now.duration_since(t) >= head_timeout)
    }

    /// True if nothing is owed to the client: the connection waits for (the rest of) a request.
    fn waiting_for_request(&self) -> bool {
        self.phase == Phase::Open && self.out.is_empty()
    }

    /// When this connection began waiting, if it may be closed to make room for
    /// a new one: it owes the client nothing (idle between requests, or a request
    /// head still arriving), or it is lingering after its last answer. The
    /// earliest is the first to shed.
    pub fn shed_key(&self) -> Option<Instant> {
        match self.phase {
            Phase::Lingering { .. } => Some(self.last_active),
            _ if self.waiting_for_request() => Some(self.head_since.unwrap_or(self.last_active)),
            _ => None,
        }
    }

    /// The idle timeout or the request-head deadline fired. A client that started
    /// a request (or never sent one) gets 408 Request Timeout (RFC 9110 §15.5.9)
    /// before the close; an idle keep-alive connection between requests is closed
    /// quietly (RFC 9112 §9.5), as a 408 there could cross a request the client
    /// is just sending.
    pub fn on_timeout(&mut self, ctx: &mut Ctx) -> Verdict {
        if !self.waiting_for_request() || self.between_requests() {
            return Verdict::Close;
        }
        let detail = if self.head_overdue(ctx.now, ctx.shared.head_timeout) {
            let secs = ctx.shared.head_timeout.as_secs_f64();
            format!("The server allows {secs} s for a whole request head and gave up.")
        } else {
            let secs = ctx.shared.timeout.as_secs_f64();
            format!("The server waited {secs} s for a complete request and gave up.")
        };
        let partial = self.inbuf[self.start..self.end].to_vec();
        self.answer_error(StatusCode::REQUEST_TIMEOUT, &detail, &partial, ctx);
        self.last_active = ctx.now;
        self.drive(ctx)
    }

    /// Queues an error page that closes the connection, and logs it.
    fn answer_error(&mut self, status: StatusCode, detail: &str, line: &[u8], ctx: &mut Ctx) {
        let line = line.split(|&b| b == b'\n').next().unwrap_or_default().trim_ascii();
        let stamp = ctx.stamp(false);
        let bytes = reply::page(&mut self.out.buf, status, detail, &[], &stamp, false);
        ctx.log_line(self.peer, line, status, bytes, detail);
        ctx.requests += 1;
        self.phase = Phase::Closing { linger: true };
    }

    /// Sends, answers and reads until the socket would block or the connection ends.
    fn drive(&mut self, ctx: &mut Ctx) -> Verdict {
        loop {
            match self.out.flush(&mut self.stream) {
                Ok(true) => {}
                Ok(false) => {
                    self.last_active = ctx.now;
                    return Verdict::Keep;
                }
                Err(_) => return Verdict::Close,
            }
            match self.phase {
                Phase::Open => {}
                Phase::Closing { linger } => {
                    // Nothing left unread: close at once. Otherwise close our side
                    // and drain, so unread input does not turn the close into a RST.
                    let drained = self.start == self.end && !self.readable;
                    if drained && (!linger || self.peer_done) {
                        return Verdict::Close;
                    }
                    let _ = self.stream.shutdown(Shutdown::Write);
                    self.phase = Phase::Lingering { until: ctx.now + LINGER };
                    continue;
                }
                Phase::Lingering { .. } => return self.discard_input(),
            }
            self.answer_buffered(ctx);
            if !self.out.is_empty() || self.phase != Phase::Open {
                continue;
            }
            match self.read_more(ctx) {
                Some(verdict) => return verdict,
                None => continue,
            }
        }
    }

    /// Answers every complete request in the input buffer, within the output limit.
    fn answer_buffered(&mut self, ctx: &mut Ctx) {
        while self.phase == Phase::Open && self.out.file.is_none() && self.out.buf.len() < OUT_HIGH {
            if self.start == self.end {
                return;
            }
            match request::parse_request(&self.inbuf[self.start..self.end]) {
                Ok(Some(head)) => {
                    let len = head.len;
                    let keep = answer(&head, &mut self.out, self.peer, ctx);
                    self.served += 1;
                    self.start += len;
                    self.head_since = (self.start < self.end).then_some(ctx.now);
                    match keep {
                        Some(linger) => self.phase = Phase::Closing { linger },
                        None if !self.nodelay => {
                            let _ = self.stream.set_nodelay(true);
                            self.nodelay = true;
                        }
                        None => {}
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    let line = self.inbuf[self.start..self.end].to_vec();
                    self.answer_error(e.status(), &e.to_string(), &line, ctx);
                }
            }
        }
    }

    /// Reads into the input buffer. `None`: got data, go on; `Some`: stop here.
    fn read_more(&mut self, ctx: &mut Ctx) -> Option<Verdict> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.inbuf.len() {
            self.inbuf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        if !self.readable {
            return Some(Verdict::Keep);
        }
        let space = self.inbuf.len() - self.end;
        match self.stream.read(&mut self.inbuf[self.end..]) {
            // EOF: the client is done; a partial request is abandoned.
            Ok(0) => Some(Verdict::Close),
            Ok(n) => {
                self.end += n;
                self.last_active = ctx.now;
                self.head_since.get_or_insert(ctx.now);
                if n < space && !self.peer_done {
                    self.readable = false;
                }
                None
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.readable = false;
                Some(Verdict::Keep)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => None,
            Err(_) => Some(Verdict::Close),
        }
    }

    /// Lingering close: read and drop input until EOF (close) or it would block.
    fn discard_input(&mut self) -> Verdict {
        loop {
            match self.stream.read(&mut self.inbuf) {
                Ok(0) => return Verdict::Close,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Verdict::Keep,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Verdict::Close,
            }
        }
    }
}

/// Answers one parsed request into `out`. Returns `None` to keep the connection
/// open, or `Some(linger)` to close it after the answer.
fn answer(head: &RequestHead, out: &mut Output, peer: SocketAddr, ctx: &mut Ctx) -> Option<bool> {
    ctx.requests += 1;
    // Without --keep-alive every response closes its connection (RFC 9112 §9.6), as the
    // lab's server does and clients reading until EOF expect.
    let mut keep = head.keep_alive() && ctx.shared.keep_alive.is_some();
    let mut linger = false;
    let head_only = head.method == "HEAD";
    let framing = head.check_host().and_then(|()| head.body());
    match framing {
        Err(e) => {
            let stamp = ctx.stamp(false);
            let n = reply::page(&mut out.buf, StatusCode::BAD_REQUEST, &e.to_string(), &[], &stamp, head_only);
            ctx.log_request(peer, head, StatusCode::BAD_REQUEST, n, &e.to_string());
            return Some(true);
        }
        // A body this server has no use for is not read: answer, then close.
        Ok(RequestBody::Length(_) | RequestBody::Chunked) => (keep, linger) = (false, true),
        Ok(RequestBody::None) => {}
    }
    let (status, bytes, note) = match head.method {
        "GET" | "HEAD" => serve(head, out, keep, head_only, ctx),
        _ => {
            let stamp = ctx.stamp(keep);
            let detail = format!("This server answers GET and HEAD only, not {}.", head.method);
            let allow = [("Allow", reply::ALLOW.as_bytes())];
            let n = reply::page(&mut out.buf, StatusCode::METHOD_NOT_ALLOWED, &detail, &allow, &stamp, false);
            (StatusCode::METHOD_NOT_ALLOWED, n, "")
        }
    };
    ctx.log_request(peer, head, status, bytes, note);
    (!keep).then_some(linger)
}

/// Serves GET or HEAD of a file; returns the status, body bytes and a log note.
fn serve(
    head: &RequestHead,
    out: &mut Output,
    keep: bool,
    head_only: bool,
    ctx: &mut Ctx,
) -> (StatusCode, u64, &'static str) {
    let key = path::path_of_target(head.target).map(|(p, _)| p).unwrap_or_default();
    let found = match ctx.files.cached(key.as_bytes()) {
        Some(entry) => Lookup::File(entry),
        None => match path::sanitize(head.target) {
            Ok(safe) => ctx.files.lookup(key.as_bytes(), &safe),
            Err(e) => {
                let stamp = ctx.stamp(keep);
                let detail = format!("The request target cannot name a file here: {e}.");
                let n = reply::page(&mut out.buf, StatusCode::BAD_REQUEST, &detail, &[], &stamp, head_only);
                return (StatusCode::BAD_REQUEST, n, "unsafe path");
            }
        },
    };
    let stamp_keep = keep;
    match found {
        Lookup::File(entry) => {
            if let Some(since) = head.header("if-modified-since") {
                if date::not_modified(entry.modified, since) {
                    let stamp = ctx.stamp(stamp_keep);
                    reply::not_modified(&mut out.buf, &entry, &stamp);
                    return (StatusCode::NOT_MODIFIED, 0, "");
                }
            }
            let stream = if entry.body.is_none() && !head_only {
                match entry.open() {
                    Some(file) => Some(FileStream::new(file, entry.len)),
                    None => return not_found(out, keep, head_only, ctx, "the file changed"),
                }
            } else {
                None
            };
            let stamp = ctx.stamp(stamp_keep);
            let n = reply::file(&mut out.buf, &entry, &stamp, head_only);
            out.file = stream;
            (StatusCode::OK, n, "")
        }
        Lookup::Redirect(to) => {
            let stamp = ctx.stamp(keep);
            let detail = format!("This is a directory; its address ends in a slash: {to}");
            let loc = [("Location", to.as_bytes())];
            let n = reply::page(&mut out.buf, StatusCode::MOVED_PERMANENTLY, &detail, &loc, &stamp, head_only);
            (StatusCode::MOVED_PERMANENTLY, n, "")
        }
        Lookup::NotFound(why) => not_found(out, keep, head_only, ctx, why),
    }
}

fn not_found(
    out: &mut Output,
    keep: bool,
    head_only: bool,
    ctx: &mut Ctx,
    why: &'static str,
) -> (StatusCode, u64, &'static str) {
    let stamp = ctx.stamp(keep);
    let detail = "The requested URL was not found on this server.";
    let n = reply::page(&mut out.buf, StatusCode::NOT_FOUND, detail, &[], &stamp, head_only);
    (StatusCode::NOT_FOUND, n, why)
}
