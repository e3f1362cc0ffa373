//! Command entry points that open sockets or captures for the teaching layer:
//! `socklab experiment` and `socklab explain`. Their text lives in
//! [`crate::teach`].

pub mod child;
pub mod experiment;
pub mod explain;

use crate::cli::ColorChoice;
use std::io::IsTerminal;

/// Whether to colour standard output: `--color`, then `NO_COLOR`, then a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}
