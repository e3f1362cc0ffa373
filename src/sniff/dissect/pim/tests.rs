//! PIM's tests, with frames from the tcpdump test captures.

use super::*;
use crate::sniff::dissect::testing::{info_of, values_of};

/// PIMv2_hellos.pcap frame 1: a Hello with Holdtime, Generation ID, DR Priority
/// and State-Refresh options (the PIM message only).
const HELLO: &[u8] = &[
    0x20, 0x00, 0xaa, 0x6e, 0x00, 0x01, 0x00, 0x02, 0x00, 0x69, 0x00, 0x14, 0x00, 0x04, 0x3f, 0x0e, 0xf4, 0xcd, 0x00,
    0x13, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x15, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00,
];

/// PIM-SM_join_prune.pcap frame 11: a PIMv1 RP-Reachable in IGMP.
const V1_RP_REACHABLE: &[u8] = &[
    0x14, 0x04, 0x6d, 0xf4, 0x10, 0x00, 0x00, 0x00, 0xef, 0x7b, 0x7b, 0x7b, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0x01,
    0x01, 0x00, 0x00, 0x01, 0x0e, 0x00, 0x00,
];

fn tree_of(pdu: &[u8]) -> Tree {
    let mut t = Tree::new();
    Pim.tree(pdu, Ctx::default(), 0, &mut t);
    t
}

fn lines(t: &Tree) -> Vec<String> {
    t.items().iter().map(|i| t.display(i).to_string()).collect()
}

#[test]
fn a_hello_is_named_and_its_options_decoded() {
    assert_eq!(Pim.column(HELLO), "PIMv2");
    assert_eq!(info_of(&Pim, HELLO, Ctx::default()), "Hello");
    assert_eq!(values_of(&Pim, HELLO, Ctx::default(), "pim.cksum"), ["0xaa6e"]);
    assert_eq!(values_of(&Pim, HELLO, Ctx::default(), "pim.cksum.status"), ["1"]);
    assert_eq!(values_of(&Pim, HELLO, Ctx::default(), "pim.optiontype"), ["1", "20", "19", "21"]);
    assert_eq!(values_of(&Pim, HELLO, Ctx::default(), "pim.holdtime"), ["105"]);
    assert_eq!(values_of(&Pim, HELLO, Ctx::default(), "pim.generation_id"), ["1057944781"]);
    let l = lines(&tree_of(HELLO));
    assert!(l.contains(&"PIM Options: 4".to_string()), "{l:?}");
    assert!(l.contains(&"Option 21: State-Refresh: Version = 1, Interval = 0s".to_string()), "{l:?}");
    assert!(l.contains(&"0010 .... = Version: 2".to_string()), "{l:?}");
}

#[test]
fn a_hello_whose_option_value_runs_past_the_end_is_malformed() {
    // A Generation ID option announcing no value, at the very end.
    let mut pdu = HELLO.to_vec();
    pdu.extend([0x00, 0x14, 0x00, 0x00]);
    assert_eq!(info_of(&Pim, &pdu, Ctx::default()), "Hello[Malformed Packet]");
    let l = lines(&tree_of(&pdu));
    assert!(l.contains(&"Option 20: Generation ID".to_string()), "{l:?}");
    assert!(l.contains(&"PIM Options".to_string()), "{l:?}");
    assert!(l.iter().any(|x| x == "[Malformed Packet: PIM]"), "{l:?}");
}

#[test]
fn every_cut_of_a_message_decodes_without_panic() {
    for msg in [HELLO, V1_RP_REACHABLE] {
        for n in 0..msg.len() {
            let pdu = &msg[..n];
            let _ = info_of(&Pim, pdu, Ctx::default());
            let _ = tree_of(pdu);
            let _ = Pim.column(pdu);
        }
    }
    assert_eq!(info_of(&Pim, &HELLO[..3], Ctx::default()), "Hello[Malformed Packet]");
}

#[test]
fn other_types_are_named_as_tshark_names_them() {
    let mut pdu = HELLO[..4].to_vec();
    for (t, name) in [
        (1, "Register"),
        (2, "Register-stop"),
        (3, "Join/Prune"),
        (10, "DF election"),
        (8, "Candidate-RP-Advertisement"),
    ] {
        pdu[0] = 0x20 | t;
        assert_eq!(info_of(&Pim, &pdu, Ctx::default()), name);
    }
    pdu[0] = 0x2d;
    assert_eq!(info_of(&Pim, &pdu, Ctx::default()), "Unknown (13)");
    pdu[0] = 0x30;
    assert_eq!((Pim.column(&pdu), info_of(&Pim, &pdu, Ctx::default()).as_str()), ("PIMv3", "Unknown"));
}

#[test]
fn a_v1_rp_reachable_comes_from_igmp() {
    assert_eq!(Pim.column(V1_RP_REACHABLE), "PIMv1");
    assert_eq!(Pim.protocols(V1_RP_REACHABLE), "igmp:pim");
    assert_eq!(info_of(&Pim, V1_RP_REACHABLE, Ctx::default()), "RP-Reachable");
    assert_eq!(values_of(&Pim, V1_RP_REACHABLE, Ctx::default(), "pim.rp"), ["1.1.1.1"]);
    assert_eq!(values_of(&Pim, V1_RP_REACHABLE, Ctx::default(), "pim.holdtime"), ["270"]);
    assert_eq!(values_of(&Pim, V1_RP_REACHABLE, Ctx::default(), "pim.cksum.status"), ["1"]);
    let igmp = &crate::sniff::dissect::igmp::Igmp;
    assert_eq!(igmp.hands_over(V1_RP_REACHABLE), Some("pim"));
    assert_eq!(info_of(&Pim, &[0x14, 0x30, 0x30, 0x30], Ctx::default()), "Unknown (48)[Malformed Packet]");
}
