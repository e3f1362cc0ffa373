//! A small DNS load generator for scripts/bench-dns.sh (dnsperf is not in Debian
//! bookworm): each thread keeps a window of queries in flight on its own UDP
//! socket, sends a new query for every reply, and counts replies for a fixed time.
//!
//! `cargo run --release --example dnsload -- 127.0.0.1:10053 [SECONDS] [THREADS] [WINDOW]`

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lab query for google.com A, with the ID to fill in.
fn query(id: u16, name: &[&str]) -> Vec<u8> {
    let mut q = vec![(id >> 8) as u8, id as u8, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in name {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    q
}

const NAMES: [&[&str]; 5] =
    [&["google", "com"], &["youtube", "com"], &["uwaterloo", "ca"], &["wikipedia", "org"], &["amazon", "ca"]];

fn worker(server: SocketAddr, window: usize, stop: &AtomicBool, replies: &AtomicU64, lost: &AtomicU64) {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.connect(server).expect("connect");
    sock.set_read_timeout(Some(Duration::from_millis(100))).expect("timeout");
    let mut id: u16 = 0;
    let mut next = |sock: &UdpSocket| {
        id = id.wrapping_add(1);
        let _ = sock.send(&query(id, NAMES[usize::from(id) % NAMES.len()]));
    };
    for _ in 0..window {
        next(&sock);
    }
    let mut buf = [0u8; 1500];
    while !stop.load(Ordering::Relaxed) {
        match sock.recv(&mut buf) {
            Ok(_) => {
                replies.fetch_add(1, Ordering::Relaxed);
                next(&sock);
            }
            Err(_) => {
                // Timed out: assume the window was lost and refill it.
                lost.fetch_add(window as u64, Ordering::Relaxed);
                for _ in 0..window {
                    next(&sock);
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let server: SocketAddr =
        args.get(1).and_then(|a| a.parse().ok()).unwrap_or_else(|| "127.0.0.1:10053".parse().unwrap());
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).clamp(1, 120);
    let threads: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(2).clamp(1, 64);
    let window: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(32).clamp(1, 1024);
    let stop = Arc::new(AtomicBool::new(false));
    let replies = Arc::new(AtomicU64::new(0));
    let lost = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (stop, replies, lost) = (Arc::clone(&stop), Arc::clone(&replies), Arc::clone(&lost));
            std::thread::spawn(move || worker(server, window, &stop, &replies, &lost))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    let secs = start.elapsed().as_secs_f64();
    let n = replies.load(Ordering::Relaxed);
    println!(
        "{server}: {n} replies in {secs:.1} s = {:.0} queries/s ({threads} threads x {window} in flight, ~{} lost)",
        n as f64 / secs,
        lost.load(Ordering::Relaxed)
    );
}
