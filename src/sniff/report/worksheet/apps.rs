//! The UDP, DNS, HTTP and ICMP questions of a lab worksheet, from a full
//! two-pass decode of the capture (the same pipeline as `socklab read -2`, so
//! every number is the one tshark shows).

use crate::error::Error;
use crate::proto::dns::{Message, RData, Record};
use crate::sniff::app::{App, HttpMsg};
use crate::sniff::dissect::icmp::names;
use crate::sniff::packet::Transport;
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::report::{open, secs};
use serde::Serialize;
use std::path::Path;

/// UDP header fields of one datagram (RFC 768).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UdpDatagram {
    /// `frame.number`.
    pub frame: u32,
    /// `udp.srcport`.
    pub src_port: u16,
    /// `udp.dstport`.
    pub dst_port: u16,
    /// `udp.length`: header (8 bytes) plus payload.
    pub length: u16,
    /// `udp.checksum`.
    pub checksum: String,
    /// Payload bytes in the frame.
    pub payload: usize,
    /// Whether `length` = 8 + payload.
    pub length_ok: bool,
}

/// A DNS resource record as the worksheet lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DnsRecord {
    /// Owner name.
    pub name: String,
    /// Type mnemonic.
    pub rtype: String,
    /// TTL, seconds.
    pub ttl: u32,
    /// The data: an address, a name, or the type's text.
    pub data: String,
}

/// One DNS message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DnsMessage {
    /// `frame.number`.
    pub frame: u32,
    /// `dns.flags.response`.
    pub response: bool,
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// `dns.id`.
    pub id: u16,
    /// `dns.flags.authoritative` (responses only).
    pub authoritative: Option<bool>,
    /// `dns.flags.rcode` mnemonic.
    pub rcode: String,
    /// `dns.count.queries`, `answers`, `auth_rr`, `add_rr`.
    pub counts: [u16; 4],
    /// Questions: name and type.
    pub questions: Vec<(String, String)>,
    /// Answer records.
    pub answers: Vec<DnsRecord>,
}

/// One HTTP message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpMessage {
    /// `frame.number` (the frame completing the message).
    pub frame: u32,
    /// `tcp.stream`.
    pub stream: Option<u32>,
    /// Request (else response).
    pub request: bool,
    /// `http.request.version` or `http.response.version`.
    pub version: String,
    /// `http.request.method`.
    pub method: Option<String>,
    /// `http.request.uri`.
    pub uri: Option<String>,
    /// `http.response.code`.
    pub code: Option<u16>,
    /// Conditional request: its If-Modified-Since or If-None-Match header.
    pub conditional: Option<String>,
    /// `http.content_length`.
    pub content_length: Option<u64>,
    /// Body bytes seen.
    pub body_bytes: usize,
    /// Whether the connection stays open after this message (RFC 9112 §9.3).
    pub keep_alive: bool,
}

/// An ICMP error and the datagram it quotes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IcmpError {
    /// `frame.number`.
    pub frame: u32,
    /// `frame.time_relative`.
    pub time: String,
    /// `icmp.type` / `icmpv6.type`.
    pub icmp_type: u8,
    /// `icmp.code`.
    pub code: u8,
    /// The type and code in words.
    pub meaning: String,
    /// Quoted datagram: protocol, source and destination `addr:port`.
    pub quoted: Option<String>,
}

/// The application-layer answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Apps {
    /// UDP datagrams (at most [`MAX_ROWS`]).
    pub udp: Vec<UdpDatagram>,
    /// DNS messages.
    pub dns: Vec<DnsMessage>,
    /// HTTP messages.
    pub http: Vec<HttpMessage>,
    /// ICMP errors.
    pub icmp: Vec<IcmpError>,
}

/// Most rows kept per section (a worksheet is for lab-sized traces).
pub const MAX_ROWS: usize = 64;

/// Decodes `file` twice (links learned first, as tshark -2) and collects the answers.
pub fn collect(file: &Path, bpf: Option<&str>) -> Result<Apps, Error> {
    let (mut cap, link) = open(file, bpf)?;
    let mut learn = Pipeline::learning(link, false);
    while let Some(f) = cap.next_frame()? {
        learn.learn(&f);
    }
    let facts: Facts = learn.into_facts();
    let (mut cap, link) = open(file, bpf)?;
    let mut pipe = Pipeline::new(link, facts);
    let mut out = Apps::default();
    while let Some(f) = cap.next_frame()? {
        let p = pipe.process(&f);
        if let Transport::Udp(u) = &p.d.transport {
            if out.udp.len() < MAX_ROWS {
                let payload = p.d.payload.len();
                out.udp.push(UdpDatagram {
                    frame: p.number,
                    src_port: u.sport,
                    dst_port: u.dport,
                    length: u.length,
                    checksum: format!("0x{:04x}", u.checksum),
                    payload,
                    length_ok: usize::from(u.length) == payload + 8,
                });
            }
        }
        if let Some(i) = icmp_error(&p) {
            if out.icmp.len() < MAX_ROWS {
                out.icmp.push(i);
            }
        }
        match &p.app {
            App::Dns(msgs) => {
                let (sport, dport) = ports(&p.d.transport);
                for m in msgs.iter().filter(|m| m.error.is_none()).take(MAX_ROWS - out.dns.len().min(MAX_ROWS)) {
                    out.dns.push(dns(p.number, sport, dport, &m.message));
                }
            }
            App::Http(h) if out.http.len() < MAX_ROWS => out.http.push(http(p.number, p.tcp.map(|t| t.stream), h)),
            _ => {}
        }
    }
    Ok(out)
}

fn ports(t: &Transport) -> (u16, u16) {
    match t {
        Transport::Udp(u) => (u.sport, u.dport),
        Transport::Tcp(h) => (h.sport, h.dport),
        _ => (0, 0),
    }
}

fn record(r: &Record) -> DnsRecord {
    let data = match &r.rdata {
        RData::A(a) => a.to_string(),
        RData::Aaaa(a) => a.to_string(),
        RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => n.name.tshark().to_string(),
        RData::Mx { preference, exchange } => format!("{preference} {}", exchange.name.tshark()),
        _ => format!("{} bytes", r.rdlength),
    };
    DnsRecord { name: r.name.name.tshark().to_string(), rtype: r.rtype.to_string(), ttl: r.ttl, data }
}

fn dns(frame: u32, sport: u16, dport: u16, m: &Message) -> DnsMessage {
    let h = &m.header;
    DnsMessage {
        frame,
        response: h.flags.qr,
        src_port: sport,
        dst_port: dport,
        id: h.id,
        authoritative: h.flags.qr.then_some(h.flags.aa),
        rcode: h.flags.rcode.to_string(),
        counts: [h.qdcount, h.ancount, h.nscount, h.arcount],
        questions: m.questions.iter().map(|q| (q.name.name.tshark().to_string(), q.qtype.to_string())).collect(),
        answers: m.answers.iter().map(record).collect(),
    }
}

fn header<'a>(h: &'a HttpMsg, name: &str) -> Option<&'a str> {
    h.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

fn http(frame: u32, stream: Option<u32>, h: &HttpMsg) -> HttpMessage {
    let conn = header(h, "connection").map(str::to_ascii_lowercase);
    // HTTP/1.1 keeps the connection unless told to close; 1.0 only when asked (RFC 9112 §9.3).
    let keep_alive = match conn.as_deref() {
        Some(c) if c.contains("close") => false,
        Some(c) if c.contains("keep-alive") => true,
        _ => h.version == "HTTP/1.1",
    };
    let conditional = ["if-modified-since", "if-none-match"]
        .iter()
        .find_map(|n| header(h, n).map(|v| format!("{n}: {v}")))
        .filter(|_| h.request);
    HttpMessage {
        frame,
        stream,
        request: h.request,
        version: h.version.clone(),
        method: h.request.then(|| h.method.clone()),
        uri: h.request.then(|| h.uri.clone()),
        code: (!h.request).then_some(h.code),
        conditional,
        content_length: header(h, "content-length").and_then(|v| v.trim().parse().ok()),
        body_bytes: h.body_len,
        keep_alive,
    }
}

/// ICMP types that report an error and quote the datagram that caused it
/// (RFC 792; RFC 4443 §3 for ICMPv6).
fn is_error(v6: bool, ty: u8) -> bool {
    if v6 {
        (1..=4).contains(&ty)
    } else {
        matches!(ty, 3 | 4 | 5 | 11 | 12)
    }
}

fn icmp_error(p: &crate::sniff::packet::Packet<'_>) -> Option<IcmpError> {
    let Transport::Icmp(i) = &p.d.transport else { return None };
    if !is_error(i.v6, i.ty) {
        return None;
    }
    let (ty_name, code_name) = if i.v6 {
        (names::v6_type_name(i.ty), names::v6_code_name(i.ty, i.code))
    } else {
        (names::type_name(i.ty), names::code_name(i.ty, i.code))
    };
    let meaning = code_name.map_or_else(|| ty_name.to_string(), |c| format!("{ty_name}: {c}"));
    let quoted = p.d.quoted.as_ref().and_then(|q| {
        let (s, d) = q.net.ip_addrs()?;
        let (proto, sp, dp) = match &q.transport {
            Transport::Udp(u) => ("UDP", u.sport, u.dport),
            Transport::Tcp(t) => ("TCP", t.sport, t.dport),
            _ => return Some(format!("IP {s} → {d}")),
        };
        let a = |ip, port| std::net::SocketAddr::new(ip, port).to_string();
        Some(format!("{proto} {} → {}", a(s, sp), a(d, dp)))
    });
    Some(IcmpError { frame: p.number, time: secs(p.rel), icmp_type: i.ty, code: i.code, meaning, quoted })
}
