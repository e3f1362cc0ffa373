//! Clean shutdown on Ctrl-C (SIGINT) and SIGTERM.
//!
//! [`install`] blocks both signals in the calling thread (call it first in `main`,
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

/// Routes SIGINT and SIGTERM to the shutdown flag. Call once, before other
/// threads start. `exit`: the command cannot be woken (a client waiting for
/// input), so shutdown runs the [`on_exit`] finishers and exits.
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
            if requested() {
                std::process::exit(128 + sig);
            }
            stop(128 + sig);
        });
        if spawned.is_err() {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}
