//! DEC DNA, DECnet Phase IV's routing layer on Ethernet (EtherType 0x6003),
//! and the NSP messages its data packets carry: the DNA Routing Layer
//! Functional Specification 2.0.0 and NSP Functional Specification 4.0.1.
//!
//! A DECnet Phase IV node's Ethernet address is `aa:00:04:00` followed by its
//! 16-bit node address, little-endian: six bits of area, ten of node. tshark
//! shows those Ethernet addresses as `area.node` in the Source and Destination
//! columns ([`Dissector::link_address`]), and so does socklab.

mod nsp;
mod routing;
mod session;
mod walk;

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt;
use walk::{Step, Walk};

/// The DEC DNA dissector.
pub struct DecDna;

/// The EtherType of DECnet Phase IV routing (IEEE registry: DEC DNA Routing).
pub const ETHERTYPE: u16 = 0x6003;

/// The first four bytes of a DECnet Phase IV node's Ethernet address (HI-ORD).
const DNET_PREFIX: [u8; 4] = [0xaa, 0x00, 0x04, 0x00];

/// The DECnet address `area.node` an Ethernet address stands for, if it is a
/// Phase IV node's.
pub fn dnet_name(mac: &[u8]) -> Option<(u16, u16)> {
    match mac {
        [a, b, c, d, lo, hi] if [*a, *b, *c, *d] == DNET_PREFIX => {
            let addr = u16::from_le_bytes([*lo, *hi]);
            Some((addr >> 10, addr & 0x3ff))
        }
        _ => None,
    }
}

/// The fields, as `tshark -G fields` lists them, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "dec_dna", ftype: Ftype::Protocol, title: "DEC DNA Routing Protocol", base: "" },
    FieldDecl { name: "dec_dna.flags", ftype: Ftype::Uint8, title: "Routing flags", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.flags.control", ftype: Ftype::Boolean, title: "Control packet", base: "8" },
    FieldDecl { name: "dec_dna.flags.msglen", ftype: Ftype::Uint8, title: "Long data packet format", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.flags.RQR", ftype: Ftype::Boolean, title: "Return to Sender Request", base: "8" },
    FieldDecl { name: "dec_dna.flags.RTS", ftype: Ftype::Boolean, title: "Packet on return trip", base: "8" },
    FieldDecl { name: "dec_dna.flags.intra_eth", ftype: Ftype::Boolean, title: "Intra-ethernet packet", base: "8" },
    FieldDecl { name: "dec_dna.flags.discard", ftype: Ftype::Boolean, title: "Discarded packet", base: "8" },
    FieldDecl { name: "dec_dna.dst.address", ftype: Ftype::Ether, title: "Destination Address", base: "" },
    FieldDecl { name: "dec_dna.src.addr", ftype: Ftype::Ether, title: "Source Address", base: "" },
    FieldDecl { name: "dec_dna.nl2", ftype: Ftype::Uint8, title: "Next level 2 router", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.svc_cls", ftype: Ftype::Uint8, title: "Service class", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.proto_type", ftype: Ftype::Uint8, title: "Protocol type", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.visit_cnt", ftype: Ftype::Uint8, title: "Visit count", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.nsp.flow_control", ftype: Ftype::Uint8, title: "Flow control", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.nsp.services", ftype: Ftype::Uint8, title: "Requested services", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.nsp.info", ftype: Ftype::Uint8, title: "Version info", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.dst_node", ftype: Ftype::Uint16, title: "Destination node", base: "BASE_HEX" },
    FieldDecl {
        name: "dec_dna.nsp.segsize",
        ftype: Ftype::Uint16,
        title: "Maximum data segment size",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dec_dna.src_node", ftype: Ftype::Uint16, title: "Source node", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.nsp.segnum", ftype: Ftype::Uint16, title: "Message number", base: "BASE_DEC" },
    FieldDecl { name: "dec_dna.nsp.delay", ftype: Ftype::Boolean, title: "Delayed ACK allowed", base: "16" },
    FieldDecl {
        name: "dec_dna.vst_node",
        ftype: Ftype::Uint8,
        title: "Nodes visited ty this package",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dec_dna.rt.msg_type", ftype: Ftype::Uint8, title: "Routing control message", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.nsp.msg_type", ftype: Ftype::Uint8, title: "DNA NSP message", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.ctl.acknum", ftype: Ftype::None, title: "Ack/Nak", base: "" },
    FieldDecl { name: "dec_dna.nsp.fc_val", ftype: Ftype::None, title: "Flow control", base: "" },
    FieldDecl { name: "dec_dna.ctl.tiinfo", ftype: Ftype::Uint8, title: "Routing information", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.ctl.blk_size", ftype: Ftype::Uint16, title: "Block size", base: "BASE_DEC" },
    FieldDecl {
        name: "dec_dna.nsp.disc_reason",
        ftype: Ftype::Uint16,
        title: "Reason for disconnect",
        base: "BASE_HEX",
    },
    FieldDecl { name: "dec_dna.ctl.version", ftype: Ftype::None, title: "Version", base: "" },
    FieldDecl { name: "dec_dna.ctl.timer", ftype: Ftype::Uint16, title: "Hello timer(seconds)", base: "BASE_DEC" },
    FieldDecl { name: "dec_dna.ctl.reserved", ftype: Ftype::Bytes, title: "Reserved", base: "" },
    FieldDecl {
        name: "dec_dna.ctl.fcnval",
        ftype: Ftype::Bytes,
        title: "Verification message function value",
        base: "",
    },
    FieldDecl { name: "dec_dna.ctl.test_data", ftype: Ftype::Bytes, title: "Test message data", base: "" },
    FieldDecl { name: "dec_dna.ctl.segment", ftype: Ftype::None, title: "Segment", base: "" },
    FieldDecl { name: "dec_dna.ctl.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.ctl.id", ftype: Ftype::Ether, title: "Transmitting system ID", base: "" },
    FieldDecl { name: "dec_dna.ctl.iinfo.node_type", ftype: Ftype::Uint8, title: "Node type", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.ctl.iinfo.vrf", ftype: Ftype::Boolean, title: "Verification required", base: "8" },
    FieldDecl { name: "dec_dna.ctl.iinfo.rej", ftype: Ftype::Boolean, title: "Rejected", base: "8" },
    FieldDecl { name: "dec_dna.ctl.iinfo.verf", ftype: Ftype::Boolean, title: "Verification failed", base: "8" },
    FieldDecl { name: "dec_dna.ctl.iinfo.mta", ftype: Ftype::Boolean, title: "Accepts multicast traffic", base: "8" },
    FieldDecl { name: "dec_dna.ctl.iinfo.blkreq", ftype: Ftype::Boolean, title: "Blocking requested", base: "8" },
    FieldDecl { name: "dec_dna.ctl.prio", ftype: Ftype::Uint8, title: "Routing priority", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.ctl_neighbor", ftype: Ftype::Ether, title: "Neighbor", base: "" },
    FieldDecl { name: "dec_dna.ctl.seed", ftype: Ftype::Bytes, title: "Verification seed", base: "" },
    FieldDecl { name: "dec_dna.ctl.elist", ftype: Ftype::None, title: "List of router states", base: "" },
    FieldDecl { name: "dec_dna.ctl.ename", ftype: Ftype::Bytes, title: "Ethernet name", base: "" },
    FieldDecl { name: "dec_dna.ctl.router_id", ftype: Ftype::Ether, title: "Router ID", base: "" },
    FieldDecl { name: "dec_dna.ctl.router_state", ftype: Ftype::String, title: "Router state", base: "" },
    FieldDecl { name: "dec_dna.sess.conn", ftype: Ftype::None, title: "Session connect data", base: "" },
    FieldDecl { name: "dec_dna.ctl.router_prio", ftype: Ftype::Uint8, title: "Router priority", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.sess.grp_code", ftype: Ftype::Uint16, title: "Session Group code", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.sess.usr_code", ftype: Ftype::Uint16, title: "Session User code", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.sess.dst_name", ftype: Ftype::String, title: "Session Destination end user", base: "" },
    FieldDecl { name: "dec_dna.sess.src_name", ftype: Ftype::String, title: "Session Source end user", base: "" },
    FieldDecl { name: "dec_dna.sess.obj_type", ftype: Ftype::Uint8, title: "Session Object type", base: "BASE_HEX" },
    FieldDecl { name: "dec_dna.sess.menu_ver", ftype: Ftype::String, title: "Session Menu version", base: "" },
    FieldDecl { name: "dec_dna.sess.rqstr_id", ftype: Ftype::String, title: "Session Requestor ID", base: "" },
];

/// Walks the PDU: the routing header, then its control message or the NSP
/// message its data packet carries. The protocol's own item comes once the
/// routing flags' first byte is known to be there, as tshark adds it.
fn walk(w: &mut Walk<'_>, tree: bool) -> Step {
    w.u8(routing::FLAGS_AT)?;
    if tree {
        w.item(
            0,
            0,
            w.pdu.len(),
            walk::field("dec_dna", Ftype::Protocol, "DEC DNA Routing Protocol"),
            format_args!("DEC DNA Routing Protocol"),
        )?;
    }
    let (at, control) = routing::header(w)?;
    if !control {
        nsp::message(w, at)?;
    }
    Ok(())
}

impl Dissector for DecDna {
    fn name(&self) -> &'static str {
        "dec_dna"
    }

    fn title(&self) -> &'static str {
        "DEC DNA Routing Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "DEC DNA"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn link_address(&self, _pdu: &[u8], _source: bool, mac: &[u8; 6], out: &mut dyn fmt::Write) -> bool {
        match dnet_name(mac) {
            Some((area, node)) => write!(out, "{area}.{node}").is_ok(),
            None => false,
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let mut w = Walk::new(pdu, 0, out, None);
        if walk(&mut w, false).is_err() {
            w.info.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, offset: usize, t: &mut Tree) {
        let mut info = String::new();
        let mut w = Walk::new(pdu, offset, &mut info, Some(t));
        if walk(&mut w, true).is_err() {
            malformed(t, "DEC_DNA");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// DECnet_Phone.pcap frame 1: an Ethernet endnode hello from node 1.1.
    const HELLO: &[u8] = &[
        0x22, 0x00, 0x0d, 0x02, 0x00, 0x00, 0xaa, 0x00, 0x04, 0x00, 0x01, 0x04, 0x03, 0x32, 0x40, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, 0xaa, 0xaa,
    ];
    /// Frame 8: a connect confirm whose session data stops after one byte.
    const CONFIRM_CUT: &[u8] =
        &[0x10, 0x00, 0x02, 0x01, 0x04, 0x01, 0x04, 0x00, 0x28, 0x03, 0x20, 0x04, 0x20, 0x01, 0x03, 0x13, 0x40, 0x00];
    /// Frame 12: a data acknowledgement with a cross sub-channel ACK.
    const DATA_ACK: &[u8] =
        &[0x0f, 0x00, 0x02, 0x01, 0x04, 0x01, 0x04, 0x00, 0x04, 0x03, 0x20, 0x04, 0x20, 0x01, 0x80, 0x01, 0xa0];
    /// Frame 11: a single-segment data message (its header, then 28 bytes of data).
    const SEGMENT_HEAD: &[u8] = &[
        0x2d, 0x00, 0x02, 0x01, 0x04, 0x01, 0x04, 0x00, 0x60, 0x04, 0x20, 0x03, 0x20, 0x00, 0x80, 0x00, 0xa0, 0x01,
        0x00,
    ];

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        DecDna.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn an_endnode_hello_as_tshark_shows_it() {
        assert_eq!(info_of(&DecDna, HELLO, Ctx::default()), "Routing control, Endnode Hello message");
        let l = lines(HELLO);
        assert_eq!(l[1], "Routing flags: 0x0d");
        assert_eq!(l[3], ".... 110. = Routing control message: Ethernet endnode hello message (0x6)");
        assert_eq!(l[4], ".... 011. = Routing control message: Level 1 routing message (0x3)");
        assert!(l.contains(&"Transmitting system ID: aa:00:04:00:01:04 (1.1)".to_string()));
        assert!(l.contains(&"Routing information: 0x03, Node type: End node".to_string()));
        assert!(l.contains(&"Neighbor: aa:00:04:00:00:00 (0.0)".to_string()));
        assert_eq!(l.last().map(String::as_str), Some("Hello timer(seconds): 10"));
        assert_eq!(values_of(&DecDna, HELLO, Ctx::default(), "dec_dna.ctl.blk_size"), ["16434"]);
    }

    #[test]
    fn node_addresses_name_decnet_macs() {
        let mut s = String::new();
        assert!(DecDna.link_address(&[], true, &[0xaa, 0, 4, 0, 0x01, 0x04], &mut s));
        assert_eq!(s, "1.1");
        assert!(!DecDna.link_address(&[], false, &[0xab, 0, 0, 3, 0, 0], &mut s));
        assert_eq!(dnet_name(&[0xaa, 0, 4, 0, 0xff, 0xff]), Some((63, 1023)));
    }

    #[test]
    fn nsp_messages_in_the_info_column() {
        assert_eq!(info_of(&DecDna, DATA_ACK, Ctx::default()), "NSP data ACK message(1)");
        let mut seg = SEGMENT_HEAD.to_vec();
        seg.extend([0u8; 28]);
        assert_eq!(
            info_of(&DecDna, &seg, Ctx::default()),
            "msg nr. 1 single segment, bytes this segment: 28, total so far:28"
        );
        let l = lines(DATA_ACK);
        assert!(l.contains(&"DNA NSP message: Data acknowledgement message (0x04)".to_string()));
        assert!(l.contains(&"Cross sub-channel ACK of other data msg 1".to_string()));
    }

    #[test]
    fn connect_data_cut_short_is_malformed() {
        assert_eq!(
            info_of(&DecDna, CONFIRM_CUT, Ctx::default()),
            "NSP connect confirm/initiate message[Malformed Packet]"
        );
        let l = lines(CONFIRM_CUT);
        let at = |s: &str| l.iter().position(|x| x == s);
        assert_eq!(at("[Malformed Packet: DEC_DNA]"), at("Session connect data").map(|i| i + 1));
    }

    #[test]
    fn a_long_header_names_its_addresses() {
        let mut pdu = vec![0, 0, 0x26, 0, 0, 0xaa, 0, 4, 0, 0x02, 0x04, 0, 0, 0xaa, 0, 4, 0, 0x01, 0x04, 0, 1, 0, 0];
        pdu.extend([0x08]);
        let l = lines(&pdu);
        assert!(l.contains(&"Destination Address: aa:00:04:00:02:04 (1.2)".to_string()));
        assert!(l.contains(&"Source Address: aa:00:04:00:01:04 (1.1)".to_string()));
        assert!(l.contains(&"DNA NSP message: NOP (0x08)".to_string()));
    }

    /// Every prefix of every message, and a router hello whose lists claim
    /// more than there is, end in a value, never a panic or a loop.
    #[test]
    fn cut_and_hostile_input_never_panics() {
        let mut seg = SEGMENT_HEAD.to_vec();
        seg.extend(b"DECNET::GUEST");
        let router_hello =
            [0, 0, 0x0b, 2, 0, 0, 0xaa, 0, 4, 0, 1, 4, 2, 0, 2, 64, 0, 10, 0, 0, 0xff, 1, 2, 3, 4, 5, 6, 7, 0xff, 1];
        let routing = [0, 0, 0x07, 1, 4, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6];
        for pdu in [HELLO, CONFIRM_CUT, DATA_ACK, &seg, &router_hello, &routing] {
            for n in 0..=pdu.len() {
                let mut info = String::new();
                DecDna.info(&pdu[..n], Ctx::default(), &mut info);
                let _ = lines(&pdu[..n]);
            }
        }
        assert_eq!(info_of(&DecDna, &[0x22], Ctx::default()), "[Malformed Packet]");
        assert!(lines(&[0x22]).iter().all(|l| l != "DEC DNA Routing Protocol"));
        let mut x: u32 = 12345;
        for len in 0..200 {
            let pdu: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let mut info = String::new();
            DecDna.info(&pdu, Ctx::default(), &mut info);
            let _ = lines(&pdu);
        }
    }
}
