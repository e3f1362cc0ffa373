//! The seam for encapsulation: a registered protocol that carries a whole frame
//! or packet (GRE, ERSPAN, VXLAN, Geneve) says where it starts and what it is
//! ([`Dissector::inner`](super::dissector::Dissector::inner)); this file then
//! keeps the outer layers in [`Dissected::tunnels`] and [`Dissected::encaps`]
//! and decodes the inner frame as the frame's own layers, as tshark shows the
//! innermost addresses and protocol in the packet list and every layer, in
//! order, in the details. Adding a tunnel protocol is its own file and one
//! registry line; nothing here changes.
//!
//! Bounded: at most [`MAX_TUNNELS`] network layers in network layers, and at
//! most [`MAX_SHIMS`] tunnel headers between two of them (GRE, then ERSPAN);
//! every round of the loop adds one of the two, so it ends. Never allocates.

use super::link::{self, LinkType, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use super::registry::{self, Claim, Ctx, InnerKind, Pdu};
use super::{ip, network, registered_pdu};
use crate::sniff::packet::{Dissected, Net, Transport, MAX_SHIMS, MAX_TUNNELS};

/// Decodes, as long as the frame's registered PDU is a tunnel's, what it carries.
/// `wire` is the frame's length on the wire.
pub(crate) fn unwrap<'a>(d: &mut Dissected<'a>, data: &'a [u8], wire: usize) {
    for _ in 0..(MAX_TUNNELS + 1) * MAX_SHIMS {
        if !step(d, data, wire) {
            return;
        }
    }
}

/// One tunnel header: its PDU becomes a tunnel header and what it carries is
/// decoded. False when the PDU carries nothing to decode (it stays the leaf).
fn step<'a>(d: &mut Dissected<'a>, data: &'a [u8], wire: usize) -> bool {
    let Some(pdu) = d.pdu.filter(|_| d.error.is_none() && d.assembled.is_none()) else { return false };
    let Some(inner) = pdu.dissector().inner(pdu.bytes(data), pdu.ctx) else { return false };
    let at = pdu.offset.saturating_add(inner.offset);
    let level = usize::from(d.tunnel_count);
    let Some(free) = d.encaps[level].shims.iter().position(Option::is_none) else { return false };
    if at > data.len() || inner.offset > pdu.len {
        return false;
    }
    match inner.kind {
        InnerKind::EtherType(ETHERTYPE_IPV4 | ETHERTYPE_IPV6) if level < MAX_TUNNELS => {
            d.encaps[level].shims[free] = Some(pdu);
            descend(d);
            ip::decode(d, &data[at..], at, wire.saturating_sub(at), true);
        }
        InnerKind::Ethernet if level < MAX_TUNNELS => {
            let Ok(mut l) = link::parse(LinkType::Ethernet, &data[at..]) else { return false };
            l.offset = at;
            d.encaps[level].shims[free] = Some(pdu);
            d.encaps[level].link = Some(l);
            descend(d);
            network(d, &l, data, wire);
        }
        InnerKind::EtherType(t) => {
            let Some(next) = registry::claimed(Claim::EtherType(t)) else { return false };
            if !registry::REGISTRY[usize::from(next)].accepts(&data[at..]) {
                return false;
            }
            d.encaps[level].shims[free] = Some(pdu);
            let len = pdu.len - inner.offset;
            d.pdu = Some(Pdu { dissector: next, offset: at, len, ctx: Ctx { below: inner.below, ..Ctx::default() } });
            return true;
        }
        InnerKind::Ethernet => return false,
    }
    d.pdu = registered_pdu(d, data);
    true
}

/// Moves the network and transport layers to the tunnels, to decode the next ones.
fn descend(d: &mut Dissected<'_>) {
    let level = usize::from(d.tunnel_count);
    d.tunnels[level] = d.net;
    d.encaps[level].udp = match d.transport {
        Transport::Udp(u) => Some(u),
        _ => None,
    };
    d.tunnel_count += 1;
    d.net = Net::None;
    d.transport = Transport::None;
    d.payload = &[];
    d.quoted = None;
    d.pdu = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::dissect;

    /// IPv4 carrying GRE (no options) carrying IPv4 + ICMP echo request.
    pub(crate) const GRE_PING: [u8; 52] = [
        0x45, 0, 0, 52, 0, 1, 0, 0, 64, 47, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // outer IPv4, protocol 47
        0, 0, 0x08, 0, // GRE, IPv4
        0x45, 0, 0, 28, 0, 2, 0, 0, 64, 1, 0, 0, 192, 168, 0, 1, 192, 168, 0, 2, // inner IPv4
        8, 0, 0, 0, 0, 7, 0, 1, // ICMP echo request
    ];

    #[test]
    fn an_ip_packet_in_gre_becomes_the_frames_network_layer() {
        let d = dissect(LinkType::Raw, &GRE_PING);
        assert_eq!(d.error, None);
        assert!(matches!(d.tunnels(), [Net::Ipv4(h)] if h.proto == 47));
        assert!(matches!(d.net, Net::Ipv4(h) if h.src == std::net::Ipv4Addr::new(192, 168, 0, 1)));
        assert!(matches!(d.transport, Transport::Icmp(i) if i.ty == 8));
        let shims: Vec<_> = d.outer().flat_map(|(_, e)| e.shims()).map(|p| (p.dissector().name(), p.offset)).collect();
        assert_eq!(shims, [("gre", 20)]);
        assert_eq!(d.trailing_shims().count(), 0);
    }

    #[test]
    fn cut_and_hostile_tunnels_never_panic() {
        for n in 0..GRE_PING.len() {
            let d = dissect(LinkType::Raw, &GRE_PING[..n]);
            assert!(d.tunnel_count <= 1);
        }
        // GRE in GRE in GRE ...: the depth stays bounded.
        let mut f = Vec::new();
        for _ in 0..8 {
            f.extend_from_slice(&GRE_PING[..24]);
        }
        let d = dissect(LinkType::Raw, &f);
        assert_eq!(usize::from(d.tunnel_count), MAX_TUNNELS);
    }
}
