//! `socklab handshake`, `conversations`, `follow` and `flow`: parse options, run
//! the pass of [`crate::sniff::report`], print.

use crate::cli::{
    ConversationsArgs, FlowArgs, FlowFormat, FollowArgs, GraphArgs, GraphKind, HandshakeArgs, WorksheetArgs,
};
use crate::config::Settings;
use crate::error::Error;
use crate::net::trace;
use crate::sniff::report::{
    conversations, datagrams, flow, follow, graph, handshake, matching_streams, print, print_bytes, scan, worksheet,
    ScanOptions,
};
use crate::table::Format;
use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Runs `socklab handshake`.
pub fn run_handshake(a: &HandshakeArgs) -> crate::Result<()> {
    let settings = Settings::from_args(&a.fit, a.color);
    let (tcp_sel, udp_sel) = match &a.display_filter {
        Some(expr) => {
            let (t, u) = matching_streams(&a.file, a.bpf.as_deref(), expr)?;
            (Some(t), Some(u))
        }
        None => (None, None),
    };
    let mut streams = tcp_sel;
    if let Some(n) = a.stream {
        let keep = streams.as_ref().is_none_or(|s| s.contains(&n));
        streams = Some(if keep { BTreeSet::from([n]) } else { BTreeSet::new() });
    }
    let opts = ScanOptions { bpf: a.bpf.clone(), streams, udp: false, ..ScanOptions::default() };
    let s = scan(&a.file, &opts)?;
    if let Some(n) = a.stream {
        if s.tcp.is_empty() {
            return Err(no_stream(&a.file, n, "TCP"));
        }
    }
    let file = a.file.display().to_string();
    let udp_only = s.tcp.is_empty() && s.udp_frames > 0 && a.stream.is_none();
    let datagrams =
        if udp_only { datagrams::collect(&a.file, a.bpf.as_deref(), udp_sel.as_ref())? } else { Vec::new() };
    if a.format == Format::Json {
        let udp = udp_only.then(|| {
            serde_json::json!({
                "note": datagrams::NO_HANDSHAKE,
                "datagrams": datagrams::json(&datagrams),
            })
        });
        return to_stdout(|out| handshake::write(out, &file, &s, a.format, &settings, udp));
    }
    if udp_only {
        return print(&datagrams::render(&datagrams, a.format, &settings));
    }
    if s.tcp.is_empty() {
        let text = format!("{file}: no TCP streams and no UDP datagrams in {} frames\n", s.frames);
        return print(&crate::wrap::prose(&text, settings.width));
    }
    to_stdout(|out| handshake::write(out, &file, &s, a.format, &settings, None))
}

/// Runs `write` on a buffered stdout; a closed pipe (`| head`) is not an error.
fn to_stdout(write: impl FnOnce(&mut BufWriter<std::io::StdoutLock<'static>>) -> io::Result<()>) -> crate::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
}

/// The error for a stream number the capture does not have.
fn no_stream(file: &std::path::Path, n: u32, proto: &str) -> Error {
    Error::usage(format!(
        "{}: no {proto} stream {n}; list the streams with `socklab conversations {}`",
        file.display(),
        file.display()
    ))
}

/// Runs `socklab conversations`.
pub fn run_conversations(a: &ConversationsArgs) -> crate::Result<()> {
    let (tcp, udp) = if !a.tcp && !a.udp { (true, true) } else { (a.tcp, a.udp) };
    let opts = ScanOptions { bpf: a.bpf.clone(), udp, counters_only: true, ..ScanOptions::default() };
    let s = scan(&a.file, &opts)?;
    let rows = conversations::rows(&s, tcp, udp);
    let settings = Settings::from_args(&a.fit, crate::cli::ColorChoice::Never);
    print(&conversations::render(&rows, a.format, &settings))
}

/// Runs `socklab follow`.
pub fn run_follow(a: &FollowArgs) -> crate::Result<()> {
    let proto = if a.udp { "udp" } else { "tcp" };
    let f = if a.udp {
        follow::udp(&a.file, a.bpf.as_deref(), a.stream)?
    } else {
        follow::tcp(&a.file, a.bpf.as_deref(), a.stream)?
    };
    if f.nodes.is_none() {
        return Err(no_stream(&a.file, a.stream, &proto.to_uppercase()));
    }
    if a.raw {
        return print_bytes(&follow::raw(&f));
    }
    let color = crate::config::color(a.color);
    let text = if a.hex { follow::hex(&f, proto, a.stream, color) } else { follow::ascii(&f, proto, a.stream, color) };
    print(&text)
}

/// The socket calls of a traced run (`--trace FILE`, else `FILE.trace` when it
/// exists), timed relative to the capture's first frame; none when untraced.
fn traced_calls(pcap: &Path, explicit: Option<&Path>) -> crate::Result<Vec<flow::Call>> {
    let default = trace::sidecar(pcap);
    let path = match explicit {
        Some(p) => p,
        None if default.exists() => &default,
        None => return Ok(Vec::new()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::File {
        path: path.display().to_string(),
        reason: format!("cannot read the trace: {e}; give the file `--capture=FILE --trace` wrote next to FILE"),
    })?;
    let (mut cap, _) = crate::sniff::report::open(pcap, None)?;
    let Some(t0) = cap.next_frame()?.map(|f| f.time) else { return Ok(Vec::new()) };
    let calls = trace::parse(&text).into_iter().filter_map(|e| {
        let side = e.side?.parse().ok()?;
        let text = match e.result {
            None => e.call,
            Some(r) => format!("{} {}", e.call, r.split(", local ").next().unwrap_or(&r)),
        };
        Some(flow::Call { rel: e.time - t0, side, text })
    });
    Ok(calls.collect())
}

/// Runs `socklab flow`.
pub fn run_flow(a: &FlowArgs) -> crate::Result<()> {
    let opts = ScanOptions {
        bpf: a.bpf.clone(),
        streams: a.stream.map(|n| BTreeSet::from([n])),
        keep_all: true,
        ..ScanOptions::default()
    };
    let s = scan(&a.file, &opts)?;
    if s.tcp.is_empty() {
        return Err(match a.stream {
            Some(n) => no_stream(&a.file, n, "TCP"),
            None => Error::usage(format!("{}: no TCP streams to draw", a.file.display())),
        });
    }
    let calls = traced_calls(&a.file, a.trace.as_deref())?;
    let text = match a.format {
        FlowFormat::Text => {
            let settings = Settings::from_args(&a.fit, a.color);
            let (color, width) = match a.output {
                Some(_) => (false, None),
                None => (settings.color, settings.width.filter(|_| !settings.wide)),
            };
            let each = s.tcp.iter().enumerate().map(|(n, c)| flow::text(c, &calls, n == 0, color, width));
            each.collect::<Vec<_>>().join("\n")
        }
        FlowFormat::Svg => flow::svg(&s.tcp, &calls),
        FlowFormat::Mermaid => flow::mermaid(&s.tcp, &calls),
    };
    match &a.output {
        Some(path) => std::fs::write(path, text).map_err(|e| Error::File {
            path: path.display().to_string(),
            reason: format!("cannot write the diagram: {e}; check the directory exists and is writable"),
        }),
        None => print(&text),
    }
}

/// Runs `socklab worksheet`.
pub fn run_worksheet(a: &WorksheetArgs) -> crate::Result<()> {
    let sheet = worksheet::build(&a.file, a.bpf.as_deref(), a.stream)?;
    let settings = Settings::from_args(&a.fit, a.color);
    print(&worksheet::render::render(&sheet, a.format.into(), &settings))
}

/// Runs `socklab graph`.
pub fn run_graph(a: &GraphArgs) -> crate::Result<()> {
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
    let sacks = graph::data::sack_blocks(&a.file, a.bpf.as_deref(), c)?;
    let g = graph::data::graph(c, graph_kind(a.kind), &sacks);
    if let Some(path) = &a.output {
        return std::fs::write(path, graph::svg::svg(&g)).map_err(|e| Error::File {
            path: path.display().to_string(),
            reason: format!("cannot write the graph: {e}; check the directory exists and is writable"),
        });
    }
    if a.svg {
        return print(&graph::svg::svg(&g));
    }
    let settings = Settings::from_args(&a.fit, a.color);
    print(&graph::text::text(&g, settings.width.unwrap_or(graph::text::DEFAULT_WIDTH), settings.color))
}

/// The graph kind the command line names.
fn graph_kind(k: GraphKind) -> graph::data::Kind {
    match k {
        GraphKind::Tseq => graph::data::Kind::Tseq,
        GraphKind::Rtt => graph::data::Kind::Rtt,
        GraphKind::Throughput => graph::data::Kind::Throughput,
        GraphKind::Window => graph::data::Kind::Window,
    }
}
