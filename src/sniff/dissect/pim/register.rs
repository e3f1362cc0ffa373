//! A PIMv2 Register (RFC 7761 §4.9.3): after the header, a word of flags (the
//! Border and Null-Register bits), then the multicast packet the first-hop
//! router tunnels to the rendezvous point, an IPv4 or IPv6 packet.

use crate::proto::bytes::be32;
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The Border and Null-Register bits of the flags word.
const BORDER: u32 = 0x8000_0000;
const NULL_REGISTER: u32 = 0x4000_0000;

/// The flags word and the carried packet's IP version, as items under `PIM
/// Options` (`at`: the flags' offset in the message); false when cut short.
/// The carried packet itself is not decoded here.
pub fn tree(out: &mut Tree, pdu: &[u8], o: usize, at: usize) -> bool {
    let Some(b) = pdu.get(at..at + 4) else { return false };
    let flags = be32(b, 0);
    out.at(2)
        .field("pim.register_flag", Ftype::Uint32, Value::hex(u64::from(flags), 8))
        .bytes(o + at, 4)
        .line(format_args!("Flags: 0x{flags:08x}"));
    for (mask, shift, title, field) in [
        (BORDER, 31, "Border", "pim.register_flag.border"),
        (NULL_REGISTER, 30, "Null-Register", "pim.register_flag.null_register"),
    ] {
        let set = flags & mask != 0;
        out.at(3)
            .field(field, Ftype::Boolean, u8::from(set))
            .bytes(o + at, 4)
            .mask(u64::from(mask), u64::from(set))
            .line(format_args!(
                "{} = {title}: {}",
                bit_pattern(u32::from(set), 1, shift, 32),
                if set { "Yes" } else { "No" }
            ));
    }
    let Some(&vh) = pdu.get(at + 4) else { return false };
    let v = vh >> 4;
    let name = match v {
        0 => "Dummy Header",
        4 => "IPv4",
        6 => "IPv6",
        _ => "Unknown",
    };
    out.at(2)
        .field("pim.ip_version", Ftype::Uint8, v)
        .bytes(o + at + 4, 1)
        .mask(0xf0, u64::from(v))
        .line(format_args!("{v:04b} .... = IP Version: {name} ({v})"));
    true
}

/// Offsets of the addresses in an IPv4 header (RFC 791 §3.1) and an IPv6 header (RFC 8200 §3).
const V4_SRC: usize = 12;
const V4_HEADER: usize = 20;
const V6_SRC: usize = 8;
const V6_HEADER: usize = 40;

/// The source and destination of the packet a Register carries (`packet`
/// starts after the flags word), when its IP header is whole.
pub fn inner_addresses(packet: &[u8]) -> Option<(IpAddr, IpAddr)> {
    match packet.first()? >> 4 {
        4 => {
            let h = packet.get(..V4_HEADER)?;
            let a = |at: usize| IpAddr::V4(Ipv4Addr::new(h[at], h[at + 1], h[at + 2], h[at + 3]));
            Some((a(V4_SRC), a(V4_SRC + 4)))
        }
        6 => {
            let h = packet.get(..V6_HEADER)?;
            let a = |at: usize| {
                let b: [u8; 16] = h[at..at + 16].try_into().unwrap_or_default();
                IpAddr::V6(Ipv6Addr::from(b))
            };
            Some((a(V6_SRC), a(V6_SRC + 16)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_carried_packet_names_the_endpoints() {
        let mut v4 = vec![0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 20, 10, 239, 1, 2, 3];
        assert_eq!(inner_addresses(&v4), Some(("192.168.20.10".parse().unwrap(), "239.1.2.3".parse().unwrap())));
        v4.truncate(19);
        assert_eq!(inner_addresses(&v4), None);
        assert_eq!(inner_addresses(&[0x00; 20]), None);
        assert_eq!(inner_addresses(&[]), None);
        let mut v6 = vec![0u8; 40];
        v6[0] = 0x60;
        v6[23] = 1;
        v6[24] = 0xff;
        v6[39] = 2;
        assert_eq!(inner_addresses(&v6), Some(("::1".parse().unwrap(), "ff00::2".parse().unwrap())));
    }
}
