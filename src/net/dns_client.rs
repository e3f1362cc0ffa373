//! `socklab dns query`: the DNS lab's client. It sends one query per name over a
//! connected UDP socket (so an ICMP port unreachable surfaces as "no server is
//! listening"), waits a bounded time per try, ignores replies that do not match its
//! query (another ID, not a response, another question) and prints one line per
//! answer in the handout's format:
//! `> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.1`.

use crate::config::Settings;
use crate::dns_view::fields::{hex_bytes, rcode_name};
use crate::error::{Error, Result};
use crate::net::echo::connect_udp;
use crate::net::fd::AsRawFd;
use crate::net::serve::{self, out};
use crate::net::{addr, trace};
use crate::proto::dns::zone::quote;
use crate::proto::dns::{
    decode, encode, Class, Flags, Header, Message, Name, Question, RData, Rcode, Record, RrType, HEADER_LEN,
};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use crate::wrap;
use std::io::{self, IsTerminal, Read};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The prompt of the handout's client.
pub const PROMPT: &str = "Enter Domain Name: ";
/// What ends the prompt loop.
pub const END: &str = "end";
/// The lab server's port, used when `--server` has no port.
pub const DEFAULT_PORT: u16 = 10053;
/// What the client says for an NXDOMAIN answer (RFC 1035 §4.1.1: RCODE 3, "Name Error").
pub const NXDOMAIN_MEANING: &str = "no such name (NXDOMAIN): the server answered that this name does not exist \
     in its zone; `socklab dns zone` lists the names socklab's lab server holds";
/// Largest reply read (the EDNS0 maximum).
const MAX_REPLY: usize = 65_535;

/// Record types by mnemonic, for `--type`.
const TYPES: &[(&str, RrType)] = &[
    ("A", RrType::A),
    ("AAAA", RrType::Aaaa),
    ("NS", RrType::Ns),
    ("CNAME", RrType::Cname),
    ("MX", RrType::Mx),
    ("TXT", RrType::Txt),
    ("SOA", RrType::Soa),
    ("PTR", RrType::Ptr),
    ("ANY", RrType::Any),
];

/// Parses `--type`: a mnemonic (any case) or a number from 0 to 65535.
pub fn parse_type(text: &str) -> Result<RrType> {
    let t = text.trim();
    if let Some((_, rt)) = TYPES.iter().find(|(m, _)| m.eq_ignore_ascii_case(t)) {
        return Ok(*rt);
    }
    let digits = t.strip_prefix("TYPE").or_else(|| t.strip_prefix("type")).unwrap_or(t);
    digits.parse::<u16>().map(RrType::from).map_err(|_| {
        Error::usage(format!(
            "unknown record type '{text}': use A, AAAA, NS, CNAME, MX, TXT, SOA, PTR, ANY or a number from 0 to 65535"
        ))
    })
}

/// A query ID that is hard to guess: from /dev/urandom, else from the clock and
/// the process ID through xorshift.
pub fn random_id() -> u16 {
    let mut b = [0u8; 2];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b)).is_ok() {
        return u16::from_be_bytes(b);
    }
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ (u64::from(std::process::id()) << 32) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 16) as u16
}

/// The query message: RD set as the handout's client does, one question, class IN.
pub fn build_query(id: u16, name: &Name, rtype: RrType) -> Message {
    let flags = Flags { rd: true, ..Flags::default() };
    let mut m = Message {
        header: Header { id, flags, ..Header::default() },
        questions: vec![Question::new(name.clone(), rtype, Class::In)],
        ..Message::default()
    };
    m.sync_counts();
    m
}

/// Why a reply does not belong to our query, `None` if it does.
pub fn mismatch(query: &Message, reply: &Message) -> Option<String> {
    let (q, r) = (&query.header, &reply.header);
    if r.id != q.id {
        return Some(format!("its ID is 0x{:04x}, ours 0x{:04x}", r.id, q.id));
    }
    if !r.flags.qr {
        return Some("it is a query (QR = 0), not a response".to_string());
    }
    // A FORMERR or NOTIMP may come without the question (RFC 1035 leaves it open).
    let without_question = reply.questions.is_empty() && r.flags.rcode != Rcode::NoError;
    let same = reply.questions.len() == query.questions.len()
        && reply
            .questions
            .iter()
            .zip(&query.questions)
            .all(|(a, b)| a.name.name.eq_ignore_case(&b.name.name) && a.qtype == b.qtype && a.qclass == b.qclass);
    if !same && !without_question {
        let asked: Vec<String> = reply.questions.iter().map(|q| format!("{} {}", q.name.name, q.qtype)).collect();
        return Some(format!("it answers another question ({})", asked.join(", ")));
    }
    None
}

/// One record as the handout's client prints it.
pub fn record_line(r: &Record) -> String {
    let value = match &r.rdata {
        RData::A(a) => format!("addr (4) {a}"),
        RData::Aaaa(a) => format!("addr (16) {a}"),
        RData::Cname(n) => format!("cname {}", n.name),
        RData::Ns(n) => format!("ns {}", n.name),
        RData::Ptr(n) => format!("ptr {}", n.name),
        RData::Mx { preference, exchange } => format!("preference {preference}, mx {}", exchange.name),
        RData::Txt(s) => format!("txt {}", s.iter().map(|s| quote(&s.data)).collect::<Vec<_>>().join(" ")),
        RData::Soa(s) => format!(
            "mname {}, rname {}, serial {}, refresh {}, retry {}, expire {}, minimum {}",
            s.mname.name, s.rname.name, s.serial, s.refresh, s.retry, s.expire, s.minimum
        ),
        RData::Opt(_) => "OPT pseudo-record".to_string(),
        RData::Raw(b) => format!("data ({}) {}", b.len(), hex_bytes(b)),
    };
    format!("> {}: type {}, class {}, TTL {}, {value}", r.name.name, r.rtype, r.class, r.ttl)
}

/// The lines printed for a reply to a question for `name` of type `rtype`.
pub fn reply_lines(name: &Name, rtype: RrType, reply: &Message) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if reply.header.flags.tc {
        lines.push(format!("> {name}: the response is truncated (TC = 1); it did not fit in a UDP datagram"));
    }
    match reply.rcode() {
        Rcode::NoError if reply.answers.is_empty() => {
            lines.push(format!("> {name}: no records of type {rtype} (NODATA)"));
        }
        Rcode::NoError => lines.extend(reply.answers.iter().map(record_line)),
        Rcode::NxDomain => lines.push(format!("> {name}: {NXDOMAIN_MEANING}")),
        other => lines.push(format!("> {name}: the server answered {} ({other})", rcode_name(other))),
    }
    lines
}

/// Sends the query and waits for its reply: `tries` sends, `timeout` each. Replies
/// that do not match are reported on stderr and ignored.
pub fn exchange(server: SocketAddr, query: &Message, timeout: Duration, tries: u32) -> Result<Message> {
    let bytes = encode(query).map_err(|e| Error::usage(format!("cannot build the query: {e}")))?;
    let sock = connect_udp(server, timeout)?;
    let mut buf = vec![0u8; MAX_REPLY];
    for attempt in 1..=tries {
        crate::net::echo::send_datagram(&sock, server, &bytes, timeout)?;
        if let Some(reply) = wait_reply(&sock, server, query, &mut buf, timeout)? {
            return Ok(reply);
        }
        if attempt < tries {
            serve::warn(format_args!(
                "no reply from {server} within {} ms; sending again ({}/{tries})",
                timeout.as_millis(),
                attempt + 1
            ));
        }
    }
    Err(Error::NoReply { addr: server, millis: (timeout * tries).as_millis() as u64, icmp: false })
}

/// Waits up to `timeout` for a reply to `query`; `None` when the time is up.
fn wait_reply(
    sock: &UdpSocket,
    server: SocketAddr,
    query: &Message,
    buf: &mut [u8],
    timeout: Duration,
) -> Result<Option<Message>> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        sock.set_read_timeout(Some(left)).map_err(|e| Error::io("setting the read timeout", e))?;
        let n = match trace::on(sock.as_raw_fd(), "recv()", || sock.recv(buf)) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if crate::teach::errno::udp_port_unreachable(&e) => {
                return Err(Error::NoReply { addr: server, millis: timeout.as_millis() as u64, icmp: true })
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Ok(None),
            Err(e) => return Err(Error::io(format!("receiving from {server}"), e)),
        };
        let reply = match decode(&buf[..n]) {
            Ok(m) => m,
            Err(e) if n >= HEADER_LEN => {
                serve::warn(format_args!("ignored a malformed reply from {server} ({n} bytes): {e}"));
                continue;
            }
            Err(_) => {
                serve::warn(format_args!("ignored a reply of {n} bytes from {server}: too short for a DNS header"));
                continue;
            }
        };
        match mismatch(query, &reply) {
            Some(why) => serve::warn(format_args!("ignored a reply from {server}: {why}")),
            None => return Ok(Some(reply)),
        }
    }
}

/// Looks up one name and prints the answer lines.
fn lookup(a: &QuerySettings, server: SocketAddr, rtype: RrType, text: &str) -> Result<()> {
    let name = Name::parse(text.trim()).map_err(|e| Error::usage(format!("bad domain name '{}': {e}", text.trim())))?;
    let query = build_query(random_id(), &name, rtype);
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let reply = exchange(server, &query, timeout, a.tries)?;
    let width = Settings::detect().width;
    for line in reply_lines(&name, rtype, &reply) {
        out(fit_answer(&line, width));
    }
    Ok(())
}

/// Where an answer line's text starts, after `> `.
const ANSWER_INDENT: usize = 2;

/// An answer line wrapped at spaces to `width` (the terminal's), its
/// continuation indented under the text after `> `, so the terminal does not
/// break it inside a word; as it is without a width.
pub fn fit_answer(line: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|&w| wrap::text_width(line) > w) else { return line.to_string() };
    let (mark, text) = line.split_at(line.find("> ").map_or(0, |i| i + ANSWER_INDENT));
    let wrapped = wrap::wrap(text, width.saturating_sub(ANSWER_INDENT).max(1));
    let indent = " ".repeat(mark.chars().count());
    format!("{mark}{}", wrapped.replace('\n', &format!("\n{indent}")))
}

/// Settings of `socklab dns query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySettings {
    /// The name to look up (`None`: names read at the prompt until `end`).
    pub name: Option<String>,
    /// The DNS server as HOST:PORT (the port defaults to [`DEFAULT_PORT`]).
    pub server: String,
    /// The record type, as [`parse_type`] reads it (`A`, `MX`, a number).
    pub rtype: String,
    /// Milliseconds to wait for a reply before sending the query again.
    pub timeout_ms: u64,
    /// How many times to send the query before giving up.
    pub tries: u32,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// `socklab dns query`.
pub fn run(a: &QuerySettings) -> Result<()> {
    let server = addr::parse_host_port(&a.server, Some(DEFAULT_PORT))?;
    let rtype = parse_type(&a.rtype)?;
    let cap = CaptureSession::start(a.capture.clone(), "dns-query", CaptureFilter::DnsPort(server.port()))?;
    cap.announce();
    if let Some(name) = &a.name {
        return lookup(a, server, rtype, name);
    }
    let stdin = io::stdin();
    let echo = !stdin.is_terminal();
    let mut input = stdin.lock();
    loop {
        serve::prompt(PROMPT);
        let Some(line) = serve::read_stdin_line(&mut input)? else {
            if echo {
                out("");
            }
            return Ok(());
        };
        let line = String::from_utf8_lossy(&line).trim().to_string();
        if echo {
            // Without a terminal the typed name is not shown: show it, so the
            // transcript reads like the handout's.
            out(&line);
        }
        if line.eq_ignore_ascii_case(END) {
            return Ok(());
        }
        if line.is_empty() {
            continue;
        }
        if let Err(e) = lookup(a, server, rtype, &line) {
            serve::warn(format_args!("socklab: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dns::{answer, Zone};

    fn name(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    fn ask(n: &str, t: RrType) -> (Message, Message) {
        let q = build_query(0x1a2b, &name(n), t);
        let r = decode(&answer(&encode(&q).unwrap(), &Zone::lab()).unwrap()).unwrap();
        (q, r)
    }

    #[test]
    fn handout_lines_for_google() {
        let (q, r) = ask("google.com", RrType::A);
        assert_eq!(encode(&q).unwrap()[..4], [0x1a, 0x2b, 0x01, 0x00]);
        assert_eq!(mismatch(&q, &r), None);
        assert_eq!(
            reply_lines(&name("google.com"), RrType::A, &r),
            [
                "> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.1",
                "> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.10"
            ]
        );
    }

    #[test]
    fn nxdomain_and_nodata_lines() {
        let (_, r) = ask("nosuch.com", RrType::A);
        assert_eq!(reply_lines(&name("nosuch.com"), RrType::A, &r), [format!("> nosuch.com: {NXDOMAIN_MEANING}")]);
        let (_, r) = ask("google.com", RrType::Mx);
        assert_eq!(reply_lines(&name("google.com"), RrType::Mx, &r), ["> google.com: no records of type MX (NODATA)"]);
    }

    #[test]
    fn other_types_have_an_analogue() {
        let zone = Zone::parse("www.g.com 60 CNAME g.com\ng.com 60 A 1.2.3.4\ng.com 70 MX 10 mx.g.com\n").unwrap();
        let q = build_query(7, &name("www.g.com"), RrType::A);
        let r = decode(&answer(&encode(&q).unwrap(), &zone).unwrap()).unwrap();
        assert_eq!(
            reply_lines(&name("www.g.com"), RrType::A, &r),
            [
                "> www.g.com: type CNAME, class IN, TTL 60, cname g.com",
                "> g.com: type A, class IN, TTL 60, addr (4) 1.2.3.4"
            ]
        );
        let q = build_query(8, &name("g.com"), RrType::Mx);
        let r = decode(&answer(&encode(&q).unwrap(), &zone).unwrap()).unwrap();
        assert_eq!(
            reply_lines(&name("g.com"), RrType::Mx, &r),
            ["> g.com: type MX, class IN, TTL 70, preference 10, mx mx.g.com"]
        );
    }

    #[test]
    fn mismatched_replies_are_named() {
        let (q, mut r) = ask("google.com", RrType::A);
        r.header.id = 0x1a2c;
        assert!(mismatch(&q, &r).unwrap().contains("ID is 0x1a2c"));
        let (q, r) = ask("google.com", RrType::A);
        let other = build_query(0x1a2b, &name("youtube.com"), RrType::A);
        assert!(mismatch(&other, &r).unwrap().contains("another question"));
        assert!(mismatch(&q, &q).unwrap().contains("QR = 0"));
    }

    #[test]
    fn types_parse_by_name_and_number() {
        assert_eq!(parse_type("a").unwrap(), RrType::A);
        assert_eq!(parse_type("AAAA").unwrap(), RrType::Aaaa);
        assert_eq!(parse_type("any").unwrap(), RrType::Any);
        assert_eq!(parse_type("33").unwrap(), RrType::Unknown(33));
        assert_eq!(parse_type("TYPE65").unwrap(), RrType::from(65));
        assert!(parse_type("BOGUS").is_err());
        assert!(parse_type("70000").is_err());
    }

    /// At 80 columns the NXDOMAIN explanation broke inside "does not".
    #[test]
    fn long_answers_wrap_at_spaces_under_their_text() {
        let line = "> nosuch.ca: no such name (NXDOMAIN): the server answered that this name does not \
                    exist in its zone; `socklab dns zone` lists the names socklab's lab server holds";
        let fitted = fit_answer(line, Some(80));
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines.len(), 3, "{fitted}");
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{fitted}");
        assert!(lines[0].starts_with("> nosuch.ca: ") && lines[0].ends_with(" does"), "{fitted}");
        assert!(lines[1].starts_with("  not exist") && lines[2] == "  holds", "{fitted}");
        assert_eq!(fitted.replace("\n  ", " "), line);
        assert_eq!(fit_answer(line, None), line);
        assert_eq!(fit_answer("> short", Some(80)), "> short");
    }
}
