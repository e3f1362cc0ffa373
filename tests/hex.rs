//! `socklab hex FILE --frame N`: every field of every layer of one frame, with
//! every byte in exactly one field or named gap, in each output format.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use common::{fails, ok};

fn capture(name: &str) -> String {
    format!("{}/captures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The rows of `hex --format markdown`: (offset, len, bytes, layer, field).
fn rows(md: &str) -> Vec<(usize, usize, String, String, String)> {
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| # "))
        .map(|l| {
            let c: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let field = c[5].trim_matches(|ch| ch == '`' || ch == '*').to_string();
            (c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].to_string(), c[4].to_string(), field)
        })
        .collect()
}

/// Checks that the markdown rows cover `len` bytes once, in order.
fn assert_covers(md: &str, len: usize) {
    let mut at = 0;
    for (offset, n, bytes, _, field) in rows(md) {
        assert_eq!(offset, at, "{field} starts at {offset}, expected {at}\n{md}");
        assert_eq!(bytes.split(' ').count(), n, "{field}: {n} bytes listed as {bytes}");
        at += n;
    }
    assert_eq!(at, len, "the rows cover {at} bytes of {len}\n{md}");
}

#[test]
fn dns_fields_carry_the_bytes_dns_decode_prints() {
    let file = capture("dns-lab.pcap");
    let md = ok(&["hex", &file, "--frame", "2", "--format", "markdown"]);
    assert_covers(&md, 102);
    let decoded = ok(&["dns", "decode", "--pcap", &file, "--frame", "2", "--format", "markdown"]);
    let mut checked = 0;
    for line in decoded.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Type")) {
        let c: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let label = format!("{} {}", c[0], c[1]);
        let found = rows(&md)
            .into_iter()
            .find(|r| r.3 == "DNS" && r.4.starts_with(&format!("{label} (")))
            .unwrap_or_else(|| panic!("no DNS field {label} in\n{md}"));
        assert_eq!(found.2, c[2], "{label}");
        checked += 1;
    }
    assert_eq!(checked, 21, "dns decode printed {checked} rows\n{decoded}");
    assert!(md.contains("`dns.id`") || md.contains("(dns.id)"), "{md}");
}

#[test]
fn an_http_request_frame_has_its_request_line() {
    let md = ok(&["hex", &capture("web-http.pcap"), "--frame", "4", "--format", "markdown"]);
    let r = rows(&md);
    let line = r.iter().find(|r| r.4 == "http.request (request line)").expect("request line");
    assert_eq!(line.3, "HTTP");
    assert!(line.2.starts_with("47 45 54 20 2f"), "GET /: {}", line.2);
    assert!(line.2.ends_with("0d 0a"), "ends with CRLF: {}", line.2);
    assert!(r.iter().any(|r| r.4 == "http.request.line"), "{md}");
    let len: usize = r.iter().map(|r| r.1).sum();
    assert_covers(&md, len);
}

#[test]
fn a_syn_shows_its_tcp_options_as_a_gap() {
    let md = ok(&["hex", &capture("tcp-echo.pcap"), "--frame", "1", "--format", "markdown"]);
    assert_covers(&md, 74);
    let r = rows(&md);
    let opts = r.iter().find(|r| r.4 == "TCP options").expect("TCP options");
    assert_eq!((opts.0, opts.1), (54, 20));
    assert!(md.contains("| 54 | 20 | 02 04 ff d7"), "MSS option first\n{md}");
    for f in ["eth.dst", "ip.version / ip.hdr_len", "ip.ttl", "tcp.srcport", "tcp.hdr_len / tcp.flags"] {
        assert!(r.iter().any(|r| r.4 == f), "{f} missing\n{md}");
    }
}

#[test]
fn html_is_well_formed_with_a_legend() {
    let html = ok(&["hex", &capture("dns-lab.pcap"), "--frame", "2", "--format", "html"]);
    report_util::xml::well_formed(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    assert!(html.contains("<table>") && html.contains("background:#"), "{html}");
    assert_eq!(html.matches("<tr><td>").count(), 38, "one legend row per field");
}

#[test]
fn latex_boxes_every_byte_once() {
    let tex = ok(&["hex", &capture("tcp-echo.pcap"), "--frame", "1", "--format", "latex"]);
    assert!(tex.contains("xcolor") && tex.contains("\\begin{tabular}"), "{tex}");
    assert_eq!(tex.matches("}{\\texttt{").count(), 74, "one box per byte\n{tex}");
    assert!(tex.contains("TCP options"), "{tex}");
    assert_eq!(tex.matches("\\,\\colorbox").count(), 74 - 5, "a thin space between the bytes of a line\n{tex}");
}

#[test]
fn terminal_colours_fields_when_asked() {
    let file = capture("udp-closed-port.pcap");
    let out = ok(&["hex", &file, "--frame", "2", "--color", "always"]);
    assert!(out.contains("\x1b[48;2;"), "{out}");
    assert!(out.contains("quoted UDP"), "{out}");
    let plain = ok(&["hex", &file, "--frame", "2", "--color", "never"]);
    assert!(!plain.contains('\x1b'), "{plain}");
    let first = plain.lines().next().unwrap_or_default();
    assert_eq!(
        first.matches('|').count(),
        4,
        "a | between fields: eth.dst|eth.src|eth.type|ip.version|ip.dsfield\n{plain}"
    );
}

#[test]
fn a_frame_past_the_end_says_how_many_there_are() {
    let err = fails(&["hex", &capture("tcp-echo.pcap"), "--frame", "999"]);
    assert!(err.contains("frame 999 does not exist"), "{err}");
}

/// The tshark field name a row claims: `ip.ttl`, the first of `ip.version /
/// ip.hdr_len`, or the one in parentheses of a DNS row.
fn tshark_name(field: &str) -> &str {
    match field.rfind('(') {
        Some(i) if field.ends_with(')') => &field[i + 1..field.len() - 1],
        _ => field.split(" / ").next().unwrap_or(field),
    }
}

/// Every field named after a tshark field sits where tshark's PDML places that
/// field (goldens from scripts/hex-goldens.sh).
#[test]
fn fields_sit_where_tshark_places_them() {
    for (cap, frame) in [("dns-lab", 2), ("web-http", 4), ("tcp-echo", 1), ("udp-closed-port", 2), ("tcp-echo-ipv6", 1)]
    {
        let golden_path = format!("{}/tests/golden/hex/{cap}-{frame}.tsv", env!("CARGO_MANIFEST_DIR"));
        let golden = std::fs::read_to_string(&golden_path).expect("golden present (scripts/hex-goldens.sh)");
        let placed: Vec<(&str, usize, usize)> = golden
            .lines()
            .filter_map(|l| {
                let mut c = l.split('\t');
                Some((c.next()?, c.next()?.parse().ok()?, c.next()?.parse().ok()?))
            })
            .collect();
        let md = ok(&["hex", &capture(&format!("{cap}.pcap")), "--frame", &frame.to_string(), "--format", "markdown"]);
        let mut matched = 0;
        for (offset, len, _, _, field) in rows(&md) {
            let name = tshark_name(&field);
            let whole = !field.contains(" / ");
            let same: Vec<_> = placed.iter().filter(|p| p.0 == name).collect();
            if same.is_empty() {
                continue;
            }
            assert!(
                same.iter().any(|p| p.1 == offset && (!whole || p.2 == len)),
                "{cap} frame {frame}: {field} at {offset}+{len}, tshark has {same:?}"
            );
            matched += 1;
        }
        assert!(matched >= 12, "{cap} frame {frame}: only {matched} fields matched tshark's\n{md}");
    }
}

/// The terminal dump and legend fit an 80-column terminal (`COLUMNS=80`): values
/// are cut with their byte count, or the Value column is hidden with a note when
/// the field names leave no room; nothing is wider than 80.
#[test]
fn the_terminal_legend_fits_80_columns() {
    for (file, frame) in [("web-http.pcap", "4"), ("dns-lab.pcap", "2"), ("tcp-echo.pcap", "1")] {
        let out = std::process::Command::new(common::BIN)
            .args(["hex", &capture(file), "--frame", frame, "--color", "never"])
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::describe(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{file} frame {frame}: wider than 80: {line:?}");
        }
    }
}
