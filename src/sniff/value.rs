//! Typed field values, shared by the field extractor (`-T fields`, `-T json`), the
//! display filter (`-Y`) and the details view. Each value prints exactly as
//! `tshark -n -2 -T fields` prints it (tshark 4.0).

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

/// Nanoseconds (a time or a duration).
pub type Nanos = i64;

/// One occurrence of a field in a packet.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Unsigned integer, printed in decimal (`tcp.seq`, `ip.ttl`).
    Uint(u64),
    /// Signed integer, printed in decimal (`tcp.window_size_scalefactor` -1/-2).
    Int(i64),
    /// Integer shown in hex with a fixed number of digits: `0x1b68` (`ip.id`), `0x0012`
    /// (`tcp.flags`), `0x8180` (`dns.flags`).
    Hex {
        /// The number.
        value: u64,
        /// Hex digits after `0x`, zero-padded.
        digits: u8,
    },
    /// A boolean bit field, printed `1` or `0`.
    Bool(bool),
    /// A field that carries no value but is present (tshark's FT_NONE, e.g.
    /// `tcp.analysis.retransmission`), printed `1`.
    Present,
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// Text (`frame.protocols`, `dns.qry.name`, `tcp.flags.str`).
    Str(Cow<'a, str>),
    /// A time or duration in seconds with nine decimals (`frame.time_relative`, `tcp.analysis.ack_rtt`).
    Seconds(Nanos),
    /// Bytes (`tcp.payload`, `data.data`; a protocol or a slice in a display filter),
    /// printed as hex digits without separators.
    Bytes(Cow<'a, [u8]>),
}

impl Value<'static> {
    /// An integer shown in hex with `digits` digits (`0x1b68`).
    pub fn hex(value: u64, digits: u8) -> Value<'static> {
        Value::Hex { value, digits }
    }

    /// A 16-bit field shown in hex, as tshark shows an ID, flags or a type: `0x0800`.
    pub fn hex16(v: u16) -> Value<'static> {
        Value::hex(u64::from(v), 4)
    }
}

impl Value<'_> {
    /// The value as an integer, for comparisons in display filters.
    pub fn as_i128(&self) -> Option<i128> {
        match *self {
            Value::Uint(v) | Value::Hex { value: v, .. } => Some(i128::from(v)),
            Value::Int(v) => Some(i128::from(v)),
            Value::Bool(b) => Some(i128::from(b)),
            Value::Present => Some(1),
            _ => None,
        }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Uint(v) => write!(f, "{v}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Hex { value, digits } => write!(f, "0x{value:0width$x}", width = usize::from(*digits)),
            Value::Bool(b) => f.write_str(if *b { "1" } else { "0" }),
            Value::Present => f.write_str("1"),
            Value::Ip(ip) => write!(f, "{ip}"),
            Value::Str(s) => f.write_str(s),
            Value::Bytes(b) => write!(f, "{}", crate::sniff::render::Hex(b)),
            Value::Seconds(ns) => write!(f, "{}", crate::sniff::render::Secs { nanos: *ns, decimals: 9 }),
        }
    }
}

/// Something that can report the values of fields, identified by `F` (a field id
/// resolved once from a tshark field name, so the hot path never compares strings).
pub trait FieldSource<F> {
    /// Appends every occurrence of `field` in this packet to `out`, in packet order;
    /// appends nothing when the field is absent. A protocol name used as a field
    /// (`tcp`, `dns`) is present when the packet has that layer.
    fn values<'s>(&'s self, field: F, out: &mut Vec<Value<'s>>);

    /// Appends the occurrences of `field` as a display filter compares them: like
    /// [`values`](FieldSource::values), except that a protocol is the bytes from its
    /// start to the end of its data (`frame contains "GET"`, `ip[0] == 45`), and a
    /// hardware address its six bytes (`eth.src[0:3] == 00:11:22`).
    fn filter_values<'s>(&'s self, field: F, out: &mut Vec<Value<'s>>) {
        self.values(field, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_tshark_fields() {
        assert_eq!(Value::Hex { value: 0x1b68, digits: 4 }.to_string(), "0x1b68");
        assert_eq!(Value::Hex { value: 0x12, digits: 4 }.to_string(), "0x0012");
        assert_eq!(Value::Seconds(56_000).to_string(), "0.000056000");
        assert_eq!(Value::Seconds(1_291_509_000).to_string(), "1.291509000");
        assert_eq!(Value::Seconds(-5).to_string(), "-0.000000005");
        assert_eq!(Value::Bool(false).to_string(), "0");
        assert_eq!(Value::Present.to_string(), "1");
        assert_eq!(Value::Int(-2).to_string(), "-2");
        assert_eq!(Value::Bytes(Cow::Borrowed(b"GET \x00")).to_string(), "4745542000");
    }
}
