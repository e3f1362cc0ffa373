//! DNS in `socklab read`: tshark's Info text, dns.* fields, query/response links,
//! display filters on DNS fields, over UDP and TCP (saved corpus captures).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
use common::{corpus, ok, root, Proc};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const SIGINT: i32 = 2;

fn infos(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with('↳'))
        .map(|l| l.split_whitespace().skip(7).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn query_and_response_info_as_tshark() {
    let Some(f) = corpus("chrissanders-packets/dns_query_response.pcapng") else { return };
    let out = ok(&["read", &f]);
    assert_eq!(
        infos(&out),
        ["Standard query 0x180f A wireshark.org", "Standard query response 0x180f A wireshark.org A 128.121.50.122"]
    );
}

#[test]
fn nxdomain_names_the_rcode_and_the_soa() {
    let Some(f) = corpus("chrissanders-packets/dns_query_nonexistent.pcapng") else { return };
    let out = ok(&["read", &f, "-Y", "dns.flags.rcode == 3"]);
    assert_eq!(
        infos(&out),
        ["Standard query response 0xf23f No such name A 12498283719301382971974.net SOA a.gtld-servers.net"]
    );
}

#[test]
fn links_between_query_and_response() {
    let Some(f) = corpus("chrissanders-packets/dns_query_response.pcapng") else { return };
    let out = ok(&[
        "read",
        &f,
        "-T",
        "fields",
        "-e",
        "dns.id",
        "-e",
        "dns.flags",
        "-e",
        "dns.response_in",
        "-e",
        "dns.response_to",
        "-e",
        "dns.time",
        "-e",
        "dns.a",
        "-e",
        "frame.protocols",
    ]);
    assert_eq!(
        out,
        "0x180f\t0x0100\t2\t\t\t\teth:ethertype:ip:udp:dns\n0x180f\t0x8180\t\t1\t0.091164000\t128.121.50.122\teth:ethertype:ip:udp:dns\n"
    );
}

#[test]
fn dns_over_tcp_with_the_length_prefix_in_its_own_segment() {
    let Some(f) = corpus("chrissanders-packets/dns_axfr.pcapng") else { return };
    let out = ok(&["read", &f, "-c", "6"]);
    let rows = infos(&out);
    assert!(rows[3].ends_with("[TCP segment of a reassembled PDU]"), "{out}");
    assert_eq!(rows[5], "Standard query 0x0007 AXFR contoso.local");
    let out = ok(&["read", &f, "-T", "fields", "-e", "frame.protocols", "-e", "dns.response_in", "-Y", "dns"]);
    assert_eq!(out.lines().next(), Some("eth:ethertype:ip:tcp:dns\t7"));
}

#[test]
fn a_header_cut_short_is_malformed_not_an_abort() {
    // Regression: one byte to port 53 (raw IPv4 link type, bytes inlined).
    let frame: [u8; 29] = [
        0x45, 0, 0, 0x1d, 0, 1, 0, 0, 0x40, 0x11, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0x13, 0x88, 0, 53, 0, 9, 0, 0, b'q',
    ];
    let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0];
    pcap.extend_from_slice(&[0; 8]);
    pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    pcap.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    pcap.extend_from_slice(&frame);
    let path = std::env::temp_dir().join(format!("socklab-dns-short-{}.pcap", std::process::id()));
    std::fs::write(&path, &pcap).unwrap();
    let out = ok(&["read", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(infos(&out), ["[Malformed Packet]"], "{out}");
}

#[test]
fn hex_dump_colours_each_dns_field_with_color_always() {
    let Some(f) = corpus("chrissanders-packets/dns_query_response.pcapng") else { return };
    let out = ok(&["read", &f, "-x", "--color", "always", "-c", "1"]);
    // The ID 0x180f in the ID colour, the flags in theirs, the QNAME's length byte in the name colour.
    assert!(out.contains("\x1b[1;34m18\x1b[0m \x1b[1;34m0f\x1b[0m \x1b[1;35m01\x1b[0m \x1b[1;35m00\x1b[0m"), "{out}");
    assert!(out.contains("\x1b[1;33m09\x1b[0m \x1b[1;33m77\x1b[0m"), "{out}");
    assert!(out.contains("Legend: "), "{out}");
    // Bytes before the DNS message stay plain, and without colour the dump is tshark's.
    assert!(out.contains("0000  00 05 5d 21 99 4c"), "{out}");
    let plain = ok(&["read", &f, "-x", "--color", "never", "-c", "1"]);
    assert!(!plain.contains('\x1b') && !plain.contains("Legend"), "{plain}");
}

#[test]
fn details_tree_shows_the_dns_block() {
    let Some(f) = corpus("chrissanders-packets/dns_query_response.pcapng") else { return };
    let out = ok(&["read", &f, "-V", "-Y", "frame.number == 2"]);
    for want in [
        "Domain Name System (response)\n    Transaction ID: 0x180f\n    Flags: 0x8180 Standard query response, No error\n",
        "        .... .... .... 0000 = Reply code: No error (0)\n",
        "    Answers\n        wireshark.org: type A, class IN, addr 128.121.50.122\n",
        "            Time to live: 14400 (4 hours)\n",
        "    [Request In: 1]\n    [Time: 0.091164000 seconds]\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in {out}");
    }
}

#[test]
fn dns_port_option_decodes_another_port() {
    let Some(f) = corpus("chrissanders-packets/dns_query_response.pcapng") else { return };
    // Port 53 is always DNS; an extra port leaves it so.
    let out = ok(&["read", &f, "--dns-port", "5300", "-T", "fields", "-e", "dns.id"]);
    assert_eq!(out, "0x180f\n0x180f\n");
}

/// captures/dns-lab.pcap (made by scripts/make-captures.sh).
fn lab_capture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/dns-lab.pcap").to_string_lossy().into_owned()
}

#[test]
fn lab_capture_on_port_10053_reads_as_tshark() {
    let f = lab_capture();
    let out = ok(&["read", &f]);
    let rows = infos(&out);
    assert_eq!(rows.len(), 8, "{out}");
    assert!(rows[1].ends_with(" A google.com A 192.165.1.1 A 192.165.1.10"), "{out}");
    assert!(rows[3].contains(" No such name A nosuch.com"), "{out}");
    assert!(rows[5].ends_with(" AAAA youtube.com"), "{out}");
    assert!(rows[6].ends_with(" A uwaterloo.ca OPT"), "{out}");
    let out =
        ok(&["read", &f, "-Y", "dns.flags.rcode == 3", "-T", "fields", "-e", "dns.qry.name", "-e", "dns.response_to"]);
    assert_eq!(out, "nosuch.com\t3\n");
    let out =
        ok(&["read", &f, "-c", "2", "-T", "fields", "-e", "dns.resp.ttl", "-e", "dns.a", "-e", "frame.protocols"]);
    assert_eq!(out, "\t\teth:ethertype:ip:udp:dns\n260,260\t192.165.1.1,192.165.1.10\teth:ethertype:ip:udp:dns\n");
}

#[test]
fn multicast_dns_on_5353_as_tshark() {
    let Some(f) = corpus("zeek-traces/dns/mdns.pcap") else { return };
    let out = ok(&["read", &f, "-c", "3"]);
    let rows = infos(&out);
    assert_eq!(
        rows[0],
        "Standard query 0x0000 PTR _ipp._tcp.local, \"QM\" question PTR _ipps._tcp.local, \"QM\" question"
    );
    assert!(rows[2].starts_with("Standard query response 0x0000 AAAA, cache flush fd52:429e:c03c:8235:883c:d6ff:fee1:4dc4 PTR, cache flush johanna-QEMU-Virtual-Machine.local"), "{out}");
    assert!(out.contains(" MDNS 107 "), "{out}");
    let out = ok(&["read", &f, "-c", "1", "-T", "fields", "-e", "frame.protocols", "-e", "dns.qry.class"]);
    assert_eq!(out, "eth:ethertype:ipv6:udp:mdns\t0x0001,0x0001\n");
}

/// The regression of issue 10 point 6: DNS on a port the kernel picks, captured
/// live, reads as DNS without `--dns-port` (tshark's heuristic finds it too).
#[test]
fn dns_on_a_random_port_reads_as_dns_without_dns_port() {
    if !root("dns_on_a_random_port_reads_as_dns_without_dns_port") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("socklab-dns-any-port-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("dns.pcap");
    let capture = format!("--capture={}", file.display());
    let (mut server, addr) = Proc::server(&["dns", "server", "--port", "0", "--quiet", &capture]);
    let dig = Command::new("dig")
        .args(["@127.0.0.1", "-p", &addr.port().to_string(), "+tries=1", "+time=5", "google.com", "A"])
        .output()
        .expect("dig is needed (apt-get install dnsutils)");
    assert!(dig.status.success(), "dig failed: {}", String::from_utf8_lossy(&dig.stderr));
    ok(&["dns", "query", "--server", &addr.to_string(), "--type", "AAAA", "youtube.com"]);
    let st = server.signal_and_wait(SIGINT, Duration::from_secs(20));
    assert!(st.success(), "server exit {st}\n{}", server.dump());

    let f = file.to_string_lossy();
    let out = ok(&["read", &f]);
    let rows = infos(&out);
    assert_eq!(rows.len(), 4, "{out}");
    assert!(rows[0].starts_with("Standard query 0x") && rows[0].ends_with(" A google.com OPT"), "{out}");
    assert!(rows[1].ends_with(" A google.com A 192.165.1.1 A 192.165.1.10 OPT"), "{out}");
    assert!(rows[2].starts_with("Standard query 0x") && rows[2].ends_with(" AAAA youtube.com"), "{out}");
    assert!(rows[3].starts_with("Standard query response 0x"), "{out}");
    let out = ok(&["read", &f, "-T", "fields", "-e", "frame.protocols", "-e", "dns.response_in"]);
    assert_eq!(out, "eth:ethertype:ip:udp:dns\t2\neth:ethertype:ip:udp:dns\t\neth:ethertype:ip:udp:dns\t4\neth:ethertype:ip:udp:dns\t\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// captures/udp-not-dns.pcap: datagrams that fail tshark's DNS heuristic stay
/// UDP; the last, on port 137, is NBNS as tshark shows it (DNS-shaped, not DNS).
#[test]
fn udp_that_fails_the_heuristic_stays_udp() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/udp-not-dns.pcap");
    let out = ok(&["read", &f.to_string_lossy(), "-T", "fields", "-e", "frame.protocols", "-e", "dns.id"]);
    let expected = "eth:ethertype:ip:udp:data\t\n".repeat(6) + "eth:ethertype:ip:udp:nbns\t\n";
    assert_eq!(out, expected, "{out}");
}
