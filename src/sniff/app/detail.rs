//! The DNS and HTTP blocks of the details tree (`-V`), in Wireshark's wording.

use super::dns::{self, DnsMsg, TCP_PREFIX};
use super::{App, HttpMsg};
use crate::proto::dns::{Class, Edns, Flags, Header, NameField, Question, RData, Record, RrType, Section, Soa, Span};
use crate::sniff::packet::Packet;
use crate::sniff::tree::{Draft, Ftype, Look, Tree};
use crate::sniff::value::Value;
use std::fmt;

fn line(out: &mut Tree, depth: usize, text: &str) {
    out.text(depth, format_args!("{text}"));
}

/// Writes the application block of a packet, if it has one.
pub fn tree(out: &mut Tree, p: &Packet<'_>) {
    match &p.app {
        App::Dns(msgs) => msgs.iter().for_each(|m| dns_tree(out, p, m)),
        App::Http(m) => http_tree(out, m),
        App::HttpContinuation => {
            line(out, 0, "Hypertext Transfer Protocol");
            line(out, 1, "File Data: continuation of a body");
        }
        App::HttpHeaderLines { head, body } => {
            line(out, 0, "Hypertext Transfer Protocol");
            line(out, 1, &format!("{head} bytes of lines that are not HTTP headers (no request or status line)"));
            if *body > 0 {
                line(out, 1, &format!("File Data: {body} bytes"));
            }
        }
        _ => {}
    }
}

/// A record type with Wireshark's long name: `A (Host Address) (1)`.
fn type_text(t: RrType) -> String {
    let long = match t {
        RrType::A => Some("Host Address"),
        RrType::Aaaa => Some("IP6 Address"),
        RrType::Ns => Some("authoritative Name Server"),
        RrType::Cname => Some("Canonical NAME for an alias"),
        RrType::Soa => Some("Start Of a zone of Authority"),
        RrType::Ptr => Some("domain name PoinTeR"),
        RrType::Mx => Some("Mail eXchange"),
        RrType::Txt => Some("Text strings"),
        _ => None,
    };
    match long {
        Some(l) => format!("{} ({l}) ({})", t.name(), t.code()),
        None => format!("{} ({})", t.name(), t.code()),
    }
}

fn class_text(c: Class) -> String {
    let name = if c.code() == 1 { "IN".to_string() } else { c.to_string() };
    format!("{name} (0x{:04x})", c.code())
}

/// Where a DNS message's fields lie in the frame: the offset of its first byte
/// (spans count from there, RFC 1035 §4.1.4), when all of it lies in the frame.
#[derive(Clone, Copy)]
struct At(Option<usize>);

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
    At(m.offset.filter(|&o| p.d.reassembled.is_none() && o.saturating_add(m.len) <= p.data.len()))
}

fn dns_tree(out: &mut Tree, p: &Packet<'_>, m: &DnsMsg) {
    let at = message_at(p, m);
    let msg = &m.message;
    let h = &msg.header;
    let kind = if h.flags.qr { "response" } else { "query" };
    let prefix = if m.tcp_len.is_some() { TCP_PREFIX } else { 0 };
    let whole = At(at.0.and_then(|o| o.checked_sub(prefix)));
    whole.put(out.at(0).proto("dns"), Span::new(0, prefix + m.len)).line(format_args!("Domain Name System ({kind})"));
    if let Some(len) = m.tcp_len {
        let d = out.at(1).field("dns.length", Ftype::Uint16, len);
        whole.put(d, Span::new(0, TCP_PREFIX)).line(format_args!("Length: {len}"));
    }
    header(out, at, h);
    if !msg.questions.is_empty() {
        line(out, 1, "Queries");
        msg.questions.iter().for_each(|q| question(out, at, q));
    }
    for section in [Section::Answer, Section::Authority, Section::Additional] {
        let records = msg.section(section);
        if !records.is_empty() {
            line(out, 1, section.title());
            records.iter().for_each(|r| record(out, at, r));
        }
    }
    links(out, m);
    if let Some(e) = &m.error {
        out.at(0).look(Look::Bad).line(format_args!("[Malformed Packet: DNS {e}]"));
    }
}
/// The header fields (RFC 1035 §4.1.1).
fn header(out: &mut Tree, at: At, h: &Header) {
    let sp = &h.spans;
    let d = out.at(1).field("dns.id", Ftype::Uint16, hex16(h.id));
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
    let d = out.at(1).field("dns.flags", Ftype::Uint16, hex16(word));
    at.put(d, sp.flags).line(format_args!("Flags: 0x{word:04x} {summary}"));
    flag_lines(&h.flags, at, sp.flags, 2, out);
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

/// A 16-bit value as tshark shows an ID, flags or class: `0x0001`.
fn hex16(v: u16) -> Value<'static> {
    Value::Hex { value: u64::from(v), digits: 4 }
}

/// A question (RFC 1035 §4.1.2).
fn question(out: &mut Tree, at: At, q: &Question) {
    let name = dns::name_text(&q.name);
    let class = if q.qclass.code() == 1 { "IN".to_string() } else { q.qclass.to_string() };
    line(out, 2, &format!("{name}: type {}, class {class}", q.qtype.name()));
    let span = q.name.span;
    at.put(out.at(3).field("dns.qry.name", Ftype::String, &name), span).line(format_args!("Name: {name}"));
    let len = if q.name.name.is_root() { ROOT_TEXT_LEN } else { name.len() };
    let d = out.at(3).field("dns.qry.name.len", Ftype::Uint16, len);
    at.put(d, span).line(format_args!("[Name Length: {len}]"));
    let labels = q.name.name.label_count();
    let d = out.at(3).field("dns.count.labels", Ftype::Uint16, labels);
    at.put(d, span).line(format_args!("[Label Count: {labels}]"));
    let d = out.at(3).field("dns.qry.type", Ftype::Uint16, q.qtype.code());
    at.put(d, q.qtype_span).line(format_args!("Type: {}", type_text(q.qtype)));
    let d = out.at(3).field("dns.qry.class", Ftype::Uint16, hex16(q.qclass.code()));
    at.put(d, q.qclass_span).line(format_args!("Class: {}", class_text(q.qclass)));
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
    line(out, 2, &format!("{name}: type OPT"));
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
    u16_field(out, at, "dns.resp.len", r.rdlength, sp.rdlength, format_args!("Data length: {}", r.rdlength));
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
    line(out, 2, &format!("{name}: type {}, class {class}{data}", r.rtype.name()));
    name_field(out, at, "dns.resp.name", &r.name, "Name");
    let sp = &r.spans;
    u16_field(out, at, "dns.resp.type", r.rtype.code(), sp.rtype, format_args!("Type: {}", type_text(r.rtype)));
    let d = out.at(3).field("dns.resp.class", Ftype::Uint16, hex16(r.class.code()));
    at.put(d, sp.class).line(format_args!("Class: {}", class_text(r.class)));
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
        _ => {}
    }
}

/// SOA's RDATA (RFC 1035 §3.3.13).
fn soa(out: &mut Tree, at: At, s: &Soa) {
    name_field(out, at, "dns.soa.mname", &s.mname, "Primary name server");
    name_field(out, at, "dns.soa.rname", &s.rname, "Responsible authority's mailbox");
    let [serial, refresh, retry, expire, minimum] = s.number_spans;
    u32_field(out, at, "dns.soa.serial_number", s.serial, serial, format_args!("Serial Number: {}", s.serial));
    let text = format_args!("Refresh Interval: {}", s.refresh);
    u32_field(out, at, "dns.soa.refresh_interval", s.refresh, refresh, text);
    u32_field(out, at, "dns.soa.retry_interval", s.retry, retry, format_args!("Retry Interval: {}", s.retry));
    u32_field(out, at, "dns.soa.expire_limit", s.expire, expire, format_args!("Expire limit: {}", s.expire));
    u32_field(out, at, "dns.soa.minimum_ttl", s.minimum, minimum, format_args!("Minimum TTL: {}", s.minimum));
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
fn duration_words(secs: u32) -> String {
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

fn http_tree(out: &mut Tree, m: &HttpMsg) {
    line(out, 0, "Hypertext Transfer Protocol");
    line(out, 1, &format!("{}\\r\\n", m.first_line()));
    if m.request {
        line(out, 2, &format!("Request Method: {}", m.method));
        line(out, 2, &format!("Request URI: {}", m.uri));
        line(out, 2, &format!("Request Version: {}", m.version));
    } else {
        line(out, 2, &format!("Response Version: {}", m.version));
        line(out, 2, &format!("Status Code: {}", m.code));
        line(out, 2, &format!("Response Phrase: {}", m.phrase));
    }
    for (name, value) in &m.headers {
        line(out, 1, &format!("{name}: {value}\\r\\n"));
    }
    line(out, 1, "\\r\\n");
    if let Some(f) = m.response_in {
        line(out, 1, &format!("[Response in frame: {f}]"));
    }
    if let Some((f, t)) = m.request_in {
        line(out, 1, &format!("[Time since request: {} seconds]", Value::Seconds(t)));
        line(out, 1, &format!("[Request in frame: {f}]"));
    }
    if m.body_len > 0 {
        line(out, 1, &format!("File Data: {} bytes", m.body_len));
    }
}

#[cfg(test)]
mod tests {
    use super::duration_words;

    #[test]
    fn ttl_in_words_as_wireshark() {
        assert_eq!(duration_words(14_400), "4 hours");
        assert_eq!(duration_words(260), "4 minutes, 20 seconds");
        assert_eq!(duration_words(1), "1 second");
        assert_eq!(duration_words(0), "0 seconds");
        assert_eq!(duration_words(90_061), "1 day, 1 hour, 1 minute, 1 second");
    }
}
