//! The link-layer blocks: Ethernet II and 802.1Q, Linux cooked capture, PPP,
//! Cisco HDLC, Frame Relay, loopback.

use crate::sniff::dissect::link::field::{chdlc, eth, sll, sll2, vlan};
use crate::sniff::dissect::link::{ethertype_name, Link, LinkType, Next};
use crate::sniff::dissect::link::{
    CHDLC_HEADER_LEN, ETHERTYPE_QINQ, ETHERTYPE_VLAN, ETH_HEADER_LEN, MAX_8023_LENGTH, NULL_HEADER_LEN,
    SLL2_HEADER_LEN, SLL_HEADER_LEN, VLAN_TAG_LEN,
};
use crate::sniff::packet::{Net, Packet};
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::{bit_pattern, checksum_status};
use crate::sniff::tree::Tree;
use crate::sniff::tree::{Draft, Ftype, Group, Severity};
use crate::sniff::value::Value;

pub fn link(out: &mut Tree, l: &Link, padding: Padding<'_>) {
    match l.kind {
        LinkType::Ethernet => {
            ethernet(out, l);
            vlans(out, l);
            trailer(out, padding, if l.vlans().is_empty() { "eth.trailer" } else { "vlan.trailer" });
        }
        LinkType::Null | LinkType::Loop => {
            out.at(0).proto("null").bytes(0, NULL_HEADER_LEN).line(format_args!("Null/Loopback"));
            let fam = match l.family {
                2 => "IP",
                10 | 24 | 28 | 30 => "IPv6",
                _ => "Unknown",
            };
            out.at(1)
                .field("null.family", Ftype::Uint32, l.family)
                .bytes(0, NULL_HEADER_LEN)
                .line(format_args!("Family: {fam} ({})", l.family))
        }
        LinkType::LinuxSll | LinkType::LinuxSll2 => sll(out, l),
        LinkType::Raw => out
            .at(0)
            .field("raw", Ftype::Protocol, RAW_TITLE)
            .bytes(0, padding.frame_len)
            .line(format_args!("{RAW_TITLE}")),
        LinkType::Ipv4 | LinkType::Ipv6 => {}
        LinkType::Ppp | LinkType::PppSerial => ppp(out, l),
        LinkType::CHdlc => {
            out.at(0).proto("chdlc").bytes(0, CHDLC_HEADER_LEN).line(format_args!("Cisco HDLC"));
            // Cisco HDLC's protocol 0x8035 is SLARP, not RARP as in an EtherType.
            let name = match l.link_proto {
                crate::sniff::dissect::slarp::CHDLC_PROTO => "SLARP",
                p => ethertype_name(p).unwrap_or("Unknown"),
            };
            out.at(1)
                .field("chdlc.protocol", Ftype::Uint16, Value::hex16(l.link_proto))
                .bytes(chdlc::PROTOCOL.start, chdlc::PROTOCOL.len())
                .line(format_args!("Protocol: {name} (0x{:04x})", l.link_proto))
        }
        LinkType::FrameRelay => {
            out.text(0, format_args!("Frame Relay"));
            out.text(1, format_args!("DLCI: {}", l.dlci));
            out.text(1, format_args!("NLPID: 0x{:02x}", l.link_proto))
        }
        LinkType::Slip => {
            out.text(0, format_args!("SLIP (libpcap pseudo-header)"));
            out.text(1, format_args!("Direction: {}", if l.dlci == 0 { "received" } else { "sent" }))
        }
        LinkType::Other(dlt) => out.text(
            0,
            format_args!("link type {} ({dlt}) not decoded by socklab", crate::sniff::dissect::link::dlt_name(dlt)),
        ),
    }
}

/// PPP (RFC 1661 §2): the `ppp` protocol over the header; its protocol number
/// as `ppp.protocol` when it takes two bytes (tshark shows a compressed one
/// otherwise). The address and control bytes of HDLC-like framing are left out.
fn ppp(out: &mut Tree, l: &Link) {
    /// Bytes of an uncompressed PPP protocol number.
    const PROTOCOL_LEN: usize = 2;
    /// Bytes of the HDLC-like framing's address and control (RFC 1662 §3.1).
    const HDLC_LEN: usize = 2;
    out.at(0).proto("ppp").bytes(0, l.header_len).line(format_args!("Point-to-Point Protocol"));
    let line = format_args!("Protocol: {} (0x{:04x})", ppp_protocol_name(l.link_proto), l.link_proto);
    if l.header_len == PROTOCOL_LEN || l.header_len == HDLC_LEN + PROTOCOL_LEN {
        let at = l.header_len - PROTOCOL_LEN;
        out.at(1).field("ppp.protocol", Ftype::Uint16, Value::hex16(l.link_proto)).bytes(at, PROTOCOL_LEN).line(line);
    } else {
        out.text(1, line);
    }
}

/// Wireshark's title of a raw IP frame, also the `raw` protocol's JSON value.
const RAW_TITLE: &str = "Raw packet data";

/// The Ethernet II header (both addresses and the type), or an IEEE 802.3
/// header (both addresses and the length).
fn ethernet(out: &mut Tree, l: &Link) {
    let ieee_802_3 = l.eth_type <= MAX_8023_LENGTH;
    // The frame's own header starts at 0; a tunnelled frame's after the tunnel's headers.
    let o = l.offset;
    if ieee_802_3 {
        out.at(0).proto("eth").bytes(o, ETH_HEADER_LEN).line(format_args!("IEEE 802.3 Ethernet "));
    } else {
        out.at(0).proto("eth").bytes(o, ETH_HEADER_LEN).line(format_args!(
            "Ethernet II, Src: {}, Dst: {}",
            Mac(&l.eth_src),
            Mac(&l.eth_dst)
        ));
    }
    mac_tree(out, &DST, "Destination", &l.eth_dst, o + eth::DST.start);
    mac_tree(out, &SRC, "Source", &l.eth_src, o + eth::SRC.start);
    let at = eth::ETHERTYPE;
    if ieee_802_3 {
        let len = l.eth_type;
        out.at(1)
            .field("eth.len", Ftype::Uint16, len)
            .bytes(o + at.start, at.len())
            .line(format_args!("Length: {len}"));
    } else {
        let line = format_args!("Type: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type);
        out.at(1).field("eth.type", Ftype::Uint16, Value::hex16(l.eth_type)).bytes(o + at.start, at.len()).line(line);
    }
}

/// The 802.1Q tags, each a `vlan` protocol. A stack socklab stopped decoding
/// (more tags than it reads) or an 802.1ad tag (tshark's `ieee8021ad`) is text only.
fn vlans(out: &mut Tree, l: &Link) {
    let tags = l.vlans();
    let whole = tags.last().is_none_or(|v| v.inner_type != ETHERTYPE_VLAN && v.inner_type != ETHERTYPE_QINQ);
    for (i, v) in tags.iter().enumerate() {
        let at = l.offset + ETH_HEADER_LEN + i * VLAN_TAG_LEN;
        let fields = whole && v.tpid == ETHERTYPE_VLAN;
        let title = format_args!(
            "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
            v.tci >> 13,
            (v.tci >> 12) & 1,
            v.tci & 0x0fff
        );
        if fields {
            out.at(0).proto("vlan").bytes(at, VLAN_TAG_LEN).line(title);
        } else {
            out.text(0, title);
        }
        vlan_tci(out, v.tci, fields.then_some(at + vlan::TCI.start));
        let line = format_args!("Type: {} (0x{:04x})", ethertype_name(v.inner_type).unwrap_or("Unknown"), v.inner_type);
        if fields && v.inner_type > MAX_8023_LENGTH {
            let off = at + vlan::INNER_TYPE.start;
            let len = vlan::INNER_TYPE.len();
            out.at(1).field("vlan.etype", Ftype::Uint16, Value::hex16(v.inner_type)).bytes(off, len).line(line);
        } else {
            out.text(1, line);
        }
    }
}

/// A VLAN tag's priority, DEI and ID bits (IEEE 802.1Q §9.6); as fields when
/// `at` gives the TCI's offset, else as text.
fn vlan_tci(out: &mut Tree, tci: u16, at: Option<usize>) {
    /// Priority code point, drop eligible indicator and VLAN id bits of the TCI.
    const PCP: u16 = 0xe000;
    const DEI: u16 = 0x1000;
    const VID: u16 = 0x0fff;
    let tci32 = u32::from(tci);
    let (pcp, dei, vid) = (tci32 >> 13, (tci32 >> 12) & 1, tci32 & 0xfff);
    let eligible = if dei == 1 { "Eligible" } else { "Ineligible" };
    let lines = [
        (
            "vlan.priority",
            Ftype::Uint16,
            PCP,
            pcp,
            format!("{} = Priority: {} ({pcp})", bit_pattern(pcp, 3, 13, 16), priority_name(pcp)),
        ),
        ("vlan.dei", Ftype::Boolean, DEI, dei, format!("{} = DEI: {eligible}", bit_pattern(dei, 1, 12, 16))),
        ("vlan.id", Ftype::Uint16, VID, vid, format!("{} = ID: {vid}", bit_pattern(vid, 12, 0, 16))),
    ];
    for (field, ftype, mask, value, line) in lines {
        match at {
            Some(off) => out
                .at(1)
                .field(field, ftype, value)
                .bytes(off, vlan::TCI.len())
                .mask(u64::from(mask), u64::from(value))
                .line(format_args!("{line}")),
            None => out.text(1, format_args!("{line}")),
        }
    }
}

/// What follows the network-layer packet of an Ethernet frame, as tshark splits
/// it (its "zeros" padding rule, FCS guessed from the length): padding of zeros
/// up to the minimum frame size (IEEE 802.3 §3.2.8), then a trailer, then a
/// frame check sequence when the frame on the wire is at least 64 bytes and the
/// rest holds four (§3.2.9). `trailer` names the trailer field: `eth.trailer`, or
/// `vlan.trailer` behind an 802.1Q tag. Bytes not captured are left out.
fn trailer(out: &mut Tree, p: Padding<'_>, trailer: &'static str) {
    let reported = p.wire_len.saturating_sub(p.offset);
    if reported == 0 {
        return;
    }
    let maybe_padded = p.wire_len >= ETH_MIN_FRAME && p.offset < ETH_MIN_FRAME;
    let mut pad = if maybe_padded { ETH_MIN_FRAME - p.offset } else { 0 };
    if p.bytes.get(..pad).is_none_or(|b| b.iter().any(|&x| x != 0)) {
        pad = 0;
    }
    if pad > 0 {
        let hex = Hex(&p.bytes[..pad]);
        out.at(1)
            .field("eth.padding", Ftype::Bytes, Mac(&p.bytes[..pad]))
            .bytes(p.offset, pad)
            .line(format_args!("Padding: {hex}"));
    }
    let (mut len, mut left) = (p.bytes.len() - pad, reported - pad);
    let fcs = p.wire_len >= ETH_MIN_FRAME + FCS_LEN && left >= FCS_LEN;
    if fcs {
        left -= FCS_LEN;
        len = len.min(left);
    }
    let at = p.offset + pad;
    if len > 0 {
        let bytes = &p.bytes[pad..pad + len];
        out.at(1).field(trailer, Ftype::Bytes, Mac(bytes)).bytes(at, len).line(format_args!("Trailer: {}", Hex(bytes)));
        if maybe_padded && pad == 0 {
            let msg =
                "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.";
            out.expert(2, "eth.padding_bad", Severity::Note, Group::Protocol, msg);
        }
    }
    if let Some(b) = p.bytes.get(pad + len..pad + len + FCS_LEN).filter(|_| fcs) {
        let value = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        out.at(1)
            .field("eth.fcs", Ftype::Uint32, format_args!("0x{value:08x}"))
            .bytes(at + len, FCS_LEN)
            .line(format_args!("Frame check sequence: 0x{value:08x} [unverified]"));
        out.at(1)
            .field("eth.fcs.status", Ftype::Uint8, checksum_status::UNVERIFIED)
            .line(format_args!("[FCS Status: Unverified]"));
    }
}

/// Bytes of the Ethernet frame check sequence (IEEE 802.3 §3.2.9).
const FCS_LEN: usize = 4;

/// Smallest Ethernet frame without its frame check sequence (IEEE 802.3 §4.4.2: 64 bytes with it).
const ETH_MIN_FRAME: usize = 60;

/// Wireshark's name of a PPP protocol number (IANA PPP DLL protocol numbers).
pub fn ppp_protocol_name(proto: u16) -> &'static str {
    match proto {
        crate::sniff::dissect::link::PPP_IPV4 => "Internet Protocol version 4",
        crate::sniff::dissect::link::PPP_IPV6 => "Internet Protocol version 6",
        0xc021 => "Link Control Protocol",
        0x8021 => "Internet Protocol Control Protocol",
        0x8057 => "IPv6 Control Protocol",
        0xc023 => "Password Authentication Protocol",
        0xc223 => "Challenge Handshake Authentication Protocol",
        _ => "Unknown",
    }
}

/// IEEE 802.1Q priority code point names, as Wireshark shows them.
pub fn priority_name(pcp: u32) -> &'static str {
    match pcp {
        0 => "Best Effort (default)",
        1 => "Background",
        2 => "Excellent Effort",
        3 => "Critical Applications",
        4 => "Video, < 100ms latency and jitter",
        5 => "Voice, < 10ms latency and jitter",
        6 => "Internetwork Control",
        _ => "Network Control",
    }
}

/// Bytes after the network-layer packet that Ethernet carried to reach its minimum
/// frame size (IEEE 802.3 §3.2.8), shown as Padding, with where they start.
#[derive(Clone, Copy)]
pub struct Padding<'a> {
    /// The padding bytes (empty: none).
    pub bytes: &'a [u8],
    /// Their offset in the frame.
    pub offset: usize,
    /// The captured length of the frame.
    pub frame_len: usize,
    /// The frame's length on the wire.
    pub wire_len: usize,
}

/// No padding: for the link header of a frame a tunnel carries.
pub fn no_padding(p: &Packet<'_>) -> Padding<'static> {
    Padding { bytes: &[], offset: p.data.len(), frame_len: p.data.len(), wire_len: p.data.len() }
}

/// The padding of an Ethernet frame `p`, after its network-layer packet.
pub fn padding<'a>(p: &Packet<'a>, l: &Link) -> Padding<'a> {
    let none = Padding { bytes: &[], offset: p.data.len(), frame_len: p.data.len(), wire_len: p.len as usize };
    if l.kind != LinkType::Ethernet {
        return none;
    }
    // The outermost network layer ends the frame (an inner one may end earlier).
    let outermost = p.d.tunnels().first().copied().unwrap_or(p.d.net);
    let end = match (outermost, l.next) {
        // An IEEE 802.3 frame's length field says where its LLC data ends.
        (Net::None, Next::Length(len)) if p.d.pdu.is_some() => l.header_len + usize::from(len),
        (net, _) => match net {
            Net::Ipv4(h) if h.total_len >= u16::from(h.hdr_len) => h.offset + usize::from(h.total_len),
            Net::Ipv6(h) if h.plen != 0 => h.offset + 40 + usize::from(h.plen),
            Net::Other(_) => match p.d.pdu {
                Some(pdu) => match pdu.dissector().len(pdu.bytes(p.data)) {
                    Some(len) => pdu.offset + len,
                    None => return none,
                },
                None => return none,
            },
            _ => return none,
        },
    };
    match p.data.get(end..) {
        Some(bytes) => Padding { bytes, offset: end, ..none },
        None => none,
    }
}

/// Linux cooked capture v1 or v2, fields in the order each version stores them.
pub fn sll(out: &mut Tree, l: &Link) {
    let v2 = l.kind == LinkType::LinuxSll2;
    let (len, name) = if v2 { (SLL2_HEADER_LEN, "v2") } else { (SLL_HEADER_LEN, "v1") };
    out.at(0).proto("sll").bytes(0, len).line(format_args!("Linux cooked capture {name}"));
    let s = &l.sll;
    let pt = match s.pkttype {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => "Unknown",
    };
    let hatype = match s.hatype {
        ARPHRD_ETHER => "Ethernet",
        ARPHRD_LOOPBACK => "Loopback",
        776 => "IPv6-in-IPv4",
        ARPHRD_IPGRE => "IP GRE",
        65534 => "None",
        _ => "Unknown",
    };
    // Where each header field is in this version.
    let at = |v1: std::ops::Range<usize>, v2_at: std::ops::Range<usize>| if v2 { v2_at } else { v1 };
    let pkttype = at(sll::PKTTYPE, sll2::PKTTYPE..sll2::PKTTYPE + 1);
    let hatype_at = at(sll::HATYPE, sll2::HATYPE);
    let addr_len = at(sll::ADDR_LEN, sll2::ADDR_LEN..sll2::ADDR_LEN + 1);
    let addr = at(sll::ADDR, sll2::ADDR);
    let proto = at(sll::PROTOCOL, sll2::PROTOCOL);
    let pkttype_field = |out: &mut Tree| {
        field16(out, "sll.pkttype", s.pkttype, pkttype.clone(), format_args!("Packet type: {pt} ({})", s.pkttype))
    };
    let hatype_field = |out: &mut Tree| {
        let line = format_args!("Link-layer address type: {hatype} ({})", s.hatype);
        field16(out, "sll.hatype", s.hatype, hatype_at.clone(), line)
    };
    if v2 {
        sll_protocol(out, l, proto.clone());
        let ifindex = s.ifindex;
        out.at(1)
            .field("sll.ifindex", Ftype::Uint32, ifindex)
            .bytes(sll2::IFINDEX.start, sll2::IFINDEX.len())
            .line(format_args!("Interface index: {ifindex}"));
        hatype_field(out);
        pkttype_field(out);
    } else {
        pkttype_field(out);
        hatype_field(out);
    }
    field16(out, "sll.halen", s.addr_len, addr_len, format_args!("Link-layer address length: {}", s.addr_len));
    let n = usize::from(s.addr_len).min(8);
    let source = format_args!("Source: {}", Mac(&s.addr[..n]));
    if n == 6 && matches!(s.hatype, ARPHRD_ETHER | ARPHRD_LOOPBACK) {
        out.at(1).field("sll.src.eth", Ftype::Ether, Mac(&s.addr[..n])).bytes(addr.start, n).line(source);
    } else {
        // tshark shows other addresses as other fields (sll.src.other, sll.src.ipv4).
        out.text(1, source);
    }
    if n < 8 {
        out.at(1)
            .field("sll.unused", Ftype::Bytes, Mac(&s.addr[n..]))
            .bytes(addr.start + n, 8 - n)
            .line(format_args!("Unused: {}", Hex(&s.addr[n..])));
    }
    if !v2 {
        sll_protocol(out, l, proto);
    }
}

/// ARPHRD_ETHER: the device's link-layer addresses are Ethernet MACs (Linux if_arp.h).
const ARPHRD_ETHER: u16 = 1;
/// ARPHRD_LOOPBACK: the loopback device, MACs of zeros (Linux if_arp.h).
const ARPHRD_LOOPBACK: u16 = 772;

/// A 16-bit Linux cooked header field at `at` (tshark types them all `FT_UINT16`).
fn field16(out: &mut Tree, field: &'static str, value: u16, at: std::ops::Range<usize>, line: std::fmt::Arguments<'_>) {
    out.at(1).field(field, Ftype::Uint16, value).bytes(at.start, at.len()).line(line);
}

/// The Linux cooked header's protocol: `sll.gretype` on a GRE device, else
/// `sll.etype` for an EtherType (tshark calls a smaller number `sll.ltype`, and
/// a netlink device's `sll.protocol`: those stay text here).
fn sll_protocol(out: &mut Tree, l: &Link, at: std::ops::Range<usize>) {
    let line = format!("Protocol: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type);
    let field = match l.sll.hatype {
        ARPHRD_IPGRE => Some("sll.gretype"),
        ARPHRD_NETLINK => None,
        _ => (l.eth_type > MAX_8023_LENGTH).then_some("sll.etype"),
    };
    match field {
        Some(f) => out
            .at(1)
            .field(f, Ftype::Uint16, Value::hex16(l.eth_type))
            .bytes(at.start, at.len())
            .line(format_args!("{line}")),
        None => out.text(1, format_args!("{line}")),
    }
}

/// ARPHRD_IPGRE: a GRE tunnel device, whose protocol is the GRE payload's (Linux if_arp.h).
const ARPHRD_IPGRE: u16 = 778;
/// ARPHRD_NETLINK: the netlink monitor device, whose protocol is a netlink family (Linux if_arp.h).
const ARPHRD_NETLINK: u16 = 824;

/// The tshark fields of one Ethernet address: its own, its resolved name (with
/// `-n`, the address), its OUI and its LG and IG bits.
struct MacFields {
    addr: &'static str,
    resolved: &'static str,
    oui: &'static str,
    lg: &'static str,
    ig: &'static str,
}

const DST: MacFields =
    MacFields { addr: "eth.dst", resolved: "eth.dst_resolved", oui: "eth.dst.oui", lg: "eth.dst.lg", ig: "eth.dst.ig" };
const SRC: MacFields =
    MacFields { addr: "eth.src", resolved: "eth.src_resolved", oui: "eth.src.oui", lg: "eth.src.lg", ig: "eth.src.ig" };
/// The fields every address of the frame also counts as (`eth.addr == …`).
const ANY: MacFields =
    MacFields { addr: "eth.addr", resolved: "eth.addr_resolved", oui: "eth.addr.oui", lg: "eth.lg", ig: "eth.ig" };

/// The LG and IG bits of a MAC address (IEEE 802 §8.2), as masks over its first three bytes.
const LG_MASK: u64 = 0x02_0000;
const IG_MASK: u64 = 0x01_0000;
/// Bytes of an organizationally unique identifier.
const OUI_LEN: usize = 3;

/// A MAC address at `off` with its LG and IG bits (IEEE 802 §8.2), as tshark's
/// tree: the address, then `eth.addr` and the bits, each also under its
/// address-neutral name (hidden). The OUI's vendor name is left out: tshark
/// resolves it even with `-n`, from a table socklab does not carry.
fn mac_tree(out: &mut Tree, f: &MacFields, label: &str, mac: &[u8; 6], off: usize) {
    let (lg, ig) = ((mac[0] >> 1) & 1, mac[0] & 1);
    let oui = u32::from_be_bytes([0, mac[0], mac[1], mac[2]]);
    let names = |out: &mut Tree, n: &MacFields| {
        out.at(2).field(n.resolved, Ftype::String, Mac(mac)).bytes(off, mac.len()).hidden();
        out.at(2).field(n.oui, Ftype::Uint24, oui).bytes(off, OUI_LEN).hidden();
    };
    out.at(1).field(f.addr, Ftype::Ether, Mac(mac)).bytes(off, mac.len()).line(format_args!("{label}: {}", Mac(mac)));
    if f.addr == SRC.addr && ig == 1 {
        // IEEE 802.3 §3.2.3(b): a source address is always an individual one.
        let msg = "Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)";
        out.expert(2, "eth.src_not_group", Severity::Warning, Group::Protocol, msg);
    }
    names(out, f);
    out.at(2).field(ANY.addr, Ftype::Ether, Mac(mac)).bytes(off, mac.len()).line(format_args!("Address: {}", Mac(mac)));
    names(out, &ANY);
    let lg_text = if lg == 1 {
        "Locally administered address (this is NOT the factory default)"
    } else {
        "Globally unique address (factory default)"
    };
    fn bit<'t>(out: &'t mut Tree, name: &'static str, mask: u64, value: u8, off: usize) -> Draft<'t> {
        out.at(2).field(name, Ftype::Boolean, value).bytes(off, OUI_LEN).mask(mask, u64::from(value))
    }
    bit(out, f.lg, LG_MASK, lg, off).line(format_args!(".... ..{lg}. .... .... .... .... = LG bit: {lg_text}"));
    bit(out, ANY.lg, LG_MASK, lg, off).hidden();
    let ig_text = if ig == 1 { "Group address (multicast/broadcast)" } else { "Individual address (unicast)" };
    bit(out, f.ig, IG_MASK, ig, off).line(format_args!(".... ...{ig} .... .... .... .... = IG bit: {ig_text}"));
    bit(out, ANY.ig, IG_MASK, ig, off).hidden();
}

#[cfg(test)]
mod tests;
