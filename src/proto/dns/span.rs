//! Byte spans: where a field sits in the message, for the colour-coded hex dump and
//! the lab's `Type | Key | Value` table.

use std::ops::Range;

/// A run of bytes in a DNS message: `len` bytes from offset `start` (offsets count
/// from the first byte of the DNS header, as RFC 1035 §4.1.4 pointers do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Number of bytes.
    pub len: usize,
}

impl Span {
    /// The span of `len` bytes from `start`.
    pub const fn new(start: usize, len: usize) -> Self {
        Span { start, len }
    }

    /// Offset one past the last byte.
    pub const fn end(&self) -> usize {
        self.start + self.len
    }

    /// The span as a range, for slicing the message: `&bytes[span.range()]`.
    pub const fn range(&self) -> Range<usize> {
        self.start..self.end()
    }

    /// Whether `offset` falls inside the span.
    pub const fn contains(&self, offset: usize) -> bool {
        offset >= self.start && offset < self.end()
    }

    /// The smallest span covering both `self` and `other`.
    pub fn cover(&self, other: Span) -> Span {
        let start = self.start.min(other.start);
        Span::new(start, self.end().max(other.end()) - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_end_range_contains_cover() {
        let s = Span::new(12, 4);
        assert_eq!(s.end(), 16);
        assert_eq!(s.range(), 12..16);
        assert!(s.contains(12) && s.contains(15) && !s.contains(16) && !s.contains(11));
        assert_eq!(s.cover(Span::new(20, 2)), Span::new(12, 10));
    }
}
