//! `socklab get` against socklab web and against scripted servers on raw
//! sockets: the URL and handout forms, HEAD, -o, each body framing, and the
//! errors (refused, timeout, malformed, cut short, https).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
mod http_util;
use common::*;
use http_util::*;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};
use std::time::Duration;

fn web(root: &TempRoot) -> (Proc, SocketAddr) {
    let www = root.www_arg();
    Proc::server(&["web", "--root", &www, "--port", "0", "--threads", "1"])
}

/// A server for one connection: reads the request head, sends `response`
/// (unless `None`: then it holds the connection silently for `hold`), closes.
/// The handle returns the request it received.
fn scripted(response: Option<Vec<u8>>, hold: Duration) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let h = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(T)).unwrap();
        let mut req = Vec::new();
        let mut b = [0u8; 4096];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => req.extend_from_slice(&b[..n]),
            }
        }
        match response {
            Some(r) => {
                let _ = s.write_all(&r);
            }
            None => thread::sleep(hold),
        }
        req
    });
    (addr, h)
}

fn out_of(args: &[&str]) -> String {
    ok(args)
}

#[test]
fn gets_a_url_and_prints_status_headers_and_body() {
    let root = TempRoot::new("get-url");
    let (_p, addr) = web(&root);
    let out = out_of(&["get", &format!("http://{addr}/HelloWorld.html")]);
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    for name in ["Date", "Server", "Last-Modified", "Content-Type", "Content-Length", "Connection"] {
        assert!(out.contains(&format!("\r\n{name}: ")), "{name}:\n{out}");
    }
    assert!(out.ends_with(&format!("\r\n\r\n{HELLO}")), "{out}");
}

#[test]
fn takes_the_handouts_host_port_path_form() {
    let root = TempRoot::new("get-handout");
    let (_p, addr) = web(&root);
    let port = addr.port().to_string();
    let out = out_of(&["get", "127.0.0.1", &port, "HelloWorld.html"]);
    assert!(out.starts_with("HTTP/1.1 200 OK") && out.ends_with(HELLO), "{out}");
    let out = out_of(&["get", "localhost", &port, "/missing.html"]);
    assert!(out.starts_with("HTTP/1.1 404 Not Found\r\n"), "{out}");
}

#[test]
fn head_prints_no_body_and_output_saves_it() {
    let root = TempRoot::new("get-head");
    let (_p, addr) = web(&root);
    let url = format!("http://{addr}/big.bin");
    let out = out_of(&["get", "--head", &url]);
    assert!(out.contains("Content-Length: 1048579\r\n") && out.ends_with("\r\n\r\n"), "{out}");
    let file = root.path("saved.bin");
    let out = out_of(&["get", "-o", &file.display().to_string(), &url]);
    assert!(out.contains("Saved the body (1048579 bytes) to"), "{out}");
    assert_eq!(fs::read(&file).unwrap(), big_body());
}

#[test]
fn an_extra_header_makes_a_conditional_get() {
    let root = TempRoot::new("get-ims");
    let (_p, addr) = web(&root);
    let url = format!("http://{addr}/HelloWorld.html");
    let first = out_of(&["get", "--head", &url]);
    let lm = first.lines().find_map(|l| l.strip_prefix("Last-Modified: ")).unwrap().trim().to_string();
    let out = out_of(&["get", "-H", &format!("If-Modified-Since: {lm}"), &url]);
    assert!(out.starts_with("HTTP/1.1 304 Not Modified\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\n"), "{out}");
}

#[test]
fn sends_a_well_formed_request() {
    let (addr, h) = scripted(Some(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()), Duration::ZERO);
    let out = out_of(&["get", &format!("http://{addr}/a/b?c=d"), "-H", "X-Lab: 1"]);
    assert_eq!(out, "HTTP/1.1 204 No Content\r\n\r\n");
    let req = String::from_utf8(h.join().unwrap()).unwrap();
    assert!(req.starts_with(&format!("GET /a/b?c=d HTTP/1.1\r\nHost: {addr}\r\n")), "{req}");
    assert!(req.contains("\r\nConnection: close\r\n") && req.contains("\r\nX-Lab: 1\r\n"), "{req}");
}

#[test]
fn decodes_a_chunked_body() {
    let resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n7;ext=1\r\n, chunk\r\n0\r\nX-Trailer: t\r\n\r\n";
    let (addr, h) = scripted(Some(resp.to_vec()), Duration::ZERO);
    let out = out_of(&["get", &format!("http://{addr}/")]);
    assert!(out.ends_with("\r\n\r\nHello, chunk"), "{out:?}");
    h.join().unwrap();
}

#[test]
fn reads_a_close_delimited_body() {
    let (addr, h) = scripted(
        Some(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the server closes".to_vec()),
        Duration::ZERO,
    );
    let out = out_of(&["get", &format!("http://{addr}/")]);
    assert!(out.ends_with("\r\n\r\nuntil the server closes"), "{out:?}");
    h.join().unwrap();
}

#[test]
fn skips_interim_responses() {
    let resp = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec();
    let (addr, _h) = scripted(Some(resp), Duration::ZERO);
    let out = out_of(&["get", &format!("http://{addr}/")]);
    assert!(out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") && out.ends_with("ok"), "{out:?}");
}

/// Runs `get` expecting failure; returns the one-line error.
fn get_fails(args: &[&str], code: i32) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(code), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("socklab: ") && !err.contains("panicked"), "{err}");
    err
}

#[test]
fn a_refused_connection_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = get_fails(&["get", &format!("http://127.0.0.1:{port}/")], 1);
    assert!(err.contains("refused") && err.contains("start the server first"), "{err}");
}

#[test]
fn a_silent_server_times_out() {
    let (addr, _h) = scripted(None, Duration::from_secs(3));
    let err = get_fails(&["get", "--timeout-ms", "300", &format!("http://{addr}/")], 1);
    assert!(err.contains(&format!("no complete HTTP response head from {addr} within 300 ms")), "{err}");
}

#[test]
fn a_non_http_answer_is_malformed() {
    let (addr, _h) = scripted(Some(b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec()), Duration::ZERO);
    let err = get_fails(&["get", &format!("http://{addr}/")], 1);
    assert!(
        err.contains(&format!("malformed HTTP response from {addr}")) && err.contains("HTTP/1.0 or HTTP/1.1"),
        "{err}"
    );
}

#[test]
fn a_close_without_response_or_mid_body_is_reported() {
    let (addr, _h) = scripted(Some(Vec::new()), Duration::ZERO);
    let err = get_fails(&["get", &format!("http://{addr}/")], 1);
    assert!(err.contains("closed the connection without a response"), "{err}");
    let (addr, _h) = scripted(Some(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".to_vec()), Duration::ZERO);
    let err = get_fails(&["get", &format!("http://{addr}/")], 1);
    assert!(err.contains("in the middle of the body (5 bytes received)"), "{err}");
}

#[test]
fn https_and_bad_arguments_are_usage_errors() {
    let err = get_fails(&["get", "https://127.0.0.1/"], 2);
    assert!(err.contains("TLS") && err.contains("out of scope"), "{err}");
    let err = get_fails(&["get", "ftp://127.0.0.1/"], 2);
    assert!(err.contains("only http://"), "{err}");
    let err = get_fails(&["get", "127.0.0.1", "80"], 2);
    assert!(err.contains("HOST PORT PATH"), "{err}");
    let err = get_fails(&["get", "http://no-such-host.invalid/"], 1);
    assert!(err.contains("unknown host"), "{err}");
    let err = get_fails(&["get", "-H", "bad header", "http://127.0.0.1:1/"], 2);
    assert!(err.contains("NAME: VALUE"), "{err}");
}
