//! Unit tests of the display filter: semantics, literals, errors and robustness.

use super::*;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

type Id = &'static str;

const KNOWN: &[Id] = &[
    "frame",
    "ip",
    "tcp",
    "udp",
    "dns",
    "frame.time_relative",
    "frame.protocols",
    "ip.src",
    "ip.dst",
    "ip.addr",
    "ip.ttl",
    "ipv6.src",
    "tcp.port",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.seq",
    "tcp.flags",
    "tcp.flags.syn",
    "tcp.flags.ack",
    "tcp.window_size_scalefactor",
    "tcp.analysis.retransmission",
    "udp.srcport",
    "dns.qry.name",
    "dns.a",
    "http.content_type",
    "eth.src",
    "tcp.payload",
    "udp.payload",
    "data.data",
];

fn resolve(name: &str) -> Option<Id> {
    KNOWN.iter().find(|k| **k == name).copied()
}

struct Fake(HashMap<Id, Vec<Value<'static>>>);

impl FieldSource<Id> for Fake {
    fn values<'s>(&'s self, field: Id, out: &mut Vec<Value<'s>>) {
        if let Some(vs) = self.0.get(field) {
            out.extend(vs.iter().cloned());
        }
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> Value<'static> {
    Value::Ip(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
}

fn bytes(b: &'static [u8]) -> Value<'static> {
    Value::Bytes(b.into())
}

fn text(s: &'static str) -> Value<'static> {
    Value::Str(s.into())
}

/// A TCP SYN 127.0.0.1:41864 -> 10.1.2.3:12000 at 1.5 s.
fn syn() -> Fake {
    Fake(HashMap::from([
        ("frame", vec![Value::Present]),
        ("ip", vec![Value::Present]),
        ("tcp", vec![Value::Present]),
        ("frame.time_relative", vec![Value::Seconds(1_500_000_000)]),
        ("frame.protocols", vec![text("eth:ethertype:ip:tcp")]),
        ("ip.src", vec![v4(127, 0, 0, 1)]),
        ("ip.dst", vec![v4(10, 1, 2, 3)]),
        ("ip.addr", vec![v4(127, 0, 0, 1), v4(10, 1, 2, 3)]),
        ("ip.ttl", vec![Value::Uint(64)]),
        ("tcp.port", vec![Value::Uint(41864), Value::Uint(12000)]),
        ("tcp.srcport", vec![Value::Uint(41864)]),
        ("tcp.dstport", vec![Value::Uint(12000)]),
        ("tcp.seq", vec![Value::Uint(0)]),
        ("tcp.flags", vec![Value::Hex { value: 0x002, digits: 3 }]),
        ("tcp.flags.syn", vec![Value::Bool(true)]),
        ("tcp.flags.ack", vec![Value::Bool(false)]),
        ("tcp.window_size_scalefactor", vec![Value::Int(-1)]),
        ("eth.src", vec![bytes(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55])]),
        ("tcp.payload", vec![bytes(b"GET /index.html HTTP/1.1\r\n")]),
    ]))
}

/// A DNS response 127.0.0.53 -> 127.0.0.1 at 0 s with two A records.
fn dns() -> Fake {
    Fake(HashMap::from([
        ("frame", vec![Value::Present]),
        ("ip", vec![Value::Present]),
        ("udp", vec![Value::Present]),
        ("dns", vec![Value::Present]),
        ("frame.time_relative", vec![Value::Seconds(0)]),
        ("frame.protocols", vec![text("eth:ethertype:ip:udp:dns")]),
        ("ip.src", vec![v4(127, 0, 0, 53)]),
        ("ip.dst", vec![v4(127, 0, 0, 1)]),
        ("ip.addr", vec![v4(127, 0, 0, 53), v4(127, 0, 0, 1)]),
        ("ip.ttl", vec![Value::Uint(64)]),
        ("udp.srcport", vec![Value::Uint(10053)]),
        ("dns.qry.name", vec![text("google.com")]),
        ("udp", vec![bytes(b"\x27\x45\xc6\x4b\x00\x24\xfe\x37\x73\xda\x81\x80\x00\x01\x06google\x03com\x00")]),
        ("udp.payload", vec![bytes(b"\x73\xda\x81\x80\x00\x01\x06google\x03com\x00")]),
        ("udp.payload", vec![bytes(b"\x73\xda\x01\x00\x00\x01\x06google\x03com")]),
        ("dns.a", vec![v4(192, 165, 1, 1), v4(192, 165, 1, 10)]),
    ]))
}

fn parse(expr: &str) -> Filter<Id> {
    match Filter::parse(expr, resolve) {
        Ok(f) => f,
        Err(e) => panic!("{expr:?} should parse:\n{e}"),
    }
}

/// Which of [syn, dns] the filter matches.
fn which(expr: &str) -> [bool; 2] {
    let f = parse(expr);
    [f.matches(&syn()), f.matches(&dns())]
}

const SYN: [bool; 2] = [true, false];
const DNS: [bool; 2] = [false, true];
const BOTH: [bool; 2] = [true, true];
const NONE: [bool; 2] = [false, false];

fn error(expr: &str) -> (usize, String) {
    match Filter::parse(expr, resolve) {
        Ok(f) => panic!("{expr:?} should not parse: {f:?}"),
        Err(e) => (e.pos, e.message),
    }
}

fn error_pos(expr: &str) -> usize {
    error(expr).0
}

#[test]
fn existence_of_protocols_and_fields() {
    assert_eq!(which("tcp"), SYN);
    assert_eq!(which("dns"), DNS);
    assert_eq!(which("ip"), BOTH);
    assert_eq!(which("tcp.analysis.retransmission"), NONE);
    assert_eq!(which("dns.a"), DNS);
}

#[test]
fn each_comparison_operator_and_word_form() {
    for (op, word, expect) in [
        ("==", "eq", SYN),
        ("!=", "ne", NONE),
        ("<", "lt", NONE),
        ("<=", "le", SYN),
        (">", "gt", NONE),
        (">=", "ge", SYN),
    ] {
        assert_eq!(which(&format!("tcp.srcport {op} 41864")), expect, "{op}");
        assert_eq!(which(&format!("tcp.srcport {word} 41864")), expect, "{word}");
    }
    assert_eq!(which("tcp.srcport < 41865"), SYN);
    assert_eq!(which("tcp.srcport > 41863"), SYN);
    assert_eq!(which("tcp.srcport != 80"), SYN);
    assert_eq!(which("ip.ttl==64"), BOTH);
    assert_eq!(which("ip.ttl any_eq 64"), BOTH);
}

#[test]
fn precedence_not_and_or() {
    // and binds tighter than or: tcp || (udp && ttl==1) -> the SYN only.
    assert_eq!(which("tcp || udp && ip.ttl == 1"), SYN);
    assert_eq!(which("udp && ip.ttl == 1 || tcp"), SYN);
    // not binds tighter than and.
    assert_eq!(which("!tcp && ip"), DNS);
    assert_eq!(which("not tcp and ip"), DNS);
    assert_eq!(which("not not tcp"), SYN);
    assert_eq!(which("!!dns"), DNS);
    assert_eq!(which("tcp or dns"), BOTH);
    assert_eq!(which("tcp and dns"), NONE);
}

#[test]
fn parentheses_override_precedence() {
    assert_eq!(which("(tcp || udp) && ip.ttl == 1"), NONE);
    assert_eq!(which("!(tcp || dns)"), NONE);
    assert_eq!(which("!(tcp && dns)"), BOTH);
    assert_eq!(which("((((dns))))"), DNS);
    assert_eq!(which("(tcp)&&(ip.ttl==64)"), SYN);
}

#[test]
fn multi_occurrence_any_and_all() {
    // ip.addr holds both ends: == matches either one.
    assert_eq!(which("ip.addr == 10.1.2.3"), SYN);
    assert_eq!(which("ip.addr == 127.0.0.1"), BOTH);
    // != is "all not equal" (Wireshark 4.0): the same as !(ip.addr == x) when present.
    assert_eq!(which("ip.addr != 127.0.0.1"), NONE);
    assert_eq!(which("ip.addr != 10.1.2.3"), DNS);
    // !== is "any not equal".
    assert_eq!(which("ip.addr !== 127.0.0.1"), BOTH);
    assert_eq!(which("ip.addr any_ne 10.1.2.3"), BOTH);
    // === is "all equal".
    assert_eq!(which("ip.addr === 127.0.0.1"), NONE);
    assert_eq!(which("ip.ttl all_eq 64"), BOTH);
    assert_eq!(which("tcp.port == 12000 && tcp.port == 41864"), SYN);
    assert_eq!(which("dns.a == 192.165.1.10"), DNS);
}

#[test]
fn absent_field_comparisons_are_false() {
    // tshark 4.0.17: `tcp.port != 80` does not match a UDP packet.
    assert_eq!(which("tcp.port != 80"), SYN);
    assert_eq!(which("tcp.port == 80"), NONE);
    assert_eq!(which("dns.qry.name !== x"), DNS);
    assert_eq!(which("!(tcp.port == 80)"), BOTH);
}

#[test]
fn integer_literals() {
    assert_eq!(which("ip.ttl == 0x40"), BOTH);
    assert_eq!(which("ip.ttl == 0X40"), BOTH);
    assert_eq!(which("ip.ttl == 0b1000000"), BOTH);
    assert_eq!(which("ip.ttl == 0100"), BOTH); // octal, as tshark reads it
    assert_eq!(which("ip.ttl == +64"), BOTH);
    assert_eq!(which("tcp.flags == 2"), SYN);
    assert_eq!(which("tcp.flags == 0x02"), SYN);
    assert_eq!(which("tcp.window_size_scalefactor == -1"), SYN);
    assert_eq!(which("tcp.window_size_scalefactor < -0x0"), SYN);
    assert_eq!(which("tcp.seq == 0"), SYN);
    assert_eq!(which("tcp.seq == 18446744073709551615"), NONE);
    assert_eq!(which("tcp.window_size_scalefactor > -9223372036854775808"), SYN);
}

#[test]
fn bool_literals_compare_as_one_and_zero() {
    assert_eq!(which("tcp.flags.syn == true"), SYN);
    assert_eq!(which("tcp.flags.syn == 1"), SYN);
    assert_eq!(which("tcp.flags.ack == false"), SYN);
    assert_eq!(which("tcp.flags.ack == 0"), SYN);
    assert_eq!(which("tcp.flags.ack == true"), NONE);
    assert_eq!(which("tcp.flags.syn"), SYN);
}

#[test]
fn address_and_cidr_literals() {
    assert_eq!(which("ip.src == 127.0.0.1"), SYN);
    assert_eq!(which("ip.src == 127.0.0.0/8"), BOTH);
    assert_eq!(which("ip.dst == 10.0.0.0/8"), SYN);
    assert_eq!(which("ip.dst == 0.0.0.0/0"), BOTH);
    assert_eq!(which("ip.src != 127.0.0.0/8"), NONE);
    assert_eq!(which("ip.src == 127.0.0.53/32"), DNS);
    assert_eq!(which("ip.src < 127.0.0.2"), SYN);
    assert_eq!(which("ip.dst > 10.1.2.2 && ip.dst <= 10.1.2.3"), SYN);
    // An IPv6 literal never equals an IPv4 address; a non-address word is a mismatch.
    assert_eq!(which("ip.src == ::1"), NONE);
    assert_eq!(which("ip.src != ::1"), NONE);
    assert_eq!(which("ip.src == localhost"), NONE);
    assert_eq!(which("ip.src == \"127.0.0.1\""), NONE);
}

#[test]
fn ipv6_literals() {
    let pkt = Fake(HashMap::from([("ipv6.src", vec![Value::Ip("fe80::1".parse().unwrap())])]));
    assert!(parse("ipv6.src == fe80::1").matches(&pkt));
    assert!(parse("ipv6.src == fe80::/10").matches(&pkt));
    assert!(parse("ipv6.src == FE80:0:0::1/128").matches(&pkt));
    assert!(!parse("ipv6.src == ::1").matches(&pkt));
    assert!(!parse("ipv6.src == 127.0.0.1").matches(&pkt));
    assert!(parse("ipv6.src > ::1").matches(&pkt));
}

#[test]
fn string_literals_and_bare_words() {
    assert_eq!(which("dns.qry.name == \"google.com\""), DNS);
    assert_eq!(which("dns.qry.name == google.com"), DNS);
    assert_eq!(which("dns.qry.name eq r\"google.com\""), DNS);
    assert_eq!(which("dns.qry.name == \"goo\\x67le\\056com\""), DNS);
    assert_eq!(which("dns.qry.name == \"\\u0067oogle.com\""), DNS);
    assert_eq!(which("dns.qry.name == \"\\U00000067oogle.com\""), DNS);
    assert_eq!(which("dns.qry.name == Google.com"), NONE);
    assert_eq!(which("dns.qry.name > goo"), DNS);
    assert_eq!(which("dns.qry.name < h"), DNS);
    assert_eq!(which("dns.qry.name != \"google.com\""), NONE);
    // A number against a text field compares the text.
    assert_eq!(which("dns.qry.name == 64"), NONE);
    // A quoted string never equals a number.
    assert_eq!(which("ip.ttl == \"64\""), NONE);
}

#[test]
fn string_escapes_decode() {
    let pkt = Fake(HashMap::from([("http.content_type", vec![text("a\"b\\c\td\n\u{e9}'")])]));
    assert!(parse(r#"http.content_type == "a\"b\\c\td\n\xc3\xa9\'""#).matches(&pkt));
    assert!(parse(r#"http.content_type == "a\"b\\c\td\n\u00e9'""#).matches(&pkt));
    assert!(parse(r#"http.content_type contains r"b\c""#).matches(&pkt));
    let ct = Fake(HashMap::from([("http.content_type", vec![text("text/html; charset=utf-8")])]));
    assert!(parse("http.content_type contains text/html").matches(&ct));
    let raw = Fake(HashMap::from([("http.content_type", vec![text(r#"x\"y"#)])]));
    assert!(parse(r#"http.content_type == r"x\"y""#).matches(&raw));
}

#[test]
fn seconds_literals() {
    assert_eq!(which("frame.time_relative > 1.5"), NONE);
    assert_eq!(which("frame.time_relative >= 1.5"), SYN);
    assert_eq!(which("frame.time_relative == 1.500000000"), SYN);
    assert_eq!(which("frame.time_relative == 1.5000000001"), SYN);
    assert_eq!(which("frame.time_relative > 1"), SYN);
    assert_eq!(which("frame.time_relative < 0.000000001"), DNS);
    assert_eq!(which("frame.time_relative > -0.5"), BOTH);
    assert_eq!(which("frame.time_relative == 0"), DNS);
}

#[test]
fn contains_on_strings_only() {
    assert_eq!(which("frame.protocols contains \"tcp\""), SYN);
    assert_eq!(which("frame.protocols contains \":dns\""), DNS);
    assert_eq!(which("dns.qry.name contains oog"), DNS);
    assert_eq!(which("frame.protocols contains ip"), NONE); // `ip` names a field, as in Wireshark
    assert_eq!(which("ip.src contains 127"), NONE);
    assert_eq!(which("frame.protocols contains \"\""), BOTH);
}

#[test]
fn field_against_field() {
    assert_eq!(which("tcp.srcport > tcp.dstport"), SYN);
    assert_eq!(which("tcp.srcport == tcp.dstport"), NONE);
    assert_eq!(which("tcp.port == tcp.dstport"), SYN);
    assert_eq!(which("ip.src != ip.dst"), BOTH);
    assert_eq!(which("ip.addr === ip.src"), NONE);
    assert_eq!(which("tcp.srcport > udp.srcport"), NONE); // absent on one side
    assert_eq!(which("ip.src == ip.ttl"), NONE); // incomparable kinds
}

#[test]
fn fields_lists_everything_read() {
    let f = parse("tcp && (ip.src == 10.0.0.0/8 || !dns.qry.name) && tcp.srcport > tcp.dstport");
    let got: Vec<Id> = f.fields().collect();
    assert_eq!(got, ["tcp", "ip.src", "dns.qry.name", "tcp.srcport", "tcp.dstport"]);
}

#[test]
fn scratch_buffer_is_reused() {
    let f = parse("ip.addr == 10.1.2.3");
    assert!(f.matches(&syn()));
    let buf = f.scratch.take();
    let (ptr, cap) = (buf.as_ptr(), buf.capacity());
    assert!(cap >= 2);
    let again: Vec<Value<'_>> = recycle(buf);
    assert_eq!((again.as_ptr().cast::<u8>(), again.capacity()), (ptr.cast::<u8>(), cap));
    f.scratch.set(recycle(again));
    assert!(f.matches(&syn()));
    let kept = f.scratch.take();
    assert_eq!(kept.as_ptr(), ptr);
}

#[test]
fn clone_matches_like_the_original() {
    let f = parse("tcp.port == 12000 || dns");
    let g = f.clone();
    assert_eq!([g.matches(&syn()), g.matches(&dns())], BOTH);
}

#[test]
fn error_unknown_field() {
    let (pos, msg) = error("tcp && tcp.sqe == 1");
    assert_eq!(pos, 7);
    assert!(msg.contains("\"tcp.sqe\" is neither a field nor a protocol name"), "{msg}");
    let (pos, msg) = error("TCP.SEQ == 1");
    assert_eq!(pos, 0);
    assert!(msg.contains("\"tcp.seq\""), "{msg}");
    assert_eq!(error_pos("(udp || foo)"), 8);
    assert_eq!(error_pos("  64 == ip.ttl"), 2);
    assert_eq!(error_pos("\"x\" == dns.qry.name"), 0);
}

#[test]
fn error_unexpected_token() {
    assert_eq!(error("ip.ttl 64"), (7, "unexpected \"64\": expected \"&&\", \"||\" or the end".into()));
    assert_eq!(error_pos("ip.ttl == 64 ip.ttl"), 13);
    assert_eq!(error_pos("&& tcp"), 0);
    assert_eq!(error_pos("tcp || || udp"), 7);
    assert_eq!(error_pos("ip.ttl == == 64"), 10);
    assert_eq!(error_pos("ip.ttl == 64 == 64"), 13);
    assert_eq!(error_pos("tcp ! udp"), 4);
    assert_eq!(error_pos("(tcp udp)"), 5);
    assert_eq!(error_pos("ip.ttl == )"), 10);
    assert_eq!(error_pos("()"), 1);
}

#[test]
fn error_missing_operand() {
    assert_eq!(error("ip.ttl =="), (9, "missing value after \"==\"".into()));
    assert_eq!(error("tcp &&"), (6, "missing operand after \"&&\"".into()));
    assert_eq!(error("tcp or "), (7, "missing operand after \"or\"".into()));
    assert_eq!(error_pos("not"), 3);
    assert_eq!(error_pos("dns.qry.name contains"), 21);
    assert_eq!(error_pos(""), 0);
    assert_eq!(error_pos("   "), 0);
}

#[test]
fn error_unbalanced_parentheses() {
    assert_eq!(error("(tcp"), (0, "unclosed \"(\"".into()));
    assert_eq!(error("tcp && ((udp)"), (7, "unclosed \"(\"".into()));
    assert_eq!(error_pos("("), 0);
    assert_eq!(error("tcp)"), (3, "unmatched \")\"".into()));
    assert_eq!(error_pos(")"), 0);
}

#[test]
fn error_bad_characters() {
    assert_eq!(error_pos("ip.ttl = 64"), 7);
    assert_eq!(error_pos("tcp & udp"), 4);
    assert_eq!(error_pos("tcp | udp"), 4);
    assert_eq!(error_pos("tcp $"), 4);
    assert_eq!(error_pos("tcp && é$"), 9);
    let (pos, msg) = error("tcp || upper(dns.qry.name) == \"GOOGLE.COM\"");
    assert_eq!(pos, 7);
    assert!(msg.contains("functions"), "{msg}");
}

#[test]
fn error_invalid_literals() {
    assert_eq!(error("ip.ttl == 0x4g"), (10, "\"0x4g\" is not a valid hex number".into()));
    assert_eq!(error_pos("ip.ttl == 0x"), 10);
    assert_eq!(error_pos("ip.ttl == 0b12"), 10);
    assert_eq!(error_pos("ip.ttl == 089"), 10);
    assert_eq!(
        error("tcp.seq == 99999999999999999999"),
        (11, "\"99999999999999999999\" causes an integer overflow".into())
    );
    assert_eq!(error_pos("tcp.seq == 18446744073709551616"), 11);
    assert_eq!(error_pos("tcp.seq == -9223372036854775809"), 11);
    assert_eq!(error("ip.src == 256.1.1.1"), (10, "\"256.1.1.1\" is not a valid IPv4 address".into()));
    assert_eq!(error_pos("ip.src == 1.2.3.999/8"), 10);
    let (pos, msg) = error("ip.dst == 127.0.0.1/33");
    assert_eq!(pos, 20);
    assert!(msg.contains("0 to 32"), "{msg}");
    assert_eq!(error_pos("ipv6.src == ::1/129"), 16);
    assert_eq!(error_pos("ip.dst == 10.0.0.0/x"), 19);
    assert_eq!(error_pos("ip.dst == 10.0.0.0/"), 19);
}

#[test]
fn error_bad_strings() {
    assert_eq!(error("dns.qry.name == \"google"), (16, "unterminated string: a closing '\"' is missing".into()));
    assert_eq!(error_pos("dns.qry.name == r\"google"), 17);
    assert_eq!(error_pos("dns.qry.name == \"x\\\""), 16);
    assert_eq!(error("dns.qry.name contains \"\\q\""), (23, "invalid escape sequence \"\\q\"".into()));
    assert_eq!(error_pos("dns.qry.name == \"ab\\x4\""), 19);
    assert_eq!(error_pos("dns.qry.name == \"ab\\777\""), 19);
    assert_eq!(error_pos("dns.qry.name == \"\\ud800\""), 17);
    assert_eq!(error_pos("dns.qry.name == \"\\xff\""), 16);
    assert_eq!(error_pos("dns.qry.name == \"é\\"), 16);
}

#[test]
fn error_display_points_at_the_position() {
    let e = Filter::parse("tcp && tcp.sqe == 1", resolve).unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"tcp.sqe\" is neither a field nor a protocol name\n  tcp && tcp.sqe == 1\n         ^~~~~~~"
    );
    let e = Filter::parse("dns.qry.name == \"é\" &&", resolve).unwrap_err();
    assert_eq!(e.pos, 23);
    assert_eq!(e.to_string(), "missing operand after \"&&\"\n  dns.qry.name == \"é\" &&\n                        ^");
    let e = Filter::parse("tcp\t)", resolve).unwrap_err();
    assert_eq!(e.to_string(), "unmatched \")\"\n  tcp )\n      ^");
    // A string is underlined to its closing quote, escapes included; a word to its end.
    let e = Filter::parse("dns.qry.name matches \"(\\\"é\" && tcp", resolve).unwrap_err();
    assert!(
        e.to_string().ends_with("\n  dns.qry.name matches \"(\\\"é\" && tcp\n                       ^~~~~~"),
        "{e}"
    );
    let e = Filter::parse("ip.dst == 10.0.0.0/33", resolve).unwrap_err();
    assert!(e.to_string().ends_with("\n  ip.dst == 10.0.0.0/33\n                     ^~"), "{e}");
    let e = Filter::parse("dns.qry.name == \"open", resolve).unwrap_err();
    assert!(e.to_string().ends_with("\n  dns.qry.name == \"open\n                  ^~~~~"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}tcp{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(error_pos(&deep), MAX_DEPTH);
    assert_eq!(error_pos(&format!("{}tcp", "!".repeat(10_000))), MAX_DEPTH);
    let ok = format!("{}tcp{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(which(&ok), SYN);
    // Long chains are flat, so neither matching nor dropping recurses per operand.
    let chain = vec!["ip"; 50_000].join(" && ");
    assert_eq!(which(&chain), BOTH);
    let chain = vec!["udp"; 50_000].join(" || ");
    assert_eq!(which(&chain), DNS);
}

/// xorshift64*: a deterministic generator for the robustness test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// Parses and matches `expr`, checking the error position when it does not parse.
fn check_never_panics(expr: &str, packets: &[Fake]) {
    match Filter::parse(expr, resolve) {
        Ok(f) => {
            for p in packets {
                f.matches(p);
            }
            assert!(f.fields().count() <= expr.len());
        }
        Err(e) => {
            assert!(e.pos <= expr.len() && expr.is_char_boundary(e.pos), "{expr:?}: {e:?}");
            assert!(!e.to_string().is_empty());
        }
    }
}

/// Token soup: fragments of filters in random order, most of them invalid.
#[test]
fn random_token_soup_never_panics() {
    const PIECES: &str = r#"tcp dns ip.src ip.addr tcp.port dns.qry.name frame.time_relative tcp.flags.syn
        nosuch.field == != === !== < <= > >= eq ne contains && || and or ! not ( ) " \ r" \x \u \U \0 0x 0b
        - + 1.5 64 0100 127.0.0.1 / /8 ::1 fe80:: 256.1.1.1 true false google.com é = & | ~ [ { $ . :
        9999999999999999999999 [ ] { } , in matches 0:3 -1: :2 2-4 80..90 .. 47:45:54 eth.src tcp.payload
        "(" "a.*b" "\\x00""#;
    let mut pieces: Vec<&str> = PIECES.split_whitespace().collect();
    pieces.extend([" ", "\t", "\0", "ü\u{301}", "\n"]);
    let packets = [syn(), dns()];
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    for _ in 0..3000 {
        let mut expr = String::new();
        for _ in 0..=rng.below(12) {
            expr.push_str(pieces[rng.below(pieces.len())]);
            if rng.below(2) == 0 {
                expr.push(' ');
            }
        }
        check_never_panics(&expr, &packets);
    }
}

/// Appends a random well-formed filter over the test fields to `out`.
fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
    const OPS: &[&str] = &["==", "!=", "===", "!==", "<", "<=", ">", ">=", "eq", "ne", "ge", "contains"];
    const VALUES: &[&str] = &[
        "64",
        "0x40",
        "-1",
        "0",
        "1.5",
        "127.0.0.1",
        "127.0.0.0/8",
        "::1",
        "fe80::/10",
        "true",
        "false",
        "google.com",
        "\"google.com\"",
        "r\"a\\b\"",
        "\"\\x67\"",
        "tcp.dstport",
        "ip.dst",
        "text/html",
    ];
    let pick = |rng: &mut Rng, from: &[&'static str]| from[rng.below(from.len())];
    match rng.below(if depth >= 4 { 2 } else { 5 }) {
        0 => out.push_str(pick(rng, KNOWN)),
        1 => {
            let (field, op, value) = (pick(rng, KNOWN), pick(rng, OPS), pick(rng, VALUES));
            out.push_str(&format!("{field} {op} {value}"));
        }
        2 => {
            generate(rng, depth + 1, out);
            out.push_str(pick(rng, &[" && ", " || ", " and ", " or ", "&&", "||"]));
            generate(rng, depth + 1, out);
        }
        3 => {
            out.push_str(pick(rng, &["!", "not ", "! "]));
            generate(rng, depth + 1, out);
        }
        _ => {
            out.push('(');
            generate(rng, depth + 1, out);
            out.push(')');
        }
    }
}

/// Well-formed filters parse and obey the logic laws; cut or mutated, they never panic.
#[test]
fn generated_filters_obey_logic_and_mutants_never_panic() {
    let packets = [syn(), dns()];
    let mut rng = Rng(0x0dd_ba11_cafe_f00d);
    for _ in 0..1500 {
        let (mut a, mut b) = (String::new(), String::new());
        generate(&mut rng, 0, &mut a);
        generate(&mut rng, 0, &mut b);
        for p in &packets {
            let (ma, mb) = (parse(&a).matches(p), parse(&b).matches(p));
            assert_eq!(parse(&format!("!({a})")).matches(p), !ma, "{a}");
            assert_eq!(parse(&format!("({a}) && ({b})")).matches(p), ma && mb, "{a} / {b}");
            assert_eq!(parse(&format!("({a}) or ({b})")).matches(p), ma || mb, "{a} / {b}");
        }
        let cut = a.char_indices().map(|(i, _)| i).nth(rng.below(a.chars().count())).unwrap_or(0);
        check_never_panics(&a[..cut], &packets);
        check_never_panics(&a[cut..], &packets);
        let mut bytes = a.into_bytes();
        let at = rng.below(bytes.len());
        bytes[at] = b"()\"\\!=&|<> x0/:.-"[rng.below(17)];
        check_never_panics(&String::from_utf8_lossy(&bytes), &packets);
    }
}

#[test]
fn contains_on_bytes_with_strings_and_byte_strings() {
    assert_eq!(which("tcp.payload contains \"GET\""), SYN);
    assert_eq!(which("tcp.payload contains 47:45:54"), SYN);
    assert_eq!(which("tcp.payload contains 47.45.54"), SYN);
    assert_eq!(which("tcp.payload contains 47-45-54"), SYN);
    assert_eq!(which("tcp.payload contains 474554"), SYN);
    assert_eq!(which("tcp.payload contains \"get\""), NONE);
    assert_eq!(which("udp contains \"google\""), DNS);
    assert_eq!(which("udp contains 06:67:6f"), DNS);
    assert_eq!(which("udp.payload contains 06:67:6f"), DNS);
    // A bare word that is no byte string has no bytes reading (tshark: an error).
    assert_eq!(which("tcp.payload contains GET"), NONE);
    assert_eq!(which("udp contains \"\""), DNS);
}

#[test]
fn matches_is_a_case_insensitive_regex() {
    assert_eq!(which("tcp.payload matches \"^get /\""), SYN);
    assert_eq!(which("tcp.payload ~ \"HTTP/1\\\\.[01]\""), SYN);
    assert_eq!(which("tcp.payload matches \"(?-i)^get\""), NONE);
    assert_eq!(which("dns.qry.name matches \"GOOGLE\\\\.COM$\""), DNS);
    assert_eq!(which("udp.payload matches \"\\\\x06google\""), DNS);
    assert_eq!(which("ip.ttl matches \"64\""), NONE);
    let (pos, msg) = error("dns.qry.name matches google");
    assert_eq!(pos, 21);
    assert!(msg.contains("double quotes"), "{msg}");
    let (pos, msg) = error("dns.qry.name matches \"(\"");
    assert_eq!(pos, 21);
    assert!(msg.starts_with("invalid regular expression"), "{msg}");
}

#[test]
fn slices_take_bytes_as_tshark_defines_them() {
    assert_eq!(which("eth.src[0:3] == 00:11:22"), SYN);
    assert_eq!(which("eth.src[1-2] == 11:22"), SYN);
    assert_eq!(which("eth.src[2] == 22"), SYN);
    assert_eq!(which("eth.src[:2] == 00:11"), SYN);
    assert_eq!(which("eth.src[4:] == 44:55"), SYN);
    assert_eq!(which("eth.src[-2:] == 44:55"), SYN);
    assert_eq!(which("eth.src[-2:1] == 44"), SYN);
    assert_eq!(which("eth.src[0:1,5:1] == 00:55"), SYN);
    assert_eq!(which("tcp.payload[0:3] == \"GET\""), SYN);
    assert_eq!(which("ip.src[0] == 7f"), BOTH);
    assert_eq!(which("ip.dst[0:2] == 0a:01"), SYN);
    assert_eq!(which("dns.qry.name[0:3] == \"goo\""), DNS);
    // Reaching outside the value: no value, so nothing matches (tshark 4.0).
    assert_eq!(which("eth.src[4:3] == 44:55"), NONE);
    assert_eq!(which("eth.src[6:] == 00"), NONE);
    assert_eq!(which("eth.src[-7:1] == 00"), NONE);
    assert_eq!(which("eth.src[100]"), NONE);
    assert_eq!(which("eth.src[5]"), SYN);
    // Integers have no bytes.
    assert_eq!(which("ip.ttl[0] == 40"), NONE);
}

#[test]
fn slice_errors() {
    let (pos, msg) = error("eth.src[0:0] == 00");
    assert_eq!(pos, 8);
    assert!(msg.contains("length must be at least 1"), "{msg}");
    assert_eq!(error_pos("eth.src[3-1] == 00"), 8);
    assert_eq!(error_pos("eth.src[5:2:1] == 00"), 8);
    assert_eq!(error_pos("eth.src[x] == 00"), 8);
    assert_eq!(error("eth.src[0:2 == 00").0, 12);
    assert_eq!(error("eth.src[0:2").0, 7);
    assert_eq!(error_pos("eth.src[] == 00"), 8);
}

#[test]
fn membership_sets() {
    assert_eq!(which("tcp.port in {80, 443, 12000}"), SYN);
    assert_eq!(which("tcp.port in {80,443,11000..12000}"), SYN);
    assert_eq!(which("tcp.port in {12001..13000}"), NONE);
    assert_eq!(which("ip.ttl in {1, 0x40}"), BOTH);
    assert_eq!(which("ip.src in {10.0.0.0/8, 127.0.0.0/8}"), BOTH);
    assert_eq!(which("dns.qry.name in {\"google.com\", youtube.com}"), DNS);
    assert_eq!(which("frame.time_relative in {1..2}"), SYN);
    // `not in` is the negation: true when the field is absent (tshark 4.0).
    assert_eq!(which("tcp.port not in {80}"), BOTH);
    assert_eq!(which("tcp.port not in {12000}"), DNS);
    let (pos, msg) = error("tcp.port in {80 443}");
    assert_eq!(pos, 16);
    assert!(msg.contains("commas"), "{msg}");
    assert_eq!(error_pos("tcp.port in {}"), 13);
    assert_eq!(error_pos("tcp.port in {80,}"), 16);
    assert_eq!(error_pos("tcp.port in {80"), 12);
    assert_eq!(error_pos("tcp.port in 80"), 12);
    assert_eq!(error_pos("tcp.port in {..80}"), 13);
}

#[test]
fn unknown_names_offer_the_nearest() {
    let f = Filter::parse_with_names("tcp.flag.syn == 1", resolve, KNOWN).unwrap_err();
    assert_eq!(f.pos, 0);
    assert_eq!(f.message, "\"tcp.flag.syn\" is neither a field nor a protocol name (did you mean \"tcp.flags.syn\"?)");
    let f = Filter::parse_with_names("ip && tcp.sqe > 1", resolve, KNOWN).unwrap_err();
    assert_eq!(f.pos, 6);
    assert!(f.message.ends_with("(did you mean \"tcp.seq\"?)"), "{}", f.message);
}

/// What the test fields hold, as socklab's glossary says for the real ones.
fn kind(id: Id) -> Option<FieldKind> {
    Some(match id {
        "frame" | "ip" | "tcp" | "udp" | "dns" | "eth.src" | "tcp.payload" | "udp.payload" | "data.data" => {
            FieldKind::Bytes
        }
        "frame.protocols" | "dns.qry.name" | "http.content_type" => FieldKind::Text,
        "ip.src" | "ip.dst" | "ip.addr" | "ipv6.src" | "dns.a" => FieldKind::Address,
        "frame.time_relative" => FieldKind::Time,
        _ => FieldKind::Number,
    })
}

fn typed_error(expr: &str) -> (usize, String) {
    match Filter::parse_typed(expr, resolve, KNOWN, &kind) {
        Ok(f) => panic!("{expr:?} should not parse: {f:?}"),
        Err(e) => (e.pos, e.message),
    }
}

#[test]
fn typed_parsing_rejects_what_tshark_rejects() {
    let (pos, msg) = typed_error("tcp.payload contains GET");
    assert_eq!(
        (pos, msg.as_str()),
        (21, "\"GET\" is not a valid byte string: quote text (\"GET\") or write bytes in hex (47:45:54)")
    );
    let (pos, msg) = typed_error("ip && tcp.port matches \"1\"");
    assert_eq!((pos, msg.as_str()), (6, "\"tcp.port\" is a number: \"matches\" applies to text, bytes and protocols"));
    assert!(typed_error("ip.src contains 7f").1.starts_with("\"ip.src\" is an address"));
    assert_eq!(typed_error("tcp.srcport[0] == 00").0, 0);
    assert!(typed_error("frame.time_relative[0:1] == 00").1.contains("is a time and cannot be sliced"));
    assert_eq!(typed_error("tcp.port in {80, \"443\"}").0, 17);
    assert_eq!(typed_error("ip.ttl == \"64\"").0, 10);
    assert_eq!(typed_error("eth.src[0:2] in {00:11, zz}").0, 24);
    // What tshark accepts still parses and matches.
    for (expr, want) in [
        ("tcp.payload contains \"GET\"", SYN),
        ("tcp.payload contains 47:45:54", SYN),
        ("ip.src[0] == 7f", BOTH),
        ("ip.src[0] == 127", NONE),
        ("dns.qry.name contains goo", DNS),
        ("ip.ttl == 64", BOTH),
        ("eth.src[0:2] in {00:11, 22:33}", SYN),
    ] {
        let f = Filter::parse_typed(expr, resolve, KNOWN, &kind).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!([f.matches(&syn()), f.matches(&dns())], want, "{expr}");
    }
}
