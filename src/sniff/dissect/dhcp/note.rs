//! DHCP's teaching note: where a message stands in the exchange that leases an
//! address (RFC 2131 §3.1, "DORA": Discover, Offer, Request, ACK), with the
//! addresses the lab asks about.

use super::{addr, at, ethernet_client, message_type, options, Opt, MAC_LEN};
use crate::proto::bytes::be32;
use crate::sniff::render::Mac;
use std::fmt::{self, Write};
use std::net::Ipv4Addr;

/// Option codes the note reads (RFC 2132 §9.1, §9.2, §9.7).
mod code {
    /// Requested IP address.
    pub const REQUESTED: u8 = 50;
    /// IP address lease time, in seconds.
    pub const LEASE: u8 = 51;
    /// Server identifier: the server's address.
    pub const SERVER: u8 = 54;
}

/// yiaddr: the address the server gives the client (RFC 2131 §2).
const YIADDR: usize = 16;
/// siaddr: the next server (used when option 54 is missing).
const SIADDR: usize = 20;

/// Writes the note for a DHCP message; nothing for BOOTP or unknown types.
pub fn write(pdu: &[u8], out: &mut dyn Write) -> fmt::Result {
    let opts = options(pdu);
    let Some(kind) = message_type(&opts) else { return Ok(()) };
    let client = Client(pdu);
    let opt_addr = |c: u8| {
        opts.iter().find_map(|o| match *o {
            Opt::Value { code, value, .. } if code == c => value.try_into().ok().map(|a: [u8; 4]| Ipv4Addr::from(a)),
            _ => None,
        })
    };
    let server = opt_addr(code::SERVER).or_else(|| addr(pdu, SIADDR).filter(|a| !a.is_unspecified()));
    let given = addr(pdu, YIADDR).unwrap_or(Ipv4Addr::UNSPECIFIED);
    let ciaddr = addr(pdu, at::CIADDR).unwrap_or(Ipv4Addr::UNSPECIFIED);
    match kind {
        1 => write!(
            out,
            "DORA step 1/4 (Discover): client {client} has no address yet and broadcasts to find a DHCP server"
        ),
        2 => {
            write!(out, "DORA step 2/4 (Offer): server ")?;
            if let Some(s) = server {
                write!(out, "{s} ")?;
            }
            write!(out, "offers {given} to client {client}")
        }
        3 if ciaddr.is_unspecified() => {
            write!(out, "DORA step 3/4 (Request): client {client} asks for ")?;
            match opt_addr(code::REQUESTED) {
                Some(a) => write!(out, "{a}")?,
                None => write!(out, "the offered address")?,
            }
            match opt_addr(code::SERVER) {
                Some(s) => write!(out, " from server {s}, declining any other offer"),
                None => write!(out, " (rebooting: it checks a lease it had)"),
            }
        }
        3 => write!(
            out,
            "lease renewal (Request): client {ciaddr} asks to keep its address longer; not a new DORA exchange"
        ),
        5 => {
            let lease = opts.iter().find_map(|o| match *o {
                Opt::Value { code: code::LEASE, value, .. } if value.len() == 4 => Some(be32(value, 0)),
                _ => None,
            });
            let shown = if given.is_unspecified() { ciaddr } else { given };
            write!(out, "DORA step 4/4 (ACK): ")?;
            if let Some(s) = server {
                write!(out, "server {s} ")?;
            }
            write!(out, "confirms {shown} for client {client}")?;
            if let Some(secs) = lease {
                write!(out, " for {secs} s")?;
            }
            write!(out, ": the client may now use the address")
        }
        6 => write!(out, "NAK: the server refuses the address asked for; client {client} starts again with a Discover"),
        4 => write!(
            out,
            "Decline: client {client} found the offered address already in use (an ARP reply) and refuses it"
        ),
        7 => write!(out, "Release: client {ciaddr} gives its address back before the lease ends"),
        8 => write!(out, "Inform: client {ciaddr} has an address and asks only for the other settings"),
        _ => Ok(()),
    }
}

/// The client as the note names it: its MAC address when it is Ethernet's.
struct Client<'a>(&'a [u8]);

impl fmt::Display for Client<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.get(at::CHADDR..at::CHADDR + MAC_LEN).filter(|_| ethernet_client(self.0)) {
            Some(mac) => write!(f, "{}", Mac(mac)),
            None => f.write_str("(no Ethernet address)"),
        }
    }
}
