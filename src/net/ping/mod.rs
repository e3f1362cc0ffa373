//! `socklab ping`: ICMP echo requests and their replies, as ping(8) does it.
//!
//! Each request carries an identifier, a sequence number from 1, and a payload
//! that starts with the send time; a reply counts when its identifier and sequence
//! number match one we sent. Everything else (our own request looping back on `lo`,
//! other programs' pings, ICMP errors) is skipped.
//!
//! How the packets travel depends on the system; each way is a [`Backend`] and
//! everything else (sequence numbers, waiting, Ctrl-C, statistics, the printed
//! lines) is shared by all of them in [`drive`]:
//!
//! * Linux: a raw socket (`socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)`, or the ICMPv6
//!   one), which needs root or CAP_NET_RAW; when that is refused, the unprivileged
//!   ICMP datagram socket (`SOCK_DGRAM`), which the kernel allows to the groups in
//!   `net.ipv4.ping_group_range` and whose identifier the kernel picks.
//! * macOS: the ICMP datagram socket, which every user may open; for IPv4 it
//!   delivers the IP header in front of the reply, as a raw socket does.
//! * Windows: a raw socket when running as Administrator, otherwise the ICMP
//!   helper functions of iphlpapi.dll (`IcmpSendEcho2`, `Icmp6SendEcho2`), which
//!   send the request and collect the reply for us.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

use crate::error::{Error, Result};
use crate::net::{addr, gate, serve, shutdown};
use crate::proto::icmp_echo::{self, Echo, Family, Message};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The fix printed when the system refuses the ICMP socket ping needs.
#[cfg(target_os = "linux")]
pub const PRIVILEGE_FIX: &str =
    "run it as root (sudo socklab ping ...), or grant the capability once: sudo setcap cap_net_raw+ep \"$(command -v socklab)\"";
/// The fix printed when the system refuses the ICMP socket ping needs.
#[cfg(target_os = "macos")]
pub const PRIVILEGE_FIX: &str = "macOS needs no privilege for it (every user may open an ICMP datagram socket): \
     check that no sandbox or security tool denies socklab network access, or try sudo socklab ping ...";
/// The fix printed when the system refuses the ICMP socket ping needs.
#[cfg(windows)]
pub const PRIVILEGE_FIX: &str = "run it from a terminal opened as Administrator (right-click PowerShell or Windows \
     Terminal, then Run as administrator); without that socklab uses the ICMP helper of iphlpapi.dll, which needs \
     no privilege but must not be blocked by security software";
/// The fix printed when the system refuses the ICMP socket ping needs.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub const PRIVILEGE_FIX: &str = "run it as root (sudo socklab ping ...)";
/// Longest single wait for a reply, so Ctrl-C is noticed promptly.
const POLL_SLICE_MS: u64 = 100;
/// Bytes of payload that hold the send time.
const TIMESTAMP_LEN: usize = 8;

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
    let plan = Plan::of(a);
    let mut backend = open_backend(ip, plan.timeout)?;
    serve::out(format_args!("PING {} ({ip}): {} data bytes", a.host, a.size));
    let started = Instant::now();
    let session = drive(backend.as_mut(), &plan, &shutdown::requested, &mut |line| serve::out(line))?;
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

/// The way this system sends echo requests to `target` and hears the replies.
#[cfg(unix)]
fn open_backend(target: IpAddr, _timeout: Duration) -> Result<Box<dyn Backend>> {
    Ok(Box::new(unix::IcmpSocket::open(target)?))
}

/// The way this system sends echo requests to `target` and hears the replies.
#[cfg(windows)]
fn open_backend(target: IpAddr, timeout: Duration) -> Result<Box<dyn Backend>> {
    windows::open(target, timeout)
}

/// One way of sending echo requests and hearing the replies (a socket, or a
/// system helper): all that the shared loop [`drive`] needs.
pub trait Backend {
    /// The identifier requests carry and replies to us come back with.
    fn ident(&self) -> u16;
    /// Sends echo request `echo` to the target.
    fn send(&mut self, echo: &Echo) -> Result<()>;
    /// Waits up to `wait` for one packet; the echo reply it holds, or `None` when
    /// nothing came or what came was not an echo reply.
    fn recv(&mut self, wait: Duration) -> Result<Option<Reply>>;
}

/// An echo reply as a backend hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Identifier of the reply.
    pub ident: u16,
    /// Sequence number of the reply.
    pub seq: u16,
    /// Bytes of the ICMP message (header and payload), as ping prints them.
    pub len: usize,
    /// Who sent it.
    pub from: IpAddr,
    /// TTL (IPv4) or hop limit (IPv6) as received, when known.
    pub ttl: Option<u8>,
    /// When it arrived.
    pub at: Instant,
}

/// How a socket hands over a received packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// The IPv4 header comes first (raw IPv4 sockets, and the IPv4 datagram socket
    /// of macOS): it is skipped by its length field, and gives the sender and TTL.
    Ipv4Header,
    /// The ICMP message alone (IPv6 sockets, and Linux's IPv4 datagram socket).
    IcmpOnly,
}

/// The echo reply in a received packet, if it holds one. `from` and `ttl` are used
/// when the packet has no IPv4 header to tell them (`Framing::IcmpOnly`).
pub fn reply_of(
    family: Family,
    framing: Framing,
    data: &[u8],
    from: IpAddr,
    ttl: Option<u8>,
    at: Instant,
) -> Option<Reply> {
    let (icmp, from, ttl) = match framing {
        Framing::Ipv4Header => {
            let d = icmp_echo::strip_ipv4(data).ok()?;
            (d.icmp, IpAddr::V4(d.src), Some(d.ttl))
        }
        Framing::IcmpOnly => (data, from, ttl),
    };
    let Ok(Message::Reply(echo)) = icmp_echo::decode(family, icmp) else { return None };
    Some(Reply { ident: echo.ident, seq: echo.seq, len: icmp.len(), from, ttl, at })
}

/// The timing of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Requests to send.
    pub count: u32,
    /// Bytes of payload in each request.
    pub size: u16,
    /// Time between requests.
    pub interval: Duration,
    /// How long to wait for the reply to the last request.
    pub timeout: Duration,
}

impl Plan {
    /// The plan of `socklab ping` with these settings.
    pub fn of(a: &PingSettings) -> Plan {
        Plan {
            count: a.count,
            size: a.size,
            interval: Duration::from_millis(a.interval_ms),
            timeout: Duration::from_millis(a.timeout_ms),
        }
    }
}

/// Sends `plan.count` requests through `backend`, one per interval, and hands each
/// reply line to `out`; stops early when `stop` says so (Ctrl-C). The last request
/// gets `plan.timeout` to be answered, or less once every request is.
pub fn drive(
    backend: &mut dyn Backend,
    plan: &Plan,
    stop: &dyn Fn() -> bool,
    out: &mut dyn FnMut(String),
) -> Result<Session> {
    let ident = backend.ident();
    let mut session = Session::new(ident);
    for i in 0..plan.count {
        if stop() {
            break;
        }
        let seq = (i.wrapping_add(1) % 65536) as u16;
        let sent_at = Instant::now();
        backend.send(&request(ident, seq, plan.size))?;
        session.sent(seq, sent_at);
        let last = i + 1 == plan.count;
        let until = sent_at + if last { plan.timeout } else { plan.interval };
        receive_until(backend, &mut session, until, last, stop, out)?;
    }
    Ok(session)
}

/// Sends one echo request on a connected ICMP socket (raw or datagram; for
/// ICMPv6 and datagram sockets the kernel fills in the checksum anyway).
fn send_echo(sock: &socket2::Socket, family: Family, target: IpAddr, echo: &Echo) -> Result<()> {
    let msg = icmp_echo::encode(family, false, echo);
    sock.send(&msg).map_err(|e| Error::io(format!("cannot send an echo request to {target}"), e))?;
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
fn receive_until(
    backend: &mut dyn Backend,
    session: &mut Session,
    until: Instant,
    last: bool,
    stop: &dyn Fn() -> bool,
    out: &mut dyn FnMut(String),
) -> Result<()> {
    loop {
        if stop() || (last && session.all_answered()) {
            return Ok(());
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        let wait = left.min(Duration::from_millis(POLL_SLICE_MS));
        if let Some(reply) = backend.recv(wait)? {
            if let Some(line) = session.received(&reply) {
                out(line);
            }
        }
    }
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

    /// Takes a reply; returns the line to print when it answers one of our requests.
    pub fn received(&mut self, r: &Reply) -> Option<String> {
        if r.ident != self.ident {
            return None;
        }
        let (sent_at, dup) = match self.pending.remove(&r.seq) {
            Some(at) => (at, false),
            None => (*self.answered.get(&r.seq)?, true),
        };
        let rtt = r.at.saturating_duration_since(sent_at);
        if !dup {
            self.answered.insert(r.seq, sent_at);
            self.rtts.push(rtt);
        }
        Some(reply_line(r.len, r.from, r.seq, r.ttl, rtt, dup))
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

    const LO: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn reply_to(ident: u16, seq: u16) -> Vec<u8> {
        icmp_echo::encode(Family::V4, true, &request(ident, seq, 56))
    }

    fn got(icmp: &[u8], at: Instant) -> Option<Reply> {
        reply_of(Family::V4, Framing::IcmpOnly, icmp, LO, Some(64), at)
    }

    #[test]
    fn matches_replies_by_ident_and_seq_and_skips_the_rest() {
        let t0 = Instant::now();
        let mut s = Session::new(7);
        s.sent(1, t0);
        // Our own request looping back on lo and garbage are no replies at all.
        let own_request = icmp_echo::encode(Family::V4, false, &request(7, 1, 56));
        assert_eq!(got(&own_request, t0), None);
        assert_eq!(got(&[0u8; 5], t0), None);
        // Another program's reply, and one to a sequence number never sent.
        assert_eq!(s.received(&got(&reply_to(8, 1), t0).unwrap()), None);
        assert_eq!(s.received(&got(&reply_to(7, 2), t0).unwrap()), None);
        let line = s.received(&got(&reply_to(7, 1), t0 + Duration::from_millis(2)).unwrap()).unwrap();
        assert!(line.starts_with("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=2.000 ms"), "{line}");
        assert!(s.all_answered());
        let dup = s.received(&got(&reply_to(7, 1), t0).unwrap()).unwrap();
        assert!(dup.ends_with("(DUP!)"), "{dup}");
        assert_eq!((s.transmitted, s.rtts.len()), (1, 1));
    }

    /// An IPv4 datagram as macOS's ICMP datagram socket delivers it: a 20-byte IP
    /// header (TTL 57 at byte 8, source 192.0.2.7 at byte 12), then an echo reply
    /// with id 0x04d2, seq 1 and payload "abcdefgh".
    const WITH_HEADER: [u8; 36] = [
        0x45, 0x00, 0x10, 0x00, 0x60, 0xa8, 0x00, 0x00, 0x39, 0x01, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x07, 0x7f, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x69, 0x97, 0x04, 0xd2, 0x00, 0x01, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h',
    ];

    #[test]
    fn strips_the_ipv4_header_by_its_length_field() {
        let t0 = Instant::now();
        let r = reply_of(Family::V4, Framing::Ipv4Header, &WITH_HEADER, LO, None, t0).unwrap();
        let from = IpAddr::from([192, 0, 2, 7]);
        assert_eq!(r, Reply { ident: 0x04d2, seq: 1, len: 16, from, ttl: Some(57), at: t0 });
        // With 4 bytes of IP options (IHL 6) the reply starts 4 bytes later.
        let mut with_options = WITH_HEADER[..20].to_vec();
        with_options[0] = 0x46;
        with_options.extend_from_slice(&[0x01, 0x01, 0x01, 0x00]);
        with_options.extend_from_slice(&WITH_HEADER[20..]);
        let r = reply_of(Family::V4, Framing::Ipv4Header, &with_options, LO, None, t0).unwrap();
        assert_eq!((r.ident, r.seq, r.len, r.ttl), (0x04d2, 1, 16, Some(57)));
        // The same bytes read as a bare ICMP message (Linux framing) are no reply.
        assert_eq!(reply_of(Family::V4, Framing::IcmpOnly, &WITH_HEADER, LO, None, t0), None);
        // A header cut short, or claiming more than is there, is skipped.
        assert_eq!(reply_of(Family::V4, Framing::Ipv4Header, &WITH_HEADER[..19], LO, None, t0), None);
        let mut too_long = WITH_HEADER;
        too_long[0] = 0x4f;
        assert_eq!(reply_of(Family::V4, Framing::Ipv4Header, &too_long, LO, None, t0), None);
    }

    #[test]
    fn bare_icmp_takes_sender_and_ttl_from_the_socket() {
        let t0 = Instant::now();
        let v6 = Family::V6 { src: std::net::Ipv6Addr::LOCALHOST, dst: std::net::Ipv6Addr::LOCALHOST };
        let msg = icmp_echo::encode(v6, true, &request(9, 4, 0));
        let from = IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
        let r = reply_of(v6, Framing::IcmpOnly, &msg, from, Some(64), t0).unwrap();
        assert_eq!(r, Reply { ident: 9, seq: 4, len: 8, from, ttl: Some(64), at: t0 });
    }

    /// A backend without sockets: each request is answered after `delay`, except
    /// the sequence numbers in `drop`; `dup` answers twice; `stranger` adds a reply
    /// with another identifier before each real one.
    struct Fake {
        delay: Duration,
        drop: Vec<u16>,
        dup: Vec<u16>,
        stranger: bool,
        queue: Vec<Reply>,
        sent: Vec<u16>,
    }

    impl Fake {
        fn new(delay_ms: u64) -> Fake {
            Fake {
                delay: Duration::from_millis(delay_ms),
                drop: vec![],
                dup: vec![],
                stranger: false,
                queue: vec![],
                sent: vec![],
            }
        }
    }

    impl Backend for Fake {
        fn ident(&self) -> u16 {
            0x4242
        }

        fn send(&mut self, echo: &Echo) -> Result<()> {
            assert_eq!(echo.ident, 0x4242);
            self.sent.push(echo.seq);
            if self.drop.contains(&echo.seq) {
                return Ok(());
            }
            let at = Instant::now() + self.delay;
            let reply =
                Reply { ident: echo.ident, seq: echo.seq, len: 8 + echo.payload.len(), from: LO, ttl: Some(64), at };
            if self.stranger {
                self.queue.push(Reply { ident: 1, ..reply.clone() });
            }
            if self.dup.contains(&echo.seq) {
                self.queue.push(reply.clone());
            }
            self.queue.push(reply);
            Ok(())
        }

        fn recv(&mut self, wait: Duration) -> Result<Option<Reply>> {
            let now = Instant::now();
            match self.queue.first() {
                Some(r) if r.at <= now => Ok(Some(self.queue.remove(0))),
                Some(r) => {
                    std::thread::sleep(r.at.saturating_duration_since(now).min(wait));
                    Ok(None)
                }
                None => {
                    std::thread::sleep(wait);
                    Ok(None)
                }
            }
        }
    }

    fn plan(count: u32, interval_ms: u64, timeout_ms: u64) -> Plan {
        Plan {
            count,
            size: 56,
            interval: Duration::from_millis(interval_ms),
            timeout: Duration::from_millis(timeout_ms),
        }
    }

    fn drive_fake(fake: &mut Fake, p: &Plan, stop: &dyn Fn() -> bool) -> (Session, Vec<String>) {
        let mut lines = Vec::new();
        let s = drive(fake, p, stop, &mut |l| lines.push(l)).unwrap();
        (s, lines)
    }

    #[test]
    fn drive_numbers_requests_from_one_and_prints_each_reply() {
        let mut fake = Fake::new(2);
        fake.stranger = true;
        let (s, lines) = drive_fake(&mut fake, &plan(3, 10, 500), &|| false);
        assert_eq!(fake.sent, vec![1, 2, 3]);
        assert_eq!((s.transmitted, s.rtts.len()), (3, 3));
        assert_eq!(lines.len(), 3, "{lines:?}");
        for (i, l) in lines.iter().enumerate() {
            assert!(l.starts_with(&format!("64 bytes from 127.0.0.1: icmp_seq={} ttl=64 time=", i + 1)), "{l}");
        }
        assert!(s.rtts.iter().all(|d| *d >= Duration::from_millis(2)), "{:?}", s.rtts);
    }

    #[test]
    fn drive_counts_losses_and_duplicates() {
        let mut fake = Fake::new(1);
        fake.drop = vec![2];
        fake.dup = vec![1];
        let started = Instant::now();
        let (s, lines) = drive_fake(&mut fake, &plan(3, 10, 60), &|| false);
        assert_eq!(lines.iter().filter(|l| l.ends_with("(DUP!)")).count(), 1, "{lines:?}");
        assert_eq!(lines.len(), 3, "{lines:?}");
        let stats = Stats::of(s.transmitted, &s.rtts);
        assert_eq!((stats.transmitted, stats.received), (3, 2));
        // Request 2 is never answered, so the last wait runs out its whole timeout.
        assert!(started.elapsed() >= Duration::from_millis(80), "{:?}", started.elapsed());
    }

    #[test]
    fn drive_ends_as_soon_as_the_last_request_is_answered() {
        let mut fake = Fake::new(1);
        let started = Instant::now();
        let (s, _) = drive_fake(&mut fake, &plan(2, 5, 5_000), &|| false);
        assert_eq!(s.rtts.len(), 2);
        assert!(started.elapsed() < Duration::from_millis(2_000), "{:?}", started.elapsed());
    }

    #[test]
    fn drive_stops_when_asked() {
        let mut fake = Fake::new(1);
        let calls = std::cell::Cell::new(0u32);
        // The first check lets request 1 go; the next ones say Ctrl-C was pressed.
        let stop = || {
            calls.set(calls.get() + 1);
            calls.get() > 1
        };
        let started = Instant::now();
        let (s, _) = drive_fake(&mut fake, &plan(100, 1_000, 1_000), &stop);
        assert_eq!((fake.sent.len(), s.transmitted), (1, 1));
        assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
    }

    #[test]
    fn plan_follows_the_settings() {
        let a = PingSettings {
            host: "h".into(),
            count: 3,
            interval_ms: 200,
            timeout_ms: 900,
            size: 12,
            capture: CaptureRequest::default(),
        };
        let p = Plan::of(&a);
        assert_eq!(p, Plan { size: 12, ..plan(3, 200, 900) });
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
