//! ARP for Ethernet and IPv4 (RFC 826): the request that asks which MAC address
//! has an IPv4 address, and the reply; and Reverse ARP (RFC 903), its twin that
//! asks which IPv4 address a MAC address has. Other hardware or protocol sizes
//! are left undecoded, shown as the EtherType alone.

use super::dissector::{Claim, Dissector, FieldDecl};
use crate::proto::bytes::{be16, be32};
use crate::sniff::dissect::link::ETHERTYPE_ARP;

/// Reverse ARP's EtherType (RFC 903).
const ETHERTYPE_RARP: u16 = 0x8035;
use crate::sniff::render::Mac;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::ops::Range;

/// The ARP dissector.
pub struct Arp;

/// Byte offsets of the fields (RFC 826, "Packet format"), for Ethernet and IPv4.
mod field {
    use std::ops::Range;
    /// Hardware type.
    pub const HTYPE: Range<usize> = 0..2;
    /// Protocol type.
    pub const PTYPE: Range<usize> = 2..4;
    /// Hardware address length.
    pub const HLEN: usize = 4;
    /// Protocol address length.
    pub const PLEN: usize = 5;
    /// Operation.
    pub const OPER: Range<usize> = 6..8;
    /// Sender hardware address.
    pub const SHA: Range<usize> = 8..14;
    /// Sender protocol address.
    pub const SPA: Range<usize> = 14..18;
    /// Target hardware address.
    pub const THA: Range<usize> = 18..24;
    /// Target protocol address.
    pub const TPA: Range<usize> = 24..28;
}

/// Length of an Ethernet/IPv4 ARP packet.
const LEN: usize = field::TPA.end;
/// Operation codes (RFC 826; RFC 903 for the reverse ones).
const REQUEST: u16 = 1;
const REPLY: u16 = 2;
const REVERSE_REQUEST: u16 = 3;
const REVERSE_REPLY: u16 = 4;

/// Wireshark's name of an operation.
fn opcode_name(op: u16) -> &'static str {
    match op {
        REQUEST => "request",
        REPLY => "reply",
        REVERSE_REQUEST => "reverse request",
        REVERSE_REPLY => "reverse reply",
        _ => "unknown",
    }
}

/// Whether the operation (bytes 6-7, if there) is Reverse ARP's.
fn reverse(pdu: &[u8]) -> bool {
    pdu.get(field::OPER).is_some_and(|b| matches!(u16::from_be_bytes([b[0], b[1]]), REVERSE_REQUEST | REVERSE_REPLY))
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
];

/// A decoded Ethernet/IPv4 ARP packet.
struct Msg {
    hw_type: u16,
    proto_type: u16,
    opcode: u16,
    sender_mac: [u8; 6],
    sender_ip: Ipv4Addr,
    target_mac: [u8; 6],
    target_ip: Ipv4Addr,
}

/// Decodes `pdu` when it is ARP for 6-byte hardware and 4-byte protocol addresses.
fn decode(pdu: &[u8]) -> Option<Msg> {
    let b = pdu.get(..LEN)?;
    if b[field::HLEN] != 6 || b[field::PLEN] != 4 {
        return None;
    }
    let mac = |r: Range<usize>| {
        let mut m = [0; 6];
        m.copy_from_slice(&b[r]);
        m
    };
    let ip = |r: Range<usize>| Ipv4Addr::from(be32(b, r.start));
    Some(Msg {
        hw_type: be16(b, field::HTYPE.start),
        proto_type: be16(b, field::PTYPE.start),
        opcode: be16(b, field::OPER.start),
        sender_mac: mac(field::SHA),
        sender_ip: ip(field::SPA),
        target_mac: mac(field::THA),
        target_ip: ip(field::TPA),
    })
}

impl Msg {
    /// A request that announces the sender's own address (RFC 5227 §2.3).
    fn announcement(&self) -> bool {
        self.opcode == REQUEST && self.sender_ip == self.target_ip && self.target_mac == [0; 6]
    }

    /// A request probing whether an address is free (RFC 5227 §2.1.1).
    fn probe(&self) -> bool {
        self.opcode == REQUEST && self.sender_ip.is_unspecified()
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
        if reverse(pdu) {
            "RARP"
        } else {
            "ARP"
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE_ARP), Claim::EtherType(ETHERTYPE_RARP)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn len(&self, pdu: &[u8]) -> Option<usize> {
        decode(pdu).map(|_| LEN)
    }

    fn label(&self, pdu: &[u8]) -> String {
        let Some(m) = decode(pdu) else { return self.title().to_string() };
        let kind = match m.opcode {
            _ if m.announcement() => "ARP Announcement",
            _ if m.probe() => "ARP Probe",
            op => opcode_name(op),
        };
        format!("{} ({kind})", self.title())
    }

    fn info(&self, pdu: &[u8], out: &mut String) {
        let Some(m) = decode(pdu) else {
            let ethertype = if reverse(pdu) { ETHERTYPE_RARP } else { ETHERTYPE_ARP };
            let _ = write!(out, "Ethernet II, type 0x{ethertype:04x}");
            return;
        };
        let _ = match m.opcode {
            REQUEST if m.announcement() => write!(out, "ARP Announcement for {}", m.sender_ip),
            REQUEST if m.sender_ip == m.target_ip => write!(out, "Gratuitous ARP for {} (Request)", m.sender_ip),
            REQUEST if m.probe() => write!(out, "Who has {}? (ARP Probe)", m.target_ip),
            REQUEST => write!(out, "Who has {}? Tell {}", m.target_ip, m.sender_ip),
            REPLY => write!(out, "{} is at {}", m.sender_ip, Mac(&m.sender_mac)),
            REVERSE_REQUEST => write!(out, "Who is {}? Tell {}", Mac(&m.target_mac), Mac(&m.sender_mac)),
            REVERSE_REPLY => write!(out, "{} is at {}", Mac(&m.target_mac), m.target_ip),
            op => write!(out, "ARP opcode {op}"),
        };
    }

    fn tree(&self, pdu: &[u8], o: usize, out: &mut Tree) {
        use field::*;
        let Some(m) = decode(pdu) else { return };
        let kind = match m.opcode {
            REQUEST => "request",
            REVERSE_REQUEST | REVERSE_REPLY => opcode_name(m.opcode),
            _ => "reply",
        };
        out.at(0).proto("arp").bytes(o, LEN).line(format_args!("Address Resolution Protocol ({kind})"));
        let hw = m.hw_type;
        out.at(1)
            .field("arp.hw.type", Ftype::Uint16, hw)
            .bytes(o + HTYPE.start, HTYPE.len())
            .line(format_args!("Hardware type: Ethernet ({hw})"));
        out.at(1)
            .field("arp.proto.type", Ftype::Uint16, Value::Hex { value: u64::from(m.proto_type), digits: 4 })
            .bytes(o + PTYPE.start, PTYPE.len())
            .line(format_args!("Protocol type: IPv4 (0x{:04x})", m.proto_type));
        out.at(1)
            .field("arp.hw.size", Ftype::Uint8, SHA.len())
            .bytes(o + HLEN, 1)
            .line(format_args!("Hardware size: 6"));
        out.at(1)
            .field("arp.proto.size", Ftype::Uint8, SPA.len())
            .bytes(o + PLEN, 1)
            .line(format_args!("Protocol size: 4"));
        out.at(1).field("arp.opcode", Ftype::Uint16, m.opcode).bytes(o + OPER.start, OPER.len()).line(format_args!(
            "Opcode: {} ({})",
            opcode_name(m.opcode),
            m.opcode
        ));
        let mac = |out: &mut Tree, name: &'static str, label: &str, mac: &[u8; 6], at: Range<usize>| {
            out.at(1)
                .field(name, Ftype::Ether, Mac(mac))
                .bytes(o + at.start, at.len())
                .line(format_args!("{label}: {}", Mac(mac)));
        };
        let ip = |out: &mut Tree, name: &'static str, label: &str, ip: Ipv4Addr, at: Range<usize>| {
            out.at(1).field(name, Ftype::Ipv4, ip).bytes(o + at.start, at.len()).line(format_args!("{label}: {ip}"));
        };
        mac(out, "arp.src.hw_mac", "Sender MAC address", &m.sender_mac, SHA);
        ip(out, "arp.src.proto_ipv4", "Sender IP address", m.sender_ip, SPA);
        mac(out, "arp.dst.hw_mac", "Target MAC address", &m.target_mac, THA);
        ip(out, "arp.dst.proto_ipv4", "Target IP address", m.target_ip, TPA);
    }

    fn values<'p>(&self, pdu: &'p [u8], field: usize, out: &mut Vec<Value<'p>>) {
        let Some(m) = decode(pdu) else { return };
        let v = match field {
            1 => Value::Uint(u64::from(m.hw_type)),
            2 => Value::Hex { value: u64::from(m.proto_type), digits: 4 },
            3 => Value::Uint(6),
            4 => Value::Uint(4),
            5 => Value::Uint(u64::from(m.opcode)),
            6 => Value::Str(Cow::Owned(Mac(&m.sender_mac).to_string())),
            7 => Value::Ip(m.sender_ip.into()),
            8 => Value::Str(Cow::Owned(Mac(&m.target_mac).to_string())),
            9 => Value::Ip(m.target_ip.into()),
            _ => return,
        };
        out.push(v);
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
        Arp.info(REQUEST_PDU, &mut info);
        assert_eq!(info, "Who has 192.168.1.2? Tell 192.168.1.1");
        assert_eq!(Arp.label(REQUEST_PDU), "Address Resolution Protocol (request)");
        let mut vals = Vec::new();
        Arp.values(REQUEST_PDU, 7, &mut vals);
        assert_eq!(vals, [Value::Ip("192.168.1.1".parse().unwrap())]);
    }

    #[test]
    fn the_tree_gives_every_field_its_bytes() {
        let mut t = Tree::new();
        Arp.tree(REQUEST_PDU, 14, &mut t);
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
        Arp.info(&pdu, &mut info);
        assert_eq!(info, "Who is 00:00:00:00:00:00? Tell 8e:36:06:44:ac:af");
        let mut t = Tree::new();
        Arp.tree(&pdu, 20, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[0], "Address Resolution Protocol (reverse request)");
        assert_eq!(lines[5], "Opcode: reverse request (3)");
    }

    #[test]
    fn other_address_sizes_and_cut_packets_stay_undecoded() {
        let mut other = REQUEST_PDU.to_vec();
        other[field::HLEN] = 8;
        for pdu in [&other[..], &REQUEST_PDU[..LEN - 1]] {
            let mut info = String::new();
            Arp.info(pdu, &mut info);
            assert_eq!(info, "Ethernet II, type 0x0806");
            assert_eq!(Arp.len(pdu), None);
            let mut t = Tree::new();
            Arp.tree(pdu, 14, &mut t);
            assert!(t.items().is_empty());
        }
    }
}
