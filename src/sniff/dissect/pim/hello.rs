//! The options of a PIMv2 Hello (RFC 7761 §4.9.2; LAN Prune Delay and
//! State-Refresh Capable: RFC 3973 §4.7.5), each a type, a length and a value.
//! As tshark does, each known option's value is read at its fixed size whatever
//! its length says, so a message that ends inside that value is malformed.

use super::field::BODY;
use crate::proto::bytes::{be16, be32};
use crate::sniff::dissect::data::shown_bytes;
use crate::sniff::render::Mac;
use crate::sniff::tree::{Ftype, Tree};

/// Option types (RFC 7761 §4.9.2, RFC 3973 §4.7.5, IANA "PIM-Hello Options").
mod opt {
    /// Holdtime.
    pub const HOLDTIME: u16 = 1;
    /// LAN Prune Delay.
    pub const LAN_PRUNE_DELAY: u16 = 2;
    /// DR Priority.
    pub const DR_PRIORITY: u16 = 19;
    /// Generation ID.
    pub const GEN_ID: u16 = 20;
    /// State Refresh Capable.
    pub const STATE_REFRESH: u16 = 21;
}

/// The option header: type and length.
const OPT_HEADER: usize = 4;
/// A holdtime of 0: the neighbour leaves; 0xffff: it never times out.
const GOODBYE: u16 = 0;
const INFINITY: u16 = 0xffff;
/// The T bit and the delay of a LAN Prune Delay option.
const T_BIT: u16 = 0x8000;
const DELAY_MASK: u16 = 0x7fff;

/// Wireshark's name of an option type.
fn option_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "Hold Time",
        2 => "LAN Prune Delay",
        17 => "Label Parameters",
        18 => "Deprecated",
        19 => "DR Priority",
        20 => "Generation ID",
        21 => "State-Refresh",
        22 => "Bidirectional Capable",
        23 => "VCI Capability",
        24 => "Address List",
        25 => "Neighbor List TLV",
        26 => "Join Attribute",
        27 => "PIM-over-TCP-Capable",
        28 => "PIM-over-SCTP-Capable",
        29 => "Pop-Count",
        30 => "PIM MT-ID",
        31 => "Interface ID",
        32 => "PIM ECMP Redirect Hello Option",
        65001 => "Address List",
        _ => return None,
    })
}

/// One option: where it starts, its type and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Offset of its type in the message.
    pub at: usize,
    /// Type.
    pub kind: u16,
    /// Length of the value.
    pub len: u16,
}

impl Opt {
    /// The bytes tshark reads for its value: a known option's fixed size, else its length.
    fn read_len(&self) -> usize {
        match self.kind {
            opt::HOLDTIME => 2,
            opt::LAN_PRUNE_DELAY | opt::DR_PRIORITY | opt::GEN_ID | opt::STATE_REFRESH => 4,
            _ => usize::from(self.len),
        }
    }
}

/// The options of a Hello as tshark walks them (while 2 bytes or more remain),
/// and whether every value read lies within the message.
pub fn options(pdu: &[u8]) -> (Vec<Opt>, bool) {
    let mut out = Vec::new();
    let mut at = BODY;
    while pdu.len().saturating_sub(at) >= 2 {
        let Some(h) = pdu.get(at..at + OPT_HEADER) else { return (out, false) };
        let o = Opt { at, kind: be16(h, 0), len: be16(h, 2) };
        out.push(o);
        if pdu.len() < at + OPT_HEADER + o.read_len() {
            return (out, false);
        }
        at += OPT_HEADER + usize::from(o.len);
    }
    (out, true)
}

/// The `PIM Options` block of a Hello; false when a value runs past the end.
pub fn tree(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let (opts, complete) = options(pdu);
    let head = out.at(1).field("pim.option", Ftype::None, "").bytes(o + BODY, pdu.len() - BODY);
    if complete {
        head.line(format_args!("PIM Options: {}", opts.len()));
    } else {
        head.line(format_args!("PIM Options"));
    }
    for x in &opts {
        option(out, pdu, o, x);
    }
    complete
}

/// One option's subtree: its title (with the value when all of it is there),
/// type, length and value.
fn option(out: &mut Tree, pdu: &[u8], o: usize, x: &Opt) {
    let v = x.at + OPT_HEADER;
    let value = pdu.get(v..v + x.read_len());
    let name = option_name(x.kind);
    let title = match (name, value) {
        (_, Some(b)) if x.kind == opt::HOLDTIME => match be16(b, 0) {
            GOODBYE => "Hold Time: 0 (goodbye)".to_string(),
            INFINITY => "Hold Time: 65535 (Infinity)".to_string(),
            h => format!("Hold Time: {h}"),
        },
        (_, Some(b)) if x.kind == opt::LAN_PRUNE_DELAY => format!(
            "LAN Prune Delay: T = {}, Propagation Delay = {}ms, Override Interval = {}ms",
            u8::from(b[0] & 0x80 != 0),
            be16(b, 0) & DELAY_MASK,
            be16(b, 2)
        ),
        (_, Some(b)) if x.kind == opt::DR_PRIORITY => format!("DR Priority: {}", be32(b, 0)),
        (_, Some(b)) if x.kind == opt::GEN_ID => format!("Generation ID: {}", be32(b, 0)),
        (_, Some(b)) if x.kind == opt::STATE_REFRESH => {
            format!("State-Refresh: Version = {}, Interval = {}s", b[0], b[1])
        }
        (Some(n), _) => n.to_string(),
        (None, _) => format!("Unknown: {}", x.kind),
    };
    let whole = OPT_HEADER + usize::from(x.len);
    let span = whole.min(pdu.len() - x.at);
    out.at(2).bytes(o + x.at, span).line(format_args!("Option {}: {title}", x.kind));
    out.at(3).field("pim.optiontype", Ftype::Uint16, x.kind).bytes(o + x.at, 2).line(format_args!("Type: {}", x.kind));
    out.at(3)
        .field("pim.optionlength", Ftype::Uint16, x.len)
        .bytes(o + x.at + 2, 2)
        .line(format_args!("Length: {}", x.len));
    value_items(out, pdu, o, x, v);
}

/// The items of an option's value, as far as the message holds them.
fn value_items(out: &mut Tree, pdu: &[u8], o: usize, x: &Opt, v: usize) {
    let u16_at = |at: usize| pdu.get(at..at + 2).map(|b| be16(b, 0));
    let u32_at = |at: usize| pdu.get(at..at + 4).map(|b| be32(b, 0));
    match x.kind {
        opt::HOLDTIME => {
            let Some(h) = u16_at(v) else { return };
            let item = out.at(3).field("pim.holdtime", Ftype::Uint16, h).bytes(o + v, 2);
            match h {
                GOODBYE => item.line(format_args!("Holdtime: goodbye (0)")),
                INFINITY => item.line(format_args!("Holdtime: Infinity (65535)")),
                _ => item.line(format_args!("Holdtime: {h}")),
            }
        }
        opt::LAN_PRUNE_DELAY => {
            let Some(d) = u16_at(v) else { return };
            let t = d & T_BIT != 0;
            out.at(3)
                .field("pim.t", Ftype::Boolean, u8::from(t))
                .bytes(o + v, 1)
                .mask(0x80, u64::from(t))
                .line(format_args!("{}... .... = T: {}", u8::from(t), if t { "True" } else { "False" }));
            let delay = d & DELAY_MASK;
            let bits = crate::sniff::tree::draw::bit_pattern(u32::from(delay), 15, 0, 16);
            out.at(3)
                .field("pim.propagation_delay", Ftype::Uint16, delay)
                .bytes(o + v, 2)
                .mask(u64::from(DELAY_MASK), u64::from(delay))
                .line(format_args!("{bits} = Propagation Delay: {delay}"));
            let Some(i) = u16_at(v + 2) else { return };
            out.at(3)
                .field("pim.override_interval", Ftype::Uint16, i)
                .bytes(o + v + 2, 2)
                .line(format_args!("Override Interval: {i}"));
        }
        opt::DR_PRIORITY => {
            let Some(p) = u32_at(v) else { return };
            out.at(3).field("pim.dr_priority", Ftype::Uint32, p).bytes(o + v, 4).line(format_args!("DR Priority: {p}"));
        }
        opt::GEN_ID => {
            let Some(g) = u32_at(v) else { return };
            out.at(3)
                .field("pim.generation_id", Ftype::Uint32, g)
                .bytes(o + v, 4)
                .line(format_args!("Generation ID: {g}"));
        }
        opt::STATE_REFRESH => state_refresh(out, pdu, o, v),
        _ => {
            let Some(b) = pdu.get(v..v + usize::from(x.len)).filter(|b| !b.is_empty()) else { return };
            out.at(3)
                .field("pim.optionvalue", Ftype::Bytes, Mac(b))
                .bytes(o + v, b.len())
                .line(format_args!("Unknown: {}", shown_bytes(b)));
        }
    }
}

/// A State Refresh Capable option's version, interval and reserved field.
fn state_refresh(out: &mut Tree, pdu: &[u8], o: usize, v: usize) {
    let Some(&ver) = pdu.get(v) else { return };
    out.at(3)
        .field("pim.state_refresh_version", Ftype::Uint8, ver)
        .bytes(o + v, 1)
        .line(format_args!("Version: {ver}"));
    let Some(&i) = pdu.get(v + 1) else { return };
    out.at(3)
        .field("pim.state_refresh_interval", Ftype::Uint8, i)
        .bytes(o + v + 1, 1)
        .line(format_args!("Interval: {i}"));
    let Some(r) = pdu.get(v + 2..v + 4).map(|b| be16(b, 0)) else { return };
    out.at(3)
        .field("pim.state_refresh_reserved", Ftype::Uint16, r)
        .bytes(o + v + 2, 2)
        .line(format_args!("Reserved: {r}"));
}
