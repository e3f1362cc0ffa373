//! What the light pass keeps per conversation: the segments as the reports show
//! them, per-direction counters, and the TCP and UDP conversations.

use crate::sniff::tcp::{analysis, flags, Direction, Endpoint, Options, Segment, SegmentInfo, Settled};
use crate::sniff::value::Nanos;
use std::collections::BTreeSet;

/// Most segments remembered per stream from its first FIN or RST on.
pub const MAX_TEARDOWN: usize = 24;

/// One TCP segment as the reports show it (numbers as `tshark -2` prints them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seg {
    /// `frame.number`.
    pub frame: u32,
    /// `frame.time_relative`.
    pub rel: Nanos,
    /// Sent by the client (the side that sent the first SYN).
    pub from_client: bool,
    /// Flag bits, see [`flags`].
    pub flags: u16,
    /// `tcp.seq`.
    pub seq: u32,
    /// `tcp.seq_raw`.
    pub seq_raw: u32,
    /// `tcp.ack` (0 shown when ACK is not set).
    pub ack: u32,
    /// `tcp.ack_raw`.
    pub ack_raw: u32,
    /// `tcp.nxtseq`.
    pub nxtseq: u32,
    /// `tcp.window_size_value`.
    pub window: u16,
    /// `tcp.window_size` (after scaling).
    pub win_calc: i64,
    /// `tcp.len`.
    pub len: u32,
    /// Decoded options.
    pub options: ShownOptions,
    /// Analysis flags, see [`analysis`].
    pub analysis: u32,
}

impl Seg {
    /// Whether all of `bits` are set.
    pub fn has(&self, bits: u16) -> bool {
        self.flags & bits == bits
    }

    /// Whether this segment has SYN without ACK.
    pub fn is_syn(&self) -> bool {
        self.flags & (flags::SYN | flags::ACK) == flags::SYN
    }

    /// Whether this segment is a retransmission of any kind.
    pub fn is_retransmission(&self) -> bool {
        self.analysis & analysis::ANY_RETRANSMISSION != 0
    }
}

/// Counters of one direction of a conversation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirStats {
    /// Frames sent.
    pub frames: u64,
    /// Sum of their frame lengths (as tshark's conversation table counts bytes).
    pub bytes: u64,
    /// Segments or datagrams carrying payload.
    pub segments: u64,
    /// Payload bytes (TCP: including retransmitted ones).
    pub payload: u64,
    /// Retransmitted segments (tcp.analysis.retransmission and its kinds).
    pub retrans: u64,
}

/// The TCP options a report shows (SACK blocks left out).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShownOptions {
    /// Maximum segment size.
    pub mss: Option<u16>,
    /// Window scale shift as sent.
    pub wscale: Option<u8>,
    /// SACK permitted.
    pub sack_perm: bool,
    /// TSval, TSecr.
    pub timestamps: Option<(u32, u32)>,
}

impl From<&Options> for ShownOptions {
    fn from(o: &Options) -> ShownOptions {
        ShownOptions { mss: o.mss, wscale: o.wscale, sack_perm: o.sack_perm, timestamps: o.timestamps }
    }
}

/// A segment waiting for the end of the capture to be shown with final numbers:
/// only what [`Settled::second_pass`] and the report need (about 64 bytes).
#[derive(Clone, Copy, Debug)]
pub(super) struct Pending {
    frame: u32,
    rel: Nanos,
    /// Sent by the stream's first sender.
    from_first: bool,
    flags: u16,
    seq: u32,
    ack: u32,
    window: u16,
    len: u32,
    options: ShownOptions,
    info_seq: u32,
    info_ack: u32,
    info_nxt: u32,
    analysis: u32,
    has_analysis: bool,
}

/// What a report knows about one TCP stream.
#[derive(Clone, Debug)]
pub struct TcpConv {
    /// `tcp.stream`.
    pub index: u32,
    /// The side that sent the first SYN (or the first sender).
    pub client: Endpoint,
    /// The other side.
    pub server: Endpoint,
    /// `tcp.completeness` as tshark shows it on the stream's later frames.
    pub completeness: u8,
    /// The handshake's SYN, SYN-ACK and ACK, those captured, in frame order.
    pub handshake: Vec<Seg>,
    /// The segments from the first FIN or RST on (at most [`MAX_TEARDOWN`]).
    pub teardown: Vec<Seg>,
    /// Whether segments after [`MAX_TEARDOWN`] were left out of `teardown`.
    pub teardown_cut: bool,
    /// Every segment, when the report asked for them ([`ScanOptions::keep_all`]).
    pub all: Vec<Seg>,
    /// Per direction: client to server, server to client.
    pub dirs: [DirStats; 2],
    /// Sender of the stream's first segment (tshark's conversation address A).
    pub first_src: Endpoint,
    /// Receiver of the stream's first segment (address B).
    pub first_dst: Endpoint,
    /// Counters by sender: `first_src`, `first_dst`.
    pub(super) by_sender: [DirStats; 2],
    /// Relative time of the first and last frame.
    pub start: Nanos,
    /// Relative time of the last frame.
    pub end: Nanos,
    /// Whether the first RST came right after data from the peer it aborts.
    pub rst_after_data: bool,
    /// Last segment seen: sent by the client, payload length.
    pub(super) prev: Option<(bool, u32)>,
    pub(super) pending_hs: Vec<Pending>,
    pub(super) pending_td: Vec<Pending>,
    pub(super) pending_all: Vec<Pending>,
}

impl TcpConv {
    pub(super) fn new(index: u32, (client, server): (Endpoint, Endpoint), seg: &Segment, rel: Nanos) -> TcpConv {
        TcpConv {
            first_src: seg.src,
            first_dst: seg.dst,
            index,
            start: rel,
            end: rel,
            ..TcpConv::empty(client, server)
        }
    }

    /// An empty conversation between two endpoints (for unit tests).
    #[cfg(test)]
    pub(crate) fn for_test(client: Endpoint, server: Endpoint) -> TcpConv {
        TcpConv::empty(client, server)
    }

    /// A conversation from `client` to `server` with nothing seen yet, index 0, at time 0.
    fn empty(client: Endpoint, server: Endpoint) -> TcpConv {
        TcpConv {
            first_src: client,
            first_dst: server,
            by_sender: [DirStats::default(); 2],
            index: 0,
            client,
            server,
            completeness: 0,
            handshake: Vec::new(),
            teardown: Vec::new(),
            teardown_cut: false,
            all: Vec::new(),
            dirs: [DirStats::default(); 2],
            start: 0,
            end: 0,
            rst_after_data: false,
            prev: None,
            pending_hs: Vec::new(),
            pending_td: Vec::new(),
            pending_all: Vec::new(),
        }
    }

    /// Counts `seg` and remembers it when it belongs to the handshake or teardown.
    pub(super) fn add(&mut self, seg: &Segment, info: &SegmentInfo, rel: Nanos, frame_len: u32, opts: &ScanOptions) {
        let p = Pending {
            frame: seg.frame,
            rel,
            from_first: seg.src == self.first_src,
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            window: seg.window,
            len: seg.payload_len,
            options: ShownOptions::from(&seg.options),
            info_seq: info.seq,
            info_ack: info.ack,
            info_nxt: info.nxtseq,
            analysis: info.analysis,
            has_analysis: info.has_analysis,
        };
        let from_client = info.direction != Some(Direction::ServerToClient);
        let d = &mut self.by_sender[usize::from(!p.from_first)];
        d.frames += 1;
        d.bytes += u64::from(frame_len);
        if p.len > 0 {
            d.segments += 1;
            d.payload += u64::from(p.len);
        }
        if p.analysis & analysis::ANY_RETRANSMISSION != 0 {
            d.retrans += 1;
        }
        self.end = p.rel;
        if opts.counters_only {
            return;
        }
        if opts.keep_all {
            self.pending_all.push(p);
        }
        let f = p.flags;
        let kind = f & (flags::SYN | flags::ACK | flags::RST);
        let has = |k: u16| self.pending_hs.iter().any(|h| h.flags & (flags::SYN | flags::ACK | flags::RST) == k);
        let hs_slot = match kind {
            flags::SYN => !has(flags::SYN),
            k if k == flags::SYN | flags::ACK => !has(flags::SYN | flags::ACK),
            flags::ACK => from_client && has(flags::SYN | flags::ACK) && !has(flags::ACK) && self.pending_td.is_empty(),
            _ => false,
        };
        if hs_slot {
            push_tight(&mut self.pending_hs, p);
        }
        let closing = f & (flags::FIN | flags::RST) != 0;
        if closing && self.pending_td.is_empty() && f & flags::RST != 0 {
            self.rst_after_data = matches!(self.prev, Some((c, len)) if c != from_client && len > 0);
        }
        if closing || !self.pending_td.is_empty() {
            if self.pending_td.len() < MAX_TEARDOWN {
                push_tight(&mut self.pending_td, p);
            } else {
                self.teardown_cut = true;
            }
        }
        self.prev = Some((from_client, p.len));
    }

    /// Applies the stream's final state to the remembered segments.
    pub(super) fn finish(&mut self, settled: Settled, (client, server): (Endpoint, Endpoint)) {
        self.completeness = settled.completeness_shown(settled.last_frame);
        self.client = client;
        self.server = server;
        self.dirs = [self.dirs_from(client), self.dirs_from(server)];
        let (first, second) = (self.first_src, self.first_dst);
        let show = |p: &Pending| shown(&settled, p, first, second);
        self.handshake = self.pending_hs.iter().map(show).collect();
        self.teardown = self.pending_td.iter().map(show).collect();
        self.all = self.pending_all.iter().map(show).collect();
        self.pending_hs = Vec::new();
        self.pending_td = Vec::new();
        self.pending_all = Vec::new();
    }

    /// The counters of the segments `sender` sent.
    pub fn dirs_from(&self, sender: Endpoint) -> DirStats {
        self.by_sender[usize::from(sender != self.first_src)]
    }

    /// The SYN of the handshake, if captured.
    pub fn syn(&self) -> Option<&Seg> {
        self.handshake.iter().find(|s| s.is_syn())
    }

    /// The SYN-ACK of the handshake, if captured.
    pub fn syn_ack(&self) -> Option<&Seg> {
        self.handshake.iter().find(|s| s.has(flags::SYN | flags::ACK))
    }

    /// The final ACK of the handshake, if captured.
    pub fn hs_ack(&self) -> Option<&Seg> {
        self.handshake.iter().find(|s| s.flags & flags::SYN == 0)
    }
}

/// Appends without the doubling growth of `Vec::push`: tens of thousands of
/// streams each keep a handful of segments, and spare capacity adds up.
fn push_tight(v: &mut Vec<Pending>, p: Pending) {
    if v.len() == v.capacity() {
        v.reserve_exact(if v.is_empty() { 3 } else { 2 });
    }
    v.push(p);
}

/// A segment with the numbers `tshark -2` prints (`first`, `second`: the
/// stream's first sender and receiver).
fn shown(st: &Settled, p: &Pending, first: Endpoint, second: Endpoint) -> Seg {
    let (src, dst) = if p.from_first { (first, second) } else { (second, first) };
    let seg = Segment {
        frame: p.frame,
        time: 0,
        src,
        dst,
        seq: p.seq,
        ack: p.ack,
        flags: p.flags,
        window: p.window,
        payload_len: p.len,
        options: Options::default(),
    };
    let first_pass = SegmentInfo {
        seq: p.info_seq,
        ack: p.info_ack,
        nxtseq: p.info_nxt,
        analysis: p.analysis,
        has_analysis: p.has_analysis,
        ..SegmentInfo::default()
    };
    let info = st.second_pass(&seg, &first_pass);
    let ack_set = p.flags & flags::ACK != 0;
    Seg {
        frame: p.frame,
        rel: p.rel,
        from_client: src == st.client,
        flags: p.flags,
        seq: info.seq,
        seq_raw: p.seq,
        ack: if ack_set { info.ack } else { 0 },
        ack_raw: p.ack,
        nxtseq: info.nxtseq,
        window: p.window,
        win_calc: info.window_size,
        len: p.len,
        options: p.options,
        analysis: info.analysis,
    }
}

/// A UDP conversation's counters.
#[derive(Clone, Debug)]
pub struct UdpConv {
    /// `udp.stream`.
    pub index: u32,
    /// Sender of the first datagram.
    pub a: Endpoint,
    /// Its receiver.
    pub b: Endpoint,
    /// Per direction: a to b, b to a.
    pub dirs: [DirStats; 2],
    /// Relative time of the first datagram.
    pub start: Nanos,
    /// Relative time of the last datagram.
    pub end: Nanos,
}

/// What to collect.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// BPF capture filter.
    pub bpf: Option<String>,
    /// Only these TCP streams (None: all).
    pub streams: Option<BTreeSet<u32>>,
    /// Keep every segment of the selected streams (for the flow diagram).
    pub keep_all: bool,
    /// Keep only the counters, no handshake or teardown segments (conversations).
    pub counters_only: bool,
    /// Count UDP conversations too.
    pub udp: bool,
}
