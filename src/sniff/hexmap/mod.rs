//! The field map of a whole frame, for `socklab hex`: every byte of the frame in
//! exactly one leaf field (link header, IP, TCP/UDP/ICMP, DNS or HTTP) or in one
//! named gap (`TCP options`, `payload`, `padding`, `unparsed`). Sans-I/O: built
//! from the sniffer's dissection ([`dissect_frame`]) and, for DNS, the same spans
//! `socklab dns decode` shows ([`dns_in_frame`], [`crate::dns_view::fields::rows`]).

pub mod build;
pub mod build_http;
pub mod render;

use crate::sniff::dissect::link::LinkType;

/// One run of bytes of the frame: a leaf field or a named gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The layer: `Ethernet`, `IPv4`, `TCP`, `DNS`, `HTTP`, …
    pub layer: &'static str,
    /// The tshark field name (`ip.ttl`), or the gap's name (`TCP options`).
    pub name: String,
    /// Offset of the first byte in the frame.
    pub offset: usize,
    /// Number of bytes.
    pub len: usize,
    /// Whether the run is a named gap rather than a decoded field.
    pub gap: bool,
}

impl Field {
    /// Offset one past the last byte.
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// The fields of a frame of link type `link`, captured as `data` from `wire_len`
/// bytes on the wire, in offset order, covering every byte exactly once.
pub fn map_frame(link: LinkType, data: &[u8], wire_len: usize) -> Vec<Field> {
    let raw = build::raw_fields(link, data, wire_len);
    build::normalise(&raw, data.len())
}

/// Checks that `fields` cover `len` bytes exactly once, in offset order, each run
/// non-empty; the first fault as a sentence.
pub fn check_coverage(fields: &[Field], len: usize) -> Result<(), String> {
    let mut at = 0;
    for f in fields {
        if f.offset != at {
            return Err(format!("{} starts at byte {} but the previous field ends at {at}", f.name, f.offset));
        }
        if f.len == 0 {
            return Err(format!("{} at byte {} is empty", f.name, f.offset));
        }
        at = f.end();
    }
    if at != len {
        return Err(format!("the fields end at byte {at} but the frame has {len} bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
