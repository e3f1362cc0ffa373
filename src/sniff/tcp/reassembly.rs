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
//! Bounded: a PDU longer than [`MAX_PDU`] is not reassembled (its segments
//! are only followed, shown as segments of it: tshark's reassembly would wait
//! for all of them, see [`MAX_FOLLOWED`]), at most
//! [`MAX_DIRECTIONS`] directions wait at one time and [`MAX_TOTAL`] bytes in
//! all; beyond that, the waiting PDUs are forgotten (never memory).

use crate::sniff::dissect::dissector::{Ctx, Dissector};
use crate::sniff::dissect::registry::REGISTRY;
use crate::sniff::hash::FxHashMap;

/// The longest PDU reassembled; a longer one stays in its segments.
pub const MAX_PDU: usize = 256 * 1024;

/// The longest PDU whose segments are followed without keeping their bytes:
/// beyond half the sequence space, where a PDU would end cannot be told.
pub const MAX_FOLLOWED: usize = i32::MAX as usize;

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
    /// For a PDU longer than [`MAX_PDU`]: the sequence number where it ends
    /// (its bytes are not kept).
    until: Option<u32>,
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
    /// Like [`Outcome::Segment`], for a segment that continues a PDU begun in
    /// an earlier one (tshark then names the Protocol column `TCP`, even on a
    /// Multipath TCP subflow).
    Continued,
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
    /// Per direction, the sequence range of the latest PDU gathered from
    /// several segments (waiting or completed): its first byte and the end
    /// of the bytes seen.
    spans: FxHashMap<u64, (u32, u32)>,
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

    /// Whether byte `seq` of direction `key` belongs to the latest PDU
    /// gathered from several segments there: a segment resending it adds to
    /// that PDU's reassembly in tshark, it is not a PDU of its own.
    pub fn spans(&self, key: u64, seq: u32) -> bool {
        self.spans.get(&key).is_some_and(|&(start, end)| seq.wrapping_sub(start) < end.wrapping_sub(start))
    }

    /// Notes that the PDU gathered in direction `key` covers `start..end`.
    fn span(&mut self, key: u64, start: u32, end: u32) {
        if self.spans.len() >= MAX_DIRECTIONS && !self.spans.contains_key(&key) {
            self.spans.clear();
        }
        let first = self.spans.get(&key).filter(|s| s.1 == start).map_or(start, |s| s.0);
        self.spans.insert(key, (first, end));
    }

    /// Takes in one in-order segment with a payload. A segment that does not
    /// start where the waiting PDU's bytes end (a gap: bytes never captured)
    /// drops that PDU, which can no longer be completed.
    pub fn segment(&mut self, s: SegmentIn<'_>) -> Outcome {
        if s.payload.is_empty() {
            return Outcome::Whole;
        }
        // Most segments find nothing waiting: no look-up then.
        let waiting = if self.pending.is_empty() { None } else { self.pending.remove(&s.key) };
        if let Some(p) = waiting {
            self.total -= p.bytes.len();
            if p.next_seq == s.seq {
                return self.resume(p, s);
            }
        }
        let Some((dissector, ctx)) = s.claimed else { return Outcome::Whole };
        // As tshark, a segment the capture cut short starts no reassembly: the
        // protocol shows what there is.
        if ctx.cut {
            return Outcome::Whole;
        }
        let (end, need) = cut(REGISTRY[usize::from(dissector)], s.payload, ctx);
        if end == s.payload.len() || need > MAX_FOLLOWED {
            return Outcome::Whole;
        }
        let rest = &s.payload[end..];
        let start = s.seq.wrapping_add(len32(end));
        let next_seq = s.seq.wrapping_add(len32(s.payload.len()));
        self.spans.remove(&s.key);
        self.span(s.key, start, next_seq);
        let p = if need > MAX_PDU {
            let until = Some(start.wrapping_add(len32(need)));
            Pending { dissector, ctx, next_seq, bytes: Vec::new(), segments: Vec::new(), until }
        } else {
            let segments = vec![(s.frame, rest.len())];
            Pending { dissector, ctx, next_seq, bytes: rest.to_vec(), segments, until: None }
        };
        self.keep(s.key, p);
        if end == 0 {
            Outcome::Segment
        } else {
            Outcome::Head(end)
        }
    }

    /// Adds a segment to the PDU waiting in its direction.
    fn resume(&mut self, mut p: Pending, s: SegmentIn<'_>) -> Outcome {
        if let Some(until) = p.until {
            // A PDU too long to keep: its segments are followed to its end; the
            // one that reaches past it stands as it is (the PDU's bytes are gone).
            let next_seq = s.seq.wrapping_add(len32(s.payload.len()));
            if until.wrapping_sub(next_seq) > i32::MAX as u32 {
                return Outcome::Whole;
            }
            p.next_seq = next_seq;
            self.span(s.key, s.seq, next_seq);
            self.keep(s.key, p);
            return Outcome::Continued;
        }
        p.bytes.extend_from_slice(s.payload);
        p.segments.push((s.frame, s.payload.len()));
        p.next_seq = s.seq.wrapping_add(len32(s.payload.len()));
        self.span(s.key, s.seq, p.next_seq);
        let end = whole_prefix(REGISTRY[usize::from(p.dissector)], &p.bytes, p.ctx);
        if end == 0 {
            self.keep(s.key, p);
            return Outcome::Continued;
        }
        let rest = p.bytes.split_off(end);
        if let Some(last) = p.segments.last_mut() {
            last.1 -= rest.len();
        }
        if !rest.is_empty() {
            let segments = vec![(s.frame, rest.len())];
            let next = Pending {
                dissector: p.dissector,
                ctx: p.ctx,
                next_seq: p.next_seq,
                bytes: rest,
                segments,
                until: None,
            };
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
pub fn whole_prefix(d: &dyn Dissector, bytes: &[u8], ctx: Ctx) -> usize {
    match cut(d, bytes, ctx) {
        (_, need) if need > MAX_PDU => bytes.len(),
        (at, _) => at,
    }
}

/// How many leading bytes of `bytes` are whole PDUs of `d` (all of them when
/// the protocol does not reassemble or bytes start no PDU it can measure), and
/// how many bytes the PDU cut short after them needs (0: none is).
fn cut(d: &dyn Dissector, bytes: &[u8], ctx: Ctx) -> (usize, usize) {
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let Some(need) = d.pdu_len_in(rest, ctx).filter(|&n| n > 0) else { return (bytes.len(), 0) };
        if need > rest.len() {
            return (at, need);
        }
        at += need;
    }
    (at, 0)
}

/// A payload length as a sequence-number distance.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::app::App;
    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::pipeline::{Facts, Pipeline};

    /// An Application Data record of 20 bytes (TLS 1.2, RFC 5246 §6.2).
    const APP_DATA: [u8; 25] = [
        0x17, 0x03, 0x03, 0x00, 0x14, 0x9c, 0x1e, 0x55, 0x02, 0x7a, 0x31, 0xd0, 0x4b, 0x88, 0x10, 0x6e, 0x2f, 0x01,
        0xc3, 0x5d, 0x77, 0x90, 0x0a, 0xe4, 0x3b,
    ];
    /// A fatal Unknown CA alert record, as tls-loopback.pcap sends it.
    const ALERT: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30];

    fn tls() -> u8 {
        let i = REGISTRY.iter().position(|d| d.name() == "tls").unwrap();
        u8::try_from(i).unwrap()
    }

    fn seg(frame: u32, seq: u32, payload: &[u8]) -> SegmentIn<'_> {
        SegmentIn { key: 7, frame, seq, payload, claimed: Some((tls(), Ctx::to(443))) }
    }

    #[test]
    fn whole_pdus_are_measured_one_after_another() {
        let tls = REGISTRY[usize::from(tls())];
        let mut two = APP_DATA.to_vec();
        two.extend_from_slice(&ALERT);
        assert_eq!(whole_prefix(tls, &two, Ctx::default()), 32);
        assert_eq!(whole_prefix(tls, &two[..31], Ctx::default()), 25);
        assert_eq!(whole_prefix(tls, &two[..27], Ctx::default()), 25);
        assert_eq!(whole_prefix(tls, &two[..24], Ctx::default()), 0);
        // Bytes that start no record are left as they are.
        assert_eq!(whole_prefix(tls, b"PWD\r\n", Ctx::default()), 5);
        // A protocol that does not reassemble: every segment is whole.
        let arp = REGISTRY.iter().find(|d| d.name() == "arp").unwrap();
        assert_eq!(whole_prefix(*arp, &APP_DATA[..3], Ctx::default()), 3);
    }

    #[test]
    fn a_record_over_three_segments_completes_with_the_last() {
        let mut r = Reassembler::new();
        assert_eq!(r.segment(seg(4, 1, &APP_DATA[..8])), Outcome::Segment);
        assert_eq!(r.segment(seg(5, 9, &APP_DATA[8..18])), Outcome::Continued);
        assert_eq!(r.waiting_bytes(), 18);
        let done = r.segment(seg(6, 19, &APP_DATA[18..]));
        assert_eq!(done, Outcome::Completed { dissector: tls(), ctx: Ctx::to(443) });
        assert_eq!(r.assembled().bytes, APP_DATA);
        assert_eq!(r.assembled().segments, [(4, 8), (5, 10), (6, 7)]);
        assert_eq!(r.waiting_bytes(), 0);
    }

    #[test]
    fn whole_records_then_one_that_starts_mid_segment() {
        // One segment: an alert, then the first 10 bytes of a record.
        let mut first = ALERT.to_vec();
        first.extend_from_slice(&APP_DATA[..10]);
        let mut r = Reassembler::new();
        assert_eq!(r.segment(seg(1, 1, &first)), Outcome::Head(7));
        // The next one ends that record and holds a whole alert and 3 bytes more.
        let mut second = APP_DATA[10..].to_vec();
        second.extend_from_slice(&ALERT);
        second.extend_from_slice(&APP_DATA[..3]);
        assert!(matches!(r.segment(seg(2, 18, &second)), Outcome::Completed { .. }));
        let mut both = APP_DATA.to_vec();
        both.extend_from_slice(&ALERT);
        assert_eq!(r.assembled().bytes, both);
        assert_eq!(r.assembled().segments, [(1, 10), (2, 22)]);
        // The 3 bytes wait for the rest of their record.
        assert_eq!(r.waiting_bytes(), 3);
        assert!(matches!(r.segment(seg(3, 43, &APP_DATA[3..])), Outcome::Completed { .. }));
        assert_eq!(r.assembled().segments, [(2, 3), (3, 22)]);
    }

    #[test]
    fn a_gap_drops_the_waiting_record() {
        let mut r = Reassembler::new();
        assert_eq!(r.segment(seg(1, 1, &APP_DATA[..8])), Outcome::Segment);
        // Bytes 9-18 were never captured: the next segment starts a record of its own.
        assert_eq!(r.segment(seg(2, 19, &ALERT)), Outcome::Whole);
        assert_eq!(r.waiting_bytes(), 0);
        // Unclaimed bytes that continue no record stay as they are.
        let s = SegmentIn { claimed: None, ..seg(3, 26, &APP_DATA[3..]) };
        assert_eq!(r.segment(s), Outcome::Whole);
    }

    #[test]
    fn waiting_bytes_stay_bounded() {
        let mut r = Reassembler::new();
        for key in 0..u64::try_from(MAX_DIRECTIONS).unwrap() + 10 {
            let s = SegmentIn { key, ..seg(1, 1, &APP_DATA[..8]) };
            assert_eq!(r.segment(s), Outcome::Segment);
        }
        assert!(r.pending.len() <= MAX_DIRECTIONS);
        assert_eq!(r.waiting_bytes(), r.pending.values().map(|p| p.bytes.len()).sum::<usize>());
        // The longest record a header can declare is within the bound: it waits.
        let huge = [0x17, 0x03, 0x03, 0xff, 0xff, 0x00];
        let s = SegmentIn { key: u64::MAX, ..seg(1, 1, &huge) };
        assert_eq!(r.segment(s), Outcome::Segment);
    }

    /// A protocol whose PDUs declare a 32-bit length in their first 4 bytes.
    struct Long;

    impl Dissector for Long {
        fn name(&self) -> &'static str {
            "long"
        }
        fn title(&self) -> &'static str {
            "Long"
        }
        fn column(&self, _pdu: &[u8]) -> &'static str {
            "LONG"
        }
        fn claims(&self) -> &'static [crate::sniff::dissect::dissector::Claim] {
            &[]
        }
        fn fields(&self) -> &'static [crate::sniff::dissect::dissector::FieldDecl] {
            &[]
        }
        fn pdu_len(&self, head: &[u8]) -> Option<usize> {
            let n = head.get(..4).map_or(4, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            usize::try_from(n).ok()
        }
        fn info(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut String) {}
        fn tree(&self, _pdu: &[u8], _ctx: Ctx, _offset: usize, _tree: &mut crate::sniff::tree::Tree) {}
        fn values<'p>(&self, _: &'p [u8], _: Ctx, _: usize, _: &mut Vec<crate::sniff::value::Value<'p>>) {}
    }

    #[test]
    fn a_pdu_longer_than_the_bound_or_of_no_length_is_not_reassembled() {
        let over = u32::try_from(MAX_PDU + 1).unwrap().to_be_bytes();
        assert_eq!(whole_prefix(&Long, &over, Ctx::default()), 4);
        let at_bound = u32::try_from(MAX_PDU).unwrap().to_be_bytes();
        assert_eq!(whole_prefix(&Long, &at_bound, Ctx::default()), 0);
        // A length of 0 would never advance: not measured.
        assert_eq!(whole_prefix(&Long, &[0, 0, 0, 0, 9], Ctx::default()), 5);
        assert_eq!(whole_prefix(&Long, &[0, 0, 0, 6, 9, 9, 0, 0], Ctx::default()), 6);
    }

    #[test]
    fn a_pdu_too_long_to_keep_is_followed_to_its_end() {
        // SSH during the key exchange, reading encrypted bytes as a packet
        // length (mptcp-v0.pcap frame 40): tshark waits for 0x5391fae8 bytes.
        use crate::sniff::dissect::ssh::conv::Conv;
        let ssh = u8::try_from(REGISTRY.iter().position(|d| d.name() == "ssh").unwrap()).unwrap();
        let d = REGISTRY[usize::from(ssh)];
        let st = d.learn_in(b"SSH-2.0-a\r\n", Ctx::to(22)).unwrap();
        let st = d.learn_in(b"SSH-2.0-b\r\n", Ctx { prior: Some(st), ..Ctx::from(22) }).unwrap();
        assert!(Conv(st).banner(false));
        let ctx = Ctx { prior: Some(st), ..Ctx::from(22) };
        let seg = |frame, seq, payload| SegmentIn { key: 3, frame, seq, payload, claimed: Some((ssh, ctx)) };
        let head = [0x53, 0x91, 0xfa, 0xe8, 0x5c, 0x83, 0xc8, 0xdb];
        let mut r = Reassembler::new();
        assert_eq!(r.segment(seg(40, 42, &head)), Outcome::Segment);
        assert_eq!(r.waiting_bytes(), 0, "its bytes are not kept");
        assert_eq!(r.segment(seg(42, 50, &[1; 48])), Outcome::Continued);
        assert!(r.spans(3, 42) && r.spans(3, 97) && !r.spans(3, 98) && !r.spans(4, 50));
        // A segment after a gap ends it, and starts a packet of its own.
        assert_eq!(r.segment(seg(44, 500, &[1; 48])), Outcome::Segment);
        assert!(!r.spans(3, 60) && r.spans(3, 500));
    }

    #[test]
    fn a_resent_segment_inside_a_gathered_pdu_is_spanned() {
        let mut r = Reassembler::new();
        assert_eq!(r.segment(seg(4, 1, &APP_DATA[..8])), Outcome::Segment);
        assert!(matches!(r.segment(seg(5, 9, &APP_DATA[8..])), Outcome::Completed { .. }));
        assert!(r.spans(7, 1) && r.spans(7, 20) && !r.spans(7, 26));
    }

    /// Ethernet + IPv4 + TCP 40000 → 443 [PSH, ACK] with raw sequence number `seq`.
    fn frame(seq: u32, payload: &[u8]) -> Vec<u8> {
        let mut f = crate::sniff::dissect::testing::segment((40000, 443), payload);
        f[38..42].copy_from_slice(&seq.to_be_bytes());
        f
    }

    /// The Protocol and Info columns of each frame, through the pipeline.
    fn columns(frames: &[Vec<u8>]) -> Vec<(String, String, bool)> {
        let mut pipe = Pipeline::new(LinkType::Ethernet, Facts::default());
        let mut out = Vec::new();
        for (n, data) in frames.iter().enumerate() {
            let time = i64::try_from(n).unwrap() * 1000;
            let f = Frame { time, len: u32::try_from(data.len()).unwrap(), data, origin: None };
            let p = pipe.process(&f);
            let mut info = Vec::new();
            crate::sniff::render::list::info(&mut info, &p).unwrap();
            let segment = matches!(p.app, App::Segment(None) | App::Continued);
            let proto = crate::sniff::render::list::protocol(&p).to_string();
            out.push((proto, String::from_utf8(info).unwrap(), segment));
        }
        out
    }

    #[test]
    fn the_pipeline_shows_a_split_record_with_its_last_segment() {
        let mut third = APP_DATA[18..].to_vec();
        third.extend_from_slice(&ALERT);
        let frames = [frame(100, &APP_DATA[..8]), frame(108, &APP_DATA[8..18]), frame(118, &third)];
        let cols = columns(&frames);
        assert_eq!(cols[0].0, "TCP");
        assert!(cols[0].1.contains(" Len=8 "), "{}", cols[0].1);
        assert!(cols[0].1.ends_with(" [TCP segment of a reassembled PDU]"), "{}", cols[0].1);
        assert!(cols[1].2 && cols[1].1.ends_with("[TCP segment of a reassembled PDU]"));
        assert_eq!(
            cols[2],
            ("TLSv1.2".into(), "Application Data, Alert (Level: Fatal, Description: Unknown CA)".into(), false)
        );
        // -V: the segments the record came from, and the record from their bytes.
        let tree = crate::sniff::dissect::testing::tree_of_link(
            LinkType::Ethernet,
            &[&frames[0], &frames[1], &frames[2]],
            0,
            1000,
        );
        let t = |name| crate::sniff::dissect::testing::occurrences(&tree, name);
        assert_eq!(t("tcp.segment").iter().map(|o| o.0.as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
        assert_eq!(t("tcp.reassembled.length")[0].0, "32");
        assert_eq!(t("tls.record.length").iter().map(|o| o.0.as_str()).collect::<Vec<_>>(), ["20", "2"]);
    }
}
