//! Per-segment sequence analysis: Wireshark's `tcp_analyze_sequence_number`
//! reimplemented on [`Flow`] state. The order of the checks and their early exits
//! decide which flags win, so they follow packet-tcp.c step by step.

use super::flow::{seq_gt, seq_le, seq_lt, Flow, Unacked, GAP_REPORTED, MAX_UNACKED};
use super::{analysis as a, flags as f, Nanos, Segment};

/// A fast retransmission follows the last duplicate ACK within this time.
const FAST_RETRANSMISSION_WINDOW: Nanos = 20_000_000;
/// Out-of-order threshold when no initial RTT is known.
const OUT_OF_ORDER_DEFAULT: Nanos = 3_000_000;
/// Bytes in flight at or above this are treated as nonsense and not shown.
const BIF_LIMIT: u32 = 2_000_000_000;

/// What the analysis concluded about one segment (Wireshark's `tcp_acked`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Verdict {
    /// Whether Wireshark created the per-segment analysis record (the
    /// `tcp.analysis` subtree is shown only then).
    pub has_ta: bool,
    /// Analysis flag bits.
    pub flags: u32,
    /// Duplicate ACK number.
    pub dup_num: u32,
    /// Frame the duplicate ACK repeats.
    pub dup_frame: u32,
    /// Frame this segment acknowledges.
    pub acks_frame: u32,
    /// Time since that frame.
    pub ack_rtt: Nanos,
    /// Bytes in flight after this segment.
    pub bytes_in_flight: u32,
    /// Bytes sent since the last PSH.
    pub push_bytes_sent: u32,
    /// A retransmission's RTO: time since the oldest segment not yet
    /// acknowledged was sent (else since the frame that reached `nextseq`).
    pub rto: Nanos,
    /// That segment's frame.
    pub rto_frame: u32,
}

impl Verdict {
    /// Sets analysis flag bits (creating the record).
    fn set(&mut self, bits: u32) {
        self.has_ta = true;
        self.flags |= bits;
    }
}

/// Elapsed time `now - then` as Wireshark's unsigned arithmetic sees it: a
/// negative difference (clock going backwards) becomes huge, never "recent".
fn elapsed(now: Nanos, then: Nanos) -> u64 {
    now.wrapping_sub(then) as u64
}

/// Runs the analysis of `seg`, sent in direction `d` (index into `flows`), and
/// updates both directions' state. `irtt` is the stream's initial RTT (0: unknown).
pub fn analyze(flows: &mut [Flow; 2], d: usize, seg: &Segment, irtt: Nanos, v: &mut Verdict) {
    let (fwd, rev) = split(flows, d);
    set_bases(fwd, rev, seg);
    if seg.flags & f::ACK != 0 {
        rev.valid_bif = true;
    }
    check_forward(fwd, rev, seg, v);
    check_ack_lost(rev, seg, v);
    check_retransmission(fwd, rev, seg, irtt, v);
    record_segment(fwd, seg, v);
    process_ack(rev, seg, v);
    bytes_in_flight(fwd, rev, seg, v);
}

/// The sender's and the receiver's flow.
fn split(flows: &mut [Flow; 2], d: usize) -> (&mut Flow, &mut Flow) {
    let (first, second) = flows.split_at_mut(1);
    if d == 0 {
        (&mut first[0], &mut second[0])
    } else {
        (&mut second[0], &mut first[0])
    }
}

/// Base sequence numbers: the SYN's seq, else one before the first seq seen; the
/// peer's base from the first ACK number seen, minus one.
fn set_bases(fwd: &mut Flow, rev: &mut Flow, seg: &Segment) {
    if !fwd.base_set {
        fwd.base_seq = if seg.flags & f::SYN != 0 { seg.seq } else { seg.seq.wrapping_sub(1) };
        fwd.base_set = true;
    }
    if !rev.base_set && seg.flags & f::ACK != 0 {
        rev.base_seq = seg.ack.wrapping_sub(1);
        rev.base_set = true;
    }
}

/// Zero window (probe), lost segment, keep-alive, window update/full, keep-alive
/// and zero-window-probe ACKs, duplicate ACKs; then the dup-ACK bookkeeping.
fn check_forward(fwd: &mut Flow, rev: &Flow, seg: &Segment, v: &mut Verdict) {
    let len = seg.payload_len;
    let window = u32::from(seg.window);
    let no_sfr = seg.flags & (f::SYN | f::FIN | f::RST) == 0;
    let same_point = seg.seq == fwd.nextseq && seg.ack == fwd.lastack;
    'checks: {
        if len == 1 && seg.seq == fwd.nextseq && rev.window == 0 {
            v.set(a::ZERO_WINDOW_PROBE);
            break 'checks;
        }
        if window == 0 && seg.flags & (f::RST | f::FIN | f::SYN) == 0 {
            v.set(a::ZERO_WINDOW);
        }
        if fwd.nextseq != 0 && seq_gt(seg.seq, fwd.nextseq) && seg.flags & f::RST == 0 {
            v.set(a::LOST_SEGMENT);
            fwd.valid_bif = false;
        }
        if len <= 1 && seg.seq == fwd.nextseq.wrapping_sub(1) && no_sfr {
            v.set(a::KEEP_ALIVE);
        }
        if len == 0 && window != 0 && window != fwd.window && same_point && no_sfr {
            v.set(a::WINDOW_UPDATE);
        }
        if len > 0 && rev.win_scale != -1 && no_sfr {
            let shift = if rev.is_first_ack || rev.win_scale < 0 { 0 } else { rev.win_scale as u32 };
            let edge = rev.lastack.wrapping_add(rev.window << shift);
            if seg.seq.wrapping_add(len) == edge {
                v.set(a::WINDOW_FULL);
            }
        }
        let repeats = len == 0 && window == fwd.window && same_point && no_sfr;
        if repeats && window != 0 && rev.lastsegmentflags & a::KEEP_ALIVE != 0 {
            v.set(a::KEEP_ALIVE_ACK);
            break 'checks;
        }
        if repeats && window == 0 && rev.lastsegmentflags & a::ZERO_WINDOW_PROBE != 0 {
            v.set(a::ZERO_WINDOW_PROBE_ACK);
            break 'checks;
        }
        if repeats && window != 0 {
            // A reported gap restarts the count at 1.
            fwd.dupacknum = if fwd.dupacknum == GAP_REPORTED { 1 } else { fwd.dupacknum + 1 };
            v.set(a::DUPLICATE_ACK);
            v.dup_num = fwd.dupacknum;
            v.dup_frame = fwd.lastnondupack;
        }
    }
    if seg.ack != fwd.lastack {
        fwd.lastnondupack = seg.frame;
        fwd.dupacknum = 0;
    }
}

/// ACKed unseen segment: the ACK goes beyond the peer's highest contiguous
/// sequence number. If the peer has sent past a hole since, the limit moves up to
/// what was sent; otherwise the peer's duplicate-ACK counter, set to
/// [`GAP_REPORTED`], keeps further ACKs of the same gap quiet until the peer's own
/// ACK number changes. (This is what tshark 4.0 does.)
fn check_ack_lost(rev: &mut Flow, seg: &Segment, v: &mut Verdict) {
    if rev.maxseqtobeacked == 0 || !seq_gt(seg.ack, rev.maxseqtobeacked) || seg.flags & f::ACK == 0 {
        return;
    }
    v.has_ta = true;
    if seq_lt(rev.maxseqtobeacked, rev.nextseq) {
        rev.maxseqtobeacked = rev.nextseq;
        v.set(a::ACK_LOST_SEGMENT);
    } else {
        if rev.dupacknum == 0 {
            v.set(a::ACK_LOST_SEGMENT);
        }
        rev.dupacknum = GAP_REPORTED;
    }
}

/// Retransmission, spurious/fast retransmission and out-of-order, for segments
/// that carry data, SYN or FIN.
fn check_retransmission(fwd: &Flow, rev: &Flow, seg: &Segment, irtt: Nanos, v: &mut Verdict) {
    let len = seg.payload_len;
    let syn_fin = seg.flags & (f::SYN | f::FIN) != 0;
    if (len == 0 && !syn_fin) || v.flags & a::KEEP_ALIVE != 0 {
        return;
    }
    let mut not_advanced = fwd.nextseq != 0 && seq_lt(seg.seq, fwd.nextseq);
    // New data starting one byte early (after a zero-window probe) is not a retransmission.
    if len > 1 && fwd.nextseq.wrapping_sub(1) == seg.seq {
        not_advanced = false;
    }
    let end = seg.seq.wrapping_add(len);
    if len > 0 && rev.lastack != 0 && seq_le(end, rev.lastack) {
        v.set(a::SPURIOUS_RETRANSMISSION);
        return;
    }
    if not_advanced
        && rev.dupacknum >= 2
        && rev.lastack == seg.seq
        && elapsed(seg.time, rev.lastack_time) < FAST_RETRANSMISSION_WINDOW as u64
    {
        v.set(a::FAST_RETRANSMISSION);
        return;
    }
    let threshold = if irtt == 0 { OUT_OF_ORDER_DEFAULT } else { irtt };
    if not_advanced
        && elapsed(seg.time, fwd.nextseq_time) < threshold as u64
        && fwd.nextseq != end.wrapping_add(u32::from(syn_fin))
    {
        v.set(a::OUT_OF_ORDER);
        return;
    }
    if not_advanced {
        v.set(a::RETRANSMISSION);
        // From the oldest segment not yet acknowledged; with none (a SYN-ACK
        // sent again after its ACK), from the frame that reached `nextseq`.
        let (frame, time) = fwd.segments.first().map_or((fwd.nextseq_frame, fwd.nextseq_time), |u| (u.frame, u.time));
        v.rto = seg.time - time;
        v.rto_frame = frame;
    }
}

/// Remembers the segment as unacknowledged and advances `nextseq` and
/// `maxseqtobeacked`, the last ACK and window of this direction.
fn record_segment(fwd: &mut Flow, seg: &Segment, v: &Verdict) {
    let syn_fin = seg.flags & (f::SYN | f::FIN) != 0;
    let mut nextseq = seg.seq.wrapping_add(seg.payload_len);
    if (seg.payload_len > 0 || syn_fin) && fwd.segments.len() < MAX_UNACKED {
        if syn_fin {
            nextseq = nextseq.wrapping_add(1);
        }
        fwd.segments.push(Unacked { frame: seg.frame, seq: seg.seq, nextseq, time: seg.time });
    }
    let probe = v.flags & a::ZERO_WINDOW_PROBE != 0;
    if (seq_gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe {
        fwd.nextseq = nextseq;
        fwd.nextseq_frame = seg.frame;
        fwd.nextseq_time = seg.time;
    }
    if (seg.seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = u32::from(seg.window);
    fwd.lastack = seg.ack;
    fwd.lastack_time = seg.time;
    fwd.lastsegmentflags = v.flags;
}

/// Drops the peer's segments this ACK covers and notes the one it matches exactly
/// (the oldest such, as Wireshark walks its list newest first).
fn process_ack(rev: &mut Flow, seg: &Segment, v: &mut Verdict) {
    let ack = seg.ack;
    let mut matched: Option<(u32, Nanos)> = None;
    rev.segments.retain_mut(|u| {
        if ack == u.nextseq {
            matched.get_or_insert((u.frame, u.time));
            false
        } else if seq_gt(ack, u.seq) && seq_le(ack, u.nextseq) {
            u.seq = ack;
            true
        } else {
            seq_gt(u.nextseq, ack)
        }
    });
    if let Some((frame, time)) = matched {
        v.has_ta = true;
        v.acks_frame = frame;
        v.ack_rtt = seg.time - time;
    }
}

/// Bytes in flight (from the sender's unacknowledged segments, less the peer's
/// SACKed blocks) and bytes since the last PSH, for segments carrying data.
fn bytes_in_flight(fwd: &mut Flow, rev: &Flow, seg: &Segment, v: &mut Verdict) {
    let len = seg.payload_len;
    let Some(newest) = fwd.segments.last() else { return };
    if len == 0 || !fwd.valid_bif {
        return;
    }
    let base = fwd.base_seq;
    let mut first = newest.seq.wrapping_sub(base);
    let mut last = newest.nextseq.wrapping_sub(base);
    for u in fwd.segments.iter().rev() {
        last = last.max(u.nextseq.wrapping_sub(base));
        first = first.min(u.seq.wrapping_sub(base));
    }
    let mut in_flight = last.wrapping_sub(first);
    for &(left, right) in &rev.sack[..usize::from(rev.sack_count)] {
        in_flight = in_flight.wrapping_sub(right.wrapping_sub(left));
    }
    if in_flight > 0 && in_flight < BIF_LIMIT {
        v.bytes_in_flight = in_flight - u32::from(seg.flags & (f::SYN | f::FIN) != 0);
    }
    let push = seg.flags & f::PSH != 0;
    if push && !fwd.push_set_last {
        fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(len);
    } else if push || fwd.push_set_last {
        fwd.push_bytes_sent = len;
    } else {
        fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(len);
    }
    fwd.push_set_last = push;
    v.has_ta = true;
    v.push_bytes_sent = fwd.push_bytes_sent;
}
