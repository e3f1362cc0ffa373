//! RDATA of the record types the codec understands (RFC 1035 §3.3, §3.4; RFC 3596;
//! RFC 6891 §6.1); any other type keeps its bytes as they are.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::name::NameField;
use super::span::Span;
use super::types::RrType;

/// A `<character-string>`: a length byte and up to 255 bytes (RFC 1035 §3.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharString {
    /// The bytes, without the length byte.
    pub data: Vec<u8>,
    /// Where the length byte and the bytes lie.
    pub span: Span,
}

impl CharString {
    /// A string with no position yet.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        CharString { data: data.into(), span: Span::default() }
    }
}

/// SOA RDATA (RFC 1035 §3.3.13).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Soa {
    /// MNAME: the primary name server.
    pub mname: NameField,
    /// RNAME: the mailbox of the person responsible.
    pub rname: NameField,
    /// SERIAL: version of the zone.
    pub serial: u32,
    /// REFRESH interval, seconds.
    pub refresh: u32,
    /// RETRY interval, seconds.
    pub retry: u32,
    /// EXPIRE limit, seconds.
    pub expire: u32,
    /// MINIMUM: the negative-caching TTL (RFC 2308).
    pub minimum: u32,
    /// Where the five numbers lie: serial, refresh, retry, expire, minimum.
    pub number_spans: [Span; 5],
}

/// One EDNS0 option: code, length and data (RFC 6891 §6.1.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EdnsOption {
    /// OPTION-CODE.
    pub code: u16,
    /// OPTION-DATA, raw.
    pub data: Vec<u8>,
    /// Where the whole option (code, length, data) lies.
    pub span: Span,
}

/// Typed RDATA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    /// A: an IPv4 address.
    A(Ipv4Addr),
    /// AAAA: an IPv6 address.
    Aaaa(Ipv6Addr),
    /// NS: a name server.
    Ns(NameField),
    /// CNAME: the canonical name.
    Cname(NameField),
    /// PTR: the name pointed to.
    Ptr(NameField),
    /// MX: preference (lower is preferred) and mail exchange host.
    Mx {
        /// PREFERENCE.
        preference: u16,
        /// EXCHANGE.
        exchange: NameField,
    },
    /// TXT: one or more character strings.
    Txt(Vec<CharString>),
    /// SOA.
    Soa(Box<Soa>),
    /// OPT: the EDNS0 options (the record's CLASS and TTL carry the rest, see
    /// [`Edns`](crate::proto::dns::Edns)).
    Opt(Vec<EdnsOption>),
    /// Any other type: the RDATA bytes as they are.
    Raw(Vec<u8>),
}

impl RData {
    /// The record type this RDATA belongs to, `None` for raw bytes.
    pub fn rtype(&self) -> Option<RrType> {
        Some(match self {
            RData::A(_) => RrType::A,
            RData::Aaaa(_) => RrType::Aaaa,
            RData::Ns(_) => RrType::Ns,
            RData::Cname(_) => RrType::Cname,
            RData::Ptr(_) => RrType::Ptr,
            RData::Mx { .. } => RrType::Mx,
            RData::Txt(_) => RrType::Txt,
            RData::Soa(_) => RrType::Soa,
            RData::Opt(_) => RrType::Opt,
            RData::Raw(_) => return None,
        })
    }

    /// Forgets positions (for comparing messages regardless of layout).
    pub fn clear_spans(&mut self) {
        match self {
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => n.clear_spans(),
            RData::Mx { exchange, .. } => exchange.clear_spans(),
            RData::Txt(strings) => strings.iter_mut().for_each(|s| s.span = Span::default()),
            RData::Soa(soa) => {
                soa.mname.clear_spans();
                soa.rname.clear_spans();
                soa.number_spans = Default::default();
            }
            RData::Opt(options) => options.iter_mut().for_each(|o| o.span = Span::default()),
            RData::A(_) | RData::Aaaa(_) | RData::Raw(_) => {}
        }
    }
}
