//! PTP's tests, on messages of tcpdump's test captures.

use super::*;
use crate::sniff::dissect::testing::{info_of, values_of};

/// ptp.pcap frame 1: a Delay_Req over UDP.
const DELAY_REQ: &[u8] = &[
    0x01, 0x02, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x7c, 0xfe, 0x90, 0xff, 0xfe, 0xf9, 0x50, 0xb4, 0x00, 0x01, 0x00, 0x84, // identity
    0x01, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // control, period, timestamp
];
/// ptp.pcap frame 2: its Delay_Resp.
const DELAY_RESP: &[u8] = &[
    0x09, 0x02, 0x00, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x84, // identity
    0x03, 0x00, 0x00, 0x00, 0x5a, 0x67, 0x90, 0x89, 0x0e, 0xcc, 0xa2, 0xa5, // receive timestamp
    0x7c, 0xfe, 0x90, 0xff, 0xfe, 0xf9, 0x50, 0xb4, 0x00, 0x01, // requesting port
];
/// ptp.pcap frame 3: an Announce.
const ANNOUNCE: &[u8] = &[
    0x0b, 0x02, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x16, // identity
    0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x80, // timestamp
    0xf8, 0xfe, 0xff, 0xff, 0x80, 0x00, 0x02, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x00, 0xa0, // grandmaster
];
/// ptp_v2_1.pcap frame 2: a Follow_Up over Ethernet.
const FOLLOW_UP: &[u8] = &[
    0x08, 0x12, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x38, 0xf3, 0xab, 0xff, 0xfe, 0x96, 0xec, 0x12, 0x00, 0x01, 0x02, 0xb2, // identity
    0x00, 0x00, 0x00, 0x00, 0x64, 0xb0, 0x47, 0x6c, 0x08, 0x68, 0xd1, 0x9b, // precise origin timestamp
];
/// ptp_v2_1.pcap frame 3: a Peer_Delay_Req.
const PDELAY_REQ: &[u8] = &[
    0x02, 0x12, 0x00, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x38, 0xf3, 0xab, 0xff, 0xfe, 0x96, 0xec, 0x12, 0x00, 0x01, 0x02, 0xb9, // identity
    0x00, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // timestamp
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // reserved
];
/// ptp_management.pcap frame 1: a GET of the current data set.
const MANAGEMENT: &[u8] = &[
    0x0d, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x11, 0x00, 0x01, 0x00, 0x00, // identity
    0x04, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03, 0x03, 0x00, 0x00, // target
    0x00, 0x01, 0x00, 0x14, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // TLV
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // data
];
/// ptp_corrections.pcap frame 2: a Delay_Resp with a correction of 36035 ns.
const CORRECTED: &[u8] = &[
    0x09, 0x02, 0x00, 0x36, 0x2c, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0xc3, 0x00, 0x00, // header
    0x00, 0x00, 0x00, 0x00, 0xe8, 0xc5, 0x7a, 0xff, 0xff, 0x01, 0x31, 0x3f, 0x00, 0x03, 0x04, 0xb3, // identity
    0x03, 0x7f, 0x00, 0x00, 0x63, 0x45, 0xad, 0x7f, 0x28, 0x78, 0xf4, 0x4d, // receive timestamp
    0xa0, 0x36, 0x9f, 0xff, 0xfe, 0x85, 0x6e, 0x8a, 0x00, 0x01, // requesting port
];

/// A version 1 Sync header (IEEE 1588-2002) over UDP.
fn v1_sync(control: u8) -> Vec<u8> {
    let mut m = vec![0x00, 0x01, 0x00, 0x01];
    m.extend_from_slice(b"_DFLT\0\0\0\0\0\0\0\0\0\0\0");
    m.extend_from_slice(&[0x01, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x01, 0x00, 0x07, control, 0, 0, 0]);
    m.resize(124, 0);
    m
}

fn udp() -> Ctx {
    Ctx::to(EVENT_PORT)
}

fn info(pdu: &[u8]) -> String {
    info_of(&Ptp, pdu, Ctx::default())
}

fn values(pdu: &[u8], name: &str) -> Vec<String> {
    values_of(&Ptp, pdu, Ctx::default(), name)
}

fn lines_in(pdu: &[u8], ctx: Ctx) -> Vec<String> {
    let mut t = Tree::new();
    Ptp.tree(pdu, ctx, 14, &mut t);
    t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
}

fn lines(pdu: &[u8]) -> Vec<String> {
    lines_in(pdu, Ctx::default())
}

fn has(lines: &[String], wanted: &[&str]) {
    for w in wanted {
        assert!(lines.contains(&w.to_string()), "{w}: {lines:#?}");
    }
}

#[test]
fn info_names_the_message_as_tshark() {
    assert_eq!(info(DELAY_REQ), "Delay_Req Message");
    assert_eq!(info(DELAY_RESP), "Delay_Resp Message");
    assert_eq!(info(ANNOUNCE), "Announce Message");
    assert_eq!(info(FOLLOW_UP), "Follow_Up Message");
    assert_eq!(info(PDELAY_REQ), "Peer_Delay_Req Message");
    assert_eq!(info(MANAGEMENT), "Management (Current dataset) GET");
    assert_eq!(info(&[0x04, 0x02]), "Unknown PTP Message (4)");
    let mut m = MANAGEMENT.to_vec();
    m[at::ACTION] = 2;
    m[at::MANAGEMENT_ID] = 0x77;
    assert_eq!(info(&m), "Management (Unknown management Id 30465) RESPONSE");
    m[at::TLV_TYPE + 1] = 2;
    m[at::MANAGEMENT_ID] = 0;
    assert_eq!(info(&m), "Management Error Message (RESPONSE_TOO_BIG)");
    has(&lines(&m), &["tlvType: Management error status (2)", "managementErrorId: RESPONSE_TOO_BIG (1)"]);
    m[at::MANAGEMENT_ID..at::MANAGEMENT_ID + 2].copy_from_slice(&[0xff, 0xf0]);
    assert_eq!(info(&m), "Management Error Message (Unknown Error Id 65520)");
}

#[test]
fn the_common_header_in_tsharks_words() {
    has(
        &lines(DELAY_REQ),
        &[
            "Precision Time Protocol (IEEE1588)",
            "0000 .... = majorSdoId: Unknown (0x0)",
            ".... 0001 = messageType: Delay_Req Message (0x1)",
            "0000 .... = minorVersionPTP: 0",
            ".... 0010 = versionPTP: 2",
            "messageLength: 44",
            "domainNumber: 0",
            "flags: 0x0000",
            "0... .... .... .... = PTP_SECURITY: False",
            ".... .... .... ...0 = PTP_LI_61: False",
            "correctionField: 0.000000 nanoseconds",
            "correction: Ns: 0 nanoseconds",
            "correctionSubNs: 0",
            "messageTypeSpecific: 0",
            "ClockIdentity: 0x7cfe90fffef950b4",
            "MAC Vendor: 7c:fe:90",
            "SourcePortID: 1",
            "sequenceId: 132",
            "controlField: Delay_Req Message (1)",
            "logMessagePeriod: 127",
            "originTimestamp (seconds): 0",
            "originTimestamp (nanoseconds): 0",
        ],
    );
    has(
        &lines(CORRECTED),
        &[
            "domainNumber: 44",
            ".... .1.. .... .... = PTP_UNICAST: True",
            "correctionField: 36035.000000 nanoseconds",
            "correction: Ns: 36035 nanoseconds",
            "ClockIdentity: 0xe8c57affff01313f",
        ],
    );
    // Not built from a MAC address: no vendor.
    assert!(!lines(CORRECTED).iter().any(|l| l.starts_with("MAC Vendor")));
    has(&lines(FOLLOW_UP), &["0001 .... = minorVersionPTP: 1", "controlField: Sync Message (0)"]);
}

#[test]
fn the_bodies_in_tsharks_words() {
    has(
        &lines(DELAY_RESP),
        &[
            "receiveTimestamp (seconds): 1516736649",
            "receiveTimestamp (nanoseconds): 248292005",
            "requestingSourcePortIdentity: 0x7cfe90fffef950b4",
            "requestingSourcePortId: 1",
        ],
    );
    has(
        &lines(ANNOUNCE),
        &[
            "originCurrentUTCOffset: 36",
            "priority1: 128",
            "grandmasterClockClass: 248",
            "grandmasterClockAccuracy: Accuracy Unknown (0xfe)",
            "grandmasterClockVariance: 65535",
            "priority2: 128",
            "grandmasterClockIdentity: 0x000200fffe000001",
            "localStepsRemoved: 0",
            "TimeSource: INTERNAL_OSCILLATOR (0xa0)",
        ],
    );
    has(
        &lines(FOLLOW_UP),
        &["preciseOriginTimestamp (seconds): 1689274220", "preciseOriginTimestamp (nanoseconds): 141087131"],
    );
    has(
        &lines(MANAGEMENT),
        &[
            "targetPortIdentity: 0xffffffffffffffff",
            "targetPortId: 65535",
            "startingBoundaryHops: 3",
            "boundaryHops: 3",
            ".... 0000 = action: GET (0)",
            "tlvType: Management (1)",
            "lengthField: 20",
            "managementId: CURRENT_DATA_SET (8193)",
            "data: 000000000000000000000000000000000000",
        ],
    );
}

#[test]
fn corrections_are_signed_with_a_fraction() {
    let mut m = DELAY_REQ.to_vec();
    m[at::CORRECTION..at::CORRECTION + 8].copy_from_slice(&(-5i64 * 65536 + 0x8000).to_be_bytes());
    has(
        &lines(&m),
        &["correctionField: -4.500000 nanoseconds", "correction: Ns: -5 nanoseconds", "correctionSubNs: 0.5"],
    );
    // tshark's field is unsigned: the value wraps around.
    assert_eq!(values(&m, "ptp.v2.correction.ns"), ["18446744073709551611"]);
    m[at::CORRECTION..at::CORRECTION + 8].copy_from_slice(&(123_456i64 * 65536 + 0x4000).to_be_bytes());
    has(&lines(&m), &["correctionField: 123456.250000 nanoseconds", "correctionSubNs: 0.25"]);
}

#[test]
fn fields_come_from_the_tree_with_their_types() {
    assert_eq!(values(DELAY_REQ, "ptp.v2.messagetype"), ["0x01"]);
    assert_eq!(values(DELAY_REQ, "ptp.v2.sequenceid"), ["132"]);
    assert_eq!(values(DELAY_REQ, "ptp.v2.clockidentity"), ["0x7cfe90fffef950b4"]);
    assert_eq!(values(DELAY_REQ, "ptp.v2.clockidentity_manuf"), ["7cfe90"]);
    assert_eq!(values(DELAY_REQ, "ptp.v2.logmessageperiod"), ["127"]);
    assert_eq!(values(CORRECTED, "ptp.v2.correction.ns"), ["36035"]);
    assert_eq!(values(CORRECTED, "ptp.v2.flags"), ["0x0400"]);
    assert_eq!(values(CORRECTED, "ptp.v2.flags.unicast"), ["1"]);
    assert_eq!(values(ANNOUNCE, "ptp.v2.an.grandmasterclockaccuracy"), ["0xfe"]);
    assert_eq!(values(ANNOUNCE, "ptp.v2.timesource"), ["0xa0"]);
    assert_eq!(values(MANAGEMENT, "ptp.v2.mm.managementId"), ["8193"]);
    assert_eq!(values(MANAGEMENT, "ptp.v2.mm.data"), ["000000000000000000000000000000000000"]);
    assert_eq!(values(FOLLOW_UP, "ptp.v2.sdr.origintimestamp.seconds"), [""; 0]);
}

#[test]
fn version_1_only_over_udp() {
    let m = v1_sync(0);
    assert_eq!(Ptp.column_in(&m, udp()), "PTPv1");
    assert_eq!(Ptp.column_in(&m, Ctx::default()), "PTPv2");
    assert_eq!(info_of(&Ptp, &m, udp()), "Sync Message");
    assert_eq!(info_of(&Ptp, &v1_sync(1), udp()), "Delay_Request Message");
    assert_eq!(info_of(&Ptp, &v1_sync(3), udp()), "Delay_Response Message");
    assert_eq!(info_of(&Ptp, &v1_sync(4), udp()), "Management Message (Null)");
    assert_eq!(info_of(&Ptp, &v1_sync(6), udp()), "Unknown Message");
    has(
        &lines_in(&m, udp()),
        &[
            "versionPTP: 1",
            "versionNetwork: 1",
            "subdomain: _DFLT",
            "messageType: Event Message (1)",
            "sourceCommunicationTechnology: IEEE 802.3 (Ethernet) (1)",
            "sourceUuid: 00:11:22:33:44:55",
            "sourcePortId: 1",
            "sequenceId: 7",
            "controlField: Sync Message (0)",
            ".... .... .... ...0 = PTP_LI61: False",
        ],
    );
    assert!(Ptp.accepts(&m) && Ptp.accepts(DELAY_REQ));
    assert!(!Ptp.accepts(&[0x00, 0x03, 0, 44]) && !Ptp.accepts(&[1]));
}

#[test]
fn message_length_cuts_padding_and_is_checked() {
    let mut padded = FOLLOW_UP.to_vec();
    padded.resize(46, 0);
    assert_eq!(Ptp.len(&padded), Some(44));
    let mut long = DELAY_REQ.to_vec();
    long[3] = 200;
    has(&lines(&long), &["[Message length goes past the end of the packet]", "originTimestamp (nanoseconds): 0"]);
    let mut short = DELAY_REQ.to_vec();
    short[3] = 1;
    let l = lines(&short);
    assert!(l.contains(&"[Message length too short to include the message length field]".to_string()));
    assert!(!l.iter().any(|x| x.starts_with("domainNumber") || x.starts_with("originTimestamp")));
    short[3] = 37;
    let l = lines(&short);
    assert!(l.contains(&"[Malformed Packet: PTP]".to_string()));
    assert!(l.contains(&"logMessagePeriod: 127".to_string()));
}

#[test]
fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
    let v1 = v1_sync(4);
    for pdu in [DELAY_REQ, DELAY_RESP, ANNOUNCE, FOLLOW_UP, PDELAY_REQ, MANAGEMENT, CORRECTED, &v1[..]] {
        for n in 0..=pdu.len() {
            let cut = &pdu[..n];
            for ctx in [Ctx::default(), udp()] {
                let _ = info_of(&Ptp, cut, ctx);
                let _ = lines_in(cut, ctx);
                for f in 1..FIELDS.len() {
                    Ptp.values(cut, ctx, f, &mut Vec::new());
                }
            }
        }
    }
    assert!(lines(&ANNOUNCE[..20]).contains(&"[Malformed Packet: PTP]".to_string()));
    // Info needs only the type (tshark does not mark a cut message there).
    assert_eq!(info(&ANNOUNCE[..20]), "Announce Message");
}
