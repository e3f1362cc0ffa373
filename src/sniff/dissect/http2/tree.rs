//! HTTP/2's details: one block per piece of the PDU, as tshark shows them,
//! every field with its bytes (RFC 9113 §4.1, §6).

use super::frame::{self, flag, ty, Frame, Piece, HEADER_LEN, MAGIC};
use super::{hpack, Decoded};
use crate::proto::bytes::be32_at;
use crate::sniff::dissect::dns::DnsMsg;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// Bytes of a hex value shown before tshark cuts it with `…`.
const SHOWN_BYTES: usize = 36;

/// Builds the blocks of `pdu` (its first byte at `o` of the data source).
pub fn build(pdu: &[u8], d: &Decoded, o: usize, t: &mut Tree) {
    for (i, piece) in frame::pieces(pdu).into_iter().enumerate() {
        match piece {
            Piece::Magic(at) => {
                t.at(0).proto("http2").bytes(o + at, MAGIC.len()).line(format_args!("HyperText Transfer Protocol 2"));
                t.at(1)
                    .field("http2.stream", Ftype::None, "")
                    .bytes(o + at, MAGIC.len())
                    .line(format_args!("Stream: Magic"));
                t.at(2)
                    .field("http2.magic", Ftype::String, "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n")
                    .bytes(o + at, MAGIC.len())
                    .line(format_args!("Magic: PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"));
            }
            Piece::Frame(f) => one_frame(pdu, &f, i, d, o, t),
        }
    }
}

/// One frame's block.
fn one_frame(pdu: &[u8], f: &Frame, i: usize, d: &Decoded, o: usize, t: &mut Tree) {
    let whole = HEADER_LEN + f.payload(pdu).len();
    let at = o + f.at;
    t.at(0).proto("http2").bytes(at, whole).line(format_args!("HyperText Transfer Protocol 2"));
    let name = frame::type_name(f.ty).map_or_else(|| format!("Unknown type ({})", f.ty), str::to_string);
    let headers = d.headers.iter().find(|h| h.0 == i);
    let mut summary = format!("Stream: {name}, Stream ID: {}, Length {}", f.stream, f.len);
    if let Some((_, fields, _)) = headers {
        summary.push_str(&stream_summary(fields));
    }
    if f.ty == ty::DATA && f.flags & flag::END_STREAM == 0 {
        summary.push_str(" (partial entity body)");
    }
    t.at(1).field("http2.stream", Ftype::None, "").bytes(at, whole).line(format_args!("{summary}"));
    t.at(2).field("http2.length", Ftype::Uint24, f.len).bytes(at, 3).line(format_args!("Length: {}", f.len));
    t.at(2).field("http2.type", Ftype::Uint8, f.ty).bytes(at + 3, 1).line(format_args!("Type: {name} ({})", f.ty));
    flags(f, at + 4, t);
    let word = u64::from(f.stream) | if f.reserved { 1 << 31 } else { 0 };
    t.at(2)
        .field("http2.r", Ftype::Uint32, Value::hex(u64::from(f.reserved), 1))
        .bytes(at + 5, 4)
        .mask(0x8000_0000, u64::from(f.reserved))
        .line(format_args!("{} = Reserved: 0x{:x}", masked_bits(word, 0x8000_0000, 32), u8::from(f.reserved)));
    t.at(2)
        .field("http2.streamid", Ftype::Uint32, f.stream)
        .bytes(at + 5, 4)
        .mask(0x7fff_ffff, u64::from(f.stream))
        .line(format_args!("{} = Stream Identifier: {}", masked_bits(word, 0x7fff_ffff, 32), f.stream));
    let payload = f.payload(pdu);
    let p = at + HEADER_LEN;
    match f.ty {
        ty::DATA => data(f, payload, p, i, d, t),
        ty::HEADERS | ty::CONTINUATION | ty::PUSH_PROMISE => header_block(f, payload, p, headers, t),
        ty::PRIORITY => priority(payload, p, t),
        ty::RST_STREAM => error(payload, p, "http2.rst_stream.error", t),
        ty::SETTINGS => settings(payload, p, t),
        ty::PING => {
            let (field, title) = if f.flags & flag::ACK != 0 { ("http2.pong", "Pong") } else { ("http2.ping", "Ping") };
            t.at(2)
                .field(field, Ftype::Bytes, Hex(payload))
                .bytes(p, payload.len())
                .line(format_args!("{title}: {}", Hex(payload)));
        }
        ty::GOAWAY => goaway(payload, p, t),
        ty::WINDOW_UPDATE => window_update(payload, p, t),
        _ if !payload.is_empty() => {
            t.at(2)
                .field("http2.unknown", Ftype::Bytes, Hex(payload))
                .bytes(p, payload.len())
                .line(format_args!("Unknown: {}", Short(payload)));
        }
        _ => {}
    }
}

/// `, POST /dns-query` or `, 200 OK` after the stream line, as tshark appends it.
fn stream_summary(fields: &[hpack::Field]) -> String {
    let mut s = String::new();
    let (mut m, mut p) = (None, None);
    for h in fields {
        match h.name.as_str() {
            ":method" => m = Some(&h.value),
            ":path" => p = Some(&h.value),
            ":status" => s.push_str(&format!(", {} {}", h.value, super::phrase(&h.value))),
            _ => continue,
        }
        if h.name != ":status" {
            if let (Some(m), Some(p)) = (m, p) {
                s.push_str(&format!(", {m} {p}"));
            }
        }
    }
    s
}

/// The flag bits a frame type defines: (mask, field, title).
fn flag_bits(t: u8) -> (&'static str, u8, &'static [(u8, &'static str, &'static str)]) {
    match t {
        ty::DATA => (
            "http2.flags.unused_data",
            0xf6,
            &[
                (flag::PADDED, "http2.flags.padded", "Padded"),
                (flag::END_STREAM, "http2.flags.end_stream", "End Stream"),
            ],
        ),
        ty::HEADERS => (
            "http2.flags.unused_headers",
            0xd2,
            &[
                (flag::PRIORITY, "http2.flags.priority", "Priority"),
                (flag::PADDED, "http2.flags.padded", "Padded"),
                (flag::END_HEADERS, "http2.flags.eh", "End Headers"),
                (flag::END_STREAM, "http2.flags.end_stream", "End Stream"),
            ],
        ),
        ty::SETTINGS => ("http2.flags.unused_settings", 0xfe, &[(flag::ACK, "http2.flags.ack.settings", "ACK")]),
        ty::PING => ("http2.flags.unused_ping", 0xfe, &[(flag::ACK, "http2.flags.ack.ping", "ACK")]),
        ty::CONTINUATION => {
            ("http2.flags.unused_continuation", 0xfb, &[(flag::END_HEADERS, "http2.flags.eh", "End Headers")])
        }
        ty::PUSH_PROMISE => (
            "http2.flags.unused_push_promise",
            0xf3,
            &[(flag::PADDED, "http2.flags.padded", "Padded"), (flag::END_HEADERS, "http2.flags.eh", "End Headers")],
        ),
        _ => ("http2.flags.unused", 0xff, &[]),
    }
}

/// The flags byte and its bits.
fn flags(f: &Frame, at: usize, t: &mut Tree) {
    let (unused_field, unused, bits) = flag_bits(f.ty);
    let mut names = String::new();
    for &(mask, _, title) in bits {
        if f.flags & mask != 0 {
            names.push_str(", ");
            names.push_str(title);
        }
    }
    let v = f.flags;
    t.at(2)
        .field("http2.flags", Ftype::Uint8, Value::hex(u64::from(v), 2))
        .bytes(at, 1)
        .line(format_args!("Flags: 0x{v:02x}{names}"));
    if matches!(f.ty, ty::PRIORITY | ty::RST_STREAM) {
        return;
    }
    // tshark lists the unused bits first, then each flag from the highest bit.
    let u = v & unused;
    t.at(3)
        .field(unused_field, Ftype::Uint8, Value::hex(u64::from(u), 2))
        .bytes(at, 1)
        .mask(u64::from(unused), u64::from(u))
        .line(format_args!("{} = Unused: 0x{u:02x}", masked_bits(u64::from(v), u64::from(unused), 8)));
    for &(mask, field, title) in bits {
        let on = v & mask != 0;
        t.at(3).field(field, Ftype::Boolean, u8::from(on)).bytes(at, 1).mask(u64::from(mask), u64::from(on)).line(
            format_args!(
                "{} = {title}: {}",
                masked_bits(u64::from(v), u64::from(mask), 8),
                if on { "True" } else { "False" }
            ),
        );
    }
}

/// The pad length tshark shows, read or implied.
fn pad_length(f: &Frame, payload: &[u8], p: usize, t: &mut Tree) {
    if f.flags & flag::PADDED != 0 {
        if let Some(&n) = payload.first() {
            t.at(2)
                .field("http2.padding", Ftype::Uint8, Value::hex(u64::from(n), 2))
                .bytes(p, 1)
                .line(format_args!("Pad Length: {n}"));
        }
    } else {
        t.at(2).field("http2.pad_length", Ftype::Uint16, 0).bytes(p, 0).line(format_args!("[Pad Length: 0]"));
    }
}

/// DATA (RFC 9113 §6.1), with the body it ends, shown as DNS when it is one.
fn data(f: &Frame, payload: &[u8], p: usize, i: usize, d: &Decoded, t: &mut Tree) {
    pad_length(f, payload, p, t);
    let Some((start, len)) = frame::data(f, payload) else { return };
    let body = d.bodies.iter().find(|b| b.0 == i).map(|b| &b.1);
    if let Some(b) = body.filter(|b| b.fragments.len() > 1 || b.fragments.first().is_some_and(|x| x.1 != len)) {
        let list: Vec<String> = b.fragments.iter().map(|(fr, n)| format!("#{fr}({n})")).collect();
        let n = b.fragments.len();
        let s = if n == 1 { "" } else { "s" };
        t.at(2).field("http2.body.fragments", Ftype::None, "").line(format_args!(
            "[{n} Body fragment{s} ({} bytes): {}]",
            b.bytes.len(),
            list.join(", ")
        ));
        let mut at = 0;
        for &(fr, n) in &b.fragments {
            let end = (at + n).saturating_sub(1);
            t.at(3)
                .field("http2.body.fragment", Ftype::Framenum, fr)
                .line(format_args!("[Frame: {fr}, payload: {at}-{end} ({n} bytes)]"));
            at += n;
        }
        t.at(3).field("http2.body.fragment.count", Ftype::Uint32, n).line(format_args!("[Body fragment count: {n}]"));
        let total = b.bytes.len();
        t.at(3)
            .field("http2.body.reassembled.length", Ftype::Uint32, total)
            .line(format_args!("[Reassembled body length: {total}]"));
        t.at(3)
            .field("http2.body.reassembled.data", Ftype::Bytes, Hex(&b.bytes))
            .line(format_args!("[Reassembled body data: {}]", Short(&b.bytes)));
    }
    let bytes = &payload[start..start + len];
    let shown = if len == 0 { body.map_or(bytes, |b| b.bytes.as_slice()) } else { bytes };
    t.at(2)
        .field("http2.data.data", Ftype::Bytes, Hex(bytes))
        .bytes(p + start, len)
        .line(format_args!("Data: {}", Short(shown)));
    if let Some(b) = body.filter(|b| b.doh) {
        let single = b.fragments.len() == 1 && b.bytes.len() == len;
        let mut m = DnsMsg::from_bytes(&b.bytes, single.then_some(p + start));
        m.response_to = b.response_to;
        let mut inner = Tree::new();
        if single {
            crate::sniff::dissect::dns::tree::build_message(&mut inner, &m);
            t.graft(&inner, 1);
        } else {
            t.push_source(format!("Reassembled body ({} bytes)", b.bytes.len()), b.bytes.clone());
            let mut m = DnsMsg::from_bytes(&b.bytes, Some(0));
            m.response_to = b.response_to;
            crate::sniff::dissect::dns::tree::build_message(&mut inner, &m);
            t.graft(&inner, 1);
            t.use_frame();
        }
    }
}

/// A header block fragment and, when the block ends here, its headers.
fn header_block(f: &Frame, payload: &[u8], p: usize, headers: Option<&(usize, Vec<hpack::Field>, bool)>, t: &mut Tree) {
    if f.ty != ty::CONTINUATION {
        pad_length(f, payload, p, t);
    }
    let mut q = p + usize::from(f.flags & flag::PADDED != 0 && f.ty != ty::CONTINUATION);
    if f.ty == ty::HEADERS && f.flags & flag::PRIORITY != 0 {
        priority(payload.get(q - p..).unwrap_or_default(), q, t);
        q += 5;
    }
    let Some((start, len)) = frame::block(f, payload) else { return };
    let block = &payload[start..start + len];
    t.at(2)
        .field("http2.headers", Ftype::Bytes, Hex(block))
        .bytes(p + start, len)
        .line(format_args!("Header Block Fragment: {}", Short(block)));
    let _ = q;
    let Some((_, fields, single)) = headers else { return };
    // tshark's "Decompressed Header" source: each header as name length, name, value length, value.
    let mut dec = Vec::new();
    for h in fields.iter().filter(|h| h.repr != hpack::Repr::SizeUpdate) {
        dec.extend_from_slice(&(h.name.len() as u32).to_be_bytes());
        dec.extend_from_slice(h.name.as_bytes());
        dec.extend_from_slice(&(h.value.len() as u32).to_be_bytes());
        dec.extend_from_slice(h.value.as_bytes());
    }
    let count = fields.iter().filter(|h| h.repr != hpack::Repr::SizeUpdate).count();
    let total = dec.len();
    t.at(2).field("http2.header.length", Ftype::Uint32, total).line(format_args!("[Header Length: {total}]"));
    t.at(2).field("http2.header.count", Ftype::Uint32, count).line(format_args!("[Header Count: {count}]"));
    let base = p + start;
    let mut hoff = 0;
    for h in fields {
        if h.repr == hpack::Repr::SizeUpdate {
            span(t.at(2).field("http2.header_table_size_update", Ftype::None, ""), *single, base, h)
                .line(format_args!("Header table size update"));
            span(
                t.at(3).field("http2.header_table_size_update.header_table_size", Ftype::Uint32, h.index),
                *single,
                base,
                h,
            )
            .line(format_args!("Header table size: {}", h.index));
            continue;
        }
        let phrase = if h.name == ":status" { format!(" {}", super::phrase(&h.value)) } else { String::new() };
        span(t.at(2).field("http2.header", Ftype::None, ""), *single, base, h)
            .line(format_args!("Header: {}: {}{phrase}", h.name, h.value));
        let (nl, vl) = (h.name.len(), h.value.len());
        t.at(3).field("http2.header.name.length", Ftype::Uint32, nl).line(format_args!("Name Length: {nl}"));
        t.at(3).field("http2.header.name", Ftype::String, &h.name).line(format_args!("Name: {}", h.name));
        t.at(3).field("http2.header.value.length", Ftype::Uint32, vl).line(format_args!("Value Length: {vl}"));
        t.at(3).field("http2.header.value", Ftype::String, &h.value).line(format_args!("Value: {}", h.value));
        t.at(3).field("http2.header.unescaped", Ftype::String, &h.value).line(format_args!("[Unescaped: {}]", h.value));
        let repr = h.repr.text();
        t.at(3).field("http2.header.repr", Ftype::String, repr).line(format_args!("Representation: {repr}"));
        if h.repr.has_index() {
            t.at(3).field("http2.header.index", Ftype::Uint32, h.index).line(format_args!("Index: {}", h.index));
        }
        hoff += 8 + nl + vl;
    }
    let _ = hoff;
}

/// A header's bytes in the frame, when its block lay in this frame alone.
fn span<'t>(
    d: crate::sniff::tree::Draft<'t>,
    single: bool,
    base: usize,
    h: &hpack::Field,
) -> crate::sniff::tree::Draft<'t> {
    if single {
        d.bytes(base + h.at, h.len)
    } else {
        d
    }
}

/// A stream dependency and weight (RFC 9113 §6.3).
fn priority(b: &[u8], p: usize, t: &mut Tree) {
    let (Some(word), Some(&w)) = (be32_at(b, 0), b.get(4)) else { return };
    let e = word >> 31 == 1;
    let dep = word & 0x7fff_ffff;
    t.at(2).field("http2.exclusive", Ftype::Boolean, u8::from(e)).bytes(p, 4).mask(0x8000_0000, u64::from(e)).line(
        format_args!(
            "{} = Exclusive: {}",
            masked_bits(u64::from(word), 0x8000_0000, 32),
            if e { "True" } else { "False" }
        ),
    );
    t.at(2)
        .field("http2.stream_dependency", Ftype::Uint32, dep)
        .bytes(p, 4)
        .mask(0x7fff_ffff, u64::from(dep))
        .line(format_args!("{} = Stream Dependency: {dep}", masked_bits(u64::from(word), 0x7fff_ffff, 32)));
    t.at(2).field("http2.headers.weight", Ftype::Uint8, w).bytes(p + 4, 1).line(format_args!("Weight: {w}"));
    let real = u16::from(w) + 1;
    t.at(2)
        .field("http2.headers.weight_real", Ftype::Uint8, real)
        .bytes(p + 4, 1)
        .line(format_args!("[Weight real: {real}]"));
}

/// An error code (RFC 9113 §7).
fn error(b: &[u8], p: usize, field: &'static str, t: &mut Tree) {
    let Some(code) = be32_at(b, 0) else { return };
    t.at(2).field(field, Ftype::Uint32, code).bytes(p, 4).line(format_args!("Error: {} ({code})", error_name(code)));
}

/// tshark's name of an error code (RFC 9113 §7).
fn error_name(code: u32) -> &'static str {
    const NAMES: [&str; 14] = [
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    ];
    NAMES.get(code as usize).copied().unwrap_or("Unknown")
}

/// SETTINGS parameters (RFC 9113 §6.5.1, §6.5.2).
fn settings(b: &[u8], p: usize, t: &mut Tree) {
    for (k, entry) in b.chunks_exact(6).enumerate() {
        let id = u16::from_be_bytes([entry[0], entry[1]]);
        let value = be32_at(entry, 2).unwrap_or(0);
        let at = p + 6 * k;
        let (title, field, value_title) = match id {
            1 => ("Header table size", "http2.settings.header_table_size", "Header table size"),
            2 => ("Enable PUSH", "http2.settings.enable_push", "Enable PUSH"),
            3 => ("Max concurrent streams", "http2.settings.max_concurrent_streams", "Max concurrent streams"),
            4 => ("Initial Windows size", "http2.settings.initial_window_size", "Initial Windows Size"),
            5 => ("Max frame size", "http2.settings.max_frame_size", "Max frame size"),
            6 => ("Max header list size", "http2.settings.max_header_list_size", "Max header list size"),
            8 => ("Extended CONNECT", "http2.settings.extended_connect", "Extended CONNECT"),
            _ => ("Unknown", "http2.settings.unknown", "Unknown Settings"),
        };
        t.at(2)
            .field("http2.settings", Ftype::None, "")
            .bytes(at, 6)
            .line(format_args!("Settings - {title} : {value}"));
        t.at(3)
            .field("http2.settings.id", Ftype::Uint16, id)
            .bytes(at, 2)
            .line(format_args!("Settings Identifier: {title} ({id})"));
        t.at(3).field(field, Ftype::Uint32, value).bytes(at + 2, 4).line(format_args!("{value_title}: {value}"));
    }
}

/// GOAWAY (RFC 9113 §6.8).
fn goaway(b: &[u8], p: usize, t: &mut Tree) {
    let Some(word) = be32_at(b, 0) else { return };
    let r = word >> 31;
    let last = word & 0x7fff_ffff;
    t.at(2)
        .field("http2.goway.r", Ftype::Uint32, Value::hex(u64::from(r), 1))
        .bytes(p, 4)
        .mask(0x8000_0000, u64::from(r))
        .line(format_args!("{} = Reserved: 0x{r:x}", masked_bits(u64::from(word), 0x8000_0000, 32)));
    t.at(2)
        .field("http2.goaway.last_stream_id", Ftype::Uint32, last)
        .bytes(p, 4)
        .mask(0x7fff_ffff, u64::from(last))
        .line(format_args!("{} = Last-Stream-ID: {last}", masked_bits(u64::from(word), 0x7fff_ffff, 32)));
    error(b.get(4..).unwrap_or_default(), p + 4, "http2.goaway.error", t);
    if let Some(extra) = b.get(8..).filter(|x| !x.is_empty()) {
        t.at(2)
            .field("http2.goaway.addata", Ftype::Bytes, Hex(extra))
            .bytes(p + 8, extra.len())
            .line(format_args!("Additional Debug Data: {}", Short(extra)));
    }
}

/// WINDOW_UPDATE (RFC 9113 §6.9).
fn window_update(b: &[u8], p: usize, t: &mut Tree) {
    let Some(word) = be32_at(b, 0) else { return };
    let r = word >> 31;
    let inc = word & 0x7fff_ffff;
    t.at(2)
        .field("http2.window_update.r", Ftype::Uint32, Value::hex(u64::from(r), 1))
        .bytes(p, 4)
        .mask(0x8000_0000, u64::from(r))
        .line(format_args!("{} = Reserved: 0x{r:x}", masked_bits(u64::from(word), 0x8000_0000, 32)));
    t.at(2)
        .field("http2.window_update.window_size_increment", Ftype::Uint32, inc)
        .bytes(p, 4)
        .mask(0x7fff_ffff, u64::from(inc))
        .line(format_args!("{} = Window Size Increment: {inc}", masked_bits(u64::from(word), 0x7fff_ffff, 32)));
}

/// Bytes in hex, whole (a field's value).
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Bytes in hex as tshark's `-V` line shows them: cut with `…` after 36.
struct Short<'a>(&'a [u8]);

impl std::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len().min(SHOWN_BYTES);
        write!(f, "{}", Hex(&self.0[..n]))?;
        if self.0.len() > SHOWN_BYTES {
            f.write_str("…")?;
        }
        Ok(())
    }
}
