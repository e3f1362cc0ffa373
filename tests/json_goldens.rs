//! socklab's `-T json -x` agrees with tshark's. For every capture of
//! tests/golden/manifest.tsv, `socklab read FILE -T json -x -c 40`, flattened by
//! scripts/json-flat.py, must give for every field it prints in a frame the same
//! list of occurrences (value, offset, length, bitmask, type) as tshark gave into
//! tests/golden/json/ (scripts/json-goldens.sh regenerates those with tshark; this
//! test does not need tshark, only python3 for the flattener).
//!
//! A frame whose protocols (tshark's frame.protocols) include one socklab does not
//! decode (BGP, TLS…) is not compared: there tshark's data, payload and expert
//! items follow a dissector socklab lacks. Such frames are counted and reported.
//!
//! socklab's own `socklab.*` fields (its teaching notes) are not compared.
//!
//! Differences not fixed yet are listed, each with its reason, in
//! tests/golden/json/known-differences.tsv: a listed difference does not fail the
//! test, an unlisted one does, and so does a listed one that is gone (the list
//! only shrinks).
//!
//! `SOCKLAB_GOLDEN_ONLY=substring` limits the run to golden names containing it.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
use common::{corpus_dir, crate_dir, in_ci, need, DECODED_PROTOCOLS};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Frames per capture, as scripts/json-goldens.sh.
const FRAMES: &str = "40";
/// Differences printed before giving up.
const SHOWN: usize = 30;

/// (frame, field) → the occurrences' (value, offset, length, bitmask, type).
type Flat = BTreeMap<(u32, String), Vec<String>>;

fn parse_flat(text: &str) -> Flat {
    let mut out = Flat::new();
    for line in text.lines() {
        let mut cols = line.splitn(3, '\t');
        let (Some(frame), Some(field), Some(rest)) = (cols.next(), cols.next(), cols.next()) else { continue };
        let frame = frame.parse().unwrap_or(0);
        out.entry((frame, field.to_string())).or_default().push(rest.to_string());
    }
    out
}

/// The goldens whose names end in `suffix` (and contain `SOCKLAB_GOLDEN_ONLY`).
fn goldens(suffix: &str) -> Vec<PathBuf> {
    let only = std::env::var("SOCKLAB_GOLDEN_ONLY").unwrap_or_default();
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(crate_dir().join("tests/golden/json"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix) && p.to_string_lossy().contains(&only))
        .collect();
    goldens.sort();
    goldens
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    text
}

/// The capture a golden was made from, if present.
fn capture_of(golden: &Path) -> Option<PathBuf> {
    let file = golden.file_name()?.to_str()?;
    let name = file.strip_suffix(".tsv.gz").or_else(|| file.strip_suffix(".ek.gz"))?;
    let (source, rel) = name.split_once("__")?;
    let rel = rel.replace("__", "/");
    let path = match source {
        "captures" => crate_dir().join("captures").join(rel),
        _ => corpus_dir().join(rel),
    };
    if path.exists() {
        return Some(path);
    }
    assert!(!in_ci(), "{} is absent, and CI=true requires the corpus", path.display());
    None
}

/// `socklab read FILE -T <kind> -x -c 40`.
fn socklab(file: &Path, kind: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["read", &file.to_string_lossy(), "-T", kind, "-x", "-c", FRAMES])
        .output()
        .unwrap();
    assert!(out.status.success(), "socklab read {} failed: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// socklab's view of `file`, flattened like the golden.
fn socklab_flat(file: &Path) -> String {
    let json = socklab(file, "json");
    let mut flat = Command::new("python3")
        .arg(crate_dir().join("scripts/json-flat.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = flat.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&json));
    let out = flat.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "json-flat.py could not read socklab's JSON of {}", file.display());
    String::from_utf8(out.stdout).unwrap()
}

/// What one capture gave: lists equal to tshark's, frames left out, differences.
#[derive(Default)]
struct Outcome {
    same: usize,
    skipped_frames: usize,
    known: usize,
    diffs: Vec<String>,
}

/// The listed differences: golden name → (frame, field).
type Known = BTreeMap<String, std::collections::BTreeSet<(u32, String)>>;

/// Reads tests/golden/json/known-differences.tsv (golden, frame, field, reason).
fn known_differences() -> Known {
    let text = std::fs::read_to_string(crate_dir().join("tests/golden/json/known-differences.tsv")).unwrap_or_default();
    let mut known = Known::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() == 4 && !cols[3].is_empty(),
            "known-differences.tsv: {line:?} needs golden, frame, field, reason"
        );
        known.entry(cols[0].to_string()).or_default().insert((cols[1].parse().unwrap(), cols[2].to_string()));
    }
    known
}

/// The golden's name as known-differences.tsv writes it.
fn golden_name(golden: &Path) -> String {
    golden.file_name().unwrap().to_string_lossy().trim_end_matches(".tsv.gz").to_string()
}

/// The frames whose protocols socklab does not all decode.
fn undecoded_frames(want: &Flat) -> std::collections::BTreeSet<u32> {
    want.iter()
        .filter(|((_, field), _)| field == "frame.protocols")
        .filter(|(_, occ)| {
            let value = occ.first().and_then(|o| o.split('\t').next()).unwrap_or("");
            !value.split(':').all(|p| DECODED_PROTOCOLS.contains(&p))
        })
        .map(|((frame, _), _)| *frame)
        .collect()
}

/// Compares socklab's lists with tshark's; `known` are the listed differences
/// of this golden.
fn compare(golden: &Path, file: &Path, known: &std::collections::BTreeSet<(u32, String)>) -> Outcome {
    let want = parse_flat(&gunzip(golden));
    let got = parse_flat(&socklab_flat(file));
    let skip = undecoded_frames(&want);
    let mut out = Outcome { skipped_frames: skip.len(), ..Outcome::default() };
    let mut seen = std::collections::BTreeSet::new();
    // socklab.* fields are socklab's own (its teaching notes): tshark has none.
    let compared = got.iter().filter(|((frame, field), _)| !skip.contains(frame) && !field.starts_with("socklab."));
    for (key, occ) in compared {
        if want.get(key) == Some(occ) {
            out.same += 1;
        } else if known.contains(key) {
            out.known += 1;
            seen.insert(key.clone());
        } else {
            out.diffs.push(format!(
                "{} frame {} {}:\n    tshark  {:?}\n    socklab {occ:?}",
                file.display(),
                key.0,
                key.1,
                want.get(key)
            ));
        }
    }
    for (frame, field) in known.difference(&seen) {
        out.diffs.push(format!(
            "{} frame {frame} {field}: listed in known-differences.tsv but equal to tshark's now (or gone): remove the line",
            golden_name(golden)
        ));
    }
    out
}

#[test]
fn json_fields_equal_tsharks_value_offset_and_length() {
    if !need("python3") {
        return;
    }
    let goldens = goldens(".tsv.gz");
    assert!(!goldens.is_empty(), "no goldens in tests/golden/json: run scripts/json-goldens.sh");
    let known = known_differences();
    let none = std::collections::BTreeSet::new();
    let next = AtomicUsize::new(0);
    let results = Mutex::new((0usize, Outcome::default()));
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(golden) = goldens.get(i) else { break };
                let Some(file) = capture_of(golden) else { continue };
                let one = compare(golden, &file, known.get(&golden_name(golden)).unwrap_or(&none));
                let mut r = results.lock().unwrap();
                r.0 += 1;
                r.1.same += one.same;
                r.1.skipped_frames += one.skipped_frames;
                r.1.known += one.known;
                r.1.diffs.extend(one.diffs);
            });
        }
    });
    let (files, Outcome { same, skipped_frames, known, diffs }) = results.into_inner().unwrap();
    println!(
        "{files} captures: {same} (frame, field) lists equal tshark's, {known} listed differences, {} others; \
         {skipped_frames} frames with a protocol socklab does not decode left out",
        diffs.len()
    );
    assert!(
        diffs.is_empty(),
        "{} (frame, field) lists differ from tshark's; the first ones:\n{}",
        diffs.len(),
        diffs.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(files == 0 || same > 0, "socklab printed no field tshark also prints");
}

/// Whether a `frame.protocols` value names only protocols socklab decodes.
fn decodable(protocols: &str) -> bool {
    protocols.split(':').all(|p| DECODED_PROTOCOLS.contains(&p))
}

/// The differences between socklab's `-T ek` document lines and tshark's: every
/// member socklab writes in a layer must be tshark's.
fn ek_diffs(golden: &Path, file: &Path) -> (usize, Vec<String>) {
    let parse = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v.get("layers").is_some())
            .collect()
    };
    let want = parse(&gunzip(golden));
    let got = parse(&String::from_utf8(socklab(file, "ek")).unwrap());
    let mut same = 0;
    let mut diffs = Vec::new();
    if want.len() != got.len() {
        diffs.push(format!("{}: {} frames, tshark has {}", file.display(), got.len(), want.len()));
    }
    for (n, (w, g)) in want.iter().zip(&got).enumerate() {
        let protocols = w["layers"]["frame"]["frame_frame_protocols"].as_str().unwrap_or("");
        if !decodable(protocols) {
            continue;
        }
        for (layer, members) in g["layers"].as_object().into_iter().flatten() {
            for (key, value) in members.as_object().into_iter().flatten() {
                match w["layers"][layer].get(key) {
                    Some(v) if v == value => same += 1,
                    other => diffs.push(format!(
                        "{} frame {} {layer}.{key}:\n    tshark  {other:?}\n    socklab {value}",
                        file.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    (same, diffs)
}

#[test]
fn ek_members_equal_tsharks_on_the_lab_captures() {
    let goldens = goldens(".ek.gz");
    assert!(!goldens.is_empty(), "no .ek.gz goldens in tests/golden/json: run scripts/json-goldens.sh");
    let (mut same, mut diffs) = (0, Vec::new());
    for golden in &goldens {
        let file = capture_of(golden).expect("the repository's captures are always there");
        let (s, d) = ek_diffs(golden, &file);
        same += s;
        diffs.extend(d);
    }
    println!("{} captures: {same} ek members equal tshark's, {} differ", goldens.len(), diffs.len());
    assert!(diffs.is_empty(), "{}", diffs.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("\n"));
    assert!(same > 0);
}
