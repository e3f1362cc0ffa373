//! `socklab follow FILE --stream N`: a conversation's payload in order, as
//! Wireshark's Follow TCP/UDP Stream and `tshark -z follow,tcp,ascii,N` show it.
//! TCP data is placed by sequence number (RFC 9293 §3.4): a segment that starts
//! beyond the expected byte waits until the gap is filled, bytes already shown
//! (retransmissions, overlaps) are shown once.

use super::walk;
use crate::error::Error;
use crate::sniff::dissect::dissect_frame;
use crate::sniff::packet::Transport;
use crate::sniff::report::segment_of;
use crate::sniff::tcp::{flags, Endpoint, Tracker};
use crate::sniff::udp::UdpTracker;
use std::path::Path;

/// Most out-of-order segments kept waiting per direction.
const MAX_WAITING: usize = 4096;

/// One run of payload from one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Sent by node 1 (the receiver of the conversation's first packet).
    pub node1: bool,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A followed conversation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Followed {
    /// Node 0 (the sender of the first packet) and node 1.
    pub nodes: Option<(Endpoint, Endpoint)>,
    /// The payload in order.
    pub chunks: Vec<Chunk>,
    /// Payload bytes never shown because the segment before them was not captured.
    pub missing: u64,
}

/// Reassembly state of one TCP direction.
#[derive(Default)]
pub struct Reassembly {
    /// Next expected raw sequence number, once known.
    next: Option<u32>,
    /// Segments that arrived beyond `next`: raw sequence number and bytes.
    waiting: Vec<(u32, Vec<u8>)>,
}

/// `a` is at or before `b` in sequence space.
fn seq_le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

impl Reassembly {
    /// Sets the next expected sequence number (after a SYN: ISN + 1).
    pub fn start_at(&mut self, next: u32) {
        self.next.get_or_insert(next);
    }

    /// Accepts a segment's payload starting at raw `seq`; appends the bytes now in order to `out`.
    pub fn accept(&mut self, seq: u32, data: &[u8], out: &mut Vec<Vec<u8>>) {
        let next = *self.next.get_or_insert(seq);
        if !seq_le(seq, next) {
            if self.waiting.len() < MAX_WAITING {
                self.waiting.push((seq, data.to_vec()));
            }
            return;
        }
        self.take(seq, data, out);
        while let Some(i) = self.waiting.iter().position(|(s, _)| seq_le(*s, self.next.unwrap_or(*s))) {
            let (s, d) = self.waiting.swap_remove(i);
            self.take(s, &d, out);
        }
    }

    /// Appends the part of `data` (at `seq`, not after `next`) not shown yet.
    fn take(&mut self, seq: u32, data: &[u8], out: &mut Vec<Vec<u8>>) {
        let next = self.next.unwrap_or(seq);
        let skip = next.wrapping_sub(seq) as usize;
        if skip < data.len() {
            out.push(data[skip..].to_vec());
            self.next = Some(next.wrapping_add((data.len() - skip) as u32));
        }
    }

    /// The peer acknowledged `ack`: if that covers the first waiting segment, the
    /// bytes before it were received but not captured. Appends Wireshark's
    /// `[N bytes missing in capture file]` marker (with its NUL, as tshark 4.0
    /// prints it) and the data that is now in order; returns whether it did.
    pub fn acked(&mut self, ack: u32, out: &mut Vec<Vec<u8>>) -> bool {
        let Some(next) = self.next else { return false };
        let Some(lowest) = self.waiting.iter().map(|(s, _)| *s).min_by_key(|s| s.wrapping_sub(next)) else {
            return false;
        };
        if (ack.wrapping_sub(lowest) as i32) <= 0 {
            return false;
        }
        let mut marker = format!("[{} bytes missing in capture file]", lowest.wrapping_sub(next) as i32).into_bytes();
        marker.push(0);
        out.push(marker);
        self.next = Some(lowest);
        while let Some(i) = self.waiting.iter().position(|(s, _)| seq_le(*s, self.next.unwrap_or(*s))) {
            let (s, d) = self.waiting.swap_remove(i);
            self.take(s, &d, out);
        }
        true
    }

    /// Bytes still waiting behind a gap at the end.
    pub fn stranded(&self) -> u64 {
        self.waiting.iter().map(|(_, d)| d.len() as u64).sum()
    }
}

/// Follows TCP stream `index`.
pub fn tcp(file: &Path, bpf: Option<&str>, index: u32) -> Result<Followed, Error> {
    let (_, link) = super::open(file, bpf)?;
    let mut tracker = Tracker::new();
    let mut f = Followed::default();
    let mut dirs = [Reassembly::default(), Reassembly::default()];
    walk(file, bpf, |n, _, frame| {
        let d = dissect_frame(frame.link(link), frame.data, frame.len as usize);
        let Some(seg) = segment_of(&d, n, frame.time) else { return };
        let info = tracker.process(&seg);
        if info.stream != index {
            return;
        }
        let (n0, _) = *f.nodes.get_or_insert((seg.src, seg.dst));
        let side = usize::from(seg.src != n0);
        if seg.flags & flags::SYN != 0 {
            dirs[side].start_at(seg.seq.wrapping_add(1));
        }
        if seg.flags & flags::ACK != 0 {
            let mut out = Vec::new();
            while dirs[1 - side].acked(seg.ack, &mut out) {}
            for data in out {
                f.chunks.push(Chunk { node1: side == 0, data });
            }
        }
        let payload = d.payload;
        if payload.is_empty() {
            return;
        }
        let start = if seg.flags & flags::SYN != 0 { seg.seq.wrapping_add(1) } else { seg.seq };
        let mut out = Vec::new();
        dirs[side].accept(start, payload, &mut out);
        for data in out {
            f.chunks.push(Chunk { node1: side == 1, data });
        }
    })?;
    f.missing = dirs.iter().map(Reassembly::stranded).sum();
    Ok(f)
}

/// Follows UDP stream `index`: every datagram's payload in capture order.
pub fn udp(file: &Path, bpf: Option<&str>, index: u32) -> Result<Followed, Error> {
    let (_, link) = super::open(file, bpf)?;
    let mut tracker = UdpTracker::new();
    let mut f = Followed::default();
    walk(file, bpf, |_, _, frame| {
        let d = dissect_frame(frame.link(link), frame.data, frame.len as usize);
        let Transport::Udp(_) = d.transport else { return };
        let Some((src, dst)) = d.endpoints() else { return };
        if tracker.process(src, dst, frame.time).stream != index {
            return;
        }
        let (n0, _) = *f.nodes.get_or_insert((src, dst));
        if !d.payload.is_empty() {
            f.chunks.push(Chunk { node1: src != n0, data: d.payload.to_vec() });
        }
    })?;
    Ok(f)
}

/// The separator line of tshark's follow output.
const RULE: &str = "===================================================================";

/// The text tshark prints before the data.
fn preamble(f: &Followed, proto: &str, mode: &str, index: u32) -> String {
    let mut s = format!("\n{RULE}\nFollow: {proto},{mode}\nFilter: {proto}.stream eq {index}\n");
    if let Some((a, b)) = f.nodes {
        s.push_str(&format!("Node 0: {}\nNode 1: {}\n", super::addr(&a), super::addr(&b)));
    }
    s
}

/// ANSI colours of the two sides, as Wireshark's follow window (client red, server blue).
pub const COLOURS: [&str; 2] = ["\x1b[31m", "\x1b[34m"];

/// The conversation as `tshark -z follow,PROTO,ascii,N`: each chunk's length then
/// its bytes (non-printable bytes as `.`), node 1's lengths indented by a tab.
pub fn ascii(f: &Followed, proto: &str, index: u32, color: bool) -> String {
    let mut s = preamble(f, proto, "ascii", index);
    for c in &f.chunks {
        if color {
            s.push_str(COLOURS[usize::from(c.node1)]);
        }
        if c.node1 {
            s.push('\t');
        }
        s.push_str(&format!("{}\n", c.data.len()));
        s.extend(c.data.iter().map(|&b| {
            if matches!(b, b'\n' | b'\r') || (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        }));
        s.push('\n');
        if color {
            s.push_str(crate::sniff::render::ansi::RESET);
        }
    }
    s.push_str(&format!("{RULE}\n"));
    s
}

/// The conversation as `tshark -z follow,PROTO,hex,N`: a hexdump per chunk,
/// offsets counted per side, node 1's lines indented by a tab.
pub fn hex(f: &Followed, proto: &str, index: u32, color: bool) -> String {
    let mut s = preamble(f, proto, "hex", index);
    let mut offset = [0usize; 2];
    for c in &f.chunks {
        let side = usize::from(c.node1);
        for line in c.data.chunks(16) {
            if color {
                s.push_str(COLOURS[side]);
            }
            if c.node1 {
                s.push('\t');
            }
            s.push_str(&hex_line(offset[side], line));
            if color {
                s.push_str(crate::sniff::render::ansi::RESET);
            }
            s.push('\n');
            offset[side] += line.len();
        }
    }
    s.push_str(&format!("{RULE}\n"));
    s
}

/// One hexdump line: offset, 16 bytes in two groups of 8, then the ASCII view.
fn hex_line(offset: usize, bytes: &[u8]) -> String {
    let mut s = format!("{offset:08X}  ");
    for i in 0..16 {
        match bytes.get(i) {
            Some(b) => s.push_str(&format!("{b:02x} ")),
            None => s.push_str("   "),
        }
        if i == 7 {
            s.push(' ');
        }
    }
    s.push(' ');
    for (i, &b) in bytes.iter().enumerate() {
        if i == 8 {
            s.push(' ');
        }
        s.push(if (0x20..0x7f).contains(&b) { b as char } else { '.' });
    }
    // tshark drops one trailing blank (a line ending in a space byte loses it).
    if s.ends_with(' ') {
        s.pop();
    }
    s
}

/// Both sides' bytes in order, as they were exchanged.
pub fn raw(f: &Followed) -> Vec<u8> {
    f.chunks.iter().flat_map(|c| c.data.iter().copied()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(r: &mut Reassembly, seq: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        r.accept(seq, data, &mut out);
        out.concat()
    }

    #[test]
    fn out_of_order_segments_are_placed_by_sequence_number() {
        let mut r = Reassembly::default();
        r.start_at(100);
        assert_eq!(collect(&mut r, 105, b"world"), b"");
        assert_eq!(collect(&mut r, 100, b"hello"), b"helloworld");
    }

    #[test]
    fn retransmitted_bytes_are_shown_once() {
        let mut r = Reassembly::default();
        assert_eq!(collect(&mut r, 10, b"abcd"), b"abcd");
        assert_eq!(collect(&mut r, 10, b"abcd"), b"");
        assert_eq!(collect(&mut r, 12, b"cdef"), b"ef");
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut r = Reassembly::default();
        r.start_at(u32::MAX - 1);
        assert_eq!(collect(&mut r, 0, b"cd"), b"");
        assert_eq!(collect(&mut r, u32::MAX - 1, b"ab"), b"abcd");
        assert_eq!(r.stranded(), 0);
    }

    #[test]
    fn hex_line_layout_matches_tshark() {
        assert_eq!(
            hex_line(0, b"hello, server\n"),
            "00000000  68 65 6c 6c 6f 2c 20 73  65 72 76 65 72 0a        hello, s erver."
        );
    }
}
