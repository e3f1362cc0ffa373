//! The packet details tree (`-V`), as Wireshark's middle pane: one block per
//! layer with Wireshark's labels, computed fields in brackets. Each protocol
//! builds its own block in its file under [`crate::sniff::dissect`]; this module
//! puts the blocks of a frame together in order.

use crate::sniff::app::App;
use crate::sniff::dissect::{data, dns, http};
use crate::sniff::dissect::{frame::*, icmp::tree::*, ip::tree::*, link::tree::*, tcp::tree::*, udp::tree::*};
use crate::sniff::packet::{Encap, Net, Note, Packet, Transport};

/// A UDP header's length (RFC 768).
const UDP_HEADER_LEN: usize = 8;
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
    for (net, encap) in p.d.outer() {
        match net {
            Net::Ipv4(h) => ipv4(out, h, 0, (p.len as usize).checked_sub(h.offset)),
            Net::Ipv6(h) => ipv6(out, h, 0),
            _ => {}
        }
        tunnel_headers(out, p, encap, matches!(net, Net::Ipv6(_)));
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
    for pdu in p.d.trailing_shims() {
        pdu.dissector().tree(pdu.bytes(p.data), pdu.ctx, pdu.offset, out);
    }
    match &p.app {
        App::Dns(msgs) => msgs.iter().for_each(|m| dns::tree::build(out, p, m)),
        _ => http::tree::build(out, p),
    }
    if let Some(pdu) = p.d.pdu {
        match (&p.link, p.d.assembled) {
            (_, Some(a)) => {
                reassembled_segments(out, a);
                out.push_source(format!("Reassembled TCP ({} bytes)", a.bytes.len()), a.bytes.clone());
                p.dissector_of(&pdu).tree(&a.bytes, pdu.ctx, 0, out);
                out.use_frame();
            }
            (Some(link), None) => p.dissector_of(&pdu).linked_tree(pdu.bytes(p.data), pdu.ctx, link, pdu.offset, out),
            (None, None) => p.dissector_of(&pdu).tree(pdu.bytes(p.data), pdu.ctx, pdu.offset, out),
        }
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
        let note = NoteText(p);
        out.at(0).field("socklab.note", Ftype::String, &note).look(Look::Note).line(format_args!("[socklab: {note}]"));
    }
}

/// The headers between an outer IP header and the next layer inside its
/// tunnel: UDP (VXLAN, Geneve), the tunnel protocols' headers (GRE, ERSPAN),
/// and the inner frame's link header.
fn tunnel_headers(out: &mut Tree, p: &Packet<'_>, encap: &Encap, over_ipv6: bool) {
    if let Some(u) = encap.udp {
        let payload = p.data.get(u.offset.saturating_add(UDP_HEADER_LEN)..).unwrap_or_default();
        udp(out, &u, None, None, payload, over_ipv6, 0);
    }
    for pdu in encap.shims() {
        pdu.dissector().tree(pdu.bytes(p.data), pdu.ctx, pdu.offset, out);
    }
    if let Some(l) = encap.link {
        link(out, &l, no_padding(p));
    }
}

/// Whether the frame ends in a Data block (the same rule as `:data` in `frame.protocols`).
fn shows_data(p: &Packet<'_>) -> bool {
    crate::sniff::dissect::data::has_data(p)
}

/// tshark's summary of a PDU reassembled from several segments, between the
/// TCP block and the protocol's: `[3 Reassembled TCP Segments (4564 bytes):
/// #25(1266), #27(1440), #28(1858)]`, each segment's frame and bytes, the count
/// and the length.
fn reassembled_segments(out: &mut Tree, a: &crate::sniff::tcp::reassembly::Assembled) {
    let total = a.bytes.len();
    let list: Vec<String> = a.segments.iter().map(|(f, n)| format!("#{f}({n})")).collect();
    out.at(0).field("tcp.segments", Ftype::None, "").line(format_args!(
        "[{} Reassembled TCP Segments ({total} bytes): {}]",
        a.segments.len(),
        list.join(", ")
    ));
    let mut at = 0;
    for &(frame, n) in &a.segments {
        let end = (at + n).saturating_sub(1);
        out.at(1)
            .field("tcp.segment", Ftype::Framenum, frame)
            .line(format_args!("[Frame: {frame}, payload: {at}-{end} ({n} bytes)]"));
        at += n;
    }
    out.at(1)
        .field("tcp.segment.count", Ftype::Uint32, a.segments.len())
        .line(format_args!("[Segment count: {}]", a.segments.len()));
    out.at(1)
        .field("tcp.reassembled.length", Ftype::Uint32, total)
        .line(format_args!("[Reassembled TCP length: {total}]"));
}
