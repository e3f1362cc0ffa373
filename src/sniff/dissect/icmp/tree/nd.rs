//! ICMPv6 neighbour discovery (RFC 4861 §4.1, §4.3, §4.4): a solicitation's
//! target, an advertisement's flags and target, and link-layer address options.

use crate::sniff::packet::Icmp;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::{bit_pattern, set};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv6Addr;

/// Message types (RFC 4861 §4).
mod ty {
    /// Router Solicitation.
    pub const RS: u8 = 133;
    /// Neighbor Solicitation.
    pub const NS: u8 = 135;
    /// Neighbor Advertisement.
    pub const NA: u8 = 136;
}

/// The Neighbor Advertisement flags (RFC 4861 §4.4), in the 32 bits after the checksum.
mod flag {
    /// Sent by a router.
    pub const ROUTER: u32 = 0x8000_0000;
    /// Sent in response to a solicitation.
    pub const SOLICITED: u32 = 0x4000_0000;
    /// Overrides a cached link-layer address.
    pub const OVERRIDE: u32 = 0x2000_0000;
    /// The reserved rest.
    pub const RESERVED: u32 = 0x1fff_ffff;
}

/// Where the message body starts: after type, code, checksum and 4 more bytes.
const BODY: usize = 8;
/// An IPv6 address.
const ADDR_LEN: usize = 16;
/// Option lengths count units of 8 bytes (RFC 4861 §4.6).
const OPTION_UNIT: usize = 8;
/// The source (1) and target (2) link-layer address options (RFC 4861 §4.6.1).
const SOURCE_LLADDR: u8 = 1;
const TARGET_LLADDR: u8 = 2;
/// The nonce option (RFC 3971 §5.3.2).
const NONCE: u8 = 14;

/// The body of a neighbour discovery message `i` whose bytes end at `end` in `data`.
pub(super) fn neighbour_discovery(out: &mut Tree, data: &[u8], i: &Icmp, end: usize) {
    let at = i.offset + BODY;
    // A message its IP header declares shorter than its own header is malformed.
    let Some(body) = data.get(at..end) else { return };
    match i.ty {
        ty::RS => {
            reserved(out, i);
            options(out, body, at);
        }
        ty::NS | ty::NA => {
            let name = if i.ty == ty::NS { "icmpv6.nd.ns.target_address" } else { "icmpv6.nd.na.target_address" };
            if i.ty == ty::NS {
                reserved(out, i);
            } else {
                flags(out, i);
            }
            let Some(target) = body.get(..ADDR_LEN).and_then(|b| <[u8; ADDR_LEN]>::try_from(b).ok()) else { return };
            let target = Ipv6Addr::from(target);
            out.at(1)
                .field(name, Ftype::Ipv6, target)
                .bytes(at, ADDR_LEN)
                .line(format_args!("Target Address: {target}"));
            options(out, &body[ADDR_LEN..], at + ADDR_LEN);
        }
        _ => {}
    }
}

fn reserved(out: &mut Tree, i: &Icmp) {
    let rest = u32::from_be_bytes(i.rest);
    out.at(1)
        .field("icmpv6.reserved", Ftype::Bytes, Mac(&i.rest))
        .bytes(i.offset + super::field::REST, i.rest.len())
        .line(format_args!("Reserved: {rest:08x}"));
}

/// An advertisement's flags, each as a bit field of the 32 bits.
fn flags(out: &mut Tree, i: &Icmp) {
    let v = u32::from_be_bytes(i.rest);
    let at = i.offset + super::field::REST;
    let named = [
        (flag::ROUTER, "Router", "icmpv6.nd.na.flag.r"),
        (flag::SOLICITED, "Solicited", "icmpv6.nd.na.flag.s"),
        (flag::OVERRIDE, "Override", "icmpv6.nd.na.flag.o"),
    ];
    let mut title = format!("Flags: 0x{v:08x}");
    for (bit, name, _) in named {
        if v & bit != 0 {
            title.push_str(", ");
            title.push_str(name);
        }
    }
    let hex = Value::Hex { value: u64::from(v), digits: 8 };
    out.at(1).field("icmpv6.nd.na.flag", Ftype::Uint32, hex).bytes(at, 4).line(format_args!("{title}"));
    for (bit, name, field) in named {
        let on = v & bit != 0;
        let pattern = bit_pattern(u32::from(on), 1, bit.trailing_zeros(), 32);
        out.at(2)
            .field(field, Ftype::Boolean, u8::from(on))
            .bytes(at, 4)
            .mask(u64::from(bit), u64::from(on))
            .line(format_args!("{pattern} = {name}: {}", set(on)));
    }
    let rsv = v & flag::RESERVED;
    out.at(2)
        .field("icmpv6.nd.na.flag.rsv", Ftype::Uint32, rsv)
        .bytes(at, 4)
        .mask(u64::from(flag::RESERVED), u64::from(rsv))
        .line(format_args!("{} = Reserved: {rsv}", bit_pattern(rsv, 29, 0, 32)));
}

/// The options at `at` (`opts` are their bytes), shown only when each is one
/// decoded here (a link-layer address of one unit, an Ethernet address, or a
/// nonce) and together they fill the message.
fn options(out: &mut Tree, opts: &[u8], at: usize) {
    let mut list = Vec::new();
    let mut rest = opts;
    while !rest.is_empty() {
        let len = usize::from(*rest.get(1).unwrap_or(&0)) * OPTION_UNIT;
        let known = match rest[0] {
            SOURCE_LLADDR | TARGET_LLADDR => len == OPTION_UNIT,
            NONCE => len != 0,
            _ => false,
        };
        if !known || len > rest.len() {
            return;
        }
        list.push(&rest[..len]);
        rest = &rest[len..];
    }
    let mut o = at;
    for opt in list {
        option(out, opt, o);
        o += opt.len();
    }
}

/// One option `opt` at `o` (RFC 4861 §4.6.1, RFC 3971 §5.3.2).
fn option(out: &mut Tree, opt: &[u8], o: usize) {
    let (kind, units, value) = (opt[0], opt[1], &opt[2..]);
    let name = match kind {
        SOURCE_LLADDR => "Source link-layer address",
        TARGET_LLADDR => "Target link-layer address",
        _ => "Nonce",
    };
    let title = out.at(1).field("icmpv6.opt", Ftype::None, "").bytes(o, opt.len());
    if kind == NONCE {
        title.line(format_args!("ICMPv6 Option ({name})"));
    } else {
        title.line(format_args!("ICMPv6 Option ({name} : {})", Mac(value)));
    }
    out.at(2).field("icmpv6.opt.type", Ftype::Uint8, kind).bytes(o, 1).line(format_args!("Type: {name} ({kind})"));
    out.at(2)
        .field("icmpv6.opt.length", Ftype::Uint8, units)
        .bytes(o + 1, 1)
        .line(format_args!("Length: {units} ({} bytes)", opt.len()));
    let at = o + 2;
    if kind == NONCE {
        out.at(2)
            .field("icmpv6.opt.nonce", Ftype::Bytes, Mac(value))
            .bytes(at, value.len())
            .line(format_args!("Nonce: {}", Hex(value)));
        return;
    }
    let (mac, hidden) =
        (Mac(value), if kind == SOURCE_LLADDR { "icmpv6.opt.src_linkaddr" } else { "icmpv6.opt.target_linkaddr" });
    out.at(2)
        .field("icmpv6.opt.linkaddr", Ftype::Ether, &mac)
        .bytes(at, value.len())
        .line(format_args!("Link-layer address: {mac}"));
    out.at(2).field(hidden, Ftype::Ether, &mac).bytes(at, value.len()).hidden();
}

#[cfg(test)]
mod tests {
    use crate::sniff::dissect::testing::{one, tree_of_link, LinkType};

    /// A Neighbor Advertisement fe80::1 → ff02::1 on raw IPv6: router and
    /// override set, target fe80::babe, target link-layer address 02:00:00:00:00:01.
    const ADVERT: [u8; 72] = [
        0x60, 0, 0, 0, 0, 32, 58, 255, // IPv6: payload 32, ICMPv6, hop limit 255
        0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // source fe80::1
        0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // destination ff02::1
        136, 0, 0x5b, 0x0e, 0xa0, 0, 0, 0, // ICMPv6: type, code, checksum, flags
        0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xba, 0xbe, // target
        2, 1, 2, 0, 0, 0, 0, 1, // target link-layer address option
    ];

    #[test]
    fn an_advertisement_has_its_flags_target_and_link_layer_address() {
        let tree = tree_of_link(LinkType::Ipv6, &[&ADVERT], 0, 0);
        let t = &tree;
        assert_eq!(one(t, "icmpv6.nd.na.flag"), ("0xa0000000".into(), Some((44, 4)), true));
        let r = t.items().iter().find(|i| i.field == "icmpv6.nd.na.flag.r").unwrap();
        assert_eq!((r.bitmask, r.bits, t.value(r)), (0x8000_0000, 1, "1"));
        assert_eq!(t.display(r), "1... .... .... .... .... .... .... .... = Router: Set");
        assert_eq!(one(t, "icmpv6.nd.na.target_address"), ("fe80::babe".into(), Some((48, 16)), true));
        assert_eq!(one(t, "icmpv6.opt"), (String::new(), Some((64, 8)), true));
        assert_eq!(one(t, "icmpv6.opt.linkaddr"), ("02:00:00:00:00:01".into(), Some((66, 6)), true));
        assert_eq!(one(t, "icmpv6.opt.target_linkaddr"), ("02:00:00:00:00:01".into(), Some((66, 6)), false));
    }

    #[test]
    fn an_advertisement_in_a_zero_length_payload_shows_no_body() {
        let mut advert = ADVERT;
        advert[5] = 0; // IPv6 payload length 0, as TCP segmentation offload leaves it
        let tree = tree_of_link(LinkType::Ipv6, &[&advert], 0, 0);
        assert!(tree.items().iter().all(|i| !i.field.starts_with("icmpv6.nd")), "{:?}", tree.items());
    }
}
