//! The Windows backend: Npcap's `wpcap.dll`, loaded at run time from
//! `%SystemRoot%\System32\Npcap` as Wireshark does (so socklab starts without
//! Npcap, and never picks up an old WinPcap `wpcap.dll` from the search path).
//! The library is loaded once; every `pcap_*` function used is resolved then,
//! `pcap_set_tstamp_precision` and `pcap_get_tstamp_precision` optionally.
//! Waiting uses `pcap_getevent`'s event and the [`Wake`] event together in
//! `WaitForMultipleObjects`.

use super::npcap_types::{
    time_of, BpfProgram, PcapIf, PcapT, PktHdr, Stat, PCAP_ERRBUF_SIZE, PCAP_IF_LOOPBACK, PCAP_NETMASK_UNKNOWN,
    PCAP_TSTAMP_PRECISION_NANO,
};
use super::{Interface, LiveOptions, Packet, PcapError, Refusal, Stats};
use libloading::os::windows::{Library, LOAD_WITH_ALTERED_SEARCH_PATH};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::os::windows::ffi::OsStringExt;
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;
use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, WAIT_OBJECT_0};
use windows_sys::Win32::Security::{GetTokenInformation, TokenElevation, TOKEN_ELEVATION, TOKEN_QUERY};
use windows_sys::Win32::System::Registry::{RegGetValueW, HKEY_LOCAL_MACHINE, RRF_RT_REG_DWORD};
use windows_sys::Win32::System::SystemInformation::GetSystemDirectoryW;
use windows_sys::Win32::System::Threading::{
    CreateEventW, GetCurrentProcess, OpenProcessToken, ResetEvent, SetEvent, Sleep, WaitForMultipleObjects,
    WaitForSingleObject,
};

/// Npcap's folder under the system directory.
const NPCAP_DIR: &str = "Npcap";
/// The DLL loaded from it.
const WPCAP: &str = "wpcap.dll";
/// Npcap's driver parameters in the registry (under HKEY_LOCAL_MACHINE).
const PARAMETERS_KEY: &str = r"SYSTEM\CurrentControlSet\Services\npcap\Parameters";
/// The registry value that restricts the driver to Administrators.
const ADMIN_ONLY_VALUE: &str = "AdminOnly";
/// The snap length of the dead handles filters are compiled on.
const DEAD_SNAPLEN: c_int = 65_535;

/// The functions of `wpcap.dll` that socklab calls, with the library kept loaded.
struct Api {
    _lib: Library,
    create: unsafe extern "C" fn(*const c_char, *mut c_char) -> *mut PcapT,
    set_snaplen: unsafe extern "C" fn(*mut PcapT, c_int) -> c_int,
    set_immediate_mode: unsafe extern "C" fn(*mut PcapT, c_int) -> c_int,
    set_buffer_size: unsafe extern "C" fn(*mut PcapT, c_int) -> c_int,
    set_timeout: unsafe extern "C" fn(*mut PcapT, c_int) -> c_int,
    set_tstamp_precision: Option<unsafe extern "C" fn(*mut PcapT, c_int) -> c_int>,
    get_tstamp_precision: Option<unsafe extern "C" fn(*mut PcapT) -> c_int>,
    activate: unsafe extern "C" fn(*mut PcapT) -> c_int,
    geterr: unsafe extern "C" fn(*mut PcapT) -> *const c_char,
    statustostr: unsafe extern "C" fn(c_int) -> *const c_char,
    setnonblock: unsafe extern "C" fn(*mut PcapT, c_int, *mut c_char) -> c_int,
    compile: unsafe extern "C" fn(*mut PcapT, *mut BpfProgram, *const c_char, c_int, u32) -> c_int,
    setfilter: unsafe extern "C" fn(*mut PcapT, *mut BpfProgram) -> c_int,
    freecode: unsafe extern "C" fn(*mut BpfProgram),
    next_ex: unsafe extern "C" fn(*mut PcapT, *mut *mut PktHdr, *mut *const u8) -> c_int,
    datalink: unsafe extern "C" fn(*mut PcapT) -> c_int,
    stats: unsafe extern "C" fn(*mut PcapT, *mut Stat) -> c_int,
    close: unsafe extern "C" fn(*mut PcapT),
    findalldevs: unsafe extern "C" fn(*mut *mut PcapIf, *mut c_char) -> c_int,
    freealldevs: unsafe extern "C" fn(*mut PcapIf),
    lib_version: unsafe extern "C" fn() -> *const c_char,
    open_dead: unsafe extern "C" fn(c_int, c_int) -> *mut PcapT,
    offline_filter: unsafe extern "C" fn(*const BpfProgram, *const PktHdr, *const u8) -> c_int,
    getevent: unsafe extern "C" fn(*mut PcapT) -> HANDLE,
}

/// Why the library did not load: its path and the reason.
type LoadFailure = (String, String);

/// The library, loaded on first use.
static API: OnceLock<Result<Api, LoadFailure>> = OnceLock::new();

/// The loaded library, or why it is missing.
fn api() -> Result<&'static Api, PcapError> {
    API.get_or_init(load)
        .as_ref()
        .map_err(|(path, reason)| PcapError::Missing { path: path.clone(), reason: reason.clone() })
}

/// `%SystemRoot%\System32\Npcap\wpcap.dll`.
fn dll_path() -> PathBuf {
    let mut buf = [0u16; 260];
    // SAFETY: the buffer's length is passed; the call writes at most that many units.
    let n = unsafe { GetSystemDirectoryW(buf.as_mut_ptr(), buf.len() as u32) } as usize;
    let system = if n > 0 && n < buf.len() {
        PathBuf::from(std::ffi::OsString::from_wide(&buf[..n]))
    } else {
        PathBuf::from(std::env::var_os("SystemRoot").unwrap_or_else(|| r"C:\Windows".into())).join("System32")
    };
    system.join(NPCAP_DIR).join(WPCAP)
}

/// Loads `wpcap.dll` (its `Packet.dll` from the same folder) and resolves the functions.
fn load() -> Result<Api, LoadFailure> {
    let path = dll_path();
    let shown = path.display().to_string();
    // SAFETY: loading Npcap's DLL runs its initialisation, which is sound to run
    // at any time; the altered search path finds Packet.dll beside it.
    let lib = unsafe { Library::load_with_flags(&path, LOAD_WITH_ALTERED_SEARCH_PATH) }
        .map_err(|e| (shown.clone(), e.to_string()))?;
    macro_rules! get {
        ($name:literal) => {
            // SAFETY: the symbol is the libpcap function of that name, whose C
            // signature the field's type states; the library stays loaded in `Api`.
            match unsafe { lib.get(concat!($name, "\0").as_bytes()) } {
                Ok(s) => *s,
                Err(_) => return Err((shown, format!("it has no {} (Npcap too old? reinstall it)", $name))),
            }
        };
    }
    macro_rules! maybe {
        ($name:literal) => {
            // SAFETY: as for `get!`.
            unsafe { lib.get(concat!($name, "\0").as_bytes()) }.ok().map(|s| *s)
        };
    }
    Ok(Api {
        create: get!("pcap_create"),
        set_snaplen: get!("pcap_set_snaplen"),
        set_immediate_mode: get!("pcap_set_immediate_mode"),
        set_buffer_size: get!("pcap_set_buffer_size"),
        set_timeout: get!("pcap_set_timeout"),
        set_tstamp_precision: maybe!("pcap_set_tstamp_precision"),
        get_tstamp_precision: maybe!("pcap_get_tstamp_precision"),
        activate: get!("pcap_activate"),
        geterr: get!("pcap_geterr"),
        statustostr: get!("pcap_statustostr"),
        setnonblock: get!("pcap_setnonblock"),
        compile: get!("pcap_compile"),
        setfilter: get!("pcap_setfilter"),
        freecode: get!("pcap_freecode"),
        next_ex: get!("pcap_next_ex"),
        datalink: get!("pcap_datalink"),
        stats: get!("pcap_stats"),
        close: get!("pcap_close"),
        findalldevs: get!("pcap_findalldevs"),
        freealldevs: get!("pcap_freealldevs"),
        lib_version: get!("pcap_lib_version"),
        open_dead: get!("pcap_open_dead"),
        offline_filter: get!("pcap_offline_filter"),
        getevent: get!("pcap_getevent"),
        _lib: lib,
    })
}

/// A C string of the library as text ("" for null).
fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the library returns NUL-terminated strings that live at least until its next call.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The text of an error buffer the library wrote.
fn errbuf_text(buf: &[c_char; PCAP_ERRBUF_SIZE]) -> String {
    let bytes: Vec<u8> = buf.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `s` as a C string; a NUL inside is refused with `what` in the message.
fn c_string(s: &str, what: &str) -> Result<CString, PcapError> {
    CString::new(s)
        .map_err(|_| PcapError::Refused { kind: Refusal::Other, message: format!("{what} holds a NUL byte") })
}

/// Every interface Npcap lists.
pub fn interfaces() -> Result<Vec<Interface>, PcapError> {
    let api = api()?;
    let mut errbuf = [0 as c_char; PCAP_ERRBUF_SIZE];
    let mut all: *mut PcapIf = null_mut();
    // SAFETY: an error buffer of the documented size; the list is walked while
    // alive and freed once.
    unsafe {
        if (api.findalldevs)(&mut all, errbuf.as_mut_ptr()) != 0 {
            return Err(PcapError::refused(None, errbuf_text(&errbuf)));
        }
        let mut out = Vec::new();
        let mut at = all;
        while !at.is_null() {
            let d = &*at;
            let description = (!d.description.is_null()).then(|| text(d.description));
            out.push(Interface { name: text(d.name), description, loopback: d.flags & PCAP_IF_LOOPBACK != 0 });
            at = d.next;
        }
        if !all.is_null() {
            (api.freealldevs)(all);
        }
        Ok(out)
    }
}

/// Npcap's version string.
pub fn lib_version() -> Result<String, PcapError> {
    let api = api()?;
    // SAFETY: pcap_lib_version returns a static string.
    Ok(text(unsafe { (api.lib_version)() }))
}

/// An open live capture.
pub struct Live {
    api: &'static Api,
    p: *mut PcapT,
    nanos: bool,
    /// The event Npcap signals when packets are waiting (null if none).
    event: HANDLE,
}

// SAFETY: a pcap_t may be used from any thread, by one thread at a time, which
// `&mut self` and ownership ensure; the event handle is process-wide.
unsafe impl Send for Live {}

impl Drop for Live {
    fn drop(&mut self) {
        // SAFETY: the handle came from pcap_create and is closed once.
        unsafe { (self.api.close)(self.p) };
    }
}

impl Live {
    /// libpcap's message for the last error of the handle, else `status`'s meaning.
    fn message(&self, status: c_int) -> String {
        // SAFETY: the handle is open; both calls return NUL-terminated strings.
        let msg = text(unsafe { (self.api.geterr)(self.p) });
        if msg.is_empty() {
            text(unsafe { (self.api.statustostr)(status) })
        } else {
            msg
        }
    }

    /// Opens `device` (immediate mode if asked), nanosecond precision if Npcap has it, non-blocking.
    pub fn open(device: &str, o: &LiveOptions) -> Result<Live, PcapError> {
        let api = api()?;
        let name = c_string(device, "the interface name")?;
        let mut errbuf = [0 as c_char; PCAP_ERRBUF_SIZE];
        // SAFETY: a NUL-terminated name and an error buffer of the documented size.
        let p = unsafe { (api.create)(name.as_ptr(), errbuf.as_mut_ptr()) };
        if p.is_null() {
            return Err(PcapError::refused(None, errbuf_text(&errbuf)));
        }
        let mut live = Live { api, p, nanos: false, event: null_mut() };
        // SAFETY: `p` is a created, not yet activated handle, closed by `live`'s Drop.
        unsafe {
            (api.set_snaplen)(p, o.snaplen);
            (api.set_immediate_mode)(p, c_int::from(o.immediate));
            (api.set_buffer_size)(p, o.buffer_bytes);
            (api.set_timeout)(p, o.timeout_ms);
            let precise = api.set_tstamp_precision.is_some_and(|f| f(p, PCAP_TSTAMP_PRECISION_NANO) == 0);
            let status = (api.activate)(p);
            if status < 0 {
                return Err(PcapError::refused(Some(status), live.message(status)));
            }
            live.nanos = api.get_tstamp_precision.map_or(precise, |f| f(p) == PCAP_TSTAMP_PRECISION_NANO);
            if (api.setnonblock)(p, 1, errbuf.as_mut_ptr()) < 0 {
                return Err(PcapError::refused(None, errbuf_text(&errbuf)));
            }
            live.event = (api.getevent)(p);
        }
        Ok(live)
    }

    /// Compiles and sets the filter.
    pub fn set_filter(&mut self, expr: &str) -> Result<(), PcapError> {
        let c = c_string(expr, "the filter")?;
        let mut prog = BpfProgram { bf_len: 0, bf_insns: null_mut() };
        // SAFETY: an open handle, a NUL-terminated expression, and a program
        // freed once after pcap_setfilter copied it.
        unsafe {
            let status = (self.api.compile)(self.p, &mut prog, c.as_ptr(), 1, PCAP_NETMASK_UNKNOWN);
            if status < 0 {
                return Err(PcapError::refused(None, self.message(status)));
            }
            let status = (self.api.setfilter)(self.p, &mut prog);
            (self.api.freecode)(&mut prog);
            if status < 0 {
                return Err(PcapError::refused(None, self.message(status)));
            }
        }
        Ok(())
    }

    /// The next waiting packet.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, PcapError> {
        let mut h: *mut PktHdr = null_mut();
        let mut d: *const u8 = null();
        // SAFETY: an open handle; on success the header and `caplen` bytes of
        // data stay valid until the next call on the handle, which `&mut self` prevents.
        unsafe {
            match (self.api.next_ex)(self.p, &mut h, &mut d) {
                1 if !h.is_null() => {
                    let hdr = *h;
                    let data = if d.is_null() { &[][..] } else { std::slice::from_raw_parts(d, hdr.caplen as usize) };
                    Ok(Some(Packet { time: time_of(hdr.ts, self.nanos), len: hdr.len, data }))
                }
                0 | 1 => Ok(None),
                status => Err(PcapError::refused(None, self.message(status))),
            }
        }
    }

    /// `pcap_stats`.
    pub fn stats(&mut self) -> Option<Stats> {
        let mut s = Stat::default();
        // SAFETY: an open handle and a pcap_stat with room for Windows' fields.
        let ok = unsafe { (self.api.stats)(self.p, &mut s) } == 0;
        ok.then_some(Stats { received: s.ps_recv, dropped: s.ps_drop })
    }

    /// The link type.
    pub fn datalink(&self) -> i32 {
        // SAFETY: an open handle.
        unsafe { (self.api.datalink)(self.p) }
    }

    /// Npcap's event of the capture, to wait on.
    pub fn waiter(&self) -> Waiter {
        Waiter { event: self.event }
    }
}

/// Npcap's event of a capture (null when it has none).
#[derive(Clone, Copy, Debug)]
pub struct Waiter {
    event: HANDLE,
}

// SAFETY: an event handle may be waited on from any thread.
unsafe impl Send for Waiter {}
// SAFETY: waiting on an event is thread-safe.
unsafe impl Sync for Waiter {}

impl Waiter {
    /// Waits on Npcap's event and `wake`'s, up to `millis`; then takes `wake`'s signal.
    pub fn wait(&self, wake: Option<&Wake>, millis: i32) {
        let handles: Vec<HANDLE> =
            [self.event, wake.map_or(null_mut(), |w| w.event)].into_iter().filter(|h| !h.is_null()).collect();
        let millis = u32::try_from(millis).unwrap_or(0);
        // SAFETY: valid event handles, owned by the capture and the wake, alive during the call.
        unsafe {
            if handles.is_empty() {
                Sleep(millis);
            } else {
                WaitForMultipleObjects(handles.len() as u32, handles.as_ptr(), 0, millis);
            }
        }
        if let Some(w) = wake {
            w.take();
        }
    }
}

/// A filter compiled for one link type.
pub struct Program {
    api: &'static Api,
    prog: BpfProgram,
}

// SAFETY: the program owns its instructions; nothing else refers to them.
unsafe impl Send for Program {}

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: the program came from pcap_compile and is freed once.
        unsafe { (self.api.freecode)(&mut self.prog) };
    }
}

impl Program {
    /// Compiles `expr` for `dlt` on a dead handle.
    pub fn compile(dlt: i32, expr: &str) -> Result<Program, PcapError> {
        let api = api()?;
        let c = c_string(expr, "the filter")?;
        // SAFETY: a dead handle, closed before returning; a NUL-terminated expression.
        unsafe {
            let dead = (api.open_dead)(dlt, DEAD_SNAPLEN);
            if dead.is_null() {
                return Err(PcapError::refused(None, format!("Npcap cannot compile filters for link type {dlt}")));
            }
            let mut prog = BpfProgram { bf_len: 0, bf_insns: null_mut() };
            let status = (api.compile)(dead, &mut prog, c.as_ptr(), 1, PCAP_NETMASK_UNKNOWN);
            let message = if status < 0 { text((api.geterr)(dead)) } else { String::new() };
            (api.close)(dead);
            if status < 0 {
                return Err(PcapError::refused(None, message));
            }
            Ok(Program { api, prog })
        }
    }

    /// Runs the program on a packet of wire length `len`.
    pub fn matches(&self, data: &[u8], len: u32) -> bool {
        let h = PktHdr { caplen: data.len() as u32, len, ..PktHdr::default() };
        // SAFETY: a compiled program; `h.caplen` bytes are readable at `data`.
        unsafe { (self.api.offline_filter)(&self.prog, &h, data.as_ptr()) > 0 }
    }
}

/// A manual-reset event: set to wake the waiter, reset when taken.
pub struct Wake {
    event: HANDLE,
}

// SAFETY: event handles may be used from any thread.
unsafe impl Send for Wake {}
// SAFETY: SetEvent, ResetEvent and waits are thread-safe.
unsafe impl Sync for Wake {}

impl Drop for Wake {
    fn drop(&mut self) {
        // SAFETY: the handle came from CreateEventW and is closed once.
        unsafe { CloseHandle(self.event) };
    }
}

impl Wake {
    /// A new, unset event.
    pub fn new() -> std::io::Result<Wake> {
        // SAFETY: default security, manual reset, initially unset, unnamed.
        let event = unsafe { CreateEventW(null(), 1, 0, null()) };
        if event.is_null() {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Wake { event })
    }

    /// Sets the event.
    pub fn signal(&self) {
        // SAFETY: an open event handle.
        unsafe { SetEvent(self.event) };
    }

    /// Resets the event: whether it was set.
    pub fn take(&self) -> bool {
        // SAFETY: an open event handle.
        unsafe {
            let set = WaitForSingleObject(self.event, 0) == WAIT_OBJECT_0;
            if set {
                ResetEvent(self.event);
            }
            set
        }
    }
}

/// `s` as a NUL-terminated UTF-16 string.
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Npcap's `AdminOnly` registry value: whether the driver is restricted to
/// Administrators (`None` when not found).
pub fn admin_only() -> Option<bool> {
    let (key, value) = (wide(PARAMETERS_KEY), wide(ADMIN_ONLY_VALUE));
    let mut data = 0u32;
    let mut size = std::mem::size_of::<u32>() as u32;
    // SAFETY: NUL-terminated names, and a DWORD buffer whose size is passed.
    let status = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            key.as_ptr(),
            value.as_ptr(),
            RRF_RT_REG_DWORD,
            null_mut(),
            (&mut data as *mut u32).cast::<c_void>(),
            &mut size,
        )
    };
    (status == 0).then_some(data != 0)
}

/// Whether this process runs elevated (`None` when Windows does not say).
pub fn elevated() -> Option<bool> {
    let mut token: HANDLE = null_mut();
    // SAFETY: the current process's pseudo-handle; the token is closed once;
    // a TOKEN_ELEVATION buffer whose size is passed.
    unsafe {
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut e = TOKEN_ELEVATION { TokenIsElevated: 0 };
        let mut len = 0u32;
        let ok = GetTokenInformation(
            token,
            TokenElevation,
            (&mut e as *mut TOKEN_ELEVATION).cast::<c_void>(),
            std::mem::size_of::<TOKEN_ELEVATION>() as u32,
            &mut len,
        );
        CloseHandle(token);
        (ok != 0).then_some(e.TokenIsElevated != 0)
    }
}
