//! The lab views of the page, each the output of the module that renders it
//! for the CLI: a TCP stream's ladder ([`flow::svg`]), handshake and teardown
//! tables and checks ([`handshake`]), the close's verdict ([`teardown`]), the
//! time-sequence graph ([`graph::svg`]), its payload followed
//! ([`crate::sniff::report::follow`]); a DNS message's colour-coded tables
//! ([`dns_view`]); an HTTP message's start line and links; the worksheet.

use super::encode::base64;
use crate::dns_view::{self, ReportFormat, Shown};
use crate::proto::dns::decode_partial;
use crate::sniff::app::App;
use crate::sniff::fields::FieldId;
use crate::sniff::packet::Packet;
use crate::sniff::report::follow::Followed;
use crate::sniff::report::graph::{self, data::Sack};
use crate::sniff::report::{addr, flow, handshake, teardown, TcpConv};
use crate::sniff::value::FieldSource;
use crate::table::{Format, Table};
use serde_json::{json, Value as Json};

/// An SVG to inline in the page: without its XML declaration.
fn inline_svg(svg: &str) -> String {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, body)| body).trim_start().to_string(),
        None => svg.to_string(),
    }
}

/// A table as `{"headers": [...], "rows": [[...]]}`, from its JSON rendering.
fn table(t: &Table) -> Json {
    let objects: Vec<serde_json::Map<String, Json>> = serde_json::from_str(&t.render(Format::Json)).unwrap_or_default();
    let headers: Vec<String> = objects.first().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let rows: Vec<Vec<Json>> = objects.into_iter().map(|o| o.into_iter().map(|(_, v)| v).collect()).collect();
    json!({ "headers": headers, "rows": rows })
}

/// Most payload bytes of a stream the page's Follow view holds.
pub const MAX_FOLLOW: usize = 64 * 1024;

/// A followed stream ([`follow::tcp`]): its chunks in order as `[node 1 sent
/// it, base64 bytes]`, at most [`MAX_FOLLOW`] bytes (`cut`: the bytes left out),
/// and the bytes never captured (`missing`).
fn followed(f: &Followed) -> Json {
    let (mut room, mut cut) = (MAX_FOLLOW, 0);
    let mut chunks = Vec::new();
    for c in &f.chunks {
        let take = c.data.len().min(room);
        room -= take;
        cut += c.data.len() - take;
        if take > 0 {
            chunks.push(json!([c.node1, base64(&c.data[..take])]));
        }
    }
    json!({ "chunks": chunks, "cut": cut, "missing": f.missing })
}

/// One TCP stream's views (`sacks`: its SACK blocks, for the graph; `f`: its
/// payload, followed).
pub fn stream(c: &TcpConv, sacks: &[Sack], f: &Followed) -> Json {
    let checks: Vec<Json> = handshake::checks(c).into_iter().map(|k| json!({ "text": k.text, "ok": k.ok })).collect();
    let tseq = graph::data::graph(c, graph::data::Kind::Tseq, sacks);
    json!({
        "index": c.index,
        "client": addr(&c.client),
        "server": addr(&c.server),
        "ladder": inline_svg(&flow::svg(std::slice::from_ref(c), &[])),
        "handshake": table(&handshake::handshake_table(c)),
        "teardown": table(&handshake::teardown_table(c)),
        "checks": checks,
        "close": teardown::classify(c),
        "graph": inline_svg(&graph::svg::svg(&tseq)),
        "follow": followed(f),
    })
}

/// The DNS messages of `p`, each as the HTML of `socklab dns decode --format html`.
pub fn dns(p: &Packet<'_>) -> Vec<Json> {
    let App::Dns(msgs) = &p.app else { return Vec::new() };
    let style = dns_view::Style { format: ReportFormat::Html, color: false, width: None };
    msgs.iter()
        .filter_map(|m| {
            let at = m.offset?;
            let bytes = p.data.get(at..at + m.len)?;
            let partial = decode_partial(bytes);
            let title = if m.message.header.flags.qr { "Response" } else { "Query" };
            let shown = [Shown { title: Some(title), bytes, partial: &partial }];
            Some(json!({ "frame": p.number, "title": title, "html": dns_view::render(&shown, &[], style) }))
        })
        .collect()
}

/// The first value of `id` in `p`, as text.
fn first(p: &Packet<'_>, name: &str) -> Option<String> {
    let id = FieldId::from_name(name)?;
    let mut v = Vec::new();
    p.values(id, &mut v);
    v.first().map(ToString::to_string)
}

/// An HTTP request or response in `p` and the frame of its partner
/// (`http.response_in`, `http.request_in`); the page shows the row's Info.
pub fn http(p: &Packet<'_>) -> Option<Json> {
    let App::Http(_) = &p.app else { return None };
    let request = first(p, "http.request.method").is_some();
    let partner = if request { first(p, "http.response_in") } else { first(p, "http.request_in") };
    Some(json!({
        "frame": p.number,
        "request": request,
        "partner": partner.and_then(|f| f.parse::<u32>().ok()),
        "stream": p.tcp.map(|t| t.stream),
    }))
}
