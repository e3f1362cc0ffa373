//! UDP's fields (`udp.*`), of the datagram and of one quoted in an ICMP error.

use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::{Packet, Transport};
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Udp;
    Udp => "udp",
    UdpSrcport => "udp.srcport",
    UdpDstport => "udp.dstport",
    UdpPort => "udp.port",
    UdpLength => "udp.length",
    UdpStream => "udp.stream",
    UdpChecksum => "udp.checksum",
    UdpPayload => "udp.payload",
}

/// Appends the values of UDP field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    match field {
        FieldId::Udp => out.extend(label(p).map(|s| Value::Str(Cow::Owned(s)))),
        FieldId::UdpPayload => {
            crate::sniff::layer_bytes::values(p, field, out);
        }
        _ => {
            // A tunnel's UDP header (VXLAN, Geneve) comes first, as tshark lists occurrences.
            for (i, u) in p.d.outer().filter_map(|(_, e)| e.udp).enumerate() {
                tunnel_values(&u, field, out);
                // Only the outermost tunnel's stream is tracked.
                if let (FieldId::UdpStream, Some(s), 0) = (field, p.tunnel_udp_stream, i) {
                    out.push(Value::Uint(u64::from(s)));
                }
            }
            p.d.transports().for_each(|(t, outer)| header_values(p, t, outer, field, out))
        }
    }
}

/// The fields of the UDP header that carries a tunnel (its stream is the caller's).
fn tunnel_values(h: &crate::sniff::packet::Udp, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    let u = |v: u16| Value::Uint(u64::from(v));
    match field {
        F::UdpSrcport => out.push(u(h.sport)),
        F::UdpDstport => out.push(u(h.dport)),
        F::UdpPort => out.extend([u(h.sport), u(h.dport)]),
        F::UdpLength => out.push(u(h.length)),
        F::UdpChecksum => out.push(Value::hex(u64::from(h.checksum), 4)),
        _ => {}
    }
}

/// The first line of UDP's details, which tshark prints for `udp` as a field.
pub fn label(p: &Packet<'_>) -> Option<String> {
    let (sport, dport) = match (p.d.transport, p.d.quoted.map(|q| q.transport)) {
        (Transport::Udp(u), _) | (_, Some(Transport::Udp(u))) => (u.sport, u.dport),
        _ => return None,
    };
    Some(format!("User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"))
}

/// The fields of the datagram's UDP header, or (`outer` false) of a quoted one.
fn header_values<'s>(p: &'s Packet<'_>, t: &Transport, outer: bool, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let u = |v: u64| Value::Uint(v);
    let Transport::Udp(h) = t else { return };
    match field {
        F::UdpSrcport => out.push(u(u64::from(h.sport))),
        F::UdpDstport => out.push(u(u64::from(h.dport))),
        F::UdpPort => out.extend([u(u64::from(h.sport)), u(u64::from(h.dport))]),
        F::UdpLength => out.push(u(u64::from(h.length))),
        F::UdpChecksum => out.push(Value::hex(u64::from(h.checksum), 4)),
        F::UdpStream => {
            let s = if outer { p.udp_stream } else { p.quoted_udp_stream };
            if let Some(s) = s {
                out.push(u(u64::from(s)));
            }
        }
        _ => {}
    }
}
