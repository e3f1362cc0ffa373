//! `socklab worksheet`: the held-out check. On a capture of peers socklab did not
//! write (curl and python3 against `python3 -m http.server`, dig against the DNS
//! server, a python3 datagram to a closed port; scripts/worksheet-capture.sh),
//! every number of the JSON worksheet equals tshark's field for the same frame
//! (tests/golden/worksheet/worksheet-lab.tshark.tsv, scripts/worksheet-goldens.sh).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::{check_golden, run_in, tshark_rows, FieldRow, HELD_OUT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sheet(extra: &[&str]) -> Value {
    let mut args = vec!["worksheet", HELD_OUT, "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&run_in(root(), &args)).expect("worksheet JSON")
}

fn golden() -> BTreeMap<u32, FieldRow> {
    tshark_rows("worksheet/worksheet-lab.tshark.tsv")
}

/// The JSON value as the text tshark prints (numbers bare, strings unquoted).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn frame(v: &Value) -> u32 {
    v["frame"].as_u64().expect("frame") as u32
}

/// Asserts `json[key]` equals tshark's `field` on the frame `json` names.
fn same(g: &BTreeMap<u32, FieldRow>, json: &Value, key: &str, field: &str) {
    let f = frame(json);
    assert_eq!(text(&json[key]), g[&f][field], "frame {f}: {key} vs tshark's {field}");
}

#[test]
fn tcp_answers_equal_tshark_fields() {
    let g = golden();
    let w = sheet(&[]);
    let streams = w["tcp"].as_array().unwrap();
    assert_eq!(streams.len(), 3, "curl's two connections and the python client's");
    let mut rtt_checked = 0;
    for t in streams {
        let syn = &t["syn"];
        same(&g, syn, "seq", "tcp.seq");
        same(&g, syn, "seq_raw", "tcp.seq_raw");
        assert_eq!(g[&frame(syn)]["tcp.flags.syn"], "1");
        assert_eq!(g[&frame(syn)]["tcp.flags.ack"], "0");
        let sa = &t["syn_ack"];
        for (k, f) in [("seq", "tcp.seq"), ("seq_raw", "tcp.seq_raw"), ("ack", "tcp.ack"), ("ack_raw", "tcp.ack_raw")] {
            same(&g, sa, k, f);
        }
        let isn: u64 = syn["seq_raw"].as_u64().unwrap();
        assert_eq!(sa["ack_raw"].as_u64().unwrap(), (isn + 1) % (1 << 32));
        for step in t["handshake"].as_array().unwrap().iter().chain(t["teardown"].as_array().unwrap()) {
            same(&g, step, "time", "frame.time_relative");
        }
        assert_eq!(t["handshake"].as_array().unwrap().len(), 3);
        let segs = t["segments"].as_array().unwrap();
        assert!(!segs.is_empty() && segs.len() <= 6);
        for s in segs {
            for (k, f) in
                [("seq", "tcp.seq"), ("seq_raw", "tcp.seq_raw"), ("len", "tcp.len"), ("sent", "frame.time_relative")]
            {
                same(&g, s, k, f);
            }
            let ack = s["ack_frame"].as_u64().expect("every segment is acknowledged") as u32;
            assert_eq!(text(&s["acked"]), g[&ack]["frame.time_relative"]);
            // tshark gives the RTT on the ACK whose acks_frame is this segment.
            if g[&ack]["tcp.analysis.acks_frame"] == frame(s).to_string() {
                assert_eq!(text(&s["sample_rtt"]), g[&ack]["tcp.analysis.ack_rtt"], "frame {}", frame(s));
                rtt_checked += 1;
            }
        }
        let stream = t["stream"].as_u64().unwrap().to_string();
        let sender_port = t["sender"].as_str().unwrap().rsplit(':').next().unwrap().to_string();
        let of_stream = || g.values().filter(|r| r["tcp.stream"] == stream);
        let full: Vec<String> = of_stream()
            .filter(|r| r["tcp.analysis.window_full"] == "1" && r["tcp.srcport"] == sender_port)
            .map(|r| r["frame.number"].clone())
            .collect();
        let ours: Vec<String> = t["window_full"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(ours, full, "stream {stream}: window full frames");
        let min = of_stream()
            .filter(|r| r["tcp.srcport"] != sender_port && r["tcp.flags.syn"] == "0")
            .map(|r| r["tcp.window_size"].parse::<i64>().unwrap())
            .min()
            .unwrap();
        assert_eq!(t["min_window"]["bytes"].as_i64().unwrap(), min, "stream {stream}: minimum window");
        same(&g, &t["min_window"], "bytes", "tcp.window_size");
    }
    assert!(rtt_checked >= 6, "only {rtt_checked} RTT samples compared with tcp.analysis.ack_rtt");
}

#[test]
fn the_small_receive_buffer_limits_the_sender() {
    let w = sheet(&["--stream", "2"]);
    let t = &w["tcp"][0];
    assert!(t["min_window"]["bytes"].as_i64().unwrap() < 8192, "{t}");
    assert!(!t["window_full"].as_array().unwrap().is_empty(), "{t}");
    assert!(t["throughput"]["bytes_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn udp_dns_http_and_icmp_answers_equal_tshark_fields() {
    let g = golden();
    let w = sheet(&[]);
    for u in w["udp"].as_array().unwrap() {
        same(&g, u, "length", "udp.length");
        assert_eq!(u["length_ok"], true);
    }
    let dns = w["dns"].as_array().unwrap();
    assert_eq!(dns.len(), 2, "dig's query and the answer");
    for m in dns {
        let r = &g[&frame(m)];
        assert_eq!(format!("0x{:04x}", m["id"].as_u64().unwrap()), r["dns.id"]);
        let counts: Vec<String> = m["counts"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(counts[0], r["dns.count.queries"]);
        assert_eq!(counts[1], r["dns.count.answers"]);
        assert_eq!(text(&m["questions"][0][0]), r["dns.qry.name"]);
        let answers = m["answers"].as_array().unwrap();
        let addrs: Vec<String> = answers.iter().map(|a| text(&a["data"])).collect();
        let ttls: Vec<String> = answers.iter().map(|a| text(&a["ttl"])).collect();
        assert_eq!(addrs.join(","), r["dns.a"]);
        assert_eq!(ttls.join(","), r["dns.resp.ttl"]);
        if m["response"] == true {
            assert_eq!(m["authoritative"] == true, r["dns.flags.authoritative"] == "1");
        }
    }
    let http = w["http"].as_array().unwrap();
    assert_eq!(http.len(), 8, "three requests and responses by curl, one of each by python");
    for h in http {
        let r = &g[&frame(h)];
        if h["request"] == true {
            assert_eq!(text(&h["method"]), r["http.request.method"]);
            assert_eq!(text(&h["version"]), r["http.request.version"]);
        } else {
            assert_eq!(text(&h["code"]), r["http.response.code"]);
            assert_eq!(text(&h["version"]), r["http.response.version"]);
            if !h["content_length"].is_null() {
                assert_eq!(text(&h["content_length"]), r["http.content_length"]);
                assert_eq!(h["content_length"], h["body_bytes"], "the whole body was captured");
            }
        }
    }
    assert!(http.iter().any(|h| h["conditional"].as_str().is_some_and(|c| c.starts_with("if-modified-since"))));
    assert!(http.iter().any(|h| h["code"] == 304));
    let icmp = w["icmp"].as_array().unwrap();
    assert_eq!(icmp.len(), 1);
    same(&g, &icmp[0], "icmp_type", "icmp.type");
    same(&g, &icmp[0], "code", "icmp.code");
    assert!(text(&icmp[0]["quoted"]).starts_with("UDP 127.0.0.1:"));
}

#[test]
fn markdown_for_a_lab_report() {
    let md = run_in(root(), &["worksheet", HELD_OUT, "--stream", "0", "--format", "markdown"]);
    for part in
        ["## Worksheet: captures/worksheet-lab.pcap", "### TCP stream 0", "| Frame |", "SampleRTT", "EstimatedRTT"]
    {
        assert!(md.contains(part), "{part} missing\n{md}");
    }
    assert!(!md.contains('\x1b') && !md.contains('┌'), "{md}");
    assert!(!md.contains("\n\n\n"), "{md}");
    let all = run_in(root(), &["worksheet", HELD_OUT, "--format", "markdown"]);
    check_golden("worksheet-lab.worksheet.md", &all);
}

#[test]
fn terminal_tables_fit_the_width() {
    let t = run_in(root(), &["worksheet", HELD_OUT, "--width", "100", "--color", "never"]);
    for line in t.lines() {
        assert!(line.chars().count() <= 100, "{line:?} is wider than 100");
    }
    assert!(t.contains("TCP stream 2") && t.contains("window full in frames"), "{t}");
}

#[test]
fn an_unknown_stream_names_the_command_that_lists_them() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["worksheet", HELD_OUT, "--stream", "99"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no TCP stream 99") && err.contains("socklab conversations"), "{err}");
}
