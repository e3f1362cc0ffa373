//! The encoder: a [`Message`] to wire bytes, compressing names (RFC 1035 §4.1.4):
//! a name whose suffix was already written (with the same case) ends with a pointer
//! `c0 xx` to it. Names in NS, CNAME, PTR, MX and SOA RDATA are compressed too
//! (RFC 3597 §4 allows it for these types only). The header counts written are the
//! lengths of the sections; RDLENGTH is computed.

use std::collections::HashMap;
use std::fmt;

use super::header::HEADER_LEN;
use super::message::{Message, Question, Record};
use super::name::Name;
use super::rdata::RData;
use super::types::RrType;

/// Pointers hold 14-bit offsets.
const MAX_POINTER_TARGET: usize = 0x3fff;
/// Marker of a pointer's first byte.
const POINTER_MARK: u16 = 0xc000;

/// Why a message cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A section has more than 65535 entries.
    TooManyEntries { section: &'static str, count: usize },
    /// A record's RDATA is longer than 65535 bytes.
    RdataTooLong { len: usize },
    /// A TXT string is longer than 255 bytes.
    CharStringTooLong { len: usize },
    /// An EDNS0 option's data is longer than 65535 bytes.
    OptionTooLong { len: usize },
    /// A record's TYPE does not match its typed RDATA.
    TypeMismatch { rtype: RrType, rdata: RrType },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooManyEntries { section, count } => {
                write!(f, "{count} entries in the {section} section (at most 65535)")
            }
            EncodeError::RdataTooLong { len } => write!(f, "RDATA of {len} bytes (at most 65535)"),
            EncodeError::CharStringTooLong { len } => write!(f, "TXT string of {len} bytes (at most 255)"),
            EncodeError::OptionTooLong { len } => write!(f, "EDNS option of {len} bytes (at most 65535)"),
            EncodeError::TypeMismatch { rtype, rdata } => write!(f, "a {rtype} record with {rdata} RDATA"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Encodes a message with name compression.
pub fn encode(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder { buf: Vec::with_capacity(512), suffixes: HashMap::new() };
    e.header(msg)?;
    for q in &msg.questions {
        e.question(q);
    }
    for r in msg.answers.iter().chain(&msg.authorities).chain(&msg.additionals) {
        e.record(r)?;
    }
    Ok(e.buf)
}

/// The output and the offsets of the name suffixes written so far, keyed by their
/// uncompressed wire form.
struct Encoder {
    buf: Vec<u8>,
    suffixes: HashMap<Vec<u8>, usize>,
}

fn count(section: &'static str, n: usize) -> Result<u16, EncodeError> {
    u16::try_from(n).map_err(|_| EncodeError::TooManyEntries { section, count: n })
}

impl Encoder {
    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// RFC 1035 §4.1.1.
    fn header(&mut self, msg: &Message) -> Result<(), EncodeError> {
        let h = &msg.header;
        self.u16(h.id);
        self.u16(h.flags.to_u16());
        self.u16(count("question", msg.questions.len())?);
        self.u16(count("answer", msg.answers.len())?);
        self.u16(count("authority", msg.authorities.len())?);
        self.u16(count("additional", msg.additionals.len())?);
        debug_assert_eq!(self.buf.len(), HEADER_LEN);
        Ok(())
    }

    /// RFC 1035 §4.1.2.
    fn question(&mut self, q: &Question) {
        self.name(&q.name.name);
        self.u16(q.qtype.code());
        self.u16(q.qclass.code());
    }

    /// RFC 1035 §4.1.3.
    fn record(&mut self, r: &Record) -> Result<(), EncodeError> {
        if let Some(t) = r.rdata.rtype() {
            if t != r.rtype {
                return Err(EncodeError::TypeMismatch { rtype: r.rtype, rdata: t });
            }
        }
        self.name(&r.name.name);
        self.u16(r.rtype.code());
        self.u16(r.class.code());
        self.u32(r.ttl);
        let len_at = self.buf.len();
        self.u16(0);
        self.rdata(&r.rdata)?;
        let len = self.buf.len() - len_at - 2;
        let len = u16::try_from(len).map_err(|_| EncodeError::RdataTooLong { len })?;
        self.buf[len_at..len_at + 2].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }

    fn rdata(&mut self, rdata: &RData) -> Result<(), EncodeError> {
        match rdata {
            RData::A(a) => self.buf.extend_from_slice(&a.octets()),
            RData::Aaaa(a) => self.buf.extend_from_slice(&a.octets()),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => self.name(&n.name),
            RData::Mx { preference, exchange } => {
                self.u16(*preference);
                self.name(&exchange.name);
            }
            RData::Txt(strings) => {
                for s in strings {
                    let len =
                        u8::try_from(s.data.len()).map_err(|_| EncodeError::CharStringTooLong { len: s.data.len() })?;
                    self.buf.push(len);
                    self.buf.extend_from_slice(&s.data);
                }
            }
            RData::Soa(soa) => {
                self.name(&soa.mname.name);
                self.name(&soa.rname.name);
                for n in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] {
                    self.u32(n);
                }
            }
            RData::Opt(options) => {
                for o in options {
                    let len =
                        u16::try_from(o.data.len()).map_err(|_| EncodeError::OptionTooLong { len: o.data.len() })?;
                    self.u16(o.code);
                    self.u16(len);
                    self.buf.extend_from_slice(&o.data);
                }
            }
            RData::Raw(bytes) => self.buf.extend_from_slice(bytes),
        }
        Ok(())
    }

    /// Writes a name, ending with a pointer to the longest suffix already written,
    /// and remembers the new suffixes. Suffixes are keyed by their uncompressed wire
    /// form, so only names with the same case share bytes.
    fn name(&mut self, name: &Name) {
        let wire = name.wire_without_root();
        let mut at = 0;
        while at < wire.len() {
            let suffix = &wire[at..];
            if let Some(&target) = self.suffixes.get(suffix) {
                self.u16(POINTER_MARK | target as u16);
                return;
            }
            let offset = self.buf.len();
            if offset <= MAX_POINTER_TARGET {
                self.suffixes.insert(suffix.to_vec(), offset);
            }
            let label_len = 1 + usize::from(wire[at]);
            self.buf.extend_from_slice(&wire[at..(at + label_len).min(wire.len())]);
            at += label_len;
        }
        self.buf.push(0);
    }
}
