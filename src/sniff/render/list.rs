//! The packet list, as Wireshark's top pane and `tshark -r` print it:
//! `No. Time Source → Destination Protocol Length Info`, then the teaching note.

use crate::sniff::app::App;
use crate::sniff::dissect::link::{ethertype_column, LinkType};
use crate::sniff::dissect::{dns, frame, http, icmp, ip, link, registry, tcp, udp};
use crate::sniff::packet::{DecodeError, Layer, Net, Note, Packet, Transport};
use crate::sniff::render::{ansi, put_padded, put_secs, put_u64, put_u64_padded, Line, Mac, StackStr, Style};
pub use crate::sniff::tcp::flags::FlagNames;
use crate::sniff::tcp::{analysis, Endpoint};
use std::borrow::Cow;
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
    notes(p, |text| {
        style.on(out, ansi::NOTE)?;
        match style.width {
            Some(width) => write_wrapped_note(out, &text.to_string(), width)?,
            None => write!(out, "{NOTE_MARK}{text}")?,
        }
        style.off(out)?;
        out.write_all(b"\n")
    })
}

/// What starts a teaching note under a row.
const NOTE_MARK: &str = "  ↳ ";
/// What starts a note's continuation lines: under its text.
const NOTE_INDENT: &str = "    ";

/// Writes a note wrapped at `width` columns, its continuation lines indented
/// under the text.
fn write_wrapped_note(out: &mut impl Write, text: &str, width: usize) -> io::Result<()> {
    let wrapped = crate::wrap::wrap(text, width.saturating_sub(NOTE_INDENT.len()).max(1));
    for (i, line) in wrapped.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(if i == 0 { NOTE_MARK } else { NOTE_INDENT }.as_bytes())?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Calls `each` with every teaching note shown under a row: why a frame could
/// not be decoded, what the HTTP headers the lab asks about mean, then
/// socklab's note on the packet.
pub fn notes(p: &Packet<'_>, mut each: impl FnMut(&dyn fmt::Display) -> io::Result<()>) -> io::Result<()> {
    if let Some(e) = p.d.error {
        each(&Undecodable { error: e, wire: p.len as usize, captured: p.data.len() })?;
    }
    if let App::Http(m) = &p.app {
        for (name, _) in m.headers.iter() {
            if let Some(text) = http::header_note(name) {
                each(&text)?;
            }
        }
    }
    if p.note != Note::None {
        each(&NoteText(p))?;
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
pub fn addresses(p: &Packet<'_>) -> (StackStr, StackStr) {
    if let Some((s, d)) = p.d.pdu.and_then(|pdu| pdu.dissector().addresses(pdu.bytes(p.data))) {
        return (StackStr::ip(s), StackStr::ip(d));
    }
    if let Some((s, d)) = p.d.ip_addrs() {
        return (StackStr::ip(s), StackStr::ip(d));
    }
    match p.d.inner_link() {
        Some(l) if l.kind == LinkType::Ethernet => (mac_column(p, true, &l.eth_src), mac_column(p, false, &l.eth_dst)),
        Some(l) if matches!(l.kind, LinkType::LinuxSll | LinkType::LinuxSll2) => {
            let n = usize::from(l.sll.addr_len).min(l.sll.addr.len());
            (StackStr::of(Mac(&l.sll.addr[..n])), StackStr::new())
        }
        _ if p.d.pdu.is_some_and(|pdu| pdu.dissector().unaddressed_na()) => (StackStr::of("N/A"), StackStr::of("N/A")),
        _ => (StackStr::new(), StackStr::new()),
    }
}

/// A MAC address in the Source (`source`) or Destination column, or the name
/// the PDU's protocol gives that end
/// ([`crate::sniff::dissect::dissector::Dissector::link_address`]).
fn mac_column(p: &Packet<'_>, source: bool, mac: &[u8; 6]) -> StackStr {
    let mut s = StackStr::new();
    match p.d.pdu {
        Some(pdu) if pdu.dissector().link_address(pdu.bytes(p.data), source, mac, &mut s) => s,
        _ => StackStr::of(Mac(mac)),
    }
}

/// The Protocol column.
pub fn protocol(p: &Packet<'_>) -> Cow<'static, str> {
    if p.d.error.is_none() && p.d.pdu.is_none() && matches!(p.d.transport, Transport::None | Transport::TcpPorts { .. })
    {
        match p.d.net {
            Net::Other(t) if ethertype_column(t).is_none() => return link::info::unknown_type_column(t),
            Net::None => return link::info::column_of(p.d.inner_link()),
            _ => {}
        }
    }
    Cow::Borrowed(protocol_name(p))
}

/// The Protocol column when it is a fixed name.
fn protocol_name(p: &Packet<'_>) -> &'static str {
    if let Some(e) = p.d.error {
        return match e.layer {
            Layer::Vlan | Layer::Null | Layer::Sll | Layer::Raw => e.layer.name(),
            l => l.name(),
        };
    }
    match &p.app {
        App::Dns(m) if m.first().is_some_and(|m| m.mdns) => return "MDNS",
        App::Dns(m) if m.first().is_some_and(|m| m.llmnr) => return "LLMNR",
        App::Dns(_) => return "DNS",
        App::Http(m) if m.ssdp => return "SSDP",
        App::Http(m) if m.body_protocol() == Some("json") => return "HTTP/JSON",
        App::Http(m) if m.body_protocol() == Some("xml") => return "HTTP/XML",
        App::Http(_) | App::HttpContinuation => return "HTTP",
        App::Continued => return "TCP",
        _ => {}
    }
    if let Some(pdu) = p.d.pdu {
        return p.dissector_of(&pdu).column_in(p.d.pdu_bytes(p.data), pdu.ctx);
    }
    match p.d.transport {
        Transport::Tcp(h) if h.is_mptcp() => "MPTCP",
        Transport::Tcp(_) => "TCP",
        Transport::Udp(_) => "UDP",
        Transport::Icmp(i) if i.v6 => "ICMPv6",
        Transport::Icmp(_) => "ICMP",
        _ => match p.d.net {
            Net::Ipv4(_) => "IPv4",
            Net::Ipv6(_) => "IPv6",
            Net::Other(t) => ethertype_column(t).unwrap_or("Ethernet"),
            Net::None => link::info::column(p.d.inner_link().map(|l| l.kind)),
        },
    }
}

/// The Info column, in tshark's wording.
pub fn info(out: &mut impl Write, p: &Packet<'_>) -> io::Result<()> {
    if let Some(e) = p.d.error {
        // tshark's marker; the note under the row says where and why.
        return out.write_all(frame::cut_short_info(e.cut_by_capture(p.len as usize, p.data.len())).as_bytes());
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
        // TCP's analysis marks go before the Info of the protocol it carries
        // (or where that protocol places them).
        let mut marks = Vec::new();
        if let Transport::Tcp(_) = p.d.transport {
            tcp::info::marks(&mut marks, p.tcp.as_ref())?;
        }
        let mut s = String::with_capacity(64);
        let bytes = p.d.pdu_bytes(p.data);
        let dissector = p.dissector_of(&pdu);
        match std::str::from_utf8(&marks) {
            Ok(m) if !m.is_empty() => dissector.info_marked(bytes, pdu.ctx, m, &mut s),
            _ => dissector.info(bytes, pdu.ctx, &mut s),
        }
        if let Some(r) = &p.recall {
            pdu.dissector().recalled_info(p.d.pdu_bytes(p.data), r, &mut s);
        }
        if let Some(link) = &p.link {
            pdu.dissector().linked_info(link, &mut s);
        }
        return out.write_all(s.as_bytes());
    }
    match &p.d.transport {
        Transport::Tcp(h) => tcp::info::write(out, h, p),
        Transport::Udp(u) => udp::info::write(out, u, p),
        Transport::Icmp(i) => icmp::info::write(out, i, p),
        &Transport::Other(proto) => ip::info::write(out, proto, p),
        Transport::TcpPorts { .. } | Transport::None => link::info::write(out, p),
    }
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

/// The note under a frame that could not be decoded: the layer, the byte and
/// the reason, and whether the capture or the packet is to blame.
struct Undecodable {
    error: DecodeError,
    wire: usize,
    captured: usize,
}

impl fmt::Display for Undecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.error.cut_by_capture(self.wire, self.captured) {
            write!(
                f,
                "cut by the capture: {}; the capture kept {} of the frame's {} bytes (its snapshot length)",
                self.error, self.captured, self.wire
            )
        } else {
            write!(f, "malformed: {}", self.error)
        }
    }
}

/// The text of a packet's teaching note.
pub struct NoteText<'a, 'p>(pub &'a Packet<'p>);

impl fmt::Display for NoteText<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |c: bool| if c { "client" } else { "server" };
        match self.0.note {
            Note::None => Ok(()),
            Note::Pdu => match self.0.d.pdu {
                Some(pdu) => pdu.dissector().note(self.0.d.pdu_bytes(self.0.data), pdu.ctx, f),
                None => Ok(()),
            },
            Note::Recalled { dissector, recall } => registry::REGISTRY
                .get(usize::from(dissector))
                .map_or(Ok(()), |d| d.recalled_note(&recall, f)),
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
            Note::Reassembled { count, bytes, offset } => write!(
                f,
                "reassembled: {count} fragments, {bytes} bytes; offsets count 8-byte units (this one {offset} × 8 = {}), \
                 and MF (more fragments) is set on every fragment but the last",
                u32::from(offset) * 8
            ),
            Note::IcmpAbout { frame, proto, src, dst, ttl_exceeded } => {
                let name = match proto {
                    17 => "UDP",
                    6 => "TCP",
                    1 => "ICMP",
                    58 => "ICMPv6",
                    _ => "IP",
                };
                let about = if frame == 0 { "a datagram not in this capture".to_string() } else { format!("frame {frame}") };
                if ttl_exceeded {
                    f.write_str("time exceeded: a router dropped ")?;
                } else {
                    f.write_str("ICMP error about ")?;
                }
                f.write_str(&about)?;
                if matches!(proto, 6 | 17) {
                    write!(f, " ({name} {} → {})", Ep(&src), Ep(&dst))?;
                } else {
                    write!(f, " ({name} {} → {})", src.ip, dst.ip)?;
                }
                if ttl_exceeded {
                    f.write_str(" as its TTL ran out: how traceroute learns each hop (probes with TTL 1, 2, 3…)")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::capture::Frame;
    use crate::sniff::pipeline::{Facts, Pipeline};

    /// Protocol and Info columns of one frame of `link`.
    fn columns(link: LinkType, data: &[u8]) -> (String, String) {
        let mut pipe = Pipeline::new(link, Facts::default());
        let p = pipe.process(&Frame { time: 0, len: data.len() as u32, data, origin: None });
        let mut out = Vec::new();
        info(&mut out, &p).unwrap();
        (protocol(&p).into_owned(), String::from_utf8(out).unwrap())
    }

    #[test]
    fn an_unknown_ethertype_is_named_by_its_number() {
        // tcpdump-tests/decnet-oobr.pcap frame 1: addresses and type all 0x30.
        let frame = [0x30; 20];
        assert_eq!(columns(LinkType::Ethernet, &frame), ("0x3030".into(), "Ethernet II".into()));
        let mut experimental = [0u8; 16];
        experimental[12..14].copy_from_slice(&[0x88, 0xb5]);
        assert_eq!(columns(LinkType::Ethernet, &experimental).1, "Local Experimental Ethertype 1");
        // A type socklab names keeps its name.
        let mut lldp = [0u8; 14];
        lldp[12..14].copy_from_slice(&[0x88, 0xcc]);
        assert_ne!(columns(LinkType::Ethernet, &lldp).0, "0x88cc");
    }

    #[test]
    fn an_unknown_ppp_protocol_is_named_by_its_number() {
        assert_eq!(columns(LinkType::PppSerial, &[0x7e, 0x80, 0]), ("0x7e80".into(), "PPP Unknown (0x7e80)".into()));
        assert_eq!(columns(LinkType::Ethernet, &[0; 5]).0, "Ethernet");
    }

    #[test]
    fn a_segment_with_a_multipath_option_is_named_mptcp() {
        // tcpdump-tests/mptcp-tcprst.pcap frame 1: RST+ACK with an MP_TCPRST option (kind 30).
        let mut frame = vec![
            0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0xed, 0x05, 0xc0, 0x00, 0x02,
            0x01, // IPv4
            0xc0, 0xa8, 0x4c, 0x1c, 0xd9, 0xbb, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x01, 0x81, 0xbd, 0xc2, 0x86, // TCP
            0x60, 0x14, 0x01, 0x00, 0xf4, 0x70, 0x00, 0x00, 0x1e, 0x04, 0x80, 0x00, // MPTCP option
        ];
        assert_eq!(columns(LinkType::Ipv4, &frame).0, "MPTCP");
        // Kind 1 (NOP) in place of 30: a plain TCP segment.
        frame[40..44].copy_from_slice(&[1, 1, 1, 1]);
        assert_eq!(columns(LinkType::Ipv4, &frame).0, "TCP");
    }
}
