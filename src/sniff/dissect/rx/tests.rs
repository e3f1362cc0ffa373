//! RX and AFS on frames of tcpdump's afs.pcap (payloads inlined), and on
//! payloads cut short or hostile.

use super::*;
use crate::sniff::dissect::testing::{info_of, values_of};

/// Hex to bytes.
fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Frame 1: an FS fetch-status request, 7001 → 7000.
const FETCH_STATUS: &str = "bfcdb4be1b557a5c0000012200000001000001af010500026513000100000084200000ba0000034e0010049d";
/// Frame 2: its reply, 7000 → 7001 (cut after the first status words).
const FETCH_STATUS_REPLY: &str = "bfcdb4be1b557a5c00000122000000010000015b010400026513000100000001000000010000000100";
/// Frame 3: an ACK (Delay) with the MTU trailer, 7001 → 7000.
const ACK: &str = "bfcdb4be1b557a5c0000012200000000000001b002210002851400010000000000000002000000010000015b0800696e650000163c000005a40000002000000004";
/// Frame 38: a CHALLENGE, 7003 → 1792.
const CHALLENGE: &str = "a13ba33e5b27adcc000000000000000000000001060000020000003400000002845fa3390000000000000000";
/// Frame 39: its RESPONSE, 1792 → 7003.
const RESPONSE: &str = "a13ba33e5b27adcc0000000000000000000000020701000200000034000000020000000039c2f22f0f43dc289f2d47cd881bf449687a4b63ac52d65381b2f635027e85e0bd9ce0a461a0611900000000000000383ec035b2e62ff8053c824063ef08e20585b6287e17d67a110b29247bfb2cf77a5d47ecd473e0679f590f00004b0f00002a0f00000e0f0000";
/// Frame 50: an ACKALL, 1792 → 7005.
const ACKALL: &str = "a13ba33e5b27add80000000100000000000000030501000200000004";

/// Handed over by the lower port `port` as destination (`to`) or source, the other port `peer`.
fn ctx(port: u16, to: bool, peer: u16) -> Ctx {
    Ctx { port: Some(port), to_port: to, peer: Some(peer), ..Ctx::default() }
}

#[test]
fn header_is_decoded_and_checked() {
    let h = Header::parse(&hex(FETCH_STATUS)).unwrap();
    assert_eq!((h.epoch, h.cid, h.call, h.seq, h.kind, h.flags), (0xbfcdb4be, 458586716, 290, 1, kind::DATA, 0x05));
    assert!(!h.reply() && !h.needs_recall());
    // Shorter than the header, or an unknown type: not RX (the port's bytes go to UDP).
    assert_eq!(Header::parse(&hex(FETCH_STATUS)[..27]), None);
    let mut odd = hex(ACKALL);
    for t in [0u8, 10, 11, 12, 14, 255] {
        odd[at::TYPE] = t;
        assert!(!Rx.accepts(&odd), "type {t}");
    }
    assert!(Rx.accepts(&hex(ACKALL)));
    assert!(!Rx.accepts(&[]));
}

#[test]
fn request_info_names_service_and_operation() {
    let pdu = hex(FETCH_STATUS);
    assert_eq!(Rx.column(&pdu), "AFS (RX)");
    assert_eq!(Rx.protocols(&pdu), "rx:afs");
    assert_eq!(info_of(&Rx, &pdu, ctx(7000, true, 7001)), "FS Request: fetch-status (132)");
    assert_eq!(values_of(&Rx, &pdu, ctx(7000, true, 7001), "afs.fs.opcode"), ["132"]);
    assert_eq!(values_of(&Rx, &pdu, ctx(7000, true, 7001), "afs.fs"), ["1"]);
    assert_eq!(values_of(&Rx, &pdu, ctx(7000, true, 7001), "rx.callnumber"), ["290"]);
    assert_eq!(values_of(&Rx, &pdu, ctx(7000, true, 7001), "rx.flags"), ["0x05"]);
}

#[test]
fn afs_info_words() {
    let info = |port, reply, op| {
        let mut s = String::new();
        afs::info(&mut s, port, reply, op);
        s
    };
    assert_eq!(info(7003, true, 504), "VLDB Reply: get-entry-by-name (504)");
    assert_eq!(info(7021, false, 12), "BKUP Request: get-dumps (12)");
    assert_eq!(info(7021, false, 9999), "BKUP Request: Unknown(9999) (9999)");
    assert_eq!(info(7003, false, 10000), "UBIK-VLDB Request: vote-beacon (10000)");
    assert_eq!(info(7006, false, 5), "ERR Request: Unknown(5)");
    assert_eq!(info(7000, false, 0x8000_0000), "Encrypted FS Request");
    assert_eq!(info(1792, true, 132), "Unknown(1792) Reply: Unknown(132)");
    assert_eq!(afs::service_text(7003, false, 20001), "UBIK - Volume Location Database Server Request");
}

#[test]
fn reply_takes_its_operation_from_the_request() {
    let mut calls = Calls::default();
    let (req, rep) = (hex(FETCH_STATUS), hex(FETCH_STATUS_REPLY));
    assert_eq!(calls.frame_in(&req, ctx(7000, true, 7001), 1, 0), None);
    let r = calls.frame_in(&rep, ctx(7000, false, 7001), 2, 19_872_000).unwrap();
    assert_eq!(r.frame, 1);
    assert_eq!(Recalled::from(&r).since, 19_872_000);
    let mut tree = Tree::new();
    Rx.recalled_tree(&r, &mut tree);
    let lines: Vec<_> = tree.items().iter().map(|i| tree.display(i).to_string()).collect();
    assert_eq!(
        lines,
        [
            "Service: File Server Reply",
            "This is a reply to a request in frame 1",
            "Time from request: 0.019872000 seconds",
            "Operation: fetch-status (132)",
            ""
        ]
    );
    assert_eq!(info_of(&Rx, &rep, ctx(7000, false, 7001)), "");
    let mut s = String::new();
    Rx.recalled_info(&[], &r, &mut s);
    assert_eq!(s, "FS Reply: fetch-status (132)");
    let mut out = Vec::new();
    let i = FIELDS.iter().position(|f| f.name == "afs.fs.opcode").unwrap();
    Rx.recalled_values(&r, i, &mut out);
    assert_eq!(out.iter().map(ToString::to_string).collect::<Vec<_>>(), ["132"]);
    // Another call's reply: the request is not in the capture.
    let mut other = rep.clone();
    other[at::CALL + 3] ^= 1;
    let r = calls.frame_in(&other, ctx(7000, false, 7001), 3, 0).unwrap();
    let mut s = String::new();
    Rx.recalled_info(&[], &r, &mut s);
    assert_eq!(s, "FS Reply: Unknown(0) (0)");
}

#[test]
fn later_packets_of_a_request_take_the_first_ones_operation() {
    let mut calls = Calls::default();
    let mut first = hex(FETCH_STATUS);
    first[at::FLAGS] = flag::CLIENT_INITIATED;
    assert_eq!(calls.frame_in(&first, ctx(7000, true, 7001), 1, 0), None);
    let mut second = hex(FETCH_STATUS);
    second[at::SEQ + 3] = 2;
    second[at::BODY..at::BODY + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(info_of(&Rx, &second, ctx(7000, true, 7001)), "");
    let r = calls.frame_in(&second, ctx(7000, true, 7001), 2, 0).unwrap();
    let mut s = String::new();
    Rx.recalled_info(&[], &r, &mut s);
    assert_eq!(s, "FS Request: fetch-status (132)");
}

#[test]
fn ack_info_and_trailer() {
    let pdu = hex(ACK);
    assert_eq!(Rx.column(&pdu), "RX");
    let c = ctx(7000, true, 7001);
    assert_eq!(info_of(&Rx, &pdu, c), "ACK Delay  Seq: 0  Call: 290  Source Port: 7001  Destination Port: 7000  ");
    assert_eq!(values_of(&Rx, &pdu, c, "rx.max_mtu"), ["5692"]);
    assert_eq!(values_of(&Rx, &pdu, c, "rx.if_mtu"), ["1444"]);
    assert_eq!(values_of(&Rx, &pdu, c, "rx.max_packets"), ["4"]);
    assert_eq!(values_of(&Rx, &pdu, c, "rx.reason"), ["8"]);
    // Cut inside the fixed part: malformed; cut in the trailer: fine.
    assert!(info_of(&Rx, &pdu[..40], c).ends_with("[Malformed Packet]"));
    assert_eq!(info_of(&Rx, &pdu[..44], c), "[Malformed Packet]");
    assert!(!info_of(&Rx, &pdu[..50], c).contains("Malformed"));
}

#[test]
fn challenge_response_ackall() {
    let c = ctx(7003, false, 1792);
    let pdu = hex(CHALLENGE);
    assert_eq!(info_of(&Rx, &pdu, c), "CHALLENGE  Seq: 0  Call: 0  Source Port: 7003  Destination Port: 1792  ");
    assert_eq!(values_of(&Rx, &pdu, c, "rx.nonce"), ["0x845fa339"]);
    let pdu = hex(RESPONSE);
    let c = ctx(7003, true, 1792);
    assert_eq!(info_of(&Rx, &pdu, c), "RESPONSE  Seq: 0  Call: 0  Source Port: 1792  Destination Port: 7003  ");
    assert_eq!(values_of(&Rx, &pdu, c, "rx.ticket_len"), ["56"]);
    assert_eq!(values_of(&Rx, &pdu, c, "rx.callnumber").len(), 5);
    assert!(info_of(&Rx, &pdu[..100], c).ends_with("[Malformed Packet]"));
    let pdu = hex(ACKALL);
    assert_eq!(
        info_of(&Rx, &pdu, ctx(7005, true, 1792)),
        "ACKALL  Seq: 0  Call: 1  Source Port: 1792  Destination Port: 7005  "
    );
}

#[test]
fn tree_has_every_field_with_its_bytes() {
    let mut tree = Tree::new();
    Rx.tree(&hex(FETCH_STATUS), ctx(7000, true, 7001), 42, &mut tree);
    let find = |name: &str| {
        tree.items()
            .iter()
            .find(|i| i.field == name)
            .map(|i| (tree.display(i).to_string(), i.bytes.map(|b| (b.offset, b.len))))
    };
    assert_eq!(find("rx"), Some(("RX Protocol".into(), Some((42, 28)))));
    assert_eq!(find("rx.epoch").unwrap().0, "Epoch: Dec 21, 2071 13:16:46.000000000 UTC");
    assert_eq!(find("rx.flags").unwrap().0, "Flags: 0x05, Last Packet, Client Initiated");
    assert_eq!(find("rx.flags.client_init").unwrap().0, ".... ...1 = Client Initiated: True");
    assert_eq!(find("rx.serviceid"), Some(("Service ID: 1".into(), Some((42 + 26, 2)))));
    assert_eq!(find("afs.service").unwrap().0, "Service: File Server Request");
    assert_eq!(find("afs.fs.opcode"), Some(("Operation: fetch-status (132)".into(), Some((42 + 28, 4)))));
}

#[test]
fn hostile_bytes_never_panic() {
    let c = ctx(7000, true, 7001);
    for sample in [FETCH_STATUS, FETCH_STATUS_REPLY, ACK, CHALLENGE, RESPONSE, ACKALL] {
        let full = hex(sample);
        for len in 0..=full.len() {
            let pdu = &full[..len];
            let mut tree = Tree::new();
            Rx.tree(pdu, c, 0, &mut tree);
            let _ = info_of(&Rx, pdu, c);
            let mut calls = Calls::default();
            let _ = calls.frame_in(pdu, c, 1, 0);
        }
    }
    // A response claiming a huge ticket.
    let mut pdu = hex(RESPONSE);
    let at = at::BODY + RESPONSE_FIXED_FOR_TESTS - 4;
    pdu[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(info_of(&Rx, &pdu, c).ends_with("[Malformed Packet]"));
    let mut tree = Tree::new();
    Rx.tree(&pdu, c, 0, &mut tree);
}

/// The fixed part of a version 2 response (tree.rs).
const RESPONSE_FIXED_FOR_TESTS: usize = 56;

#[test]
fn glossary_puts_afs_fields_under_afs() {
    let lines: Vec<String> = crate::sniff::dissect::registry::glossary_lines().collect();
    assert!(lines.iter().any(|l| l == "P\tRX Protocol\trx"));
    assert!(lines.iter().any(|l| l == "P\tAndrew File System (AFS)\tafs"));
    assert!(lines.iter().any(|l| l == "F\tOperation\tafs.fs.opcode\tFT_UINT32\tafs\tBASE_DEC\t0x0\t"));
    assert!(lines.iter().any(|l| l == "F\tCID\trx.cid\tFT_UINT32\trx\tBASE_DEC\t0x0\t"));
}
