//! ARP (RFC 826): the request that asks which hardware address has a protocol
//! address, and the reply; its relatives that share the packet format: Reverse
//! ARP (RFC 903), Dynamic RARP (RFC 1931), Inverse ARP (RFC 2390), and the
//! opcodes IANA lists for MARS, MAPOS and experiments. Any hardware and
//! protocol address sizes: a 6-byte address of Ethernet or IEEE 802 is a MAC
//! address, a 4-byte IPv4 one an IPv4 address, the others are shown in hex.
//! Announcements, probes and gratuitous ARP are named as RFC 5227 and tshark
//! name them. A packet cut before its last address is decoded as far as it goes
//! and marked malformed.
//!
//! Across frames, ARP keeps tshark's table of which MAC address each IPv4
//! address was last seen at ([`AddressTable`], the protocol's capture state): a
//! request or reply that gives an address a second MAC address is flagged as a
//! duplicate use of the address, pointing at the frame that used it first.

use super::data::BYTES_SHOWN;
use super::dissector::{CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall, RECALL_BYTES};
use super::frame::malformed;
use crate::proto::bytes::be16;
use crate::sniff::dissect::link::{ethertype_name, ETHERTYPE_ARP, ETHERTYPE_IPV4};
use crate::sniff::hash::FxHashMap;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;

/// Reverse ARP's EtherType (RFC 903).
const ETHERTYPE_RARP: u16 = 0x8035;

/// The ARP dissector.
pub struct Arp;

/// Byte offsets of the fixed header (RFC 826, "Packet format").
mod field {
    /// Hardware type.
    pub const HTYPE: usize = 0;
    /// Protocol type.
    pub const PTYPE: usize = 2;
    /// Hardware address length.
    pub const HLEN: usize = 4;
    /// Protocol address length.
    pub const PLEN: usize = 5;
    /// Operation.
    pub const OPER: usize = 6;
    /// The sender's hardware address, first of the four addresses.
    pub const ADDRESSES: usize = 8;
}

/// Operation codes (IANA "ARP operation codes": RFC 826, 903, 1931, 2390, 2225, 5494).
mod op {
    pub const REQUEST: u16 = 1;
    pub const REPLY: u16 = 2;
    pub const REVERSE_REQUEST: u16 = 3;
    pub const REVERSE_REPLY: u16 = 4;
    pub const DRARP_REQUEST: u16 = 5;
    pub const DRARP_REPLY: u16 = 6;
    pub const DRARP_ERROR: u16 = 7;
    pub const INVERSE_REQUEST: u16 = 8;
    pub const INVERSE_REPLY: u16 = 9;
    pub const NAK: u16 = 10;
    pub const MAPOS_UNARP: u16 = 23;
    pub const EXPERIMENTAL_1: u16 = 24;
    pub const EXPERIMENTAL_2: u16 = 25;
    pub const RESERVED_LAST: u16 = 0xffff;
}

/// Hardware types whose 6-byte addresses are MAC addresses (Ethernet, IEEE 802).
const MAC_HW_TYPES: [u16; 2] = [1, 6];
/// A MAC address's length.
const MAC_LEN: u8 = 6;

/// Wireshark's name of an operation (lower case, as the details show it).
fn opcode_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0 | op::RESERVED_LAST => "reserved",
        op::REQUEST => "request",
        op::REPLY => "reply",
        op::REVERSE_REQUEST => "reverse request",
        op::REVERSE_REPLY => "reverse reply",
        op::DRARP_REQUEST => "drarp request",
        op::DRARP_REPLY => "drarp reply",
        op::DRARP_ERROR => "drarp error",
        op::INVERSE_REQUEST => "inverse request",
        op::INVERSE_REPLY => "inverse reply",
        op::NAK => "arp nak",
        11..=22 => mars(code).0,
        op::MAPOS_UNARP => "mapos unarp",
        op::EXPERIMENTAL_1 => "experimental 1",
        op::EXPERIMENTAL_2 => "experimental 2",
        _ => return None,
    })
}

/// A MARS opcode (RFC 2022): its name in the details and in the Info column.
fn mars(code: u16) -> (&'static str, &'static str) {
    match code {
        11 => ("mars request", "MARS request"),
        12 => ("mars multi", "MARS MULTI request"),
        13 => ("mars mserv", "MARS MSERV request"),
        14 => ("mars join", "MARS JOIN request"),
        15 => ("mars leave", "MARS LEAVE"),
        16 => ("mars nak", "MARS NAK"),
        17 => ("mars unserv", "MARS UNSERV request"),
        18 => ("mars sjoin", "MARS SJOIN request"),
        19 => ("mars sleave", "MARS SLEAVE"),
        20 => ("mars grouplist request", "MARS grouplist request"),
        21 => ("mars grouplist reply", "MARS grouplist reply"),
        _ => ("mars redirect map", "MARS redirect map"),
    }
}

/// Wireshark's name of a hardware type (IANA "Hardware Types").
fn hw_type_name(t: u16) -> &'static str {
    const NAMES: [&str; 38] = [
        "NET/ROM pseudo",
        "Ethernet",
        "Experimental Ethernet",
        "AX.25",
        "ProNET",
        "Chaos",
        "IEEE 802",
        "ARCNET",
        "Hyperchannel",
        "Lanstar",
        "Autonet Short Address",
        "Localtalk",
        "LocalNet",
        "Ultra link",
        "SMDS",
        "Frame Relay DLCI",
        "ATM",
        "HDLC",
        "Fibre Channel",
        "ATM (RFC 2225)",
        "Serial Line",
        "ATM",
        "MIL-STD-188-220",
        "Metricom STRIP",
        "IEEE 1394.1995",
        "MAPOS",
        "Twinaxial",
        "EUI-64",
        "HIPARP",
        "IP and ARP over ISO 7816-3",
        "ARPSec",
        "IPsec tunnel",
        "InfiniBand",
        "TIA-102 Project 25 CAI",
        "Wiegand Interface",
        "Pure IP",
        "Experimental 1",
        "HFI",
    ];
    match t {
        256 => "Experimental 2",
        257 => "AEthernet",
        _ => NAMES.get(usize::from(t)).copied().unwrap_or("Unknown"),
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "arp", ftype: Ftype::Protocol, title: "Address Resolution Protocol", base: "" },
    FieldDecl { name: "arp.hw.type", ftype: Ftype::Uint16, title: "Hardware type", base: "BASE_DEC" },
    FieldDecl { name: "arp.proto.type", ftype: Ftype::Uint16, title: "Protocol type", base: "BASE_HEX" },
    FieldDecl { name: "arp.hw.size", ftype: Ftype::Uint8, title: "Hardware size", base: "BASE_DEC" },
    FieldDecl { name: "arp.proto.size", ftype: Ftype::Uint8, title: "Protocol size", base: "BASE_DEC" },
    FieldDecl { name: "arp.opcode", ftype: Ftype::Uint16, title: "Opcode", base: "BASE_DEC" },
    FieldDecl { name: "arp.src.hw_mac", ftype: Ftype::Ether, title: "Sender MAC address", base: "" },
    FieldDecl { name: "arp.src.proto_ipv4", ftype: Ftype::Ipv4, title: "Sender IP address", base: "" },
    FieldDecl { name: "arp.dst.hw_mac", ftype: Ftype::Ether, title: "Target MAC address", base: "" },
    FieldDecl { name: "arp.dst.proto_ipv4", ftype: Ftype::Ipv4, title: "Target IP address", base: "" },
    FieldDecl { name: "arp.src.hw", ftype: Ftype::Bytes, title: "Sender hardware address", base: "" },
    FieldDecl { name: "arp.src.proto", ftype: Ftype::Bytes, title: "Sender protocol address", base: "" },
    FieldDecl { name: "arp.dst.hw", ftype: Ftype::Bytes, title: "Target hardware address", base: "" },
    FieldDecl { name: "arp.dst.proto", ftype: Ftype::Bytes, title: "Target protocol address", base: "" },
    FieldDecl { name: "arp.isgratuitous", ftype: Ftype::Boolean, title: "Is gratuitous", base: "0" },
    FieldDecl { name: "arp.isprobe", ftype: Ftype::Boolean, title: "Is probe", base: "0" },
    FieldDecl { name: "arp.isannouncement", ftype: Ftype::Boolean, title: "Is announcement", base: "0" },
    FieldDecl {
        name: "arp.duplicate-address-frame",
        ftype: Ftype::Framenum,
        title: "Frame showing earlier use of IP address",
        base: "",
    },
    FieldDecl {
        name: "arp.seconds-since-duplicate-address-frame",
        ftype: Ftype::Uint32,
        title: "Seconds since earlier frame seen",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "arp.duplicate-address-detected",
        ftype: Ftype::None,
        title: "Duplicate IP address configured",
        base: "",
    },
];

/// Indexes in [`FIELDS`] of the fields a duplicate address adds.
mod dup_field {
    pub const FRAME: usize = 17;
    pub const SECONDS: usize = 18;
    pub const DETECTED: usize = 19;
}

/// An ARP packet's fixed header and as many of its four addresses as were captured.
struct Msg<'a> {
    hw_type: u16,
    proto_type: u16,
    hlen: u8,
    plen: u8,
    opcode: u16,
    /// Sender hardware, sender protocol, target hardware, target protocol; `None`
    /// from the first one the packet ends before.
    addrs: [Option<&'a [u8]>; 4],
}

/// The four addresses, in order.
const SHA: usize = 0;
const SPA: usize = 1;
const THA: usize = 2;
const TPA: usize = 3;

/// Decodes the fixed header of `pdu`; `None` when even that was cut.
fn decode(pdu: &[u8]) -> Option<Msg<'_>> {
    let b = pdu.get(..field::ADDRESSES)?;
    let (hlen, plen) = (b[field::HLEN], b[field::PLEN]);
    let mut addrs = [None; 4];
    let mut at = field::ADDRESSES;
    for (i, slot) in addrs.iter_mut().enumerate() {
        let len = usize::from(if i % 2 == 0 { hlen } else { plen });
        let Some(a) = pdu.get(at..at + len) else { break };
        *slot = Some(a);
        at += len;
    }
    Some(Msg {
        hw_type: be16(b, field::HTYPE),
        proto_type: be16(b, field::PTYPE),
        hlen,
        plen,
        opcode: be16(b, field::OPER),
        addrs,
    })
}

/// What RFC 5227 and tshark call a request or reply by its addresses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A request announcing the sender's own address (target address the
    /// sender's, target hardware address zero), RFC 5227 §2.3.
    Announcement,
    /// A request probing whether an address is free (sender address zero), §2.1.1.
    Probe,
    /// A request or reply about the sender's own address.
    Gratuitous,
    /// Any other packet.
    Plain,
}

impl<'a> Msg<'a> {
    /// The packet's length when all four addresses were captured.
    fn len(&self) -> Option<usize> {
        self.addrs[TPA].map(|_| field::ADDRESSES + 2 * (usize::from(self.hlen) + usize::from(self.plen)))
    }

    fn kind(&self) -> Kind {
        let [Some(_), Some(spa), Some(tha), Some(tpa)] = self.addrs else { return Kind::Plain };
        match self.opcode {
            op::REQUEST if spa == tpa && tha.iter().all(|&b| b == 0) => Kind::Announcement,
            op::REQUEST | op::REPLY if spa == tpa => Kind::Gratuitous,
            op::REQUEST if spa.iter().all(|&b| b == 0) => Kind::Probe,
            _ => Kind::Plain,
        }
    }

    /// Whether the hardware addresses are MAC addresses.
    fn mac(&self) -> bool {
        self.hlen == MAC_LEN && MAC_HW_TYPES.contains(&self.hw_type)
    }

    /// Whether the protocol addresses are IPv4 addresses.
    fn ipv4(&self) -> bool {
        self.plen == 4 && self.proto_type == ETHERTYPE_IPV4
    }

    /// Address `i` as the Info column and the details show it.
    fn text(&self, i: usize) -> Addr<'a> {
        let bytes = self.addrs[i].unwrap_or_default();
        let kind = if i.is_multiple_of(2) { self.mac() } else { self.ipv4() };
        Addr { bytes, typed: kind }
    }

    /// The details title's word for the packet.
    fn title(&self) -> Cow<'static, str> {
        match (self.kind(), self.opcode) {
            (Kind::Announcement, _) => "ARP Announcement".into(),
            (Kind::Probe, _) => "ARP Probe".into(),
            (Kind::Gratuitous, op::REQUEST) => "request/gratuitous ARP".into(),
            (Kind::Gratuitous, _) => "reply/gratuitous ARP".into(),
            (_, code) => match opcode_name(code) {
                Some(name) => name.into(),
                None => format!("opcode 0x{code:04x}").into(),
            },
        }
    }
}

/// An address: a MAC or IPv4 address, or bytes in hex cut after [`BYTES_SHOWN`].
struct Addr<'a> {
    bytes: &'a [u8],
    typed: bool,
}

impl fmt::Display for Addr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.typed, self.bytes.len()) {
            (true, 4) => write!(f, "{}", Ipv4Addr::new(self.bytes[0], self.bytes[1], self.bytes[2], self.bytes[3])),
            (true, _) => write!(f, "{}", Mac(self.bytes)),
            (false, n) if n > BYTES_SHOWN => write!(f, "{}…", Hex(&self.bytes[..BYTES_SHOWN])),
            (false, _) => write!(f, "{}", Hex(self.bytes)),
        }
    }
}

/// The Protocol column of an opcode.
fn column(code: u16) -> &'static str {
    match code {
        op::REVERSE_REQUEST | op::REVERSE_REPLY => "RARP",
        op::DRARP_REQUEST..=op::DRARP_ERROR => "DRARP",
        op::INVERSE_REQUEST | op::INVERSE_REPLY => "Inverse ARP",
        11..=22 => "MARS",
        op::MAPOS_UNARP => "MAPOS",
        _ => "ARP",
    }
}

/// The Info column of a whole packet, in tshark's words.
fn info(m: &Msg<'_>, out: &mut String) -> fmt::Result {
    let (sha, spa, tha, tpa) = (m.text(SHA), m.text(SPA), m.text(THA), m.text(TPA));
    match (m.opcode, m.kind()) {
        (op::REQUEST, Kind::Announcement) => write!(out, "ARP Announcement for {spa}"),
        (op::REQUEST, Kind::Gratuitous) => write!(out, "Gratuitous ARP for {spa} (Request)"),
        (op::REQUEST, Kind::Probe) => write!(out, "Who has {tpa}? (ARP Probe)"),
        (op::REQUEST, _) => write!(out, "Who has {tpa}? Tell {spa}"),
        (op::REPLY, Kind::Gratuitous) => write!(out, "Gratuitous ARP for {spa} (Reply)"),
        (op::REPLY, _) => write!(out, "{spa} is at {sha}"),
        (op::REVERSE_REQUEST | op::DRARP_REQUEST | op::INVERSE_REQUEST, _) => write!(out, "Who is {tha}? Tell {sha}"),
        (op::REVERSE_REPLY | op::DRARP_REPLY, _) => write!(out, "{tha} is at {tpa}"),
        (op::INVERSE_REPLY, _) => write!(out, "{sha} is at {spa}"),
        (op::DRARP_ERROR, _) => out.write_str("DRARP Error"),
        (op::NAK, _) => out.write_str("ARP NAK"),
        (code @ 11..=22, _) => write!(out, "{} from {sha} at {spa}", mars(code).1),
        (op::MAPOS_UNARP, _) => write!(out, "MAPOS UNARP request from {sha} at {spa}"),
        (op::EXPERIMENTAL_1, _) => out.write_str("Experimental 1 ( opcode 24 )"),
        (op::EXPERIMENTAL_2, _) => out.write_str("Experimental 2 ( opcode 25 )"),
        (code @ (0 | op::RESERVED_LAST), _) => write!(out, "Reserved opcode {code}"),
        (code, _) => write!(out, "Unknown ARP opcode 0x{code:04x}"),
    }
}

impl Dissector for Arp {
    fn name(&self) -> &'static str {
        "arp"
    }

    fn title(&self) -> &'static str {
        "Address Resolution Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        decode(pdu).map_or("ARP", |m| column(m.opcode))
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE_ARP), Claim::EtherType(ETHERTYPE_RARP)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn len(&self, pdu: &[u8]) -> Option<usize> {
        decode(pdu)?.len()
    }

    /// A malformed packet's protocol item never got its text in tshark (the
    /// exception came first): its fields view shows the filter name.
    fn label(&self, pdu: &[u8]) -> String {
        match decode(pdu) {
            Some(m) if m.len().is_some() => format!("{} ({})", self.title(), m.title()),
            _ => self.name().to_string(),
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        match decode(pdu) {
            Some(m) if m.len().is_some() => {
                let _ = info(&m, out);
            }
            _ => out.push_str("[Malformed Packet]"),
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let m = decode(pdu);
        let whole = m.as_ref().and_then(Msg::len);
        let title = if whole.is_some() { self.label(pdu) } else { self.title().to_string() };
        out.at(0).proto("arp").bytes(o, whole.unwrap_or(pdu.len())).line(format_args!("{title}"));
        let Some(m) = m else {
            header_items(out, pdu, o);
            malformed(out, "ARP/RARP");
            return;
        };
        header_items(out, pdu, o);
        if whole.is_none() {
            // As tshark, no address of a packet cut before its last one.
            malformed(out, "ARP/RARP");
            return;
        }
        flags(out, m.kind());
        addresses(out, &m, o);
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(m) = decode(pdu) else { return };
        if m.len().is_none() && field > 5 {
            // As the tree: no address or flag of a malformed packet.
            return;
        }
        let uint = |v: u64| Value::Uint(v);
        let v = match field {
            1 => uint(u64::from(m.hw_type)),
            2 => Value::Hex { value: u64::from(m.proto_type), digits: 4 },
            3 => uint(u64::from(m.hlen)),
            4 => uint(u64::from(m.plen)),
            5 => uint(u64::from(m.opcode)),
            6..=13 => {
                let i = (field - 6) % 4;
                let typed = if i.is_multiple_of(2) { m.mac() } else { m.ipv4() };
                let Some(bytes) = m.addrs[i].filter(|_| typed == (field < 10)) else { return };
                match (typed, i % 2) {
                    (true, 1) => Value::Ip(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).into()),
                    (true, _) => Value::Str(Cow::Owned(Mac(bytes).to_string())),
                    _ => Value::Str(Cow::Owned(Hex(bytes).to_string())),
                }
            }
            14 if m.kind() != Kind::Plain && m.kind() != Kind::Probe => Value::Bool(true),
            15 if m.kind() == Kind::Probe => Value::Bool(true),
            16 if m.kind() == Kind::Announcement => Value::Bool(true),
            _ => return,
        };
        out.push(v);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(AddressTable::default()))
    }

    fn recalled_info(&self, _pdu: &[u8], recall: &Recall, out: &mut String) {
        let d = Duplicate::from(recall);
        if d.in_info {
            let _ = write!(out, " (duplicate use of {} detected!)", d.ip);
        }
    }

    fn recalled_tree(&self, recall: &Recall, out: &mut Tree) {
        let d = Duplicate::from(recall);
        let (ip, frame) = (d.ip, recall.frame);
        out.at(0).line(format_args!(
            "[Duplicate IP address detected for {ip} ({}) - also in use by {} (frame {frame})]",
            Mac(&d.mac),
            Mac(&d.earlier_mac)
        ));
        out.at(1)
            .field("arp.duplicate-address-frame", Ftype::Framenum, frame)
            .line(format_args!("[Frame showing earlier use of IP address: {frame}]"));
        let message = format!("Duplicate IP address configured ({ip})");
        out.expert(2, "arp.duplicate-address-detected", Severity::Warning, Group::Sequence, &message);
        out.at(1)
            .field("arp.seconds-since-duplicate-address-frame", Ftype::Uint32, recall.secs)
            .line(format_args!("[Seconds since earlier frame seen: {}]", recall.secs));
    }

    fn recalled_values<'p>(&self, recall: &Recall, field: usize, out: &mut Vec<Value<'p>>) {
        match field {
            dup_field::FRAME => out.push(Value::Uint(u64::from(recall.frame))),
            dup_field::SECONDS => out.push(Value::Uint(u64::from(recall.secs))),
            dup_field::DETECTED => out.push(Value::Present),
            _ => {}
        }
    }

    fn recalled_note(&self, recall: &Recall, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = Duplicate::from(recall);
        write!(
            out,
            "duplicate address: {} claims {}, which {} claimed in frame {}: two hosts configured with one IP \
             address, or a host poisoning ARP caches to take over another's traffic",
            Mac(&d.mac),
            d.ip,
            Mac(&d.earlier_mac),
            recall.frame
        )
    }
}

/// How many IPv4 addresses [`AddressTable`] remembers; addresses seen after it is
/// full are not checked (a capture of random ARP traffic must not grow it without end).
pub const ADDRESS_TABLE_CAPACITY: usize = 65_536;

/// [`Recall::flags`] bit: the duplicate is named in the Info column.
const IN_INFO: u8 = 1;

/// Where an address was last seen: the MAC address that claimed it, the frame
/// and the frame's whole seconds since the epoch.
#[derive(Clone, Copy)]
struct Seen {
    mac: [u8; 6],
    frame: u32,
    secs: i64,
}

/// ARP's capture state, tshark's duplicate-address check: for each IPv4 address,
/// the MAC address a request or reply last gave it. A sender (and, in a reply,
/// a target) with a unicast, non-zero MAC address and a non-zero IPv4 address is
/// checked: the same MAC refreshes the entry; another MAC is a duplicate use,
/// reported with the entry, which is kept (the first claimant stays the reference).
#[derive(Default)]
pub struct AddressTable {
    /// By IPv4 address, as a number (one multiply to hash).
    seen: FxHashMap<u32, Seen>,
}

impl AddressTable {
    /// Checks `mac` claiming `ip` in `frame`; the earlier claim when it differs.
    fn check(&mut self, mac: [u8; 6], ip: Ipv4Addr, frame: u32, secs: i64) -> Option<Seen> {
        let key = u32::from(ip);
        match self.seen.get_mut(&key) {
            Some(e) if frame > e.frame && e.mac == mac => {
                e.frame = frame;
                e.secs = secs;
                None
            }
            Some(e) if frame > e.frame => Some(*e),
            Some(_) => None,
            None => {
                if self.seen.len() < ADDRESS_TABLE_CAPACITY {
                    self.seen.insert(key, Seen { mac, frame, secs });
                }
                None
            }
        }
    }
}

/// A MAC and IPv4 address pair the check takes: a unicast, non-zero MAC address
/// and a non-zero IPv4 address.
fn checked_pair(hw: Option<&[u8]>, proto: Option<&[u8]>) -> Option<([u8; 6], Ipv4Addr)> {
    let mac: [u8; 6] = hw?.try_into().ok()?;
    let ip: [u8; 4] = proto?.try_into().ok()?;
    let multicast = mac[0] & 1 != 0;
    (!multicast && mac != [0; 6] && ip != [0; 4]).then_some((mac, Ipv4Addr::from(ip)))
}

impl CaptureState for AddressTable {
    fn frame(&mut self, pdu: &[u8], frame: u32, secs: i64) -> Option<Recall> {
        let m = decode(pdu)?;
        m.len()?;
        if !matches!(m.opcode, op::REQUEST | op::REPLY) || !m.mac() || !m.ipv4() {
            return None;
        }
        // As tshark: the sender, then (in a reply) the target unless it is the
        // address just found duplicated; the Info column says whether the last
        // check found one.
        let mut found: Option<Duplicate> = None;
        let mut in_info = false;
        if let Some((mac, ip)) = checked_pair(m.addrs[SHA], m.addrs[SPA]) {
            let earlier = self.check(mac, ip, frame, secs);
            in_info = earlier.is_some();
            found = earlier.map(|e| Duplicate::new(ip, mac, e)).or(found);
        }
        if m.opcode == op::REPLY {
            if let Some((mac, ip)) = checked_pair(m.addrs[THA], m.addrs[TPA]) {
                if found.is_none_or(|f| f.ip != ip) {
                    let earlier = self.check(mac, ip, frame, secs);
                    in_info = earlier.is_some();
                    found = earlier.map(|e| Duplicate::new(ip, mac, e)).or(found);
                }
            }
        }
        found.map(|d| d.recall(secs, in_info))
    }
}

/// A duplicate use of an address, as a [`Recall`] carries it: the address, the
/// MAC address that claims it now, the one that claimed it in the earlier frame.
#[derive(Clone, Copy)]
struct Duplicate {
    ip: Ipv4Addr,
    mac: [u8; 6],
    earlier_mac: [u8; 6],
    earlier_frame: u32,
    earlier_secs: i64,
    in_info: bool,
}

impl Duplicate {
    fn new(ip: Ipv4Addr, mac: [u8; 6], earlier: Seen) -> Duplicate {
        Duplicate {
            ip,
            mac,
            earlier_mac: earlier.mac,
            earlier_frame: earlier.frame,
            earlier_secs: earlier.secs,
            in_info: false,
        }
    }

    /// The recall of a frame captured at `secs`; `in_info` when the Info column names it.
    fn recall(&self, secs: i64, in_info: bool) -> Recall {
        let mut bytes = [0; RECALL_BYTES];
        bytes[..4].copy_from_slice(&self.ip.octets());
        bytes[4..10].copy_from_slice(&self.earlier_mac);
        bytes[10..16].copy_from_slice(&self.mac);
        // As tshark's 32-bit field: a clock that went back wraps around.
        let since = secs.wrapping_sub(self.earlier_secs) as u32;
        Recall { frame: self.earlier_frame, secs: since, bytes, flags: if in_info { IN_INFO } else { 0 } }
    }
}

impl From<&Recall> for Duplicate {
    fn from(r: &Recall) -> Duplicate {
        let b = &r.bytes;
        let mac = |at: usize| [b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5]];
        Duplicate {
            ip: Ipv4Addr::new(b[0], b[1], b[2], b[3]),
            earlier_mac: mac(4),
            mac: mac(10),
            earlier_frame: r.frame,
            earlier_secs: 0,
            in_info: r.flags & IN_INFO != 0,
        }
    }
}

/// The fixed header's items, as far as the packet goes.
fn header_items(out: &mut Tree, pdu: &[u8], o: usize) {
    let u16_at = |at: usize| pdu.get(at..at + 2).map(|b| be16(b, 0));
    let Some(hw) = u16_at(field::HTYPE) else { return };
    out.at(1)
        .field("arp.hw.type", Ftype::Uint16, hw)
        .bytes(o + field::HTYPE, 2)
        .line(format_args!("Hardware type: {} ({hw})", hw_type_name(hw)));
    let Some(pt) = u16_at(field::PTYPE) else { return };
    out.at(1)
        .field("arp.proto.type", Ftype::Uint16, Value::Hex { value: u64::from(pt), digits: 4 })
        .bytes(o + field::PTYPE, 2)
        .line(format_args!("Protocol type: {} (0x{pt:04x})", ethertype_name(pt).unwrap_or("Unknown")));
    let sizes = [("arp.hw.size", "Hardware size", field::HLEN), ("arp.proto.size", "Protocol size", field::PLEN)];
    for (name, label, at) in sizes {
        let Some(&n) = pdu.get(at) else { return };
        out.at(1).field(name, Ftype::Uint8, n).bytes(o + at, 1).line(format_args!("{label}: {n}"));
    }
    let Some(code) = u16_at(field::OPER) else { return };
    let item = out.at(1).field("arp.opcode", Ftype::Uint16, code).bytes(o + field::OPER, 2);
    match opcode_name(code) {
        Some(name) => item.line(format_args!("Opcode: {name} ({code})")),
        None => item.line(format_args!("Opcode: Unknown ({code})")),
    }
}

/// tshark's generated flags for a gratuitous ARP, an announcement or a probe.
fn flags(out: &mut Tree, kind: Kind) {
    let shown: &[(&'static str, &str)] = match kind {
        Kind::Announcement => &[("arp.isgratuitous", "Is gratuitous"), ("arp.isannouncement", "Is announcement")],
        Kind::Gratuitous => &[("arp.isgratuitous", "Is gratuitous")],
        Kind::Probe => &[("arp.isprobe", "Is probe")],
        Kind::Plain => &[],
    };
    for (name, label) in shown {
        out.at(1).field(name, Ftype::Boolean, 1).line(format_args!("[{label}: True]"));
    }
}

/// The four addresses, each as a MAC, IPv4 or byte field.
fn addresses(out: &mut Tree, m: &Msg<'_>, o: usize) {
    const ITEMS: [(&str, &str, &str, &str); 4] = [
        ("arp.src.hw_mac", "Sender MAC address", "arp.src.hw", "Sender hardware address"),
        ("arp.src.proto_ipv4", "Sender IP address", "arp.src.proto", "Sender protocol address"),
        ("arp.dst.hw_mac", "Target MAC address", "arp.dst.hw", "Target hardware address"),
        ("arp.dst.proto_ipv4", "Target IP address", "arp.dst.proto", "Target protocol address"),
    ];
    let mut at = o + field::ADDRESSES;
    for (i, (typed_name, typed_label, bytes_name, bytes_label)) in ITEMS.into_iter().enumerate() {
        let Some(bytes) = m.addrs[i] else { return };
        if bytes.is_empty() {
            continue;
        }
        let text = m.text(i);
        let (name, label, ftype) = match (text.typed, i % 2) {
            (true, 0) => (typed_name, typed_label, Ftype::Ether),
            (true, _) => (typed_name, typed_label, Ftype::Ipv4),
            _ => (bytes_name, bytes_label, Ftype::Bytes),
        };
        let item = match ftype {
            Ftype::Ipv4 => out.at(1).field(name, ftype, &text),
            _ => out.at(1).field(name, ftype, Mac(bytes)),
        };
        item.bytes(at, bytes.len()).line(format_args!("{label}: {text}"));
        at += bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request from 192.168.1.1 for 192.168.1.2.
    const REQUEST_PDU: &[u8] = &[
        0, 1, 8, 0, 6, 4, 0, 1, // Ethernet, IPv4, sizes, request
        2, 0, 0, 0, 0, 1, 192, 168, 1, 1, // sender
        0, 0, 0, 0, 0, 0, 192, 168, 1, 2, // target
    ];

    #[test]
    fn a_request_asks_who_has_the_target() {
        let mut info = String::new();
        Arp.info(REQUEST_PDU, Ctx::default(), &mut info);
        assert_eq!(info, "Who has 192.168.1.2? Tell 192.168.1.1");
        assert_eq!(Arp.label(REQUEST_PDU), "Address Resolution Protocol (request)");
        let mut vals = Vec::new();
        Arp.values(REQUEST_PDU, Ctx::default(), 7, &mut vals);
        assert_eq!(vals, [Value::Ip("192.168.1.1".parse().unwrap())]);
    }

    #[test]
    fn the_tree_gives_every_field_its_bytes() {
        let mut t = Tree::new();
        Arp.tree(REQUEST_PDU, Ctx::default(), 14, &mut t);
        let fields: Vec<(&str, String, u32, u32)> = t
            .items()
            .iter()
            .filter_map(|i| i.bytes.map(|b| (i.field, t.value(i).to_string(), b.offset, b.len)))
            .collect();
        assert_eq!(fields[0], ("arp", String::new(), 14, 28));
        assert_eq!(fields[2], ("arp.proto.type", "0x0800".into(), 16, 2));
        assert_eq!(fields[6], ("arp.src.hw_mac", "02:00:00:00:00:01".into(), 22, 6));
        assert_eq!(fields[9], ("arp.dst.proto_ipv4", "192.168.1.2".into(), 38, 4));
        assert_eq!(t.display(&t.items()[0]), "Address Resolution Protocol (request)");
    }

    #[test]
    fn a_reverse_request_asks_who_has_a_mac_address() {
        // The RARP request of zeek's linux_dlt_sll2.pcap, frame 6.
        let pdu =
            [0, 1, 8, 0, 6, 4, 0, 3, 0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2];
        assert_eq!(Arp.column(&pdu), "RARP");
        let mut info = String::new();
        Arp.info(&pdu, Ctx::default(), &mut info);
        assert_eq!(info, "Who is 00:00:00:00:00:00? Tell 8e:36:06:44:ac:af");
        let mut t = Tree::new();
        Arp.tree(&pdu, Ctx::default(), 20, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Address Resolution Protocol (reverse request)");
        assert_eq!(lines[5], "Opcode: reverse request (3)");
    }

    fn info_of(pdu: &[u8]) -> String {
        let mut info = String::new();
        Arp.info(pdu, Ctx::default(), &mut info);
        info
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Arp.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn gratuitous_announcements_and_probes_are_named_as_tshark_names_them() {
        // zeek's icmp_dot1q.pcap frame 1: a reply about the sender's own address.
        let reply = [
            0, 1, 8, 0, 6, 4, 0, 2, 0, 0x19, 6, 0xea, 0xb8, 0xc1, 192, 168, 123, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            192, 168, 123, 1,
        ];
        assert_eq!(info_of(&reply), "Gratuitous ARP for 192.168.123.1 (Reply)");
        assert_eq!(lines(&reply)[0], "Address Resolution Protocol (reply/gratuitous ARP)");
        assert_eq!(lines(&reply)[6], "[Is gratuitous: True]");
        let mut announcement = reply;
        announcement[7] = 1;
        announcement[18..24].fill(0);
        assert_eq!(info_of(&announcement), "ARP Announcement for 192.168.123.1");
        assert_eq!(lines(&announcement)[6..8], ["[Is gratuitous: True]", "[Is announcement: True]"]);
        let mut probe = announcement;
        probe[14..18].fill(0);
        assert_eq!(info_of(&probe), "Who has 192.168.123.1? (ARP Probe)");
        assert_eq!(lines(&probe)[0], "Address Resolution Protocol (ARP Probe)");
        let mut vals = Vec::new();
        Arp.values(&probe, Ctx::default(), 15, &mut vals);
        assert_eq!(vals, [Value::Bool(true)]);
    }

    #[test]
    fn other_address_sizes_are_shown_in_hex() {
        // IPv6 addresses (16 bytes) for an Ethernet address, as zeek's arp-leak.pcap has them.
        let mut pdu = vec![0, 1, 0x86, 0xdd, 6, 16, 0, 1];
        pdu.extend([0, 1, 2, 3, 4, 5]);
        pdu.extend([0xfe, 0x80].iter().chain(&[0; 14]));
        pdu.extend([0; 6]);
        pdu.extend([0xfe, 0x80].iter().chain(&[0; 13]).chain(&[1]));
        assert_eq!(info_of(&pdu), "Who has fe800000000000000000000000000001? Tell fe800000000000000000000000000000");
        let l = lines(&pdu);
        assert_eq!(l[2], "Protocol type: IPv6 (0x86dd)");
        assert_eq!(l[7], "Sender protocol address: fe800000000000000000000000000000");
        let mut vals = Vec::new();
        Arp.values(&pdu, Ctx::default(), 11, &mut vals);
        assert_eq!(vals, [Value::Str("fe800000000000000000000000000000".into())]);
        Arp.values(&pdu, Ctx::default(), 7, &mut vals);
        assert_eq!(vals.len(), 1, "no IPv4 address");
        // A 255-byte hardware address is cut after 36 bytes.
        let mut long = vec![0, 1, 8, 0, 255, 4, 0, 1];
        long.extend([0xab; 255].iter().chain(&[10, 0, 0, 1]).chain(&[0; 255]).chain(&[10, 0, 0, 2]));
        let l = lines(&long);
        assert_eq!(l[6], format!("Sender hardware address: {}…", "ab".repeat(36)));
    }

    #[test]
    fn opcodes_in_tsharks_words() {
        let with_op = |code: u16| {
            let mut pdu = REQUEST_PDU.to_vec();
            pdu[6..8].copy_from_slice(&code.to_be_bytes());
            (Arp.column(&pdu), info_of(&pdu), lines(&pdu)[5].clone())
        };
        assert_eq!(
            with_op(9),
            ("Inverse ARP", "02:00:00:00:00:01 is at 192.168.1.1".into(), "Opcode: inverse reply (9)".into())
        );
        assert_eq!(with_op(7), ("DRARP", "DRARP Error".into(), "Opcode: drarp error (7)".into()));
        assert_eq!(
            with_op(14),
            ("MARS", "MARS JOIN request from 02:00:00:00:00:01 at 192.168.1.1".into(), "Opcode: mars join (14)".into())
        );
        assert_eq!(with_op(0), ("ARP", "Reserved opcode 0".into(), "Opcode: reserved (0)".into()));
        assert_eq!(with_op(255), ("ARP", "Unknown ARP opcode 0x00ff".into(), "Opcode: Unknown (255)".into()));
        assert_eq!(
            lines(&{
                let mut p = REQUEST_PDU.to_vec();
                p[7] = 0xff;
                p
            })[0],
            "Address Resolution Protocol (opcode 0x00ff)"
        );
    }

    /// An Ethernet/IPv4 ARP packet: opcode, sender MAC and IP, target MAC and IP.
    fn arp(opcode: u8, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
        let mut pdu = vec![0, 1, 8, 0, 6, 4, 0, opcode];
        for part in [&sha[..], &spa, &tha, &tpa] {
            pdu.extend_from_slice(part);
        }
        pdu
    }

    const MAC_A: [u8; 6] = [0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79];
    const MAC_B: [u8; 6] = [0x00, 0x1f, 0x29, 0xda, 0x6d, 0x79];
    const ROUTER_MAC: [u8; 6] = [0x00, 0x13, 0x46, 0x0b, 0x22, 0xba];
    const HOST: [u8; 4] = [192, 168, 1, 104];
    const ROUTER: [u8; 4] = [192, 168, 1, 1];

    /// Info, details lines and `arp.duplicate-address-frame` of `pdu` with what `table` recalls of it.
    fn seen(table: &mut AddressTable, pdu: &[u8], frame: u32, secs: i64) -> (String, Vec<String>, Vec<Value<'static>>) {
        let recall = table.frame(pdu, frame, secs);
        let mut info = info_of(pdu);
        let mut t = Tree::new();
        let mut vals = Vec::new();
        if let Some(r) = &recall {
            Arp.recalled_info(pdu, r, &mut info);
            Arp.recalled_tree(r, &mut t);
            for f in [dup_field::FRAME, dup_field::SECONDS, dup_field::DETECTED] {
                Arp.recalled_values(r, f, &mut vals);
            }
        }
        let shown = t.items().iter().map(|i| t.display(i).to_string()).filter(|l| !l.is_empty()).collect();
        (info, shown, vals)
    }

    #[test]
    fn a_second_mac_address_for_an_ip_address_is_a_duplicate_use() {
        // tcpdump's arp-oobr.pcap frames 25 and 26: 192.168.1.104 asked by two MAC addresses.
        let mut table = AddressTable::default();
        let first = arp(1, MAC_A, HOST, [0; 6], ROUTER);
        assert_eq!(seen(&mut table, &first, 25, 77).0, "Who has 192.168.1.1? Tell 192.168.1.104");
        let second = arp(1, MAC_B, HOST, [0; 6], [192, 168, 1, 209]);
        let (info, tree, vals) = seen(&mut table, &second, 26, 81);
        assert_eq!(info, "Who has 192.168.1.209? Tell 192.168.1.104 (duplicate use of 192.168.1.104 detected!)");
        assert_eq!(
            tree,
            [
                "[Duplicate IP address detected for 192.168.1.104 (00:1f:29:da:6d:79) - also in use by \
                 00:1f:29:da:2d:79 (frame 25)]",
                "[Frame showing earlier use of IP address: 25]",
                "[Expert Info (Warning/Sequence): Duplicate IP address configured (192.168.1.104)]",
                "[Duplicate IP address configured (192.168.1.104)]",
                "[Severity level: Warning]",
                "[Group: Sequence]",
                "[Seconds since earlier frame seen: 4]",
            ]
        );
        assert_eq!(vals, [Value::Uint(25), Value::Uint(4), Value::Present]);
        // The first claimant stays the reference: it refreshes its entry, the
        // second one is reported again against it.
        assert_eq!(seen(&mut table, &first, 27, 90).0, "Who has 192.168.1.1? Tell 192.168.1.104");
        assert!(seen(&mut table, &second, 28, 95).0.ends_with("(duplicate use of 192.168.1.104 detected!)"));
        let r = table.frame(&second, 29, 100).expect("still a duplicate");
        assert_eq!((r.frame, r.secs), (27, 10));
    }

    #[test]
    fn a_reply_checks_its_target_and_the_info_column_follows_the_last_check() {
        let mut table = AddressTable::default();
        table.frame(&arp(2, ROUTER_MAC, ROUTER, MAC_A, HOST), 1, 0);
        // A reply claiming the router's address for MAC_B, sent to a host whose
        // address is consistent: the details show the duplicate, the Info column
        // does not (tshark keeps only the last check's answer for it).
        let spoof = arp(2, MAC_B, ROUTER, MAC_A, HOST);
        let (info, tree, _) = seen(&mut table, &spoof, 2, 1);
        assert_eq!(info, "192.168.1.1 is at 00:1f:29:da:6d:79");
        assert!(tree[0].starts_with("[Duplicate IP address detected for 192.168.1.1 (00:1f:29:da:6d:79)"));
        // A reply whose target is the duplicate is named in the Info column.
        let (info, tree, _) = seen(&mut table, &arp(2, ROUTER_MAC, ROUTER, MAC_B, HOST), 3, 2);
        assert_eq!(info, "192.168.1.1 is at 00:13:46:0b:22:ba (duplicate use of 192.168.1.104 detected!)");
        assert!(tree[0].ends_with("also in use by 00:1f:29:da:2d:79 (frame 2)]"));
        // A request's target is not checked.
        assert_eq!(table.frame(&arp(1, MAC_A, HOST, ROUTER_MAC, [192, 168, 1, 1]), 4, 3), None);
    }

    #[test]
    fn only_unicast_addresses_of_ethernet_and_ipv4_are_checked() {
        let mut table = AddressTable::default();
        let broadcast = [0xff; 6];
        for (i, pdu) in [
            arp(2, MAC_A, [0; 4], [0; 6], ROUTER),              // no sender address (a probe's)
            arp(2, [0; 6], HOST, [0; 6], ROUTER),               // no sender MAC
            arp(2, broadcast, HOST, [0; 6], ROUTER),            // a group MAC
            arp(3, MAC_A, HOST, [0; 6], ROUTER),                // RARP
            arp(1, MAC_A, HOST, [0; 6], ROUTER)[..20].to_vec(), // cut short
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(table.frame(pdu, i as u32 + 1, 0), None);
        }
        // None of them took 192.168.1.104, so MAC_B's claim is the first.
        assert_eq!(table.frame(&arp(1, MAC_B, HOST, [0; 6], ROUTER), 10, 0), None);
        assert!(table.frame(&arp(1, MAC_A, HOST, [0; 6], ROUTER), 11, 0).is_some());
        // Hardware type 6 (IEEE 802) addresses are MAC addresses too.
        let mut ieee = arp(1, MAC_A, HOST, [0; 6], ROUTER);
        ieee[1] = 6;
        assert!(table.frame(&ieee, 12, 0).is_some());
    }

    #[test]
    fn the_address_table_is_bounded() {
        let mut table = AddressTable::default();
        for n in 0..ADDRESS_TABLE_CAPACITY as u32 + 10 {
            let ip = (n + 1).to_be_bytes();
            table.frame(&arp(1, MAC_A, ip, [0; 6], ROUTER), n + 1, 0);
        }
        assert_eq!(table.seen.len(), ADDRESS_TABLE_CAPACITY);
        let late = (ADDRESS_TABLE_CAPACITY as u32 + 5).to_be_bytes();
        assert_eq!(table.frame(&arp(1, MAC_B, late, [0; 6], ROUTER), 1 << 20, 0), None, "not remembered");
    }

    #[test]
    fn a_malformed_packet_has_no_address_fields_and_its_filter_name_as_label() {
        // arp-oobr.pcap frame 47: a protocol size of 36 runs past the frame.
        let mut pdu = REQUEST_PDU.to_vec();
        pdu[5] = 36;
        pdu.extend([0; 18]);
        assert_eq!(info_of(&pdu), "[Malformed Packet]");
        assert_eq!(Arp.label(&pdu), "arp");
        assert_eq!(lines(&pdu)[0], "Address Resolution Protocol");
        let mut vals = Vec::new();
        for f in 6..FIELDS.len() {
            Arp.values(&pdu, Ctx::default(), f, &mut vals);
        }
        assert!(vals.is_empty(), "no address of a malformed packet: {vals:?}");
        Arp.values(&pdu, Ctx::default(), 5, &mut vals);
        assert_eq!(vals, [Value::Uint(1)]);
        assert_eq!(AddressTable::default().frame(&pdu, 1, 0), None);
    }

    #[test]
    fn a_cut_packet_is_decoded_as_far_as_it_goes_and_malformed() {
        let cut = &REQUEST_PDU[..20];
        assert_eq!(info_of(cut), "[Malformed Packet]");
        assert_eq!(Arp.len(cut), None);
        let l = lines(cut);
        assert_eq!(l[0], "Address Resolution Protocol");
        assert_eq!(l[5], "Opcode: request (1)");
        assert_eq!(l[6], "[Malformed Packet: ARP/RARP]", "no address of a cut packet");
        for n in 0..REQUEST_PDU.len() {
            let cut = &REQUEST_PDU[..n];
            let _ = (info_of(cut), lines(cut), Arp.label(cut), Arp.column(cut));
            for f in 1..FIELDS.len() {
                Arp.values(cut, Ctx::default(), f, &mut Vec::new());
            }
        }
    }
}
