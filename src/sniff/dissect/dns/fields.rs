//! DNS's fields (`dns.*`), as `tshark -n -2 -T fields` prints them, of every
//! DNS message in the frame.

use super::{name_text, raw_address, records, DnsMsg, MDNS_CLASS_BIT};
use crate::proto::dns::{RData, RrType};
use crate::sniff::app::App;
use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::Packet;
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Dns;
    Dns => "dns",
    DnsId => "dns.id",
    DnsFlags => "dns.flags",
    DnsFlagsResponse => "dns.flags.response",
    DnsFlagsOpcode => "dns.flags.opcode",
    DnsFlagsAuthoritative => "dns.flags.authoritative",
    DnsFlagsTruncated => "dns.flags.truncated",
    DnsFlagsRecdesired => "dns.flags.recdesired",
    DnsFlagsRecavail => "dns.flags.recavail",
    DnsFlagsRcode => "dns.flags.rcode",
    DnsCountQueries => "dns.count.queries",
    DnsCountAnswers => "dns.count.answers",
    DnsCountAuthRr => "dns.count.auth_rr",
    DnsCountAddRr => "dns.count.add_rr",
    DnsQryName => "dns.qry.name",
    DnsQryType => "dns.qry.type",
    DnsQryClass => "dns.qry.class",
    DnsRespName => "dns.resp.name",
    DnsRespType => "dns.resp.type",
    DnsRespTtl => "dns.resp.ttl",
    DnsA => "dns.a",
    DnsAaaa => "dns.aaaa",
    DnsCname => "dns.cname",
    DnsResponseIn => "dns.response_in",
    DnsResponseTo => "dns.response_to",
    DnsTime => "dns.time",
}

/// Appends the values of DNS field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    if let App::Dns(msgs) = &p.app {
        msgs.iter().for_each(|m| message_values(m, field, out));
    } else if let Some(pdu) = &p.d.pdu {
        p.dissector_of(pdu).carried_dns().iter().for_each(|m| message_values(m, field, out));
    }
}

/// The fields of one message.
fn message_values<'s>(m: &'s DnsMsg, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let msg = &m.message;
    let h = &msg.header;
    let fl = &h.flags;
    let u = |v: u64| Value::Uint(v);
    let resp = fl.qr;
    let has_header = m.error.as_ref().is_none_or(|e| e.offset >= crate::proto::dns::HEADER_LEN);
    if !has_header {
        if field == F::Dns {
            out.push(Value::Str(Cow::Borrowed("Domain Name System")));
        }
        return;
    }
    match field {
        F::Dns => out.push(Value::Str(Cow::Borrowed(if resp {
            "Domain Name System (response)"
        } else {
            "Domain Name System (query)"
        }))),
        F::DnsId => out.push(Value::hex(u64::from(h.id), 4)),
        F::DnsFlags => out.push(Value::hex(u64::from(fl.to_u16()), 4)),
        F::DnsFlagsResponse => out.push(Value::Bool(resp)),
        F::DnsFlagsOpcode => out.push(u(u64::from(fl.opcode.code()))),
        F::DnsFlagsAuthoritative if resp => out.push(Value::Bool(fl.aa)),
        F::DnsFlagsTruncated => out.push(Value::Bool(fl.tc)),
        F::DnsFlagsRecdesired => out.push(Value::Bool(fl.rd)),
        F::DnsFlagsRecavail if resp => out.push(Value::Bool(fl.ra)),
        F::DnsFlagsRcode if resp => out.push(u(u64::from(fl.rcode.code()))),
        F::DnsCountQueries => out.push(u(u64::from(h.qdcount))),
        F::DnsCountAnswers => out.push(u(u64::from(h.ancount))),
        F::DnsCountAuthRr => out.push(u(u64::from(h.nscount))),
        F::DnsCountAddRr => out.push(u(u64::from(h.arcount))),
        F::DnsQryName => out.extend(msg.questions.iter().map(|q| Value::Str(Cow::Owned(name_text(&q.name))))),
        F::DnsQryType => out.extend(msg.questions.iter().map(|q| u(u64::from(q.qtype.code())))),
        F::DnsQryClass => {
            let mask = if m.mdns { !MDNS_CLASS_BIT } else { u16::MAX };
            out.extend(msg.questions.iter().map(|q| Value::hex(u64::from(q.qclass.code() & mask), 4)))
        }
        // tshark names SRV owners with dns.srv.* fields instead (RFC 2782 service, proto, name).
        F::DnsRespName => out
            .extend(records(msg).filter(|r| r.rtype.code() != 33).map(|r| Value::Str(Cow::Owned(name_text(&r.name))))),
        F::DnsRespType => out.extend(records(msg).map(|r| u(u64::from(r.rtype.code())))),
        F::DnsRespTtl => out.extend(records(msg).filter(|r| r.rtype != RrType::Opt).map(|r| u(u64::from(r.ttl)))),
        F::DnsA => out.extend(records(msg).filter_map(|r| match r.rdata {
            RData::A(a) => Some(Value::Ip(a.into())),
            RData::Raw(_) if r.rtype == RrType::A => raw_address(r).map(Value::Ip),
            _ => None,
        })),
        F::DnsAaaa => out.extend(records(msg).filter_map(|r| match r.rdata {
            RData::Aaaa(a) => Some(Value::Ip(a.into())),
            RData::Raw(_) if r.rtype == RrType::Aaaa => raw_address(r).map(Value::Ip),
            _ => None,
        })),
        F::DnsCname => out.extend(records(msg).filter_map(|r| match &r.rdata {
            RData::Cname(n) => Some(Value::Str(Cow::Owned(name_text(n)))),
            _ => None,
        })),
        F::DnsResponseIn => out.extend(m.response_in.map(|f| u(u64::from(f)))),
        F::DnsResponseTo => out.extend(m.response_to.map(|(f, _)| u(u64::from(f)))),
        F::DnsTime => out.extend(m.response_to.map(|(_, t)| Value::Seconds(t))),
        _ => {}
    }
}
