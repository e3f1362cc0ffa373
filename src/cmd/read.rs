//! `socklab read FILE`: the arguments become a [`Source`] and a [`Mode`], and
//! [`crate::sniff::read`] writes the packets to a buffered stdout. The decoding
//! options shared with `socklab sniff` ([`DecodeArgs`]) are turned into plain
//! settings here too.

use crate::cli::{DecodeArgs, Glossary, OutputKind, ReadArgs};
use crate::error::Error;
use crate::sniff::fields::FieldId;
use crate::sniff::filter::Filter;
use crate::sniff::read::{only_protocols, read, resolve_fields, FieldFormat, Mode, ReadError, Source};
use crate::sniff::render::Style;
use crate::sniff::tree::json::JsonStyle;
use std::io::{self, BufWriter, Write};

/// Size of the stdout buffer.
const OUT_BUFFER: usize = 256 * 1024;

/// Runs `socklab read`.
pub fn run(a: &ReadArgs) -> crate::Result<()> {
    if let Some(g) = a.decode.glossary {
        return glossary(g);
    }
    let mode = mode(&a.decode)?;
    let filter = display_filter(&a.decode)?;
    let Some(file) = &a.file else {
        return Err(Error::usage("give the capture file to read, e.g. socklab read captures/tcp-echo.pcap"));
    };
    let src = Source { file, bpf: a.decode.bpf.as_deref(), count: a.decode.count, dns_ports: dns_ports(&a.decode) };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(OUT_BUFFER, stdout.lock());
    let result = read(&src, &mode, filter.as_ref(), &mut out);
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
                style: Style { color, nanos: false, width: crate::config::Env::current().tty_columns },
            }
        }
        OutputKind::Fields => {
            if ids.is_empty() {
                return Err(Error::usage("-T fields needs at least one -e FIELD, e.g. -e frame.number -e tcp.seq"));
            }
            Mode::Fields { ids, format: FieldFormat::parse(&a.field_options)? }
        }
        OutputKind::Json | OutputKind::Ek => {
            Mode::Json { ids, style: JsonStyle { ek: a.output == OutputKind::Ek, raw: a.hex } }
        }
    })
}

/// The display filter (`-Y`), parsed once (also used by `sniff`).
pub(crate) fn display_filter(a: &DecodeArgs) -> crate::Result<Option<Filter<FieldId>>> {
    match &a.display_filter {
        Some(expr) => Ok(Some(
            crate::sniff::fields::parse_filter(expr)
                .map_err(|e| Error::usage(format!("invalid display filter (-Y): {e}")))?,
        )),
        None => Ok(None),
    }
}

/// The ports decoded as DNS: the defaults and every `--dns-port`.
pub(crate) fn dns_ports(a: &DecodeArgs) -> Vec<u16> {
    let mut ports = crate::sniff::dissect::dns::DEFAULT_PORTS.to_vec();
    ports.extend(a.dns_ports.iter().filter(|p| !crate::sniff::dissect::dns::DEFAULT_PORTS.contains(p)));
    ports
}
