//! The packet details tree (`-V`), as Wireshark's middle pane: one block per
//! layer with Wireshark's labels, computed fields in brackets. One file per layer
//! (frame, link, ip, tcp, udp, icmp); the DNS and HTTP blocks are in
//! `sniff::app::detail`. The layer files share this module's imports and helpers.

use crate::sniff::dissect::IPV6_HEADER_LEN;
use crate::sniff::fields::flags_str;
use crate::sniff::link::{ethertype_name, Link, LinkType};
use crate::sniff::packet::{Icmp, Ipv4, Ipv6, Net, Note, Packet, Quoted, Tcp, Transport, Udp};
use crate::sniff::render::list::{FlagNames, NoteText};
use crate::sniff::render::{Hex, Mac, Secs, Style};
use crate::sniff::tcp::{analysis, completeness, flags, SegmentInfo};
use crate::sniff::tree::{Ftype, Look, Tree};
use std::io::{self, Write};

/// Writes the details tree of `p` (`-V`); `tree` is a reusable buffer.
pub fn write(out: &mut impl Write, tree: &mut Tree, p: &Packet<'_>, style: Style) -> io::Result<()> {
    build(tree, p);
    crate::sniff::tree::text::write(out, tree, style)
}

/// Builds the details tree of `p` into `out` (emptied first).
pub fn build(out: &mut Tree, p: &Packet<'_>) {
    out.clear();
    frame(out, p);
    if let Some(l) = p.d.link {
        link(out, &l, padding(p, &l));
    }
    for net in p.d.tunnels() {
        match net {
            Net::Ipv4(h) => ipv4(out, h, 0, (p.len as usize).checked_sub(h.offset)),
            Net::Ipv6(h) => ipv6(out, h, 0),
            _ => {}
        }
    }
    match p.d.net {
        Net::Ipv4(h) => ipv4(out, &h, 0, (p.len as usize).checked_sub(h.offset)),
        Net::Ipv6(h) => ipv6(out, &h, 0),
        _ => {}
    }
    match p.d.transport {
        Transport::Tcp(h) => tcp(out, p.data, &h, p.tcp.as_ref(), p.completeness, 0),
        Transport::Udp(u) => udp(out, &u, p.udp_stream, p.udp_time, p.d.payload, matches!(p.d.net, Net::Ipv6(_)), 0),
        Transport::Icmp(i) => icmp_tree(out, p, &i),
        _ => {}
    }
    crate::sniff::app::detail::tree(out, p);
    if let Some(pdu) = p.d.pdu {
        pdu.dissector().tree(pdu.bytes(p.data), pdu.offset, out);
    }
    if shows_data(p) && !matches!(p.d.transport, Transport::Icmp(_)) {
        let (payload, depth) = crate::sniff::app::detail::data_block(p);
        data(out, p.data, payload, depth);
    }
    if let Some(e) = p.d.error {
        out.at(0).look(Look::Bad).line(format_args!("[Malformed Packet: {e}]"));
    }
    if p.note != Note::None {
        // socklab's own field (not tshark's): in the JSON views, `socklab.note`.
        let note = NoteText(&p.note);
        out.at(0).field("socklab.note", Ftype::String, &note).look(Look::Note).line(format_args!("[socklab: {note}]"));
    }
}

/// Whether the frame ends in a Data block (the same rule as `:data` in `frame.protocols`).
fn shows_data(p: &Packet<'_>) -> bool {
    crate::sniff::fields::has_data(p)
}

macro_rules! l {
    ($out:expr, $depth:expr, $($arg:tt)*) => { $out.text($depth, format_args!($($arg)*)) };
}

mod frame;
mod icmp;
mod ip;
mod link;
mod tcp;
mod udp;

use frame::*;
use icmp::*;
use ip::*;
use link::*;
use tcp::*;
use udp::*;

/// Wireshark's checksum status values (`proto_checksum_enum_e`), the value of
/// every `*.checksum.status` field.
mod checksum_status {
    /// The checksum is wrong.
    pub const BAD: u8 = 0;
    /// The checksum is right.
    pub const GOOD: u8 = 1;
    /// Not checked: tshark's default for IP, TCP and UDP, and for a quoted message.
    pub const UNVERIFIED: u8 = 2;
    /// A zero UDP checksum over IPv4: the sender computed none (RFC 768).
    pub const NOT_PRESENT: u8 = 3;
    /// A zero UDP checksum over IPv6, which RFC 8200 §8.1 forbids.
    pub const ILLEGAL: u8 = 4;
}

fn set(b: bool) -> &'static str {
    if b {
        "Set"
    } else {
        "Not set"
    }
}

/// Bits of `v` (the low `n`) as Wireshark draws a bit field: groups of four, `.`
/// for the bits outside the field. `shift` is where the field starts from the right
/// in a `width`-bit value.
fn bit_pattern(v: u32, n: u32, shift: u32, width: u32) -> String {
    let mut s = String::new();
    for i in (0..width).rev() {
        if i != width - 1 && (i + 1) % 4 == 0 {
            s.push(' ');
        }
        if i >= shift && i < shift + n {
            s.push(if (v >> (i - shift)) & 1 == 1 { '1' } else { '0' });
        } else {
            s.push('.');
        }
    }
    s
}
