//! The network-layer blocks: IPv4 (with DSCP and ECN names), IPv6, ARP.

use super::*;

pub(super) fn proto_name(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        0 => "IPv6 Hop-by-Hop Option",
        43 => "Routing Header for IPv6",
        44 => "Fragment Header for IPv6",
        59 => "IPv6 No Next Header",
        60 => "Destination Options for IPv6",
        _ => "Unknown",
    }
}

pub(super) fn ipv4(out: &mut Tree, h: &Ipv4, d: usize) {
    l!(out, d, "Internet Protocol Version 4, Src: {}, Dst: {}", h.src, h.dst);
    l!(out, d + 1, "0100 .... = Version: 4");
    l!(out, d + 1, ".... {:04b} = Header Length: {} bytes ({})", h.hdr_len / 4, h.hdr_len, h.hdr_len / 4);
    l!(
        out,
        d + 1,
        "Differentiated Services Field: 0x{:02x} (DSCP: {}, ECN: {})",
        h.dsfield,
        dscp(h.dsfield >> 2),
        ecn(h.dsfield)
    );
    let ds = u32::from(h.dsfield);
    l!(
        out,
        d + 2,
        "{} = Differentiated Services Codepoint: {} ({})",
        bit_pattern(ds >> 2, 6, 2, 8),
        dscp_long(h.dsfield >> 2),
        h.dsfield >> 2
    );
    l!(
        out,
        d + 2,
        "{} = Explicit Congestion Notification: {} ({})",
        bit_pattern(ds & 3, 2, 0, 8),
        ecn_long(h.dsfield),
        ds & 3
    );
    l!(out, d + 1, "Total Length: {}", h.total_len);
    l!(out, d + 1, "Identification: 0x{:04x} ({})", h.id, h.id);
    let df = if h.flags & 2 != 0 { ", Don't fragment" } else { "" };
    let mf = if h.flags & 1 != 0 { ", More fragments" } else { "" };
    l!(out, d + 1, "{:03b}. .... = Flags: 0x{:x}{df}{mf}", h.flags, h.flags);
    l!(out, d + 2, "{}... .... = Reserved bit: {}", (h.flags >> 2) & 1, set(h.flags & 4 != 0));
    l!(out, d + 2, ".{}.. .... = Don't fragment: {}", (h.flags >> 1) & 1, set(h.flags & 2 != 0));
    l!(out, d + 2, "..{}. .... = More fragments: {}", h.flags & 1, set(h.flags & 1 != 0));
    l!(
        out,
        d + 1,
        "{} = Fragment Offset: {}",
        bit_pattern(u32::from(h.frag_offset), 13, 0, 16),
        u32::from(h.frag_offset) * 8
    );
    l!(out, d + 1, "Time to Live: {}", h.ttl);
    l!(out, d + 1, "Protocol: {} ({})", proto_name(h.proto), h.proto);
    l!(out, d + 1, "Header Checksum: 0x{:04x} [validation disabled]", h.checksum);
    l!(out, d + 1, "[Header checksum status: Unverified]");
    l!(out, d + 1, "Source Address: {}", h.src);
    l!(out, d + 1, "Destination Address: {}", h.dst)
}

/// Wireshark's short name of a DSCP value (RFC 2474, 2597, 3246, 5865).
pub(super) fn dscp(v: u8) -> std::borrow::Cow<'static, str> {
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
pub(super) fn dscp_long(v: u8) -> std::borrow::Cow<'static, str> {
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
pub(super) fn ecn_long(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not ECN-Capable Transport",
        1 => "ECN-Capable Transport codepoint '01'",
        2 => "ECN-Capable Transport codepoint '10'",
        _ => "Congestion Experienced",
    }
}

/// Wireshark's short name of the ECN bits (RFC 3168 §5).
pub(super) fn ecn(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}

pub(super) fn ipv6(out: &mut Tree, h: &Ipv6, d: usize) {
    l!(out, d, "Internet Protocol Version 6, Src: {}, Dst: {}", h.src, h.dst);
    l!(out, d + 1, "0110 .... = Version: 6");
    let tc = u32::from(h.tclass);
    l!(
        out,
        d + 1,
        "{} = Traffic Class: 0x{:02x} (DSCP: {}, ECN: {})",
        bit_pattern(tc, 8, 20, 32),
        h.tclass,
        dscp(h.tclass >> 2),
        ecn(h.tclass)
    );
    l!(
        out,
        d + 2,
        "{} = Differentiated Services Codepoint: {} ({})",
        bit_pattern(tc >> 2, 6, 22, 32),
        dscp_long(h.tclass >> 2),
        h.tclass >> 2
    );
    l!(
        out,
        d + 2,
        "{} = Explicit Congestion Notification: {} ({})",
        bit_pattern(tc & 3, 2, 20, 32),
        ecn_long(h.tclass),
        tc & 3
    );
    l!(out, d + 1, "{} = Flow Label: 0x{:05x}", bit_pattern(h.flow, 20, 0, 24), h.flow);
    l!(out, d + 1, "Payload Length: {}", h.plen);
    l!(out, d + 1, "Next Header: {} ({})", proto_name(h.nxt), h.nxt);
    l!(out, d + 1, "Hop Limit: {}", h.hlim);
    l!(out, d + 1, "Source Address: {}", h.src);
    l!(out, d + 1, "Destination Address: {}", h.dst);
    if h.ext_len > 0 {
        l!(out, d + 1, "[Extension headers: {} bytes, then {} ({})]", h.ext_len, proto_name(h.proto), h.proto);
    }
}

pub(super) fn arp(out: &mut Tree, a: &Arp) {
    let kind = if a.opcode == 1 { "request" } else { "reply" };
    l!(out, 0, "Address Resolution Protocol ({kind})");
    l!(out, 1, "Hardware type: Ethernet ({})", a.hw_type);
    l!(out, 1, "Protocol type: IPv4 (0x{:04x})", a.proto_type);
    l!(out, 1, "Hardware size: 6");
    l!(out, 1, "Protocol size: 4");
    l!(out, 1, "Opcode: {kind} ({})", a.opcode);
    l!(out, 1, "Sender MAC address: {}", Mac(&a.sender_mac));
    l!(out, 1, "Sender IP address: {}", a.sender_ip);
    l!(out, 1, "Target MAC address: {}", Mac(&a.target_mac));
    l!(out, 1, "Target IP address: {}", a.target_ip)
}
