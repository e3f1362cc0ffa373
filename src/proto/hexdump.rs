//! Reading hex dumps the way students paste them into a lab report or a terminal:
//! a pure function from text to bytes, with the line and column of anything it
//! cannot read.
//!
//! # What it accepts
//!
//! Each line is one of two kinds.
//!
//! **Dump lines** start with an offset: a hex number ending in `:` (`0000:`, xxd's
//! `00000010:`), or a hex number of at least 4 digits followed by two or more blanks
//! (tshark's `0010  `, `hexdump -C`'s `00000010  `). After the offset come groups of
//! hex digits (bytes `1a 2b`, or xxd's 2-byte groups `1a2b`), then optionally the
//! ASCII column, which is ignored:
//! - `hexdump -C`: everything from the first `|` on;
//! - tshark `-x` and xxd: the text after a run of two or more blanks when its length
//!   is the number of bytes on the line (so an ASCII column that happens to look
//!   like hex, `abcd`, is still recognised), or the text from the first token that
//!   is not a hex group.
//!
//! The offsets are checked: a line whose offset is below the bytes read so far cuts
//! the previous line to fit (its ASCII column looked like hex), and a line whose
//! offset is beyond them is an error (a line is missing).
//!
//! **Free lines** are everything else: hex digits separated by blanks, commas,
//! semicolons, colons or brackets, each group optionally prefixed by `0x` or `\x`
//! (`1a 2b 01 00`, `1a2b0100`, `0x1a, 0x2b`, `\x1a\x2b`, `1a:2b`), upper or lower
//! case. A group with a prefix may have one digit (`0x1` is the byte 01); without
//! one, a group needs an even number of digits. A label before a colon that is not
//! hex (`Request (in Hex): 1a 2b …`, as `socklab dns server` prints) is skipped, and
//! so is a comment from `#` or `//` to the end of the line.
//!
//! Not accepted: `hexdump` without `-C` and `od -x`, which print 16-bit words in the
//! machine's byte order (swapped on x86); use `hexdump -C` or `xxd`.

use std::fmt;

/// Why a hex dump cannot be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexError {
    /// Line number, from 1.
    pub line: usize,
    /// Column (character position in the line), from 1.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for HexError {}

/// Smallest number of digits of an offset that is not followed by a `:`.
const MIN_BARE_OFFSET_DIGITS: usize = 4;
/// Blanks that separate a bare offset, or the ASCII column, from the hex.
const MIN_GAP: usize = 2;

/// A whitespace-separated piece of a line: its text, where it starts (in
/// characters) and how many blanks precede it.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    text: &'a str,
    column: usize,
    gap: usize,
}

/// Splits `line` into tokens, remembering columns and gaps.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut gap = 0;
    let mut start: Option<(usize, usize, usize)> = None; // (byte index, column, gap)
    for (col, (i, c)) in line.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some((s, column, g)) = start.take() {
                out.push(Token { text: &line[s..i], column, gap: g });
                gap = 0;
            }
            gap += 1;
        } else if start.is_none() {
            start = Some((i, col, gap));
        }
    }
    if let Some((s, column, g)) = start {
        out.push(Token { text: &line[s..], column, gap: g });
    }
    out
}

/// The last dump line: its number and where its bytes start.
struct DumpLine {
    line: usize,
    start: usize,
}

/// Parses a hex dump (see the module documentation for the accepted forms).
pub fn parse(text: &str) -> Result<Vec<u8>, HexError> {
    let mut bytes = Vec::new();
    // The first dump line's offset and where its bytes start in `bytes`, and the
    // last dump line, for the offset checks.
    let mut base: Option<(u64, usize)> = None;
    let mut last: Option<DumpLine> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r');
        let offset = offset_of(line).or_else(|| base.and_then(|_| end_offset(line)));
        match offset {
            Some((offset, rest_col)) => {
                let (base_offset, base_len) = *base.get_or_insert((offset, bytes.len()));
                let expected = offset.checked_sub(base_offset).map(|d| d + base_len as u64);
                let Some(expected) = expected else {
                    return Err(err(
                        line_no,
                        1,
                        format!("offset 0x{offset:x} is below the first line's 0x{base_offset:x}"),
                    ));
                };
                reconcile(&mut bytes, last.as_ref(), expected, line_no, offset)?;
                let start = bytes.len();
                dump_line(line, rest_col, &mut bytes);
                last = Some(DumpLine { line: line_no, start });
            }
            None => free_line(line, line_no, &mut bytes)?,
        }
    }
    Ok(bytes)
}

fn err(line: usize, column: usize, message: String) -> HexError {
    HexError { line, column, message }
}

/// Makes the bytes read so far end where the offset of the next dump line says:
/// cuts the previous line if it read too many (an ASCII column that looked like
/// hex); bytes missing before the offset are an error.
fn reconcile(
    bytes: &mut Vec<u8>,
    last: Option<&DumpLine>,
    expected: u64,
    line_no: usize,
    offset: u64,
) -> Result<(), HexError> {
    let have = bytes.len() as u64;
    if expected < have {
        if last.is_none_or(|p| expected < p.start as u64) {
            return Err(err(line_no, 1, format!("offset 0x{offset:x} goes back over bytes already read")));
        }
        bytes.truncate(expected as usize);
    } else if expected > have {
        let after = last.map_or(String::new(), |p| format!(" after line {}", p.line));
        return Err(err(
            line_no,
            1,
            format!(
                "offset 0x{offset:x} is {expected} bytes in, but only {have} came before it: is a line missing{after}?"
            ),
        ));
    }
    Ok(())
}

/// The offset at the start of a dump line and the column where the rest begins.
fn offset_of(line: &str) -> Option<(u64, usize)> {
    let toks = tokens(line);
    let first = toks.first()?;
    let (digits, colon) = match first.text.strip_suffix(':') {
        Some(d) => (d, true),
        None => (first.text, false),
    };
    let digits = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")).unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) || digits.len() > 16 {
        return None;
    }
    let bare_ok = toks.get(1).is_some_and(|t| t.gap >= MIN_GAP) && digits.len() >= MIN_BARE_OFFSET_DIGITS;
    if !(colon || bare_ok) {
        return None;
    }
    let value = u64::from_str_radix(digits, 16).ok()?;
    Some((value, first.column + first.text.chars().count()))
}

/// The total length `hexdump -C` and `xxd`-like tools print alone on the last
/// line (`0000001c`), read as an offset with no bytes after it.
fn end_offset(line: &str) -> Option<(u64, usize)> {
    let word = line.trim();
    let hex = word.len() >= MIN_BARE_OFFSET_DIGITS && word.len() <= 16 && word.bytes().all(|b| b.is_ascii_hexdigit());
    hex.then(|| u64::from_str_radix(word, 16).ok()).flatten().map(|v| (v, line.chars().count()))
}

/// Whether a token is a group of hex digits making whole bytes.
fn is_group(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Appends the bytes of a dump line whose offset ends at character `rest_col`.
fn dump_line(line: &str, rest_col: usize, bytes: &mut Vec<u8>) {
    let rest: String = line.chars().skip(rest_col).collect();
    let rest = rest.split('|').next().unwrap_or_default();
    let toks = tokens(rest);
    let hex_end = toks.iter().position(|t| !is_group(t.text)).unwrap_or(toks.len());
    let mut count = 0;
    let mut cut = hex_end;
    for (k, t) in toks.iter().enumerate().take(hex_end + 1) {
        if k > 0 && t.gap >= MIN_GAP {
            let tail = rest.chars().skip(t.column).collect::<String>();
            let tail_len = tail.trim_end().chars().count();
            if tail_len == count || (k == hex_end && tail_len <= count) {
                cut = k;
                break;
            }
        }
        count += t.text.len() / 2;
    }
    for t in &toks[..cut] {
        push_hex(t.text, bytes);
    }
}

/// Appends the bytes of an even-length run of hex digits (checked by the caller).
fn push_hex(digits: &str, bytes: &mut Vec<u8>) {
    let d = digits.as_bytes();
    for pair in d.chunks_exact(2) {
        bytes.push((nibble(pair[0]) << 4) | nibble(pair[1]));
    }
}

fn nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Characters that separate groups on a free line.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | ':' | '[' | ']' | '{' | '}' | '(' | ')')
}

/// Appends the bytes of a free line.
fn free_line(line: &str, line_no: usize, bytes: &mut Vec<u8>) -> Result<(), HexError> {
    let line = strip_comment(line);
    let (line, skipped) = strip_label(line);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_separator(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !is_separator(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        group(&word, line_no, skipped + start + 1, bytes)?;
    }
    Ok(())
}

/// The line without a `#` or `//` comment.
fn strip_comment(line: &str) -> &str {
    let cut = [line.find('#'), line.find("//")].into_iter().flatten().min();
    cut.map_or(line, |c| &line[..c])
}

/// The line without a leading label such as `Request (in Hex):`, and the number of
/// characters removed.
fn strip_label(line: &str) -> (&str, usize) {
    let Some(colon) = line.find(':') else { return (line, 0) };
    let label = &line[..colon];
    let hexish = label.split(is_separator).all(|w| {
        let w = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")).unwrap_or(w);
        w.bytes().all(|b| b.is_ascii_hexdigit())
    });
    if hexish {
        return (line, 0);
    }
    let rest = &line[colon + 1..];
    (rest, line[..=colon].chars().count())
}

/// Appends the bytes of one group of a free line: hex digits with optional `0x` or
/// `\x` prefixes (`0x1a`, `\x1a\x2b`, `1a2b`).
fn group(word: &str, line_no: usize, column: usize, bytes: &mut Vec<u8>) -> Result<(), HexError> {
    if word.contains("\\x") || word.contains("\\X") {
        for part in word.split(['\\']).filter(|p| !p.is_empty()) {
            let digits = part.strip_prefix(['x', 'X']).ok_or_else(|| not_hex(word, line_no, column))?;
            prefixed(digits, word, line_no, column, bytes)?;
        }
        return Ok(());
    }
    if let Some(digits) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        return prefixed(digits, word, line_no, column, bytes);
    }
    if !word.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_hex(word, line_no, column));
    }
    if word.len() % 2 == 1 {
        return Err(err(
            line_no,
            column,
            format!("'{word}' has an odd number of hex digits: each byte is two digits (write 0{word} or 0x{word})"),
        ));
    }
    push_hex(word, bytes);
    Ok(())
}

/// The digits after a `0x` or `\x`: one digit is a byte, more must be whole bytes.
fn prefixed(digits: &str, word: &str, line_no: usize, column: usize, bytes: &mut Vec<u8>) -> Result<(), HexError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_hex(word, line_no, column));
    }
    if digits.len() == 1 {
        bytes.push(nibble(digits.as_bytes()[0]));
        return Ok(());
    }
    if digits.len() % 2 == 1 {
        return Err(err(line_no, column, format!("'{word}' has an odd number of hex digits")));
    }
    push_hex(digits, bytes);
    Ok(())
}

fn not_hex(word: &str, line_no: usize, column: usize) -> HexError {
    let shown: String = word.chars().take(20).collect();
    err(line_no, column, format!("'{shown}' is not hex (expected bytes like 1a 2b, 0x1a or 1a2b)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAB_QUERY: [u8; 28] = [
        0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, b'g', b'o', b'o', b'g', b'l',
        b'e', 0x03, b'c', b'o', b'm', 0x00, 0x00, 0x01, 0x00, 0x01,
    ];

    fn ok(text: &str) -> Vec<u8> {
        parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn plain_spaced_bytes_and_newlines() {
        let text = "1a 2b 01 00 00 01 00 00 00 00 00 00\n06 67 6f 6f 67 6c 65 03 63 6f 6d 00\n00 01 00 01\n";
        assert_eq!(ok(text), LAB_QUERY);
        assert_eq!(ok(&text.to_uppercase()), LAB_QUERY);
    }

    #[test]
    fn continuous_stream_and_prefixes_and_commas() {
        assert_eq!(ok("1a2b010000010000000000000667 6f6f676c6503636f6d0000010001"), LAB_QUERY);
        let c_array = LAB_QUERY.iter().map(|b| format!("0x{b:02X}")).collect::<Vec<_>>().join(", ");
        assert_eq!(ok(&format!("{{ {c_array} }};")), LAB_QUERY);
        let escaped: String = LAB_QUERY.iter().map(|b| format!("\\x{b:02x}")).collect();
        assert_eq!(ok(&escaped), LAB_QUERY);
        assert_eq!(ok("0x1, 0xa"), [1, 10]);
        assert_eq!(ok("1a:2b:01"), [0x1a, 0x2b, 1]);
    }

    #[test]
    fn server_output_labels_and_comments() {
        assert_eq!(ok("Request (in Hex): 1a 2b 01 00 # ID and flags"), [0x1a, 0x2b, 1, 0]);
        assert_eq!(ok("  1a 2b // id\n"), [0x1a, 0x2b]);
    }

    #[test]
    fn tshark_x_lines() {
        let text = "0000  1a 2b 01 00 00 01 00 00 00 00 00 00 06 67 6f 6f   .+...........goo\n\
                    0010  67 6c 65 03 63 6f 6d 00 00 01 00 01               gle.com.....\n";
        assert_eq!(ok(text), LAB_QUERY);
    }

    #[test]
    fn hexdump_c_lines() {
        let text = "00000000  1a 2b 01 00 00 01 00 00  00 00 00 00 06 67 6f 6f  |.+...........goo|\n\
                    00000010  67 6c 65 03 63 6f 6d 00  00 01 00 01              |gle.com.....|\n\
                    0000001c\n";
        assert_eq!(ok(text), LAB_QUERY);
    }

    #[test]
    fn xxd_lines_with_an_ascii_column_that_looks_like_hex() {
        let text = "00000000: 1a2b 0100 0001 0000 0000 0000 0667 6f6f  .+...........goo\n\
                    00000010: 676c 6503 636f 6d00 0001 0001            gle.com.....\n";
        assert_eq!(ok(text), LAB_QUERY);
        // "abcdef" and "cafe" are hex digits too: the column is still recognised.
        assert_eq!(ok("00000000: 6162 6364 6566  abcdef\n"), b"abcdef");
        assert_eq!(ok("0000  63 61 66 65   cafe\n"), b"cafe");
        // A hex-looking ASCII column fixed by the next line's offset.
        assert_eq!(ok("0000  ca fe  ab\n0002  01\n"), [0xca, 0xfe, 0x01]);
    }

    #[test]
    fn missing_line_is_an_error() {
        let e = parse("0000  01 02\n0010  03\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("is a line missing"), "{e}");
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let e = parse("1a 2b\n01 zz 00").unwrap_err();
        assert_eq!((e.line, e.column), (2, 4));
        assert!(e.message.contains("'zz' is not hex"), "{e}");
        let e = parse("1a2").unwrap_err();
        assert!(e.message.contains("odd number"), "{e}");
        assert!(parse("0xg1").is_err());
        assert!(parse("\\x").is_err());
        assert_eq!(ok(""), Vec::<u8>::new());
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in ["::::", "0x", "|||", "0000:", "0000  ", "ffffffffffffffffff: 00", "é 1a", "0000  é", "\\x1"] {
            let _ = parse(text);
        }
    }
}
