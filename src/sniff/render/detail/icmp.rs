//! The ICMP and ICMPv6 blocks, with the datagram quoted inside an error.

use super::*;
use crate::sniff::icmp as icmp_names;

pub(super) fn icmp_tree(out: &mut Tree, p: &Packet<'_>, i: &Icmp) {
    let (title, name, code) = if i.v6 {
        ("Internet Control Message Protocol v6", icmp_names::v6_type_name(i.ty), icmp_names::v6_code_name(i.ty, i.code))
    } else {
        ("Internet Control Message Protocol", icmp_names::type_name(i.ty), icmp_names::code_name(i.ty, i.code))
    };
    l!(out, 0, "{title}");
    if i.v6 {
        l!(out, 1, "Type: {name} ({})", i.ty);
    } else {
        l!(out, 1, "Type: {} ({name})", i.ty);
    }
    match code {
        Some(c) => l!(out, 1, "Code: {} ({c})", i.code),
        None => l!(out, 1, "Code: {}", i.code),
    }
    match icmp_checksum(p, i) {
        Some(want) if want == i.checksum => {
            l!(out, 1, "Checksum: 0x{:04x} [correct]", i.checksum);
            l!(out, 1, "[Checksum Status: Good]");
        }
        Some(want) => {
            l!(out, 1, "Checksum: 0x{:04x} [incorrect, should be 0x{want:04x}]", i.checksum);
            l!(out, 1, "[Checksum Status: Bad]");
        }
        None => l!(out, 1, "Checksum: 0x{:04x} [unverified]", i.checksum),
    }
    let rest = u32::from_be_bytes(i.rest);
    if i.is_echo() && i.v6 {
        l!(out, 1, "Identifier: 0x{:04x}", i.ident());
        l!(out, 1, "Sequence: {}", i.seq());
        match p.echo_peer {
            Some((f, true)) => l!(out, 1, "[Response To: {f}]"),
            Some((f, false)) => l!(out, 1, "[Response In: {f}]"),
            None => {}
        }
        if let Some(rtt) = p.echo_rtt {
            let micros = (rtt + 500) / 1000;
            l!(out, 1, "[Response Time: {}.{:03} ms]", micros / 1000, micros % 1000);
        }
    } else if i.is_echo() {
        let (id, seq) = (i.ident(), i.seq());
        l!(out, 1, "Identifier (BE): {id} (0x{id:04x})");
        if !i.v6 {
            l!(out, 1, "Identifier (LE): {} (0x{:04x})", id.swap_bytes(), id.swap_bytes());
        }
        l!(out, 1, "Sequence Number (BE): {seq} (0x{seq:04x})");
        if !i.v6 {
            l!(out, 1, "Sequence Number (LE): {} (0x{:04x})", seq.swap_bytes(), seq.swap_bytes());
        }
        match p.echo_peer {
            Some((f, true)) => l!(out, 1, "[Request frame: {f}]"),
            Some((f, false)) => l!(out, 1, "[Response frame: {f}]"),
            None => {}
        }
        if let Some(rtt) = p.echo_rtt {
            // Milliseconds with three decimals, rounded half up as printf does.
            let micros = (rtt + 500) / 1000;
            l!(out, 1, "[Response time: {}.{:03} ms]", micros / 1000, micros % 1000);
        }
    } else if i.is_error() {
        match (i.v6, i.ty, i.code) {
            (false, 3, 4) => {
                l!(out, 1, "Unused: {:04x}", rest >> 16);
                l!(out, 1, "MTU of next hop: {}", rest & 0xffff);
            }
            (false, 12, _) => l!(out, 1, "Pointer: {}", rest >> 24),
            (false, _, _) => l!(out, 1, "Unused: {rest:08x}"),
            (true, 2, _) => l!(out, 1, "MTU: {rest}"),
            (true, 4, _) => l!(out, 1, "Pointer: {rest}"),
            (true, _, _) => l!(out, 1, "Reserved: {rest:08x}"),
        }
    }
    if let Some(q) = p.d.quoted {
        quoted(out, p, &q);
    }
    if shows_data(p) {
        // Data after a quoted datagram belongs to the frame, after an echo to the ICMP tree.
        data(out, p.d.payload, if i.is_error() { 0 } else { 1 });
    }
}

/// The checksum an ICMP message should carry, when the whole message was captured.
pub(super) fn icmp_checksum(p: &Packet<'_>, i: &Icmp) -> Option<u16> {
    let (len, v6) = match p.d.net {
        Net::Ipv4(h) => (usize::from(h.total_len).checked_sub(usize::from(h.hdr_len))?, None),
        Net::Ipv6(h) => (usize::from(h.plen).checked_sub(h.ext_len)?, Some((h.src.octets(), h.dst.octets()))),
        _ => return None,
    };
    let msg = p.data.get(i.offset..i.offset + len)?;
    Some(icmp_names::expected_checksum(msg, v6.as_ref().map(|(s, d)| (s, d))))
}

pub(super) fn quoted(out: &mut Tree, p: &Packet<'_>, q: &Quoted) {
    match q.net {
        Net::Ipv4(h) => ipv4(out, &h, 1),
        Net::Ipv6(h) => ipv6(out, &h, 1),
        _ => {}
    }
    match q.transport {
        Transport::Udp(u) => udp(out, &u, p.quoted_udp_stream, None, p.d.payload.len(), false, 1),
        Transport::Tcp(h) => tcp(out, p.data, &h, None, 0, &Note::None, 1),
        Transport::TcpPorts { sport, dport, seq, .. } => {
            l!(out, 1, "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}");
            l!(out, 2, "Source Port: {sport}");
            l!(out, 2, "Destination Port: {dport}");
            l!(out, 2, "Sequence Number (raw): {seq}")
        }
        _ => {}
    }
}
