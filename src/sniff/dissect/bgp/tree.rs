//! BGP's part of the details tree: one block per message, every field with its
//! bytes. The same walk tells whether a message is cut short inside the length
//! it declares ([`fits`]), which tshark shows as `[Malformed Packet]`.

use super::mp::{self, Which};
use super::{kind, names, walk, Msg, LENGTH_AT, MARKER_LEN, TYPE_AT};
use crate::proto::bytes::{be16, be32};
use crate::sniff::dissect::frame::malformed;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// A message ends before a field it declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Offset in the message of the field that does not fit.
    pub at: usize,
}

/// Offsets in an OPEN message (RFC 4271 §4.2).
mod open {
    pub const VERSION: usize = 19;
    pub const MY_AS: usize = 20;
    pub const HOLD_TIME: usize = 22;
    pub const IDENTIFIER: usize = 24;
    pub const OPT_LEN: usize = 28;
    pub const OPT: usize = 29;
}

/// Offsets in a NOTIFICATION message (RFC 4271 §4.5).
mod notification {
    pub const MAJOR: usize = 19;
    pub const MINOR: usize = 20;
    pub const DATA: usize = 21;
}

/// Offsets in a ROUTE-REFRESH message (RFC 2918 §3, RFC 7313 §3.2).
mod refresh {
    pub const AFI: usize = 19;
    pub const SUBTYPE: usize = 21;
    pub const SAFI: usize = 22;
}

/// Offset of the Withdrawn Routes Length in an UPDATE message (RFC 4271 §4.3).
const WITHDRAWN_LEN_AT: usize = 19;

/// MP_REACH_NLRI's type code (RFC 4760 §3).
const MP_REACH: u8 = 14;
/// MP_UNREACH_NLRI's type code (RFC 4760 §4).
const MP_UNREACH: u8 = 15;

/// Path attribute flags (RFC 4271 §4.3).
mod flag {
    pub const OPTIONAL: u8 = 0x80;
    pub const TRANSITIVE: u8 = 0x40;
    pub const PARTIAL: u8 = 0x20;
    pub const EXTENDED_LENGTH: u8 = 0x10;
}

/// The bytes `at..at + n` of a message, or where it is cut.
pub(super) fn need(b: &[u8], at: usize, n: usize) -> Result<&[u8], Cut> {
    b.get(at..at.saturating_add(n)).ok_or(Cut { at })
}

/// Whether every field of the message lies within its bytes.
pub fn fits(m: &Msg<'_>) -> bool {
    message(&mut Tree::new(), m, 0).is_ok()
}

/// The details of a PDU: a continuation block for bytes before the first
/// marker, then one block per message; a message cut short ends with
/// `[Malformed Packet: BGP]`.
pub fn write(pdu: &[u8], o: usize, t: &mut Tree) {
    let w = walk(pdu);
    if w.skipped > 0 {
        t.at(0).proto("bgp").bytes(o, w.skipped).line(format_args!("Border Gateway Protocol - Continuation"));
        t.at(1).field("bgp.continuation", Ftype::None, "").bytes(o, w.skipped).line(format_args!("Continuation"));
    }
    for m in &w.msgs {
        if message(t, m, o + m.at).is_err() {
            malformed(t, "BGP");
        }
    }
    if w.bad_length {
        malformed(t, "BGP");
    }
}

/// One message's block, `o` the frame offset of its first byte.
fn message(t: &mut Tree, m: &Msg<'_>, o: usize) -> Result<(), Cut> {
    let b = m.bytes;
    let mut title = String::new();
    names::push_kind(&mut title, m.kind);
    t.at(0).proto("bgp").bytes(o, b.len()).line(format_args!("Border Gateway Protocol - {title}"));
    let marker: String = b[..MARKER_LEN].iter().map(|x| format!("{x:02x}")).collect();
    t.at(1).field("bgp.marker", Ftype::Bytes, &marker).bytes(o, MARKER_LEN).line(format_args!("Marker: {marker}"));
    let len = be16(b, LENGTH_AT);
    t.at(1).field("bgp.length", Ftype::Uint16, len).bytes(o + LENGTH_AT, 2).line(format_args!("Length: {len}"));
    t.at(1)
        .field("bgp.type", Ftype::Uint8, m.kind)
        .bytes(o + TYPE_AT, 1)
        .line(format_args!("Type: {title} ({})", m.kind));
    match m.kind {
        kind::OPEN => open(t, b, o),
        kind::UPDATE => update(t, b, o),
        kind::NOTIFICATION => notification(t, b, o),
        kind::ROUTE_REFRESH | kind::ROUTE_REFRESH_CISCO => route_refresh(t, b, o),
        _ => Ok(()),
    }
}

/// A one-byte field at depth `d`.
fn u8_item(t: &mut Tree, d: usize, name: &'static str, title: &str, b: &[u8], at: usize, o: usize) -> Result<u8, Cut> {
    let v = need(b, at, 1)?[0];
    t.at(d).field(name, Ftype::Uint8, v).bytes(o + at, 1).line(format_args!("{title}: {v}"));
    Ok(v)
}

/// A two-byte field at depth `d`.
fn u16_item(
    t: &mut Tree,
    d: usize,
    name: &'static str,
    title: &str,
    b: &[u8],
    at: usize,
    o: usize,
) -> Result<u16, Cut> {
    need(b, at, 2)?;
    let v = be16(b, at);
    t.at(d).field(name, Ftype::Uint16, v).bytes(o + at, 2).line(format_args!("{title}: {v}"));
    Ok(v)
}

/// An IPv4 address at `at`.
fn ipv4(b: &[u8], at: usize) -> Result<Ipv4Addr, Cut> {
    let a = need(b, at, 4)?;
    Ok(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
}

/// OPEN (RFC 4271 §4.2): version, AS, hold time, identifier and the optional
/// parameters (RFC 5492 capabilities).
fn open(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    u8_item(t, 1, "bgp.open.version", "Version", b, open::VERSION, o)?;
    need(b, open::MY_AS, 2)?;
    let myas = be16(b, open::MY_AS);
    let trans = if myas == 23456 { " (AS_TRANS)" } else { "" };
    t.at(1)
        .field("bgp.open.myas", Ftype::Uint16, myas)
        .bytes(o + open::MY_AS, 2)
        .line(format_args!("My AS: {myas}{trans}"));
    u16_item(t, 1, "bgp.open.holdtime", "Hold Time", b, open::HOLD_TIME, o)?;
    let id = ipv4(b, open::IDENTIFIER)?;
    t.at(1)
        .field("bgp.open.identifier", Ftype::Ipv4, id)
        .bytes(o + open::IDENTIFIER, 4)
        .line(format_args!("BGP Identifier: {id}"));
    let opt_len = usize::from(u8_item(t, 1, "bgp.open.opt.len", "Optional Parameters Length", b, open::OPT_LEN, o)?);
    if opt_len == 0 {
        return Ok(());
    }
    // tshark 4.0 reads one-byte parameter lengths only (RFC 9072's extended
    // form, announced by a length of 255, is read the same way).
    let (start, total) = (open::OPT, opt_len);
    t.at(1)
        .field("bgp.open.opt", Ftype::None, "")
        .bytes(o + start, total.min(b.len().saturating_sub(start)))
        .line(format_args!("Optional Parameters"));
    let end = start + total;
    let mut at = start;
    while at < end {
        let ptype = need(b, at, 1)?[0];
        let (plen, head) = (usize::from(need(b, at + 1, 1)?[0]), 2);
        let name = if ptype == 2 {
            "Capability"
        } else if ptype == 1 {
            "Authentication"
        } else {
            "Unknown"
        };
        t.at(2)
            .field("bgp.open.opt.param", Ftype::None, "")
            .bytes(o + at, head + plen)
            .line(format_args!("Optional Parameter: {name}"));
        t.at(3)
            .field("bgp.open.opt.param.type", Ftype::Uint8, ptype)
            .bytes(o + at, 1)
            .line(format_args!("Parameter Type: {name} ({ptype})"));
        t.at(3)
            .field("bgp.open.opt.param.len", Ftype::Uint8, plen)
            .bytes(o + at + 1, head - 1)
            .line(format_args!("Parameter Length: {plen}"));
        let value = at + head;
        need(b, value, plen)?;
        if ptype == 2 {
            capabilities(t, b, value, value + plen, o)?;
        }
        at = value + plen;
    }
    Ok(())
}

/// The capabilities of one optional parameter (RFC 5492 §4): code, length, value.
fn capabilities(t: &mut Tree, b: &[u8], mut at: usize, end: usize, o: usize) -> Result<(), Cut> {
    while at < end {
        let code = need(b, at, 1)?[0];
        let len = usize::from(need(b, at + 1, 1)?[0]);
        let name = names::capability_name(code);
        t.at(3).field("bgp.cap", Ftype::None, "").bytes(o + at, 2 + len).line(format_args!("Capability: {name}"));
        t.at(4).field("bgp.cap.type", Ftype::Uint8, code).bytes(o + at, 1).line(format_args!("Type: {name} ({code})"));
        t.at(4).field("bgp.cap.length", Ftype::Uint8, len).bytes(o + at + 1, 1).line(format_args!("Length: {len}"));
        let value = need(b, at + 2, len)?;
        if code == 65 && len == 4 {
            let asn = be32(value, 0);
            t.at(4)
                .field("bgp.cap.4as", Ftype::Uint32, asn)
                .bytes(o + at + 2, 4)
                .line(format_args!("AS Number: {asn}"));
        } else if len > 0 && code != 1 && code != 64 && code != 69 {
            let hex: String = value.iter().map(|x| format!("{x:02x}")).collect();
            t.at(4)
                .field("bgp.cap.unknown", Ftype::Bytes, &hex)
                .bytes(o + at + 2, len)
                .line(format_args!("Unknown: {hex}"));
        }
        at += 2 + len;
    }
    Ok(())
}

/// UPDATE (RFC 4271 §4.3): withdrawn routes, path attributes, NLRI.
fn update(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    let wlen = usize::from(u16_item(
        t,
        1,
        "bgp.update.withdrawn_routes.length",
        "Withdrawn Routes Length",
        b,
        WITHDRAWN_LEN_AT,
        o,
    )?);
    let mut at = WITHDRAWN_LEN_AT + 2;
    if wlen > 0 {
        let shown = wlen.min(b.len().saturating_sub(at));
        t.at(1)
            .field("bgp.update.withdrawn_routes", Ftype::None, "")
            .bytes(o + at, shown)
            .line(format_args!("Withdrawn Routes"));
        if !prefixes(t, b, at, at + wlen, o, Prefixes::Withdrawn)? {
            return Ok(());
        }
        at += wlen;
    }
    let alen =
        usize::from(u16_item(t, 1, "bgp.update.path_attributes.length", "Total Path Attribute Length", b, at, o)?);
    at += 2;
    if alen > 0 {
        let shown = alen.min(b.len().saturating_sub(at));
        t.at(1)
            .field("bgp.update.path_attributes", Ftype::None, "")
            .bytes(o + at, shown)
            .line(format_args!("Path attributes"));
        attributes(t, b, at, at + alen, o)?;
        at += alen;
    }
    if at < b.len() {
        t.at(1)
            .field("bgp.update.nlri", Ftype::None, "")
            .bytes(o + at, b.len() - at)
            .line(format_args!("Network Layer Reachability Information (NLRI)"));
        prefixes(t, b, at, b.len(), o, Prefixes::Nlri)?;
    }
    Ok(())
}

/// Which list of IPv4 prefixes.
#[derive(Clone, Copy)]
enum Prefixes {
    Withdrawn,
    Nlri,
}

/// IPv4 prefixes from `at` to `end` (RFC 4271 §4.3: a length in bits, then as
/// few bytes as hold it). Returns `false` at a length over 32, where tshark
/// stops reading the message.
fn prefixes(t: &mut Tree, b: &[u8], mut at: usize, end: usize, o: usize, which: Prefixes) -> Result<bool, Cut> {
    let (tag, field) = match which {
        Prefixes::Withdrawn => ("Withdrawn route", "bgp.withdrawn_prefix"),
        Prefixes::Nlri => ("NLRI", "bgp.nlri_prefix"),
    };
    while at < end {
        let bits = need(b, at, 1)?[0];
        if bits > 32 {
            t.at(2)
                .field("bgp.prefix_length", Ftype::Uint8, bits)
                .bytes(o + at, 1)
                .line(format_args!("{tag} prefix length: {bits} invalid"));
            return Ok(false);
        }
        let n = usize::from(bits).div_ceil(8);
        let raw = need(b, at + 1, n)?;
        let mut a = [0u8; 4];
        a[..n].copy_from_slice(raw);
        let ip = Ipv4Addr::from(a);
        t.at(2).bytes(o + at, 1 + n).line(format_args!("{ip}/{bits}"));
        t.at(3)
            .field("bgp.prefix_length", Ftype::Uint8, bits)
            .bytes(o + at, 1)
            .line(format_args!("{tag} prefix length: {bits}"));
        t.at(3).field(field, Ftype::Ipv4, ip).bytes(o + at + 1, n).line(format_args!("{tag} prefix: {ip}"));
        at += 1 + n;
    }
    Ok(true)
}

/// The path attributes from `at` to `end` (RFC 4271 §4.3): flags, type code,
/// a length of one byte (two with the Extended Length flag), the value.
fn attributes(t: &mut Tree, b: &[u8], mut at: usize, end: usize, o: usize) -> Result<(), Cut> {
    while at < end {
        let flags = need(b, at, 1)?[0];
        let code = need(b, at + 1, 1)?[0];
        let ext = flags & flag::EXTENDED_LENGTH != 0;
        let (len, head) = if ext {
            need(b, at + 2, 2)?;
            (usize::from(be16(b, at + 2)), 4)
        } else {
            (usize::from(need(b, at + 2, 1)?[0]), 3)
        };
        let value = need(b, at + head, len)?;
        let name = names::attr_name(code).map_or_else(|| format!("Unknown ({code})"), str::to_string);
        let summary = attr_summary(code, value);
        t.at(2).bytes(o + at, head + len).line(format_args!("Path Attribute - {name}{summary}"));
        attr_flags(t, flags, o + at);
        let code_name = names::attr_name(code).unwrap_or("Unknown");
        t.at(3)
            .field("bgp.update.path_attribute.type_code", Ftype::Uint8, code)
            .bytes(o + at + 1, 1)
            .line(format_args!("Type Code: {code_name} ({code})"));
        t.at(3)
            .field("bgp.update.path_attribute.length", Ftype::Uint16, len)
            .bytes(o + at + 2, head - 2)
            .line(format_args!("Length: {len}"));
        match code {
            MP_REACH => mp::attribute(t, b, at + head, at + head + len, o, Which::Reach)?,
            MP_UNREACH => mp::attribute(t, b, at + head, at + head + len, o, Which::Unreach)?,
            _ => attr_value(t, code, value, o + at + head),
        }
        at += head + len;
    }
    Ok(())
}

/// What tshark writes after an attribute's name in its title.
fn attr_summary(code: u8, v: &[u8]) -> String {
    match (code, v.len()) {
        (1, 1) => format!(": {}", names::origin_name(v[0])),
        (3, 4) => format!(": {} ", Ipv4Addr::new(v[0], v[1], v[2], v[3])),
        (4, 4) | (5, 4) => format!(": {}", be32(v, 0)),
        _ => String::new(),
    }
}

/// The flags byte, named as tshark names it: the flags set (optional,
/// transitive, partial, extended length), then the meaning of those clear.
fn attr_flags(t: &mut Tree, f: u8, at: usize) {
    let mut words = Vec::new();
    for (bit, set) in [
        (flag::OPTIONAL, "Optional"),
        (flag::TRANSITIVE, "Transitive"),
        (flag::PARTIAL, "Partial"),
        (flag::EXTENDED_LENGTH, "Extended-Length"),
    ] {
        if f & bit != 0 {
            words.push(set);
        }
    }
    for (bit, clear) in
        [(flag::OPTIONAL, "Well-known"), (flag::TRANSITIVE, "Non-transitive"), (flag::PARTIAL, "Complete")]
    {
        if f & bit == 0 {
            words.push(clear);
        }
    }
    t.at(3)
        .field("bgp.update.path_attribute.flags", Ftype::Uint8, Value::hex(u64::from(f), 2))
        .bytes(at, 1)
        .line(format_args!("Flags: 0x{f:02x}, {}", words.join(", ")));
}

/// The value of the attributes whose fields socklab names.
fn attr_value(t: &mut Tree, code: u8, v: &[u8], at: usize) {
    match (code, v.len()) {
        (1, 1) => {
            let name = names::origin_name(v[0]);
            t.at(3)
                .field("bgp.update.path_attribute.origin", Ftype::Uint8, v[0])
                .bytes(at, 1)
                .line(format_args!("Origin: {name} ({})", v[0]));
        }
        (3, 4) => {
            let ip = Ipv4Addr::new(v[0], v[1], v[2], v[3]);
            t.at(3)
                .field("bgp.update.path_attribute.next_hop", Ftype::Ipv4, ip)
                .bytes(at, 4)
                .line(format_args!("Next hop: {ip}"));
        }
        (4, 4) => {
            let m = be32(v, 0);
            t.at(3)
                .field("bgp.update.path_attribute.multi_exit_disc", Ftype::Uint32, m)
                .bytes(at, 4)
                .line(format_args!("Multiple exit discriminator: {m}"));
        }
        (5, 4) => {
            let p = be32(v, 0);
            t.at(3)
                .field("bgp.update.path_attribute.local_pref", Ftype::Uint32, p)
                .bytes(at, 4)
                .line(format_args!("Local preference: {p}"));
        }
        _ => {}
    }
}

/// NOTIFICATION (RFC 4271 §4.5): error code, subcode, data.
fn notification(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    let major = need(b, notification::MAJOR, 1)?[0];
    let name = names::major_name(major);
    t.at(1)
        .field("bgp.notify.major_error", Ftype::Uint8, major)
        .bytes(o + notification::MAJOR, 1)
        .line(format_args!("Major error Code: {name} ({major})"));
    let minor = need(b, notification::MINOR, 1)?[0];
    t.at(1)
        .field("bgp.notify.minor_error", Ftype::Uint8, minor)
        .bytes(o + notification::MINOR, 1)
        .line(format_args!("Minor error Code: {minor}"));
    if let Some(data) = b.get(notification::DATA..).filter(|d| !d.is_empty()) {
        let hex: String = data.iter().map(|x| format!("{x:02x}")).collect();
        t.at(1)
            .field("bgp.notify.minor_data", Ftype::Bytes, &hex)
            .bytes(o + notification::DATA, data.len())
            .line(format_args!("Data: {hex}"));
    }
    Ok(())
}

/// ROUTE-REFRESH (RFC 2918 §3, RFC 7313 §3.2): AFI, subtype, SAFI.
fn route_refresh(t: &mut Tree, b: &[u8], o: usize) -> Result<(), Cut> {
    need(b, refresh::AFI, 2)?;
    let afi = be16(b, refresh::AFI);
    let name = names::afi_name(afi);
    t.at(1)
        .field("bgp.route_refresh.afi", Ftype::Uint16, afi)
        .bytes(o + refresh::AFI, 2)
        .line(format_args!("Address family identifier (AFI): {name} ({afi})"));
    let sub = need(b, refresh::SUBTYPE, 1)?[0];
    let text =
        names::refresh_subtype_name(sub).map_or_else(|| format!("Unknown (0x{sub:02x})"), |n| format!("{n} ({sub})"));
    t.at(1)
        .field("bgp.route_refresh.subtype", Ftype::Uint8, sub)
        .bytes(o + refresh::SUBTYPE, 1)
        .line(format_args!("Subtype: {text}"));
    let safi = need(b, refresh::SAFI, 1)?[0];
    let name = names::safi_name(safi);
    t.at(1)
        .field("bgp.route_refresh.safi", Ftype::Uint8, safi)
        .bytes(o + refresh::SAFI, 1)
        .line(format_args!("Subsequent address family identifier (SAFI): {name} ({safi})"));
    Ok(())
}
