//! HTTP/1.1 request heads (RFC 9112 §2-§3): parsing with httparse under size
//! limits, the persistence rules of RFC 9112 §9.3, body framing of a request
//! (RFC 9112 §6.3), and encoding a request for the client and the proxy.

use super::response::{write_header, StatusCode};
use super::{
    find_header, list_has_token, parse_content_length, Header, Version, MAX_HEADERS, MAX_REQUEST_HEAD, MAX_REQUEST_LINE,
};
use std::fmt;

/// A fault in a request head, with the status code a server answers it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The request line is longer than [`MAX_REQUEST_LINE`] (414 URI Too Long).
    LineTooLong {
        /// Bytes of the request line seen so far.
        len: usize,
    },
    /// The head is longer than [`MAX_REQUEST_HEAD`] (431).
    HeadTooLarge {
        /// Bytes of the head seen so far.
        len: usize,
    },
    /// More than [`MAX_HEADERS`] header fields (431).
    TooManyHeaders,
    /// A syntax error (400 Bad Request).
    Malformed {
        /// Offset of the offending byte (or the start of the offending line).
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// HTTP/1.1 without exactly one Host field (RFC 9112 §3.2: 400).
    BadHost {
        /// How many Host fields there were.
        count: usize,
    },
    /// Body framing the server cannot trust (RFC 9112 §6.1, §6.3: 400).
    BadFraming {
        /// What is wrong.
        reason: &'static str,
    },
}

impl RequestError {
    /// The status code that answers this fault.
    pub fn status(&self) -> StatusCode {
        match self {
            RequestError::LineTooLong { .. } => StatusCode::URI_TOO_LONG,
            RequestError::HeadTooLarge { .. } | RequestError::TooManyHeaders => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::LineTooLong { len } => {
                write!(f, "request line of {len}+ bytes is longer than the limit of {MAX_REQUEST_LINE}")
            }
            RequestError::HeadTooLarge { len } => {
                write!(f, "request head of {len}+ bytes is longer than the limit of {MAX_REQUEST_HEAD}")
            }
            RequestError::TooManyHeaders => write!(f, "more than {MAX_HEADERS} header fields"),
            RequestError::Malformed { offset, reason } => write!(f, "malformed request at byte {offset}: {reason}"),
            RequestError::BadHost { count: 0 } => write!(f, "an HTTP/1.1 request needs a Host header field"),
            RequestError::BadHost { count } => write!(f, "{count} Host header fields; exactly one is allowed"),
            RequestError::BadFraming { reason } => write!(f, "cannot tell where the request body ends: {reason}"),
        }
    }
}

impl std::error::Error for RequestError {}

/// How the body of a request is framed (RFC 9112 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// No body.
    None,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// The chunked transfer coding follows the head.
    Chunked,
}

/// A parsed request head; borrows the buffer it was parsed from.
#[derive(Clone, Debug)]
pub struct RequestHead<'a> {
    /// The method token, e.g. `GET`.
    pub method: &'a str,
    /// The request target as sent (origin-form `/a?b`, absolute-form `http://h/a`, …).
    pub target: &'a str,
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// Length of the head in bytes, blank line included; the body starts here.
    pub len: usize,
    headers: [Header<'a>; MAX_HEADERS],
    count: usize,
}

impl<'a> RequestHead<'a> {
    /// The header fields in the order they were sent.
    pub fn headers(&self) -> &[Header<'a>] {
        &self.headers[..self.count]
    }

    /// The value of the first field named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        find_header(self.headers(), name)
    }

    /// True if the connection stays open after the response (RFC 9112 §9.3):
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        let mut close = false;
        let mut keep = false;
        for h in self.headers().iter().filter(|h| h.name.eq_ignore_ascii_case("connection")) {
            close |= list_has_token(h.value, "close");
            keep |= list_has_token(h.value, "keep-alive");
        }
        match self.version {
            Version::Http11 => !close,
            Version::Http10 => keep && !close,
        }
    }

    /// The request line as sent, e.g. `GET /index.html HTTP/1.1`.
    pub fn request_line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }

    /// Checks the Host rule of RFC 9112 §3.2: HTTP/1.1 needs exactly one Host
    /// field; HTTP/1.0 may have none, but never more than one.
    pub fn check_host(&self) -> Result<(), RequestError> {
        let count = self.headers().iter().filter(|h| h.name.eq_ignore_ascii_case("host")).count();
        match (self.version, count) {
            (_, 1) | (Version::Http10, 0) => Ok(()),
            _ => Err(RequestError::BadHost { count }),
        }
    }

    /// Where the body ends (RFC 9112 §6.3 rules 3-6 for requests).
    pub fn body(&self) -> Result<RequestBody, RequestError> {
        let mut chunked: Option<bool> = None;
        let mut length: Option<u64> = None;
        for h in self.headers() {
            if h.name.eq_ignore_ascii_case("transfer-encoding") {
                // The last coding of the last field decides (RFC 9112 §6.3 rule 4).
                let last = h.value.split(|&b| b == b',').next_back().unwrap_or_default().trim_ascii();
                chunked = Some(last.eq_ignore_ascii_case(b"chunked"));
            } else if h.name.eq_ignore_ascii_case("content-length") {
                let n = parse_content_length(h.value)
                    .ok_or(RequestError::BadFraming { reason: "an invalid Content-Length" })?;
                if length.is_some_and(|prev| prev != n) {
                    return Err(RequestError::BadFraming { reason: "Content-Length fields that disagree" });
                }
                length = Some(n);
            }
        }
        match (chunked, length) {
            (Some(_), Some(_)) => Err(RequestError::BadFraming { reason: "both Transfer-Encoding and Content-Length" }),
            (Some(true), None) => Ok(RequestBody::Chunked),
            (Some(false), None) => {
                Err(RequestError::BadFraming { reason: "a Transfer-Encoding whose last coding is not chunked" })
            }
            (None, None | Some(0)) => Ok(RequestBody::None),
            (None, Some(n)) => Ok(RequestBody::Length(n)),
        }
    }
}

/// Parses a request head at the start of `buf`.
///
/// Returns `Ok(None)` while the head is incomplete and still within the limits,
/// so the caller reads more. Leading empty lines are skipped (RFC 9112 §2.2).
pub fn parse_request(buf: &[u8]) -> Result<Option<RequestHead<'_>>, RequestError> {
    check_line_length(buf)?;
    let mut raw = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut raw);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() >= MAX_REQUEST_HEAD => {
            return Err(RequestError::HeadTooLarge { len: buf.len() })
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(RequestError::TooManyHeaders),
        Err(e) => return Err(malformed(buf, e)),
    };
    if len > MAX_REQUEST_HEAD {
        return Err(RequestError::HeadTooLarge { len });
    }
    let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
        return Err(RequestError::Malformed { offset: 0, reason: "incomplete request line" });
    };
    let mut headers = [Header::EMPTY; MAX_HEADERS];
    let mut count = 0;
    for h in req.headers.iter() {
        headers[count] = Header { name: h.name, value: h.value.trim_ascii() };
        count += 1;
    }
    Ok(Some(RequestHead { method, target, version: Version::from_minor(minor), len, headers, count }))
}

/// 414 if the request line (after any leading empty lines) is longer than allowed.
fn check_line_length(buf: &[u8]) -> Result<(), RequestError> {
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(buf.len());
    let line = &buf[start..];
    let end = line.iter().position(|&b| b == b'\n');
    match end {
        Some(n) if n + 1 > MAX_REQUEST_LINE => Err(RequestError::LineTooLong { len: n + 1 }),
        None if line.len() > MAX_REQUEST_LINE => Err(RequestError::LineTooLong { len: line.len() }),
        _ => Ok(()),
    }
}

/// A 400 error naming the first byte httparse could not accept.
fn malformed(buf: &[u8], e: httparse::Error) -> RequestError {
    let reason = match e {
        httparse::Error::HeaderName => "invalid character in a header name",
        httparse::Error::HeaderValue => "invalid character in a header value",
        httparse::Error::NewLine => "a line does not end in CRLF",
        httparse::Error::Version => "the version is not HTTP/1.0 or HTTP/1.1",
        httparse::Error::Token | httparse::Error::Status => "the request line is not `METHOD target HTTP/1.x`",
        httparse::Error::TooManyHeaders => "too many header fields",
    };
    RequestError::Malformed { offset: first_fault(buf, e), reason }
}

/// Best estimate of where a head stops being valid: for a request-line fault the
/// first byte that breaks `method SP target SP version`, else the first control byte.
fn first_fault(buf: &[u8], e: httparse::Error) -> usize {
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(buf.len());
    let line_end = buf[start..].iter().position(|&b| b == b'\n').map_or(buf.len(), |i| start + i);
    match e {
        httparse::Error::Token | httparse::Error::Version => start + request_line_fault(&buf[start..line_end]),
        _ => buf
            .iter()
            .position(|&b| (b < 0x20 && b != b'\r' && b != b'\n' && b != b'\t') || b == 0x7f)
            .unwrap_or(line_end),
    }
}

/// Offset of the first byte of a request line that breaks `method SP target SP version`.
fn request_line_fault(line: &[u8]) -> usize {
    let at = |i: usize| line.get(i).copied().unwrap_or(b'\n');
    let mut i = 0;
    while at(i).is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&at(i)) {
        i += 1;
    }
    if i == 0 || at(i) != b' ' {
        return i;
    }
    let target = i + 1;
    let mut j = target;
    while at(j) > b' ' && at(j) != 0x7f {
        j += 1;
    }
    if j == target || at(j) != b' ' {
        return j;
    }
    j + 1
}

/// Encodes a request head: the request line, each field, and the blank line.
pub fn encode_request(method: &str, target: &str, version: Version, headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + headers.len() * 32);
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.push(b' ');
    out.extend_from_slice(version.as_str().as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        write_header(&mut out, name, value);
    }
    out.extend_from_slice(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: &[u8] =
        b"GET /HelloWorld.html HTTP/1.1\r\nHost: 127.0.0.1:10080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

    #[test]
    fn parses_the_labs_get() {
        let head = parse_request(GET).unwrap().unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/HelloWorld.html");
        assert_eq!(head.version, Version::Http11);
        assert_eq!(head.len, GET.len());
        assert_eq!(head.headers().len(), 3);
        assert_eq!(head.header("host"), Some(&b"127.0.0.1:10080"[..]));
        assert!(head.keep_alive());
        assert_eq!(head.check_host(), Ok(()));
        assert_eq!(head.body(), Ok(RequestBody::None));
        assert_eq!(head.request_line(), "GET /HelloWorld.html HTTP/1.1");
    }

    #[test]
    fn every_truncation_is_incomplete_not_an_error() {
        for n in 0..GET.len() {
            assert!(matches!(parse_request(&GET[..n]), Ok(None)), "prefix of {n} bytes");
        }
    }

    #[test]
    fn persistence_follows_version_and_connection() {
        let p = |raw: &[u8]| parse_request(raw).unwrap().unwrap().keep_alive();
        assert!(!p(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
        assert!(!p(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n\r\n"));
        assert!(!p(b"GET / HTTP/1.0\r\n\r\n"));
        assert!(p(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        assert!(p(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    #[test]
    fn host_rule_of_rfc_9112() {
        let h = |raw: &[u8]| parse_request(raw).unwrap().unwrap().check_host();
        assert_eq!(h(b"GET / HTTP/1.1\r\n\r\n"), Err(RequestError::BadHost { count: 0 }));
        assert_eq!(h(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), Err(RequestError::BadHost { count: 2 }));
        assert_eq!(h(b"GET / HTTP/1.0\r\n\r\n"), Ok(()));
    }

    #[test]
    fn body_framing_of_requests() {
        let b = |raw: &[u8]| parse_request(raw).unwrap().unwrap().body();
        assert_eq!(b(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"), Ok(RequestBody::Length(5)));
        assert_eq!(
            b(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            Ok(RequestBody::Chunked)
        );
        assert!(b(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n").is_err());
        assert!(b(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n").is_err());
        assert!(b(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").is_err());
        assert!(b(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n").is_err());
    }

    #[test]
    fn an_overlong_request_line_is_414() {
        let mut raw = b"GET /".to_vec();
        raw.resize(MAX_REQUEST_LINE + 10, b'a');
        let e = parse_request(&raw).unwrap_err();
        assert!(matches!(e, RequestError::LineTooLong { .. }), "{e:?}");
        assert_eq!(e.status().code, 414);
        raw.extend_from_slice(b" HTTP/1.1\r\nHost: a\r\n\r\n");
        assert_eq!(parse_request(&raw).unwrap_err().status().code, 414);
    }

    #[test]
    fn an_overlong_header_block_is_431() {
        let mut raw = b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: ".to_vec();
        raw.resize(MAX_REQUEST_HEAD + 1, b'b');
        assert_eq!(parse_request(&raw).unwrap_err().status().code, 431);
        let mut many = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
        for i in 0..MAX_HEADERS {
            many.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse_request(&many).unwrap_err(), RequestError::TooManyHeaders);
    }

    #[test]
    fn malformed_requests_are_400_with_an_offset() {
        let cases: &[(&[u8], usize)] = &[
            (b"GET / HTTP/1.1\r\nHo\x01st: a\r\n\r\n", 18),
            (b"GET / HTTP/9.9\r\nHost: a\r\n\r\n", 6),
            (b"GET  HTTP/1.1\r\n\r\n", 4),
            (b"GET /\x00 HTTP/1.1\r\n\r\n", 5),
        ];
        for (raw, offset) in cases {
            match parse_request(raw) {
                Err(RequestError::Malformed { offset: o, .. }) => assert_eq!(o, *offset, "{raw:?}"),
                other => panic!("{raw:?} gave {other:?}"),
            }
        }
        assert_eq!(
            parse_request(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n").unwrap_err().status().code,
            400
        );
    }

    #[test]
    fn encoded_requests_parse_back() {
        let raw = encode_request("HEAD", "/a%20b?q=1", Version::Http10, &[("Host", b"h:1"), ("X-Y", b"z")]);
        let head = parse_request(&raw).unwrap().unwrap();
        assert_eq!((head.method, head.target, head.version), ("HEAD", "/a%20b?q=1", Version::Http10));
        assert_eq!(head.headers(), &[Header { name: "Host", value: b"h:1" }, Header { name: "X-Y", value: b"z" }]);
        assert_eq!(head.len, raw.len());
    }
}
