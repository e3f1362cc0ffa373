//! IPv4's and IPv6's fields (`ip.*`, `ipv6.*`): of each header of a tunnel, of
//! the datagram, and of a datagram quoted in an ICMP error, in that order.

use super::header::Ipv6Frag;
use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::{Net, Packet};
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Ip;
    Ip => "ip",
    IpSrc => "ip.src",
    IpDst => "ip.dst",
    IpAddr => "ip.addr",
    IpProto => "ip.proto",
    IpTtl => "ip.ttl",
    IpLen => "ip.len",
    IpId => "ip.id",
    IpHdrLen => "ip.hdr_len",
    IpFlags => "ip.flags",
    IpFlagsDf => "ip.flags.df",
    IpChecksum => "ip.checksum",
    IpFlagsMf => "ip.flags.mf",
    IpFragOffset => "ip.frag_offset",
    IpFragment => "ip.fragment",
    IpFragmentCount => "ip.fragment.count",
    IpReassembledIn => "ip.reassembled_in",
    IpReassembledLength => "ip.reassembled.length",
    Ipv6 => "ipv6",
    Ipv6Src => "ipv6.src",
    Ipv6Dst => "ipv6.dst",
    Ipv6Addr => "ipv6.addr",
    Ipv6Nxt => "ipv6.nxt",
    Ipv6Hlim => "ipv6.hlim",
    Ipv6Plen => "ipv6.plen",
    Ipv6FraghdrNxt => "ipv6.fraghdr.nxt",
    Ipv6FraghdrOffset => "ipv6.fraghdr.offset",
    Ipv6FraghdrMore => "ipv6.fraghdr.more",
    Ipv6FraghdrIdent => "ipv6.fraghdr.ident",
    Ipv6Fragment => "ipv6.fragment",
    Ipv6FragmentCount => "ipv6.fragment.count",
    Ipv6ReassembledIn => "ipv6.reassembled.in",
    Ipv6ReassembledLength => "ipv6.reassembled.length",
}

/// Appends the values of IP field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    for net in p.d.tunnels() {
        layer_values(net, field, out);
    }
    layer_values(&p.d.net, field, out);
    if let Some(q) = &p.d.quoted {
        layer_values(&q.net, field, out);
    }
    reassembly_values(p, field, out);
}

/// The reassembly fields of the datagram's own layer: the frame that completes
/// it, or on that frame its fragments' frames, their count and the length.
fn reassembly_values(p: &Packet<'_>, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    let v6 = match p.d.net {
        Net::Ipv4(_) => false,
        Net::Ipv6(_) => true,
        _ => return,
    };
    let pieces = p.fragments.pieces;
    let whole = p.d.reassembled.filter(|_| !pieces.is_empty());
    match (field, v6) {
        (F::IpReassembledIn, false) | (F::Ipv6ReassembledIn, true) => {
            out.extend(p.reassembled_in.map(|n| Value::Uint(u64::from(n))))
        }
        (F::IpFragment, false) | (F::Ipv6Fragment, true) if whole.is_some() => {
            out.extend(pieces.iter().map(|f| Value::Uint(u64::from(f.frame))))
        }
        (F::IpFragmentCount, false) | (F::Ipv6FragmentCount, true) if whole.is_some() => {
            out.push(Value::Uint(pieces.len() as u64))
        }
        (F::IpReassembledLength, false) | (F::Ipv6ReassembledLength, true) => {
            out.extend(whole.map(|n| Value::Uint(n as u64)))
        }
        _ => {}
    }
}

/// The IP fields of one network layer.
fn layer_values(net: &Net, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    match *net {
        Net::Ipv4(h) => match field {
            F::Ip => {
                out.push(Value::Str(Cow::Owned(format!("Internet Protocol Version 4, Src: {}, Dst: {}", h.src, h.dst))))
            }
            F::IpSrc => out.push(Value::Ip(h.src.into())),
            F::IpDst => out.push(Value::Ip(h.dst.into())),
            F::IpAddr => out.extend([Value::Ip(h.src.into()), Value::Ip(h.dst.into())]),
            F::IpProto => out.push(Value::Uint(u64::from(h.proto))),
            F::IpTtl => out.push(Value::Uint(u64::from(h.ttl))),
            F::IpLen => out.push(Value::Uint(u64::from(h.total_len))),
            F::IpId => out.push(Value::hex(u64::from(h.id), 4)),
            F::IpHdrLen => out.push(Value::Uint(u64::from(h.hdr_len))),
            F::IpFlags => out.push(Value::hex(u64::from(h.flags), 2)),
            F::IpFlagsDf => out.push(Value::Bool(h.flags & 0x2 != 0)),
            F::IpChecksum => out.push(Value::hex(u64::from(h.checksum), 4)),
            F::IpFlagsMf => out.push(Value::Bool(h.flags & 0x1 != 0)),
            F::IpFragOffset => out.push(Value::Uint(u64::from(h.frag_offset))),
            _ => {}
        },
        Net::Ipv6(h) => match field {
            F::Ipv6 => {
                out.push(Value::Str(Cow::Owned(format!("Internet Protocol Version 6, Src: {}, Dst: {}", h.src, h.dst))))
            }
            F::Ipv6Src => out.push(Value::Ip(h.src.into())),
            F::Ipv6Dst => out.push(Value::Ip(h.dst.into())),
            F::Ipv6Addr => out.extend([Value::Ip(h.src.into()), Value::Ip(h.dst.into())]),
            F::Ipv6Nxt => out.push(Value::Uint(u64::from(h.nxt))),
            F::Ipv6Hlim => out.push(Value::Uint(u64::from(h.hlim))),
            F::Ipv6Plen => out.push(Value::Uint(u64::from(h.plen))),
            F::Ipv6FraghdrNxt | F::Ipv6FraghdrOffset | F::Ipv6FraghdrMore | F::Ipv6FraghdrIdent => {
                out.extend(h.frag.map(|f| fraghdr_value(&f, field)))
            }
            _ => {}
        },
        _ => {}
    }
}

/// A field of the IPv6 fragment header (RFC 8200 §4.5).
fn fraghdr_value(f: &Ipv6Frag, field: FieldId) -> Value<'static> {
    match field {
        FieldId::Ipv6FraghdrNxt => Value::Uint(u64::from(f.nxt)),
        FieldId::Ipv6FraghdrOffset => Value::Uint(u64::from(f.offset)),
        FieldId::Ipv6FraghdrMore => Value::Bool(f.more),
        _ => Value::hex(u64::from(f.ident), 8),
    }
}
