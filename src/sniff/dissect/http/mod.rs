//! HTTP/1.x in the sniffer (RFC 9112): messages recognised by content on any TCP
//! port (a request line `METHOD SP URI SP HTTP/1.x` or a status line
//! `HTTP/1.x SP 3DIGIT`), reassembled across segments until the head and the
//! body (Content-Length or chunked) are complete, as tshark does; requests and
//! responses paired in order within a connection.

pub mod fields;
pub mod headers;
pub mod tree;

use crate::proto::http::chunked::ChunkedDecoder;
use crate::sniff::app::conv::{bounded_insert, dir_key, AppFacts, TcpData, MAX_PDU, MAX_PENDING_STREAMS};
use crate::sniff::hash::FxHashMap;
use crate::sniff::tcp::Direction;
use crate::sniff::value::Nanos;
use std::fmt;

/// Most connections whose latest request is remembered.
const MAX_CONNECTIONS: usize = 65_536;

/// Most request/response pairs whose frames are remembered (for tshark's
/// `Prev request in frame` and `Next request in frame`).
const MAX_PAIRS: usize = 1 << 20;

/// Most headers parsed in one message.
const MAX_HEADERS: usize = 64;

/// tshark's default HTTP ports (its `http.tcp.port` range): on them any data is
/// HTTP to tshark, a message start or a continuation of a body.
pub const HTTP_PORTS: [u16; 10] = [80, 1900, 2710, 2869, 3128, 3132, 5985, 8080, 8088, 11371];

/// SSDP's port (UPnP device discovery: HTTP messages over UDP multicast).
pub const SSDP_PORT: u16 = 1900;

/// Methods whose request line is recognised (RFC 9110 §9, RFC 5789).
const METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"];

/// A decoded HTTP request or response.
#[derive(Clone, Debug, Default)]
pub struct HttpMsg {
    /// A request (else a response).
    pub request: bool,
    /// The request method.
    pub method: String,
    /// The request target.
    pub uri: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: String,
    /// The status code of a response.
    pub code: u16,
    /// The reason phrase of a response.
    pub phrase: String,
    /// The header fields in order (names as sent).
    pub headers: headers::Headers,
    /// Bytes of the head (start line, headers, empty line).
    pub head_len: usize,
    /// Bytes of the body as sent (chunked framing included).
    pub body_len: usize,
    /// The body after removing chunked framing, up to its first bytes only (and
    /// after removing a content coding, when it decodes to nothing).
    pub body_is_empty: bool,
    /// A gzip or deflate body in one piece: its length once decoded.
    pub decoded_len: Option<usize>,
    /// The version a GIF body starts with (`GIF89a`), which tshark's image
    /// dissector shows in the Info column (GIF89a specification, §17).
    pub gif_version: Option<&'static str>,
    /// On a request: the frame of its response (learned by the first pass).
    pub response_in: Option<u32>,
    /// On a response: the frame of its request and the time since it.
    pub request_in: Option<(u32, Nanos)>,
    /// Frames that carried earlier parts of this message.
    pub segments: u32,
    /// What tshark names the bytes after the message in its last segment, when
    /// they start no new message: `data`, or `http:data` (a continuation).
    pub trailing: &'static [&'static str],
    /// How many bytes after the message end its last segment, when `trailing` names them.
    pub trailing_len: usize,
    /// On an HTTP port, bytes after the message that start no new one: HTTP
    /// looks at them again and adds `Continuation` to the Info column.
    pub continuation: bool,
    /// An SSDP datagram (HTTP over UDP) rather than HTTP over TCP.
    pub ssdp: bool,
    /// All of the message lies in this frame's payload, from its first byte
    /// (its fields have frame offsets; a reassembled message's have none here).
    pub in_segment: bool,
    /// A message reassembled from several segments: its bytes as kept (the head,
    /// and the body when it came with the head); empty for a message in one segment.
    pub reassembled: Vec<u8>,
    /// On a response: the full URI of its request.
    pub request_uri: Option<Box<str>>,
    /// The number of its request/response pair in the connection, and how
    /// many pairs the connection has (so far; all of them after a first pass).
    pub number: Option<(u32, u32)>,
    /// The frames of the previous pair (request, response; 0 for none).
    pub prev: (u32, u32),
    /// The frames of the next pair (learned by the first pass; 0 for none).
    pub next: (u32, u32),
}

impl HttpMsg {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// Content-Length as a number.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length").and_then(|v| v.trim().parse().ok())
    }

    /// The body's content coding (`gzip`), lower-cased, if one is named.
    pub fn content_coding(&self) -> Option<String> {
        let v = self.header("content-encoding")?.trim().to_ascii_lowercase();
        (!v.is_empty() && v != "identity").then_some(v)
    }

    /// The media type of the body without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        let v = self.header("content-type")?;
        let t = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        (!t.is_empty()).then_some(t)
    }

    /// The name tshark gives the body's dissector in `frame.protocols`.
    pub fn body_protocol(&self) -> Option<&'static str> {
        if self.body_is_empty {
            return None;
        }
        let t = self.media_type();
        Some(match t.as_deref() {
            Some("image/png") => "png",
            Some("image/gif") => "image-gif",
            Some("image/jpeg") => "image-jfif",
            Some("application/json") => "json",
            Some("application/x-www-form-urlencoded") => "urlencoded-form",
            Some("text/xml" | "application/xml") => "xml",
            Some(t) if t.starts_with("text/") => "data-text-lines",
            // tshark's line-based text dissector also takes this legacy type.
            Some("application/x-javascript") => "data-text-lines",
            Some("application/octet-stream") => "data",
            _ => "media",
        })
    }

    /// The full URI of a request as tshark writes it: `http://` and the Host
    /// header before an origin-form target (RFC 9112 §3.2.1, §3.3).
    pub fn full_uri(&self) -> Option<String> {
        let host = self.header("host").filter(|_| self.request && !self.uri.contains("://"))?;
        Some(format!("http://{host}{}", self.uri))
    }

    /// The start line as sent.
    pub fn first_line(&self) -> String {
        if self.request {
            format!("{} {} {}", self.method, self.uri, self.version)
        } else {
            format!("{} {} {}", self.version, self.code, self.phrase)
        }
    }
}

/// tshark's Info text: the start line and a space, then the media type of a
/// body in parentheses: `GET / HTTP/1.1 `, `HTTP/1.1 200 OK  (text/html)`.
pub fn info(out: &mut impl fmt::Write, m: &HttpMsg) -> fmt::Result {
    write!(out, "{} ", m.first_line())?;
    if m.body_is_empty {
        return if m.continuation { out.write_str("Continuation") } else { Ok(()) };
    }
    // The body's dissector adds to the Info column, each in its own words.
    match (m.body_protocol(), m.media_type()) {
        (Some("png"), _) => out.write_str(" (PNG)")?,
        (Some("image-jfif"), _) => out.write_str(" (JPEG JFIF image)")?,
        (Some("image-gif"), _) if m.gif_version.is_some() => write!(out, " ({})", m.gif_version.unwrap_or_default())?,
        // XML names itself in the Protocol column (`HTTP/XML`) and adds nothing here.
        (Some("xml"), _) => {}
        // JSON appends its own name after a comma, right after the start line's space.
        (Some("json"), Some(t)) => write!(out, ", JavaScript Object Notation ({t})")?,
        (Some("data"), _) | (_, None) => {}
        (_, Some(t)) if t.starts_with("multipart/") => {}
        (_, Some(t)) => write!(out, " ({t})")?,
    }
    if m.continuation {
        // The bytes after a reassembled message go to HTTP again, which names
        // them a continuation of the connection.
        out.write_str("Continuation")?;
    }
    Ok(())
}

/// An SSDP datagram: one HTTP head over UDP (UPnP Device Architecture §1.3).
pub fn ssdp(payload: &[u8]) -> Option<Box<HttpMsg>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut m = HttpMsg { ssdp: true, body_is_empty: true, in_segment: true, ..HttpMsg::default() };
    if payload.starts_with(b"HTTP/") {
        let mut r = httparse::Response::new(&mut headers);
        let Ok(httparse::Status::Complete(n)) = r.parse(payload) else { return None };
        m.version = format!("HTTP/1.{}", r.version.unwrap_or(1));
        m.code = r.code.unwrap_or(0);
        m.phrase = r.reason.unwrap_or("").to_string();
        m.headers = collect(r.headers);
        m.head_len = n;
    } else {
        let mut r = httparse::Request::new(&mut headers);
        let Ok(httparse::Status::Complete(n)) = r.parse(payload) else { return None };
        m.request = true;
        m.method = r.method.unwrap_or("").to_string();
        m.uri = r.path.unwrap_or("").to_string();
        m.version = format!("HTTP/1.{}", r.version.unwrap_or(1));
        m.headers = collect(r.headers);
        m.head_len = n;
    }
    Some(Box::new(m))
}

/// The latest request of a connection.
#[derive(Clone, Debug)]
struct LastRequest {
    frame: u32,
    time: Nanos,
    head: bool,
    answered: bool,
    /// Its full URI, for the response's `http.response_for.uri`.
    uri: Option<Box<str>>,
    /// Its number among the connection's request/response pairs.
    number: u32,
    /// A CONNECT request (RFC 9110 §9.3.6), with the port its target names.
    connect: Option<Option<u16>>,
}

/// What the request a response answers changes about the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answering {
    /// Any other request, or none.
    Other,
    /// A HEAD request: the response has no body (RFC 9110 §9.3.2).
    Head,
    /// A CONNECT request: a 2xx response has no body and opens a tunnel (RFC 9110 §9.3.6).
    Connect,
}

/// A connection that stopped carrying HTTP: what its later bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switched {
    /// After a `101 Switching Protocols` response (RFC 9110 §15.2.2): the
    /// protocol its Upgrade header names (RFC 9110 §7.8), which tshark shows as
    /// data unless it knows it.
    Upgraded,
    /// Through a tunnel a CONNECT request opened (RFC 9110 §9.3.6): the bytes
    /// of the protocol of the target's port, which tshark looks up as if that
    /// port carried them.
    Tunnel {
        /// The port of the CONNECT request's target (`host:port`), if it names one.
        port: Option<u16>,
        /// The bytes come from the proxy (the server of the HTTP connection).
        from_server: bool,
    },
}

/// A message whose head is complete, waiting for body bytes.
struct BodyWait {
    msg: Box<HttpMsg>,
    remaining: u64,
    /// Some of the body was never captured: the message cannot be completed.
    broken: bool,
}

/// One direction waiting for the rest of a message.
#[derive(Default)]
struct Pending {
    /// The bytes of a head so far.
    buf: Vec<u8>,
    /// Segments that carried parts of the message.
    segments: u32,
    /// A head is complete; body bytes are counted, not kept.
    body: Option<BodyWait>,
    /// On an HTTP port: bytes that start no message, held (in `buf`) until
    /// their first line ends.
    unknown: bool,
    /// The relative sequence number after the bytes seen so far.
    next_seq: u32,
}

/// HTTP state of one pass.
#[derive(Default)]
pub struct HttpTracker {
    pending: FxHashMap<u64, Pending>,
    last: FxHashMap<u32, LastRequest>,
    learned: FxHashMap<u32, u32>,
    /// Request/response pairs so far, per connection.
    pairs: FxHashMap<u32, u32>,
    /// The frames of each pair: (connection, pair number) → (request, response), 0 for none.
    pair_frames: FxHashMap<(u32, u32), (u32, u32)>,
    /// Connections that switched to another protocol (an upgrade or a CONNECT
    /// tunnel), and the direction of the request that switched them.
    switched: FxHashMap<u32, (Switched, Option<Direction>)>,
}

/// What one segment gives.
pub enum Outcome {
    /// Not HTTP.
    NotHttp,
    /// Part of a message that later segments complete, with the start line
    /// when this segment begins the message.
    Partial(Option<Box<str>>),
    /// A whole message.
    Message(Box<HttpMsg>),
    /// On an HTTP port: bytes that start no message (tshark's `Continuation`).
    Continuation,
    /// Bytes of a connection that switched protocols after an HTTP exchange.
    Switched(Switched),
    /// On an HTTP port, in a connection without a request yet: bytes that
    /// start no message but whose first lines hold a colon. tshark takes those
    /// lines (`head` bytes) for header lines and the `body` bytes after them
    /// for data, without naming the frame HTTP in its columns.
    HeaderLines {
        /// Bytes of the lines taken for headers (with a blank line ending them).
        head: usize,
        /// Bytes after them.
        body: usize,
    },
}

/// Whether tshark's HTTP heuristic takes a segment on a port that is not an
/// HTTP port, in a connection not yet known to carry HTTP: its first line ends
/// within the segment and either starts with `HTTP/1.` (a status line) or ends
/// with `HTTP/1.x` (a request line, whatever its method and target look like).
/// From then on the connection is HTTP.
fn heuristic_accepts(b: &[u8]) -> bool {
    /// The length of `HTTP/1.x`.
    const VERSION_LEN: usize = 8;
    let Some((len, _)) = line_end(b, true) else { return false };
    let line = &b[..len];
    let version_at = |at: usize| line.get(at..at + VERSION_LEN - 1).is_some_and(|v| v.eq_ignore_ascii_case(b"HTTP/1."));
    len != VERSION_LEN && (version_at(0) || len.checked_sub(VERSION_LEN).is_some_and(version_at))
}

/// Whether the bytes start like an HTTP/1.x start line.
fn looks_like_http(b: &[u8]) -> bool {
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    METHODS.iter().any(|m| b.len() > m.len() && b.starts_with(m.as_bytes()) && b[m.len()] == b' ')
}

impl HttpTracker {
    /// Whether this segment's direction waits for the rest of a message: an
    /// out-of-order segment then fills a hole of it, and tshark tags it as a
    /// segment of the reassembled message.
    pub fn waits_for_more(&self, seg: &TcpData<'_>) -> bool {
        self.pending.contains_key(&dir_key(seg.stream, seg.dir))
    }

    /// Whether HTTP already holds this connection (a message seen or under way,
    /// or a switch): tshark then keeps handing it to HTTP, as the dissector of
    /// its conversation, before any port's dissector.
    pub fn holds(&self, stream: u32) -> bool {
        self.last.contains_key(&stream)
            || self.switched.contains_key(&stream)
            || [Direction::ClientToServer, Direction::ServerToClient]
                .iter()
                .any(|&d| self.pending.contains_key(&dir_key(stream, Some(d))))
            || self.pending.contains_key(&dir_key(stream, None))
    }

    /// Adds a TCP segment's payload.
    pub fn tcp(&mut self, seg: &TcpData<'_>, http_port: bool) -> Outcome {
        let key = dir_key(seg.stream, seg.dir);
        // Once a connection carried HTTP, tshark decodes all of it as HTTP (as on its ports).
        let mut http_port = http_port || self.last.contains_key(&seg.stream);
        if seg.resent || (seg.payload.is_empty() && !seg.fin) {
            return Outcome::NotHttp;
        }
        if let Some(&(sw, request_dir)) = self.switched.get(&seg.stream) {
            // tshark's HTTP hands every later byte of the connection on.
            self.pending.remove(&key);
            if seg.payload.is_empty() {
                return Outcome::NotHttp;
            }
            return Outcome::Switched(match sw {
                Switched::Tunnel { port, .. } => Switched::Tunnel { port, from_server: seg.dir != request_dir },
                other => other,
            });
        }
        if seg.payload.is_empty() {
            // A FIN ends a body still due (one that runs to the end of the
            // connection, or is shorter than its Content-Length).
            if self.pending.get(&key).is_none_or(|p| p.body.is_none()) {
                return Outcome::NotHttp;
            }
        }
        let held = self.pending.remove(&key);
        // Bytes were lost before this segment: flagged by TCP analysis, or (when
        // the flag went to an earlier segment without payload) seen by its sequence number.
        let gap = seg.gap || held.as_ref().is_some_and(|p| (seg.seq.wrapping_sub(p.next_seq) as i32) > 0);
        let mut p = held.unwrap_or_default();
        if (gap && !gap_within_body(&mut p, seg)) || (p.unknown && looks_like_http(seg.payload)) {
            // tshark abandons a message whose bytes were not all captured; and
            // unrecognised bytes give way to a message that starts here.
            p = Pending::default();
        }
        if let Some(mut wait) = p.body.take() {
            return self.body_bytes(key, &mut p, &mut wait, seg, http_port);
        }
        let starts = p.buf.is_empty() && !p.unknown;
        if starts && !http_port {
            if !heuristic_accepts(seg.payload) {
                return Outcome::NotHttp;
            }
            // The heuristic makes the connection HTTP: what follows a message goes to HTTP again.
            http_port = true;
        }
        if p.unknown || (starts && !looks_like_http(seg.payload)) {
            if !http_port {
                return Outcome::NotHttp;
            }
            return self.other_bytes(key, p, seg);
        }
        p.buf.extend_from_slice(seg.payload);
        let answering = match self.last.get(&seg.stream) {
            Some(o) if o.head && !o.answered => Answering::Head,
            Some(o) if o.connect.is_some() && !o.answered => Answering::Connect,
            _ => Answering::Other,
        };
        match parse(&p.buf, answering) {
            Parsed::Invalid if !has_blank_line(&p.buf) && p.buf.len() <= MAX_PDU => {
                // tshark knows a request by its method alone and waits for the
                // end of the head (a blank line) before judging the rest.
                p.segments += 1;
                self.keep(key, p, seg);
                Outcome::Partial(None)
            }
            Parsed::Invalid => Outcome::NotHttp,
            Parsed::Incomplete | Parsed::IncompleteChunked if p.buf.len() > MAX_PDU => Outcome::NotHttp,
            Parsed::Incomplete => {
                p.segments += 1;
                let line = if starts { start_line(seg.payload) } else { None };
                self.keep(key, p, seg);
                Outcome::Partial(line)
            }
            Parsed::IncompleteChunked => {
                // tshark parses the head again with every segment of a chunked body.
                p.segments += 1;
                let line = start_line(&p.buf);
                self.keep(key, p, seg);
                Outcome::Partial(line)
            }
            Parsed::AwaitBody(mut m, total) => {
                if total == UNTIL_CLOSE && seg.fin {
                    m.body_len = p.buf.len() - m.head_len;
                    m.in_segment = starts;
                    if !starts {
                        m.reassembled = std::mem::take(&mut p.buf);
                    }
                    m.segments = p.segments;
                    self.link(&mut m, seg);
                    return Outcome::Message(m);
                }
                // Only the count of body bytes still due is kept, not the bytes.
                let remaining =
                    if total == UNTIL_CLOSE { UNTIL_CLOSE } else { total.saturating_sub(p.buf.len() as u64) };
                let mut head = std::mem::take(&mut p.buf);
                head.truncate(m.head_len);
                m.reassembled = head;
                p.segments += 1;
                p.body = Some(BodyWait { msg: m, remaining, broken: false });
                self.keep(key, p, seg);
                Outcome::Partial(if starts { start_line(seg.payload) } else { None })
            }
            Parsed::Complete(mut m, used) => {
                m.segments = p.segments;
                m.in_segment = starts;
                let rest = p.buf.split_off(used.min(p.buf.len()));
                if !starts {
                    m.reassembled = std::mem::take(&mut p.buf);
                }
                self.finish(key, &mut m, rest, seg, http_port);
                Outcome::Message(m)
            }
        }
    }

    /// Bytes on an HTTP port that start no message, as tshark 4.0's HTTP
    /// dissector judges them (`dissect_http_message`): a first byte that is not
    /// printable ASCII is a `Continuation` once the connection carried a
    /// request, else nothing; printable bytes are held until their first line
    /// ends (CR, LF or CRLF), then they are a `Continuation` after a request,
    /// header lines when the first line holds a colon, else nothing.
    fn other_bytes(&mut self, key: u64, mut p: Pending, seg: &TcpData<'_>) -> Outcome {
        p.buf.extend_from_slice(seg.payload);
        // The connection carried a request (frame 0 marks a response without one).
        let request_seen = self.last.get(&seg.stream).is_some_and(|r| r.frame != 0);
        let b = skip_leading_crlf(&p.buf);
        if !b.first().is_some_and(|c| (0x20..0x7f).contains(c)) {
            return if request_seen { Outcome::Continuation } else { Outcome::NotHttp };
        }
        if line_end(b, false).is_none() {
            if p.buf.len() > MAX_PDU {
                return Outcome::NotHttp;
            }
            p.unknown = true;
            p.segments += 1;
            self.keep(key, p, seg);
            return Outcome::Partial(None);
        }
        if request_seen {
            return Outcome::Continuation;
        }
        match header_lines_len(b) {
            0 => Outcome::NotHttp,
            head => Outcome::HeaderLines { head, body: b.len() - head },
        }
    }

    /// Keeps the state of a direction until its next segment.
    fn keep(&mut self, key: u64, mut p: Pending, seg: &TcpData<'_>) {
        p.next_seq = seg.seq.wrapping_add(seg.payload.len() as u32);
        bounded_insert(&mut self.pending, key, p, MAX_PENDING_STREAMS);
    }

    /// Counts body bytes of a message whose head came earlier.
    fn body_bytes(
        &mut self,
        key: u64,
        p: &mut Pending,
        wait: &mut BodyWait,
        seg: &TcpData<'_>,
        http_port: bool,
    ) -> Outcome {
        let n = seg.payload.len() as u64;
        if wait.broken && (seg.fin || n >= wait.remaining) {
            // tshark never reassembles the message: this segment only ends it.
            let used = usize::try_from(wait.remaining).unwrap_or(usize::MAX).min(seg.payload.len());
            if looks_like_http(&seg.payload[used..]) {
                self.keep(key, Pending { buf: seg.payload[used..].to_vec(), ..Pending::default() }, seg);
            }
            return Outcome::Partial(None);
        }
        if seg.fin && n < wait.remaining {
            let mut m = std::mem::take(&mut wait.msg);
            m.segments = p.segments;
            m.body_len = m.body_len.saturating_add(seg.payload.len());
            self.link(&mut m, seg);
            return Outcome::Message(m);
        }
        if n < wait.remaining {
            if wait.remaining == UNTIL_CLOSE {
                wait.msg.body_len = wait.msg.body_len.saturating_add(seg.payload.len());
            } else {
                wait.remaining -= n;
            }
            p.segments += 1;
            let mut keep = std::mem::take(p);
            keep.body =
                Some(BodyWait { msg: std::mem::take(&mut wait.msg), remaining: wait.remaining, broken: wait.broken });
            self.keep(key, keep, seg);
            return Outcome::Partial(None);
        }
        let mut m = std::mem::take(&mut wait.msg);
        m.segments = p.segments;
        let used = usize::try_from(wait.remaining).unwrap_or(usize::MAX).min(seg.payload.len());
        self.finish(key, &mut m, seg.payload[used..].to_vec(), seg, http_port);
        Outcome::Message(m)
    }

    /// Ends a message: names the bytes after it, keeps a next message's start, links.
    fn finish(&mut self, key: u64, m: &mut HttpMsg, rest: Vec<u8>, seg: &TcpData<'_>, http_port: bool) {
        if !rest.is_empty() && !looks_like_http(&rest) {
            // tshark hands the rest of a reassembled segment to HTTP again
            // (on its ports), the rest of a single segment to data.
            m.trailing = if m.segments > 0 && http_port { &["http", "data"] } else { &["data"] };
            m.trailing_len = rest.len();
            // On an HTTP port HTTP looks at them again: a continuation of a
            // connection that carried a request (this one, or an earlier one:
            // frame 0 marks a response without one), else nothing, not even data.
            let request_seen = m.request || self.last.get(&seg.stream).is_some_and(|r| r.frame != 0);
            m.continuation = http_port && request_seen;
            if http_port && !request_seen {
                m.trailing = &[];
            }
        }
        if looks_like_http(&rest) {
            self.keep(key, Pending { buf: rest, ..Pending::default() }, seg);
        }
        self.link(m, seg);
    }

    /// Pairs a final response with the connection's latest unanswered request,
    /// as tshark does (an interim 1xx response answers nothing), and numbers
    /// the request/response pairs of the connection: a request starts a pair,
    /// a final response without an open request too.
    fn link(&mut self, m: &mut HttpMsg, seg: &TcpData<'_>) {
        if m.request {
            let number = self.next_pair(seg.stream);
            let r = LastRequest {
                frame: seg.frame,
                time: seg.time,
                head: m.method == "HEAD",
                answered: false,
                // Without a Host header tshark names the request by its target alone.
                uri: Some(m.full_uri().unwrap_or_else(|| m.uri.clone()).into()),
                number,
                connect: (m.method == "CONNECT").then(|| connect_port(&m.uri)),
            };
            bounded_insert(&mut self.last, seg.stream, r, MAX_CONNECTIONS);
            self.pair_frames_set(m, seg.stream, number, (seg.frame, 0));
            return;
        }
        self.switch_after(m, seg);
        match self.last.get_mut(&seg.stream) {
            Some(o) if !o.answered && m.code >= 200 => {
                o.answered = true;
                m.request_in = Some((o.frame, seg.time - o.time));
                m.request_uri = o.uri.clone();
                self.learned.insert(o.frame, seg.frame);
                let number = o.number;
                let req = o.frame;
                self.pair_frames_set(m, seg.stream, number, (req, seg.frame));
            }
            // After an answered request any response starts a pair of its own;
            // an interim one to an open request gets no number here.
            Some(o) if o.answered => {
                let number = self.next_pair(seg.stream);
                self.pair_frames_set(m, seg.stream, number, (0, seg.frame));
            }
            Some(_) => {}
            // A response without a request: the connection is HTTP all the same.
            None => {
                let number = self.next_pair(seg.stream);
                let r =
                    LastRequest { frame: 0, time: 0, head: false, answered: true, uri: None, number, connect: None };
                bounded_insert(&mut self.last, seg.stream, r, MAX_CONNECTIONS);
                self.pair_frames_set(m, seg.stream, number, (0, seg.frame));
            }
        }
    }

    /// Notes a response that switches its connection to another protocol: a
    /// `101 Switching Protocols` (RFC 9110 §15.2.2), or a 2xx answering a
    /// CONNECT request (RFC 9110 §9.3.6). Call before the response is linked.
    fn switch_after(&mut self, m: &HttpMsg, seg: &TcpData<'_>) {
        let open = self.last.get(&seg.stream).filter(|o| !o.answered);
        let sw = match open.and_then(|o| o.connect) {
            _ if m.code == 101 => Switched::Upgraded,
            Some(port) if (200..300).contains(&m.code) => Switched::Tunnel { port, from_server: true },
            _ => return,
        };
        // The request went the other way.
        let request_dir = seg.dir.map(|d| match d {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        });
        bounded_insert(&mut self.switched, seg.stream, (sw, request_dir), MAX_CONNECTIONS);
    }

    /// Records the frames of pair `number` of a connection, and gives `m` its
    /// number and the frames of the pair before it.
    fn pair_frames_set(&mut self, m: &mut HttpMsg, stream: u32, number: u32, frames: (u32, u32)) {
        bounded_insert(&mut self.pair_frames, (stream, number), frames, MAX_PAIRS);
        let all = self.pairs.get(&stream).copied().unwrap_or(number);
        m.number = Some((number, all));
        let before = number.checked_sub(1).and_then(|n| self.pair_frames.get(&(stream, n)));
        m.prev = before.copied().unwrap_or_default();
    }

    /// Starts the next request/response pair of a connection; returns its number.
    fn next_pair(&mut self, stream: u32) -> u32 {
        let n = self.pairs.get(&stream).map_or(1, |n| n + 1);
        bounded_insert(&mut self.pairs, stream, n, MAX_CONNECTIONS);
        n
    }

    /// Adds what this pass learned to `facts`.
    pub fn learn_into(self, facts: &mut AppFacts) {
        facts.http_response_in.extend(self.learned);
        facts.http_pairs.extend(self.pairs);
        facts.http_pair_frames.extend(self.pair_frames);
    }
}

/// Whether a segment after a capture gap still lies in the body of the message
/// in progress, as tshark's reassembly sees it: a body whose length is known
/// (or that runs to the close) takes every segment up to its end, so the
/// message is held, never completed. Counts the missing bytes as received.
fn gap_within_body(p: &mut Pending, seg: &TcpData<'_>) -> bool {
    let Some(wait) = p.body.as_mut() else { return false };
    let missing = u64::from(seg.seq.wrapping_sub(p.next_seq));
    if wait.remaining != UNTIL_CLOSE {
        if missing >= wait.remaining {
            return false;
        }
        wait.remaining -= missing;
    }
    wait.broken = true;
    true
}

/// The signatures a GIF image starts with (GIF89a specification, §17).
const GIF87A: &str = "GIF87a";
const GIF89A: &str = "GIF89a";

/// The port of a CONNECT request's target, `host:port` (RFC 9110 §9.3.6).
fn connect_port(target: &str) -> Option<u16> {
    target.rsplit_once(':').and_then(|(_, port)| port.parse().ok())
}

/// The start line of a message, when the bytes hold all of it.
fn start_line(b: &[u8]) -> Option<Box<str>> {
    let end = find_crlf(b)?;
    std::str::from_utf8(&b[..end]).ok().map(Into::into)
}

/// The body length of a response that ends when the server closes.
const UNTIL_CLOSE: u64 = u64::MAX;

/// The result of parsing buffered bytes.
enum Parsed {
    Invalid,
    Incomplete,
    /// The head is complete, the chunked body is not.
    IncompleteChunked,
    /// The head is complete; the message needs this many bytes in all.
    AwaitBody(Box<HttpMsg>, u64),
    Complete(Box<HttpMsg>, usize),
}

/// Parses a head with httparse, then finds the end of the body (RFC 9112 §6.3).
fn parse(buf: &[u8], answering: Answering) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut m = HttpMsg::default();
    let head_len = if buf.starts_with(b"HTTP/") {
        let mut r = httparse::Response::new(&mut headers);
        match r.parse(buf) {
            Ok(httparse::Status::Complete(n)) => {
                m.version = format!("HTTP/1.{}", r.version.unwrap_or(1));
                m.code = r.code.unwrap_or(0);
                m.phrase = r.reason.unwrap_or("").to_string();
                m.headers = collect(r.headers);
                n
            }
            Ok(httparse::Status::Partial) => return Parsed::Incomplete,
            Err(_) => return Parsed::Invalid,
        }
    } else {
        let mut r = httparse::Request::new(&mut headers);
        match r.parse(buf) {
            Ok(httparse::Status::Complete(n)) => {
                m.request = true;
                m.method = r.method.unwrap_or("").to_string();
                m.uri = r.path.unwrap_or("").to_string();
                m.version = format!("HTTP/1.{}", r.version.unwrap_or(1));
                m.headers = collect(r.headers);
                n
            }
            Ok(httparse::Status::Partial) => return Parsed::Incomplete,
            Err(_) => return lenient_request(buf).map_or(Parsed::Invalid, |(m, n)| Parsed::Complete(Box::new(m), n)),
        }
    };
    m.head_len = head_len;
    let rest = &buf[head_len..];
    m.gif_version = [GIF87A, GIF89A].into_iter().find(|v| rest.starts_with(v.as_bytes()));
    let no_body = !m.request
        && ((100..200).contains(&m.code)
            || m.code == 204
            || m.code == 304
            || answering == Answering::Head
            || (answering == Answering::Connect && (200..300).contains(&m.code)));
    let chunked = m.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body_len = if no_body {
        0
    } else if chunked {
        match chunked_len(rest) {
            Some(n) => n,
            None => return Parsed::IncompleteChunked,
        }
    } else if let Some(n) = m.content_length() {
        if (rest.len() as u64) < n {
            m.head_len = head_len;
            m.body_len = usize::try_from(n).unwrap_or(usize::MAX);
            m.body_is_empty = n == 0;
            // Saturating: Content-Length may be as large as u64 allows, and
            // UNTIL_CLOSE stays distinct.
            let total = (head_len as u64).saturating_add(n).min(UNTIL_CLOSE - 1);
            return Parsed::AwaitBody(Box::new(m), total);
        }
        n as usize
    } else if m.request {
        0
    } else {
        // No length: the body runs to the end of the connection (RFC 9112 §6.3 item 8).
        m.head_len = head_len;
        m.body_is_empty = false;
        return Parsed::AwaitBody(Box::new(m), UNTIL_CLOSE);
    };
    m.body_len = body_len;
    m.body_is_empty = body_len == 0 || (chunked && body_len <= 5);
    if !chunked && !m.body_is_empty {
        m.decoded_len = m.content_coding().and_then(|c| decoded_len(&c, &rest[..body_len]));
        // A coded body that decodes to nothing: tshark hands no bytes to a body dissector.
        m.body_is_empty = m.decoded_len == Some(0);
    }
    Parsed::Complete(Box::new(m), head_len + body_len)
}

/// A request whose start line httparse refuses but tshark reads: a known
/// method, the target up to the next space, and the rest of the line for the
/// version (`CONNECT host:25 / HTTP/1.0`), which must end `HTTP/1.x`. Header
/// lines follow up to a blank line, or up to a line without a colon, where
/// tshark ends the head (what follows is not part of the message). Such a
/// request has no body. None while its head is incomplete or not like this.
fn lenient_request(buf: &[u8]) -> Option<(HttpMsg, usize)> {
    let (len, mut off) = line_end(buf, true)?;
    let line = std::str::from_utf8(&buf[..len]).ok()?;
    let (method, rest) = line.split_once(' ')?;
    let (uri, version) = rest.split_once(' ')?;
    let ends_in_version =
        version.len() >= 8 && version[version.len() - 8..].to_ascii_uppercase().starts_with("HTTP/1.");
    if !METHODS.contains(&method) || uri.is_empty() || !uri.bytes().all(|c| c.is_ascii_graphic()) || !ends_in_version {
        return None;
    }
    let mut m = HttpMsg {
        request: true,
        method: method.into(),
        uri: uri.into(),
        version: version.into(),
        body_is_empty: true,
        ..HttpMsg::default()
    };
    loop {
        let rest = &buf[off..];
        let (len, next) = line_end(rest, false)?;
        if len == 0 {
            off += next;
            break;
        }
        let Some((name, value)) = std::str::from_utf8(&rest[..len]).ok().and_then(|l| l.split_once(':')) else {
            break;
        };
        m.headers.push(name, value.trim());
        off += next;
    }
    m.head_len = off;
    Some((m, off))
}

/// The length of a gzip or deflate body once decoded (RFC 9110 §8.4.1), or
/// `None` if it does not decode or decodes to more than [`MAX_PDU`] bytes.
fn decoded_len(coding: &str, body: &[u8]) -> Option<usize> {
    use std::io::Read;
    let mut out = Vec::new();
    let limit = MAX_PDU as u64 + 1;
    let read = match coding {
        "gzip" | "x-gzip" => flate2::read::GzDecoder::new(body).take(limit).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(body).take(limit).read_to_end(&mut out),
        _ => return None,
    };
    read.ok().filter(|&n| n <= MAX_PDU)
}

fn collect(h: &[httparse::Header<'_>]) -> headers::Headers {
    let bytes = h.iter().map(|h| h.name.len() + h.value.len()).sum();
    let mut out = headers::Headers::with_capacity(h.len(), bytes);
    for h in h {
        out.push(h.name, &String::from_utf8_lossy(h.value));
    }
    out
}

/// The length of a complete chunked body with its trailers (RFC 9112 §7.1),
/// None while incomplete or malformed.
fn chunked_len(b: &[u8]) -> Option<usize> {
    let mut decoder = ChunkedDecoder::new();
    let used = decoder.skip(b).ok()?;
    decoder.is_done().then_some(used)
}

/// The bytes after one leading CRLF, which tshark skips before a message
/// (RFC 9112 §2.2) when more than 3 bytes are there.
fn skip_leading_crlf(b: &[u8]) -> &[u8] {
    if b.len() > 3 && b.starts_with(b"\r\n") {
        &b[2..]
    } else {
        b
    }
}

/// The length of the first line and the offset after its end, which is CR, LF
/// or CRLF (as Wireshark's `tvb_find_line_end`). A CR as the last byte ends
/// the line only when `cr_at_end_ends` (else an LF may follow in the next segment).
pub(super) fn line_end(b: &[u8], cr_at_end_ends: bool) -> Option<(usize, usize)> {
    let i = b.iter().position(|&c| c == b'\r' || c == b'\n')?;
    match (b[i], b.get(i + 1)) {
        (b'\r', Some(b'\n')) => Some((i, i + 2)),
        (b'\r', None) if !cr_at_end_ends => None,
        _ => Some((i, i + 1)),
    }
}

/// How many bytes at the start of `b` tshark takes for header lines: lines
/// holding a colon, up to and with a blank line, or up to the first line
/// without a colon. 0 when the first line has none.
fn header_lines_len(b: &[u8]) -> usize {
    let mut off = 0;
    while off < b.len() {
        let rest = &b[off..];
        let (len, next) = line_end(rest, true).unwrap_or((rest.len(), rest.len()));
        if len == 0 {
            return off + next;
        }
        if !rest[..len].contains(&b':') {
            return off;
        }
        off += next;
    }
    off
}

/// How many of the header lines in `head` have a name (the bytes before the
/// colon) holding a byte that is no token character (RFC 9110 §5.1, §5.6.2):
/// tshark warns about each.
pub fn bad_header_names(head: &[u8]) -> usize {
    let mut rest = head;
    let mut bad = 0;
    while !rest.is_empty() {
        let (len, next) = line_end(rest, true).unwrap_or((rest.len(), rest.len()));
        let name = rest[..len].iter().position(|&c| c == b':').map(|colon| &rest[..colon]);
        if name.is_some_and(|n| !n.iter().all(|&c| is_tchar(c))) {
            bad += 1;
        }
        rest = &rest[next..];
    }
    bad
}

/// A token character (RFC 9110 §5.6.2).
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// Whether the bytes hold an empty line (the end of a head), its line ends
/// being CRLF or LF.
fn has_blank_line(b: &[u8]) -> bool {
    b.windows(2).any(|w| w == b"\n\n") || b.windows(3).any(|w| w == b"\n\r\n")
}

fn find_crlf(b: &[u8]) -> Option<usize> {
    b.windows(2).position(|w| w == b"\r\n")
}

/// The teaching note for a header the lab's web server must send.
pub fn header_note(name: &str) -> Option<&'static str> {
    HEADER_NOTES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, note)| note)
}

/// The headers the lab asks about, by lowercase name, with their notes.
const HEADER_NOTES: [(&str, &str); 7] = [
    (
        "connection",
        "Connection: keep-alive reuses this TCP connection for the next request; close ends it after this response",
    ),
    ("date", "Date: when the server made this response (an HTTP-date in GMT, RFC 9110 §6.6.1)"),
    ("server", "Server: the software that answered"),
    (
        "last-modified",
        "Last-Modified: when the file last changed; a conditional GET sends it back in If-Modified-Since",
    ),
    ("if-modified-since", "If-Modified-Since: send the file only if it changed since then, else 304 Not Modified"),
    ("content-length", "Content-Length: bytes of body after the empty line; the receiver reads exactly that many"),
    ("content-type", "Content-Type: the media type of the body, so the browser knows how to show it"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::tcp::Direction;

    fn seg(payload: &[u8], frame: u32) -> TcpData<'_> {
        TcpData {
            stream: 0,
            dir: None,
            resent: false,
            gap: false,
            fin: false,
            seq: 0,
            payload,
            frame,
            time: i64::from(frame) * 1000,
        }
    }

    fn dir_seg(payload: &[u8], frame: u32, dir: Direction) -> TcpData<'_> {
        TcpData { dir: Some(dir), ..seg(payload, frame) }
    }

    /// Regression (zeek-traces http/docker-http-upgrade.pcap frames 14, 16, 26,
    /// 33, 36): after `101` with `Upgrade: tcp` tshark hands every later byte of
    /// the connection, both ways, to data: no `Continuation`, no segment of a
    /// message that never comes.
    #[test]
    fn a_101_response_switches_the_connection_away_from_http() {
        use Direction::{ClientToServer as C, ServerToClient as S};
        let mut t = HttpTracker::default();
        let req = b"POST /v1.41/containers/cc4f/attach?stream=1 HTTP/1.1\r\nHost: 192.168.122.87:2375\r\n\
Content-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
        assert!(matches!(t.tcp(&dir_seg(req, 14, C), false), Outcome::Message(_)));
        let rep = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\
Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
        match t.tcp(&dir_seg(rep, 16, S), false) {
            Outcome::Message(m) => assert_eq!((m.code, m.body_len, m.trailing_len), (101, 0, 0)),
            _ => panic!("the 101 response is a message"),
        }
        for (f, bytes, dir) in [(26, &b"/ # "[..], S), (33, &b"\x1b[6n"[..], S), (36, &b"l"[..], C)] {
            assert!(matches!(t.tcp(&dir_seg(bytes, f, dir), false), Outcome::Switched(Switched::Upgraded)));
        }
        // A resent segment or an empty FIN is no payload to hand on.
        assert!(matches!(t.tcp(&TcpData { fin: true, ..dir_seg(b"", 40, C) }, false), Outcome::NotHttp));
    }

    /// Regression (zeek-traces http/connect-with-header.pcap frames 5, 7, 9, 11):
    /// a 2xx answering CONNECT has no body even without Content-Length (RFC
    /// 9110 §9.3.6), and the tunnel after it carries the target port's protocol;
    /// tshark takes the proxy's bytes for the ones going to that port.
    #[test]
    fn a_2xx_answering_connect_ends_at_its_head_and_opens_a_tunnel() {
        use Direction::{ClientToServer as C, ServerToClient as S};
        let mut t = HttpTracker::default();
        let req = b"CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n";
        match t.tcp(&dir_seg(req, 5, C), true) {
            Outcome::Message(m) => assert_eq!(m.method, "CONNECT"),
            _ => panic!("the CONNECT request is a message"),
        }
        let rep = b"HTTP/1.0 200 Connection Established\r\nProxy-agent: Apache\r\n\r\n";
        match t.tcp(&dir_seg(rep, 7, S), true) {
            Outcome::Message(m) => assert_eq!((m.code, m.body_len, m.request_in.map(|r| r.0)), (200, 0, Some(5))),
            _ => panic!("the 200 response is a whole message"),
        }
        let hello = [0x16, 0x03, 0x01, 0x00, 0xdc, 0x01];
        let tunnel = |o| match o {
            Outcome::Switched(Switched::Tunnel { port, from_server }) => Some((port, from_server)),
            _ => None,
        };
        assert_eq!(tunnel(t.tcp(&dir_seg(&hello, 9, C), true)), Some((Some(443), false)));
        assert_eq!(tunnel(t.tcp(&dir_seg(&hello, 11, S), true)), Some((Some(443), true)));
    }

    /// A CONNECT refused (not 2xx) leaves the connection HTTP; a target without
    /// a port opens a tunnel whose bytes no port names.
    #[test]
    fn only_a_2xx_opens_a_connect_tunnel() {
        use Direction::{ClientToServer as C, ServerToClient as S};
        let mut t = HttpTracker::default();
        t.tcp(&dir_seg(b"CONNECT host:25 HTTP/1.1\r\n\r\n", 1, C), true);
        let rep = b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n";
        assert!(matches!(t.tcp(&dir_seg(rep, 2, S), true), Outcome::Message(_)));
        assert!(matches!(t.tcp(&dir_seg(b"GET / HTTP/1.1\r\n\r\n", 3, C), true), Outcome::Message(_)));
        assert_eq!(connect_port("host"), None);
        assert_eq!(connect_port("[::1]:8443"), Some(8443));
        assert_eq!(connect_port("host:99999"), None);
    }

    /// Regression (suricata-verify tcp-urgp-01-oob frames 4, 5, 8, 10): off the
    /// HTTP ports tshark's heuristic takes a segment only when its first line
    /// ends in it, starting `HTTP/1.` or ending `HTTP/1.x`; a request line cut
    /// in two is no HTTP, a whole status line makes the connection HTTP.
    #[test]
    fn off_the_http_ports_a_first_line_must_end_in_its_segment() {
        assert!(!heuristic_accepts(b"GET /malic"));
        assert!(heuristic_accepts(b"GET /x HTTP/1.1\r\n"));
        assert!(heuristic_accepts(b"http/1.1 200 OK\r\n"));
        assert!(!heuristic_accepts(b"HTTP/1.1\r\n"));
        assert!(!heuristic_accepts(b""));
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"GET /malic", 4), false), Outcome::NotHttp));
        // The rest of that request starts no message: nothing either.
        assert!(matches!(t.tcp(&seg(b"ious HTTP/1.1\r\nHost: x\r\n\r\n", 8), false), Outcome::NotHttp));
        let rep = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assert!(matches!(t.tcp(&seg(rep, 10), false), Outcome::Message(_)));
    }

    /// Regression (zeek-traces http/connect-with-smtp.pcap frame 4): tshark reads
    /// `CONNECT host:25 / HTTP/1.0` (the rest of the line is the version), ends
    /// the head at a line without a colon, and hands what follows to HTTP again
    /// (`Continuation`), since its heuristic made the connection HTTP.
    #[test]
    fn a_request_line_httparse_refuses_is_read_as_tshark_reads_it() {
        let req = b"CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0\r\nMozilla 4.0 (compatible)\r\n\r\n";
        let mut t = HttpTracker::default();
        let Outcome::Message(m) = t.tcp(&seg(req, 4), false) else { panic!("a request") };
        assert_eq!(
            (m.method.as_str(), m.uri.as_str(), m.version.as_str()),
            ("CONNECT", "mailin03.sul.t-online.de:25", "/ HTTP/1.0")
        );
        assert_eq!((m.head_len, m.trailing_len, m.continuation), (48, 28, true));
        let mut s = String::new();
        info(&mut s, &m).unwrap();
        assert_eq!(s, "CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0 Continuation");
        assert!(lenient_request(b"BREW /pot / HTTP/1.0\r\n\r\n").is_none());
        assert!(lenient_request(b"GET /a b c\r\n\r\n").is_none());
        assert!(lenient_request(b"GET /a / HTTP/1.0\r\nHost: x").is_none());
    }

    /// Regression (zeek-traces http/http-single-conn-22.pcap frame 4): HTTP
    /// holds a connection once a message started or came (then it goes before a
    /// port's protocol, as tshark's conversation dissector), not before.
    #[test]
    fn a_connection_is_held_from_its_first_message() {
        let mut t = HttpTracker::default();
        assert!(!t.holds(0));
        assert!(matches!(t.tcp(&seg(b"GET / HTTP/1.1\r\nHost: x", 1), false), Outcome::Partial(_)));
        assert!(t.holds(0) && !t.holds(1));
    }

    /// Regression (chrissanders-packets http_espn.pcapng frames 329 and 824): a
    /// GIF body shows its version, an XML body nothing (XML names the Protocol
    /// column), a JSON body its name after one comma.
    #[test]
    fn body_dissectors_add_their_own_words_to_info() {
        let line = |rep: &[u8]| {
            let mut t = HttpTracker::default();
            let Outcome::Message(m) = t.tcp(&seg(rep, 1), true) else { panic!("a response") };
            let mut s = String::new();
            info(&mut s, &m).unwrap();
            s
        };
        let gif = b"HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 8\r\n\r\nGIF89a\x01\x00";
        assert_eq!(line(gif), "HTTP/1.1 200 OK  (GIF89a)");
        let not_gif = b"HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 2\r\n\r\nhi";
        assert_eq!(line(not_gif), "HTTP/1.1 200 OK  (image/gif)");
        let xml = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<a/>";
        assert_eq!(line(xml), "HTTP/1.1 200 OK ");
        let json = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(line(json), "HTTP/1.1 201 Created , JavaScript Object Notation (application/json)");
    }

    /// Regression (suricata-verify http-gap-double frames 5 and 9): a request
    /// without Host names its response's `http.response_for.uri` by its target.
    #[test]
    fn response_names_a_request_without_host_by_its_target() {
        let mut t = HttpTracker::default();
        let mut msg = |b: &[u8], f| match t.tcp(&seg(b, f), true) {
            Outcome::Message(m) => m,
            _ => panic!("no message in frame {f}"),
        };
        msg(b"GET /1 HTTP/1.0\r\nUser-Agent: Mozilla\r\n\r\n", 5);
        let rep = msg(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 9);
        assert_eq!(rep.request_uri.as_deref(), Some("/1"));
    }

    /// tshark numbers the request/response pairs of a connection and links each
    /// pair to the one before it (the first pass learns the totals and the next ones).
    #[test]
    fn pairs_are_numbered_per_connection_with_the_previous_pair() {
        let mut t = HttpTracker::default();
        let mut msg = |b: &[u8], f| match t.tcp(&seg(b, f), true) {
            Outcome::Message(m) => m,
            _ => panic!("no message in frame {f}"),
        };
        let req = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let rep = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        let (q1, r1, q2, r2) = (msg(req, 1), msg(rep, 2), msg(req, 3), msg(rep, 4));
        assert_eq!(
            [q1.number, r1.number, q2.number, r2.number],
            [Some((1, 1)), Some((1, 1)), Some((2, 2)), Some((2, 2))]
        );
        assert_eq!((q1.prev, q2.prev, r2.prev), ((0, 0), (1, 2), (1, 2)));
        assert_eq!(r1.request_uri.as_deref(), Some("http://a/"));
        let mut facts = AppFacts::default();
        t.learn_into(&mut facts);
        assert_eq!(facts.http_pairs.get(&0), Some(&2));
        assert_eq!(facts.http_pair_frames.get(&(0, 2)), Some(&(3, 4)));
    }

    #[test]
    fn request_split_over_two_segments() {
        let mut t = HttpTracker::default();
        // On an HTTP port (off them tshark's heuristic wants the whole first line).
        assert!(matches!(t.tcp(&seg(b"GET /HelloWorld.html HT", 1), true), Outcome::Partial(_)));
        let Outcome::Message(m) = t.tcp(&seg(b"TP/1.1\r\nHost: x\r\n\r\n", 2), true) else { panic!("no message") };
        let mut s = String::new();
        info(&mut s, &m).unwrap();
        assert_eq!(s, "GET /HelloWorld.html HTTP/1.1 ");
        assert_eq!(m.segments, 1);
    }

    #[test]
    fn response_body_by_content_length_and_chunks() {
        let mut t = HttpTracker::default();
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\nab";
        assert!(matches!(t.tcp(&seg(head, 1), false), Outcome::Partial(_)));
        let Outcome::Message(m) = t.tcp(&seg(b"cd", 2), false) else { panic!("no message") };
        let mut s = String::new();
        info(&mut s, &m).unwrap();
        assert_eq!(s, "HTTP/1.1 200 OK  (text/html)");
        assert_eq!(m.body_protocol(), Some("data-text-lines"));
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n\r\n"), Some(13));
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n"), None);
        assert_eq!(chunked_len(b"zz\r\n"), None);
    }

    #[test]
    fn bytes_after_the_body_are_data_or_a_continuation() {
        // Regression (suricata-verify http-gap-double frames 9 and 25): "\r\n" after a 2-byte body.
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"GET / HTTP/1.0\r\n\r\n", 1), true), Outcome::Message(_)));
        let whole = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n";
        let Outcome::Message(m) = t.tcp(&seg(whole, 2), true) else { panic!("no message") };
        assert_eq!(m.trailing, ["data"]);
        assert!(m.continuation);
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"GET / HTTP/1.0\r\n\r\n", 1), true), Outcome::Message(_)));
        assert!(matches!(t.tcp(&seg(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", 2), true), Outcome::Partial(_)));
        let Outcome::Message(m) = t.tcp(&seg(b"ok\r\n", 3), true) else { panic!("no message") };
        assert_eq!(m.trailing, ["http", "data"]);
        assert!(m.continuation);
    }

    #[test]
    fn a_direction_waits_while_a_body_is_due() {
        // An out-of-order segment of such a direction fills a hole of the message
        // (suricata-verify tcp-rst-unacked-stream-10: tshark tags it).
        let mut t = HttpTracker::default();
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        assert!(!t.waits_for_more(&seg(head, 1)));
        assert!(matches!(t.tcp(&seg(head, 1), true), Outcome::Partial(_)));
        assert!(t.waits_for_more(&seg(b"defg", 2)));
        assert!(matches!(t.tcp(&seg(b"defghij", 2), true), Outcome::Message(_)));
        assert!(!t.waits_for_more(&seg(b"", 3)));
    }

    #[test]
    fn bytes_after_the_body_without_a_request_are_nothing() {
        // Regression (suricata-verify http-async-srv frame 4): only the server's side was
        // captured; tshark names the "\n" after the 12-byte body neither data nor Continuation.
        let mut t = HttpTracker::default();
        let whole = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\nHello World!\n";
        let Outcome::Message(m) = t.tcp(&seg(whole, 4), true) else { panic!("no message") };
        assert!(m.trailing.is_empty());
        assert!(!m.continuation);
        let mut info = String::new();
        super::info(&mut info, &m).unwrap();
        assert_eq!(info, "HTTP/1.0 200 OK  (text/html)");
    }

    #[test]
    fn content_length_of_u64_max_does_not_overflow() {
        // Regression: zeek-traces/http/261/variant-02-cl_uint64max.pcap panicked (add overflow).
        let mut t = HttpTracker::default();
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nab";
        assert!(matches!(t.tcp(&seg(head, 1), true), Outcome::Partial(_)));
        assert!(matches!(t.tcp(&seg(b"more body", 2), true), Outcome::Partial(None)));
        let fin = TcpData { fin: true, ..seg(b"", 3) };
        assert!(matches!(t.tcp(&fin, true), Outcome::Message(_)));
    }

    #[test]
    fn on_an_http_port_other_bytes_are_a_continuation_after_a_request() {
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1), true), Outcome::Message(_)));
        let back = |payload, frame| TcpData { dir: Some(Direction::ServerToClient), ..seg(payload, frame) };
        assert!(matches!(t.tcp(&back(b"\x01\x02", 2), true), Outcome::Continuation));
        assert!(matches!(t.tcp(&back(b"text", 3), true), Outcome::Partial(None)));
        assert!(matches!(t.tcp(&back(b" tail\r\n", 4), true), Outcome::Continuation));
        // Another connection, on no HTTP port.
        assert!(matches!(t.tcp(&TcpData { stream: 1, ..seg(b"\x01\x02", 5) }, false), Outcome::NotHttp));
    }

    #[test]
    fn binary_on_port_80_without_a_request_is_nothing_or_header_lines() {
        // Regression (chrissanders-packets/tcp_dupack.pcapng frames 2, 4, 6: a
        // stream seen without its SYN, server data on port 80): a first byte that
        // is not printable is nothing to tshark; frame 6 starts printable, its
        // first four lines (ended by LF or CR) hold a colon, the fifth does not:
        // header lines, then data.
        let mut t = HttpTracker::default();
        let frame2 = b"\x9f\xca\x81\xc9\xe9\xcd%\x07\xdb4\xb9>\r\xb9\xf5";
        let frame4 = b"\x34\x01\x93\xcf\xd6\x81\xedGC\xcd\x15,rll\n\x8e";
        let frame6 = b"N\xbdM\x1cg:\xda\x80\nE\x06:\xee\rh\xc1\x1d:\xa8\r\x1dh:\xf7\n4\x01\x93\n\xcf\xd6\x81";
        assert!(matches!(t.tcp(&seg(frame2, 2), true), Outcome::NotHttp));
        assert!(matches!(t.tcp(&seg(frame4, 4), true), Outcome::NotHttp));
        let Outcome::HeaderLines { head, body } = t.tcp(&seg(frame6, 6), true) else { panic!("no header lines") };
        assert_eq!((head, body), (25, 7));
    }

    #[test]
    fn printable_bytes_wait_for_a_line_end_and_without_a_colon_are_nothing() {
        // Regression (zeek-traces/tcp/reassembly.pcap frames 108 and 110): bytes
        // after a gap with no line end are held; the next segment ends the first
        // line, which has no colon: tshark shows no HTTP (and no Continuation).
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&TcpData { gap: true, ..seg(b"OOOOOOOO", 108) }, true), Outcome::Partial(None)));
        let frame110 = b"OOOO\r\n<g:sql>\r\nSelect \"DAV:displayname\" from scope()\r\n</g:sql>\r\n";
        assert!(matches!(t.tcp(&TcpData { fin: true, seq: 8, ..seg(frame110, 110) }, true), Outcome::NotHttp));
    }

    #[test]
    fn a_gap_inside_a_known_body_holds_its_segments() {
        // Regression (suricata-verify tcp-rst-unacked-stream-10 frames 20-22):
        // segments after a gap but inside a Content-Length body stay segments of
        // the message, which is never completed.
        let mut t = HttpTracker::default();
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
        assert!(matches!(t.tcp(&seg(head, 1), true), Outcome::Partial(Some(_))));
        let after_gap = TcpData { gap: true, seq: head.len() as u32 + 50, ..seg(b"H\x11\xdb\r\xb6\xc7", 2) };
        assert!(matches!(t.tcp(&after_gap, true), Outcome::Partial(None)));
        let end = TcpData { seq: head.len() as u32 + 56, ..seg(&[b'x'; 34], 3) };
        assert!(matches!(t.tcp(&end, true), Outcome::Partial(None)));
        let next = TcpData { seq: head.len() as u32 + 90, ..seg(b"HTTP/1.1 204 No Content\r\n\r\n", 4) };
        assert!(matches!(t.tcp(&next, true), Outcome::Message(_)));
    }

    #[test]
    fn a_request_line_without_version_waits_for_the_end_of_its_head() {
        // Regression (suricata-verify http-data-after-09 frames 5 and 9): tshark
        // holds "POST abcd12345" and the next line as one unfinished head.
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"POST abcd12345\n", 5), true), Outcome::Partial(None)));
        let frame9 = b"USER abab1212 \"zz\" \"yy\" :f6e1 l6e13\n";
        assert!(matches!(t.tcp(&seg(frame9, 9), true), Outcome::Partial(None)));
        assert!(matches!(t.tcp(&seg(b"\n", 10), true), Outcome::NotHttp));
    }

    #[test]
    fn header_names_with_bytes_outside_tokens_are_bad() {
        assert_eq!(bad_header_names(b"Host: a\r\nX-Y_z: b\r\n"), 0);
        assert_eq!(bad_header_names(b"N\xbdM:x\nE\x06:y\rno colon\na b:c\n"), 3);
        assert_eq!(bad_header_names(b""), 0);
    }

    #[test]
    fn header_lines_end_at_a_blank_line_or_a_line_without_colon() {
        assert_eq!(header_lines_len(b"a:b\nc:d\r\n\r\nbody"), 11);
        assert_eq!(header_lines_len(b"a:b\rno colon\n"), 4);
        assert_eq!(header_lines_len(b"no colon\na:b\n"), 0);
        assert_eq!(header_lines_len(b"a:b"), 3);
        assert_eq!(line_end(b"ab\r", false), None);
        assert_eq!(line_end(b"ab\r", true), Some((2, 3)));
        assert_eq!(skip_leading_crlf(b"\r\nGET"), b"GET");
    }

    #[test]
    fn not_http_and_garbage_never_panic() {
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"hello", 1), false), Outcome::NotHttp));
        assert!(matches!(t.tcp(&seg(b"GET \x00\x01 HTTP/1.1\r\n\r\n", 2), false), Outcome::NotHttp));
        assert!(matches!(
            t.tcp(&seg(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 3), false),
            Outcome::Partial(_) | Outcome::NotHttp
        ));
    }
}
