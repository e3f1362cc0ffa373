//! tshark-compatible fields: names resolve once to a [`FieldId`]; a [`Packet`]
//! reports each field's values as `tshark -n -2 -T fields` prints them, asking
//! the file of the protocol that declares the field. Fields of the datagram
//! quoted inside an ICMP error are reported too, after the outer ones (tshark
//! prints `ip.src` twice for a port unreachable).

use crate::sniff::dissect::{data, dns, frame, http, icmp, ip, link, registry, tcp, udp};
pub use crate::sniff::field_id::FieldId;
use crate::sniff::field_id::Proto;

/// Each built-in protocol file's field names, in the order of [`Proto::ALL`]:
/// the list of the protocols whose fields socklab knows without the registry.
const PROTOCOLS: [&[&str]; 9] = [
    frame::fields::NAMES,
    link::fields::NAMES,
    ip::fields::NAMES,
    tcp::fields::NAMES,
    udp::fields::NAMES,
    icmp::fields::NAMES,
    dns::fields::NAMES,
    http::fields::NAMES,
    data::NAMES,
];

impl FieldId {
    /// The id of a tshark field name, if socklab supports it.
    pub fn from_name(name: &str) -> Option<FieldId> {
        builtin().find(|id| id.name() == name).or_else(|| registry::field_index(name).map(FieldId::registered_field))
    }

    /// The tshark name.
    pub fn name(self) -> &'static str {
        match (self.proto(), self.registered()) {
            (Some(p), _) => PROTOCOLS[p as usize].get(self.own()).copied().unwrap_or(""),
            (None, Some(i)) => registry::field(i).map_or("", |(_, f)| f.name),
            (None, None) => "",
        }
    }
}

/// Every built-in field id, protocol file by protocol file.
pub fn builtin() -> impl Iterator<Item = FieldId> {
    Proto::ALL
        .into_iter()
        .zip(PROTOCOLS)
        .flat_map(|(p, names)| (0..names.len()).map(move |i| FieldId::builtin(p, i as u16)))
}

/// Every built-in field name, in the order of [`builtin`].
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    PROTOCOLS.into_iter().flatten().copied()
}

/// Every field id: the built-in ones, then the registered protocols' fields.
pub fn all() -> impl Iterator<Item = FieldId> {
    builtin().chain((0..registry::field_count()).map(FieldId::registered_field))
}

/// Every field name, built-in then registered.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    all().map(FieldId::name)
}
use crate::sniff::packet::Packet;
use crate::sniff::value::{FieldSource, Value};

/// Parses a display filter over socklab's fields; an unknown name's error offers the
/// nearest known ones.
pub fn parse_filter(expr: &str) -> Result<crate::sniff::filter::Filter<FieldId>, crate::sniff::filter::FilterError> {
    let names: Vec<&str> = all_names().collect();
    crate::sniff::filter::Filter::parse_typed(expr, FieldId::from_name, &names, &kind)
}

/// What a field holds, from its tshark type in the glossary (`-G fields`).
pub fn kind(id: FieldId) -> Option<crate::sniff::filter::FieldKind> {
    use crate::sniff::filter::FieldKind as K;
    if let Some((_, decl)) = id.registered().and_then(registry::field) {
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

impl<'p> FieldSource<FieldId> for Packet<'p> {
    fn filter_values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        if let Some(i) = field.registered() {
            if registry::protocol_bytes(self.d.pdu.as_ref(), self.d.pdu_bytes(self.data), i, out) {
                return;
            }
        }
        if !crate::sniff::layer_bytes::values(self, field, out) {
            self.values(field, out);
        }
    }

    /// Each field's values come from the file of the protocol that declares it.
    fn values<'s>(&'s self, field: FieldId, out: &mut Vec<Value<'s>>) {
        let Some(proto) = field.proto() else {
            let Some(i) = field.registered() else { return };
            // The tunnel headers a frame passed through, outermost first, then its PDU.
            for shim in self.d.outer().flat_map(|(_, e)| e.shims()).chain(self.d.trailing_shims()) {
                registry::values(shim.dissector(), shim, None, None, shim.bytes(self.data), i, out);
            }
            if let Some(pdu) = &self.d.pdu {
                let d = self.dissector_of(pdu);
                registry::values(d, pdu, self.recall.as_ref(), self.link.as_ref(), self.d.pdu_bytes(self.data), i, out);
            }
            return;
        };
        match proto {
            Proto::Frame => frame::fields::values(self, field, out),
            Proto::Link => link::fields::values(self, field, out),
            Proto::Ip => ip::fields::values(self, field, out),
            Proto::Tcp => tcp::fields::values(self, field, out),
            Proto::Udp => udp::fields::values(self, field, out),
            Proto::Icmp => icmp::fields::values(self, field, out),
            Proto::Dns => dns::fields::values(self, field, out),
            Proto::Http => http::fields::values(self, field, out),
            Proto::Data => {
                crate::sniff::layer_bytes::values(self, field, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_both_ways() {
        for name in builtin_names() {
            let id = FieldId::from_name(name).unwrap();
            assert_eq!(id.name(), name);
            assert_eq!(id.registered(), None);
        }
        assert_eq!(builtin().count(), builtin_names().count());
        assert_eq!(FieldId::TcpSrcport.name(), "tcp.srcport");
        assert_eq!(FieldId::HttpTime.name(), "http.time");
        assert_eq!(FieldId::from_name("no.such.field"), None);
    }

    #[test]
    fn each_field_belongs_to_the_file_of_its_protocol() {
        for id in builtin() {
            let name = id.name();
            let proto = match name.split('.').next().unwrap_or(name) {
                "frame" => Proto::Frame,
                "eth" => Proto::Link,
                "ip" | "ipv6" => Proto::Ip,
                "tcp" => Proto::Tcp,
                "udp" => Proto::Udp,
                "icmp" | "icmpv6" => Proto::Icmp,
                "dns" => Proto::Dns,
                "http" => Proto::Http,
                "data" => Proto::Data,
                other => panic!("{other}: no protocol file"),
            };
            assert_eq!(id.proto(), Some(proto), "{name}");
        }
    }

    #[test]
    fn every_field_has_a_kind() {
        use crate::sniff::filter::FieldKind as K;
        for id in builtin() {
            assert!(kind(id).is_some(), "{}", id.name());
        }
        assert_eq!(kind(FieldId::Tcp), Some(K::Bytes));
        assert_eq!(kind(FieldId::EthSrc), Some(K::Bytes));
        assert_eq!(kind(FieldId::DnsQryName), Some(K::Text));
        assert_eq!(kind(FieldId::IpSrc), Some(K::Address));
        assert_eq!(kind(FieldId::TcpFlagsSyn), Some(K::Number));
        assert_eq!(kind(FieldId::FrameTimeRelative), Some(K::Time));
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
}
