//! IPv4 (RFC 791) and IPv6 (RFC 8200): the protocol file of the network layer.
//! It decodes the header (with etherparse's lax slicing, so a datagram the
//! capture cut short still yields its header), hands the payload to the
//! transport protocol its next-header value names, and unwraps IP in IP.
//! `tree` is its part of the details tree, `info` its Info column when no
//! transport protocol is decoded, `values` its `ip.*`/`ipv6.*` fields.

pub mod fields;
pub mod fragments;
pub mod header;
pub mod info;
pub mod protocols;
pub mod tree;

use super::transport;
use crate::sniff::defrag::{Fragment, FragmentKey};
use crate::sniff::packet::{DecodeError, Dissected, ErrorKind, Ipv4, Ipv6, Layer, Net, Transport};
use etherparse::{err, Ipv6ExtensionsSlice, LaxIpSlice};
use header::Ipv6Frag;

/// The IP protocol numbers (IANA) of IP inside IP, which this file decodes
/// itself; each transport protocol's file declares its own (`tcp::IP_PROTO`).
pub mod proto {
    /// IPv4 encapsulated in IP (RFC 2003).
    pub const IPIP: u8 = 4;
    /// IPv6 encapsulated in IP (RFC 4213 §3.5).
    pub const IPV6_IN_IP: u8 = 41;
}

/// The more-fragments bit of the IPv4 flags (RFC 791 §3.1).
const IPV4_MF: u8 = 1;
/// Fixed IPv6 header (RFC 8200 §3).
pub const IPV6_HEADER_LEN: usize = 40;
/// Decodes an IP datagram at `offset` in the frame; `follow_icmp` decodes the
/// datagram quoted by an ICMP error (one level only).
#[inline]
pub fn decode<'a>(out: &mut Dissected<'a>, data: &'a [u8], offset: usize, wire: usize, follow_icmp: bool) {
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
                frag: ipv6_frag(v6.extensions(), offset + IPV6_HEADER_LEN),
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

/// The IPv4 or IPv6 fragment a frame carries, when its whole payload was
/// captured (a fragment cut short cannot be reassembled).
pub fn fragment<'a>(d: &Dissected<'a>) -> Option<Fragment<'a>> {
    if d.error.is_some() || d.tunnel_count != 0 || d.payload.len() != payload_len(&d.net)? {
        return None;
    }
    let (key, offset, more) = match d.net {
        Net::Ipv4(h) if h.frag_offset != 0 || h.flags & IPV4_MF != 0 => {
            let key = FragmentKey { src: h.src.into(), dst: h.dst.into(), proto: h.proto, id: u32::from(h.id) };
            (key, h.frag_offset, h.flags & IPV4_MF != 0)
        }
        Net::Ipv6(h) if h.fragment => {
            let f = h.frag?;
            (FragmentKey { src: h.src.into(), dst: h.dst.into(), proto: f.nxt, id: f.ident }, f.offset, f.more)
        }
        _ => return None,
    };
    Some(Fragment { key, offset: usize::from(offset) * 8, more, data: d.payload })
}

/// The first fragment header among IPv6 extension headers that start at `at`
/// in the frame (RFC 8200 §4.5), walked over the raw bytes with checked
/// lengths (the headers of a lax slice may be cut short or hostile).
fn ipv6_frag(exts: &Ipv6ExtensionsSlice<'_>, at: usize) -> Option<Ipv6Frag> {
    /// Extension headers (IANA protocol numbers) and the fragment header's length.
    const HOP_BY_HOP: u8 = 0;
    const ROUTING: u8 = 43;
    const FRAGMENT: u8 = 44;
    const AUTH: u8 = 51;
    const DEST_OPTS: u8 = 60;
    const UNIT: usize = 8;
    let raw = exts.slice();
    let (mut next, mut pos) = (exts.first_header()?.0, 0usize);
    while pos < raw.len() {
        let hdr = raw.get(pos..)?;
        let len = match next {
            FRAGMENT => {
                let f = hdr.get(..UNIT)?;
                let bits = u16::from_be_bytes([f[2], f[3]]);
                return Some(Ipv6Frag {
                    at: at + pos,
                    nxt: f[0],
                    reserved: f[1],
                    bits,
                    offset: bits >> 3,
                    more: bits & 1 != 0,
                    ident: u32::from_be_bytes([f[4], f[5], f[6], f[7]]),
                });
            }
            HOP_BY_HOP | ROUTING | DEST_OPTS => (usize::from(*hdr.get(1)?) + 1) * UNIT,
            AUTH => (usize::from(*hdr.get(1)?) + 2) * 4,
            _ => return None,
        };
        next = *hdr.first()?;
        pos += len;
    }
    None
}

/// True for an IPv4 fragment (offset or more-fragments set) or an IPv6
/// fragment: without reassembly its transport header is not decoded.
pub(crate) fn not_first_fragment(net: &Net) -> bool {
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

/// An IP datagram inside IP (RFC 2003, RFC 4213 §3.5): the outer header moves to
/// [`Dissected::tunnels`] and the inner one is decoded as the frame's network
/// layer, as tshark does (its fields become more occurrences of ip.* / ipv6.*).
pub(crate) fn tunnel<'a>(
    out: &mut Dissected<'a>,
    proto: u8,
    data: &'a [u8],
    offset: usize,
    declared: usize,
    follow: bool,
) {
    let outer = out.net;
    out.tunnels[usize::from(out.tunnel_count)] = outer;
    out.tunnel_count += 1;
    decode(out, data, offset, declared, follow);
    if out.net == outer {
        // The inner header could not be decoded: the outer one stays the network layer.
        out.tunnel_count -= 1;
        out.transport = Transport::Other(proto);
        out.payload = data;
    }
}

/// The payload length an IP header declares (None when it does not say).
pub fn payload_len(net: &Net) -> Option<usize> {
    match net {
        Net::Ipv4(h) => usize::from(h.total_len).checked_sub(usize::from(h.hdr_len)),
        Net::Ipv6(h) if h.plen != 0 => usize::from(h.plen).checked_sub(h.ext_len),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::dissect;
    use crate::sniff::dissect::link::LinkType;

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
}
