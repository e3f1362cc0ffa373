//! `socklab handshake`: goldens in every format for the captures of
//! tests/golden/report/manifest.tsv, and a cross-check of the frame numbers,
//! sequence and acknowledgment numbers and completeness in the JSON output
//! against tshark's (NAME.tshark.tsv, written by scripts/report-goldens.sh).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::{captures, check_golden, run_in, run_on, tshark_file};
use serde_json::Value;
use std::collections::HashMap;

#[test]
fn handshake_goldens_in_every_format() {
    for c in captures() {
        for (format, ext) in [("table", "txt"), ("markdown", "md"), ("csv", "csv"), ("json", "json")] {
            let out = run_on(&c, "handshake", &["--format", format]);
            check_golden(&format!("{}.handshake.{ext}", c.name), &out);
        }
    }
}

/// tshark's numbers of one frame: stream, seq, seq_raw, ack, ack_raw, len, completeness.
type Row = [u64; 7];

fn tshark_rows(name: &str) -> HashMap<u64, Row> {
    let text =
        tshark_file(name, "tsv").unwrap_or_else(|| panic!("{name}.tshark.tsv missing: run scripts/report-goldens.sh"));
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let v: Vec<u64> =
                l.split('\t').map(|x| x.split(',').next().unwrap_or("").parse().unwrap_or(u64::MAX)).collect();
            (v.len() == 8).then(|| (v[0], [v[1], v[2], v[3], v[4], v[5], v[6], v[7]]))
        })
        .collect()
}

#[test]
fn frames_and_numbers_agree_with_tshark() {
    let mut checked = 0;
    for c in captures() {
        let rows = tshark_rows(&c.name);
        let doc: Value = serde_json::from_str(&run_on(&c, "handshake", &["--format", "json"])).unwrap();
        for st in doc["tcp_streams"].as_array().unwrap() {
            let stream = st["stream"].as_u64().unwrap();
            let segs = st["handshake"].as_array().unwrap().iter().chain(st["teardown"]["segments"].as_array().unwrap());
            for s in segs {
                let frame = s["frame"].as_u64().unwrap();
                let t =
                    rows.get(&frame).unwrap_or_else(|| panic!("{}: frame {frame} is no TCP frame for tshark", c.name));
                let what = format!("{} frame {frame}", c.name);
                assert_eq!(t[0], stream, "{what}: tcp.stream");
                assert_eq!(t[1], s["seq"].as_u64().unwrap(), "{what}: tcp.seq");
                assert_eq!(t[2], s["seq_raw"].as_u64().unwrap(), "{what}: tcp.seq_raw");
                if let Some(ack) = s["ack"].as_u64() {
                    assert_eq!(t[3], ack, "{what}: tcp.ack");
                    assert_eq!(t[4], s["ack_raw"].as_u64().unwrap(), "{what}: tcp.ack_raw");
                }
                assert_eq!(t[5], s["len"].as_u64().unwrap(), "{what}: tcp.len");
                if frame > 1 && rows.keys().any(|&f| f < frame && rows[&f][0] == stream) {
                    assert_eq!(t[6], st["completeness"].as_u64().unwrap(), "{what}: tcp.completeness");
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} segments checked against tshark");
    assert!(checked > 0);
}

#[test]
fn udp_capture_has_no_handshake_and_links_the_icmp_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let out = run_in(&dir, &["handshake", "udp-closed-port.pcap"]);
    assert!(out.contains("UDP has no handshake"), "{out}");
    assert!(out.contains("frame 2: Destination unreachable (Port unreachable)"), "{out}");
}

#[test]
fn stream_and_display_filter_select_streams() {
    let Some(c) = captures().into_iter().find(|c| c.name == "two-streams") else { return };
    let one = run_on(&c, "handshake", &["--stream", "1"]);
    assert!(one.contains("TCP stream 1:") && !one.contains("TCP stream 0:"), "{one}");
    let v6 = run_on(&c, "handshake", &["-Y", "ipv6"]);
    assert!(v6.contains("TCP stream 1:") && !v6.contains("TCP stream 0:"), "{v6}");
}

#[test]
fn a_stream_that_does_not_exist_is_a_clear_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["handshake", "tcp-echo.pcap", "--stream", "7"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no TCP stream 7") && err.contains("socklab conversations"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
