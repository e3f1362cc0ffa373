//! Streams a pcap or pcapng file: reads it in large blocks through a
//! [`Window`] and hands each record or block, where it lies, to the parsers of
//! [`pcap`] and [`pcapng`]. Memory is one read block (or the largest record)
//! plus the interfaces of the current section, whatever the file size.

use crate::sniff::file::error::{FileError, Problem};
use crate::sniff::file::pcapng::{self, Order, BLOCK_HEADER_LEN, BLOCK_TRAILER_LEN, MIN_BLOCK_LEN};
use crate::sniff::file::time::pcap_nanos;
use crate::sniff::file::window::Window;
use crate::sniff::file::{pcap, Interface, Origin};
use crate::sniff::value::Nanos;
use std::io::Read;
use std::ops::Range;

/// The longest record or block read (libpcap and Wireshark allow 16 MiB blocks).
pub const MAX_RECORD: u32 = 16 * 1024 * 1024;
/// The smallest section header block: header, byte-order magic, version,
/// section length, trailer (§4.1).
const MIN_SHB_LEN: u32 = 28;

/// One packet read from the file, borrowed from the reader until the next read.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// Capture time, nanoseconds since the epoch.
    pub time: Nanos,
    /// Length on the wire.
    pub len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
    /// The link type of the packet's interface.
    pub link_type: u16,
    /// Section, interface and comments (pcapng only).
    pub origin: Option<Origin<'a>>,
}

/// Which format, with what its header said.
#[derive(Clone, Copy, Debug)]
enum Format {
    /// An empty file: no packets (as tshark reads it).
    Empty,
    Pcap(pcap::FileHeader),
    Pcapng(Order),
}

/// A streaming reader of a pcap or pcapng file.
pub struct Reader<R: Read> {
    src: Window<R>,
    /// Bytes consumed so far (the offset of the next read).
    pos: u64,
    format: Format,
    /// Where the current pcapng block lies in the window.
    block: Range<usize>,
    /// Type and offset of a pcapng block read ahead and not yet handled.
    pending: Option<(u32, u64)>,
    /// The section's interfaces (one implicit interface for pcap).
    interfaces: Vec<Interface>,
    /// Section number, from 1.
    section: u32,
    comments: Vec<String>,
    nanos: bool,
    /// The packet last read.
    cur: Current,
}

/// Where the packet last read lies in the buffer, and what was said about it.
#[derive(Clone, Debug, Default)]
struct Current {
    time: Nanos,
    len: u32,
    data: std::ops::Range<usize>,
    link_type: u16,
    /// Interface id (pcapng).
    interface: Option<u32>,
    /// `epb_flags` and `epb_dropcount` (pcapng).
    flags: Option<u32>,
    drop_count: Option<u64>,
}

/// Buffers `n` bytes of `src`: `Ok(false)` at a clean end of input (no byte
/// at all), a [`Problem::Truncated`] error when it ends part-way.
fn fill(src: &mut Window<impl Read>, n: usize, at: u64, what: &'static str) -> Result<bool, FileError> {
    match src.want(n) {
        Ok(got) if got == n => Ok(true),
        Ok(0) => Ok(false),
        Ok(_) => Err(FileError::at(at, Problem::Truncated { what })),
        Err(e) => Err(FileError::at(at, Problem::Io(e))),
    }
}

/// Like [`fill`], but the end of input is truncation too.
fn fill_all(src: &mut Window<impl Read>, n: usize, at: u64, what: &'static str) -> Result<(), FileError> {
    match fill(src, n, at, what)? {
        true => Ok(()),
        false if n == 0 => Ok(()),
        false => Err(FileError::at(at, Problem::Truncated { what })),
    }
}

impl<R: Read> Reader<R> {
    /// Reads the file header (pcap) or the first section header and the blocks
    /// up to the first interface description (pcapng).
    pub fn new(src: R) -> Result<Reader<R>, FileError> {
        let mut r = Reader {
            src: Window::new(src),
            pos: 0,
            format: Format::Pcapng(Order { big: false }),
            block: 0..0,
            pending: None,
            interfaces: Vec::new(),
            section: 0,
            comments: Vec::new(),
            nanos: false,
            cur: Current::default(),
        };
        let empty = !fill(&mut r.src, 4, 0, "the file header")?;
        let magic: [u8; 4] = r.src.peek(4).try_into().unwrap_or_default();
        if empty {
            r.format = Format::Empty;
        } else if pcap::is_pcap(&magic) {
            fill_all(&mut r.src, pcap::FILE_HEADER_LEN, 0, "the pcap file header")?;
            let head = r.src.take(pcap::FILE_HEADER_LEN);
            let head: &[u8; pcap::FILE_HEADER_LEN] = r.src.bytes(head).try_into().expect("the header was buffered");
            r.pos = pcap::FILE_HEADER_LEN as u64;
            let h = pcap::file_header(head)?;
            r.format = Format::Pcap(h);
            r.nanos = h.nanos;
            r.interfaces.push(Interface { link_type: h.link_type, snaplen: h.snaplen, ..Interface::default() });
        } else if pcapng::is_pcapng(&magic) {
            r.read_ahead()?;
        } else {
            return Err(FileError::at(0, Problem::UnknownFormat));
        }
        Ok(r)
    }

    /// Handles pcapng blocks until the first interface description is known,
    /// keeping a packet block met first for [`Reader::next`].
    fn read_ahead(&mut self) -> Result<(), FileError> {
        while let Some((ty, at)) = self.block()? {
            match ty {
                pcapng::EPB | pcapng::PB | pcapng::SPB => {
                    self.pending = Some((ty, at));
                    return Ok(());
                }
                _ => {
                    self.handle_meta(ty, at)?;
                    if !self.interfaces.is_empty() {
                        self.nanos = self.interfaces[0].scale.finer_than_micro();
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether timestamps count finer than microseconds (pcap's nanosecond
    /// magic, or the first pcapng interface's `if_tsresol`).
    pub fn nanosecond_resolution(&self) -> bool {
        self.nanos
    }

    /// The link type of a pcap file, or of the first interface of a pcapng file
    /// (None: a pcapng file without interfaces so far).
    pub fn first_link_type(&self) -> Option<u16> {
        self.interfaces.first().map(|i| i.link_type)
    }

    /// The next packet, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, FileError> {
        Ok(if self.advance()? { Some(self.record()) } else { None })
    }

    /// Reads the next packet (then see [`Reader::record`]); false at the end of the file.
    pub fn advance(&mut self) -> Result<bool, FileError> {
        match self.format {
            Format::Empty => Ok(false),
            Format::Pcap(h) => self.advance_pcap(h),
            Format::Pcapng(_) => self.advance_pcapng(),
        }
    }

    /// The packet the last successful [`Reader::advance`] read.
    pub fn record(&self) -> Record<'_> {
        let c = &self.cur;
        let origin = c.interface.and_then(|id| {
            Some(Origin {
                section: self.section,
                interface_id: id,
                interface: self.interfaces.get(id as usize)?,
                comments: &self.comments,
                flags: c.flags,
                drop_count: c.drop_count,
            })
        });
        Record { time: c.time, len: c.len, data: self.src.bytes(c.data.clone()), link_type: c.link_type, origin }
    }

    fn advance_pcap(&mut self, h: pcap::FileHeader) -> Result<bool, FileError> {
        let at = self.pos;
        let head_len = h.record_header_len();
        if !fill(&mut self.src, head_len, at, "a record header")? {
            return Ok(false);
        }
        let fixed: &[u8; pcap::RECORD_HEADER_LEN] =
            self.src.peek(pcap::RECORD_HEADER_LEN).try_into().expect("record header slice has its length");
        let rh = pcap::record_header(fixed, &h);
        if rh.caplen > MAX_RECORD {
            return Err(FileError::at(at, Problem::TooLong { what: "a record", len: u64::from(rh.caplen) }));
        }
        let whole = head_len + rh.caplen as usize;
        fill_all(&mut self.src, whole, at, "a record's captured bytes")?;
        let record = self.src.take(whole);
        self.pos += whole as u64;
        self.cur = Current {
            time: pcap_nanos(rh.secs, rh.frac, h.nanos),
            len: rh.len,
            data: record.start + head_len..record.end,
            link_type: h.link_type,
            interface: None,
            flags: None,
            drop_count: None,
        };
        Ok(true)
    }

    /// Reads the next pcapng block whole (see [`Reader::body`]): its type and
    /// offset, `None` at the end of the file. A section header sets the byte
    /// order first.
    fn block(&mut self) -> Result<Option<(u32, u64)>, FileError> {
        let at = self.pos;
        if !fill(&mut self.src, 4, at, "a block header")? {
            return Ok(None);
        }
        fill_all(&mut self.src, 8, at, "a block header")?;
        if self.src.peek(4) == pcapng::SHB.to_le_bytes() {
            fill_all(&mut self.src, 12, at, "a section header block")?;
            let head: &[u8; 12] = self.src.peek(12).try_into().expect("12 bytes");
            self.format = Format::Pcapng(pcapng::section_order(head, at)?);
        }
        let Format::Pcapng(order) = self.format else { unreachable!("block() is only called on pcapng files") };
        let head = self.src.peek(8);
        let ty = order.u32(head, 0).unwrap_or(0);
        let len = order.u32(head, 4).unwrap_or(0);
        let min = if ty == pcapng::SHB { MIN_SHB_LEN } else { MIN_BLOCK_LEN };
        if len < min || len % 4 != 0 {
            return Err(FileError::at(at, Problem::BlockLength { block: ty, len }));
        }
        if len > MAX_RECORD {
            return Err(FileError::at(at, Problem::TooLong { what: "a block", len: u64::from(len) }));
        }
        fill_all(&mut self.src, len as usize, at, "a block")?;
        self.block = self.src.take(len as usize);
        self.pos = at + u64::from(len);
        let tail = order.u32(self.src.bytes(self.block.clone()), len as usize - BLOCK_TRAILER_LEN).unwrap_or(0);
        if tail != len {
            return Err(FileError::at(at, Problem::TrailerMismatch { head: len, tail }));
        }
        Ok(Some((ty, at)))
    }

    /// The body of the block last read (between header and trailer).
    fn body(&self) -> &[u8] {
        self.src.bytes(self.block.start + BLOCK_HEADER_LEN..self.block.end - BLOCK_TRAILER_LEN)
    }

    /// Handles a block that is not a packet: a new section, an interface, or
    /// one skipped (statistics, name resolution, secrets, custom, unknown).
    fn handle_meta(&mut self, ty: u32, at: u64) -> Result<(), FileError> {
        let Format::Pcapng(order) = self.format else { return Ok(()) };
        let body_at = at + BLOCK_HEADER_LEN as u64;
        match ty {
            pcapng::SHB => {
                pcapng::section_header(self.body(), order, body_at)?;
                self.section += 1;
                self.interfaces.clear();
            }
            pcapng::IDB => {
                let i = pcapng::interface(self.body(), order, body_at)?;
                self.interfaces.push(i);
            }
            _ => {}
        }
        Ok(())
    }

    fn advance_pcapng(&mut self) -> Result<bool, FileError> {
        loop {
            let (ty, at) = match self.pending.take() {
                Some(p) => p,
                None => match self.block()? {
                    Some(b) => b,
                    None => return Ok(false),
                },
            };
            if !matches!(ty, pcapng::EPB | pcapng::PB | pcapng::SPB) {
                self.handle_meta(ty, at)?;
                continue;
            }
            let Format::Pcapng(order) = self.format else { unreachable!("pcapng reader") };
            let body_at = at + BLOCK_HEADER_LEN as u64;
            let body = self.src.bytes(self.block.start + BLOCK_HEADER_LEN..self.block.end - BLOCK_TRAILER_LEN);
            let snaplen0 = self.interfaces.first().map_or(0, |i| i.snaplen);
            let p = match ty {
                pcapng::EPB => pcapng::enhanced(body, order, body_at)?,
                pcapng::PB => pcapng::obsolete(body, order, body_at)?,
                _ => pcapng::simple(body, order, snaplen0, body_at)?,
            };
            let Some(iface) = self.interfaces.get(p.interface as usize) else {
                let count = self.interfaces.len();
                return Err(FileError::at(at, Problem::UnknownInterface { id: p.interface, count }));
            };
            self.comments.clear();
            let extra = pcapng::packet_options(p.options.0, order, p.options.1, &mut self.comments)?;
            let start = self.block.start + BLOCK_HEADER_LEN + (p.data.as_ptr() as usize - body.as_ptr() as usize);
            self.cur = Current {
                time: if ty == pcapng::SPB { 0 } else { iface.scale.nanos(p.ts, iface.offset_secs) },
                len: p.len,
                data: start..start + p.data.len(),
                link_type: iface.link_type,
                interface: Some(p.interface),
                flags: extra.flags,
                drop_count: extra.drop_count,
            };
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::file::writer::{pcap_file, InterfaceSpec, PcapngWriter};

    /// A frame's worth of bytes.
    const DATA: &[u8] = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09";

    /// Two sections in `big`-endian order: the first with a named, described
    /// nanosecond loopback and an Ethernet interface, packets with comments,
    /// an unknown block and a simple packet; the second with one interface.
    fn sample(big: bool) -> Vec<u8> {
        let mut w = PcapngWriter::new(Vec::new(), big).unwrap();
        let lo = InterfaceSpec {
            link_type: 0,
            name: Some("lo".into()),
            description: Some("Loopback".into()),
            tsresol: Some(9),
            tsoffset: Some(10),
            ..InterfaceSpec::default()
        };
        w.interface(&lo).unwrap();
        w.interface(&InterfaceSpec { link_type: 1, snaplen: 4, ..InterfaceSpec::default() }).unwrap();
        w.packet(0, 1_500, 10, DATA, &["first", "second"]).unwrap();
        w.block(0x0bad, &[1, 2, 3, 4, 5]).unwrap();
        w.packet(1, 2_000_000, 20, &DATA[..4], &[]).unwrap();
        w.simple(10, DATA).unwrap();
        w.section().unwrap();
        w.interface(&InterfaceSpec { link_type: 101, name: Some("eth0".into()), ..InterfaceSpec::default() }).unwrap();
        w.packet(0, 7, 3, &DATA[..3], &["other section"]).unwrap();
        w.into_inner()
    }

    /// (time, len, data, link type, section, interface id, name, comments) of every record.
    type Seen = (i64, u32, Vec<u8>, u16, Option<(u32, u32, String, Vec<String>)>);

    fn read_all(bytes: &[u8]) -> Result<Vec<Seen>, FileError> {
        let mut r = Reader::new(bytes)?;
        let mut out = Vec::new();
        while let Some(rec) = r.next_record()? {
            let origin = rec
                .origin
                .map(|o| (o.section, o.interface_id, o.interface.display_name().to_string(), o.comments.to_vec()));
            out.push((rec.time, rec.len, rec.data.to_vec(), rec.link_type, origin));
        }
        Ok(out)
    }

    #[test]
    fn pcapng_round_trip_in_both_byte_orders() {
        for big in [false, true] {
            let bytes = sample(big);
            let r = Reader::new(&bytes[..]).unwrap();
            assert!(r.nanosecond_resolution());
            assert_eq!(r.first_link_type(), Some(0));
            let seen = read_all(&bytes).unwrap();
            let origin = |s: u32, i: u32, n: &str, c: &[&str]| {
                Some((s, i, n.to_string(), c.iter().map(|c| c.to_string()).collect::<Vec<_>>()))
            };
            let expected: Vec<Seen> = vec![
                (10_000_001_500, 10, DATA.to_vec(), 0, origin(1, 0, "lo", &["first", "second"])),
                (2_000_000_000, 20, DATA[..4].to_vec(), 1, origin(1, 1, "unknown", &[])),
                (0, 10, DATA.to_vec(), 0, origin(1, 0, "lo", &[])),
                (7_000, 3, DATA[..3].to_vec(), 101, origin(2, 0, "eth0", &["other section"])),
            ];
            assert_eq!(seen, expected, "big-endian: {big}");
        }
    }

    #[test]
    fn pcap_in_both_byte_orders_and_resolutions() {
        for (big, nanos) in [(false, false), (true, false), (false, true), (true, true)] {
            let bytes = pcap_file(big, nanos, 113, &[(3, 5, 60, DATA), (4, 0, 4, &DATA[..4])]);
            let r = Reader::new(&bytes[..]).unwrap();
            assert_eq!((r.nanosecond_resolution(), r.first_link_type()), (nanos, Some(113)));
            let seen = read_all(&bytes).unwrap();
            let frac = if nanos { 5 } else { 5_000 };
            assert_eq!(
                seen,
                vec![
                    (3_000_000_000 + frac, 60, DATA.to_vec(), 113, None),
                    (4_000_000_000, 4, DATA[..4].to_vec(), 113, None)
                ]
            );
        }
    }

    #[test]
    fn empty_file_has_no_packets() {
        assert!(read_all(&[]).unwrap().is_empty());
        assert!(matches!(read_all(&[0xd4, 0xc3]).unwrap_err().problem, Problem::Truncated { .. }));
    }

    #[test]
    fn pcapng_without_interfaces_has_no_link_type() {
        let bytes = PcapngWriter::new(Vec::new(), false).unwrap().into_inner();
        let r = Reader::new(&bytes[..]).unwrap();
        assert_eq!(r.first_link_type(), None);
        assert!(read_all(&bytes).unwrap().is_empty());
    }

    #[test]
    fn packet_before_any_interface_is_an_error() {
        let mut w = PcapngWriter::new(Vec::new(), false).unwrap();
        w.packet(0, 1, 1, b"x", &[]).unwrap();
        let e = read_all(&w.into_inner()).unwrap_err();
        assert!(matches!(e.problem, Problem::UnknownInterface { id: 0, count: 0 }), "{e}");
        assert_eq!(e.offset, 28);
    }

    #[test]
    fn bad_block_lengths_are_errors_with_offsets() {
        let mut bytes = sample(false);
        // The first IDB starts after the 28-byte SHB: make its length 21.
        bytes[32] = 21;
        let e = read_all(&bytes).unwrap_err();
        assert!(matches!(e.problem, Problem::BlockLength { block: 1, len: 21 }), "{e}");
        assert_eq!(e.offset, 28);
        let mut bytes = sample(false);
        let n = bytes.len();
        bytes[n - 1] = 9;
        assert!(matches!(read_all(&bytes).unwrap_err().problem, Problem::TrailerMismatch { .. }));
    }

    /// Every truncation of the sample files, and random bytes behind valid
    /// headers, end in a record list or a typed error: never a panic.
    #[test]
    fn truncations_and_random_bytes_never_panic() {
        let pcap = pcap_file(false, false, 1, &[(1, 2, 10, DATA), (3, 4, 10, DATA)]);
        for whole in [sample(false), sample(true), pcap] {
            for n in 0..whole.len() {
                match read_all(&whole[..n]) {
                    Ok(_) => {}
                    Err(e) => assert!(e.offset <= n as u64, "offset {} past the end {n}", e.offset),
                }
            }
        }
        // A small xorshift generator: deterministic, no dependency.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let heads = [sample(false)[..28].to_vec(), sample(true)[..28].to_vec(), pcap_file(false, true, 1, &[])];
        for round in 0..1500 {
            let mut bytes = heads[round % heads.len()].clone();
            let len = (next() % 300) as usize;
            bytes.extend((0..len).map(|_| next() as u8));
            let _ = read_all(&bytes);
            // Also flip one byte of a valid file.
            let mut s = sample(round % 2 == 0);
            let at = (next() as usize) % s.len();
            s[at] = next() as u8;
            let _ = read_all(&s);
        }
    }
}
