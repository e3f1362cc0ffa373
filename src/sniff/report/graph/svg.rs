//! A graph as a standalone SVG image: axes with ticks and unit labels, a legend,
//! and each point as an element carrying its frame and values (`data-frame`,
//! `data-x`, `data-y`, `data-y2`; a `desc` per point of a line), so the image
//! can be checked against tshark.

use super::{Graph, Mark, Point};
use std::fmt::Write as _;

/// Image width.
pub const WIDTH: f64 = 960.0;
/// Image height.
pub const HEIGHT: f64 = 600.0;
/// Plot area: left, top, right, bottom edges.
const PLOT: (f64, f64, f64, f64) = (110.0, 60.0, 930.0, 520.0);
/// Ticks per axis.
const TICKS: usize = 5;

/// Escapes text for XML character data and attribute values.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A value range widened when empty so that it can be divided by.
fn range((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

/// A tick label: integers as they are, small numbers with six decimals at most.
pub fn tick(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The graph as SVG.
pub fn svg(g: &Graph) -> String {
    let (l, t, r, b) = PLOT;
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    s.push_str(concat!(
        "<style>.axis{stroke:#000}.grid{stroke:#ddd}.seg{stroke:#000;stroke-width:1.5}",
        ".retrans{stroke:#d00;stroke-width:2}.sack{stroke:#c0c;stroke-width:3;opacity:.6}",
        ".ack{fill:none;stroke:#a60}.win{fill:none;stroke:#090}.rtt,.flight{fill:#06c}",
        ".tput{fill:none;stroke:#06c}.title{font-size:15px;font-weight:bold}</style>\n"
    ));
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ =
        writeln!(s, r#"<text x="{}" y="30" class="title" text-anchor="middle">{}</text>"#, WIDTH / 2.0, xml(&g.title));
    let Some((xr, yr)) = g.bounds() else {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">nothing to plot</text>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        s.push_str("</svg>\n");
        return s;
    };
    let (xr, yr) = (range(xr), range(yr));
    let px = |x: f64| l + (x - xr.0) / (xr.1 - xr.0) * (r - l);
    let py = |y: f64| b - (y - yr.0) / (yr.1 - yr.0) * (b - t);
    axes(&mut s, g, xr, yr);
    for se in &g.series {
        if se.points.is_empty() {
            continue;
        }
        let _ = writeln!(s, r#"<g class="{}" data-series="{}">"#, se.class, xml(se.name));
        match se.mark {
            Mark::Step | Mark::Line => {
                let mut d = String::new();
                for (i, p) in se.points.iter().enumerate() {
                    let cmd = if i == 0 { 'M' } else { 'L' };
                    if se.mark == Mark::Step && i > 0 {
                        let _ = write!(d, "L {:.2} {:.2} ", px(p.x), py(se.points[i - 1].y));
                    }
                    let _ = write!(d, "{cmd} {:.2} {:.2} ", px(p.x), py(p.y));
                }
                let _ = writeln!(s, r#"<path d="{}" class="{}"/>"#, d.trim_end(), se.class);
                for p in &se.points {
                    let _ = writeln!(s, r#"<desc class="{}" {}/>"#, se.class, attrs(p));
                }
            }
            Mark::Bar => {
                for p in &se.points {
                    let (x, y1, y2) = (px(p.x), py(p.y), py(p.y2));
                    let _ = writeln!(
                        s,
                        r#"<line x1="{x:.2}" y1="{y1:.2}" x2="{x:.2}" y2="{y2:.2}" class="{}" {}/>"#,
                        se.class,
                        attrs(p)
                    );
                }
            }
            Mark::Dot => {
                for p in &se.points {
                    let _ = writeln!(
                        s,
                        r#"<circle cx="{:.2}" cy="{:.2}" r="2.5" class="{}" {}/>"#,
                        px(p.x),
                        py(p.y),
                        se.class,
                        attrs(p)
                    );
                }
            }
        }
        s.push_str("</g>\n");
    }
    legend(&mut s, g);
    s.push_str("</svg>\n");
    s
}

/// The data attributes of a point.
fn attrs(p: &Point) -> String {
    format!(r#"data-frame="{}" data-x="{}" data-y="{}" data-y2="{}""#, p.frame, p.x, p.y, p.y2)
}

fn axes(s: &mut String, g: &Graph, xr: (f64, f64), yr: (f64, f64)) {
    let (l, t, r, b) = PLOT;
    let _ = writeln!(s, r#"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" class="axis"/>"#);
    let _ = writeln!(s, r#"<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" class="axis"/>"#);
    for i in 0..=TICKS {
        let f = i as f64 / TICKS as f64;
        let (x, y) = (l + f * (r - l), b - f * (b - t));
        let _ = writeln!(s, r#"<line x1="{x:.2}" y1="{t}" x2="{x:.2}" y2="{b}" class="grid"/>"#);
        let _ = writeln!(s, r#"<line x1="{l}" y1="{y:.2}" x2="{r}" y2="{y:.2}" class="grid"/>"#);
        let _ = writeln!(
            s,
            r#"<text x="{x:.2}" y="{}" text-anchor="middle">{}</text>"#,
            b + 18.0,
            tick(xr.0 + f * (xr.1 - xr.0))
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{:.2}" text-anchor="end">{}</text>"#,
            l - 6.0,
            y + 4.0,
            tick(yr.0 + f * (yr.1 - yr.0))
        );
    }
    let _ =
        writeln!(s, r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#, (l + r) / 2.0, b + 42.0, xml(g.x_label));
    let _ = writeln!(
        s,
        r#"<text x="20" y="{0}" text-anchor="middle" transform="rotate(-90 20 {0})">{1}</text>"#,
        (t + b) / 2.0,
        xml(g.y_label)
    );
}

fn legend(s: &mut String, g: &Graph) {
    let (l, _, _, b) = PLOT;
    let mut x = l;
    for se in g.series.iter().filter(|se| !se.points.is_empty()) {
        let y = b + 66.0;
        let _ = writeln!(
            s,
            r#"<line x1="{x}" y1="{}" x2="{}" y2="{}" class="{}" stroke="currentColor"/>"#,
            y - 4.0,
            x + 18.0,
            y - 4.0,
            se.class
        );
        let _ = writeln!(s, r#"<text x="{}" y="{y}">{}</text>"#, x + 24.0, xml(se.name));
        x += 40.0 + 7.0 * se.name.len() as f64;
    }
}
