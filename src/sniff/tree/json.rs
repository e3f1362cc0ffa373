//! The JSON views of a [`Tree`], laid out as tshark 4.0 writes them:
//! - `-T json`: an array of documents `{_index, _type, _score, _source: {layers}}`,
//!   one object per protocol layer; a field with children is followed by
//!   `"<name>_tree"`; a text-only line is a key (its `-V` text) whose value is ""
//!   or the object of its children; repeated names stay repeated keys.
//! - `-x` adds before each field `"<name>_raw": [hex, offset, length, bitmask, type]`.
//! - `-T ek`: two lines per frame for Elasticsearch's bulk API, the fields of a
//!   layer flattened into one object, named `<protocol>_<field>` with `_` for `.`.

use super::{Ftype, Item, Look, Tree};
use crate::sniff::render::{civil_from_days, Hex};
use crate::sniff::value::Nanos;
use std::io::{self, Write};

/// Indentation of one JSON level (tshark's pretty printer).
const PAD: &[u8] = b"  ";
/// Depth of a layer's object in the document: `[ { _source { layers { <here>`.
const LAYER_DEPTH: usize = 4;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonStyle {
    /// Elasticsearch's bulk form (`-T ek`) rather than the pretty array (`-T json`).
    pub ek: bool,
    /// The `_raw` bytes of every field (`-x`).
    pub raw: bool,
}

/// One frame to write.
pub struct Frame<'a> {
    /// The frame's tree.
    pub tree: &'a Tree,
    /// The frame's bytes (data source 0).
    pub data: &'a [u8],
    /// Capture time, nanoseconds since the epoch.
    pub time: Nanos,
}

/// Writes what comes before the first frame.
pub fn begin(out: &mut impl Write, style: JsonStyle) -> io::Result<()> {
    if !style.ek {
        out.write_all(b"[\n")?;
    }
    Ok(())
}

/// Writes what comes after the last frame.
pub fn end(out: &mut impl Write, style: JsonStyle, frames: u64) -> io::Result<()> {
    if !style.ek {
        if frames > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"]\n")?;
    }
    Ok(())
}

/// Writes one frame; `first` says whether it is the first one written.
pub fn frame(out: &mut impl Write, f: &Frame<'_>, style: JsonStyle, first: bool) -> io::Result<()> {
    if style.ek {
        return ek::frame(out, f, style.raw);
    }
    pretty_start(out, f.time, first)?;
    let mut w = Pretty { out, f, raw: style.raw, first: true };
    let items = json_items(f.tree);
    w.children(&items, 0, LAYER_DEPTH)?;
    out.write_all(PRETTY_END)
}

/// The end of a `-T json` document, after its layers.
const PRETTY_END: &[u8] = b"\n      }\n    }\n  }";
/// The end of a `-T ek` document line, after its layers.
const EK_END: &[u8] = b"}}\n";

/// Writes a `-T json` document's start, up to the opening of its layers (and
/// the comma before it unless it is the `first`).
fn pretty_start(out: &mut impl Write, time: Nanos, first: bool) -> io::Result<()> {
    if !first {
        out.write_all(b",\n")?;
    }
    let index = Index(time);
    writeln!(out, "  {{\n    \"_index\": \"{index}\",\n    \"_type\": \"doc\",\n    \"_score\": null,")?;
    out.write_all(b"    \"_source\": {\n      \"layers\": {")
}

/// Writes a `-T ek` frame's bulk `index` line and its document line's start, up
/// to the opening of its layers.
fn ek_start(out: &mut impl Write, time: Nanos) -> io::Result<()> {
    writeln!(out, "{{\"index\":{{\"_index\":\"{}\",\"_type\":\"doc\"}}}}", Index(time))?;
    write!(out, "{{\"timestamp\":\"{}\",\"layers\":{{", time.div_euclid(1_000_000))
}

/// Writes one frame of `-T json -e …` or `-T ek -e …`: each field named in
/// `fields` with the list of its values.
pub fn field_lists(
    out: &mut impl Write,
    time: Nanos,
    fields: &[(String, Vec<String>)],
    style: JsonStyle,
    first: bool,
) -> io::Result<()> {
    if style.ek {
        ek_start(out, time)?;
        for (n, (name, values)) in fields.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            string(out, name)?;
            out.write_all(b":[")?;
            for (k, v) in values.iter().enumerate() {
                if k > 0 {
                    out.write_all(b",")?;
                }
                string(out, v)?;
            }
            out.write_all(b"]")?;
        }
        return out.write_all(EK_END);
    }
    pretty_start(out, time, first)?;
    for (n, (name, values)) in fields.iter().enumerate() {
        out.write_all(if n > 0 { b",\n        " } else { b"\n        " })?;
        string(out, name)?;
        out.write_all(b": [")?;
        for (k, v) in values.iter().enumerate() {
            out.write_all(if k > 0 { b",\n          " } else { b"\n          " })?;
            string(out, v)?;
        }
        out.write_all(b"\n        ]")?;
    }
    out.write_all(PRETTY_END)
}

/// The items the JSON views show: all but verbatim blocks.
fn json_items(tree: &Tree) -> Vec<&Item> {
    tree.items().iter().filter(|i| i.look != Look::Verbatim).collect()
}

/// `packets-YYYY-MM-DD` of a capture time (UTC).
struct Index(Nanos);

impl std::fmt::Display for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0.div_euclid(1_000_000_000).div_euclid(86_400));
        write!(f, "packets-{y:04}-{m:02}-{d:02}")
    }
}

/// The pretty `-T json` writer of one frame.
struct Pretty<'o, 'f, W: Write> {
    out: &'o mut W,
    f: &'f Frame<'f>,
    raw: bool,
    first: bool,
}

impl<W: Write> Pretty<'_, '_, W> {
    /// Writes the items of `items[from..]` at the depth of `items[from]` (up to the
    /// first shallower one) as members of an object at JSON depth `level`;
    /// returns the index after them.
    fn children(&mut self, items: &[&Item], from: usize, level: usize) -> io::Result<usize> {
        let Some(depth) = items.get(from).map(|i| i.depth) else { return Ok(from) };
        let mut i = from;
        self.first = true;
        while i < items.len() && items[i].depth >= depth {
            i = self.member(items, i, level)?;
        }
        Ok(i)
    }

    fn key(&mut self, level: usize, key: &str) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n")?;
        for _ in 0..level {
            self.out.write_all(PAD)?;
        }
        string(self.out, key)?;
        self.out.write_all(b": ")
    }

    /// Writes `items[i]` and its children; returns the index after them.
    fn member(&mut self, items: &[&Item], i: usize, level: usize) -> io::Result<usize> {
        let item = items[i];
        let tree = self.f.tree;
        let has_children = items.get(i + 1).is_some_and(|n| n.depth > item.depth);
        if item.field.is_empty() {
            // A generated line's brackets (`[Timestamps]`) are -V's, not its text's.
            let text = tree.display(item);
            let key = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
            self.key(level, key)?;
            return self.value_or_object(items, i, level, has_children);
        }
        if self.raw {
            if let Some(raw) = Raw::of(item, self.f) {
                self.key(level, &format!("{}_raw", item.field))?;
                raw.write_pretty(self.out, level)?;
            }
        }
        self.key(level, item.field)?;
        if matches!(item.ftype, Ftype::Protocol | Ftype::None) {
            return self.value_or_object(items, i, level, has_children);
        }
        string(self.out, tree.value(item))?;
        if !has_children {
            return Ok(i + 1);
        }
        self.key(level, &format!("{}_tree", item.field))?;
        self.object(items, i + 1, level)
    }

    fn value_or_object(&mut self, items: &[&Item], i: usize, level: usize, has_children: bool) -> io::Result<usize> {
        if has_children {
            self.object(items, i + 1, level)
        } else {
            // A leaf protocol keeps its value (tshark's `"raw": "Raw packet data"`); others have none.
            string(self.out, self.f.tree.value(items[i]))?;
            Ok(i + 1)
        }
    }

    fn object(&mut self, items: &[&Item], from: usize, level: usize) -> io::Result<usize> {
        self.out.write_all(b"{")?;
        let next = self.children(items, from, level + 1)?;
        self.out.write_all(b"\n")?;
        for _ in 0..level {
            self.out.write_all(PAD)?;
        }
        self.out.write_all(b"}")?;
        self.first = false;
        Ok(next)
    }
}

/// A field's `_raw` array.
struct Raw {
    hex: String,
    offset: u32,
    len: u32,
    bitmask: u64,
    ftype: u8,
}

impl Raw {
    /// The raw bytes of `item`, if it has bytes in a known source.
    fn of(item: &Item, f: &Frame<'_>) -> Option<Raw> {
        let b = item.bytes?;
        let data = match b.source {
            0 => f.data,
            n => &f.tree.sources().get(usize::from(n) - 1)?.data[..],
        };
        let hex = if item.bitmask != 0 {
            // tshark prints a bit field's value in upper-case hex ("7B").
            format!("{:X}", item.bits)
        } else {
            let start = (b.offset as usize).min(data.len());
            let end = (b.offset as usize).saturating_add(b.len as usize).min(data.len());
            Hex(&data[start..end]).to_string()
        };
        Some(Raw { hex, offset: b.offset, len: b.len, bitmask: item.bitmask, ftype: item.ftype as u8 })
    }

    fn write_pretty(&self, out: &mut impl Write, level: usize) -> io::Result<()> {
        let pad = PAD.repeat(level + 1);
        let pad = std::str::from_utf8(&pad).unwrap_or_default();
        write!(
            out,
            "[\n{pad}\"{}\",\n{pad}{},\n{pad}{},\n{pad}{},\n{pad}{}\n",
            self.hex, self.offset, self.len, self.bitmask, self.ftype
        )?;
        for _ in 0..level {
            out.write_all(PAD)?;
        }
        out.write_all(b"]")
    }
}

/// A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
pub fn string(out: &mut impl Write, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            _ => None,
        };
        if escape.is_none() && b >= 0x20 {
            continue;
        }
        out.write_all(&bytes[start..i])?;
        match escape {
            Some(e) => out.write_all(e)?,
            None => write!(out, "\\u{b:04x}")?,
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

mod ek;

#[cfg(test)]
mod tests;
