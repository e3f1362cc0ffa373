//! UDP conversations: `udp.stream`, an index per pair of endpoints (either
//! direction), numbered in order of first appearance as Wireshark does.

use crate::sniff::hash::FxHashMap;
use crate::sniff::tcp::Endpoint;
use crate::sniff::value::Nanos;

/// What the table says about one datagram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UdpInfo {
    /// `udp.stream`.
    pub stream: u32,
    /// Time since the conversation's first datagram (`udp.time_relative`).
    pub time_relative: Nanos,
    /// Time since its previous datagram (`udp.time_delta`).
    pub time_delta: Nanos,
}

/// The UDP conversation table: index and first/last time of every conversation.
#[derive(Default)]
pub struct UdpTracker {
    by_key: FxHashMap<(Endpoint, Endpoint), u32>,
    times: Vec<(Nanos, Nanos)>,
}

impl UdpTracker {
    /// An empty table.
    pub fn new() -> UdpTracker {
        UdpTracker::default()
    }

    /// The conversation of a datagram from `src` to `dst` sent at `time`,
    /// created on first sight.
    pub fn process(&mut self, src: Endpoint, dst: Endpoint, time: Nanos) -> UdpInfo {
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let next = u32::try_from(self.by_key.len()).unwrap_or(u32::MAX);
        let stream = *self.by_key.entry(key).or_insert(next);
        if stream as usize == self.times.len() {
            self.times.push((time, time));
        }
        let Some(t) = self.times.get_mut(stream as usize) else {
            return UdpInfo { stream, ..UdpInfo::default() };
        };
        let info = UdpInfo { stream, time_relative: time - t.0, time_delta: time - t.1 };
        t.1 = time;
        info
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
        assert_eq!(t.process(ep(5000), ep(9), 100).stream, 0);
        assert_eq!(t.process(ep(9), ep(5000), 150), UdpInfo { stream: 0, time_relative: 50, time_delta: 50 });
        assert_eq!(t.process(ep(5001), ep(53), 160).stream, 1);
        assert_eq!(t.process(ep(5000), ep(9), 400), UdpInfo { stream: 0, time_relative: 300, time_delta: 250 });
        assert_eq!(t.len(), 2);
    }
}
