//! SCTP, the Stream Control Transmission Protocol (RFC 9260): a common header of
//! ports, verification tag and CRC32c checksum (§3.1), then chunks, each a type,
//! flags, a length and a value padded to four bytes (§3.2). The Info column names
//! every chunk as tshark does; DATA and SACK add their sequence numbers. The user
//! messages in DATA chunks are not decoded.
//!
//! tshark shows TSNs relative to the first one a direction of the association
//! uses (its INIT's Initial TSN, its first DATA chunk, or one more than the
//! first SACK of the other direction acknowledges): [`TsnBases`] remembers those
//! per pair of ports, and [`Dissector::recalled_info`] shows the relative numbers.

use super::dissector::{tree_values, CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall, RECALL_BYTES};
use super::frame::malformed;
use crate::proto::bytes::{be16, be16_at, be32, be32_at};
use crate::sniff::hash::FxHashMap;
use crate::sniff::render::Hex;
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The SCTP dissector.
pub struct Sctp;

/// SCTP's IP protocol number (IANA).
const IP_PROTO: u8 = 132;

/// Byte offsets of the common header (RFC 9260 §3.1).
mod field {
    /// Source port.
    pub const SRC_PORT: usize = 0;
    /// Destination port.
    pub const DST_PORT: usize = 2;
    /// Verification tag.
    pub const VTAG: usize = 4;
    /// CRC32c checksum.
    pub const CHECKSUM: usize = 8;
}

/// The common header's length; the first chunk follows it.
const HEADER_LEN: usize = 12;
/// A chunk's type, flags and length (RFC 9260 §3.2).
const CHUNK_HEADER_LEN: usize = 4;

/// Chunk types (RFC 9260 §3.2 and the IANA registry).
mod chunk {
    /// Payload data (§3.3.1).
    pub const DATA: u8 = 0;
    /// Initiation (§3.3.2).
    pub const INIT: u8 = 1;
    /// Initiation acknowledgement (§3.3.3).
    pub const INIT_ACK: u8 = 2;
    /// Selective acknowledgement (§3.3.4).
    pub const SACK: u8 = 3;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "sctp", ftype: Ftype::Protocol, title: "Stream Control Transmission Protocol", base: "" },
    FieldDecl { name: "sctp.srcport", ftype: Ftype::Uint16, title: "Source port", base: "BASE_PT_SCTP" },
    FieldDecl { name: "sctp.dstport", ftype: Ftype::Uint16, title: "Destination port", base: "BASE_PT_SCTP" },
    FieldDecl { name: "sctp.port", ftype: Ftype::Uint16, title: "Port", base: "BASE_PT_SCTP" },
    FieldDecl { name: "sctp.verification_tag", ftype: Ftype::Uint32, title: "Verification tag", base: "BASE_HEX" },
    FieldDecl { name: "sctp.checksum", ftype: Ftype::Uint32, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "sctp.checksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
    FieldDecl { name: "sctp.chunk_type", ftype: Ftype::Uint8, title: "Chunk type", base: "BASE_DEC" },
    FieldDecl { name: "sctp.chunk_bit_1", ftype: Ftype::Boolean, title: "Bit", base: "8" },
    FieldDecl { name: "sctp.chunk_bit_2", ftype: Ftype::Boolean, title: "Bit", base: "8" },
    FieldDecl { name: "sctp.chunk_flags", ftype: Ftype::Uint8, title: "Chunk flags", base: "BASE_HEX" },
    FieldDecl { name: "sctp.chunk_length", ftype: Ftype::Uint16, title: "Chunk length", base: "BASE_DEC" },
    FieldDecl {
        name: "sctp.data_tsn_raw",
        ftype: Ftype::Uint32,
        title: "Transmission sequence number (absolute)",
        base: "BASE_DEC",
    },
    FieldDecl { name: "sctp.data_sid", ftype: Ftype::Uint16, title: "Stream identifier", base: "BASE_HEX" },
    FieldDecl { name: "sctp.data_ssn", ftype: Ftype::Uint16, title: "Stream sequence number", base: "BASE_DEC" },
    FieldDecl {
        name: "sctp.data_payload_proto_id",
        ftype: Ftype::Uint32,
        title: "Payload protocol identifier",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.sack_cumulative_tsn_ack_raw",
        ftype: Ftype::Uint32,
        title: "Cumulative TSN ACK (absolute)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.sack_a_rwnd",
        ftype: Ftype::Uint32,
        title: "Advertised receiver window credit (a_rwnd)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.sack_number_of_gap_blocks",
        ftype: Ftype::Uint16,
        title: "Number of gap acknowledgement blocks",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.sack_number_of_duplicated_tsns",
        ftype: Ftype::Uint16,
        title: "Number of duplicated TSNs",
        base: "BASE_DEC",
    },
    FieldDecl { name: "sctp.initiate_tag", ftype: Ftype::Uint32, title: "Initiate tag", base: "BASE_HEX" },
    FieldDecl {
        name: "sctp.init_credit",
        ftype: Ftype::Uint32,
        title: "Advertised receiver window credit (a_rwnd)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.init_nr_out_streams",
        ftype: Ftype::Uint16,
        title: "Number of outbound streams",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.init_nr_in_streams",
        ftype: Ftype::Uint16,
        title: "Number of inbound streams",
        base: "BASE_DEC",
    },
    FieldDecl { name: "sctp.init_initial_tsn", ftype: Ftype::Uint32, title: "Initial TSN", base: "BASE_DEC" },
    FieldDecl {
        name: "sctp.initack_credit",
        ftype: Ftype::Uint32,
        title: "Advertised receiver window credit (a_rwnd)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.initack_nr_out_streams",
        ftype: Ftype::Uint16,
        title: "Number of outbound streams",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "sctp.initack_nr_in_streams",
        ftype: Ftype::Uint16,
        title: "Number of inbound streams",
        base: "BASE_DEC",
    },
    FieldDecl { name: "sctp.initack_initial_tsn", ftype: Ftype::Uint32, title: "Initial TSN", base: "BASE_DEC" },
];

/// Wireshark's name of a chunk type.
pub fn chunk_name(t: u8) -> &'static str {
    match t {
        0 => "DATA",
        1 => "INIT",
        2 => "INIT_ACK",
        3 => "SACK",
        4 => "HEARTBEAT",
        5 => "HEARTBEAT_ACK",
        6 => "ABORT",
        7 => "SHUTDOWN",
        8 => "SHUTDOWN_ACK",
        9 => "ERROR",
        10 => "COOKIE_ECHO",
        11 => "COOKIE_ACK",
        12 => "ECNE",
        13 => "CWR",
        14 => "SHUTDOWN_COMPLETE",
        15 => "AUTH",
        16 => "NR-SACK",
        64 => "I_DATA",
        128 => "ASCONF_ACK",
        130 => "RE_CONFIG",
        132 => "PAD",
        192 => "FORWARD_TSN",
        193 => "ASCONF",
        194 => "I_FORWARD_TSN",
        _ => "UNKNOWN",
    }
}

/// One chunk: where it starts in the packet, its header and its value bytes
/// (as many as the packet holds).
struct Chunk<'a> {
    at: usize,
    kind: u8,
    flags: u8,
    len: u16,
    value: &'a [u8],
}

/// The chunks after the common header, and whether the packet ends cleanly
/// (every chunk whole, no stray bytes, no chunk shorter than its header).
fn chunks(pdu: &[u8]) -> (Vec<Chunk<'_>>, bool) {
    let mut out = Vec::new();
    let mut at = HEADER_LEN;
    while at < pdu.len() {
        let Some(head) = pdu.get(at..at + CHUNK_HEADER_LEN) else { return (out, false) };
        let len = be16(head, 2);
        let n = usize::from(len);
        let end = (at + n).min(pdu.len());
        let value = pdu.get(at + CHUNK_HEADER_LEN..end).unwrap_or_default();
        out.push(Chunk { at, kind: head[0], flags: head[1], len, value });
        if n < CHUNK_HEADER_LEN || at + n > pdu.len() {
            return (out, false);
        }
        at += n.next_multiple_of(4);
    }
    (out, pdu.len() >= HEADER_LEN)
}

/// The Info column: each chunk's name followed by a space, DATA with its TSN
/// and SACK with its cumulative TSN and window, relative to `bases`.
fn write_info(pdu: &[u8], bases: Bases, out: &mut String) {
    let (list, whole) = chunks(pdu);
    for c in &list {
        out.push_str(chunk_name(c.kind));
        match c.kind {
            chunk::DATA => {
                if let Some(tsn) = be32_at(c.value, 0) {
                    let _ = write!(out, " (TSN={})", tsn.wrapping_sub(bases.own));
                }
            }
            chunk::SACK => {
                if let (Some(ack), Some(wnd)) = (be32_at(c.value, 0), be32_at(c.value, 4)) {
                    let _ = write!(out, " (Ack={}, Arwnd={wnd})", ack.wrapping_sub(bases.peer));
                }
            }
            _ => {}
        }
        out.push(' ');
    }
    if !whole {
        out.push_str("[Malformed Packet]");
    }
}

/// The TSN bases a packet's numbers are shown relative to: its own direction's
/// (DATA) and the other direction's (SACK); 0 shows the number on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bases {
    own: u32,
    peer: u32,
}

impl From<&Recall> for Bases {
    fn from(r: &Recall) -> Bases {
        Bases { own: be32(&r.bytes, 0), peer: be32(&r.bytes, 4) }
    }
}

/// A direction of an association as the dissector can name it: source and
/// destination port.
type Direction = (u16, u16);

/// At most this many directions are remembered; later ones show wire numbers.
const MAX_DIRECTIONS: usize = 4096;

/// The first TSN of every direction seen so far in a capture.
#[derive(Default)]
struct TsnBases {
    first: FxHashMap<Direction, u32>,
}

impl TsnBases {
    /// Sets `dir`'s base unless it has one (or the table is full).
    fn settle(&mut self, dir: Direction, tsn: u32) {
        if self.first.len() < MAX_DIRECTIONS || self.first.contains_key(&dir) {
            self.first.entry(dir).or_insert(tsn);
        }
    }
}

impl CaptureState for TsnBases {
    fn frame(&mut self, pdu: &[u8], frame: u32, _secs: i64) -> Option<Recall> {
        let (Some(sp), Some(dp)) = (be16_at(pdu, field::SRC_PORT), be16_at(pdu, field::DST_PORT)) else { return None };
        let (own, peer) = ((sp, dp), (dp, sp));
        let mut numbered = false;
        for c in chunks(pdu).0 {
            match c.kind {
                chunk::DATA => {
                    if let Some(tsn) = be32_at(c.value, 0) {
                        self.settle(own, tsn);
                        numbered = true;
                    }
                }
                chunk::SACK => {
                    if let Some(ack) = be32_at(c.value, 0) {
                        self.settle(peer, ack.wrapping_add(1));
                        numbered = true;
                    }
                }
                chunk::INIT | chunk::INIT_ACK => {
                    if let Some(tsn) = be32_at(c.value, 12) {
                        self.settle(own, tsn);
                    }
                }
                _ => {}
            }
        }
        if !numbered {
            return None;
        }
        let mut bytes = [0u8; RECALL_BYTES];
        bytes[0..4].copy_from_slice(&self.first.get(&own).copied().unwrap_or(0).to_be_bytes());
        bytes[4..8].copy_from_slice(&self.first.get(&peer).copied().unwrap_or(0).to_be_bytes());
        Some(Recall { frame, secs: 0, bytes, flags: 0 })
    }
}

impl Dissector for Sctp {
    fn name(&self) -> &'static str {
        "sctp"
    }

    fn title(&self) -> &'static str {
        "Stream Control Transmission Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "SCTP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    /// tshark names each chunk followed by a space; DATA adds its TSN, SACK its
    /// cumulative TSN and window.
    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        write_info(pdu, Bases::default(), out);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(TsnBases::default()))
    }

    /// The Info column again, with TSNs relative to their direction's base.
    fn recalled_info(&self, pdu: &[u8], recall: &Recall, out: &mut String) {
        out.clear();
        write_info(pdu, Bases::from(recall), out);
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let (Some(sp), Some(dp)) = (be16_at(pdu, field::SRC_PORT), be16_at(pdu, field::DST_PORT)) else {
            out.at(0).proto("sctp").bytes(o, pdu.len()).line(format_args!("{}", self.title()));
            malformed(out, "SCTP");
            return;
        };
        out.at(0)
            .proto("sctp")
            .bytes(o, pdu.len())
            .line(format_args!("{}, Src Port: {sp} ({sp}), Dst Port: {dp} ({dp})", self.title()));
        port(out, "sctp.srcport", "Source port", sp, o + field::SRC_PORT);
        port(out, "sctp.dstport", "Destination port", dp, o + field::DST_PORT);
        port_hidden(out, sp, o + field::SRC_PORT);
        port_hidden(out, dp, o + field::DST_PORT);
        let Some(vtag) = be32_at(pdu, field::VTAG) else { return malformed(out, "SCTP") };
        out.at(1)
            .field("sctp.verification_tag", Ftype::Uint32, Value::Hex { value: u64::from(vtag), digits: 8 })
            .bytes(o + field::VTAG, 4)
            .line(format_args!("Verification tag: 0x{vtag:08x}"));
        out.text(1, format_args!("[Association index: disabled (enable in preferences)]"));
        let Some(sum) = be32_at(pdu, field::CHECKSUM) else { return malformed(out, "SCTP") };
        out.at(1)
            .field("sctp.checksum", Ftype::Uint32, Value::Hex { value: u64::from(sum), digits: 8 })
            .bytes(o + field::CHECKSUM, 4)
            .line(format_args!("Checksum: 0x{sum:08x} [unverified]"));
        out.at(1)
            .field("sctp.checksum.status", Ftype::Uint8, checksum_status::UNVERIFIED)
            .line(format_args!("[Checksum Status: Unverified]"));
        let (list, whole) = chunks(pdu);
        for c in &list {
            chunk_tree(out, c, o);
        }
        if !whole {
            malformed(out, "SCTP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(decl) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// A port item.
fn port(out: &mut Tree, name: &'static str, title: &str, p: u16, at: usize) {
    out.at(1).field(name, Ftype::Uint16, p).bytes(at, 2).line(format_args!("{title}: {p}"));
}

/// The hidden `sctp.port` item tshark adds for each port.
fn port_hidden(out: &mut Tree, p: u16, at: usize) {
    out.at(1).field("sctp.port", Ftype::Uint16, p).bytes(at, 2).hidden();
}

/// A chunk's header and, for DATA, SACK, INIT and INIT ACK, its fixed fields.
fn chunk_tree(out: &mut Tree, c: &Chunk<'_>, o: usize) {
    let name = chunk_name(c.kind);
    let shown = usize::from(c.len).max(CHUNK_HEADER_LEN).min(CHUNK_HEADER_LEN + c.value.len());
    out.at(1).bytes(o + c.at, shown).line(format_args!("{name} chunk"));
    let at = o + c.at;
    out.at(2)
        .field("sctp.chunk_type", Ftype::Uint8, c.kind)
        .bytes(at, 1)
        .line(format_args!("Chunk type: {name} ({})", c.kind));
    let b1 = c.kind >> 7;
    let b2 = (c.kind >> 6) & 1;
    out.at(3).field("sctp.chunk_bit_1", Ftype::Boolean, b1).bytes(at, 1).mask(0x80, u64::from(b1)).line(format_args!(
        "{b1}... .... = Bit: {}",
        if b1 == 1 { "Skip chunk and continue processing of the packet" } else { "Stop processing of the packet" }
    ));
    out.at(3)
        .field("sctp.chunk_bit_2", Ftype::Boolean, b2)
        .bytes(at, 1)
        .mask(0x40, u64::from(b2))
        .line(format_args!(".{b2}.. .... = Bit: {}", if b2 == 1 { "Do report" } else { "Do not report" }));
    out.at(2)
        .field("sctp.chunk_flags", Ftype::Uint8, Value::Hex { value: u64::from(c.flags), digits: 2 })
        .bytes(at + 1, 1)
        .line(format_args!("Chunk flags: 0x{:02x}", c.flags));
    out.at(2)
        .field("sctp.chunk_length", Ftype::Uint16, c.len)
        .bytes(at + 2, 2)
        .line(format_args!("Chunk length: {}", c.len));
    let v = at + CHUNK_HEADER_LEN;
    match c.kind {
        chunk::DATA => data_fields(out, c.value, v),
        chunk::SACK => sack_fields(out, c.value, v),
        chunk::INIT => init_fields(out, c.value, v, &INIT_NAMES),
        chunk::INIT_ACK => init_fields(out, c.value, v, &INIT_ACK_NAMES),
        _ => {}
    }
}

/// One fixed-size number of a chunk's value: `off` into `value`, shown at `o + off`.
fn num(out: &mut Tree, value: &[u8], o: usize, off: usize, name: &'static str, title: &str, width: usize) -> bool {
    let n = match width {
        2 => be16_at(value, off).map(u32::from),
        _ => be32_at(value, off),
    };
    let Some(n) = n else { return false };
    let ftype = if width == 2 { Ftype::Uint16 } else { Ftype::Uint32 };
    out.at(2).field(name, ftype, n).bytes(o + off, width).line(format_args!("{title}: {n}"));
    true
}

/// DATA (RFC 9260 §3.3.1): TSN, stream identifier and sequence number, PPID.
fn data_fields(out: &mut Tree, value: &[u8], o: usize) {
    if !num(out, value, o, 0, "sctp.data_tsn_raw", "Transmission sequence number (absolute)", 4) {
        return;
    }
    let Some(sid) = be16_at(value, 4) else { return };
    out.at(2)
        .field("sctp.data_sid", Ftype::Uint16, Value::Hex { value: u64::from(sid), digits: 4 })
        .bytes(o + 4, 2)
        .line(format_args!("Stream identifier: 0x{sid:04x}"));
    if !num(out, value, o, 6, "sctp.data_ssn", "Stream sequence number", 2) {
        return;
    }
    let Some(ppid) = be32_at(value, 8) else { return };
    let what = if ppid == 0 { "not specified" } else { "Unknown" };
    out.at(2)
        .field("sctp.data_payload_proto_id", Ftype::Uint32, ppid)
        .bytes(o + 8, 4)
        .line(format_args!("Payload protocol identifier: {what} ({ppid})"));
    if let Some(data) = value.get(12..).filter(|d| !d.is_empty()) {
        out.text(2, format_args!("User data: {}", Hex(&data[..data.len().min(36)])));
    }
}

/// SACK (RFC 9260 §3.3.4): cumulative TSN, window and the two counts.
fn sack_fields(out: &mut Tree, value: &[u8], o: usize) {
    let _ = num(out, value, o, 0, "sctp.sack_cumulative_tsn_ack_raw", "Cumulative TSN ACK (absolute)", 4)
        && num(out, value, o, 4, "sctp.sack_a_rwnd", "Advertised receiver window credit (a_rwnd)", 4)
        && num(out, value, o, 8, "sctp.sack_number_of_gap_blocks", "Number of gap acknowledgement blocks", 2)
        && num(out, value, o, 10, "sctp.sack_number_of_duplicated_tsns", "Number of duplicated TSNs", 2);
}

/// tshark's names of the fixed fields of INIT: tag, window, outbound and inbound streams, TSN.
const INIT_NAMES: [&str; 5] = [
    "sctp.initiate_tag",
    "sctp.init_credit",
    "sctp.init_nr_out_streams",
    "sctp.init_nr_in_streams",
    "sctp.init_initial_tsn",
];
/// The same fields of INIT ACK, which tshark names apart (all but the tag).
const INIT_ACK_NAMES: [&str; 5] = [
    "sctp.initiate_tag",
    "sctp.initack_credit",
    "sctp.initack_nr_out_streams",
    "sctp.initack_nr_in_streams",
    "sctp.initack_initial_tsn",
];

/// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3): the fixed fields before the parameters.
fn init_fields(out: &mut Tree, value: &[u8], o: usize, names: &[&'static str; 5]) {
    let Some(tag) = be32_at(value, 0) else { return };
    out.at(2)
        .field(names[0], Ftype::Uint32, Value::Hex { value: u64::from(tag), digits: 8 })
        .bytes(o, 4)
        .line(format_args!("Initiate tag: 0x{tag:08x}"));
    let _ = num(out, value, o, 4, names[1], "Advertised receiver window credit (a_rwnd)", 4)
        && num(out, value, o, 8, names[2], "Number of outbound streams", 2)
        && num(out, value, o, 10, names[3], "Number of inbound streams", 2)
        && num(out, value, o, 12, names[4], "Initial TSN", 4);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// tcpdump-tests/forces2.pcap frame 4: a COOKIE ACK.
    const COOKIE_ACK: &[u8] =
        &[0x1a, 0x30, 0x84, 0xc1, 0x94, 0xd0, 0x21, 0x98, 0x25, 0xb1, 0x6a, 0x4b, 0x0b, 0x00, 0x00, 0x04];

    /// A SACK and a DATA chunk in one packet (after forces3.pcap frame 46).
    const SACK_DATA: &[u8] = &[
        0xe1, 0xc1, 0x1a, 0x32, 0x97, 0x56, 0x08, 0x30, 0x18, 0xa8, 0x03, 0x84, // common header
        0x03, 0x00, 0x00, 0x10, 0x85, 0xc5, 0x2b, 0x9a, 0x00, 0x00, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, // SACK
        0x00, 0x03, 0x00, 0x14, 0x36, 0xff, 0x3a, 0x59, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, // DATA
        0xde, 0xad, 0xbe, 0xef,
    ];

    fn info(pdu: &[u8]) -> String {
        info_of(&Sctp, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        values_of(&Sctp, pdu, Ctx::default(), name)
    }

    #[test]
    fn info_names_every_chunk_as_tshark() {
        assert_eq!(info(COOKIE_ACK), "COOKIE_ACK ");
        assert_eq!(info(SACK_DATA), "SACK (Ack=2244291482, Arwnd=57344) DATA (TSN=922696281) ");
        assert_eq!(chunk_name(200), "UNKNOWN");
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        assert_eq!(values(COOKIE_ACK, "sctp.srcport"), ["6704"]);
        assert_eq!(values(COOKIE_ACK, "sctp.port"), ["6704", "33985"]);
        assert_eq!(values(COOKIE_ACK, "sctp.verification_tag"), ["0x94d02198"]);
        assert_eq!(values(COOKIE_ACK, "sctp.checksum"), ["0x25b16a4b"]);
        assert_eq!(values(COOKIE_ACK, "sctp.checksum.status"), ["2"]);
        assert_eq!(values(SACK_DATA, "sctp.chunk_type"), ["3", "0"]);
        assert_eq!(values(SACK_DATA, "sctp.chunk_flags"), ["0x00", "0x03"]);
        assert_eq!(values(SACK_DATA, "sctp.chunk_length"), ["16", "20"]);
        assert_eq!(values(SACK_DATA, "sctp.sack_a_rwnd"), ["57344"]);
        assert_eq!(values(SACK_DATA, "sctp.data_ssn"), ["3"]);
    }

    #[test]
    fn a_short_or_hostile_packet_is_malformed_never_a_panic() {
        assert_eq!(info(&COOKIE_ACK[..14]), "[Malformed Packet]");
        assert_eq!(info(&SACK_DATA[..30]), "SACK (Ack=2244291482, Arwnd=57344) [Malformed Packet]");
        let mut zero_len = COOKIE_ACK.to_vec();
        zero_len[15] = 0;
        assert_eq!(info(&zero_len), "COOKIE_ACK [Malformed Packet]");
        for pdu in [COOKIE_ACK, SACK_DATA] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let mut t = Tree::new();
                Sctp.tree(cut, Ctx::default(), 0, &mut t);
                for f in 1..FIELDS.len() {
                    Sctp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
    }

    /// The packet of `ports` with one chunk `kind` whose value starts with `number`.
    fn numbered(ports: (u16, u16), kind: u8, number: u32) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&ports.0.to_be_bytes());
        p.extend_from_slice(&ports.1.to_be_bytes());
        p.extend_from_slice(&[0; 8]);
        p.extend_from_slice(&[kind, 0, 0, 16]);
        p.extend_from_slice(&number.to_be_bytes());
        p.extend_from_slice(&[0, 0, 0xe0, 0, 0, 0, 0, 0]);
        p
    }

    /// Info as the list shows it after the capture state has seen the earlier frames.
    fn relative(state: &mut TsnBases, pdu: &[u8]) -> String {
        let mut out = info(pdu);
        if let Some(r) = state.frame(pdu, 1, 0) {
            Sctp.recalled_info(pdu, &r, &mut out);
        }
        out
    }

    #[test]
    fn tsns_count_from_each_directions_first_as_tshark_shows_them() {
        let mut state = TsnBases::default();
        // A SACK before the other direction's first DATA: that DATA will be 0, so the SACK acks -1.
        assert_eq!(relative(&mut state, &numbered((6706, 48316), 3, 99)), "SACK (Ack=4294967295, Arwnd=57344) ");
        assert_eq!(relative(&mut state, &numbered((48316, 6706), 0, 100)), "DATA (TSN=0) ");
        assert_eq!(relative(&mut state, &numbered((48316, 6706), 0, 117)), "DATA (TSN=17) ");
        assert_eq!(relative(&mut state, &numbered((6706, 48316), 3, 117)), "SACK (Ack=17, Arwnd=57344) ");
        // The other direction has a base of its own; an INIT's Initial TSN sets one.
        let mut init = numbered((1, 2), 1, 0);
        init.extend_from_slice(&[0; 4]);
        init[12 + 3] = 20;
        init[28..32].copy_from_slice(&500u32.to_be_bytes());
        assert_eq!(relative(&mut state, &init), "INIT ");
        assert_eq!(relative(&mut state, &numbered((1, 2), 0, 503)), "DATA (TSN=3) ");
        assert_eq!(relative(&mut state, &numbered((2, 1), 0, 7)), "DATA (TSN=0) ");
        assert!(state.frame(COOKIE_ACK, 1, 0).is_none(), "a packet without TSNs recalls nothing");
    }
}
