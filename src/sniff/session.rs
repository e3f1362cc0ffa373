//! `--capture[=FILE]` on the lab's servers and clients: a thread that captures
//! the command's own packets on the loopback interface, prints each one as an
//! annotated list row between the program's own lines (marked with `│ `, dimmed
//! on a terminal, on stdout under its lock so lines never mix), saves them as
//! pcap, and at the end prints the counts and the summary tables
//! ([`summary::Recorder`]).
//!
//! The capture is open and its kernel filter set when [`CaptureSession::start`]
//! returns, so a command starts it before its first socket call that matters: a
//! server binds (learning its port, even with `--port 0`), starts the capture,
//! then prints its address and serves; a client resolves the server, starts the
//! capture, then connects. Dropping the session (normal end, error return,
//! Ctrl-C) drains the last packets for a short grace period, flushes the file
//! and prints the tables. A client stopped by a signal while it waits for input
//! does the same from its shutdown finisher ([`shutdown::on_exit`]).
//!
//! Packet lines go through the output gate ([`gate`]) with the program's own
//! lines and prompts; the session's [`Barrier`] lets a program line wait for
//! the packets captured before it. The file is written at least every 100 ms;
//! a write error is printed when it happens, stops the capture and makes the
//! exit status non-zero ([`shutdown::mark_failed`]).
//!
//! A command whose connections are not known in advance (the proxy's origin
//! connections) widens the filter while capturing through a [`Watcher`]
//! ([`CaptureSession::watcher`]); see [`crate::sniff::watch`].

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::net::live::feed::{Live, Source};
use crate::net::{gate, shutdown, trace};
use crate::sniff::barrier::{self, Barrier};
use crate::sniff::capture::{loopback_device, LiveCapture, LiveStats};
use crate::sniff::dissect::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::render::{ansi, list, Style};
use crate::sniff::report::{self, ScanOptions};
use crate::sniff::summary::{self, Recorder};
use crate::sniff::watch::{render_pairs, Watcher, Widen};
use crate::wrap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The mark in front of every line the capture prints.
pub const MARK: &str = "│ ";
/// Directory of the default capture files.
pub const CAPTURE_DIR: &str = "captures";
/// How long the capture keeps reading after the command is done, for the last
/// packets of a close (the peer's FIN and the final ACK).
const GRACE: Duration = Duration::from_millis(250);
/// Longest time spent draining after the grace period, even under steady traffic.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);

/// Which of the command's packets to capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureFilter {
    /// TCP to or from this port (servers and clients of the TCP labs).
    TcpPort(u16),
    /// UDP to or from this port, and the ICMP/ICMPv6 errors quoting a datagram of it.
    UdpPort(u16),
    /// DNS over UDP on this port (as [`CaptureFilter::UdpPort`]); the summary adds the DNS field tables.
    DnsPort(u16),
    /// ICMP and ICMPv6 (ping).
    Icmp,
    /// Any BPF expression.
    Bpf(String),
}

impl CaptureFilter {
    /// The BPF expression. For ICMP errors about UDP it looks at the quoted
    /// header: over IPv4 the quoted IP header (assumed without options, as
    /// the kernel sends it) starts at ICMP byte 8, its UDP ports at 28 and 30;
    /// over IPv6 the ICMPv6 type is at IPv6 payload byte 0 (ip6[40]) and the
    /// quoted UDP ports at ip6[88] and ip6[90] (RFC 792, RFC 4443 §3.1).
    pub fn bpf(&self) -> String {
        match self {
            CaptureFilter::TcpPort(p) => format!("tcp port {p}"),
            CaptureFilter::UdpPort(p) | CaptureFilter::DnsPort(p) => format!(
                "udp port {p} or (icmp and icmp[0] == 3 and (icmp[28:2] == {p} or icmp[30:2] == {p})) \
                 or (icmp6 and ip6[40] == 1 and (ip6[88:2] == {p} or ip6[90:2] == {p}))"
            ),
            CaptureFilter::Icmp => "icmp or icmp6".to_string(),
            CaptureFilter::Bpf(e) => e.clone(),
        }
    }

    /// A short description for the announcement line.
    fn describe(&self) -> String {
        match self {
            CaptureFilter::TcpPort(p) => format!("TCP port {p}"),
            CaptureFilter::UdpPort(p) | CaptureFilter::DnsPort(p) => format!("UDP port {p} and ICMP errors about it"),
            CaptureFilter::Icmp => "ICMP".to_string(),
            CaptureFilter::Bpf(e) => format!("filter \"{e}\""),
        }
    }
}

/// What `--capture[=FILE]` asks for, as plain settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaptureRequest {
    /// `None`: no capture; `Some(None)`: capture to the default file
    /// ([`default_path`]); `Some(Some(path))`: capture to `path`.
    pub file: Option<Option<PathBuf>>,
    /// Width and colour of the marked lines and the end tables.
    pub settings: Settings,
    /// Print each socket call beside its packets (`--trace`, [`crate::net::trace`]).
    pub trace: bool,
    /// Where to serve the live view of the packets (`--web`), if anywhere.
    pub web: Option<String>,
}

/// A running capture of a command's own traffic; inactive without `--capture`.
pub struct CaptureSession {
    /// Shared with the shutdown finisher; whoever takes it reports.
    running: Arc<Mutex<Option<Running>>>,
}

/// The parts of an active session.
struct Running {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Outcome>>,
    path: PathBuf,
    device: String,
    what: String,
    /// Width and colour of the marked lines and the end tables.
    settings: Settings,
    watcher: Watcher,
    barrier: Arc<Barrier>,
    /// The live view's URL and any warning about who can see it.
    live: Option<(String, Option<String>)>,
}

/// What the capture thread hands back.
struct Outcome {
    frames: u64,
    /// Packets whole in the file, when a write failed.
    saved_only: Option<u64>,
    stats: LiveStats,
    recorder: Recorder,
}

impl CaptureSession {
    /// Starts capturing `filter` on the loopback interface when `request` asks for
    /// it (`command` names the default file); returns once the capture is ready. An
    /// inactive session otherwise. Fails, before anything else happens, when this
    /// process may not capture. The command line's `--capture` option converts
    /// into a request in [`crate::config`].
    pub fn start(request: impl Into<CaptureRequest>, command: &str, filter: CaptureFilter) -> Result<CaptureSession> {
        let request = request.into();
        trace::enable(request.trace);
        let Some(file) = &request.file else { return Ok(CaptureSession { running: Arc::new(Mutex::new(None)) }) };
        let device = loopback_device()?;
        let mut cap = LiveCapture::open(&device, Some(&filter.bpf()))?;
        let link = supported_link(&cap)?;
        let path = match file {
            Some(p) => p.clone(),
            None => default_path(command)?,
        };
        // Before the file is created: a port in use leaves no empty capture behind.
        let live = match &request.web {
            Some(bind) => {
                let source = Source {
                    what: filter.describe(),
                    link,
                    file: path.clone(),
                    filter: None,
                    dns_ports: crate::sniff::dissect::dns::DEFAULT_PORTS.to_vec(),
                    captures: PathBuf::from(CAPTURE_DIR),
                };
                Some(Live::start(bind, "--web-bind", source)?)
            }
            None => None,
        };
        cap.save_to(&path, "--capture=FILE")?;
        trace::save_next_to(&path).map_err(|e| Error::io(format!("writing {}", trace::sidecar(&path).display()), e))?;
        let live_url = live.as_ref().map(|l| (l.url(), l.warning()));
        let barrier = Arc::new(Barrier::new().map_err(|e| Error::io("starting the capture", e))?);
        let drained = Arc::clone(&barrier);
        let settings = request.settings;
        let stop = Arc::new(AtomicBool::new(false));
        let dns = matches!(filter, CaptureFilter::DnsPort(_));
        let flag = Arc::clone(&stop);
        let (watcher, widen) = Watcher::new(filter.bpf());
        let thread = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || capture_loop(cap, link, &flag, &widen, &drained, settings, dns, live))
            .map_err(|e| Error::io("starting the capture thread", e))?;
        gate::set_barrier(Some(Arc::clone(&barrier)));
        let running = Arc::new(Mutex::new(Some(Running {
            stop,
            thread: Some(thread),
            path,
            device,
            what: filter.describe(),
            settings,
            watcher,
            barrier,
            live: live_url,
        })));
        let shared = Arc::clone(&running);
        shutdown::on_exit(move || report(&shared));
        Ok(CaptureSession { running })
    }

    /// The running parts, under their lock.
    fn with<T>(&self, f: impl FnOnce(&Running) -> T) -> Option<T> {
        self.running.lock().ok().and_then(|r| r.as_ref().map(f))
    }

    /// A handle for other threads to add connections to the capture and to pair
    /// streams (an inactive one without `--capture`).
    pub fn watcher(&self) -> Watcher {
        self.with(|r| r.watcher.clone()).unwrap_or_default()
    }

    /// True when capturing.
    pub fn is_active(&self) -> bool {
        self.with(|_| ()).is_some()
    }

    /// The capture file, when capturing.
    pub fn path(&self) -> Option<PathBuf> {
        self.with(|r| r.path.clone())
    }

    /// Prints where the capture runs and where it saves (servers call it after
    /// their address line, clients right after [`start`](Self::start)).
    pub fn announce(&self) {
        self.with(|r| {
            let text =
                format!("Capturing {} on {}, saving to {}; packets are marked │", r.what, r.device, r.path.display());
            print_marked(&text, r.settings);
            if let Some((url, warning)) = &r.live {
                print_marked(&format!("Live view: {url}"), r.settings);
                if let Some(w) = warning {
                    eprintln!("{w}");
                }
            }
            print_marked(&header_line(r.settings.color), r.settings);
        });
    }

    /// Stops the capture after a short grace period, then prints the counts and
    /// the tables. Dropping the session does the same.
    pub fn finish(mut self) {
        self.stop_and_report();
    }

    fn stop_and_report(&mut self) {
        report(&self.running);
    }
}

/// Stops the capture after a short grace period, then prints the counts and the
/// tables (once: the first caller takes the session; a second waits for it).
fn report(running: &Mutex<Option<Running>>) {
    let Ok(mut guard) = running.lock() else { return };
    let Some(mut r) = guard.take() else { return };
    std::thread::sleep(GRACE);
    r.stop.store(true, Ordering::SeqCst);
    let joined = r.thread.take().and_then(|t| t.join().ok());
    gate::set_barrier(None);
    r.barrier.close();
    let Some(outcome) = joined else { return };
    // An error that stopped the capture was printed when it happened.
    let mut text = String::new();
    let saved = match outcome.saved_only {
        Some(n) => format!("only {n} of {} saved to {} (writing failed)", outcome.frames, r.path.display()),
        None => format!("saved to {}", r.path.display()),
    };
    text.push_str(&marked(
        &format!(
            "{} captured, {} dropped by the kernel; {saved}",
            plural(outcome.frames, "packet"),
            outcome.stats.dropped,
        ),
        r.settings,
    ));
    let settings = r.settings;
    match summary::file_tables(&r.path, &settings) {
        Ok(tables) => text.push_str(&tables),
        Err(e) => text.push_str(&marked(&format!("no tables: {e}"), r.settings)),
    }
    let pairs = r.watcher.pairs();
    if !pairs.is_empty() {
        let opts = ScanOptions { counters_only: true, ..ScanOptions::default() };
        match report::scan(&r.path, &opts) {
            Ok(scan) => text.push_str(&render_pairs(&pairs, &scan.tcp)),
            Err(e) => text.push_str(&marked(&format!("no stream pairs: {e}"), r.settings)),
        }
    }
    text.push_str(&outcome.recorder.render(&settings, true));
    gate::last(&text);
}

impl Drop for CaptureSession {
    fn drop(&mut self) {
        self.stop_and_report();
    }
}

/// The capture thread: read, annotate, print (and hand to the live view),
/// until stopped and drained; between reads, apply the wider filters a
/// [`Watcher`] asks for, and tell the [`Barrier`] when no packet was waiting.
#[allow(clippy::too_many_arguments)]
fn capture_loop(
    mut cap: LiveCapture,
    link: LinkType,
    stop: &AtomicBool,
    widen: &Receiver<Widen>,
    drained: &Barrier,
    look: Settings,
    dns: bool,
    live: Option<Live>,
) -> Outcome {
    let mut pipe = Pipeline::new(link, Facts::default());
    let mut recorder = Recorder::new(dns);
    let style = Style { color: look.color, nanos: false, width: crate::config::Env::current().tty_columns };
    let mut row = Vec::with_capacity(512);
    let mut stopped_at: Option<Instant> = None;
    let mut frames = 0u64;
    loop {
        if stop.load(Ordering::SeqCst) {
            let since = *stopped_at.get_or_insert_with(Instant::now);
            if since.elapsed() > DRAIN_LIMIT {
                break;
            }
        }
        while let Ok(w) = widen.try_recv() {
            apply_widen(&mut cap, w, look);
        }
        let looked_at = barrier::now();
        let next = match cap.poll_frame() {
            Ok(Some(frame)) => {
                if let Some(l) = &live {
                    l.frame(&frame);
                }
                let time = frame.time;
                let p = pipe.process(&frame);
                frames += 1;
                row.clear();
                let _ = list::row(&mut row, &p, style);
                recorder.add(&p);
                print_marked(String::from_utf8_lossy(&row).trim_end_matches('\n'), look);
                // Under steady traffic the ring is never empty: a packet from
                // after an event shows every packet before it was printed.
                drained.drained(time);
                Ok(())
            }
            Ok(None) if stop.load(Ordering::SeqCst) => break,
            Ok(None) => {
                drained.drained(looked_at);
                cap.wait(Some(drained.wake_fd()));
                cap.tick()
            }
            Err(e) => Err(e),
        };
        if let Err(e) = next {
            // Said at once, with the counts; the run ends non-zero.
            print_marked(&format!("capture stopped: {e}"), look);
            shutdown::mark_failed();
            break;
        }
    }
    drained.close();
    if let Err(e) = cap.flush() {
        print_marked(&format!("capture stopped: {e}"), look);
        shutdown::mark_failed();
    }
    if let Some(l) = live {
        l.finish();
    }
    let saved_only = cap.savefile().filter(|f| f.failed()).map(|f| f.saved());
    Outcome { frames, saved_only, stats: cap.stats(), recorder }
}

/// Applies a wider filter a [`Watcher`] asked for and says so.
fn apply_widen(cap: &mut LiveCapture, w: Widen, look: Settings) {
    let applied = match cap.set_filter(&w.expr) {
        Ok(()) => {
            print_marked(&format!("now also capturing {}", w.what), look);
            true
        }
        Err(e) => {
            print_marked(&format!("could not add {} to the capture: {e}", w.what), look);
            false
        }
    };
    let _ = w.done.send(applied);
}

/// Checks that socklab decodes the interface's link type.
pub fn supported_link(cap: &LiveCapture) -> Result<LinkType> {
    let dlt = cap.datalink();
    LinkType::from_dlt(dlt).ok_or_else(|| {
        Error::usage(format!(
            "interface {} has link type {} ({dlt}), which socklab does not decode; it decodes {SUPPORTED}",
            cap.device(),
            dlt_name(dlt)
        ))
    })
}

/// `captures/<command>-<YYYYmmdd-HHMMSS>.pcap` (UTC), creating the directory; a
/// name already taken gets `-2`, `-3`, … appended.
pub fn default_path(command: &str) -> Result<PathBuf> {
    let dir = Path::new(CAPTURE_DIR);
    std::fs::create_dir_all(dir).map_err(|e| Error::File {
        path: dir.display().to_string(),
        reason: format!("cannot create the captures directory ({e}); pass a file with --capture=FILE"),
    })?;
    let stamp = utc_stamp(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let mut path = dir.join(format!("{command}-{stamp}.pcap"));
    let mut n = 2;
    while path.exists() && n < 1000 {
        path = dir.join(format!("{command}-{stamp}-{n}.pcap"));
        n += 1;
    }
    Ok(path)
}

/// `YYYYmmdd-HHMMSS` of a Unix time in UTC (days to civil date: H. Hinnant's algorithm).
pub fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rem / 3600, rem / 60 % 60, rem % 60)
}

/// The list's column header line, as text.
fn header_line(color: bool) -> String {
    let mut h = Vec::new();
    let _ = list::header(&mut h, Style { color, nanos: false, width: None });
    String::from_utf8_lossy(&h).trim_end().to_string()
}

/// `text` (possibly several lines) with the mark in front of each, as one
/// string. When `look` has a width (a terminal, `COLUMNS`), a longer line is
/// wrapped at spaces and its continuation marked and indented too, so no
/// line on screen is without its mark.
pub fn marked(text: &str, look: Settings) -> String {
    let mark = if look.color { format!("{}{MARK}{}", ansi::DIM, ansi::RESET) } else { MARK.to_string() };
    let mut s = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        for piece in fold(line, look.width.map(|w| w.saturating_sub(MARK_WIDTH))) {
            s.push_str(&mark);
            s.push_str(&piece);
            s.push('\n');
        }
    }
    s
}

/// Columns the mark takes.
const MARK_WIDTH: usize = 2;
/// Indentation of a folded line's continuation past the end of the line's
/// first word (a row's frame number, whatever its digits).
const CONTINUED: usize = 3;

/// `line` wrapped at spaces to `width` columns (the continuation indented
/// [`CONTINUED`] columns past the first word); as it is without a width.
fn fold(line: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|&w| wrap::text_width(line) > w) else { return vec![line.to_string()] };
    let plain = strip_styles(line);
    let body = plain.trim_start_matches(' ');
    let first_word = body.split(' ').next().map_or(0, wrap::text_width);
    let deeper = plain.len() - body.len() + first_word + CONTINUED;
    let first = wrap::wrap(line, width);
    let (head, rest) = first.split_once('\n').unwrap_or((first.as_str(), ""));
    let mut out = vec![head.to_string()];
    if !rest.is_empty() {
        let rest = rest.replace('\n', " ");
        let wrapped = wrap::wrap(&rest, width.saturating_sub(deeper).max(1));
        // The mark resets the colour: a continuation takes up the one in force.
        let mut style = open_style(head);
        for piece in wrapped.split('\n') {
            out.push(format!("{}{}{piece}", " ".repeat(deeper), style.unwrap_or("")));
            style = open_style(piece).or(style).filter(|_| !ends_reset(piece));
        }
    }
    out
}

/// `s` without its ANSI colour sequences.
fn strip_styles(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// The last colour sequence of `s`, unless it is a reset.
fn open_style(s: &str) -> Option<&str> {
    let at = s.rfind("\x1b[")?;
    let end = at + s[at..].find('m')? + 1;
    let seq = &s[at..end];
    (seq != ansi::RESET && seq != "\x1b[m").then_some(seq)
}

/// True if the last colour sequence of `s` is a reset.
fn ends_reset(s: &str) -> bool {
    s.contains('\x1b') && open_style(s).is_none()
}

/// Prints marked lines at once through the output gate (a closed stdout is ignored).
fn print_marked(text: &str, look: Settings) {
    gate::between(&marked(text, look));
}

/// `n noun(s)`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        assert_eq!(utc_stamp(951_782_400), "20000229-000000");
        assert_eq!(utc_stamp(1_795_305_599), "20261121-235959");
    }

    #[test]
    fn filters_name_the_port_and_quoted_port() {
        assert_eq!(CaptureFilter::TcpPort(12000).bpf(), "tcp port 12000");
        let udp = CaptureFilter::UdpPort(53).bpf();
        assert!(udp.starts_with("udp port 53 or (icmp and icmp[0] == 3"), "{udp}");
        assert!(udp.contains("icmp[30:2] == 53"));
        assert!(udp.contains("ip6[90:2] == 53"));
    }

    #[test]
    fn every_line_is_marked() {
        let plain = Settings::default();
        assert_eq!(marked("a\nb", plain), "│ a\n│ b\n");
        let coloured = Settings { color: true, ..plain };
        assert_eq!(marked("a", coloured), format!("{}│ {}a\n", ansi::DIM, ansi::RESET));
    }

    /// At 80 columns a TCP row wrapped on the terminal and its continuation
    /// had no mark, so it read like a line of the program's own.
    #[test]
    fn a_row_wider_than_the_terminal_folds_with_every_piece_marked() {
        let row = "    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 51280 → 36791 [SYN] Seq=0 \
                   Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1058856281 TSecr=0 WS=1024";
        let look = Settings { width: Some(80), ..Settings::default() };
        let text = marked(row, look);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines.iter().all(|l| l.starts_with(MARK) && wrap::text_width(l) <= 80), "{text}");
        assert_eq!(lines[0], "│     1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 51280 → 36791 [SYN] Seq=0");
        assert_eq!(lines[1], "│         Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1058856281 TSecr=0 WS=1024");
        let tenth = marked(&row.replacen("    1 ", "   10 ", 1), look);
        assert_eq!(tenth.lines().nth(1), Some(lines[1]), "continuations align whatever the frame number");
        assert_eq!(marked(row, Settings::default()), format!("{MARK}{row}\n"), "no width: as it is");
        // A coloured note (it starts with its colour): the continuation is
        // indented under its text, and coloured again after the mark.
        let note = format!("{}  ↳ Connection: keep-alive reuses this TCP connection for the next request; close ends it after this response{}", ansi::DIM, ansi::RESET);
        let look = Settings { width: Some(80), color: true, ..Settings::default() };
        let text = marked(&note, look);
        let second = text.lines().nth(1).unwrap();
        let mark = format!("{}{MARK}{}", ansi::DIM, ansi::RESET);
        assert_eq!(second, format!("{mark}      {}close ends it after this response{}", ansi::DIM, ansi::RESET));
    }
}
