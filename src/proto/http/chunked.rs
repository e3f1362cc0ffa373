//! The chunked transfer coding (RFC 9112 §7.1): an incremental decoder that
//! takes bytes as they arrive and says where the message ends, and an encoder.
//!
//! ```text
//! chunked-body = *chunk last-chunk trailer-section CRLF
//! chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! last-chunk   = 1*("0") [ chunk-ext ] CRLF
//! ```
//! A bare LF is accepted where CRLF is expected (RFC 9112 §2.2 allows it).

use std::fmt;

/// Longest chunk-size line (size, extensions) or trailer line accepted.
pub const MAX_LINE: usize = 4096;
/// Most hex digits in a chunk size (16 fill a u64).
const MAX_SIZE_DIGITS: u8 = 16;

/// A fault in a chunked body, at a byte offset from the start of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkedError {
    /// Offset of the offending byte from the start of the chunked body.
    pub offset: u64,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for ChunkedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad chunked body at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for ChunkedError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size { value: u64, digits: u8 },
    /// Skipping chunk extensions up to the line end.
    Ext { size: u64 },
    /// After the CR of a size line.
    SizeLf { size: u64 },
    /// Inside chunk data.
    Data { left: u64 },
    /// After chunk data: expecting CR or LF.
    DataEnd,
    /// After the CR that follows chunk data.
    DataLf,
    /// At the start of a trailer line (or of the final CRLF).
    TrailerStart,
    /// Inside a trailer field line.
    Trailer,
    /// After the CR of the final empty line.
    FinalLf,
    /// The body is complete.
    Done,
}

/// Decodes a chunked body incrementally.
#[derive(Clone, Debug)]
pub struct ChunkedDecoder {
    state: State,
    /// Bytes consumed so far (the offset of the next byte).
    pos: u64,
    /// Length of the current size or trailer line.
    line: usize,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder { state: State::Size { value: 0, digits: 0 }, pos: 0, line: 0 }
    }
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub fn new() -> Self {
        Self::default()
    }

    /// True once the last chunk, trailers and final CRLF have been consumed.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Total bytes of the encoded body consumed so far.
    pub fn consumed(&self) -> u64 {
        self.pos
    }

    /// Decodes as much of `input` as belongs to the body, appending chunk data
    /// to `out`. Returns how many bytes of `input` were consumed: all of them
    /// unless the body ended inside `input` (the rest is the next message).
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, ChunkedError> {
        self.run(input, Some(out))
    }

    /// Like [`decode`](Self::decode) but drops the chunk data: for a reader that
    /// only needs to know where the body ends.
    pub fn skip(&mut self, input: &[u8]) -> Result<usize, ChunkedError> {
        self.run(input, None)
    }

    fn run(&mut self, input: &[u8], mut out: Option<&mut Vec<u8>>) -> Result<usize, ChunkedError> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            if let State::Data { left } = self.state {
                let take = (input.len() - i).min(usize::try_from(left).unwrap_or(usize::MAX));
                if let Some(out) = out.as_deref_mut() {
                    out.extend_from_slice(&input[i..i + take]);
                }
                i += take;
                self.pos += take as u64;
                let left = left - take as u64;
                self.state = if left == 0 { State::DataEnd } else { State::Data { left } };
                continue;
            }
            self.step(input[i])?;
            i += 1;
            self.pos += 1;
        }
        Ok(i)
    }

    fn fail(&self, reason: &'static str) -> ChunkedError {
        ChunkedError { offset: self.pos, reason }
    }

    /// Advances the state machine by one byte outside chunk data.
    fn step(&mut self, b: u8) -> Result<(), ChunkedError> {
        self.state = match self.state {
            State::Size { value, digits } => match (b as char).to_digit(16) {
                Some(d) if digits < MAX_SIZE_DIGITS => {
                    self.line += 1;
                    State::Size { value: value << 4 | u64::from(d), digits: digits + 1 }
                }
                Some(_) => return Err(self.fail("chunk size has more than 16 hex digits")),
                None if digits == 0 => return Err(self.fail("expected a hexadecimal chunk size")),
                None => self.after_size(b, value)?,
            },
            State::Ext { size } => self.after_size(b, size)?,
            State::SizeLf { size } if b == b'\n' => self.start_data(size),
            State::SizeLf { .. } => return Err(self.fail("CR without LF after the chunk size")),
            State::Data { .. } => unreachable!("chunk data is consumed in bulk by decode"),
            State::DataEnd if b == b'\r' => State::DataLf,
            State::DataEnd | State::DataLf if b == b'\n' => State::Size { value: 0, digits: 0 },
            State::DataEnd | State::DataLf => return Err(self.fail("chunk data not followed by CRLF")),
            State::TrailerStart if b == b'\r' => State::FinalLf,
            State::TrailerStart | State::FinalLf if b == b'\n' => State::Done,
            State::FinalLf => return Err(self.fail("CR without LF at the end of the chunked body")),
            State::TrailerStart | State::Trailer if b == b'\n' => {
                self.line = 0;
                State::TrailerStart
            }
            State::TrailerStart | State::Trailer => {
                self.line += 1;
                if self.line > MAX_LINE {
                    return Err(self.fail("trailer line too long"));
                }
                State::Trailer
            }
            State::Done => State::Done,
        };
        Ok(())
    }

    /// A byte after the chunk-size digits: extension, CR or LF.
    fn after_size(&mut self, b: u8, size: u64) -> Result<State, ChunkedError> {
        self.line += 1;
        if self.line > MAX_LINE {
            return Err(self.fail("chunk-size line too long"));
        }
        Ok(match b {
            b'\r' => State::SizeLf { size },
            b'\n' => self.start_data(size),
            b'\t' | b' ' | b';' => State::Ext { size },
            _ if matches!(self.state, State::Ext { .. }) && b >= 0x20 && b != 0x7f => State::Ext { size },
            _ => return Err(self.fail("unexpected byte after the chunk size")),
        })
    }

    fn start_data(&mut self, size: u64) -> State {
        self.line = 0;
        if size == 0 {
            State::TrailerStart
        } else {
            State::Data { left: size }
        }
    }
}

/// Encodes `data` in chunks of at most `chunk_size` bytes, then the last chunk.
pub fn encode_chunked(data: &[u8], chunk_size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / chunk_size.max(1) * 8 + 8);
    for chunk in data.chunks(chunk_size.max(1)) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 9112 §7.1 style: two chunks, an extension and a trailer.
    const WIKI: &[u8] =
        b"4\r\nWiki\r\n7;name=value\r\npedia i\r\nB\r\nn \r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT";

    fn decode_all(input: &[u8]) -> Result<(Vec<u8>, usize), ChunkedError> {
        let mut d = ChunkedDecoder::new();
        let mut out = Vec::new();
        let n = d.decode(input, &mut out)?;
        assert!(d.is_done(), "not done after {input:?}");
        Ok((out, n))
    }

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let (out, n) = decode_all(WIKI).unwrap();
        assert_eq!(out, b"Wikipedia in \r\nchunks.");
        assert_eq!(&WIKI[n..], b"NEXT");
    }

    #[test]
    fn byte_at_a_time_gives_the_same_result() {
        let mut d = ChunkedDecoder::new();
        let mut out = Vec::new();
        let body = &WIKI[..WIKI.len() - 4];
        for (i, b) in body.iter().enumerate() {
            assert!(!d.is_done(), "done early at {i}");
            assert_eq!(d.decode(std::slice::from_ref(b), &mut out).unwrap(), 1);
        }
        assert!(d.is_done());
        assert_eq!(d.consumed(), body.len() as u64);
        assert_eq!(out, b"Wikipedia in \r\nchunks.");
    }

    #[test]
    fn every_truncation_is_incomplete_not_an_error() {
        let body = &WIKI[..WIKI.len() - 4];
        for n in 0..body.len() {
            let mut d = ChunkedDecoder::new();
            assert_eq!(d.decode(&body[..n], &mut Vec::new()).unwrap(), n);
            assert!(!d.is_done(), "done after only {n} bytes");
        }
    }

    #[test]
    fn bare_lf_line_ends_are_accepted() {
        assert_eq!(decode_all(b"3\nabc\n0\n\n").unwrap().0, b"abc");
    }

    #[test]
    fn faults_name_their_offset() {
        let cases: &[(&[u8], u64)] = &[
            (b"zz\r\n", 0),
            (b"3\r\nabcX", 6),
            (b"3\rx", 2),
            (b"11111111111111111\r\n", 16),
            (b"3 x\x01\r\n", 3),
            (b"0\r\n\rX", 4),
        ];
        for (input, offset) in cases {
            let e = ChunkedDecoder::new().decode(input, &mut Vec::new()).unwrap_err();
            assert_eq!(e.offset, *offset, "{input:?}: {e}");
        }
    }

    #[test]
    fn overlong_lines_are_refused() {
        let mut ext = b"1;".to_vec();
        ext.resize(MAX_LINE + 10, b'a');
        assert!(ChunkedDecoder::new().decode(&ext, &mut Vec::new()).is_err());
        let mut trailer = b"0\r\nX: ".to_vec();
        trailer.resize(MAX_LINE + 10, b'a');
        assert!(ChunkedDecoder::new().decode(&trailer, &mut Vec::new()).is_err());
    }

    #[test]
    fn encoding_round_trips() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        for size in [1, 7, 100, 999, 1000, 5000] {
            let enc = encode_chunked(&data, size);
            let (out, n) = decode_all(&enc).unwrap();
            assert_eq!(out, data, "chunk size {size}");
            assert_eq!(n, enc.len());
        }
        assert_eq!(encode_chunked(b"", 4), b"0\r\n\r\n");
        assert_eq!(encode_chunked(b"hello", 3), b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
    }
}
