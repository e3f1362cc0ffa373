use super::*;
use crate::sniff::dissect::testing::{info_of, values_of};

/// Bytes from hex digits.
fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// A KEEPALIVE (RFC 4271 §4.4): the header alone.
const KEEPALIVE: &str = "ffffffffffffffffffffffffffffffff001304";
/// bgp-4byte-asn.pcap frame 6: an OPEN with five capabilities, 4-byte AS among them.
const OPEN: &str =
    "ffffffffffffffffffffffffffffffff003701045ba000b4000001011a021801040001000102004002c12c4104a4c46652450400010101";
/// bgp-infinite-loop.pcap frame 1: an UPDATE that declares 19 bytes (no room
/// for its lengths), then bytes that start no message.
const SHORT_UPDATE: &str = "ffffffffffffffffffffffffffffffff001302000100ff00ff0e00ff000184000000";
/// bgp-rt-prefix.pcap frame 1: an UPDATE whose MP_REACH_NLRI carries a route
/// target membership route of 32 bits, which tshark reads past.
const RT_PREFIX: &str = "ffffffffffffffffffffffffffffffff003a020000002340010101400204020100c840030400000000800e0e0001840401000002002000000016";
/// bgp-rt-prefix.pcap frame 5: the same with a whole route target (96 bits).
const RT_WHOLE: &str =
    "ffffffffffffffffffffffffffffffff0042020000002b40010101400204020100c840030400000000800e1600018404010000020060000000160002000100010001";

#[test]
fn a_keepalive_is_named() {
    let k = hex(KEEPALIVE);
    assert_eq!(info_of(&Bgp, &k, Ctx::to(179)), "KEEPALIVE Message");
    assert_eq!(values_of(&Bgp, &k, Ctx::to(179), "bgp.type"), ["4"]);
    assert_eq!(values_of(&Bgp, &k, Ctx::to(179), "bgp.length"), ["19"]);
}

#[test]
fn every_message_of_a_segment_is_listed() {
    let mut two = hex(KEEPALIVE);
    two.extend(hex(OPEN));
    assert_eq!(info_of(&Bgp, &two, Ctx::to(179)), "KEEPALIVE Message, OPEN Message");
    // A message the segment holds only part of waits for the next segment.
    two.truncate(30);
    assert_eq!(info_of(&Bgp, &two, Ctx::to(179)), "KEEPALIVE Message");
}

#[test]
fn an_open_shows_its_fields() {
    let o = hex(OPEN);
    assert_eq!(info_of(&Bgp, &o, Ctx::to(179)), "OPEN Message");
    assert_eq!(values_of(&Bgp, &o, Ctx::to(179), "bgp.open.myas"), ["23456"]);
    assert_eq!(values_of(&Bgp, &o, Ctx::to(179), "bgp.open.holdtime"), ["180"]);
    assert_eq!(values_of(&Bgp, &o, Ctx::to(179), "bgp.open.identifier"), ["0.0.1.1"]);
    assert_eq!(values_of(&Bgp, &o, Ctx::to(179), "bgp.cap.type"), ["1", "2", "64", "65", "69"]);
    assert_eq!(values_of(&Bgp, &o, Ctx::to(179), "bgp.cap.4as"), ["2764334674"]);
}

#[test]
fn a_message_shorter_than_its_fields_is_malformed() {
    assert_eq!(info_of(&Bgp, &hex(SHORT_UPDATE), Ctx::to(179)), "UPDATE Message[Malformed Packet]");
    assert_eq!(info_of(&Bgp, &hex(RT_PREFIX), Ctx::to(179)), "UPDATE Message[Malformed Packet]");
    assert_eq!(info_of(&Bgp, &hex(RT_WHOLE), Ctx::to(179)), "UPDATE Message");
    let mut t = Tree::new();
    Bgp.tree(&hex(SHORT_UPDATE), Ctx::to(179), 0, &mut t);
    assert!(t.items().iter().any(|i| t.display(i) == "[Malformed Packet: BGP]"));
}

#[test]
fn a_header_declaring_less_than_a_header_ends_the_walk() {
    let mut b = hex(KEEPALIVE);
    b[17] = 0x05;
    assert_eq!(info_of(&Bgp, &b, Ctx::to(179)), "[Malformed Packet]");
}

#[test]
fn messages_are_measured_for_reassembly() {
    assert_eq!(Bgp.pdu_len(&hex(OPEN)), Some(55));
    assert_eq!(Bgp.pdu_len(&hex(OPEN)[..10]), Some(HEADER_LEN));
    assert_eq!(Bgp.pdu_len(&[]), None);
    // Bytes before a marker are a continuation: the segment stays whole.
    let mut cont = vec![1, 2, 3];
    cont.extend(hex(KEEPALIVE));
    assert_eq!(Bgp.pdu_len(&cont), None);
    assert!(Bgp.accepts(&cont));
    assert!(!Bgp.accepts(b"GET / HTTP/1.1\r\n"));
}

#[test]
fn no_cut_of_any_message_panics() {
    for m in [OPEN, SHORT_UPDATE, RT_PREFIX, RT_WHOLE, KEEPALIVE] {
        let b = hex(m);
        for n in 0..=b.len() {
            let mut s = String::new();
            Bgp.info(&b[..n], Ctx::to(179), &mut s);
            let mut t = Tree::new();
            Bgp.tree(&b[..n], Ctx::to(179), 0, &mut t);
        }
        // Every byte turned to 0xff: lengths at their largest.
        let mut f = b.clone();
        for i in 16..f.len() {
            f[i] = 0xff;
            let mut t = Tree::new();
            Bgp.tree(&f, Ctx::to(179), 0, &mut t);
        }
    }
}
