//! Ethernet's fields (`eth.*`).

use super::{LinkType, Next};
use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::Packet;
use crate::sniff::render::Mac;
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Link;
    Eth => "eth",
    EthSrc => "eth.src",
    EthDst => "eth.dst",
    EthType => "eth.type",
}

/// Appends the values of Ethernet field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    // The frame's own header, then those of the frames tunnels carry (ERSPAN, VXLAN).
    let inner = p.d.outer().filter_map(|(_, e)| e.link);
    for l in p.d.link.into_iter().chain(inner).filter(|l| l.kind == LinkType::Ethernet) {
        link_values(&l, field, out);
    }
}

/// The values of Ethernet field `field` of one Ethernet header.
fn link_values(l: &super::Link, field: FieldId, out: &mut Vec<Value<'_>>) {
    let ieee_802_3 = matches!(l.next, Next::Length(_)) && l.vlan_count == 0;
    match field {
        FieldId::Eth if ieee_802_3 => out.push(Value::Str(Cow::Borrowed("IEEE 802.3 Ethernet "))),
        FieldId::Eth => {
            out.push(Value::Str(Cow::Owned(format!("Ethernet II, Src: {}, Dst: {}", Mac(&l.eth_src), Mac(&l.eth_dst)))))
        }
        FieldId::EthSrc => out.push(Value::Str(Cow::Owned(Mac(&l.eth_src).to_string()))),
        FieldId::EthDst => out.push(Value::Str(Cow::Owned(Mac(&l.eth_dst).to_string()))),
        _ if ieee_802_3 => {}
        _ => out.push(Value::hex(u64::from(l.eth_type), 4)),
    }
}
