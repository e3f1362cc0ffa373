//! NBNS, the NetBIOS Name Service (RFC 1001 §15, RFC 1002 §4.2) on UDP 137:
//! how Windows hosts registered, queried and released their 16-byte NetBIOS
//! names before DNS took over. The wire format is DNS's (RFC 1002 §4.2.1: a
//! 12-byte header, then questions and resource records with compressible
//! names), except that a name is the NetBIOS name in first-level encoding
//! (RFC 1001 §14.1: each byte as two letters `A`–`P`, one per nibble) followed
//! by an optional scope ID, and the record types are NB (32: owner flags and an
//! address) and NBSTAT (33: a node status report, RFC 1002 §4.2.18).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::{cut_short, cut_short_info};
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The NBNS dissector.
pub struct Nbns;

/// The name service's UDP port (RFC 1002 §4.2).
pub const PORT: u16 = 137;
const PORTS: &[Claim] = &[Claim::UdpPort(PORT)];

/// Byte offsets of the header (RFC 1002 §4.2.1.1).
mod at {
    pub const ID: usize = 0;
    pub const FLAGS: usize = 2;
    /// The four counts (questions, answers, authority, additional), 2 bytes each.
    pub const QDCOUNT: usize = 4;
    /// The header's length: the questions follow.
    pub const HEADER: usize = 12;
}

/// The bits of the flags word (RFC 1002 §4.2.1.1: R, OPCODE, NM_FLAGS, RCODE).
mod flag {
    pub const RESPONSE: u16 = 0x8000;
    pub const OPCODE: u16 = 0x7800;
    pub const AUTHORITATIVE: u16 = 0x0400;
    pub const TRUNCATED: u16 = 0x0200;
    pub const RECDESIRED: u16 = 0x0100;
    pub const RECAVAIL: u16 = 0x0080;
    pub const BROADCAST: u16 = 0x0010;
    pub const RCODE: u16 = 0x000f;
}

/// The NB_FLAGS of an NB record and the NAME_FLAGS of a node status entry
/// (RFC 1002 §4.2.1.3, §4.2.18): group bit, owner node type, and the status bits.
mod nb {
    pub const GROUP: u16 = 0x8000;
    pub const ONT: u16 = 0x6000;
    pub const DRG: u16 = 0x1000;
    pub const CNF: u16 = 0x0800;
    pub const ACT: u16 = 0x0400;
    pub const PRM: u16 = 0x0200;
}

/// The WACK opcode (RFC 1002 §4.2.16): its record data is the flags of the
/// request it acknowledges, not an address.
const OPCODE_WACK: u16 = 7;
/// The record types (RFC 1002 §4.2.1.2).
const TYPE_NB: u16 = 32;
const TYPE_NBSTAT: u16 = 33;
/// A NetBIOS name's length once decoded: 15 characters and a type byte (RFC 1001 §14).
const NETBIOS_NAME_LEN: usize = 16;
/// At most this many compression pointers are followed in one name, so a
/// pointer loop ends.
const MAX_POINTERS: usize = 64;
/// The bytes of a record after its name: type, class, TTL and RDLENGTH.
const RR_FIXED: usize = 10;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "nbns", ftype: Ftype::Protocol, title: "NetBIOS Name Service", base: "" },
    FieldDecl { name: "nbns.id", ftype: Ftype::Uint16, title: "Transaction ID", base: "BASE_HEX" },
    FieldDecl { name: "nbns.flags", ftype: Ftype::Uint16, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "nbns.flags.response", ftype: Ftype::Boolean, title: "Response", base: "16" },
    FieldDecl { name: "nbns.flags.opcode", ftype: Ftype::Uint16, title: "Opcode", base: "BASE_DEC" },
    FieldDecl { name: "nbns.flags.authoritative", ftype: Ftype::Boolean, title: "Authoritative", base: "16" },
    FieldDecl { name: "nbns.flags.truncated", ftype: Ftype::Boolean, title: "Truncated", base: "16" },
    FieldDecl { name: "nbns.flags.recdesired", ftype: Ftype::Boolean, title: "Recursion desired", base: "16" },
    FieldDecl { name: "nbns.flags.recavail", ftype: Ftype::Boolean, title: "Recursion available", base: "16" },
    FieldDecl { name: "nbns.flags.broadcast", ftype: Ftype::Boolean, title: "Broadcast", base: "16" },
    FieldDecl { name: "nbns.flags.rcode", ftype: Ftype::Uint16, title: "Reply code", base: "BASE_DEC" },
    FieldDecl { name: "nbns.count.queries", ftype: Ftype::Uint16, title: "Questions", base: "BASE_DEC" },
    FieldDecl { name: "nbns.count.answers", ftype: Ftype::Uint16, title: "Answer RRs", base: "BASE_DEC" },
    FieldDecl { name: "nbns.count.auth_rr", ftype: Ftype::Uint16, title: "Authority RRs", base: "BASE_DEC" },
    FieldDecl { name: "nbns.count.add_rr", ftype: Ftype::Uint16, title: "Additional RRs", base: "BASE_DEC" },
    FieldDecl { name: "nbns.name", ftype: Ftype::String, title: "Name", base: "" },
    FieldDecl { name: "nbns.type", ftype: Ftype::Uint16, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "nbns.class", ftype: Ftype::Uint16, title: "Class", base: "BASE_DEC" },
    FieldDecl { name: "nbns.ttl", ftype: Ftype::Uint32, title: "Time to live", base: "BASE_DEC" },
    FieldDecl { name: "nbns.data_length", ftype: Ftype::Uint16, title: "Data length", base: "BASE_DEC" },
    FieldDecl { name: "nbns.nb_flags", ftype: Ftype::Uint16, title: "Name flags", base: "BASE_HEX" },
    FieldDecl { name: "nbns.nb_flags.group", ftype: Ftype::Boolean, title: "Name type", base: "16" },
    FieldDecl { name: "nbns.nb_flags.ont", ftype: Ftype::Uint16, title: "ONT", base: "BASE_DEC" },
    FieldDecl { name: "nbns.addr", ftype: Ftype::Ipv4, title: "Addr", base: "" },
    FieldDecl { name: "nbns.number_of_names", ftype: Ftype::Uint8, title: "Number of names", base: "BASE_DEC" },
    FieldDecl { name: "nbns.netbios_name", ftype: Ftype::String, title: "Name", base: "" },
    FieldDecl { name: "nbns.name_flags", ftype: Ftype::Uint16, title: "Name flags", base: "BASE_HEX" },
    FieldDecl { name: "nbns.name_flags.group", ftype: Ftype::Boolean, title: "Name type", base: "16" },
    FieldDecl { name: "nbns.name_flags.ont", ftype: Ftype::Uint16, title: "ONT", base: "BASE_DEC" },
    FieldDecl { name: "nbns.name_flags.drg", ftype: Ftype::Boolean, title: "Name is being deregistered", base: "16" },
    FieldDecl { name: "nbns.name_flags.cnf", ftype: Ftype::Boolean, title: "Name is in conflict", base: "16" },
    FieldDecl { name: "nbns.name_flags.act", ftype: Ftype::Boolean, title: "Name is active", base: "16" },
    FieldDecl { name: "nbns.name_flags.prm", ftype: Ftype::Boolean, title: "Permanent node name", base: "16" },
    FieldDecl { name: "nbns.unit_id", ftype: Ftype::Ether, title: "Unit ID", base: "" },
    FieldDecl { name: "nbns.jumpers", ftype: Ftype::Uint8, title: "Jumpers", base: "BASE_HEX" },
    FieldDecl { name: "nbns.test_result", ftype: Ftype::Uint8, title: "Test result", base: "BASE_HEX" },
    FieldDecl { name: "nbns.version_number", ftype: Ftype::Uint16, title: "Version number", base: "BASE_HEX" },
    FieldDecl {
        name: "nbns.period_of_statistics",
        ftype: Ftype::Uint16,
        title: "Period of statistics",
        base: "BASE_HEX",
    },
    FieldDecl { name: "nbns.num_crcs", ftype: Ftype::Uint16, title: "Number of CRCs", base: "BASE_DEC" },
    FieldDecl {
        name: "nbns.num_alignment_errors",
        ftype: Ftype::Uint16,
        title: "Number of alignment errors",
        base: "BASE_DEC",
    },
    FieldDecl { name: "nbns.num_collisions", ftype: Ftype::Uint16, title: "Number of collisions", base: "BASE_DEC" },
    FieldDecl { name: "nbns.num_send_aborts", ftype: Ftype::Uint16, title: "Number of send aborts", base: "BASE_DEC" },
    FieldDecl { name: "nbns.num_good_sends", ftype: Ftype::Uint32, title: "Number of good sends", base: "BASE_DEC" },
    FieldDecl {
        name: "nbns.num_good_receives",
        ftype: Ftype::Uint32,
        title: "Number of good receives",
        base: "BASE_DEC",
    },
    FieldDecl { name: "nbns.numretransmits", ftype: Ftype::Uint16, title: "Number of retransmits", base: "BASE_DEC" },
    FieldDecl {
        name: "nbns.num_no_resource_conditions",
        ftype: Ftype::Uint16,
        title: "Number of no resource conditions",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "nbns.numcommand_blocks",
        ftype: Ftype::Uint16,
        title: "Number of command blocks",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "nbns.numpending_sessions",
        ftype: Ftype::Uint16,
        title: "Number of pending sessions",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "nbns.max_num_pending_sessions",
        ftype: Ftype::Uint16,
        title: "Max number of pending sessions",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "nbns.max_total_sessions_possible",
        ftype: Ftype::Uint16,
        title: "Max total sessions possible",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "nbns.session_data_packet_size",
        ftype: Ftype::Uint16,
        title: "Session data packet size",
        base: "BASE_DEC",
    },
    FieldDecl { name: "nbns.data", ftype: Ftype::Bytes, title: "Data", base: "" },
    FieldDecl { name: "nbns.incomplete_entry", ftype: Ftype::None, title: "incomplete entry", base: "" },
];

/// Wireshark's name of an opcode (RFC 1002 §4.2.1.1, and the alternate refresh
/// and multi-homed registration opcodes seen in practice).
fn opcode_name(op: u16) -> Option<&'static str> {
    Some(match op {
        0 => "Name query",
        5 => "Registration",
        6 => "Release",
        OPCODE_WACK => "Wait for acknowledgment",
        8 => "Refresh",
        9 => "Refresh (alternate opcode)",
        15 => "Multi-homed registration",
        _ => return None,
    })
}

/// Wireshark's words for a reply code (RFC 1002 §4.2.6 and after).
fn rcode_name(r: u16) -> Option<&'static str> {
    Some(match r {
        0 => "No error",
        1 => "Request was invalidly formatted",
        2 => "Server failure",
        3 => "Requested name does not exist",
        4 => "Request is not implemented",
        5 => "Request was refused",
        6 => "Name is owned by another node",
        7 => "Name is in conflict",
        _ => return None,
    })
}

/// A record type's short name, as the Info column and the item titles write it.
fn type_name(t: u16) -> &'static str {
    match t {
        TYPE_NB => "NB",
        TYPE_NBSTAT => "NBSTAT",
        _ => "Unknown",
    }
}

/// A class's name, as DNS writes it (RFC 1035 §3.2.4).
fn class_name(c: u16) -> String {
    match c {
        1 => "IN".into(),
        3 => "CH".into(),
        4 => "HS".into(),
        254 => "NONE".into(),
        255 => "ANY".into(),
        _ => format!("Unknown ({c})"),
    }
}

/// What the 16th byte of a NetBIOS name says the name is for, in Wireshark's words.
fn name_type_descr(t: u8) -> &'static str {
    match t {
        0x00 | 0x02 => "Workstation/Redirector",
        0x01 => "Browser",
        0x03 => "Messenger service/Main name",
        0x05 => "Forwarded name",
        0x06 => "RAS Server service",
        0x1b => "Domain Master Browser",
        0x1c => "Domain Controllers",
        0x1d => "Local Master Browser",
        0x1e => "Browser Election Service",
        0x1f => "Net DDE Service",
        0x20 => "Server service",
        0x21 => "RAS client service",
        0x22 => "Exchange Interchange (MSMail Connector)",
        0x23 => "Exchange Store",
        0x24 => "Exchange Directory",
        0x2b => "Lotus Notes Server service",
        0x30 => "Modem sharing server service",
        0x31 => "Modem sharing client service",
        0x43 => "SMS Clients Remote Control",
        0x44 => "SMS Administrators Remote Control Tool",
        0x45 => "SMS Clients Remote Chat",
        0x46 => "SMS Clients Remote Transfer",
        0x4c | 0x52 => "DEC Pathworks TCP/IP Service on Windows NT",
        0x6a => "Microsoft Exchange IMC",
        0x87 => "Microsoft Exchange MTA",
        0xbe => "Network Monitor Agent",
        0xbf => "Network Monitor Analyzer",
        _ => "Unknown",
    }
}

/// The owner node type of NB_FLAGS (RFC 1002 §4.2.1.3; H-node from practice).
fn ont_name(ont: u16) -> &'static str {
    ["B-node", "P-node", "M-node", "H-node"][usize::from(ont & 3)]
}

/// The node type as the flags field's value names it (no H-node: Wireshark's
/// table for the bit field stops at M-node).
fn ont_field_name(ont: u16) -> &'static str {
    match ont {
        0..=2 => ont_name(ont),
        _ => "Unknown",
    }
}

/// A read past the end of the PDU: tshark's exception, a malformed packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short;

/// A result whose error is a read past the end.
type R<T> = Result<T, Short>;

fn u8_at(p: &[u8], i: usize) -> R<u8> {
    p.get(i).copied().ok_or(Short)
}

fn u16_at(p: &[u8], i: usize) -> R<u16> {
    be16_at(p, i).ok_or(Short)
}

fn u32_at(p: &[u8], i: usize) -> R<u32> {
    be32_at(p, i).ok_or(Short)
}

/// A name as read from the message: what Wireshark shows, the NetBIOS name's
/// type byte when the name is a legal NetBIOS name, and the bytes it takes
/// where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// `ARBEITSGRUPPE<1b>`, `FOO<20>.example.com`, or why the name is illegal.
    pub text: String,
    /// The 16th byte, when the name decoded.
    pub kind: Option<u8>,
    /// Bytes at its position (a compression pointer counts 2).
    pub len: usize,
}

impl Name {
    /// The text with what the type byte means: `FOO<20> (Server service)`.
    fn described(&self) -> String {
        match self.kind {
            Some(k) => format!("{} ({})", self.text, name_type_descr(k)),
            None => self.text.clone(),
        }
    }
}

/// Reads the domain-style name at `start` (RFC 1035 §4.1.4: labels and
/// compression pointers) and undoes the first-level encoding of its first label.
pub fn read_name(p: &[u8], start: usize) -> R<Name> {
    let (raw, len) = labels(p, start)?;
    let (text, kind) = first_level(&raw);
    Ok(Name { text, kind, len })
}

/// The labels of the name at `start` joined with dots (`<Root>` for the empty
/// name), and how many bytes it takes there.
fn labels(p: &[u8], start: usize) -> R<(Vec<u8>, usize)> {
    let mut raw = Vec::new();
    let (mut pos, mut end, mut jumps) = (start, None, 0);
    loop {
        let len = u8_at(p, pos)?;
        match len & 0xc0 {
            0x00 if len == 0 => {
                pos += 1;
                break;
            }
            0x00 => {
                let label = p.get(pos + 1..pos + 1 + usize::from(len)).ok_or(Short)?;
                if !raw.is_empty() {
                    raw.push(b'.');
                }
                raw.extend_from_slice(label);
                pos += 1 + usize::from(len);
            }
            0xc0 => {
                let low = u8_at(p, pos + 1)?;
                end.get_or_insert(pos + 2);
                jumps += 1;
                if jumps > MAX_POINTERS {
                    break;
                }
                pos = usize::from(u16::from_be_bytes([len & 0x3f, low]));
            }
            // Extended label types (RFC 6891 §5): the name stops there.
            _ => {
                pos += 1;
                break;
            }
        }
    }
    if raw.is_empty() {
        raw.extend_from_slice(b"<Root>");
    }
    Ok((raw, end.unwrap_or(pos) - start))
}

/// Undoes the first-level encoding (RFC 1001 §14.1): two letters per byte,
/// up to a dot (the scope ID follows) or the end. The name must be 16 bytes.
fn first_level(raw: &[u8]) -> (String, Option<u8>) {
    let mut name = [0u8; NETBIOS_NAME_LEN];
    let (mut i, mut n) = (0, 0);
    let letter = |c: Option<&u8>| c.copied().filter(u8::is_ascii_uppercase).map(|c| c - b'A');
    while let Some(&c) = raw.get(i).filter(|&&c| c != b'.') {
        let Some(hi) = letter(Some(&c)) else {
            return ("Illegal NetBIOS name (1st character not between A and Z in first-level encoding)".into(), None);
        };
        let lo = match raw.get(i + 1) {
            None | Some(b'.') => return ("Illegal NetBIOS name (odd number of bytes)".into(), None),
            second => letter(second),
        };
        let Some(lo) = lo else {
            return ("Illegal NetBIOS name (2nd character not between A and Z in first-level encoding)".into(), None);
        };
        if n < NETBIOS_NAME_LEN {
            // Letters past `P` spill into the high nibble, as Wireshark's arithmetic does.
            name[n] = (hi << 4) | lo;
            n += 1;
        }
        i += 2;
    }
    if n != NETBIOS_NAME_LEN {
        return (format!("Illegal NetBIOS name ({n} bytes long)"), None);
    }
    let mut text = netbios_text(&name);
    let _ = write!(text, "<{:02x}>", name[NETBIOS_NAME_LEN - 1]);
    if let Some(scope) = raw.get(i..).filter(|s| !s.is_empty()) {
        text.push_str(&String::from_utf8_lossy(scope));
    }
    (text, Some(name[NETBIOS_NAME_LEN - 1]))
}

/// The first 15 bytes of a NetBIOS name, printable characters as they are and
/// the others as `<xx>`, trailing spaces dropped.
fn netbios_text(name: &[u8; NETBIOS_NAME_LEN]) -> String {
    let mut s = String::new();
    for &b in &name[..NETBIOS_NAME_LEN - 1] {
        if (b' '..=b'~').contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "<{b:02x}>");
        }
    }
    s.truncate(s.trim_end_matches(' ').len());
    s
}

impl Dissector for Nbns {
    fn name(&self) -> &'static str {
        "nbns"
    }

    fn title(&self) -> &'static str {
        "NetBIOS Name Service"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "NBNS"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let walked = Walk { p: pdu, off: 0, info: Some(&mut *out), tree: None }.message();
        if walked.is_err() {
            out.push_str(cut_short_info(ctx.cut));
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, off: usize, t: &mut Tree) {
        if pdu.len() >= at::QDCOUNT {
            t.at(0).proto("nbns").bytes(off, pdu.len()).line(format_args!("NetBIOS Name Service"));
        }
        let walked = Walk { p: pdu, off, info: None, tree: Some(&mut *t) }.message();
        if walked.is_err() {
            cut_short(t, "NBNS", ctx.cut);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// A flags word's line (`head`) at byte `b` and its group bit and owner node
/// type (RFC 1002 §4.2.1.3), under the field names `names` (the word, the
/// group bit, the node type): NB_FLAGS and NAME_FLAGS share these bits.
fn group_and_ont(t: &mut Tree, names: [&'static str; 3], b: usize, flags: u16, head: &str) {
    let ont = (flags & nb::ONT) >> 13;
    let group = flags & nb::GROUP != 0;
    t.at(3).field(names[0], Ftype::Uint16, Value::hex16(flags)).bytes(b, 2).line(format_args!("{head}"));
    let bits = |m: u16| masked_bits(u64::from(flags), u64::from(m), 16);
    t.at(4)
        .field(names[1], Ftype::Boolean, u8::from(group))
        .bytes(b, 2)
        .mask(u64::from(nb::GROUP), u64::from(group))
        .line(format_args!("{} = Name type: {}", bits(nb::GROUP), if group { "Group name" } else { "Unique name" }));
    t.at(4)
        .field(names[2], Ftype::Uint16, ont)
        .bytes(b, 2)
        .mask(u64::from(nb::ONT), u64::from(ont))
        .line(format_args!("{} = ONT: {} ({ont})", bits(nb::ONT), ont_field_name(ont)));
}

/// One pass over a message, writing the Info column or the details tree (or
/// both): tshark builds both in one walk, and a read past the end stops both.
struct Walk<'a> {
    /// The PDU.
    p: &'a [u8],
    /// The PDU's offset in the frame.
    off: usize,
    info: Option<&'a mut String>,
    tree: Option<&'a mut Tree>,
}

/// Which section a record is in, and what the Info column takes from it.
#[derive(Clone, Copy)]
struct Section {
    title: &'static str,
    /// Whether its records go to the Info column.
    summarize: bool,
}

impl Walk<'_> {
    fn say(&mut self, text: std::fmt::Arguments<'_>) {
        if let Some(info) = self.info.as_deref_mut() {
            let _ = info.write_fmt(text);
        }
    }

    /// The header, then the four sections (RFC 1002 §4.2.1).
    fn message(&mut self) -> R<()> {
        let id = u16_at(self.p, at::ID)?;
        let flags = u16_at(self.p, at::FLAGS)?;
        let (response, op) = (flags & flag::RESPONSE != 0, (flags & flag::OPCODE) >> 11);
        match opcode_name(op) {
            Some(name) => self.say(format_args!("{name}")),
            None => self.say(format_args!("Unknown operation ({op})")),
        }
        if response {
            self.say(format_args!(" response"));
        }
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1)
                .field("nbns.id", Ftype::Uint16, Value::hex16(id))
                .bytes(off + at::ID, 2)
                .line(format_args!("Transaction ID: 0x{id:04x}"));
        }
        self.flags(flags, off + at::FLAGS, 1, false);
        let mut counts = [0u16; 4];
        let names = [
            ("nbns.count.queries", "Questions"),
            ("nbns.count.answers", "Answer RRs"),
            ("nbns.count.auth_rr", "Authority RRs"),
            ("nbns.count.add_rr", "Additional RRs"),
        ];
        for (i, (field, title)) in names.into_iter().enumerate() {
            let pos = at::QDCOUNT + 2 * i;
            counts[i] = u16_at(self.p, pos)?;
            if let Some(t) = self.tree.as_deref_mut() {
                t.at(1)
                    .field(field, Ftype::Uint16, counts[i])
                    .bytes(off + pos, 2)
                    .line(format_args!("{title}: {}", counts[i]));
            }
        }
        let mut pos = at::HEADER;
        if counts[0] > 0 {
            pos = self.questions(pos, counts[0], !response)?;
        }
        let sections = [
            (counts[1], Section { title: "Answers", summarize: response }),
            (counts[2], Section { title: "Authoritative nameservers", summarize: false }),
            (counts[3], Section { title: "Additional records", summarize: false }),
        ];
        for (count, section) in sections.into_iter().filter(|(c, _)| *c > 0) {
            pos = self.records(pos, count, section, op)?;
        }
        Ok(())
    }

    /// The flags word: its summary line and one line per bit; `wack`: the copy
    /// a WACK's record carries, without the reply code.
    fn flags(&mut self, flags: u16, pos: usize, depth: usize, wack: bool) {
        let response = flags & flag::RESPONSE != 0;
        let op = (flags & flag::OPCODE) >> 11;
        let rcode = flags & flag::RCODE;
        if response && !wack && rcode != 0 {
            self.say(format_args!(", {}", rcode_name(rcode).unwrap_or("Unknown error")));
        }
        let Some(t) = self.tree.as_deref_mut() else { return };
        let op_name = opcode_name(op).unwrap_or("Unknown");
        let rcode_text = rcode_name(rcode).unwrap_or("Unknown");
        let mut bits: Vec<(&'static str, u16, String, Option<&'static str>)> = Vec::new();
        let yes_no = |on: bool, y: &str, n: &str| if on { y.to_string() } else { n.to_string() };
        let on = |m: u16| flags & m != 0;
        bits.push((
            "nbns.flags.response",
            flag::RESPONSE,
            format!("Response: {}", yes_no(response, "Message is a response", "Message is a query")),
            Some("Response"),
        ));
        bits.push(("nbns.flags.opcode", flag::OPCODE, format!("Opcode: {op_name} ({op})"), None));
        if response {
            let text = yes_no(
                on(flag::AUTHORITATIVE),
                "Server is an authority for domain",
                "Server is not an authority for domain",
            );
            bits.push((
                "nbns.flags.authoritative",
                flag::AUTHORITATIVE,
                format!("Authoritative: {text}"),
                Some("Authoritative"),
            ));
        }
        let text = yes_no(on(flag::TRUNCATED), "Message is truncated", "Message is not truncated");
        bits.push(("nbns.flags.truncated", flag::TRUNCATED, format!("Truncated: {text}"), Some("Truncated")));
        let text = yes_no(on(flag::RECDESIRED), "Do query recursively", "Don't do query recursively");
        bits.push((
            "nbns.flags.recdesired",
            flag::RECDESIRED,
            format!("Recursion desired: {text}"),
            Some("Recursion desired"),
        ));
        if response {
            let text =
                yes_no(on(flag::RECAVAIL), "Server can do recursive queries", "Server can't do recursive queries");
            bits.push((
                "nbns.flags.recavail",
                flag::RECAVAIL,
                format!("Recursion available: {text}"),
                Some("Recursion available"),
            ));
        }
        let text = yes_no(on(flag::BROADCAST), "Broadcast packet", "Not a broadcast packet");
        bits.push(("nbns.flags.broadcast", flag::BROADCAST, format!("Broadcast: {text}"), Some("Broadcast")));
        if response && !wack {
            bits.push(("nbns.flags.rcode", flag::RCODE, format!("Reply code: {rcode_text} ({rcode})"), None));
        }
        let mut head = format!("Flags: 0x{flags:04x}");
        for (_, mask, _, title) in &bits {
            match title {
                Some(t) if flags & mask != 0 => {
                    let _ = write!(head, ", {t}");
                }
                Some(_) => {}
                None if *mask == flag::OPCODE => {
                    let _ = write!(head, ", Opcode: {op_name}");
                }
                None => {
                    let _ = write!(head, ", Reply code: {rcode_text}");
                }
            }
        }
        t.at(depth).field("nbns.flags", Ftype::Uint16, Value::hex16(flags)).bytes(pos, 2).line(format_args!("{head}"));
        for (field, mask, text, title) in bits {
            let v = (flags & mask) >> mask.trailing_zeros();
            let d = t.at(depth + 1);
            let d = if title.is_some() { d.field(field, Ftype::Boolean, v) } else { d.field(field, Ftype::Uint16, v) };
            d.bytes(pos, 2)
                .mask(u64::from(mask), u64::from(v))
                .line(format_args!("{} = {text}", masked_bits(u64::from(flags), u64::from(mask), 16)));
        }
    }

    /// The question section (RFC 1002 §4.2.1.2); returns where it ends.
    fn questions(&mut self, start: usize, count: u16, summarize: bool) -> R<usize> {
        let span = section_len(self.p, start, count, false).map_or(self.p.len().saturating_sub(start), |e| e - start);
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1).bytes(off + start, span).line(format_args!("Queries"));
        }
        let mut pos = start;
        for _ in 0..count {
            let name = read_name(self.p, pos)?;
            let kind = u16_at(self.p, pos + name.len)?;
            let class = u16_at(self.p, pos + name.len + 2)?;
            if summarize {
                self.say(format_args!(" {} {}", type_name(kind), name.text));
            }
            if let Some(t) = self.tree.as_deref_mut() {
                let (tn, cn) = (type_name(kind), class_name(class));
                let b = off + pos;
                t.at(2).bytes(b, name.len + 4).line(format_args!("{}: type {tn}, class {cn}", name.text));
                t.at(3)
                    .field("nbns.name", Ftype::String, &name.text)
                    .bytes(b, name.len)
                    .line(format_args!("Name: {}", name.described()));
                t.at(3)
                    .field("nbns.type", Ftype::Uint16, kind)
                    .bytes(b + name.len, 2)
                    .line(format_args!("Type: {tn} ({kind})"));
                t.at(3)
                    .field("nbns.class", Ftype::Uint16, class)
                    .bytes(b + name.len + 2, 2)
                    .line(format_args!("Class: {cn} ({class})"));
            }
            pos += name.len + 4;
        }
        Ok(pos)
    }

    /// A section of resource records (RFC 1002 §4.2.1.3); returns where it ends.
    fn records(&mut self, start: usize, count: u16, section: Section, op: u16) -> R<usize> {
        let span = section_len(self.p, start, count, true).map_or(self.p.len().saturating_sub(start), |e| e - start);
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1)
                .bytes(off + start, span.min(self.p.len().saturating_sub(start)))
                .line(format_args!("{}", section.title));
        }
        let mut pos = start;
        for _ in 0..count {
            pos = self.record(pos, section.summarize, op)?;
        }
        Ok(pos)
    }

    /// One resource record; returns where it ends.
    fn record(&mut self, start: usize, summarize: bool, op: u16) -> R<usize> {
        let name = read_name(self.p, start)?;
        let fixed = start + name.len;
        let kind = u16_at(self.p, fixed)?;
        let class = u16_at(self.p, fixed + 2)?;
        let ttl = u32_at(self.p, fixed + 4)?;
        let data_len = u16_at(self.p, fixed + 8)?;
        let data = fixed + RR_FIXED;
        // The tree stays whole when only the column's read fails (a negative
        // response's NB record without data), as tshark shows it.
        if summarize && self.info.is_some() {
            match kind {
                TYPE_NB if op == OPCODE_WACK => {}
                TYPE_NB => {
                    // tshark reads the address for the column whatever the data length says.
                    let a = u32_at(self.p, data + 2)?;
                    self.say(format_args!(" NB {}", Ipv4Addr::from(a)));
                }
                _ => self.say(format_args!(" {}", type_name(kind))),
            }
        }
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            let (tn, cn) = (type_name(kind), class_name(class));
            let whole = (RR_FIXED + name.len + usize::from(data_len)).min(self.p.len() - start);
            t.at(2).bytes(off + start, whole).line(format_args!("{}: type {tn}, class {cn}", name.text));
            let shown = if kind == TYPE_NB { name.described() } else { name.text.clone() };
            t.at(3)
                .field("nbns.name", Ftype::String, &shown)
                .bytes(off + start, name.len)
                .line(format_args!("Name: {shown}"));
            t.at(3)
                .field("nbns.type", Ftype::Uint16, kind)
                .bytes(off + fixed, 2)
                .line(format_args!("Type: {tn} ({kind})"));
            t.at(3)
                .field("nbns.class", Ftype::Uint16, class)
                .bytes(off + fixed + 2, 2)
                .line(format_args!("Class: {cn} ({class})"));
            let words = super::dns::tree::duration_words(ttl);
            t.at(3)
                .field("nbns.ttl", Ftype::Uint32, ttl)
                .bytes(off + fixed + 4, 4)
                .line(format_args!("Time to live: {words}"));
            t.at(3)
                .field("nbns.data_length", Ftype::Uint16, data_len)
                .bytes(off + fixed + 8, 2)
                .line(format_args!("Data length: {data_len}"));
        }
        match kind {
            TYPE_NB => self.nb_data(data, data_len, op)?,
            TYPE_NBSTAT => self.nbstat_data(data, data_len)?,
            _ => {
                let bytes = self.p.get(data..data + usize::from(data_len)).ok_or(Short)?;
                if let Some(t) = self.tree.as_deref_mut() {
                    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                    t.at(3)
                        .field("nbns.data", Ftype::Bytes, &hex)
                        .bytes(off + data, bytes.len())
                        .line(format_args!("Data: {hex}"));
                }
            }
        }
        Ok(data + usize::from(data_len))
    }

    /// "incomplete entry": the record's data ends inside an entry, an error
    /// that ends the dissection (tshark marks the packet malformed).
    fn incomplete(&mut self, pos: usize, left: usize) -> R<()> {
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(3).bytes(off + pos, left).line(format_args!("incomplete entry"));
            let (severity, group) = (Severity::Error, Group::Malformed);
            t.expert(4, "nbns.incomplete_entry", severity, group, "incomplete entry");
        }
        Err(Short)
    }

    /// NB data: NB_FLAGS and an address per entry (RFC 1002 §4.2.1.3), or in a
    /// WACK the flags of the request it acknowledges (§4.2.16).
    fn nb_data(&mut self, start: usize, data_len: u16, op: u16) -> R<()> {
        let (mut pos, mut left) = (start, usize::from(data_len));
        while left > 0 {
            if left < 2 {
                return self.incomplete(pos, left);
            }
            let flags = u16_at(self.p, pos)?;
            if op == OPCODE_WACK {
                self.flags(flags, self.off + pos, 3, true);
                (pos, left) = (pos + 2, left - 2);
                continue;
            }
            self.nb_flags(flags, pos);
            (pos, left) = (pos + 2, left - 2);
            if left < 4 {
                return self.incomplete(pos, left);
            }
            let a = Ipv4Addr::from(u32_at(self.p, pos)?);
            let off = self.off;
            if let Some(t) = self.tree.as_deref_mut() {
                t.at(3).field("nbns.addr", Ftype::Ipv4, a).bytes(off + pos, 4).line(format_args!("Addr: {a}"));
            }
            (pos, left) = (pos + 4, left - 4);
        }
        Ok(())
    }

    /// An NB record's NB_FLAGS: group bit and owner node type.
    fn nb_flags(&mut self, flags: u16, pos: usize) {
        let off = self.off;
        let Some(t) = self.tree.as_deref_mut() else { return };
        let ont = (flags & nb::ONT) >> 13;
        let group = flags & nb::GROUP != 0;
        let mut head = format!("Name flags: 0x{flags:04x}");
        if group {
            head.push_str(", Name type");
        }
        let _ = write!(
            head,
            ", ONT: {} ({}, {})",
            ont_field_name(ont),
            ont_name(ont),
            if group { "group" } else { "unique" }
        );
        let names = ["nbns.nb_flags", "nbns.nb_flags.group", "nbns.nb_flags.ont"];
        group_and_ont(t, names, off + pos, flags, &head);
    }

    /// NBSTAT data: the node's names with their flags, then its statistics
    /// (RFC 1002 §4.2.18).
    fn nbstat_data(&mut self, start: usize, data_len: u16) -> R<()> {
        // As tshark counts, the number-of-names byte is not taken off the data length.
        let mut left = usize::from(data_len);
        if left < 1 {
            return self.incomplete(start, left);
        }
        let count = u8_at(self.p, start)?;
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(3)
                .field("nbns.number_of_names", Ftype::Uint8, count)
                .bytes(off + start, 1)
                .line(format_args!("Number of names: {count}"));
        }
        let mut pos = start + 1;
        for _ in 0..count {
            if left < NETBIOS_NAME_LEN {
                return self.incomplete(pos, left);
            }
            let raw = self.p.get(pos..pos + NETBIOS_NAME_LEN).ok_or(Short)?;
            let mut name = [0u8; NETBIOS_NAME_LEN];
            name.copy_from_slice(raw);
            let text = netbios_text(&name);
            let kind = name[NETBIOS_NAME_LEN - 1];
            if let Some(t) = self.tree.as_deref_mut() {
                t.at(3)
                    .field("nbns.netbios_name", Ftype::String, &text)
                    .bytes(off + pos, NETBIOS_NAME_LEN)
                    .line(format_args!("Name: {text}<{kind:02x}> ({})", name_type_descr(kind)));
            }
            (pos, left) = (pos + NETBIOS_NAME_LEN, left - NETBIOS_NAME_LEN);
            if left < 2 {
                return self.incomplete(pos, left);
            }
            let flags = u16_at(self.p, pos)?;
            self.name_flags(flags, pos);
            (pos, left) = (pos + 2, left - 2);
        }
        self.statistics(pos, left)
    }

    /// A node status entry's NAME_FLAGS (RFC 1002 §4.2.18).
    fn name_flags(&mut self, flags: u16, pos: usize) {
        let off = self.off;
        let Some(t) = self.tree.as_deref_mut() else { return };
        let ont = (flags & nb::ONT) >> 13;
        let bools = [
            ("nbns.name_flags.drg", nb::DRG, "Name is being deregistered"),
            ("nbns.name_flags.cnf", nb::CNF, "Name is in conflict"),
            ("nbns.name_flags.act", nb::ACT, "Name is active"),
            ("nbns.name_flags.prm", nb::PRM, "Permanent node name"),
        ];
        let group = flags & nb::GROUP != 0;
        let mut head = format!("Name flags: 0x{flags:04x}");
        if group {
            head.push_str(", Name type");
        }
        let _ = write!(head, ", ONT: {}", ont_field_name(ont));
        for (_, _, title) in bools.iter().filter(|(_, m, _)| flags & m != 0) {
            let _ = write!(head, ", {title}");
        }
        let b = off + pos;
        let names = ["nbns.name_flags", "nbns.name_flags.group", "nbns.name_flags.ont"];
        group_and_ont(t, names, b, flags, &head);
        let bits = |m: u16| masked_bits(u64::from(flags), u64::from(m), 16);
        for (field, m, title) in bools {
            let on = flags & m != 0;
            t.at(4)
                .field(field, Ftype::Boolean, u8::from(on))
                .bytes(b, 2)
                .mask(u64::from(m), u64::from(on))
                .line(format_args!("{} = {title}: {}", bits(m), if on { "Yes" } else { "No" }));
        }
    }

    /// The statistics after a node status report's names (RFC 1002 §4.2.18).
    fn statistics(&mut self, start: usize, mut left: usize) -> R<()> {
        let off = self.off;
        if left < 6 {
            return self.incomplete(start, left);
        }
        let unit = self.p.get(start..start + 6).ok_or(Short)?;
        let mac = crate::sniff::render::Mac(unit).to_string();
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(3)
                .field("nbns.unit_id", Ftype::Ether, &mac)
                .bytes(off + start, 6)
                .line(format_args!("Unit ID: {mac}"));
        }
        let (mut pos, counters) = (start + 6, STATISTICS);
        left -= 6;
        for &(field, title, size, hex) in counters {
            if left < size {
                return self.incomplete(pos, left);
            }
            let v = match size {
                1 => u32::from(u8_at(self.p, pos)?),
                2 => u32::from(u16_at(self.p, pos)?),
                _ => u32_at(self.p, pos)?,
            };
            if let Some(t) = self.tree.as_deref_mut() {
                let ftype = [Ftype::Uint8, Ftype::Uint16, Ftype::Uint32][size.min(3) - 1];
                let d = t.at(3).bytes(off + pos, size);
                if hex {
                    let w = size * 2;
                    d.field(field, ftype, format_args!("0x{v:0w$x}")).line(format_args!("{title}: 0x{v:0w$x}"));
                } else {
                    d.field(field, ftype, v).line(format_args!("{title}: {v}"));
                }
            }
            (pos, left) = (pos + size, left - size);
        }
        Ok(())
    }
}

/// The node status counters after the unit ID: field, title, size, shown in hex.
const STATISTICS: &[(&str, &str, usize, bool)] = &[
    ("nbns.jumpers", "Jumpers", 1, true),
    ("nbns.test_result", "Test result", 1, true),
    ("nbns.version_number", "Version number", 2, true),
    ("nbns.period_of_statistics", "Period of statistics", 2, true),
    ("nbns.num_crcs", "Number of CRCs", 2, false),
    ("nbns.num_alignment_errors", "Number of alignment errors", 2, false),
    ("nbns.num_collisions", "Number of collisions", 2, false),
    ("nbns.num_send_aborts", "Number of send aborts", 2, false),
    ("nbns.num_good_sends", "Number of good sends", 4, false),
    ("nbns.num_good_receives", "Number of good receives", 4, false),
    ("nbns.numretransmits", "Number of retransmits", 2, false),
    ("nbns.num_no_resource_conditions", "Number of no resource conditions", 2, false),
    ("nbns.numcommand_blocks", "Number of command blocks", 2, false),
    ("nbns.numpending_sessions", "Number of pending sessions", 2, false),
    ("nbns.max_num_pending_sessions", "Max number of pending sessions", 2, false),
    ("nbns.max_total_sessions_possible", "Max total sessions possible", 2, false),
    ("nbns.session_data_packet_size", "Session data packet size", 2, false),
];

/// Where a section of `count` questions or records starting at `start` ends.
fn section_len(p: &[u8], start: usize, count: u16, records: bool) -> R<usize> {
    let mut pos = start;
    for _ in 0..count {
        let (_, len) = labels(p, pos)?;
        pos += len + 4;
        if records {
            let data_len = u16_at(p, pos + 4)?;
            pos += 6 + usize::from(data_len);
        }
        if pos > p.len() {
            return Err(Short);
        }
    }
    Ok(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// Decodes a hex string (the tests' frames, as `tshark -T fields -e udp.payload` prints them).
    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// eapon1.pcap (tcpdump's tests) frame 4: a broadcast name query for ARBEITSGRUPPE<1b>.
    const QUERY: &str =
        "892101100001000000000000204542464345434546454a4645464445484643464646414641454643414341424c0000200001";
    /// eapon1.pcap frame 45: a broadcast registration of DJP95S0J<00>, its
    /// additional record's name a pointer to the question's.
    const REGISTRATION: &str = "892e29100001000000000001204545454b4641444a444646444441454b434143414341434143414341434141410000200001c00c00200001000493e000066000a9fe43c2";
    /// A positive name query response: FOO<20> is at 10.0.0.5, H-node, unique.
    const RESPONSE: &str = "0001850000000001000000002045474550455043414341434143414341434143414341434143414341434143410000200001000493e0000660000a000005";

    fn tree_text(pdu: &[u8]) -> String {
        let mut t = Tree::new();
        Nbns.tree(pdu, Ctx::default(), 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn info_names_the_operation_and_the_question_or_the_answer() {
        assert_eq!(info_of(&Nbns, &hex(QUERY), Ctx::default()), "Name query NB ARBEITSGRUPPE<1b>");
        assert_eq!(info_of(&Nbns, &hex(REGISTRATION), Ctx::default()), "Registration NB DJP95S0J<00>");
        assert_eq!(info_of(&Nbns, &hex(RESPONSE), Ctx::default()), "Name query response NB 10.0.0.5");
        let mut negative = hex(RESPONSE);
        negative[3] = 0x03; // rcode: name error
        negative.truncate(negative.len() - 6);
        let data_len = negative.len() - 2;
        negative[data_len..].copy_from_slice(&[0, 0]);
        assert_eq!(
            info_of(&Nbns, &negative, Ctx::default()),
            "Name query response, Requested name does not exist[Malformed Packet]"
        );
        assert!(!tree_text(&negative).contains("Malformed"), "{}", tree_text(&negative));
    }

    #[test]
    fn names_undo_the_first_level_encoding() {
        let q = hex(QUERY);
        let name = read_name(&q, at::HEADER).unwrap();
        assert_eq!((name.text.as_str(), name.kind, name.len), ("ARBEITSGRUPPE<1b>", Some(0x1b), 34));
        assert_eq!(
            first_level(b"abcd").0,
            "Illegal NetBIOS name (1st character not between A and Z in first-level encoding)"
        );
        assert_eq!(first_level(b"EBE").0, "Illegal NetBIOS name (odd number of bytes)");
        assert_eq!(
            first_level(b"EeBB").0,
            "Illegal NetBIOS name (2nd character not between A and Z in first-level encoding)"
        );
        assert_eq!(first_level(b"EBEB").0, "Illegal NetBIOS name (2 bytes long)");
        let mut scoped = b"EGEPEPCACACACACACACACACACACACACA".to_vec();
        scoped.extend(b".example.com");
        assert_eq!(first_level(&scoped).0, "FOO<20>.example.com");
        let browse = b"ABACFPFPENFDECFCEPFHFDEFFPFPACAB";
        assert_eq!(first_level(browse).0, "<01><02>__MSBROWSE__<02><01>");
    }

    #[test]
    fn a_pointer_loop_ends() {
        let mut p = hex(QUERY)[..12].to_vec();
        p.extend([0xc0, 12, 0, 32, 0, 1]);
        let name = read_name(&p, 12).unwrap();
        assert_eq!(name.len, 2);
        assert_eq!(name.text, "Illegal NetBIOS name (1st character not between A and Z in first-level encoding)");
    }

    #[test]
    fn the_tree_has_every_field_as_tshark_shows_it() {
        let text = tree_text(&hex(REGISTRATION));
        for line in [
            "Flags: 0x2910, Opcode: Registration, Recursion desired, Broadcast\n",
            ".010 1... .... .... = Opcode: Registration (5)\n",
            "DJP95S0J<00>: type NB, class IN\nName: DJP95S0J<00> (Workstation/Redirector)\nType: NB (32)\nClass: IN (1)\n",
            "Time to live: 3 days, 11 hours, 20 minutes\nData length: 6\n",
            "Name flags: 0x6000, ONT: Unknown (H-node, unique)\n0... .... .... .... = Name type: Unique name\n",
            ".11. .... .... .... = ONT: Unknown (3)\nAddr: 169.254.67.194\n",
        ] {
            assert!(text.contains(line), "{line}: {text}");
        }
        let text = tree_text(&hex(RESPONSE));
        assert!(
            text.contains(
                "Flags: 0x8500, Response, Opcode: Name query, Authoritative, Recursion desired, Reply code: No error\n"
            ),
            "{text}"
        );
        let r = hex(REGISTRATION);
        assert_eq!(
            values_of(&Nbns, &r, Ctx::default(), "nbns.name"),
            ["DJP95S0J<00>", "DJP95S0J<00> (Workstation/Redirector)"]
        );
        assert_eq!(values_of(&Nbns, &r, Ctx::default(), "nbns.flags"), ["0x2910"]);
        assert_eq!(values_of(&Nbns, &r, Ctx::default(), "nbns.ttl"), ["300000"]);
        assert_eq!(values_of(&Nbns, &r, Ctx::default(), "nbns.addr"), ["169.254.67.194"]);
    }

    #[test]
    fn a_node_status_response_lists_names_and_counters() {
        let mut p = hex("00038400000000010000000020434b4141414141414141414141414141414141414141414141414141414141410000210001000000000053");
        p.push(1);
        p.extend(b"WS1            \x00");
        p.extend([0x04, 0x00, 0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        p.extend([0u8; 40]);
        assert_eq!(info_of(&Nbns, &p, Ctx::default()), "Name query response NBSTAT");
        let text = tree_text(&p);
        assert!(
            text.contains("Name: WS1<00> (Workstation/Redirector)\nName flags: 0x0400, ONT: B-node, Name is active\n"),
            "{text}"
        );
        assert!(text.contains("Unit ID: 00:11:22:33:44:55\nJumpers: 0x00\n"), "{text}");
        assert!(text.contains("Session data packet size: 0\n"), "{text}");
        // A data length that ends inside the counters: an incomplete entry, malformed.
        let mut short = p.clone();
        let at_len = 12 + 34 + 8;
        short[at_len..at_len + 2].copy_from_slice(&20u16.to_be_bytes());
        let text = tree_text(&short);
        assert!(
            text.contains(
                "Permanent node name: No\nincomplete entry\n[Expert Info (Error/Malformed): incomplete entry]\n"
            ),
            "{text}"
        );
        assert!(text.contains("[Malformed Packet: NBNS]"), "{text}");
        assert_eq!(info_of(&Nbns, &short, Ctx::default()), "Name query response NBSTAT[Malformed Packet]");
    }

    #[test]
    fn a_cut_message_is_malformed_and_never_panics() {
        for msg in [QUERY, REGISTRATION, RESPONSE] {
            let b = hex(msg);
            for n in 0..b.len() {
                let text = tree_text(&b[..n]);
                assert!(text.contains("[Malformed Packet: NBNS]"), "{n}: {text}");
                assert!(info_of(&Nbns, &b[..n], Ctx::default()).ends_with("[Malformed Packet]"));
            }
        }
        assert_eq!(info_of(&Nbns, &[0x89], Ctx::default()), "[Malformed Packet]");
        assert_eq!(info_of(&Nbns, &hex(QUERY)[..6], Ctx::default()), "Name query[Malformed Packet]");
        assert!(!tree_text(&[0x89, 0x21, 0x01]).contains("NetBIOS Name Service"));
    }

    #[test]
    fn a_message_the_capture_cut_is_size_limited_not_malformed() {
        // nbns-valgrind.pcap (tcpdump's tests): 26 of the datagram's 50 bytes captured.
        let p = hex("8d40010000010000000000002045474643454e45424640464444");
        let cut = Ctx { cut: true, ..Ctx::default() };
        assert_eq!(info_of(&Nbns, &p, cut), "Name query[Packet size limited during capture]");
        let mut t = Tree::new();
        Nbns.tree(&p, cut, 0, &mut t);
        let last = t.items().last().map(|i| t.display(i).to_string());
        assert_eq!(last.as_deref(), Some("[Packet size limited during capture: NBNS truncated]"));
    }
}
