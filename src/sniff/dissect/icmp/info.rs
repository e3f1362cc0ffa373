//! ICMP's and ICMPv6's Info column: type and code names, echo identifiers with
//! the matching request or reply, Neighbor Discovery targets and addresses.

use super::names;
use crate::sniff::packet::{Icmp, Net, Packet};
use crate::sniff::render::Mac;
use std::io::{self, Write};

/// Writes the Info column of a packet whose ICMP or ICMPv6 header is `i`.
pub fn write(out: &mut impl Write, i: &Icmp, p: &Packet<'_>) -> io::Result<()> {
    let ttl = match p.d.net {
        Net::Ipv4(h) => h.ttl,
        Net::Ipv6(h) => h.hlim,
        _ => 0,
    };
    if i.is_echo() {
        let name = if i.v6 { names::v6_type_name(i.ty) } else { names::type_name(i.ty) };
        if i.v6 {
            write!(out, "{name} id=0x{:04x}, seq={}, hop limit={ttl}", i.ident(), i.seq())?;
        } else {
            write!(out, "{name:<20} id=0x{:04x}, seq={}/{}, ttl={ttl}", i.ident(), i.seq(), i.seq().swap_bytes())?;
        }
        return match p.echo_peer {
            Some((f, true)) => write!(out, " (request in {f})"),
            Some((f, false)) => write!(out, " (reply in {f})"),
            None if !i.is_echo_reply() => write!(out, " (no response found!)"),
            None => Ok(()),
        };
    }
    if i.v6 && (133..=136).contains(&i.ty) {
        return neighbor_discovery(out, i, p.d.payload);
    }
    let (name, code) = if i.v6 {
        (names::v6_type_name(i.ty), names::v6_code_name(i.ty, i.code))
    } else {
        (names::type_name(i.ty), names::code_name(i.ty, i.code))
    };
    match code {
        Some(c) => write!(out, "{name} ({c})")?,
        None => out.write_all(name.as_bytes())?,
    }
    // tshark appends its exception to the Info column it had written.
    if super::tree::extension_past_the_end(p, i) {
        out.write_all(b"[Malformed Packet]")?;
    }
    Ok(())
}

/// ICMPv6 Neighbor Discovery messages as tshark summarises them (RFC 4861 §4):
/// router solicitation/advertisement with the sender's link-layer address,
/// neighbor solicitation/advertisement with the target and flags.
fn neighbor_discovery(out: &mut impl Write, i: &Icmp, body: &[u8]) -> io::Result<()> {
    /// Link-layer address options: source (1) and target (2).
    fn lladdr(opts: &[u8], kind: u8) -> Option<&[u8]> {
        let mut rest = opts;
        while rest.len() >= 8 {
            let len = usize::from(rest[1]) * 8;
            if len == 0 || len > rest.len() {
                return None;
            }
            if rest[0] == kind {
                return Some(&rest[2..8]);
            }
            rest = &rest[len..];
        }
        None
    }
    let name = names::v6_type_name(i.ty);
    let target = || -> Option<std::net::Ipv6Addr> {
        let b: [u8; 16] = body.get(..16)?.try_into().ok()?;
        Some(std::net::Ipv6Addr::from(b))
    };
    match i.ty {
        133 | 134 => {
            // RS: 4 reserved bytes in the header, options follow; RA: 8 more bytes first.
            let opts = if i.ty == 133 { body } else { body.get(8..).unwrap_or(&[]) };
            out.write_all(name.as_bytes())?;
            if let Some(mac) = lladdr(opts, 1) {
                write!(out, " from {}", Mac(mac))?;
            }
            Ok(())
        }
        135 => {
            out.write_all(name.as_bytes())?;
            if let Some(t) = target() {
                write!(out, " for {t}")?;
            }
            if let Some(mac) = lladdr(body.get(16..).unwrap_or(&[]), 1) {
                write!(out, " from {}", Mac(mac))?;
            }
            Ok(())
        }
        _ => {
            out.write_all(name.as_bytes())?;
            let Some(t) = target() else { return Ok(()) };
            write!(out, " {t}")?;
            let flags = i.rest[0];
            let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|&(_, n)| n)
                .collect();
            if !names.is_empty() {
                write!(out, " ({})", names.join(", "))?;
            }
            if let Some(mac) = lladdr(body.get(16..).unwrap_or(&[]), 2) {
                write!(out, " is at {}", Mac(mac))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icmp6(ty: u8, rest: [u8; 4]) -> Icmp {
        Icmp { offset: 0, v6: true, ty, code: 0, checksum: 0, rest }
    }

    fn text(i: &Icmp, body: &[u8]) -> String {
        let mut out = Vec::new();
        neighbor_discovery(&mut out, i, body).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn neighbor_discovery_like_tshark() {
        let target = "2001:db8:1::1".parse::<std::net::Ipv6Addr>().unwrap().octets();
        let mut ns = target.to_vec();
        ns.extend([1, 1, 0, 0x10, 0x18, 0x95, 0x31, 0x6a]);
        assert_eq!(text(&icmp6(135, [0; 4]), &ns), "Neighbor Solicitation for 2001:db8:1::1 from 00:10:18:95:31:6a");
        let mut na = target.to_vec();
        na.extend([2, 1, 0xaa, 0, 4, 0, 0x0a, 4]);
        assert_eq!(
            text(&icmp6(136, [0xe0, 0, 0, 0]), &na),
            "Neighbor Advertisement 2001:db8:1::1 (rtr, sol, ovr) is at aa:00:04:00:0a:04"
        );
        assert_eq!(text(&icmp6(133, [0; 4]), &[1, 0]), "Router Solicitation");
        for n in 0..na.len() {
            let _ = text(&icmp6(136, [0; 4]), &na[..n]);
        }
    }
}
