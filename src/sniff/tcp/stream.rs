//! Conversation-level rules of one stream: roles, relative numbers, window
//! scaling (RFC 7323 §2), conversation completeness and the initial RTT, in the
//! order Wireshark's `dissect_tcp` applies them.

use super::flow::{Flow, MAX_SACK, MAX_SHIFT, SCALE_NONE, SCALE_UNKNOWN};
use super::seq_analysis::{self, Verdict};
use super::{completeness as c, flags as f, Closing, Direction, Endpoint, Segment, SegmentInfo, Stream};

impl Stream {
    /// A stream whose first segment is `seg`.
    pub(super) fn new(index: u32, seg: &Segment) -> Stream {
        Stream {
            index,
            client: seg.src,
            server: seg.dst,
            completeness: 0,
            completeness_late: 0,
            first_frame: seg.frame,
            last_frame: seg.frame,
            first_time: seg.time,
            isn: [None, None],
            wscale: [None, None],
            irtt: None,
            flows: [Flow::new(), Flow::new()],
            roles_fixed: false,
            prev_time: seg.time,
            mru_syn: 0,
            tfo_syn_data: false,
            first_rebase: [0, 0],
        }
    }

    /// Index of the direction `src` sends in: 0 client, 1 server.
    pub(super) fn side(&self, src: Endpoint) -> usize {
        usize::from(src != self.client)
    }

    /// The sender's flow state (for the tracker's port-reuse checks).
    pub(super) fn flow_mut(&mut self, src: Endpoint) -> &mut Flow {
        let d = self.side(src);
        &mut self.flows[d]
    }

    /// Remembers that `seg` (a SYN-ACK) moved its direction's base sequence number.
    pub(super) fn note_rebase(&mut self, seg: &Segment) {
        let d = self.side(seg.src);
        if self.first_rebase[d] == 0 {
            self.first_rebase[d] = seg.frame;
        }
    }

    /// Frees the per-direction lists of a stream that will see no more segments.
    pub(super) fn release(&mut self) {
        for flow in &mut self.flows {
            if flow.segments.capacity() != 0 {
                flow.segments = Vec::new();
            }
        }
    }

    /// Returns the unacked lists' memory once the connection is over: after a RST,
    /// or once both directions sent a FIN and nothing is left unacknowledged.
    /// (A late retransmission just allocates again.)
    fn trim_when_closed(&mut self, seg: &Segment, d: usize) {
        if seg.flags & f::FIN != 0 {
            self.flows[d].fin_sent = true;
        }
        let both_fin = self.flows[0].fin_sent && self.flows[1].fin_sent;
        let drained = self.flows.iter().all(|flow| flow.segments.is_empty());
        if (seg.flags & f::RST != 0 || both_fin) && drained {
            self.release();
        }
    }

    /// The first SYN (or SYN-ACK) names the client, even if other segments came first.
    fn fix_roles(&mut self, seg: &Segment) {
        let kind = seg.flags & (f::SYN | f::ACK);
        if self.roles_fixed || kind & f::SYN == 0 {
            return;
        }
        self.roles_fixed = true;
        let from_server = self.side(seg.src) == 1;
        if (kind == f::SYN) == from_server {
            std::mem::swap(&mut self.client, &mut self.server);
            self.flows.swap(0, 1);
            self.isn.swap(0, 1);
            self.wscale.swap(0, 1);
        }
    }

    /// Tracks one segment of this stream. `is_new`: the segment created the stream
    /// (Wireshark's `conversation_is_new`); `v`: flags already decided (reused ports).
    pub(super) fn track(&mut self, seg: &Segment, is_new: bool, mut v: Verdict) -> SegmentInfo {
        self.last_frame = seg.frame;
        self.fix_roles(seg);
        let d = self.side(seg.src);
        let time_delta = seg.time - self.prev_time;
        self.prev_time = seg.time;
        seq_analysis::analyze(&mut self.flows, d, seg, self.irtt.unwrap_or(0), &mut v);
        let syn_fin = u32::from(seg.flags & f::SYN != 0) + u32::from(seg.flags & f::FIN != 0);
        let seq = seg.seq.wrapping_sub(self.flows[d].base_seq);
        let ack = if seg.flags & f::ACK != 0 { seg.ack.wrapping_sub(self.flows[1 - d].base_seq) } else { seg.ack };
        self.update_completeness(seg, is_new);
        self.apply_options(seg, d);
        self.handshake_timing(seg, d);
        self.trim_when_closed(seg, d);
        let closing = self.closing(seg, d);
        let syn = seg.flags & f::SYN != 0;
        let syn_ack = seg.flags & (f::SYN | f::ACK) == f::SYN | f::ACK;
        if syn && !syn_ack && seg.options.tfo_cookie && seg.payload_len > 0 {
            self.tfo_syn_data = true;
        }
        let fwd = &self.flows[d];
        SegmentInfo {
            stream: self.index,
            direction: Some(if d == 0 { Direction::ClientToServer } else { Direction::ServerToClient }),
            seq,
            ack,
            nxtseq: seq.wrapping_add(seg.payload_len).wrapping_add(u32::from(syn_fin != 0)),
            window_size: if syn { i64::from(seg.window) } else { fwd.scaled(seg.window) },
            scalefactor: fwd.scalefactor(),
            has_scalefactor: !syn,
            has_analysis: v.has_ta,
            bytes_in_flight: v.bytes_in_flight,
            push_bytes_sent: v.push_bytes_sent,
            analysis: v.flags,
            dup_ack_num: v.dup_num,
            dup_ack_frame: v.dup_frame,
            acks_frame: v.acks_frame,
            ack_rtt: v.ack_rtt,
            rto: v.rto,
            rto_frame: v.rto_frame,
            irtt: self.irtt.unwrap_or(0),
            time_relative: seg.time - self.first_time,
            time_delta,
            closing,
            tfo_syn_data: syn_ack && self.tfo_syn_data,
        }
    }

    /// The part of a FIN sent in direction `d` in closing the connection.
    fn closing(&mut self, seg: &Segment, d: usize) -> Option<Closing> {
        if seg.flags & f::FIN == 0 {
            return None;
        }
        if self.flows[1 - d].closing_initiator {
            return Some(Closing::Passive);
        }
        self.flows[d].closing_initiator = true;
        Some(Closing::Active)
    }

    /// Tracks an ICMP-quoted header of this stream: no sequence analysis and raw
    /// numbers, but completeness, options, SYN time and stream timing as usual.
    pub(super) fn track_quoted(&mut self, seg: &Segment, is_new: bool) -> SegmentInfo {
        self.last_frame = seg.frame;
        self.fix_roles(seg);
        let d = self.side(seg.src);
        let time_delta = seg.time - self.prev_time;
        self.prev_time = seg.time;
        self.update_completeness(&Segment { payload_len: 0, ..*seg }, is_new);
        self.apply_options(seg, d);
        self.handshake_timing(seg, d);
        let syn = seg.flags & f::SYN != 0;
        SegmentInfo {
            stream: self.index,
            direction: Some(if d == 0 { Direction::ClientToServer } else { Direction::ServerToClient }),
            seq: seg.seq,
            ack: seg.ack,
            nxtseq: seg.seq,
            window_size: i64::from(seg.window),
            scalefactor: self.flows[d].scalefactor(),
            has_scalefactor: !syn,
            irtt: self.irtt.unwrap_or(0),
            time_relative: seg.time - self.first_time,
            time_delta,
            ..SegmentInfo::default()
        }
    }

    /// Completeness as Wireshark 4.0 accumulates it: a pure SYN counts only in a
    /// conversation it creates; every later segment adds SYN-ACK, ACK or DATA (for
    /// segments with ACK and without SYN), FIN (with ACK) and RST.
    fn update_completeness(&mut self, seg: &Segment, is_new: bool) {
        let later = later_completeness(seg);
        if !is_new {
            self.completeness |= later;
            return;
        }
        self.completeness_late = later;
        if seg.flags & (f::SYN | f::ACK) == f::SYN {
            self.completeness |= c::SYN;
            if seg.payload_len > 0 {
                self.completeness |= c::DATA;
            }
        }
    }

    /// Window scale and SACK options, then the SYN-time window-scale check
    /// (Wireshark's `verify_tcp_window_scaling`).
    fn apply_options(&mut self, seg: &Segment, d: usize) {
        let opts = &seg.options;
        let syn = seg.flags & f::SYN != 0;
        let fwd = &mut self.flows[d];
        if let Some(ws) = opts.wscale {
            fwd.win_scale = ws.min(MAX_SHIFT) as i8;
        }
        let count = usize::from(opts.sack_count).min(MAX_SACK);
        fwd.sack[..count].copy_from_slice(&opts.sack[..count]);
        fwd.sack_count = count as u8;
        if !syn {
            return;
        }
        self.isn[d] = Some(seg.seq);
        self.wscale[d] = opts.wscale;
        let synack = seg.flags & f::ACK != 0;
        if self.flows[d].win_scale == SCALE_UNKNOWN {
            self.flows[d].win_scale = SCALE_NONE;
            self.flows[1 - d].win_scale = SCALE_NONE;
        } else if synack && self.flows[1 - d].win_scale == SCALE_NONE {
            self.flows[d].win_scale = SCALE_NONE;
        }
    }

    /// SYN time, initial RTT (SYN to the first pure ACK after it), first-ACK flag.
    fn handshake_timing(&mut self, seg: &Segment, d: usize) {
        let kind = seg.flags & (f::SYN | f::ACK);
        if kind & f::SYN != 0 {
            self.flows[d].is_first_ack = true;
            if kind == f::SYN {
                self.mru_syn = seg.time;
            }
        }
        if kind == f::ACK {
            // Wireshark stores times as values where 0 means "not set".
            if self.mru_syn != 0 && self.irtt.unwrap_or(0) == 0 {
                self.irtt = Some(seg.time - self.mru_syn);
            }
            self.flows[d].is_first_ack = false;
        }
    }
}

/// Completeness bits a segment adds to a stream it did not create: SYN-ACK; ACK
/// (no payload) or DATA for segments with ACK and without SYN; FIN with ACK; RST.
fn later_completeness(seg: &Segment) -> u8 {
    let kind = seg.flags & (f::SYN | f::ACK);
    let mut bits = 0;
    if kind == f::SYN | f::ACK {
        bits |= c::SYN_ACK;
    }
    if kind == f::ACK {
        bits |= if seg.payload_len > 0 { c::DATA } else { c::ACK };
    }
    if seg.flags & (f::FIN | f::ACK) == f::FIN | f::ACK {
        bits |= c::FIN;
    }
    if seg.flags & f::RST != 0 {
        bits |= c::RST;
    }
    bits
}
