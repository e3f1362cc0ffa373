//! `socklab hex FILE --frame N`: one frame of a capture with every field of every
//! layer in its own colour and a legend ([`crate::sniff::hexmap`]).

use crate::cli::{FitArgs, HexArgs, HexFormat};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::net::dns_decode::with_frame;
use crate::sniff::hexmap::{map_frame, render};
use std::io::{self, Write};

/// `socklab hex`.
pub fn run(a: &HexArgs) -> Result<()> {
    let settings = Settings::from_args(&FitArgs::default(), a.color);
    let text = with_frame(&a.file, a.frame, |link, data, wire_len| {
        let fields = map_frame(link, data, wire_len);
        Ok(match a.format {
            HexFormat::Terminal => render::terminal(data, &fields, settings.color, settings.width),
            HexFormat::Markdown => render::markdown(data, &fields),
            HexFormat::Html => render::html(data, &fields),
            HexFormat::Latex => render::latex(data, &fields),
        })
    })?;
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
}
