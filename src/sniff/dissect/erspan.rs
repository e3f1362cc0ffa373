//! ERSPAN, Cisco's Encapsulated Remote SPAN (draft-foschiano-erspan-03, the
//! Linux and Wireshark readings of its types): a switch mirrors frames to a
//! remote analyser inside GRE. Type I (GRE protocol 0x88be, no GRE sequence
//! number) has no header of its own; type II (0x88be) an 8-byte one (§4.1);
//! type III (0x22eb) a 12-byte one (§4.2), then an 8-byte platform-specific
//! subheader when its O bit is set. Each carries the mirrored Ethernet frame,
//! which the walk decodes as the frame's own layers ([`Dissector::inner`]);
//! a type III frame type other than Ethernet stays data, and the Info is
//! then tshark's `ERSPAN:`.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The ERSPAN dissector.
pub struct Erspan;

/// GRE protocol types of ERSPAN types I and II, and of type III.
pub const ETHERTYPE_ERSPAN: u16 = 0x88be;
/// GRE protocol type of ERSPAN type III.
pub const ETHERTYPE_ERSPAN3: u16 = 0x22eb;
/// The GRE flags' sequence-number bit: without it, 0x88be is type I.
const GRE_SEQUENCE: u32 = 0x1000;

/// Header lengths (§4.1, §4.2) and the type III platform subheader.
const TYPE2_LEN: usize = 8;
const TYPE3_LEN: usize = 12;
const PLATFORM_LEN: usize = 8;
/// Type III's frame type of an Ethernet frame.
const FRAME_ETHERNET: u16 = 0;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "erspan", ftype: Ftype::Protocol, title: "Encapsulated Remote Switch Packet ANalysis", base: "" },
    FieldDecl { name: "erspan.version", ftype: Ftype::Uint16, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "erspan.vlan", ftype: Ftype::Uint16, title: "Vlan", base: "BASE_DEC" },
    FieldDecl { name: "erspan.cos", ftype: Ftype::Uint16, title: "COS", base: "BASE_DEC" },
    FieldDecl { name: "erspan.spanid", ftype: Ftype::Uint16, title: "SpanID", base: "BASE_DEC" },
    FieldDecl { name: "erspan.index", ftype: Ftype::Uint32, title: "Index", base: "BASE_DEC" },
    FieldDecl { name: "erspan.timestamp", ftype: Ftype::Uint32, title: "Timestamp", base: "BASE_DEC" },
    FieldDecl { name: "erspan.ft", ftype: Ftype::Uint16, title: "Frame Type", base: "BASE_DEC" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const VERSION: usize = 1;
    pub const VLAN: usize = 2;
    pub const COS: usize = 3;
    pub const SPANID: usize = 4;
    pub const INDEX: usize = 5;
    pub const TIMESTAMP: usize = 6;
    pub const FRAME_TYPE: usize = 7;
}

/// The three header types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    /// Type I: no header.
    One,
    /// Type II: 8 bytes.
    Two,
    /// Type III: 12 bytes, and the platform subheader.
    Three,
}

/// The header type: type I when GRE (its protocol type and flags in
/// [`Ctx::below`]) carries 0x88be without a sequence number, else the version
/// in the header's first four bits (1: type II, 2: type III).
fn header_type(pdu: &[u8], ctx: Ctx) -> Option<Type> {
    if let Some(gre) = ctx.below {
        if gre >> 16 == u32::from(ETHERTYPE_ERSPAN) && gre & GRE_SEQUENCE == 0 {
            return Some(Type::One);
        }
    }
    match pdu.first()? >> 4 {
        1 => Some(Type::Two),
        2 => Some(Type::Three),
        _ => None,
    }
}

/// The length of the header and where the mirrored Ethernet frame starts,
/// when it carries one and its header was captured.
fn ethernet_at(pdu: &[u8], ctx: Ctx) -> Option<usize> {
    match header_type(pdu, ctx)? {
        Type::One => Some(0),
        Type::Two => (pdu.len() >= TYPE2_LEN).then_some(TYPE2_LEN),
        Type::Three => {
            let last = be16_at(pdu, 10)?;
            let len = TYPE3_LEN + if last & 1 != 0 { PLATFORM_LEN } else { 0 };
            ((last >> 10) & 0x1f == FRAME_ETHERNET && pdu.len() >= len).then_some(len)
        }
    }
}

impl Dissector for Erspan {
    fn name(&self) -> &'static str {
        "erspan"
    }

    fn title(&self) -> &'static str {
        "Encapsulated Remote Switch Packet ANalysis"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "ERSPAN"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE_ERSPAN), Claim::EtherType(ETHERTYPE_ERSPAN3)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    fn inner(&self, pdu: &[u8], ctx: Ctx) -> Option<Inner> {
        let offset = ethernet_at(pdu, ctx)?;
        Some(Inner { offset, kind: InnerKind::Ethernet, below: None })
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, out: &mut String) {
        out.push_str("ERSPAN:");
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        let title = "Encapsulated Remote Switch Packet ANalysis";
        match header_type(pdu, ctx) {
            Some(Type::One) => t.at(0).proto("erspan").bytes(o, 0).line(format_args!("{title} Type I")),
            Some(Type::Two) => {
                t.at(0).proto("erspan").bytes(o, TYPE2_LEN.min(pdu.len())).line(format_args!("{title} Type II"));
                type2_tree(t, pdu, o);
            }
            Some(Type::Three) => {
                t.at(0).proto("erspan").bytes(o, TYPE3_LEN.min(pdu.len())).line(format_args!("{title} Type III"));
                type3_tree(t, pdu, o);
            }
            None => t.at(0).proto("erspan").bytes(o, pdu.len()).line(format_args!("{title}")),
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let t = header_type(pdu, ctx);
        if matches!(t, None | Some(Type::One)) {
            return;
        }
        let (Some(w0), Some(w1)) = (be16_at(pdu, 0), be16_at(pdu, 2)) else { return };
        let uint = |v: u32| Value::Uint(u64::from(v));
        match field {
            f::VERSION => out.push(uint(u32::from(w0 >> 12))),
            f::VLAN => out.push(uint(u32::from(w0 & 0x0fff))),
            f::COS => out.push(uint(u32::from(w1 >> 13))),
            f::SPANID => out.push(uint(u32::from(w1 & 0x03ff))),
            f::INDEX if t == Some(Type::Two) => out.extend(be32_at(pdu, 4).map(|v| uint(v & 0xfffff))),
            f::TIMESTAMP if t == Some(Type::Three) => out.extend(be32_at(pdu, 4).map(uint)),
            f::FRAME_TYPE if t == Some(Type::Three) => {
                out.extend(be16_at(pdu, 10).map(|v| uint(u32::from((v >> 10) & 0x1f))))
            }
            _ => {}
        }
    }
}

/// One bit field of the 16- or 32-bit word at `at`, as tshark draws it.
fn bits(t: &mut Tree, name: &'static str, word: u32, width: u32, mask: u32, at: usize, text: &str) {
    let v = (word & mask) >> mask.trailing_zeros();
    t.at(1)
        .field(name, if width == 16 { Ftype::Uint16 } else { Ftype::Uint32 }, v)
        .bytes(at, width as usize / 8)
        .mask(u64::from(mask), u64::from(v))
        .line(format_args!("{} = {text}", masked_bits(u64::from(word), u64::from(mask), width)));
}

/// The first word, common to types II and III: version, VLAN, COS, the two
/// bits that differ (II: original encapsulation; III: frame integrity),
/// truncated bit and session ID.
fn common_tree(t: &mut Tree, pdu: &[u8], o: usize, type3: bool) -> Option<()> {
    let w0 = u32::from(be16_at(pdu, 0)?);
    let version = w0 >> 12;
    let vname = match version {
        1 => "Type II",
        2 => "Type III",
        _ => "Unknown",
    };
    bits(t, "erspan.version", w0, 16, 0xf000, o, &format!("Version: {vname} ({version})"));
    bits(t, "erspan.vlan", w0, 16, 0x0fff, o, &format!("Vlan: {}", w0 & 0x0fff));
    let w1 = u32::from(be16_at(pdu, 2)?);
    bits(t, "erspan.cos", w1, 16, 0xe000, o + 2, &format!("COS: {}", w1 >> 13));
    let two = (w1 >> 11) & 3;
    if type3 {
        let name =
            ["Good or unknown integrity", "Short frame", "Oversized frame", "CRC or alignment error"][two as usize];
        bits(t, "erspan.bso", w1, 16, 0x1800, o + 2, &format!("Bad/Short/Oversized: {name} ({two})"));
    } else {
        let name = [
            "Originally without VLAN tag",
            "Originally ISL encapsulated",
            "Originally 802.1Q encapsulated",
            "VLAN tag preserved in frame",
        ][two as usize];
        bits(t, "erspan.encap", w1, 16, 0x1800, o + 2, &format!("Encap: {name} ({two})"));
    }
    let cut = (w1 >> 10) & 1;
    let cut_name = if cut == 0 { "Not truncated" } else { "Truncated" };
    bits(t, "erspan.truncated", w1, 16, 0x0400, o + 2, &format!("Truncated: {cut_name} ({cut})"));
    bits(t, "erspan.spanid", w1, 16, 0x03ff, o + 2, &format!("SpanID: {}", w1 & 0x03ff));
    Some(())
}

/// Type II (§4.1): the common word, then 12 reserved bits and a 20-bit port index.
fn type2_tree(t: &mut Tree, pdu: &[u8], o: usize) -> Option<()> {
    common_tree(t, pdu, o, false)?;
    let w = be32_at(pdu, 4)?;
    bits(t, "erspan.reserved", w, 32, 0xfff0_0000, o + 4, &format!("Reserved: {}", w >> 20));
    bits(t, "erspan.index", w, 32, 0x000f_ffff, o + 4, &format!("Index: {}", w & 0xfffff));
    Some(())
}

/// Type III (§4.2): the common word, a timestamp, the security group tag, and
/// a word of frame type, hardware ID, direction, granularity and the O bit.
fn type3_tree(t: &mut Tree, pdu: &[u8], o: usize) -> Option<()> {
    common_tree(t, pdu, o, true)?;
    let ts = be32_at(pdu, 4)?;
    bits(t, "erspan.timestamp", ts, 32, 0xffff_ffff, o + 4, &format!("Timestamp: {ts}"));
    let sgt = u32::from(be16_at(pdu, 8)?);
    bits(t, "erspan.sgt", sgt, 16, 0xffff, o + 8, &format!("Security Group Tag: {sgt}"));
    let w = u32::from(be16_at(pdu, 10)?);
    let at = o + 10;
    bits(t, "erspan.p", w, 16, 0x8000, at, &format!("Has Ethernet PDU: {}", w >> 15));
    let ft = (w >> 10) & 0x1f;
    let ft_name = if ft == u32::from(FRAME_ETHERNET) { "Ethernet" } else { "Unknown" };
    bits(t, "erspan.ft", w, 16, 0x7c00, at, &format!("Frame Type: {ft_name} ({ft})"));
    bits(t, "erspan.hw", w, 16, 0x03f0, at, &format!("Hardware ID: {}", (w >> 4) & 0x3f));
    let dir = if w & 0x8 != 0 { "Egress" } else { "Ingress" };
    t.at(1)
        .field("erspan.direction", Ftype::Boolean, u8::from(w & 0x8 != 0))
        .bytes(at, 2)
        .mask(0x8, u64::from(w & 0x8 != 0))
        .line(format_args!("{} = Direction: {dir}", masked_bits(u64::from(w), 0x8, 16)));
    let gra = (w >> 1) & 3;
    let gra_name = ["100 microseconds", "100 nanoseconds", "IEEE 1588", "Custom granularity"][gra as usize];
    bits(t, "erspan.gra", w, 16, 0x0006, at, &format!("Timestamp granularity: {gra_name} ({gra})"));
    bits(t, "erspan.o", w, 16, 0x0001, at, &format!("Optional Sub headers: {}", w & 1));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// The type II header of erspan-type-ii-2.pcap frame 1, then the frame's first bytes.
    const TYPE2: &[u8] = &[0x10, 0x65, 0xc0, 0x01, 0x00, 0x08, 0x40, 0x65, 0x01, 0x00, 0x5e];
    /// The type III header of erspan-type-iii-ft-0.pcap frame 1.
    const TYPE3: &[u8] = &[0x20, 0x14, 0x00, 0x00, 0xa3, 0x59, 0x5b, 0xff, 0x00, 0x00, 0x00, 0x06, 0x00];
    /// What GRE says: its protocol type and flags (a sequence number present).
    fn gre(proto: u16, flags: u16) -> Ctx {
        Ctx { below: Some(u32::from(proto) << 16 | u32::from(flags)), ..Ctx::default() }
    }

    #[test]
    fn each_type_says_where_the_mirrored_frame_starts() {
        fn inner(pdu: &[u8], ctx: Ctx) -> Option<usize> {
            Erspan.inner(pdu, ctx).map(|i| i.offset)
        }
        assert_eq!(inner(TYPE2, gre(0x88be, 0x1000)), Some(8));
        assert_eq!(inner(TYPE2, gre(0x88be, 0x0000)), Some(0), "no sequence number: type I");
        assert_eq!(inner(TYPE3, gre(0x22eb, 0x0000)), Some(12));
        let mut platform = TYPE3.to_vec();
        platform[11] |= 1;
        assert_eq!(inner(&platform, Ctx::default()), None, "the platform subheader was not captured");
        platform.extend([0; 8]);
        assert_eq!(inner(&platform, Ctx::default()), Some(20));
        let mut other = TYPE3.to_vec();
        other[10] = 0x1c;
        assert_eq!(inner(&other, Ctx::default()), None, "frame type 7 stays data");
        assert_eq!(info_of(&Erspan, &other, Ctx::default()), "ERSPAN:");
    }

    #[test]
    fn type2_and_type3_fields() {
        let ctx = gre(0x88be, 0x1000);
        assert_eq!(values_of(&Erspan, TYPE2, ctx, "erspan.vlan"), ["101"]);
        assert_eq!(values_of(&Erspan, TYPE2, ctx, "erspan.index"), ["540773"]);
        let mut t = Tree::new();
        Erspan.tree(TYPE2, ctx, 38, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Encapsulated Remote Switch Packet ANalysis Type II");
        assert_eq!(lines[1], "0001 .... .... .... = Version: Type II (1)");
        assert_eq!(lines[4], "...0 0... .... .... = Encap: Originally without VLAN tag (0)");
        assert_eq!(lines[8], ".... .... .... 1000 0100 0000 0110 0101 = Index: 540773");
        let mut t = Tree::new();
        Erspan.tree(TYPE3, Ctx::default(), 0, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[7], "1010 0011 0101 1001 0101 1011 1111 1111 = Timestamp: 2740542463");
        assert_eq!(lines[13], ".... .... .... .11. = Timestamp granularity: Custom granularity (3)");
    }

    #[test]
    fn cut_headers_never_panic() {
        for pdu in [TYPE2, TYPE3] {
            for n in 0..pdu.len() {
                let mut t = Tree::new();
                Erspan.tree(&pdu[..n], Ctx::default(), 0, &mut t);
                let _ = Erspan.inner(&pdu[..n], Ctx::default());
                let _ = values_of(&Erspan, &pdu[..n], Ctx::default(), "erspan.index");
            }
        }
    }
}
