//! Cross-check of socklab's DNS codec against hickory-proto: deterministic
//! pseudo-random messages encoded by one and decoded by the other, both ways;
//! names, types, classes, TTLs and RDATA must agree.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::Rng;

use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::op as h_op;
use hickory_proto::rr as h_rr;
use hickory_proto::rr::rdata as h_rdata;
use socklab::proto::dns::{
    decode, encode, CharString, Class, Edns, Flags, Message, Name, Opcode, Question, RData, Rcode, Record, RrType, Soa,
};

/// Messages generated in each direction.
const MESSAGES: usize = 300;

/// Labels chosen so that names share suffixes (compression) and vary in case.
const LABELS: &[&[u8]] = &[
    b"www",
    b"mail",
    b"Example",
    b"example",
    b"com",
    b"org",
    b"a",
    b"xn--bcher-kva",
    b"b-c",
    b"x_y",
    b"ns1",
    b"sp ace",
    b"d.t",
];

fn random_name(rng: &mut Rng) -> Name {
    let n = rng.below(5);
    Name::from_labels((0..n).map(|_| rng.pick(LABELS).to_vec())).unwrap()
}

fn random_rdata(rng: &mut Rng) -> (RrType, RData) {
    match rng.below(9) {
        0 => (RrType::A, RData::A(Ipv4Addr::from(rng.next() as u32))),
        1 => (RrType::Aaaa, RData::Aaaa(Ipv6Addr::from(u128::from(rng.next()) << 64 | u128::from(rng.next())))),
        2 => (RrType::Ns, RData::Ns(random_name(rng).into())),
        3 => (RrType::Cname, RData::Cname(random_name(rng).into())),
        4 => (RrType::Ptr, RData::Ptr(random_name(rng).into())),
        5 => (RrType::Mx, RData::Mx { preference: rng.next() as u16, exchange: random_name(rng).into() }),
        6 => {
            let strings = (0..1 + rng.below(3))
                .map(|_| CharString::new((0..rng.below(40)).map(|_| rng.next() as u8).collect::<Vec<u8>>()))
                .collect();
            (RrType::Txt, RData::Txt(strings))
        }
        7 => {
            let soa = Soa {
                mname: random_name(rng).into(),
                rname: random_name(rng).into(),
                serial: rng.next() as u32,
                refresh: rng.below(1 << 31) as u32,
                retry: rng.below(1 << 31) as u32,
                expire: rng.below(1 << 31) as u32,
                minimum: rng.next() as u32,
                ..Soa::default()
            };
            (RrType::Soa, RData::Soa(Box::new(soa)))
        }
        _ => {
            let data: Vec<u8> = (0..1 + rng.below(20)).map(|_| rng.next() as u8).collect();
            (RrType::from(65280 + rng.below(200) as u16), RData::Raw(data))
        }
    }
}

fn random_record(rng: &mut Rng) -> Record {
    let (rtype, rdata) = random_rdata(rng);
    let mut r = Record::new(random_name(rng), Class::In, rng.below(1 << 31) as u32, rdata);
    r.rtype = rtype;
    r
}

fn random_message(rng: &mut Rng) -> Message {
    let mut m = Message::default();
    m.header.id = rng.next() as u16;
    let word = (rng.next() as u16) & !(Flags::OPCODE | Flags::Z | Flags::RCODE);
    m.header.flags = Flags::from_u16(word | rng.below(6) as u16);
    m.header.flags.opcode = Opcode::Query;
    let qtype = *rng.pick(&[RrType::A, RrType::Aaaa, RrType::Mx, RrType::Txt, RrType::Any]);
    m.questions.push(Question::new(random_name(rng), qtype, Class::In));
    m.answers = (0..rng.below(5)).map(|_| random_record(rng)).collect();
    m.authorities = (0..rng.below(3)).map(|_| random_record(rng)).collect();
    m.additionals = (0..rng.below(3)).map(|_| random_record(rng)).collect();
    if rng.below(2) == 0 {
        let edns =
            Edns { udp_payload_size: 512 + rng.below(4000) as u16, dnssec_ok: rng.below(2) == 0, ..Edns::default() };
        m.additionals.push(edns.to_record());
    }
    m.sync_counts();
    m
}

/// A record reduced to comparable values: lower-cased name labels (hickory may
/// compress names case-insensitively), type, class, TTL and RDATA.
#[derive(Debug, PartialEq)]
struct Canon {
    name: Vec<Vec<u8>>,
    rtype: u16,
    class: u16,
    ttl: u32,
    rdata: CanonData,
}

#[derive(Debug, PartialEq)]
enum CanonData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Name(u16, Vec<Vec<u8>>),
    Mx(u16, Vec<Vec<u8>>),
    Txt(Vec<Vec<u8>>),
    Soa(Vec<Vec<u8>>, Vec<Vec<u8>>, [u32; 5]),
    Raw(Vec<u8>),
}

fn ours_labels(n: &Name) -> Vec<Vec<u8>> {
    n.labels().map(|l| l.to_ascii_lowercase()).collect()
}

fn hickory_labels(n: &h_rr::Name) -> Vec<Vec<u8>> {
    n.iter().map(|l| l.to_ascii_lowercase()).collect()
}

fn canon_ours(r: &Record) -> Canon {
    let rdata = match &r.rdata {
        RData::A(a) => CanonData::A(*a),
        RData::Aaaa(a) => CanonData::Aaaa(*a),
        RData::Ns(n) => CanonData::Name(2, ours_labels(&n.name)),
        RData::Cname(n) => CanonData::Name(5, ours_labels(&n.name)),
        RData::Ptr(n) => CanonData::Name(12, ours_labels(&n.name)),
        RData::Mx { preference, exchange } => CanonData::Mx(*preference, ours_labels(&exchange.name)),
        RData::Txt(s) => CanonData::Txt(s.iter().map(|s| s.data.clone()).collect()),
        RData::Soa(s) => CanonData::Soa(
            ours_labels(&s.mname.name),
            ours_labels(&s.rname.name),
            [s.serial, s.refresh, s.retry, s.expire, s.minimum],
        ),
        RData::Raw(b) => CanonData::Raw(b.clone()),
        RData::Opt(_) => unreachable!("OPT is compared through Edns"),
    };
    Canon { name: ours_labels(&r.name.name), rtype: r.rtype.code(), class: r.class.code(), ttl: r.ttl, rdata }
}

fn canon_hickory(r: &h_rr::Record) -> Canon {
    use h_rr::RData as H;
    let rdata = match &r.data {
        H::A(a) => CanonData::A(a.0),
        H::AAAA(a) => CanonData::Aaaa(a.0),
        H::NS(n) => CanonData::Name(2, hickory_labels(&n.0)),
        H::CNAME(n) => CanonData::Name(5, hickory_labels(&n.0)),
        H::PTR(n) => CanonData::Name(12, hickory_labels(&n.0)),
        H::MX(mx) => CanonData::Mx(mx.preference, hickory_labels(&mx.exchange)),
        H::TXT(t) => CanonData::Txt(t.txt_data.iter().map(|s| s.to_vec()).collect()),
        H::SOA(s) => CanonData::Soa(
            hickory_labels(&s.mname),
            hickory_labels(&s.rname),
            [s.serial, s.refresh as u32, s.retry as u32, s.expire as u32, s.minimum],
        ),
        H::Unknown { rdata, .. } => CanonData::Raw(rdata.anything.clone()),
        other => panic!("unexpected hickory RDATA {other:?}"),
    };
    Canon {
        name: hickory_labels(&r.name),
        rtype: u16::from(r.record_type()),
        class: u16::from(r.dns_class),
        ttl: r.ttl,
        rdata,
    }
}

fn non_opt(records: &[Record]) -> Vec<Canon> {
    records.iter().filter(|r| r.rtype != RrType::Opt).map(canon_ours).collect()
}

fn compare(ours: &Message, theirs: &h_op::Message) {
    let md = &theirs.metadata;
    let f = &ours.header.flags;
    assert_eq!(md.id, ours.header.id);
    assert_eq!(md.message_type == h_op::MessageType::Response, f.qr);
    assert_eq!(u8::from(md.op_code), f.opcode.code());
    assert_eq!(
        (md.authoritative, md.truncation, md.recursion_desired, md.recursion_available),
        (f.aa, f.tc, f.rd, f.ra)
    );
    assert_eq!((md.authentic_data, md.checking_disabled), (f.ad, f.cd));
    assert_eq!(u16::from(md.response_code), ours.rcode().code());
    let q = &theirs.queries[0];
    assert_eq!(hickory_labels(q.name()), ours_labels(&ours.questions[0].name.name));
    assert_eq!(u16::from(q.query_type()), ours.questions[0].qtype.code());
    assert_eq!(u16::from(q.query_class()), ours.questions[0].qclass.code());
    let hc = |rs: &[h_rr::Record]| rs.iter().map(canon_hickory).collect::<Vec<_>>();
    assert_eq!(hc(&theirs.answers), non_opt(&ours.answers));
    assert_eq!(hc(&theirs.authorities), non_opt(&ours.authorities));
    assert_eq!(hc(&theirs.additionals), non_opt(&ours.additionals));
    match (ours.edns(), &theirs.edns) {
        (None, None) => {}
        (Some(e), Some(h)) => {
            assert_eq!(
                (e.udp_payload_size, e.version, e.dnssec_ok),
                (h.max_payload(), h.version(), h.flags().dnssec_ok)
            );
        }
        (a, b) => panic!("EDNS differs: ours {a:?}, hickory {b:?}"),
    }
}

#[test]
fn ours_encoded_hickory_decodes() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..MESSAGES {
        let m = random_message(&mut rng);
        let bytes = encode(&m).unwrap();
        let theirs = h_op::Message::from_vec(&bytes).unwrap_or_else(|e| panic!("message {i}: hickory: {e}\n{m:?}"));
        compare(&m, &theirs);
        // And our own decoder agrees with our encoder.
        assert_eq!(decode(&bytes).unwrap().without_spans(), m.without_spans(), "message {i}");
    }
}

fn to_hickory_name(n: &Name) -> h_rr::Name {
    let mut name = h_rr::Name::from_labels(n.labels()).unwrap();
    name.set_fqdn(true);
    name
}

fn to_hickory_record(r: &Record) -> h_rr::Record {
    use h_rr::RData as H;
    let data = match &r.rdata {
        RData::A(a) => H::A(h_rdata::A(*a)),
        RData::Aaaa(a) => H::AAAA(h_rdata::AAAA(*a)),
        RData::Ns(n) => H::NS(h_rdata::NS(to_hickory_name(&n.name))),
        RData::Cname(n) => H::CNAME(h_rdata::CNAME(to_hickory_name(&n.name))),
        RData::Ptr(n) => H::PTR(h_rdata::PTR(to_hickory_name(&n.name))),
        RData::Mx { preference, exchange } => H::MX(h_rdata::MX::new(*preference, to_hickory_name(&exchange.name))),
        RData::Txt(s) => H::TXT(h_rdata::TXT::from_bytes(s.iter().map(|s| s.data.as_slice()).collect())),
        RData::Soa(s) => H::SOA(h_rdata::SOA::new(
            to_hickory_name(&s.mname.name),
            to_hickory_name(&s.rname.name),
            s.serial,
            s.refresh as i32,
            s.retry as i32,
            s.expire as i32,
            s.minimum,
        )),
        RData::Raw(b) => {
            H::Unknown { code: h_rr::RecordType::from(r.rtype.code()), rdata: h_rdata::NULL::with(b.clone()) }
        }
        RData::Opt(_) => unreachable!("OPT goes through Message::edns"),
    };
    let mut rec = h_rr::Record::from_rdata(to_hickory_name(&r.name.name), r.ttl, data);
    rec.dns_class = h_rr::DNSClass::from(r.class.code());
    rec
}

fn to_hickory(m: &Message) -> h_op::Message {
    let f = &m.header.flags;
    let kind = if f.qr { h_op::MessageType::Response } else { h_op::MessageType::Query };
    let mut h = h_op::Message::new(m.header.id, kind, h_op::OpCode::from_u8(f.opcode.code()));
    let md = &mut h.metadata;
    (md.authoritative, md.truncation, md.recursion_desired, md.recursion_available) = (f.aa, f.tc, f.rd, f.ra);
    (md.authentic_data, md.checking_disabled) = (f.ad, f.cd);
    md.response_code = h_op::ResponseCode::from_low(f.rcode.code() as u8);
    let q = &m.questions[0];
    let mut query = h_op::Query::new();
    query
        .set_name(to_hickory_name(&q.name.name))
        .set_query_type(h_rr::RecordType::from(q.qtype.code()))
        .set_query_class(h_rr::DNSClass::from(q.qclass.code()));
    h.add_query(query);
    let plain = |rs: &[Record]| rs.iter().filter(|r| r.rtype != RrType::Opt).map(to_hickory_record).collect::<Vec<_>>();
    h.add_answers(plain(&m.answers));
    h.add_authorities(plain(&m.authorities));
    h.add_additionals(plain(&m.additionals));
    if let Some(e) = m.edns() {
        let mut edns = h_op::Edns::new();
        edns.set_max_payload(e.udp_payload_size).set_version(e.version).set_dnssec_ok(e.dnssec_ok);
        h.edns = Some(edns);
    }
    h
}

#[test]
fn hickory_encoded_ours_decodes() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for i in 0..MESSAGES {
        let m = random_message(&mut rng);
        let theirs = to_hickory(&m);
        let bytes = theirs.to_vec().unwrap_or_else(|e| panic!("message {i}: hickory encode: {e}"));
        let ours = decode(&bytes).unwrap_or_else(|e| panic!("message {i}: {e}"));
        // Compare against what hickory itself reads back (it may reorder the OPT record).
        compare(&ours, &h_op::Message::from_vec(&bytes).unwrap());
        compare(&ours, &theirs);
        // Re-encoding ours round-trips.
        assert_eq!(decode(&encode(&ours).unwrap()).unwrap().without_spans(), ours.without_spans());
    }
}

#[test]
fn lab_response_agrees_with_hickory() {
    let query = [
        0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, b'g', b'o', b'o', b'g', b'l',
        b'e', 0x03, b'c', b'o', b'm', 0x00, 0x00, 0x01, 0x00, 0x01,
    ];
    let bytes = socklab::proto::dns::answer(&query, &socklab::proto::dns::Zone::lab()).unwrap();
    let theirs = h_op::Message::from_vec(&bytes).unwrap();
    let ours = decode(&bytes).unwrap();
    compare(&ours, &theirs);
    assert_eq!(ours.rcode(), Rcode::NoError);
    assert_eq!(theirs.answers.len(), 2);
}

/// Serves `answer()` on a loopback UDP socket for up to `queries` datagrams.
fn serve(queries: usize) -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let addr = sock.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let zone = socklab::proto::dns::Zone::lab();
        let mut buf = [0u8; 4096];
        for _ in 0..queries {
            let Ok((n, peer)) = sock.recv_from(&mut buf) else { return };
            if let Some(resp) = socklab::proto::dns::answer(&buf[..n], &zone) {
                sock.send_to(&resp, peer).unwrap();
            }
        }
    });
    (addr, handle)
}

/// dig as a real client: with EDNS (its default, with a cookie option) and without.
#[test]
fn dig_accepts_our_responses() {
    if !common::need("dig") {
        return;
    }
    let (addr, server) = serve(3);
    let dig = |extra: &[&str]| {
        let out = std::process::Command::new("dig")
            .args(["@127.0.0.1", "-p", &addr.port().to_string(), "+tries=1", "+time=3"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = dig(&["google.com", "A"]);
    assert!(out.contains("status: NOERROR") && out.contains("flags: qr aa rd;"), "{out}");
    assert!(out.contains("google.com.\t\t260\tIN\tA\t192.165.1.1"), "{out}");
    assert!(out.contains("google.com.\t\t260\tIN\tA\t192.165.1.10"), "{out}");
    assert!(out.contains("EDNS: version: 0, flags:; udp: 1232"), "{out}");
    let out = dig(&["+noedns", "nowhere.invalid", "A"]);
    assert!(out.contains("status: NXDOMAIN") && !out.contains("OPT PSEUDOSECTION"), "{out}");
    let out = dig(&["+noedns", "amazon.ca", "AAAA"]);
    assert!(out.contains("status: NOERROR") && out.contains("ANSWER: 0"), "{out}");
    server.join().unwrap();
}
