//! The seam a protocol plugs into: [`Dissector`], what hands it bytes
//! ([`Claim`], [`Carrier`]) and how it declares its fields ([`FieldDecl`]).

use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// What hands a protocol its bytes: the layer below and the value it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
