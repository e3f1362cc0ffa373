//! Clean shutdown on Ctrl-C (SIGINT) and SIGTERM.
//!
//! [`install`] blocks both signals in the calling thread (call it first in `main`,
//! before any thread starts, so every thread inherits the mask) and starts one
//! thread that waits for them with `sigwait`. When one arrives it raises a flag and
//! runs the registered wakers, which unblock a server's `accept` or `recv` (for
//! example by connecting to the server's own listening address). A second signal
//! exits at once, so a stuck program can always be stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

type Waker = Box<dyn Fn() + Send + Sync>;

static STOP: AtomicBool = AtomicBool::new(false);
static WAKERS: OnceLock<Mutex<Vec<Waker>>> = OnceLock::new();

fn wakers() -> &'static Mutex<Vec<Waker>> {
    WAKERS.get_or_init(|| Mutex::new(Vec::new()))
}

/// True once SIGINT or SIGTERM has arrived (or [`request`] was called).
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Asks for shutdown as a signal would: raises the flag and runs the wakers.
pub fn request() {
    if !STOP.swap(true, Ordering::SeqCst) {
        if let Ok(list) = wakers().lock() {
            for w in list.iter() {
                w();
            }
        }
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

/// Routes SIGINT and SIGTERM to the shutdown flag. Call once, before other threads start.
pub fn install() {
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
            request();
        });
        if spawned.is_err() {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}
