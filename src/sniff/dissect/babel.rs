//! Babel, a distance-vector routing protocol (RFC 8966): a packet is a 4-byte
//! header (magic 42, version 2, body length) and a sequence of TLVs, each a
//! message such as Hello, IHU ("I heard you"), Router-Id, Next Hop or Update
//! (RFC 8966 §4.2–§4.6). After the body a trailer may carry the packet
//! authentication TLVs of RFC 8967 (PC and HMAC). Only UDP port 6696 (RFC 8966
//! §4) is claimed; the old experimental port 6697 is left as tshark leaves it.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be16;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The Babel dissector.
pub struct Babel;

/// Babel's UDP port (RFC 8966 §4).
const PORTS: &[Claim] = &[Claim::UdpPort(6696)];

/// Byte offsets of the packet header (RFC 8966 §4.2).
mod at {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 1;
    pub const BODY_LEN: usize = 2;
    /// The first TLV.
    pub const BODY: usize = 4;
}

/// The magic number every Babel packet starts with (RFC 8966 §4.2).
const MAGIC: u8 = 42;
/// The one-byte Pad1 TLV, which has no length (RFC 8966 §4.6.1).
const PAD1: u8 = 0;
/// A TLV's type and length bytes.
const TLV_HEADER: usize = 2;
/// The message types whose bodies are shown field by field (RFC 8966 §4.6).
const HELLO: u8 = 4;
const IHU: u8 = 5;
const ROUTER_ID: u8 = 6;
const UPDATE: u8 = 8;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "babel", ftype: Ftype::Protocol, title: "Babel Routing Protocol", base: "" },
    FieldDecl { name: "babel.magic", ftype: Ftype::Uint8, title: "Magic", base: "BASE_DEC" },
    FieldDecl { name: "babel.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "babel.bodylen", ftype: Ftype::Uint16, title: "Body Length", base: "BASE_DEC" },
    FieldDecl { name: "babel.message", ftype: Ftype::Uint8, title: "Message", base: "BASE_DEC" },
    FieldDecl { name: "babel.message.type", ftype: Ftype::Uint8, title: "Message Type", base: "BASE_DEC" },
    FieldDecl { name: "babel.message.length", ftype: Ftype::Uint8, title: "Message Length", base: "BASE_DEC" },
    FieldDecl { name: "babel.message.seqno", ftype: Ftype::Uint16, title: "Seqno", base: "BASE_HEX" },
    FieldDecl { name: "babel.message.interval", ftype: Ftype::Uint16, title: "Interval", base: "BASE_DEC" },
    FieldDecl { name: "babel.message.rxcost", ftype: Ftype::Uint16, title: "Rxcost", base: "BASE_HEX" },
    FieldDecl { name: "babel.message.routerid", ftype: Ftype::Bytes, title: "Router ID", base: "" },
    FieldDecl { name: "babel.message.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "babel.message.metric", ftype: Ftype::Uint16, title: "Metric", base: "BASE_DEC" },
];

/// Wireshark's name of a message type (RFC 8966 §4.6, RFC 8967 §4, and older drafts).
fn type_name(t: u8) -> &'static str {
    match t {
        PAD1 => "pad1",
        1 => "padn",
        2 => "ack-req",
        3 => "ack",
        HELLO => "hello",
        IHU => "ihu",
        ROUTER_ID => "router-id",
        7 => "nh",
        UPDATE => "update",
        9 => "request",
        10 => "mh-request",
        11 => "ts/pc (obsolete)",
        12 | 16 => "hmac",
        17 => "pc",
        18 => "challenge-request",
        19 => "challenge-reply",
        _ => "unknown",
    }
}

/// One TLV: its type, where it starts, and its whole length (header included).
#[derive(Clone, Copy)]
struct Tlv {
    kind: u8,
    start: usize,
    len: usize,
}

/// The TLVs from the body's start to the end of the PDU (the trailer's too);
/// the flag is false when the last one is cut short.
fn tlvs(pdu: &[u8]) -> (Vec<Tlv>, bool) {
    let mut out = Vec::new();
    let mut i = at::BODY;
    while let Some(&kind) = pdu.get(i) {
        if kind == PAD1 {
            out.push(Tlv { kind, start: i, len: 1 });
            i += 1;
            continue;
        }
        let Some(&len) = pdu.get(i + 1) else { return (out, false) };
        let len = TLV_HEADER + usize::from(len);
        if i + len > pdu.len() {
            return (out, false);
        }
        out.push(Tlv { kind, start: i, len });
        i += len;
    }
    (out, true)
}

impl Dissector for Babel {
    fn name(&self) -> &'static str {
        "babel"
    }

    fn title(&self) -> &'static str {
        "Babel Routing Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "Babel"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn accepts(&self, pdu: &[u8]) -> bool {
        pdu.len() >= at::BODY && pdu[at::MAGIC] == MAGIC
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        out.push_str("Babel");
        let (all, complete) = tlvs(pdu);
        for tlv in all {
            out.push(' ');
            out.push_str(type_name(tlv.kind));
        }
        if !complete {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, off: usize, t: &mut Tree) {
        t.at(0).proto("babel").bytes(off, pdu.len()).line(format_args!("Babel Routing Protocol"));
        if pdu.len() < at::BODY {
            malformed(t, "Babel");
            return;
        }
        let magic = pdu[at::MAGIC];
        t.at(1).field("babel.magic", Ftype::Uint8, magic).bytes(off, 1).line(format_args!("Magic: {magic}"));
        let version = pdu[at::VERSION];
        t.at(1)
            .field("babel.version", Ftype::Uint8, version)
            .bytes(off + at::VERSION, 1)
            .line(format_args!("Version: {version}"));
        let body = be16(pdu, at::BODY_LEN);
        t.at(1)
            .field("babel.bodylen", Ftype::Uint16, body)
            .bytes(off + at::BODY_LEN, 2)
            .line(format_args!("Body Length: {body}"));
        let (all, complete) = tlvs(pdu);
        for tlv in all {
            message_tree(&pdu[tlv.start..tlv.start + tlv.len], tlv, off + tlv.start, t);
        }
        if !complete {
            malformed(t, "Babel");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One message: its type and length, and the fields of the common ones.
fn message_tree(m: &[u8], tlv: Tlv, off: usize, t: &mut Tree) {
    let (kind, name) = (tlv.kind, type_name(tlv.kind));
    t.at(1)
        .field("babel.message", Ftype::Uint8, kind)
        .bytes(off, m.len())
        .line(format_args!("Message {name} ({kind})"));
    t.at(2)
        .field("babel.message.type", Ftype::Uint8, kind)
        .bytes(off, 1)
        .line(format_args!("Message Type: {name} ({kind})"));
    let Some(&len) = m.get(1) else { return };
    t.at(2)
        .field("babel.message.length", Ftype::Uint8, len)
        .bytes(off + 1, 1)
        .line(format_args!("Message Length: {len}"));
    let u16_at = |i: usize| (m.len() >= i + 2).then(|| be16(m, i));
    let word = |t: &mut Tree, i: usize, name: &'static str, title: &str, hex: bool| {
        let Some(v) = u16_at(i) else { return };
        let shown = if hex { format!("0x{v:04x}") } else { v.to_string() };
        t.at(2).field(name, Ftype::Uint16, &shown).bytes(off + i, 2).line(format_args!("{title}: {shown}"));
    };
    // Offsets within the message, RFC 8966 §4.6.5 (Hello), §4.6.6 (IHU),
    // §4.6.7 (Router-Id) and §4.6.9 (Update).
    match kind {
        HELLO => {
            word(t, 4, "babel.message.seqno", "Seqno", true);
            word(t, 6, "babel.message.interval", "Interval", false);
        }
        IHU => {
            word(t, 4, "babel.message.rxcost", "Rxcost", true);
            word(t, 6, "babel.message.interval", "Interval", false);
        }
        ROUTER_ID => {
            if let Some(id) = m.get(4..12) {
                let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
                t.at(2)
                    .field("babel.message.routerid", Ftype::Bytes, &hex)
                    .bytes(off + 4, 8)
                    .line(format_args!("Router ID: {hex}"));
            }
        }
        UPDATE => {
            if let Some(&flags) = m.get(3) {
                t.at(2)
                    .field("babel.message.flags", Ftype::Uint8, format_args!("0x{flags:02x}"))
                    .bytes(off + 3, 1)
                    .line(format_args!("Flags: 0x{flags:02x}"));
            }
            word(t, 6, "babel.message.interval", "Interval", false);
            word(t, 8, "babel.message.seqno", "Seqno", true);
            word(t, 10, "babel.message.metric", "Metric", false);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// babel_pad1.pcap (tcpdump's tests) frame 1: a hello (seqno 0x5b09,
    /// interval 400) and a Pad1.
    const HELLO_PAD1: &[u8] = &[42, 2, 0, 9, 4, 6, 0, 0, 0x5b, 9, 1, 0x90, 0];
    /// A router-id and an update for 192.168.42.1/32 (babel_rtt.pcap frame 9).
    const ROUTE: &[u8] = &[
        42, 2, 0, 0x1c, // header
        6, 0x0a, 0, 0, 0x48, 0x5f, 8, 0x26, 0xdc, 0x36, 0x6d, 0xad, // router-id
        8, 0x0e, 1, 0, 0x20, 0, 6, 0x40, 0xee, 0x8e, 0, 0, 192, 168, 42, 1, // update
    ];

    fn tree_text(pdu: &[u8]) -> String {
        let mut t = Tree::new();
        Babel.tree(pdu, Ctx::default(), 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn info_lists_every_message_type() {
        assert_eq!(info_of(&Babel, HELLO_PAD1, Ctx::default()), "Babel hello pad1");
        assert_eq!(info_of(&Babel, ROUTE, Ctx::default()), "Babel router-id update");
    }

    #[test]
    fn the_common_messages_have_their_fields() {
        let v = |pdu, name| values_of(&Babel, pdu, Ctx::default(), name);
        assert_eq!(v(HELLO_PAD1, "babel.message.type"), ["4", "0"]);
        assert_eq!(v(HELLO_PAD1, "babel.message.seqno"), ["0x5b09"]);
        assert_eq!(v(HELLO_PAD1, "babel.message.interval"), ["400"]);
        assert_eq!(v(ROUTE, "babel.message.routerid"), ["485f0826dc366dad"]);
        assert_eq!(v(ROUTE, "babel.message.interval"), ["1600"]);
        assert_eq!(v(ROUTE, "babel.message.metric"), ["0"]);
        let text = tree_text(ROUTE);
        assert!(text.contains("Magic: 42\nVersion: 2\nBody Length: 28\nMessage router-id (6)\n"), "{text}");
        assert!(text.contains("Seqno: 0xee8e\n"), "{text}");
    }

    #[test]
    fn only_packets_with_the_magic_number_are_babel() {
        assert!(Babel.accepts(HELLO_PAD1));
        assert!(!Babel.accepts(&[41, 2, 0, 0]));
        assert!(!Babel.accepts(&[42, 2]));
    }

    #[test]
    fn a_cut_packet_is_malformed_and_never_panics() {
        for n in 0..ROUTE.len() {
            let text = tree_text(&ROUTE[..n]);
            let whole = n == 4 || n == 16;
            assert_eq!(text.contains("[Malformed Packet: Babel]"), !whole, "{n}: {text}");
        }
        assert_eq!(info_of(&Babel, &ROUTE[..20], Ctx::default()), "Babel router-id[Malformed Packet]");
    }
}
