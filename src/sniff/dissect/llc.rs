//! The IEEE 802.2 LLC header that starts the payload of an IEEE 802.3 frame (an
//! Ethernet frame whose type field is a length): the destination and source
//! service access points (SAPs) and the control field. A protocol claimed by
//! its SAP ([`super::dissector::Claim::LlcSap`]) gets the payload from the LLC
//! header on and shows this header as tshark's `llc` block before its own.

use crate::proto::bytes::be16;
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// An LLC header with an unnumbered (U) control field: DSAP, SSAP, control.
pub const U_HEADER_LEN: usize = 3;
/// The SAP of SNAP, and the SNAP header after the LLC header: an OUI and a
/// protocol ID (IEEE 802 §10.3).
pub const SNAP_SAP: u8 = 0xaa;
const SNAP_LEN: usize = 5;
/// Cisco's OUI, whose protocol IDs tshark names `llc.cisco_pid`.
const OUI_CISCO: u32 = 0x00000c;
/// The control field's frame-type bits; `11` is an unnumbered frame.
const FTYPE_MASK: u8 = 0x03;
const FTYPE_U: u8 = 0x03;
/// The modifier bits of an unnumbered frame's command (0 = UI, unnumbered information).
const U_MODIFIER_MASK: u8 = 0xec;
/// The SAP bits of a DSAP or SSAP, and its low bit (I/G in the DSAP, C/R in the SSAP).
const SAP_MASK: u8 = 0xfe;
const LOW_BIT: u8 = 0x01;

/// Wireshark's name of a SAP (IEEE 802 numbers).
fn sap_name(sap: u8) -> &'static str {
    match sap & SAP_MASK {
        0x00 => "NULL LSAP",
        0x06 => "TCP/IP",
        0x42 => "Spanning Tree BPDU",
        0xaa => "SNAP",
        0xe0 => "NetWare",
        0xf0 => "NetBIOS",
        0xfe => "ISO Network Layer",
        _ => "Unknown",
    }
}

/// The length of the header at the start of `pdu` (with its SNAP header when
/// both SAPs are SNAP's) when it is an unnumbered frame (the kind STP and SNAP
/// use), `None` otherwise or when cut short.
pub fn u_header_len(pdu: &[u8]) -> Option<usize> {
    let control = *pdu.get(U_HEADER_LEN - 1)?;
    if control & FTYPE_MASK != FTYPE_U {
        return None;
    }
    match snap(pdu) {
        Some(_) => Some(U_HEADER_LEN + SNAP_LEN),
        None if pdu[0] == SNAP_SAP && pdu[1] == SNAP_SAP => None,
        None => Some(U_HEADER_LEN),
    }
}

/// The OUI and protocol ID of a SNAP header after an unnumbered LLC header.
pub fn snap(pdu: &[u8]) -> Option<(u32, u16)> {
    let h = pdu.get(..U_HEADER_LEN + SNAP_LEN)?;
    if h[0] != SNAP_SAP || h[1] != SNAP_SAP || h[2] & FTYPE_MASK != FTYPE_U {
        return None;
    }
    let oui = u32::from(h[3]) << 16 | u32::from(h[4]) << 8 | u32::from(h[5]);
    Some((oui, be16(h, 6)))
}

/// The `llc` block of an unnumbered frame's header at `o` (`pdu` starts with it);
/// false when the header is cut short or not an unnumbered frame.
pub fn tree(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let Some(len) = u_header_len(pdu) else { return false };
    let (dsap, ssap, control) = (pdu[0], pdu[1], pdu[2]);
    out.at(0).proto("llc").bytes(o, len).line(format_args!("Logical-Link Control"));
    sap(out, "llc.dsap", "DSAP", dsap, o, ("llc.dsap.ig", "IG Bit", ["Individual", "Group"]));
    sap(out, "llc.ssap", "SSAP", ssap, o + 1, ("llc.ssap.cr", "CR Bit", ["Command", "Response"]));
    out.at(1)
        .field("llc.control", Ftype::Uint16, Value::Hex { value: u64::from(control), digits: 4 })
        .bytes(o + 2, 1)
        .line(format_args!("Control field: U, func=UI (0x{control:02X})"));
    let modifier = control & U_MODIFIER_MASK;
    out.at(2)
        .field("llc.control.u_modifier_cmd", Ftype::Uint8, Value::Hex { value: u64::from(modifier), digits: 2 })
        .bytes(o + 2, 1)
        .mask(u64::from(U_MODIFIER_MASK), u64::from(modifier))
        .line(format_args!(
            "{} = Command: Unnumbered Information (0x{modifier:02x})",
            masked_bits(u64::from(control), u64::from(U_MODIFIER_MASK), 8)
        ));
    out.at(2)
        .field("llc.control.ftype", Ftype::Uint8, Value::Hex { value: u64::from(FTYPE_U), digits: 2 })
        .bytes(o + 2, 1)
        .mask(u64::from(FTYPE_MASK), u64::from(FTYPE_U))
        .line(format_args!(
            "{} = Frame type: Unnumbered frame (0x{FTYPE_U:x})",
            masked_bits(u64::from(control), u64::from(FTYPE_MASK), 8)
        ));
    if let Some((oui, pid)) = snap(pdu) {
        snap_items(out, &pdu[U_HEADER_LEN..U_HEADER_LEN + 3], oui, pid, o + U_HEADER_LEN);
    }
    true
}

/// The SNAP header's items: the organization code and its protocol ID.
fn snap_items(out: &mut Tree, oui_bytes: &[u8], oui: u32, pid: u16, o: usize) {
    let org = if oui == OUI_CISCO { " (Cisco Systems, Inc)" } else { "" };
    out.at(1)
        .field("llc.oui", Ftype::Uint24, oui)
        .bytes(o, 3)
        .line(format_args!("Organization Code: {}{org}", Mac(oui_bytes)));
    let pid_value = Value::Hex { value: u64::from(pid), digits: 4 };
    if oui == OUI_CISCO {
        let name = match pid {
            0x2000 => "CDP",
            0x2004 => "DTP",
            0x010b => "PVSTP+",
            _ => "Unknown",
        };
        out.at(1)
            .field("llc.cisco_pid", Ftype::Uint16, pid_value)
            .bytes(o + 3, 2)
            .line(format_args!("PID: {name} (0x{pid:04x})"));
    } else {
        out.at(1)
            .field("llc.pid", Ftype::Uint16, pid_value)
            .bytes(o + 3, 2)
            .line(format_args!("Protocol ID: 0x{pid:04x}"));
    }
}

/// A DSAP or SSAP item with its SAP bits and its low bit.
fn sap(out: &mut Tree, field: &'static str, title: &str, b: u8, at: usize, low: (&'static str, &str, [&str; 2])) {
    let name = sap_name(b);
    out.at(1)
        .field(field, Ftype::Uint8, Value::Hex { value: u64::from(b), digits: 2 })
        .bytes(at, 1)
        .line(format_args!("{title}: {name} (0x{b:02x})"));
    let sap_field = if field == "llc.dsap" { "llc.dsap.sap" } else { "llc.ssap.sap" };
    out.at(2)
        .field(sap_field, Ftype::Uint8, b >> 1)
        .bytes(at, 1)
        .mask(u64::from(SAP_MASK), u64::from(b >> 1))
        .line(format_args!("{} = SAP: {name}", masked_bits(u64::from(b), u64::from(SAP_MASK), 8)));
    let (low_field, low_title, words) = low;
    let bit = b & LOW_BIT;
    out.at(2).field(low_field, Ftype::Boolean, bit).bytes(at, 1).mask(u64::from(LOW_BIT), u64::from(bit)).line(
        format_args!("{} = {low_title}: {}", masked_bits(u64::from(b), u64::from(LOW_BIT), 8), words[usize::from(bit)]),
    );
}
