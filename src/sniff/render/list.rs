//! The packet list, as Wireshark's top pane and `tshark -r` print it:
//! `No. Time Source → Destination Protocol Length Info`, then the teaching note.

use crate::sniff::dissect::opt;
use crate::sniff::icmp;
use crate::sniff::link::{ethertype_column, LinkType};
use crate::sniff::packet::{Layer, Net, Note, Packet, Tcp, Transport};
use crate::sniff::render::{ansi, put_padded, put_secs6, put_u64, put_u64_padded, Mac, StackStr, Style};
use crate::sniff::tcp::{analysis, flags, Endpoint, SegmentInfo};
use std::fmt;
use std::io::{self, Write};

/// Width of the No. column.
const NO_WIDTH: usize = 5;
/// Width of the Time column.
const TIME_WIDTH: usize = 10;
/// Width of the Source and Destination columns.
const ADDR_WIDTH: usize = 12;

/// The column header line.
pub fn header(out: &mut impl Write, style: Style) -> io::Result<()> {
    style.on(out, ansi::BOLD)?;
    write!(
        out,
        "{:>NO_WIDTH$} {:>TIME_WIDTH$} {:>ADDR_WIDTH$}   {:<ADDR_WIDTH$} Protocol Length Info",
        "No.", "Time", "Source", "Destination"
    )?;
    style.off(out)?;
    out.write_all(b"\n")
}

/// One row of the list, and the teaching note under it when there is one.
pub fn row(out: &mut impl Write, p: &Packet<'_>, style: Style) -> io::Result<()> {
    let (src, dst) = addresses(p);
    put_u64_padded(out, u64::from(p.number), NO_WIDTH)?;
    out.write_all(b" ")?;
    put_secs6(out, p.rel, TIME_WIDTH)?;
    out.write_all(b" ")?;
    put_padded(out, src.as_bytes(), ADDR_WIDTH, true)?;
    out.write_all(" → ".as_bytes())?;
    put_padded(out, dst.as_bytes(), ADDR_WIDTH, false)?;
    out.write_all(b" ")?;
    let bad = p.d.error.is_some() || p.tcp.is_some_and(|t| t.analysis & PROBLEMS != 0);
    if bad {
        style.on(out, ansi::BAD)?;
    }
    out.write_all(protocol(p).as_bytes())?;
    out.write_all(b" ")?;
    put_u64(out, u64::from(p.len))?;
    out.write_all(b" ")?;
    info(out, p)?;
    if bad {
        style.off(out)?;
    }
    out.write_all(b"\n")?;
    if p.note != Note::None {
        style.on(out, ansi::NOTE)?;
        write!(out, "  ↳ {}", NoteText(&p.note))?;
        style.off(out)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Analysis flags shown in red.
const PROBLEMS: u32 = analysis::RETRANSMISSION
    | analysis::FAST_RETRANSMISSION
    | analysis::SPURIOUS_RETRANSMISSION
    | analysis::OUT_OF_ORDER
    | analysis::LOST_SEGMENT
    | analysis::ACK_LOST_SEGMENT
    | analysis::DUPLICATE_ACK
    | analysis::ZERO_WINDOW;

/// Source and Destination columns: IP addresses, else link addresses.
fn addresses(p: &Packet<'_>) -> (StackStr, StackStr) {
    if let Some((s, d)) = p.d.ip_addrs() {
        return (StackStr::ip(s), StackStr::ip(d));
    }
    match p.d.link {
        Some(l) if l.kind == LinkType::Ethernet => (StackStr::of(Mac(&l.eth_src)), StackStr::of(Mac(&l.eth_dst))),
        Some(l) if matches!(l.kind, LinkType::LinuxSll | LinkType::LinuxSll2) => {
            let n = usize::from(l.sll.addr_len).min(l.sll.addr.len());
            (StackStr::of(Mac(&l.sll.addr[..n])), StackStr::new())
        }
        _ => (StackStr::new(), StackStr::new()),
    }
}

/// The Protocol column.
pub fn protocol(p: &Packet<'_>) -> &'static str {
    if let Some(e) = p.d.error {
        return match e.layer {
            Layer::Vlan | Layer::Null | Layer::Sll | Layer::Raw => e.layer.name(),
            l => l.name(),
        };
    }
    match p.d.transport {
        Transport::Tcp(_) => "TCP",
        Transport::Udp(_) => "UDP",
        Transport::Icmp(i) if i.v6 => "ICMPv6",
        Transport::Icmp(_) => "ICMP",
        _ => match p.d.net {
            Net::Ipv4(_) => "IPv4",
            Net::Ipv6(_) => "IPv6",
            Net::Arp(_) => "ARP",
            Net::Other(t) => ethertype_column(t).unwrap_or("Ethernet"),
            Net::None => match p.d.link.map(|l| l.kind) {
                Some(LinkType::Null | LinkType::Loop) => "NULL",
                Some(LinkType::LinuxSll | LinkType::LinuxSll2) => "SLL",
                _ => "Ethernet",
            },
        },
    }
}

/// The Info column, in tshark's wording.
pub fn info(out: &mut impl Write, p: &Packet<'_>) -> io::Result<()> {
    if let Some(e) = p.d.error {
        return write!(out, "[Malformed Packet: {e}]");
    }
    match &p.d.transport {
        Transport::Tcp(h) => tcp_info(out, h, p.tcp.as_ref()),
        &Transport::Udp(u) => {
            put_u64(out, u64::from(u.sport))?;
            out.write_all(" → ".as_bytes())?;
            put_u64(out, u64::from(u.dport))?;
            out.write_all(b" Len=")?;
            put_u64(out, u64::from(u.length.saturating_sub(8)))
        }
        &Transport::Icmp(i) => {
            let ttl = match p.d.net {
                Net::Ipv4(h) => h.ttl,
                Net::Ipv6(h) => h.hlim,
                _ => 0,
            };
            if i.is_echo() {
                let name = if i.v6 { icmp::v6_type_name(i.ty) } else { icmp::type_name(i.ty) };
                if i.v6 {
                    write!(out, "{name} id=0x{:04x}, seq={}, hop limit={ttl}", i.ident(), i.seq())?;
                } else {
                    write!(
                        out,
                        "{name:<20} id=0x{:04x}, seq={}/{}, ttl={ttl}",
                        i.ident(),
                        i.seq(),
                        i.seq().swap_bytes()
                    )?;
                }
                return match p.echo_peer {
                    Some((f, true)) => write!(out, " (request in {f})"),
                    Some((f, false)) => write!(out, " (reply in {f})"),
                    None if !i.is_echo_reply() => write!(out, " (no response found!)"),
                    None => Ok(()),
                };
            }
            let (name, code) = if i.v6 {
                (icmp::v6_type_name(i.ty), icmp::v6_code_name(i.ty, i.code))
            } else {
                (icmp::type_name(i.ty), icmp::code_name(i.ty, i.code))
            };
            match code {
                Some(c) => write!(out, "{name} ({c})"),
                None => out.write_all(name.as_bytes()),
            }
        }
        &Transport::Other(proto) => match p.d.net {
            Net::Ipv4(h) if h.frag_offset != 0 || h.flags & 1 != 0 => write!(
                out,
                "Fragmented IP protocol (proto={proto}, off={}, ID={:04x})",
                u32::from(h.frag_offset) * 8,
                h.id
            ),
            _ => write!(out, "IP protocol {proto}"),
        },
        Transport::TcpPorts { .. } | Transport::None => match p.d.net {
            Net::Arp(a) => match a.opcode {
                1 if a.sender_ip == a.target_ip => write!(out, "Gratuitous ARP for {} (Request)", a.sender_ip),
                1 => write!(out, "Who has {}? Tell {}", a.target_ip, a.sender_ip),
                2 => write!(out, "{} is at {}", a.sender_ip, Mac(&a.sender_mac)),
                op => write!(out, "ARP opcode {op}"),
            },
            Net::Other(t) => write!(out, "Ethernet II, type 0x{t:04x}"),
            Net::None => match p.d.link {
                Some(l) => match l.next {
                    crate::sniff::link::Next::Family(f) => write!(out, "Null/Loopback, unknown family {f}"),
                    crate::sniff::link::Next::EtherType(t) => write!(out, "type 0x{t:04x}"),
                    crate::sniff::link::Next::Length(n) => {
                        write!(out, "IEEE 802.3 frame, length {n} (LLC not decoded)")
                    }
                },
                None => Ok(()),
            },
            _ => Ok(()),
        },
    }
}

/// TCP Info: analysis prefixes, ports, flags, numbers, options.
fn tcp_info(out: &mut impl Write, h: &Tcp, info: Option<&SegmentInfo>) -> io::Result<()> {
    let a = info.map_or(0, |i| i.analysis);
    for (bit, text) in PREFIXES {
        if a & bit != 0 {
            out.write_all(text.as_bytes())?;
        }
    }
    if a & analysis::DUPLICATE_ACK != 0 {
        if let Some(i) = info {
            write!(out, "[TCP Dup ACK {}#{}] ", i.dup_ack_frame, i.dup_ack_num)?;
        }
    }
    for (bit, text) in PREFIXES_AFTER_DUP {
        if a & bit != 0 {
            out.write_all(text.as_bytes())?;
        }
    }
    put_u64(out, u64::from(h.sport))?;
    out.write_all(" → ".as_bytes())?;
    put_u64(out, u64::from(h.dport))?;
    out.write_all(b" [")?;
    flag_names(out, h.flags)?;
    out.write_all(b"]")?;
    let (seq, ack, win) = match info {
        Some(i) => (i.seq, i.ack, i.window_size),
        None => (h.seq, h.ack, i64::from(h.window)),
    };
    out.write_all(b" Seq=")?;
    put_u64(out, u64::from(seq))?;
    if h.flags & flags::ACK != 0 {
        out.write_all(b" Ack=")?;
        put_u64(out, u64::from(ack))?;
    }
    if win < 0 {
        write!(out, " Win={win}")?;
    } else {
        out.write_all(b" Win=")?;
        put_u64(out, win.unsigned_abs())?;
    }
    if h.flags & flags::URG != 0 {
        out.write_all(b" Urg=")?;
        put_u64(out, u64::from(h.urgent))?;
    }
    out.write_all(b" Len=")?;
    put_u64(out, u64::from(h.payload_len))?;
    let o = &h.options;
    let sack_base = match info {
        Some(i) if h.flags & flags::ACK != 0 => h.ack.wrapping_sub(i.ack),
        _ => 0,
    };
    let mut sack_done = false;
    for &kind in h.option_kinds() {
        match kind {
            opt::MSS => {
                if let Some(m) = o.mss {
                    write!(out, " MSS={m}")?;
                }
            }
            opt::WSCALE => {
                if let Some(s) = o.wscale {
                    write!(out, " WS={}", 1u32 << s.min(14))?;
                }
            }
            opt::SACK_PERM if o.sack_perm => out.write_all(b" SACK_PERM")?,
            opt::TIMESTAMPS => {
                if let Some((v, e)) = o.timestamps {
                    out.write_all(b" TSval=")?;
                    put_u64(out, u64::from(v))?;
                    out.write_all(b" TSecr=")?;
                    put_u64(out, u64::from(e))?;
                }
            }
            opt::TFO | opt::EXPERIMENTAL if h.tfo_len == 2 => out.write_all(b" TFO=R")?,
            opt::TFO | opt::EXPERIMENTAL if h.tfo_len > 2 => out.write_all(b" TFO=C")?,
            opt::SACK if !sack_done => {
                sack_done = true;
                for &(l, r) in &o.sack[..usize::from(o.sack_count)] {
                    write!(out, " SLE={} SRE={}", l.wrapping_sub(sack_base), r.wrapping_sub(sack_base))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Analysis prefixes before a duplicate-ACK mark, in tshark's order.
const PREFIXES: [(u32, &str); 6] = [
    (analysis::ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] "),
    (analysis::LOST_SEGMENT, "[TCP Previous segment not captured] "),
    (analysis::WINDOW_UPDATE, "[TCP Window Update] "),
    (analysis::WINDOW_FULL, "[TCP Window Full] "),
    (analysis::KEEP_ALIVE, "[TCP Keep-Alive] "),
    (analysis::KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] "),
];

/// Analysis prefixes after a duplicate-ACK mark.
const PREFIXES_AFTER_DUP: [(u32, &str); 8] = [
    (analysis::ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] "),
    (analysis::ZERO_WINDOW, "[TCP ZeroWindow] "),
    (analysis::ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] "),
    (analysis::SPURIOUS_RETRANSMISSION, "[TCP Spurious Retransmission] "),
    (analysis::FAST_RETRANSMISSION, "[TCP Fast Retransmission] "),
    (analysis::RETRANSMISSION, "[TCP Retransmission] "),
    (analysis::OUT_OF_ORDER, "[TCP Out-Of-Order] "),
    (analysis::REUSED_PORTS, "[TCP Port numbers reused] "),
];

/// Writes the flag names as the Info column shows them.
fn flag_names(out: &mut impl Write, f: u16) -> io::Result<()> {
    let mut first = true;
    for (bit, name) in FLAG_NAMES {
        if f & bit != 0 {
            if !first {
                out.write_all(b", ")?;
            }
            out.write_all(name.as_bytes())?;
            first = false;
        }
    }
    if first {
        out.write_all(b"<None>")?;
    }
    Ok(())
}

/// TCP flags as tshark's Info column names them: `SYN, ACK`, or `<None>`.
pub struct FlagNames(pub u16);

/// Flag bits and names, in the order tshark lists them.
pub const FLAG_NAMES: [(u16, &str); 9] = [
    (flags::FIN, "FIN"),
    (flags::SYN, "SYN"),
    (flags::RST, "RST"),
    (flags::PSH, "PSH"),
    (flags::ACK, "ACK"),
    (flags::URG, "URG"),
    (flags::ECE, "ECE"),
    (flags::CWR, "CWR"),
    (flags::AE, "AE"),
];

impl fmt::Display for FlagNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (bit, name) in FLAG_NAMES {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("<None>")?;
        }
        Ok(())
    }
}

/// An endpoint as `127.0.0.1:80` or `[::1]:80`.
pub struct Ep<'a>(pub &'a Endpoint);

impl fmt::Display for Ep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.ip {
            std::net::IpAddr::V4(a) => write!(f, "{a}:{}", self.0.port),
            std::net::IpAddr::V6(a) => write!(f, "[{a}]:{}", self.0.port),
        }
    }
}

/// The text of a teaching note.
pub struct NoteText<'a>(pub &'a Note);

impl fmt::Display for NoteText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |c: bool| if c { "client" } else { "server" };
        match *self.0 {
            Note::None => Ok(()),
            Note::Handshake { step: 1, client, server } => {
                write!(f, "handshake 1/3: client {} → server {} (SYN)", Ep(&client), Ep(&server))
            }
            Note::Handshake { step: 2, client, server } => {
                write!(f, "handshake 2/3: server {} → client {} (SYN, ACK)", Ep(&server), Ep(&client))
            }
            Note::Handshake { client, server, .. } => write!(
                f,
                "handshake 3/3: client {} → server {} (ACK): connection established",
                Ep(&client),
                Ep(&server)
            ),
            Note::ActiveClose { from, by_client } => {
                write!(f, "active close: {} {} sends FIN (it has nothing more to send)", side(by_client), Ep(&from))
            }
            Note::PassiveClose { from, by_client } => write!(
                f,
                "passive close: {} {} answers the other side's FIN with its own",
                side(by_client),
                Ep(&from)
            ),
            Note::Refused { port } => {
                write!(f, "connection refused: nothing listens on port {port}, so the SYN is answered with RST")
            }
            Note::Reset { from } => write!(f, "connection reset by {}: the connection is aborted", Ep(&from)),
            Note::Retransmission { seq, nxtseq } => write!(
                f,
                "retransmission: bytes {seq}..{nxtseq} (relative) were sent before; the sender saw no ACK for them in time"
            ),
            Note::LostSegment => {
                f.write_str("a gap in sequence numbers: a segment before this one was lost or not captured")
            }
            Note::DupAck { num, frame } => write!(
                f,
                "duplicate ACK #{num} (same as frame {frame}): the receiver still waits for the same byte"
            ),
            Note::ZeroWindow => f.write_str("zero window: the receiver's buffer is full, the sender must pause"),
            Note::IcmpAbout { frame, proto, src, dst } => {
                let name = match proto {
                    17 => "UDP",
                    6 => "TCP",
                    _ => "IP",
                };
                if frame == 0 {
                    write!(f, "ICMP error about a datagram not in this capture ({name} {} → {})", Ep(&src), Ep(&dst))
                } else {
                    write!(f, "ICMP error about frame {frame} ({name} {} → {})", Ep(&src), Ep(&dst))
                }
            }
        }
    }
}
