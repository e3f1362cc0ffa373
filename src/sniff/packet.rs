//! The packet model: what the dissector found in one frame (layers, each with its
//! byte offset, or the error that stopped decoding) and what the trackers added
//! (stream indexes, relative numbers, analysis, links to other frames, notes).
//! Plain `Copy` data, rebuilt for every frame without heap allocation.

pub use crate::sniff::decode_error::{DecodeError, ErrorKind, Layer};
pub use crate::sniff::dissect::icmp::header::Icmp;
pub use crate::sniff::dissect::ip::header::{Ipv4, Ipv6};
use crate::sniff::dissect::link::Link;
pub use crate::sniff::dissect::tcp::header::{Tcp, MAX_TCP_OPTIONS};
pub use crate::sniff::dissect::udp::header::Udp;
use crate::sniff::tcp::{Endpoint, SegmentInfo};
use crate::sniff::value::Nanos;

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
    /// The tunnel headers after each outer IP header (`encaps[i]` follows
    /// `tunnels[i]`: UDP, GRE, ERSPAN, VXLAN, and the inner link header), and in
    /// `encaps[tunnel_count]` the tunnel headers after the innermost transport
    /// layer that carry no inner frame (GRE before NHRP).
    pub encaps: [Encap; MAX_TUNNELS + 1],
    /// For the IPv4 fragment that completed a datagram: the reassembled payload's
    /// length (its transport layer was decoded from the reassembled bytes).
    pub reassembled: Option<usize>,
    /// The payload a protocol of the dissector registry took
    /// ([`crate::sniff::dissect::registry`]), unless a built-in decoder takes it.
    pub pdu: Option<crate::sniff::dissect::registry::Pdu>,
    /// When `pdu` was reassembled from several TCP segments: its bytes and the
    /// segments they came from (the PDU's bytes are then these, not the frame's).
    pub assembled: Option<&'a crate::sniff::tcp::reassembly::Assembled>,
}

/// Most encapsulations decoded (IP in IP, GRE, ERSPAN, VXLAN, Geneve); a deeper
/// one stays undecoded payload.
pub const MAX_TUNNELS: usize = 2;

/// Most tunnel headers between two network layers (GRE, then ERSPAN).
pub const MAX_SHIMS: usize = 2;

/// What lies between an outer IP header and the frame or packet its tunnel
/// carries: the UDP header of a tunnel over UDP (VXLAN, Geneve), the tunnel
/// protocols' headers, each a registered protocol's PDU (GRE, ERSPAN), and the
/// inner frame's link header when the tunnel carries a whole frame (Ethernet).
/// For IP in IP all are empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encap {
    /// The UDP header that carries the tunnel.
    pub udp: Option<Udp>,
    /// The tunnel headers, outermost first.
    pub shims: [Option<crate::sniff::dissect::registry::Pdu>; MAX_SHIMS],
    /// The inner frame's link header ([`Link::offset`] where it starts).
    pub link: Option<Link>,
}

impl Encap {
    /// The tunnel headers present.
    pub fn shims(&self) -> impl Iterator<Item = &crate::sniff::dissect::registry::Pdu> {
        self.shims.iter().flatten()
    }
}

impl<'a> Dissected<'a> {
    /// The bytes of the registered protocol's PDU: reassembled from several
    /// segments, or else in `frame` (empty when there is no PDU).
    pub fn pdu_bytes(&self, frame: &'a [u8]) -> &'a [u8] {
        match (self.pdu, self.assembled) {
            (Some(_), Some(a)) => &a.bytes,
            (Some(pdu), None) => pdu.bytes(frame),
            (None, _) => &[],
        }
    }

    /// The outer IP headers of the tunnels the frame travels through.
    pub fn tunnels(&self) -> &[Net] {
        &self.tunnels[..usize::from(self.tunnel_count)]
    }

    /// Each outer IP header with the tunnel headers that follow it, outermost first.
    pub fn outer(&self) -> impl Iterator<Item = (&Net, &Encap)> {
        self.tunnels().iter().zip(&self.encaps)
    }

    /// The tunnel headers after the innermost transport layer that carry no
    /// inner frame (GRE before NHRP or before an ERSPAN header with nothing after).
    pub fn trailing_shims(&self) -> impl Iterator<Item = &crate::sniff::dissect::registry::Pdu> {
        self.encaps.get(usize::from(self.tunnel_count)).into_iter().flat_map(Encap::shims)
    }

    /// The innermost link header: an inner frame's (Ethernet in GRE, VXLAN), or
    /// the frame's own.
    pub fn inner_link(&self) -> Option<&Link> {
        self.encaps[..usize::from(self.tunnel_count)].iter().rev().find_map(|e| e.link.as_ref()).or(self.link.as_ref())
    }

    /// Source and destination IP addresses, when there is an IP layer.
    pub fn ip_addrs(&self) -> Option<(std::net::IpAddr, std::net::IpAddr)> {
        self.net.ip_addrs()
    }

    /// The transport layer, then the one an ICMP error quotes, each with whether
    /// it is the outer one.
    pub fn transports(&self) -> impl Iterator<Item = (&Transport, bool)> {
        std::iter::once((&self.transport, true)).chain(self.quoted.as_ref().map(|q| (&q.transport, false)))
    }

    /// Source and destination endpoints of the outermost tunnel's UDP header.
    pub fn tunnel_endpoints(&self) -> Option<(Endpoint, Endpoint)> {
        let (net, u) = self.outer().find_map(|(n, e)| Some((n, e.udp?)))?;
        let (s, d) = net.ip_addrs()?;
        Some((Endpoint { ip: s, port: u.sport }, Endpoint { ip: d, port: u.dport }))
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
    /// What a registered protocol's capture state found (ARP: an IPv4 address
    /// claimed by a second MAC address); the protocol words the note.
    Recalled {
        /// The protocol's index in the dissector registry.
        dissector: u8,
        /// What its capture state found.
        recall: crate::sniff::dissect::registry::Recall,
    },
    /// A note the registered protocol of [`Dissected::pdu`] words from its PDU
    /// alone ([`crate::sniff::dissect::registry::Dissector::note`]).
    Pdu,
    /// The fragment that completes an IP datagram (RFC 791 §3.2, RFC 8200 §4.5).
    Reassembled {
        /// How many fragments the datagram came in.
        count: u32,
        /// The reassembled payload's length in bytes.
        bytes: u32,
        /// This fragment's offset in 8-byte units.
        offset: u16,
    },
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
        /// A time-exceeded error (ICMP type 11, ICMPv6 type 3): a router dropped
        /// the datagram when its TTL or hop limit ran out (traceroute's answer).
        ttl_exceeded: bool,
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
    /// `udp.stream` of the outermost tunnel's UDP header (VXLAN, Geneve), which
    /// tshark counts before the inner one.
    pub tunnel_udp_stream: Option<u32>,
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
    /// For an IP fragment that does not complete its datagram: the frame that
    /// does (tshark's `[Reassembled in #N]`, `ip.reassembled_in`), from the first pass.
    pub reassembled_in: Option<u32>,
    /// For the fragment that completes a datagram: every fragment, by offset,
    /// and the reassembled bytes (empty otherwise).
    pub fragments: crate::sniff::defrag::Reassembled<'a>,
    /// Echo request/reply partner: (frame, this is the reply).
    pub echo_peer: Option<(u32, bool)>,
    /// For an echo reply: the time since its request.
    pub echo_rtt: Option<Nanos>,
    /// Teaching note.
    pub note: Note,
    /// What the capture state of the registered protocol of [`Dissected::pdu`]
    /// found about this frame from earlier ones.
    pub recall: Option<crate::sniff::dissect::registry::Recall>,
    /// The dissector the capture state of that protocol made to show this PDU
    /// with what earlier PDUs of its connection told (HTTP/2's headers).
    pub shown: Option<crate::sniff::dissect::registry::Shown>,
    /// For the PDU of a connection an earlier PDU announced (FTP's data
    /// connections): what the announcement says.
    pub link: Option<crate::sniff::dissect::dissector::Link>,
    /// What the DNS and HTTP decoders found.
    pub app: crate::sniff::app::App,
    /// Section, interface and comments of a pcapng file's frame.
    pub origin: Option<crate::sniff::file::Origin<'a>>,
}

impl Packet<'_> {
    /// The dissector that shows the registered protocol's PDU `pdu` of this
    /// packet: the one its capture state made ([`Packet::shown`]), else the
    /// registered one.
    pub fn dissector_of(
        &self,
        pdu: &crate::sniff::dissect::registry::Pdu,
    ) -> &dyn crate::sniff::dissect::registry::Dissector {
        match &self.shown {
            Some(s) => &*s.0,
            None => pdu.dissector(),
        }
    }
}
