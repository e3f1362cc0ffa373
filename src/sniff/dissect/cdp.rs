//! CDP, Cisco's neighbour discovery protocol: a version, a hold time, a
//! checksum, then type-length-value items (each length counts its own 4-byte
//! header) naming the device, its addresses, the port it sent from, its
//! capabilities, software and platform. CDP rides in IEEE 802.3 frames with a
//! SNAP header of Cisco's OUI and protocol ID 0x2000. Items socklab does not
//! decode show their type, length and data.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use super::llc;
use crate::proto::bytes::{be16, be32};
use crate::proto::dns::write_tshark_text;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The CDP dissector.
pub struct Cdp;

/// Cisco's OUI and CDP's SNAP protocol ID.
const OUI_CISCO: u32 = 0x00000c;
const SNAP_PID: u16 = 0x2000;

/// Version, TTL, checksum.
const HEADER_LEN: usize = 4;
/// A TLV's type and length.
const TLV_HEADER_LEN: usize = 4;
/// An address entry's protocol type for NLPID, and IPv4's NLPID (0xcc).
const PROTO_TYPE_NLPID: u8 = 1;
const NLPID_IP: u8 = 0xcc;

/// TLV types.
mod ty {
    pub const DEVICE_ID: u16 = 0x0001;
    pub const ADDRESSES: u16 = 0x0002;
    pub const PORT_ID: u16 = 0x0003;
    pub const CAPABILITIES: u16 = 0x0004;
    pub const SOFTWARE: u16 = 0x0005;
    pub const PLATFORM: u16 = 0x0006;
    pub const VTP_DOMAIN: u16 = 0x0009;
    pub const NATIVE_VLAN: u16 = 0x000a;
    pub const DUPLEX: u16 = 0x000b;
    pub const TRUST_BITMAP: u16 = 0x0012;
    pub const UNTRUSTED_COS: u16 = 0x0013;
    pub const MGMT_ADDRESSES: u16 = 0x0016;
}

/// The capability bits, as tshark names them.
const CAPABILITIES: [(&str, &str); 11] = [
    ("cdp.capabilities.router", "Router"),
    ("cdp.capabilities.trans_bridge", "Transparent Bridge"),
    ("cdp.capabilities.src_bridge", "Source Route Bridge"),
    ("cdp.capabilities.switch", "Switch"),
    ("cdp.capabilities.host", "Host"),
    ("cdp.capabilities.igmp_capable", "IGMP capable"),
    ("cdp.capabilities.repeater", "Repeater"),
    ("cdp.capabilities.voip_phone", "VoIP Phone"),
    ("cdp.capabilities.remote", "Remotely Managed Device"),
    ("cdp.capabilities.cvta", "CVTA/STP Dispute Resolution/Cisco VT Camera"),
    ("cdp.capabilities.mac_relay", "Two Port Mac Relay"),
];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "cdp", ftype: Ftype::Protocol, title: "Cisco Discovery Protocol", base: "" },
    FieldDecl { name: "cdp.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "cdp.ttl", ftype: Ftype::Uint8, title: "TTL", base: "BASE_DEC" },
    FieldDecl { name: "cdp.deviceid", ftype: Ftype::String, title: "Device ID", base: "" },
    FieldDecl { name: "cdp.portid", ftype: Ftype::String, title: "Sent through Interface", base: "" },
    FieldDecl { name: "cdp.platform", ftype: Ftype::String, title: "Platform", base: "" },
    FieldDecl { name: "cdp.capabilities", ftype: Ftype::Uint32, title: "Capabilities", base: "BASE_HEX" },
];

/// Indexes into [`FIELDS`].
mod f {
    pub const VERSION: usize = 1;
    pub const TTL: usize = 2;
    pub const DEVICE_ID: usize = 3;
    pub const PORT_ID: usize = 4;
    pub const PLATFORM: usize = 5;
    pub const CAPABILITIES: usize = 6;
}

/// One TLV: where it starts in the CDP message, its type and value.
struct Tlv<'a> {
    at: usize,
    kind: u16,
    value: &'a [u8],
}

/// The CDP message after the LLC and SNAP headers.
fn message(pdu: &[u8]) -> Option<&[u8]> {
    pdu.get(llc::u_header_len(pdu)?..)
}

/// The TLVs the message holds whole, and whether it holds every one it starts.
fn tlvs(m: &[u8]) -> (Vec<Tlv<'_>>, bool) {
    let mut out = Vec::new();
    let mut at = HEADER_LEN;
    while at < m.len() {
        let Some(h) = m.get(at..at + TLV_HEADER_LEN) else { return (out, false) };
        let len = usize::from(be16(h, 2));
        if len < TLV_HEADER_LEN {
            return (out, false);
        }
        let Some(value) = m.get(at + TLV_HEADER_LEN..at + len) else { return (out, false) };
        out.push(Tlv { at, kind: be16(h, 0), value });
        at += len;
    }
    (out, m.len() >= HEADER_LEN)
}

/// Text as Wireshark shows a string: non-printable bytes escaped.
struct Text<'a>(&'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tshark_text(f, self.0)
    }
}

/// The first TLV of type `kind`.
fn first(m: &[u8], kind: u16) -> Option<&[u8]> {
    tlvs(m).0.into_iter().find(|t| t.kind == kind).map(|t| t.value)
}

/// Wireshark's name of a TLV type.
fn type_name(t: u16) -> &'static str {
    match t {
        ty::DEVICE_ID => "Device ID",
        ty::ADDRESSES => "Addresses",
        ty::PORT_ID => "Port ID",
        ty::CAPABILITIES => "Capabilities",
        ty::SOFTWARE => "Software version",
        ty::PLATFORM => "Platform",
        0x0008 => "Protocol Hello",
        ty::VTP_DOMAIN => "VTP Management Domain",
        ty::NATIVE_VLAN => "Native VLAN",
        ty::DUPLEX => "Duplex",
        ty::TRUST_BITMAP => "Trust Bitmap",
        ty::UNTRUSTED_COS => "Untrusted Port CoS",
        ty::MGMT_ADDRESSES => "Management Address",
        0x001a => "Power Available",
        _ => "Unknown",
    }
}

/// Whether the checksum over the message is right. Cisco sums an odd last
/// byte as a sign-extended 16-bit word; either way is accepted.
fn checksum_good(m: &[u8]) -> bool {
    if internet_checksum(&[m]) == 0 {
        return true;
    }
    let Some((&last, head)) = m.split_last().filter(|_| m.len() % 2 == 1) else { return false };
    let word = (last as i8 as i16 as u16).to_be_bytes();
    internet_checksum(&[head, &word]) == 0
}

impl Dissector for Cdp {
    fn name(&self) -> &'static str {
        "cdp"
    }

    fn title(&self) -> &'static str {
        "Cisco Discovery Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "CDP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::Snap(OUI_CISCO, SNAP_PID)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark lists the LLC header as a protocol of its own.
    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        "llc:cdp"
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(m) = message(pdu) else { return };
        for t in tlvs(m).0 {
            let _ = match t.kind {
                ty::DEVICE_ID => write!(out, "Device ID: {}  ", Text(t.value)),
                ty::PORT_ID => write!(out, "Port ID: {}  ", Text(t.value)),
                _ => Ok(()),
            };
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        if !llc::tree(out, pdu, o) {
            malformed(out, "LLC");
            return;
        }
        let Some(m) = message(pdu) else { return };
        let o = o + (pdu.len() - m.len());
        out.at(0).proto("cdp").bytes(o, m.len()).line(format_args!("Cisco Discovery Protocol"));
        let Some(h) = m.get(..HEADER_LEN) else {
            malformed(out, "CDP");
            return;
        };
        out.at(1).field("cdp.version", Ftype::Uint8, h[0]).bytes(o, 1).line(format_args!("Version: {}", h[0]));
        out.at(1).field("cdp.ttl", Ftype::Uint8, h[1]).bytes(o + 1, 1).line(format_args!("TTL: {} seconds", h[1]));
        let sum = be16(h, 2);
        let good = checksum_good(m);
        let word = if good { "correct" } else { "incorrect" };
        out.at(1)
            .field("cdp.checksum", Ftype::Uint16, Value::Hex { value: u64::from(sum), digits: 4 })
            .bytes(o + 2, 2)
            .line(format_args!("Checksum: 0x{sum:04x} [{word}]"));
        let (code, status) = if good { (checksum_status::GOOD, "Good") } else { (checksum_status::BAD, "Bad") };
        out.at(1).field("cdp.checksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: {status}]"));
        let (all, whole) = tlvs(m);
        for t in &all {
            if !tlv(out, t, o + t.at) {
                malformed(out, "CDP");
                return;
            }
        }
        if !whole {
            malformed(out, "CDP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(m) = message(pdu) else { return };
        let text = |kind| first(m, kind).map(|v| Value::Str(String::from_utf8_lossy(v)));
        let v = match field {
            f::VERSION => m.first().map(|&v| Value::Uint(u64::from(v))),
            f::TTL => m.get(1).map(|&v| Value::Uint(u64::from(v))),
            f::DEVICE_ID => text(ty::DEVICE_ID),
            f::PORT_ID => text(ty::PORT_ID),
            f::PLATFORM => text(ty::PLATFORM),
            f::CAPABILITIES => first(m, ty::CAPABILITIES)
                .filter(|v| v.len() >= 4)
                .map(|v| Value::Hex { value: u64::from(be32(v, 0)), digits: 8 }),
            _ => None,
        };
        out.extend(v);
    }
}

/// One TLV: its summary line, type, length and value; false when the value is
/// shorter than its type needs.
fn tlv(out: &mut Tree, t: &Tlv<'_>, o: usize) -> bool {
    let v = t.value;
    let len = v.len() + TLV_HEADER_LEN;
    let summary = match t.kind {
        ty::DEVICE_ID | ty::PLATFORM | ty::PORT_ID | ty::VTP_DOMAIN => format!("{}: {}", type_name(t.kind), Text(v)),
        ty::SOFTWARE => "Software Version".into(),
        ty::NATIVE_VLAN if v.len() >= 2 => format!("Native VLAN: {}", be16(v, 0)),
        ty::DUPLEX if !v.is_empty() => format!("Duplex: {}", if v[0] == 0 { "Half" } else { "Full" }),
        ty::MGMT_ADDRESSES => "Management Addresses".into(),
        ty::TRUST_BITMAP if !v.is_empty() => format!("Trust Bitmap: 0x{:02x}", v[0]),
        ty::UNTRUSTED_COS if !v.is_empty() => format!("Untrusted port CoS: 0x{:02x}", v[0]),
        kind => type_name(kind).into(),
    };
    out.at(1).bytes(o, len).line(format_args!("{summary}"));
    let kind_value = Value::Hex { value: u64::from(t.kind), digits: 4 };
    out.at(2).field("cdp.tlv.type", Ftype::Uint16, kind_value).bytes(o, 2).line(format_args!(
        "Type: {} (0x{:04x})",
        type_name(t.kind),
        t.kind
    ));
    out.at(2).field("cdp.tlv.len", Ftype::Uint16, len).bytes(o + 2, 2).line(format_args!("Length: {len}"));
    let o = o + TLV_HEADER_LEN;
    let string = |out: &mut Tree, field: &'static str, title: &str| {
        let item = out.at(2).field(field, Ftype::String, String::from_utf8_lossy(v));
        // tshark gives an empty string no bytes.
        let item = if v.is_empty() { item } else { item.bytes(o, v.len()) };
        item.line(format_args!("{title}: {}", Text(v)));
    };
    match t.kind {
        ty::DEVICE_ID => string(out, "cdp.deviceid", "Device ID"),
        ty::PORT_ID => string(out, "cdp.portid", "Sent through Interface"),
        ty::PLATFORM => string(out, "cdp.platform", "Platform"),
        ty::VTP_DOMAIN => string(out, "cdp.vtp_management_domain", "VTP Management Domain"),
        ty::SOFTWARE => software(out, v, o),
        ty::CAPABILITIES => return capabilities(out, v, o),
        ty::ADDRESSES | ty::MGMT_ADDRESSES => return addresses(out, v, o),
        ty::NATIVE_VLAN => {
            let Some(b) = v.get(..2) else { return false };
            let vlan = be16(b, 0);
            out.at(2)
                .field("cdp.native_vlan", Ftype::Uint16, vlan)
                .bytes(o, 2)
                .line(format_args!("Native VLAN: {vlan}"));
        }
        ty::TRUST_BITMAP | ty::UNTRUSTED_COS => {
            let Some(&b) = v.first() else { return false };
            let (field, title) = if t.kind == ty::TRUST_BITMAP {
                ("cdp.trust_bitmap", "Trust Bitmap")
            } else {
                ("cdp.untrusted_port_cos", "Untrusted port CoS")
            };
            let value = Value::Hex { value: u64::from(b), digits: 2 };
            out.at(2).field(field, Ftype::Uint8, value).bytes(o, 1).line(format_args!("{title}: 0x{b:02x}"));
        }
        ty::DUPLEX => {
            let Some(&d) = v.first() else { return false };
            out.at(2)
                .field("cdp.duplex", Ftype::Boolean, d.min(1))
                .bytes(o, 1)
                .line(format_args!("Duplex: {}", if d == 0 { "Half" } else { "Full" }));
        }
        // tshark decodes these items further; socklab shows their bytes only.
        _ if !v.is_empty() => out.at(2).bytes(o, v.len()).line(format_args!("Data: {}", Hex(v))),
        _ => {}
    }
    true
}

/// The software version, one item per line as tshark shows it.
fn software(out: &mut Tree, v: &[u8], o: usize) {
    let mut at = 0;
    for line in v.split(|&b| b == b'\n') {
        out.at(2)
            .field("cdp.software_version", Ftype::Stringz, String::from_utf8_lossy(line))
            .bytes(o + at, (line.len() + 1).min(v.len() - at))
            .line(format_args!("Software version: {}", Text(line)));
        at += line.len() + 1;
    }
}

/// The capabilities word and its bits.
fn capabilities(out: &mut Tree, v: &[u8], o: usize) -> bool {
    let Some(b) = v.get(..4) else { return false };
    let word = be32(b, 0);
    out.at(2)
        .field("cdp.capabilities", Ftype::Uint32, Value::Hex { value: u64::from(word), digits: 8 })
        .bytes(o, 4)
        .line(format_args!("Capabilities: 0x{word:08x}"));
    for (i, (field, name)) in CAPABILITIES.iter().enumerate() {
        let mask = 1u32 << i;
        let set = word & mask != 0;
        let mut pattern = String::new();
        for bit in (0..32).rev() {
            pattern.push(if bit == i {
                if set {
                    '1'
                } else {
                    '0'
                }
            } else {
                '.'
            });
            if bit % 4 == 0 && bit > 0 {
                pattern.push(' ');
            }
        }
        out.at(3)
            .field(field, Ftype::Boolean, u8::from(set))
            .bytes(o, 4)
            .mask(u64::from(mask), u64::from(set))
            .line(format_args!("{pattern} = {name}: {}", if set { "Yes" } else { "No" }));
    }
    true
}

/// An address list: its count, then each address's protocol and bytes.
fn addresses(out: &mut Tree, v: &[u8], o: usize) -> bool {
    let Some(b) = v.get(..4) else { return false };
    let n = be32(b, 0);
    out.at(2)
        .field("cdp.number_of_addresses", Ftype::Uint32, n)
        .bytes(o, 4)
        .line(format_args!("Number of addresses: {n}"));
    let mut at = 4;
    for _ in 0..n {
        let Some(&[ptype, plen]) = v.get(at..at + 2) else { return false };
        let p = usize::from(plen);
        let Some(proto) = v.get(at + 2..at + 2 + p) else { return false };
        let Some(alen) = v.get(at + 2 + p..at + 4 + p).map(|w| usize::from(be16(w, 0))) else { return false };
        let Some(addr) = v.get(at + 4 + p..at + 4 + p + alen) else { return false };
        let entry = 4 + p + alen;
        let ip = (ptype == PROTO_TYPE_NLPID && proto == [NLPID_IP] && alen == 4)
            .then(|| Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]));
        match ip {
            Some(a) => out.at(2).bytes(o + at, entry).line(format_args!("IP address: {a}")),
            None => out.at(2).bytes(o + at, entry).line(format_args!("Address: {}", Hex(addr))),
        }
        let ptype_name = if ptype == PROTO_TYPE_NLPID { "NLPID" } else { "802.2" };
        out.at(3)
            .field("cdp.protocol_type", Ftype::Uint8, Value::Hex { value: u64::from(ptype), digits: 2 })
            .bytes(o + at, 1)
            .line(format_args!("Protocol type: {ptype_name} (0x{ptype:02x})"));
        out.at(3)
            .field("cdp.protocol_length", Ftype::Uint8, plen)
            .bytes(o + at + 1, 1)
            .line(format_args!("Protocol length: {plen}"));
        let proto_name = if ip.is_some() { "IP".to_string() } else { Hex(proto).to_string() };
        out.at(3)
            .field("cdp.protocol", Ftype::Bytes, Hex(proto))
            .bytes(o + at + 2, p)
            .line(format_args!("Protocol: {proto_name}"));
        out.at(3)
            .field("cdp.address_length", Ftype::Uint16, alen)
            .bytes(o + at + 2 + p, 2)
            .line(format_args!("Address length: {alen}"));
        match ip {
            Some(a) => out
                .at(3)
                .field("cdp.nrgyz.ip_address", Ftype::Ipv4, a)
                .bytes(o + at + 4 + p, 4)
                .line(format_args!("IP Address: {a}")),
            None => out
                .at(3)
                .field("cdp.address", Ftype::Bytes, Mac(addr))
                .bytes(o + at + 4 + p, alen)
                .line(format_args!("Address: {}", Hex(addr))),
        }
        at += entry;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LLC and SNAP (Cisco, CDP), then a CDP v2 message: Device ID "S1", Port ID
    /// "Fa0/1", capabilities switch+IGMP, an address 192.168.0.1, native VLAN 1.
    fn sample() -> Vec<u8> {
        let mut m = vec![2, 180, 0, 0];
        m.extend([0, 1, 0, 6, b'S', b'1']);
        m.extend([0, 3, 0, 9, b'F', b'a', b'0', b'/', b'1']);
        m.extend([0, 4, 0, 8, 0, 0, 0, 0x28]);
        m.extend([0, 2, 0, 17, 0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 192, 168, 0, 1]);
        m.extend([0, 10, 0, 6, 0, 1]);
        let sum = internet_checksum(&[&m]);
        m[2..4].copy_from_slice(&sum.to_be_bytes());
        let mut pdu = vec![0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00];
        pdu.extend(m);
        pdu
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Cdp.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn info_names_the_device_and_port() {
        let mut s = String::new();
        Cdp.info(&sample(), Ctx::default(), &mut s);
        assert_eq!(s, "Device ID: S1  Port ID: Fa0/1  ");
    }

    #[test]
    fn the_tree_shows_snap_then_every_tlv() {
        let l = lines(&sample());
        for want in [
            "Organization Code: 00:00:0c (Cisco Systems, Inc)",
            "PID: CDP (0x2000)",
            "TTL: 180 seconds",
            "[Checksum Status: Good]",
            "Device ID: S1",
            "Sent through Interface: Fa0/1",
            ".... .... .... .... .... .... .... 1... = Switch: Yes",
            "IP address: 192.168.0.1",
            "Native VLAN: 1",
        ] {
            assert!(l.contains(&want.to_string()), "{want}: {l:?}");
        }
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        let pdu = sample();
        let get = |name: &str| {
            let i = FIELDS.iter().position(|f| f.name == name).unwrap();
            let mut out = Vec::new();
            Cdp.values(&pdu, Ctx::default(), i, &mut out);
            out.iter().map(|v| v.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(get("cdp.deviceid"), ["S1"]);
        assert_eq!(get("cdp.capabilities"), ["0x00000028"]);
        assert_eq!(get("cdp.ttl"), ["180"]);
    }

    #[test]
    fn an_odd_last_byte_is_summed_sign_extended_as_cisco_does() {
        let mut m = vec![2, 180, 0, 0, 0, 1, 0, 5, 0x90];
        let sum = internet_checksum(&[&m[..8], &[0xff, 0x90]]);
        m[2..4].copy_from_slice(&sum.to_be_bytes());
        assert!(checksum_good(&m));
        m[8] = 0x91;
        assert!(!checksum_good(&m));
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        let pdu = sample();
        for n in 0..=pdu.len() {
            let cut = &pdu[..n];
            Cdp.info(cut, Ctx::default(), &mut String::new());
            let _ = lines(cut);
            for f in 1..FIELDS.len() {
                Cdp.values(cut, Ctx::default(), f, &mut Vec::new());
            }
        }
        assert!(lines(&pdu[..20]).iter().any(|l| l == "[Malformed Packet: CDP]"));
    }
}
