//! HTTP/1.1 responses: status codes (RFC 9110 §15), writing a response head,
//! parsing one (RFC 9112 §4) and deciding where its body ends (RFC 9112 §6.3).

use super::{list_has_token, parse_content_length, Version, MAX_HEADERS, MAX_RESPONSE_HEAD};
use std::fmt;

/// A status code with its reason phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusCode {
    /// The three-digit code.
    pub code: u16,
    /// The reason phrase of RFC 9110 §15.
    pub reason: &'static str,
}

impl StatusCode {
    /// 200 OK.
    pub const OK: StatusCode = StatusCode { code: 200, reason: "OK" };
    /// 301 Moved Permanently (a directory asked for without its trailing slash).
    pub const MOVED_PERMANENTLY: StatusCode = StatusCode { code: 301, reason: "Moved Permanently" };
    /// 304 Not Modified (conditional GET, RFC 9110 §15.4.5).
    pub const NOT_MODIFIED: StatusCode = StatusCode { code: 304, reason: "Not Modified" };
    /// 400 Bad Request.
    pub const BAD_REQUEST: StatusCode = StatusCode { code: 400, reason: "Bad Request" };
    /// 404 Not Found.
    pub const NOT_FOUND: StatusCode = StatusCode { code: 404, reason: "Not Found" };
    /// 405 Method Not Allowed (sent with Allow).
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode { code: 405, reason: "Method Not Allowed" };
    /// 408 Request Timeout.
    pub const REQUEST_TIMEOUT: StatusCode = StatusCode { code: 408, reason: "Request Timeout" };
    /// 414 URI Too Long.
    pub const URI_TOO_LONG: StatusCode = StatusCode { code: 414, reason: "URI Too Long" };
    /// 431 Request Header Fields Too Large (RFC 6585 §5).
    pub const REQUEST_HEADER_FIELDS_TOO_LARGE: StatusCode =
        StatusCode { code: 431, reason: "Request Header Fields Too Large" };
    /// 500 Internal Server Error.
    pub const INTERNAL_SERVER_ERROR: StatusCode = StatusCode { code: 500, reason: "Internal Server Error" };
    /// 501 Not Implemented.
    pub const NOT_IMPLEMENTED: StatusCode = StatusCode { code: 501, reason: "Not Implemented" };
    /// 502 Bad Gateway.
    pub const BAD_GATEWAY: StatusCode = StatusCode { code: 502, reason: "Bad Gateway" };
    /// 503 Service Unavailable.
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode { code: 503, reason: "Service Unavailable" };
    /// 504 Gateway Timeout.
    pub const GATEWAY_TIMEOUT: StatusCode = StatusCode { code: 504, reason: "Gateway Timeout" };
    /// 508 Loop Detected (RFC 5842 §7.2).
    pub const LOOP_DETECTED: StatusCode = StatusCode { code: 508, reason: "Loop Detected" };

    /// True if a response with this code never has a body (1xx, 204, 304).
    pub fn has_no_body(self) -> bool {
        self.code < 200 || self.code == 204 || self.code == 304
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
    }
}

/// Appends `HTTP/1.1 <code> <reason>` and CRLF.
pub fn write_status_line(out: &mut Vec<u8>, status: StatusCode) {
    out.extend_from_slice(b"HTTP/1.1 ");
    push_decimal(out, u64::from(status.code));
    out.push(b' ');
    out.extend_from_slice(status.reason.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Appends one header field line.
pub fn write_header(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// Appends a header field with a decimal value (Content-Length).
pub fn write_header_u64(out: &mut Vec<u8>, name: &str, value: u64) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    push_decimal(out, value);
    out.extend_from_slice(b"\r\n");
}

/// Appends the blank line that ends a head.
pub fn end_head(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\r\n");
}

/// Appends `n` in decimal without allocating.
pub fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Encodes a whole response head from a status and fields.
pub fn encode_response(status: StatusCode, headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + headers.len() * 32);
    write_status_line(&mut out, status);
    for (name, value) in headers {
        write_header(&mut out, name, value);
    }
    end_head(&mut out);
    out
}

/// A fault in a response head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseError {
    /// Not a valid status line or header block.
    Malformed {
        /// Offset of the line where the fault is.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The head is longer than [`MAX_RESPONSE_HEAD`].
    TooLarge {
        /// Bytes read without the end of the head.
        len: usize,
    },
    /// A body length that cannot be trusted (RFC 9112 §6.3 rule 5).
    BadLength,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Malformed { offset, reason } => write!(f, "malformed response at byte {offset}: {reason}"),
            ResponseError::TooLarge { len } => {
                write!(f, "no end of the response head within {len} bytes (limit {MAX_RESPONSE_HEAD})")
            }
            ResponseError::BadLength => write!(f, "the response has an invalid Content-Length"),
        }
    }
}

impl std::error::Error for ResponseError {}

/// How the body of a response is framed (RFC 9112 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body (HEAD, 1xx, 204, 304).
    None,
    /// Exactly this many bytes.
    Length(u64),
    /// The chunked transfer coding.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

/// A parsed response head (owned, so it can outlive the read buffer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// Status code and the reason phrase as sent.
    pub code: u16,
    /// Reason phrase as sent (may be empty).
    pub reason: String,
    /// Header fields in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Length of the head in bytes, blank line included.
    pub len: usize,
}

impl ResponseHead {
    /// The value of the first field named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// The status line as sent, e.g. `HTTP/1.1 200 OK`.
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.version, self.code, self.reason)
    }

    /// Where the body ends (RFC 9112 §6.3), given whether the request was HEAD.
    pub fn body_kind(&self, request_was_head: bool) -> Result<BodyKind, ResponseError> {
        if request_was_head || self.code < 200 || self.code == 204 || self.code == 304 {
            return Ok(BodyKind::None);
        }
        if let Some(te) = self.header("transfer-encoding") {
            let last = te.split(|&b| b == b',').next_back().map(|t| t.trim_ascii()).unwrap_or_default();
            return Ok(if last.eq_ignore_ascii_case(b"chunked") { BodyKind::Chunked } else { BodyKind::UntilClose });
        }
        let mut length: Option<u64> = None;
        for (_, v) in self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
            let n = parse_content_length(v).ok_or(ResponseError::BadLength)?;
            if length.is_some_and(|p| p != n) {
                return Err(ResponseError::BadLength);
            }
            length = Some(n);
        }
        Ok(length.map_or(BodyKind::UntilClose, BodyKind::Length))
    }

    /// True if the server keeps the connection open after this response.
    pub fn keep_alive(&self) -> bool {
        let conn = |t| self.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("connection") && list_has_token(v, t));
        match self.version {
            Version::Http11 => !conn("close"),
            Version::Http10 => conn("keep-alive"),
        }
    }
}

/// Parses a response head at the start of `buf`; `Ok(None)` while incomplete.
pub fn parse_response(buf: &[u8]) -> Result<Option<ResponseHead>, ResponseError> {
    let mut raw = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut raw);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() >= MAX_RESPONSE_HEAD => {
            return Err(ResponseError::TooLarge { len: buf.len() })
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(malformed(buf, e)),
    };
    let (Some(minor), Some(code)) = (resp.version, resp.code) else {
        return Err(ResponseError::Malformed { offset: 0, reason: "incomplete status line" });
    };
    let headers = resp.headers.iter().map(|h| (h.name.to_string(), h.value.trim_ascii().to_vec())).collect();
    Ok(Some(ResponseHead {
        version: Version::from_minor(minor),
        code,
        reason: resp.reason.unwrap_or_default().to_string(),
        headers,
        len,
    }))
}

fn malformed(buf: &[u8], e: httparse::Error) -> ResponseError {
    let line_end = buf.iter().position(|&b| b == b'\n').map_or(buf.len(), |i| i + 1);
    let (offset, reason) = match e {
        httparse::Error::Version => (0, "the response does not start with HTTP/1.0 or HTTP/1.1"),
        httparse::Error::Status => (0, "the status line has no three-digit status code"),
        httparse::Error::TooManyHeaders => (line_end, "more than 64 header fields"),
        httparse::Error::HeaderName => (line_end, "invalid character in a header name"),
        httparse::Error::HeaderValue => (line_end, "invalid character in a header value"),
        httparse::Error::NewLine | httparse::Error::Token => (0, "a line does not end in CRLF"),
    };
    ResponseError::Malformed { offset, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn parses_a_response_and_its_length() {
        let head = parse_response(OK).unwrap().unwrap();
        assert_eq!((head.version, head.code, head.reason.as_str()), (Version::Http11, 200, "OK"));
        assert_eq!(head.len, OK.len() - 5);
        assert_eq!(head.header("content-type"), Some(&b"text/html"[..]));
        assert_eq!(head.body_kind(false), Ok(BodyKind::Length(5)));
        assert_eq!(head.body_kind(true), Ok(BodyKind::None));
        assert!(head.keep_alive());
        assert_eq!(head.status_line(), "HTTP/1.1 200 OK");
    }

    #[test]
    fn every_truncated_head_is_incomplete() {
        let head_len = OK.len() - 5;
        for n in 0..head_len {
            assert_eq!(parse_response(&OK[..n]), Ok(None), "prefix of {n} bytes");
        }
    }

    #[test]
    fn body_framing_of_rfc_9112_section_6_3() {
        let k = |raw: &[u8]| parse_response(raw).unwrap().unwrap().body_kind(false);
        assert_eq!(k(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"), Ok(BodyKind::None));
        assert_eq!(k(b"HTTP/1.1 204 No Content\r\n\r\n"), Ok(BodyKind::None));
        assert_eq!(
            k(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n"),
            Ok(BodyKind::Chunked)
        );
        assert_eq!(k(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), Ok(BodyKind::UntilClose));
        assert_eq!(k(b"HTTP/1.0 200 OK\r\n\r\n"), Ok(BodyKind::UntilClose));
        assert_eq!(k(b"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n"), Err(ResponseError::BadLength));
        assert_eq!(
            k(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(ResponseError::BadLength)
        );
    }

    #[test]
    fn malformed_responses_are_errors() {
        assert!(matches!(parse_response(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"), Err(ResponseError::Malformed { .. })));
        assert!(matches!(parse_response(b"HTTP/1.1 2x0 OK\r\n\r\n"), Err(ResponseError::Malformed { .. })));
        assert!(matches!(
            parse_response(b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"),
            Err(ResponseError::Malformed { offset: 17, .. })
        ));
        let mut big = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        big.resize(MAX_RESPONSE_HEAD, b'a');
        assert!(matches!(parse_response(&big), Err(ResponseError::TooLarge { .. })));
    }

    #[test]
    fn encoded_heads_parse_back() {
        let raw = encode_response(StatusCode::NOT_FOUND, &[("Content-Length", b"0"), ("Connection", b"close")]);
        assert_eq!(raw, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let head = parse_response(&raw).unwrap().unwrap();
        assert_eq!((head.code, head.reason.as_str(), head.len), (404, "Not Found", raw.len()));
        assert_eq!(
            head.headers,
            vec![("Content-Length".into(), b"0".to_vec()), ("Connection".into(), b"close".to_vec())]
        );
        assert!(!head.keep_alive());
    }

    #[test]
    fn decimals_are_written_without_allocation() {
        let mut out = Vec::new();
        for n in [0u64, 7, 10, 1_048_576, u64::MAX] {
            out.clear();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
