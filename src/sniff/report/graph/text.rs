//! A graph drawn with characters for the terminal: one glyph per series, the
//! axes' ranges and units written around the plot, fitting the given width.

use super::{Graph, Mark};
use crate::sniff::render::ansi;
use std::fmt::Write as _;

/// Width when the output is not a terminal and no width was given.
pub const DEFAULT_WIDTH: usize = 80;
/// Rows of the plot area.
pub const ROWS: usize = 20;
/// Columns left of the plot for the y labels.
const MARGIN: usize = 12;
/// Narrowest plot area.
const MIN_COLS: usize = 20;

/// Colours of the series' glyphs, in series order.
const COLOURS: [&str; 5] = ["\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[0m", "\x1b[31m"];

/// The graph drawn in at most `width` columns (`color`: ANSI colours per series).
pub fn text(g: &Graph, width: usize, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", g.title);
    let Some(((x0, x1), (y0, y1))) = g.bounds() else {
        out.push_str("nothing to plot\n");
        return out;
    };
    let cols = width.saturating_sub(MARGIN + 2).max(MIN_COLS);
    let xs = if x1 > x0 { x1 - x0 } else { 1.0 };
    let ys = if y1 > y0 { y1 - y0 } else { 1.0 };
    let col = |x: f64| (((x - x0) / xs) * (cols - 1) as f64).round() as usize;
    let row = |y: f64| ROWS - 1 - (((y - y0) / ys) * (ROWS - 1) as f64).round() as usize;
    let mut grid = vec![vec![(' ', 0usize); cols]; ROWS];
    for (si, se) in g.series.iter().enumerate() {
        for (i, p) in se.points.iter().enumerate() {
            let c = col(p.x).min(cols - 1);
            let (top, bottom) = (row(p.y2.max(p.y)), row(p.y.min(p.y2)));
            for cell in grid.iter_mut().take(bottom.min(ROWS - 1) + 1).skip(top) {
                cell[c] = (se.glyph, si);
            }
            if se.mark == Mark::Step {
                if let Some(next) = se.points.get(i + 1) {
                    let r = row(p.y).min(ROWS - 1);
                    for cell in grid[r].iter_mut().take(col(next.x).min(cols - 1)).skip(c + 1) {
                        if cell.0 == ' ' {
                            *cell = (se.glyph, si);
                        }
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "{}", g.y_label);
    for (r, line) in grid.iter().enumerate() {
        let label = match r {
            0 => super::svg::tick(y1),
            _ if r == ROWS - 1 => super::svg::tick(y0),
            _ => String::new(),
        };
        let _ = write!(out, "{label:>w$} |", w = MARGIN - 1);
        for &(ch, si) in line {
            if color && ch != ' ' {
                let _ = write!(out, "{}{ch}{}", COLOURS[si % COLOURS.len()], ansi::RESET);
            } else {
                out.push(ch);
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{:>w$} +{}", "", "-".repeat(cols), w = MARGIN - 1);
    let (lo, hi) = (super::svg::tick(x0), super::svg::tick(x1));
    let _ = writeln!(out, "{:>w$}  {lo}{hi:>r$}", "", w = MARGIN - 1, r = cols.saturating_sub(lo.len()));
    let _ = writeln!(out, "{:>w$}  {}", "", g.x_label, w = MARGIN - 1);
    let key: Vec<String> =
        g.series.iter().filter(|s| !s.points.is_empty()).map(|s| format!("{} {}", s.glyph, s.name)).collect();
    let _ = writeln!(out, "Key: {}", key.join(", "));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::report::graph::{Point, Series};

    fn graph(points: Vec<Point>) -> Graph {
        Graph {
            title: "t".to_string(),
            x_label: "Time (s)",
            y_label: "Bytes",
            series: vec![Series { name: "win", class: "win", glyph: '~', mark: Mark::Step, points }],
            y_from_zero: true,
        }
    }

    #[test]
    fn nothing_to_plot_is_said() {
        assert_eq!(text(&graph(Vec::new()), 80, false), "t\nnothing to plot\n");
    }

    #[test]
    fn a_step_line_holds_its_level_and_fits_the_width() {
        let p = |frame, x, y| Point { frame, x, y, y2: y };
        let t = text(&graph(vec![p(1, 0.0, 100.0), p(2, 1.0, 50.0)]), 40, false);
        assert!(t.lines().all(|l| l.chars().count() <= 40), "{t}");
        let top = t.lines().nth(2).unwrap();
        assert!(top.starts_with("        100 |~~~"), "{t}");
        assert!(t.contains("Key: ~ win"), "{t}");
        assert!(t.contains("Time (s)"));
    }
}
