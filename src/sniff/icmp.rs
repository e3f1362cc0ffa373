//! ICMP links between frames: an error message (destination unreachable, time
//! exceeded…) quotes the IP header and first transport bytes of the datagram that
//! caused it (RFC 792, RFC 4443 §2.4 c); [`Recent`] remembers recent datagrams,
//! bounded, to find that frame. [`EchoMatcher`] pairs echo requests and replies.
//! Also Wireshark's names of ICMP types and codes.

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

/// Pairs echo requests with replies by addresses, identifier and sequence number.
#[derive(Default)]
pub struct EchoMatcher {
    pending: FxHashMap<(IpAddr, IpAddr, u16, u16), u32>,
    order: VecDeque<(IpAddr, IpAddr, u16, u16)>,
}

impl EchoMatcher {
    /// An empty matcher.
    pub fn new() -> EchoMatcher {
        EchoMatcher::default()
    }

    /// Records a request from `src` to `dst` in `frame`.
    pub fn request(&mut self, src: IpAddr, dst: IpAddr, ident: u16, seq: u16, frame: u32) {
        let key = (src, dst, ident, seq);
        if self.pending.insert(key, frame).is_none() {
            if self.order.len() == ECHO_CAPACITY {
                if let Some(old) = self.order.pop_front() {
                    self.pending.remove(&old);
                }
            }
            self.order.push_back(key);
        }
    }

    /// The frame of the request a reply from `src` to `dst` answers.
    pub fn reply(&self, src: IpAddr, dst: IpAddr, ident: u16, seq: u16) -> Option<u32> {
        self.pending.get(&(dst, src, ident, seq)).copied()
    }
}

/// Wireshark's name of an ICMP (v4) type.
pub fn type_name(ty: u8) -> &'static str {
    match ty {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        _ => "Unknown ICMP (obsolete or malformed?)",
    }
}

/// Wireshark's name of an ICMP (v4) code, for the types that have named codes.
pub fn code_name(ty: u8, code: u8) -> Option<&'static str> {
    Some(match (ty, code) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 6) => "Destination network unknown",
        (3, 7) => "Destination host unknown",
        (3, 8) => "Source host isolated",
        (3, 9) => "Network administratively prohibited",
        (3, 10) => "Host administratively prohibited",
        (3, 11) => "Network unreachable for TOS",
        (3, 12) => "Host unreachable for TOS",
        (3, 13) => "Communication administratively filtered",
        (3, 14) => "Host precedence violation",
        (3, 15) => "Precedence cutoff in effect",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        (5, 2) => "Redirect for TOS and network",
        (5, 3) => "Redirect for TOS and host",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        _ => return None,
    })
}

/// Wireshark's name of an ICMPv6 type.
pub fn v6_type_name(ty: u8) -> &'static str {
    match ty {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => "Unknown ICMPv6 type",
    }
}

/// Wireshark's name of an ICMPv6 code, for the types that have named codes.
pub fn v6_code_name(ty: u8, code: u8) -> Option<&'static str> {
    Some(match (ty, code) {
        (1, 0) => "no route to destination",
        (1, 1) => "communication with destination administratively prohibited",
        (1, 2) => "beyond scope of source address",
        (1, 3) => "Address unreachable",
        (1, 4) => "Port unreachable",
        (1, 5) => "source address failed ingress/egress policy",
        (1, 6) => "reject route to destination",
        (3, 0) => "hop limit exceeded in transit",
        (3, 1) => "fragment reassembly time exceeded",
        (4, 0) => "erroneous header field encountered",
        (4, 1) => "unrecognized Next Header type encountered",
        (4, 2) => "unrecognized IPv6 option encountered",
        _ => return None,
    })
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
        m.request(a, b, 1, 7, 3);
        assert_eq!(m.reply(b, a, 1, 7), Some(3));
        assert_eq!(m.reply(b, a, 1, 8), None);
    }

    #[test]
    fn names() {
        assert_eq!(type_name(3), "Destination unreachable");
        assert_eq!(code_name(3, 3), Some("Port unreachable"));
        assert_eq!(v6_code_name(1, 4), Some("Port unreachable"));
    }
}
