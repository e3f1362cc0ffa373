//! The light pass over a capture file: open it, walk its frames, and collect the
//! conversations the reports need.

use super::model::{DirStats, ScanOptions, TcpConv, UdpConv};
use crate::error::Error;
use crate::sniff::capture::Frame;
use crate::sniff::dissect::dissect_frame;
use crate::sniff::dissect::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::file::offline::OfflineCapture;
use crate::sniff::packet::{Dissected, Transport};
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::tcp::{Segment, Tracker};
use crate::sniff::udp::UdpTracker;
use crate::sniff::value::Nanos;
use std::collections::BTreeSet;
use std::path::Path;

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
                    let Some(ends) = tracker.ends(info.stream) else { return };
                    pos[idx] = tcp.len() as u32;
                    tcp.push(TcpConv::new(info.stream, ends, &seg, rel));
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
        if let (Some(settled), Some(ends)) = (tracker.settled(c.index), tracker.ends(c.index)) {
            c.finish(settled, ends);
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
