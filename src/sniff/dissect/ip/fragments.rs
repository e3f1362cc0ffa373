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
use super::tree::proto_name;
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
    out.at(d + 1)
        .field("ipv6.fraghdr.nxt", Ftype::Uint8, f.nxt)
        .bytes(at + NXT, 1)
        .line(format_args!("Next header: {} ({})", proto_name(f.nxt), f.nxt));
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
