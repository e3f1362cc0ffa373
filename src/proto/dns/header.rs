//! The 12-byte DNS header (RFC 1035 §4.1.1; AD and CD from RFC 4035 §3.2).
//!
//! ```text
//!   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
//! |                      ID                       |  bytes 0-1
//! |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |  bytes 2-3
//! |                    QDCOUNT                    |  bytes 4-5
//! |                    ANCOUNT                    |  bytes 6-7
//! |                    NSCOUNT                    |  bytes 8-9
//! |                    ARCOUNT                    |  bytes 10-11
//! ```

use super::span::Span;
use super::types::{Opcode, Rcode};

/// Length of the header.
pub const HEADER_LEN: usize = 12;
/// Offset of ID.
pub const ID_OFFSET: usize = 0;
/// Offset of FLAGS.
pub const FLAGS_OFFSET: usize = 2;
/// Offset of QDCOUNT.
pub const QDCOUNT_OFFSET: usize = 4;
/// Offset of ANCOUNT.
pub const ANCOUNT_OFFSET: usize = 6;
/// Offset of NSCOUNT.
pub const NSCOUNT_OFFSET: usize = 8;
/// Offset of ARCOUNT.
pub const ARCOUNT_OFFSET: usize = 10;

/// The decoded FLAGS word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// QR: 1 for a response, 0 for a query.
    pub qr: bool,
    /// The kind of query.
    pub opcode: Opcode,
    /// AA: the answer comes from an authoritative server.
    pub aa: bool,
    /// TC: the message was truncated to fit.
    pub tc: bool,
    /// RD: recursion desired (copied into the response).
    pub rd: bool,
    /// RA: recursion available.
    pub ra: bool,
    /// Z: reserved, must be zero.
    pub z: bool,
    /// AD: authentic data (DNSSEC).
    pub ad: bool,
    /// CD: checking disabled (DNSSEC).
    pub cd: bool,
    /// The low 4 bits of the response code.
    pub rcode: Rcode,
}

impl Flags {
    /// Mask of QR.
    pub const QR: u16 = 0x8000;
    /// Mask of Opcode (shift 11).
    pub const OPCODE: u16 = 0x7800;
    /// Mask of AA.
    pub const AA: u16 = 0x0400;
    /// Mask of TC.
    pub const TC: u16 = 0x0200;
    /// Mask of RD.
    pub const RD: u16 = 0x0100;
    /// Mask of RA.
    pub const RA: u16 = 0x0080;
    /// Mask of Z.
    pub const Z: u16 = 0x0040;
    /// Mask of AD.
    pub const AD: u16 = 0x0020;
    /// Mask of CD.
    pub const CD: u16 = 0x0010;
    /// Mask of RCODE.
    pub const RCODE: u16 = 0x000f;
    const OPCODE_SHIFT: u32 = 11;

    /// Splits a FLAGS word into its fields.
    pub fn from_u16(word: u16) -> Self {
        Flags {
            qr: word & Self::QR != 0,
            opcode: Opcode::from(((word & Self::OPCODE) >> Self::OPCODE_SHIFT) as u8),
            aa: word & Self::AA != 0,
            tc: word & Self::TC != 0,
            rd: word & Self::RD != 0,
            ra: word & Self::RA != 0,
            z: word & Self::Z != 0,
            ad: word & Self::AD != 0,
            cd: word & Self::CD != 0,
            rcode: Rcode::from(word & Self::RCODE),
        }
    }

    /// Packs the fields into a FLAGS word (opcode and rcode keep their low 4 bits).
    pub fn to_u16(&self) -> u16 {
        let bit = |set: bool, mask: u16| if set { mask } else { 0 };
        bit(self.qr, Self::QR)
            | ((u16::from(self.opcode.code()) << Self::OPCODE_SHIFT) & Self::OPCODE)
            | bit(self.aa, Self::AA)
            | bit(self.tc, Self::TC)
            | bit(self.rd, Self::RD)
            | bit(self.ra, Self::RA)
            | bit(self.z, Self::Z)
            | bit(self.ad, Self::AD)
            | bit(self.cd, Self::CD)
            | (self.rcode.code() & Self::RCODE)
    }
}

impl Default for Flags {
    fn default() -> Self {
        Flags::from_u16(0)
    }
}

/// Where each header field lies (always the same offsets; kept for uniformity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeaderSpans {
    /// ID.
    pub id: Span,
    /// FLAGS.
    pub flags: Span,
    /// QDCOUNT.
    pub qdcount: Span,
    /// ANCOUNT.
    pub ancount: Span,
    /// NSCOUNT.
    pub nscount: Span,
    /// ARCOUNT.
    pub arcount: Span,
}

impl HeaderSpans {
    /// The fixed positions of RFC 1035 §4.1.1.
    pub const fn standard() -> Self {
        HeaderSpans {
            id: Span::new(ID_OFFSET, 2),
            flags: Span::new(FLAGS_OFFSET, 2),
            qdcount: Span::new(QDCOUNT_OFFSET, 2),
            ancount: Span::new(ANCOUNT_OFFSET, 2),
            nscount: Span::new(NSCOUNT_OFFSET, 2),
            arcount: Span::new(ARCOUNT_OFFSET, 2),
        }
    }
}

/// The DNS header. The counts are what the wire says; the encoder writes the real
/// lengths of the sections instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// ID: chosen by the client, echoed by the server.
    pub id: u16,
    /// FLAGS, decoded.
    pub flags: Flags,
    /// QDCOUNT: number of questions.
    pub qdcount: u16,
    /// ANCOUNT: number of answer records.
    pub ancount: u16,
    /// NSCOUNT: number of authority records.
    pub nscount: u16,
    /// ARCOUNT: number of additional records.
    pub arcount: u16,
    /// Where each field lies.
    pub spans: HeaderSpans,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_of_the_lab_query_and_response() {
        let q = Flags::from_u16(0x0100);
        assert!(q.rd && !q.qr && !q.aa && q.opcode == Opcode::Query && q.rcode == Rcode::NoError);
        // The handout's variant 0x0400: AA set in a query.
        let odd = Flags::from_u16(0x0400);
        assert!(odd.aa && !odd.rd && !odd.qr);
        let r = Flags::from_u16(0x8500);
        assert!(r.qr && r.aa && r.rd && !r.ra);
        let nx = Flags::from_u16(0x8183);
        assert!(nx.qr && nx.rd && nx.ra && nx.rcode == Rcode::NxDomain);
    }

    #[test]
    fn every_flags_word_round_trips() {
        for w in 0..=u16::MAX {
            assert_eq!(Flags::from_u16(w).to_u16(), w);
        }
    }
}

/// One of the six 16-bit words of the header (RFC 1035 §4.1.1), in wire order.
/// The decoder's error [`Field`](super::Field), the row [`Key`](super::Key) and the
/// hex dump's colour class all name the header through this one enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeaderField {
    /// ID.
    Id,
    /// FLAGS.
    Flags,
    /// QDCOUNT.
    QdCount,
    /// ANCOUNT.
    AnCount,
    /// NSCOUNT.
    NsCount,
    /// ARCOUNT.
    ArCount,
}

impl HeaderField {
    /// The four section counts, in wire order.
    pub const COUNTS: [HeaderField; 4] =
        [HeaderField::QdCount, HeaderField::AnCount, HeaderField::NsCount, HeaderField::ArCount];

    /// The field's name as RFC 1035 writes it (`QDCOUNT`).
    pub fn title(self) -> &'static str {
        match self {
            HeaderField::Id => "ID",
            HeaderField::Flags => "FLAGS",
            HeaderField::QdCount => "QDCOUNT",
            HeaderField::AnCount => "ANCOUNT",
            HeaderField::NsCount => "NSCOUNT",
            HeaderField::ArCount => "ARCOUNT",
        }
    }
}
