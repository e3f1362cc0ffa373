//! LLDP, how a device tells its neighbours on a link who it is (IEEE 802.1AB):
//! a list of type-length-value items, each with a 7-bit type and a 9-bit length,
//! ending with an End of LLDPDU item. The first three say which chassis and
//! port sent it and for how long the information holds; the optional ones name
//! the system, describe the port, list capabilities and management addresses.
//! Organization specific items (type 127) are shown with their OUI and subtype,
//! their content as bytes.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::dns_view::fields::bit_pattern;
use crate::proto::bytes::{be16, be32};
use crate::proto::dns::write_tshark_text;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The LLDP dissector.
pub struct Lldp;

/// LLDP's EtherType (IEEE 802.1AB §7.2).
const ETHERTYPE: u16 = 0x88cc;

/// A TLV header: 7 bits of type, 9 bits of length.
const HEADER_LEN: usize = 2;
const TYPE_MASK: u16 = 0xfe00;
const LEN_MASK: u16 = 0x01ff;

/// TLV types (IEEE 802.1AB §8.4).
mod ty {
    pub const END: u8 = 0;
    pub const CHASSIS: u8 = 1;
    pub const PORT: u8 = 2;
    pub const TTL: u8 = 3;
    pub const PORT_DESC: u8 = 4;
    pub const SYSTEM_NAME: u8 = 5;
    pub const SYSTEM_DESC: u8 = 6;
    pub const CAPABILITIES: u8 = 7;
    pub const MGMT_ADDR: u8 = 8;
    pub const ORG: u8 = 127;
}

/// The chassis subtype of a MAC address and of a network address; the port
/// subtypes of the same (IEEE 802.1AB §8.5.2.2 and §8.5.3.2).
const CHASSIS_MAC: u8 = 4;
const CHASSIS_NET: u8 = 5;
const PORT_MAC: u8 = 3;
const PORT_NET: u8 = 4;
/// Address families (IANA) of network and management addresses.
const FAMILY_IPV4: u8 = 1;
const FAMILY_IPV6: u8 = 2;
/// The length of an OUI and its subtype at the start of an organization specific TLV.
const ORG_HEAD_LEN: usize = 4;
/// The bytes of a management address TLV between the address and the OID:
/// interface subtype, interface number, OID length.
const MGMT_IFACE_LEN: usize = 6;

/// The capability bits, as tshark 4.0 names them (IEEE 802.1AB §8.5.8.1): the
/// field of the system's bit, of the enabled bit, and the title.
const CAPABILITIES: [(&str, &str, &str); 8] = [
    ("lldp.tlv.system_cap.other", "lldp.tlv.enable_system_cap.other", "Other"),
    ("lldp.tlv.system_cap.repeater", "lldp.tlv.enable_system_cap.repeater", "Repeater"),
    ("lldp.tlv.system_cap.bridge", "lldp.tlv.enable_system_cap.bridge", "Bridge"),
    ("lldp.tlv.system_cap.wlan_access_pt", "lldp.tlv.enable_system_cap.wlan_access_pt", "WLAN access point"),
    ("lldp.tlv.system_cap.router", "lldp.tlv.enable_system_cap.router", "Router"),
    ("lldp.tlv.system_cap.telephone", "lldp.tlv.enable_system_cap.telephone", "Telephone"),
    (
        "lldp.tlv.system_cap.docsis_cable_device",
        "lldp.tlv.enable_system_cap.docsis_cable_device",
        "DOCSIS cable device",
    ),
    ("lldp.tlv.system_cap.station_only", "lldp.tlv.enable_system_cap.station_only", "Station only"),
];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "lldp", ftype: Ftype::Protocol, title: "Link Layer Discovery Protocol", base: "" },
    FieldDecl { name: "lldp.tlv.type", ftype: Ftype::Uint16, title: "TLV Type", base: "BASE_DEC" },
    FieldDecl { name: "lldp.tlv.len", ftype: Ftype::Uint16, title: "TLV Length", base: "BASE_DEC" },
    FieldDecl { name: "lldp.chassis.subtype", ftype: Ftype::Uint8, title: "Chassis Id Subtype", base: "BASE_DEC" },
    FieldDecl { name: "lldp.chassis.id", ftype: Ftype::Bytes, title: "Chassis Id", base: "" },
    FieldDecl { name: "lldp.chassis.id.mac", ftype: Ftype::Ether, title: "Chassis Id", base: "" },
    FieldDecl { name: "lldp.port.subtype", ftype: Ftype::Uint8, title: "Port Id Subtype", base: "BASE_DEC" },
    FieldDecl { name: "lldp.port.id", ftype: Ftype::String, title: "Port Id", base: "" },
    FieldDecl { name: "lldp.port.id.mac", ftype: Ftype::Ether, title: "Port Id", base: "" },
    FieldDecl { name: "lldp.time_to_live", ftype: Ftype::Uint16, title: "Seconds", base: "BASE_DEC" },
    FieldDecl { name: "lldp.port.desc", ftype: Ftype::String, title: "Port Description", base: "" },
    FieldDecl { name: "lldp.tlv.system.name", ftype: Ftype::String, title: "System Name", base: "" },
    FieldDecl { name: "lldp.tlv.system.desc", ftype: Ftype::String, title: "System Description", base: "" },
    FieldDecl { name: "lldp.tlv.system_cap", ftype: Ftype::Uint16, title: "Capabilities", base: "BASE_HEX" },
    FieldDecl {
        name: "lldp.tlv.enable_system_cap",
        ftype: Ftype::Uint16,
        title: "Enabled Capabilities",
        base: "BASE_HEX",
    },
    FieldDecl { name: "lldp.mgn.addr.ip4", ftype: Ftype::Ipv4, title: "Management Address", base: "" },
    FieldDecl { name: "lldp.mgn.addr.ip6", ftype: Ftype::Ipv6, title: "Management Address", base: "" },
    FieldDecl { name: "lldp.orgtlv.oui", ftype: Ftype::Uint24, title: "Organization Unique Code", base: "BASE_OUI" },
];

/// Indexes into [`FIELDS`].
mod f {
    pub const TYPE: usize = 1;
    pub const LEN: usize = 2;
    pub const CHASSIS_SUBTYPE: usize = 3;
    pub const CHASSIS_ID: usize = 4;
    pub const CHASSIS_MAC: usize = 5;
    pub const PORT_SUBTYPE: usize = 6;
    pub const PORT_ID: usize = 7;
    pub const PORT_MAC: usize = 8;
    pub const TTL: usize = 9;
    pub const PORT_DESC: usize = 10;
    pub const SYSTEM_NAME: usize = 11;
    pub const SYSTEM_DESC: usize = 12;
    pub const SYSTEM_CAP: usize = 13;
    pub const ENABLED_CAP: usize = 14;
    pub const MGMT_IP4: usize = 15;
    pub const MGMT_IP6: usize = 16;
    pub const OUI: usize = 17;
}

/// One TLV: where it starts, its header word, type and value.
struct Tlv<'a> {
    at: usize,
    word: u16,
    kind: u8,
    value: &'a [u8],
}

impl Tlv<'_> {
    /// Its length in the PDU.
    fn len(&self) -> usize {
        HEADER_LEN + self.value.len()
    }
}

/// The TLVs the PDU holds whole, up to and with End of LLDPDU, and whether the
/// PDU holds every TLV it starts.
fn tlvs(pdu: &[u8]) -> (Vec<Tlv<'_>>, bool) {
    let mut out = Vec::new();
    let mut at = 0;
    while at < pdu.len() {
        let Some(head) = pdu.get(at..at + HEADER_LEN) else { return (out, false) };
        let word = be16(head, 0);
        let len = usize::from(word & LEN_MASK);
        let Some(value) = pdu.get(at + HEADER_LEN..at + HEADER_LEN + len) else { return (out, false) };
        let kind = (word >> 9) as u8;
        out.push(Tlv { at, word, kind, value });
        if kind == ty::END {
            break;
        }
        at += HEADER_LEN + len;
    }
    (out, true)
}

/// The type of the first TLV when it is not the Chassis ID that must come first
/// (IEEE 802.1AB §8.2).
fn bad_first_type(pdu: &[u8]) -> Option<u8> {
    let t = (pdu.get(..HEADER_LEN).map(|b| be16(b, 0))? >> 9) as u8;
    (t != ty::CHASSIS).then_some(t)
}

/// The values of the TLVs of type `kind`.
fn of_kind(pdu: &[u8], kind: u8) -> impl Iterator<Item = &[u8]> {
    tlvs(pdu).0.into_iter().filter(move |t| t.kind == kind).map(|t| t.value)
}

/// Wireshark's name of a TLV type.
fn type_name(t: u8) -> &'static str {
    match t {
        ty::END => "End of LLDPDU",
        ty::CHASSIS => "Chassis Id",
        ty::PORT => "Port Id",
        ty::TTL => "Time to Live",
        ty::PORT_DESC => "Port Description",
        ty::SYSTEM_NAME => "System Name",
        ty::SYSTEM_DESC => "System Description",
        ty::CAPABILITIES => "System Capabilities",
        ty::MGMT_ADDR => "Management Address",
        ty::ORG => "Organization Specific",
        _ => "Unknown",
    }
}

/// A chassis subtype's name and its abbreviation in the Info column.
fn chassis_subtype(s: u8) -> (&'static str, &'static str) {
    match s {
        1 => ("Chassis component", "CO"),
        2 => ("Interface alias", "IA"),
        3 => ("Port component", "PC"),
        CHASSIS_MAC => ("MAC address", "MA"),
        CHASSIS_NET => ("Network address", "NA"),
        6 => ("Interface name", "IN"),
        7 => ("Locally assigned", "LA"),
        _ => ("Reserved", "Unknown"),
    }
}

/// A port subtype's name and its abbreviation in the Info column.
fn port_subtype(s: u8) -> (&'static str, &'static str) {
    match s {
        1 => ("Interface alias", "IA"),
        2 => ("Port component", "PC"),
        PORT_MAC => ("MAC address", "MA"),
        PORT_NET => ("Network address", "NA"),
        5 => ("Interface name", "IN"),
        6 => ("Agent circuit Id", "AC"),
        7 => ("Locally assigned", "LA"),
        _ => ("Reserved", "Unknown"),
    }
}

/// The names of the organizations whose OUIs LLDP items carry most.
fn oui_name(oui: u32) -> Option<&'static str> {
    match oui {
        0x0080c2 => Some("IEEE"),
        0x00120f => Some("Ieee 802.3"),
        0x0012bb => Some("TIA"),
        0x00000c => Some("Cisco"),
        0x00005e => Some("IANA"),
        _ => None,
    }
}

/// The subtype field of an organization whose items tshark decodes (IEEE 802.1,
/// IEEE 802.3, TIA media endpoints, IANA); socklab shows their content as bytes.
fn decoded_oui_subtype(oui: u32) -> Option<&'static str> {
    match oui {
        0x0080c2 => Some("lldp.ieee.802_1.subtype"),
        0x00120f => Some("lldp.ieee.802_3.subtype"),
        0x0012bb => Some("lldp.media.subtype"),
        0x00005e => Some("lldp.iana.subtype"),
        _ => None,
    }
}

/// Text as Wireshark shows a string: non-printable bytes escaped.
struct Text<'a>(&'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tshark_text(f, self.0)
    }
}

/// A string field's value: the bytes as text.
fn text(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// A network address (family byte, then the address) as an IP address.
fn net_addr(family: u8, b: &[u8]) -> Option<IpAddr> {
    match family {
        FAMILY_IPV4 => <[u8; 4]>::try_from(b).ok().map(|a| Ipv4Addr::from(a).into()),
        FAMILY_IPV6 => <[u8; 16]>::try_from(b).ok().map(|a| Ipv6Addr::from(a).into()),
        _ => None,
    }
}

/// An ID as the Info column and the summary line show it, by its subtype.
fn id_text(id: &[u8], mac: bool, net: bool) -> String {
    match (mac, net, id.split_first()) {
        (true, _, _) if id.len() == 6 => Mac(id).to_string(),
        (_, true, Some((&family, addr))) => {
            net_addr(family, addr).map_or_else(|| Hex(id).to_string(), |a| a.to_string())
        }
        _ => Text(id).to_string(),
    }
}

impl Dissector for Lldp {
    fn name(&self) -> &'static str {
        "lldp"
    }

    fn title(&self) -> &'static str {
        "Link Layer Discovery Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "LLDP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// The LLDPDU ends with its End TLV; what follows is the link's padding.
    fn len(&self, pdu: &[u8]) -> Option<usize> {
        let (all, _) = tlvs(pdu);
        match all.last() {
            Some(t) if t.kind == ty::END => Some(t.at + t.len()),
            _ => Some(pdu.len()),
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if bad_first_type(pdu).is_some() {
            out.push_str("Invalid Chassis ID TLV");
            return;
        }
        for t in tlvs(pdu).0 {
            let Some((&sub, id)) = t.value.split_first() else { continue };
            let _ = match t.kind {
                ty::CHASSIS => {
                    write!(out, "{}/{} ", chassis_subtype(sub).1, id_text(id, sub == CHASSIS_MAC, sub == CHASSIS_NET))
                }
                ty::PORT => write!(out, "{}/{} ", port_subtype(sub).1, id_text(id, sub == PORT_MAC, sub == PORT_NET)),
                ty::TTL if t.value.len() >= 2 => write!(out, "{} ", be16(t.value, 0)),
                ty::SYSTEM_NAME => write!(out, "SysN={} ", Text(t.value)),
                ty::SYSTEM_DESC => write!(out, "SysD={} ", Text(t.value)),
                _ => Ok(()),
            };
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let (all, whole) = tlvs(pdu);
        let len = all.last().filter(|t| t.kind == ty::END).map_or(pdu.len(), |t| t.at + t.len());
        out.at(0).proto("lldp").bytes(o, len).line(format_args!("Link Layer Discovery Protocol"));
        if let Some(t) = bad_first_type(pdu) {
            let msg = format!("Invalid Chassis ID (0x{t:02X}), expected (0x{:02X})", ty::CHASSIS);
            out.at(1).line(format_args!("{msg}"));
            out.expert(2, "lldp.bad_type", Severity::Warning, Group::Malformed, &msg);
            out.at(2).field("_ws.malformed", Ftype::String, "Malformed Packet").hidden();
            return;
        }
        for t in &all {
            if !tlv(out, t, o + t.at) {
                malformed(out, "LLDP");
                return;
            }
        }
        if !whole {
            malformed(out, "LLDP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let all = tlvs(pdu).0;
        let first = |kind| all.iter().filter(move |t: &&Tlv<'p>| t.kind == kind).filter_map(|t| t.value.split_first());
        let hex16 =
            |b: &[u8], at: usize| b.get(at..at + 2).map(|w| Value::Hex { value: u64::from(be16(w, 0)), digits: 4 });
        match field {
            f::TYPE => out.extend(all.iter().map(|t| Value::Uint(u64::from(t.kind)))),
            f::LEN => out.extend(all.iter().map(|t| Value::Uint(t.value.len() as u64))),
            f::CHASSIS_SUBTYPE => out.extend(first(ty::CHASSIS).map(|(&s, _)| Value::Uint(u64::from(s)))),
            f::CHASSIS_ID => out.extend(
                first(ty::CHASSIS)
                    .filter(|(&s, _)| s != CHASSIS_MAC && s != CHASSIS_NET)
                    .map(|(_, id)| Value::Bytes(id.into())),
            ),
            f::CHASSIS_MAC => out.extend(
                first(ty::CHASSIS).filter(|(&s, id)| s == CHASSIS_MAC && id.len() == 6).map(|(_, id)| mac_value(id)),
            ),
            f::PORT_SUBTYPE => out.extend(first(ty::PORT).map(|(&s, _)| Value::Uint(u64::from(s)))),
            f::PORT_ID => out.extend(
                first(ty::PORT).filter(|(&s, _)| s != PORT_MAC && s != PORT_NET).map(|(_, id)| Value::Str(text(id))),
            ),
            f::PORT_MAC => out
                .extend(first(ty::PORT).filter(|(&s, id)| s == PORT_MAC && id.len() == 6).map(|(_, id)| mac_value(id))),
            f::TTL => {
                out.extend(of_kind(pdu, ty::TTL).filter(|v| v.len() >= 2).map(|v| Value::Uint(u64::from(be16(v, 0)))))
            }
            f::PORT_DESC => out.extend(of_kind(pdu, ty::PORT_DESC).map(|v| Value::Str(text(v)))),
            f::SYSTEM_NAME => out.extend(of_kind(pdu, ty::SYSTEM_NAME).map(|v| Value::Str(text(v)))),
            f::SYSTEM_DESC => out.extend(of_kind(pdu, ty::SYSTEM_DESC).map(|v| Value::Str(text(v)))),
            f::SYSTEM_CAP => out.extend(of_kind(pdu, ty::CAPABILITIES).filter_map(|v| hex16(v, 0))),
            f::ENABLED_CAP => out.extend(of_kind(pdu, ty::CAPABILITIES).filter_map(|v| hex16(v, 2))),
            f::MGMT_IP4 | f::MGMT_IP6 => {
                let family = if field == f::MGMT_IP4 { FAMILY_IPV4 } else { FAMILY_IPV6 };
                out.extend(
                    of_kind(pdu, ty::MGMT_ADDR)
                        .filter_map(|v| mgmt_address(v).filter(|m| m.family == family))
                        .filter_map(|m| net_addr(m.family, m.addr))
                        .map(Value::Ip),
                )
            }
            f::OUI => out.extend(
                of_kind(pdu, ty::ORG)
                    .filter_map(|v| v.get(..3))
                    .map(|b| Value::Uint(u64::from(b[0]) << 16 | u64::from(b[1]) << 8 | u64::from(b[2]))),
            ),
            _ => {}
        }
    }
}

/// A MAC address field's value.
fn mac_value(b: &[u8]) -> Value<'_> {
    Value::Str(Cow::Owned(Mac(b).to_string()))
}

/// A management address TLV's parts (IEEE 802.1AB §8.5.9).
struct MgmtAddr<'a> {
    /// The address string length: the family byte and the address.
    str_len: u8,
    family: u8,
    addr: &'a [u8],
    iface_subtype: u8,
    iface: u32,
    oid: &'a [u8],
}

/// The parts of a management address TLV's value, if it holds them all.
fn mgmt_address(v: &[u8]) -> Option<MgmtAddr<'_>> {
    let str_len = *v.first()?;
    let addr_len = usize::from(str_len).checked_sub(1)?;
    let family = *v.get(1)?;
    let addr = v.get(2..2 + addr_len)?;
    let at = 2 + addr_len;
    let tail = v.get(at..at + MGMT_IFACE_LEN)?;
    let oid_len = usize::from(tail[MGMT_IFACE_LEN - 1]);
    let oid = v.get(at + MGMT_IFACE_LEN..at + MGMT_IFACE_LEN + oid_len)?;
    Some(MgmtAddr { str_len, family, addr, iface_subtype: tail[0], iface: be32(tail, 1), oid })
}

/// One TLV with its summary line, header items and value; false when its value
/// is shorter than its type needs.
fn tlv(out: &mut Tree, t: &Tlv<'_>, o: usize) -> bool {
    let v = t.value;
    let summary = summary(t);
    out.at(1).bytes(o, t.len()).line(format_args!("{summary}"));
    out.at(2)
        .field("lldp.tlv.type", Ftype::Uint16, t.kind)
        .bytes(o, HEADER_LEN)
        .mask(u64::from(TYPE_MASK), u64::from(t.kind))
        .line(format_args!("{} = TLV Type: {} ({})", bit_pattern(t.word, TYPE_MASK), type_name(t.kind), t.kind));
    out.at(2)
        .field("lldp.tlv.len", Ftype::Uint16, v.len())
        .bytes(o, HEADER_LEN)
        .mask(u64::from(LEN_MASK), v.len() as u64)
        .line(format_args!("{} = TLV Length: {}", bit_pattern(t.word, LEN_MASK), v.len()));
    let o = o + HEADER_LEN;
    match t.kind {
        ty::END => true,
        ty::CHASSIS => id_items(out, v, o, true),
        ty::PORT => id_items(out, v, o, false),
        ty::TTL => {
            let Some(b) = v.get(..2) else { return false };
            let s = be16(b, 0);
            out.at(2).field("lldp.time_to_live", Ftype::Uint16, s).bytes(o, 2).line(format_args!("Seconds: {s}"));
            true
        }
        ty::PORT_DESC => string_item(out, "lldp.port.desc", "Port Description", v, o),
        ty::SYSTEM_NAME => string_item(out, "lldp.tlv.system.name", "System Name", v, o),
        ty::SYSTEM_DESC => string_item(out, "lldp.tlv.system.desc", "System Description", v, o),
        ty::CAPABILITIES => {
            v.len() >= 4
                && capabilities(out, "lldp.tlv.system_cap", "Capabilities", be16(v, 0), o)
                && capabilities(out, "lldp.tlv.enable_system_cap", "Enabled Capabilities", be16(v, 2), o + 2)
        }
        ty::MGMT_ADDR => mgmt_items(out, v, o),
        ty::ORG => org_items(out, v, o),
        _ => {
            out.at(2)
                .field("lldp.unknown_tlv.contents", Ftype::Bytes, Mac(v))
                .bytes(o, v.len())
                .line(format_args!("Data: {}", Hex(v)));
            true
        }
    }
}

/// A TLV's summary line: `Chassis Subtype = MAC address, Id: …`, `Time To Live = 120 sec`.
fn summary(t: &Tlv<'_>) -> String {
    let v = t.value;
    let sub = v.first().copied().unwrap_or(0);
    let id = v.get(1..).unwrap_or_default();
    match t.kind {
        ty::CHASSIS => format!(
            "Chassis Subtype = {}, Id: {}",
            chassis_subtype(sub).0,
            id_text(id, sub == CHASSIS_MAC, sub == CHASSIS_NET)
        ),
        ty::PORT => {
            format!("Port Subtype = {}, Id: {}", port_subtype(sub).0, id_text(id, sub == PORT_MAC, sub == PORT_NET))
        }
        ty::TTL if v.len() >= 2 => format!("Time To Live = {} sec", be16(v, 0)),
        ty::PORT_DESC => format!("Port Description = {}", Text(v)),
        ty::SYSTEM_NAME => format!("System Name = {}", Text(v)),
        ty::SYSTEM_DESC => format!("System Description = {}", Text(v)),
        ty::CAPABILITIES => "Capabilities".into(),
        _ => type_name(t.kind).into(),
    }
}

/// A string item: `System Name: S2.cisco.com`.
fn string_item(out: &mut Tree, field: &'static str, title: &str, v: &[u8], o: usize) -> bool {
    out.at(2).field(field, Ftype::String, text(v)).bytes(o, v.len()).line(format_args!("{title}: {}", Text(v)));
    true
}

/// The subtype and ID of a chassis or port TLV.
fn id_items(out: &mut Tree, v: &[u8], o: usize, chassis: bool) -> bool {
    let Some((&sub, id)) = v.split_first() else { return false };
    let (name, mac, net) = if chassis {
        (chassis_subtype(sub).0, sub == CHASSIS_MAC, sub == CHASSIS_NET)
    } else {
        (port_subtype(sub).0, sub == PORT_MAC, sub == PORT_NET)
    };
    let (sub_field, title) =
        if chassis { ("lldp.chassis.subtype", "Chassis Id") } else { ("lldp.port.subtype", "Port Id") };
    out.at(2).field(sub_field, Ftype::Uint8, sub).bytes(o, 1).line(format_args!("{title} Subtype: {name} ({sub})"));
    let o = o + 1;
    if mac {
        if id.len() != 6 {
            return false;
        }
        let field = if chassis { "lldp.chassis.id.mac" } else { "lldp.port.id.mac" };
        out.at(2).field(field, Ftype::Ether, Mac(id)).bytes(o, 6).line(format_args!("{title}: {}", Mac(id)));
    } else if net {
        let Some((&family, addr)) = id.split_first() else { return false };
        out.at(2)
            .field("lldp.network_address.subtype", Ftype::Uint8, family)
            .bytes(o, 1)
            .line(format_args!("Network Address family: {} ({family})", family_name(family)));
        let Some(a) = net_addr(family, addr) else { return false };
        let field = match (chassis, a) {
            (true, IpAddr::V4(_)) => "lldp.chassis.id.ip4",
            (true, IpAddr::V6(_)) => "lldp.chassis.id.ip6",
            (false, IpAddr::V4(_)) => "lldp.port.id.ip4",
            (false, IpAddr::V6(_)) => "lldp.port.id.ip6",
        };
        let ftype = if a.is_ipv4() { Ftype::Ipv4 } else { Ftype::Ipv6 };
        out.at(2).field(field, ftype, a).bytes(o + 1, addr.len()).line(format_args!("{title}: {a}"));
    } else if chassis {
        out.at(2)
            .field("lldp.chassis.id", Ftype::Bytes, Mac(id))
            .bytes(o, id.len())
            .line(format_args!("{title}: {}", Text(id)));
    } else {
        out.at(2)
            .field("lldp.port.id", Ftype::String, text(id))
            .bytes(o, id.len())
            .line(format_args!("{title}: {}", Text(id)));
    }
    true
}

/// An address family's name (IANA).
fn family_name(f: u8) -> &'static str {
    match f {
        FAMILY_IPV4 => "IPv4",
        FAMILY_IPV6 => "IPv6",
        _ => "Unknown",
    }
}

/// A capabilities word and its bits.
fn capabilities(out: &mut Tree, field: &'static str, title: &str, word: u16, o: usize) -> bool {
    out.at(2)
        .field(field, Ftype::Uint16, Value::Hex { value: u64::from(word), digits: 4 })
        .bytes(o, 2)
        .line(format_args!("{title}: 0x{word:04x}"));
    for (i, &(system_bit, enabled_bit, name)) in CAPABILITIES.iter().enumerate() {
        let mask = 1u16 << i;
        let set = word & mask != 0;
        let bit_field = if field == "lldp.tlv.system_cap" { system_bit } else { enabled_bit };
        out.at(3)
            .field(bit_field, Ftype::Boolean, u8::from(set))
            .bytes(o, 2)
            .mask(u64::from(mask), u64::from(set))
            .line(format_args!(
                "{} = {name}: {}",
                bit_pattern(word, mask),
                if set { "Capable" } else { "Not capable" }
            ));
    }
    true
}

/// A management address TLV's items.
fn mgmt_items(out: &mut Tree, v: &[u8], o: usize) -> bool {
    let Some(m) = mgmt_address(v) else { return false };
    out.at(2)
        .field("lldp.mgn.address.len", Ftype::Uint8, m.str_len)
        .bytes(o, 1)
        .line(format_args!("Address String Length: {}", m.str_len));
    out.at(2).field("lldp.mgn.address.subtype", Ftype::Uint8, m.family).bytes(o + 1, 1).line(format_args!(
        "Address Subtype: {} ({})",
        family_name(m.family),
        m.family
    ));
    let at = o + 2;
    match net_addr(m.family, m.addr) {
        Some(a @ IpAddr::V4(_)) => out
            .at(2)
            .field("lldp.mgn.addr.ip4", Ftype::Ipv4, a)
            .bytes(at, 4)
            .line(format_args!("Management Address: {a}")),
        Some(a @ IpAddr::V6(_)) => out
            .at(2)
            .field("lldp.mgn.addr.ip6", Ftype::Ipv6, a)
            .bytes(at, 16)
            .line(format_args!("Management Address: {a}")),
        None => out
            .at(2)
            .field("lldp.mgn.addr.hex", Ftype::Bytes, Mac(m.addr))
            .bytes(at, m.addr.len())
            .line(format_args!("Management Address: {}", Hex(m.addr))),
    }
    let at = at + m.addr.len();
    let iface_name = match m.iface_subtype {
        1 => "Unknown",
        2 => "ifIndex",
        3 => "System port number",
        _ => "Undefined",
    };
    out.at(2)
        .field("lldp.mgn.interface.subtype", Ftype::Uint8, m.iface_subtype)
        .bytes(at, 1)
        .line(format_args!("Interface Subtype: {iface_name} ({})", m.iface_subtype));
    out.at(2)
        .field("lldp.mgn.interface.number", Ftype::Uint32, m.iface)
        .bytes(at + 1, 4)
        .line(format_args!("Interface Number: {}", m.iface));
    out.at(2)
        .field("lldp.mgn.obj.len", Ftype::Uint8, m.oid.len())
        .bytes(at + 5, 1)
        .line(format_args!("OID String Length: {}", m.oid.len()));
    if !m.oid.is_empty() {
        out.at(2)
            .field("lldp.mgn.obj.id", Ftype::Bytes, Mac(m.oid))
            .bytes(at + 6, m.oid.len())
            .line(format_args!("Object Identifier: {}", Hex(m.oid)));
    }
    true
}

/// An organization specific TLV: its OUI, subtype and content.
fn org_items(out: &mut Tree, v: &[u8], o: usize) -> bool {
    let Some(head) = v.get(..ORG_HEAD_LEN) else { return false };
    let oui = u32::from(head[0]) << 16 | u32::from(head[1]) << 8 | u32::from(head[2]);
    let name = oui_name(oui).map(|n| format!(" ({n})")).unwrap_or_default();
    out.at(2)
        .field("lldp.orgtlv.oui", Ftype::Uint24, oui)
        .bytes(o, 3)
        .line(format_args!("Organization Unique Code: {}{name}", Mac(&head[..3])));
    let content = &v[ORG_HEAD_LEN..];
    let Some(subtype_field) = decoded_oui_subtype(oui) else {
        out.at(2)
            .field("lldp.unknown_subtype", Ftype::Uint8, head[3])
            .bytes(o + 3, 1)
            .line(format_args!("Unknown Subtype: {}", head[3]));
        if !content.is_empty() {
            out.at(2)
                .field("lldp.unknown_subtype.content", Ftype::Bytes, Mac(content))
                .bytes(o + ORG_HEAD_LEN, content.len())
                .line(format_args!("Unknown Subtype Content: {}", Hex(content)));
        }
        return true;
    };
    let sub = Value::Hex { value: u64::from(head[3]), digits: 2 };
    out.at(2).field(subtype_field, Ftype::Uint8, sub).bytes(o + 3, 1).line(format_args!("Subtype: 0x{:02x}", head[3]));
    if !content.is_empty() {
        out.at(2).bytes(o + ORG_HEAD_LEN, content.len()).line(format_args!("Content: {}", Hex(content)));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An LLDPDU: chassis MAC 00:23:54:c2:57:02, port interface name "eth0", TTL
    /// 120, system name "h1", capabilities bridge+router (bridge enabled), a
    /// management address 10.0.0.1 on ifIndex 2, an IEEE 802.1 item, End.
    const SAMPLE: &[u8] = &[
        0x02, 0x07, 4, 0x00, 0x23, 0x54, 0xc2, 0x57, 0x02, // chassis
        0x04, 0x05, 5, b'e', b't', b'h', b'0', // port
        0x06, 0x02, 0, 120, // TTL
        0x0a, 0x02, b'h', b'1', // system name
        0x0e, 0x04, 0x00, 0x14, 0x00, 0x04, // capabilities
        0x10, 0x0c, 5, 1, 10, 0, 0, 1, 2, 0, 0, 0, 2, 0, // management address
        0xfe, 0x06, 0x00, 0x80, 0xc2, 0x01, 0x00, 0x01, // IEEE 802.1 port VLAN 1
        0x00, 0x00, // End
        0, 0, 0, // padding
    ];
    /// A network-address port ID (IPv4 192.0.2.1) and a description with a newline.
    const NET_PORT: &[u8] = &[
        0x02, 0x05, 7, b'c', b'h', b'1', b'x', // chassis: locally assigned "ch1x"
        0x04, 0x06, 4, 1, 192, 0, 2, 1, // port: network address
        0x06, 0x02, 0, 0, // TTL 0
        0x0c, 0x03, b'a', b'\n', b'b', // system description
        0x00, 0x00,
    ];

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Lldp, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Lldp.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Lldp.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn info_in_tsharks_words() {
        assert_eq!(info(SAMPLE), "MA/00:23:54:c2:57:02 IN/eth0 120 SysN=h1 ");
        assert_eq!(info(NET_PORT), "LA/ch1x NA/192.0.2.1 0 SysD=a\\nb ");
        assert_eq!(info(&[0xfe, 0x02, 0, 0]), "Invalid Chassis ID TLV");
    }

    #[test]
    fn the_pdu_ends_with_its_end_tlv() {
        assert_eq!(Lldp.len(SAMPLE), Some(SAMPLE.len() - 3));
    }

    #[test]
    fn the_tree_names_every_tlv() {
        let l = lines(SAMPLE);
        for want in [
            "Chassis Subtype = MAC address, Id: 00:23:54:c2:57:02",
            "0000 001. .... .... = TLV Type: Chassis Id (1)",
            ".... ...0 0000 0111 = TLV Length: 7",
            "Port Id Subtype: Interface name (5)",
            "Time To Live = 120 sec",
            "System Name = h1",
            "Capabilities: 0x0014",
            ".... .... ...1 .... = Router: Capable",
            "Enabled Capabilities: 0x0004",
            "Management Address: 10.0.0.1",
            "Interface Subtype: ifIndex (2)",
            "Organization Unique Code: 00:80:c2 (IEEE)",
            "End of LLDPDU",
        ] {
            assert!(l.contains(&want.to_string()), "{want}: {l:?}");
        }
        let n = lines(NET_PORT);
        assert!(n.contains(&"Network Address family: IPv4 (1)".to_string()), "{n:?}");
        assert!(n.contains(&"System Description: a\\nb".to_string()), "{n:?}");
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        assert_eq!(values(SAMPLE, "lldp.chassis.id.mac"), ["00:23:54:c2:57:02"]);
        assert_eq!(values(SAMPLE, "lldp.port.id"), ["eth0"]);
        assert_eq!(values(SAMPLE, "lldp.time_to_live"), ["120"]);
        assert_eq!(values(SAMPLE, "lldp.tlv.system_cap"), ["0x0014"]);
        assert_eq!(values(SAMPLE, "lldp.mgn.addr.ip4"), ["10.0.0.1"]);
        assert_eq!(values(SAMPLE, "lldp.orgtlv.oui"), ["32962"]);
        assert_eq!(values(SAMPLE, "lldp.tlv.type"), ["1", "2", "3", "5", "7", "8", "127", "0"]);
        assert_eq!(values(NET_PORT, "lldp.port.id"), [""; 0]);
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        for pdu in [SAMPLE, NET_PORT] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let _ = Lldp.len(cut);
                let _ = lines(cut);
                for f in 1..FIELDS.len() {
                    Lldp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        assert!(lines(&SAMPLE[..12]).iter().any(|l| l == "[Malformed Packet: LLDP]"));
    }
}
