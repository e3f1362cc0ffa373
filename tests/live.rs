//! `socklab sniff --web`: the live view. In headless Chromium the page shows a
//! datagram's row within a second of it being sent and draws a TCP stream's
//! views; Ctrl-C ends the capture within a second and the page says so. Over
//! plain sockets, two viewers get every packet while a third that never reads
//! is dropped, and the index refuses paths outside captures/.
//! Live capture needs root (CI runs as root); Chromium is needed under CI=true.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod browser;
mod common;

use browser::Browser;
use common::{need, root, scratch, Proc, Rng};
use serde_json::{json, Value};
use socklab::net::live::hub::MAX_VIEWERS;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long socklab may take to print its URL.
const START: Duration = Duration::from_secs(10);
/// The bound from sending a datagram to its row being in the page.
const ROW_LATENCY: Duration = Duration::from_secs(1);
/// The bound on the lab views being redrawn (they are redrawn every second).
const VIEWS_LATENCY: Duration = Duration::from_secs(5);
/// The bound on a clean exit after Ctrl-C (the test's own polling adds 50 ms).
const SHUTDOWN: Duration = Duration::from_millis(1100);
/// The page is connected to its event stream.
const CONNECTED: &str = "window.socklab && window.socklab.live && window.socklab.live.state === 'open'";

/// Starts `sniff --web` on a free loopback port, capturing `bpf`, saving in
/// `dir`; returns it and the live page's URL.
fn live(dir: &Path, bpf: &str) -> (Proc, String) {
    let file = dir.join("live.pcap");
    let args = ["sniff", "--web", "--bind", "127.0.0.1:0", "-f", bpf, "-w", file.to_str().unwrap()];
    let mut p = Proc::spawn(&args);
    let first = p.next_line(START);
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_string);
    let url = url.unwrap_or_else(|| panic!("the first line has no URL: {first:?}\n{}", p.dump()));
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/live"), "{url}");
    (p, url)
}

/// Milliseconds since the Unix epoch (the page's `Date.now()`).
fn epoch_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// `host:port` of a URL like `http://127.0.0.1:5/live`.
fn authority(url: &str) -> &str {
    url.trim_start_matches("http://").split('/').next().unwrap()
}

/// Sends a GET for `path` and returns the whole response.
fn get(url: &str, path: &str) -> String {
    let mut s = TcpStream::connect(authority(url)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn rows_appear_within_a_second_and_the_stream_views_grow() {
    if !root("rows_appear_within_a_second_and_the_stream_views_grow") || !need(&browser::binary()) {
        return;
    }
    let dir = scratch("live-page");
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let (u, t) = (sink.local_addr().unwrap().port(), server.local_addr().unwrap().port());
    let (mut p, url) = live(&dir, &format!("udp port {u} or tcp port {t}"));
    let mut b = Browser::start(&dir.join("profile"));
    b.open(&url, CONNECTED, Duration::from_secs(20));
    let rows = "document.querySelectorAll('#rows .row').length";
    assert_eq!(b.eval(rows), 0);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut latencies = Vec::new();
    for n in 1..=3 {
        // The page notes (on the same clock) when the row is drawn.
        let watch = format!(
            "window.drawnAt = null; new MutationObserver((_, o) => {{ if ({rows} >= {n}) {{ window.drawnAt = Date.now(); o.disconnect(); }} }}).observe(document.getElementById('rows'), {{ childList: true }}); true"
        );
        b.eval(&watch);
        let sent = epoch_ms();
        client.send_to(format!("datagram {n}").as_bytes(), ("127.0.0.1", u)).unwrap();
        b.wait_for(&format!("{rows} >= {n}"), ROW_LATENCY);
        latencies.push(b.wait_for("window.drawnAt", ROW_LATENCY).as_u64().unwrap().saturating_sub(sent));
    }
    println!("datagram sent to its row drawn in the page: {latencies:?} ms");
    assert!(latencies.iter().all(|&ms| ms < ROW_LATENCY.as_millis() as u64), "{latencies:?}");
    let row = b.eval("document.querySelector('#rows .row').textContent");
    assert!(row.as_str().unwrap().contains(&format!("→ {u} Len=10")), "{row}");

    let mut c = TcpStream::connect(("127.0.0.1", t)).unwrap();
    let (mut s, _) = server.accept().unwrap();
    c.write_all(b"hello\n").unwrap();
    let mut line = [0u8; 6];
    s.read_exact(&mut line).unwrap();
    drop((c, s));
    b.wait_for("document.querySelectorAll('#stream-select option').length >= 1", VIEWS_LATENCY);
    b.wait_for("document.querySelector('#stream-view .ladder svg') !== null", VIEWS_LATENCY);
    b.wait_for(&format!("{rows} >= 6"), VIEWS_LATENCY);
    let tcp_rows = b.eval("window.socklab.state.rows.length");
    // The display filter holds for the rows that arrive after it.
    b.eval("window.socklab.applyFilter('udp')");
    client.send_to(b"filtered", ("127.0.0.1", u)).unwrap();
    let all = tcp_rows.as_u64().unwrap() + 1;
    b.wait_for(&format!("{rows} === 4 && window.socklab.state.rows.length === {all}"), ROW_LATENCY);
    b.eval("window.socklab.applyFilter('')");
    b.mouse("#rows .row", true);
    b.wait_for("document.querySelectorAll('#details .item').length > 3", ROW_LATENCY);
    b.screenshot(&dir.join("live.png"));
    b.mouse("#tabs button[data-tab=streams]", true);
    b.screenshot(&dir.join("live-streams.png"));
    println!("screenshots: {}", dir.display());

    let stopping = Instant::now();
    let status = p.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
    let took = stopping.elapsed();
    assert!(status.code().is_some(), "exited on its own: {status:?}\n{}", p.dump());
    println!("Ctrl-C to exit: {took:?}");
    assert!(took < SHUTDOWN, "Ctrl-C took {took:?}\n{}", p.dump());
    b.wait_for("window.socklab.live.state === 'ended'", ROW_LATENCY);
    let note = b.eval("document.getElementById('live-note').textContent");
    assert!(note.as_str().unwrap().starts_with("The capture ended after"), "{note}");
    assert_eq!(b.errors(), Vec::<String>::new());
}

/// One viewer of the event stream over a plain socket: counts the packets
/// it gets and notes how its stream ended.
struct Viewer {
    packets: Arc<AtomicUsize>,
    closed: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
}

impl Viewer {
    /// Connects and reads the events on a thread (bounded by the socket's
    /// read deadline).
    fn watch(url: &str) -> Viewer {
        let mut s = TcpStream::connect(authority(url)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let v = Viewer { packets: Arc::default(), closed: Arc::default(), dropped: Arc::default() };
        let (packets, closed, dropped) = (Arc::clone(&v.packets), Arc::clone(&v.closed), Arc::clone(&v.dropped));
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                    dropped.fetch_or(name == "dropped", Ordering::SeqCst);
                } else if let (Some(data), "packets") = (line.strip_prefix("data: "), event.as_str()) {
                    let batch: Value = serde_json::from_str(data).unwrap();
                    packets.fetch_add(rows_in(batch["rows"].as_str().unwrap()), Ordering::SeqCst);
                }
            }
            closed.store(true, Ordering::SeqCst);
        });
        v
    }

    fn packets(&self) -> usize {
        self.packets.load(Ordering::SeqCst)
    }
}

/// How many rows a batch's rows chunk (base64 of gzip of a JSON array) holds.
fn rows_in(chunk: &str) -> usize {
    let mut text = String::new();
    flate2::read::GzDecoder::new(&browser::decode_base64(chunk)[..]).read_to_string(&mut text).unwrap();
    serde_json::from_str::<Vec<Value>>(&text).unwrap().len()
}

/// The peak resident memory of process `pid`, in KiB (Linux).
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Datagrams sent in the flood, and their payload size: together far more
/// than a socket's buffers and a viewer's queue hold.
const FLOOD: usize = 300;
const DATAGRAM: usize = 60_000;
/// Datagrams sent back to back before a pause (so the capture ring keeps up).
const BURST: usize = 20;
/// The bound on the readers getting every packet.
const DELIVERY: Duration = Duration::from_secs(30);

/// Sends [`FLOOD`] datagrams of random bytes to UDP port `u` on loopback.
fn flood(u: u16) {
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut rng = Rng(0x5eed_1ab5);
    let mut payload = vec![0u8; DATAGRAM];
    for n in 0..FLOOD {
        payload.iter_mut().for_each(|b| *b = rng.next() as u8);
        client.send_to(&payload, ("127.0.0.1", u)).unwrap();
        if n % BURST == BURST - 1 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn two_viewers_keep_up_while_one_that_never_reads_is_dropped() {
    if !root("two_viewers_keep_up_while_one_that_never_reads_is_dropped") {
        return;
    }
    let dir = scratch("live-drop");
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let u = sink.local_addr().unwrap().port();
    let (mut p, url) = live(&dir, &format!("udp port {u}"));
    let readers = [Viewer::watch(&url), Viewer::watch(&url)];
    // Never reads a byte.
    let mut stuck = TcpStream::connect(authority(&url)).unwrap();
    stuck.write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));

    flood(u);
    let started = Instant::now();
    while readers.iter().any(|r| r.packets() < FLOOD) && started.elapsed() < DELIVERY {
        std::thread::sleep(Duration::from_millis(50));
    }
    let got: Vec<usize> = readers.iter().map(Viewer::packets).collect();
    println!("readers got {got:?} of {FLOOD} packets {:?} after the flood", started.elapsed());
    assert!(got.iter().all(|&n| n == FLOOD), "a reader stalled: {got:?}\n{}", p.stderr());

    // The stuck viewer's stream was cut while the capture still runs.
    stuck.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut held = Vec::new();
    let ended = stuck.read_to_end(&mut held);
    assert!(p.child.try_wait().unwrap().is_none(), "socklab is still capturing");
    let text = String::from_utf8_lossy(&held);
    let batches = text.matches("event: packets").count();
    println!("the stuck viewer was cut after {} KiB ({batches} batches): {ended:?}", held.len() >> 10);
    assert!(ended.is_ok(), "its stream was cut: {ended:?} after {} bytes", held.len());
    let peak = peak_kib(p.child.id());
    println!("socklab's peak memory: {} MiB", peak >> 10);
    assert!(readers.iter().all(|r| !r.dropped.load(Ordering::SeqCst) && !r.closed.load(Ordering::SeqCst)));

    // A late viewer catches up with every packet kept.
    let late = Viewer::watch(&url);
    let started = Instant::now();
    while late.packets() < FLOOD && started.elapsed() < DELIVERY {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(late.packets(), FLOOD, "a late viewer gets the packets so far");

    // The index lists captures/ (the crate's sample captures here) and builds
    // a report page on request; paths outside captures/ are refused.
    let index = get(&url, "/");
    assert!(index.starts_with("HTTP/1.1 200 OK") && index.contains("href=\"/report/tcp-echo.pcap\""), "{index}");
    let report = get(&url, "/report/tcp-echo.pcap");
    assert!(report.starts_with("HTTP/1.1 200 OK") && report.contains(r#"<script id="data" type="application/json">"#));
    assert!(!report.contains("connect-src"), "a report page opens no connection");
    for bad in ["/report/..%2f..%2fetc%2fpasswd", "/report/../../etc/passwd", "/report/.hidden", "/report/a/b"] {
        let r = get(&url, bad);
        assert!(r.starts_with("HTTP/1.1 400") || r.starts_with("HTTP/1.1 404"), "{bad}: {r}");
    }
    p.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
    let closing = Instant::now();
    while !readers.iter().all(|r| r.closed.load(Ordering::SeqCst)) && closing.elapsed() < ROW_LATENCY {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(readers.iter().all(|r| r.closed.load(Ordering::SeqCst)), "the end closes every stream");
}

#[test]
fn a_lab_server_with_capture_and_web_serves_its_packets_live() {
    if !root("a_lab_server_with_capture_and_web_serves_its_packets_live") {
        return;
    }
    let dir = scratch("live-server");
    let file = dir.join("srv.pcap");
    let capture = format!("--capture={}", file.display());
    let args = ["udp", "server", "--port", "0", &capture, "--web", "--web-bind", "127.0.0.1:0"];
    let (mut server, addr) = Proc::server(&args);
    let line = server.wait_for("Live view: http://", START);
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    let viewer = Viewer::watch(&url);
    std::thread::sleep(Duration::from_millis(200));
    let out = common::run_with(&["udp", "client", "--server", &addr.to_string(), "ping"], b"", START);
    assert!(String::from_utf8_lossy(&out.stdout).contains("PING"), "{}", common::describe(&out));
    let started = Instant::now();
    while viewer.packets() < 2 && started.elapsed() < ROW_LATENCY {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(viewer.packets(), 2, "the request and its echo, live");
    server.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
    let closing = Instant::now();
    while !viewer.closed.load(Ordering::SeqCst) && closing.elapsed() < ROW_LATENCY {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(viewer.closed.load(Ordering::SeqCst), "the end closes the stream");
}

/// Download speed of the throttled page, bytes per second: far below what the
/// flood sends (about 18 MB), even on a loaded machine where socklab takes
/// 20 s or more to send it all; at 1 MiB/s the page could keep up there.
const THROTTLED: u64 = 256 << 10;

#[test]
fn a_page_that_falls_behind_is_dropped_and_says_so() {
    if !root("a_page_that_falls_behind_is_dropped_and_says_so") || !need(&browser::binary()) {
        return;
    }
    let dir = scratch("live-behind");
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let u = sink.local_addr().unwrap().port();
    let (mut p, url) = live(&dir, &format!("udp port {u}"));
    let mut b = Browser::start(&dir.join("profile"));
    let conditions =
        json!({ "offline": false, "latency": 0, "downloadThroughput": THROTTLED, "uploadThroughput": THROTTLED });
    b.call("Network.emulateNetworkConditions", conditions);
    b.open(&url, CONNECTED, Duration::from_secs(20));
    let reader = Viewer::watch(&url);
    flood(u);
    let started = Instant::now();
    while reader.packets() < FLOOD && started.elapsed() < DELIVERY {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(reader.packets(), FLOOD, "the reader beside it kept up");
    b.wait_for("window.socklab.live.state === 'dropped'", DELIVERY);
    let note = b.eval("document.getElementById('live-note').textContent");
    println!("the throttled page, {:?} after the flood: {note}", started.elapsed());
    assert!(note.as_str().unwrap().contains("fell behind"), "{note}");
    b.screenshot(&dir.join("dropped.png"));
    p.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
}

/// Opens the event stream and returns the socket and the status line.
fn open_events(url: &str) -> (TcpStream, String) {
    let mut s = TcpStream::connect(authority(url)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut status = String::new();
    BufReader::new(s.try_clone().unwrap()).read_line(&mut status).unwrap();
    (s, status.trim_end().to_string())
}

#[test]
fn viewers_are_bounded_and_a_closed_page_frees_its_place() {
    if !root("viewers_are_bounded_and_a_closed_page_frees_its_place") {
        return;
    }
    let dir = scratch("live-places");
    let (mut p, url) = live(&dir, "udp port 9");
    for round in 0..2 {
        let open: Vec<(TcpStream, String)> = (0..MAX_VIEWERS).map(|_| open_events(&url)).collect();
        assert!(
            open.iter().all(|(_, st)| st == "HTTP/1.1 200 OK"),
            "round {round}: {:?}",
            open.iter().map(|o| &o.1).collect::<Vec<_>>()
        );
        let (_, refused) = open_events(&url);
        assert!(refused.starts_with("HTTP/1.1 503"), "one more is refused: {refused}");
        drop(open);
        // Closed pages are noticed within a second.
        std::thread::sleep(Duration::from_millis(1500));
    }
    p.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
}
