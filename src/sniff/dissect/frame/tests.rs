//! The Frame block's fields for a pcapng frame, as tshark 4.0 (`-T json -x`) gives them.

use crate::sniff::capture::Frame;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::file::{Interface, Origin};
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::render::detail::build;
use crate::sniff::tree::json::{self, JsonStyle};
use crate::sniff::tree::Tree;

/// An Ethernet frame of 14 bytes (a header with an unknown EtherType).
const ETH_ONLY: [u8; 14] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42, 0x88, 0xb5];

/// (field, value, has bytes) of the shown and hidden items, in order.
fn fields(t: &Tree) -> Vec<(&'static str, String, bool)> {
    t.items()
        .iter()
        .filter(|i| !i.field.is_empty())
        .map(|i| (i.field, t.value(i).to_string(), i.bytes.is_some()))
        .collect()
}

#[test]
fn a_pcapng_frame_has_its_comment_interface_flags_and_times() {
    let interface = Interface { link_type: 1, name: Some("eth0".into()), ..Interface::default() };
    let comments = ["test009-2".to_string()];
    // Wrong interframe gap and preamble errors (bits 27 and 30), inbound (1).
    let origin = Origin {
        section: 1,
        interface_id: 0,
        interface: &interface,
        comments: &comments,
        flags: Some(0x4800_0001),
        drop_count: Some(0),
    };
    let time = 1_340_954_905_298_858_000;
    let mut pipe = Pipeline::new(LinkType::Ethernet, Facts::default());
    let p = pipe.process(&Frame { time, len: 14, data: &ETH_ONLY, origin: Some(origin) });
    let mut t = Tree::new();
    build(&mut t, &p);
    let got = fields(&t);
    let want = [
        ("pkt_comment", ""),
        ("frame.comment", "test009-2"),
        ("_ws.expert", ""),
        ("frame.comment.expert", ""),
        ("_ws.expert.message", "test009-2"),
        ("_ws.expert.severity", "1048576"),
        ("_ws.expert.group", "184549376"),
        ("frame", ""),
        ("frame.section_number", "1"),
        ("frame.interface_id", "0"),
        ("frame.interface_name", "eth0"),
        ("frame.packet_flags", "0x48000001"),
        ("frame.packet_flags_direction", "0x00000001"),
        ("frame.packet_flags_reception_type", "0"),
        ("frame.packet_flags_fcs_length", "0"),
        ("frame.packet_flags_reserved", "0"),
        ("frame.packet_flags_crc_error", "0"),
        ("frame.packet_flags_packet_too_error", "0"),
        ("frame.packet_flags_packet_too_short_error", "0"),
        ("frame.packet_flags_wrong_inter_frame_gap_error", "1"),
        ("frame.packet_flags_unaligned_frame_error", "0"),
        ("frame.packet_flags_start_frame_delimiter_error", "0"),
        ("frame.packet_flags_preamble_error", "1"),
        ("frame.packet_flags_symbol_error", "0"),
        ("frame.encap_type", "1"),
        ("frame.time", "Jun 29, 2012 07:28:25.298858000 UTC"),
        ("frame.offset_shift", "0.000000000"),
        ("frame.time_epoch", "1340954905.298858000"),
        ("frame.time_delta", "0.000000000"),
        ("frame.time_delta_displayed", "0.000000000"),
        ("frame.time_relative", "0.000000000"),
        ("frame.number", "1"),
        ("frame.len", "14"),
        ("frame.cap_len", "14"),
        ("frame.drop_count", "0"),
        ("frame.marked", "0"),
        ("frame.ignored", "0"),
        ("frame.protocols", "eth:ethertype"),
    ];
    let names: Vec<(&str, &str)> = got.iter().take(want.len()).map(|(f, v, _)| (*f, v.as_str())).collect();
    assert_eq!(names, want);
    // Only the frame protocol has bytes: all of the frame.
    let with_bytes: Vec<&str> = got.iter().take(want.len()).filter(|g| g.2).map(|g| g.0).collect();
    assert_eq!(with_bytes, ["frame"]);
    let frame = t.items().iter().find(|i| i.field == "frame").and_then(|i| i.bytes).map(|b| (b.offset, b.len));
    assert_eq!(frame, Some((0, 14)));
    // -T ek writes the arrival time in ISO 8601, the epoch time as it is.
    let mut ek = Vec::new();
    let style = JsonStyle { ek: true, raw: false };
    json::frame(&mut ek, &json::Frame { tree: &t, data: &ETH_ONLY, time }, style, true).unwrap();
    let ek = String::from_utf8(ek).unwrap();
    assert!(ek.contains(r#""frame_frame_time":"2012-06-29T07:28:25.298858000Z""#), "{ek}");
    assert!(ek.contains(r#""frame_frame_time_epoch":"1340954905.298858000""#), "{ek}");
    // eth.addr under eth.dst and under eth.src is one ek value, the last.
    assert!(ek.contains(r#""eth_eth_addr":"00:0b:82:01:fc:42""#), "{ek}");
}
