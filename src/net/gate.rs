//! The one output gate of a live command: the program's lines, its input
//! prompts and the capture's packet lines all pass here, under stdout's lock,
//! so they never share a line.
//!
//! - A program line first waits (boundedly) for the capture to print the
//!   packets captured before it ([`Barrier`]), so "Connection from …" comes
//!   after the handshake that made it.
//! - A prompt is remembered until its answer is read; anything printed while it
//!   waits starts on a fresh line (on a terminal the prompt's line is cleared)
//!   and the prompt is drawn again below it.
//! - After Ctrl-C on a terminal (which echoes `^C` where the cursor is), the
//!   next output starts a line of its own.
//! - A closed stdout (EPIPE) is remembered and asks the command to stop
//!   ([`shutdown::request`]), which then exits quietly with its capture saved.

use crate::net::shutdown;
use crate::sniff::barrier::Barrier;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Carriage return and erase-line: the terminal line is empty again.
const CLEAR_LINE: &str = "\r\x1b[K";

/// What the gate remembers between writes.
#[derive(Default)]
struct State {
    /// The prompt on screen, waiting for its answer.
    prompt: Option<String>,
    /// Stdout was found closed.
    closed: bool,
    /// The running capture's barrier (read without stdout's lock).
    barrier: Option<Arc<Barrier>>,
    /// The line after a Ctrl-C was started (the terminal echoed `^C` on the current one).
    after_signal: bool,
}

fn state() -> MutexGuard<'static, State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    let m = STATE.get_or_init(|| Mutex::new(State::default()));
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn terminal() -> bool {
    static TTY: OnceLock<bool> = OnceLock::new();
    *TTY.get_or_init(|| io::stdout().is_terminal())
}

/// Sets (or with `None` removes) the capture whose packets program lines wait for.
pub fn set_barrier(barrier: Option<Arc<Barrier>>) {
    state().barrier = barrier;
}

/// Prints one program line (an event), after the packets captured before it.
pub fn line(text: &str) {
    wait_for_capture();
    write_between(format!("{text}\n").as_bytes());
}

/// Prints bytes as they are (a response body, which may not be text) as an
/// event, after the packets captured before it.
pub fn bytes(data: &[u8]) {
    wait_for_capture();
    write_between(data);
}

/// Waits (boundedly) until the packets captured before now have been printed.
fn wait_for_capture() {
    let barrier = state().barrier.clone();
    if let Some(b) = barrier {
        b.wait();
    }
}

/// Prints lines that are not events (packet lines), keeping any prompt below them.
pub fn between(text: &str) {
    write_between(text.as_bytes());
}

/// Prints `text` as the end of the output: a pending prompt's line is ended
/// first and not drawn again.
pub fn last(text: &str) {
    locked(|st| {
        let mut s = String::new();
        if st.prompt.take().is_some() {
            s.push('\n');
        }
        s.push_str(text);
        s.into_bytes()
    });
}

/// Shows a prompt (no line end) and remembers it until [`answered`].
pub fn prompt(text: &str) {
    wait_for_capture();
    locked(|st| {
        st.prompt = Some(text.to_string());
        text.as_bytes().to_vec()
    });
}

/// The prompt's answer was read: the cursor is on a fresh line.
pub fn answered() {
    state().prompt = None;
}

/// Writes `text` on a line of its own while a prompt may be showing.
fn write_between(text: &[u8]) {
    locked(|st| match &st.prompt {
        Some(p) => [if terminal() { CLEAR_LINE } else { "\n" }.as_bytes(), text, p.as_bytes()].concat(),
        None => text.to_vec(),
    });
}

/// Takes stdout's lock, then the gate's (always in that order: a command may
/// hold stdout's lock while it prints through the gate), and writes and
/// flushes what `compose` returns.
fn locked(compose: impl FnOnce(&mut State) -> Vec<u8>) {
    let mut o = io::stdout().lock();
    let mut st = state();
    let mut text = compose(&mut st);
    if st.closed {
        return;
    }
    if !st.after_signal && terminal() && shutdown::by_signal() {
        // As ping(8) does: what follows the terminal's `^C` starts a line of its own.
        st.after_signal = true;
        if !text.starts_with(b"\n") {
            text.insert(0, b'\n');
        }
    }
    let written = o.write_all(&text).and_then(|()| o.flush());
    if let Err(e) = written {
        if e.kind() == io::ErrorKind::BrokenPipe {
            st.closed = true;
            // On its own thread: the wakers may print.
            std::thread::spawn(shutdown::request);
        }
    }
}
