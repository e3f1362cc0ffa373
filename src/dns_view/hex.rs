//! The colour-coded hex dump: which field each byte belongs to, a colour per kind
//! of field (the same in the terminal and in HTML), the dump itself and its legend.
//! The sniffer's `-x` uses [`segments`] and [`FieldClass`] to colour DNS payloads.

use super::fields::{hex_bytes, FieldRow};
use crate::proto::dns::{DecodeError, HeaderField, Key, Partial, Span};

/// Bytes per line of a dump.
pub const BYTES_PER_LINE: usize = 16;
/// ANSI reset.
const RESET: &str = "\x1b[0m";

/// The kind of field a byte belongs to; each has its own colour. Not the row
/// [`Key`]: all the bytes of a name share one colour, and the dump also colours
/// the byte where decoding failed and the bytes left undecoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldClass {
    /// One of the header words.
    Header(HeaderField),
    /// Labels and the final zero of a QNAME or NAME.
    Name,
    /// A compression pointer in a QNAME or NAME (`c0 0c`).
    Pointer,
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
    /// The byte where decoding failed.
    Error,
    /// Bytes not decoded (after or inside the faulty field).
    Undecoded,
}

impl FieldClass {
    /// Every class, in legend order.
    pub const ALL: [FieldClass; 15] = [
        FieldClass::Header(HeaderField::Id),
        FieldClass::Header(HeaderField::Flags),
        FieldClass::Header(HeaderField::QdCount),
        FieldClass::Header(HeaderField::AnCount),
        FieldClass::Header(HeaderField::NsCount),
        FieldClass::Header(HeaderField::ArCount),
        FieldClass::Name,
        FieldClass::Pointer,
        FieldClass::Type,
        FieldClass::Class,
        FieldClass::Ttl,
        FieldClass::RdLength,
        FieldClass::Rdata,
        FieldClass::Error,
        FieldClass::Undecoded,
    ];

    /// The legend's text.
    pub fn label(self) -> &'static str {
        match self {
            FieldClass::Header(h) => h.title(),
            FieldClass::Name => "QNAME/NAME labels",
            FieldClass::Pointer => "compression pointer",
            FieldClass::Type => "QTYPE/TYPE",
            FieldClass::Class => "QCLASS/CLASS",
            FieldClass::Ttl => "TTL",
            FieldClass::RdLength => "RDLENGTH",
            FieldClass::Rdata => "RDATA",
            FieldClass::Error => "error here",
            FieldClass::Undecoded => "not decoded",
        }
    }

    /// The ANSI SGR parameters of the class's colour (16-colour palette, so every
    /// terminal shows it).
    pub fn ansi(self) -> &'static str {
        match self {
            FieldClass::Header(HeaderField::Id) => "1;34",
            FieldClass::Header(HeaderField::Flags) => "1;35",
            FieldClass::Header(HeaderField::QdCount) => "36",
            FieldClass::Header(HeaderField::AnCount) => "32",
            FieldClass::Header(HeaderField::NsCount) => "33",
            FieldClass::Header(HeaderField::ArCount) => "34",
            FieldClass::Name => "1;33",
            FieldClass::Pointer => "1;4;31",
            FieldClass::Type => "1;36",
            FieldClass::Class => "35",
            FieldClass::Ttl => "1;32",
            FieldClass::RdLength => "94",
            FieldClass::Rdata => "1;91",
            FieldClass::Error => "1;97;41",
            FieldClass::Undecoded => "2",
        }
    }

    /// The background colour of the class in HTML (light shades, dark text).
    pub fn css(self) -> &'static str {
        match self {
            FieldClass::Header(HeaderField::Id) => "#aecbfa",
            FieldClass::Header(HeaderField::Flags) => "#e3b7f5",
            FieldClass::Header(HeaderField::QdCount) => "#a8e6e2",
            FieldClass::Header(HeaderField::AnCount) => "#b7e4b0",
            FieldClass::Header(HeaderField::NsCount) => "#f6e3a1",
            FieldClass::Header(HeaderField::ArCount) => "#c5cae9",
            FieldClass::Name => "#fff59d",
            FieldClass::Pointer => "#ffab91",
            FieldClass::Type => "#80deea",
            FieldClass::Class => "#f8bbd0",
            FieldClass::Ttl => "#c5e1a5",
            FieldClass::RdLength => "#b3e5fc",
            FieldClass::Rdata => "#ffcc80",
            FieldClass::Error => "#ef5350",
            FieldClass::Undecoded => "#e0e0e0",
        }
    }

    /// The class of a decoded row, `None` for rows that only summarise others (a
    /// whole name, whose labels and pointer have rows of their own).
    pub fn of(key: Key) -> Option<FieldClass> {
        Some(match key {
            Key::Header(h) => FieldClass::Header(h),
            Key::Label | Key::Root => FieldClass::Name,
            Key::Pointer => FieldClass::Pointer,
            Key::Type => FieldClass::Type,
            Key::Class => FieldClass::Class,
            Key::Ttl => FieldClass::Ttl,
            Key::RdLength => FieldClass::RdLength,
            Key::Rdata => FieldClass::Rdata,
            Key::Name => return None,
        })
    }
}

/// A run of bytes of one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The bytes.
    pub span: Span,
    /// Their class.
    pub class: FieldClass,
}

/// The class of every byte of a message of `len` bytes, as runs in offset order
/// covering all `len` bytes: the decoded fields, then the byte where decoding
/// failed and the bytes not decoded.
pub fn segments(partial: &Partial, len: usize) -> Vec<Segment> {
    let mut classes = vec![FieldClass::Undecoded; len];
    for row in &partial.rows {
        if let Some(class) = FieldClass::of(row.key) {
            for c in classes.iter_mut().skip(row.span.start).take(row.span.len) {
                *c = class;
            }
        }
    }
    if let Some(e) = &partial.error {
        for c in classes.iter_mut().skip(e.offset) {
            *c = FieldClass::Undecoded;
        }
        if let Some(c) = classes.get_mut(e.offset) {
            *c = FieldClass::Error;
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    for (i, class) in classes.into_iter().enumerate() {
        match out.last_mut() {
            Some(s) if s.class == class && s.span.end() == i => s.span.len += 1,
            _ => out.push(Segment { span: Span::new(i, 1), class }),
        }
    }
    out
}

/// The class of the byte at `offset`.
pub fn class_at(segments: &[Segment], offset: usize) -> Option<FieldClass> {
    segments.iter().find(|s| s.span.contains(offset)).map(|s| s.class)
}

/// The classes present, in legend order.
pub fn classes_used(segments: &[Segment]) -> Vec<FieldClass> {
    FieldClass::ALL.into_iter().filter(|c| segments.iter().any(|s| s.class == *c)).collect()
}

/// A printable ASCII character for a byte, `.` otherwise.
pub fn ascii(b: u8) -> char {
    if (0x20..0x7f).contains(&b) {
        char::from(b)
    } else {
        '.'
    }
}

/// The dump in lines of 16 bytes (`0000  1a 2b …  .+…`), each byte in its field's
/// ANSI colour, the ASCII column coloured the same way.
pub fn ansi_dump(bytes: &[u8], segments: &[Segment]) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        let base = line * BYTES_PER_LINE;
        out.push_str(&format!("{base:04x}  "));
        let mut hex = String::new();
        let mut text = String::new();
        for (i, &b) in chunk.iter().enumerate() {
            let color = class_at(segments, base + i).map_or("0", FieldClass::ansi);
            hex.push_str(&format!("\x1b[{color}m{b:02x}{RESET}"));
            if i + 1 < chunk.len() {
                hex.push(' ');
            }
            text.push_str(&format!("\x1b[{color}m{}{RESET}", ascii(b)));
        }
        let pad = (BYTES_PER_LINE - chunk.len()) * 3;
        out.push_str(&format!("{hex}{}   {text}\n", " ".repeat(pad)));
    }
    out
}

/// The legend of an ANSI dump: each class present, in its colour.
pub fn ansi_legend(segments: &[Segment]) -> String {
    let items: Vec<String> =
        classes_used(segments).iter().map(|c| format!("\x1b[{}m■ {}{RESET}", c.ansi(), c.label())).collect();
    format!("Legend: {}\n", items.join("  "))
}

/// The dump as one line per field, with the field's section and key
/// (`000c  06 67 6f 6f 67 6c 65 03 63 6f 6d 00   QUERY QNAME`); fields longer than
/// 16 bytes continue on the next lines. Bytes after a fault are listed as not
/// decoded. Plain text, for Markdown and terminals without colour.
pub fn labelled_dump(bytes: &[u8], rows: &[FieldRow], error: Option<&DecodeError>) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for r in rows {
        if r.span.start > pos {
            let gap = Span::new(pos, r.span.start - pos);
            labelled_lines(&mut out, bytes, gap, "(bytes not decoded)");
        }
        labelled_lines(&mut out, bytes, r.span, &r.label());
        pos = pos.max(r.span.end());
    }
    if pos < bytes.len() {
        let what = match error {
            Some(e) => format!("(not decoded: error at offset {})", e.offset),
            None => "(not decoded)".to_string(),
        };
        labelled_lines(&mut out, bytes, Span::new(pos, bytes.len() - pos), &what);
    }
    out
}

fn labelled_lines(out: &mut String, bytes: &[u8], span: Span, label: &str) {
    let field = bytes.get(span.range()).unwrap_or_default();
    for (i, chunk) in field.chunks(BYTES_PER_LINE).enumerate() {
        let at = span.start + i * BYTES_PER_LINE;
        let tail = if i == 0 { label } else { "…" };
        out.push_str(&format!("{at:04x}  {:<47}   {tail}\n", hex_bytes(chunk)));
    }
}
