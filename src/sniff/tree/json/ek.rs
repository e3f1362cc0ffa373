//! `-T ek`: per frame, an Elasticsearch bulk `index` line and a document line
//! whose layers hold their fields flattened. A field is named after its protocol
//! and its own name (`tcp.flags.syn` → `tcp_tcp_flags_syn`); a pseudo-protocol
//! keeps its own name (`tcp_options_mss`). Booleans are JSON booleans, fields
//! without a value `null`. A name repeated among siblings becomes an array; one
//! repeated in another subtree keeps its first place and its last value.

use super::{ek_start, json_items, string, Frame, Raw, EK_END};
use crate::sniff::tree::{Ftype, Item};
use std::io::{self, Write};

/// A member's value.
enum Val {
    Str(String),
    Bool(bool),
    Null,
    Object(Vec<Member>),
}

/// A member of an object: its name, its values, and the item whose children it
/// was found among (siblings merge into an array).
struct Member {
    key: String,
    vals: Vec<Val>,
    parent: usize,
    /// A field's `_raw` bytes, not a field: where its name is also a field's
    /// (`tcp.seq`'s raw and `tcp.seq_raw`), the later one replaces the other.
    raw: bool,
}

/// Writes one frame's two lines.
pub(super) fn frame(out: &mut impl Write, f: &Frame<'_>, raw: bool) -> io::Result<()> {
    ek_start(out, f.time)?;
    let items = json_items(f.tree);
    let mut first = true;
    let mut i = 0;
    while i < items.len() {
        let layer = items[i];
        let end = subtree_end(&items, i);
        if layer.field.is_empty() {
            i = end;
            continue;
        }
        let mut sep = |out: &mut dyn Write| -> io::Result<()> {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            Ok(())
        };
        if raw {
            if let Some(r) = Raw::of(layer, f) {
                sep(out)?;
                write!(out, "\"{}_raw\":\"{}\"", ek_key(layer.field), r.hex)?;
            }
        }
        sep(out)?;
        write!(out, "\"{}\":", ek_key(layer.field))?;
        if !matches!(layer.ftype, Ftype::Protocol | Ftype::None) {
            // A field at the top (socklab's note) is its value.
            string(out, f.tree.value(layer))?;
            i = end;
            continue;
        }
        let mut members = Vec::new();
        let flat = Flattener { items: &items, f, raw };
        flat.flatten(i + 1, end, i, &mut members);
        write_object(out, &members)?;
        i = end;
    }
    out.write_all(EK_END)
}

/// The index after the subtree of `items[i]`.
fn subtree_end(items: &[&Item], i: usize) -> usize {
    let depth = items[i].depth;
    let mut j = i + 1;
    while j < items.len() && items[j].depth > depth {
        j += 1;
    }
    j
}

/// Flattens a layer's subtree into members.
struct Flattener<'a, 'f> {
    items: &'a [&'a Item],
    f: &'a Frame<'f>,
    raw: bool,
}

impl Flattener<'_, '_> {
    /// Adds the items `items[from..to]` (the children of `items[parent]` and their
    /// subtrees) to `members`.
    fn flatten(&self, from: usize, to: usize, parent: usize, members: &mut Vec<Member>) {
        // tshark groups siblings of one name, and their children with them: the
        // children of a group count as siblings of each other.
        let mut groups: Vec<(&str, usize)> = Vec::new();
        let mut i = from;
        while i < to {
            let item = self.items[i];
            let end = subtree_end(self.items, i);
            if item.field.is_empty() {
                self.flatten(i + 1, end, parent, members);
            } else if item.ftype == Ftype::Protocol && !item.pseudo_proto {
                let mut inner = Vec::new();
                self.flatten(i + 1, end, i, &mut inner);
                add(members, ek_name(item), Val::Object(inner), (parent, false));
            } else {
                self.field(item, parent, members);
                let group = match groups.iter().find(|(name, _)| *name == item.field) {
                    Some(&(_, first)) => first,
                    None => {
                        groups.push((item.field, i));
                        i
                    }
                };
                self.flatten(i + 1, end, group, members);
            }
            i = end;
        }
    }

    /// Adds one field (and its bytes with `-x`).
    fn field(&self, item: &Item, parent: usize, members: &mut Vec<Member>) {
        let name = ek_name(item);
        if self.raw {
            if let Some(r) = Raw::of(item, self.f) {
                add(members, format!("{name}_raw"), Val::Str(r.hex), (parent, true));
            }
        }
        let value = self.f.tree.value(item);
        let val = match item.ftype {
            Ftype::Boolean => Val::Bool(value != "0"),
            // The arrival time, which `-T json` shows as a date, is ISO 8601 here.
            Ftype::AbsoluteTime if item.field == "frame.time" => Val::Str(Iso(self.f.time).to_string()),
            Ftype::None => Val::Null,
            _ => Val::Str(value.to_string()),
        };
        add(members, name, val, (parent, false));
    }
}

/// Adds a value under `key`, found among the children of item `parent` (`raw`:
/// it is a field's bytes).
fn add(members: &mut Vec<Member>, key: String, val: Val, (parent, raw): (usize, bool)) {
    match members.iter_mut().find(|m| m.key == key) {
        Some(m) if m.parent == parent && m.raw == raw => m.vals.push(val),
        Some(m) => {
            m.vals = vec![val];
            m.parent = parent;
            m.raw = raw;
        }
        None => members.push(Member { key, vals: vec![val], parent, raw }),
    }
}

/// A time as ISO 8601 in UTC with nanoseconds: `2026-11-21T14:45:03.588493000Z`.
struct Iso(crate::sniff::value::Nanos);

impl std::fmt::Display for Iso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (secs, nanos) = (self.0.div_euclid(1_000_000_000), self.0.rem_euclid(1_000_000_000));
        let (days, day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = crate::sniff::render::civil_from_days(days);
        let (hh, mm, ss) = (day / 3600, day / 60 % 60, day % 60);
        write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{nanos:09}Z")
    }
}

/// The ek name of a field: the protocol that registers it (its name's first
/// part, unless [`Item::owner`] says otherwise) and its own name, `.` made `_`;
/// a protocol or a pseudo-protocol keeps its own name.
fn ek_name(item: &Item) -> String {
    if item.ftype == Ftype::Protocol || item.pseudo_proto {
        return ek_key(item.field);
    }
    let proto = match (item.owner, item.field.strip_prefix("_ws.expert")) {
        ("", Some(_)) => "_ws.expert",
        ("", None) => item.field.split('.').next().unwrap_or(item.field),
        (owner, _) => owner,
    };
    ek_key(&format!("{proto}_{}", item.field))
}

fn ek_key(name: &str) -> String {
    name.replace('.', "_")
}

fn write_object(out: &mut impl Write, members: &[Member]) -> io::Result<()> {
    out.write_all(b"{")?;
    for (n, m) in members.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        string(out, &m.key)?;
        out.write_all(b":")?;
        match &m.vals[..] {
            [one] => write_val(out, one)?,
            many => {
                out.write_all(b"[")?;
                for (k, v) in many.iter().enumerate() {
                    if k > 0 {
                        out.write_all(b",")?;
                    }
                    write_val(out, v)?;
                }
                out.write_all(b"]")?;
            }
        }
    }
    out.write_all(b"}")
}

fn write_val(out: &mut impl Write, v: &Val) -> io::Result<()> {
    match v {
        Val::Str(s) => string(out, s),
        Val::Bool(b) => write!(out, "{b}"),
        Val::Null => out.write_all(b"null"),
        Val::Object(members) => write_object(out, members),
    }
}
