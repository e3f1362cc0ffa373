//! socklab's packet list agrees with tshark's. For every capture in
//! tests/golden/list/manifest.tsv, the list lines of `socklab read FILE` must equal,
//! frame by frame, what `tshark -n -2 -r FILE` printed into tests/golden/list/NAME.txt
//! (scripts/list-goldens.sh regenerates those; this test does not need tshark).
//! A manifest line with a display filter in its fifth column compares only the
//! frames the filter shows (`-Y`, on both sides).
//! socklab's teaching notes (↳) and column header are not list lines.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{corpus_dir, crate_dir, describe, in_ci, run_with};
use std::time::Duration;

/// The list lines of a listing, by frame number (lines whose first word is a number).
fn frames(text: &str) -> Vec<(u32, &str)> {
    text.lines().filter_map(|l| l.split_whitespace().next().and_then(|w| w.parse().ok()).map(|n| (n, l))).collect()
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
        let mut args = vec!["read", f.as_ref(), "--color", "never"];
        if let Some(filter) = cols.get(4).copied().filter(|f| !f.is_empty()) {
            args.extend(["-Y", filter]);
        }
        let out = run_with(&args, b"", Duration::from_secs(60));
        assert!(out.status.success(), "socklab read {f} failed\n{}", describe(&out));
        let ours = String::from_utf8_lossy(&out.stdout);
        let (want, got) = (frames(&golden), frames(&ours));
        assert!(!want.is_empty(), "{name}.txt lists no frame");
        if want.len() != got.len() {
            report.push_str(&format!("{name}: tshark lists {} frames, socklab {}\n", want.len(), got.len()));
        }
        for ((_, w), (_, g)) in want.iter().zip(&got) {
            if w != g {
                report.push_str(&format!("{name}:\n  tshark:  {w}\n  socklab: {g}\n"));
            }
        }
        compared += 1;
    }
    assert!(compared > 0, "no capture compared");
    assert!(report.is_empty(), "socklab's list differs from tshark's:\n{report}");
}
