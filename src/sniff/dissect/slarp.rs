//! Cisco SLARP, the Serial Line Address Resolution Protocol that Cisco HDLC
//! carries as protocol 0x8035: a router asks its peer on a serial line for an
//! address (request), the peer answers with its address and mask (reply), and
//! both send keepalives with their own and the peer's last sequence number
//! every few seconds, which tell whether the line is up.
//!
//! The format is Cisco's (no RFC); tshark's wording is the reference.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The SLARP dissector.
pub struct Slarp;

/// SLARP's protocol number in a Cisco HDLC header.
pub const CHDLC_PROTO: u16 = 0x8035;

/// Packet types.
mod ptype {
    pub const REQUEST: u32 = 0;
    pub const REPLY: u32 = 1;
    pub const KEEPALIVE: u32 = 2;
}

/// Byte offsets.
mod at {
    /// The packet type (4 bytes).
    pub const PTYPE: usize = 0;
    /// Request and reply: the address, then the mask.
    pub const ADDRESS: usize = 4;
    pub const NETMASK: usize = 8;
    /// Keepalive: the sender's sequence number, the peer's, then reliability.
    pub const MYSEQ: usize = 4;
    pub const YOURSEQ: usize = 8;
    pub const RELIABILITY: usize = 12;
}

/// The reliability value every keepalive must carry.
const RELIABILITY_OK: u16 = 0xffff;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "slarp", ftype: Ftype::Protocol, title: "Cisco SLARP", base: "" },
    FieldDecl { name: "slarp.ptype", ftype: Ftype::Uint32, title: "Packet type", base: "BASE_DEC" },
    FieldDecl { name: "slarp.address", ftype: Ftype::Ipv4, title: "Address", base: "" },
    FieldDecl { name: "slarp.netmask", ftype: Ftype::Ipv4, title: "Netmask", base: "" },
    FieldDecl { name: "slarp.mysequence", ftype: Ftype::Uint32, title: "Outgoing sequence number", base: "BASE_DEC" },
    FieldDecl { name: "slarp.yoursequence", ftype: Ftype::Uint32, title: "Returned sequence number", base: "BASE_DEC" },
    FieldDecl { name: "slarp.reliability", ftype: Ftype::Uint16, title: "Reliability", base: "BASE_HEX" },
];

/// tshark's name of a packet type.
fn ptype_name(t: u32) -> String {
    match t {
        ptype::REQUEST => "Request".into(),
        ptype::REPLY => "Reply".into(),
        ptype::KEEPALIVE => "Line keepalive".into(),
        n => format!("Unknown ({n})"),
    }
}

/// The IPv4 address at `at`.
fn ipv4_at(pdu: &[u8], at: usize) -> Option<Ipv4Addr> {
    be32_at(pdu, at).map(Ipv4Addr::from)
}

/// The packet as tshark reads it: its type and the fields of that type, or
/// `None` where the PDU ends first.
enum Msg {
    /// A request or reply (`reply`): address and mask.
    Address { reply: bool, addr: Ipv4Addr, mask: Ipv4Addr },
    /// A keepalive.
    Keepalive { mine: u32, yours: u32, reliability: u16 },
    /// A type SLARP does not define.
    Unknown(u32),
}

/// Decodes the packet; `None` when it is cut short.
fn decode(pdu: &[u8]) -> Option<Msg> {
    Some(match be32_at(pdu, at::PTYPE)? {
        t @ (ptype::REQUEST | ptype::REPLY) => Msg::Address {
            reply: t == ptype::REPLY,
            addr: ipv4_at(pdu, at::ADDRESS)?,
            mask: ipv4_at(pdu, at::NETMASK)?,
        },
        ptype::KEEPALIVE => Msg::Keepalive {
            mine: be32_at(pdu, at::MYSEQ)?,
            yours: be32_at(pdu, at::YOURSEQ)?,
            reliability: be16_at(pdu, at::RELIABILITY)?,
        },
        t => Msg::Unknown(t),
    })
}

impl Dissector for Slarp {
    fn name(&self) -> &'static str {
        "slarp"
    }

    fn title(&self) -> &'static str {
        "Cisco SLARP"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "SLARP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::Chdlc(CHDLC_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// Cisco HDLC has no addresses; tshark writes `N/A`.
    fn unaddressed_na(&self) -> bool {
        true
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        match decode(pdu) {
            Some(Msg::Address { reply, addr, mask }) => {
                let what = if reply { "Reply" } else { "Request" };
                let _ = write!(out, "{what}, from {addr}, mask {mask}");
            }
            Some(Msg::Keepalive { mine, yours, .. }) => {
                let _ = write!(out, "Line keepalive, outgoing sequence {mine}, returned sequence {yours}");
            }
            Some(Msg::Unknown(t)) => {
                let _ = write!(out, "Unknown packet type 0x{t:08X}");
            }
            None => out.push_str("[Malformed Packet]"),
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("slarp").bytes(o, pdu.len()).line(format_args!("Cisco SLARP"));
        let Some(kind) = be32_at(pdu, at::PTYPE) else { return malformed(t, "SLARP") };
        t.at(1)
            .field("slarp.ptype", Ftype::Uint32, kind)
            .bytes(o, 4)
            .line(format_args!("Packet type: {} ({kind})", ptype_name(kind)));
        let ip = |t: &mut Tree, at: usize, name: &'static str, title: &str| match ipv4_at(pdu, at) {
            Some(a) => {
                t.at(1).field(name, Ftype::Ipv4, a).bytes(o + at, 4).line(format_args!("{title}: {a}"));
                true
            }
            None => false,
        };
        let u32_item = |t: &mut Tree, at: usize, name: &'static str, title: &str| match be32_at(pdu, at) {
            Some(v) => {
                t.at(1).field(name, Ftype::Uint32, v).bytes(o + at, 4).line(format_args!("{title}: {v}"));
                true
            }
            None => false,
        };
        let whole = match kind {
            ptype::REQUEST | ptype::REPLY => {
                ip(t, at::ADDRESS, "slarp.address", "Address") && ip(t, at::NETMASK, "slarp.netmask", "Netmask")
            }
            ptype::KEEPALIVE => {
                u32_item(t, at::MYSEQ, "slarp.mysequence", "Outgoing sequence number")
                    && u32_item(t, at::YOURSEQ, "slarp.yoursequence", "Returned sequence number")
                    && reliability(pdu, o, t)
            }
            _ => true,
        };
        if !whole {
            malformed(t, "SLARP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let msg = decode(pdu);
        match (field, msg) {
            (1, _) => out.extend(be32_at(pdu, at::PTYPE).map(|v| Value::Uint(u64::from(v)))),
            (2, Some(Msg::Address { addr, .. })) => out.push(Value::Ip(addr.into())),
            (3, Some(Msg::Address { mask, .. })) => out.push(Value::Ip(mask.into())),
            (4, Some(Msg::Keepalive { mine, .. })) => out.push(Value::Uint(u64::from(mine))),
            (5, Some(Msg::Keepalive { yours, .. })) => out.push(Value::Uint(u64::from(yours))),
            (6, Some(Msg::Keepalive { reliability, .. })) => out.push(Value::hex(u64::from(reliability), 4)),
            _ => {}
        }
    }
}

/// A keepalive's reliability, with tshark's error when it is not 0xffff.
fn reliability(pdu: &[u8], o: usize, t: &mut Tree) -> bool {
    let Some(r) = be16_at(pdu, at::RELIABILITY) else { return false };
    t.at(1)
        .field("slarp.reliability", Ftype::Uint16, Value::hex(u64::from(r), 4))
        .bytes(o + at::RELIABILITY, 2)
        .line(format_args!("Reliability: 0x{r:04x}"));
    if r != RELIABILITY_OK {
        t.expert(2, "slarp.reliability.invalid", Severity::Error, Group::Malformed, "Reliability must be 0xFFFF");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// hdlc_slarp.pcapng frame 1: a keepalive (after the Cisco HDLC header).
    const KEEPALIVE: &[u8] = &[0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0x05, 0x27, 0xc5, 0xb9, 0, 0];
    /// A reply from 15.0.0.1/30, as in frame 3.
    const REPLY: &[u8] = &[0, 0, 0, 1, 15, 0, 0, 1, 255, 255, 255, 252, 0, 0];

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Slarp.tree(pdu, Ctx::default(), 4, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn keepalives_and_replies_as_tshark_shows_them() {
        assert_eq!(
            info_of(&Slarp, KEEPALIVE, Ctx::default()),
            "Line keepalive, outgoing sequence 1, returned sequence 0"
        );
        assert_eq!(info_of(&Slarp, REPLY, Ctx::default()), "Reply, from 15.0.0.1, mask 255.255.255.252");
        assert_eq!(
            lines(KEEPALIVE),
            [
                "Cisco SLARP",
                "Packet type: Line keepalive (2)",
                "Outgoing sequence number: 1",
                "Returned sequence number: 0",
                "Reliability: 0xffff"
            ]
        );
        assert_eq!(lines(REPLY)[2..], ["Address: 15.0.0.1", "Netmask: 255.255.255.252"]);
        assert_eq!(values_of(&Slarp, REPLY, Ctx::default(), "slarp.netmask"), ["255.255.255.252"]);
    }

    #[test]
    fn a_bad_reliability_is_flagged() {
        let mut k = KEEPALIVE.to_vec();
        k[12] = 0x04;
        assert!(lines(&k).contains(&"[Reliability must be 0xFFFF]".to_string()));
    }

    #[test]
    fn cut_short_is_malformed_never_a_panic() {
        for n in 0..14 {
            assert_eq!(info_of(&Slarp, &KEEPALIVE[..n], Ctx::default()), "[Malformed Packet]");
            assert!(lines(&KEEPALIVE[..n]).contains(&"[Malformed Packet: SLARP]".to_string()));
        }
        for n in 0..12 {
            assert_eq!(info_of(&Slarp, &REPLY[..n], Ctx::default()), "[Malformed Packet]");
        }
    }
}
