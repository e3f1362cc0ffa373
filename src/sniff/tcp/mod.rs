//! TCP conversation tracking, as Wireshark's TCP dissector does it (sans-I/O).
//!
//! The pipeline hands every TCP segment to a [`Tracker`] as a [`Segment`] (plain
//! numbers, no bytes) and gets back a [`SegmentInfo`]: the stream index, relative
//! sequence numbers, calculated window and the analysis flags. Per-stream state
//! lives in [`Stream`] and is bounded; the tracker never sees packet bytes, never
//! allocates per packet once a stream exists, and never does I/O.
//!
//! Semantics follow Wireshark's `packet-tcp.c` (tcp_analyze_sequence_number and
//! friends) so that `tcp.stream`, `tcp.seq`, `tcp.analysis.*` equal `tshark -2`'s.
//!
//! One-pass versus `tshark -2`: the tracker answers each segment as soon as it
//! arrives, as Wireshark's first pass does. A few values that tshark prints on its
//! second pass come from the *final* state of the stream, which [`Stream::settled`]
//! copies into a small [`Settled`] once the capture is consumed (or from the
//! stream so far when streaming live): `tcp.completeness` is
//! [`Settled::completeness_shown`] (the final first-pass value, plus from the
//! stream's second frame on what its first segment adds),
//! `tcp.analysis.initial_rtt` is the final iRTT on every packet that has
//! [`SegmentInfo::has_analysis`], and `tcp.window_size`/`tcp.window_size_scalefactor`
//! use the direction's final scale ([`Settled::final_window`]).
//! [`Settled::second_pass`] applies all of these to a segment's [`SegmentInfo`] at once.
//!
//! Layout: `flow` holds one direction's state, `seq_analysis` the per-segment sequence
//! analysis, `stream` the conversation-level rules (port reuse, window scale,
//! completeness, iRTT), `settled` the final values a second pass shows,
//! `tracker` the conversation table, `reassembly` the
//! PDUs of registered protocols that segments cut (the one part that sees bytes).
//! Protocol background: RFC 9293 (TCP), RFC 7323 (window scale, timestamps),
//! RFC 2018 (SACK).

use std::net::IpAddr;

mod flow;
pub mod reassembly;
mod seq_analysis;
mod settled;
mod stream;
#[cfg(test)]
mod tests;
mod tracker;

pub use settled::Settled;
pub use tracker::Tracker;

/// Nanoseconds since the Unix epoch (capture timestamps).
pub type Nanos = i64;

/// One end of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// IPv4 or IPv6 address.
    pub ip: IpAddr,
    /// TCP port.
    pub port: u16,
}

pub mod flags;

/// The TCP options the tracker and the Info column care about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Maximum segment size (kind 2).
    pub mss: Option<u16>,
    /// Window scale shift count (kind 3), as sent (may exceed 14).
    pub wscale: Option<u8>,
    /// SACK permitted (kind 4).
    pub sack_perm: bool,
    /// Timestamps TSval, TSecr (kind 8).
    pub timestamps: Option<(u32, u32)>,
    /// SACK blocks (kind 5), left and right edges; `sack_count` are valid.
    pub sack: [(u32, u32); 4],
    /// How many entries of `sack` are valid.
    pub sack_count: u8,
    /// A TCP Fast Open option with a cookie (RFC 7413 §4.1.1), as kind 34 or
    /// as the experimental kind 254.
    pub tfo_cookie: bool,
}

/// What the tracker needs to know about one TCP segment.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    /// Frame number in the capture, from 1.
    pub frame: u32,
    /// Capture timestamp.
    pub time: Nanos,
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgment number.
    pub ack: u32,
    /// Flag bits, see [`flags`].
    pub flags: u16,
    /// Raw window field.
    pub window: u16,
    /// TCP payload length (bytes after the header, as on the wire even if not captured).
    pub payload_len: u32,
    /// Parsed options.
    pub options: Options,
}

/// Which way a segment travels, relative to who opened the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the side that sent the first SYN (or, without a SYN, the first sender).
    ClientToServer,
    /// From the other side.
    ServerToClient,
}

/// Analysis flag bits, as Wireshark's `tcp.analysis.*`. Like Wireshark's own
/// flags, a segment has at most one of the retransmission kinds (retransmission,
/// fast, spurious, out-of-order); tshark shows the field
/// `tcp.analysis.retransmission` for any of the first three ([`ANY_RETRANSMISSION`]).
pub mod analysis {
    /// Segments for which tshark shows `tcp.analysis.retransmission`.
    pub const ANY_RETRANSMISSION: u32 = RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION;
    /// `tcp.analysis.retransmission`.
    pub const RETRANSMISSION: u32 = 1 << 0;
    /// `tcp.analysis.fast_retransmission`.
    pub const FAST_RETRANSMISSION: u32 = 1 << 1;
    /// `tcp.analysis.spurious_retransmission`.
    pub const SPURIOUS_RETRANSMISSION: u32 = 1 << 2;
    /// `tcp.analysis.out_of_order`.
    pub const OUT_OF_ORDER: u32 = 1 << 3;
    /// `tcp.analysis.lost_segment` (previous segment not captured).
    pub const LOST_SEGMENT: u32 = 1 << 4;
    /// `tcp.analysis.ack_lost_segment` (ACKed unseen segment).
    pub const ACK_LOST_SEGMENT: u32 = 1 << 5;
    /// `tcp.analysis.duplicate_ack`.
    pub const DUPLICATE_ACK: u32 = 1 << 6;
    /// `tcp.analysis.zero_window`.
    pub const ZERO_WINDOW: u32 = 1 << 7;
    /// `tcp.analysis.zero_window_probe`.
    pub const ZERO_WINDOW_PROBE: u32 = 1 << 8;
    /// `tcp.analysis.zero_window_probe_ack`.
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 1 << 9;
    /// `tcp.analysis.keep_alive`.
    pub const KEEP_ALIVE: u32 = 1 << 10;
    /// `tcp.analysis.keep_alive_ack`.
    pub const KEEP_ALIVE_ACK: u32 = 1 << 11;
    /// `tcp.analysis.window_update`.
    pub const WINDOW_UPDATE: u32 = 1 << 12;
    /// `tcp.analysis.window_full`.
    pub const WINDOW_FULL: u32 = 1 << 13;
    /// `tcp.analysis.reused_ports`.
    pub const REUSED_PORTS: u32 = 1 << 14;
}

/// Everything the tracker concludes about one segment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SegmentInfo {
    /// `tcp.stream`: conversation index, from 0, in order of first appearance.
    pub stream: u32,
    /// Sender's role; `None` only if the tracker cannot tell.
    pub direction: Option<Direction>,
    /// `tcp.seq`: sequence number relative to the sender's base: its ISN, or without
    /// a SYN one less than its first sequence number (so that segment shows 1).
    pub seq: u32,
    /// `tcp.ack`: acknowledgment relative to the receiver's base sequence number when
    /// ACK is set; the raw field when it is not (tshark prints the raw value then).
    pub ack: u32,
    /// `tcp.nxtseq`: relative sequence number after this segment (SYN and FIN count one).
    pub nxtseq: u32,
    /// `tcp.window_size`: window after scaling (raw window when the scale is unknown).
    pub window_size: i64,
    /// `tcp.window_size_scalefactor`: the multiplier, -1 unknown, -2 no scaling used.
    /// Only meaningful when [`SegmentInfo::has_scalefactor`] is set.
    pub scalefactor: i32,
    /// Whether tshark shows `tcp.window_size_scalefactor` at all: false on SYN and
    /// SYN-ACK segments (their window is never scaled and the field is absent).
    pub has_scalefactor: bool,
    /// Whether tshark shows the `tcp.analysis` subtree for this segment (it holds
    /// acks_frame, ack_rtt, initial_rtt, bytes_in_flight and the flags): set when the
    /// segment acknowledges a frame, has analysis flags, or carries data with a
    /// bytes-in-flight count. `tcp.analysis.initial_rtt` appears only on these.
    pub has_analysis: bool,
    /// `tcp.analysis.bytes_in_flight` (0 when tshark shows none).
    pub bytes_in_flight: u32,
    /// `tcp.analysis.push_bytes_sent`, shown together with `bytes_in_flight`.
    pub push_bytes_sent: u32,
    /// Analysis flag bits, see [`analysis`].
    pub analysis: u32,
    /// `tcp.analysis.duplicate_ack_num` (0 if not a duplicate ACK).
    pub dup_ack_num: u32,
    /// `tcp.analysis.duplicate_ack_frame`: the frame this ACK duplicates (0 if none).
    pub dup_ack_frame: u32,
    /// `tcp.analysis.acks_frame`: the data frame this segment acknowledges (0 if none).
    pub acks_frame: u32,
    /// `tcp.analysis.ack_rtt`: time since that frame, when `acks_frame` is set
    /// (tshark omits the field when it is exactly 0).
    pub ack_rtt: Nanos,
    /// `tcp.analysis.rto` of a retransmission: time since the oldest segment
    /// not yet acknowledged was sent (0: none, and tshark shows none).
    pub rto: Nanos,
    /// `tcp.analysis.rto_frame`: that frame.
    pub rto_frame: u32,
    /// `tcp.analysis.initial_rtt` of the stream once the handshake completed (0 before).
    pub irtt: Nanos,
    /// Time since the first frame of the stream (`tcp.time_relative`).
    pub time_relative: Nanos,
    /// Time since the previous frame of the stream (`tcp.time_delta`).
    pub time_delta: Nanos,
    /// On a FIN: whether it starts or answers the closing of the connection
    /// (`tcp.connection.fin_active` / `fin_passive`).
    pub closing: Option<Closing>,
    /// On a SYN-ACK: a SYN of this stream carried data with a TFO cookie, so
    /// tshark tells whether the SYN-ACK accepts that data (RFC 7413 §4.2.2).
    pub tfo_syn_data: bool,
}

/// The part a FIN plays in closing the connection, as Wireshark decides it: the
/// first side to send a FIN initiates the closing (every FIN it sends is active),
/// the other side's FINs undergo it (RFC 9293 §3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// Sent by the side that closed first.
    Active,
    /// Sent by the other side.
    Passive,
}

/// Conversation completeness bits (`tcp.completeness`).
pub mod completeness {
    /// SYN seen.
    pub const SYN: u8 = 1;
    /// SYN-ACK seen.
    pub const SYN_ACK: u8 = 2;
    /// A segment with ACK, without SYN and without payload seen.
    pub const ACK: u8 = 4;
    /// Payload seen (on a segment with ACK and without SYN, or on the first SYN).
    pub const DATA: u8 = 8;
    /// FIN with ACK seen.
    pub const FIN: u8 = 16;
    /// RST seen.
    pub const RST: u8 = 32;

    /// The bitmask in tshark 4.0's words, as `[Conversation completeness: …]`
    /// shows it: `Complete, WITH_DATA (31)`, `Incomplete, SYN_SENT (1)`, …
    pub fn words(c: u8) -> String {
        let handshake = SYN | SYN_ACK | ACK;
        let words = match c {
            1 => "Incomplete, SYN_SENT",
            3 => "Incomplete, CLIENT_ESTABLISHED",
            7 => "Incomplete, ESTABLISHED",
            15 => "Incomplete, DATA",
            _ if c & handshake == handshake && c & (FIN | RST) != 0 => {
                if c & DATA != 0 {
                    "Complete, WITH_DATA"
                } else {
                    "Complete, NO_DATA"
                }
            }
            _ => "Incomplete",
        };
        format!("{words} ({c})")
    }
}

/// One TCP conversation as tracked so far.
#[derive(Clone, Debug)]
pub struct Stream {
    /// `tcp.stream`.
    pub index: u32,
    /// The side that opened the connection (sent the first SYN), or the first sender.
    pub client: Endpoint,
    /// The other side.
    pub server: Endpoint,
    /// Completeness bits so far, see [`completeness`], as Wireshark's first pass
    /// accumulates them (the segment that creates a stream counts only if it is a
    /// pure SYN). What `tshark -2` prints is [`Settled::completeness_shown`].
    pub completeness: u8,
    /// Completeness bits of the stream's first segment that the first pass skipped
    /// and tshark's second pass adds (SYN-ACK, ACK or DATA, FIN, RST).
    pub completeness_late: u8,
    /// First and last frame of the stream.
    pub first_frame: u32,
    /// Last frame seen.
    pub last_frame: u32,
    /// Time of the first frame.
    pub first_time: Nanos,
    /// Initial sequence numbers: client, server (None until known).
    pub isn: [Option<u32>; 2],
    /// Window scale shift announced in each side's SYN: client, server.
    pub wscale: [Option<u8>; 2],
    /// Initial RTT (SYN to the ACK of the SYN-ACK), once known.
    pub irtt: Option<Nanos>,
    /// Per-direction sequence-analysis state: client, server.
    flows: [flow::Flow; 2],
    /// Whether a SYN carried data with a TFO cookie (Wireshark's `tfo_syn_data`).
    tfo_syn_data: bool,
    /// Whether a SYN or SYN-ACK fixed who is the client.
    roles_fixed: bool,
    /// Time of the previous frame of the stream.
    prev_time: Nanos,
    /// Time of the most recent pure SYN (0: none yet), the start of the iRTT.
    mru_syn: Nanos,
    /// Per direction, the first frame whose SYN-ACK changed the base sequence
    /// number (0: none); tshark's second pass uses the final base before it.
    first_rebase: [u32; 2],
}
