//! A PIMv2 Register (RFC 7761 §4.9.3): after the header, a word of flags (the
//! Border and Null-Register bits), then the multicast packet the first-hop
//! router tunnels to the rendezvous point, an IPv4 or IPv6 packet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
