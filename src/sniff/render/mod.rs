//! Renderers: pure functions from an annotated [`Packet`](crate::sniff::packet::Packet)
//! and a [`Style`] to text on a writer. They never print on their own, read
//! clocks or allocate per packet.

pub mod detail;
pub mod hex;
pub mod list;
pub mod outline;

use std::fmt::{self, Write as _};
use std::io::{self, Write};

/// How to render: colour or plain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Decimals of the Time column: 6 for microsecond captures, 9 for nanosecond
    /// ones, as Wireshark follows the file's time resolution.
    pub nanos: bool,
    /// The terminal's width: teaching notes under the list's rows wrap at it,
    /// their continuation lines indented under the text (`None`: one line each,
    /// as for a pipe).
    pub width: Option<usize>,
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
    /// Green, for checks that hold.
    pub const GOOD: &str = "\x1b[32m";

    /// `text` with every ✓ in green and every ✗ in red (after layout, so the
    /// escapes do not count in column widths).
    pub fn marks(text: &str) -> String {
        text.replace('✓', &format!("{GOOD}✓{RESET}")).replace('✗', &format!("{BAD}✗{RESET}"))
    }
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

/// Bytes a [`Line`] holds.
const LINE_CAP: usize = 512;

/// A line assembled on the stack before it goes to the (buffered) output in one
/// write. Writing more than it holds fails with `WriteZero`.
pub struct Line {
    buf: [u8; LINE_CAP],
    len: usize,
}

impl Line {
    /// An empty line.
    pub fn new() -> Line {
        Line { buf: [0; LINE_CAP], len: 0 }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

impl Write for Line {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let end = self.len + data.len();
        let Some(room) = self.buf.get_mut(self.len..end) else {
            return Err(io::Error::new(io::ErrorKind::WriteZero, "line too long"));
        };
        if data.len() <= 8 {
            for (d, s) in room.iter_mut().zip(data) {
                *d = *s;
            }
        } else {
            room.copy_from_slice(data);
        }
        self.len = end;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.write(data).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `v` in decimal without the formatting machinery (hot path).
pub fn put_u64(out: &mut impl Write, v: u64) -> io::Result<()> {
    let mut buf = [0u8; 20];
    out.write_all(digits(v, &mut buf))
}

/// "00" to "99", for writing two digits per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The decimal digits of `v`, written at the end of `buf`.
fn digits(mut v: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i] = PAIRS[pair];
        buf[i + 1] = PAIRS[pair + 1];
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        buf[i] = PAIRS[pair];
        buf[i + 1] = PAIRS[pair + 1];
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    &buf[i..]
}

/// Writes `text` padded with spaces to `width`, right-aligned or left-aligned.
pub fn put_padded(out: &mut impl Write, text: &[u8], width: usize, right: bool) -> io::Result<()> {
    const SPACES: [u8; 32] = [b' '; 32];
    let pad = &SPACES[..width.saturating_sub(text.len()).min(SPACES.len())];
    if right {
        out.write_all(pad)?;
        out.write_all(text)
    } else {
        out.write_all(text)?;
        out.write_all(pad)
    }
}

/// Writes `v` right-aligned in `width` columns.
pub fn put_u64_padded(out: &mut impl Write, v: u64, width: usize) -> io::Result<()> {
    let mut buf = [0u8; 20];
    put_padded(out, digits(v, &mut buf), width, true)
}

impl StackStr {
    /// Formats an IP address (IPv4 by hand, the common case on the hot path).
    pub fn ip(ip: std::net::IpAddr) -> StackStr {
        match ip {
            std::net::IpAddr::V4(a) => {
                // At most 15 bytes: each octet is 1 to 3 digits, written straight
                // into the buffer (this runs twice per listed packet).
                let mut s = StackStr::new();
                for (i, &o) in a.octets().iter().enumerate() {
                    if i > 0 {
                        s.buf[s.len] = b'.';
                        s.len += 1;
                    }
                    if o >= 100 {
                        s.buf[s.len] = b'0' + o / 100;
                        s.len += 1;
                    }
                    if o >= 10 {
                        s.buf[s.len] = b'0' + (o / 10) % 10;
                        s.len += 1;
                    }
                    s.buf[s.len] = b'0' + o % 10;
                    s.len += 1;
                }
                s
            }
            v6 => StackStr::of(v6),
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Writes a relative time with 6 decimals (µs, truncated) or 9 (`ns_digits`),
/// right-aligned in `width`.
pub fn put_secs(out: &mut impl Write, nanos: i64, ns_digits: bool, width: usize) -> io::Result<()> {
    let mut buf = [0u8; SECS_MAX];
    let text = Secs { nanos, decimals: if ns_digits { 9 } else { 6 } }.write_into(&mut buf);
    put_padded(out, text, width, true)
}

/// Bytes as hex pairs joined by `:`: a MAC address (`02:00:00:00:00:01`), or any
/// byte field as tshark's JSON shows it.
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

/// Bytes as hex pairs without separators (`474554`): a byte field's value in
/// `-V` and `-T fields`, and the hex of a `-x` `_raw` array.
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// A duration or relative time in seconds with `decimals` digits (6 or 9),
/// truncated like Wireshark's columns, without floating point.
#[derive(Clone, Copy, Debug)]
pub struct Secs {
    /// Nanoseconds.
    pub nanos: i64,
    /// 6 (µs) or 9 (ns).
    pub decimals: u8,
}

/// The longest [`Secs`] text: a sign, 20 digits of seconds, a point, 9 decimals.
const SECS_MAX: usize = 32;

impl Secs {
    /// Writes the text at the start of `buf` and returns it, without the
    /// formatting machinery (the Time column of every listed packet).
    fn write_into(self, buf: &mut [u8; SECS_MAX]) -> &[u8] {
        let abs = self.nanos.unsigned_abs();
        let (s, ns) = (abs / 1_000_000_000, abs % 1_000_000_000);
        let mut len = 0;
        if self.nanos < 0 {
            buf[0] = b'-';
            len = 1;
        }
        let mut scratch = [0u8; 20];
        let whole = digits(s, &mut scratch);
        buf[len..len + whole.len()].copy_from_slice(whole);
        len += whole.len();
        buf[len] = b'.';
        len += 1;
        let decimals = self.decimals.min(9);
        let mut frac = ns / 10u64.pow(u32::from(9 - decimals));
        let decimals = usize::from(decimals);
        for i in (0..decimals).rev() {
            buf[len + i] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        &buf[..len + decimals]
    }
}

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; SECS_MAX];
        let text = self.write_into(&mut buf);
        f.pad(std::str::from_utf8(text).unwrap_or(""))
    }
}

/// Year, month (1-12), day of a count of days since 1970-01-01 (proleptic
/// Gregorian calendar; H. Hinnant's days-to-civil algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_collects_and_refuses_overflow() {
        let mut l = Line::new();
        l.write_all(b"abc").unwrap();
        l.write_all(&[b'x'; 20]).unwrap();
        assert_eq!(l.as_bytes().len(), 23);
        let err = l.write_all(&[0; LINE_CAP]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
        assert_eq!(l.as_bytes().len(), 23);
    }

    #[test]
    fn seconds_and_padding() {
        assert_eq!(format!("{:>10}", Secs { nanos: 12_000, decimals: 6 }), "  0.000012");
        assert_eq!(Secs { nanos: 1_500_000_001, decimals: 9 }.to_string(), "1.500000001");
        assert_eq!(Secs { nanos: -1_000, decimals: 6 }.to_string(), "-0.000001");
        assert_eq!(Mac(&[2, 0, 0, 0, 0, 0xab]).to_string(), "02:00:00:00:00:ab");
        assert_eq!(StackStr::of("x".repeat(100)).as_str().len(), 64);
        let mut out = Vec::new();
        put_secs(&mut out, 12_345, false, 10).unwrap();
        put_secs(&mut out, -1_000, false, 0).unwrap();
        put_secs(&mut out, 1_000_000_123, true, 0).unwrap();
        put_u64_padded(&mut out, 7, 5).unwrap();
        put_u64(&mut out, 18_446_744_073_709_551_615).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "  0.000012-0.0000011.000000123    718446744073709551615");
        assert_eq!(StackStr::ip("10.0.255.1".parse().unwrap()).as_str(), "10.0.255.1");
        for a in ["0.0.0.0", "255.255.255.255", "192.168.100.9", "1.20.109.110"] {
            assert_eq!(StackStr::ip(a.parse().unwrap()).as_str(), a);
        }
        assert_eq!(StackStr::ip("::1".parse().unwrap()).as_str(), "::1");
    }
}
