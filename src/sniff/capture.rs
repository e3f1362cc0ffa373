//! Reading capture files through libpcap: the only module that uses the `pcap`
//! crate. pcap (microsecond and nanosecond) and pcapng files open at nanosecond
//! precision; an optional BPF capture filter runs inside libpcap.

use crate::error::Error;
use crate::sniff::value::Nanos;
use pcap::{Capture, Offline, Precision};
use std::path::Path;

/// One captured frame, borrowed from libpcap's buffer until the next read.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Capture time, nanoseconds since the Unix epoch.
    pub time: Nanos,
    /// Length on the wire.
    pub len: u32,
    /// The captured bytes (may be shorter than `len`).
    pub data: &'a [u8],
}

/// An open capture file.
pub struct OfflineCapture {
    cap: Capture<Offline>,
    path: String,
    frames: u64,
}

impl OfflineCapture {
    /// Opens `path`, applying the BPF `filter` when given.
    pub fn open(path: &Path, filter: Option<&str>) -> Result<OfflineCapture, Error> {
        let shown = path.display().to_string();
        if let Err(e) = std::fs::metadata(path) {
            return Err(Error::File { path: shown, reason: format!("cannot open the capture: {e}") });
        }
        let mut cap = Capture::from_file_with_precision(path, Precision::Nano).map_err(|e| Error::File {
            path: shown.clone(),
            reason: format!(
                "not a capture file libpcap can read ({}); socklab reads .pcap and .pcapng files",
                pcap_message(&e)
            ),
        })?;
        if let Some(expr) = filter {
            cap.filter(expr, true).map_err(|e| {
                Error::usage(format!(
                    "invalid capture filter '{expr}': {}; use tcpdump's BPF syntax, e.g. \"tcp port 12000\"",
                    pcap_message(&e)
                ))
            })?;
        }
        Ok(OfflineCapture { cap, path: shown, frames: 0 })
    }

    /// The file's link-layer header type (DLT / LINKTYPE number).
    pub fn datalink(&self) -> i32 {
        self.cap.get_datalink().0
    }

    /// The file name as given, for messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next frame, `None` at the end of the file. A damaged or cut-short file
    /// is an error naming the file and the frame that could not be read.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        match self.cap.next_packet() {
            Ok(p) => {
                self.frames += 1;
                let ts = p.header.ts;
                #[allow(clippy::useless_conversion)] // time_t and suseconds_t differ by platform
                let time = i64::from(ts.tv_sec) * 1_000_000_000 + i64::from(ts.tv_usec);
                Ok(Some(Frame { time, len: p.header.len, data: p.data }))
            }
            Err(pcap::Error::NoMorePackets) => Ok(None),
            Err(e) => Err(Error::File {
                path: self.path.clone(),
                reason: format!(
                    "cannot read frame {}: {}; the file is damaged or was cut short (frames before it were shown)",
                    self.frames + 1,
                    pcap_message(&e)
                ),
            }),
        }
    }
}

/// libpcap's own message, without the Debug wrapper.
fn pcap_message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}

/// libpcap's name of a DLT / LINKTYPE number (e.g. `IEEE802_11_RADIO`), for messages.
pub fn dlt_name(dlt: i32) -> String {
    match pcap::Linktype(dlt).get_name() {
        Ok(name) if !name.is_empty() => name,
        _ => "unknown".to_string(),
    }
}
