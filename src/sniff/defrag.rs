//! IP fragment reassembly, as tshark does it: IPv4 fragments (RFC 791 §3.2,
//! "fragmentation and reassembly") and IPv6 fragment headers (RFC 8200 §4.5).
//! Fragments of one datagram (same source, destination, protocol and
//! identification) are collected in any order; the fragment that completes the
//! datagram carries its transport layer, the others show only IP and data and
//! name the frame that completes them (`[Reassembled in #N]`).
//!
//! Overlapping and duplicate fragments are accepted (the later bytes win, as in
//! tshark's default); a datagram completes once every byte from offset 0 to the
//! end the last fragment (more-fragments clear) gives has arrived.
//!
//! Memory is bounded: at most [`MAX_PENDING`] datagrams wait at once (the oldest
//! is dropped for a new one), none grows past the 65,535 bytes an IP datagram
//! can hold nor past [`MAX_FRAGMENTS`] fragments, and a datagram still
//! incomplete [`TIMEOUT_FRAMES`] frames after its first fragment is forgotten.
//! Sans-I/O: bytes in, bytes out.

use std::net::IpAddr;

/// Most datagrams being reassembled at once.
pub const MAX_PENDING: usize = 64;
/// Frames after its first fragment by which a datagram must be complete.
pub const TIMEOUT_FRAMES: u32 = 10_000;
/// Largest IPv4 payload: total length 65,535 less the 20-byte minimal header
/// (an IPv6 payload without jumbogram is at most 65,535 less its fragment header).
pub const MAX_PAYLOAD: usize = 65_535 - 20;
/// Most fragments one datagram may take (more is hostile: 8-byte pieces of
/// the largest datagram are 8,189); the datagram is dropped beyond it.
pub const MAX_FRAGMENTS: usize = 1024;

/// What identifies the fragments of one datagram (RFC 791 §3.2, RFC 8200 §4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragmentKey {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Protocol of the payload (IPv4's protocol, the fragment header's next header).
    pub proto: u8,
    /// Identification (16 bits in IPv4, 32 in IPv6).
    pub id: u32,
}

/// One fragment: where its bytes go and whether more follow.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    /// The datagram it belongs to.
    pub key: FragmentKey,
    /// Byte offset of `data` in the datagram's payload (fragment offset × 8).
    pub offset: usize,
    /// The more-fragments flag.
    pub more: bool,
    /// The fragment's payload, complete (as the IP header declares it).
    pub data: &'a [u8],
}

/// One fragment of a reassembled datagram: its frame and the payload bytes it gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Frame number.
    pub frame: u32,
    /// Byte offset in the reassembled payload.
    pub offset: usize,
    /// Bytes it carried.
    pub len: usize,
}

/// A datagram reassembled by the frame at hand: its fragments and its bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reassembled<'a> {
    /// The fragments, by offset.
    pub pieces: &'a [Piece],
    /// The reassembled payload.
    pub data: &'a [u8],
}

/// A datagram being put together.
struct Pending {
    key: FragmentKey,
    first_frame: u32,
    buf: Vec<u8>,
    /// Byte ranges received, sorted and merged.
    have: Vec<(usize, usize)>,
    /// Payload length, known once the last fragment (MF clear) arrived.
    total: Option<usize>,
    /// The fragments received, in arrival order.
    pieces: Vec<Piece>,
}

impl Pending {
    /// Records `[start, end)` as received, keeping `have` sorted and merged.
    fn mark(&mut self, start: usize, end: usize) {
        let (mut lo, mut hi) = (start, end);
        self.have.retain(|&(a, b)| {
            if b < lo || a > hi {
                true
            } else {
                lo = lo.min(a);
                hi = hi.max(b);
                false
            }
        });
        let at = self.have.partition_point(|&(a, _)| a < lo);
        self.have.insert(at, (lo, hi));
    }

    /// Every byte from 0 to the end the last fragment gives has arrived (bytes
    /// past that end, from a fragment too long, are cut off as tshark does).
    fn complete(&self) -> bool {
        self.total.is_some_and(|t| self.have.first().is_some_and(|&(a, b)| a == 0 && b >= t))
    }
}

/// The reassembly table.
#[derive(Default)]
pub struct Defragmenter {
    pending: Vec<Pending>,
    done: Vec<u8>,
    done_pieces: Vec<Piece>,
}

impl Defragmenter {
    /// An empty table.
    pub fn new() -> Defragmenter {
        Defragmenter::default()
    }

    /// Adds fragment `f` of frame `frame`. Returns the whole payload when `f`
    /// completes its datagram (valid until the next call), else `None`. Fragments
    /// that would not fit an IP datagram are ignored; a datagram sent in more
    /// than [`MAX_FRAGMENTS`] pieces is dropped.
    pub fn add(&mut self, f: &Fragment<'_>, frame: u32) -> Option<&[u8]> {
        let end = f.offset.checked_add(f.data.len()).filter(|&e| e <= MAX_PAYLOAD)?;
        self.pending.retain(|p| frame.saturating_sub(p.first_frame) <= TIMEOUT_FRAMES);
        let i = self.slot(f.key, frame);
        let p = &mut self.pending[i];
        if p.pieces.len() == MAX_FRAGMENTS {
            self.pending.remove(i);
            return None;
        }
        if p.buf.len() < end {
            p.buf.resize(end, 0);
        }
        p.buf[f.offset..end].copy_from_slice(f.data);
        p.mark(f.offset, end);
        p.pieces.push(Piece { frame, offset: f.offset, len: f.data.len() });
        if !f.more {
            p.total = Some(end);
        }
        if !p.complete() {
            return None;
        }
        let mut p = self.pending.remove(i);
        p.buf.truncate(p.total.unwrap_or(0));
        p.pieces.sort_by_key(|x| x.offset);
        self.done = p.buf;
        self.done_pieces = p.pieces;
        Some(&self.done)
    }

    /// The index of the datagram `key` in the table, added (dropping the
    /// oldest when full) if new.
    fn slot(&mut self, key: FragmentKey, frame: u32) -> usize {
        if let Some(i) = self.pending.iter().position(|p| p.key == key) {
            return i;
        }
        if self.pending.len() == MAX_PENDING {
            self.pending.remove(0);
        }
        self.pending.push(Pending {
            key,
            first_frame: frame,
            buf: Vec::new(),
            have: Vec::new(),
            total: None,
            pieces: Vec::new(),
        });
        self.pending.len() - 1
    }

    /// The payload of the datagram the last completing fragment finished.
    pub fn last_done(&self) -> &[u8] {
        &self.done
    }

    /// The fragments of that datagram, by offset.
    pub fn last_pieces(&self) -> &[Piece] {
        &self.done_pieces
    }

    /// The last completed datagram: fragments and bytes.
    pub fn last(&self) -> Reassembled<'_> {
        Reassembled { pieces: &self.done_pieces, data: &self.done }
    }

    /// Datagrams waiting for fragments.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: u16) -> FragmentKey {
        FragmentKey { src: [10, 0, 0, 1].into(), dst: [10, 0, 0, 2].into(), proto: 17, id: u32::from(id) }
    }

    fn frag(id: u16, offset: usize, more: bool, data: &[u8]) -> Fragment<'_> {
        Fragment { key: key(id), offset, more, data }
    }

    #[test]
    fn fragments_in_any_order_complete_on_the_last_one_received() {
        let mut d = Defragmenter::new();
        assert_eq!(d.add(&frag(7, 8, false, b"IJ"), 1), None);
        assert_eq!(d.add(&frag(8, 0, true, b"xxxxxxxx"), 2), None);
        assert_eq!(d.add(&frag(7, 0, true, b"ABCDEFGH"), 3), Some(&b"ABCDEFGHIJ"[..]));
        assert_eq!(d.pending(), 1);
        assert_eq!(d.last_done(), b"ABCDEFGHIJ");
    }

    #[test]
    fn overlaps_and_duplicates_do_not_complete_early() {
        let mut d = Defragmenter::new();
        assert_eq!(d.add(&frag(1, 0, true, b"ABCDEFGH"), 1), None);
        assert_eq!(d.add(&frag(1, 0, true, b"ABCDEFGH"), 2), None);
        assert_eq!(d.add(&frag(1, 24, false, b"Z"), 3), None);
        assert_eq!(d.add(&frag(1, 8, true, b"IJKLMNOP"), 4), None);
        assert_eq!(d.add(&frag(1, 16, true, b"QRSTUVWX"), 5).map(<[u8]>::len), Some(25));
    }

    #[test]
    fn a_fragment_past_the_last_ones_end_is_cut_off() {
        // Teardrop (lwerdna-filesamples/teardrop.pcap): 36 bytes at 0, then the last at 24..28.
        let mut d = Defragmenter::new();
        assert_eq!(d.add(&frag(1, 0, true, &[7; 36]), 1), None);
        assert_eq!(d.add(&frag(1, 24, false, b"WXYZ"), 2).map(<[u8]>::to_vec), Some([&[7; 24][..], b"WXYZ"].concat()));
        assert_eq!(d.last_pieces(), [Piece { frame: 1, offset: 0, len: 36 }, Piece { frame: 2, offset: 24, len: 4 }]);
    }

    #[test]
    fn later_bytes_win_an_overlap_and_too_many_pieces_drop_the_datagram() {
        let mut d = Defragmenter::new();
        d.add(&frag(1, 0, true, b"AAAAAAAA"), 1);
        d.add(&frag(1, 0, true, b"BBBBBBBB"), 2);
        assert_eq!(d.add(&frag(1, 8, false, b"C"), 3), Some(&b"BBBBBBBBC"[..]));
        for i in 0..MAX_FRAGMENTS {
            d.add(&frag(2, 0, true, b"xxxxxxxx"), i as u32);
        }
        assert_eq!(d.pending(), 1);
        assert_eq!(d.add(&frag(2, 8, false, b"y"), 5000), None, "dropped at the bound");
        let v6 = FragmentKey {
            src: "2001:db8::1".parse().unwrap(),
            dst: "2001:db8::2".parse().unwrap(),
            proto: 58,
            id: 0xcde0_0817,
        };
        assert_eq!(d.add(&Fragment { key: v6, offset: 0, more: false, data: b"z" }, 6000), Some(&b"z"[..]));
    }

    #[test]
    fn memory_is_bounded() {
        let mut d = Defragmenter::new();
        for id in 0..(MAX_PENDING as u16 * 2) {
            d.add(&frag(id, 0, true, &[0; 8]), 1);
        }
        assert_eq!(d.pending(), MAX_PENDING);
        assert_eq!(d.add(&frag(0, 8, false, &[0; 8]), 2), None, "the oldest was dropped");
        d.add(&frag(999, 0, true, &[0; 8]), 3 + TIMEOUT_FRAMES);
        assert_eq!(d.pending(), 1, "timed-out datagrams are forgotten");
        assert_eq!(d.add(&frag(5, MAX_PAYLOAD, false, &[0; 8]), 4 + TIMEOUT_FRAMES), None);
    }
}
