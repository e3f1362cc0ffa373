//! `socklab graph FILE --stream N --kind tseq|rtt|throughput|window`:
//! Wireshark's TCP stream graphs. The data of one direction of one stream (the
//! side that sent the most payload, as Wireshark graphs the selected packet's
//! direction) becomes a [`Graph`] of series; [`svg`] and [`text`] draw it.

pub mod data;
pub mod svg;
pub mod text;

use super::{print, scan, ScanOptions};
use crate::cli::GraphArgs;
use crate::config::Settings;
use crate::error::Error;
use std::collections::BTreeSet;

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A vertical bar from `y` to `y2` per point (tcptrace's segment I-bars).
    Bar,
    /// A line through the points, held level until the next (the ACK and window lines).
    Step,
    /// A dot per point.
    Dot,
    /// A line through the points.
    Line,
}

/// One plotted point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The frame it comes from.
    pub frame: u32,
    /// x, in the graph's x unit.
    pub x: f64,
    /// y, in the graph's y unit.
    pub y: f64,
    /// The top of a bar ([`Mark::Bar`]), else `y`.
    pub y2: f64,
}

/// A named series of points.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend name, e.g. `segments`.
    pub name: &'static str,
    /// CSS class in the SVG and the key of the text drawing.
    pub class: &'static str,
    /// Character of the text drawing.
    pub glyph: char,
    /// How it is drawn.
    pub mark: Mark,
    /// Its points in frame order.
    pub points: Vec<Point>,
}

/// A graph ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// The title, e.g. `Stevens/tcptrace time-sequence graph: TCP stream 0, A → B`.
    pub title: String,
    /// The x axis label with its unit.
    pub x_label: &'static str,
    /// The y axis label with its unit.
    pub y_label: &'static str,
    /// The series, drawn in order.
    pub series: Vec<Series>,
    /// Whether the y axis starts at zero (RTT, throughput, window), else at the
    /// smallest value (sequence numbers).
    pub y_from_zero: bool,
}

impl Graph {
    /// The smallest and largest x and y over every point (y2 included), or None
    /// when nothing is plotted.
    pub fn bounds(&self) -> Option<((f64, f64), (f64, f64))> {
        let pts = self.series.iter().flat_map(|s| &s.points);
        pts.clone().next()?;
        let fold = |f: fn(&Point) -> [f64; 2]| {
            pts.clone().flat_map(f).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
        };
        let (lo, hi) = fold(|p| [p.y, p.y2]);
        let lo = if self.y_from_zero { lo.min(0.0) } else { lo };
        Some((fold(|p| [p.x, p.x]), (lo, hi)))
    }
}

/// Runs `socklab graph`.
pub fn run(a: &GraphArgs) -> crate::Result<()> {
    let opts = ScanOptions {
        bpf: a.bpf.clone(),
        streams: Some(BTreeSet::from([a.stream])),
        keep_all: true,
        ..ScanOptions::default()
    };
    let s = scan(&a.file, &opts)?;
    let Some(c) = s.tcp.first() else {
        return Err(Error::usage(format!(
            "{}: no TCP stream {}; list the streams with `socklab conversations {}`",
            a.file.display(),
            a.stream,
            a.file.display()
        )));
    };
    let sacks = data::sack_blocks(&a.file, a.bpf.as_deref(), c)?;
    let g = data::graph(c, a.kind, &sacks);
    if let Some(path) = &a.output {
        return std::fs::write(path, svg::svg(&g)).map_err(|e| Error::File {
            path: path.display().to_string(),
            reason: format!("cannot write the graph: {e}; check the directory exists and is writable"),
        });
    }
    if a.svg {
        return print(&svg::svg(&g));
    }
    let settings = Settings::from_args(&a.fit, a.color);
    print(&text::text(&g, settings.width.unwrap_or(text::DEFAULT_WIDTH), settings.color))
}
