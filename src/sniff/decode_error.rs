//! Why a layer could not be decoded: the layer, its byte offset and the reason.
//! Its own module so the link decoders and the packet model both use it without
//! depending on each other.

use std::fmt;

/// A protocol layer, for error messages and the details view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// Ethernet II.
    Ethernet,
    /// 802.1Q VLAN tag.
    Vlan,
    /// BSD NULL/LOOP.
    Null,
    /// Linux cooked capture.
    Sll,
    /// Raw IP link type.
    Raw,
    /// PPP.
    Ppp,
    /// Cisco HDLC.
    Chdlc,
    /// Frame Relay.
    FrameRelay,
    /// SLIP pseudo-header.
    Slip,
    /// IPv4.
    Ipv4,
    /// IPv6 (and its extension headers).
    Ipv6,
    /// ARP.
    Arp,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
}

impl Layer {
    /// Short protocol name as Wireshark's Protocol column.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "802.1Q",
            Layer::Null => "Null/Loopback",
            Layer::Sll => "Linux cooked",
            Layer::Raw => "Raw IP",
            Layer::Ppp => "PPP",
            Layer::Chdlc => "Cisco HDLC",
            Layer::FrameRelay => "Frame Relay",
            Layer::Slip => "SLIP",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Arp => "ARP",
            Layer::Tcp => "TCP",
            Layer::Udp => "UDP",
            Layer::Icmp => "ICMP",
            Layer::Icmpv6 => "ICMPv6",
        }
    }
}

/// Why a layer could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Fewer bytes captured than the header needs.
    Truncated {
        /// Bytes the header needs.
        needed: usize,
        /// Bytes available.
        have: usize,
    },
    /// A field holds a value that makes the header undecodable.
    Invalid(&'static str, u32),
}

/// A layer that could not be decoded: which, where in the frame, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The layer.
    pub layer: Layer,
    /// Byte offset of the layer's start in the frame.
    pub offset: usize,
    /// The reason.
    pub kind: ErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Truncated { needed, have } => write!(
                f,
                "{} header at byte {} cut short: needs {needed} bytes, {have} captured",
                self.layer.name(),
                self.offset
            ),
            ErrorKind::Invalid(what, v) => {
                write!(f, "{} header at byte {}: invalid {what} {v}", self.layer.name(), self.offset)
            }
        }
    }
}
