//! `http-keepalive`: three GETs to socklab's web server, first one connection
//! each (the server's default: `Connection: close` after one response), then
//! all three on one connection (`socklab web --keep-alive`); the capture counts
//! the handshakes. The server runs as a child process of this binary.

use super::tcp::setup;
use super::Lab;
use crate::cmd::child::ChildServer;
use crate::error::{Error, Result};
use crate::net::http_client::HttpReader;
use crate::sniff::tcp::flags;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

/// GETs in each half.
const REQUESTS: usize = 3;
/// The page fetched.
const PAGE: &str = "HelloWorld.html";
/// How long a response may take.
const READ_LIMIT: Duration = Duration::from_secs(3);

/// `http-keepalive`.
pub fn keep_alive(lab: &mut Lab) -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the socklab binary", e))?;
    let root = web_root()?;
    let root_arg = root.display().to_string();
    let result = both_halves(lab, &exe, &root_arg);
    let _ = std::fs::remove_dir_all(&root);
    result
}

fn both_halves(lab: &mut Lab, exe: &std::path::Path, root: &str) -> Result<()> {
    let close = ChildServer::start(exe, &["web", "--port", "0", "--root", root, "--quiet"])?;
    let keep = ChildServer::start(exe, &["web", "--port", "0", "--root", root, "--quiet", "--keep-alive"])?;
    let (pc, pk) = (close.addr.port(), keep.addr.port());
    let started = lab.capture(&format!("tcp port {pc} or tcp port {pk}"));
    if started.is_ok() {
        lab.step(
            format!("server A: socklab web (default) on {}", close.addr),
            "one response per connection, then Connection: close",
        );
        lab.step(
            format!("server B: socklab web --keep-alive on {}", keep.addr),
            "connections stay open between requests",
        );
        for i in 1..=REQUESTS {
            match connect(close.addr) {
                Ok(mut s) => get(lab, &mut s, &format!("A, connection {i}"), close.addr),
                Err(e) => lab.step_err(format!("client: connect({})", close.addr), &e),
            }
        }
        match connect(keep.addr) {
            Ok(mut s) => {
                for i in 1..=REQUESTS {
                    get(lab, &mut s, &format!("B, one connection, request {i}"), keep.addr);
                }
            }
            Err(e) => lab.step_err(format!("client: connect({})", keep.addr), &e),
        }
        for (label, port) in [("A (one connection each)", pc), ("B (keep-alive)", pk)] {
            lab.tally(format!("capture: handshakes with server {label}"), move |segs| {
                let syns = segs.iter().filter(|s| s.dport == port && s.flags & flags::SYN != 0).count();
                let requests = segs.iter().filter(|s| s.dport == port && s.len > 0).count();
                format!("{syns} SYN(s) for {requests} request segment(s)")
            });
        }
    }
    let _ = close.stop();
    let _ = keep.stop();
    started
}

fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&addr, READ_LIMIT)?;
    s.set_read_timeout(Some(READ_LIMIT))?;
    Ok(s)
}

/// One GET on `s` and its response, as a step.
fn get(lab: &mut Lab, s: &mut TcpStream, who: &str, addr: SocketAddr) {
    let from = s.local_addr().map_or_else(|_| "?".to_string(), |a| a.port().to_string());
    let call = format!("client ({who}, port {from}): GET /{PAGE}");
    let request = format!("GET /{PAGE} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    if let Err(e) = s.write_all(request.as_bytes()) {
        lab.step_err(call, &e);
        return;
    }
    let mut reader = HttpReader::new(&*s);
    let outcome = reader.read_response_head().and_then(|(head, _)| {
        let kind = head.body_kind(false).map_err(|e| crate::net::http_client::ReadError::Malformed(e.to_string()))?;
        let body = reader.copy_body(kind, |_, _| Ok(()))?;
        let connection = head.header("connection").map(|v| String::from_utf8_lossy(v).into_owned());
        Ok(format!(
            "{} {}, {body} body bytes, Connection: {}",
            head.code,
            head.reason,
            connection.unwrap_or_else(|| "(none: stays open)".to_string())
        ))
    });
    match outcome {
        Ok(text) => lab.step(call, text),
        Err(e) => lab.step(call, format!("no response: {e}")),
    }
}

/// A small web root in a temporary directory.
fn web_root() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("socklab-experiment-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(setup("creating a web root"))?;
    std::fs::write(dir.join(PAGE), "<html><body>Hello World!</body></html>\n").map_err(setup("writing the page"))?;
    Ok(dir)
}
