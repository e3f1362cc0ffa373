//! `socklab graph`: the SVG is well-formed XML and its plotted points are the
//! segments, ACKs, RTTs and windows tshark lists for the stream
//! (tests/golden/worksheet/worksheet-lab.tshark.tsv, scripts/worksheet-goldens.sh);
//! the text drawing fits the width it is given.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::xml::well_formed;
use report_util::{check_golden, run_in, tshark_rows, FieldRow, HELD_OUT};
use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn svg(stream: u32, kind: &str) -> String {
    let s = stream.to_string();
    let out = run_in(root(), &["graph", HELD_OUT, "--stream", &s, "--kind", kind, "--svg"]);
    if let Err(e) = well_formed(&out) {
        panic!("stream {stream} {kind}: the SVG is not well-formed XML: {e}\n{out}");
    }
    out
}

/// A plotted point: frame, x, y, y2.
type Pt = (u32, f64, f64, f64);

/// The value of attribute `name` in one element's text.
fn attr<'a>(el: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = el.find(&key)? + key.len();
    Some(&el[i..i + el[i..].find('"')?])
}

/// The points of the elements of class `class` carrying data attributes.
fn points(svg: &str, class: &str) -> Vec<Pt> {
    svg.split('<')
        .filter(|el| attr(el, "class") == Some(class) && el.contains("data-frame"))
        .map(|el| {
            let f = |n: &str| attr(el, n).unwrap().parse::<f64>().unwrap();
            (attr(el, "data-frame").unwrap().parse().unwrap(), f("data-x"), f("data-y"), f("data-y2"))
        })
        .collect()
}

fn num(r: &FieldRow, field: &str) -> f64 {
    r[field].parse().unwrap_or_else(|_| panic!("{field} of frame {}", r["frame.number"]))
}

/// The stream's rows, and the data sender's port (the side with more payload).
fn stream_rows(g: &BTreeMap<u32, FieldRow>, stream: u32) -> (Vec<&FieldRow>, String) {
    let rows: Vec<&FieldRow> = g.values().filter(|r| r["tcp.stream"] == stream.to_string()).collect();
    let mut by_port: BTreeMap<&str, f64> = BTreeMap::new();
    for r in &rows {
        *by_port.entry(r["tcp.srcport"].as_str()).or_default() += num(r, "tcp.len");
    }
    let sender = by_port.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0.to_string();
    (rows, sender)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn tseq_bars_are_the_segments_tshark_lists() {
    let g = tshark_rows("worksheet/worksheet-lab.tshark.tsv");
    for stream in 0..3 {
        let svg = svg(stream, "tseq");
        let (rows, sender) = stream_rows(&g, stream);
        let mut bars = points(&svg, "seg");
        bars.extend(points(&svg, "retrans"));
        bars.sort_by_key(|p| p.0);
        let want: Vec<&&FieldRow> = rows.iter().filter(|r| r["tcp.srcport"] == sender && r["tcp.len"] != "0").collect();
        assert_eq!(bars.len(), want.len(), "stream {stream}: one bar per data segment");
        for ((frame, x, y, y2), r) in bars.iter().zip(want) {
            assert_eq!(frame.to_string(), r["frame.number"]);
            assert!(close(*x, num(r, "frame.time_relative")), "frame {frame}: time {x}");
            assert_eq!(*y, num(r, "tcp.seq"), "frame {frame}: seq");
            assert_eq!(y2 - y, num(r, "tcp.len"), "frame {frame}: len");
        }
        let acks = points(&svg, "ack");
        let want: Vec<&&FieldRow> =
            rows.iter().filter(|r| r["tcp.srcport"] != sender && r["tcp.flags.ack"] == "1").collect();
        assert_eq!(acks.len(), want.len(), "stream {stream}: the ACK line");
        for ((frame, _, y, _), r) in acks.iter().zip(want) {
            assert_eq!(frame.to_string(), r["frame.number"]);
            assert_eq!(*y, num(r, "tcp.ack"), "frame {frame}: ack");
        }
        for (frame, _, y, _) in points(&svg, "win") {
            let r = &g[&frame];
            assert_eq!(y, num(r, "tcp.ack") + num(r, "tcp.window_size"), "frame {frame}: ack + window");
        }
        for label in ["Time (s)", "Sequence number (relative, bytes)"] {
            assert!(svg.contains(label), "{label} missing");
        }
    }
}

#[test]
fn rtt_points_equal_tsharks_ack_rtt() {
    let g = tshark_rows("worksheet/worksheet-lab.tshark.tsv");
    let svg = svg(2, "rtt");
    let pts = points(&svg, "rtt");
    assert!(pts.len() > 20, "{}", pts.len());
    let mut compared = 0;
    for (frame, x, y, _) in &pts {
        assert_eq!(*x, num(&g[frame], "tcp.seq"));
        if let Some(ack) = g.values().find(|r| r["tcp.analysis.acks_frame"] == frame.to_string()) {
            assert!(close(*y, num(ack, "tcp.analysis.ack_rtt") * 1e3), "frame {frame}: {y} ms");
            compared += 1;
        }
    }
    assert!(compared > 10, "only {compared} compared");
    assert!(svg.contains("RTT (ms)"));
}

#[test]
fn window_and_throughput_graphs() {
    let g = tshark_rows("worksheet/worksheet-lab.tshark.tsv");
    let window = svg(2, "window");
    let win = points(&window, "win");
    assert!(!win.is_empty());
    for (frame, x, y, _) in win {
        assert!(close(x, num(&g[&frame], "frame.time_relative")));
        assert_eq!(y, num(&g[&frame], "tcp.window_size"), "frame {frame}");
    }
    assert!(window.contains(">Bytes<"));
    let tput = svg(0, "throughput");
    assert!(points(&tput, "tput").iter().all(|p| p.2 > 0.0));
    assert!(tput.contains("Throughput (bytes/s)"));
}

#[test]
fn text_drawing_fits_the_width() {
    for kind in ["tseq", "rtt", "throughput", "window"] {
        let t =
            run_in(root(), &["graph", HELD_OUT, "--stream", "2", "--kind", kind, "--width", "60", "--color", "never"]);
        for line in t.lines().skip(1) {
            assert!(line.chars().count() <= 60, "{kind}: {line:?} is wider than 60");
        }
        assert!(t.contains("Key: "), "{t}");
        assert!(!t.contains('\x1b'));
    }
    let t = run_in(root(), &["graph", HELD_OUT, "--stream", "2", "--width", "80", "--color", "never"]);
    check_golden("worksheet-lab.graph-tseq.txt", &t);
}

#[test]
fn svg_to_a_file() {
    let dir = std::env::temp_dir().join(format!("socklab-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("tseq.svg");
    let cap = root().join(HELD_OUT);
    let printed = run_in(&dir, &["graph", cap.to_str().unwrap(), "--stream", "0", "-o", out.to_str().unwrap()]);
    assert!(printed.is_empty());
    well_formed(&std::fs::read_to_string(&out).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A corpus capture with fast retransmission and SACK (zeek-traces); the numbers
/// below are tshark's tcp.options.sack_le/sack_re and tcp.analysis flags. Skipped
/// with a message when the corpus is absent, except under CI=true.
#[test]
fn retransmissions_and_sack_blocks_are_marked() {
    let file = root().join("../shared/corpus/zeek-traces/tcp/retransmit-fast009.pcap");
    if !file.exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the corpus is missing: {}", file.display());
        eprintln!("skipped: {} is absent", file.display());
        return;
    }
    let out = run_in(root(), &["graph", file.to_str().unwrap(), "--stream", "0", "--svg"]);
    well_formed(&out).unwrap();
    let retrans: Vec<u32> = points(&out, "retrans").iter().map(|p| p.0).collect();
    assert_eq!(retrans, [32, 34, 36]);
    let sacks: Vec<(u32, f64, f64)> = points(&out, "sack").iter().map(|p| (p.0, p.2, p.3)).collect();
    let want = [
        (29, 14301.0, 15731.0),
        (30, 14301.0, 17161.0),
        (31, 14301.0, 18591.0),
        (33, 21451.0, 22881.0),
        (33, 14301.0, 18591.0),
        (35, 21451.0, 23784.0),
        (35, 14301.0, 18591.0),
    ];
    assert_eq!(&sacks[..want.len()], want);
}
