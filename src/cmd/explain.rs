//! `socklab explain [TOPIC]`: one topic's explanation, or the list of topics.
//! The text is in [`crate::teach::explain`].

use crate::cli::ExplainArgs;
use crate::error::{Error, Result};
use crate::teach::explain;
use crate::teach::report::TextFormat;
use std::io::{self, Write};

/// Runs `socklab explain`.
pub fn run(a: &ExplainArgs) -> Result<()> {
    let text = match &a.topic {
        None => explain::render_list(a.format),
        Some(name) => match explain::find(name) {
            Some(t) => explain::render(t, a.format, a.format == TextFormat::Text && crate::config::color(a.color)),
            None => {
                return Err(Error::usage(format!(
                    "no topic '{name}'; nearest: {} (socklab explain lists every topic)",
                    explain::nearest(name).join(", ")
                )))
            }
        },
    };
    let mut o = io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("writing the output", e)),
        _ => Ok(()),
    }
}
