//! `socklab dns server`: the DNS lab's authoritative server over UDP. Every datagram
//! goes through [`answer`](crate::proto::dns::answer) (the sans-I/O server logic)
//! and the response goes back to the sender. Per query it prints the client's
//! address and the request and response in hex, as the handout's server does;
//! `--quiet` turns that off for load tests.
//!
//! Throughput: each of `--threads` threads blocks in `recvmmsg` on a clone of the
//! one socket (the kernel hands each datagram to one of them), answers the batch
//! it got and sends the responses with one `sendmmsg` (see [`udp_batch`]), so
//! there is no queue and no lock on the hot path and few system calls per query.
//! Each thread remembers the responses to the questions it was asked (see
//! [`dns_cache`](crate::net::dns_cache)), and the reply buffers of one batch
//! serve the next. A bad datagram is answered (FORMERR) or ignored, never fatal.

use crate::dns_view::fields::hex_bytes;
use crate::error::{Error, Result};
use crate::net::dns_cache::AnswerCache;
use crate::net::fd::AsRawFd;
use crate::net::serve::{self, out, Listen};
use crate::net::udp_batch::{self, RecvBatch};
use crate::net::{addr, dns_tcp, dns_zone, shutdown, trace};
use crate::proto::dns::{decode, Flags, Rcode, Zone, HEADER_LEN};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use crate::table::Format;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often a receiving thread looks at the shutdown flag even without traffic.
const TICK: Duration = Duration::from_secs(1);
/// How long sending a response may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// Counters for the summary line printed at shutdown.
#[derive(Default)]
struct Stats {
    received: AtomicU64,
    answered: AtomicU64,
    ignored: AtomicU64,
}

/// Settings of `socklab dns server`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsServerSettings {
    /// Where it listens (UDP, and TCP on the same port).
    pub listen: Listen,
    /// The zone file to serve (`None`: the lab's five names).
    pub zone: Option<PathBuf>,
    /// No per-query output.
    pub quiet: bool,
    /// Print the records it would serve and exit.
    pub list: bool,
    /// Threads receiving and answering queries on the one socket.
    pub threads: u16,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab dns server`.
pub fn run(a: &DnsServerSettings) -> Result<()> {
    let zone = dns_zone::load(a.zone.as_deref())?;
    if a.list {
        out(dns_zone::table(&zone).render(Format::Table).trim_end());
        return Ok(());
    }
    let zone = Arc::new(zone);
    let local = a.listen.addr()?;
    trace::enable(a.capture.trace);
    let (sock, local, tcp) = bind_both(local, &zone, a.quiet)?;
    let cap = CaptureSession::start(a.capture.clone(), "dns-server", CaptureFilter::DnsPort(local.port()))?;
    out(format_args!("DNS server listening on {local}"));
    cap.announce();
    let source = a.zone.as_ref().map_or("the lab's five names".to_string(), |p| p.display().to_string());
    out(format_args!("Authoritative for {} records from {source}; Ctrl-C stops.", zone.records().len()));
    sock.set_read_timeout(Some(TICK)).map_err(|e| Error::io("setting the read timeout", e))?;
    sock.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(|e| Error::io("setting the write timeout", e))?;
    let stats = Arc::new(Stats::default());
    let capturing = cap.is_active();
    let mut workers = Vec::new();
    for i in 0..a.threads {
        let s = sock.try_clone().map_err(|e| Error::io("cloning the server socket", e))?;
        serve::wake_udp_on_shutdown(&s)?;
        let (zone, stats, quiet) = (Arc::clone(&zone), Arc::clone(&stats), a.quiet);
        let spawned = std::thread::Builder::new()
            .name(format!("dns-{i}"))
            .spawn(move || serve_loop(&s, local, &zone, &stats, quiet, capturing))
            .map_err(|e| Error::io("starting a server thread", e))?;
        workers.push(spawned);
    }
    let mut result = Ok(());
    for w in workers {
        match w.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                shutdown::request();
                result = Err(e);
            }
            Err(_) => result = Err(Error::io("serving", io::Error::other("a server thread stopped unexpectedly"))),
        }
    }
    if let Some(Err(e)) = tcp.map(dns_tcp::TcpSide::stop) {
        result = result.and(Err(e));
    }
    out(format_args!(
        "Server stopped: {} received, {} answered, {} ignored.",
        serve::count(stats.received.load(Ordering::Relaxed), "datagram"),
        stats.answered.load(Ordering::Relaxed),
        stats.ignored.load(Ordering::Relaxed)
    ));
    result
}

/// One thread's receive-answer loop, until shutdown: a batch of datagrams in, the
/// responses out in one batch, then the log lines (with `capturing`, the
/// queries' lines before the responses go out).
fn serve_loop(
    sock: &UdpSocket,
    local: SocketAddr,
    zone: &Zone,
    stats: &Stats,
    quiet: bool,
    capturing: bool,
) -> Result<()> {
    let mut batch = RecvBatch::default();
    let mut cache = AnswerCache::default();
    let mut replies: Vec<(Vec<u8>, SocketAddr)> = Vec::with_capacity(udp_batch::BATCH);
    // The buffers of the last batch's replies, for the next batch's.
    let mut spare: Vec<Vec<u8>> = Vec::with_capacity(udp_batch::BATCH);
    serve::udp_receive_loop(
        local,
        &mut batch,
        |batch| {
            trace::on(sock.as_raw_fd(), udp_batch::RECV_CALL, || batch.recv(sock).map(trace::Messages)).map(|m| m.0)
        },
        |batch, n| {
            stats.received.fetch_add(n as u64, Ordering::Relaxed);
            spare.extend(replies.drain(..).map(|(buf, _)| buf));
            let (mut asked, mut log) = (String::new(), String::new());
            for i in 0..n {
                let Some((query, from)) = batch.get(i) else { continue };
                let mut reply = spare.pop().unwrap_or_default();
                let answered = cache.answer_into(query, zone, &mut reply);
                if !quiet {
                    // Captured, the query's lines go out before the response is sent,
                    // so they sit between the query's packet and the response's.
                    log_query(if capturing { &mut asked } else { &mut log }, from, query);
                    log_response(&mut log, query, answered.then_some(reply.as_slice()), zone);
                }
                if answered {
                    replies.push((reply, from));
                } else {
                    spare.push(reply);
                }
            }
            if !asked.is_empty() {
                out(asked.trim_end_matches('\n'));
            }
            let (sent, errors) = udp_batch::send_all(sock, &replies);
            stats.answered.fetch_add(sent as u64, Ordering::Relaxed);
            stats.ignored.fetch_add((n - sent) as u64, Ordering::Relaxed);
            for (to, e) in errors {
                serve::warn(format_args!("cannot answer {to}: {e}"));
            }
            if !log.is_empty() {
                serve::out(log.trim_end_matches('\n'));
            }
            Ok(())
        },
    )
}

/// What the query asks, for the log line (`google.com A, ID 0x1a2b`).
fn describe_query(query: &[u8]) -> String {
    match decode(query) {
        Ok(m) => {
            let asked: Vec<String> = m.questions.iter().map(|q| format!("{} {}", q.name.name, q.qtype)).collect();
            let asked = if asked.is_empty() { "no question".to_string() } else { asked.join(", ") };
            format!("{asked}, ID 0x{:04x}", m.header.id)
        }
        Err(e) => format!("{} bytes, malformed ({e})", query.len()),
    }
}

/// Why [`answer`](crate::proto::dns::answer) gave no response.
fn silence_reason(query: &[u8]) -> &'static str {
    if query.len() < HEADER_LEN {
        "none: fewer than 12 bytes, not even a DNS header"
    } else if Flags::from_u16(u16::from_be_bytes([query[2], query[3]])).qr {
        "none: the message is itself a response (QR = 1)"
    } else {
        "none: it could not be encoded"
    }
}

/// Tries for a kernel-picked port (`--port 0`) that is free for both UDP and TCP.
const PORT_ATTEMPTS: usize = 8;

/// Binds UDP at `local`, then TCP on the same port (RFC 7766: a server answers
/// over both). With `--port 0` the kernel picks the UDP port, which another
/// program may hold on TCP: then another port is tried. A fixed port whose TCP
/// side is taken still serves UDP, with a warning.
fn bind_both(
    local: SocketAddr,
    zone: &Arc<Zone>,
    quiet: bool,
) -> Result<(UdpSocket, SocketAddr, Option<dns_tcp::TcpSide>)> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let sock = addr::bind_udp(local)?;
        let bound = sock.local_addr().map_err(|e| Error::io("reading the bound address", e))?;
        match dns_tcp::start(bound, Arc::clone(zone), quiet, log_exchange) {
            Ok(tcp) => return Ok((sock, bound, Some(tcp))),
            Err(_) if local.port() == 0 && attempts < PORT_ATTEMPTS => continue,
            Err(e) => {
                serve::warn(format_args!("DNS over TCP is off: {e}"));
                return Ok((sock, bound, None));
            }
        }
    }
}

/// Appends the log of one query and its answer (the TCP side logs both at once).
fn log_exchange(log: &mut String, from: SocketAddr, query: &[u8], response: Option<&[u8]>, zone: &Zone) {
    log_query(log, from, query);
    log_response(log, query, response, zone);
}

/// Appends the log of one query: who sent it, what it asks, the request in hex.
fn log_query(log: &mut String, from: SocketAddr, query: &[u8]) {
    log.push_str(&format!("Query from {from}: {}\n", describe_query(query)));
    log.push_str(&format!("Request (in Hex): {}\n", hex_bytes(query)));
}

/// Appends the log of the answer to `query`: the response in hex, and for
/// NXDOMAIN which names the zone does hold.
fn log_response(log: &mut String, query: &[u8], response: Option<&[u8]>, zone: &Zone) {
    match response {
        Some(r) => {
            log.push_str(&format!("Response (in Hex): {}\n", hex_bytes(r)));
            if let Some(note) = nxdomain_note(query, r, zone) {
                log.push_str(&note);
                log.push('\n');
            }
        }
        None => log.push_str(&format!("Response: {}\n", silence_reason(query))),
    }
}

/// Names of the zone listed in an NXDOMAIN note before it is cut short.
const NAMES_SHOWN: usize = 10;

/// For a response that is NXDOMAIN: `google.ca: not in the zone (NXDOMAIN); the
/// zone holds google.com, youtube.com, …`, so the log explains the answer.
fn nxdomain_note(query: &[u8], response: &[u8], zone: &Zone) -> Option<String> {
    if decode(response).ok()?.rcode() != Rcode::NxDomain {
        return None;
    }
    let asked = decode(query).ok()?.questions.first()?.name.name.to_string();
    let names = zone.names();
    let mut shown: Vec<String> = names.iter().take(NAMES_SHOWN).map(|n| n.to_string()).collect();
    if names.len() > NAMES_SHOWN {
        shown.push(format!("… ({} names; socklab dns zone lists them all)", names.len()));
    }
    Some(format!("{asked}: not in the zone (NXDOMAIN); the zone holds {}", shown.join(", ")))
}
