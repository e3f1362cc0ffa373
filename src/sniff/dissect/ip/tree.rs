//! The network-layer blocks: IPv4 (with DSCP and ECN names), IPv6, ARP.

use crate::sniff::dissect::ip::IPV6_HEADER_LEN;
use crate::sniff::packet::{Ipv4, Ipv6};
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::{bit_pattern, checksum_status, set};
use crate::sniff::tree::Tree;
use crate::sniff::tree::{Draft, Ftype, Group, Severity};
use crate::sniff::value::Value;
use std::fmt;
use std::net::IpAddr;

pub fn proto_name(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        2 => "IGMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        89 => "OSPF IGP",
        112 => "VRRP",
        0 => "IPv6 Hop-by-Hop Option",
        43 => "Routing Header for IPv6",
        44 => "Fragment Header for IPv6",
        59 => "IPv6 No Next Header",
        60 => "Destination Options for IPv6",
        _ => "Unknown",
    }
}

/// Byte offsets of the IPv4 (RFC 791 §3.1) and IPv6 (RFC 8200 §3) header fields,
/// from the header's start.
mod field {
    /// IPv4 (RFC 791 §3.1).
    pub mod ipv4 {
        /// Version and header length (IHL).
        pub const VERSION_IHL: usize = 0;
        /// Differentiated services field (DSCP and ECN, RFC 2474 §3, RFC 3168 §5).
        pub const DSFIELD: usize = 1;
        /// Total length.
        pub const TOTAL_LEN: usize = 2;
        /// Identification.
        pub const ID: usize = 4;
        /// Flags (top three bits) and fragment offset.
        pub const FLAGS_FRAG: usize = 6;
        /// Time to live.
        pub const TTL: usize = 8;
        /// Protocol.
        pub const PROTO: usize = 9;
        /// Header checksum.
        pub const CHECKSUM: usize = 10;
        /// Source address.
        pub const SRC: usize = 12;
        /// Destination address.
        pub const DST: usize = 16;
    }

    /// IPv6 (RFC 8200 §3).
    pub mod ipv6 {
        /// Version, traffic class and flow label (the first 32-bit word).
        pub const VERSION_TC: usize = 0;
        /// Flow label (the low 20 bits of the first word: its last three bytes).
        pub const FLOW: usize = 1;
        /// Payload length.
        pub const PLEN: usize = 4;
        /// Next header.
        pub const NXT: usize = 6;
        /// Hop limit.
        pub const HLIM: usize = 7;
        /// Source address.
        pub const SRC: usize = 8;
        /// Destination address.
        pub const DST: usize = 24;
    }
}

/// Bits of the DS field / traffic class: DSCP (RFC 2474 §3) over ECN (RFC 3168 §5).
const DSCP_MASK: u64 = 0xfc;
const ECN_MASK: u64 = 0x03;
/// The three flag bits and the fragment offset of IPv4 (RFC 791 §3.1).
const FLAGS_MASK: u64 = 0xe0;
const RB_MASK: u64 = 0x80;
const DF_MASK: u64 = 0x40;
const MF_MASK: u64 = 0x20;
const FRAG_OFFSET_MASK: u64 = 0x1fff;
/// Where the traffic class and flow label sit in IPv6's first 32-bit word.
const TCLASS_SHIFT: u32 = 20;
const FLOW_MASK: u64 = 0x000f_ffff;
/// ip.version as IPv6 adds it: the high nibble of the first byte.
const VERSION_MASK: u64 = 0xf0;
/// Lengths of the fixed fields of the IP headers.
const LEN_U8: usize = 1;
const LEN_U16: usize = 2;
const LEN_U24: usize = 3;
const LEN_U32: usize = 4;
const LEN_IPV4_ADDR: usize = 4;
const LEN_IPV6_ADDR: usize = 16;

/// The tshark names of one address's four fields: the shown one, then the hidden
/// `addr`, `*_host` and `host` that match either direction.
struct AddrNames {
    addr: &'static str,
    both: &'static str,
    host: &'static str,
    any_host: &'static str,
}

const IPV4_SRC: AddrNames = AddrNames { addr: "ip.src", both: "ip.addr", host: "ip.src_host", any_host: "ip.host" };
const IPV4_DST: AddrNames = AddrNames { addr: "ip.dst", both: "ip.addr", host: "ip.dst_host", any_host: "ip.host" };
const IPV6_SRC: AddrNames =
    AddrNames { addr: "ipv6.src", both: "ipv6.addr", host: "ipv6.src_host", any_host: "ipv6.host" };
const IPV6_DST: AddrNames =
    AddrNames { addr: "ipv6.dst", both: "ipv6.addr", host: "ipv6.dst_host", any_host: "ipv6.host" };

/// An address field with its hidden companions, as tshark adds them (host names
/// are the address itself: socklab does not resolve names, like `tshark -n`).
/// With `keep` false only the `-V` line is added (see [`named`]).
fn address(out: &mut Tree, d: usize, names: &AddrNames, label: &str, addr: IpAddr, at: usize, keep: bool) {
    let (len, ftype) = match addr {
        IpAddr::V4(_) => (LEN_IPV4_ADDR, Ftype::Ipv4),
        IpAddr::V6(_) => (LEN_IPV6_ADDR, Ftype::Ipv6),
    };
    named(out.at(d), keep, names.addr, ftype, addr).bytes(at, len).line(format_args!("{label}: {addr}"));
    if !keep {
        return;
    }
    out.at(d).field(names.both, ftype, addr).bytes(at, len).hidden();
    out.at(d).field(names.host, Ftype::String, addr).bytes(at, len).hidden();
    out.at(d).field(names.any_host, Ftype::String, addr).bytes(at, len).hidden();
}

/// The IPv4 header (RFC 791 §3.1) at depth `d` (1 when quoted in an ICMP error).
/// `left` is what the frame holds on the wire from the header on, to check the
/// total length against; `None` in an ICMP error, whose quote is cut short by design.
pub fn ipv4(out: &mut Tree, h: &Ipv4, d: usize, left: Option<usize>) {
    use field::ipv4::*;
    let o = h.offset;
    // A zero total length (TCP segmentation offload) is the frame's length to
    // tshark, which socklab does not know here: only the line. Another one
    // shorter than the header is bogus: tshark stops there, before the addresses.
    let tso = h.total_len == 0;
    let bogus = !tso && h.total_len < u16::from(h.hdr_len);
    let title = out.at(d).proto("ip").bytes(o, usize::from(h.hdr_len));
    if bogus {
        title.line(format_args!("Internet Protocol Version 4"));
    } else {
        title.line(format_args!("Internet Protocol Version 4, Src: {}, Dst: {}", h.src, h.dst));
    }
    out.at(d + 1)
        .field("ip.version", Ftype::Uint8, 4)
        .bytes(o + VERSION_IHL, LEN_U8)
        .line(format_args!("0100 .... = Version: 4"));
    out.at(d + 1).field("ip.hdr_len", Ftype::Uint8, h.hdr_len).bytes(o + VERSION_IHL, LEN_U8).line(format_args!(
        ".... {:04b} = Header Length: {} bytes ({})",
        h.hdr_len / 4,
        h.hdr_len,
        h.hdr_len / 4
    ));
    ipv4_dsfield(out, h, d + 1);
    let len = named(out.at(d + 1), !tso, "ip.len", Ftype::Uint16, h.total_len).bytes(o + TOTAL_LEN, LEN_U16);
    if bogus {
        len.line(format_args!("Total Length: {} bytes (bogus, less than header length {})", h.total_len, h.hdr_len));
        out.expert(d + 2, "ip.bogus_ip_length", Severity::Error, Group::Protocol, "Bogus IP length");
    } else {
        len.line(format_args!("Total Length: {}", h.total_len));
    }
    if let Some(left) = left.filter(|&n| !tso && usize::from(h.total_len) > n) {
        let msg = format!("IPv4 total length exceeds packet length ({left} bytes)");
        out.expert(d + 2, "ip.bogus_ip_length", Severity::Error, Group::Protocol, &msg);
    }
    // tshark stops at a bogus total length: the rest are lines.
    ipv4_rest(out, h, d + 1, !bogus);
}

/// A field, or with `keep` false a text-only line (where tshark has no such field).
fn named<'t>(draft: Draft<'t>, keep: bool, name: &'static str, ftype: Ftype, value: impl fmt::Display) -> Draft<'t> {
    if keep {
        draft.field(name, ftype, value)
    } else {
        draft
    }
}

/// The IPv4 fields after the total length, as fields if `keep`.
fn ipv4_rest(out: &mut Tree, h: &Ipv4, d: usize, keep: bool) {
    use field::ipv4::*;
    let o = h.offset;
    named(out.at(d), keep, "ip.id", Ftype::Uint16, Value::Hex { value: u64::from(h.id), digits: 4 })
        .bytes(o + ID, LEN_U16)
        .line(format_args!("Identification: 0x{:04x} ({})", h.id, h.id));
    ipv4_flags(out, h, d, keep);
    named(out.at(d), keep, "ip.ttl", Ftype::Uint8, h.ttl)
        .bytes(o + TTL, LEN_U8)
        .line(format_args!("Time to Live: {}", h.ttl));
    if let Some((field, msg)) = ttl_note(h).filter(|_| keep) {
        out.expert(d + 1, field, Severity::Note, Group::Sequence, &msg);
    }
    named(out.at(d), keep, "ip.proto", Ftype::Uint8, h.proto).bytes(o + PROTO, LEN_U8).line(format_args!(
        "Protocol: {} ({})",
        proto_name(h.proto),
        h.proto
    ));
    named(out.at(d), keep, "ip.checksum", Ftype::Uint16, Value::Hex { value: u64::from(h.checksum), digits: 4 })
        .bytes(o + CHECKSUM, LEN_U16)
        .line(format_args!("Header Checksum: 0x{:04x} [validation disabled]", h.checksum));
    named(out.at(d), keep, "ip.checksum.status", Ftype::Uint8, checksum_status::UNVERIFIED)
        .line(format_args!("[Header checksum status: Unverified]"));
    address(out, d, &IPV4_SRC, "Source Address", IpAddr::V4(h.src), o + SRC, keep);
    address(out, d, &IPV4_DST, "Destination Address", IpAddr::V4(h.dst), o + DST, keep);
}

/// IP protocol numbers whose packets may carry a low TTL to a unicast address:
/// PIM (RFC 7761 §4.9) and OSPF (RFC 2328 §A.1).
const PROTO_PIM: u8 = 103;
const PROTO_OSPF: u8 = 89;
const PROTO_IGMP: u8 = 2;
/// Below this TTL a packet to a unicast address is noted, as Wireshark does.
const TTL_LOW: u8 = 5;
/// The TTL a packet to the Local Network Control Block has (RFC 5771 §4: never
/// forwarded, so 1), except the groups whose protocols send 255 (VRRP, RFC 5798
/// §5.1.1.3; GLBP; mDNS, RFC 6762 §11) or any TTL (LLMNR, RFC 4795 §2.5): `None`.
fn control_block_ttl(h: &Ipv4) -> Option<u8> {
    const VRRP: u8 = 18;
    const GLBP: u8 = 102;
    const MDNS: u8 = 251;
    const LLMNR: u8 = 252;
    if h.proto == PROTO_IGMP {
        return Some(1);
    }
    match h.dst.octets()[3] {
        VRRP | GLBP | MDNS => Some(255),
        LLMNR => None,
        _ => Some(1),
    }
}

/// Wireshark's expert note on the TTL, if any: its field and message. A packet
/// to 224.0.0.0/24 must have the block's TTL; one to another non-multicast
/// address a TTL of at least 5 (unless PIM or OSPF).
fn ttl_note(h: &Ipv4) -> Option<(&'static str, String)> {
    let [a, b, c, _] = h.dst.octets();
    if [a, b, c] == [224, 0, 0] {
        let want = control_block_ttl(h).filter(|&t| t != h.ttl)?;
        let msg =
            format!("\"Time To Live\" != {want} for a packet sent to the Local Network Control Block (see RFC 3171)");
        return Some(("ip.ttl.lncb", msg));
    }
    let low = h.ttl < TTL_LOW && !h.dst.is_multicast() && h.proto != PROTO_PIM && h.proto != PROTO_OSPF;
    low.then(|| ("ip.ttl.too_small", format!("\"Time To Live\" only {}", h.ttl)))
}

/// The MAC address a global unicast IPv6 address was formed from by stateless
/// autoconfiguration (RFC 4862 §5.5.3), when its interface identifier is a
/// modified EUI-64 (RFC 4291 Appendix A: `ff:fe` in the middle, the U/L bit
/// inverted), as tshark adds it with its address-neutral twin. Only in 2000::/3
/// outside Teredo (2001::/32) and 6to4 (2002::/16), where tshark shows other
/// fields; it adds none for a link-local address.
fn slaac_mac(out: &mut Tree, d: usize, name: &'static str, label: &str, addr: &std::net::Ipv6Addr, at: usize) {
    /// Where the interface identifier starts, and its length.
    const IID: usize = 8;
    /// The bit of the first byte EUI-64 inverts (RFC 4291 Appendix A).
    const UNIVERSAL_LOCAL: u8 = 0x02;
    let b = addr.octets();
    let global = b[0] & 0xe0 == 0x20 && b[..4] != [0x20, 0x01, 0, 0] && b[..2] != [0x20, 0x02];
    if !global || b[11..13] != [0xff, 0xfe] {
        return;
    }
    let mac = [b[8] ^ UNIVERSAL_LOCAL, b[9], b[10], b[13], b[14], b[15]];
    let line = format_args!("[{label} SLAAC MAC: {}]", Mac(&mac));
    out.at(d).field(name, Ftype::Ether, Mac(&mac)).bytes(at + IID, IID).line(line);
    out.at(d).field("ipv6.slaac_mac", Ftype::Ether, Mac(&mac)).bytes(at + IID, IID).hidden();
}

/// The differentiated services field and its DSCP and ECN bits (RFC 2474 §3, RFC 3168 §5).
fn ipv4_dsfield(out: &mut Tree, h: &Ipv4, d: usize) {
    let at = h.offset + field::ipv4::DSFIELD;
    let ds = h.dsfield;
    out.at(d)
        .field("ip.dsfield", Ftype::Uint8, Value::Hex { value: u64::from(ds), digits: 2 })
        .bytes(at, LEN_U8)
        .line(format_args!("Differentiated Services Field: 0x{ds:02x} (DSCP: {}, ECN: {})", dscp(ds >> 2), ecn(ds)));
    let (code, bits) = (ds >> 2, u32::from(ds) & 3);
    out.at(d + 1).field("ip.dsfield.dscp", Ftype::Uint8, code).bytes(at, LEN_U8).mask(DSCP_MASK, code.into()).line(
        format_args!(
            "{} = Differentiated Services Codepoint: {} ({code})",
            bit_pattern(code.into(), 6, 2, 8),
            dscp_long(code)
        ),
    );
    out.at(d + 1).field("ip.dsfield.ecn", Ftype::Uint8, bits).bytes(at, LEN_U8).mask(ECN_MASK, bits.into()).line(
        format_args!("{} = Explicit Congestion Notification: {} ({bits})", bit_pattern(bits, 2, 0, 8), ecn_long(ds)),
    );
}

/// The flags (RFC 791 §3.1: reserved, don't fragment, more fragments) and the fragment offset.
fn ipv4_flags(out: &mut Tree, h: &Ipv4, d: usize, keep: bool) {
    let at = h.offset + field::ipv4::FLAGS_FRAG;
    let f = h.flags;
    let df = if f & 2 != 0 { ", Don't fragment" } else { "" };
    let mf = if f & 1 != 0 { ", More fragments" } else { "" };
    named(out.at(d), keep, "ip.flags", Ftype::Uint8, Value::Hex { value: u64::from(f), digits: 2 })
        .bytes(at, LEN_U8)
        .mask(FLAGS_MASK, f.into())
        .line(format_args!("{f:03b}. .... = Flags: 0x{f:x}{df}{mf}"));
    let bit = |out: &mut Tree, name: &'static str, mask: u64, n: u8, label: fmt::Arguments<'_>| {
        let on = (f >> n) & 1;
        named(out.at(d + 1), keep, name, Ftype::Boolean, on).bytes(at, LEN_U8).mask(mask, on.into()).line(label);
    };
    bit(out, "ip.flags.rb", RB_MASK, 2, format_args!("{}... .... = Reserved bit: {}", (f >> 2) & 1, set(f & 4 != 0)));
    bit(out, "ip.flags.df", DF_MASK, 1, format_args!(".{}.. .... = Don't fragment: {}", (f >> 1) & 1, set(f & 2 != 0)));
    bit(out, "ip.flags.mf", MF_MASK, 0, format_args!("..{}. .... = More fragments: {}", f & 1, set(f & 1 != 0)));
    let frag = u32::from(h.frag_offset);
    named(out.at(d), keep, "ip.frag_offset", Ftype::Uint16, frag)
        .bytes(at, LEN_U16)
        .mask(FRAG_OFFSET_MASK, frag.into())
        .line(format_args!("{} = Fragment Offset: {}", bit_pattern(frag, 13, 0, 16), frag * 8));
}

/// Wireshark's short name of a DSCP value (RFC 2474, 2597, 3246, 5865).
pub fn dscp(v: u8) -> std::borrow::Cow<'static, str> {
    let name = match v {
        0 => "CS0",
        1 => "LE",
        8 => "CS1",
        10 => "AF11",
        12 => "AF12",
        14 => "AF13",
        16 => "CS2",
        18 => "AF21",
        20 => "AF22",
        22 => "AF23",
        24 => "CS3",
        26 => "AF31",
        28 => "AF32",
        30 => "AF33",
        32 => "CS4",
        34 => "AF41",
        36 => "AF42",
        38 => "AF43",
        40 => "CS5",
        44 => "VOICE-ADMIT",
        46 => "EF",
        48 => "CS6",
        56 => "CS7",
        other => return std::borrow::Cow::Owned(format!("Unknown ({other})")),
    };
    std::borrow::Cow::Borrowed(name)
}

/// Wireshark's long name of a DSCP value.
pub fn dscp_long(v: u8) -> std::borrow::Cow<'static, str> {
    let name = match v {
        0 => "Default",
        1 => "Lower Effort",
        8 => "Class Selector 1",
        10 => "Assured Forwarding 11",
        12 => "Assured Forwarding 12",
        14 => "Assured Forwarding 13",
        16 => "Class Selector 2",
        18 => "Assured Forwarding 21",
        20 => "Assured Forwarding 22",
        22 => "Assured Forwarding 23",
        24 => "Class Selector 3",
        26 => "Assured Forwarding 31",
        28 => "Assured Forwarding 32",
        30 => "Assured Forwarding 33",
        32 => "Class Selector 4",
        34 => "Assured Forwarding 41",
        36 => "Assured Forwarding 42",
        38 => "Assured Forwarding 43",
        40 => "Class Selector 5",
        44 => "Voice Admit",
        46 => "Expedited Forwarding",
        48 => "Class Selector 6",
        56 => "Class Selector 7",
        _ => "Unknown",
    };
    std::borrow::Cow::Borrowed(name)
}

/// Wireshark's long name of the ECN bits.
pub fn ecn_long(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not ECN-Capable Transport",
        1 => "ECN-Capable Transport codepoint '01'",
        2 => "ECN-Capable Transport codepoint '10'",
        _ => "Congestion Experienced",
    }
}

/// Wireshark's short name of the ECN bits (RFC 3168 §5).
pub fn ecn(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}

/// The IPv6 header (RFC 8200 §3) at depth `d` (1 when quoted in an ICMPv6 error).
pub fn ipv6(out: &mut Tree, h: &Ipv6, d: usize) {
    use field::ipv6::*;
    let o = h.offset;
    // tshark's item covers the extension headers, except in a fragment it did not
    // reassemble (socklab does not reassemble IPv6: the fixed header only).
    let len = if h.fragment { IPV6_HEADER_LEN } else { IPV6_HEADER_LEN + h.ext_len };
    out.at(d)
        .proto("ipv6")
        .bytes(o, len)
        .line(format_args!("Internet Protocol Version 6, Src: {}, Dst: {}", h.src, h.dst));
    out.at(d + 1)
        .field("ipv6.version", Ftype::Uint8, 6)
        .bytes(o + VERSION_TC, LEN_U8)
        .line(format_args!("0110 .... = Version: 6"));
    let version = out.at(d + 1).field("ip.version", Ftype::Uint8, 6).owner("ipv6");
    version.bytes(o + VERSION_TC, LEN_U8).mask(VERSION_MASK, 6).hidden();
    ipv6_tclass(out, h, d + 1);
    out.at(d + 1)
        .field("ipv6.flow", Ftype::Uint24, Value::Hex { value: u64::from(h.flow), digits: 6 })
        .bytes(o + FLOW, LEN_U24)
        .mask(FLOW_MASK, h.flow.into())
        .line(format_args!("{} = Flow Label: 0x{:05x}", bit_pattern(h.flow, 20, 0, 24), h.flow));
    out.at(d + 1)
        .field("ipv6.plen", Ftype::Uint16, h.plen)
        .bytes(o + PLEN, LEN_U16)
        .line(format_args!("Payload Length: {}", h.plen));
    out.at(d + 1).field("ipv6.nxt", Ftype::Uint8, h.nxt).bytes(o + NXT, LEN_U8).line(format_args!(
        "Next Header: {} ({})",
        proto_name(h.nxt),
        h.nxt
    ));
    out.at(d + 1)
        .field("ipv6.hlim", Ftype::Uint8, h.hlim)
        .bytes(o + HLIM, LEN_U8)
        .line(format_args!("Hop Limit: {}", h.hlim));
    address(out, d + 1, &IPV6_SRC, "Source Address", IpAddr::V6(h.src), o + SRC, true);
    address(out, d + 1, &IPV6_DST, "Destination Address", IpAddr::V6(h.dst), o + DST, true);
    slaac_mac(out, d + 1, "ipv6.src_slaac_mac", "Source", &h.src, o + SRC);
    slaac_mac(out, d + 1, "ipv6.dst_slaac_mac", "Destination", &h.dst, o + DST);
    if h.ext_len > 0 {
        out.text(
            d + 1,
            format_args!("[Extension headers: {} bytes, then {} ({})]", h.ext_len, proto_name(h.proto), h.proto),
        );
    }
}

/// The traffic class (RFC 8200 §7) and its DSCP and ECN bits, as bits of the first 32-bit word.
fn ipv6_tclass(out: &mut Tree, h: &Ipv6, d: usize) {
    let at = h.offset + field::ipv6::VERSION_TC;
    let tc = h.tclass;
    let (code, bits) = (tc >> 2, u32::from(tc) & 3);
    out.at(d)
        .field("ipv6.tclass", Ftype::Uint32, Value::Hex { value: u64::from(tc), digits: 8 })
        .bytes(at, LEN_U32)
        .mask((DSCP_MASK | ECN_MASK) << TCLASS_SHIFT, tc.into())
        .line(format_args!(
            "{} = Traffic Class: 0x{tc:02x} (DSCP: {}, ECN: {})",
            bit_pattern(tc.into(), 8, TCLASS_SHIFT, 32),
            dscp(code),
            ecn(tc)
        ));
    out.at(d + 1)
        .field("ipv6.tclass.dscp", Ftype::Uint32, code)
        .bytes(at, LEN_U32)
        .mask(DSCP_MASK << TCLASS_SHIFT, code.into())
        .line(format_args!(
            "{} = Differentiated Services Codepoint: {} ({code})",
            bit_pattern(code.into(), 6, TCLASS_SHIFT + 2, 32),
            dscp_long(code)
        ));
    out.at(d + 1)
        .field("ipv6.tclass.ecn", Ftype::Uint32, bits)
        .bytes(at, LEN_U32)
        .mask(ECN_MASK << TCLASS_SHIFT, bits.into())
        .line(format_args!(
            "{} = Explicit Congestion Notification: {} ({bits})",
            bit_pattern(bits, 2, TCLASS_SHIFT, 32),
            ecn_long(tc)
        ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::dissect;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::packet::Net;
    use crate::sniff::tree::Bytes;

    /// A field item: its name, JSON value, offset and length in the frame, bitmask.
    type Field = (&'static str, String, Option<(u32, u32)>, u64);

    /// Every field item of the tree.
    fn fields(t: &Tree) -> Vec<Field> {
        let items = t.items().iter().filter(|i| !i.field.is_empty());
        items.map(|i| (i.field, t.value(i).to_string(), i.bytes.map(|b: Bytes| (b.offset, b.len)), i.bitmask)).collect()
    }

    fn find<'a>(all: &'a [Field], name: &str) -> Vec<&'a Field> {
        all.iter().filter(|f| f.0 == name).collect()
    }

    #[test]
    fn ipv4_fields_have_tsharks_values_bytes_and_masks() {
        // Ethernet, then IPv4 10.0.0.1 -> 10.0.0.2: DSCP EF, a non-first fragment
        // (MF set, offset 185 units), protocol ICMP.
        let frame = [
            0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0xb8, 0x00, 0x1c, 0x12, 0x34, 0x20, 0xb9, 0x40, 0x01,
            0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2, 0x08, 0, 0, 0, 0, 0, 0, 0,
        ];
        let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
        let mut t = Tree::new();
        ipv4(&mut t, &h, 0, Some(frame.len() - 14));
        let all = fields(&t);
        assert_eq!(all[0], ("ip", String::new(), Some((14, 20)), 0));
        assert_eq!(*find(&all, "ip.dsfield.dscp")[0], ("ip.dsfield.dscp", "46".into(), Some((15, 1)), 0xfc));
        assert_eq!(*find(&all, "ip.flags")[0], ("ip.flags", "0x01".into(), Some((20, 1)), 0xe0));
        assert_eq!(*find(&all, "ip.flags.mf")[0], ("ip.flags.mf", "1".into(), Some((20, 1)), 0x20));
        // In 8-byte units, as tshark's JSON (the -V line says 1480).
        assert_eq!(*find(&all, "ip.frag_offset")[0], ("ip.frag_offset", "185".into(), Some((20, 2)), 0x1fff));
        assert_eq!(*find(&all, "ip.checksum.status")[0], ("ip.checksum.status", "2".into(), None, 0));
        let addrs: Vec<_> = find(&all, "ip.addr").iter().map(|f| (f.1.clone(), f.2)).collect();
        assert_eq!(addrs, [("10.0.0.1".into(), Some((26, 4))), ("10.0.0.2".into(), Some((30, 4)))]);
        let hidden = t.items().iter().filter(|i| !i.shown).count();
        assert_eq!(hidden, 6, "ip.addr, ip.src_host, ip.host for each address");
    }

    /// The names of the field items, in order.
    fn names(t: &Tree) -> Vec<&'static str> {
        t.items().iter().map(|i| i.field).filter(|f| !f.is_empty()).collect()
    }

    #[test]
    fn a_total_length_shorter_than_the_header_ends_the_ipv4_fields_as_tshark() {
        // tcpdump's ipv4_invalid_total_length_2.pcap, up to the UDP header: total length 19.
        let frame = [
            0xc0, 0xd6, 0x82, 0x36, 0x03, 0x2b, 0xf0, 0x4d, 0xa2, 0x3d, 0x5d, 0xa3, 0x08, 0x00, 0x45, 0x00, 0x00, 0x13,
            0xf1, 0xa6, 0x00, 0x00, 0x40, 0x11, 0x45, 0x94, 0x8c, 0xd3, 0x09, 0xce, 0x2d, 0x21, 0x7f, 0x9c, 0x98, 0xb7,
            0x00, 0x35, 0x00, 0x40, 0x6e, 0xcb,
        ];
        let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
        let mut t = Tree::new();
        ipv4(&mut t, &h, 0, Some(frame.len() - 14));
        let want = [
            "ip",
            "ip.version",
            "ip.hdr_len",
            "ip.dsfield",
            "ip.dsfield.dscp",
            "ip.dsfield.ecn",
            "ip.len",
            "_ws.expert",
            "ip.bogus_ip_length",
            "_ws.expert.message",
            "_ws.expert.severity",
            "_ws.expert.group",
        ];
        assert_eq!(names(&t), want);
        let line = |n: usize| t.display(&t.items()[n]).to_string();
        assert_eq!(line(0), "Internet Protocol Version 4");
        assert_eq!(line(6), "Total Length: 19 bytes (bogus, less than header length 20)");
        assert_eq!(messages(&t), ["Bogus IP length"]);
        let last = t.items().last().map(|i| t.display(i).to_string());
        assert_eq!(last.as_deref(), Some("Destination Address: 45.33.127.156"), "-V keeps every line");
    }

    #[test]
    fn a_zero_total_length_tso_is_no_ip_len_field() {
        // tcpdump's bigtcp-ipv4.pcap: IPv4 with total length 0, then the start of TCP.
        let frame = [
            0x06, 0x00, 0xde, 0xad, 0xbe, 0xef, 0xb8, 0xce, 0xf6, 0x04, 0x8b, 0x14, 0x08, 0x00, 0x45, 0x00, 0x00, 0x00,
            0x2e, 0xff, 0x40, 0x00, 0x40, 0x06, 0xef, 0xae, 0x0a, 0x19, 0x84, 0x0d, 0x0a, 0x19, 0x84, 0x0b,
        ];
        let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
        let mut t = Tree::new();
        ipv4(&mut t, &h, 0, Some(frame.len() - 14));
        let all = names(&t);
        assert!(!all.contains(&"ip.len"));
        assert!(all.contains(&"ip.id") && all.contains(&"ip.host"), "{all:?}");
    }

    /// Ethernet, then an IPv4 header 192.168.100.138 -> `dst` with this TTL and
    /// protocol (total length 20: the header alone).
    fn ipv4_frame(ttl: u8, proto: u8, dst: [u8; 4]) -> Vec<u8> {
        let mut frame = vec![0, 0x16, 0xd4, 0xb8, 0x59, 0xb1, 0, 0x12, 0x80, 0x4b, 0xc0, 0x7f, 0x08, 0x00];
        frame.extend([0x45, 0, 0, 20, 0xff, 0x51, 0, 0, ttl, proto, 0, 0, 192, 168, 100, 138]);
        frame.extend(dst);
        frame
    }

    /// The expert messages of a tree.
    fn messages(t: &Tree) -> Vec<String> {
        let items = t.items().iter().filter(|i| i.field == "_ws.expert.message");
        items.map(|i| t.value(i).to_string()).collect()
    }

    #[test]
    fn a_low_ttl_to_a_unicast_address_has_tsharks_note_under_the_ttl() {
        // A traceroute's first probe: TTL 1, ICMP to 4.2.2.1.
        let frame = ipv4_frame(1, 1, [4, 2, 2, 1]);
        let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
        let mut t = Tree::new();
        ipv4(&mut t, &h, 0, Some(frame.len() - 14));
        assert_eq!(messages(&t), ["\"Time To Live\" only 1"]);
        let ttl = t.items().iter().position(|i| i.field == "ip.ttl").expect("ip.ttl");
        let expert = &t.items()[ttl + 1];
        assert_eq!((expert.field, expert.depth), ("_ws.expert", t.items()[ttl].depth + 1));
        assert!(t.items().iter().any(|i| i.field == "ip.ttl.too_small"));
    }

    #[test]
    fn multicast_and_control_block_ttls_follow_tsharks_rules() {
        let note = |ttl: u8, proto: u8, dst: [u8; 4]| {
            let frame = ipv4_frame(ttl, proto, dst);
            let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
            let mut t = Tree::new();
            ipv4(&mut t, &h, 0, Some(frame.len() - 14));
            messages(&t)
        };
        let lncb = |ttl: u8| {
            format!("\"Time To Live\" != {ttl} for a packet sent to the Local Network Control Block (see RFC 3171)")
        };
        // OSPF hello to 224.0.0.5 with TTL 1; a TTL 4 to a wider multicast group; PIM and OSPF unicast.
        assert!(note(1, 89, [224, 0, 0, 5]).is_empty());
        assert!(note(4, 17, [239, 1, 2, 3]).is_empty());
        assert!(note(1, 103, [10, 0, 0, 1]).is_empty() && note(2, 89, [10, 0, 0, 1]).is_empty());
        assert_eq!(note(5, 17, [10, 0, 0, 1]), Vec::<String>::new());
        // mDNS and VRRP want 255, LLMNR any, IGMP 1, the rest of the block 1.
        assert_eq!(note(1, 17, [224, 0, 0, 251]), [lncb(255)]);
        assert_eq!(note(64, 112, [224, 0, 0, 18]), [lncb(255)]);
        assert!(note(7, 17, [224, 0, 0, 252]).is_empty());
        assert_eq!(note(255, 2, [224, 0, 0, 251]), [lncb(1)]);
        assert_eq!(note(64, 17, [224, 0, 0, 9]), [lncb(1)]);
    }

    #[test]
    fn a_total_length_past_the_frame_is_tsharks_error_except_in_an_icmp_error() {
        // zeek's tcp/reassembly.pcap frame 39 cut to its IP header: total length 1500
        // in a frame with 1480 bytes after the Ethernet header.
        let mut frame = ipv4_frame(117, 6, [128, 3, 97, 175]);
        frame[16..18].copy_from_slice(&1500u16.to_be_bytes());
        let Net::Ipv4(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv4") };
        let mut t = Tree::new();
        ipv4(&mut t, &h, 0, Some(1480));
        assert_eq!(messages(&t), ["IPv4 total length exceeds packet length (1480 bytes)"]);
        let len = t.items().iter().position(|i| i.field == "ip.len").expect("ip.len");
        assert_eq!(t.items()[len + 2].field, "ip.bogus_ip_length");
        let mut t = Tree::new();
        ipv4(&mut t, &h, 1, None);
        assert!(messages(&t).is_empty(), "a quoted header is cut short by design");
    }

    #[test]
    fn an_eui64_global_address_gives_tsharks_slaac_mac() {
        // zeek-traces/chksums/ip6-tcp-good-chksum.pcap frame 1's header:
        // 2001:4f8:4:7:2e0:81ff:fe52:ffff -> 2001:4f8:4:7:2e0:81ff:fe52:9a6b, TCP.
        let mut frame = vec![0; 12];
        frame.extend([0x86, 0xdd, 0x60, 0, 0, 0, 0, 0x14, 0x06, 0x40]);
        for last in [[0xff, 0xff], [0x9a, 0x6b]] {
            frame.extend([0x20, 0x01, 0x04, 0xf8, 0, 0x04, 0, 0x07, 0x02, 0xe0, 0x81, 0xff, 0xfe, 0x52]);
            frame.extend(last);
        }
        let Net::Ipv6(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv6") };
        let mut t = Tree::new();
        ipv6(&mut t, &h, 0);
        let all = fields(&t);
        assert_eq!(
            *find(&all, "ipv6.src_slaac_mac")[0],
            ("ipv6.src_slaac_mac", "00:e0:81:52:ff:ff".into(), Some((30, 8)), 0)
        );
        assert_eq!(
            *find(&all, "ipv6.dst_slaac_mac")[0],
            ("ipv6.dst_slaac_mac", "00:e0:81:52:9a:6b".into(), Some((46, 8)), 0)
        );
        assert_eq!(find(&all, "ipv6.slaac_mac").len(), 2);
        // The same identifier in a link-local address: none.
        frame[22..24].copy_from_slice(&[0xfe, 0x80]);
        frame[38..40].copy_from_slice(&[0xfe, 0x80]);
        let Net::Ipv6(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv6") };
        let mut t = Tree::new();
        ipv6(&mut t, &h, 0);
        assert!(find(&fields(&t), "ipv6.slaac_mac").is_empty());
    }

    #[test]
    fn ipv6_and_arp_fields_have_tsharks_values_and_bytes() {
        // Ethernet, then IPv6 ::1 -> ::1, flow label 0xb876c, TCP (the fixed header only:
        // the addresses are 15 zero bytes and a one).
        let mut frame = vec![0; 12];
        frame.extend([0x86, 0xdd, 0x60, 0x0b, 0x87, 0x6c, 0x00, 0x00, 0x06, 0x40]);
        for _ in 0..2 {
            frame.extend([0; 15]);
            frame.push(1);
        }
        let Net::Ipv6(h) = dissect(LinkType::Ethernet, &frame).net else { panic!("not IPv6") };
        let mut t = Tree::new();
        ipv6(&mut t, &h, 0);
        let all = fields(&t);
        assert_eq!(*find(&all, "ipv6.flow")[0], ("ipv6.flow", "0x0b876c".into(), Some((15, 3)), 0xfffff));
        assert_eq!(*find(&all, "ipv6.tclass")[0], ("ipv6.tclass", "0x00000000".into(), Some((14, 4)), 0x0ff0_0000));
        assert_eq!(*find(&all, "ip.version")[0], ("ip.version", "6".into(), Some((14, 1)), 0xf0));
        let hosts: Vec<_> = find(&all, "ipv6.host").iter().map(|f| f.2).collect();
        assert_eq!(hosts, [Some((22, 16)), Some((38, 16))]);
    }
}
