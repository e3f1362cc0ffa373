//! A socklab server run as a child process of this same binary: started on
//! `--port 0`, its bound address read from its first line, stopped with SIGINT
//! (as Ctrl-C) within a bounded time. Used by the demo and the experiments.
//!
//! Windows has no signals: there the child is started in a process group of
//! its own ([`own_process_group`]) and stopped with a console Ctrl-Break event
//! for that group, which `net::shutdown` treats as Ctrl-C.

use crate::error::{Error, Result};
use crate::net::shutdown;
use std::io::{self, BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest wait for a server to stop after SIGINT.
const STOP_LIMIT: Duration = Duration::from_secs(5);
/// How often a wait looks at the child.
const POLL: Duration = Duration::from_millis(20);

/// A running socklab server.
pub struct ChildServer {
    child: Child,
    /// The address it printed.
    pub addr: SocketAddr,
    /// Its first output line (the address line).
    pub first: String,
    log: JoinHandle<String>,
}

impl ChildServer {
    /// Starts `exe ARGS` and reads the address from the last word of its first line.
    pub fn start(exe: &Path, args: &[&str]) -> Result<ChildServer> {
        let mut child = own_process_group(&mut Command::new(exe))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| Error::io("starting a socklab server", e))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::io("starting a socklab server", io::Error::other("no output pipe")));
        };
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let addr = first.split_whitespace().last().and_then(|w| w.parse::<SocketAddr>().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::io(
                format!("starting `socklab {}`", args.join(" ")),
                io::Error::other(format!("it did not print its address (first line: {:?})", first.trim())),
            ));
        };
        let log = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            rest
        });
        Ok(ChildServer { child, addr, first: first.trim_end().to_string(), log })
    }

    /// Stops the server with SIGINT (killing it if it does not stop in time);
    /// returns its output after the first line, and whether it stopped by itself.
    pub fn stop(mut self) -> (String, bool) {
        let clean = if interrupt(&self.child) {
            wait_bounded(&mut self.child, STOP_LIMIT)
        } else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            false
        };
        (self.log.join().unwrap_or_default(), clean)
    }
}

/// Waits for `child` up to `limit`; kills it after. True if it ended by itself.
/// On Ctrl-C (or SIGTERM) the child is interrupted too, so it finishes now
/// (a demo step's capture then ends with its last packets).
pub fn wait_bounded(child: &mut Child, limit: Duration) -> bool {
    let start = Instant::now();
    let mut interrupted = false;
    while start.elapsed() < limit {
        if !interrupted && shutdown::requested() {
            interrupted = true;
            interrupt(child);
        }
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) => std::thread::sleep(POLL),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

/// Prepares `cmd` so that [`interrupt`] can reach the child it starts: on
/// Windows a process group of its own (CREATE_NEW_PROCESS_GROUP), since a
/// console control event goes to a whole group; nothing to do on Unix, where
/// SIGINT goes to one process. Every child stopped through [`wait_bounded`]
/// must be started from a command prepared this way.
pub fn own_process_group(cmd: &mut Command) -> &mut Command {
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        cmd.creation_flags(windows_sys::Win32::System::Threading::CREATE_NEW_PROCESS_GROUP);
    }
    cmd
}

/// Sends SIGINT to a child, as Ctrl-C does (a second one is harmless: the
/// child has ended or is ending). False if it could not be sent.
#[cfg(unix)]
fn interrupt(child: &Child) -> bool {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else { return false };
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(pid, libc::SIGINT) == 0 }
}

/// Sends Ctrl-Break to a child started by a command prepared with
/// [`own_process_group`] (its process id is its group's id): a socklab child
/// takes it as Ctrl-C. False if it could not be sent (no console is shared
/// with the child, for one).
#[cfg(windows)]
fn interrupt(child: &Child) -> bool {
    use windows_sys::Win32::System::Console::{GenerateConsoleCtrlEvent, CTRL_BREAK_EVENT};
    // SAFETY: a plain call with our own child's process group id.
    unsafe { GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, child.id()) != 0 }
}
