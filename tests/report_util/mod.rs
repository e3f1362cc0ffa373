//! Shared by the report tests (handshake, conversations, follow, flow): the
//! capture list of tests/golden/report/manifest.tsv, running socklab on one of
//! them from a stable directory (so paths in the output do not depend on the
//! machine), and golden files regenerated with UPDATE_GOLDEN=1.
#![allow(dead_code)]

pub mod xml;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the report goldens live.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report")
}

/// One capture of the manifest.
#[derive(Clone, Debug)]
pub struct Capture {
    /// Golden name.
    pub name: String,
    /// Directory socklab runs in.
    pub base: PathBuf,
    /// The file, relative to `base`.
    pub rel: String,
    /// The stream `follow` is checked on: ("tcp"|"udp", N).
    pub follow: Option<(String, u32)>,
}

/// The captures of the manifest that are present. Corpus captures are skipped
/// with a message when ../shared/corpus is absent; under CI=true that fails.
pub fn captures() -> Vec<Capture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    let text = std::fs::read_to_string(golden_dir().join("manifest.tsv")).expect("manifest.tsv");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, source, path, follow, ..] = cols[..] else { panic!("bad manifest line {line:?}") };
        let base = match source {
            "captures" => root.join("captures"),
            "corpus" => corpus.clone(),
            other => panic!("unknown source {other}"),
        };
        if !base.join(path).is_file() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "corpus capture {path} is missing under {} (CI=true)",
                corpus.display()
            );
            eprintln!("skipping {name}: {} not found (the shared corpus is absent)", base.join(path).display());
            continue;
        }
        let follow = follow.split_once(':').map(|(p, n)| (p.to_string(), n.parse().expect("stream number")));
        out.push(Capture { name: name.to_string(), base, rel: path.to_string(), follow });
    }
    out
}

/// Runs socklab in `cwd`; asserts success; returns stdout.
pub fn run_in(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(args)
        .env_remove("COLUMNS")
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run socklab {}: {e}", args.join(" ")));
    assert!(
        out.status.success(),
        "socklab {} failed: {}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs socklab on a capture with extra arguments after the file.
pub fn run_on(c: &Capture, command: &str, extra: &[&str]) -> String {
    let mut args = vec![command, c.rel.as_str()];
    args.extend_from_slice(extra);
    run_in(&c.base, &args)
}

/// Compares `actual` with the golden file `file`, or writes it under UPDATE_GOLDEN=1.
pub fn check_golden(file: &str, actual: &str) {
    let path = golden_dir().join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; regenerate with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!("{file} differs from the golden (first at line {line}); if intended, regenerate with UPDATE_GOLDEN=1");
    }
}

/// A tshark-written file next to the goldens.
pub fn tshark_file(name: &str, suffix: &str) -> Option<String> {
    std::fs::read_to_string(golden_dir().join(format!("{name}.tshark.{suffix}"))).ok()
}

/// The held-out capture of the worksheet and graph tests (made by peers socklab
/// did not write: scripts/worksheet-capture.sh).
pub const HELD_OUT: &str = "captures/worksheet-lab.pcap";

/// One frame of a tshark `-T fields -E header=y` golden: field name → value.
pub type FieldRow = std::collections::HashMap<String, String>;

/// The rows of a tshark fields golden under tests/golden/, keyed by frame.number.
pub fn tshark_rows(rel: &str) -> std::collections::BTreeMap<u32, FieldRow> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').collect();
    lines
        .map(|l| {
            let row: FieldRow = header.iter().zip(l.split('\t')).map(|(h, v)| (h.to_string(), v.to_string())).collect();
            (row["frame.number"].parse().expect("frame.number"), row)
        })
        .collect()
}
