//! Right-hand-side values of display filters: every reading a word may need (text,
//! integer, seconds, address or network, byte string), and field slices `[i:j]`.

use std::cmp::Ordering;
use std::net::IpAddr;

use super::{LexError, NANOS_PER_SEC, NANO_DIGITS};
use crate::sniff::value::Nanos;

/// A right-hand-side value with every reading that the field's type might need.
#[derive(Clone, Debug)]
pub(super) struct Literal {
    /// The text (unescaped for quoted strings), compared with text fields.
    pub(super) text: Box<str>,
    /// As an integer (bare words only), compared with numeric and boolean fields.
    pub(super) int: Option<i128>,
    /// As decimal seconds (bare words only), compared with times.
    pub(super) nanos: Option<Nanos>,
    /// As an address or CIDR network (bare words only), compared with addresses.
    pub(super) net: Option<Net>,
    /// As bytes, compared with byte fields and slices: a quoted string's UTF-8, or a
    /// bare byte string (`47:45:54`, `47.45.54`, `47-45-54`, `474554`).
    pub(super) bytes: Option<Box<[u8]>>,
}

impl Literal {
    /// A quoted string: text, and its UTF-8 bytes for byte fields.
    pub(super) fn quoted(text: &str) -> Self {
        Literal { text: text.into(), int: None, nanos: None, net: None, bytes: Some(text.as_bytes().into()) }
    }

    /// Reads an unquoted word; `pos` is its offset, for errors. A word that is a byte
    /// string (`08`, `00:11:22`) is not an error even when it is no valid integer.
    pub(super) fn bare(word: &str, pos: usize) -> Result<Self, LexError> {
        let bytes = parse_bytes(word);
        let (int, nanos) = match word {
            "true" => (Some(1), None),
            "false" => (Some(0), None),
            _ => match parse_int(word) {
                Ok(int) => (int, parse_seconds(word)),
                Err(_) if bytes.is_some() && looks_octal(word) => (None, None),
                Err(m) => return Err((pos, format!("\"{word}\" {m}"))),
            },
        };
        let net = parse_net(word, pos)?;
        Ok(Literal { text: word.into(), int, nanos, net, bytes })
    }

    /// Orders `bytes` against the literal's byte reading (None: it has none).
    pub(super) fn compare_bytes(&self, bytes: &[u8]) -> Option<Ordering> {
        Some(bytes.cmp(self.bytes.as_deref()?))
    }
}

/// An address with a prefix length (the full length for a single address).
#[derive(Clone, Copy, Debug)]
pub(super) struct Net {
    /// The address with the host bits cleared.
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    fn new(addr: IpAddr, prefix: u8) -> Self {
        let addr = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & v4_mask(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & v6_mask(prefix)).into()),
        };
        Net { addr, prefix }
    }

    /// Orders `addr`, masked to the prefix, against the network: Equal means inside it.
    pub(super) fn compare(&self, addr: IpAddr) -> Option<Ordering> {
        match (addr, self.addr) {
            (IpAddr::V4(a), IpAddr::V4(n)) => Some((u32::from(a) & v4_mask(self.prefix)).cmp(&u32::from(n))),
            (IpAddr::V6(a), IpAddr::V6(n)) => Some((u128::from(a) & v6_mask(self.prefix)).cmp(&u128::from(n))),
            _ => None,
        }
    }
}

fn v4_mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0)
}

fn v6_mask(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0)
}

/// Reads an integer: optional sign, then `0x` hex, `0b` binary, leading-zero octal or
/// decimal. Ok(None) when the word is not integer-shaped; Err when it is but is invalid.
fn parse_int(word: &str) -> Result<Option<i128>, &'static str> {
    let (negative, body) = match word.as_bytes().first() {
        Some(b'-') => (true, &word[1..]),
        Some(b'+') => (false, &word[1..]),
        _ => (false, word),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits, what) = match lower.as_deref() {
        Some("0x") => (16, &body[2..], "is not a valid hex number"),
        Some("0b") => (2, &body[2..], "is not a valid binary number"),
        _ if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) => {
            if body.len() > 1 && body.starts_with('0') {
                (8, &body[1..], "is not a valid octal number")
            } else {
                (10, body, "is not a valid number")
            }
        }
        _ => return Ok(None),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(what);
    }
    let magnitude = u128::from_str_radix(digits, radix).map_err(|_| "causes an integer overflow")?;
    let value = i128::try_from(magnitude).map_err(|_| "causes an integer overflow")?;
    let value = if negative { -value } else { value };
    if value < i128::from(i64::MIN) || value > i128::from(u64::MAX) {
        return Err("causes an integer overflow");
    }
    Ok(Some(value))
}

/// Reads `[-+]digits[.digits]` as nanoseconds (digits past the ninth decimal are
/// dropped); None for any other shape or when out of range.
fn parse_seconds(word: &str) -> Option<Nanos> {
    let (negative, body) = match word.as_bytes().first() {
        Some(b'-') => (true, &word[1..]),
        Some(b'+') => (false, &word[1..]),
        _ => (false, word),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let kept = &frac[..frac.len().min(NANO_DIGITS)];
    let mut nanos: i64 = if kept.is_empty() { 0 } else { kept.parse().ok()? };
    for _ in kept.len()..NANO_DIGITS {
        nanos *= 10;
    }
    let total = seconds.checked_mul(NANOS_PER_SEC)?.checked_add(nanos)?;
    Some(if negative { -total } else { total })
}

/// Reads an address or `address/prefix`. Ok(None) when the word is not address-shaped
/// (it may be text such as `text/html`); Err for a dotted quad that is not an IPv4
/// address or a bad prefix after a valid address.
fn parse_net(word: &str, pos: usize) -> Result<Option<Net>, LexError> {
    let (addr_text, prefix_text) = match word.rsplit_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (word, None),
    };
    let Ok(addr) = addr_text.parse::<IpAddr>() else {
        if looks_like_ipv4(addr_text) {
            return Err((pos, format!("\"{addr_text}\" is not a valid IPv4 address")));
        }
        return Ok(None);
    };
    let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(bits) if bits <= max && p.bytes().all(|b| b.is_ascii_digit()) => bits,
            _ => {
                let at = pos + addr_text.len() + 1;
                return Err((at, format!("CIDR prefix \"{p}\" must be a number of bits from 0 to {max}")));
            }
        },
    };
    Ok(Some(Net::new(addr, prefix)))
}

/// Four dot-separated groups of digits: meant as an IPv4 address, whatever else it is.
fn looks_like_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether the word has the leading zero of an octal integer (`08`, `0800`): such a
/// word that is no valid octal number is read as a byte string instead.
fn looks_octal(word: &str) -> bool {
    word.starts_with('0') && word.bytes().all(|b| b.is_ascii_digit())
}

/// Reads a byte string as tshark does: one- or two-digit hex bytes separated by one
/// kind of `:`, `.` or `-`, or an even number of hex digits without separators.
/// None for any other word.
pub(super) fn parse_bytes(word: &str) -> Option<Box<[u8]>> {
    let hex = |s: &str| (!s.is_empty() && s.len() <= 2).then(|| u8::from_str_radix(s, 16).ok()).flatten();
    match word.chars().find(|c| matches!(c, ':' | '.' | '-')) {
        Some(sep) => word.split(sep).map(hex).collect(),
        None if !word.is_empty() && word.len().is_multiple_of(2) && word.is_ascii() => {
            (0..word.len()).step_by(2).map(|i| hex(&word[i..i + 2])).collect()
        }
        None => None,
    }
}

/// One range of a slice, as wireshark-filter(4) writes them: `[i:j]` (offset and
/// length), `[i-j]` (first and last offsets), `[i]`, `[:j]`, `[i:]`. A negative offset
/// counts from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Range {
    start: i64,
    /// Bytes taken; None = to the end.
    len: Option<i64>,
}

impl Range {
    /// Reads one range (`pos`: its offset in the filter, for errors).
    pub(super) fn parse(text: &str, pos: usize) -> Result<Range, LexError> {
        let invalid = || {
            (pos, format!("\"{text}\" is not a valid range: write [i:j] (offset and length), [i-j], [i], [:j] or [i:]"))
        };
        let num = |s: &str| s.parse::<i64>().ok().filter(|n| n.unsigned_abs() <= u64::from(u32::MAX));
        if let Some((a, b)) = text.split_once(':') {
            let start = if a.is_empty() { 0 } else { num(a).ok_or_else(invalid)? };
            if b.is_empty() {
                return Ok(Range { start, len: None });
            }
            let len = num(b).filter(|_| !b.starts_with(['-', '+'])).ok_or_else(invalid)?;
            if len == 0 {
                return Err((pos, format!("range {text} is empty: its length must be at least 1")));
            }
            return Ok(Range { start, len: Some(len) });
        }
        // [i-j]: the dash after the first number (which may itself be negative).
        let split = text.char_indices().skip(1).find(|&(_, c)| c == '-').map(|(i, _)| i);
        if let Some(at) = split {
            let (first, last) = (num(&text[..at]).ok_or_else(invalid)?, num(&text[at + 1..]).ok_or_else(invalid)?);
            if first < 0 || last < first {
                return Err((pos, format!("range {text} is invalid: the first offset must not be after the last")));
            }
            return Ok(Range { start: first, len: Some(last - first + 1) });
        }
        Ok(Range { start: num(text).ok_or_else(invalid)?, len: Some(1) })
    }

    /// The bytes of `data` the range selects; None when any of them lies outside.
    pub(super) fn apply(self, data: &[u8]) -> Option<&[u8]> {
        let n = i64::try_from(data.len()).ok()?;
        let start = if self.start < 0 { n + self.start } else { self.start };
        let end = match self.len {
            Some(len) => start.checked_add(len)?,
            None => n,
        };
        if start < 0 || start >= n || end > n {
            return None;
        }
        data.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
    }
}
