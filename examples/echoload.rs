//! A TCP echo load generator for scripts/bench-echo.sh: CONNS connections, spread
//! over THREADS threads, each with one message in flight at a time. A thread sends
//! the message on every one of its connections, then reads every echo back (an
//! echo server may change the letters' case, as socklab's upper-cases), and starts
//! the next round, until the time is up. Prints the round trips per second.
//!
//! `cargo run --release --example echoload -- 127.0.0.1:12000 [SECONDS] [CONNS] [THREADS]`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What every client sends each round (a line, as the socklab client frames messages).
const MESSAGE: &[u8] = b"hello from echoload, round trip\n";
/// How long one echo may take before the run counts it as a failure.
const REPLY_TIMEOUT: Duration = Duration::from_secs(2);

/// Counters every thread adds to.
#[derive(Default)]
struct Totals {
    round_trips: AtomicU64,
    failures: AtomicU64,
}

/// Reads the echo of the message; false if it is wrong or late.
fn read_echo(s: &mut TcpStream, reply: &mut [u8]) -> bool {
    s.read_exact(reply).is_ok() && reply.eq_ignore_ascii_case(MESSAGE)
}

/// One thread's connections, in rounds until `stop`; a connection that fails is dropped.
fn worker(server: SocketAddr, conns: usize, stop: &AtomicBool, totals: &Totals) {
    let mut streams: Vec<TcpStream> = (0..conns)
        .filter_map(|_| {
            let s = TcpStream::connect_timeout(&server, REPLY_TIMEOUT).ok()?;
            s.set_read_timeout(Some(REPLY_TIMEOUT)).ok()?;
            s.set_nodelay(true).ok()?;
            Some(s)
        })
        .collect();
    totals.failures.fetch_add((conns - streams.len()) as u64, Ordering::Relaxed);
    let mut reply = vec![0u8; MESSAGE.len()];
    while !stop.load(Ordering::Relaxed) && !streams.is_empty() {
        let sent: Vec<bool> = streams.iter_mut().map(|s| s.write_all(MESSAGE).is_ok()).collect();
        let mut ok = 0u64;
        let before = streams.len();
        let mut i = 0;
        streams.retain_mut(|s| {
            let good = sent[i] && read_echo(s, &mut reply);
            i += 1;
            ok += u64::from(good);
            good
        });
        totals.round_trips.fetch_add(ok, Ordering::Relaxed);
        totals.failures.fetch_add((before - streams.len()) as u64, Ordering::Relaxed);
    }
    // One last exchange shows the connections still work after the run.
    for s in &mut streams {
        if !(s.write_all(MESSAGE).is_ok() && read_echo(s, &mut reply)) {
            totals.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let server: SocketAddr =
        args.get(1).and_then(|a| a.parse().ok()).unwrap_or_else(|| "127.0.0.1:12000".parse().unwrap());
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5).clamp(1, 120);
    let conns: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(50).clamp(1, 1000);
    let threads: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(2).clamp(1, conns);
    let stop = Arc::new(AtomicBool::new(false));
    let totals = Arc::new(Totals::default());
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let share = conns / threads + usize::from(t < conns % threads);
            let (stop, totals) = (Arc::clone(&stop), Arc::clone(&totals));
            std::thread::spawn(move || worker(server, share, &stop, &totals))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    let secs = start.elapsed().as_secs_f64();
    let n = totals.round_trips.load(Ordering::Relaxed);
    println!(
        "{server}: {n} round trips in {secs:.1} s = {:.0} round trips/s ({conns} connections on {threads} threads, {} failed)",
        n as f64 / secs,
        totals.failures.load(Ordering::Relaxed)
    );
}
