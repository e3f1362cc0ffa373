//! LDP, the Label Distribution Protocol of MPLS (RFC 5036, port 646): routers
//! find each other with Hello messages over UDP, then agree on labels for
//! their routes over a TCP session. Every PDU starts with a ten-byte header
//! (RFC 5036 §3.1): version, PDU length (the bytes after these four), and the
//! LDP identifier (an LSR ID and a label space). Messages follow (§3.5): a
//! type whose top bit is the U (unknown) bit, a length, a message ID, then
//! TLVs (§3.3) of their own.
//!
//! Over TCP a PDU may span segments: the dissector measures it from its header
//! ([`Dissector::pdu_len`]) and the pipeline reassembles it. The Info column
//! names every message of the segment's last PDU, each followed by a space, as
//! tshark writes it.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use crate::proto::bytes::{be16, be16_at, be32};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The LDP dissector.
pub struct Ldp;

/// LDP's port, on UDP (discovery) and TCP (sessions) (RFC 5036 §3.10).
const PORT: u16 = 646;

/// Byte offsets of the PDU header (RFC 5036 §3.1).
mod at {
    /// Version.
    pub const VERSION: usize = 0;
    /// PDU length: the bytes after the version and this field.
    pub const PDU_LEN: usize = 2;
    /// LSR ID of the LDP identifier.
    pub const LSR_ID: usize = 4;
    /// Label space of the LDP identifier.
    pub const LABEL_SPACE: usize = 8;
    /// The first message.
    pub const MESSAGES: usize = 10;
}

/// The version and the PDU length: what the PDU length does not count.
const LEN_BASE: usize = 4;
/// A message's type, length and ID (RFC 5036 §3.5).
const MSG_HEADER: usize = 8;
/// A message's type and length: what its length does not count.
const MSG_LEN_BASE: usize = 4;
/// A TLV's type and length (RFC 5036 §3.3).
const TLV_HEADER: usize = 4;
/// The U bit of a message type (RFC 5036 §3.5).
const U_BIT: u16 = 0x8000;
/// The type bits of a TLV type, under its U and F bits (RFC 5036 §3.3).
const TLV_TYPE_MASK: u16 = 0x3fff;

/// A message type's name (RFC 5036 §3.7, RFC 5561 §4 for Capability), as tshark names it.
fn message_name(t: u16) -> &'static str {
    match t {
        0x0001 => "Notification Message",
        0x0100 => "Hello Message",
        0x0200 => "Initialization Message",
        0x0201 => "Keep Alive Message",
        0x0202 => "Capability Message",
        0x0300 => "Address Message",
        0x0301 => "Address Withdrawal Message",
        0x0400 => "Label Mapping Message",
        0x0401 => "Label Request Message",
        0x0402 => "Label Withdrawal Message",
        0x0403 => "Label Release Message",
        0x0404 => "Label Abort Request Message",
        _ => "Unknown Message Type",
    }
}

/// A TLV type's name (RFC 5036 §3.4 and §3.5), as tshark names it.
fn tlv_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0x0100 => "Forwarding Equivalence Classes TLV",
        0x0101 => "Address List TLV",
        0x0103 => "Hop Count TLV",
        0x0104 => "Path Vector TLV",
        0x0200 => "Generic Label TLV",
        0x0201 => "ATM Label TLV",
        0x0202 => "Frame Relay Label TLV",
        0x0300 => "Status TLV",
        0x0301 => "Extended Status TLV",
        0x0302 => "Returned PDU TLV",
        0x0303 => "Returned Message TLV",
        0x0400 => "Common Hello Parameters",
        0x0401 => "IPv4 Transport Address",
        0x0402 => "Configuration Sequence Number",
        0x0403 => "IPv6 Transport Address",
        0x0500 => "Common Session Parameters TLV",
        0x0600 => "Label Request Message ID TLV",
        0x0701 => "Dual-Stack capability",
        _ => return None,
    })
}

/// What the U and F bits of a TLV type say (RFC 5036 §3.3).
fn tlv_bits_name(bits: u16) -> &'static str {
    match bits {
        0 => "Known TLV, do not Forward",
        1 => "Known TLV, do Forward",
        2 => "Unknown TLV, do not Forward",
        _ => "Unknown TLV, do Forward",
    }
}

/// One message of a PDU, or what tshark reports where one cannot be read.
enum Message<'p> {
    /// A message whose header and declared length fit: its offset in the
    /// PDU and its bytes.
    Whole(usize, &'p [u8]),
    /// A message whose length runs past the PDU.
    BadLength(usize),
}

/// The messages of one PDU that starts at `pdu[0]` and ends at `end`.
fn messages(pdu: &[u8], end: usize) -> Vec<Message<'_>> {
    let end = end.min(pdu.len());
    let mut out = Vec::new();
    let mut p = at::MESSAGES;
    while p < end {
        if end - p < MSG_HEADER {
            out.push(Message::BadLength(p));
            break;
        }
        let len = MSG_LEN_BASE + usize::from(be16(pdu, p + 2));
        if len < MSG_HEADER || p + len > end {
            out.push(Message::BadLength(p));
            break;
        }
        out.push(Message::Whole(p, &pdu[p..p + len]));
        p += len;
    }
    out
}

/// The PDUs of a payload: each as long as its header declares (the last one
/// may be cut short), with its offset.
fn pdus(payload: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut p = 0;
    while let Some(rest) = payload.get(p..).filter(|r| r.len() >= at::MESSAGES) {
        let len = LEN_BASE + usize::from(be16(rest, at::PDU_LEN));
        let pdu = &rest[..len.min(rest.len())];
        out.push((p, pdu));
        if len <= at::MESSAGES - LEN_BASE {
            break;
        }
        p += len;
    }
    out
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ldp", ftype: Ftype::Protocol, title: "Label Distribution Protocol", base: "" },
    FieldDecl { name: "ldp.hdr.version", ftype: Ftype::Uint16, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "ldp.hdr.pdu_len", ftype: Ftype::Uint16, title: "PDU Length", base: "BASE_DEC" },
    FieldDecl { name: "ldp.hdr.ldpid.lsr", ftype: Ftype::Ipv4, title: "LSR ID", base: "BASE_NONE" },
    FieldDecl { name: "ldp.hdr.ldpid.lsid", ftype: Ftype::Uint16, title: "Label Space ID", base: "BASE_DEC" },
    FieldDecl { name: "ldp.msg.ubit", ftype: Ftype::Boolean, title: "U bit", base: "8" },
    FieldDecl { name: "ldp.msg.type", ftype: Ftype::Uint16, title: "Message Type", base: "BASE_HEX" },
    FieldDecl { name: "ldp.msg.len", ftype: Ftype::Uint16, title: "Message Length", base: "BASE_DEC" },
    FieldDecl { name: "ldp.msg.id", ftype: Ftype::Uint32, title: "Message ID", base: "BASE_HEX" },
    FieldDecl { name: "ldp.msg.tlv.unknown", ftype: Ftype::Uint8, title: "TLV Unknown bits", base: "BASE_HEX" },
    FieldDecl { name: "ldp.msg.tlv.type", ftype: Ftype::Uint16, title: "TLV Type", base: "BASE_HEX" },
    FieldDecl { name: "ldp.msg.tlv.len", ftype: Ftype::Uint16, title: "TLV Length", base: "BASE_DEC" },
    FieldDecl { name: "ldp.msg.tlv.value", ftype: Ftype::Bytes, title: "TLV Value", base: "BASE_NONE" },
    FieldDecl { name: "ldp.msg.tlv.hello.hold", ftype: Ftype::Uint16, title: "Hold Time", base: "BASE_DEC" },
    FieldDecl {
        name: "ldp.msg.tlv.ipv4.taddr",
        ftype: Ftype::Ipv4,
        title: "IPv4 Transport Address",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "ldp.msg.tlv.hello.cnf_seqno",
        ftype: Ftype::Uint32,
        title: "Configuration Sequence Number",
        base: "BASE_DEC",
    },
];

impl Dissector for Ldp {
    fn name(&self) -> &'static str {
        "ldp"
    }

    fn title(&self) -> &'static str {
        "Label Distribution Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "LDP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(PORT), Claim::TcpPort(PORT)]
    }

    /// A PDU: its four leading bytes and the length they declare (RFC 5036 §3.1).
    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        if head.is_empty() {
            return None;
        }
        match be16_at(head, at::PDU_LEN) {
            Some(len) => Some(LEN_BASE + usize::from(len)),
            None => Some(LEN_BASE),
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// The messages of the segment's last PDU: tshark starts the column
    /// afresh with each PDU.
    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if let Some(&(_, p)) = pdus(pdu).last() {
            let declared = LEN_BASE + usize::from(be16(p, at::PDU_LEN));
            for m in messages(p, declared) {
                match m {
                    Message::Whole(_, b) => out.push_str(message_name(be16(b, 0) & !U_BIT)),
                    Message::BadLength(_) => out.push_str("Bad Message Length"),
                }
                out.push(' ');
            }
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        for (at, p) in pdus(pdu) {
            pdu_tree(t, p, o + at);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One PDU's block, its first byte at frame offset `o`.
fn pdu_tree(t: &mut Tree, p: &[u8], o: usize) {
    t.at(0).proto("ldp").bytes(o, p.len()).line(format_args!("Label Distribution Protocol"));
    let version = be16(p, at::VERSION);
    t.at(1).field("ldp.hdr.version", Ftype::Uint16, version).bytes(o, 2).line(format_args!("Version: {version}"));
    let len = be16(p, at::PDU_LEN);
    t.at(1)
        .field("ldp.hdr.pdu_len", Ftype::Uint16, len)
        .bytes(o + at::PDU_LEN, 2)
        .line(format_args!("PDU Length: {len}"));
    let lsr = Ipv4Addr::from(be32(p, at::LSR_ID));
    t.at(1).field("ldp.hdr.ldpid.lsr", Ftype::Ipv4, lsr).bytes(o + at::LSR_ID, 4).line(format_args!("LSR ID: {lsr}"));
    let ls = be16(p, at::LABEL_SPACE);
    t.at(1)
        .field("ldp.hdr.ldpid.lsid", Ftype::Uint16, ls)
        .bytes(o + at::LABEL_SPACE, 2)
        .line(format_args!("Label Space ID: {ls}"));
    for m in messages(p, LEN_BASE + usize::from(len)) {
        match m {
            Message::Whole(at, b) => message_tree(t, b, o + at),
            Message::BadLength(at) => {
                t.at(1).bytes(o + at, p.len() - at).line(format_args!("Error processing Message Length"));
            }
        }
    }
}

/// One message's block (RFC 5036 §3.5).
fn message_tree(t: &mut Tree, b: &[u8], o: usize) {
    let raw = be16(b, 0);
    let kind = raw & !U_BIT;
    let name = message_name(kind);
    t.at(1).bytes(o, b.len()).line(format_args!("{name}"));
    let u = raw & U_BIT != 0;
    let u_text = if u { "1... .... = U bit: Unknown bit set" } else { "0... .... = U bit: Unknown bit not set" };
    t.at(2).field("ldp.msg.ubit", Ftype::Boolean, u8::from(u)).bytes(o, 1).line(format_args!("{u_text}"));
    t.at(2)
        .field("ldp.msg.type", Ftype::Uint16, Value::hex(u64::from(kind), 4))
        .bytes(o, 2)
        .line(format_args!("Message Type: {name} (0x{kind:x})"));
    let len = be16(b, 2);
    t.at(2).field("ldp.msg.len", Ftype::Uint16, len).bytes(o + 2, 2).line(format_args!("Message Length: {len}"));
    let id = be32(b, 4);
    t.at(2)
        .field("ldp.msg.id", Ftype::Uint32, Value::hex(u64::from(id), 8))
        .bytes(o + 4, 4)
        .line(format_args!("Message ID: 0x{id:08x}"));
    let mut p = MSG_HEADER;
    while p + TLV_HEADER <= b.len() {
        let tlen = usize::from(be16(b, p + 2));
        let value = b.get(p + TLV_HEADER..(p + TLV_HEADER + tlen).min(b.len())).unwrap_or_default();
        tlv_tree(t, be16(b, p), value, o + p);
        p += TLV_HEADER + tlen;
    }
}

/// One TLV's block (RFC 5036 §3.3), its value cut to the message.
fn tlv_tree(t: &mut Tree, raw: u16, v: &[u8], o: usize) {
    let kind = raw & TLV_TYPE_MASK;
    let name = tlv_name(kind).map_or_else(|| format!("Unknown TLV type (0x{kind:04X})"), str::to_string);
    t.at(2).bytes(o, TLV_HEADER + v.len()).line(format_args!("{name}"));
    let bits = raw >> 14;
    let bit_text = format!("{}{}.. ....", bits >> 1, bits & 1);
    t.at(3)
        .field("ldp.msg.tlv.unknown", Ftype::Uint8, Value::hex(u64::from(bits), 1))
        .bytes(o, 1)
        .line(format_args!("{bit_text} = TLV Unknown bits: {} (0x{bits:x})", tlv_bits_name(bits)));
    t.at(3)
        .field("ldp.msg.tlv.type", Ftype::Uint16, Value::hex(u64::from(kind), 4))
        .bytes(o, 2)
        .line(format_args!("TLV Type: {name} (0x{kind:x})"));
    t.at(3)
        .field("ldp.msg.tlv.len", Ftype::Uint16, v.len())
        .bytes(o + 2, 2)
        .line(format_args!("TLV Length: {}", v.len()));
    let vo = o + TLV_HEADER;
    match (kind, v.len()) {
        (0x0400, 4) => {
            let hold = be16(v, 0);
            t.at(3)
                .field("ldp.msg.tlv.hello.hold", Ftype::Uint16, hold)
                .bytes(vo, 2)
                .line(format_args!("Hold Time: {hold}"));
        }
        (0x0401, 4) => {
            let a = Ipv4Addr::from(be32(v, 0));
            t.at(3)
                .field("ldp.msg.tlv.ipv4.taddr", Ftype::Ipv4, a)
                .bytes(vo, 4)
                .line(format_args!("IPv4 Transport Address: {a}"));
        }
        (0x0402, 4) => {
            let n = be32(v, 0);
            t.at(3)
                .field("ldp.msg.tlv.hello.cnf_seqno", Ftype::Uint32, n)
                .bytes(vo, 4)
                .line(format_args!("Configuration Sequence Number: {n}"));
        }
        _ if !v.is_empty() => {
            let hex: String = v.iter().map(|x| format!("{x:02x}")).collect();
            t.at(3)
                .field("ldp.msg.tlv.value", Ftype::Bytes, &hex)
                .bytes(vo, v.len())
                .line(format_args!("TLV Value: {hex}"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// Bytes from hex digits.
    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// mpls-ldp-hello.pcap frame 1: a Hello with hold time, transport address
    /// and configuration sequence number.
    const HELLO: &str =
        "00010026 0a010002 0000 0100001c 00011970 04000004 000f0000 04010004 0a010002 04020004 00000001";
    /// A Keep Alive (RFC 5036 §3.5.4), as ldp-common-session.pcap frame 9 sends it.
    const KEEPALIVE: &str = "0001000e c0a80002 0000 02010004 00000002";
    /// ldp-infinite-loop.pcap frame 1: a message declaring more than the PDU holds.
    const BAD_LENGTH: &str = "0001ffffffffffffffffffff0000ffffffff";

    fn bytes(s: &str) -> Vec<u8> {
        hex(&s.replace(' ', ""))
    }

    #[test]
    fn a_hello_shows_its_tlvs() {
        let h = bytes(HELLO);
        assert_eq!(info_of(&Ldp, &h, Ctx::to(646)), "Hello Message ");
        assert_eq!(values_of(&Ldp, &h, Ctx::to(646), "ldp.hdr.ldpid.lsr"), ["10.1.0.2"]);
        assert_eq!(values_of(&Ldp, &h, Ctx::to(646), "ldp.msg.tlv.hello.hold"), ["15"]);
        assert_eq!(values_of(&Ldp, &h, Ctx::to(646), "ldp.msg.tlv.ipv4.taddr"), ["10.1.0.2"]);
        assert_eq!(values_of(&Ldp, &h, Ctx::to(646), "ldp.msg.tlv.hello.cnf_seqno"), ["1"]);
    }

    #[test]
    fn the_column_names_the_messages_of_the_last_pdu() {
        let mut two = bytes(KEEPALIVE);
        two.extend(bytes(KEEPALIVE));
        assert_eq!(info_of(&Ldp, &two, Ctx::to(646)), "Keep Alive Message ");
        let mut t = Tree::new();
        Ldp.tree(&two, Ctx::to(646), 0, &mut t);
        assert_eq!(t.items().iter().filter(|i| t.display(i) == "Keep Alive Message").count(), 2);
        assert_eq!(Ldp.pdu_len(&two), Some(18));
        assert_eq!(Ldp.pdu_len(&two[..3]), Some(4));
    }

    #[test]
    fn a_message_past_its_pdu_has_a_bad_length() {
        assert_eq!(info_of(&Ldp, &bytes(BAD_LENGTH), Ctx::to(646)), "Bad Message Length ");
    }

    #[test]
    fn no_cut_panics() {
        for m in [HELLO, KEEPALIVE, BAD_LENGTH] {
            let b = bytes(m);
            for n in 0..=b.len() {
                let mut s = String::new();
                Ldp.info(&b[..n], Ctx::to(646), &mut s);
                let mut t = Tree::new();
                Ldp.tree(&b[..n], Ctx::to(646), 0, &mut t);
            }
        }
    }
}
