//! IP fragmentation and traceroute agree with tshark field by field: for each
//! capture of scripts/fragment-goldens.sh, `socklab read FILE -T fields` with the
//! fragment, reassembly and ICMP fields of the golden's header must print what
//! `tshark -n -2 -T fields` printed into tests/golden/fragments/NAME.tsv (this
//! test does not need tshark). Also the list's teaching notes of traceroute.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{corpus, crate_dir, ok};

/// The goldens: name and corpus path, as scripts/fragment-goldens.sh lists them.
const GOLDENS: &[(&str, &str)] = &[
    ("ip-fragments", "chrissanders-packets/ip_frag_source.pcapng"),
    ("ipv6-fragments", "chrissanders-packets/ipv6_fragments.pcapng"),
    ("icmp-traceroute", "chrissanders-packets/icmp_traceroute.pcapng"),
];

#[test]
fn fragment_and_reassembly_fields_match_tshark() {
    for (name, path) in GOLDENS {
        let Some(file) = corpus(path) else { continue };
        let golden = std::fs::read_to_string(crate_dir().join(format!("tests/golden/fragments/{name}.tsv")))
            .expect("run scripts/fragment-goldens.sh");
        let header = golden.lines().next().expect("a header line");
        let mut args = vec!["read", file.as_str(), "-T", "fields", "-E", "header=y", "-E", "occurrence=a"];
        args.extend(["-E", "aggregator=,"]);
        for field in header.split('\t') {
            args.extend(["-e", field]);
        }
        let out = ok(&args);
        for (i, (want, got)) in golden.lines().zip(out.lines()).enumerate() {
            assert_eq!(got, want, "{name}: line {} differs", i + 1);
        }
        assert_eq!(out.lines().count(), golden.lines().count(), "{name}: number of lines");
    }
}

#[test]
fn the_list_notes_the_fragment_and_the_router_a_traceroute_probe_died_at() {
    let Some(file) = corpus("chrissanders-packets/icmp_traceroute.pcapng") else { return };
    let out = ok(&["read", &file, "-c", "2"]);
    assert!(out.contains("↳ time exceeded: a router dropped frame 1 (ICMP 192.168.100.138 → 4.2.2.1)"), "{out}");
    let Some(file) = corpus("chrissanders-packets/ip_frag_source.pcapng") else { return };
    let out = ok(&["read", &file]);
    assert!(out.contains("off=1480, ID=7474) [Reassembled in #3]"), "{out}");
    assert!(
        out.contains("↳ reassembled: 3 fragments, 3508 bytes; offsets count 8-byte units (this one 370 × 8 = 2960)"),
        "{out}"
    );
}
