//! The field tree of one dissected frame, as Wireshark's protocol tree: a list of
//! items in pre-order, each with its depth, its tshark field name (none for a
//! text-only line), its value, the line `-V` shows, and where its bytes are (data
//! source, offset, length, bit mask). Every view that needs more than the packet
//! list renders from it: `-V` ([`text`]), `-T json`, `-x` and `-T ek` ([`json`]).
//!
//! The tree is built only for those views, into one reused [`Tree`] (its buffers
//! keep their capacity between frames). The packet list and `-T fields` read the
//! decoded [`Packet`](crate::sniff::packet::Packet) directly, which is cheaper.

pub mod draw;
pub mod json;
pub mod text;

use std::fmt::{self, Write as _};

/// A field's type, numbered as Wireshark numbers its field types (`ftenum` of
/// tshark 4.0): the last member of a `-x` `_raw` array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Ftype {
    None = 0,
    Protocol = 1,
    Boolean = 2,
    Uint8 = 4,
    Uint16 = 5,
    Uint24 = 6,
    Uint32 = 7,
    Uint64 = 11,
    Int32 = 15,
    Int64 = 19,
    Double = 23,
    AbsoluteTime = 24,
    RelativeTime = 25,
    String = 26,
    Stringz = 27,
    UintString = 28,
    Ether = 29,
    Bytes = 30,
    Ipv4 = 32,
    Ipv6 = 33,
    Framenum = 35,
}

impl Ftype {
    /// What a display filter compares a field of this type as.
    pub fn kind(self) -> crate::sniff::filter::FieldKind {
        use crate::sniff::filter::FieldKind as K;
        match self {
            Ftype::String | Ftype::Stringz | Ftype::UintString => K::Text,
            Ftype::Ipv4 | Ftype::Ipv6 => K::Address,
            Ftype::AbsoluteTime | Ftype::RelativeTime => K::Time,
            Ftype::Protocol | Ftype::Bytes | Ftype::Ether => K::Bytes,
            _ => K::Number,
        }
    }
}

/// How the text view shows a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Look {
    /// Indented by depth, no colour.
    #[default]
    Plain,
    /// Bold (a frame's title).
    Bold,
    /// Red (a malformed packet).
    Bad,
    /// Cyan (socklab's teaching note).
    Note,
    /// Printed as it is, without indentation: a block of lines (the hex dump
    /// `tshark -V` prints inside the Data block). Not part of the JSON views.
    Verbatim,
}

/// Where an item's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes {
    /// The data source: 0 is the frame, others index [`Tree::sources`].
    pub source: u8,
    /// Offset of the first byte in the source.
    pub offset: u32,
    /// Number of bytes.
    pub len: u32,
}

/// One line of the tree.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    /// Nesting depth: 0 for a protocol layer.
    pub depth: u8,
    /// The tshark field name (`tcp.srcport`), the protocol name (`tcp`), or ""
    /// for a text-only line.
    pub field: &'static str,
    /// The field's type.
    pub ftype: Ftype,
    /// The field's bytes; `None` for a generated field (tshark's `[…]`).
    pub bytes: Option<Bytes>,
    /// The bits of the field in its bytes (0: all of them).
    pub bitmask: u64,
    /// For a bit field, its value shifted down (the hex `-x` prints).
    pub bits: u64,
    /// The field is a pseudo-protocol (tshark registers TCP options that way):
    /// it keeps its own name in `-T ek`.
    pub pseudo_proto: bool,
    /// Shown in `-V` (a hidden field, like `ip.addr`, is only in the JSON views).
    pub shown: bool,
    /// The protocol that registers the field, where its name does not begin with
    /// it (IPv6 registers a hidden `ip.version`); "" otherwise. `-T ek` names
    /// fields after it.
    pub owner: &'static str,
    /// How the text view shows it.
    pub look: Look,
    value: (u32, u32),
    display: (u32, u32),
}

/// A data source other than the frame: a reassembled or decoded buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The name Wireshark gives it (`Reassembled TCP (120 bytes)`).
    pub name: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// The tree of one frame.
#[derive(Debug, Default)]
pub struct Tree {
    items: Vec<Item>,
    text: String,
    sources: Vec<Source>,
    source: u8,
}

/// An expert item's severity (Wireshark's `PI_*` severity values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Severity {
    Comment,
    Chat,
    Note,
    Warning,
    Error,
}

impl Severity {
    /// The value tshark gives `_ws.expert.severity`.
    pub fn code(self) -> u32 {
        match self {
            Severity::Comment => 0x0010_0000,
            Severity::Chat => 0x0020_0000,
            Severity::Note => 0x0040_0000,
            Severity::Warning => 0x0060_0000,
            Severity::Error => 0x0080_0000,
        }
    }

    /// The name `-V` shows.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Comment => "Comment",
            Severity::Chat => "Chat",
            Severity::Note => "Note",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
        }
    }
}

/// An expert item's group (Wireshark's `PI_*` group values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Group {
    Checksum,
    Sequence,
    ResponseCode,
    RequestCode,
    Undecoded,
    Reassemble,
    Malformed,
    Protocol,
    Comment,
}

impl Group {
    /// The value tshark gives `_ws.expert.group`.
    pub fn code(self) -> u32 {
        match self {
            Group::Checksum => 0x0100_0000,
            Group::Sequence => 0x0200_0000,
            Group::ResponseCode => 0x0300_0000,
            Group::RequestCode => 0x0400_0000,
            Group::Undecoded => 0x0500_0000,
            Group::Reassemble => 0x0600_0000,
            Group::Malformed => 0x0700_0000,
            Group::Protocol => 0x0900_0000,
            Group::Comment => 0x0b00_0000,
        }
    }

    /// The name `-V` shows.
    pub fn name(self) -> &'static str {
        match self {
            Group::Checksum => "Checksum",
            Group::Sequence => "Sequence",
            Group::ResponseCode => "Response code",
            Group::RequestCode => "Request code",
            Group::Undecoded => "Undecoded",
            Group::Reassemble => "Reassemble",
            Group::Malformed => "Malformed",
            Group::Protocol => "Protocol",
            Group::Comment => "Comment",
        }
    }
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Tree {
        Tree::default()
    }

    /// Empties the tree for the next frame, keeping its buffers.
    pub fn clear(&mut self) {
        self.items.clear();
        self.text.clear();
        self.sources.clear();
        self.source = 0;
    }

    /// The items in pre-order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// An item's value as tshark's JSON shows it ("" when it has none).
    pub fn value(&self, item: &Item) -> &str {
        &self.text[item.value.0 as usize..item.value.1 as usize]
    }

    /// An item's line in `-V`.
    pub fn display(&self, item: &Item) -> &str {
        &self.text[item.display.0 as usize..item.display.1 as usize]
    }

    /// The data sources after the frame (source `n` is `sources()[n - 1]`).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Adds a data source; the items added after it point into it until
    /// [`Tree::use_frame`].
    pub fn push_source(&mut self, name: String, data: Vec<u8>) {
        self.sources.push(Source { name, data });
        self.source = u8::try_from(self.sources.len()).unwrap_or(u8::MAX);
    }

    /// Items added from now on point into the frame.
    pub fn use_frame(&mut self) {
        self.source = 0;
    }

    /// Starts an item at `depth`; finish it with [`Draft::line`] or [`Draft::hidden`].
    pub fn at(&mut self, depth: usize) -> Draft<'_> {
        let start = self.text.len() as u32;
        let item = Item {
            depth: u8::try_from(depth).unwrap_or(u8::MAX),
            field: "",
            ftype: Ftype::None,
            bytes: None,
            bitmask: 0,
            bits: 0,
            pseudo_proto: false,
            shown: true,
            owner: "",
            look: Look::Plain,
            value: (start, start),
            display: (start, start),
        };
        Draft { tree: self, item }
    }

    /// A text-only line at `depth`.
    pub fn text(&mut self, depth: usize, display: fmt::Arguments<'_>) {
        self.at(depth).line(display);
    }

    /// Wireshark's expert item: `[Expert Info (Severity/Group): message]` with the
    /// message (as the expert field `field`), severity and group below it.
    pub fn expert(&mut self, depth: usize, field: &'static str, severity: Severity, group: Group, message: &str) {
        let (s, g) = (severity.name(), group.name());
        self.at(depth).proto("_ws.expert").line(format_args!("[Expert Info ({s}/{g}): {message}]"));
        self.at(depth + 1).field(field, Ftype::None, "").line(format_args!("[{message}]"));
        self.at(depth + 1).field("_ws.expert.message", Ftype::String, message).hidden();
        self.at(depth + 1)
            .field("_ws.expert.severity", Ftype::Uint32, severity.code())
            .line(format_args!("[Severity level: {s}]"));
        self.at(depth + 1).field("_ws.expert.group", Ftype::Uint32, group.code()).line(format_args!("[Group: {g}]"));
    }

    /// Appends the items of `other`, built on its own, `depth` levels deeper:
    /// a protocol carried inside another's block (DNS in an HTTP/2 DATA frame).
    /// Their bytes point into this tree's current data source; `other` must
    /// have no data sources of its own.
    pub fn graft(&mut self, other: &Tree, depth: usize) {
        let base = self.text.len() as u32;
        self.text.push_str(&other.text);
        let shift = |r: (u32, u32)| (r.0 + base, r.1 + base);
        for item in &other.items {
            let mut i = *item;
            i.depth = i.depth.saturating_add(u8::try_from(depth).unwrap_or(u8::MAX));
            i.value = shift(i.value);
            i.display = shift(i.display);
            if let Some(b) = i.bytes.as_mut() {
                b.source = self.source;
            }
            self.items.push(i);
        }
    }

    /// Whether item `i` has children.
    pub fn has_children(&self, i: usize) -> bool {
        self.items.get(i + 1).is_some_and(|next| next.depth > self.items[i].depth)
    }
}

/// An item being built.
pub struct Draft<'t> {
    tree: &'t mut Tree,
    item: Item,
}

impl Draft<'_> {
    /// A field with its tshark name, type and JSON value.
    pub fn field(mut self, name: &'static str, ftype: Ftype, value: impl fmt::Display) -> Self {
        self.item.field = name;
        self.item.ftype = ftype;
        let start = self.tree.text.len() as u32;
        let _ = write!(self.tree.text, "{value}");
        self.item.value = (start, self.tree.text.len() as u32);
        self
    }

    /// A protocol layer (`tcp`), whose children are its fields.
    pub fn proto(mut self, name: &'static str) -> Self {
        self.item.field = name;
        self.item.ftype = Ftype::Protocol;
        self
    }

    /// A field tshark registers as a protocol of its own (`tcp.options.mss`).
    pub fn pseudo_proto(mut self) -> Self {
        self.item.pseudo_proto = true;
        self
    }

    /// The protocol that registers the field, where its name does not say it.
    pub fn owner(mut self, proto: &'static str) -> Self {
        self.item.owner = proto;
        self
    }

    /// The item's bytes in the current data source.
    pub fn bytes(mut self, offset: usize, len: usize) -> Self {
        let (offset, len) = (u32::try_from(offset).unwrap_or(u32::MAX), u32::try_from(len).unwrap_or(u32::MAX));
        self.item.bytes = Some(Bytes { source: self.tree.source, offset, len });
        self
    }

    /// A bit field: `mask` over the item's bytes, `bits` its value shifted down.
    pub fn mask(mut self, mask: u64, bits: u64) -> Self {
        self.item.bitmask = mask;
        self.item.bits = bits;
        self
    }

    /// How the text view shows the line.
    pub fn look(mut self, look: Look) -> Self {
        self.item.look = look;
        self
    }

    /// Adds the item with its `-V` line.
    pub fn line(mut self, display: fmt::Arguments<'_>) {
        let start = self.tree.text.len() as u32;
        let _ = self.tree.text.write_fmt(display);
        self.item.display = (start, self.tree.text.len() as u32);
        self.tree.items.push(self.item);
    }

    /// Adds the item without a `-V` line (a hidden field).
    pub fn hidden(mut self) {
        self.item.shown = false;
        self.tree.items.push(self.item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_text_value_and_bytes() {
        let mut t = Tree::new();
        t.at(0).proto("udp").bytes(34, 8).line(format_args!("User Datagram Protocol"));
        t.at(1).field("udp.srcport", Ftype::Uint16, 53).bytes(34, 2).line(format_args!("Source Port: {}", 53));
        t.at(1).field("udp.port", Ftype::Uint16, 53).bytes(34, 2).hidden();
        let items = t.items();
        assert_eq!(items.len(), 3);
        assert_eq!(t.display(&items[1]), "Source Port: 53");
        assert_eq!(t.value(&items[1]), "53");
        assert_eq!(items[1].bytes, Some(Bytes { source: 0, offset: 34, len: 2 }));
        assert!(!items[2].shown);
        assert!(t.has_children(0));
        assert!(!t.has_children(1));
        t.clear();
        assert!(t.items().is_empty());
    }

    #[test]
    fn an_expert_item_has_wiresharks_four_lines_and_a_hidden_message() {
        let mut t = Tree::new();
        t.expert(2, "tcp.connection.syn", Severity::Chat, Group::Sequence, "SYN");
        let shown: Vec<&str> = t.items().iter().filter(|i| i.shown).map(|i| t.display(i)).collect();
        assert_eq!(
            shown,
            ["[Expert Info (Chat/Sequence): SYN]", "[SYN]", "[Severity level: Chat]", "[Group: Sequence]"]
        );
        let sev = t.items().iter().find(|i| i.field == "_ws.expert.severity").unwrap();
        assert_eq!(t.value(sev), "2097152");
    }
}
