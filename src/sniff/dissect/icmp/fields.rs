//! ICMP's and ICMPv6's fields (`icmp.*`, `icmpv6.*`).

use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::{Icmp, Packet, Transport};
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Icmp;
    Icmp => "icmp",
    IcmpType => "icmp.type",
    IcmpCode => "icmp.code",
    IcmpIdent => "icmp.ident",
    IcmpSeq => "icmp.seq",
    Icmpv6 => "icmpv6",
    Icmpv6Type => "icmpv6.type",
    Icmpv6Code => "icmpv6.code",
}

/// Appends the values of ICMP field `field` of `p`: of the message and, after
/// them, of an ICMP message quoted by an error (a traceroute's echo inside a time exceeded: tshark prints `11,8`).
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    let Transport::Icmp(i) = p.d.transport else { return };
    header_values(&i, field, out);
    if let Some(Transport::Icmp(q)) = p.d.quoted.map(|q| q.transport) {
        header_values(&q, field, out);
    }
}

/// The fields of one ICMP or ICMPv6 header.
fn header_values(i: &Icmp, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    match (field, i.v6) {
        (F::Icmp, false) => out.push(Value::Str(Cow::Borrowed("icmp"))),
        (F::Icmpv6, true) => out.push(Value::Str(Cow::Borrowed("icmpv6"))),
        (F::IcmpType, false) | (F::Icmpv6Type, true) => out.push(Value::Uint(u64::from(i.ty))),
        (F::IcmpCode, false) | (F::Icmpv6Code, true) => out.push(Value::Uint(u64::from(i.code))),
        (F::IcmpIdent, false) if i.is_echo() => out.push(Value::Uint(u64::from(i.ident()))),
        (F::IcmpSeq, false) if i.is_echo() => out.push(Value::Uint(u64::from(i.seq()))),
        _ => {}
    }
}
