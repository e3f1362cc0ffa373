//! The frame's fields (`frame.*`): number, times, lengths, the protocols in it,
//! and where a pcapng file says it came from.

use crate::sniff::dissect::data;
use crate::sniff::dissect::link::{LinkType, Next};
use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::{Net, Packet, Transport};
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Frame;
    FrameNumber => "frame.number",
    FrameTimeRelative => "frame.time_relative",
    FrameLen => "frame.len",
    FrameCapLen => "frame.cap_len",
    FrameProtocols => "frame.protocols",
    FrameComment => "frame.comment",
    FrameInterfaceId => "frame.interface_id",
    FrameInterfaceName => "frame.interface_name",
    FrameInterfaceDescription => "frame.interface_description",
    FrameSectionNumber => "frame.section_number",
    Frame => "frame",
}

/// Appends the values of frame field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    match field {
        F::FrameNumber => out.push(Value::Uint(u64::from(p.number))),
        F::FrameTimeRelative => out.push(Value::Seconds(p.rel)),
        F::FrameLen => out.push(Value::Uint(u64::from(p.len))),
        F::FrameCapLen => out.push(Value::Uint(p.data.len() as u64)),
        F::FrameProtocols => out.push(Value::Str(Cow::Owned(protocols(p)))),
        F::FrameComment => {
            let comments = p.origin.map_or(&[][..], |o| o.comments);
            out.extend(comments.iter().map(|c| Value::Str(Cow::Borrowed(c.as_str()))));
        }
        F::FrameInterfaceId => out.extend(p.origin.map(|o| Value::Uint(u64::from(o.interface_id)))),
        F::FrameInterfaceName => out.extend(p.origin.map(|o| Value::Str(Cow::Borrowed(o.interface.display_name())))),
        F::FrameInterfaceDescription => {
            let d = p.origin.and_then(|o| o.interface.description.as_deref());
            out.extend(d.map(|d| Value::Str(Cow::Borrowed(d))));
        }
        F::FrameSectionNumber => out.extend(p.origin.map(|o| Value::Uint(u64::from(o.section)))),
        F::Frame => out.push(Value::Str(Cow::Owned(crate::sniff::layer_bytes::frame_label(p)))),
        _ => {}
    }
}

/// `frame.protocols`: the protocol names of the frame joined by `:`.
pub fn protocols(p: &Packet<'_>) -> String {
    let mut s = String::with_capacity(48);
    let Some(l) = p.d.link else { return s };
    link_protocols(&mut s, &l);
    let push = |s: &mut String, name: &str| {
        if !s.is_empty() {
            s.push(':');
        }
        s.push_str(name);
    };
    for (net, encap) in p.d.outer() {
        push(&mut s, net_protocol(net).unwrap_or_default());
        if encap.udp.is_some() {
            push(&mut s, "udp");
        }
        for pdu in encap.shims() {
            push(&mut s, pdu.dissector().protocols(pdu.bytes(p.data)));
        }
        if let Some(inner) = &encap.link {
            s.push(':');
            link_protocols(&mut s, inner);
        }
    }
    for (i, net) in [Some(p.d.net), p.d.quoted.map(|q| q.net)].into_iter().flatten().enumerate() {
        // A registered protocol that an EtherType hands bytes to names itself below.
        let registered = matches!(net, Net::Other(_)) && p.d.pdu.is_some();
        if let Some(name) = net_protocol(&net).filter(|_| !registered) {
            push(&mut s, name);
        }
        if matches!(net, Net::Ipv6(h) if h.frag.is_some() && h.ext_len == crate::sniff::dissect::ip::fragments::IPV6_FRAGHDR_LEN)
        {
            push(&mut s, "ipv6.fraghdr");
        }
        let t = if i == 0 { p.d.transport } else { p.d.quoted.map_or(Transport::None, |q| q.transport) };
        match t {
            Transport::Tcp(_) | Transport::TcpPorts { .. } => push(&mut s, "tcp"),
            Transport::Udp(_) => push(&mut s, "udp"),
            Transport::Icmp(i) => push(&mut s, if i.v6 { "icmpv6" } else { "icmp" }),
            _ => {}
        }
    }
    for pdu in p.d.trailing_shims() {
        push(&mut s, pdu.dissector().protocols(pdu.bytes(p.data)));
    }
    match (p.d.pdu, data::app_protocols(p)) {
        (Some(pdu), names) => {
            // A protocol HTTP handed a switched connection's bytes to comes after `http`.
            names.iter().flatten().for_each(|n| push(&mut s, n));
            push(&mut s, p.dissector_of(&pdu).protocols(pdu.bytes(p.data)))
        }
        (None, Some(names)) => names.iter().for_each(|n| push(&mut s, n)),
        (None, None) if data::shows_data(p) => push(&mut s, "data"),
        (None, None) => {}
    }
    s
}

/// The `frame.protocols` names of a link header and its VLAN tags.
fn link_protocols(s: &mut String, l: &crate::sniff::dissect::link::Link) {
    match (l.kind, l.next) {
        // An IEEE 802.3 frame has a length, not an EtherType.
        (LinkType::Ethernet, Next::Length(_)) if l.vlans().is_empty() => s.push_str("eth"),
        (kind, _) => s.push_str(kind.protocols()),
    }
    for (i, _) in l.vlans().iter().enumerate() {
        // The innermost tag of an IEEE 802.3 frame holds a length, not an EtherType.
        let last = i + 1 == l.vlans().len();
        s.push_str(if last && matches!(l.next, Next::Length(_)) { ":vlan" } else { ":vlan:ethertype" });
    }
}

/// The `frame.protocols` name of a network layer.
fn net_protocol(net: &Net) -> Option<&'static str> {
    match *net {
        Net::Ipv4(_) => Some("ip"),
        Net::Ipv6(_) => Some("ipv6"),
        Net::Other(t) => crate::sniff::dissect::link::ethertype_protocol(t),
        Net::None => None,
    }
}
