//! The protocols the sniffer decodes, one file (or one folder) each, and the
//! walk that hands a frame's bytes from layer to layer.
//!
//! # Layout
//!
//! Each protocol's folder holds everything about it:
//! - `mod.rs`: how it decodes (checked lengths, typed errors with byte offsets,
//!   never a panic) and what hands it bytes: its IP protocol number
//!   (`tcp::IP_PROTO`), its ports (`dns::DEFAULT_PORTS`, `http::HTTP_PORTS`) or
//!   heuristic (`dns::heuristic`);
//! - `fields.rs`: its fields, declared with `builtin_fields!` (tshark's names;
//!   their types and titles are tshark's glossary lines), and their values for
//!   `-T fields` and `-Y`;
//! - `info.rs`: its Info column; `tree.rs`: its part of the details tree, every
//!   field with its bytes (`-V`, `-O`, `-T json`, `-x`, `-T ek`).
//!
//! The folders: `link` (Ethernet, VLAN, Linux cooked, NULL/loopback, PPP, raw IP
//! and other link types), `ip` (IPv4, IPv6, IP in IP), `tcp`, `udp`, `icmp` (ICMP
//! and ICMPv6 with Neighbor Discovery and MLD), `dns`, `http`, and `frame` and
//! [`data`] for the frame's own fields and the undecoded payload. The other
//! protocols (ARP, IGMP, OSPF, DHCP, the application protocols on TCP ports, TLS
//! and more: the list is [`registry::REGISTRY`]) are registered protocols
//! (below), one file or folder each. State that spans frames stays in its own
//! modules, used by these files: TCP streams, analysis and reassembly in
//! `sniff::tcp`, `udp.stream` in `sniff::udp`, ICMP error and echo links in
//! `sniff::icmp`, DNS and HTTP request/response links in the trackers of
//! `dns` and `http` with `sniff::app`.
//!
//! # How to add a protocol
//!
//! A protocol decoded from one PDU's bytes (ARP, IGMP, DHCP, an application
//! protocol on a port) plugs in through the registry:
//!
//! 1. Write `src/sniff/dissect/<name>.rs` with a unit struct that implements
//!    [`dissector::Dissector`]:
//!    - `name`, `title`, `column`: the filter name (`igmp`), Wireshark's title of
//!      the details block, and the Protocol column's text;
//!    - `claims`: what hands it bytes (an EtherType, an IP protocol number, a UDP
//!      or TCP port), and optionally `heuristic` for payloads no port claims;
//!    - `fields`: each field's tshark name, type and Wireshark's title, in the
//!      order of the field indexes its `values` takes;
//!    - optionally `accepts`, to refuse bytes its port hands it that cannot be
//!      its own (TLS refuses text and the middle of a record), and `learn` with
//!      the `_in` methods, for what one PDU settles for its whole TCP
//!      conversation (TLS: the version the ServerHello picks, which tshark -2
//!      shows on every record of the connection, the ClientHello included);
//!    - optionally `pdu_len`, for a protocol on TCP whose PDUs may span
//!      segments: how long the PDU that starts with the given bytes is (TLS:
//!      its record header and the length it declares). The pipeline then
//!      reassembles them (`sniff::tcp::reassembly`, per direction, bounded) and
//!      hands the protocol whole PDUs, as tshark does;
//!    - `info`, `tree`, `values`: the Info column, the details tree with every
//!      field's bytes, and a field's values — all decoded from the PDU's bytes,
//!      which may be cut short or hostile: check every length, never panic.
//!      A protocol with many nested fields may take `values` from its own tree
//!      with [`dissector::tree_values`] (DHCPv6, NTP), so the two never disagree.
//!      The three take a [`dissector::Ctx`]: the port that claimed the PDU and
//!      whether it was the destination port, which a client/server protocol
//!      (FTP, SMTP) reads to tell a request from a response, as tshark does.
//!    - only if what it shows depends on earlier frames: `capture_state`, a
//!      fresh [`dissector::CaptureState`] per pass that sees its PDUs in capture
//!      order and returns a [`dissector::Recall`] for a frame, and the
//!      `recalled_info`, `recalled_tree`, `recalled_values` and `recalled_note`
//!      that show it (ARP's duplicate-address table). Keep the state bounded.
//!      A protocol whose PDUs only their connection's earlier PDUs explain
//!      (HTTP/2's compressed headers) makes, with [`dissector::CaptureState::shows`],
//!      the dissector that shows each PDU in every view; one whose claim
//!      depends on earlier PDUs refuses a PDU with
//!      [`dissector::CaptureState::disowns`] (QUIC's short headers);
//!    - optionally `expects` with port 0, for a PDU that makes the rest of its
//!      own TCP connection the protocol's (HTTP/2's connection preface);
//!    - optionally `carried_dns`, for DNS messages a PDU carries (DNS over
//!      HTTPS), whose fields are then DNS's own.
//! 2. Declare the module below (`pub mod <name>;`) and add one line to
//!    [`registry::REGISTRY`].
//! 3. Run `scripts/glossary.sh` (the glossary then lists the new fields as tshark
//!    describes them) and add the fields' explanations to
//!    `src/teach/explain/topics.txt` if students should see them in `explain`.
//!
//! A tunnel protocol (GRE, ERSPAN, VXLAN, Geneve, Teredo, Cisco MetaData) is
//! such a protocol too, with one more method: `inner` says where, in its PDU,
//! the frame or packet it carries starts and whether it is an Ethernet frame
//! or an EtherType's payload. [`tunnel`] then decodes that as the frame's own
//! layers; nothing else changes.
//!
//! `toy.rs`, compiled for tests only, is such a protocol with a port, a
//! heuristic, fields and a tree; its tests run it through every view. The
//! built-in DNS and HTTP decoders take precedence over a port claim.
//!
//! # The walk
//!
//! [`dissect_into`] decodes the link header, then the network layer its
//! EtherType, family or protocol names, then the transport protocol the IP
//! header names, and hands what is left to a registered protocol. When that
//! protocol is a tunnel, [`tunnel`] keeps the outer headers in
//! [`Dissected::encaps`](crate::sniff::packet::Dissected::encaps) and decodes the
//! inner frame the same way, to a bounded depth. The first
//! layer that cannot be decoded becomes a [`crate::sniff::packet::DecodeError`] with its byte offset;
//! the layers before it are kept. Never panics, never allocates.

pub mod aoe;
pub mod arp;
pub mod babel;
pub mod bfd;
pub mod bgp;
pub mod cdp;
pub mod cmd;
pub mod data;
pub mod dec_dna;
pub mod dhcp;
pub mod dhcpv6;
pub mod dissector;
pub mod dns;
pub mod eigrp;
pub mod erspan;
pub mod esp;
pub mod frame;
pub mod ftp;
pub mod ftpdata;
pub mod geneve;
pub mod geonw;
pub mod gre;
pub mod hsrp;
pub mod http;
pub mod http2;
pub mod icmp;
pub mod igmp;
pub mod imap;
pub mod ip;
pub mod isakmp;
pub mod isis;
pub mod krb4;
pub mod ldp;
pub mod link;
pub mod llc;
pub mod lldp;
pub mod nbns;
pub mod nhrp;
pub mod ntp;
pub mod openflow;
pub mod ospf;
pub mod pim;
pub mod pop;
pub mod ptp;
pub mod quic;
pub mod radius;
pub mod registry;
pub mod resp;
pub mod rip;
pub mod rpkirtr;
pub mod rx;
pub mod sctp;
pub mod sflow;
pub mod slarp;
pub mod smtp;
pub mod ssh;
pub mod stp;
pub mod syslog;
pub mod tcp;
pub mod telnet;
pub mod teredo;
#[cfg(test)]
pub(crate) mod testing;
pub mod textline;
pub mod tftp;
pub mod tls;
#[cfg(test)]
mod toy;
pub mod tunnel;
pub mod udp;
pub mod udpencap;
pub mod vrrp;
pub mod vxlan;

use crate::sniff::packet::{Dissected, Encap, Net, Transport, MAX_TUNNELS};
use ip::proto;
use link::{LinkType, Next, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use registry::{Carrier, Claim, Ctx, Pdu};

/// Decodes every layer of one frame of link type `kind`, captured whole.
pub fn dissect(kind: LinkType, data: &[u8]) -> Dissected<'_> {
    dissect_frame(kind, data, data.len())
}

/// Decodes every layer of one frame of link type `kind` that was `wire_len`
/// bytes long on the wire (`data` may be shorter when the capture cut it). Like
/// Wireshark, lengths come from the IP header but never exceed what was on the wire.
pub fn dissect_frame(kind: LinkType, data: &[u8], wire_len: usize) -> Dissected<'_> {
    let mut d = empty();
    dissect_into(&mut d, kind, data, wire_len);
    d
}

/// [`dissect_frame`] into `d`, which must be [`empty`] (no copy of the result:
/// this runs for every frame).
pub fn dissect_into<'a>(d: &mut Dissected<'a>, kind: LinkType, data: &'a [u8], wire_len: usize) {
    let l = match link::parse(kind, data) {
        Ok(l) => l,
        Err(e) => {
            d.error = Some(e);
            return;
        }
    };
    d.link = Some(l);
    let wire = wire_len.max(data.len());
    network(d, &l, data, wire);
    d.pdu = registered_pdu(d, data);
    tunnel::unwrap(d, data, wire);
    if let Some(pdu) = d.pdu.as_mut() {
        pdu.ctx.cut = wire_len > data.len() && pdu.offset.saturating_add(pdu.len) >= data.len();
    }
}

/// Decodes what the link header `l` carries (the frame's own, or an inner
/// frame's at [`link::Link::offset`]); `wire` is the frame's length on the wire.
fn network<'a>(d: &mut Dissected<'a>, l: &link::Link, data: &'a [u8], wire: usize) {
    let at = l.offset.saturating_add(l.header_len);
    let rest = data.get(at..).unwrap_or(&[]);
    match l.next {
        Next::EtherType(ETHERTYPE_IPV4) | Next::EtherType(ETHERTYPE_IPV6) => {
            ip::decode(d, rest, at, wire.saturating_sub(at), true)
        }
        Next::EtherType(t) => d.net = Net::Other(t),
        // tshark shows the rest of an unknown PPP or Frame Relay protocol as data.
        Next::Ppp(_) | Next::Nlpid(_) => d.payload = rest,
        Next::Family(_) | Next::Length(_) | Next::Undecoded => {}
    }
}

/// The payload a protocol of the dissector registry claims, by the EtherType,
/// IP protocol or port that carries it (or its heuristic).
fn registered_pdu(d: &Dissected<'_>, data: &[u8]) -> Option<Pdu> {
    if d.error.is_some() || registry::REGISTRY.is_empty() {
        return None;
    }
    let l = d.inner_link()?;
    let at = l.offset.saturating_add(l.header_len);
    if let Next::Length(len) = l.next {
        let rest = data.get(at..)?;
        let claim = match llc::snap(rest) {
            Some((oui, pid)) => Claim::Snap(oui, pid),
            None => Claim::LlcSap(*rest.first()?),
        };
        let dissector = registry::claimed(claim)?;
        let len = rest.len().min(usize::from(len));
        return Some(Pdu { dissector, offset: at, len, ctx: Ctx::default() });
    }
    if let Net::Other(ethertype) = d.net {
        let rest = data.get(at..)?;
        let on_chdlc = if l.kind == LinkType::CHdlc { registry::claimed(Claim::Chdlc(ethertype)) } else { None };
        let dissector = on_chdlc.or_else(|| {
            registry::claimed(Claim::EtherType(ethertype)).filter(|&d| registry::REGISTRY[usize::from(d)].accepts(rest))
        })?;
        return Some(Pdu { dissector, offset: at, len: rest.len(), ctx: Ctx::default() });
    }
    // The payload must lie in the frame (not in a reassembled buffer).
    let offset = data::offset_in(data, d.payload)?;
    match d.transport {
        // A fragment's bytes are not a whole PDU (a reassembled datagram's are not in the frame).
        Transport::Other(proto) if !d.payload.is_empty() && !ip::not_first_fragment(&d.net) => {
            let dissector = registry::claimed(Claim::IpProto(proto))?;
            let dissector = registry::handed(dissector, d.payload);
            let ctx = Ctx { addr_sum: d.net.ip_addrs().map(|(s, t)| addr_sum(s, t)), ..Ctx::default() };
            Some(Pdu { dissector, offset, len: d.payload.len(), ctx })
        }
        // A UDP length below the header's own (GSO and BIG TCP captures) is
        // malformed: tshark hands the payload to nothing.
        Transport::Udp(u) if u.length >= UDP_HEADER_LEN => {
            registry::for_ports(Carrier::Udp, u.sport, u.dport, offset, d.payload)
        }
        Transport::Tcp(h) if h.flags & crate::sniff::tcp::flags::RST == 0 => {
            registry::for_ports(Carrier::Tcp, h.sport, h.dport, offset, d.payload)
        }
        _ => None,
    }
}

/// A UDP header's length (RFC 768 §Format).
const UDP_HEADER_LEN: u16 = 8;

/// The ones' complement sum of two IP addresses' 16-bit words, folded: the
/// addresses' part of a pseudo-header checksum.
fn addr_sum(src: std::net::IpAddr, dst: std::net::IpAddr) -> dissector::AddrSum {
    use crate::sniff::icmp::internet_checksum;
    use std::net::IpAddr::{V4, V6};
    // A checksum is the complement of the folded sum: complemented again, the sum.
    let sum_of = |a| match a {
        V4(a) => !internet_checksum(&[&a.octets()]),
        V6(a) => !internet_checksum(&[&a.octets()]),
    };
    let sum = !internet_checksum(&[&sum_of(src).to_be_bytes(), &sum_of(dst).to_be_bytes()]);
    dissector::AddrSum { sum, ipv6: src.is_ipv6() }
}

/// Nothing decoded yet.
pub fn empty<'a>() -> Dissected<'a> {
    Dissected {
        link: None,
        net: Net::None,
        transport: Transport::None,
        payload: &[],
        quoted: None,
        error: None,
        tunnels: [Net::None; MAX_TUNNELS],
        tunnel_count: 0,
        encaps: [Encap::default(); MAX_TUNNELS + 1],
        reassembled: None,
        pdu: None,
        assembled: None,
    }
}

/// Decodes the transport layer of a reassembled IPv4 datagram whose payload is
/// `data` (protocol `proto`), as if it followed the IP header of the frame that
/// completed it (at `offset`).
pub fn reassembled<'a>(out: &mut Dissected<'a>, proto: u8, data: &'a [u8], offset: usize) {
    out.reassembled = Some(data.len());
    transport(out, proto, data, offset, data.len(), true);
}

/// Decodes the transport header of protocol `proto` from the IP payload `data`
/// (at `offset` in the frame; `declared` bytes long per the IP header).
pub(crate) fn transport<'a>(
    out: &mut Dissected<'a>,
    proto: u8,
    data: &'a [u8],
    offset: usize,
    declared: usize,
    follow: bool,
) {
    match proto {
        tcp::IP_PROTO => tcp::decode(out, data, offset, declared),
        udp::IP_PROTO => udp::decode(out, data, offset),
        icmp::IP_PROTO | icmp::IPV6_NEXT_HEADER => {
            icmp::decode(out, proto == icmp::IPV6_NEXT_HEADER, data, offset, follow)
        }
        proto::IPIP | proto::IPV6_IN_IP if usize::from(out.tunnel_count) < MAX_TUNNELS => {
            ip::tunnel(out, proto, data, offset, declared, follow)
        }
        other => {
            out.transport = Transport::Other(other);
            out.payload = data;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sniff::packet::Layer;

    /// Ethernet + IPv4 + TCP SYN with MSS, SACK_PERM, timestamps, NOP, window scale
    /// (127.0.0.1:41864 → 127.0.0.1:12000), 74 bytes as Linux sends on loopback.
    pub const SYN: [u8; 74] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x3c, 0x1b, 0x68, 0x40, 0x00, 0x40, 0x06, 0x21, 0x52, 127, 0, 0, 1, 127, 0, 0,
        1, // IPv4
        0xa3, 0x88, 0x2e, 0xe0, 0x5c, 0x3d, 0x7b, 0x2c, 0, 0, 0, 0, 0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0,
        0, // TCP
        0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x9c, 0x3f, 0x2a, 0x11, 0, 0, 0, 0, 0x01, 0x03, 0x03, 0x0a,
    ];

    #[test]
    fn every_truncation_is_a_value_never_a_panic() {
        for n in 0..SYN.len() {
            let d = dissect(LinkType::Ethernet, &SYN[..n]);
            if n < 54 {
                assert!(d.error.is_some(), "cut at {n}: {d:?}");
            }
        }
        let d = dissect(LinkType::Ethernet, &SYN[..40]);
        let e = d.error.unwrap();
        assert_eq!((e.layer, e.offset), (Layer::Tcp, 34));
        assert_eq!(e.to_string(), "TCP header at byte 34 cut short: needs 20 bytes, 6 captured");
    }

    /// Raw IPv4: ICMP port unreachable quoting a UDP datagram 127.0.0.1:5000 → :9.
    pub const PORT_UNREACHABLE: [u8; 61] = [
        0x45, 0, 0, 61, 0x1b, 0x69, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
        3, 3, 0, 0, 0, 0, 0, 0, // ICMP
        0x45, 0, 0, 33, 0x1b, 0x68, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // quoted IPv4
        0x13, 0x88, 0, 9, 0, 13, 0, 0, b'h', b'e', b'l', b'l', b'o', // quoted UDP
    ];

    #[test]
    fn arp_is_handed_to_the_registry() {
        let mut f = vec![0xffu8; 6];
        f.extend([2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1]);
        f.extend([0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
        let d = dissect(LinkType::Ethernet, &f);
        assert_eq!(d.net, Net::Other(link::ETHERTYPE_ARP));
        let pdu = d.pdu.expect("ARP is registered");
        assert_eq!((pdu.dissector().name(), pdu.offset, pdu.len), ("arp", 14, 28));
    }
}
