//! The DNS message model (RFC 1035 §4.1): header, questions and three sections of
//! resource records, each field with the span it occupies.

use super::header::Header;
use super::name::NameField;
use super::rdata::{EdnsOption, RData};
use super::span::Span;
use super::types::{Class, Rcode, RrType};

/// A question: QNAME, QTYPE, QCLASS (RFC 1035 §4.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// QNAME.
    pub name: NameField,
    /// QTYPE.
    pub qtype: RrType,
    /// QCLASS.
    pub qclass: Class,
    /// Where QTYPE lies.
    pub qtype_span: Span,
    /// Where QCLASS lies.
    pub qclass_span: Span,
}

impl Question {
    /// A question with no position yet.
    pub fn new(name: impl Into<NameField>, qtype: RrType, qclass: Class) -> Self {
        Question { name: name.into(), qtype, qclass, qtype_span: Span::default(), qclass_span: Span::default() }
    }

    /// The whole question's bytes.
    pub fn span(&self) -> Span {
        self.name.span.cover(self.qclass_span)
    }
}

/// Where each field of a resource record lies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordSpans {
    /// TYPE.
    pub rtype: Span,
    /// CLASS.
    pub class: Span,
    /// TTL.
    pub ttl: Span,
    /// RDLENGTH.
    pub rdlength: Span,
    /// RDATA.
    pub rdata: Span,
}

/// A resource record (RFC 1035 §4.1.3). For OPT (RFC 6891 §6.1.2) CLASS holds the
/// UDP payload size and TTL the extended RCODE, version and flags: see [`Edns`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// NAME, compression pointers resolved.
    pub name: NameField,
    /// TYPE.
    pub rtype: RrType,
    /// CLASS (for OPT, the UDP payload size).
    pub class: Class,
    /// TTL in seconds (for OPT, extended RCODE, version and flags).
    pub ttl: u32,
    /// RDLENGTH as read (the encoder computes it).
    pub rdlength: u16,
    /// RDATA.
    pub rdata: RData,
    /// Where each field lies.
    pub spans: RecordSpans,
}

impl Record {
    /// A record with no position yet; TYPE comes from the RDATA (or `rtype` for raw).
    pub fn new(name: impl Into<NameField>, class: Class, ttl: u32, rdata: RData) -> Self {
        let rtype = rdata.rtype().unwrap_or(RrType::Unknown(0));
        Record { name: name.into(), rtype, class, ttl, rdlength: 0, rdata, spans: RecordSpans::default() }
    }

    /// A record of a type the codec keeps raw.
    pub fn raw(name: impl Into<NameField>, rtype: RrType, class: Class, ttl: u32, data: Vec<u8>) -> Self {
        Record { rtype, ..Record::new(name, class, ttl, RData::Raw(data)) }
    }

    /// The whole record's bytes.
    pub fn span(&self) -> Span {
        self.name.span.cover(self.spans.rdata)
    }

    /// The EDNS0 view of an OPT record, `None` for other types.
    pub fn edns(&self) -> Option<Edns> {
        match (&self.rdata, self.rtype) {
            (RData::Opt(options), RrType::Opt) => Some(Edns::from_parts(self.class.code(), self.ttl, options)),
            _ => None,
        }
    }

    /// Forgets positions and the read RDLENGTH (for comparing messages regardless
    /// of layout).
    pub fn clear_spans(&mut self) {
        self.name.clear_spans();
        self.rdata.clear_spans();
        self.spans = RecordSpans::default();
        self.rdlength = 0;
    }
}

/// EDNS0 parameters carried by an OPT record (RFC 6891 §6.1.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edns {
    /// Requestor's UDP payload size (the OPT record's CLASS).
    pub udp_payload_size: u16,
    /// Upper 8 bits of the 12-bit RCODE.
    pub ext_rcode: u8,
    /// EDNS version (0).
    pub version: u8,
    /// DO: DNSSEC OK (RFC 3225).
    pub dnssec_ok: bool,
    /// The other 15 flag bits (Z), normally zero.
    pub z: u16,
    /// The options.
    pub options: Vec<EdnsOption>,
}

impl Edns {
    /// Mask of the DO bit in the low 16 bits of the TTL.
    pub const DO: u16 = 0x8000;

    /// EDNS parameters with the given payload size, version 0, no flags, no options.
    pub fn new(udp_payload_size: u16) -> Self {
        Edns { udp_payload_size, ..Edns::default() }
    }

    fn from_parts(class: u16, ttl: u32, options: &[EdnsOption]) -> Self {
        let flags = ttl as u16;
        Edns {
            udp_payload_size: class,
            ext_rcode: (ttl >> 24) as u8,
            version: (ttl >> 16) as u8,
            dnssec_ok: flags & Self::DO != 0,
            z: flags & !Self::DO,
            options: options.to_vec(),
        }
    }

    /// The OPT record carrying these parameters (owner name: root).
    pub fn to_record(&self) -> Record {
        let do_bit = if self.dnssec_ok { Self::DO } else { 0 };
        let flags = do_bit | (self.z & !Self::DO);
        let ttl = (u32::from(self.ext_rcode) << 24) | (u32::from(self.version) << 16) | u32::from(flags);
        Record::new(
            super::name::Name::root(),
            Class::from(self.udp_payload_size),
            ttl,
            RData::Opt(self.options.clone()),
        )
    }
}

/// The three record sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Answer records.
    Answer,
    /// Authority records.
    Authority,
    /// Additional records.
    Additional,
}

impl Section {
    /// The section's name as the handouts and Wireshark write it.
    pub fn title(self) -> &'static str {
        match self {
            Section::Answer => "Answers",
            Section::Authority => "Authoritative nameservers",
            Section::Additional => "Additional records",
        }
    }
}

/// A DNS message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The header.
    pub header: Header,
    /// The question section.
    pub questions: Vec<Question>,
    /// The answer section.
    pub answers: Vec<Record>,
    /// The authority section.
    pub authorities: Vec<Record>,
    /// The additional section.
    pub additionals: Vec<Record>,
}

impl Message {
    /// The records of one section.
    pub fn section(&self, section: Section) -> &[Record] {
        match section {
            Section::Answer => &self.answers,
            Section::Authority => &self.authorities,
            Section::Additional => &self.additionals,
        }
    }

    /// The EDNS0 parameters, if the additional section has an OPT record.
    pub fn edns(&self) -> Option<Edns> {
        self.additionals.iter().find_map(Record::edns)
    }

    /// The full response code: the header's 4 bits, extended by EDNS0's 8 bits.
    pub fn rcode(&self) -> Rcode {
        let ext = self.edns().map_or(0, |e| u16::from(e.ext_rcode));
        Rcode::from((ext << 4) | self.header.flags.rcode.code())
    }

    /// Sets the header counts to the section lengths (saturating at 65535).
    pub fn sync_counts(&mut self) {
        let count = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.header.qdcount = count(self.questions.len());
        self.header.ancount = count(self.answers.len());
        self.header.nscount = count(self.authorities.len());
        self.header.arcount = count(self.additionals.len());
    }

    /// A copy without positions, to compare messages regardless of layout
    /// (`decode(encode(m)).without_spans() == m.without_spans()`).
    pub fn without_spans(&self) -> Message {
        let mut m = self.clone();
        m.header.spans = Default::default();
        for q in &mut m.questions {
            q.name.clear_spans();
            q.qtype_span = Span::default();
            q.qclass_span = Span::default();
        }
        for r in m.answers.iter_mut().chain(&mut m.authorities).chain(&mut m.additionals) {
            r.clear_spans();
        }
        m
    }
}
