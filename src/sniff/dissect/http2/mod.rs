//! HTTP/2 in cleartext (RFC 9113), as tshark finds it: its HTTP dissector
//! hands a TCP payload that starts with the client's connection preface
//! (`PRI * HTTP/2.0`, §3.4) to HTTP/2, and then every later segment of that
//! connection. A segment carries one or more frames (§4.1); the Info column
//! lists them as `TYPE[stream]`, a HEADERS frame with the request's method and
//! path or the response's status, which only the connection's HPACK tables
//! tell (RFC 7541, [`hpack`]); a body whose content type is
//! `application/dns-message` is DNS over HTTPS (RFC 8484), shown by the DNS
//! decoder with the Protocol column `DoH`.
//!
//! What earlier frames of the connection tell (the HPACK tables of each
//! direction, each stream's content type and body) lives in [`state`], the
//! protocol's capture state, which makes a [`state::Shown`] for each PDU.

pub mod frame;
pub mod hpack;
pub mod huffman;
pub mod state;
mod tree;

use super::dissector::{CaptureState, Carrier, Claim, Ctx, Dissector, Expect, FieldDecl, Host};
use crate::sniff::dissect::dns::DnsMsg;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use frame::{Piece, MAGIC};
use std::fmt::Write as _;

/// The HTTP/2 dissector.
pub struct Http2;

/// What the connection's earlier frames tell about the frames of one PDU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// For a frame (its index among the PDU's pieces) that ends a header
    /// block: the block's headers, and whether the block lay in that frame alone.
    pub headers: Vec<(usize, Vec<hpack::Field>, bool)>,
    /// For a DATA frame that ends a stream's body: the body.
    pub bodies: Vec<(usize, Body)>,
}

/// A stream's body, reassembled from its DATA frames (RFC 9113 §8.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// It is a DNS message (content type `application/dns-message`, RFC 8484 §6).
    pub doh: bool,
    /// The frames that carried it and how many bytes each.
    pub fragments: Vec<(u32, usize)>,
    /// For a DNS response: the frame of the query on its stream, and the time since it.
    pub response_to: Option<(u32, i64)>,
}

/// The media type of DNS over HTTPS (RFC 8484 §6).
pub const DNS_MESSAGE: &str = "application/dns-message";

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "http2", ftype: Ftype::Protocol, title: "HyperText Transfer Protocol 2", base: "" },
    FieldDecl { name: "http2.stream", ftype: Ftype::None, title: "Stream", base: "" },
    FieldDecl { name: "http2.length", ftype: Ftype::Uint24, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "http2.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "http2.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "http2.r", ftype: Ftype::Uint32, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "http2.streamid", ftype: Ftype::Uint32, title: "Stream Identifier", base: "BASE_DEC" },
    FieldDecl { name: "http2.magic", ftype: Ftype::String, title: "Magic", base: "" },
    FieldDecl { name: "http2.header.name", ftype: Ftype::String, title: "Name", base: "" },
    FieldDecl { name: "http2.header.value", ftype: Ftype::String, title: "Value", base: "" },
    FieldDecl { name: "http2.data.data", ftype: Ftype::Bytes, title: "Data", base: "" },
    FieldDecl { name: "http2.headers", ftype: Ftype::Bytes, title: "Header Block Fragment", base: "" },
    FieldDecl { name: "http2.header", ftype: Ftype::None, title: "Header", base: "" },
    FieldDecl { name: "http2.header.length", ftype: Ftype::Uint32, title: "Header Length", base: "BASE_DEC" },
    FieldDecl { name: "http2.header.count", ftype: Ftype::Uint32, title: "Header Count", base: "BASE_DEC" },
    FieldDecl { name: "http2.header.name.length", ftype: Ftype::Uint32, title: "Name Length", base: "BASE_DEC" },
    FieldDecl { name: "http2.header.value.length", ftype: Ftype::Uint32, title: "Value Length", base: "BASE_DEC" },
    FieldDecl { name: "http2.header.unescaped", ftype: Ftype::String, title: "Unescaped", base: "" },
    FieldDecl { name: "http2.header.repr", ftype: Ftype::String, title: "Representation", base: "" },
    FieldDecl { name: "http2.header.index", ftype: Ftype::Uint32, title: "Index", base: "BASE_DEC" },
    FieldDecl { name: "http2.pad_length", ftype: Ftype::Uint16, title: "Pad Length", base: "BASE_DEC" },
    FieldDecl { name: "http2.exclusive", ftype: Ftype::Boolean, title: "Exclusive", base: "32" },
    FieldDecl { name: "http2.stream_dependency", ftype: Ftype::Uint32, title: "Stream Dependency", base: "BASE_DEC" },
    FieldDecl { name: "http2.settings", ftype: Ftype::None, title: "Settings", base: "" },
    FieldDecl { name: "http2.settings.id", ftype: Ftype::Uint16, title: "Settings Identifier", base: "BASE_DEC" },
    FieldDecl { name: "http2.ping", ftype: Ftype::Bytes, title: "Ping", base: "" },
    FieldDecl { name: "http2.pong", ftype: Ftype::Bytes, title: "Pong", base: "" },
    FieldDecl { name: "http2.rst_stream.error", ftype: Ftype::Uint32, title: "Error", base: "BASE_DEC" },
    FieldDecl { name: "http2.goaway.error", ftype: Ftype::Uint32, title: "Error", base: "BASE_DEC" },
    FieldDecl { name: "http2.goaway.last_stream_id", ftype: Ftype::Uint32, title: "Last-Stream-ID", base: "BASE_DEC" },
    FieldDecl {
        name: "http2.window_update.window_size_increment",
        ftype: Ftype::Uint32,
        title: "Window Size Increment",
        base: "BASE_DEC",
    },
    FieldDecl { name: "http2.unknown", ftype: Ftype::Bytes, title: "Unknown", base: "" },
    FieldDecl { name: "http2.body.fragment", ftype: Ftype::Framenum, title: "Body fragment", base: "" },
    FieldDecl {
        name: "http2.body.fragment.count",
        ftype: Ftype::Uint32,
        title: "Body fragment count",
        base: "BASE_DEC",
    },
    FieldDecl { name: "http2.body.fragments", ftype: Ftype::None, title: "Body fragments", base: "" },
    FieldDecl { name: "http2.body.reassembled.data", ftype: Ftype::Bytes, title: "Reassembled body data", base: "" },
    FieldDecl {
        name: "http2.body.reassembled.length",
        ftype: Ftype::Uint32,
        title: "Reassembled body length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "http2.flags.ack.ping", ftype: Ftype::Boolean, title: "ACK", base: "8" },
    FieldDecl { name: "http2.flags.ack.settings", ftype: Ftype::Boolean, title: "ACK", base: "8" },
    FieldDecl { name: "http2.flags.eh", ftype: Ftype::Boolean, title: "End Headers", base: "8" },
    FieldDecl { name: "http2.flags.end_stream", ftype: Ftype::Boolean, title: "End Stream", base: "8" },
    FieldDecl { name: "http2.flags.padded", ftype: Ftype::Boolean, title: "Padded", base: "8" },
    FieldDecl { name: "http2.flags.priority", ftype: Ftype::Boolean, title: "Priority", base: "8" },
    FieldDecl { name: "http2.flags.unused", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_continuation", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_data", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_headers", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_ping", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_push_promise", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.flags.unused_settings", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "http2.goaway.addata", ftype: Ftype::Bytes, title: "Additional Debug Data", base: "" },
    FieldDecl { name: "http2.goway.r", ftype: Ftype::Uint32, title: "Reserved", base: "BASE_HEX" },
    FieldDecl {
        name: "http2.header_table_size_update",
        ftype: Ftype::None,
        title: "Header table size update",
        base: "",
    },
    FieldDecl {
        name: "http2.header_table_size_update.header_table_size",
        ftype: Ftype::Uint32,
        title: "Header table size",
        base: "BASE_DEC",
    },
    FieldDecl { name: "http2.padding", ftype: Ftype::Uint8, title: "Pad Length", base: "BASE_HEX" },
    FieldDecl { name: "http2.settings.enable_push", ftype: Ftype::Uint32, title: "Enable PUSH", base: "BASE_DEC" },
    FieldDecl {
        name: "http2.settings.extended_connect",
        ftype: Ftype::Uint32,
        title: "Extended CONNECT",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "http2.settings.header_table_size",
        ftype: Ftype::Uint32,
        title: "Header table size",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "http2.settings.initial_window_size",
        ftype: Ftype::Uint32,
        title: "Initial Windows Size",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "http2.settings.max_concurrent_streams",
        ftype: Ftype::Uint32,
        title: "Max concurrent streams",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "http2.settings.max_frame_size",
        ftype: Ftype::Uint32,
        title: "Max frame size",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "http2.settings.max_header_list_size",
        ftype: Ftype::Uint32,
        title: "Max header list size",
        base: "BASE_DEC",
    },
    FieldDecl { name: "http2.settings.unknown", ftype: Ftype::Uint32, title: "Unknown Settings", base: "BASE_DEC" },
    FieldDecl { name: "http2.window_update.r", ftype: Ftype::Uint32, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "http2.headers.weight", ftype: Ftype::Uint8, title: "Weight", base: "BASE_DEC" },
    FieldDecl { name: "http2.headers.weight_real", ftype: Ftype::Uint8, title: "Weight real", base: "BASE_DEC" },
];

impl Dissector for Http2 {
    fn name(&self) -> &'static str {
        "http2"
    }

    fn title(&self) -> &'static str {
        "HyperText Transfer Protocol 2"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "HTTP2"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::Heuristic(Carrier::Tcp)]
    }

    /// tshark's HTTP dissector hands over a payload that starts with the
    /// preface; its later segments come through [`Dissector::expects`].
    fn heuristic(&self, carrier: Carrier, pdu: &[u8]) -> bool {
        carrier == Carrier::Tcp && pdu.starts_with(MAGIC)
    }

    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        Some(frame::pdu_len(head))
    }

    /// The preface makes the rest of its connection HTTP/2, both ways.
    fn expects(&self, pdu: &[u8], ctx: Ctx) -> Option<Expect> {
        if !pdu.starts_with(MAGIC) {
            return None;
        }
        let _ = ctx;
        Some(Expect { host: Host::Sender, port: 0, peer: Host::Receiver, protocol: "http2", method: "preface" })
    }

    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        "http:http2"
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        info(pdu, &Decoded::default(), out);
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, offset: usize, t: &mut Tree) {
        tree::build(pdu, &Decoded::default(), offset, t);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        values(self, pdu, ctx, &Decoded::default(), field, out);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(state::Http2State::default()))
    }
}

/// The Info column of a PDU: every piece, `TYPE[stream]`, with what its
/// headers say; a DNS body's summary replaces what came before it (tshark's
/// DNS dissector clears the column).
pub fn info(pdu: &[u8], d: &Decoded, out: &mut String) {
    for (i, piece) in frame::pieces(pdu).into_iter().enumerate() {
        let f = match piece {
            Piece::Magic(_) => {
                sep(out, ", ");
                out.push_str("Magic");
                continue;
            }
            Piece::Frame(f) => f,
        };
        sep(out, ", ");
        match frame::type_name(f.ty) {
            Some(n) => out.push_str(n),
            None => {
                let _ = write!(out, "Unknown type ({})", f.ty);
            }
        }
        let _ = write!(out, "[{}]", f.stream);
        if let Some((_, fields, _)) = d.headers.iter().find(|h| h.0 == i) {
            header_info(fields, out);
        }
        if let Some((_, body)) = d.bodies.iter().find(|b| b.0 == i && b.1.doh) {
            out.clear();
            let m = DnsMsg::from_bytes(&body.bytes, None);
            let _ = crate::sniff::dissect::dns::info(out, &m);
        }
    }
}

/// What a header block adds to the Info column: `: METHOD PATH` once both are
/// known, `: STATUS PHRASE` for a response.
fn header_info(fields: &[hpack::Field], out: &mut String) {
    let (mut method, mut path) = (None, None);
    for h in fields {
        match h.name.as_str() {
            ":method" | ":path" => {
                if h.name == ":method" {
                    method = Some(h.value.as_str());
                } else {
                    path = Some(h.value.as_str());
                }
                if let (Some(m), Some(p)) = (method, path) {
                    sep(out, ": ");
                    let _ = write!(out, "{m} {p}");
                }
            }
            ":status" => {
                sep(out, ": ");
                let _ = write!(out, "{} {}", h.value, phrase(&h.value));
            }
            _ => {}
        }
    }
}

/// The reason phrase tshark names a status code with, `Unknown` for others.
pub fn phrase(status: &str) -> &'static str {
    let code = status.trim().parse::<u16>().unwrap_or(0);
    crate::sniff::dissect::http::tree::status_text(code).unwrap_or("Unknown")
}

/// Appends `s` unless `out` is empty (tshark's `col_append_sep`).
fn sep(out: &mut String, s: &str) {
    if !out.is_empty() {
        out.push_str(s);
    }
}

/// The Protocol column: `DoH` when the PDU's last frame ends a DNS body.
pub fn column(pdu: &[u8], d: &Decoded) -> &'static str {
    let last = frame::pieces(pdu).len().checked_sub(1);
    match last {
        Some(i) if d.bodies.iter().any(|b| b.0 == i && b.1.doh) => "DoH",
        _ => "HTTP2",
    }
}

/// Field values from the details tree, so that the two never disagree.
fn values<'p>(d: &dyn Dissector, pdu: &'p [u8], ctx: Ctx, _dec: &Decoded, field: usize, out: &mut Vec<Value<'p>>) {
    let Some(decl) = FIELDS.get(field) else { return };
    let mut vals = Vec::new();
    super::dissector::tree_values(d, pdu, ctx, decl.name, decl.ftype, &mut vals);
    out.extend(vals);
}

#[cfg(test)]
mod tests;
