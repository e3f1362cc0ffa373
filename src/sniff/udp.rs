//! UDP conversations: `udp.stream`, an index per pair of endpoints (either
//! direction), numbered in order of first appearance as Wireshark does.

use crate::sniff::hash::FxHashMap;
use crate::sniff::tcp::Endpoint;

/// The UDP conversation table.
#[derive(Default)]
pub struct UdpTracker {
    by_key: FxHashMap<(Endpoint, Endpoint), u32>,
}

impl UdpTracker {
    /// An empty table.
    pub fn new() -> UdpTracker {
        UdpTracker::default()
    }

    /// The `udp.stream` of a datagram from `src` to `dst`, creating it on first sight.
    pub fn process(&mut self, src: Endpoint, dst: Endpoint) -> u32 {
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let next = u32::try_from(self.by_key.len()).unwrap_or(u32::MAX);
        *self.by_key.entry(key).or_insert(next)
    }

    /// Number of conversations so far.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when no datagram was seen.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn ep(port: u16) -> Endpoint {
        Endpoint { ip: IpAddr::V4(Ipv4Addr::LOCALHOST), port }
    }

    #[test]
    fn both_directions_share_a_stream_in_order_of_appearance() {
        let mut t = UdpTracker::new();
        assert_eq!(t.process(ep(5000), ep(9)), 0);
        assert_eq!(t.process(ep(9), ep(5000)), 0);
        assert_eq!(t.process(ep(5001), ep(53)), 1);
        assert_eq!(t.process(ep(5000), ep(9)), 0);
        assert_eq!(t.len(), 2);
    }
}
