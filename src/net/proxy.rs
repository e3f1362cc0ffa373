//! `socklab proxy`: the multithreaded web-proxy lab. A browser (or curl -x)
//! sends the proxy absolute-form requests (`GET http://host:port/path HTTP/1.1`,
//! RFC 9112 §3.2.2); for each one the proxy opens a new TCP connection to the
//! origin server, sends the request in origin-form, and relays the response.
//!
//! * One request per client connection: every response says `Connection: close`,
//!   so the log pairs one client-side and one origin-side TCP stream per line,
//!   with the local and peer address of both sockets, as a capture shows them.
//! * Hop-by-hop fields (RFC 9110 §7.6.1) are dropped both ways and each message
//!   gets a `Via` field naming this proxy (§7.6.3). A request whose Via already
//!   names this proxy, or whose target is the proxy's own address, is a loop:
//!   508 Loop Detected instead of connecting to itself over and over.
//! * 502 Bad Gateway when the origin cannot be reached or answers garbage, 504
//!   Gateway Timeout when it is too slow; CONNECT (HTTPS tunnels) gets 501.
//!   `--timeout-ms` bounds the connect, the whole request head, the whole
//!   response head and each read of a body, so a peer trickling bytes cannot
//!   hold a worker; a client that leaves while the origin is answering has its
//!   origin connection dropped at once (see [`timed`]).
//! * Bodies are relayed as they arrive, in their own framing (Content-Length,
//!   chunked, or until the origin closes); a request body likewise.
//! * With `--cache DIR`, 200 responses to GET are stored and repeats are served
//!   from disk (see [`cache`]); the log says HIT or MISS.
//! * A bounded pool of `--threads` workers with blocking sockets; when every
//!   worker is busy and the queue is full, the client gets 503.
//! * With `--capture`, the capture starts on the proxy's port and, right before
//!   each connection to an origin on loopback, widens to that origin (see
//!   [`crate::sniff::watch`]); at the end it pairs each request's client-side
//!   and origin-side TCP streams. Origins off loopback are not captured: the
//!   capture runs on the loopback interface.

pub mod cache;
pub mod timed;

use crate::error::{Error, Result};
use crate::net::http_client::{HttpReader, ReadError};
use crate::net::pool::{Pool, Rejected};
use crate::net::serve::{self, out, Conns, Listen};
use crate::net::web::reply::{self, Stamp};
use crate::net::{addr, shutdown};
use crate::proto::http::date;
use crate::proto::http::request::{parse_request, RequestBody};
use crate::proto::http::response::{BodyKind, StatusCode};
use crate::proto::http::url::{parse_url, HttpUrl, UrlError};
use crate::proto::http::{list_has_token, Version, HOP_BY_HOP};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use crate::sniff::watch::{StreamPair, Watcher};
use cache::Cache;
use std::io::{self, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use timed::Timed;

/// Connections that may wait for a worker, per worker, before the proxy says busy.
const QUEUE_PER_WORKER: usize = 4;

/// Settings and counters every worker shares.
struct Proxy {
    /// Where the proxy listens.
    local: SocketAddr,
    /// This proxy's received-by value in Via fields.
    via: String,
    /// Limit for connecting to an origin, for a whole message head from either
    /// side, and for each read of a body.
    timeout: Duration,
    cache: Option<Cache>,
    conns: Conns,
    started: String,
    requests: AtomicU64,
    hits: AtomicU64,
    /// Widens the capture to each origin and records the stream pairs.
    capture: Watcher,
}

/// Settings of `socklab proxy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySettings {
    /// Where it listens.
    pub listen: Listen,
    /// Worker threads relaying requests at once.
    pub threads: u16,
    /// The cache directory (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Most bytes the cache directory holds.
    pub cache_max: u64,
    /// Milliseconds allowed to connect to the origin, for a whole message head,
    /// and for each read of a body.
    pub timeout_ms: u64,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab proxy`: serve until Ctrl-C.
pub fn run(a: &ProxySettings) -> Result<()> {
    let listener = addr::listen_tcp(a.listen.addr()?)?;
    let local = listener.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
    let cache = match &a.cache {
        Some(dir) => Some(Cache::open(dir, a.cache_max).map_err(|e| Error::File {
            path: dir.display().to_string(),
            reason: format!("cannot use it as the cache directory ({e})"),
        })?),
        None => None,
    };
    let cap = CaptureSession::start(a.capture.clone(), "proxy", CaptureFilter::TcpPort(local.port()))?;
    out(format_args!("HTTP proxy listening on {local}"));
    cap.announce();
    let cache_note = a.cache.as_ref().map_or("no cache".to_string(), |d| format!("cache in {}", d.display()));
    out(format_args!(
        "{}, {cache_note}; try: curl -x http://{} http://127.0.0.1:10080/HelloWorld.html",
        serve::count(u64::from(a.threads), "worker thread"),
        serve::reachable(local)
    ));
    serve::wake_listener_on_shutdown(&listener)?;
    let proxy = Arc::new(Proxy {
        local,
        via: format!("1.1 {} (socklab)", serve::reachable(local)),
        timeout: Duration::from_millis(a.timeout_ms.max(1)),
        cache,
        conns: Conns::closed_on_shutdown(),
        started: date::format(SystemTime::now()),
        requests: AtomicU64::new(0),
        hits: AtomicU64::new(0),
        capture: cap.watcher(),
    });
    let threads = usize::from(a.threads);
    let pool = Pool::new("proxy", threads, threads * QUEUE_PER_WORKER);
    let result = accept_loop(&listener, &pool, &proxy);
    if result.is_err() {
        shutdown::request();
    }
    pool.shutdown();
    out(format_args!(
        "Proxy stopped: {} relayed, {} from the cache.",
        serve::count(proxy.requests.load(Ordering::Relaxed), "request"),
        proxy.hits.load(Ordering::Relaxed)
    ));
    result
}

fn accept_loop(listener: &TcpListener, pool: &Pool, proxy: &Arc<Proxy>) -> Result<()> {
    serve::accept_each(listener, |stream, peer| {
        let Ok(spare) = stream.try_clone() else { return };
        let p = Arc::clone(proxy);
        if let Err(Rejected(job)) = pool.execute(move || serve_client(stream, peer, &p)) {
            drop(job);
            let detail = "Every proxy worker is busy; try again shortly.";
            send_page(&spare, proxy, StatusCode::SERVICE_UNAVAILABLE, detail, false);
            out(format_args!("client {peer} -> {}: turned away, all workers busy (503)", proxy.local));
        }
    })
}

/// Writes a generated page with `Connection: close` (errors of the proxy itself).
fn send_page(mut stream: &TcpStream, proxy: &Proxy, status: StatusCode, detail: &str, head_only: bool) -> u64 {
    let mut buf = Vec::new();
    let now = date::format(SystemTime::now());
    let stamp = Stamp { date: &now, started: &proxy.started, keep_alive: false };
    let n = reply::page(&mut buf, status, detail, &[("Via", proxy.via.as_bytes())], &stamp, head_only);
    let _ = stream.write_all(&buf);
    n
}

/// What one exchange did, for its log line.
struct Outcome {
    line: String,
    origin: Option<(SocketAddr, SocketAddr)>,
    status: u16,
    bytes: u64,
    cache: &'static str,
    note: String,
}

impl Outcome {
    fn new(line: String) -> Outcome {
        Outcome { line, origin: None, status: 0, bytes: 0, cache: "", note: String::new() }
    }
}

/// Serves one client connection: one request, one response, close.
fn serve_client(client: TcpStream, peer: SocketAddr, proxy: &Proxy) {
    let key = proxy.conns.add(&client);
    let _ = client.set_read_timeout(Some(proxy.timeout));
    let _ = client.set_write_timeout(Some(proxy.timeout));
    let mut outcome = Outcome::new(String::new());
    let logged = exchange(&client, proxy, &mut outcome);
    proxy.conns.remove(key);
    let _ = client.shutdown(Shutdown::Both);
    if let (Some(origin), Ok(local)) = (outcome.origin, client.local_addr()) {
        proxy.capture.pair(StreamPair { client: (peer, local), origin });
    }
    if logged && !shutdown::requested() {
        log(peer, proxy.local, &outcome);
    }
}

/// The log line: both connections as local -> peer address pairs, the request
/// line, status, body bytes relayed, cache result, and a note for errors.
fn log(peer: SocketAddr, local: SocketAddr, o: &Outcome) {
    let origin = o.origin.map_or("origin -".to_string(), |(l, p)| format!("origin {l} -> {p}"));
    let mut line = format!("client {peer} -> {local} | {origin} | \"{}\" {} {}", o.line, o.status, o.bytes);
    if !o.cache.is_empty() {
        line.push(' ');
        line.push_str(o.cache);
    }
    if !o.note.is_empty() {
        line.push_str(&format!(" ({})", o.note));
    }
    out(line);
}

/// A request read from the client, owned.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: RequestBody,
}

impl Request {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }
}

/// Reads the request head. `Err` carries the answer to send instead (or `None`
/// when the client left without a request).
fn read_request(reader: &mut HttpReader<Timed>) -> std::result::Result<Request, Option<(StatusCode, String)>> {
    loop {
        match parse_request(&reader.buf) {
            Ok(Some(head)) => {
                let body = head.body().map_err(|e| Some((StatusCode::BAD_REQUEST, e.to_string())))?;
                let req = Request {
                    method: head.method.to_string(),
                    target: head.target.to_string(),
                    headers: head.headers().iter().map(|h| (h.name.to_string(), h.value.to_vec())).collect(),
                    body,
                };
                let len = head.len;
                reader.buf.drain(..len);
                reader.get_ref().head_done();
                return Ok(req);
            }
            Ok(None) => {}
            Err(e) => return Err(Some((e.status(), e.to_string()))),
        }
        match reader.fill() {
            Ok(0) if reader.buf.is_empty() => return Err(None),
            Ok(0) => return Err(Some((StatusCode::BAD_REQUEST, "the request head was cut short".into()))),
            Ok(_) => {}
            Err(ReadError::Timeout) => {
                return Err(Some((StatusCode::REQUEST_TIMEOUT, "no complete request arrived in time".into())))
            }
            Err(_) => return Err(None),
        }
    }
}

/// Runs one exchange, filling `o`; false if there is nothing to log (the
/// client connected and left).
fn exchange(client: &TcpStream, proxy: &Proxy, o: &mut Outcome) -> bool {
    let mut from_client = HttpReader::new(Timed::new(client, proxy.timeout, Some(Instant::now() + proxy.timeout)));
    let req = match read_request(&mut from_client) {
        Ok(r) => r,
        Err(None) => return false,
        Err(Some((status, detail))) => {
            o.line = first_line(&from_client.buf);
            reject(client, proxy, o, status, &detail);
            return true;
        }
    };
    o.line = format!("{} {} HTTP/1.1", req.method, req.target);
    let head_only = req.method == "HEAD";
    let url = match check_request(&req, proxy) {
        Ok(url) => url,
        Err((status, detail)) => {
            reject(client, proxy, o, status, &detail);
            return true;
        }
    };
    let url_text = url.to_string();
    let cacheable_request = req.method == "GET" && proxy.cache.is_some();
    if cacheable_request && !wants_fresh(&req) {
        if let Some(hit) = proxy.cache.as_ref().and_then(|c| c.get(&url_text)) {
            proxy.hits.fetch_add(1, Ordering::Relaxed);
            proxy.requests.fetch_add(1, Ordering::Relaxed);
            o.status = hit.head.code;
            o.cache = "HIT";
            o.bytes = send_cached(client, proxy, &hit);
            return true;
        }
    }
    if cacheable_request {
        o.cache = "MISS";
    }
    proxy.requests.fetch_add(1, Ordering::Relaxed);
    relay(client, &mut from_client, &req, &url, head_only, proxy, o);
    true
}

/// Answers with an error page and records it.
fn reject(client: &TcpStream, proxy: &Proxy, o: &mut Outcome, status: StatusCode, detail: &str) {
    o.status = status.code;
    o.bytes = send_page(client, proxy, status, detail, false);
    o.note = detail.to_string();
}

/// The first line of a request that could not be parsed, for the log.
fn first_line(buf: &[u8]) -> String {
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(&line[..line.len().min(120)]).trim_end().escape_debug().to_string()
}

/// True if the client asks for a fresh copy (Cache-Control: no-cache, Pragma: no-cache).
fn wants_fresh(req: &Request) -> bool {
    req.header("cache-control").is_some_and(|v| list_has_token(v, "no-cache"))
        || req.header("pragma").is_some_and(|v| list_has_token(v, "no-cache"))
}

/// Checks method, target and loops; returns the origin URL or the answer to give.
fn check_request(req: &Request, proxy: &Proxy) -> std::result::Result<HttpUrl, (StatusCode, String)> {
    if req.method == "CONNECT" {
        return Err((
            StatusCode::NOT_IMPLEMENTED,
            "CONNECT (tunnelling HTTPS through the proxy) is not supported: TLS is out of scope for socklab".into(),
        ));
    }
    let url = match parse_url(&req.target, false) {
        Ok(u) => u,
        Err(UrlError::Https) => {
            return Err((StatusCode::NOT_IMPLEMENTED, "https needs TLS, which is out of scope for socklab".into()))
        }
        Err(_) if req.target.starts_with('/') => {
            return Err((
                StatusCode::BAD_REQUEST,
                format!(
                    "This is a proxy: send the absolute URL (GET http://host:port/path), e.g. curl -x http://{} http://127.0.0.1:10080/",
                    serve::reachable(proxy.local)
                ),
            ))
        }
        Err(e) => return Err((StatusCode::BAD_REQUEST, format!("bad request target: {e}"))),
    };
    let ours = proxy.via.trim_end_matches(" (socklab)").trim_start_matches("1.1 ");
    let via_loop = req
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("via"))
        .any(|(_, v)| String::from_utf8_lossy(v).split(',').any(|hop| hop.split_whitespace().nth(1) == Some(ours)));
    if via_loop || targets_self(&url, proxy.local) {
        return Err((
            StatusCode::LOOP_DETECTED,
            format!("The request came back to this proxy ({ours}): it would loop forever. Ask for the origin server's address, not the proxy's."),
        ));
    }
    Ok(url)
}

/// True if `url` names the proxy's own listening address.
fn targets_self(url: &HttpUrl, local: SocketAddr) -> bool {
    if url.port != local.port() {
        return false;
    }
    let Ok(addrs) = addr::resolve(&url.host, url.port) else { return false };
    addrs.iter().any(|a| {
        a.ip() == local.ip()
            || (local.ip().is_unspecified() && (a.ip().is_loopback() || a.ip().is_unspecified() || is_local(a.ip())))
    })
}

/// True if `ip` belongs to this machine (it can be bound).
fn is_local(ip: IpAddr) -> bool {
    std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

/// Sends a cached response with Via and Connection: close; returns body bytes.
fn send_cached(mut client: &TcpStream, proxy: &Proxy, hit: &cache::Hit) -> u64 {
    let mut out = format!("HTTP/1.1 {} {}\r\n", hit.head.code, hit.head.reason).into_bytes();
    for (n, v) in &hit.head.headers {
        push_field(&mut out, n, v);
    }
    push_field(&mut out, "Via", proxy.via.as_bytes());
    push_field(&mut out, "X-Cache", b"HIT");
    push_field(&mut out, "Connection", b"close");
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&hit.body);
    let _ = client.write_all(&out);
    hit.body.len() as u64
}

fn push_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// The fields to forward: not hop-by-hop, not named by Connection, not `skip`.
fn forwarded<'a>(headers: &'a [(String, Vec<u8>)], skip: &[&str]) -> Vec<(&'a str, &'a [u8])> {
    let named: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v).split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>()
        })
        .collect();
    headers
        .iter()
        .filter(|(n, _)| {
            let lower = n.to_ascii_lowercase();
            !HOP_BY_HOP.contains(&lower.as_str()) && !named.contains(&lower) && !skip.contains(&lower.as_str())
        })
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect()
}

/// The Via value to send: the received one (if any) with this proxy appended.
fn via_value(headers: &[(String, Vec<u8>)], ours: &str) -> Vec<u8> {
    let mut hops: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("via"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect();
    hops.push(ours.to_string());
    hops.join(", ").into_bytes()
}

/// Connects to the origin, forwards the request and relays the response.
fn relay(
    client: &TcpStream,
    from_client: &mut HttpReader<Timed>,
    req: &Request,
    url: &HttpUrl,
    head_only: bool,
    proxy: &Proxy,
    o: &mut Outcome,
) {
    let fail = |o: &mut Outcome, status: StatusCode, detail: String| reject(client, proxy, o, status, &detail);
    let origin_addr = match addr::resolve_one(&url.host, url.port) {
        Ok(a) => a,
        Err(e) => return fail(o, StatusCode::BAD_GATEWAY, e.to_string()),
    };
    // Before the SYN leaves, so the capture has the whole origin-side stream.
    proxy.capture.watch(origin_addr);
    let origin = match addr::connect_tcp(origin_addr, proxy.timeout) {
        Ok(s) => s,
        Err(Error::ConnectTimeout { .. }) => {
            return fail(
                o,
                StatusCode::GATEWAY_TIMEOUT,
                format!("the origin {origin_addr} did not answer the connection"),
            )
        }
        Err(Error::ConnectionRefused { .. }) => {
            let detail = format!("the origin {origin_addr} refused the connection: no server listens on that port");
            return fail(o, StatusCode::BAD_GATEWAY, detail);
        }
        Err(e) => return fail(o, StatusCode::BAD_GATEWAY, e.to_string()),
    };
    let key = proxy.conns.add(&origin);
    o.origin = origin.local_addr().ok().zip(origin.peer_addr().ok());
    let _ = origin.set_read_timeout(Some(proxy.timeout));
    let _ = origin.set_write_timeout(Some(proxy.timeout));
    let result = forward(client, from_client, &origin, req, url, head_only, proxy, o);
    proxy.conns.remove(key);
    let _ = origin.shutdown(Shutdown::Both);
    if let Err((status, detail)) = result {
        if o.status == 0 {
            fail(o, status, detail);
        } else {
            o.note = detail;
        }
    }
}

/// Sends the request to the origin and relays the answer. An `Err` before any
/// response byte reached the client becomes an error page; after, only a note.
#[allow(clippy::too_many_arguments)]
fn forward(
    mut client: &TcpStream,
    from_client: &mut HttpReader<Timed>,
    mut origin: &TcpStream,
    req: &Request,
    url: &HttpUrl,
    head_only: bool,
    proxy: &Proxy,
    o: &mut Outcome,
) -> std::result::Result<(), (StatusCode, String)> {
    let origin_peer = o.origin.map_or_else(|| url.host_header(), |(_, p)| p.to_string());
    let gateway = |e: io::Error| (StatusCode::BAD_GATEWAY, format!("sending to the origin {origin_peer} failed: {e}"));
    // The request in origin-form, Host from the URL (RFC 9112 §3.2.2).
    let host = url.host_header();
    let via = via_value(&req.headers, &proxy.via);
    let mut fields = vec![("Host", host.as_bytes())];
    fields.extend(forwarded(&req.headers, &["host", "via", "expect"]));
    fields.push(("Via", &via));
    fields.push(("Connection", b"close"));
    let head = crate::proto::http::request::encode_request(&req.method, &url.target, Version::Http11, &fields);
    origin.write_all(&head).map_err(gateway)?;
    if req.header("expect").is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue")) {
        // We asked the origin for nothing, so say Continue ourselves (RFC 9110 §10.1.1).
        let _ = client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let body_kind = match req.body {
        RequestBody::None => BodyKind::None,
        RequestBody::Length(n) => BodyKind::Length(n),
        RequestBody::Chunked => BodyKind::Chunked,
    };
    from_client.copy_body(body_kind, |raw, _| origin.write_all(raw)).map_err(|e| match e {
        ReadError::Timeout => (StatusCode::REQUEST_TIMEOUT, "the request body did not arrive in time".into()),
        ReadError::Sink(e) => gateway(e),
        e => (StatusCode::BAD_REQUEST, format!("bad request body: {e}")),
    })?;
    // The whole response head within the timeout, however it trickles in; the
    // body only an idle limit; either given up when the client leaves.
    let deadline = Instant::now() + proxy.timeout;
    let mut from_origin = HttpReader::new(Timed::new(origin, proxy.timeout, Some(deadline)).watching(client));
    let resp = loop {
        let (resp, _) = from_origin.read_response_head().map_err(|e| origin_error(e, &origin_peer))?;
        if resp.code >= 200 {
            break resp;
        }
    };
    from_origin.get_ref().head_done();
    let kind =
        resp.body_kind(head_only).map_err(|e| (StatusCode::BAD_GATEWAY, format!("origin {origin_peer}: {e}")))?;
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.code, resp.reason).into_bytes();
    for (n, v) in forwarded(&resp.headers, &["via"]) {
        push_field(&mut out, n, v);
    }
    push_field(&mut out, "Via", &via_value(&resp.headers, &proxy.via));
    push_field(&mut out, "Connection", b"close");
    out.extend_from_slice(b"\r\n");
    client.write_all(&out).map_err(|e| (StatusCode::BAD_GATEWAY, format!("the client went away: {e}")))?;
    o.status = resp.code;
    let store = o.cache == "MISS" && cache::storable(&resp, req.header("authorization").is_some());
    let mut kept: Option<Vec<u8>> = store.then(Vec::new);
    let relayed = from_origin.copy_body(kind, |raw, decoded| {
        if let Some(k) = kept.as_mut() {
            if k.len() + decoded.len() <= cache::MAX_BODY {
                k.extend_from_slice(decoded);
            } else {
                kept = None;
            }
        }
        client.write_all(raw)
    });
    match relayed {
        Ok(n) => o.bytes = n,
        Err(ReadError::Io(e)) if timed::is_client_gone(&e) => {
            return Err((StatusCode::BAD_GATEWAY, "the client went away; dropped the origin connection".into()))
        }
        Err(e) => return Err((StatusCode::BAD_GATEWAY, format!("relaying the body stopped: {e}"))),
    }
    if let (Some(body), Some(cache)) = (kept, proxy.cache.as_ref()) {
        if let Err(e) = cache.put(&url.to_string(), &resp, &body) {
            o.note = format!("not cached: {e}");
        }
    }
    Ok(())
}

/// A failure reading the origin's response as the status the client gets.
fn origin_error(e: ReadError, origin: &str) -> (StatusCode, String) {
    match e {
        ReadError::Timeout => (StatusCode::GATEWAY_TIMEOUT, format!("the origin {origin} did not answer in time")),
        ReadError::Io(e) if timed::is_client_gone(&e) => (
            StatusCode::BAD_GATEWAY,
            format!("the client went away before the origin {origin} answered; dropped the origin connection"),
        ),
        ReadError::Closed { .. } => {
            (StatusCode::BAD_GATEWAY, format!("the origin {origin} closed the connection without a response"))
        }
        ReadError::Malformed(m) => {
            (StatusCode::BAD_GATEWAY, format!("the origin {origin} sent a malformed response: {m}"))
        }
        e => (StatusCode::BAD_GATEWAY, format!("reading from the origin {origin} failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(raw: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        raw.iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect()
    }

    #[test]
    fn hop_by_hop_fields_are_not_forwarded() {
        let h = fields(&[
            ("Host", "a"),
            ("Connection", "keep-alive, X-Secret"),
            ("X-Secret", "1"),
            ("Keep-Alive", "timeout=5"),
            ("Proxy-Connection", "keep-alive"),
            ("Accept", "*/*"),
            ("Via", "1.0 other"),
        ]);
        let names: Vec<&str> = forwarded(&h, &["host", "via"]).iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Accept"]);
        assert_eq!(via_value(&h, "1.1 127.0.0.1:8888 (socklab)"), b"1.0 other, 1.1 127.0.0.1:8888 (socklab)");
    }

    #[test]
    fn a_target_on_the_proxys_own_address_is_a_loop() {
        let local: SocketAddr = "127.0.0.1:8888".parse().unwrap();
        let url = |s: &str| parse_url(s, false).unwrap();
        assert!(targets_self(&url("http://127.0.0.1:8888/"), local));
        assert!(targets_self(&url("http://localhost:8888/x"), local));
        assert!(!targets_self(&url("http://127.0.0.1:8889/"), local));
        let any: SocketAddr = "0.0.0.0:8888".parse().unwrap();
        assert!(targets_self(&url("http://127.0.0.1:8888/"), any));
        assert!(targets_self(&url("http://127.0.0.2:8888/"), any));
    }
}
