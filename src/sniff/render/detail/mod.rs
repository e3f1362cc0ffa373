//! The packet details tree (`-V`), as Wireshark's middle pane: one block per
//! layer with Wireshark's labels, computed fields in brackets. Each protocol
//! builds its own block in its file under [`crate::sniff::dissect`]; this module
//! puts the blocks of a frame together in order.

use crate::sniff::app::App;
use crate::sniff::dissect::{data, dns, http};
use crate::sniff::dissect::{frame::*, icmp::tree::*, ip::tree::*, link::tree::*, tcp::tree::*, udp::tree::*};
use crate::sniff::packet::{Net, Note, Packet, Transport};
use crate::sniff::render::list::NoteText;
use crate::sniff::render::Style;
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
    crate::sniff::dissect::ip::fragments::reassembly(out, p, 1);
    match p.d.transport {
        Transport::Tcp(h) => tcp(out, p.data, &h, p.tcp.as_ref(), p.completeness, 0),
        Transport::Udp(u) => udp(out, &u, p.udp_stream, p.udp_time, p.d.payload, matches!(p.d.net, Net::Ipv6(_)), 0),
        Transport::Icmp(i) => icmp_tree(out, p, &i),
        _ => {}
    }
    match &p.app {
        App::Dns(msgs) => msgs.iter().for_each(|m| dns::tree::build(out, p, m)),
        _ => http::tree::build(out, p),
    }
    if let Some(pdu) = p.d.pdu {
        pdu.dissector().tree(pdu.bytes(p.data), pdu.ctx, pdu.offset, out);
        if let Some(r) = &p.recall {
            pdu.dissector().recalled_tree(r, out);
        }
    }
    if shows_data(p) && !matches!(p.d.transport, Transport::Icmp(_)) {
        let (payload, depth) = crate::sniff::dissect::http::tree::data_block(p);
        data::data(out, p.data, payload, depth);
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
    crate::sniff::dissect::data::has_data(p)
}
