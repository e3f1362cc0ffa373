//! HTTP/2 with the segments of suricata-verify's dns_over_https_POST.pcap.

use super::state::Http2State;
use super::*;
use crate::sniff::dissect::dissector::Flow;
use crate::sniff::dissect::testing::{info_of, values_of};

/// Decodes a hex string (test data only).
fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Frame 4: the preface, SETTINGS, WINDOW_UPDATE and six PRIORITY frames.
const PREFACE: &str = "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001204000000000000010001000000040002000000050000400000000408000000000000bf000100000502000000000300000000c800000502000000000500000000640000050200000000070000000000000005020000000009000000070000000502000000000b000000030000000502000000000d00000000f0";
/// Frame 6: HEADERS[15], the first request (literal names and values, Huffman coded).
const HEADERS_15: &str = "0000b901240000000f0000000715830588624a90b76b4b67af4193a4fecd45035c941ed925a07615692a42e43d3f877abad07f66a281b0dae053fafc087ed4e11db526dfb5339aab7ca9e5e72271afb52cef71c7d707f6a62293a9d810020004015309ac2ca7f2c38fae0f53901d75d0620d263d4c495216a4a840e62f518b2d4b70ddf45abefb4005db508d9bd9abfa5242cb40d25fa523b35886a8eb2127b0bf5f901d75d0620d263d4c495216a4a840e62f5c8269ef4082497f864d833505b11f";
/// Frame 7: DATA[15] with END_STREAM, a DNS query.
const DATA_15: &str = "00003000010000000f000001000001000000000001076578616d706c6503636f6d000002000100002910000000000000080008000400010000";
/// Frame 12: HEADERS[17], the second request, mostly indexes into the dynamic table.
const HEADERS_17: &str = "00001e0124000000110000000715830588624a90b76b4b67afc687c5c4c3c2c1c07f00826c3fbf";

const CLIENT: Option<Flow> = Some(Flow { stream: 0, from_client: true });

/// The dissector the capture state makes for each PDU, in order.
fn shown(pdus: &[&str]) -> Vec<(Vec<u8>, std::sync::Arc<dyn Dissector + Send>)> {
    let mut state = Http2State::default();
    pdus.iter()
        .enumerate()
        .map(|(i, p)| {
            let b = hex(p);
            let d = state.shows(&b, Ctx::default(), CLIENT, i as u32 + 1, 0).expect("a connection");
            (b, d)
        })
        .collect()
}

#[test]
fn the_preface_segment_lists_every_frame() {
    let pdu = hex(PREFACE);
    assert!(Http2.heuristic(Carrier::Tcp, &pdu));
    assert!(!Http2.heuristic(Carrier::Udp, &pdu));
    assert_eq!(
        info_of(&Http2, &pdu, Ctx::default()),
        "Magic, SETTINGS[0], WINDOW_UPDATE[0], PRIORITY[3], PRIORITY[5], PRIORITY[7], PRIORITY[9], PRIORITY[11], PRIORITY[13]"
    );
    assert_eq!(values_of(&Http2, &pdu, Ctx::default(), "http2.type"), ["4", "8", "2", "2", "2", "2", "2", "2"]);
    assert_eq!(values_of(&Http2, &pdu, Ctx::default(), "http2.streamid"), ["0", "0", "3", "5", "7", "9", "11", "13"]);
    assert_eq!(values_of(&Http2, &pdu, Ctx::default(), "http2.settings.id"), ["1", "4", "5"]);
    let e = Http2.expects(&pdu, Ctx::default()).expect("the preface announces its connection");
    assert_eq!((e.port, e.protocol), (0, "http2"));
}

#[test]
fn pdus_are_the_preface_or_one_frame() {
    let pdu = hex(PREFACE);
    assert_eq!(Http2.pdu_len(&pdu), Some(24));
    assert_eq!(Http2.pdu_len(&pdu[..5]), Some(24));
    assert_eq!(Http2.pdu_len(&pdu[24..]), Some(9 + 18));
    assert_eq!(Http2.pdu_len(&pdu[24..30]), Some(9));
    assert_eq!(Http2.pdu_len(&hex(DATA_15)), Some(57));
}

#[test]
fn headers_decode_against_the_connections_table() {
    let s = shown(&[PREFACE, HEADERS_15, DATA_15, HEADERS_17]);
    let info = |i: usize| {
        let mut out = String::new();
        s[i].1.info(&s[i].0, Ctx::default(), &mut out);
        out
    };
    assert_eq!(info(1), "HEADERS[15]: POST /dns-query");
    assert_eq!(info(2), "Standard query 0x0000 NS example.com OPT");
    assert_eq!(s[2].1.column(&s[2].0), "DoH");
    assert_eq!(s[2].1.protocols(&s[2].0), "http:http2:dns");
    assert_eq!(s[1].1.column(&s[1].0), "HTTP2");
    // Frame 12 names most headers by their index in the dynamic table frame 6 filled.
    assert_eq!(info(3), "HEADERS[17]: POST /dns-query");
    let names = values_of(&*s[3].1, &s[3].0, Ctx::default(), "http2.header.name");
    assert_eq!(names.len(), 12);
    assert_eq!(names[2], ":authority");
    let values = values_of(&*s[3].1, &s[3].0, Ctx::default(), "http2.header.value");
    assert_eq!(values[2], "mozilla.cloudflare-dns.com");
    // Without the connection's table, the frame is listed alone.
    assert_eq!(info_of(&Http2, &s[3].0, Ctx::default()), "HEADERS[17]");
}

#[test]
fn the_tree_gives_every_field_its_bytes() {
    let s = shown(&[HEADERS_15, DATA_15]);
    let mut t = Tree::new();
    s[1].1.tree(&s[1].0, Ctx::default(), 54, &mut t);
    let find = |name: &str| t.items().iter().find(|i| i.field == name).and_then(|i| i.bytes).map(|b| (b.offset, b.len));
    assert_eq!(find("http2.length"), Some((54, 3)));
    assert_eq!(find("http2.streamid"), Some((59, 4)));
    assert_eq!(find("http2.data.data"), Some((63, 48)));
    // The DNS message inside, one level down, at the data's bytes.
    let id = t.items().iter().find(|i| i.field == "dns.id").unwrap();
    assert_eq!((id.depth, id.bytes.map(|b| b.offset)), (2, Some(63)));
    let mut t = Tree::new();
    s[0].1.tree(&s[0].0, Ctx::default(), 0, &mut t);
    let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
    assert!(lines.contains(&"Stream: HEADERS, Stream ID: 15, Length 185, POST /dns-query"));
    assert!(lines.contains(&"Header: :method: POST"));
    assert!(lines.contains(&"Representation: Literal Header Field with Incremental Indexing - Indexed Name"));
}

#[test]
fn a_body_over_several_frames_ends_with_end_stream() {
    // DATA[15] without END_STREAM carrying the query, then an empty one with it.
    let mut first = hex(DATA_15);
    first[4] = 0;
    let last = hex("00000000010000000f");
    let mut state = Http2State::default();
    let h = hex(HEADERS_15);
    let _ = state.shows(&h, Ctx::default(), CLIENT, 1, 0);
    let a = state.shows(&first, Ctx::default(), CLIENT, 2, 0).unwrap();
    let b = state.shows(&last, Ctx::default(), CLIENT, 3, 0).unwrap();
    let mut out = String::new();
    a.info(&first, Ctx::default(), &mut out);
    assert_eq!(out, "DATA[15]");
    out.clear();
    b.info(&last, Ctx::default(), &mut out);
    assert_eq!(out, "Standard query 0x0000 NS example.com OPT");
    let mut t = Tree::new();
    b.tree(&last, Ctx::default(), 0, &mut t);
    assert_eq!(t.sources().len(), 1);
}

#[test]
fn cut_and_hostile_pdus_never_panic() {
    let all = [PREFACE, HEADERS_15, DATA_15, HEADERS_17].map(hex);
    for pdu in &all {
        for n in 0..=pdu.len() {
            let cut = &pdu[..n];
            let mut state = Http2State::default();
            for p in &all {
                let _ = state.shows(p, Ctx::default(), CLIENT, 1, 0);
            }
            let d = state.shows(cut, Ctx::default(), CLIENT, 2, 0).unwrap();
            let mut out = String::new();
            d.info(cut, Ctx::default(), &mut out);
            let mut t = Tree::new();
            d.tree(cut, Ctx::default(), 0, &mut t);
            Http2.tree(cut, Ctx::default(), 0, &mut t);
            for f in 0..FIELDS.len() {
                d.values(cut, Ctx::default(), f, &mut Vec::new());
            }
        }
    }
    // Flipped bytes: a frame header claiming 16 MiB, padding longer than the
    // payload, a header block of garbage.
    let mut state = Http2State::default();
    for seed in 0..512u32 {
        let mut p = hex(HEADERS_15);
        let i = (seed as usize * 7919) % p.len();
        p[i] ^= (seed as u8).wrapping_mul(31) | 1;
        let d = state.shows(&p, Ctx::default(), CLIENT, seed, 0).unwrap();
        let mut out = String::new();
        d.info(&p, Ctx::default(), &mut out);
        let mut t = Tree::new();
        d.tree(&p, Ctx::default(), 0, &mut t);
    }
}

#[test]
fn state_stays_bounded() {
    let mut state = Http2State::default();
    // A DATA frame on a new stream each time, never ended.
    for stream in 0..(state::MAX_STREAMS as u32 * 4) {
        let mut p = hex("00000400000000000061626364");
        p[5..9].copy_from_slice(&(stream * 2 + 1).to_be_bytes());
        let _ = state.shows(&p, Ctx::default(), CLIENT, 1, 0);
    }
    for conn in 0..(state::MAX_CONNECTIONS as u32 * 2) {
        let _ = state.shows(&hex(DATA_15), Ctx::default(), Some(Flow { stream: conn, from_client: false }), 1, 0);
    }
}

#[test]
fn a_doh_response_points_at_the_query_on_its_stream() {
    let mut state = Http2State::default();
    let server = Some(Flow { stream: 0, from_client: false });
    let _ = state.shows(&hex(HEADERS_15), Ctx::default(), CLIENT, 6, 1_000);
    let query = state.shows(&hex(DATA_15), Ctx::default(), CLIENT, 7, 2_000).unwrap();
    assert_eq!(query.carried_dns().len(), 1);
    assert_eq!(query.carried_dns()[0].response_to, None);
    // The server's HEADERS[15]: content-type (static index 31) as a literal without indexing.
    let mut block = vec![0x0f, 0x10, 23];
    block.extend_from_slice(DNS_MESSAGE.as_bytes());
    let mut headers = vec![0, 0, block.len() as u8, frame::ty::HEADERS, frame::flag::END_HEADERS, 0, 0, 0, 15];
    headers.extend_from_slice(&block);
    let _ = state.shows(&headers, Ctx::default(), server, 10, 3_000);
    let mut response = hex(DATA_15);
    response[9 + 2] = 0x81; // QR set
    let r = state.shows(&response, Ctx::default(), server, 11, 5_000).unwrap();
    assert_eq!(r.carried_dns()[0].response_to, Some((7, 3_000)));
    assert_eq!(r.column(&response), "DoH");
}
