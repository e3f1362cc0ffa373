//! What ICMP and ICMPv6 decode of a header: type, code, checksum and the four
//! bytes after them, with the header's offset in the frame.

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
