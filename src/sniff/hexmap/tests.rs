use super::build::{normalise, UNPARSED};
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
            assert!(fields.iter().all(|f| f.name != UNPARSED), "{name} frame {n} has unparsed bytes: {fields:?}");
        }
        frames += n;
    }
    assert!(frames > 50, "only {frames} frames in captures/");
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
