//! The page's data from a capture file (`socklab report FILE`, and each
//! report the live view serves): the file read twice, as `read` does, so every
//! row and field is the CLI's; the lab views of the first TCP streams; the
//! worksheet. The live view draws its lab views with the same functions.

use super::{encode, packets::Packets, views};
use crate::config::Settings;
use crate::error::Error;
use crate::sniff::fields::{parse_filter, FieldId};
use crate::sniff::filter::Filter;
use crate::sniff::packet::Packet;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::report::{follow, graph, open, scan, worksheet, ScanOptions};
use crate::table::Format;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;

/// TCP streams whose views the page holds without `--stream` (each view keeps
/// every segment of its stream; its graph and its Follow view read the file
/// once more each).
const MAX_STREAMS: usize = worksheet::MAX_STREAMS;
/// DNS messages whose field tables the page holds.
const MAX_DNS: usize = 64;
/// HTTP messages the page pairs.
const MAX_HTTP: usize = 256;

/// What the lab views take from the packets, gathered one packet at a time.
#[derive(Default)]
pub struct Collected {
    /// The first DNS messages' field tables.
    pub dns: Vec<Json>,
    /// The first HTTP messages.
    pub http: Vec<Json>,
    /// The first TCP streams met, in order.
    pub streams: Vec<u32>,
}

impl Collected {
    /// Takes what the views need from `p`.
    pub fn push(&mut self, p: &Packet<'_>) {
        if self.dns.len() < MAX_DNS {
            self.dns.extend(views::dns(p));
        }
        if self.http.len() < MAX_HTTP {
            self.http.extend(views::http(p));
        }
        if let Some(t) = p.tcp.filter(|t| self.streams.len() < MAX_STREAMS && !self.streams.contains(&t.stream)) {
            self.streams.push(t.stream);
        }
    }
}

/// The page's data for `file`: its packets (those `display_filter` keeps)
/// and lab views (of TCP stream `stream` only, when given).
pub fn page_data(
    file: &Path,
    bpf: Option<&str>,
    display_filter: Option<&str>,
    stream: Option<u32>,
) -> crate::Result<Json> {
    let filter = match display_filter {
        Some(expr) => Some(parse_filter(expr).map_err(|e| Error::usage(format!("invalid display filter (-Y): {e}")))?),
        None => None,
    };
    let (packets, c) = gather(file, bpf, filter.as_ref())?;
    let streams = stream_views(file, bpf, stream.map_or(c.streams, |n| vec![n]))?;
    if let (Some(n), true) = (stream, streams.is_empty()) {
        return Err(Error::usage(format!(
            "{}: no TCP stream {n}; list the streams with `socklab conversations {}`",
            file.display(),
            file.display()
        )));
    }
    let views = json!({
        "streams": streams,
        "dns": c.dns,
        "http": c.http,
        "worksheet": worksheet_markdown(file, bpf, stream)?,
    });
    Ok(json!({
        "file": file.display().to_string(),
        "filter": display_filter,
        "packets": packets,
        "open_stream": stream,
        "views": encode::chunk(&views),
    }))
}

/// The worksheet of `file` (of TCP stream `stream` only, when given), in Markdown.
pub fn worksheet_markdown(file: &Path, bpf: Option<&str>, stream: Option<u32>) -> crate::Result<String> {
    let sheet = worksheet::build(file, bpf, stream)?;
    let plain = Settings { width: None, wide: false, color: false };
    Ok(worksheet::render::render(&sheet, Format::Markdown, &plain))
}

/// Reads `file` twice, as `read` does (the first pass learns what later
/// frames reveal), and gathers every packet `filter` keeps: the packets'
/// data ([`Packets::finish`]) and what the views take from them.
fn gather(file: &Path, bpf: Option<&str>, filter: Option<&Filter<FieldId>>) -> crate::Result<(Json, Collected)> {
    let mut packets = Packets::new().map_err(Error::usage)?;
    let mut collected = Collected::default();
    let (mut cap, link) = open(file, bpf)?;
    let mut learn = Pipeline::learning(link, true);
    while let Ok(Some(f)) = cap.next_frame() {
        learn.learn(&f);
    }
    let facts = learn.into_facts();
    let (mut cap, link) = open(file, bpf)?;
    let mut pipe = Pipeline::new(link, facts);
    while let Some(frame) = cap.next_frame()? {
        let p = pipe.process(&frame);
        if filter.is_some_and(|f| !f.matches(&p)) {
            continue;
        }
        packets.push(&p);
        collected.push(&p);
    }
    Ok((packets.finish(), collected))
}

/// The views of each TCP stream in `wanted` the capture has.
pub fn stream_views(file: &Path, bpf: Option<&str>, wanted: Vec<u32>) -> crate::Result<Vec<Json>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let opts = ScanOptions {
        bpf: bpf.map(str::to_string),
        streams: Some(wanted.into_iter().collect::<BTreeSet<u32>>()),
        keep_all: true,
        ..ScanOptions::default()
    };
    let s = scan(file, &opts)?;
    s.tcp
        .iter()
        .map(|c| Ok(views::stream(c, &graph::data::sack_blocks(file, bpf, c)?, &follow::tcp(file, bpf, c.index)?)))
        .collect()
}
