//! IP's Info column, for a datagram whose payload no transport protocol here
//! decodes: the protocol number, and for a fragment its offset and ID (and the
//! frame that completes it, as tshark's `[Reassembled in #N]`).

use super::protocols::name as proto_name;
use crate::sniff::packet::{Ipv6, Net, Packet};
use std::io::{self, Write};

/// Writes the Info column of packet `p`, a datagram carrying IP protocol `proto`.
pub fn write(out: &mut impl Write, proto: u8, p: &Packet<'_>) -> io::Result<()> {
    match p.d.net {
        Net::Ipv4(h) if h.frag_offset != 0 || h.flags & 1 != 0 => {
            let (name, off) = (proto_name(proto), u32::from(h.frag_offset) * 8);
            write!(out, "Fragmented IP protocol (proto={name} {proto}, off={off}, ID={:04x})", h.id)?;
            if let Some(n) = p.reassembled_in {
                write!(out, " [Reassembled in #{n}]")?;
            }
            Ok(())
        }
        Net::Ipv6(Ipv6 { fragment: true, frag: Some(f), .. }) => {
            let more = if f.more { 'y' } else { 'n' };
            let off = u32::from(f.offset) * 8;
            // tshark names the completing frame only in IPv6's details.
            write!(out, "IPv6 fragment (off={off} more={more} ident=0x{:08x} nxt={})", f.ident, f.nxt)
        }
        _ => write!(out, "IP protocol {proto}"),
    }
}
