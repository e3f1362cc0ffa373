//! `socklab read`: captures built byte by byte in the test (pcap global header,
//! records, hand-made Ethernet/IP/TCP/UDP/ICMP packets), plus a few public captures
//! from ../shared/corpus when it is present. Expected texts are what tshark 4.0
//! prints for the same bytes (`tshark -n -2 -r`, `-T fields`).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::corpus;
use common::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------
// Building captures

/// DLT numbers used below.
const EN10MB: u32 = 1;
const NULL: u32 = 0;
const LOOP: u32 = 108;
const LINUX_SLL: u32 = 113;
const LINUX_SLL2: u32 = 276;
const RAW: u32 = 101;
const IPV4: u32 = 228;
const IPV6: u32 = 229;
const PPP: u32 = 9;
const PPP_SERIAL: u32 = 50;
const C_HDLC: u32 = 104;
const FRELAY: u32 = 107;
const SLIP: u32 = 8;

const LO: [u8; 4] = [127, 0, 0, 1];

/// A capture file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("socklab-read-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A pcap file: microsecond (or nanosecond) global header and one record per frame;
/// frame i is stamped 1700000000 s + i ms.
fn pcap(link: u32, frames: &[Vec<u8>], nanos: bool) -> Vec<u8> {
    let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    let mut out = Vec::new();
    out.extend(magic.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend(0i32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(65535u32.to_le_bytes());
    out.extend(link.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let frac = if nanos { i as u32 * 1_000_000 + 7 } else { i as u32 * 1000 };
        out.extend(1_700_000_000u32.to_le_bytes());
        out.extend(frac.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    out
}

fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, id: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0];
    h.extend(total.to_be_bytes());
    h.extend(id.to_be_bytes());
    h.extend([0x40, 0, 64, proto, 0, 0]);
    h.extend(src);
    h.extend(dst);
    h.extend(payload);
    h
}

fn ipv6(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend((payload.len() as u16).to_be_bytes());
    h.extend([proto, 64]);
    let one: [u8; 16] = std::net::Ipv6Addr::LOCALHOST.octets();
    h.extend(one);
    h.extend(one);
    h.extend(payload);
    h
}

fn udp(sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend(sport.to_be_bytes());
    h.extend(dport.to_be_bytes());
    h.extend(((8 + data.len()) as u16).to_be_bytes());
    h.extend([0, 0]);
    h.extend(data);
    h
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;
const FIN_ACK: u8 = 0x11;
const RST_ACK: u8 = 0x14;

/// A TCP segment with a 20-byte header plus `opts` (a multiple of 4 bytes).
fn tcp((sport, dport): (u16, u16), (seq, ack): (u32, u32), flags: u8, win: u16, opts: &[u8], data: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend(sport.to_be_bytes());
    h.extend(dport.to_be_bytes());
    h.extend(seq.to_be_bytes());
    h.extend(ack.to_be_bytes());
    h.push((((20 + opts.len()) / 4) as u8) << 4);
    h.push(flags);
    h.extend(win.to_be_bytes());
    h.extend([0, 0, 0, 0]);
    h.extend(opts);
    h.extend(data);
    h
}

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    f.extend(ethertype.to_be_bytes());
    f.extend(payload);
    f
}

/// SYN options as Linux sends them: MSS 65495, SACK_PERM, TS, NOP, WS 10.
fn syn_opts(tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![2, 4, 0xff, 0xd7, 4, 2, 8, 10];
    o.extend(tsval.to_be_bytes());
    o.extend(tsecr.to_be_bytes());
    o.extend([1, 3, 3, 10]);
    o
}

/// NOP, NOP, timestamps.
fn ts_opts(tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![1, 1, 8, 10];
    o.extend(tsval.to_be_bytes());
    o.extend(tsecr.to_be_bytes());
    o
}

/// A loopback conversation 127.0.0.1:41864 → 127.0.0.1:12000: handshake, "hello"
/// upper-cased back, close by the client.
fn conversation() -> Vec<Vec<u8>> {
    let (c, s) = (41864, 12000);
    let (ci, si) = (1000u32, 5000u32);
    let seg = |sp, dp, seq, ack, fl, win, opts: &[u8], data: &[u8], id| {
        eth(0x0800, &ipv4(LO, LO, 6, id, &tcp((sp, dp), (seq, ack), fl, win, opts, data)))
    };
    vec![
        seg(c, s, ci, 0, SYN, 65495, &syn_opts(100, 0), b"", 1),
        seg(s, c, si, ci + 1, SYN | ACK, 65483, &syn_opts(200, 100), b"", 0),
        seg(c, s, ci + 1, si + 1, ACK, 64, &ts_opts(101, 200), b"", 2),
        seg(c, s, ci + 1, si + 1, PSH_ACK, 64, &ts_opts(102, 200), b"hello", 3),
        seg(s, c, si + 1, ci + 6, ACK, 64, &ts_opts(201, 102), b"", 4),
        seg(s, c, si + 1, ci + 6, PSH_ACK, 64, &ts_opts(202, 102), b"HELLO", 5),
        seg(c, s, ci + 6, si + 6, FIN_ACK, 64, &ts_opts(103, 202), b"", 6),
        seg(s, c, si + 6, ci + 7, FIN_ACK, 64, &ts_opts(203, 103), b"", 7),
        seg(c, s, ci + 7, si + 7, ACK, 64, &ts_opts(104, 203), b"", 8),
    ]
}

/// Rows of the list (no header, no notes), spaces squeezed as for comparing with tshark.
fn rows(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .filter(|l| !l.starts_with("  ↳"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

// ---------------------------------------------------------------------------------
// The packet list

#[test]
fn handshake_data_and_close_as_tshark_lists_them() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&["read", f.path()]);
    let expected = [
        "1 0.000000 127.0.0.1 → 127.0.0.1 TCP 74 41864 → 12000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=100 TSecr=0 WS=1024",
        "2 0.001000 127.0.0.1 → 127.0.0.1 TCP 74 12000 → 41864 [SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0 MSS=65495 SACK_PERM TSval=200 TSecr=100 WS=1024",
        "3 0.002000 127.0.0.1 → 127.0.0.1 TCP 66 41864 → 12000 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=101 TSecr=200",
        "4 0.003000 127.0.0.1 → 127.0.0.1 TCP 71 41864 → 12000 [PSH, ACK] Seq=1 Ack=1 Win=65536 Len=5 TSval=102 TSecr=200",
        "5 0.004000 127.0.0.1 → 127.0.0.1 TCP 66 12000 → 41864 [ACK] Seq=1 Ack=6 Win=65536 Len=0 TSval=201 TSecr=102",
        "6 0.005000 127.0.0.1 → 127.0.0.1 TCP 71 12000 → 41864 [PSH, ACK] Seq=1 Ack=6 Win=65536 Len=5 TSval=202 TSecr=102",
        "7 0.006000 127.0.0.1 → 127.0.0.1 TCP 66 41864 → 12000 [FIN, ACK] Seq=6 Ack=6 Win=65536 Len=0 TSval=103 TSecr=202",
        "8 0.007000 127.0.0.1 → 127.0.0.1 TCP 66 12000 → 41864 [FIN, ACK] Seq=6 Ack=7 Win=65536 Len=0 TSval=203 TSecr=103",
        "9 0.008000 127.0.0.1 → 127.0.0.1 TCP 66 41864 → 12000 [ACK] Seq=7 Ack=7 Win=65536 Len=0 TSval=104 TSecr=203",
    ];
    assert_eq!(rows(&out), expected, "{out}");
    assert!(out.starts_with("  No.       Time"), "{out}");
    for note in [
        "  ↳ handshake 1/3: client 127.0.0.1:41864 → server 127.0.0.1:12000 (SYN)",
        "  ↳ handshake 2/3: server 127.0.0.1:12000 → client 127.0.0.1:41864 (SYN, ACK)",
        "  ↳ handshake 3/3: client 127.0.0.1:41864 → server 127.0.0.1:12000 (ACK)",
        "  ↳ active close: client 127.0.0.1:41864 sends FIN",
        "  ↳ passive close: server 127.0.0.1:12000 answers",
        "  ↳ close: client 127.0.0.1:41864 acknowledges the last FIN; the connection is closed",
    ] {
        assert!(out.contains(note), "missing note {note:?}\n{out}");
    }
}

#[test]
fn four_way_close_explains_each_step() {
    let (c, s) = (41864, 12000);
    let seg =
        |sp, dp, seq, ack, fl, id| eth(0x0800, &ipv4(LO, LO, 6, id, &tcp((sp, dp), (seq, ack), fl, 64, &[], b"")));
    let mut frames = conversation();
    frames.truncate(7);
    frames.push(seg(s, c, 5006, 1007, ACK, 20));
    frames.push(seg(s, c, 5006, 1007, FIN_ACK, 21));
    frames.push(seg(c, s, 1007, 5007, ACK, 22));
    let f = TempFile::new("close4.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path(), "-c", "10"]);
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with("  ↳")).skip(3).collect();
    assert_eq!(notes.len(), 4, "{out}");
    assert!(notes[0].starts_with("  ↳ active close: client 127.0.0.1:41864 sends FIN"), "{out}");
    assert!(notes[1].starts_with("  ↳ close: server 127.0.0.1:12000 acknowledges the FIN; it may still send"), "{out}");
    assert!(notes[2].starts_with("  ↳ passive close: server 127.0.0.1:12000"), "{out}");
    assert!(notes[3].starts_with("  ↳ close: client 127.0.0.1:41864 acknowledges the last FIN"), "{out}");
}

#[test]
fn details_tree_and_hex_dump_follow_the_row() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&["read", f.path(), "-V", "-x", "-c", "3"]);
    for line in [
        "Frame 2: 74 bytes on wire (592 bits), 74 bytes captured (592 bits)",
        "    [Protocols in frame: eth:ethertype:ip:tcp]",
        "Ethernet II, Src: 02:00:00:00:00:01, Dst: 02:00:00:00:00:02",
        "Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1",
        "    Identification: 0x0001 (1)",
        "Transmission Control Protocol, Src Port: 12000, Dst Port: 41864, Seq: 0, Ack: 1, Len: 0",
        "    [Stream index: 0]",
        "    [Conversation completeness: Incomplete, ESTABLISHED (7)]",
        "    [Next Sequence Number: 1    (relative sequence number)]",
        "    Flags: 0x012 (SYN, ACK)",
        "        [TCP Flags: ·······A··S·]",
        "        TCP Option - Window scale: 10 (multiply by 1024)",
        "    [Calculated window size: 65536]",
        "    [Window size scaling factor: 1024]",
        "    [SEQ/ACK analysis]",
        "        [This is an ACK to the segment in frame: 1]",
        "0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00   ..............E.",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?}\n{out}");
    }
    let f = TempFile::new("conv-all.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&["read", f.path(), "-V"]);
    assert!(out.contains("[Conversation completeness: Complete, WITH_DATA (31)]"), "{out}");
}

#[test]
fn syn_answered_by_rst_is_explained_as_refused() {
    let frames = vec![
        eth(0x0800, &ipv4(LO, LO, 6, 1, &tcp((41864, 12000), (1000, 0), SYN, 65495, &syn_opts(1, 0), b""))),
        eth(0x0800, &ipv4(LO, LO, 6, 0, &tcp((12000, 41864), (0, 1001), RST_ACK, 0, &[], b""))),
    ];
    let f = TempFile::new("refused.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path()]);
    assert_eq!(
        rows(&out)[1],
        "2 0.001000 127.0.0.1 → 127.0.0.1 TCP 54 12000 → 41864 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0",
        "{out}"
    );
    assert!(out.contains("  ↳ connection refused: nothing listens on port 12000"), "{out}");
}

#[test]
fn colour_only_when_asked() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let plain = ok(&["read", f.path(), "-c", "1"]);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let coloured = ok(&["read", f.path(), "-c", "1", "--color", "always"]);
    assert!(coloured.contains("\x1b[36m  ↳ handshake 1/3"), "{coloured:?}");
    let never = ok(&["read", f.path(), "-c", "1", "--color", "never"]);
    assert_eq!(never, plain);
}

#[test]
fn arp_request_and_reply_as_tshark_shows_them() {
    let arp = |op: u8, smac: u8, sip: u8, tmac: u8, tip: u8| {
        let mut a = vec![0, 1, 8, 0, 6, 4, 0, op, 2, 0, 0, 0, 0, smac, 10, 0, 0, sip];
        a.extend([if tmac == 0 { 0 } else { 2 }, 0, 0, 0, 0, tmac, 10, 0, 0, tip]);
        eth(0x0806, &a)
    };
    let frames = vec![arp(1, 1, 1, 0, 2), arp(2, 2, 2, 1, 1), arp(1, 1, 1, 0, 1)];
    let f = TempFile::new("arp.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path()]);
    assert_eq!(
        rows(&out),
        [
            "1 0.000000 02:00:00:00:00:01 → 02:00:00:00:00:02 ARP 42 Who has 10.0.0.2? Tell 10.0.0.1",
            "2 0.001000 02:00:00:00:00:01 → 02:00:00:00:00:02 ARP 42 10.0.0.2 is at 02:00:00:00:00:02",
            "3 0.002000 02:00:00:00:00:01 → 02:00:00:00:00:02 ARP 42 ARP Announcement for 10.0.0.1",
        ],
        "{out}"
    );
    let fields = ok(&["read", f.path(), "-T", "fields", "-e", "frame.protocols", "-e", "arp", "-e", "eth.type"]);
    assert_eq!(
        fields,
        "eth:ethertype:arp\tAddress Resolution Protocol (request)\t0x0806\n\
         eth:ethertype:arp\tAddress Resolution Protocol (reply)\t0x0806\n\
         eth:ethertype:arp\tAddress Resolution Protocol (ARP Announcement)\t0x0806\n"
    );
}

#[test]
fn count_limits_the_frames_read() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&["read", f.path(), "-c", "2"]);
    assert_eq!(rows(&out).len(), 2, "{out}");
}

#[test]
fn capture_filter_selects_frames_in_libpcap() {
    let mut frames = conversation();
    frames.push(eth(0x0800, &ipv4(LO, LO, 17, 9, &udp(5000, 53, b"q"))));
    let f = TempFile::new("mixed.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path(), "-f", "udp port 53"]);
    // One byte to port 53 is a DNS message cut short in its header, as tshark shows it.
    assert_eq!(rows(&out), ["1 0.000000 127.0.0.1 → 127.0.0.1 DNS 43 [Malformed Packet]"], "{out}");
    let err = fails(&["read", f.path(), "-f", "tcp port"]);
    assert!(err.contains("invalid capture filter 'tcp port'"), "{err}");
}

#[test]
fn display_filter_selects_frames_by_field() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&["read", f.path(), "-Y", "tcp.flags.fin == 1", "-T", "fields", "-e", "frame.number"]);
    assert_eq!(out, "7\n8\n");
    let err = fails(&["read", f.path(), "-Y", "tcp.flags.fin =="]);
    assert!(err.contains("invalid display filter"), "{err}");
}

// ---------------------------------------------------------------------------------
// Fields and JSON

#[test]
fn fields_print_tshark_values() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let args = [
        "read",
        f.path(),
        "-T",
        "fields",
        "-E",
        "header=y",
        "-c",
        "3",
        "-e",
        "frame.number",
        "-e",
        "frame.time_relative",
        "-e",
        "frame.protocols",
        "-e",
        "ip.id",
        "-e",
        "ip.flags",
        "-e",
        "tcp.port",
        "-e",
        "tcp.seq",
        "-e",
        "tcp.seq_raw",
        "-e",
        "tcp.nxtseq",
        "-e",
        "tcp.ack",
        "-e",
        "tcp.flags",
        "-e",
        "tcp.flags.str",
        "-e",
        "tcp.flags.syn",
        "-e",
        "tcp.window_size",
        "-e",
        "tcp.window_size_scalefactor",
        "-e",
        "tcp.options.wscale.multiplier",
        "-e",
        "tcp.completeness",
        "-e",
        "tcp.analysis.acks_frame",
        "-e",
        "udp.stream",
    ];
    let out = ok(&args);
    let expected = "frame.number\tframe.time_relative\tframe.protocols\tip.id\tip.flags\ttcp.port\ttcp.seq\ttcp.seq_raw\ttcp.nxtseq\ttcp.ack\ttcp.flags\ttcp.flags.str\ttcp.flags.syn\ttcp.window_size\ttcp.window_size_scalefactor\ttcp.options.wscale.multiplier\ttcp.completeness\ttcp.analysis.acks_frame\tudp.stream\n\
        1\t0.000000000\teth:ethertype:ip:tcp\t0x0001\t0x02\t41864,12000\t0\t1000\t1\t0\t0x0002\t··········S·\t1\t65495\t\t1024\t7\t\t\n\
        2\t0.001000000\teth:ethertype:ip:tcp\t0x0000\t0x02\t12000,41864\t0\t5000\t1\t1\t0x0012\t·······A··S·\t1\t65483\t\t1024\t7\t1\t\n\
        3\t0.002000000\teth:ethertype:ip:tcp\t0x0002\t0x02\t41864,12000\t1\t1001\t1\t1\t0x0010\t·······A····\t0\t65536\t1024\t\t7\t2\t\n";
    assert_eq!(out, expected);
}

#[test]
fn fields_options_and_unknown_fields() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out = ok(&[
        "read",
        f.path(),
        "-T",
        "fields",
        "-c",
        "1",
        "-e",
        "ip.addr",
        "-e",
        "tcp.len",
        "-E",
        "separator=|",
        "-E",
        "aggregator=/s",
    ]);
    assert_eq!(out, "127.0.0.1 127.0.0.1|0\n");
    let err = fails(&["read", f.path(), "-T", "fields", "-e", "tcp.sequence"]);
    assert!(err.contains("unknown field 'tcp.sequence'"), "{err}");
    let err = fails(&["read", f.path(), "-T", "fields"]);
    assert!(err.contains("needs at least one -e"), "{err}");
}

#[test]
fn json_has_one_document_per_packet_as_tshark() {
    let f = TempFile::new("conv.pcap", &pcap(EN10MB, &conversation(), false));
    let out =
        ok(&["read", f.path(), "-T", "json", "-e", "frame.number", "-e", "tcp.port", "-e", "udp.port", "-c", "2"]);
    let docs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(docs.as_array().map(Vec::len), Some(2));
    assert_eq!(docs[0]["_type"], "doc");
    assert_eq!(
        docs[0]["_source"]["layers"],
        serde_json::json!({"frame.number": ["1"], "tcp.port": ["41864", "12000"]})
    );
    let ek = ok(&["read", f.path(), "-T", "ek", "-e", "frame.number", "-e", "tcp.port", "-c", "1"]);
    let lines: Vec<&str> = ek.lines().collect();
    assert_eq!(lines.len(), 2, "{ek}");
    assert!(lines[0].starts_with(r#"{"index":{"_index":"packets-"#), "{ek}");
    assert!(lines[1].ends_with(r#""layers":{"frame_number":["1"],"tcp_port":["41864","12000"]}}"#), "{ek}");
    // Without -e: every layer, as an object of its own.
    let all = ok(&["read", f.path(), "-T", "json", "-c", "1"]);
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    let layers = v[0]["_source"]["layers"].as_object().expect("layers");
    assert!(layers.len() >= 4, "{all}");
}

// ---------------------------------------------------------------------------------
// ICMP errors, link types, damaged input

#[test]
fn icmp_port_unreachable_points_at_the_datagram() {
    let datagram = ipv4(LO, LO, 17, 0x1b68, &udp(5000, 9, b"hello"));
    let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
    icmp.extend(&datagram);
    let frames = vec![eth(0x0800, &datagram), eth(0x0800, &ipv4(LO, LO, 1, 0x1b69, &icmp))];
    let f = TempFile::new("unreach.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path()]);
    assert_eq!(
        rows(&out)[1],
        "2 0.001000 127.0.0.1 → 127.0.0.1 ICMP 75 Destination unreachable (Port unreachable)",
        "{out}"
    );
    assert!(out.contains("  ↳ ICMP error about frame 1 (UDP 127.0.0.1:5000 → 127.0.0.1:9)"), "{out}");
    let fields = ok(&[
        "read",
        f.path(),
        "-T",
        "fields",
        "-e",
        "frame.protocols",
        "-e",
        "ip.src",
        "-e",
        "ip.id",
        "-e",
        "udp.srcport",
        "-e",
        "udp.stream",
        "-e",
        "icmp.type",
        "-e",
        "icmp.code",
    ]);
    assert_eq!(
        fields,
        "eth:ethertype:ip:udp:data\t127.0.0.1\t0x1b68\t5000\t0\t\t\n\
         eth:ethertype:ip:icmp:ip:udp:data\t127.0.0.1,127.0.0.1\t0x1b69,0x1b68\t5000\t0\t3\t3\n"
    );
}

#[test]
fn icmp_error_quoting_tcp_reports_it_as_tshark() {
    let syn = ipv4(LO, [127, 0, 0, 2], 6, 0x2000, &tcp((40000, 80), (1000, 0), SYN, 65495, &[], b""));
    let err = |quote: &[u8]| {
        let mut icmp = vec![3, 1, 0, 0, 0, 0, 0, 0];
        icmp.extend(quote);
        eth(0x0800, &ipv4(LO, LO, 1, 0x2001, &icmp))
    };
    let frames = vec![eth(0x0800, &syn), err(&syn), err(&syn[..28])];
    let f = TempFile::new("icmptcp.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&[
        "read",
        f.path(),
        "-T",
        "fields",
        "-e",
        "frame.protocols",
        "-e",
        "tcp.stream",
        "-e",
        "tcp.seq",
        "-e",
        "tcp.seq_raw",
        "-e",
        "tcp.completeness",
        "-e",
        "tcp.len",
        "-e",
        "tcp",
    ]);
    assert_eq!(
        out,
        "eth:ethertype:ip:tcp\t0\t0\t1000\t1\t0\tTransmission Control Protocol, Src Port: 40000, Dst Port: 80, Seq: 0, Len: 0\n\
         eth:ethertype:ip:icmp:ip:tcp\t0\t1000\t\t1\t\tTransmission Control Protocol, Src Port: 40000, Dst Port: 80, Seq: 1000\n\
         eth:ethertype:ip:icmp:ip:tcp\t\t1000\t\t\t\tTransmission Control Protocol, Src Port: 40000, Dst Port: 80\n"
    );
    let list = ok(&["read", f.path()]);
    assert!(list.contains("  ↳ ICMP error about frame 1 (TCP 127.0.0.1:40000 → 127.0.0.2:80)"), "{list}");
}

#[test]
fn every_link_type_decodes_to_ip() {
    let v4 = ipv4(LO, LO, 17, 7, &udp(5000, 12000, b"hi"));
    let v6 = ipv6(17, &udp(5000, 12000, b"hi"));
    let with = |head: &[u8], ip: &[u8]| [head, ip].concat();
    let mut sll = vec![0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    sll.extend(0x0800u16.to_be_bytes());
    let mut sll2 = 0x86ddu16.to_be_bytes().to_vec();
    sll2.extend([0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
    let mut vlan = vec![0x00, 0x64];
    vlan.extend(0x0800u16.to_be_bytes());
    vlan.extend(&v4);
    let cases: Vec<(u32, Vec<u8>, &str)> = vec![
        (EN10MB, eth(0x0800, &v4), "eth:ethertype:ip:udp:data"),
        (EN10MB, eth(0x8100, &vlan), "eth:ethertype:vlan:ethertype:ip:udp:data"),
        (NULL, with(&2u32.to_le_bytes(), &v4), "null:ip:udp:data"),
        (NULL, with(&30u32.to_le_bytes(), &v6), "null:ipv6:udp:data"),
        (LOOP, with(&2u32.to_be_bytes(), &v4), "null:ip:udp:data"),
        (LINUX_SLL, with(&sll, &v4), "sll:ethertype:ip:udp:data"),
        (LINUX_SLL2, with(&sll2, &v6), "sll:ethertype:ipv6:udp:data"),
        (RAW, v4.clone(), "raw:ip:udp:data"),
        (RAW, v6.clone(), "raw:ipv6:udp:data"),
        (IPV4, v4.clone(), "ip:udp:data"),
        (IPV6, v6.clone(), "ipv6:udp:data"),
        (PPP, with(&[0xff, 0x03, 0x00, 0x21], &v4), "ppp:ip:udp:data"),
        (PPP, with(&[0x00, 0x57], &v6), "ppp:ipv6:udp:data"),
        (PPP_SERIAL, with(&[0xff, 0x03, 0x00, 0x21], &v4), "ppp:ip:udp:data"),
        (C_HDLC, with(&[0x0f, 0x00, 0x08, 0x00], &v4), "chdlc:ip:udp:data"),
        (FRELAY, with(&[0x18, 0x41, 0x03, 0xcc], &v4), "fr:ip:udp:data"),
        (SLIP, with(&[0; 16], &v4), "slip:ip:udp:data"),
    ];
    for (link, frame, protocols) in cases {
        let f = TempFile::new("link.pcap", &pcap(link, &[frame], false));
        let out =
            ok(&["read", f.path(), "-T", "fields", "-e", "frame.protocols", "-e", "udp.srcport", "-e", "udp.length"]);
        assert_eq!(out, format!("{protocols}\t5000\t10\n"), "link type {link}");
        let list = ok(&["read", f.path()]);
        assert!(list.contains("5000 → 12000 Len=2"), "link type {link}:\n{list}");
    }
}

#[test]
fn nanosecond_pcap_keeps_nanoseconds() {
    let frames = vec![eth(0x0800, &ipv4(LO, LO, 17, 1, &udp(1, 2, b""))); 2];
    let f = TempFile::new("ns.pcap", &pcap(EN10MB, &frames, true));
    let out = ok(&["read", f.path(), "-T", "fields", "-e", "frame.time_relative"]);
    assert_eq!(out, "0.000000000\n0.001000000\n");
    let list = ok(&["read", f.path()]);
    assert_eq!(rows(&list)[1], "2 0.001000000 127.0.0.1 → 127.0.0.1 UDP 42 1 → 2 Len=0", "{list}");
}

#[test]
fn truncated_tcp_header_is_a_row_and_the_capture_goes_on() {
    let bad = ipv4(LO, LO, 6, 1, &tcp((1, 2), (0, 0), SYN, 0, &[], b"")[..10]);
    let frames = vec![eth(0x0800, &bad), eth(0x0800, &ipv4(LO, LO, 17, 2, &udp(5000, 9, b"x")))];
    let f = TempFile::new("badtcp.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path()]);
    assert_eq!(
        rows(&out),
        [
            "1 0.000000 127.0.0.1 → 127.0.0.1 TCP 44 [Malformed Packet]",
            "2 0.001000 127.0.0.1 → 127.0.0.1 UDP 43 5000 → 9 Len=1",
        ],
        "{out}"
    );
    assert!(out.contains("\n  ↳ malformed: TCP header at byte 34 cut short: needs 20 bytes, 10 captured\n"), "{out}");
    let v = ok(&["read", f.path(), "-V", "-c", "1"]);
    assert!(v.contains("[Malformed Packet: TCP header at byte 34"), "{v}");
}

#[test]
fn file_cut_short_keeps_what_was_printed_and_names_the_frame() {
    let whole = pcap(EN10MB, &conversation(), false);
    let cut = &whole[..24 + 2 * (16 + 74) + 20];
    let f = TempFile::new("cut.pcap", cut);
    let out = run(&["read", f.path()]);
    assert!(!out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(rows(&stdout).len(), 2, "{stdout}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(f.path()) && err.contains("frame 3"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_file_that_is_not_a_capture_is_refused_by_name() {
    let f = TempFile::new("notes.txt", b"these are lab notes, not packets\n");
    let err = fails(&["read", f.path()]);
    assert!(err.contains(f.path()) && err.contains("not a capture file"), "{err}");
    let err = fails(&["read", "/nonexistent/socklab.pcap"]);
    assert!(err.contains("/nonexistent/socklab.pcap"), "{err}");
}

#[test]
fn an_undecoded_link_type_lists_its_frames_then_fails_naming_it() {
    let f = TempFile::new("juniper.pcap", &pcap(178, &[vec![1, 2, 3], vec![4, 5, 6, 7]], false));
    let out = run(&["read", f.path()]);
    assert!(!out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        rows(&stdout),
        [
            "1 0.000000 → JUNIPER_ETHER 3 link type JUNIPER_ETHER (178) not decoded by socklab",
            "2 0.001000 → JUNIPER_ETHER 4 link type JUNIPER_ETHER (178) not decoded by socklab",
        ],
        "{stdout}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(f.path()) && err.contains("link type JUNIPER_ETHER (178) is not decoded"), "{err}");
    assert!(err.contains("2 frames listed undecoded"), "{err}");
    assert!(err.contains("EN10MB (1)") && err.contains("C_HDLC (104)"), "{err}");

    let args = ["read", f.path(), "-T", "fields", "-e", "frame.number", "-e", "frame.len", "-e", "ip.src"];
    let out = run(&args);
    assert!(!out.status.success(), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\t3\t\n2\t4\t\n");

    let unnamed = TempFile::new("user0.pcap", &pcap(147, &[vec![1, 2, 3]], false));
    let err = fails(&["read", unnamed.path()]);
    assert!(err.contains("link type DLT_147 (147) is not decoded"), "{err}");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let frames: Vec<Vec<u8>> = (0..20_000u16).map(|i| eth(0x0800, &ipv4(LO, LO, 17, i, &udp(5000, 9, b"x")))).collect();
    let f = TempFile::new("many.pcap", &pcap(EN10MB, &frames, false));
    let mut child =
        Command::new(BIN).args(["read", f.path()]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("No."), "{first}");
    assert!(out.status.success(), "status {:?}, stderr {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_capture_from_a_pipe_is_refused_with_what_to_do_not_listed_empty() {
    let frames = conversation();
    let out = run_with(&["read", "/dev/stdin"], &pcap(EN10MB, &frames, false), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a pipe read twice lists nothing: {}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.contains("can be read only once") && stderr.contains("save it to a file first"), "{stderr}");
}

// ---------------------------------------------------------------------------------
// Public captures (skipped when ../shared/corpus is absent)

/// Runs socklab reading (and discarding) its whole stdout as it comes, bounded by
/// `timeout`: for outputs larger than a pipe buffer. Returns the status, the
/// number of stdout bytes and stderr.
fn run_drained(args: &[&str], timeout: Duration) -> (std::process::ExitStatus, usize, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", show(args)));
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        let mut total = 0;
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
        }
        total
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{} did not finish within {timeout:?}", show(args));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let total = reader.join().unwrap();
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    (status, total, err)
}

#[test]
fn corpus_sll2_http_handshake_matches_tshark() {
    let Some(f) = corpus("lwerdna-filesamples/simple_http_sll2.pcap") else { return };
    let out = ok(&["read", &f, "-c", "3"]);
    assert_eq!(
        rows(&out),
        [
            "1 0.000000 127.0.0.1 → 127.0.0.1 TCP 80 37614 → 8000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=513001463 TSecr=0 WS=128",
            "2 0.000047 127.0.0.1 → 127.0.0.1 TCP 80 8000 → 37614 [SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0 MSS=65495 SACK_PERM TSval=513001463 TSecr=513001463 WS=128",
            "3 0.000077 127.0.0.1 → 127.0.0.1 TCP 72 37614 → 8000 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=513001463 TSecr=513001463",
        ]
    );
}

#[test]
fn corpus_null_and_raw_link_types_decode() {
    let cases = [
        ("suricata-verify/http-async-cli/input.pcap", "null:ip:tcp\t50215\t0x0000"),
        ("tcpdump-tests/LINKTYPE_RAW_ipv4.pcap", "raw:ip:udp:dns\t\t0x0001"),
        ("tcpdump-tests/LINKTYPE_IPV4.pcap", "ip:udp:dns\t\t0x0001"),
    ];
    for (rel, first) in cases {
        let Some(f) = corpus(rel) else { return };
        let out =
            ok(&["read", &f, "-c", "1", "-T", "fields", "-e", "frame.protocols", "-e", "tcp.srcport", "-e", "ip.id"]);
        assert_eq!(out.trim_end(), first, "{rel}");
    }
}

#[test]
fn corpus_replays_without_panic_and_refusals_are_clear() {
    let index = common::corpus_dir().join("INDEX.tsv");
    let Ok(text) = std::fs::read_to_string(&index) else {
        assert!(!common::in_ci(), "{} is required in CI", index.display());
        eprintln!("skipped: {} is absent", index.display());
        return;
    };
    let dir = index.parent().unwrap().to_path_buf();
    let (mut read, mut refused) = (0, 0);
    for line in text.lines().skip(1) {
        let Some(rel) = line.split('\t').next().filter(|r| !r.is_empty()) else { continue };
        let path = dir.join(rel).to_string_lossy().into_owned();
        let (status, stdout_len, err) = run_drained(&["read", &path, "-V", "-x"], Duration::from_secs(60));
        assert!(!err.contains("panicked"), "{rel} panicked\n{err}");
        match status.code() {
            Some(0) => {
                assert!(stdout_len > 0, "{rel}: no output");
                read += 1;
            }
            Some(1) => {
                assert_eq!(err.lines().count(), 1, "{rel}: error is not one line\n{err}");
                assert!(
                    err.starts_with("socklab: ") && err.contains(rel),
                    "{rel}: error does not name the file\n{err}"
                );
                refused += 1;
            }
            other => panic!("{rel}: unexpected exit {other:?}\n{err}"),
        }
    }
    assert!(read > 900, "only {read} captures read ({refused} refused)");
}

/// A protocol's own field (`-e ssh`) is its filter name where tshark's
/// dissector adds a plain item, its first line where the dissector words it
/// (GRE names what it carries); a tunnel header's fields come before the inner
/// packet's, as `tshark -T fields` prints them (values checked with tshark 4.0
/// on this capture).
#[test]
fn protocol_fields_and_tunnel_headers_print_as_tshark() {
    let inner = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, 7, &udp(5000, 514, b"<13>hi"));
    let gre = [&[0x00, 0x00, 0x08, 0x00][..], &inner].concat();
    let frames = vec![eth(0x0800, &ipv4(LO, LO, 47, 1, &gre))];
    let f = TempFile::new("gre.pcap", &pcap(EN10MB, &frames, false));
    let out = ok(&["read", f.path(), "-T", "fields", "-e", "gre", "-e", "gre.proto", "-e", "ip.src", "-e", "syslog"]);
    assert_eq!(
        out,
        "Generic Routing Encapsulation (IP)\t0x0800\t127.0.0.1,10.0.0.1\tSyslog message: USER.NOTICE: hi\n"
    );
}
