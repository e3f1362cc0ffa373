//! Rendering a frame's field map: a hex dump with every field in its own colour
//! and a legend (field → colour → value), for the terminal (ANSI), Markdown (a
//! table of every field, as Markdown has no colour), HTML (inline styles) and
//! LaTeX (`\colorbox` from xcolor). Pure: bytes and fields in, text out.

use super::Field;
use crate::dns_view::fields::{hex_bytes, MAX_SHOWN_BYTES};
use crate::dns_view::hex::{ascii, BYTES_PER_LINE};

/// Light background colours cycled over the leaf fields (dark text stays legible).
const PALETTE: [&str; 12] = [
    "aecbfa", "e3b7f5", "a8e6e2", "b7e4b0", "f6e3a1", "c5cae9", "fff59d", "ffab91", "80deea", "f8bbd0", "c5e1a5",
    "ffcc80",
];
/// The colour of gaps (options, payload, padding, unparsed).
const GAP: &str = "e0e0e0";
/// ANSI reset.
const RESET: &str = "\x1b[0m";

/// The colour of field number `i` as six hex digits.
pub fn colour(fields: &[Field], i: usize) -> &'static str {
    if fields[i].gap {
        GAP
    } else {
        let leaf = fields[..i].iter().filter(|f| !f.gap).count();
        PALETTE[leaf % PALETTE.len()]
    }
}

/// The field's bytes as hex, cut after [`MAX_SHOWN_BYTES`].
pub fn value(data: &[u8], f: &Field) -> String {
    let bytes = &data[f.offset..f.end()];
    let mut s = hex_bytes(&bytes[..bytes.len().min(MAX_SHOWN_BYTES)]);
    if bytes.len() > MAX_SHOWN_BYTES {
        s.push_str(&format!(" … ({} bytes)", bytes.len()));
    }
    s
}

/// The pieces of one dump line: (field index, first offset, offset past the end).
fn pieces(fields: &[Field], from: usize, to: usize) -> Vec<(usize, usize, usize)> {
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.offset < to && f.end() > from)
        .map(|(i, f)| (i, f.offset.max(from), f.end().min(to)))
        .collect()
}

fn rgb(hex: &str) -> (u8, u8, u8) {
    let c = |r: std::ops::Range<usize>| u8::from_str_radix(&hex[r], 16).unwrap_or(0);
    (c(0..2), c(2..4), c(4..6))
}

fn ansi(hex: &str) -> String {
    let (r, g, b) = rgb(hex);
    format!("\x1b[48;2;{r};{g};{b}m\x1b[38;2;0;0;0m")
}

/// A field's value cut to `room` columns (whole bytes, then `…`), as the
/// legend shows it on a terminal of limited width; at least one byte is shown.
/// Narrowest Value column the legend shows (a byte, `…` and a count).
const MIN_VALUE_ROOM: usize = 16;

fn value_within(data: &[u8], f: &Field, room: Option<usize>) -> String {
    let full = value(data, f);
    let Some(room) = room else { return full };
    if full.chars().count() <= room {
        return full;
    }
    let bytes = &data[f.offset..f.end()];
    let tail = format!(" … ({} bytes)", bytes.len());
    let shown = (room.saturating_sub(tail.chars().count()) + 1) / 3;
    format!("{}{tail}", hex_bytes(&bytes[..shown.clamp(1, bytes.len())]))
}

/// The terminal dump (16 bytes a line, ANSI backgrounds when `color`, else `|`
/// between fields) and legend; the legend's values are cut to fit `width`.
pub fn terminal(data: &[u8], fields: &[Field], color: bool, width: Option<usize>) -> String {
    let mut out = String::new();
    for start in (0..data.len()).step_by(BYTES_PER_LINE) {
        let end = (start + BYTES_PER_LINE).min(data.len());
        out.push_str(&format!("{start:04x}  "));
        let mut text = String::new();
        for (i, a, b) in pieces(fields, start, end) {
            let hex = hex_bytes(&data[a..b]);
            let asc: String = data[a..b].iter().map(|&x| ascii(x)).collect();
            // Without colour, a `|` between two fields shows where each begins.
            let sep = match (b < end, color) {
                (false, _) => "",
                (true, true) => " ",
                (true, false) => "|",
            };
            if color {
                let on = ansi(colour(fields, i));
                out.push_str(&format!("{on}{hex}{RESET}{sep}"));
                text.push_str(&format!("{on}{asc}{RESET}"));
            } else {
                out.push_str(&format!("{hex}{sep}"));
                text.push_str(&asc);
            }
        }
        out.push_str(&" ".repeat((BYTES_PER_LINE - (end - start)) * 3));
        out.push_str(&format!("  {text}\n"));
    }
    out.push('\n');
    let layer_w = fields.iter().map(|f| f.layer.chars().count()).max().unwrap_or(0).max(5);
    let name_w = fields.iter().map(|f| f.name.chars().count()).max().unwrap_or(0).max(5);
    // #, swatch, layer, field, offset and length, with their separating spaces.
    let fixed = 3 + 2 + 4 + 2 + layer_w + 2 + name_w + 2 + 6 + 2 + 4 + 2;
    let room = width.map(|w| w.saturating_sub(fixed));
    // Too narrow for even a byte and its count: the dump above shows the bytes.
    let show_value = room.is_none_or(|r| r >= MIN_VALUE_ROOM);
    let header = format!(
        "{:>3}  {:<4}  {:<layer_w$}  {:<name_w$}  {:>6}  {:>4}  {}",
        "#",
        "",
        "Layer",
        "Field",
        "Offset",
        "Len",
        if show_value { "Value" } else { "" }
    );
    out.push_str(header.trim_end());
    out.push('\n');
    for (i, f) in fields.iter().enumerate() {
        let swatch = if color { format!("{}    {RESET}", ansi(colour(fields, i))) } else { "    ".to_string() };
        let value = if show_value { value_within(data, f, room) } else { String::new() };
        let row = format!(
            "{:>3}  {swatch}  {:<layer_w$}  {:<name_w$}  {:>6}  {:>4}  {value}",
            i + 1,
            f.layer,
            f.name,
            f.offset,
            f.len,
        );
        out.push_str(row.trim_end());
        out.push('\n');
    }
    if !show_value {
        let note = "(Value column hidden at this width: the dump above shows each field's bytes; \
                    --format markdown lists them)";
        out.push_str(&crate::wrap::prose(note, width));
        out.push('\n');
    }
    out
}

/// A Markdown table of every field with all its bytes (the legend is the table:
/// Markdown has no colour).
pub fn markdown(data: &[u8], fields: &[Field]) -> String {
    let mut out = format!("Frame of {} bytes, {} fields.\n\n", data.len(), fields.len());
    out.push_str("| # | Offset | Len | Bytes | Layer | Field |\n|--:|--:|--:|---|---|---|\n");
    for (i, f) in fields.iter().enumerate() {
        let name = if f.gap { format!("*{}*", f.name) } else { format!("`{}`", f.name) };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            i + 1,
            f.offset,
            f.len,
            hex_bytes(&data[f.offset..f.end()]),
            f.layer,
            name.replace('|', "\\|")
        ));
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An HTML snippet: the dump with inline background colours, then a legend table.
pub fn html(data: &[u8], fields: &[Field]) -> String {
    let mut out = String::from("<div class=\"socklab-hex\">\n<pre style=\"font-family:monospace\">");
    for start in (0..data.len()).step_by(BYTES_PER_LINE) {
        let end = (start + BYTES_PER_LINE).min(data.len());
        out.push_str(&format!("{start:04x}  "));
        let mut text = String::new();
        for (i, a, b) in pieces(fields, start, end) {
            let style = format!("background:#{}", colour(fields, i));
            let title = html_escape(&fields[i].name);
            out.push_str(&format!("<span style=\"{style}\" title=\"{title}\">{}</span>", hex_bytes(&data[a..b])));
            if b < end {
                out.push(' ');
            }
            let asc: String = data[a..b].iter().map(|&x| ascii(x)).collect();
            text.push_str(&format!("<span style=\"{style}\">{}</span>", html_escape(&asc)));
        }
        out.push_str(&" ".repeat((BYTES_PER_LINE - (end - start)) * 3));
        out.push_str(&format!("  {text}\n"));
    }
    out.push_str("</pre>\n<table>\n<tr><th>#</th><th>Colour</th><th>Layer</th><th>Field</th><th>Offset</th><th>Len</th><th>Value</th></tr>\n");
    for (i, f) in fields.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td>{}</td><td style=\"background:#{}\">&#160;&#160;&#160;&#160;</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            i + 1,
            colour(fields, i),
            html_escape(f.layer),
            html_escape(&f.name),
            f.offset,
            f.len,
            html_escape(&value(data, f))
        ));
    }
    out.push_str("</table>\n</div>\n");
    out
}

fn latex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '…' => out.push_str("\\ldots{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A LaTeX fragment (needs `\usepackage{xcolor}`): each byte in a `\colorbox` of
/// its field's colour, then a legend `tabular`.
pub fn latex(data: &[u8], fields: &[Field]) -> String {
    let mut out = String::from(
        "% socklab hex: needs \\usepackage{xcolor} in the preamble\n\\begin{flushleft}\n\\setlength{\\fboxsep}{1pt}\n",
    );
    for start in (0..data.len()).step_by(BYTES_PER_LINE) {
        let end = (start + BYTES_PER_LINE).min(data.len());
        out.push_str(&format!("\\texttt{{{start:04x}}}~"));
        for (i, a, b) in pieces(fields, start, end) {
            let c = colour(fields, i).to_uppercase();
            for (k, x) in data[a..b].iter().enumerate() {
                // A thin space between bytes; none before a line's first byte.
                let sep = if a + k > start { "\\," } else { "" };
                out.push_str(&format!("{sep}\\colorbox[HTML]{{{c}}}{{\\texttt{{{x:02x}}}}}"));
            }
        }
        out.push_str("\\\\\n");
    }
    out.push_str("\\end{flushleft}\n\\begin{tabular}{rlllrrl}\n\\# & Colour & Layer & Field & Offset & Len & Value \\\\\n\\hline\n");
    for (i, f) in fields.iter().enumerate() {
        out.push_str(&format!(
            "{} & \\colorbox[HTML]{{{}}}{{\\strut\\hspace{{1em}}}} & {} & \\texttt{{{}}} & {} & {} & \\texttt{{{}}} \\\\\n",
            i + 1,
            colour(fields, i).to_uppercase(),
            latex_escape(f.layer),
            latex_escape(&f.name),
            f.offset,
            f.len,
            latex_escape(&value(data, f))
        ));
    }
    out.push_str("\\end{tabular}\n");
    out
}
