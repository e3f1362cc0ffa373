//! One direction of a TCP conversation: what Wireshark keeps per flow
//! (`tcp_flow_t` and `tcp_analyze_seq_flow_info_t` in packet-tcp.c).
//!
//! Sequence numbers here are raw (as on the wire); comparisons are modulo 2^32
//! (RFC 9293 §3.4, "sequence number comparisons").

use super::Nanos;

/// Most unacknowledged segments remembered per direction (Wireshark's
/// `TCP_MAX_UNACKED_SEGMENTS`): segments beyond it are not tracked for ACK matching.
pub const MAX_UNACKED: usize = 1000;

/// Most SACK blocks remembered from the last segment of a direction.
pub const MAX_SACK: usize = 4;

/// Window scale not known yet (no SYN with the option seen).
pub const SCALE_UNKNOWN: i8 = -1;
/// Window scaling is not in use on this connection.
pub const SCALE_NONE: i8 = -2;
/// Largest shift RFC 7323 §2.3 allows; larger announced values are capped.
pub const MAX_SHIFT: u8 = 14;

/// Duplicate-ACK counter value meaning "a gap was reported" (Wireshark stores -1
/// in an unsigned counter, so it also passes the fast-retransmission `>= 2` test).
pub const GAP_REPORTED: u32 = u32::MAX;

/// `a` comes after `b` in sequence space.
pub fn seq_gt(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}

/// `a` comes before `b` in sequence space.
pub fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a` comes before or equals `b` in sequence space.
pub fn seq_le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// A segment sent but not yet acknowledged (Wireshark's `tcp_unacked_t`).
#[derive(Clone, Copy, Debug)]
pub struct Unacked {
    /// Frame that carried it.
    pub frame: u32,
    /// First sequence number not yet acknowledged.
    pub seq: u32,
    /// Sequence number after it (SYN and FIN count one).
    pub nextseq: u32,
    /// When it was sent.
    pub time: Nanos,
}

/// Per-direction state. Zero in `nextseq`, `lastack` and `maxseqtobeacked` means
/// "not seen yet", exactly as in Wireshark (which cannot tell a real 0 apart).
#[derive(Clone, Debug)]
pub struct Flow {
    /// Base for relative sequence numbers (ISN, or first seq - 1 without a SYN).
    pub base_seq: u32,
    /// Whether `base_seq` is set.
    pub base_set: bool,
    /// Window scale: shift (0..=14), [`SCALE_UNKNOWN`] or [`SCALE_NONE`].
    pub win_scale: i8,
    /// Last raw window field sent in this direction (`u32::MAX` before any).
    pub window: u32,
    /// Highest next sequence number seen.
    pub nextseq: u32,
    /// Frame that set `nextseq`.
    pub nextseq_frame: u32,
    /// Time of that frame.
    pub nextseq_time: Nanos,
    /// Highest contiguous sequence number that may be acknowledged.
    pub maxseqtobeacked: u32,
    /// Last raw ACK field sent in this direction.
    pub lastack: u32,
    /// When it was sent.
    pub lastack_time: Nanos,
    /// Last frame whose ACK number differed from the one before (dup-ACK origin).
    pub lastnondupack: u32,
    /// Duplicate ACKs counted since; [`GAP_REPORTED`] after an "ACKed unseen
    /// segment" report.
    pub dupacknum: u32,
    /// Analysis flags of the last segment in this direction.
    pub lastsegmentflags: u32,
    /// Whether bytes in flight can be computed (no unexplained gap).
    pub valid_bif: bool,
    /// Set by a SYN, cleared by the first pure ACK: windows not yet scaled.
    pub is_first_ack: bool,
    /// Bytes sent since the last PSH.
    pub push_bytes_sent: u32,
    /// Whether the last segment had PSH.
    pub push_set_last: bool,
    /// SACK blocks of the last segment sent in this direction (raw edges).
    pub sack: [(u32, u32); MAX_SACK],
    /// How many of `sack` are valid.
    pub sack_count: u8,
    /// Unacknowledged segments, oldest first, at most [`MAX_UNACKED`].
    pub segments: Vec<Unacked>,
    /// Whether this direction sent a FIN.
    pub fin_sent: bool,
    /// Whether this direction sent the connection's first FIN (Wireshark's
    /// `closing_initiator`).
    pub closing_initiator: bool,
}

impl Flow {
    /// A direction nothing has been seen in.
    pub fn new() -> Flow {
        Flow {
            base_seq: 0,
            base_set: false,
            win_scale: SCALE_UNKNOWN,
            window: u32::MAX,
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            lastnondupack: 0,
            dupacknum: 0,
            lastsegmentflags: 0,
            valid_bif: true,
            is_first_ack: false,
            push_bytes_sent: 0,
            push_set_last: false,
            sack: [(0, 0); MAX_SACK],
            sack_count: 0,
            segments: Vec::new(),
            fin_sent: false,
            closing_initiator: false,
        }
    }

    /// The scale multiplier tshark prints: 1 << shift, or -1 / -2.
    pub fn scalefactor(&self) -> i32 {
        scalefactor(self.win_scale)
    }

    /// The calculated window of a non-SYN segment with raw window `raw`.
    pub fn scaled(&self, raw: u16) -> i64 {
        scaled(self.win_scale, raw)
    }
}

/// `tcp.window_size_scalefactor` for a window scale state: 2^shift, or the
/// state itself (-1 unknown, -2 unused).
pub fn scalefactor(win_scale: i8) -> i32 {
    if win_scale >= 0 {
        1 << win_scale
    } else {
        i32::from(win_scale)
    }
}

/// The calculated window of a non-SYN segment with raw window `raw` under a
/// window scale state.
pub fn scaled(win_scale: i8, raw: u16) -> i64 {
    if win_scale >= 0 {
        i64::from(u32::from(raw) << win_scale)
    } else {
        i64::from(raw)
    }
}
