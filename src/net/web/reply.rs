//! Composing complete responses into a connection's output buffer. Every
//! response carries the six fields the lab asks for: Date, Server, Connection,
//! Last-Modified, Content-Type and Content-Length (RFC 9110 §6.6.1, §8.3, §8.6,
//! §8.8.2, §10.2.4; RFC 9112 §9.6). Generated pages (errors, redirects) give the
//! server's start time as their Last-Modified: that is when their text was fixed.

use super::files::Entry;
use crate::proto::http::response::{self, StatusCode};

/// The Server field value.
pub const SERVER: &str = concat!("socklab/", env!("CARGO_PKG_VERSION"));
/// The Allow field of a 405 (RFC 9110 §15.5.6 requires it).
pub const ALLOW: &str = "GET, HEAD";
/// Content-Type of generated pages.
const HTML: &str = "text/html; charset=utf-8";

/// The per-response values that are not part of the file: the current date,
/// whether the connection stays open, and the start time for generated pages.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// IMF-fixdate of now.
    pub date: &'a str,
    /// IMF-fixdate of the server's start.
    pub started: &'a str,
    /// True for `Connection: keep-alive`, false for `Connection: close`.
    pub keep_alive: bool,
}

fn common(out: &mut Vec<u8>, status: StatusCode, stamp: &Stamp) {
    response::write_status_line(out, status);
    response::write_header(out, "Date", stamp.date.as_bytes());
    response::write_header(out, "Server", SERVER.as_bytes());
    let conn: &[u8] = if stamp.keep_alive { b"keep-alive" } else { b"close" };
    response::write_header(out, "Connection", conn);
}

/// A 200 response for a file: head, and the body when it is in memory and wanted.
/// Returns the body bytes the response announces (0 for HEAD).
pub fn file(out: &mut Vec<u8>, entry: &Entry, stamp: &Stamp, head_only: bool) -> u64 {
    common(out, StatusCode::OK, stamp);
    out.extend_from_slice(&entry.fields);
    response::end_head(out);
    if head_only {
        return 0;
    }
    if let Some(body) = &entry.body {
        out.extend_from_slice(body);
    }
    entry.len
}

/// A 304 for a conditional GET or HEAD: the file's fields, no body (RFC 9110 §15.4.5).
pub fn not_modified(out: &mut Vec<u8>, entry: &Entry, stamp: &Stamp) {
    common(out, StatusCode::NOT_MODIFIED, stamp);
    out.extend_from_slice(&entry.fields);
    response::end_head(out);
}

/// A generated HTML page for `status` with one explanatory sentence, and any
/// extra fields (Allow, Location). Returns the body length announced.
pub fn page(
    out: &mut Vec<u8>,
    status: StatusCode,
    detail: &str,
    extra: &[(&str, &[u8])],
    stamp: &Stamp,
    head_only: bool,
) -> u64 {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{status}</title></head>\n\
         <body><h1>{status}</h1>\n<p>{}</p>\n<hr><address>{SERVER}</address></body></html>\n",
        escape_html(detail)
    );
    common(out, status, stamp);
    response::write_header(out, "Last-Modified", stamp.started.as_bytes());
    response::write_header(out, "Content-Type", HTML.as_bytes());
    response::write_header_u64(out, "Content-Length", body.len() as u64);
    for (name, value) in extra {
        response::write_header(out, name, value);
    }
    response::end_head(out);
    if !head_only {
        out.extend_from_slice(body.as_bytes());
    }
    body.len() as u64
}

/// Escapes the five HTML-special characters.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::http::response::parse_response;

    const STAMP: Stamp =
        Stamp { date: "Sun, 06 Nov 1994 08:49:37 GMT", started: "Sun, 06 Nov 1994 08:00:00 GMT", keep_alive: false };

    #[test]
    fn pages_carry_the_six_fields_and_parse_back() {
        let mut out = Vec::new();
        let n =
            page(&mut out, StatusCode::METHOD_NOT_ALLOWED, "Only <GET>", &[("Allow", ALLOW.as_bytes())], &STAMP, false);
        let head = parse_response(&out).unwrap().unwrap();
        assert_eq!(head.code, 405);
        for name in ["Date", "Server", "Connection", "Last-Modified", "Content-Type", "Content-Length", "Allow"] {
            assert!(head.header(name).is_some(), "{name} missing");
        }
        assert_eq!(head.header("connection"), Some(&b"close"[..]));
        assert_eq!(out.len() - head.len, n as usize);
        assert!(String::from_utf8_lossy(&out[head.len..]).contains("Only &lt;GET&gt;"));
    }

    #[test]
    fn head_pages_announce_the_length_without_a_body() {
        let mut out = Vec::new();
        let n = page(&mut out, StatusCode::NOT_FOUND, "gone", &[], &STAMP, true);
        let head = parse_response(&out).unwrap().unwrap();
        assert_eq!(head.len, out.len());
        assert_eq!(head.header("content-length"), Some(n.to_string().as_bytes()));
    }
}
