//! `socklab flow FILE`: a ladder (sequence) diagram per TCP stream, client on the
//! left, server on the right, one arrow per segment labelled with its flags,
//! relative seq/ack and length; the handshake and teardown are bracketed and
//! named. Three renderings of the same rows: terminal text, standalone SVG and a
//! Mermaid `sequenceDiagram`.
//!
//! When the run was traced (`--trace`), the socket calls each side made are
//! drawn on its lifeline at their time among the arrows ([`Call`]).

use super::teardown::classify;
use super::{addr, flag_names, secs, Seg, TcpConv};
use crate::sniff::tcp::{flags, Nanos};
use std::fmt::Write as _;
use std::net::SocketAddr;

/// The phase a segment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// SYN, SYN-ACK, ACK.
    Handshake,
    /// Between handshake and teardown.
    Data,
    /// From the first FIN or RST on.
    Teardown,
}

/// One arrow of the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// Frame number.
    pub frame: u32,
    /// Relative time.
    pub time: String,
    /// From client to server.
    pub to_server: bool,
    /// The label: flags, seq, ack, length.
    pub label: String,
    /// Its phase.
    pub phase: Phase,
}

/// A socket call drawn on a lifeline (from a `--trace` sidecar file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Time relative to the capture's first frame (negative: before it).
    pub rel: Nanos,
    /// The local address of the socket it was made on.
    pub side: SocketAddr,
    /// What the note says, e.g. `connect(127.0.0.1:12000)` or `accept() returned fd 4`.
    pub text: String,
}

/// One row of a ladder: a segment's arrow, or a call on the client's
/// (`left`) or server's lifeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A segment.
    Arrow(Arrow),
    /// A socket call.
    Call {
        /// On the client's lifeline.
        left: bool,
        /// Relative time, as the time column shows it.
        time: String,
        /// The note.
        text: String,
    },
}

/// The calls of stream `c` merged with its arrows in time order: every call
/// made on the client's socket, and the server's calls from the stream's first
/// segment to its last (the listening socket has the same address for every
/// stream); with `setup`, also the server's calls before the first segment
/// (socket, bind, listen).
pub fn rows(c: &TcpConv, calls: &[Call], setup: bool) -> Vec<Row> {
    let (client, server) = (endpoint_addr(&c.client), endpoint_addr(&c.server));
    let last = c.all.last().map_or(c.start, |s| s.rel);
    let mine =
        calls.iter().filter(|k| k.side == client || (k.side == server && k.rel <= last && (setup || k.rel >= c.start)));
    let mut timed: Vec<(Nanos, u8, Row)> =
        c.all.iter().zip(arrows(c)).map(|(s, a)| (s.rel, 1, Row::Arrow(a))).collect();
    timed.extend(
        mine.map(|k| (k.rel, 0, Row::Call { left: k.side == client, time: signed_secs(k.rel), text: k.text.clone() })),
    );
    timed.sort_by_key(|(t, order, _)| (*t, *order));
    timed.into_iter().map(|(_, _, r)| r).collect()
}

fn endpoint_addr(e: &crate::sniff::tcp::Endpoint) -> SocketAddr {
    SocketAddr::new(e.ip, e.port)
}

/// Seconds as the time column shows them, with a minus sign before the first frame.
fn signed_secs(rel: Nanos) -> String {
    if rel < 0 {
        format!("-{}", secs(-rel))
    } else {
        secs(rel)
    }
}

/// The arrow label of a segment, e.g. `SYN, ACK Seq=0 Ack=1 Len=0`.
pub fn label(s: &Seg) -> String {
    let mut l = format!("{} Seq={}", flag_names(s.flags), s.seq);
    if s.flags & flags::ACK != 0 {
        let _ = write!(l, " Ack={}", s.ack);
    }
    let _ = write!(l, " Len={}", s.len);
    l
}

/// The arrows of a stream (its segments must have been kept: `ScanOptions::keep_all`).
pub fn arrows(c: &TcpConv) -> Vec<Arrow> {
    let first_td = c.teardown.first().map_or(u32::MAX, |s| s.frame);
    c.all
        .iter()
        .map(|s| Arrow {
            frame: s.frame,
            time: secs(s.rel),
            to_server: s.from_client,
            label: label(s),
            phase: if c.handshake.iter().any(|h| h.frame == s.frame) {
                Phase::Handshake
            } else if s.frame >= first_td {
                Phase::Teardown
            } else {
                Phase::Data
            },
        })
        .collect()
}

/// The name of a phase as the bracket shows it.
fn phase_name(c: &TcpConv, p: Phase) -> String {
    match p {
        Phase::Handshake => "three-way handshake".to_string(),
        Phase::Data => "data".to_string(),
        Phase::Teardown => format!("teardown: {}", kind_words(c)),
    }
}

/// The teardown kind in a few words.
fn kind_words(c: &TcpConv) -> String {
    let v = classify(c);
    let kind = serde_json::to_value(v.kind).ok().and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
    let kind = kind.replace('_', " ");
    match v.active {
        Some(who) => format!("{kind} (active close: {who})"),
        None => kind,
    }
}

/// Width of the space between the two lifelines in the terminal, at most.
const GAP: usize = 60;

/// Columns left of the client's lifeline: the frame number and the time.
const MARGIN: usize = 22;

/// The terminal ladder of a stream, at most `width` columns wide when the arrows'
/// labels allow (`color`: the client's arrows red, the server's blue, as `follow`
/// colours the two sides).
pub fn text(c: &TcpConv, calls: &[Call], setup: bool, color: bool, width: Option<usize>) -> String {
    let mut s = String::new();
    let (left, right) = (format!("client {}", addr(&c.client)), format!("server {}", addr(&c.server)));
    let rows = rows(c, calls, setup);
    let arrows = arrows(c);
    let phases = arrows.iter().map(|a| phase_name(c, a.phase).chars().count() + 4);
    let widest = arrows.iter().map(|a| a.label.chars().count() + 6).chain(phases).max().unwrap_or(0);
    let gap = width.map_or(GAP, |w| w.saturating_sub(MARGIN + 2).clamp(widest.min(GAP), GAP));
    let _ = writeln!(s, "TCP stream {}", c.index);
    let _ = writeln!(s, "{:MARGIN$}{left:<w$}{right}", "", w = gap + 2 - right.len().min(gap));
    let mut phase = None;
    for row in rows {
        let a = match row {
            Row::Arrow(a) => a,
            Row::Call { left: true, time, text } => {
                let note = format!("* {text}");
                let pad = gap.saturating_sub(note.chars().count());
                let end = if pad > 0 { "|" } else { "" };
                let _ = writeln!(s, "{:>6} {time:<14} {note}{}{end}", "", " ".repeat(pad));
                continue;
            }
            Row::Call { left: false, time, text } => {
                let _ = writeln!(s, "{:>6} {time:<14} |{}* {text}", "", " ".repeat(gap));
                continue;
            }
        };
        if phase != Some(a.phase) {
            phase = Some(a.phase);
            let name = format!(" {} ", phase_name(c, a.phase));
            let _ = writeln!(s, "{:MARGIN$}|{:─^gap$}|", "", name);
        }
        let fill = gap.saturating_sub(a.label.chars().count() + 5);
        let body = if a.to_server {
            format!("-- {} {}>", a.label, "-".repeat(fill))
        } else {
            format!("<{} {} --", "-".repeat(fill), a.label)
        };
        let body = if color {
            format!("{}{body}{}", super::follow::COLOURS[usize::from(!a.to_server)], crate::sniff::render::ansi::RESET)
        } else {
            body
        };
        let _ = writeln!(s, "{:>6} {:<14} |{body}|", a.frame, a.time);
    }
    s
}

/// Escapes text for XML character data and attribute values.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Geometry of the SVG.
mod geo {
    /// Image width.
    pub const WIDTH: u32 = 900;
    /// Client lifeline.
    pub const LEFT: u32 = 260;
    /// Server lifeline.
    pub const RIGHT: u32 = 760;
    /// Height of one arrow row.
    pub const ROW: u32 = 34;
    /// Space for a stream's title and the lifeline heads.
    pub const HEAD: u32 = 70;
}

/// A standalone SVG of the streams' ladders, stacked.
pub fn svg(convs: &[TcpConv], calls: &[Call]) -> String {
    use geo::*;
    let mut body = String::new();
    let mut y = 20;
    for (n, c) in convs.iter().enumerate() {
        let arrows = rows(c, calls, n == 0);
        let top = y;
        let _ = writeln!(body, r#"<text x="10" y="{}" class="title">TCP stream {}</text>"#, y + 4, c.index);
        let _ = writeln!(
            body,
            r#"<text x="{LEFT}" y="{}" class="head">client {}</text><text x="{RIGHT}" y="{}" class="head">server {}</text>"#,
            y + 30,
            xml(&addr(&c.client)),
            y + 30,
            xml(&addr(&c.server))
        );
        y += HEAD;
        let bottom = y + ROW * arrows.len() as u32;
        for x in [LEFT, RIGHT] {
            let _ = writeln!(body, r#"<line x1="{x}" y1="{}" x2="{x}" y2="{bottom}" class="life"/>"#, top + 40);
        }
        let mut phase: Option<(Phase, u32)> = None;
        for (i, row) in arrows.iter().enumerate() {
            let ry = y + ROW * i as u32 + ROW / 2;
            let a = match row {
                Row::Arrow(a) => a,
                Row::Call { left, time, text } => {
                    call_mark(&mut body, *left, ry, time, text);
                    continue;
                }
            };
            if phase.is_none_or(|(p, _)| p != a.phase) {
                if let Some((p, start)) = phase {
                    bracket(&mut body, c, p, start, ry - ROW / 2);
                }
                phase = Some((a.phase, ry - ROW / 2));
            }
            let (x1, x2) = if a.to_server { (LEFT, RIGHT) } else { (RIGHT, LEFT) };
            let _ = writeln!(
                body,
                r#"<line x1="{x1}" y1="{ry}" x2="{x2}" y2="{ry}" class="seg" marker-end="url(#arrow)"/>"#
            );
            let _ = writeln!(
                body,
                r#"<text x="{}" y="{}" class="label">{}</text>"#,
                (LEFT + RIGHT) / 2,
                ry - 5,
                xml(&a.label)
            );
            let _ = writeln!(body, r#"<text x="10" y="{}" class="time">{} {}</text>"#, ry + 4, a.frame, a.time);
        }
        if let Some((p, start)) = phase {
            bracket(&mut body, c, p, start, bottom);
        }
        y = bottom + 30;
    }
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" viewBox="0 0 {WIDTH} {y}" font-family="monospace" font-size="12">"#
    );
    s.push_str(concat!(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">",
        "<path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker>\n",
        "<style>.life{stroke:#888;stroke-dasharray:4 3}.seg{stroke:#000;stroke-width:1.2}",
        ".label{text-anchor:middle}.head{text-anchor:middle;font-weight:bold}.title{font-weight:bold;font-size:14px}",
        ".bracket{fill:none;stroke:#36c}.phase{fill:#36c}.time{fill:#555}"
    ));
    if body.contains(r#"class="call""#) {
        s.push_str(".call{fill:#c60}.note{fill:#c60;font-style:italic}");
    }
    s.push_str("</style></defs>\n");
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    s.push_str(&body);
    s.push_str("</svg>\n");
    s
}

/// A call's dot on its lifeline and its note beside it, inside the ladder.
fn call_mark(body: &mut String, left: bool, ry: u32, time: &str, text: &str) {
    let (x, tx, anchor) =
        if left { (geo::LEFT, geo::LEFT + 10, "start") } else { (geo::RIGHT, geo::RIGHT - 10, "end") };
    let _ = writeln!(body, r#"<circle cx="{x}" cy="{ry}" r="4" class="call"/>"#);
    let _ = writeln!(body, r#"<text x="{tx}" y="{}" class="note" text-anchor="{anchor}">{}</text>"#, ry + 4, xml(text));
    let _ = writeln!(body, r#"<text x="10" y="{}" class="time">{}</text>"#, ry + 4, xml(time));
}

/// A bracket on the right naming a phase from `y1` to `y2`.
fn bracket(body: &mut String, c: &TcpConv, p: Phase, y1: u32, y2: u32) {
    let x = geo::RIGHT + 12;
    let _ = writeln!(body, r#"<path d="M {x} {} h 6 V {} h -6" class="bracket"/>"#, y1 + 3, y2 - 3);
    let _ = writeln!(
        body,
        r#"<text x="{}" y="{}" class="phase" transform="rotate(90 {} {})" text-anchor="middle">{}</text>"#,
        x + 14,
        (y1 + y2) / 2,
        x + 14,
        (y1 + y2) / 2,
        xml(&short_phase(c, p))
    );
}

/// A short phase name for the SVG bracket.
fn short_phase(c: &TcpConv, p: Phase) -> String {
    match p {
        Phase::Handshake => "handshake".to_string(),
        Phase::Data => "data".to_string(),
        Phase::Teardown => {
            let v = classify(c);
            let kind =
                serde_json::to_value(v.kind).ok().and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
            kind.replace('_', " ")
        }
    }
}

/// Text Mermaid accepts in a message or note (no `;`, `#` or line breaks).
fn mermaid_text(t: &str) -> String {
    t.replace([';', '#', '\n'], " ")
}

/// A Mermaid sequenceDiagram of the streams (participants per endpoint).
pub fn mermaid(convs: &[TcpConv], calls: &[Call]) -> String {
    let mut s = String::from("sequenceDiagram\n");
    let mut names: Vec<String> = Vec::new();
    let id = |label: String, names: &mut Vec<String>, s: &mut String| -> String {
        if let Some(i) = names.iter().position(|n| *n == label) {
            return format!("P{i}");
        }
        names.push(label.clone());
        let i = names.len() - 1;
        let _ = writeln!(s, "    participant P{i} as {}", mermaid_text(&label));
        format!("P{i}")
    };
    let ids: Vec<(String, String)> = convs
        .iter()
        .map(|c| {
            (
                id(format!("client {}", addr(&c.client)), &mut names, &mut s),
                id(format!("server {}", addr(&c.server)), &mut names, &mut s),
            )
        })
        .collect();
    for (n, (c, (cl, sv))) in convs.iter().zip(ids).enumerate() {
        let _ = writeln!(s, "    Note over {cl},{sv}: TCP stream {}", c.index);
        let mut open = false;
        let mut phase = None;
        for row in rows(c, calls, n == 0) {
            let a = match row {
                Row::Arrow(a) => a,
                Row::Call { left, text, .. } => {
                    let _ = writeln!(s, "    Note over {}: {}", if left { &cl } else { &sv }, mermaid_text(&text));
                    continue;
                }
            };
            if phase != Some(a.phase) {
                if open {
                    s.push_str("    end\n");
                    open = false;
                }
                phase = Some(a.phase);
                if a.phase != Phase::Data {
                    let colour = if a.phase == Phase::Handshake { "rgb(225, 240, 255)" } else { "rgb(255, 235, 225)" };
                    let _ = writeln!(s, "    rect {colour}");
                    let _ = writeln!(s, "    Note over {cl},{sv}: {}", mermaid_text(&phase_name(c, a.phase)));
                    open = true;
                }
            }
            let (from, to) = if a.to_server { (&cl, &sv) } else { (&sv, &cl) };
            let _ = writeln!(s, "    {from}->>{to}: {} {}", a.frame, mermaid_text(&a.label));
        }
        if open {
            s.push_str("    end\n");
        }
    }
    s
}
