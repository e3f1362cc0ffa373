//! NHRP, the NBMA Next Hop Resolution Protocol (RFC 2332), as DMVPN runs it
//! inside GRE (protocol type 0x2001): a 20-byte fixed header (§5.1: address
//! family, protocol type, hop count, length, checksum, extension offset,
//! version, packet type and the source NBMA address's type/length), then the
//! mandatory part (§5.2: protocol address lengths, flags, request ID, source
//! NBMA and protocol addresses, destination protocol address) and client
//! information entries. The Info column names the packet type and request ID,
//! and a reply's first entry's code, as tshark does. The details show the
//! fixed header and the mandatory part up to the addresses; client entries and
//! extensions are not broken down.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The NHRP dissector.
pub struct Nhrp;

/// NHRP's GRE protocol type (and EtherType).
const ETHERTYPE_NHRP: u16 = 0x2001;

/// Byte offsets of the fixed header (RFC 2332 §5.1) and the mandatory part (§5.2).
mod at {
    pub const AFN: usize = 0;
    pub const PRO_TYPE: usize = 2;
    pub const PRO_SNAP: usize = 4;
    pub const HOP_COUNT: usize = 9;
    pub const PKT_SIZE: usize = 10;
    pub const CHECKSUM: usize = 12;
    pub const EXT_OFFSET: usize = 14;
    pub const VERSION: usize = 16;
    pub const TYPE: usize = 17;
    pub const SHTL: usize = 18;
    pub const SSTL: usize = 19;
    /// The mandatory part.
    pub const SRC_PROTO_LEN: usize = 20;
    pub const DST_PROTO_LEN: usize = 21;
    pub const FLAGS: usize = 22;
    pub const REQUEST_ID: usize = 24;
    pub const SRC_NBMA: usize = 28;
}
/// Length of the fixed header.
const FIXED_LEN: usize = 20;
/// The packet type of a traffic indication, whose mandatory part has no request ID.
const TRAFFIC_INDICATION: u8 = 8;
/// Length of a client information entry's fixed part (§5.2.0.1).
const CIE_FIXED_LEN: usize = 12;
/// The type/length bytes' length bits.
const TL_LEN: u8 = 0x3f;
/// Address family number of IPv4 (IANA).
const AFN_IPV4: u16 = 1;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "nhrp", ftype: Ftype::Protocol, title: "NBMA Next Hop Resolution Protocol", base: "" },
    FieldDecl { name: "nhrp.hdr.afn", ftype: Ftype::Uint16, title: "Address Family Number", base: "BASE_HEX_DEC" },
    FieldDecl {
        name: "nhrp.hdr.pro.type",
        ftype: Ftype::Uint16,
        title: "Protocol Type (short form)",
        base: "BASE_HEX_DEC",
    },
    FieldDecl { name: "nhrp.hdr.hopcnt", ftype: Ftype::Uint8, title: "Hop Count", base: "BASE_DEC" },
    FieldDecl { name: "nhrp.hdr.pktsz", ftype: Ftype::Uint16, title: "Packet Length", base: "BASE_DEC" },
    FieldDecl { name: "nhrp.hdr.chksum", ftype: Ftype::Uint16, title: "NHRP Packet Checksum", base: "BASE_HEX" },
    FieldDecl { name: "nhrp.hdr.extoff", ftype: Ftype::Uint16, title: "Extension Offset", base: "BASE_DEC" },
    FieldDecl { name: "nhrp.hdr.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "nhrp.hdr.op.type", ftype: Ftype::Uint8, title: "NHRP Packet Type", base: "BASE_DEC" },
    FieldDecl { name: "nhrp.reqid", ftype: Ftype::Uint32, title: "Request ID", base: "BASE_HEX_DEC" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const AFN: usize = 1;
    pub const PRO_TYPE: usize = 2;
    pub const HOP_COUNT: usize = 3;
    pub const PKT_SIZE: usize = 4;
    pub const CHECKSUM: usize = 5;
    pub const EXT_OFFSET: usize = 6;
    pub const VERSION: usize = 7;
    pub const TYPE: usize = 8;
    pub const REQUEST_ID: usize = 9;
}

/// tshark's name of a packet type (RFC 2332 §5.2, Cisco's traffic indication).
fn type_name(t: u8) -> &'static str {
    match t {
        1 => "NHRP Resolution Request",
        2 => "NHRP Resolution Reply",
        3 => "NHRP Registration Request",
        4 => "NHRP Registration Reply",
        5 => "NHRP Purge Request",
        6 => "NHRP Purge Reply",
        7 => "NHRP Error Indication",
        TRAFFIC_INDICATION => "NHRP Traffic Indication",
        _ => "Unknown",
    }
}

/// The name of a client information entry's code (RFC 2332 §5.2.2, §5.2.4).
fn code_name(c: u8) -> &'static str {
    match c {
        0 => "Success",
        4 => "Administratively Prohibited",
        5 => "Insufficient Resources",
        12 => "No Interworking Layer Address to NBMA Address Binding Exists",
        13 => "Binding Exists But Is Not Unique",
        14 => "Unique Internetworking Layer Address Already Registered",
        _ => "Unknown",
    }
}

/// Whether a packet type is a reply, whose entries carry a code.
fn is_reply(t: u8) -> bool {
    matches!(t, 2 | 4 | 6)
}

/// The address lengths of the fixed header and mandatory part.
struct Lens {
    nbma: usize,
    sub: usize,
    src: usize,
    dst: usize,
}

fn lens(pdu: &[u8]) -> Option<Lens> {
    Some(Lens {
        nbma: usize::from(*pdu.get(at::SHTL)? & TL_LEN),
        sub: usize::from(*pdu.get(at::SSTL)? & TL_LEN),
        src: usize::from(*pdu.get(at::SRC_PROTO_LEN)?),
        dst: usize::from(*pdu.get(at::DST_PROTO_LEN)?),
    })
}

/// The code of the first client information entry, after the addresses.
fn first_code(pdu: &[u8]) -> Option<u8> {
    let l = lens(pdu)?;
    let cie = at::SRC_NBMA + l.nbma + l.sub + l.src + l.dst;
    pdu.get(cie..cie + CIE_FIXED_LEN)?.first().copied()
}

impl Dissector for Nhrp {
    fn name(&self) -> &'static str {
        "nhrp"
    }

    fn title(&self) -> &'static str {
        "NBMA Next Hop Resolution Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "NHRP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE_NHRP)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(&t) = pdu.get(at::TYPE) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        out.push_str(type_name(t));
        if t == TRAFFIC_INDICATION {
            return;
        }
        if let Some(id) = be32_at(pdu, at::REQUEST_ID) {
            let _ = write!(out, ", ID={id}");
        }
        if let Some(code) = first_code(pdu).filter(|_| is_reply(t)) {
            let _ = write!(out, ", Code={}", code_name(code));
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let ty = pdu.get(at::TYPE).copied();
        let title = ty.map_or("", type_name);
        t.at(0).proto("nhrp").bytes(o, pdu.len()).line(format_args!("Next Hop Resolution Protocol ({title})"));
        if fixed_tree(t, pdu, o).is_none() {
            return;
        }
        let _ = mandatory_tree(t, pdu, o, ty == Some(TRAFFIC_INDICATION));
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let byte = |i: usize| pdu.get(i).map(|&b| Value::Uint(u64::from(b)));
        let word = |i: usize| be16_at(pdu, i);
        match field {
            f::AFN => out.extend(word(at::AFN).map(|v| Value::hex(u64::from(v), 4))),
            f::PRO_TYPE => out.extend(word(at::PRO_TYPE).map(|v| Value::hex(u64::from(v), 4))),
            f::HOP_COUNT => out.extend(byte(at::HOP_COUNT)),
            f::PKT_SIZE => out.extend(word(at::PKT_SIZE).map(|v| Value::Uint(u64::from(v)))),
            f::CHECKSUM => out.extend(word(at::CHECKSUM).map(Value::hex16)),
            f::EXT_OFFSET => out.extend(word(at::EXT_OFFSET).map(|v| Value::Uint(u64::from(v)))),
            f::VERSION => out.extend(byte(at::VERSION)),
            f::TYPE => out.extend(byte(at::TYPE)),
            f::REQUEST_ID if pdu.get(at::TYPE) != Some(&TRAFFIC_INDICATION) => {
                out.extend(be32_at(pdu, at::REQUEST_ID).map(|v| Value::hex(u64::from(v), 8)))
            }
            _ => {}
        }
    }
}

/// The fixed header (§5.1), when captured whole.
fn fixed_tree(t: &mut Tree, pdu: &[u8], o: usize) -> Option<()> {
    let h = pdu.get(..FIXED_LEN)?;
    t.at(1).bytes(o, FIXED_LEN).line(format_args!("NHRP Fixed Header"));
    let afn = be16_at(h, at::AFN)?;
    let afn_name = if afn == AFN_IPV4 { "IPv4" } else { "Unknown" };
    t.at(2)
        .field("nhrp.hdr.afn", Ftype::Uint16, Value::hex(u64::from(afn), 4))
        .bytes(o + at::AFN, 2)
        .line(format_args!("Address Family Number: {afn_name} (0x{afn:04x})"));
    let pro = be16_at(h, at::PRO_TYPE)?;
    let pro_name = crate::sniff::dissect::link::ethertype_name(pro).unwrap_or("Unknown");
    t.at(2)
        .field("nhrp.hdr.pro.type", Ftype::Uint16, Value::hex(u64::from(pro), 4))
        .bytes(o + at::PRO_TYPE, 2)
        .line(format_args!("Protocol Type (short form): {pro_name} (0x{pro:04x})"));
    let snap = crate::sniff::render::Hex(&h[at::PRO_SNAP..at::HOP_COUNT]);
    t.at(2).bytes(o + at::PRO_SNAP, 5).line(format_args!("Protocol Type (long form): {snap}"));
    let hops = h[at::HOP_COUNT];
    t.at(2)
        .field("nhrp.hdr.hopcnt", Ftype::Uint8, hops)
        .bytes(o + at::HOP_COUNT, 1)
        .line(format_args!("Hop Count: {hops}"));
    let size = be16_at(h, at::PKT_SIZE)?;
    t.at(2)
        .field("nhrp.hdr.pktsz", Ftype::Uint16, size)
        .bytes(o + at::PKT_SIZE, 2)
        .line(format_args!("Packet Length: {size}"));
    let sum = be16_at(h, at::CHECKSUM)?;
    t.at(2)
        .field("nhrp.hdr.chksum", Ftype::Uint16, Value::hex16(sum))
        .bytes(o + at::CHECKSUM, 2)
        .line(format_args!("NHRP Packet Checksum: 0x{sum:04x}"));
    let ext = be16_at(h, at::EXT_OFFSET)?;
    t.at(2)
        .field("nhrp.hdr.extoff", Ftype::Uint16, ext)
        .bytes(o + at::EXT_OFFSET, 2)
        .line(format_args!("Extension Offset: {ext}"));
    let v = h[at::VERSION];
    let v_name = if v == 1 { "NHRP - rfc2332" } else { "Unknown" };
    t.at(2)
        .field("nhrp.hdr.version", Ftype::Uint8, v)
        .bytes(o + at::VERSION, 1)
        .line(format_args!("Version: {v} ({v_name})"));
    let ty = h[at::TYPE];
    t.at(2)
        .field("nhrp.hdr.op.type", Ftype::Uint8, ty)
        .bytes(o + at::TYPE, 1)
        .line(format_args!("NHRP Packet Type: {} ({ty})", type_name(ty)));
    for (i, title) in [(at::SHTL, "Source Address Type/Len"), (at::SSTL, "Source SubAddress Type/Len")] {
        let tl = h[i];
        let kind = if tl & 0x40 != 0 { "E.164 format" } else { "NSAP format" };
        t.at(2).bytes(o + i, 1).line(format_args!("{title}: {kind}/{}", tl & TL_LEN));
    }
    Some(())
}

/// The mandatory part (§5.2) up to the addresses.
fn mandatory_tree(t: &mut Tree, pdu: &[u8], o: usize, indication: bool) -> Option<()> {
    let l = lens(pdu)?;
    t.at(1).bytes(o + FIXED_LEN, pdu.len() - FIXED_LEN).line(format_args!("NHRP Mandatory Part"));
    t.at(2)
        .field("nhrp.src.prot.len", Ftype::Uint16, l.src)
        .bytes(o + at::SRC_PROTO_LEN, 1)
        .line(format_args!("Source Protocol Len: {}", l.src));
    t.at(2)
        .field("nhrp.dst.prot.len", Ftype::Uint16, l.dst)
        .bytes(o + at::DST_PROTO_LEN, 1)
        .line(format_args!("Destination Protocol Len: {}", l.dst));
    let mut next = at::FLAGS;
    if !indication {
        let flags = be16_at(pdu, at::FLAGS)?;
        t.at(2)
            .field("nhrp.flags", Ftype::Uint16, Value::hex16(flags))
            .bytes(o + at::FLAGS, 2)
            .line(format_args!("Flags: 0x{flags:04x}"));
        let id = be32_at(pdu, at::REQUEST_ID)?;
        t.at(2)
            .field("nhrp.reqid", Ftype::Uint32, Value::hex(u64::from(id), 8))
            .bytes(o + at::REQUEST_ID, 4)
            .line(format_args!("Request ID: 0x{id:08x} ({id})"));
        next = at::SRC_NBMA;
    }
    let addresses = [
        ("nhrp.src.nbma.addr", "Source NBMA Address", l.nbma),
        ("", "", l.sub),
        ("nhrp.src.prot.addr", "Source Protocol Address", l.src),
        ("nhrp.dst.prot.addr", "Destination Protocol Address", l.dst),
    ];
    for (name, title, len) in addresses {
        let bytes = pdu.get(next..next + len)?;
        if let (false, Ok(a)) = (name.is_empty(), <[u8; 4]>::try_from(bytes)) {
            let a = Ipv4Addr::from(a);
            t.at(2).field(name, Ftype::Ipv4, a).bytes(o + next, len).line(format_args!("{title}: {a}"));
        }
        next += len;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// nhrp.pcapng frame 1: a Registration Request, ID 21, with one entry.
    const REQUEST: &[u8] = &[
        0x00, 0x01, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff, 0x00, 0x68, 0xaf, 0x15, 0x00, 0x34, 0x01, 0x03, 0x04,
        0x00, // fixed
        0x04, 0x04, 0x80, 0x02, 0x00, 0x00, 0x00, 0x15, 100, 1, 2, 27, 10, 65, 0, 3, 10, 65, 0, 1, // mandatory
        0x00, 0x20, 0x00, 0x00, 0x45, 0xfc, 0x1c, 0x20, 0x00, 0x00, 0x00, 0x00, // client information entry
    ];

    #[test]
    fn info_names_the_type_the_request_id_and_a_replys_code() {
        assert_eq!(info_of(&Nhrp, REQUEST, Ctx::default()), "NHRP Registration Request, ID=21");
        let mut reply = REQUEST.to_vec();
        reply[at::TYPE] = 4;
        assert_eq!(info_of(&Nhrp, &reply, Ctx::default()), "NHRP Registration Reply, ID=21, Code=Success");
        reply[at::TYPE] = TRAFFIC_INDICATION;
        assert_eq!(info_of(&Nhrp, &reply, Ctx::default()), "NHRP Traffic Indication");
        assert_eq!(values_of(&Nhrp, REQUEST, Ctx::default(), "nhrp.reqid"), ["0x00000015"]);
    }

    #[test]
    fn the_tree_shows_the_header_and_addresses() {
        let mut t = Tree::new();
        Nhrp.tree(REQUEST, Ctx::default(), 42, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Next Hop Resolution Protocol (NHRP Registration Request)");
        assert!(lines.contains(&"NHRP Packet Type: NHRP Registration Request (3)"));
        assert!(lines.contains(&"Request ID: 0x00000015 (21)"));
        assert!(lines.contains(&"Source NBMA Address: 100.1.2.27"));
        assert!(lines.contains(&"Destination Protocol Address: 10.65.0.1"));
    }

    #[test]
    fn cut_and_hostile_packets_never_panic() {
        for n in 0..REQUEST.len() {
            let mut t = Tree::new();
            Nhrp.tree(&REQUEST[..n], Ctx::default(), 0, &mut t);
            let _ = info_of(&Nhrp, &REQUEST[..n], Ctx::default());
        }
        let mut hostile = REQUEST.to_vec();
        hostile[at::SHTL] = 0x3f;
        hostile[at::SRC_PROTO_LEN] = 0xff;
        assert_eq!(info_of(&Nhrp, &hostile, Ctx::default()), "NHRP Registration Request, ID=21");
        let mut t = Tree::new();
        Nhrp.tree(&hostile, Ctx::default(), 0, &mut t);
    }
}
