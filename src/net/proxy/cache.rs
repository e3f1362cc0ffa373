//! The proxy's disk cache (`--cache DIR`), as in the textbook proxy assignment:
//! a 200 response to a GET is stored under a name derived from its URL, and a
//! later GET of the same URL is answered from the file without contacting the
//! origin. A file holds one line naming the URL (so a hash collision is a miss,
//! not a wrong answer), then the response head with Content-Length set to the
//! decoded body length, then the body. Files are written to a temporary name and
//! renamed, so a concurrent reader sees a whole entry or none.

use crate::proto::http::response::{parse_response, ResponseHead};
use crate::proto::http::{list_has_token, HOP_BY_HOP};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Largest body the cache stores.
pub const MAX_BODY: usize = 16 << 20;
/// First word of every cache file (a format version).
const MAGIC: &str = "socklab-cache-v1";

/// A response read back from the cache.
#[derive(Debug)]
pub struct Hit {
    /// The stored head.
    pub head: ResponseHead,
    /// The stored body.
    pub body: Vec<u8>,
}

/// A cache directory.
pub struct Cache {
    dir: PathBuf,
    tmp_seq: AtomicU64,
}

/// FNV-1a, 64 bits: a stable file name for a URL.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Cache {
    /// Opens (creating if needed) a cache directory.
    pub fn open(dir: &Path) -> io::Result<Cache> {
        fs::create_dir_all(dir)?;
        Ok(Cache { dir: dir.to_path_buf(), tmp_seq: AtomicU64::new(0) })
    }

    /// The file that holds `url`.
    pub fn path_of(&self, url: &str) -> PathBuf {
        self.dir.join(format!("{:016x}.http", fnv1a(url.as_bytes())))
    }

    /// The stored response for `url`, if any (a damaged file is a miss).
    pub fn get(&self, url: &str) -> Option<Hit> {
        let data = fs::read(self.path_of(url)).ok()?;
        let nl = data.iter().position(|&b| b == b'\n')?;
        if data[..nl] != *format!("{MAGIC} {url}").as_bytes() {
            return None;
        }
        let rest = &data[nl + 1..];
        let head = parse_response(rest).ok()??;
        let body = rest[head.len..].to_vec();
        let announced = head.header("content-length").and_then(crate::proto::http::parse_content_length);
        (announced == Some(body.len() as u64)).then_some(Hit { head, body })
    }

    /// Stores a response for `url`: its head (without hop-by-hop fields, with
    /// the body's length) and its decoded body.
    pub fn put(&self, url: &str, head: &ResponseHead, body: &[u8]) -> io::Result<()> {
        let mut out = format!("{MAGIC} {url}\n").into_bytes();
        out.extend_from_slice(format!("{} {} {}\r\n", head.version, head.code, head.reason).as_bytes());
        for (name, value) in stored_fields(head) {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        let seq = self.tmp_seq.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!(".tmp-{}-{seq}", std::process::id()));
        fs::write(&tmp, &out)?;
        fs::rename(&tmp, self.path_of(url)).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }
}

/// The fields worth storing: not hop-by-hop, not framing (the length is set anew).
fn stored_fields(head: &ResponseHead) -> impl Iterator<Item = (&str, &[u8])> {
    let named: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v).split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>()
        })
        .collect();
    head.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).filter(move |(n, _)| {
        let lower = n.to_ascii_lowercase();
        !HOP_BY_HOP.contains(&lower.as_str())
            && lower != "transfer-encoding"
            && lower != "content-length"
            && !named.contains(&lower)
    })
}

/// True if a response to a GET may be stored: 200, not `no-store` or `private`
/// (RFC 9111 §3), and the request carried no credentials.
pub fn storable(head: &ResponseHead, request_has_authorization: bool) -> bool {
    let cc = head.header("cache-control").unwrap_or_default();
    head.code == 200 && !request_has_authorization && !list_has_token(cc, "no-store") && !list_has_token(cc, "private")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &[u8]) -> ResponseHead {
        parse_response(raw).unwrap().unwrap()
    }

    #[test]
    fn stores_and_returns_a_response() {
        let dir = std::env::temp_dir().join(format!("socklab-cache-unit-{}", std::process::id()));
        let cache = Cache::open(&dir).unwrap();
        let url = "http://127.0.0.1:10080/HelloWorld.html";
        assert!(cache.get(url).is_none());
        let h = head(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n\r\n");
        cache.put(url, &h, b"<h1>hi</h1>").unwrap();
        let hit = cache.get(url).unwrap();
        assert_eq!(hit.body, b"<h1>hi</h1>");
        assert_eq!(hit.head.code, 200);
        assert_eq!(hit.head.header("content-type"), Some(&b"text/html"[..]));
        assert_eq!(hit.head.header("content-length"), Some(&b"11"[..]));
        for gone in ["transfer-encoding", "connection", "x-hop", "keep-alive"] {
            assert!(hit.head.header(gone).is_none(), "{gone} was stored");
        }
        // Another URL that happened to share the file would not match its first line.
        fs::write(cache.path_of("http://other/"), fs::read(cache.path_of(url)).unwrap()).unwrap();
        assert!(cache.get("http://other/").is_none());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_plain_200s_are_storable() {
        assert!(storable(&head(b"HTTP/1.1 200 OK\r\n\r\n"), false));
        assert!(!storable(&head(b"HTTP/1.1 200 OK\r\n\r\n"), true));
        assert!(!storable(&head(b"HTTP/1.1 404 Not Found\r\n\r\n"), false));
        assert!(!storable(&head(b"HTTP/1.1 200 OK\r\nCache-Control: max-age=0, no-store\r\n\r\n"), false));
        assert!(!storable(&head(b"HTTP/1.1 200 OK\r\nCache-Control: private\r\n\r\n"), false));
    }
}
