//! DNS colouring of the `-x` dump: each byte of a DNS message in its field's
//! colour (the same palette as `socklab dns decode`), then a legend.

use crate::dns_view::hex::{ansi_legend, segments, Segment};
use crate::proto::dns;
use crate::sniff::app::App;
use std::io::{self, Write};

/// The colour (ANSI SGR parameters) of every byte of the frame that belongs to
/// a DNS message lying wholly in it, and the legend lines; None when the frame
/// has no such message.
pub fn dns_colours(app: &App, data: &[u8]) -> Option<(Vec<Option<&'static str>>, String)> {
    let App::Dns(msgs) = app else { return None };
    let mut colours = vec![None; data.len()];
    let mut legend = String::new();
    for m in msgs {
        let Some(start) = m.offset else { continue };
        let Some(bytes) = data.get(start..start.saturating_add(m.len)) else { continue };
        let segs: Vec<Segment> = segments(&dns::decode_partial(bytes), bytes.len());
        for s in &segs {
            for c in colours.iter_mut().skip(start + s.span.start).take(s.span.len) {
                *c = Some(s.class.ansi());
            }
        }
        legend.push_str(&ansi_legend(&segs));
    }
    (!legend.is_empty()).then_some((colours, legend))
}

/// Writes the dump of `data` as [`crate::sniff::render::hex::dump`] does, each
/// byte with a colour wrapped in its escape codes, then the legend.
pub fn dump(out: &mut impl Write, data: &[u8], colours: &[Option<&'static str>], legend: &str) -> io::Result<()> {
    for (n, chunk) in data.chunks(16).enumerate() {
        let base = n * 16;
        write!(out, "{base:04x}  ")?;
        for (i, &b) in chunk.iter().enumerate() {
            if i > 0 {
                out.write_all(b" ")?;
            }
            match colours.get(base + i).copied().flatten() {
                Some(c) => write!(out, "\x1b[{c}m{b:02x}\x1b[0m")?,
                None => write!(out, "{b:02x}")?,
            }
        }
        write!(out, "{}   ", " ".repeat((16 - chunk.len()) * 3))?;
        for (i, &b) in chunk.iter().enumerate() {
            let ch = if b.is_ascii_graphic() || b == b' ' { char::from(b) } else { '.' };
            match colours.get(base + i).copied().flatten() {
                Some(c) => write!(out, "\x1b[{c}m{ch}\x1b[0m")?,
                None => write!(out, "{ch}")?,
            }
        }
        out.write_all(b"\n")?;
    }
    out.write_all(legend.as_bytes())
}
