//! The C types of Npcap's `pcap.h` as Windows lays them out, for the run-time
//! loaded `wpcap.dll`. Windows' `long` is 32 bits even on 64-bit Windows, so
//! `struct timeval` (winsock2.h) is two 32-bit fields and `pcap_pkthdr` is 16
//! bytes, where it is 24 on 64-bit Linux and macOS. Compiled everywhere so
//! their sizes are tested on any machine.
#![cfg_attr(not(windows), allow(dead_code))]

use std::ffi::{c_char, c_int, c_uint, c_void};

/// `PCAP_ERRBUF_SIZE`: bytes of the error buffer the library writes into.
pub const PCAP_ERRBUF_SIZE: usize = 256;
/// `PCAP_IF_LOOPBACK`: the interface is a loopback interface.
pub const PCAP_IF_LOOPBACK: u32 = 0x0000_0001;
/// `PCAP_TSTAMP_PRECISION_NANO`: timestamps in nanoseconds.
pub const PCAP_TSTAMP_PRECISION_NANO: c_int = 1;
/// `PCAP_NETMASK_UNKNOWN`: compile without knowing the netmask.
pub const PCAP_NETMASK_UNKNOWN: u32 = 0xffff_ffff;
/// `PCAP_ERROR`: a generic error (pcap_geterr has the message).
pub const PCAP_ERROR: c_int = -1;

/// Windows' `struct timeval`: two `long`s, 32 bits each on Windows.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TimevalWin {
    /// Seconds since the Unix epoch.
    pub tv_sec: i32,
    /// Microseconds (nanoseconds with nanosecond precision).
    pub tv_usec: i32,
}

/// `struct pcap_pkthdr`: a packet's time and lengths.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PktHdr {
    /// Capture time.
    pub ts: TimevalWin,
    /// Bytes captured.
    pub caplen: u32,
    /// Bytes on the wire.
    pub len: u32,
}

/// `struct pcap_stat` with the Windows-only fields (`ps_capt`, `ps_sent`,
/// `ps_netdrop`), so the library may write all it knows.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Stat {
    /// Packets received.
    pub ps_recv: c_uint,
    /// Packets dropped for lack of buffer space.
    pub ps_drop: c_uint,
    /// Packets dropped by the interface.
    pub ps_ifdrop: c_uint,
    /// Packets that reached the application (Windows).
    pub ps_capt: c_uint,
    /// Packets sent on the network (Windows).
    pub ps_sent: c_uint,
    /// Packets lost on the network (Windows).
    pub ps_netdrop: c_uint,
}

/// `struct bpf_insn`: one BPF instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BpfInsn {
    /// Operation code.
    pub code: u16,
    /// Jump offset when true.
    pub jt: u8,
    /// Jump offset when false.
    pub jf: u8,
    /// Operand.
    pub k: u32,
}

/// `struct bpf_program`: a compiled filter, its instructions owned by the library.
#[repr(C)]
#[derive(Debug)]
pub struct BpfProgram {
    /// Number of instructions.
    pub bf_len: c_uint,
    /// The instructions.
    pub bf_insns: *mut BpfInsn,
}

/// `struct pcap_if`: one entry of `pcap_findalldevs`' list.
#[repr(C)]
#[derive(Debug)]
pub struct PcapIf {
    /// The next entry, or null.
    pub next: *mut PcapIf,
    /// The name to open.
    pub name: *mut c_char,
    /// A description, or null.
    pub description: *mut c_char,
    /// The addresses (`struct pcap_addr *`), unused here.
    pub addresses: *mut c_void,
    /// `PCAP_IF_*` flags.
    pub flags: u32,
}

/// The opaque `pcap_t`.
#[repr(C)]
pub struct PcapT {
    _private: [u8; 0],
}

/// Nanoseconds since the Unix epoch of a Windows timestamp; `nanos` when the
/// capture gives nanoseconds in `tv_usec`. The seconds are read as unsigned (as
/// the pcap file format stores them), so they last until 2106.
pub fn time_of(ts: TimevalWin, nanos: bool) -> i64 {
    let frac = i64::from(ts.tv_usec as u32);
    i64::from(ts.tv_sec as u32) * 1_000_000_000 + if nanos { frac } else { frac * 1000 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, size_of};

    #[test]
    fn windows_layouts_match_pcap_h_on_64_bit_windows() {
        assert_eq!(size_of::<TimevalWin>(), 8, "two 32-bit longs");
        assert_eq!(size_of::<PktHdr>(), 16);
        assert_eq!(std::mem::offset_of!(PktHdr, caplen), 8);
        assert_eq!(std::mem::offset_of!(PktHdr, len), 12);
        assert_eq!(size_of::<Stat>(), 24);
        assert_eq!(size_of::<BpfInsn>(), 8);
        if size_of::<usize>() == 8 {
            assert_eq!(size_of::<BpfProgram>(), 16);
            assert_eq!(std::mem::offset_of!(BpfProgram, bf_insns), 8);
            assert_eq!(size_of::<PcapIf>(), 40);
            assert_eq!(std::mem::offset_of!(PcapIf, flags), 32);
        }
        assert_eq!(align_of::<PktHdr>(), 4);
    }

    #[test]
    fn timestamps_in_micro_and_nanoseconds() {
        let ts = TimevalWin { tv_sec: 1_700_000_000, tv_usec: 123_456 };
        assert_eq!(time_of(ts, false), 1_700_000_000_123_456_000);
        assert_eq!(time_of(ts, true), 1_700_000_000_000_123_456);
        let late = TimevalWin { tv_sec: -1, tv_usec: 0 };
        assert_eq!(time_of(late, true), i64::from(u32::MAX) * 1_000_000_000, "after 2038");
    }
}
