//! TFTP, the Trivial File Transfer Protocol (RFC 1350, options RFC 2347): a
//! client asks for a file on UDP 69 (a read or write request naming the file
//! and the transfer mode), and the transfer then runs between the client's
//! port and a fresh port of the server (RFC 1350 §4): blocks of 512 bytes, each
//! acknowledged, the last one shorter. tshark follows the transfer by its
//! conversation; so does socklab, through [`Dissector::expects`]: the request
//! announces the client's port, and the datagrams to and from it are TFTP.

use super::data::data_at;
use super::dissector::{tree_values, Claim, Ctx, Dissector, Expect, FieldDecl, Host};
use super::frame::malformed;
use crate::proto::bytes::be16_at;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The TFTP dissector.
pub struct Tftp;

/// TFTP's UDP port (RFC 1350 §4).
const UDP_PORT: u16 = 69;

/// Opcodes (RFC 1350 §5, RFC 2347).
mod op {
    pub const RRQ: u16 = 1;
    pub const WRQ: u16 = 2;
    pub const DATA: u16 = 3;
    pub const ACK: u16 = 4;
    pub const ERROR: u16 = 5;
    pub const OACK: u16 = 6;
}

/// The block size without a `blksize` option (RFC 1350 §2): a shorter block is the last.
const BLOCK_SIZE: usize = 512;

/// Where the fields after the opcode start.
const BODY: usize = 2;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "tftp", ftype: Ftype::Protocol, title: "Trivial File Transfer Protocol", base: "" },
    FieldDecl { name: "tftp.opcode", ftype: Ftype::Uint16, title: "Opcode", base: "BASE_DEC" },
    FieldDecl { name: "tftp.source_file", ftype: Ftype::String, title: "Source File", base: "" },
    FieldDecl { name: "tftp.destination_file", ftype: Ftype::String, title: "Destination File", base: "" },
    FieldDecl { name: "tftp.type", ftype: Ftype::String, title: "Type", base: "" },
    FieldDecl { name: "tftp.block", ftype: Ftype::Uint16, title: "Block", base: "BASE_DEC" },
    FieldDecl { name: "tftp.error.code", ftype: Ftype::Uint16, title: "Error code", base: "BASE_DEC" },
    FieldDecl { name: "tftp.error.message", ftype: Ftype::String, title: "Error message", base: "" },
];

/// Wireshark's name of an opcode.
fn opcode_name(op: u16) -> &'static str {
    match op {
        op::RRQ => "Read Request",
        op::WRQ => "Write Request",
        op::DATA => "Data Packet",
        op::ACK => "Acknowledgement",
        op::ERROR => "Error Code",
        op::OACK => "Option Acknowledgement",
        _ => "Unknown",
    }
}

/// Wireshark's name of an error code (RFC 1350 §5, RFC 2347).
fn error_name(c: u16) -> &'static str {
    match c {
        0 => "Not defined",
        1 => "File not found",
        2 => "Access violation",
        3 => "Disk full or allocation exceeded",
        4 => "Illegal TFTP Operation",
        5 => "Unknown transfer ID",
        6 => "File already exists",
        7 => "No such user",
        8 => "Option negotiation failed",
        _ => "Unknown",
    }
}

/// The NUL-terminated string at `at` and where the next field starts; `None`
/// when the bytes end before its NUL.
fn string_at(pdu: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let rest = pdu.get(at..)?;
    let n = rest.iter().position(|&b| b == 0)?;
    Some((&rest[..n], at + n + 1))
}

/// The option pairs of a request or an OACK (RFC 2347), from `at` on.
fn options(pdu: &[u8], mut at: usize) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    while let Some((name, next)) = string_at(pdu, at) {
        let Some((value, after)) = string_at(pdu, next) else { break };
        out.push((name, value));
        at = after;
    }
    out
}

impl Dissector for Tftp {
    fn name(&self) -> &'static str {
        "tftp"
    }

    fn title(&self) -> &'static str {
        "Trivial File Transfer Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "TFTP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn protocols(&self, pdu: &[u8]) -> &'static str {
        match be16_at(pdu, 0) {
            Some(op::DATA) if pdu.len() > BODY + 2 => "tftp:data",
            _ => "tftp",
        }
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(op) = be16_at(pdu, 0) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        out.push_str(opcode_name(op));
        match op {
            op::RRQ | op::WRQ => {
                let Some((file, next)) = string_at(pdu, BODY) else { return };
                let _ = write!(out, ", File: {}", String::from_utf8_lossy(file));
                let Some((mode, next)) = string_at(pdu, next) else { return };
                let _ = write!(out, ", Transfer type: {}", String::from_utf8_lossy(mode));
                for (name, value) in options(pdu, next) {
                    let _ = write!(out, ", {}={}", String::from_utf8_lossy(name), String::from_utf8_lossy(value));
                }
            }
            op::DATA | op::ACK => match be16_at(pdu, BODY) {
                Some(block) => {
                    let _ = write!(out, ", Block: {block}");
                    if op == op::DATA && pdu.len() - BODY - 2 < BLOCK_SIZE {
                        out.push_str(" (last)");
                    }
                }
                None => out.push_str("[Malformed Packet]"),
            },
            op::ERROR => {
                let Some(code) = be16_at(pdu, BODY) else { return };
                let _ = write!(out, ", Code: {}", error_name(code));
                if let Some((msg, _)) = string_at(pdu, BODY + 2) {
                    let _ = write!(out, ", Message: {}", String::from_utf8_lossy(msg));
                }
            }
            op::OACK => {
                for (name, value) in options(pdu, BODY) {
                    let _ = write!(out, ", {}={}", String::from_utf8_lossy(name), String::from_utf8_lossy(value));
                }
            }
            _ => {}
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("tftp").bytes(o, pdu.len()).line(format_args!("{}", self.title()));
        let Some(op) = be16_at(pdu, 0) else {
            malformed(t, "TFTP");
            return;
        };
        t.at(1)
            .field("tftp.opcode", Ftype::Uint16, op)
            .bytes(o, 2)
            .line(format_args!("Opcode: {} ({op})", opcode_name(op)));
        match op {
            op::RRQ | op::WRQ => request_tree(pdu, op, o, t),
            op::DATA | op::ACK => {
                let Some(block) = be16_at(pdu, BODY) else {
                    malformed(t, "TFTP");
                    return;
                };
                t.at(1)
                    .field("tftp.block", Ftype::Uint16, block)
                    .bytes(o + BODY, 2)
                    .line(format_args!("Block: {block}"));
                let rest = &pdu[BODY + 2..];
                if op == op::DATA && !rest.is_empty() {
                    data_at(t, Some(o + BODY + 2), rest, 0);
                }
            }
            op::ERROR => {
                let Some(code) = be16_at(pdu, BODY) else { return };
                t.at(1)
                    .field("tftp.error.code", Ftype::Uint16, code)
                    .bytes(o + BODY, 2)
                    .line(format_args!("Error code: {} ({code})", error_name(code)));
                if let Some((msg, end)) = string_at(pdu, BODY + 2) {
                    let msg = String::from_utf8_lossy(msg);
                    t.at(1)
                        .field("tftp.error.message", Ftype::String, &msg)
                        .bytes(o + BODY + 2, end - BODY - 2)
                        .line(format_args!("Error message: {msg}"));
                }
            }
            _ => {}
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }

    /// A read or write request sent to port 69 announces the transfer: the
    /// client's port, with any port of the server (RFC 1350 §4).
    fn expects(&self, pdu: &[u8], ctx: Ctx) -> Option<Expect> {
        let op = be16_at(pdu, 0)?;
        if !(op == op::RRQ || op == op::WRQ) || !ctx.to_port || ctx.port != Some(UDP_PORT) {
            return None;
        }
        Some(Expect { host: Host::Sender, port: ctx.peer?, peer: Host::Receiver, protocol: "tftp", method: "TFTP" })
    }
}

/// A read or write request's file name and mode (RFC 1350 §5); the packet
/// cut before their ends is malformed.
fn request_tree(pdu: &[u8], op: u16, o: usize, t: &mut Tree) {
    let (name, title) =
        if op == op::RRQ { ("tftp.source_file", "Source File") } else { ("tftp.destination_file", "Destination File") };
    let Some((file, next)) = string_at(pdu, BODY) else { return };
    let file = String::from_utf8_lossy(file);
    t.at(1).field(name, Ftype::String, &file).bytes(o + BODY, next - BODY).line(format_args!("{title}: {file}"));
    let Some((mode, end)) = string_at(pdu, next) else { return };
    let mode = String::from_utf8_lossy(mode);
    t.at(1).field("tftp.type", Ftype::String, &mode).bytes(o + next, end - next).line(format_args!("Type: {mode}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// tftp.pcap frame 1: a read request for `file1` in octet mode.
    const RRQ: &[u8] = b"\0\x01file1\0octet\0";

    #[test]
    fn info_as_tshark_writes_it() {
        assert_eq!(info_of(&Tftp, RRQ, Ctx::to(69)), "Read Request, File: file1, Transfer type: octet");
        let mut data = vec![0, 3, 0, 1];
        data.extend([b'x'; BLOCK_SIZE]);
        assert_eq!(info_of(&Tftp, &data, Ctx::default()), "Data Packet, Block: 1");
        data.truncate(100);
        assert_eq!(info_of(&Tftp, &data, Ctx::default()), "Data Packet, Block: 1 (last)");
        assert_eq!(Tftp.protocols(&data), "tftp:data");
        assert_eq!(info_of(&Tftp, &[0, 4, 0, 3], Ctx::default()), "Acknowledgement, Block: 3");
        assert_eq!(
            info_of(&Tftp, b"\0\x05\0\x01nope\0", Ctx::default()),
            "Error Code, Code: File not found, Message: nope"
        );
        assert_eq!(info_of(&Tftp, b"\0\x06blksize\x001432\0", Ctx::default()), "Option Acknowledgement, blksize=1432");
    }

    #[test]
    fn a_request_to_port_69_announces_the_transfer() {
        let ctx = Ctx { peer: Some(57509), ..Ctx::to(69) };
        let e = Tftp.expects(RRQ, ctx).unwrap();
        assert_eq!((e.host, e.port, e.peer, e.protocol), (Host::Sender, 57509, Host::Receiver, "tftp"));
        assert_eq!(Tftp.expects(RRQ, Ctx::from(69)), None);
        assert_eq!(Tftp.expects(&[0, 4, 0, 1], ctx), None);
    }

    #[test]
    fn cut_requests_never_panic() {
        for n in 0..RRQ.len() {
            let _ = info_of(&Tftp, &RRQ[..n], Ctx::default());
            Tftp.tree(&RRQ[..n], Ctx::default(), 0, &mut Tree::new());
        }
        assert_eq!(info_of(&Tftp, &RRQ[..9], Ctx::default()), "Read Request, File: file1");
        assert_eq!(info_of(&Tftp, &[0], Ctx::default()), "[Malformed Packet]");
    }
}
