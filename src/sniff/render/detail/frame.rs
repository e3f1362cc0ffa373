//! The Frame block: arrival times, lengths, pcapng interface, flags and comments.

use super::*;

/// The packet's pcapng comments, as Wireshark's "Packet comments" tree.
pub(super) fn comments(out: &mut Tree, comments: &[String]) {
    if comments.is_empty() {
        return;
    }
    out.at(0).look(Look::Bold).line(format_args!("Packet comments"));
    for c in comments {
        l!(out, 1, "{c}");
        l!(out, 2, "[Expert Info (Comment/Comment): {c}]");
        l!(out, 3, "[{c}]");
        l!(out, 3, "[Severity level: Comment]");
        l!(out, 3, "[Group: Comment]");
    }
}

/// A pcapng packet's `epb_flags` bit by bit (pcapng draft §4.3.1), as Wireshark shows them.
pub(super) fn packet_flags(out: &mut Tree, f: u32) {
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
    l!(out, 1, "Packet flags: 0x{f:08x}");
    l!(out, 2, "{} = Direction: {direction} (0x{:x})", bits(0x3), f & 0x3);
    l!(out, 2, "{} = Reception type: {reception} ({})", bits(0x1c), (f >> 2) & 0x7);
    l!(out, 2, "{} = FCS length: {}", bits(0x1e0), (f >> 5) & 0xf);
    l!(out, 2, "{} = Reserved: {}", bits(0xfe00), (f >> 9) & 0x7f);
    const ERRORS: [&str; 8] = [
        "CRC error",
        "Packet too long error",
        "Packet too short error",
        "Wrong interframe gap error",
        "Unaligned frame error",
        "Start frame delimiter error",
        "Preamble error",
        "Symbol error",
    ];
    for (i, name) in ERRORS.iter().enumerate() {
        let mask = 1u32 << (24 + i);
        l!(out, 2, "{} = {name}: {}", bits(mask), set(f & mask != 0));
    }
}

pub(super) fn frame(out: &mut Tree, p: &Packet<'_>) {
    use crate::sniff::layer_bytes::plural;
    let cap = p.data.len();
    if let Some(o) = p.origin {
        comments(out, o.comments);
    }
    out.at(0).look(Look::Bold).line(format_args!("{}", crate::sniff::layer_bytes::frame_label(p)));
    if let Some(o) = p.origin {
        let name = o.interface.display_name();
        l!(out, 1, "Section number: {}", o.section);
        l!(out, 1, "Interface id: {} ({name})", o.interface_id);
        l!(out, 2, "Interface name: {name}");
        if let Some(d) = &o.interface.description {
            l!(out, 2, "Interface description: {d}");
        }
        if let Some(f) = o.flags {
            packet_flags(out, f);
        }
    }
    if let Some(l) = p.d.link {
        let (name, n) = l.kind.encapsulation();
        l!(out, 1, "Encapsulation type: {name} ({n})");
    }
    l!(out, 1, "Arrival Time: {} UTC", UtcTime(p.time));
    l!(out, 1, "[Time shift for this packet: 0.000000000 seconds]");
    l!(out, 1, "Epoch Time: {} seconds", Secs { nanos: p.time, decimals: 9 });
    l!(out, 1, "[Time delta from previous captured frame: {} seconds]", Secs { nanos: p.delta, decimals: 9 });
    l!(
        out,
        1,
        "[Time delta from previous displayed frame: {} seconds]",
        Secs { nanos: p.delta_displayed, decimals: 9 }
    );
    l!(out, 1, "[Time since reference or first frame: {} seconds]", Secs { nanos: p.rel, decimals: 9 });
    l!(out, 1, "Frame Number: {}", p.number);
    l!(out, 1, "Frame Length: {} byte{} ({} bits)", p.len, plural(u64::from(p.len)), u64::from(p.len) * 8);
    l!(out, 1, "Capture Length: {cap} byte{} ({} bits)", plural(cap as u64), cap * 8);
    if let Some(n) = p.origin.and_then(|o| o.drop_count) {
        l!(out, 1, "Drop Count: {n}");
    }
    l!(out, 1, "[Frame is marked: False]");
    l!(out, 1, "[Frame is ignored: False]");
    l!(out, 1, "[Protocols in frame: {}]", crate::sniff::fields::protocols(p))
}

/// A capture time as Wireshark's Arrival Time in UTC: `Nov 14, 2023 22:13:20.000000000`.
pub(super) struct UtcTime(pub(super) i64);

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
