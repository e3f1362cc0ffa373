//! ICMP links between frames: an error message (destination unreachable, time
//! exceeded…) quotes the IP header and first transport bytes of the datagram that
//! caused it (RFC 792, RFC 4443 §2.4 c); [`Recent`] remembers recent datagrams,
//! bounded, to find that frame. [`EchoMatcher`] pairs echo requests and replies.

use crate::sniff::hash::{FxHashMap, FxHasher};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

/// How many recent datagrams [`Recent`] remembers.
pub const RECENT_CAPACITY: usize = 4096;
/// How many unanswered echo requests [`EchoMatcher`] remembers.
pub const ECHO_CAPACITY: usize = 4096;

/// What identifies a datagram inside an ICMP error: addresses, protocol, ports
/// and the IPv4 identification (0 for IPv6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DatagramKey {
    /// IP protocol.
    pub proto: u8,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// IPv4 identification.
    pub ip_id: u16,
}

/// A bounded memory of recent datagrams: a direct-mapped cache from key to
/// frame number, [`RECENT_CAPACITY`] slots; a newer datagram whose key lands
/// on the same slot replaces the older one. One hash per datagram, no allocation
/// after creation.
pub struct Recent {
    slots: Vec<Option<(DatagramKey, u32)>>,
}

impl Default for Recent {
    fn default() -> Self {
        Recent { slots: vec![None; RECENT_CAPACITY] }
    }
}

impl Recent {
    /// An empty memory.
    pub fn new() -> Recent {
        Recent::default()
    }

    fn slot(key: &DatagramKey) -> usize {
        let mut h = FxHasher::default();
        key.hash(&mut h);
        (h.finish() >> 20) as usize % RECENT_CAPACITY
    }

    /// Remembers that `key` was sent in `frame`.
    pub fn remember(&mut self, key: DatagramKey, frame: u32) {
        let i = Recent::slot(&key);
        self.slots[i] = Some((key, frame));
    }

    /// The frame that sent the datagram an ICMP error quotes, if still remembered.
    pub fn find(&self, key: &DatagramKey) -> Option<u32> {
        match self.slots[Recent::slot(key)] {
            Some((k, frame)) if k == *key => Some(frame),
            _ => None,
        }
    }
}

/// What pairs an echo reply with its request: addresses, identifier, sequence
/// number and the request's checksum (equal data gives a reply whose checksum
/// differs only by the type byte), as Wireshark matches them.
type EchoKey = (IpAddr, IpAddr, u16, u16, u16);

/// Pairs echo requests with replies (RFC 792 echo, RFC 4443 §4).
#[derive(Default)]
pub struct EchoMatcher {
    pending: FxHashMap<EchoKey, (u32, i64)>,
    order: VecDeque<EchoKey>,
}

/// One's-complement addition (RFC 1071).
fn ones_add(a: u16, b: u16) -> u16 {
    let sum = u32::from(a) + u32::from(b);
    ((sum & 0xffff) + (sum >> 16)) as u16
}

/// The checksum the request had, given its reply's: the type byte goes 0 → 8
/// (ICMP) or 129 → 128 (ICMPv6) and nothing else changes in a faithful echo.
pub fn request_checksum(reply_checksum: u16, v6: bool) -> u16 {
    let type_delta = if v6 { !0x0100u16 } else { 0x0800 };
    !ones_add(!reply_checksum, type_delta)
}

impl EchoMatcher {
    /// An empty matcher.
    pub fn new() -> EchoMatcher {
        EchoMatcher::default()
    }

    /// Records a request from `src` to `dst` with identifier, sequence number and
    /// checksum `id`, in `frame` captured at `time` (ns).
    pub fn request(&mut self, src: IpAddr, dst: IpAddr, (ident, seq, cksum): (u16, u16, u16), frame: u32, time: i64) {
        let key = (src, dst, ident, seq, cksum);
        if self.pending.insert(key, (frame, time)).is_none() {
            if self.order.len() == ECHO_CAPACITY {
                if let Some(old) = self.order.pop_front() {
                    self.pending.remove(&old);
                }
            }
            self.order.push_back(key);
        }
    }

    /// The frame and time of the request a reply from `src` to `dst` answers;
    /// `cksum` is the request checksum computed with [`request_checksum`].
    pub fn reply(&self, src: IpAddr, dst: IpAddr, (ident, seq, cksum): (u16, u16, u16)) -> Option<(u32, i64)> {
        self.pending.get(&(dst, src, ident, seq, cksum)).copied()
    }
}

/// The Internet checksum (RFC 1071) of `parts` concatenated, each of even
/// length except possibly the last: a message whose checksum field is right sums to 0.
pub fn internet_checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        let mut chunks = part.chunks_exact(2);
        for c in &mut chunks {
            sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u32::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The checksum an ICMP message should carry: `msg` with its checksum field
/// zeroed; for ICMPv6 over the IPv6 pseudo-header of `src` and `dst`
/// (RFC 4443 §2.3, RFC 8200 §8.1).
pub fn expected_checksum(msg: &[u8], v6: Option<(&[u8; 16], &[u8; 16])>) -> u16 {
    let (head, rest) = msg.split_at(msg.len().min(2));
    let tail = rest.get(2..).unwrap_or(&[]);
    match v6 {
        None => internet_checksum(&[head, &[0, 0], tail]),
        Some((src, dst)) => {
            let len = (msg.len() as u32).to_be_bytes();
            internet_checksum(&[src, dst, &len, &[0, 0, 0, 58], head, &[0, 0], tail])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn key(sport: u16) -> DatagramKey {
        let l = IpAddr::V4(Ipv4Addr::LOCALHOST);
        DatagramKey { proto: 17, src: l, dst: l, sport, dport: 9, ip_id: 1 }
    }

    #[test]
    fn recent_is_bounded_and_finds_recent_datagrams() {
        let mut r = Recent::new();
        for i in 0..(RECENT_CAPACITY as u16 * 4) {
            r.remember(key(i), u32::from(i) + 1);
        }
        let last = RECENT_CAPACITY as u16 * 4 - 1;
        assert_eq!(r.find(&key(last)), Some(u32::from(last) + 1));
        assert_eq!(r.slots.len(), RECENT_CAPACITY);
        let forgotten = (0..RECENT_CAPACITY as u16).filter(|&i| r.find(&key(i)).is_none()).count();
        assert!(forgotten > RECENT_CAPACITY / 2, "old datagrams are mostly replaced");
    }

    #[test]
    fn echo_reply_finds_its_request() {
        let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        let mut m = EchoMatcher::new();
        m.request(a, b, (1, 7, 0x6668), 3, 1000);
        assert_eq!(m.reply(b, a, (1, 7, request_checksum(0x6e68, false))), Some((3, 1000)));
        assert_eq!(m.reply(b, a, (1, 8, 0x6668)), None);
        assert_eq!(m.reply(b, a, (1, 7, 0x1234)), None);
        assert_eq!(request_checksum(0xb9e8, true), 0xbae8);
    }

    #[test]
    fn checksum_of_an_echo_request() {
        // RFC 1071 example bytes: 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2, checksum 0x220d.
        assert_eq!(internet_checksum(&[&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]]), 0x220d);
        let echo = [8, 0, 0x66, 0x68, 0, 1, 0, 1, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h'];
        assert_eq!(expected_checksum(&echo, None), 0x6668);
        assert_eq!(expected_checksum(&[8], None), !0x0800);
    }
}
