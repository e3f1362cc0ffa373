//! `socklab conversations FILE`: one row per TCP or UDP conversation, counted as
//! `tshark -z conv,tcp` / `-z conv,udp` counts them: A is the sender of the
//! conversation's first packet, B its receiver; "A→B" and "B→A" are frames and
//! bytes (frame lengths) each way; rows sorted by total frames, most first, ties
//! in stream order; start is relative to the first frame, duration to the last.

use super::{addr, DirStats, Scan};
use crate::config::Settings;
use crate::sniff::tcp::completeness::words as completeness_words;
use crate::sniff::tcp::Endpoint;
use crate::sniff::value::Nanos;
use crate::table::{Col, Format, Table};
use serde_json::{json, Value};

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// "TCP" or "UDP".
    pub proto: &'static str,
    /// `tcp.stream` / `udp.stream`.
    pub stream: u32,
    /// Address A.
    pub a: Endpoint,
    /// Address B.
    pub b: Endpoint,
    /// A to B.
    pub ab: DirStats,
    /// B to A.
    pub ba: DirStats,
    /// Relative start.
    pub start: Nanos,
    /// Duration.
    pub duration: Nanos,
    /// TCP completeness, None for UDP.
    pub completeness: Option<u8>,
}

/// The rows of the conversations in `scan`, TCP first, each protocol sorted as tshark.
pub fn rows(scan: &Scan, tcp: bool, udp: bool) -> Vec<Row> {
    let mut out = Vec::new();
    if tcp {
        let mut t: Vec<Row> = scan
            .tcp
            .iter()
            .map(|c| {
                // tshark's A is the first packet's sender: the client unless the
                // roles were swapped by a later SYN.
                let (a, b, ab, ba) = (c.first_src, c.first_dst, c.dirs_from(c.first_src), c.dirs_from(c.first_dst));
                Row {
                    proto: "TCP",
                    stream: c.index,
                    a,
                    b,
                    ab,
                    ba,
                    start: c.start,
                    duration: c.end - c.start,
                    completeness: Some(c.completeness),
                }
            })
            .collect();
        t.sort_by_key(|r| std::cmp::Reverse(r.ab.frames + r.ba.frames));
        out.extend(t);
    }
    if udp {
        let mut u: Vec<Row> = scan
            .udp
            .iter()
            .map(|c| Row {
                proto: "UDP",
                stream: c.index,
                a: c.a,
                b: c.b,
                ab: c.dirs[0],
                ba: c.dirs[1],
                start: c.start,
                duration: c.end - c.start,
                completeness: None,
            })
            .collect();
        u.sort_by_key(|r| std::cmp::Reverse(r.ab.frames + r.ba.frames));
        out.extend(u);
    }
    out
}

/// Seconds with 4 decimals, as tshark's Duration column (printf of a double).
fn duration(ns: Nanos) -> String {
    format!("{:.4}", ns as f64 / 1e9)
}

/// The table (or JSON document) of the rows; a terminal table fitted as `settings`
/// say (the start and the per-direction counts go first, the totals last).
pub fn render(rows: &[Row], format: Format, settings: &Settings) -> String {
    if format == Format::Json {
        let v: Vec<Value> = rows.iter().map(row_json).collect();
        let mut s = serde_json::to_string_pretty(&json!({ "conversations": v })).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut t = Table::with_cols([
        ("Proto", Col::hide(0)),
        ("Stream", Col::hide(0)),
        ("Address A", Col::hide(0).endpoints()),
        ("Address B", Col::hide(0).endpoints()),
        ("Frames B→A", Col::hide(5)),
        ("Bytes B→A", Col::hide(7)),
        ("Frames A→B", Col::hide(4)),
        ("Bytes A→B", Col::hide(6)),
        ("Frames", Col::hide(1)),
        ("Bytes", Col::hide(2)),
        ("Rel Start", Col::hide(8).short("Start")),
        ("Duration", Col::hide(3)),
        ("Completeness", Col::wrap(10)),
    ]);
    for r in rows {
        t.row([
            r.proto.to_string(),
            r.stream.to_string(),
            addr(&r.a),
            addr(&r.b),
            r.ba.frames.to_string(),
            r.ba.bytes.to_string(),
            r.ab.frames.to_string(),
            r.ab.bytes.to_string(),
            (r.ab.frames + r.ba.frames).to_string(),
            (r.ab.bytes + r.ba.bytes).to_string(),
            super::secs(r.start),
            duration(r.duration),
            r.completeness.map_or("-".to_string(), completeness_words),
        ]);
    }
    super::table_text(&t, format, settings)
}

fn row_json(r: &Row) -> Value {
    let dir = |d: &DirStats| json!({ "frames": d.frames, "bytes": d.bytes });
    json!({
        "proto": r.proto,
        "stream": r.stream,
        "address_a": addr(&r.a),
        "address_b": addr(&r.b),
        "a_to_b": dir(&r.ab),
        "b_to_a": dir(&r.ba),
        "frames": r.ab.frames + r.ba.frames,
        "bytes": r.ab.bytes + r.ba.bytes,
        "rel_start": super::secs(r.start),
        "duration": duration(r.duration),
        "completeness": r.completeness,
        "completeness_text": r.completeness.map(completeness_words),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_has_four_decimals() {
        assert_eq!(duration(2_900_000), "0.0029");
        assert_eq!(duration(58_326_200_000), "58.3262");
        assert_eq!(duration(0), "0.0000");
    }
}
