//! What the line-based application protocols (FTP, SMTP, POP, IMAP, the SSH
//! banner) share: splitting a PDU into lines as tshark does, and showing a
//! line's bytes as tshark's `format_text` shows them.

use std::fmt::Write as _;

/// One line of a PDU: where it starts, how long it is without its end of line,
/// and how long with it (`\r\n` or `\n`; none for a last line cut short).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Offset of the first byte in the PDU.
    pub start: usize,
    /// Length without the end of line.
    pub len: usize,
    /// Length with the end of line.
    pub full: usize,
}

impl Line {
    /// The line's text, without its end of line.
    pub fn text<'p>(&self, pdu: &'p [u8]) -> &'p [u8] {
        pdu.get(self.start..self.start + self.len).unwrap_or_default()
    }

    /// Whether the line ends with `\r\n` (what tshark's tree shows after the text).
    pub fn crlf(&self, pdu: &[u8]) -> bool {
        self.full == self.len + 2 && pdu.get(self.start + self.len) == Some(&b'\r')
    }
}

/// The lines of `pdu`: each ends after a `\n` (a `\r` before it is part of the
/// end of line), the last one where the PDU ends.
pub fn lines(pdu: &[u8]) -> impl Iterator<Item = Line> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = pdu.get(at..).filter(|r| !r.is_empty())?;
        let start = at;
        let line = match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                let len = if nl > 0 && rest[nl - 1] == b'\r' { nl - 1 } else { nl };
                Line { start, len, full: nl + 1 }
            }
            None => Line { start, len: rest.len(), full: rest.len() },
        };
        at += line.full;
        Some(line)
    })
}

/// The first line of `pdu`, if it has any byte.
pub fn first(pdu: &[u8]) -> Option<Line> {
    lines(pdu).next()
}

/// `bytes` as tshark's `format_text` shows them: printable ASCII and valid
/// UTF-8 as they are, control characters as C escapes (`\r`, `\n`, `\t`) or
/// three octal digits.
pub fn shown(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => s.push_str("\\r"),
                '\n' => s.push_str("\\n"),
                '\t' => s.push_str("\\t"),
                '\u{7}' => s.push_str("\\a"),
                '\u{8}' => s.push_str("\\b"),
                '\u{b}' => s.push_str("\\v"),
                '\u{c}' => s.push_str("\\f"),
                '\\' => s.push_str("\\\\"),
                c if c.is_control() && c.is_ascii() => {
                    let _ = write!(s, "\\{:03o}", c as u32);
                }
                c => s.push(c),
            }
        }
        for &b in chunk.invalid() {
            let _ = write!(s, "\\{b:03o}");
        }
    }
    s
}

/// A field's values as `-T fields` and `-Y` take them: tshark writes a string's
/// carriage return and line feed as `\r` and `\n` there (the tree's JSON keeps
/// them as they are, escaped by JSON itself).
pub fn escape_line_ends(values: &mut [crate::sniff::value::Value<'_>]) {
    for v in values {
        if let crate::sniff::value::Value::Str(s) = v {
            if s.contains(['\r', '\n']) {
                *s = s.replace('\r', "\\r").replace('\n', "\\n").into();
            }
        }
    }
}

/// The end of line tshark's tree writes after a line's text: `\r\n` escaped,
/// `\n` escaped, or nothing for a line cut short.
pub fn eol(line: &Line, pdu: &[u8]) -> &'static str {
    match (line.crlf(pdu), line.full > line.len) {
        (true, _) => "\\r\\n",
        (false, true) => "\\n",
        _ => "",
    }
}

/// The first word of `text` (up to a space) and what follows the spaces after it.
pub fn split_word(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    match text.iter().position(|&b| b == b' ') {
        Some(sp) => {
            let rest = &text[sp..];
            let skip = rest.iter().take_while(|&&b| b == b' ').count();
            (&text[..sp], Some(&rest[skip..]))
        }
        None => (text, None),
    }
}

/// The three-digit reply code at the start of `text` (FTP, SMTP).
pub fn reply_code(text: &[u8]) -> Option<u16> {
    let d = text.get(..3)?;
    d.iter().all(u8::is_ascii_digit).then(|| d.iter().fold(0u16, |n, &b| n * 10 + u16::from(b - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_after_newlines_and_at_the_end() {
        let pdu = b"USER a\r\nPASS b\nrest";
        let all: Vec<Line> = lines(pdu).collect();
        assert_eq!(all.len(), 3);
        assert_eq!((all[0].text(pdu), eol(&all[0], pdu)), (&b"USER a"[..], "\\r\\n"));
        assert_eq!((all[1].text(pdu), eol(&all[1], pdu)), (&b"PASS b"[..], "\\n"));
        assert_eq!((all[2].text(pdu), eol(&all[2], pdu)), (&b"rest"[..], ""));
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"\n").next(), Some(Line { start: 0, len: 0, full: 1 }));
    }

    #[test]
    fn control_bytes_are_escaped_as_tshark_does() {
        assert_eq!(shown(b"a\x18\x01\tb\xff"), "a\\030\\001\\tb\\377");
        assert_eq!(shown("é".as_bytes()), "é");
    }

    #[test]
    fn words_and_codes() {
        assert_eq!(split_word(b"USER  anon x"), (&b"USER"[..], Some(&b"anon x"[..])));
        assert_eq!(split_word(b"PWD"), (&b"PWD"[..], None));
        assert_eq!(reply_code(b"220 hi"), Some(220));
        assert_eq!(reply_code(b"2x0"), None);
        assert_eq!(reply_code(b"22"), None);
    }
}
