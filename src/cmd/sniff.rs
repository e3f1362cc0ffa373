//! `socklab sniff`: live capture on an interface (loopback by default), each
//! packet decoded and printed as it arrives, in one pass (so `tcp.completeness`
//! is the value so far). Stops after `-c N` packets, `--duration S`, or on
//! Ctrl-C / SIGTERM; then flushes the `-w` file, prints the packets captured
//! and dropped by the kernel, and the handshake/teardown and datagram tables.
//! A thread of its own captures, in batches, and saves ([`Relay`]), so decoding
//! never makes the kernel drop packets.
//! With `--web` the packets are also served live to browsers ([`Live`]).

use super::read as decode;
use crate::cli::SniffArgs;
use crate::config::Settings;
use crate::error::Error;
use crate::net::live::feed::{Live, Source};
use crate::sniff::capture::{loopback_device, Delivery, LiveCapture};
use crate::sniff::fields::FieldId;
use crate::sniff::filter::Filter;
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::read::{self, Mode, ReadError};
use crate::sniff::relay::{Relay, Until};
use crate::sniff::report::html::index::LIVE_PATH;
use crate::sniff::session::{default_path, supported_link};
use crate::sniff::summary::{self, Recorder};
use std::io::{self, Write};
use std::time::Duration;

/// Runs `socklab sniff`.
pub fn run(a: &SniffArgs) -> crate::Result<()> {
    if let Some(g) = a.decode.glossary {
        return decode::glossary(g);
    }
    let mode = decode::mode(&a.decode)?;
    let filter = decode::display_filter(&a.decode)?;
    let duration = match a.duration {
        Some(s) if !(s.is_finite() && s > 0.0) => {
            return Err(Error::usage(format!("--duration {s}: give a positive number of seconds, e.g. 5")))
        }
        Some(s) => Some(Duration::from_secs_f64(s.min(1e9))),
        None => None,
    };
    let device = match &a.interface {
        Some(d) => d.clone(),
        None => loopback_device()?,
    };
    let mut cap = LiveCapture::open_with(&device, a.decode.bpf.as_deref(), Delivery::Batched)?;
    let link = supported_link(&cap)?;
    // The live view draws its lab views from the saved file.
    let write = match (&a.write, a.web) {
        (Some(w), _) => Some(w.clone()),
        (None, true) => Some(default_path("sniff")?),
        (None, false) => None,
    };
    let what = a.decode.bpf.as_deref().map_or(String::new(), |f| format!(" (filter \"{f}\")"));
    // Before the file is created: a port in use leaves no empty capture behind.
    let live = match (&write, a.web) {
        (Some(w), true) => {
            let source = Source {
                what: format!("{device}{what}"),
                link,
                file: w.clone(),
                filter: a.decode.display_filter.clone().zip(filter.clone()),
                dns_ports: decode::dns_ports(&a.decode),
                captures: std::path::PathBuf::from(crate::sniff::session::CAPTURE_DIR),
            };
            Some(start_live(&a.bind, source, &mode)?)
        }
        _ => None,
    };
    if let Some(w) = &write {
        cap.save_to(w, "-w")?;
    }
    let saving = write.as_ref().map_or(String::new(), |w| format!(", saving to {}", w.display()));
    eprintln!("Capturing on {device}{what}{saving}; Ctrl-C stops.");
    let text = matches!(mode, Mode::Text { .. });
    let mut recorder = Recorder::new(false);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let until = Until { count: a.decode.count.unwrap_or(u64::MAX), duration };
    let relay = Relay::start(cap, until)?;
    let looped = decode_all(&relay, link, a, &mode, filter.as_ref(), &mut recorder, &mut out, live.as_ref());
    let ended = relay.finish();
    if let Some(l) = live {
        l.finish();
    }
    let mut cap = ended.cap;
    let stats = cap.stats();
    let saved = match (&write, cap.savefile()) {
        (Some(w), Some(f)) if f.failed() => {
            format!("; only {} of {} saved to {} (writing failed)", f.saved(), f.packets(), w.display())
        }
        (Some(w), _) => format!("; saved to {}", w.display()),
        _ => String::new(),
    };
    let skipped = match ended.skipped {
        0 => String::new(),
        n => format!(", {n} not decoded (the decoding fell behind)"),
    };
    let summary = format!(
        "{} packet{} captured, {} dropped by the kernel{skipped}{saved}",
        ended.captured,
        if ended.captured == 1 { "" } else { "s" },
        stats.dropped,
    );
    let report = |out: &mut dyn Write| -> io::Result<()> {
        if text {
            writeln!(out, "\n{summary}")?;
            let settings = Settings::from_args(&a.fit, a.decode.color);
            match write.as_deref().map(|w| summary::file_tables(w, &settings)) {
                Some(Ok(tables)) => {
                    out.write_all(tables.as_bytes())?;
                    out.write_all(recorder.render(&settings, true).as_bytes())?;
                }
                Some(Err(e)) => writeln!(out, "no tables: {e}")?,
                None => out.write_all(recorder.render(&settings, false).as_bytes())?,
            }
        } else {
            eprintln!("{summary}");
        }
        out.flush()
    };
    let reported = report(&mut out);
    match looped {
        Err(ReadError::Pipe) => {}
        Err(ReadError::Io(e)) => return Err(Error::io("cannot write the output", e)),
        Err(ReadError::App(e)) => return Err(e),
        Ok(()) => {}
    }
    if let Some(e) = ended.error {
        return Err(e);
    }
    match reported {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
}

/// Starts the live view of `source`, and prints its URL
/// first thing (on stdout above the packet list; on stderr when stdout is
/// machine output), and a warning on stderr when it is not on loopback.
fn start_live(bind: &str, source: Source, mode: &Mode) -> crate::Result<Live> {
    let live = Live::start(bind, "--bind", source)?;
    let line = format!("Live view: {} (capture files: {}/)", live.url(), live.url().trim_end_matches(LIVE_PATH));
    if matches!(mode, Mode::Text { .. }) {
        let mut stdout = io::stdout();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    } else {
        eprintln!("{line}");
    }
    if let Some(w) = live.warning() {
        eprintln!("{w}");
    }
    Ok(live)
}

/// Decodes and prints the relay's packets until the capture stops. The output
/// is flushed whenever no packet is waiting: at once under light traffic, in
/// large writes under load.
#[allow(clippy::too_many_arguments)]
fn decode_all(
    relay: &Relay,
    link: crate::sniff::dissect::link::LinkType,
    a: &SniffArgs,
    mode: &Mode,
    filter: Option<&Filter<FieldId>>,
    recorder: &mut Recorder,
    out: &mut impl Write,
    live: Option<&Live>,
) -> Result<(), ReadError> {
    let mut pipe = Pipeline::new(link, Facts::default()).with_dns_ports(&decode::dns_ports(&a.decode));
    let mut renderer = read::Renderer::new(mode);
    let mut last_shown: Option<i64> = None;
    renderer.start(out)?;
    out.flush()?;
    let mut unflushed = None;
    while let Some(captured) = relay.next(|| unflushed = out.flush().err()) {
        if let Some(e) = unflushed.take() {
            return Err(e.into());
        }
        let frame = captured.frame();
        if let Some(l) = live {
            l.frame(&frame);
        }
        let mut p = pipe.process(&frame);
        recorder.add(&p);
        if filter.is_some_and(|f| !f.matches(&p)) {
            continue;
        }
        p.delta_displayed = last_shown.map_or(0, |t| p.time - t);
        last_shown = Some(p.time);
        renderer.packet(out, true, &p)?;
    }
    renderer.finish(out)?;
    Ok(())
}
