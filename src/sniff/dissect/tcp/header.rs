//! What TCP decodes of a header: its fields, options and the option kinds in
//! wire order, with the header's offset in the frame.

use crate::sniff::tcp::Options;

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

    /// Whether the segment carries a Multipath TCP option (RFC 8684 §3): tshark
    /// then names the segment MPTCP in the Protocol column.
    pub fn is_mptcp(&self) -> bool {
        self.option_kinds().contains(&super::opt::MPTCP)
    }
}
