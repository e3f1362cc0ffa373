//! Printing a report to standard output.

use crate::error::Error;
use std::io::{self, Write};

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
pub fn print(text: &str) -> crate::Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes bytes to stdout; a closed pipe is not an error.
pub fn print_bytes(bytes: &[u8]) -> crate::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("cannot write the output", e)),
        _ => Ok(()),
    }
}
