//! PIM version 1, which rides in IGMP as message type 0x14 (the Cisco-era
//! protocol that RFC 2362's version 2 replaced): an IGMP-style header of type,
//! code (the PIM message), checksum, then a version nibble and three reserved
//! bytes. Only the RP-Reachable message's body is decoded here.

use crate::proto::bytes::be16;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The IGMP message type that carries PIMv1.
pub const IGMP_TYPE: u8 = 0x14;

/// Byte offsets of the v1 header and of an RP-Reachable body.
mod field {
    /// Code: the PIM message.
    pub const CODE: usize = 1;
    /// Checksum over the whole message.
    pub const CHECKSUM: usize = 2;
    /// Version (high nibble).
    pub const VERSION: usize = 4;
    /// Three reserved bytes.
    pub const RESERVED: usize = 5;
    /// The message body.
    pub const BODY: usize = 8;
}

/// The RP-Reachable code.
const RP_REACHABLE: u8 = 4;

/// Wireshark's name of a PIMv1 code.
fn code_name(c: u8) -> Option<&'static str> {
    Some(match c {
        0 => "Query",
        1 => "Register",
        2 => "Register-stop",
        3 => "Join/Prune",
        4 => "RP-Reachable",
        5 => "Assert",
        6 => "Graft",
        7 => "Graft-Ack",
        8 => "Mode",
        _ => return None,
    })
}

/// `RP-Reachable`, `Unknown (48)`.
fn code_text(c: u8) -> String {
    match code_name(c) {
        Some(n) => n.to_string(),
        None => format!("Unknown ({c})"),
    }
}

/// The Info column of a PIMv1 message.
pub fn info(pdu: &[u8], out: &mut String) {
    let Some(&c) = pdu.get(field::CODE) else {
        out.push_str("[Malformed Packet]");
        return;
    };
    out.push_str(&code_text(c));
    if pdu.len() < field::BODY {
        out.push_str("[Malformed Packet]");
    }
}

/// The details of a PIMv1 message; false when it is cut short.
pub fn tree(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    out.at(1).field("pim.igmp_type", Ftype::String, "PIM (0x14)").bytes(o, 1).line(format_args!("Type: PIM (0x14)"));
    let Some(&c) = pdu.get(field::CODE) else { return false };
    out.at(1)
        .field("pim.code", Ftype::Uint8, c)
        .bytes(o + field::CODE, 1)
        .line(format_args!("Code: {} ({c})", code_name(c).unwrap_or("Unknown")));
    let Some(sum) = pdu.get(field::CHECKSUM..field::VERSION).map(|b| be16(b, 0)) else { return false };
    let item = out.at(1).field("pim.cksum", Ftype::Uint16, Value::hex(u64::from(sum), 4)).bytes(o + field::CHECKSUM, 2);
    let good = internet_checksum(&[pdu]) == 0;
    let mut zeroed = pdu.to_vec();
    zeroed[field::CHECKSUM..field::VERSION].fill(0);
    let want = internet_checksum(&[&zeroed]);
    if good {
        item.line(format_args!("Checksum: 0x{sum:04x} [correct]"));
    } else {
        item.line(format_args!("Checksum: 0x{sum:04x} [incorrect, should be 0x{want:04x}]"));
    }
    let (code, word) = if good { (checksum_status::GOOD, "Good") } else { (checksum_status::BAD, "Bad") };
    out.at(1).field("pim.cksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: {word}]"));
    let Some(&vb) = pdu.get(field::VERSION) else { return false };
    let v = vb >> 4;
    out.at(1)
        .field("pim.version", Ftype::Uint8, v)
        .bytes(o + field::VERSION, 1)
        .mask(0xf0, u64::from(v))
        .line(format_args!("{v:04b} .... = Version: {v}"));
    if !super::reserved(out, pdu, o, field::RESERVED, 3, 1) {
        return false;
    }
    let body = &pdu[field::BODY..];
    if body.is_empty() {
        return true;
    }
    out.at(1).field("pim.option", Ftype::None, "").bytes(o + field::BODY, body.len()).line(format_args!("PIM Options"));
    if c == RP_REACHABLE {
        return rp_reachable(out, pdu, o);
    }
    true
}

/// An RP-Reachable body: group, mask, RP, two reserved bytes and the holdtime.
fn rp_reachable(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let a = |at: usize| pdu.get(at..at + 4).map(|b| Ipv4Addr::new(b[0], b[1], b[2], b[3]));
    let items = [("pim.group_address", "Group Address"), ("pim.group_mask", "Mask"), ("pim.rp", "RP")];
    let mut at = field::BODY;
    for (name, title) in items {
        let Some(addr) = a(at) else { return false };
        out.at(2).field(name, Ftype::Ipv4, addr).bytes(o + at, 4).line(format_args!("{title}: {addr}"));
        at += 4;
    }
    // Two reserved bytes, then the holdtime; tshark lists the reserved bytes last.
    let Some(h) = pdu.get(at + 2..at + 4).map(|b| be16(b, 0)) else { return false };
    out.at(2).field("pim.holdtime", Ftype::Uint16, h).bytes(o + at + 2, 2).line(format_args!("Holdtime: {h}"));
    super::reserved(out, pdu, o, at, 2, 1)
}
