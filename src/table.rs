//! Tables for the terminal and for lab reports: one data model, four renderings
//! (`--format table|markdown|csv|json`). Rendering is pure: it returns a string.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Table as Comfy, TableStyle};
use serde_json::{Map, Value};

/// How a table is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
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

/// A titled grid of strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and no rows.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        Table { headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
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
