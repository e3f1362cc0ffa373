//! Data: the bytes of a payload no protocol here decodes, as tshark's `data`
//! dissector shows them. Which payloads reach it (the same rule decides `:data`
//! in `frame.protocols` and the Data block of the details), its fields
//! (`data`, `data.data`, whose values are the bytes: [`crate::sniff::layer_bytes`])
//! and its details block.

use crate::sniff::app::App;
use crate::sniff::field_id::builtin_fields;
use crate::sniff::packet::{Icmp, Net, Packet, Transport};
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tcp::{analysis, flags};
use crate::sniff::tree::{Ftype, Look, Tree};

builtin_fields! {
    Data;
    Data => "data",
    DataData => "data.data",
}

/// TCP ports whose tshark dissector (`tshark -G decodes`: tcp.port → http, and
/// 443 → tls) collects segments until a whole message or record is there: their
/// payload is never shown as `data` by itself (it shows as `http` or `tls` once a
/// message completes, else as TCP segment data).
const DESEGMENTING_PORTS: &[u16] = &[80, 443, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371];

/// Magic numbers by which a tshark heuristic dissector claims a TCP payload on
/// any port (so tshark never shows it as `data`): Apache Etch's 0xdeadbeef.
const HEURISTIC_MAGICS: &[&[u8]] = &[&[0xde, 0xad, 0xbe, 0xef]];

/// Whether tshark hands the frame's payload to its `data` dissector.
pub fn shows_data(p: &Packet<'_>) -> bool {
    if !payload_reaches_a_dissector(p) || p.d.pdu.is_some() {
        return false;
    }
    match p.d.transport {
        Transport::Tcp(h) => {
            // A RST's payload is its reset cause (RFC 9293 §3.5.3), shown by TCP itself.
            h.flags & flags::RST == 0
                && !DESEGMENTING_PORTS.iter().any(|&port| h.sport == port || h.dport == port)
                && !HEURISTIC_MAGICS.iter().any(|m| p.d.payload.starts_with(m))
        }
        Transport::Icmp(i) => icmp_body_is_data(&i),
        Transport::Udp(_) | Transport::Other(_) => true,
        Transport::None => p.d.net == Net::None,
        _ => false,
    }
}

/// Whether the frame has a `data` layer (`:data` in `frame.protocols`): a payload
/// no decoder claimed, or the part of an HTTP message shown as data.
pub fn has_data(p: &Packet<'_>) -> bool {
    match app_protocols(p) {
        Some(names) => names.contains(&"data"),
        None => shows_data(p),
    }
}

/// The app-layer protocol names (dns, http, data-text-lines…) of a payload the
/// app decoders recognised, if it reaches a payload dissector at all.
pub fn app_protocols(p: &Packet<'_>) -> Option<Vec<&'static str>> {
    payload_reaches_a_dissector(p).then(|| app_names(p)).flatten()
}

/// The names after `tcp`/`udp` in `frame.protocols`: None when the payload is
/// plain data; empty for a segment of a message completed later.
fn app_names(p: &Packet<'_>) -> Option<Vec<&'static str>> {
    match &p.app {
        App::None => None,
        App::Segment(_) | App::Continued => Some(Vec::new()),
        App::Dns(m) if m.first().is_some_and(|m| m.mdns) => Some(vec!["mdns"]),
        App::Dns(m) if m.first().is_some_and(|m| m.llmnr) => Some(vec!["llmnr"]),
        App::Dns(_) => Some(vec!["dns"]),
        App::Http(m) if m.ssdp => Some(vec!["ssdp"]),
        App::HttpContinuation => Some(vec!["http", "data"]),
        App::HttpSwitched if p.d.pdu.is_some() => Some(vec!["http"]),
        App::HttpSwitched => Some(vec!["http", "data"]),
        App::HttpHeaderLines { body, .. } => Some(if *body > 0 { vec!["http", "data"] } else { vec!["http"] }),
        App::Http(m) => {
            Some(std::iter::once("http").chain(m.body_protocol()).chain(m.trailing.iter().copied()).collect())
        }
    }
}

/// Whether tshark hands this packet's payload to a payload dissector: there is
/// one, the packet is not malformed, and it is not retransmitted or out of order.
fn payload_reaches_a_dissector(p: &Packet<'_>) -> bool {
    let resent = analysis::RETRANSMISSION
        | analysis::FAST_RETRANSMISSION
        | analysis::SPURIOUS_RETRANSMISSION
        | analysis::OUT_OF_ORDER;
    !p.d.payload.is_empty() && p.d.error.is_none() && p.tcp.map_or(0, |i| i.analysis) & resent == 0
}

/// Whether tshark shows what follows an ICMP header as `data`: the echo payload
/// and bodies of types it does not decode. ICMPv6 neighbour discovery, multicast
/// listener and router messages (RFC 4861, RFC 3810…) are decoded field by field.
fn icmp_body_is_data(i: &Icmp) -> bool {
    /// ICMPv6 informational types tshark decodes completely (RFC 4443 §4 and the
    /// IANA registry: MLD, ND, router renumbering, node information, MLDv2…).
    const V6_DECODED: std::ops::RangeInclusive<u8> = 130..=162;
    !(i.v6 && V6_DECODED.contains(&i.ty))
}

/// Bytes Wireshark shows of a byte field's value before cutting it with `…`.
pub const BYTES_SHOWN: usize = 36;

/// A byte field's value as Wireshark's details show it: hex, cut with `…` after
/// [`BYTES_SHOWN`] bytes.
pub fn shown_bytes(b: &[u8]) -> String {
    let more = if b.len() > BYTES_SHOWN { "…" } else { "" };
    format!("{}{more}", Hex(&b[..b.len().min(BYTES_SHOWN)]))
}

/// Where `part` starts in `frame`, when it is a slice of it (the dissector slices
/// the frame, except for a reassembled datagram, which has bytes of its own).
pub fn offset_in(frame: &[u8], part: &[u8]) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(frame.as_ptr() as usize)?;
    (start.checked_add(part.len())? <= frame.len()).then_some(start)
}

/// The payload no dissector decodes, as Wireshark's Data protocol; `frame` is the
/// frame's bytes, which `payload` is usually a slice of.
pub fn data(out: &mut Tree, frame: &[u8], payload: &[u8], d: usize) {
    data_at(out, offset_in(frame, payload), payload, d);
}

/// [`data`] for a payload whose frame offset the caller knows (`at`; `None`
/// when its bytes are not the frame's): a registered protocol that leaves the
/// rest of its PDU undecoded, as tshark hands it to Data.
pub fn data_at(out: &mut Tree, at: Option<usize>, payload: &[u8], d: usize) {
    let title = out.at(d).proto("data");
    let title = match at {
        Some(at) => title.bytes(at, payload.len()),
        None => title,
    };
    title.line(format_args!("Data ({} bytes)", payload.len()));
    // tshark -V dumps the bytes of the Data block right after its title (a child
    // of the block, printed without indentation).
    let mut dump = b"\n".to_vec();
    let _ = crate::sniff::render::hex::dump(&mut dump, payload);
    out.at(d + 1).look(Look::Verbatim).line(format_args!("{}", String::from_utf8_lossy(&dump)));
    // tshark's JSON writes a byte field as `Mac` writes any bytes: hex pairs and colons.
    let item = out.at(d + 1).field("data.data", Ftype::Bytes, Mac(payload));
    let item = match at {
        Some(at) => item.bytes(at, payload.len()),
        None => item,
    };
    item.line(format_args!("Data: {}", shown_bytes(payload)));
    out.at(d + 1).field("data.len", Ftype::Int32, payload.len()).line(format_args!("[Length: {}]", payload.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_is_found_in_its_frame_only_when_it_is_a_slice_of_it() {
        let frame = [0u8; 10];
        assert_eq!(offset_in(&frame, &frame[4..7]), Some(4));
        assert_eq!(offset_in(&frame, &frame[10..]), Some(10));
        assert_eq!(offset_in(&frame, &[1, 2]), None);
    }
}
