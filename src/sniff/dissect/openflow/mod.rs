//! OpenFlow, the protocol an SDN controller speaks with the switches it
//! programs (OpenFlow Switch Specification 1.0.0 §5.1, 1.3.x §7.1, 1.4.0 §7.1,
//! 1.5.1 §7.1): over one TCP connection each side sends messages that start with
//! the same 8-byte header (`struct ofp_header`: version, type, length of the
//! whole message, transaction ID), so a segment may carry several messages and
//! a message may span segments.
//!
//! As tshark 4.0: TCP port 6653 (IANA's) is OpenFlow, and so is a conversation
//! whose first message goes to 6633 or 6634 (the ports of older controllers,
//! which tshark's heuristic takes). tshark remembers that for the conversation
//! and, with `-2`, shows the conversation's earlier segments as OpenFlow too;
//! here the three ports are claimed in both directions, which comes to the same.
//!
//! The versions tshark decodes are 1.0 (`openflow_v1`, whose fields keep the
//! older names `openflow.version`, `openflow_1_0.type`, `openflow.length`,
//! `openflow.xid`), 1.3 (`openflow_v4`), 1.4 (`openflow_v5`) and 1.5
//! (`openflow_v6`), named after the wire version number; any other version is
//! shown as the version byte alone, "Unsupported version not dissected".
//! Each message shows its header and, for the multipart messages of 1.3 and
//! later, its multipart type (in the Info column too); the bodies are not decoded.
//!
//! Segments: every message a segment holds whole is decoded, and the Info
//! column is the last one's, as tshark's column shows after it has decoded
//! them in turn. A last message cut by the end of the segment is left out, as
//! tshark leaves it to TCP reassembly to show with the segment that completes
//! it — unless its header cannot be OpenFlow's (an unsupported version: a
//! reassembly that tshark never completes, so it shows the header where it
//! is). socklab does not reassemble OpenFlow: a segment that holds no whole
//! message shows its first message cut short, as tshark does when reassembly
//! is off, and a segment that starts inside a message reads those bytes as a header.

pub mod names;

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use names::{message_type, multipart_type, version_name, V1_0, V1_3, V1_4, V1_5};

/// The OpenFlow dissector.
pub struct OpenFlow;

/// The ports: IANA's 6653, and 6633 and 6634 of tshark's heuristic.
const CLAIMS: &[Claim] = &[Claim::TcpPort(6653), Claim::TcpPort(6633), Claim::TcpPort(6634)];

/// The message header (`struct ofp_header`) and its fields' offsets.
pub const HEADER_LEN: usize = 8;
const TYPE_AT: usize = 1;
const LENGTH_AT: usize = 2;
const XID_AT: usize = 4;
/// A multipart message's type and flags follow the header (1.3 §7.3.5).
const MULTIPART_TYPE_AT: usize = 8;
const MULTIPART_FLAGS_AT: usize = 10;
const MULTIPART_PAD_AT: usize = 12;
const MULTIPART_PAD_LEN: usize = 4;
/// The multipart messages' numbers (1.3 and later) and their "more" flag.
const MULTIPART_REQUEST: u8 = 18;
const MULTIPART_REPLY: u8 = 19;
const MULTIPART_MORE: u16 = 0x0001;
/// OpenFlow 1.0's packet in and packet out (1.0 §5.4.1, §5.3.6).
const V1_PACKET_IN: u8 = 10;
const V1_PACKET_OUT: u8 = 13;
/// The bits of the version byte tshark shows (the high bit is reserved).
const VERSION_MASK: u8 = 0x7f;

/// The fields of one of the versions 1.3 to 1.5, in the order of [`FIELDS`].
macro_rules! version_fields {
    ($p:literal) => {
        [
            FieldDecl { name: concat!($p, ".version"), ftype: Ftype::Uint8, title: "Version", base: "BASE_HEX" },
            FieldDecl { name: concat!($p, ".type"), ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
            FieldDecl { name: concat!($p, ".length"), ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
            FieldDecl { name: concat!($p, ".xid"), ftype: Ftype::Uint32, title: "Transaction ID", base: "BASE_DEC" },
            FieldDecl {
                name: concat!($p, ".multipart_request.type"),
                ftype: Ftype::Uint16,
                title: "Type",
                base: "BASE_DEC",
            },
            FieldDecl {
                name: concat!($p, ".multipart_request.flags"),
                ftype: Ftype::Uint16,
                title: "Flags",
                base: "BASE_HEX",
            },
            FieldDecl {
                name: concat!($p, ".multipart_request.flags.more"),
                ftype: Ftype::Uint16,
                title: "OFPMPF_REQ_MORE",
                base: "BASE_HEX",
            },
            FieldDecl { name: concat!($p, ".multipart_request.pad"), ftype: Ftype::Bytes, title: "Pad", base: "" },
            FieldDecl {
                name: concat!($p, ".multipart_reply.type"),
                ftype: Ftype::Uint16,
                title: "Type",
                base: "BASE_DEC",
            },
            FieldDecl {
                name: concat!($p, ".multipart_reply.flags"),
                ftype: Ftype::Uint16,
                title: "Flags",
                base: "BASE_HEX",
            },
            FieldDecl {
                name: concat!($p, ".multipart_reply.flags.more"),
                ftype: Ftype::Uint16,
                title: "OFPMPF_REPLY_MORE",
                base: "BASE_HEX",
            },
            FieldDecl { name: concat!($p, ".multipart_reply.pad"), ftype: Ftype::Bytes, title: "Pad", base: "" },
        ]
    };
}

/// The fields of 1.3 (`openflow_v4`), 1.4 and 1.5.
const V4_FIELDS: [FieldDecl; 12] = version_fields!("openflow_v4");
const V5_FIELDS: [FieldDecl; 12] = version_fields!("openflow_v5");
const V6_FIELDS: [FieldDecl; 12] = version_fields!("openflow_v6");

/// The fields, in the order of the indexes `values` takes: the protocol, the
/// version byte and 1.0's header, then those of 1.3, 1.4 and 1.5.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "openflow", ftype: Ftype::Protocol, title: "OpenFlow", base: "" },
    FieldDecl { name: "openflow.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_HEX" },
    FieldDecl {
        name: "openflow.version.unknown",
        ftype: Ftype::None,
        title: "Unsupported version not dissected",
        base: "",
    },
    FieldDecl { name: "openflow_1_0.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "openflow.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "openflow.xid", ftype: Ftype::Uint32, title: "Transaction ID", base: "BASE_DEC" },
    V4_FIELDS[0],
    V4_FIELDS[1],
    V4_FIELDS[2],
    V4_FIELDS[3],
    V4_FIELDS[4],
    V4_FIELDS[5],
    V4_FIELDS[6],
    V4_FIELDS[7],
    V4_FIELDS[8],
    V4_FIELDS[9],
    V4_FIELDS[10],
    V4_FIELDS[11],
    V5_FIELDS[0],
    V5_FIELDS[1],
    V5_FIELDS[2],
    V5_FIELDS[3],
    V5_FIELDS[4],
    V5_FIELDS[5],
    V5_FIELDS[6],
    V5_FIELDS[7],
    V5_FIELDS[8],
    V5_FIELDS[9],
    V5_FIELDS[10],
    V5_FIELDS[11],
    V6_FIELDS[0],
    V6_FIELDS[1],
    V6_FIELDS[2],
    V6_FIELDS[3],
    V6_FIELDS[4],
    V6_FIELDS[5],
    V6_FIELDS[6],
    V6_FIELDS[7],
    V6_FIELDS[8],
    V6_FIELDS[9],
    V6_FIELDS[10],
    V6_FIELDS[11],
];

/// How one decoded version names its protocol and header fields.
struct Names {
    /// The protocol's filter name (`openflow_v4`).
    proto: &'static str,
    /// Its title (`OpenFlow 1.3`).
    title: &'static str,
    /// The header fields' names and, for 1.3 and later, the multipart fields'.
    version: &'static str,
    kind: &'static str,
    length: &'static str,
    xid: &'static str,
    /// Its fields from [`version_fields`], `None` for 1.0 (no multipart messages).
    more: Option<&'static [FieldDecl; 12]>,
}

/// The names of a version tshark decodes.
fn names_of(version: u8) -> Option<Names> {
    let v = |proto, title, f: &'static [FieldDecl; 12]| Names {
        proto,
        title,
        version: f[0].name,
        kind: f[1].name,
        length: f[2].name,
        xid: f[3].name,
        more: Some(f),
    };
    Some(match version {
        V1_0 => Names {
            proto: "openflow_v1",
            title: "OpenFlow 1.0",
            version: "openflow.version",
            kind: "openflow_1_0.type",
            length: "openflow.length",
            xid: "openflow.xid",
            more: None,
        },
        V1_3 => v("openflow_v4", "OpenFlow 1.3", &V4_FIELDS),
        V1_4 => v("openflow_v5", "OpenFlow 1.4", &V5_FIELDS),
        V1_5 => v("openflow_v6", "OpenFlow 1.5", &V6_FIELDS),
        _ => return None,
    })
}

/// One message of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// Offset of its header in the segment.
    pub at: usize,
    /// Its bytes as far as the segment holds them (the whole message when
    /// `whole`; may be shorter than a header when cut).
    pub bytes: &'a [u8],
    /// Whether the segment holds all of it.
    pub whole: bool,
}

impl Message<'_> {
    /// The version byte.
    fn version(&self) -> Option<u8> {
        self.bytes.first().copied()
    }

    /// The message type.
    fn kind(&self) -> Option<u8> {
        self.bytes.get(TYPE_AT).copied()
    }

    /// The length field: the whole message's length.
    fn length(&self) -> Option<u16> {
        self.bytes.get(LENGTH_AT..XID_AT).map(|b| be16(b, 0))
    }

    /// Whether tshark stops writing the columns after this message: an
    /// OpenFlow 1.0 packet in or packet out, which carries an Ethernet frame.
    fn locks_columns(&self) -> bool {
        self.version() == Some(V1_0) && matches!(self.kind(), Some(V1_PACKET_IN | V1_PACKET_OUT))
    }

    /// Whether tshark decodes this version.
    fn supported(&self) -> bool {
        self.version().and_then(names_of).is_some()
    }

    /// Whether tshark's decoder of its body reads past its end (a malformed
    /// message): an OpenFlow 1.0 message shorter than the fixed part of its
    /// body, where tshark's decoder reads it regardless. A flow modification
    /// and a packet out are followed by at least one action header, which
    /// tshark reads even when the message has no action. (A message the segment
    /// cuts is not decoded that far.)
    fn overruns(&self) -> bool {
        let (Some(V1_0), Some(t), Some(len), true) = (self.version(), self.kind(), self.length(), self.whole) else {
            return false;
        };
        let least = match t {
            6 => 32,                 // FEATURES_REPLY: datapath, buffers, tables, capabilities, actions
            8 | 9 => 12,             // GET_CONFIG_REPLY, SET_CONFIG: flags, miss_send_len
            V1_PACKET_IN => 18,      // up to its padding
            11 => 88,                // FLOW_REMOVED
            V1_PACKET_OUT => 16 + 8, // and one action header
            14 => 72 + 8,            // FLOW_MOD and one action header
            16 | 17 => 12,           // STATS_REQUEST, STATS_REPLY: type and flags
            _ => HEADER_LEN,
        };
        usize::from(len) < least
    }
}

/// A segment's messages, as tshark shows them in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The messages shown, in order.
    pub messages: Vec<Message<'a>>,
    /// A length field shorter than a header stopped the walk: malformed.
    pub bogus_length: bool,
}

/// The length of the OpenFlow message that starts `bytes` (its header's length
/// field), or `None` when fewer than a header's bytes are there: what a TCP
/// reassembly needs to know where the next message starts.
pub fn message_len(bytes: &[u8]) -> Option<usize> {
    bytes.get(..HEADER_LEN).map(|h| usize::from(be16(h, LENGTH_AT)))
}

/// Cuts a segment into messages (see the module's docs for the last one).
pub fn segment(pdu: &[u8]) -> Segment<'_> {
    let mut seg = Segment::default();
    let mut at = 0;
    while at < pdu.len() {
        let rest = &pdu[at..];
        let first = seg.messages.is_empty();
        let Some(len) = message_len(rest) else {
            if first {
                seg.messages.push(Message { at, bytes: rest, whole: false });
            }
            break;
        };
        if len < HEADER_LEN {
            seg.bogus_length = true;
            break;
        }
        match rest.get(..len) {
            Some(bytes) => seg.messages.push(Message { at, bytes, whole: true }),
            None => {
                let cut = Message { at, bytes: rest, whole: false };
                if first || !cut.supported() {
                    seg.messages.push(cut);
                }
                break;
            }
        }
        at += len;
    }
    seg
}

/// The name of message type `t` of `version` in the Info column.
fn info_type(version: u8, t: u8) -> &'static str {
    message_type(version, t).unwrap_or("Unknown message type")
}

/// A multipart message's type, when the message is one and holds it.
fn multipart(m: &Message<'_>) -> Option<(bool, u16)> {
    let (v, t) = (m.version()?, m.kind()?);
    if v == V1_0 || !(t == MULTIPART_REQUEST || t == MULTIPART_REPLY) {
        return None;
    }
    let ty = m.bytes.get(MULTIPART_TYPE_AT..MULTIPART_FLAGS_AT)?;
    Some((t == MULTIPART_REQUEST, be16(ty, 0)))
}

/// One message's Info text: `Type: OFPT_HELLO`, with the multipart type after
/// a comma; nothing for a version tshark does not decode.
fn message_info(m: &Message<'_>, out: &mut String) {
    let (Some(v), Some(t)) = (m.version(), m.kind()) else { return };
    if names_of(v).is_none() {
        return;
    }
    out.push_str("Type: ");
    out.push_str(info_type(v, t));
    if let Some((_, mp)) = multipart(m) {
        out.push_str(", ");
        match multipart_type(v, mp) {
            Some(name) => out.push_str(name),
            None => out.push_str(&format!("Unknown ({mp})")),
        }
    }
}

impl Dissector for OpenFlow {
    fn name(&self) -> &'static str {
        "openflow"
    }

    fn title(&self) -> &'static str {
        "OpenFlow"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "OpenFlow"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// Nothing: tshark's OpenFlow layer adds no item of its own (each message is
    /// its version's block), so `-T fields -e openflow` prints an empty cell.
    /// (A display filter `openflow` still matches here; tshark's matches nothing.)
    fn label(&self, _pdu: &[u8]) -> String {
        String::new()
    }

    /// `openflow`, then each message's version protocol: tshark names the
    /// version once per OpenFlow 1.0 message and once per segment for the others.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        protocols_of(&segment(pdu))
    }

    /// The Info column as tshark leaves it: each message replaces the text of
    /// the one before, so the last message's shows, and a malformed last message
    /// or a bogus length adds `[Malformed Packet]` — except after an OpenFlow 1.0
    /// packet in or packet out, whose text stays: tshark locks the columns there
    /// (so that the Ethernet frame the message carries does not write them) and
    /// never unlocks them.
    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let seg = segment(pdu);
        let locked = seg.messages.iter().position(Message::locks_columns);
        match locked {
            Some(i) => message_info(&seg.messages[i], out),
            None => {
                if let Some(last) = seg.messages.last() {
                    message_info(last, out);
                    if last.overruns() {
                        out.push_str("[Malformed Packet]");
                    }
                }
                if seg.bogus_length {
                    out.push_str("[Malformed Packet]");
                }
            }
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let seg = segment(pdu);
        for m in &seg.messages {
            message_tree(out, m, o + m.at);
        }
        if seg.bogus_length {
            malformed(out, "OpenFlow");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The longest run of OpenFlow 1.0 messages [`protocols_of`] names one by one.
const V1_CHAIN_MAX: usize = 64;
/// `openflow` and [`V1_CHAIN_MAX`] times `:openflow_v1`, cut to length by [`protocols_of`].
const V1_CHAIN: &str = concat!(
    "openflow",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
    ":openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1:openflow_v1",
);
/// The length of `:openflow_v1`.
const V1_LINK: usize = 12;

/// A segment's part of `frame.protocols`.
fn protocols_of(seg: &Segment<'_>) -> &'static str {
    let shown = |v| seg.messages.iter().filter(|m| m.version() == Some(v)).count();
    let v1 = shown(V1_0).min(V1_CHAIN_MAX);
    if v1 > 0 {
        return &V1_CHAIN[.."openflow".len() + v1 * V1_LINK];
    }
    match seg.messages.iter().find_map(|m| m.version().and_then(names_of)) {
        Some(n) => match n.proto {
            "openflow_v4" => "openflow:openflow_v4",
            "openflow_v5" => "openflow:openflow_v5",
            _ => "openflow:openflow_v6",
        },
        None => "openflow",
    }
}

/// One message's part of the details: its version's block with the header
/// (and a multipart message's type and flags), or the version byte alone with
/// tshark's warning for a version it does not decode.
fn message_tree(out: &mut Tree, m: &Message<'_>, at: usize) {
    let Some(v) = m.version() else { return };
    let Some(n) = names_of(v) else {
        unsupported(out, v, at);
        return;
    };
    out.at(0).proto(n.proto).bytes(at, m.bytes.len()).line(format_args!("{}", n.title));
    let shown = v & VERSION_MASK;
    let version = out.at(1).field(n.version, Ftype::Uint8, Value::hex(u64::from(shown), 2)).bytes(at, 1);
    let name = version_name(shown).unwrap_or("Unknown");
    if v == V1_0 {
        let bits = masked_bits(u64::from(v), u64::from(VERSION_MASK), 8);
        version
            .mask(u64::from(VERSION_MASK), u64::from(shown))
            .line(format_args!("{bits} = Version: {name} (0x{shown:02x})"));
    } else {
        version.line(format_args!("Version: {name} (0x{v:02x})"));
    }
    let Some(t) = m.kind() else { return cut(out, m) };
    let tname = message_type(v, t).unwrap_or("Unknown");
    out.at(1).field(n.kind, Ftype::Uint8, t).bytes(at + TYPE_AT, 1).line(format_args!("Type: {tname} ({t})"));
    let Some(len) = m.length() else { return cut(out, m) };
    out.at(1).field(n.length, Ftype::Uint16, len).bytes(at + LENGTH_AT, 2).line(format_args!("Length: {len}"));
    let Some(xid) = m.bytes.get(XID_AT..HEADER_LEN).map(|b| be32(b, 0)) else { return cut(out, m) };
    out.at(1).field(n.xid, Ftype::Uint32, xid).bytes(at + XID_AT, 4).line(format_args!("Transaction ID: {xid}"));
    if let (Some(f), Some((request, mp))) = (n.more, multipart(m)) {
        multipart_tree(out, m, f, request, mp, at);
    }
    if !m.whole {
        cut(out, m);
    } else if m.overruns() {
        malformed(out, n.proto);
    }
}

/// A multipart message's type, flags and padding (1.3 §7.3.5).
fn multipart_tree(out: &mut Tree, m: &Message<'_>, f: &'static [FieldDecl; 12], request: bool, mp: u16, at: usize) {
    let v = m.version().unwrap_or_default();
    let (ty, flags, more, pad, bit) = if request {
        (&f[4], &f[5], &f[6], &f[7], "OFPMPF_REQ_MORE")
    } else {
        (&f[8], &f[9], &f[10], &f[11], "OFPMPF_REPLY_MORE")
    };
    let name = multipart_type(v, mp).unwrap_or("Unknown");
    out.at(1)
        .field(ty.name, Ftype::Uint16, mp)
        .bytes(at + MULTIPART_TYPE_AT, 2)
        .line(format_args!("Type: {name} ({mp})"));
    let Some(fl) = m.bytes.get(MULTIPART_FLAGS_AT..MULTIPART_FLAGS_AT + 2).map(|b| be16(b, 0)) else { return };
    out.at(1)
        .field(flags.name, Ftype::Uint16, Value::hex16(fl))
        .bytes(at + MULTIPART_FLAGS_AT, 2)
        .line(format_args!("Flags: 0x{fl:04x}"));
    let set = fl & MULTIPART_MORE;
    let bits = masked_bits(u64::from(fl), u64::from(MULTIPART_MORE), 16);
    out.at(2)
        .field(more.name, Ftype::Uint16, Value::hex16(set))
        .bytes(at + MULTIPART_FLAGS_AT, 2)
        .mask(u64::from(MULTIPART_MORE), u64::from(set))
        .line(format_args!("{bits} = {bit}: 0x{set:x}"));
    if let Some(p) = m.bytes.get(MULTIPART_PAD_AT..MULTIPART_PAD_AT + MULTIPART_PAD_LEN) {
        out.at(1)
            .field(pad.name, Ftype::Bytes, Mac(p))
            .bytes(at + MULTIPART_PAD_AT, MULTIPART_PAD_LEN)
            .line(format_args!("Pad: {}", Hex(p)));
    }
}

/// A version tshark does not decode: the version byte at the top level and
/// tshark's warning.
fn unsupported(out: &mut Tree, v: u8, at: usize) {
    let shown = v & VERSION_MASK;
    let bits = masked_bits(u64::from(v), u64::from(VERSION_MASK), 8);
    let name = version_name(shown).unwrap_or("Unknown");
    out.at(0)
        .field("openflow.version", Ftype::Uint8, Value::hex(u64::from(shown), 2))
        .owner("openflow")
        .bytes(at, 1)
        .mask(u64::from(VERSION_MASK), u64::from(shown))
        .line(format_args!("{bits} = Version: {name} (0x{shown:02x})"));
    let msg = "Unsupported version not dissected";
    out.expert(1, "openflow.version.unknown", Severity::Warning, Group::Undecoded, msg);
}

/// A note under a message the segment cuts short.
fn cut(out: &mut Tree, m: &Message<'_>) {
    match m.length() {
        Some(len) => out.text(1, format_args!("[Message cut short: {} of {len} bytes in this segment]", m.bytes.len())),
        None => out.text(1, format_args!("[Message cut short: {} bytes of its header in this segment]", m.bytes.len())),
    }
}

#[cfg(test)]
mod tests;
