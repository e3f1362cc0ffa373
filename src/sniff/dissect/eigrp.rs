//! EIGRP, Cisco's Enhanced Interior Gateway Routing Protocol (RFC 7868), carried
//! directly in IP as protocol 88. Every packet has a 20-byte header (§6.4: version,
//! opcode, checksum, flags, sequence and acknowledgement numbers, virtual router
//! ID and autonomous system) followed by TLVs (§6.6); a Hello whose
//! acknowledgement number is not zero is an acknowledgement (§5.3.2).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The EIGRP dissector.
pub struct Eigrp;

/// EIGRP's IP protocol number (IANA).
pub const IP_PROTO: u8 = 88;

/// Byte offsets in the header (RFC 7868 §6.4).
mod at {
    pub const VERSION: usize = 0;
    pub const OPCODE: usize = 1;
    pub const CHECKSUM: usize = 2;
    pub const FLAGS: usize = 4;
    pub const SEQ: usize = 8;
    pub const ACK: usize = 12;
    pub const VRID: usize = 16;
    pub const AS: usize = 18;
}
/// The header's length.
const HEADER_LEN: usize = 20;
/// A TLV's type and length words.
const TLV_HEAD: usize = 4;
/// The opcode of a Hello (RFC 7868 §6.4).
const OP_HELLO: u8 = 5;
/// TLV types whose values this decoder shows (RFC 7868 §6.6).
const TLV_PARAMETERS: u16 = 0x0001;
const TLV_SOFTWARE: u16 = 0x0004;
/// Their lengths, type and length words included.
const PARAMETERS_LEN: usize = 12;
const SOFTWARE_LEN: usize = 8;

/// The flag bits (RFC 7868 §6.4): mask, field, title.
const FLAGS: [(u32, &str, &str); 4] = [
    (0x1, "eigrp.flags.init", "Init"),
    (0x2, "eigrp.flags.condrecv", "Conditional Receive"),
    (0x4, "eigrp.flags.restart", "Restart"),
    (0x8, "eigrp.flags.eot", "End Of Table"),
];

/// Wireshark's name of an opcode (RFC 7868 §6.4).
fn opcode_name(op: u8) -> &'static str {
    match op {
        1 => "Update",
        2 => "Request",
        3 => "Query",
        4 => "Reply",
        OP_HELLO => "Hello",
        6 => "IPX/SAP Update",
        7 => "Route Probe",
        8 => "Hello (Ack)",
        9 => "Stub-Info",
        10 => "SIA-Query",
        11 => "SIA-Reply",
        _ => "Unknown",
    }
}

/// Wireshark's name of a TLV type (RFC 7868 §6.6–6.9).
fn tlv_name(t: u16) -> &'static str {
    match t {
        TLV_PARAMETERS => "Parameters",
        0x0002 => "Authentication",
        0x0003 => "Sequence",
        TLV_SOFTWARE => "Software Version",
        0x0005 => "Next multicast sequence",
        0x0006 => "Peer Stub Information",
        0x0007 => "Peer Termination",
        0x0008 => "Peer TID List",
        0x0102 => "Internal Route(IPv4)",
        0x0103 => "External Route(IPv4)",
        0x0402 => "Internal Route(IPv6)",
        0x0403 => "External Route(IPv6)",
        _ => "Unknown",
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "eigrp", ftype: Ftype::Protocol, title: "Cisco EIGRP", base: "" },
    FieldDecl { name: "eigrp.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.opcode", ftype: Ftype::Uint8, title: "Opcode", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "eigrp.flags", ftype: Ftype::Uint32, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "eigrp.seq", ftype: Ftype::Uint32, title: "Sequence", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.ack", ftype: Ftype::Uint32, title: "Acknowledge", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.vrid", ftype: Ftype::Uint16, title: "Virtual Router ID", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.as", ftype: Ftype::Uint16, title: "Autonomous System", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.tlv_type", ftype: Ftype::Uint16, title: "Type", base: "BASE_HEX" },
    FieldDecl { name: "eigrp.tlv.len", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k1", ftype: Ftype::Uint8, title: "K1", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k2", ftype: Ftype::Uint8, title: "K2", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k3", ftype: Ftype::Uint8, title: "K3", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k4", ftype: Ftype::Uint8, title: "K4", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k5", ftype: Ftype::Uint8, title: "K5", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.k6", ftype: Ftype::Uint8, title: "K6", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.par.holdtime", ftype: Ftype::Uint16, title: "Hold Time", base: "BASE_DEC" },
    FieldDecl { name: "eigrp.release_version", ftype: Ftype::Uint16, title: "EIGRP Release", base: "BASE_CUSTOM" },
    FieldDecl { name: "eigrp.tlv_version", ftype: Ftype::Uint16, title: "EIGRP TLV version", base: "BASE_CUSTOM" },
    FieldDecl { name: "eigrp.checksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
];

/// The ones'-complement sum of `b` (RFC 1071), folded to 16 bits.
fn ones_sum(b: &[u8]) -> u16 {
    let mut sum: u32 = b.chunks(2).map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// Whether the TLVs after the header run to the end of the packet, each at
/// least as long as its type needs.
fn tlvs_fit(b: &[u8]) -> bool {
    let mut i = HEADER_LEN;
    while i < b.len() {
        let Some(h) = b.get(i..i + TLV_HEAD) else { return false };
        let (t, len) = (be16(h, 0), usize::from(be16(h, 2)));
        let need = match t {
            TLV_PARAMETERS => PARAMETERS_LEN,
            TLV_SOFTWARE => SOFTWARE_LEN,
            _ => TLV_HEAD,
        };
        if len < need || i + len > b.len() {
            return false;
        }
        i += len;
    }
    true
}

impl Dissector for Eigrp {
    fn name(&self) -> &'static str {
        "eigrp"
    }

    fn title(&self) -> &'static str {
        "Cisco EIGRP"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "EIGRP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label(&self, _pdu: &[u8]) -> String {
        self.title().to_string()
    }

    fn info(&self, b: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(&op) = b.get(at::OPCODE) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        let acks = b.get(at::ACK..at::ACK + 4).is_some_and(|a| be32(a, 0) != 0);
        if op == OP_HELLO && acks {
            out.push_str("Hello (Ack)");
        } else if opcode_name(op) == "Unknown" {
            let _ = write!(out, "Unknown (0x{op:02x})");
        } else {
            out.push_str(opcode_name(op));
        }
        if b.len() < HEADER_LEN || !tlvs_fit(b) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, b: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        out.at(0).proto("eigrp").bytes(o, b.len()).line(format_args!("Cisco EIGRP"));
        if !header(out, b, o) || !tlvs(out, b, o) {
            malformed(out, "EIGRP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The header's items (RFC 7868 §6.4); false when it is cut short.
fn header(out: &mut Tree, b: &[u8], o: usize) -> bool {
    let Some(h) = b.get(..HEADER_LEN) else { return false };
    let version = h[at::VERSION];
    out.at(1).field("eigrp.version", Ftype::Uint8, version).bytes(o, 1).line(format_args!("Version: {version}"));
    let op = h[at::OPCODE];
    out.at(1)
        .field("eigrp.opcode", Ftype::Uint8, op)
        .bytes(o + at::OPCODE, 1)
        .line(format_args!("Opcode: {} ({op})", opcode_name(op)));
    let sum = be16(h, at::CHECKSUM);
    let good = ones_sum(b) == 0xffff;
    let verdict = if good { "[correct]".to_string() } else { format!("incorrect, should be 0x{:04x}", expected(b)) };
    out.at(1)
        .field("eigrp.checksum", Ftype::Uint16, Value::Hex { value: u64::from(sum), digits: 4 })
        .bytes(o + at::CHECKSUM, 2)
        .line(format_args!("Checksum: 0x{sum:04x} {verdict}"));
    out.at(1)
        .field("eigrp.checksum.status", Ftype::Uint8, if good { 2u8 } else { 1 })
        .line(format_args!("[Checksum Status: {}]", if good { "Good" } else { "Bad" }));
    let flags = be32(h, at::FLAGS);
    out.at(1)
        .field("eigrp.flags", Ftype::Uint32, Value::Hex { value: u64::from(flags), digits: 8 })
        .bytes(o + at::FLAGS, 4)
        .line(format_args!("Flags: 0x{flags:08x}"));
    for (mask, name, title) in FLAGS {
        let on = flags & mask != 0;
        let pattern = bit32(flags, mask);
        let set = if on { "Set" } else { "Not set" };
        out.at(2)
            .field(name, Ftype::Boolean, on)
            .bytes(o + at::FLAGS, 4)
            .line(format_args!("{pattern} = {title}: {set}"));
    }
    for (name, title, i) in [("eigrp.seq", "Sequence", at::SEQ), ("eigrp.ack", "Acknowledge", at::ACK)] {
        let v = be32(h, i);
        out.at(1).field(name, Ftype::Uint32, v).bytes(o + i, 4).line(format_args!("{title}: {v}"));
    }
    let vrid = be16(h, at::VRID);
    let vrid_name = match vrid {
        0 => "Address-Family",
        1 => "Multicast",
        0x8000 => "Service Provider",
        _ => "Unknown",
    };
    out.at(1)
        .field("eigrp.vrid", Ftype::Uint16, vrid)
        .bytes(o + at::VRID, 2)
        .line(format_args!("Virtual Router ID: {vrid} ({vrid_name})"));
    let asn = be16(h, at::AS);
    out.at(1).field("eigrp.as", Ftype::Uint16, asn).bytes(o + at::AS, 2).line(format_args!("Autonomous System: {asn}"));
    true
}

/// The checksum a packet should carry: its sum with the checksum field as zero.
fn expected(b: &[u8]) -> u16 {
    let mut copy = b.to_vec();
    if let Some(c) = copy.get_mut(at::CHECKSUM..at::CHECKSUM + 2) {
        c.fill(0);
    }
    !ones_sum(&copy)
}

/// A 32-bit pattern as `.... .... ... ...1`, showing the bits of `mask`.
fn bit32(v: u32, mask: u32) -> String {
    let mut s = String::new();
    for i in (0..32).rev() {
        let bit = 1u32 << i;
        s.push(if mask & bit == 0 {
            '.'
        } else if v & bit != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i > 0 {
            s.push(' ');
        }
    }
    s
}

/// The TLVs (RFC 7868 §6.6) with their type and length, and the values of
/// Parameters and Software Version; false when one is cut short.
fn tlvs(out: &mut Tree, b: &[u8], o: usize) -> bool {
    let mut i = HEADER_LEN;
    while i < b.len() {
        let Some(h) = b.get(i..i + TLV_HEAD) else { return false };
        let (t, len) = (be16(h, 0), usize::from(be16(h, 2)));
        let body = b.get(i..i + len.max(TLV_HEAD)).unwrap_or(&b[i..]);
        let title = match t {
            TLV_SOFTWARE if len >= SOFTWARE_LEN && body.len() >= SOFTWARE_LEN => {
                format!("Software Version: EIGRP={}.{}, TLV={}.{}", body[4], body[5], body[6], body[7])
            }
            _ => tlv_name(t).to_string(),
        };
        out.at(1).bytes(o + i, body.len()).line(format_args!("{title}"));
        out.at(2)
            .field("eigrp.tlv_type", Ftype::Uint16, Value::Hex { value: u64::from(t), digits: 4 })
            .bytes(o + i, 2)
            .line(format_args!("Type: {} (0x{t:04x})", tlv_name(t)));
        out.at(2)
            .field("eigrp.tlv.len", Ftype::Uint16, len as u16)
            .bytes(o + i + 2, 2)
            .line(format_args!("Length: {len}"));
        if !tlv_values(out, t, body, o + i) {
            return false;
        }
        if len < TLV_HEAD || i + len > b.len() {
            return false;
        }
        i += len;
    }
    true
}

/// The values of a Parameters or Software Version TLV `v` at `o`; false when
/// it is shorter than they need.
fn tlv_values(out: &mut Tree, t: u16, v: &[u8], o: usize) -> bool {
    match t {
        TLV_PARAMETERS => {
            let Some(p) = v.get(..PARAMETERS_LEN) else { return false };
            for k in 0..6 {
                let name =
                    ["eigrp.par.k1", "eigrp.par.k2", "eigrp.par.k3", "eigrp.par.k4", "eigrp.par.k5", "eigrp.par.k6"][k];
                out.at(2).field(name, Ftype::Uint8, p[4 + k]).bytes(o + 4 + k, 1).line(format_args!(
                    "K{}: {}",
                    k + 1,
                    p[4 + k]
                ));
            }
            let hold = be16(p, 10);
            out.at(2)
                .field("eigrp.par.holdtime", Ftype::Uint16, hold)
                .bytes(o + 10, 2)
                .line(format_args!("Hold Time: {hold}"));
        }
        TLV_SOFTWARE => {
            let Some(s) = v.get(..SOFTWARE_LEN) else { return false };
            out.at(2)
                .field("eigrp.release_version", Ftype::Uint16, be16(s, 4))
                .bytes(o + 4, 2)
                .line(format_args!("EIGRP Release: {}.{:02}", s[4], s[5]));
            out.at(2)
                .field("eigrp.tlv_version", Ftype::Uint16, be16(s, 6))
                .bytes(o + 6, 2)
                .line(format_args!("EIGRP TLV version: {}.{:02}", s[6], s[7]));
        }
        _ => {}
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// A Hello with Parameters and Software Version (EIGRP_adjacency.pcap frame 1).
    const HELLO: &[u8] = &[
        0x02, 0x05, 0xee, 0x68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x64, 0x00, 0x01, 0x00, 0x0c, 0x01,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x04, 0x00, 0x08, 0x0c, 0x04, 0x01, 0x02,
    ];

    #[test]
    fn hello_and_its_ack() {
        assert_eq!(info_of(&Eigrp, HELLO, Ctx::default()), "Hello");
        let mut ack = HELLO.to_vec();
        ack[at::ACK + 3] = 1;
        assert_eq!(info_of(&Eigrp, &ack, Ctx::default()), "Hello (Ack)");
        assert_eq!(values_of(&Eigrp, HELLO, Ctx::default(), "eigrp.as"), ["100"]);
        assert_eq!(values_of(&Eigrp, HELLO, Ctx::default(), "eigrp.par.holdtime"), ["15"]);
    }

    #[test]
    fn checksum_is_checked() {
        assert_eq!(ones_sum(HELLO), 0xffff);
        assert_eq!(expected(HELLO), 0xee68);
    }

    #[test]
    fn short_tlv_is_malformed() {
        let mut bad = HELLO.to_vec();
        bad[35] = 4; // Software Version claiming only its type and length
        assert_eq!(info_of(&Eigrp, &bad, Ctx::default()), "Hello[Malformed Packet]");
        for n in 0..HELLO.len() {
            let _ = info_of(&Eigrp, &HELLO[..n], Ctx::default());
            let _ = values_of(&Eigrp, &HELLO[..n], Ctx::default(), "eigrp.tlv.len");
        }
    }
}
