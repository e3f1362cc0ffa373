//! STP, how bridges agree on a loop-free tree of links (IEEE 802.1D-2004 §9):
//! Configuration BPDUs (version 0) carry the root bridge, the sender's cost to
//! it, the sender bridge and port and the timers; Topology Change Notifications
//! are 4 bytes; Rapid STP BPDUs (802.1w, version 2) add a port role and the
//! proposal/agreement flags; MSTP (version 3) adds region data after them,
//! shown as one undecoded block. BPDUs ride in IEEE 802.3 frames with LLC SAP 0x42.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use super::llc;
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Mac;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The STP dissector.
pub struct Stp;

/// The LLC SAP of bridge BPDUs (IEEE 802.1D §7.12.3).
const LLC_SAP: u8 = 0x42;

/// BPDU types (IEEE 802.1D §9.3).
const TYPE_CONFIG: u8 = 0x00;
const TYPE_RST: u8 = 0x02;
const TYPE_TCN: u8 = 0x80;
/// Protocol versions.
const VERSION_RSTP: u8 = 2;
const VERSION_MSTP: u8 = 3;
const VERSION_SPB: u8 = 4;

/// Byte offsets in the BPDU (IEEE 802.1D §9.3.1 and §9.3.3).
mod at {
    pub const PROTOCOL: usize = 0;
    pub const VERSION: usize = 2;
    pub const TYPE: usize = 3;
    pub const FLAGS: usize = 4;
    pub const ROOT: usize = 5;
    pub const COST: usize = 13;
    pub const BRIDGE: usize = 17;
    pub const PORT: usize = 25;
    pub const MSG_AGE: usize = 27;
    pub const MAX_AGE: usize = 29;
    pub const HELLO: usize = 31;
    pub const FORWARD: usize = 33;
    pub const VERSION_1_LEN: usize = 35;
}

/// A TCN BPDU; a Configuration BPDU; a RST BPDU.
const TCN_LEN: usize = 4;
const CONFIG_LEN: usize = 35;
const RST_LEN: usize = 36;
/// Where an MST BPDU's extension starts, after its Version 3 Length (IEEE 802.1Q §14.6).
const MST_EXT_AT: usize = 38;
/// Timers count 1/256 s (IEEE 802.1D §9.2.8).
const TIMER_UNITS: f64 = 256.0;
/// A bridge ID: 4 bits of priority, 12 of system ID extension, a MAC address.
const BRIDGE_ID_LEN: usize = 8;
const PRIORITY_MASK: u16 = 0xf000;
const EXT_MASK: u16 = 0x0fff;

/// The flag bits: mask, field, title. Port Role (0x0c) is two bits.
const TC: u8 = 0x01;
const PROPOSAL: u8 = 0x02;
const ROLE_MASK: u8 = 0x0c;
const TCA: u8 = 0x80;
const RST_FLAGS: [(u8, &str, &str); 4] = [
    (TCA, "stp.flags.tcack", "Topology Change Acknowledgment"),
    (0x40, "stp.flags.agreement", "Agreement"),
    (0x20, "stp.flags.forwarding", "Forwarding"),
    (0x10, "stp.flags.learning", "Learning"),
];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "stp", ftype: Ftype::Protocol, title: "Spanning Tree Protocol", base: "" },
    FieldDecl { name: "stp.protocol", ftype: Ftype::Uint16, title: "Protocol Identifier", base: "BASE_HEX" },
    FieldDecl { name: "stp.version", ftype: Ftype::Uint8, title: "Protocol Version Identifier", base: "BASE_DEC" },
    FieldDecl { name: "stp.type", ftype: Ftype::Uint8, title: "BPDU Type", base: "BASE_HEX" },
    FieldDecl { name: "stp.flags", ftype: Ftype::Uint8, title: "BPDU flags", base: "BASE_HEX" },
    FieldDecl { name: "stp.root.prio", ftype: Ftype::Uint16, title: "Root Bridge Priority", base: "BASE_DEC" },
    FieldDecl { name: "stp.root.hw", ftype: Ftype::Ether, title: "Root Bridge System ID", base: "" },
    FieldDecl { name: "stp.root.cost", ftype: Ftype::Uint32, title: "Root Path Cost", base: "BASE_DEC" },
    FieldDecl { name: "stp.bridge.prio", ftype: Ftype::Uint16, title: "Bridge Priority", base: "BASE_DEC" },
    FieldDecl { name: "stp.bridge.hw", ftype: Ftype::Ether, title: "Bridge System ID", base: "" },
    FieldDecl { name: "stp.port", ftype: Ftype::Uint16, title: "Port identifier", base: "BASE_HEX" },
];

/// Indexes into [`FIELDS`].
mod f {
    pub const PROTOCOL: usize = 1;
    pub const VERSION: usize = 2;
    pub const TYPE: usize = 3;
    pub const FLAGS: usize = 4;
    pub const ROOT_PRIO: usize = 5;
    pub const ROOT_HW: usize = 6;
    pub const COST: usize = 7;
    pub const BRIDGE_PRIO: usize = 8;
    pub const BRIDGE_HW: usize = 9;
    pub const PORT: usize = 10;
}

/// The BPDU after the LLC header of `pdu`, if the header is one STP uses.
fn bpdu(pdu: &[u8]) -> Option<&[u8]> {
    pdu.get(llc::u_header_len(pdu)?..)
}

/// How long a BPDU of its type is.
/// (an MST or SPT BPDU: all of it).
fn wanted_len(b: &[u8]) -> usize {
    match b.get(at::TYPE) {
        Some(&TYPE_TCN) => TCN_LEN,
        Some(&TYPE_CONFIG) => CONFIG_LEN,
        _ if b.get(at::VERSION).is_some_and(|&v| v >= VERSION_MSTP) => b.len(),
        _ => RST_LEN,
    }
}

/// A bridge ID as `32768/1/00:19:06:ea:b8:80` (`sep` between the parts).
fn bridge_id(b: &[u8], sep: &str) -> String {
    let word = be16(b, 0);
    format!("{}{sep}{}{sep}{}", word & PRIORITY_MASK, word & EXT_MASK, Mac(&b[2..BRIDGE_ID_LEN]))
}

/// Wireshark's name of a port role.
fn role_name(role: u8) -> &'static str {
    match role {
        1 => "Alternate or Backup",
        2 => "Root",
        3 => "Designated",
        _ => "Unknown",
    }
}

impl Dissector for Stp {
    fn name(&self) -> &'static str {
        "stp"
    }

    fn title(&self) -> &'static str {
        "Spanning Tree Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "STP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::LlcSap(LLC_SAP)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label(&self, _pdu: &[u8]) -> String {
        self.title().to_string()
    }

    /// tshark lists the LLC header as a protocol of its own.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        match bpdu(pdu) {
            Some(_) => "llc:stp",
            None => "llc",
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(b) = bpdu(pdu) else { return };
        let Some(&kind) = b.get(at::TYPE) else { return };
        if kind == TYPE_TCN {
            out.push_str("Topology Change Notification");
            return;
        }
        let version = b[at::VERSION];
        out.push_str(match (kind, version) {
            (TYPE_CONFIG, _) => "Conf. ",
            (_, VERSION_MSTP) => "MST. ",
            (_, VERSION_SPB) => "SPT. ",
            _ => "RST. ",
        });
        if b.get(at::FLAGS).is_some_and(|f| f & TC != 0) {
            out.push_str("TC + ");
        }
        if b.len() >= at::MSG_AGE {
            let _ = write!(
                out,
                "Root = {}  Cost = {}  Port = 0x{:04x}",
                bridge_id(&b[at::ROOT..], "/"),
                be32(b, at::COST),
                be16(b, at::PORT)
            );
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        if !llc::tree(out, pdu, o) {
            malformed(out, "LLC");
            return;
        }
        let Some(b) = bpdu(pdu) else { return };
        let o = o + llc::U_HEADER_LEN;
        let len = wanted_len(b).min(b.len());
        out.at(0).proto("stp").bytes(o, len).line(format_args!("Spanning Tree Protocol"));
        if !items(out, b, o) {
            malformed(out, "STP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(b) = bpdu(pdu) else { return };
        let u16_at = |at: usize| b.get(at..at + 2).map(|w| be16(w, 0));
        let v = match field {
            f::PROTOCOL => u16_at(at::PROTOCOL).map(|p| Value::Hex { value: u64::from(p), digits: 4 }),
            f::VERSION => b.get(at::VERSION).map(|&v| Value::Uint(u64::from(v))),
            f::TYPE => b.get(at::TYPE).map(|&t| Value::Hex { value: u64::from(t), digits: 2 }),
            f::FLAGS if b.len() >= CONFIG_LEN => Some(Value::Hex { value: u64::from(b[at::FLAGS]), digits: 2 }),
            f::ROOT_PRIO | f::BRIDGE_PRIO if b.len() >= CONFIG_LEN => {
                let at = if field == f::ROOT_PRIO { at::ROOT } else { at::BRIDGE };
                Some(Value::Uint(u64::from(be16(b, at) & PRIORITY_MASK)))
            }
            f::ROOT_HW | f::BRIDGE_HW if b.len() >= CONFIG_LEN => {
                let at = if field == f::ROOT_HW { at::ROOT } else { at::BRIDGE };
                Some(Value::Str(Mac(&b[at + 2..at + BRIDGE_ID_LEN]).to_string().into()))
            }
            f::COST if b.len() >= CONFIG_LEN => Some(Value::Uint(u64::from(be32(b, at::COST)))),
            f::PORT if b.len() >= CONFIG_LEN => Some(Value::Hex { value: u64::from(be16(b, at::PORT)), digits: 4 }),
            _ => None,
        };
        out.extend(v);
    }
}

/// The BPDU's items; false when it is shorter than its type needs.
fn items(out: &mut Tree, b: &[u8], o: usize) -> bool {
    let Some(head) = b.get(..TCN_LEN) else { return false };
    let (protocol, version, kind) = (be16(head, 0), head[at::VERSION], head[at::TYPE]);
    let proto_name = if protocol == 0 { "Spanning Tree Protocol" } else { "Unknown" };
    out.at(1)
        .field("stp.protocol", Ftype::Uint16, Value::Hex { value: u64::from(protocol), digits: 4 })
        .bytes(o, 2)
        .line(format_args!("Protocol Identifier: {proto_name} (0x{protocol:04x})"));
    let version_name = match version {
        0 => "Spanning Tree",
        VERSION_RSTP => "Rapid Spanning Tree",
        VERSION_MSTP => "Multiple Spanning Tree",
        VERSION_SPB => "Shortest Path Tree",
        _ => "Unknown",
    };
    out.at(1)
        .field("stp.version", Ftype::Uint8, version)
        .bytes(o + at::VERSION, 1)
        .line(format_args!("Protocol Version Identifier: {version_name} ({version})"));
    let type_name = match kind {
        TYPE_CONFIG => "Configuration",
        TYPE_RST => "Rapid/Multiple Spanning Tree",
        TYPE_TCN => "Topology Change Notification",
        _ => "Unknown",
    };
    out.at(1)
        .field("stp.type", Ftype::Uint8, Value::Hex { value: u64::from(kind), digits: 2 })
        .bytes(o + at::TYPE, 1)
        .line(format_args!("BPDU Type: {type_name} (0x{kind:02x})"));
    if kind == TYPE_TCN {
        return true;
    }
    if b.len() < CONFIG_LEN {
        return false;
    }
    flags(out, b[at::FLAGS], o + at::FLAGS, kind == TYPE_RST);
    bridge(out, &b[at::ROOT..], o + at::ROOT, ("root", "Root Identifier", "Root Bridge"));
    let cost = be32(b, at::COST);
    out.at(1)
        .field("stp.root.cost", Ftype::Uint32, cost)
        .bytes(o + at::COST, 4)
        .line(format_args!("Root Path Cost: {cost}"));
    bridge(out, &b[at::BRIDGE..], o + at::BRIDGE, ("bridge", "Bridge Identifier", "Bridge"));
    let port = be16(b, at::PORT);
    out.at(1)
        .field("stp.port", Ftype::Uint16, Value::Hex { value: u64::from(port), digits: 4 })
        .bytes(o + at::PORT, 2)
        .line(format_args!("Port identifier: 0x{port:04x}"));
    let timers = [
        (at::MSG_AGE, "stp.msg_age", "Message Age"),
        (at::MAX_AGE, "stp.max_age", "Max Age"),
        (at::HELLO, "stp.hello", "Hello Time"),
        (at::FORWARD, "stp.forward", "Forward Delay"),
    ];
    for (at, field, title) in timers {
        let secs = f64::from(be16(b, at)) / TIMER_UNITS;
        out.at(1).field(field, Ftype::Double, secs).bytes(o + at, 2).line(format_args!("{title}: {secs}"));
    }
    if kind != TYPE_RST {
        return true;
    }
    let Some(&v1) = b.get(at::VERSION_1_LEN) else { return false };
    out.at(1)
        .field("stp.version_1_length", Ftype::Uint8, v1)
        .bytes(o + at::VERSION_1_LEN, 1)
        .line(format_args!("Version 1 Length: {v1}"));
    if b[at::VERSION] >= VERSION_MSTP {
        let Some(v3) = b.get(RST_LEN..RST_LEN + 2).map(|w| be16(w, 0)) else { return false };
        out.at(1)
            .field("mstp.version_3_length", Ftype::Uint16, v3)
            .bytes(o + RST_LEN, 2)
            .line(format_args!("Version 3 Length: {v3}"));
        let ext = MST_EXT_AT.min(b.len());
        out.at(1).bytes(o + ext, b.len() - ext).line(format_args!("MST Extension"));
    }
    true
}

/// The flags byte: TCA and TC in every BPDU, the rest in a RST BPDU.
fn flags(out: &mut Tree, fl: u8, o: usize, rst: bool) {
    let role = (fl & ROLE_MASK) >> 2;
    let mut summary = String::new();
    let mut name = |set: bool, what: &str| {
        if set {
            summary.push_str(", ");
            summary.push_str(what);
        }
    };
    name(fl & TCA != 0, "Topology Change Acknowledgment");
    if rst {
        RST_FLAGS[1..].iter().for_each(|&(m, _, t)| name(fl & m != 0, t));
        name(true, &format!("Port Role: {}", role_name(role)));
        name(fl & PROPOSAL != 0, "Proposal");
    }
    name(fl & TC != 0, "Topology Change");
    out.at(1)
        .field("stp.flags", Ftype::Uint8, Value::Hex { value: u64::from(fl), digits: 2 })
        .bytes(o, 1)
        .line(format_args!("BPDU flags: 0x{fl:02x}{summary}"));
    let bit = |out: &mut Tree, mask: u8, field: &'static str, title: &str| {
        let set = fl & mask != 0;
        out.at(2)
            .field(field, Ftype::Boolean, u8::from(set))
            .bytes(o, 1)
            .mask(u64::from(mask), u64::from(set))
            .line(format_args!("{} = {title}: {}", byte_pattern(fl, mask), if set { "Yes" } else { "No" }));
    };
    let shown = if rst { &RST_FLAGS[..] } else { &RST_FLAGS[..1] };
    shown.iter().for_each(|&(m, field, t)| bit(out, m, field, t));
    if rst {
        out.at(2)
            .field("stp.flags.port_role", Ftype::Uint8, role)
            .bytes(o, 1)
            .mask(u64::from(ROLE_MASK), u64::from(role))
            .line(format_args!("{} = Port Role: {} ({role})", byte_pattern(fl, ROLE_MASK), role_name(role)));
        bit(out, PROPOSAL, "stp.flags.proposal", "Proposal");
    }
    bit(out, TC, "stp.flags.tc", "Topology Change");
}

/// `0... ....`: the bits of `mask` in `b`.
fn byte_pattern(b: u8, mask: u8) -> String {
    crate::sniff::tree::draw::masked_bits(u64::from(b), u64::from(mask), 8)
}

/// A bridge ID item (`Root Identifier: 32768 / 1 / 00:…`) with its priority,
/// system ID extension and MAC address.
fn bridge(out: &mut Tree, b: &[u8], o: usize, names: (&str, &str, &str)) {
    let (which, title, part) = names;
    let word = be16(b, 0);
    let (prio_field, ext_field, hw_field) = if which == "root" {
        ("stp.root.prio", "stp.root.ext", "stp.root.hw")
    } else {
        ("stp.bridge.prio", "stp.bridge.ext", "stp.bridge.hw")
    };
    out.at(1).bytes(o, BRIDGE_ID_LEN).line(format_args!("{title}: {}", bridge_id(b, " / ")));
    let prio = word & PRIORITY_MASK;
    // tshark gives the priority the first byte only.
    out.at(2).field(prio_field, Ftype::Uint16, prio).bytes(o, 1).line(format_args!("{part} Priority: {prio}"));
    let ext = word & EXT_MASK;
    out.at(2).field(ext_field, Ftype::Uint16, ext).bytes(o, 2).line(format_args!("{part} System ID Extension: {ext}"));
    let mac = Mac(&b[2..BRIDGE_ID_LEN]);
    out.at(2).field(hw_field, Ftype::Ether, &mac).bytes(o + 2, 6).line(format_args!("{part} System ID: {mac}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The LLC header of a BPDU: SAP 0x42 both ways, UI.
    const LLC: [u8; 3] = [0x42, 0x42, 0x03];
    /// 802.1w_rapid_STP.pcap (tcpdump's tests) frame 1 from the LLC header on: a
    /// RST BPDU, designated port proposing, root 32768/1/00:19:06:ea:b8:80.
    const RST: &[u8] = &[
        0x42, 0x42, 0x03, 0x00, 0x00, 0x02, 0x02, 0x0e, 0x80, 0x01, 0x00, 0x19, 0x06, 0xea, 0xb8, 0x80, 0, 0, 0, 0,
        0x80, 0x01, 0x00, 0x19, 0x06, 0xea, 0xb8, 0x80, 0x80, 0x0c, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00,
        0x00,
    ];

    /// A Configuration BPDU with Topology Change set, root 32768/0/…, cost 4, port 0x8001.
    fn config() -> Vec<u8> {
        let mut b = LLC.to_vec();
        b.extend([0, 0, 0, 0, 0x01, 0x80, 0x00, 2, 0, 0, 0, 0, 1, 0, 0, 0, 4]);
        b.extend([0x80, 0x00, 2, 0, 0, 0, 0, 2, 0x80, 0x01, 0x01, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00]);
        b
    }

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Stp, pdu, Ctx::default())
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Stp.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Stp.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn info_in_tsharks_words() {
        assert_eq!(info(RST), "RST. Root = 32768/1/00:19:06:ea:b8:80  Cost = 0  Port = 0x800c");
        assert_eq!(info(&config()), "Conf. TC + Root = 32768/0/02:00:00:00:00:01  Cost = 4  Port = 0x8001");
        assert_eq!(info(&[0x42, 0x42, 0x03, 0, 0, 0, 0x80]), "Topology Change Notification");
    }

    #[test]
    fn the_tree_shows_llc_then_the_bpdu() {
        let l = lines(RST);
        for want in [
            "Logical-Link Control",
            "DSAP: Spanning Tree BPDU (0x42)",
            "0100 001. = SAP: Spanning Tree BPDU",
            ".... ...0 = CR Bit: Command",
            "Control field: U, func=UI (0x03)",
            "000. 00.. = Command: Unnumbered Information (0x00)",
            "BPDU flags: 0x0e, Port Role: Designated, Proposal",
            ".... 11.. = Port Role: Designated (3)",
            "Root Identifier: 32768 / 1 / 00:19:06:ea:b8:80",
            "Max Age: 20",
            "Version 1 Length: 0",
        ] {
            assert!(l.contains(&want.to_string()), "{want}: {l:?}");
        }
        let c = lines(&config());
        assert!(c.contains(&"BPDU flags: 0x01, Topology Change".to_string()), "{c:?}");
        assert!(!c.iter().any(|l| l.contains("Port Role")), "a Configuration BPDU has no port role: {c:?}");
        assert!(c.contains(&"Hello Time: 2".to_string()), "{c:?}");
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        assert_eq!(values(RST, "stp.version"), ["2"]);
        assert_eq!(values(RST, "stp.flags"), ["0x0e"]);
        assert_eq!(values(RST, "stp.root.prio"), ["32768"]);
        assert_eq!(values(RST, "stp.root.hw"), ["00:19:06:ea:b8:80"]);
        assert_eq!(values(RST, "stp.port"), ["0x800c"]);
        assert_eq!(values(&config(), "stp.root.cost"), ["4"]);
        assert_eq!(Stp.protocols(RST), "llc:stp");
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        let config = config();
        for pdu in [RST, &config[..]] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let _ = lines(cut);
                for f in 1..FIELDS.len() {
                    Stp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        assert!(lines(&RST[..20]).iter().any(|l| l == "[Malformed Packet: STP]"));
        assert!(lines(&RST[..2]).iter().any(|l| l == "[Malformed Packet: LLC]"));
    }
}
