//! What the end of a capture settles about a stream: the few final values that
//! `tshark -2` prints on every segment (window scale, iRTT, completeness, the
//! base sequence numbers a late SYN-ACK moved), kept apart from the tracker's
//! working state so that a first pass hands the second one about 56 bytes per
//! stream instead of the whole [`Stream`].

use super::flow::{self, Flow};
use super::{flags as f, Direction, Endpoint, Nanos, Segment, SegmentInfo, Stream};

/// A stream's final first-pass values, as [`Stream::settled`] copies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settled {
    /// The side that opened the connection (sent the first SYN), or the first sender.
    pub client: Endpoint,
    /// [`Stream::completeness`].
    completeness: u8,
    /// [`Stream::completeness_late`].
    completeness_late: u8,
    /// Window scale shift per direction (client, server), or `SCALE_UNKNOWN` / `SCALE_NONE`.
    win_scale: [i8; 2],
    /// The stream's first frame.
    first_frame: u32,
    /// The stream's last frame: after it, a second pass may free the stream
    /// ([`super::Tracker::retire`]).
    pub last_frame: u32,
    /// Base sequence number per direction.
    base_seq: [u32; 2],
    /// Per direction, the first frame whose SYN-ACK moved the base (0: none).
    first_rebase: [u32; 2],
    /// Initial RTT (0 when none).
    irtt: Nanos,
}

impl Stream {
    /// The values of this stream that `tshark -2` shows on all its segments.
    pub fn settled(&self) -> Settled {
        let flows = &self.flows;
        Settled {
            client: self.client,
            completeness: self.completeness,
            completeness_late: self.completeness_late,
            win_scale: [flows[0].win_scale, flows[1].win_scale],
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            base_seq: [flows[0].base_seq, flows[1].base_seq],
            first_rebase: self.first_rebase,
            irtt: self.irtt.unwrap_or(0),
        }
    }

    /// Whether the connection is over: the roles are known, both sides sent a
    /// FIN and nothing is left unacknowledged. A parking tracker then keeps
    /// only [`Parked`] (about a third of the state) until a late segment comes.
    pub(super) fn closed(&self) -> bool {
        self.roles_fixed && self.flows.iter().all(|flow| flow.fin_sent && flow.segments.is_empty())
    }

    /// What a closed stream keeps.
    pub(super) fn park(&self) -> Parked {
        let flows = &self.flows;
        Parked {
            settled: self.settled(),
            server: self.server,
            first_time: self.first_time,
            prev_time: self.prev_time,
            mru_syn: self.mru_syn,
            nextseq: [flows[0].nextseq, flows[1].nextseq],
            lastack: [flows[0].lastack, flows[1].lastack],
            window: [flows[0].window, flows[1].window],
            closing_initiator: [flows[0].closing_initiator, flows[1].closing_initiator],
        }
    }

    /// The stream again, for a segment that comes after it was parked: what
    /// [`Settled`] holds and the sequence numbers where each side stopped, so
    /// that the segment is tracked, and the stream settles, as with the whole
    /// state (a late retransmission of the close, in practice).
    pub(super) fn revive(index: u32, p: &Parked) -> Stream {
        let s = &p.settled;
        let flow = |d: usize| Flow {
            base_seq: s.base_seq[d],
            base_set: true,
            win_scale: s.win_scale[d],
            nextseq: p.nextseq[d],
            maxseqtobeacked: p.nextseq[d],
            lastack: p.lastack[d],
            window: p.window[d],
            fin_sent: true,
            closing_initiator: p.closing_initiator[d],
            ..Flow::new()
        };
        Stream {
            index,
            client: s.client,
            server: p.server,
            completeness: s.completeness,
            completeness_late: s.completeness_late,
            first_frame: s.first_frame,
            last_frame: s.last_frame,
            first_time: p.first_time,
            isn: [None, None],
            wscale: [None, None],
            irtt: (s.irtt != 0).then_some(s.irtt),
            flows: [flow(0), flow(1)],
            roles_fixed: true,
            prev_time: p.prev_time,
            mru_syn: p.mru_syn,
            tfo_syn_data: false,
            first_rebase: s.first_rebase,
        }
    }
}

/// A closed stream: its [`Settled`] values and the little a late segment
/// needs to be tracked as before ([`Stream::revive`]).
#[derive(Clone, Debug)]
pub struct Parked {
    /// What the second pass will show.
    pub settled: Settled,
    server: Endpoint,
    first_time: Nanos,
    prev_time: Nanos,
    mru_syn: Nanos,
    nextseq: [u32; 2],
    lastack: [u32; 2],
    window: [u32; 2],
    closing_initiator: [bool; 2],
}

impl Parked {
    /// The client and the server.
    pub fn ends(&self) -> (Endpoint, Endpoint) {
        (self.settled.client, self.server)
    }
}

impl Settled {
    /// Index of the direction `src` sends in: 0 client, 1 server.
    fn side(&self, src: Endpoint) -> usize {
        usize::from(src != self.client)
    }

    /// `tcp.completeness` as `tshark -2` prints it on frame `frame` of this stream,
    /// once the whole capture went through the tracker. tshark shows the value
    /// before dissecting the frame, on its second pass, where the first frame is no
    /// longer "new": its bits ([`Stream::completeness_late`]) join from the next frame.
    pub fn completeness_shown(&self, frame: u32) -> u8 {
        if frame > self.first_frame {
            self.completeness | self.completeness_late
        } else {
            self.completeness
        }
    }

    /// `tcp.window_size` and `tcp.window_size_scalefactor` of a segment as
    /// `tshark -2` prints them: with the direction's final window scale. Returns the
    /// calculated window and the scale factor (`None` on SYNs, where tshark omits it).
    pub fn final_window(&self, direction: Direction, seg_flags: u16, raw_window: u16) -> (i64, Option<i32>) {
        if seg_flags & f::SYN != 0 {
            return (i64::from(raw_window), None);
        }
        let shift = self.window_shift(direction);
        (flow::scaled(shift, raw_window), Some(flow::scalefactor(shift)))
    }

    /// Window scale state of a direction: the shift (0..=14), -1 unknown, -2 unused.
    pub fn window_shift(&self, direction: Direction) -> i8 {
        self.win_scale[usize::from(direction == Direction::ServerToClient)]
    }

    /// What `tshark -2` shows for a segment of this stream, given what the tracker
    /// answered for it (`info`), once the capture went through the tracker: the
    /// window with the direction's final scale, `initial_rtt` with the final iRTT
    /// (0 when none or when the segment has no analysis tree), and sequence and
    /// acknowledgment numbers relative to the final base for segments before a
    /// SYN-ACK moved that base. `tcp.completeness` is [`Settled::completeness_shown`].
    pub fn second_pass(&self, seg: &Segment, info: &SegmentInfo) -> SegmentInfo {
        let d = self.side(seg.src);
        let mut shown = *info;
        let direction = if d == 0 { Direction::ClientToServer } else { Direction::ServerToClient };
        let (window, factor) = self.final_window(direction, seg.flags, seg.window);
        shown.window_size = window;
        shown.scalefactor = factor.unwrap_or(shown.scalefactor);
        shown.irtt = if info.has_analysis { self.irtt } else { 0 };
        if self.before_rebase(d, seg.frame) {
            shown.seq = seg.seq.wrapping_sub(self.base_seq[d]);
            shown.nxtseq = shown.seq.wrapping_add(info.nxtseq.wrapping_sub(info.seq));
        }
        if seg.flags & f::ACK != 0 && self.before_rebase(1 - d, seg.frame) {
            shown.ack = seg.ack.wrapping_sub(self.base_seq[1 - d]);
        }
        shown
    }

    /// Whether `frame` comes before the first rebase of direction `d`.
    fn before_rebase(&self, d: usize, frame: u32) -> bool {
        self.first_rebase[d] != 0 && frame < self.first_rebase[d]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_settled_stream_is_small() {
        assert!(std::mem::size_of::<super::Settled>() <= 56);
    }
}
