//! The link-layer blocks: Ethernet II and 802.1Q, Linux cooked capture, PPP,
//! Cisco HDLC, Frame Relay, loopback.

use super::*;

pub(super) fn link(out: &mut Tree, l: &Link, padding: &[u8]) {
    match l.kind {
        LinkType::Ethernet => {
            l!(out, 0, "Ethernet II, Src: {}, Dst: {}", Mac(&l.eth_src), Mac(&l.eth_dst));
            mac_tree(out, "Destination", &l.eth_dst);
            mac_tree(out, "Source", &l.eth_src);
            l!(out, 1, "Type: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type);
            for v in l.vlans() {
                l!(
                    out,
                    0,
                    "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
                    v.tci >> 13,
                    (v.tci >> 12) & 1,
                    v.tci & 0x0fff
                );
                let tci = u32::from(v.tci);
                let pcp = tci >> 13;
                l!(out, 1, "{} = Priority: {} ({pcp})", bit_pattern(pcp, 3, 13, 16), priority_name(pcp));
                let dei = if tci & 0x1000 != 0 { "Eligible" } else { "Ineligible" };
                l!(out, 1, "{} = DEI: {dei}", bit_pattern((tci >> 12) & 1, 1, 12, 16));
                l!(out, 1, "{} = ID: {}", bit_pattern(tci & 0xfff, 12, 0, 16), tci & 0xfff);
                l!(out, 1, "Type: {} (0x{:04x})", ethertype_name(v.inner_type).unwrap_or("Unknown"), v.inner_type);
            }
            if !padding.is_empty() {
                let hex: String = padding.iter().map(|b| format!("{b:02x}")).collect();
                l!(out, 1, "Padding: {hex}");
            }
        }
        LinkType::Null | LinkType::Loop => {
            l!(out, 0, "Null/Loopback");
            let fam = match l.family {
                2 => "IP",
                10 | 24 | 28 | 30 => "IPv6",
                _ => "Unknown",
            };
            l!(out, 1, "Family: {fam} ({})", l.family)
        }
        LinkType::LinuxSll | LinkType::LinuxSll2 => sll(out, l),
        LinkType::Raw => l!(out, 0, "Raw packet data"),
        LinkType::Ipv4 | LinkType::Ipv6 => {}
        LinkType::Ppp | LinkType::PppSerial => {
            l!(out, 0, "Point-to-Point Protocol");
            l!(out, 1, "Protocol: {} (0x{:04x})", ppp_protocol_name(l.link_proto), l.link_proto)
        }
        LinkType::CHdlc => {
            l!(out, 0, "Cisco HDLC");
            l!(out, 1, "Protocol: {} (0x{:04x})", ethertype_name(l.link_proto).unwrap_or("Unknown"), l.link_proto)
        }
        LinkType::FrameRelay => {
            l!(out, 0, "Frame Relay");
            l!(out, 1, "DLCI: {}", l.dlci);
            l!(out, 1, "NLPID: 0x{:02x}", l.link_proto)
        }
        LinkType::Slip => {
            l!(out, 0, "SLIP (libpcap pseudo-header)");
            l!(out, 1, "Direction: {}", if l.dlci == 0 { "received" } else { "sent" })
        }
        LinkType::Other(dlt) => {
            l!(out, 0, "link type {} ({dlt}) not decoded by socklab", crate::sniff::link::dlt_name(dlt))
        }
    }
}

/// Wireshark's name of a PPP protocol number (IANA PPP DLL protocol numbers).
pub(super) fn ppp_protocol_name(proto: u16) -> &'static str {
    match proto {
        crate::sniff::link::PPP_IPV4 => "Internet Protocol version 4",
        crate::sniff::link::PPP_IPV6 => "Internet Protocol version 6",
        0xc021 => "Link Control Protocol",
        0x8021 => "Internet Protocol Control Protocol",
        0x8057 => "IPv6 Control Protocol",
        0xc023 => "Password Authentication Protocol",
        0xc223 => "Challenge Handshake Authentication Protocol",
        _ => "Unknown",
    }
}

/// IEEE 802.1Q priority code point names, as Wireshark shows them.
pub(super) fn priority_name(pcp: u32) -> &'static str {
    match pcp {
        0 => "Best Effort (default)",
        1 => "Background",
        2 => "Excellent Effort",
        3 => "Critical Applications",
        4 => "Video, < 100ms latency and jitter",
        5 => "Voice, < 10ms latency and jitter",
        6 => "Internetwork Control",
        _ => "Network Control",
    }
}

/// Bytes after the network-layer packet that Ethernet carried to reach its minimum
/// frame size (IEEE 802.3 §3.2.8), shown as Padding.
pub(super) fn padding<'a>(p: &Packet<'a>, l: &Link) -> &'a [u8] {
    if l.kind != LinkType::Ethernet {
        return &[];
    }
    let end = match p.d.net {
        Net::Ipv4(h) if h.total_len >= u16::from(h.hdr_len) => h.offset + usize::from(h.total_len),
        Net::Ipv6(h) if h.plen != 0 => h.offset + 40 + usize::from(h.plen),
        Net::Arp(a) => a.offset + 28,
        _ => return &[],
    };
    p.data.get(end..).unwrap_or(&[])
}

/// Linux cooked capture v1 or v2, fields in the order each version stores them.
pub(super) fn sll(out: &mut Tree, l: &Link) {
    let v2 = l.kind == LinkType::LinuxSll2;
    l!(out, 0, "Linux cooked capture {}", if v2 { "v2" } else { "v1" });
    let pt = match l.sll.pkttype {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => "Unknown",
    };
    let hatype = match l.sll.hatype {
        1 => "Ethernet",
        772 => "Loopback",
        776 => "IPv6-in-IPv4",
        778 => "IP GRE",
        65534 => "None",
        _ => "Unknown",
    };
    let proto = || format!("Protocol: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type);
    if v2 {
        l!(out, 1, "{}", proto());
        l!(out, 1, "Interface index: {}", l.sll.ifindex);
        l!(out, 1, "Link-layer address type: {hatype} ({})", l.sll.hatype);
        l!(out, 1, "Packet type: {pt} ({})", l.sll.pkttype);
    } else {
        l!(out, 1, "Packet type: {pt} ({})", l.sll.pkttype);
        l!(out, 1, "Link-layer address type: {hatype} ({})", l.sll.hatype);
    }
    l!(out, 1, "Link-layer address length: {}", l.sll.addr_len);
    let n = usize::from(l.sll.addr_len).min(8);
    l!(out, 1, "Source: {}", Mac(&l.sll.addr[..n]));
    if n < 8 {
        let unused: String = l.sll.addr[n..].iter().map(|b| format!("{b:02x}")).collect();
        l!(out, 1, "Unused: {unused}");
    }
    if !v2 {
        l!(out, 1, "{}", proto());
    }
}

/// A MAC address with its LG and IG bits (IEEE 802 §8.2).
pub(super) fn mac_tree(out: &mut Tree, label: &str, mac: &[u8; 6]) {
    let (lg, ig) = ((mac[0] >> 1) & 1, mac[0] & 1);
    l!(out, 1, "{label}: {}", Mac(mac));
    l!(out, 2, "Address: {}", Mac(mac));
    let lg_text = if lg == 1 {
        "Locally administered address (this is NOT the factory default)"
    } else {
        "Globally unique address (factory default)"
    };
    l!(out, 2, ".... ..{lg}. .... .... .... .... = LG bit: {lg_text}");
    let ig_text = if ig == 1 { "Group address (multicast/broadcast)" } else { "Individual address (unicast)" };
    l!(out, 2, ".... ...{ig} .... .... .... .... = IG bit: {ig_text}")
}
