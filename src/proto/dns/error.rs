//! Decoding errors: what is wrong and the byte offset where it is (RFC 1035 §4.1).

use std::fmt;

use super::header::HeaderField;
use super::types::RrType;

/// The field the decoder was reading when the message ran out. Finer than the
/// row [`Key`](super::Key): a name fails in its length byte, its text or a
/// pointer, and RDATA fails inside its own parts (MX preference, SOA numbers…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// One of the header words.
    Header(HeaderField),
    /// A label's length byte (or the first byte of a pointer, or the final zero).
    LabelLength,
    /// A label's text.
    LabelText,
    /// The second byte of a compression pointer.
    Pointer,
    /// QTYPE.
    QType,
    /// QCLASS.
    QClass,
    /// A record's TYPE.
    Type,
    /// A record's CLASS.
    Class,
    /// A record's TTL.
    Ttl,
    /// A record's RDLENGTH.
    RdLength,
    /// A record's RDATA.
    Rdata,
    /// MX PREFERENCE.
    Preference,
    /// A TXT character string.
    CharString,
    /// One of the five SOA numbers.
    SoaNumber,
    /// An EDNS0 option's code or length.
    OptionHeader,
    /// An EDNS0 option's data.
    OptionData,
}

impl Field {
    /// The field's name as the handout's table writes it.
    pub fn title(self) -> &'static str {
        match self {
            Field::Header(h) => h.title(),
            Field::LabelLength => "label length",
            Field::LabelText => "label text",
            Field::Pointer => "compression pointer",
            Field::QType => "QTYPE",
            Field::QClass => "QCLASS",
            Field::Type => "TYPE",
            Field::Class => "CLASS",
            Field::Ttl => "TTL",
            Field::RdLength => "RDLENGTH",
            Field::Rdata => "RDATA",
            Field::Preference => "MX preference",
            Field::CharString => "character string",
            Field::SoaNumber => "SOA number",
            Field::OptionHeader => "EDNS option code/length",
            Field::OptionData => "EDNS option data",
        }
    }
}

/// The section whose count the message does not honour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountOf {
    /// QDCOUNT.
    Questions,
    /// ANCOUNT.
    Answers,
    /// NSCOUNT.
    Authorities,
    /// ARCOUNT.
    Additionals,
}

impl CountOf {
    fn title(self) -> &'static str {
        match self {
            CountOf::Questions => "QDCOUNT",
            CountOf::Answers => "ANCOUNT",
            CountOf::Authorities => "NSCOUNT",
            CountOf::Additionals => "ARCOUNT",
        }
    }
}

/// What is wrong with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The message ends inside `field`: it needs `needed` bytes, `available` are left.
    Truncated { field: Field, needed: usize, available: usize },
    /// A label length byte with the reserved top bits 01 or 10 (0x40-0xbf): an
    /// extended label (RFC 6891 §5) or a label longer than 63 bytes.
    ReservedLabelType { byte: u8 },
    /// The name takes more than 255 bytes (RFC 1035 §2.3.4).
    NameTooLong { wire_len: usize },
    /// A compression pointer to its own position or a later one (pointers must point
    /// strictly backwards).
    PointerForward { target: usize },
    /// A compression pointer back into the part of the name already read: following
    /// it would loop forever.
    PointerLoop { target: usize },
    /// More compression pointers in one name than a valid name can need.
    TooManyPointers { count: usize },
    /// The header promises more entries than the message holds.
    MissingEntries { count_of: CountOf, promised: u16, found: u16 },
    /// Bytes left over after the last record.
    TrailingBytes { count: usize },
    /// RDLENGTH does not fit the record type (A needs 4, AAAA 16).
    BadRdLength { rtype: RrType, rdlength: u16, expected: u16 },
    /// A field of the RDATA runs past RDLENGTH.
    RdataOverrun { field: Field },
    /// The typed RDATA ends before RDLENGTH does.
    RdataUnderrun { unused: usize },
}

/// A decoding error at a byte offset of the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset of the faulty byte (or where the missing bytes should be).
    pub offset: usize,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at offset {} (0x{:04x}): ", self.offset, self.offset)?;
        match &self.kind {
            ErrorKind::Truncated { field, needed, available } => write!(
                f,
                "message cut short in {}: needs {needed} byte{}, {available} left",
                field.title(),
                if *needed == 1 { "" } else { "s" }
            ),
            ErrorKind::ReservedLabelType { byte } => write!(
                f,
                "label length byte 0x{byte:02x} uses the reserved label type {:02b} (a label holds at most 63 bytes; 0xc0 starts a pointer)",
                byte >> 6
            ),
            ErrorKind::NameTooLong { wire_len } => write!(f, "name longer than 255 bytes ({wire_len} so far)"),
            ErrorKind::PointerForward { target } => write!(
                f,
                "compression pointer to offset {target}, not before the pointer itself (pointers must point backwards)"
            ),
            ErrorKind::PointerLoop { target } => {
                write!(f, "compression pointer to offset {target} loops back into the name being read")
            }
            ErrorKind::TooManyPointers { count } => write!(f, "more than {count} compression pointers in one name"),
            ErrorKind::MissingEntries { count_of, promised, found } => write!(
                f,
                "{} promises {promised} entries but the message ends after {found}",
                count_of.title()
            ),
            ErrorKind::TrailingBytes { count } => write!(f, "{count} bytes left after the last record"),
            ErrorKind::BadRdLength { rtype, rdlength, expected } => {
                write!(f, "RDLENGTH {rdlength} for a {rtype} record, which needs {expected}")
            }
            ErrorKind::RdataOverrun { field } => write!(f, "{} runs past the end of RDATA (RDLENGTH)", field.title()),
            ErrorKind::RdataUnderrun { unused } => write!(f, "RDATA has {unused} bytes more than its fields use"),
        }
    }
}

impl std::error::Error for DecodeError {}
