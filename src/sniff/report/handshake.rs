//! `socklab handshake FILE`: per TCP stream, the three-way handshake (RFC 9293
//! §3.5) and the teardown (§3.6) as tables ready for a lab report, with the
//! sequence arithmetic checked in words and a data summary per direction.

use super::teardown::{classify, Verdict};
use super::{addr, flag_names, secs, DirStats, Scan, Seg, ShownOptions, TcpConv};
use crate::config::Settings;
use crate::sniff::tcp::completeness::words as completeness_words;
use crate::sniff::tcp::flags;
use crate::table::{Col, Format, Show, Table};
use serde_json::{json, Value};
use std::io::{self, Write};

/// Column headers of the handshake and teardown tables, and how they fit: the lab
/// view holds step, frame, sender → receiver, flags, relative Seq/Ack, the window
/// as calculated (scaled, as the packet list shows it) and the length; `--wide`,
/// CSV and JSON add the time, the addresses, raw Seq/Ack, the raw window field and
/// the options. On a narrow terminal the window goes first, then the frame, then
/// the length.
pub const COLUMNS: [(&str, Col); 15] = [
    ("Step", Col::hide(0)),
    ("Frame", Col::hide(2).short("No.")),
    ("Time", Col::hide(0).only(Show::Wide)),
    ("Sender → Receiver", Col::hide(0).only(Show::Lab)),
    ("Sender", Col::hide(0).only(Show::Wide).endpoints()),
    ("Receiver", Col::hide(0).only(Show::Wide).endpoints()),
    ("Flags", Col::hide(0)),
    ("Seq", Col::hide(0)),
    ("Seq (raw)", Col::hide(0).only(Show::Wide)),
    ("Ack", Col::hide(0)),
    ("Ack (raw)", Col::hide(0).only(Show::Wide)),
    ("Win", Col::hide(3)),
    ("Win (raw)", Col::hide(0).only(Show::Wide)),
    ("Len", Col::hide(1)),
    ("Options", Col::wrap(20).only(Show::Wide)),
];

/// One checked equation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The equation in words.
    pub text: String,
    /// Whether it holds.
    pub ok: bool,
}

/// The name of a handshake step.
fn hs_step(s: &Seg) -> &'static str {
    if s.is_syn() {
        "SYN"
    } else if s.has(flags::SYN | flags::ACK) {
        "SYN-ACK"
    } else {
        "ACK"
    }
}

/// The name of a teardown row: FIN/ACK, ACK, RST, RST/ACK, data…
fn td_step(s: &Seg) -> String {
    let f = s.flags;
    let base = if f & flags::RST != 0 {
        if f & flags::ACK != 0 {
            "RST/ACK"
        } else {
            "RST"
        }
    } else if f & flags::FIN != 0 {
        if f & flags::ACK != 0 {
            "FIN/ACK"
        } else {
            "FIN"
        }
    } else if s.len > 0 {
        "data"
    } else {
        "ACK"
    };
    if s.len > 0 && base != "data" {
        format!("{base} + data")
    } else {
        base.to_string()
    }
}

/// TCP options as the Info column writes them (MSS=… SACK_PERM TSval=… TSecr=… WS=…).
pub fn options_text(o: &ShownOptions) -> String {
    let mut parts = Vec::new();
    if let Some(m) = o.mss {
        parts.push(format!("MSS={m}"));
    }
    if o.sack_perm {
        parts.push("SACK_PERM".to_string());
    }
    if let Some((v, e)) = o.timestamps {
        parts.push(format!("TSval={v} TSecr={e}"));
    }
    if let Some(w) = o.wscale {
        parts.push(format!("WS={}", 1u64 << w.min(14)));
    }
    parts.join(" ")
}

/// `role addr:port` of one side.
fn side(c: &TcpConv, client: bool) -> String {
    if client {
        format!("client {}", addr(&c.client))
    } else {
        format!("server {}", addr(&c.server))
    }
}

/// A table row for a segment, in the order of [`COLUMNS`].
fn row(c: &TcpConv, step: String, s: &Seg) -> Vec<String> {
    let ack_set = s.flags & flags::ACK != 0;
    let role = |client: bool| if client { "client" } else { "server" };
    vec![
        step,
        s.frame.to_string(),
        secs(s.rel),
        format!("{} → {}", role(s.from_client), role(!s.from_client)),
        side(c, s.from_client),
        side(c, !s.from_client),
        flag_names(s.flags),
        s.seq.to_string(),
        s.seq_raw.to_string(),
        if ack_set { s.ack.to_string() } else { "-".to_string() },
        if ack_set { s.ack_raw.to_string() } else { "-".to_string() },
        s.win_calc.to_string(),
        s.window.to_string(),
        s.len.to_string(),
        options_text(&s.options),
    ]
}

/// The handshake table of a stream.
pub fn handshake_table(c: &TcpConv) -> Table {
    let mut t = Table::with_cols(COLUMNS);
    for s in &c.handshake {
        t.row(row(c, hs_step(s).to_string(), s));
    }
    t
}

/// The teardown table of a stream.
pub fn teardown_table(c: &TcpConv) -> Table {
    let mut t = Table::with_cols(COLUMNS);
    for s in &c.teardown {
        t.row(row(c, td_step(s), s));
    }
    t
}

/// The handshake arithmetic, checked (RFC 9293 §3.4: each SYN consumes one sequence number).
pub fn checks(c: &TcpConv) -> Vec<Check> {
    let mut out = Vec::new();
    let eq = |what: String, got: u32, isn_name: &str, isn: u32| {
        let want = isn.wrapping_add(1);
        let ok = got == want;
        let mark = if ok { "✓" } else { "✗" };
        Check { text: format!("{what} {got} = {isn_name} {isn} + 1 {mark}"), ok }
    };
    let (syn, syn_ack, ack) = (c.syn(), c.syn_ack(), c.hs_ack());
    if let (Some(syn), Some(sa)) = (syn, syn_ack) {
        out.push(eq("SYN-ACK ack".into(), sa.ack_raw, "client ISN", syn.seq_raw));
    }
    if let (Some(syn), Some(a)) = (syn, ack) {
        out.push(eq("ACK seq".into(), a.seq_raw, "client ISN", syn.seq_raw));
    }
    if let (Some(sa), Some(a)) = (syn_ack, ack) {
        out.push(eq("ACK ack".into(), a.ack_raw, "server ISN", sa.seq_raw));
    }
    out
}

/// The header line of a stream.
fn header(c: &TcpConv) -> String {
    format!(
        "TCP stream {}: client {} → server {}, completeness {}",
        c.index,
        addr(&c.client),
        addr(&c.server),
        completeness_words(c.completeness)
    )
}

/// One direction's data summary.
fn data_line(c: &TcpConv, client: bool) -> String {
    let d = &c.dirs[usize::from(!client)];
    let (from, to) = if client { ("client", "server") } else { ("server", "client") };
    format!(
        "{from} → {to}: {}, {} with data, {}, {}",
        plural(d.frames, "frame"),
        plural(d.segments, "segment"),
        plural(d.payload, "payload byte"),
        plural(d.retrans, "retransmission")
    )
}

/// `n thing` or `n things`.
fn plural(n: u64, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// What the handshake section says when it is incomplete.
fn handshake_missing(c: &TcpConv) -> Option<String> {
    if c.syn().is_none() {
        return Some(
            "The handshake was not captured (no SYN): the capture starts after the connection was opened.".into(),
        );
    }
    match (c.syn_ack(), c.hs_ack()) {
        (None, _) => Some("No SYN-ACK was captured: the server never accepted.".to_string()),
        (Some(_), None) => Some("The handshake's final ACK was not captured.".to_string()),
        _ => None,
    }
}

/// Writes the report, one stream at a time (memory stays per stream), its tables
/// fitted as `settings` say.
pub fn write(
    out: &mut impl Write,
    file: &str,
    scan: &Scan,
    format: Format,
    settings: &Settings,
    udp: Option<Value>,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, file, scan, udp),
        Format::Csv => {
            out.write_all(csv_table().render(Format::Csv).as_bytes())?;
            for c in &scan.tcp {
                let mut t = csv_table();
                csv_rows(c, &mut t);
                let text = t.render(Format::Csv);
                out.write_all(text.split_once('\n').map_or("", |(_, rows)| rows).as_bytes())?;
            }
            Ok(())
        }
        _ => {
            for (i, c) in scan.tcp.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(render_stream(c, format, settings).as_bytes())?;
            }
            Ok(())
        }
    }
}

/// One stream's section in table or markdown format (`settings.color`: the ✓ and ✗
/// of the checks in colour).
pub fn render_stream(c: &TcpConv, format: Format, settings: &Settings) -> String {
    let md = format == Format::Markdown;
    let mut out = String::new();
    {
        let h = header(c);
        out.push_str(&if md { format!("### {h}\n\n") } else { format!("{h}\n\n") });
        out.push_str(if md { "**Handshake**\n\n" } else { "Handshake\n" });
        if let Some(m) = handshake_missing(c) {
            out.push_str(&if md { format!("{m}\n\n") } else { format!("{m}\n") });
        }
        if !c.handshake.is_empty() {
            out.push_str(&super::table_text(&handshake_table(c), format, settings));
        }
        let cs = checks(c);
        if !cs.is_empty() {
            if md {
                out.push('\n');
            }
            for ch in cs {
                out.push_str(&if md {
                    format!("- {}\n", ch.text)
                } else if settings.color {
                    format!("  {}\n", crate::sniff::render::ansi::marks(&ch.text))
                } else {
                    format!("  {}\n", ch.text)
                });
            }
        }
        let v = classify(c);
        out.push('\n');
        out.push_str(&if md {
            format!("**Teardown**: {}\n\n", teardown_words(&v))
        } else {
            format!("Teardown: {}\n", teardown_words(&v))
        });
        if !c.teardown.is_empty() {
            out.push_str(&super::table_text(&teardown_table(c), format, settings));
            if c.teardown_cut {
                out.push_str(&format!(
                    "(only the first {} segments from the first FIN or RST on are shown)\n",
                    c.teardown.len()
                ));
            }
        }
        out.push('\n');
        out.push_str(if md { "**Data**\n\n" } else { "Data\n" });
        for client in [true, false] {
            out.push_str(&if md {
                format!("- {}\n", data_line(c, client))
            } else {
                format!("  {}\n", data_line(c, client))
            });
        }
    }
    if md {
        out
    } else {
        crate::wrap::prose(&out, settings.width)
    }
}

/// The teardown verdict with the active closer named.
fn teardown_words(v: &Verdict) -> String {
    match v.active {
        Some(who) if !matches!(v.kind, super::teardown::Kind::Reset | super::teardown::Kind::Unfinished) => {
            format!("{}. Active close: the {who}.", v.summary)
        }
        _ => format!("{}.", v.summary),
    }
}

/// The CSV table's columns: stream and part, then the `--wide` view of [`COLUMNS`].
fn csv_table() -> Table {
    let mut headers = vec!["Stream", "Part"];
    headers.extend(COLUMNS.iter().filter(|(_, c)| c.show != Show::Lab).map(|(h, _)| *h));
    Table::new(headers)
}

/// A stream's handshake and teardown rows, keyed by stream and part.
fn csv_rows(c: &TcpConv, t: &mut Table) {
    for (part, table) in [("handshake", handshake_table(c)), ("teardown", teardown_table(c))] {
        for r in table.select(true).rows {
            let mut cells = vec![c.index.to_string(), part.to_string()];
            cells.extend(r);
            t.row(cells);
        }
    }
}

/// A segment as JSON.
fn seg_json(c: &TcpConv, step: String, s: &Seg) -> Value {
    let ack_set = s.flags & flags::ACK != 0;
    json!({
        "step": step,
        "frame": s.frame,
        "time": secs(s.rel),
        "sender": { "role": if s.from_client { "client" } else { "server" }, "address": addr(if s.from_client { &c.client } else { &c.server }) },
        "receiver": { "role": if s.from_client { "server" } else { "client" }, "address": addr(if s.from_client { &c.server } else { &c.client }) },
        "flags": flag_names(s.flags),
        "seq": s.seq,
        "seq_raw": s.seq_raw,
        "ack": if ack_set { Value::from(s.ack) } else { Value::Null },
        "ack_raw": if ack_set { Value::from(s.ack_raw) } else { Value::Null },
        "window": s.window,
        "window_size": s.win_calc,
        "len": s.len,
        "options": options_text(&s.options),
    })
}

/// A direction's counters as JSON.
fn dir_json(d: &DirStats) -> Value {
    json!({ "frames": d.frames, "bytes": d.bytes, "segments_with_data": d.segments, "payload_bytes": d.payload, "retransmissions": d.retrans })
}

/// One stream as JSON.
pub fn stream_json(c: &TcpConv) -> Value {
    let v = classify(c);
    json!({
        "stream": c.index,
        "client": addr(&c.client),
        "server": addr(&c.server),
        "completeness": c.completeness,
        "completeness_text": completeness_words(c.completeness),
        "handshake_captured": c.syn().is_some(),
        "handshake": c.handshake.iter().map(|s| seg_json(c, hs_step(s).to_string(), s)).collect::<Vec<_>>(),
        "checks": checks(c).into_iter().map(|ch| json!({ "text": ch.text, "ok": ch.ok })).collect::<Vec<_>>(),
        "teardown": {
            "kind": v.kind,
            "active_closer": v.active,
            "summary": v.summary,
            "truncated": c.teardown_cut,
            "segments": c.teardown.iter().map(|s| seg_json(c, td_step(s), s)).collect::<Vec<_>>(),
        },
        "data": { "client_to_server": dir_json(&c.dirs[0]), "server_to_client": dir_json(&c.dirs[1]) },
    })
}

/// The whole report as one JSON document, written one stream at a time:
/// `{"file", "frames", "tcp_streams": [...]}` and `"udp"` when given.
fn write_json(out: &mut impl Write, file: &str, scan: &Scan, udp: Option<Value>) -> io::Result<()> {
    let file = serde_json::to_string(file).unwrap_or_default();
    write!(out, "{{\n  \"file\": {file},\n  \"frames\": {},\n  \"tcp_streams\": [", scan.frames)?;
    for (i, c) in scan.tcp.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        let text = serde_json::to_string_pretty(&stream_json(c)).unwrap_or_default();
        out.write_all(text.replace('\n', "\n    ").as_bytes())?;
    }
    out.write_all(if scan.tcp.is_empty() { b"]" } else { b"\n  ]" })?;
    if let Some(u) = udp {
        let text = serde_json::to_string_pretty(&u).unwrap_or_default();
        write!(out, ",\n  \"udp\": {}", text.replace('\n', "\n  "))?;
    }
    out.write_all(b"\n}\n")
}
