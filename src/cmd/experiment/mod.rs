//! `socklab experiment list` and `socklab experiment run NAME`: small socket
//! programs on loopback that show one behaviour each (a refused connect, an
//! ICMP port unreachable, TIME_WAIT, …) with the calls' exact results, the
//! captured packets and an explanation. The text is in
//! [`crate::teach::experiments`]; this module runs the sockets and the capture.
//!
//! Without the capture permission the sockets part still runs and the report
//! says how to get the packets too.

mod close;
mod dns;
mod http;
mod proc_tcp;
mod record;
mod sock;
mod tcp;
mod udp;

use crate::cli::{ExperimentListArgs, ExperimentRunArgs};
use crate::error::{Error, Result};
use crate::sniff::barrier;
use crate::sniff::capture::{loopback_device, LiveCapture, PERMISSION_FIX};
use crate::sniff::render::Style;
use crate::sniff::session::CAPTURE_DIR;
use crate::table::{Format, Table};
use crate::teach::errno;
use crate::teach::experiments::{self, Experiment};
use crate::teach::report::{self, Packets, Report, Step};
use record::{Recording, Segment};
use std::io::{self, Write};
use std::path::PathBuf;

/// Runs one experiment's sockets.
type Runner = fn(&mut Lab) -> Result<()>;

/// The code of each experiment in [`experiments::ALL`].
const RUNNERS: &[(&str, Runner)] = &[
    ("tcp-client-first", tcp::client_first),
    ("udp-client-first", udp::client_first),
    ("wrong-port", tcp::wrong_port),
    ("two-clients", tcp::two_clients),
    ("client-closes-first", close::client_first),
    ("server-closes-first", close::server_first),
    ("close-with-unread-data", close::unread_data),
    ("half-close", close::half_close),
    ("udp-boundaries", udp::boundaries),
    ("http-keepalive", http::keep_alive),
    ("dns-truncation", dns::truncation),
];

/// `socklab experiment list`.
pub fn list(a: &ExperimentListArgs) -> Result<()> {
    let mut t = Table::new(["Experiment", "What it shows"]);
    for e in experiments::ALL {
        t.row([e.name, e.title]);
    }
    let format = if a.format == report::TextFormat::Markdown { Format::Markdown } else { Format::Table };
    let mut text = t.render(format);
    text.push_str("Run one with: socklab experiment run NAME (--format markdown for a lab report)\n");
    write_out(&text)
}

/// `socklab experiment run NAME`.
pub fn run(a: &ExperimentRunArgs) -> Result<()> {
    let Some(exp) = experiments::find(&a.name) else {
        let names: Vec<&str> = experiments::ALL.iter().map(|e| e.name).collect();
        return Err(Error::usage(format!(
            "no experiment named '{}'; the experiments are: {} (socklab experiment list)",
            a.name,
            names.join(", ")
        )));
    };
    let Some(runner) = RUNNERS.iter().find(|r| r.0 == exp.name).map(|r| r.1) else {
        return Err(Error::usage(format!("experiment '{}' has no code in this build", exp.name)));
    };
    let markdown = a.format == report::TextFormat::Markdown;
    let color = !markdown && crate::config::color(a.color);
    let mut lab = Lab::new(exp, Style { color, nanos: false, width: None }, !a.no_trace);
    runner(&mut lab)?;
    let r = lab.finish()?;
    write_out(&report::render(&r, a.format, color))
}

fn write_out(text: &str) -> Result<()> {
    let mut o = io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("writing the output", e)),
        _ => Ok(()),
    }
}

/// An experiment in progress: its capture and the steps seen so far.
pub struct Lab {
    exp: &'static Experiment,
    style: Style,
    /// Why there is no capture, when there is none.
    off: Option<String>,
    recording: Option<Recording>,
    dns_ports: Vec<u16>,
    steps: Vec<Step>,
    tallies: Vec<Tally>,
    /// Shows the calls among the packets (not `--no-trace`).
    trace: bool,
    /// When the call about to be reported started ([`Lab::begin`]).
    began: Option<i64>,
}

/// A count of captured segments added as a step at the end.
struct Tally {
    label: String,
    count: Count,
}

/// Computes a tally's result from the captured segments.
type Count = Box<dyn Fn(&[Segment]) -> String>;

impl Lab {
    fn new(exp: &'static Experiment, style: Style, trace: bool) -> Lab {
        let off = match loopback_device().and_then(|lo| LiveCapture::open(&lo, None).map(|_| ())) {
            Ok(()) => None,
            Err(Error::NeedsPrivilege { .. }) => Some(format!(
                "capturing packets needs a permission this process lacks; the sockets part ran anyway. To see \
                 the packets too, {PERMISSION_FIX}, then run the experiment again."
            )),
            Err(e) => Some(format!("{e}; the sockets part ran anyway (see `socklab doctor`)")),
        };
        Lab {
            exp,
            style,
            off,
            recording: None,
            dns_ports: Vec::new(),
            steps: Vec::new(),
            tallies: Vec::new(),
            trace,
            began: None,
        }
    }

    /// Starts the capture of `bpf` (when this process may capture); the filter
    /// is in place when this returns.
    pub fn capture(&mut self, bpf: &str) -> Result<()> {
        if self.off.is_some() {
            return Ok(());
        }
        let dir = PathBuf::from(CAPTURE_DIR);
        let save = std::fs::create_dir_all(&dir).ok().map(|()| dir.join(format!("experiment-{}.pcap", self.exp.name)));
        self.recording = Some(Recording::start(bpf, save.as_deref())?);
        Ok(())
    }

    /// Decodes DNS on `port` too in the packet list.
    pub fn dns_port(&mut self, port: u16) {
        self.dns_ports.push(port);
    }

    /// Notes that the call the next step reports starts now, so the timeline
    /// shows it before the packets it causes.
    pub fn begin(&mut self) {
        self.began = Some(barrier::now());
    }

    /// A call and its result.
    pub fn step(&mut self, call: impl Into<String>, result: impl Into<String>) {
        self.push(call.into(), result.into(), None);
    }

    /// A call, its result and what Python shows.
    pub fn step_py(&mut self, call: impl Into<String>, result: impl Into<String>, python: impl Into<String>) {
        self.push(call.into(), result.into(), Some(python.into()));
    }

    /// A step that ended now (and started at the last [`Lab::begin`], if any).
    fn push(&mut self, call: String, result: String, python: Option<String>) {
        let ended = Some(barrier::now());
        self.steps.push(Step { call, result, python, started: self.began.take(), ended });
    }

    /// A call that failed: the C error and message, and Python's exception.
    pub fn step_err(&mut self, call: impl Into<String>, e: &io::Error) {
        self.step_py(call, errno::shown(e), errno::python(e));
    }

    /// Adds, after the capture, a step `label` whose result `count` computes
    /// from the captured TCP segments.
    pub fn tally(&mut self, label: impl Into<String>, count: impl Fn(&[Segment]) -> String + 'static) {
        self.tallies.push(Tally { label: label.into(), count: Box::new(count) });
    }

    /// Stops the capture and builds the report.
    fn finish(mut self) -> Result<Report> {
        let packets = match (self.recording.take(), self.off.take()) {
            (Some(rec), _) => {
                let listed = rec.finish(&self.dns_ports, self.style)?;
                for t in &self.tallies {
                    let result = (t.count)(&listed.segments);
                    self.steps.push(Step { call: t.label.clone(), result, ..Step::default() });
                }
                Packets::Captured {
                    header: listed.header,
                    lines: listed.lines,
                    times: listed.times,
                    file: listed.path.map(|p| p.display().to_string()),
                }
            }
            (None, Some(why)) => Packets::Off(why),
            (None, None) => Packets::Off("this experiment captured nothing".to_string()),
        };
        let e = self.exp;
        Ok(Report {
            name: e.name.to_string(),
            title: e.title.to_string(),
            setup: e.setup.to_string(),
            steps: self.steps,
            packets,
            why: e.why.iter().map(|s| s.to_string()).collect(),
            rfcs: e.rfcs.iter().map(|s| s.to_string()).collect(),
            topics: e.topics.iter().map(|s| s.to_string()).collect(),
            trace: self.trace,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_experiment_has_code() {
        for e in experiments::ALL {
            assert!(RUNNERS.iter().any(|r| r.0 == e.name), "{} has no runner", e.name);
        }
        assert_eq!(RUNNERS.len(), experiments::ALL.len());
    }
}
