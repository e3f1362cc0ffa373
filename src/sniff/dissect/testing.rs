//! Helpers for the protocol files' tests: one frame through the pipeline, its
//! details tree, and its fields with their bytes.

use crate::sniff::capture::Frame;
use crate::sniff::dissect::dissector::{Ctx, Dissector};
pub use crate::sniff::dissect::link::LinkType;
use crate::sniff::dissect::tests::SYN;
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::tree::{Bytes, Tree};

/// The tree of the one frame `data`.
pub fn tree_of_frame(link: LinkType, data: &[u8]) -> Tree {
    let mut pipe = Pipeline::new(link, Facts::default());
    let p = pipe.process(&Frame { time: 0, len: data.len() as u32, data, origin: None });
    let mut tree = Tree::new();
    crate::sniff::render::detail::build(&mut tree, &p);
    tree
}

/// A field's name, value and bytes in the frame (offset, length).
pub type Field = (String, String, Option<(u32, u32)>);

/// The fields of the one frame `data`.
pub fn fields(link: LinkType, data: &[u8]) -> Vec<Field> {
    let tree = tree_of_frame(link, data);
    let at = |b: Option<Bytes>| b.map(|b| (b.offset, b.len));
    tree.items()
        .iter()
        .filter(|i| !i.field.is_empty())
        .map(|i| (i.field.to_string(), tree.value(i).to_string(), at(i.bytes)))
        .collect()
}

/// The values and bytes of the fields named `name`.
pub fn find<'a>(f: &'a [Field], name: &str) -> Vec<(&'a str, Option<(u32, u32)>)> {
    f.iter().filter(|(n, _, _)| n == name).map(|(_, v, b)| (v.as_str(), *b)).collect()
}

/// A PSH/ACK segment built on [`SYN`] carrying `payload` between `ports`.
pub fn segment(ports: (u16, u16), payload: &[u8]) -> Vec<u8> {
    let mut f = SYN.to_vec();
    f.extend(payload);
    f[17] += payload.len() as u8;
    f[34..36].copy_from_slice(&ports.0.to_be_bytes());
    f[36..38].copy_from_slice(&ports.1.to_be_bytes());
    f[47] = 0x18;
    f
}

/// Every occurrence of a field: value, (offset, length) when it has bytes, shown in `-V`.
pub type Occurrence = (String, Option<(u32, u32)>, bool);

/// The tree of the last of `frames` (raw IPv4), the first captured at
/// `start`, each next one `gap_ns` later; the frames before it are only tracked.
pub fn tree_of(frames: &[&[u8]], start: i64, gap_ns: i64) -> Tree {
    tree_of_link(LinkType::Ipv4, frames, start, gap_ns)
}

/// [`tree_of`] frames of link type `link`.
pub fn tree_of_link(link: LinkType, frames: &[&[u8]], start: i64, gap_ns: i64) -> Tree {
    let mut pipe = Pipeline::new(link, Facts::default());
    let mut tree = Tree::new();
    for (n, data) in frames.iter().enumerate() {
        let frame = Frame { time: start + n as i64 * gap_ns, len: data.len() as u32, data, origin: None };
        let p = pipe.process(&frame);
        crate::sniff::render::detail::build(&mut tree, &p);
    }
    tree
}

/// The occurrences of `field` in `tree`.
pub fn occurrences(tree: &Tree, field: &str) -> Vec<Occurrence> {
    let items = tree.items().iter().filter(|i| i.field == field);
    items.map(|i| (tree.value(i).to_string(), i.bytes.map(|b| (b.offset, b.len)), i.shown)).collect()
}

/// The one occurrence of `field`.
pub fn one(tree: &Tree, field: &str) -> Occurrence {
    let all = occurrences(tree, field);
    assert_eq!(all.len(), 1, "{field}: {all:?}");
    all[0].clone()
}

/// A registered protocol's Info column for `pdu` handed over with `ctx`.
pub fn info_of(d: &dyn Dissector, pdu: &[u8], ctx: Ctx) -> String {
    let mut s = String::new();
    d.info(pdu, ctx, &mut s);
    s
}

/// A registered protocol's values of the field `name` in `pdu`, as text.
pub fn values_of(d: &dyn Dissector, pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
    let i = d.fields().iter().position(|f| f.name == name).unwrap_or_else(|| panic!("no field {name}"));
    let mut out = Vec::new();
    d.values(pdu, ctx, i, &mut out);
    out.iter().map(ToString::to_string).collect()
}
