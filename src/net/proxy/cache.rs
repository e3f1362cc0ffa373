//! The proxy's disk cache (`--cache DIR`), as in the textbook proxy assignment:
//! a 200 response to a GET is stored under a name derived from its URL, and a
//! later GET of the same URL is answered from the file without contacting the
//! origin. A file holds one line naming the URL (so a hash collision is a miss,
//! not a wrong answer), then the response head with Content-Length set to the
//! decoded body length, then the body. Files are written to a temporary name and
//! renamed, so a concurrent reader sees a whole entry or none.
//!
//! The directory's size is bounded (`--cache-max`): storing an entry that takes
//! the total over the limit first removes the least recently used entries. Use
//! is kept in memory and in each file's modification time (touched on a hit), so
//! a restarted proxy starts from the same order.

use crate::proto::http::response::{parse_response, ResponseHead};
use crate::proto::http::{list_has_token, HOP_BY_HOP};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// Largest body the cache stores.
pub const MAX_BODY: usize = 16 << 20;
/// First word of every cache file (a format version).
const MAGIC: &str = "socklab-cache-v1";
/// Default bound of the cache directory's size.
pub const DEFAULT_MAX: u64 = 64 << 20;
/// Ending of a cache entry's file name.
const EXTENSION: &str = "http";

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
    /// Most bytes of entries kept.
    max: u64,
    index: Mutex<Index>,
}

/// The entries on disk: size and last use of each, and their total size.
#[derive(Default)]
struct Index {
    entries: HashMap<PathBuf, Entry>,
    total: u64,
    /// Logical clock of uses: higher is more recent.
    clock: u64,
}

struct Entry {
    size: u64,
    used: u64,
}

impl Index {
    fn touch(&mut self, path: &Path) {
        self.clock += 1;
        if let Some(e) = self.entries.get_mut(path) {
            e.used = self.clock;
        }
    }

    fn insert(&mut self, path: PathBuf, size: u64) {
        self.clock += 1;
        if let Some(old) = self.entries.insert(path, Entry { size, used: self.clock }) {
            self.total -= old.size;
        }
        self.total += size;
    }

    /// Removes the least recently used entries until `room` more bytes fit under
    /// `max`, never `keep`; returns their paths.
    fn evict(&mut self, max: u64, room: u64, keep: &Path) -> Vec<PathBuf> {
        let mut gone = Vec::new();
        while self.total + room > max {
            let oldest =
                self.entries.iter().filter(|(p, _)| *p != keep).min_by_key(|(_, e)| e.used).map(|(p, _)| p.clone());
            let Some(path) = oldest else { break };
            if let Some(e) = self.entries.remove(&path) {
                self.total -= e.size;
            }
            gone.push(path);
        }
        gone
    }
}

/// FNV-1a, 64 bits: a stable file name for a URL.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Cache {
    /// Opens (creating if needed) a cache directory holding at most `max` bytes of
    /// entries; entries already there count, oldest first out.
    pub fn open(dir: &Path, max: u64) -> io::Result<Cache> {
        fs::create_dir_all(dir)?;
        let mut found: Vec<(SystemTime, PathBuf, u64)> = Vec::new();
        for item in fs::read_dir(dir)? {
            let item = item?;
            let path = item.path();
            if path.extension().is_some_and(|e| e == EXTENSION) {
                let meta = item.metadata()?;
                found.push((meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), path, meta.len()));
            }
        }
        found.sort();
        let mut index = Index::default();
        for (_, path, size) in found {
            index.insert(path, size);
        }
        for path in index.evict(max, 0, Path::new("")) {
            let _ = fs::remove_file(path);
        }
        Ok(Cache { dir: dir.to_path_buf(), tmp_seq: AtomicU64::new(0), max, index: Mutex::new(index) })
    }

    /// Bytes of entries stored now.
    pub fn size(&self) -> u64 {
        self.index.lock().map_or(0, |i| i.total)
    }

    /// The file that holds `url`.
    pub fn path_of(&self, url: &str) -> PathBuf {
        self.dir.join(format!("{:016x}.{EXTENSION}", fnv1a(url.as_bytes())))
    }

    /// The stored response for `url`, if any (a damaged file is a miss).
    pub fn get(&self, url: &str) -> Option<Hit> {
        let path = self.path_of(url);
        let data = fs::read(&path).ok()?;
        if let Ok(mut index) = self.index.lock() {
            index.touch(&path);
        }
        if let Ok(f) = fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
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
        let size = out.len() as u64;
        if size > self.max {
            return Err(io::Error::other(format!("{size} bytes, more than the whole cache may hold (--cache-max)")));
        }
        let path = self.path_of(url);
        let gone = match self.index.lock() {
            Ok(mut index) => {
                let replaced = index.entries.get(&path).map_or(0, |e| e.size);
                let gone = index.evict(self.max + replaced, size, &path);
                index.insert(path.clone(), size);
                gone
            }
            Err(_) => Vec::new(),
        };
        for old in gone {
            let _ = fs::remove_file(old);
        }
        let seq = self.tmp_seq.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!(".tmp-{}-{seq}", std::process::id()));
        fs::write(&tmp, &out).and_then(|()| fs::rename(&tmp, &path)).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
            if let Ok(mut index) = self.index.lock() {
                if let Some(e) = index.entries.remove(&path) {
                    index.total -= e.size;
                }
            }
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
        let cache = Cache::open(&dir, DEFAULT_MAX).unwrap();
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
    fn the_least_recently_used_entries_make_room() {
        let dir = std::env::temp_dir().join(format!("socklab-cache-lru-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let h = head(b"HTTP/1.1 200 OK\r\n\r\n");
        let body = vec![b'x'; 1000];
        let url = |i: usize| format!("http://o/{i}");
        // Room for three entries of about 1,060 bytes.
        let cache = Cache::open(&dir, 3300).unwrap();
        for i in 0..3 {
            cache.put(&url(i), &h, &body).unwrap();
        }
        assert!(cache.get(&url(0)).is_some());
        cache.put(&url(3), &h, &body).unwrap();
        // 1 was the least recently used (0 was just read).
        assert!(cache.get(&url(1)).is_none());
        for i in [0, 2, 3] {
            assert!(cache.get(&url(i)).is_some(), "entry {i}");
        }
        assert!(cache.size() <= 3300);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 3);
        // Replacing an entry does not count it twice; too big an entry is refused.
        cache.put(&url(3), &h, &body).unwrap();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 3);
        assert!(cache.put(&url(9), &h, &vec![b'y'; 4000]).is_err());
        // Reopened smaller, the directory is trimmed to the new bound.
        drop(cache);
        let cache = Cache::open(&dir, 2200).unwrap();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        assert!(cache.size() <= 2200);
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
