//! socklab's sniffer agrees with tshark. For every capture in tests/golden/manifest.tsv
//! (socklab's own captures/ and a selection of ../shared/corpus), `socklab read FILE
//! -T fields -E header=y -e …` must print, value for value and row by row, what
//! `tshark -n -2 -T fields` printed into tests/golden/tshark/ (scripts/goldens.sh
//! regenerates those with tshark; this test does not need tshark).
//!
//! `SOCKLAB_CORPUS=DIR` reads the corpus from DIR instead of ../shared/corpus;
//! `SOCKLAB_GOLDEN_ONLY=substring` limits the run to manifest paths containing it;
//! `SOCKLAB_GOLDEN_SHOW=N` prints the first N differences instead of 20.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
use common::{crate_dir, in_ci, DECODED_PROTOCOLS};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// The fields socklab supports and this test compares: DESIGN.md's list.
const FIELDS: &[&str] = &[
    "frame.number",
    "frame.time_relative",
    "frame.len",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ip.proto",
    "ip.ttl",
    "ip.len",
    "ip.id",
    "ipv6.src",
    "ipv6.dst",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.stream",
    "tcp.len",
    "tcp.seq",
    "tcp.seq_raw",
    "tcp.nxtseq",
    "tcp.ack",
    "tcp.ack_raw",
    "tcp.hdr_len",
    "tcp.flags",
    "tcp.flags.syn",
    "tcp.flags.ack",
    "tcp.flags.fin",
    "tcp.flags.reset",
    "tcp.flags.push",
    "tcp.flags.str",
    "tcp.window_size_value",
    "tcp.window_size",
    "tcp.window_size_scalefactor",
    "tcp.completeness",
    "tcp.options.mss_val",
    "tcp.options.wscale.shift",
    "tcp.analysis.retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.zero_window",
    "tcp.analysis.keep_alive",
    "tcp.analysis.window_update",
    "tcp.analysis.acks_frame",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.flags",
    "udp.srcport",
    "udp.dstport",
    "udp.length",
    "udp.stream",
    "icmp.type",
    "icmp.code",
    "dns.id",
    "dns.flags",
    "dns.flags.response",
    "dns.flags.opcode",
    "dns.flags.authoritative",
    "dns.flags.rcode",
    "dns.count.queries",
    "dns.count.answers",
    "dns.qry.name",
    "dns.qry.type",
    "dns.qry.class",
    "dns.resp.name",
    "dns.resp.ttl",
    "dns.a",
    "dns.aaaa",
    "dns.response_in",
    "dns.response_to",
    "dns.time",
    "http.request.method",
    "http.request.uri",
    "http.request.version",
    "http.response.code",
    "http.response.phrase",
    "http.content_length",
    "http.content_type",
    "http.request_in",
    "http.response_in",
];

/// How many differences are printed in full (unless SOCKLAB_GOLDEN_SHOW says otherwise).
const SHOWN_DIFFS: usize = 20;
/// Threads running socklab at once (the machine has 2 cores).
const THREADS: usize = 2;
/// Bound on one `socklab read`.
const PER_FILE_TIMEOUT: Duration = Duration::from_secs(60);

/// One manifest line: which capture, and where its golden lives.
struct Entry {
    /// `captures/…` or `corpus/…`, for messages.
    label: String,
    file: PathBuf,
    golden: PathBuf,
}

/// One value socklab printed differently from tshark.
struct Diff {
    file: String,
    frame: String,
    field: String,
    expected: String,
    got: String,
}

/// What comparing one file found.
#[derive(Default)]
struct FileResult {
    diffs: Vec<Diff>,
    /// Problems that stop the comparison (socklab failed, header or row count differ).
    failures: Vec<String>,
    protocols_compared: bool,
}

/// The manifest's entries; corpus entries only when the corpus is present.
fn entries(corpus: Option<&Path>) -> Vec<Entry> {
    let manifest = crate_dir().join("tests/golden/manifest.tsv");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    let only = std::env::var("SOCKLAB_GOLDEN_ONLY").ok();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (source, path) = (cols[0], cols.get(1).copied().unwrap_or(""));
        let base = match source {
            "source" => continue,
            "captures" => crate_dir().join("captures"),
            "corpus" => match corpus {
                Some(c) => c.to_path_buf(),
                None => continue,
            },
            other => panic!("{}: unknown source {other:?} in line {line:?}", manifest.display()),
        };
        if only.as_deref().is_some_and(|o| !path.contains(o)) {
            continue;
        }
        let golden_name = format!("{source}__{}.tsv", path.replace('/', "__"));
        out.push(Entry {
            label: format!("{source}/{path}"),
            file: base.join(path),
            golden: crate_dir().join("tests/golden/tshark").join(golden_name),
        });
    }
    out
}

/// Runs socklab to completion within `timeout`: (success, stdout, stderr) or why not.
fn run_socklab(args: &[String], timeout: Duration) -> Result<(bool, String, String), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start socklab: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("socklab did not finish within {timeout:?}"));
        }
        thread::sleep(Duration::from_millis(5));
    };
    let out = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Ok((status.success(), out, err))
}

/// Splits `-T fields` output into rows of columns (the last newline ends the last row).
fn rows(text: &str) -> Vec<Vec<&str>> {
    text.strip_suffix('\n').unwrap_or(text).split('\n').map(|l| l.split('\t').collect()).collect()
}

/// Whether every frame.protocols value in the golden is made of protocols socklab decodes.
fn protocols_decodable(golden: &[Vec<&str>], col: usize) -> bool {
    golden.iter().all(|row| {
        row.get(col).is_some_and(|v| v.split(':').filter(|p| !p.is_empty()).all(|p| DECODED_PROTOCOLS.contains(&p)))
    })
}

fn compare_file(entry: &Entry) -> FileResult {
    let mut result = FileResult::default();
    let golden_text = match std::fs::read_to_string(&entry.golden) {
        Ok(t) => t,
        Err(e) => {
            result.failures.push(format!(
                "{}: golden {} unreadable ({e}): run scripts/goldens.sh",
                entry.label,
                entry.golden.display()
            ));
            return result;
        }
    };
    let golden = rows(&golden_text);
    let (golden_header, golden_rows) = golden.split_first().expect("split of a string has one part");
    let golden_col: BTreeMap<&str, usize> = golden_header.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    if let Some(missing) = FIELDS.iter().find(|f| !golden_col.contains_key(*f)) {
        result.failures.push(format!("{}: golden lacks field {missing}: run scripts/goldens.sh", entry.label));
        return result;
    }

    let mut args = vec![
        "read".to_string(),
        entry.file.display().to_string(),
        "-T".into(),
        "fields".into(),
        "-E".into(),
        "header=y".into(),
    ];
    for f in FIELDS {
        args.push("-e".into());
        args.push((*f).into());
    }
    let (ok, stdout, stderr) = match run_socklab(&args, PER_FILE_TIMEOUT) {
        Ok(r) => r,
        Err(e) => {
            result.failures.push(format!("{}: {e}", entry.label));
            return result;
        }
    };
    if !ok {
        result.failures.push(format!("{}: socklab read failed: {}", entry.label, stderr.trim()));
        return result;
    }
    let got = rows(&stdout);
    let (got_header, got_rows) = got.split_first().expect("split of a string has one part");
    if got_header != FIELDS {
        result.failures.push(format!("{}: header differs: got {:?}", entry.label, got_header.join("\t")));
        return result;
    }
    if got_rows.len() != golden_rows.len() {
        result.failures.push(format!(
            "{}: tshark printed {} rows, socklab {} (values compared on the common rows)",
            entry.label,
            golden_rows.len(),
            got_rows.len()
        ));
    }

    let protocols_col = golden_col["frame.protocols"];
    result.protocols_compared = protocols_decodable(golden_rows, protocols_col);
    for (row, (want, have)) in golden_rows.iter().zip(got_rows).enumerate() {
        let frame = want.first().map_or_else(|| (row + 1).to_string(), |f| f.to_string());
        for (i, field) in FIELDS.iter().enumerate() {
            if *field == "frame.protocols" && !result.protocols_compared {
                continue;
            }
            let expected = want.get(golden_col[field]).copied().unwrap_or("");
            let value = have.get(i).copied().unwrap_or("");
            if expected != value {
                result.diffs.push(Diff {
                    file: entry.label.clone(),
                    frame: frame.clone(),
                    field: (*field).to_string(),
                    expected: expected.to_string(),
                    got: value.to_string(),
                });
            }
        }
    }
    result
}

/// Compares every entry, `THREADS` files at a time; results in manifest order.
fn compare_all(entries: &[Entry]) -> Vec<FileResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<FileResult>>> = Mutex::new((0..entries.len()).map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = entries.get(i) else { break };
                let r = compare_file(entry);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.expect("every entry compared")).collect()
}

#[test]
fn socklab_fields_match_tshark_goldens() {
    let corpus_dir = common::corpus_dir();
    let corpus = if corpus_dir.is_dir() {
        Some(corpus_dir.as_path())
    } else if in_ci() {
        panic!("the corpus {} is missing (CI=true requires it)", corpus_dir.display());
    } else {
        println!("skip: corpus {} absent; comparing socklab's own captures only", corpus_dir.display());
        None
    };
    let entries = entries(corpus);
    assert!(!entries.is_empty(), "tests/golden/manifest.tsv lists no capture");
    let results = compare_all(&entries);

    let failures: Vec<&String> = results.iter().flat_map(|r| &r.failures).collect();
    let diffs: Vec<&Diff> = results.iter().flat_map(|r| &r.diffs).collect();
    let protocols_files = results.iter().filter(|r| r.protocols_compared).count();
    let mut by_field: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files_by_field: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for d in &diffs {
        *by_field.entry(&d.field).or_default() += 1;
        files_by_field.entry(&d.field).or_default().insert(&d.file);
    }
    let clean = results.iter().filter(|r| r.failures.is_empty() && r.diffs.is_empty()).count();

    println!(
        "tshark goldens: {} files, {clean} identical; frame.protocols compared on {protocols_files} files \
         (the others hold protocols socklab does not decode)",
        entries.len()
    );
    let mut report = String::new();
    for f in &failures {
        report.push_str(&format!("{f}\n"));
    }
    if !diffs.is_empty() {
        report.push_str(&format!("{} differences; per field (values, files):\n", diffs.len()));
        for (field, n) in &by_field {
            report.push_str(&format!("  {field}: {n} in {} files\n", files_by_field[field].len()));
        }
        let shown = std::env::var("SOCKLAB_GOLDEN_SHOW").ok().and_then(|n| n.parse().ok()).unwrap_or(SHOWN_DIFFS);
        report.push_str(&format!("first {}:\n", shown.min(diffs.len())));
        for d in diffs.iter().take(shown) {
            report.push_str(&format!(
                "  {} frame {} {}: expected {:?}, got {:?}\n",
                d.file, d.frame, d.field, d.expected, d.got
            ));
        }
    }
    assert!(failures.is_empty() && diffs.is_empty(), "socklab differs from tshark:\n{report}");
}
