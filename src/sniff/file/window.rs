//! A window on a byte source: reads it in large blocks and hands out the bytes
//! in place, so that a record is parsed where it lies instead of being copied
//! out piece by piece (two small reads and a copy per packet cost more than the
//! packet's decoding on a large file).

use std::io::{self, Read};
use std::ops::Range;

/// Bytes asked of the source at once.
const BLOCK: usize = 256 * 1024;

/// Buffered bytes of a source, consumed from the front.
pub struct Window<R: Read> {
    src: R,
    data: Vec<u8>,
    /// The unconsumed bytes are `data[start..end]`.
    start: usize,
    end: usize,
    /// The source said it has no more bytes.
    eof: bool,
}

impl<R: Read> Window<R> {
    /// A window on `src`; nothing is read yet.
    pub fn new(src: R) -> Window<R> {
        Window { src, data: Vec::new(), start: 0, end: 0, eof: false }
    }

    /// Reads until `n` bytes are buffered or the source ends; returns how many
    /// are buffered, at most `n` (fewer only at the end of the source). The
    /// ranges [`Window::take`] gave before may move.
    pub fn want(&mut self, n: usize) -> io::Result<usize> {
        while self.end - self.start < n && !self.eof {
            if self.start + n > self.data.len() {
                self.data.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                if n > self.data.len() {
                    self.data.resize(n.max(BLOCK), 0);
                }
            }
            match self.src.read(&mut self.data[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok((self.end - self.start).min(n))
    }

    /// The buffered bytes, up to `n` of them.
    pub fn peek(&self, n: usize) -> &[u8] {
        &self.data[self.start..self.end.min(self.start + n)]
    }

    /// Consumes `n` buffered bytes (at most those [`Window::want`] made
    /// available) and returns where they lie, for [`Window::bytes`].
    pub fn take(&mut self, n: usize) -> Range<usize> {
        let r = self.start..(self.start + n).min(self.end);
        self.start = r.end;
        r
    }

    /// Bytes [`Window::take`] returned, until the next [`Window::want`].
    pub fn bytes(&self, r: Range<usize>) -> &[u8] {
        self.data.get(r).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that gives at most 3 bytes per read, to exercise refills.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn bytes_come_out_in_order_across_refills() {
        let input: Vec<u8> = (0..=255u8).cycle().take(3 * BLOCK + 17).collect();
        let mut w = Window::new(Trickle(&input));
        let mut seen = Vec::new();
        for n in [1usize, 7, BLOCK - 3, 20, BLOCK + 5, 1000].iter().cycle() {
            let got = w.want(*n).unwrap();
            if got == 0 {
                break;
            }
            assert_eq!(w.peek(*n).len(), got);
            let r = w.take(got);
            seen.extend_from_slice(w.bytes(r));
        }
        assert_eq!(seen, input);
    }

    #[test]
    fn the_end_gives_what_is_left() {
        let mut w = Window::new(&b"abcde"[..]);
        assert_eq!(w.want(3).unwrap(), 3);
        let r = w.take(3);
        assert_eq!(w.bytes(r), b"abc");
        assert_eq!(w.want(10).unwrap(), 2);
        assert_eq!(w.peek(10), b"de");
        w.take(2);
        assert_eq!(w.want(1).unwrap(), 0);
    }
}
