//! The conversation table: finds (or starts) the stream of each segment, including
//! Wireshark's port-reuse rules, and hands the segment to it.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use super::seq_analysis::Verdict;
use super::settled::Parked;
use super::{analysis as a, flags as f, Endpoint, Segment, SegmentInfo, Settled, Stream};
use crate::sniff::hash::FxHashMap;

/// A conversation's address/port pair in a compact, order-independent form, cheap
/// to hash and compare (IPv4 addresses are kept apart from IPv6 ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ConvKey {
    /// Lower endpoint's address bits.
    lo: u128,
    /// Higher endpoint's address bits.
    hi: u128,
    /// Lower endpoint's port in the high half, higher endpoint's in the low half.
    ports: u32,
    /// Whether the addresses are IPv6.
    v6: bool,
}

impl ConvKey {
    fn new(a: Endpoint, b: Endpoint) -> ConvKey {
        let (a_bits, v6) = ip_bits(a.ip);
        let (b_bits, _) = ip_bits(b.ip);
        let (lo, hi) = if (a_bits, a.port) <= (b_bits, b.port) {
            ((a_bits, a.port), (b_bits, b.port))
        } else {
            ((b_bits, b.port), (a_bits, a.port))
        };
        ConvKey { lo: lo.0, hi: hi.0, ports: u32::from(lo.1) << 16 | u32::from(hi.1), v6 }
    }
}

impl Hash for ConvKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.lo as u64 ^ (self.lo >> 64) as u64);
        state.write_u64(self.hi as u64 ^ (self.hi >> 64) as u64);
        state.write_u32(self.ports);
    }
}

/// An address as 128 bits, and whether it is IPv6.
fn ip_bits(ip: IpAddr) -> (u128, bool) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), false),
        IpAddr::V6(v6) => (u128::from(v6), true),
    }
}

/// Streams per block of [`Tracker`]'s stream table: the table grows a block at
/// a time, so a capture of many connections never holds up to twice their
/// memory as a doubling vector would (368 bytes a stream, 376 KiB a block).
const BLOCK: usize = 1024;

/// A stream index's place in the table once [`Tracker::retire`] freed it.
const RETIRED: u32 = u32::MAX;
/// The bit of a place that makes the rest an index into the parked streams.
const PARKED: u32 = 1 << 31;

/// The conversation table: maps segments to streams and analyses them.
#[derive(Default)]
pub struct Tracker {
    /// The current stream of each address/port pair.
    by_key: FxHashMap<ConvKey, u32>,
    /// The last key looked up and its stream (bulk transfers repeat it).
    last: Option<(ConvKey, u32)>,
    /// The streams' state, in blocks of [`BLOCK`] (each allocated whole); a
    /// retired stream's place is reused by the next new one.
    blocks: Vec<Vec<Stream>>,
    /// Each stream index's place in `blocks`, or [`RETIRED`].
    place: Vec<u32>,
    /// Places of retired streams, free for new ones.
    free: Vec<u32>,
    /// Whether closed streams are parked ([`Tracker::parking`]).
    parks: bool,
    /// Parked streams; a place with [`PARKED`] set indexes them.
    parked: Vec<Parked>,
    /// Entries of `parked` whose stream came back, free for the next one.
    free_parked: Vec<u32>,
}

impl Tracker {
    /// An empty tracker.
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// A tracker that reduces each closed stream to its [`Parked`] values
    /// (about a third of its state) until a late segment brings it back: its
    /// memory then follows the open connections, plus about a hundred bytes
    /// per closed one. What it settles ([`Tracker::settle`]) is exact; the
    /// analysis of a late segment on a parked stream is not (it lacks the
    /// times and counters of the sides), so only a first pass parks.
    /// [`Tracker::stream`] does not find a parked stream; [`Tracker::settled`]
    /// and [`Tracker::ends`] do.
    pub fn parking() -> Tracker {
        Tracker { parks: true, ..Tracker::default() }
    }

    /// Tracks one segment and returns what Wireshark would say about it.
    pub fn process(&mut self, seg: &Segment) -> SegmentInfo {
        let (index, is_new, verdict) = self.route(seg);
        let info = self.at(index).track(seg, is_new, verdict);
        self.park_if_closed(index);
        info
    }

    /// Tracks a TCP header quoted by an ICMP error (tshark dissects it when the
    /// whole header is there): it finds or starts a stream and counts toward its
    /// completeness, SYN time and window scale like any segment, but gets no
    /// sequence analysis; tshark prints its raw seq and ack. `payload_len` is
    /// ignored. Returns the same kind of answer as [`Tracker::process`].
    pub fn process_quoted(&mut self, seg: &Segment) -> SegmentInfo {
        let (index, is_new, _) = self.route(seg);
        let info = self.at(index).track_quoted(seg, is_new);
        self.park_if_closed(index);
        info
    }

    /// Parks stream `index` if this tracker parks and its connection is over.
    fn park_if_closed(&mut self, index: u32) {
        if !self.parks || !self.at(index).closed() {
            return;
        }
        let parked = self.at(index).park();
        let n = match self.free_parked.pop() {
            Some(n) => {
                self.parked[n as usize] = parked;
                n
            }
            None => {
                self.parked.push(parked);
                (self.parked.len() - 1) as u32
            }
        };
        self.free_slot(index);
        self.place[index as usize] = PARKED | n;
    }

    /// Brings back a parked stream `index` for a segment that came late.
    fn unpark(&mut self, index: u32) {
        let at = self.place[index as usize];
        if at == RETIRED || at & PARKED == 0 {
            return;
        }
        let n = at & !PARKED;
        let stream = Stream::revive(index, &self.parked[n as usize]);
        self.free_parked.push(n);
        self.place[index as usize] = self.slot_for(stream);
    }

    /// Finds or starts the stream of `seg`, applying the port-reuse rules.
    /// Returns the stream index, whether `seg` created it, and the flags decided.
    fn route(&mut self, seg: &Segment) -> (u32, bool, Verdict) {
        let key = ConvKey::new(seg.src, seg.dst);
        let found = match self.last {
            Some((last, index)) if last == key => Some(index),
            _ => self.by_key.get(&key).copied(),
        };
        let (mut index, is_new) = match found {
            Some(index) => {
                self.unpark(index);
                (index, false)
            }
            None => {
                let index = self.start_stream(seg);
                self.by_key.insert(key, index);
                (index, true)
            }
        };
        let mut verdict = Verdict::default();
        let kind = seg.flags & (f::SYN | f::ACK);
        if !is_new && self.place[index as usize] == RETIRED {
            // A retired stream sees no more segments (its last frame is past),
            // so this one is the SYN that opens a new connection on its ports.
            index = self.start_stream(seg);
            self.by_key.insert(key, index);
            self.at(index).completeness = super::completeness::SYN;
            verdict.flags |= a::REUSED_PORTS;
            verdict.has_ta = true;
        } else if !is_new && kind == f::SYN {
            let flow = self.at(index).flow_mut(seg.src);
            if flow.base_set && flow.base_seq != seg.seq {
                // A new connection on the same ports: a new stream from this SYN on.
                // The old one will see no more segments: free its unacked lists.
                self.at(index).release();
                index = self.start_stream(seg);
                self.by_key.insert(key, index);
                self.at(index).completeness = super::completeness::SYN;
                verdict.flags |= a::REUSED_PORTS;
                verdict.has_ta = true;
            } else if flow.base_set {
                // The same SYN again: undo what a RST with a stray seq may have
                // advanced (Wireshark issue 17616); tshark shows an analysis tree.
                flow.nextseq = flow.maxseqtobeacked;
                verdict.has_ta = true;
            }
        } else if !is_new && kind == f::SYN | f::ACK {
            let stream = self.at(index);
            let flow = stream.flow_mut(seg.src);
            if flow.base_set && flow.base_seq != seg.seq {
                // A SYN-ACK with another ISN: Wireshark keeps the stream, rebases it.
                flow.base_seq = seg.seq;
                stream.note_rebase(seg);
                verdict.flags |= a::REUSED_PORTS;
                verdict.has_ta = true;
            }
        }
        self.last = Some((key, index));
        (index, is_new, verdict)
    }

    /// Appends a new stream starting with `seg` and returns its index.
    fn start_stream(&mut self, seg: &Segment) -> u32 {
        let index = self.place.len() as u32;
        let at = self.slot_for(Stream::new(index, seg));
        self.place.push(at);
        index
    }

    /// Puts `stream` in a free place, or a new one, and returns the place.
    fn slot_for(&mut self, stream: Stream) -> u32 {
        match self.free.pop() {
            Some(at) => {
                self.blocks[at as usize / BLOCK][at as usize % BLOCK] = stream;
                at
            }
            None => {
                if self.blocks.last().is_none_or(|b| b.len() == BLOCK) {
                    self.blocks.push(Vec::with_capacity(BLOCK));
                }
                let n = self.blocks.len() - 1;
                let block = &mut self.blocks[n];
                block.push(stream);
                (n * BLOCK + block.len() - 1) as u32
            }
        }
    }

    /// Frees the place of live stream `index` (its lists first).
    fn free_slot(&mut self, index: u32) {
        let at = self.place[index as usize];
        self.blocks[at as usize / BLOCK][at as usize % BLOCK].release();
        self.free.push(at);
    }

    /// The stream with index `index`, which [`Tracker::route`] just found or
    /// made (never a retired one).
    fn at(&mut self, index: u32) -> &mut Stream {
        let at = self.place[index as usize] as usize;
        &mut self.blocks[at / BLOCK][at % BLOCK]
    }

    /// The stream with index `index` (`None` once retired).
    pub fn stream(&self, index: u32) -> Option<&Stream> {
        let at = *self.place.get(index as usize)?;
        if at & PARKED != 0 {
            return None;
        }
        self.blocks.get(at as usize / BLOCK)?.get(at as usize % BLOCK)
    }

    /// What stream `index` has settled so far, parked or not (`None` once retired).
    pub fn settled(&self, index: u32) -> Option<Settled> {
        match *self.place.get(index as usize)? {
            RETIRED => None,
            at if at & PARKED != 0 => Some(self.parked[(at & !PARKED) as usize].settled),
            _ => self.stream(index).map(Stream::settled),
        }
    }

    /// The client and server of stream `index`, parked or not (`None` once retired).
    pub fn ends(&self, index: u32) -> Option<(Endpoint, Endpoint)> {
        match *self.place.get(index as usize)? {
            RETIRED => None,
            at if at & PARKED != 0 => self.parked.get((at & !PARKED) as usize).map(Parked::ends),
            _ => self.stream(index).map(|st| (st.client, st.server)),
        }
    }

    /// Frees the state of stream `index`, which will see no more segments: a
    /// second pass knows each stream's last frame from the first
    /// ([`Settled::last_frame`]), so its memory follows the open connections,
    /// not all connections. A later segment on the stream's address/port pair
    /// can only be a SYN opening a new connection, which the tracker then
    /// marks as reusing the ports, as it would have.
    pub fn retire(&mut self, index: u32) {
        match self.place.get(index as usize) {
            Some(&at) if at & PARKED == 0 => self.free_slot(index),
            Some(&at) if at != RETIRED => self.free_parked.push(at & !PARKED),
            _ => return,
        }
        self.place[index as usize] = RETIRED;
    }

    /// How many streams the tracker has seen.
    pub fn len(&self) -> u32 {
        self.place.len() as u32
    }

    /// Whether the tracker has seen no stream.
    pub fn is_empty(&self) -> bool {
        self.place.is_empty()
    }

    /// What a second pass shows of every stream ([`Stream::settled`]), by
    /// index: the tracker's final state in a few bytes per stream (`None` for a
    /// stream already retired).
    pub fn settle(&self) -> Vec<Option<Settled>> {
        let mut all = Vec::with_capacity(self.place.len());
        all.extend((0..self.len()).map(|i| self.settled(i)));
        all
    }
}
