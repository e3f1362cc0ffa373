//! IPv4's and IPv6's fields (`ip.*`, `ipv6.*`): of each header of a tunnel, of
//! the datagram, and of a datagram quoted in an ICMP error, in that order.

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
    Ipv6 => "ipv6",
    Ipv6Src => "ipv6.src",
    Ipv6Dst => "ipv6.dst",
    Ipv6Addr => "ipv6.addr",
    Ipv6Nxt => "ipv6.nxt",
    Ipv6Hlim => "ipv6.hlim",
    Ipv6Plen => "ipv6.plen",
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
            _ => {}
        },
        _ => {}
    }
}
