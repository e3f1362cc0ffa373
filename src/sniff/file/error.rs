//! Why a capture file could not be read, with the byte offset of the problem.

use std::fmt;

/// A problem in a capture file at a byte offset (of the decompressed stream
/// for a gzip file).
#[derive(Debug)]
pub struct FileError {
    /// Where the damaged header, block or record starts.
    pub offset: u64,
    /// What is wrong there.
    pub problem: Problem,
}

/// What is wrong with a capture file.
#[derive(Debug)]
pub enum Problem {
    /// Neither a pcap nor a pcapng magic number.
    UnknownFormat,
    /// The file ends inside a header, block or record.
    Truncated {
        /// What was being read.
        what: &'static str,
    },
    /// A format version this reader does not know.
    Version {
        /// Which format.
        format: &'static str,
        /// Major version.
        major: u16,
        /// Minor version.
        minor: u16,
    },
    /// The pcap link-type field has reserved bits set.
    ReservedLinkBits(u32),
    /// A pcap record or pcapng block longer than [`crate::sniff::file::reader::MAX_RECORD`].
    TooLong {
        /// What is too long.
        what: &'static str,
        /// Its length.
        len: u64,
    },
    /// A pcapng block length that is too small or not a multiple of 4.
    BlockLength {
        /// The block type.
        block: u32,
        /// The total length it claims.
        len: u32,
    },
    /// The length at the end of a pcapng block differs from the one at its start.
    TrailerMismatch {
        /// Length at the start.
        head: u32,
        /// Length at the end.
        tail: u32,
    },
    /// An option runs past the end of its block.
    OptionOverrun {
        /// The option code.
        code: u16,
        /// Its length.
        len: u16,
    },
    /// A packet's captured length runs past the end of its block.
    CaptureOverrun {
        /// The captured length.
        caplen: u32,
    },
    /// A packet block names an interface its section has not described.
    UnknownInterface {
        /// The interface id.
        id: u32,
        /// Interfaces the section has.
        count: usize,
    },
    /// A read error of the operating system or the gzip decoder.
    Io(std::io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.problem, self.offset)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::UnknownFormat => write!(f, "not a pcap or pcapng file (unknown magic number)"),
            Problem::Truncated { what } => write!(f, "the file ends inside {what}"),
            Problem::Version { format, major, minor } => write!(f, "{format} version {major}.{minor} is not supported"),
            Problem::ReservedLinkBits(v) => write!(f, "reserved bits of the link-type field are set (0x{v:08x})"),
            Problem::TooLong { what, len } => write!(f, "{what} of {len} bytes is implausibly long"),
            Problem::BlockLength { block, len } => {
                write!(f, "block type 0x{block:08x} has a total length of {len} (at least 12, a multiple of 4)")
            }
            Problem::TrailerMismatch { head, tail } => {
                write!(f, "block length {head} at the start differs from {tail} at the end")
            }
            Problem::OptionOverrun { code, len } => write!(f, "option {code} of {len} bytes runs past its block"),
            Problem::CaptureOverrun { caplen } => write!(f, "captured length {caplen} runs past its block"),
            Problem::UnknownInterface { id, count } => {
                write!(f, "packet on interface {id}, but the section describes {count} interface(s)")
            }
            Problem::Io(e) => write!(f, "read error: {e}"),
        }
    }
}

impl std::error::Error for FileError {}

impl FileError {
    /// A problem at `offset`.
    pub fn at(offset: u64, problem: Problem) -> FileError {
        FileError { offset, problem }
    }
}
