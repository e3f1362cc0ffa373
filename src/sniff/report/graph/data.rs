//! The points of each graph, from one stream's segments (numbers as `tshark -2`
//! shows them: relative sequence numbers, `frame.time_relative`, the scaled
//! window).

use super::{Graph, Mark, Point, Series};
use crate::cli::GraphKind;
use crate::error::Error;
use crate::sniff::dissect::dissect_frame;
use crate::sniff::report::worksheet::tcp::{ambiguous, covering_ack, data_sender};
use crate::sniff::report::{addr, open, segment_of, walk, Seg, TcpConv};
use crate::sniff::tcp::flags;
use std::collections::BTreeSet;
use std::path::Path;

/// A SACK block (RFC 2018 §3) the receiver sent, relative to the sender's ISN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sack {
    /// `frame.number` of the ACK carrying it.
    pub frame: u32,
    /// Its `frame.time_relative`, seconds.
    pub time: f64,
    /// Left edge (first byte held).
    pub left: u32,
    /// Right edge (one past the last byte held).
    pub right: u32,
}

/// Nanoseconds to seconds.
fn s(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// The SACK blocks of the receiver's ACKs in `c` (a second light pass over the
/// file: the report scan keeps no SACK blocks).
pub fn sack_blocks(file: &Path, bpf: Option<&str>, c: &TcpConv) -> Result<Vec<Sack>, Error> {
    let sender = data_sender(c);
    let Some(offset) = c.all.iter().find(|x| x.from_client == sender).map(|x| x.seq_raw.wrapping_sub(x.seq)) else {
        return Ok(Vec::new());
    };
    let want: BTreeSet<u32> = c.all.iter().filter(|x| x.from_client != sender).map(|x| x.frame).collect();
    let (_, link) = open(file, bpf)?;
    let mut out = Vec::new();
    walk(file, bpf, |n, rel, f| {
        if !want.contains(&n) {
            return;
        }
        let d = dissect_frame(link, f.data, f.len as usize);
        if let Some(seg) = segment_of(&d, n, f.time) {
            let count = usize::from(seg.options.sack_count).min(seg.options.sack.len());
            for &(l, r) in &seg.options.sack[..count] {
                out.push(Sack { frame: n, time: s(rel), left: l.wrapping_sub(offset), right: r.wrapping_sub(offset) });
            }
        }
    })?;
    Ok(out)
}

/// The graph of `kind` for the data direction of `c`.
pub fn graph(c: &TcpConv, kind: GraphKind, sacks: &[Sack]) -> Graph {
    let sender = data_sender(c);
    let (from, to) = if sender { (&c.client, &c.server) } else { (&c.server, &c.client) };
    let dir = format!("TCP stream {}, {} → {}", c.index, addr(from), addr(to));
    let sent: Vec<&Seg> = c.all.iter().filter(|x| x.from_client == sender).collect();
    let acks: Vec<&Seg> = c.all.iter().filter(|x| x.from_client != sender && x.flags & flags::ACK != 0).collect();
    match kind {
        GraphKind::Tseq => tseq(dir, &sent, &acks, sacks),
        GraphKind::Rtt => rtt(dir, c, sender, &sent),
        GraphKind::Throughput => throughput(dir, &sent),
        GraphKind::Window => window(dir, &sent, &acks),
    }
}

fn series(name: &'static str, class: &'static str, glyph: char, mark: Mark, points: Vec<Point>) -> Series {
    Series { name, class, glyph, mark, points }
}

fn pt(frame: u32, x: f64, y: f64) -> Point {
    Point { frame, x, y, y2: y }
}

/// Stevens/tcptrace: each data segment a bar from seq to seq + len at its time,
/// the ACK line, the receive-window line (ack + window), retransmissions and SACKs.
fn tseq(dir: String, sent: &[&Seg], acks: &[&Seg], sacks: &[Sack]) -> Graph {
    let bar =
        |x: &&Seg| Point { frame: x.frame, x: s(x.rel), y: f64::from(x.seq), y2: f64::from(x.seq) + f64::from(x.len) };
    let data = |retrans: bool| sent.iter().filter(|x| x.len > 0 && x.is_retransmission() == retrans).map(bar).collect();
    let ack_line = acks.iter().map(|a| pt(a.frame, s(a.rel), f64::from(a.ack))).collect();
    let win_line = acks.iter().map(|a| pt(a.frame, s(a.rel), f64::from(a.ack) + a.win_calc as f64)).collect();
    let sack = sacks
        .iter()
        .map(|b| Point { frame: b.frame, x: b.time, y: f64::from(b.left), y2: f64::from(b.right) })
        .collect();
    Graph {
        title: format!("Time-sequence graph (Stevens/tcptrace): {dir}"),
        x_label: "Time (s)",
        y_label: "Sequence number (relative, bytes)",
        series: vec![
            series("receive window (ack + window)", "win", '~', Mark::Step, win_line),
            series("ACK", "ack", '_', Mark::Step, ack_line),
            series("SACK blocks", "sack", 'S', Mark::Bar, sack),
            series("segments", "seg", '|', Mark::Bar, data(false)),
            series("retransmissions", "retrans", 'R', Mark::Bar, data(true)),
        ],
        y_from_zero: false,
    }
}

/// RTT per acknowledged segment against its sequence number, in milliseconds
/// (Wireshark's Round Trip Time graph); retransmitted bytes give none (Karn).
fn rtt(dir: String, c: &TcpConv, sender: bool, sent: &[&Seg]) -> Graph {
    let points = sent
        .iter()
        .filter(|x| x.len > 0)
        .filter_map(|x| {
            let a = covering_ack(c, x, sender).filter(|a| !ambiguous(c, x, a))?;
            Some(pt(x.frame, f64::from(x.seq), s(a.rel - x.rel) * 1e3))
        })
        .collect();
    Graph {
        title: format!("Round-trip time: {dir}"),
        x_label: "Sequence number (relative, bytes)",
        y_label: "RTT (ms)",
        series: vec![series("RTT", "rtt", '*', Mark::Dot, points)],
        y_from_zero: true,
    }
}

/// Segments averaged over for throughput (Wireshark's moving average).
pub const AVERAGE_SEGMENTS: usize = 20;

/// Throughput at each data segment: the bytes of the last [`AVERAGE_SEGMENTS`]
/// segments over the time they span, in bytes per second.
fn throughput(dir: String, sent: &[&Seg]) -> Graph {
    let data: Vec<&&Seg> = sent.iter().filter(|x| x.len > 0).collect();
    let mut points = Vec::new();
    for (i, x) in data.iter().enumerate() {
        let first = i.saturating_sub(AVERAGE_SEGMENTS - 1);
        let span = x.rel - data[first].rel;
        if span <= 0 {
            continue;
        }
        // The first segment of the window starts the clock; its bytes are not counted.
        let bytes: u64 = data[first + 1..=i].iter().map(|y| u64::from(y.len)).sum();
        points.push(pt(x.frame, s(x.rel), bytes as f64 / s(span)));
    }
    Graph {
        title: format!("Throughput ({AVERAGE_SEGMENTS}-segment average): {dir}"),
        x_label: "Time (s)",
        y_label: "Throughput (bytes/s)",
        series: vec![series("throughput", "tput", '*', Mark::Line, points)],
        y_from_zero: true,
    }
}

/// The receiver's advertised window and the sender's bytes in flight over time.
fn window(dir: String, sent: &[&Seg], acks: &[&Seg]) -> Graph {
    let win = acks.iter().map(|a| pt(a.frame, s(a.rel), a.win_calc as f64)).collect();
    let mut acked: Option<u32> = None;
    let mut events: Vec<(i64, u32, bool)> = sent.iter().map(|x| (x.rel, x.frame, true)).collect();
    events.extend(acks.iter().map(|a| (a.rel, a.frame, false)));
    events.sort_by_key(|e| (e.0, e.1));
    let mut highest: u32 = 0;
    let mut flight = Vec::new();
    for (rel, frame, is_sent) in events {
        if is_sent {
            let Some(x) = sent.iter().find(|x| x.frame == frame) else { continue };
            highest = highest.max(x.nxtseq);
            if x.len > 0 {
                let base = acked.unwrap_or(x.seq);
                flight.push(pt(frame, s(rel), f64::from(highest.wrapping_sub(base))));
            }
        } else if let Some(a) = acks.iter().find(|a| a.frame == frame) {
            acked = Some(acked.map_or(a.ack, |p| p.max(a.ack)));
        }
    }
    Graph {
        title: format!("Window: {dir}"),
        x_label: "Time (s)",
        y_label: "Bytes",
        series: vec![
            series("receive window", "win", '~', Mark::Step, win),
            series("bytes in flight", "flight", '*', Mark::Dot, flight),
        ],
        y_from_zero: true,
    }
}
