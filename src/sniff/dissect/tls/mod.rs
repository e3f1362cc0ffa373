//! TLS, the encryption layer under HTTPS and most secure protocols (RFC 8446,
//! RFC 5246): a TCP stream is cut into records of five-byte headers (content
//! type, version, length); handshake records carry the hellos, in which client
//! and server agree on a version and cipher suite, the server's certificates
//! and the key exchange, in the clear; after Change Cipher Spec the records are
//! encrypted (Application Data, and in TLS 1.3 the rest of the handshake).
//!
//! A record may span TCP segments: TLS measures a record by its header
//! ([`Dissector::pdu_len`]) and the pipeline reassembles it, as tshark does; the
//! segment that completes a record shows it with the whole records after it,
//! the earlier ones are `[TCP segment of a reassembled PDU]`, and a record that
//! starts mid-segment waits for its rest while that segment shows the records
//! before it. The version in the Protocol column is the one the connection's
//! ServerHello picked ([`Dissector::learn`]).

pub mod names;
pub mod x509;

use super::data::shown_bytes;
use super::dissector::{tree_values, Carrier, Claim, Ctx, Dissector, FieldDecl};
use crate::sniff::render::Mac;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use names::{lookup, EXTENSIONS, GROUPS, SUITES};
use std::fmt;

mod note;

/// The TLS dissector.
pub struct Tls;

/// The TCP ports tshark hands to TLS by default: HTTPS (443), SMTPS (465),
/// LDAPS (636), DNS over TLS (853), IMAPS (993), POP3S (995), SIP over TLS
/// (5061), AMQPS (5671), MQTT over TLS (8883).
const PORTS: &[Claim] = &[
    Claim::TcpPort(443),
    Claim::TcpPort(465),
    Claim::TcpPort(636),
    Claim::TcpPort(853),
    Claim::TcpPort(993),
    Claim::TcpPort(995),
    Claim::TcpPort(5061),
    Claim::TcpPort(5671),
    Claim::TcpPort(8883),
    Claim::Heuristic(Carrier::Tcp),
];

/// A record header: content type, version, length.
const RECORD_HEADER: usize = 5;
/// A handshake message header: type and a 24-bit length.
const HANDSHAKE_HEADER: usize = 4;
/// The largest record a peer may send: 2^14 bytes of plaintext plus the most
/// expansion encryption may add (RFC 5246 §6.2.3).
const MAX_RECORD: usize = (1 << 14) + 2048;
/// How many leading bytes [`starts_with_text`] looks at.
const TEXT_PROBE: usize = 4;
/// The hello's random value.
const RANDOM_LEN: usize = 32;

/// Content types (RFC 8446 §5.1).
const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;
const HEARTBEAT: u8 = 24;

/// Handshake message types used below (RFC 8446 §4).
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const CERTIFICATE: u8 = 11;

/// Hello extension types decoded in detail.
const EXT_SERVER_NAME: u16 = 0;
const EXT_SUPPORTED_GROUPS: u16 = 10;
const EXT_ALPN: u16 = 16;
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// TLS 1.3's version number, which a TLS 1.3 server announces in its
/// supported_versions extension (its hello says TLS 1.2 for old middleboxes).
const TLS13: u16 = 0x0304;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "tls", ftype: Ftype::Protocol, title: "Transport Layer Security", base: "" },
    FieldDecl { name: "tls.record", ftype: Ftype::None, title: "Record Layer", base: "" },
    FieldDecl { name: "tls.record.content_type", ftype: Ftype::Uint8, title: "Content Type", base: "BASE_DEC" },
    FieldDecl { name: "tls.record.opaque_type", ftype: Ftype::Uint8, title: "Opaque Type", base: "BASE_DEC" },
    FieldDecl { name: "tls.record.version", ftype: Ftype::Uint16, title: "Version", base: "BASE_HEX" },
    FieldDecl { name: "tls.record.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "tls.change_cipher_spec", ftype: Ftype::None, title: "Change Cipher Spec Message", base: "" },
    FieldDecl { name: "tls.alert_message", ftype: Ftype::None, title: "Alert Message", base: "" },
    FieldDecl { name: "tls.alert_message.level", ftype: Ftype::Uint8, title: "Level", base: "BASE_DEC" },
    FieldDecl { name: "tls.alert_message.desc", ftype: Ftype::Uint8, title: "Description", base: "BASE_DEC" },
    FieldDecl { name: "tls.app_data", ftype: Ftype::Bytes, title: "Encrypted Application Data", base: "" },
    FieldDecl { name: "tls.handshake", ftype: Ftype::None, title: "Handshake Protocol", base: "" },
    FieldDecl { name: "tls.handshake.type", ftype: Ftype::Uint8, title: "Handshake Message Type", base: "BASE_DEC" },
    FieldDecl { name: "tls.handshake.length", ftype: Ftype::Uint24, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "tls.handshake.version", ftype: Ftype::Uint16, title: "Version", base: "BASE_HEX" },
    FieldDecl { name: "tls.handshake.random", ftype: Ftype::Bytes, title: "Random", base: "" },
    FieldDecl {
        name: "tls.handshake.session_id_length",
        ftype: Ftype::Uint16,
        title: "Session ID Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.session_id", ftype: Ftype::Bytes, title: "Session ID", base: "" },
    FieldDecl {
        name: "tls.handshake.cipher_suites_length",
        ftype: Ftype::Uint16,
        title: "Cipher Suites Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.ciphersuites", ftype: Ftype::None, title: "Cipher Suites", base: "" },
    FieldDecl { name: "tls.handshake.ciphersuite", ftype: Ftype::Uint16, title: "Cipher Suite", base: "BASE_HEX" },
    FieldDecl {
        name: "tls.handshake.comp_methods_length",
        ftype: Ftype::Uint8,
        title: "Compression Methods Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.comp_methods", ftype: Ftype::None, title: "Compression Methods", base: "" },
    FieldDecl { name: "tls.handshake.comp_method", ftype: Ftype::Uint8, title: "Compression Method", base: "BASE_DEC" },
    FieldDecl {
        name: "tls.handshake.extensions_length",
        ftype: Ftype::Uint16,
        title: "Extensions Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.extension.type", ftype: Ftype::Uint16, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "tls.handshake.extension.len", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "tls.handshake.extension.data", ftype: Ftype::Bytes, title: "Data", base: "" },
    FieldDecl {
        name: "tls.handshake.extensions_server_name_list_len",
        ftype: Ftype::Uint16,
        title: "Server Name list length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "tls.handshake.extensions_server_name_type",
        ftype: Ftype::Uint8,
        title: "Server Name Type",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "tls.handshake.extensions_server_name_len",
        ftype: Ftype::Uint16,
        title: "Server Name length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.extensions_server_name", ftype: Ftype::String, title: "Server Name", base: "" },
    FieldDecl {
        name: "tls.handshake.extensions_supported_groups_length",
        ftype: Ftype::Uint16,
        title: "Supported Groups List Length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "tls.handshake.extensions_supported_group",
        ftype: Ftype::Uint16,
        title: "Supported Group",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "tls.handshake.extensions_alpn_len",
        ftype: Ftype::Uint16,
        title: "ALPN Extension Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.extensions_alpn_list", ftype: Ftype::None, title: "ALPN Protocol", base: "" },
    FieldDecl {
        name: "tls.handshake.extensions_alpn_str_len",
        ftype: Ftype::Uint8,
        title: "ALPN string length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "tls.handshake.extensions_alpn_str",
        ftype: Ftype::String,
        title: "ALPN Next Protocol",
        base: "",
    },
    FieldDecl {
        name: "tls.handshake.extensions.supported_versions_len",
        ftype: Ftype::Uint8,
        title: "Supported Versions length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "tls.handshake.extensions.supported_version",
        ftype: Ftype::Uint16,
        title: "Supported Version",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "tls.handshake.certificates_length",
        ftype: Ftype::Uint24,
        title: "Certificates Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.certificates", ftype: Ftype::None, title: "Certificates", base: "" },
    FieldDecl {
        name: "tls.handshake.certificate_length",
        ftype: Ftype::Uint24,
        title: "Certificate Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "tls.handshake.certificate", ftype: Ftype::Bytes, title: "Certificate", base: "" },
];

/// A checked big-endian reader over a byte slice: every read says whether the
/// bytes were there, never panics.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    /// The bytes.
    b: &'a [u8],
    /// Offset of the next byte to read.
    at: usize,
}

impl<'a> Cursor<'a> {
    /// Reads `n` bytes.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    /// Reads a big-endian number of `n` (at most 4) bytes.
    fn num(&mut self, n: usize) -> Option<u32> {
        Some(self.take(n)?.iter().fold(0u32, |acc, &d| (acc << 8) | u32::from(d)))
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.num(2).and_then(|v| u16::try_from(v).ok())
    }
}

/// One record of a segment.
#[derive(Clone, Copy, Debug)]
struct Record<'a> {
    /// Offset of its header in the PDU.
    at: usize,
    /// Content type.
    ctype: u8,
    /// Record version.
    version: u16,
    /// Declared length.
    len: u16,
    /// Its contents as far as the segment holds them.
    body: &'a [u8],
    /// A handshake or alert record after a Change Cipher Spec in the segment
    /// (or whose message does not fit it): encrypted.
    encrypted: bool,
}

/// Whether a record header could start here (tshark's test for TLS on a port
/// no dissector claims): a known content type, an SSL 3.0 to TLS 1.3 version,
/// a length no record may exceed.
fn plausible_header(b: &[u8]) -> bool {
    if b.len() < RECORD_HEADER {
        return false;
    }
    let version = u16::from_be_bytes([b[1], b[2]]);
    let len = usize::from(u16::from_be_bytes([b[3], b[4]]));
    (CHANGE_CIPHER_SPEC..=APPLICATION_DATA).contains(&b[0])
        && (0x0300..=TLS13).contains(&version)
        && len > 0
        && len <= MAX_RECORD
}

/// Whether a payload of more than four bytes starts with four printable ASCII
/// characters: tshark leaves such a payload on a TLS port alone (a TLS record
/// cannot start so; it is plain text, such as a protocol before STARTTLS).
fn starts_with_text(pdu: &[u8]) -> bool {
    pdu.len() > TEXT_PROBE && pdu[..TEXT_PROBE].iter().all(|&b| (0x20..0x7f).contains(&b))
}

/// How long the record that starts with `head` is, header included, or, for a
/// head shorter than a header, the header's length (enough to tell); `None`
/// when the bytes start no record (an unknown content type or version).
fn record_len(head: &[u8]) -> Option<usize> {
    let ctype = *head.first()?;
    if !(CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&ctype) {
        return None;
    }
    match head.get(1..RECORD_HEADER) {
        None => Some(RECORD_HEADER),
        Some(&[3, _, hi, lo]) => Some(RECORD_HEADER + usize::from(u16::from_be_bytes([hi, lo]))),
        Some(_) => None,
    }
}

/// The records a segment holds whole, in order; stops at bytes that start no
/// record, and at a record the segment cuts short (tshark shows that one with
/// the segment that completes it).
fn records(pdu: &[u8]) -> Vec<Record<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < pdu.len() {
        let rest = &pdu[at..];
        if rest.len() < RECORD_HEADER || !(CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&rest[0]) {
            break;
        }
        let version = u16::from_be_bytes([rest[1], rest[2]]);
        if version >> 8 != 3 {
            break;
        }
        let len = u16::from_be_bytes([rest[3], rest[4]]);
        let Some(body) = rest.get(RECORD_HEADER..RECORD_HEADER + usize::from(len)) else { break };
        // After Change Cipher Spec, TLS 1.2 encrypts; TLS 1.3 sends a dummy
        // Change Cipher Spec and may follow it with a cleartext ClientHello (after
        // a Hello Retry Request): a handshake record is encrypted when its bytes do
        // not read as messages.
        let encrypted = match rest[0] {
            HANDSHAKE => !handshake_fits(body, len),
            ALERT => len != 2,
            _ => false,
        };
        out.push(Record { at, ctype: rest[0], version, len, body, encrypted });
        at += RECORD_HEADER + usize::from(len);
    }
    out
}

/// Whether a handshake record's messages tile it exactly with known types (an
/// encrypted Finished looks like noise: an unknown type or a length past the end).
fn handshake_fits(body: &[u8], len: u16) -> bool {
    let mut c = Cursor { b: body, at: 0 };
    let len = usize::from(len);
    let mut at = 0;
    while at < len {
        c.at = at;
        let (Some(t), Some(n)) = (c.u8(), c.num(3)) else { return body.len() < len };
        if message_name(t).is_none() {
            return false;
        }
        at += HANDSHAKE_HEADER + n as usize;
    }
    at == len
}

/// Wireshark's name of a handshake message type.
fn message_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        6 => "Hello Retry Request",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Client Certificate URL",
        22 => "Certificate Status",
        23 => "Supplemental Data",
        24 => "Key Update",
        25 => "Compressed Certificate",
        67 => "Encrypted Extensions",
        _ => return None,
    })
}

/// The random value of a ServerHello that is really a Hello Retry Request
/// (RFC 8446 §4.1.3: the SHA-256 of "HelloRetryRequest").
const HRR_RANDOM: [u8; RANDOM_LEN] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
    0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The name of handshake message `t` with body `m`: a ServerHello carrying
/// the Hello Retry Request random is named so.
fn message_label(t: u8, m: &[u8]) -> &'static str {
    if t == SERVER_HELLO && m.get(2..2 + RANDOM_LEN) == Some(&HRR_RANDOM[..]) {
        return "Hello Retry Request";
    }
    message_name(t).unwrap_or("Unknown Handshake Message")
}

/// Wireshark's name of a content type.
fn content_name(t: u8) -> &'static str {
    match t {
        CHANGE_CIPHER_SPEC => "Change Cipher Spec",
        ALERT => "Alert",
        HANDSHAKE => "Handshake",
        APPLICATION_DATA => "Application Data",
        HEARTBEAT => "Heartbeat",
        _ => "Unknown",
    }
}

/// Wireshark's name of a protocol version.
fn version_name(v: u16) -> &'static str {
    match v {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        TLS13 => "TLS 1.3",
        v if v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff => "Reserved (GREASE)",
        _ => "Unknown",
    }
}

/// The Protocol column's name of a version.
fn column_name(v: u16) -> &'static str {
    match v {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        TLS13 => "TLSv1.3",
        _ => "TLS",
    }
}

/// Wireshark's name of an alert level.
fn alert_level(l: u8) -> &'static str {
    match l {
        1 => "Warning",
        2 => "Fatal",
        _ => "Unknown",
    }
}

/// Wireshark's name of an alert description (RFC 8446 §6).
fn alert_desc(d: u8) -> &'static str {
    match d {
        0 => "Close Notify",
        1 => "End of Early Data",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        21 => "Decryption Failed",
        22 => "Record Overflow",
        30 => "Decompression Failure",
        40 => "Handshake Failure",
        41 => "No Certificate",
        42 => "Bad Certificate",
        43 => "Unsupported Certificate",
        44 => "Certificate Revoked",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        49 => "Access Denied",
        50 => "Decode Error",
        51 => "Decrypt Error",
        60 => "Export Restriction",
        70 => "Protocol Version",
        71 => "Insufficient Security",
        80 => "Internal Error",
        86 => "Inappropriate Fallback",
        90 => "User Canceled",
        100 => "No Renegotiation",
        109 => "Missing Extension",
        110 => "Unsupported Extension",
        111 => "Certificate Unobtainable",
        112 => "Unrecognized Name",
        113 => "Bad Certificate Status Response",
        114 => "Bad Certificate Hash Value",
        115 => "Unknown PSK Identity",
        116 => "Certificate Required",
        120 => "No application Protocol",
        121 => "ECH Required",
        _ => "Unknown",
    }
}

/// A cipher suite as tshark shows it: `TLS_AES_128_GCM_SHA256 (0x1301)`.
fn suite_text(s: u16) -> String {
    format!("{} (0x{s:04x})", lookup(SUITES, s).unwrap_or("Unknown"))
}

/// The handshake messages of a cleartext handshake record: type, offset of
/// its header in the record's body, and its body as far as the segment goes.
fn messages(body: &[u8]) -> Vec<(u8, usize, u32, &[u8])> {
    let mut out = Vec::new();
    let mut c = Cursor { b: body, at: 0 };
    while c.at < body.len() {
        let start = c.at;
        let (Some(t), Some(n)) = (c.u8(), c.num(3)) else { break };
        let end = c.at.saturating_add(n as usize).min(body.len());
        out.push((t, start, n, &body[c.at..end]));
        c.at = end;
    }
    out
}

/// The version a segment's ServerHello picks (its supported_versions
/// extension for TLS 1.3), if the segment holds one.
fn server_hello_version(recs: &[Record<'_>]) -> Option<u16> {
    for r in recs.iter().filter(|r| r.ctype == HANDSHAKE && !r.encrypted) {
        for (t, _, _, m) in messages(r.body) {
            let Some(legacy) = m.get(..2).map(|v| u16::from_be_bytes([v[0], v[1]])) else { continue };
            if t == SERVER_HELLO {
                return Some(server_version(m).unwrap_or(legacy));
            }
        }
    }
    None
}

/// The version a segment's handshake settles: a ServerHello's, else a ClientHello's.
fn hello_version(recs: &[Record<'_>]) -> Option<u16> {
    let mut client = None;
    for r in recs.iter().filter(|r| r.ctype == HANDSHAKE && !r.encrypted) {
        for (t, _, _, m) in messages(r.body) {
            let Some(legacy) = m.get(..2).map(|v| u16::from_be_bytes([v[0], v[1]])) else { continue };
            match t {
                SERVER_HELLO => return Some(server_version(m).unwrap_or(legacy)),
                CLIENT_HELLO => client = client.or(Some(legacy)),
                _ => {}
            }
        }
    }
    client
}

/// The version a ServerHello's supported_versions extension selects.
fn server_version(m: &[u8]) -> Option<u16> {
    let mut c = Cursor { b: m, at: 2 + RANDOM_LEN };
    let sid = usize::from(c.u8()?);
    c.take(sid)?;
    c.take(3)?; // cipher suite, compression method
    let ext_len = usize::from(c.u16()?);
    let end = c.at + ext_len;
    while c.at + 4 <= end {
        let (t, n) = (c.u16()?, usize::from(c.u16()?));
        let data = c.take(n)?;
        if t == EXT_SUPPORTED_VERSIONS && n == 2 {
            return Some(u16::from_be_bytes([data[0], data[1]]));
        }
    }
    None
}

/// The version the Protocol column and record titles name: the one the
/// conversation settled (`memo`), else the segment's hello's, else its first
/// record's; `None` when the segment starts no record.
fn shown_version(recs: &[Record<'_>], memo: Option<u32>) -> Option<u16> {
    let first = recs.first()?;
    let settled = memo.and_then(|m| u16::try_from(m).ok());
    Some(settled.or_else(|| hello_version(recs)).unwrap_or(first.version))
}

/// One record's part of the Info column.
fn record_info(r: &Record<'_>, out: &mut Vec<String>) {
    match r.ctype {
        CHANGE_CIPHER_SPEC => out.push("Change Cipher Spec".into()),
        ALERT if r.encrypted => out.push("Encrypted Alert".into()),
        ALERT => out.push(alert_text(r.body)),
        HANDSHAKE if r.encrypted => out.push("Encrypted Handshake Message".into()),
        HANDSHAKE => {
            for (t, _, _, m) in messages(r.body) {
                out.push(message_label(t, m).into());
            }
        }
        APPLICATION_DATA => out.push("Application Data".into()),
        _ => out.push(content_name(r.ctype).into()),
    }
}

/// `Alert (Level: Fatal, Description: Handshake Failure)`.
fn alert_text(body: &[u8]) -> String {
    match body {
        [level, desc, ..] => {
            format!("Alert (Level: {}, Description: {})", alert_level(*level), alert_desc(*desc))
        }
        _ => "Alert".into(),
    }
}

impl Dissector for Tls {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn title(&self) -> &'static str {
        "Transport Layer Security"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        self.column_in(pdu, Ctx::default())
    }

    /// The version the conversation's ServerHello picked.
    fn learn(&self, pdu: &[u8]) -> Option<u32> {
        server_hello_version(&records(pdu)).map(u32::from)
    }

    /// The version the conversation settled, else the one this segment's
    /// records suggest (as tshark before it has seen the ServerHello).
    fn column_in(&self, pdu: &[u8], ctx: Ctx) -> &'static str {
        shown_version(&records(pdu), ctx.memo).map_or("SSL", column_name)
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn heuristic(&self, carrier: Carrier, pdu: &[u8]) -> bool {
        carrier == Carrier::Tcp && self.accepts(pdu)
    }

    /// A segment is TLS when it starts with a record header. Text is not (as
    /// tshark); a segment that starts inside a record is the rest of one the
    /// pipeline reassembles ([`Dissector::pdu_len`]) or, when its start was
    /// never seen, bytes tshark shows as `Continuation Data` and socklab cannot
    /// tell from others: it leaves them to TCP.
    fn accepts(&self, pdu: &[u8]) -> bool {
        !starts_with_text(pdu) && plausible_header(pdu)
    }

    /// A record: its five-byte header and the length the header declares
    /// (RFC 8446 §5.1); bytes that start no record are not measured.
    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        record_len(head)
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let recs = records(pdu);
        if recs.is_empty() {
            out.push_str("Continuation Data");
            return;
        }
        let mut parts = Vec::new();
        for r in &recs {
            record_info(r, &mut parts);
        }
        out.push_str(&parts.join(", "));
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) {
        out.at(0).proto("tls").bytes(o, pdu.len()).line(format_args!("Transport Layer Security"));
        let recs = records(pdu);
        let column = shown_version(&recs, ctx.memo).map_or("SSL", column_name);
        for r in &recs {
            record_tree(out, r, column, o);
        }
    }

    fn note(&self, pdu: &[u8], ctx: Ctx, out: &mut dyn fmt::Write) -> fmt::Result {
        note::write(pdu, ctx, out)
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// A record's part of the details tree.
fn record_tree(out: &mut Tree, r: &Record<'_>, column: &str, o: usize) {
    let at = o + r.at;
    let total = RECORD_HEADER + r.body.len();
    let title = match r.ctype {
        CHANGE_CIPHER_SPEC => "Change Cipher Spec Protocol: Change Cipher Spec".to_string(),
        ALERT if r.encrypted => "Encrypted Alert".to_string(),
        ALERT => alert_text(r.body),
        HANDSHAKE if r.encrypted => "Handshake Protocol: Encrypted Handshake Message".to_string(),
        HANDSHAKE => match messages(r.body).as_slice() {
            [(t, _, _, m)] => format!("Handshake Protocol: {}", message_label(*t, m)),
            _ => "Handshake Protocol: Multiple Handshake Messages".to_string(),
        },
        APPLICATION_DATA => "Application Data Protocol: Application Data".to_string(),
        t => format!("{} Protocol", content_name(t)),
    };
    out.at(1)
        .field("tls.record", Ftype::None, "")
        .bytes(at, total)
        .line(format_args!("{column} Record Layer: {title}"));
    let (type_field, type_title) = if r.ctype == APPLICATION_DATA && column == "TLSv1.3" {
        ("tls.record.opaque_type", "Opaque Type")
    } else {
        ("tls.record.content_type", "Content Type")
    };
    out.at(2).field(type_field, Ftype::Uint8, r.ctype).bytes(at, 1).line(format_args!(
        "{type_title}: {} ({})",
        content_name(r.ctype),
        r.ctype
    ));
    out.at(2)
        .field("tls.record.version", Ftype::Uint16, Value::hex(u64::from(r.version), 4))
        .bytes(at + 1, 2)
        .line(format_args!("Version: {} (0x{:04x})", version_name(r.version), r.version));
    out.at(2).field("tls.record.length", Ftype::Uint16, r.len).bytes(at + 3, 2).line(format_args!("Length: {}", r.len));
    let body_at = at + RECORD_HEADER;
    match r.ctype {
        CHANGE_CIPHER_SPEC => {
            out.at(2)
                .field("tls.change_cipher_spec", Ftype::None, "")
                .bytes(body_at, r.body.len())
                .line(format_args!("Change Cipher Spec Message"));
        }
        ALERT if !r.encrypted => {
            if let [level, desc, ..] = r.body {
                out.at(2)
                    .field("tls.alert_message", Ftype::None, "")
                    .bytes(body_at, 2)
                    .line(format_args!("Alert Message"));
                out.at(3)
                    .field("tls.alert_message.level", Ftype::Uint8, *level)
                    .bytes(body_at, 1)
                    .line(format_args!("Level: {} ({level})", alert_level(*level)));
                out.at(3)
                    .field("tls.alert_message.desc", Ftype::Uint8, *desc)
                    .bytes(body_at + 1, 1)
                    .line(format_args!("Description: {} ({desc})", alert_desc(*desc)));
            }
        }
        HANDSHAKE if r.encrypted => {
            out.at(2)
                .field("tls.handshake", Ftype::None, "")
                .bytes(body_at, r.body.len())
                .line(format_args!("Handshake Protocol: Encrypted Handshake Message"));
        }
        HANDSHAKE => {
            for (t, start, n, m) in messages(r.body) {
                handshake_tree(out, t, n, m, body_at + start);
            }
        }
        APPLICATION_DATA | ALERT => {
            out.at(2)
                .field("tls.app_data", Ftype::Bytes, Mac(r.body))
                .bytes(body_at, r.body.len())
                .line(format_args!("Encrypted Application Data: {}", shown_bytes(r.body)));
        }
        _ => {}
    }
}

/// One handshake message: its header, and the hellos' and Certificate's contents.
fn handshake_tree(out: &mut Tree, t: u8, n: u32, m: &[u8], at: usize) {
    let name = message_label(t, m);
    out.at(2)
        .field("tls.handshake", Ftype::None, "")
        .bytes(at, HANDSHAKE_HEADER + m.len())
        .line(format_args!("Handshake Protocol: {name}"));
    out.at(3)
        .field("tls.handshake.type", Ftype::Uint8, t)
        .bytes(at, 1)
        .line(format_args!("Handshake Type: {name} ({t})"));
    out.at(3).field("tls.handshake.length", Ftype::Uint24, n).bytes(at + 1, 3).line(format_args!("Length: {n}"));
    let body_at = at + HANDSHAKE_HEADER;
    let complete = match t {
        CLIENT_HELLO | SERVER_HELLO => hello_tree(out, t == CLIENT_HELLO, m, body_at),
        CERTIFICATE => certificates_tree(out, m, body_at),
        _ => Some(()),
    };
    if complete.is_none() || m.len() < n as usize {
        out.text(3, format_args!("[Message cut short: {} of {n} bytes in this segment]", m.len()));
    }
}

/// A ClientHello's or ServerHello's fields; `None` where the bytes stop.
fn hello_tree(out: &mut Tree, client: bool, m: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: m, at: 0 };
    let v = c.u16()?;
    out.at(3)
        .field("tls.handshake.version", Ftype::Uint16, Value::hex(u64::from(v), 4))
        .bytes(o, 2)
        .line(format_args!("Version: {} (0x{v:04x})", version_name(v)));
    let random = c.take(RANDOM_LEN)?;
    out.at(3)
        .field("tls.handshake.random", Ftype::Bytes, Mac(random))
        .bytes(o + 2, RANDOM_LEN)
        .line(format_args!("Random: {}", shown_bytes(random)));
    let sid_at = c.at;
    let sid_len = c.u8()?;
    out.at(3)
        .field("tls.handshake.session_id_length", Ftype::Uint16, sid_len)
        .bytes(o + sid_at, 1)
        .line(format_args!("Session ID Length: {sid_len}"));
    let sid = c.take(usize::from(sid_len))?;
    if !sid.is_empty() {
        out.at(3)
            .field("tls.handshake.session_id", Ftype::Bytes, Mac(sid))
            .bytes(o + sid_at + 1, sid.len())
            .line(format_args!("Session ID: {}", shown_bytes(sid)));
    }
    if client {
        let at = c.at;
        let len = c.u16()?;
        out.at(3)
            .field("tls.handshake.cipher_suites_length", Ftype::Uint16, len)
            .bytes(o + at, 2)
            .line(format_args!("Cipher Suites Length: {len}"));
        let list = c.take(usize::from(len))?;
        out.at(3)
            .field("tls.handshake.ciphersuites", Ftype::None, "")
            .bytes(o + at + 2, list.len())
            .line(format_args!("Cipher Suites ({} suites)", list.len() / 2));
        for (i, s) in list.chunks_exact(2).enumerate() {
            let s = u16::from_be_bytes([s[0], s[1]]);
            out.at(4)
                .field("tls.handshake.ciphersuite", Ftype::Uint16, Value::hex(u64::from(s), 4))
                .bytes(o + at + 2 + 2 * i, 2)
                .line(format_args!("Cipher Suite: {}", suite_text(s)));
        }
        let at = c.at;
        let len = c.u8()?;
        out.at(3)
            .field("tls.handshake.comp_methods_length", Ftype::Uint8, len)
            .bytes(o + at, 1)
            .line(format_args!("Compression Methods Length: {len}"));
        let methods = c.take(usize::from(len))?;
        let plural = if methods.len() == 1 { "" } else { "s" };
        out.at(3)
            .field("tls.handshake.comp_methods", Ftype::None, "")
            .bytes(o + at + 1, methods.len())
            .line(format_args!("Compression Methods ({} method{plural})", methods.len()));
        for (i, &m) in methods.iter().enumerate() {
            compression(out, 4, m, o + at + 1 + i);
        }
    } else {
        let at = c.at;
        let s = c.u16()?;
        out.at(3)
            .field("tls.handshake.ciphersuite", Ftype::Uint16, Value::hex(u64::from(s), 4))
            .bytes(o + at, 2)
            .line(format_args!("Cipher Suite: {}", suite_text(s)));
        let at = c.at;
        compression(out, 3, c.u8()?, o + at);
    }
    if c.at == m.len() {
        return Some(());
    }
    let at = c.at;
    let len = c.u16()?;
    out.at(3)
        .field("tls.handshake.extensions_length", Ftype::Uint16, len)
        .bytes(o + at, 2)
        .line(format_args!("Extensions Length: {len}"));
    let end = c.at + usize::from(len);
    while c.at < end {
        let at = c.at;
        let (t, n) = (c.u16()?, c.u16()?);
        let data = c.take(usize::from(n))?;
        extension_tree(out, t, data, o + at);
    }
    Some(())
}

/// `Compression Method: null (0)`.
fn compression(out: &mut Tree, depth: usize, m: u8, at: usize) {
    let name = match m {
        0 => "null",
        1 => "DEFLATE",
        64 => "LZS",
        _ => "Unknown",
    };
    out.at(depth)
        .field("tls.handshake.comp_method", Ftype::Uint8, m)
        .bytes(at, 1)
        .line(format_args!("Compression Method: {name} ({m})"));
}

/// One hello extension: its type and length, and the contents of the few
/// decoded in detail (server name, groups, ALPN, supported versions).
fn extension_tree(out: &mut Tree, t: u16, data: &[u8], at: usize) {
    let name = lookup(EXTENSIONS, t).unwrap_or("Unknown");
    let n = data.len();
    out.text(3, format_args!("Extension: {name} (len={n})"));
    out.at(4)
        .field("tls.handshake.extension.type", Ftype::Uint16, t)
        .bytes(at, 2)
        .line(format_args!("Type: {name} ({t})"));
    out.at(4).field("tls.handshake.extension.len", Ftype::Uint16, n).bytes(at + 2, 2).line(format_args!("Length: {n}"));
    let o = at + 4;
    let decoded = match t {
        EXT_SERVER_NAME => server_name_tree(out, data, o),
        EXT_SUPPORTED_GROUPS => groups_tree(out, data, o),
        EXT_ALPN => alpn_tree(out, data, o),
        EXT_SUPPORTED_VERSIONS => versions_tree(out, data, o),
        _ => {
            if !data.is_empty() {
                out.at(5)
                    .field("tls.handshake.extension.data", Ftype::Bytes, Mac(data))
                    .bytes(o, n)
                    .line(format_args!("Data: {}", shown_bytes(data)));
            }
            Some(())
        }
    };
    if decoded.is_none() {
        out.text(5, format_args!("[Extension cut short or malformed]"));
    }
}

/// The server_name extension: the host name the client asks for, in clear.
fn server_name_tree(out: &mut Tree, data: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: data, at: 0 };
    let list = c.u16()?;
    out.text(5, format_args!("Server Name Indication extension"));
    out.at(6)
        .field("tls.handshake.extensions_server_name_list_len", Ftype::Uint16, list)
        .bytes(o, 2)
        .line(format_args!("Server Name list length: {list}"));
    while c.at < data.len() {
        let at = c.at;
        let kind = c.u8()?;
        let kind_name = if kind == 0 { "host_name" } else { "Unknown" };
        out.at(6)
            .field("tls.handshake.extensions_server_name_type", Ftype::Uint8, kind)
            .bytes(o + at, 1)
            .line(format_args!("Server Name Type: {kind_name} ({kind})"));
        let len = c.u16()?;
        out.at(6)
            .field("tls.handshake.extensions_server_name_len", Ftype::Uint16, len)
            .bytes(o + at + 1, 2)
            .line(format_args!("Server Name length: {len}"));
        let name = String::from_utf8_lossy(c.take(usize::from(len))?);
        out.at(6)
            .field("tls.handshake.extensions_server_name", Ftype::String, &name)
            .bytes(o + at + 3, usize::from(len))
            .line(format_args!("Server Name: {name}"));
    }
    Some(())
}

/// The supported_groups extension: the key-exchange groups the client offers.
fn groups_tree(out: &mut Tree, data: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: data, at: 0 };
    let len = c.u16()?;
    out.at(5)
        .field("tls.handshake.extensions_supported_groups_length", Ftype::Uint16, len)
        .bytes(o, 2)
        .line(format_args!("Supported Groups List Length: {len}"));
    let list = c.take(usize::from(len))?;
    out.text(5, format_args!("Supported Groups ({} groups)", list.len() / 2));
    for (i, g) in list.chunks_exact(2).enumerate() {
        let g = u16::from_be_bytes([g[0], g[1]]);
        out.at(6)
            .field("tls.handshake.extensions_supported_group", Ftype::Uint16, Value::hex(u64::from(g), 4))
            .bytes(o + 2 + 2 * i, 2)
            .line(format_args!("Supported Group: {} (0x{g:04x})", lookup(GROUPS, g).unwrap_or("Unknown")));
    }
    Some(())
}

/// The ALPN extension: the application protocols offered (or the one chosen).
fn alpn_tree(out: &mut Tree, data: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: data, at: 0 };
    let len = c.u16()?;
    out.at(5)
        .field("tls.handshake.extensions_alpn_len", Ftype::Uint16, len)
        .bytes(o, 2)
        .line(format_args!("ALPN Extension Length: {len}"));
    out.at(5)
        .field("tls.handshake.extensions_alpn_list", Ftype::None, "")
        .bytes(o + 2, data.len().saturating_sub(2))
        .line(format_args!("ALPN Protocol"));
    while c.at < data.len() {
        let at = c.at;
        let n = c.u8()?;
        out.at(6)
            .field("tls.handshake.extensions_alpn_str_len", Ftype::Uint8, n)
            .bytes(o + at, 1)
            .line(format_args!("ALPN string length: {n}"));
        let s = String::from_utf8_lossy(c.take(usize::from(n))?);
        out.at(6)
            .field("tls.handshake.extensions_alpn_str", Ftype::String, &s)
            .bytes(o + at + 1, usize::from(n))
            .line(format_args!("ALPN Next Protocol: {s}"));
    }
    Some(())
}

/// The supported_versions extension: a list in a ClientHello, the chosen
/// version (two bytes) in a ServerHello.
fn versions_tree(out: &mut Tree, data: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: data, at: 0 };
    let (list, start) = if data.len() == 2 {
        (data, 0)
    } else {
        let len = c.u8()?;
        out.at(5)
            .field("tls.handshake.extensions.supported_versions_len", Ftype::Uint8, len)
            .bytes(o, 1)
            .line(format_args!("Supported Versions length: {len}"));
        (c.take(usize::from(len))?, 1)
    };
    for (i, v) in list.chunks_exact(2).enumerate() {
        let v = u16::from_be_bytes([v[0], v[1]]);
        out.at(5)
            .field("tls.handshake.extensions.supported_version", Ftype::Uint16, Value::hex(u64::from(v), 4))
            .bytes(o + start + 2 * i, 2)
            .line(format_args!("Supported Version: {} (0x{v:04x})", version_name(v)));
    }
    Some(())
}

/// A Certificate message (TLS 1.2 form): each certificate's bytes, with the
/// subject and the issuer named.
fn certificates_tree(out: &mut Tree, m: &[u8], o: usize) -> Option<()> {
    let mut c = Cursor { b: m, at: 0 };
    let len = c.num(3)?;
    out.at(3)
        .field("tls.handshake.certificates_length", Ftype::Uint24, len)
        .bytes(o, 3)
        .line(format_args!("Certificates Length: {len}"));
    out.at(3)
        .field("tls.handshake.certificates", Ftype::None, "")
        .bytes(o + 3, m.len().saturating_sub(3))
        .line(format_args!("Certificates ({len} bytes)"));
    while c.at < m.len() {
        let at = c.at;
        let n = c.num(3)?;
        out.at(4)
            .field("tls.handshake.certificate_length", Ftype::Uint24, n)
            .bytes(o + at, 3)
            .line(format_args!("Certificate Length: {n}"));
        let cert = c.take(n as usize)?;
        let named = x509::names(cert);
        let subject = named.as_ref().map(|(_, s)| format!(" ({s})")).unwrap_or_default();
        out.at(4)
            .field("tls.handshake.certificate", Ftype::Bytes, Mac(cert))
            .bytes(o + at + 3, cert.len())
            .line(format_args!("Certificate: {}{subject}", shown_bytes(cert)));
        match named {
            Some((issuer, subject)) => {
                out.text(5, format_args!("issuer: {issuer}"));
                out.text(5, format_args!("subject: {subject}"));
            }
            None => out.text(5, format_args!("[Certificate not decoded: malformed DER]")),
        }
    }
    Some(())
}

#[cfg(test)]
mod tests;
