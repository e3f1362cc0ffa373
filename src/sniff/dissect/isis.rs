//! IS-IS, the link-state routing protocol of ISO 10589 (used for IP by RFC 1195):
//! routers greet their neighbours with Hellos (IIH, §9.5–9.7), flood their
//! link-state PDUs (LSP, §9.8) and keep their databases in step with complete
//! and partial sequence-number PDUs (CSNP, PSNP, §9.10–9.11). On a LAN its PDUs
//! ride in IEEE 802.3 frames with LLC SAP 0xfe, after the discriminator 0x83.
//! Decoded here: the common header (§9.5) and each PDU type's fixed header;
//! the TLVs after it are left undecoded.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use super::llc;
use crate::proto::bytes::{be16, be32};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The IS-IS dissector.
pub struct Isis;

/// The LLC SAP of ISO network-layer protocols (ISO 8802-2).
const LLC_SAP: u8 = 0xfe;
/// The Intradomain Routing Protocol Discriminator of IS-IS (ISO 9577).
const IRPD_ISIS: u8 = 0x83;

/// Byte offsets in the common header (ISO 10589 §9.5).
mod at {
    pub const IRPD: usize = 0;
    pub const LEN: usize = 1;
    pub const VERSION: usize = 2;
    pub const SYSID_LEN: usize = 3;
    pub const TYPE: usize = 4;
    pub const VERSION2: usize = 5;
    pub const RESERVED: usize = 6;
    pub const MAX_AREA: usize = 7;
    /// The PDU type's own header starts here.
    pub const BODY: usize = 8;
}
/// The common header's length.
const COMMON_LEN: usize = 8;
/// The PDU type is the low five bits of its byte.
const TYPE_MASK: u8 = 0x1f;
/// A system ID (this decoder takes ID Length 0 as the default, 6 bytes).
const SYSID_LEN: usize = 6;

/// PDU types (ISO 10589 §9.5–9.11).
const L1_HELLO: u8 = 15;
const L2_HELLO: u8 = 16;
const P2P_HELLO: u8 = 17;
const L1_LSP: u8 = 18;
const L2_LSP: u8 = 20;
const L1_CSNP: u8 = 24;
const L2_CSNP: u8 = 25;
const L1_PSNP: u8 = 26;
const L2_PSNP: u8 = 27;

/// The four families of PDU.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Hello,
    Lsp,
    Csnp,
    Psnp,
}

/// The family and level name (`L1`, `L2`, `P2P`) of a PDU type.
fn kind(t: u8) -> Option<(Kind, &'static str)> {
    Some(match t {
        L1_HELLO => (Kind::Hello, "L1"),
        L2_HELLO => (Kind::Hello, "L2"),
        P2P_HELLO => (Kind::Hello, "P2P"),
        L1_LSP => (Kind::Lsp, "L1"),
        L2_LSP => (Kind::Lsp, "L2"),
        L1_CSNP => (Kind::Csnp, "L1"),
        L2_CSNP => (Kind::Csnp, "L2"),
        L1_PSNP => (Kind::Psnp, "L1"),
        L2_PSNP => (Kind::Psnp, "L2"),
        _ => return None,
    })
}

/// Wireshark's name of a PDU type.
fn type_name(t: u8) -> String {
    match kind(t) {
        Some((k, level)) => format!("{level} {}", kind_word(k)),
        None => "Unknown".into(),
    }
}

/// The word of a PDU family in the Info and Protocol columns.
fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Hello => "HELLO",
        Kind::Lsp => "LSP",
        Kind::Csnp => "CSNP",
        Kind::Psnp => "PSNP",
    }
}

/// The fixed header's length of each family (ISO 10589 §9.5–9.11), common header included.
fn header_len(t: u8) -> usize {
    match t {
        L1_HELLO | L2_HELLO => 27,
        P2P_HELLO => 20,
        L1_LSP | L2_LSP => 27,
        L1_CSNP | L2_CSNP => 33,
        L1_PSNP | L2_PSNP => 17,
        _ => COMMON_LEN,
    }
}

/// A system ID as `3333.3333.3333`, with a pseudonode byte (`.02`) and an LSP
/// number (`-00`) when `b` is 7 or 8 bytes long.
fn system_id(b: &[u8]) -> String {
    let mut s = String::new();
    for (i, pair) in b.iter().take(SYSID_LEN).collect::<Vec<_>>().chunks(2).enumerate() {
        if i > 0 {
            s.push('.');
        }
        for byte in pair {
            let _ = write!(s, "{byte:02x}");
        }
    }
    if let Some(p) = b.get(SYSID_LEN) {
        let _ = write!(s, ".{p:02x}");
    }
    if let Some(n) = b.get(SYSID_LEN + 1) {
        let _ = write!(s, "-{n:02x}");
    }
    s
}

/// The protocol ID of OSI on Cisco HDLC, which hands IS-IS over after one
/// byte of padding (as tcpdump and Wireshark read it).
const CHDLC_OSI: u16 = 0xfefe;

/// How many bytes come before the IS-IS PDU in `pdu`: an LLC header (IEEE 802.3
/// frames), or on Cisco HDLC none or one byte of padding.
fn lead(pdu: &[u8]) -> Option<usize> {
    match pdu {
        [LLC_SAP, LLC_SAP, ..] => llc::u_header_len(pdu),
        [IRPD_ISIS, ..] => Some(0),
        [_, IRPD_ISIS, ..] => Some(1),
        _ => None,
    }
}

/// Whether `pdu` starts with an LLC header.
fn on_llc(pdu: &[u8]) -> bool {
    pdu.starts_with(&[LLC_SAP, LLC_SAP])
}

/// The IS-IS PDU after the LLC header or padding of `pdu`.
fn body(pdu: &[u8]) -> Option<&[u8]> {
    pdu.get(lead(pdu)?..)
}

/// The PDU type of an IS-IS PDU.
fn pdu_type(b: &[u8]) -> Option<u8> {
    (*b.get(at::IRPD)? == IRPD_ISIS).then(|| b.get(at::TYPE).map(|t| t & TYPE_MASK))?
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl {
        name: "isis",
        ftype: Ftype::Protocol,
        title: "ISO 10589 ISIS InTRA Domain Routeing Information Exchange Protocol",
        base: "",
    },
    FieldDecl {
        name: "isis.irpd",
        ftype: Ftype::Uint8,
        title: "Intradomain Routing Protocol Discriminator",
        base: "BASE_HEX",
    },
    FieldDecl { name: "isis.len", ftype: Ftype::Uint8, title: "Length Indicator", base: "BASE_DEC" },
    FieldDecl { name: "isis.version", ftype: Ftype::Uint8, title: "Version/Protocol ID Extension", base: "BASE_DEC" },
    FieldDecl { name: "isis.sysid_len", ftype: Ftype::Uint8, title: "ID Length", base: "BASE_DEC" },
    FieldDecl { name: "isis.type", ftype: Ftype::Uint8, title: "PDU Type", base: "BASE_DEC" },
    FieldDecl { name: "isis.type.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "isis.version2", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "isis.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_DEC" },
    FieldDecl { name: "isis.max_area_adr", ftype: Ftype::Uint8, title: "Maximum Area Addresses", base: "BASE_DEC" },
    FieldDecl { name: "isis.hello.circuit_type", ftype: Ftype::Uint8, title: "Circuit type", base: "BASE_HEX" },
    FieldDecl { name: "isis.hello.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "isis.hello.source_id", ftype: Ftype::String, title: "SystemID {Sender of PDU}", base: "" },
    FieldDecl { name: "isis.hello.holding_timer", ftype: Ftype::Uint16, title: "Holding timer", base: "BASE_DEC" },
    FieldDecl { name: "isis.hello.pdu_length", ftype: Ftype::Uint16, title: "PDU length", base: "BASE_DEC" },
    FieldDecl { name: "isis.hello.priority", ftype: Ftype::Uint8, title: "Priority", base: "BASE_DEC" },
    FieldDecl { name: "isis.hello.lan_id", ftype: Ftype::String, title: "SystemID {Designated IS}", base: "" },
    FieldDecl { name: "isis.hello.local_circuit_id", ftype: Ftype::Uint8, title: "Local circuit ID", base: "BASE_DEC" },
    FieldDecl { name: "isis.lsp.pdu_length", ftype: Ftype::Uint16, title: "PDU length", base: "BASE_DEC" },
    FieldDecl { name: "isis.lsp.remaining_life", ftype: Ftype::Uint16, title: "Remaining lifetime", base: "BASE_DEC" },
    FieldDecl { name: "isis.lsp.lsp_id", ftype: Ftype::String, title: "LSP-ID", base: "" },
    FieldDecl { name: "isis.lsp.sequence_number", ftype: Ftype::Uint32, title: "Sequence number", base: "BASE_HEX" },
    FieldDecl { name: "isis.lsp.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "isis.csnp.pdu_length", ftype: Ftype::Uint16, title: "PDU length", base: "BASE_DEC" },
    FieldDecl { name: "isis.csnp.source_id", ftype: Ftype::String, title: "Source-ID", base: "" },
    FieldDecl { name: "isis.csnp.source_circuit", ftype: Ftype::Bytes, title: "Source-ID-Circuit", base: "BASE_NONE" },
    FieldDecl { name: "isis.csnp.start_lsp_id", ftype: Ftype::String, title: "Start LSP-ID", base: "" },
    FieldDecl { name: "isis.csnp.end_lsp_id", ftype: Ftype::String, title: "End LSP-ID", base: "" },
    FieldDecl { name: "isis.psnp.pdu_length", ftype: Ftype::Uint16, title: "PDU length", base: "BASE_DEC" },
    FieldDecl { name: "isis.psnp.source_id", ftype: Ftype::String, title: "Source-ID", base: "" },
    FieldDecl { name: "isis.psnp.source_circuit", ftype: Ftype::Bytes, title: "Source-ID-Circuit", base: "BASE_NONE" },
    FieldDecl { name: "isis.lsp.checksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
];

impl Isis {
    /// `frame.protocols` from the LLC header on.
    fn osi_protocols(&self, pdu: &[u8]) -> &'static str {
        match body(pdu).and_then(pdu_type).and_then(kind) {
            Some((Kind::Hello, _)) => "llc:osi:isis:isis.hello",
            Some((Kind::Lsp, _)) => "llc:osi:isis:isis.lsp",
            Some((Kind::Csnp, _)) => "llc:osi:isis:isis.csnp",
            Some((Kind::Psnp, _)) => "llc:osi:isis:isis.psnp",
            None => "llc:osi:isis",
        }
    }
}

impl Dissector for Isis {
    fn name(&self) -> &'static str {
        "isis"
    }

    fn title(&self) -> &'static str {
        "ISO 10589 ISIS InTRA Domain Routeing Information Exchange Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match body(pdu).and_then(pdu_type).and_then(kind) {
            Some((Kind::Hello, _)) => "ISIS HELLO",
            Some((Kind::Lsp, _)) => "ISIS LSP",
            Some((Kind::Csnp, _)) => "ISIS CSNP",
            Some((Kind::Psnp, _)) => "ISIS PSNP",
            None => "ISIS",
        }
    }

    /// On Cisco HDLC's protocol 0xfefe, only bytes that start an IS-IS PDU
    /// (after at most one byte of padding): an Ethernet frame of the same type
    /// is not OSI, and tshark names it by its number.
    fn accepts(&self, pdu: &[u8]) -> bool {
        lead(pdu).is_some()
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::LlcSap(LLC_SAP), Claim::EtherType(CHDLC_OSI)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark lists the LLC header and the OSI layer before IS-IS and its PDU type.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        let p = self.osi_protocols(pdu);
        if on_llc(pdu) {
            p
        } else {
            p.trim_start_matches("llc:")
        }
    }

    /// Off Ethernet, tshark's OSI layer leaves IS-IS frames with `N/A` addresses.
    fn unaddressed_na(&self) -> bool {
        true
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(b) = body(pdu) else { return };
        let Some(t) = pdu_type(b) else { return };
        let Some((k, level)) = kind(t) else {
            let _ = write!(out, "Unknown ISIS PDU type ({t})");
            return;
        };
        let _ = write!(out, "{level} {}", kind_word(k));
        let id = |from: usize, len: usize| b.get(from..from + len).map(system_id);
        let _ = match k {
            Kind::Hello => id(9, SYSID_LEN).map(|s| write!(out, ", System-ID: {s}")),
            Kind::Lsp => id(12, SYSID_LEN + 2).map(|s| write!(out, ", LSP-ID: {s}")),
            Kind::Csnp | Kind::Psnp => id(10, SYSID_LEN + 1).map(|s| write!(out, ", Source-ID: {s}")),
        };
        match k {
            Kind::Lsp if b.len() >= 24 => {
                let _ = write!(out, ", Sequence: 0x{:08x}, Lifetime: {:5}s", be32(b, 20), be16(b, 10));
            }
            Kind::Csnp if b.len() >= 33 => {
                let _ = write!(out, ", Start LSP-ID: {}, End LSP-ID: {}", system_id(&b[17..25]), system_id(&b[25..33]));
            }
            _ => {}
        }
        if b.len() < header_len(t) {
            out.push_str("[Malformed Packet]");
        } else if k == Kind::Lsp && lsp_checksum_ok(b) == Some(false) {
            out.push_str(" [ISIS CHECKSUM INCORRECT]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        if on_llc(pdu) && !llc::tree(out, pdu, o) {
            malformed(out, "LLC");
            return;
        }
        let Some(lead) = lead(pdu) else { return };
        let b = &pdu[lead..];
        let o = o + lead;
        out.at(0).proto("isis").bytes(o, b.len()).line(format_args!("{}", self.title()));
        if !common(out, b, o) {
            malformed(out, "ISIS");
            return;
        }
        let t = b[at::TYPE] & TYPE_MASK;
        if let Some((k, _)) = kind(t) {
            if !fixed(out, b, o, k, t) {
                malformed(out, "ISIS");
            }
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The common header's items (ISO 10589 §9.5); false when it is cut short.
fn common(out: &mut Tree, b: &[u8], o: usize) -> bool {
    let Some(h) = b.get(..COMMON_LEN) else { return false };
    let irpd = h[at::IRPD];
    let irpd_name = if irpd == IRPD_ISIS { "ISIS" } else { "Unknown" };
    out.at(1)
        .field("isis.irpd", Ftype::Uint8, Value::Hex { value: u64::from(irpd), digits: 2 })
        .bytes(o, 1)
        .line(format_args!("Intradomain Routing Protocol Discriminator: {irpd_name} (0x{irpd:02x})"));
    let plain = |out: &mut Tree, name: &'static str, title: &str, i: usize| {
        out.at(1).field(name, Ftype::Uint8, h[i]).bytes(o + i, 1).line(format_args!("{title}: {}", h[i]));
    };
    plain(out, "isis.len", "Length Indicator", at::LEN);
    plain(out, "isis.version", "Version/Protocol ID Extension", at::VERSION);
    plain(out, "isis.sysid_len", "ID Length", at::SYSID_LEN);
    let t = h[at::TYPE];
    out.at(1)
        .field("isis.type.reserved", Ftype::Uint8, Value::Hex { value: u64::from(t >> 5), digits: 1 })
        .bytes(o + at::TYPE, 1)
        .line(format_args!("{} = Reserved: 0x{:x}", bits(t, 0xe0), t >> 5));
    let pt = t & TYPE_MASK;
    out.at(1).field("isis.type", Ftype::Uint8, pt).bytes(o + at::TYPE, 1).line(format_args!(
        "{} = PDU Type: {} ({pt})",
        bits(t, TYPE_MASK),
        type_name(pt)
    ));
    plain(out, "isis.version2", "Version", at::VERSION2);
    plain(out, "isis.reserved", "Reserved", at::RESERVED);
    plain(out, "isis.max_area_adr", "Maximum Area Addresses", at::MAX_AREA);
    true
}

/// A Source-ID's circuit byte (the pseudonode number), as tshark shows it.
fn circuit(out: &mut Tree, name: &'static str, c: u8, o: usize) {
    let hex = format!("{c:02x}");
    out.at(1).field(name, Ftype::Bytes, hex.as_str()).bytes(o, 1).line(format_args!("Source-ID-Circuit: {hex}"));
}

/// Where an LSP's checksummed part starts: at its LSP-ID (ISO 10589 §7.3.11).
const LSP_SUM_FROM: usize = 12;

/// Whether an LSP's Fletcher checksum (ISO 8473 annex C) holds over its LSP-ID
/// up to its PDU length; `None` when it is not checked (a zero checksum or
/// lifetime, as tshark does) or the PDU is cut short.
fn lsp_checksum_ok(b: &[u8]) -> Option<bool> {
    if b.len() < header_len(L1_LSP) || be16(b, 24) == 0 || be16(b, 10) == 0 {
        return None;
    }
    let pdu_len = usize::from(be16(b, 8));
    if pdu_len < header_len(L1_LSP) {
        return None;
    }
    let part = b.get(LSP_SUM_FROM..pdu_len)?;
    let (mut c0, mut c1) = (0u32, 0u32);
    for &byte in part {
        c0 = (c0 + u32::from(byte)) % 255;
        c1 = (c1 + c0) % 255;
    }
    Some(c0 == 0 && c1 == 0)
}

/// An 8-bit pattern as `...1 1000`, showing the bits of `mask`.
fn bits(v: u8, mask: u8) -> String {
    let mut s = String::new();
    for i in (0..8).rev() {
        if i == 3 {
            s.push(' ');
        }
        let bit = 1 << i;
        s.push(if mask & bit == 0 {
            '.'
        } else if v & bit != 0 {
            '1'
        } else {
            '0'
        });
    }
    s
}

/// The fixed header of the PDU's family, under its own protocol item; false
/// when it is cut short.
fn fixed(out: &mut Tree, b: &[u8], o: usize, k: Kind, t: u8) -> bool {
    let (proto, title) = match k {
        Kind::Hello => ("isis.hello", "ISIS HELLO"),
        Kind::Lsp => ("isis.lsp", "ISO 10589 ISIS Link State Protocol Data Unit"),
        Kind::Csnp => ("isis.csnp", "ISO 10589 ISIS Complete Sequence Numbers Protocol Data Unit"),
        Kind::Psnp => ("isis.psnp", "ISO 10589 ISIS Partial Sequence Numbers Protocol Data Unit"),
    };
    let rest = b.get(at::BODY..).unwrap_or_default();
    out.at(0).proto(proto).bytes(o + at::BODY, rest.len()).line(format_args!("{title}"));
    let Some(h) = b.get(..header_len(t)) else { return false };
    let u16_item = |out: &mut Tree, name: &'static str, title: &str, i: usize| {
        let v = be16(h, i);
        out.at(1).field(name, Ftype::Uint16, v).bytes(o + i, 2).line(format_args!("{title}: {v}"));
    };
    let id_item = |out: &mut Tree, name: &'static str, title: &str, i: usize, len: usize| {
        let s = system_id(&h[i..i + len]);
        out.at(1).field(name, Ftype::String, s.as_str()).bytes(o + i, len).line(format_args!("{title}: {s}"));
    };
    match k {
        Kind::Hello => {
            let c = h[8];
            let ct = match c & 0x03 {
                1 => "Level 1 only",
                2 => "Level 2 only",
                3 => "Level 1 and 2",
                _ => "Reserved 0 (discard PDU)",
            };
            out.at(1)
                .field("isis.hello.circuit_type", Ftype::Uint8, Value::Hex { value: u64::from(c & 3), digits: 2 })
                .bytes(o + 8, 1)
                .line(format_args!("{} = Circuit type: {ct} (0x{:x})", bits(c, 0x03), c & 3));
            out.at(1)
                .field("isis.hello.reserved", Ftype::Uint8, Value::Hex { value: u64::from(c >> 2), digits: 2 })
                .bytes(o + 8, 1)
                .line(format_args!("{} = Reserved: 0x{:02x}", bits(c, 0xfc), c >> 2));
            id_item(out, "isis.hello.source_id", "SystemID {Sender of PDU}", 9, SYSID_LEN);
            u16_item(out, "isis.hello.holding_timer", "Holding timer", 15);
            u16_item(out, "isis.hello.pdu_length", "PDU length", 17);
            if t == P2P_HELLO {
                out.at(1)
                    .field("isis.hello.local_circuit_id", Ftype::Uint8, h[19])
                    .bytes(o + 19, 1)
                    .line(format_args!("Local circuit ID: {}", h[19]));
            } else {
                let p = h[19] & 0x7f;
                out.at(1)
                    .field("isis.hello.priority", Ftype::Uint8, p)
                    .bytes(o + 19, 1)
                    .line(format_args!("{} = Priority: {p}", bits(h[19], 0x7f)));
                id_item(out, "isis.hello.lan_id", "SystemID {Designated IS}", 20, SYSID_LEN + 1);
            }
        }
        Kind::Lsp => {
            u16_item(out, "isis.lsp.pdu_length", "PDU length", 8);
            u16_item(out, "isis.lsp.remaining_life", "Remaining lifetime", 10);
            id_item(out, "isis.lsp.lsp_id", "LSP-ID", 12, SYSID_LEN + 2);
            let seq = be32(h, 20);
            out.at(1)
                .field("isis.lsp.sequence_number", Ftype::Uint32, Value::Hex { value: u64::from(seq), digits: 8 })
                .bytes(o + 20, 4)
                .line(format_args!("Sequence number: 0x{seq:08x}"));
            let sum = be16(h, 24);
            out.at(1)
                .field("isis.lsp.checksum", Ftype::Uint16, Value::Hex { value: u64::from(sum), digits: 4 })
                .bytes(o + 24, 2)
                .line(format_args!(
                    "Checksum: 0x{sum:04x}{}",
                    match lsp_checksum_ok(b) {
                        Some(true) => " [correct]",
                        _ => "",
                    }
                ));
            if lsp_checksum_ok(b) == Some(true) {
                out.at(1)
                    .field("isis.lsp.checksum.status", Ftype::Uint8, 2u8)
                    .line(format_args!("[Checksum Status: Good]"));
            }
        }
        Kind::Csnp => {
            u16_item(out, "isis.csnp.pdu_length", "PDU length", 8);
            id_item(out, "isis.csnp.source_id", "Source-ID", 10, SYSID_LEN);
            circuit(out, "isis.csnp.source_circuit", h[16], o + 16);
            id_item(out, "isis.csnp.start_lsp_id", "Start LSP-ID", 17, SYSID_LEN + 2);
            id_item(out, "isis.csnp.end_lsp_id", "End LSP-ID", 25, SYSID_LEN + 2);
        }
        Kind::Psnp => {
            u16_item(out, "isis.psnp.pdu_length", "PDU length", 8);
            id_item(out, "isis.psnp.source_id", "Source-ID", 10, SYSID_LEN);
            circuit(out, "isis.psnp.source_circuit", h[16], o + 16);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// An L1 LAN Hello's LLC header and fixed header (ISIS_external_lsp.pcap frame 2).
    const HELLO: &[u8] = &[
        0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x0f, 0x01, 0x00, 0x00, 0x01, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
        0x00, 0x0a, 0x05, 0xd9, 0x40, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x02,
    ];
    /// An L1 LSP's LLC header and fixed header (ISIS_external_lsp.pcap frame 9).
    const LSP: &[u8] = &[
        0xfe, 0xfe, 0x03, 0x83, 0x1b, 0x01, 0x00, 0x12, 0x01, 0x00, 0x00, 0x00, 0x88, 0x04, 0xaf, 0x22, 0x22, 0x22,
        0x22, 0x22, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xb5, 0x03, 0x01,
    ];

    #[test]
    fn hello_info_and_column() {
        assert_eq!(info_of(&Isis, HELLO, Ctx::default()), "L1 HELLO, System-ID: 3333.3333.3333");
        assert_eq!(Isis.column(HELLO), "ISIS HELLO");
        assert_eq!(values_of(&Isis, HELLO, Ctx::default(), "isis.hello.lan_id"), ["3333.3333.3333.02"]);
    }

    #[test]
    fn lsp_info_and_fields() {
        let info = info_of(&Isis, LSP, Ctx::default());
        assert_eq!(info, "L1 LSP, LSP-ID: 2222.2222.2222.00-00, Sequence: 0x0000000f, Lifetime:  1199s");
        assert_eq!(values_of(&Isis, LSP, Ctx::default(), "isis.lsp.remaining_life"), ["1199"]);
        assert_eq!(Isis.column(LSP), "ISIS LSP");
    }

    #[test]
    fn cut_short_is_malformed_without_panic() {
        for n in 0..LSP.len() {
            let _ = info_of(&Isis, &LSP[..n], Ctx::default());
            let _ = values_of(&Isis, &LSP[..n], Ctx::default(), "isis.lsp.checksum");
            let _ = values_of(&Isis, &HELLO[..n.min(HELLO.len())], Ctx::default(), "isis.hello.lan_id");
        }
        assert!(info_of(&Isis, &LSP[..20], Ctx::default()).ends_with("[Malformed Packet]"));
    }

    #[test]
    fn lsp_checksum_is_checked_when_the_pdu_holds_it() {
        // The fixed header alone: PDU length 136 is beyond it, so not checked.
        assert_eq!(lsp_checksum_ok(&LSP[3..]), None);
        // A PDU length shorter than the header is not checked either.
        let mut short = LSP[3..].to_vec();
        short[9] = 20;
        assert_eq!(lsp_checksum_ok(&short), None);
        // Cut to its header with a matching length: the checksum no longer holds.
        let mut whole = LSP[3..].to_vec();
        whole[9] = 27;
        assert_eq!(lsp_checksum_ok(&whole), Some(false));
        let mut framed = LSP[..3].to_vec();
        framed.extend_from_slice(&whole);
        assert!(info_of(&Isis, &framed, Ctx::default()).ends_with(" [ISIS CHECKSUM INCORRECT]"));
    }

    /// hoobr_lookup_nsap.pcap frame 7: an Ethernet II frame of type 0xfefe whose
    /// bytes start no IS-IS PDU is not taken (tshark names it `0xfefe`).
    #[test]
    fn an_ethernet_frame_of_type_fefe_that_is_not_isis_is_refused() {
        assert!(!Isis.accepts(&[0x30; 46]));
        assert!(Isis.accepts(&[0x00, IRPD_ISIS, 0x1b]));
        let frame = [[0x30; 12].as_slice(), &[0xfe, 0xfe], &[0x30; 46]].concat();
        let mut d = crate::sniff::dissect::empty();
        crate::sniff::dissect::dissect_into(
            &mut d,
            crate::sniff::dissect::link::LinkType::Ethernet,
            &frame,
            frame.len(),
        );
        assert_eq!(d.pdu, None);
    }
}
