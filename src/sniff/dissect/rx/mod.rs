//! RX, the remote procedure call transport of AFS (the RX protocol
//! specification, OpenAFS `rx/rx_packet.h`): a 28-byte header (epoch, connection
//! ID, call number, sequence number, serial, type, flags, user status, security
//! index, checksum and service ID) over UDP, then the packet type's body: an
//! acknowledgement, a security challenge or response, an abort code, or a data
//! packet that carries the AFS call ([`afs`]).

pub mod afs;
mod fields;
mod tree;

#[cfg(test)]
mod tests;

use super::dissector::{tree_values, CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall, RECALL_BYTES};
use crate::proto::bytes::{be16, be32};
use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use fields::FIELDS;
use std::fmt::{self, Write as _};

/// The RX dissector (AFS included: its data packets).
pub struct Rx;

/// The AFS server ports 7000-7009 and the backup server's 7021, as Wireshark
/// registers RX on them.
const PORTS: &[Claim] = &[
    Claim::UdpPort(7000),
    Claim::UdpPort(7001),
    Claim::UdpPort(7002),
    Claim::UdpPort(7003),
    Claim::UdpPort(7004),
    Claim::UdpPort(7005),
    Claim::UdpPort(7006),
    Claim::UdpPort(7007),
    Claim::UdpPort(7008),
    Claim::UdpPort(7009),
    Claim::UdpPort(7021),
];

/// Byte offsets of the header (RX specification, "packet header").
mod at {
    pub const EPOCH: usize = 0;
    pub const CID: usize = 4;
    pub const CALL: usize = 8;
    pub const SEQ: usize = 12;
    pub const SERIAL: usize = 16;
    pub const TYPE: usize = 20;
    pub const FLAGS: usize = 21;
    pub const USER_STATUS: usize = 22;
    pub const SECURITY_INDEX: usize = 23;
    /// The spare field (a checksum) comes before the service ID on the wire.
    pub const SPARE: usize = 24;
    pub const SERVICE_ID: usize = 26;
    /// The end of the header: the body follows.
    pub const BODY: usize = 28;
}

/// Packet types (rx_packet.h `RX_PACKET_TYPE_*`).
pub mod kind {
    pub const DATA: u8 = 1;
    pub const ACK: u8 = 2;
    pub const BUSY: u8 = 3;
    pub const ABORT: u8 = 4;
    pub const ACKALL: u8 = 5;
    pub const CHALLENGE: u8 = 6;
    pub const RESPONSE: u8 = 7;
    pub const DEBUG: u8 = 8;
    pub const PARAMS: u8 = 9;
    pub const VERSION: u8 = 13;
}

/// Header flags (rx_packet.h `RX_*`).
pub mod flag {
    pub const CLIENT_INITIATED: u8 = 0x01;
    pub const REQUEST_ACK: u8 = 0x02;
    pub const LAST_PACKET: u8 = 0x04;
    pub const MORE_PACKETS: u8 = 0x08;
    pub const FREE_PACKET: u8 = 0x10;
}

/// The RX header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The client's start time, which with the connection ID names a connection.
    pub epoch: u32,
    /// Connection ID; its low bits are the call channel.
    pub cid: u32,
    /// Call number.
    pub call: u32,
    /// Sequence number of a data packet in its call.
    pub seq: u32,
    /// Packet type.
    pub kind: u8,
    /// Flags.
    pub flags: u8,
}

impl Header {
    /// The header at the start of `pdu`, if it is RX's: long enough and of a
    /// known type (as Wireshark checks before taking a packet).
    pub fn parse(pdu: &[u8]) -> Option<Header> {
        if pdu.len() < at::BODY {
            return None;
        }
        let kind = pdu[at::TYPE];
        if kind == 0 || (10..=12).contains(&kind) || kind > kind::VERSION {
            return None;
        }
        Some(Header {
            epoch: be32(pdu, at::EPOCH),
            cid: be32(pdu, at::CID),
            call: be32(pdu, at::CALL),
            seq: be32(pdu, at::SEQ),
            kind,
            flags: pdu[at::FLAGS],
        })
    }

    /// Whether a data packet answers a call (the server sends it).
    pub fn reply(&self) -> bool {
        self.flags & flag::CLIENT_INITIATED == 0
    }

    /// Whether the AFS part needs what the capture state remembers: a reply
    /// (its operation is its request's) or a later packet of a request sent in
    /// several (only the first starts with the operation).
    pub fn needs_recall(&self) -> bool {
        self.kind == kind::DATA && (self.reply() || self.seq > 1)
    }
}

/// Wireshark's name of a packet type.
pub fn kind_name(k: u8) -> Option<&'static str> {
    Some(match k {
        kind::DATA => "data",
        kind::ACK => "ack",
        kind::BUSY => "busy",
        kind::ABORT => "abort",
        kind::ACKALL => "ackall",
        kind::CHALLENGE => "challenge",
        kind::RESPONSE => "response",
        kind::DEBUG => "debug",
        kind::PARAMS => "params",
        kind::VERSION => "version",
        _ => return None,
    })
}

/// Wireshark's name of an acknowledgement's reason (rx_packet.h `RX_ACK_*`).
pub fn reason_name(r: u8) -> Option<&'static str> {
    Some(match r {
        1 => "Ack Requested",
        2 => "Duplicate Packet",
        3 => "Out Of Sequence",
        4 => "Exceeds Window",
        5 => "No Space",
        6 => "Ping",
        7 => "Ping Response",
        8 => "Delay",
        9 => "Idle",
        _ => return None,
    })
}

/// The source and destination ports of a PDU handed over with `ctx`.
fn ports(ctx: Ctx) -> (u16, u16) {
    let (port, peer) = (ctx.port.unwrap_or(0), ctx.peer.unwrap_or(0));
    if ctx.to_port {
        (peer, port)
    } else {
        (port, peer)
    }
}

/// The AFS server port of a data packet: where a request goes, where a reply comes from.
fn server_port(h: &Header, ctx: Ctx) -> u16 {
    let (src, dst) = ports(ctx);
    if h.reply() {
        src
    } else {
        dst
    }
}

/// The operation number a request starts with (0 when cut short).
fn own_opcode(pdu: &[u8]) -> Option<u32> {
    (pdu.len() >= at::BODY + 4).then(|| be32(pdu, at::BODY))
}

/// Where the ACK body's fields are, from the start of the PDU.
mod ack {
    pub const REASON: usize = super::at::BODY + 16;
    pub const NUM_ACKS: usize = super::at::BODY + 17;
    pub const ACKS: usize = super::at::BODY + 18;
}

/// Whether a non-data body is shorter than its fields (Wireshark then marks
/// the packet malformed).
fn body_cut_short(pdu: &[u8], h: &Header) -> bool {
    let body = pdu.len().saturating_sub(at::BODY);
    match h.kind {
        kind::ACK => pdu.get(ack::NUM_ACKS).is_none_or(|&n| pdu.len() < ack::ACKS + usize::from(n)),
        kind::ABORT => body < 4,
        kind::CHALLENGE => body < 4 || (be32(pdu, at::BODY) == 2 && body < 12),
        kind::RESPONSE => tree::response_len(pdu).is_none(),
        _ => false,
    }
}

impl Dissector for Rx {
    fn name(&self) -> &'static str {
        "rx"
    }

    fn title(&self) -> &'static str {
        "RX Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match Header::parse(pdu) {
            Some(h) if h.kind == kind::DATA => "AFS (RX)",
            _ => "RX",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn accepts(&self, pdu: &[u8]) -> bool {
        Header::parse(pdu).is_some()
    }

    fn protocols(&self, pdu: &[u8]) -> &'static str {
        match Header::parse(pdu) {
            // An empty AFS part is not named (tshark leaves out empty layers).
            Some(h) if h.kind == kind::DATA && pdu.len() > at::BODY => "rx:afs",
            _ => "rx",
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label(&self, _pdu: &[u8]) -> String {
        self.title().to_string()
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let Some(h) = Header::parse(pdu) else { return };
        let word = match h.kind {
            kind::DATA => {
                if !h.needs_recall() {
                    match own_opcode(pdu) {
                        Some(op) => afs::info(out, server_port(&h, ctx), false, op),
                        None => out.push_str("[Malformed Packet]"),
                    }
                }
                return;
            }
            kind::ACK => {
                let Some(&r) = pdu.get(ack::REASON) else {
                    out.push_str("[Malformed Packet]");
                    return;
                };
                match reason_name(r) {
                    Some(name) => {
                        let _ = write!(out, "ACK {name}");
                    }
                    None => {
                        let _ = write!(out, "ACK Unknown ({r})");
                    }
                }
                ""
            }
            kind::ACKALL => "ACKALL",
            kind::CHALLENGE => "CHALLENGE",
            kind::RESPONSE => "RESPONSE",
            kind::ABORT => "ABORT",
            _ => return,
        };
        let (src, dst) = ports(ctx);
        let _ = write!(out, "{word}  Seq: {}  Call: {}  Source Port: {src}  Destination Port: {dst}  ", h.seq, h.call);
        if body_cut_short(pdu, &h) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, offset: usize, out: &mut Tree) {
        tree::build(pdu, ctx, offset, out);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(Calls::default()))
    }

    fn recalled_info(&self, _pdu: &[u8], recall: &Recall, out: &mut String) {
        let c = Recalled::from(recall);
        afs::info(out, c.port, c.flags & flag::CLIENT_INITIATED == 0, c.opcode);
    }

    fn recalled_tree(&self, recall: &Recall, out: &mut Tree) {
        tree::recalled(&Recalled::from(recall), recall.frame, out);
    }

    fn recalled_values<'p>(&self, recall: &Recall, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut tree = Tree::new();
        self.recalled_tree(recall, &mut tree);
        for item in tree.items().iter().filter(|i| i.field == decl.name) {
            let text = tree.value(item);
            out.push(match decl.ftype {
                Ftype::Boolean => Value::Bool(text == "1"),
                _ => text.parse().map_or_else(|_| Value::Str(text.to_string().into()), Value::Uint),
            });
        }
    }

    fn recalled_note(&self, recall: &Recall, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = Recalled::from(recall);
        if c.flags & flag::CLIENT_INITIATED != 0 {
            return write!(out, "AFS: one packet of a request sent in several (RX sequence number {})", c.seq);
        }
        let name = afs::shown_service(c.port, c.opcode)
            .and_then(|s| s.ops)
            .and_then(|ops| afs::op_name(ops, c.opcode))
            .unwrap_or("unknown");
        if c.found {
            write!(out, "AFS reply to the {name} call of frame {} (same RX connection and call number)", recall.frame)
        } else {
            write!(out, "AFS reply whose request is not in the capture: the operation it answers is unknown")
        }
    }
}

/// What [`Calls`] found about a data packet, as the [`Recall`] carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recalled {
    /// The call's operation: its first request packet's.
    pub opcode: u32,
    /// The AFS server port.
    pub port: u16,
    /// The packet's RX flags.
    pub flags: u8,
    /// The packet's sequence number.
    pub seq: u32,
    /// Whether the call's request was seen.
    pub found: bool,
    /// Nanoseconds since the request, when it was seen.
    pub since: i64,
}

/// Where a [`Recalled`] is in the [`Recall`]'s bytes.
mod slot {
    pub const OPCODE: usize = 0;
    pub const PORT: usize = 4;
    pub const FLAGS: usize = 6;
    pub const SEQ: usize = 7;
    /// The nanoseconds of the time since the request (its seconds are the Recall's).
    pub const NANOS: usize = 11;
    /// The flag bit: the request was seen.
    pub const FOUND: u8 = 1;
}

impl From<&Recall> for Recalled {
    fn from(r: &Recall) -> Recalled {
        let b = &r.bytes;
        Recalled {
            opcode: be32(b, slot::OPCODE),
            port: be16(b, slot::PORT),
            flags: b[slot::FLAGS],
            seq: be32(b, slot::SEQ),
            found: r.flags & slot::FOUND != 0,
            since: i64::from(r.secs) * NANOS + i64::from(be32(b, slot::NANOS)),
        }
    }
}

impl Recalled {
    /// The [`Recall`] that carries it, pointing at the request's frame.
    fn recall(&self, frame: u32) -> Recall {
        let mut bytes = [0u8; RECALL_BYTES];
        bytes[slot::OPCODE..slot::OPCODE + 4].copy_from_slice(&self.opcode.to_be_bytes());
        bytes[slot::PORT..slot::PORT + 2].copy_from_slice(&self.port.to_be_bytes());
        bytes[slot::FLAGS] = self.flags;
        bytes[slot::SEQ..slot::SEQ + 4].copy_from_slice(&self.seq.to_be_bytes());
        let since = self.since.max(0);
        let nanos = u32::try_from(since % NANOS).unwrap_or(0);
        bytes[slot::NANOS..slot::NANOS + 4].copy_from_slice(&nanos.to_be_bytes());
        let secs = u32::try_from(since / NANOS).unwrap_or(u32::MAX);
        Recall { frame, secs, bytes, flags: if self.found { slot::FOUND } else { 0 } }
    }
}

/// Nanoseconds in a second.
const NANOS: i64 = 1_000_000_000;

/// A call: the connection's ports, epoch and ID, and the call number.
type CallKey = (u16, u16, u32, u32, u32);

/// The most calls remembered in one capture.
const MAX_CALLS: usize = 1 << 16;

/// The calls' operations and request frames, as Wireshark remembers them to
/// name the operation a reply answers.
#[derive(Default)]
pub struct Calls {
    /// The operation, request frame and request time of each call.
    calls: FxHashMap<CallKey, (u32, u32, i64)>,
}

impl CaptureState for Calls {
    fn frame(&mut self, pdu: &[u8], frame: u32, secs: i64) -> Option<Recall> {
        self.frame_in(pdu, Ctx::default(), frame, secs.saturating_mul(NANOS))
    }

    fn frame_in(&mut self, pdu: &[u8], ctx: Ctx, frame: u32, nanos: i64) -> Option<Recall> {
        let h = Header::parse(pdu)?;
        if h.kind != kind::DATA {
            return None;
        }
        let (src, dst) = ports(ctx);
        let key = (src.min(dst), src.max(dst), h.epoch, h.cid, h.call);
        if !h.reply() && !self.calls.contains_key(&key) && self.calls.len() < MAX_CALLS {
            if let Some(op) = own_opcode(pdu) {
                self.calls.insert(key, (op, frame, nanos));
            }
        }
        if !h.needs_recall() {
            return None;
        }
        let found = self.calls.get(&key).copied();
        let (opcode, req, sent) = found.unwrap_or((0, 0, nanos));
        let port = server_port(&h, ctx);
        let since = nanos.saturating_sub(sent);
        let r = Recalled { opcode, port, flags: h.flags, seq: h.seq, found: found.is_some(), since };
        Some(r.recall(req))
    }
}
