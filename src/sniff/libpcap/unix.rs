//! The Unix backend: libpcap through the `pcap` crate, linked at build time;
//! waits in `poll(2)` on the capture's descriptor and the wake socket.

use super::{Interface, LiveOptions, Packet, PcapError, Stats};
use pcap::{Active, Capture, Device, Precision};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;

extern "C" {
    fn pcap_lib_version() -> *const std::ffi::c_char;
    fn pcap_get_tstamp_precision(p: *mut libc::c_void) -> libc::c_int;
    fn pcap_offline_filter(prog: *const RawProgram, h: *const RawHeader, pkt: *const u8) -> libc::c_int;
}

/// libpcap's `bpf_program`, to run a compiled program with the true wire length.
#[repr(C)]
struct RawProgram {
    len: libc::c_uint,
    insns: *const pcap::BpfInstruction,
}

/// libpcap's `pcap_pkthdr` (a `struct timeval` of the platform).
#[repr(C)]
struct RawHeader {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

/// libpcap's `PCAP_TSTAMP_PRECISION_NANO`.
const PRECISION_NANO: libc::c_int = 1;

/// The crate's error as ours: libpcap's own message, classified.
fn error(e: pcap::Error) -> PcapError {
    match e {
        pcap::Error::PcapError(s) => PcapError::refused(None, s),
        other => PcapError::refused(None, other.to_string()),
    }
}

/// Every interface libpcap lists.
pub fn interfaces() -> Result<Vec<Interface>, PcapError> {
    let list = Device::list().map_err(error)?;
    Ok(list
        .into_iter()
        .map(|d| Interface { loopback: d.flags.is_loopback(), name: d.name, description: d.desc })
        .collect())
}

/// libpcap's version string.
pub fn lib_version() -> Result<String, PcapError> {
    // SAFETY: pcap_lib_version returns a pointer to a static NUL-terminated string.
    unsafe {
        let p = pcap_lib_version();
        if p.is_null() {
            return Ok("unknown".to_string());
        }
        Ok(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

/// An open live capture.
pub struct Live {
    cap: Capture<Active>,
    fd: RawFd,
    /// Whether timestamps are in nanoseconds (libpcap may refuse the precision).
    nanos: bool,
}

impl Live {
    /// Opens `device` (immediate mode if asked), nanosecond precision, non-blocking.
    pub fn open(device: &str, o: &LiveOptions) -> Result<Live, PcapError> {
        let cap = Capture::from_device(device)
            .map_err(error)?
            .immediate_mode(o.immediate)
            .snaplen(o.snaplen)
            .buffer_size(o.buffer_bytes)
            .timeout(o.timeout_ms)
            .precision(Precision::Nano)
            .open()
            .map_err(error)?
            .setnonblock()
            .map_err(error)?;
        let fd = cap.as_raw_fd();
        // SAFETY: the handle is open for as long as `cap` lives.
        let nanos = unsafe { pcap_get_tstamp_precision(cap.as_ptr().cast()) } == PRECISION_NANO;
        Ok(Live { cap, fd, nanos })
    }

    /// Compiles and sets the filter.
    pub fn set_filter(&mut self, expr: &str) -> Result<(), PcapError> {
        self.cap.filter(expr, true).map_err(error)
    }

    /// The next waiting packet.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, PcapError> {
        match self.cap.next_packet() {
            Ok(p) => {
                let ts = p.header.ts;
                #[allow(clippy::useless_conversion)] // time_t and suseconds_t differ by platform
                let (secs, frac) = (i64::from(ts.tv_sec), i64::from(ts.tv_usec));
                let frac = if self.nanos { frac } else { frac * 1000 };
                Ok(Some(Packet { time: secs * 1_000_000_000 + frac, len: p.header.len, data: p.data }))
            }
            Err(pcap::Error::TimeoutExpired) => Ok(None),
            Err(e) => Err(error(e)),
        }
    }

    /// `pcap_stats`.
    pub fn stats(&mut self) -> Option<Stats> {
        self.cap.stats().ok().map(|s| Stats { received: s.received, dropped: s.dropped })
    }

    /// The link type.
    pub fn datalink(&self) -> i32 {
        self.cap.get_datalink().0
    }

    /// The capture's descriptor to wait on.
    pub fn waiter(&self) -> Waiter {
        Waiter { fd: self.fd }
    }
}

/// The capture's descriptor.
#[derive(Clone, Copy, Debug)]
pub struct Waiter {
    fd: RawFd,
}

impl Waiter {
    /// Waits in `poll(2)` until the capture or `wake` is readable, or `millis`
    /// passed (an interrupted wait just returns); then takes `wake`'s signal.
    pub fn wait(&self, wake: Option<&Wake>, millis: i32) {
        let mut pfds = [
            libc::pollfd { fd: self.fd, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: wake.map_or(-1, |w| w.read.as_raw_fd()), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: two valid pollfds on the stack (a negative fd is ignored by poll).
        unsafe {
            libc::poll(pfds.as_mut_ptr(), 2, millis);
        }
        if let Some(w) = wake {
            w.take();
        }
    }
}

/// A filter compiled for one link type.
pub struct Program(pcap::BpfProgram);

impl Program {
    /// Compiles `expr` for `dlt` on a dead handle.
    pub fn compile(dlt: i32, expr: &str) -> Result<Program, PcapError> {
        let dead = Capture::dead(pcap::Linktype(dlt)).map_err(error)?;
        dead.compile(expr, true).map(Program).map_err(error)
    }

    /// Runs the program on a packet of wire length `len`.
    pub fn matches(&self, data: &[u8], len: u32) -> bool {
        let insns = self.0.get_instructions();
        let prog = RawProgram { len: insns.len() as libc::c_uint, insns: insns.as_ptr() };
        let h = RawHeader { ts: libc::timeval { tv_sec: 0, tv_usec: 0 }, caplen: data.len() as u32, len };
        // SAFETY: `prog` points at the live instructions of a program libpcap
        // compiled; `h.caplen` bytes are readable at `data`.
        unsafe { pcap_offline_filter(&prog, &h, data.as_ptr()) > 0 }
    }
}

/// A connected, non-blocking socket pair: a byte written wakes `poll`.
pub struct Wake {
    read: UnixStream,
    write: UnixStream,
}

impl Wake {
    /// A new pair (close-on-exec, non-blocking).
    pub fn new() -> std::io::Result<Wake> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        write.set_nonblocking(true)?;
        Ok(Wake { read, write })
    }

    /// Writes a byte; a full buffer already wakes the waiter, so its error is moot.
    pub fn signal(&self) {
        let _ = (&self.write).write(&[1]);
    }

    /// Reads every waiting byte away: whether there was any.
    pub fn take(&self) -> bool {
        let mut sink = [0u8; 64];
        let mut any = false;
        while let Ok(n @ 1..) = (&self.read).read(&mut sink) {
            any |= n > 0;
        }
        any
    }
}
