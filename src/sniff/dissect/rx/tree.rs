//! RX's and AFS's part of the details tree, every field with its bytes.

use super::{afs, at, flag, kind, kind_name, own_opcode, reason_name, server_port, Header, Recalled};
use crate::proto::bytes::{be16, be32, be32_at};
use crate::sniff::dissect::data::shown_bytes;
use crate::sniff::dissect::dissector::Ctx;
use crate::sniff::dissect::frame::{malformed, UtcTime};
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// Nanoseconds in a second.
const NANOS: i64 = 1_000_000_000;

/// Seconds since 1970 as tshark shows an absolute time in UTC.
fn utc(secs: u32) -> String {
    format!("{} UTC", UtcTime(i64::from(secs) * NANOS))
}

/// The RX block (and, for a data packet, the start of the AFS block) of a PDU
/// whose first byte is at `o` of the frame.
pub fn build(pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) {
    let Some(h) = Header::parse(pdu) else { return };
    out.at(0).proto("rx").bytes(o, at::BODY).line(format_args!("RX Protocol"));
    header(pdu, &h, o, out);
    let complete = match h.kind {
        kind::ACK => ack(pdu, o, out),
        kind::CHALLENGE => challenge(pdu, o, out),
        kind::RESPONSE => response(pdu, o, out),
        kind::ABORT => abort(pdu, o, out),
        kind::DATA => return data(pdu, &h, ctx, o, out),
        _ => true,
    };
    if !complete {
        malformed(out, "RX");
    }
}

/// The 28-byte header.
fn header(pdu: &[u8], h: &Header, o: usize, out: &mut Tree) {
    let u32_field = |out: &mut Tree, name: &'static str, title: &str, at: usize| {
        let v = be32(pdu, at);
        out.at(1).field(name, Ftype::Uint32, v).bytes(o + at, 4).line(format_args!("{title}: {v}"));
    };
    out.at(1)
        .field("rx.epoch", Ftype::AbsoluteTime, utc(h.epoch))
        .bytes(o + at::EPOCH, 4)
        .line(format_args!("Epoch: {}", utc(h.epoch)));
    u32_field(out, "rx.cid", "CID", at::CID);
    u32_field(out, "rx.callnumber", "Call Number", at::CALL);
    u32_field(out, "rx.seq", "Sequence Number", at::SEQ);
    u32_field(out, "rx.serial", "Serial", at::SERIAL);
    let name = kind_name(h.kind).unwrap_or("Unknown");
    out.at(1)
        .field("rx.type", Ftype::Uint8, h.kind)
        .bytes(o + at::TYPE, 1)
        .line(format_args!("Type: {name} ({})", h.kind));
    flags(h.flags, o + at::FLAGS, out);
    let byte_field = |out: &mut Tree, name: &'static str, title: &str, at: usize| {
        let v = pdu[at];
        out.at(1).field(name, Ftype::Uint32, v).bytes(o + at, 1).line(format_args!("{title}: {v}"));
    };
    byte_field(out, "rx.userstatus", "User Status", at::USER_STATUS);
    byte_field(out, "rx.securityindex", "Security Index", at::SECURITY_INDEX);
    let spare = be16(pdu, at::SPARE);
    out.at(1)
        .field("rx.spare", Ftype::Uint16, spare)
        .bytes(o + at::SPARE, 2)
        .line(format_args!("Spare/Checksum: {spare}"));
    let service = be16(pdu, at::SERVICE_ID);
    out.at(1)
        .field("rx.serviceid", Ftype::Uint16, service)
        .bytes(o + at::SERVICE_ID, 2)
        .line(format_args!("Service ID: {service}"));
}

/// The flags named, highest bit first, and as bit fields.
const FLAG_BITS: [(u8, &str, &str); 5] = [
    (flag::FREE_PACKET, "rx.flags.free_packet", "Free Packet"),
    (flag::MORE_PACKETS, "rx.flags.more_packets", "More Packets"),
    (flag::LAST_PACKET, "rx.flags.last_packet", "Last Packet"),
    (flag::REQUEST_ACK, "rx.flags.request_ack", "Request Ack"),
    (flag::CLIENT_INITIATED, "rx.flags.client_init", "Client Initiated"),
];

/// The flags byte at `o`: `Flags: 0x05, Last Packet, Client Initiated`.
fn flags(f: u8, o: usize, out: &mut Tree) {
    let mut line = format!("Flags: 0x{f:02x}");
    for (bit, _, title) in FLAG_BITS {
        if f & bit != 0 {
            line.push_str(", ");
            line.push_str(title);
        }
    }
    out.at(1).field("rx.flags", Ftype::Uint8, Value::hex(u64::from(f), 2)).bytes(o, 1).line(format_args!("{line}"));
    for (bit, name, title) in FLAG_BITS {
        let set = f & bit != 0;
        let shift = bit.trailing_zeros();
        out.at(2).field(name, Ftype::Boolean, u8::from(set)).bytes(o, 1).mask(u64::from(bit), u64::from(set)).line(
            format_args!(
                "{} = {title}: {}",
                bit_pattern(u32::from(set), 1, shift, 8),
                if set { "True" } else { "False" }
            ),
        );
    }
}

/// A 32-bit field of a body at depth 2; false when cut short.
fn u32_item(out: &mut Tree, pdu: &[u8], o: usize, at: usize, name: &'static str, title: &str, hex: bool) -> bool {
    let Some(v) = be32_at(pdu, at) else { return false };
    let draft = out.at(2).bytes(o + at, 4);
    if hex {
        draft.field(name, Ftype::Uint32, Value::hex(u64::from(v), 8)).line(format_args!("{title}: 0x{v:08x}"));
    } else {
        draft.field(name, Ftype::Uint32, v).line(format_args!("{title}: {v}"));
    }
    true
}

/// The acknowledgement body; false when cut short.
fn ack(pdu: &[u8], o: usize, out: &mut Tree) -> bool {
    let b = at::BODY;
    out.at(1).field("rx.ack", Ftype::None, "").bytes(o + b, pdu.len() - b).line(format_args!("ACK Packet"));
    let u16_item = |out: &mut Tree, at: usize, name: &'static str, title: &str| {
        let Some(s) = pdu.get(at..at + 2) else { return false };
        let v = u16::from_be_bytes([s[0], s[1]]);
        out.at(2).field(name, Ftype::Uint16, v).bytes(o + at, 2).line(format_args!("{title}: {v}"));
        true
    };
    if !(u16_item(out, b, "rx.bufferspace", "Bufferspace")
        && u16_item(out, b + 2, "rx.maxskew", "Max Skew")
        && u32_item(out, pdu, o, b + 4, "rx.first", "First Packet", false)
        && u32_item(out, pdu, o, b + 8, "rx.prev", "Prev Packet", false)
        && u32_item(out, pdu, o, b + 12, "rx.serial", "Serial", false))
    {
        return false;
    }
    let Some(&reason) = pdu.get(super::ack::REASON) else { return false };
    let rname = reason_name(reason).unwrap_or("Unknown");
    out.at(2)
        .field("rx.reason", Ftype::Uint8, reason)
        .bytes(o + super::ack::REASON, 1)
        .line(format_args!("Reason: {rname} ({reason})"));
    let Some(&n) = pdu.get(super::ack::NUM_ACKS) else { return false };
    out.at(2)
        .field("rx.num_acks", Ftype::Uint8, n)
        .bytes(o + super::ack::NUM_ACKS, 1)
        .line(format_args!("Num ACKs: {n}"));
    let mut at = super::ack::ACKS;
    for _ in 0..n {
        let Some(&t) = pdu.get(at) else { return false };
        let tname = match t {
            0 => "NACK",
            1 => "ACK",
            _ => "Unknown",
        };
        out.at(2).field("rx.ack_type", Ftype::Uint8, t).bytes(o + at, 1).line(format_args!("ACK Type: {tname} ({t})"));
        at += 1;
    }
    // Implementations add three bytes of padding, then up to four numbers.
    if pdu.len() > at + 3 {
        at += 3;
        let trailer = [
            ("rx.max_mtu", "Max MTU"),
            ("rx.if_mtu", "Interface MTU"),
            ("rx.rwind", "rwind"),
            ("rx.max_packets", "Max Packets"),
        ];
        for (name, title) in trailer {
            if !u32_item(out, pdu, o, at, name, title, false) {
                break;
            }
            at += 4;
        }
    }
    true
}

/// The challenge body; false when cut short.
fn challenge(pdu: &[u8], o: usize, out: &mut Tree) -> bool {
    let b = at::BODY;
    out.at(1).field("rx.challenge", Ftype::None, "").bytes(o + b, pdu.len() - b).line(format_args!("CHALLENGE Packet"));
    let Some(version) = be32_at(pdu, b) else { return false };
    u32_item(out, pdu, o, b, "rx.version", "Version", false);
    if version != 2 {
        return true;
    }
    u32_item(out, pdu, o, b + 4, "rx.nonce", "Nonce", true)
        && u32_item(out, pdu, o, b + 8, "rx.min_level", "Min Level", false)
}

/// The encrypted part of a version 2 response: epoch, connection ID, checksum,
/// security index, the four call numbers, the incremented nonce and level.
const ENCRYPTED_LEN: usize = 40;
/// Version, unused word, encrypted part, key version and ticket length.
const RESPONSE_FIXED: usize = 4 + 4 + ENCRYPTED_LEN + 4 + 4;

/// The length of a response body with its ticket, `None` when cut short.
pub fn response_len(pdu: &[u8]) -> Option<usize> {
    let b = at::BODY;
    let version = be32_at(pdu, b)?;
    if version != 2 {
        return Some(4);
    }
    let ticket = usize::try_from(be32_at(pdu, b + RESPONSE_FIXED - 4)?).ok()?;
    let len = RESPONSE_FIXED.checked_add(ticket)?;
    (pdu.len() >= b + len).then_some(len)
}

/// The response body; false when cut short.
fn response(pdu: &[u8], o: usize, out: &mut Tree) -> bool {
    let b = at::BODY;
    let len = response_len(pdu).unwrap_or(pdu.len() - b);
    out.at(1).field("rx.response", Ftype::None, "").bytes(o + b, len).line(format_args!("RESPONSE Packet"));
    let Some(version) = be32_at(pdu, b) else { return false };
    u32_item(out, pdu, o, b, "rx.version", "Version", false);
    if version != 2 {
        return true;
    }
    let e = b + 8;
    let Some(epoch) = be32_at(pdu, e) else { return false };
    out.at(2).field("rx.encrypted", Ftype::None, "").bytes(o + e, ENCRYPTED_LEN).line(format_args!("Encrypted"));
    out.at(3)
        .field("rx.epoch", Ftype::AbsoluteTime, utc(epoch))
        .bytes(o + e, 4)
        .line(format_args!("Epoch: {}", utc(epoch)));
    let deep = |out: &mut Tree, at: usize, name: &'static str, title: &str, hex: bool| {
        let Some(v) = be32_at(pdu, at) else { return false };
        let d = out.at(3).bytes(o + at, 4);
        if hex {
            d.field(name, Ftype::Uint32, Value::hex(u64::from(v), 8)).line(format_args!("{title}: 0x{v:08x}"));
        } else {
            d.field(name, Ftype::Uint32, v).line(format_args!("{title}: {v}"));
        }
        true
    };
    if !deep(out, e + 4, "rx.cid", "CID", false) {
        return false;
    }
    let Some(&index) = pdu.get(e + 12) else { return false };
    out.at(3)
        .field("rx.securityindex", Ftype::Uint32, index)
        .bytes(o + e + 12, 1)
        .line(format_args!("Security Index: {index}"));
    for i in 0..4 {
        if !deep(out, e + 16 + 4 * i, "rx.callnumber", "Call Number", false) {
            return false;
        }
    }
    if !(deep(out, e + 32, "rx.inc_nonce", "Inc Nonce", true) && deep(out, e + 36, "rx.level", "Level", false)) {
        return false;
    }
    let k = e + ENCRYPTED_LEN;
    if !(u32_item(out, pdu, o, k, "rx.kvno", "kvno", false)
        && u32_item(out, pdu, o, k + 4, "rx.ticket_len", "Ticket len", false))
    {
        return false;
    }
    let tl = usize::try_from(be32(pdu, k + 4)).unwrap_or(usize::MAX);
    let Some(ticket) = pdu.get(k + 8..).filter(|t| t.len() >= tl).map(|t| &t[..tl]) else { return false };
    let hex: String = ticket.iter().map(|b| format!("{b:02x}")).collect();
    out.at(2)
        .field("rx.ticket", Ftype::Bytes, &hex)
        .bytes(o + k + 8, tl)
        .line(format_args!("ticket: {}", shown_bytes(ticket)));
    true
}

/// The abort body; false when cut short.
fn abort(pdu: &[u8], o: usize, out: &mut Tree) -> bool {
    let b = at::BODY;
    out.at(1)
        .field("rx.abort", Ftype::None, "")
        .bytes(o + b, (pdu.len() - b).min(4))
        .line(format_args!("ABORT Packet"));
    let Some(code) = be32_at(pdu, b) else { return false };
    let code = code as i32;
    out.at(2).field("rx.abort_code", Ftype::Int32, code).bytes(o + b, 4).line(format_args!("Abort Code: {code}"));
    true
}

/// The AFS block of a data packet; what a reply or a piece of a longer message
/// shows of its call comes from the capture state ([`recalled`]).
fn data(pdu: &[u8], h: &Header, ctx: Ctx, o: usize, out: &mut Tree) {
    let b = at::BODY;
    let op = own_opcode(pdu);
    if !h.needs_recall() && op.is_none() {
        malformed(out, "AFS");
        return;
    }
    out.at(0).proto("afs").bytes(o + b, pdu.len() - b).line(format_args!("Andrew File System (AFS)"));
    let (Some(op), false) = (op, h.needs_recall()) else { return };
    let port = server_port(h, ctx);
    service_items(out, port, false, op, Some(o + b));
}

/// The service line, the operation and the service's hidden marker; the
/// operation has bytes when the packet carries it (`op_at`).
fn service_items(out: &mut Tree, port: u16, reply: bool, op: u32, op_at: Option<usize>) {
    out.at(1)
        .field("afs.service", Ftype::Uint32, op)
        .line(format_args!("Service: {}", afs::service_text(port, reply, op)));
    if !afs::valid(op) {
        return;
    }
    match afs::shown_service(port, op) {
        Some(svc) => {
            let draft = out.at(1).field(svc.opcode_field, Ftype::Uint32, op);
            let draft = match op_at {
                Some(at) => draft.bytes(at, 4),
                None => draft,
            };
            draft.line(format_args!("Operation: {}", afs::op_text(&svc, op)));
            out.at(1).field(svc.marker, Ftype::Boolean, 1).hidden();
        }
        None => out.text(1, format_args!("Operation: Unknown")),
    }
}

/// The AFS lines a reply, or a piece of a longer message, takes from its call.
pub fn recalled(c: &Recalled, request_frame: u32, out: &mut Tree) {
    let reply = c.flags & flag::CLIENT_INITIATED == 0;
    if reply && c.found {
        out.at(1)
            .field("afs.service", Ftype::Uint32, c.opcode)
            .line(format_args!("Service: {}", afs::service_text(c.port, reply, c.opcode)));
        out.at(1)
            .field("afs.reqframe", Ftype::Framenum, request_frame)
            .line(format_args!("This is a reply to a request in frame {request_frame}"));
        let t = Value::Seconds(c.since);
        out.at(1).field("afs.time", Ftype::RelativeTime, &t).line(format_args!("Time from request: {t} seconds"));
        operation(out, c);
    } else {
        service_items(out, c.port, reply, c.opcode, None);
    }
}

/// The operation line and marker of a reply whose request was seen.
fn operation(out: &mut Tree, c: &Recalled) {
    if !afs::valid(c.opcode) {
        return;
    }
    match afs::shown_service(c.port, c.opcode) {
        Some(svc) => {
            out.at(1)
                .field(svc.opcode_field, Ftype::Uint32, c.opcode)
                .line(format_args!("Operation: {}", afs::op_text(&svc, c.opcode)));
            out.at(1).field(svc.marker, Ftype::Boolean, 1).hidden();
        }
        None => out.text(1, format_args!("Operation: Unknown")),
    }
}
