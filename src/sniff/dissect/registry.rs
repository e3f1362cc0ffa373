//! The dissector registry: the list of protocols that plug into the sniffer
//! through [`Dissector`], and the lookups the generic code makes in it: which
//! protocol takes a payload, and a registered field's protocol, declaration and
//! values. How to add a protocol: the docs of [`crate::sniff::dissect`].

use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::Ftype;
use crate::sniff::value::Value;
use std::sync::OnceLock;

pub use super::dissector::{
    CaptureState, Carrier, Claim, Ctx, Describe, Dissector, Expect, FieldDecl, Flow, Host, Inner, InnerKind, Link,
    Recall, Shown,
};
#[cfg(test)]
use super::toy;

/// Every registered protocol. Adding a protocol is its file and one line here.
pub static REGISTRY: &[&dyn Dissector] = &[
    &super::arp::Arp,
    &super::igmp::Igmp,
    &super::dhcp::Dhcp,
    &super::dhcpv6::Dhcpv6,
    &super::ntp::Ntp,
    &super::ptp::Ptp,
    &super::lldp::Lldp,
    &super::stp::Stp,
    &super::cdp::Cdp,
    &super::aoe::Aoe,
    &super::ftp::Ftp,
    &super::ftpdata::FtpData,
    &super::smtp::Smtp,
    &super::imap::Imap,
    &super::pop::Pop,
    &super::telnet::Telnet,
    &super::ssh::Ssh,
    &super::tls::Tls,
    &super::openflow::OpenFlow,
    &super::rx::Rx,
    &super::ospf::Ospf,
    &super::vrrp::Vrrp,
    &super::pim::Pim,
    &super::rip::Rip,
    &super::hsrp::Hsrp,
    &super::bfd::Bfd,
    &super::babel::Babel,
    &super::sctp::Sctp,
    &super::isis::Isis,
    &super::eigrp::Eigrp,
    &super::esp::Esp,
    &super::bgp::Bgp,
    &super::ldp::Ldp,
    &super::rpkirtr::RpkiRtr,
    &super::dec_dna::DecDna,
    &super::geonw::Geonw,
    &super::slarp::Slarp,
    &super::isakmp::Isakmp,
    &super::udpencap::UdpEncap,
    &super::sflow::Sflow,
    &super::radius::Radius,
    &super::syslog::Syslog,
    &super::tftp::Tftp,
    &super::nbns::Nbns,
    &super::resp::Resp,
    &super::krb4::Krb4,
    &super::http2::Http2,
    &super::quic::Quic,
    &super::gre::Gre,
    &super::erspan::Erspan,
    &super::nhrp::Nhrp,
    &super::vxlan::Vxlan,
    &super::geneve::Geneve,
    &super::cmd::Cmd,
    &super::teredo::Teredo,
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

/// The protocol that shows `pdu`: the one the claim gave it to (`d`), or the
/// registered protocol that one hands it over to ([`Dissector::hands_over`]).
pub fn handed(d: u8, pdu: &[u8]) -> u8 {
    let to = REGISTRY[usize::from(d)].hands_over(pdu);
    to.and_then(|name| REGISTRY.iter().position(|x| x.name() == name)).and_then(|i| u8::try_from(i).ok()).unwrap_or(d)
}

/// The first protocol whose heuristic takes `pdu`, among those that claim
/// [`Claim::Heuristic`] for its carrier.
pub fn guessed(carrier: Carrier, pdu: &[u8]) -> Option<u8> {
    let candidates = match carrier {
        Carrier::Udp => &heuristics()[0],
        Carrier::Tcp => &heuristics()[1],
    };
    candidates.iter().copied().find(|&d| REGISTRY[usize::from(d)].heuristic(carrier, pdu))
}

/// The protocols with a heuristic on UDP, then on TCP, in registry order, found
/// once: every payload no port claims is offered to them.
fn heuristics() -> &'static [Vec<u8>; 2] {
    static HEURISTICS: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    HEURISTICS.get_or_init(|| {
        let on = |carrier| {
            let claiming = REGISTRY.iter().map(|d| d.claims().contains(&Claim::Heuristic(carrier)));
            claiming.enumerate().filter(|&(_, c)| c).filter_map(|(i, _)| u8::try_from(i).ok()).collect()
        };
        [on(Carrier::Udp), on(Carrier::Tcp)]
    })
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
        let peer = if port == dport { sport } else { dport };
        claimed(claim(port))
            .filter(|&d| REGISTRY[usize::from(d)].accepts(pdu))
            .map(|d| (d, Ctx { port: Some(port), to_port: port == dport, peer: Some(peer), ..Ctx::default() }))
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
/// (its bytes `bytes`, in the frame or reassembled; shown by `dissector`,
/// [`crate::sniff::packet::Packet::dissector_of`]), for which the protocol's
/// capture state found `recall`, and whose connection an earlier PDU announced
/// as `link` says.
pub fn values<'p>(
    dissector: &dyn Dissector,
    pdu: &Pdu,
    recall: Option<&Recall>,
    link: Option<&Link>,
    bytes: &'p [u8],
    i: usize,
    out: &mut Vec<Value<'p>>,
) {
    match locate(i) {
        Some((d, own)) if d == usize::from(pdu.dissector) => {
            match dissector.fields()[own].ftype {
                Ftype::Protocol => out.push(Value::Str(dissector.label_in(bytes, pdu.ctx).into())),
                _ => dissector.values(bytes, pdu.ctx, own, out),
            }
            if let Some(r) = recall {
                dissector.recalled_values(r, own, out);
            }
            if let Some(link) = link {
                dissector.linked_values(link, own, out);
            }
        }
        _ => {}
    }
}

/// Whether the protocol of `pdu` (its bytes `bytes`, in the frame or
/// reassembled) words a teaching note for it ([`Dissector::note`]); nothing is
/// kept of the text.
pub fn has_note(pdu: &Pdu, bytes: &[u8]) -> bool {
    let mut any = Any(false);
    let _ = pdu.dissector().note(bytes, pdu.ctx, &mut any);
    any.0
}

/// Whether the protocol of `pdu` words a teaching note for what its capture
/// state found (`recall`); a finding without one leaves the frame's note alone.
pub fn has_recalled_note(pdu: &Pdu, recall: &Recall) -> bool {
    /// The note as text, for the formatter.
    struct Said<'a>(&'a dyn Dissector, &'a Recall);
    impl std::fmt::Display for Said<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.recalled_note(self.1, f)
        }
    }
    let mut any = Any(false);
    let _ = std::fmt::Write::write_fmt(&mut any, format_args!("{}", Said(pdu.dissector(), recall)));
    any.0
}

/// A writer that notes only whether anything was written, and stops the
/// formatting at the first text (the answer is then known).
struct Any(bool);

impl std::fmt::Write for Any {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 |= !s.is_empty();
        if self.0 {
            Err(std::fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// One [`CaptureState`] per registered protocol that keeps one (indexed as
/// [`REGISTRY`]), fresh for a pass over a capture.
pub fn capture_states() -> Vec<Option<Box<dyn CaptureState>>> {
    REGISTRY.iter().map(|d| d.capture_state()).collect()
}

/// Appends the bytes of registered field `i` when it is a protocol (what a
/// display filter compares `arp` with; `bytes` are the PDU's, in the frame or
/// reassembled); returns whether it is one.
pub fn protocol_bytes<'p>(pdu: Option<&Pdu>, bytes: &'p [u8], i: usize, out: &mut Vec<Value<'p>>) -> bool {
    let Some((d, own)) = locate(i) else { return false };
    if REGISTRY[d].fields()[own].ftype != Ftype::Protocol {
        return false;
    }
    if pdu.is_some_and(|p| usize::from(p.dissector) == d) {
        out.push(Value::Bytes(bytes.into()));
    }
    true
}

/// The glossary lines (`tshark -G fields` columns) of the registered protocols.
/// A field belongs to the protocol its name starts with, as in tshark: a
/// dissector that decodes two protocols (RX and the AFS it carries) declares
/// the second one as a protocol field (`afs`), which opens its own `P` line.
pub fn glossary_lines() -> impl Iterator<Item = String> {
    REGISTRY.iter().flat_map(|d| {
        std::iter::once(format!("P\t{}\t{}", d.title(), d.name())).chain(d.fields().iter().map(move |f| {
            let proto = f.name.split('.').next().unwrap_or(f.name);
            if f.ftype == Ftype::Protocol && f.name != d.name() {
                return format!("P\t{}\t{}", f.title, f.name);
            }
            format!("F\t{}\t{}\t{}\t{}\t{}\t0x0\t", f.title, f.name, ftype_name(f.ftype), proto, f.base)
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
        Ftype::Int64 => "FT_INT64",
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
