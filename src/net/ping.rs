//! `socklab ping`: ICMP echo over a raw socket, as ping(8) does it.
//!
//! One raw socket (`socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)`, or the ICMPv6 one),
//! connected to the target so the kernel only hands us its packets. Each request
//! carries identifier = pid & 0xffff, a sequence number from 1, and a payload
//! that starts with the send time; a reply counts when its identifier and sequence
//! number match one we sent. Everything else (our own request looping back on `lo`,
//! other programs' pings, ICMP errors) is skipped. Raw sockets need root or
//! CAP_NET_RAW; without them the error says how to grant it.

use crate::error::{Error, Result};
use crate::net::{addr, gate, serve, shutdown};
use crate::proto::icmp_echo::{self, Echo, Family, Message};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use std::collections::HashMap;
use std::io;
use std::mem;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The fix printed when raw sockets are not allowed.
pub const PRIVILEGE_FIX: &str =
    "run it as root (sudo socklab ping ...), or grant the capability once: sudo setcap cap_net_raw+ep \"$(command -v socklab)\"";
/// Longest wait in one `poll`, so Ctrl-C is noticed promptly.
const POLL_SLICE_MS: u64 = 100;
/// Bytes of payload that hold the send time.
const TIMESTAMP_LEN: usize = 8;
/// Largest datagram a raw socket can deliver.
const RECV_BUF: usize = 65536;

/// Settings of `socklab ping`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingSettings {
    /// Host to ping (name or address).
    pub host: String,
    /// Number of echo requests to send.
    pub count: u32,
    /// Milliseconds between requests.
    pub interval_ms: u64,
    /// Milliseconds to wait for each reply.
    pub timeout_ms: u64,
    /// Bytes of payload after the ICMP header.
    pub size: u16,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// Runs `socklab ping`.
pub fn run(a: &PingSettings) -> Result<()> {
    let ip = addr::resolve_one(&a.host, 0)?.ip();
    let cap = CaptureSession::start(a.capture.clone(), "ping", CaptureFilter::Icmp)?;
    cap.announce();
    let sock = RawIcmp::open(ip)?;
    serve::out(format_args!("PING {} ({ip}): {} data bytes", a.host, a.size));
    let ident = (std::process::id() & 0xffff) as u16;
    let mut session = Session::new(ident);
    let started = Instant::now();
    let interval = Duration::from_millis(a.interval_ms);
    let timeout = Duration::from_millis(a.timeout_ms);
    for i in 0..a.count {
        if shutdown::requested() {
            break;
        }
        let seq = (i.wrapping_add(1) % 65536) as u16;
        let sent_at = Instant::now();
        sock.send(&icmp_echo::encode(sock.family, false, &request(ident, seq, a.size)))?;
        session.sent(seq, sent_at);
        let last = i + 1 == a.count;
        let until = sent_at + if last { timeout } else { interval };
        receive_until(&sock, &mut session, until, last)?;
    }
    let stats = Stats::of(session.transmitted, &session.rtts);
    gate::last(&render_summary(&a.host, &stats, started.elapsed()));
    if stats.received == 0 {
        return Err(Error::NoAnswer {
            what: format!("no echo reply from {ip}"),
            hint: "the host may be down, or a firewall may drop ICMP; try 127.0.0.1 to check that ping works".into(),
        });
    }
    Ok(())
}

/// An echo request with `size` bytes of payload: the send time, then bytes 8, 9, 10…
pub fn request(ident: u16, seq: u16, size: u16) -> Echo {
    let mut payload: Vec<u8> = (0..usize::from(size)).map(|i| i as u8).collect();
    if payload.len() >= TIMESTAMP_LEN {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        payload[..TIMESTAMP_LEN].copy_from_slice(&(now.as_nanos() as u64).to_be_bytes());
    }
    Echo { ident, seq, payload }
}

/// Reads replies until `until`; when `last`, stops as soon as every request is answered.
fn receive_until(sock: &RawIcmp, session: &mut Session, until: Instant, last: bool) -> Result<()> {
    let mut buf = vec![0u8; RECV_BUF];
    loop {
        if shutdown::requested() || (last && session.all_answered()) {
            return Ok(());
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        let wait = left.min(Duration::from_millis(POLL_SLICE_MS));
        if let Some(got) = sock.recv(&mut buf, wait)? {
            if let Some(line) = session.received(&got, Instant::now()) {
                serve::out(line);
            }
        }
    }
}

/// One packet from the raw socket: the ICMP bytes, their sender and TTL/hop limit.
pub struct Received<'a> {
    /// The ICMP message.
    pub icmp: &'a [u8],
    /// Who sent it.
    pub from: IpAddr,
    /// TTL (IPv4) or hop limit (IPv6) as received, when known.
    pub ttl: Option<u8>,
    /// How the ICMP message is decoded.
    pub family: Family,
}

/// Requests in flight and replies seen.
pub struct Session {
    ident: u16,
    pending: HashMap<u16, Instant>,
    answered: HashMap<u16, Instant>,
    /// Requests sent.
    pub transmitted: u32,
    /// Round-trip times of the first reply to each request.
    pub rtts: Vec<Duration>,
}

impl Session {
    /// A session whose requests carry `ident`.
    pub fn new(ident: u16) -> Session {
        Session { ident, pending: HashMap::new(), answered: HashMap::new(), transmitted: 0, rtts: Vec::new() }
    }

    /// Records request `seq` sent at `at`.
    pub fn sent(&mut self, seq: u16, at: Instant) {
        self.answered.remove(&seq);
        self.pending.insert(seq, at);
        self.transmitted += 1;
    }

    /// True when no request awaits its reply.
    pub fn all_answered(&self) -> bool {
        self.pending.is_empty()
    }

    /// Takes a packet; returns the line to print when it is a reply to us.
    pub fn received(&mut self, got: &Received<'_>, now: Instant) -> Option<String> {
        let Ok(Message::Reply(echo)) = icmp_echo::decode(got.family, got.icmp) else { return None };
        if echo.ident != self.ident {
            return None;
        }
        let (sent_at, dup) = match self.pending.remove(&echo.seq) {
            Some(at) => (at, false),
            None => (*self.answered.get(&echo.seq)?, true),
        };
        let rtt = now.saturating_duration_since(sent_at);
        if !dup {
            self.answered.insert(echo.seq, sent_at);
            self.rtts.push(rtt);
        }
        Some(reply_line(got.icmp.len(), got.from, echo.seq, got.ttl, rtt, dup))
    }
}

/// `64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms`.
pub fn reply_line(len: usize, from: IpAddr, seq: u16, ttl: Option<u8>, rtt: Duration, dup: bool) -> String {
    let ttl = ttl.map(|t| format!(" ttl={t}")).unwrap_or_default();
    let dup = if dup { " (DUP!)" } else { "" };
    format!("{len} bytes from {from}: icmp_seq={seq}{ttl} time={:.3} ms{dup}", ms(rtt))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Loss and round-trip statistics of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Requests sent.
    pub transmitted: u32,
    /// Requests answered.
    pub received: u32,
    /// min, avg, max, mdev of the round-trip times in milliseconds (none without replies).
    pub rtt_ms: Option<[f64; 4]>,
}

impl Stats {
    /// Statistics of `transmitted` requests with these round-trip times; mdev is the
    /// standard deviation sqrt(mean(x²) - mean(x)²), as ping(8) computes it.
    pub fn of(transmitted: u32, rtts: &[Duration]) -> Stats {
        let received = rtts.len() as u32;
        let rtt_ms = (!rtts.is_empty()).then(|| {
            let xs: Vec<f64> = rtts.iter().map(|d| ms(*d)).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let mean_sq = xs.iter().map(|x| x * x).sum::<f64>() / n;
            let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let max = xs.iter().copied().fold(0.0, f64::max);
            [min, mean, max, (mean_sq - mean * mean).max(0.0).sqrt()]
        });
        Stats { transmitted, received, rtt_ms }
    }

    /// Percentage of requests without a reply.
    pub fn loss_percent(&self) -> f64 {
        if self.transmitted == 0 {
            return 0.0;
        }
        100.0 * f64::from(self.transmitted.saturating_sub(self.received)) / f64::from(self.transmitted)
    }
}

/// The closing statistics block of ping(8).
pub fn render_summary(host: &str, s: &Stats, elapsed: Duration) -> String {
    let loss = s.loss_percent();
    let loss = if loss.fract() == 0.0 { format!("{loss:.0}") } else { format!("{loss:.1}") };
    let mut out = format!(
        "\n--- {host} ping statistics ---\n{} packets transmitted, {} received, {loss}% packet loss, time {}ms\n",
        s.transmitted,
        s.received,
        elapsed.as_millis()
    );
    if let Some([min, avg, max, mdev]) = s.rtt_ms {
        out.push_str(&format!("rtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/{mdev:.3} ms\n"));
    }
    out
}

/// A raw ICMP (or ICMPv6) socket connected to one address.
pub struct RawIcmp {
    fd: OwnedFd,
    target: IpAddr,
    /// How messages on this socket are encoded (with the addresses for ICMPv6).
    pub family: Family,
}

impl RawIcmp {
    /// Opens the raw socket for `target`'s family and connects it to `target`.
    pub fn open(target: IpAddr) -> Result<RawIcmp> {
        let (domain, proto) = match target {
            IpAddr::V4(_) => (libc::AF_INET, libc::IPPROTO_ICMP),
            IpAddr::V6(_) => (libc::AF_INET6, libc::IPPROTO_ICMPV6),
        };
        // SAFETY: plain socket(2) call; the result is checked before use.
        let raw = unsafe { libc::socket(domain, libc::SOCK_RAW | libc::SOCK_CLOEXEC, proto) };
        if raw < 0 {
            return Err(open_error(io::Error::last_os_error()));
        }
        // SAFETY: `raw` is a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let (sa, len) = sockaddr_of(target);
        // SAFETY: `sa` is a valid sockaddr of `len` bytes.
        if unsafe { libc::connect(fd.as_raw_fd(), (&sa as *const libc::sockaddr_storage).cast(), len) } != 0 {
            return Err(Error::io(format!("cannot reach {target}"), io::Error::last_os_error()));
        }
        let family = match target {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(dst) => {
                set_int(&fd, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, 1)?;
                // Replies travel from the target back to our address.
                Family::V6 { src: dst, dst: local_v6(&fd)? }
            }
        };
        Ok(RawIcmp { fd, target, family })
    }

    /// Sends one ICMP message (for ICMPv6 the kernel recomputes the checksum anyway).
    pub fn send(&self, msg: &[u8]) -> Result<()> {
        // SAFETY: `msg` is valid for its length; the socket is connected.
        let n = unsafe { libc::send(self.fd.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
        if n < 0 {
            return Err(Error::io(
                format!("cannot send an echo request to {}", self.target),
                io::Error::last_os_error(),
            ));
        }
        Ok(())
    }

    /// Waits up to `wait` for one packet; `None` when none came.
    pub fn recv<'a>(&self, buf: &'a mut [u8], wait: Duration) -> Result<Option<Received<'a>>> {
        let mut pfd = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut pfd, 1, wait.as_millis().min(i32::MAX as u128) as i32) };
        if ready < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted { Ok(None) } else { Err(Error::io("poll", e)) };
        }
        if ready == 0 {
            return Ok(None);
        }
        let (n, hop_limit) = self.recvmsg(buf)?;
        let data = &buf[..n];
        Ok(match self.family {
            Family::V4 => icmp_echo::strip_ipv4(data).ok().map(|d| Received {
                icmp: d.icmp,
                from: IpAddr::V4(d.src),
                ttl: Some(d.ttl),
                family: self.family,
            }),
            Family::V6 { .. } => Some(Received { icmp: data, from: self.target, ttl: hop_limit, family: self.family }),
        })
    }

    /// recvmsg(2) with room for the IPV6_HOPLIMIT control message.
    fn recvmsg(&self, buf: &mut [u8]) -> Result<(usize, Option<u8>)> {
        let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
        let mut control = [0u64; 16];
        // SAFETY: zeroed msghdr is valid; pointers set below outlive the call.
        let mut msg: libc::msghdr = unsafe { mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = mem::size_of_val(&control) as _;
        // SAFETY: msg describes valid buffers.
        let n = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, 0) };
        if n < 0 {
            return Err(Error::io("cannot receive from the raw socket", io::Error::last_os_error()));
        }
        Ok((n as usize, hop_limit(&msg)))
    }
}

/// The IPV6_HOPLIMIT control message of a received packet, if any.
fn hop_limit(msg: &libc::msghdr) -> Option<u8> {
    // SAFETY: the CMSG macros walk the control buffer the kernel filled, bounded by msg_controllen.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::IPPROTO_IPV6 && (*c).cmsg_type == libc::IPV6_HOPLIMIT {
                let v = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::c_int);
                return u8::try_from(v).ok();
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    None
}

/// Maps a failed socket(2) to the error a student can act on.
fn open_error(e: io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::EPERM) | Some(libc::EACCES) => Error::NeedsPrivilege {
            what: "ping".into(),
            fix: format!("it opens a raw ICMP socket, which needs root or the CAP_NET_RAW capability; {PRIVILEGE_FIX}"),
        },
        _ => Error::io("cannot open a raw ICMP socket", e),
    }
}

fn set_int(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> Result<()> {
    // SAFETY: passes a pointer to a live c_int of the stated size.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&value as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(Error::io("setsockopt on the raw socket", io::Error::last_os_error()));
    }
    Ok(())
}

/// The local IPv6 address the kernel picked for the connected socket.
fn local_v6(fd: &OwnedFd) -> Result<Ipv6Addr> {
    // SAFETY: zeroed sockaddr_storage is valid; getsockname writes at most `len` bytes.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: as above.
    if unsafe { libc::getsockname(fd.as_raw_fd(), (&mut ss as *mut libc::sockaddr_storage).cast(), &mut len) } != 0 {
        return Err(Error::io("getsockname on the raw socket", io::Error::last_os_error()));
    }
    // SAFETY: the socket is AF_INET6, so the storage holds a sockaddr_in6.
    let sin6 = unsafe { &*(&ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
    Ok(Ipv6Addr::from(sin6.sin6_addr.s6_addr))
}

/// A C socket address for `ip` (port 0), with its length.
pub fn sockaddr_of(ip: IpAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let len = match SocketAddr::new(ip, 0) {
        SocketAddr::V4(v4) => {
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in.
            let sin = unsafe { &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from_ne_bytes(v4.ip().octets());
            mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_addr.s6_addr = v6.ip().octets();
            mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms_dur(v: f64) -> Duration {
        Duration::from_secs_f64(v / 1000.0)
    }

    #[test]
    fn stats_match_pings_formula() {
        let s = Stats::of(3, &[ms_dur(1.0), ms_dur(2.0), ms_dur(3.0)]);
        let [min, avg, max, mdev] = s.rtt_ms.unwrap();
        assert!((min - 1.0).abs() < 1e-6 && (avg - 2.0).abs() < 1e-6 && (max - 3.0).abs() < 1e-6);
        assert!((mdev - (2.0f64 / 3.0).sqrt()).abs() < 1e-6);
        assert_eq!(s.loss_percent(), 0.0);
    }

    #[test]
    fn summary_shows_loss_and_rtts() {
        let s = Stats::of(3, &[ms_dur(0.045), ms_dur(0.055)]);
        let text = render_summary("127.0.0.1", &s, Duration::from_millis(201));
        assert!(text.contains("--- 127.0.0.1 ping statistics ---"), "{text}");
        assert!(text.contains("3 packets transmitted, 2 received, 33.3% packet loss, time 201ms"), "{text}");
        assert!(text.contains("rtt min/avg/max/mdev = 0.045/0.050/0.055/0.005 ms"), "{text}");
        let none = render_summary("h", &Stats::of(2, &[]), Duration::ZERO);
        assert!(none.contains("100% packet loss") && !none.contains("rtt"), "{none}");
    }

    #[test]
    fn reply_line_looks_like_ping() {
        let line = reply_line(64, IpAddr::from([127, 0, 0, 1]), 1, Some(64), Duration::from_micros(45), false);
        assert_eq!(line, "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms");
    }

    fn reply_to(ident: u16, seq: u16) -> Vec<u8> {
        icmp_echo::encode(Family::V4, true, &request(ident, seq, 56))
    }

    fn got(icmp: &[u8]) -> Received<'_> {
        Received { icmp, from: IpAddr::from([127, 0, 0, 1]), ttl: Some(64), family: Family::V4 }
    }

    #[test]
    fn matches_replies_by_ident_and_seq_and_skips_the_rest() {
        let t0 = Instant::now();
        let mut s = Session::new(7);
        s.sent(1, t0);
        // Our own request looping back on lo, another program's reply, an unsent seq.
        let own_request = icmp_echo::encode(Family::V4, false, &request(7, 1, 56));
        assert_eq!(s.received(&got(&own_request), t0), None);
        assert_eq!(s.received(&got(&reply_to(8, 1)), t0), None);
        assert_eq!(s.received(&got(&reply_to(7, 2)), t0), None);
        assert_eq!(s.received(&got(&[0u8; 5]), t0), None);
        let line = s.received(&got(&reply_to(7, 1)), t0 + Duration::from_millis(2)).unwrap();
        assert!(line.starts_with("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=2.000 ms"), "{line}");
        assert!(s.all_answered());
        let dup = s.received(&got(&reply_to(7, 1)), t0).unwrap();
        assert!(dup.ends_with("(DUP!)"), "{dup}");
        assert_eq!((s.transmitted, s.rtts.len()), (1, 1));
    }

    #[test]
    fn payload_starts_with_a_timestamp_then_a_pattern() {
        let e = request(1, 1, 20);
        assert_eq!(e.payload.len(), 20);
        assert_ne!(&e.payload[..8], &[0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(&e.payload[8..], &[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
        assert_eq!(request(1, 1, 3).payload, vec![0, 1, 2]);
    }
}
