//! The seam a protocol plugs into: [`Dissector`], what hands it bytes
//! ([`Claim`], [`Carrier`]) and how it declares its fields ([`FieldDecl`]).

use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// What hands a protocol its bytes: the layer below and the value it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Claim {
    /// An EtherType of an Ethernet, VLAN or Linux cooked header.
    EtherType(u16),
    /// An IPv4 protocol number or the IPv6 next header after the extension headers.
    IpProto(u8),
    /// A UDP port, as source or destination.
    UdpPort(u16),
    /// A TCP port, as source or destination; each segment's payload is one PDU.
    TcpPort(u16),
    /// An IEEE 802.2 LLC destination SAP in an IEEE 802.3 frame (an Ethernet
    /// length field instead of an EtherType); the PDU starts with the LLC header
    /// and ends where the length field says.
    LlcSap(u8),
    /// A SNAP organization code and protocol ID after an LLC header of SAP 0xaa
    /// in an IEEE 802.3 frame; the PDU starts with the LLC header.
    Snap(u32, u16),
}

/// The layer that carries a payload a heuristic may look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

/// A field a protocol declares, described as `tshark -G fields` describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// The filter name (`toy.kind`).
    pub name: &'static str,
    /// Its type.
    pub ftype: Ftype,
    /// Wireshark's title (`Kind`).
    pub title: &'static str,
    /// How numbers are shown: `BASE_DEC`, `BASE_HEX`, `BASE_NONE`.
    pub base: &'static str,
}

/// One protocol's dissector. Every method is a pure function of the PDU's bytes.
pub trait Dissector: Sync {
    /// The filter name: in `frame.protocols`, `-O`, and before each field name.
    fn name(&self) -> &'static str;
    /// Wireshark's title of the details block (`Internet Group Management Protocol`).
    fn title(&self) -> &'static str;
    /// The Protocol column.
    fn column(&self, pdu: &[u8]) -> &'static str;
    /// What hands it bytes.
    fn claims(&self) -> &'static [Claim];
    /// Whether a payload of `carrier` that no port claims is this protocol.
    fn heuristic(&self, _carrier: Carrier, _pdu: &[u8]) -> bool {
        false
    }
    /// Whether a payload its claim hands over is really this protocol: a
    /// protocol may refuse bytes on its own port that cannot be its own (TLS
    /// refuses text), and the payload then goes to the heuristics, or is data.
    fn accepts(&self, _pdu: &[u8]) -> bool {
        true
    }
    /// What this PDU settles for the rest of its TCP conversation, as a number
    /// (TLS: the version the hellos agree on), or `None`. The pipeline keeps the
    /// latest per conversation and hands it back to the `_in` methods of the
    /// conversation's later PDUs; after a first pass (`tshark -2`), the last
    /// one to every PDU of the conversation, earlier ones included. It is how a
    /// protocol shows state that one PDU alone cannot tell.
    fn learn(&self, _pdu: &[u8]) -> Option<u32> {
        None
    }
    /// The Protocol column, given what its conversation settled ([`Dissector::learn`]).
    fn column_in(&self, pdu: &[u8], _memo: Option<u32>) -> &'static str {
        self.column(pdu)
    }
    /// The details block, given what its conversation settled.
    fn tree_in(&self, pdu: &[u8], offset: usize, _memo: Option<u32>, tree: &mut Tree) {
        self.tree(pdu, offset, tree)
    }
    /// A field's values, given what its conversation settled.
    fn values_in<'p>(&self, pdu: &'p [u8], field: usize, _memo: Option<u32>, out: &mut Vec<Value<'p>>) {
        self.values(pdu, field, out)
    }
    /// Its fields; `values` and the tree refer to them by index. A field of type
    /// [`Ftype::Protocol`] is the protocol itself: its value is [`Dissector::label`],
    /// and in a display filter its bytes.
    fn fields(&self) -> &'static [FieldDecl];
    /// How many bytes of `pdu` the protocol uses (the rest is the link's padding);
    /// `None` when it cannot tell.
    fn len(&self, pdu: &[u8]) -> Option<usize> {
        Some(pdu.len())
    }
    /// Its part of `frame.protocols`: usually its name; tshark names some
    /// protocols twice (a dissector that hands the message to one per version).
    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        self.name()
    }
    /// The protocol's one-line summary, as tshark prints the protocol as a field.
    fn label(&self, _pdu: &[u8]) -> String {
        self.title().to_string()
    }
    /// The Info column.
    fn info(&self, pdu: &[u8], out: &mut String);
    /// Its details block: the protocol item at depth 0 over `pdu`, whose first
    /// byte is at `offset` of the frame, and its fields with their bytes.
    fn tree(&self, pdu: &[u8], offset: usize, tree: &mut Tree);
    /// Appends the values of field `field` (an index into [`Dissector::fields`]).
    fn values<'p>(&self, pdu: &'p [u8], field: usize, out: &mut Vec<Value<'p>>);
}

/// The values of field `name` as `d`'s details tree of `pdu` gives them: for a
/// protocol whose fields are many and nested (DHCPv6, NTP), `values` reads its
/// own tree, so that the two never disagree. Each value is typed by `ftype`.
pub fn tree_values(d: &dyn Dissector, pdu: &[u8], name: &str, ftype: Ftype, out: &mut Vec<Value<'static>>) {
    tree_values_in(d, pdu, None, name, ftype, out)
}

/// [`tree_values`] from the tree [`Dissector::tree_in`] draws given `memo`.
pub fn tree_values_in(
    d: &dyn Dissector,
    pdu: &[u8],
    memo: Option<u32>,
    name: &str,
    ftype: Ftype,
    out: &mut Vec<Value<'static>>,
) {
    let mut tree = Tree::new();
    d.tree_in(pdu, 0, memo, &mut tree);
    for item in tree.items().iter().filter(|i| i.field == name) {
        out.push(typed(tree.value(item), ftype));
    }
}

/// A tree item's JSON text as a typed value (`-T fields` and `-Y` compare those).
fn typed(text: &str, ftype: Ftype) -> Value<'static> {
    let owned = || Value::Str(text.to_string().into());
    match ftype {
        Ftype::Uint8 | Ftype::Uint16 | Ftype::Uint24 | Ftype::Uint32 | Ftype::Uint64 => match text.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16)
                .map_or_else(|_| owned(), |v| Value::hex(v, u8::try_from(hex.len()).unwrap_or(u8::MAX))),
            None => text.parse().map_or_else(|_| owned(), Value::Uint),
        },
        Ftype::Int32 => text.parse().map_or_else(|_| owned(), Value::Int),
        Ftype::Boolean => Value::Bool(text == "1"),
        Ftype::Ipv4 | Ftype::Ipv6 => text.parse().map_or_else(|_| owned(), Value::Ip),
        // tshark's JSON joins bytes with colons, its fields view does not.
        Ftype::Bytes => Value::Str(text.replace(':', "").into()),
        _ => owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_text_becomes_values_of_the_fields_type() {
        assert_eq!(typed("0x9de03f", Ftype::Uint24), Value::hex(0x9de03f, 6));
        assert_eq!(typed("3600", Ftype::Uint32), Value::Uint(3600));
        assert_eq!(typed("-16", Ftype::Int32), Value::Int(-16));
        assert_eq!(typed("1", Ftype::Boolean), Value::Bool(true));
        assert_eq!(typed("2001:db8::35", Ftype::Ipv6), Value::Ip("2001:db8::35".parse().unwrap()));
        assert_eq!(typed("00:0c:29", Ftype::Bytes).to_string(), "000c29");
        assert_eq!(typed("295e7744", Ftype::String).to_string(), "295e7744");
        assert_eq!(typed("not a number", Ftype::Uint8).to_string(), "not a number");
    }
}
