//! `socklab flow`: goldens of the terminal ladder, the SVG and the Mermaid
//! diagram; the SVG is well-formed XML (checked by report_util::xml).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
mod report_util;

use report_util::xml::well_formed;
use report_util::{captures, check_golden, run_on};

#[test]
fn flow_goldens_in_every_format() {
    for c in captures() {
        if c.name.starts_with("udp") {
            continue;
        }
        check_golden(&format!("{}.flow.txt", c.name), &run_on(&c, "flow", &[]));
        let svg = run_on(&c, "flow", &["--format", "svg"]);
        if let Err(e) = well_formed(&svg) {
            panic!("{}: the SVG is not well-formed XML: {e}\n{svg}", c.name);
        }
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        check_golden(&format!("{}.flow.svg", c.name), &svg);
        let mmd = run_on(&c, "flow", &["--format", "mermaid"]);
        assert!(mmd.starts_with("sequenceDiagram\n"));
        check_golden(&format!("{}.flow.mmd", c.name), &mmd);
    }
}

#[test]
fn svg_to_a_file() {
    let dir = std::env::temp_dir().join(format!("socklab-flow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("echo.svg");
    let caps = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/tcp-echo.pcap");
    let printed =
        report_util::run_in(&dir, &["flow", caps.to_str().unwrap(), "--format", "svg", "-o", out.to_str().unwrap()]);
    assert!(printed.is_empty());
    let svg = std::fs::read_to_string(&out).unwrap();
    well_formed(&svg).unwrap();
    assert!(svg.contains("three-way") || svg.contains("handshake"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_checker_rejects_broken_xml() {
    assert!(well_formed("<a><b></a></b>").is_err());
    assert!(well_formed("<a x=\"1\">t &amp; u</a>").is_ok());
    assert!(well_formed("<a>x & y</a>").is_err());
    assert!(well_formed("<a x=1/>").is_err());
    assert!(well_formed("<a/><b/>").is_err());
}
