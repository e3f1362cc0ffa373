//! Cisco MetaData (EtherType 0x8909, Cisco TrustSec's inline tagging): an
//! 8-byte header with a version, a length, options and the Security Group Tag
//! (SGT) a switch gave the traffic, and the EtherType of what follows. On
//! Ethernet the type comes last; inside GRE (as Cisco's DMVPN and GRE tunnels
//! send it) it comes first, as the GRE header's own protocol type would. A
//! one-file tunnel through [`Dissector::inner`]: what follows is decoded as
//! the frame's next layer.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::be16_at;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The Cisco MetaData dissector.
pub struct Cmd;

/// Cisco MetaData's EtherType.
const ETHERTYPE_CMD: u16 = 0x8909;
/// The header's length.
const HEADER_LEN: usize = 8;

/// Where each field is: on Ethernet, and after a GRE header.
struct Layout {
    version: usize,
    length: usize,
    options: usize,
    sgt: usize,
    ty: usize,
}

/// On Ethernet: version, length, options, SGT, type.
const ON_ETHERNET: Layout = Layout { version: 0, length: 1, options: 2, sgt: 4, ty: 6 };
/// After GRE: type, version, length, options, SGT.
const IN_GRE: Layout = Layout { ty: 0, version: 2, length: 3, options: 4, sgt: 6 };

/// The layout of a PDU handed over by `ctx`: a GRE header says so in [`Ctx::below`].
fn layout(ctx: Ctx) -> &'static Layout {
    if ctx.below.is_some() {
        &IN_GRE
    } else {
        &ON_ETHERNET
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "cmd", ftype: Ftype::Protocol, title: "Cisco MetaData", base: "" },
    FieldDecl { name: "cmd.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "cmd.length", ftype: Ftype::Uint8, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "cmd.options", ftype: Ftype::Uint16, title: "Options", base: "BASE_HEX" },
    FieldDecl { name: "cmd.sgt", ftype: Ftype::Uint16, title: "SGT", base: "BASE_DEC" },
    FieldDecl { name: "cmd.type", ftype: Ftype::Uint16, title: "Type", base: "BASE_HEX" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const VERSION: usize = 1;
    pub const LENGTH: usize = 2;
    pub const OPTIONS: usize = 3;
    pub const SGT: usize = 4;
    pub const TYPE: usize = 5;
}

impl Dissector for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn title(&self) -> &'static str {
        "Cisco MetaData"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "CMD"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE_CMD)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn inner(&self, pdu: &[u8], ctx: Ctx) -> Option<Inner> {
        let ty = be16_at(pdu, layout(ctx).ty)?;
        (pdu.len() >= HEADER_LEN).then_some(Inner { offset: HEADER_LEN, kind: InnerKind::EtherType(ty), below: None })
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut String) {}

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("cmd").bytes(o, HEADER_LEN.min(pdu.len())).line(format_args!("Cisco MetaData"));
        let l = layout(ctx);
        let type_line = |t: &mut Tree| {
            if let Some(ty) = be16_at(pdu, l.ty) {
                let name = crate::sniff::dissect::link::ethertype_name(ty).unwrap_or("Unknown");
                t.at(1)
                    .field("cmd.type", Ftype::Uint16, Value::hex16(ty))
                    .bytes(o + l.ty, 2)
                    .line(format_args!("Type: {name} (0x{ty:04x})"));
            }
        };
        // tshark shows the fields in the order of the bytes.
        if l.ty == 0 {
            type_line(t);
        }
        if let Some(&v) = pdu.get(l.version) {
            t.at(1).field("cmd.version", Ftype::Uint8, v).bytes(o + l.version, 1).line(format_args!("Version: {v}"));
        }
        if let Some(&n) = pdu.get(l.length) {
            t.at(1).field("cmd.length", Ftype::Uint8, n).bytes(o + l.length, 1).line(format_args!("Length: {n}"));
        }
        if let Some(opts) = be16_at(pdu, l.options) {
            t.at(1)
                .field("cmd.options", Ftype::Uint16, Value::hex16(opts))
                .bytes(o + l.options, 2)
                .line(format_args!("Options: 0x{opts:04x}"));
        }
        if let Some(sgt) = be16_at(pdu, l.sgt) {
            t.at(1).field("cmd.sgt", Ftype::Uint16, sgt).bytes(o + l.sgt, 2).line(format_args!("SGT: {sgt}"));
        }
        if l.ty != 0 {
            type_line(t);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let l = layout(ctx);
        let byte = |i: usize| pdu.get(i).map(|&b| Value::Uint(u64::from(b)));
        match field {
            f::VERSION => out.extend(byte(l.version)),
            f::LENGTH => out.extend(byte(l.length)),
            f::OPTIONS => out.extend(be16_at(pdu, l.options).map(Value::hex16)),
            f::SGT => out.extend(be16_at(pdu, l.sgt).map(|v| Value::Uint(u64::from(v)))),
            f::TYPE => out.extend(be16_at(pdu, l.ty).map(Value::hex16)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::values_of;

    /// various_gre.pcap frame 25: the header after GRE (type IPv4 first).
    const IN_GRE_HEADER: &[u8] = &[0x08, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x45];

    fn from_gre() -> Ctx {
        Ctx { below: Some(0x8909_2000), ..Ctx::default() }
    }

    #[test]
    fn the_type_says_what_follows_in_either_layout() {
        let inner = Cmd.inner(IN_GRE_HEADER, from_gre()).unwrap();
        assert_eq!((inner.offset, inner.kind), (8, InnerKind::EtherType(0x0800)));
        assert_eq!(values_of(&Cmd, IN_GRE_HEADER, from_gre(), "cmd.version"), ["1"]);
        let on_ethernet = [0x01, 0x01, 0x00, 0x01, 0x00, 0x05, 0x86, 0xdd];
        assert_eq!(Cmd.inner(&on_ethernet, Ctx::default()).map(|i| i.kind), Some(InnerKind::EtherType(0x86dd)));
        assert_eq!(values_of(&Cmd, &on_ethernet, Ctx::default(), "cmd.sgt"), ["5"]);
        let mut t = Tree::new();
        Cmd.tree(IN_GRE_HEADER, from_gre(), 46, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(
            lines,
            ["Cisco MetaData", "Type: IPv4 (0x0800)", "Version: 1", "Length: 1", "Options: 0x0001", "SGT: 0"]
        );
    }

    #[test]
    fn a_cut_header_carries_nothing() {
        for n in 0..HEADER_LEN {
            assert_eq!(Cmd.inner(&IN_GRE_HEADER[..n], from_gre()), None);
            let mut t = Tree::new();
            Cmd.tree(&IN_GRE_HEADER[..n], from_gre(), 0, &mut t);
        }
    }
}
