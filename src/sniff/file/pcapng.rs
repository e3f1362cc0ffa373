//! The pcapng file format (draft-ietf-opsawg-pcapng): blocks of a type, a total
//! length, a body and the total length again. Parses one block body at a time
//! (the bytes between the 8-byte block header and the 4-byte trailer); the
//! byte order is the one of the current section.

use crate::sniff::file::error::{FileError, Problem};
use crate::sniff::file::time::Scale;
use crate::sniff::file::Interface;

/// Section Header Block (§4.1).
pub const SHB: u32 = 0x0a0d_0d0a;
/// Interface Description Block (§4.2).
pub const IDB: u32 = 1;
/// The obsolete Packet Block (Appendix A).
pub const PB: u32 = 2;
/// Simple Packet Block (§4.4).
pub const SPB: u32 = 3;
/// Enhanced Packet Block (§4.3).
pub const EPB: u32 = 6;
/// Byte-order magic of a section header, as the section's byte order writes it.
pub const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
/// Block header: type and total length.
pub const BLOCK_HEADER_LEN: usize = 8;
/// Block trailer: total length again.
pub const BLOCK_TRAILER_LEN: usize = 4;
/// The smallest block: header and trailer.
pub const MIN_BLOCK_LEN: u32 = (BLOCK_HEADER_LEN + BLOCK_TRAILER_LEN) as u32;
/// The section version this reads (§4.1: 1.0; 1.2 is written by some tools
/// for the same format).
const MAJOR: u16 = 1;
const MINORS: [u16; 2] = [0, 2];

/// Option codes (§3.5, §4.2, §4.3).
mod opt {
    pub const END: u16 = 0;
    pub const COMMENT: u16 = 1;
    pub const EPB_FLAGS: u16 = 2;
    pub const EPB_DROPCOUNT: u16 = 4;
    pub const IF_NAME: u16 = 2;
    pub const IF_DESCRIPTION: u16 = 3;
    pub const IF_TSRESOL: u16 = 9;
    pub const IF_FCSLEN: u16 = 13;
    pub const IF_TSOFFSET: u16 = 14;
    pub const IF_HARDWARE: u16 = 15;
}

/// Fixed part of bodies before their options or data.
const SHB_FIXED: usize = 16;
const IDB_FIXED: usize = 8;
const EPB_FIXED: usize = 20;
const PB_FIXED: usize = 20;
const SPB_FIXED: usize = 4;

/// Reads fields in the byte order of a pcapng section or a pcap file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    /// Big-endian section.
    pub big: bool,
}

impl Order {
    /// A u16 at `at`, if the slice holds it.
    pub fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let v = bytes(b, at)?;
        Some(if self.big { u16::from_be_bytes(v) } else { u16::from_le_bytes(v) })
    }

    /// A u32 at `at`, if the slice holds it.
    pub fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let v = bytes(b, at)?;
        Some(if self.big { u32::from_be_bytes(v) } else { u32::from_le_bytes(v) })
    }

    /// A u64 at `at`, if the slice holds it.
    pub fn u64(self, b: &[u8], at: usize) -> Option<u64> {
        let v = bytes(b, at)?;
        Some(if self.big { u64::from_be_bytes(v) } else { u64::from_le_bytes(v) })
    }
}

/// The `N` bytes at `at`, if the slice holds them.
fn bytes<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at + N)?.try_into().ok()
}

/// The byte order of a section, from the first 12 bytes of its header block
/// (type, length, byte-order magic).
pub fn section_order(head: &[u8; 12], offset: u64) -> Result<Order, FileError> {
    let magic = [head[8], head[9], head[10], head[11]];
    if u32::from_le_bytes(magic) == BYTE_ORDER_MAGIC {
        Ok(Order { big: false })
    } else if u32::from_be_bytes(magic) == BYTE_ORDER_MAGIC {
        Ok(Order { big: true })
    } else {
        Err(FileError::at(offset, Problem::UnknownFormat))
    }
}

/// Whether `head` starts with a section header block.
pub fn is_pcapng(head: &[u8]) -> bool {
    head.get(..4) == Some(&SHB.to_le_bytes())
}

/// Walks the options of a block (§3.5), calling `each` with code and value
/// until `opt_endofopt` or the end. `offset`: of the options in the file.
pub fn options(mut b: &[u8], order: Order, offset: u64, mut each: impl FnMut(u16, &[u8])) -> Result<(), FileError> {
    let mut at = offset;
    while b.len() >= 4 {
        let (code, len) = (order.u16(b, 0).unwrap_or(0), order.u16(b, 2).unwrap_or(0));
        if code == opt::END {
            return Ok(());
        }
        let padded = (usize::from(len) + 3) & !3;
        let Some(value) = b.get(4..4 + usize::from(len)) else {
            return Err(FileError::at(at, Problem::OptionOverrun { code, len }));
        };
        each(code, value);
        let step = (4 + padded).min(b.len());
        b = &b[step..];
        at += step as u64;
    }
    Ok(())
}

/// Checks a section header body (§4.1): version and well-formed options.
pub fn section_header(body: &[u8], order: Order, offset: u64) -> Result<(), FileError> {
    let (Some(major), Some(minor)) = (order.u16(body, 4), order.u16(body, 6)) else {
        return Err(FileError::at(offset, Problem::Truncated { what: "a section header block" }));
    };
    if major != MAJOR || !MINORS.contains(&minor) {
        return Err(FileError::at(offset + 4, Problem::Version { format: "pcapng", major, minor }));
    }
    options(body.get(SHB_FIXED..).unwrap_or(&[]), order, offset + SHB_FIXED as u64, |_, _| {})
}

/// An option's value as text (invalid UTF-8 replaced), without trailing NULs.
fn text(v: &[u8]) -> String {
    let end = v.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&v[..end]).into_owned()
}

/// Parses an interface description body (§4.2).
pub fn interface(body: &[u8], order: Order, offset: u64) -> Result<Interface, FileError> {
    let (Some(link_type), Some(snaplen)) = (order.u16(body, 0), order.u32(body, 4)) else {
        return Err(FileError::at(offset, Problem::Truncated { what: "an interface description block" }));
    };
    let mut i = Interface { link_type, snaplen, ..Interface::default() };
    let opts = body.get(IDB_FIXED..).unwrap_or(&[]);
    options(opts, order, offset + IDB_FIXED as u64, |code, v| match code {
        opt::IF_NAME => i.name = Some(text(v)),
        opt::IF_DESCRIPTION => i.description = Some(text(v)),
        opt::IF_HARDWARE => i.hardware = Some(text(v)),
        opt::IF_TSRESOL if !v.is_empty() => i.scale = Scale::of_tsresol(v[0]),
        opt::IF_TSOFFSET => {
            if let Some(s) = order.u64(v, 0) {
                i.offset_secs = s as i64;
            }
        }
        opt::IF_FCSLEN if !v.is_empty() => i.fcs_len = Some(v[0]),
        _ => {}
    })?;
    Ok(i)
}

/// A packet from an enhanced, simple or obsolete packet block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Interface id within the section.
    pub interface: u32,
    /// Timestamp in the interface's units (0 for a simple packet block).
    pub ts: u64,
    /// Length on the wire.
    pub len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
    /// The options after the data, and their offset in the file.
    pub options: Options<'a>,
}

/// Options of a block and their offset in the file.
pub type Options<'a> = (&'a [u8], u64);

/// The captured bytes at `at` of `body` and the options after them (padded to 4).
fn data_and_options(body: &[u8], at: usize, caplen: u32, offset: u64) -> Result<(&[u8], Options<'_>), FileError> {
    let end = at.checked_add(caplen as usize).filter(|&e| e <= body.len());
    let Some(end) = end else {
        return Err(FileError::at(offset, Problem::CaptureOverrun { caplen }));
    };
    let opts_at = ((end + 3) & !3).min(body.len());
    Ok((&body[at..end], (&body[opts_at..], offset + opts_at as u64)))
}

/// Parses an enhanced packet body (§4.3).
pub fn enhanced(body: &[u8], order: Order, offset: u64) -> Result<Packet<'_>, FileError> {
    let fields = (order.u32(body, 0), order.u32(body, 4), order.u32(body, 8), order.u32(body, 12), order.u32(body, 16));
    let (Some(interface), Some(hi), Some(lo), Some(caplen), Some(len)) = fields else {
        return Err(FileError::at(offset, Problem::Truncated { what: "an enhanced packet block" }));
    };
    let (data, options) = data_and_options(body, EPB_FIXED, caplen, offset)?;
    Ok(Packet { interface, ts: u64::from(hi) << 32 | u64::from(lo), len, data, options })
}

/// Parses an obsolete packet body (Appendix A): a 16-bit interface id and drop count.
pub fn obsolete(body: &[u8], order: Order, offset: u64) -> Result<Packet<'_>, FileError> {
    let fields = (order.u16(body, 0), order.u32(body, 4), order.u32(body, 8), order.u32(body, 12), order.u32(body, 16));
    let (Some(interface), Some(hi), Some(lo), Some(caplen), Some(len)) = fields else {
        return Err(FileError::at(offset, Problem::Truncated { what: "a packet block" }));
    };
    let (data, options) = data_and_options(body, PB_FIXED, caplen, offset)?;
    Ok(Packet { interface: u32::from(interface), ts: u64::from(hi) << 32 | u64::from(lo), len, data, options })
}

/// Parses a simple packet body (§4.4): interface 0, no timestamp; the captured
/// length is the smaller of the original length, the snap length and the body.
pub fn simple(body: &[u8], order: Order, snaplen: u32, offset: u64) -> Result<Packet<'_>, FileError> {
    let Some(len) = order.u32(body, 0) else {
        return Err(FileError::at(offset, Problem::Truncated { what: "a simple packet block" }));
    };
    let room = body.len() - SPB_FIXED;
    let mut caplen = (len as usize).min(room);
    if snaplen != 0 {
        caplen = caplen.min(snaplen as usize);
    }
    let data = &body[SPB_FIXED..SPB_FIXED + caplen];
    Ok(Packet { interface: 0, ts: 0, len, data, options: (&[], offset + body.len() as u64) })
}

/// What a packet block's options say besides its comments (§4.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PacketOptions {
    /// `epb_flags`: direction, reception type, FCS length, link-layer errors.
    pub flags: Option<u32>,
    /// `epb_dropcount`: packets lost between this one and the one before.
    pub drop_count: Option<u64>,
}

/// Appends the `opt_comment` options of a packet's options to `out` and
/// returns its flags and drop count.
pub fn packet_options(
    opts: &[u8],
    order: Order,
    offset: u64,
    out: &mut Vec<String>,
) -> Result<PacketOptions, FileError> {
    let mut found = PacketOptions::default();
    options(opts, order, offset, |code, v| match code {
        opt::COMMENT => out.push(text(v)),
        opt::EPB_FLAGS => found.flags = order.u32(v, 0),
        opt::EPB_DROPCOUNT => found.drop_count = order.u64(v, 0),
        _ => {}
    })?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LE: Order = Order { big: false };

    #[test]
    fn options_stop_at_end_and_catch_overruns() {
        let mut seen = Vec::new();
        let opts = [2, 0, 2, 0, b'l', b'o', 0, 0, 0, 0, 1, 0];
        options(&opts, LE, 0, |c, v| seen.push((c, v.to_vec()))).unwrap();
        assert_eq!(seen, vec![(2, b"lo".to_vec())]);
        let e = options(&[1, 0, 9, 0, b'x'], LE, 100, |_, _| {}).unwrap_err();
        assert!(matches!(e.problem, Problem::OptionOverrun { code: 1, len: 9 }));
        assert_eq!(e.offset, 100);
    }

    #[test]
    fn interface_options() {
        let mut body = vec![1, 0, 0, 0, 0, 0, 4, 0];
        body.extend([2, 0, 2, 0, b'l', b'o', 0, 0]);
        body.extend([3, 0, 3, 0, b'L', b'o', b'o', 0]);
        body.extend([9, 0, 1, 0, 9, 0, 0, 0]);
        body.extend([14, 0, 8, 0]);
        body.extend(5u64.to_le_bytes());
        let i = interface(&body, LE, 0).unwrap();
        assert_eq!((i.link_type, i.snaplen), (1, 0x4_0000));
        assert_eq!((i.name.as_deref(), i.description.as_deref()), (Some("lo"), Some("Loo")));
        assert_eq!((i.scale, i.offset_secs), (Scale::Mul(1), 5));
        assert_eq!(i.display_name(), "lo");
    }

    #[test]
    fn capture_longer_than_the_block_is_an_error() {
        let mut body = vec![0; 20];
        body[12] = 50;
        body.extend([0; 8]);
        assert!(matches!(enhanced(&body, LE, 8).unwrap_err().problem, Problem::CaptureOverrun { caplen: 50 }));
        assert!(matches!(enhanced(&body[..10], LE, 8).unwrap_err().problem, Problem::Truncated { .. }));
    }
}
