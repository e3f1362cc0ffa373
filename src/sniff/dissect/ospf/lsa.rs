//! Link State Advertisements: the 20-byte header every LSA starts with (RFC 2328
//! §A.4.1, RFC 5340 §A.4.2) and, in an LS Update, the bodies of the OSPFv2 types
//! (RFC 2328 §A.4.2–A.4.5, RFC 3101 for NSSA, RFC 5250 for opaque LSAs).

use super::walk::{Bit, Cut, Walk, Walked};
use super::{v2_options, v3_options};
use crate::sniff::tree::{Ftype, Group, Severity};
use crate::sniff::value::Value;

/// An LSA header's length.
pub const HEADER_LEN: usize = 20;

/// Offsets in an LSA header.
mod at {
    /// LS age (and the DoNotAge bit).
    pub const AGE: usize = 0;
    /// v2: Options; v3: the LS type starts here.
    pub const OPTIONS: usize = 2;
    /// v2: LS type.
    pub const TYPE: usize = 3;
    /// Link State ID.
    pub const ID: usize = 4;
    /// Advertising Router.
    pub const ADV: usize = 8;
    /// LS sequence number.
    pub const SEQ: usize = 12;
    /// LS checksum.
    pub const CHECKSUM: usize = 16;
    /// Length of the whole LSA.
    pub const LENGTH: usize = 18;
}

/// The DoNotAge bit of the age field (RFC 1793).
const DO_NOT_AGE: u16 = 0x8000;
/// Opaque LSA types (RFC 5250 §3): link-local, area-local, AS-wide.
const OPAQUE: std::ops::RangeInclusive<u8> = 9..=11;

/// Wireshark's name of an OSPFv2 LS type.
pub fn v2_type_name(t: u8) -> &'static str {
    match t {
        1 => "Router-LSA",
        2 => "Network-LSA",
        3 => "Summary-LSA (IP network)",
        4 => "Summary-LSA (ASBR)",
        5 => "AS-External-LSA (ASBR)",
        6 => "Group Membership LSA",
        7 => "NSSA AS-External-LSA",
        8 => "External Attributes LSA",
        9 => "Opaque LSA, Link-local scope",
        10 => "Opaque LSA, Area-local scope",
        11 => "Opaque LSA, AS-local scope",
        _ => "Unknown",
    }
}

/// The hidden boolean field tshark adds for an OSPFv2 LS type.
fn v2_type_filter(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "ospf.lsa.router",
        2 => "ospf.lsa.network",
        3 => "ospf.lsa.summary",
        4 => "ospf.lsa.asbr",
        5 => "ospf.lsa.asext",
        6 => "ospf.lsa.member",
        7 => "ospf.lsa.nssa",
        8 => "ospf.lsa.attr",
        9..=11 => "ospf.lsa.opaque",
        _ => return None,
    })
}

/// Wireshark's name of an opaque LSA's type (IANA "Opaque Link-State
/// Advertisements (LSA) Option Types": RFC 3630, RFC 3623, RFC 7770, RFC 7684).
fn opaque_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "Traffic Engineering LSA",
        2 => "Sycamore Optical Topology Descriptions",
        3 => "grace-LSA",
        4 => "Router Information (RI)",
        7 => "OSPFv2 Extended Prefix Opaque LSA",
        8 => "OSPFv2 Extended Link Opaque LSA",
        _ => return None,
    })
}

/// Wireshark's name of an OSPFv3 LSA function code (RFC 5340 §A.4.2.1).
pub fn v3_type_name(fc: u16) -> &'static str {
    match fc {
        1 => "Router-LSA",
        2 => "Network-LSA",
        3 => "Inter-Area-Prefix-LSA",
        4 => "Inter-Area-Router-LSA",
        5 => "AS-External-LSA",
        6 => "Group-Membership-LSA",
        7 => "NSSA-LSA",
        8 => "Link-LSA",
        9 => "Intra-Area-Prefix-LSA",
        12 => "Router Information Opaque-LSA",
        _ => "Unknown",
    }
}

/// The smallest length Wireshark accepts for an OSPFv2 LSA of type `t`.
fn v2_min_len(t: u8) -> usize {
    match t {
        1 => 24,
        2..=4 => 28,
        5 | 7 => 36,
        _ => HEADER_LEN,
    }
}

/// An OSPFv2 LSA at `at`: its header and, when `body`, its body. Returns where
/// the next LSA starts, or `None` when its length is impossible (tshark then
/// loses its place: whatever follows is malformed).
pub fn v2(w: &mut Walk<'_, '_>, d: usize, at: usize, body: bool) -> Walked<Option<usize>> {
    let t = w.u8(at + at::TYPE)?;
    let len = usize::from(w.u16(at + at::LENGTH)?);
    let span = if body { len } else { HEADER_LEN };
    w.subtree(d, at, span, format_args!("LSA-type {t} ({}), len {len}", v2_type_name(t)))?;
    age(w, d + 1, at, "Do Not Age Flag")?;
    let options = w.u8(at + at::OPTIONS)?;
    v2_options(w, d + 1, at + at::OPTIONS)?;
    w.item(
        d + 1,
        "ospf.lsa",
        Ftype::Uint8,
        (at + at::TYPE, 1),
        Value::Uint(u64::from(t)),
        format_args!("LS Type: {} ({t})", v2_type_name(t)),
    )?;
    if let Some(name) = v2_type_filter(t) {
        w.hidden(d + 1, name, Ftype::Boolean, at + at::TYPE, 1, Value::Bool(true));
    }
    if OPAQUE.contains(&t) {
        let kind = w.u8(at + at::ID)?;
        let name = opaque_type_name(kind).map_or_else(|| format!("Unknown ({kind})"), |n| format!("{n} ({kind})"));
        w.item(
            d + 1,
            "ospf.lsid_opaque_type",
            Ftype::Uint8,
            (at + at::ID, 1),
            Value::Uint(u64::from(kind)),
            format_args!("Link State ID Opaque Type: {name}"),
        )?;
        if kind == 1 {
            w.dec(d + 1, "ospf.lsid_te_lsa.reserved", "Link State ID TE-LSA Reserved", at + at::ID + 1, 1)?;
            w.dec(d + 1, "ospf.lsid_te_lsa.instance", "Link State ID TE-LSA Instance", at + at::ID + 2, 2)?;
        } else {
            w.dec(d + 1, "ospf.lsid.opaque_id", "Link State ID Opaque ID", at + at::ID + 1, 3)?;
        }
    } else {
        w.ipv4(d + 1, "ospf.lsa.id", "Link State ID", at + at::ID, "")?;
    }
    rest_of_header(w, d + 1, at)?;
    if len < v2_min_len(t) {
        let msg = if (1..=11).contains(&t) {
            format!("Invalid LSA length ({len}) for type {}, expected >= ({})", v2_type_name(t), v2_min_len(t))
        } else {
            format!("Invalid LSA length ({len}) for unknown LSA type ({t}), expected minimum of (20)")
        };
        w.out.expert(d + 2, "ospf.lsa.invalid_length", Severity::Warning, Group::Malformed, &msg);
        return Ok(None);
    }
    let start = at + HEADER_LEN;
    if !body || len <= HEADER_LEN {
        return Ok(Some(start));
    }
    let end = at + len;
    let mt = options & 0x01 != 0;
    match t {
        1 => router(w, d + 1, start, mt),
        2 => network(w, d + 1, start, end),
        3 | 4 => summary(w, d + 1, start, end),
        5 | 7 => external(w, d + 1, start, end),
        _ => {
            w.need(start, len - HEADER_LEN)?;
            Ok(end)
        }
    }
    .map(Some)
}

/// An OSPFv3 LSA at `at` (RFC 5340 §A.4.2): its header and, when `body`, its
/// body for the address family `af`. Returns where the next LSA starts, as
/// tshark finds it: after what the body's fields take, or its length's end.
pub fn v3(w: &mut Walk<'_, '_>, d: usize, at: usize, body: bool, af: Af) -> Walked<Option<usize>> {
    let ls_type = w.u16(at + at::OPTIONS)?;
    let fc = ls_type & 0x1fff;
    let len = w.u16(at + at::LENGTH)?;
    let span = if body { usize::from(len) } else { HEADER_LEN };
    w.subtree(d, at, span, format_args!("LSA-type {fc} ({}), len {len}", v3_type_name(fc)))?;
    age(w, d + 1, at, "Do Not Age")?;
    v3_ls_type(w, d + 1, at + at::OPTIONS)?;
    if let Some(name) = v3_type_filter(fc) {
        w.hidden(d + 1, name, Ftype::Boolean, at + at::OPTIONS, 2, Value::Bool(true));
    }
    // tshark names an OSPFv3 LSA's Link State ID as a request's.
    w.ipv4(d + 1, "ospf.link_state_id", "Link State ID", at + at::ID, "")?;
    rest_of_header(w, d + 1, at)?;
    let start = at + HEADER_LEN;
    if !body {
        return Ok(Some(start));
    }
    // tshark counts the body in 16 bits: a length under the header's wraps.
    let rest = len.wrapping_sub(HEADER_LEN as u16);
    let e = d + 1;
    let next = match fc {
        1 => v3_router(w, e, start, rest)?,
        2 => v3_network(w, e, start, rest)?,
        3 => inter_area_prefix(w, e, start, af)?,
        4 => inter_area_router(w, e, start)?,
        5 | 7 => v3_external(w, e, start, at + usize::from(len), af)?,
        8 => link(w, e, start, af)?,
        9 => intra_area_prefix(w, e, start, af)?,
        _ => {
            let msg = format!("Unknown LSA Type {fc}");
            w.out.expert(d + 1, "ospf.lsa.unknown_type", Severity::Warning, Group::Protocol, &msg);
            start + usize::from(rest)
        }
    };
    Ok(Some(next))
}

/// The address family of an OSPFv3 instance (RFC 5838 §2.1): its prefixes'
/// and addresses' size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Af {
    /// IPv6 (instance IDs 0–65 and 128–255, as tshark decides).
    V6,
    /// IPv4 (instance IDs 66–127).
    V4,
}

/// The hidden boolean field tshark adds for an OSPFv3 function code.
fn v3_type_filter(fc: u16) -> Option<&'static str> {
    Some(match fc {
        1 => "ospf.v3.lsa.router",
        2 => "ospf.v3.lsa.network",
        3 => "ospf.v3.lsa.interprefix",
        4 => "ospf.v3.lsa.interrouter",
        5 => "ospf.v3.lsa.asext",
        6 => "ospf.v3.lsa.member",
        7 => "ospf.v3.lsa.nssa",
        8 => "ospf.v3.lsa.link",
        9 => "ospf.v3.lsa.intraprefix",
        12 => "ospf.v3.lsa.opaque",
        _ => return None,
    })
}

/// A reserved field, with tshark's warning when it is not zero.
fn reserved(w: &mut Walk<'_, '_>, d: usize, at: usize, len: usize) -> Walked {
    w.bytes(d, "ospf.reserved", "Reserved", at, len)?;
    if w.get(at, len)?.iter().any(|&b| b != 0) {
        w.out.expert(d + 1, "ospf.reserved.not_zero", Severity::Warning, Group::Protocol, "incorrect, should be 0");
    }
    Ok(())
}

/// The prefix option bits (RFC 5340 §A.4.1.1).
const PREFIX_BITS: &[Bit] = &[
    Bit {
        mask: 0x08,
        name: "ospf.v3.prefix.options.p",
        title: "(P) Propagate",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x04,
        name: "ospf.v3.prefix.options.mc",
        title: "(MC) Multicast",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x02,
        name: "ospf.v3.prefix.options.la",
        title: "(LA) Local Address",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.v3.prefix.options.nu",
        title: "(NU) NoUnicast",
        words: ("Set", "Not set"),
        listed: true,
    },
];

/// The AS-external-LSA flags (RFC 5340 §A.4.7).
const EXTERNAL_BITS: &[Bit] = &[
    Bit {
        mask: 0x04,
        name: "ospf.v3.as.external.flags.e",
        title: "(E) External Metric",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x02,
        name: "ospf.v3.as.external.flags.f",
        title: "(F) Forwarding Address",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.v3.as.external.flags.t",
        title: "(T) External Route Tag",
        words: ("Set", "Not set"),
        listed: true,
    },
];

/// PrefixLength and PrefixOptions at `at`; returns the length.
fn prefix_head(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked<u8> {
    let n = w.dec(d, "ospf.prefix_length", "PrefixLength", at, 1)? as u8;
    w.flags(d, "ospf.v3.prefix.options", "PrefixOptions", at + 1, 1, PREFIX_BITS)?;
    Ok(n)
}

/// An address prefix of `bits` bits at `at` (RFC 5340 §A.4.1): whole 32-bit
/// words, the bits past the length cleared. Returns where the next field starts.
fn address_prefix(w: &mut Walk<'_, '_>, d: usize, at: usize, bits: u8, af: Af) -> Walked<usize> {
    let len = usize::from(bits).div_ceil(32) * 4;
    if bits > 128 {
        let msg = format!("Address Prefix: length is invalid ({bits}, should be <= 128)");
        w.out.expert(d, "ospf.lsa.invalid_length", Severity::Warning, Group::Malformed, &msg);
        return Ok(at + len);
    }
    if af == Af::V4 {
        w.ipv4(d, "ospf.v3.address_prefix.ipv4", "Address Prefix", at, "")?;
        return Ok(at + len);
    }
    let mut prefix = [0u8; 16];
    prefix[..len].copy_from_slice(w.get(at, len)?);
    if !bits.is_multiple_of(8) {
        prefix[len - 1] &= (0xff00u16 >> (bits % 8)) as u8;
    }
    let a = std::net::Ipv6Addr::from(prefix);
    w.item(
        d,
        "ospf.v3.address_prefix.ipv6",
        Ftype::Ipv6,
        (at, len),
        Value::Ip(a.into()),
        format_args!("Address Prefix: {a}"),
    )?;
    Ok(at + len)
}

/// A network-LSA body (RFC 5340 §A.4.4): options and attached routers.
fn v3_network(w: &mut Walk<'_, '_>, d: usize, at: usize, rest: u16) -> Walked<usize> {
    reserved(w, d, at, 1)?;
    v3_options(w, d, at + 1)?;
    let (mut p, mut left) = (at + 4, rest.wrapping_sub(4));
    while left > 0 {
        w.ipv4(d, "ospf.v3.lsa.attached_router", "Attached Router", p, "")?;
        p += 4;
        left = left.wrapping_sub(4);
    }
    Ok(p)
}

/// An inter-area-prefix-LSA body (RFC 5340 §A.4.5).
fn inter_area_prefix(w: &mut Walk<'_, '_>, d: usize, at: usize, af: Af) -> Walked<usize> {
    reserved(w, d, at, 1)?;
    w.dec(d, "ospf.metric", "Metric", at + 1, 3)?;
    let bits = prefix_head(w, d, at + 4)?;
    reserved(w, d, at + 6, 2)?;
    address_prefix(w, d, at + 8, bits, af)
}

/// An inter-area-router-LSA body (RFC 5340 §A.4.6).
fn inter_area_router(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked<usize> {
    reserved(w, d, at, 1)?;
    v3_options(w, d, at + 1)?;
    reserved(w, d, at + 4, 1)?;
    w.dec(d, "ospf.metric", "Metric", at + 5, 3)?;
    w.ipv4(d, "ospf.v3.lsa.destination_router_id", "Destination Router ID", at + 8, "")?;
    Ok(at + 12)
}

/// An AS-external or NSSA LSA body (RFC 5340 §A.4.7, §A.4.8), its optional
/// parts as its flags and length say.
fn v3_external(w: &mut Walk<'_, '_>, d: usize, at: usize, end: usize, af: Af) -> Walked<usize> {
    let flags = w.flags(d, "ospf.v3.as.external.flags", "Flags", at, 1, EXTERNAL_BITS)?;
    w.dec(d, "ospf.metric", "Metric", at + 1, 3)?;
    let bits = prefix_head(w, d, at + 4)?;
    let referenced = w.hex(d, "ospf.v3.lsa.referenced_ls_type", "Referenced LS type", at + 6, 2)?;
    let mut p = address_prefix(w, d, at + 8, bits, af)?;
    if p < end && flags & 0x02 != 0 {
        match af {
            Af::V6 => {
                let a = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(w.get(p, 16)?).map_err(|_| Cut { at: p })?);
                w.item(
                    d,
                    "ospf.v3.lsa.forwarding_address.ipv6",
                    Ftype::Ipv6,
                    (p, 16),
                    Value::Ip(a.into()),
                    format_args!("Forwarding Address: {a}"),
                )?;
            }
            Af::V4 => {
                w.ipv4(d, "ospf.v3.lsa.forwarding_address.ipv4", "Forwarding Address", p, "")?;
            }
        }
        p += 16;
    }
    if p < end && flags & 0x01 != 0 {
        w.dec(d, "ospf.v3.lsa.external_route_tag", "External Route Tag", p, 4)?;
        p += 4;
    }
    if p < end && referenced != 0 {
        w.ipv4(d, "ospf.v3.lsa.referenced_link_state_id", "Referenced Link State ID", p, "")?;
        p += 4;
    }
    Ok(p)
}

/// A link-LSA body (RFC 5340 §A.4.9).
fn link(w: &mut Walk<'_, '_>, d: usize, at: usize, af: Af) -> Walked<usize> {
    w.dec(d, "ospf.v3.lsa.router_priority", "Router Priority", at, 1)?;
    v3_options(w, d, at + 1)?;
    match af {
        Af::V6 => {
            let a = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(w.get(at + 4, 16)?).map_err(|_| Cut { at: at + 4 })?);
            w.item(
                d,
                "ospf.v3.lsa.link_local_interface_address.ipv6",
                Ftype::Ipv6,
                (at + 4, 16),
                Value::Ip(a.into()),
                format_args!("Link-local Interface Address: {a}"),
            )?;
        }
        Af::V4 => {
            w.ipv4(d, "ospf.v3.lsa.link_local_interface_address.ipv4", "Link-local Interface Address", at + 4, "")?;
        }
    }
    let n = w.dec(d, "ospf.v3.lsa.num_prefixes", "# prefixes", at + 20, 4)?;
    let mut p = at + 24;
    for _ in 0..n {
        let bits = prefix_head(w, d, p)?;
        reserved(w, d, p + 2, 2)?;
        p = address_prefix(w, d, p + 4, bits, af)?;
    }
    Ok(p)
}

/// An intra-area-prefix-LSA body (RFC 5340 §A.4.10).
fn intra_area_prefix(w: &mut Walk<'_, '_>, d: usize, at: usize, af: Af) -> Walked<usize> {
    let n = w.dec(d, "ospf.v3.lsa.num_prefixes", "# prefixes", at, 2)?;
    let t = w.u16(at + 2)?;
    let shown = match v3_type_name(t & 0x1fff) {
        _ if t & 0xe000 != 0 => format!("Unknown (0x{t:04x})"),
        "Unknown" => format!("Unknown (0x{t:04x})"),
        name => format!("{name} (0x{t:04x})"),
    };
    w.item(
        d,
        "ospf.v3.lsa.referenced_ls_type",
        Ftype::Uint16,
        (at + 2, 2),
        Value::hex(u64::from(t), 4),
        format_args!("Referenced LS type: {shown}"),
    )?;
    w.ipv4(d, "ospf.v3.lsa.referenced_link_state_id", "Referenced Link State ID", at + 4, "")?;
    w.ipv4(d, "ospf.v3.lsa.referenced_advertising_router", "Referenced Advertising Router", at + 8, "")?;
    let mut p = at + 12;
    for _ in 0..n {
        let bits = prefix_head(w, d, p)?;
        w.dec(d, "ospf.metric", "Metric", p + 2, 2)?;
        p = address_prefix(w, d, p + 4, bits, af)?;
    }
    Ok(p)
}

/// The LS Type word of an OSPFv3 LSA header or request (RFC 5340 §A.4.2.1).
pub fn v3_ls_type(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked {
    let v = w.u16(at)?;
    let fc = v & 0x1fff;
    let value = Value::hex(u64::from(v), 4);
    w.item(d, "ospf.v3.lsa", Ftype::Uint16, (at, 2), value, format_args!("LS Type: 0x{v:04x}"))?;
    let u = v & 0x8000 != 0;
    let u_word = if u {
        "Treat the LSA as if it had link-local flooding scope"
    } else {
        "Store and flood the LSA as if the type is understood"
    };
    let bits = |m: u64| crate::sniff::tree::draw::masked_bits(u64::from(v), m, 16);
    w.out
        .at(d + 1)
        .field("ospf.v3.lsa.u", Ftype::Boolean, u8::from(u))
        .bytes(w.base + at, 2)
        .mask(0x8000, u64::from(u))
        .line(format_args!("{} = LSA Handling: {u_word}", bits(0x8000)));
    let s12 = (v >> 13) & 0x3;
    let scope = match s12 {
        0 => "Link-Local Scoping - Flooded only on originating link",
        1 => "Area Scoping - Flooded only in originating area",
        2 => "AS Scoping - Flooded throughout AS",
        _ => "Reserved",
    };
    w.out
        .at(d + 1)
        .field("ospf.v3.lsa.s12", Ftype::Uint16, Value::hex(u64::from(s12), 4))
        .bytes(w.base + at, 2)
        .mask(0x6000, u64::from(s12))
        .line(format_args!("{} = Flooding Scope: {scope} (0x{s12:x})", bits(0x6000)));
    let name = v3_type_name(fc);
    let shown = if name == "Unknown" { format!("Unknown ({fc})") } else { format!("{name} ({fc})") };
    w.out
        .at(d + 1)
        .field("ospf.v3.lsa.fc", Ftype::Uint16, fc)
        .bytes(w.base + at, 2)
        .mask(0x1fff, u64::from(fc))
        .line(format_args!("{} = Function Code: {shown}", bits(0x1fff)));
    Ok(())
}

/// The LS age and DoNotAge bit.
fn age(w: &mut Walk<'_, '_>, d: usize, at: usize, dna_title: &str) -> Walked {
    let v = w.u16(at + at::AGE)?;
    let age = v & !DO_NOT_AGE;
    let bits = |m: u64| crate::sniff::tree::draw::masked_bits(u64::from(v), m, 16);
    w.out
        .at(d)
        .field("ospf.lsa.age", Ftype::Uint16, age)
        .bytes(w.base + at, 2)
        .mask(0x7fff, u64::from(age))
        .line(format_args!("{} = LS Age (seconds): {age}", bits(0x7fff)));
    let dna = v & DO_NOT_AGE != 0;
    if dna_title == "Do Not Age" {
        let word = if dna { "True" } else { "False" };
        w.out
            .at(d)
            .field("ospf.v3.lsa.do_not_age", Ftype::Boolean, u8::from(dna))
            .bytes(w.base + at, 2)
            .mask(0x8000, u64::from(dna))
            .line(format_args!("{} = {dna_title}: {word}", bits(0x8000)));
    } else {
        w.out
            .at(d)
            .field("ospf.lsa.donotage", Ftype::Uint16, u8::from(dna))
            .bytes(w.base + at, 2)
            .mask(0x8000, u64::from(dna))
            .line(format_args!("{} = {dna_title}: {}", bits(0x8000), u8::from(dna)));
    }
    Ok(())
}

/// Advertising Router, sequence number, checksum and length.
fn rest_of_header(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked {
    w.ipv4(d, "ospf.advrouter", "Advertising Router", at + at::ADV, "")?;
    w.hex(d, "ospf.lsa.seqnum", "Sequence Number", at + at::SEQ, 4)?;
    w.hex(d, "ospf.lsa.chksum", "Checksum", at + at::CHECKSUM, 2)?;
    w.dec(d, "ospf.lsa.length", "Length", at + at::LENGTH, 2)?;
    Ok(())
}

/// The router-LSA flags of OSPFv2 (RFC 2328 §A.4.2, RFC 7176 N, RFC 9513 H).
const ROUTER_FLAGS: &[Bit] = &[
    Bit { mask: 0x80, name: "ospf.v2.router.lsa.flags.h", title: "(H) flag", words: ("Yes", "No"), listed: true },
    Bit { mask: 0x10, name: "ospf.v2.router.lsa.flags.n", title: "(N) flag", words: ("Yes", "No"), listed: true },
    Bit {
        mask: 0x08,
        name: "ospf.v2.router.lsa.flags.w",
        title: "(W) Wild-card multicast receiver",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x04,
        name: "ospf.v2.router.lsa.flags.v",
        title: "(V) Virtual link endpoint",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x02,
        name: "ospf.v2.router.lsa.flags.e",
        title: "(E) AS boundary router",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.v2.router.lsa.flags.b",
        title: "(B) Area border router",
        words: ("Yes", "No"),
        listed: true,
    },
];

/// The router-LSA flags of OSPFv3 (RFC 5340 §A.4.3).
const V3_ROUTER_FLAGS: &[Bit] = &[
    Bit {
        mask: 0x08,
        name: "ospf.v3.router.lsa.flags.w",
        title: "(W) Wild-card multicast receiver",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x04,
        name: "ospf.v3.router.lsa.flags.v",
        title: "(V) Virtual link endpoint",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x02,
        name: "ospf.v3.router.lsa.flags.e",
        title: "(E) AS boundary router",
        words: ("Yes", "No"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.v3.router.lsa.flags.b",
        title: "(B) Area border router",
        words: ("Yes", "No"),
        listed: true,
    },
];

/// Short and long names of a router link type (RFC 2328 §A.4.2).
fn link_names(t: u8) -> (&'static str, &'static str, &'static str) {
    match t {
        1 => ("PTP", "Point-to-point connection to another router", "Neighboring router's Router ID"),
        2 => ("Transit", "Connection to a transit network", "IP address of Designated Router"),
        3 => ("Stub", "Connection to a stub network", "IP network/subnet number"),
        4 => ("Virtual", "Virtual link", "Neighboring router's Router ID"),
        _ => ("Unknown", "Unknown link type", "Unknown link ID"),
    }
}

/// A router-LSA body (RFC 2328 §A.4.2): flags, links and their metrics.
fn router(w: &mut Walk<'_, '_>, d: usize, at: usize, mt: bool) -> Walked<usize> {
    w.flags(d, "ospf.v2.router.lsa.flags", "Flags", at, 1, ROUTER_FLAGS)?;
    let n = w.dec(d, "ospf.lsa.number_of_links", "Number of Links", at + 2, 2)?;
    let mut p = at + 4;
    let kind = if mt { "MT-ID" } else { "TOS" };
    for _ in 0..n {
        let t = w.u8(p + 8)?;
        let metrics = usize::from(w.u8(p + 9)?);
        let (short, long, id_word) = link_names(t);
        let (id, data, metric) = (w.ip(p)?, w.ip(p + 4)?, w.u16(p + 10)?);
        let line =
            format!("Type: {short:<8} ID: {:<15} Data: {:<15} Metric: {metric}", id.to_string(), data.to_string());
        w.subtree(d, p, 12 + 4 * metrics, format_args!("{line}"))?;
        w.ipv4(d + 1, "ospf.lsa.router.linkid", "Link ID", p, &format!(" - {id_word}"))?;
        w.ipv4(d + 1, "ospf.lsa.router.linkdata", "Link Data", p + 4, "")?;
        w.item(
            d + 1,
            "ospf.lsa.router.linktype",
            Ftype::Uint8,
            (p + 8, 1),
            Value::Uint(u64::from(t)),
            format_args!("Link Type: {t} - {long}"),
        )?;
        w.item(
            d + 1,
            "ospf.lsa.router.nummetrics",
            Ftype::Uint8,
            (p + 9, 1),
            Value::Uint(metrics as u64),
            format_args!("Number of Metrics: {metrics} - {kind}"),
        )?;
        w.dec(d + 1, "ospf.lsa.router.metric0", "0 Metric", p + 10, 2)?;
        p += 12;
        for _ in 0..metrics {
            let (tos, m) = (w.u8(p)?, w.u16(p + 2)?);
            w.item(
                d + 1,
                "ospf.metric",
                Ftype::Uint32,
                (p, 4),
                Value::Uint(u64::from(m)),
                format_args!("{kind}: {tos}, Metric: {m}"),
            )?;
            p += 4;
        }
    }
    Ok(p)
}

/// A network-LSA body (RFC 2328 §A.4.3): the mask and the attached routers.
fn network(w: &mut Walk<'_, '_>, d: usize, at: usize, end: usize) -> Walked<usize> {
    w.ipv4(d, "ospf.lsa.network.netmask", "Netmask", at, "")?;
    let mut p = at + 4;
    while p < end {
        w.ipv4(d, "ospf.lsa.network.attchrtr", "Attached Router", p, "")?;
        p += 4;
    }
    Ok(p)
}

/// A summary-LSA body (RFC 2328 §A.4.4): the mask and TOS metrics.
fn summary(w: &mut Walk<'_, '_>, d: usize, at: usize, end: usize) -> Walked<usize> {
    w.ipv4(d, "ospf.lsa.asbr.netmask", "Netmask", at, "")?;
    let mut p = at + 4;
    while p < end {
        w.dec(d, "ospf.lsa.tos", "TOS", p, 1)?;
        w.dec(d, "ospf.metric", "Metric", p + 1, 3)?;
        p += 4;
    }
    Ok(p)
}

/// An AS-external or NSSA LSA body (RFC 2328 §A.4.5, RFC 3101 §2.2).
fn external(w: &mut Walk<'_, '_>, d: usize, at: usize, end: usize) -> Walked<usize> {
    w.ipv4(d, "ospf.lsa.asext.netmask", "Netmask", at, "")?;
    let mut p = at + 4;
    while p < end {
        let b = w.u8(p)?;
        let e = b & 0x80 != 0;
        let word = if e {
            "Type 2 (metric is larger than any other link state path)"
        } else {
            "Type 1 (metric is specified in the same units as interface cost)"
        };
        let bits = |m: u64| crate::sniff::tree::draw::masked_bits(u64::from(b), m, 8);
        w.out
            .at(d)
            .field("ospf.lsa.asext.type", Ftype::Boolean, u8::from(e))
            .bytes(w.base + p, 1)
            .mask(0x80, u64::from(e))
            .line(format_args!("{} = External Type: {word}", bits(0x80)));
        let tos = b & 0x7f;
        w.out
            .at(d)
            .field("ospf.lsa.tos", Ftype::Uint8, tos)
            .bytes(w.base + p, 1)
            .mask(0x7f, u64::from(tos))
            .line(format_args!("{} = TOS: {tos}", bits(0x7f)));
        w.dec(d, "ospf.metric", "Metric", p + 1, 3)?;
        w.ipv4(d, "ospf.lsa.asext.fwdaddr", "Forwarding Address", p + 4, "")?;
        w.dec(d, "ospf.lsa.asext.extrttag", "External Route Tag", p + 8, 4)?;
        p += 12;
    }
    Ok(p)
}

/// An OSPFv3 router-LSA body (RFC 5340 §A.4.3): flags, options and
/// interfaces, counted down in 16 bits as tshark does.
fn v3_router(w: &mut Walk<'_, '_>, d: usize, at: usize, rest: u16) -> Walked<usize> {
    w.flags(d, "ospf.v3.router.lsa.flags", "Flags", at, 1, V3_ROUTER_FLAGS)?;
    v3_options(w, d, at + 1)?;
    let (mut p, mut left) = (at + 4, rest.wrapping_sub(4));
    if left > 0 {
        w.subtree(d, p, usize::from(left), format_args!("Router Interfaces"))?;
    }
    let mut n = 0;
    while left > 0 {
        let t = w.u8(p)?;
        n += 1;
        w.subtree(d + 1, p, 16, format_args!("Entry #{n}"))?;
        let long = match t {
            1 => "Point-to-point connection to another router",
            2 => "Connection to a transit network",
            3 => "Connection to a stub network",
            4 => "Virtual link",
            _ => "Unknown",
        };
        let e = d + 2;
        w.item(
            e,
            "ospf.v3.lsa.type",
            Ftype::Uint8,
            (p, 1),
            Value::Uint(u64::from(t)),
            format_args!("Type: {long} ({t})"),
        )?;
        reserved(w, e, p + 1, 1)?;
        w.dec(e, "ospf.metric", "Metric", p + 2, 2)?;
        w.dec(e, "ospf.v3.lsa.interface_id", "Interface ID", p + 4, 4)?;
        w.dec(e, "ospf.v3.lsa.neighbor_interface_id", "Neighbor Interface ID", p + 8, 4)?;
        w.ipv4(e, "ospf.v3.lsa.neighbor_router_id", "Neighbor Router ID", p + 12, "")?;
        p += 16;
        left = left.wrapping_sub(16);
    }
    Ok(p)
}
