//! The DNS message explained field by field, as the lab report wants it: the
//! `Type | Key | Value` table (with the raw bytes and their meaning, FLAGS bit by
//! bit, compression pointers followed) and the hex dump with each field in its own
//! colour and a legend; for a query and its response, the checks a TA makes.
//!
//! Rendering is pure: a decoded message (a [`Partial`], so a malformed message shows
//! every field up to the fault, then the fault) plus a [`Style`] in, text out, in
//! four formats: a terminal table (ANSI colour optional), Markdown (the table and a
//! plain hex dump with field labels), a standalone HTML snippet with inline styles,
//! and JSON. `socklab dns decode` prints these; the sniffer's `-x` reuses
//! [`hex::segments`] and [`hex::FieldClass`] to colour DNS bytes.

pub mod check;
pub mod fields;
pub mod hex;
mod html;
mod json;

use crate::config::Settings;
use crate::proto::dns::Partial;
use crate::table::{Col, Format, Table};
use check::Check;
use fields::FieldRow;

/// The report formats of `socklab dns decode --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Box-drawn table and hex dump for the terminal.
    Table,
    /// GitHub-flavoured Markdown: the table and a hex dump with field labels.
    Markdown,
    /// A standalone HTML snippet with inline styles (keeps the colours).
    Html,
    /// One JSON object.
    Json,
}

/// How to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// The output format.
    pub format: ReportFormat,
    /// ANSI colours in the terminal table's hex dump (ignored by other formats).
    pub color: bool,
    /// Columns the terminal table may use (`None`: no limit; ignored by other formats).
    pub width: Option<usize>,
}

/// One message to explain: a title (`Query`, `Response`, or none), its bytes and
/// what decoding them gave.
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a> {
    /// Heading printed above the message, if any.
    pub title: Option<&'a str>,
    /// The message's bytes.
    pub bytes: &'a [u8],
    /// The decode of `bytes`.
    pub partial: &'a Partial,
}

/// Renders one or more messages, then the checks (empty when there are none).
pub fn render(messages: &[Shown<'_>], checks: &[Check], style: Style) -> String {
    match style.format {
        ReportFormat::Json => json::render(messages, checks),
        ReportFormat::Html => html::render(messages, checks),
        ReportFormat::Table | ReportFormat::Markdown => text(messages, checks, style),
    }
}

/// The terminal and Markdown renderings.
fn text(messages: &[Shown<'_>], checks: &[Check], style: Style) -> String {
    let md = style.format == ReportFormat::Markdown;
    let mut out = String::new();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if let Some(t) = m.title {
            out.push_str(&if md { format!("### {t}\n\n") } else { format!("{t} ({} bytes)\n", m.bytes.len()) });
        }
        let rows = fields::rows(m.bytes, m.partial);
        let settings = Settings { width: style.width, wide: false, color: false };
        out.push_str(&field_table(&rows, md).render_with(if md { Format::Markdown } else { Format::Table }, &settings));
        if let Some(e) = &m.partial.error {
            out.push_str(&format!("{}Malformed message: {e}\n", if md { "\n" } else { "" }));
        }
        out.push('\n');
        let segs = hex::segments(m.partial, m.bytes.len());
        if md {
            out.push_str("```text\n");
            out.push_str(&hex::labelled_dump(m.bytes, &rows, m.partial.error.as_ref()));
            out.push_str("```\n");
        } else if style.color {
            out.push_str(&hex::ansi_dump(m.bytes, &segs));
            out.push_str(&hex::ansi_legend(&segs));
        } else {
            out.push_str(&hex::labelled_dump(m.bytes, &rows, m.partial.error.as_ref()));
        }
    }
    if !checks.is_empty() {
        out.push_str(if md { "\n### Checks\n\n" } else { "\nChecks of the response against the query:\n" });
        for c in checks {
            out.push_str(&format!("{}{c}\n", if md { "- " } else { "" }));
        }
    }
    if md {
        out
    } else {
        crate::wrap::prose(&out, style.width)
    }
}

/// The `Type | Key | Value | Meaning` table; in Markdown, lines of a cell are
/// joined with `<br>`.
fn field_table(rows: &[FieldRow], md: bool) -> Table {
    let mut t = Table::with_cols([
        ("Type", Col::hide(0)),
        ("Key", Col::hide(0)),
        ("Value", Col::wrap(11)),
        ("Meaning", Col::wrap(24)),
    ]);
    for r in rows {
        let meaning = if md { r.meaning.join("<br>").replace('|', "\\|") } else { r.meaning.join("\n") };
        t.row([r.section.clone(), r.key.clone(), r.value_hex(), meaning]);
    }
    t
}
