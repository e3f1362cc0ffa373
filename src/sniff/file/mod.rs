//! Capture files as Wireshark and other tools save them, read without libpcap so
//! that what libpcap hides is kept: pcap (either byte order, micro- and
//! nanosecond, the modified "Kuznetzov" variant), pcapng (several sections and
//! interfaces of different link types, interface names and descriptions, packet
//! comments), and either of them gzip-compressed (`.pcap.gz`, `.pcapng.gz`).
//!
//! [`pcap`] and [`pcapng`] parse byte slices and never do I/O; [`reader`]
//! streams a file through them, read in large blocks by [`window`]; [`offline`] adds the BPF
//! capture filter (compiled by libpcap) and turns records into frames.

pub mod error;
pub mod offline;
pub mod pcap;
pub mod pcapng;
pub mod reader;
pub mod time;
pub mod window;
pub mod writer;

pub use error::{FileError, Problem};
pub use reader::{Reader, Record};

/// One interface of a pcapng section (pcapng draft §4.2), or the single
/// implicit interface of a pcap file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interface {
    /// The link-layer header type (LINKTYPE number).
    pub link_type: u16,
    /// Bytes kept of each packet (0: no limit).
    pub snaplen: u32,
    /// `if_name`.
    pub name: Option<String>,
    /// `if_description`.
    pub description: Option<String>,
    /// `if_hardware`.
    pub hardware: Option<String>,
    /// How timestamps count (`if_tsresol`).
    pub scale: time::Scale,
    /// Seconds added to every timestamp (`if_tsoffset`).
    pub offset_secs: i64,
    /// Bytes of frame check sequence at the end of each frame (`if_fcslen`).
    pub fcs_len: Option<u8>,
}

impl Interface {
    /// The name Wireshark shows for the interface: `if_name`, else
    /// `if_description`, else `if_hardware`, else `unknown`.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().or(self.description.as_deref()).or(self.hardware.as_deref()).unwrap_or("unknown")
    }
}

/// Where a frame of a pcapng file comes from: its section, its interface, and
/// its comments. pcap files and live captures have none.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// Section number, from 1.
    pub section: u32,
    /// Interface id within the section, from 0.
    pub interface_id: u32,
    /// The interface.
    pub interface: &'a Interface,
    /// The packet's `opt_comment` options, in file order.
    pub comments: &'a [String],
    /// `epb_flags`, when the packet has it.
    pub flags: Option<u32>,
    /// `epb_dropcount`, when the packet has it.
    pub drop_count: Option<u64>,
}

/// The DLT number libpcap uses for a LINKTYPE number stored in a file, where
/// the two differ on Linux (libpcap's `linktype_to_dlt`); others are equal.
pub fn dlt_of_linktype(link_type: u16) -> i32 {
    match link_type {
        100 => 11, // ATM_RFC1483
        101 => 12, // RAW
        102 => 15, // SLIP_BSDOS
        103 => 16, // PPP_BSDOS
        106 => 19, // ATM_CLIP
        other => i32::from(other),
    }
}
