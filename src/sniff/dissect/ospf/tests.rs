//! OSPF decoded from corpus frames (tcpdump's test captures), checked against
//! what tshark 4.0 shows for them, and cut short or hostile.

use super::*;
use crate::sniff::dissect::testing::{fields, find, info_of, values_of, LinkType};

/// OSPFv2_Capture_FINAL frame 1: a Hello with cryptographic authentication,
/// two neighbors, its 16-byte digest and an LLS block (extended options, crypto auth).
const V2_HELLO: &[u8] = &[
    0x02, 0x01, 0x00, 0x34, 0xc0, 0xa8, 0xff, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01,
    0x10, 0x5a, 0x83, 0x41, 0x12, 0xff, 0xff, 0xff, 0x00, 0x00, 0x0a, 0x12, 0x01, 0x00, 0x00, 0x00, 0x28, 0xc0, 0xa8,
    0x79, 0x04, 0xc0, 0xa8, 0x79, 0x05, 0xc0, 0xa8, 0xff, 0x0b, 0xc0, 0xa8, 0xff, 0x0e, 0x91, 0xb0, 0x1c, 0x6b, 0xd6,
    0xc7, 0x09, 0x3c, 0x11, 0x86, 0x1e, 0x76, 0x33, 0x4b, 0xa8, 0x58, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x14, 0x5a, 0x83, 0x41, 0x12, 0x62, 0xa8, 0x49, 0xdb, 0x46, 0x49, 0x60,
    0x4c, 0x9f, 0xda, 0x6c, 0x0a, 0x9f, 0xdf, 0x25, 0x86, 0x02, 0x2a, 0x42, 0xea,
];

/// ospf-nssa-bitnt: an LS Update, null authentication, one router-LSA with
/// the N, E and B flags and a point-to-point and a stub link.
const V2_ROUTER_LSA: &[u8] = &[
    0x02, 0x04, 0x00, 0x4c, 0x0a, 0x00, 0x22, 0x03, 0x00, 0x00, 0x00, 0x01, 0xe5, 0x95, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x28, 0x01, 0x0a, 0x00, 0x22, 0x03, 0x0a, 0x00,
    0x22, 0x03, 0x80, 0x00, 0x00, 0x04, 0x51, 0xcb, 0x00, 0x30, 0x13, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x22, 0x04, 0x0a,
    0x00, 0x22, 0x03, 0x01, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x22, 0x00, 0xff, 0xff, 0xff, 0x00, 0x03, 0x00, 0x00, 0x01,
];

/// OSPFv2_Capture_FINAL frame 10: an LS Update with one AS-external-LSA.
const V2_EXTERNAL: &[u8] = &[
    0x02, 0x04, 0x00, 0x40, 0xc0, 0xa8, 0xff, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01,
    0x10, 0x5a, 0x83, 0x41, 0x3f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x20, 0x05, 0xc0, 0xa8, 0x7c, 0x00, 0xc0, 0xa8,
    0xff, 0x0b, 0x80, 0x00, 0x00, 0x0c, 0x78, 0xc2, 0x00, 0x24, 0xff, 0xff, 0xff, 0x00, 0x80, 0x00, 0x00, 0x14, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xbc, 0x5d, 0x57, 0x74, 0x88, 0x93, 0xaa, 0x42, 0x3a, 0x93, 0xb2,
    0xfa, 0x57, 0x99, 0x79, 0xb0, 0x86, 0xcb, 0x4c,
];

/// ospf-ack: an LS Acknowledgment of two LSA headers.
const V2_ACK: &[u8] = &[
    0x02, 0x05, 0x00, 0x40, 0x02, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01, 0x88, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2e, 0x22, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x80, 0x00,
    0x00, 0x02, 0x62, 0xba, 0x00, 0x24, 0x00, 0x2b, 0x22, 0x03, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x80,
    0x00, 0x00, 0x01, 0xc2, 0x6b, 0x00, 0x1c,
];

/// OSPFv3_broadcast_adjacency frame 1, whole: an OSPFv3 Hello from fe80::1 to ff02::5.
const V3_HELLO_FRAME: &[u8] = &[
    0x33, 0x33, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x00, 0x1f, 0xfa, 0x00, 0x01, 0x86, 0xdd, 0x6e, 0x00, 0x00, 0x00, 0x00,
    0x24, 0x59, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00,
    0x24, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01, 0xfb, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00,
    0x00, 0x13, 0x00, 0x0a, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// OSPFv3_broadcast_adjacency frame 18: an LS Update with one router-LSA.
const V3_ROUTER_LSA: &[u8] = &[
    0x03, 0x04, 0x00, 0x3c, 0x02, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01, 0x19, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x02, 0x02, 0x80, 0x00, 0x00, 0x03, 0x37, 0xa5,
    0x00, 0x28, 0x01, 0x00, 0x00, 0x33, 0x02, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x05, 0x01,
    0x01, 0x01, 0x01,
];

/// OSPFv3_broadcast_adjacency frame 12, first two requests: an LS Request.
const V3_REQUEST: &[u8] = &[
    0x03, 0x03, 0x00, 0x28, 0x02, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x01, 0x2c, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x20, 0x03, 0x00, 0x00, 0x00, 0x03, 0x01, 0x01,
    0x01, 0x01,
];

/// The `-V` lines of `pdu`'s tree.
fn lines(pdu: &[u8]) -> Vec<String> {
    let mut t = Tree::new();
    Ospf.tree(pdu, Ctx::default(), 34, &mut t);
    t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
}

fn has(pdu: &[u8], line: &str) -> bool {
    lines(pdu).iter().any(|l| l == line)
}

#[test]
fn info_is_the_message_type() {
    assert_eq!(info_of(&Ospf, V2_HELLO, Ctx::default()), "Hello Packet");
    assert_eq!(info_of(&Ospf, V2_ROUTER_LSA, Ctx::default()), "LS Update");
    assert_eq!(info_of(&Ospf, V2_ACK, Ctx::default()), "LS Acknowledge");
    assert_eq!(info_of(&Ospf, V3_REQUEST, Ctx::default()), "LS Request");
    let mut unknown = V2_ACK.to_vec();
    unknown[1] = 9;
    assert_eq!(info_of(&Ospf, &unknown, Ctx::default()), "Unknown (9)");
}

#[test]
fn v2_hello_with_crypto_auth_and_lls() {
    for line in [
        "Auth Type: Cryptographic (2)",
        "Auth Crypt Key id: 1",
        "Auth Crypt Data Length: 16",
        "Auth Crypt Sequence Number: 1518551314",
        "Auth Crypt Data: 91b01c6bd6c7093c11861e76334ba858",
        "Checksum: 0x0000 (None)",
        "Area ID: 0.0.0.0 (Backbone)",
        "Options: 0x12, (L) LLS Data block, (E) External Routing",
        "...1 .... = (L) LLS Data block: Present",
        "Router Dead Interval [sec]: 40",
        "Active Neighbor: 192.168.255.14",
        "OSPF LLS Data Block",
        "LLS Data Length: 36 bytes",
        "Options: 0x00000001, (LR) LSDB Resynchronization",
        "Sequence number: 0x5a834112",
        "Auth Data: 62a849db4649604c9fda6c0a9fdf2586",
    ] {
        assert!(has(V2_HELLO, line), "{line}: {:#?}", lines(V2_HELLO));
    }
    assert_eq!(
        values_of(&Ospf, V2_HELLO, Ctx::default(), "ospf.hello.active_neighbor"),
        ["192.168.255.11", "192.168.255.14"]
    );
    assert_eq!(values_of(&Ospf, V2_HELLO, Ctx::default(), "ospf.msg"), ["1"]);
    assert_eq!(values_of(&Ospf, V2_HELLO, Ctx::default(), "ospf.v2.options"), ["0x12"]);
    assert_eq!(values_of(&Ospf, V2_HELLO, Ctx::default(), "ospf.lls.data_length"), ["36"]);
}

#[test]
fn v2_router_lsa_links_and_checksum() {
    for line in [
        "Checksum: 0xe595 [correct]",
        "Auth Data (none): 0000000000000000",
        "LSA-type 1 (Router-LSA), len 48",
        "Options: 0x28, (DC) Demand Circuits, (N) NSSA",
        "Flags: 0x13, (N) flag, (E) AS boundary router, (B) Area border router",
        "Type: PTP      ID: 10.0.34.4       Data: 10.0.34.3       Metric: 1",
        "Link ID: 10.0.34.0 - IP network/subnet number",
        "Link Type: 3 - Connection to a stub network",
        "Number of Metrics: 0 - TOS",
    ] {
        assert!(has(V2_ROUTER_LSA, line), "{line}: {:#?}", lines(V2_ROUTER_LSA));
    }
    assert_eq!(values_of(&Ospf, V2_ROUTER_LSA, Ctx::default(), "ospf.lsa.router.linkid"), ["10.0.34.4", "10.0.34.0"]);
    assert_eq!(values_of(&Ospf, V2_ROUTER_LSA, Ctx::default(), "ospf.lsa.seqnum"), ["0x80000004"]);
    let mut bad = V2_ROUTER_LSA.to_vec();
    bad[12] = 0;
    assert!(has(&bad, "Checksum: 0x0095 [incorrect, should be 0xe595]"));
}

#[test]
fn v2_external_lsa_and_ack_headers() {
    for line in [
        "LSA-type 5 (AS-External-LSA (ASBR)), len 36",
        "Netmask: 255.255.255.0",
        "1... .... = External Type: Type 2 (metric is larger than any other link state path)",
        "Metric: 20",
        "External Route Tag: 0",
    ] {
        assert!(has(V2_EXTERNAL, line), "{line}: {:#?}", lines(V2_EXTERNAL));
    }
    let ack = lines(V2_ACK);
    assert_eq!(ack.iter().filter(|l| l.starts_with("LSA-type ")).count(), 2, "{ack:#?}");
    assert!(has(V2_ACK, "LS Type: Summary-LSA (IP network) (3)"));
}

#[test]
fn v3_hello_checksum_uses_the_ipv6_pseudo_header() {
    let f = fields(LinkType::Ethernet, V3_HELLO_FRAME);
    assert_eq!(find(&f, "ospf.checksum"), [("0xfb86", Some((66, 2)))]);
    assert_eq!(find(&f, "ospf.hello.interface_id"), [("5", Some((70, 4)))]);
    assert_eq!(find(&f, "ospf.v3.options"), [("0x000013", Some((75, 3)))]);
    let mut t = crate::sniff::dissect::testing::tree_of_frame(LinkType::Ethernet, V3_HELLO_FRAME);
    let shown: Vec<String> = t.items().iter().map(|i| t.display(i).to_string()).collect();
    assert!(shown.iter().any(|l| l == "Checksum: 0xfb86 [correct]"), "{shown:#?}");
    assert!(shown.iter().any(|l| l == "Options: 0x000013, R, E, V6"), "{shown:#?}");
    t.clear();
}

#[test]
fn v3_router_lsa_and_request() {
    for line in [
        "LSA-type 1 (Router-LSA), len 40",
        "LS Type: 0x2001",
        ".01. .... .... .... = Flooding Scope: Area Scoping - Flooded only in originating area (0x1)",
        "...0 0000 0000 0001 = Function Code: Router-LSA (1)",
        "Flags: 0x01, (B) Area border router",
        "Router Interfaces",
        "Entry #1",
        "Type: Connection to a transit network (2)",
        "Neighbor Router ID: 1.1.1.1",
    ] {
        assert!(has(V3_ROUTER_LSA, line), "{line}: {:#?}", lines(V3_ROUTER_LSA));
    }
    assert_eq!(values_of(&Ospf, V3_REQUEST, Ctx::default(), "ospf.v3.lsa"), ["0x2001", "0x2003"]);
    assert_eq!(values_of(&Ospf, V3_REQUEST, Ctx::default(), "ospf.link_state_id"), ["0.0.0.0", "0.0.0.3"]);
}

#[test]
fn cut_short_or_hostile_packets_are_malformed_without_panicking() {
    for pdu in [V2_HELLO, V2_ROUTER_LSA, V2_EXTERNAL, V2_ACK, V3_ROUTER_LSA, V3_REQUEST] {
        for n in 0..pdu.len() {
            let cut = &pdu[..n];
            let _ = lines(cut);
            let _ = values_of(&Ospf, cut, Ctx::default(), "ospf.advrouter");
            let info = info_of(&Ospf, cut, Ctx::default());
            // The digest and LLS are read only when there: a Hello ends at its length.
            if n < usize::from(be16(pdu, 2)) {
                assert!(info.ends_with("[Malformed Packet]"), "{n}: {info}");
            }
        }
    }
    // An OSPFv3 update announcing 2^31 LSAs, the first of length 0 (ospf-signed-integer-ubsan).
    let mut hostile = V3_ROUTER_LSA.to_vec();
    hostile[16..20].copy_from_slice(&[0x80, 0, 0, 0]);
    hostile[22..24].copy_from_slice(&[0x00, 0xe0]);
    hostile[38..40].copy_from_slice(&[0, 0]);
    assert_eq!(info_of(&Ospf, &hostile, Ctx::default()), "LS Update[Malformed Packet]");
    assert!(has(&hostile, "[Malformed Packet: OSPF]"));
    // An OSPFv2 LSA too short for its type stops the walk.
    let mut short = V2_ROUTER_LSA.to_vec();
    short[25..28].copy_from_slice(&[0, 0, 2]);
    short[46..48].copy_from_slice(&[0, 20]);
    assert!(has(&short, "[Invalid LSA length (20) for type Router-LSA, expected >= (24)]"), "{:#?}", lines(&short));
    assert_eq!(info_of(&Ospf, &short, Ctx::default()), "LS Update[Malformed Packet]");
}

use crate::proto::bytes::be16;
