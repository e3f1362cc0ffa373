//! OSPF, the link-state routing protocol of IP networks: version 2 for IPv4 (RFC
//! 2328) and version 3 for IPv6 (RFC 5340), IP protocol 89. Every packet starts
//! with a common header (RFC 2328 §A.3.1, RFC 5340 §A.3.1) naming one of five
//! message types: Hello (§A.3.2), Database Description (§A.3.3), Link State
//! Request (§A.3.4), Link State Update (§A.3.5) and Link State Acknowledgment
//! (§A.3.6); the last three carry Link State Advertisements ([`lsa`]). After the
//! packet may come an OSPFv2 cryptographic digest (RFC 2328 §D.4.3), a
//! link-local signaling block (LLS, RFC 5613) and an OSPFv3 authentication
//! trailer (RFC 7166).
//!
//! As tshark, the body is walked for the length the header gives and the walk
//! stops where the captured bytes end: the packet is then `[Malformed Packet]`.

mod lsa;
mod walk;

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use walk::{Bit, Cut, Walk, Walked};

/// The OSPF dissector.
pub struct Ospf;

/// OSPF's IP protocol number (IANA).
const IP_PROTO: u8 = 89;

/// Header lengths: OSPFv2 (RFC 2328 §A.3.1), OSPFv3 (RFC 5340 §A.3.1), and what
/// tshark shows of a header of another version.
const V2_HEADER_LEN: usize = 24;
const V3_HEADER_LEN: usize = 16;
const OTHER_HEADER_LEN: usize = 14;

/// Offsets in the common header.
mod hdr {
    /// Version.
    pub const VERSION: usize = 0;
    /// Message type.
    pub const TYPE: usize = 1;
    /// Packet length.
    pub const LENGTH: usize = 2;
    /// Router ID of the sender.
    pub const ROUTER: usize = 4;
    /// Area ID.
    pub const AREA: usize = 8;
    /// Checksum.
    pub const CHECKSUM: usize = 12;
    /// v2: authentication type; v3: instance ID.
    pub const AUTH_TYPE: usize = 14;
    /// v2: authentication data.
    pub const AUTH: usize = 16;
}

/// Message types (RFC 2328 §A.3.1).
mod ty {
    /// Hello.
    pub const HELLO: u8 = 1;
    /// Database Description.
    pub const DB_DESC: u8 = 2;
    /// Link State Request.
    pub const LS_REQ: u8 = 3;
    /// Link State Update.
    pub const LS_UPD: u8 = 4;
    /// Link State Acknowledgment.
    pub const LS_ACK: u8 = 5;
}

/// OSPFv2 authentication types (RFC 2328 §D).
mod auth {
    /// Null authentication.
    pub const NULL: u16 = 0;
    /// Simple password.
    pub const SIMPLE: u16 = 1;
    /// Cryptographic authentication (keyed MD5 or RFC 5709's HMAC-SHA).
    pub const CRYPT: u16 = 2;
}

/// The L bit (an LLS block follows, RFC 5613 §2.5) in OSPFv2 and OSPFv3 options.
const V2_L: u32 = 0x10;
const V3_L: u32 = 0x200;
/// The AT bit of OSPFv3 options: an authentication trailer follows (RFC 7166 §2.1).
const V3_AT: u32 = 0x400;
/// An LS Request entry (RFC 2328 §A.3.4).
const LSR_ENTRY: usize = 12;

/// Wireshark's name of a message type.
fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        ty::HELLO => "Hello Packet",
        ty::DB_DESC => "DB Description",
        ty::LS_REQ => "LS Request",
        ty::LS_UPD => "LS Update",
        ty::LS_ACK => "LS Acknowledge",
        _ => return None,
    })
}

/// The hidden boolean field tshark adds for a message type.
fn type_filter(t: u8) -> Option<&'static str> {
    Some(match t {
        ty::HELLO => "ospf.msg.hello",
        ty::DB_DESC => "ospf.msg.dbdesc",
        ty::LS_REQ => "ospf.msg.lsreq",
        ty::LS_UPD => "ospf.msg.lsupdate",
        ty::LS_ACK => "ospf.msg.lsack",
        _ => return None,
    })
}

/// The OSPFv2 option bits (RFC 2328 §A.2, RFC 5613, RFC 4915), as tshark lists them.
const V2_OPTION_BITS: &[Bit] = &[
    Bit { mask: 0x80, name: "ospf.v2.options.dn", title: "DN", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x40, name: "ospf.v2.options.o", title: "O", words: ("Set", "Not set"), listed: true },
    Bit {
        mask: 0x20,
        name: "ospf.v2.options.dc",
        title: "(DC) Demand Circuits",
        words: ("Supported", "Not supported"),
        listed: true,
    },
    Bit {
        mask: 0x10,
        name: "ospf.v2.options.l",
        title: "(L) LLS Data block",
        words: ("Present", "Not Present"),
        listed: true,
    },
    Bit {
        mask: 0x08,
        name: "ospf.v2.options.n",
        title: "(N) NSSA",
        words: ("Supported", "Not supported"),
        listed: true,
    },
    Bit {
        mask: 0x04,
        name: "ospf.v2.options.mc",
        title: "(MC) Multicast",
        words: ("Capable", "Not capable"),
        listed: true,
    },
    Bit {
        mask: 0x02,
        name: "ospf.v2.options.e",
        title: "(E) External Routing",
        words: ("Capable", "Not capable"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.v2.options.mt",
        title: "(MT) Multi-Topology Routing",
        words: ("Yes", "No"),
        listed: true,
    },
];

/// The OSPFv3 option bits (RFC 5340 §A.2, RFC 5838 AF, RFC 7166 AT).
const V3_OPTION_BITS: &[Bit] = &[
    Bit { mask: 0x400, name: "ospf.v3.options.at", title: "AT", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x200, name: "ospf.v3.options.l", title: "L", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x100, name: "ospf.v3.options.af", title: "AF", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x20, name: "ospf.v3.options.dc", title: "DC", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x10, name: "ospf.v3.options.r", title: "R", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x08, name: "ospf.v3.options.n", title: "N", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x04, name: "ospf.v3.options.mc", title: "MC", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x02, name: "ospf.v3.options.e", title: "E", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x01, name: "ospf.v3.options.v6", title: "V6", words: ("Set", "Not set"), listed: true },
];

/// The Database Description flags (RFC 2328 §A.3.3, RFC 4811 R).
const DBD_BITS: &[Bit] = &[
    Bit { mask: 0x08, name: "ospf.dbd.r", title: "(R) OOBResync", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x04, name: "ospf.dbd.i", title: "(I) Init", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x02, name: "ospf.dbd.m", title: "(M) More", words: ("Set", "Not set"), listed: true },
    Bit { mask: 0x01, name: "ospf.dbd.ms", title: "(MS) Master", words: ("Yes", "No"), listed: true },
];

/// The LLS Extended Options (RFC 5613 §2.2, RFC 4811 LR, RFC 4812 RS).
const LLS_EXT_BITS: &[Bit] = &[
    Bit {
        mask: 0x02,
        name: "ospf.lls.ext.options.rs",
        title: "(RS) Restart Signal",
        words: ("Set", "Not set"),
        listed: true,
    },
    Bit {
        mask: 0x01,
        name: "ospf.lls.ext.options.lr",
        title: "(LR) LSDB Resynchronization",
        words: ("Set", "Not set"),
        listed: true,
    },
];

/// OSPFv2 options at `at`.
fn v2_options(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked<u32> {
    w.flags(d, "ospf.v2.options", "Options", at, 1, V2_OPTION_BITS)
}

/// OSPFv3 options (24 bits) at `at`.
fn v3_options(w: &mut Walk<'_, '_>, d: usize, at: usize) -> Walked<u32> {
    w.flags(d, "ospf.v3.options", "Options", at, 3, V3_OPTION_BITS)
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ospf", ftype: Ftype::Protocol, title: "Open Shortest Path First", base: "" },
    FieldDecl { name: "ospf.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "ospf.msg", ftype: Ftype::Uint8, title: "Message Type", base: "BASE_DEC" },
    FieldDecl { name: "ospf.packet_length", ftype: Ftype::Uint16, title: "Packet Length", base: "BASE_DEC" },
    FieldDecl { name: "ospf.srcrouter", ftype: Ftype::Ipv4, title: "Source OSPF Router", base: "" },
    FieldDecl { name: "ospf.area_id", ftype: Ftype::Ipv4, title: "Area ID", base: "" },
    FieldDecl { name: "ospf.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "ospf.auth.type", ftype: Ftype::Uint16, title: "Auth Type", base: "BASE_DEC" },
    FieldDecl { name: "ospf.auth.none", ftype: Ftype::Bytes, title: "Auth Data (none)", base: "" },
    FieldDecl { name: "ospf.auth.simple", ftype: Ftype::String, title: "Auth Data (Simple)", base: "" },
    FieldDecl { name: "ospf.auth.crypt.key_id", ftype: Ftype::Uint8, title: "Auth Crypt Key id", base: "BASE_DEC" },
    FieldDecl {
        name: "ospf.auth.crypt.data_length",
        ftype: Ftype::Uint8,
        title: "Auth Crypt Data Length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ospf.auth.crypt.seq_nbr",
        ftype: Ftype::Uint32,
        title: "Auth Crypt Sequence Number",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ospf.auth.crypt.data", ftype: Ftype::Bytes, title: "Auth Crypt Data", base: "" },
    FieldDecl { name: "ospf.auth.unknown", ftype: Ftype::Bytes, title: "Auth Unknown", base: "" },
    FieldDecl { name: "ospf.instance_id", ftype: Ftype::Uint8, title: "Instance ID", base: "BASE_DEC" },
    FieldDecl { name: "ospf.reserved", ftype: Ftype::Bytes, title: "Reserved", base: "" },
    FieldDecl { name: "ospf.hello.network_mask", ftype: Ftype::Ipv4, title: "Network Mask", base: "" },
    FieldDecl { name: "ospf.hello.interface_id", ftype: Ftype::Uint32, title: "Interface ID", base: "BASE_DEC" },
    FieldDecl {
        name: "ospf.hello.hello_interval",
        ftype: Ftype::Uint32,
        title: "Hello Interval [sec]",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ospf.hello.router_priority", ftype: Ftype::Uint8, title: "Router Priority", base: "BASE_DEC" },
    FieldDecl {
        name: "ospf.hello.router_dead_interval",
        ftype: Ftype::Uint32,
        title: "Router Dead Interval [sec]",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ospf.hello.designated_router", ftype: Ftype::Ipv4, title: "Designated Router", base: "" },
    FieldDecl {
        name: "ospf.hello.backup_designated_router",
        ftype: Ftype::Ipv4,
        title: "Backup Designated Router",
        base: "",
    },
    FieldDecl { name: "ospf.hello.active_neighbor", ftype: Ftype::Ipv4, title: "Active Neighbor", base: "" },
    FieldDecl { name: "ospf.v2.options", ftype: Ftype::Uint8, title: "Options", base: "BASE_HEX" },
    FieldDecl { name: "ospf.v2.options.l", ftype: Ftype::Boolean, title: "(L) LLS Data block", base: "8" },
    FieldDecl { name: "ospf.v2.options.e", ftype: Ftype::Boolean, title: "(E) External Routing", base: "8" },
    FieldDecl { name: "ospf.v3.options", ftype: Ftype::Uint24, title: "Options", base: "BASE_HEX" },
    FieldDecl { name: "ospf.db.interface_mtu", ftype: Ftype::Uint16, title: "Interface MTU", base: "BASE_DEC" },
    FieldDecl { name: "ospf.dbd", ftype: Ftype::Uint8, title: "DB Description", base: "BASE_HEX" },
    FieldDecl { name: "ospf.dbd.i", ftype: Ftype::Boolean, title: "(I) Init", base: "8" },
    FieldDecl { name: "ospf.dbd.m", ftype: Ftype::Boolean, title: "(M) More", base: "8" },
    FieldDecl { name: "ospf.dbd.ms", ftype: Ftype::Boolean, title: "(MS) Master", base: "8" },
    FieldDecl { name: "ospf.db.dd_sequence", ftype: Ftype::Uint32, title: "DD Sequence", base: "BASE_DEC" },
    FieldDecl { name: "ospf.link_state_id", ftype: Ftype::Ipv4, title: "Link State ID", base: "" },
    FieldDecl { name: "ospf.ls.number_of_lsas", ftype: Ftype::Uint32, title: "Number of LSAs", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa", ftype: Ftype::Uint8, title: "LS Type", base: "BASE_DEC" },
    FieldDecl { name: "ospf.v3.lsa", ftype: Ftype::Uint16, title: "LS Type", base: "BASE_HEX" },
    FieldDecl { name: "ospf.lsa.age", ftype: Ftype::Uint16, title: "LS Age (seconds)", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa.id", ftype: Ftype::Ipv4, title: "Link State ID", base: "" },
    FieldDecl { name: "ospf.advrouter", ftype: Ftype::Ipv4, title: "Advertising Router", base: "" },
    FieldDecl { name: "ospf.lsa.seqnum", ftype: Ftype::Uint32, title: "Sequence Number", base: "BASE_HEX" },
    FieldDecl { name: "ospf.lsa.chksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "ospf.lsa.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa.number_of_links", ftype: Ftype::Uint16, title: "Number of Links", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa.router.linkid", ftype: Ftype::Ipv4, title: "Link ID", base: "" },
    FieldDecl { name: "ospf.lsa.router.linkdata", ftype: Ftype::Ipv4, title: "Link Data", base: "" },
    FieldDecl { name: "ospf.lsa.router.linktype", ftype: Ftype::Uint8, title: "Link Type", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa.router.metric0", ftype: Ftype::Uint16, title: "0 Metric", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lsa.network.netmask", ftype: Ftype::Ipv4, title: "Netmask", base: "" },
    FieldDecl { name: "ospf.lsa.network.attchrtr", ftype: Ftype::Ipv4, title: "Attached Router", base: "" },
    FieldDecl { name: "ospf.lsa.asext.netmask", ftype: Ftype::Ipv4, title: "Netmask", base: "" },
    FieldDecl { name: "ospf.lsa.asext.fwdaddr", ftype: Ftype::Ipv4, title: "Forwarding Address", base: "" },
    FieldDecl { name: "ospf.lsa.asext.extrttag", ftype: Ftype::Uint32, title: "External Route Tag", base: "BASE_DEC" },
    FieldDecl { name: "ospf.metric", ftype: Ftype::Uint32, title: "Metric", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lls.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "ospf.lls.data_length", ftype: Ftype::Uint16, title: "LLS Data Length", base: "BASE_DEC" },
    FieldDecl { name: "ospf.tlv_type", ftype: Ftype::Uint16, title: "TLV Type", base: "BASE_DEC" },
    FieldDecl { name: "ospf.tlv_length", ftype: Ftype::Uint16, title: "TLV Length", base: "BASE_DEC" },
    FieldDecl { name: "ospf.lls.ext.options", ftype: Ftype::Uint32, title: "Options", base: "BASE_HEX" },
];

/// The header length for a version.
fn header_len(version: u8) -> usize {
    match version {
        2 => V2_HEADER_LEN,
        3 => V3_HEADER_LEN,
        _ => OTHER_HEADER_LEN,
    }
}

/// The whole packet: header, message, and what follows it; `Err` where the
/// capture ends before an item tshark reads.
fn walk(w: &mut Walk<'_, '_>) -> Walked {
    let version = w.u8(hdr::VERSION)?;
    let t = w.u8(hdr::TYPE)?;
    let len = w.u16(hdr::LENGTH)?;
    let hlen = header_len(version);
    w.subtree(1, 0, hlen, format_args!("OSPF Header"))?;
    w.dec(2, "ospf.version", "Version", hdr::VERSION, 1)?;
    let shown = type_name(t).map_or_else(|| format!("Unknown ({t})"), |n| format!("{n} ({t})"));
    w.item(
        2,
        "ospf.msg",
        Ftype::Uint8,
        (hdr::TYPE, 1),
        Value::Uint(u64::from(t)),
        format_args!("Message Type: {shown}"),
    )?;
    if let Some(name) = type_filter(t) {
        w.hidden(2, name, Ftype::Boolean, hdr::TYPE, 1, Value::Bool(true));
    }
    w.dec(2, "ospf.packet_length", "Packet Length", hdr::LENGTH, 2)?;
    w.ipv4(2, "ospf.srcrouter", "Source OSPF Router", hdr::ROUTER, "")?;
    let area = w.ip(hdr::AREA)?;
    let tail = if area.is_unspecified() { " (Backbone)" } else { "" };
    w.ipv4(2, "ospf.area_id", "Area ID", hdr::AREA, tail)?;
    checksum(w, version)?;
    if version != 2 && version != 3 {
        return Ok(());
    }
    let crypt_len = if version == 2 { v2_auth(w, len)? } else { v3_instance(w)? };
    // As tshark, a Packet Length below the header's wraps around (16 bits).
    let body = usize::from(len.wrapping_sub(hlen as u16));
    let options = match t {
        ty::HELLO => hello(w, version, hlen, body)?,
        ty::DB_DESC => db_desc(w, version, hlen, body)?,
        ty::LS_REQ => ls_req(w, version, hlen, body).map(|_| 0)?,
        ty::LS_UPD => ls_upd(w, version, hlen, body).map(|_| 0)?,
        ty::LS_ACK => ls_ack(w, version, hlen, body).map(|_| 0)?,
        _ => 0,
    };
    let after = usize::from(len) + crypt_len;
    let l_bit = if version == 2 { V2_L } else { V3_L };
    if matches!(t, ty::HELLO | ty::DB_DESC) && options & l_bit != 0 {
        lls(w, version, after)?;
    }
    if version == 3 && t == ty::HELLO && options & V3_AT != 0 {
        trailer(w, after)?;
    }
    Ok(())
}

/// The checksum: OSPFv2's covers the packet but its authentication field
/// (RFC 2328 §D.4); OSPFv3's needs the IPv6 pseudo-header (RFC 5340 §2.5),
/// whose addresses come with the PDU's [`Ctx`].
fn checksum(w: &mut Walk<'_, '_>, version: u8) -> Walked {
    let sum = w.u16(hdr::CHECKSUM)?;
    let mut line = format!("Checksum: 0x{sum:04x}");
    if sum == 0 {
        line.push_str(" (None)");
    } else if version == 2 && w.pdu.len() >= V2_HEADER_LEN {
        let mut head = [0u8; 16];
        head.copy_from_slice(&w.pdu[..16]);
        let rest = &w.pdu[V2_HEADER_LEN..];
        let want = {
            let mut zeroed = head;
            zeroed[hdr::CHECKSUM..hdr::CHECKSUM + 2].fill(0);
            internet_checksum(&[&zeroed, rest])
        };
        status(&mut line, internet_checksum(&[&head, rest]) == 0, want);
    } else if let (3, Some(addrs), true) = (version, w.addr_sum, w.pdu.len() >= V3_HEADER_LEN) {
        // The pseudo-header: addresses, the packet length and the protocol (RFC 5340 §2.5).
        let len = w.u16(hdr::LENGTH)?.to_be_bytes();
        let pseudo = [addrs.sum.to_be_bytes(), len, [0, IP_PROTO]].concat();
        let mut zeroed = w.pdu.to_vec();
        zeroed[hdr::CHECKSUM..hdr::CHECKSUM + 2].fill(0);
        let want = internet_checksum(&[&pseudo, &zeroed]);
        status(&mut line, internet_checksum(&[&pseudo, w.pdu]) == 0, want);
    }
    let value = Value::hex(u64::from(sum), 4);
    w.item(2, "ospf.checksum", Ftype::Uint16, (hdr::CHECKSUM, 2), value, format_args!("{line}"))
}

/// Appends tshark's verdict on a checksum.
fn status(line: &mut String, good: bool, want: u16) {
    if good {
        line.push_str(" [correct]");
    } else {
        line.push_str(&format!(" [incorrect, should be 0x{want:04x}]"));
    }
}

/// OSPFv2 authentication (RFC 2328 §D.3, §D.4); returns the length of the
/// digest that follows the packet.
fn v2_auth(w: &mut Walk<'_, '_>, len: u16) -> Walked<usize> {
    let kind = w.u16(hdr::AUTH_TYPE)?;
    let name = match kind {
        auth::NULL => "Null",
        auth::SIMPLE => "Simple password",
        auth::CRYPT => "Cryptographic",
        _ => "Unknown",
    };
    w.item(
        2,
        "ospf.auth.type",
        Ftype::Uint16,
        (hdr::AUTH_TYPE, 2),
        Value::Uint(u64::from(kind)),
        format_args!("Auth Type: {name} ({kind})"),
    )?;
    match kind {
        auth::NULL => w.bytes(2, "ospf.auth.none", "Auth Data (none)", hdr::AUTH, 8)?,
        auth::SIMPLE => {
            let b = w.get(hdr::AUTH, 8)?;
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            let text: String =
                b[..end].iter().map(|&c| if c.is_ascii_graphic() || c == b' ' { char::from(c) } else { '.' }).collect();
            w.item(
                2,
                "ospf.auth.simple",
                Ftype::String,
                (hdr::AUTH, 8),
                Value::Str(text.clone().into()),
                format_args!("Auth Data (Simple): {text}"),
            )?;
        }
        auth::CRYPT => {
            w.dec(2, "ospf.auth.crypt.key_id", "Auth Crypt Key id", hdr::AUTH + 2, 1)?;
            let n = w.dec(2, "ospf.auth.crypt.data_length", "Auth Crypt Data Length", hdr::AUTH + 3, 1)? as usize;
            w.dec(2, "ospf.auth.crypt.seq_nbr", "Auth Crypt Sequence Number", hdr::AUTH + 4, 4)?;
            // The digest follows the packet; tshark shows it only when it is there.
            let at = usize::from(len);
            if w.get(at, n).is_ok() {
                w.bytes(2, "ospf.auth.crypt.data", "Auth Crypt Data", at, n)?;
            }
            return Ok(n);
        }
        _ => w.bytes(2, "ospf.auth.unknown", "Auth Unknown", hdr::AUTH, 8)?,
    }
    Ok(0)
}

/// The OSPFv3 instance ID and reserved byte (RFC 5340 §A.3.1, RFC 5838 §2.1).
fn v3_instance(w: &mut Walk<'_, '_>) -> Walked<usize> {
    let id = w.u8(hdr::AUTH_TYPE)?;
    let af = match id {
        0..=31 => "IPv6 unicast AF",
        32..=63 => "IPv6 multicast AF",
        64..=95 => "IPv4 unicast AF",
        96..=127 => "IPv4 multicast AF",
        _ => "Reserved",
    };
    w.item(
        2,
        "ospf.instance_id",
        Ftype::Uint8,
        (hdr::AUTH_TYPE, 1),
        Value::Uint(u64::from(id)),
        format_args!("Instance ID: {af} ({id})"),
    )?;
    w.bytes(2, "ospf.reserved", "Reserved", hdr::AUTH_TYPE + 1, 1)?;
    if w.u8(hdr::AUTH_TYPE + 1)? != 0 {
        w.out.expert(3, "ospf.reserved.not_zero", Severity::Warning, Group::Protocol, "incorrect, should be 0");
    }
    Ok(0)
}

/// A Hello (RFC 2328 §A.3.2, RFC 5340 §A.3.2); returns its options.
fn hello(w: &mut Walk<'_, '_>, version: u8, at: usize, len: usize) -> Walked<u32> {
    w.need(at, len)?;
    w.out.at(1).field("ospf.hello", Ftype::None, "").bytes(w.base + at, len).line(format_args!("OSPF Hello Packet"));
    let options = if version == 2 {
        w.ipv4(2, "ospf.hello.network_mask", "Network Mask", at, "")?;
        w.dec(2, "ospf.hello.hello_interval", "Hello Interval [sec]", at + 4, 2)?;
        let o = v2_options(w, 2, at + 6)?;
        w.dec(2, "ospf.hello.router_priority", "Router Priority", at + 7, 1)?;
        w.dec(2, "ospf.hello.router_dead_interval", "Router Dead Interval [sec]", at + 8, 4)?;
        o
    } else {
        w.dec(2, "ospf.hello.interface_id", "Interface ID", at, 4)?;
        w.dec(2, "ospf.hello.router_priority", "Router Priority", at + 4, 1)?;
        let o = v3_options(w, 2, at + 5)?;
        w.dec(2, "ospf.hello.hello_interval", "Hello Interval [sec]", at + 8, 2)?;
        w.dec(2, "ospf.hello.router_dead_interval", "Router Dead Interval [sec]", at + 10, 2)?;
        o
    };
    w.ipv4(2, "ospf.hello.designated_router", "Designated Router", at + 12, "")?;
    w.ipv4(2, "ospf.hello.backup_designated_router", "Backup Designated Router", at + 16, "")?;
    let mut p = at + 20;
    while p < at + len {
        w.ipv4(2, "ospf.hello.active_neighbor", "Active Neighbor", p, "")?;
        p += 4;
    }
    Ok(options)
}

/// A Database Description (RFC 2328 §A.3.3, RFC 5340 §A.3.3); returns its options.
fn db_desc(w: &mut Walk<'_, '_>, version: u8, at: usize, len: usize) -> Walked<u32> {
    let fixed = if version == 2 { 8 } else { 12 };
    w.subtree(1, at, fixed, format_args!("OSPF DB Description"))?;
    let options = if version == 2 {
        w.dec(2, "ospf.db.interface_mtu", "Interface MTU", at, 2)?;
        let o = v2_options(w, 2, at + 2)?;
        w.flags(2, "ospf.dbd", "DB Description", at + 3, 1, DBD_BITS)?;
        w.dec(2, "ospf.db.dd_sequence", "DD Sequence", at + 4, 4)?;
        o
    } else {
        w.bytes(2, "ospf.reserved", "Reserved", at, 1)?;
        let o = v3_options(w, 2, at + 1)?;
        w.dec(2, "ospf.db.interface_mtu", "Interface MTU", at + 4, 2)?;
        w.bytes(2, "ospf.reserved", "Reserved", at + 6, 1)?;
        w.flags(2, "ospf.dbd", "DB Description", at + 7, 1, DBD_BITS)?;
        w.dec(2, "ospf.db.dd_sequence", "DD Sequence", at + 8, 4)?;
        o
    };
    lsa_headers(w, version, at + fixed, at + len)?;
    Ok(options)
}

/// LSA headers from `p` while before `end` (DB Description, LS Acknowledgment).
fn lsa_headers(w: &mut Walk<'_, '_>, version: u8, mut p: usize, end: usize) -> Walked {
    while p < end {
        let next = if version == 2 { lsa::v2(w, 1, p, false)? } else { lsa::v3(w, 1, p, false, lsa::Af::V6)? };
        // tshark loses its place after an impossible length and reads past the end.
        p = next.ok_or(Cut { at: p })?;
    }
    Ok(())
}

/// A Link State Request (RFC 2328 §A.3.4, RFC 5340 §A.3.4).
fn ls_req(w: &mut Walk<'_, '_>, version: u8, at: usize, len: usize) -> Walked {
    let mut p = at;
    while p < at + len {
        w.subtree(1, p, LSR_ENTRY, format_args!("Link State Request"))?;
        if version == 2 {
            let t = w.u8(p + 3)?;
            w.need(p, 4)?;
            w.out
                .at(2)
                .field("ospf.lsa", Ftype::Uint8, t)
                .bytes(w.base + p, 4)
                .line(format_args!("LS Type: {} ({t})", lsa::v2_type_name(t)));
        } else {
            w.bytes(2, "ospf.reserved", "Reserved", p, 2)?;
            lsa::v3_ls_type(w, 2, p + 2)?;
        }
        w.ipv4(2, "ospf.link_state_id", "Link State ID", p + 4, "")?;
        w.ipv4(2, "ospf.advrouter", "Advertising Router", p + 8, "")?;
        p += LSR_ENTRY;
    }
    Ok(())
}

/// A Link State Update (RFC 2328 §A.3.5, RFC 5340 §A.3.5): the count and the LSAs.
fn ls_upd(w: &mut Walk<'_, '_>, version: u8, at: usize, len: usize) -> Walked {
    // tshark takes instance IDs 66 to 127 for IPv4 address families (RFC 5838 §2.1).
    let af = match w.u8(hdr::AUTH_TYPE)? {
        66..=127 if version == 3 => lsa::Af::V4,
        _ => lsa::Af::V6,
    };
    w.subtree(1, at, len, format_args!("LS Update Packet"))?;
    let n = w.dec(2, "ospf.ls.number_of_lsas", "Number of LSAs", at, 4)?;
    let mut p = at + 4;
    for _ in 0..n {
        let next = if version == 2 { lsa::v2(w, 2, p, true)? } else { lsa::v3(w, 2, p, true, af)? };
        p = next.ok_or(Cut { at: p })?;
    }
    Ok(())
}

/// A Link State Acknowledgment (RFC 2328 §A.3.6): LSA headers.
fn ls_ack(w: &mut Walk<'_, '_>, version: u8, at: usize, len: usize) -> Walked {
    lsa_headers(w, version, at, at + len)
}

/// The LLS data block after the packet (RFC 5613 §2.2): checksum, length in
/// 32-bit words, and TLVs.
fn lls(w: &mut Walk<'_, '_>, version: u8, at: usize) -> Walked {
    let words = usize::from(w.u16(at + 2)?);
    let len = 4 * words;
    w.subtree(1, at, len, format_args!("OSPF LLS Data Block"))?;
    w.hex(2, "ospf.lls.checksum", "Checksum", at, 2)?;
    w.item(
        2,
        "ospf.lls.data_length",
        Ftype::Uint16,
        (at + 2, 2),
        Value::Uint(len as u64),
        format_args!("LLS Data Length: {len} bytes"),
    )?;
    let mut p = at + 4;
    while p < at + len {
        let t = w.u16(p)?;
        let l = usize::from(w.u16(p + 2)?);
        let name = match (version, t) {
            (2, 1) => "Extended options TLV",
            (2, 2) => "Crypto Authentication TLV",
            (3, 1) => "Extended Options TLV",
            _ => "Unknown LLS TLV",
        };
        w.subtree(2, p, l + 4, format_args!("{name}"))?;
        w.dec(3, "ospf.tlv_type", "TLV Type", p, 2)?;
        w.dec(3, "ospf.tlv_length", "TLV Length", p + 2, 2)?;
        match (version, t) {
            (2, 1) => {
                w.flags(3, "ospf.lls.ext.options", "Options", p + 4, 4, LLS_EXT_BITS)?;
            }
            (2, 2) => {
                w.hex(3, "ospf.v2.lls.sequence_number", "Sequence number", p + 4, 4)?;
                w.bytes(3, "ospf.v2.lls.auth_data", "Auth Data", p + 8, l.saturating_sub(4))?;
            }
            (3, 1) => {
                w.hex(3, "ospf.v3.lls.ext.options", "Options", p + 4, 4)?;
            }
            _ => {}
        }
        p += l + 4;
    }
    Ok(())
}

/// The OSPFv3 authentication trailer (RFC 7166 §2.2).
fn trailer(w: &mut Walk<'_, '_>, at: usize) -> Walked {
    let len = usize::from(w.u16(at + 2)?);
    w.subtree(1, at, len, format_args!("OSPF Authentication Trailer"))?;
    let kind = w.u16(at)?;
    let name = if kind == 1 { "HMAC Cryptographic Authentication" } else { "Reserved" };
    w.item(
        2,
        "ospf.at.auth_type",
        Ftype::Uint16,
        (at, 2),
        Value::Uint(u64::from(kind)),
        format_args!("Authentication Type: {name} ({kind})"),
    )?;
    w.dec(2, "ospf.at.auth_data_len", "Authentication Data Length", at + 2, 2)?;
    w.hex(2, "ospf.at.reserved", "Reserved", at + 4, 2)?;
    w.hex(2, "ospf.at.sa_id", "Security Association Identifier (SA ID)", at + 6, 2)?;
    let seq = u64::from(w.u32(at + 8)?) << 32 | u64::from(w.u32(at + 12)?);
    w.item(
        2,
        "ospf.at.crypto_seq_nbr",
        Ftype::Uint64,
        (at + 8, 8),
        Value::Uint(seq),
        format_args!("Cryptographic Sequence Number: {seq}"),
    )?;
    w.bytes(2, "ospf.at.auth_data", "Authentication Data", at + 16, len.saturating_sub(16))
}

/// The details of `pdu` into `out`, with `[Malformed Packet: OSPF]` where it
/// ends early; returns where it was cut, if it was.
fn draw(pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) -> Option<Cut> {
    out.at(0).proto("ospf").bytes(o, pdu.len()).line(format_args!("Open Shortest Path First"));
    let mut w = Walk { pdu, base: o, out, addr_sum: ctx.addr_sum };
    let cut = walk(&mut w).err();
    if cut.is_some() {
        malformed(out, "OSPF");
    }
    cut
}

impl Dissector for Ospf {
    fn name(&self) -> &'static str {
        "ospf"
    }

    fn title(&self) -> &'static str {
        "Open Shortest Path First"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "OSPF"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark prints the protocol's filter name for `-e ospf`.
    fn label(&self, _pdu: &[u8]) -> String {
        self.name().to_string()
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let Some(&t) = pdu.get(hdr::TYPE) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        match type_name(t) {
            Some(name) => out.push_str(name),
            None => out.push_str(&format!("Unknown ({t})")),
        }
        let mut scratch = Tree::new();
        if draw(pdu, ctx, 0, &mut scratch).is_some() {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, offset: usize, tree: &mut Tree) {
        draw(pdu, ctx, offset, tree);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(decl) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests;
