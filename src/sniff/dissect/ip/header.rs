//! What IP decodes of a header: the IPv4 and IPv6 header fields with the
//! header's offset in the frame.

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
    /// The fragment header, when the extension headers hold one.
    pub frag: Option<Ipv6Frag>,
}

/// An IPv6 fragment header (RFC 8200 §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6Frag {
    /// Offset of the fragment header in the frame.
    pub at: usize,
    /// Next header: the protocol of the fragmented payload.
    pub nxt: u8,
    /// Fragment offset in 8-byte units.
    pub offset: u16,
    /// The M (more fragments) flag.
    pub more: bool,
    /// Identification.
    pub ident: u32,
    /// The reserved octet after the next header.
    pub reserved: u8,
    /// The 16 bits holding the offset, the two reserved bits and M.
    pub bits: u16,
}
