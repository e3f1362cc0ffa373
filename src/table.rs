//! Tables for the terminal and for lab reports: one data model, four renderings
//! (`--format table|markdown|csv|json`). Rendering is pure: it returns a string.
//!
//! A terminal table is fitted to a width given as data ([`Settings`]): headers are
//! abbreviated, a host common to every address is named once, a column with one
//! value in every row is named in a note, the least needed columns are hidden
//! (with a note), and text columns wrap at spaces ([`crate::wrap`]). A value is
//! never broken across lines. Markdown, CSV and JSON never depend on the width.

use crate::config::Settings;
use crate::wrap::{cell_width, word_width, wrap, wrap_at};
use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Table as Comfy, TableStyle};
use serde_json::{Map, Value};

/// How a table is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Box-drawn table for the terminal.
    Table,
    /// GitHub-flavoured Markdown, pastes into a lab report as is.
    Markdown,
    /// Comma-separated values (RFC 4180 quoting).
    Csv,
    /// A JSON array of objects keyed by the column headers.
    Json,
}

/// Which outputs show a column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// Every output.
    #[default]
    Always,
    /// The default (lab) view only: `--wide`, CSV and JSON show finer columns instead.
    Lab,
    /// Only `--wide`, CSV and JSON.
    Wide,
}

/// How a column behaves when a table is fitted to a width.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Col {
    /// Which outputs show it.
    pub show: Show,
    /// 0: never hidden; otherwise hidden when the table does not fit, highest first.
    pub hide: u8,
    /// A shorter header for narrow terminals.
    pub short: Option<&'static str>,
    /// Text that may wrap at spaces, down to this many columns (or its longest word).
    pub wrap: Option<usize>,
    /// Cells hold endpoints (`HOST:PORT`, `[V6]:PORT`, among words): when every one of
    /// them is on the same host, a narrow table shows only the ports.
    pub endpoints: bool,
}

impl Col {
    /// A column hidden, when the table does not fit, before those of lower `rank`.
    pub const fn hide(rank: u8) -> Col {
        Col { show: Show::Always, hide: rank, short: None, wrap: None, endpoints: false }
    }

    /// A text column that may wrap at spaces down to `min` columns.
    pub const fn wrap(min: usize) -> Col {
        Col { show: Show::Always, hide: 0, short: None, wrap: Some(min), endpoints: false }
    }

    /// The same column with a shorter header for narrow terminals.
    pub const fn short(mut self, header: &'static str) -> Col {
        self.short = Some(header);
        self
    }

    /// The same column, shown only by `show`.
    pub const fn only(mut self, show: Show) -> Col {
        self.show = show;
        self
    }

    /// The same column, holding endpoints.
    pub const fn endpoints(mut self) -> Col {
        self.endpoints = true;
        self
    }
}

/// A titled grid of strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
    /// How each column fits (as long as `headers`).
    pub cols: Vec<Col>,
}

/// A table ready to print: the columns an output shows, fitted to its width, and
/// the notes to print under it (columns hidden, the common host).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fitted {
    /// The table to render.
    pub table: Table,
    /// One line each.
    pub notes: Vec<String>,
}

impl Fitted {
    /// The notes, one line each (wrapped to `width`), for under the table.
    pub fn notes_text(&self, width: Option<usize>) -> String {
        self.notes.iter().map(|n| wrap(n, width.unwrap_or(usize::MAX)) + "\n").collect()
    }
}

/// Columns between and around cells of a terminal table with `n` columns:
/// `│ a ┆ b │` is one edge and three per column.
fn frame_width(n: usize) -> usize {
    1 + 3 * n
}

/// Punctuation around an endpoint in a sentence: `(`, `)`, `,`, `;`.
const AROUND: [char; 4] = ['(', ')', ',', ';'];

/// The endpoint a word of text is, if it is one.
fn endpoint(word: &str) -> Option<std::net::SocketAddr> {
    word.trim_matches(AROUND).parse().ok()
}

/// The one host of every endpoint in `cells`, if they share one (and there is one).
fn common_host<'a>(cells: impl Iterator<Item = &'a String>) -> Option<std::net::IpAddr> {
    let mut host = None;
    for word in cells.flat_map(|c| c.split_whitespace()) {
        let Some(ep) = endpoint(word) else { continue };
        match host {
            None => host = Some(ep.ip()),
            Some(h) if h != ep.ip() => return None,
            Some(_) => {}
        }
    }
    host
}

/// `cell` with every endpoint on `host` written as `:PORT`.
fn port_only(cell: &str, host: std::net::IpAddr) -> String {
    let lines: Vec<String> = cell
        .split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| match endpoint(w) {
                    Some(ep) if ep.ip() == host => w.replace(w.trim_matches(AROUND), &format!(":{}", ep.port())),
                    _ => w.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    lines.join("\n")
}

impl Table {
    /// A table with these column headers and no rows.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        Table { cols: vec![Col::default(); headers.len()], headers, rows: Vec::new() }
    }

    /// A table whose columns fit as given.
    pub fn with_cols<S: Into<String>>(cols: impl IntoIterator<Item = (S, Col)>) -> Table {
        let (headers, cols): (Vec<String>, Vec<Col>) = cols.into_iter().map(|(h, c)| (h.into(), c)).unzip();
        Table { headers, cols, rows: Vec::new() }
    }

    /// Sets how the column headed `header` fits (no effect when there is none).
    pub fn col(&mut self, header: &str, col: Col) -> &mut Self {
        if let Some(i) = self.headers.iter().position(|h| h == header) {
            self.cols[i] = col;
        }
        self
    }

    /// The columns whose index `keep` accepts.
    fn keep_columns(&self, keep: impl Fn(usize) -> bool) -> Table {
        let pick = |v: &Vec<String>| v.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, c)| c.clone()).collect();
        Table {
            headers: pick(&self.headers),
            rows: self.rows.iter().map(pick).collect(),
            cols: self.cols.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, c)| *c).collect(),
        }
    }

    /// The columns of the lab view (`wide`: of the `--wide` view, which CSV and JSON use).
    pub fn select(&self, wide: bool) -> Table {
        let unwanted = if wide { Show::Lab } else { Show::Wide };
        self.keep_columns(|i| self.cols.get(i).is_none_or(|c| c.show != unwanted))
    }

    /// The table `format` prints under `settings`: CSV and JSON every column,
    /// Markdown the lab's columns (all with `--wide`), a terminal table those
    /// fitted to the width (none with `--wide`, or without a width).
    pub fn prepare(&self, format: Format, settings: &Settings) -> Fitted {
        match format {
            Format::Csv | Format::Json => Fitted { table: self.select(true), notes: Vec::new() },
            Format::Markdown => Fitted { table: self.select(settings.wide), notes: Vec::new() },
            Format::Table => {
                let t = self.select(settings.wide);
                match settings.width {
                    Some(w) if !settings.wide => t.fit(w),
                    _ => Fitted { table: t, notes: Vec::new() },
                }
            }
        }
    }

    /// Renders as [`prepare`](Self::prepare) chooses, the notes under the table.
    pub fn render_with(&self, format: Format, settings: &Settings) -> String {
        let f = self.prepare(format, settings);
        f.table.render(format) + &f.notes_text(settings.width)
    }

    /// Each column's width as printed now.
    fn natural(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|i| {
                std::iter::once(&self.headers)
                    .chain(&self.rows)
                    .map(|r| r.get(i).map_or(0, |c| cell_width(c)))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Each column's narrowest width: headers wrapped at spaces, text columns at
    /// their wrap width or longest word, other cells whole.
    fn minimal(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|i| {
                let cells = self.rows.iter().filter_map(|r| r.get(i));
                let body = match self.cols.get(i).and_then(|c| c.wrap) {
                    Some(min) => {
                        let natural = cells.clone().map(|c| cell_width(c)).max().unwrap_or(0);
                        cells.map(|c| word_width(c)).max().unwrap_or(0).max(natural.min(min))
                    }
                    None => cells.map(|c| cell_width(c)).max().unwrap_or(0),
                };
                body.max(word_width(&self.headers[i]))
            })
            .collect()
    }

    /// Fits the table to `width` columns: shorter headers, then ports only for a
    /// common host, then columns with one value in every row named in a note, then
    /// the least needed columns hidden, then text wrapped at spaces.
    pub fn fit(&self, width: usize) -> Fitted {
        let total = |w: &[usize]| frame_width(w.len()) + w.iter().sum::<usize>();
        let mut t = self.clone();
        let mut names = t.headers.clone();
        let mut notes = Vec::new();
        if total(&t.natural()) <= width {
            return Fitted { table: t, notes };
        }
        for (h, c) in t.headers.iter_mut().zip(&t.cols) {
            if let Some(short) = c.short {
                *h = short.to_string();
            }
        }
        let ep_cols: Vec<usize> = (0..t.cols.len()).filter(|&i| t.cols[i].endpoints).collect();
        if total(&t.natural()) > width && !ep_cols.is_empty() {
            if let Some(host) = common_host(t.rows.iter().flat_map(|r| ep_cols.iter().filter_map(|&i| r.get(i)))) {
                for r in &mut t.rows {
                    for &i in &ep_cols {
                        if let Some(c) = r.get_mut(i) {
                            *c = port_only(c, host);
                        }
                    }
                }
                notes.push(format!("All addresses are on {host}; the table shows their ports."));
            }
        }
        let mut same = Vec::new();
        while total(&t.minimal()) > width && t.rows.len() > 1 {
            let uniform = (0..t.headers.len()).rev().find(|&i| t.rows.iter().all(|r| r.get(i) == t.rows[0].get(i)));
            let Some(i) = uniform else { break };
            let value = t.rows[0].get(i).cloned().unwrap_or_default();
            let name = names.remove(i);
            same.push(if value.is_empty() || value == "-" { format!("no {name}") } else { format!("{name} {value}") });
            t = t.keep_columns(|c| c != i);
        }
        if !same.is_empty() {
            same.reverse();
            notes.push(format!("Every row has {}.", same.join(", ")));
        }
        let mut hidden = Vec::new();
        while total(&t.minimal()) > width {
            let Some(victim) = (0..t.cols.len()).filter(|&i| t.cols[i].hide > 0).max_by_key(|&i| (t.cols[i].hide, i))
            else {
                break;
            };
            hidden.push(names.remove(victim));
            t = t.keep_columns(|i| i != victim);
        }
        let widths = t.widths(width);
        for (i, w) in widths.iter().enumerate() {
            t.headers[i] = wrap(&t.headers[i], *w);
            if t.cols[i].wrap.is_some() {
                for r in &mut t.rows {
                    if let Some(c) = r.get_mut(i) {
                        *c = wrap_at(c, *w, true);
                    }
                }
            }
        }
        if !hidden.is_empty() {
            let n = hidden.len();
            let (s, them) = if n == 1 { ("", "it") } else { ("s", "them") };
            notes.push(format!("{n} column{s} hidden ({}); --wide shows {them}", hidden.join(", ")));
        }
        Fitted { table: t, notes }
    }

    /// Column widths within `width`: each column's minimum, then the room left given
    /// first to the headers and whole-value columns, then to text columns from the right.
    fn widths(&self, width: usize) -> Vec<usize> {
        let natural = self.natural();
        let mut w = self.minimal();
        let mut room = width.saturating_sub(frame_width(w.len()) + w.iter().sum::<usize>());
        let text = |i: usize| self.cols.get(i).is_some_and(|c| c.wrap.is_some());
        let order = (0..w.len()).filter(|&i| !text(i)).chain((0..w.len()).rev().filter(|&i| text(i)));
        for i in order.collect::<Vec<_>>() {
            let add = natural[i].saturating_sub(w[i]).min(room);
            w[i] += add;
            room -= add;
        }
        w
    }

    /// Appends a row.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Renders the table in `format`, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.comfy(UTF8_FULL_CONDENSED),
            Format::Markdown => self.comfy(ASCII_MARKDOWN),
            Format::Csv => self.csv(),
            Format::Json => self.json(),
        }
    }

    fn comfy(&self, style: TableStyle) -> String {
        let mut t = Comfy::new();
        t.load_style(style).set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(&self.headers);
        for r in &self.rows {
            t.add_row(r);
        }
        let mut s = t.to_string();
        s.push('\n');
        s
    }

    fn csv(&self) -> String {
        let mut out = String::new();
        for line in std::iter::once(&self.headers).chain(&self.rows) {
            let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    fn json(&self) -> String {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let obj: Map<String, Value> =
                    self.headers.iter().cloned().zip(r.iter().map(|c| Value::String(c.clone()))).collect();
                Value::Object(obj)
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&Value::Array(rows)).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Quotes a CSV cell when it holds a comma, quote or line break (RFC 4180 §2).
fn csv_cell(c: &str) -> String {
    if c.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(["Service", "Port"]);
        t.row(["HTTP", "80"]).row(["a,b", "say \"hi\""]);
        t
    }

    /// A table of `n` rows: a value column never hidden, an endpoint column, a
    /// hideable number and a text column.
    fn lab(rows: usize, host: &str) -> Table {
        let mut t = Table::with_cols([
            ("Step", Col::hide(0)),
            ("Sender", Col::hide(0).endpoints()),
            ("Sequence number", Col::hide(2).short("Seq")),
            ("Raw", Col::hide(0).only(Show::Wide)),
            ("Note", Col::wrap(8)),
        ]);
        for i in 0..rows {
            t.row([
                "SYN-ACK".to_string(),
                format!("{host}:{}", 40000 + i),
                (1_000_000 + i).to_string(),
                "raw".to_string(),
                "the server accepted the connection".to_string(),
            ]);
        }
        t
    }

    fn widest(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn a_table_that_fits_is_left_as_it_is() {
        let t = lab(2, "10.0.0.1").select(false);
        let f = t.fit(200);
        assert_eq!(f, Fitted { table: t, notes: Vec::new() });
    }

    #[test]
    fn fitting_shortens_headers_names_the_common_host_then_wraps_text() {
        let f = lab(2, "127.0.0.1").select(false).fit(60);
        let text = f.table.render(Format::Table);
        assert!(widest(&text) <= 60, "{text}");
        assert_eq!(f.table.headers[2], "Seq");
        assert_eq!(f.table.rows[0][1], ":40000");
        assert_eq!(f.notes, ["All addresses are on 127.0.0.1; the table shows their ports."]);
        assert!(f.table.rows[0][3].contains('\n'), "the note wraps: {text}");
        assert!(text.contains("SYN-ACK") && text.contains("1000001"), "values stay whole: {text}");
    }

    #[test]
    fn fitting_hides_columns_with_a_note_only_when_needed() {
        let f = lab(1, "10.0.0.1").select(false);
        let mut t = f.clone();
        t.rows[0][1] = "[2001:db8::1]:40000".to_string();
        t.rows.push(vec!["ACK".into(), "10.0.0.2:80".into(), "1".into(), "tcp".into()]);
        let fitted = t.fit(48);
        assert_eq!(fitted.table.headers, ["Step", "Sender", "Note"]);
        assert_eq!(fitted.notes, ["1 column hidden (Sequence number); --wide shows it"]);
        assert_eq!(fitted.table.rows[1][1], "10.0.0.2:80", "hosts differ: addresses stay whole");
        assert!(widest(&fitted.table.render(Format::Table)) <= 48);
    }

    #[test]
    fn a_column_with_one_value_is_named_in_a_note_before_others_are_hidden() {
        let mut t = Table::with_cols([
            ("Proto", Col::hide(0)),
            ("Address", Col::hide(0)),
            ("Bytes", Col::hide(1)),
            ("Completeness", Col::hide(0)),
        ]);
        t.row(["UDP", "[fe80::68d3:1235:d068:1f9e]:6697", "902", "-"]);
        t.row(["UDP", "[fe80::3428:af91:251:d626]:6697", "620", "-"]);
        let f = t.fit(48);
        assert_eq!(f.table.headers, ["Address", "Bytes"]);
        assert_eq!(f.notes, ["Every row has Proto UDP, no Completeness."]);
    }

    #[test]
    fn outputs_choose_their_columns() {
        let t = lab(1, "10.0.0.1");
        let narrow = Settings { width: Some(30), wide: false, color: false };
        let wide = Settings { width: Some(30), wide: true, color: false };
        assert_eq!(t.prepare(Format::Csv, &narrow).table.headers.len(), 5);
        assert_eq!(t.prepare(Format::Json, &narrow).table, t.select(true));
        assert_eq!(t.prepare(Format::Markdown, &narrow).table, t.select(false));
        assert_eq!(t.prepare(Format::Markdown, &wide).table.headers.len(), 5);
        assert_eq!(t.prepare(Format::Table, &wide), Fitted { table: t.clone(), notes: Vec::new() });
        let unlimited = Settings { width: None, wide: false, color: false };
        assert_eq!(t.prepare(Format::Table, &unlimited).table, t.select(false));
    }

    #[test]
    fn endpoints_in_sentences_share_their_host() {
        let cells =
            ["handshake 1/3: client 127.0.0.1:5 → server 127.0.0.1:80 (SYN)".to_string(), "(127.0.0.1:6),".to_string()];
        assert_eq!(common_host(cells.iter()), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(port_only(&cells[1], "127.0.0.1".parse().unwrap()), "(:6),");
        let mixed = ["10.0.0.1:5 → 10.0.0.2:80".to_string()];
        assert_eq!(common_host(mixed.iter()), None);
        assert_eq!(common_host(["no address: 12".to_string()].iter()), None);
    }

    #[test]
    fn markdown_has_header_separator() {
        let md = sample().render(Format::Markdown);
        let lines: Vec<&str> = md.lines().collect();
        assert!(lines[0].contains("Service") && lines[0].starts_with('|'));
        assert!(lines[1].starts_with("|-"));
        assert!(lines[2].contains("HTTP"));
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        assert_eq!(sample().render(Format::Csv), "Service,Port\nHTTP,80\n\"a,b\",\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn json_keys_by_header() {
        let v: Value = serde_json::from_str(&sample().render(Format::Json)).unwrap();
        assert_eq!(v[0]["Service"], "HTTP");
        assert_eq!(v[1]["Port"], "say \"hi\"");
    }
}
