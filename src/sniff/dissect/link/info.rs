//! The link layer's Info column and Protocol column, for a frame whose payload
//! no network protocol here decodes: the EtherType, address family, length or
//! PPP protocol it names.

use super::{dlt_name, static_dlt_name, LinkType, Next};
use crate::sniff::packet::{Net, Packet};
use std::borrow::Cow;
use std::io::{self, Write};

/// Writes the Info column of a frame whose network layer is not decoded.
pub fn write(out: &mut impl Write, p: &Packet<'_>) -> io::Result<()> {
    match p.d.net {
        Net::Other(t) => out.write_all(ethertype_description(t).unwrap_or("Ethernet II").as_bytes()),
        Net::None => match p.d.inner_link() {
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

/// The name tshark's EtherType table gives a type that has no dissector of its
/// own (IEEE 802 Local Experimental EtherTypes, IEEE Std 802 §9.2.2); tshark's
/// Info column shows it in place of "Ethernet II".
fn ethertype_description(ty: u16) -> Option<&'static str> {
    match ty {
        0x88b5 => Some("Local Experimental Ethertype 1"),
        0x88b6 => Some("Local Experimental Ethertype 2"),
        _ => None,
    }
}

/// The Protocol column of a frame whose EtherType (or PPP protocol) nothing
/// decodes: like tshark, the number itself in hex, `0x3030`.
pub fn unknown_type_column(ty: u16) -> Cow<'static, str> {
    Cow::Owned(format!("0x{ty:04x}"))
}

/// The Protocol column of a frame with no network layer: the link type's
/// name, or the unknown PPP protocol number a PPP frame carries.
pub fn column_of(link: Option<&super::Link>) -> Cow<'static, str> {
    match link {
        Some(&super::Link { kind: LinkType::Ppp | LinkType::PppSerial, next: Next::Ppp(proto), .. }) => {
            unknown_type_column(proto)
        }
        l => Cow::Borrowed(column(l.map(|l| l.kind))),
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
