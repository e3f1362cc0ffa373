//! The Frame block: arrival times, lengths, pcapng interface, flags and comments.

pub mod fields;

use crate::sniff::packet::Packet;
use crate::sniff::render::Secs;
use crate::sniff::tree::draw::set;
use crate::sniff::tree::{Ftype, Group, Severity};
use crate::sniff::tree::{Look, Tree};

/// The packet's pcapng comments, as Wireshark's "Packet comments" tree: each
/// comment a `frame.comment` with its expert item.
pub fn comments(out: &mut Tree, comments: &[String]) {
    if comments.is_empty() {
        return;
    }
    out.at(0).proto("pkt_comment").look(Look::Bold).line(format_args!("Packet comments"));
    for c in comments {
        out.at(1).field("frame.comment", Ftype::String, c).line(format_args!("{c}"));
        out.expert(2, "frame.comment.expert", Severity::Comment, Group::Comment, c);
    }
}

/// Wireshark's block for a frame a dissector failed on (`_ws.malformed`), at the
/// end of the tree: `[Malformed Packet: PROTO]` with its expert item, and the
/// hidden text value tshark's JSON gives the block after its children.
pub fn malformed(out: &mut Tree, proto: &str) {
    out.at(0).proto("_ws.malformed").look(Look::Bad).line(format_args!("[Malformed Packet: {proto}]"));
    let msg = "Malformed Packet (Exception occurred)";
    out.expert(1, "_ws.malformed.expert", Severity::Error, Group::Malformed, msg);
    out.at(1).field("_ws.malformed", Ftype::String, "Malformed Packet").hidden();
}

/// The end of the Info column of a PDU a dissector could not finish: tshark's
/// `[Packet size limited during capture]` when the capture cut it
/// ([`Ctx::cut`](super::dissector::Ctx::cut)), else `[Malformed Packet]`.
pub fn cut_short_info(cut: bool) -> &'static str {
    if cut {
        "[Packet size limited during capture]"
    } else {
        "[Malformed Packet]"
    }
}

/// The block at the end of the tree of a PDU a dissector could not finish:
/// [`malformed`], or when the capture cut the PDU, tshark's
/// `[Packet size limited during capture: PROTO truncated]` (`_ws.short`).
pub fn cut_short(out: &mut Tree, proto: &str, cut: bool) {
    if !cut {
        return malformed(out, proto);
    }
    let text = format!("[Packet size limited during capture: {proto} truncated]");
    out.at(0).field("_ws.short", Ftype::String, &text).look(Look::Bad).line(format_args!("{text}"));
}

/// A pcapng packet's `epb_flags` bit by bit (pcapng draft §4.3.1), as Wireshark shows them.
pub fn packet_flags(out: &mut Tree, f: u32) {
    use crate::dns_view::fields::bit_pattern;
    let bits = |mask: u32| {
        let (hi, lo) = ((f >> 16) as u16, f as u16);
        format!("{} {}", bit_pattern(hi, (mask >> 16) as u16), bit_pattern(lo, mask as u16))
    };
    let direction = match f & 0x3 {
        0 => "Unknown",
        1 => "Inbound",
        2 => "Outbound",
        _ => "Undefined",
    };
    let reception = match (f >> 2) & 0x7 {
        0 => "Not specified",
        1 => "Unicast",
        2 => "Multicast",
        3 => "Broadcast",
        4 => "Promiscuous",
        _ => "Unknown",
    };
    out.at(1)
        .field("frame.packet_flags", Ftype::Uint32, format_args!("0x{f:08x}"))
        .line(format_args!("Packet flags: 0x{f:08x}"));
    let (dir, rx) = (f & 0x3, (f >> 2) & 0x7);
    out.at(2)
        .field("frame.packet_flags_direction", Ftype::Uint32, format_args!("0x{dir:08x}"))
        .line(format_args!("{} = Direction: {direction} (0x{dir:x})", bits(0x3)));
    out.at(2)
        .field("frame.packet_flags_reception_type", Ftype::Uint32, rx)
        .line(format_args!("{} = Reception type: {reception} ({rx})", bits(0x1c)));
    let fcs = (f >> 5) & 0xf;
    out.at(2)
        .field("frame.packet_flags_fcs_length", Ftype::Uint32, fcs)
        .line(format_args!("{} = FCS length: {fcs}", bits(0x1e0)));
    let reserved = (f >> 9) & 0x7f;
    out.at(2)
        .field("frame.packet_flags_reserved", Ftype::Uint32, reserved)
        .line(format_args!("{} = Reserved: {reserved}", bits(0xfe00)));
    /// The link-layer error bits from bit 24 up: tshark's field and `-V` label.
    const ERRORS: [(&str, &str); 8] = [
        ("frame.packet_flags_crc_error", "CRC error"),
        ("frame.packet_flags_packet_too_error", "Packet too long error"),
        ("frame.packet_flags_packet_too_short_error", "Packet too short error"),
        ("frame.packet_flags_wrong_inter_frame_gap_error", "Wrong interframe gap error"),
        ("frame.packet_flags_unaligned_frame_error", "Unaligned frame error"),
        ("frame.packet_flags_start_frame_delimiter_error", "Start frame delimiter error"),
        ("frame.packet_flags_preamble_error", "Preamble error"),
        ("frame.packet_flags_symbol_error", "Symbol error"),
    ];
    for (i, (field, name)) in ERRORS.iter().enumerate() {
        let mask = 1u32 << (24 + i);
        let on = f & mask != 0;
        out.at(2).field(field, Ftype::Boolean, u8::from(on)).line(format_args!("{} = {name}: {}", bits(mask), set(on)));
    }
}

/// The Frame block: the `frame` protocol over every captured byte, with the
/// pcapng origin, the times, the lengths and the protocols found.
pub fn frame(out: &mut Tree, p: &Packet<'_>) {
    if let Some(o) = p.origin {
        comments(out, o.comments);
    }
    let label = crate::sniff::layer_bytes::frame_label(p);
    out.at(0).proto("frame").bytes(0, p.data.len()).look(Look::Bold).line(format_args!("{label}"));
    if let Some(o) = p.origin {
        origin(out, &o);
    }
    if let Some(l) = p.d.link {
        let (name, n) = l.kind.encapsulation();
        out.at(1).field("frame.encap_type", Ftype::Int32, n).line(format_args!("Encapsulation type: {name} ({n})"));
    }
    times(out, p);
    lengths(out, p);
    out.at(1).field("frame.marked", Ftype::Boolean, 0).line(format_args!("[Frame is marked: False]"));
    out.at(1).field("frame.ignored", Ftype::Boolean, 0).line(format_args!("[Frame is ignored: False]"));
    let protocols = fields::protocols(p);
    out.at(1)
        .field("frame.protocols", Ftype::String, &protocols)
        .line(format_args!("[Protocols in frame: {protocols}]"));
}

/// A pcapng frame's section, interface and packet flags.
fn origin(out: &mut Tree, o: &crate::sniff::file::Origin<'_>) {
    let name = o.interface.display_name();
    out.at(1)
        .field("frame.section_number", Ftype::Uint32, o.section)
        .line(format_args!("Section number: {}", o.section));
    let id = o.interface_id;
    out.at(1).field("frame.interface_id", Ftype::Uint32, id).line(format_args!("Interface id: {id} ({name})"));
    out.at(2).field("frame.interface_name", Ftype::String, name).line(format_args!("Interface name: {name}"));
    if let Some(d) = &o.interface.description {
        out.at(2)
            .field("frame.interface_description", Ftype::String, d)
            .line(format_args!("Interface description: {d}"));
    }
    if let Some(f) = o.flags {
        packet_flags(out, f);
    }
}

/// Arrival time, time shift and the three relative times, all generated.
fn times(out: &mut Tree, p: &Packet<'_>) {
    let secs = |nanos| Secs { nanos, decimals: 9 };
    let at = UtcTime(p.time);
    out.at(1)
        .field("frame.time", Ftype::AbsoluteTime, format_args!("{at} UTC"))
        .line(format_args!("Arrival Time: {at} UTC"));
    let shift = secs(0);
    out.at(1)
        .field("frame.offset_shift", Ftype::RelativeTime, shift)
        .line(format_args!("[Time shift for this packet: {shift} seconds]"));
    let epoch = secs(p.time);
    out.at(1).field("frame.time_epoch", Ftype::AbsoluteTime, epoch).line(format_args!("Epoch Time: {epoch} seconds"));
    let delta = secs(p.delta);
    out.at(1)
        .field("frame.time_delta", Ftype::RelativeTime, delta)
        .line(format_args!("[Time delta from previous captured frame: {delta} seconds]"));
    let shown = secs(p.delta_displayed);
    out.at(1)
        .field("frame.time_delta_displayed", Ftype::RelativeTime, shown)
        .line(format_args!("[Time delta from previous displayed frame: {shown} seconds]"));
    let rel = secs(p.rel);
    out.at(1)
        .field("frame.time_relative", Ftype::RelativeTime, rel)
        .line(format_args!("[Time since reference or first frame: {rel} seconds]"));
}

/// Frame number, length on the wire, captured length and the pcapng drop count.
fn lengths(out: &mut Tree, p: &Packet<'_>) {
    use crate::sniff::layer_bytes::plural;
    let (len, cap) = (u64::from(p.len), p.data.len() as u64);
    out.at(1).field("frame.number", Ftype::Uint32, p.number).line(format_args!("Frame Number: {}", p.number));
    out.at(1).field("frame.len", Ftype::Uint32, len).line(format_args!(
        "Frame Length: {len} byte{} ({} bits)",
        plural(len),
        len * 8
    ));
    out.at(1).field("frame.cap_len", Ftype::Uint32, cap).line(format_args!(
        "Capture Length: {cap} byte{} ({} bits)",
        plural(cap),
        cap * 8
    ));
    if let Some(n) = p.origin.and_then(|o| o.drop_count) {
        out.at(1).field("frame.drop_count", Ftype::Uint64, n).line(format_args!("Drop Count: {n}"));
    }
}

/// A capture time as Wireshark's Arrival Time in UTC: `Nov 14, 2023 22:13:20.000000000`.
pub struct UtcTime(pub(super) i64);

impl std::fmt::Display for UtcTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000);
        let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = crate::sniff::render::civil_from_days(days);
        write!(
            f,
            "{} {d:>2}, {y} {:02}:{:02}:{:02}.{nanos:09}",
            MONTHS[(m - 1) as usize],
            day_secs / 3600,
            day_secs / 60 % 60,
            day_secs % 60
        )
    }
}

#[cfg(test)]
mod tests;
