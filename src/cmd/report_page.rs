//! `socklab report FILE`: reads the capture twice (as `read`, so every row and
//! field is the CLI's), gathers the lab views of the first TCP streams, and
//! writes the page [`crate::sniff::report::html`] builds to one HTML file.

use crate::cli::ReportArgs;
use crate::config::Settings;
use crate::error::Error;
use crate::sniff::fields::{parse_filter, FieldId};
use crate::sniff::filter::Filter;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::report::html::{self, encode, packets::Packets, views};
use crate::sniff::report::{graph, open, scan, worksheet, ScanOptions};
use crate::table::Format;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// TCP streams whose views the page holds without `--stream` (each view keeps
/// every segment of its stream, and its graph reads the file once more).
const MAX_STREAMS: usize = worksheet::MAX_STREAMS;
/// DNS messages whose field tables the page holds.
const MAX_DNS: usize = 64;
/// HTTP messages the page pairs.
const MAX_HTTP: usize = 256;
/// Capture-file extensions dropped from the page's default name.
const CAPTURE_EXTENSIONS: [&str; 3] = ["pcap", "pcapng", "cap"];

/// What one decoding pass gathers for the page.
struct Gathered {
    /// The packets' data ([`Packets::finish`]).
    packets: Json,
    /// The first DNS messages' field tables.
    dns: Vec<Json>,
    /// The first HTTP messages.
    http: Vec<Json>,
    /// The first TCP streams met, in order.
    streams: Vec<u32>,
}

/// Runs `socklab report`.
pub fn run(a: &ReportArgs) -> crate::Result<()> {
    let data = page_data(&a.file, a.bpf.as_deref(), a.display_filter.as_deref(), a.stream)?;
    let name = a.file.display().to_string();
    let path = a.output.clone().unwrap_or_else(|| default_output(&a.file));
    write(&path, &format!("socklab report: {name}"), &data)?;
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!("{}: {size} bytes; open it in a browser (file://{})", path.display(), absolute(&path).display());
    Ok(())
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
    let g = gather(file, bpf, filter.as_ref())?;
    let streams = stream_views(file, bpf, stream.map_or(g.streams, |n| vec![n]))?;
    if let (Some(n), true) = (stream, streams.is_empty()) {
        return Err(Error::usage(format!(
            "{}: no TCP stream {n}; list the streams with `socklab conversations {}`",
            file.display(),
            file.display()
        )));
    }
    let views = json!({
        "streams": streams,
        "dns": g.dns,
        "http": g.http,
        "worksheet": worksheet_markdown(file, bpf, stream)?,
    });
    Ok(json!({
        "file": file.display().to_string(),
        "filter": display_filter,
        "packets": g.packets,
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
/// frames reveal), and gathers every packet `filter` keeps.
fn gather(file: &Path, bpf: Option<&str>, filter: Option<&Filter<FieldId>>) -> crate::Result<Gathered> {
    let mut packets = Packets::new().map_err(Error::usage)?;
    let (mut dns, mut http, mut streams) = (Vec::new(), Vec::new(), Vec::new());
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
        if dns.len() < MAX_DNS {
            dns.extend(views::dns(&p));
        }
        if http.len() < MAX_HTTP {
            http.extend(views::http(&p));
        }
        if let Some(t) = p.tcp.filter(|t| streams.len() < MAX_STREAMS && !streams.contains(&t.stream)) {
            streams.push(t.stream);
        }
    }
    Ok(Gathered { packets: packets.finish(), dns, http, streams })
}

/// Writes the page to `path`.
fn write(path: &Path, title: &str, data: &Json) -> crate::Result<()> {
    let cannot = |e: std::io::Error| Error::File {
        path: path.display().to_string(),
        reason: format!("cannot write the page: {e}; check the directory exists and is writable, or give -o FILE"),
    };
    let mut out = BufWriter::new(File::create(path).map_err(cannot)?);
    html::write_page(&mut out, title, data).and_then(|()| out.flush()).map_err(cannot)
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
    s.tcp.iter().map(|c| Ok(views::stream(c, &graph::data::sack_blocks(file, bpf, c)?))).collect()
}

/// The default page name: the capture's name without its capture extensions
/// (and `.gz`), with `.html`, in the current directory.
fn default_output(file: &Path) -> PathBuf {
    let mut name = file.file_name().map_or_else(|| "capture".to_string(), |n| n.to_string_lossy().into_owned());
    if let Some(stem) = name.strip_suffix(".gz") {
        name = stem.to_string();
    }
    if let Some((stem, ext)) = name.rsplit_once('.') {
        if CAPTURE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) && !stem.is_empty() {
            name = stem.to_string();
        }
    }
    PathBuf::from(format!("{name}.html"))
}

/// `path` made absolute (for the `file://` address printed).
fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_drops_capture_extensions() {
        assert_eq!(default_output(Path::new("captures/tcp-echo.pcap")), PathBuf::from("tcp-echo.html"));
        assert_eq!(default_output(Path::new("/x/a.pcapng.gz")), PathBuf::from("a.html"));
        assert_eq!(default_output(Path::new("trace")), PathBuf::from("trace.html"));
        assert_eq!(default_output(Path::new("a.b.txt")), PathBuf::from("a.b.txt.html"));
    }
}
