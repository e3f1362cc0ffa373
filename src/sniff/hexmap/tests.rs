use super::build::{self, normalise, UNPARSED};
use super::*;
use crate::sniff::report;
use std::path::Path;

/// Every frame of every capture in captures/: the map covers every byte once.
#[test]
fn every_frame_of_every_capture_is_covered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut frames = 0;
    for entry in std::fs::read_dir(&dir).expect("captures/ is in the repository") {
        let path = entry.expect("readable captures/").path();
        let name = path.to_string_lossy().to_string();
        if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
            continue;
        }
        let (mut cap, link) = report::open(&path, None).expect("capture opens");
        let mut n = 0;
        while let Some(f) = cap.next_frame().expect("frame reads") {
            n += 1;
            let fields = map_frame(f.link(link), f.data, f.len as usize);
            check_coverage(&fields, f.data.len()).unwrap_or_else(|e| panic!("{name} frame {n}: {e}"));
            assert_leaves_intact(f.link(link), f.data, f.len as usize, &fields);
            assert!(fields.iter().all(|f| f.name != UNPARSED), "{name} frame {n} has unparsed bytes: {fields:?}");
        }
        frames += n;
    }
    assert!(frames > 50, "only {frames} frames in captures/");
}

/// Every leaf field found that fits in the capture is one run of the map: no
/// two leaves overlap.
fn assert_leaves_intact(link: crate::sniff::dissect::link::LinkType, data: &[u8], wire_len: usize, fields: &[Field]) {
    for leaf in build::raw_fields(link, data, wire_len).iter().filter(|f| !f.gap && f.len > 0 && f.end() <= data.len())
    {
        assert!(fields.contains(leaf), "{leaf:?} overlaps another field in {fields:?}");
    }
}

/// A SYN cut short by the snap length after 40 bytes (inside the TCP header):
/// the map stops at the captured bytes and the cut field keeps its name.
#[test]
fn a_frame_cut_inside_the_tcp_header_is_covered_to_its_end() {
    let frame = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c,
        0xeb, 0xb3, 0x40, 0x00, 0x40, 0x06, 0x51, 0x06, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xc4, 0x48,
        0x81, 0x51, 0x0f, 0x3a,
    ];
    let fields = map_frame(crate::sniff::dissect::link::LinkType::Ethernet, &frame, 74);
    check_coverage(&fields, frame.len()).unwrap();
    let last = fields.last().unwrap();
    assert!(last.end() == 40 && last.len > 0, "{fields:?}");
    assert!(fields.iter().any(|f| f.name == "ip.ttl" && f.offset == 22), "{fields:?}");
}

#[test]
fn normalise_fills_holes_and_clips_to_the_capture() {
    let f = |name: &str, offset, len, gap| Field { layer: "t", name: name.into(), offset, len, gap };
    let raw = [f("a", 0, 2, false), f("g", 0, 6, true), f("b", 4, 9, false)];
    let out = normalise(&raw, 8);
    let names: Vec<_> = out.iter().map(|x| (x.name.as_str(), x.offset, x.len)).collect();
    assert_eq!(names, [("a", 0, 2), ("g", 2, 2), ("b", 4, 4)]);
    check_coverage(&out, 8).unwrap();
    assert_eq!(normalise(&[], 3)[0].name, UNPARSED);
}

#[test]
fn check_coverage_names_the_fault() {
    let f = |offset, len| Field { layer: "t", name: "x".into(), offset, len, gap: false };
    assert!(check_coverage(&[f(0, 2), f(3, 1)], 4).unwrap_err().contains("starts at byte 3"));
    assert!(check_coverage(&[f(0, 2)], 4).unwrap_err().contains("end at byte 2"));
}

/// The DNS response of captures/dns-lab.pcap frame 2 with its first QNAME label
/// length changed from 6 to 63, which runs past the message: the map names the
/// byte where decoding failed and the bytes after it, as `dns decode` colours them.
#[test]
fn a_dns_message_that_fails_to_decode_names_the_failing_byte() {
    let mut frame = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x58,
        0x0a, 0xcd, 0x40, 0x00, 0x40, 0x11, 0x31, 0xc6, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x27, 0x45,
        0xc6, 0x4b, 0x00, 0x44, 0xfe, 0x57, 0x73, 0xda, 0x85, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c,
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x04, 0x00, 0x04, 0xc0, 0xa5, 0x01, 0x01, 0xc0, 0x0c, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0x01, 0x04, 0x00, 0x04, 0xc0, 0xa5, 0x01, 0x0a,
    ];
    let ok = map_frame(crate::sniff::dissect::link::LinkType::Ethernet, &frame, frame.len());
    assert!(ok.iter().any(|f| f.name == "ANSWER 2 RDATA (dns.a)" && f.offset == 98), "{ok:?}");
    frame[54] = 0x3f;
    let fields = map_frame(crate::sniff::dissect::link::LinkType::Ethernet, &frame, frame.len());
    check_coverage(&fields, frame.len()).unwrap();
    let failed = fields.iter().position(|f| f.name == "DNS decoding failed here").expect("failing byte named");
    assert_eq!(fields[failed].len, 1);
    assert_eq!(fields.last().map(|f| f.name.as_str()), Some("DNS undecoded"), "{fields:?}");
    assert!(fields.iter().any(|f| f.name == "DNS HEADER ID (dns.id)"), "{fields:?}");
}

/// Frame 1 of captures/tcp-echo.pcap (a SYN) with its IPv4 total length zeroed,
/// as TCP segmentation offload leaves outgoing packets: the options stay TCP
/// options instead of becoming padding.
#[test]
fn an_ipv4_total_length_of_zero_is_not_taken_as_an_empty_datagram() {
    let frame = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x00,
        0xeb, 0xb3, 0x40, 0x00, 0x40, 0x06, 0x51, 0x06, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xc4, 0x48,
        0x81, 0x51, 0x0f, 0x3a, 0xc0, 0xee, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00,
        0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x76, 0xe1, 0xa0, 0xa6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
        0x03, 0x0a,
    ];
    let fields = map_frame(crate::sniff::dissect::link::LinkType::Ethernet, &frame, frame.len());
    check_coverage(&fields, frame.len()).unwrap();
    assert!(fields.iter().all(|f| f.name != "padding"), "{fields:?}");
    assert!(fields.iter().any(|f| f.name == "TCP options" && f.offset == 54 && f.len == 20), "{fields:?}");
}

/// Frame 6 of the corpus's chrissanders-packets/dns_tcp.pcapng: a DNS query over
/// TCP. Its 2-byte length prefix is `dns.length`, then the message's fields.
#[test]
fn dns_over_tcp_has_its_length_prefix_then_the_message() {
    let frame = [
        0x4c, 0xe6, 0x76, 0x40, 0xdb, 0x2d, 0xaa, 0x00, 0x04, 0x00, 0x0a, 0x04, 0x08, 0x00, 0x45, 0x00, 0x00, 0x50,
        0x44, 0xae, 0x40, 0x00, 0x40, 0x06, 0x5e, 0x6a, 0xc0, 0xa8, 0x0b, 0x3e, 0xc0, 0xa8, 0x0b, 0x01, 0xb2, 0xfa,
        0x00, 0x35, 0xcf, 0xe7, 0x84, 0x4f, 0x19, 0xa6, 0x47, 0x0c, 0x80, 0x18, 0x00, 0x5c, 0x14, 0x47, 0x00, 0x00,
        0x01, 0x01, 0x08, 0x0a, 0x0c, 0xbc, 0xc0, 0xe2, 0x28, 0xaf, 0xff, 0xd4, 0x00, 0x1a, 0xb4, 0xc3, 0x01, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x72, 0x69, 0x70, 0x65, 0x03, 0x6e, 0x65, 0x74, 0x00,
        0x00, 0xff, 0x00, 0x01,
    ];
    let fields = map_frame(crate::sniff::dissect::link::LinkType::Ethernet, &frame, frame.len());
    check_coverage(&fields, frame.len()).unwrap();
    let prefix = fields.iter().position(|f| f.name == "dns.length").expect("length prefix");
    assert_eq!((fields[prefix].offset, fields[prefix].len), (66, 2));
    assert_eq!(fields[prefix + 1].name, "DNS HEADER ID (dns.id)");
    assert_eq!(fields[prefix - 1].name, "TCP options");
}
