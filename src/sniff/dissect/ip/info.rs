//! IP's Info column, for a datagram whose payload no transport protocol here
//! decodes: the protocol number, and for a fragment its offset and ID.

use crate::sniff::packet::Net;
use std::io::{self, Write};

/// Writes the Info column of a datagram carrying IP protocol `proto` over `net`.
pub fn write(out: &mut impl Write, proto: u8, net: &Net) -> io::Result<()> {
    match *net {
        Net::Ipv4(h) if h.frag_offset != 0 || h.flags & 1 != 0 => {
            // tshark names the protocol when it knows it: `proto=VRRP 112`.
            let name = super::tree::proto_name(proto);
            let off = u32::from(h.frag_offset) * 8;
            if name == "Unknown" {
                write!(out, "Fragmented IP protocol (proto={proto}, off={off}, ID={:04x})", h.id)
            } else {
                write!(out, "Fragmented IP protocol (proto={name} {proto}, off={off}, ID={:04x})", h.id)
            }
        }
        _ => write!(out, "IP protocol {proto}"),
    }
}
