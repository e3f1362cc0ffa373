//! `socklab get`: the lab's HTTP client. It takes a URL
//! (`socklab get http://127.0.0.1:10080/HelloWorld.html`) or the handout's
//! three arguments (`socklab get 127.0.0.1 10080 HelloWorld.html`), sends one
//! GET (or HEAD) and prints the status line, the header fields and the body.
//!
//! The body ends where RFC 9112 §6.3 says: after Content-Length bytes, at the
//! last chunk of a chunked body (decoded before printing), or when the server
//! closes the connection. [`HttpReader`], which does this reading, is shared
//! with the proxy.

use crate::error::{Error, Result};
use crate::net::fd::{AsRawFd, RawFd};
use crate::net::{addr, gate, serve, trace};
use crate::proto::http::chunked::ChunkedDecoder;
use crate::proto::http::request::encode_request;
use crate::proto::http::response::{parse_response, BodyKind, ResponseHead};
use crate::proto::http::url::{parse_url, HttpUrl};
use crate::proto::http::Version;
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

/// The User-Agent field socklab sends.
pub const USER_AGENT: &str = concat!("socklab/", env!("CARGO_PKG_VERSION"));
/// Bytes read from a socket at a time.
const CHUNK: usize = 64 * 1024;

/// Why reading an HTTP message from a socket stopped.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing arrived within the read timeout.
    Timeout,
    /// The peer closed the connection early; `got` bytes of the message had arrived.
    Closed {
        /// Bytes of the current message received before the close.
        got: u64,
    },
    /// The bytes are not a valid HTTP message.
    Malformed(String),
    /// Reading the socket failed.
    Io(io::Error),
    /// The sink (stdout, a file, the other socket) refused the data.
    Sink(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Timeout => write!(f, "nothing arrived within the timeout"),
            ReadError::Closed { got } => write!(f, "the connection closed after {got} bytes of the message"),
            ReadError::Malformed(m) => write!(f, "{m}"),
            ReadError::Io(e) | ReadError::Sink(e) => write!(f, "{e}"),
        }
    }
}

/// Reads HTTP messages from a stream: a buffer of what arrived and not yet used.
pub struct HttpReader<R> {
    inner: R,
    /// Bytes received and not yet consumed.
    pub buf: Vec<u8>,
    /// The socket's descriptor, when its receives are traced (`--trace`).
    traced: Option<RawFd>,
}

impl<R: Read> HttpReader<R> {
    /// Wraps a stream (with its read timeout already set).
    pub fn new(inner: R) -> Self {
        HttpReader { inner, buf: Vec::with_capacity(CHUNK), traced: None }
    }

    /// Traces each receive on socket `fd` as `recv()` (with `--trace`).
    pub fn traced(mut self, fd: RawFd) -> Self {
        self.traced = Some(fd);
        self
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Reads more into the buffer; returns the count, 0 at end of stream.
    pub fn fill(&mut self) -> Result<usize, ReadError> {
        let mut chunk = [0u8; CHUNK];
        loop {
            let inner = &mut self.inner;
            let got = match self.traced {
                Some(fd) => trace::on(fd, "recv()", || inner.read(&mut chunk)),
                None => inner.read(&mut chunk),
            };
            match got {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    return Err(ReadError::Timeout)
                }
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }

    /// Reads a response head; the buffer keeps what follows it.
    pub fn read_response_head(&mut self) -> Result<(ResponseHead, Vec<u8>), ReadError> {
        loop {
            match parse_response(&self.buf) {
                Ok(Some(head)) => {
                    let raw: Vec<u8> = self.buf.drain(..head.len).collect();
                    return Ok((head, raw));
                }
                Ok(None) => {}
                Err(e) => return Err(ReadError::Malformed(e.to_string())),
            }
            if self.fill()? == 0 {
                return Err(ReadError::Closed { got: self.buf.len() as u64 });
            }
        }
    }

    /// Reads a body framed as `kind`, handing each piece to `sink` as
    /// `(raw bytes as sent, decoded bytes)`; for a chunked body the raw bytes
    /// keep the chunk framing. Returns the decoded length.
    pub fn copy_body(
        &mut self,
        kind: BodyKind,
        mut sink: impl FnMut(&[u8], &[u8]) -> io::Result<()>,
    ) -> Result<u64, ReadError> {
        let mut total = 0u64;
        match kind {
            BodyKind::None => {}
            BodyKind::Length(n) => {
                while total < n {
                    if self.buf.is_empty() && self.fill()? == 0 {
                        return Err(ReadError::Closed { got: total });
                    }
                    let take = (self.buf.len() as u64).min(n - total) as usize;
                    sink(&self.buf[..take], &self.buf[..take]).map_err(ReadError::Sink)?;
                    self.buf.drain(..take);
                    total += take as u64;
                }
            }
            BodyKind::Chunked => {
                let mut dec = ChunkedDecoder::new();
                let mut decoded = Vec::new();
                while !dec.is_done() {
                    if self.buf.is_empty() && self.fill()? == 0 {
                        return Err(ReadError::Closed { got: dec.consumed() });
                    }
                    decoded.clear();
                    let used = dec.decode(&self.buf, &mut decoded).map_err(|e| ReadError::Malformed(e.to_string()))?;
                    sink(&self.buf[..used], &decoded).map_err(ReadError::Sink)?;
                    self.buf.drain(..used);
                    total += decoded.len() as u64;
                }
            }
            BodyKind::UntilClose => loop {
                if !self.buf.is_empty() {
                    sink(&self.buf, &self.buf).map_err(ReadError::Sink)?;
                    total += self.buf.len() as u64;
                    self.buf.clear();
                }
                if self.fill()? == 0 {
                    break;
                }
            },
        }
        Ok(total)
    }
}

/// The URL from `get`'s arguments: one URL, or the handout's HOST PORT PATH.
pub fn target_url(words: &[String]) -> Result<HttpUrl> {
    match words {
        [url] => parse_url(url, true).map_err(|e| Error::usage(format!("cannot fetch '{url}': {e}"))),
        [host, port, path] => {
            let port = addr::parse_port(port)?;
            let target = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
            Ok(HttpUrl { host: host.trim_matches(['[', ']']).to_string(), port, target })
        }
        _ => Err(Error::usage("give a URL (http://127.0.0.1:10080/HelloWorld.html) or HOST PORT PATH")),
    }
}

/// Settings of `socklab get`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetSettings {
    /// One URL, or the handout's HOST PORT PATH ([`target_url`]).
    pub target: Vec<String>,
    /// Send HEAD instead of GET.
    pub head: bool,
    /// Save the body to this file instead of printing it.
    pub output: Option<PathBuf>,
    /// Extra header fields, each `NAME: VALUE`.
    pub headers: Vec<String>,
    /// Milliseconds to wait for the connection and for each read.
    pub timeout_ms: u64,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab get`.
pub fn run(a: &GetSettings) -> Result<()> {
    let url = target_url(&a.target)?;
    let request = build_request(&url, a)?;
    let addrs = addr::resolve(&url.host, url.port)?;
    let cap = CaptureSession::start(a.capture.clone(), "get", CaptureFilter::TcpPort(url.port))?;
    cap.announce();
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let (stream, server) = serve::connect(&addrs, timeout)?;
    let set = |e| Error::io("setting socket timeouts", e);
    stream.set_read_timeout(Some(timeout)).map_err(set)?;
    stream.set_write_timeout(Some(timeout)).map_err(set)?;
    trace::on(stream.as_raw_fd(), "send(request)", || (&stream).write_all(&request).map(|()| request.len()))
        .map_err(|e| Error::io(format!("sending the request to {server}"), e))?;
    let fd = stream.as_raw_fd();
    let mut reader = HttpReader::new(stream).traced(fd);
    if !cap.is_active() {
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let note = receive(&mut reader, a, server, timeout, &mut out)?;
        drop(out);
        if let Some(note) = note {
            serve::out(note);
        }
        return Ok(());
    }
    // Captured: the response is held and printed once its packets have been
    // (the capture prints them on stdout meanwhile), on lines of its own.
    let mut held = Vec::new();
    let result = receive(&mut reader, a, server, timeout, &mut held);
    if !held.is_empty() {
        if !held.ends_with(b"\n") {
            held.push(b'\n');
        }
        gate::bytes(&held);
    }
    if let Some(note) = result? {
        serve::out(note);
    }
    Ok(())
}

/// Reads the response, writing its head and (unless `--output`) its body to
/// `out`; returns the line saying where `--output` saved the body.
fn receive(
    reader: &mut HttpReader<TcpStream>,
    a: &GetSettings,
    server: SocketAddr,
    timeout: Duration,
    out: &mut impl Write,
) -> Result<Option<String>> {
    let head = loop {
        let (head, raw) = reader.read_response_head().map_err(|e| read_error(e, server, timeout, "response head"))?;
        out.write_all(&raw).map_err(|e| Error::io("writing to standard output", e))?;
        // Interim 1xx responses come before the final one (RFC 9110 §15.2).
        if head.code >= 200 || head.code == 101 {
            break head;
        }
    };
    out.flush().map_err(|e| Error::io("writing to standard output", e))?;
    let kind =
        head.body_kind(a.head).map_err(|e| read_error(ReadError::Malformed(e.to_string()), server, timeout, ""))?;
    match &a.output {
        Some(path) => {
            let file = File::create(path).map_err(|e| Error::File {
                path: path.display().to_string(),
                reason: format!("cannot create it ({e})"),
            })?;
            let mut file = BufWriter::new(file);
            let n = reader
                .copy_body(kind, |_, decoded| file.write_all(decoded))
                .map_err(|e| read_error(e, server, timeout, "body"))?;
            file.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            Ok(Some(format!("Saved the body ({}) to {}", serve::count(n, "byte"), path.display())))
        }
        None => {
            match reader.copy_body(kind, |_, decoded| out.write_all(decoded)) {
                // The reader of our output went away (`socklab get … | head`): not an error.
                Err(ReadError::Sink(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(None),
                other => other.map_err(|e| read_error(e, server, timeout, "body"))?,
            };
            match out.flush() {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("writing to standard output", e)),
                _ => Ok(None),
            }
        }
    }
}

/// The request: method, origin-form target, Host and the user's extra fields.
fn build_request(url: &HttpUrl, a: &GetSettings) -> Result<Vec<u8>> {
    let host = url.host_header();
    let mut fields: Vec<(String, Vec<u8>)> = vec![
        ("Host".into(), host.into_bytes()),
        ("User-Agent".into(), USER_AGENT.as_bytes().to_vec()),
        ("Accept".into(), b"*/*".to_vec()),
        ("Connection".into(), b"close".to_vec()),
    ];
    for h in &a.headers {
        let (name, value) = h
            .split_once(':')
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic() && b != b':'))
            .ok_or_else(|| Error::usage(format!("header '{h}' is not NAME: VALUE")))?;
        if value.contains(['\r', '\n']) {
            return Err(Error::usage(format!("header '{name}' has a line break in its value")));
        }
        fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        fields.push((name.to_string(), value.trim().as_bytes().to_vec()));
    }
    let method = if a.head { "HEAD" } else { "GET" };
    let refs: Vec<(&str, &[u8])> = fields.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    Ok(encode_request(method, &url.target, Version::Http11, &refs))
}

/// Turns a read failure into the error a student can act on.
fn read_error(e: ReadError, server: SocketAddr, timeout: Duration, part: &str) -> Error {
    match e {
        ReadError::Timeout => Error::NoAnswer {
            what: format!("no complete HTTP {part} from {server} within {} ms", timeout.as_millis()),
            hint: "the server accepted the connection but stopped sending; is it an HTTP server? (try --timeout-ms)"
                .into(),
        },
        ReadError::Closed { got: 0 } if part == "response head" => Error::NoAnswer {
            what: format!("{server} closed the connection without a response"),
            hint: "is it an HTTP server? check the port".into(),
        },
        ReadError::Closed { got } => Error::NoAnswer {
            what: format!(
                "{server} closed the connection in the middle of the {part} ({} received)",
                serve::count(got, "byte")
            ),
            hint: "the response is incomplete; try again or check the server's log".into(),
        },
        ReadError::Malformed(m) => Error::io(
            format!("malformed HTTP response from {server}"),
            io::Error::other(format!("{m}; is it an HTTP server?")),
        ),
        ReadError::Io(e) => Error::io(format!("reading the response from {server}"), e),
        ReadError::Sink(e) => Error::io("writing the body", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::http::chunked::encode_chunked;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn takes_a_url_or_the_handouts_three_arguments() {
        let u = target_url(&words(&["http://127.0.0.1:10080/HelloWorld.html"])).unwrap();
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("127.0.0.1", 10080, "/HelloWorld.html"));
        let u = target_url(&words(&["localhost", "10080", "HelloWorld.html"])).unwrap();
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("localhost", 10080, "/HelloWorld.html"));
        assert!(matches!(target_url(&words(&["https://example.com/"])), Err(Error::Usage(m)) if m.contains("TLS")));
        assert!(target_url(&words(&["a", "b"])).is_err());
        assert!(target_url(&words(&["h", "port", "/"])).is_err());
    }

    fn read_all(input: &[u8], head_only: bool) -> Result<(ResponseHead, Vec<u8>, Vec<u8>), ReadError> {
        let mut r = HttpReader::new(input);
        let (head, _) = r.read_response_head()?;
        let kind = head.body_kind(head_only).map_err(|e| ReadError::Malformed(e.to_string()))?;
        let (mut raw, mut body) = (Vec::new(), Vec::new());
        r.copy_body(kind, |a, b| {
            raw.extend_from_slice(a);
            body.extend_from_slice(b);
            Ok(())
        })?;
        Ok((head, raw, body))
    }

    #[test]
    fn reads_each_body_framing() {
        let (_, _, b) = read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA", false).unwrap();
        assert_eq!(b, b"abc");
        let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let enc = encode_chunked(b"hello chunked world", 4);
        chunked.extend_from_slice(&enc);
        let (_, raw, b) = read_all(&chunked, false).unwrap();
        assert_eq!(b, b"hello chunked world");
        assert_eq!(raw, enc);
        let (_, _, b) = read_all(b"HTTP/1.0 200 OK\r\n\r\nuntil the end", false).unwrap();
        assert_eq!(b, b"until the end");
        let (_, _, b) = read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true).unwrap();
        assert!(b.is_empty());
    }

    #[test]
    fn short_and_bad_messages_are_errors() {
        assert!(matches!(
            read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", false),
            Err(ReadError::Closed { got: 3 })
        ));
        assert!(matches!(read_all(b"HTTP/1.1 200 OK\r\nContent-Le", false), Err(ReadError::Closed { .. })));
        assert!(matches!(read_all(b"SSH-2.0-OpenSSH\r\n\r\n", false), Err(ReadError::Malformed(_))));
        assert!(matches!(
            read_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false),
            Err(ReadError::Malformed(_))
        ));
    }
}
