//! The uppercase-echo lab's text handling, without any I/O.
//!
//! * [`uppercase_ascii`] upper-cases the ASCII letters `a`-`z` of a byte string and
//!   leaves every other byte as it is, so UTF-8 text survives (`héllo` becomes
//!   `HéLLO`). It works on any chunk of a stream: in UTF-8 the bytes of a multibyte
//!   character are all 0x80 or above (RFC 3629 §3), so no chunk boundary can turn
//!   part of a character into an ASCII letter.
//! * [`encode_line`] frames a message as one line ending in LF, and [`LineDecoder`]
//!   splits a byte stream back into lines, keeping a partial last line until the
//!   rest arrives. A CR before the LF (as `telnet` and `nc -C` send) is dropped.

use std::fmt;

/// The byte that ends a line.
pub const LF: u8 = b'\n';
/// A carriage return, dropped when it comes right before [`LF`].
pub const CR: u8 = b'\r';
/// Default longest line a [`LineDecoder`] buffers before giving up (64 KiB).
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// A fault in line-framed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// A message to send as one line contains a line break at this byte offset.
    EmbeddedNewline {
        /// Offset of the CR or LF in the message.
        offset: usize,
    },
    /// More than `max` bytes arrived without a line end.
    LineTooLong {
        /// Bytes buffered without a line end.
        len: usize,
        /// The decoder's limit.
        max: usize,
    },
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::EmbeddedNewline { offset } => {
                write!(f, "the message has a line break at byte {offset}; send one line at a time")
            }
            TextError::LineTooLong { len, max } => {
                write!(f, "{len} bytes arrived without a line end (the limit is {max})")
            }
        }
    }
}

impl std::error::Error for TextError {}

/// Returns `bytes` with ASCII `a`-`z` upper-cased and every other byte unchanged.
pub fn uppercase_ascii(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    uppercase_ascii_in_place(&mut out);
    out
}

/// Upper-cases ASCII `a`-`z` in place; every other byte stays as it is.
pub fn uppercase_ascii_in_place(bytes: &mut [u8]) {
    bytes.make_ascii_uppercase();
}

/// Frames `message` as one line: the bytes followed by LF.
///
/// A message that itself contains CR or LF cannot be one line and is refused.
pub fn encode_line(message: &[u8]) -> Result<Vec<u8>, TextError> {
    if let Some(offset) = message.iter().position(|&b| b == LF || b == CR) {
        return Err(TextError::EmbeddedNewline { offset });
    }
    let mut out = Vec::with_capacity(message.len() + 1);
    out.extend_from_slice(message);
    out.push(LF);
    Ok(out)
}

/// Strips one line end (LF or CR LF) from the end of `line`, if it has one.
pub fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(&[LF]).unwrap_or(line);
    line.strip_suffix(&[CR]).unwrap_or(line)
}

/// Splits `bytes` into a leading part and the start of a UTF-8 character cut off
/// at the end (at most 3 bytes), so a chunk can be shown as text now and the cut
/// character completed by the next chunk. Invalid bytes elsewhere stay in the
/// leading part.
pub fn split_utf8_tail(bytes: &[u8]) -> (&[u8], &[u8]) {
    // Only the last 3 bytes can begin an incomplete 2- to 4-byte sequence.
    let from = bytes.len().saturating_sub(3);
    for start in from..bytes.len() {
        let b = bytes[start];
        let need = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => continue,
        };
        let tail = &bytes[start..];
        if tail.len() < need && std::str::from_utf8(tail).err().is_some_and(|e| e.error_len().is_none()) {
            return bytes.split_at(start);
        }
    }
    (bytes, &[])
}

/// Splits a byte stream into lines. Feed it with [`push`](Self::push) as chunks
/// arrive and take complete lines with [`next_line`](Self::next_line); what
/// follows the last LF waits for more bytes, and [`finish`](Self::finish) returns
/// it when the stream ends.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    buf: Vec<u8>,
    start: usize,
    max_line: usize,
}

impl Default for LineDecoder {
    fn default() -> Self {
        LineDecoder::new(DEFAULT_MAX_LINE)
    }
}

impl LineDecoder {
    /// A decoder that refuses lines longer than `max_line` bytes (at least 1).
    pub fn new(max_line: usize) -> LineDecoder {
        LineDecoder { buf: Vec::new(), start: 0, max_line: max_line.max(1) }
    }

    /// Appends the next chunk of the stream.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete line without its line end, `Ok(None)` if no complete line
    /// is buffered, or an error once the partial line exceeds the limit.
    pub fn next_line(&mut self) -> Result<Option<Vec<u8>>, TextError> {
        let pending = &self.buf[self.start..];
        match pending.iter().position(|&b| b == LF) {
            Some(end) if end > self.max_line => Err(TextError::LineTooLong { len: end, max: self.max_line }),
            Some(end) => {
                let line = trim_line_end(&pending[..=end]).to_vec();
                self.start += end + 1;
                Ok(Some(line))
            }
            None if pending.len() > self.max_line => {
                Err(TextError::LineTooLong { len: pending.len(), max: self.max_line })
            }
            None => Ok(None),
        }
    }

    /// Bytes received after the last complete line.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Ends the stream: the unterminated last line, if any bytes are left.
    pub fn finish(self) -> Option<Vec<u8>> {
        let tail = self.pending();
        if tail.is_empty() {
            None
        } else {
            Some(trim_line_end(tail).to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every complete line in `chunks`, then the tail.
    fn decode_all(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, Option<Vec<u8>>) {
        let mut d = LineDecoder::default();
        let mut lines = Vec::new();
        for c in chunks {
            d.push(c);
            while let Some(l) = d.next_line().unwrap() {
                lines.push(l);
            }
        }
        (lines, d.finish())
    }

    #[test]
    fn uppercases_only_ascii_letters() {
        assert_eq!(uppercase_ascii(b"hello, world 123!"), b"HELLO, WORLD 123!");
        assert_eq!(uppercase_ascii("héllo wörld ñ → ok".as_bytes()), "HéLLO WöRLD ñ → OK".as_bytes());
        assert_eq!(uppercase_ascii(b""), b"");
        assert_eq!(uppercase_ascii(b"\x00\xff`{@["), b"\x00\xff`{@[");
    }

    #[test]
    fn uppercasing_is_chunk_safe_for_utf8() {
        let text = "aé€😀z ñ".as_bytes();
        for cut in 0..=text.len() {
            let mut joined = uppercase_ascii(&text[..cut]);
            joined.extend(uppercase_ascii(&text[cut..]));
            assert_eq!(joined, "Aé€😀Z ñ".as_bytes(), "cut at {cut}");
        }
    }

    #[test]
    fn uppercasing_every_byte_value() {
        for b in 0..=255u8 {
            let want = if b.is_ascii_lowercase() { b - 32 } else { b };
            assert_eq!(uppercase_ascii(&[b]), [want], "byte {b:#04x}");
        }
    }

    #[test]
    fn encode_decode_round_trip() {
        let messages: [&[u8]; 5] = [b"hello", b"", "héllo wörld".as_bytes(), b"\x00\xff", b"a b\tc"];
        let mut stream = Vec::new();
        for m in messages {
            stream.extend(encode_line(m).unwrap());
        }
        let (lines, tail) = decode_all(&[&stream]);
        assert_eq!(lines, messages.iter().map(|m| m.to_vec()).collect::<Vec<_>>());
        assert_eq!(tail, None);
    }

    #[test]
    fn decoding_is_the_same_for_every_split() {
        let stream = "one\ntwö\r\n\nthree".as_bytes();
        for cut in 0..=stream.len() {
            let (lines, tail) = decode_all(&[&stream[..cut], &stream[cut..]]);
            assert_eq!(lines, vec![b"one".to_vec(), "twö".as_bytes().to_vec(), b"".to_vec()], "cut at {cut}");
            assert_eq!(tail, Some(b"three".to_vec()), "cut at {cut}");
        }
    }

    #[test]
    fn byte_at_a_time() {
        let stream = b"ab\ncd\n";
        let chunks: Vec<&[u8]> = stream.chunks(1).collect();
        let (lines, tail) = decode_all(&chunks);
        assert_eq!(lines, vec![b"ab".to_vec(), b"cd".to_vec()]);
        assert_eq!(tail, None);
    }

    #[test]
    fn partial_tail_waits_for_more() {
        let mut d = LineDecoder::default();
        d.push(b"hel");
        assert_eq!(d.next_line(), Ok(None));
        assert_eq!(d.pending(), b"hel");
        d.push(b"lo\nwo");
        assert_eq!(d.next_line(), Ok(Some(b"hello".to_vec())));
        assert_eq!(d.next_line(), Ok(None));
        assert_eq!(d.finish(), Some(b"wo".to_vec()));
    }

    #[test]
    fn refuses_embedded_line_breaks() {
        assert_eq!(encode_line(b"a\nb"), Err(TextError::EmbeddedNewline { offset: 1 }));
        assert_eq!(encode_line(b"ab\r"), Err(TextError::EmbeddedNewline { offset: 2 }));
        assert_eq!(encode_line(b"ab").unwrap(), b"ab\n");
    }

    #[test]
    fn long_lines_are_an_error_not_unbounded_memory() {
        let mut d = LineDecoder::new(4);
        d.push(b"abcd");
        assert_eq!(d.next_line(), Ok(None));
        d.push(b"e");
        assert_eq!(d.next_line(), Err(TextError::LineTooLong { len: 5, max: 4 }));
        let mut d = LineDecoder::new(4);
        d.push(b"abcdefgh\n");
        assert_eq!(d.next_line(), Err(TextError::LineTooLong { len: 8, max: 4 }));
        let mut d = LineDecoder::new(4);
        d.push(b"abcd\n");
        assert_eq!(d.next_line(), Ok(Some(b"abcd".to_vec())));
    }

    #[test]
    fn buffer_is_compacted_as_lines_are_taken() {
        let mut d = LineDecoder::new(16);
        for i in 0..1000u32 {
            d.push(format!("line {i}\n").as_bytes());
            assert_eq!(d.next_line().unwrap(), Some(format!("line {i}").into_bytes()));
        }
        assert!(d.buf.len() < 64, "buffer grew to {}", d.buf.len());
    }

    #[test]
    fn utf8_cut_at_a_chunk_end_is_held_back() {
        let text = "aé€😀".as_bytes();
        // Every prefix: the shown part is valid UTF-8 and the tail is what is missing.
        for cut in 0..=text.len() {
            let (shown, tail) = split_utf8_tail(&text[..cut]);
            assert!(std::str::from_utf8(shown).is_ok(), "cut at {cut}");
            assert!(tail.len() <= 3, "cut at {cut}");
            let mut rest = tail.to_vec();
            rest.extend_from_slice(&text[cut..]);
            assert!(std::str::from_utf8(&rest).is_ok(), "cut at {cut}");
        }
        assert_eq!(split_utf8_tail(b"ab\xe2\x82"), (&b"ab"[..], &b"\xe2\x82"[..]));
        // Invalid bytes are not held back: they will never become valid.
        assert_eq!(split_utf8_tail(b"ab\xff"), (&b"ab\xff"[..], &b""[..]));
        assert_eq!(split_utf8_tail(b"\xe2\x28"), (&b"\xe2\x28"[..], &b""[..]));
        assert_eq!(split_utf8_tail(b""), (&b""[..], &b""[..]));
    }

    #[test]
    fn trims_only_one_line_end() {
        assert_eq!(trim_line_end(b"a\r\n"), b"a");
        assert_eq!(trim_line_end(b"a\n"), b"a");
        assert_eq!(trim_line_end(b"a\r"), b"a");
        assert_eq!(trim_line_end(b"a\n\n"), b"a\n");
        assert_eq!(trim_line_end(b""), b"");
    }
}
