//! Lab answers from a capture: `socklab handshake`, `conversations`, `follow`
//! and `flow`. One light pass over the file (dissect, then the TCP/UDP trackers;
//! no rendering, no field extraction) keeps a bounded summary per stream: the
//! handshake segments, the segments from the first FIN or RST on, and counters.
//! Numbers are fixed up at the end with the stream's final state, exactly as
//! `tshark -2` shows them ([`Stream::second_pass`]).

mod commands;
pub mod conversations;
pub mod datagrams;
pub mod flow;
pub mod follow;
pub mod graph;
pub mod handshake;
pub mod teardown;
pub mod worksheet;

pub use commands::{run_conversations, run_flow, run_follow, run_handshake};

use crate::error::Error;
use crate::sniff::capture::Frame;
use crate::sniff::dissect::dissect_frame;
use crate::sniff::file::offline::OfflineCapture;
use crate::sniff::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::packet::{Dissected, Transport};
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::tcp::{analysis, flags, Direction, Endpoint, Options, Segment, SegmentInfo, Stream, Tracker};
use crate::sniff::udp::UdpTracker;
use crate::sniff::value::Nanos;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

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
/// only what [`Stream::second_pass`] and the report need (about 64 bytes).
#[derive(Clone, Copy, Debug)]
struct Pending {
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
    by_sender: [DirStats; 2],
    /// Relative time of the first and last frame.
    pub start: Nanos,
    /// Relative time of the last frame.
    pub end: Nanos,
    /// Whether the first RST came right after data from the peer it aborts.
    pub rst_after_data: bool,
    /// Last segment seen: sent by the client, payload length.
    prev: Option<(bool, u32)>,
    pending_hs: Vec<Pending>,
    pending_td: Vec<Pending>,
    pending_all: Vec<Pending>,
}

impl TcpConv {
    fn new(st: &Stream, seg: &Segment, rel: Nanos) -> TcpConv {
        TcpConv {
            first_src: seg.src,
            first_dst: seg.dst,
            by_sender: [DirStats::default(); 2],
            index: st.index,
            client: st.client,
            server: st.server,
            completeness: 0,
            handshake: Vec::new(),
            teardown: Vec::new(),
            teardown_cut: false,
            all: Vec::new(),
            dirs: [DirStats::default(); 2],
            start: rel,
            end: rel,
            rst_after_data: false,
            prev: None,
            pending_hs: Vec::new(),
            pending_td: Vec::new(),
            pending_all: Vec::new(),
        }
    }

    /// An empty conversation between two endpoints (for unit tests).
    #[cfg(test)]
    pub(crate) fn for_test(client: Endpoint, server: Endpoint) -> TcpConv {
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
    fn add(&mut self, seg: &Segment, info: &SegmentInfo, rel: Nanos, frame_len: u32, opts: &ScanOptions) {
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
    fn finish(&mut self, st: &Stream) {
        self.completeness = st.completeness_shown(st.last_frame);
        self.client = st.client;
        self.server = st.server;
        self.dirs = [self.dirs_from(st.client), self.dirs_from(st.server)];
        let (first, second) = (self.first_src, self.first_dst);
        let show = |p: &Pending| shown(st, p, first, second);
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
fn shown(st: &Stream, p: &Pending, first: Endpoint, second: Endpoint) -> Seg {
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

/// The result of the light pass.
#[derive(Debug, Default)]
pub struct Scan {
    /// TCP streams in index order (only the selected ones).
    pub tcp: Vec<TcpConv>,
    /// UDP conversations in index order.
    pub udp: Vec<UdpConv>,
    /// Frames read.
    pub frames: u64,
    /// UDP datagrams seen (counted even when UDP conversations are not kept).
    pub udp_frames: u64,
    /// Whether the file has nanosecond timestamps.
    pub nanos: bool,
}

/// Opens a capture and checks its link type.
pub fn open(file: &Path, bpf: Option<&str>) -> Result<(OfflineCapture, LinkType), Error> {
    let cap = OfflineCapture::open(file, bpf)?;
    // A pcapng file without interfaces has no frames to decode.
    let dlt = cap.datalink().unwrap_or(1);
    let Some(link) = LinkType::from_dlt(dlt) else {
        return Err(Error::File {
            path: cap.path().to_string(),
            reason: format!("link type {} ({dlt}) is not supported; socklab decodes {SUPPORTED}", dlt_name(dlt)),
        });
    };
    Ok((cap, link))
}

/// Calls `each` for every frame of the file with its number (from 1), its time
/// relative to the first frame, and the frame.
pub fn walk(file: &Path, bpf: Option<&str>, mut each: impl FnMut(u32, Nanos, &Frame<'_>)) -> Result<bool, Error> {
    let (mut cap, _) = open(file, bpf)?;
    let nanos = cap.nanosecond_resolution();
    let mut n = 0u32;
    let mut first = None;
    while let Some(f) = cap.next_frame()? {
        n += 1;
        let t0 = *first.get_or_insert(f.time);
        each(n, f.time - t0, &f);
    }
    Ok(nanos)
}

/// The tracker's view of a decoded TCP header.
pub fn segment_of(d: &Dissected<'_>, frame: u32, time: Nanos) -> Option<Segment> {
    let Transport::Tcp(h) = &d.transport else { return None };
    let (src, dst) = d.endpoints()?;
    Some(crate::sniff::pipeline::segment(h, frame, time, src, dst))
}

/// The light pass: TCP (and UDP when asked) conversations with bounded summaries.
pub fn scan(file: &Path, opts: &ScanOptions) -> Result<Scan, Error> {
    let (_, link) = open(file, opts.bpf.as_deref())?;
    let mut tracker = Tracker::new();
    let mut udp = UdpTracker::new();
    let mut tcp: Vec<TcpConv> = Vec::new();
    // Stream index -> position in `tcp` (NONE: not kept).
    const NONE: u32 = u32::MAX;
    let mut pos: Vec<u32> = Vec::new();
    let mut udp_convs: Vec<UdpConv> = Vec::new();
    let mut frames = 0u64;
    let mut udp_frames = 0u64;
    let nanos = walk(file, opts.bpf.as_deref(), |n, rel, f| {
        frames += 1;
        let d = dissect_frame(f.link(link), f.data, f.len as usize);
        match d.transport {
            Transport::Tcp(_) => {
                let Some(seg) = segment_of(&d, n, f.time) else { return };
                let info = tracker.process(&seg);
                let idx = info.stream as usize;
                if opts.streams.as_ref().is_some_and(|s| !s.contains(&info.stream)) {
                    return;
                }
                if pos.len() <= idx {
                    pos.resize(idx + 1, NONE);
                }
                if pos[idx] == NONE {
                    let Some(st) = tracker.stream(info.stream) else { return };
                    pos[idx] = tcp.len() as u32;
                    tcp.push(TcpConv::new(st, &seg, rel));
                }
                if let Some(conv) = tcp.get_mut(pos[idx] as usize) {
                    conv.add(&seg, &info, rel, f.len, opts);
                }
            }
            Transport::Udp(_) if !opts.udp => udp_frames += 1,
            Transport::Udp(_) => {
                udp_frames += 1;
                let Some((src, dst)) = d.endpoints() else { return };
                let u = udp.process(src, dst, f.time);
                let idx = u.stream as usize;
                if udp_convs.len() <= idx {
                    udp_convs.push(UdpConv {
                        index: u.stream,
                        a: src,
                        b: dst,
                        dirs: [DirStats::default(); 2],
                        start: rel,
                        end: rel,
                    });
                }
                let Some(c) = udp_convs.get_mut(idx) else { return };
                let dir = &mut c.dirs[usize::from(src != c.a)];
                dir.frames += 1;
                dir.bytes += u64::from(f.len);
                dir.segments += 1;
                dir.payload += d.payload.len() as u64;
                c.end = rel;
            }
            _ => {}
        }
    })?;
    for c in &mut tcp {
        if let Some(st) = tracker.stream(c.index) {
            c.finish(st);
        }
    }
    tcp.shrink_to_fit();
    Ok(Scan { tcp, udp: udp_convs, frames, udp_frames, nanos })
}

/// The TCP and UDP stream indexes of the packets that match a display filter
/// (a full pass with the pipeline, as `read -Y` evaluates it).
pub fn matching_streams(file: &Path, bpf: Option<&str>, expr: &str) -> Result<(BTreeSet<u32>, BTreeSet<u32>), Error> {
    let filter = crate::sniff::fields::parse_filter(expr)
        .map_err(|e| Error::usage(format!("invalid display filter (-Y): {e}")))?;
    let (mut cap, link) = open(file, bpf)?;
    let mut pipe = Pipeline::new(link, Facts::default());
    let (mut tcp, mut udp) = (BTreeSet::new(), BTreeSet::new());
    while let Some(f) = cap.next_frame()? {
        let p = pipe.process(&f);
        if filter.matches(&p) {
            if let Some(i) = p.tcp {
                tcp.insert(i.stream);
            }
            if let Some(u) = p.udp_stream {
                udp.insert(u);
            }
        }
    }
    Ok((tcp, udp))
}

/// Seconds with 9 decimals, as tshark's relative times.
pub fn secs(ns: Nanos) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    format!("{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000)
}

/// An endpoint as `addr:port` (`[v6]:port` for IPv6).
pub fn addr(e: &Endpoint) -> String {
    std::net::SocketAddr::new(e.ip, e.port).to_string()
}

/// Flag names in Wireshark's order and spelling, e.g. `SYN, ACK` or `FIN, ACK`.
pub fn flag_names(f: u16) -> String {
    const NAMES: [(u16, &str); 9] = [
        (flags::AE, "AE"),
        (flags::CWR, "CWR"),
        (flags::ECE, "ECE"),
        (flags::URG, "URG"),
        (flags::ACK, "ACK"),
        (flags::PSH, "PSH"),
        (flags::RST, "RST"),
        (flags::SYN, "SYN"),
        (flags::FIN, "FIN"),
    ];
    // Wireshark lists FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE.
    let names: Vec<&str> = NAMES.iter().rev().filter(|(b, _)| f & b != 0).map(|(_, n)| *n).collect();
    if names.is_empty() {
        "<None>".to_string()
    } else {
        names.join(", ")
    }
}

/// Renders a table in the terminal (box-drawn) or Markdown format the way
/// [`Table::render`](crate::table::Table::render) does, without its general layout
/// engine: the report prints one small table per stream, thousands on a big
/// capture. Column width is the widest cell in characters; cells are left-aligned
/// with one space of padding. Other formats go to `Table::render`.
pub fn fast_table(t: &crate::table::Table, format: crate::table::Format) -> String {
    use crate::table::Format;
    if std::iter::once(&t.headers).chain(&t.rows).flatten().any(|c| c.contains('\n')) {
        return t.render(format);
    }
    let widths: Vec<usize> = (0..t.headers.len())
        .map(|i| {
            std::iter::once(&t.headers)
                .chain(&t.rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String], edge: (&str, &str, &str)| {
        out.push_str(edge.0);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push_str(edge.1);
            }
            let c = cells.get(i).map_or("", String::as_str);
            out.push(' ');
            out.push_str(c);
            out.extend(std::iter::repeat_n(' ', w - c.chars().count() + 1));
        }
        out.push_str(edge.2);
        out.push('\n');
    };
    let rule = |out: &mut String, parts: (&str, &str, &str, char)| {
        out.push_str(parts.0);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push_str(parts.1);
            }
            out.extend(std::iter::repeat_n(parts.3, w + 2));
        }
        out.push_str(parts.2);
        out.push('\n');
    };
    match format {
        Format::Table => {
            rule(&mut out, ("┌", "┬", "┐", '─'));
            line(&mut out, &t.headers, ("│", "┆", "│"));
            rule(&mut out, ("╞", "╪", "╡", '═'));
            for r in &t.rows {
                line(&mut out, r, ("│", "┆", "│"));
            }
            rule(&mut out, ("└", "┴", "┘", '─'));
        }
        Format::Markdown => {
            line(&mut out, &t.headers, ("|", "|", "|"));
            rule(&mut out, ("|", "|", "|", '-'));
            for r in &t.rows {
                line(&mut out, r, ("|", "|", "|"));
            }
        }
        other => return t.render(other),
    }
    out
}

/// `t` as [`Table::prepare`](crate::table::Table::prepare) chooses for `format` and
/// `settings`, rendered by [`fast_table`], with its notes under it.
pub fn table_text(t: &crate::table::Table, format: crate::table::Format, settings: &crate::config::Settings) -> String {
    let f = t.prepare(format, settings);
    fast_table(&f.table, format) + &f.notes_text(settings.width)
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
pub fn print(text: &str) -> crate::Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes bytes to stdout; a closed pipe is not an error.
pub fn print_bytes(bytes: &[u8]) -> crate::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_follow_wireshark_order() {
        assert_eq!(flag_names(flags::SYN | flags::ACK), "SYN, ACK");
        assert_eq!(flag_names(flags::FIN | flags::ACK), "FIN, ACK");
        assert_eq!(flag_names(flags::PSH | flags::ACK), "PSH, ACK");
        assert_eq!(flag_names(flags::RST | flags::ACK), "RST, ACK");
        assert_eq!(flag_names(0), "<None>");
    }

    #[test]
    fn fast_table_renders_as_table_render() {
        use crate::table::{Format, Table};
        let mut t = Table::new(["Step", "Frame", "Options"]);
        t.row(["SYN", "1", "MSS=65495 SACK_PERM"]).row(["RST/ACK", "22", ""]).row(["ACK", "3", "→ x"]);
        for f in [Format::Table, Format::Markdown] {
            assert_eq!(fast_table(&t, f), t.render(f), "{f:?}");
        }
    }

    #[test]
    fn seconds_have_nine_decimals() {
        assert_eq!(secs(1_500_000), "0.001500000");
        assert_eq!(secs(2_000_000_001), "2.000000001");
    }
}
