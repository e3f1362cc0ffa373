//! VXLAN, Virtual eXtensible Local Area Network (RFC 7348), on UDP port 4789:
//! an 8-byte header (§5: flags with the I bit, a 24-bit VXLAN Network
//! Identifier) before a whole Ethernet frame, which the walk decodes as the
//! frame's own layers ([`Dissector::inner`]). The Group Policy extension's
//! bits and ID (draft-smith-vxlan-group-policy) are shown as tshark shows them.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The VXLAN dissector.
pub struct Vxlan;

/// VXLAN's UDP port (IANA, RFC 7348 §5).
pub const UDP_PORT: u16 = 4789;
/// The header's length: the inner frame starts after it.
const HEADER_LEN: usize = 8;

/// Byte offsets (RFC 7348 §5).
mod at {
    pub const FLAGS: usize = 0;
    pub const GROUP_POLICY: usize = 2;
    pub const VNI: usize = 4;
    pub const RESERVED: usize = 7;
}

/// The flags word's bits: Group Based Policy, VNI present (I), Don't Learn,
/// Policy Applied, and the reserved ones.
mod bit {
    pub const GBP: u16 = 0x8000;
    pub const VNI: u16 = 0x0800;
    pub const DONT_LEARN: u16 = 0x0040;
    pub const POLICY_APPLIED: u16 = 0x0008;
    pub const RESERVED: u16 = 0x77b7;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "vxlan", ftype: Ftype::Protocol, title: "Virtual eXtensible Local Area Network", base: "" },
    FieldDecl { name: "vxlan.flags", ftype: Ftype::Uint16, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "vxlan.gbp", ftype: Ftype::Uint16, title: "Group Policy ID", base: "BASE_DEC" },
    FieldDecl { name: "vxlan.vni", ftype: Ftype::Uint24, title: "VXLAN Network Identifier (VNI)", base: "BASE_DEC" },
    FieldDecl { name: "vxlan.reserved8", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_DEC" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const FLAGS: usize = 1;
    pub const GPID: usize = 2;
    pub const VNI: usize = 3;
    pub const RESERVED: usize = 4;
}

impl Dissector for Vxlan {
    fn name(&self) -> &'static str {
        "vxlan"
    }

    fn title(&self) -> &'static str {
        "Virtual eXtensible Local Area Network"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "VXLAN"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn inner(&self, pdu: &[u8], _ctx: Ctx) -> Option<Inner> {
        (pdu.len() > HEADER_LEN).then_some(Inner { offset: HEADER_LEN, kind: InnerKind::Ethernet, below: None })
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut String) {}

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0)
            .proto("vxlan")
            .bytes(o, HEADER_LEN.min(pdu.len()))
            .line(format_args!("Virtual eXtensible Local Area Network"));
        let Some(flags) = be16_at(pdu, at::FLAGS) else { return };
        let named = if flags & bit::VNI != 0 { ", VXLAN Network ID (VNI)" } else { "" };
        t.at(1)
            .field("vxlan.flags", Ftype::Uint16, Value::hex16(flags))
            .bytes(o, 2)
            .line(format_args!("Flags: 0x{flags:04x}{named}"));
        let bits = |t: &mut Tree, name: &'static str, mask: u16, title: &str, yes: &str, no: &str| {
            let set = flags & mask != 0;
            t.at(2).field(name, Ftype::Boolean, u8::from(set)).bytes(o, 2).mask(u64::from(mask), u64::from(set)).line(
                format_args!(
                    "{} = {title}: {}",
                    masked_bits(u64::from(flags), u64::from(mask), 16),
                    if set { yes } else { no }
                ),
            );
        };
        bits(t, "vxlan.flag_g", bit::GBP, "GBP Extension", "Defined", "Not defined");
        bits(t, "vxlan.flag_i", bit::VNI, "VXLAN Network ID (VNI)", "True", "False");
        bits(t, "vxlan.flag_d", bit::DONT_LEARN, "Don't Learn", "True", "False");
        bits(t, "vxlan.flag_a", bit::POLICY_APPLIED, "Policy Applied", "True", "False");
        let reserved = flags & bit::RESERVED;
        t.at(2)
            .field("vxlan.flags_reserved", Ftype::Uint16, Value::hex16(reserved))
            .bytes(o, 2)
            .mask(u64::from(bit::RESERVED), u64::from(reserved))
            .line(format_args!(
                "{} = Reserved(R): 0x{reserved:04x}",
                masked_bits(u64::from(flags), u64::from(bit::RESERVED), 16)
            ));
        if let Some(gpid) = be16_at(pdu, at::GROUP_POLICY) {
            t.at(1)
                .field("vxlan.gbp", Ftype::Uint16, gpid)
                .bytes(o + at::GROUP_POLICY, 2)
                .line(format_args!("Group Policy ID: {gpid}"));
        }
        if let Some(word) = be32_at(pdu, at::VNI) {
            let vni = word >> 8;
            t.at(1)
                .field("vxlan.vni", Ftype::Uint24, vni)
                .bytes(o + at::VNI, 3)
                .line(format_args!("VXLAN Network Identifier (VNI): {vni}"));
            let reserved = word & 0xff;
            t.at(1)
                .field("vxlan.reserved8", Ftype::Uint8, reserved)
                .bytes(o + at::RESERVED, 1)
                .line(format_args!("Reserved: {reserved}"));
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let word = be32_at(pdu, at::VNI);
        match field {
            f::FLAGS => out.extend(be16_at(pdu, at::FLAGS).map(Value::hex16)),
            f::GPID => out.extend(be16_at(pdu, at::GROUP_POLICY).map(|v| Value::Uint(u64::from(v)))),
            f::VNI => out.extend(word.map(|w| Value::Uint(u64::from(w >> 8)))),
            f::RESERVED => out.extend(word.map(|w| Value::Uint(u64::from(w & 0xff)))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::values_of;

    /// The VXLAN header of vxlan.pcap frame 1 (VNI 100) and the inner frame's first byte.
    const HEADER: &[u8] = &[0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00];

    #[test]
    fn the_inner_frame_follows_the_header() {
        let inner = Vxlan.inner(HEADER, Ctx::default()).unwrap();
        assert_eq!((inner.offset, inner.kind), (8, InnerKind::Ethernet));
        assert_eq!(values_of(&Vxlan, HEADER, Ctx::default(), "vxlan.vni"), ["100"]);
        let mut t = Tree::new();
        Vxlan.tree(HEADER, Ctx::default(), 42, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[1], "Flags: 0x0800, VXLAN Network ID (VNI)");
        assert_eq!(lines[3], ".... 1... .... .... = VXLAN Network ID (VNI): True");
        assert_eq!(lines[6], ".000 .000 0.00 .000 = Reserved(R): 0x0000");
        assert_eq!(lines[8], "VXLAN Network Identifier (VNI): 100");
    }

    #[test]
    fn a_cut_header_carries_nothing_and_never_panics() {
        for n in 0..HEADER.len() {
            assert_eq!(Vxlan.inner(&HEADER[..n], Ctx::default()), None);
            let mut t = Tree::new();
            Vxlan.tree(&HEADER[..n], Ctx::default(), 0, &mut t);
        }
    }
}
