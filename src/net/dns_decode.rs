//! `socklab dns decode`: reads a DNS message in hex (arguments or standard input,
//! any of the forms [`hexdump`](crate::proto::hexdump) accepts), decodes it as far
//! as it goes and prints the field table and colour-coded dump; with `--query` and
//! `--response`, both messages and the checks of one against the other.
//!
//! The hex may be a whole captured frame (`socklab read -x`, `tshark -x`,
//! Wireshark's "Copy as Hex Dump"): the sniffer's dissection then finds the DNS
//! message inside it ([`frame`]). `--pcap FILE --frame N` takes the frame from a
//! capture instead.

use crate::dns_view::{self, check, Shown, Style};
use crate::error::{Error, Result};
use crate::proto::dns::decode_partial;
use crate::proto::hexdump;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::report;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

pub mod frame;

/// Reads the hex of one message; `what` names it in errors. A whole frame gives
/// the DNS message it carries, and a note on stderr says where it was.
fn bytes_of(text: &str, what: &str) -> Result<Vec<u8>> {
    let bytes = hexdump::parse(text).map_err(|e| Error::usage(format!("cannot read {what} as hex: {e}")))?;
    if bytes.is_empty() {
        return Err(Error::usage(format!(
            "{what} holds no hex bytes: give the message as e.g. `1a 2b 01 00 …` (or pipe a hex dump into standard input)"
        )));
    }
    if let Some(found) = frame::dns_in_pasted_frame(&bytes) {
        note(&found.describe(bytes.len()));
        return Ok(found.message.to_vec());
    }
    Ok(bytes)
}

/// The DNS message of frame `number` of the capture at `path`.
fn bytes_of_frame(path: &Path, number: u64) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    with_frame(path, number, |link, data, wire_len| {
        let found = frame::dns_in_frame(link, data, wire_len).map_err(|why| Error::File {
            path: shown.clone(),
            reason: format!("frame {number} has no DNS message: {why}; `socklab read {shown}` lists its frames"),
        })?;
        note(&format!("{shown} frame {number}: {}", found.describe(data.len())));
        Ok(found.message.to_vec())
    })
}

/// Calls `use_frame(link type, captured bytes, length on the wire)` on frame
/// `number` (from 1, as in Wireshark) of the capture at `path`; an error saying
/// how many frames there are when it has fewer.
pub fn with_frame<T>(
    path: &Path,
    number: u64,
    use_frame: impl FnOnce(LinkType, &[u8], usize) -> Result<T>,
) -> Result<T> {
    let (mut cap, link) = report::open(path, None)?;
    let mut seen = 0;
    while let Some(f) = cap.next_frame()? {
        seen += 1;
        if seen == number {
            return use_frame(f.link(link), f.data, f.len as usize);
        }
    }
    Err(Error::File {
        path: path.display().to_string(),
        reason: format!(
            "has {} so frame {number} does not exist (frames are numbered from 1, as in Wireshark)",
            match seen {
                0 => "no frames".to_string(),
                1 => "1 frame".to_string(),
                n => format!("{n} frames"),
            }
        ),
    })
}

/// A line for the user on stderr, apart from the decoded output.
fn note(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Settings of `socklab dns decode`: one message in hex (`hex`, or standard
/// input when empty), a query and a response, or a frame of a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeSettings {
    /// The message in hex, in pieces joined with spaces; empty: read standard input.
    pub hex: Vec<String>,
    /// A query in hex, checked against `response`.
    pub query: Option<String>,
    /// A response in hex, checked against `query`.
    pub response: Option<String>,
    /// A capture whose frame `frame` holds the message.
    pub pcap: Option<PathBuf>,
    /// The frame of `pcap`, numbered from 1.
    pub frame: Option<u64>,
    /// How to render.
    pub style: Style,
}

/// `socklab dns decode`.
pub fn run(a: &DecodeSettings) -> Result<()> {
    let style = a.style;
    if let (Some(q), Some(r)) = (&a.query, &a.response) {
        return pair(&bytes_of(q, "--query")?, &bytes_of(r, "--response")?, style);
    }
    if let (Some(path), Some(number)) = (&a.pcap, a.frame) {
        return show(&bytes_of_frame(path, number)?, style);
    }
    let text = if a.hex.is_empty() {
        let mut s = String::new();
        io::stdin().read_to_string(&mut s).map_err(|e| Error::io("reading standard input", e))?;
        s
    } else {
        a.hex.join(" ")
    };
    let what = if a.hex.is_empty() { "standard input" } else { "the arguments" };
    show(&bytes_of(&text, what)?, style)
}

/// The table and dump of one message; an error after them if it is malformed.
fn show(bytes: &[u8], style: Style) -> Result<()> {
    let partial = decode_partial(bytes);
    print(&dns_view::render(&[Shown { title: None, bytes, partial: &partial }], &[], style));
    match partial.error {
        Some(e) => Err(Error::NoAnswer {
            what: format!("malformed DNS message ({} bytes)", bytes.len()),
            hint: format!("{e}; the table shows every field before it"),
        }),
        None => Ok(()),
    }
}

/// Both messages and the checks of the response against the query.
fn pair(query: &[u8], response: &[u8], style: Style) -> Result<()> {
    let (pq, pr) = (decode_partial(query), decode_partial(response));
    let checks = check::check_pair(&pq.message, pq.error.as_ref(), &pr.message, pr.error.as_ref());
    let shown = [
        Shown { title: Some("Query"), bytes: query, partial: &pq },
        Shown { title: Some("Response"), bytes: response, partial: &pr },
    ];
    print(&dns_view::render(&shown, &checks, style));
    let failed = checks.iter().filter(|c| !c.ok).count();
    if failed > 0 {
        return Err(Error::NoAnswer {
            what: format!("{failed} of {} checks failed", checks.len()),
            hint: "see the ✗ lines above".to_string(),
        });
    }
    Ok(())
}

fn print(text: &str) {
    let mut o = io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}
