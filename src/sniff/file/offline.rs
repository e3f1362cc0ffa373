//! An open capture file: the [`Reader`] over the file (gunzipped when it starts
//! with gzip's magic, RFC 1952 §2.3.1), and the optional BPF capture filter,
//! compiled by libpcap (Npcap on Windows) once per link type met and run on every packet.

use crate::error::Error;
use crate::sniff::capture::{filter_error, Frame};
use crate::sniff::file::{FileError, Reader, Record};
use crate::sniff::libpcap::Program;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

/// Bytes buffered from the file for the decompressor.
const READ_BUFFER: usize = 256 * 1024;
/// gzip's magic number (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The link type a filter is checked against when the file names none yet
/// (a pcapng file without interfaces): Ethernet.
const DEFAULT_LINK: u16 = 1;

/// The BPF capture filter, compiled per link type.
struct Bpf {
    expr: String,
    programs: Vec<(u16, Program)>,
}

impl Bpf {
    /// Compiles `expr` for `link` (libpcap's error as a usage error; on Windows
    /// without Npcap, an error that says so and suggests a display filter).
    fn compile(expr: &str, link: u16) -> Result<Program, Error> {
        Program::compile(super::dlt_of_linktype(link), expr).map_err(|e| filter_error(expr, &e))
    }

    /// Whether the packet passes (compiling the filter for a new link type first).
    fn matches(&mut self, r: &Record<'_>) -> Result<bool, Error> {
        let i = match self.programs.iter().position(|(l, _)| *l == r.link_type) {
            Some(i) => i,
            None => {
                let p = Bpf::compile(&self.expr, r.link_type)?;
                self.programs.push((r.link_type, p));
                self.programs.len() - 1
            }
        };
        Ok(self.programs[i].1.matches(r.data, r.len))
    }
}

/// An open capture file.
pub struct OfflineCapture {
    reader: Reader<Box<dyn Read>>,
    path: String,
    frames: u64,
    bpf: Option<Bpf>,
}

/// A capture's bytes (a file, or any reader, a pipe too), gunzipped when they
/// start with gzip's magic. A plain file is read as it is: the [`Reader`]
/// reads it in large blocks.
pub fn source(mut file: impl Read + 'static) -> std::io::Result<Box<dyn Read>> {
    let mut magic = Vec::with_capacity(GZIP_MAGIC.len());
    (&mut file).take(GZIP_MAGIC.len() as u64).read_to_end(&mut magic)?;
    let gzip = magic == GZIP_MAGIC;
    let whole = Cursor::new(magic).chain(file);
    Ok(if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(READ_BUFFER, whole)))
    } else {
        Box::new(whole)
    })
}

impl OfflineCapture {
    /// Opens `path`, applying the BPF `filter` when given.
    pub fn open(path: &Path, filter: Option<&str>) -> Result<OfflineCapture, Error> {
        let shown = path.display().to_string();
        let refuse = |reason: String| Error::File { path: shown.clone(), reason };
        let file = match std::fs::metadata(path) {
            Err(e) => return Err(refuse(format!("cannot open the capture: {e}"))),
            Ok(m) if m.is_dir() => {
                return Err(refuse("is a directory; give the path of a .pcap or .pcapng file".to_string()))
            }
            Ok(_) => File::open(path).map_err(|e| refuse(format!("cannot open the capture: {e}")))?,
        };
        let src = source(file).map_err(|e| refuse(format!("cannot read the capture: {e}")))?;
        let reader = Reader::new(src).map_err(|e| {
            refuse(format!(
                "not a capture file socklab can read: {e}; socklab reads pcap and pcapng files, also gzip-compressed"
            ))
        })?;
        let bpf = match filter {
            Some(expr) => {
                let link = reader.first_link_type().unwrap_or(DEFAULT_LINK);
                let program = Bpf::compile(expr, link)?;
                Some(Bpf { expr: expr.to_string(), programs: vec![(link, program)] })
            }
            None => None,
        };
        Ok(OfflineCapture { reader, path: shown, frames: 0, bpf })
    }

    /// Whether the file stores timestamps finer than microseconds (Wireshark then shows 9 decimals).
    pub fn nanosecond_resolution(&self) -> bool {
        self.reader.nanosecond_resolution()
    }

    /// The link-layer header type (DLT / LINKTYPE number) of a pcap file or of
    /// the first interface of a pcapng file; None for a pcapng file without any.
    pub fn datalink(&self) -> Option<i32> {
        self.reader.first_link_type().map(super::dlt_of_linktype)
    }

    /// The file name as given, for messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next frame that passes the capture filter, `None` at the end of the
    /// file. A damaged or cut-short file is an error naming the file and the
    /// frame that could not be read.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        loop {
            match self.reader.advance() {
                Ok(false) => return Ok(None),
                Ok(true) => self.frames += 1,
                Err(e) => return Err(self.damaged(&e)),
            }
            let keep = match self.bpf.as_mut() {
                Some(b) => b.matches(&self.reader.record())?,
                None => true,
            };
            if keep {
                let r = self.reader.record();
                return Ok(Some(Frame { time: r.time, len: r.len, data: r.data, origin: r.origin }));
            }
        }
    }

    /// The error for a record that cannot be read.
    fn damaged(&self, e: &FileError) -> Error {
        Error::File {
            path: self.path.clone(),
            reason: format!(
                "cannot read frame {}: {e}; the file is damaged or was cut short (frames before it were shown)",
                self.frames + 1
            ),
        }
    }
}
