//! Text wrapped to a width at spaces, for the terminal: table cells, the notes
//! under tables, and the sentences around them. Pure functions of text and width;
//! a word longer than the width stays whole (an address or a command is never split).

/// Columns a line of text takes: every character the tables print is one column
/// wide; ANSI colour sequences (`ESC [ … m`) take none.
pub fn text_width(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            n += 1;
        }
    }
    n
}

/// The widest line of `s`.
pub fn cell_width(s: &str) -> usize {
    s.lines().map(text_width).max().unwrap_or(0)
}

/// The longest word of `s`.
pub fn word_width(s: &str) -> usize {
    s.split_whitespace().map(text_width).max().unwrap_or(0)
}

/// `s` with each line wrapped at spaces to `width` columns (a longer word stays whole).
pub fn wrap(s: &str, width: usize) -> String {
    wrap_at(s, width, false)
}

/// [`wrap`]; with `colon`, a line that holds `KEY: text` (a table cell's
/// `RD = 1: recursion desired`) breaks after the colon when that fits.
pub fn wrap_at(s: &str, width: usize, colon: bool) -> String {
    let mut out = Vec::new();
    for line in s.split('\n') {
        let mut rest = line;
        while text_width(rest) > width {
            let colon = colon
                .then(|| rest.match_indices(": "))
                .into_iter()
                .flatten()
                .map(|(i, _)| i + 1)
                .filter(|&i| text_width(&rest[..i]) <= width && text_width(&rest[..i]) * 3 >= width)
                .last();
            let cut = colon.or_else(|| {
                let spaces = rest.match_indices(' ').map(|(i, _)| i).filter(|&i| i > 0);
                let fitting = spaces.clone().rfind(|&i| text_width(&rest[..i]) <= width);
                fitting.or_else(|| spaces.clone().next())
            });
            let Some(cut) = cut else { break };
            out.push(rest[..cut].trim_end().to_string());
            rest = rest[cut..].trim_start();
        }
        out.push(rest.to_string());
    }
    out.join("\n")
}

/// `text` with each line longer than `width` wrapped at spaces, continued at its
/// own indentation; the lines of terminal tables (they start with a box-drawing
/// character) are left as they are.
pub fn prose(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else { return text.to_string() };
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if text_width(line) <= width || line.starts_with(['┌', '│', '╞', '└', '|']) {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let wrapped = wrap(body, width.saturating_sub(indent.len()).max(1));
        out.push_str(&wrapped.split('\n').map(|l| format!("{indent}{l}")).collect::<Vec<_>>().join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), "a bb\nccc\ndddd");
        assert_eq!(wrap("/a/very/long/path x", 5), "/a/very/long/path\nx");
        assert_eq!(wrap_at(".... ...1 RD = 1: recursion desired", 20, true), ".... ...1 RD = 1:\nrecursion desired");
        assert_eq!(wrap_at("x: y", 80, true), "x: y");
    }

    #[test]
    fn prose_wraps_at_its_indentation_and_tables_stay() {
        let text = "  one two three four\n│ a very long table line │\nshort";
        assert_eq!(prose(text, Some(12)), "  one two\n  three four\n│ a very long table line │\nshort");
        assert_eq!(prose(text, None), text);
        assert_eq!(text_width("\x1b[31m✓\x1b[0m ok"), 4);
    }
}
