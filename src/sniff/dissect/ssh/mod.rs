//! SSH's first exchanges in the clear (RFC 4253): each side's version line
//! (`SSH-2.0-OpenSSH_9.6`), then binary packets (a 4-byte length, a padding
//! length, the payload whose first byte is the message code, random padding)
//! carrying the key exchange: Key Exchange Init with the algorithms each side
//! supports, the Diffie-Hellman or elliptic-curve exchange, and New Keys, after
//! which everything is encrypted.
//!
//! As tshark, a segment sent to the SSH port is the client's. tshark follows the
//! conversation to know its version and which packets are encrypted (those
//! after New Keys); [`conv`] keeps that state as the protocol's memo of the
//! conversation (see there), and the pipeline gathers a packet of the key
//! exchange that segments cut ([`Dissector::pdu_len_in`]). Without that state
//! (a PDU read on its own), a packet is read as plaintext when its header is
//! consistent (its length fits the segment and is a whole number of 8-byte
//! blocks, the padding is 4 bytes or more, the code is one of the key
//! exchange's); the rest is an encrypted packet. Whether a code 30 or 31
//! message is the elliptic-curve variant is told from the size of the public
//! key it carries (tshark goes by the key exchange method the Key Exchange
//! Inits agree on).

pub mod conv;

use conv::{Conv, Piece};

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::textline::{first, shown};
use crate::proto::bytes::be32;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The SSH dissector.
pub struct Ssh;

/// SSH's port (RFC 4253).
const CLAIMS: &[Claim] = &[Claim::TcpPort(22)];

/// The version line's start.
const BANNER: &[u8] = b"SSH-";
/// A binary packet's header: length (4 bytes) and padding length (1 byte).
const HEADER_LEN: usize = 5;
/// The smallest padding and the block every plaintext packet fills (RFC 4253 §6).
const MIN_PADDING: u8 = 4;
const BLOCK: usize = 8;
/// The message codes of the key exchange and the transport layer.
const KEXINIT: u8 = 20;
const NEWKEYS: u8 = 21;
/// The cipher whose packets tshark 4.0 tries to decrypt (and, without keys, shows nothing of).
const CHACHA: &[u8] = b"chacha20-poly1305@openssh.com";
const KEX_30: u8 = 30;
const KEX_31: u8 = 31;
/// The sizes of an elliptic-curve public key: curve25519, then NIST P-256, P-384, P-521.
const EC_KEY_LENS: [u32; 4] = [32, 65, 97, 133];
/// The cookie of a Key Exchange Init.
const COOKIE_LEN: usize = 16;
/// The name lists of a Key Exchange Init, in order.
const NAME_LISTS: [&str; 10] = [
    "kex_algorithms",
    "server_host_key_algorithms",
    "encryption_algorithms_client_to_server",
    "encryption_algorithms_server_to_client",
    "mac_algorithms_client_to_server",
    "mac_algorithms_server_to_client",
    "compression_algorithms_client_to_server",
    "compression_algorithms_server_to_client",
    "languages_client_to_server",
    "languages_server_to_client",
];
/// The name-list length fields, in the order of [`NAME_LISTS`].
const LENGTH_FIELDS: [&str; 10] = [
    "ssh.kex_algorithms_length",
    "ssh.server_host_key_algorithms_length",
    "ssh.encryption_algorithms_client_to_server_length",
    "ssh.encryption_algorithms_server_to_client_length",
    "ssh.mac_algorithms_client_to_server_length",
    "ssh.mac_algorithms_server_to_client_length",
    "ssh.compression_algorithms_client_to_server_length",
    "ssh.compression_algorithms_server_to_client_length",
    "ssh.languages_client_to_server_length",
    "ssh.languages_server_to_client_length",
];

/// The longest item label tshark shows whole (its label buffer, less the NUL).
const LABEL_MAX: usize = 239;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ssh", ftype: Ftype::Protocol, title: "SSH Protocol", base: "" },
    FieldDecl { name: "ssh.protocol", ftype: Ftype::String, title: "Protocol", base: "" },
    FieldDecl { name: "ssh.packet_length", ftype: Ftype::Uint32, title: "Packet Length", base: "BASE_DEC" },
    FieldDecl { name: "ssh.padding_length", ftype: Ftype::Uint8, title: "Padding Length", base: "BASE_DEC" },
    FieldDecl { name: "ssh.padding_string", ftype: Ftype::Bytes, title: "Padding String", base: "" },
    FieldDecl { name: "ssh.direction", ftype: Ftype::Boolean, title: "Direction", base: "0" },
    FieldDecl { name: "ssh.message_code", ftype: Ftype::Uint8, title: "Message Code", base: "BASE_DEC" },
    FieldDecl { name: "ssh.cookie", ftype: Ftype::Bytes, title: "Cookie", base: "" },
    FieldDecl { name: "ssh.kex_algorithms", ftype: Ftype::String, title: "kex_algorithms string", base: "" },
    FieldDecl {
        name: "ssh.server_host_key_algorithms",
        ftype: Ftype::String,
        title: "server_host_key_algorithms string",
        base: "",
    },
    FieldDecl {
        name: "ssh.encryption_algorithms_client_to_server",
        ftype: Ftype::String,
        title: "encryption_algorithms_client_to_server string",
        base: "",
    },
    FieldDecl {
        name: "ssh.encryption_algorithms_server_to_client",
        ftype: Ftype::String,
        title: "encryption_algorithms_server_to_client string",
        base: "",
    },
    FieldDecl {
        name: "ssh.mac_algorithms_client_to_server",
        ftype: Ftype::String,
        title: "mac_algorithms_client_to_server string",
        base: "",
    },
    FieldDecl {
        name: "ssh.mac_algorithms_server_to_client",
        ftype: Ftype::String,
        title: "mac_algorithms_server_to_client string",
        base: "",
    },
    FieldDecl {
        name: "ssh.compression_algorithms_client_to_server",
        ftype: Ftype::String,
        title: "compression_algorithms_client_to_server string",
        base: "",
    },
    FieldDecl {
        name: "ssh.compression_algorithms_server_to_client",
        ftype: Ftype::String,
        title: "compression_algorithms_server_to_client string",
        base: "",
    },
    FieldDecl {
        name: "ssh.languages_client_to_server",
        ftype: Ftype::String,
        title: "languages_client_to_server string",
        base: "",
    },
    FieldDecl {
        name: "ssh.languages_server_to_client",
        ftype: Ftype::String,
        title: "languages_server_to_client string",
        base: "",
    },
    FieldDecl {
        name: "ssh.kex_algorithms_length",
        ftype: Ftype::Uint32,
        title: "kex_algorithms length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.server_host_key_algorithms_length",
        ftype: Ftype::Uint32,
        title: "server_host_key_algorithms length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.encryption_algorithms_client_to_server_length",
        ftype: Ftype::Uint32,
        title: "encryption_algorithms_client_to_server length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.encryption_algorithms_server_to_client_length",
        ftype: Ftype::Uint32,
        title: "encryption_algorithms_server_to_client length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.mac_algorithms_client_to_server_length",
        ftype: Ftype::Uint32,
        title: "mac_algorithms_client_to_server length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.mac_algorithms_server_to_client_length",
        ftype: Ftype::Uint32,
        title: "mac_algorithms_server_to_client length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.compression_algorithms_client_to_server_length",
        ftype: Ftype::Uint32,
        title: "compression_algorithms_client_to_server length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.compression_algorithms_server_to_client_length",
        ftype: Ftype::Uint32,
        title: "compression_algorithms_server_to_client length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.languages_client_to_server_length",
        ftype: Ftype::Uint32,
        title: "languages_client_to_server length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.languages_server_to_client_length",
        ftype: Ftype::Uint32,
        title: "languages_server_to_client length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.first_kex_packet_follows",
        ftype: Ftype::Uint8,
        title: "First KEX Packet Follows",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ssh.kex.reserved", ftype: Ftype::Bytes, title: "Reserved", base: "" },
    FieldDecl {
        name: "ssh.ecdh.q_c_length",
        ftype: Ftype::Uint32,
        title: "ECDH client's ephemeral public key length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ssh.ecdh.q_c",
        ftype: Ftype::Bytes,
        title: "ECDH client's ephemeral public key (Q_C)",
        base: "",
    },
    FieldDecl {
        name: "ssh.packet_length_encrypted",
        ftype: Ftype::Bytes,
        title: "Packet Length (encrypted)",
        base: "",
    },
    FieldDecl { name: "ssh.encrypted_packet", ftype: Ftype::Bytes, title: "Encrypted Packet", base: "" },
];

/// The encrypted length field before an encrypted packet's bytes.
const LENGTH_LEN: usize = 4;

/// The name-list fields, in the order of [`NAME_LISTS`].
const LIST_FIELDS: [&str; 10] = [
    "ssh.kex_algorithms",
    "ssh.server_host_key_algorithms",
    "ssh.encryption_algorithms_client_to_server",
    "ssh.encryption_algorithms_server_to_client",
    "ssh.mac_algorithms_client_to_server",
    "ssh.mac_algorithms_server_to_client",
    "ssh.compression_algorithms_client_to_server",
    "ssh.compression_algorithms_server_to_client",
    "ssh.languages_client_to_server",
    "ssh.languages_server_to_client",
];

/// A plaintext binary packet at `at` of the PDU.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'p> {
    at: usize,
    len: u32,
    padding: u8,
    payload: &'p [u8],
    padding_bytes: &'p [u8],
}

impl Packet<'_> {
    fn code(&self) -> u8 {
        self.payload[0]
    }
}

/// The plaintext packet at `at`, if its header is consistent (see the module docs).
fn packet(pdu: &[u8], at: usize) -> Option<Packet<'_>> {
    let rest = pdu.get(at..)?;
    if rest.len() < HEADER_LEN + 1 {
        return None;
    }
    let len = be32(rest, 0);
    let total = usize::try_from(len).ok()?.checked_add(4)?;
    let padding = rest[4];
    if total > rest.len() || total % BLOCK != 0 || padding < MIN_PADDING || u32::from(padding) + 1 >= len {
        return None;
    }
    let payload = &rest[HEADER_LEN..total - usize::from(padding)];
    let padding_bytes = &rest[total - usize::from(padding)..total];
    let code = *payload.first()?;
    matches!(code, 1..=6 | KEXINIT | 21 | KEX_30..=34).then_some(Packet { at, len, padding, payload, padding_bytes })
}

/// The binary packet at `at` as tshark reads one during the key exchange
/// (RFC 4253 §6): its length and padding length taken as they are, `None`
/// when the packet is cut short or its padding leaves no message code.
fn parse_packet(pdu: &[u8], at: usize) -> Option<Packet<'_>> {
    let rest = pdu.get(at..)?;
    let len = be32(rest.get(..4)?, 0);
    let total = usize::try_from(len).ok()?.checked_add(4)?;
    let padding = *rest.get(4)?;
    if total > rest.len() || usize::from(padding) + 1 >= total - 4 {
        return None;
    }
    let payload = &rest[HEADER_LEN..total - usize::from(padding)];
    let padding_bytes = &rest[total - usize::from(padding)..total];
    Some(Packet { at, len, padding, payload, padding_bytes })
}

/// The client-to-server and server-to-client cipher lists of a Key Exchange
/// Init's payload (RFC 4253 §7.1), when they are there.
fn ciphers(payload: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let mut pos = 1 + COOKIE_LEN;
    let mut lists = [None; 4];
    for slot in &mut lists {
        let Some(list) = string(payload, pos) else { break };
        *slot = Some(list);
        pos += 4 + list.len();
    }
    (lists[2], lists[3])
}

/// The plaintext packets at the start of `pdu`, and where the rest begins.
fn packets(pdu: &[u8]) -> (Vec<Packet<'_>>, usize) {
    let mut all = Vec::new();
    let mut at = 0;
    while let Some(p) = packet(pdu, at) {
        at += p.len as usize + 4;
        all.push(p);
    }
    (all, at)
}

/// The SSH string at `at` of `b` (a 4-byte length, then the bytes).
fn string(b: &[u8], at: usize) -> Option<&[u8]> {
    let len = usize::try_from(be32(b.get(at..at + 4)?, 0)).ok()?;
    b.get(at + 4..at.checked_add(4)?.checked_add(len)?)
}

/// Whether a code 30 or 31 payload carries an elliptic-curve key: for 30 the
/// client's key is the first string, for 31 the server's follows the host key.
fn elliptic(p: &Packet<'_>) -> bool {
    let key_at = match p.code() {
        KEX_30 => 1,
        _ => match string(p.payload, 1) {
            Some(host_key) => 1 + 4 + host_key.len(),
            None => return false,
        },
    };
    p.payload.get(key_at..key_at + 4).is_some_and(|l| EC_KEY_LENS.contains(&be32(l, 0)))
}

/// Whether a code 31 payload starts with a host key (a reply) rather than a
/// group's prime (a group exchange's Group message).
fn has_host_key(p: &Packet<'_>) -> bool {
    string(p.payload, 1)
        .and_then(|k| string(k, 0))
        .is_some_and(|t| t.starts_with(b"ssh-") || t.starts_with(b"ecdsa-") || t.starts_with(b"rsa-"))
}

/// Wireshark's name of a message.
fn message_name(p: &Packet<'_>) -> &'static str {
    match p.code() {
        1 => "Disconnect",
        2 => "Ignore",
        3 => "Unimplemented",
        4 => "Debug",
        5 => "Service Request",
        6 => "Service Accept",
        KEXINIT => "Key Exchange Init",
        NEWKEYS => "New Keys",
        KEX_30 if elliptic(p) => "Elliptic Curve Diffie-Hellman Key Exchange Init",
        KEX_30 => "Diffie-Hellman Key Exchange Init",
        KEX_31 if !has_host_key(p) => "Diffie-Hellman Group Exchange Group",
        KEX_31 if elliptic(p) => "Elliptic Curve Diffie-Hellman Key Exchange Reply",
        KEX_31 => "Diffie-Hellman Key Exchange Reply",
        32 => "Diffie-Hellman Group Exchange Init",
        33 => "Diffie-Hellman Group Exchange Reply",
        34 => "Diffie-Hellman Group Exchange Request",
        code => later_message_name(code),
    }
}

/// Wireshark's names of the authentication and connection messages (RFC 4250
/// §4.1.2), which only a key exchange read out of step shows in the clear.
fn later_message_name(code: u8) -> &'static str {
    match code {
        50 => "User Authentication Request",
        51 => "User Authentication Failure",
        52 => "User Authentication Success",
        53 => "User Authentication Banner",
        80 => "Global Request",
        81 => "Request Success",
        82 => "Request Failure",
        90 => "Channel Open",
        91 => "Channel Open Confirmation",
        92 => "Channel Open Failure",
        93 => "Window Adjust",
        94 => "Channel Data",
        95 => "Channel Extended Data",
        96 => "Channel EOF",
        97 => "Channel Close",
        98 => "Channel Request",
        99 => "Channel Success",
        100 => "Channel Failure",
        _ => "Unknown",
    }
}

/// A message's name as the Info column shows it (`Unknown (n)` for a code
/// Wireshark does not name).
fn shown_name(p: &Packet<'_>) -> String {
    match p.payload.first().map(|_| message_name(p)) {
        Some("Unknown") => format!("Unknown ({})", p.code()),
        Some(name) => name.to_string(),
        None => String::new(),
    }
}

/// The state the PDU is read in: the conversation's before it, and the
/// version to read it with (the last word after a first pass); `None` for a
/// PDU read on its own.
fn state_of(ctx: Ctx) -> Option<(Conv, u8)> {
    let last = Conv(ctx.memo?);
    Some((Conv(ctx.prior.unwrap_or(0)), last.version()))
}

/// The pieces of `pdu` in its conversation.
fn pieces(pdu: &[u8], ctx: Ctx) -> Option<Vec<Piece<'_>>> {
    let (before, version) = state_of(ctx)?;
    Some(conv::walk(pdu, ctx.to_port, before, Some(version)).0)
}

/// The Info column's parts for the pieces of a PDU.
fn piece_names(pieces: &[Piece<'_>]) -> Vec<String> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Banner { text, .. } => Some(format!("Protocol ({})", shown(text))),
            Piece::Packet(p) => Some(shown_name(p)),
            Piece::Encrypted { len, .. } => Some(format!("Encrypted packet (len={len})")),
            Piece::Hidden { .. } | Piece::Cut { .. } => None,
        })
        .collect()
}

/// The side that sent the PDU, as tshark's Info starts.
fn side(ctx: Ctx) -> &'static str {
    if ctx.to_port {
        "Client"
    } else {
        "Server"
    }
}

/// An item's label as tshark shows it: cut, and marked, past its label buffer.
fn label(title: &str, value: &str) -> String {
    let whole = format!("{title}: {value}");
    if whole.chars().count() <= LABEL_MAX {
        return whole;
    }
    format!("{title} [truncated]: {value}").chars().take(LABEL_MAX - 1).collect()
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    b.iter().for_each(|x| {
        let _ = write!(s, "{x:02x}");
    });
    s
}

impl Dissector for Ssh {
    fn name(&self) -> &'static str {
        "ssh"
    }

    fn title(&self) -> &'static str {
        "SSH Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        if pdu.starts_with(b"SSH-1.") && !pdu.starts_with(b"SSH-1.99") {
            "SSHv1"
        } else {
            "SSHv2"
        }
    }

    /// The version the client's banner announced in the conversation (`SSH`
    /// while none did).
    fn column_in(&self, pdu: &[u8], ctx: Ctx) -> &'static str {
        match state_of(ctx).map(|s| s.1) {
            None => self.column(pdu),
            Some(conv::V1) => "SSHv1",
            Some(conv::V2) => "SSHv2",
            Some(_) => "SSH",
        }
    }

    /// The conversation's state after this PDU (see [`conv`]).
    fn learn_in(&self, pdu: &[u8], ctx: Ctx) -> Option<u32> {
        Some(conv::walk(pdu, ctx.to_port, Conv(ctx.prior.unwrap_or(0)), None).1 .0)
    }

    /// During the key exchange, whole binary packets; else each segment as it is.
    fn pdu_len_in(&self, head: &[u8], ctx: Ctx) -> Option<usize> {
        conv::measure(head, ctx.to_port, Conv(ctx.prior.unwrap_or(0)))
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        self.info_marked(pdu, ctx, "", out);
    }

    /// tshark clears the column up to TCP's marks, adds its parts after them
    /// (`, ` before the first when marks are there) and puts the side before
    /// everything: `Client: [TCP Fast Retransmission] , Key Exchange Init`.
    fn info_marked(&self, pdu: &[u8], ctx: Ctx, marks: &str, out: &mut String) {
        out.push_str(side(ctx));
        out.push_str(": ");
        if let Some(pieces) = pieces(pdu, ctx) {
            out.push_str(marks);
            let names = piece_names(&pieces);
            if !marks.is_empty() && !names.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&names.join(", "));
            return;
        }
        out.push_str(marks);
        if pdu.starts_with(BANNER) {
            let line = first(pdu).map(|l| l.text(pdu)).unwrap_or_default();
            let _ = write!(out, "Protocol ({})", shown(line));
            return;
        }
        let (all, _) = packets(pdu);
        let names: Vec<&str> = all.iter().map(message_name).collect();
        out.push_str(&names.join(", "));
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("ssh").bytes(o, pdu.len()).line(format_args!("SSH Protocol"));
        if let Some(pieces) = pieces(pdu, ctx) {
            let v2 = state_of(ctx).is_some_and(|s| s.1 == conv::V2);
            pieces.iter().for_each(|p| piece_tree(t, pdu, p, o, v2));
        } else if pdu.starts_with(BANNER) {
            if let Some(l) = first(pdu) {
                let v = shown(l.text(pdu));
                t.at(1).field("ssh.protocol", Ftype::String, &v).bytes(o, l.full).line(format_args!("Protocol: {v}"));
            }
        } else {
            let (all, rest) = packets(pdu);
            all.iter().for_each(|p| binary_packet(t, p, o));
            if rest < pdu.len() {
                t.at(1).bytes(o + rest, pdu.len() - rest).line(format_args!("SSH Version 2"));
            }
        }
        let dir = if ctx.to_port { "client-to-server" } else { "server-to-client" };
        t.at(1).field("ssh.direction", Ftype::Boolean, u8::from(!ctx.to_port)).line(format_args!("[Direction: {dir}]"));
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One piece of a PDU read in its conversation: a banner, a packet in the
/// clear, or the encrypted rest (under an `SSH Version 2` item once the
/// conversation's version is known to be 2).
fn piece_tree(t: &mut Tree, pdu: &[u8], piece: &Piece<'_>, o: usize, v2: bool) {
    match *piece {
        Piece::Banner { at, text, len } => {
            let v = shown(text);
            t.at(1).field("ssh.protocol", Ftype::String, &v).bytes(o + at, len).line(format_args!("Protocol: {v}"));
        }
        Piece::Packet(p) => binary_packet(t, &p, o),
        Piece::Encrypted { at, len } if v2 => {
            t.at(1).bytes(o + at, len).line(format_args!("SSH Version 2"));
            encrypted_packet(t, 2, &pdu[at..at + len], o + at);
        }
        Piece::Encrypted { at, len } => encrypted_packet(t, 1, &pdu[at..at + len], o + at),
        Piece::Hidden { at, len } if v2 => {
            t.at(1).bytes(o + at, len).line(format_args!("SSH Version 2"));
        }
        Piece::Hidden { .. } | Piece::Cut { .. } => {}
    }
}

/// An encrypted packet at depth `d`, whose bytes `b` start at `at` of the
/// frame: its length field (encrypted) and the rest, as tshark shows them
/// without the keys (no MAC is told apart: tshark 4.0 knows its length only
/// for the ciphers it decrypts).
/// Bytes too few for a length field show nothing (tshark's item would lie
/// past them).
fn encrypted_packet(t: &mut Tree, d: usize, b: &[u8], at: usize) {
    if b.len() <= LENGTH_LEN {
        return;
    }
    let (head, rest) = b.split_at(LENGTH_LEN);
    let h = hex(head);
    t.at(d)
        .field("ssh.packet_length_encrypted", Ftype::Bytes, &h)
        .bytes(at, LENGTH_LEN)
        .line(format_args!("Packet Length (encrypted): {h}"));
    let shown = crate::sniff::dissect::data::shown_bytes(rest);
    t.at(d)
        .field("ssh.encrypted_packet", Ftype::Bytes, hex(rest))
        .bytes(at + head.len(), rest.len())
        .line(format_args!("Encrypted Packet: {shown}"));
}

/// One plaintext packet: its header, message code, Key Exchange Init's
/// algorithms, and padding.
fn binary_packet(t: &mut Tree, p: &Packet<'_>, o: usize) {
    let at = o + p.at;
    let total = p.len as usize + 4;
    t.at(1).bytes(at, total).line(format_args!("SSH Version 2"));
    t.at(2)
        .field("ssh.packet_length", Ftype::Uint32, p.len)
        .bytes(at, 4)
        .line(format_args!("Packet Length: {}", p.len));
    t.at(2)
        .field("ssh.padding_length", Ftype::Uint8, p.padding)
        .bytes(at + 4, 1)
        .line(format_args!("Padding Length: {}", p.padding));
    let payload_at = at + HEADER_LEN;
    let group = if matches!(p.code(), 1..=6) { "Transport" } else { "Key Exchange" };
    t.at(2).bytes(payload_at, p.payload.len()).line(format_args!("{group}"));
    let code = p.code();
    t.at(3)
        .field("ssh.message_code", Ftype::Uint8, code)
        .bytes(payload_at, 1)
        .line(format_args!("Message Code: {} ({code})", message_name(p)));
    if code == KEXINIT {
        algorithms(t, p.payload, payload_at);
    } else if code == KEX_30 && elliptic(p) {
        client_ecdh_key(t, p.payload, payload_at);
    }
    let pad_at = at + HEADER_LEN + p.payload.len();
    let h = hex(p.padding_bytes);
    t.at(2)
        .field("ssh.padding_string", Ftype::Bytes, &h)
        .bytes(pad_at, p.padding_bytes.len())
        .line(format_args!("Padding String: {h}"));
}

/// An elliptic-curve key exchange's client public key (Q_C), after the code.
fn client_ecdh_key(t: &mut Tree, payload: &[u8], at: usize) {
    let Some(key) = string(payload, 1) else { return };
    let n = key.len();
    t.at(3)
        .field("ssh.ecdh.q_c_length", Ftype::Uint32, n)
        .bytes(at + 1, 4)
        .line(format_args!("ECDH client's ephemeral public key length: {n}"));
    let h = hex(key);
    t.at(3)
        .field("ssh.ecdh.q_c", Ftype::Bytes, &h)
        .bytes(at + 5, n)
        .line(format_args!("ECDH client's ephemeral public key (Q_C): {h}"));
}

/// A Key Exchange Init's cookie, name lists, first-packet flag and reserved word.
fn algorithms(t: &mut Tree, payload: &[u8], at: usize) {
    let Some(cookie) = payload.get(1..1 + COOKIE_LEN) else { return };
    t.at(3).bytes(at + 1, payload.len() - 1).line(format_args!("Algorithms"));
    let h = hex(cookie);
    t.at(4).field("ssh.cookie", Ftype::Bytes, &h).bytes(at + 1, COOKIE_LEN).line(format_args!("Cookie: {h}"));
    let mut pos = 1 + COOKIE_LEN;
    for (i, (name, field)) in NAME_LISTS.iter().zip(LIST_FIELDS).enumerate() {
        let length_field = LENGTH_FIELDS[i];
        let Some(list) = string(payload, pos) else { return };
        let n = list.len();
        t.at(4).field(length_field, Ftype::Uint32, n).bytes(at + pos, 4).line(format_args!("{name} length: {n}"));
        let v = shown(list);
        let title = format!("{name} string");
        t.at(4).field(field, Ftype::String, &v).bytes(at + pos + 4, n).line(format_args!("{}", label(&title, &v)));
        pos += 4 + n;
    }
    if let Some(&follows) = payload.get(pos) {
        t.at(4)
            .field("ssh.first_kex_packet_follows", Ftype::Uint8, follows)
            .bytes(at + pos, 1)
            .line(format_args!("First KEX Packet Follows: {follows}"));
    }
    if let Some(reserved) = payload.get(pos + 1..pos + 5) {
        let h = hex(reserved);
        t.at(4).field("ssh.kex.reserved", Ftype::Bytes, &h).bytes(at + pos + 1, 4).line(format_args!("Reserved: {h}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::testing::info_of(&Ssh, pdu, ctx)
    }

    fn values(pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
        crate::sniff::dissect::testing::values_of(&Ssh, pdu, ctx, name)
    }

    /// A plaintext packet of `payload`, padded to 8-byte blocks with at least 4 bytes.
    fn wrap(payload: &[u8]) -> Vec<u8> {
        let mut pad = BLOCK - (HEADER_LEN + payload.len()) % BLOCK;
        if pad < 4 {
            pad += BLOCK;
        }
        let len = (1 + payload.len() + pad) as u32;
        let mut v = len.to_be_bytes().to_vec();
        v.push(pad as u8);
        v.extend(payload);
        v.extend(std::iter::repeat_n(0, pad));
        v
    }

    /// An SSH string.
    fn s(b: &[u8]) -> Vec<u8> {
        [&(b.len() as u32).to_be_bytes()[..], b].concat()
    }

    #[test]
    fn banners_name_the_side() {
        let b = b"SSH-2.0-OpenSSH_7.8\r\n";
        assert_eq!(info(b, Ctx::to(22)), "Client: Protocol (SSH-2.0-OpenSSH_7.8)");
        assert_eq!(info(b, Ctx::from(22)), "Server: Protocol (SSH-2.0-OpenSSH_7.8)");
        assert_eq!(values(b, Ctx::to(22), "ssh.protocol"), ["SSH-2.0-OpenSSH_7.8"]);
        assert_eq!(Ssh.column(b), "SSHv2");
        assert_eq!(Ssh.column(b"SSH-1.5-x\r\n"), "SSHv1");
    }

    #[test]
    fn key_exchange_messages_and_encrypted_packets() {
        let mut kexinit = vec![KEXINIT];
        kexinit.extend([7u8; COOKIE_LEN]);
        for list in [&b"curve25519-sha256"[..], b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr", b"hmac-sha2-256"] {
            kexinit.extend(s(list));
        }
        for list in [&b"hmac-sha2-256"[..], b"none", b"none", b"", b""] {
            kexinit.extend(s(list));
        }
        kexinit.extend([0, 0, 0, 0, 0]);
        let pdu = wrap(&kexinit);
        assert_eq!(info(&pdu, Ctx::to(22)), "Client: Key Exchange Init");
        assert_eq!(values(&pdu, Ctx::to(22), "ssh.kex_algorithms"), ["curve25519-sha256"]);
        assert_eq!(values(&pdu, Ctx::to(22), "ssh.compression_algorithms_server_to_client_length"), ["4"]);
        assert_eq!(values(&pdu, Ctx::to(22), "ssh.message_code"), ["20"]);

        let ecdh_init = wrap(&[&[KEX_30][..], &s(&[9; 32])].concat());
        assert_eq!(info(&ecdh_init, Ctx::to(22)), "Client: Elliptic Curve Diffie-Hellman Key Exchange Init");
        assert_eq!(values(&ecdh_init, Ctx::to(22), "ssh.ecdh.q_c_length"), ["32"]);
        assert_eq!(values(&ecdh_init, Ctx::to(22), "ssh.ecdh.q_c"), ["09".repeat(32)]);
        let dh_init = wrap(&[&[KEX_30][..], &s(&[9; 257])].concat());
        assert_eq!(info(&dh_init, Ctx::to(22)), "Client: Diffie-Hellman Key Exchange Init");
        let host_key = s(&[&s(b"ssh-ed25519")[..], &s(&[1; 32])].concat());
        let reply = [&[KEX_31][..], &host_key, &s(&[2; 32]), &s(&[3; 20])].concat();
        let mut both = wrap(&reply);
        both.extend(wrap(&[21]));
        both.extend([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
        assert_eq!(info(&both, Ctx::from(22)), "Server: Elliptic Curve Diffie-Hellman Key Exchange Reply, New Keys");
        assert_eq!(info(&[0x8f, 0x12, 0x33, 0x01, 0, 0, 0, 0], Ctx::to(22)), "Client: ");
    }

    /// A context in conversation state `prior`, `last` being the conversation's last word.
    fn in_conv(mut ctx: Ctx, prior: Conv, last: Conv) -> Ctx {
        ctx.prior = Some(prior.0);
        ctx.memo = Some(last.0);
        ctx
    }

    #[test]
    fn the_conversation_names_the_version_and_the_encrypted_packets() {
        let banner = b"SSH-2.0-OpenSSH_7.9\r\n";
        let v2 = Conv(Ssh.learn_in(banner, Ctx::to(22)).unwrap());
        assert_eq!(v2.version(), conv::V2);
        // tshark -2 shows every frame with the version of the whole conversation.
        assert_eq!(Ssh.column_in(b"SSH-2.0-x\r\n", in_conv(Ctx::from(22), Conv::default(), v2)), "SSHv2");
        let none = Conv::default();
        let get = b"GET / HTTP/1.1\r\n\r\n";
        let ctx = in_conv(Ctx::to(22), none, none);
        assert_eq!(Ssh.column_in(get, ctx), "SSH");
        assert_eq!(info(get, ctx), "Client: Encrypted packet (len=18)");
        assert_eq!(values(get, ctx, "ssh.packet_length_encrypted"), ["47455420"]);
        assert_eq!(values(get, ctx, "ssh.encrypted_packet"), [hex(&get[4..])]);
        assert!(values(b"\r\n", ctx, "ssh.encrypted_packet").is_empty(), "no room for a length");
        // The server's banner still reads as one while the version is unknown.
        let ctx = in_conv(Ctx::from(22), none, none);
        assert_eq!(info(b"SSH-2.0-OpenSSH_8.7\r\n", ctx), "Server: Protocol (SSH-2.0-OpenSSH_8.7)");
        assert_eq!(values(b"SSH-2.0-OpenSSH_8.7\r\n", ctx, "ssh.protocol"), ["SSH-2.0-OpenSSH_8.7"]);
    }

    #[test]
    fn tcp_marks_go_after_the_side() {
        let st = Conv(Ssh.learn_in(b"SSH-2.0-a\r\n", Ctx::to(22)).unwrap());
        let st = Conv(Ssh.learn_in(b"SSH-2.0-b\r\n", in_conv(Ctx::from(22), st, st)).unwrap());
        let new_keys = wrap(&[NEWKEYS]);
        let ctx = in_conv(Ctx::to(22), st, st);
        let mut out = String::new();
        Ssh.info_marked(&new_keys, ctx, "[TCP Fast Retransmission] ", &mut out);
        assert_eq!(out, "Client: [TCP Fast Retransmission] , New Keys");
        // After New Keys, without the other side's Key Exchange Init: the length.
        let after = Conv(Ssh.learn_in(&new_keys, ctx).unwrap());
        let ctx = in_conv(Ctx::to(22), after, after);
        let mut out = String::new();
        Ssh.info_marked(&[9; 48], ctx, "[TCP Fast Retransmission] ", &mut out);
        assert_eq!(out, "Client: [TCP Fast Retransmission] , Encrypted packet (len=48)");
        assert_eq!(Ssh.pdu_len_in(&[9; 48], ctx), Some(48));
        let mut out = String::new();
        Ssh.info_marked(&[], ctx, "[TCP Fast Retransmission] ", &mut out);
        assert_eq!(out, "Client: [TCP Fast Retransmission] ");
    }

    #[test]
    fn long_labels_are_cut_as_tshark_cuts_them() {
        let long = "a,".repeat(200);
        let l = label("kex_algorithms string", &long);
        assert!(l.starts_with("kex_algorithms string [truncated]: a,a,"));
        assert_eq!(l.chars().count(), LABEL_MAX - 1);
        assert_eq!(label("t", "v"), "t: v");
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let mut pdu = wrap(&[KEXINIT, 1, 2, 3, 0xff, 0xff, 0xff, 0xff]);
        pdu.extend(wrap(&[KEX_31, 0, 0, 0, 200, 0xff]));
        pdu.extend(b"SSH-");
        for n in 0..=pdu.len() {
            for ctx in [Ctx::to(22), Ctx::from(22)] {
                info(&pdu[..n], ctx);
                for f in 0..FIELDS.len() {
                    Ssh.values(&pdu[..n], ctx, f, &mut Vec::new());
                }
            }
        }
    }
}
