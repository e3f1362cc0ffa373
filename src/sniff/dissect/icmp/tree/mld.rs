//! The ICMPv6 Multicast Listener Report of MLDv2 (RFC 3810 §5.2): its records,
//! each a multicast address with its sources.

use crate::sniff::packet::Icmp;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::{Ftype, Tree};
use std::net::Ipv6Addr;

/// The message type of an MLDv2 report (RFC 3810 §5.2).
pub(super) const REPORT: u8 = 143;

/// Where the report's reserved field, record count and records start, from
/// the ICMPv6 header (RFC 3810 §5.2).
const RESERVED: usize = 4;
const RECORD_COUNT: usize = 6;
const RECORDS: usize = 8;
/// A record's fixed part: type, auxiliary data length, number of sources (§5.2.4).
const RECORD_HEADER: usize = 4;
/// An IPv6 address.
const ADDR_LEN: usize = 16;
/// Auxiliary data lengths count 32-bit words (§5.2.6).
const AUX_UNIT: usize = 4;

/// The report `i` whose bytes end at `end` in `data`. Returns false when a
/// record runs past the end, where tshark's dissector throws and marks the
/// packet malformed.
pub(super) fn report(out: &mut Tree, data: &[u8], i: &Icmp, end: usize) -> bool {
    let msg = data.get(i.offset..end).unwrap_or_default();
    let at = |n: usize| i.offset + n;
    out.at(1)
        .field("icmpv6.reserved", Ftype::Bytes, Mac(&i.rest[..2]))
        .bytes(at(RESERVED), 2)
        .line(format_args!("Reserved: {:02x}{:02x}", i.rest[0], i.rest[1]));
    let count = u16::from_be_bytes([i.rest[2], i.rest[3]]);
    out.at(1)
        .field("icmpv6.mldr.nb_mcast_records", Ftype::Uint16, count)
        .bytes(at(RECORD_COUNT), 2)
        .line(format_args!("Number of Multicast Address Records: {count}"));
    let mut off = RECORDS;
    for _ in 0..count {
        match record(out, msg, off, i.offset) {
            Some(next) => off = next,
            None => return false,
        }
    }
    true
}

/// The record at `off` in the message `msg` (which starts at `base` in the
/// frame); returns the offset after it, or `None` when it runs past the end.
fn record(out: &mut Tree, msg: &[u8], off: usize, base: usize) -> Option<usize> {
    let head = msg.get(off..off + RECORD_HEADER);
    let addr = msg.get(off + RECORD_HEADER..off + RECORD_HEADER + ADDR_LEN).map(ipv6);
    let (kind, aux, sources) = head.map_or((0, 0, 0), |h| (h[0], h[1], u16::from_be_bytes([h[2], h[3]])));
    let len = RECORD_HEADER + ADDR_LEN + usize::from(sources) * ADDR_LEN + usize::from(aux) * AUX_UNIT;
    let shown = len.min(msg.len().saturating_sub(off));
    let item = out.at(1).field("icmpv6.mldr.mar", Ftype::None, "").bytes(base + off, shown);
    match (head, addr) {
        (Some(_), Some(a)) => item.line(format_args!("Multicast Address Record {}: {a}", record_type(kind))),
        _ => item.line(format_args!("Multicast Address Record")),
    }
    head?;
    let at = base + off;
    out.at(2)
        .field("icmpv6.mldr.mar.record_type", Ftype::Uint8, kind)
        .bytes(at, 1)
        .line(format_args!("Record Type: {} ({kind})", record_type(kind)));
    out.at(2)
        .field("icmpv6.mldr.mar.aux_data_len", Ftype::Uint8, aux)
        .bytes(at + 1, 1)
        .line(format_args!("Aux Data Len: {aux}"));
    out.at(2)
        .field("icmpv6.mldr.mar.nb_sources", Ftype::Uint16, sources)
        .bytes(at + 2, 2)
        .line(format_args!("Number of Sources: {sources}"));
    let mut o = off + RECORD_HEADER;
    address(out, msg, o, base, "icmpv6.mldr.mar.multicast_address", "Multicast Address")?;
    for _ in 0..sources {
        o += ADDR_LEN;
        address(out, msg, o, base, "icmpv6.mldr.mar.source_address", "Source Address")?;
    }
    o += ADDR_LEN;
    let aux_len = usize::from(aux) * AUX_UNIT;
    if aux_len > 0 {
        let bytes = msg.get(o..o + aux_len)?;
        out.at(2)
            .field("icmpv6.mldr.mar.auxiliary_data", Ftype::Bytes, Mac(bytes))
            .bytes(base + o, aux_len)
            .line(format_args!("Auxiliary Data: {}", Hex(bytes)));
    }
    Some(o + aux_len)
}

/// An address field at `off` of the message, or `None` past its end.
fn address(out: &mut Tree, msg: &[u8], off: usize, base: usize, name: &'static str, label: &str) -> Option<()> {
    let a = ipv6(msg.get(off..off + ADDR_LEN)?);
    out.at(2).field(name, Ftype::Ipv6, a).bytes(base + off, ADDR_LEN).line(format_args!("{label}: {a}"));
    Some(())
}

fn ipv6(b: &[u8]) -> Ipv6Addr {
    let mut a = [0; ADDR_LEN];
    a.copy_from_slice(b);
    Ipv6Addr::from(a)
}

/// Wireshark's names of the record types (RFC 3810 §5.2.12).
fn record_type(kind: u8) -> &'static str {
    match kind {
        1 => "Include",
        2 => "Exclude",
        3 => "Changed to include",
        4 => "Changed to exclude",
        5 => "Allow new sources",
        6 => "Block old sources",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use crate::sniff::dissect::testing::{occurrences, one, tree_of_link, LinkType};

    /// zeek-traces/icmp/icmp6-mldv2.pcap frame 3: a report whose one record
    /// says 3 sources but the message holds 2.
    const SHORT_REPORT: [u8; 100] = [
        0x60, 0, 0, 0, 0, 0x3c, 0x3a, 0x40, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x3d, 0x6a, 0x4a, 0x6f, 0xb9,
        0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16, // IPv6
        0x8f, 0, 0xa4, 0xd6, 0, 0, 0, 1, // ICMPv6 MLDv2 report, one record
        1, 0, 0, 3, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x9b, 0x64, 0x84, 0xe6, // record
        0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xf1, 0x6d, 0x08, 0x91, 0x64, 0x86, // source 1
        0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x79, 0x4d, 0x73, 0x7e, 0x85, 0x32, // source 2
    ];

    #[test]
    fn a_report_has_tsharks_record_fields_and_a_short_record_is_malformed() {
        let t = tree_of_link(LinkType::Ipv6, &[&SHORT_REPORT], 0, 0);
        assert_eq!(one(&t, "icmpv6.reserved"), ("00:00".into(), Some((44, 2)), true));
        assert_eq!(one(&t, "icmpv6.mldr.nb_mcast_records"), ("1".into(), Some((46, 2)), true));
        assert_eq!(one(&t, "icmpv6.mldr.mar"), (String::new(), Some((48, 52)), true));
        assert_eq!(one(&t, "icmpv6.mldr.mar.nb_sources"), ("3".into(), Some((50, 2)), true));
        let group = ("ff02::9b64:84e6".into(), Some((52, 16)), true);
        assert_eq!(one(&t, "icmpv6.mldr.mar.multicast_address"), group);
        assert_eq!(occurrences(&t, "icmpv6.mldr.mar.source_address").len(), 2);
        let title = t.items().iter().find(|i| i.field == "icmpv6.mldr.mar").map(|i| t.display(i).to_string());
        assert_eq!(title.as_deref(), Some("Multicast Address Record Include: ff02::9b64:84e6"));
        assert!(t.items().iter().any(|i| i.field == "_ws.malformed.expert"));
        // With two sources the record fits: no malformed block.
        let mut whole = SHORT_REPORT;
        whole[51] = 2;
        let t = tree_of_link(LinkType::Ipv6, &[&whole], 0, 0);
        assert!(occurrences(&t, "_ws.malformed").is_empty());
    }
}
