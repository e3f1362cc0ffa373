//! The multiprotocol attributes MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760
//! §3 and §4): an address family (AFI), a subsequent one (SAFI), for a reach a
//! next hop and the obsolete SNPA list, then the routes in the family's own
//! encoding. Reads are bounded by the message: a field beyond it is a [`Cut`]
//! (tshark's malformed message), one beyond the attribute only ends the list.

use super::names;
use super::tree::{need, Cut};
use crate::proto::bytes::be16;
use crate::sniff::tree::{Ftype, Tree};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Address families (IANA "Address Family Numbers").
mod afi {
    pub const IPV4: u16 = 1;
    pub const IPV6: u16 = 2;
}

/// Subsequent address families (IANA "SAFI Values").
mod safi {
    pub const UNICAST: u8 = 1;
    pub const MULTICAST: u8 = 2;
    pub const LABELED: u8 = 4;
    pub const VPN: u8 = 128;
    pub const RT_CONSTRAINT: u8 = 132;
}

/// An MPLS label stack entry's bottom-of-stack bit (RFC 3107 §3).
const BOTTOM_OF_STACK: u8 = 0x01;
/// A label stack entry's length.
const LABEL_LEN: usize = 3;
/// A route distinguisher's length (RFC 4364 §4.2).
const RD_LEN: usize = 8;

/// Which attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// MP_REACH_NLRI.
    Reach,
    /// MP_UNREACH_NLRI.
    Unreach,
}

/// The attribute's fields, its value from `at` to `end` of message `b`, whose
/// first byte is at frame offset `o`.
pub fn attribute(t: &mut Tree, b: &[u8], at: usize, end: usize, o: usize, which: Which) -> Result<(), Cut> {
    let (afi_field, safi_field) = match which {
        Which::Reach => ("bgp.update.path_attribute.mp_reach_nlri.afi", "bgp.update.path_attribute.mp_reach_nlri.safi"),
        Which::Unreach => {
            ("bgp.update.path_attribute.mp_unreach_nlri.afi", "bgp.update.path_attribute.mp_unreach_nlri.safi")
        }
    };
    need(b, at, 2)?;
    let afi = be16(b, at);
    t.at(3)
        .field(afi_field, Ftype::Uint16, afi)
        .bytes(o + at, 2)
        .line(format_args!("Address family identifier (AFI): {} ({afi})", names::afi_name(afi)));
    let safi = need(b, at + 2, 1)?[0];
    t.at(3)
        .field(safi_field, Ftype::Uint8, safi)
        .bytes(o + at + 2, 1)
        .line(format_args!("Subsequent address family identifier (SAFI): {} ({safi})", names::safi_name(safi)));
    let mut p = at + 3;
    if which == Which::Reach {
        p = next_hop_and_snpa(t, b, p, o)?;
    }
    if p >= end {
        return Ok(());
    }
    let title =
        if which == Which::Reach { "Network Layer Reachability Information (NLRI)" } else { "Withdrawn Routes" };
    t.at(3).bytes(o + p, end - p).line(format_args!("{title}"));
    routes(t, b, p, end, o, afi, safi, which)
}

/// The next hop and the SNPA list of a reach (RFC 4760 §3); returns where the
/// routes start.
fn next_hop_and_snpa(t: &mut Tree, b: &[u8], at: usize, o: usize) -> Result<usize, Cut> {
    let nh_len = usize::from(need(b, at, 1)?[0]);
    let nh = need(b, at + 1, nh_len)?;
    if nh_len > 0 {
        let text = match nh_len {
            4 => Ipv4Addr::new(nh[0], nh[1], nh[2], nh[3]).to_string(),
            16 => ipv6(nh).to_string(),
            32 => format!("IPv6={} Link-local={}", ipv6(&nh[..16]), ipv6(&nh[16..])),
            _ => nh.iter().map(|x| format!("{x:02x}")).collect(),
        };
        t.at(3)
            .field("bgp.update.path_attribute.mp_reach_nlri.next_hop", Ftype::Bytes, hex(nh))
            .bytes(o + at + 1, nh_len)
            .line(format_args!("Next hop: {text}"));
    }
    let mut p = at + 1 + nh_len;
    let count = need(b, p, 1)?[0];
    t.at(3)
        .field("bgp.update.path_attribute.mp_reach_nlri.nbr_snpa", Ftype::Uint8, count)
        .bytes(o + p, 1)
        .line(format_args!("Number of Subnetwork points of attachment (SNPA): {count}"));
    p += 1;
    for _ in 0..count {
        let len = usize::from(need(b, p, 1)?[0]);
        t.at(4)
            .field("bgp.update.path_attribute.mp_reach_nlri.snpa_length", Ftype::Uint8, len)
            .bytes(o + p, 1)
            .line(format_args!("SNPA Length: {len}"));
        let snpa = need(b, p + 1, len)?;
        t.at(4)
            .field("bgp.update.path_attribute.mp_reach_nlri.snpa", Ftype::Bytes, hex(snpa))
            .bytes(o + p + 1, len)
            .line(format_args!("SNPA: {}", hex(snpa)));
        p += 1 + len;
    }
    Ok(p)
}

/// The routes of a family socklab decodes; others are left as bytes.
#[allow(clippy::too_many_arguments)]
fn routes(
    t: &mut Tree,
    b: &[u8],
    mut p: usize,
    end: usize,
    o: usize,
    afi: u16,
    safi: u8,
    which: Which,
) -> Result<(), Cut> {
    let max_bits = match afi {
        afi::IPV4 => 32,
        afi::IPV6 => 128,
        _ => return Ok(()),
    };
    while p < end {
        let bits = usize::from(need(b, p, 1)?[0]);
        let used = match safi {
            safi::UNICAST | safi::MULTICAST => prefix(t, b, p, o, bits, max_bits, 0, afi, which)?,
            safi::LABELED => {
                let labels = label_stack(b, p + 1)?;
                prefix(t, b, p, o, bits, max_bits, labels, afi, which)?
            }
            safi::VPN => {
                let labels = label_stack(b, p + 1)?;
                need(b, p + 1 + labels, RD_LEN)?;
                prefix(t, b, p, o, bits, max_bits, labels + RD_LEN, afi, which)?
            }
            safi::RT_CONSTRAINT => rt_constraint(b, p, bits)?,
            _ => return Ok(()),
        };
        let Some(used) = used else { return Ok(()) };
        p += used;
    }
    Ok(())
}

/// A route target membership route (RFC 4684 §4): a length in bits, then the
/// origin AS and the route target it covers; tshark reads the whole route
/// target whatever the length says, so a shorter one runs past its bytes.
fn rt_constraint(b: &[u8], p: usize, bits: usize) -> Result<Option<usize>, Cut> {
    if bits == 0 {
        return Ok(Some(1));
    }
    need(b, p + 1, 4 + 8)?;
    Ok(Some(1 + bits.div_ceil(8)))
}

/// The length of the MPLS label stack at `at`: entries up to the one with the
/// bottom-of-stack bit (RFC 3107 §3, RFC 8277 for several labels).
fn label_stack(b: &[u8], at: usize) -> Result<usize, Cut> {
    let mut n = 0;
    loop {
        let entry = need(b, at + n, LABEL_LEN)?;
        n += LABEL_LEN;
        if entry[2] & BOTTOM_OF_STACK != 0 || entry == [0x80, 0, 0] || entry == [0, 0, 0] {
            return Ok(n);
        }
    }
}

/// One prefix whose `skip` bytes of labels and route distinguisher come before
/// the address; `None` when its length is out of range, where tshark stops.
#[allow(clippy::too_many_arguments)]
fn prefix(
    t: &mut Tree,
    b: &[u8],
    p: usize,
    o: usize,
    bits: usize,
    max_bits: usize,
    skip: usize,
    afi: u16,
    which: Which,
) -> Result<Option<usize>, Cut> {
    let Some(addr_bits) = bits.checked_sub(skip * 8).filter(|&n| n <= max_bits) else {
        return Ok(None);
    };
    let n = addr_bits.div_ceil(8);
    let raw = need(b, p + 1 + skip, n)?;
    let (text, field) = if afi == afi::IPV4 {
        let mut a = [0u8; 4];
        a[..n].copy_from_slice(raw);
        let f = if which == Which::Reach { "bgp.mp_reach_nlri_ipv4_prefix" } else { "bgp.mp_unreach_nlri_ipv4_prefix" };
        (Ipv4Addr::from(a).to_string(), f)
    } else {
        let mut a = [0u8; 16];
        a[..n].copy_from_slice(raw);
        let f = if which == Which::Reach { "bgp.mp_reach_nlri_ipv6_prefix" } else { "bgp.mp_unreach_nlri_ipv6_prefix" };
        (Ipv6Addr::from(a).to_string(), f)
    };
    let ftype = if afi == afi::IPV4 { Ftype::Ipv4 } else { Ftype::Ipv6 };
    t.at(4).bytes(o + p, 1 + skip + n).line(format_args!("{text}/{addr_bits}"));
    t.at(5).field(field, ftype, &text).bytes(o + p + 1 + skip, n).line(format_args!("Prefix: {text}"));
    Ok(Some(1 + skip + n))
}

/// An IPv6 address from 16 bytes.
fn ipv6(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    Ipv6Addr::from(a)
}

/// Bytes as tshark's fields view writes them.
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
