//! The capture library behind one small API: libpcap through the `pcap` crate
//! on Unix ([`unix`]), Npcap's `wpcap.dll` loaded at run time on Windows
//! (`npcap`), so that socklab starts and reads files, runs servers and
//! clients without Npcap installed.
//!
//! What the rest of socklab calls: [`Live`] (open an interface, set a BPF
//! filter, read the next packet, wait for one with an optional [`Wake`],
//! counters, link type), [`interfaces`] and [`pick_loopback`], [`lib_version`],
//! and [`Program`] (a filter compiled for a link type, matched against the
//! packets of a file). Errors are a [`PcapError`]: the library is missing, or it
//! refused with a [`Refusal`] kind and its message. [`advice`] turns the facts
//! into what the user should do, per operating system.

pub mod advice;
pub mod npcap_types;

#[cfg(windows)]
mod npcap;
#[cfg(windows)]
use npcap as sys;
#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as sys;

/// libpcap's `PCAP_ERROR_NO_SUCH_DEVICE`: the interface does not exist.
pub const PCAP_ERROR_NO_SUCH_DEVICE: i32 = -5;
/// libpcap's `PCAP_ERROR_PERM_DENIED`: no permission to open the interface.
pub const PCAP_ERROR_PERM_DENIED: i32 = -8;
/// The name of Npcap's loopback adapter ("Npcap Loopback Adapter").
pub const NPF_LOOPBACK: &str = r"\Device\NPF_Loopback";

/// How a live capture is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveOptions {
    /// Bytes kept of each packet.
    pub snaplen: i32,
    /// Bytes of the kernel's (driver's) capture buffer.
    pub buffer_bytes: i32,
    /// How long a blocking read waits, in milliseconds; without `immediate`,
    /// also the longest a packet waits in the kernel's batch (Linux's
    /// TPACKET_V3 block timeout).
    pub timeout_ms: i32,
    /// Deliver every packet at once (each takes a snaplen-sized slot of the
    /// ring on Linux), or in batches packed into the buffer.
    pub immediate: bool,
}

/// Why the capture library refused an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This process lacks the permission (root, capabilities, BPF devices, Administrator).
    Permission,
    /// No interface of that name.
    NoDevice,
    /// Anything else (a bad filter, a driver error…).
    Other,
}

/// An error of the capture library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PcapError {
    /// The library could not be loaded (Windows: Npcap is not installed):
    /// the file looked for, and why it did not load.
    Missing {
        /// The DLL's path.
        path: String,
        /// The loader's reason.
        reason: String,
    },
    /// The library refused: what kind of refusal, and its own message.
    Refused {
        /// The kind, from libpcap's status code or its message.
        kind: Refusal,
        /// libpcap's message.
        message: String,
    },
}

impl PcapError {
    /// A refusal classified from libpcap's `status` (when one came) and `message`.
    pub fn refused(status: Option<i32>, message: impl Into<String>) -> PcapError {
        let message = message.into();
        PcapError::Refused { kind: classify(status, &message), message }
    }

    /// The library's message (or the loader's, when it is missing).
    pub fn message(&self) -> String {
        match self {
            PcapError::Missing { path, reason } => format!("cannot load {path}: {reason}"),
            PcapError::Refused { message, .. } => message.clone(),
        }
    }
}

impl std::fmt::Display for PcapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// What kind of refusal libpcap's status code, else its message, says.
pub fn classify(status: Option<i32>, message: &str) -> Refusal {
    match status {
        Some(PCAP_ERROR_PERM_DENIED) => return Refusal::Permission,
        Some(PCAP_ERROR_NO_SUCH_DEVICE) => return Refusal::NoDevice,
        _ => {}
    }
    let lower = message.to_ascii_lowercase();
    if ["permission", "not permitted", "access is denied", "access denied"].iter().any(|w| lower.contains(w)) {
        Refusal::Permission
    } else if ["no such device", "doesn't exist", "does not exist"].iter().any(|w| lower.contains(w)) {
        Refusal::NoDevice
    } else {
        Refusal::Other
    }
}

/// One captured packet, borrowed from the library's buffer until the next read.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    /// Capture time, nanoseconds since the Unix epoch.
    pub time: i64,
    /// Length on the wire.
    pub len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
}

/// Counters of a live capture (`pcap_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets the kernel passed to the capture (after the filter).
    pub received: u32,
    /// Packets dropped because the capture buffer was full.
    pub dropped: u32,
}

/// An interface libpcap can capture on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// The name to open it by (`lo`, `lo0`, `\Device\NPF_Loopback`).
    pub name: String,
    /// libpcap's description, if any ("Adapter for loopback traffic capture").
    pub description: Option<String>,
    /// Whether libpcap flags it as a loopback interface.
    pub loopback: bool,
}

/// The loopback interface among `list`: Npcap's loopback adapter by name, else
/// the first flagged as loopback.
pub fn pick_loopback(list: &[Interface]) -> Option<&Interface> {
    list.iter().find(|i| i.name.eq_ignore_ascii_case(NPF_LOOPBACK)).or_else(|| list.iter().find(|i| i.loopback))
}

/// Every interface libpcap lists (`pcap_findalldevs`).
pub fn interfaces() -> Result<Vec<Interface>, PcapError> {
    sys::interfaces()
}

/// The library's version string, e.g. `libpcap version 1.10.3 (with TPACKET_V3)`
/// or `Npcap version 1.79, based on libpcap version 1.10.4`.
pub fn lib_version() -> Result<String, PcapError> {
    sys::lib_version()
}

/// An open live capture on one interface, in non-blocking mode.
pub struct Live(sys::Live);

impl Live {
    /// Opens `device` in immediate mode if `options` ask for it, with
    /// nanosecond timestamps (when the library offers them), non-blocking.
    pub fn open(device: &str, options: &LiveOptions) -> Result<Live, PcapError> {
        sys::Live::open(device, options).map(Live)
    }

    /// Compiles `expr` (tcpdump's BPF syntax) for this interface and puts it in force.
    pub fn set_filter(&mut self, expr: &str) -> Result<(), PcapError> {
        self.0.set_filter(expr)
    }

    /// The next packet if one is waiting; `None` when none is.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, PcapError> {
        self.0.next_packet()
    }

    /// The counters, `None` when the library cannot give them.
    pub fn stats(&mut self) -> Option<Stats> {
        self.0.stats()
    }

    /// The link-layer header type (DLT number).
    pub fn datalink(&self) -> i32 {
        self.0.datalink()
    }

    /// Waits until a packet may be waiting, `wake` is signalled, or `millis`
    /// have passed; then takes `wake`'s signal.
    pub fn wait(&self, wake: Option<&Wake>, millis: i32) {
        self.waiter().wait(wake, millis);
    }

    /// What [`Live::wait`] waits on, apart from the handle (so a caller holding
    /// a packet borrowed from the handle can still wait); valid while the
    /// capture is open.
    pub fn waiter(&self) -> Waiter {
        Waiter(self.0.waiter())
    }
}

/// The capture's readiness (its descriptor on Unix, Npcap's event on Windows),
/// from [`Live::waiter`]; used only while its capture is open.
#[derive(Clone, Copy, Debug)]
pub struct Waiter(sys::Waiter);

impl Waiter {
    /// As [`Live::wait`].
    pub fn wait(&self, wake: Option<&Wake>, millis: i32) {
        self.0.wait(wake.map(|w| &w.0), millis);
    }
}

/// A BPF filter compiled for one link type, run on packets of a file.
pub struct Program(sys::Program);

impl Program {
    /// Compiles `expr` for link type `dlt` (optimized, netmask unknown).
    pub fn compile(dlt: i32, expr: &str) -> Result<Program, PcapError> {
        sys::Program::compile(dlt, expr).map(Program)
    }

    /// Whether the packet passes: `data` as captured, `len` its length on the wire.
    pub fn matches(&self, data: &[u8], len: u32) -> bool {
        self.0.matches(data, len)
    }
}

/// What wakes a capture thread from [`Live::wait`]: a non-blocking socket
/// pair on Unix, a manual-reset event on Windows. Any thread may signal it;
/// the waiter takes the signal.
pub struct Wake(sys::Wake);

impl Wake {
    /// A new, unsignalled wake.
    pub fn new() -> std::io::Result<Wake> {
        sys::Wake::new().map(Wake)
    }

    /// Wakes the waiter (or its next wait); never blocks.
    pub fn signal(&self) {
        self.0.signal();
    }

    /// Takes the signal: whether there was one since the last take.
    pub fn take(&self) -> bool {
        self.0.take()
    }
}

impl std::fmt::Debug for Wake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wake")
    }
}

/// Whether Npcap restricts capture to Administrators, and whether this process
/// is elevated (Windows; both unknown elsewhere).
pub fn access() -> advice::Access {
    #[cfg(windows)]
    {
        advice::Access { admin_only: npcap::admin_only(), elevated: npcap::elevated() }
    }
    #[cfg(not(windows))]
    {
        advice::Access::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_come_before_the_message() {
        assert_eq!(classify(Some(PCAP_ERROR_PERM_DENIED), "whatever"), Refusal::Permission);
        assert_eq!(classify(Some(PCAP_ERROR_NO_SUCH_DEVICE), ""), Refusal::NoDevice);
        assert_eq!(classify(None, "socket: Operation not permitted"), Refusal::Permission);
        assert_eq!(classify(None, "(cannot open BPF device) /dev/bpf0: Permission denied"), Refusal::Permission);
        assert_eq!(classify(Some(-1), "Error opening adapter: Access is denied.  (5)"), Refusal::Permission);
        assert_eq!(classify(None, "eth9: No such device exists (SIOCGIFHWADDR: No such device)"), Refusal::NoDevice);
        assert_eq!(classify(None, "syntax error in filter expression"), Refusal::Other);
    }

    #[test]
    fn npcap_loopback_adapter_is_picked_by_name_else_the_flag() {
        let i = |name: &str, loopback: bool| Interface { name: name.into(), description: None, loopback };
        let win = [i(r"\Device\NPF_{1234}", false), i(r"\Device\NPF_Loopback", false)];
        assert_eq!(pick_loopback(&win).unwrap().name, NPF_LOOPBACK);
        let mac = [i("en0", false), i("lo0", true)];
        assert_eq!(pick_loopback(&mac).unwrap().name, "lo0");
        assert!(pick_loopback(&[i("eth0", false)]).is_none());
    }

    #[test]
    fn a_wake_is_taken_once() {
        let w = Wake::new().unwrap();
        assert!(!w.take());
        for _ in 0..100_000 {
            w.signal();
        }
        assert!(w.take());
        assert!(!w.take());
    }
}
