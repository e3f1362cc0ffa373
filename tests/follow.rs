//! `socklab follow`: goldens, and byte-for-byte the same text as
//! `tshark -z follow,PROTO,ascii|hex,N` (NAME.tshark.follow*.txt); --raw output.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::{captures, check_golden, run_in, run_on, tshark_file};

fn follow_args(proto: &str, stream: u32) -> Vec<String> {
    let mut a = vec!["--stream".to_string(), stream.to_string(), "--color".to_string(), "never".to_string()];
    if proto == "udp" {
        a.push("--udp".to_string());
    }
    a
}

#[test]
fn follow_matches_tshark_ascii_and_hex() {
    for c in captures() {
        let Some((proto, stream)) = &c.follow else { continue };
        let args = follow_args(proto, *stream);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ascii = run_on(&c, "follow", &args);
        check_golden(&format!("{}.follow.txt", c.name), &ascii);
        let want = tshark_file(&c.name, "follow.txt").expect("run scripts/report-goldens.sh");
        same(&ascii, &want, &format!("{}: follow", c.name));
        let mut hex_args = args.clone();
        hex_args.push("--hex");
        let hex = run_on(&c, "follow", &hex_args);
        let want = tshark_file(&c.name, "follow-hex.txt").expect("run scripts/report-goldens.sh");
        same(&hex, &want, &format!("{}: follow --hex", c.name));
    }
}

/// Asserts equal texts, naming the first differing line (the texts can be long).
fn same(got: &str, want: &str, what: &str) {
    if got != want {
        let (n, g, w) = got
            .lines()
            .zip(want.lines())
            .enumerate()
            .find(|(_, (g, w))| g != w)
            .map_or((0, "", ""), |(i, (g, w))| (i + 1, g, w));
        panic!("{what} differs from tshark's at line {n}:\n socklab: {g:?}\n tshark:  {w:?}");
    }
}

#[test]
fn raw_prints_both_sides_in_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let raw = run_in(&dir, &["follow", "tcp-echo.pcap", "--stream", "0", "--raw"]);
    assert_eq!(raw, "hello, server\nHELLO, SERVER\nsecond line!\nSECOND LINE!\n");
}

#[test]
fn colour_marks_each_side() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let out = run_in(&dir, &["follow", "tcp-echo.pcap", "--stream", "0", "--color", "always"]);
    assert!(out.contains("\x1b[31m14\nhello, server\n"), "{out:?}");
    assert!(out.contains("\x1b[34m\t14\nHELLO, SERVER\n"), "{out:?}");
}
