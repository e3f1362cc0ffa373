//! Link-layer headers of the capture link types socklab decodes: Ethernet II
//! (with 802.1Q/802.1ad VLAN tags), BSD NULL and LOOP, Linux cooked SLL and SLL2,
//! raw IP (DLT 12/14/101, 228, 229), PPP (9, 50), Cisco HDLC (104), Frame Relay
//! (107) and SLIP (8). Other link types are [`LinkType::Other`]: their frames are
//! listed with nothing decoded. Sans-I/O: bytes in, [`Link`] out.
//! Reference: <https://www.tcpdump.org/linktypes.html>.

pub mod fields;
pub mod info;
pub mod tree;

use crate::proto::bytes::{be16, be32};
use crate::sniff::decode_error::{DecodeError, ErrorKind, Layer};

/// EtherType of IPv4 (IEEE 802 numbers).
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of ARP.
pub const ETHERTYPE_ARP: u16 = 0x0806;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
/// EtherType of an 802.1Q VLAN tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// EtherType of an 802.1ad (QinQ) service tag.
pub const ETHERTYPE_QINQ: u16 = 0x88a8;

/// Ethernet II header: destination, source, type (IEEE 802.3 §3.1.1).
pub(crate) const ETH_HEADER_LEN: usize = 14;
/// One VLAN tag: TCI (2) then the inner EtherType (2) (IEEE 802.1Q §9.6).
pub(crate) const VLAN_TAG_LEN: usize = 4;
/// A type field up to 1500 is an IEEE 802.3 length, followed by LLC (IEEE 802.3 §3.2.6).
pub(crate) const MAX_8023_LENGTH: u16 = 1500;
/// Most VLAN tags decoded in a row.
pub const MAX_VLANS: usize = 2;
/// BSD NULL/LOOP header: a 4-byte address family.
pub(crate) const NULL_HEADER_LEN: usize = 4;
/// Linux cooked header v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
pub(crate) const SLL_HEADER_LEN: usize = 16;
/// Linux cooked header v2: protocol, reserved, interface index, ARPHRD type, packet type,
/// address length, 8 address bytes.
pub(crate) const SLL2_HEADER_LEN: usize = 20;
/// PPP in HDLC-like framing starts with address 0xff and control 0x03 (RFC 1662 §3.1).
const PPP_HDLC_PREFIX: [u8; 2] = [0xff, 0x03];
/// PPP protocol number of IPv4 (RFC 1332).
pub const PPP_IPV4: u16 = 0x0021;
/// PPP protocol number of IPv6 (RFC 5072).
pub const PPP_IPV6: u16 = 0x0057;
/// Cisco HDLC: address, control, then an EtherType.
pub(crate) const CHDLC_HEADER_LEN: usize = 4;
/// Frame Relay Q.922 address (2 bytes) then the UI control byte 0x03 (RFC 2427 §2).
const FR_ADDRESS_LEN: usize = 2;
/// Frame Relay UI control byte.
const FR_CONTROL_UI: u8 = 0x03;
/// NLPID of IPv4, IPv6 and SNAP in Frame Relay multiprotocol encapsulation (RFC 2427 §4).
pub const NLPID_IPV4: u8 = 0xcc;
/// NLPID of IPv6.
pub const NLPID_IPV6: u8 = 0x8e;
/// NLPID of a SNAP header (OUI and EtherType follow).
const NLPID_SNAP: u8 = 0x80;
/// libpcap's SLIP pseudo-header: direction byte and 15 bytes of the compressed header.
const SLIP_HEADER_LEN: usize = 16;

/// The link types socklab decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// DLT_EN10MB (1): Ethernet II.
    Ethernet,
    /// DLT_NULL (0): BSD loopback, address family in host byte order.
    Null,
    /// DLT_LOOP (108): OpenBSD loopback, address family in network byte order.
    Loop,
    /// DLT_LINUX_SLL (113): Linux cooked capture v1 (`tcpdump -i any`).
    LinuxSll,
    /// DLT_LINUX_SLL2 (276): Linux cooked capture v2.
    LinuxSll2,
    /// DLT_RAW (12, 14 or 101): raw IPv4 or IPv6.
    Raw,
    /// DLT_IPV4 (228): raw IPv4.
    Ipv4,
    /// DLT_IPV6 (229): raw IPv6.
    Ipv6,
    /// DLT_PPP (9): PPP, with or without the HDLC-like address and control bytes.
    Ppp,
    /// DLT_PPP_SERIAL (50): PPP in HDLC-like framing.
    PppSerial,
    /// DLT_C_HDLC (104): Cisco HDLC.
    CHdlc,
    /// DLT_FRELAY (107): Frame Relay.
    FrameRelay,
    /// DLT_SLIP (8): SLIP with libpcap's 16-byte pseudo-header.
    Slip,
    /// Any other link type: frames are listed, nothing is decoded.
    Other(i32),
}

/// Names and numbers of the supported link types, for error messages.
pub const SUPPORTED: &str = "EN10MB (1), NULL (0), LOOP (108), LINUX_SLL (113), LINUX_SLL2 (276), RAW (12, 14, 101), \
     IPV4 (228), IPV6 (229), PPP (9), PPP_SERIAL (50), C_HDLC (104), FRELAY (107), SLIP (8)";

impl LinkType {
    /// The link type of a DLT / LINKTYPE number, if socklab decodes it.
    pub fn from_dlt(dlt: i32) -> Option<LinkType> {
        Some(match dlt {
            1 => LinkType::Ethernet,
            0 => LinkType::Null,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            12 | 14 | 101 => LinkType::Raw,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            9 => LinkType::Ppp,
            50 => LinkType::PppSerial,
            104 => LinkType::CHdlc,
            107 => LinkType::FrameRelay,
            8 => LinkType::Slip,
            _ => return None,
        })
    }

    /// The link type of a DLT number: a decoded one, else [`LinkType::Other`].
    pub fn of_dlt(dlt: i32) -> LinkType {
        LinkType::from_dlt(dlt).unwrap_or(LinkType::Other(dlt))
    }

    /// Whether socklab decodes this link type.
    pub fn decoded(self) -> bool {
        !matches!(self, LinkType::Other(_))
    }

    /// The protocol names this link layer contributes to `frame.protocols` (tshark's).
    pub fn protocols(self) -> &'static str {
        match self {
            LinkType::Ethernet => "eth:ethertype",
            LinkType::Null | LinkType::Loop => "null",
            LinkType::LinuxSll | LinkType::LinuxSll2 => "sll:ethertype",
            LinkType::Raw => "raw",
            LinkType::Ppp | LinkType::PppSerial => "ppp",
            LinkType::CHdlc => "chdlc",
            LinkType::FrameRelay => "fr",
            LinkType::Slip => "slip",
            LinkType::Ipv4 | LinkType::Ipv6 | LinkType::Other(_) => "",
        }
    }

    /// Wireshark's encapsulation name and number, as in the Frame details.
    pub fn encapsulation(self) -> (&'static str, u32) {
        match self {
            LinkType::Ethernet => ("Ethernet", 1),
            LinkType::Null => ("NULL/Loopback", 15),
            LinkType::Loop => ("OpenBSD loopback", 174),
            LinkType::LinuxSll => ("Linux cooked-mode capture v1", 25),
            LinkType::LinuxSll2 => ("Linux cooked-mode capture v2", 210),
            LinkType::Raw => ("Raw IP", 7),
            LinkType::Ipv4 => ("Raw IPv4", 129),
            LinkType::Ipv6 => ("Raw IPv6", 130),
            LinkType::Ppp | LinkType::PppSerial => ("PPP", 4),
            LinkType::CHdlc => ("Cisco HDLC", 28),
            LinkType::FrameRelay => ("Frame Relay", 26),
            LinkType::Slip => ("SLIP", 3),
            LinkType::Other(_) => ("Unknown", 0),
        }
    }
}

/// libpcap's name of a link type number (pcap-linktype.c), `DLT_<n>` for others.
pub fn dlt_name(dlt: i32) -> std::borrow::Cow<'static, str> {
    match known_dlt_name(dlt) {
        "" => std::borrow::Cow::Owned(format!("DLT_{dlt}")),
        name => std::borrow::Cow::Borrowed(name),
    }
}

/// libpcap's name of a link type number, for the Protocol column ("DLT" when unnamed).
pub fn static_dlt_name(dlt: i32) -> &'static str {
    match known_dlt_name(dlt) {
        "" => "DLT",
        name => name,
    }
}

/// libpcap's name of a link type number, "" when socklab does not know it.
fn known_dlt_name(dlt: i32) -> &'static str {
    match dlt {
        0 => "NULL",
        1 => "EN10MB",
        3 => "AX25",
        6 => "IEEE802",
        7 => "ARCNET",
        8 => "SLIP",
        9 => "PPP",
        10 => "FDDI",
        11 => "ATM_RFC1483",
        12 | 14 | 101 => "RAW",
        19 => "ATM_CLIP",
        50 => "PPP_SERIAL",
        51 => "PPP_ETHER",
        104 => "C_HDLC",
        105 => "IEEE802_11",
        107 => "FRELAY",
        108 => "LOOP",
        113 => "LINUX_SLL",
        119 => "PRISM_HEADER",
        122 => "IP_OVER_FC",
        123 => "SUNATM",
        127 => "IEEE802_11_RADIO",
        129 => "ARCNET_LINUX",
        132 => "JUNIPER_ES",
        137 => "JUNIPER_ATM1",
        143 => "DOCSIS",
        144 => "LINUX_IRDA",
        163 => "IEEE802_11_RADIO_AVS",
        164 => "JUNIPER_MONITOR",
        165 => "BACNET_MS_TP",
        166 => "PPP_PPPD",
        178 => "JUNIPER_ETHER",
        182 => "MFR",
        187 => "BLUETOOTH_HCI_H4",
        189 => "USB_LINUX",
        192 => "PPI",
        195 => "IEEE802_15_4",
        201 => "BLUETOOTH_HCI_H4_WITH_PHDR",
        220 => "USB_LINUX_MMAPPED",
        226 => "IPNET",
        227 => "CAN_SOCKETCAN",
        228 => "IPV4",
        229 => "IPV6",
        231 => "DBUS",
        239 => "NFLOG",
        240 => "NETANALYZER",
        242 => "IPOIB",
        249 => "USBPCAP",
        258 => "PKTAP",
        263 => "PROFIBUS_DL",
        271 => "VSOCK",
        276 => "LINUX_SLL2",
        281 => "DSA_TAG_BRCM",
        282 => "DSA_TAG_BRCM_PREPEND",
        283 => "IEEE802_15_4_TAP",
        284 => "DSA_TAG_DSA",
        285 => "DSA_TAG_EDSA",
        _ => "",
    }
}

/// An 802.1Q tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Vlan {
    /// Tag protocol identifier (0x8100 or 0x88a8).
    pub tpid: u16,
    /// Priority code point, drop eligible indicator and VLAN id.
    pub tci: u16,
    /// The EtherType that follows the tag.
    pub inner_type: u16,
}

/// The Linux cooked header fields (v1 and v2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sll {
    /// Packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub pkttype: u16,
    /// ARPHRD link-layer address type (772 loopback, 1 Ethernet).
    pub hatype: u16,
    /// Bytes of `addr` in use.
    pub addr_len: u16,
    /// Link-layer source address.
    pub addr: [u8; 8],
    /// Interface index (v2 only).
    pub ifindex: u32,
}

/// What the link layer carries next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// An EtherType (IPv4, IPv6, ARP, anything else).
    EtherType(u16),
    /// A NULL/LOOP address family socklab does not know.
    Family(u32),
    /// An IEEE 802.3 length field: LLC follows, which socklab does not decode.
    Length(u16),
    /// A PPP protocol other than IPv4 and IPv6, not decoded.
    Ppp(u16),
    /// A Frame Relay NLPID other than IPv4, IPv6 and SNAP, not decoded.
    Nlpid(u8),
    /// Nothing socklab decodes follows (an undecoded link type, a compressed SLIP packet).
    Undecoded,
}

/// A decoded link-layer header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The link type.
    pub kind: LinkType,
    /// Where the header starts in the frame: 0, or for the frame a tunnel
    /// carries (Ethernet in GRE, VXLAN), after the tunnel's headers.
    pub offset: usize,
    /// Bytes of link header (including VLAN tags) before the payload.
    pub header_len: usize,
    /// What follows.
    pub next: Next,
    /// Ethernet destination (Ethernet only).
    pub eth_dst: [u8; 6],
    /// Ethernet source (Ethernet only).
    pub eth_src: [u8; 6],
    /// The outer EtherType / SLL protocol as on the wire.
    pub eth_type: u16,
    /// VLAN tags, outermost first; `vlan_count` valid.
    pub vlans: [Vlan; MAX_VLANS],
    /// How many `vlans` are valid.
    pub vlan_count: u8,
    /// NULL/LOOP address family as decoded.
    pub family: u32,
    /// Linux cooked header fields.
    pub sll: Sll,
    /// PPP protocol, Cisco HDLC type or Frame Relay NLPID as on the wire.
    pub link_proto: u16,
    /// Frame Relay DLCI; SLIP direction (0 received, 1 sent).
    pub dlci: u16,
}

impl Link {
    fn new(kind: LinkType, header_len: usize, next: Next) -> Link {
        Link {
            kind,
            offset: 0,
            header_len,
            next,
            eth_dst: [0; 6],
            eth_src: [0; 6],
            eth_type: 0,
            vlans: [Vlan::default(); MAX_VLANS],
            vlan_count: 0,
            family: 0,
            sll: Sll::default(),
            link_proto: 0,
            dlci: 0,
        }
    }

    /// The VLAN tags actually present.
    pub fn vlans(&self) -> &[Vlan] {
        &self.vlans[..usize::from(self.vlan_count)]
    }
}

/// Decodes the link header of `data` for link type `kind`.
pub fn parse(kind: LinkType, data: &[u8]) -> Result<Link, DecodeError> {
    match kind {
        LinkType::Ethernet => ethernet(data),
        LinkType::Null => null(data, false),
        LinkType::Loop => null(data, true),
        LinkType::LinuxSll => sll(data),
        LinkType::LinuxSll2 => sll2(data),
        LinkType::Raw => raw(data),
        LinkType::Ipv4 => raw_version(kind, data, 4, ETHERTYPE_IPV4),
        LinkType::Ipv6 => raw_version(kind, data, 6, ETHERTYPE_IPV6),
        LinkType::Ppp | LinkType::PppSerial => ppp(kind, data),
        LinkType::CHdlc => chdlc(data),
        LinkType::FrameRelay => frame_relay(data),
        LinkType::Slip => slip(data),
        LinkType::Other(_) => Ok(Link::new(kind, 0, Next::Undecoded)),
    }
}

/// PPP (RFC 1661 §2): optional HDLC-like address and control bytes (RFC 1662
/// §3.1), then the protocol field, one byte when compressed (odd value, RFC 1661 §6.5).
fn ppp(kind: LinkType, data: &[u8]) -> Result<Link, DecodeError> {
    let at = if data.starts_with(&PPP_HDLC_PREFIX) { PPP_HDLC_PREFIX.len() } else { 0 };
    let Some(&first) = data.get(at) else {
        return Err(truncated(Layer::Ppp, 0, at + 2, data.len()));
    };
    let (proto, len) = if first & 1 == 1 {
        (u16::from(first), 1)
    } else {
        match data.get(at + 1) {
            Some(&second) => (u16::from_be_bytes([first, second]), 2),
            None => return Err(truncated(Layer::Ppp, 0, at + 2, data.len())),
        }
    };
    let next = match proto {
        PPP_IPV4 => Next::EtherType(ETHERTYPE_IPV4),
        PPP_IPV6 => Next::EtherType(ETHERTYPE_IPV6),
        p => Next::Ppp(p),
    };
    let mut link = Link::new(kind, at + len, next);
    link.link_proto = proto;
    Ok(link)
}

/// Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, EtherType.
fn chdlc(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < CHDLC_HEADER_LEN {
        return Err(truncated(Layer::Chdlc, 0, CHDLC_HEADER_LEN, data.len()));
    }
    let proto = be16(data, field::chdlc::PROTOCOL.start);
    let mut link = Link::new(LinkType::CHdlc, CHDLC_HEADER_LEN, Next::EtherType(proto));
    link.link_proto = proto;
    link.eth_type = proto;
    Ok(link)
}

/// Frame Relay (ITU-T Q.922 address) with multiprotocol encapsulation (RFC 2427
/// §4): control 0x03, optional pad 0x00, NLPID (IPv4, IPv6, or SNAP + EtherType);
/// without the UI control byte, Cisco's encapsulation: an EtherType.
fn frame_relay(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < FR_ADDRESS_LEN + 2 {
        return Err(truncated(Layer::FrameRelay, 0, FR_ADDRESS_LEN + 2, data.len()));
    }
    let dlci = (u16::from(data[0] >> 2) << 4) | u16::from(data[1] >> 4);
    let mut at = FR_ADDRESS_LEN;
    let mut link = Link::new(LinkType::FrameRelay, at, Next::Undecoded);
    link.dlci = dlci;
    if data[at] != FR_CONTROL_UI {
        // Cisco encapsulation: an EtherType right after the address.
        let ty = be16(data, at);
        link.link_proto = ty;
        link.header_len = at + 2;
        link.next = Next::EtherType(ty);
        return Ok(link);
    }
    at += 1;
    if data[at] == 0 {
        at += 1;
    }
    let Some(&nlpid) = data.get(at) else {
        return Err(truncated(Layer::FrameRelay, 0, at + 1, data.len()));
    };
    link.link_proto = u16::from(nlpid);
    at += 1;
    link.next = match nlpid {
        NLPID_IPV4 => Next::EtherType(ETHERTYPE_IPV4),
        NLPID_IPV6 => Next::EtherType(ETHERTYPE_IPV6),
        NLPID_SNAP => {
            // OUI (3 bytes) then the EtherType.
            if data.len() < at + 5 {
                return Err(truncated(Layer::FrameRelay, 0, at + 5, data.len()));
            }
            let ty = be16(data, at + 3);
            at += 5;
            Next::EtherType(ty)
        }
        n => Next::Nlpid(n),
    };
    link.header_len = at;
    Ok(link)
}

/// SLIP as libpcap stores it: a 16-byte pseudo-header (direction, then the
/// compressed header bytes) and the IP packet; a compressed (RFC 1144) packet is
/// not decoded.
fn slip(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < SLIP_HEADER_LEN + 1 {
        return Err(truncated(Layer::Slip, 0, SLIP_HEADER_LEN + 1, data.len()));
    }
    let next = match data[SLIP_HEADER_LEN] >> 4 {
        4 => Next::EtherType(ETHERTYPE_IPV4),
        6 => Next::EtherType(ETHERTYPE_IPV6),
        _ => Next::Undecoded,
    };
    let mut link = Link::new(LinkType::Slip, SLIP_HEADER_LEN, next);
    link.dlci = u16::from(data[0]);
    Ok(link)
}

fn truncated(layer: Layer, offset: usize, needed: usize, have: usize) -> DecodeError {
    DecodeError { layer, offset, kind: ErrorKind::Truncated { needed, have } }
}

/// Byte offsets of the fields of the link headers, from the header's start.
pub(crate) mod field {
    use std::ops::Range;

    /// Ethernet II (IEEE 802.3 §3.1.1).
    pub mod eth {
        use super::Range;
        /// Destination MAC address.
        pub const DST: Range<usize> = 0..6;
        /// Source MAC address.
        pub const SRC: Range<usize> = 6..12;
        /// EtherType, or the length of an 802.3 frame.
        pub const ETHERTYPE: Range<usize> = 12..14;
    }

    /// An 802.1Q tag after its TPID (IEEE 802.1Q §9.6), from the tag's start.
    pub mod vlan {
        use super::Range;
        /// Tag control information: priority, DEI, VLAN ID.
        pub const TCI: Range<usize> = 0..2;
        /// The EtherType of what follows the tag.
        pub const INNER_TYPE: Range<usize> = 2..4;
    }

    /// Linux cooked capture v1 (`LINKTYPE_LINUX_SLL`).
    pub mod sll {
        use super::Range;
        /// Packet type (to us, broadcast, outgoing…).
        pub const PKTTYPE: Range<usize> = 0..2;
        /// ARPHRD_ type of the device.
        pub const HATYPE: Range<usize> = 2..4;
        /// Length of the link-layer address.
        pub const ADDR_LEN: Range<usize> = 4..6;
        /// Link-layer address, zero-padded to 8 bytes.
        pub const ADDR: Range<usize> = 6..14;
        /// Protocol type (an EtherType).
        pub const PROTOCOL: Range<usize> = 14..16;
    }

    /// Linux cooked capture v2 (`LINKTYPE_LINUX_SLL2`).
    pub mod sll2 {
        use super::Range;
        /// Protocol type (an EtherType).
        pub const PROTOCOL: Range<usize> = 0..2;
        /// Interface index.
        pub const IFINDEX: Range<usize> = 4..8;
        /// ARPHRD_ type of the device.
        pub const HATYPE: Range<usize> = 8..10;
        /// Packet type.
        pub const PKTTYPE: usize = 10;
        /// Length of the link-layer address.
        pub const ADDR_LEN: usize = 11;
        /// Link-layer address, zero-padded to 8 bytes.
        pub const ADDR: Range<usize> = 12..20;
    }

    /// Cisco HDLC: address, control, protocol.
    pub mod chdlc {
        use super::Range;
        /// Protocol type (an EtherType).
        pub const PROTOCOL: Range<usize> = 2..4;
    }
}

/// Ethernet II with up to [`MAX_VLANS`] tags (IEEE 802.3, 802.1Q).
fn ethernet(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < ETH_HEADER_LEN {
        return Err(truncated(Layer::Ethernet, 0, ETH_HEADER_LEN, data.len()));
    }
    let eth_type = be16(data, field::eth::ETHERTYPE.start);
    let mut link = Link::new(LinkType::Ethernet, ETH_HEADER_LEN, Next::EtherType(eth_type));
    if eth_type <= MAX_8023_LENGTH {
        link.next = Next::Length(eth_type);
    }
    link.eth_dst.copy_from_slice(&data[field::eth::DST]);
    link.eth_src.copy_from_slice(&data[field::eth::SRC]);
    link.eth_type = eth_type;
    let mut ty = eth_type;
    while (ty == ETHERTYPE_VLAN || ty == ETHERTYPE_QINQ) && usize::from(link.vlan_count) < MAX_VLANS {
        let at = link.header_len;
        if data.len() < at + VLAN_TAG_LEN {
            return Err(truncated(Layer::Vlan, at, VLAN_TAG_LEN, data.len() - at));
        }
        let inner = be16(data, at + field::vlan::INNER_TYPE.start);
        link.vlans[usize::from(link.vlan_count)] =
            Vlan { tpid: ty, tci: be16(data, at + field::vlan::TCI.start), inner_type: inner };
        link.vlan_count += 1;
        link.header_len += VLAN_TAG_LEN;
        ty = inner;
    }
    if link.vlan_count > 0 {
        link.next = if ty <= MAX_8023_LENGTH { Next::Length(ty) } else { Next::EtherType(ty) };
    }
    Ok(link)
}

/// BSD NULL (host byte order) or LOOP (network byte order) loopback header.
fn null(data: &[u8], network_order: bool) -> Result<Link, DecodeError> {
    if data.len() < NULL_HEADER_LEN {
        return Err(truncated(Layer::Null, 0, NULL_HEADER_LEN, data.len()));
    }
    let raw = [data[0], data[1], data[2], data[3]];
    let be = u32::from_be_bytes(raw);
    // NULL is in the capturing host's order: a family fits in 16 bits, so a value
    // with high bits set was written little-endian.
    let family = if network_order || be & 0xffff_0000 == 0 { be } else { u32::from_le_bytes(raw) };
    let next = match family {
        2 => Next::EtherType(ETHERTYPE_IPV4),
        10 | 24 | 28 | 30 => Next::EtherType(ETHERTYPE_IPV6),
        f => Next::Family(f),
    };
    let kind = if network_order { LinkType::Loop } else { LinkType::Null };
    let mut link = Link::new(kind, NULL_HEADER_LEN, next);
    link.family = family;
    Ok(link)
}

/// Linux cooked capture v1.
fn sll(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < SLL_HEADER_LEN {
        return Err(truncated(Layer::Sll, 0, SLL_HEADER_LEN, data.len()));
    }
    let proto = be16(data, field::sll::PROTOCOL.start);
    let mut link = Link::new(LinkType::LinuxSll, SLL_HEADER_LEN, Next::EtherType(proto));
    link.eth_type = proto;
    link.sll.pkttype = be16(data, field::sll::PKTTYPE.start);
    link.sll.hatype = be16(data, field::sll::HATYPE.start);
    link.sll.addr_len = be16(data, field::sll::ADDR_LEN.start);
    link.sll.addr.copy_from_slice(&data[field::sll::ADDR]);
    Ok(link)
}

/// Linux cooked capture v2.
fn sll2(data: &[u8]) -> Result<Link, DecodeError> {
    if data.len() < SLL2_HEADER_LEN {
        return Err(truncated(Layer::Sll, 0, SLL2_HEADER_LEN, data.len()));
    }
    let proto = be16(data, field::sll2::PROTOCOL.start);
    let mut link = Link::new(LinkType::LinuxSll2, SLL2_HEADER_LEN, Next::EtherType(proto));
    link.eth_type = proto;
    link.sll.ifindex = be32(data, field::sll2::IFINDEX.start);
    link.sll.hatype = be16(data, field::sll2::HATYPE.start);
    link.sll.pkttype = u16::from(data[field::sll2::PKTTYPE]);
    link.sll.addr_len = u16::from(data[field::sll2::ADDR_LEN]);
    link.sll.addr.copy_from_slice(&data[field::sll2::ADDR]);
    Ok(link)
}

/// Raw IP: the version nibble says IPv4 or IPv6.
fn raw(data: &[u8]) -> Result<Link, DecodeError> {
    let Some(&first) = data.first() else {
        return Err(truncated(Layer::Raw, 0, 1, 0));
    };
    let next = match first >> 4 {
        4 => ETHERTYPE_IPV4,
        6 => ETHERTYPE_IPV6,
        v => {
            return Err(DecodeError {
                layer: Layer::Raw,
                offset: 0,
                kind: ErrorKind::Invalid("IP version", u32::from(v)),
            })
        }
    };
    Ok(Link::new(LinkType::Raw, 0, Next::EtherType(next)))
}

/// DLT_IPV4 / DLT_IPV6: the version nibble must match the link type.
fn raw_version(kind: LinkType, data: &[u8], version: u8, ethertype: u16) -> Result<Link, DecodeError> {
    match data.first() {
        None => Err(truncated(Layer::Raw, 0, 1, 0)),
        Some(b) if b >> 4 != version => {
            Err(DecodeError { layer: Layer::Raw, offset: 0, kind: ErrorKind::Invalid("IP version", u32::from(b >> 4)) })
        }
        Some(_) => Ok(Link::new(kind, 0, Next::EtherType(ethertype))),
    }
}

/// Wireshark's name of an EtherType, for the Protocol column and details.
pub fn ethertype_name(ty: u16) -> Option<&'static str> {
    Some(match ty {
        ETHERTYPE_IPV4 => "IPv4",
        ETHERTYPE_ARP => "ARP",
        ETHERTYPE_IPV6 => "IPv6",
        ETHERTYPE_VLAN => "802.1Q Virtual LAN",
        ETHERTYPE_QINQ => "802.1ad Provider Bridge (Q-in-Q)",
        0x8035 => "RARP",
        0x6003 => "DEC DNA Routing",
        0x8947 => "GeoNetworking",
        0x88cc => "802.1 Link Layer Discovery Protocol (LLDP)",
        0x8847 => "MPLS label switched packet",
        0x8863 => "PPPoE Discovery",
        0x8864 => "PPPoE Session",
        0x888e => "802.1X Authentication",
        0x88e5 => "802.1AE (MACsec)",
        0x9000 => "Configuration Test Protocol (loopback)",
        _ => return None,
    })
}

/// The Protocol column of a frame whose EtherType socklab does not decode further.
pub fn ethertype_column(ty: u16) -> Option<&'static str> {
    Some(match ty {
        ETHERTYPE_ARP => "ARP",
        0x8035 => "RARP",
        0x88cc => "LLDP",
        0x8847 => "MPLS",
        0x8863 | 0x8864 => "PPPoE",
        0x888e => "EAPOL",
        0x88e5 => "MACsec",
        0x9000 => "LOOP",
        _ => return None,
    })
}

/// The `frame.protocols` name of an EtherType socklab does not decode further.
pub fn ethertype_protocol(ty: u16) -> Option<&'static str> {
    Some(match ty {
        ETHERTYPE_ARP => "arp",
        0x8035 => "arp",
        0x88cc => "lldp",
        0x8847 => "mpls",
        0x8863 => "pppoed",
        0x8864 => "pppoes",
        0x888e => "eapol",
        0x88e5 => "macsec",
        0x9000 => "loop",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETH_VLAN_IPV4: [u8; 19] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45];

    #[test]
    fn ethernet_with_vlan_tag() {
        let l = parse(LinkType::Ethernet, &ETH_VLAN_IPV4).unwrap();
        assert_eq!(l.header_len, 18);
        assert_eq!(l.next, Next::EtherType(ETHERTYPE_IPV4));
        assert_eq!(l.vlans(), &[Vlan { tpid: 0x8100, tci: 100, inner_type: 0x0800 }]);
        assert_eq!(l.eth_src, [2, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn null_in_either_byte_order_and_loop() {
        assert_eq!(parse(LinkType::Null, &[2, 0, 0, 0]).unwrap().next, Next::EtherType(ETHERTYPE_IPV4));
        assert_eq!(parse(LinkType::Null, &[0, 0, 0, 2]).unwrap().next, Next::EtherType(ETHERTYPE_IPV4));
        assert_eq!(parse(LinkType::Null, &[30, 0, 0, 0]).unwrap().next, Next::EtherType(ETHERTYPE_IPV6));
        assert_eq!(parse(LinkType::Loop, &[0, 0, 0, 24]).unwrap().next, Next::EtherType(ETHERTYPE_IPV6));
        assert_eq!(parse(LinkType::Null, &[99, 0, 0, 0]).unwrap().next, Next::Family(99));
    }

    #[test]
    fn sll_and_sll2() {
        let mut v1 = [0u8; 16];
        v1[2..4].copy_from_slice(&772u16.to_be_bytes());
        v1[14..16].copy_from_slice(&0x86ddu16.to_be_bytes());
        let l = parse(LinkType::LinuxSll, &v1).unwrap();
        assert_eq!((l.header_len, l.next, l.sll.hatype), (16, Next::EtherType(ETHERTYPE_IPV6), 772));
        let mut v2 = [0u8; 20];
        v2[0..2].copy_from_slice(&0x0800u16.to_be_bytes());
        v2[7] = 1;
        let l = parse(LinkType::LinuxSll2, &v2).unwrap();
        assert_eq!((l.header_len, l.next, l.sll.ifindex), (20, Next::EtherType(ETHERTYPE_IPV4), 1));
    }

    #[test]
    fn raw_by_version_nibble() {
        assert_eq!(parse(LinkType::Raw, &[0x45]).unwrap().next, Next::EtherType(ETHERTYPE_IPV4));
        assert_eq!(parse(LinkType::Raw, &[0x60]).unwrap().next, Next::EtherType(ETHERTYPE_IPV6));
        assert!(parse(LinkType::Raw, &[0x50]).is_err());
        assert!(parse(LinkType::Ipv6, &[0x45]).is_err());
        assert!(parse(LinkType::Ipv4, &[0x45]).is_ok());
    }

    #[test]
    fn ppp_with_and_without_hdlc_framing() {
        let l = parse(LinkType::Ppp, &[0xff, 0x03, 0x00, 0x21, 0x45]).unwrap();
        assert_eq!((l.header_len, l.next), (4, Next::EtherType(ETHERTYPE_IPV4)));
        let l = parse(LinkType::Ppp, &[0x00, 0x57, 0x60]).unwrap();
        assert_eq!((l.header_len, l.next), (2, Next::EtherType(ETHERTYPE_IPV6)));
        assert_eq!(parse(LinkType::Ppp, &[0x21, 0x45]).unwrap().next, Next::EtherType(ETHERTYPE_IPV4));
        assert_eq!(parse(LinkType::PppSerial, &[0x7e, 0x80, 0]).unwrap().next, Next::Ppp(0x7e80));
        // Cut after the framing bytes; a lone 0xff is a (compressed) protocol byte.
        assert!(parse(LinkType::Ppp, &[0xff, 0x03, 0x00]).is_err());
        assert!(parse(LinkType::Ppp, &[0xff, 0x03]).is_err());
        assert!(parse(LinkType::Ppp, &[0x00]).is_err());
        assert!(parse(LinkType::Ppp, &[]).is_err());
    }

    #[test]
    fn cisco_hdlc_frame_relay_and_slip() {
        let l = parse(LinkType::CHdlc, &[0x0f, 0x00, 0x08, 0x00]).unwrap();
        assert_eq!((l.header_len, l.next), (4, Next::EtherType(ETHERTYPE_IPV4)));
        // DLCI 100, UI, NLPID IPv6 (as tcpdump-tests/OSPFv3_NBMA_adjacencies.pcap).
        let l = parse(LinkType::FrameRelay, &[0x18, 0x41, 0x03, 0x8e, 0x60]).unwrap();
        assert_eq!((l.header_len, l.next, l.dlci), (4, Next::EtherType(ETHERTYPE_IPV6), 100));
        let snap = [0x18, 0x41, 0x03, 0x00, 0x80, 0, 0, 0, 0x08, 0x06];
        assert_eq!(parse(LinkType::FrameRelay, &snap).unwrap().next, Next::EtherType(ETHERTYPE_ARP));
        let cisco = parse(LinkType::FrameRelay, &[0x48, 0xe1, 0x86, 0xdd, 0x6e]).unwrap();
        assert_eq!((cisco.header_len, cisco.next), (4, Next::EtherType(ETHERTYPE_IPV6)));
        let mut slip = [0u8; 17];
        slip[16] = 0x45;
        assert_eq!(parse(LinkType::Slip, &slip).unwrap().next, Next::EtherType(ETHERTYPE_IPV4));
        slip[16] = 0x70;
        assert_eq!(parse(LinkType::Slip, &slip).unwrap().next, Next::Undecoded);
        assert_eq!(parse(LinkType::Other(178), &[]).unwrap().next, Next::Undecoded);
        assert_eq!(dlt_name(178), "JUNIPER_ETHER");
        assert_eq!(dlt_name(149), "DLT_149");
    }

    #[test]
    fn every_truncation_is_an_error() {
        let mut sll2 = [0u8; 20];
        sll2[0] = 8;
        for (kind, full) in [
            (LinkType::Ethernet, &ETH_VLAN_IPV4[..18]),
            (LinkType::Null, &[2, 0, 0, 0][..]),
            (LinkType::LinuxSll, &[0u8; 16][..]),
            (LinkType::LinuxSll2, &sll2[..]),
            (LinkType::Raw, &[0x45][..]),
            (LinkType::CHdlc, &[0x0f, 0x00, 0x08, 0x00][..]),
            (LinkType::FrameRelay, &[0x18, 0x41, 0x03, 0xcc][..]),
        ] {
            assert!(parse(kind, full).is_ok(), "{kind:?}");
            for n in 0..full.len() {
                assert!(parse(kind, &full[..n]).is_err(), "{kind:?} cut at {n}");
            }
        }
    }
}
