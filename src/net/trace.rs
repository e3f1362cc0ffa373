//! `--trace`: each socket call socklab makes, printed in the same timeline as
//! the packets it causes.
//!
//! A traced call prints a line before it starts ("connect(127.0.0.1:12000) …")
//! and one after it returns ("connect() returned fd 5, local 127.0.0.1:41864").
//! Both pass the output gate, which waits for the capture to print the packets
//! captured before them: the SYN comes between the two lines of a `connect`.
//! Each line carries the wall-clock time and the time since the program started
//! (a monotonic clock).
//!
//! With `--capture`, the events also go to a sidecar file next to the pcap
//! (`FILE.pcap.trace`), one JSON object a line, which `socklab flow` draws on
//! the lifelines.

use crate::net::fd::{AsRawFd, RawFd, HANDLE_NAME};
use crate::net::gate;
use crate::sniff::barrier;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt::Display;
use std::fs::File;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

/// Events kept while no sidecar is open yet (a server binds before its capture starts).
const MAX_PENDING: usize = 256;
/// Nanoseconds in a second and in a day, for the wall-clock column.
const NS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

static ON: AtomicBool = AtomicBool::new(false);

/// One traced event as the sidecar file holds it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Nanoseconds since the Unix epoch (the clock of packet timestamps).
    pub time: i64,
    /// The local address of the socket the call was made on, when it has one.
    pub side: Option<String>,
    /// The call as printed: `connect(127.0.0.1:12000)` before it, `connect()` after.
    pub call: String,
    /// What it returned (`None` on the line before the call).
    pub result: Option<String>,
}

/// Where events go besides the terminal.
#[derive(Default)]
struct Sink {
    file: Option<File>,
    pending: Vec<Event>,
}

fn sink() -> MutexGuard<'static, Sink> {
    static SINK: OnceLock<Mutex<Sink>> = OnceLock::new();
    SINK.get_or_init(|| Mutex::new(Sink::default())).lock().unwrap_or_else(|p| p.into_inner())
}

fn started() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Turns tracing on (from `--trace`); off stays off.
pub fn enable(on: bool) {
    if on {
        started();
        ON.store(true, Ordering::Relaxed);
    }
}

/// True when socket calls are traced.
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The sidecar file of a capture file: `FILE.trace` next to `FILE`.
pub fn sidecar(pcap: &Path) -> PathBuf {
    let mut name = pcap.as_os_str().to_owned();
    name.push(".trace");
    PathBuf::from(name)
}

/// Also writes events to the sidecar of `pcap` (the ones traced so far first).
pub fn save_next_to(pcap: &Path) -> io::Result<()> {
    if !enabled() {
        return Ok(());
    }
    let mut file = File::create(sidecar(pcap))?;
    let mut s = sink();
    for e in s.pending.drain(..) {
        write_event(&mut file, &e)?;
    }
    s.file = Some(file);
    Ok(())
}

fn write_event(file: &mut File, e: &Event) -> io::Result<()> {
    let mut line = serde_json::to_string(e).map_err(io::Error::other)?;
    line.push('\n');
    file.write_all(line.as_bytes())
}

fn record(e: Event) {
    let mut s = sink();
    let s = &mut *s;
    match s.file.as_mut() {
        Some(f) => {
            let _ = write_event(f, &e);
        }
        None if s.pending.len() < MAX_PENDING => s.pending.push(e),
        None => {}
    }
}

/// What a traced call returned, as the line after it tells.
pub trait Outcome {
    /// The descriptor the call made, if it made one.
    fn fd(&self) -> Option<RawFd> {
        None
    }
    /// The result in a few words ("fd 5", "12 bytes").
    fn describe(&self) -> String;
}

impl Outcome for TcpStream {
    fn fd(&self) -> Option<RawFd> {
        Some(self.as_raw_fd())
    }
    fn describe(&self) -> String {
        format!("{HANDLE_NAME} {}", self.as_raw_fd())
    }
}

impl Outcome for TcpListener {
    fn fd(&self) -> Option<RawFd> {
        Some(self.as_raw_fd())
    }
    fn describe(&self) -> String {
        format!("{HANDLE_NAME} {}", self.as_raw_fd())
    }
}

impl Outcome for UdpSocket {
    fn fd(&self) -> Option<RawFd> {
        Some(self.as_raw_fd())
    }
    fn describe(&self) -> String {
        format!("{HANDLE_NAME} {}", self.as_raw_fd())
    }
}

impl Outcome for (TcpStream, SocketAddr) {
    fn fd(&self) -> Option<RawFd> {
        Some(self.0.as_raw_fd())
    }
    fn describe(&self) -> String {
        format!("{HANDLE_NAME} {} from {}", self.0.as_raw_fd(), self.1)
    }
}

impl Outcome for usize {
    fn describe(&self) -> String {
        format!("{self} bytes")
    }
}

impl Outcome for (usize, SocketAddr) {
    fn describe(&self) -> String {
        format!("{} bytes from {}", self.0, self.1)
    }
}

/// A count of datagrams (recvmmsg, sendmmsg), not of bytes.
pub struct Messages(pub usize);

impl Outcome for Messages {
    fn describe(&self) -> String {
        format!("{} datagrams", self.0)
    }
}

impl Outcome for () {
    fn describe(&self) -> String {
        "0".into()
    }
}

/// Traces `f`, a call that makes a socket (socket, bind, listen, connect,
/// accept): `what` before it, the new descriptor and its local address after.
/// Returns `f`'s result unchanged.
pub fn call<T: Outcome>(what: impl Display, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    if !enabled() {
        return f();
    }
    traced(what.to_string(), None, f)
}

/// Traces `f`, a call on the open socket `fd` (send, recv, shutdown).
pub fn on<T: Outcome>(fd: RawFd, what: impl Display, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    if !enabled() {
        return f();
    }
    traced(what.to_string(), Some(fd), f)
}

/// Traces the result of a non-blocking call made after readiness was signalled
/// (accept in an epoll loop): only its return, and not when it would block.
pub fn returned<T: Outcome>(what: &str, result: &io::Result<T>) {
    if !enabled() || matches!(result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
        return;
    }
    let t = barrier::now();
    let side = result.as_ref().ok().and_then(Outcome::fd).and_then(local_addr);
    let said = match result {
        Ok(v) => format!("returned {}{}", v.describe(), side.map(|a| format!(", local {a}")).unwrap_or_default()),
        Err(e) => format!("failed: {e}"),
    };
    gate::line(&format!("{} {what} {said}", stamp(t)));
    record(Event { time: t, side: side.map(|a| a.to_string()), call: what.to_string(), result: Some(said) });
}

/// Closes `sock`, traced: `close(fd N)` before the FIN it sends.
pub fn close(sock: impl AsRawFd) {
    if enabled() {
        let fd = sock.as_raw_fd();
        let _ = traced(format!("close({HANDLE_NAME} {fd})"), Some(fd), move || {
            drop(sock);
            Ok(())
        });
    }
}

thread_local! {
    /// The call on this thread that timed out and is being repeated (a server's
    /// receive with a read timeout, to look at the shutdown flag).
    static WAITING: RefCell<Option<(Option<RawFd>, String)>> = const { RefCell::new(None) };
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Prints `what` before the call and its result after. A call that times out
/// prints nothing after it, and its repeats nothing before them: a receive
/// polled every second reads as one call that waits until data comes.
fn traced<T: Outcome>(what: String, fd: Option<RawFd>, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    let side_before = fd.and_then(local_addr);
    let key = (fd, what);
    let repeat = WAITING.with(|w| w.borrow().as_ref() == Some(&key));
    let what = key.1;
    let t0 = barrier::now();
    if !repeat {
        gate::line(&format!("{} {}", stamp(t0), before(&what)));
    }
    let result = f();
    if matches!(&result, Err(e) if timed_out(e)) {
        if !repeat {
            record(Event { time: t0, side: side_before.map(|a| a.to_string()), call: what.clone(), result: None });
        }
        WAITING.with(|w| *w.borrow_mut() = Some((fd, what)));
        return result;
    }
    WAITING.with(|w| *w.borrow_mut() = None);
    let t1 = barrier::now();
    let name = name(&what);
    let side = side_before.or_else(|| result.as_ref().ok().and_then(Outcome::fd).and_then(local_addr));
    let said = match &result {
        Ok(v) => {
            let local = side.map(|a| format!(", local {a}")).unwrap_or_default();
            format!("returned {}{local}", v.describe())
        }
        Err(e) => format!("failed: {e}"),
    };
    gate::line(&format!("{} {}", stamp(t1), after(&what, &said)));
    let side = side.map(|a| a.to_string());
    if !repeat {
        record(Event { time: t0, side: side.clone(), call: what.clone(), result: None });
    }
    record(Event { time: t1, side, call: format!("{name}()"), result: Some(said) });
    result
}

/// The line before a call: `connect(127.0.0.1:12000) …`.
pub fn before(what: &str) -> String {
    format!("{what} …")
}

/// The line after a call: `connect() returned fd 5` for `what` =
/// `connect(127.0.0.1:12000)` and `said` = `returned fd 5`.
pub fn after(what: &str, said: &str) -> String {
    format!("{}() {said}", name(what))
}

/// A call's name without its arguments (the last of a `+` chain): the text
/// before the first `(` that follows a name, so `server (after FIN): write(…)`
/// is `server (after FIN): write`.
fn name(what: &str) -> &str {
    let call = what.rsplit('+').next().unwrap_or(what);
    let opens_args =
        |&(i, c): &(usize, char)| c == '(' && call[..i].ends_with(|p: char| p.is_alphanumeric() || p == '_');
    call.char_indices().find(opens_args).map_or(call, |(i, _)| &call[..i])
}

/// `[trace 03:31:02.123456 +0.012345]`: UTC wall clock and seconds since start.
fn stamp(ns: i64) -> String {
    let since = started().elapsed();
    format!("[trace {} +{}.{:06}]", wall(ns), since.as_secs(), since.subsec_micros())
}

/// `[trace 03:31:02.123456]`: a traced line's stamp with the wall clock only
/// (a report written after the run, with no program start to count from).
pub fn wall_stamp(ns: i64) -> String {
    format!("[trace {}]", wall(ns))
}

/// `03:31:02.123456`: the UTC time of day of `ns` (nanoseconds since the epoch).
fn wall(ns: i64) -> String {
    let day_ns = ns.rem_euclid(SECS_PER_DAY * NS_PER_SEC);
    let secs = day_ns / NS_PER_SEC;
    let micros = (day_ns % NS_PER_SEC) / 1000;
    format!("{:02}:{:02}:{:02}.{micros:06}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The local address of socket `fd` (getsockname), if it is bound.
fn local_addr(fd: RawFd) -> Option<SocketAddr> {
    #[cfg(unix)]
    // SAFETY: `fd` is an open socket of the caller, borrowed for this call only.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    #[cfg(windows)]
    // SAFETY: `fd` is an open socket of the caller, borrowed for this call only.
    let borrowed = unsafe { std::os::windows::io::BorrowedSocket::borrow_raw(fd) };
    socket2::SockRef::from(&borrowed).local_addr().ok()?.as_socket()
}

/// Reads a sidecar file's events (lines that do not parse are skipped).
pub fn parse(text: &str) -> Vec<Event> {
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_appends_trace() {
        assert_eq!(sidecar(Path::new("c/x.pcap")), PathBuf::from("c/x.pcap.trace"));
    }

    #[test]
    fn call_lines_name_the_call() {
        assert_eq!(before("connect(127.0.0.1:1)"), "connect(127.0.0.1:1) …");
        assert_eq!(after("socket+connect(127.0.0.1:1)", "returned fd 3"), "connect() returned fd 3");
        assert_eq!(after("server (after FIN): write(\"x\")", "→ 1"), "server (after FIN): write() → 1");
        assert_eq!(wall_stamp(3_661_000_001_000), "[trace 01:01:01.000001]");
    }

    #[test]
    fn parse_skips_bad_lines() {
        let text =
            "{\"time\":5,\"side\":\"127.0.0.1:1\",\"call\":\"connect()\",\"result\":\"returned fd 3\"}\nnot json\n";
        let ev = parse(text);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].call, "connect()");
    }
}
