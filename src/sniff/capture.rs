//! Reading capture files and capturing live through libpcap: the only module
//! that uses the `pcap` crate. pcap (microsecond and nanosecond) and pcapng files
//! open at nanosecond precision; an optional BPF capture filter runs inside
//! libpcap. Live captures ([`LiveCapture`]) run in immediate mode with a short
//! read timeout, so a loop can look at a stop flag, and can save what they see
//! as a pcap file ([`SaveFile`], which tshark and Wireshark read).

use crate::error::Error;
use crate::sniff::savefile::SaveFile;
use crate::sniff::value::Nanos;
use pcap::{Active, Capture, Device, Offline, Precision};
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
}

/// An open capture file.
pub struct OfflineCapture {
    cap: Capture<Offline>,
    path: String,
    frames: u64,
    nanos: bool,
}

impl OfflineCapture {
    /// Opens `path`, applying the BPF `filter` when given.
    pub fn open(path: &Path, filter: Option<&str>) -> Result<OfflineCapture, Error> {
        let shown = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => return Err(Error::File { path: shown, reason: format!("cannot open the capture: {e}") }),
            Ok(m) if m.is_dir() => {
                return Err(Error::File {
                    path: shown,
                    reason: "is a directory; give the path of a .pcap or .pcapng file".to_string(),
                })
            }
            Ok(_) => {}
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
        let nanos = nanosecond_file(path);
        Ok(OfflineCapture { cap, path: shown, frames: 0, nanos })
    }

    /// Whether the file stores nanosecond timestamps (Wireshark then shows 9 decimals).
    pub fn nanosecond_resolution(&self) -> bool {
        self.nanos
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
            Ok(Some(Frame { time, len: p.header.len, data: p.data }))
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
fn pcap_message(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}

/// pcap magic of a nanosecond file, as read little-endian (either byte order).
const PCAP_NS_MAGICS: [u32; 2] = [0xa1b2_3c4d, 0x4d3c_b2a1];
/// pcapng Section Header Block type.
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
/// pcapng Interface Description Block type.
const PCAPNG_IDB: u32 = 1;
/// pcapng IDB option `if_tsresol`.
const OPT_TSRESOL: u16 = 9;
/// Bytes of the file inspected for the time resolution.
const HEAD_BYTES: u64 = 64 * 1024;

/// Whether a capture file stores nanosecond timestamps: a nanosecond pcap magic,
/// or a pcapng whose first interface has `if_tsresol` of 10^-7 or finer
/// (pcapng draft §4.2). Unreadable or odd files count as microsecond.
fn nanosecond_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(f) = std::fs::File::open(path) else { return false };
    if f.take(HEAD_BYTES).read_to_end(&mut head).is_err() {
        return false;
    }
    nanosecond_header(&head)
}

/// [`nanosecond_file`] on the first bytes of the file.
fn nanosecond_header(head: &[u8]) -> bool {
    let word = |at: usize, be: bool| -> Option<u32> {
        let b: [u8; 4] = head.get(at..at + 4)?.try_into().ok()?;
        Some(if be { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let Some(magic) = word(0, false) else { return false };
    if PCAP_NS_MAGICS.contains(&magic) {
        return true;
    }
    if magic != PCAPNG_SHB {
        return false;
    }
    let be = head.get(8..12) == Some(&[0x1a, 0x2b, 0x3c, 0x4d]);
    let mut at = 0usize;
    while let (Some(ty), Some(len)) = (word(at, be), word(at + 4, be)) {
        let len = len as usize;
        if len < 12 || at + len > head.len() {
            return false;
        }
        if ty == PCAPNG_IDB {
            return idb_nanos(&head[at + 16..at + len - 4], be);
        }
        at += len;
    }
    false
}

/// The `if_tsresol` of an IDB's options: nanosecond or finer.
fn idb_nanos(mut opts: &[u8], be: bool) -> bool {
    let half = |b: &[u8]| if be { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) };
    while opts.len() >= 4 {
        let (code, len) = (half(&opts[0..2]), usize::from(half(&opts[2..4])));
        let padded = (len + 3) & !3;
        if code == 0 || opts.len() < 4 + padded {
            return false;
        }
        if code == OPT_TSRESOL && len >= 1 {
            let v = opts[4];
            // High bit set: a power of two (2^-n); else a power of ten (10^-n).
            return if v & 0x80 != 0 { (v & 0x7f) > 20 } else { v > 6 };
        }
        opts = &opts[4 + padded..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcap_magic_says_the_resolution() {
        assert!(nanosecond_header(&[0x4d, 0x3c, 0xb2, 0xa1, 2, 0]));
        assert!(!nanosecond_header(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]));
        assert!(!nanosecond_header(&[0xd4]));
    }

    #[test]
    fn pcapng_tsresol_of_the_first_interface() {
        let mut f = Vec::new();
        f.extend(PCAPNG_SHB.to_le_bytes());
        f.extend(28u32.to_le_bytes());
        f.extend([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0]);
        f.extend(u64::MAX.to_le_bytes());
        f.extend(28u32.to_le_bytes());
        let idb = |resol: u8| {
            let mut b = Vec::new();
            b.extend(PCAPNG_IDB.to_le_bytes());
            b.extend(28u32.to_le_bytes());
            b.extend([1, 0, 0, 0, 0, 0, 4, 0]);
            b.extend([9, 0, 1, 0, resol, 0, 0, 0]);
            b.extend(28u32.to_le_bytes());
            b
        };
        assert!(nanosecond_header(&[f.clone(), idb(9)].concat()));
        assert!(!nanosecond_header(&[f.clone(), idb(6)].concat()));
        let whole = [f, idb(9)].concat();
        for n in 0..whole.len() {
            let _ = nanosecond_header(&whole[..n]);
        }
    }
}
