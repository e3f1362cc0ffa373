//! ICMP (RFC 792) and ICMPv6 (RFC 4443, with Neighbor Discovery RFC 4861 and
//! MLDv2 RFC 3810): the protocol file. It decodes the header and, in an error
//! message, the quoted datagram's IP header and the start of its transport
//! header. `tree` is its part of the details tree, `info` its Info column,
//! `values` its `icmp.*`/`icmpv6.*` fields, `names` Wireshark's names of types
//! and codes. Links between frames (errors to the datagram they quote, echo
//! pairs) live in [`crate::sniff::icmp`].

pub mod fields;
pub mod header;
pub mod info;
pub mod names;
pub mod tree;

use super::ip::{self, IPV6_HEADER_LEN};
use super::{empty, tcp};
use crate::proto::bytes::{be16, be32};
use crate::sniff::packet::{DecodeError, Dissected, ErrorKind, Icmp, Layer, Net, Quoted, Transport};
use etherparse::{Icmpv4Slice, Icmpv6Slice};

/// The IP protocol number of ICMP (IANA).
pub const IP_PROTO: u8 = 1;
/// The IPv6 next header of ICMPv6 (IANA).
pub const IPV6_NEXT_HEADER: u8 = 58;

/// ICMP header: type, code, checksum, 4 more bytes (RFC 792).
const ICMP_HEADER_LEN: usize = 8;
/// The part of a TCP header an ICMP error must quote: ports and sequence (RFC 792).
const TCP_QUOTE_MIN: usize = 8;
/// ICMP (RFC 792) or ICMPv6 (RFC 4443): the header, and for an error message
/// the quoted IP header and the start of its transport header.
pub fn decode<'a>(out: &mut Dissected<'a>, v6: bool, data: &'a [u8], offset: usize, follow: bool) {
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
        ip::decode(&mut inner, body, offset + ICMP_HEADER_LEN, body.len(), false);
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
        Some(b) if proto == tcp::IP_PROTO => Transport::TcpPorts {
            offset: ip_offset + start,
            sport: be16(b, tcp::field::tcp::SRC_PORT.start),
            dport: be16(b, tcp::field::tcp::DST_PORT.start),
            seq: be32(b, tcp::field::tcp::SEQ.start),
        },
        _ => Transport::None,
    }
}

#[cfg(test)]
mod tests {
    use crate::sniff::dissect::dissect;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::dissect::tests::PORT_UNREACHABLE;
    use crate::sniff::packet::Transport;

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
}
