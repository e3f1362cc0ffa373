//! Capturing live through libpcap, and the [`Frame`] every capture yields
//! (files are read by [`crate::sniff::file`], which uses libpcap only to
//! compile BPF filters). Live captures ([`LiveCapture`]) run in immediate mode with a short
//! read timeout, so a loop can look at a stop flag, and can save what they see
//! as a pcap file ([`SaveFile`], which tshark and Wireshark read).

use crate::error::Error;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::file::Origin;
use crate::sniff::savefile::SaveFile;
use crate::sniff::value::Nanos;
use pcap::{Active, Capture, Device, Precision};
use std::os::fd::AsRawFd;
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

/// The exact fix for a missing capture permission.
pub const PERMISSION_FIX: &str = "run socklab as root (sudo), or give it the capture capabilities once: \
     sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\"";

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
    cap: Capture<Active>,
    save: Option<SaveFile>,
    /// A savefile write error, returned by the read after the packet that met it.
    save_error: Option<Error>,
    device: String,
    fd: std::os::fd::RawFd,
}

impl LiveCapture {
    /// Opens `device` in immediate mode (every packet delivered at once, no
    /// batching), nanosecond timestamps, and sets the BPF `filter` when given.
    /// When this returns, the kernel filter is in place: every matching packet
    /// from now on is captured.
    pub fn open(device: &str, filter: Option<&str>) -> Result<LiveCapture, Error> {
        let inactive = Capture::from_device(device).map_err(|e| open_error(device, &e))?;
        let cap = inactive
            .immediate_mode(true)
            .snaplen(SNAPLEN)
            .buffer_size(RING_BYTES)
            .timeout(READ_TIMEOUT_MS)
            .precision(Precision::Nano)
            .open()
            .map_err(|e| open_error(device, &e))?
            .setnonblock()
            .map_err(|e| open_error(device, &e))?;
        let fd = cap.as_raw_fd();
        let mut live = LiveCapture { cap, save: None, save_error: None, device: device.to_string(), fd };
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
        self.cap.filter(expr, true).map_err(|e| {
            Error::usage(format!(
                "invalid capture filter '{expr}': {}; use tcpdump's BPF syntax, e.g. \"tcp port 12000\"",
                pcap_message(&e)
            ))
        })
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
        self.cap.get_datalink().0
    }

    /// The next packet, also written to the savefile if there is one; `None`
    /// when none was waiting (after waiting up to [`READ_TIMEOUT_MS`] for one).
    /// A failed write to the savefile is an error (once, when it happens).
    ///
    /// The capture is non-blocking and this waits in `poll(2)` itself: on Linux,
    /// libpcap's TPACKET_V3 ring ignores the read timeout while no packet arrives.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        if let Some(e) = self.save_error.take() {
            return Err(e);
        }
        match read_one(&mut self.cap, &mut self.save, &mut self.save_error, &self.device)? {
            Some(f) => Ok(Some(f)),
            None => {
                wait_readable(self.fd, None, READ_TIMEOUT_MS);
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

    /// Waits up to [`READ_TIMEOUT_MS`] for a packet, or for `wake` (a pipe's
    /// read end) to become readable; what is in the pipe is read away.
    pub fn wait(&self, wake: Option<std::os::fd::RawFd>) {
        wait_readable(self.fd, wake, READ_TIMEOUT_MS);
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
    cap: &'a mut Capture<Active>,
    save: &mut Option<SaveFile>,
    failed: &mut Option<Error>,
    device: &str,
) -> Result<Option<Frame<'a>>, Error> {
    match cap.next_packet() {
        Ok(p) => {
            let ts = p.header.ts;
            #[allow(clippy::useless_conversion)] // time_t and suseconds_t differ by platform
            let time = i64::from(ts.tv_sec) * 1_000_000_000 + i64::from(ts.tv_usec);
            if let Some(Err(e)) = save.as_mut().map(|s| s.write(time, p.header.len, p.data)) {
                *failed = Some(e);
            }
            Ok(Some(Frame { time, len: p.header.len, data: p.data, origin: None }))
        }
        Err(pcap::Error::TimeoutExpired) => Ok(None),
        Err(e) => Err(Error::io(format!("capturing on {device}"), std::io::Error::other(pcap_message(&e)))),
    }
}

/// Waits until `fd` or `wake` is readable or `millis` have passed (an
/// interrupted wait just returns); empties `wake` (a non-blocking pipe or socket).
fn wait_readable(fd: std::os::fd::RawFd, wake: Option<std::os::fd::RawFd>, millis: i32) {
    let mut pfds = [
        libc::pollfd { fd, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: wake.unwrap_or(-1), events: libc::POLLIN, revents: 0 },
    ];
    // SAFETY: two valid pollfds on the stack (a negative fd is ignored by poll),
    // and a stack buffer for read, for the duration of the calls.
    unsafe {
        libc::poll(pfds.as_mut_ptr(), 2, millis);
        if let Some(w) = wake {
            let mut sink = [0u8; 64];
            while libc::read(w, sink.as_mut_ptr().cast(), sink.len()) > 0 {}
        }
    }
}

/// The error for a device that cannot be opened: a missing permission says so
/// with the fix; a missing device names the loopback one.
fn open_error(device: &str, e: &pcap::Error) -> Error {
    let msg = pcap_message(e);
    let lower = msg.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        return Error::NeedsPrivilege {
            what: format!("capturing packets on {device} (--capture, sniff)"),
            fix: format!("this process may not capture (libpcap: {msg}); {PERMISSION_FIX}"),
        };
    }
    if lower.contains("no such device") || lower.contains("doesn't exist") {
        let lo = loopback_device().unwrap_or_else(|_| "lo".to_string());
        return Error::usage(format!(
            "no interface named '{device}' to capture on; the loopback interface here is '{lo}' (see `socklab doctor`)"
        ));
    }
    Error::io(format!("opening {device} for capture"), std::io::Error::other(msg))
}

/// The name of the loopback interface, from libpcap's device list (the one with
/// the loopback flag), e.g. `lo` on Linux or `lo0` on macOS.
pub fn loopback_device() -> Result<String, Error> {
    let devices = Device::list()
        .map_err(|e| Error::io("listing the network interfaces", std::io::Error::other(pcap_message(&e))))?;
    devices.into_iter().find(|d| d.flags.is_loopback()).map(|d| d.name).ok_or_else(|| Error::NoAnswer {
        what: "no loopback interface found".to_string(),
        hint: "libpcap lists none with the loopback flag; pass one with -i (see `ip link`)".to_string(),
    })
}

/// libpcap's version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`.
pub fn lib_version() -> String {
    extern "C" {
        fn pcap_lib_version() -> *const std::ffi::c_char;
    }
    // SAFETY: pcap_lib_version returns a pointer to a static NUL-terminated string.
    unsafe {
        let p = pcap_lib_version();
        if p.is_null() {
            return "unknown".to_string();
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// libpcap's own message, without the Debug wrapper.
pub(crate) fn pcap_message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}
