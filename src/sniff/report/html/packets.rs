//! The packets of the page, compact and linear in their number: every field
//! name once (an index per use), rows and details in chunks of [`CHUNK`]
//! packets, each chunk gzip+base64 ([`super::encode`]). The list's chunks are
//! inflated when the page loads; a details chunk only when one of its packets
//! is opened or the display filter needs the field values.
//!
//! The details chunks are laid out by [`super::details`]. Row text is the text
//! of `socklab read` (the columns and notes of [`list`]); the details are the
//! field tree of `-V` ([`detail::build`]); the field values are those the `-Y`
//! filter compares ([`FieldSource::values`]), as text the page's filter reads.

use super::colours::Colouring;
use super::details::{Chunk, Line};
use super::encode::{base64, chunk, gzip};
use crate::sniff::fields::{self, FieldId};
use crate::sniff::filter::FieldKind;
use crate::sniff::hash::FxHashMap;
use crate::sniff::packet::Packet;
use crate::sniff::render::{detail, list, put_secs};
use crate::sniff::tree::{Ftype, Item, Look, Tree};
use crate::sniff::value::{FieldSource, Value};
use serde_json::{json, Value as Json};

/// Packets per chunk: small enough that opening one packet inflates little,
/// large enough that gzip finds the repetition between neighbouring packets.
pub const CHUNK: usize = 512;

/// Builds the packet data of the page, one packet at a time.
pub struct Packets {
    colouring: Colouring,
    tree: Tree,
    /// Field names in index order: every name socklab knows first (so the
    /// page's filter knows them all), then the tree's other names as met.
    names: Vec<&'static str>,
    /// What each name's values are to the filter (see [`kind_code`]).
    kinds: Vec<&'static str>,
    index: FxHashMap<&'static str, usize>,
    /// Name index → the field id the filter resolves it to.
    ids: Vec<Option<FieldId>>,
    /// Name index → the number (from 1) of the last packet whose values of
    /// the field were taken.
    seen: Vec<usize>,
    rows: Vec<Json>,
    details: Chunk,
    row_chunks: Vec<String>,
    detail_chunks: Vec<String>,
    frame_chunks: Vec<String>,
    value_chunks: Vec<String>,
    count: usize,
    /// How many of `names` the filter knows (the first ones).
    known: usize,
}

/// The one-letter kind the page's filter uses for a field.
fn kind_code(kind: Option<FieldKind>) -> &'static str {
    match kind {
        Some(FieldKind::Bytes) => "b",
        Some(FieldKind::Text) => "t",
        Some(FieldKind::Address) => "a",
        Some(FieldKind::Number) => "n",
        Some(FieldKind::Time) => "s",
        None => "",
    }
}

/// Marks a byte value given as a place in the frame (`@54:120`).
const FRAME_REF: &str = "@";
/// Shortest byte value written as a place in the frame (shorter ones are
/// shorter as hex).
const MIN_FRAME_REF: usize = 8;

/// Kind letter of a protocol: its values are offsets in the frame, and it
/// compares as the bytes from there to the end.
const PROTOCOL_KIND: &str = "p";

/// The `Look` of an item as the page's CSS class letter ("" for plain).
fn look_code(look: Look) -> &'static str {
    match look {
        Look::Bold => "b",
        Look::Bad => "x",
        Look::Note => "n",
        Look::Plain | Look::Verbatim => "",
    }
}

/// The columns of a list row, as `socklab read` writes them without padding.
struct Columns {
    time: String,
    src: String,
    dst: String,
    info: String,
    notes: Vec<String>,
}

fn columns(p: &Packet<'_>) -> Columns {
    // Writing into a Vec cannot fail.
    let text = |write: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buf = Vec::with_capacity(64);
        let _ = write(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    };
    let (src, dst) = list::addresses(p);
    let mut notes = Vec::new();
    let _ = list::notes(p, |note| {
        notes.push(note.to_string());
        Ok(())
    });
    Columns {
        time: text(&|b| put_secs(b, p.rel, false, 0)),
        src: src.as_str().to_string(),
        dst: dst.as_str().to_string(),
        info: text(&|b| list::info(b, p)),
        notes,
    }
}

impl Packets {
    /// An empty table.
    pub fn new() -> Result<Packets, String> {
        let mut p = Packets {
            colouring: Colouring::new()?,
            tree: Tree::new(),
            names: Vec::new(),
            kinds: Vec::new(),
            index: FxHashMap::default(),
            ids: Vec::new(),
            seen: Vec::new(),
            rows: Vec::with_capacity(CHUNK),
            details: Chunk::default(),
            row_chunks: Vec::new(),
            detail_chunks: Vec::new(),
            frame_chunks: Vec::new(),
            value_chunks: Vec::new(),
            count: 0,
            known: 0,
        };
        for id in crate::sniff::fields::all() {
            p.intern(id.name(), || Some(id));
        }
        p.known = p.names.len();
        Ok(p)
    }

    /// The index of field `name` (`id`: what the filter resolves it to, looked
    /// up only for a name not seen before).
    fn intern(&mut self, name: &'static str, id: impl FnOnce() -> Option<FieldId>) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let id = id();
        let i = self.names.len();
        self.names.push(name);
        self.kinds.push(kind_code(id.and_then(fields::kind)));
        self.ids.push(id);
        self.seen.push(0);
        self.index.insert(name, i);
        i
    }

    /// Adds one packet.
    pub fn push(&mut self, p: &Packet<'_>) {
        let c = columns(p);
        let colour = self.colouring.of(p).map_or(-1, |i| i as i64);
        let stream = p.tcp.map_or(-1, |t| i64::from(t.stream));
        let mut row = vec![
            json!(p.number),
            json!(c.time),
            json!(c.src),
            json!(c.dst),
            json!(list::protocol(p)),
            json!(p.len),
            json!(c.info),
            json!(colour),
            json!(stream),
        ];
        if !c.notes.is_empty() {
            row.push(json!(c.notes));
        }
        self.rows.push(Json::Array(row));
        self.add_details(p);
        self.count += 1;
        if self.rows.len() == CHUNK {
            self.flush();
        }
    }

    /// Adds the details of one packet to the chunk: its shown tree lines, its
    /// frame and other data sources, and the filter's values of every field
    /// its tree names.
    fn add_details(&mut self, p: &Packet<'_>) {
        detail::build(&mut self.tree, p);
        let tree = std::mem::take(&mut self.tree);
        let mut values: Vec<(usize, Vec<String>)> = Vec::new();
        let mut fields: Vec<i64> = Vec::with_capacity(tree.items().len());
        let stamp = self.count + 1;
        for item in tree.items() {
            let field = (!item.field.is_empty()).then(|| self.intern(item.field, || FieldId::from_name(item.field)));
            match field {
                // A protocol met again (the datagram an ICMP error quotes): one more occurrence.
                Some(f) if item.ftype == Ftype::Protocol && self.seen[f] == stamp => {
                    if let Some((_, v)) = values.iter_mut().find(|(g, _)| *g == f) {
                        v.push(item.bytes.map_or(0, |b| b.offset).to_string());
                    }
                }
                Some(f) if std::mem::replace(&mut self.seen[f], stamp) != stamp => {
                    if let Some(v) = self.values_of(f, item, p) {
                        values.push((f, v));
                    }
                }
                _ => {}
            }
            fields.push(field.map_or(-1, |f| f as i64));
        }
        let lines = tree.items().iter().zip(fields).filter(|(i, _)| i.shown && i.look != Look::Verbatim).map(
            |(item, field)| Line {
                depth: item.depth,
                field,
                text: tree.display(item),
                look: look_code(item.look),
                bytes: item.bytes.map(|b| (b.source, b.offset, b.len)),
                mask: item.bitmask,
            },
        );
        let sources: Vec<Json> = tree.sources().iter().map(|s| json!([s.name, base64(&s.data)])).collect();
        self.details.push(lines, values, p.data, sources);
        self.tree = tree;
    }

    /// The values of field `f` (named by `item`) as the filter sees them: a
    /// protocol's offset in the frame (its kind is then [`PROTOCOL_KIND`]), else
    /// [`FieldSource::values`] as text, where bytes the frame holds at the item's
    /// offset are written `@OFFSET:LENGTH`; None when the filter does not know
    /// the field.
    fn values_of(&mut self, f: usize, item: &Item, p: &Packet<'_>) -> Option<Vec<String>> {
        let offset = item.bytes.filter(|b| b.source == 0).map(|b| b.offset);
        if item.ftype == Ftype::Protocol {
            self.kinds[f] = PROTOCOL_KIND;
            return Some(vec![offset.unwrap_or(0).to_string()]);
        }
        let bytes = offset.map(|o| o as usize);
        let id = self.ids[f]?;
        let mut vals: Vec<Value<'_>> = Vec::new();
        p.values(id, &mut vals);
        let frame_ref = |v: &Value<'_>| match (v, bytes) {
            (Value::Bytes(b), Some(at)) if b.len() >= MIN_FRAME_REF && p.data.get(at..at + b.len()) == Some(&b[..]) => {
                Some(format!("{FRAME_REF}{at}:{}", b.len()))
            }
            _ => None,
        };
        let text: Vec<String> = vals.iter().map(|v| frame_ref(v).unwrap_or_else(|| v.to_string())).collect();
        (!text.is_empty()).then_some(text)
    }

    fn flush(&mut self) {
        if self.rows.is_empty() {
            return;
        }
        self.row_chunks.push(chunk(&Json::Array(std::mem::take(&mut self.rows))));
        let e = std::mem::take(&mut self.details).finish();
        self.detail_chunks.push(chunk(&e.tree));
        self.value_chunks.push(chunk(&e.values));
        self.frame_chunks.push(base64(&gzip(&e.frames)));
    }

    /// The packets pushed since the last call as one chunk each of rows,
    /// details, values and frames (in [`Self::finish`]'s order), or None when
    /// none was: the live view sends the packets in such batches as they come.
    pub fn take_chunk(&mut self) -> Option<[String; 4]> {
        if self.rows.is_empty() {
            return None;
        }
        self.flush();
        let last = |list: &mut Vec<String>| list.pop().unwrap_or_default();
        Some([
            last(&mut self.row_chunks),
            last(&mut self.detail_chunks),
            last(&mut self.value_chunks),
            last(&mut self.frame_chunks),
        ])
    }

    /// The field names in index order, and what each is to the filter.
    pub fn fields(&self) -> (&[&'static str], &[&'static str]) {
        (&self.names, &self.kinds)
    }

    /// The packets' part of the page data: `count`, `chunk` (packets per
    /// chunk), `fields` and `kinds` (`known`: how many of the fields the filter
    /// resolves), `rows`, `details`, `values` and `frames` (the chunks: see
    /// [`super::details`]).
    pub fn finish(mut self) -> Json {
        self.flush();
        json!({
            "count": self.count,
            "chunk": CHUNK,
            "fields": self.names,
            "known": self.known,
            "kinds": self.kinds,
            "rows": self.row_chunks,
            "details": self.detail_chunks,
            "values": self.value_chunks,
            "frames": self.frame_chunks,
            "colours": super::colours::RULES,
        })
    }
}
