//! An experiment's capture: loopback packets matching a BPF filter, kept in
//! memory and saved as pcap, then listed with the sniffer's own pipeline and
//! list renderer (two passes, as `socklab read` does), so the rows are the ones
//! `socklab read FILE` prints.

use crate::error::{Error, Result};
use crate::sniff::capture::{loopback_device, Frame, LiveCapture};
use crate::sniff::packet::Transport;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::render::{list, Style};
use crate::sniff::session::supported_link;
use crate::sniff::value::Nanos;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the capture keeps reading after the experiment is done (the last ACKs).
const GRACE: Duration = Duration::from_millis(300);
/// Longest drain after the stop, even while packets keep coming.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);
/// Most frames kept: every experiment sends a few dozen at most.
const MAX_FRAMES: usize = 10_000;

/// One TCP segment of the capture, for experiments that count them.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Payload bytes.
    pub len: u32,
    /// Flag bits (`crate::sniff::tcp::flags`).
    pub flags: u16,
}

/// A frame copied out of libpcap's buffer.
struct Owned {
    time: Nanos,
    len: u32,
    data: Vec<u8>,
}

/// A running capture.
pub struct Recording {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Result<Vec<Owned>>>,
    link: crate::sniff::dissect::link::LinkType,
    path: Option<PathBuf>,
}

/// The listed packets.
pub struct Listed {
    /// The column header.
    pub header: String,
    /// Every line (rows and their notes).
    pub lines: Vec<String>,
    /// The capture time of each line's packet (ns since the epoch).
    pub times: Vec<Nanos>,
    /// Where the capture was saved.
    pub path: Option<PathBuf>,
    /// Every TCP segment, in order.
    pub segments: Vec<Segment>,
}

impl Recording {
    /// Starts capturing `bpf` on loopback; when this returns the filter is in
    /// place. Saves to `save` when given.
    pub fn start(bpf: &str, save: Option<&Path>) -> Result<Recording> {
        let device = loopback_device()?;
        let mut cap = LiveCapture::open(&device, Some(bpf))?;
        let link = supported_link(&cap)?;
        let path = match save {
            Some(p) => cap.save_to(p, "captures/experiment-NAME.pcap").ok().map(|()| p.to_path_buf()),
            None => None,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("experiment-capture".into())
            .spawn(move || collect(cap, &flag))
            .map_err(|e| Error::io("starting the capture thread", e))?;
        Ok(Recording { stop, thread, link, path })
    }

    /// Stops after a short grace period and lists the packets, decoding DNS on
    /// `dns_ports` besides the usual ones.
    pub fn finish(self, dns_ports: &[u16], style: Style) -> Result<Listed> {
        std::thread::sleep(GRACE);
        self.stop.store(true, Ordering::SeqCst);
        let frames = self
            .thread
            .join()
            .map_err(|_| Error::io("capturing", std::io::Error::other("the capture thread failed")))??;
        let ports: Vec<u16> =
            crate::sniff::dissect::dns::DEFAULT_PORTS.iter().copied().chain(dns_ports.iter().copied()).collect();
        let mut learn = Pipeline::learning(self.link, true).with_dns_ports(&ports);
        for f in &frames {
            learn.learn(&borrowed(f));
        }
        let mut pipe = Pipeline::new(self.link, learn.into_facts()).with_dns_ports(&ports);
        let mut lines = Vec::new();
        let mut times = Vec::new();
        let mut segments = Vec::new();
        for f in &frames {
            let frame = borrowed(f);
            let p = pipe.process(&frame);
            let mut out = Vec::new();
            list::row(&mut out, &p, style).map_err(|e| Error::io("listing the packets", e))?;
            for l in String::from_utf8_lossy(&out).lines() {
                lines.push(l.to_string());
                times.push(f.time);
            }
            if let Transport::Tcp(h) = &p.d.transport {
                segments.push(Segment {
                    sport: h.sport,
                    dport: h.dport,
                    seq: h.seq,
                    len: h.payload_len,
                    flags: h.flags,
                });
            }
        }
        let mut header = Vec::new();
        list::header(&mut header, style).map_err(|e| Error::io("listing the packets", e))?;
        Ok(Listed {
            header: String::from_utf8_lossy(&header).trim_end().to_string(),
            lines,
            times,
            path: self.path,
            segments,
        })
    }
}

fn borrowed(f: &Owned) -> Frame<'_> {
    Frame { time: f.time, len: f.len, data: &f.data, origin: None }
}

/// The capture thread: copy every frame until stopped (and drained, for at
/// most [`DRAIN_LIMIT`] under steady traffic), then flush the file.
fn collect(mut cap: LiveCapture, stop: &AtomicBool) -> Result<Vec<Owned>> {
    let mut frames = Vec::new();
    let mut stopped_at: Option<Instant> = None;
    loop {
        if stop.load(Ordering::SeqCst) && stopped_at.get_or_insert_with(Instant::now).elapsed() > DRAIN_LIMIT {
            break;
        }
        match cap.next_frame()? {
            Some(f) if frames.len() < MAX_FRAMES => {
                frames.push(Owned { time: f.time, len: f.len, data: f.data.to_vec() });
            }
            Some(_) => {}
            None if stop.load(Ordering::SeqCst) => break,
            None => {}
        }
    }
    cap.flush()?;
    Ok(frames)
}
