//! ISAKMP, the Internet Security Association and Key Management Protocol
//! (RFC 2408), and the Internet Key Exchange built on it: IKEv1 (RFC 2409) and
//! IKEv2 (RFC 7296). Two peers agree on IPsec security associations over UDP
//! 500 (and, behind NAT, UDP 4500 after a non-ESP marker: see `udpencap`).
//!
//! A message is a 28-byte header (RFC 2408 §3.1, RFC 7296 §3.1): both SPIs
//! (cookies), the first payload's type, the version, the exchange type, flags,
//! the message ID and the length; then a chain of payloads, each naming the
//! next, with a 4-byte generic header (RFC 2408 §3.2, RFC 7296 §3.2). The Info
//! column names the exchange: IKEv1 its mode (`Identity Protection (Main
//! Mode)`), IKEv2 the exchange, message ID and roles (`IKE_SA_INIT MID=00
//! Initiator Request`), as tshark writes them.

use super::data::shown_bytes;
use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The ISAKMP dissector.
pub struct Isakmp;

/// ISAKMP's UDP port (RFC 2408 §2.5.2, IANA `isakmp`).
pub const UDP_PORT: u16 = 500;

/// Byte offsets of the header (RFC 2408 §3.1, RFC 7296 §3.1).
mod at {
    pub const ISPI: usize = 0;
    pub const RSPI: usize = 8;
    pub const NEXT: usize = 16;
    pub const VERSION: usize = 17;
    pub const EXCHANGE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: usize = 20;
    pub const LENGTH: usize = 24;
    /// The header's length: the first payload starts here.
    pub const END: usize = 28;
    /// In a payload's generic header: next payload, critical/reserved, length.
    pub const P_NEXT: usize = 0;
    pub const P_FLAGS: usize = 1;
    pub const P_LEN: usize = 2;
    pub const P_END: usize = 4;
}

/// Header flags (RFC 2408 §3.1; RFC 7296 §3.1).
mod flag {
    pub const ENCRYPTION: u8 = 0x01;
    pub const COMMIT: u8 = 0x02;
    pub const AUTHENTICATION: u8 = 0x04;
    pub const INITIATOR: u8 = 0x08;
    pub const VERSION: u8 = 0x10;
    pub const RESPONSE: u8 = 0x20;
}

/// IKEv2's payload "critical" bit (RFC 7296 §3.2).
const CRITICAL: u8 = 0x80;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl {
        name: "isakmp",
        ftype: Ftype::Protocol,
        title: "Internet Security Association and Key Management Protocol",
        base: "",
    },
    FieldDecl { name: "isakmp.ispi", ftype: Ftype::Bytes, title: "Initiator SPI", base: "" },
    FieldDecl { name: "isakmp.rspi", ftype: Ftype::Bytes, title: "Responder SPI", base: "" },
    FieldDecl { name: "isakmp.nextpayload", ftype: Ftype::Uint8, title: "Next payload", base: "BASE_DEC" },
    FieldDecl { name: "isakmp.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.mjver", ftype: Ftype::Uint8, title: "MjVer", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.mnver", ftype: Ftype::Uint8, title: "MnVer", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.exchtype", ftype: Ftype::Uint8, title: "Exchange type", base: "BASE_DEC" },
    FieldDecl { name: "isakmp.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.flag_e", ftype: Ftype::Boolean, title: "Encryption", base: "8" },
    FieldDecl { name: "isakmp.flag_c", ftype: Ftype::Boolean, title: "Commit", base: "8" },
    FieldDecl { name: "isakmp.flag_a", ftype: Ftype::Boolean, title: "Authentication", base: "8" },
    FieldDecl { name: "isakmp.flag_i", ftype: Ftype::Boolean, title: "Initiator", base: "8" },
    FieldDecl { name: "isakmp.flag_v", ftype: Ftype::Boolean, title: "Version", base: "8" },
    FieldDecl { name: "isakmp.flag_r", ftype: Ftype::Boolean, title: "Response", base: "8" },
    FieldDecl { name: "isakmp.messageid", ftype: Ftype::Uint32, title: "Message ID", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.length", ftype: Ftype::Uint32, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "isakmp.typepayload", ftype: Ftype::Uint8, title: "Payload", base: "BASE_DEC" },
    FieldDecl { name: "isakmp.criticalpayload", ftype: Ftype::Boolean, title: "Critical Bit", base: "8" },
    FieldDecl { name: "isakmp.reserved7", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_HEX" },
    FieldDecl { name: "isakmp.reserved", ftype: Ftype::Bytes, title: "Reserved", base: "" },
    FieldDecl { name: "isakmp.payloadlen", ftype: Ftype::Uint16, title: "Payload length", base: "BASE_DEC" },
    FieldDecl { name: "isakmp.nonce", ftype: Ftype::Bytes, title: "Nonce DATA", base: "" },
    FieldDecl { name: "isakmp.hash", ftype: Ftype::Bytes, title: "Hash DATA", base: "" },
    FieldDecl { name: "isakmp.vid_bytes", ftype: Ftype::Bytes, title: "Vendor ID", base: "" },
];

/// Wireshark's name of an IKEv1 exchange type (RFC 2408 §3.1, RFC 2409, IANA).
fn v1_exchange(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "NONE",
        1 => "Base",
        2 => "Identity Protection (Main Mode)",
        3 => "Authentication Only",
        4 => "Aggressive",
        5 => "Informational",
        6 => "Transaction (Config Mode)",
        32 => "Quick Mode",
        33 => "New Group Mode",
        _ => return None,
    })
}

/// Wireshark's name of an IKEv2 exchange type (RFC 7296 §3.1, IANA).
fn v2_exchange(t: u8) -> Option<&'static str> {
    Some(match t {
        34 => "IKE_SA_INIT",
        35 => "IKE_AUTH",
        36 => "CREATE_CHILD_SA",
        37 => "INFORMATIONAL",
        38 => "IKE_SESSION_RESUME",
        39 => "GSA_AUTH",
        40 => "GSA_REGISTRATION",
        41 => "GSA_REKEY",
        43 => "IKE_INTERMEDIATE",
        44 => "IKE_FOLLOWUP_KE",
        _ => return None,
    })
}

/// Wireshark's name of an IKEv1 payload type (RFC 2408 §3.1, RFC 3947, IANA).
fn v1_payload(t: u8) -> &'static str {
    match t {
        0 => "NONE / No Next Payload ",
        1 => "Security Association",
        2 => "Proposal",
        3 => "Transform",
        4 => "Key Exchange",
        5 => "Identification",
        6 => "Certificate",
        7 => "Certificate Request",
        8 => "Hash",
        9 => "Signature",
        10 => "Nonce",
        11 => "Notification",
        12 => "Delete",
        13 => "Vendor ID",
        14 => "Attributes",
        15 => "SA KEK Payload",
        16 => "SA TEK Payload",
        17 => "Key Download",
        18 => "Sequence Number",
        19 => "Proof of Possession",
        20 => "NAT-D (RFC 3947)",
        21 => "NAT-OA (RFC 3947)",
        22 => "Group Associated Policy",
        130 => "NAT-D (draft-ietf-ipsec-nat-t-ike-01 to 03)",
        131 => "NAT-OA (draft-ietf-ipsec-nat-t-ike-01 to 04)",
        132 => "Cisco-Fragmentation",
        _ => "Unknown",
    }
}

/// Wireshark's name of an IKEv2 payload type (RFC 7296 §3.2, IANA).
fn v2_payload(t: u8) -> &'static str {
    match t {
        0 => "NONE / No Next Payload ",
        33 => "Security Association",
        34 => "Key Exchange",
        35 => "Identification - Initiator",
        36 => "Identification - Responder",
        37 => "Certificate",
        38 => "Certificate Request",
        39 => "Authentication",
        40 => "Nonce",
        41 => "Notify",
        42 => "Delete",
        43 => "Vendor ID",
        44 => "Traffic Selector - Initiator",
        45 => "Traffic Selector - Responder",
        46 => "Encrypted and Authenticated",
        47 => "Configuration",
        48 => "Extensible Authentication",
        49 => "Generic Secure Password Method",
        50 => "Group Identification",
        51 => "Group Security Association",
        52 => "Key Download",
        53 => "Encrypted and Authenticated Fragment",
        _ => "Unknown",
    }
}

/// The major version: 1 (ISAKMP, IKEv1) or 2 (IKEv2); others are not decoded.
fn major(pdu: &[u8]) -> Option<u8> {
    pdu.get(at::VERSION).map(|v| v >> 4)
}

/// A payload type's name in the message's version.
fn payload_name(v2: bool, t: u8) -> &'static str {
    if v2 {
        v2_payload(t)
    } else {
        v1_payload(t)
    }
}

/// The Info column of an ISAKMP message (without a malformed ending).
pub fn info_text(pdu: &[u8], out: &mut String) {
    // A declared length shorter than the header: tshark leaves the column empty.
    if be32_at(pdu, at::LENGTH).is_some_and(|l| l < at::END as u32) {
        return;
    }
    let (Some(&exch), Some(&flags), Some(mid)) =
        (pdu.get(at::EXCHANGE), pdu.get(at::FLAGS), be32_at(pdu, at::MESSAGE_ID))
    else {
        return;
    };
    match major(pdu) {
        Some(1) => match v1_exchange(exch) {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "Unknown {exch}");
            }
        },
        Some(2) => {
            match v2_exchange(exch) {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(out, "Unknown {exch}");
                }
            }
            let role = if flags & flag::INITIATOR != 0 { "Initiator" } else { "Responder" };
            let kind = if flags & flag::RESPONSE != 0 { "Response" } else { "Request" };
            let _ = write!(out, " MID={mid:02} {role} {kind}");
        }
        _ => {}
    }
}

/// Whether tshark finds the message malformed: its header cut short, or a
/// payload that runs past the bytes there are.
pub fn is_malformed(pdu: &[u8]) -> bool {
    let mut t = Tree::new();
    !tree_into(pdu, 0, &mut t)
}

/// The message's part of the details, under a protocol item at depth 0 added by
/// the caller; false when tshark would stop with a malformed packet.
pub fn tree_into(pdu: &[u8], o: usize, t: &mut Tree) -> bool {
    if pdu.len() < at::END {
        return false;
    }
    let ispi = &pdu[at::ISPI..at::RSPI];
    let rspi = &pdu[at::RSPI..at::NEXT];
    for (name, title, v, i) in
        [("isakmp.ispi", "Initiator SPI", ispi, at::ISPI), ("isakmp.rspi", "Responder SPI", rspi, at::RSPI)]
    {
        t.at(1).field(name, Ftype::Bytes, colons(v)).bytes(o + i, 8).line(format_args!("{title}: {}", hex(v)));
    }
    let (next, version, exch, flags) = (pdu[at::NEXT], pdu[at::VERSION], pdu[at::EXCHANGE], pdu[at::FLAGS]);
    let (mj, mn) = (version >> 4, version & 0x0f);
    let v2 = mj == 2;
    t.at(1)
        .field("isakmp.nextpayload", Ftype::Uint8, next)
        .bytes(o + at::NEXT, 1)
        .line(format_args!("Next payload: {} ({next})", payload_name(v2, next)));
    t.at(1)
        .field("isakmp.version", Ftype::Uint8, format_args!("0x{version:02x}"))
        .bytes(o + at::VERSION, 1)
        .line(format_args!("Version: {mj}.{mn}"));
    t.at(2)
        .field("isakmp.mjver", Ftype::Uint8, format_args!("0x{mj:02x}"))
        .bytes(o + at::VERSION, 1)
        .line(format_args!("{} = MjVer: 0x{mj:x}", bit_pattern(mj.into(), 4, 4, 8)));
    t.at(2)
        .field("isakmp.mnver", Ftype::Uint8, format_args!("0x{mn:02x}"))
        .bytes(o + at::VERSION, 1)
        .line(format_args!("{} = MnVer: 0x{mn:x}", bit_pattern(mn.into(), 4, 0, 8)));
    let name = match mj {
        1 => v1_exchange(exch),
        2 => v2_exchange(exch),
        _ => None,
    };
    if mj == 1 || mj == 2 {
        t.at(1)
            .field("isakmp.exchtype", Ftype::Uint8, exch)
            .bytes(o + at::EXCHANGE, 1)
            .line(format_args!("Exchange type: {} ({exch})", name.unwrap_or("Unknown")));
    }
    flags_tree(mj, flags, o + at::FLAGS, t);
    let mid = be32_at(pdu, at::MESSAGE_ID).unwrap_or_default();
    t.at(1)
        .field("isakmp.messageid", Ftype::Uint32, format_args!("0x{mid:08x}"))
        .bytes(o + at::MESSAGE_ID, 4)
        .line(format_args!("Message ID: 0x{mid:08x}"));
    if mj != 1 && mj != 2 {
        // tshark decodes nothing further of a version it does not know.
        return false;
    }
    let len = be32_at(pdu, at::LENGTH).unwrap_or_default();
    let declared = usize::try_from(len).unwrap_or(usize::MAX);
    if declared > pdu.len() {
        t.at(1)
            .field("isakmp.length", Ftype::Uint32, len)
            .bytes(o + at::LENGTH, 4)
            .line(format_args!("Length: (bogus, length is {len}, which is too large)"));
        return true;
    }
    t.at(1).field("isakmp.length", Ftype::Uint32, len).bytes(o + at::LENGTH, 4).line(format_args!("Length: {len}"));
    if declared < at::END {
        return true;
    }
    let end = declared;
    if !v2 && flags & flag::ENCRYPTION != 0 {
        let n = end - at::END;
        t.at(1).bytes(o + at::END, n).line(format_args!("Encrypted Data ({n} bytes)"));
        return true;
    }
    payloads(&pdu[..end], at::END, next, v2, o, t)
}

/// The header's flags: IKEv1's E, C and A bits, IKEv2's I, V and R bits.
fn flags_tree(mj: u8, flags: u8, o: usize, t: &mut Tree) {
    let head = if mj == 2 {
        let i = if flags & flag::INITIATOR != 0 { "Initiator" } else { "Responder" };
        let v = if flags & flag::VERSION != 0 { "A higher version enabled" } else { "No higher version" };
        let r = if flags & flag::RESPONSE != 0 { "Response" } else { "Request" };
        format!("Flags: 0x{flags:02x} ({i}, {v}, {r})")
    } else {
        format!("Flags: 0x{flags:02x}")
    };
    t.at(1).field("isakmp.flags", Ftype::Uint8, format_args!("0x{flags:02x}")).bytes(o, 1).line(format_args!("{head}"));
    let bits: &[(u8, &str, &str, &str, &str)] = match mj {
        1 => &[
            (flag::ENCRYPTION, "isakmp.flag_e", "Encryption", "Encrypted", "Not encrypted"),
            (flag::COMMIT, "isakmp.flag_c", "Commit", "Commit", "No commit"),
            (flag::AUTHENTICATION, "isakmp.flag_a", "Authentication", "Authentication", "No authentication"),
        ],
        2 => &[
            (flag::INITIATOR, "isakmp.flag_i", "Initiator", "Initiator", "Responder"),
            (flag::VERSION, "isakmp.flag_v", "Version", "A higher version enabled", "No higher version"),
            (flag::RESPONSE, "isakmp.flag_r", "Response", "Response", "Request"),
        ],
        _ => &[],
    };
    for &(bit, name, title, on, off) in bits {
        let set = flags & bit != 0;
        t.at(2).field(name, Ftype::Boolean, u8::from(set)).bytes(o, 1).line(format_args!(
            "{} = {title}: {}",
            bit_pattern(u32::from(set), 1, bit.trailing_zeros(), 8),
            if set { on } else { off }
        ));
    }
}

/// The payload chain from `pos` (RFC 2408 §3.2, RFC 7296 §3.2); false when a
/// payload runs past the message.
fn payloads(msg: &[u8], mut pos: usize, mut next: u8, v2: bool, o: usize, t: &mut Tree) -> bool {
    while next != 0 && pos < msg.len() {
        let Some(plen) = be16_at(msg, pos + at::P_LEN) else { return false };
        let plen = usize::from(plen);
        if plen < at::P_END || pos + plen > msg.len() {
            return false;
        }
        let p = &msg[pos..pos + plen];
        let kind = next;
        let name = payload_name(v2, kind);
        t.at(1)
            .field("isakmp.typepayload", Ftype::Uint8, kind)
            .bytes(o + pos, plen)
            .line(format_args!("Payload: {name} ({kind})"));
        next = p[at::P_NEXT];
        t.at(2)
            .field("isakmp.nextpayload", Ftype::Uint8, next)
            .bytes(o + pos, 1)
            .line(format_args!("Next payload: {} ({next})", payload_name(v2, next)));
        let b = p[at::P_FLAGS];
        if v2 {
            let crit = b & CRITICAL != 0;
            t.at(2).field("isakmp.criticalpayload", Ftype::Boolean, u8::from(crit)).bytes(o + pos + 1, 1).line(
                format_args!(
                    "{} = Critical Bit: {}",
                    bit_pattern(u32::from(crit), 1, 7, 8),
                    if crit { "Critical" } else { "Not critical" }
                ),
            );
            let r = b & !CRITICAL;
            t.at(2)
                .field("isakmp.reserved7", Ftype::Uint8, format_args!("0x{r:02x}"))
                .bytes(o + pos + 1, 1)
                .line(format_args!("{} = Reserved: 0x{r:02x}", bit_pattern(r.into(), 7, 0, 8)));
        } else {
            t.at(2)
                .field("isakmp.reserved", Ftype::Bytes, format_args!("{b:02x}"))
                .bytes(o + pos + 1, 1)
                .line(format_args!("Reserved: {b:02x}"));
        }
        t.at(2)
            .field("isakmp.payloadlen", Ftype::Uint16, plen)
            .bytes(o + pos + at::P_LEN, 2)
            .line(format_args!("Payload length: {plen}"));
        if !v2 && kind == SA_KEK {
            if !sa_kek(&p[at::P_END..], o + pos + at::P_END, t) {
                return false;
            }
        } else {
            body(v2, kind, &p[at::P_END..], o + pos + at::P_END, t);
        }
        pos += plen;
    }
    true
}

/// IKEv1's SA KEK payload type (RFC 3547 §5.3.1, GDOI).
const SA_KEK: u8 = 15;

/// The start of an SA KEK payload's body as tshark reads it (RFC 3547
/// §5.3.1): tshark reads a second generic header first, then the protocol and
/// the source identity; false when the source identity's data runs past the
/// payload, which tshark finds malformed.
fn sa_kek(b: &[u8], o: usize, t: &mut Tree) -> bool {
    /// Offsets in the body as tshark reads them.
    const NEXT: usize = 0;
    const RESERVED: usize = 1;
    const LEN: usize = 2;
    const PROTO: usize = 4;
    const SRC_TYPE: usize = 5;
    const SRC_PORT: usize = 6;
    const SRC_LEN: usize = 8;
    const SRC_DATA: usize = 10;
    let (Some(len), Some(port), Some(src_len)) = (be16_at(b, LEN), be16_at(b, SRC_PORT), be16_at(b, SRC_LEN)) else {
        return false;
    };
    t.at(2).bytes(o + NEXT, 1).line(format_args!("Next Payload: {}", b[NEXT]));
    t.at(2).bytes(o + RESERVED, 1).line(format_args!("Reserved: {}", b[RESERVED]));
    t.at(2).bytes(o + LEN, 2).line(format_args!("Payload length: {len}"));
    t.at(2).bytes(o + PROTO, 1).line(format_args!("Protocol ID: {}", ip_proto_name(b[PROTO])));
    t.at(2).bytes(o + SRC_TYPE, 1).line(format_args!("SRC ID Type: {}", id_type_name(b[SRC_TYPE])));
    t.at(2).bytes(o + SRC_PORT, 2).line(format_args!("SRC ID Port: {port}"));
    t.at(2).bytes(o + SRC_LEN, 2).line(format_args!("SRC ID Data Length: {src_len}"));
    SRC_DATA + usize::from(src_len) <= b.len()
}

/// An IP protocol number as tshark names it in a GDOI identity.
fn ip_proto_name(p: u8) -> String {
    match p {
        0 => "Reserved (0)".into(),
        6 => "TCP (6)".into(),
        17 => "UDP (17)".into(),
        p => format!("Unassigned ({p})"),
    }
}

/// An IKEv1 identification type's name (RFC 2407 §4.6.2.1), as tshark names it.
fn id_type_name(t: u8) -> String {
    let name = match t {
        1 => "IPV4_ADDR",
        2 => "FQDN",
        3 => "USER_FQDN",
        4 => "IPV4_ADDR_SUBNET",
        5 => "IPV6_ADDR",
        6 => "IPV6_ADDR_SUBNET",
        7 => "IPV4_ADDR_RANGE",
        8 => "IPV6_ADDR_RANGE",
        9 => "DER_ASN1_DN",
        10 => "DER_ASN1_GN",
        11 => "KEY_ID",
        12 => "LIST",
        _ => "Future use",
    };
    format!("{name} ({t})")
}

/// The body of the payload types whose body is one opaque value.
fn body(v2: bool, kind: u8, b: &[u8], o: usize, t: &mut Tree) {
    let (name, title) = match (v2, kind) {
        (false, 10) | (true, 40) => ("isakmp.nonce", "Nonce DATA"),
        (false, 8) => ("isakmp.hash", "Hash DATA"),
        (false, 13) | (true, 43) => ("isakmp.vid_bytes", "Vendor ID"),
        _ => return,
    };
    t.at(2).field(name, Ftype::Bytes, colons(b)).bytes(o, b.len()).line(format_args!("{title}: {}", shown_bytes(b)));
}

/// Bytes as plain hex digits.
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Bytes as tshark's JSON writes them: hex pairs joined by colons.
fn colons(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 3);
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{x:02x}");
    }
    s
}

impl Dissector for Isakmp {
    fn name(&self) -> &'static str {
        "isakmp"
    }

    fn title(&self) -> &'static str {
        "Internet Security Association and Key Management Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "ISAKMP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        info_text(pdu, out);
        if is_malformed(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("isakmp").bytes(o, pdu.len()).line(format_args!("{}", self.title()));
        if !tree_into(pdu, o, t) {
            malformed(t, "ISAKMP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// The header of ikev2four.pcap frame 1 (IKE_SA_INIT, initiator request)
    /// and a Nonce payload standing in for its payloads.
    fn sa_init() -> Vec<u8> {
        let mut m = vec![0xa8, 0x88, 0x75, 0xa8, 0x19, 0x89, 0x92, 0xa6, 0, 0, 0, 0, 0, 0, 0, 0];
        m.extend([40, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 36]);
        m.extend([0, 0, 0, 8, 1, 2, 3, 4]);
        m
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Isakmp.tree(pdu, Ctx::default(), 0, &mut t);
        t.items().iter().map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn ikev2_info_names_the_exchange_the_message_id_and_the_roles() {
        assert_eq!(info_of(&Isakmp, &sa_init(), Ctx::default()), "IKE_SA_INIT MID=00 Initiator Request");
        let mut resp = sa_init();
        resp[at::FLAGS] = flag::RESPONSE;
        resp[at::MESSAGE_ID + 3] = 3;
        resp[at::EXCHANGE] = 36;
        assert_eq!(info_of(&Isakmp, &resp, Ctx::default()), "CREATE_CHILD_SA MID=03 Responder Response");
        let l = lines(&sa_init());
        assert!(l.contains(&"Flags: 0x08 (Initiator, No higher version, Request)".to_string()), "{l:?}");
        assert!(l.contains(&".... 1... = Initiator: Initiator".to_string()), "{l:?}");
        assert!(l.contains(&"Payload: Nonce (40)".to_string()), "{l:?}");
        assert!(l.contains(&"Nonce DATA: 01020304".to_string()), "{l:?}");
    }

    #[test]
    fn ikev1_info_names_the_mode_and_unknown_types_by_number() {
        let mut m = sa_init();
        m[at::VERSION] = 0x10;
        m[at::EXCHANGE] = 2;
        m[at::NEXT] = 10;
        assert_eq!(info_of(&Isakmp, &m, Ctx::default()), "Identity Protection (Main Mode)");
        m[at::EXCHANGE] = 16;
        assert_eq!(info_of(&Isakmp, &m, Ctx::default()), "Unknown 16");
        m[at::FLAGS] = flag::ENCRYPTION;
        assert!(lines(&m).contains(&"Encrypted Data (8 bytes)".to_string()));
    }

    #[test]
    fn a_payload_past_the_end_or_a_short_header_is_malformed() {
        let mut m = sa_init();
        m.truncate(at::END + 6);
        m[at::LENGTH + 3] = (at::END + 6) as u8;
        assert_eq!(info_of(&Isakmp, &m, Ctx::default()), "IKE_SA_INIT MID=00 Initiator Request[Malformed Packet]");
        for n in 0..at::END {
            assert!(is_malformed(&sa_init()[..n]));
        }
        // A length beyond the message is bogus, not malformed.
        let mut big = sa_init();
        big[at::LENGTH] = 0xff;
        assert!(!is_malformed(&big));
        assert!(lines(&big).iter().any(|l| l.starts_with("Length: (bogus, length is ")));
    }
}
