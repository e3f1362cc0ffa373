//! The reports' table writer: a fast path for the terminal and Markdown tables.

/// Renders a table in the terminal (box-drawn) or Markdown format the way
/// [`Table::render`](crate::table::Table::render) does, without its general layout
/// engine: the report prints one small table per stream, thousands on a big
/// capture. Column width is the widest cell in characters; cells are left-aligned
/// with one space of padding. Other formats go to `Table::render`.
pub fn fast_table(t: &crate::table::Table, format: crate::table::Format) -> String {
    use crate::table::Format;
    if std::iter::once(&t.headers).chain(&t.rows).flatten().any(|c| c.contains('\n')) {
        return t.render(format);
    }
    let widths: Vec<usize> = (0..t.headers.len())
        .map(|i| {
            std::iter::once(&t.headers)
                .chain(&t.rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String], edge: (&str, &str, &str)| {
        out.push_str(edge.0);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push_str(edge.1);
            }
            let c = cells.get(i).map_or("", String::as_str);
            out.push(' ');
            out.push_str(c);
            out.extend(std::iter::repeat_n(' ', w - c.chars().count() + 1));
        }
        out.push_str(edge.2);
        out.push('\n');
    };
    let rule = |out: &mut String, parts: (&str, &str, &str, char)| {
        out.push_str(parts.0);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push_str(parts.1);
            }
            out.extend(std::iter::repeat_n(parts.3, w + 2));
        }
        out.push_str(parts.2);
        out.push('\n');
    };
    match format {
        Format::Table => {
            rule(&mut out, ("┌", "┬", "┐", '─'));
            line(&mut out, &t.headers, ("│", "┆", "│"));
            rule(&mut out, ("╞", "╪", "╡", '═'));
            for r in &t.rows {
                line(&mut out, r, ("│", "┆", "│"));
            }
            rule(&mut out, ("└", "┴", "┘", '─'));
        }
        Format::Markdown => {
            line(&mut out, &t.headers, ("|", "|", "|"));
            rule(&mut out, ("|", "|", "|", '-'));
            for r in &t.rows {
                line(&mut out, r, ("|", "|", "|"));
            }
        }
        other => return t.render(other),
    }
    out
}

/// `t` as [`Table::prepare`](crate::table::Table::prepare) chooses for `format` and
/// `settings`, rendered by [`fast_table`], with its notes under it.
pub fn table_text(t: &crate::table::Table, format: crate::table::Format, settings: &crate::config::Settings) -> String {
    let f = t.prepare(format, settings);
    fast_table(&f.table, format) + &f.notes_text(settings.width)
}
