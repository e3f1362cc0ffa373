//! The UDP answer of `socklab handshake`: UDP has no handshake (RFC 768), so the
//! report lists the datagrams instead, each with the ICMP error that came back
//! for it (RFC 792 / RFC 4443), found by the pipeline's quote matching.

use super::{addr, open, secs};
use crate::config::Settings;
use crate::error::Error;
use crate::sniff::packet::{Note, Transport};
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::tcp::Endpoint;
use crate::sniff::value::Nanos;
use crate::table::{Col, Format, Table};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// Bytes of payload shown in the preview.
const PREVIEW: usize = 32;

/// One UDP datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// Frame number.
    pub frame: u32,
    /// Relative time.
    pub rel: Nanos,
    /// `udp.stream`.
    pub stream: u32,
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// Payload length.
    pub len: usize,
    /// The first bytes of the payload, printable ASCII, others as `.`.
    pub preview: String,
    /// The ICMP error that answered it: frame and description.
    pub icmp: Option<(u32, String)>,
}

/// The name of an ICMP or ICMPv6 error type/code.
pub fn icmp_words(v6: bool, ty: u8, code: u8) -> String {
    let what = match (v6, ty, code) {
        (false, 3, 0) => "Destination unreachable (Network unreachable)",
        (false, 3, 1) => "Destination unreachable (Host unreachable)",
        (false, 3, 2) => "Destination unreachable (Protocol unreachable)",
        (false, 3, 3) => "Destination unreachable (Port unreachable)",
        (false, 3, 4) => "Destination unreachable (Fragmentation needed)",
        (false, 3, 13) => "Destination unreachable (Communication administratively filtered)",
        (false, 3, _) => "Destination unreachable",
        (false, 11, _) => "Time-to-live exceeded",
        (false, 12, _) => "Parameter problem",
        (false, 4, _) => "Source quench",
        (false, 5, _) => "Redirect",
        (true, 1, 4) => "Destination Unreachable (Port unreachable)",
        (true, 1, 3) => "Destination Unreachable (Address unreachable)",
        (true, 1, 1) => "Destination Unreachable (Administratively prohibited)",
        (true, 1, _) => "Destination Unreachable",
        (true, 2, _) => "Packet Too Big",
        (true, 3, _) => "Time Exceeded",
        (true, 4, _) => "Parameter Problem",
        _ => "ICMP error",
    };
    format!("{what}, type {ty} code {code}")
}

/// The UDP datagrams of the file (of the `streams` given, or all), with their ICMP errors.
pub fn collect(file: &Path, bpf: Option<&str>, streams: Option<&BTreeSet<u32>>) -> Result<Vec<Datagram>, Error> {
    let (mut cap, link) = open(file, bpf)?;
    let mut pipe = Pipeline::new(link, Facts::default());
    let mut out: Vec<Datagram> = Vec::new();
    while let Some(f) = cap.next_frame()? {
        let p = pipe.process(&f);
        match (p.d.transport, p.note) {
            (Transport::Udp(_), _) => {
                let (Some((src, dst)), Some(stream)) = (p.d.endpoints(), p.udp_stream) else { continue };
                if streams.is_some_and(|s| !s.contains(&stream)) {
                    continue;
                }
                let preview =
                    p.d.payload.iter().take(PREVIEW).map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' });
                out.push(Datagram {
                    frame: p.number,
                    rel: p.rel,
                    stream,
                    src,
                    dst,
                    len: p.d.payload.len(),
                    preview: preview.collect(),
                    icmp: None,
                });
            }
            (Transport::Icmp(i), Note::IcmpAbout { frame, proto: 17, .. }) if frame != 0 => {
                if let Some(d) = out.iter_mut().rev().find(|d| d.frame == frame) {
                    d.icmp.get_or_insert((p.number, icmp_words(i.v6, i.ty, i.code)));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The datagram table.
pub fn table(ds: &[Datagram]) -> Table {
    let mut t = Table::with_cols([
        ("Frame", Col::hide(0).short("No.")),
        ("Time", Col::hide(3)),
        ("Stream", Col::hide(4)),
        ("Sender", Col::hide(0).endpoints()),
        ("Receiver", Col::hide(0).endpoints()),
        ("Length", Col::hide(2).short("Len")),
        ("Payload", Col::hide(1)),
        ("ICMP error", Col::wrap(16)),
    ]);
    for d in ds {
        t.row([
            d.frame.to_string(),
            secs(d.rel),
            d.stream.to_string(),
            addr(&d.src),
            addr(&d.dst),
            d.len.to_string(),
            d.preview.clone(),
            d.icmp.as_ref().map_or("-".to_string(), |(f, w)| format!("frame {f}: {w}")),
        ]);
    }
    t
}

/// The sentence that introduces the table.
pub const NO_HANDSHAKE: &str =
    "UDP has no handshake and no teardown (RFC 768): each datagram stands alone. The datagrams:";

/// The UDP section in a table format, fitted as `settings` say.
pub fn render(ds: &[Datagram], format: Format, settings: &Settings) -> String {
    let t = table(ds);
    match format {
        Format::Csv => t.render_with(Format::Csv, settings),
        Format::Markdown => format!("{NO_HANDSHAKE}\n\n{}", t.render_with(format, settings)),
        _ => crate::wrap::prose(&format!("{NO_HANDSHAKE}\n{}", t.render_with(format, settings)), settings.width),
    }
}

/// The datagrams as JSON.
pub fn json(ds: &[Datagram]) -> Value {
    Value::Array(
        ds.iter()
            .map(|d| {
                json!({
                    "frame": d.frame,
                    "time": secs(d.rel),
                    "stream": d.stream,
                    "sender": addr(&d.src),
                    "receiver": addr(&d.dst),
                    "length": d.len,
                    "payload_preview": d.preview,
                    "icmp_error": d.icmp.as_ref().map(|(f, w)| json!({ "frame": f, "what": w })),
                })
            })
            .collect(),
    )
}
