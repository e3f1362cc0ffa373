//! HSRP, Cisco's Hot Standby Router Protocol (RFC 2281): routers of a standby
//! group share one virtual IP address; every few seconds each says which state
//! it is in (Hello), and the active one is chosen by priority (Coup, Resign).
//! Version 0 is a fixed 20-byte message (RFC 2281 §5); Cisco's Advertise
//! (opcode 3) carries an interface-state TLV instead. HSRPv2 messages (a TLV
//! format sent to 224.0.0.102) are named by their column only.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The HSRP dissector.
pub struct Hsrp;

/// HSRP's UDP port (RFC 2281 §5), and HSRPv2's IPv6 port.
const PORTS: &[Claim] = &[Claim::UdpPort(1985), Claim::UdpPort(2029)];

/// Byte offsets of the version 0 message (RFC 2281 §5).
mod at {
    pub const VERSION: usize = 0;
    pub const OPCODE: usize = 1;
    pub const STATE: usize = 2;
    pub const HELLOTIME: usize = 3;
    pub const HOLDTIME: usize = 4;
    pub const PRIORITY: usize = 5;
    pub const GROUP: usize = 6;
    pub const RESERVED: usize = 7;
    pub const AUTH: usize = 8;
    pub const VIRTUAL_IP: usize = 16;
    pub const END: usize = 20;
    /// The Advertise TLV after version and opcode.
    pub const ADV_TYPE: usize = 2;
    pub const ADV_LENGTH: usize = 4;
    pub const ADV_STATE: usize = 6;
    pub const ADV_RESERVED1: usize = 7;
    pub const ADV_ACTIVE: usize = 8;
    pub const ADV_PASSIVE: usize = 10;
    pub const ADV_RESERVED2: usize = 12;
    pub const ADV_END: usize = 16;
}

/// The Advertise opcode (Cisco's, beside RFC 2281's Hello, Coup and Resign).
const OP_ADVERTISE: u8 = 3;
/// The authentication data's length (RFC 2281 §5).
const AUTH_LEN: usize = 8;
/// Hellotime and holdtime as RFC 2281 §5 suggests them.
const DEFAULT_HELLO: u8 = 3;
const DEFAULT_HOLD: u8 = 10;
/// A version 2 message starts with the Group State TLV: type 1, length 40.
const V2_GROUP_STATE: [u8; 2] = [1, 40];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "hsrp", ftype: Ftype::Protocol, title: "Cisco Hot Standby Router Protocol", base: "" },
    FieldDecl { name: "hsrp.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.opcode", ftype: Ftype::Uint8, title: "Op Code", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.state", ftype: Ftype::Uint8, title: "State", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.hellotime", ftype: Ftype::Uint8, title: "Hellotime", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.holdtime", ftype: Ftype::Uint8, title: "Holdtime", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.priority", ftype: Ftype::Uint8, title: "Priority", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.group", ftype: Ftype::Uint8, title: "Group", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.reserved", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.auth_data", ftype: Ftype::String, title: "Authentication Data", base: "" },
    FieldDecl { name: "hsrp.virt_ip", ftype: Ftype::Ipv4, title: "Virtual IP Address", base: "" },
    FieldDecl { name: "hsrp.adv.tlvtype", ftype: Ftype::Uint16, title: "Adv type", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.tlvlength", ftype: Ftype::Uint16, title: "Adv length", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.state", ftype: Ftype::Uint8, title: "Adv state", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.reserved1", ftype: Ftype::Uint8, title: "Adv reserved1", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.activegrp", ftype: Ftype::Uint16, title: "Adv active groups", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.passivegrp", ftype: Ftype::Uint16, title: "Adv passive groups", base: "BASE_DEC" },
    FieldDecl { name: "hsrp.adv.reserved2", ftype: Ftype::Uint32, title: "Adv reserved2", base: "BASE_DEC" },
];

/// Wireshark's name of an opcode (RFC 2281 §5, and Cisco's Advertise).
fn opcode_name(op: u8) -> Option<&'static str> {
    Some(match op {
        0 => "Hello",
        1 => "Coup",
        2 => "Resign",
        OP_ADVERTISE => "Advertise",
        _ => return None,
    })
}

/// Wireshark's name of a router state (RFC 2281 §5).
fn state_name(s: u8) -> Option<&'static str> {
    Some(match s {
        0 => "Initial",
        1 => "Learn",
        2 => "Listen",
        4 => "Speak",
        8 => "Standby",
        16 => "Active",
        _ => return None,
    })
}

/// Wireshark's name of an Advertise interface state.
fn adv_state_name(s: u8) -> Option<&'static str> {
    Some(match s {
        1 => "Dormant",
        2 => "Passive",
        3 => "Active",
        _ => return None,
    })
}

/// `Name (n)`, or tshark's `Unknown (n)`.
fn named(name: Option<&str>, n: impl std::fmt::Display) -> String {
    format!("{} ({n})", name.unwrap_or("Unknown"))
}

/// Whether the message is HSRPv2's TLV format.
fn is_v2(pdu: &[u8]) -> bool {
    pdu.get(..2) == Some(&V2_GROUP_STATE[..])
}

impl Dissector for Hsrp {
    fn name(&self) -> &'static str {
        "hsrp"
    }

    fn title(&self) -> &'static str {
        "Cisco Hot Standby Router Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        if is_v2(pdu) {
            "HSRPv2"
        } else {
            "HSRP"
        }
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if is_v2(pdu) {
            out.push_str("HSRPv2");
            return;
        }
        let Some(&op) = pdu.get(at::OPCODE) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        let state_at = if op == OP_ADVERTISE { at::ADV_STATE } else { at::STATE };
        out.push_str(opcode_name(op).unwrap_or("Unknown"));
        match pdu.get(state_at) {
            Some(&s) if op == OP_ADVERTISE => {
                out.push_str(&format!(" (state {})", adv_state_name(s).unwrap_or("Unknown")));
            }
            Some(&s) => out.push_str(&format!(" (state {})", state_name(s).unwrap_or("Unknown"))),
            None => {}
        }
        let end = if op == OP_ADVERTISE { at::ADV_END } else { at::END };
        if pdu.len() < end {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, off: usize, t: &mut Tree) {
        t.at(0).proto("hsrp").bytes(off, pdu.len()).line(format_args!("Cisco Hot Standby Router Protocol"));
        if is_v2(pdu) {
            return;
        }
        let complete = match pdu.get(at::OPCODE) {
            Some(&OP_ADVERTISE) => advertise_tree(pdu, off, t),
            _ => hello_tree(pdu, off, t),
        };
        if !complete {
            malformed(t, "HSRP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One byte field `name` at `i` shown `Title: text`; false when cut off.
fn byte(pdu: &[u8], off: usize, t: &mut Tree, i: usize, name: &'static str, show: impl Fn(u8) -> String) -> bool {
    let Some(&v) = pdu.get(i) else { return false };
    t.at(1).field(name, Ftype::Uint8, v).bytes(off + i, 1).line(format_args!("{}", show(v)));
    true
}

/// Hello, Coup and Resign (RFC 2281 §5); false when the message is cut short.
fn hello_tree(pdu: &[u8], off: usize, t: &mut Tree) -> bool {
    let ok = byte(pdu, off, t, at::VERSION, "hsrp.version", |v| format!("Version: {v}"))
        && byte(pdu, off, t, at::OPCODE, "hsrp.opcode", |v| format!("Op Code: {}", named(opcode_name(v), v)))
        && byte(pdu, off, t, at::STATE, "hsrp.state", |v| format!("State: {}", named(state_name(v), v)))
        && byte(pdu, off, t, at::HELLOTIME, "hsrp.hellotime", |v| timer("Hellotime", v, DEFAULT_HELLO))
        && byte(pdu, off, t, at::HOLDTIME, "hsrp.holdtime", |v| timer("Holdtime", v, DEFAULT_HOLD))
        && byte(pdu, off, t, at::PRIORITY, "hsrp.priority", |v| format!("Priority: {v}"))
        && byte(pdu, off, t, at::GROUP, "hsrp.group", |v| format!("Group: {v}"))
        && byte(pdu, off, t, at::RESERVED, "hsrp.reserved", |v| format!("Reserved: {v}"));
    if !ok {
        return false;
    }
    let Some(auth) = pdu.get(at::AUTH..at::AUTH + AUTH_LEN) else { return false };
    let text: String = auth.iter().take_while(|&&b| b != 0).map(|&b| char::from(b)).collect();
    let shown = if text == "cisco" { "Default (cisco)".to_string() } else { text.clone() };
    t.at(1)
        .field("hsrp.auth_data", Ftype::String, &text)
        .bytes(off + at::AUTH, AUTH_LEN)
        .line(format_args!("Authentication Data: {shown}"));
    let Some(ip) = pdu.get(at::VIRTUAL_IP..at::END) else { return false };
    let ip = Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]);
    t.at(1)
        .field("hsrp.virt_ip", Ftype::Ipv4, ip)
        .bytes(off + at::VIRTUAL_IP, 4)
        .line(format_args!("Virtual IP Address: {ip}"));
    true
}

/// A timer as Wireshark shows it: `Default (3)` when it is the RFC's default.
fn timer(title: &str, v: u8, default: u8) -> String {
    if v == default {
        format!("{title}: Default ({v})")
    } else {
        format!("{title}: Non-default ({v})")
    }
}

/// Cisco's Advertise message: its interface-state TLV; false when cut short.
fn advertise_tree(pdu: &[u8], off: usize, t: &mut Tree) -> bool {
    let ok = byte(pdu, off, t, at::VERSION, "hsrp.version", |v| format!("Version: {v}"))
        && byte(pdu, off, t, at::OPCODE, "hsrp.opcode", |v| format!("Op Code: {}", named(opcode_name(v), v)));
    if !ok || pdu.len() < at::ADV_LENGTH + 2 {
        return false;
    }
    let kind = be16(pdu, at::ADV_TYPE);
    let kind_name = if kind == 1 { Some("HSRP interface state") } else { None };
    t.at(1)
        .field("hsrp.adv.tlvtype", Ftype::Uint16, kind)
        .bytes(off + at::ADV_TYPE, 2)
        .line(format_args!("Adv type: {}", named(kind_name, kind)));
    let len = be16(pdu, at::ADV_LENGTH);
    t.at(1)
        .field("hsrp.adv.tlvlength", Ftype::Uint16, len)
        .bytes(off + at::ADV_LENGTH, 2)
        .line(format_args!("Adv length: {len}"));
    let ok =
        byte(pdu, off, t, at::ADV_STATE, "hsrp.adv.state", |v| format!("Adv state: {}", named(adv_state_name(v), v)))
            && byte(pdu, off, t, at::ADV_RESERVED1, "hsrp.adv.reserved1", |v| format!("Adv reserved1: {v}"));
    if !ok || pdu.len() < at::ADV_END {
        return false;
    }
    let active = be16(pdu, at::ADV_ACTIVE);
    t.at(1)
        .field("hsrp.adv.activegrp", Ftype::Uint16, active)
        .bytes(off + at::ADV_ACTIVE, 2)
        .line(format_args!("Adv active groups: {active}"));
    let passive = be16(pdu, at::ADV_PASSIVE);
    t.at(1)
        .field("hsrp.adv.passivegrp", Ftype::Uint16, passive)
        .bytes(off + at::ADV_PASSIVE, 2)
        .line(format_args!("Adv passive groups: {passive}"));
    let r2 = be32(pdu, at::ADV_RESERVED2);
    t.at(1)
        .field("hsrp.adv.reserved2", Ftype::Uint32, r2)
        .bytes(off + at::ADV_RESERVED2, 4)
        .line(format_args!("Adv reserved2: {r2}"));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// HSRP_coup.pcap (tcpdump's tests) frame 1: Hello from the active router of group 1.
    const HELLO: &[u8] = &[0, 0, 0x10, 3, 10, 100, 1, 0, b'c', b'i', b's', b'c', b'o', 0, 0, 0, 192, 168, 0, 1];
    /// HSRP_coup.pcap frame 25: Advertise, interface state Active (3).
    const ADVERTISE: &[u8] = &[0, 3, 0, 1, 0, 0x0e, 3, 0, 0, 1, 0, 1, 0, 0, 0, 0];

    fn info(pdu: &[u8]) -> String {
        info_of(&Hsrp, pdu, Ctx::default())
    }

    fn tree_text(pdu: &[u8]) -> String {
        let mut t = Tree::new();
        Hsrp.tree(pdu, Ctx::default(), 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn a_hello_shows_opcode_state_and_every_field() {
        assert_eq!(info(HELLO), "Hello (state Active)");
        assert_eq!(Hsrp.column(HELLO), "HSRP");
        assert_eq!(values_of(&Hsrp, HELLO, Ctx::default(), "hsrp.state"), ["16"]);
        assert_eq!(values_of(&Hsrp, HELLO, Ctx::default(), "hsrp.virt_ip"), ["192.168.0.1"]);
        assert_eq!(values_of(&Hsrp, HELLO, Ctx::default(), "hsrp.auth_data"), ["cisco"]);
        let text = tree_text(HELLO);
        assert!(text.contains("Hellotime: Default (3)\nHoldtime: Default (10)\nPriority: 100\n"), "{text}");
        assert!(text.contains("Authentication Data: Default (cisco)\n"), "{text}");
    }

    #[test]
    fn an_advertise_shows_the_interface_state() {
        assert_eq!(info(ADVERTISE), "Advertise (state Active)");
        assert_eq!(values_of(&Hsrp, ADVERTISE, Ctx::default(), "hsrp.adv.state"), ["3"]);
        assert_eq!(values_of(&Hsrp, ADVERTISE, Ctx::default(), "hsrp.adv.passivegrp"), ["1"]);
    }

    #[test]
    fn coup_unknown_values_and_v2_are_named() {
        let mut coup = HELLO.to_vec();
        coup[1] = 1;
        coup[2] = 2;
        assert_eq!(info(&coup), "Coup (state Listen)");
        coup[1] = 9;
        coup[2] = 3;
        assert_eq!(info(&coup), "Unknown (state Unknown)");
        assert!(tree_text(&coup).contains("Op Code: Unknown (9)\nState: Unknown (3)\n"));
        assert_eq!(Hsrp.column(&[1, 40, 2, 0]), "HSRPv2");
    }

    #[test]
    fn a_cut_message_is_malformed_and_never_panics() {
        for n in 0..HELLO.len() {
            let text = tree_text(&HELLO[..n]);
            assert!(text.contains("[Malformed Packet: HSRP]"), "{n}: {text}");
        }
        for n in 0..ADVERTISE.len() {
            assert!(tree_text(&ADVERTISE[..n]).contains("[Malformed Packet: HSRP]"), "{n}");
        }
        assert_eq!(info(&HELLO[..4]), "Hello (state Active)[Malformed Packet]");
        assert_eq!(info(&[]), "[Malformed Packet]");
    }
}
