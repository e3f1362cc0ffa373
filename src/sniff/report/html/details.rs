//! One chunk of packets, in three parts, with what repeats from packet to
//! packet written once:
//! - the tree: its lines (`t`), the items without their text (`k`: depth,
//!   field, look, source, offset, length, mask), each packet's sequence of
//!   items (`h`); a packet is `[layout, [text ids], sources]`, so an ACK is a
//!   few numbers and the lines that differ from the previous ACK;
//! - the filter's values: the lists of fields (`g`), the frames' lengths (`l`),
//!   and per packet `[field list, [values]]` (the display filter reads only
//!   this part and the frames);
//! - the frames' bytes, one binary blob, which compresses far better than text.

use crate::sniff::hash::FxHashMap;
use serde_json::{json, Value as Json};
use std::hash::Hash;

/// A list of distinct values, each with its index.
struct Interner<K> {
    list: Vec<K>,
    index: FxHashMap<K, usize>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Interner { list: Vec::new(), index: FxHashMap::default() }
    }
}

impl Interner<String> {
    /// The index of `text`, copied only the first time it is seen.
    fn text_id(&mut self, text: &str) -> usize {
        match self.index.get(text) {
            Some(&i) => i,
            None => self.id(text.to_string()),
        }
    }
}

impl<K: Hash + Eq + Clone> Interner<K> {
    fn id(&mut self, key: K) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.list.push(key.clone());
        self.index.insert(key, self.list.len() - 1);
        self.list.len() - 1
    }
}

/// One shown line of a packet's tree.
pub struct Line<'a> {
    /// Depth in the tree.
    pub depth: u8,
    /// Index of the field's name, -1 for a text-only line.
    pub field: i64,
    /// The line.
    pub text: &'a str,
    /// Its CSS class letter ("" for plain).
    pub look: &'static str,
    /// Data source, offset and length of its bytes, if it has any.
    pub bytes: Option<(u8, u32, u32)>,
    /// Its bit mask (0: whole bytes).
    pub mask: u64,
}

/// A line without its text: what neighbouring packets share.
type Shape = (u8, i64, &'static str, Option<(u8, u32, u32)>, u64);

/// A chunk being built.
#[derive(Default)]
pub struct Chunk {
    texts: Interner<String>,
    shapes: Interner<Shape>,
    layouts: Interner<Vec<usize>>,
    field_lists: Interner<Vec<usize>>,
    trees: Vec<Json>,
    values: Vec<Json>,
    frames: Vec<u8>,
    lengths: Vec<usize>,
}

/// A finished chunk: its tree and values as JSON, its frames as bytes.
pub struct Encoded {
    /// The tree part.
    pub tree: Json,
    /// The values part.
    pub values: Json,
    /// The frames, one after the other.
    pub frames: Vec<u8>,
}

impl Chunk {
    /// Adds a packet: its tree's lines, its filter values (field index, values),
    /// its frame and its other data sources (`[name, base64]`).
    pub fn push<'a>(
        &mut self,
        lines: impl Iterator<Item = Line<'a>>,
        values: Vec<(usize, Vec<String>)>,
        frame: &[u8],
        sources: Vec<Json>,
    ) {
        let (mut layout, mut texts) = (Vec::new(), Vec::new());
        for l in lines {
            layout.push(self.shapes.id((l.depth, l.field, l.look, l.bytes, l.mask)));
            texts.push(self.texts.text_id(l.text));
        }
        let layout = self.layouts.id(layout);
        let fields = self.field_lists.id(values.iter().map(|(f, _)| *f).collect());
        let values: Vec<Json> =
            values.into_iter().map(|(_, mut v)| if v.len() == 1 { json!(v.remove(0)) } else { json!(v) }).collect();
        let mut tree = vec![json!(layout), json!(texts)];
        if !sources.is_empty() {
            tree.push(json!(sources));
        }
        self.trees.push(Json::Array(tree));
        self.values.push(json!([fields, values]));
        self.frames.extend_from_slice(frame);
        self.lengths.push(frame.len());
    }

    /// The chunk's three parts.
    pub fn finish(self) -> Encoded {
        let shapes: Vec<Json> = self
            .shapes
            .list
            .iter()
            .map(|&(depth, field, look, bytes, mask)| {
                let mut s = vec![json!(depth), json!(field), json!(look)];
                if let Some((src, off, len)) = bytes {
                    s.extend([json!(src), json!(off), json!(len)]);
                    if mask != 0 {
                        s.push(json!(format!("{mask:x}")));
                    }
                }
                Json::Array(s)
            })
            .collect();
        Encoded {
            tree: json!({ "t": self.texts.list, "k": shapes, "h": self.layouts.list, "p": self.trees }),
            values: json!({ "g": self.field_lists.list, "l": self.lengths, "p": self.values }),
            frames: self.frames,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_lines_and_layouts_are_written_once() {
        let mut c = Chunk::default();
        for seq in ["Seq: 1", "Seq: 2"] {
            let lines = [
                Line { depth: 0, field: 3, text: "TCP", look: "b", bytes: Some((0, 0, 20)), mask: 0 },
                Line { depth: 1, field: 4, text: seq, look: "", bytes: Some((0, 4, 4)), mask: 0 },
            ];
            c.push(lines.into_iter(), vec![(4, vec![seq[5..].to_string()])], &[1, 2], Vec::new());
        }
        let e = c.finish();
        assert_eq!(e.tree["t"], json!(["TCP", "Seq: 1", "Seq: 2"]));
        assert_eq!(e.tree["h"], json!([[0, 1]]));
        assert_eq!(e.tree["p"], json!([[0, [0, 1]], [0, [0, 2]]]));
        assert_eq!(e.tree["k"][1], json!([1, 4, "", 0, 4, 4]));
        assert_eq!(e.values["p"], json!([[0, ["1"]], [0, ["2"]]]));
        assert_eq!((e.frames, e.values["l"].clone()), (vec![1, 2, 1, 2], json!([2, 2])));
    }
}
