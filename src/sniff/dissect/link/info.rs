//! The link layer's Info column and Protocol column, for a frame whose payload
//! no network protocol here decodes: the EtherType, address family, length or
//! PPP protocol it names.

use super::{dlt_name, static_dlt_name, LinkType, Next};
use crate::sniff::packet::{Net, Packet};
use std::io::{self, Write};

/// Writes the Info column of a frame whose network layer is not decoded.
pub fn write(out: &mut impl Write, p: &Packet<'_>) -> io::Result<()> {
    match p.d.net {
        Net::Other(t) => write!(out, "Ethernet II, type 0x{t:04x}"),
        Net::None => match p.d.link {
            Some(l) => match l.next {
                Next::Family(f) => write!(out, "Null/Loopback, unknown family {f}"),
                Next::EtherType(t) => write!(out, "type 0x{t:04x}"),
                Next::Length(n) => {
                    write!(out, "IEEE 802.3 frame, length {n} (LLC not decoded)")
                }
                Next::Ppp(proto) => write!(out, "PPP Unknown (0x{proto:04x})"),
                Next::Nlpid(n) => write!(out, "DLCI {}, NLPID 0x{n:02x}", l.dlci),
                Next::Undecoded => match l.kind {
                    LinkType::Other(dlt) => {
                        write!(out, "link type {} ({dlt}) not decoded by socklab", dlt_name(dlt))
                    }
                    LinkType::FrameRelay => write!(out, "DLCI {}", l.dlci),
                    _ => write!(out, "compressed or unknown packet"),
                },
            },
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The Protocol column of a frame with no network layer: the link type's name.
pub fn column(kind: Option<LinkType>) -> &'static str {
    match kind {
        Some(LinkType::Null | LinkType::Loop) => "NULL",
        Some(LinkType::LinuxSll | LinkType::LinuxSll2) => "SLL",
        Some(LinkType::Ppp | LinkType::PppSerial) => "PPP",
        Some(LinkType::CHdlc) => "CHDLC",
        Some(LinkType::FrameRelay) => "FR",
        Some(LinkType::Slip) => "SLIP",
        Some(LinkType::Other(dlt)) => static_dlt_name(dlt),
        _ => "Ethernet",
    }
}
