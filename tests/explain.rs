//! `socklab explain`: topics in plain words, the list, and the nearest topics
//! for an unknown one. (That every field socklab prints has an entry is checked
//! against the field registry by the unit tests in src/teach/explain.rs.)
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{fails, ok};

#[test]
fn a_field_is_explained_with_its_four_parts() {
    let t = ok(&["explain", "tcp.analysis.duplicate_ack"]);
    for part in ["What it is", "socklab's rule", "RFC", "In a capture", "RFC 5681", "[TCP Dup ACK"] {
        assert!(t.contains(part), "{part} missing\n{t}");
    }
    assert!(!t.contains('\x1b'), "no colour off a terminal\n{t}");
}

#[test]
fn a_concept_is_explained_and_underscores_are_accepted() {
    let t = ok(&["explain", "TIME_WAIT"]);
    assert!(t.starts_with("time-wait: "), "{t}");
    assert!(t.contains("RFC 9293 §3.6"), "{t}");
}

#[test]
fn markdown_for_a_lab_report() {
    let t = ok(&["explain", "dns.flags.authoritative", "--format", "markdown"]);
    assert!(t.starts_with("### `dns.flags.authoritative`"), "{t}");
    assert!(t.contains("**RFC.** RFC 1035 §4.1.1"), "{t}");
}

#[test]
fn no_topic_lists_concepts_and_fields() {
    let t = ok(&["explain"]);
    for name in ["three-way-handshake", "window-scaling", "relative-sequence-numbers", "tcp.completeness", "http.time"]
    {
        assert!(t.contains(name), "{name} missing\n{t}");
    }
}

#[test]
fn an_unknown_topic_names_the_nearest() {
    let err = fails(&["explain", "tcp.sequence"]);
    assert!(err.contains("no topic 'tcp.sequence'") && err.contains("tcp.seq"), "{err}");
    let err = fails(&["explain", "handshake"]);
    assert!(err.contains("three-way-handshake"), "{err}");
}
