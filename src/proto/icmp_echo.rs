//! ICMP echo request and echo reply, the messages of `ping`: RFC 792 ("Echo or Echo
//! Reply Message") for IPv4 and RFC 4443 §4.1-4.2 for ICMPv6. Sans-I/O: bytes in,
//! values out, and back.
//!
//! ```text
//!  0               1               2               3
//! +---------------+---------------+-------------------------------+
//! |     Type      |     Code      |          Checksum             |
//! +---------------+---------------+-------------------------------+
//! |           Identifier          |        Sequence Number        |
//! +-------------------------------+-------------------------------+
//! |     Data ...
//! ```
//!
//! The checksum is the internet checksum (RFC 1071) of the whole ICMP message; for
//! ICMPv6 it also covers a pseudo-header with both addresses (RFC 4443 §2.3), so
//! IPv6 encoding and decoding need them ([`Family::V6`]).

use crate::proto::bytes::be16;
use pnet_packet::icmp::echo_request::MutableEchoRequestPacket;
use pnet_packet::icmp::{self, IcmpPacket, IcmpType as PnetIcmpType};
use pnet_packet::icmpv6::echo_request::MutableEchoRequestPacket as MutableEchoRequestV6;
use pnet_packet::icmpv6::{self, Icmpv6Packet, Icmpv6Type};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Length of the echo header: type, code, checksum, identifier, sequence number.
pub const HEADER_LEN: usize = 8;
const TYPE_AT: usize = 0;
const CODE_AT: usize = 1;
const CHECKSUM_AT: usize = 2;
const IDENT_AT: usize = 4;
const SEQ_AT: usize = 6;
/// IPv4 protocol number of ICMP.
const PROTO_ICMP: u8 = 1;
/// Next-header value of ICMPv6 (in the pseudo-header).
const NEXT_HEADER_ICMPV6: u8 = 58;
/// Minimum IPv4 header length (IHL 5).
const IPV4_MIN_HEADER: usize = 20;
const IPV4_TTL_AT: usize = 8;
const IPV4_PROTO_AT: usize = 9;
const IPV4_SRC_AT: usize = 12;

/// Which ICMP: IPv4's (RFC 792) or ICMPv6 (RFC 4443) with the addresses its checksum covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// ICMP for IPv4.
    V4,
    /// ICMPv6 between `src` and `dst`.
    V6 {
        /// Source address of the message.
        src: Ipv6Addr,
        /// Destination address of the message.
        dst: Ipv6Addr,
    },
}

/// The ICMP message types a ping meets; any other number is `Unknown(n)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpType {
    /// Echo reply (IPv4 type 0, ICMPv6 type 129).
    EchoReply,
    /// Echo request (IPv4 type 8, ICMPv6 type 128).
    EchoRequest,
    /// Destination unreachable (IPv4 type 3, ICMPv6 type 1).
    DestinationUnreachable,
    /// Time exceeded (IPv4 type 11, ICMPv6 type 3).
    TimeExceeded,
    /// Any other type number.
    Unknown(u8),
}

impl IcmpType {
    /// The type for `n` in `family`'s numbering.
    pub fn from_number(family: Family, n: u8) -> IcmpType {
        match (family, n) {
            (Family::V4, 0) | (Family::V6 { .. }, 129) => IcmpType::EchoReply,
            (Family::V4, 8) | (Family::V6 { .. }, 128) => IcmpType::EchoRequest,
            (Family::V4, 3) | (Family::V6 { .. }, 1) => IcmpType::DestinationUnreachable,
            (Family::V4, 11) | (Family::V6 { .. }, 3) => IcmpType::TimeExceeded,
            (_, n) => IcmpType::Unknown(n),
        }
    }

    /// The type number in `family`'s numbering.
    pub fn number(self, family: Family) -> u8 {
        let v6 = matches!(family, Family::V6 { .. });
        match self {
            IcmpType::EchoReply => [0, 129][v6 as usize],
            IcmpType::EchoRequest => [8, 128][v6 as usize],
            IcmpType::DestinationUnreachable => [3, 1][v6 as usize],
            IcmpType::TimeExceeded => [11, 3][v6 as usize],
            IcmpType::Unknown(n) => n,
        }
    }
}

/// The body of an echo request or reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Echo {
    /// Identifier (ping uses its process id) to match replies to requests.
    pub ident: u16,
    /// Sequence number, counting from 1 in ping.
    pub seq: u16,
    /// Data, echoed back unchanged by the receiver.
    pub payload: Vec<u8>,
}

/// A decoded ICMP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// An echo request.
    Request(Echo),
    /// An echo reply.
    Reply(Echo),
    /// Any other ICMP message, by type and code.
    Other {
        /// Message type.
        icmp_type: IcmpType,
        /// Message code.
        code: u8,
    },
}

/// Why bytes are not an ICMP message (or an IPv4 datagram carrying one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ends at byte `got`; `needed` bytes were required.
    Truncated {
        /// Bytes required.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// The checksum at byte 2 does not match the message.
    BadChecksum {
        /// Checksum field as received.
        found: u16,
        /// Checksum the message should carry.
        expected: u16,
    },
    /// Byte 0 of the datagram is not an IPv4 header (version nibble shown).
    NotIpv4(u8),
    /// The IPv4 header length field (byte 0, low nibble) is below 5 words.
    BadIhl(u8),
    /// The IPv4 datagram (byte 9) carries protocol `n`, not ICMP.
    NotIcmp(u8),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated { needed, got } => write!(f, "truncated at byte {got}: {needed} bytes needed"),
            DecodeError::BadChecksum { found, expected } => {
                write!(f, "bad checksum at byte {CHECKSUM_AT}: 0x{found:04x}, expected 0x{expected:04x}")
            }
            DecodeError::NotIpv4(v) => write!(f, "byte 0: IP version {v}, not 4"),
            DecodeError::BadIhl(n) => write!(f, "byte 0: IPv4 header length {n} words, at least 5 required"),
            DecodeError::NotIcmp(p) => write!(f, "byte {IPV4_PROTO_AT}: IP protocol {p}, not ICMP (1)"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes an echo request (`reply == false`) or reply, checksum filled in.
///
/// The header is laid out with pnet_packet's echo-request packet (requests and
/// replies share it) and summed with pnet's ICMP / ICMPv6 checksum.
pub fn encode(family: Family, reply: bool, echo: &Echo) -> Vec<u8> {
    let kind = if reply { IcmpType::EchoReply } else { IcmpType::EchoRequest };
    let mut buf = vec![0u8; HEADER_LEN + echo.payload.len()];
    match family {
        Family::V4 => {
            if let Some(mut p) = MutableEchoRequestPacket::new(&mut buf) {
                p.set_icmp_type(PnetIcmpType(kind.number(family)));
                p.set_identifier(echo.ident);
                p.set_sequence_number(echo.seq);
                p.set_payload(&echo.payload);
            }
            let sum = IcmpPacket::new(&buf).map(|p| icmp::checksum(&p)).unwrap_or(0);
            buf[CHECKSUM_AT..CHECKSUM_AT + 2].copy_from_slice(&sum.to_be_bytes());
        }
        Family::V6 { src, dst } => {
            if let Some(mut p) = MutableEchoRequestV6::new(&mut buf) {
                p.set_icmpv6_type(Icmpv6Type(kind.number(family)));
                p.set_identifier(echo.ident);
                p.set_sequence_number(echo.seq);
                p.set_payload(&echo.payload);
            }
            let sum = Icmpv6Packet::new(&buf).map(|p| icmpv6::checksum(&p, &src, &dst)).unwrap_or(0);
            buf[CHECKSUM_AT..CHECKSUM_AT + 2].copy_from_slice(&sum.to_be_bytes());
        }
    }
    buf
}

/// Decodes an ICMP message, verifying its checksum first.
pub fn decode(family: Family, bytes: &[u8]) -> Result<Message, DecodeError> {
    if bytes.len() < HEADER_LEN {
        return Err(DecodeError::Truncated { needed: HEADER_LEN, got: bytes.len() });
    }
    verify_checksum(family, bytes)?;
    let icmp_type = IcmpType::from_number(family, bytes[TYPE_AT]);
    let echo =
        || Echo { ident: be16(bytes, IDENT_AT), seq: be16(bytes, SEQ_AT), payload: bytes[HEADER_LEN..].to_vec() };
    Ok(match icmp_type {
        IcmpType::EchoRequest => Message::Request(echo()),
        IcmpType::EchoReply => Message::Reply(echo()),
        _ => Message::Other { icmp_type, code: bytes[CODE_AT] },
    })
}

/// What a raw IPv4 ICMP socket delivers: the IPv4 header's useful fields and the ICMP bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv4Icmp<'a> {
    /// Time to live of the datagram as received.
    pub ttl: u8,
    /// Source address.
    pub src: Ipv4Addr,
    /// The ICMP message after the IPv4 header (options skipped).
    pub icmp: &'a [u8],
}

/// Skips the IPv4 header (RFC 791 §3.1) that raw IPv4 sockets deliver before the ICMP message.
pub fn strip_ipv4(datagram: &[u8]) -> Result<Ipv4Icmp<'_>, DecodeError> {
    if datagram.len() < IPV4_MIN_HEADER {
        return Err(DecodeError::Truncated { needed: IPV4_MIN_HEADER, got: datagram.len() });
    }
    let version = datagram[0] >> 4;
    if version != 4 {
        return Err(DecodeError::NotIpv4(version));
    }
    let ihl = datagram[0] & 0x0f;
    let header_len = usize::from(ihl) * 4;
    if header_len < IPV4_MIN_HEADER {
        return Err(DecodeError::BadIhl(ihl));
    }
    if datagram.len() < header_len {
        return Err(DecodeError::Truncated { needed: header_len, got: datagram.len() });
    }
    if datagram[IPV4_PROTO_AT] != PROTO_ICMP {
        return Err(DecodeError::NotIcmp(datagram[IPV4_PROTO_AT]));
    }
    let s = &datagram[IPV4_SRC_AT..IPV4_SRC_AT + 4];
    Ok(Ipv4Icmp {
        ttl: datagram[IPV4_TTL_AT],
        src: Ipv4Addr::new(s[0], s[1], s[2], s[3]),
        icmp: &datagram[header_len..],
    })
}

/// Checks the checksum field against the message (with the IPv6 pseudo-header for ICMPv6).
fn verify_checksum(family: Family, bytes: &[u8]) -> Result<(), DecodeError> {
    let found = be16(bytes, CHECKSUM_AT);
    let mut acc = Sum::default();
    if let Family::V6 { src, dst } = family {
        acc.add(&src.octets());
        acc.add(&dst.octets());
        acc.add(&(bytes.len() as u32).to_be_bytes());
        acc.add(&[0, 0, 0, NEXT_HEADER_ICMPV6]);
    }
    acc.add(&bytes[..CHECKSUM_AT]);
    acc.add(&bytes[CHECKSUM_AT + 2..]);
    let expected = acc.finish();
    // 0x0000 and 0xffff are the same value in ones' complement arithmetic.
    if found == expected || (found | expected) == 0xffff && (found & expected) == 0 {
        Ok(())
    } else {
        Err(DecodeError::BadChecksum { found, expected })
    }
}

/// RFC 1071 ones' complement sum over 16-bit big-endian words; every chunk added
/// must have even length except the last.
#[derive(Default)]
struct Sum(u64);

impl Sum {
    fn add(&mut self, data: &[u8]) {
        for pair in data.chunks(2) {
            let hi = u64::from(pair[0]) << 8;
            self.0 += hi | pair.get(1).copied().map_or(0, u64::from);
        }
    }

    fn finish(mut self) -> u16 {
        while self.0 > 0xffff {
            self.0 = (self.0 & 0xffff) + (self.0 >> 16);
        }
        !(self.0 as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An echo request captured from `ping` on loopback: id 0x04d2, seq 1, payload "abcdefgh".
    const REQUEST_V4: [u8; 16] =
        [0x08, 0x00, 0x61, 0x97, 0x04, 0xd2, 0x00, 0x01, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h'];
    /// The kernel's reply to it.
    const REPLY_V4: [u8; 16] =
        [0x00, 0x00, 0x69, 0x97, 0x04, 0xd2, 0x00, 0x01, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h'];
    /// The same request over ICMPv6 from ::1 to ::1 (checksum filled in by the kernel).
    const REQUEST_V6: [u8; 16] =
        [0x80, 0x00, 0xe9, 0x4a, 0x04, 0xd2, 0x00, 0x01, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h'];
    /// The IPv4 datagram a raw socket delivered around `REPLY_V4`.
    const DATAGRAM: [u8; 36] = [
        0x45, 0x00, 0x00, 0x24, 0x60, 0xa8, 0x00, 0x00, 0x40, 0x01, 0x1c, 0x2f, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x69, 0x97, 0x04, 0xd2, 0x00, 0x01, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h',
    ];

    fn sample() -> Echo {
        Echo { ident: 0x04d2, seq: 1, payload: b"abcdefgh".to_vec() }
    }

    fn loopback6() -> Family {
        Family::V6 { src: Ipv6Addr::LOCALHOST, dst: Ipv6Addr::LOCALHOST }
    }

    #[test]
    fn encodes_the_captured_bytes() {
        assert_eq!(encode(Family::V4, false, &sample()), REQUEST_V4);
        assert_eq!(encode(Family::V4, true, &sample()), REPLY_V4);
        assert_eq!(encode(loopback6(), false, &sample()), REQUEST_V6);
    }

    #[test]
    fn decodes_the_captured_bytes() {
        assert_eq!(decode(Family::V4, &REQUEST_V4), Ok(Message::Request(sample())));
        assert_eq!(decode(Family::V4, &REPLY_V4), Ok(Message::Reply(sample())));
        assert_eq!(decode(loopback6(), &REQUEST_V6), Ok(Message::Request(sample())));
    }

    #[test]
    fn round_trips_every_payload_size_and_family() {
        for fam in [Family::V4, loopback6()] {
            for len in [0usize, 1, 7, 56, 1000] {
                let e = Echo { ident: 0xbeef, seq: 65535, payload: (0..len).map(|i| i as u8).collect() };
                assert_eq!(decode(fam, &encode(fam, false, &e)), Ok(Message::Request(e.clone())));
                assert_eq!(decode(fam, &encode(fam, true, &e)), Ok(Message::Reply(e)));
            }
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for fam in [Family::V4, loopback6()] {
            let full = encode(fam, false, &sample());
            for len in 0..full.len() {
                match decode(fam, &full[..len]) {
                    Err(DecodeError::Truncated { needed: HEADER_LEN, got }) => assert!(len < HEADER_LEN && got == len),
                    Err(DecodeError::BadChecksum { .. }) => assert!(len >= HEADER_LEN),
                    other => panic!("length {len}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_flipped_bit_fails_the_checksum() {
        let mut bad = REPLY_V4;
        bad[9] ^= 0x01;
        assert!(matches!(decode(Family::V4, &bad), Err(DecodeError::BadChecksum { found: 0x6997, .. })));
        let v6_as_other_pair = Family::V6 { src: Ipv6Addr::LOCALHOST, dst: Ipv6Addr::UNSPECIFIED };
        assert!(matches!(decode(v6_as_other_pair, &REQUEST_V6), Err(DecodeError::BadChecksum { .. })));
    }

    #[test]
    fn unknown_types_decode_by_number() {
        let mut m = [13u8, 0, 0, 0, 0, 0, 0, 0];
        let sum = {
            let mut s = Sum::default();
            s.add(&m);
            s.finish()
        };
        m[2..4].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(decode(Family::V4, &m), Ok(Message::Other { icmp_type: IcmpType::Unknown(13), code: 0 }));
        m[0] = 3;
        m[1] = 3;
        let mut s = Sum::default();
        s.add(&[m[0], m[1], 0, 0, 0, 0, 0, 0]);
        m[2..4].copy_from_slice(&s.finish().to_be_bytes());
        assert_eq!(decode(Family::V4, &m), Ok(Message::Other { icmp_type: IcmpType::DestinationUnreachable, code: 3 }));
    }

    #[test]
    fn type_numbers_round_trip() {
        for fam in [Family::V4, loopback6()] {
            for n in 0..=255u8 {
                assert_eq!(IcmpType::from_number(fam, n).number(fam), n);
            }
        }
    }

    #[test]
    fn strips_the_ipv4_header() {
        let got = strip_ipv4(&DATAGRAM).unwrap();
        assert_eq!((got.ttl, got.src, got.icmp), (64, Ipv4Addr::LOCALHOST, &REPLY_V4[..]));
        assert_eq!(decode(Family::V4, got.icmp), Ok(Message::Reply(sample())));
    }

    #[test]
    fn ipv4_header_faults_are_typed() {
        for len in 0..IPV4_MIN_HEADER {
            assert_eq!(strip_ipv4(&DATAGRAM[..len]), Err(DecodeError::Truncated { needed: 20, got: len }));
        }
        let mut d = DATAGRAM;
        d[0] = 0x65;
        assert_eq!(strip_ipv4(&d), Err(DecodeError::NotIpv4(6)));
        d[0] = 0x44;
        assert_eq!(strip_ipv4(&d), Err(DecodeError::BadIhl(4)));
        d[0] = 0x4f;
        assert_eq!(strip_ipv4(&d), Err(DecodeError::Truncated { needed: 60, got: 36 }));
        d[0] = 0x45;
        d[9] = 6;
        assert_eq!(strip_ipv4(&d), Err(DecodeError::NotIcmp(6)));
    }
}
