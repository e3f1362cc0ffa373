//! The pcap file format (draft-ietf-opsawg-pcap): a 24-byte file header, then
//! records of a 16-byte header and the captured bytes. Parses byte slices only.

use crate::sniff::file::error::{FileError, Problem};
use crate::sniff::file::pcapng::Order;

/// Length of the file header (§4).
pub const FILE_HEADER_LEN: usize = 24;
/// Length of a record header (§5).
pub const RECORD_HEADER_LEN: usize = 16;
/// Length of a record header of the modified ("Kuznetzov") format: the
/// standard one plus interface index (4), protocol (2), packet type (1), pad (1).
pub const MODIFIED_RECORD_HEADER_LEN: usize = 24;

/// Magic of a microsecond file, as written by its own byte order.
const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
/// Magic of a nanosecond file.
const MAGIC_NANO: u32 = 0xa1b2_3c4d;
/// Magic of the modified format (microsecond), which libpcap reads too.
const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
/// Every magic this reads.
const MAGICS: [u32; 3] = [MAGIC_MICRO, MAGIC_NANO, MAGIC_MODIFIED];
/// The only major version.
const MAJOR: u16 = 2;
/// The minor version in which the order of the record lengths changed.
const LENGTHS_REORDERED: u16 = 3;
/// Offsets in the file header (§4).
const OFF_MAJOR: usize = 4;
const OFF_MINOR: usize = 6;
const OFF_SNAPLEN: usize = 16;
const OFF_LINKTYPE: usize = 20;
/// Bits of the link-type field that must be zero (§4: bits 16-25 reserved;
/// 26-31 hold the FCS length and its flag).
const LINK_RESERVED: u32 = 0x03ff_0000;
/// The link type proper (§4: the low 16 bits).
const LINK_TYPE: u32 = 0xffff;

/// Whether `head` starts with a pcap magic number (either byte order).
pub fn is_pcap(head: &[u8]) -> bool {
    let Some(b) = head.get(..4) else { return false };
    let m = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    MAGICS.iter().any(|&x| x == m || x.swap_bytes() == m)
}

/// What the file header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileHeader {
    /// Fields are big-endian.
    pub big_endian: bool,
    /// Record times count nanoseconds (else microseconds).
    pub nanos: bool,
    /// Record headers are [`MODIFIED_RECORD_HEADER_LEN`] bytes.
    pub modified: bool,
    /// The link type.
    pub link_type: u16,
    /// Bytes kept of each packet.
    pub snaplen: u32,
    /// The minor version: before 2.3 records hold the captured and original
    /// lengths the other way round; 2.3 files were written both ways (libpcap
    /// and Wireshark swap them back then, when the captured one is the larger).
    pub minor: u16,
}

impl FileHeader {
    /// Length of each record header.
    pub fn record_header_len(&self) -> usize {
        if self.modified {
            MODIFIED_RECORD_HEADER_LEN
        } else {
            RECORD_HEADER_LEN
        }
    }
}

/// Parses the file header (at least [`FILE_HEADER_LEN`] bytes).
pub fn file_header(b: &[u8]) -> Result<FileHeader, FileError> {
    let b: &[u8; FILE_HEADER_LEN] = b
        .get(..FILE_HEADER_LEN)
        .and_then(|s| s.try_into().ok())
        .ok_or(FileError::at(0, Problem::Truncated { what: "the pcap file header" }))?;
    let le = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let (magic, big_endian) = if MAGICS.contains(&le) { (le, false) } else { (le.swap_bytes(), true) };
    let order = Order { big: big_endian };
    // In range: `b` holds the whole header.
    let u16_at = |at: usize| order.u16(b, at).unwrap_or(0);
    let u32_at = |at: usize| order.u32(b, at).unwrap_or(0);
    if !MAGICS.contains(&magic) {
        return Err(FileError::at(0, Problem::UnknownFormat));
    }
    let (major, minor) = (u16_at(OFF_MAJOR), u16_at(OFF_MINOR));
    if major != MAJOR {
        return Err(FileError::at(OFF_MAJOR as u64, Problem::Version { format: "pcap", major, minor }));
    }
    let link = u32_at(OFF_LINKTYPE);
    if link & LINK_RESERVED != 0 {
        return Err(FileError::at(OFF_LINKTYPE as u64, Problem::ReservedLinkBits(link)));
    }
    Ok(FileHeader {
        big_endian,
        nanos: magic == MAGIC_NANO,
        modified: magic == MAGIC_MODIFIED,
        link_type: (link & LINK_TYPE) as u16,
        snaplen: u32_at(OFF_SNAPLEN),
        minor,
    })
}

/// A record header (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// Seconds since the epoch.
    pub secs: u32,
    /// Micro- or nanoseconds within the second.
    pub frac: u32,
    /// Bytes that follow.
    pub caplen: u32,
    /// Length on the wire.
    pub len: u32,
}

/// Parses a record header of a file with header `h`.
pub fn record_header(b: &[u8; RECORD_HEADER_LEN], h: &FileHeader) -> RecordHeader {
    let order = Order { big: h.big_endian };
    // In range: `b` holds the whole record header.
    let w = |at: usize| order.u32(b, at).unwrap_or(0);
    let (mut caplen, mut len) = (w(8), w(12));
    if h.minor < LENGTHS_REORDERED || (h.minor == LENGTHS_REORDERED && caplen > len) {
        std::mem::swap(&mut caplen, &mut len);
    }
    RecordHeader { secs: w(0), frac: w(4), caplen, len }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(magic: u32, be: bool, link: u32) -> Vec<u8> {
        let mut h = Vec::new();
        let put32 = |h: &mut Vec<u8>, v: u32| h.extend(if be { v.to_be_bytes() } else { v.to_le_bytes() });
        put32(&mut h, magic);
        let (major, minor) = (2u16, 4u16);
        h.extend(if be { major.to_be_bytes() } else { major.to_le_bytes() });
        h.extend(if be { minor.to_be_bytes() } else { minor.to_le_bytes() });
        put32(&mut h, 0);
        put32(&mut h, 0);
        put32(&mut h, 65535);
        put32(&mut h, link);
        h
    }

    #[test]
    fn both_byte_orders_and_resolutions() {
        let h = file_header(&header(MAGIC_MICRO, false, 1)).unwrap();
        assert_eq!((h.big_endian, h.nanos, h.link_type, h.snaplen), (false, false, 1, 65535));
        let h = file_header(&header(MAGIC_NANO, true, 113)).unwrap();
        assert_eq!((h.big_endian, h.nanos, h.link_type), (true, true, 113));
        let h = file_header(&header(MAGIC_MODIFIED, false, 1)).unwrap();
        assert_eq!(h.record_header_len(), MODIFIED_RECORD_HEADER_LEN);
        assert!(is_pcap(&header(MAGIC_NANO, true, 1)));
    }

    #[test]
    fn old_versions_swap_lengths_back() {
        let mut b = header(MAGIC_MICRO, false, 1);
        b[OFF_MINOR] = 2;
        let h = file_header(&b).unwrap();
        let rec: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 60, 0, 0, 0];
        assert_eq!(record_header(&rec, &h), RecordHeader { secs: 0, frac: 0, caplen: 60, len: 40 });
        let mut b3 = header(MAGIC_MICRO, false, 1);
        b3[OFF_MINOR] = 3;
        let h3 = file_header(&b3).unwrap();
        assert_eq!(record_header(&rec, &h3).caplen, 40);
        let rec: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 40, 0, 0, 0];
        assert_eq!(record_header(&rec, &h3).caplen, 40);
        let h4 = file_header(&header(MAGIC_MICRO, false, 1)).unwrap();
        assert_eq!(record_header(&rec, &h4).caplen, 60);
    }

    #[test]
    fn reserved_link_bits_and_bad_magic_are_errors() {
        let e = file_header(&header(MAGIC_MICRO, false, 0x0030_0000)).unwrap_err();
        assert!(matches!(e.problem, Problem::ReservedLinkBits(_)), "{e}");
        // FCS bits are allowed.
        assert!(file_header(&header(MAGIC_MICRO, false, 0x1000_0001)).is_ok());
        assert!(matches!(file_header(&[0; 24]).unwrap_err().problem, Problem::UnknownFormat));
        assert!(matches!(file_header(&[0; 23]).unwrap_err().problem, Problem::Truncated { .. }));
    }
}
