//! Timestamps of capture files in nanoseconds: pcap's seconds plus micro- or
//! nanoseconds, pcapng's 64-bit count of `if_tsresol` units (pcapng draft §4.2).

use crate::sniff::value::Nanos;

/// Nanoseconds per second.
const NS: u64 = 1_000_000_000;
/// `if_tsresol` bit saying the rest is a power of two.
const BINARY: u8 = 0x80;

/// How a pcapng interface's timestamp units become nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Units of 10^-k s for k <= 9: multiply.
    Mul(u64),
    /// Units of 10^-k s for 9 < k <= 38: divide.
    Div(u128),
    /// Units of 2^-n s: multiply by 10^9, shift right by n.
    Shift(u32),
    /// Units too small to count whole nanoseconds in 64 bits: always 0.
    Zero,
}

impl Default for Scale {
    /// Microseconds, pcapng's default.
    fn default() -> Self {
        Scale::Mul(1_000)
    }
}

impl Scale {
    /// The scale of an `if_tsresol` value.
    pub fn of_tsresol(v: u8) -> Scale {
        let exp = u32::from(v & !BINARY);
        if v & BINARY != 0 {
            return if exp < 128 { Scale::Shift(exp) } else { Scale::Zero };
        }
        match exp {
            0..=9 => Scale::Mul(10u64.pow(9 - exp)),
            10..=38 => Scale::Div(10u128.pow(exp - 9)),
            _ => Scale::Zero,
        }
    }

    /// Whether units are finer than a microsecond (Wireshark then shows 9 decimals).
    pub fn finer_than_micro(self) -> bool {
        match self {
            Scale::Mul(m) => m < 1_000,
            Scale::Shift(n) => n > 20,
            Scale::Div(_) | Scale::Zero => true,
        }
    }

    /// `units` since the epoch, plus `offset_secs`, in nanoseconds (saturating).
    pub fn nanos(self, units: u64, offset_secs: i64) -> Nanos {
        let ns: u128 = match self {
            Scale::Mul(m) => u128::from(units) * u128::from(m),
            Scale::Div(d) => u128::from(units) / d,
            Scale::Shift(n) => (u128::from(units) * u128::from(NS)) >> n,
            Scale::Zero => 0,
        };
        let ns = i64::try_from(ns).unwrap_or(i64::MAX);
        ns.saturating_add(offset_secs.saturating_mul(NS as i64))
    }
}

/// A pcap record's time: seconds and a fraction counted in micro- or nanoseconds.
pub fn pcap_nanos(secs: u32, frac: u32, nanos: bool) -> Nanos {
    let frac = if nanos { i64::from(frac) } else { i64::from(frac) * 1_000 };
    i64::from(secs) * NS as i64 + frac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_binary_resolutions() {
        assert_eq!(Scale::of_tsresol(6).nanos(1_500_000, 0), 1_500_000_000);
        assert_eq!(Scale::of_tsresol(9).nanos(7, 2), 2_000_000_007);
        assert_eq!(Scale::of_tsresol(12).nanos(5_000, 0), 5);
        assert_eq!(Scale::of_tsresol(0x80 | 1).nanos(3, 0), 1_500_000_000);
        assert_eq!(Scale::of_tsresol(100).nanos(u64::MAX, 0), 0);
        assert_eq!(Scale::of_tsresol(0x80 | 127).nanos(u64::MAX, 0), 0);
        assert_eq!(Scale::of_tsresol(0).nanos(u64::MAX, i64::MAX), i64::MAX);
        assert!(Scale::of_tsresol(9).finer_than_micro());
        assert!(!Scale::of_tsresol(6).finer_than_micro());
        assert!(!Scale::default().finer_than_micro());
    }
}
