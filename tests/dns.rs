//! The DNS lab over real sockets: `socklab dns server` with dig, a handout-style
//! python3 client and socklab's own client; `socklab dns query` against fake
//! servers (wrong ID, silence, nothing listening); `socklab dns decode` on the
//! handout's messages and malformed ones.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::net::{SocketAddr, UdpSocket};
use std::process::Command;
use std::thread;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);
const SIGINT: i32 = 2;

/// The handout's query: ID 0x1a2b, RD, google.com A IN.
const LAB_QUERY: &str = "1a 2b 01 00 00 01 00 00 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 00 01 00 01";
/// The handout's variant with FLAGS 0x0400 (AA set in a query, RD clear).
const LAB_QUERY_AA: &str = "1a 2b 04 00 00 01 00 00 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 00 01 00 01";
/// The lab server's response to LAB_QUERY: two answers named `c0 0c`.
const LAB_RESPONSE: &str = "1a 2b 85 00 00 01 00 02 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 00 01 00 01 \
     c0 0c 00 01 00 01 00 00 01 04 00 04 c0 a5 01 01 c0 0c 00 01 00 01 00 00 01 04 00 04 c0 a5 01 0a";

/// What `dns query` says for NXDOMAIN, after `> NAME: `.
const NX: &str = "no such name (NXDOMAIN): the server answered that this name does not exist in its zone; \
     `socklab dns zone` lists the names socklab's lab server holds";

fn bytes(hex: &str) -> Vec<u8> {
    hex.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

fn server(extra: &[&str]) -> (Proc, SocketAddr) {
    let mut args = vec!["dns", "server", "--port", "0"];
    args.extend_from_slice(extra);
    let (p, addr) = Proc::server(&args);
    assert!(p.seen.lock().unwrap()[0].starts_with("DNS server listening on 127.0.0.1:"));
    (p, addr)
}

/// One query over a plain socket; the reply's bytes.
fn ask_raw(addr: SocketAddr, query: &[u8]) -> Option<Vec<u8>> {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    s.send_to(query, addr).unwrap();
    let mut buf = [0u8; 4096];
    s.recv_from(&mut buf).ok().map(|(n, _)| buf[..n].to_vec())
}

fn dig(addr: SocketAddr, args: &[&str]) -> String {
    let port = addr.port().to_string();
    let mut cmd = Command::new("dig");
    cmd.args(["@127.0.0.1", "-p", &port, "+tries=1", "+time=2"]).args(args);
    let out = cmd.output().expect("dig is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dig_gets_both_google_addresses_authoritatively() {
    let (_s, addr) = server(&[]);
    let out = dig(addr, &["google.com", "A"]);
    assert!(out.contains("status: NOERROR"), "{out}");
    assert!(out.contains("flags: qr aa rd;"), "{out}");
    assert!(out.contains("google.com.\t\t260\tIN\tA\t192.165.1.1"), "{out}");
    assert!(out.contains("google.com.\t\t260\tIN\tA\t192.165.1.10"), "{out}");
    let out = dig(addr, &["YouTube.COM", "A", "+noedns"]);
    assert!(out.contains("192.165.1.2") && out.contains("ANSWER: 1"), "{out}");
}

#[test]
fn dig_sees_nxdomain_and_nodata() {
    let (_s, addr) = server(&[]);
    let out = dig(addr, &["nosuch.com", "A"]);
    assert!(out.contains("status: NXDOMAIN") && out.contains("flags: qr aa rd;"), "{out}");
    let out = dig(addr, &["google.com", "AAAA"]);
    assert!(out.contains("status: NOERROR") && out.contains("ANSWER: 0"), "{out}");
}

/// The client a lab handout would write: struct, sendto, recvfrom.
const PY_CLIENT: &str = r#"
import socket, struct, sys
port = int(sys.argv[1])
def query(name, qid):
    header = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0)
    qname = b''.join(struct.pack('!B', len(p)) + p.encode() for p in name.split('.')) + b'\x00'
    return header + qname + struct.pack('!HH', 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for qid, name in [(0x1a2b, 'google.com'), (0x0102, 'amazon.ca'), (0x0103, 'nosuch.org')]:
    s.sendto(query(name, qid), ('127.0.0.1', port))
    data, _ = s.recvfrom(2048)
    rid, flags, qd, an, ns, ar = struct.unpack('!HHHHHH', data[:12])
    assert rid == qid, (rid, qid)
    pos = 12
    while data[pos] != 0:
        pos += data[pos] + 1
    pos += 5
    print('%s: flags %04x rcode %d answers %d' % (name, flags, flags & 15, an))
    for _ in range(an):
        ptr, rtype, rclass, ttl, rdlen = struct.unpack('!HHHIH', data[pos:pos + 12])
        addr = socket.inet_ntoa(data[pos + 12:pos + 12 + rdlen])
        print('> %s: type %d, class %d, TTL %d, addr (%d) %s ptr %04x' % (name, rtype, rclass, ttl, rdlen, addr, ptr))
        pos += 12 + rdlen
"#;

#[test]
fn python_handout_client_gets_the_lab_answers() {
    let (_s, addr) = server(&[]);
    let out = Command::new("python3").args(["-c", PY_CLIENT, &addr.port().to_string()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let want = "google.com: flags 8500 rcode 0 answers 2\n\
                > google.com: type 1, class 1, TTL 260, addr (4) 192.165.1.1 ptr c00c\n\
                > google.com: type 1, class 1, TTL 260, addr (4) 192.165.1.10 ptr c00c\n\
                amazon.ca: flags 8500 rcode 0 answers 1\n\
                > amazon.ca: type 1, class 1, TTL 160, addr (4) 192.165.1.5 ptr c00c\n\
                nosuch.org: flags 8503 rcode 3 answers 0\n";
    assert_eq!(text, want);
}

#[test]
fn server_prints_client_request_and_response_in_hex() {
    let (mut s, addr) = server(&[]);
    let reply = ask_raw(addr, &bytes(LAB_QUERY)).unwrap();
    assert_eq!(reply, bytes(LAB_RESPONSE));
    let from = s.wait_for("Query from 127.0.0.1:", T);
    assert!(from.ends_with(": google.com A, ID 0x1a2b"), "{from}");
    assert_eq!(s.next_line(T), format!("Request (in Hex): {LAB_QUERY}"));
    assert_eq!(
        s.next_line(T),
        format!("Response (in Hex): {}", LAB_RESPONSE.split_whitespace().collect::<Vec<_>>().join(" "))
    );
    let st = s.signal_and_wait(SIGINT, T);
    assert!(st.success(), "{st}");
    let seen = s.seen.lock().unwrap().clone();
    assert!(seen.last().unwrap().starts_with("Server stopped: 1 datagram received, 1 answered"), "{seen:?}");
}

#[test]
fn server_answers_the_handout_aa_variant_without_rd() {
    let (_s, addr) = server(&["--quiet"]);
    let reply = ask_raw(addr, &bytes(LAB_QUERY_AA)).unwrap();
    assert_eq!(reply[2..4], [0x84, 0x00], "QR AA, RD copied (clear)");
    assert_eq!(reply[6..8], [0, 2]);
}

#[test]
fn server_survives_a_burst_of_random_and_truncated_datagrams() {
    let (mut s, addr) = server(&[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_nonblocking(true).unwrap();
    let valid = bytes(LAB_RESPONSE);
    let query = bytes(LAB_QUERY);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut buf = [0u8; 4096];
    for i in 0..2000 {
        let packet: Vec<u8> = match i % 4 {
            0 => (0..rng.next() % 80).map(|_| rng.next() as u8).collect(),
            1 => query[..(rng.next() as usize % query.len())].to_vec(),
            2 => valid[..(rng.next() as usize % valid.len())].to_vec(),
            _ => {
                let mut q = query.clone();
                let at = rng.next() as usize % q.len();
                q[at] = rng.next() as u8;
                q
            }
        };
        let _ = sock.send_to(&packet, addr);
        if i % 50 == 0 {
            thread::sleep(Duration::from_millis(2));
            while sock.recv_from(&mut buf).is_ok() {}
        }
    }
    thread::sleep(Duration::from_millis(200));
    assert_eq!(ask_raw(addr, &query).unwrap(), valid, "still answers correctly\n{}", s.dump());
    let out = dig(addr, &["wikipedia.org", "A"]);
    assert!(out.contains("192.165.1.4"), "{out}");
    assert!(s.child.try_wait().unwrap().is_none(), "server still running");
    assert!(s.signal_and_wait(SIGINT, T).success());
}

#[test]
fn server_is_silent_under_12_bytes_and_formerr_on_garbage() {
    let (_s, addr) = server(&["--quiet"]);
    assert_eq!(ask_raw(addr, &[0x1a, 0x2b, 0x01]), None);
    let reply = ask_raw(addr, &bytes("1a 2b 01 00 00 01 00 00 00 00 00 00 ff")).unwrap();
    assert_eq!(reply, bytes("1a 2b 81 01 00 00 00 00 00 00 00 00"));
}

#[test]
fn zone_file_replaces_the_lab_records() {
    let dir = std::env::temp_dir().join(format!("socklab-dns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let zone = dir.join("lab.zone");
    std::fs::write(&zone, "# test zone\nexample.org 300 A 10.0.0.1\nwww.example.org 60 CNAME example.org\nexample.org 300 MX 10 mail.example.org\n").unwrap();
    let (_s, addr) = server(&["--quiet", "--zone", zone.to_str().unwrap()]);
    let srv = addr.to_string();
    let out = ok(&["dns", "query", "www.example.org", "--server", &srv]);
    assert_eq!(
        out,
        "> www.example.org: type CNAME, class IN, TTL 60, cname example.org\n\
         > example.org: type A, class IN, TTL 300, addr (4) 10.0.0.1\n"
    );
    let out = ok(&["dns", "query", "example.org", "--type", "mx", "--server", &srv]);
    assert_eq!(out, "> example.org: type MX, class IN, TTL 300, preference 10, mx mail.example.org\n");
    let out = ok(&["dns", "query", "google.com", "--server", &srv]);
    assert_eq!(out, format!("> google.com: {NX}\n"));
    std::fs::write(&zone, "example.org 300 A 10.0.0.300\n").unwrap();
    let err = fails(&["dns", "server", "--port", "0", "--zone", zone.to_str().unwrap()]);
    assert!(err.contains("lab.zone: line 1: bad IPv4 address '10.0.0.300'"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn client_prints_the_handout_lines_nxdomain_and_nodata() {
    let (_s, addr) = server(&["--quiet"]);
    let srv = addr.to_string();
    let out = ok(&["dns", "query", "google.com", "--server", &srv]);
    assert_eq!(
        out,
        "> google.com: type A, class IN, TTL 260, addr (4) 192.165.1.1\n\
         > google.com: type A, class IN, TTL 260, addr (4) 192.165.1.10\n"
    );
    assert_eq!(ok(&["dns", "query", "nosuch.com", "--server", &srv]), format!("> nosuch.com: {NX}\n"));
    assert_eq!(
        ok(&["dns", "query", "google.com", "-t", "AAAA", "--server", &srv]),
        "> google.com: no records of type AAAA (NODATA)\n"
    );
}

#[test]
fn client_prompt_loop_until_end() {
    let (_s, addr) = server(&["--quiet"]);
    let out =
        run_with(&["dns", "query", "--server", &addr.to_string()], b"uwaterloo.ca\n\nnosuch.ca\nend\ngoogle.com\n", T);
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        format!(
            "Enter Domain Name: uwaterloo.ca\n\
             > uwaterloo.ca: type A, class IN, TTL 160, addr (4) 192.165.1.3\n\
             Enter Domain Name: \n\
             Enter Domain Name: nosuch.ca\n\
             > nosuch.ca: {NX}\n\
             Enter Domain Name: end\n"
        )
    );
    // End of input ends the loop too.
    let out = run_with(&["dns", "query", "--server", &addr.to_string()], b"amazon.ca\n", T);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("192.165.1.5"));
}

/// A port with nothing listening: bind, note the port, close.
fn dead_port() -> SocketAddr {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap()
}

#[test]
fn client_against_no_server_says_so() {
    let addr = dead_port();
    let err = fails(&["dns", "query", "google.com", "--server", &addr.to_string()]);
    assert!(err.contains("ICMP port unreachable") && err.contains("start the server first"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // The prompt loop reports it and keeps prompting until `end`.
    let out = run_with(&["dns", "query", "--server", &addr.to_string()], b"google.com\nyoutube.com\nend\n", T);
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("Enter Domain Name:").count(), 3, "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("ICMP port unreachable").count(), 2, "{stderr}");
}

#[test]
fn client_gives_up_after_bounded_tries() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let args = ["dns", "query", "google.com", "--server", &addr.to_string(), "--timeout-ms", "200", "--tries", "2"];
    let out = run_with(&args, b"", T);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sending again (2/2)"), "{err}");
    assert!(err.contains("no reply from") && err.contains("within 400 ms"), "{err}");
    let mut buf = [0u8; 512];
    silent.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let (n, _) = silent.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[2..4], [0x01, 0x00], "RD set as the handout's client does");
    assert!(n == 28, "{n}");
}

#[test]
fn client_rejects_a_reply_with_another_id_and_waits_for_the_right_one() {
    let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = fake.local_addr().unwrap();
    let server = thread::spawn(move || {
        let mut buf = [0u8; 512];
        fake.set_read_timeout(Some(T)).unwrap();
        let (n, from) = fake.recv_from(&mut buf).unwrap();
        let mut reply = buf[..n].to_vec();
        reply[2] = 0x85;
        reply[7] = 1; // ANCOUNT 1
        reply.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
        let mut wrong = reply.clone();
        wrong[1] ^= 0xff;
        fake.send_to(&wrong, from).unwrap();
        let mut other = reply.clone();
        other[13] = b'h'; // google -> hoogle: another question
        fake.send_to(&other, from).unwrap();
        fake.send_to(&reply, from).unwrap();
    });
    let out = run_with(&["dns", "query", "google.com", "--server", &addr.to_string()], b"", T);
    server.join().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "> google.com: type A, class IN, TTL 60, addr (4) 10.1.2.3\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ignored a reply from") && err.contains("its ID is 0x"), "{err}");
    assert!(err.contains("another question (hoogle.com A)"), "{err}");
}

#[test]
fn client_rejects_bad_types_and_names() {
    let err = fails(&["dns", "query", "google.com", "--type", "BOGUS"]);
    assert!(err.contains("unknown record type 'BOGUS'"), "{err}");
    let addr = dead_port();
    let err = fails(&["dns", "query", "a..b", "--server", &addr.to_string()]);
    assert!(err.contains("bad domain name 'a..b'"), "{err}");
}

#[test]
fn decode_the_handout_query_table() {
    let out = ok(&["dns", "decode", LAB_QUERY]);
    for want in [
        "DNS HEADER ┆ ID      ┆ 1a 2b",
        "0x1a2b (6699)",
        "DNS HEADER ┆ FLAGS   ┆ 01 00",
        ".... ...1 .... .... RD = 1: recursion desired",
        "0... .... .... .... QR = 0: query",
        "QUERY      ┆ QNAME   ┆ 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 ┆ google.com: 6 google, 3 com, 0 end",
        "QUERY      ┆ QTYPE   ┆ 00 01",
        "QUERY      ┆ QCLASS  ┆ 00 01",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let dump_line = format!("000c  {:<47}   QUERY QNAME\n", "06 67 6f 6f 67 6c 65 03 63 6f 6d 00");
    assert!(out.contains(&dump_line), "{out}");
    assert!(!out.contains('\x1b'), "no colour when not a terminal");
    let out = ok(&["dns", "decode", LAB_QUERY_AA]);
    assert!(out.contains(".... .1.. .... .... AA = 1: authoritative answer"), "{out}");
    assert!(out.contains(".... ...0 .... .... RD = 0: no recursion desired"), "{out}");
}

#[test]
fn decode_the_handout_response_with_pointers() {
    let out = ok(&["dns", "decode", LAB_RESPONSE]);
    for want in [
        "0x8500: standard query response, NOERROR",
        "ANSWER 1   ┆ NAME     ┆ c0 0c",
        "pointer to offset 12 -> google.com",
        "ANSWER 2   ┆ RDATA    ┆ c0 a5 01 0a",
        "address 192.165.1.10",
        "260 seconds (4 min 20 s)",
        "2 answer records",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let colored = ok(&["dns", "decode", "--color", "always", LAB_RESPONSE]);
    assert!(colored.contains("\x1b[1;4;31mc0\x1b[0m \x1b[1;4;31m0c"), "pointer coloured");
    assert!(colored.contains("Legend:") && colored.contains("compression pointer"));
}

#[test]
fn decode_reads_pasted_dumps_from_stdin() {
    let xxd = "00000000: 1a2b 0100 0001 0000 0000 0000 0667 6f6f  .+...........goo\n\
               00000010: 676c 6503 636f 6d00 0001 0001            gle.com.....\n";
    let tshark = "0000  1a 2b 01 00 00 01 00 00 00 00 00 00 06 67 6f 6f   .+...........goo\n\
                  0010  67 6c 65 03 63 6f 6d 00 00 01 00 01               gle.com.....\n";
    let server_log = format!("Request (in Hex): {LAB_QUERY}\n");
    let reference = ok(&["dns", "decode", LAB_QUERY]);
    for text in [xxd, tshark, &server_log, &LAB_QUERY.to_uppercase().replace(' ', ", 0x")] {
        let out = run_with(&["dns", "decode"], text.as_bytes(), T);
        assert!(out.status.success(), "{text}\n{}", describe(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), reference, "{text}");
    }
    let out = run_with(&["dns", "decode"], b"1a 2b zz", T);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("line 1, column 7: 'zz' is not hex"), "{err}");
}

#[test]
fn decode_malformed_shows_fields_then_the_error_and_offset() {
    // Cut inside the second answer's TTL.
    let cut: Vec<&str> = LAB_RESPONSE.split_whitespace().take(52).collect();
    let out = run(&["dns", "decode", &cut.join(" ")]);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ANSWER 1   ┆ RDATA"), "{text}");
    assert!(text.contains("ANSWER 2   ┆ CLASS"), "{text}");
    assert!(!text.contains("ANSWER 2   ┆ TTL"), "{text}");
    let error = "Malformed message: at offset 50 (0x0032): message cut short in TTL: needs 4 bytes, 2 left";
    assert!(text.contains(error), "{text}");
    let tail = format!("0032  {:<47}   (not decoded: error at offset 50)\n", "00 00");
    assert!(text.ends_with(&tail), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("malformed DNS message (52 bytes)"), "{err}");
    // A forward pointer.
    let out = run(&["dns", "decode", "00 01 81 00 00 00 00 01 00 00 00 00 c0 0e 00 01"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("at offset 12 (0x000c): compression pointer to offset 14"), "{text}");
}

#[test]
fn decode_formats_markdown_html_json() {
    let md = ok(&["dns", "decode", "--format", "markdown", LAB_RESPONSE]);
    assert!(md.contains("| DNS HEADER | ID ") && md.contains("```text\n0000  1a 2b"), "{md}");
    assert!(md.contains("<br>0... .... .... ....") || md.contains("<br>1... .... .... ...."), "{md}");
    let html = ok(&["dns", "decode", "--format", "html", LAB_RESPONSE]);
    assert!(
        html.starts_with("<div class=\"socklab-dns\">")
            && html.contains("<span style=\"background:#ffab91;color:#000\">c0</span>"),
        "{html}"
    );
    assert!(!html.contains('\x1b'));
    let json = ok(&["dns", "decode", "--format", "json", LAB_RESPONSE]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fields = v["messages"][0]["fields"].as_array().unwrap();
    let name = fields.iter().find(|f| f["type"] == "ANSWER 1" && f["key"] == "NAME").unwrap();
    assert_eq!(name["value"], "c0 0c");
    assert_eq!(name["offset"], 28);
    assert_eq!(name["meaning"][0], "pointer to offset 12 -> google.com");
}

#[test]
fn decode_checks_a_response_against_its_query() {
    let out = ok(&["dns", "decode", "--query", LAB_QUERY, "--response", LAB_RESPONSE]);
    assert_eq!(out.matches('✓').count(), 7, "{out}");
    assert!(out.contains("✓ ID 0x1a2b echoed") && out.contains("✓ question echoed (google.com A IN)"), "{out}");
    // Another ID, AA clear, RD not copied, and ANCOUNT promising 3.
    let bad = LAB_RESPONSE.replacen("1a 2b 85 00 00 01 00 02", "1a 2c 80 00 00 01 00 03", 1);
    let out = run(&["dns", "decode", "--query", LAB_QUERY, "--response", &bad]);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "✗ ID 0x1a2c, but the query's ID is 0x1a2b",
        "✗ AA = 0",
        "✗ RD = 0, but the query has RD = 1",
        "✗ the response is malformed: at offset 60",
        "✗ counts do not match the sections: ANCOUNT 3 but 2 answers read",
        "✓ QR = 1",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("checks failed"));
}

#[test]
fn dns_zone_lists_the_served_records_in_every_format() {
    let table = ok(&["dns", "zone"]);
    // The cells in order on each line, whatever the borders look like.
    let words = |needle: &[&str]| {
        table.lines().any(|l| {
            l.split(|c: char| !c.is_alphanumeric() && c != '.').filter(|w| !w.is_empty()).eq(needle.iter().copied())
        })
    };
    assert!(words(&["Name", "Type", "Class", "TTL", "Data"]), "{table}");
    assert!(words(&["google.com", "A", "IN", "260", "192.165.1.10"]), "{table}");
    assert!(words(&["amazon.ca", "A", "IN", "160", "192.165.1.5"]), "{table}");
    let md = ok(&["dns", "zone", "--format", "markdown"]);
    assert!(md.starts_with("| Name          | Type | Class | TTL | Data         |\n|---"), "{md}");
    assert!(md.contains("| amazon.ca     | A    | IN    | 160 | 192.165.1.5  |"), "{md}");
    let csv = ok(&["dns", "zone", "--format", "csv"]);
    assert_eq!(
        csv,
        "Name,Type,Class,TTL,Data\n\
         google.com,A,IN,260,192.165.1.1\n\
         google.com,A,IN,260,192.165.1.10\n\
         youtube.com,A,IN,160,192.165.1.2\n\
         uwaterloo.ca,A,IN,160,192.165.1.3\n\
         wikipedia.org,A,IN,160,192.165.1.4\n\
         amazon.ca,A,IN,160,192.165.1.5\n"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&["dns", "zone", "--format", "json"])).unwrap();
    assert_eq!(json[1]["Data"], "192.165.1.10");
    assert_eq!(json.as_array().unwrap().len(), 6);
    // The server's --list is the same table, from the same loader.
    assert_eq!(ok(&["dns", "server", "--list", "--port", "0"]), table);
    // A zone file, as the server would serve it; its faults as the server reports them.
    let dir = std::env::temp_dir().join(format!("socklab-dns-zone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let zone = dir.join("z.zone");
    std::fs::write(&zone, "example.org 300 MX 10 mail.example.org\nexample.org 60 TXT \"hi there\"\n").unwrap();
    let csv = ok(&["dns", "zone", "--zone", zone.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(csv, "Name,Type,Class,TTL,Data\nexample.org,MX,IN,300,10 mail.example.org\nexample.org,TXT,IN,60,\"\"\"hi there\"\"\"\n");
    std::fs::write(&zone, "example.org 300 A 10.0.0.300\n").unwrap();
    let err = fails(&["dns", "zone", "--zone", zone.to_str().unwrap()]);
    assert!(err.contains("z.zone: line 1: bad IPv4 address '10.0.0.300'"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn google_ca_is_nxdomain_and_both_sides_say_what_the_zone_holds() {
    // The handout asks for a screenshot of google.ca, which the lab zone does not hold.
    let (mut s, addr) = server(&[]);
    let out = ok(&["dns", "query", "google.ca", "--server", &addr.to_string()]);
    assert_eq!(out, format!("> google.ca: {NX}\n"));
    s.wait_for("Query from 127.0.0.1:", T);
    s.wait_for("Response (in Hex):", T);
    assert_eq!(
        s.next_line(T),
        "google.ca: not in the zone (NXDOMAIN); the zone holds google.com, youtube.com, uwaterloo.ca, wikipedia.org, amazon.ca"
    );
    // A name the zone holds gets no such line.
    ok(&["dns", "query", "youtube.com", "--server", &addr.to_string()]);
    s.wait_for("Response (in Hex):", T);
    s.signal_and_wait(SIGINT, T);
    let seen = s.seen.lock().unwrap().clone();
    assert_eq!(seen.iter().filter(|l| l.contains("not in the zone")).count(), 1, "{seen:?}");
}

/// `socklab dns decode` with `stdin`; (stdout, stderr), asserting success.
fn decode_stdin(args: &[&str], stdin: &str) -> (String, String) {
    let mut all = vec!["dns", "decode", "--color", "never"];
    all.extend_from_slice(args);
    let out = run_with(&all, stdin.as_bytes(), T);
    assert!(out.status.success(), "{stdin}\n{}", describe(&out));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The hex lines `socklab read -x` prints for frame `n` of captures/dns-lab.pcap.
fn read_x_dump(n: u32) -> String {
    let filter = format!("frame.number == {n}");
    let listing = ok(&["read", "captures/dns-lab.pcap", "-x", "-Y", &filter, "--color", "never"]);
    listing
        .lines()
        .filter(|l| l.len() > 6 && l[..4].bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A checked-in `tshark -x` dump (scripts/dns-hex-fixtures.sh).
fn tshark_dump(name: &str) -> String {
    let path = format!("{}/tests/golden/dns-hex/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn decode_takes_a_frame_from_a_capture() {
    // captures/README.md: dns-lab.pcap frame 2 is the google.com response, frame 4 the NXDOMAIN.
    let out = run(&["dns", "decode", "--color", "never", "--pcap", "captures/dns-lab.pcap", "--frame", "2"]);
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0x73da (29658)") && text.contains("address 192.165.1.10"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("captures/dns-lab.pcap frame 2: Ethernet frame of 102 bytes: the DNS message is the UDP payload, bytes 42-101 (60 bytes), 127.0.0.1:10053 → 127.0.0.1:"),
        "{err}"
    );
    // The same frame pasted from tshark -x decodes to the same table.
    let (pasted, _) = decode_stdin(&[], &tshark_dump("dns-lab-frame2.tshark-x.txt"));
    assert_eq!(pasted, text);
}

#[test]
fn decode_pcap_frame_errors_say_what_is_wrong() {
    let err = fails(&["dns", "decode", "--pcap", "captures/dns-lab.pcap", "--frame", "9"]);
    assert!(err.contains("captures/dns-lab.pcap: has 8 frames so frame 9 does not exist"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "captures/tcp-echo.pcap", "--frame", "1"]);
    assert!(err.contains("frame 1 has no DNS message: it is a TCP segment without data"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "captures/tcp-echo.pcap", "--frame", "4"]);
    assert!(err.contains("frame 4 has no DNS message: its TCP payload") && err.contains("is not DNS"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "captures/udp-closed-port.pcap", "--frame", "2"]);
    assert!(err.contains("frame 2 has no DNS message: it is ICMP"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "captures/dns-lab.pcap", "--frame", "0"]);
    assert!(err.contains("--frame"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "captures/dns-lab.pcap"]);
    assert!(err.contains("--frame"), "{err}");
    let err = fails(&["dns", "decode", "--pcap", "/nonexistent/x.pcap", "--frame", "1"]);
    assert!(err.contains("/nonexistent/x.pcap"), "{err}");
}

#[test]
fn decode_finds_the_dns_message_in_a_pasted_frame_dump() {
    let reference = run(&["dns", "decode", "--color", "never", "--pcap", "captures/dns-lab.pcap", "--frame", "4"]);
    assert!(reference.status.success(), "{}", describe(&reference));
    let reference = String::from_utf8_lossy(&reference.stdout).into_owned();
    assert!(reference.contains("NXDOMAIN"), "{reference}");
    // socklab read -x: the hex lines as a student pastes them (offsets and ASCII column kept).
    let dump = read_x_dump(4);
    assert_eq!(dump.lines().count(), 5, "{dump}");
    // tshark -x (checked in), and Wireshark's "Copy as Hex Dump" (three blanks after the offset).
    let tshark = tshark_dump("dns-lab-frame4.tshark-x.txt");
    let wireshark: String = tshark.lines().map(|l| format!("{}\n", l.replacen("  ", "   ", 1))).collect();
    for text in [&dump, &tshark, &wireshark] {
        let (out, err) = decode_stdin(&[], text);
        assert_eq!(out, reference, "{text}");
        assert!(
            err.contains("Ethernet frame of 70 bytes: the DNS message is the UDP payload, bytes 42-69 (28 bytes)"),
            "{err}"
        );
    }
    // A pasted frame works for --query and --response too.
    let q = read_x_dump(3);
    let (out, _) = decode_stdin(&["--query", &q, "--response", &tshark], "");
    assert!(out.contains("✓"), "{out}");
    // A bare DNS message is still read as one.
    let (out, err) = decode_stdin(&[], LAB_QUERY);
    assert!(out.contains("0x1a2b") && err.is_empty(), "{out}{err}");
}
