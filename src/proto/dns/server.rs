//! The authoritative server's logic, sans I/O: query bytes in, response bytes out
//! (RFC 1035 §4.3.1, §7; RFC 6891 §6.2, §7; RFC 2308 for NXDOMAIN and NODATA).
//! `socklab dns server` calls [`answer`] for every datagram it receives.

use super::builder::response_to;
use super::decode::decode;
use super::encode::encode;
use super::header::{Flags, Header, FLAGS_OFFSET, HEADER_LEN, ID_OFFSET};
use super::message::{Edns, Message, Record};
use super::types::{Class, Opcode, Rcode, RrType};
use super::zone::{Lookup, Zone};

/// Largest response over UDP without EDNS0 (RFC 1035 §4.2.1).
pub const CLASSIC_UDP_PAYLOAD: usize = 512;
/// The UDP payload size this server advertises in its OPT record, and the most
/// it sends whatever the requester offers (the DNS Flag Day 2020 value: it fits
/// an IPv6 packet of the minimum MTU, 1280 bytes, without fragments).
pub const SERVER_UDP_PAYLOAD: u16 = 1232;
/// The only EDNS version there is (RFC 6891 §6.1.3).
const EDNS_VERSION: u8 = 0;
/// QTYPE of an incremental zone transfer (RFC 1995).
const IXFR: u16 = 251;
/// QTYPE of a full zone transfer (RFC 5936).
const AXFR: u16 = 252;

/// The response to one query, or `None` when the server must stay silent: fewer than
/// 12 bytes (no header to answer), or a message that is itself a response (QR set;
/// answering those could loop between two servers).
///
/// - a query it cannot parse: FORMERR with the ID, Opcode and RD copied;
/// - an Opcode other than QUERY: NOTIMP, question echoed;
/// - not exactly one question, or two OPT records: FORMERR;
/// - EDNS version above 0: BADVERS (RFC 6891 §6.1.3);
/// - QTYPE OPT: FORMERR; zone transfers (AXFR, IXFR) or a class other than IN or
///   ANY: REFUSED;
/// - a name in the zone: NOERROR, AA set, the records of the type asked (CNAMEs
///   followed inside the zone), or none (NODATA) when it has other types only;
/// - a name not in the zone: NXDOMAIN, AA set.
///
/// ID and question are echoed, RD copied. A query with an OPT record gets one back.
/// A response longer than [`udp_limit`] is sent without its records and with TC
/// set (RFC 1035 §4.2.1, RFC 2181 §9), telling the client to ask again over TCP.
pub fn answer(query: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    answer_within(query, zone, true)
}

/// [`answer`] for a query that came over TCP: the same response, never
/// truncated (a TCP message may hold up to 65535 bytes, RFC 1035 §4.2.2;
/// RFC 7766 §8), so a client that got TC over UDP gets every record.
pub fn answer_tcp(query: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    answer_within(query, zone, false)
}

/// [`answer`], with the UDP size limit applied only when `udp`.
fn answer_within(query: &[u8], zone: &Zone, udp: bool) -> Option<Vec<u8>> {
    if query.len() < HEADER_LEN {
        return None;
    }
    let id = u16::from_be_bytes([query[ID_OFFSET], query[ID_OFFSET + 1]]);
    let flags = Flags::from_u16(u16::from_be_bytes([query[FLAGS_OFFSET], query[FLAGS_OFFSET + 1]]));
    if flags.qr {
        return None;
    }
    let Ok(msg) = decode(query) else {
        return encode(&format_error(id, flags)).ok();
    };
    let opts = msg.additionals.iter().filter(|r| r.rtype == RrType::Opt).count();
    if opts > 1 || (flags.opcode == Opcode::Query && msg.questions.len() != 1) {
        return encode(&format_error(id, flags)).ok();
    }
    let edns = msg.edns();
    let mut response = respond(&msg, zone, edns.as_ref());
    if let Some(e) = &edns {
        response.additionals.push(server_edns(e, ext_rcode(&response)).to_record());
    }
    response.sync_counts();
    let limit = udp_limit(edns.as_ref());
    let bytes = encode(&response).ok()?;
    if !udp || bytes.len() <= limit {
        return Some(bytes);
    }
    response.answers.clear();
    response.authorities.clear();
    response.header.flags.tc = true;
    response.sync_counts();
    encode(&response).ok()
}

/// The largest UDP response to a query with (or without) this OPT record: 512
/// bytes without EDNS (RFC 1035 §4.2.1); else the requester's payload size, read
/// as 512 when lower (RFC 6891 §6.2.5), and never above [`SERVER_UDP_PAYLOAD`]
/// (RFC 6891 §6.2.3 and §6.2.5: the responder's own limit applies), so the
/// server cannot be used to multiply a forged requester's traffic.
pub fn udp_limit(edns: Option<&Edns>) -> usize {
    edns.map_or(CLASSIC_UDP_PAYLOAD, |e| {
        usize::from(e.udp_payload_size).clamp(CLASSIC_UDP_PAYLOAD, usize::from(SERVER_UDP_PAYLOAD))
    })
}

/// FORMERR for a message whose header is all that can be read.
fn format_error(id: u16, query: Flags) -> Message {
    let flags = Flags { qr: true, opcode: query.opcode, rd: query.rd, rcode: Rcode::FormErr, ..Flags::default() };
    Message { header: Header { id, flags, ..Header::default() }, ..Message::default() }
}

/// The response without its OPT record; an extended RCODE (BADVERS) is returned
/// through the header's 4 bits plus [`ext_rcode`].
fn respond(query: &Message, zone: &Zone, edns: Option<&Edns>) -> Message {
    if query.header.flags.opcode != Opcode::Query {
        let mut r = response_to(query, Rcode::NotImp);
        r.header.flags.aa = false;
        return r;
    }
    if edns.is_some_and(|e| e.version > EDNS_VERSION) {
        let mut r = response_to(query, Rcode::BadVers);
        r.header.flags.aa = false;
        return r;
    }
    let q = &query.questions[0];
    if q.qtype == RrType::Opt {
        // OPT is a pseudo-record, never a question (RFC 6891 §6.1.1).
        let mut r = response_to(query, Rcode::FormErr);
        r.header.flags.aa = false;
        return r;
    }
    if matches!(q.qtype.code(), IXFR | AXFR) || !matches!(q.qclass, Class::In | Class::Any) {
        let mut r = response_to(query, Rcode::Refused);
        r.header.flags.aa = false;
        return r;
    }
    match zone.lookup(&q.name.name, q.qtype) {
        Lookup::Answers(records) => {
            let mut r = response_to(query, Rcode::NoError);
            r.answers = records
                .iter()
                .map(|z| {
                    // The question's own spelling, so the answer compresses to c0 0c.
                    let owner = if z.name.eq_ignore_case(&q.name.name) { &q.name.name } else { &z.name };
                    z.to_record(owner)
                })
                .collect::<Vec<Record>>();
            r
        }
        Lookup::NxDomain => response_to(query, Rcode::NxDomain),
        Lookup::NoData => response_to(query, Rcode::NoError),
    }
}

/// Upper 8 bits of the response's 12-bit RCODE; the header keeps the low 4.
fn ext_rcode(response: &Message) -> u8 {
    (response.header.flags.rcode.code() >> 4) as u8
}

/// The server's OPT record parameters in reply to the client's: our payload size,
/// version 0, DO copied (RFC 3225 §3), no options.
fn server_edns(client: &Edns, ext_rcode: u8) -> Edns {
    Edns { ext_rcode, dnssec_ok: client.dnssec_ok, ..Edns::new(SERVER_UDP_PAYLOAD) }
}
