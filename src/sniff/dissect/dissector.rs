//! The seam a protocol plugs into: [`Dissector`], what hands it bytes
//! ([`Claim`], [`Carrier`]), how it declares its fields ([`FieldDecl`]), and
//! what it may remember across the frames of a capture ([`CaptureState`],
//! [`Recall`]).

use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt;

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

/// How the layer below handed a PDU over: what a client/server protocol needs
/// to tell a request from a response, as tshark's dissectors ask whether the
/// port that matched (`pinfo->match_uint`) is the destination port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ctx {
    /// The UDP or TCP port whose claim gave the PDU to the protocol; `None` when
    /// no port did (an EtherType, an IP protocol, a heuristic).
    pub port: Option<u16>,
    /// Whether that port is the destination port: the PDU goes to the server.
    pub to_port: bool,
    /// What the protocol learned earlier in its TCP conversation
    /// ([`Dissector::learn`]), set by the pipeline.
    pub memo: Option<u32>,
}

impl Ctx {
    /// A PDU sent to the claimed port `port` (a request), as tests build it.
    pub fn to(port: u16) -> Ctx {
        Ctx { port: Some(port), to_port: true, memo: None }
    }

    /// A PDU sent from the claimed port `port` (a response).
    pub fn from(port: u16) -> Ctx {
        Ctx { port: Some(port), to_port: false, memo: None }
    }
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

/// How many bytes a [`Recall`] carries.
pub const RECALL_BYTES: usize = 16;

/// What a protocol's [`CaptureState`] found about one of its PDUs by looking at
/// the frames before it: a link to an earlier frame, and bytes and flags whose
/// meaning the protocol defines (ARP: the IPv4 address claimed twice, the MAC
/// address that claimed it earlier and the one that claims it now). Plain `Copy`
/// data: it travels with the packet to every view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recall {
    /// The earlier frame the finding points at.
    pub frame: u32,
    /// Whole seconds between that frame and this one.
    pub secs: u32,
    /// The protocol's bytes.
    pub bytes: [u8; RECALL_BYTES],
    /// The protocol's flags.
    pub flags: u8,
}

/// A protocol's memory of one capture (as tshark keeps per-file tables). The
/// sniffer makes one per pass with [`Dissector::capture_state`] and hands it the
/// protocol's PDUs in capture order; what it returns for a frame is shown by the
/// `recalled_*` methods of the [`Dissector`]. Implementations must stay bounded
/// in memory whatever the capture holds.
pub trait CaptureState: Send {
    /// Takes in the PDU of frame `frame` (captured `secs` seconds after the
    /// epoch) and returns what the earlier frames say about it, if anything.
    fn frame(&mut self, pdu: &[u8], frame: u32, secs: i64) -> Option<Recall>;
}

/// One protocol's dissector. Every method is a pure function of the PDU's bytes
/// and, for `info`, `tree` and `values`, of the [`Ctx`] it came with (and, for
/// the `recalled_*` ones, of what its [`CaptureState`] found).
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
    /// latest per conversation and hands it back in [`Ctx::memo`] to the
    /// conversation's later PDUs; after a first pass (`tshark -2`), the last one
    /// to every PDU of the conversation, earlier ones included. It is how a
    /// protocol shows state that one PDU alone cannot tell.
    fn learn(&self, _pdu: &[u8]) -> Option<u32> {
        None
    }
    /// The Protocol column given the PDU's [`Ctx`] (TLS: the version its
    /// conversation settled); [`Dissector::column`] unless a protocol needs it.
    fn column_in(&self, pdu: &[u8], _ctx: Ctx) -> &'static str {
        self.column(pdu)
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
    /// Whether tshark writes `N/A` in the Source and Destination columns when
    /// no layer below gave addresses (IS-IS on Cisco HDLC: the OSI layer sets
    /// empty addresses).
    fn unaddressed_na(&self) -> bool {
        false
    }
    /// The Info column.
    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String);
    /// Its details block: the protocol item at depth 0 over `pdu`, whose first
    /// byte is at `offset` of the frame, and its fields with their bytes.
    fn tree(&self, pdu: &[u8], ctx: Ctx, offset: usize, tree: &mut Tree);
    /// Appends the values of field `field` (an index into [`Dissector::fields`]).
    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>);
    /// A fresh memory for one pass over a capture, for a protocol whose views
    /// depend on earlier frames (ARP's duplicate-address check); `None` for a
    /// protocol whose every frame stands alone.
    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        None
    }
    /// Appends to the Info column what the capture state found.
    fn recalled_info(&self, _recall: &Recall, _out: &mut String) {}
    /// Adds to the details, after the protocol's block, what the capture state found.
    fn recalled_tree(&self, _recall: &Recall, _tree: &mut Tree) {}
    /// Appends the values of field `field` that come from the capture state.
    fn recalled_values<'p>(&self, _recall: &Recall, _field: usize, _out: &mut Vec<Value<'p>>) {}
    /// Writes the teaching note for what the capture state found (nothing: no note).
    fn recalled_note(&self, _recall: &Recall, _out: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

/// The values of field `name` as `d`'s details tree of `pdu` gives them: for a
/// protocol whose fields are many and nested (DHCPv6, NTP), `values` reads its
/// own tree, so that the two never disagree. Each value is typed by `ftype`.
pub fn tree_values(d: &dyn Dissector, pdu: &[u8], ctx: Ctx, name: &str, ftype: Ftype, out: &mut Vec<Value<'static>>) {
    let mut tree = Tree::new();
    d.tree(pdu, ctx, 0, &mut tree);
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
