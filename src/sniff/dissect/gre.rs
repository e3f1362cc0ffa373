//! GRE, Generic Routing Encapsulation (RFC 2784, with the key and sequence
//! number of RFC 2890; version 1 is PPTP's enhanced GRE, RFC 2637 §4.1), IP
//! protocol 47: a 4-byte header (flags, version, and the EtherType of what it
//! carries), then the optional checksum and offset, key and sequence number.
//! GRE is a tunnel: it hands what it carries to the walk
//! ([`Dissector::inner`]), an IP packet, an Ethernet frame (transparent
//! Ethernet bridging) or another EtherType's payload (ERSPAN, NHRP). When
//! nothing it carries is decoded, its Info is tshark's `Encapsulated <type>`.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The GRE dissector.
pub struct Gre;

/// GRE's IP protocol number (IANA).
pub const IP_PROTO: u8 = 47;

/// The fixed header: flags and version, protocol type (RFC 2784 §2).
const BASE_LEN: usize = 4;
/// Each optional part: checksum and offset, key, sequence number, PPTP's
/// acknowledgment number.
const WORD: usize = 4;

/// The flags-and-version word's bits (RFC 2784 §2.1, RFC 2890 §2, RFC 2637 §4.1).
mod bit {
    pub const CHECKSUM: u16 = 0x8000;
    pub const ROUTING: u16 = 0x4000;
    pub const KEY: u16 = 0x2000;
    pub const SEQUENCE: u16 = 0x1000;
    pub const STRICT_ROUTE: u16 = 0x0800;
    pub const RECURSION: u16 = 0x0700;
    /// PPTP (version 1): an acknowledgment number follows.
    pub const ACK: u16 = 0x0080;
    pub const RESERVED: u16 = 0x00f8;
    pub const RESERVED_V1: u16 = 0x0078;
    pub const VERSION: u16 = 0x0007;
}

/// The protocol type of transparent Ethernet bridging: a whole Ethernet frame.
const TRANSPARENT_ETHERNET: u16 = 0x6558;
/// The protocol type of a keepalive: an empty GRE header.
const KEEPALIVE: u16 = 0x0000;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "gre", ftype: Ftype::Protocol, title: "Generic Routing Encapsulation", base: "" },
    FieldDecl { name: "gre.flags_and_version", ftype: Ftype::Uint16, title: "Flags and Version", base: "BASE_HEX" },
    FieldDecl { name: "gre.proto", ftype: Ftype::Uint16, title: "Protocol Type", base: "BASE_HEX" },
    FieldDecl { name: "gre.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "gre.offset", ftype: Ftype::Uint16, title: "Offset", base: "BASE_DEC" },
    FieldDecl { name: "gre.key", ftype: Ftype::Uint32, title: "Key", base: "BASE_HEX" },
    FieldDecl { name: "gre.sequence_number", ftype: Ftype::Uint32, title: "Sequence Number", base: "BASE_DEC" },
    FieldDecl { name: "gre.ack_number", ftype: Ftype::Uint32, title: "Acknowledgment Number", base: "BASE_DEC" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const FLAGS: usize = 1;
    pub const PROTO: usize = 2;
    pub const CHECKSUM: usize = 3;
    pub const OFFSET: usize = 4;
    pub const KEY: usize = 5;
    pub const SEQUENCE: usize = 6;
    pub const ACK: usize = 7;
}

/// A decoded GRE header: where each optional part is, when present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    flags: u16,
    proto: u16,
    checksum: Option<usize>,
    key: Option<usize>,
    sequence: Option<usize>,
    ack: Option<usize>,
    /// The header's length: where the payload starts.
    len: usize,
}

impl Header {
    /// The header of `pdu`, if its fixed part was captured; the optional parts
    /// it announces may lie past the end (then `len` is past it too).
    fn parse(pdu: &[u8]) -> Option<Header> {
        let flags = be16_at(pdu, 0)?;
        let proto = be16_at(pdu, 2)?;
        let mut at = BASE_LEN;
        let mut next = |present: bool| {
            present.then(|| {
                at += WORD;
                at - WORD
            })
        };
        let checksum = next(flags & (bit::CHECKSUM | bit::ROUTING) != 0);
        let key = next(flags & bit::KEY != 0);
        let sequence = next(flags & bit::SEQUENCE != 0);
        let ack = next(flags & bit::VERSION == 1 && flags & bit::ACK != 0);
        Some(Header { flags, proto, checksum, key, sequence, ack, len: at })
    }

    fn version(&self) -> u16 {
        self.flags & bit::VERSION
    }
}

/// tshark's name of a GRE protocol type (its table of GRE types).
fn type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        KEEPALIVE => "Possible GRE keepalive packet",
        0x0800 => "IP",
        0x86dd => "IPv6",
        0x0806 => "ARP",
        TRANSPARENT_ETHERNET => "Transparent Ethernet bridging",
        0x88be => "ERSPAN",
        0x22eb => "ERSPAN III",
        0x2001 => "NHRP",
        0x8909 => "CiscoMetaData",
        0x880b => "PPP",
        0x8847 => "MPLS label switched packet",
        0x883e => "WCCP",
        0x2000 => "CDP",
        _ => return None,
    })
}

impl Dissector for Gre {
    fn name(&self) -> &'static str {
        "gre"
    }

    fn title(&self) -> &'static str {
        "Generic Routing Encapsulation"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "GRE"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    /// An IP packet, an Ethernet frame or another EtherType's payload; the
    /// protocol type (high 16 bits) and the flags go along (ERSPAN tells its
    /// type I by 0x88be without a sequence number). Not with routing information (RFC 1701's source
    /// routes, which RFC 2784 deprecates), nor for a keepalive.
    fn inner(&self, pdu: &[u8], _ctx: Ctx) -> Option<Inner> {
        let h = Header::parse(pdu)?;
        if h.flags & bit::ROUTING != 0 || h.proto == KEEPALIVE || h.len > pdu.len() || h.version() > 1 {
            return None;
        }
        let kind = match h.proto {
            TRANSPARENT_ETHERNET => InnerKind::Ethernet,
            t => InnerKind::EtherType(t),
        };
        Some(Inner { offset: h.len, kind, below: Some(u32::from(h.proto) << 16 | u32::from(h.flags)) })
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(h) = Header::parse(pdu) else { return };
        let _ = match type_name(h.proto) {
            Some(name) => write!(out, "Encapsulated {name}"),
            None => write!(out, "Encapsulated 0x{:04x} (unknown)", h.proto),
        };
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let Some(h) = Header::parse(pdu) else {
            t.at(0).proto("gre").bytes(o, pdu.len()).line(format_args!("Generic Routing Encapsulation"));
            return;
        };
        let len = h.len.min(pdu.len());
        match type_name(h.proto) {
            Some(name) => {
                t.at(0).proto("gre").bytes(o, len).line(format_args!("Generic Routing Encapsulation ({name})"))
            }
            None => t
                .at(0)
                .proto("gre")
                .bytes(o, len)
                .line(format_args!("Generic Routing Encapsulation (0x{:04x} - unknown)", h.proto)),
        }
        flags_tree(t, h, o);
        let name = type_name(h.proto).unwrap_or("Unknown");
        t.at(1)
            .field("gre.proto", Ftype::Uint16, Value::hex16(h.proto))
            .bytes(o + 2, 2)
            .line(format_args!("Protocol Type: {name} (0x{:04x})", h.proto));
        optional_tree(t, pdu, h, o);
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(h) = Header::parse(pdu) else { return };
        let word = |at: Option<usize>| at.and_then(|a| be32_at(pdu, a));
        match field {
            f::FLAGS => out.push(Value::hex16(h.flags)),
            f::PROTO => out.push(Value::hex16(h.proto)),
            f::CHECKSUM => out.extend(h.checksum.and_then(|a| be16_at(pdu, a)).map(Value::hex16)),
            f::OFFSET => out.extend(h.checksum.and_then(|a| be16_at(pdu, a + 2)).map(|v| Value::Uint(u64::from(v)))),
            f::KEY if h.version() == 0 => out.extend(word(h.key).map(|k| Value::hex(u64::from(k), 8))),
            f::SEQUENCE => out.extend(word(h.sequence).map(|s| Value::Uint(u64::from(s)))),
            f::ACK => out.extend(word(h.ack).map(|s| Value::Uint(u64::from(s)))),
            _ => {}
        }
    }
}

/// The flags-and-version word and its bits, as tshark shows them.
fn flags_tree(t: &mut Tree, h: Header, o: usize) {
    let w = h.flags;
    t.at(1)
        .field("gre.flags_and_version", Ftype::Uint16, Value::hex16(w))
        .bytes(o, 2)
        .line(format_args!("Flags and Version: 0x{w:04x}"));
    let yes_no = |set: bool| if set { "Yes" } else { "No" };
    let flag = |t: &mut Tree, name: &'static str, mask: u16, title: &str| {
        let set = w & mask != 0;
        t.at(2)
            .field(name, Ftype::Boolean, u8::from(set))
            .bytes(o, 2)
            .mask(u64::from(mask), u64::from(set))
            .line(format_args!("{} = {title}: {}", masked_bits(u64::from(w), u64::from(mask), 16), yes_no(set)));
    };
    let number = |t: &mut Tree, name: &'static str, mask: u16, title: &str, shown: &dyn std::fmt::Display| {
        let v = (w & mask) >> mask.trailing_zeros();
        t.at(2)
            .field(name, Ftype::Uint16, v)
            .bytes(o, 2)
            .mask(u64::from(mask), u64::from(v))
            .line(format_args!("{} = {title}: {shown}", masked_bits(u64::from(w), u64::from(mask), 16)));
    };
    flag(t, "gre.flags.checksum", bit::CHECKSUM, "Checksum Bit");
    flag(t, "gre.flags.routing", bit::ROUTING, "Routing Bit");
    flag(t, "gre.flags.key", bit::KEY, "Key Bit");
    flag(t, "gre.flags.sequence_number", bit::SEQUENCE, "Sequence Number Bit");
    flag(t, "gre.flags.strict_source_route", bit::STRICT_ROUTE, "Strict Source Route Bit");
    number(t, "gre.flags.recursion_control", bit::RECURSION, "Recursion control", &((w & bit::RECURSION) >> 8));
    let reserved = if h.version() == 1 {
        flag(t, "gre.flags.ack", bit::ACK, "Acknowledgment");
        bit::RESERVED_V1
    } else {
        bit::RESERVED
    };
    number(t, "gre.flags.reserved", reserved, "Flags (Reserved)", &((w & reserved) >> reserved.trailing_zeros()));
    let version = match h.version() {
        0 => "GRE (0)".to_string(),
        1 => "Enhanced GRE (1)".to_string(),
        v => format!("Unknown ({v})"),
    };
    number(t, "gre.flags.version", bit::VERSION, "Version", &version);
}

/// The checksum and offset, key (PPTP: payload length and call ID), sequence
/// and acknowledgment numbers that the flags announce and the capture holds.
fn optional_tree(t: &mut Tree, pdu: &[u8], h: Header, o: usize) {
    if let Some(at) = h.checksum {
        if let Some(sum) = be16_at(pdu, at) {
            t.at(1)
                .field("gre.checksum", Ftype::Uint16, Value::hex16(sum))
                .bytes(o + at, 2)
                .line(format_args!("Checksum: 0x{sum:04x} [unverified]"));
            t.at(1).field("gre.checksum.status", Ftype::Uint8, 2u8).line(format_args!("[Checksum Status: Unverified]"));
        }
        if let Some(off) = be16_at(pdu, at + 2) {
            t.at(1).field("gre.offset", Ftype::Uint16, off).bytes(o + at + 2, 2).line(format_args!("Offset: {off}"));
        }
    }
    if let Some(at) = h.key {
        match (h.version(), be16_at(pdu, at), be16_at(pdu, at + 2), be32_at(pdu, at)) {
            (1, Some(len), Some(call), _) => {
                t.at(1)
                    .field("gre.key.payload_length", Ftype::Uint16, len)
                    .bytes(o + at, 2)
                    .line(format_args!("Payload Length: {len}"));
                t.at(1)
                    .field("gre.key.call_id", Ftype::Uint16, call)
                    .bytes(o + at + 2, 2)
                    .line(format_args!("Call ID: {call}"));
            }
            (_, _, _, Some(key)) => {
                t.at(1)
                    .field("gre.key", Ftype::Uint32, Value::hex(u64::from(key), 8))
                    .bytes(o + at, WORD)
                    .line(format_args!("Key: 0x{key:08x}"));
            }
            _ => {}
        }
    }
    if let Some(seq) = h.sequence.and_then(|at| be32_at(pdu, at)) {
        let at = h.sequence.unwrap_or_default();
        t.at(1)
            .field("gre.sequence_number", Ftype::Uint32, seq)
            .bytes(o + at, WORD)
            .line(format_args!("Sequence Number: {seq}"));
    }
    if let Some(ack) = h.ack.and_then(|at| be32_at(pdu, at)) {
        let at = h.ack.unwrap_or_default();
        t.at(1)
            .field("gre.ack_number", Ftype::Uint32, ack)
            .bytes(o + at, WORD)
            .line(format_args!("Acknowledgment Number: {ack}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// GRE with key 0x3e8 carrying NHRP (nhrp-trace.pcap frame 1).
    const KEYED_NHRP: &[u8] = &[0x20, 0x00, 0x20, 0x01, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x01];
    /// GRE with a sequence number carrying ERSPAN (erspan-type-ii-2.pcap frame 1).
    const SEQ_ERSPAN: &[u8] = &[0x10, 0x00, 0x88, 0xbe, 0x00, 0x10, 0x95, 0x28, 0x10, 0x65];

    #[test]
    fn optional_parts_and_what_follows() {
        let inner = Gre.inner(KEYED_NHRP, Ctx::default()).unwrap();
        assert_eq!((inner.offset, inner.kind, inner.below), (8, InnerKind::EtherType(0x2001), Some(0x2001_2000)));
        assert_eq!(values_of(&Gre, KEYED_NHRP, Ctx::default(), "gre.key"), ["0x000003e8"]);
        assert_eq!(info_of(&Gre, KEYED_NHRP, Ctx::default()), "Encapsulated NHRP");
        let inner = Gre.inner(SEQ_ERSPAN, Ctx::default()).unwrap();
        assert_eq!((inner.offset, inner.kind), (8, InnerKind::EtherType(0x88be)));
        assert_eq!(values_of(&Gre, SEQ_ERSPAN, Ctx::default(), "gre.sequence_number"), ["1086760"]);
        let bridged = [0, 0, 0x65, 0x58, 1];
        assert_eq!(Gre.inner(&bridged, Ctx::default()).map(|i| i.kind), Some(InnerKind::Ethernet));
    }

    #[test]
    fn the_tree_as_tshark_shows_it() {
        let mut t = Tree::new();
        Gre.tree(SEQ_ERSPAN, Ctx::default(), 34, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Generic Routing Encapsulation (ERSPAN)");
        assert_eq!(lines[1], "Flags and Version: 0x1000");
        assert_eq!(lines[5], "...1 .... .... .... = Sequence Number Bit: Yes");
        assert_eq!(lines[7], ".... .000 .... .... = Recursion control: 0");
        assert_eq!(lines[9], ".... .... .... .000 = Version: GRE (0)");
        assert_eq!(lines[10], "Protocol Type: ERSPAN (0x88be)");
        assert_eq!(lines[11], "Sequence Number: 1086760");
    }

    #[test]
    fn keepalives_unknown_types_and_cut_headers_stay_leaves() {
        let keepalive = [0x20, 0, 0, 0, 0, 0, 0, 0x28];
        assert_eq!(Gre.inner(&keepalive, Ctx::default()), None);
        assert_eq!(info_of(&Gre, &keepalive, Ctx::default()), "Encapsulated Possible GRE keepalive packet");
        assert_eq!(info_of(&Gre, &[0xc0, 0x30, 0x30, 0x30], Ctx::default()), "Encapsulated 0x3030 (unknown)");
        for n in 0..SEQ_ERSPAN.len() {
            let cut = &SEQ_ERSPAN[..n];
            assert!(n >= 8 || Gre.inner(cut, Ctx::default()).is_none(), "cut at {n}");
            let mut t = Tree::new();
            Gre.tree(cut, Ctx::default(), 0, &mut t);
            let _ = info_of(&Gre, cut, Ctx::default());
        }
        // Routing information (RFC 1701) is not followed.
        assert_eq!(Gre.inner(&[0x40, 0, 8, 0, 0, 0, 0, 0, 1], Ctx::default()), None);
    }
}
