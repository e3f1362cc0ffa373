//! The UDP block (RFC 768) and the Data block that may follow a transport payload.

use crate::sniff::packet::Udp;
use crate::sniff::render::{Mac, Secs};
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::Tree;
use crate::sniff::tree::{Ftype, Group, Severity};
use crate::sniff::value::Value;

/// Byte offsets of the UDP header fields from the header's start (RFC 768).
mod field {
    /// Source port.
    pub const SRC_PORT: usize = 0;
    /// Destination port.
    pub const DST_PORT: usize = 2;
    /// Length of header and data.
    pub const LENGTH: usize = 4;
    /// Checksum.
    pub const CHECKSUM: usize = 6;
    /// The header's length: the payload starts here.
    pub const HEADER_LEN: usize = 8;
}

/// The UDP block of header `u`; `payload` is the captured data after it.
pub fn udp(
    out: &mut Tree,
    u: &Udp,
    stream: Option<u32>,
    times: Option<(i64, i64)>,
    payload: &[u8],
    over_ipv6: bool,
    d: usize,
) {
    let at = u.offset;
    out.at(d)
        .proto("udp")
        .bytes(at, field::HEADER_LEN)
        .line(format_args!("User Datagram Protocol, Src Port: {}, Dst Port: {}", u.sport, u.dport));
    ports(out, u, d + 1);
    out.at(d + 1)
        .field("udp.length", Ftype::Uint16, u.length)
        .bytes(at + field::LENGTH, 2)
        .line(format_args!("Length: {}", u.length));
    checksum(out, u, over_ipv6, d + 1);
    if let Some(s) = stream {
        out.at(d + 1).field("udp.stream", Ftype::Uint32, s).line(format_args!("[Stream index: {s}]"));
    }
    if let Some((rel, delta)) = times {
        out.text(d + 1, format_args!("[Timestamps]"));
        out.at(d + 2)
            .field("udp.time_relative", Ftype::RelativeTime, Value::Seconds(rel))
            .line(format_args!("[Time since first frame: {} seconds]", Secs { nanos: rel, decimals: 9 }));
        out.at(d + 2)
            .field("udp.time_delta", Ftype::RelativeTime, Value::Seconds(delta))
            .line(format_args!("[Time since previous frame: {} seconds]", Secs { nanos: delta, decimals: 9 }));
    }
    if !payload.is_empty() {
        out.at(d + 1)
            .field("udp.payload", Ftype::Bytes, Mac(payload))
            .bytes(at + field::HEADER_LEN, payload.len())
            .line(format_args!("UDP payload ({} bytes)", payload.len()));
    }
}

/// Source and destination port, then both again as the hidden `udp.port`.
fn ports(out: &mut Tree, u: &Udp, d: usize) {
    let (src, dst) = (u.offset + field::SRC_PORT, u.offset + field::DST_PORT);
    out.at(d).field("udp.srcport", Ftype::Uint16, u.sport).bytes(src, 2).line(format_args!("Source Port: {}", u.sport));
    out.at(d)
        .field("udp.dstport", Ftype::Uint16, u.dport)
        .bytes(dst, 2)
        .line(format_args!("Destination Port: {}", u.dport));
    out.at(d).field("udp.port", Ftype::Uint16, u.sport).bytes(src, 2).hidden();
    out.at(d).field("udp.port", Ftype::Uint16, u.dport).bytes(dst, 2).hidden();
}

/// The checksum, unverified as tshark leaves it by default; a zero one is "not
/// present" over IPv4 and illegal over IPv6.
fn checksum(out: &mut Tree, u: &Udp, over_ipv6: bool, d: usize) {
    let at = u.offset + field::CHECKSUM;
    let value = Value::Hex { value: u64::from(u.checksum), digits: 4 };
    let item = out.at(d).field("udp.checksum", Ftype::Uint16, value).bytes(at, 2);
    if u.checksum != 0 {
        item.line(format_args!("Checksum: 0x{:04x} [unverified]", u.checksum));
        out.at(d)
            .field("udp.checksum.status", Ftype::Uint8, checksum_status::UNVERIFIED)
            .line(format_args!("[Checksum Status: Unverified]"));
    } else if over_ipv6 {
        item.line(format_args!("Checksum: 0x0000 [zero-value illegal]"));
        let msg = "Illegal checksum value (0)";
        out.expert(d + 1, "udp.checksum.zero", Severity::Error, Group::Checksum, msg);
        out.at(d + 1)
            .field("udp.checksum.status", Ftype::Uint8, checksum_status::ILLEGAL)
            .bytes(at, 2)
            .line(format_args!("[Checksum Status: Illegal]"));
    } else {
        item.line(format_args!("Checksum: 0x0000 [zero-value ignored]"));
        out.at(d + 1)
            .field("udp.checksum.status", Ftype::Uint8, checksum_status::NOT_PRESENT)
            .bytes(at, 2)
            .line(format_args!("[Checksum Status: Not present]"));
    }
}

#[cfg(test)]
mod tests {
    use crate::sniff::dissect::testing::{occurrences, one, tree_of};

    /// 127.0.0.1:12345 → 127.0.0.1:54321 "hi" on raw IPv4, without a checksum.
    const UDP_HI: [u8; 30] = [
        0x45, 0, 0, 30, 0, 1, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
        0x30, 0x39, 0xd4, 0x31, 0, 10, 0, 0, // UDP, checksum 0
        b'h', b'i',
    ];

    #[test]
    fn udp_fields_carry_tsharks_names_values_and_bytes() {
        let t = tree_of(&[&UDP_HI], 0, 1);
        assert_eq!(one(&t, "udp"), (String::new(), Some((20, 8)), true));
        assert_eq!(one(&t, "udp.srcport"), ("12345".into(), Some((20, 2)), true));
        let ports = occurrences(&t, "udp.port");
        assert_eq!(ports, [("12345".into(), Some((20, 2)), false), ("54321".into(), Some((22, 2)), false)]);
        assert_eq!(one(&t, "udp.length"), ("10".into(), Some((24, 2)), true));
        assert_eq!(one(&t, "udp.checksum"), ("0x0000".into(), Some((26, 2)), true));
        // A zero checksum over IPv4 is "not present", with the checksum's bytes.
        assert_eq!(one(&t, "udp.checksum.status"), ("3".into(), Some((26, 2)), true));
        assert_eq!(one(&t, "udp.stream"), ("0".into(), None, true));
        assert_eq!(one(&t, "udp.time_relative"), ("0.000000000".into(), None, true));
        assert_eq!(one(&t, "udp.payload"), ("68:69".into(), Some((28, 2)), true));
        assert_eq!(one(&t, "data"), (String::new(), Some((28, 2)), true));
        assert_eq!(one(&t, "data.data"), ("68:69".into(), Some((28, 2)), true));
        assert_eq!(one(&t, "data.len"), ("2".into(), None, true));
    }
}
