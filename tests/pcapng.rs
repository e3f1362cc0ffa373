//! Capture files as Wireshark and other tools save them, read by socklab's own
//! reader: pcapng interface names and descriptions, packet comments, interfaces
//! of different link types in one file, and gzip-compressed pcap and pcapng.
//! The captures are captures/tcp-echo-interfaces.pcapng (dumpcap on lo and any,
//! comments added by editcap), its gzip copy and captures/udp-echo.pcap.gz; the
//! expected texts in tests/golden/pcapng/ are what tshark 4.0 prints for them
//! (scripts/goldens.sh writes them).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The fields only pcapng files fill (scripts/goldens.sh's `origin_fields`).
const ORIGIN_FIELDS: &[&str] = &[
    "frame.number",
    "frame.comment",
    "frame.interface_id",
    "frame.interface_name",
    "frame.interface_description",
    "frame.section_number",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn capture(name: &str) -> String {
    root().join("captures").join(name).to_str().expect("UTF-8 path").to_string()
}

/// socklab's list without the header line and the teaching notes: tshark's list.
fn list_rows(out: &str) -> String {
    out.lines().skip(1).filter(|l| !l.trim_start().starts_with('↳')).map(|l| format!("{l}\n")).collect()
}

/// The `-V` lines before each frame's encapsulation: packet comments, the frame
/// line and its section and interface items (scripts/goldens.sh's awk).
fn frame_headers(out: &str) -> String {
    let mut keep = false;
    let mut s = String::new();
    for l in out.lines() {
        if l.starts_with("Packet comments") || (l.starts_with("Frame ") && l.contains(": ")) {
            keep = true;
        }
        if l.starts_with("    Encapsulation type") || l.starts_with("    Arrival Time") {
            keep = false;
        }
        if keep {
            s.push_str(l);
            s.push('\n');
        }
    }
    s
}

/// The first line where two texts differ, for the failure message.
fn first_difference(got: &str, want: &str) -> String {
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    for i in 0..g.len().max(w.len()) {
        if g.get(i) != w.get(i) {
            return format!("line {}: socklab {:?}, tshark {:?}", i + 1, g.get(i), w.get(i));
        }
    }
    "no line differs (line endings?)".to_string()
}

fn golden(name: &str) -> String {
    let path = root().join("tests/golden/pcapng").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run scripts/goldens.sh)", path.display()))
}

/// The captures with pcapng goldens, from the `.list.txt` files.
fn golden_captures() -> Vec<String> {
    let dir = root().join("tests/golden/pcapng");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".list.txt").map(str::to_string))
        .collect();
    names.sort();
    names
}

#[test]
fn list_frame_header_and_origin_fields_match_tshark() {
    let names = golden_captures();
    for want in ["tcp-echo-interfaces.pcapng", "tcp-echo-interfaces.pcapng.gz", "udp-echo.pcap.gz"] {
        assert!(names.iter().any(|n| n == want), "no golden for captures/{want}: run scripts/goldens.sh");
    }
    for name in names {
        let file = capture(&name);
        let checks = [
            ("list", list_rows(&ok(&["read", &file, "--color", "never"])), golden(&format!("{name}.list.txt"))),
            (
                "-V frame header",
                frame_headers(&large_output(&["read", &file, "-V"])),
                golden(&format!("{name}.frame.txt")),
            ),
            ("origin fields", origin_fields(&file), golden(&format!("{name}.origin.tsv"))),
        ];
        for (what, got, want) in checks {
            assert!(got == want, "{name}: {what} differs from tshark's: {}", first_difference(&got, &want));
        }
    }
}

/// Like `ok`, for outputs larger than a pipe's buffer: stdout and stderr are read
/// while socklab runs (bounded by 20 s).
fn large_output(args: &[&str]) -> String {
    let owned: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(&owned)
            .stdin(std::process::Stdio::null())
            .output();
        let _ = tx.send(out);
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{args:?} did not finish within 20 s"))
        .expect("socklab runs");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn origin_fields(file: &str) -> String {
    let mut args = vec!["read", file, "-T", "fields", "-E", "header=y"];
    for f in ORIGIN_FIELDS {
        args.extend(["-e", f]);
    }
    ok(&args)
}

#[test]
fn interface_description_and_comments_appear_in_v() {
    let out = ok(&["read", &capture("tcp-echo-interfaces.pcapng"), "-V", "-c", "4"]);
    assert!(out.contains(
        "Frame 1: 74 bytes on wire (592 bits), 74 bytes captured (592 bits) on interface lo, id 0\n    Section number: 1\n    \
         Interface id: 0 (lo)\n        Interface name: lo\n        Interface description: Loopback\n"
    ));
    assert!(out.contains("Packet comments\n    the request\n"), "{out}");
    assert!(
        out.contains("    14 bytes: hello, server\n        [Expert Info (Comment/Comment): 14 bytes: hello, server]\n")
    );
}

#[test]
fn comments_and_interfaces_in_json_and_display_filters() {
    let file = capture("tcp-echo-interfaces.pcapng");
    let json = ok(&["read", &file, "-T", "json", "-e", "frame.comment", "-e", "frame.interface_name", "-c", "4"]);
    // As tshark -T json -e: one document per packet, each field's values in a list.
    let docs: serde_json::Value = serde_json::from_str(&json).expect("a JSON array");
    let layers = &docs[3]["_source"]["layers"];
    assert_eq!(layers["frame.comment"], serde_json::json!(["the request", "14 bytes: hello, server"]));
    assert_eq!(layers["frame.interface_name"], serde_json::json!(["lo"]));
    // pcap files have neither: the fields are empty.
    let pcap = ok(&["read", &capture("tcp-echo.pcap"), "-T", "fields", "-e", "frame.interface_id", "-c", "1"]);
    assert_eq!(pcap, "\n");
}

#[test]
fn gzip_is_detected_by_its_magic_not_the_name() {
    let dir = std::env::temp_dir().join(format!("socklab-pcapng-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join("udp-echo-compressed.pcap");
    std::fs::copy(capture("udp-echo.pcap.gz"), &renamed).unwrap();
    let from_gz = ok(&["read", renamed.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(from_gz, ok(&["read", &capture("udp-echo.pcap")]));
}

#[test]
fn bpf_filter_compiles_for_each_link_type_of_the_file() {
    // Two SYNs on lo (Ethernet) and the same two on any (Linux cooked capture):
    // the filter's offsets differ per link type.
    let out = ok(&[
        "read",
        &capture("tcp-echo-interfaces.pcapng"),
        "-f",
        "tcp[tcpflags] & tcp-syn != 0",
        "-T",
        "fields",
        "-e",
        "frame.interface_name",
        "-e",
        "tcp.flags.str",
    ]);
    assert_eq!(out, "lo\t··········S·\nlo\t·······A··S·\nany\t··········S·\nany\t·······A··S·\n");
    let err = fails(&["read", &capture("tcp-echo-interfaces.pcapng"), "-f", "tcp port"]);
    assert!(err.contains("invalid capture filter 'tcp port'"), "{err}");
}

#[test]
fn reports_read_files_with_several_link_types() {
    let file = capture("tcp-echo-interfaces.pcapng");
    let conv = ok(&["conversations", &file]);
    // Every segment twice (lo and any): 20 frames in one stream.
    assert!(conv.contains("┆ 20     ┆"), "{conv}");
    let hs = ok(&["handshake", &file]);
    assert!(hs.contains("TCP stream 0"), "{hs}");
    let follow = ok(&["follow", "--stream", "0", &file]);
    assert!(follow.contains("hello, server"), "{follow}");
    assert!(Path::new(&capture("tcp-echo-interfaces.pcapng.gz")).is_file());
    assert_eq!(ok(&["conversations", &capture("tcp-echo-interfaces.pcapng.gz")]), conv);
}

#[test]
fn damaged_pcapng_names_the_frame_and_byte_offset() {
    let whole = std::fs::read(capture("tcp-echo-interfaces.pcapng")).unwrap();
    let dir = std::env::temp_dir().join(format!("socklab-pcapng-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cut = dir.join("cut.pcapng");
    std::fs::write(&cut, &whole[..whole.len() - 10]).unwrap();
    let out = run(&["read", cut.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("cannot read frame 20: the file ends inside a block (at byte"), "{err}");
    assert_eq!(list_rows(&String::from_utf8_lossy(&out.stdout)).lines().count(), 19);
}

/// An Enhanced Packet Block of one byte with `epb_flags` (inbound) and
/// `epb_dropcount` 3: tshark's frame line, flag bits and singular "byte".
#[test]
fn packet_flags_drop_count_and_one_byte_frames() {
    let hex = concat!(
        // Section header: little-endian, version 1.0, unknown section length.
        "0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000",
        // Interface: Ethernet, no snap length, no options.
        "0100000014000000010000000000000014000000",
        // Enhanced packet: interface 0, time 0, 1 of 1 byte (0x2a, padded),
        // epb_flags 1, epb_dropcount 3, end of options.
        "060000003c000000",
        "00000000",
        "0000000000000000",
        "01000000",
        "01000000",
        "2a000000",
        "0200040001000000",
        "040008000300000000000000",
        "00000000",
        "3c000000",
    );
    let bytes: Vec<u8> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect();
    let dir = std::env::temp_dir().join(format!("socklab-pcapng-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("flags.pcapng");
    std::fs::write(&file, &bytes).unwrap();
    let out = ok(&["read", "-V", file.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    let expected = "\
Frame 1: 1 byte on wire (8 bits), 1 byte captured (8 bits) on interface unknown, id 0 (inbound)
    Section number: 1
    Interface id: 0 (unknown)
        Interface name: unknown
    Packet flags: 0x00000001
        .... .... .... .... .... .... .... ..01 = Direction: Inbound (0x1)
        .... .... .... .... .... .... ...0 00.. = Reception type: Not specified (0)
        .... .... .... .... .... ...0 000. .... = FCS length: 0
        .... .... .... .... 0000 000. .... .... = Reserved: 0
        .... ...0 .... .... .... .... .... .... = CRC error: Not set
        .... ..0. .... .... .... .... .... .... = Packet too long error: Not set
        .... .0.. .... .... .... .... .... .... = Packet too short error: Not set
        .... 0... .... .... .... .... .... .... = Wrong interframe gap error: Not set
        ...0 .... .... .... .... .... .... .... = Unaligned frame error: Not set
        ..0. .... .... .... .... .... .... .... = Start frame delimiter error: Not set
        .0.. .... .... .... .... .... .... .... = Preamble error: Not set
        0... .... .... .... .... .... .... .... = Symbol error: Not set
";
    assert!(out.contains(expected), "{out}");
    assert!(
        out.contains("    Frame Length: 1 byte (8 bits)\n    Capture Length: 1 byte (8 bits)\n    Drop Count: 3\n"),
        "{out}"
    );
}
