//! Frame bytes → [`Dissected`] layers, with etherparse's lax slicing for IP, TCP,
//! UDP and ICMP so that truncated frames still yield what was captured. The first
//! layer that cannot be decoded becomes a [`DecodeError`] with its byte offset;
//! the layers before it are kept. Never panics, never allocates.

pub mod arp;
pub mod dns;
pub mod frame;
pub mod http;
pub mod icmp;
pub mod ip;
pub mod link;
pub mod registry;
pub mod tcp;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod toy;
pub mod udp;

use crate::proto::bytes::{be16, be32};
use crate::sniff::defrag::{Fragment, FragmentKey};
use crate::sniff::packet::{
    DecodeError, Dissected, ErrorKind, Icmp, Ipv4, Ipv6, Layer, Net, Quoted, Tcp, Transport, Udp, MAX_TCP_OPTIONS,
    MAX_TUNNELS,
};
use crate::sniff::tcp::Options;
use etherparse::{err, Icmpv4Slice, Icmpv6Slice, LaxIpSlice, UdpSlice};
use link::{LinkType, Next, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use registry::{Carrier, Claim, Pdu};

/// IP protocol numbers (IANA).
pub mod proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;
    /// IPv4 encapsulated in IP (RFC 2003).
    pub const IPIP: u8 = 4;
    /// IPv6 encapsulated in IP (RFC 4213 §3.5).
    pub const IPV6_IN_IP: u8 = 41;
}

/// The more-fragments bit of the IPv4 flags (RFC 791 §3.1).
const IPV4_MF: u8 = 1;
/// The ExID of TCP Fast Open in the experimental option (RFC 7413 §4.1.1).
pub const TFO_EXID: [u8; 2] = [0xf9, 0x89];
/// Fixed IPv6 header (RFC 8200 §3).
pub const IPV6_HEADER_LEN: usize = 40;
/// ICMP header: type, code, checksum, 4 more bytes (RFC 792).
const ICMP_HEADER_LEN: usize = 8;
/// The part of a TCP header an ICMP error must quote: ports and sequence (RFC 792).
const TCP_QUOTE_MIN: usize = 8;
/// The fixed TCP header, without options (RFC 9293 §3.1).
const TCP_FIXED_LEN: usize = 20;

/// TCP option kinds (IANA "TCP Option Kind Numbers").
pub mod opt {
    /// End of option list.
    pub const EOL: u8 = 0;
    /// No-operation.
    pub const NOP: u8 = 1;
    /// Maximum segment size (RFC 9293 §3.2).
    pub const MSS: u8 = 2;
    /// Window scale (RFC 7323 §2).
    pub const WSCALE: u8 = 3;
    /// SACK permitted (RFC 2018).
    pub const SACK_PERM: u8 = 4;
    /// SACK blocks (RFC 2018).
    pub const SACK: u8 = 5;
    /// Timestamps (RFC 7323 §3).
    pub const TIMESTAMPS: u8 = 8;
    /// TCP Fast Open cookie (RFC 7413).
    pub const TFO: u8 = 34;
    /// Experimental option with a 2-byte ExID (RFC 6994).
    pub const EXPERIMENTAL: u8 = 254;
}

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
    let rest = data.get(l.header_len..).unwrap_or(&[]);
    match l.next {
        Next::EtherType(ETHERTYPE_IPV4) | Next::EtherType(ETHERTYPE_IPV6) => {
            ip_layers(d, rest, l.header_len, wire_len.max(data.len()).saturating_sub(l.header_len), true)
        }
        Next::EtherType(t) => d.net = Net::Other(t),
        // tshark shows the rest of an unknown PPP or Frame Relay protocol as data.
        Next::Ppp(_) | Next::Nlpid(_) => d.payload = rest,
        Next::Family(_) | Next::Length(_) | Next::Undecoded => {}
    }
    d.pdu = registered_pdu(d, data);
}

/// The payload a protocol of the dissector registry claims, by the EtherType,
/// IP protocol or port that carries it (or its heuristic).
fn registered_pdu(d: &Dissected<'_>, data: &[u8]) -> Option<Pdu> {
    if d.error.is_some() || registry::REGISTRY.is_empty() {
        return None;
    }
    let l = d.link?;
    if let Net::Other(ethertype) = d.net {
        let rest = data.get(l.header_len..)?;
        let dissector = registry::claimed(Claim::EtherType(ethertype))?;
        return Some(Pdu { dissector, offset: l.header_len, len: rest.len() });
    }
    // The payload must lie in the frame (not in a reassembled buffer).
    let offset = (d.payload.as_ptr() as usize).checked_sub(data.as_ptr() as usize)?;
    if offset + d.payload.len() > data.len() {
        return None;
    }
    match d.transport {
        Transport::Other(proto) if !d.payload.is_empty() => {
            let dissector = registry::claimed(Claim::IpProto(proto))?;
            Some(Pdu { dissector, offset, len: d.payload.len() })
        }
        Transport::Udp(u) => registry::for_ports(Carrier::Udp, u.sport, u.dport, offset, d.payload),
        Transport::Tcp(h) if h.flags & crate::sniff::tcp::flags::RST == 0 => {
            registry::for_ports(Carrier::Tcp, h.sport, h.dport, offset, d.payload)
        }
        _ => None,
    }
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
        reassembled: None,
        pdu: None,
    }
}

/// Decodes an IP datagram at `offset` in the frame; `follow_icmp` decodes the
/// datagram quoted by an ICMP error (one level only).
fn ip_layers<'a>(out: &mut Dissected<'a>, data: &'a [u8], offset: usize, wire: usize, follow_icmp: bool) {
    let (ip, ext_err) = match LaxIpSlice::from_slice(data) {
        Ok(v) => v,
        Err(e) => {
            let layer = match data.first().map(|b| b >> 4) {
                Some(6) => Layer::Ipv6,
                _ => Layer::Ipv4,
            };
            out.error = Some(ip_error(e, layer, offset));
            return;
        }
    };
    let payload = ip.payload();
    let declared = match &ip {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            let hdr_len = usize::from(h.ihl()) * 4;
            let raw = h.slice();
            out.net = Net::Ipv4(Ipv4 {
                offset,
                hdr_len: h.ihl() * 4,
                dsfield: raw[1],
                total_len: h.total_len(),
                id: h.identification(),
                flags: raw[6] >> 5,
                frag_offset: h.fragments_offset().value(),
                ttl: h.ttl(),
                proto: h.protocol().0,
                checksum: h.header_checksum(),
                src: h.source_addr(),
                dst: h.destination_addr(),
            });
            let total = usize::from(h.total_len());
            if total >= hdr_len && total != 0 {
                total.min(wire).saturating_sub(hdr_len)
            } else {
                payload.payload.len()
            }
        }
        LaxIpSlice::Ipv6(v6) => {
            let h = v6.header();
            let ext_len = v6.extensions().slice().len();
            out.net = Net::Ipv6(Ipv6 {
                offset,
                tclass: h.traffic_class(),
                flow: h.flow_label().value(),
                plen: h.payload_length(),
                nxt: h.next_header().0,
                hlim: h.hop_limit(),
                src: h.source_addr(),
                dst: h.destination_addr(),
                ext_len,
                proto: payload.ip_number.0,
                fragment: v6.is_payload_fragmented(),
            });
            match h.payload_length() {
                0 => payload.payload.len(),
                plen => usize::from(plen).min(wire.saturating_sub(IPV6_HEADER_LEN)).saturating_sub(ext_len),
            }
        }
    };
    if let Some((e, _)) = ext_err {
        let at = offset + IPV6_HEADER_LEN;
        out.error = Some(DecodeError {
            layer: Layer::Ipv6,
            offset: at,
            kind: match e {
                err::ipv6_exts::HeaderSliceError::Len(l) => {
                    ErrorKind::Truncated { needed: l.required_len, have: l.len }
                }
                err::ipv6_exts::HeaderSliceError::Content(_) => ErrorKind::Invalid("extension header", 0),
            },
        });
        return;
    }
    let at = out.net.payload_offset();
    let proto = payload.ip_number.0;
    if not_first_fragment(&out.net) {
        out.transport = Transport::Other(proto);
        out.payload = payload.payload;
        return;
    }
    transport(out, proto, payload.payload, at, declared, follow_icmp);
}

/// Decodes the transport layer of a reassembled IPv4 datagram whose payload is
/// `data` (protocol `proto`), as if it followed the IP header of the frame that
/// completed it (at `offset`).
pub fn reassembled<'a>(out: &mut Dissected<'a>, proto: u8, data: &'a [u8], offset: usize) {
    out.reassembled = Some(data.len());
    transport(out, proto, data, offset, data.len(), true);
}

/// The IPv4 fragment a frame carries, when its whole payload was captured (a
/// fragment cut short cannot be reassembled).
pub fn ipv4_fragment<'a>(d: &Dissected<'a>) -> Option<Fragment<'a>> {
    let Net::Ipv4(h) = d.net else { return None };
    let declared = usize::from(h.total_len).checked_sub(usize::from(h.hdr_len))?;
    let fragmented = h.frag_offset != 0 || h.flags & IPV4_MF != 0;
    if !fragmented || d.error.is_some() || d.tunnel_count != 0 || d.payload.len() != declared {
        return None;
    }
    Some(Fragment {
        key: FragmentKey { src: h.src, dst: h.dst, proto: h.proto, id: h.id },
        offset: usize::from(h.frag_offset) * 8,
        more: h.flags & IPV4_MF != 0,
        data: d.payload,
    })
}

/// True for an IPv4 fragment (offset or more-fragments set) or an IPv6
/// fragment: without reassembly its transport header is not decoded.
fn not_first_fragment(net: &Net) -> bool {
    match net {
        Net::Ipv4(h) => h.frag_offset != 0 || h.flags & IPV4_MF != 0,
        Net::Ipv6(h) => h.fragment,
        _ => false,
    }
}

fn ip_error(e: err::ip::LaxHeaderSliceError, layer: Layer, offset: usize) -> DecodeError {
    use err::ip::{HeaderError, LaxHeaderSliceError};
    let kind = match e {
        LaxHeaderSliceError::Len(l) => ErrorKind::Truncated { needed: l.required_len, have: l.len },
        LaxHeaderSliceError::Content(HeaderError::UnsupportedIpVersion { version_number }) => {
            ErrorKind::Invalid("IP version", u32::from(version_number))
        }
        LaxHeaderSliceError::Content(HeaderError::Ipv4HeaderLengthSmallerThanHeader { ihl }) => {
            ErrorKind::Invalid("header length (IHL)", u32::from(ihl))
        }
    };
    DecodeError { layer, offset, kind }
}

/// Decodes the transport header of protocol `proto` from the IP payload `data`
/// (at `offset` in the frame; `declared` bytes long per the IP header).
fn transport<'a>(out: &mut Dissected<'a>, proto: u8, data: &'a [u8], offset: usize, declared: usize, follow: bool) {
    match proto {
        proto::TCP => tcp(out, data, offset, declared),
        proto::UDP => match UdpSlice::from_slice_lax(data) {
            Ok(u) => {
                out.transport = Transport::Udp(Udp {
                    offset,
                    sport: u.source_port(),
                    dport: u.destination_port(),
                    length: u.length(),
                    checksum: u.checksum(),
                });
                out.payload = u.payload();
            }
            Err(l) => {
                out.error = Some(DecodeError {
                    layer: Layer::Udp,
                    offset,
                    kind: ErrorKind::Truncated { needed: l.required_len, have: l.len },
                })
            }
        },
        proto::ICMP | proto::ICMPV6 => icmp(out, proto == proto::ICMPV6, data, offset, follow),
        proto::IPIP | proto::IPV6_IN_IP if usize::from(out.tunnel_count) < MAX_TUNNELS => {
            tunnel(out, proto, data, offset, declared, follow)
        }
        other => {
            out.transport = Transport::Other(other);
            out.payload = data;
        }
    }
}

/// An IP datagram inside IP (RFC 2003, RFC 4213 §3.5): the outer header moves to
/// [`Dissected::tunnels`] and the inner one is decoded as the frame's network
/// layer, as tshark does (its fields become more occurrences of ip.* / ipv6.*).
fn tunnel<'a>(out: &mut Dissected<'a>, proto: u8, data: &'a [u8], offset: usize, declared: usize, follow: bool) {
    let outer = out.net;
    out.tunnels[usize::from(out.tunnel_count)] = outer;
    out.tunnel_count += 1;
    ip_layers(out, data, offset, declared, follow);
    if out.net == outer {
        // The inner header could not be decoded: the outer one stays the network layer.
        out.tunnel_count -= 1;
        out.transport = Transport::Other(proto);
        out.payload = data;
    }
}

/// Byte offsets of the fields of the TCP header, from the header's start.
pub(crate) mod field {
    use std::ops::Range;

    /// TCP (RFC 9293 §3.1).
    pub mod tcp {
        use super::Range;
        /// Source port.
        pub const SRC_PORT: Range<usize> = 0..2;
        /// Destination port.
        pub const DST_PORT: Range<usize> = 2..4;
        /// Sequence number.
        pub const SEQ: Range<usize> = 4..8;
        /// Acknowledgment number.
        pub const ACK: Range<usize> = 8..12;
        /// Data offset (high nibble), reserved bits and AE.
        pub const DATA_OFFSET: usize = 12;
        /// Data offset, reserved bits and the control bits.
        pub const FLAGS: Range<usize> = 12..14;
        /// Window.
        pub const WINDOW: Range<usize> = 14..16;
        /// Checksum.
        pub const CHECKSUM: Range<usize> = 16..18;
        /// Urgent pointer.
        pub const URGENT: Range<usize> = 18..20;
    }
}

/// TCP (RFC 9293 §3.1): the fixed header and the options, with `declared` bytes
/// of IP payload per the IP header. A header the capture cut after its fixed
/// part is decoded as far as it goes and marked malformed, as tshark does.
fn tcp<'a>(out: &mut Dissected<'a>, data: &'a [u8], offset: usize, declared: usize) {
    let Some(b) = data.get(..TCP_FIXED_LEN) else {
        let kind = ErrorKind::Truncated { needed: TCP_FIXED_LEN, have: data.len() };
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
        return;
    };
    let data_offset = b[field::tcp::DATA_OFFSET] >> 4;
    let hdr_len = usize::from(data_offset) * 4;
    if hdr_len < TCP_FIXED_LEN {
        let kind = ErrorKind::Invalid("data offset", u32::from(data_offset));
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
        return;
    }
    let be32 = |at: std::ops::Range<usize>| be32(b, at.start);
    let be16 = |at: std::ops::Range<usize>| be16(b, at.start);
    let mut h = Tcp {
        offset,
        sport: be16(field::tcp::SRC_PORT),
        dport: be16(field::tcp::DST_PORT),
        seq: be32(field::tcp::SEQ),
        ack: be32(field::tcp::ACK),
        hdr_len: data_offset * 4,
        flags: be16(field::tcp::FLAGS) & 0x0fff,
        window: be16(field::tcp::WINDOW),
        checksum: be16(field::tcp::CHECKSUM),
        urgent: be16(field::tcp::URGENT),
        options: Options::default(),
        opt_kinds: [0; MAX_TCP_OPTIONS],
        opt_count: 0,
        tfo_len: 0,
        payload_len: u32::try_from(declared.saturating_sub(hdr_len)).unwrap_or(u32::MAX),
        malformed: false,
    };
    let captured = data.len().min(hdr_len);
    tcp_options(&data[TCP_FIXED_LEN..captured], &mut h);
    if captured < hdr_len {
        h.malformed = true;
        let kind = ErrorKind::Truncated { needed: hdr_len, have: data.len() };
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
    } else if h.malformed {
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind: ErrorKind::Invalid("SACK option length", 2) });
    }
    out.transport = Transport::Tcp(h);
    out.payload = data.get(hdr_len..).unwrap_or(&[]);
}

/// ICMP (RFC 792) or ICMPv6 (RFC 4443): the header, and for an error message
/// the quoted IP header and the start of its transport header.
fn icmp<'a>(out: &mut Dissected<'a>, v6: bool, data: &'a [u8], offset: usize, follow: bool) {
    let parsed = if v6 {
        Icmpv6Slice::from_slice(data).map(|s| (s.type_u8(), s.code_u8(), s.checksum(), s.bytes5to8()))
    } else {
        Icmpv4Slice::from_slice(data).map(|s| (s.type_u8(), s.code_u8(), s.checksum(), s.bytes5to8()))
    };
    let (ty, code, checksum, rest) = match parsed {
        Ok(v) => v,
        Err(l) => {
            let layer = if v6 { Layer::Icmpv6 } else { Layer::Icmp };
            out.error =
                Some(DecodeError { layer, offset, kind: ErrorKind::Truncated { needed: l.required_len, have: l.len } });
            return;
        }
    };
    let h = Icmp { offset, v6, ty, code, checksum, rest };
    out.transport = Transport::Icmp(h);
    let body = data.get(ICMP_HEADER_LEN..).unwrap_or(&[]);
    out.payload = body;
    if follow && h.is_error() && !body.is_empty() {
        let mut inner = empty();
        ip_layers(&mut inner, body, offset + ICMP_HEADER_LEN, body.len(), false);
        if inner.net != Net::None {
            let transport = match inner.transport {
                Transport::None => quoted_tcp_ports(&inner.net, body, offset + ICMP_HEADER_LEN),
                t => t,
            };
            out.quoted = Some(Quoted { net: inner.net, transport });
            out.payload = match transport {
                Transport::Udp(_) | Transport::Icmp(_) => inner.payload,
                _ => &[],
            };
        }
    }
}

/// The 8 bytes of a TCP header an ICMP error quotes at least, when the full
/// header is not there.
fn quoted_tcp_ports(net: &Net, ip: &[u8], ip_offset: usize) -> Transport {
    let (proto, start) = match net {
        Net::Ipv4(h) => (h.proto, usize::from(h.hdr_len)),
        Net::Ipv6(h) => (h.proto, IPV6_HEADER_LEN + h.ext_len),
        _ => return Transport::None,
    };
    match ip.get(start..start + TCP_QUOTE_MIN) {
        Some(b) if proto == proto::TCP => Transport::TcpPorts {
            offset: ip_offset + start,
            sport: be16(b, field::tcp::SRC_PORT.start),
            dport: be16(b, field::tcp::DST_PORT.start),
            seq: be32(b, field::tcp::SEQ.start),
        },
        _ => Transport::None,
    }
}

/// Walks the TCP options (RFC 9293 §3.2): kind, length, value; EOL and NOP are
/// one byte (the padding after EOL is listed as more EOLs, as Wireshark does).
/// Stops quietly at a malformed length; what came before is kept. A SACK option
/// without blocks (length 2) marks the header malformed: tshark's SACK dissector
/// throws on it.
pub fn tcp_options(bytes: &[u8], h: &mut Tcp) {
    let mut i = 0;
    while i < bytes.len() && usize::from(h.opt_count) < MAX_TCP_OPTIONS {
        let kind = bytes[i];
        h.opt_kinds[usize::from(h.opt_count)] = kind;
        h.opt_count += 1;
        // After EOL only padding follows; Wireshark lists each padding byte as EOL.
        if kind == opt::EOL || kind == opt::NOP {
            i += 1;
            continue;
        }
        let Some(&len) = bytes.get(i + 1) else { return };
        let len = usize::from(len);
        let Some(v) = bytes.get(i + 2..i + len.max(2)).filter(|_| len >= 2) else {
            return;
        };
        if kind == opt::TFO {
            h.tfo_len = u8::try_from(len).unwrap_or(u8::MAX);
            h.options.tfo_cookie |= h.tfo_len > 2;
        } else if kind == opt::EXPERIMENTAL && v.starts_with(&TFO_EXID) {
            h.tfo_len = u8::try_from(len - 2).unwrap_or(u8::MAX);
            h.options.tfo_cookie |= h.tfo_len > 2;
        }
        let o = &mut h.options;
        match (kind, v.len()) {
            (opt::MSS, 2) => o.mss = Some(u16::from_be_bytes([v[0], v[1]])),
            (opt::WSCALE, 1) => o.wscale = Some(v[0]),
            (opt::SACK_PERM, 0) => o.sack_perm = true,
            (opt::TIMESTAMPS, 8) => {
                o.timestamps =
                    Some((u32::from_be_bytes([v[0], v[1], v[2], v[3]]), u32::from_be_bytes([v[4], v[5], v[6], v[7]])))
            }
            (opt::SACK, 0) => h.malformed = true,
            (opt::SACK, n) if n % 8 == 0 => {
                for block in v.chunks_exact(8).take(o.sack.len()) {
                    o.sack[usize::from(o.sack_count)] = (
                        u32::from_be_bytes([block[0], block[1], block[2], block[3]]),
                        u32::from_be_bytes([block[4], block[5], block[6], block[7]]),
                    );
                    o.sack_count += 1;
                }
            }
            _ => {}
        }
        i += len;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
    fn syn_with_options() {
        let d = dissect(LinkType::Ethernet, &SYN);
        assert_eq!(d.error, None);
        let Net::Ipv4(ip) = d.net else { panic!("no IPv4: {d:?}") };
        assert_eq!((ip.id, ip.ttl, ip.flags, ip.hdr_len), (0x1b68, 64, 2, 20));
        let Transport::Tcp(t) = d.transport else { panic!("no TCP") };
        assert_eq!((t.sport, t.dport, t.flags, t.hdr_len, t.payload_len), (41864, 12000, 0x002, 40, 0));
        assert_eq!(t.options.mss, Some(65495));
        assert_eq!(t.options.wscale, Some(10));
        assert!(t.options.sack_perm);
        assert_eq!(t.options.timestamps, Some((0x9c3f2a11, 0)));
        assert_eq!(t.option_kinds(), &[2, 4, 8, 1, 3]);
    }

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

    #[test]
    fn bad_tcp_data_offset_is_an_error() {
        let mut bad = SYN;
        bad[46] = 0x30;
        let e = dissect(LinkType::Ethernet, &bad).error.unwrap();
        assert_eq!(e.to_string(), "TCP header at byte 34: invalid data offset 3");
    }

    #[test]
    fn malformed_options_stop_quietly() {
        let mut h = match dissect(LinkType::Ethernet, &SYN).transport {
            Transport::Tcp(t) => t,
            _ => unreachable!(),
        };
        for opts in [&[2u8][..], &[2, 0], &[2, 1, 0], &[5, 10, 0, 0], &[8, 10, 1, 2, 3], &[1, 1, 1, 0, 9, 9]] {
            h.opt_count = 0;
            tcp_options(opts, &mut h);
        }
    }

    /// Raw IPv4: ICMP port unreachable quoting a UDP datagram 127.0.0.1:5000 → :9.
    pub const PORT_UNREACHABLE: [u8; 61] = [
        0x45, 0, 0, 61, 0x1b, 0x69, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
        3, 3, 0, 0, 0, 0, 0, 0, // ICMP
        0x45, 0, 0, 33, 0x1b, 0x68, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // quoted IPv4
        0x13, 0x88, 0, 9, 0, 13, 0, 0, b'h', b'e', b'l', b'l', b'o', // quoted UDP
    ];

    #[test]
    fn icmp_error_quotes_udp() {
        let d = dissect(LinkType::Raw, &PORT_UNREACHABLE);
        assert_eq!(d.error, None);
        let Transport::Icmp(i) = d.transport else { panic!() };
        assert_eq!((i.ty, i.code, i.is_error()), (3, 3, true));
        let q = d.quoted.unwrap();
        assert_eq!(q.transport.ports(), Some((5000, 9)));
        assert_eq!(d.payload, b"hello");
        for n in 0..PORT_UNREACHABLE.len() {
            let _ = dissect(LinkType::Raw, &PORT_UNREACHABLE[..n]);
        }
    }

    /// Raw IPv4 (proto 41) carrying IPv6 + ICMPv6 echo request with 2 data bytes
    /// (as zeek-traces/tunnels/ping6-in-ipv4.pcap, RFC 4213 §3.5).
    const PING6_IN_IPV4: [u8; 70] = [
        0x45, 0, 0, 70, 0, 1, 0, 0, 64, 41, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4, protocol 41
        0x60, 0, 0, 0, 0, 10, 58, 64, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, // IPv6 ...
        0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, // ... destination
        128, 0, 0, 0, 0, 7, 0, 1, b'h', b'i', // ICMPv6 echo request
    ];

    #[test]
    fn ipv6_in_ipv4_is_decoded_as_a_tunnel() {
        let d = dissect(LinkType::Raw, &PING6_IN_IPV4);
        assert_eq!(d.error, None);
        assert!(matches!(d.tunnels(), [Net::Ipv4(h)] if h.proto == 41));
        let Net::Ipv6(inner) = d.net else { panic!("inner IPv6: {d:?}") };
        assert_eq!(inner.dst, "2001:db8:0:1::2".parse::<std::net::Ipv6Addr>().unwrap());
        assert!(matches!(d.transport, Transport::Icmp(i) if i.v6 && i.ty == 128));
        assert_eq!(d.payload, b"hi");
        // A cut inner header leaves the outer one as the network layer.
        let d = dissect(LinkType::Raw, &PING6_IN_IPV4[..30]);
        assert_eq!((d.tunnel_count, d.transport), (0, Transport::Other(41)));
        for n in 0..PING6_IN_IPV4.len() {
            let _ = dissect(LinkType::Raw, &PING6_IN_IPV4[..n]);
        }
    }

    #[test]
    fn tcp_header_cut_in_its_options_is_decoded_and_malformed() {
        // The SYN's 40-byte header captured up to its 8th option byte (as
        // zeek-traces/tcp/truncated-header.pcap): ports, seq, flags and MSS survive.
        let d = dissect_frame(LinkType::Ethernet, &SYN[..62], SYN.len());
        let Transport::Tcp(t) = d.transport else { panic!("no TCP: {d:?}") };
        assert_eq!((t.sport, t.dport, t.flags, t.hdr_len, t.payload_len), (41864, 12000, 0x002, 40, 0));
        assert_eq!(t.options.mss, Some(65495));
        assert!(t.malformed);
        assert_eq!(d.error.unwrap().to_string(), "TCP header at byte 34 cut short: needs 40 bytes, 28 captured");
    }

    #[test]
    fn sack_without_blocks_is_malformed() {
        // Raw IPv4 ACK whose options are NOP NOP SACK(len 2) (suricata-verify tcp-empty-sack).
        let frame: [u8; 44] = [
            0x45, 0, 0, 44, 0xe5, 0xc0, 0x40, 0, 0xf0, 6, 0, 0, 17, 173, 66, 179, 192, 168, 0, 54, // IPv4
            0x01, 0xbb, 0xc1, 0x62, 0xeb, 0x4e, 0x1a, 0x02, 0xdf, 0x10, 0x2c, 0x40, 0x60, 0x10, 0xff, 0x5f, 0xb1, 0x6f,
            0, 0, 1, 1, 5, 2, // TCP with options
        ];
        let d = dissect(LinkType::Raw, &frame);
        let Transport::Tcp(t) = d.transport else { panic!("no TCP: {d:?}") };
        assert!(t.malformed);
        assert_eq!(t.option_kinds(), &[1, 1, 5]);
    }

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
