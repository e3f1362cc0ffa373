//! The DNS and HTTP blocks of the details tree (`-V`), in Wireshark's wording.

use super::dns::{self, DnsMsg};
use super::{App, HttpMsg};
use crate::proto::dns::{Class, Flags, RData, Record, RrType, Section};
use crate::sniff::tree::{Look, Tree};
use crate::sniff::value::Value;

fn line(out: &mut Tree, depth: usize, text: &str) {
    out.text(depth, format_args!("{text}"));
}

/// Writes the application block of a packet, if it has one.
pub fn tree(out: &mut Tree, app: &App) {
    match app {
        App::Dns(msgs) => msgs.iter().for_each(|m| dns_tree(out, m)),
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

/// The flag lines, as Wireshark labels each bit.
fn flag_lines(f: &Flags, depth: usize, out: &mut Tree) {
    let word = f.to_u16();
    let bits = |mask: u16| crate::dns_view::fields::bit_pattern(word, mask);
    let pick = |b: bool, y: &'static str, n: &'static str| if b { y } else { n };
    line(
        out,
        depth,
        &format!("{} = Response: {}", bits(Flags::QR), pick(f.qr, "Message is a response", "Message is a query")),
    );
    let op = f.opcode.code();
    line(out, depth, &format!("{} = Opcode: {} ({op})", bits(Flags::OPCODE), opcode_name(op)));
    if f.qr {
        let aa = pick(f.aa, "Server is an authority for domain", "Server is not an authority for domain");
        line(out, depth, &format!("{} = Authoritative: {aa}", bits(Flags::AA)));
    }
    let tc = pick(f.tc, "Message is truncated", "Message is not truncated");
    line(out, depth, &format!("{} = Truncated: {tc}", bits(Flags::TC)));
    let rd = pick(f.rd, "Do query recursively", "Don't do query recursively");
    line(out, depth, &format!("{} = Recursion desired: {rd}", bits(Flags::RD)));
    if f.qr {
        let ra = pick(f.ra, "Server can do recursive queries", "Server can't do recursive queries");
        line(out, depth, &format!("{} = Recursion available: {ra}", bits(Flags::RA)));
    }
    line(out, depth, &format!("{} = Z: reserved ({})", bits(Flags::Z), u8::from(f.z)));
    if f.qr {
        let ad = pick(
            f.ad,
            "Answer/authority portion was authenticated by the server",
            "Answer/authority portion was not authenticated by the server",
        );
        line(out, depth, &format!("{} = Answer authenticated: {ad}", bits(Flags::AD)));
    } else {
        line(out, depth, &format!("{} = AD bit: {}", bits(Flags::AD), pick(f.ad, "Set", "Not set")));
    }
    let cd = pick(f.cd, "Acceptable", "Unacceptable");
    line(out, depth, &format!("{} = Non-authenticated data: {cd}", bits(Flags::CD)));
    if f.qr {
        let code = f.rcode.code();
        let name = f.rcode.mnemonic().unwrap_or("Unknown");
        line(out, depth, &format!("{} = Reply code: {name} ({code})", bits(Flags::RCODE)));
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

fn dns_tree(out: &mut Tree, m: &DnsMsg) {
    let msg = &m.message;
    let h = &msg.header;
    let kind = if h.flags.qr { "response" } else { "query" };
    line(out, 0, &format!("Domain Name System ({kind})"));
    if let Some(len) = m.tcp_len {
        line(out, 1, &format!("Length: {len}"));
    }
    line(out, 1, &format!("Transaction ID: 0x{:04x}", h.id));
    let summary = if h.flags.qr {
        format!(
            "{} response, {}",
            opcode_name(h.flags.opcode.code()),
            h.flags.rcode.mnemonic().unwrap_or("Unknown error")
        )
    } else {
        opcode_name(h.flags.opcode.code()).to_string()
    };
    line(out, 1, &format!("Flags: 0x{:04x} {summary}", h.flags.to_u16()));
    flag_lines(&h.flags, 2, out);
    line(out, 1, &format!("Questions: {}", h.qdcount));
    line(out, 1, &format!("Answer RRs: {}", h.ancount));
    line(out, 1, &format!("Authority RRs: {}", h.nscount));
    line(out, 1, &format!("Additional RRs: {}", h.arcount));
    if !msg.questions.is_empty() {
        line(out, 1, "Queries");
        for q in &msg.questions {
            let name = dns::name_text(&q.name);
            let class = if q.qclass.code() == 1 { "IN".to_string() } else { q.qclass.to_string() };
            line(out, 2, &format!("{name}: type {}, class {class}", q.qtype.name()));
            line(out, 3, &format!("Name: {name}"));
            line(out, 3, &format!("[Name Length: {}]", if q.name.name.is_root() { 6 } else { name.len() }));
            line(out, 3, &format!("[Label Count: {}]", q.name.name.label_count()));
            line(out, 3, &format!("Type: {}", type_text(q.qtype)));
            line(out, 3, &format!("Class: {}", class_text(q.qclass)));
        }
    }
    for section in [Section::Answer, Section::Authority, Section::Additional] {
        let records = msg.section(section);
        if !records.is_empty() {
            line(out, 1, section.title());
            records.iter().for_each(|r| record(out, r));
        }
    }
    if let Some(f) = m.response_in {
        line(out, 1, &format!("[Response In: {f}]"));
    }
    if let Some((f, t)) = m.response_to {
        line(out, 1, &format!("[Request In: {f}]"));
        line(out, 1, &format!("[Time: {} seconds]", Value::Seconds(t)));
    }
    if let Some(e) = &m.error {
        out.at(0).look(Look::Bad).line(format_args!("[Malformed Packet: DNS {e}]"));
    }
}

fn record(out: &mut Tree, r: &Record) {
    let name = dns::name_text(&r.name);
    if let Some(e) = r.edns() {
        line(out, 2, &format!("{name}: type OPT"));
        line(out, 3, &format!("Name: {name}"));
        line(out, 3, &format!("Type: {}", type_text(r.rtype)));
        line(out, 3, &format!("UDP payload size: {}", e.udp_payload_size));
        line(out, 3, &format!("Higher bits in extended RCODE: 0x{:02x}", e.ext_rcode));
        line(out, 3, &format!("EDNS0 version: {}", e.version));
        line(out, 3, &format!("Data length: {}", r.rdlength));
        return;
    }
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
    line(out, 3, &format!("Name: {name}"));
    line(out, 3, &format!("Type: {}", type_text(r.rtype)));
    line(out, 3, &format!("Class: {}", class_text(r.class)));
    line(out, 3, &format!("Time to live: {} ({})", r.ttl, duration_words(r.ttl)));
    line(out, 3, &format!("Data length: {}", r.rdlength));
    match &r.rdata {
        RData::A(a) => line(out, 3, &format!("Address: {a}")),
        RData::Aaaa(a) => line(out, 3, &format!("AAAA Address: {a}")),
        RData::Ns(n) => line(out, 3, &format!("Name Server: {}", dns::name_text(n))),
        RData::Cname(n) => line(out, 3, &format!("CNAME: {}", dns::name_text(n))),
        RData::Ptr(n) => line(out, 3, &format!("Domain Name: {}", dns::name_text(n))),
        RData::Mx { preference, exchange } => {
            line(out, 3, &format!("Preference: {preference}"));
            line(out, 3, &format!("Mail Exchange: {}", dns::name_text(exchange)));
        }
        RData::Soa(s) => {
            line(out, 3, &format!("Primary name server: {}", dns::name_text(&s.mname)));
            line(out, 3, &format!("Responsible authority's mailbox: {}", dns::name_text(&s.rname)));
            line(out, 3, &format!("Serial Number: {}", s.serial));
            line(out, 3, &format!("Refresh Interval: {}", s.refresh));
            line(out, 3, &format!("Retry Interval: {}", s.retry));
            line(out, 3, &format!("Expire limit: {}", s.expire));
            line(out, 3, &format!("Minimum TTL: {}", s.minimum));
        }
        _ => {}
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
