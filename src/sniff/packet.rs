//! The packet model: what the dissector found in one frame (layers, each with its
//! byte offset, or the error that stopped decoding) and what the trackers added
//! (stream indexes, relative numbers, analysis, links to other frames, notes).
//! Plain `Copy` data, rebuilt for every frame without heap allocation.

pub use crate::sniff::decode_error::{DecodeError, ErrorKind, Layer};
use crate::sniff::dissect::link::Link;
use crate::sniff::tcp::{Endpoint, Options, SegmentInfo};
use crate::sniff::value::Nanos;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 header (RFC 791 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4 {
    /// Offset of the header in the frame.
    pub offset: usize,
    /// Header length in bytes (IHL × 4).
    pub hdr_len: u8,
    /// DSCP and ECN byte.
    pub dsfield: u8,
    /// Total length field.
    pub total_len: u16,
    /// Identification.
    pub id: u16,
    /// The three flag bits (reserved, DF, MF) as the top bits of the flags byte (0x4 = DF).
    pub flags: u8,
    /// Fragment offset in 8-byte units.
    pub frag_offset: u16,
    /// Time to live.
    pub ttl: u8,
    /// Protocol of the payload.
    pub proto: u8,
    /// Header checksum.
    pub checksum: u16,
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
}

/// An IPv6 header (RFC 8200 §3) and the extension headers after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6 {
    /// Offset of the header in the frame.
    pub offset: usize,
    /// Traffic class.
    pub tclass: u8,
    /// Flow label.
    pub flow: u32,
    /// Payload length field.
    pub plen: u16,
    /// Next header of the fixed header.
    pub nxt: u8,
    /// Hop limit.
    pub hlim: u8,
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
    /// Bytes of extension headers.
    pub ext_len: usize,
    /// Protocol after the extension headers.
    pub proto: u8,
    /// A fragment header says this is not the first fragment, or more follow.
    pub fragment: bool,
}

/// The network layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    /// Nothing decoded.
    None,
    /// IPv4.
    Ipv4(Ipv4),
    /// IPv6.
    Ipv6(Ipv6),
    /// Another EtherType, not decoded here (a registered dissector may take
    /// its payload, as ARP's: [`Dissected::pdu`]).
    Other(u16),
}

impl Net {
    /// Source and destination of an IP layer as endpoints with port 0.
    pub fn ip_addrs(&self) -> Option<(std::net::IpAddr, std::net::IpAddr)> {
        match self {
            Net::Ipv4(h) => Some((h.src.into(), h.dst.into())),
            Net::Ipv6(h) => Some((h.src.into(), h.dst.into())),
            _ => None,
        }
    }

    /// Offset of the IP payload in the frame.
    pub fn payload_offset(&self) -> usize {
        match self {
            Net::Ipv4(h) => h.offset + usize::from(h.hdr_len),
            Net::Ipv6(h) => h.offset + 40 + h.ext_len,
            _ => 0,
        }
    }
}

/// Most option kinds remembered in wire order (40 option bytes at most).
pub const MAX_TCP_OPTIONS: usize = 40;

/// A TCP header (RFC 9293 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tcp {
    /// Offset in the frame.
    pub offset: usize,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgment number.
    pub ack: u32,
    /// Header length in bytes.
    pub hdr_len: u8,
    /// The 12 flag bits (see `tcp::flags`).
    pub flags: u16,
    /// Raw window.
    pub window: u16,
    /// Checksum.
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// Decoded options.
    pub options: Options,
    /// Option kinds in wire order (`opt_count` valid), for the Info column and details.
    pub opt_kinds: [u8; MAX_TCP_OPTIONS],
    /// How many `opt_kinds` are valid.
    pub opt_count: u8,
    /// Length byte of a TCP Fast Open option (2: cookie request, more: cookie), 0 if absent.
    pub tfo_len: u8,
    /// Payload length as the IP header declares it.
    pub payload_len: u32,
    /// The header is malformed: cut short by the capture (only the fixed part or
    /// some options are there) or an option tshark cannot dissect (a SACK without
    /// blocks). tshark then stops dissecting the segment with an exception, so its
    /// `tcp.analysis` items are not shown (the segment is still tracked).
    pub malformed: bool,
}

impl Tcp {
    /// The option kinds in wire order.
    pub fn option_kinds(&self) -> &[u8] {
        &self.opt_kinds[..usize::from(self.opt_count)]
    }
}

/// A UDP header (RFC 768).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Udp {
    /// Offset in the frame.
    pub offset: usize,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Length field (header and data).
    pub length: u16,
    /// Checksum.
    pub checksum: u16,
}

/// An ICMP or ICMPv6 header (RFC 792, RFC 4443).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmp {
    /// Offset in the frame.
    pub offset: usize,
    /// ICMPv6 rather than ICMP.
    pub v6: bool,
    /// Type.
    pub ty: u8,
    /// Code.
    pub code: u8,
    /// Checksum.
    pub checksum: u16,
    /// Bytes 4..8 (identifier and sequence of an echo; unused or MTU of an error).
    pub rest: [u8; 4],
}

impl Icmp {
    /// An echo request or reply (ICMP 8/0, ICMPv6 128/129).
    pub fn is_echo(&self) -> bool {
        if self.v6 {
            self.ty == 128 || self.ty == 129
        } else {
            self.ty == 8 || self.ty == 0
        }
    }

    /// An echo reply.
    pub fn is_echo_reply(&self) -> bool {
        if self.v6 {
            self.ty == 129
        } else {
            self.ty == 0
        }
    }

    /// An error message that quotes the offending datagram (ICMP 3, 4, 5, 11, 12;
    /// ICMPv6 1-4).
    pub fn is_error(&self) -> bool {
        if self.v6 {
            (1..=4).contains(&self.ty)
        } else {
            matches!(self.ty, 3 | 4 | 5 | 11 | 12)
        }
    }

    /// Echo identifier (big-endian).
    pub fn ident(&self) -> u16 {
        u16::from_be_bytes([self.rest[0], self.rest[1]])
    }

    /// Echo sequence number (big-endian).
    pub fn seq(&self) -> u16 {
        u16::from_be_bytes([self.rest[2], self.rest[3]])
    }
}

/// The transport layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// Nothing decoded.
    None,
    /// TCP.
    Tcp(Tcp),
    /// UDP.
    Udp(Udp),
    /// ICMP or ICMPv6.
    Icmp(Icmp),
    /// The first 8 bytes of a TCP header, as quoted by an ICMP error.
    TcpPorts {
        /// Offset in the frame.
        offset: usize,
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Raw sequence number.
        seq: u32,
    },
    /// Another IP protocol, not decoded.
    Other(u8),
}

impl Transport {
    /// Source and destination ports of TCP or UDP.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match *self {
            Transport::Tcp(t) => Some((t.sport, t.dport)),
            Transport::Udp(u) => Some((u.sport, u.dport)),
            Transport::TcpPorts { sport, dport, .. } => Some((sport, dport)),
            _ => None,
        }
    }
}

/// The IP datagram an ICMP error quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// Its IP header.
    pub net: Net,
    /// Its transport header, as far as quoted.
    pub transport: Transport,
}

/// Everything decoded from one frame.
#[derive(Clone, Copy, Debug)]
pub struct Dissected<'a> {
    /// The link header (None when it could not be decoded).
    pub link: Option<Link>,
    /// The network layer.
    pub net: Net,
    /// The transport layer.
    pub transport: Transport,
    /// Captured bytes after the transport header (the application payload).
    pub payload: &'a [u8],
    /// The datagram quoted by an ICMP error.
    pub quoted: Option<Quoted>,
    /// The first layer that could not be decoded.
    pub error: Option<DecodeError>,
    /// Outer IP headers of IP-in-IP tunnels (IP protocols 4 and 41, RFC 2003 and
    /// RFC 4213), outermost first; `tunnel_count` valid. `net` is the innermost.
    pub tunnels: [Net; MAX_TUNNELS],
    /// How many `tunnels` are valid.
    pub tunnel_count: u8,
    /// For the IPv4 fragment that completed a datagram: the reassembled payload's
    /// length (its transport layer was decoded from the reassembled bytes).
    pub reassembled: Option<usize>,
    /// The payload a protocol of the dissector registry took
    /// ([`crate::sniff::dissect::registry`]), unless a built-in decoder takes it.
    pub pdu: Option<crate::sniff::dissect::registry::Pdu>,
}

/// Most IP-in-IP encapsulations decoded; a deeper one stays undecoded payload.
pub const MAX_TUNNELS: usize = 2;

impl Dissected<'_> {
    /// The outer IP headers of the tunnels the frame travels through.
    pub fn tunnels(&self) -> &[Net] {
        &self.tunnels[..usize::from(self.tunnel_count)]
    }

    /// Source and destination IP addresses, when there is an IP layer.
    pub fn ip_addrs(&self) -> Option<(std::net::IpAddr, std::net::IpAddr)> {
        self.net.ip_addrs()
    }

    /// Source and destination endpoints of TCP or UDP.
    pub fn endpoints(&self) -> Option<(Endpoint, Endpoint)> {
        let (s, d) = self.ip_addrs()?;
        let (sp, dp) = self.transport.ports()?;
        Some((Endpoint { ip: s, port: sp }, Endpoint { ip: d, port: dp }))
    }
}

/// A teaching note printed under a packet in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// No note.
    None,
    /// Step 1, 2 or 3 of the three-way handshake.
    Handshake {
        /// 1, 2 or 3.
        step: u8,
        /// The side that opened.
        client: Endpoint,
        /// The side that accepted.
        server: Endpoint,
    },
    /// The first FIN of a connection.
    ActiveClose {
        /// Who sends it.
        from: Endpoint,
        /// Sent by the client (else the server).
        by_client: bool,
    },
    /// The FIN that answers the other side's FIN.
    PassiveClose {
        /// Who sends it.
        from: Endpoint,
        /// Sent by the client (else the server).
        by_client: bool,
    },
    /// The passive side acknowledges the first FIN; it may still send (half-close).
    HalfClose {
        /// Who sends the ACK.
        from: Endpoint,
        /// Sent by the client (else the server).
        by_client: bool,
    },
    /// The active closer acknowledges the other FIN: the connection is closed.
    Closed {
        /// Who sends the ACK.
        from: Endpoint,
        /// Sent by the client (else the server).
        by_client: bool,
    },
    /// A RST answering a SYN: nothing listens on the port.
    Refused {
        /// The port nobody listens on.
        port: u16,
    },
    /// A RST aborting a connection.
    Reset {
        /// Who sends it.
        from: Endpoint,
    },
    /// A retransmission, with the sequence range it sends again.
    Retransmission {
        /// Relative first sequence number.
        seq: u32,
        /// Relative sequence number after it.
        nxtseq: u32,
    },
    /// A segment that starts beyond the next expected sequence number.
    LostSegment,
    /// A segment that arrives after later ones (fills an earlier gap).
    OutOfOrder,
    /// A keep-alive probe: one old byte (or none) to check the peer is alive.
    KeepAlive,
    /// Only the advertised window changed: the receiver has room again.
    WindowUpdate,
    /// A duplicate ACK.
    DupAck {
        /// How many duplicates so far.
        num: u32,
        /// The frame it duplicates.
        frame: u32,
    },
    /// The receiver's buffer is full.
    ZeroWindow,
    /// An ICMP error about an earlier datagram.
    IcmpAbout {
        /// The frame that caused it (0 if not in the capture).
        frame: u32,
        /// The quoted transport: 17 UDP, 6 TCP, other protocol numbers.
        proto: u8,
        /// Quoted source.
        src: Endpoint,
        /// Quoted destination.
        dst: Endpoint,
    },
}

/// A frame with everything socklab knows about it, ready to render.
#[derive(Clone, Debug)]
pub struct Packet<'a> {
    /// Frame number, from 1.
    pub number: u32,
    /// Capture time (ns since the epoch).
    pub time: Nanos,
    /// Time since the first frame.
    pub rel: Nanos,
    /// Time since the previous frame.
    pub delta: Nanos,
    /// Length on the wire.
    pub len: u32,
    /// Captured bytes.
    pub data: &'a [u8],
    /// Decoded layers.
    pub d: Dissected<'a>,
    /// TCP tracker's findings.
    pub tcp: Option<SegmentInfo>,
    /// The stream's final completeness (from the first pass).
    pub completeness: u8,
    /// `udp.stream` of the UDP layer.
    pub udp_stream: Option<u32>,
    /// UDP conversation timing: since its first and its previous datagram.
    pub udp_time: Option<(Nanos, Nanos)>,
    /// Time since the previous frame that was displayed (differs from `delta` under -Y).
    pub delta_displayed: Nanos,
    /// `udp.stream` of the UDP datagram quoted by an ICMP error.
    pub quoted_udp_stream: Option<u32>,
    /// What the TCP tracker says about a TCP header quoted by an ICMP error.
    pub quoted_tcp: Option<SegmentInfo>,
    /// The completeness of that quoted header's stream.
    pub quoted_completeness: u8,
    /// Echo request/reply partner: (frame, this is the reply).
    pub echo_peer: Option<(u32, bool)>,
    /// For an echo reply: the time since its request.
    pub echo_rtt: Option<Nanos>,
    /// Teaching note.
    pub note: Note,
    /// What the DNS and HTTP decoders found.
    pub app: crate::sniff::app::App,
    /// Section, interface and comments of a pcapng file's frame.
    pub origin: Option<crate::sniff::file::Origin<'a>>,
}
