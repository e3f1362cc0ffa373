//! DNS in the sniffer: messages over UDP and over TCP with their 2-byte length
//! prefix (RFC 1035 §4.2.1, §4.2.2; reassembled across segments, bounded), the
//! Info text and `dns.*` fields as tshark writes them, and query ↔ response
//! links matched as tshark does: same conversation and ID, the response after
//! the query, a query repeated within 5 s without a response is a retransmission.

pub mod fields;
pub mod heuristic;
pub mod hex;
pub mod rdata;
pub mod tree;

use crate::proto::dns::{self, DecodeError, Message, RData, Record, RrType};
use crate::sniff::app::conv::{bounded_insert, dir_key, AppFacts, ConvKey, TcpData, MAX_PENDING_STREAMS};
use crate::sniff::hash::FxHashMap;
use crate::sniff::value::Nanos;
use std::fmt::{self, Write as _};

/// UDP and TCP ports always decoded as DNS: 53 (RFC 1035 §4.2) and the lab's
/// 10053. Over UDP, other ports are DNS when tshark's heuristic says so
/// ([`heuristic`]); over TCP, only these and `--dns-port`'s.
pub const DEFAULT_PORTS: [u16; 2] = [53, 10053];

/// tshark's DNS retransmission timer: a repeated query within it belongs to the
/// same transaction.
const RETRANSMISSION_NS: Nanos = 5_000_000_000;

/// Most open transactions remembered.
const MAX_TRANSACTIONS: usize = 65_536;

/// The multicast DNS port (RFC 6762 §3).
pub const MDNS_PORT: u16 = 5353;

/// The Link-local Multicast Name Resolution port (RFC 4795 §2).
pub const LLMNR_PORT: u16 = 5355;

/// The class bit that asks for a unicast response (question) or flushes caches
/// (record) in multicast DNS (RFC 6762 §5.4, §10.2).
pub const MDNS_CLASS_BIT: u16 = 0x8000;

/// Length of the TCP length prefix (RFC 1035 §4.2.2).
pub const TCP_PREFIX: usize = 2;

/// One decoded DNS message in a frame.
#[derive(Clone, Debug)]
pub struct DnsMsg {
    /// Offset of the message in the frame, when all of it lies in this frame.
    pub offset: Option<usize>,
    /// Length of the message in bytes.
    pub len: usize,
    /// Multicast DNS (RFC 6762, UDP port 5353): the top bit of a class asks for a
    /// unicast response (question) or flushes caches (record).
    pub mdns: bool,
    /// Link-local Multicast Name Resolution (RFC 4795, UDP port 5355): DNS's
    /// format, shown under its own name with its own header flags.
    pub llmnr: bool,
    /// Over TCP: the length prefix.
    pub tcp_len: Option<u16>,
    /// Everything decoded up to the first fault.
    pub message: Message,
    /// The fault that stopped decoding.
    pub error: Option<DecodeError>,
    /// On a query: the frame of its response (learned by the first pass).
    pub response_in: Option<u32>,
    /// On a response: the frame of its query and the time since it.
    pub response_to: Option<(u32, Nanos)>,
    /// Over TCP, a message reassembled from several segments: its length prefix
    /// and bytes (tshark's `Reassembled TCP` data source); else empty.
    pub reassembled: Vec<u8>,
    /// Bytes after the last record: their offset in the message and the bytes
    /// (tshark's `Extraneous Data`).
    pub extraneous: Option<(usize, Vec<u8>)>,
}

impl DnsMsg {
    fn decode(bytes: &[u8], offset: Option<usize>, tcp_len: Option<u16>, header_only: bool) -> DnsMsg {
        if header_only {
            // Enough to match queries and responses: ID and QR (RFC 1035 §4.1.1).
            let p = dns::decode_partial(&bytes[..bytes.len().min(dns::HEADER_LEN)]);
            let error = p.error.filter(|e| e.offset < dns::HEADER_LEN);
            let len = bytes.len();
            return DnsMsg {
                offset,
                len,
                mdns: false,
                llmnr: false,
                tcp_len,
                message: p.message,
                error,
                response_in: None,
                response_to: None,
                reassembled: Vec::new(),
                extraneous: None,
            };
        }
        let mut extraneous = None;
        let (message, error) = match dns::decode(bytes) {
            Ok(m) => (m, None),
            Err(_) => {
                let p = dns::decode_partial(bytes);
                // Bytes after the last record are not an error to tshark, only extraneous.
                let error = match p.error {
                    Some(e) if matches!(e.kind, dns::ErrorKind::TrailingBytes { .. }) => {
                        extraneous = bytes.get(e.offset..).map(|b| (e.offset, b.to_vec()));
                        None
                    }
                    e => e,
                };
                (p.message, error)
            }
        };
        DnsMsg {
            offset,
            len: bytes.len(),
            mdns: false,
            llmnr: false,
            tcp_len,
            message,
            error,
            response_in: None,
            response_to: None,
            reassembled: Vec::new(),
            extraneous,
        }
    }

    /// A message carried whole by another protocol (DNS over HTTPS, RFC 8484),
    /// at `offset` of the frame when its bytes lie there.
    pub fn from_bytes(bytes: &[u8], offset: Option<usize>) -> DnsMsg {
        DnsMsg::decode(bytes, offset, None, false)
    }

    /// QR is set.
    pub fn is_response(&self) -> bool {
        self.message.header.flags.qr
    }
}

/// A transaction: a query and its response.
#[derive(Clone, Copy, Debug)]
struct Transaction {
    req_frame: u32,
    req_time: Nanos,
    rep_frame: u32,
}

/// DNS state of one pass.
#[derive(Default)]
pub struct DnsTracker {
    ports: Vec<u16>,
    tcp: FxHashMap<u64, Vec<u8>>,
    transactions: FxHashMap<(ConvKey, u16), Transaction>,
    /// Query frame → response frame.
    learned: FxHashMap<u32, u32>,
    /// A retransmitted query frame → the first query of its transaction.
    retransmitted: FxHashMap<u32, u32>,
    /// Decode headers only (a first pass learning links).
    header_only: bool,
}

impl DnsTracker {
    /// A tracker decoding DNS on `ports`.
    pub fn new(ports: &[u16]) -> DnsTracker {
        DnsTracker { ports: ports.to_vec(), ..DnsTracker::default() }
    }

    /// Decodes only the header of each message: enough for a first pass, which
    /// learns the query/response links and renders nothing.
    pub fn headers_only(&mut self) {
        self.header_only = true;
    }

    /// Decodes DNS on `ports` from now on.
    pub fn set_ports(&mut self, ports: &[u16]) {
        self.ports = ports.to_vec();
    }

    /// Whether a datagram or segment between these ports is DNS.
    pub fn is_dns_port(&self, sport: u16, dport: u16) -> bool {
        self.ports.contains(&sport) || self.ports.contains(&dport)
    }

    /// Whether a UDP datagram between these ports is DNS: on a DNS or mDNS
    /// port, or anywhere else tshark's heuristic would take it.
    pub fn is_udp_dns(&self, sport: u16, dport: u16, payload: &[u8]) -> bool {
        self.is_dns_port(sport, dport)
            || sport == MDNS_PORT
            || dport == MDNS_PORT
            || sport == LLMNR_PORT
            || dport == LLMNR_PORT
            || (heuristic::heuristic_applies(sport, dport) && heuristic::looks_like_dns(payload))
    }

    /// Decodes a UDP payload at `offset` in the frame (`mdns`: on port 5353).
    pub fn udp(&mut self, conv: ConvKey, payload: &[u8], offset: usize, frame: u32, time: Nanos, mdns: bool) -> DnsMsg {
        let mut m = DnsMsg::decode(payload, Some(offset), None, self.header_only);
        m.mdns = mdns;
        self.link(conv, &mut m, frame, time);
        m
    }

    /// Adds a TCP segment's payload (at `offset` in the frame); returns the
    /// messages it completes, and whether bytes wait for a later segment.
    pub fn tcp(&mut self, conv: ConvKey, seg: &TcpData<'_>, offset: usize) -> (Vec<DnsMsg>, bool) {
        let key = dir_key(seg.stream, seg.dir);
        let mut buf = self.tcp.remove(&key).unwrap_or_default();
        if seg.gap {
            buf.clear();
        }
        let fresh = buf.is_empty();
        let base = buf.len();
        buf.extend_from_slice(seg.payload);
        let mut msgs = Vec::new();
        let mut start = 0;
        while buf.len() - start >= TCP_PREFIX {
            let len = u16::from_be_bytes([buf[start], buf[start + 1]]);
            let end = start + TCP_PREFIX + usize::from(len);
            if end > buf.len() {
                break;
            }
            let body = start + TCP_PREFIX;
            let in_frame = (fresh || start >= base).then(|| offset + body - base);
            let mut m = DnsMsg::decode(&buf[body..end], in_frame, Some(len), self.header_only);
            if in_frame.is_none() && !self.header_only {
                m.reassembled = buf[start..end].to_vec();
            }
            self.link(conv, &mut m, seg.frame, seg.time);
            msgs.push(m);
            start = end;
        }
        buf.drain(..start);
        let waiting = !buf.is_empty();
        if waiting {
            bounded_insert(&mut self.tcp, key, buf, MAX_PENDING_STREAMS);
        }
        (msgs, waiting)
    }

    /// Matches a query with its response.
    fn link(&mut self, conv: ConvKey, m: &mut DnsMsg, frame: u32, time: Nanos) {
        if m.error.as_ref().is_some_and(|e| e.offset < dns::HEADER_LEN) {
            // Not even a whole header: nothing to match.
            return;
        }
        let key = (conv, m.message.header.id);
        if !m.is_response() {
            match self.transactions.get(&key) {
                Some(t) if t.rep_frame == 0 && time - t.req_time < RETRANSMISSION_NS => {
                    self.retransmitted.insert(frame, t.req_frame);
                }
                _ => {
                    let t = Transaction { req_frame: frame, req_time: time, rep_frame: 0 };
                    bounded_insert(&mut self.transactions, key, t, MAX_TRANSACTIONS);
                }
            }
        } else if let Some(t) = self.transactions.get_mut(&key) {
            if t.rep_frame == 0 {
                t.rep_frame = frame;
                self.learned.insert(t.req_frame, frame);
            }
            // tshark stops at a malformed response before showing its link.
            if m.error.is_none() {
                m.response_to = Some((t.req_frame, time - t.req_time));
            }
        }
    }

    /// Adds what this pass learned to `facts`.
    pub fn learn_into(self, facts: &mut AppFacts) {
        for (q, first) in &self.retransmitted {
            if let Some(&r) = self.learned.get(first) {
                facts.dns_response_in.insert(*q, r);
            }
        }
        facts.dns_response_in.extend(self.learned);
    }
}

/// The kind of operation as tshark's Info column names it (RFC 1035 §4.1.1, RFC 1996, RFC 2136).
fn opcode_text(code: u8) -> Option<&'static str> {
    Some(match code {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        6 => "DNS Stateful operations (DSO)",
        _ => return None,
    })
}

/// tshark's Info text of a DNS message: `Standard query 0x1a2b A google.ca`,
/// `Standard query response 0x1a2b No such name A nosuch.com SOA ns.example`.
pub fn info(out: &mut impl fmt::Write, m: &DnsMsg) -> fmt::Result {
    if m.error.as_ref().is_some_and(|e| e.offset < dns::HEADER_LEN) {
        return out.write_str("[Malformed Packet]");
    }
    let h = &m.message.header;
    let code = h.flags.opcode.code();
    match opcode_text(code) {
        Some(t) => out.write_str(t)?,
        None => write!(out, "Unknown operation ({code})")?,
    }
    if h.flags.qr {
        out.write_str(" response")?;
    }
    write!(out, " 0x{:04x}", h.id)?;
    let rcode = h.flags.rcode;
    if h.flags.qr && rcode.code() != 0 {
        match rcode.mnemonic() {
            Some(t) => write!(out, " {t}")?,
            None => write!(out, " Unknown error ({})", rcode.code())?,
        }
    }
    for q in &m.message.questions {
        write!(out, " {} {}", q.qtype.name(), q.name.name.tshark())?;
        if m.mdns {
            let unicast = q.qclass.code() & MDNS_CLASS_BIT != 0;
            out.write_str(if unicast { ", \"QU\" question" } else { ", \"QM\" question" })?;
        }
    }
    // Answers only in responses; authority and additional records (EDNS's OPT,
    // an update's records) in queries too.
    let answers = if h.flags.qr { &m.message.answers[..] } else { &[] };
    for r in answers.iter().chain(&m.message.authorities).chain(&m.message.additionals) {
        record_summary(out, r, m.mdns)?;
    }
    if m.error.is_some() {
        out.write_str("[Malformed Packet]")?;
    }
    Ok(())
}

/// One record in the Info column: its type and the data tshark shows for it.
fn record_summary(out: &mut impl fmt::Write, r: &Record, mdns: bool) -> fmt::Result {
    write!(out, " {}", r.rtype.name())?;
    if mdns && r.rtype != RrType::Opt && r.class.code() & MDNS_CLASS_BIT != 0 {
        out.write_str(", cache flush")?;
    }
    match &r.rdata {
        RData::A(a) => write!(out, " {a}"),
        RData::Aaaa(a) => write!(out, " {a}"),
        RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => write!(out, " {}", n.name.tshark()),
        RData::Mx { preference, exchange } => write!(out, " {preference} {}", exchange.name.tshark()),
        RData::Soa(soa) => write!(out, " {}", soa.mname.name.tshark()),
        RData::Raw(data) if r.rtype.code() == SRV => srv_summary(out, data),
        RData::Raw(_) => match raw_address(r) {
            Some(a) => write!(out, " {a}"),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The address of an A or AAAA record whose class kept its RDATA raw (mDNS's
/// cache-flush bit makes the class other than IN).
pub fn raw_address(r: &Record) -> Option<std::net::IpAddr> {
    let RData::Raw(data) = &r.rdata else { return None };
    match (r.rtype, data.len()) {
        (RrType::A, 4) => Some(std::net::Ipv4Addr::new(data[0], data[1], data[2], data[3]).into()),
        (RrType::Aaaa, 16) => {
            let mut b = [0u8; 16];
            b.copy_from_slice(data);
            Some(std::net::Ipv6Addr::from(b).into())
        }
        _ => None,
    }
}

/// SRV's type code (RFC 2782).
pub const SRV: u16 = 33;

/// SRV RDATA: priority, weight, port, target (uncompressed, RFC 2782).
fn srv_summary(out: &mut impl fmt::Write, data: &[u8]) -> fmt::Result {
    if data.len() < 7 {
        return Ok(());
    }
    let n = |i: usize| crate::proto::bytes::be16(data, i);
    write!(out, " {} {} {}", n(0), n(2), n(4))?;
    let mut target = String::new();
    let mut i = 6;
    while let Some(&len) = data.get(i) {
        if len == 0 {
            break;
        }
        let Some(label) = data.get(i + 1..i + 1 + usize::from(len)).filter(|_| len < 64) else { return Ok(()) };
        if !target.is_empty() {
            target.push('.');
        }
        dns::write_tshark_text(&mut target, label)?;
        i += 1 + usize::from(len);
    }
    if target.is_empty() {
        target.push_str("<Root>");
    }
    write!(out, " {target}")
}

/// The Info text as a string.
pub fn info_string(m: &DnsMsg) -> String {
    let mut s = String::with_capacity(64);
    let _ = info(&mut s, m);
    s
}

/// Every record of the three sections, in wire order.
pub fn records(m: &Message) -> impl Iterator<Item = &Record> {
    m.answers.iter().chain(&m.authorities).chain(&m.additionals)
}

/// The name of a record or question as tshark prints it.
pub fn name_text(n: &dns::NameField) -> String {
    let mut s = String::new();
    let _ = write!(s, "{}", n.name.tshark());
    s
}
