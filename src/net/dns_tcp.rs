//! DNS over TCP for `socklab dns server` (RFC 1035 §4.2.2, RFC 7766): a
//! listener on the UDP server's own address and port, for clients that got a
//! truncated (TC) answer over UDP and ask again over TCP, or that use TCP from
//! the start (`dig +tcp`). Each message on the stream is preceded by its length
//! in two bytes; a connection may carry several queries, answered in order.
//!
//! Bounded: at most [`MAX_CONNS`] connections at once (more are closed at
//! once), each closed after [`IDLE`] without a query, after [`MAX_QUERIES`]
//! queries, or at [`DEADLINE`] (RFC 7766 §6.2.3 asks servers to time idle
//! connections out); shutdown closes them all.

use crate::error::{Error, Result};
use crate::net::serve::{self, Conns};
use crate::proto::dns::{answer_tcp, Zone};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Most connections served at once.
pub const MAX_CONNS: usize = 64;
/// A connection with no query for this long is closed.
pub const IDLE: Duration = Duration::from_secs(10);
/// No connection lives longer than this.
pub const DEADLINE: Duration = Duration::from_secs(60);
/// Most queries answered on one connection.
pub const MAX_QUERIES: usize = 1000;
/// Bytes of the length prefix (RFC 1035 §4.2.2).
const PREFIX: usize = 2;

/// The running TCP side; [`stop`](TcpSide::stop) waits for its accept loop.
pub struct TcpSide {
    thread: JoinHandle<Result<()>>,
}

/// Per-query log writer shared with the UDP side (`from`, query, response).
pub type Log = fn(&mut String, SocketAddr, &[u8], Option<&[u8]>, &Zone);

/// Listens on TCP at `local` and serves `zone` until shutdown; `log` (unless
/// `quiet`) formats each query's lines.
pub fn start(local: SocketAddr, zone: Arc<Zone>, quiet: bool, log: Log) -> Result<TcpSide> {
    let listener = TcpListener::bind(local).map_err(|e| crate::net::addr::bind_error(local, e))?;
    serve::wake_listener_on_shutdown(&listener)?;
    let thread = std::thread::Builder::new()
        .name("dns-tcp".into())
        .spawn(move || accept_loop(&listener, &zone, quiet, log))
        .map_err(|e| Error::io("starting the DNS-over-TCP thread", e))?;
    Ok(TcpSide { thread })
}

impl TcpSide {
    /// Waits for the accept loop to end (it ends at shutdown).
    pub fn stop(self) -> Result<()> {
        self.thread.join().map_err(|_| Error::io("serving DNS over TCP", io::Error::other("the thread failed")))?
    }
}

fn accept_loop(listener: &TcpListener, zone: &Arc<Zone>, quiet: bool, log: Log) -> Result<()> {
    let conns = Conns::closed_on_shutdown();
    let open = Arc::new(AtomicUsize::new(0));
    serve::accept_each(listener, |stream, peer| {
        if open.load(Ordering::SeqCst) >= MAX_CONNS {
            serve::warn(format_args!("DNS over TCP: {peer} turned away, {MAX_CONNS} connections already open"));
            return;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let key = conns.add(&stream);
        let (zone, open, conns) = (Arc::clone(zone), Arc::clone(&open), conns.clone());
        let spawned = std::thread::Builder::new().name("dns-tcp-conn".into()).spawn(move || {
            serve_conn(stream, peer, &zone, quiet, log);
            conns.remove(key);
            open.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            serve::warn(format_args!("DNS over TCP: no thread for {peer}; connection closed"));
        }
    })
}

/// Answers the queries of one connection until it closes, idles or hits a bound.
fn serve_conn(mut stream: TcpStream, peer: SocketAddr, zone: &Zone, quiet: bool, log: Log) {
    let start = Instant::now();
    for _ in 0..MAX_QUERIES {
        let left = DEADLINE.saturating_sub(start.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left.min(IDLE))).is_err() {
            return;
        }
        let Some(query) = read_message(&mut stream) else { return };
        let response = answer_tcp(&query, zone);
        if !quiet {
            let mut text = String::new();
            log(&mut text, peer, &query, response.as_deref(), zone);
            let mut o = io::stdout().lock();
            let _ = o.write_all(text.replacen("Query from", "Query over TCP from", 1).as_bytes());
            let _ = o.flush();
        }
        let Some(r) = response else { return };
        if stream.set_write_timeout(Some(IDLE)).is_err() || stream.write_all(&framed(&r)).is_err() {
            return;
        }
    }
}

/// One length-prefixed message, or None at end of stream, on a timeout or a
/// zero length.
fn read_message(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; PREFIX];
    stream.read_exact(&mut len).ok()?;
    let n = usize::from(u16::from_be_bytes(len));
    if n == 0 {
        return None;
    }
    let mut msg = vec![0u8; n];
    stream.read_exact(&mut msg).ok()?;
    Some(msg)
}

/// `msg` with its two-byte length in front (messages over 65535 bytes cannot
/// be encoded by the server, so the length always fits).
pub fn framed(msg: &[u8]) -> Vec<u8> {
    let len = u16::try_from(msg.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(msg.len() + PREFIX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&msg[..usize::from(len)]);
    out
}

/// Reads one length-prefixed response from `stream` (a client's side).
pub fn read_response(stream: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; PREFIX];
    stream.read_exact(&mut len)?;
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut msg)?;
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_framed_with_a_big_endian_length() {
        assert_eq!(framed(&[0xab, 0xcd, 0xef]), vec![0x00, 0x03, 0xab, 0xcd, 0xef]);
    }

    #[test]
    fn a_framed_message_reads_back_and_a_cut_one_does_not() {
        let bytes = framed(b"hello");
        assert_eq!(read_message(&mut &bytes[..]).as_deref(), Some(&b"hello"[..]));
        assert_eq!(read_message(&mut &bytes[..4]), None);
        assert_eq!(read_message(&mut &[0u8, 0][..]), None, "zero length ends the connection");
        assert_eq!(read_response(&mut &bytes[..]).unwrap(), b"hello");
    }
}
