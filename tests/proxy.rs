//! `socklab proxy` between real clients (curl, python3's urllib, raw sockets)
//! and socklab web or scripted origins: relaying, Via, hop-by-hop fields, the
//! cache, loops, 501/502/504, request bodies, and many clients at once.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
mod http_util;
use common::*;
use http_util::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};
use std::time::Duration;

fn web(root: &TempRoot) -> (Proc, SocketAddr) {
    let www = root.www_arg();
    Proc::server(&["web", "--root", &www, "--port", "0", "--threads", "1"])
}

fn proxy(extra: &[&str]) -> (Proc, SocketAddr) {
    let mut args = vec!["proxy", "--port", "0"];
    args.extend_from_slice(extra);
    Proc::server(&args)
}

/// An origin for one connection: reads a whole request (head and any
/// Content-Length body), answers `response` (or stays silent for `hold`), and
/// returns the request bytes.
fn origin(response: Option<Vec<u8>>, hold: Duration) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let h = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(T)).unwrap();
        let mut req = Vec::new();
        let mut b = [0u8; 4096];
        loop {
            if let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                if req.len() >= end + 4 + len {
                    break;
                }
            }
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

fn curl_via(proxy: SocketAddr, url: &str, extra: &[&str]) -> String {
    let p = format!("http://{proxy}");
    let mut args = vec!["-s", "-i", "-x", p.as_str()];
    args.extend_from_slice(extra);
    args.push(url);
    let (ok, out, err) = run_cmd("curl", &args);
    assert!(ok, "curl failed: {err}");
    out
}

#[test]
fn curl_through_the_proxy_gets_the_page_with_via() {
    let root = TempRoot::new("proxy-curl");
    let (_w, waddr) = web(&root);
    let (p, paddr) = proxy(&[]);
    assert_eq!(p.seen.lock().unwrap()[0], format!("HTTP proxy listening on {paddr}"));
    let out = curl_via(paddr, &format!("http://{waddr}/HelloWorld.html"), &[]);
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains(&format!("\r\nVia: 1.1 {paddr} (socklab)")), "{head}");
    assert!(head.contains("\r\nConnection: close"), "{head}");
    assert!(head.contains("\r\nServer: socklab/"), "{head}");
    assert_eq!(body, HELLO);
}

#[test]
fn python_urllib_uses_it_as_its_http_proxy() {
    let root = TempRoot::new("proxy-urllib");
    let (_w, waddr) = web(&root);
    let (_p, paddr) = proxy(&[]);
    let script = format!(
        "import urllib.request\n\
         o = urllib.request.build_opener(urllib.request.ProxyHandler({{'http': 'http://{paddr}'}}))\n\
         r = o.open('http://{waddr}/data.json', timeout=10)\n\
         print(r.status, r.headers['Via'], r.read().decode().strip())\n"
    );
    let (ok, out, err) = run_cmd("python3", &["-c", &script]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), format!("200 1.1 {paddr} (socklab) {{\"ok\":true}}"));
}

#[test]
fn the_log_pairs_the_client_and_origin_connections() {
    let root = TempRoot::new("proxy-log");
    let (_w, waddr) = web(&root);
    let (mut p, paddr) = proxy(&[]);
    let mut c = Conn::open(paddr);
    c.send(format!("GET http://{waddr}/HelloWorld.html HTTP/1.1\r\nHost: {waddr}\r\n\r\n").as_bytes());
    let r = c.response(false);
    assert_eq!(r.text(), HELLO);
    let me = c.stream.local_addr().unwrap();
    let line = p.wait_for("\"GET", T);
    let prefix = format!("client {me} -> {paddr} | origin 127.0.0.1:");
    assert!(line.starts_with(&prefix), "{line}");
    assert!(
        line.contains(&format!(" -> {waddr} | \"GET http://{waddr}/HelloWorld.html HTTP/1.1\" 200 {}", HELLO.len())),
        "{line}"
    );
    assert!(c.closed_within(T), "the proxy closes after one exchange");
}

#[test]
fn the_cache_answers_the_second_request_without_the_origin() {
    let root = TempRoot::new("proxy-cache");
    let (mut w, waddr) = web(&root);
    let cache_dir = root.path("cache");
    let cache = cache_dir.display().to_string();
    let (mut p, paddr) = proxy(&["--cache", &cache]);
    let url = format!("http://{waddr}/HelloWorld.html");
    let first = curl_via(paddr, &url, &[]);
    let second = curl_via(paddr, &url, &[]);
    assert!(first.ends_with(HELLO) && second.ends_with(HELLO));
    assert!(!first.contains("X-Cache: HIT"), "{first}");
    assert!(second.contains("\r\nX-Cache: HIT\r\n"), "{second}");
    assert!(p.wait_for("\"GET", T).ends_with(" MISS"));
    let hit = p.wait_for("\"GET", T);
    assert!(hit.ends_with(" HIT") && hit.contains("| origin - |"), "{hit}");
    // The origin saw one request only.
    w.wait_for("\"GET /HelloWorld.html", T);
    thread::sleep(Duration::from_millis(200));
    let origin_log = w.seen.lock().unwrap().iter().filter(|l| l.contains("\"GET")).count();
    assert_eq!(origin_log, 1);
    assert_eq!(std::fs::read_dir(&cache_dir).unwrap().count(), 1);
    // Cache-Control: no-cache from the client fetches a fresh copy.
    let fresh = curl_via(paddr, &url, &["-H", "Cache-Control: no-cache"]);
    assert!(!fresh.contains("X-Cache: HIT"), "{fresh}");
    // 404s are not stored.
    curl_via(paddr, &format!("http://{waddr}/nope"), &[]);
    let again = curl_via(paddr, &format!("http://{waddr}/nope"), &[]);
    assert!(again.starts_with("HTTP/1.1 404") && !again.contains("X-Cache"), "{again}");
}

#[test]
fn a_chunked_response_is_relayed_and_cached_decoded() {
    let root = TempRoot::new("proxy-chunked");
    let cache = root.path("cache").display().to_string();
    let (_p, paddr) = proxy(&["--cache", &cache]);
    let resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n6\r\nchunk \r\n4\r\ndone\r\n0\r\n\r\n";
    let (oaddr, _h) = origin(Some(resp.to_vec()), Duration::ZERO);
    let url = format!("http://{oaddr}/c.txt");
    let mut c = Conn::open(paddr);
    c.send(format!("GET {url} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    let r = c.response(false);
    assert_eq!(r.header("Transfer-Encoding").unwrap(), "chunked");
    assert_eq!(r.text(), "chunk done");
    // The origin is gone now; the copy comes from the cache with a length.
    let hit = curl_via(paddr, &url, &[]);
    assert!(hit.contains("\r\nContent-Length: 10\r\n") && hit.ends_with("\r\n\r\nchunk done"), "{hit}");
}

#[test]
fn post_bodies_and_headers_are_forwarded_as_the_rfc_says() {
    let (oaddr, h) = origin(
        Some(
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nok"
                .to_vec(),
        ),
        Duration::ZERO,
    );
    let (_p, paddr) = proxy(&[]);
    let mut c = Conn::open(paddr);
    c.send(
        format!(
            "POST http://{oaddr}/form?x=1 HTTP/1.1\r\nHost: wrong.example\r\nContent-Length: 11\r\n\
             Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\nProxy-Connection: keep-alive\r\nX-Keep: 2\r\n\r\nhello=world"
        )
        .as_bytes(),
    );
    let r = c.response(false);
    assert_eq!((r.code(), r.text().as_str()), (201, "ok"));
    assert_eq!(r.header("Connection").unwrap(), "close");
    assert!(r.header("Keep-Alive").is_none());
    let req = String::from_utf8(h.join().unwrap()).unwrap();
    let (head, body) = req.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with(&format!("POST /form?x=1 HTTP/1.1\r\nHost: {oaddr}\r\n")), "{head}");
    assert_eq!(body, "hello=world");
    assert!(head.contains("\r\nX-Keep: 2") && head.contains("\r\nContent-Length: 11"), "{head}");
    assert!(
        head.contains(&format!("\r\nVia: 1.1 {paddr} (socklab)")) && head.contains("\r\nConnection: close"),
        "{head}"
    );
    for gone in ["X-Drop", "Proxy-Connection", "keep-alive"] {
        assert!(!head.contains(gone), "{gone} forwarded:\n{head}");
    }
}

#[test]
fn curl_posts_a_form_through_the_proxy() {
    let (oaddr, h) = origin(Some(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsent".to_vec()), Duration::ZERO);
    let (_p, paddr) = proxy(&[]);
    let big = "v".repeat(5000);
    let out = curl_via(paddr, &format!("http://{oaddr}/upload"), &["--data-binary", &big]);
    assert!(out.ends_with("\r\n\r\nsent"), "{out}");
    let req = String::from_utf8(h.join().unwrap()).unwrap();
    assert!(req.ends_with(&big) && !req.to_ascii_lowercase().contains("expect:"), "{}", &req[..300.min(req.len())]);
}

#[test]
fn requests_that_loop_back_to_the_proxy_get_508() {
    let (mut p, paddr) = proxy(&[]);
    let out = curl_via(paddr, &format!("http://{paddr}/"), &[]);
    assert!(out.starts_with("HTTP/1.1 508 Loop Detected\r\n"), "{out}");
    assert!(out.contains("would loop forever"), "{out}");
    let out = curl_via(paddr, &format!("http://localhost:{}/x", paddr.port()), &[]);
    assert!(out.starts_with("HTTP/1.1 508"), "{out}");
    // A request that already passed through this proxy (its Via says so).
    let (oaddr, _h) = origin(Some(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()), Duration::from_millis(10));
    let via = format!("Via: 1.1 {paddr} (socklab)");
    let out = curl_via(paddr, &format!("http://{oaddr}/"), &["-H", &via]);
    assert!(out.starts_with("HTTP/1.1 508"), "{out}");
    p.wait_for("508", T);
}

#[test]
fn an_unreachable_origin_is_502_and_a_silent_one_504() {
    let (_p, paddr) = proxy(&["--timeout-ms", "400"]);
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = curl_via(paddr, &format!("http://{closed}/"), &[]);
    assert!(out.starts_with("HTTP/1.1 502 Bad Gateway\r\n") && out.contains("refused"), "{out}");
    let (oaddr, _h) = origin(None, Duration::from_secs(3));
    let out = curl_via(paddr, &format!("http://{oaddr}/"), &[]);
    assert!(out.starts_with("HTTP/1.1 504 Gateway Timeout\r\n"), "{out}");
    let (oaddr, _h) = origin(Some(b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec()), Duration::ZERO);
    let out = curl_via(paddr, &format!("http://{oaddr}/"), &[]);
    assert!(out.starts_with("HTTP/1.1 502") && out.contains("malformed"), "{out}");
    let out = curl_via(paddr, "http://no-such-host.invalid/", &[]);
    assert!(out.starts_with("HTTP/1.1 502") && out.contains("unknown host"), "{out}");
}

#[test]
fn connect_is_501_and_an_origin_form_request_is_400() {
    let (_p, paddr) = proxy(&[]);
    let r = exchange(paddr, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    assert_eq!(r.code(), 501);
    assert!(r.text().contains("TLS is out of scope"), "{}", r.text());
    let r = exchange(paddr, b"GET /HelloWorld.html HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(r.code(), 400);
    assert!(r.text().contains("This is a proxy"), "{}", r.text());
    let r = exchange(paddr, b"GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(r.code(), 501);
    let r = exchange(paddr, b"NONSENSE\r\n\r\n");
    assert_eq!(r.code(), 400);
}

#[test]
fn head_through_the_proxy_has_no_body() {
    let root = TempRoot::new("proxy-head");
    let (_w, waddr) = web(&root);
    let (_p, paddr) = proxy(&[]);
    let mut c = Conn::open(paddr);
    c.send(format!("HEAD http://{waddr}/big.bin HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    let r = c.response(true);
    assert_eq!(r.header("Content-Length").unwrap(), "1048579");
    assert!(c.closed_within(T), "no body may follow a HEAD response");
    let big = exchange(paddr, format!("GET http://{waddr}/big.bin HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    assert_eq!(big.body, big_body());
}

#[test]
fn thirty_clients_at_once_are_all_relayed() {
    let root = TempRoot::new("proxy-many");
    let (_w, waddr) = web(&root);
    let (_p, paddr) = proxy(&["--threads", "8"]);
    let handles: Vec<_> = (0..30)
        .map(|_| {
            thread::spawn(move || {
                let r = exchange(
                    paddr,
                    format!("GET http://{waddr}/HelloWorld.html HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
                );
                (r.code(), r.text())
            })
        })
        .collect();
    for h in handles {
        let (code, text) = h.join().unwrap();
        assert_eq!((code, text.as_str()), (200, HELLO));
    }
}

#[test]
fn sigint_stops_the_proxy_with_a_summary() {
    let (mut p, paddr) = proxy(&[]);
    let _idle = Conn::open(paddr);
    let status = p.signal_and_wait(2, T);
    assert!(status.success(), "{}", p.dump());
    assert!(p.seen.lock().unwrap().join("\n").contains("Proxy stopped: 0 requests relayed"), "{}", p.dump());
}
