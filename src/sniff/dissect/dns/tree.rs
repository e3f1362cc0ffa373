//! DNS's block of the details tree (`-V`, `-T json`), in Wireshark's wording,
//! every field with its bytes (RFC 1035 §4.1, RFC 6891 §6 for OPT).

use crate::proto::dns::{
    Class, Edns, EdnsOption, Flags, Header, NameField, Question, RData, Record, RrType, Section, Soa, Span,
};
use crate::sniff::dissect::dns::{self, rdata as dns_rdata, DnsMsg, SRV, TCP_PREFIX};
use crate::sniff::packet::Packet;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::{Draft, Ftype, Group, Look, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt;

/// A record type with Wireshark's long name: `A (Host Address) (1)`.
fn type_text(t: RrType) -> String {
    format!("{} ({})", type_words(t), t.code())
}

/// A record type's name with Wireshark's long name: `NS (authoritative Name Server)`.
fn type_words(t: RrType) -> String {
    let long = match t.code() {
        1 => Some("Host Address"),
        28 => Some("IPv6 Address"),
        2 => Some("authoritative Name Server"),
        5 => Some("Canonical NAME for an alias"),
        6 => Some("Start Of a zone of Authority"),
        12 => Some("domain name PoinTeR"),
        15 => Some("Mail eXchange"),
        16 => Some("Text strings"),
        33 => Some("Server Selection"),
        44 => Some("SSH Key Fingerprint"),
        65 => Some("HTTPS Specific Service Endpoints"),
        252 => Some("transfer of an entire zone"),
        257 => Some("Certification Authority Restriction"),
        43 => Some("Delegation Signer"),
        46 => Some("Resource Record Signature"),
        47 => Some("Next Secure"),
        48 => Some("DNS Public Key"),
        dns_rdata::TSIG => Some("Transaction Signature"),
        _ => None,
    };
    match long {
        Some(l) => format!("{} ({l})", t.name()),
        None => t.name(),
    }
}

fn class_text(c: Class) -> String {
    let name = if c.code() == 1 { "IN".to_string() } else { c.to_string() };
    format!("{name} (0x{:04x})", c.code())
}

/// Where a DNS message's fields lie in the frame: the offset of its first byte
/// (spans count from there, RFC 1035 §4.1.4), when all of it lies in the frame.
#[derive(Clone, Copy)]
struct At(Option<usize>, Mdns, Llmnr);

/// Link-local Multicast Name Resolution (RFC 4795): its header flags differ
/// from DNS's (§2.1.1: C, TC, T).
#[derive(Clone, Copy)]
struct Llmnr(bool);

/// Multicast DNS (RFC 6762): the top bit of a class is a flag of its own.
#[derive(Clone, Copy)]
struct Mdns(bool);

impl At {
    /// `d` with the bytes of `span`, if the message lies in the frame.
    fn put<'t>(self, d: Draft<'t>, span: Span) -> Draft<'t> {
        match self.0 {
            Some(base) => d.bytes(base + span.start, span.len),
            None => d,
        }
    }
}

/// Length of the MX PREFERENCE field at the start of its RDATA (RFC 1035 §3.3.9).
const MX_PREFERENCE_LEN: usize = 2;
/// Offsets of the extended RCODE and the version in an OPT record's TTL (RFC 6891 §6.1.3).
const OPT_EXT_RCODE: usize = 0;
const OPT_VERSION: usize = 1;
/// Offset and length of an OPT record's flags in its TTL (RFC 6891 §6.1.4).
const OPT_FLAGS: usize = 2;
const OPT_FLAGS_LEN: usize = 2;

/// Where the flags word lies, and its value.
type Flagged<'f> = (At, Span, &'f Flags);

/// One flag of the flags word: its field, mask, value and `-V` text.
fn flag(out: &mut Tree, depth: usize, at: Flagged, bit: (&'static str, u16), text: &str) {
    let (at, span, f) = at;
    let (name, mask) = bit;
    let word = f.to_u16();
    let v = (word & mask) >> mask.trailing_zeros();
    let bits = crate::dns_view::fields::bit_pattern(word, mask);
    let d = out.at(depth);
    let d = if mask.count_ones() == 1 { d.field(name, Ftype::Boolean, v) } else { d.field(name, Ftype::Uint16, v) };
    at.put(d, span).mask(u64::from(mask), u64::from(v)).line(format_args!("{bits} = {text}"));
}

/// The flag lines, as Wireshark labels each bit.
fn flag_lines(f: &Flags, at: At, span: Span, depth: usize, out: &mut Tree) {
    let at: Flagged = (at, span, f);
    let pick = |b: bool, y: &'static str, n: &'static str| if b { y } else { n };
    let qr = pick(f.qr, "Message is a response", "Message is a query");
    flag(out, depth, at, ("dns.flags.response", Flags::QR), &format!("Response: {qr}"));
    let op = f.opcode.code();
    let text = format!("Opcode: {} ({op})", opcode_name(op));
    flag(out, depth, at, ("dns.flags.opcode", Flags::OPCODE), &text);
    if f.qr {
        let aa = pick(f.aa, "Server is an authority for domain", "Server is not an authority for domain");
        flag(out, depth, at, ("dns.flags.authoritative", Flags::AA), &format!("Authoritative: {aa}"));
    }
    let tc = pick(f.tc, "Message is truncated", "Message is not truncated");
    flag(out, depth, at, ("dns.flags.truncated", Flags::TC), &format!("Truncated: {tc}"));
    let rd = pick(f.rd, "Do query recursively", "Don't do query recursively");
    flag(out, depth, at, ("dns.flags.recdesired", Flags::RD), &format!("Recursion desired: {rd}"));
    if f.qr {
        let ra = pick(f.ra, "Server can do recursive queries", "Server can't do recursive queries");
        flag(out, depth, at, ("dns.flags.recavail", Flags::RA), &format!("Recursion available: {ra}"));
    }
    flag(out, depth, at, ("dns.flags.z", Flags::Z), &format!("Z: reserved ({})", u8::from(f.z)));
    if f.qr {
        let ad = pick(
            f.ad,
            "Answer/authority portion was authenticated by the server",
            "Answer/authority portion was not authenticated by the server",
        );
        flag(out, depth, at, ("dns.flags.authenticated", Flags::AD), &format!("Answer authenticated: {ad}"));
    } else if f.ad {
        // In a query Wireshark shows the AD bit only when it is set (RFC 6840 §5.7).
        flag(out, depth, at, ("dns.flags.authenticated", Flags::AD), "AD bit: Set");
    }
    let cd = pick(f.cd, "Acceptable", "Unacceptable");
    flag(out, depth, at, ("dns.flags.checkdisable", Flags::CD), &format!("Non-authenticated data: {cd}"));
    if f.qr {
        let code = f.rcode.code();
        let name = f.rcode.mnemonic().unwrap_or("Unknown");
        flag(out, depth, at, ("dns.flags.rcode", Flags::RCODE), &format!("Reply code: {name} ({code})"));
    }
}

/// LLMNR's flag lines (RFC 4795 §2.1.1): QR, OPCODE, C (conflict), TC, T
/// (tentative), and in a response RCODE, as Wireshark labels them.
fn llmnr_flag_lines(f: &Flags, at: At, span: Span, out: &mut Tree) {
    let at: Flagged = (at, span, f);
    let pick = |b: bool, y: &'static str, n: &'static str| if b { y } else { n };
    let qr = pick(f.qr, "Message is a response", "Message is a query");
    flag(out, 2, at, ("dns.flags.response", Flags::QR), &format!("Response: {qr}"));
    let op = f.opcode.code();
    flag(out, 2, at, ("dns.flags.opcode", Flags::OPCODE), &format!("Opcode: {} ({op})", opcode_name(op)));
    // The C bit sits where DNS has AA.
    let c = if f.qr {
        pick(f.aa, "The name is not considered unique", "The name is considered unique")
    } else {
        pick(f.aa, "The sender received multiple responses", "None")
    };
    flag(out, 2, at, ("dns.flags.conflict", Flags::AA), &format!("Conflict: {c}"));
    let tc = pick(f.tc, "Message is truncated", "Message is not truncated");
    flag(out, 2, at, ("dns.flags.truncated", Flags::TC), &format!("Truncated: {tc}"));
    // The T bit sits where DNS has RD.
    let t = pick(f.rd, "Tentative", "Not tentative");
    flag(out, 2, at, ("dns.flags.tentative", Flags::RD), &format!("Tentative: {t}"));
    if f.qr {
        let code = f.rcode.code();
        let name = f.rcode.mnemonic().unwrap_or("Unknown");
        flag(out, 2, at, ("dns.flags.rcode", Flags::RCODE), &format!("Reply code: {name} ({code})"));
    }
}

fn opcode_name(op: u8) -> &'static str {
    match op {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        _ => "Unknown",
    }
}

/// Where a message lies in the frame, if all of it does (not in an IPv4
/// datagram reassembled from fragments, whose bytes are no frame's).
fn message_at(p: &Packet<'_>, m: &DnsMsg) -> At {
    let base = m.offset.filter(|&o| p.d.reassembled.is_none() && o.saturating_add(m.len) <= p.data.len());
    At(base, Mdns(m.mdns), Llmnr(m.llmnr))
}

/// Where a message lies: in the frame, or (over TCP, reassembled from several
/// segments) after its length prefix in a data source of its own, as tshark's
/// `Reassembled TCP`.
fn message_source(out: &mut Tree, p: &Packet<'_>, m: &DnsMsg) -> At {
    if m.reassembled.is_empty() {
        return message_at(p, m);
    }
    out.push_source(format!("Reassembled TCP ({} bytes)", m.reassembled.len()), m.reassembled.clone());
    At(Some(TCP_PREFIX), Mdns(m.mdns), Llmnr(m.llmnr))
}

pub fn build(out: &mut Tree, p: &Packet<'_>, m: &DnsMsg) {
    let at = message_source(out, p, m);
    build_at(out, at, m);
}

/// The block of a message another protocol carries (DNS over HTTPS): at
/// [`DnsMsg::offset`] of the current data source, or without bytes.
pub fn build_message(out: &mut Tree, m: &DnsMsg) {
    build_at(out, At(m.offset, Mdns(m.mdns), Llmnr(m.llmnr)), m);
}

/// The block of a message whose bytes lie where `at` says.
fn build_at(out: &mut Tree, at: At, m: &DnsMsg) {
    let msg = &m.message;
    let h = &msg.header;
    let kind = if h.flags.qr { "response" } else { "query" };
    let prefix = if m.tcp_len.is_some() { TCP_PREFIX } else { 0 };
    let whole = At(at.0.and_then(|o| o.checked_sub(prefix)), at.1, at.2);
    let (proto, title) = match (m.mdns, m.llmnr) {
        (true, _) => ("mdns", "Domain Name System"),
        (_, true) => ("llmnr", "Link-local Multicast Name Resolution"),
        _ => ("dns", "Domain Name System"),
    };
    whole.put(out.at(0).proto(proto), Span::new(0, prefix + m.len)).line(format_args!("{title} ({kind})"));
    if let Some(len) = m.tcp_len {
        let d = out.at(1).field("dns.length", Ftype::Uint16, len);
        whole.put(d, Span::new(0, TCP_PREFIX)).line(format_args!("Length: {len}"));
    }
    header(out, at, h);
    if !msg.questions.is_empty() {
        out.text(1, format_args!("Queries"));
        msg.questions.iter().for_each(|q| question(out, at, q));
    }
    for section in [Section::Answer, Section::Authority, Section::Additional] {
        let records = msg.section(section);
        if !records.is_empty() {
            out.text(1, format_args!("{}", section.title()));
            records.iter().for_each(|r| record(out, at, r));
        }
    }
    links(out, m);
    if let Some((start, bytes)) = &m.extraneous {
        extraneous(out, at, *start, bytes);
    }
    out.use_frame();
    if let Some(e) = &m.error {
        out.at(0).look(Look::Bad).line(format_args!("[Malformed Packet: DNS {e}]"));
    }
}
/// Bytes after the last record, and tshark's expert about them (which its `-V`
/// does not show).
fn extraneous(out: &mut Tree, at: At, start: usize, bytes: &[u8]) {
    let len = bytes.len();
    out.text(1, format_args!("Extraneous Data ({len} bytes)"));
    let d = out.at(2).field("dns.extraneous.data", Ftype::Bytes, Mac(bytes));
    at.put(d, Span::new(start, len)).line(format_args!("Extraneous Data Bytes: {}", Hex(bytes)));
    out.at(2).field("dns.extraneous.length", Ftype::Uint32, len).line(format_args!("[Extraneous Data Length: {len}]"));
    let (severity, group) = (Severity::Note, Group::Undecoded);
    out.at(2).proto("_ws.expert").hidden();
    out.at(3).field("dns.extraneous", Ftype::None, "").hidden();
    out.at(3).field("_ws.expert.message", Ftype::String, "Extraneous data").hidden();
    out.at(3).field("_ws.expert.severity", Ftype::Uint32, severity.code()).hidden();
    out.at(3).field("_ws.expert.group", Ftype::Uint32, group.code()).hidden();
}

/// The header fields (RFC 1035 §4.1.1).
fn header(out: &mut Tree, at: At, h: &Header) {
    let sp = &h.spans;
    let d = out.at(1).field("dns.id", Ftype::Uint16, Value::hex16(h.id));
    at.put(d, sp.id).line(format_args!("Transaction ID: 0x{:04x}", h.id));
    let summary = if h.flags.qr {
        format!(
            "{} response, {}",
            opcode_name(h.flags.opcode.code()),
            h.flags.rcode.mnemonic().unwrap_or("Unknown error")
        )
    } else {
        opcode_name(h.flags.opcode.code()).to_string()
    };
    let word = h.flags.to_u16();
    let d = out.at(1).field("dns.flags", Ftype::Uint16, Value::hex16(word));
    at.put(d, sp.flags).line(format_args!("Flags: 0x{word:04x} {summary}"));
    if at.2 .0 {
        llmnr_flag_lines(&h.flags, at, sp.flags, out);
    } else {
        flag_lines(&h.flags, at, sp.flags, 2, out);
    }
    let counts = [
        ("dns.count.queries", "Questions", h.qdcount, sp.qdcount),
        ("dns.count.answers", "Answer RRs", h.ancount, sp.ancount),
        ("dns.count.auth_rr", "Authority RRs", h.nscount, sp.nscount),
        ("dns.count.add_rr", "Additional RRs", h.arcount, sp.arcount),
    ];
    for (name, title, n, span) in counts {
        at.put(out.at(1).field(name, Ftype::Uint16, n), span).line(format_args!("{title}: {n}"));
    }
}

/// A question (RFC 1035 §4.1.2).
fn question(out: &mut Tree, at: At, q: &Question) {
    let name = dns::name_text(&q.name);
    let class = if q.qclass.code() == 1 { "IN".to_string() } else { q.qclass.to_string() };
    out.text(2, format_args!("{name}: type {}, class {class}", q.qtype.name()));
    let span = q.name.span;
    at.put(out.at(3).field("dns.qry.name", Ftype::String, &name), span).line(format_args!("Name: {name}"));
    let len = if q.name.name.is_root() { ROOT_TEXT_LEN } else { name.len() };
    let d = out.at(3).field("dns.qry.name.len", Ftype::Uint16, len);
    at.put(d, span).line(format_args!("[Name Length: {len}]"));
    // tshark counts the root as one label.
    let labels = q.name.name.label_count().max(1);
    let d = out.at(3).field("dns.count.labels", Ftype::Uint16, labels);
    at.put(d, span).line(format_args!("[Label Count: {labels}]"));
    let d = out.at(3).field("dns.qry.type", Ftype::Uint16, q.qtype.code());
    at.put(d, q.qtype_span).line(format_args!("Type: {}", type_text(q.qtype)));
    class_field(out, at, "dns.qry.class", q.qclass, q.qclass_span);
}

/// A question's or record's class; in mDNS its low 15 bits (the top bit asks
/// for a unicast response or flushes caches, RFC 6762 §5.4, §10.2).
fn class_field(out: &mut Tree, at: At, field: &'static str, c: Class, span: Span) {
    let code = c.code();
    let d = if at.1 .0 {
        let bits = code & !dns::MDNS_CLASS_BIT;
        out.at(3).field(field, Ftype::Uint16, Value::hex16(bits)).mask(u64::from(!dns::MDNS_CLASS_BIT), u64::from(bits))
    } else {
        out.at(3).field(field, Ftype::Uint16, Value::hex16(code))
    };
    at.put(d, span).line(format_args!("Class: {}", class_text(c)));
}

/// Length of `<Root>`, the name tshark gives the root.
const ROOT_TEXT_LEN: usize = 6;

/// A name field of a record: its text as tshark writes it, at its own bytes.
fn name_field(out: &mut Tree, at: At, field: &'static str, n: &NameField, title: &str) {
    let text = dns::name_text(n);
    at.put(out.at(3).field(field, Ftype::String, &text), n.span).line(format_args!("{title}: {text}"));
}

/// A 32-bit number of a record at `span`.
fn u32_field(out: &mut Tree, at: At, field: &'static str, v: u32, span: Span, text: fmt::Arguments<'_>) {
    at.put(out.at(3).field(field, Ftype::Uint32, v), span).line(text);
}

/// A 16-bit number of a record at `span`.
fn u16_field(out: &mut Tree, at: At, field: &'static str, v: u16, span: Span, text: fmt::Arguments<'_>) {
    at.put(out.at(3).field(field, Ftype::Uint16, v), span).line(text);
}

/// An OPT pseudo-record (RFC 6891 §6.1.2): CLASS is the UDP payload size, TTL
/// the extended RCODE, the version and flags.
fn opt_record(out: &mut Tree, at: At, r: &Record, e: &Edns) {
    let name = dns::name_text(&r.name);
    out.text(2, format_args!("{name}: type OPT"));
    name_field(out, at, "dns.resp.name", &r.name, "Name");
    let sp = &r.spans;
    u16_field(out, at, "dns.resp.type", r.rtype.code(), sp.rtype, format_args!("Type: {}", type_text(r.rtype)));
    let size = e.udp_payload_size;
    u16_field(out, at, "dns.rr.udp_payload_size", size, sp.class, format_args!("UDP payload size: {size}"));
    let rcode = Value::Hex { value: u64::from(e.ext_rcode), digits: 2 };
    let d = out.at(3).field("dns.resp.ext_rcode", Ftype::Uint8, rcode);
    let span = Span::new(sp.ttl.start + OPT_EXT_RCODE, 1);
    at.put(d, span).line(format_args!("Higher bits in extended RCODE: 0x{:02x}", e.ext_rcode));
    let d = out.at(3).field("dns.resp.edns0_version", Ftype::Uint8, e.version);
    let span = Span::new(sp.ttl.start + OPT_VERSION, 1);
    at.put(d, span).line(format_args!("EDNS0 version: {}", e.version));
    opt_flags(out, at, r.ttl, Span::new(sp.ttl.start + OPT_FLAGS, OPT_FLAGS_LEN));
    u16_field(out, at, "dns.resp.len", r.rdlength, sp.rdlength, format_args!("Data length: {}", r.rdlength));
    // Only COOKIE is decoded: with another option beside it, none is shown
    // (the dns.opt fields would lack that option's occurrences).
    if let RData::Opt(options) = &r.rdata {
        if options.iter().all(|o| o.code == COOKIE) {
            options.iter().for_each(|o| cookie(out, at, o));
        }
    }
}

/// The COOKIE option's code (RFC 7873 §4).
const COOKIE: u16 = 10;
/// Length of an option's code and length fields (RFC 6891 §6.1.2).
const OPTION_HEADER: usize = 4;
/// Length of a client cookie (RFC 7873 §4).
const CLIENT_COOKIE_LEN: usize = 8;

/// A COOKIE option (RFC 7873 §4): the client cookie and the server's, if any.
fn cookie(out: &mut Tree, at: At, o: &EdnsOption) {
    let d = out.at(3).field("dns.opt", Ftype::None, "");
    at.put(d, o.span).line(format_args!("Option: COOKIE"));
    let code = Span::new(o.span.start, 2);
    u16_field_at(out, at, 4, ("dns.opt.code", o.code, code), format_args!("Option Code: COOKIE ({})", o.code));
    let len = o.data.len() as u16;
    let span = Span::new(o.span.start + 2, 2);
    u16_field_at(out, at, 4, ("dns.opt.len", len, span), format_args!("Option Length: {len}"));
    let data = Span::new(o.span.start + OPTION_HEADER, o.data.len());
    let d = out.at(4).field("dns.opt.data", Ftype::Bytes, Mac(&o.data));
    at.put(d, data).line(format_args!("Option Data: {}", Hex(&o.data)));
    let (client, server) = o.data.split_at(o.data.len().min(CLIENT_COOKIE_LEN));
    let d = out.at(4).field("dns.opt.cookie.client", Ftype::Bytes, Mac(client));
    let text = format_args!("Client Cookie: {}", Hex(client));
    at.put(d, Span::new(data.start, client.len())).line(text);
    if server.is_empty() {
        out.at(4).field("dns.opt.cookie.server", Ftype::Bytes, "").line(format_args!("Server Cookie: <MISSING>"));
        return;
    }
    let d = out.at(4).field("dns.opt.cookie.server", Ftype::Bytes, Mac(server));
    let span = Span::new(data.start + client.len(), server.len());
    at.put(d, span).line(format_args!("Server Cookie: {}", Hex(server)));
}

/// A 16-bit field at `depth`: (name, value, span).
fn u16_field_at(out: &mut Tree, at: At, depth: usize, f: (&'static str, u16, Span), text: fmt::Arguments<'_>) {
    at.put(out.at(depth).field(f.0, Ftype::Uint16, f.1), f.2).line(text);
}

/// The DO bit of an OPT record's flags (RFC 3225 §3).
const OPT_DO: u16 = 0x8000;

/// The flags of an OPT record (the low 16 bits of its TTL): DO and the rest.
fn opt_flags(out: &mut Tree, at: At, ttl: u32, span: Span) {
    let z = ttl as u16;
    let d = out.at(3).field("dns.resp.z", Ftype::Uint16, Value::hex16(z));
    at.put(d, span).line(format_args!("Z: 0x{z:04x}"));
    let bits = |mask: u16| crate::dns_view::fields::bit_pattern(z, mask);
    let dnssec = z & OPT_DO != 0;
    let text = if dnssec { "Accepts DNSSEC security RRs" } else { "Cannot handle DNSSEC security RRs" };
    let d = out.at(4).field("dns.resp.z.do", Ftype::Boolean, u8::from(dnssec));
    at.put(d, span).mask(u64::from(OPT_DO), u64::from(dnssec)).line(format_args!("{} = DO bit: {text}", bits(OPT_DO)));
    let rest = z & !OPT_DO;
    let d = out.at(4).field("dns.resp.z.reserved", Ftype::Uint16, Value::hex16(rest));
    let d = at.put(d, span).mask(u64::from(!OPT_DO), u64::from(rest));
    d.line(format_args!("{} = Reserved: 0x{rest:04x}", bits(!OPT_DO)));
}

/// A resource record (RFC 1035 §4.1.3) and its RDATA.
fn record(out: &mut Tree, at: At, r: &Record) {
    if let Some(e) = r.edns() {
        return opt_record(out, at, r, &e);
    }
    let name = dns::name_text(&r.name);
    let class = if r.class.code() == 1 { "IN".to_string() } else { r.class.to_string() };
    let data = match &r.rdata {
        RData::A(a) => format!(", addr {a}"),
        RData::Aaaa(a) => format!(", addr {a}"),
        RData::Ns(n) => format!(", ns {}", dns::name_text(n)),
        RData::Cname(n) => format!(", cname {}", dns::name_text(n)),
        RData::Ptr(n) => format!(", {}", dns::name_text(n)),
        RData::Mx { preference, exchange } => format!(", preference {preference}, mx {}", dns::name_text(exchange)),
        RData::Soa(s) => format!(", mname {}", dns::name_text(&s.mname)),
        _ => String::new(),
    };
    out.text(2, format_args!("{name}: type {}, class {class}{data}", r.rtype.name()));
    if r.rtype.code() == SRV {
        // tshark names an SRV owner with dns.srv.* fields (RFC 2782 service, proto, name).
        out.text(3, format_args!("Name: {name}"));
    } else {
        name_field(out, at, "dns.resp.name", &r.name, "Name");
    }
    let sp = &r.spans;
    u16_field(out, at, "dns.resp.type", r.rtype.code(), sp.rtype, format_args!("Type: {}", type_text(r.rtype)));
    class_field(out, at, "dns.resp.class", r.class, sp.class);
    let ttl = format_args!("Time to live: {} ({})", r.ttl, duration_words(r.ttl));
    u32_field(out, at, "dns.resp.ttl", r.ttl, sp.ttl, ttl);
    u16_field(out, at, "dns.resp.len", r.rdlength, sp.rdlength, format_args!("Data length: {}", r.rdlength));
    rdata(out, at, r);
}

/// The RDATA fields of the types socklab decodes (RFC 1035 §3.3, §3.4; RFC 3596).
fn rdata(out: &mut Tree, at: At, r: &Record) {
    let span = r.spans.rdata;
    match &r.rdata {
        RData::A(a) => at.put(out.at(3).field("dns.a", Ftype::Ipv4, a), span).line(format_args!("Address: {a}")),
        RData::Aaaa(a) => {
            at.put(out.at(3).field("dns.aaaa", Ftype::Ipv6, a), span).line(format_args!("AAAA Address: {a}"))
        }
        RData::Ns(n) => name_field(out, at, "dns.ns", n, "Name Server"),
        RData::Cname(n) => name_field(out, at, "dns.cname", n, "CNAME"),
        RData::Ptr(n) => name_field(out, at, "dns.ptr.domain_name", n, "Domain Name"),
        RData::Mx { preference, exchange } => {
            let pref = Span::new(span.start, MX_PREFERENCE_LEN);
            u16_field(out, at, "dns.mx.preference", *preference, pref, format_args!("Preference: {preference}"));
            name_field(out, at, "dns.mx.mail_exchange", exchange, "Mail Exchange");
        }
        RData::Soa(s) => soa(out, at, s),
        RData::Raw(b) if r.rtype.code() == dns_rdata::TSIG => {
            if let Some(t) = dns_rdata::tsig(b) {
                tsig(out, at, span.start, &t);
            }
        }
        RData::Raw(b) => type_bitmaps(out, at, r.rtype.code(), b, span.start),
        _ => {}
    }
}

/// The types an NSEC or NSEC3 record's bit maps list, each on the byte holding
/// its bit, as tshark's `dns.resp.type` (RFC 4034 §4.1.2, RFC 5155 §3.2).
fn type_bitmaps(out: &mut Tree, at: At, rtype: u16, rdata: &[u8], start: usize) {
    for t in dns_rdata::bitmap_types(rtype, rdata) {
        let words = type_words(RrType::from(t.rtype));
        let d = out.at(3).field("dns.resp.type", Ftype::Uint16, t.rtype);
        at.put(d, Span::new(start + t.at, 1)).line(format_args!("RR type in bit map: {words}"));
    }
}

/// A TSIG record's RDATA (RFC 8945 §4.2); tshark has no dissector for any MAC
/// algorithm and says so. The time signed is left out.
fn tsig(out: &mut Tree, at: At, start: usize, t: &dns_rdata::Tsig) {
    let span = |(o, len): dns_rdata::At| Span::new(start + o, len);
    let (alg, alg_at) = (&t.algorithm.0, t.algorithm.1);
    let d = out.at(3).field("dns.tsig.algorithm_name", Ftype::String, alg);
    at.put(d, span(alg_at)).line(format_args!("Algorithm Name: {alg}"));
    let (fudge, size) = (t.fudge.0, t.mac_size.0);
    u16_field(out, at, "dns.tsig.fudge", fudge, span(t.fudge.1), format_args!("Fudge: {fudge}"));
    u16_field(out, at, "dns.tsig.mac_size", size, span(t.mac_size.1), format_args!("MAC Size: {size}"));
    at.put(out.at(3).field("dns.tsig.mac", Ftype::None, ""), span(t.mac)).line(format_args!("MAC"));
    let message = format!("No dissector for algorithm:{alg}");
    out.expert(4, "dns.tsig.noalg", Severity::Warning, Group::Undecoded, &message);
    let id = t.original_id.0;
    u16_field(out, at, "dns.tsig.original_id", id, span(t.original_id.1), format_args!("Original Id: {id}"));
    let error = t.error.0;
    let words = crate::proto::dns::Rcode::from(error).mnemonic().unwrap_or("Unknown");
    u16_field(out, at, "dns.tsig.error", error, span(t.error.1), format_args!("Error: {words} ({error})"));
    let other = t.other_len.0;
    u16_field(out, at, "dns.tsig.other_len", other, span(t.other_len.1), format_args!("Other Len: {other}"));
}

/// SOA's RDATA (RFC 1035 §3.3.13).
fn soa(out: &mut Tree, at: At, s: &Soa) {
    name_field(out, at, "dns.soa.mname", &s.mname, "Primary name server");
    name_field(out, at, "dns.soa.rname", &s.rname, "Responsible authority's mailbox");
    let [serial, refresh, retry, expire, minimum] = s.number_spans;
    u32_field(out, at, "dns.soa.serial_number", s.serial, serial, format_args!("Serial Number: {}", s.serial));
    let times = [
        ("dns.soa.refresh_interval", "Refresh Interval", s.refresh, refresh),
        ("dns.soa.retry_interval", "Retry Interval", s.retry, retry),
        ("dns.soa.expire_limit", "Expire limit", s.expire, expire),
        ("dns.soa.minimum_ttl", "Minimum TTL", s.minimum, minimum),
    ];
    for (field, title, v, span) in times {
        u32_field(out, at, field, v, span, format_args!("{title}: {v} ({})", duration_words(v)));
    }
}

/// The query ↔ response links (generated fields).
fn links(out: &mut Tree, m: &DnsMsg) {
    if let Some(f) = m.response_in {
        out.at(1).field("dns.response_in", Ftype::Framenum, f).line(format_args!("[Response In: {f}]"));
    }
    if let Some((f, t)) = m.response_to {
        out.at(1).field("dns.response_to", Ftype::Framenum, f).line(format_args!("[Request In: {f}]"));
        let t = Value::Seconds(t);
        out.at(1).field("dns.time", Ftype::RelativeTime, &t).line(format_args!("[Time: {t} seconds]"));
    }
}

/// Seconds in words as Wireshark writes a TTL: `4 minutes, 20 seconds`.
pub(crate) fn duration_words(secs: u32) -> String {
    if secs == 0 {
        return "0 seconds".to_string();
    }
    let parts = [(secs / 86_400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::{duration_words, type_text, type_words, RrType};
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::dissect::testing::{fields, find, tree_of_frame};

    #[test]
    fn record_types_with_wiresharks_long_names() {
        // As tshark -V writes them on the corpus (dns_axfr, dns-edns-ecs, http1…).
        assert_eq!(type_text(RrType::from(252)), "AXFR (transfer of an entire zone) (252)");
        assert_eq!(type_text(RrType::from(46)), "RRSIG (Resource Record Signature) (46)");
        assert_eq!(type_text(RrType::from(33)), "SRV (Server Selection) (33)");
        assert_eq!(type_text(RrType::from(50)), "NSEC3 (50)");
        assert_eq!(type_words(RrType::from(51)), "NSEC3PARAM");
        assert_eq!(type_words(RrType::from(65534)), "Unknown (65534)");
    }

    #[test]
    fn ttl_in_words_as_wireshark() {
        assert_eq!(duration_words(14_400), "4 hours");
        assert_eq!(duration_words(260), "4 minutes, 20 seconds");
        assert_eq!(duration_words(1), "1 second");
        assert_eq!(duration_words(0), "0 seconds");
        assert_eq!(duration_words(90_061), "1 day, 1 hour, 1 minute, 1 second");
    }

    /// A DNS query for `ab.cd` (ID 0x1a2b, RD) over UDP port 53, as a raw IPv4 packet.
    const DNS_QUERY: [u8; 51] = [
        0x45, 0, 0, 51, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
        0xc0, 0x01, 0, 53, 0, 31, 0, 0, // UDP 49153 → 53
        0x1a, 0x2b, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, // DNS header
        2, b'a', b'b', 2, b'c', b'd', 0, 0, 1, 0, 1, // ab.cd A IN
    ];

    /// wikipedia.pcap (Zeek's traces) frame 121: an LLMNR query (UDP 5355) for BRWC0CB383D1F42.
    const LLMNR_QUERY: [u8; 75] = [
        0x01, 0x00, 0x5e, 0x00, 0x00, 0xfc, 0xf0, 0x4d, 0xa2, 0x47, 0xba, 0x25, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3d,
        0x7e, 0x1e, 0x00, 0x00, 0x01, 0x11, 0xf0, 0x24, 0x8d, 0x8e, 0xdc, 0xe2, 0xe0, 0x00, 0x00, 0xfc, 0xd7, 0x5b,
        0x14, 0xeb, 0x00, 0x29, 0xcb, 0xc5, 0x46, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0f, 0x42, 0x52, 0x57, 0x43, 0x30, 0x43, 0x42, 0x33, 0x38, 0x33, 0x44, 0x31, 0x46, 0x34, 0x32, 0x00, 0x00,
        0x01, 0x00, 0x01,
    ];

    #[test]
    fn llmnr_is_dns_under_its_own_name_and_flags() {
        let tree = tree_of_frame(LinkType::Ethernet, &LLMNR_QUERY);
        let text: String = tree.items().iter().map(|i| format!("{}\n", tree.display(i))).collect();
        assert!(
            text.contains(
                "Link-local Multicast Name Resolution (query)\nTransaction ID: 0x4620\nFlags: 0x0000 Standard query\n"
            ),
            "{text}"
        );
        assert!(text.contains(".... .0.. .... .... = Conflict: None\n.... ..0. .... .... = Truncated: Message is not truncated\n.... ...0 .... .... = Tentative: Not tentative\n"), "{text}");
        let f = fields(LinkType::Ethernet, &LLMNR_QUERY);
        assert_eq!(find(&f, "dns.flags.tentative"), [("0", Some((44, 2)))]);
        assert_eq!(find(&f, "dns.qry.name"), [("BRWC0CB383D1F42", Some((54, 17)))]);
    }

    #[test]
    fn dns_fields_have_their_frame_bytes() {
        let f = fields(LinkType::Raw, &DNS_QUERY);
        assert_eq!(find(&f, "dns"), [("", Some((28, 23)))]);
        assert_eq!(find(&f, "dns.id"), [("0x1a2b", Some((28, 2)))]);
        assert_eq!(find(&f, "dns.flags"), [("0x0100", Some((30, 2)))]);
        assert_eq!(find(&f, "dns.flags.recdesired"), [("1", Some((30, 2)))]);
        assert_eq!(find(&f, "dns.flags.authenticated"), [], "a query's AD bit only when set");
        assert_eq!(find(&f, "dns.qry.name"), [("ab.cd", Some((40, 7)))]);
        assert_eq!(find(&f, "dns.count.labels"), [("2", Some((40, 7)))]);
        assert_eq!(find(&f, "dns.qry.type"), [("1", Some((47, 2)))]);
        assert_eq!(find(&f, "dns.qry.class"), [("0x0001", Some((49, 2)))]);
        let tree = tree_of_frame(LinkType::Raw, &DNS_QUERY);
        let rd = tree.items().iter().find(|i| i.field == "dns.flags.recdesired").unwrap();
        assert_eq!((rd.bitmask, rd.bits), (0x0100, 1));
    }

    /// `query` with its IPv4 and UDP lengths grown by `extra` bytes appended.
    fn grown(query: &[u8], extra: &[u8]) -> Vec<u8> {
        let mut p = query.to_vec();
        p.extend(extra);
        p[3] += extra.len() as u8;
        p[25] += extra.len() as u8;
        p
    }

    #[test]
    fn bytes_after_the_last_record_are_extraneous_data() {
        // chrissanders dns_axfr.pcapng frame 6: an AXFR query followed by "MS".
        let f = fields(LinkType::Raw, &grown(&DNS_QUERY, b"MS"));
        assert_eq!(find(&f, "dns.extraneous.data"), [("4d:53", Some((51, 2)))]);
        assert_eq!(find(&f, "dns.extraneous.length"), [("2", None)]);
        assert_eq!(find(&f, "_ws.expert.message"), [("Extraneous data", None)]);
        assert_eq!(find(&f, "_ws.expert.severity"), [("4194304", None)]);
    }

    #[test]
    fn nsec3_type_bit_map_gives_one_type_field_per_bit() {
        // One authority NSEC3 record (zeek dns-edns-ecs.pcap): no salt, a 1-byte
        // hash, window 0 with NS and SOA.
        let mut q = DNS_QUERY;
        q[30] = 0x81; // a response
        q[37] = 1; // one authority record
        let rr = [0, 0, 50, 0, 1, 0, 0, 0, 60, 0, 10, 1, 1, 0, 0, 0, 1, 0xaa, 0, 1, 0x22];
        let f = fields(LinkType::Raw, &grown(&q, &rr));
        let want = [("50", Some((52, 2))), ("2", Some((71, 1))), ("6", Some((71, 1)))];
        assert_eq!(find(&f, "dns.resp.type"), want);
    }

    #[test]
    fn tsig_says_no_dissector_for_its_algorithm() {
        // zeek dns-edns-ecs.pcap frame 8: a TSIG additional record, hmac-sha256.
        let mut q = DNS_QUERY;
        q[39] = 1; // one additional record
        let mut rr = vec![0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 24];
        rr.extend(b"\x04hmac\x00");
        rr.extend([0, 0, 0x57, 0x3c, 0x36, 0xc6, 1, 0x2c, 0, 2, 0xab, 0xcd, 0x1e, 0x6c, 0, 0, 0, 0]);
        let f = fields(LinkType::Raw, &grown(&q, &rr));
        assert_eq!(find(&f, "dns.tsig.algorithm_name"), [("hmac", Some((62, 6)))]);
        assert_eq!(find(&f, "dns.tsig.mac"), [("", Some((78, 2)))]);
        assert_eq!(find(&f, "dns.tsig.original_id"), [("7788", Some((80, 2)))]);
        assert_eq!(find(&f, "_ws.expert.message"), [("No dissector for algorithm:hmac", None)]);
    }
}
