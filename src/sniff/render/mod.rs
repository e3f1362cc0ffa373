//! Renderers: pure functions from an annotated [`Packet`](crate::sniff::packet::Packet)
//! and a [`Style`] to text on a writer. They never print on their own, read
//! clocks or allocate per packet.

pub mod detail;
pub mod hex;
pub mod list;

use std::fmt::{self, Write as _};
use std::io::{self, Write};

/// How to render: colour or plain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

/// ANSI colour codes used (few, on purpose).
pub mod ansi {
    /// Reset attributes.
    pub const RESET: &str = "\x1b[0m";
    /// Bold, for headers.
    pub const BOLD: &str = "\x1b[1m";
    /// Cyan, for teaching notes.
    pub const NOTE: &str = "\x1b[36m";
    /// Red, for errors and TCP problems.
    pub const BAD: &str = "\x1b[31m";
    /// Dim, for computed fields.
    pub const DIM: &str = "\x1b[2m";
}

impl Style {
    /// Writes `code` when colouring.
    pub fn on(&self, out: &mut impl Write, code: &str) -> io::Result<()> {
        if self.color {
            out.write_all(code.as_bytes())?;
        }
        Ok(())
    }

    /// Resets colour when colouring.
    pub fn off(&self, out: &mut impl Write) -> io::Result<()> {
        self.on(out, ansi::RESET)
    }
}

/// A short string formatted on the stack (addresses, numbers) to pad in columns.
pub struct StackStr {
    buf: [u8; 64],
    len: usize,
}

impl StackStr {
    /// An empty string.
    pub fn new() -> StackStr {
        StackStr { buf: [0; 64], len: 0 }
    }

    /// Formats `v` (truncated at 64 bytes).
    pub fn of(v: impl fmt::Display) -> StackStr {
        let mut s = StackStr::new();
        let _ = write!(s, "{v}");
        s
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Default for StackStr {
    fn default() -> Self {
        StackStr::new()
    }
}

impl fmt::Write for StackStr {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// A MAC address as `02:00:00:00:00:01`.
pub struct Mac<'a>(pub &'a [u8]);

impl fmt::Display for Mac<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A duration or relative time in seconds with `decimals` digits (6 or 9),
/// truncated like Wireshark's columns, without floating point.
pub struct Secs {
    /// Nanoseconds.
    pub nanos: i64,
    /// 6 (µs) or 9 (ns).
    pub decimals: u8,
}

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.unsigned_abs();
        let (s, ns) = (abs / 1_000_000_000, abs % 1_000_000_000);
        let mut t = StackStr::new();
        if self.decimals == 6 {
            let _ = write!(t, "{sign}{s}.{:06}", ns / 1000);
        } else {
            let _ = write!(t, "{sign}{s}.{ns:09}");
        }
        f.pad(t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_padding() {
        assert_eq!(format!("{:>10}", Secs { nanos: 12_000, decimals: 6 }), "  0.000012");
        assert_eq!(Secs { nanos: 1_500_000_001, decimals: 9 }.to_string(), "1.500000001");
        assert_eq!(Secs { nanos: -1_000, decimals: 6 }.to_string(), "-0.000001");
        assert_eq!(Mac(&[2, 0, 0, 0, 0, 0xab]).to_string(), "02:00:00:00:00:ab");
        assert_eq!(StackStr::of("x".repeat(100)).as_str().len(), 64);
    }
}
