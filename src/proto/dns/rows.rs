//! The flat view of a decoded message: one row per field in wire order, each with its
//! place, key, span and value. It is what the `Type | Key | Value` table and the
//! colour-coded hex dump are made from, and it also exists for a message that
//! failed to decode: the rows up to the fault (see [`decode_partial`](super::decode_partial)).

use super::header::HeaderField;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::header::Flags;
use super::message::Section;
use super::name::Name;
use super::rdata::RData;
use super::span::Span;
use super::types::{Class, RrType};

/// Which part of the message a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The header.
    Header,
    /// Question number `n` (from 0).
    Question(usize),
    /// Record number `n` (from 0) of a section.
    Record(Section, usize),
}

/// Which field a row shows. Coarser than the decoder's error
/// [`Field`](super::Field) (a label is one row for its length byte and text) and
/// with a row for a whole name, which no single byte belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// One of the header words.
    Header(HeaderField),
    /// A label of the owner name: its length byte and text.
    Label,
    /// The zero byte ending the owner name.
    Root,
    /// A compression pointer in the owner name.
    Pointer,
    /// The owner name (QNAME or NAME) as a whole.
    Name,
    /// QTYPE or TYPE.
    Type,
    /// QCLASS or CLASS.
    Class,
    /// TTL.
    Ttl,
    /// RDLENGTH.
    RdLength,
    /// RDATA.
    Rdata,
}

impl Key {
    /// The key as the lab's table writes it (`QNAME`/`NAME`, `QTYPE`/`TYPE`…).
    pub fn title(self, place: Place) -> &'static str {
        let question = matches!(place, Place::Question(_));
        match self {
            Key::Header(h) => h.title(),
            Key::Label => "label",
            Key::Root => "root label",
            Key::Pointer => "compression pointer",
            Key::Name if question => "QNAME",
            Key::Name => "NAME",
            Key::Type if question => "QTYPE",
            Key::Type => "TYPE",
            Key::Class if question => "QCLASS",
            Key::Class => "CLASS",
            Key::Ttl => "TTL",
            Key::RdLength => "RDLENGTH",
            Key::Rdata => "RDATA",
        }
    }
}

/// A row's decoded value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A 16-bit number (ID, counts, RDLENGTH).
    U16(u16),
    /// A 32-bit number (TTL).
    U32(u32),
    /// The FLAGS word, decoded.
    Flags(Flags),
    /// A label's bytes.
    Label(Vec<u8>),
    /// The root label.
    Root,
    /// A compression pointer's target offset and the name found there.
    Pointer { target: usize, name: Name },
    /// A whole name.
    Name(Name),
    /// A TYPE.
    Type(RrType),
    /// A CLASS.
    Class(Class),
    /// RDATA, decoded.
    Rdata(RData),
}

impl Value {
    /// An IPv4 address, when the value is A RDATA.
    pub fn ipv4(&self) -> Option<Ipv4Addr> {
        match self {
            Value::Rdata(RData::A(a)) => Some(*a),
            _ => None,
        }
    }

    /// An IPv6 address, when the value is AAAA RDATA.
    pub fn ipv6(&self) -> Option<Ipv6Addr> {
        match self {
            Value::Rdata(RData::Aaaa(a)) => Some(*a),
            _ => None,
        }
    }
}

/// One field of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Where in the message.
    pub place: Place,
    /// Which field.
    pub key: Key,
    /// Its bytes.
    pub span: Span,
    /// Its value.
    pub value: Value,
}
