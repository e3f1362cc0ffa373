//! tshark-compatible fields: names resolve once to a [`FieldId`]; a [`Packet`]
//! reports each field's values as `tshark -n -2 -T fields` prints them. Fields of
//! the datagram quoted inside an ICMP error are reported too, after the outer
//! ones (tshark prints `ip.src` twice for a port unreachable).

use crate::sniff::dissect::link::{self, LinkType};
pub use crate::sniff::field_id::{FieldId, ALL, NAMES};
use crate::sniff::packet::{Net, Packet, Transport};
use crate::sniff::render::Mac;
use crate::sniff::tcp::{analysis, flags};
use crate::sniff::value::{FieldSource, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Parses a display filter over socklab's fields; an unknown name's error offers the
/// nearest known ones.
pub fn parse_filter(expr: &str) -> Result<crate::sniff::filter::Filter<FieldId>, crate::sniff::filter::FilterError> {
    let names: Vec<&str> = crate::sniff::field_id::all_names().collect();
    crate::sniff::filter::Filter::parse_typed(expr, FieldId::from_name, &names, &kind)
}

/// What a field holds, from its tshark type in the glossary (`-G fields`).
pub fn kind(id: FieldId) -> Option<crate::sniff::filter::FieldKind> {
    use crate::sniff::filter::FieldKind as K;
    if let Some((_, decl)) = id.registered().and_then(crate::sniff::dissect::registry::field) {
        return Some(decl.ftype.kind());
    }
    let line = crate::sniff::glossary::lines().find(|l| l.split('\t').nth(2) == Some(id.name()))?;
    let mut cols = line.split('\t');
    if cols.next() == Some("P") {
        return Some(K::Bytes);
    }
    Some(match cols.nth(2)? {
        "FT_BYTES" | "FT_ETHER" | "FT_PROTOCOL" => K::Bytes,
        "FT_STRING" | "FT_STRINGZ" => K::Text,
        "FT_IPv4" | "FT_IPv6" => K::Address,
        "FT_RELATIVE_TIME" | "FT_ABSOLUTE_TIME" => K::Time,
        t if t.starts_with("FT_UINT") || t.starts_with("FT_INT") => K::Number,
        "FT_BOOLEAN" | "FT_FRAMENUM" | "FT_NONE" => K::Number,
        _ => return None,
    })
}

fn owned(s: String) -> Value<'static> {
    Value::Str(Cow::Owned(s))
}

/// `frame.protocols`: the protocol names of the frame joined by `:`.
pub fn protocols(p: &Packet<'_>) -> String {
    let mut s = String::with_capacity(48);
    let Some(l) = p.d.link else { return s };
    s.push_str(l.kind.protocols());
    for _ in l.vlans() {
        s.push_str(":vlan:ethertype");
    }
    let push = |s: &mut String, name: &str| {
        if !s.is_empty() {
            s.push(':');
        }
        s.push_str(name);
    };
    for net in p.d.tunnels() {
        push(&mut s, net_protocol(net).unwrap_or_default());
    }
    for (i, net) in [Some(p.d.net), p.d.quoted.map(|q| q.net)].into_iter().flatten().enumerate() {
        // A registered protocol that an EtherType hands bytes to names itself below.
        let registered = matches!(net, Net::Other(_)) && p.d.pdu.is_some();
        if let Some(name) = net_protocol(&net).filter(|_| !registered) {
            push(&mut s, name);
        }
        let t = if i == 0 { p.d.transport } else { p.d.quoted.map_or(Transport::None, |q| q.transport) };
        match t {
            Transport::Tcp(_) | Transport::TcpPorts { .. } => push(&mut s, "tcp"),
            Transport::Udp(_) => push(&mut s, "udp"),
            Transport::Icmp(i) => push(&mut s, if i.v6 { "icmpv6" } else { "icmp" }),
            _ => {}
        }
    }
    match (p.d.pdu, app_protocols(p)) {
        (Some(pdu), _) => push(&mut s, pdu.dissector().name()),
        (None, Some(names)) => names.iter().for_each(|n| push(&mut s, n)),
        (None, None) if shows_data(p) => push(&mut s, "data"),
        (None, None) => {}
    }
    s
}

/// The `frame.protocols` name of a network layer.
fn net_protocol(net: &Net) -> Option<&'static str> {
    match *net {
        Net::Ipv4(_) => Some("ip"),
        Net::Ipv6(_) => Some("ipv6"),
        Net::Other(t) => link::ethertype_protocol(t),
        Net::None => None,
    }
}

/// TCP ports whose tshark dissector (`tshark -G decodes`: tcp.port → http, and
/// 443 → tls) collects segments until a whole message or record is there: their
/// payload is never shown as `data` by itself (it shows as `http` or `tls` once a
/// message completes, else as TCP segment data).
const DESEGMENTING_PORTS: &[u16] = &[80, 443, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371];

/// Magic numbers by which a tshark heuristic dissector claims a TCP payload on
/// any port (so tshark never shows it as `data`): Apache Etch's 0xdeadbeef.
const HEURISTIC_MAGICS: &[&[u8]] = &[&[0xde, 0xad, 0xbe, 0xef]];

/// Whether tshark hands the frame's payload to its `data` dissector.
pub fn shows_data(p: &Packet<'_>) -> bool {
    if !payload_reaches_a_dissector(p) || p.d.pdu.is_some() {
        return false;
    }
    match p.d.transport {
        Transport::Tcp(h) => {
            // A RST's payload is its reset cause (RFC 9293 §3.5.3), shown by TCP itself.
            h.flags & flags::RST == 0
                && !DESEGMENTING_PORTS.iter().any(|&port| h.sport == port || h.dport == port)
                && !HEURISTIC_MAGICS.iter().any(|m| p.d.payload.starts_with(m))
        }
        Transport::Icmp(i) => icmp_body_is_data(&i),
        Transport::Udp(_) | Transport::Other(_) => true,
        Transport::None => p.d.net == Net::None,
        _ => false,
    }
}

/// Whether the frame has a `data` layer (`:data` in `frame.protocols`): a payload
/// no decoder claimed, or the part of an HTTP message shown as data.
pub fn has_data(p: &Packet<'_>) -> bool {
    match app_protocols(p) {
        Some(names) => names.contains(&"data"),
        None => shows_data(p),
    }
}

/// The app-layer protocol names (dns, http, data-text-lines…) of a payload the
/// app decoders recognised, if it reaches a payload dissector at all.
fn app_protocols(p: &Packet<'_>) -> Option<Vec<&'static str>> {
    payload_reaches_a_dissector(p).then(|| crate::sniff::app::fields::protocols(p)).flatten()
}

/// Whether tshark hands this packet's payload to a payload dissector: there is
/// one, the packet is not malformed, and it is not retransmitted or out of order.
fn payload_reaches_a_dissector(p: &Packet<'_>) -> bool {
    let resent = analysis::RETRANSMISSION
        | analysis::FAST_RETRANSMISSION
        | analysis::SPURIOUS_RETRANSMISSION
        | analysis::OUT_OF_ORDER;
    !p.d.payload.is_empty() && p.d.error.is_none() && p.tcp.map_or(0, |i| i.analysis) & resent == 0
}

/// Whether tshark shows what follows an ICMP header as `data`: the echo payload
/// and bodies of types it does not decode. ICMPv6 neighbour discovery, multicast
/// listener and router messages (RFC 4861, RFC 3810…) are decoded field by field.
fn icmp_body_is_data(i: &crate::sniff::packet::Icmp) -> bool {
    /// ICMPv6 informational types tshark decodes completely (RFC 4443 §4 and the
    /// IANA registry: MLD, ND, router renumbering, node information, MLDv2…).
    const V6_DECODED: std::ops::RangeInclusive<u8> = 130..=162;
    !(i.v6 && V6_DECODED.contains(&i.ty))
}
/// The first line of a protocol's details, which tshark prints for a protocol used as a field.
pub fn protocol_label(p: &Packet<'_>, field: FieldId) -> Option<String> {
    let mut s = String::new();
    match field {
        FieldId::Eth => {
            let l = p.d.link.filter(|l| l.kind == LinkType::Ethernet)?;
            if matches!(l.next, link::Next::Length(_)) && l.vlan_count == 0 {
                s.push_str("IEEE 802.3 Ethernet ");
            } else {
                let _ = write!(s, "Ethernet II, Src: {}, Dst: {}", Mac(&l.eth_src), Mac(&l.eth_dst));
            }
        }
        FieldId::Tcp => {
            let h = match (p.d.transport, p.d.quoted.map(|q| q.transport)) {
                (Transport::Tcp(h), _) => h,
                // A quoted header: tshark names its raw sequence number only.
                (_, Some(Transport::Tcp(h))) => {
                    let _ = write!(s, "Transmission Control Protocol, Src Port: {}, Dst Port: {}", h.sport, h.dport);
                    let _ = write!(s, ", Seq: {}", h.seq);
                    return Some(s);
                }
                (_, Some(Transport::TcpPorts { sport, dport, .. })) => {
                    let _ = write!(s, "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}");
                    return Some(s);
                }
                _ => return None,
            };
            let (seq, ack) = p.tcp.map_or((h.seq, h.ack), |i| (i.seq, i.ack));
            let _ =
                write!(s, "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}", h.sport, h.dport);
            if h.flags & flags::ACK != 0 {
                let _ = write!(s, ", Ack: {ack}");
            }
            let _ = write!(s, ", Len: {}", h.payload_len);
        }
        FieldId::Udp => {
            let (sport, dport) = match (p.d.transport, p.d.quoted.map(|q| q.transport)) {
                (Transport::Udp(u), _) | (_, Some(Transport::Udp(u))) => (u.sport, u.dport),
                _ => return None,
            };
            let _ = write!(s, "User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}");
        }
        _ => return None,
    }
    Some(s)
}

impl<'p> FieldSource<FieldId> for Packet<'p> {
    fn filter_values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        if let Some(i) = field.registered() {
            if crate::sniff::dissect::registry::protocol_bytes(self.d.pdu.as_ref(), self.data, i, out) {
                return;
            }
        }
        if !crate::sniff::layer_bytes::values(self, field, out) {
            self.values(field, out);
        }
    }

    fn values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        use FieldId as F;
        if let Some(i) = field.registered() {
            if let Some(pdu) = &self.d.pdu {
                crate::sniff::dissect::registry::values(pdu, self.data, i, out);
            }
            return;
        }
        match field {
            F::FrameNumber => out.push(Value::Uint(u64::from(self.number))),
            F::FrameTimeRelative => out.push(Value::Seconds(self.rel)),
            F::FrameLen => out.push(Value::Uint(u64::from(self.len))),
            F::FrameCapLen => out.push(Value::Uint(self.data.len() as u64)),
            F::FrameProtocols => out.push(owned(protocols(self))),
            F::FrameComment => {
                let comments = self.origin.map_or(&[][..], |o| o.comments);
                out.extend(comments.iter().map(|c| Value::Str(Cow::Borrowed(c.as_str()))));
            }
            F::FrameInterfaceId => out.extend(self.origin.map(|o| Value::Uint(u64::from(o.interface_id)))),
            F::FrameInterfaceName => {
                out.extend(self.origin.map(|o| Value::Str(Cow::Borrowed(o.interface.display_name()))))
            }
            F::FrameInterfaceDescription => {
                let d = self.origin.and_then(|o| o.interface.description.as_deref());
                out.extend(d.map(|d| Value::Str(Cow::Borrowed(d))));
            }
            F::FrameSectionNumber => out.extend(self.origin.map(|o| Value::Uint(u64::from(o.section)))),
            F::Frame => out.push(owned(crate::sniff::layer_bytes::frame_label(self))),
            F::TcpPayload | F::UdpPayload | F::Data | F::DataData => {
                crate::sniff::layer_bytes::values(self, field, out);
            }
            F::Eth | F::Tcp => {
                if let Some(s) = protocol_label(self, field) {
                    out.push(owned(s));
                }
            }
            F::Udp => {
                if let Some(s) = protocol_label(self, field) {
                    out.push(owned(s));
                }
            }
            F::EthSrc | F::EthDst | F::EthType => self.eth_values(field, out),
            _ if crate::sniff::app::fields::is_app_field(field) => crate::sniff::app::fields::values(self, field, out),
            F::Icmp
            | F::Icmpv6
            | F::IcmpType
            | F::IcmpCode
            | F::IcmpIdent
            | F::IcmpSeq
            | F::Icmpv6Type
            | F::Icmpv6Code => self.icmp_values(field, out),
            _ => {
                for net in self.d.tunnels() {
                    net_values(net, field, out);
                }
                net_values(&self.d.net, field, out);
                self.transport_values(&self.d.transport, true, field, out);
                if let Some(q) = &self.d.quoted {
                    net_values(&q.net, field, out);
                    self.transport_values(&q.transport, false, field, out);
                }
            }
        }
    }
}

impl Packet<'_> {
    fn eth_values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        let Some(l) = self.d.link.filter(|l| l.kind == LinkType::Ethernet) else { return };
        match field {
            FieldId::EthSrc => out.push(owned(Mac(&l.eth_src).to_string())),
            FieldId::EthDst => out.push(owned(Mac(&l.eth_dst).to_string())),
            _ if matches!(l.next, link::Next::Length(_)) && l.vlan_count == 0 => {}
            _ => out.push(Value::hex(u64::from(l.eth_type), 4)),
        }
    }

    /// ICMP fields of the message and, after them, of an ICMP message quoted by an
    /// error (a traceroute's echo inside a time exceeded: tshark prints `11,8`).
    fn icmp_values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        let Transport::Icmp(i) = self.d.transport else { return };
        Self::icmp_header_values(&i, field, out);
        if let Some(Transport::Icmp(q)) = self.d.quoted.map(|q| q.transport) {
            Self::icmp_header_values(&q, field, out);
        }
    }

    /// The fields of one ICMP or ICMPv6 header.
    fn icmp_header_values(i: &crate::sniff::packet::Icmp, field: FieldId, out: &mut Vec<Value<'_>>) {
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

    fn transport_values<'s>(&'s self, t: &Transport, outer: bool, field: FieldId, out: &mut Vec<Value<'s>>) {
        use FieldId as F;
        let u = |v: u64| Value::Uint(v);
        match t {
            Transport::Udp(h) => match field {
                F::UdpSrcport => out.push(u(u64::from(h.sport))),
                F::UdpDstport => out.push(u(u64::from(h.dport))),
                F::UdpPort => out.extend([u(u64::from(h.sport)), u(u64::from(h.dport))]),
                F::UdpLength => out.push(u(u64::from(h.length))),
                F::UdpChecksum => out.push(Value::hex(u64::from(h.checksum), 4)),
                F::UdpStream => {
                    let s = if outer { self.udp_stream } else { self.quoted_udp_stream };
                    if let Some(s) = s {
                        out.push(u(u64::from(s)));
                    }
                }
                _ => {}
            },
            &Transport::TcpPorts { sport, dport, seq, .. } => match field {
                F::TcpSrcport => out.push(u(u64::from(sport))),
                F::TcpDstport => out.push(u(u64::from(dport))),
                F::TcpPort => out.extend([u(u64::from(sport)), u(u64::from(dport))]),
                // tshark shows the quoted sequence number as tcp.seq (there is no base).
                F::TcpSeq => out.push(u(u64::from(seq))),
                _ => {}
            },
            Transport::Tcp(h) => {
                let info = if outer { self.tcp } else { self.quoted_tcp };
                let o = &h.options;
                let flag = |bit: u16| Value::Bool(h.flags & bit != 0);
                let a = info.map_or(0, |i| i.analysis);
                let present = |bit: u32, out: &mut Vec<Value<'s>>| {
                    if a & bit != 0 {
                        out.push(Value::Present);
                    }
                };
                match field {
                    F::TcpSrcport => out.push(u(u64::from(h.sport))),
                    F::TcpDstport => out.push(u(u64::from(h.dport))),
                    F::TcpPort => out.extend([u(u64::from(h.sport)), u(u64::from(h.dport))]),
                    // A quoted header has no length, raw/next sequence numbers in tshark.
                    F::TcpLen if outer => out.push(u(u64::from(h.payload_len))),
                    F::TcpSeqRaw if outer => out.push(u(u64::from(h.seq))),
                    F::TcpAckRaw => out.push(u(u64::from(h.ack))),
                    F::TcpHdrLen => out.push(u(u64::from(h.hdr_len))),
                    F::TcpFlags => out.push(Value::hex(u64::from(h.flags), 4)),
                    F::TcpFlagsSyn => out.push(flag(flags::SYN)),
                    F::TcpFlagsAck => out.push(flag(flags::ACK)),
                    F::TcpFlagsFin => out.push(flag(flags::FIN)),
                    F::TcpFlagsReset => out.push(flag(flags::RST)),
                    F::TcpFlagsPush => out.push(flag(flags::PSH)),
                    F::TcpFlagsUrg => out.push(flag(flags::URG)),
                    F::TcpFlagsStr => out.push(owned(flags_str(h.flags))),
                    F::TcpWindowSizeValue => out.push(u(u64::from(h.window))),
                    F::TcpOptionsMssVal => out.extend(o.mss.map(|m| u(u64::from(m)))),
                    F::TcpOptionsWscaleShift => out.extend(o.wscale.map(|s| u(u64::from(s)))),
                    F::TcpOptionsWscaleMultiplier => out.extend(o.wscale.map(|s| u(1u64 << s.min(14)))),
                    F::TcpOptionsSackPerm if o.sack_perm => out.push(Value::Str(Cow::Borrowed("0402"))),
                    F::TcpOptionsTsval => out.extend(o.timestamps.map(|(v, _)| u(u64::from(v)))),
                    F::TcpOptionsTsecr => out.extend(o.timestamps.map(|(_, e)| u(u64::from(e)))),
                    _ => {}
                }
                let Some(i) = info else { return };
                // tshark's dissection stopped at the malformed header: no analysis items.
                if h.malformed && field.name().starts_with("tcp.analysis.") {
                    return;
                }
                match field {
                    F::TcpStream => out.push(u(u64::from(i.stream))),
                    F::TcpSeq => out.push(u(u64::from(i.seq))),
                    F::TcpNxtseq if outer => out.push(u(u64::from(i.nxtseq))),
                    F::TcpAck => out.push(u(u64::from(i.ack))),
                    F::TcpWindowSize => out.push(Value::Int(i.window_size)),
                    F::TcpWindowSizeScalefactor if h.flags & flags::SYN == 0 => {
                        out.push(Value::Int(i64::from(i.scalefactor)))
                    }
                    F::TcpCompleteness => {
                        out.push(u(u64::from(if outer { self.completeness } else { self.quoted_completeness })))
                    }
                    F::TcpAnalysisFlags if a != 0 => out.push(Value::Present),
                    // tshark adds the retransmission item for fast and spurious ones too.
                    F::TcpAnalysisRetransmission => present(analysis::ANY_RETRANSMISSION, out),
                    F::TcpAnalysisOutOfOrder => present(analysis::OUT_OF_ORDER, out),
                    F::TcpAnalysisLostSegment => present(analysis::LOST_SEGMENT, out),
                    // tshark 4.0 adds this field twice (the flag item and its expert copy).
                    F::TcpAnalysisDuplicateAck => {
                        present(analysis::DUPLICATE_ACK, out);
                        present(analysis::DUPLICATE_ACK, out);
                    }
                    F::TcpAnalysisZeroWindow => present(analysis::ZERO_WINDOW, out),
                    F::TcpAnalysisKeepAlive => present(analysis::KEEP_ALIVE, out),
                    F::TcpAnalysisWindowUpdate => present(analysis::WINDOW_UPDATE, out),
                    F::TcpAnalysisDuplicateAckNum if i.dup_ack_num != 0 => out.push(u(u64::from(i.dup_ack_num))),
                    F::TcpAnalysisDuplicateAckFrame if i.dup_ack_frame != 0 => out.push(u(u64::from(i.dup_ack_frame))),
                    F::TcpAnalysisAcksFrame if i.acks_frame != 0 => out.push(u(u64::from(i.acks_frame))),
                    F::TcpAnalysisAckRtt if i.acks_frame != 0 => out.push(Value::Seconds(i.ack_rtt)),
                    F::TcpAnalysisInitialRtt if i.irtt != 0 => out.push(Value::Seconds(i.irtt)),
                    F::TcpTimeRelative => out.push(Value::Seconds(i.time_relative)),
                    F::TcpTimeDelta => out.push(Value::Seconds(i.time_delta)),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// The IP fields of one network layer.
fn net_values(net: &Net, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    match *net {
        Net::Ipv4(h) => match field {
            F::Ip => out.push(owned(format!("Internet Protocol Version 4, Src: {}, Dst: {}", h.src, h.dst))),
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
            F::Ipv6 => out.push(owned(format!("Internet Protocol Version 6, Src: {}, Dst: {}", h.src, h.dst))),
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

/// `tcp.flags.str`: 12 positions, high bit first, `·` for clear bits (tshark's
/// letters: reserved ×3, Accurate ECN, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
pub fn flags_str(f: u16) -> String {
    const LETTERS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
    LETTERS.iter().enumerate().map(|(i, &c)| if f & (1 << (11 - i)) != 0 { c } else { '·' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_kind() {
        use crate::sniff::filter::FieldKind as K;
        for id in ALL {
            assert!(kind(*id).is_some(), "{}", id.name());
        }
        assert_eq!(kind(FieldId::Tcp), Some(K::Bytes));
        assert_eq!(kind(FieldId::EthSrc), Some(K::Bytes));
        assert_eq!(kind(FieldId::DnsQryName), Some(K::Text));
        assert_eq!(kind(FieldId::IpSrc), Some(K::Address));
        assert_eq!(kind(FieldId::TcpFlagsSyn), Some(K::Number));
        assert_eq!(kind(FieldId::FrameTimeRelative), Some(K::Time));
    }

    #[test]
    fn names_resolve_both_ways() {
        for (i, name) in NAMES.iter().enumerate() {
            let id = FieldId::from_name(name).unwrap();
            assert_eq!(id.index(), i);
            assert_eq!(id.name(), *name);
        }
        assert_eq!(FieldId::from_name("tcp.nope"), None);
        assert_eq!(ALL.len(), NAMES.len());
    }

    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::dissect::tests::{PORT_UNREACHABLE, SYN};
    use crate::sniff::pipeline::{Facts, Pipeline};

    /// The values of `name` for the frames `frames`, as tshark -T fields prints them.
    fn field(link: LinkType, frames: &[&[u8]], name: &str) -> Vec<String> {
        let id = FieldId::from_name(name).unwrap();
        let mut pipe = Pipeline::new(link, Facts::default());
        frames
            .iter()
            .enumerate()
            .map(|(i, data)| {
                let p = pipe.process(&Frame { time: i as i64 * 1_000_000, len: data.len() as u32, data, origin: None });
                let mut out = Vec::new();
                p.values(id, &mut out);
                out.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
            })
            .collect()
    }

    #[test]
    fn tcp_syn_fields() {
        let one = |name: &str| field(LinkType::Ethernet, &[&SYN], name).remove(0);
        assert_eq!(one("frame.protocols"), "eth:ethertype:ip:tcp");
        assert_eq!(one("ip.id"), "0x1b68");
        assert_eq!(one("ip.flags"), "0x02");
        assert_eq!(one("ip.flags.df"), "1");
        assert_eq!(one("tcp.port"), "41864,12000");
        assert_eq!(one("tcp.flags"), "0x0002");
        assert_eq!(one("tcp.flags.str"), "··········S·");
        assert_eq!(one("tcp.seq"), "0");
        assert_eq!(one("tcp.nxtseq"), "1");
        assert_eq!(one("tcp.window_size_scalefactor"), "");
        assert_eq!(one("tcp.options.wscale.multiplier"), "1024");
        assert_eq!(one("tcp.options.sack_perm"), "0402");
        assert_eq!(one("tcp.options.timestamp.tsval"), "2621385233");
        assert_eq!(one("tcp.analysis.retransmission"), "");
        assert_eq!(one("udp.stream"), "");
        assert_eq!(one("tcp"), "Transmission Control Protocol, Src Port: 41864, Dst Port: 12000, Seq: 0, Len: 0");
    }

    #[test]
    fn a_resent_syn_is_a_retransmission() {
        let both = field(LinkType::Ethernet, &[&SYN, &SYN], "tcp.analysis.retransmission");
        assert_eq!(both, ["", "1"]);
    }

    #[test]
    fn icmp_error_reports_outer_and_quoted_fields() {
        let one = |name: &str| field(LinkType::Raw, &[&PORT_UNREACHABLE], name).remove(0);
        assert_eq!(one("frame.protocols"), "raw:ip:icmp:ip:udp:data");
        assert_eq!(one("ip.src"), "127.0.0.1,127.0.0.1");
        assert_eq!(one("ip.id"), "0x1b69,0x1b68");
        assert_eq!(one("udp.port"), "5000,9");
        assert_eq!(one("udp.stream"), "0");
        assert_eq!(one("icmp.type"), "3");
        assert_eq!(one("icmp.ident"), "");
    }

    /// Raw IPv4: ICMP time exceeded quoting a traceroute's echo request with 4
    /// data bytes (chrissanders-packets/icmp_traceroute.pcapng).
    const TIME_EXCEEDED_ECHO: [u8; 60] = [
        0x45, 0, 0, 60, 0, 2, 0, 0, 64, 1, 0, 0, 10, 0, 0, 254, 10, 0, 0, 1, // IPv4
        11, 0, 0, 0, 0, 0, 0, 0, // ICMP time exceeded
        0x45, 0, 0, 32, 0, 1, 0, 0, 1, 1, 0, 0, 10, 0, 0, 1, 8, 8, 8, 8, // quoted IPv4
        8, 0, 0, 0, 0, 1, 0, 1, b'a', b'b', b'c', b'd', // quoted echo request
    ];

    #[test]
    fn icmp_error_quoting_an_echo_reports_both_types() {
        let one = |name: &str| field(LinkType::Raw, &[&TIME_EXCEEDED_ECHO], name).remove(0);
        assert_eq!(one("icmp.type"), "11,8");
        assert_eq!(one("icmp.code"), "0,0");
        assert_eq!(one("frame.protocols"), "raw:ip:icmp:ip:icmp:data");
        let bare = &TIME_EXCEEDED_ECHO[..56];
        assert_eq!(field(LinkType::Raw, &[bare], "frame.protocols"), ["raw:ip:icmp:ip:icmp"]);
    }

    /// Regression: an HTTP request on a port where only socklab's heuristic finds HTTP
    /// (the web lab's 10080) got a Data block after its HTTP block in `-V`, and
    /// `data` matched it, though `frame.protocols` (and tshark) end with `http`.
    #[test]
    fn http_found_by_heuristic_has_no_data_layer() {
        const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let mut req = SYN.to_vec();
        req.extend(REQUEST);
        req[17] += REQUEST.len() as u8;
        req[36..38].copy_from_slice(&10080u16.to_be_bytes());
        req[47] = 0x18;
        assert_eq!(field(LinkType::Ethernet, &[&req], "frame.protocols"), ["eth:ethertype:ip:tcp:http"]);
        assert_eq!(field(LinkType::Ethernet, &[&req], "data"), [""]);
        assert_eq!(
            field(LinkType::Ethernet, &[&req], "tcp.payload"),
            ["474554202f20485454502f312e310d0a486f73743a20610d0a0d0a"]
        );
        let mut pipe = Pipeline::new(LinkType::Ethernet, Facts::default());
        let p = pipe.process(&Frame { time: 0, len: req.len() as u32, data: &req, origin: None });
        let mut tree = Vec::new();
        let mut buf = crate::sniff::tree::Tree::new();
        crate::sniff::render::detail::write(&mut tree, &mut buf, &p, crate::sniff::render::Style::default()).unwrap();
        let tree = String::from_utf8(tree).unwrap();
        assert!(tree.contains("\nHypertext Transfer Protocol\n") && !tree.contains("Data ("), "{tree}");
    }

    #[test]
    fn payload_owned_by_tcp_or_http_is_not_data() {
        // The SYN with 4 payload bytes, from port 80 (HTTP collects it) or as a RST.
        let mut from_http = SYN.to_vec();
        from_http.extend(b"abcd");
        from_http[17] += 4;
        from_http[34..36].copy_from_slice(&80u16.to_be_bytes());
        from_http[47] = 0x10;
        assert_eq!(field(LinkType::Ethernet, &[&from_http], "frame.protocols"), ["eth:ethertype:ip:tcp"]);
        // From port 443, TLS collects it (tcp-empty-sack/tcp-opt.pcap frame 6).
        let mut from_tls = from_http.clone();
        from_tls[34..36].copy_from_slice(&443u16.to_be_bytes());
        assert_eq!(field(LinkType::Ethernet, &[&from_tls], "frame.protocols"), ["eth:ethertype:ip:tcp"]);
        let mut rst = from_http.clone();
        rst[34..36].copy_from_slice(&9000u16.to_be_bytes());
        rst[47] = 0x14;
        assert_eq!(field(LinkType::Ethernet, &[&rst], "frame.protocols"), ["eth:ethertype:ip:tcp"]);
        rst[47] = 0x18;
        assert_eq!(field(LinkType::Ethernet, &[&rst], "frame.protocols"), ["eth:ethertype:ip:tcp:data"]);
        // tshark's Etch heuristic claims a payload starting with 0xdeadbeef (tfo-5c1fa7f9ae91.pcap).
        let n = rst.len();
        rst[n - 4..].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(field(LinkType::Ethernet, &[&rst], "frame.protocols"), ["eth:ethertype:ip:tcp"]);
    }

    #[test]
    fn multicast_listener_report_has_no_data() {
        // Raw IPv6: ICMPv6 MLDv2 report (type 143) with one record (zeek icmp6-mldv2.pcap).
        let mut f = vec![0x60, 0, 0, 0, 0, 28, 58, 1];
        f.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16]);
        f.extend([143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb]);
        assert_eq!(field(LinkType::Raw, &[&f], "frame.protocols"), ["raw:ipv6:icmpv6"]);
    }

    #[test]
    fn malformed_tcp_options_hide_the_analysis() {
        // The SYN resent with a SACK option of length 2 in place of NOP + window scale.
        let mut bad = SYN;
        bad[70..74].copy_from_slice(&[1, 1, 5, 2]);
        assert_eq!(field(LinkType::Ethernet, &[&SYN, &SYN], "tcp.analysis.retransmission"), ["", "1"]);
        assert_eq!(field(LinkType::Ethernet, &[&SYN, &bad], "tcp.analysis.retransmission"), ["", ""]);
        assert_eq!(field(LinkType::Ethernet, &[&SYN, &bad], "tcp.stream"), ["0", "0"]);
    }

    #[test]
    fn ipv4_fragments_show_udp_on_the_one_that_completes_the_datagram() {
        // A UDP datagram 10.0.0.1:4000 → 10.0.0.2:5000 (8-byte header + 12 data bytes; ports
        // no decoder claims, so the payload is data)
        // in two fragments (id 0x1234), the second sent first (RFC 791 §3.2).
        let ip = |off8: u8, mf: bool, body: &[u8]| {
            let mut f =
                vec![0x45, 0, 0, 20 + body.len() as u8, 0x12, 0x34, if mf { 0x20 } else { 0 }, off8, 64, 17, 0, 0];
            f.extend([10, 0, 0, 1, 10, 0, 0, 2]);
            f.extend(body);
            f
        };
        let first = ip(0, true, &[0x0f, 0xa0, 0x13, 0x88, 0, 20, 0, 0, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h']);
        let last = ip(2, false, b"ijkl");
        let frames: [&[u8]; 3] = [&last, &first, &first];
        assert_eq!(field(LinkType::Raw, &frames, "udp.srcport"), ["", "4000", ""]);
        assert_eq!(field(LinkType::Raw, &frames, "frame.protocols"), ["raw:ip:data", "raw:ip:udp:data", "raw:ip:data"]);
        assert_eq!(field(LinkType::Raw, &frames, "udp.stream"), ["", "0", ""]);
    }

    #[test]
    fn flags_str_like_tshark() {
        assert_eq!(flags_str(0x012), "·······A··S·");
        assert_eq!(flags_str(0x002), "··········S·");
        assert_eq!(flags_str(0x018), "·······AP···");
        assert_eq!(flags_str(0x011), "·······A···F");
    }
}
