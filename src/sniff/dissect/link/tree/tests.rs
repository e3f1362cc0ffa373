//! The link-layer fields of frames with their bytes inlined, as tshark 4.0
//! (`-T json -x`) gives them.

use crate::sniff::capture::Frame;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::render::detail::build;
use crate::sniff::tree::{Bytes, Tree};

/// A broadcast ARP reply in an 802.1Q tag (VLAN 123), padded to 60 bytes
/// (zeek-traces/icmp_dot1q.pcap frame 1 without its 4-byte trailer).
const VLAN_ARP: [u8; 60] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x81, 0x00, // Ethernet
    0x00, 0x7b, 0x08, 0x06, // 802.1Q: PRI 0, DEI 0, ID 123; ARP
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0xc0, 0xa8, 0x7b, 0x01, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xa8, 0x7b, 0x01, // ARP reply
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // padding
];

/// Linux cooked capture v1 of an IPv4 header from lo (loopback, 6-byte address).
const SLL_IP: [u8; 36] = [
    0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x08, 0x00, // SLL
    0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x40, 0xff, 0x7c, 0xe7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00,
    0x01, // IPv4, protocol 255, no payload
];

fn tree_of(link: LinkType, data: &[u8]) -> Tree {
    let mut pipe = Pipeline::new(link, Facts::default());
    let p = pipe.process(&Frame { time: 0, len: data.len() as u32, data, origin: None });
    let mut tree = Tree::new();
    build(&mut tree, &p);
    tree
}

/// Every occurrence of `field`: (value, offset, length, bitmask); offset and
/// length are -1 for a generated field.
fn occurrences(t: &Tree, field: &str) -> Vec<(String, i64, i64, u64)> {
    let at = |b: Option<Bytes>| b.map_or((-1, -1), |b| (i64::from(b.offset), i64::from(b.len)));
    t.items()
        .iter()
        .filter(|i| i.field == field)
        .map(|i| {
            let (off, len) = at(i.bytes);
            (t.value(i).to_string(), off, len, i.bitmask)
        })
        .collect()
}

fn one(value: &str, off: i64, len: i64, mask: u64) -> Vec<(String, i64, i64, u64)> {
    vec![(value.to_string(), off, len, mask)]
}

#[test]
fn ethernet_vlan_and_padding_fields_have_tsharks_values_and_bytes() {
    let t = tree_of(LinkType::Ethernet, &VLAN_ARP);
    assert_eq!(occurrences(&t, "frame"), one("", 0, 60, 0));
    assert_eq!(occurrences(&t, "frame.cap_len"), one("60", -1, -1, 0));
    assert_eq!(occurrences(&t, "eth"), one("", 0, 14, 0));
    assert_eq!(occurrences(&t, "eth.dst"), one("ff:ff:ff:ff:ff:ff", 0, 6, 0));
    assert_eq!(occurrences(&t, "eth.src.oui"), one("6406", 6, 3, 0));
    let addr = occurrences(&t, "eth.addr");
    assert_eq!(addr, [("ff:ff:ff:ff:ff:ff".to_string(), 0, 6, 0), ("00:19:06:ea:b8:c1".to_string(), 6, 6, 0)]);
    assert_eq!(occurrences(&t, "eth.lg"), [("1".to_string(), 0, 3, 0x20000), ("0".to_string(), 6, 3, 0x20000)]);
    assert_eq!(occurrences(&t, "eth.type"), one("0x8100", 12, 2, 0));
    assert_eq!(occurrences(&t, "vlan"), one("", 14, 4, 0));
    assert_eq!(occurrences(&t, "vlan.id"), one("123", 14, 2, 0x0fff));
    assert_eq!(occurrences(&t, "vlan.dei"), one("0", 14, 2, 0x1000));
    assert_eq!(occurrences(&t, "vlan.etype"), one("0x0806", 16, 2, 0));
    assert_eq!(occurrences(&t, "eth.padding"), one(&["00"; 14].join(":"), 46, 14, 0));
    let hidden: Vec<&str> = t.items().iter().filter(|i| !i.shown).map(|i| i.field).take(4).collect();
    assert_eq!(hidden, ["eth.dst_resolved", "eth.dst.oui", "eth.addr_resolved", "eth.addr.oui"]);
}

#[test]
fn zeros_past_the_minimum_frame_are_padding_then_a_frame_check_sequence() {
    // A 64-byte frame: tshark pads to 60 bytes and takes the last four for an FCS.
    let mut long = VLAN_ARP.to_vec();
    long.extend([0xde, 0xad, 0xbe, 0xef]);
    let t = tree_of(LinkType::Ethernet, &long);
    assert_eq!(occurrences(&t, "eth.padding"), one(&["00"; 14].join(":"), 46, 14, 0));
    assert_eq!(occurrences(&t, "eth.fcs"), one("0xdeadbeef", 60, 4, 0));
    assert_eq!(occurrences(&t, "eth.fcs.status"), one("2", -1, -1, 0));
    assert!(occurrences(&t, "vlan.trailer").is_empty());
    assert!(t.items().iter().any(|i| t.display(i) == "Frame check sequence: 0xdeadbeef [unverified]"));
}

#[test]
fn linux_cooked_fields_have_tsharks_values_and_bytes() {
    let t = tree_of(LinkType::LinuxSll, &SLL_IP);
    assert_eq!(occurrences(&t, "frame.encap_type"), one("25", -1, -1, 0));
    assert_eq!(occurrences(&t, "sll"), one("", 0, 16, 0));
    assert_eq!(occurrences(&t, "sll.hatype"), one("772", 2, 2, 0));
    assert_eq!(occurrences(&t, "sll.halen"), one("6", 4, 2, 0));
    assert_eq!(occurrences(&t, "sll.src.eth"), one("00:00:00:00:00:00", 6, 6, 0));
    assert_eq!(occurrences(&t, "sll.unused"), one("00:00", 12, 2, 0));
    assert_eq!(occurrences(&t, "sll.etype"), one("0x0800", 14, 2, 0));
}

#[test]
fn raw_ip_is_a_leaf_protocol_over_the_whole_frame() {
    let t = tree_of(LinkType::Raw, &SLL_IP[16..]);
    assert_eq!(occurrences(&t, "raw"), one("Raw packet data", 0, 20, 0));
    assert_eq!(occurrences(&t, "null"), []);
}

#[test]
fn a_frame_shorter_than_the_minimum_has_no_padding_field() {
    // chrissanders-packets/arp_resolution.pcapng frame 2: 46 bytes, an ARP reply
    // and 4 bytes tshark calls a trailer.
    let mut short = VLAN_ARP[..12].to_vec();
    short.extend([0x08, 0x06]);
    short.extend(&VLAN_ARP[18..46]);
    short.extend([0xc0, 0xa8, 0x00, 0x72]);
    let t = tree_of(LinkType::Ethernet, &short);
    assert!(occurrences(&t, "eth.padding").is_empty());
    assert_eq!(occurrences(&t, "eth.trailer"), one("c0:a8:00:72", 42, 4, 0));
    assert!(occurrences(&t, "_ws.expert").is_empty(), "a frame this short was never padded");
    assert!(t.items().iter().any(|i| t.display(i) == "Trailer: c0a80072"));
}

#[test]
fn a_gre_device_has_a_gre_type_not_an_ethertype() {
    // tcpdump-tests/babel.pcap: ARPHRD_IPGRE (778), no address.
    let mut gre = SLL_IP;
    gre[2..6].copy_from_slice(&[0x03, 0x0a, 0x00, 0x00]);
    let t = tree_of(LinkType::LinuxSll, &gre);
    assert_eq!(occurrences(&t, "sll.gretype"), one("0x0800", 14, 2, 0));
    assert!(occurrences(&t, "sll.etype").is_empty());
    assert!(occurrences(&t, "sll.src.eth").is_empty());
    assert_eq!(occurrences(&t, "sll.unused"), one("00:00:00:00:00:00:00:00", 6, 8, 0));
}

#[test]
fn non_zero_padding_is_a_trailer_with_tsharks_note() {
    // chrissanders-packets/http_google.pcapng frame 5: 6 bytes after a 40-byte
    // datagram in a 60-byte frame, not zeros.
    let mut odd = VLAN_ARP[..12].to_vec();
    odd.extend([0x08, 0x00, 0x45, 0, 0, 40]);
    odd.resize(54, 0);
    (odd[22], odd[23]) = (64, 255); // TTL, protocol
    odd.extend([0x02, 0x04, 0x05, 0x7e, 0x01, 0x01]);
    let t = tree_of(LinkType::Ethernet, &odd);
    assert!(occurrences(&t, "eth.padding").is_empty());
    assert_eq!(occurrences(&t, "eth.trailer"), one("02:04:05:7e:01:01", 54, 6, 0));
    let note = "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.";
    let trailer = t.items().iter().position(|i| i.field == "eth.trailer").expect("a trailer");
    assert_eq!(t.items()[trailer + 2].field, "eth.padding_bad");
    assert!(t.items().iter().any(|i| i.field == "_ws.expert.message" && t.value(i) == note));
    // Behind an 802.1Q tag the trailer is the VLAN's.
    let mut tagged = VLAN_ARP;
    tagged[54..60].copy_from_slice(&[0x02, 0x04, 0x05, 0x7e, 0x01, 0x01]);
    let t = tree_of(LinkType::Ethernet, &tagged);
    assert_eq!(occurrences(&t, "vlan.trailer").len(), 1);
}

#[test]
fn a_group_source_address_has_tsharks_warning_under_it() {
    // suricata-verify/tcp-rst-unacked-stream-03-gap frame 2: source 05:04:03:02:01:00.
    let mut frame = VLAN_ARP;
    frame[6] = 0x05;
    let t = tree_of(LinkType::Ethernet, &frame);
    let src = t.items().iter().position(|i| i.field == "eth.src").expect("eth.src");
    assert_eq!(t.items()[src + 1].field, "_ws.expert");
    assert_eq!(t.items()[src + 2].field, "eth.src_not_group");
    let msg = "Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)";
    assert!(t.items().iter().any(|i| i.field == "_ws.expert.message" && t.value(i) == msg));
    // A group destination is fine.
    assert!(occurrences(&tree_of(LinkType::Ethernet, &VLAN_ARP), "_ws.expert").is_empty());
}

#[test]
fn ppp_and_cisco_hdlc_give_their_protocol_numbers() {
    // tcpdump-tests/bgp_vpn_attrset.pcap: PPP in HDLC-like framing, IPv4.
    let mut ppp = vec![0xff, 0x03, 0x00, 0x21];
    ppp.extend(&SLL_IP[16..]);
    let t = tree_of(LinkType::Ppp, &ppp);
    assert_eq!(occurrences(&t, "ppp"), one("", 0, 4, 0));
    assert_eq!(occurrences(&t, "ppp.protocol"), one("0x0021", 2, 2, 0));
    // suricata-verify/decode-chdlc-01: unicast, IPv4.
    let mut chdlc = vec![0x0f, 0x00, 0x08, 0x00];
    chdlc.extend(&SLL_IP[16..]);
    let t = tree_of(LinkType::CHdlc, &chdlc);
    assert_eq!(occurrences(&t, "chdlc"), one("", 0, 4, 0));
    assert_eq!(occurrences(&t, "chdlc.protocol"), one("0x0800", 2, 2, 0));
}
