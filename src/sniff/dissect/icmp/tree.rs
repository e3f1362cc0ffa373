//! The ICMP (RFC 792) and ICMPv6 (RFC 4443) blocks, with the datagram quoted
//! inside an error.

use super::names;
use crate::sniff::dissect::ip::IPV6_HEADER_LEN;
use crate::sniff::dissect::{frame::*, ip::tree::*, tcp::tree::*, udp::tree::*};
use crate::sniff::packet::{Icmp, Ipv6, Net, Packet, Quoted, Transport};
use crate::sniff::render::{Mac, Secs};
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::Tree;
use crate::sniff::tree::{Ftype, Group, Severity};
use crate::sniff::value::{Nanos, Value};

mod mld;
mod nd;

/// Byte offsets of the ICMP and ICMPv6 header fields from the header's start
/// (RFC 792, RFC 4443 §2.1, §3, §4).
mod field {
    /// Type.
    pub const TYPE: usize = 0;
    /// Code.
    pub const CODE: usize = 1;
    /// Checksum.
    pub const CHECKSUM: usize = 2;
    /// The four bytes after the checksum: unused, pointer, MTU, or an echo's identifier.
    pub const REST: usize = 4;
    /// An echo's sequence number.
    pub const SEQ: usize = 6;
    /// The next-hop MTU of an ICMP "fragmentation needed" (RFC 1191 §4).
    pub const NEXT_HOP_MTU: usize = 6;
    /// The data after the header.
    pub const DATA: usize = 8;
}

/// The names of the fields ICMP and ICMPv6 share.
struct Names {
    proto: &'static str,
    title: &'static str,
    ty: &'static str,
    code: &'static str,
    checksum: &'static str,
    status: &'static str,
    resp_in: &'static str,
    resp_to: &'static str,
    resptime: &'static str,
    no_resp: &'static str,
    resp_not_found: &'static str,
    checksum_bad: &'static str,
}

const V4: Names = Names {
    proto: "icmp",
    title: "Internet Control Message Protocol",
    ty: "icmp.type",
    code: "icmp.code",
    checksum: "icmp.checksum",
    status: "icmp.checksum.status",
    resp_in: "icmp.resp_in",
    resp_to: "icmp.resp_to",
    resptime: "icmp.resptime",
    no_resp: "icmp.no_resp",
    resp_not_found: "icmp.resp_not_found",
    checksum_bad: "icmp.checksum_bad",
};

const V6: Names = Names {
    proto: "icmpv6",
    title: "Internet Control Message Protocol v6",
    ty: "icmpv6.type",
    code: "icmpv6.code",
    checksum: "icmpv6.checksum",
    status: "icmpv6.checksum.status",
    resp_in: "icmpv6.resp_in",
    resp_to: "icmpv6.resp_to",
    resptime: "icmpv6.resptime",
    no_resp: "icmpv6.no_resp",
    resp_not_found: "icmpv6.resp_not_found",
    checksum_bad: "icmpv6.checksum_bad.expert",
};

pub fn icmp_tree(out: &mut Tree, p: &Packet<'_>, i: &Icmp) {
    let names = if i.v6 { &V6 } else { &V4 };
    let len = message_end(p).saturating_sub(i.offset);
    out.at(0).proto(names.proto).bytes(i.offset, len).line(format_args!("{}", names.title));
    type_and_code(out, i, names, 1);
    checksum(out, p, i, names);
    let mut malformed_at_end = false;
    if i.is_echo() && i.v6 {
        echo_v6(out, i, 1);
        response(out, p, i, names, ["[Response To: ", "[Response In: ", "[Response Time: "]);
    } else if i.is_echo() {
        echo_v4(out, i, 1);
        response(out, p, i, names, ["[Request frame: ", "[Response frame: ", "[Response time: "]);
    } else if i.is_error() {
        error_rest(out, i);
    } else if i.v6 && i.ty == mld::REPORT {
        // Past the reported end a record makes tshark's dissector throw; past the
        // captured end only, its bytes were not kept.
        let whole = datagram_end(&p.d.net).is_some_and(|end| end <= p.data.len());
        if !mld::report(out, p.data, i, message_end(p)) && whole {
            malformed_at_end = true;
        }
    } else if i.v6 {
        nd::neighbour_discovery(out, p.data, i, message_end(p));
    }
    if let Some(q) = p.d.quoted {
        quoted(out, p, &q);
    }
    if !p.d.quoted.is_some_and(|q| matches!(q.transport, Transport::Icmp(_))) {
        // Data after a quoted datagram belongs to the frame, after an echo to the ICMP tree.
        body(out, p, i, if i.is_error() { 0 } else { 1 });
    }
    if i.is_error() && extension_past_the_end(p, i) {
        malformed(out, "ICMP");
    }
    if malformed_at_end {
        malformed(out, "ICMPv6");
    }
}

/// What follows the header of `i`: for an ICMP echo, the sender's clock if its
/// data starts with one; then the rest as a Data block.
fn body(out: &mut Tree, p: &Packet<'_>, i: &Icmp, d: usize) {
    let mut payload = p.d.payload;
    if !i.v6 && i.is_echo() {
        if let Some(ts) = data_timestamp(payload, p.time) {
            let (at, rel) = (i.offset + field::DATA, p.time - ts);
            out.at(d)
                .field("icmp.data_time", Ftype::AbsoluteTime, format_args!("{} UTC", UtcTime(ts)))
                .bytes(at, TIMESTAMP_LEN)
                .line(format_args!("Timestamp from icmp data: {} UTC", UtcTime(ts)));
            out.at(d)
                .field("icmp.data_time_relative", Ftype::RelativeTime, Value::Seconds(rel))
                .bytes(at, TIMESTAMP_LEN)
                .line(format_args!(
                    "[Timestamp from icmp data (relative): {} seconds]",
                    Secs { nanos: rel, decimals: 9 }
                ));
            payload = &payload[TIMESTAMP_LEN..];
        }
    }
    if crate::sniff::dissect::data::has_data(p) && !payload.is_empty() {
        crate::sniff::dissect::data::data(out, p.data, payload, d);
    }
}

/// Bytes of an echo's data that may hold the sender's clock.
const TIMESTAMP_LEN: usize = 8;

/// The time at which the sender of an echo sent it, when its data starts with a
/// plausible one: seconds and microseconds (a `struct timeval`, as ping writes it)
/// in either byte order, within a day of the capture time. Wireshark's heuristic.
fn data_timestamp(payload: &[u8], frame_time: Nanos) -> Option<Nanos> {
    const DAY: u32 = 86_400;
    const USECS: u32 = 1_000_000;
    let b: &[u8; TIMESTAMP_LEN] = payload.get(..TIMESTAMP_LEN)?.try_into().ok()?;
    let frame_secs = frame_time.div_euclid(1_000_000_000);
    // Wireshark compares the difference of the seconds cut to a C int.
    let plausible =
        |secs: u32, usecs: u32| ((i64::from(secs) - frame_secs) as i32).wrapping_abs() < DAY as i32 && usecs < USECS;
    let be = (u32::from_be_bytes([b[0], b[1], b[2], b[3]]), u32::from_be_bytes([b[4], b[5], b[6], b[7]]));
    let le = (u32::from_le_bytes([b[0], b[1], b[2], b[3]]), u32::from_le_bytes([b[4], b[5], b[6], b[7]]));
    let (secs, usecs) = [be, le].into_iter().find(|&(s, u)| plausible(s, u))?;
    Some(i64::from(secs) * 1_000_000_000 + i64::from(usecs) * 1000)
}

/// The ICMP message an error quotes (a traceroute's echo request): its checksum
/// is not checked, as the quote may be cut; its data stays inside it.
fn quoted_icmp(out: &mut Tree, p: &Packet<'_>, i: &Icmp, end: usize) {
    let names = if i.v6 { &V6 } else { &V4 };
    let len = end.saturating_sub(i.offset);
    out.at(1).proto(names.proto).bytes(i.offset, len).line(format_args!("{}", names.title));
    type_and_code(out, i, names, 2);
    let value = Value::Hex { value: u64::from(i.checksum), digits: 4 };
    out.at(2)
        .field(names.checksum, Ftype::Uint16, value)
        .bytes(i.offset + field::CHECKSUM, 2)
        .line(format_args!("Checksum: 0x{:04x} [unverified] [in ICMP error packet]", i.checksum));
    out.at(2)
        .field(names.status, Ftype::Uint8, checksum_status::UNVERIFIED)
        .line(format_args!("[Checksum Status: Unverified]"));
    match (i.is_echo(), i.v6) {
        (true, true) => echo_v6(out, i, 2),
        (true, false) => echo_v4(out, i, 2),
        _ => {}
    }
    body(out, p, i, 2);
}

/// The end of the IP datagram that carries the ICMP message, within the captured bytes.
fn message_end(p: &Packet<'_>) -> usize {
    datagram_end(&p.d.net).unwrap_or(p.data.len()).min(p.data.len())
}

/// The end of the datagram an error quotes: its declared length, within the message.
fn quoted_end(p: &Packet<'_>, q: &Quoted) -> usize {
    datagram_end(&q.net).map_or(message_end(p), |end| end.min(message_end(p)))
}

/// The end of an IP datagram by its length field (none for an IPv4 length of 0,
/// which segmentation offload leaves in captures of outgoing packets).
fn datagram_end(net: &Net) -> Option<usize> {
    match net {
        Net::Ipv4(h) if h.total_len != 0 => Some(h.offset + usize::from(h.total_len)),
        Net::Ipv6(h) => Some(h.offset + IPV6_HEADER_LEN + usize::from(h.plen)),
        _ => None,
    }
}

fn type_and_code(out: &mut Tree, i: &Icmp, names: &Names, d: usize) {
    let (ty, code) = (out.at(d).field(names.ty, Ftype::Uint8, i.ty).bytes(i.offset + field::TYPE, 1), i.code);
    if i.v6 {
        ty.line(format_args!("Type: {} ({})", names::v6_type_name(i.ty), i.ty));
    } else {
        ty.line(format_args!("Type: {} ({})", i.ty, names::type_name(i.ty)));
    }
    let name = if i.v6 { names::v6_code_name(i.ty, code) } else { names::code_name(i.ty, code) };
    let item = out.at(d).field(names.code, Ftype::Uint8, code).bytes(i.offset + field::CODE, 1);
    match name {
        Some(c) => item.line(format_args!("Code: {code} ({c})")),
        None => item.line(format_args!("Code: {code}")),
    }
}

fn checksum(out: &mut Tree, p: &Packet<'_>, i: &Icmp, names: &Names) {
    let value = Value::Hex { value: u64::from(i.checksum), digits: 4 };
    let item = out.at(1).field(names.checksum, Ftype::Uint16, value).bytes(i.offset + field::CHECKSUM, 2);
    match icmp_checksum(p, i) {
        Some(want) if want == i.checksum => {
            item.line(format_args!("Checksum: 0x{:04x} [correct]", i.checksum));
            out.at(1)
                .field(names.status, Ftype::Uint8, checksum_status::GOOD)
                .line(format_args!("[Checksum Status: Good]"));
        }
        Some(want) => {
            item.line(format_args!("Checksum: 0x{:04x} incorrect, should be 0x{want:04x}", i.checksum));
            let msg = format!("Bad checksum [should be 0x{want:04x}]");
            out.expert(2, names.checksum_bad, Severity::Warning, Group::Checksum, &msg);
            out.at(1)
                .field(names.status, Ftype::Uint8, checksum_status::BAD)
                .line(format_args!("[Checksum Status: Bad]"));
        }
        None => item.line(format_args!("Checksum: 0x{:04x} [unverified]", i.checksum)),
    }
}

/// An ICMPv6 echo's identifier (in hex) and sequence number (RFC 4443 §4.1).
fn echo_v6(out: &mut Tree, i: &Icmp, d: usize) {
    let id = Value::Hex { value: u64::from(i.ident()), digits: 4 };
    out.at(d)
        .field("icmpv6.echo.identifier", Ftype::Uint16, id)
        .bytes(i.offset + field::REST, 2)
        .line(format_args!("Identifier: 0x{:04x}", i.ident()));
    out.at(d)
        .field("icmpv6.echo.sequence_number", Ftype::Uint16, i.seq())
        .bytes(i.offset + field::SEQ, 2)
        .line(format_args!("Sequence: {}", i.seq()));
}

/// An ICMP echo's identifier and sequence number, each read in both byte orders
/// as Wireshark does (Windows and Linux pings differ; RFC 792 leaves them open).
fn echo_v4(out: &mut Tree, i: &Icmp, d: usize) {
    let (id, seq) = (i.ident(), i.seq());
    let (id_at, seq_at) = (i.offset + field::REST, i.offset + field::SEQ);
    let pairs = [
        ("icmp.ident", "Identifier (BE)", id, id_at),
        ("icmp.ident_le", "Identifier (LE)", id.swap_bytes(), id_at),
        ("icmp.seq", "Sequence Number (BE)", seq, seq_at),
        ("icmp.seq_le", "Sequence Number (LE)", seq.swap_bytes(), seq_at),
    ];
    for (name, label, v, at) in pairs {
        out.at(d).field(name, Ftype::Uint16, v).bytes(at, 2).line(format_args!("{label}: {v} (0x{v:04x})"));
    }
}

/// The echo's partner frame and, for a reply, the time since its request;
/// `labels` are the `-V` openings of the request, response and time lines.
fn response(out: &mut Tree, p: &Packet<'_>, i: &Icmp, names: &Names, labels: [&str; 3]) {
    match p.echo_peer {
        Some((f, true)) => out.at(1).field(names.resp_to, Ftype::Framenum, f).line(format_args!("{}{f}]", labels[0])),
        Some((f, false)) => out.at(1).field(names.resp_in, Ftype::Framenum, f).line(format_args!("{}{f}]", labels[1])),
        // A request whose reply is not in the capture (or not yet, live).
        None if !i.is_echo_reply() => {
            out.at(1).field(names.no_resp, Ftype::None, "").line(format_args!("[No response seen]"));
            let msg = match i.v6 {
                true => format!("No response seen to ICMPv6 request in frame {}", p.number),
                false => "No response seen to ICMP request".to_string(),
            };
            out.expert(2, names.resp_not_found, Severity::Warning, Group::Sequence, &msg);
        }
        None => {}
    }
    if let Some(rtt) = p.echo_rtt {
        // Milliseconds with three decimals, rounded half up as printf does.
        let micros = (rtt + 500) / 1000;
        out.at(1).field(names.resptime, Ftype::Double, Millis(rtt)).line(format_args!(
            "{}{}.{:03} ms]",
            labels[2],
            micros / 1000,
            micros % 1000
        ));
    }
}

/// A duration in milliseconds as tshark writes a double (`%.15g`): no trailing
/// zeros, an exponent below 0.0001.
struct Millis(i64);

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        /// Nanoseconds in a millisecond.
        const NS: u64 = 1_000_000;
        /// `%g` writes a number below 10^-4 with an exponent (C11 §7.21.6.1).
        const SMALLEST_PLAIN: u64 = 100;
        if self.0 < 0 {
            f.write_str("-")?;
        }
        let ns = self.0.unsigned_abs();
        if ns != 0 && ns < SMALLEST_PLAIN {
            let digits = ns.to_string();
            let (lead, rest) = digits.trim_end_matches('0').split_at(1);
            let exp = 6 - (digits.len() - 1);
            let dot = if rest.is_empty() { "" } else { "." };
            return write!(f, "{lead}{dot}{rest}e-{exp:02}");
        }
        write!(f, "{}", ns / NS)?;
        let frac = format!("{:06}", ns % NS);
        let frac = frac.trim_end_matches('0');
        if !frac.is_empty() {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

/// The four bytes after an error's checksum: unused, or a pointer or an MTU.
fn error_rest(out: &mut Tree, i: &Icmp) {
    let rest = u32::from_be_bytes(i.rest);
    let at = i.offset + field::REST;
    if !i.v6 && rfc4884_length(i).is_some() {
        return rfc4884_rest(out, i);
    }
    match (i.v6, i.ty, i.code) {
        (false, 3, 4) => {
            unused(out, i, "icmp.unused", 0..2, format_args!("Unused: {:04x}", rest >> 16));
            next_hop_mtu(out, i);
        }
        (false, 12, _) => {
            pointer(out, i);
            unused(out, i, "icmp.unused", 1..4, format_args!("Unused: {:06x}", rest & 0xff_ffff));
        }
        (false, _, _) => unused(out, i, "icmp.unused", 0..4, format_args!("Unused: {rest:08x}")),
        (true, 2, _) => {
            out.at(1).field("icmpv6.mtu", Ftype::Uint32, rest).bytes(at, 4).line(format_args!("MTU: {rest}"))
        }
        (true, 4, _) => {
            out.at(1).field("icmpv6.pointer", Ftype::Uint32, rest).bytes(at, 4).line(format_args!("Pointer: {rest}"))
        }
        (true, _, _) => unused(out, i, "icmpv6.reserved", 0..4, format_args!("Reserved: {rest:08x}")),
    }
}

/// The length an ICMPv4 destination unreachable, time exceeded or parameter
/// problem gives its quoted datagram (RFC 4884 §4.1), in 32-bit words; `None`
/// when zero (a message from before RFC 4884) or another type.
fn rfc4884_length(i: &Icmp) -> Option<u8> {
    const LENGTH: usize = 1;
    (!i.v6 && matches!(i.ty, 3 | 11 | 12)).then_some(i.rest[LENGTH]).filter(|&n| n != 0)
}

/// The four bytes after the checksum of an RFC 4884 message (§4.1): unused or the
/// parameter problem's pointer, the length (with the bytes it stands for), then
/// unused or a "fragmentation needed" MTU.
fn rfc4884_rest(out: &mut Tree, i: &Icmp) {
    let words = rfc4884_length(i).unwrap_or_default();
    let at = i.offset + field::REST;
    if i.ty == 12 {
        pointer(out, i);
    } else {
        unused(out, i, "icmp.unused", 0..1, format_args!("Unused: {:02x}", i.rest[0]));
    }
    out.at(1).field("icmp.length", Ftype::Uint8, words).bytes(at + 1, 1).line(format_args!("Length: {words}"));
    let bytes = u32::from(words) * 4;
    out.at(1)
        .field("icmp.length.original_datagram", Ftype::Uint8, bytes)
        .bytes(at + 1, 1)
        .line(format_args!("[Length of original datagram: {bytes}]"));
    if (i.ty, i.code) == (3, 4) {
        next_hop_mtu(out, i);
    } else {
        let last = u16::from_be_bytes([i.rest[2], i.rest[3]]);
        unused(out, i, "icmp.unused", 2..4, format_args!("Unused: {last:04x}"));
    }
}

/// A parameter problem's pointer to the faulty octet (RFC 792).
fn pointer(out: &mut Tree, i: &Icmp) {
    let ptr = i.rest[0];
    let at = i.offset + field::REST;
    out.at(1).field("icmp.pointer", Ftype::Uint32, ptr).bytes(at, 1).line(format_args!("Pointer: {ptr}"));
}

/// The next-hop MTU of a "fragmentation needed" (RFC 1191 §4).
fn next_hop_mtu(out: &mut Tree, i: &Icmp) {
    let mtu = u16::from_be_bytes([i.rest[2], i.rest[3]]);
    out.at(1)
        .field("icmp.mtu", Ftype::Uint16, mtu)
        .bytes(i.offset + field::NEXT_HOP_MTU, 2)
        .line(format_args!("MTU of next hop: {mtu}"));
}

/// The unused bytes `range` of the four after an error's checksum. An ICMPv6
/// error's RFC 4884 length (§4.2) makes tshark split them into other fields,
/// which this view does not show: the line stays text only.
fn unused(out: &mut Tree, i: &Icmp, name: &'static str, range: std::ops::Range<usize>, line: std::fmt::Arguments<'_>) {
    if i.v6 && matches!(i.ty, 1 | 3) && i.rest[0] != 0 {
        return out.text(1, line);
    }
    let at = i.offset + field::REST + range.start;
    out.at(1).field(name, Ftype::Bytes, Mac(&i.rest[range.clone()])).bytes(at, range.len()).line(line);
}

/// Whether tshark fails on the ICMP extension structure (RFC 4884 §7) of an
/// error: it looks for one when the message is longer than 8 + 128 bytes and
/// the quoted datagram says it is at most 128 bytes long, after the quoted
/// length (or 128 bytes without one); an offset at or past the message's end
/// throws, and tshark marks the frame malformed.
pub(crate) fn extension_past_the_end(p: &Packet<'_>, i: &Icmp) -> bool {
    /// The quote RFC 792 routers were expected to send before RFC 4884 (§5.4).
    const ORIGINAL_QUOTE: usize = 128;
    /// Where the quoted IPv4 header's total length is, from the ICMP header.
    const QUOTED_TOTAL_LEN: usize = field::DATA + 2;
    if i.v6 || !matches!(i.ty, 3 | 4 | 5 | 11 | 12) {
        return false;
    }
    let end = datagram_end(&p.d.net).unwrap_or(usize::MAX).min(p.len as usize);
    let reported = end.saturating_sub(i.offset);
    let at = i.offset + QUOTED_TOTAL_LEN;
    let Some(&[hi, lo]) = p.data.get(at..at + 2) else { return false };
    if reported <= field::DATA + ORIGINAL_QUOTE || usize::from(u16::from_be_bytes([hi, lo])) > ORIGINAL_QUOTE {
        return false;
    }
    let quote = rfc4884_length(i).map_or(ORIGINAL_QUOTE, |n| usize::from(n) * 4);
    field::DATA + quote >= reported
}

/// The checksum an ICMP message should carry, when the whole message was captured.
pub fn icmp_checksum(p: &Packet<'_>, i: &Icmp) -> Option<u16> {
    let (len, v6) = match p.d.net {
        Net::Ipv4(h) => (usize::from(h.total_len).checked_sub(usize::from(h.hdr_len))?, None),
        Net::Ipv6(h) => {
            let dst = final_destination(p.data, &h).unwrap_or(h.dst.octets());
            (usize::from(h.plen).checked_sub(h.ext_len)?, Some((h.src.octets(), dst)))
        }
        _ => return None,
    };
    // A datagram reassembled from fragments: the message is its whole payload.
    let reassembled = p.d.reassembled.is_some() && !p.fragments.data.is_empty();
    let msg = if reassembled { p.fragments.data } else { p.data.get(i.offset..i.offset + len)? };
    Some(crate::sniff::icmp::expected_checksum(msg, v6.as_ref().map(|(s, d)| (s, d))))
}

/// The destination an IPv6 checksum covers when a routing header still has
/// segments to visit: the last address it lists (RFC 8200 §8.1), for the
/// source route (type 0, RFC 2460 §4.4) and the home address (type 2, RFC 6275 §6.4).
fn final_destination(data: &[u8], h: &Ipv6) -> Option<[u8; 16]> {
    /// Extension headers (IANA protocol numbers) whose length counts 8-byte units
    /// after the first 8: hop-by-hop options, routing, destination options.
    const HOP_BY_HOP: u8 = 0;
    const ROUTING: u8 = 43;
    const DEST_OPTS: u8 = 60;
    /// The fragment header's fixed length (RFC 8200 §4.5).
    const FRAGMENT: u8 = 44;
    const UNIT: usize = 8;
    const ADDR: usize = 16;
    let (mut next, mut at) = (h.nxt, h.offset + IPV6_HEADER_LEN);
    let end = at + h.ext_len;
    while at < end {
        let hdr = data.get(at..end)?;
        let len = match next {
            FRAGMENT => UNIT,
            HOP_BY_HOP | ROUTING | DEST_OPTS => (usize::from(*hdr.get(1)?) + 1) * UNIT,
            _ => return None,
        };
        let (kind, segments_left) = (*hdr.get(2)?, *hdr.get(3)?);
        if next == ROUTING && matches!(kind, 0 | 2) && segments_left > 0 {
            let last = hdr.get(UNIT..len)?.chunks_exact(ADDR).last()?;
            return last.try_into().ok();
        }
        (next, at) = (hdr[0], at + len);
    }
    None
}

pub fn quoted(out: &mut Tree, p: &Packet<'_>, q: &Quoted) {
    match q.net {
        Net::Ipv4(h) => ipv4(out, &h, 1, None),
        Net::Ipv6(h) => ipv6(out, &h, 1),
        _ => {}
    }
    match q.transport {
        Transport::Udp(u) => udp(out, &u, p.quoted_udp_stream, None, p.d.payload, false, 1),
        Transport::Tcp(h) => tcp(out, p.data, &h, None, 0, 1),
        Transport::Icmp(i) => quoted_icmp(out, p, &i, quoted_end(p, q)),
        Transport::TcpPorts { offset, sport, dport, seq } => {
            tcp_ports(out, quoted_end(p, q), offset, (sport, dport), seq)
        }
        _ => {}
    }
}

/// The first eight bytes of a TCP header, all an ICMP error must quote (RFC 792):
/// ports and sequence number; `end` is where the ICMP message ends.
fn tcp_ports(out: &mut Tree, end: usize, offset: usize, (sport, dport): (u16, u16), seq: u32) {
    /// Offsets of the destination port and the sequence number (RFC 9293 §3.1).
    const DST_PORT: usize = 2;
    const SEQ: usize = 4;
    out.at(1)
        .proto("tcp")
        .bytes(offset, end.saturating_sub(offset))
        .line(format_args!("Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}"));
    let dst = offset + DST_PORT;
    out.at(2).field("tcp.srcport", Ftype::Uint16, sport).bytes(offset, 2).line(format_args!("Source Port: {sport}"));
    out.at(2).field("tcp.dstport", Ftype::Uint16, dport).bytes(dst, 2).line(format_args!("Destination Port: {dport}"));
    out.at(2).field("tcp.port", Ftype::Uint16, sport).bytes(offset, 2).hidden();
    out.at(2).field("tcp.port", Ftype::Uint16, dport).bytes(dst, 2).hidden();
    out.at(2)
        .field("tcp.seq", Ftype::Uint32, seq)
        .bytes(offset + SEQ, 4)
        .line(format_args!("Sequence Number (raw): {seq}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{occurrences, one, tree_of, tree_of_link, LinkType};

    /// An echo request 10.0.0.1 → 10.0.0.2, identifier 7, sequence 1, no data.
    const PING: [u8; 28] = [
        0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
        8, 0, 0xf7, 0xf7, 0, 7, 0, 1, // ICMP echo request
    ];
    /// Its reply.
    const PONG: [u8; 28] = [
        0x45, 0, 0, 28, 0, 2, 0, 0, 64, 1, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1, // IPv4
        0, 0, 0xff, 0xf7, 0, 7, 0, 1, // ICMP echo reply
    ];

    #[test]
    fn an_echo_reply_has_both_byte_orders_its_request_and_the_time() {
        let t = tree_of(&[&PING, &PONG], 0, 776_000);
        assert_eq!(one(&t, "icmp"), (String::new(), Some((20, 8)), true));
        assert_eq!(one(&t, "icmp.type"), ("0".into(), Some((20, 1)), true));
        assert_eq!(one(&t, "icmp.checksum"), ("0xfff7".into(), Some((22, 2)), true));
        assert_eq!(one(&t, "icmp.checksum.status"), ("1".into(), None, true));
        assert_eq!(one(&t, "icmp.ident"), ("7".into(), Some((24, 2)), true));
        assert_eq!(one(&t, "icmp.ident_le"), ("1792".into(), Some((24, 2)), true));
        assert_eq!(one(&t, "icmp.seq_le"), ("256".into(), Some((26, 2)), true));
        assert_eq!(one(&t, "icmp.resp_to"), ("1".into(), None, true));
        assert_eq!(one(&t, "icmp.resptime"), ("0.776".into(), None, true));
    }

    /// A time exceeded 10.0.0.9 → 10.0.0.2 quoting an echo request (a traceroute)
    /// with four bytes of data.
    const TRACEROUTE_HOP: [u8; 60] = [
        0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 1, 0x26, 0xb6, 10, 0, 0, 9, 10, 0, 0, 2, // IPv4
        11, 0, 0xf4, 0xff, 0, 0, 0, 0, // ICMP time exceeded
        0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 1, 0x26, 0xda, 10, 0, 0, 2, 10, 0, 0, 1, // quoted IPv4
        8, 0, 0x33, 0x2d, 0, 9, 0, 3, b'a', b'b', b'c', b'd', // quoted echo request
    ];

    #[test]
    fn an_icmp_message_quoted_by_an_error_is_shown_with_its_data_inside() {
        let t = tree_of(&[&TRACEROUTE_HOP], 0, 1);
        let icmp = occurrences(&t, "icmp");
        assert_eq!(icmp, [(String::new(), Some((20, 40)), true), (String::new(), Some((48, 12)), true)]);
        let status = occurrences(&t, "icmp.checksum.status");
        assert_eq!(status, [("1".into(), None, true), ("2".into(), None, true)]);
        assert_eq!(one(&t, "icmp.unused"), ("00:00:00:00".into(), Some((24, 4)), true));
        assert_eq!(one(&t, "icmp.seq"), ("3".into(), Some((54, 2)), true));
        assert_eq!(one(&t, "data.data"), ("61:62:63:64".into(), Some((56, 4)), true));
        let depth = |field: &str| t.items().iter().find(|i| i.field == field).map(|i| i.depth);
        assert_eq!((depth("icmp.seq"), depth("data")), (Some(2), Some(2)));
    }

    #[test]
    fn an_rfc_4884_length_splits_the_unused_bytes_as_tshark() {
        let mut hop = TRACEROUTE_HOP;
        hop[24] = 0xff;
        hop[25] = 5; // the quoted datagram's length in 32-bit words
        let t = tree_of(&[&hop], 0, 1);
        let unused = occurrences(&t, "icmp.unused");
        assert_eq!(unused, [("ff".into(), Some((24, 1)), true), ("00:00".into(), Some((26, 2)), true)]);
        assert_eq!(one(&t, "icmp.length"), ("5".into(), Some((25, 1)), true));
        assert_eq!(one(&t, "icmp.length.original_datagram"), ("20".into(), Some((25, 1)), true));
        assert!(t.items().iter().any(|i| t.display(i) == "[Length of original datagram: 20]"));
        assert!(occurrences(&t, "_ws.malformed").is_empty(), "too short to look for extensions");
    }

    /// chrissanders-packets/icmp_traceroute.pcapng frame 26 without Ethernet: a
    /// time exceeded whose RFC 4884 length (93 words) runs past its 148 bytes.
    fn traceroute_frame_26() -> Vec<u8> {
        let mut f = vec![
            0x45, 0, 0, 0xa8, 0xe5, 0x11, 0, 0, 0xf8, 1, 0x26, 0x28, 12, 122, 133, 110, 192, 168, 100,
            138, // IPv4
            11, 0, 0xe1, 0xa6, 0xff, 0x5d, 0, 0, // ICMP time exceeded, length 93
            0x45, 0, 0, 0x5c, 0xff, 0x5d, 0, 0, 1, 1, 0x8f, 0x0e, 192, 168, 100, 138, 4, 2, 2, 1, // quoted IPv4
            8, 0, 0xc2, 0xfa, 5, 0, 0x44, 0, // quoted echo request
        ];
        f.resize(156, 0);
        f.extend([0x20, 0, 0x38, 0x2c, 0, 8, 1, 1, 4, 0xcb, 0xa1, 0xff]);
        f
    }

    #[test]
    fn an_extension_offset_past_the_message_is_tsharks_malformed_packet() {
        let frame = traceroute_frame_26();
        let t = tree_of(&[&frame], 0, 1);
        assert_eq!(one(&t, "icmp.length.original_datagram"), ("372".into(), Some((25, 1)), true));
        let block = t.items().iter().position(|i| i.field == "_ws.malformed").expect("a malformed block");
        assert_eq!(
            (t.items()[block].depth, t.display(&t.items()[block]).to_string()),
            (0, "[Malformed Packet: ICMP]".into())
        );
        assert_eq!(t.items()[block + 2].field, "_ws.malformed.expert");
        let value = occurrences(&t, "_ws.malformed").pop().expect("the hidden value");
        assert_eq!(value, ("Malformed Packet".into(), None, false));
        // Without the RFC 4884 length, tshark looks 128 bytes in: within the message.
        let mut old = frame;
        old[25] = 0;
        assert!(occurrences(&tree_of(&[&old], 0, 1), "_ws.malformed").is_empty());
    }

    /// An echo request from Linux ping: its data starts with the sending time
    /// (a 64-bit little-endian `struct timeval`: 1700000014 s, 123456 µs, of which
    /// tshark reads the first two 32-bit words), and its checksum is wrong (0x0000).
    const LINUX_PING: [u8; 48] = [
        0x45, 0, 0, 48, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
        8, 0, 0, 0, 0, 0x77, 0, 1, // ICMP echo request
        0x0e, 0xf1, 0x53, 0x65, 0, 0, 0, 0, 0x40, 0xe2, 0x01, 0, 0, 0, 0, 0, // timeval
        0x10, 0x11, 0x12, 0x13, // data
    ];

    #[test]
    fn a_linux_ping_shows_its_timestamp_no_response_and_a_bad_checksum_as_tshark() {
        // Captured 14 ms after it was sent.
        let t = tree_of(&[&LINUX_PING], 1_700_000_014_137_456_000, 0);
        let shown: Vec<&str> = t.items().iter().filter(|i| i.shown).map(|i| t.display(i)).collect();
        let checksum = shown.iter().position(|l| l.starts_with("Checksum:")).unwrap();
        assert_eq!(shown[checksum], "Checksum: 0x0000 incorrect, should be 0x312b");
        assert_eq!(shown[checksum + 1], "[Expert Info (Warning/Checksum): Bad checksum [should be 0x312b]]");
        assert_eq!(one(&t, "icmp.checksum_bad"), (String::new(), None, true));
        assert_eq!(one(&t, "icmp.checksum.status"), ("0".into(), None, true));
        assert_eq!(one(&t, "icmp.no_resp"), (String::new(), None, true));
        assert_eq!(one(&t, "icmp.resp_not_found"), (String::new(), None, true));
        let time = one(&t, "icmp.data_time");
        assert_eq!(time, ("Nov 14, 2023 22:13:34.000000000 UTC".into(), Some((28, 8)), true));
        assert_eq!(one(&t, "icmp.data_time_relative"), ("0.137456000".into(), Some((28, 8)), true));
        let data = one(&t, "data.data");
        assert_eq!(data, ("40:e2:01:00:00:00:00:00:10:11:12:13".into(), Some((36, 12)), true));
    }

    #[test]
    fn echo_data_is_a_timestamp_only_within_a_day_of_the_capture() {
        let sent = 1_700_000_014_000_000_000;
        let (le, be) = (&LINUX_PING[28..36], [0x65, 0x53, 0xf1, 0x0e, 0, 1, 0xe2, 0x40]);
        assert_eq!(data_timestamp(le, sent + 14_000_000), Some(sent));
        assert_eq!(data_timestamp(&be, sent - 86_399_000_000_000), Some(sent + 123_456_000));
        assert_eq!(data_timestamp(le, sent + 86_400_000_000_000), None);
        assert_eq!(data_timestamp(&le[..7], sent), None);
        assert_eq!(data_timestamp(b"abcdefgh", sent), None);
    }

    /// An ICMPv6 echo request on raw IPv6 through a type 0 routing header with
    /// one segment left (2001:78:1:32::1), whose checksum covers that final
    /// destination (zeek-traces chksums/ip6-route0-icmp6-good-chksum.pcap).
    const SOURCE_ROUTED_PING: [u8; 79] = [
        0x60, 0, 0, 0, 0, 0x27, 0x2b, 0x40, // IPv6: payload 39, routing header next
        0x20, 0x01, 0x04, 0xf8, 0, 0x04, 0, 0x07, 0x02, 0xe0, 0x81, 0xff, 0xfe, 0x52, 0xff, 0xff, // source
        0x20, 0x01, 0x04, 0xf8, 0, 0x04, 0, 0x07, 0x02, 0xe0, 0x81, 0xff, 0xfe, 0x52, 0x9a, 0x6b, // destination
        0x3a, 0x02, 0, 0x01, 0, 0, 0, 0, // routing header: ICMPv6 next, 24 bytes, type 0, 1 left
        0x20, 0x01, 0, 0x78, 0, 0x01, 0, 0x32, 0, 0, 0, 0, 0, 0, 0, 0x01, // address[1]
        0x80, 0, 0xa0, 0xc7, 0, 0, 0, 0, 0x38, 0x6a, 0x53, 0x39, 0x46, 0x67, 0x44, // echo request
    ];

    #[test]
    fn an_icmpv6_checksum_covers_the_routing_headers_final_destination() {
        let t = tree_of_link(LinkType::Ipv6, &[&SOURCE_ROUTED_PING], 0, 0);
        assert_eq!(one(&t, "icmpv6.checksum.status"), ("1".into(), None, true));
    }

    #[test]
    fn a_response_time_is_written_as_tshark_writes_a_double() {
        let ms = |ns| Millis(ns).to_string();
        assert_eq!(ms(776_000), "0.776");
        assert_eq!(ms(1_001_000_000), "1001");
        assert_eq!(ms(1_234_567), "1.234567");
        assert_eq!(ms(0), "0");
        assert_eq!(ms(50), "5e-05");
        assert_eq!(ms(55), "5.5e-05");
        assert_eq!(ms(5), "5e-06");
        assert_eq!(ms(100), "0.0001");
    }
}
