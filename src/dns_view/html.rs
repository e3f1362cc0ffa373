//! The HTML rendering: a standalone snippet with inline styles only (it pastes into
//! a report or a page without a stylesheet): the field table with each key in its
//! field's colour, the colour-coded hex dump and the legend, then the checks.

use super::check::Check;
use super::fields;
use super::hex::{self, FieldClass, Segment, BYTES_PER_LINE};
use super::Shown;

const CELL: &str = "border:1px solid #999;padding:2px 6px;vertical-align:top;text-align:left";

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn swatch(class: FieldClass, text: &str) -> String {
    format!("<span style=\"background:{};color:#000\">{}</span>", class.css(), escape(text))
}

fn table(m: &Shown<'_>, segs: &[Segment]) -> String {
    let mut out = String::from("<table style=\"border-collapse:collapse;font-family:monospace;font-size:90%\">\n<tr>");
    for h in ["Type", "Key", "Value", "Meaning"] {
        out.push_str(&format!("<th style=\"{CELL};background:#eee\">{h}</th>"));
    }
    out.push_str("</tr>\n");
    for r in fields::rows(m.bytes, m.partial) {
        let bg = hex::class_at(segs, r.span.start).map_or("#fff", FieldClass::css);
        let meaning: Vec<String> = r.meaning.iter().map(|l| escape(l)).collect();
        out.push_str(&format!(
            "<tr><td style=\"{CELL}\">{}</td><td style=\"{CELL};background:{bg}\">{}</td><td style=\"{CELL}\">{}</td><td style=\"{CELL};white-space:pre\">{}</td></tr>\n",
            escape(&r.section),
            escape(&r.key),
            escape(&r.value_hex()),
            meaning.join("<br>")
        ));
    }
    out.push_str("</table>\n");
    out
}

fn dump(bytes: &[u8], segs: &[Segment]) -> String {
    let mut out = String::from("<pre style=\"font-family:monospace;line-height:1.5\">");
    for (line, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        let base = line * BYTES_PER_LINE;
        out.push_str(&format!("{base:04x}  "));
        for (i, &b) in chunk.iter().enumerate() {
            let class = hex::class_at(segs, base + i).unwrap_or(FieldClass::Undecoded);
            out.push_str(&swatch(class, &format!("{b:02x}")));
            if i + 1 < chunk.len() {
                // The gap takes the colour when both neighbours are the same field.
                let next = hex::class_at(segs, base + i + 1);
                out.push_str(&if next == Some(class) { swatch(class, " ") } else { " ".to_string() });
            }
        }
        out.push_str(&" ".repeat((BYTES_PER_LINE - chunk.len()) * 3 + 3));
        let text: String = chunk.iter().map(|&b| hex::ascii(b)).collect();
        out.push_str(&escape(&text));
        out.push('\n');
    }
    out.push_str("</pre>\n");
    out
}

fn legend(segs: &[Segment]) -> String {
    let items: Vec<String> = hex::classes_used(segs).iter().map(|c| swatch(*c, c.label())).collect();
    format!("<p style=\"font-family:monospace\">Legend: {}</p>\n", items.join(" "))
}

/// The whole report as one `<div>`.
pub fn render(messages: &[Shown<'_>], checks: &[Check]) -> String {
    let mut out = String::from("<div class=\"socklab-dns\">\n");
    for m in messages {
        if let Some(t) = m.title {
            out.push_str(&format!("<h3>{} ({} bytes)</h3>\n", escape(t), m.bytes.len()));
        }
        let segs = hex::segments(m.partial, m.bytes.len());
        out.push_str(&table(m, &segs));
        if let Some(e) = &m.partial.error {
            out.push_str(&format!(
                "<p style=\"color:#b00;font-family:monospace\">Malformed message: {}</p>\n",
                escape(&e.to_string())
            ));
        }
        out.push_str(&dump(m.bytes, &segs));
        out.push_str(&legend(&segs));
    }
    if !checks.is_empty() {
        out.push_str("<h3>Checks</h3>\n<ul style=\"font-family:monospace;list-style:none\">\n");
        for c in checks {
            let color = if c.ok { "#060" } else { "#b00" };
            out.push_str(&format!("<li style=\"color:{color}\">{}</li>\n", escape(&c.to_string())));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</div>\n");
    out
}
