//! HTTP/1.1 without I/O: what the web server, the client, the proxy and the
//! sniffer share.
//!
//! * [`request`]: parsing a request head (RFC 9112 §3, with httparse) under the
//!   size limits that give 414 and 431, the connection rules of RFC 9112 §9.3,
//!   and encoding a request for the client and the proxy.
//! * [`response`]: status codes, writing a response head, parsing one (RFC 9112
//!   §4), and where a message body ends (RFC 9112 §6.3).
//! * [`chunked`]: the chunked transfer coding (RFC 9112 §7.1), decoder and encoder.
//! * [`path`]: turning a request target into a relative file path that cannot
//!   leave the web root (percent-decoding, dot segments, backslashes, NUL).
//! * [`url`]: `http://host:port/path` URLs as the client and the proxy take them.
//! * [`mime`]: the Content-Type of a file from its extension.
//! * [`date`]: IMF-fixdate (RFC 9110 §5.6.7) and the If-Modified-Since rule.

pub mod chunked;
pub mod date;
pub mod mime;
pub mod path;
pub mod request;
pub mod response;
pub mod url;

use std::fmt;

/// Most header fields a request or response head may carry (more gives 431).
pub const MAX_HEADERS: usize = 64;
/// Longest request line accepted, line end included (longer gives 414).
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest request head accepted, request line and header block together (longer gives 431).
pub const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Longest response head a client or the proxy reads.
pub const MAX_RESPONSE_HEAD: usize = 64 * 1024;

/// One header field as it appeared on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// Field name, in the case it was sent.
    pub name: &'a str,
    /// Field value without surrounding whitespace.
    pub value: &'a [u8],
}

impl Header<'_> {
    /// A placeholder used to fill fixed-size header arrays.
    pub const EMPTY: Header<'static> = Header { name: "", value: b"" };
}

/// The protocol version of a message: HTTP/1.0 or HTTP/1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0 (RFC 1945): one request per connection unless keep-alive is asked for.
    Http10,
    /// HTTP/1.1 (RFC 9112): persistent connections by default.
    Http11,
}

impl Version {
    /// The version from httparse's minor number (0 or 1).
    pub fn from_minor(minor: u8) -> Version {
        if minor == 0 {
            Version::Http10
        } else {
            Version::Http11
        }
    }

    /// The text as it appears on the request or status line.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True if the comma-separated list `value` (a Connection or Transfer-Encoding
/// field) holds `token`, compared case-insensitively (RFC 9110 §5.6.1).
pub fn list_has_token(value: &[u8], token: &str) -> bool {
    value.split(|&b| b == b',').any(|item| item.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// Hop-by-hop header fields a proxy must not forward (RFC 9110 §7.6.1), besides
/// those the Connection field itself names.
pub const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "upgrade",
];

/// Finds the first header named `name` (case-insensitive).
pub fn find_header<'a>(headers: &[Header<'a>], name: &str) -> Option<&'a [u8]> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
}

/// Parses a Content-Length value: digits only, as RFC 9110 §8.6 requires. A list
/// of equal values (`5, 5`) is accepted as the section allows; differing ones are not.
pub fn parse_content_length(value: &[u8]) -> Option<u64> {
    let mut result: Option<u64> = None;
    for item in value.split(|&b| b == b',') {
        let item = item.trim_ascii();
        if item.is_empty() || item.len() > 19 || !item.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = std::str::from_utf8(item).ok()?.parse::<u64>().ok()?;
        match result {
            Some(prev) if prev != n => return None,
            _ => result = Some(n),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_tokens_are_case_insensitive_list_items() {
        assert!(list_has_token(b"close", "close"));
        assert!(list_has_token(b"Keep-Alive, Upgrade", "upgrade"));
        assert!(list_has_token(b" foo ,CLOSE", "close"));
        assert!(!list_has_token(b"closed", "close"));
        assert!(!list_has_token(b"", "close"));
    }

    #[test]
    fn content_length_is_digits_only() {
        assert_eq!(parse_content_length(b"0"), Some(0));
        assert_eq!(parse_content_length(b" 1234 "), Some(1234));
        assert_eq!(parse_content_length(b"5, 5"), Some(5));
        assert_eq!(parse_content_length(b"5, 6"), None);
        assert_eq!(parse_content_length(b"-1"), None);
        assert_eq!(parse_content_length(b"+1"), None);
        assert_eq!(parse_content_length(b"0x10"), None);
        assert_eq!(parse_content_length(b""), None);
        assert_eq!(parse_content_length(b"99999999999999999999"), None);
    }

    #[test]
    fn headers_are_found_by_any_case() {
        let hs = [Header { name: "Content-Type", value: b"text/html" }, Header { name: "Host", value: b"a" }];
        assert_eq!(find_header(&hs, "content-type"), Some(&b"text/html"[..]));
        assert_eq!(find_header(&hs, "HOST"), Some(&b"a"[..]));
        assert_eq!(find_header(&hs, "Date"), None);
    }

    #[test]
    fn versions_round_trip_through_text() {
        assert_eq!(Version::from_minor(0).as_str(), "HTTP/1.0");
        assert_eq!(Version::from_minor(1).to_string(), "HTTP/1.1");
    }
}
