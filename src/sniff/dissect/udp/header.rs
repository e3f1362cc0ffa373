//! What UDP decodes of a header, with its offset in the frame.

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
