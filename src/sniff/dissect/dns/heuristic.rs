//! Recognising DNS over UDP on any port, as tshark 4.0 does without `-d`: a
//! datagram whose ports no port dissector takes is DNS when its header
//! (RFC 1035 §4.1.1) looks like a plausible standard query or response.
//!
//! The checks and the port list were measured against tshark 4.0.17 with
//! crafted datagrams (scripts/dns-heuristic-check.sh keeps that measurement
//! repeatable): no length check beyond the header, no name parsing.

use crate::proto::dns::HEADER_LEN;

/// Offset of the flags in the header (RFC 1035 §4.1.1).
const FLAGS: usize = 2;
/// Offset of QDCOUNT, followed by ANCOUNT, NSCOUNT and ARCOUNT.
const QDCOUNT: usize = 4;
/// The QR bit: a response.
const QR: u16 = 0x8000;
/// The OPCODE bits.
const OPCODE: u16 = 0x7800;
/// Most answers a response may carry and still be taken for DNS.
const MAX_ANSWERS: u16 = 100;
/// Most authority records a response may carry.
const MAX_AUTHORITIES: u16 = 10;
/// Most additional records any message may carry.
const MAX_ADDITIONALS: u16 = 10;

/// UDP ports on which tshark 4.0's port dissectors take a datagram holding a
/// DNS query or response before the DNS heuristic sees it (NBNS on 137, NTP on
/// 123, LLMNR on 5355, QUIC, SSDP, VXLAN…). Measured: a DNS query to and a
/// response from each port of `tshark -G decodes`'s `udp.port` table, and
/// kept where tshark showed another protocol (scripts/dns-heuristic-check.sh).
/// 53 is DNS by port; 5353 is mDNS, decoded by port.
pub const TSHARK_CLAIMED_UDP_PORTS: [u16; 186] = [
    7, 13, 19, 37, 49, 67, 68, 69, 111, 123, 137, 138, 173, 213, 269, 319, 320, 389, 427, 434, 464, 496, 500, 513, 514,
    520, 521, 524, 525, 546, 547, 654, 664, 701, 853, 854, 910, 921, 925, 1001, 1113, 1153, 1194, 1293, 1628, 1629,
    1718, 1719, 1745, 1755, 1900, 1985, 2029, 2099, 2123, 2152, 2157, 2221, 2222, 2246, 2268, 2269, 2313, 2345, 2887,
    2944, 2945, 2948, 2949, 3000, 3130, 3250, 3343, 3357, 3386, 3389, 3452, 3455, 3544, 3567, 3671, 3784, 3785, 3804,
    3863, 4305, 4306, 4307, 4341, 4342, 4500, 4551, 4555, 4569, 4729, 4754, 4784, 4789, 4790, 4791, 4991, 5072, 5246,
    5247, 5353, 5355, 5404, 5405, 5436, 5567, 5678, 5683, 5684, 5868, 6073, 6081, 6118, 6160, 6635, 6784, 6970, 7074,
    7075, 7255, 7275, 7784, 8200, 8600, 8755, 8767, 8805, 8848, 9200, 9201, 9202, 9203, 9214, 9875, 9877, 9899, 9901,
    9955, 9956, 10253, 11211, 11273, 12000, 12001, 12002, 12003, 12004, 12220, 12222, 12223, 13400, 17220, 17500,
    17755, 17756, 19132, 19948, 19999, 23272, 24576, 24577, 25826, 26000, 27500, 27910, 27950, 27951, 27952, 27953,
    27960, 27961, 27962, 27963, 32000, 32512, 34962, 34980, 37008, 41170, 44818, 47000, 54328,
];

/// Whether tshark would try its DNS heuristic on a datagram between these
/// ports: neither is taken by a port dissector first.
pub fn heuristic_applies(sport: u16, dport: u16) -> bool {
    [sport, dport].iter().all(|p| TSHARK_CLAIMED_UDP_PORTS.binary_search(p).is_err())
}

/// Whether a UDP payload passes tshark 4.0's DNS heuristic: more than a header;
/// a standard query (OPCODE 0) with one question and no answer or authority
/// records, or a standard response with at most one question, 100 answers and
/// 10 authority records; at most 10 additional records either way.
pub fn looks_like_dns(payload: &[u8]) -> bool {
    if payload.len() <= HEADER_LEN {
        return false;
    }
    let word = |at: usize| crate::proto::bytes::be16(payload, at);
    let flags = word(FLAGS);
    let (questions, answers, authorities, additionals) =
        (word(QDCOUNT), word(QDCOUNT + 2), word(QDCOUNT + 4), word(QDCOUNT + 6));
    if flags & OPCODE != 0 || additionals > MAX_ADDITIONALS {
        return false;
    }
    if flags & QR == 0 {
        questions == 1 && answers == 0 && authorities == 0
    } else {
        questions <= 1 && answers <= MAX_ANSWERS && authorities <= MAX_AUTHORITIES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with these flags and counts, then `body`.
    fn msg(flags: u16, counts: [u16; 4], body: &[u8]) -> Vec<u8> {
        let mut m = vec![0x12, 0x34];
        m.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            m.extend_from_slice(&c.to_be_bytes());
        }
        m.extend_from_slice(body);
        m
    }

    /// `www.example.com A IN`.
    const QUESTION: &[u8] = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01";

    #[test]
    fn a_query_from_dig_is_dns() {
        assert!(looks_like_dns(&msg(0x0120, [1, 0, 0, 1], QUESTION)));
    }

    #[test]
    fn a_bare_header_is_not_dns() {
        assert!(!looks_like_dns(&msg(0x0100, [1, 0, 0, 0], b"")));
        assert!(!looks_like_dns(b"\x12\x34\x01"));
        assert!(!looks_like_dns(b""));
    }

    #[test]
    fn one_byte_after_the_header_is_enough() {
        // tshark checks no lengths: it shows these as malformed DNS.
        assert!(looks_like_dns(&msg(0x0100, [1, 0, 0, 0], b"\x00")));
        assert!(looks_like_dns(&msg(0x8180, [1, 100, 10, 10], b"\x00")));
    }

    #[test]
    fn other_opcodes_are_not_dns() {
        assert!(!looks_like_dns(&msg(0x0900, [1, 0, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x9000, [1, 0, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x2800, [1, 0, 0, 0], QUESTION)));
    }

    #[test]
    fn a_query_needs_exactly_one_question_and_no_records_but_additional() {
        assert!(!looks_like_dns(&msg(0x0100, [2, 0, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x0100, [0, 1, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x0100, [1, 1, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x0100, [1, 0, 1, 0], QUESTION)));
        assert!(looks_like_dns(&msg(0x0100, [1, 0, 0, 10], QUESTION)));
        assert!(!looks_like_dns(&msg(0x0100, [1, 0, 0, 11], QUESTION)));
    }

    #[test]
    fn a_response_has_bounded_counts() {
        assert!(looks_like_dns(&msg(0x8180, [0, 0, 0, 0], b"\x00")));
        assert!(looks_like_dns(&msg(0x8180, [1, 100, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x8180, [1, 101, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x8180, [2, 0, 0, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x8180, [1, 0, 11, 0], QUESTION)));
        assert!(!looks_like_dns(&msg(0x8180, [1, 0, 0, 11], QUESTION)));
    }

    #[test]
    fn rcode_and_flag_bits_do_not_matter() {
        assert!(looks_like_dns(&msg(0x0105, [1, 0, 0, 0], QUESTION)));
        assert!(looks_like_dns(&msg(0x87ff, [1, 0, 0, 0], QUESTION)));
    }

    #[test]
    fn text_and_zeros_are_not_dns() {
        assert!(!looks_like_dns(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(!looks_like_dns(&[0; 40]));
    }

    #[test]
    fn ports_of_other_dissectors_keep_their_datagrams() {
        assert!(!heuristic_applies(40000, 137));
        assert!(!heuristic_applies(123, 40000));
        assert!(heuristic_applies(40000, 34567));
        assert!(heuristic_applies(40000, 10053));
    }

    #[test]
    fn the_port_list_is_sorted_without_repeats() {
        assert!(TSHARK_CLAIMED_UDP_PORTS.windows(2).all(|w| w[0] < w[1]));
    }
}
