//! socklab's packet list agrees with tshark's. For every capture in
//! tests/golden/list/manifest.tsv, the list lines of `socklab read FILE` must equal,
//! frame by frame, what `tshark -n -2 -r FILE` printed into tests/golden/list/NAME.txt
//! (scripts/list-goldens.sh regenerates those; this test does not need tshark).
//! A manifest line's optional fifth column lists frames known to differ, which
//! its reason explains; they are left out of the comparison.
//! socklab's teaching notes (↳) and column header are not list lines.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{corpus_dir, crate_dir, describe, in_ci, run_with};
use std::time::Duration;

/// The list lines of a listing, by frame number (lines whose first word is a number).
fn frames(text: &str) -> Vec<(u32, &str)> {
    text.lines().filter_map(|l| l.split_whitespace().next().and_then(|w| w.parse().ok()).map(|n| (n, l))).collect()
}

/// The frame numbers of a manifest's fifth column (`11,14-15`): frames whose
/// lines are known to differ, for a reason the manifest gives (state across frames
/// that socklab does not keep), and are not compared.
fn frame_set(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        let (lo, hi): (u32, u32) = (lo.parse().expect("a frame number"), hi.parse().expect("a frame number"));
        out.extend(lo..=hi);
    }
    out
}

#[test]
fn known_differences_name_frames_and_ranges() {
    assert_eq!(frame_set("11,14-16"), [11, 14, 15, 16]);
    assert_eq!(frame_set(""), Vec::<u32>::new());
}

#[test]
fn socklab_list_matches_tshark_list_goldens() {
    let dir = crate_dir().join("tests/golden/list");
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).expect("tests/golden/list/manifest.tsv");
    let corpus = corpus_dir();
    let mut compared = 0;
    let mut report = String::new();
    for line in manifest.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (name, source, path) = (cols[0], cols[1], cols[2]);
        let known = cols.get(4).map_or_else(Vec::new, |c| frame_set(c));
        let file = match source {
            "captures" => crate_dir().join("captures").join(path),
            "corpus" if corpus.is_dir() => corpus.join(path),
            "corpus" if in_ci() => panic!("the corpus {} is missing (CI=true requires it)", corpus.display()),
            "corpus" => {
                println!("skip {name}: corpus {} absent", corpus.display());
                continue;
            }
            other => panic!("unknown source {other:?} in {line:?}"),
        };
        let golden = std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("golden list");
        let f = file.to_string_lossy();
        let out = run_with(&["read", &f, "--color", "never"], b"", Duration::from_secs(60));
        assert!(out.status.success(), "socklab read {f} failed\n{}", describe(&out));
        let ours = String::from_utf8_lossy(&out.stdout);
        let (want, got) = (frames(&golden), frames(&ours));
        assert!(!want.is_empty(), "{name}.txt lists no frame");
        if want.len() != got.len() {
            report.push_str(&format!("{name}: tshark lists {} frames, socklab {}\n", want.len(), got.len()));
        }
        for ((n, w), (_, g)) in want.iter().zip(&got) {
            if w != g && !known.contains(n) {
                report.push_str(&format!("{name}:\n  tshark:  {w}\n  socklab: {g}\n"));
            }
        }
        compared += 1;
    }
    assert!(compared > 0, "no capture compared");
    assert!(report.is_empty(), "socklab's list differs from tshark's:\n{report}");
}
