//! The packet list, as Wireshark's top pane and `tshark -r` print it:
//! `No. Time Source → Destination Protocol Length Info`, then the teaching note.

use crate::sniff::app::App;
use crate::sniff::dissect::link::{ethertype_column, LinkType};
use crate::sniff::dissect::tcp::opt;
use crate::sniff::dissect::{dns, http};
use crate::sniff::icmp;
use crate::sniff::packet::{Layer, Net, Note, Packet, Tcp, Transport};
use crate::sniff::render::{ansi, put_padded, put_secs, put_u64, put_u64_padded, Line, Mac, StackStr, Style};
pub use crate::sniff::tcp::flags::FlagNames;
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
    // Built in a stack buffer and written at once (many tiny writes cost more);
    // a row too long for it is written piece by piece instead.
    let mut line = Line::new();
    match row_parts(&mut line, p, style) {
        Ok(()) => out.write_all(line.as_bytes()),
        Err(e) if e.kind() == io::ErrorKind::WriteZero => row_parts(out, p, style),
        Err(e) => Err(e),
    }
}

/// The pieces of a row, written to `out`.
fn row_parts(out: &mut impl Write, p: &Packet<'_>, style: Style) -> io::Result<()> {
    let (src, dst) = addresses(p);
    put_u64_padded(out, u64::from(p.number), NO_WIDTH)?;
    out.write_all(b" ")?;
    put_secs(out, p.rel, style.nanos, TIME_WIDTH)?;
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
    if let App::Http(m) = &p.app {
        for (name, _) in &m.headers {
            if let Some(text) = http::header_note(name) {
                style.on(out, ansi::NOTE)?;
                write!(out, "  ↳ {text}")?;
                style.off(out)?;
                out.write_all(b"\n")?;
            }
        }
    }
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
    match &p.app {
        App::Dns(m) if m.first().is_some_and(|m| m.mdns) => return "MDNS",
        App::Dns(_) => return "DNS",
        App::Http(m) if m.ssdp => return "SSDP",
        App::Http(m) if m.body_protocol() == Some("json") => return "HTTP/JSON",
        App::Http(_) | App::HttpContinuation => return "HTTP",
        _ => {}
    }
    if let Some(pdu) = p.d.pdu {
        return pdu.dissector().column(pdu.bytes(p.data));
    }
    match p.d.transport {
        Transport::Tcp(_) => "TCP",
        Transport::Udp(_) => "UDP",
        Transport::Icmp(i) if i.v6 => "ICMPv6",
        Transport::Icmp(_) => "ICMP",
        _ => match p.d.net {
            Net::Ipv4(_) => "IPv4",
            Net::Ipv6(_) => "IPv6",
            Net::Other(t) => ethertype_column(t).unwrap_or("Ethernet"),
            Net::None => match p.d.link.map(|l| l.kind) {
                Some(LinkType::Null | LinkType::Loop) => "NULL",
                Some(LinkType::LinuxSll | LinkType::LinuxSll2) => "SLL",
                Some(LinkType::Ppp | LinkType::PppSerial) => "PPP",
                Some(LinkType::CHdlc) => "CHDLC",
                Some(LinkType::FrameRelay) => "FR",
                Some(LinkType::Slip) => "SLIP",
                Some(LinkType::Other(dlt)) => crate::sniff::dissect::link::static_dlt_name(dlt),
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
    match &p.app {
        App::Dns(msgs) => {
            for (i, m) in msgs.iter().enumerate() {
                if i > 0 {
                    out.write_all(b" , ")?;
                }
                out.write_all(dns::info_string(m).as_bytes())?;
            }
            return Ok(());
        }
        App::Http(m) => {
            let mut s = String::with_capacity(64);
            let _ = http::info(&mut s, m);
            return out.write_all(s.as_bytes());
        }
        App::HttpContinuation => return out.write_all(b"Continuation"),
        _ => {}
    }
    if let Some(pdu) = p.d.pdu {
        let mut s = String::with_capacity(64);
        pdu.dissector().info(pdu.bytes(p.data), &mut s);
        return out.write_all(s.as_bytes());
    }
    match &p.d.transport {
        Transport::Tcp(h) if matches!(p.app, App::Segment(_)) => {
            match &p.app {
                App::Segment(Some(line)) => write!(out, "{line} ")?,
                _ => tcp_info(out, h, p.tcp.as_ref())?,
            }
            out.write_all(b" [TCP segment of a reassembled PDU]")
        }
        Transport::Tcp(h) => tcp_info(out, h, p.tcp.as_ref()),
        &Transport::Udp(u) => {
            put_u64(out, u64::from(u.sport))?;
            out.write_all(" → ".as_bytes())?;
            put_u64(out, u64::from(u.dport))?;
            if u.length < 8 {
                return write!(out, " [BAD UDP LENGTH {} < 8]", u.length);
            }
            let ip_payload = p.d.reassembled.or_else(|| ip_payload_len(&p.d.net));
            if ip_payload.is_some_and(|n| usize::from(u.length) > n) {
                write!(out, " [BAD UDP LENGTH {} > IP PAYLOAD LENGTH]", u.length)?;
            }
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
            if i.v6 && (133..=136).contains(&i.ty) {
                return neighbor_discovery(out, &i, p.d.payload);
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
            Net::Other(t) => write!(out, "Ethernet II, type 0x{t:04x}"),
            Net::None => match p.d.link {
                Some(l) => match l.next {
                    crate::sniff::dissect::link::Next::Family(f) => write!(out, "Null/Loopback, unknown family {f}"),
                    crate::sniff::dissect::link::Next::EtherType(t) => write!(out, "type 0x{t:04x}"),
                    crate::sniff::dissect::link::Next::Length(n) => {
                        write!(out, "IEEE 802.3 frame, length {n} (LLC not decoded)")
                    }
                    crate::sniff::dissect::link::Next::Ppp(proto) => write!(out, "PPP Unknown (0x{proto:04x})"),
                    crate::sniff::dissect::link::Next::Nlpid(n) => write!(out, "DLCI {}, NLPID 0x{n:02x}", l.dlci),
                    crate::sniff::dissect::link::Next::Undecoded => match l.kind {
                        LinkType::Other(dlt) => {
                            write!(
                                out,
                                "link type {} ({dlt}) not decoded by socklab",
                                crate::sniff::dissect::link::dlt_name(dlt)
                            )
                        }
                        LinkType::FrameRelay => write!(out, "DLCI {}", l.dlci),
                        _ => write!(out, "compressed or unknown packet"),
                    },
                },
                None => Ok(()),
            },
            _ => Ok(()),
        },
    }
}

/// The payload length an IP header declares (None when it does not say).
fn ip_payload_len(net: &Net) -> Option<usize> {
    match net {
        Net::Ipv4(h) => usize::from(h.total_len).checked_sub(usize::from(h.hdr_len)),
        Net::Ipv6(h) if h.plen != 0 => usize::from(h.plen).checked_sub(h.ext_len),
        _ => None,
    }
}

/// ICMPv6 Neighbor Discovery messages as tshark summarises them (RFC 4861 §4):
/// router solicitation/advertisement with the sender's link-layer address,
/// neighbor solicitation/advertisement with the target and flags.
fn neighbor_discovery(out: &mut impl Write, i: &crate::sniff::packet::Icmp, body: &[u8]) -> io::Result<()> {
    /// Link-layer address options: source (1) and target (2).
    fn lladdr(opts: &[u8], kind: u8) -> Option<&[u8]> {
        let mut rest = opts;
        while rest.len() >= 8 {
            let len = usize::from(rest[1]) * 8;
            if len == 0 || len > rest.len() {
                return None;
            }
            if rest[0] == kind {
                return Some(&rest[2..8]);
            }
            rest = &rest[len..];
        }
        None
    }
    let name = icmp::v6_type_name(i.ty);
    let target = || -> Option<std::net::Ipv6Addr> {
        let b: [u8; 16] = body.get(..16)?.try_into().ok()?;
        Some(std::net::Ipv6Addr::from(b))
    };
    match i.ty {
        133 | 134 => {
            // RS: 4 reserved bytes in the header, options follow; RA: 8 more bytes first.
            let opts = if i.ty == 133 { body } else { body.get(8..).unwrap_or(&[]) };
            out.write_all(name.as_bytes())?;
            if let Some(mac) = lladdr(opts, 1) {
                write!(out, " from {}", Mac(mac))?;
            }
            Ok(())
        }
        135 => {
            out.write_all(name.as_bytes())?;
            if let Some(t) = target() {
                write!(out, " for {t}")?;
            }
            if let Some(mac) = lladdr(body.get(16..).unwrap_or(&[]), 1) {
                write!(out, " from {}", Mac(mac))?;
            }
            Ok(())
        }
        _ => {
            out.write_all(name.as_bytes())?;
            let Some(t) = target() else { return Ok(()) };
            write!(out, " {t}")?;
            let flags = i.rest[0];
            let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|&(_, n)| n)
                .collect();
            if !names.is_empty() {
                write!(out, " ({})", names.join(", "))?;
            }
            if let Some(mac) = lladdr(body.get(16..).unwrap_or(&[]), 2) {
                write!(out, " is at {}", Mac(mac))?;
            }
            Ok(())
        }
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
    write!(out, "{}", FlagNames(f))
}

/// An endpoint as `127.0.0.1:80` or `[::1]:80`.
pub struct Ep<'a>(pub &'a Endpoint);

impl fmt::Display for Ep<'_> {
    /// `a.b.c.d:port` or `[v6]:port`, without the formatting machinery (notes
    /// are on the hot path of the list).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v6 = self.0.ip.is_ipv6();
        if v6 {
            f.write_str("[")?;
        }
        f.write_str(StackStr::ip(self.0.ip).as_str())?;
        f.write_str(if v6 { "]:" } else { ":" })?;
        let mut buf = [0u8; 20];
        f.write_str(std::str::from_utf8(super::digits(u64::from(self.0.port), &mut buf)).unwrap_or_default())
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
            Note::HalfClose { from, by_client } => write!(
                f,
                "close: {} {} acknowledges the FIN; it may still send data (half-close)",
                side(by_client),
                Ep(&from)
            ),
            Note::Closed { from, by_client } => write!(
                f,
                "close: {} {} acknowledges the last FIN; the connection is closed (this side waits in TIME_WAIT)",
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
            Note::OutOfOrder => f.write_str(
                "out of order: this segment arrives after ones that follow it in sequence (reordered or delayed on the way)",
            ),
            Note::KeepAlive => f.write_str("keep-alive: the sender probes whether the idle peer is still there"),
            Note::WindowUpdate => {
                f.write_str("window update: the receiver announces more buffer space, nothing else changed")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::packet::Icmp;

    fn icmp6(ty: u8, rest: [u8; 4]) -> Icmp {
        Icmp { offset: 0, v6: true, ty, code: 0, checksum: 0, rest }
    }

    fn text(i: &Icmp, body: &[u8]) -> String {
        let mut out = Vec::new();
        neighbor_discovery(&mut out, i, body).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn neighbor_discovery_like_tshark() {
        let target = "2001:db8:1::1".parse::<std::net::Ipv6Addr>().unwrap().octets();
        let mut ns = target.to_vec();
        ns.extend([1, 1, 0, 0x10, 0x18, 0x95, 0x31, 0x6a]);
        assert_eq!(text(&icmp6(135, [0; 4]), &ns), "Neighbor Solicitation for 2001:db8:1::1 from 00:10:18:95:31:6a");
        let mut na = target.to_vec();
        na.extend([2, 1, 0xaa, 0, 4, 0, 0x0a, 4]);
        assert_eq!(
            text(&icmp6(136, [0xe0, 0, 0, 0]), &na),
            "Neighbor Advertisement 2001:db8:1::1 (rtr, sol, ovr) is at aa:00:04:00:0a:04"
        );
        assert_eq!(text(&icmp6(133, [0; 4]), &[1, 0]), "Router Solicitation");
        for n in 0..na.len() {
            let _ = text(&icmp6(136, [0; 4]), &na[..n]);
        }
    }

    #[test]
    fn flag_names_with_reserved_bits() {
        assert_eq!(FlagNames(0x012).to_string(), "SYN, ACK");
        assert_eq!(FlagNames(0).to_string(), "<None>");
        assert_eq!(FlagNames(0x0f00).to_string(), "AE, Reserved");
    }
}
