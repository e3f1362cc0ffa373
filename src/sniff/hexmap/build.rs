//! Building the field map: the leaf fields of each layer at their frame offsets
//! (RFC 791 §3.1, RFC 8200 §3, RFC 9293 §3.1, RFC 768, RFC 792, RFC 1035 §4.1,
//! RFC 9112 §2), then the named gaps, then one run per byte range.

use super::Field;
use crate::dns_view::fields::rows;
use crate::net::dns_decode::frame::dns_in_frame;
use crate::proto::dns::decode_partial;
use crate::sniff::dissect::link::{Link, LinkType};
use crate::sniff::dissect::registry::Pdu;
use crate::sniff::dissect::{dissect_frame, ip::IPV6_HEADER_LEN};
use crate::sniff::packet::{Dissected, Icmp, Net, Transport};
use crate::sniff::tree::Tree;

/// IPv4 header without options (RFC 791 §3.1).
const IPV4_FIXED: usize = 20;
/// TCP header without options (RFC 9293 §3.1).
const TCP_FIXED: usize = 20;
/// UDP header (RFC 768).
const UDP_LEN: usize = 8;
/// ICMP header: type, code, checksum and 4 more bytes (RFC 792, RFC 4443 §2.1).
const ICMP_LEN: usize = 8;
/// Ethernet II header: two addresses and the type (IEEE 802.3 §3.1.1).
const ETH_HEADER: usize = 14;
/// A VLAN tag (IEEE 802.1Q).
const VLAN_TAG: usize = 4;
/// Name of bytes no layer explains.
pub const UNPARSED: &str = "unparsed";

/// Collects fields as layers are walked; later leaves never overwrite earlier ones.
struct Out {
    leaves: Vec<Field>,
    gaps: Vec<Field>,
}

impl Out {
    fn leaf(&mut self, layer: &'static str, at: usize, list: &[(&str, usize)]) -> usize {
        let mut o = at;
        for &(name, len) in list {
            self.leaves.push(Field { layer, name: name.to_string(), offset: o, len, gap: false });
            o += len;
        }
        o
    }

    fn gap(&mut self, layer: &'static str, name: &str, from: usize, to: usize) {
        if to > from {
            self.gaps.push(Field { layer, name: name.to_string(), offset: from, len: to - from, gap: true });
        }
    }
}

/// The fields of every layer as found, possibly overlapping or past the end of
/// `data`; [`normalise`] makes them a cover.
pub fn raw_fields(link: LinkType, data: &[u8], wire_len: usize) -> Vec<Field> {
    let d = dissect_frame(link, data, wire_len);
    let mut out = Out { leaves: Vec::new(), gaps: Vec::new() };
    if let Some(l) = &d.link {
        link_fields(&mut out, l);
        if let Net::Other(ethertype) = d.net {
            out.gap("link", &format!("EtherType 0x{ethertype:04x} payload (not decoded)"), l.header_len, data.len());
        }
    }
    for net in d.tunnels().iter().chain([&d.net]) {
        net_fields(&mut out, net, false);
    }
    // A PDU reassembled from several segments has bytes of its own, not the frame's.
    if let (Some(pdu), None) = (&d.pdu, d.assembled) {
        registered_fields(&mut out, pdu, data);
    }
    let ip_end = ip_end(&d.net).unwrap_or(data.len());
    out.gap("link", "padding", ip_end, data.len());
    transport_fields(&mut out, &d, link, data, wire_len, ip_end);
    let mut all = out.leaves;
    all.extend(out.gaps);
    all
}

/// The offset one past the IP datagram, from its length field; `None` also for
/// an IPv4 total length of 0, which TCP segmentation offload leaves in captures
/// of outgoing packets (tshark: "reported as 0, presumed to be because of TSO").
fn ip_end(net: &Net) -> Option<usize> {
    match net {
        Net::Ipv4(h) if h.total_len == 0 => None,
        Net::Ipv4(h) => Some(h.offset + usize::from(h.total_len)),
        Net::Ipv6(h) => Some(h.offset + IPV6_HEADER_LEN + usize::from(h.plen)),
        _ => None,
    }
}

fn link_fields(out: &mut Out, l: &Link) {
    match l.kind {
        LinkType::Ethernet => {
            // With 802.1Q tags, eth.type holds the tag's TPID; each tag's TCI is
            // followed by the next type (IEEE 802.1Q §9.3).
            let mut o = out.leaf("Ethernet", 0, &[("eth.dst", 6), ("eth.src", 6), ("eth.type", 2)]);
            for _ in 0..l.vlan_count {
                o = out.leaf("802.1Q", o, &[("vlan.tci", 2), ("vlan.etype", 2)]);
            }
            debug_assert_eq!(o, ETH_HEADER + VLAN_TAG * usize::from(l.vlan_count));
        }
        LinkType::LinuxSll => {
            out.leaf(
                "Linux cooked",
                0,
                &[("sll.pkttype", 2), ("sll.hatype", 2), ("sll.halen", 2), ("sll.src", 8), ("sll.etype", 2)],
            );
        }
        LinkType::LinuxSll2 => {
            out.leaf(
                "Linux cooked v2",
                0,
                &[
                    ("sll.etype", 2),
                    ("sll.reserved", 2),
                    ("sll.ifindex", 4),
                    ("sll.hatype", 2),
                    ("sll.pkttype", 1),
                    ("sll.halen", 1),
                    ("sll.src", 8),
                ],
            );
        }
        LinkType::Null | LinkType::Loop => {
            out.leaf("Null/Loopback", 0, &[("null.family", 4)]);
        }
        _ => out.gap("link", "link header", 0, l.header_len),
    }
}

fn net_fields(out: &mut Out, net: &Net, quoted: bool) {
    match net {
        Net::Ipv4(h) => {
            let layer = if quoted { "quoted IPv4" } else { "IPv4" };
            let end = out.leaf(
                layer,
                h.offset,
                &[
                    ("ip.version / ip.hdr_len", 1),
                    ("ip.dsfield", 1),
                    ("ip.len", 2),
                    ("ip.id", 2),
                    ("ip.flags / ip.frag_offset", 2),
                    ("ip.ttl", 1),
                    ("ip.proto", 1),
                    ("ip.checksum", 2),
                    ("ip.src", 4),
                    ("ip.dst", 4),
                ],
            );
            debug_assert_eq!(end, h.offset + IPV4_FIXED);
            out.gap(layer, "IP options", end, h.offset + usize::from(h.hdr_len));
        }
        Net::Ipv6(h) => {
            let layer = if quoted { "quoted IPv6" } else { "IPv6" };
            let end = out.leaf(
                layer,
                h.offset,
                &[
                    ("ipv6.version / ipv6.tclass / ipv6.flow", 4),
                    ("ipv6.plen", 2),
                    ("ipv6.nxt", 1),
                    ("ipv6.hlim", 1),
                    ("ipv6.src", 16),
                    ("ipv6.dst", 16),
                ],
            );
            out.gap(layer, "IPv6 extension headers", end, end + h.ext_len);
        }
        Net::None | Net::Other(_) => {}
    }
}

/// The leaf fields of a protocol of the dissector registry, from its tree.
fn registered_fields(out: &mut Out, pdu: &Pdu, data: &[u8]) {
    let (dissector, bytes) = (pdu.dissector(), pdu.bytes(data));
    let mut tree = Tree::new();
    dissector.tree(bytes, pdu.ctx, pdu.offset, &mut tree);
    let items = tree.items();
    for (i, item) in items.iter().enumerate() {
        // Bit fields share their word's bytes: the word is the run (a field
        // whose children are only its bits is a leaf), its bits are not.
        let only_bits = items[i + 1..].iter().take_while(|c| c.depth > item.depth).all(|c| c.bitmask != 0);
        let leaf = only_bits && item.bitmask == 0 && !item.field.is_empty();
        if let (true, Some(b)) = (leaf, item.bytes) {
            let (offset, len) = (b.offset as usize, b.len as usize);
            let layer = dissector.column_in(bytes, pdu.ctx);
            out.leaves.push(Field { layer, name: item.field.to_string(), offset, len, gap: false });
        }
    }
}

fn transport_fields(out: &mut Out, d: &Dissected<'_>, link: LinkType, data: &[u8], wire_len: usize, ip_end: usize) {
    match d.transport {
        Transport::Tcp(t) => {
            let end = tcp_header(out, t.offset, "TCP");
            let start = t.offset + usize::from(t.hdr_len);
            out.gap("TCP", "TCP options", end, start);
            payload(out, link, data, wire_len, (start, ip_end), true, d.pdu.is_some());
        }
        Transport::Udp(u) => {
            let start = udp_header(out, u.offset, "UDP");
            payload(out, link, data, wire_len, (start, ip_end), false, d.pdu.is_some());
        }
        Transport::Icmp(i) => icmp_fields(out, d, &i, ip_end),
        Transport::TcpPorts { offset, .. } => {
            tcp_header(out, offset, "TCP");
        }
        Transport::None | Transport::Other(_) => {
            if matches!(d.net, Net::Ipv4(_) | Net::Ipv6(_)) {
                out.gap("IP", "payload", d.net.payload_offset(), ip_end);
            }
        }
    }
}

fn tcp_header(out: &mut Out, at: usize, layer: &'static str) -> usize {
    let end = out.leaf(
        layer,
        at,
        &[
            ("tcp.srcport", 2),
            ("tcp.dstport", 2),
            ("tcp.seq", 4),
            ("tcp.ack", 4),
            ("tcp.hdr_len / tcp.flags", 2),
            ("tcp.window_size_value", 2),
            ("tcp.checksum", 2),
            ("tcp.urgent_pointer", 2),
        ],
    );
    debug_assert_eq!(end, at + TCP_FIXED);
    end
}

fn udp_header(out: &mut Out, at: usize, layer: &'static str) -> usize {
    let end = out.leaf(layer, at, &[("udp.srcport", 2), ("udp.dstport", 2), ("udp.length", 2), ("udp.checksum", 2)]);
    debug_assert_eq!(end, at + UDP_LEN);
    end
}

fn icmp_fields(out: &mut Out, d: &Dissected<'_>, i: &Icmp, ip_end: usize) {
    let (layer, p) = if i.v6 { ("ICMPv6", "icmpv6") } else { ("ICMP", "icmp") };
    let echo = if i.v6 { matches!(i.ty, 128 | 129) } else { matches!(i.ty, 0 | 8) };
    let names = [format!("{p}.type"), format!("{p}.code"), format!("{p}.checksum")];
    let mut o = out.leaf(layer, i.offset, &[(&names[0], 1), (&names[1], 1), (&names[2], 2)]);
    if echo {
        let (id, seq) = if i.v6 {
            ("icmpv6.echo.identifier".to_string(), "icmpv6.echo.sequence_number".to_string())
        } else {
            ("icmp.ident".to_string(), "icmp.seq".to_string())
        };
        o = out.leaf(layer, o, &[(&id, 2), (&seq, 2)]);
    } else {
        out.gap(layer, "ICMP rest of header", o, o + 4);
        o += 4;
    }
    debug_assert_eq!(o, i.offset + ICMP_LEN);
    if let Some(q) = &d.quoted {
        net_fields(out, &q.net, true);
        match q.transport {
            Transport::Udp(u) => {
                udp_header(out, u.offset, "quoted UDP");
            }
            Transport::Tcp(t) => {
                tcp_header(out, t.offset, "quoted TCP");
            }
            Transport::TcpPorts { offset, .. } => {
                out.leaf("quoted TCP", offset, &[("tcp.srcport", 2), ("tcp.dstport", 2), ("tcp.seq", 4)]);
            }
            _ => {}
        }
        out.gap(layer, "quoted datagram", o, ip_end);
    } else {
        out.gap(layer, "ICMP data", o, ip_end);
    }
}

/// The transport payload over `span` (start, end): DNS, HTTP, or a `payload` gap.
/// A payload a registered protocol took (`registered`: NBNS looks like DNS) is
/// that protocol's, whose leaves cover it.
fn payload(
    out: &mut Out,
    link: LinkType,
    data: &[u8],
    wire_len: usize,
    span: (usize, usize),
    tcp: bool,
    registered: bool,
) {
    let (start, end) = span;
    if let Some(found) = dns_in_frame(link, data, wire_len).ok().filter(|_| !registered) {
        if tcp {
            out.leaf("DNS", start, &[("dns.length", found.offset - start)]);
        }
        let partial = decode_partial(found.message);
        // A field of no bytes (the RDATA of an OPT record with no options) has no run.
        let mut rr_type = 0;
        for row in rows(found.message, &partial).into_iter().filter(|r| r.span.len > 0) {
            if let (&[hi, lo], "TYPE") = (row.bytes.as_slice(), row.key.as_str()) {
                rr_type = u16::from_be_bytes([hi, lo]);
            }
            let tshark = match row.key.as_str() {
                "RDATA" => rdata_name(rr_type),
                key => dns_name(&row.section, key),
            };
            let name = format!("{} {} ({tshark})", row.section, row.key);
            out.leaves.push(Field {
                layer: "DNS",
                name,
                offset: found.offset + row.span.start,
                len: row.span.len,
                gap: false,
            });
        }
        if let Some(e) = &partial.error {
            let at = found.offset + e.offset;
            out.gap("DNS", "DNS decoding failed here", at, at + 1);
        }
        out.gap("DNS", "DNS undecoded", found.offset, found.offset + found.message.len());
        out.gap("TCP", "payload", found.offset + found.message.len(), end);
        return;
    }
    let bytes = data.get(start..end.min(data.len())).unwrap_or(&[]);
    if tcp && !registered && super::build_http::is_http(bytes) {
        super::build_http::lines(bytes, start, &mut |layer, name, at, len, gap| {
            let f = Field { layer, name: name.to_string(), offset: at, len, gap };
            if gap {
                out.gaps.push(f)
            } else {
                out.leaves.push(f)
            }
        });
        return;
    }
    out.gap(if tcp { "TCP" } else { "UDP" }, "payload", start, end);
}

/// The tshark field name of a DNS row, from its section and key.
fn dns_name(section: &str, key: &str) -> &'static str {
    match (section, key) {
        (_, "ID") => "dns.id",
        (_, "FLAGS") => "dns.flags",
        (_, "QDCOUNT") => "dns.count.queries",
        (_, "ANCOUNT") => "dns.count.answers",
        (_, "NSCOUNT") => "dns.count.auth_rr",
        (_, "ARCOUNT") => "dns.count.add_rr",
        (_, "QNAME") => "dns.qry.name",
        (_, "QTYPE") => "dns.qry.type",
        (_, "QCLASS") => "dns.qry.class",
        (_, "NAME") => "dns.resp.name",
        (_, "TYPE") => "dns.resp.type",
        (_, "CLASS") => "dns.resp.class",
        (_, "TTL") => "dns.resp.ttl",
        (_, "RDLENGTH") => "dns.resp.len",
        (s, "label" | "compression pointer" | "root label") if s.starts_with("QUERY") => "dns.qry.name",
        (_, "label" | "compression pointer" | "root label") => "dns.resp.name",
        _ => "dns.data",
    }
}

/// tshark's field for the RDATA of a record of type `rr_type` (RFC 1035 §3.3,
/// RFC 3596 §2.2); `dns.data` for the types it splits into several fields.
fn rdata_name(rr_type: u16) -> &'static str {
    match rr_type {
        1 => "dns.a",
        2 => "dns.ns",
        5 => "dns.cname",
        12 => "dns.ptr.domain_name",
        16 => "dns.txt",
        28 => "dns.aaaa",
        _ => "dns.data",
    }
}

/// One run per byte range: leaves first (the first one found owns a byte), then
/// gaps, then `unparsed` for bytes nothing names; clipped to `len` bytes.
pub fn normalise(raw: &[Field], len: usize) -> Vec<Field> {
    let mut owner: Vec<Option<usize>> = vec![None; len];
    for (i, f) in raw.iter().enumerate().filter(|(_, f)| !f.gap).chain(raw.iter().enumerate().filter(|(_, f)| f.gap)) {
        for o in owner.iter_mut().take(f.end().min(len)).skip(f.offset) {
            o.get_or_insert(i);
        }
    }
    let mut out: Vec<Field> = Vec::new();
    let mut last: Option<Option<usize>> = None;
    for (at, who) in owner.into_iter().enumerate() {
        match out.last_mut() {
            Some(f) if last == Some(who) => f.len += 1,
            _ => out.push(match who {
                Some(i) => Field { offset: at, len: 1, ..raw[i].clone() },
                None => Field { layer: "frame", name: UNPARSED.to_string(), offset: at, len: 1, gap: true },
            }),
        }
        last = Some(who);
    }
    out
}
