//! Reading a capture file (`socklab read FILE`, see [`crate::cmd::read`]): two streaming passes over a capture file, like
//! `tshark -2`. Pass 1 only tracks conversations to learn what later frames
//! reveal (final TCP completeness, echo replies); pass 2 tracks again and
//! renders every packet as a list row (with details and hex on request),
//! tab-separated fields, or JSON. Memory stays bounded: per-stream state only.

use crate::error::Error;
use crate::sniff::dissect::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::fields::FieldId;
use crate::sniff::file::offline::OfflineCapture;
use crate::sniff::filter::Filter;
use crate::sniff::packet::Packet;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::render::{detail, hex, list, outline, put_secs, put_u64, StackStr, Style};
use crate::sniff::tree::json::{self, JsonStyle};
use crate::sniff::tree::Tree;
use crate::sniff::value::{FieldSource, Value};
use std::io::{self, Write};
use std::path::Path;

/// How `-T fields` joins values (tshark's `-E` options).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldFormat {
    /// Print the field names first (`header=y`).
    pub header: bool,
    /// Between fields (`separator=`, default tab).
    pub separator: String,
    /// Between occurrences of one field (`aggregator=`, default `,`).
    pub aggregator: String,
    /// Which occurrences to print (`occurrence=f|l|a`, default all).
    pub occurrence: Occurrence,
    /// Quote character around each field's text (`quote=d|s|n`, default none).
    pub quote: Option<char>,
}

/// tshark's `-E occurrence=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    /// Every occurrence, joined by the aggregator.
    All,
    /// Only the first.
    First,
    /// Only the last.
    Last,
}

impl FieldFormat {
    /// Parses `-E` options: `header=y|n`, `separator=/t|/s|C`, `aggregator=/s|C`,
    /// `occurrence=f|l|a`, `quote=d|s|n`.
    pub fn parse(options: &[String]) -> Result<FieldFormat, Error> {
        let mut f = FieldFormat {
            header: false,
            separator: "\t".into(),
            aggregator: ",".into(),
            occurrence: Occurrence::All,
            quote: None,
        };
        for o in options {
            let (k, v) = o.split_once('=').ok_or_else(|| {
                Error::usage(format!("invalid -E option '{o}': write it as NAME=VALUE, e.g. header=y"))
            })?;
            let text = |v: &str| match v {
                "/t" => "\t".to_string(),
                "/s" => " ".to_string(),
                other => other.to_string(),
            };
            match k {
                "header" => f.header = matches!(v, "y" | "Y" | "yes"),
                "separator" => f.separator = text(v),
                "aggregator" => f.aggregator = text(v),
                "occurrence" => {
                    f.occurrence = match v {
                        "f" => Occurrence::First,
                        "l" => Occurrence::Last,
                        "a" => Occurrence::All,
                        _ => return Err(Error::usage(format!("invalid -E occurrence={v}: use f (first), l (last) or a (all)"))),
                    }
                }
                "quote" => {
                    f.quote = match v {
                        "d" => Some('"'),
                        "s" => Some('\''),
                        "n" => None,
                        _ => return Err(Error::usage(format!("invalid -E quote={v}: use d (double), s (single) or n (none)"))),
                    }
                }
                _ => {
                    return Err(Error::usage(format!(
                        "unsupported -E option '{k}': socklab knows header=y|n, separator=/t|/s|CHAR, aggregator=/s|CHAR, occurrence=f|l|a and quote=d|s|n"
                    )))
                }
            }
        }
        Ok(f)
    }
}

/// What to print for each packet.
pub(crate) enum Mode {
    /// The list, optionally with details (all layers, or with `only` non-empty, those
    /// protocols' layers expanded, as tshark -O) and hex.
    Text { verbose: bool, only: Vec<String>, hex: bool, style: Style },
    /// `-T fields`.
    Fields { ids: Vec<FieldId>, format: FieldFormat },
    /// `-T json` or `-T ek` (`style`): every layer's tree, or with `ids` (`-e`)
    /// only those fields.
    Json { ids: Vec<FieldId>, style: JsonStyle },
}

/// Why reading stopped early.
pub(crate) enum ReadError {
    /// Stdout was closed (`| head`): stop quietly.
    Pipe,
    /// Another output error.
    Io(io::Error),
    /// A capture problem.
    App(Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            ReadError::Pipe
        } else {
            ReadError::Io(e)
        }
    }
}

impl From<Error> for ReadError {
    fn from(e: Error) -> Self {
        ReadError::App(e)
    }
}

/// Checks the `-O` protocol names (lower-cased).
pub(crate) fn only_protocols(names: &[String]) -> crate::Result<Vec<String>> {
    names
        .iter()
        .map(|n| {
            let n = n.trim().to_ascii_lowercase();
            if outline::is_protocol(&n) {
                Ok(n)
            } else {
                Err(Error::usage(format!(
                    "-O {n}: not a protocol of the details tree; use one or more of {} (comma-separated)",
                    outline::protocol_names().join(", ")
                )))
            }
        })
        .collect()
}

/// Resolves `-e` names once.
pub fn resolve_fields(names: &[String]) -> crate::Result<Vec<FieldId>> {
    names
        .iter()
        .map(|n| {
            FieldId::from_name(n).ok_or_else(|| {
                let proto = n.split('.').next().unwrap_or(n);
                let all: Vec<&str> = crate::sniff::fields::all_names().collect();
                let related: Vec<&str> = all.iter().copied().filter(|f| f.split('.').next() == Some(proto)).collect();
                let known = if related.is_empty() { all } else { related };
                Error::usage(format!("unknown field '{n}'; socklab knows: {}", known.join(" ")))
            })
        })
        .collect()
}

/// Refuses a capture that can be read only once (a pipe, `/dev/stdin`, a
/// process substitution): the two passes would find it empty the second time,
/// and the list would come out empty without a word (tshark also refuses a
/// pipe for its two-pass analysis).
fn refuse_one_time(file: &Path) -> Result<(), Error> {
    match std::fs::metadata(file) {
        Ok(m) if !m.is_file() && !m.is_dir() => Err(Error::File {
            path: file.display().to_string(),
            reason: "is a pipe or device, which can be read only once, and `socklab read` reads a capture twice \
                     (as `tshark -2` does, to know what later frames reveal); save it to a file first, \
                     for example `... > capture.pcap`, then `socklab read capture.pcap`"
                .to_string(),
        }),
        _ => Ok(()),
    }
}

/// Opens the file and finds its link type (an undecoded one is
/// [`LinkType::Other`]: its frames are listed, see [`undecoded_link`]).
fn open(src: &Source<'_>) -> Result<(OfflineCapture, LinkType), Error> {
    let cap = OfflineCapture::open(src.file, src.bpf)?;
    // A pcapng file without interfaces has no frames: any link type does.
    let link = LinkType::of_dlt(cap.datalink().unwrap_or(1));
    Ok((cap, link))
}

/// The error that ends the listing of a file whose link type socklab does not
/// decode: its frames were listed with their number, time and length only.
fn undecoded_link(cap: &OfflineCapture, dlt: i32, frames: u64) -> Error {
    Error::File {
        path: cap.path().to_string(),
        reason: format!(
            "link type {} ({dlt}) is not decoded by socklab: {frames} frame{} listed undecoded; \
             socklab decodes {SUPPORTED}",
            dlt_name(dlt),
            if frames == 1 { "" } else { "s" }
        ),
    }
}

/// What to read: the file, its capture filter (BPF), how many frames, and the
/// ports decoded as DNS.
pub struct Source<'a> {
    /// The capture file.
    pub file: &'a Path,
    /// The capture filter (`-f`), applied as the file is read.
    pub bpf: Option<&'a str>,
    /// Stop after this many frames (`-c`).
    pub count: Option<u64>,
    /// The ports decoded as DNS.
    pub dns_ports: Vec<u16>,
}

/// Reads `src` in two passes and writes each packet `filter` keeps as `mode` asks.
pub(crate) fn read(
    src: &Source<'_>,
    mode: &Mode,
    filter: Option<&Filter<FieldId>>,
    out: &mut impl Write,
) -> Result<(), ReadError> {
    let limit = src.count.unwrap_or(u64::MAX);
    refuse_one_time(src.file)?;
    // Pass 1: learn the facts; a read error ends it quietly (pass 2 reports it).
    let (mut cap, link) = open(src)?;
    let dns_ports = &src.dns_ports;
    let mut pipe = Pipeline::learning(link, needs_tcp_facts(mode, filter)).with_dns_ports(dns_ports);
    let mut n = 0;
    while n < limit {
        match cap.next_frame() {
            Ok(Some(f)) => {
                pipe.learn(&f);
                n += 1;
            }
            Ok(None) | Err(_) => break,
        }
    }
    let facts = pipe.into_facts();
    drop(cap);
    // Pass 2: render.
    let (mut cap, link) = open(src)?;
    let nanos = cap.nanosecond_resolution();
    let mut pipe = Pipeline::new(link, facts).with_dns_ports(dns_ports);
    let mut renderer = Renderer::new(mode);
    renderer.start(out)?;
    let mut n = 0;
    let mut last_shown: Option<i64> = None;
    // The first link type met that socklab does not decode, and its frames.
    let mut undecoded: Option<(i32, u64)> = None;
    while n < limit {
        let frame = match cap.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                out.flush()?;
                return Err(e.into());
            }
        };
        if let LinkType::Other(dlt) = pipe.link_of(&frame) {
            undecoded.get_or_insert((dlt, 0)).1 += 1;
        }
        let mut p = pipe.process(&frame);
        n += 1;
        if filter.is_some_and(|f| !f.matches(&p)) {
            continue;
        }
        p.delta_displayed = last_shown.map_or(0, |t| p.time - t);
        last_shown = Some(p.time);
        renderer.packet(out, nanos, &p)?;
    }
    renderer.finish(out)?;
    if let Some((dlt, frames)) = undecoded {
        out.flush()?;
        return Err(undecoded_link(&cap, dlt, frames).into());
    }
    Ok(())
}

/// Whether the output shows something only the end of a TCP stream knows (the
/// final completeness, window scale or iRTT): then the first pass tracks TCP too.
fn needs_tcp_facts(mode: &Mode, filter: Option<&Filter<FieldId>>) -> bool {
    use FieldId as F;
    let late = |id: &FieldId| {
        matches!(
            *id,
            F::TcpCompleteness
                | F::TcpWindowSize
                | F::TcpWindowSizeScalefactor
                | F::TcpAnalysisInitialRtt
                // Links to responses over TCP need the streams of the first pass.
                | F::DnsResponseIn
                | F::HttpResponseIn
        )
    };
    filter.is_some_and(|f| f.fields().any(|id| late(&id)))
        || match mode {
            Mode::Text { .. } => true,
            Mode::Fields { ids, .. } => ids.iter().any(late),
            Mode::Json { ids, .. } => ids.is_empty() || ids.iter().any(late),
        }
}

/// Writes packets as a [`Mode`] asks, with the buffers it reuses from one packet
/// to the next (also used by `sniff`).
pub(crate) struct Renderer<'m> {
    mode: &'m Mode,
    values: Vec<Value<'static>>,
    tree: Tree,
    shown: u64,
}

impl<'m> Renderer<'m> {
    /// A renderer for `mode`.
    pub(crate) fn new(mode: &'m Mode) -> Renderer<'m> {
        Renderer { mode, values: Vec::with_capacity(16), tree: Tree::new(), shown: 0 }
    }

    /// Writes what comes before the first packet: the list's header line, the
    /// field names, or the JSON array's opening.
    pub(crate) fn start(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.mode {
            Mode::Text { style, .. } => list::header(out, *style),
            Mode::Fields { ids, format } if format.header => {
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        out.write_all(format.separator.as_bytes())?;
                    }
                    out.write_all(id.name().as_bytes())?;
                }
                out.write_all(b"\n")
            }
            Mode::Json { style, .. } => json::begin(out, *style),
            Mode::Fields { .. } => Ok(()),
        }
    }

    /// Writes what comes after the last packet (the JSON array's end).
    pub(crate) fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.mode {
            Mode::Json { style, .. } => json::end(out, *style, self.shown),
            _ => Ok(()),
        }
    }

    /// Renders one packet (`nanos`: the file has nanosecond timestamps).
    pub(crate) fn packet(&mut self, out: &mut impl Write, nanos: bool, p: &Packet<'_>) -> Result<(), ReadError> {
        let vals = recycle(std::mem::take(&mut self.values));
        let first = self.shown == 0;
        self.shown += 1;
        let vals = match self.mode {
            Mode::Text { verbose, only, hex: with_hex, style } => {
                let style = Style { nanos, ..*style };
                self.text(out, p, style, *verbose, only, *with_hex)?;
                vals
            }
            Mode::Fields { ids, format } => fields_line(out, ids, format, p, vals)?,
            Mode::Json { ids, style } if ids.is_empty() => {
                detail::build(&mut self.tree, p);
                json::frame(out, &json::Frame { tree: &self.tree, data: p.data, time: p.time }, *style, first)?;
                vals
            }
            Mode::Json { ids, style } => json_fields(out, ids, *style, first, p, vals)?,
        };
        self.values = recycle(vals);
        Ok(())
    }

    fn text(
        &mut self,
        out: &mut impl Write,
        p: &Packet<'_>,
        style: Style,
        verbose: bool,
        only: &[String],
        with_hex: bool,
    ) -> io::Result<()> {
        list::row(out, p, style)?;
        if !only.is_empty() {
            detail::build(&mut self.tree, p);
            crate::sniff::tree::text::write_only(out, &self.tree, style, only)?;
        } else if verbose {
            detail::write(out, &mut self.tree, p, style)?;
        }
        if with_hex {
            if verbose || !only.is_empty() {
                out.write_all(b"\n")?;
            }
            match style.color.then(|| crate::sniff::dissect::dns::hex::dns_colours(&p.app, p.data)).flatten() {
                Some((colours, legend)) => crate::sniff::dissect::dns::hex::dump(out, p.data, &colours, &legend)?,
                None => hex::dump(out, p.data)?,
            }
        }
        if verbose || with_hex || !only.is_empty() {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// One `-T fields` line.
fn fields_line<'p>(
    out: &mut impl Write,
    ids: &[FieldId],
    format: &FieldFormat,
    p: &'p Packet<'_>,
    mut vals: Vec<Value<'p>>,
) -> io::Result<Vec<Value<'p>>> {
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            out.write_all(format.separator.as_bytes())?;
        }
        vals.clear();
        p.values(id, &mut vals);
        let shown = match format.occurrence {
            Occurrence::All => &vals[..],
            Occurrence::First => &vals[..vals.len().min(1)],
            Occurrence::Last => &vals[vals.len().saturating_sub(1)..],
        };
        if shown.is_empty() {
            continue;
        }
        if let Some(q) = format.quote {
            write!(out, "{q}")?;
        }
        for (j, v) in shown.iter().enumerate() {
            if j > 0 {
                out.write_all(format.aggregator.as_bytes())?;
            }
            write_value(out, v)?;
        }
        if let Some(q) = format.quote {
            write!(out, "{q}")?;
        }
    }
    out.write_all(b"\n")?;
    Ok(vals)
}

/// `-T json -e …` or `-T ek -e …`: each field's values as an array, as tshark.
fn json_fields<'p>(
    out: &mut impl Write,
    ids: &[FieldId],
    style: JsonStyle,
    first: bool,
    p: &'p Packet<'_>,
    mut vals: Vec<Value<'p>>,
) -> io::Result<Vec<Value<'p>>> {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for &id in ids {
        vals.clear();
        p.values(id, &mut vals);
        if !vals.is_empty() {
            let name = if style.ek { id.name().replace('.', "_") } else { id.name().to_string() };
            fields.push((name, vals.iter().map(|v| v.to_string()).collect()));
        }
    }
    json::field_lists(out, p.time, &fields, style, first)?;
    Ok(vals)
}

/// Empties a vector and reuses its allocation for values of another lifetime
/// (same layout, so the in-place collect keeps the buffer).
fn recycle<'a, 'b>(mut v: Vec<Value<'a>>) -> Vec<Value<'b>> {
    v.clear();
    v.into_iter().map(|_| Value::Present).collect()
}

/// A value as tshark prints it, with a fast path for the common kinds.
fn write_value(out: &mut impl Write, v: &Value<'_>) -> io::Result<()> {
    match v {
        Value::Uint(n) => put_u64(out, *n),
        Value::Str(s) => out.write_all(s.as_bytes()),
        Value::Bool(true) | Value::Present => out.write_all(b"1"),
        Value::Bool(false) => out.write_all(b"0"),
        Value::Seconds(ns) => put_secs(out, *ns, true, 0),
        Value::Ip(ip) => out.write_all(StackStr::ip(*ip).as_bytes()),
        Value::Hex { value, digits } => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let mut buf = [b'0'; 18];
            buf[1] = b'x';
            let n = usize::from(*digits).clamp(1, 16);
            for i in 0..n {
                buf[2 + n - 1 - i] = HEX[((value >> (4 * i)) & 0xf) as usize];
            }
            if n < 16 && value >> (4 * n) != 0 {
                return write!(out, "{v}");
            }
            out.write_all(&buf[..2 + n])
        }
        other => write!(out, "{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_format_options() {
        let f = FieldFormat::parse(&["header=y".into(), "separator=,".into(), "aggregator=/s".into()]).unwrap();
        assert_eq!((f.header, f.separator.as_str(), f.aggregator.as_str()), (true, ",", " "));
        let f = FieldFormat::parse(&["occurrence=l".into(), "quote=d".into()]).unwrap();
        assert_eq!((f.occurrence, f.quote), (Occurrence::Last, Some('"')));
        assert!(FieldFormat::parse(&["quote".into()]).is_err());
        assert!(FieldFormat::parse(&["quote=x".into()]).is_err());
        assert!(FieldFormat::parse(&["bogus=1".into()]).is_err());
    }

    #[test]
    fn unknown_field_is_a_usage_error() {
        assert!(resolve_fields(&["tcp.seq".into()]).is_ok());
        let e = resolve_fields(&["tcp.sequence".into()]).unwrap_err();
        assert!(e.to_string().contains("unknown field 'tcp.sequence'"));
    }

    #[test]
    fn fast_value_output_equals_display() {
        let values = [
            Value::Uint(0),
            Value::Uint(4_294_967_295),
            Value::Int(-2),
            Value::Hex { value: 0x1b68, digits: 4 },
            Value::Hex { value: 0x12, digits: 4 },
            Value::Hex { value: 0x2, digits: 2 },
            Value::Hex { value: 0x1_0000, digits: 4 },
            Value::Bool(true),
            Value::Bool(false),
            Value::Present,
            Value::Ip("127.0.0.1".parse().unwrap()),
            Value::Ip("::1".parse().unwrap()),
            Value::Str("··S·".into()),
            Value::Seconds(56_000),
            Value::Seconds(1_291_509_000),
            Value::Seconds(-5),
        ];
        for v in values {
            let mut out = Vec::new();
            write_value(&mut out, &v).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string(), "{v:?}");
        }
    }

    #[test]
    fn recycled_buffer_keeps_its_capacity() {
        let v: Vec<Value<'static>> = Vec::with_capacity(32);
        let r: Vec<Value<'_>> = recycle(v);
        assert!(r.capacity() >= 32);
    }
}
