//! GeoNetworking (ETSI EN 302 636-4-1, EtherType 0x8947), the network layer of
//! ITS vehicle-to-vehicle radio: a Basic Header (§9.6), a Common Header (§9.7)
//! naming the packet's header type, then that type's extended header, which
//! starts with the sender's position vector (§9.5.2) and GeoNetworking
//! address (§6.3).
//!
//! socklab shows what tshark's list shows — the header type in the Info column
//! and the sender's GeoNetworking address as the Source — and the Basic and
//! Common Headers and the sender's address in the details.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt;

/// The GeoNetworking dissector.
pub struct Geonw;

/// GeoNetworking's EtherType (IEEE registry).
pub const ETHERTYPE: u16 = 0x8947;

/// Byte offsets (EN 302 636-4-1 §9.6, §9.7).
mod at {
    /// Basic Header: version and next header.
    pub const VERSION_NH: usize = 0;
    /// Basic Header: reserved.
    pub const BH_RESERVED: usize = 1;
    /// Basic Header: lifetime.
    pub const LIFETIME: usize = 2;
    /// Basic Header: remaining hop limit.
    pub const RHL: usize = 3;
    /// Common Header: next header and reserved.
    pub const CH_NH: usize = 4;
    /// Common Header: header type and subtype.
    pub const HTYPE: usize = 5;
    /// Common Header: maximum hop limit.
    pub const MHL: usize = 10;
    /// The extended header.
    pub const EXTENDED: usize = 12;
}

/// The Basic Header's next header value for a Common Header.
const NH_COMMON: u8 = 1;
/// A GeoNetworking address's length.
const GN_ADDR_LEN: usize = 8;

/// tshark's name of a header type and subtype.
fn htype_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0x10 => "Beacon",
        0x20 => "Geo Unicast",
        0x30 => "Geo-scoped Anycast Circular area",
        0x31 => "Geo-scoped Anycast Rectangular area",
        0x32 => "Geo-scoped Anycast Ellipsoidal area",
        0x40 => "Geo-scoped Broadcast Circular area",
        0x41 => "Geo-scoped Broadcast Rectangular area",
        0x42 => "Geo-scoped Broadcast Ellipsoidal area",
        0x50 => "Topologically-scoped broadcast Single-hop broadcast (SHB)",
        0x51 => "Topologically-scoped broadcast Multi-hop broadcast (TSB)",
        0x60 => "Location Service Request",
        0x61 => "Location Service Reply",
        _ => return None,
    })
}

/// The header's type when a Common Header follows the Basic Header.
fn htype(pdu: &[u8]) -> Option<u8> {
    (pdu.get(at::VERSION_NH)? & 0x0f == NH_COMMON).then(|| pdu.get(at::HTYPE).copied())?
}

/// Where the sender's position vector starts, for the header types that
/// carry one (all known types, §9.8): after a sequence number and a reserved
/// word for all but beacons and single-hop broadcasts.
fn source_pv_at(t: u8) -> Option<usize> {
    match t {
        0x20 | 0x30..=0x32 | 0x40..=0x42 | 0x51 | 0x60 | 0x61 => Some(at::EXTENDED + 4),
        _ if matches!(t >> 4, 1..=6) => Some(at::EXTENDED),
        _ => None,
    }
}

/// The sender's GeoNetworking address, if the PDU holds one.
fn source_addr(pdu: &[u8]) -> Option<&[u8]> {
    let from = source_pv_at(htype(pdu)?)?;
    pdu.get(from..from + GN_ADDR_LEN)
}

/// The bytes after the headers that tshark shows as Data: those of a packet
/// whose Common Header names no next protocol (ANY), after the sender's
/// position vector.
fn data_after(pdu: &[u8]) -> Option<&[u8]> {
    let end = source_pv_at(htype(pdu)?)? + 24;
    let rest = pdu.get(end..).filter(|r| !r.is_empty())?;
    (pdu.get(at::CH_NH)? >> 4 == 0).then_some(rest)
}

/// How many bytes tshark reads of the headers before it stops.
fn needed(pdu: &[u8]) -> usize {
    match pdu.get(at::VERSION_NH) {
        Some(b) if b & 0x0f == NH_COMMON => match pdu.get(at::HTYPE).copied().and_then(source_pv_at) {
            // The position vector's address, timestamp, latitude, longitude,
            // speed and heading.
            Some(pv) => pv + 24,
            None => at::EXTENDED,
        },
        _ => at::EXTENDED.min(4),
    }
}

/// A GeoNetworking address as tshark writes it: manual bit, ITS-S type and
/// country code, then the MID as an Ethernet address.
struct GnAddr<'a>(&'a [u8]);

impl fmt::Display for GnAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = u16::from_be_bytes([self.0[0], self.0[1]]);
        write!(f, "{}.{}.{}.{}", w >> 15, (w >> 10) & 0x1f, w & 0x3ff, Mac(&self.0[2..GN_ADDR_LEN]))
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "gnw", ftype: Ftype::Protocol, title: "GeoNetworking", base: "" },
    FieldDecl { name: "geonw.bh", ftype: Ftype::None, title: "Basic Header", base: "" },
    FieldDecl { name: "geonw.bh.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "geonw.bh.nh", ftype: Ftype::Uint8, title: "Next Header", base: "BASE_DEC" },
    FieldDecl { name: "geonw.bh.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "geonw.bh.lt", ftype: Ftype::Uint8, title: "Life Time", base: "BASE_DEC" },
    FieldDecl { name: "geonw.bh.lt.mult", ftype: Ftype::Uint8, title: "Life Time multiplier", base: "BASE_DEC" },
    FieldDecl { name: "geonw.bh.lt.base", ftype: Ftype::Uint8, title: "Life Time base", base: "BASE_DEC" },
    FieldDecl { name: "geonw.bh.rhl", ftype: Ftype::Uint8, title: "Remaining Hop Limit", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch", ftype: Ftype::None, title: "Common Header", base: "" },
    FieldDecl { name: "geonw.ch.nh", ftype: Ftype::Uint8, title: "Next Header", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.reserved1", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "geonw.ch.htype", ftype: Ftype::Uint8, title: "Header type", base: "BASE_HEX" },
    FieldDecl { name: "geonw.ch.tclass", ftype: Ftype::Uint8, title: "Traffic class", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.tc.buffer", ftype: Ftype::Uint8, title: "Store Carry Forward", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.tc.offload", ftype: Ftype::Uint8, title: "Channel offload", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.tc.id", ftype: Ftype::Uint8, title: "Traffic class ID", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.flags", ftype: Ftype::None, title: "Flags", base: "" },
    FieldDecl { name: "geonw.ch.flags.mob", ftype: Ftype::Uint8, title: "Mobility flag", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.flags.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.plength", ftype: Ftype::Uint16, title: "Payload length", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.mhl", ftype: Ftype::Uint8, title: "Maximum Hop Limit", base: "BASE_DEC" },
    FieldDecl { name: "geonw.ch.reserved2", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "geonw.src_pos", ftype: Ftype::Bytes, title: "Source position", base: "" },
    FieldDecl { name: "geonw.src_pos.addr", ftype: Ftype::Bytes, title: "GN_ADDR", base: "" },
    FieldDecl { name: "geonw.src_pos.addr.manual", ftype: Ftype::Uint8, title: "Manual", base: "BASE_DEC" },
    FieldDecl { name: "geonw.src_pos.addr.type", ftype: Ftype::Uint8, title: "ITS-S type", base: "BASE_DEC" },
    FieldDecl {
        name: "geonw.src_pos.addr.country",
        ftype: Ftype::Uint16,
        title: "ITS-S Country Code",
        base: "BASE_DEC",
    },
    FieldDecl { name: "geonw.src_pos.addr.mid", ftype: Ftype::Ether, title: "MID", base: "" },
];

/// A bit field of a byte at depth `d`: its bits under `mask`, then the text.
fn bits(t: &mut Tree, d: usize, o: usize, b: u8, mask: u8, name: &'static str, text: fmt::Arguments<'_>) {
    let v = (b & mask) >> mask.trailing_zeros();
    t.at(d)
        .field(name, Ftype::Uint8, v)
        .bytes(o, 1)
        .mask(u64::from(mask), u64::from(v))
        .line(format_args!("{} = {text}", masked_bits(u64::from(b), u64::from(mask), 8)));
}

/// tshark's expert note on a reserved field that is not zero.
fn not_zero(t: &mut Tree, d: usize) {
    let msg = "Incorrect, should be 0";
    t.expert(d, "geonw.reserved_not_zero", Severity::Warning, Group::Protocol, msg);
}

/// The Basic Header (§9.6); `mhl` is the Common Header's maximum hop limit,
/// which tshark compares with the remaining hop limit.
fn basic_header(pdu: &[u8], o: usize, t: &mut Tree, mhl: Option<u8>) {
    let (b0, rsv, lt, rhl) = (pdu[at::VERSION_NH], pdu[at::BH_RESERVED], pdu[at::LIFETIME], pdu[at::RHL]);
    t.at(1).field("geonw.bh", Ftype::None, "").bytes(o, 4).line(format_args!("Basic Header"));
    bits(t, 2, o, b0, 0xf0, "geonw.bh.version", format_args!("Version: {}", b0 >> 4));
    let nh = b0 & 0x0f;
    let nh_name = match nh {
        0 => "ANY".to_string(),
        1 => "Common Header".into(),
        2 => "Secured Packet".into(),
        n => format!("Unknown ({n})"),
    };
    bits(t, 2, o, b0, 0x0f, "geonw.bh.nh", format_args!("Next Header: {nh_name} ({nh})"));
    t.at(2)
        .field("geonw.bh.reserved", Ftype::Uint8, format!("0x{rsv:02x}"))
        .bytes(o + 1, 1)
        .line(format_args!("Reserved: 0x{rsv:02x}"));
    if rsv != 0 {
        not_zero(t, 3);
    }
    t.at(2).field("geonw.bh.lt", Ftype::Uint8, lt).bytes(o + 2, 1).line(format_args!("Life Time: {lt}"));
    bits(t, 3, o + 2, lt, 0xfc, "geonw.bh.lt.mult", format_args!("Life Time multiplier: {}", lt >> 2));
    let base = ["50 ms", "1 s", "10 s", "100 s"][usize::from(lt & 3)];
    bits(t, 3, o + 2, lt, 0x03, "geonw.bh.lt.base", format_args!("Life Time base: {base} ({})", lt & 3));
    t.at(2).field("geonw.bh.rhl", Ftype::Uint8, rhl).bytes(o + 3, 1).line(format_args!("Remaining Hop Limit: {rhl}"));
    if rhl < 5 {
        let msg = format!("\"Remain Hop Limit\" only {rhl}");
        t.expert(3, "geonw.rhl.too_small", Severity::Note, Group::Sequence, &msg);
    }
    if let Some(mhl) = mhl.filter(|&m| m < rhl) {
        let msg = format!("Ignored: \"Remain Hop Limit\" > {mhl} (mhl)");
        t.expert(3, "geonw.rhl.ht_mhl", Severity::Warning, Group::Sequence, &msg);
    }
}

/// The Common Header (§9.7).
fn common_header(pdu: &[u8], o: usize, t: &mut Tree) {
    let c = &pdu[at::CH_NH..at::EXTENDED];
    let oc = o + at::CH_NH;
    t.at(1).field("geonw.ch", Ftype::None, "").bytes(oc, 8).line(format_args!("Common Header"));
    let nh = c[0] >> 4;
    let nh_name = match nh {
        0 => "ANY".to_string(),
        1 => "BTP-A Transport protocol".into(),
        2 => "BTP-B Transport protocol".into(),
        3 => "IPv6 header".into(),
        n => format!("Unknown ({n})"),
    };
    bits(t, 2, oc, c[0], 0xf0, "geonw.ch.nh", format_args!("Next Header: {nh_name} ({nh})"));
    bits(t, 2, oc, c[0], 0x0f, "geonw.ch.reserved1", format_args!("Reserved: 0x{:x}", c[0] & 0x0f));
    if c[0] & 0x0f != 0 {
        not_zero(t, 3);
    }
    let ht = c[1];
    let ht_name = htype_name(ht).unwrap_or("Unknown");
    t.at(2)
        .field("geonw.ch.htype", Ftype::Uint8, format!("0x{ht:02x}"))
        .bytes(oc + 1, 1)
        .line(format_args!("Header type: {ht_name} (0x{ht:02x})"));
    let tc = c[2];
    t.at(2).field("geonw.ch.tclass", Ftype::Uint8, tc).bytes(oc + 2, 1).line(format_args!("Traffic class: {tc}"));
    bits(t, 3, oc + 2, tc, 0x80, "geonw.ch.tc.buffer", format_args!("Store Carry Forward: {}", tc >> 7));
    bits(t, 3, oc + 2, tc, 0x40, "geonw.ch.tc.offload", format_args!("Channel offload: {}", (tc >> 6) & 1));
    let id = tc & 0x3f;
    let id_name = match id {
        0 => "ITS-G5 Access Category Voice".to_string(),
        1 => "ITS-G5 Access Category Video".into(),
        2 => "ITS-G5 Access Category Best effort".into(),
        3 => "ITS-G5 Access Category Background".into(),
        n => format!("Unknown ({n})"),
    };
    bits(t, 3, oc + 2, tc, 0x3f, "geonw.ch.tc.id", format_args!("Traffic class ID: {id_name} ({id})"));
    let fl = c[3];
    t.at(2).field("geonw.ch.flags", Ftype::None, "").bytes(oc + 3, 1).line(format_args!("Flags"));
    bits(t, 3, oc + 3, fl, 0x80, "geonw.ch.flags.mob", format_args!("Mobility flag: {}", fl >> 7));
    bits(t, 3, oc + 3, fl, 0x7f, "geonw.ch.flags.reserved", format_args!("Reserved: {}", fl & 0x7f));
    if fl & 0x7f != 0 {
        not_zero(t, 4);
    }
    let pl = u16::from_be_bytes([c[4], c[5]]);
    t.at(2).field("geonw.ch.plength", Ftype::Uint16, pl).bytes(oc + 4, 2).line(format_args!("Payload length: {pl}"));
    if let Some(pv) = source_pv_at(ht).filter(|_| pl != 0) {
        // A beacon or location service packet carries no payload; others must fit.
        if ht == 0x10 || ht >> 4 == 6 {
            not_zero(t, 3);
        } else if usize::from(pl) + pv + 24 > pdu.len() {
            t.expert(3, "geonw.bogus_geonw_length", Severity::Error, Group::Protocol, "Bogus GeoNetworking length");
        }
    }
    t.at(2)
        .field("geonw.ch.mhl", Ftype::Uint8, c[6])
        .bytes(oc + 6, 1)
        .line(format_args!("Maximum Hop Limit: {}", c[6]));
    t.at(2)
        .field("geonw.ch.reserved2", Ftype::Uint8, format!("0x{:02x}", c[7]))
        .bytes(oc + 7, 1)
        .line(format_args!("Reserved: 0x{:02x}", c[7]));
    if c[7] != 0 {
        not_zero(t, 3);
    }
}

/// The sender's GeoNetworking address under "Source position".
fn source_position(pdu: &[u8], o: usize, t: &mut Tree, from: usize) {
    let Some(pv) = pdu.get(from..from + 24) else { return };
    let hex: String = pv.iter().map(|b| format!("{b:02x}")).collect();
    t.at(2).field("geonw.src_pos", Ftype::Bytes, &hex).bytes(o + from, 24).line(format_args!("Source position: {hex}"));
    let a = &pv[..GN_ADDR_LEN];
    let ahex: String = a.iter().map(|b| format!("{b:02x}")).collect();
    t.at(3).field("geonw.src_pos.addr", Ftype::Bytes, &ahex).bytes(o + from, 8).line(format_args!("GN_ADDR: {ahex}"));
    let w = u16::from_be_bytes([a[0], a[1]]);
    let bits16 = |mask: u16| masked_bits(u64::from(w), u64::from(mask), 16);
    t.at(4).field("geonw.src_pos.addr.manual", Ftype::Uint8, w >> 15).bytes(o + from, 1).line(format_args!(
        "{} = Manual: {}",
        masked_bits(u64::from(a[0]), 0x80, 8),
        w >> 15
    ));
    let ty = (w >> 10) & 0x1f;
    t.at(4)
        .field("geonw.src_pos.addr.type", Ftype::Uint8, ty)
        .bytes(o + from, 1)
        .line(format_args!("{} = ITS-S type: Unknown ({ty})", masked_bits(u64::from(a[0]), 0x7c, 8)));
    let cc = w & 0x3ff;
    t.at(4)
        .field("geonw.src_pos.addr.country", Ftype::Uint16, cc)
        .bytes(o + from, 2)
        .line(format_args!("{} = ITS-S Country Code: Unknown ({cc})", bits16(0x3ff)));
    let mid = Mac(&a[2..]).to_string();
    t.at(4).field("geonw.src_pos.addr.mid", Ftype::Ether, &mid).bytes(o + from + 2, 6).line(format_args!("MID: {mid}"));
}

impl Dissector for Geonw {
    fn name(&self) -> &'static str {
        "gnw"
    }

    fn title(&self) -> &'static str {
        "GeoNetworking"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "GEONW"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn link_address(&self, pdu: &[u8], source: bool, _mac: &[u8; 6], out: &mut dyn fmt::Write) -> bool {
        match source_addr(pdu) {
            Some(a) if source => write!(out, "{}", GnAddr(a)).is_ok(),
            _ => false,
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if let Some(t) = htype(pdu) {
            match htype_name(t) {
                Some(n) => out.push_str(n),
                None => out.push_str(&format!("Unknown ({t})")),
            }
        }
        if pdu.len() < needed(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("gnw").bytes(o, pdu.len()).line(format_args!("GeoNetworking"));
        if pdu.len() < needed(pdu) || pdu.len() < 4 {
            malformed(t, "GeoNetworking");
            return;
        }
        let common = htype(pdu).is_some();
        basic_header(pdu, o, t, if common { pdu.get(at::MHL).copied() } else { None });
        if !common {
            return;
        }
        common_header(pdu, o, t);
        let ht = pdu[at::HTYPE];
        let Some(from) = source_pv_at(ht) else { return };
        let (name, title) = [
            ("geonw.beacon", "Beacon Packet"),
            ("geonw.guc", "Geo Unicast Packet"),
            ("geonw.gac", "Geo Anycast Packet"),
            ("geonw.gbc", "Geo Broadcast Packet"),
            ("geonw.tsb", "Topologically-Scoped Broadcast Packet"),
            ("geonw.ls", "Location Service Packet"),
        ][usize::from(ht >> 4).saturating_sub(1).min(5)];
        t.at(1)
            .field(name, Ftype::None, "")
            .bytes(o + at::EXTENDED, from + 24 - at::EXTENDED)
            .line(format_args!("{title}"));
        source_position(pdu, o, t, from);
        if let Some(rest) = data_after(pdu) {
            super::data::data_at(t, Some(o + pdu.len() - rest.len()), rest, 0);
        }
    }

    /// tshark lists Data after GeoNetworking when bytes follow its headers.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        if data_after(pdu).is_some() {
            "gnw:data"
        } else {
            "gnw"
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// geonet_v0_and_calm_fast.pcap frame 1: a Basic Header whose next header is ANY.
    const BASIC_ONLY: &[u8] = &[0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0c];
    /// Frame 16: a beacon (header type 0x1d) from 0.16.617.68:be:f7:d0:8f:10.
    const BEACON: &[u8] = &[
        0x01, 0x51, 0x00, 0x02, 0x00, 0x1d, 0x00, 0x02, 0xc0, 0xcc, 0x00, 0x0c, 0x42, 0x69, 0x68, 0xbe, 0xf7, 0xd0,
        0x8f, 0x10, 0x1e, 0xae, 0xd8, 0x8f, 0x03, 0x5f, 0xbd, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0x70, 0x00,
    ];

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Geonw.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn a_basic_header_alone_has_no_info() {
        assert_eq!(info_of(&Geonw, BASIC_ONLY, Ctx::default()), "");
        let l = lines(BASIC_ONLY);
        assert_eq!(l[2], "0000 .... = Version: 0");
        assert_eq!(l[3], ".... 0000 = Next Header: ANY (0)");
        assert!(l.contains(&"[\"Remain Hop Limit\" only 0]".to_string()));
        let mut s = String::new();
        assert!(!Geonw.link_address(BASIC_ONLY, true, &[0; 6], &mut s));
    }

    #[test]
    fn a_beacon_names_its_header_type_and_sender() {
        assert_eq!(info_of(&Geonw, BEACON, Ctx::default()), "Unknown (29)");
        let mut s = String::new();
        assert!(Geonw.link_address(BEACON, true, &[0; 6], &mut s));
        assert_eq!(s, "0.16.617.68:be:f7:d0:8f:10");
        assert!(!Geonw.link_address(BEACON, false, &[0; 6], &mut String::new()));
        let l = lines(BEACON);
        assert!(l.contains(&"Header type: Unknown (0x1d)".to_string()));
        assert!(l.contains(&"Beacon Packet".to_string()));
        assert!(l.contains(&".100 00.. = ITS-S type: Unknown (16)".to_string()));
        assert!(l.contains(&"MID: 68:be:f7:d0:8f:10".to_string()));
        let mut shb = BEACON.to_vec();
        shb[at::HTYPE] = 0x50;
        assert_eq!(info_of(&Geonw, &shb, Ctx::default()), "Topologically-scoped broadcast Single-hop broadcast (SHB)");
    }

    #[test]
    fn cut_input_is_malformed_never_a_panic() {
        for n in 0..BEACON.len() {
            let info = info_of(&Geonw, &BEACON[..n], Ctx::default());
            assert!(info.ends_with("[Malformed Packet]"), "{n}: {info}");
            let _ = lines(&BEACON[..n]);
            let mut s = String::new();
            let _ = Geonw.link_address(&BEACON[..n], true, &[0; 6], &mut s);
        }
        for ht in 0..=255u8 {
            let mut p = BEACON.to_vec();
            p[at::HTYPE] = ht;
            for n in 0..p.len() {
                let _ = lines(&p[..n]);
                let _ = info_of(&Geonw, &p[..n], Ctx::default());
            }
        }
    }
}
