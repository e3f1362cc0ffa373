//! OpenFlow's tests: segments from the tcpdump test captures (of10_p3295,
//! of13_ericsson), alone and through the whole pipeline.

use super::*;
use crate::sniff::dissect::testing::{find, info_of, segment as tcp_segment, values_of, LinkType};

/// An OpenFlow 1.0 HELLO (of10_p3295.pcap frame 4).
const V1_HELLO: [u8; 8] = [0x01, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01];

/// of10_p3295.pcap frame 12: SET_CONFIG, then a FLOW_MOD without actions
/// (72 bytes) that tshark's decoder reads past: `[Malformed Packet]`.
const V1_SET_CONFIG_FLOW_MOD: &str = concat!(
    "0109000c000000030000ffff010e004800000004003fffff00000000",
    "00000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000003000000000000ffffffffffff0000",
);

/// An OpenFlow 1.3 HELLO (of13_ericsson.pcapng frame 18).
const V4_HELLO: [u8; 8] = [0x04, 0x00, 0x00, 0x08, 0x83, 0xea, 0x7e, 0x23];

/// An OpenFlow 1.3 MULTIPART_REQUEST for OFPMP_DESC (of13_ericsson.pcapng frame 77).
const V4_MULTIPART_DESC: [u8; 16] =
    [0x04, 0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x4f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn info(pdu: &[u8]) -> String {
    info_of(&OpenFlow, pdu, Ctx::to(6633))
}

fn lines(pdu: &[u8]) -> Vec<String> {
    let mut tree = Tree::new();
    OpenFlow.tree(pdu, Ctx::to(6633), 0, &mut tree);
    tree.items().iter().map(|i| format!("{}{}", "  ".repeat(usize::from(i.depth)), tree.display(i))).collect()
}

#[test]
fn a_hello_of_each_version_is_named_with_its_header() {
    assert_eq!(info(&V1_HELLO), "Type: OFPT_HELLO");
    assert_eq!(
        lines(&V1_HELLO),
        [
            "OpenFlow 1.0",
            "  .000 0001 = Version: 1.0 (0x01)",
            "  Type: OFPT_HELLO (0)",
            "  Length: 8",
            "  Transaction ID: 1"
        ]
    );
    assert_eq!(info(&V4_HELLO), "Type: OFPT_HELLO");
    assert_eq!(lines(&V4_HELLO)[..2], ["OpenFlow 1.3", "  Version: 1.3 (0x04)"]);
    assert_eq!(values_of(&OpenFlow, &V4_HELLO, Ctx::default(), "openflow_v4.xid"), ["2213183011"]);
    assert_eq!(values_of(&OpenFlow, &V4_HELLO, Ctx::default(), "openflow_v4.version"), ["0x04"]);
    assert_eq!(values_of(&OpenFlow, &V1_HELLO, Ctx::default(), "openflow.version"), ["0x01"]);
    assert_eq!(values_of(&OpenFlow, &V1_HELLO, Ctx::default(), "openflow_1_0.type"), ["0"]);
    assert_eq!(OpenFlow.label(&V1_HELLO), "", "tshark's OpenFlow layer has no item of its own");
    assert!(values_of(&OpenFlow, &V1_HELLO, Ctx::default(), "openflow_v4.type").is_empty());
    let mut v5 = V4_HELLO;
    v5[0] = 5;
    v5[1] = 30;
    assert_eq!(info(&v5), "Type: OFPT_ROLE_STATUS");
    let mut v6 = v5;
    v6[0] = 6;
    v6[1] = 35;
    assert_eq!(info(&v6), "Type: OFPT_CONTROLLER_STATUS");
    assert_eq!(lines(&v6)[0], "OpenFlow 1.5");
}

#[test]
fn a_multipart_message_names_its_multipart_type() {
    assert_eq!(info(&V4_MULTIPART_DESC), "Type: OFPT_MULTIPART_REQUEST, OFPMP_DESC");
    let l = lines(&V4_MULTIPART_DESC);
    assert_eq!(
        l[5..],
        [
            "  Type: OFPMP_DESC (0)",
            "  Flags: 0x0000",
            "    .... .... .... ...0 = OFPMPF_REQ_MORE: 0x0",
            "  Pad: 00000000"
        ]
    );
    let ctx = Ctx::default();
    assert_eq!(values_of(&OpenFlow, &V4_MULTIPART_DESC, ctx, "openflow_v4.multipart_request.flags"), ["0x0000"]);
    let mut reply = V4_MULTIPART_DESC;
    reply[1] = MULTIPART_REPLY;
    reply[9] = 12;
    assert_eq!(info(&reply), "Type: OFPT_MULTIPART_REPLY, OFPMP_TABLE_FEATURES");
    assert_eq!(values_of(&OpenFlow, &reply, ctx, "openflow_v4.multipart_reply.type"), ["12"]);
    reply[0] = V1_5;
    reply[9] = 1;
    assert_eq!(info(&reply), "Type: OFPT_MULTIPART_REPLY, OFPMP_FLOW_DESC");
    reply[9] = 99;
    assert_eq!(info(&reply), "Type: OFPT_MULTIPART_REPLY, Unknown (99)");
}

#[test]
fn the_last_message_of_a_segment_is_the_info_and_a_short_flow_mod_is_malformed() {
    let pdu = hex(V1_SET_CONFIG_FLOW_MOD);
    assert_eq!(pdu.len(), 84);
    assert_eq!(info(&pdu), "Type: OFPT_FLOW_MOD[Malformed Packet]");
    let l = lines(&pdu);
    assert_eq!(l.iter().filter(|x| *x == "OpenFlow 1.0").count(), 2);
    assert!(l.contains(&"[Malformed Packet: openflow_v1]".to_string()), "{l:#?}");
    assert_eq!(OpenFlow.protocols(&pdu), "openflow:openflow_v1:openflow_v1");
    assert_eq!(values_of(&OpenFlow, &pdu, Ctx::default(), "openflow.xid"), ["3", "4"]);
    // Two HELLOs: the second's text, nothing malformed.
    let two = [V1_HELLO, V1_HELLO].concat();
    assert_eq!(info(&two), "Type: OFPT_HELLO");
    assert_eq!(OpenFlow.protocols(&V4_HELLO), "openflow:openflow_v4");
    assert_eq!(OpenFlow.protocols(&[V4_HELLO, V4_HELLO].concat()), "openflow:openflow_v4");
}

#[test]
fn a_message_the_segment_cuts_is_left_for_the_next_unless_it_is_alone() {
    // HELLO then the first 12 bytes of a FLOW_MOD: tshark waits for the rest.
    let pdu = [&V1_HELLO[..], &hex(V1_SET_CONFIG_FLOW_MOD)[12..24]].concat();
    let seg = segment(&pdu);
    assert_eq!(seg.messages.len(), 1);
    assert_eq!(info(&pdu), "Type: OFPT_HELLO");
    // Alone, the cut message is shown as far as it goes.
    let alone = &hex(V1_SET_CONFIG_FLOW_MOD)[12..24];
    assert_eq!(info(alone), "Type: OFPT_FLOW_MOD");
    assert!(lines(alone).last().unwrap().starts_with("  [Message cut short: 12 of 72 bytes"));
    // Every shorter piece decodes as far as it goes, without a panic.
    for n in 0..V4_MULTIPART_DESC.len() {
        let cut = &V4_MULTIPART_DESC[..n];
        let _ = (info(cut), lines(cut), OpenFlow.protocols(cut));
        for f in 1..FIELDS.len() {
            OpenFlow.values(cut, Ctx::default(), f, &mut Vec::new());
        }
    }
    assert_eq!(info(&[4]), "");
    assert_eq!(info(&[]), "");
    assert_eq!(message_len(&V4_MULTIPART_DESC), Some(16));
    assert_eq!(message_len(&V4_MULTIPART_DESC[..7]), None);
}

#[test]
fn an_unsupported_version_shows_its_version_byte_and_clears_the_info() {
    // A 1.0 HELLO, then a header of version 0x5c announcing more than the
    // segment holds (of10_inv_OFPST_FLOW.pcap frame 1 ends so).
    let pdu = [&V1_HELLO[..], &[0x5c, 0x00, 0xdb, 0xe9, 0, 0, 0, 0][..]].concat();
    assert_eq!(info(&pdu), "");
    let l = lines(&pdu);
    assert_eq!(l[5], ".101 1100 = Version: Unknown (0x5c)");
    assert_eq!(l[6], "  [Expert Info (Warning/Undecoded): Unsupported version not dissected]");
    assert_eq!(values_of(&OpenFlow, &pdu, Ctx::default(), "openflow.version"), ["0x01", "0x5c"]);
    assert_eq!(OpenFlow.protocols(&pdu), "openflow:openflow_v1");
    assert_eq!(OpenFlow.protocols(&pdu[8..]), "openflow");
}

#[test]
fn a_length_shorter_than_a_header_is_malformed() {
    let mut pdu = V1_HELLO.to_vec();
    pdu.extend([0x01, 0x00, 0x00, 0x04, 0, 0, 0, 2]);
    assert_eq!(info(&pdu), "Type: OFPT_HELLO[Malformed Packet]");
    assert!(lines(&pdu).contains(&"[Malformed Packet: OpenFlow]".to_string()));
    assert_eq!(info(&pdu[8..]), "[Malformed Packet]");
}

#[test]
fn unknown_types_are_named_as_tshark_names_them() {
    let mut m = V1_HELLO;
    m[1] = 22;
    assert_eq!(info(&m), "Type: Unknown message type");
    assert_eq!(lines(&m)[2], "  Type: Unknown (22)");
    let mut v5 = V4_HELLO;
    v5[0] = V1_4;
    v5[1] = 22;
    assert_eq!(info(&v5), "Type: Unknown message type");
    v5[0] = V1_3;
    v5[1] = 30;
    assert_eq!(info(&v5), "Type: Unknown message type");
}

#[test]
fn the_ports_hand_segments_to_openflow_in_both_directions() {
    for ports in [(35256, 6633), (6633, 35256), (4756, 6653), (6634, 50000)] {
        let frame = tcp_segment(ports, &V1_HELLO);
        let f = crate::sniff::dissect::testing::fields(LinkType::Ethernet, &frame);
        assert_eq!(find(&f, "openflow_1_0.type"), [("0", Some((75, 1)))], "{ports:?}");
        assert_eq!(find(&f, "openflow.xid"), [("1", Some((78, 4)))]);
    }
}

#[test]
fn after_a_packet_out_the_info_stays_that_of_the_packet_out() {
    // PACKET_OUT (buffered, one output action), then a BARRIER_REQUEST.
    let mut pdu = vec![0x01, 13, 0x00, 0x18, 0, 0, 0, 9, 0, 0, 1, 0, 0xff, 0xfd, 0x00, 0x08];
    pdu.extend([0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0xff, 0xff]);
    pdu.extend([0x01, 18, 0x00, 0x08, 0, 0, 0, 10]);
    assert_eq!(info(&pdu), "Type: OFPT_PACKET_OUT");
    assert_eq!(info(&pdu[24..]), "Type: OFPT_BARRIER_REQUEST");
}
