//! The decoder: bytes to [`Message`] with a span for every field (RFC 1035 §4.1,
//! §4.1.4 compression; RFC 6891 EDNS0). It never panics: every fault is a
//! [`DecodeError`] with the offset of the faulty byte.
//!
//! Compression rule: a pointer must point strictly before the start of the run of
//! labels it ends (the name's own start, or the previous pointer's target). This
//! forbids forward pointers, pointers to themselves and every loop, and makes each
//! jump land strictly earlier, so following a name is bounded by the message size;
//! the number of jumps is capped as well.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::error::{CountOf, DecodeError, ErrorKind, Field};
use super::header::{Flags, Header, HeaderField, HeaderSpans, HEADER_LEN};
use super::message::{Message, Question, Record, RecordSpans, Section};
use super::name::{Name, NameField, NamePart, MAX_NAME_WIRE_LEN};
use super::rdata::{CharString, EdnsOption, RData, Soa};
use super::rows::{Key, Place, Row, Value};
use super::span::Span;
use super::types::{Class, RrType};

/// Most compression pointers followed in one name: a 255-byte name has at most 127
/// labels, and each useful pointer leads to at least one label.
pub const MAX_POINTERS: usize = 127;
/// Pointer marker bits in a label length byte (RFC 1035 §4.1.4).
const POINTER_BITS: u8 = 0xc0;

/// Decodes a whole message; any fault, including bytes after the last record, is an
/// error.
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    let mut d = Decoder::new(bytes, false);
    d.message()?;
    Ok(d.msg)
}

/// A decode that stopped at the first fault, keeping everything before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partial {
    /// The header (if all 12 bytes were there) and every complete question and
    /// record before the fault.
    pub message: Message,
    /// Every field decoded, in wire order, including the parts of the question or
    /// record that was cut short.
    pub rows: Vec<Row>,
    /// The fault, `None` when the whole message decoded.
    pub error: Option<DecodeError>,
}

/// Decodes as far as possible: every field up to the first fault, then the fault.
pub fn decode_partial(bytes: &[u8]) -> Partial {
    let mut d = Decoder::new(bytes, true);
    let error = d.message().err();
    Partial { message: d.msg, rows: d.rows, error }
}

/// Decoding state: the bytes, the read position, the end of the current region
/// (the message, or a record's RDATA) and the rows when they are wanted.
struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    limit: usize,
    in_rdata: bool,
    want_rows: bool,
    rows: Vec<Row>,
    msg: Message,
}

/// A decoded value and the bytes it came from.
type Spanned<T> = (T, Span);

impl<'a> Decoder<'a> {
    fn new(buf: &'a [u8], want_rows: bool) -> Self {
        Decoder { buf, pos: 0, limit: buf.len(), in_rdata: false, want_rows, rows: Vec::new(), msg: Message::default() }
    }

    fn err(offset: usize, kind: ErrorKind) -> DecodeError {
        DecodeError { offset, kind }
    }

    fn row(&mut self, place: Place, key: Key, span: Span, value: impl FnOnce() -> Value) {
        if self.want_rows {
            self.rows.push(Row { place, key, span, value: value() });
        }
    }

    /// Takes `n` bytes at the position: past the message end is truncation, past
    /// the RDATA end an overrun.
    fn take(&mut self, n: usize, field: Field) -> Result<(&'a [u8], Span), DecodeError> {
        let start = self.pos;
        if start + n > self.limit {
            let kind = if self.in_rdata {
                ErrorKind::RdataOverrun { field }
            } else {
                ErrorKind::Truncated { field, needed: n, available: self.limit - start }
            };
            return Err(Self::err(start, kind));
        }
        self.pos += n;
        Ok((&self.buf[start..start + n], Span::new(start, n)))
    }

    fn u16(&mut self, field: Field) -> Result<(u16, Span), DecodeError> {
        let (b, span) = self.take(2, field)?;
        Ok((u16::from_be_bytes([b[0], b[1]]), span))
    }

    fn u32(&mut self, field: Field) -> Result<(u32, Span), DecodeError> {
        let (b, span) = self.take(4, field)?;
        Ok((u32::from_be_bytes([b[0], b[1], b[2], b[3]]), span))
    }

    fn message(&mut self) -> Result<(), DecodeError> {
        self.header()?;
        let h = self.msg.header;
        for i in 0..h.qdcount {
            self.expect_more(CountOf::Questions, h.qdcount, i)?;
            let q = self.question(usize::from(i))?;
            self.msg.questions.push(q);
        }
        for (section, count, count_of) in [
            (Section::Answer, h.ancount, CountOf::Answers),
            (Section::Authority, h.nscount, CountOf::Authorities),
            (Section::Additional, h.arcount, CountOf::Additionals),
        ] {
            for i in 0..count {
                self.expect_more(count_of, count, i)?;
                let r = self.record(Place::Record(section, usize::from(i)))?;
                match section {
                    Section::Answer => self.msg.answers.push(r),
                    Section::Authority => self.msg.authorities.push(r),
                    Section::Additional => self.msg.additionals.push(r),
                }
            }
        }
        if self.pos < self.buf.len() {
            return Err(Self::err(self.pos, ErrorKind::TrailingBytes { count: self.buf.len() - self.pos }));
        }
        Ok(())
    }

    /// A message that ends exactly where entry `found` should start does not hold
    /// what its count promises.
    fn expect_more(&self, count_of: CountOf, promised: u16, found: u16) -> Result<(), DecodeError> {
        if self.pos >= self.buf.len() {
            return Err(Self::err(self.pos, ErrorKind::MissingEntries { count_of, promised, found }));
        }
        Ok(())
    }

    /// RFC 1035 §4.1.1.
    fn header(&mut self) -> Result<(), DecodeError> {
        let p = Place::Header;
        let (id, s) = self.u16(Field::Header(HeaderField::Id))?;
        self.row(p, Key::Header(HeaderField::Id), s, || Value::U16(id));
        let (word, s) = self.u16(Field::Header(HeaderField::Flags))?;
        let flags = Flags::from_u16(word);
        self.row(p, Key::Header(HeaderField::Flags), s, || Value::Flags(flags));
        let mut counts = [0u16; 4];
        for (slot, h) in counts.iter_mut().zip(HeaderField::COUNTS) {
            let (n, s) = self.u16(Field::Header(h))?;
            self.row(p, Key::Header(h), s, || Value::U16(n));
            *slot = n;
        }
        debug_assert_eq!(self.pos, HEADER_LEN);
        let [qdcount, ancount, nscount, arcount] = counts;
        self.msg.header = Header { id, flags, qdcount, ancount, nscount, arcount, spans: HeaderSpans::standard() };
        Ok(())
    }

    /// RFC 1035 §4.1.2.
    fn question(&mut self, index: usize) -> Result<Question, DecodeError> {
        let p = Place::Question(index);
        let name = self.name(Some(p))?;
        let ((qtype, qtype_span), (qclass, qclass_span)) = self.type_and_class(p, Field::QType, Field::QClass)?;
        Ok(Question { name, qtype, qclass, qtype_span, qclass_span })
    }

    /// The TYPE and CLASS after an owner name (RFC 1035 §4.1.2, §4.1.3), with
    /// their rows; `type_field` and `class_field` name them in errors.
    fn type_and_class(
        &mut self,
        p: Place,
        type_field: Field,
        class_field: Field,
    ) -> Result<(Spanned<RrType>, Spanned<Class>), DecodeError> {
        let (t, type_span) = self.u16(type_field)?;
        let rtype = RrType::from(t);
        self.row(p, Key::Type, type_span, || Value::Type(rtype));
        let (c, class_span) = self.u16(class_field)?;
        let class = Class::from(c);
        self.row(p, Key::Class, class_span, || Value::Class(class));
        Ok(((rtype, type_span), (class, class_span)))
    }

    /// RFC 1035 §4.1.3.
    fn record(&mut self, p: Place) -> Result<Record, DecodeError> {
        let name = self.name(Some(p))?;
        let ((rtype, rtype_span), (class, class_span)) = self.type_and_class(p, Field::Type, Field::Class)?;
        let (ttl, ttl_span) = self.u32(Field::Ttl)?;
        self.row(p, Key::Ttl, ttl_span, || Value::U32(ttl));
        let (rdlength, rdlength_span) = self.u16(Field::RdLength)?;
        self.row(p, Key::RdLength, rdlength_span, || Value::U16(rdlength));
        let start = self.pos;
        let len = usize::from(rdlength);
        if start + len > self.buf.len() {
            let kind = ErrorKind::Truncated { field: Field::Rdata, needed: len, available: self.buf.len() - start };
            return Err(Self::err(start, kind));
        }
        self.limit = start + len;
        self.in_rdata = true;
        let rdata = self.rdata(rtype, class, rdlength);
        self.limit = self.buf.len();
        self.in_rdata = false;
        let rdata = rdata?;
        let rdata_span = Span::new(start, len);
        if self.want_rows {
            self.row(p, Key::Rdata, rdata_span, || Value::Rdata(rdata.clone()));
        }
        let spans = RecordSpans {
            rtype: rtype_span,
            class: class_span,
            ttl: ttl_span,
            rdlength: rdlength_span,
            rdata: rdata_span,
        };
        Ok(Record { name, rtype, class, ttl, rdlength, rdata, spans })
    }

    /// RDATA between `self.pos` and `self.limit` (RFC 1035 §3.3, §3.4; RFC 3596;
    /// RFC 6891 §6.1.2). Typed when the type is known; empty RDATA (dynamic update
    /// deletions, RFC 2136) and A/AAAA outside class IN stay raw.
    fn rdata(&mut self, rtype: RrType, class: Class, rdlength: u16) -> Result<RData, DecodeError> {
        let start = self.pos;
        let len = self.limit - start;
        let address_class = matches!(class, Class::In);
        let rdata = match rtype {
            RrType::Opt => RData::Opt(self.edns_options()?),
            _ if len == 0 => RData::Raw(Vec::new()),
            RrType::A if address_class => {
                let bytes = self.fixed(rtype, rdlength, 4)?;
                RData::A(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
            }
            RrType::Aaaa if address_class => {
                let bytes = self.fixed(rtype, rdlength, 16)?;
                let mut octets = [0u8; 16];
                octets.copy_from_slice(bytes);
                RData::Aaaa(Ipv6Addr::from(octets))
            }
            RrType::Ns => RData::Ns(self.name(None)?),
            RrType::Cname => RData::Cname(self.name(None)?),
            RrType::Ptr => RData::Ptr(self.name(None)?),
            RrType::Mx => {
                let (preference, _) = self.u16(Field::Preference)?;
                RData::Mx { preference, exchange: self.name(None)? }
            }
            RrType::Txt => RData::Txt(self.char_strings()?),
            RrType::Soa => RData::Soa(Box::new(self.soa()?)),
            _ => RData::Raw(self.take(len, Field::Rdata)?.0.to_vec()),
        };
        if self.pos < self.limit {
            return Err(Self::err(self.pos, ErrorKind::RdataUnderrun { unused: self.limit - self.pos }));
        }
        Ok(rdata)
    }

    fn fixed(&mut self, rtype: RrType, rdlength: u16, expected: u16) -> Result<&'a [u8], DecodeError> {
        if rdlength != expected {
            return Err(Self::err(self.pos, ErrorKind::BadRdLength { rtype, rdlength, expected }));
        }
        Ok(self.take(usize::from(expected), Field::Rdata)?.0)
    }

    fn char_strings(&mut self) -> Result<Vec<CharString>, DecodeError> {
        let mut strings = Vec::new();
        while self.pos < self.limit {
            let start = self.pos;
            let (len, _) = self.take(1, Field::CharString)?;
            let (data, _) = self.take(usize::from(len[0]), Field::CharString)?;
            strings.push(CharString { data: data.to_vec(), span: Span::new(start, self.pos - start) });
        }
        Ok(strings)
    }

    fn soa(&mut self) -> Result<Soa, DecodeError> {
        let mname = self.name(None)?;
        let rname = self.name(None)?;
        let mut numbers = [0u32; 5];
        let mut number_spans = [Span::default(); 5];
        for (n, s) in numbers.iter_mut().zip(number_spans.iter_mut()) {
            (*n, *s) = self.u32(Field::SoaNumber)?;
        }
        let [serial, refresh, retry, expire, minimum] = numbers;
        Ok(Soa { mname, rname, serial, refresh, retry, expire, minimum, number_spans })
    }

    fn edns_options(&mut self) -> Result<Vec<EdnsOption>, DecodeError> {
        let mut options = Vec::new();
        while self.pos < self.limit {
            let start = self.pos;
            let (code, _) = self.u16(Field::OptionHeader)?;
            let (len, _) = self.u16(Field::OptionHeader)?;
            let (data, _) = self.take(usize::from(len), Field::OptionData)?;
            options.push(EdnsOption { code, data: data.to_vec(), span: Span::new(start, self.pos - start) });
        }
        Ok(options)
    }

    /// A name at the position (RFC 1035 §3.1, §4.1.4). Its own bytes must lie
    /// within the current region; pointers may lead anywhere earlier in the message.
    /// With `place`, rows are made for its labels, pointer and the whole name.
    fn name(&mut self, place: Option<Place>) -> Result<NameField, DecodeError> {
        let mut n = NameRead::new(self.pos);
        loop {
            let in_place = n.own_end.is_none();
            let limit = if in_place { self.limit } else { self.buf.len() };
            let overrun = in_place && self.in_rdata;
            let byte = self.byte_at(n.cursor, limit, overrun, Field::LabelLength)?;
            match byte & POINTER_BITS {
                0 if byte == 0 => {
                    self.name_root(&mut n, place);
                    break;
                }
                0 => self.name_label(&mut n, byte, limit, overrun, place)?,
                POINTER_BITS => self.name_pointer(&mut n, byte, limit, overrun, place)?,
                _ => return Err(Self::err(n.cursor, ErrorKind::ReservedLabelType { byte })),
            }
        }
        Ok(self.name_finish(n, place))
    }

    /// The zero byte ending the name.
    fn name_root(&mut self, n: &mut NameRead, place: Option<Place>) {
        let span = Span::new(n.cursor, 1);
        n.parts.push(NamePart::Root(span));
        if n.own_end.is_none() {
            if let Some(p) = place {
                self.row(p, Key::Root, span, || Value::Root);
            }
            n.own_end = Some(span.end());
        }
    }

    /// A label: length byte `len` at the cursor, then its text.
    fn name_label(
        &mut self,
        n: &mut NameRead,
        len: u8,
        limit: usize,
        overrun: bool,
        place: Option<Place>,
    ) -> Result<(), DecodeError> {
        let len = usize::from(len);
        n.wire_len += 1 + len;
        if n.wire_len > MAX_NAME_WIRE_LEN {
            return Err(Self::err(n.cursor, ErrorKind::NameTooLong { wire_len: n.wire_len }));
        }
        let text = Span::new(n.cursor + 1, len);
        if text.end() > limit {
            let kind = if overrun {
                ErrorKind::RdataOverrun { field: Field::LabelText }
            } else {
                ErrorKind::Truncated { field: Field::LabelText, needed: len, available: limit - text.start }
            };
            return Err(Self::err(text.start, kind));
        }
        let label = &self.buf[text.range()];
        n.parts.push(NamePart::Label { len: Span::new(n.cursor, 1), text });
        if n.own_end.is_none() {
            n.own_labels += 1;
            if let Some(p) = place {
                self.row(p, Key::Label, Span::new(n.cursor, 1 + len), || Value::Label(label.to_vec()));
            }
        }
        n.name.push_label(label);
        n.cursor = text.end();
        Ok(())
    }

    /// A compression pointer whose first byte `high` is at the cursor: it must point
    /// before the run of labels it ends, and the jumps are counted.
    fn name_pointer(
        &mut self,
        n: &mut NameRead,
        high: u8,
        limit: usize,
        overrun: bool,
        place: Option<Place>,
    ) -> Result<(), DecodeError> {
        let low = self.byte_at(n.cursor + 1, limit, overrun, Field::Pointer)?;
        let target = (usize::from(high & !POINTER_BITS) << 8) | usize::from(low);
        if target >= n.cursor {
            return Err(Self::err(n.cursor, ErrorKind::PointerForward { target }));
        }
        if target >= n.run_start {
            return Err(Self::err(n.cursor, ErrorKind::PointerLoop { target }));
        }
        n.jumps += 1;
        if n.jumps > MAX_POINTERS {
            return Err(Self::err(n.cursor, ErrorKind::TooManyPointers { count: MAX_POINTERS }));
        }
        let span = Span::new(n.cursor, 2);
        n.parts.push(NamePart::Pointer { span, target });
        if n.own_end.is_none() {
            n.own_end = Some(span.end());
            if let Some(p) = place {
                if self.want_rows {
                    n.pointer_row = Some(self.rows.len());
                }
                self.row(p, Key::Pointer, span, || Value::Pointer { target, name: Name::root() });
            }
        }
        n.run_start = target;
        n.cursor = target;
        Ok(())
    }

    /// The name read: fills in the pointer row's resolved suffix, makes the name row
    /// and moves the position past the name's own bytes.
    fn name_finish(&mut self, n: NameRead, place: Option<Place>) -> NameField {
        let end = n.own_end.unwrap_or(n.cursor + 1);
        // Label and name lengths were checked as the labels were read.
        let name = n.name;
        if let Some(i) = n.pointer_row {
            let suffix = name.suffix(n.own_labels);
            if let Some(Row { value: Value::Pointer { name, .. }, .. }) = self.rows.get_mut(i) {
                *name = suffix;
            }
        }
        let span = Span::new(n.start, end - n.start);
        if let Some(p) = place {
            let whole = name.clone();
            self.row(p, Key::Name, span, || Value::Name(whole));
        }
        self.pos = end;
        NameField { name, span, parts: n.parts }
    }

    /// The byte at `offset`, which must lie before `limit`; past it is an RDATA
    /// overrun when `overrun`, else truncation.
    fn byte_at(&self, offset: usize, limit: usize, overrun: bool, field: Field) -> Result<u8, DecodeError> {
        if offset < limit {
            return Ok(self.buf[offset]);
        }
        let kind = if overrun {
            ErrorKind::RdataOverrun { field }
        } else {
            ErrorKind::Truncated { field, needed: 1, available: 0 }
        };
        Err(Self::err(offset, kind))
    }
}

/// The state of one name being read.
struct NameRead {
    /// Where the name starts.
    start: usize,
    /// The labels read so far.
    name: Name,
    parts: Vec<NamePart>,
    /// End of the name's own bytes, once its final zero or first pointer is read.
    own_end: Option<usize>,
    /// Labels at the name's own position.
    own_labels: usize,
    /// Index of the row of the name's first pointer, to fill in its target name.
    pointer_row: Option<usize>,
    /// Start of the run of labels being read: the name's start or the last target.
    run_start: usize,
    cursor: usize,
    /// Wire length so far, counting the final zero.
    wire_len: usize,
    jumps: usize,
}

impl NameRead {
    fn new(start: usize) -> Self {
        NameRead {
            start,
            name: Name::root(),
            parts: Vec::new(),
            own_end: None,
            own_labels: 0,
            pointer_row: None,
            run_start: start,
            cursor: start,
            wire_len: 1,
            jumps: 0,
        }
    }
}
