//! Reassembly of the PDUs of a registered protocol that TCP cuts across
//! segments (RFC 9293 §3.1: TCP carries a byte stream, segment boundaries mean
//! nothing to the protocol above), as tshark's TCP dissector reassembles them
//! for a dissector that asks for more bytes.
//!
//! The protocol says how long a PDU is from its first bytes
//! ([`Dissector::pdu_len`]); this module keeps, per direction of a stream, the
//! bytes of a PDU a segment leaves unfinished, and when a later segment
//! completes it hands back the whole PDU (with any whole PDUs that follow it in
//! that segment) as [`Assembled`] bytes. Sans-I/O: the pipeline gives it each
//! in-order data segment's bytes and relative sequence number.
//!
//! Bounded: a PDU longer than [`MAX_PDU`] is not reassembled, at most
//! [`MAX_DIRECTIONS`] directions wait at one time and [`MAX_TOTAL`] bytes in
//! all; beyond that, the waiting PDUs are forgotten (never memory).

use crate::sniff::dissect::dissector::{Ctx, Dissector};
use crate::sniff::dissect::registry::REGISTRY;
use crate::sniff::hash::FxHashMap;

/// The longest PDU reassembled; a longer one stays in its segments.
pub const MAX_PDU: usize = 256 * 1024;

/// Most directions with a PDU waiting for its next segments at one time.
pub const MAX_DIRECTIONS: usize = 4096;

/// Most bytes kept in all waiting PDUs together.
pub const MAX_TOTAL: usize = 16 * 1024 * 1024;

/// A PDU (or several) reassembled from segments, as the segment that
/// completed it shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assembled {
    /// The PDUs' bytes: the end of the earlier segments' bytes and the
    /// completing segment's bytes up to the end of its last whole PDU.
    pub bytes: Vec<u8>,
    /// Every segment that gave bytes, in order: its frame and how many bytes.
    pub segments: Vec<(u32, usize)>,
}

/// A PDU begun in earlier segments of one direction.
#[derive(Debug)]
struct Pending {
    /// The protocol's index in the registry.
    dissector: u8,
    /// How the first segment's port handed it over.
    ctx: Ctx,
    /// The relative sequence number the next segment must start at.
    next_seq: u32,
    /// The bytes so far.
    bytes: Vec<u8>,
    /// The frames they came from and how many bytes each.
    segments: Vec<(u32, usize)>,
}

/// One in-order TCP data segment as the reassembler sees it.
#[derive(Clone, Copy, Debug)]
pub struct SegmentIn<'p> {
    /// The direction of the stream it travels (see `sniff::app::conv::dir_key`).
    pub key: u64,
    /// Its frame number.
    pub frame: u32,
    /// The relative sequence number of its first byte.
    pub seq: u32,
    /// Its captured payload.
    pub payload: &'p [u8],
    /// The registered protocol its port (or a heuristic) gave the payload to,
    /// and how; `None` when none took it.
    pub claimed: Option<(u8, Ctx)>,
}

/// What becomes of a segment's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to reassemble: the segment's PDU, if it has one, stands as it is.
    Whole,
    /// All its bytes belong to a PDU that later segments complete (tshark's
    /// `[TCP segment of a reassembled PDU]`).
    Segment,
    /// Its first `n` bytes are whole PDUs; the rest begins one that later
    /// segments complete.
    Head(usize),
    /// It completes a PDU begun earlier: [`Reassembler::assembled`] holds the
    /// PDU (and the whole ones after it in this segment), of this protocol.
    Completed {
        /// The protocol's index in the registry.
        dissector: u8,
        /// How the first segment's port handed it over.
        ctx: Ctx,
    },
}

/// The waiting PDUs of a capture's TCP streams, per direction.
#[derive(Debug, Default)]
pub struct Reassembler {
    pending: FxHashMap<u64, Pending>,
    /// Bytes held in `pending`.
    total: usize,
    /// The latest PDU completed.
    done: Assembled,
}

impl Reassembler {
    /// A reassembler with nothing waiting.
    pub fn new() -> Reassembler {
        Reassembler::default()
    }

    /// The PDU the latest [`Outcome::Completed`] segment completed.
    pub fn assembled(&self) -> &Assembled {
        &self.done
    }

    /// Bytes waiting in all directions.
    pub fn waiting_bytes(&self) -> usize {
        self.total
    }

    /// Takes in one in-order segment with a payload. A segment that does not
    /// start where the waiting PDU's bytes end (a gap: bytes never captured)
    /// drops that PDU, which can no longer be completed.
    pub fn segment(&mut self, s: SegmentIn<'_>) -> Outcome {
        if s.payload.is_empty() {
            return Outcome::Whole;
        }
        if let Some(p) = self.pending.remove(&s.key) {
            self.total -= p.bytes.len();
            if p.next_seq == s.seq {
                return self.resume(p, s);
            }
        }
        let Some((dissector, ctx)) = s.claimed else { return Outcome::Whole };
        let end = whole_prefix(REGISTRY[usize::from(dissector)], s.payload);
        if end == s.payload.len() {
            return Outcome::Whole;
        }
        let rest = &s.payload[end..];
        let next_seq = s.seq.wrapping_add(len32(s.payload.len()));
        let p = Pending { dissector, ctx, next_seq, bytes: rest.to_vec(), segments: vec![(s.frame, rest.len())] };
        self.keep(s.key, p);
        if end == 0 {
            Outcome::Segment
        } else {
            Outcome::Head(end)
        }
    }

    /// Adds a segment to the PDU waiting in its direction.
    fn resume(&mut self, mut p: Pending, s: SegmentIn<'_>) -> Outcome {
        p.bytes.extend_from_slice(s.payload);
        p.segments.push((s.frame, s.payload.len()));
        p.next_seq = s.seq.wrapping_add(len32(s.payload.len()));
        let end = whole_prefix(REGISTRY[usize::from(p.dissector)], &p.bytes);
        if end == 0 {
            self.keep(s.key, p);
            return Outcome::Segment;
        }
        let rest = p.bytes.split_off(end);
        if let Some(last) = p.segments.last_mut() {
            last.1 -= rest.len();
        }
        if !rest.is_empty() {
            let segments = vec![(s.frame, rest.len())];
            let next = Pending { dissector: p.dissector, ctx: p.ctx, next_seq: p.next_seq, bytes: rest, segments };
            self.keep(s.key, next);
        }
        let (dissector, ctx) = (p.dissector, p.ctx);
        self.done = Assembled { bytes: p.bytes, segments: p.segments };
        Outcome::Completed { dissector, ctx }
    }

    /// Keeps a waiting PDU unless it is too long; when the bounds are reached,
    /// everything waiting is forgotten first.
    fn keep(&mut self, key: u64, p: Pending) {
        let n = p.bytes.len();
        if n > MAX_PDU {
            return;
        }
        if self.pending.len() >= MAX_DIRECTIONS || self.total + n > MAX_TOTAL {
            self.pending.clear();
            self.total = 0;
        }
        self.total += n;
        self.pending.insert(key, p);
    }
}

/// How many leading bytes of `bytes` are whole PDUs of `d`: all of them when
/// the protocol does not reassemble, when bytes start no PDU it can measure, or
/// when a PDU would be longer than [`MAX_PDU`].
pub fn whole_prefix(d: &dyn Dissector, bytes: &[u8]) -> usize {
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let Some(need) = d.pdu_len(rest).filter(|&n| n > 0 && n <= MAX_PDU) else { return bytes.len() };
        if need > rest.len() {
            return at;
        }
        at += need;
    }
    at
}

/// A payload length as a sequence-number distance.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
