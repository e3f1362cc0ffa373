//! Regression tests for issue 14: one student's buggy or hostile client must not
//! stop a classmate's server. Each test plays the hostile clients from its own
//! thread on loopback (many sockets, short timeouts), bounded in count and time,
//! and checks that a normal client is still served.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
mod http_util;
use common::*;
use http_util::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Raises this test process's soft descriptor limit so it can hold `n` sockets;
/// fails (never skips) when the hard limit is too low.
fn need_descriptors(n: u64) {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: lim is a valid rlimit for getrlimit/setrlimit to fill and read.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < n {
            let raised = libc::rlimit { rlim_cur: n.min(lim.rlim_max), rlim_max: lim.rlim_max };
            libc::setrlimit(libc::RLIMIT_NOFILE, &raised);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    assert!(lim.rlim_cur >= n, "this test needs {n} descriptors; ulimit -Hn is {}: raise it", lim.rlim_max);
}

/// The `q` quantile of `times` (sorted in place).
fn quantile(times: &mut [Duration], q: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * q).round() as usize]
}

/// Opens `n` connections to `addr`, each sending `first` (possibly empty).
fn crowd(addr: SocketAddr, n: usize, first: &[u8]) -> Vec<TcpStream> {
    (0..n)
        .map(|i| {
            let mut s = TcpStream::connect_timeout(&addr, T).unwrap_or_else(|e| panic!("connection {i}: {e}"));
            if !first.is_empty() {
                s.write_all(first).unwrap();
            }
            s
        })
        .collect()
}

fn web(root: &TempRoot, extra: &[&str]) -> (Proc, SocketAddr) {
    let www = root.www_arg();
    let mut args = vec!["web", "--root", www.as_str(), "--port", "0", "--threads", "2", "--quiet"];
    args.extend_from_slice(extra);
    Proc::server(&args)
}

/// Slowloris: a request head trickling in one byte at a time used to restart
/// the idle timer on every byte and so hold its connection for ever.
#[test]
fn web_a_request_head_trickling_in_gets_408_at_the_head_deadline() {
    let root = TempRoot::new("hostile-trickle");
    let (_p, addr) = web(&root, &["--timeout-ms", "15000", "--header-timeout-ms", "1000"]);
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let start = Instant::now();
    let head = b"GET /HelloWorld.html HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut got = Vec::new();
    for &b in head.iter() {
        if s.write_all(&[b]).is_err() || start.elapsed() > Duration::from_secs(4) {
            break;
        }
        let mut buf = [0u8; 1024];
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if !got.is_empty() {
            break;
        }
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408 "), "no 408 after {:?}: {text:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_secs(3), "408 only after {:?}", start.elapsed());
}

/// Slowloris at scale: more slow connections than --max-conns used to get every
/// normal request answered 503 until they timed out.
#[test]
fn web_a_thousand_slow_connections_do_not_starve_a_normal_client() {
    const SLOW: usize = 1030;
    need_descriptors(SLOW as u64 + 200);
    let root = TempRoot::new("hostile-slowloris");
    let (mut p, addr) = web(&root, &["--max-conns", "1024"]);
    let mut slow = crowd(addr, SLOW, b"G");
    let mut times = Vec::new();
    for i in 0..60 {
        if i % 20 == 0 {
            // The slow clients go on trickling.
            for s in &mut slow {
                let _ = s.write_all(b"E");
            }
        }
        let start = Instant::now();
        let r = exchange(addr, &get("/HelloWorld.html", "Connection: close\r\n"));
        times.push(start.elapsed());
        assert_eq!(r.code(), 200, "request {i} while {SLOW} slow connections are open\n{}", p.dump());
    }
    let p99 = quantile(&mut times, 0.99);
    assert!(p99 < Duration::from_secs(1), "p99 {p99:?}");
    drop(slow);
    p.signal_and_wait(libc::SIGINT, Duration::from_secs(5));
    let stopped = p.wait_for("Server stopped", Duration::from_secs(1));
    assert!(stopped.contains("closed to make room"), "{stopped}");
}

/// Silent clients used to take every one of the echo server's workers, so the
/// ninth client timed out.
#[test]
fn tcp_echo_silent_clients_leave_room_for_a_normal_one() {
    need_descriptors(1000);
    let (mut p, addr) = Proc::server(&["tcp", "server", "--port", "0", "--threads", "8"]);
    let silent = crowd(addr, 200, b"");
    echo_five(addr);
    // Beyond the server's bound on open connections, the longest silent ones make room.
    let more = crowd(addr, 400, b"");
    echo_five(addr);
    p.wait_for("idle while the server is full", T);
    drop((silent, more));
}

/// Five echoes on fresh connections, each within a second.
fn echo_five(addr: SocketAddr) {
    for i in 0..5 {
        let start = Instant::now();
        let mut c = TcpStream::connect_timeout(&addr, T).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        c.write_all(b"hello\n").unwrap();
        let mut got = [0u8; 6];
        c.read_exact(&mut got).unwrap_or_else(|e| panic!("client {i}: no echo: {e}"));
        assert_eq!(&got, b"HELLO\n");
        assert!(start.elapsed() < Duration::from_secs(1), "echo after {:?}", start.elapsed());
    }
}

/// A query for TXT records of the one-letter name `n`: header (ID 0x1234, RD,
/// one question), the question, and an OPT record offering `edns` bytes when
/// given (RFC 6891 §6.1.2).
fn txt_query(n: u8, edns: Option<u16>) -> Vec<u8> {
    let mut q = vec![0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, u8::from(edns.is_some())];
    q.extend_from_slice(&[0x01, n, 0x00, 0x00, 0x10, 0x00, 0x01]);
    if let Some(size) = edns {
        q.extend_from_slice(&[0x00, 0x00, 0x29]);
        q.extend_from_slice(&size.to_be_bytes());
        q.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    q
}

/// A DNS server answering with everything the requester offered to take used to
/// send 10,270 bytes to a 30-byte query (342 times as much) with a zone of 40
/// TXT records. Now: at most 512 bytes without EDNS and 1232 with it.
#[test]
fn dns_replies_fit_the_requesters_edns_size_capped_at_1232_and_512_without_edns() {
    let dir = TempRoot::new("hostile-dns");
    let zone = dir.path("big.zone");
    // `a`: 40 TXT records (about 10 KB); `b`: 4 (about 1 KB, fits 1232 but not 512).
    let text: String = (0..44)
        .map(|i| format!("{} 300 TXT \"{i:03}{}\"\n", if i < 40 { 'a' } else { 'b' }, "x".repeat(240)))
        .collect();
    std::fs::write(&zone, text).unwrap();
    let zone_arg = zone.display().to_string();
    let (_p, addr) = Proc::server(&["dns", "server", "--port", "0", "--quiet", "--zone", &zone_arg]);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut worst = 0.0f64;
    let offers = [None, Some(100), Some(512), Some(1232), Some(4096), Some(65535)];
    for name in [b'a', b'b'] {
        for edns in offers {
            let q = txt_query(name, edns);
            sock.send_to(&q, addr).unwrap();
            let mut buf = vec![0u8; 65536];
            let (n, _) = sock.recv_from(&mut buf).unwrap_or_else(|e| panic!("no reply to EDNS {edns:?}: {e}"));
            let factor = n as f64 / q.len() as f64;
            worst = worst.max(factor);
            println!(
                "{} TXT, EDNS {edns:?}: query {} bytes, reply {n}, amplification {factor:.1}",
                name as char,
                q.len()
            );
            let cap = edns.map_or(512, |e| e.clamp(512, 1232)) as usize;
            assert!(n <= cap, "EDNS {edns:?}: a reply of {n} bytes, more than {cap}");
            let cut = buf[2] & 0x02 != 0;
            let fits = name == b'b' && cap >= 1232;
            assert_eq!(cut, !fits, "{} TXT, EDNS {edns:?}: TC {cut}, reply {n} bytes", name as char);
        }
    }
    println!("largest amplification: {worst:.1}");
    assert!(worst <= 1232.0 / 30.0, "amplification {worst:.1}");
}

/// Members that stopped reading used to hold up a TCP chat server's stop for
/// about 5 s (a blocking goodbye to each, behind relays blocked the same way).
#[test]
fn tcp_chat_stops_within_a_second_when_members_do_not_read() {
    let (mut p, addr) = Proc::server(&["chat", "server", "--port", "0", "--threads", "4"]);
    p.wait_for("The server is ready to receive", T);
    let join = |name: &str| {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(format!("HELLO {name}\n").as_bytes()).unwrap();
        s
    };
    // Two members that never read, and one that talks as fast as it can.
    let _deaf = [join("deaf1"), join("deaf2")];
    let mut loud = join("loud");
    loud.set_nonblocking(true).unwrap();
    let line = format!("MSG {}\n", "y".repeat(8000));
    // Until 8 MB are out, or the server stops taking them for 300 ms (its relay
    // is stuck on a deaf member): then stop the server at once.
    let (start, mut sent, mut stuck) = (Instant::now(), 0usize, None::<Instant>);
    while sent < 8 << 20 && start.elapsed() < Duration::from_secs(3) {
        match loud.write(line.as_bytes()) {
            Ok(n) => (sent, stuck) = (sent + n, None),
            Err(_) if stuck.is_some_and(|t| t.elapsed() > Duration::from_millis(300)) => break,
            Err(_) => {
                stuck.get_or_insert_with(Instant::now);
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    let stop = Instant::now();
    let st = p.signal_and_wait(libc::SIGINT, Duration::from_secs(10));
    let took = stop.elapsed();
    assert!(st.success(), "{}", p.dump());
    assert!(took < Duration::from_secs(1), "stopping took {took:?}");
}

/// A UDP chat server's peer table used to fill for good: 64 HELLOs from any
/// ports, and nobody could join until a restart.
#[test]
fn udp_chat_forgets_silent_peers_and_tells_the_room() {
    let (mut p, addr) = Proc::server(&["chat", "server", "--udp", "--port", "0", "--peer-timeout-ms", "1000"]);
    p.wait_for("The server is ready to receive", T);
    let peer = |hello: &[u8]| {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        s.send_to(hello, addr).unwrap();
        s
    };
    let watcher = peer(b"HELLO watcher");
    let silent: Vec<_> = (0..63).map(|i| peer(format!("HELLO s{i}").as_bytes())).collect();
    let mut buf = [0u8; 2048];
    let late = peer(b"HELLO late");
    let (n, _) = late.recv_from(&mut buf).expect("an answer to the 65th HELLO");
    assert!(buf[..n].starts_with(b"BUSY "), "{:?}", String::from_utf8_lossy(&buf[..n]));
    // The watcher keeps talking; the others go silent and are dropped.
    let (start, mut dropped) = (Instant::now(), 0);
    while dropped < 63 && start.elapsed() < Duration::from_secs(5) {
        watcher.send_to(b"HELLO watcher", addr).unwrap();
        while let Ok((n, _)) = watcher.recv_from(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]);
            if text.starts_with("INFO s") && text.ends_with("left the chat (silent for 1 s)") {
                dropped += 1;
            }
        }
    }
    assert_eq!(dropped, 63, "silent peers announced as dropped\n{}", p.dump());
    // A dropped peer is told why, after the WELCOME and the others' joins.
    let told = (0..200)
        .map_while(|_| silent[0].recv_from(&mut buf).ok().map(|(n, _)| buf[..n].to_vec()))
        .any(|d| d.starts_with(b"BYE you were dropped from the chat: silent for 1 s"));
    assert!(told, "no BYE to a dropped peer");
    late.send_to(b"HELLO late", addr).unwrap();
    let (n, _) = late.recv_from(&mut buf).expect("a WELCOME once there is room");
    assert_eq!(&buf[..n], b"WELCOME late");
}

/// An origin that sends its response head one byte every `every`; counts the
/// connections it has open (a closed one reads as EOF). Runs until `stop`.
fn trickling_origin(
    every: Duration,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> (SocketAddr, std::sync::Arc<std::sync::atomic::AtomicUsize>, std::thread::JoinHandle<()>) {
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let open = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&open);
    let h = std::thread::spawn(move || {
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Slow: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n\r\nok";
        let mut conns: Vec<(TcpStream, usize)> = Vec::new();
        let (start, mut next) = (Instant::now(), Instant::now());
        while !stop.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(20) {
            while let Ok((s, _)) = listener.accept() {
                s.set_nonblocking(true).unwrap();
                conns.push((s, 0));
            }
            let tick = Instant::now() >= next;
            if tick {
                next += every;
            }
            conns.retain_mut(|(s, sent)| {
                let mut buf = [0u8; 4096];
                loop {
                    match s.read(&mut buf) {
                        Ok(0) => return false,
                        Ok(_) => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(_) => return false,
                    }
                }
                if tick && *sent < head.len() {
                    if s.write_all(&head[*sent..*sent + 1]).is_err() {
                        return false;
                    }
                    *sent += 1;
                }
                true
            });
            count.store(conns.len(), Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (addr, open, h)
}

/// An origin trickling its head used to hold a proxy worker for ever (the
/// timeout bounded each read, not the head): 16 such requests wedged the proxy,
/// and their origin sockets stayed open after the clients had gone.
#[test]
fn proxy_serves_others_while_an_origin_trickles_and_drops_it_when_the_client_leaves() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let root = TempRoot::new("hostile-proxy");
    let (_w, waddr) = web(&root, &[]);
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let (slow, open, origin) = trickling_origin(Duration::from_millis(300), std::sync::Arc::clone(&stop));
    let (mut p, paddr) = Proc::server(&["proxy", "--port", "0", "--timeout-ms", "3000"]);
    let request = |to: SocketAddr, path: &str| format!("GET http://{to}{path} HTTP/1.1\r\nHost: x\r\n\r\n");
    let started = Instant::now();
    let mut waiting: Vec<Conn> = (0..16)
        .map(|_| {
            let mut c = Conn::open(paddr);
            c.send(request(slow, "/").as_bytes());
            c
        })
        .collect();
    // Normal requests go on being answered while the 16 wait on the slow origin.
    let mut times = Vec::new();
    for i in 0..10 {
        let start = Instant::now();
        let r = exchange(paddr, request(waddr, "/HelloWorld.html").as_bytes());
        times.push(start.elapsed());
        assert_eq!(r.code(), 200, "request {i}\n{}", p.dump());
    }
    assert!(quantile(&mut times, 0.99) < Duration::from_secs(1), "{times:?}");
    assert!(started.elapsed() < Duration::from_millis(2500), "the normal requests were held up");
    // Fifteen clients leave: their origin connections close at once.
    let last = waiting.pop().unwrap();
    drop(waiting);
    let left = Instant::now();
    while open.load(Ordering::SeqCst) > 1 && left.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let n = open.load(Ordering::SeqCst);
    assert!(n <= 1 && left.elapsed() < Duration::from_secs(1), "{n} origin sockets open {:?} after", left.elapsed());
    // The one that stayed gets 504 once the head has taken --timeout-ms.
    let mut last = last;
    let r = last.response(false);
    assert_eq!(r.code(), 504, "{}", r.text());
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(2900) && took < Duration::from_secs(5), "504 after {took:?}");
    stop.store(true, Ordering::SeqCst);
    origin.join().unwrap();
    p.wait_for("504", T);
}

/// The proxy's cache directory used to grow without bound.
#[test]
fn proxy_cache_stays_under_cache_max_and_drops_the_least_recently_used() {
    let root = TempRoot::new("hostile-cache");
    for i in 0..10 {
        std::fs::write(root.www().join(format!("f{i}.bin")), vec![b'a' + i as u8; 100_000]).unwrap();
    }
    let (_w, waddr) = web(&root, &[]);
    let dir = root.path("cache");
    let dir_arg = dir.display().to_string();
    let (mut p, paddr) = Proc::server(&["proxy", "--port", "0", "--cache", &dir_arg, "--cache-max", "350K"]);
    let fetch = |i: usize| {
        let r = exchange(paddr, format!("GET http://{waddr}/f{i}.bin HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        assert_eq!((r.code(), r.body.len()), (200, 100_000), "f{i}");
    };
    for i in 0..10 {
        fetch(i);
        if i >= 1 {
            // f0 is used again and again, so it is never the least recently used.
            fetch(0);
        }
    }
    let total: u64 = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(total <= 350 << 10, "the cache holds {total} bytes");
    p.wait_for("f9.bin", T);
    fetch(9);
    p.wait_for("HIT", T);
    fetch(0);
    let hit0 = p.wait_for("/f0.bin", T);
    assert!(hit0.contains("HIT"), "{hit0}");
    fetch(1);
    let miss1 = p.wait_for("/f1.bin", T);
    assert!(miss1.contains("MISS"), "{miss1}");
}
