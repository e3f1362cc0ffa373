//! The packet details tree (`-V`), as Wireshark's middle pane: one block per
//! layer with Wireshark's labels, computed fields in brackets.

use crate::sniff::fields::flags_str;
use crate::sniff::icmp;
use crate::sniff::link::{ethertype_name, Link, LinkType};
use crate::sniff::packet::{Arp, Icmp, Ipv4, Ipv6, Net, Note, Packet, Quoted, Tcp, Transport, Udp};
use crate::sniff::render::list::{FlagNames, NoteText};
use crate::sniff::render::{ansi, Mac, Secs, Style};
use crate::sniff::tcp::{analysis, completeness, flags, SegmentInfo};
use std::io::{self, Write};

/// Indentation of one tree level.
const INDENT: &str = "    ";

/// Writes the details tree of `p`.
pub fn tree(out: &mut impl Write, p: &Packet<'_>, style: Style) -> io::Result<()> {
    frame(out, p, style)?;
    if let Some(l) = p.d.link {
        link(out, &l, padding(p, &l))?;
    }
    for net in p.d.tunnels() {
        match net {
            Net::Ipv4(h) => ipv4(out, h, 0)?,
            Net::Ipv6(h) => ipv6(out, h, 0)?,
            _ => {}
        }
    }
    match p.d.net {
        Net::Ipv4(h) => ipv4(out, &h, 0)?,
        Net::Ipv6(h) => ipv6(out, &h, 0)?,
        Net::Arp(a) => arp(out, &a)?,
        _ => {}
    }
    match p.d.transport {
        Transport::Tcp(h) => tcp(out, &h, p.tcp.as_ref(), p.completeness, &p.note, 0)?,
        Transport::Udp(u) => {
            udp(out, &u, p.udp_stream, p.udp_time, p.d.payload.len(), matches!(p.d.net, Net::Ipv6(_)), 0)?
        }
        Transport::Icmp(i) => icmp_tree(out, p, &i)?,
        _ => {}
    }
    crate::sniff::app::detail::tree(out, &p.app, style)?;
    if shows_data(p) && !matches!(p.d.transport, Transport::Icmp(_)) {
        data(out, p.d.payload, 0)?;
    }
    if let Some(e) = p.d.error {
        style.on(out, ansi::BAD)?;
        writeln!(out, "[Malformed Packet: {e}]")?;
        style.off(out)?;
    }
    if p.note != Note::None {
        style.on(out, ansi::NOTE)?;
        writeln!(out, "[socklab: {}]", NoteText(&p.note))?;
        style.off(out)?;
    }
    Ok(())
}

/// Whether the frame ends in a Data block (the same rule as `:data` in `frame.protocols`).
fn shows_data(p: &Packet<'_>) -> bool {
    crate::sniff::fields::has_data(p)
}

fn line(out: &mut impl Write, depth: usize, args: std::fmt::Arguments<'_>) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(INDENT.as_bytes())?;
    }
    out.write_fmt(args)?;
    out.write_all(b"\n")
}

macro_rules! l {
    ($out:expr, $depth:expr, $($arg:tt)*) => { line($out, $depth, format_args!($($arg)*)) };
}

fn set(b: bool) -> &'static str {
    if b {
        "Set"
    } else {
        "Not set"
    }
}

/// The packet's pcapng comments, as Wireshark's "Packet comments" tree.
fn comments(out: &mut impl Write, comments: &[String], style: Style) -> io::Result<()> {
    if comments.is_empty() {
        return Ok(());
    }
    style.on(out, ansi::BOLD)?;
    out.write_all(b"Packet comments")?;
    style.off(out)?;
    out.write_all(b"\n")?;
    for c in comments {
        l!(out, 1, "{c}")?;
        l!(out, 2, "[Expert Info (Comment/Comment): {c}]")?;
        l!(out, 3, "[{c}]")?;
        l!(out, 3, "[Severity level: Comment]")?;
        l!(out, 3, "[Group: Comment]")?;
    }
    Ok(())
}

/// A pcapng packet's `epb_flags` bit by bit (pcapng draft §4.3.1), as Wireshark shows them.
fn packet_flags(out: &mut impl Write, f: u32) -> io::Result<()> {
    use crate::dns_view::fields::bit_pattern;
    let bits = |mask: u32| {
        let (hi, lo) = ((f >> 16) as u16, f as u16);
        format!("{} {}", bit_pattern(hi, (mask >> 16) as u16), bit_pattern(lo, mask as u16))
    };
    let direction = match f & 0x3 {
        0 => "Unknown",
        1 => "Inbound",
        2 => "Outbound",
        _ => "Undefined",
    };
    let reception = match (f >> 2) & 0x7 {
        0 => "Not specified",
        1 => "Unicast",
        2 => "Multicast",
        3 => "Broadcast",
        4 => "Promiscuous",
        _ => "Unknown",
    };
    l!(out, 1, "Packet flags: 0x{f:08x}")?;
    l!(out, 2, "{} = Direction: {direction} (0x{:x})", bits(0x3), f & 0x3)?;
    l!(out, 2, "{} = Reception type: {reception} ({})", bits(0x1c), (f >> 2) & 0x7)?;
    l!(out, 2, "{} = FCS length: {}", bits(0x1e0), (f >> 5) & 0xf)?;
    l!(out, 2, "{} = Reserved: {}", bits(0xfe00), (f >> 9) & 0x7f)?;
    const ERRORS: [&str; 8] = [
        "CRC error",
        "Packet too long error",
        "Packet too short error",
        "Wrong interframe gap error",
        "Unaligned frame error",
        "Start frame delimiter error",
        "Preamble error",
        "Symbol error",
    ];
    for (i, name) in ERRORS.iter().enumerate() {
        let mask = 1u32 << (24 + i);
        l!(out, 2, "{} = {name}: {}", bits(mask), set(f & mask != 0))?;
    }
    Ok(())
}

fn frame(out: &mut impl Write, p: &Packet<'_>, style: Style) -> io::Result<()> {
    use crate::sniff::layer_bytes::plural;
    let cap = p.data.len();
    if let Some(o) = p.origin {
        comments(out, o.comments, style)?;
    }
    style.on(out, ansi::BOLD)?;
    out.write_all(crate::sniff::layer_bytes::frame_label(p).as_bytes())?;
    style.off(out)?;
    out.write_all(b"\n")?;
    if let Some(o) = p.origin {
        let name = o.interface.display_name();
        l!(out, 1, "Section number: {}", o.section)?;
        l!(out, 1, "Interface id: {} ({name})", o.interface_id)?;
        l!(out, 2, "Interface name: {name}")?;
        if let Some(d) = &o.interface.description {
            l!(out, 2, "Interface description: {d}")?;
        }
        if let Some(f) = o.flags {
            packet_flags(out, f)?;
        }
    }
    if let Some(l) = p.d.link {
        let (name, n) = l.kind.encapsulation();
        l!(out, 1, "Encapsulation type: {name} ({n})")?;
    }
    l!(out, 1, "Arrival Time: {} UTC", UtcTime(p.time))?;
    l!(out, 1, "[Time shift for this packet: 0.000000000 seconds]")?;
    l!(out, 1, "Epoch Time: {} seconds", Secs { nanos: p.time, decimals: 9 })?;
    l!(out, 1, "[Time delta from previous captured frame: {} seconds]", Secs { nanos: p.delta, decimals: 9 })?;
    l!(
        out,
        1,
        "[Time delta from previous displayed frame: {} seconds]",
        Secs { nanos: p.delta_displayed, decimals: 9 }
    )?;
    l!(out, 1, "[Time since reference or first frame: {} seconds]", Secs { nanos: p.rel, decimals: 9 })?;
    l!(out, 1, "Frame Number: {}", p.number)?;
    l!(out, 1, "Frame Length: {} byte{} ({} bits)", p.len, plural(u64::from(p.len)), u64::from(p.len) * 8)?;
    l!(out, 1, "Capture Length: {cap} byte{} ({} bits)", plural(cap as u64), cap * 8)?;
    if let Some(n) = p.origin.and_then(|o| o.drop_count) {
        l!(out, 1, "Drop Count: {n}")?;
    }
    l!(out, 1, "[Frame is marked: False]")?;
    l!(out, 1, "[Frame is ignored: False]")?;
    l!(out, 1, "[Protocols in frame: {}]", crate::sniff::fields::protocols(p))
}

/// A capture time as Wireshark's Arrival Time in UTC: `Nov 14, 2023 22:13:20.000000000`.
struct UtcTime(i64);

impl std::fmt::Display for UtcTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000);
        let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{} {d:>2}, {y} {:02}:{:02}:{:02}.{nanos:09}",
            MONTHS[(m - 1) as usize],
            day_secs / 3600,
            day_secs / 60 % 60,
            day_secs % 60
        )
    }
}

/// Year, month (1-12), day of a count of days since 1970-01-01 (proleptic
/// Gregorian calendar; H. Hinnant's days-to-civil algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn link(out: &mut impl Write, l: &Link, padding: &[u8]) -> io::Result<()> {
    match l.kind {
        LinkType::Ethernet => {
            l!(out, 0, "Ethernet II, Src: {}, Dst: {}", Mac(&l.eth_src), Mac(&l.eth_dst))?;
            mac_tree(out, "Destination", &l.eth_dst)?;
            mac_tree(out, "Source", &l.eth_src)?;
            l!(out, 1, "Type: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type)?;
            for v in l.vlans() {
                l!(
                    out,
                    0,
                    "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
                    v.tci >> 13,
                    (v.tci >> 12) & 1,
                    v.tci & 0x0fff
                )?;
                let tci = u32::from(v.tci);
                let pcp = tci >> 13;
                l!(out, 1, "{} = Priority: {} ({pcp})", bit_pattern(pcp, 3, 13, 16), priority_name(pcp))?;
                let dei = if tci & 0x1000 != 0 { "Eligible" } else { "Ineligible" };
                l!(out, 1, "{} = DEI: {dei}", bit_pattern((tci >> 12) & 1, 1, 12, 16))?;
                l!(out, 1, "{} = ID: {}", bit_pattern(tci & 0xfff, 12, 0, 16), tci & 0xfff)?;
                l!(out, 1, "Type: {} (0x{:04x})", ethertype_name(v.inner_type).unwrap_or("Unknown"), v.inner_type)?;
            }
            if !padding.is_empty() {
                let hex: String = padding.iter().map(|b| format!("{b:02x}")).collect();
                l!(out, 1, "Padding: {hex}")?;
            }
            Ok(())
        }
        LinkType::Null | LinkType::Loop => {
            l!(out, 0, "Null/Loopback")?;
            let fam = match l.family {
                2 => "IP",
                10 | 24 | 28 | 30 => "IPv6",
                _ => "Unknown",
            };
            l!(out, 1, "Family: {fam} ({})", l.family)
        }
        LinkType::LinuxSll | LinkType::LinuxSll2 => sll(out, l),
        LinkType::Raw => l!(out, 0, "Raw packet data"),
        LinkType::Ipv4 | LinkType::Ipv6 => Ok(()),
        LinkType::Ppp | LinkType::PppSerial => {
            l!(out, 0, "Point-to-Point Protocol")?;
            l!(out, 1, "Protocol: {} (0x{:04x})", ppp_protocol_name(l.link_proto), l.link_proto)
        }
        LinkType::CHdlc => {
            l!(out, 0, "Cisco HDLC")?;
            l!(out, 1, "Protocol: {} (0x{:04x})", ethertype_name(l.link_proto).unwrap_or("Unknown"), l.link_proto)
        }
        LinkType::FrameRelay => {
            l!(out, 0, "Frame Relay")?;
            l!(out, 1, "DLCI: {}", l.dlci)?;
            l!(out, 1, "NLPID: 0x{:02x}", l.link_proto)
        }
        LinkType::Slip => {
            l!(out, 0, "SLIP (libpcap pseudo-header)")?;
            l!(out, 1, "Direction: {}", if l.dlci == 0 { "received" } else { "sent" })
        }
        LinkType::Other(dlt) => {
            l!(out, 0, "link type {} ({dlt}) not decoded by socklab", crate::sniff::link::dlt_name(dlt))
        }
    }
}

/// Wireshark's name of a PPP protocol number (IANA PPP DLL protocol numbers).
fn ppp_protocol_name(proto: u16) -> &'static str {
    match proto {
        crate::sniff::link::PPP_IPV4 => "Internet Protocol version 4",
        crate::sniff::link::PPP_IPV6 => "Internet Protocol version 6",
        0xc021 => "Link Control Protocol",
        0x8021 => "Internet Protocol Control Protocol",
        0x8057 => "IPv6 Control Protocol",
        0xc023 => "Password Authentication Protocol",
        0xc223 => "Challenge Handshake Authentication Protocol",
        _ => "Unknown",
    }
}

/// IEEE 802.1Q priority code point names, as Wireshark shows them.
fn priority_name(pcp: u32) -> &'static str {
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
/// frame size (IEEE 802.3 §3.2.8), shown as Padding.
fn padding<'a>(p: &Packet<'a>, l: &Link) -> &'a [u8] {
    if l.kind != LinkType::Ethernet {
        return &[];
    }
    let end = match p.d.net {
        Net::Ipv4(h) if h.total_len >= u16::from(h.hdr_len) => h.offset + usize::from(h.total_len),
        Net::Ipv6(h) if h.plen != 0 => h.offset + 40 + usize::from(h.plen),
        Net::Arp(a) => a.offset + 28,
        _ => return &[],
    };
    p.data.get(end..).unwrap_or(&[])
}

/// Linux cooked capture v1 or v2, fields in the order each version stores them.
fn sll(out: &mut impl Write, l: &Link) -> io::Result<()> {
    let v2 = l.kind == LinkType::LinuxSll2;
    l!(out, 0, "Linux cooked capture {}", if v2 { "v2" } else { "v1" })?;
    let pt = match l.sll.pkttype {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => "Unknown",
    };
    let hatype = match l.sll.hatype {
        1 => "Ethernet",
        772 => "Loopback",
        776 => "IPv6-in-IPv4",
        778 => "IP GRE",
        65534 => "None",
        _ => "Unknown",
    };
    let proto = || format!("Protocol: {} (0x{:04x})", ethertype_name(l.eth_type).unwrap_or("Unknown"), l.eth_type);
    if v2 {
        l!(out, 1, "{}", proto())?;
        l!(out, 1, "Interface index: {}", l.sll.ifindex)?;
        l!(out, 1, "Link-layer address type: {hatype} ({})", l.sll.hatype)?;
        l!(out, 1, "Packet type: {pt} ({})", l.sll.pkttype)?;
    } else {
        l!(out, 1, "Packet type: {pt} ({})", l.sll.pkttype)?;
        l!(out, 1, "Link-layer address type: {hatype} ({})", l.sll.hatype)?;
    }
    l!(out, 1, "Link-layer address length: {}", l.sll.addr_len)?;
    let n = usize::from(l.sll.addr_len).min(8);
    l!(out, 1, "Source: {}", Mac(&l.sll.addr[..n]))?;
    if n < 8 {
        let unused: String = l.sll.addr[n..].iter().map(|b| format!("{b:02x}")).collect();
        l!(out, 1, "Unused: {unused}")?;
    }
    if !v2 {
        l!(out, 1, "{}", proto())?;
    }
    Ok(())
}

/// A MAC address with its LG and IG bits (IEEE 802 §8.2).
fn mac_tree(out: &mut impl Write, label: &str, mac: &[u8; 6]) -> io::Result<()> {
    let (lg, ig) = ((mac[0] >> 1) & 1, mac[0] & 1);
    l!(out, 1, "{label}: {}", Mac(mac))?;
    l!(out, 2, "Address: {}", Mac(mac))?;
    let lg_text = if lg == 1 {
        "Locally administered address (this is NOT the factory default)"
    } else {
        "Globally unique address (factory default)"
    };
    l!(out, 2, ".... ..{lg}. .... .... .... .... = LG bit: {lg_text}")?;
    let ig_text = if ig == 1 { "Group address (multicast/broadcast)" } else { "Individual address (unicast)" };
    l!(out, 2, ".... ...{ig} .... .... .... .... = IG bit: {ig_text}")
}

/// Bits of `v` (the low `n`) as Wireshark draws a bit field: groups of four, `.`
/// for the bits outside the field. `shift` is where the field starts from the right
/// in a `width`-bit value.
fn bit_pattern(v: u32, n: u32, shift: u32, width: u32) -> String {
    let mut s = String::new();
    for i in (0..width).rev() {
        if i != width - 1 && (i + 1) % 4 == 0 {
            s.push(' ');
        }
        if i >= shift && i < shift + n {
            s.push(if (v >> (i - shift)) & 1 == 1 { '1' } else { '0' });
        } else {
            s.push('.');
        }
    }
    s
}

fn proto_name(p: u8) -> &'static str {
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

fn ipv4(out: &mut impl Write, h: &Ipv4, d: usize) -> io::Result<()> {
    l!(out, d, "Internet Protocol Version 4, Src: {}, Dst: {}", h.src, h.dst)?;
    l!(out, d + 1, "0100 .... = Version: 4")?;
    l!(out, d + 1, ".... {:04b} = Header Length: {} bytes ({})", h.hdr_len / 4, h.hdr_len, h.hdr_len / 4)?;
    l!(
        out,
        d + 1,
        "Differentiated Services Field: 0x{:02x} (DSCP: {}, ECN: {})",
        h.dsfield,
        dscp(h.dsfield >> 2),
        ecn(h.dsfield)
    )?;
    let ds = u32::from(h.dsfield);
    l!(
        out,
        d + 2,
        "{} = Differentiated Services Codepoint: {} ({})",
        bit_pattern(ds >> 2, 6, 2, 8),
        dscp_long(h.dsfield >> 2),
        h.dsfield >> 2
    )?;
    l!(
        out,
        d + 2,
        "{} = Explicit Congestion Notification: {} ({})",
        bit_pattern(ds & 3, 2, 0, 8),
        ecn_long(h.dsfield),
        ds & 3
    )?;
    l!(out, d + 1, "Total Length: {}", h.total_len)?;
    l!(out, d + 1, "Identification: 0x{:04x} ({})", h.id, h.id)?;
    let df = if h.flags & 2 != 0 { ", Don't fragment" } else { "" };
    let mf = if h.flags & 1 != 0 { ", More fragments" } else { "" };
    l!(out, d + 1, "{:03b}. .... = Flags: 0x{:x}{df}{mf}", h.flags, h.flags)?;
    l!(out, d + 2, "{}... .... = Reserved bit: {}", (h.flags >> 2) & 1, set(h.flags & 4 != 0))?;
    l!(out, d + 2, ".{}.. .... = Don't fragment: {}", (h.flags >> 1) & 1, set(h.flags & 2 != 0))?;
    l!(out, d + 2, "..{}. .... = More fragments: {}", h.flags & 1, set(h.flags & 1 != 0))?;
    l!(
        out,
        d + 1,
        "{} = Fragment Offset: {}",
        bit_pattern(u32::from(h.frag_offset), 13, 0, 16),
        u32::from(h.frag_offset) * 8
    )?;
    l!(out, d + 1, "Time to Live: {}", h.ttl)?;
    l!(out, d + 1, "Protocol: {} ({})", proto_name(h.proto), h.proto)?;
    l!(out, d + 1, "Header Checksum: 0x{:04x} [validation disabled]", h.checksum)?;
    l!(out, d + 1, "[Header checksum status: Unverified]")?;
    l!(out, d + 1, "Source Address: {}", h.src)?;
    l!(out, d + 1, "Destination Address: {}", h.dst)
}

/// Wireshark's short name of a DSCP value (RFC 2474, 2597, 3246, 5865).
fn dscp(v: u8) -> std::borrow::Cow<'static, str> {
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
fn dscp_long(v: u8) -> std::borrow::Cow<'static, str> {
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
fn ecn_long(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not ECN-Capable Transport",
        1 => "ECN-Capable Transport codepoint '01'",
        2 => "ECN-Capable Transport codepoint '10'",
        _ => "Congestion Experienced",
    }
}

/// Wireshark's short name of the ECN bits (RFC 3168 §5).
fn ecn(dsfield: u8) -> &'static str {
    match dsfield & 3 {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}

fn ipv6(out: &mut impl Write, h: &Ipv6, d: usize) -> io::Result<()> {
    l!(out, d, "Internet Protocol Version 6, Src: {}, Dst: {}", h.src, h.dst)?;
    l!(out, d + 1, "0110 .... = Version: 6")?;
    let tc = u32::from(h.tclass);
    l!(
        out,
        d + 1,
        "{} = Traffic Class: 0x{:02x} (DSCP: {}, ECN: {})",
        bit_pattern(tc, 8, 20, 32),
        h.tclass,
        dscp(h.tclass >> 2),
        ecn(h.tclass)
    )?;
    l!(
        out,
        d + 2,
        "{} = Differentiated Services Codepoint: {} ({})",
        bit_pattern(tc >> 2, 6, 22, 32),
        dscp_long(h.tclass >> 2),
        h.tclass >> 2
    )?;
    l!(
        out,
        d + 2,
        "{} = Explicit Congestion Notification: {} ({})",
        bit_pattern(tc & 3, 2, 20, 32),
        ecn_long(h.tclass),
        tc & 3
    )?;
    l!(out, d + 1, "{} = Flow Label: 0x{:05x}", bit_pattern(h.flow, 20, 0, 24), h.flow)?;
    l!(out, d + 1, "Payload Length: {}", h.plen)?;
    l!(out, d + 1, "Next Header: {} ({})", proto_name(h.nxt), h.nxt)?;
    l!(out, d + 1, "Hop Limit: {}", h.hlim)?;
    l!(out, d + 1, "Source Address: {}", h.src)?;
    l!(out, d + 1, "Destination Address: {}", h.dst)?;
    if h.ext_len > 0 {
        l!(out, d + 1, "[Extension headers: {} bytes, then {} ({})]", h.ext_len, proto_name(h.proto), h.proto)?;
    }
    Ok(())
}

fn arp(out: &mut impl Write, a: &Arp) -> io::Result<()> {
    let kind = if a.opcode == 1 { "request" } else { "reply" };
    l!(out, 0, "Address Resolution Protocol ({kind})")?;
    l!(out, 1, "Hardware type: Ethernet ({})", a.hw_type)?;
    l!(out, 1, "Protocol type: IPv4 (0x{:04x})", a.proto_type)?;
    l!(out, 1, "Hardware size: 6")?;
    l!(out, 1, "Protocol size: 4")?;
    l!(out, 1, "Opcode: {kind} ({})", a.opcode)?;
    l!(out, 1, "Sender MAC address: {}", Mac(&a.sender_mac))?;
    l!(out, 1, "Sender IP address: {}", a.sender_ip)?;
    l!(out, 1, "Target MAC address: {}", Mac(&a.target_mac))?;
    l!(out, 1, "Target IP address: {}", a.target_ip)
}

fn tcp(out: &mut impl Write, h: &Tcp, info: Option<&SegmentInfo>, compl: u8, note: &Note, d: usize) -> io::Result<()> {
    let (seq, ack) = info.map_or((h.seq, h.ack), |i| (i.seq, i.ack));
    let ack_part = if h.flags & flags::ACK != 0 { format!(", Ack: {ack}") } else { String::new() };
    l!(
        out,
        d,
        "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}{ack_part}, Len: {}",
        h.sport,
        h.dport,
        h.payload_len
    )?;
    let d = d + 1;
    l!(out, d, "Source Port: {}", h.sport)?;
    l!(out, d, "Destination Port: {}", h.dport)?;
    if let Some(i) = info {
        l!(out, d, "[Stream index: {}]", i.stream)?;
        l!(out, d, "[Conversation completeness: {}]", completeness::words(compl))?;
    }
    l!(out, d, "[TCP Segment Len: {}]", h.payload_len)?;
    match info {
        Some(i) => {
            l!(out, d, "Sequence Number: {}    (relative sequence number)", i.seq)?;
            l!(out, d, "Sequence Number (raw): {}", h.seq)?;
            l!(out, d, "[Next Sequence Number: {}    (relative sequence number)]", i.nxtseq)?;
            if h.flags & flags::ACK != 0 {
                l!(out, d, "Acknowledgment Number: {}    (relative ack number)", i.ack)?;
            } else {
                l!(out, d, "Acknowledgment Number: {}", i.ack)?;
            }
        }
        None => {
            l!(out, d, "Sequence Number (raw): {}", h.seq)?;
        }
    }
    l!(out, d, "Acknowledgment number (raw): {}", h.ack)?;
    l!(out, d, "{:04b} .... = Header Length: {} bytes ({})", h.hdr_len / 4, h.hdr_len, h.hdr_len / 4)?;
    l!(out, d, "Flags: 0x{:03x} ({})", h.flags, FlagNames(h.flags))?;
    l!(out, d + 1, "000. .... .... = Reserved: {}", set(h.flags & 0x0e00 != 0))?;
    for (bit, label, pattern) in FLAG_ROWS {
        let v = u8::from(h.flags & bit != 0);
        let bits = pattern.replace('x', &v.to_string());
        l!(out, d + 1, "{bits} = {label}: {}", set(v == 1))?;
        if v == 1 {
            flag_expert_info(out, h, bit, d + 2)?;
        }
    }
    l!(out, d + 1, "[TCP Flags: {}]", flags_str(h.flags))?;
    match note {
        Note::ActiveClose { .. } => expert(out, d + 2, "Note", "This frame initiates the connection closing")?,
        Note::PassiveClose { .. } => expert(out, d + 2, "Note", "This frame undergoes the connection closing")?,
        _ => {}
    }
    l!(out, d, "Window: {}", h.window)?;
    if let Some(i) = info {
        l!(out, d, "[Calculated window size: {}]", i.window_size)?;
        if h.flags & flags::SYN == 0 {
            let why = match i.scalefactor {
                -1 => "-1 (unknown)".to_string(),
                -2 => "-2 (no window scaling used)".to_string(),
                f => f.to_string(),
            };
            l!(out, d, "[Window size scaling factor: {why}]")?;
        }
    }
    l!(out, d, "Checksum: 0x{:04x} [unverified]", h.checksum)?;
    l!(out, d, "[Checksum Status: Unverified]")?;
    l!(out, d, "Urgent Pointer: {}", h.urgent)?;
    let sack_base = match info {
        Some(i) if h.flags & flags::ACK != 0 => h.ack.wrapping_sub(i.ack),
        _ => 0,
    };
    tcp_options(out, h, sack_base, d)?;
    if let Some(i) = info {
        l!(out, d, "[Timestamps]")?;
        l!(
            out,
            d + 1,
            "[Time since first frame in this TCP stream: {} seconds]",
            Secs { nanos: i.time_relative, decimals: 9 }
        )?;
        l!(
            out,
            d + 1,
            "[Time since previous frame in this TCP stream: {} seconds]",
            Secs { nanos: i.time_delta, decimals: 9 }
        )?;
        seq_ack_analysis(out, i, d)?;
    }
    if h.payload_len > 0 {
        l!(out, d, "TCP payload ({} bytes)", h.payload_len)?;
        if info.is_some_and(|i| i.analysis & analysis::ANY_RETRANSMISSION != 0) {
            l!(out, d, "Retransmitted TCP segment data ({} bytes)", h.payload_len)?;
        }
    }
    Ok(())
}

/// Wireshark's expert notes under the SYN and FIN flags.
fn flag_expert_info(out: &mut impl Write, h: &Tcp, bit: u16, d: usize) -> io::Result<()> {
    if bit == flags::SYN {
        let text = if h.flags & flags::ACK != 0 {
            format!("Connection establish acknowledge (SYN+ACK): server port {}", h.sport)
        } else {
            format!("Connection establish request (SYN): server port {}", h.dport)
        };
        expert(out, d, "Chat", &text)?;
    }
    if bit == flags::RST {
        expert(out, d, "Warning", "Connection reset (RST)")?;
    }
    if bit == flags::FIN {
        expert(out, d, "Chat", "Connection finish (FIN)")?;
    }
    Ok(())
}

/// One expert-info block (group Sequence) at depth `d`.
fn expert(out: &mut impl Write, d: usize, level: &str, text: &str) -> io::Result<()> {
    l!(out, d, "[Expert Info ({level}/Sequence): {text}]")?;
    l!(out, d + 1, "[{text}]")?;
    l!(out, d + 1, "[Severity level: {level}]")?;
    l!(out, d + 1, "[Group: Sequence]")
}

/// The flag rows of the details: bit, label, bit pattern with `x` for the value.
const FLAG_ROWS: [(u16, &str, &str); 9] = [
    (flags::AE, "Accurate ECN", "...x .... ...."),
    (flags::CWR, "Congestion Window Reduced", ".... x... ...."),
    (flags::ECE, "ECN-Echo", ".... .x.. ...."),
    (flags::URG, "Urgent", ".... ..x. ...."),
    (flags::ACK, "Acknowledgment", ".... ...x ...."),
    (flags::PSH, "Push", ".... .... x..."),
    (flags::RST, "Reset", ".... .... .x.."),
    (flags::SYN, "Syn", ".... .... ..x."),
    (flags::FIN, "Fin", ".... .... ...x"),
];

/// Wireshark's summary name of a TCP option kind.
fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        34 => "TCP Fast Open",
        _ => "Unknown",
    }
}

fn tcp_options(out: &mut impl Write, h: &Tcp, sack_base: u32, d: usize) -> io::Result<()> {
    let len = usize::from(h.hdr_len).saturating_sub(20);
    if len == 0 {
        return Ok(());
    }
    let names: Vec<&str> = h.option_kinds().iter().map(|&k| option_name(k)).collect();
    l!(out, d, "Options: ({len} bytes), {}", names.join(", "))?;
    let o = &h.options;
    let mut sack_done = false;
    let d = d + 1;
    for &kind in h.option_kinds() {
        match kind {
            0 => {
                l!(out, d, "TCP Option - End of Option List (EOL)")?;
                l!(out, d + 1, "Kind: End of Option List (0)")?;
            }
            1 => {
                l!(out, d, "TCP Option - No-Operation (NOP)")?;
                l!(out, d + 1, "Kind: No-Operation (1)")?;
            }
            2 => {
                if let Some(m) = o.mss {
                    l!(out, d, "TCP Option - Maximum segment size: {m} bytes")?;
                    l!(out, d + 1, "Kind: Maximum Segment Size (2)")?;
                    l!(out, d + 1, "Length: 4")?;
                    l!(out, d + 1, "MSS Value: {m}")?;
                }
            }
            3 => {
                if let Some(s) = o.wscale {
                    let mult = 1u32 << s.min(14);
                    l!(out, d, "TCP Option - Window scale: {s} (multiply by {mult})")?;
                    l!(out, d + 1, "Kind: Window Scale (3)")?;
                    l!(out, d + 1, "Length: 3")?;
                    l!(out, d + 1, "Shift count: {s}")?;
                    l!(out, d + 1, "[Multiplier: {mult}]")?;
                }
            }
            4 => {
                l!(out, d, "TCP Option - SACK permitted")?;
                l!(out, d + 1, "Kind: SACK Permitted (4)")?;
                l!(out, d + 1, "Length: 2")?;
            }
            5 if !sack_done => {
                sack_done = true;
                let blocks = &o.sack[..usize::from(o.sack_count)];
                let rel = |v: u32| v.wrapping_sub(sack_base);
                let edges: Vec<String> = blocks.iter().map(|&(l, r)| format!("{}-{}", rel(l), rel(r))).collect();
                l!(out, d, "TCP Option - SACK {}", edges.join(" "))?;
                l!(out, d + 1, "Kind: SACK (5)")?;
                l!(out, d + 1, "Length: {}", 2 + 8 * blocks.len())?;
                for &(left, right) in blocks {
                    l!(out, d + 1, "left edge = {} (relative)", rel(left))?;
                    l!(out, d + 1, "right edge = {} (relative)", rel(right))?;
                }
                l!(out, d + 1, "[TCP SACK Count: {}]", blocks.len())?;
            }
            8 => {
                if let Some((v, e)) = o.timestamps {
                    l!(out, d, "TCP Option - Timestamps: TSval {v}, TSecr {e}")?;
                    l!(out, d + 1, "Kind: Time Stamp Option (8)")?;
                    l!(out, d + 1, "Length: 10")?;
                    l!(out, d + 1, "Timestamp value: {v}")?;
                    l!(out, d + 1, "Timestamp echo reply: {e}")?;
                }
            }
            5 => {}
            k => l!(out, d, "TCP Option - {} ({k})", option_name(k))?,
        }
    }
    Ok(())
}

/// Analysis flags other than duplicate ACKs, with Wireshark's expert level and text.
const ANALYSIS_EXPERTS: [(u32, &str, &str); 14] = [
    (analysis::RETRANSMISSION, "Note", "This frame is a (suspected) retransmission"),
    (analysis::FAST_RETRANSMISSION, "Note", "This frame is a (suspected) fast retransmission"),
    (analysis::SPURIOUS_RETRANSMISSION, "Note", "This frame is a (suspected) spurious retransmission"),
    (analysis::OUT_OF_ORDER, "Warning", "This frame is a (suspected) out-of-order segment"),
    (analysis::LOST_SEGMENT, "Warning", "Previous segment(s) not captured (common at capture start)"),
    (analysis::ACK_LOST_SEGMENT, "Warning", "ACKed segment that wasn't captured (common at capture start)"),
    (analysis::ZERO_WINDOW, "Warning", "TCP Zero Window segment"),
    (analysis::ZERO_WINDOW_PROBE, "Note", "TCP Zero Window Probe"),
    (analysis::ZERO_WINDOW_PROBE_ACK, "Note", "TCP Zero Window Probe Ack"),
    (analysis::KEEP_ALIVE, "Note", "TCP keep-alive segment"),
    (analysis::KEEP_ALIVE_ACK, "Note", "ACK to a TCP keep-alive segment"),
    (analysis::WINDOW_UPDATE, "Chat", "TCP window update"),
    (analysis::WINDOW_FULL, "Warning", "TCP window specified by the receiver is now completely full"),
    (
        analysis::REUSED_PORTS,
        "Note",
        "A new tcp session is started with the same ports as an earlier session in this trace",
    ),
];

fn seq_ack_analysis(out: &mut impl Write, i: &SegmentInfo, d: usize) -> io::Result<()> {
    let shown = i.acks_frame != 0 || i.irtt != 0 || i.bytes_in_flight != 0 || i.analysis != 0 || i.dup_ack_num != 0;
    if !shown {
        return Ok(());
    }
    l!(out, d, "[SEQ/ACK analysis]")?;
    if i.acks_frame != 0 {
        l!(out, d + 1, "[This is an ACK to the segment in frame: {}]", i.acks_frame)?;
        l!(out, d + 1, "[The RTT to ACK the segment was: {} seconds]", Secs { nanos: i.ack_rtt, decimals: 9 })?;
    }
    if i.irtt != 0 {
        l!(out, d + 1, "[iRTT: {} seconds]", Secs { nanos: i.irtt, decimals: 9 })?;
    }
    if i.bytes_in_flight != 0 {
        l!(out, d + 1, "[Bytes in flight: {}]", i.bytes_in_flight)?;
        l!(out, d + 1, "[Bytes sent since last PSH flag: {}]", i.push_bytes_sent)?;
    }
    if i.analysis != 0 {
        l!(out, d + 1, "[TCP Analysis Flags]")?;
        for (bit, level, text) in ANALYSIS_EXPERTS {
            if i.analysis & bit != 0 {
                expert(out, d + 2, level, text)?;
            }
        }
        if i.analysis & analysis::DUPLICATE_ACK != 0 {
            l!(out, d + 2, "[This is a TCP duplicate ack]")?;
        }
    }
    if i.dup_ack_num != 0 {
        l!(out, d + 1, "[Duplicate ACK #: {}]", i.dup_ack_num)?;
        l!(out, d + 1, "[Duplicate to the ACK in frame: {}]", i.dup_ack_frame)?;
        expert(out, d + 2, "Note", &format!("Duplicate ACK (#{})", i.dup_ack_num))?;
    }
    Ok(())
}

fn udp(
    out: &mut impl Write,
    u: &Udp,
    stream: Option<u32>,
    times: Option<(i64, i64)>,
    payload: usize,
    over_ipv6: bool,
    d: usize,
) -> io::Result<()> {
    l!(out, d, "User Datagram Protocol, Src Port: {}, Dst Port: {}", u.sport, u.dport)?;
    l!(out, d + 1, "Source Port: {}", u.sport)?;
    l!(out, d + 1, "Destination Port: {}", u.dport)?;
    l!(out, d + 1, "Length: {}", u.length)?;
    if u.checksum == 0 && over_ipv6 {
        l!(out, d + 1, "Checksum: 0x0000 [zero-value illegal]")?;
        l!(out, d + 2, "[Expert Info (Error/Checksum): Illegal checksum value (0)]")?;
        l!(out, d + 3, "[Illegal checksum value (0)]")?;
        l!(out, d + 3, "[Severity level: Error]")?;
        l!(out, d + 3, "[Group: Checksum]")?;
        l!(out, d + 2, "[Checksum Status: Illegal]")?;
    } else if u.checksum == 0 {
        l!(out, d + 1, "Checksum: 0x0000 [zero-value ignored]")?;
        l!(out, d + 2, "[Checksum Status: Not present]")?;
    } else {
        l!(out, d + 1, "Checksum: 0x{:04x} [unverified]", u.checksum)?;
        l!(out, d + 1, "[Checksum Status: Unverified]")?;
    }
    if let Some(s) = stream {
        l!(out, d + 1, "[Stream index: {s}]")?;
    }
    if let Some((rel, delta)) = times {
        l!(out, d + 1, "[Timestamps]")?;
        l!(out, d + 2, "[Time since first frame: {} seconds]", Secs { nanos: rel, decimals: 9 })?;
        l!(out, d + 2, "[Time since previous frame: {} seconds]", Secs { nanos: delta, decimals: 9 })?;
    }
    if payload > 0 {
        l!(out, d + 1, "UDP payload ({payload} bytes)")?;
    }
    Ok(())
}

/// Bytes Wireshark shows of a byte field's value before cutting it with `…`.
const BYTES_SHOWN: usize = 36;

/// The payload no dissector decodes, as Wireshark's Data protocol.
fn data(out: &mut impl Write, payload: &[u8], d: usize) -> io::Result<()> {
    l!(out, d, "Data ({} bytes)", payload.len())?;
    // tshark -V dumps the bytes of the Data block right after its title.
    out.write_all(b"\n")?;
    crate::sniff::render::hex::dump(out, payload)?;
    let mut hex = String::with_capacity(2 * BYTES_SHOWN + 3);
    for b in payload.iter().take(BYTES_SHOWN) {
        hex.push_str(&format!("{b:02x}"));
    }
    if payload.len() > BYTES_SHOWN {
        hex.push('…');
    }
    l!(out, d + 1, "Data: {hex}")?;
    l!(out, d + 1, "[Length: {}]", payload.len())
}

fn icmp_tree(out: &mut impl Write, p: &Packet<'_>, i: &Icmp) -> io::Result<()> {
    let (title, name, code) = if i.v6 {
        ("Internet Control Message Protocol v6", icmp::v6_type_name(i.ty), icmp::v6_code_name(i.ty, i.code))
    } else {
        ("Internet Control Message Protocol", icmp::type_name(i.ty), icmp::code_name(i.ty, i.code))
    };
    l!(out, 0, "{title}")?;
    if i.v6 {
        l!(out, 1, "Type: {name} ({})", i.ty)?;
    } else {
        l!(out, 1, "Type: {} ({name})", i.ty)?;
    }
    match code {
        Some(c) => l!(out, 1, "Code: {} ({c})", i.code)?,
        None => l!(out, 1, "Code: {}", i.code)?,
    }
    match icmp_checksum(p, i) {
        Some(want) if want == i.checksum => {
            l!(out, 1, "Checksum: 0x{:04x} [correct]", i.checksum)?;
            l!(out, 1, "[Checksum Status: Good]")?;
        }
        Some(want) => {
            l!(out, 1, "Checksum: 0x{:04x} [incorrect, should be 0x{want:04x}]", i.checksum)?;
            l!(out, 1, "[Checksum Status: Bad]")?;
        }
        None => l!(out, 1, "Checksum: 0x{:04x} [unverified]", i.checksum)?,
    }
    let rest = u32::from_be_bytes(i.rest);
    if i.is_echo() && i.v6 {
        l!(out, 1, "Identifier: 0x{:04x}", i.ident())?;
        l!(out, 1, "Sequence: {}", i.seq())?;
        match p.echo_peer {
            Some((f, true)) => l!(out, 1, "[Response To: {f}]")?,
            Some((f, false)) => l!(out, 1, "[Response In: {f}]")?,
            None => {}
        }
        if let Some(rtt) = p.echo_rtt {
            let micros = (rtt + 500) / 1000;
            l!(out, 1, "[Response Time: {}.{:03} ms]", micros / 1000, micros % 1000)?;
        }
    } else if i.is_echo() {
        let (id, seq) = (i.ident(), i.seq());
        l!(out, 1, "Identifier (BE): {id} (0x{id:04x})")?;
        if !i.v6 {
            l!(out, 1, "Identifier (LE): {} (0x{:04x})", id.swap_bytes(), id.swap_bytes())?;
        }
        l!(out, 1, "Sequence Number (BE): {seq} (0x{seq:04x})")?;
        if !i.v6 {
            l!(out, 1, "Sequence Number (LE): {} (0x{:04x})", seq.swap_bytes(), seq.swap_bytes())?;
        }
        match p.echo_peer {
            Some((f, true)) => l!(out, 1, "[Request frame: {f}]")?,
            Some((f, false)) => l!(out, 1, "[Response frame: {f}]")?,
            None => {}
        }
        if let Some(rtt) = p.echo_rtt {
            // Milliseconds with three decimals, rounded half up as printf does.
            let micros = (rtt + 500) / 1000;
            l!(out, 1, "[Response time: {}.{:03} ms]", micros / 1000, micros % 1000)?;
        }
    } else if i.is_error() {
        match (i.v6, i.ty, i.code) {
            (false, 3, 4) => {
                l!(out, 1, "Unused: {:04x}", rest >> 16)?;
                l!(out, 1, "MTU of next hop: {}", rest & 0xffff)?;
            }
            (false, 12, _) => l!(out, 1, "Pointer: {}", rest >> 24)?,
            (false, _, _) => l!(out, 1, "Unused: {rest:08x}")?,
            (true, 2, _) => l!(out, 1, "MTU: {rest}")?,
            (true, 4, _) => l!(out, 1, "Pointer: {rest}")?,
            (true, _, _) => l!(out, 1, "Reserved: {rest:08x}")?,
        }
    }
    if let Some(q) = p.d.quoted {
        quoted(out, p, &q)?;
    }
    if shows_data(p) {
        // Data after a quoted datagram belongs to the frame, after an echo to the ICMP tree.
        data(out, p.d.payload, if i.is_error() { 0 } else { 1 })?;
    }
    Ok(())
}

/// The checksum an ICMP message should carry, when the whole message was captured.
fn icmp_checksum(p: &Packet<'_>, i: &Icmp) -> Option<u16> {
    let (len, v6) = match p.d.net {
        Net::Ipv4(h) => (usize::from(h.total_len).checked_sub(usize::from(h.hdr_len))?, None),
        Net::Ipv6(h) => (usize::from(h.plen).checked_sub(h.ext_len)?, Some((h.src.octets(), h.dst.octets()))),
        _ => return None,
    };
    let msg = p.data.get(i.offset..i.offset + len)?;
    Some(icmp::expected_checksum(msg, v6.as_ref().map(|(s, d)| (s, d))))
}

fn quoted(out: &mut impl Write, p: &Packet<'_>, q: &Quoted) -> io::Result<()> {
    match q.net {
        Net::Ipv4(h) => ipv4(out, &h, 1)?,
        Net::Ipv6(h) => ipv6(out, &h, 1)?,
        _ => {}
    }
    match q.transport {
        Transport::Udp(u) => udp(out, &u, p.quoted_udp_stream, None, p.d.payload.len(), false, 1),
        Transport::Tcp(h) => tcp(out, &h, None, 0, &Note::None, 1),
        Transport::TcpPorts { sport, dport, seq, .. } => {
            l!(out, 1, "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}")?;
            l!(out, 2, "Source Port: {sport}")?;
            l!(out, 2, "Destination Port: {dport}")?;
            l!(out, 2, "Sequence Number (raw): {seq}")
        }
        _ => Ok(()),
    }
}
