//! `socklab conversations`: goldens, and the same rows, order and counts as
//! `tshark -z conv,tcp -z conv,udp` (NAME.tshark.conv.txt).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::{captures, check_golden, run_on, tshark_file};
use serde_json::Value;

#[test]
fn conversations_goldens() {
    for c in captures() {
        check_golden(&format!("{}.conversations.txt", c.name), &run_on(&c, "conversations", &[]));
        check_golden(&format!("{}.conversations.md", c.name), &run_on(&c, "conversations", &["--format", "markdown"]));
    }
}

/// tshark's size formatting (format_size, decimal units, truncated).
fn size(n: u64) -> String {
    if n / 1_000_000 >= 10 {
        format!("{} MB", n / 1_000_000)
    } else if n / 1000 >= 10 {
        format!("{} kB", n / 1000)
    } else {
        format!("{n} bytes")
    }
}

#[test]
fn rows_match_tshark_conv_tables() {
    for c in captures() {
        let text = tshark_file(&c.name, "conv.txt").expect("run scripts/report-goldens.sh");
        for proto in ["tcp", "udp"] {
            let section = text
                .split("================================================================================")
                .find(|s| s.contains(&format!("{} Conversations", proto.to_uppercase())))
                .unwrap_or("");
            let want: Vec<String> = section
                .lines()
                .filter(|l| l.contains("<->"))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            let doc: Value =
                serde_json::from_str(&run_on(&c, "conversations", &[&format!("--{proto}"), "--format", "json"]))
                    .unwrap();
            let got: Vec<String> = doc["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let n = |k: &str, f: &str| r[k][f].as_u64().unwrap();
                    format!(
                        "{} <-> {} {} {} {} {} {} {} {} {}",
                        r["address_a"].as_str().unwrap().replace(['[', ']'], ""),
                        r["address_b"].as_str().unwrap().replace(['[', ']'], ""),
                        n("b_to_a", "frames"),
                        size(n("b_to_a", "bytes")),
                        n("a_to_b", "frames"),
                        size(n("a_to_b", "bytes")),
                        r["frames"],
                        size(r["bytes"].as_u64().unwrap()),
                        r["rel_start"].as_str().unwrap(),
                        r["duration"].as_str().unwrap()
                    )
                })
                .collect();
            assert_eq!(got, want, "{} {proto} conversations differ from tshark's", c.name);
        }
    }
}
