//! RPKI-RTR, the RPKI to Router protocol (RFC 8210, TCP port 323): a router
//! fetches from a cache the validated origins of routes (which AS may announce
//! which prefix) to check the BGP announcements it receives. Every PDU starts
//! with an eight-byte header (RFC 8210 §5.1): version, type, a two-byte field
//! (session ID, or the error code of an Error Report) and the PDU's length.
//!
//! Over TCP a PDU may span segments: the dissector measures it from its header
//! ([`Dissector::pdu_len`]) and the pipeline reassembles it. The Info column
//! names every PDU of a segment, as tshark lists them; one whose fields run past
//! its own length is `[Malformed Packet]` after its name, and the next one is
//! read all the same.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32, be32_at};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The RPKI-RTR dissector.
pub struct RpkiRtr;

/// RPKI-RTR's TCP port (RFC 8210 §9, "rpki-rtr").
const PORT: u16 = 323;

/// The header: version, type, session ID or error code, length (RFC 8210 §5.1).
const HEADER_LEN: usize = 8;

/// Byte offsets in a PDU (RFC 8210 §5).
mod at {
    /// Version.
    pub const VERSION: usize = 0;
    /// PDU type.
    pub const TYPE: usize = 1;
    /// Session ID, or an Error Report's error code.
    pub const SESSION: usize = 2;
    /// Length of the whole PDU.
    pub const LENGTH: usize = 4;
    /// The first field after the header.
    pub const BODY: usize = 8;
}

/// PDU types (RFC 8210 §5).
mod kind {
    pub const SERIAL_NOTIFY: u8 = 0;
    pub const SERIAL_QUERY: u8 = 1;
    pub const RESET_QUERY: u8 = 2;
    pub const CACHE_RESPONSE: u8 = 3;
    pub const IPV4_PREFIX: u8 = 4;
    pub const IPV6_PREFIX: u8 = 6;
    pub const END_OF_DATA: u8 = 7;
    pub const CACHE_RESET: u8 = 8;
    pub const ROUTER_KEY: u8 = 9;
    pub const ERROR_REPORT: u8 = 10;
}

/// A PDU type's name, as tshark names it.
fn kind_name(k: u8) -> Option<&'static str> {
    Some(match k {
        kind::SERIAL_NOTIFY => "Serial Notify",
        kind::SERIAL_QUERY => "Serial Query",
        kind::RESET_QUERY => "Reset Query",
        kind::CACHE_RESPONSE => "Cache Response",
        kind::IPV4_PREFIX => "IPv4 Prefix",
        kind::IPV6_PREFIX => "IPv6 Prefix",
        kind::END_OF_DATA => "End of Data",
        kind::CACHE_RESET => "Cache Reset",
        kind::ROUTER_KEY => "Router Key",
        kind::ERROR_REPORT => "Error Report",
        _ => return None,
    })
}

/// An Error Report's error code's name (RFC 8210 §12).
fn error_name(c: u16) -> &'static str {
    match c {
        0 => "Corrupt Data",
        1 => "Internal Error",
        2 => "No Data Available",
        3 => "Invalid Request",
        4 => "Unsupported Protocol Version",
        5 => "Unsupported PDU Type",
        6 => "Withdrawal of Unknown Record",
        7 => "Duplicate Announcement Received",
        8 => "Unexpected Protocol Version",
        _ => "Unknown",
    }
}

/// The length a PDU of fixed size must declare (RFC 8210 §5); `None` for the
/// variable ones, `Some(0)` for types that have no length at all (unknown).
fn fixed_len(k: u8, version: u8) -> Option<usize> {
    match k {
        kind::SERIAL_NOTIFY | kind::SERIAL_QUERY => Some(12),
        kind::RESET_QUERY | kind::CACHE_RESPONSE | kind::CACHE_RESET => Some(8),
        kind::IPV4_PREFIX => Some(20),
        kind::IPV6_PREFIX => Some(32),
        kind::END_OF_DATA if version == 0 => Some(12),
        kind::END_OF_DATA => Some(24),
        kind::ROUTER_KEY | kind::ERROR_REPORT => None,
        _ => Some(0),
    }
}

/// The PDUs of a payload as tshark's TCP helper walks them: each as long as
/// its header declares; the walk ends at a length shorter than a header
/// (`true`: malformed) or at a PDU the payload holds only part of.
fn pdus(payload: &[u8]) -> (Vec<(usize, &[u8])>, bool) {
    let mut out = Vec::new();
    let mut p = 0;
    while let Some(rest) = payload.get(p..).filter(|r| r.len() >= HEADER_LEN) {
        let len = be32(rest, at::LENGTH) as usize;
        if len < HEADER_LEN {
            return (out, true);
        }
        let Some(pdu) = rest.get(..len) else { break };
        out.push((p, pdu));
        p += len;
    }
    (out, false)
}

/// A field runs past the PDU's end.
#[derive(Debug)]
struct Cut;

/// The bytes `at..at + n` of a PDU, or a [`Cut`].
fn need(b: &[u8], at: usize, n: usize) -> Result<&[u8], Cut> {
    b.get(at..at.saturating_add(n)).ok_or(Cut)
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "rpkirtr", ftype: Ftype::Protocol, title: "RPKI-Router Protocol", base: "" },
    FieldDecl { name: "rpki-rtr.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.pdu_type", ftype: Ftype::Uint8, title: "PDU Type", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.session_id", ftype: Ftype::Uint16, title: "Session ID", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.length", ftype: Ftype::Uint32, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.serial_number", ftype: Ftype::Uint32, title: "Serial Number", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.prefix_length", ftype: Ftype::Uint8, title: "Prefix Length", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.max_length", ftype: Ftype::Uint8, title: "Max length", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.ipv4_prefix", ftype: Ftype::Ipv4, title: "IPv4 Prefix", base: "BASE_NONE" },
    FieldDecl { name: "rpki-rtr.ipv6_prefix", ftype: Ftype::Ipv6, title: "IPv6 Prefix", base: "BASE_NONE" },
    FieldDecl { name: "rpki-rtr.as_number", ftype: Ftype::Uint32, title: "AS Number", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.error_code", ftype: Ftype::Uint16, title: "Error Code", base: "BASE_DEC" },
    FieldDecl {
        name: "rpki-rtr.length_pdu",
        ftype: Ftype::Uint32,
        title: "Length of Encapsulated PDU",
        base: "BASE_DEC",
    },
    FieldDecl { name: "rpki-rtr.error_pdu", ftype: Ftype::Bytes, title: "Erroneous PDU", base: "BASE_NONE" },
    FieldDecl { name: "rpki-rtr.length_text", ftype: Ftype::Uint32, title: "Length of text", base: "BASE_DEC" },
    FieldDecl { name: "rpki-rtr.error_text", ftype: Ftype::String, title: "Erroneous Text", base: "BASE_NONE" },
];

impl Dissector for RpkiRtr {
    fn name(&self) -> &'static str {
        "rpkirtr"
    }

    fn title(&self) -> &'static str {
        "RPKI-Router Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "RPKI-RTR"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::TcpPort(PORT)]
    }

    /// A PDU: its header and the length it declares (RFC 8210 §5.1).
    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        if head.is_empty() {
            return None;
        }
        match be32_at(head, at::LENGTH) {
            Some(len) => usize::try_from(len).ok().filter(|&n| n >= HEADER_LEN),
            None => Some(HEADER_LEN),
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let (list, bad_length) = pdus(pdu);
        for (i, (_, p)) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let k = p[at::TYPE];
            match kind_name(k) {
                Some(n) => out.push_str(n),
                None => out.push_str(&format!("Unknown ({k})")),
            }
            if body(&mut Tree::new(), p, 0).is_err() {
                out.push_str("[Malformed Packet]");
            }
        }
        if bad_length {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let (list, bad_length) = pdus(pdu);
        for (at, p) in list {
            if body(t, p, o + at).is_err() {
                malformed(t, "RPKI-Router Protocol");
            }
        }
        if bad_length {
            malformed(t, "RPKI-Router Protocol");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One PDU's block, its first byte at frame offset `o`; `Err` where a field
/// runs past the PDU's declared length.
fn body(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    let version = b[at::VERSION];
    let k = b[at::TYPE];
    let name = kind_name(k).map_or_else(|| format!("Unknown {k}"), str::to_string);
    t.at(0).proto("rpkirtr").bytes(o, b.len()).line(format_args!("RPKI-Router Protocol ({name})"));
    t.at(1).field("rpki-rtr.version", Ftype::Uint8, version).bytes(o, 1).line(format_args!("Version: {version}"));
    let shown = kind_name(k).map_or_else(|| format!("Unknown ({k})"), |n| format!("{n} ({k})"));
    t.at(1).field("rpki-rtr.pdu_type", Ftype::Uint8, k).bytes(o + at::TYPE, 1).line(format_args!("PDU Type: {shown}"));
    let len = b.len();
    match fixed_len(k, version) {
        Some(n) if n != len => {
            // tshark flags the length and reads no further.
            return Ok(());
        }
        _ => {}
    }
    let session = be16(b, at::SESSION);
    if k == kind::ERROR_REPORT {
        t.at(1)
            .field("rpki-rtr.error_code", Ftype::Uint16, session)
            .bytes(o + at::SESSION, 2)
            .line(format_args!("Error Code: {} ({session})", error_name(session)));
    } else if k != kind::RESET_QUERY && k != kind::CACHE_RESET && k != kind::ROUTER_KEY {
        t.at(1)
            .field("rpki-rtr.session_id", Ftype::Uint16, session)
            .bytes(o + at::SESSION, 2)
            .line(format_args!("Session ID: {session}"));
    }
    t.at(1).field("rpki-rtr.length", Ftype::Uint32, len).bytes(o + at::LENGTH, 4).line(format_args!("Length: {len}"));
    match k {
        kind::SERIAL_NOTIFY | kind::SERIAL_QUERY | kind::END_OF_DATA => {
            let serial = be32(need(b, at::BODY, 4)?, 0);
            t.at(1)
                .field("rpki-rtr.serial_number", Ftype::Uint32, serial)
                .bytes(o + at::BODY, 4)
                .line(format_args!("Serial Number: {serial}"));
            Ok(())
        }
        kind::IPV4_PREFIX | kind::IPV6_PREFIX => prefix(t, b, o, k == kind::IPV6_PREFIX),
        kind::ERROR_REPORT => error_report(t, b, o),
        _ => Ok(()),
    }
}

/// An IPv4 or IPv6 Prefix PDU (RFC 8210 §5.6, §5.7): flags, prefix length,
/// max length, a zero byte, the prefix and the AS allowed to originate it.
fn prefix(t: &mut Tree, b: &[u8], o: usize, v6: bool) -> Result<(), Cut> {
    let plen = need(b, 9, 1)?[0];
    t.at(1)
        .field("rpki-rtr.prefix_length", Ftype::Uint8, plen)
        .bytes(o + 9, 1)
        .line(format_args!("Prefix Length: {plen}"));
    let max = need(b, 10, 1)?[0];
    t.at(1).field("rpki-rtr.max_length", Ftype::Uint8, max).bytes(o + 10, 1).line(format_args!("Max length: {max}"));
    let n = if v6 { 16 } else { 4 };
    let a = need(b, 12, n)?;
    if v6 {
        let mut x = [0u8; 16];
        x.copy_from_slice(a);
        let ip = Ipv6Addr::from(x);
        t.at(1)
            .field("rpki-rtr.ipv6_prefix", Ftype::Ipv6, ip)
            .bytes(o + 12, 16)
            .line(format_args!("IPv6 Prefix: {ip}"));
    } else {
        let ip = Ipv4Addr::new(a[0], a[1], a[2], a[3]);
        t.at(1).field("rpki-rtr.ipv4_prefix", Ftype::Ipv4, ip).bytes(o + 12, 4).line(format_args!("IPv4 Prefix: {ip}"));
    }
    let asn = be32(need(b, 12 + n, 4)?, 0);
    t.at(1).field("rpki-rtr.as_number", Ftype::Uint32, asn).bytes(o + 12 + n, 4).line(format_args!("AS Number: {asn}"));
    Ok(())
}

/// An Error Report (RFC 8210 §5.11): the erroneous PDU and a text, each after
/// its four-byte length.
fn error_report(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    let pdu_len = be32(need(b, at::BODY, 4)?, 0);
    t.at(1)
        .field("rpki-rtr.length_pdu", Ftype::Uint32, pdu_len)
        .bytes(o + at::BODY, 4)
        .line(format_args!("Length of Encapsulated PDU: {pdu_len}"));
    let mut p = at::BODY + 4;
    let n = pdu_len as usize;
    let erroneous = need(b, p, n)?;
    if n > 0 {
        let hex: String = erroneous.iter().map(|x| format!("{x:02x}")).collect();
        t.at(1)
            .field("rpki-rtr.error_pdu", Ftype::Bytes, &hex)
            .bytes(o + p, n)
            .line(format_args!("Erroneous PDU: {hex}"));
    }
    p += n;
    let text_len = be32(need(b, p, 4)?, 0);
    t.at(1)
        .field("rpki-rtr.length_text", Ftype::Uint32, text_len)
        .bytes(o + p, 4)
        .line(format_args!("Length of text: {text_len}"));
    let text = need(b, p + 4, text_len as usize)?;
    if !text.is_empty() {
        let s = String::from_utf8_lossy(text);
        t.at(1)
            .field("rpki-rtr.error_text", Ftype::String, &s)
            .bytes(o + p + 4, text.len())
            .line(format_args!("Erroneous Text: {s}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// Bytes from hex digits.
    fn hex(s: &str) -> Vec<u8> {
        let s = s.replace(' ', "");
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// An IPv4 Prefix (RFC 8210 §5.6): 192.0.2.0/24-24 from AS 64496.
    const V4_PREFIX: &str = "01040000 00000014 01181800 c0000200 0000fbf0";
    /// A Reset Query (RFC 8210 §5.4).
    const RESET_QUERY: &str = "01020000 00000008";
    /// An Error Report of kday3.pcap frame 5 whose encapsulated PDU runs past
    /// its 66 bytes.
    const BAD_REPORT: &str = "410a0042 00000042 00800025";

    #[test]
    fn pdus_are_named_one_after_another() {
        let mut two = hex(RESET_QUERY);
        two.extend(hex(V4_PREFIX));
        assert_eq!(info_of(&RpkiRtr, &two, Ctx::to(323)), "Reset Query, IPv4 Prefix");
        assert_eq!(values_of(&RpkiRtr, &two, Ctx::to(323), "rpki-rtr.ipv4_prefix"), ["192.0.2.0"]);
        assert_eq!(values_of(&RpkiRtr, &two, Ctx::to(323), "rpki-rtr.as_number"), ["64496"]);
        assert_eq!(RpkiRtr.pdu_len(&two), Some(8));
        assert_eq!(RpkiRtr.pdu_len(&two[..5]), Some(HEADER_LEN));
    }

    #[test]
    fn a_report_running_past_its_length_is_malformed() {
        let mut r = hex(BAD_REPORT);
        r.resize(66, 0);
        assert_eq!(info_of(&RpkiRtr, &r, Ctx::to(323)), "Error Report[Malformed Packet]");
        let mut unknown = hex("b1640000 0000000c 00000000");
        unknown.extend(&r);
        assert_eq!(info_of(&RpkiRtr, &unknown, Ctx::to(323)), "Unknown (100), Error Report[Malformed Packet]");
    }

    #[test]
    fn a_length_shorter_than_a_header_is_malformed() {
        assert_eq!(info_of(&RpkiRtr, &hex("01020000 00000004"), Ctx::to(323)), "[Malformed Packet]");
    }

    #[test]
    fn no_cut_panics() {
        for m in [V4_PREFIX, RESET_QUERY, BAD_REPORT] {
            let b = hex(m);
            for n in 0..=b.len() {
                let mut t = Tree::new();
                RpkiRtr.tree(&b[..n], Ctx::to(323), 0, &mut t);
                let _ = info_of(&RpkiRtr, &b[..n], Ctx::to(323));
            }
        }
    }
}
