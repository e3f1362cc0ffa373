//! The `dns.*` and `http.*` fields of a packet, as `tshark -n -2 -T fields`
//! prints them, and the application names in `frame.protocols`.

use super::App;
use crate::proto::dns::{RData, RrType};
use crate::sniff::dissect::dns;
use crate::sniff::field_id::FieldId;
use crate::sniff::packet::Packet;
use crate::sniff::value::Value;
use std::borrow::Cow;

/// Whether a field belongs to DNS or HTTP.
pub fn is_app_field(f: FieldId) -> bool {
    // The DNS and HTTP ids are declared together, from `dns` to `http.time`.
    (FieldId::Dns.index()..=FieldId::HttpTime.index()).contains(&f.index())
}

/// The names after `tcp`/`udp` in `frame.protocols`: None when the payload is
/// plain data; empty for a segment of a message completed later.
pub fn protocols(p: &Packet<'_>) -> Option<Vec<&'static str>> {
    match &p.app {
        App::None => None,
        App::Segment(_) => Some(Vec::new()),
        App::Dns(m) if m.first().is_some_and(|m| m.mdns) => Some(vec!["mdns"]),
        App::Dns(_) => Some(vec!["dns"]),
        App::Http(m) if m.ssdp => Some(vec!["ssdp"]),
        App::HttpContinuation => Some(vec!["http", "data"]),
        App::HttpHeaderLines { body, .. } => Some(if *body > 0 { vec!["http", "data"] } else { vec!["http"] }),
        App::Http(m) => {
            Some(std::iter::once("http").chain(m.body_protocol()).chain(m.trailing.iter().copied()).collect())
        }
    }
}

/// Appends the values of a DNS or HTTP field.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    match &p.app {
        App::Dns(msgs) => msgs.iter().for_each(|m| dns_values(m, field, out)),
        App::Http(m) => http_values(m, field, out),
        _ => {}
    }
}

fn dns_values<'s>(m: &'s dns::DnsMsg, field: FieldId, out: &mut Vec<Value<'s>>) {
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
        F::DnsQryName => out.extend(msg.questions.iter().map(|q| Value::Str(Cow::Owned(dns::name_text(&q.name))))),
        F::DnsQryType => out.extend(msg.questions.iter().map(|q| u(u64::from(q.qtype.code())))),
        F::DnsQryClass => {
            let mask = if m.mdns { !dns::MDNS_CLASS_BIT } else { u16::MAX };
            out.extend(msg.questions.iter().map(|q| Value::hex(u64::from(q.qclass.code() & mask), 4)))
        }
        // tshark names SRV owners with dns.srv.* fields instead (RFC 2782 service, proto, name).
        F::DnsRespName => out.extend(
            dns::records(msg).filter(|r| r.rtype.code() != 33).map(|r| Value::Str(Cow::Owned(dns::name_text(&r.name)))),
        ),
        F::DnsRespType => out.extend(dns::records(msg).map(|r| u(u64::from(r.rtype.code())))),
        F::DnsRespTtl => out.extend(dns::records(msg).filter(|r| r.rtype != RrType::Opt).map(|r| u(u64::from(r.ttl)))),
        F::DnsA => out.extend(dns::records(msg).filter_map(|r| match r.rdata {
            RData::A(a) => Some(Value::Ip(a.into())),
            RData::Raw(_) if r.rtype == RrType::A => dns::raw_address(r).map(Value::Ip),
            _ => None,
        })),
        F::DnsAaaa => out.extend(dns::records(msg).filter_map(|r| match r.rdata {
            RData::Aaaa(a) => Some(Value::Ip(a.into())),
            RData::Raw(_) if r.rtype == RrType::Aaaa => dns::raw_address(r).map(Value::Ip),
            _ => None,
        })),
        F::DnsCname => out.extend(dns::records(msg).filter_map(|r| match &r.rdata {
            RData::Cname(n) => Some(Value::Str(Cow::Owned(dns::name_text(n)))),
            _ => None,
        })),
        F::DnsResponseIn => out.extend(m.response_in.map(|f| u(u64::from(f)))),
        F::DnsResponseTo => out.extend(m.response_to.map(|(f, _)| u(u64::from(f)))),
        F::DnsTime => out.extend(m.response_to.map(|(_, t)| Value::Seconds(t))),
        _ => {}
    }
}

fn http_values<'s>(m: &'s super::HttpMsg, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let s = |v: &'s str| Value::Str(Cow::Borrowed(v));
    match field {
        F::Http => out.push(s("Hypertext Transfer Protocol")),
        F::HttpRequest if m.request => out.push(Value::Present),
        F::HttpResponse if !m.request => out.push(Value::Present),
        F::HttpRequestMethod if m.request => out.push(s(&m.method)),
        F::HttpRequestUri if m.request => out.push(s(&m.uri)),
        F::HttpRequestVersion if m.request => out.push(s(&m.version)),
        F::HttpResponseVersion if !m.request => out.push(s(&m.version)),
        F::HttpResponseCode if !m.request => out.push(Value::Uint(u64::from(m.code))),
        F::HttpResponsePhrase if !m.request => out.push(s(&m.phrase)),
        F::HttpContentLength => out.extend(m.content_length().map(Value::Uint)),
        F::HttpContentType => out.extend(m.header("content-type").map(s)),
        F::HttpHost => out.extend(m.header("host").map(s)),
        F::HttpServer => out.extend(m.header("server").map(s)),
        F::HttpRequestIn => out.extend(m.request_in.map(|(f, _)| Value::Uint(u64::from(f)))),
        F::HttpTime => out.extend(m.request_in.map(|(_, t)| Value::Seconds(t))),
        F::HttpResponseIn => out.extend(m.response_in.map(|f| Value::Uint(u64::from(f)))),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::field_id::{ALL, NAMES};

    #[test]
    fn app_fields_are_exactly_the_dns_and_http_names() {
        for (id, name) in ALL.iter().zip(NAMES) {
            let app = name.starts_with("dns") || name.starts_with("http");
            assert_eq!(is_app_field(*id), app, "{name}");
        }
    }
}
