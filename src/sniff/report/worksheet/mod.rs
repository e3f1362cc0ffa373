//! `socklab worksheet FILE`: the standard lab questions answered from a trace,
//! with the frame numbers that prove each answer. TCP answers come from the
//! report scan ([`scan`](super::scan), numbers as `tshark -2` shows them), the
//! UDP, DNS, HTTP and ICMP answers from the full decoding pipeline.

pub mod apps;
pub mod render;
pub mod rtt;
pub mod tcp;

use super::{scan, ScanOptions};
use crate::cli::WorksheetArgs;
use crate::config::Settings;
use crate::error::Error;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// Every answer the worksheet gives for one capture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Worksheet {
    /// The capture file as given.
    pub file: String,
    /// Per TCP stream (only the selected one with `--stream`).
    pub tcp: Vec<tcp::TcpSheet>,
    /// TCP streams left out (beyond [`MAX_STREAMS`] without `--stream`).
    pub tcp_left_out: usize,
    /// UDP, DNS, HTTP and ICMP.
    #[serde(flatten)]
    pub apps: apps::Apps,
}

/// Most TCP streams answered without `--stream` (each keeps all its segments).
pub const MAX_STREAMS: usize = 8;

/// Reads `file` and answers the questions (`stream`: only that TCP stream, and
/// only the HTTP messages on it).
pub fn build(file: &Path, bpf: Option<&str>, stream: Option<u32>) -> Result<Worksheet, Error> {
    let bpf_owned = bpf.map(str::to_string);
    let (streams, left_out) = match stream {
        Some(n) => (BTreeSet::from([n]), 0),
        None => {
            let all =
                scan(file, &ScanOptions { bpf: bpf_owned.clone(), counters_only: true, ..ScanOptions::default() })?;
            let first = all.tcp.iter().take(MAX_STREAMS).map(|c| c.index).collect();
            (first, all.tcp.len().saturating_sub(MAX_STREAMS))
        }
    };
    let opts = ScanOptions { bpf: bpf_owned, streams: Some(streams), keep_all: true, ..ScanOptions::default() };
    let s = scan(file, &opts)?;
    if let Some(n) = stream {
        if s.tcp.is_empty() {
            return Err(Error::usage(format!(
                "{}: no TCP stream {n}; list the streams with `socklab conversations {}`",
                file.display(),
                file.display()
            )));
        }
    }
    let mut apps = apps::collect(file, bpf)?;
    if let Some(n) = stream {
        apps.http.retain(|h| h.stream == Some(n));
    }
    Ok(Worksheet {
        file: file.display().to_string(),
        tcp: s.tcp.iter().map(tcp::answer).collect(),
        tcp_left_out: left_out,
        apps,
    })
}

/// Runs `socklab worksheet`.
pub fn run(a: &WorksheetArgs) -> crate::Result<()> {
    let sheet = build(&a.file, a.bpf.as_deref(), a.stream)?;
    let settings = Settings::from_args(&a.fit, a.color);
    super::print(&render::render(&sheet, a.format.into(), &settings))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_concepts_the_worksheet_and_graph_name_are_explained() {
        for t in
            ["sample-rtt", "estimated-rtt", "time-sequence-graph", "throughput", "receive-window", "conditional-get"]
        {
            assert!(crate::teach::explain::find(t).is_some(), "no `socklab explain {t}`");
        }
    }
}
