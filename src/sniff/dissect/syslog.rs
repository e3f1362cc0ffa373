//! Syslog over UDP 514 (RFC 3164, RFC 5424, RFC 5426): one log message per
//! datagram, after a priority `<PRI>` whose value is the facility (who logs:
//! the kernel, a user program, mail…) times 8 plus the severity level (RFC
//! 5424 §6.2.1). tshark's Info column is `KERN.NOTICE: ` and the message, its
//! unprintable bytes escaped (`\000`).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The syslog dissector.
pub struct Syslog;

/// Syslog's UDP port (RFC 5426 §3.3).
const UDP_PORT: u16 = 514;

/// The largest priority value (facility 23, level 7: RFC 5424 §6.2.1).
const MAX_PRI: u32 = 191;
/// The level is the low three bits of the priority.
const LEVEL_BITS: u32 = 3;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "syslog", ftype: Ftype::Protocol, title: "Syslog message", base: "" },
    FieldDecl { name: "syslog.facility", ftype: Ftype::Uint8, title: "Facility", base: "BASE_DEC" },
    FieldDecl { name: "syslog.level", ftype: Ftype::Uint8, title: "Level", base: "BASE_DEC" },
    FieldDecl { name: "syslog.msg", ftype: Ftype::String, title: "Message", base: "" },
];

/// A facility's short and long names, as Wireshark shows them (RFC 5424 §6.2.1).
fn facility(f: u32) -> (&'static str, &'static str) {
    const LOCAL: [&str; 8] = ["LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"];
    match f {
        0 => ("KERN", "kernel messages"),
        1 => ("USER", "random user-level messages"),
        2 => ("MAIL", "mail system"),
        3 => ("DAEMON", "system daemons"),
        4 => ("AUTH", "security/authorization messages"),
        5 => ("SYSLOG", "messages generated internally by syslogd"),
        6 => ("LPR", "line printer subsystem"),
        7 => ("NEWS", "network news subsystem"),
        8 => ("UUCP", "UUCP subsystem"),
        9 => ("CRON", "clock daemon (BSD4.4)"),
        10 => ("AUTHPRIV", "security/authorization messages (private)"),
        11 => ("FTP", "ftp daemon"),
        12 => ("NTP", "ntp subsystem"),
        13 => ("AUDIT", "log audit"),
        14 => ("ALERT", "log alert"),
        15 => ("CRON_SOL", "clock daemon (Solaris)"),
        16..=23 => (LOCAL[(f - 16) as usize], "reserved for local use"),
        _ => ("Unknown", "Unknown"),
    }
}

/// A level's short and long names (RFC 5424 §6.2.1).
fn level(l: u32) -> (&'static str, &'static str) {
    match l {
        0 => ("EMERG", "system is unusable"),
        1 => ("ALERT", "action must be taken immediately"),
        2 => ("CRIT", "critical conditions"),
        3 => ("ERR", "error conditions"),
        4 => ("WARNING", "warning conditions"),
        5 => ("NOTICE", "normal but significant condition"),
        6 => ("INFO", "informational"),
        _ => ("DEBUG", "debug-level messages"),
    }
}

/// The priority and where the message starts: `<PRI>` of one to three digits
/// at most 191 (RFC 5424 §6.2.1), or none.
fn priority(pdu: &[u8]) -> (Option<u32>, usize) {
    if pdu.first() != Some(&b'<') {
        return (None, 0);
    }
    let digits = pdu[1..].iter().take(4).take_while(|b| b.is_ascii_digit()).count();
    if (1..=3).contains(&digits) && pdu.get(1 + digits) == Some(&b'>') {
        let pri = pdu[1..1 + digits].iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
        if pri <= MAX_PRI {
            return (Some(pri), digits + 2);
        }
    }
    (None, 0)
}

/// Text as tshark shows it: C escapes for control characters, `\ooo` for the
/// other unprintable bytes.
fn escaped(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        match c {
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(char::from(c)),
            _ => {
                let _ = write!(s, "\\{c:03o}");
            }
        }
    }
    s
}

/// The message as the details show it: up to the first NUL byte.
fn message_text(m: &[u8]) -> String {
    let end = m.iter().position(|&b| b == 0).unwrap_or(m.len());
    escaped(&m[..end])
}

/// The Info column without its malformed ending.
fn summary(pdu: &[u8]) -> String {
    let (pri, start) = priority(pdu);
    let msg = escaped(&pdu[start..]);
    match pri {
        Some(p) => format!("{}.{}: {msg}", facility(p >> LEVEL_BITS).0, level(p & 7).0),
        None => msg,
    }
}

impl Dissector for Syslog {
    fn name(&self) -> &'static str {
        "syslog"
    }

    fn title(&self) -> &'static str {
        "Syslog message"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "Syslog"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        out.push_str(&summary(pdu));
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let (pri, start) = priority(pdu);
        let head = match pri {
            Some(_) => summary(pdu),
            None => format!("(unknown): {}", summary(pdu)),
        };
        t.at(0).proto("syslog").bytes(o, pdu.len()).line(format_args!("Syslog message: {head}"));
        if let Some(p) = pri {
            let (f, l) = (p >> LEVEL_BITS, p & 7);
            let (fs, fl) = facility(f);
            let (ls, ll) = level(l);
            t.at(1)
                .field("syslog.facility", Ftype::Uint8, f)
                .bytes(o, start)
                .line(format_args!("{} = Facility: {fs} - {fl} ({f})", bit_pattern(f, 5, 3, 8)));
            t.at(1)
                .field("syslog.level", Ftype::Uint8, l)
                .bytes(o, start)
                .line(format_args!("{} = Level: {ls} - {ll} ({l})", bit_pattern(l, 3, 0, 8)));
        }
        let msg = &pdu[start..];
        let text = message_text(msg);
        t.at(1)
            .field("syslog.msg", Ftype::String, &text)
            .bytes(o + start, msg.len())
            .line(format_args!("Message: {text}"));
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// syslog_udp.pcap frame 1: `<5>` then a BSD-style message ending in a NUL byte.
    const KERN_NOTICE: &[u8] = b"<5>Sep 12 19:16:12 through logger: test message 21\0";

    #[test]
    fn info_has_facility_level_and_the_escaped_message() {
        assert_eq!(
            info_of(&Syslog, KERN_NOTICE, Ctx::default()),
            "KERN.NOTICE: Sep 12 19:16:12 through logger: test message 21\\000"
        );
        assert_eq!(info_of(&Syslog, b"<133>hi", Ctx::default()), "LOCAL0.NOTICE: hi");
        assert_eq!(info_of(&Syslog, b"X", Ctx::default()), "X");
        let mut t = Tree::new();
        Syslog.tree(KERN_NOTICE, Ctx::default(), 0, &mut t);
        let l: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(l[1], "0000 0... = Facility: KERN - kernel messages (0)");
        assert_eq!(l[2], ".... .101 = Level: NOTICE - normal but significant condition (5)");
        assert_eq!(l[3], "Message: Sep 12 19:16:12 through logger: test message 21");
    }

    #[test]
    fn a_bad_priority_is_part_of_the_message() {
        assert_eq!(priority(b"<192>x"), (None, 0));
        assert_eq!(priority(b"<1234>x"), (None, 0));
        assert_eq!(priority(b"<"), (None, 0));
        let mut t = Tree::new();
        Syslog.tree(b"X", Ctx::default(), 0, &mut t);
        assert_eq!(t.display(&t.items()[0]), "Syslog message: (unknown): X");
    }
}
