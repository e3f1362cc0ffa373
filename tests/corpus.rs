//! Replays every capture of ../shared/corpus (listed in its INDEX.tsv) through
//! `socklab read FILE`: no panic and no hang on any of them, and the verdict tshark
//! gives (INDEX.tsv's tshark_status): output for each file tshark reads (also those
//! libpcap refuses, such as pcapng files whose interfaces have different link
//! types), a clear error naming the file for each one tshark cannot read, and an
//! error after partial output for a damaged or cut-short one. A file on a link type
//! socklab does not decode lists its frames undecoded, then fails with one line
//! naming the file and the link type (as INDEX.tsv's libpcap_linktype says it).
//!
//! `SOCKLAB_CORPUS_ONLY=substring` limits the run to INDEX paths containing it.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
use common::in_ci;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Bound on one `socklab read`; a file that takes longer counts as a hang.
const PER_FILE_TIMEOUT: Duration = Duration::from_secs(20);
/// Threads running socklab at once (the machine has 2 cores).
const THREADS: usize = 2;
/// How many problems are printed in full.
const SHOWN_PROBLEMS: usize = 30;
/// Exit code of a Rust program that panicked.
const PANIC_EXIT: i32 = 101;

/// What tshark (per INDEX.tsv) makes of a file.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// tshark reads it: socklab must succeed and print something when it has packets.
    Ok { packets: u64 },
    /// tshark cannot read it: socklab must fail with one line naming the file.
    Refused,
    /// tshark finds it damaged or cut short: an error, after the frames before the damage.
    ReadError,
}

/// INDEX.tsv's linktype for the files tshark reads as another format than
/// their pcapng magic says (a pcapng reader refuses them).
const NOT_PCAPNG: &str = "n/a (not recognised as pcapng by wiretap)";

/// What went wrong with one replay, for the per-kind counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Exit code 101 or "panicked" on stderr.
    Panic,
    /// Still running after the time bound.
    Hang,
    /// Killed by a signal (e.g. a crash).
    Signal,
    /// tshark reads the file, socklab exits non-zero.
    Failed,
    /// tshark reads packets, socklab prints nothing.
    NoOutput,
    /// tshark cannot read the file, socklab exits 0 or its error is unclear.
    UnclearRefusal,
    /// tshark finds the file damaged, socklab says nothing.
    SilentReadError,
    /// An undecoded link type without the listing or without the one-line message.
    UnclearLinkType,
}

impl Kind {
    /// The kind in words, for the report.
    fn describe(self) -> &'static str {
        match self {
            Kind::Panic => "panicked",
            Kind::Hang => "hung (killed after the time bound)",
            Kind::Signal => "killed by a signal",
            Kind::Failed => "failed on a file tshark reads",
            Kind::NoOutput => "printed nothing for a file with packets",
            Kind::UnclearRefusal => "unreadable file without a one-line error naming it",
            Kind::SilentReadError => "damaged file without an error message",
            Kind::UnclearLinkType => "undecoded link type without the listing and a one-line message naming it",
        }
    }
}

/// One problem: its kind and the details.
type Problem = (Kind, String);

/// How a replay ended, for the counts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Ok,
    Refused,
    ReadError,
    /// Listed undecoded, then the link-type error.
    UndecodedLink,
}

/// One INDEX.tsv row: the path under the corpus and what tshark makes of it.
struct Entry {
    path: String,
    expect: Expect,
    /// libpcap's link type as INDEX.tsv writes it, e.g. `JUNIPER_ETHER(178)`.
    linktype: String,
}

/// INDEX.tsv's rows: path (column 1) and tshark's verdict (packets, tshark_status).
fn index(corpus: &Path) -> Vec<Entry> {
    let index = corpus.join("INDEX.tsv");
    let text = std::fs::read_to_string(&index).unwrap_or_else(|e| panic!("cannot read {}: {e}", index.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("INDEX.tsv has a header").split('\t').collect();
    let col =
        |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("INDEX.tsv has no column {name}"));
    let (path_col, packets_col, status_col) = (col("path"), col("packets"), col("tshark_status"));
    let (tshark_link_col, linktype_col) = (col("linktype"), col("libpcap_linktype"));
    let only = std::env::var("SOCKLAB_CORPUS_ONLY").ok();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let status = cols.get(status_col).copied().unwrap_or("");
            let packets = cols.get(packets_col).and_then(|p| p.parse().ok()).unwrap_or(0);
            let expect = if cols.get(tshark_link_col) == Some(&NOT_PCAPNG) || status.starts_with("unreadable") {
                Expect::Refused
            } else if status.starts_with("ok") {
                Expect::Ok { packets }
            } else {
                Expect::ReadError
            };
            let linktype = cols.get(linktype_col).copied().unwrap_or("").to_string();
            Entry { path: cols[path_col].to_string(), expect, linktype }
        })
        .filter(|e| only.as_deref().is_none_or(|o| e.path.contains(o)))
        .collect()
}

/// Runs `socklab read FILE` within the time bound: (exit code, bytes on stdout, stderr).
fn replay(file: &Path) -> Result<(Option<i32>, usize, String), Problem> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .arg("read")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start socklab: {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    // Stdout goes to a sink; only its size matters.
    let out_reader = thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()).unwrap_or(0));
    let err_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let deadline = Instant::now() + PER_FILE_TIMEOUT;
    let status = loop {
        if let Some(st) = child.try_wait().expect("waiting for socklab") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err((Kind::Hang, format!("socklab read did not finish within {PER_FILE_TIMEOUT:?} (killed)")));
        }
        thread::sleep(Duration::from_millis(5));
    };
    let out_bytes = out_reader.join().unwrap_or(0) as usize;
    let err = err_reader.join().unwrap_or_default();
    Ok((status.code(), out_bytes, err))
}

/// Checks one replay against what tshark makes of the file.
fn check(corpus: &Path, entry: &Entry) -> Result<Outcome, Problem> {
    let file = corpus.join(&entry.path);
    let (code, out_bytes, err) = replay(&file)?;
    let err = err.trim_end();
    if code == Some(PANIC_EXIT) || err.contains("panicked") {
        return Err((Kind::Panic, format!("exit {code:?}: {err}")));
    }
    let Some(code) = code else {
        return Err((Kind::Signal, format!("stderr: {err}")));
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match entry.expect {
        Expect::Ok { packets } => {
            if code != 0 && err.contains("is not decoded by socklab") {
                // `NAME(N)` in INDEX.tsv; socklab writes `link type NAME (N)`.
                let wanted = format!("link type {} is not decoded", entry.linktype.replacen('(', " (", 1));
                if err.lines().count() != 1 || !err.contains(&name) || !err.contains(&wanted) {
                    return Err((
                        Kind::UnclearLinkType,
                        format!("expected one line naming {name} and {wanted:?}: {err:?}"),
                    ));
                }
                if packets > 0 && out_bytes == 0 {
                    return Err((Kind::UnclearLinkType, format!("{packets} packets but no listing")));
                }
                return Ok(Outcome::UndecodedLink);
            }
            if code != 0 {
                return Err((Kind::Failed, format!("exit {code}: {err}")));
            }
            if packets > 0 && out_bytes == 0 {
                return Err((Kind::NoOutput, format!("{packets} packets but no output")));
            }
            Ok(Outcome::Ok)
        }
        Expect::Refused => {
            if code == 0 {
                return Err((Kind::UnclearRefusal, "socklab exited 0".into()));
            }
            if err.lines().count() != 1 || !err.contains(&name) {
                return Err((Kind::UnclearRefusal, format!("expected one line naming {name}, got: {err:?}")));
            }
            Ok(Outcome::Refused)
        }
        Expect::ReadError => {
            if err.is_empty() {
                return Err((Kind::SilentReadError, format!("exit {code}, nothing on stderr")));
            }
            Ok(Outcome::ReadError)
        }
    }
}

#[test]
fn every_corpus_capture_replays_without_panic() {
    let corpus = common::corpus_dir();
    if !corpus.join("INDEX.tsv").is_file() {
        assert!(!in_ci(), "the corpus {} is missing (CI=true requires it)", corpus.display());
        println!("skip: corpus {} absent (set CI=true to make this a failure)", corpus.display());
        return;
    }
    let entries = index(&corpus);
    assert!(!entries.is_empty(), "INDEX.tsv lists no capture");

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Outcome, Problem>)>> = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = entries.get(i) else { break };
                let r = check(&corpus, entry);
                results.lock().unwrap().push((i, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);

    let count = |o: Outcome| results.iter().filter(|(_, r)| r.as_ref().ok() == Some(&o)).count();
    let problems: Vec<(Kind, String)> = results
        .iter()
        .filter_map(|(i, r)| {
            r.as_ref().err().map(|(k, e)| (*k, format!("{}: {}: {e}", entries[*i].path, k.describe())))
        })
        .collect();
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for (k, _) in &problems {
        *by_kind.entry(*k).or_default() += 1;
    }
    println!(
        "corpus replay: {} files: {} ok, {} listed on an undecoded link type, {} refused with an error, \
         {} read errors after partial output, {} problems",
        entries.len(),
        count(Outcome::Ok),
        count(Outcome::UndecodedLink),
        count(Outcome::Refused),
        count(Outcome::ReadError),
        problems.len()
    );
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("  {n} {}", k.describe())).collect();
    let shown: Vec<&str> = problems.iter().take(SHOWN_PROBLEMS).map(|(_, p)| p.as_str()).collect();
    assert!(
        problems.is_empty(),
        "{} files replay badly:\n{}\nfirst {}:\n{}",
        problems.len(),
        kinds.join("\n"),
        shown.len(),
        shown.join("\n")
    );
}
