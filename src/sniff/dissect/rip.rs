//! RIP, the Routing Information Protocol on UDP port 520: version 1 (RFC 1058
//! §3.1) and version 2 (RFC 2453 §4). A 4-byte header (command, version, two
//! bytes that v1 keeps zero) and route entries of 20 bytes each: an address
//! family (2: IPv4; 0: unspecified, a request for the whole table), the route
//! and its metric. A first entry of family 0xffff is an authentication entry
//! (RFC 2453 §4.1; keyed MD5: RFC 2082 §3.2).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Hex;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The RIP dissector.
pub struct Rip;

/// RIP's UDP port (IANA).
pub const PORT: u16 = 520;

/// The header: command, version and two bytes of zero (or routing domain).
const HEADER_LEN: usize = 4;
/// The Auth Data Len byte of a keyed-MD5 authentication entry (RFC 2082 §3.2).
const AUTH_DATA_LEN: usize = 7;
/// One route entry (RFC 2453 §4).
const ENTRY_LEN: usize = 20;

/// Byte offsets in the header and in an entry.
mod field {
    /// Command.
    pub const COMMAND: usize = 0;
    /// Version.
    pub const VERSION: usize = 1;
    /// Entry: address family.
    pub const FAMILY: usize = 0;
    /// Entry: route tag (v2) or authentication type.
    pub const TAG: usize = 2;
    /// Entry: IPv4 address.
    pub const IP: usize = 4;
    /// Entry: subnet mask (v2).
    pub const MASK: usize = 8;
    /// Entry: next hop (v2).
    pub const NEXT_HOP: usize = 12;
    /// Entry: metric.
    pub const METRIC: usize = 16;
}

/// Address families of an entry.
mod family {
    /// Unspecified: a request for the whole table.
    pub const UNSPEC: u16 = 0;
    /// IPv4.
    pub const IP: u16 = 2;
    /// An authentication entry.
    pub const AUTH: u16 = 0xffff;
}

/// Authentication types (RFC 2453 §4.1, RFC 2082 §3.2).
mod auth {
    /// A clear-text password of 16 bytes.
    pub const PASSWORD: u16 = 2;
    /// Keyed MD5.
    pub const MD5: u16 = 3;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "rip", ftype: Ftype::Protocol, title: "Routing Information Protocol", base: "" },
    FieldDecl { name: "rip.command", ftype: Ftype::Uint8, title: "Command", base: "BASE_DEC" },
    FieldDecl { name: "rip.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "rip.family", ftype: Ftype::Uint16, title: "Address Family", base: "BASE_DEC" },
    FieldDecl { name: "rip.route_tag", ftype: Ftype::Uint16, title: "Route Tag", base: "BASE_DEC" },
    FieldDecl { name: "rip.ip", ftype: Ftype::Ipv4, title: "IP Address", base: "" },
    FieldDecl { name: "rip.netmask", ftype: Ftype::Ipv4, title: "Netmask", base: "" },
    FieldDecl { name: "rip.next_hop", ftype: Ftype::Ipv4, title: "Next Hop", base: "" },
    FieldDecl { name: "rip.metric", ftype: Ftype::Uint16, title: "Metric", base: "BASE_DEC" },
    FieldDecl { name: "rip.auth.type", ftype: Ftype::Uint16, title: "Authentication type", base: "BASE_DEC" },
    FieldDecl { name: "rip.auth.passwd", ftype: Ftype::String, title: "Password", base: "" },
    FieldDecl { name: "rip.digest_offset", ftype: Ftype::Uint16, title: "Digest Offset", base: "BASE_DEC" },
    FieldDecl { name: "rip.key_id", ftype: Ftype::Uint8, title: "Key ID", base: "BASE_DEC" },
    FieldDecl { name: "rip.auth_data_len", ftype: Ftype::Uint8, title: "Auth Data Len", base: "BASE_DEC" },
    FieldDecl { name: "rip.seq_num", ftype: Ftype::Uint32, title: "Seq num", base: "BASE_DEC" },
    FieldDecl { name: "rip.zero_padding", ftype: Ftype::String, title: "Zero adding", base: "" },
    FieldDecl { name: "rip.authentication_data", ftype: Ftype::Bytes, title: "Authentication Data", base: "" },
];

/// Wireshark's name of a command (RFC 1058 §3.1).
fn command_name(c: u8) -> Option<&'static str> {
    Some(match c {
        1 => "Request",
        2 => "Response",
        3 => "Traceon",
        4 => "Traceoff",
        5 => "Vendor specific (Sun)",
        _ => return None,
    })
}

/// Wireshark's name of an address family.
fn family_name(f: u16) -> &'static str {
    match f {
        family::UNSPEC => "Unspecified",
        family::IP => "IP",
        _ => "Unknown",
    }
}

/// Wireshark's name of an authentication type.
fn auth_name(t: u16) -> &'static str {
    match t {
        auth::PASSWORD => "Simple Password",
        auth::MD5 => "Keyed Message Digest",
        _ => "Unknown",
    }
}

/// The digest's length shown (RFC 2082 §3.2: keyed MD5).
const MD5_DIGEST_LEN: usize = 16;

/// The offsets of the entries as tshark walks them, and whether each lies whole
/// in the message. When the first entry announces keyed MD5, tshark walks while
/// more bytes remain than its Auth Data Len, and passes over silently an entry
/// of family 0xffff that is exactly the last 20 bytes (the trailer's start).
fn entries(pdu: &[u8]) -> (Vec<usize>, bool) {
    let mut out = Vec::new();
    if pdu.len() < HEADER_LEN {
        return (out, false);
    }
    let (mut trailer, mut md5) = (0, false);
    let mut at = HEADER_LEN;
    while pdu.len() - at > trailer {
        if pdu.len() < at + ENTRY_LEN {
            out.push(at);
            return (out, false);
        }
        let f = be16(pdu, at);
        if at == HEADER_LEN && f == family::AUTH && be16(pdu, at + field::TAG) == auth::MD5 {
            trailer = usize::from(pdu[at + AUTH_DATA_LEN]);
            md5 = true;
        }
        if !(md5 && at > HEADER_LEN && f == family::AUTH && pdu.len() - at == ENTRY_LEN) {
            out.push(at);
        }
        at += ENTRY_LEN;
    }
    (out, true)
}

/// Whether the message ends inside its header or inside an entry.
fn cut_short(pdu: &[u8]) -> bool {
    !entries(pdu).1
}

impl Dissector for Rip {
    fn name(&self) -> &'static str {
        "rip"
    }

    fn title(&self) -> &'static str {
        "Routing Information Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match pdu.get(field::VERSION) {
            Some(1) => "RIPv1",
            Some(2) => "RIPv2",
            _ => "RIP",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(&c) = pdu.first() else { return };
        match command_name(c) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "Unknown command ({c})");
            }
        }
        if cut_short(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let Some(&c) = pdu.first() else { return };
        out.at(0).proto("rip").bytes(o, pdu.len()).line(format_args!("Routing Information Protocol"));
        out.at(1)
            .field("rip.command", Ftype::Uint8, c)
            .bytes(o + field::COMMAND, 1)
            .line(format_args!("Command: {} ({c})", command_name(c).unwrap_or("Unknown")));
        let Some(&v) = pdu.get(field::VERSION) else { return malformed(out, "RIP") };
        let vname = match v {
            1 => "RIPv1",
            2 => "RIPv2",
            _ => "Unknown",
        };
        out.at(1)
            .field("rip.version", Ftype::Uint8, v)
            .bytes(o + field::VERSION, 1)
            .line(format_args!("Version: {vname} ({v})"));
        let (all, complete) = entries(pdu);
        for at in all {
            if !entry(out, pdu, o, at, v) {
                break;
            }
        }
        if !complete {
            malformed(out, "RIP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The entry at `at`; false when the message ends inside it.
fn entry(out: &mut Tree, pdu: &[u8], o: usize, at: usize, v: u8) -> bool {
    let Some(e) = pdu.get(at..at + ENTRY_LEN) else {
        if let Some(f) = pdu.get(at..at + 2).map(|b| be16(b, 0)) {
            if f != family::UNSPEC && f != family::IP {
                unknown_family(out, o + at, f);
            }
        }
        return false;
    };
    let f = be16(e, field::FAMILY);
    let a = |i: usize| Ipv4Addr::new(e[i], e[i + 1], e[i + 2], e[i + 3]);
    let metric = be32(e, field::METRIC);
    match f {
        family::UNSPEC | family::IP => {
            if f == family::IP {
                out.at(1).bytes(o + at, ENTRY_LEN).line(format_args!("IP Address: {}, Metric: {metric}", a(field::IP)));
            } else {
                out.at(1).bytes(o + at, ENTRY_LEN).line(format_args!("Address not specified, Metric: {metric}"));
            }
            out.at(2)
                .field("rip.family", Ftype::Uint16, f)
                .bytes(o + at, 2)
                .line(format_args!("Address Family: {} ({f})", family_name(f)));
            if v == 2 {
                let tag = be16(e, field::TAG);
                out.at(2)
                    .field("rip.route_tag", Ftype::Uint16, tag)
                    .bytes(o + at + 2, 2)
                    .line(format_args!("Route Tag: {tag}"));
            }
            if f == family::IP {
                let ip = a(field::IP);
                out.at(2)
                    .field("rip.ip", Ftype::Ipv4, ip)
                    .bytes(o + at + field::IP, 4)
                    .line(format_args!("IP Address: {ip}"));
            }
            if v == 2 {
                let (m, h) = (a(field::MASK), a(field::NEXT_HOP));
                out.at(2)
                    .field("rip.netmask", Ftype::Ipv4, m)
                    .bytes(o + at + field::MASK, 4)
                    .line(format_args!("Netmask: {m}"));
                out.at(2)
                    .field("rip.next_hop", Ftype::Ipv4, h)
                    .bytes(o + at + field::NEXT_HOP, 4)
                    .line(format_args!("Next Hop: {h}"));
            }
            out.at(2)
                .field("rip.metric", Ftype::Uint16, metric)
                .bytes(o + at + field::METRIC, 4)
                .line(format_args!("Metric: {metric}"));
        }
        family::AUTH if at == HEADER_LEN => authentication(out, pdu, e, o + at),
        _ => unknown_family(out, o + at, f),
    }
    true
}

/// An entry of a family RIP does not define (or a second authentication entry),
/// flagged as tshark flags it.
fn unknown_family(out: &mut Tree, o: usize, f: u16) {
    let msg = format!("Unknown address family {f}");
    out.at(1).bytes(o, ENTRY_LEN).line(format_args!("{msg}"));
    out.expert(2, "rip.unknown_address_family", Severity::Warning, Group::Protocol, &msg);
}

/// An authentication entry (`e`, at `o` in the frame).
fn authentication(out: &mut Tree, pdu: &[u8], e: &[u8], o: usize) {
    let t = be16(e, field::TAG);
    out.at(1).bytes(o, ENTRY_LEN).line(format_args!("Authentication: {}", auth_name(t)));
    out.at(2)
        .field("rip.auth.type", Ftype::Uint16, t)
        .bytes(o + 2, 2)
        .line(format_args!("Authentication type: {} ({t})", auth_name(t)));
    match t {
        auth::PASSWORD => {
            let pw = &e[4..];
            let text: String = pw.iter().take_while(|&&b| b != 0).map(|&b| char::from(b)).collect();
            out.at(2)
                .field("rip.auth.passwd", Ftype::String, &text)
                .bytes(o + 4, 16)
                .line(format_args!("Password: {text}"));
        }
        auth::MD5 => {
            let off = be16(e, 4);
            out.at(2)
                .field("rip.digest_offset", Ftype::Uint16, off)
                .bytes(o + 4, 2)
                .line(format_args!("Digest Offset: {off}"));
            out.at(2).field("rip.key_id", Ftype::Uint8, e[6]).bytes(o + 6, 1).line(format_args!("Key ID: {}", e[6]));
            out.at(2)
                .field("rip.auth_data_len", Ftype::Uint8, e[7])
                .bytes(o + 7, 1)
                .line(format_args!("Auth Data Len: {}", e[7]));
            let seq = be32(e, 8);
            out.at(2).field("rip.seq_num", Ftype::Uint32, seq).bytes(o + 8, 4).line(format_args!("Seq num: {seq}"));
            out.at(2).field("rip.zero_padding", Ftype::String, "").bytes(o + 12, 8).line(format_args!("Zero adding: "));
            let digest = usize::from(off) + 4;
            if let Some(d) = pdu.get(digest..digest + MD5_DIGEST_LEN) {
                let base = o - HEADER_LEN;
                out.at(2)
                    .bytes(base + usize::from(off), 4 + MD5_DIGEST_LEN)
                    .line(format_args!("Authentication Data Trailer"));
                out.at(3)
                    .field("rip.authentication_data", Ftype::Bytes, Hex(d))
                    .bytes(base + digest, MD5_DIGEST_LEN)
                    .line(format_args!("Authentication Data: {}", Hex(d)));
            }
        }
        _ => {
            let rest = &e[4..];
            out.at(2).bytes(o + 4, rest.len()).line(format_args!("Data: {}", Hex(rest)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// ripv1v2.pcap frame 4: a RIPv2 Response with one route.
    const V2_RESPONSE: &[u8] = &[
        0x02, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0a, 0x46, 0xb2, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    ];

    #[test]
    fn a_v2_response_names_its_route() {
        assert_eq!(Rip.column(V2_RESPONSE), "RIPv2");
        assert_eq!(info_of(&Rip, V2_RESPONSE, Ctx::default()), "Response");
        assert_eq!(values_of(&Rip, V2_RESPONSE, Ctx::default(), "rip.ip"), ["10.70.178.0"]);
        assert_eq!(values_of(&Rip, V2_RESPONSE, Ctx::default(), "rip.netmask"), ["255.255.255.0"]);
        assert_eq!(values_of(&Rip, V2_RESPONSE, Ctx::default(), "rip.metric"), ["1"]);
        assert_eq!(values_of(&Rip, V2_RESPONSE, Ctx::default(), "rip.command"), ["2"]);
    }

    #[test]
    fn a_v1_request_for_the_whole_table() {
        let mut pdu = V2_RESPONSE.to_vec();
        pdu[0] = 1;
        pdu[1] = 1;
        pdu[4..].fill(0);
        pdu[23] = 16;
        assert_eq!((Rip.column(&pdu), info_of(&Rip, &pdu, Ctx::default()).as_str()), ("RIPv1", "Request"));
        assert_eq!(values_of(&Rip, &pdu, Ctx::default(), "rip.metric"), ["16"]);
        assert!(values_of(&Rip, &pdu, Ctx::default(), "rip.netmask").is_empty());
    }

    #[test]
    fn a_cut_entry_is_malformed_and_nothing_panics() {
        for n in 0..V2_RESPONSE.len() {
            let pdu = &V2_RESPONSE[..n];
            let mut t = Tree::new();
            Rip.tree(pdu, Ctx::default(), 0, &mut t);
            let info = info_of(&Rip, pdu, Ctx::default());
            assert_eq!(info.ends_with("[Malformed Packet]"), n != 4 && n > 0, "{n}: {info}");
        }
        assert_eq!(info_of(&Rip, &[9, 2, 0, 0], Ctx::default()), "Unknown command (9)");
    }

    #[test]
    fn a_password_entry_shows_its_password() {
        let mut pdu = vec![1, 2, 0, 0, 0xff, 0xff, 0, 2];
        pdu.extend(b"abcdefghijklmnop");
        assert_eq!(values_of(&Rip, &pdu, Ctx::default(), "rip.auth.passwd"), ["abcdefghijklmnop"]);
        assert_eq!(values_of(&Rip, &pdu, Ctx::default(), "rip.auth.type"), ["2"]);
    }
}
