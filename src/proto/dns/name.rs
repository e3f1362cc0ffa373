//! Domain names (RFC 1035 §3.1, §2.3.4): a sequence of labels, each 1-63 bytes, at
//! most 255 bytes on the wire including the length bytes and the final zero.
//! Labels keep their case; comparisons ignore ASCII case (RFC 4343).
//!
//! Three textual forms:
//! - [`Display`](std::fmt::Display): dig's escaping without the trailing dot
//!   (`google.com`, `a\.b.com`, `sp\032ace.com`; the root is `.`);
//! - [`Name::dig`]: as dig prints it, with the trailing dot (`google.com.`);
//! - [`Name::tshark`]: as tshark 4.0 prints `dns.qry.name` (`google.com`, `a.b.com`,
//!   `\001` for control bytes, U+FFFD for bytes that are not UTF-8; the root is `<Root>`).

use std::fmt::{self, Write as _};

use super::span::Span;

/// Longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest name on the wire, length bytes and final zero included (RFC 1035 §2.3.4).
pub const MAX_NAME_WIRE_LEN: usize = 255;

/// Why a name cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    /// A label is empty (`a..b`), which only the root may be.
    EmptyLabel,
    /// A label is longer than 63 bytes.
    LabelTooLong { len: usize },
    /// The name takes more than 255 bytes on the wire.
    NameTooLong { wire_len: usize },
    /// A `\` escape in text is incomplete or out of range (`\256`, trailing `\`).
    BadEscape,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::EmptyLabel => write!(f, "empty label (two dots in a row)"),
            NameError::LabelTooLong { len } => write!(f, "label of {len} bytes (at most {MAX_LABEL_LEN})"),
            NameError::NameTooLong { wire_len } => {
                write!(f, "name of {wire_len} bytes on the wire (at most {MAX_NAME_WIRE_LEN})")
            }
            NameError::BadEscape => write!(f, "bad escape: use \\. \\\\ or \\DDD with DDD up to 255"),
        }
    }
}

/// A domain name: its labels from the leftmost, without the empty root label.
/// Stored in uncompressed wire form (each label after its length byte, without the
/// final zero), so a decoded name costs one allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Name {
    wire: Vec<u8>,
}

impl Name {
    /// The root name (no labels).
    pub fn root() -> Self {
        Name::default()
    }

    /// A name from its labels, checking the label and name length limits.
    pub fn from_labels<I, L>(labels: I) -> Result<Self, NameError>
    where
        I: IntoIterator<Item = L>,
        L: AsRef<[u8]>,
    {
        let mut name = Name::root();
        for label in labels {
            let label = label.as_ref();
            if label.is_empty() {
                return Err(NameError::EmptyLabel);
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(NameError::LabelTooLong { len: label.len() });
            }
            name.push_label(label);
        }
        if name.wire_len() > MAX_NAME_WIRE_LEN {
            return Err(NameError::NameTooLong { wire_len: name.wire_len() });
        }
        Ok(name)
    }

    /// Appends a label whose length the caller has checked (1 to 63 bytes).
    pub(crate) fn push_label(&mut self, label: &[u8]) {
        self.wire.push(label.len() as u8);
        self.wire.extend_from_slice(label);
    }

    /// Parses dotted text (`google.com`, `google.com.`, `.` for the root), accepting
    /// the master-file escapes `\.`, `\\`, `\X` and `\DDD` (RFC 1035 §5.1).
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if text == "." || text.is_empty() {
            return Ok(Name::root());
        }
        let mut labels = Vec::new();
        let mut label = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut ended_with_dot = false;
        while i < bytes.len() {
            ended_with_dot = bytes[i] == b'.';
            match bytes[i] {
                b'.' => {
                    labels.push(std::mem::take(&mut label));
                    i += 1;
                }
                b'\\' => {
                    let (byte, used) = parse_escape(&bytes[i + 1..])?;
                    label.push(byte);
                    i += 1 + used;
                }
                b => {
                    label.push(b);
                    i += 1;
                }
            }
        }
        if !ended_with_dot {
            labels.push(label);
        }
        Name::from_labels(labels)
    }

    /// The labels, leftmost first.
    pub fn labels(&self) -> Labels<'_> {
        Labels { rest: &self.wire }
    }

    /// Number of labels (0 for the root).
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// The uncompressed wire form without the final zero byte.
    pub fn wire_without_root(&self) -> &[u8] {
        &self.wire
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        self.wire.is_empty()
    }

    /// Length on the wire without compression: a length byte per label, the labels,
    /// and the final zero.
    pub fn wire_len(&self) -> usize {
        self.wire.len() + 1
    }

    /// Whether two names are equal ignoring ASCII case (RFC 4343).
    pub fn eq_ignore_case(&self, other: &Name) -> bool {
        // Length bytes are below 64, so ASCII case folding leaves them alone.
        self.wire.eq_ignore_ascii_case(&other.wire)
    }

    /// The name lower-cased, for case-insensitive maps.
    pub fn to_lowercase(&self) -> Name {
        Name { wire: self.wire.to_ascii_lowercase() }
    }

    /// The suffix starting at label `index` (`www.google.com`, 1 → `google.com`).
    pub fn suffix(&self, index: usize) -> Name {
        let mut at = 0;
        for _ in 0..index {
            match self.wire.get(at) {
                Some(&len) => at += 1 + usize::from(len),
                None => break,
            }
        }
        Name { wire: self.wire.get(at..).unwrap_or_default().to_vec() }
    }

    /// The name as dig prints it: escaped, with the trailing dot.
    pub fn dig(&self) -> DigName<'_> {
        DigName(self)
    }

    /// The name as tshark 4.0 prints `dns.qry.name` and `dns.resp.name`.
    pub fn tshark(&self) -> TsharkName<'_> {
        TsharkName(self)
    }
}

/// The labels of a [`Name`], leftmost first.
#[derive(Clone, Debug)]
pub struct Labels<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, tail) = self.rest.split_first()?;
        let len = usize::from(len).min(tail.len());
        let (label, rest) = tail.split_at(len);
        self.rest = rest;
        Some(label)
    }
}

/// Reads one escape after a `\`: `\DDD` (decimal, up to 255) or `\X` for any other X.
fn parse_escape(rest: &[u8]) -> Result<(u8, usize), NameError> {
    match rest.first() {
        None => Err(NameError::BadEscape),
        Some(d) if d.is_ascii_digit() => {
            let digits = rest.get(..3).ok_or(NameError::BadEscape)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(NameError::BadEscape);
            }
            let value = digits.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            u8::try_from(value).map(|b| (b, 3)).map_err(|_| NameError::BadEscape)
        }
        Some(&b) => Ok((b, 1)),
    }
}

/// Writes one label with dig's escapes: `\` before `. " ( ) ; \ @ $`, `\DDD` for
/// bytes outside 0x21..=0x7e (BIND's `dns_name_totext`).
fn write_dig_label(f: &mut fmt::Formatter<'_>, label: &[u8]) -> fmt::Result {
    for &b in label {
        match b {
            b'.' | b'"' | b'(' | b')' | b';' | b'\\' | b'@' | b'$' => {
                f.write_char('\\')?;
                f.write_char(char::from(b))?;
            }
            0x21..=0x7e => f.write_char(char::from(b))?,
            _ => write!(f, "\\{b:03}")?,
        }
    }
    Ok(())
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_char('.');
        }
        for (i, label) in self.labels().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            write_dig_label(f, label)?;
        }
        Ok(())
    }
}

/// A [`Name`] displayed as dig does: `google.com.`, root `.`.
pub struct DigName<'a>(&'a Name);

impl fmt::Display for DigName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_root() {
            return f.write_char('.');
        }
        for label in self.0.labels() {
            write_dig_label(f, label)?;
            f.write_char('.')?;
        }
        Ok(())
    }
}

/// A [`Name`] displayed as tshark 4.0 does: labels joined by `.` unescaped, then the
/// text made printable like Wireshark's `format_text`; the root is `<Root>`.
pub struct TsharkName<'a>(&'a Name);

impl fmt::Display for TsharkName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_root() {
            return f.write_str("<Root>");
        }
        let mut joined = Vec::with_capacity(self.0.wire_len());
        for (i, label) in self.0.labels().enumerate() {
            if i > 0 {
                joined.push(b'.');
            }
            joined.extend_from_slice(label);
        }
        write_tshark_text(f, &joined)
    }
}

/// Wireshark's `format_text`: printable ASCII as is; other ASCII as C escapes
/// (`\n`, `\t`…) or 3-digit octal (`\001`, `\177`); UTF-8 sequences decoded, shown
/// when printable, as `\uXXXX` when not; malformed sequences as U+FFFD.
pub fn write_tshark_text(f: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        if (0x20..0x7f).contains(&c) {
            f.write_char(char::from(c))?;
        } else if c < 0x80 {
            write_ascii_escape(f, c)?;
        } else {
            let (ch, used) = decode_utf8_lax(c, &bytes[i..]);
            i += used;
            if ch.is_control() {
                write!(f, "\\u{:04x}", u32::from(ch))?;
            } else {
                f.write_char(ch)?;
            }
        }
    }
    Ok(())
}

/// A C escape for a non-printable ASCII byte.
fn write_ascii_escape(f: &mut impl fmt::Write, c: u8) -> fmt::Result {
    match c {
        0x07 => f.write_str("\\a"),
        0x08 => f.write_str("\\b"),
        0x0c => f.write_str("\\f"),
        b'\n' => f.write_str("\\n"),
        b'\r' => f.write_str("\\r"),
        b'\t' => f.write_str("\\t"),
        0x0b => f.write_str("\\v"),
        _ => write!(f, "\\{c:03o}"),
    }
}

/// Decodes the UTF-8 sequence led by `lead` with its continuation bytes from `rest`,
/// the way Wireshark does: a missing or wrong continuation byte ends the character
/// as U+FFFD without consuming that byte. Returns the character and bytes consumed.
fn decode_utf8_lax(lead: u8, rest: &[u8]) -> (char, usize) {
    let (more, mask) = match lead {
        0xc0..=0xdf => (1, 0x1f),
        0xe0..=0xef => (2, 0x0f),
        0xf0..=0xf7 => (3, 0x07),
        0xf8..=0xfb => (4, 0x03),
        0xfc..=0xfd => (5, 0x01),
        _ => return (char::REPLACEMENT_CHARACTER, 0),
    };
    let mut code = u32::from(lead & mask);
    for i in 0..more {
        match rest.get(i) {
            Some(&c) if c & 0xc0 == 0x80 => code = (code << 6) | u32::from(c & 0x3f),
            _ => return (char::REPLACEMENT_CHARACTER, i),
        }
    }
    (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), more)
}

/// One piece of a name as it sits in a message (RFC 1035 §4.1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamePart {
    /// A label: its length byte and its text.
    Label {
        /// The length byte.
        len: Span,
        /// The label's bytes.
        text: Span,
    },
    /// The zero byte that ends the name (the root label).
    Root(Span),
    /// A compression pointer (`c0 0c`): its two bytes and the offset it points to.
    Pointer {
        /// The two pointer bytes.
        span: Span,
        /// The offset the pointer points to.
        target: usize,
    },
}

/// A name read from (or placed in) a message, with where each piece of it lies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameField {
    /// The name, compression pointers resolved.
    pub name: Name,
    /// The bytes of the name at its own position: its labels up to and including
    /// the final zero or the first compression pointer.
    pub span: Span,
    /// Every piece in reading order, following pointers: labels at the name's own
    /// position, then a pointer, then the labels it points to (which lie earlier in
    /// the message), and so on to the final zero. Empty for names not yet encoded.
    pub parts: Vec<NamePart>,
}

impl NameField {
    /// A name with no position yet (to be encoded).
    pub fn new(name: Name) -> Self {
        NameField { name, span: Span::default(), parts: Vec::new() }
    }

    /// The pieces at the name's own position: up to the first pointer included.
    pub fn own_parts(&self) -> &[NamePart] {
        let end =
            self.parts.iter().position(|p| matches!(p, NamePart::Pointer { .. })).map_or(self.parts.len(), |i| i + 1);
        &self.parts[..end]
    }

    /// The first compression pointer of the name, if it has one: (its span, target).
    pub fn pointer(&self) -> Option<(Span, usize)> {
        self.parts.iter().find_map(|p| match p {
            NamePart::Pointer { span, target } => Some((*span, *target)),
            _ => None,
        })
    }

    /// Forgets positions (for comparing messages regardless of layout).
    pub fn clear_spans(&mut self) {
        self.span = Span::default();
        self.parts.clear();
    }
}

impl From<Name> for NameField {
    fn from(name: Name) -> Self {
        NameField::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(labels: &[&[u8]]) -> Name {
        Name::from_labels(labels.iter().map(|l| l.to_vec())).unwrap()
    }

    #[test]
    fn parse_plain_absolute_and_root() {
        assert_eq!(Name::parse("google.com").unwrap(), n(&[b"google", b"com"]));
        assert_eq!(Name::parse("google.com.").unwrap(), n(&[b"google", b"com"]));
        assert_eq!(Name::parse(".").unwrap(), Name::root());
        assert_eq!(Name::parse("").unwrap(), Name::root());
    }

    #[test]
    fn parse_escapes() {
        assert_eq!(Name::parse(r"a\.b.com").unwrap(), n(&[b"a.b", b"com"]));
        assert_eq!(Name::parse(r"sp\032ace.com").unwrap(), n(&[b"sp ace", b"com"]));
        assert_eq!(Name::parse(r"x\\y.com").unwrap(), n(&[b"x\\y", b"com"]));
        assert_eq!(Name::parse(r"a\.").unwrap(), n(&[b"a."]));
        assert_eq!(Name::parse(r"a\\.").unwrap(), n(&[b"a\\"]));
        assert_eq!(Name::parse(r"a\256.com"), Err(NameError::BadEscape));
        assert_eq!(Name::parse(r"a\"), Err(NameError::BadEscape));
        assert_eq!(Name::parse(r"a\12"), Err(NameError::BadEscape));
    }

    #[test]
    fn limits() {
        assert_eq!(Name::parse("a..b"), Err(NameError::EmptyLabel));
        let long = "x".repeat(64);
        assert_eq!(Name::parse(&long), Err(NameError::LabelTooLong { len: 64 }));
        assert!(Name::parse(&"x".repeat(63)).is_ok());
        // 4 labels of 63 = 4*64 + 1 = 257 bytes on the wire.
        let too_long = vec!["x".repeat(63); 4].join(".");
        assert_eq!(Name::parse(&too_long), Err(NameError::NameTooLong { wire_len: 257 }));
        // 3*64 + 62 + 1 = 255 exactly.
        let max = format!("{}.{}", vec!["x".repeat(63); 3].join("."), "y".repeat(61));
        assert_eq!(Name::parse(&max).unwrap().wire_len(), 255);
    }

    #[test]
    fn dig_style_matches_dig_9() {
        // Checked against dig 9 printing a CNAME with these labels.
        let name = n(&[b"a.b", b"x\\y", b"sp ace", b"\x01\x7f\xff", b"q\"t;(x)@$", b"com"]);
        assert_eq!(name.dig().to_string(), r#"a\.b.x\\y.sp\032ace.\001\127\255.q\"t\;\(x\)\@\$.com."#);
        assert_eq!(name.to_string(), r#"a\.b.x\\y.sp\032ace.\001\127\255.q\"t\;\(x\)\@\$.com"#);
        assert_eq!(Name::root().dig().to_string(), ".");
        assert_eq!(Name::root().to_string(), ".");
    }

    #[test]
    fn tshark_style_matches_tshark_4_0() {
        // Checked against `tshark -T fields -e dns.qry.name` 4.0.17.
        assert_eq!(n(&[b"a.b", b"com"]).tshark().to_string(), "a.b.com");
        assert_eq!(n(&[b"x\\y", b"com"]).tshark().to_string(), "x\\y.com");
        assert_eq!(n(&[b"sp ace", b"\x01\x7f\xff", b"q\"t"]).tshark().to_string(), "sp ace.\\001\\177\u{fffd}.q\"t");
        assert_eq!(n(&[b"tab\tnl\n", b"com"]).tshark().to_string(), "tab\\tnl\\n.com");
        assert_eq!(Name::root().tshark().to_string(), "<Root>");
        assert_eq!(n(&["caf\u{e9}".as_bytes()]).tshark().to_string(), "caf\u{e9}");
        assert_eq!(n(&[b"\xc3"]).tshark().to_string(), "\u{fffd}");
        assert_eq!(n(&[b"\xc2\x85"]).tshark().to_string(), "\\u0085");
    }

    #[test]
    fn labels_suffix_and_wire_form() {
        let name = Name::parse("www.Google.com").unwrap();
        assert_eq!(name.labels().collect::<Vec<_>>(), [&b"www"[..], b"Google", b"com"]);
        assert_eq!(name.label_count(), 3);
        assert_eq!(name.wire_without_root(), b"\x03www\x06Google\x03com");
        assert_eq!(name.wire_len(), 16);
        assert_eq!(name.suffix(2), Name::parse("com").unwrap());
        assert_eq!(name.suffix(3), Name::root());
        assert_eq!(name.suffix(9), Name::root());
        assert_eq!(Name::root().labels().count(), 0);
    }

    #[test]
    fn case_preserved_and_compared_insensitively() {
        let a = Name::parse("Google.COM").unwrap();
        assert_eq!(a.to_string(), "Google.COM");
        assert!(a.eq_ignore_case(&Name::parse("google.com").unwrap()));
        assert_ne!(a, Name::parse("google.com").unwrap());
        assert_eq!(a.to_lowercase(), Name::parse("google.com").unwrap());
        assert_eq!(Name::parse("www.google.com").unwrap().suffix(1), Name::parse("google.com").unwrap());
    }
}
