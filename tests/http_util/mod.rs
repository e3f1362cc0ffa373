//! Helpers shared by the HTTP tests (web, get, proxy): temporary web roots, raw
//! sockets that send exact bytes, and a response reader built on socklab's parser.
#![allow(dead_code)]

use socklab::proto::http::chunked::ChunkedDecoder;
use socklab::proto::http::response::{parse_response, BodyKind, ResponseHead};
use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a test waits for any one thing.
pub const T: Duration = Duration::from_secs(10);
/// Contents of the file outside the web root that no request may ever see.
pub const SECRET: &str = "TOP-SECRET-socklab-must-never-serve-this";

/// A temporary directory removed on drop: `base/www` is the web root,
/// `base/secret.txt` lies outside it.
pub struct TempRoot {
    pub base: PathBuf,
}

impl TempRoot {
    /// A fresh web root with a few files, a subdirectory with an index, and
    /// symlinks: one to a file inside, one to the secret outside, one to the parent.
    pub fn new(name: &str) -> TempRoot {
        let base = std::env::temp_dir().join(format!("socklab-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("www/sub")).unwrap();
        fs::create_dir_all(base.join("www/noindex")).unwrap();
        fs::write(base.join("secret.txt"), SECRET).unwrap();
        fs::write(base.join("www/HelloWorld.html"), HELLO).unwrap();
        fs::write(base.join("www/index.html"), "<h1>index</h1>\n").unwrap();
        fs::write(base.join("www/sub/index.html"), "<h1>sub</h1>\n").unwrap();
        fs::write(base.join("www/data.json"), "{\"ok\":true}\n").unwrap();
        fs::write(base.join("www/big.bin"), big_body()).unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), base.join("www/leak.txt")).unwrap();
        std::os::unix::fs::symlink(&base, base.join("www/up")).unwrap();
        std::os::unix::fs::symlink(base.join("www/HelloWorld.html"), base.join("www/alias.html")).unwrap();
        TempRoot { base }
    }

    /// The web root.
    pub fn www(&self) -> PathBuf {
        self.base.join("www")
    }

    /// The web root as a string for the command line.
    pub fn www_arg(&self) -> String {
        self.www().display().to_string()
    }

    /// Path of a file in the base directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.base.join(rel)
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// The test page.
pub const HELLO: &str = "<!DOCTYPE html>\n<html><body><h1>Hello World</h1></body></html>\n";

/// 1 MiB + 3 bytes of deterministic binary data (sent with sendfile).
pub fn big_body() -> Vec<u8> {
    (0..(1u32 << 20) + 3).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

/// A response read from a socket: its head and its decoded body.
#[derive(Debug)]
pub struct Resp {
    pub head: ResponseHead,
    pub body: Vec<u8>,
}

impl Resp {
    /// A header value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.header(name).map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The status code.
    pub fn code(&self) -> u16 {
        self.head.code
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A connection that reads responses one after another.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Connects with read and write timeouts of [`T`].
    pub fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        stream.set_read_timeout(Some(T)).unwrap();
        stream.set_write_timeout(Some(T)).unwrap();
        Conn { stream, buf: Vec::new() }
    }

    /// Sends exact bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads one response to a request (HEAD if `head`). Panics on timeout or EOF first.
    pub fn response(&mut self, head: bool) -> Resp {
        self.try_response(head).unwrap_or_else(|e| panic!("reading a response: {e}"))
    }

    /// Reads one response; an error string on EOF, timeout or a malformed response.
    pub fn try_response(&mut self, head_only: bool) -> Result<Resp, String> {
        let head = loop {
            if let Some(h) = parse_response(&self.buf).map_err(|e| e.to_string())? {
                break h;
            }
            self.fill()?;
        };
        self.buf.drain(..head.len);
        let body = match head.body_kind(head_only).map_err(|e| e.to_string())? {
            BodyKind::None => Vec::new(),
            BodyKind::Length(n) => {
                while (self.buf.len() as u64) < n {
                    self.fill()?;
                }
                self.buf.drain(..n as usize).collect()
            }
            BodyKind::Chunked => {
                let mut dec = ChunkedDecoder::new();
                let mut out = Vec::new();
                loop {
                    let used = dec.decode(&self.buf, &mut out).map_err(|e| e.to_string())?;
                    self.buf.drain(..used);
                    if dec.is_done() {
                        break out;
                    }
                    self.fill()?;
                }
            }
            BodyKind::UntilClose => {
                while self.fill().is_ok() {}
                std::mem::take(&mut self.buf)
            }
        };
        Ok(Resp { head, body })
    }

    fn fill(&mut self) -> Result<(), String> {
        let mut chunk = [0u8; 65536];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) => Err(format!("read failed: {e}")),
        }
    }

    /// True if the server closes the connection (EOF) within `within`, with no
    /// further bytes; false if it stays open.
    pub fn closed_within(&mut self, within: Duration) -> bool {
        self.stream.set_read_timeout(Some(within)).unwrap();
        let mut b = [0u8; 1024];
        let r = self.stream.read(&mut b);
        self.stream.set_read_timeout(Some(T)).unwrap();
        match r {
            Ok(0) => true,
            Ok(n) => panic!("unexpected {n} bytes: {:?}", String::from_utf8_lossy(&b[..n])),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => true,
            Err(_) => false,
        }
    }

    /// Closes our sending side.
    pub fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// Sends `request` on a fresh connection and reads one response.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Resp {
    let mut c = Conn::open(addr);
    c.send(request);
    c.response(request.starts_with(b"HEAD "))
}

/// A GET request for `target` with the given extra header lines.
pub fn get(target: &str, extra: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: test\r\n{extra}\r\n").into_bytes()
}

/// Waits (bounded) until `f` is true.
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + T;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not happen within {T:?}");
}

/// Runs a command with a time bound; returns (status ok, stdout, stderr).
pub fn run_cmd(program: &str, args: &[&str]) -> (bool, String, String) {
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{program} {args:?} did not finish in 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// True if `path` exists (for optional real clients).
pub fn have(path: &str) -> bool {
    Path::new(path).exists()
}
