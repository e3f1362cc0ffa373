//! UDP's Info column: ports and payload length, with tshark's warnings for a
//! length field that disagrees with the IP header (RFC 768).

use crate::sniff::dissect::ip;
use crate::sniff::packet::{Packet, Udp};
use crate::sniff::render::put_u64;
use std::io::{self, Write};

/// Writes the Info column of a datagram whose UDP header is `u`.
pub fn write(out: &mut impl Write, u: &Udp, p: &Packet<'_>) -> io::Result<()> {
    put_u64(out, u64::from(u.sport))?;
    out.write_all(" → ".as_bytes())?;
    put_u64(out, u64::from(u.dport))?;
    if u.length < 8 {
        return write!(out, " [BAD UDP LENGTH {} < 8]", u.length);
    }
    let ip_payload = p.d.reassembled.or_else(|| ip::payload_len(&p.d.net));
    if ip_payload.is_some_and(|n| usize::from(u.length) > n) {
        write!(out, " [BAD UDP LENGTH {} > IP PAYLOAD LENGTH]", u.length)?;
    }
    out.write_all(b" Len=")?;
    put_u64(out, u64::from(u.length.saturating_sub(8)))
}
