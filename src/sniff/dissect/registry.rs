//! The dissector registry: protocols that live each in one file and plug into the
//! sniffer through [`Dissector`]. The generic code asks the registry which
//! protocol takes a payload, and every view asks the protocol itself: the
//! Protocol and Info columns, `frame.protocols`, the details tree (`-V`, `-T json`,
//! `-x`), field values (`-T fields`, `-Y`), the glossary (`-G fields`) and `-O`.
//!
//! # How to add a protocol
//!
//! 1. Write `src/sniff/dissectors/<name>.rs` with a unit struct that implements
//!    [`Dissector`]:
//!    - `name`, `title`, `column`: the filter name (`igmp`), Wireshark's title of
//!      the details block, and the Protocol column's text;
//!    - `claims`: what hands it bytes (an EtherType, an IP protocol number, a UDP
//!      or TCP port), and optionally `heuristic` for payloads no port claims;
//!    - `fields`: each field's tshark name, type and Wireshark's title, in the
//!      order of the field indexes its `values` takes;
//!    - `info`, `tree`, `values`: the Info column, the details tree with every
//!      field's bytes, and a field's values — all decoded from the PDU's bytes,
//!      which may be cut short or hostile: check every length, never panic.
//! 2. Add one line to [`REGISTRY`].
//! 3. Run `scripts/glossary.sh` (the glossary then lists the new fields as tshark
//!    describes them) and add the fields' explanations to
//!    `src/teach/explain/topics.txt` if students should see them in `explain`.
//!
//! A protocol here is decoded from one PDU's bytes without conversation state;
//! state that spans frames (TCP streams and reassembly, DNS and HTTP request and
//! response links) stays in its own modules (`sniff::tcp`, `sniff::app`). The
//! built-in DNS and HTTP decoders take precedence over a port claim.

use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

use super::arp;
#[cfg(test)]
use super::toy;

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

/// Every registered protocol. Adding a protocol is its file and one line here.
pub static REGISTRY: &[&dyn Dissector] = &[
    &arp::Arp,
    #[cfg(test)]
    &toy::Toy,
];

/// A PDU some registered protocol took: the protocol's index in [`REGISTRY`]
/// and where its bytes are in the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// Index in [`REGISTRY`].
    pub dissector: u8,
    /// Offset of the first byte in the frame.
    pub offset: usize,
    /// Number of bytes.
    pub len: usize,
}

impl Pdu {
    /// The protocol.
    pub fn dissector(&self) -> &'static dyn Dissector {
        REGISTRY[usize::from(self.dissector)]
    }

    /// The PDU's bytes in `frame` (empty if the frame is shorter).
    pub fn bytes<'f>(&self, frame: &'f [u8]) -> &'f [u8] {
        frame.get(self.offset..self.offset.saturating_add(self.len)).unwrap_or_default()
    }
}

/// The protocol that takes a payload the layer below hands over with `claim`.
pub fn claimed(claim: Claim) -> Option<u8> {
    REGISTRY.iter().position(|d| d.claims().contains(&claim)).and_then(|i| u8::try_from(i).ok())
}

/// The first protocol whose heuristic takes `pdu`.
pub fn guessed(carrier: Carrier, pdu: &[u8]) -> Option<u8> {
    REGISTRY.iter().position(|d| d.heuristic(carrier, pdu)).and_then(|i| u8::try_from(i).ok())
}

/// The protocol and the PDU that the ports of a UDP or TCP payload, or else a
/// heuristic, give it to.
pub fn for_ports(carrier: Carrier, sport: u16, dport: u16, offset: usize, pdu: &[u8]) -> Option<Pdu> {
    if pdu.is_empty() {
        return None;
    }
    let claim = |port| match carrier {
        Carrier::Udp => Claim::UdpPort(port),
        Carrier::Tcp => Claim::TcpPort(port),
    };
    // As tshark, the lower port is tried first (the server's, usually).
    let (lo, hi) = if sport <= dport { (sport, dport) } else { (dport, sport) };
    let dissector = claimed(claim(lo)).or_else(|| claimed(claim(hi))).or_else(|| guessed(carrier, pdu))?;
    Some(Pdu { dissector, offset, len: pdu.len() })
}

/// How many fields the registered protocols declare.
pub fn field_count() -> usize {
    REGISTRY.iter().map(|d| d.fields().len()).sum()
}

/// Registered field number `i` (counting over the protocols in order): its
/// protocol's index in [`REGISTRY`] and its own index in the protocol's fields.
fn locate(i: usize) -> Option<(usize, usize)> {
    let mut rest = i;
    for (n, d) in REGISTRY.iter().enumerate() {
        let count = d.fields().len();
        if rest < count {
            return Some((n, rest));
        }
        rest -= count;
    }
    None
}

/// Registered field number `i`: its protocol and declaration.
pub fn field(i: usize) -> Option<(&'static dyn Dissector, &'static FieldDecl)> {
    let (d, own) = locate(i)?;
    Some((REGISTRY[d], &REGISTRY[d].fields()[own]))
}

/// The number of the registered field named `name`.
pub fn field_index(name: &str) -> Option<usize> {
    REGISTRY.iter().flat_map(|d| d.fields()).position(|f| f.name == name)
}

/// The registered protocol named `name` (`-O`, `frame.protocols`).
pub fn by_name(name: &str) -> Option<&'static dyn Dissector> {
    REGISTRY.iter().copied().find(|d| d.name().eq_ignore_ascii_case(name))
}

/// Appends the values of registered field `i` of a packet whose PDU is `pdu`.
pub fn values<'p>(pdu: &Pdu, frame: &'p [u8], i: usize, out: &mut Vec<Value<'p>>) {
    match locate(i) {
        Some((d, own)) if d == usize::from(pdu.dissector) => {
            let (dissector, bytes) = (pdu.dissector(), pdu.bytes(frame));
            match dissector.fields()[own].ftype {
                Ftype::Protocol => out.push(Value::Str(dissector.label(bytes).into())),
                _ => dissector.values(bytes, own, out),
            }
        }
        _ => {}
    }
}

/// Appends the bytes of registered field `i` when it is a protocol (what a
/// display filter compares `arp` with); returns whether it is one.
pub fn protocol_bytes<'p>(pdu: Option<&Pdu>, frame: &'p [u8], i: usize, out: &mut Vec<Value<'p>>) -> bool {
    let Some((d, own)) = locate(i) else { return false };
    if REGISTRY[d].fields()[own].ftype != Ftype::Protocol {
        return false;
    }
    if let Some(pdu) = pdu.filter(|p| usize::from(p.dissector) == d) {
        out.push(Value::Bytes(pdu.bytes(frame).into()));
    }
    true
}

/// The glossary lines (`tshark -G fields` columns) of the registered protocols.
pub fn glossary_lines() -> impl Iterator<Item = String> {
    REGISTRY.iter().flat_map(|d| {
        std::iter::once(format!("P\t{}\t{}", d.title(), d.name())).chain(d.fields().iter().map(move |f| {
            format!("F\t{}\t{}\t{}\t{}\t{}\t0x0\t", f.title, f.name, ftype_name(f.ftype), d.name(), f.base)
        }))
    })
}

/// The `FT_` name of a type, as the glossary writes it.
fn ftype_name(t: Ftype) -> &'static str {
    match t {
        Ftype::None => "FT_NONE",
        Ftype::Protocol => "FT_PROTOCOL",
        Ftype::Boolean => "FT_BOOLEAN",
        Ftype::Uint8 => "FT_UINT8",
        Ftype::Uint16 => "FT_UINT16",
        Ftype::Uint24 => "FT_UINT24",
        Ftype::Uint32 => "FT_UINT32",
        Ftype::Uint64 => "FT_UINT64",
        Ftype::Int32 => "FT_INT32",
        Ftype::Double => "FT_DOUBLE",
        Ftype::AbsoluteTime => "FT_ABSOLUTE_TIME",
        Ftype::RelativeTime => "FT_RELATIVE_TIME",
        Ftype::String => "FT_STRING",
        Ftype::Stringz => "FT_STRINGZ",
        Ftype::UintString => "FT_UINT_STRING",
        Ftype::Ether => "FT_ETHER",
        Ftype::Bytes => "FT_BYTES",
        Ftype::Ipv4 => "FT_IPv4",
        Ftype::Ipv6 => "FT_IPv6",
        Ftype::Framenum => "FT_FRAMENUM",
    }
}
