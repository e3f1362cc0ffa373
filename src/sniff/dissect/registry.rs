//! The dissector registry: the list of protocols that plug into the sniffer
//! through [`Dissector`], and the lookups the generic code makes in it: which
//! protocol takes a payload, and a registered field's protocol, declaration and
//! values. How to add a protocol: the docs of [`crate::sniff::dissect`].

use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::Ftype;
use crate::sniff::value::Value;
use std::sync::OnceLock;

pub use super::dissector::{CaptureState, Carrier, Claim, Ctx, Dissector, FieldDecl, Recall};
#[cfg(test)]
use super::toy;
use super::{arp, cdp, dhcp, dhcpv6, eigrp, ftp, igmp, imap, isis, lldp, ntp, pop, smtp, ssh, stp, telnet, tls};

/// Every registered protocol. Adding a protocol is its file and one line here.
pub static REGISTRY: &[&dyn Dissector] = &[
    &arp::Arp,
    &igmp::Igmp,
    &dhcp::Dhcp,
    &dhcpv6::Dhcpv6,
    &ntp::Ntp,
    &lldp::Lldp,
    &stp::Stp,
    &isis::Isis,
    &eigrp::Eigrp,
    &cdp::Cdp,
    &ftp::Ftp,
    &smtp::Smtp,
    &imap::Imap,
    &pop::Pop,
    &telnet::Telnet,
    &ssh::Ssh,
    &tls::Tls,
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
    /// How the layer below handed it over (the port that claimed it).
    pub ctx: Ctx,
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
    claims().get(&claim).copied()
}

/// Every claim and the first protocol that makes it, made once: the walk asks
/// for every frame (twice for a UDP or TCP payload), so a look-up must not grow
/// with the number of protocols.
fn claims() -> &'static FxHashMap<Claim, u8> {
    static CLAIMS: OnceLock<FxHashMap<Claim, u8>> = OnceLock::new();
    CLAIMS.get_or_init(|| {
        let mut table = FxHashMap::default();
        for (i, d) in REGISTRY.iter().enumerate() {
            let Ok(i) = u8::try_from(i) else { break };
            for &claim in d.claims() {
                table.entry(claim).or_insert(i);
            }
        }
        table
    })
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
    let by_port = |port| {
        claimed(claim(port))
            .filter(|&d| REGISTRY[usize::from(d)].accepts(pdu))
            .map(|d| (d, Ctx { port: Some(port), to_port: port == dport, memo: None }))
    };
    let (dissector, ctx) =
        by_port(lo).or_else(|| by_port(hi)).or_else(|| guessed(carrier, pdu).map(|d| (d, Ctx::default())))?;
    Some(Pdu { dissector, offset, len: pdu.len(), ctx })
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

/// Appends the values of registered field `i` of a packet whose PDU is `pdu`
/// and for which the protocol's capture state found `recall`.
pub fn values<'p>(pdu: &Pdu, recall: Option<&Recall>, frame: &'p [u8], i: usize, out: &mut Vec<Value<'p>>) {
    match locate(i) {
        Some((d, own)) if d == usize::from(pdu.dissector) => {
            let (dissector, bytes) = (pdu.dissector(), pdu.bytes(frame));
            match dissector.fields()[own].ftype {
                Ftype::Protocol => out.push(Value::Str(dissector.label(bytes).into())),
                _ => dissector.values(bytes, pdu.ctx, own, out),
            }
            if let Some(r) = recall {
                dissector.recalled_values(r, own, out);
            }
        }
        _ => {}
    }
}

/// One [`CaptureState`] per registered protocol that keeps one (indexed as
/// [`REGISTRY`]), fresh for a pass over a capture.
pub fn capture_states() -> Vec<Option<Box<dyn CaptureState>>> {
    REGISTRY.iter().map(|d| d.capture_state()).collect()
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
