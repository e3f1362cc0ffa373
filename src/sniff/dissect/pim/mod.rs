//! PIM, Protocol Independent Multicast: how multicast routers find their
//! neighbours and build distribution trees. Version 2 is its own IP protocol
//! (103; RFC 7761 §4.9: a 4-byte header of version, type, reserved byte and
//! checksum, then the message); version 1 travels inside IGMP as message type
//! 0x14, which IGMP hands over here ([`v1`]). Hello options: [`hello`].

pub mod hello;
pub mod register;
pub mod v1;

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be16;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::net::IpAddr;

/// The PIM dissector.
pub struct Pim;

/// PIM's IP protocol number (IANA).
pub const IP_PROTO: u8 = 103;

/// Byte offsets of the common header (RFC 7761 §4.9).
mod field {
    /// Version (high nibble) and Type (low nibble).
    pub const VER_TYPE: usize = 0;
    /// Reserved byte (a DF election's subtype, RFC 5015 §6.1).
    pub const RESERVED: usize = 1;
    /// Checksum.
    pub const CHECKSUM: usize = 2;
    /// The message after the header.
    pub const BODY: usize = 4;
}

/// A Register's checksum covers only its 8-byte header, not the packet it
/// carries (RFC 7761 §4.9.3).
const REGISTER_SUM_LEN: usize = 8;

/// PIMv2 message types (RFC 7761 §4.9, RFC 3973 §4.7, RFC 5015 §6, RFC 6754).
pub mod ty {
    /// Hello.
    pub const HELLO: u8 = 0;
    /// Register.
    pub const REGISTER: u8 = 1;
    /// DF election (BIDIR-PIM).
    pub const DF_ELECT: u8 = 10;
}

/// Wireshark's name of a PIMv2 message type.
pub fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Hello",
        1 => "Register",
        2 => "Register-stop",
        3 => "Join/Prune",
        4 => "Bootstrap",
        5 => "Assert",
        6 => "Graft",
        7 => "Graft-Ack",
        8 => "Candidate-RP-Advertisement",
        9 => "State-Refresh",
        10 => "DF election",
        11 => "ECMP redirect",
        _ => return None,
    })
}

/// Wireshark's name of a DF election subtype (RFC 5015 §6.1).
fn df_subtype_name(s: u8) -> &'static str {
    match s {
        1 => "offer",
        2 => "DF Winner",
        3 => "DF Backoff",
        4 => "DF Pass",
        _ => "Unknown",
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "pim", ftype: Ftype::Protocol, title: "Protocol Independent Multicast", base: "" },
    FieldDecl { name: "pim.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "pim.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "pim.igmp_type", ftype: Ftype::String, title: "Type", base: "" },
    FieldDecl { name: "pim.code", ftype: Ftype::Uint8, title: "Code", base: "BASE_DEC" },
    FieldDecl { name: "pim.df_elect.subtype", ftype: Ftype::Uint8, title: "DF Subtype", base: "BASE_DEC" },
    FieldDecl { name: "pim.df_elect.rsvd", ftype: Ftype::Uint8, title: "DF reserved", base: "BASE_DEC" },
    FieldDecl { name: "pim.res_bytes", ftype: Ftype::Bytes, title: "Reserved byte(s)", base: "" },
    FieldDecl { name: "pim.cksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "pim.cksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
    FieldDecl { name: "pim.optiontype", ftype: Ftype::Uint16, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "pim.optionlength", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "pim.optionvalue", ftype: Ftype::Bytes, title: "Unknown", base: "" },
    FieldDecl { name: "pim.holdtime", ftype: Ftype::Uint16, title: "Holdtime", base: "BASE_DEC" },
    FieldDecl { name: "pim.t", ftype: Ftype::Boolean, title: "T", base: "8" },
    FieldDecl { name: "pim.propagation_delay", ftype: Ftype::Uint16, title: "Propagation Delay", base: "BASE_DEC" },
    FieldDecl { name: "pim.override_interval", ftype: Ftype::Uint16, title: "Override Interval", base: "BASE_DEC" },
    FieldDecl { name: "pim.dr_priority", ftype: Ftype::Uint32, title: "DR Priority", base: "BASE_DEC" },
    FieldDecl { name: "pim.generation_id", ftype: Ftype::Uint32, title: "Generation ID", base: "BASE_DEC" },
    FieldDecl { name: "pim.state_refresh_version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "pim.state_refresh_interval", ftype: Ftype::Uint8, title: "Interval", base: "BASE_DEC" },
    FieldDecl { name: "pim.state_refresh_reserved", ftype: Ftype::Uint16, title: "Reserved", base: "BASE_DEC" },
    FieldDecl { name: "pim.register_flag", ftype: Ftype::Uint32, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "pim.register_flag.border", ftype: Ftype::Boolean, title: "Border", base: "32" },
    FieldDecl { name: "pim.register_flag.null_register", ftype: Ftype::Boolean, title: "Null-Register", base: "32" },
    FieldDecl { name: "pim.ip_version", ftype: Ftype::Uint8, title: "IP Version", base: "BASE_DEC" },
    FieldDecl { name: "pim.group_address", ftype: Ftype::Ipv4, title: "Group Address", base: "" },
    FieldDecl { name: "pim.group_mask", ftype: Ftype::Ipv4, title: "Mask", base: "" },
    FieldDecl { name: "pim.rp", ftype: Ftype::Ipv4, title: "RP", base: "" },
];

/// The version nibble of a PIMv2 header.
fn version(pdu: &[u8]) -> u8 {
    pdu.first().map_or(0, |b| b >> 4)
}

/// Whether `pdu` is a PIMv1 message (IGMP type 0x14).
fn is_v1(pdu: &[u8]) -> bool {
    pdu.first() == Some(&v1::IGMP_TYPE)
}

/// How many bytes the checksum of a PIMv2 message covers, when it has them all.
fn summed_len(pdu: &[u8]) -> Option<usize> {
    let t = pdu.first()? & 0x0f;
    let len = if t == ty::REGISTER { REGISTER_SUM_LEN } else { pdu.len() };
    (pdu.len() >= len).then_some(len)
}

/// Whether the message, read as tshark reads it, runs past its end.
fn cut_short(pdu: &[u8]) -> bool {
    if pdu.len() < field::BODY {
        return true;
    }
    version(pdu) == 2 && pdu[0] & 0x0f == ty::HELLO && !hello::options(pdu).1
}

impl Dissector for Pim {
    fn name(&self) -> &'static str {
        "pim"
    }

    fn title(&self) -> &'static str {
        "Protocol Independent Multicast"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        if is_v1(pdu) {
            return "PIMv1";
        }
        match version(pdu) {
            0 => "PIMv0",
            1 => "PIMv1",
            2 => "PIMv2",
            3 => "PIMv3",
            _ => "PIM",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// A PIMv1 message came through IGMP.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        if is_v1(pdu) {
            "igmp:pim"
        } else {
            "pim"
        }
    }

    /// A Register carries a multicast packet whose IP header tshark decodes
    /// last: the columns show its addresses.
    fn addresses(&self, pdu: &[u8]) -> Option<(IpAddr, IpAddr)> {
        if is_v1(pdu) || version(pdu) != 2 || pdu[0] & 0x0f != ty::REGISTER {
            return None;
        }
        register::inner_addresses(pdu.get(REGISTER_SUM_LEN..)?)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if is_v1(pdu) {
            return v1::info(pdu, out);
        }
        match (version(pdu), pdu.first().and_then(|b| type_name(b & 0x0f))) {
            (2, Some(name)) => out.push_str(name),
            (2, None) => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("Unknown ({})", pdu[0] & 0x0f));
            }
            _ => out.push_str("Unknown"),
        }
        if cut_short(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) {
        if pdu.is_empty() {
            return;
        }
        out.at(0).proto("pim").bytes(o, pdu.len()).line(format_args!("Protocol Independent Multicast"));
        let complete = if is_v1(pdu) { v1::tree(out, pdu, o) } else { v2_tree(out, pdu, o, ctx) };
        if !complete {
            malformed(out, "PIM");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// A PIMv2 message's header and body; false when it is cut short.
fn v2_tree(out: &mut Tree, pdu: &[u8], o: usize, ctx: Ctx) -> bool {
    let b = pdu[field::VER_TYPE];
    let (v, t) = (b >> 4, b & 0x0f);
    out.at(1)
        .field("pim.version", Ftype::Uint8, v)
        .bytes(o, 1)
        .mask(0xf0, u64::from(v))
        .line(format_args!("{:04b} .... = Version: {v}", v));
    let name = type_name(t).unwrap_or("Unknown");
    out.at(1)
        .field("pim.type", Ftype::Uint8, t)
        .bytes(o, 1)
        .mask(0x0f, u64::from(t))
        .line(format_args!(".... {:04b} = Type: {name} ({t})", t));
    let Some(&r) = pdu.get(field::RESERVED) else { return false };
    if t == ty::DF_ELECT {
        let (s, rsvd) = (r >> 4, r & 0x0f);
        out.at(1)
            .field("pim.df_elect.subtype", Ftype::Uint8, s)
            .bytes(o + field::RESERVED, 1)
            .mask(0xf0, u64::from(s))
            .line(format_args!("{:04b} .... = DF Subtype: {} ({s})", s, df_subtype_name(s)));
        out.at(1)
            .field("pim.df_elect.rsvd", Ftype::Uint8, rsvd)
            .bytes(o + field::RESERVED, 1)
            .mask(0x0f, u64::from(rsvd))
            .line(format_args!(".... {:04b} = DF reserved: {rsvd}", rsvd));
    } else {
        reserved(out, pdu, o, field::RESERVED, 1, 1);
    }
    let Some(sum) = pdu.get(field::CHECKSUM..field::BODY).map(|b| be16(b, 0)) else { return false };
    let item = out.at(1).field("pim.cksum", Ftype::Uint16, Value::hex(u64::from(sum), 4)).bytes(o + field::CHECKSUM, 2);
    match summed_len(pdu).filter(|_| v == 2) {
        Some(n) => {
            let want = checksum(&pdu[..n], ctx, true);
            if checksum(&pdu[..n], ctx, false) == 0 {
                item.line(format_args!("Checksum: 0x{sum:04x} [correct]"));
            } else {
                item.line(format_args!("Checksum: 0x{sum:04x} incorrect, should be 0x{want:04x}"));
                let msg = format!("Bad checksum [should be 0x{want:04x}]");
                out.expert(2, "pim.cksum.bad.expert", Severity::Error, Group::Checksum, &msg);
            }
            let (code, word) =
                if want == sum { (checksum_status::GOOD, "Good") } else { (checksum_status::BAD, "Bad") };
            out.at(1).field("pim.cksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: {word}]"));
        }
        // Cut short: not checked.
        None if v == 2 => {
            item.line(format_args!("Checksum: 0x{sum:04x} [unverified]"));
            let code = checksum_status::UNVERIFIED;
            out.at(1).field("pim.cksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: Unverified]"));
        }
        // Not a version whose checksum tshark knows.
        None => item.line(format_args!("Checksum: 0x{sum:04x}")),
    }
    let body = &pdu[field::BODY..];
    if body.is_empty() {
        return true;
    }
    if v == 2 && t == ty::HELLO {
        return hello::tree(out, pdu, o);
    }
    out.at(1).field("pim.option", Ftype::None, "").bytes(o + field::BODY, body.len()).line(format_args!("PIM Options"));
    if v == 2 && t == ty::REGISTER {
        return register::tree(out, pdu, o, field::BODY);
    }
    true
}

/// The Internet checksum of `msg` (the bytes it covers), over IPv6 with the
/// pseudo-header (RFC 7761 §4.9); with `zeroed`, as if its checksum field were
/// zero: the value that field should hold.
fn checksum(msg: &[u8], ctx: Ctx, zeroed: bool) -> u16 {
    let mut copy;
    let msg = if zeroed {
        copy = msg.to_vec();
        copy[field::CHECKSUM..field::BODY].fill(0);
        &copy[..]
    } else {
        msg
    };
    match ctx.addr_sum.filter(|a| a.ipv6).map(|a| a.sum) {
        Some(addrs) => {
            let len = u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes();
            internet_checksum(&[&addrs.to_be_bytes(), &len, &[0, 0, 0, IP_PROTO], msg])
        }
        None => internet_checksum(&[msg]),
    }
}

/// `Reserved byte(s): 00` over `len` bytes at `at`; false when the message ends before.
fn reserved(out: &mut Tree, pdu: &[u8], o: usize, at: usize, len: usize, depth: usize) -> bool {
    let Some(b) = pdu.get(at..at + len) else { return false };
    out.at(depth)
        .field("pim.res_bytes", Ftype::Bytes, Mac(b))
        .bytes(o + at, len)
        .line(format_args!("Reserved byte(s): {}", Hex(b)));
    true
}

#[cfg(test)]
mod tests;
