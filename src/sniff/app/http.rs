//! HTTP/1.x in the sniffer (RFC 9112): messages recognised by content on any TCP
//! port (a request line `METHOD SP URI SP HTTP/1.x` or a status line
//! `HTTP/1.x SP 3DIGIT`), reassembled across segments until the head and the
//! body (Content-Length or chunked) are complete, as tshark does; requests and
//! responses paired in order within a connection.

use super::{bounded_insert, dir_key, AppFacts, TcpData, MAX_PDU, MAX_PENDING_STREAMS};
use crate::sniff::hash::FxHashMap;
use crate::sniff::value::Nanos;
use std::fmt;

/// Most connections whose latest request is remembered.
const MAX_CONNECTIONS: usize = 65_536;

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
    pub headers: Vec<(String, String)>,
    /// Bytes of the head (start line, headers, empty line).
    pub head_len: usize,
    /// Bytes of the body as sent (chunked framing included).
    pub body_len: usize,
    /// The body after removing chunked framing, up to its first bytes only.
    pub body_is_empty: bool,
    /// On a request: the frame of its response (learned by the first pass).
    pub response_in: Option<u32>,
    /// On a response: the frame of its request and the time since it.
    pub request_in: Option<(u32, Nanos)>,
    /// Frames that carried earlier parts of this message.
    pub segments: u32,
    /// What tshark names the bytes after the message in its last segment, when
    /// they start no new message: `data`, or `http:data` (a continuation).
    pub trailing: &'static [&'static str],
    /// An SSDP datagram (HTTP over UDP) rather than HTTP over TCP.
    pub ssdp: bool,
}

impl HttpMsg {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Content-Length as a number.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length").and_then(|v| v.trim().parse().ok())
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
            Some("application/octet-stream") => "data",
            _ => "media",
        })
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
        return Ok(());
    }
    // The body's dissector adds to the Info column, each in its own words.
    match (m.body_protocol(), m.media_type()) {
        (Some("png"), _) => out.write_str(" (PNG)")?,
        (Some("image-jfif"), _) => out.write_str(" (JPEG JFIF image)")?,
        (Some("json"), Some(t)) => write!(out, " , JavaScript Object Notation ({t})")?,
        (Some("data"), _) | (_, None) => {}
        (_, Some(t)) if t.starts_with("multipart/") => {}
        (_, Some(t)) => write!(out, " ({t})")?,
    }
    Ok(())
}

/// An SSDP datagram: one HTTP head over UDP (UPnP Device Architecture §1.3).
pub fn ssdp(payload: &[u8]) -> Option<Box<HttpMsg>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut m = HttpMsg { ssdp: true, body_is_empty: true, ..HttpMsg::default() };
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
#[derive(Clone, Copy, Debug)]
struct LastRequest {
    frame: u32,
    time: Nanos,
    head: bool,
    answered: bool,
}

/// A message whose head is complete, waiting for body bytes.
struct BodyWait {
    msg: Box<HttpMsg>,
    remaining: u64,
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
    /// On an HTTP port: bytes that start no message, before their first line ends.
    unknown: bool,
    /// Those bytes ended with CR (a CRLF may straddle two segments).
    last_cr: bool,
    /// How many such bytes were seen.
    seen: usize,
}

/// HTTP state of one pass.
#[derive(Default)]
pub struct HttpTracker {
    pending: FxHashMap<u64, Pending>,
    last: FxHashMap<u32, LastRequest>,
    learned: FxHashMap<u32, u32>,
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
}

/// Whether the bytes start like an HTTP/1.x start line.
fn looks_like_http(b: &[u8]) -> bool {
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    METHODS.iter().any(|m| b.len() > m.len() && b.starts_with(m.as_bytes()) && b[m.len()] == b' ')
}

impl HttpTracker {
    /// Adds a TCP segment's payload.
    pub fn tcp(&mut self, seg: &TcpData<'_>, http_port: bool) -> Outcome {
        let key = dir_key(seg.stream, seg.dir);
        // Once a connection carried HTTP, tshark decodes all of it as HTTP (as on its ports).
        let http_port = http_port || self.last.contains_key(&seg.stream);
        if seg.resent || (seg.payload.is_empty() && !seg.fin) {
            return Outcome::NotHttp;
        }
        if seg.payload.is_empty() {
            // A FIN ends a body still due (one that runs to the end of the
            // connection, or is shorter than its Content-Length).
            if self.pending.get(&key).is_none_or(|p| p.body.is_none()) {
                return Outcome::NotHttp;
            }
        }
        let mut p = self.pending.remove(&key).unwrap_or_default();
        if seg.gap || (p.unknown && looks_like_http(seg.payload)) {
            // tshark abandons a message whose bytes were not all captured; and
            // unrecognised bytes give way to a message that starts here.
            p = Pending::default();
        }
        if let Some(mut wait) = p.body.take() {
            return self.body_bytes(key, &mut p, &mut wait, seg, http_port);
        }
        let starts = p.buf.is_empty() && !p.unknown;
        if p.unknown || (starts && !looks_like_http(seg.payload)) {
            if !http_port {
                return Outcome::NotHttp;
            }
            // tshark waits for the end of a first line before deciding.
            let line_end = find_crlf(seg.payload).is_some() || (p.last_cr && seg.payload[0] == b'\n');
            p.seen += seg.payload.len();
            if line_end || p.seen > MAX_PDU {
                return Outcome::Continuation;
            }
            p.unknown = true;
            p.last_cr = seg.payload.last() == Some(&b'\r');
            p.segments += 1;
            bounded_insert(&mut self.pending, key, p, MAX_PENDING_STREAMS);
            return Outcome::Partial(None);
        }
        p.buf.extend_from_slice(seg.payload);
        let head_request = self.last.get(&seg.stream).is_some_and(|o| o.head && !o.answered);
        match parse(&p.buf, head_request) {
            Parsed::Invalid => Outcome::NotHttp,
            Parsed::Incomplete | Parsed::IncompleteChunked if p.buf.len() > MAX_PDU => Outcome::NotHttp,
            Parsed::Incomplete => {
                p.segments += 1;
                let line = if starts { start_line(seg.payload) } else { None };
                bounded_insert(&mut self.pending, key, p, MAX_PENDING_STREAMS);
                Outcome::Partial(line)
            }
            Parsed::IncompleteChunked => {
                // tshark parses the head again with every segment of a chunked body.
                p.segments += 1;
                let line = start_line(&p.buf);
                bounded_insert(&mut self.pending, key, p, MAX_PENDING_STREAMS);
                Outcome::Partial(line)
            }
            Parsed::AwaitBody(mut m, total) => {
                if total == UNTIL_CLOSE && seg.fin {
                    m.body_len = p.buf.len() - m.head_len;
                    m.segments = p.segments;
                    self.link(&mut m, seg);
                    return Outcome::Message(m);
                }
                // Only the count of body bytes still due is kept, not the bytes.
                let remaining =
                    if total == UNTIL_CLOSE { UNTIL_CLOSE } else { total.saturating_sub(p.buf.len() as u64) };
                p.buf = Vec::new();
                p.segments += 1;
                p.body = Some(BodyWait { msg: m, remaining });
                bounded_insert(&mut self.pending, key, p, MAX_PENDING_STREAMS);
                Outcome::Partial(if starts { start_line(seg.payload) } else { None })
            }
            Parsed::Complete(mut m, used) => {
                m.segments = p.segments;
                let rest = p.buf.split_off(used.min(p.buf.len()));
                self.finish(key, &mut m, rest, seg, http_port);
                Outcome::Message(m)
            }
        }
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
            keep.body = Some(BodyWait { msg: std::mem::take(&mut wait.msg), remaining: wait.remaining });
            bounded_insert(&mut self.pending, key, keep, MAX_PENDING_STREAMS);
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
        }
        if looks_like_http(&rest) {
            bounded_insert(&mut self.pending, key, Pending { buf: rest, ..Pending::default() }, MAX_PENDING_STREAMS);
        }
        self.link(m, seg);
    }

    /// Pairs a final response with the connection's latest unanswered request,
    /// as tshark does (an interim 1xx response answers nothing).
    fn link(&mut self, m: &mut HttpMsg, seg: &TcpData<'_>) {
        if m.request {
            let r = LastRequest { frame: seg.frame, time: seg.time, head: m.method == "HEAD", answered: false };
            bounded_insert(&mut self.last, seg.stream, r, MAX_CONNECTIONS);
            return;
        }
        match self.last.get_mut(&seg.stream) {
            Some(o) if !o.answered && m.code >= 200 => {
                o.answered = true;
                m.request_in = Some((o.frame, seg.time - o.time));
                self.learned.insert(o.frame, seg.frame);
            }
            Some(_) => {}
            // A response without a request: the connection is HTTP all the same.
            None => {
                let r = LastRequest { frame: 0, time: 0, head: false, answered: true };
                bounded_insert(&mut self.last, seg.stream, r, MAX_CONNECTIONS);
            }
        }
    }

    /// Adds what this pass learned to `facts`.
    pub fn learn_into(self, facts: &mut AppFacts) {
        facts.http_response_in.extend(self.learned);
    }
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
fn parse(buf: &[u8], after_head_request: bool) -> Parsed {
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
            Err(_) => return Parsed::Invalid,
        }
    };
    m.head_len = head_len;
    let rest = &buf[head_len..];
    let no_body = !m.request && ((100..200).contains(&m.code) || m.code == 204 || m.code == 304 || after_head_request);
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
    Parsed::Complete(Box::new(m), head_len + body_len)
}

fn collect(h: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    h.iter().map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned())).collect()
}

/// The length of a complete chunked body with its trailers (RFC 9112 §7.1),
/// None while incomplete.
fn chunked_len(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        let line_end = find_crlf(&b[i..])? + i;
        let size_text = std::str::from_utf8(&b[i..line_end]).ok()?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        i = line_end + 2;
        if size == 0 {
            // Trailer fields, then an empty line.
            loop {
                let end = find_crlf(&b[i..])? + i;
                let empty = end == i;
                i = end + 2;
                if empty {
                    return Some(i);
                }
            }
        }
        i = i.checked_add(size)?.checked_add(2)?;
        if i > b.len() {
            return None;
        }
    }
}

fn find_crlf(b: &[u8]) -> Option<usize> {
    b.windows(2).position(|w| w == b"\r\n")
}

/// The teaching note for a header the lab's web server must send.
pub fn header_note(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "connection" => {
            "Connection: keep-alive reuses this TCP connection for the next request; close ends it after this response"
        }
        "date" => "Date: when the server made this response (an HTTP-date in GMT, RFC 9110 §6.6.1)",
        "server" => "Server: the software that answered",
        "last-modified" => {
            "Last-Modified: when the file last changed; a conditional GET sends it back in If-Modified-Since"
        }
        "if-modified-since" => "If-Modified-Since: send the file only if it changed since then, else 304 Not Modified",
        "content-length" => "Content-Length: bytes of body after the empty line; the receiver reads exactly that many",
        "content-type" => "Content-Type: the media type of the body, so the browser knows how to show it",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(payload: &[u8], frame: u32) -> TcpData<'_> {
        TcpData {
            stream: 0,
            dir: None,
            resent: false,
            gap: false,
            fin: false,
            payload,
            frame,
            time: i64::from(frame) * 1000,
        }
    }

    #[test]
    fn request_split_over_two_segments() {
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"GET /HelloWorld.html HT", 1), false), Outcome::Partial(_)));
        let Outcome::Message(m) = t.tcp(&seg(b"TP/1.1\r\nHost: x\r\n\r\n", 2), false) else { panic!("no message") };
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
        let whole = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n";
        let Outcome::Message(m) = t.tcp(&seg(whole, 1), true) else { panic!("no message") };
        assert_eq!(m.trailing, ["data"]);
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", 1), true), Outcome::Partial(_)));
        let Outcome::Message(m) = t.tcp(&seg(b"ok\r\n", 2), true) else { panic!("no message") };
        assert_eq!(m.trailing, ["http", "data"]);
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
    fn on_an_http_port_other_bytes_are_a_continuation() {
        let mut t = HttpTracker::default();
        assert!(matches!(t.tcp(&seg(b"\x01\x02", 1), true), Outcome::Partial(None)));
        assert!(matches!(t.tcp(&seg(b"tail\r\n", 2), true), Outcome::Continuation));
        assert!(matches!(t.tcp(&seg(b"\x01\x02", 3), false), Outcome::NotHttp));
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
