//! `socklab read FILE`: two streaming passes over a capture file, like
//! `tshark -2`. Pass 1 only tracks conversations to learn what later frames
//! reveal (final TCP completeness, echo replies); pass 2 tracks again and
//! renders every packet as a list row (with details and hex on request),
//! tab-separated fields, or JSON. Memory stays bounded: per-stream state only.

use crate::cli::{DecodeArgs, Glossary, OutputKind, ReadArgs};
use crate::error::Error;
use crate::sniff::fields::{FieldId, ALL, NAMES};
use crate::sniff::file::offline::OfflineCapture;
use crate::sniff::filter::Filter;
use crate::sniff::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::packet::Packet;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::render::{detail, hex, list, outline, put_secs, put_u64, StackStr, Style};
use crate::sniff::value::{FieldSource, Value};
use std::io::{self, BufWriter, Write};

/// Size of the stdout buffer.
const OUT_BUFFER: usize = 256 * 1024;

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
    /// `-T json`.
    Json { ids: Vec<FieldId> },
}

/// Runs `socklab read`.
pub fn run(a: &ReadArgs) -> crate::Result<()> {
    if let Some(g) = a.decode.glossary {
        return glossary(g);
    }
    let mode = mode(&a.decode)?;
    let filter = match &a.decode.display_filter {
        Some(expr) => Some(
            crate::sniff::fields::parse_filter(expr)
                .map_err(|e| Error::usage(format!("invalid display filter (-Y): {e}")))?,
        ),
        None => None,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(OUT_BUFFER, stdout.lock());
    let result = read(a, &mode, filter.as_ref(), &mut out);
    let flushed = out.flush();
    match result {
        Err(ReadError::Pipe) => Ok(()),
        Err(ReadError::Io(e)) => Err(Error::io("cannot write the output", e)),
        Err(ReadError::App(e)) => Err(e),
        Ok(()) => match flushed {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::io("cannot write the output", e)),
            Ok(()) => Ok(()),
        },
    }
}

/// Prints the glossary `-G` asks for (also used by `sniff`).
pub(crate) fn glossary(g: Glossary) -> crate::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = match g {
        Glossary::Fields => crate::sniff::glossary::write_fields(&mut out),
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
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

/// The output mode `a` asks for (also used by `sniff`).
pub(crate) fn mode(a: &DecodeArgs) -> crate::Result<Mode> {
    let ids = resolve_fields(&a.fields)?;
    Ok(match a.output {
        OutputKind::Text => {
            if !a.fields.is_empty() {
                return Err(Error::usage("-e selects fields for -T fields or -T json; add -T fields"));
            }
            let color = crate::config::color(a.color);
            Mode::Text {
                verbose: a.verbose,
                only: only_protocols(&a.only)?,
                hex: a.hex,
                style: Style { color, nanos: false },
            }
        }
        OutputKind::Fields => {
            if ids.is_empty() {
                return Err(Error::usage("-T fields needs at least one -e FIELD, e.g. -e frame.number -e tcp.seq"));
            }
            Mode::Fields { ids, format: FieldFormat::parse(&a.field_options)? }
        }
        OutputKind::Json => Mode::Json { ids: if ids.is_empty() { ALL.to_vec() } else { ids } },
    })
}

/// Checks the `-O` protocol names (lower-cased).
fn only_protocols(names: &[String]) -> crate::Result<Vec<String>> {
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
                let related: Vec<&str> = NAMES.iter().copied().filter(|f| f.split('.').next() == Some(proto)).collect();
                let known = if related.is_empty() { NAMES.to_vec() } else { related };
                Error::usage(format!("unknown field '{n}'; socklab knows: {}", known.join(" ")))
            })
        })
        .collect()
}

/// Opens the file and finds its link type (an undecoded one is
/// [`LinkType::Other`]: its frames are listed, see [`undecoded_link`]).
fn open(a: &ReadArgs) -> Result<(OfflineCapture, LinkType), Error> {
    let Some(file) = &a.file else {
        return Err(Error::usage("give the capture file to read, e.g. socklab read captures/tcp-echo.pcap"));
    };
    let cap = OfflineCapture::open(file, a.decode.bpf.as_deref())?;
    // A pcapng file without interfaces has no frames: any link type does.
    let link = LinkType::of_dlt(cap.datalink().unwrap_or(1));
    Ok((cap, link))
}

/// Writes the header line or field names the mode starts with (also used by `sniff`).
pub(crate) fn start(out: &mut impl Write, mode: &Mode) -> io::Result<()> {
    match mode {
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
        _ => Ok(()),
    }
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

fn read(a: &ReadArgs, mode: &Mode, filter: Option<&Filter<FieldId>>, out: &mut impl Write) -> Result<(), ReadError> {
    let limit = a.decode.count.unwrap_or(u64::MAX);
    // Pass 1: learn the facts; a read error ends it quietly (pass 2 reports it).
    let (mut cap, link) = open(a)?;
    let dns_ports = dns_ports(&a.decode);
    let mut pipe = Pipeline::learning(link, needs_tcp_facts(mode, filter)).with_dns_ports(&dns_ports);
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
    let (mut cap, link) = open(a)?;
    let nanos = cap.nanosecond_resolution();
    let mut pipe = Pipeline::new(link, facts).with_dns_ports(&dns_ports);
    let mut values: Vec<Value<'static>> = Vec::with_capacity(16);
    start(out, mode)?;
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
        values = render(out, mode, nanos, &p, values)?;
    }
    if let Some((dlt, frames)) = undecoded {
        out.flush()?;
        return Err(undecoded_link(&cap, dlt, frames).into());
    }
    Ok(())
}

/// The ports decoded as DNS: the defaults and every `--dns-port`.
pub(crate) fn dns_ports(a: &DecodeArgs) -> Vec<u16> {
    let mut ports = crate::sniff::app::DEFAULT_DNS_PORTS.to_vec();
    ports.extend(a.dns_ports.iter().filter(|p| !crate::sniff::app::DEFAULT_DNS_PORTS.contains(p)));
    ports
}

/// Whether the output shows something only the end of a TCP stream knows (the
/// final completeness, window scale or iRTT): then the first pass tracks TCP too.
fn needs_tcp_facts(mode: &Mode, filter: Option<&Filter<FieldId>>) -> bool {
    use FieldId as F;
    let late = |id: &FieldId| {
        matches!(
            id,
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
            Mode::Fields { ids, .. } | Mode::Json { ids } => ids.iter().any(late),
        }
}

/// Renders one packet (`nanos`: the file has nanosecond timestamps); `values` is a reusable buffer handed back for the next one.
pub(crate) fn render(
    out: &mut impl Write,
    mode: &Mode,
    nanos: bool,
    p: &Packet<'_>,
    values: Vec<Value<'static>>,
) -> Result<Vec<Value<'static>>, ReadError> {
    let mut vals = recycle(values);
    match mode {
        Mode::Text { verbose, only, hex: with_hex, style } => {
            let style = Style { nanos, ..*style };
            list::row(out, p, style)?;
            if !only.is_empty() {
                let mut o = outline::Outline::new(&mut *out, only);
                detail::tree(&mut o, p, style)?;
                o.finish()?;
            } else if *verbose {
                detail::tree(out, p, style)?;
            }
            if *with_hex {
                if *verbose || !only.is_empty() {
                    out.write_all(b"\n")?;
                }
                match style.color.then(|| crate::sniff::app::hex::dns_colours(&p.app, p.data)).flatten() {
                    Some((colours, legend)) => crate::sniff::app::hex::dump(out, p.data, &colours, &legend)?,
                    None => hex::dump(out, p.data)?,
                }
            }
            if *verbose || *with_hex || !only.is_empty() {
                out.write_all(b"\n")?;
            }
        }
        Mode::Fields { ids, format } => {
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
        }
        Mode::Json { ids } => {
            out.write_all(b"{")?;
            let mut first = true;
            for &id in ids {
                vals.clear();
                p.values(id, &mut vals);
                if vals.is_empty() {
                    continue;
                }
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                out.write_all(b"\"")?;
                out.write_all(id.name().as_bytes())?;
                out.write_all(b"\":")?;
                if vals.len() == 1 {
                    json_string(out, &vals[0])?;
                } else {
                    out.write_all(b"[")?;
                    for (j, v) in vals.iter().enumerate() {
                        if j > 0 {
                            out.write_all(b",")?;
                        }
                        json_string(out, v)?;
                    }
                    out.write_all(b"]")?;
                }
            }
            out.write_all(b"}\n")?;
        }
    }
    Ok(recycle(vals))
}

/// Empties a vector and reuses its allocation for values of another lifetime
/// (same layout, so the in-place collect keeps the buffer).
fn recycle<'a, 'b>(mut v: Vec<Value<'a>>) -> Vec<Value<'b>> {
    v.clear();
    v.into_iter().map(|_| Value::Present).collect()
}

/// A value as a JSON string (RFC 8259 §7 escaping).
fn json_string(out: &mut impl Write, v: &Value<'_>) -> io::Result<()> {
    out.write_all(b"\"")?;
    match v {
        Value::Str(s) => {
            let bytes = s.as_bytes();
            let mut start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    out.write_all(&bytes[start..i])?;
                    match b {
                        b'"' => out.write_all(b"\\\"")?,
                        b'\\' => out.write_all(b"\\\\")?,
                        c => write!(out, "\\u{c:04x}")?,
                    }
                    start = i + 1;
                }
            }
            out.write_all(&bytes[start..])?;
        }
        other => write_value(out, other)?,
    }
    out.write_all(b"\"")
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
    fn json_strings_are_escaped() {
        let mut out = Vec::new();
        json_string(&mut out, &Value::Str("a\"b\\c\u{1}·".into())).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\u0001·\"");
    }

    #[test]
    fn recycled_buffer_keeps_its_capacity() {
        let v: Vec<Value<'static>> = Vec::with_capacity(32);
        let r: Vec<Value<'_>> = recycle(v);
        assert!(r.capacity() >= 32);
    }
}
