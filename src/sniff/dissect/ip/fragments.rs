//! IP fragmentation in the details tree: the IPv6 fragment header (RFC 8200
//! §4.5) and, as tshark shows them, the link between the fragments of one
//! datagram: `[Reassembled IPv4 in frame: N]` on a fragment that does not
//! complete it, and on the one that does, the list of fragments (frame, the
//! payload bytes it carried), their count and the reassembled length.
//!
//! Fragment offsets count 8-byte units (13 bits in IPv4, RFC 791 §3.1; 13 bits
//! in IPv6): every fragment but the last carries a multiple of 8 bytes, and the
//! more-fragments flag (MF, IPv6's M) is set on all but the last.

use super::header::Ipv6Frag;
use super::tree::next_header_name;
use crate::sniff::packet::{Net, Packet};
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// Offsets in the IPv6 fragment header (RFC 8200 §4.5).
mod field {
    /// Next header.
    pub const NXT: usize = 0;
    /// Reserved octet.
    pub const RESERVED: usize = 1;
    /// Fragment offset (13 bits), reserved (2 bits), M (1 bit).
    pub const OFFSET: usize = 2;
    /// Identification.
    pub const IDENT: usize = 4;
    /// Length of the fragment header.
    pub const LEN: usize = 8;
}

/// Length of an IPv6 fragment header (RFC 8200 §4.5).
pub const IPV6_FRAGHDR_LEN: usize = field::LEN;
/// The mask of the fragment offset in its 16 bits.
const OFFSET_MASK: u64 = 0xfff8;
/// The mask of the two reserved bits.
const RESERVED_MASK: u64 = 0x0006;
/// The mask of the M flag.
const MORE_MASK: u64 = 0x0001;
/// How many bytes of the reassembled payload tshark's data line shows.
const DATA_SHOWN: usize = 36;

/// The IPv6 fragment header `f` at depth `d` (its fields one deeper).
pub fn ipv6_fraghdr(out: &mut Tree, f: &Ipv6Frag, d: usize) {
    use field::*;
    let at = f.at;
    out.at(d).proto("ipv6.fraghdr").bytes(at, LEN).line(format_args!("Fragment Header for IPv6"));
    out.at(d + 1).field("ipv6.fraghdr.nxt", Ftype::Uint8, f.nxt).bytes(at + NXT, 1).line(format_args!(
        "Next header: {} ({})",
        next_header_name(f.nxt),
        f.nxt
    ));
    out.at(d + 1)
        .field("ipv6.fraghdr.reserved_octet", Ftype::Uint8, Value::hex(u64::from(f.reserved), 2))
        .bytes(at + RESERVED, 1)
        .line(format_args!("Reserved octet: 0x{:02x}", f.reserved));
    let bits = u32::from(f.bits);
    out.at(d + 1)
        .field("ipv6.fraghdr.offset", Ftype::Uint16, f.offset)
        .bytes(at + OFFSET, 2)
        .mask(OFFSET_MASK, u64::from(f.offset))
        .line(format_args!(
            "{} = Offset: {} ({} bytes)",
            bit_pattern(u32::from(f.offset), 13, 3, 16),
            f.offset,
            u32::from(f.offset) * 8
        ));
    let reserved = (bits >> 1) & 3;
    out.at(d + 1)
        .field("ipv6.fraghdr.reserved_bits", Ftype::Uint16, reserved)
        .bytes(at + OFFSET, 2)
        .mask(RESERVED_MASK, u64::from(reserved))
        .line(format_args!("{} = Reserved bits: {reserved}", bit_pattern(reserved, 2, 1, 16)));
    let more = u8::from(f.more);
    out.at(d + 1)
        .field("ipv6.fraghdr.more", Ftype::Boolean, more)
        .bytes(at + OFFSET, 2)
        .mask(MORE_MASK, u64::from(more))
        .line(format_args!(
            "{} = More Fragments: {}",
            bit_pattern(u32::from(more), 1, 0, 16),
            if f.more { "Yes" } else { "No" }
        ));
    out.at(d + 1)
        .field("ipv6.fraghdr.ident", Ftype::Uint32, Value::hex(u64::from(f.ident), 8))
        .bytes(at + IDENT, 4)
        .line(format_args!("Identification: 0x{:08x}", f.ident));
}

/// tshark's names of the reassembly fields, per IP version.
struct Names {
    version: &'static str,
    fragments: &'static str,
    fragment: &'static str,
    count: &'static str,
    length: &'static str,
    data: &'static str,
    reassembled_in: &'static str,
}

const V4: Names = Names {
    version: "IPv4",
    fragments: "ip.fragments",
    fragment: "ip.fragment",
    count: "ip.fragment.count",
    length: "ip.reassembled.length",
    data: "ip.reassembled.data",
    reassembled_in: "ip.reassembled_in",
};

const V6: Names = Names {
    version: "IPv6",
    fragments: "ipv6.fragments",
    fragment: "ipv6.fragment",
    count: "ipv6.fragment.count",
    length: "ipv6.reassembled.length",
    data: "ipv6.reassembled.data",
    reassembled_in: "ipv6.reassembled.in",
};

/// The reassembly lines of `p` at depth `d` (inside its IP block): the frame
/// that completes its datagram, or on that frame the fragments.
pub fn reassembly(out: &mut Tree, p: &Packet<'_>, d: usize) {
    let names = match p.d.net {
        Net::Ipv4(_) => &V4,
        Net::Ipv6(_) => &V6,
        _ => return,
    };
    if let Some(n) = p.reassembled_in {
        out.at(d)
            .field(names.reassembled_in, Ftype::Framenum, n)
            .line(format_args!("[Reassembled {} in frame: {n}]", names.version));
        return;
    }
    let (Some(total), false) = (p.d.reassembled, p.fragments.pieces.is_empty()) else { return };
    let mut list = String::new();
    for (i, f) in p.fragments.pieces.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        list.push_str(&format!("{sep}#{}({})", f.frame, f.len));
    }
    let count = p.fragments.pieces.len();
    out.at(d)
        .field(names.fragments, Ftype::None, "")
        .line(format_args!("[{count} {} Fragments ({total} bytes): {list}]", names.version));
    for f in p.fragments.pieces {
        let last = (f.offset + f.len).saturating_sub(1);
        out.at(d + 1)
            .field(names.fragment, Ftype::Framenum, f.frame)
            .line(format_args!("[Frame: {}, payload: {}-{last} ({} bytes)]", f.frame, f.offset, f.len));
    }
    out.at(d + 1).field(names.count, Ftype::Uint32, count).line(format_args!("[Fragment count: {count}]"));
    out.at(d + 1)
        .field(names.length, Ftype::Uint32, total)
        .line(format_args!("[Reassembled {} length: {total}]", names.version));
    let data = p.fragments.data;
    if !data.is_empty() {
        let shown: String = data.iter().take(DATA_SHOWN).map(|b| format!("{b:02x}")).collect();
        let more = if data.len() > DATA_SHOWN { "…" } else { "" };
        out.at(d + 1)
            .field(names.data, Ftype::Bytes, &shown)
            .line(format_args!("[Reassembled {} data: {shown}{more}]", names.version));
    }
}

#[cfg(test)]
mod tests {
    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::field_id::FieldId;
    use crate::sniff::pipeline::Pipeline;
    use crate::sniff::value::FieldSource;

    /// Runs `frames` (raw IP) through both passes, as `read` does, and returns
    /// each frame's Info column and the values of `fields`, comma-joined.
    fn two_passes(frames: &[&[u8]], fields: &[&str]) -> Vec<(String, Vec<String>)> {
        let frame =
            |i: usize, data: &'static [u8]| Frame { time: i as i64, len: data.len() as u32, data, origin: None };
        let frames: Vec<&'static [u8]> = frames.iter().map(|f| &*Box::leak(f.to_vec().into_boxed_slice())).collect();
        let mut learn = Pipeline::learning(LinkType::Raw, true);
        for (i, data) in frames.iter().enumerate() {
            learn.learn(&frame(i, data));
        }
        let mut pipe = Pipeline::new(LinkType::Raw, learn.into_facts());
        let mut out = Vec::new();
        for (i, data) in frames.iter().enumerate() {
            let p = pipe.process(&frame(i, data));
            let mut info = Vec::new();
            crate::sniff::render::list::info(&mut info, &p).unwrap();
            let values = fields
                .iter()
                .map(|name| {
                    let mut v = Vec::new();
                    p.values(FieldId::from_name(name).unwrap(), &mut v);
                    v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
                })
                .collect();
            out.push((String::from_utf8(info).unwrap(), values));
        }
        out
    }

    /// An ICMP echo request (id 1, seq 7) with 16 data bytes: 24 bytes of IP payload.
    const ECHO: [u8; 24] = [
        8, 0, 0, 0, 0, 1, 0, 7, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h', b'i', b'j', b'k', b'l', b'm', b'n',
        b'o', b'p',
    ];

    /// An IPv4 fragment 10.0.0.1 → 10.0.0.2 of ICMP, ID 0xabcd, offset `off8` × 8.
    fn v4(off8: u8, mf: bool, body: &[u8]) -> Vec<u8> {
        let mut f = vec![0x45, 0, 0, 20 + body.len() as u8, 0xab, 0xcd, if mf { 0x20 } else { 0 }, off8, 64, 1, 0, 0];
        f.extend([10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend(body);
        f
    }

    /// An IPv6 fragment 2001:db8::1 → 2001:db8::2 of ICMPv6, ident 0xcde00817.
    fn v6(off8: u16, more: bool, body: &[u8]) -> Vec<u8> {
        let plen = 8 + body.len() as u16;
        let mut f = vec![0x60, 0, 0, 0];
        f.extend(plen.to_be_bytes());
        f.extend([44, 64]);
        f.extend([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend([58, 0]);
        f.extend((off8 << 3 | u16::from(more)).to_be_bytes());
        f.extend([0xcd, 0xe0, 0x08, 0x17]);
        f.extend(body);
        f
    }

    const V4_FIELDS: &[&str] = &["ip.reassembled_in", "ip.fragment", "ip.fragment.count", "ip.reassembled.length"];

    #[test]
    fn out_of_order_ipv4_fragments_complete_on_the_last_to_arrive() {
        let (a, b, c) = (v4(0, true, &ECHO[..8]), v4(1, true, &ECHO[8..16]), v4(2, false, &ECHO[16..]));
        let got = two_passes(&[&b, &c, &a], V4_FIELDS);
        assert_eq!(got[0].0, "Fragmented IP protocol (proto=ICMP 1, off=8, ID=abcd) [Reassembled in #3]");
        assert_eq!(got[1].0, "Fragmented IP protocol (proto=ICMP 1, off=16, ID=abcd) [Reassembled in #3]");
        assert!(got[2].0.starts_with("Echo (ping) request"), "{}", got[2].0);
        assert_eq!(got[0].1, ["3", "", "", ""]);
        assert_eq!(got[2].1, ["", "3,1,2", "3", "24"], "fragments by offset");
    }

    #[test]
    fn duplicate_and_overlapping_fragments_still_complete_once() {
        let (a, b, c) = (v4(0, true, &ECHO[..8]), v4(1, true, &ECHO[8..16]), v4(2, false, &ECHO[16..]));
        let overlap = v4(1, true, &ECHO[8..24]);
        let got = two_passes(&[&a, &a, &overlap, &b, &c, &c], V4_FIELDS);
        assert_eq!(got[0].1[0], "5", "bytes cover 0-23 after the overlap, but only MF clear gives the end");
        assert!(got[2].0.starts_with("Fragmented IP protocol"), "no last fragment yet: {}", got[2].0);
        assert!(got[4].0.starts_with("Echo (ping) request"), "{}", got[4].0);
        // The datagram is gone after it completed: the repeated last fragment starts a new one.
        assert!(got[5].0.starts_with("Fragmented IP protocol (proto=ICMP 1, off=16"), "{}", got[5].0);
    }

    #[test]
    fn a_fragment_cut_short_is_not_reassembled() {
        let (a, c) = (v4(0, true, &ECHO[..16]), v4(2, false, &ECHO[16..]));
        let got = two_passes(&[&a[..a.len() - 1], &c], V4_FIELDS);
        assert!(got.iter().all(|(info, _)| info.starts_with("Fragmented IP protocol")), "{got:?}");
        assert!(got.iter().all(|(_, v)| v.iter().all(String::is_empty)), "{got:?}");
    }

    #[test]
    fn hostile_fragments_neither_panic_nor_complete() {
        // Past the largest datagram, empty, a last fragment before the first.
        let far = v4(0xff, false, &ECHO[..8]);
        let mut far = far.clone();
        far[6] = 0x1f; // offset 8191 × 8
        let empty = v4(1, true, &[]);
        let got = two_passes(&[&far, &empty, &v4(0, false, &[])], V4_FIELDS);
        assert_eq!(got.len(), 3);
        for f in [v4(0, true, &ECHO[..8]), v6(0, true, &ECHO[..8])] {
            for n in 0..f.len() {
                two_passes(&[&f[..n], &f[..n]], V4_FIELDS);
            }
        }
    }

    #[test]
    fn a_fragment_header_after_hop_by_hop_options_is_found_and_hostile_lengths_are_not_followed() {
        // Hop-by-hop options (8 bytes, PadN) then the fragment header.
        let mut f = v6(0, true, &ECHO[..8]);
        f[6] = 0; // next header: hop-by-hop
        f.splice(40..40, [44, 0, 1, 4, 0, 0, 0, 0]);
        f[5] += 8;
        let d = crate::sniff::dissect::dissect(LinkType::Raw, &f);
        let crate::sniff::packet::Net::Ipv6(h) = d.net else { panic!("{d:?}") };
        assert_eq!(h.frag.map(|x| (x.at, x.ident, x.more)), Some((48, 0xcde0_0817, true)));
        // A hop-by-hop length past the end, as tcpdump's ipv6-next-header-oobr captures.
        f[41] = 0xff;
        for n in 0..f.len() {
            let _ = crate::sniff::dissect::dissect(LinkType::Raw, &f[..n]);
        }
    }

    #[test]
    fn ipv6_fragment_headers_are_reassembled_as_tshark() {
        let mut echo6 = ECHO;
        echo6[0] = 128;
        let (a, b) = (v6(0, true, &echo6[..16]), v6(2, false, &echo6[16..]));
        let fields = [
            "ipv6.fraghdr.offset",
            "ipv6.fraghdr.more",
            "ipv6.fraghdr.ident",
            "ipv6.reassembled.in",
            "ipv6.fragment",
            "ipv6.fragment.count",
            "ipv6.reassembled.length",
            "frame.protocols",
        ];
        let got = two_passes(&[&a, &b], &fields);
        assert_eq!(got[0].0, "IPv6 fragment (off=0 more=y ident=0xcde00817 nxt=58)", "no frame link in IPv6's Info");
        assert!(got[1].0.starts_with("Echo (ping) request id=0x0001, seq=7, hop limit=64"), "{}", got[1].0);
        assert_eq!(got[0].1, ["0", "1", "0xcde00817", "2", "", "", "", "raw:ipv6:ipv6.fraghdr:data"]);
        assert_eq!(got[1].1, ["2", "0", "0xcde00817", "", "1,2", "2", "24", "raw:ipv6:ipv6.fraghdr:icmpv6:data"]);
    }
}
