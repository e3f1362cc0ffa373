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

impl DecodeError {
    /// Whether the capture, not the packet, is at fault: the header would have
    /// fitted in the frame as it was on the wire (`wire` bytes) but the capture
    /// kept only `captured` of them (its snapshot length). tshark then says
    /// `[Packet size limited during capture]` instead of `[Malformed Packet]`
    /// (`dissect::frame::cut_short_info` words it).
    pub fn cut_by_capture(&self, wire: usize, captured: usize) -> bool {
        match self.kind {
            ErrorKind::Truncated { needed, .. } => captured < wire && self.offset + needed <= wire,
            ErrorKind::Invalid(..) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::frame::cut_short_info;

    /// tshark's Info marker for a frame with `e` (`wire` bytes on the wire, `captured` kept).
    fn marker(e: DecodeError, wire: usize, captured: usize) -> &'static str {
        cut_short_info(e.cut_by_capture(wire, captured))
    }

    fn cut(offset: usize, needed: usize, have: usize) -> DecodeError {
        DecodeError { layer: Layer::Ipv6, offset, kind: ErrorKind::Truncated { needed, have } }
    }

    #[test]
    fn a_header_the_snapshot_length_cut_is_limited_by_the_capture() {
        // An IPv6 header at byte 14 of a 262,144-byte frame of which 34 bytes were kept.
        assert_eq!(marker(cut(14, 40, 20), 262_144, 34), "[Packet size limited during capture]");
    }

    #[test]
    fn a_header_longer_than_the_frame_on_the_wire_is_malformed() {
        // A 1-byte frame: an Ethernet header cannot fit, whatever was captured.
        let e = DecodeError { layer: Layer::Ethernet, offset: 0, kind: ErrorKind::Truncated { needed: 14, have: 1 } };
        assert_eq!(marker(e, 1, 1), "[Malformed Packet]");
        // A zero-length frame.
        assert_eq!(marker(cut(0, 14, 0), 0, 0), "[Malformed Packet]");
        // An invalid value is malformed even in a frame the capture cut.
        let bad = DecodeError { layer: Layer::Raw, offset: 0, kind: ErrorKind::Invalid("IP version", 3) };
        assert_eq!(marker(bad, 100, 20), "[Malformed Packet]");
    }
}
