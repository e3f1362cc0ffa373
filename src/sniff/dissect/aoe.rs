//! AoE, ATA over Ethernet (Coraid's "AoE Protocol Definition", revision 11):
//! a disk's ATA commands carried straight in Ethernet frames of EtherType
//! 0x88a2. A 10-byte header (version and flags, error, shelf ("major") and
//! slot ("minor") address, command, tag) is followed, for the Issue ATA Command
//! command, by the ATA registers: flags, error/feature, sector count, command
//! or status, and the LBA. A response carries the request's tag; the request it
//! answers names the ATA command, which the response only has as a status, so
//! the Info column of a response needs the earlier request (the capture state).

use super::dissector::{tree_values, CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt;
use std::fmt::Write as _;

/// The AoE dissector.
pub struct Aoe;

/// AoE's EtherType (AoE Protocol Definition §2).
pub const ETHERTYPE: u16 = 0x88a2;

/// Byte offsets of the common header (§2.1) and of the ATA part (§3.1).
mod at {
    pub const VER_FLAGS: usize = 0;
    pub const ERROR: usize = 1;
    pub const MAJOR: usize = 2;
    pub const MINOR: usize = 4;
    pub const COMMAND: usize = 5;
    pub const TAG: usize = 6;
    /// The end of the common header: the command's own part follows.
    pub const END: usize = 10;
    pub const AFLAGS: usize = 10;
    pub const FEATURE: usize = 11;
    pub const SECTORS: usize = 12;
    pub const ATA_CMD: usize = 13;
    pub const LBA: usize = 14;
    /// The LBA's six bytes (tshark reads eight and shows six).
    pub const LBA_LEN: usize = 6;
    /// The end of the ATA registers as tshark reads them.
    pub const ATA_END: usize = 22;
}

/// The version this decoder knows (§2.1); tshark shows only the version of others.
const VERSION: u8 = 1;
/// The flags of the first byte (§2.1).
const FLAG_RESPONSE: u8 = 0x08;
const FLAG_ERROR: u8 = 0x04;
/// The ATA flags (§3.1): LBA48 extended, device/head, asynchronous, write.
const AFLAG_E: u8 = 0x40;
const AFLAG_D: u8 = 0x10;
const AFLAG_A: u8 = 0x02;
const AFLAG_W: u8 = 0x01;
/// The commands (§2.1).
const CMD_ATA: u8 = 0;
const CMD_CONFIG: u8 = 1;
/// Requests the capture state waits an answer for, at most.
const MAX_PENDING: usize = 4096;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "aoe", ftype: Ftype::Protocol, title: "ATAoverEthernet", base: "" },
    FieldDecl { name: "aoe.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "aoe.response", ftype: Ftype::Boolean, title: "Response flag", base: "8" },
    FieldDecl { name: "aoe.flags_error", ftype: Ftype::Boolean, title: "Error flag", base: "8" },
    FieldDecl { name: "aoe.error", ftype: Ftype::Uint8, title: "Error", base: "BASE_DEC" },
    FieldDecl { name: "aoe.major", ftype: Ftype::Uint16, title: "Major", base: "BASE_HEX" },
    FieldDecl { name: "aoe.minor", ftype: Ftype::Uint8, title: "Minor", base: "BASE_HEX" },
    FieldDecl { name: "aoe.cmd", ftype: Ftype::Uint8, title: "Command", base: "BASE_DEC" },
    FieldDecl { name: "aoe.tag", ftype: Ftype::Uint32, title: "Tag", base: "BASE_HEX" },
    FieldDecl { name: "aoe.aflags.e", ftype: Ftype::Boolean, title: "E", base: "8" },
    FieldDecl { name: "aoe.aflags.d", ftype: Ftype::Boolean, title: "D", base: "8" },
    FieldDecl { name: "aoe.aflags.a", ftype: Ftype::Boolean, title: "A", base: "8" },
    FieldDecl { name: "aoe.aflags.w", ftype: Ftype::Boolean, title: "W", base: "8" },
    FieldDecl { name: "aoe.err_feature", ftype: Ftype::Uint8, title: "Err/Feature", base: "BASE_HEX" },
    FieldDecl { name: "aoe.sector_count", ftype: Ftype::Uint8, title: "Sector Count", base: "BASE_DEC" },
    FieldDecl { name: "aoe.ata.cmd", ftype: Ftype::Uint8, title: "ATA Cmd", base: "BASE_HEX" },
    FieldDecl { name: "aoe.ata.status", ftype: Ftype::Uint8, title: "ATA Status", base: "BASE_HEX" },
    FieldDecl { name: "aoe.lba", ftype: Ftype::Uint64, title: "Lba", base: "BASE_HEX" },
    FieldDecl { name: "aoe.response_to", ftype: Ftype::Framenum, title: "Response To", base: "" },
];

/// Indexes into [`FIELDS`] of what the capture state adds.
mod f {
    pub const ATA_CMD: usize = 15;
    pub const RESPONSE_TO: usize = 18;
}

/// Wireshark's name of an error code (§2.1).
fn error_name(e: u8) -> Option<&'static str> {
    Some(match e {
        1 => "Unrecognized command code",
        2 => "Bad argument parameter",
        3 => "Device unavailable",
        4 => "Config string present",
        5 => "Unsupported version",
        _ => return None,
    })
}

/// Wireshark's name of a command (§2.1).
fn command_name(c: u8) -> Option<&'static str> {
    match c {
        CMD_ATA => Some("Issue ATA Command"),
        CMD_CONFIG => Some("Query Config Information"),
        _ => None,
    }
}

/// Wireshark's name of an ATA command opcode (ATA/ATAPI command set).
fn ata_name(c: u8) -> Option<&'static str> {
    Some(match c {
        0x00 => "NOP",
        0x08 => "Atapi soft reset",
        0x10 => "Recalibrate",
        0x20 => "Read sectors (with retry)",
        0x21 => "Read sectors (no retry)",
        0x22 => "Read long (with retry)",
        0x23 => "Read long (no retry)",
        0x24 => "Read ext",
        0x30 => "Write sectors (with retry)",
        0x31 => "Write sectors (no retry)",
        0x32 => "Write long (with retry)",
        0x33 => "Write long (no retry)",
        0x34 => "Write ext",
        0x3c => "Write verify",
        0x40 => "Read verify sectors (with retry)",
        0x41 => "Read verify sectors (no retry)",
        0x50 => "Format track",
        0x70 => "Seek",
        0x90 => "Execute device diagnostics",
        0x91 => "Initialize device parameters",
        0x92 => "Download microcode",
        0x94 | 0xe0 => "Standy immediate",
        0x95 | 0xe1 => "Idle immediate",
        0x96 | 0xe2 => "Standby",
        0x97 | 0xe3 => "Idle",
        0x98 | 0xe5 => "Check power mode",
        0x99 | 0xe6 => "Sleep",
        0xa0 => "Atapi packet",
        0xa1 => "Atapi identify device",
        0xa2 => "Atapi service",
        0xb0 => "Smart",
        0xc4 => "Read multiple",
        0xc5 => "Write multiple",
        0xc6 => "Set multiple mode",
        0xc8 => "Read dma (with retry)",
        0xc9 => "Read dma (no retry)",
        0xca => "Write dma (with retry)",
        0xcb => "Write dma (no retry)",
        0xde => "Door lock",
        0xdf => "Door unlock",
        0xe4 => "Read buffer",
        0xe8 => "Write buffer",
        0xec => "Identify Device",
        0xed => "Media eject",
        0xee => "Identify device dma",
        0xef => "Set features",
        0xf1 => "Security set password",
        0xf2 => "Security unlock",
        0xf3 => "Security erase prepare",
        0xf4 => "Security erase unit",
        0xf5 => "Security freeze",
        0xf6 => "Security disable password",
        _ => return None,
    })
}

/// An ATA command as the Info column names it.
fn ata_info(out: &mut String, c: u8) {
    let _ = match ata_name(c) {
        Some(n) => write!(out, " ATA:{n}"),
        None => write!(out, " ATA: Unknown ATA<0x{c:02x}>"),
    };
}

/// An ATA command as the tree names it.
fn ata_line(c: u8) -> String {
    format!("{} (0x{c:02x})", ata_name(c).unwrap_or("Unknown"))
}

/// The version (the high nibble of the first byte).
fn version(pdu: &[u8]) -> Option<u8> {
    pdu.first().map(|b| b >> 4)
}

/// Whether the message is a version 1 response.
fn is_response(pdu: &[u8]) -> bool {
    pdu.first().is_some_and(|b| b & FLAG_RESPONSE != 0)
}

/// Whether tshark would run out of bytes decoding the message.
fn cut_short(pdu: &[u8]) -> bool {
    if version(pdu) != Some(VERSION) {
        return pdu.is_empty();
    }
    pdu.len() < at::END || (pdu[at::COMMAND] == CMD_ATA && pdu.len() < at::ATA_END)
}

/// The LBA as tshark reads it: little-endian, 48 bits.
fn lba(b: &[u8]) -> u64 {
    let lo = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let hi = u64::from(u16::from_le_bytes([b[4], b[5]]));
    hi << 32 | lo
}

impl Dissector for Aoe {
    fn name(&self) -> &'static str {
        "aoe"
    }

    fn title(&self) -> &'static str {
        "ATAoverEthernet"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "AoE"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark prints the protocol as a field by its filter name.
    fn label(&self, _pdu: &[u8]) -> String {
        "aoe".to_string()
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if version(pdu) == Some(VERSION) {
            v1_info(pdu, out);
        }
        if cut_short(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        out.at(0).proto("aoe").bytes(o, pdu.len()).line(format_args!("ATAoverEthernet"));
        let Some(v) = version(pdu) else {
            malformed(out, "AoE");
            return;
        };
        out.at(1).field("aoe.version", Ftype::Uint8, v).bytes(o, 1).line(format_args!("Version: {v}"));
        if v == VERSION {
            v1_tree(pdu, o, out);
        }
        if cut_short(pdu) {
            malformed(out, "AoE");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(Pending::default()))
    }

    fn recalled_info(&self, _pdu: &[u8], recall: &Recall, out: &mut String) {
        ata_info(out, recall.bytes[0]);
    }

    fn recalled_tree(&self, recall: &Recall, out: &mut Tree) {
        let (frame, c) = (recall.frame, recall.bytes[0]);
        out.at(1).field("aoe.response_to", Ftype::Framenum, frame).line(format_args!("[Response To: {frame}]"));
        out.at(1)
            .field("aoe.ata.cmd", Ftype::Uint8, Value::hex(u64::from(c), 2))
            .line(format_args!("[ATA Cmd: {}]", ata_line(c)));
    }

    fn recalled_note(&self, recall: &Recall, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = recall.bytes[0];
        write!(
            out,
            "response to the ATA command of frame {} ({}): the tag matches, the response itself only \
             carries the drive's status",
            recall.frame,
            ata_line(c)
        )
    }

    fn recalled_values<'p>(&self, recall: &Recall, field: usize, out: &mut Vec<Value<'p>>) {
        match field {
            f::RESPONSE_TO => out.push(Value::Uint(u64::from(recall.frame))),
            f::ATA_CMD => out.push(Value::hex(u64::from(recall.bytes[0]), 2)),
            _ => {}
        }
    }
}

/// The Info column of a version 1 message, as far as its bytes go.
fn v1_info(pdu: &[u8], out: &mut String) {
    let flags = pdu[at::VER_FLAGS];
    if flags & FLAG_ERROR != 0 {
        let Some(&e) = pdu.get(at::ERROR) else { return };
        let _ = match error_name(e) {
            Some(n) => write!(out, "Error:{n} "),
            None => write!(out, "Error:Unknown error<{e}> "),
        };
    }
    let Some(&cmd) = pdu.get(at::COMMAND) else { return };
    let side = if flags & FLAG_RESPONSE != 0 { "Response" } else { "Request" };
    let _ = match command_name(cmd) {
        Some(n) => write!(out, "{n} {side}"),
        None => write!(out, "Unknown command<{cmd}> {side}"),
    };
    if pdu.len() < at::END {
        return;
    }
    if cmd == CMD_ATA && flags & FLAG_RESPONSE == 0 {
        if let Some(&c) = pdu.get(at::ATA_CMD) {
            ata_info(out, c);
        }
    }
}

/// The header of a version 1 message and its ATA registers.
fn v1_tree(pdu: &[u8], o: usize, out: &mut Tree) {
    let flags = pdu[at::VER_FLAGS];
    let (response, error) = (flags & FLAG_RESPONSE != 0, flags & FLAG_ERROR != 0);
    let side = if response { "Response" } else { "Request" };
    let err = if error { " Error" } else { "" };
    out.at(1).bytes(o, 1).line(format_args!("Flags: {side}{err}"));
    let bit = |v: bool, shift: u32| bit_pattern(u32::from(v), 1, shift, 8);
    out.at(2)
        .field("aoe.response", Ftype::Boolean, u8::from(response))
        .bytes(o, 1)
        .mask(u64::from(FLAG_RESPONSE), u64::from(response))
        .line(format_args!("{} = Response flag: {side}", bit(response, 3)));
    out.at(2)
        .field("aoe.flags_error", Ftype::Boolean, u8::from(error))
        .bytes(o, 1)
        .mask(u64::from(FLAG_ERROR), u64::from(error))
        .line(format_args!("{} = Error flag: {}", bit(error, 2), if error { "Error" } else { "No error" }));
    if error {
        let Some(&e) = pdu.get(at::ERROR) else { return };
        out.at(1)
            .field("aoe.error", Ftype::Uint8, e)
            .bytes(o + at::ERROR, 1)
            .line(format_args!("Error: {} ({e})", error_name(e).unwrap_or("Unknown")));
    }
    let Some(h) = pdu.get(..at::END) else { return };
    let major = be16(h, at::MAJOR);
    out.at(1)
        .field("aoe.major", Ftype::Uint16, Value::hex16(major))
        .bytes(o + at::MAJOR, 2)
        .line(format_args!("Major: 0x{major:04x}"));
    let minor = h[at::MINOR];
    out.at(1)
        .field("aoe.minor", Ftype::Uint8, Value::hex(u64::from(minor), 2))
        .bytes(o + at::MINOR, 1)
        .line(format_args!("Minor: 0x{minor:02x}"));
    let cmd = h[at::COMMAND];
    out.at(1)
        .field("aoe.cmd", Ftype::Uint8, cmd)
        .bytes(o + at::COMMAND, 1)
        .line(format_args!("Command: {} ({cmd})", command_name(cmd).unwrap_or("Unknown")));
    let tag = be32(h, at::TAG);
    out.at(1)
        .field("aoe.tag", Ftype::Uint32, Value::hex(u64::from(tag), 8))
        .bytes(o + at::TAG, 4)
        .line(format_args!("Tag: 0x{tag:08x}"));
    if cmd == CMD_ATA {
        if let Some(a) = pdu.get(at::AFLAGS..at::ATA_END) {
            ata_tree(a, response, o + at::AFLAGS, out);
        }
    }
}

/// The ATA registers (§3.1): flags, error/feature, sector count, command (in a
/// request) or status (in a response), LBA.
fn ata_tree(a: &[u8], response: bool, o: usize, out: &mut Tree) {
    let af = a[0];
    let flag = |out: &mut Tree, name: &'static str, mask: u8, title: &str, yes: &str, no: &str| {
        let set = af & mask != 0;
        let shift = mask.trailing_zeros();
        out.at(1).field(name, Ftype::Boolean, u8::from(set)).bytes(o, 1).mask(u64::from(mask), u64::from(set)).line(
            format_args!("{} = {title}: {}", bit_pattern(u32::from(set), 1, shift, 8), if set { yes } else { no }),
        );
    };
    flag(out, "aoe.aflags.e", AFLAG_E, "E", "LBA48 extended command", "Normal command");
    if af & AFLAG_E != 0 {
        flag(out, "aoe.aflags.d", AFLAG_D, "D", "True", "False");
    }
    if af & AFLAG_W != 0 {
        flag(out, "aoe.aflags.a", AFLAG_A, "A", "ASYNCHRONOUS Write", "synchronous write");
    }
    flag(out, "aoe.aflags.w", AFLAG_W, "W", "WRITE to the device", "No write to device");
    let feature = a[at::FEATURE - at::AFLAGS];
    out.at(1)
        .field("aoe.err_feature", Ftype::Uint8, Value::hex(u64::from(feature), 2))
        .bytes(o + 1, 1)
        .line(format_args!("Err/Feature: 0x{feature:02x}"));
    let sectors = a[at::SECTORS - at::AFLAGS];
    out.at(1)
        .field("aoe.sector_count", Ftype::Uint8, sectors)
        .bytes(o + 2, 1)
        .line(format_args!("Sector Count: {sectors}"));
    let c = a[at::ATA_CMD - at::AFLAGS];
    if response {
        out.at(1)
            .field("aoe.ata.status", Ftype::Uint8, Value::hex(u64::from(c), 2))
            .bytes(o + 3, 1)
            .line(format_args!("ATA Status: 0x{c:02x}"));
    } else {
        out.at(1)
            .field("aoe.ata.cmd", Ftype::Uint8, Value::hex(u64::from(c), 2))
            .bytes(o + 3, 1)
            .line(format_args!("ATA Cmd: {}", ata_line(c)));
    }
    let start = at::LBA - at::AFLAGS;
    let v = lba(&a[start..start + at::LBA_LEN]);
    out.at(1)
        .field("aoe.lba", Ftype::Uint64, Value::hex(v, 16))
        .bytes(o + start, at::LBA_LEN)
        .line(format_args!("Lba: 0x{v:016x}"));
}

/// The ATA requests still waiting for their response, by tag: what a response
/// recalls (the request's frame and ATA command), as tshark matches them.
#[derive(Default)]
struct Pending {
    by_tag: FxHashMap<u32, (u32, u8)>,
}

impl CaptureState for Pending {
    fn frame(&mut self, pdu: &[u8], frame: u32, _secs: i64) -> Option<Recall> {
        if version(pdu) != Some(VERSION) || pdu.len() < at::ATA_END || pdu[at::COMMAND] != CMD_ATA {
            return None;
        }
        let tag = be32(pdu, at::TAG);
        if !is_response(pdu) {
            if self.by_tag.len() >= MAX_PENDING {
                self.by_tag.clear();
            }
            self.by_tag.insert(tag, (frame, pdu[at::ATA_CMD]));
            return None;
        }
        // A response answers the last request with its tag, once.
        let (request, cmd) = self.by_tag.remove(&tag)?;
        let mut bytes = [0; super::dissector::RECALL_BYTES];
        bytes[0] = cmd;
        Some(Recall { frame: request, secs: 0, bytes, flags: 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// AoE_Linux.pcap (tcpdump's tests) frame 4: an Identify Device request
    /// (the AoE part; the frame's padding cut).
    const IDENTIFY: &[u8] = &[
        0x10, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x01, 0xcd, 0x4a, // header
        0x00, 0x00, 0x01, 0xec, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, // ATA
    ];
    /// Frame 5: its response (data cut).
    const IDENTIFIED: &[u8] = &[
        0x18, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x01, 0xcd, 0x4a, // header
        0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, // ATA
    ];
    /// Frame 1: a broadcast Query Config Information request.
    const QUERY: &[u8] = &[0x10, 0x00, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// Frame 3: version 0, of which tshark shows only the version.
    const V0: &[u8] = &[0x08, 0x00, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0x10, 0x40, 0x15];
    /// aoe-oobr-1.pcap: an unknown command.
    const UNKNOWN: &[u8] = &[0x1b, 0x00, 0x40, 0xf6, 0x02, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xff];

    fn info(pdu: &[u8]) -> String {
        info_of(&Aoe, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        values_of(&Aoe, pdu, Ctx::default(), name)
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Aoe.tree(pdu, Ctx::default(), 14, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn info_names_command_side_and_ata_command() {
        assert_eq!(info(QUERY), "Query Config Information Request");
        assert_eq!(info(IDENTIFY), "Issue ATA Command Request ATA:Identify Device");
        assert_eq!(info(IDENTIFIED), "Issue ATA Command Response");
        assert_eq!(info(V0), "");
        assert_eq!(info(UNKNOWN), "Unknown command<3> Response");
        let mut odd = IDENTIFY.to_vec();
        odd[at::ATA_CMD] = 0x01;
        assert_eq!(info(&odd), "Issue ATA Command Request ATA: Unknown ATA<0x01>");
        let mut err = QUERY.to_vec();
        err[0] |= FLAG_ERROR | FLAG_RESPONSE;
        err[1] = 3;
        assert_eq!(info(&err), "Error:Device unavailable Query Config Information Response");
    }

    #[test]
    fn the_tree_in_tsharks_words() {
        let l = lines(IDENTIFY);
        for w in [
            "ATAoverEthernet",
            "Version: 1",
            "Flags: Request",
            ".... 0... = Response flag: Request",
            ".... .0.. = Error flag: No error",
            "Major: 0x0014",
            "Minor: 0x00",
            "Command: Issue ATA Command (0)",
            "Tag: 0x0001cd4a",
            ".0.. .... = E: Normal command",
            ".... ...0 = W: No write to device",
            "Err/Feature: 0x00",
            "Sector Count: 1",
            "ATA Cmd: Identify Device (0xec)",
            "Lba: 0x00000000a0000000",
        ] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert!(lines(IDENTIFIED).contains(&"ATA Status: 0x40".to_string()));
        assert_eq!(lines(V0), ["ATAoverEthernet", "Version: 0"]);
        assert!(lines(UNKNOWN).contains(&"Command: Unknown (3)".to_string()));
        let mut w = IDENTIFY.to_vec();
        w[at::AFLAGS] = AFLAG_E | AFLAG_W;
        let l = lines(&w);
        for s in ["...0 .... = D: False", ".... ..0. = A: synchronous write", ".... ...1 = W: WRITE to the device"] {
            assert!(l.contains(&s.to_string()), "{s}: {l:#?}");
        }
    }

    #[test]
    fn fields_come_from_the_tree() {
        assert_eq!(values(IDENTIFY, "aoe.tag"), ["0x0001cd4a"]);
        assert_eq!(values(IDENTIFY, "aoe.major"), ["0x0014"]);
        assert_eq!(values(IDENTIFY, "aoe.ata.cmd"), ["0xec"]);
        assert_eq!(values(IDENTIFIED, "aoe.ata.cmd"), [""; 0]);
        assert_eq!(values(IDENTIFIED, "aoe.response"), ["1"]);
        assert_eq!(values(IDENTIFY, "aoe.lba"), ["0x00000000a0000000"]);
        assert_eq!(values(QUERY, "aoe.cmd"), ["1"]);
    }

    #[test]
    fn a_response_recalls_its_request_once() {
        let mut s = Pending::default();
        assert_eq!(s.frame(IDENTIFY, 4, 0), None);
        let r = s.frame(IDENTIFIED, 5, 0).unwrap();
        assert_eq!((r.frame, r.bytes[0]), (4, 0xec));
        let mut i = info(IDENTIFIED);
        Aoe.recalled_info(&[], &r, &mut i);
        assert_eq!(i, "Issue ATA Command Response ATA:Identify Device");
        assert_eq!(s.frame(IDENTIFIED, 6, 0), None);
        assert_eq!(s.frame(QUERY, 7, 0), None);
        let mut out = Vec::new();
        Aoe.recalled_values(&r, f::RESPONSE_TO, &mut out);
        assert_eq!(out, [Value::Uint(4)]);
    }

    #[test]
    fn every_truncation_is_malformed_as_tshark_never_a_panic() {
        assert_eq!(info(&IDENTIFY[..12]), "Issue ATA Command Request[Malformed Packet]");
        assert_eq!(info(&IDENTIFY[..15]), "Issue ATA Command Request ATA:Identify Device[Malformed Packet]");
        assert_eq!(info(&QUERY[..4]), "[Malformed Packet]");
        assert!(lines(&QUERY[..4]).contains(&"[Malformed Packet: AoE]".to_string()));
        for pdu in [IDENTIFY, IDENTIFIED, QUERY, V0, UNKNOWN] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let _ = lines(cut);
                let _ = Pending::default().frame(cut, 1, 0);
                for f in 1..FIELDS.len() {
                    Aoe.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
    }
}
