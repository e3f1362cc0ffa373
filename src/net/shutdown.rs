//! Clean shutdown on Ctrl-C (SIGINT) and SIGTERM, or on Windows on the console's
//! Ctrl-C, Ctrl-Break and close events.
//!
//! On Unix (Linux, macOS) [`install`] blocks both signals in the calling thread (call it first in `main`,
//! before any thread starts, so every thread inherits the mask) and starts one
//! thread that waits for them with `sigwait`. When one arrives it raises a flag and
//! runs the registered wakers, which unblock a server's `accept` or `recv` (for
//! example by connecting to the server's own listening address). A second signal
//! exits at once, so a stuck program can always be stopped.
//!
//! A client blocked on its input cannot be woken that way: it installs with
//! `exit: true`, and shutdown then runs the registered finishers ([`on_exit`],
//! e.g. saving the capture and printing its tables) on a thread of their own
//! and exits with 128 + the signal number (0 when stdout was closed), or 1 if
//! something [`mark_failed`] the run.
//!
//! On Windows [`install`] registers a console control handler (Windows runs it
//! on a thread of its own): Ctrl-C and Ctrl-Break (what `socklab` sends a child
//! server to stop it, see `cmd::child`) count as SIGINT (status 130), closing
//! the console window as SIGHUP (status 129). A second Ctrl-C exits at once.
//! After a close event Windows ends the process when the handler returns, so the
//! handler waits (up to [`CLOSE_GRACE`]) for the program to finish and exit.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

type Waker = Box<dyn Fn() + Send + Sync>;
type Finisher = Box<dyn FnOnce() + Send>;

static STOP: AtomicBool = AtomicBool::new(false);
static EXIT: AtomicBool = AtomicBool::new(false);
static FAILED: AtomicBool = AtomicBool::new(false);
static STATUS: AtomicI32 = AtomicI32::new(0);
static WAKERS: OnceLock<Mutex<Vec<Waker>>> = OnceLock::new();
static FINISHERS: Mutex<Vec<Finisher>> = Mutex::new(Vec::new());

fn wakers() -> &'static Mutex<Vec<Waker>> {
    WAKERS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Records that the run failed after the fact (a capture that could not be
/// saved whole): the process must exit non-zero even if the command succeeds.
pub fn mark_failed() {
    FAILED.store(true, Ordering::SeqCst);
}

/// True once [`mark_failed`] was called.
pub fn failed() -> bool {
    FAILED.load(Ordering::SeqCst)
}

/// Registers work to finish before a client installed with `exit: true` exits
/// on shutdown (it runs on its own thread; never for servers, which return).
pub fn on_exit<F: FnOnce() + Send + 'static>(f: F) {
    if let Ok(mut list) = FINISHERS.lock() {
        list.push(Box::new(f));
    }
}

/// Runs the finishers (once) and exits.
fn finish_and_exit() -> ! {
    let list = FINISHERS.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
    for f in list {
        f();
    }
    let status = if failed() { 1 } else { STATUS.load(Ordering::SeqCst) };
    std::process::exit(status);
}

/// True once SIGINT or SIGTERM has arrived (or [`request`] was called).
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// True once shutdown came from SIGINT or SIGTERM (not [`request`]).
pub fn by_signal() -> bool {
    requested() && STATUS.load(Ordering::SeqCst) > 128
}

/// Asks for shutdown as a closed stdout does: raises the flag and runs the
/// wakers (a client installed with `exit: true` then finishes and exits with 0).
pub fn request() {
    stop(0);
}

/// Raises the flag, runs the wakers, and in exit mode finishes and exits with `status`.
fn stop(status: i32) {
    if STOP.load(Ordering::SeqCst) {
        return;
    }
    STATUS.store(status, Ordering::SeqCst);
    if STOP.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Ok(list) = wakers().lock() {
        for w in list.iter() {
            w();
        }
    }
    if EXIT.load(Ordering::SeqCst) {
        std::thread::spawn(|| finish_and_exit());
    }
}

/// Registers a function to run when shutdown is requested (runs at once if it
/// already was).
pub fn on_shutdown<F: Fn() + Send + Sync + 'static>(f: F) {
    if requested() {
        f();
    }
    if let Ok(mut list) = wakers().lock() {
        list.push(Box::new(f));
    }
}

/// Signal number of Ctrl-C (SIGINT): exit status 128 + 2, on every platform.
pub const SIGINT: i32 = 2;
/// Signal number of a hang-up (SIGHUP): what closing the console is, on Windows.
pub const SIGHUP: i32 = 1;

/// What a signal (Unix) or console event (Windows) does: the first one stops
/// with 128 + `sig`, the next exits at once.
fn on_signal(sig: i32) {
    if requested() {
        std::process::exit(128 + sig);
    }
    stop(128 + sig);
}

/// Routes SIGINT and SIGTERM to the shutdown flag. Call once, before other
/// threads start. `exit`: the command cannot be woken (a client waiting for
/// input), so shutdown runs the [`on_exit`] finishers and exits.
#[cfg(unix)]
pub fn install(exit: bool) {
    EXIT.store(exit, Ordering::SeqCst);
    // SAFETY: plain libc calls on a locally owned, initialised sigset.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || loop {
            let mut sig: libc::c_int = 0;
            if libc::sigwait(&set, &mut sig) != 0 {
                return;
            }
            on_signal(sig);
        });
        if spawned.is_err() {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// How long the handler of a console close event keeps the process alive for
/// the program to stop cleanly (Windows kills it after about 5 s anyway).
#[cfg(windows)]
pub const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_millis(4500);

/// The signal a console control event stands for: Ctrl-C and Ctrl-Break are
/// SIGINT, closing the console (or logging off, shutting down) is SIGHUP.
pub fn console_event_signal(event: u32) -> Option<i32> {
    /// CTRL_C_EVENT, CTRL_BREAK_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT.
    const C: u32 = 0;
    const BREAK: u32 = 1;
    const CLOSE: u32 = 2;
    const LOGOFF: u32 = 5;
    const SHUTDOWN: u32 = 6;
    match event {
        C | BREAK => Some(SIGINT),
        CLOSE | LOGOFF | SHUTDOWN => Some(SIGHUP),
        _ => None,
    }
}

/// The console control handler: runs on a thread Windows starts for the event.
#[cfg(windows)]
unsafe extern "system" fn console_handler(event: u32) -> windows_sys::core::BOOL {
    let Some(sig) = console_event_signal(event) else { return 0 };
    on_signal(sig);
    if sig == SIGHUP {
        // Returning lets Windows end the process: give the program time to stop.
        std::thread::sleep(CLOSE_GRACE);
    }
    1
}

/// Routes the console's Ctrl-C, Ctrl-Break and close events to the shutdown
/// flag. Call once, before other threads start. `exit`: the command cannot be
/// woken (a client waiting for input), so shutdown runs the [`on_exit`]
/// finishers and exits.
#[cfg(windows)]
pub fn install(exit: bool) {
    use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
    EXIT.store(exit, Ordering::SeqCst);
    // SAFETY: registering a handler that is a plain function for the process's
    // lifetime. The first call undoes an inherited "ignore Ctrl-C" (a process
    // started in a new process group, as `cmd::child` starts servers, has one).
    unsafe {
        SetConsoleCtrlHandler(None, 0);
        SetConsoleCtrlHandler(Some(console_handler), 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_events_map_to_signals() {
        assert_eq!(console_event_signal(0), Some(SIGINT), "Ctrl-C");
        assert_eq!(console_event_signal(1), Some(SIGINT), "Ctrl-Break, as a child server is stopped");
        assert_eq!(console_event_signal(2), Some(SIGHUP), "console closed");
        assert_eq!(console_event_signal(5), Some(SIGHUP));
        assert_eq!(console_event_signal(6), Some(SIGHUP));
        assert_eq!(console_event_signal(3), None);
    }
}
