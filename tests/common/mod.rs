//! Shared helpers for integration tests: run the real `socklab` binary, start
//! servers on `--port 0` and read the address they print first, and on failure
//! show the command with its stdout and stderr.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

mod rng;
// Not every test binary draws random numbers (as with dead_code above).
#[allow(unused_imports)]
pub use rng::Rng;

/// Path of the binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_socklab");

/// A command line for display in failure messages.
pub fn show(args: &[&str]) -> String {
    format!("socklab {}", args.join(" "))
}

/// Runs socklab to completion (bounded by `timeout`), with `stdin` as input.
pub fn run_with(args: &[&str], stdin: &[u8], timeout: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", show(args)));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    // Drain both pipes while waiting: a child writing more than a pipe holds
    // would otherwise block until the deadline.
    let drain = |mut r: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    let finished = status.is_some();
    let status = status.unwrap_or_else(|| child.wait().unwrap());
    let out = Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
    assert!(finished, "{} did not finish within {timeout:?}\n{}", show(args), describe(&out));
    out
}

/// Runs socklab with empty stdin and a 20 s bound.
pub fn run(args: &[&str]) -> Output {
    run_with(args, b"", Duration::from_secs(20))
}

/// Stdout and stderr of an output, for failure messages.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs socklab and asserts success; returns stdout as text.
pub fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "{} failed\n{}", show(args), describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs socklab and asserts failure with a one-line message on stderr; returns it.
pub fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "{} should have failed\n{}", show(args), describe(&out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{} panicked\n{}", show(args), describe(&out));
    err
}

/// A running server (or any long-lived socklab process) whose stdout is collected.
pub struct Proc {
    pub child: Child,
    pub args: Vec<String>,
    lines: Receiver<String>,
    pub seen: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
    pub stdin: Option<ChildStdin>,
}

/// The bound address a server printed on its first line (its last word).
pub fn addr_of(line: &str) -> Option<SocketAddr> {
    line.split_whitespace().last()?.parse().ok()
}

impl Proc {
    /// Stops the process with SIGINT (as Ctrl-C), bounded by 20 s, and returns
    /// every stdout line it printed.
    pub fn interrupt_lines(mut self) -> Vec<String> {
        self.signal_and_wait(libc::SIGINT, Duration::from_secs(20));
        let lines = self.seen.lock().unwrap().clone();
        lines
    }

    /// Starts socklab with piped stdin/stdout/stderr.
    pub fn spawn(args: &[&str]) -> Proc {
        Self::spawn_env(args, &[])
    }

    /// Starts socklab with extra environment variables.
    pub fn spawn_env(args: &[&str], env: &[(&str, &str)]) -> Proc {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("COLUMNS")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", show(args)));
        let (tx, rx) = mpsc::channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let seen2 = Arc::clone(&seen);
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                seen2.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let stderr2 = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut s = String::new();
            let _ = BufReader::new(err).read_to_string(&mut s);
            stderr2.lock().unwrap().push_str(&s);
        });
        let stdin = child.stdin.take();
        Proc { child, args: args.iter().map(|s| s.to_string()).collect(), lines: rx, seen, stderr, stdin }
    }

    /// Starts a server (give it `--port 0`) and returns it with its bound address.
    pub fn server(args: &[&str]) -> (Proc, SocketAddr) {
        let mut p = Self::spawn(args);
        let first = p.next_line(Duration::from_secs(10));
        let addr = addr_of(&first)
            .unwrap_or_else(|| panic!("first line of {} has no address: {first:?}\n{}", show(args), p.dump()));
        (p, addr)
    }

    /// The next stdout line, or a panic with the process's output after `timeout`.
    pub fn next_line(&mut self, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(l) => l,
            Err(_) => panic!("no output line from socklab {} within {timeout:?}\n{}", self.args.join(" "), self.dump()),
        }
    }

    /// Waits for a stdout line containing `needle`; returns it.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => continue,
                Err(_) => panic!(
                    "socklab {} never printed {needle:?} within {timeout:?}\n{}",
                    self.args.join(" "),
                    self.dump()
                ),
            }
        }
    }

    /// Writes a line to the process's stdin.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Everything seen so far on stdout and stderr.
    pub fn dump(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.seen.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// Stderr collected so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends a signal (e.g. libc SIGINT = 2) and waits (bounded) for exit.
    pub fn signal_and_wait(&mut self, sig: i32, timeout: Duration) -> std::process::ExitStatus {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, sig);
        }
        self.wait(timeout)
    }

    /// Waits (bounded) for the process to exit; kills it and panics on timeout.
    pub fn wait(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                // Give the reader threads a moment to drain the pipes.
                thread::sleep(Duration::from_millis(50));
                return st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("socklab {} did not exit within {timeout:?}\n{}", self.args.join(" "), self.dump());
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A process on a pseudo-terminal: its output as a terminal would receive it.
pub struct Pty {
    pub master: std::fs::File,
    pub child: std::process::Child,
    got: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Pty {
    /// Sends SIGINT (as Ctrl-C) and waits, bounded by `limit`, for the program to end.
    pub fn interrupt_and_wait(&mut self, limit: Duration) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGINT);
        }
        let deadline = Instant::now() + limit;
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "did not stop after SIGINT:\n{}", self.text());
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts socklab with a pseudo-terminal as its stdin, stdout and stderr.
    pub fn spawn(args: &[&str]) -> Pty {
        Self::spawn_env(args, &[])
    }

    /// As [`spawn`](Self::spawn), with extra environment variables.
    pub fn spawn_env(args: &[&str], env: &[(&str, &str)]) -> Pty {
        use std::os::fd::FromRawFd;
        let (mut m, mut s) = (0, 0);
        // SAFETY: openpty writes two descriptors; the null pointers are allowed.
        let rc =
            unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut()) };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: the descriptors were just opened and are owned here.
        let (master, slave) = unsafe { (std::fs::File::from_raw_fd(m), std::fs::File::from_raw_fd(s)) };
        let child = Command::new(BIN)
            .args(args)
            .env_remove("COLUMNS")
            .envs(env.iter().copied())
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave)
            .spawn()
            .unwrap();
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (mut reader, sink) = (master.try_clone().unwrap(), std::sync::Arc::clone(&got));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty { master, child, got }
    }

    /// Everything the terminal received so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.got.lock().unwrap()).into_owned()
    }

    /// Waits until `needle` was received `count` times.
    pub fn wait_for(&self, needle: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.text().matches(needle).count() < count {
            assert!(Instant::now() < deadline, "never saw {needle:?} x{count}:\n{}", self.text());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// What each line shows on a terminal: the text after its last carriage return
/// (the terminal's own CR before each LF aside), without the erase-line sequence.
pub fn visible_lines(raw: &str) -> Vec<String> {
    raw.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).rsplit('\r').next().unwrap_or("").replace("\x1b[K", ""))
        .collect()
}

/// True when CI=true: a need CI meets (root, the corpus, a peer) then fails the
/// test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// True when running as root; otherwise prints why `test` is skipped (a failure
/// under CI, which runs as root).
pub fn root(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert!(euid == 0 || !in_ci(), "{test} needs root, and CI=true runs as root (euid {euid})");
    if euid != 0 {
        println!("skipping {test}: live capture needs root or CAP_NET_RAW (euid {euid})");
    }
    euid == 0
}

/// A fresh, empty scratch directory for one test (named by the test binary's
/// process id, so parallel binaries never share one).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("socklab-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The crate's root directory.
pub fn crate_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus of public captures: `$SOCKLAB_CORPUS`, else `../shared/corpus`
/// next to the crate.
pub fn corpus_dir() -> std::path::PathBuf {
    std::env::var_os("SOCKLAB_CORPUS").map_or_else(|| crate_dir().join("../shared/corpus"), std::path::PathBuf::from)
}

/// A file of the corpus, when present; otherwise prints why the test is skipped
/// (a failure under CI, which has the corpus).
pub fn corpus(rel: &str) -> Option<String> {
    let path = corpus_dir().join(rel);
    if path.exists() {
        return Some(path.to_string_lossy().into_owned());
    }
    assert!(!in_ci(), "{} is absent, and CI=true requires the corpus (set SOCKLAB_CORPUS)", path.display());
    println!("skipping: {} is absent", path.display());
    None
}

/// True when the peer program (`curl`, `dig`, `python3`, `tshark`) runs here;
/// otherwise prints why the test is skipped (a failure under CI, which has them).
pub fn need(peer: &str) -> bool {
    let version = if peer == "dig" { "-v" } else { "--version" };
    let found = Command::new(peer).arg(version).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    assert!(found || !in_ci(), "{peer} is not installed, and CI=true requires it");
    if !found {
        println!("skipping: {peer} is not installed");
    }
    found
}

/// The `--capture=FILE` argument for `file`.
pub fn capture_arg(file: &std::path::Path) -> String {
    format!("--capture={}", file.display())
}

/// Asserts the line `before` comes before the line `after`, showing every line.
pub fn assert_before(lines: &[String], before: usize, after: usize) {
    assert!(
        before < after,
        "line {before} ({:?}) should come before line {after} ({:?}):\n{}",
        lines[before],
        lines[after],
        lines.join("\n")
    );
}

/// Protocol names (as tshark writes them in frame.protocols) that socklab decodes.
/// A golden is compared on what depends on the protocol stack (frame.protocols,
/// data, expert items) only where every name is one of these (HTTP bodies: text
/// only; images, forms and other media are not compared).
pub const DECODED_PROTOCOLS: &[&str] = &[
    "eth",
    "ethertype",
    "vlan",
    "null",
    "sll",
    "raw",
    "ip",
    "ipv6",
    "arp",
    "igmp",
    "dhcp",
    "dhcpv6",
    "ntp",
    "lldp",
    "llc",
    "stp",
    "cdp",
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "data",
    "dns",
    "http",
    "data-text-lines",
];
