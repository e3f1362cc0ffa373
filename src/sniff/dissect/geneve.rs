//! Geneve, Generic Network Virtualization Encapsulation (RFC 8926), on UDP
//! port 6081: an 8-byte header (§3.4: version, options length in 4-byte
//! words, the O and C flags, the protocol type of what follows, a 24-bit
//! Virtual Network Identifier) and variable-length options (§3.5), then an
//! Ethernet frame (protocol type 0x6558) or another EtherType's payload, which
//! the walk decodes as the frame's own layers ([`Dissector::inner`]). Each
//! option is shown with its class, type and length; their data are not broken
//! down.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::be16_at;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The Geneve dissector.
pub struct Geneve;

/// Geneve's UDP port (IANA, RFC 8926 §3.3).
pub const UDP_PORT: u16 = 6081;
/// The fixed header's length.
const HEADER_LEN: usize = 8;
/// Options and their length field count 4-byte words.
const WORD: usize = 4;
/// Each option's own header: class (2), type (1), reserved bits and length (1).
const OPTION_HEADER_LEN: usize = 4;
/// The protocol type of an Ethernet frame.
const TRANSPARENT_ETHERNET: u16 = 0x6558;
/// The only version defined (§3.4).
const VERSION: u8 = 0;

/// Byte offsets (RFC 8926 §3.4).
mod at {
    pub const VERSION_LEN: usize = 0;
    pub const FLAGS: usize = 1;
    pub const PROTO: usize = 2;
    pub const VNI: usize = 4;
    pub const RESERVED: usize = 7;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl {
        name: "geneve",
        ftype: Ftype::Protocol,
        title: "Generic Network Virtualization Encapsulation",
        base: "",
    },
    FieldDecl { name: "geneve.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "geneve.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "geneve.proto_type", ftype: Ftype::Uint16, title: "Protocol Type", base: "BASE_HEX" },
    FieldDecl {
        name: "geneve.vni",
        ftype: Ftype::Uint24,
        title: "Virtual Network Identifier (VNI)",
        base: "BASE_HEX_DEC",
    },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const VERSION: usize = 1;
    pub const FLAGS: usize = 2;
    pub const PROTO: usize = 3;
    pub const VNI: usize = 4;
}

/// The header's fixed part: version, total header length, flags, protocol
/// type and VNI.
struct Header {
    version: u8,
    len: usize,
    flags: u8,
    proto: u16,
    vni: u32,
}

fn header(pdu: &[u8]) -> Option<Header> {
    let h = pdu.get(..HEADER_LEN)?;
    Some(Header {
        version: h[at::VERSION_LEN] >> 6,
        len: HEADER_LEN + usize::from(h[at::VERSION_LEN] & 0x3f) * WORD,
        flags: h[at::FLAGS],
        proto: be16_at(h, at::PROTO)?,
        vni: u32::from_be_bytes([0, h[at::VNI], h[at::VNI + 1], h[at::VNI + 2]]),
    })
}

/// tshark's name of a protocol type.
fn proto_name(t: u16) -> &'static str {
    match t {
        TRANSPARENT_ETHERNET => "Transparent Ethernet bridging",
        t => crate::sniff::dissect::link::ethertype_name(t).unwrap_or("Unknown"),
    }
}

impl Dissector for Geneve {
    fn name(&self) -> &'static str {
        "geneve"
    }

    fn title(&self) -> &'static str {
        "Generic Network Virtualization Encapsulation"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "Geneve"
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

    fn inner(&self, pdu: &[u8], _ctx: Ctx) -> Option<Inner> {
        let h = header(pdu).filter(|h| h.version == VERSION && h.len < pdu.len())?;
        let kind = match h.proto {
            TRANSPARENT_ETHERNET => InnerKind::Ethernet,
            t => InnerKind::EtherType(t),
        };
        Some(Inner { offset: h.len, kind, below: None })
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut String) {}

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let Some(h) = header(pdu) else {
            t.at(0)
                .proto("geneve")
                .bytes(o, pdu.len())
                .line(format_args!("Generic Network Virtualization Encapsulation"));
            return;
        };
        t.at(0)
            .proto("geneve")
            .bytes(o, h.len.min(pdu.len()))
            .line(format_args!("Generic Network Virtualization Encapsulation, VNI: 0x{:06x}", h.vni));
        t.at(1)
            .field("geneve.version", Ftype::Uint8, h.version)
            .bytes(o, 1)
            .line(format_args!("Version: {}", h.version));
        t.at(1).bytes(o, 1).line(format_args!("Length: {} bytes", h.len));
        let named = match (h.flags & 0x80 != 0, h.flags & 0x40 != 0) {
            (true, true) => ", Operations, Administration and Management Frame, Critical Options Present",
            (true, false) => ", Operations, Administration and Management Frame",
            (false, true) => ", Critical Options Present",
            (false, false) => "",
        };
        t.at(1)
            .field("geneve.flags", Ftype::Uint8, Value::hex(u64::from(h.flags), 2))
            .bytes(o + at::FLAGS, 1)
            .line(format_args!("Flags: 0x{:02x}{named}", h.flags));
        let flag = |t: &mut Tree, name: &'static str, mask: u8, title: &str| {
            let set = h.flags & mask != 0;
            t.at(2)
                .field(name, Ftype::Boolean, u8::from(set))
                .bytes(o + at::FLAGS, 1)
                .mask(u64::from(mask), u64::from(set))
                .line(format_args!(
                    "{} = {title}: {}",
                    masked_bits(u64::from(h.flags), u64::from(mask), 8),
                    if set { "True" } else { "False" }
                ));
        };
        flag(t, "geneve.flags.oam", 0x80, "Operations, Administration and Management Frame");
        flag(t, "geneve.flags.critical", 0x40, "Critical Options Present");
        flag(t, "geneve.flags.reserved", 0x3f, "Reserved");
        t.at(1)
            .field("geneve.proto_type", Ftype::Uint16, Value::hex16(h.proto))
            .bytes(o + at::PROTO, 2)
            .line(format_args!("Protocol Type: {} (0x{:04x})", proto_name(h.proto), h.proto));
        t.at(1)
            .field("geneve.vni", Ftype::Uint24, Value::hex(u64::from(h.vni), 6))
            .bytes(o + at::VNI, 3)
            .line(format_args!("Virtual Network Identifier (VNI): 0x{:06x} ({})", h.vni, h.vni));
        let _ = at::RESERVED;
        options_tree(t, pdu, &h, o);
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(h) = header(pdu) else { return };
        match field {
            f::VERSION => out.push(Value::Uint(u64::from(h.version))),
            f::FLAGS => out.push(Value::hex(u64::from(h.flags), 2)),
            f::PROTO => out.push(Value::hex16(h.proto)),
            f::VNI => out.push(Value::hex(u64::from(h.vni), 6)),
            _ => {}
        }
    }
}

/// The options (§3.5), each with its class, type and length; a length past the
/// options' end stops the walk.
fn options_tree(t: &mut Tree, pdu: &[u8], h: &Header, o: usize) {
    let opts_len = h.len - HEADER_LEN;
    if opts_len == 0 {
        return;
    }
    t.at(1).bytes(o + HEADER_LEN, opts_len).line(format_args!("Options: ({opts_len} bytes)"));
    let mut at = HEADER_LEN;
    while at + OPTION_HEADER_LEN <= h.len {
        let Some(opt) = pdu.get(at..at + OPTION_HEADER_LEN) else { return };
        let class = u16::from_be_bytes([opt[0], opt[1]]);
        let ty = opt[2];
        let len = OPTION_HEADER_LEN + usize::from(opt[3] & 0x1f) * WORD;
        if at + len > h.len {
            return;
        }
        let critical = if ty & 0x80 != 0 { "Critical" } else { "Non-critical" };
        t.at(2).bytes(o + at, len).line(format_args!("Option, Class: 0x{class:04x} Type: 0x{ty:02x} ({critical})"));
        t.at(3)
            .field("geneve.option.class", Ftype::Uint16, Value::hex16(class))
            .bytes(o + at, 2)
            .line(format_args!("Class: 0x{class:04x}"));
        t.at(3)
            .field("geneve.option.type", Ftype::Uint8, Value::hex(u64::from(ty), 2))
            .bytes(o + at + 2, 1)
            .line(format_args!("Type: 0x{ty:02x} ({critical})"));
        t.at(3)
            .field("geneve.option.length", Ftype::Uint8, len)
            .bytes(o + at + 3, 1)
            .line(format_args!("Length: {len} bytes"));
        at += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::values_of;

    /// geneve.pcap frame 1: 8 bytes of options (one critical option), VNI 10,
    /// Ethernet; then the inner frame's first byte.
    const HEADER: &[u8] =
        &[0x02, 0x40, 0x65, 0x58, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0xfe];

    #[test]
    fn options_are_skipped_to_the_inner_frame() {
        let inner = Geneve.inner(HEADER, Ctx::default()).unwrap();
        assert_eq!((inner.offset, inner.kind), (16, InnerKind::Ethernet));
        assert_eq!(values_of(&Geneve, HEADER, Ctx::default(), "geneve.vni"), ["0x00000a"]);
        let mut ip = HEADER.to_vec();
        ip[2..4].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(Geneve.inner(&ip, Ctx::default()).map(|i| i.kind), Some(InnerKind::EtherType(0x0800)));
        let mut t = Tree::new();
        Geneve.tree(HEADER, Ctx::default(), 42, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Generic Network Virtualization Encapsulation, VNI: 0x00000a");
        assert_eq!(lines[2], "Length: 16 bytes");
        assert_eq!(lines[3], "Flags: 0x40, Critical Options Present");
        assert_eq!(lines[7], "Protocol Type: Transparent Ethernet bridging (0x6558)");
        assert_eq!(lines[8], "Virtual Network Identifier (VNI): 0x00000a (10)");
    }

    #[test]
    fn cut_and_hostile_headers_never_panic() {
        for n in 0..HEADER.len() {
            assert_eq!(Geneve.inner(&HEADER[..n], Ctx::default()), None, "cut at {n}");
            let mut t = Tree::new();
            Geneve.tree(&HEADER[..n], Ctx::default(), 0, &mut t);
        }
        let mut hostile = HEADER.to_vec();
        hostile[0] = 0x3f;
        hostile[11] = 0x1f;
        assert_eq!(Geneve.inner(&hostile, Ctx::default()), None);
        let mut t = Tree::new();
        Geneve.tree(&hostile, Ctx::default(), 0, &mut t);
        hostile[0] = 0x80;
        assert_eq!(Geneve.inner(&hostile, Ctx::default()), None, "version 2 is not decoded");
    }
}
