//! Capturing live through libpcap (Npcap on Windows, through
//! [`crate::sniff::libpcap`]), and the [`Frame`] every capture yields (files are
//! read by [`crate::sniff::file`], which uses libpcap only to compile BPF
//! filters). Live captures ([`LiveCapture`]) run in immediate mode (or batched,
//! [`Delivery`]) with a short read timeout, so a loop can look at a stop flag,
//! and can save what they see as a pcap file ([`SaveFile`], which tshark and Wireshark read).

use crate::error::Error;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::file::Origin;
use crate::sniff::libpcap::advice::{self, Os};
use crate::sniff::libpcap::{self as lib, Live, LiveOptions, PcapError, Refusal, Waiter, Wake};
use crate::sniff::savefile::SaveFile;
use crate::sniff::value::Nanos;
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
    /// Section, interface and comments of a pcapng file's frame.
    pub origin: Option<Origin<'a>>,
}

impl Frame<'_> {
    /// The link type of the frame: its pcapng interface's, else `default` (the
    /// link type of the pcap file or live interface).
    pub fn link(&self, default: LinkType) -> LinkType {
        match self.origin {
            Some(o) => LinkType::of_dlt(crate::sniff::file::dlt_of_linktype(o.interface.link_type)),
            None => default,
        }
    }
}

/// Bytes kept of each live packet (as tshark's default snap length).
pub const SNAPLEN: i32 = 262_144;
/// Bytes of the kernel's capture ring. In immediate mode libpcap uses one
/// snaplen-sized slot per packet, so libpcap's 2 MiB default holds only 8
/// packets and a burst of a few dozen datagrams was dropped; 16 MiB holds 64.
pub const RING_BYTES: i32 = 16 << 20;
/// How long a live read waits for a packet before returning, so a loop can
/// check its stop flag.
pub const READ_TIMEOUT_MS: i32 = 50;
/// Bytes of the kernel's ring when delivery is [`Delivery::Batched`]: the
/// packets of a stall of some 300 ms at 150,000 packets a second (the reader
/// waits for the disk now and then, or for a CPU on a loaded machine).
pub const BATCH_RING_BYTES: i32 = 64 << 20;
/// The longest a packet waits in the kernel's batch when delivery is
/// [`Delivery::Batched`].
pub const BATCH_TIMEOUT_MS: i32 = 10;

/// How the kernel hands packets over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Each packet at once: the ring being empty means every packet sent so
    /// far was read (what [`crate::sniff::barrier`] relies on). On Linux each
    /// packet takes a snaplen-sized slot, so [`RING_BYTES`] holds 64.
    Immediate,
    /// In batches, at most [`BATCH_TIMEOUT_MS`] late: on Linux packets are
    /// packed in the ring (TPACKET_V3), so [`BATCH_RING_BYTES`] holds some
    /// 150,000 of 400 bytes, and a reader that pauses under load loses none.
    Batched,
}

/// The exact fix for a missing capture permission on this system: the
/// capabilities on Linux, the BPF devices (ChmodBPF) on macOS, Administrator
/// or Npcap's admin-only option on Windows.
pub const PERMISSION_FIX: &str = advice::permission_fix(Os::HERE);

/// Counters of a live capture, from libpcap's `pcap_stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets the kernel passed to the capture (after the filter).
    pub received: u32,
    /// Packets the kernel dropped because the capture buffer was full.
    pub dropped: u32,
}

/// An open live capture on one interface.
pub struct LiveCapture {
    cap: Live,
    /// The capture's readiness, waited on while a packet may be borrowed from `cap`.
    waiter: Waiter,
    save: Option<SaveFile>,
    /// A savefile write error, returned by the read after the packet that met it.
    save_error: Option<Error>,
    device: String,
}

impl LiveCapture {
    /// Opens `device` in immediate mode (every packet delivered at once, no
    /// batching), nanosecond timestamps, and sets the BPF `filter` when given.
    /// When this returns, the kernel filter is in place: every matching packet
    /// from now on is captured.
    pub fn open(device: &str, filter: Option<&str>) -> Result<LiveCapture, Error> {
        LiveCapture::open_with(device, filter, Delivery::Immediate)
    }

    /// As [`LiveCapture::open`], with packets handed over as `delivery` says.
    pub fn open_with(device: &str, filter: Option<&str>, delivery: Delivery) -> Result<LiveCapture, Error> {
        let options = match delivery {
            Delivery::Immediate => {
                LiveOptions { snaplen: SNAPLEN, buffer_bytes: RING_BYTES, timeout_ms: READ_TIMEOUT_MS, immediate: true }
            }
            Delivery::Batched => LiveOptions {
                snaplen: SNAPLEN,
                buffer_bytes: BATCH_RING_BYTES,
                timeout_ms: BATCH_TIMEOUT_MS,
                immediate: false,
            },
        };
        let cap = Live::open(device, &options).map_err(|e| open_error(device, &e))?;
        let waiter = cap.waiter();
        let mut live = LiveCapture { cap, waiter, save: None, save_error: None, device: device.to_string() };
        if let Some(expr) = filter {
            live.set_filter(expr)?;
        }
        Ok(live)
    }

    /// Replaces the BPF filter of the running capture; in force when this
    /// returns. Packets already buffered are kept if the new filter accepts them
    /// (libpcap filters them again), so a filter that only adds clauses loses
    /// nothing it would have kept, except packets arriving during the few
    /// microseconds libpcap's Linux swap (drop-all filter, drain, new filter) takes.
    pub fn set_filter(&mut self, expr: &str) -> Result<(), Error> {
        self.cap.set_filter(expr).map_err(|e| filter_error(expr, &e))
    }

    /// Saves every packet read from now on to `path` (a pcap file, nanosecond
    /// resolution); `option` names the option that chose the file, for advice.
    pub fn save_to(&mut self, path: &Path, option: &'static str) -> Result<(), Error> {
        let dlt = u32::try_from(self.datalink()).unwrap_or_default();
        self.save = Some(SaveFile::create(path, SNAPLEN as u32, dlt, option)?);
        Ok(())
    }

    /// The savefile, if saving: its counts of packets saved and handed to it.
    pub fn savefile(&self) -> Option<&SaveFile> {
        self.save.as_ref()
    }

    /// The interface name.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// The link-layer header type (DLT / LINKTYPE number) of the interface.
    pub fn datalink(&self) -> i32 {
        self.cap.datalink()
    }

    /// The next packet, also written to the savefile if there is one; `None`
    /// when none was waiting (after waiting up to [`READ_TIMEOUT_MS`] for one).
    /// A failed write to the savefile is an error (once, when it happens).
    ///
    /// The capture is non-blocking and this waits itself (`poll(2)` on Unix,
    /// Npcap's event on Windows): on Linux, libpcap's TPACKET_V3 ring ignores
    /// the read timeout while no packet arrives.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        if let Some(e) = self.save_error.take() {
            return Err(e);
        }
        match read_one(&mut self.cap, &mut self.save, &mut self.save_error, &self.device)? {
            Some(f) => Ok(Some(f)),
            None => {
                self.waiter.wait(None, READ_TIMEOUT_MS);
                self.save.as_mut().map_or(Ok(()), SaveFile::tick)?;
                Ok(None)
            }
        }
    }

    /// The next packet if one is waiting, without waiting; also saved.
    pub fn poll_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        if let Some(e) = self.save_error.take() {
            return Err(e);
        }
        read_one(&mut self.cap, &mut self.save, &mut self.save_error, &self.device)
    }

    /// Waits up to [`READ_TIMEOUT_MS`] for a packet, or for `wake` to be
    /// signalled (see [`crate::sniff::barrier::Barrier::wake_fd`]); its signal is taken.
    pub fn wait(&self, wake: Option<&Wake>) {
        self.cap.wait(wake, READ_TIMEOUT_MS);
    }

    /// Writes the savefile's buffer out if it is due (see [`SaveFile::tick`]).
    pub fn tick(&mut self) -> Result<(), Error> {
        self.save.as_mut().map_or(Ok(()), SaveFile::tick)
    }

    /// Flushes the savefile so it is complete on disk.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.save.as_mut().map_or(Ok(()), SaveFile::flush)
    }

    /// Packets received and dropped so far (libpcap's `pcap_stats`).
    pub fn stats(&mut self) -> LiveStats {
        self.cap.stats().map(|s| LiveStats { received: s.received, dropped: s.dropped }).unwrap_or_default()
    }
}

/// One waiting packet of `cap`, saved to `save`; `None` when none is waiting.
/// A write error goes to `failed`, so the packet that met it is still returned.
fn read_one<'a>(
    cap: &'a mut Live,
    save: &mut Option<SaveFile>,
    failed: &mut Option<Error>,
    device: &str,
) -> Result<Option<Frame<'a>>, Error> {
    match cap.next_packet() {
        Ok(Some(p)) => {
            if let Some(Err(e)) = save.as_mut().map(|s| s.write(p.time, p.len, p.data)) {
                *failed = Some(e);
            }
            Ok(Some(Frame { time: p.time, len: p.len, data: p.data, origin: None }))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(Error::io(format!("capturing on {device}"), std::io::Error::other(e.message()))),
    }
}

/// The error for an invalid capture filter (or, on Windows, for a filter
/// without Npcap to compile it).
pub(crate) fn filter_error(expr: &str, e: &PcapError) -> Error {
    match e {
        PcapError::Missing { path, reason } => advice::filter_needs_npcap(expr, path, reason),
        PcapError::Refused { message, .. } => Error::usage(format!(
            "invalid capture filter '{expr}': {message}; use tcpdump's BPF syntax, e.g. \"tcp port 12000\""
        )),
    }
}

/// The error for a device that cannot be opened: a missing library or
/// permission says so with the fix; a missing device names the loopback one.
fn open_error(device: &str, e: &PcapError) -> Error {
    let (kind, message) = match e {
        PcapError::Missing { path, reason } => return advice::npcap_missing(path, reason),
        PcapError::Refused { kind, message } => (*kind, message),
    };
    let kind = if Os::HERE == Os::Windows { advice::effective_refusal(kind, lib::access()) } else { kind };
    match kind {
        Refusal::Permission => Error::NeedsPrivilege {
            what: format!("capturing packets on {device} (--capture, sniff)"),
            fix: format!("this process may not capture (libpcap: {message}); {}", permission_fix_here()),
        },
        Refusal::NoDevice => {
            let lo = loopback_device().unwrap_or_else(|_| default_loopback_name().to_string());
            Error::usage(format!(
                "no interface named '{device}' to capture on; the loopback interface here is '{lo}' (see `socklab doctor`)"
            ))
        }
        Refusal::Other => Error::io(format!("opening {device} for capture"), std::io::Error::other(message.clone())),
    }
}

/// The permission fix for this system, with Npcap's admin-only facts on Windows.
pub fn permission_fix_here() -> String {
    if Os::HERE == Os::Windows {
        advice::access_denied_fix(lib::access())
    } else {
        PERMISSION_FIX.to_string()
    }
}

/// The usual name of the loopback interface on this system.
fn default_loopback_name() -> &'static str {
    match Os::HERE {
        Os::Linux => "lo",
        Os::Windows => lib::NPF_LOOPBACK,
        Os::MacOs | Os::OtherUnix => "lo0",
    }
}

/// The name of the loopback interface, from libpcap's device list (Npcap's
/// loopback adapter, else the one with the loopback flag), e.g. `lo` on Linux,
/// `lo0` on macOS, `\Device\NPF_Loopback` on Windows.
pub fn loopback_device() -> Result<String, Error> {
    let devices = lib::interfaces().map_err(|e| match e {
        PcapError::Missing { path, reason } => advice::npcap_missing(&path, &reason),
        other => Error::io("listing the network interfaces", std::io::Error::other(other.message())),
    })?;
    lib::pick_loopback(&devices).map(|d| d.name.clone()).ok_or_else(|| Error::NoAnswer {
        what: "no loopback interface found".to_string(),
        hint: advice::no_loopback_hint(Os::HERE),
    })
}

/// libpcap's version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`;
/// on Windows Npcap's, or why Npcap is missing.
pub fn lib_version() -> Result<String, Error> {
    lib::lib_version().map_err(|e| match e {
        PcapError::Missing { path, reason } => advice::npcap_missing(&path, &reason),
        other => Error::io("asking libpcap its version", std::io::Error::other(other.message())),
    })
}
