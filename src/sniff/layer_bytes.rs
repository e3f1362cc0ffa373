//! The bytes of a packet's layers, as a display filter sees a protocol used as a
//! value (`frame contains "GET"`, `ip[0] == 45`): from the layer's first byte to the
//! end of the data that carries it (tshark's protocol items hold their whole
//! remaining buffer: `ip contains "GET"` matches an HTTP request). Also the byte
//! fields `tcp.payload`, `udp.payload`, `data`/`data.data` and the six bytes of
//! `eth.src`/`eth.dst`.

use crate::sniff::app::App;
use crate::sniff::dissect::data::has_data;
use crate::sniff::dissect::ip::IPV6_HEADER_LEN;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::field_id::FieldId;
use crate::sniff::packet::{Net, Packet, Transport};
use crate::sniff::value::Value;
use std::borrow::Cow;

/// `frame` as `tshark -T fields -e frame` prints it: the first line of its details.
pub fn frame_label(p: &Packet<'_>) -> String {
    let cap = p.data.len();
    let mut label = format!(
        "Frame {}: {} byte{} on wire ({} bits), {cap} byte{} captured ({} bits)",
        p.number,
        p.len,
        plural(u64::from(p.len)),
        u64::from(p.len) * 8,
        plural(cap as u64),
        cap * 8
    );
    if let Some(o) = p.origin {
        label.push_str(&format!(" on interface {}, id {}", o.interface.display_name(), o.interface_id));
        match o.flags.map(|f| f & 0x3) {
            Some(1) => label.push_str(" (inbound)"),
            Some(2) => label.push_str(" (outbound)"),
            _ => {}
        }
    }
    label
}

/// "s" unless `n` is 1, as tshark writes "1 byte" but "2 bytes".
pub fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Appends the bytes of `field` when it is a protocol or a byte field; returns
/// whether it is one (false: the caller reports its ordinary values).
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) -> bool {
    use FieldId as F;
    let mut push = |range: Option<&'s [u8]>| out.extend(range.map(|b| Value::Bytes(Cow::Borrowed(b))));
    let data: &'s [u8] = p.data;
    let end = ip_end(p);
    match field {
        F::Frame => push(Some(data)),
        F::Eth => push(ethernet(p).map(|_| data)),
        F::EthSrc => push(ethernet(p).map(|l| &l.eth_src[..])),
        F::EthDst => push(ethernet(p).map(|l| &l.eth_dst[..])),
        F::Ip | F::Ipv6 => {
            let v6 = field == F::Ipv6;
            for net in p.d.tunnels().iter().chain([&p.d.net]).chain(p.d.quoted.as_ref().map(|q| &q.net)) {
                match net {
                    Net::Ipv4(h) if !v6 => push(data.get(h.offset..end.max(h.offset))),
                    Net::Ipv6(h) if v6 => push(data.get(h.offset..end.max(h.offset))),
                    _ => {}
                }
            }
        }
        F::Tcp | F::Udp | F::Icmp | F::Icmpv6 => {
            let outer = if p.d.reassembled.is_some() { None } else { Some(&p.d.transport) };
            for t in outer.into_iter().chain(p.d.quoted.as_ref().map(|q| &q.transport)) {
                if let Some(at) = transport_offset(t, field) {
                    push(data.get(at..end.max(at)));
                }
            }
        }
        F::TcpPayload if matches!(p.d.transport, Transport::Tcp(_)) => push(non_empty(p.d.payload)),
        // The payload of a UDP datagram, or of the one an ICMP error quotes.
        F::UdpPayload if is_udp(&p.d.transport) || p.d.quoted.is_some_and(|q| is_udp(&q.transport)) => {
            push(non_empty(p.d.payload))
        }
        F::Data | F::DataData if has_data(p) => push(Some(p.d.payload)),
        F::Dns => push(matches!(p.app, App::Dns(_)).then_some(p.d.payload)),
        F::Http => push(matches!(p.app, App::Http(_)).then_some(p.d.payload)),
        F::TcpPayload | F::UdpPayload | F::Data | F::DataData => {}
        _ => return false,
    }
    true
}

fn is_udp(t: &Transport) -> bool {
    matches!(t, Transport::Udp(_))
}

fn non_empty(b: &[u8]) -> Option<&[u8]> {
    (!b.is_empty()).then_some(b)
}

fn ethernet<'p>(p: &'p Packet<'_>) -> Option<&'p crate::sniff::dissect::link::Link> {
    p.d.link.as_ref().filter(|l| l.kind == LinkType::Ethernet)
}

/// Where the transport header `t` starts, when it is the protocol `field` names.
fn transport_offset(t: &Transport, field: FieldId) -> Option<usize> {
    match (t, field) {
        (Transport::Tcp(h), FieldId::Tcp) => Some(h.offset),
        (Transport::TcpPorts { offset, .. }, FieldId::Tcp) => Some(*offset),
        (Transport::Udp(h), FieldId::Udp) => Some(h.offset),
        (Transport::Icmp(i), FieldId::Icmp) if !i.v6 => Some(i.offset),
        (Transport::Icmp(i), FieldId::Icmpv6) if i.v6 => Some(i.offset),
        _ => None,
    }
}

/// The end of the outermost IP datagram in the frame (its declared length, within
/// the captured bytes; the whole capture when there is no IP or no length).
fn ip_end(p: &Packet<'_>) -> usize {
    let outer = p.d.tunnels().first().copied().unwrap_or(p.d.net);
    let end = match outer {
        Net::Ipv4(h) if h.total_len != 0 => h.offset + usize::from(h.total_len),
        Net::Ipv6(h) if h.plen != 0 => h.offset + IPV6_HEADER_LEN + usize::from(h.plen),
        _ => p.data.len(),
    };
    end.min(p.data.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::tests::{PORT_UNREACHABLE, SYN};
    use crate::sniff::pipeline::{Facts, Pipeline};

    /// The bytes `field` has in the one frame `data`, each occurrence as hex.
    fn bytes(link: LinkType, data: &[u8], field: FieldId) -> Vec<String> {
        let mut pipe = Pipeline::new(link, Facts::default());
        let p = pipe.process(&Frame { time: 0, len: data.len() as u32, data, origin: None });
        let mut out = Vec::new();
        assert!(values(&p, field, &mut out), "{field:?} is a byte field");
        out.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn protocols_run_from_their_start_to_the_end_of_the_datagram() {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(bytes(LinkType::Ethernet, &SYN, FieldId::Frame), [hex(&SYN)]);
        assert_eq!(bytes(LinkType::Ethernet, &SYN, FieldId::Eth), [hex(&SYN)]);
        assert_eq!(bytes(LinkType::Ethernet, &SYN, FieldId::Ip), [hex(&SYN[14..])]);
        assert_eq!(bytes(LinkType::Ethernet, &SYN, FieldId::Tcp), [hex(&SYN[34..])]);
        assert_eq!(bytes(LinkType::Ethernet, &SYN, FieldId::EthSrc), [hex(&SYN[6..12])]);
        assert!(bytes(LinkType::Ethernet, &SYN, FieldId::Udp).is_empty());
        assert!(bytes(LinkType::Ethernet, &SYN, FieldId::TcpPayload).is_empty());
        // Ethernet padding after the IP datagram belongs to the frame, not to IP.
        let mut padded = SYN.to_vec();
        padded.extend([0; 6]);
        assert_eq!(bytes(LinkType::Ethernet, &padded, FieldId::Ip), [hex(&SYN[14..])]);
    }

    #[test]
    fn an_icmp_error_has_the_quoted_layers_too() {
        let d = &PORT_UNREACHABLE;
        let ip = bytes(LinkType::Raw, d, FieldId::Ip);
        assert_eq!(ip.len(), 2, "{ip:?}");
        assert!(ip[0].starts_with("45") && ip[1].starts_with("45") && ip[0].len() > ip[1].len(), "{ip:?}");
        let udp = bytes(LinkType::Raw, d, FieldId::Udp);
        assert_eq!(udp.len(), 1);
        assert!(ip[1].ends_with(&udp[0]), "{ip:?} {udp:?}");
        assert_eq!(bytes(LinkType::Raw, d, FieldId::UdpPayload).len(), 1);
        assert!(bytes(LinkType::Raw, d, FieldId::EthSrc).is_empty());
    }
}
