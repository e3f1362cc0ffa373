//! The conversation table: finds (or starts) the stream of each segment, including
//! Wireshark's port-reuse rules, and hands the segment to it.

use std::collections::HashMap;

use super::hash::FxBuild;
use super::seq_analysis::Verdict;
use super::{analysis as a, flags as f, Endpoint, Segment, SegmentInfo, Stream};

/// The conversation table: maps segments to streams and analyses them.
#[derive(Default)]
pub struct Tracker {
    /// The current stream of each address/port pair (ordered endpoints).
    by_key: HashMap<(Endpoint, Endpoint), u32, FxBuild>,
    streams: Vec<Stream>,
}

impl Tracker {
    /// An empty tracker.
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Tracks one segment and returns what Wireshark would say about it.
    pub fn process(&mut self, seg: &Segment) -> SegmentInfo {
        let key = if seg.src <= seg.dst { (seg.src, seg.dst) } else { (seg.dst, seg.src) };
        let (mut index, is_new) = match self.by_key.get(&key) {
            Some(&index) => (index, false),
            None => {
                let index = self.start_stream(seg);
                self.by_key.insert(key, index);
                (index, true)
            }
        };
        let mut verdict = Verdict::default();
        let kind = seg.flags & (f::SYN | f::ACK);
        if !is_new && kind == f::SYN {
            let flow = self.streams[index as usize].flow_mut(seg.src);
            if flow.base_set && flow.base_seq != seg.seq {
                // A new connection on the same ports: a new stream from this SYN on.
                index = self.start_stream(seg);
                self.by_key.insert(key, index);
                self.streams[index as usize].completeness = super::completeness::SYN;
                verdict.flags |= a::REUSED_PORTS;
                verdict.has_ta = true;
            }
        } else if !is_new && kind == f::SYN | f::ACK {
            let flow = self.streams[index as usize].flow_mut(seg.src);
            if flow.base_set && flow.base_seq != seg.seq {
                flow.base_seq = seg.seq;
                verdict.flags |= a::REUSED_PORTS;
                verdict.has_ta = true;
            }
        }
        self.streams[index as usize].track(seg, is_new, verdict)
    }

    /// Appends a new stream starting with `seg` and returns its index.
    fn start_stream(&mut self, seg: &Segment) -> u32 {
        let index = self.streams.len() as u32;
        self.streams.push(Stream::new(index, seg));
        index
    }

    /// The stream with index `index`.
    pub fn stream(&self, index: u32) -> Option<&Stream> {
        self.streams.get(index as usize)
    }

    /// Every stream, in index order.
    pub fn streams(&self) -> &[Stream] {
        &self.streams
    }
}
