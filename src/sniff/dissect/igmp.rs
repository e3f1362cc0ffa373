//! IGMP, how IPv4 hosts join and leave multicast groups: version 1 (RFC 1112
//! appendix I), version 2 (RFC 2236 §2) and version 3 (RFC 3376 §4), told apart as
//! RFC 3376 §7.1 says: a query of 8 bytes is v1 when its Max Resp Time is 0 and
//! v2 otherwise, one of 12 bytes or more is v3; reports and leaves have types of
//! their own. Type 0x14 (PIMv1) is handed to [`super::pim`]; other types that belong to
//! other protocols (DVMRP, mtrace…) are shown as tshark shows a type it does not know.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be16;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::checksum_status;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The IGMP dissector.
pub struct Igmp;

/// IGMP's IP protocol number (IANA).
const IP_PROTO: u8 = 2;

/// Message types (RFC 3376 §4 and appendix; RFC 2236 §2.1; RFC 1112).
mod ty {
    /// Membership Query, every version.
    pub const QUERY: u8 = 0x11;
    /// Version 1 Membership Report.
    pub const V1_REPORT: u8 = 0x12;
    /// Version 2 Membership Report.
    pub const V2_REPORT: u8 = 0x16;
    /// Version 2 Leave Group.
    pub const V2_LEAVE: u8 = 0x17;
    /// Version 3 Membership Report.
    pub const V3_REPORT: u8 = 0x22;
}

/// Byte offsets of the fields (RFC 3376 §4.1 and §4.2).
mod field {
    /// Type.
    pub const TYPE: usize = 0;
    /// Max Resp Code (v1: unused).
    pub const MAX_RESP: usize = 1;
    /// Checksum.
    pub const CHECKSUM: usize = 2;
    /// Group Address (v1, v2, v3 query).
    pub const GROUP: usize = 4;
    /// v3 query: Resv, S flag and QRV.
    pub const S_QRV: usize = 8;
    /// v3 query: QQIC.
    pub const QQIC: usize = 9;
    /// v3 query: Number of Sources.
    pub const NUM_SRC: usize = 10;
    /// v3 query: the first source address.
    pub const SOURCES: usize = 12;
    /// v3 report: reserved bytes after the checksum.
    pub const REPORT_RESERVED: usize = 4;
    /// v3 report: Number of Group Records.
    pub const NUM_RECORDS: usize = 6;
    /// v3 report: the first group record.
    pub const RECORDS: usize = 8;
}

/// A v1/v2 message, and the fixed part of a v3 query.
const HEADER_LEN: usize = 8;
/// A v3 query without sources.
const V3_QUERY_LEN: usize = 12;
/// A group record without sources and auxiliary data (RFC 3376 §4.2.4).
const RECORD_LEN: usize = 8;
/// The S (suppress router-side processing) flag and the QRV bits.
const S_FLAG: u8 = 0x08;
const QRV_MASK: u8 = 0x07;
/// A Max Resp Code or QQIC of 128 or more is a float: exponent and mantissa (RFC 3376 §4.1.1).
const FLOAT_CODE: u8 = 0x80;
const EXP_MASK: u8 = 0x70;
const MANT_MASK: u8 = 0x0f;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "igmp", ftype: Ftype::Protocol, title: "Internet Group Management Protocol", base: "" },
    FieldDecl { name: "igmp.version", ftype: Ftype::Uint8, title: "IGMP Version", base: "BASE_DEC" },
    FieldDecl { name: "igmp.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_HEX" },
    FieldDecl { name: "igmp.max_resp", ftype: Ftype::Uint8, title: "Max Resp Time", base: "BASE_DEC" },
    FieldDecl { name: "igmp.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "igmp.checksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
    FieldDecl { name: "igmp.maddr", ftype: Ftype::Ipv4, title: "Multicast Address", base: "" },
    FieldDecl { name: "igmp.s", ftype: Ftype::Boolean, title: "S", base: "8" },
    FieldDecl { name: "igmp.qrv", ftype: Ftype::Uint8, title: "QRV", base: "BASE_DEC" },
    FieldDecl { name: "igmp.qqic", ftype: Ftype::Uint8, title: "QQIC", base: "BASE_DEC" },
    FieldDecl { name: "igmp.num_src", ftype: Ftype::Uint16, title: "Num Src", base: "BASE_DEC" },
    FieldDecl { name: "igmp.saddr", ftype: Ftype::Ipv4, title: "Source Address", base: "" },
    FieldDecl { name: "igmp.num_grp_recs", ftype: Ftype::Uint16, title: "Num Group Records", base: "BASE_DEC" },
    FieldDecl { name: "igmp.record_type", ftype: Ftype::Uint8, title: "Record Type", base: "BASE_DEC" },
    FieldDecl { name: "igmp.aux_data_len", ftype: Ftype::Uint8, title: "Aux Data Len", base: "BASE_DEC" },
    FieldDecl { name: "igmp.reserved", ftype: Ftype::Bytes, title: "Reserved", base: "" },
];

/// Indexes into [`FIELDS`].
mod f {
    pub const VERSION: usize = 1;
    pub const TYPE: usize = 2;
    pub const MAX_RESP: usize = 3;
    pub const CHECKSUM: usize = 4;
    pub const STATUS: usize = 5;
    pub const MADDR: usize = 6;
    pub const S: usize = 7;
    pub const QRV: usize = 8;
    pub const QQIC: usize = 9;
    pub const NUM_SRC: usize = 10;
    pub const SADDR: usize = 11;
    pub const NUM_RECORDS: usize = 12;
    pub const RECORD_TYPE: usize = 13;
    pub const AUX_LEN: usize = 14;
    pub const RESERVED: usize = 15;
}

/// The version a message belongs to, or `None` for a type IGMP does not define.
fn version(pdu: &[u8]) -> Option<u8> {
    let max_resp = pdu.get(field::MAX_RESP).copied().unwrap_or(0);
    match *pdu.first()? {
        ty::QUERY if pdu.len() >= V3_QUERY_LEN => Some(3),
        ty::QUERY if max_resp != 0 => Some(2),
        ty::QUERY | ty::V1_REPORT => Some(1),
        ty::V2_REPORT | ty::V2_LEAVE => Some(2),
        ty::V3_REPORT => Some(3),
        _ => None,
    }
}

/// Wireshark's name of a message type.
fn type_name(t: u8) -> &'static str {
    match t {
        ty::QUERY => "Membership Query",
        ty::V1_REPORT | ty::V2_REPORT | ty::V3_REPORT => "Membership Report",
        ty::V2_LEAVE => "Leave Group",
        _ => "Unknown",
    }
}

/// Wireshark's name of a v3 group record type (RFC 3376 §4.2.12).
fn record_type_name(t: u8) -> &'static str {
    match t {
        1 => "Mode Is Include",
        2 => "Mode Is Exclude",
        3 => "Change To Include Mode",
        4 => "Change To Exclude Mode",
        5 => "Allow New Sources",
        6 => "Block Old Sources",
        _ => "Unknown",
    }
}

/// A Max Resp Code in tenths of a second: in v3, codes of 128 and more are a
/// mantissa shifted by an exponent (RFC 3376 §4.1.1). tshark shows QQIC as is.
fn code_value(code: u8, v3: bool) -> u32 {
    if !v3 || code < FLOAT_CODE {
        return u32::from(code);
    }
    let exp = u32::from((code & EXP_MASK) >> 4);
    (u32::from(code & MANT_MASK) | 0x10) << (exp + 3)
}

/// The IPv4 address at `at`, if the message holds it.
fn addr(pdu: &[u8], at: usize) -> Option<Ipv4Addr> {
    let b: [u8; 4] = pdu.get(at..at + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(b))
}

/// A v3 group record: where it starts, its type, auxiliary length, group and sources.
struct Record<'a> {
    at: usize,
    kind: u8,
    aux_len: u8,
    group: Ipv4Addr,
    sources: &'a [u8],
}

impl Record<'_> {
    /// Its length in the message.
    fn len(&self) -> usize {
        RECORD_LEN + self.sources.len() + 4 * usize::from(self.aux_len)
    }

    /// The source addresses.
    fn sources(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.sources.chunks_exact(4).map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
    }
}

/// The group records of a v3 report that the message holds whole, and whether
/// it holds every record its count announces.
fn records(pdu: &[u8]) -> (Vec<Record<'_>>, bool) {
    let count = pdu.get(field::NUM_RECORDS..field::RECORDS).map_or(0, |b| be16(b, 0));
    let mut out = Vec::new();
    let mut at = field::RECORDS;
    for _ in 0..count {
        let Some(head) = pdu.get(at..at + RECORD_LEN) else { return (out, false) };
        let n = usize::from(be16(head, 2));
        let Some(sources) = pdu.get(at + RECORD_LEN..at + RECORD_LEN + 4 * n) else { return (out, false) };
        let r = Record {
            at,
            kind: head[0],
            aux_len: head[1],
            group: Ipv4Addr::new(head[4], head[5], head[6], head[7]),
            sources,
        };
        if pdu.len() < at + r.len() {
            return (out, false);
        }
        at += r.len();
        out.push(r);
    }
    (out, pdu.len() >= field::RECORDS)
}

/// Whether the message is shorter than its version's fixed part.
fn cut_short(pdu: &[u8], version: u8) -> bool {
    match (version, pdu.first().copied()) {
        (3, Some(ty::QUERY)) => {
            let n = pdu.get(field::NUM_SRC..field::SOURCES).map_or(0, |b| usize::from(be16(b, 0)));
            pdu.len() < V3_QUERY_LEN + 4 * n
        }
        (3, _) => !records(pdu).1,
        _ => pdu.len() < HEADER_LEN,
    }
}

/// `{a, b}`: addresses as tshark lists them in the Info column.
fn address_set(out: &mut String, addrs: impl Iterator<Item = Ipv4Addr>) {
    out.push('{');
    for (i, a) in addrs.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{a}");
    }
    out.push('}');
}

/// One v3 group record in the Info column, in tshark's words.
fn record_info(out: &mut String, r: &Record<'_>) {
    let n = r.sources.len() / 4;
    let g = r.group;
    let _ = match (r.kind, n) {
        (1 | 3, 0) => write!(out, " / Leave group {g}"),
        (1 | 3, 1) => write!(out, " / Join group {g} for source "),
        (1 | 3, _) => write!(out, " / Join group {g} for sources in "),
        (2 | 4, 0) => write!(out, " / Join group {g} for any sources"),
        (2 | 4, 1) => write!(out, " / Join group {g}, for source not "),
        (2 | 4, _) => write!(out, " / Join group {g}, for sources not in "),
        (5, 0) => write!(out, " / Group {g}, ALLOW_NEW_SOURCES but no source specified (?)"),
        (5, 1) => write!(out, " / Group {g}, new source "),
        (5, _) => write!(out, " / Group {g}, new sources "),
        (6, 0) => write!(out, " / Group {g}, BLOCK_OLD_SOURCES but no source specified (?)"),
        (6, 1) => write!(out, " / Group {g}, block source "),
        (6, _) => write!(out, " / Group {g}, block sources "),
        (_, 0) => write!(out, " / Group {g}, unknown record type (?)"),
        (_, _) => write!(out, " / Group {g}, unknown record type (?), sources "),
    };
    if n > 0 {
        address_set(out, r.sources());
    }
}

impl Dissector for Igmp {
    fn name(&self) -> &'static str {
        "igmp"
    }

    fn title(&self) -> &'static str {
        "Internet Group Management Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match version(pdu) {
            Some(1) => "IGMPv1",
            Some(2) => "IGMPv2",
            Some(3) => "IGMPv3",
            _ => "IGMP",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// Type 0x14 is PIMv1, which tshark's IGMP dissector gives to PIM's.
    fn hands_over(&self, pdu: &[u8]) -> Option<&'static str> {
        (pdu.first() == Some(&super::pim::v1::IGMP_TYPE)).then_some("pim")
    }

    /// tshark's IGMP dissector hands a message of a known version to the
    /// dissector of that version, which names IGMP again.
    fn protocols(&self, pdu: &[u8]) -> &'static str {
        match version(pdu) {
            Some(_) => "igmp:igmp",
            None => "igmp",
        }
    }

    /// tshark prints the protocol's filter name for `-e igmp`.
    fn label(&self, _pdu: &[u8]) -> String {
        self.name().to_string()
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(t) = pdu.first().copied() else { return };
        let Some(v) = version(pdu) else {
            let _ = write!(out, "Unknown Type:0x{t:02x}");
            return;
        };
        out.push_str(type_name(t));
        let group = addr(pdu, field::GROUP);
        match (t, v) {
            (ty::QUERY, 2 | 3) => match group {
                Some(g) if !g.is_unspecified() => {
                    let _ = write!(out, ", specific for group {g}");
                }
                _ => out.push_str(", general"),
            },
            (ty::V2_REPORT, _) => {
                let _ = group.map(|g| write!(out, " group {g}"));
            }
            (ty::V2_LEAVE, _) => {
                let _ = group.map(|g| write!(out, " {g}"));
            }
            (ty::V3_REPORT, _) => records(pdu).0.iter().for_each(|r| record_info(out, r)),
            _ => {}
        }
        if (t, v) == (ty::QUERY, 3) {
            let n = pdu.get(field::NUM_SRC..field::SOURCES).map_or(0, |b| usize::from(be16(b, 0)));
            let sources = pdu.get(field::SOURCES..field::SOURCES + 4 * n).unwrap_or_default();
            if !sources.is_empty() {
                out.push_str(if n == 1 { ", source " } else { ", sources " });
                address_set(out, sources.chunks_exact(4).map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3])));
            }
        }
        if cut_short(pdu, v) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let Some(&t) = pdu.first() else { return };
        out.at(0).proto("igmp").bytes(o, pdu.len()).line(format_args!("Internet Group Management Protocol"));
        let Some(v) = version(pdu) else {
            type_item(out, o, t);
            let data = &pdu[1..];
            out.at(1)
                .field("igmp.data", Ftype::Bytes, Mac(data))
                .bytes(o + 1, data.len())
                .line(format_args!("Data: {}", Hex(data)));
            return;
        };
        out.at(1).field("igmp.version", Ftype::Uint8, v).line(format_args!("[IGMP Version: {v}]"));
        type_item(out, o, t);
        let complete = match (t, v) {
            (ty::V3_REPORT, _) => v3_report(out, pdu, o),
            (ty::QUERY, 3) => v3_query(out, pdu, o),
            _ => v1_v2(out, pdu, o, v),
        };
        if !complete {
            malformed(out, "IGMP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(v) = version(pdu) else {
            if field == f::TYPE {
                out.extend(pdu.first().map(|&t| Value::Hex { value: u64::from(t), digits: 2 }));
            }
            return;
        };
        let t = pdu[field::TYPE];
        let v3_query = (t, v) == (ty::QUERY, 3);
        let u8_at = |at: usize| pdu.get(at).copied();
        match field {
            f::VERSION => out.push(Value::Uint(u64::from(v))),
            f::TYPE => out.push(Value::Hex { value: u64::from(t), digits: 2 }),
            f::MAX_RESP if v != 1 && t != ty::V3_REPORT => {
                out.extend(u8_at(field::MAX_RESP).map(|c| Value::Uint(u64::from(code_value(c, v == 3)))))
            }
            f::CHECKSUM => out.extend(
                pdu.get(field::CHECKSUM..field::GROUP).map(|b| Value::Hex { value: u64::from(be16(b, 0)), digits: 4 }),
            ),
            f::STATUS if pdu.len() >= field::GROUP => out.push(Value::Uint(u64::from(status(pdu)))),
            f::MADDR if t == ty::V3_REPORT => out.extend(records(pdu).0.iter().map(|r| Value::Ip(r.group.into()))),
            f::MADDR => out.extend(addr(pdu, field::GROUP).map(|a| Value::Ip(a.into()))),
            f::S if v3_query => out.extend(u8_at(field::S_QRV).map(|b| Value::Bool(b & S_FLAG != 0))),
            f::QRV if v3_query => out.extend(u8_at(field::S_QRV).map(|b| Value::Uint(u64::from(b & QRV_MASK)))),
            f::QQIC if v3_query => out.extend(u8_at(field::QQIC).map(|c| Value::Uint(u64::from(c)))),
            f::NUM_SRC if v3_query => {
                out.extend(pdu.get(field::NUM_SRC..field::SOURCES).map(|b| Value::Uint(u64::from(be16(b, 0)))))
            }
            f::NUM_SRC if t == ty::V3_REPORT => {
                out.extend(records(pdu).0.iter().map(|r| Value::Uint((r.sources.len() / 4) as u64)))
            }
            f::SADDR if v3_query => {
                let n = pdu.get(field::NUM_SRC..field::SOURCES).map_or(0, |b| usize::from(be16(b, 0)));
                let sources = pdu.get(field::SOURCES..).unwrap_or_default();
                out.extend(
                    sources.chunks_exact(4).take(n).map(|c| Value::Ip(Ipv4Addr::new(c[0], c[1], c[2], c[3]).into())),
                )
            }
            f::SADDR if t == ty::V3_REPORT => out.extend(
                records(pdu).0.iter().flat_map(|r| r.sources().collect::<Vec<_>>()).map(|a| Value::Ip(a.into())),
            ),
            f::NUM_RECORDS if t == ty::V3_REPORT => {
                out.extend(pdu.get(field::NUM_RECORDS..field::RECORDS).map(|b| Value::Uint(u64::from(be16(b, 0)))))
            }
            f::RECORD_TYPE => out.extend(records_of(t, pdu).iter().map(|r| Value::Uint(u64::from(r.kind)))),
            f::AUX_LEN => out.extend(records_of(t, pdu).iter().map(|r| Value::Uint(u64::from(r.aux_len)))),
            f::RESERVED if v == 1 && t != ty::V3_REPORT => out
                .extend(pdu.get(field::MAX_RESP..field::CHECKSUM).map(|b| Value::Str(Cow::Owned(Hex(b).to_string())))),
            f::RESERVED if t == ty::V3_REPORT => {
                let parts = [field::MAX_RESP..field::CHECKSUM, field::REPORT_RESERVED..field::NUM_RECORDS];
                out.extend(
                    parts.into_iter().filter_map(|r| pdu.get(r)).map(|b| Value::Str(Cow::Owned(Hex(b).to_string()))),
                )
            }
            _ => {}
        }
    }
}

/// The group records of a v3 report (none for other types).
fn records_of(t: u8, pdu: &[u8]) -> Vec<Record<'_>> {
    if t == ty::V3_REPORT {
        records(pdu).0
    } else {
        Vec::new()
    }
}

/// The checksum status: whether the Internet checksum over the message is right.
fn status(pdu: &[u8]) -> u8 {
    if internet_checksum(&[pdu]) == 0 {
        checksum_status::GOOD
    } else {
        checksum_status::BAD
    }
}

/// `Type: Membership Query (0x11)`.
fn type_item(out: &mut Tree, o: usize, t: u8) {
    out.at(1)
        .field("igmp.type", Ftype::Uint8, Value::Hex { value: u64::from(t), digits: 2 })
        .bytes(o + field::TYPE, 1)
        .line(format_args!("Type: {} (0x{t:02x})", type_name(t)));
}

/// The checksum and its status; false when the message ends before it.
fn checksum(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let Some(b) = pdu.get(field::CHECKSUM..field::GROUP) else { return false };
    let sum = be16(b, 0);
    let item = out.at(1).field("igmp.checksum", Ftype::Uint16, Value::Hex { value: u64::from(sum), digits: 4 });
    let item = item.bytes(o + field::CHECKSUM, 2);
    let good = status(pdu) == checksum_status::GOOD;
    if good {
        item.line(format_args!("Checksum: 0x{sum:04x} [correct]"));
    } else {
        let mut zeroed = pdu.to_vec();
        zeroed[field::CHECKSUM..field::GROUP].fill(0);
        let want = internet_checksum(&[&zeroed]);
        item.line(format_args!("Checksum: 0x{sum:04x} incorrect, should be 0x{want:04x}"));
        let msg = format!("Bad checksum [should be 0x{want:04x}]");
        out.expert(2, "igmp.bad_checksum", Severity::Error, Group::Checksum, &msg);
    }
    let (code, word) = if good { (checksum_status::GOOD, "Good") } else { (checksum_status::BAD, "Bad") };
    out.at(1).field("igmp.checksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: {word}]"));
    true
}

/// A Max Resp Code item: `Max Resp Time: 10.0 sec (0x64)`, with the exponent and
/// mantissa of a v3 float code.
fn max_resp(out: &mut Tree, pdu: &[u8], o: usize, v3: bool) -> bool {
    let Some(&code) = pdu.get(field::MAX_RESP) else { return false };
    let tenths = code_value(code, v3);
    out.at(1).field("igmp.max_resp", Ftype::Uint8, tenths).bytes(o + field::MAX_RESP, 1).line(format_args!(
        "Max Resp Time: {}.{} sec (0x{code:02x})",
        tenths / 10,
        tenths % 10
    ));
    if v3 && code >= FLOAT_CODE {
        let exp = (code & EXP_MASK) >> 4;
        out.at(2)
            .field("igmp.max_resp.exp", Ftype::Uint8, Value::Hex { value: u64::from(exp), digits: 2 })
            .bytes(o + field::MAX_RESP, 1)
            .mask(u64::from(EXP_MASK), u64::from(exp))
            .line(format_args!(".{:03b} .... = Exponent: 0x{exp:x}", exp));
        let mant = code & MANT_MASK;
        out.at(2)
            .field("igmp.max_resp.mant", Ftype::Uint8, Value::Hex { value: u64::from(mant), digits: 2 })
            .bytes(o + field::MAX_RESP, 1)
            .mask(u64::from(MANT_MASK), u64::from(mant))
            .line(format_args!(".... {:04b} = Mantissa: 0x{mant:x}", mant));
    }
    true
}

/// A `Multicast Address` item at `at`; false when the message ends before it.
fn group(out: &mut Tree, pdu: &[u8], o: usize, at: usize, depth: usize) -> bool {
    let Some(a) = addr(pdu, at) else { return false };
    out.at(depth).field("igmp.maddr", Ftype::Ipv4, a).bytes(o + at, 4).line(format_args!("Multicast Address: {a}"));
    true
}

/// `Reserved: 00…` over `len` bytes at `at`.
fn reserved(out: &mut Tree, pdu: &[u8], o: usize, at: usize, len: usize) -> bool {
    let Some(b) = pdu.get(at..at + len) else { return false };
    out.at(1)
        .field("igmp.reserved", Ftype::Bytes, Mac(b))
        .bytes(o + at, len)
        .line(format_args!("Reserved: {}", Hex(b)));
    true
}

/// A v1 or v2 message (RFC 1112, RFC 2236 §2); false when it is cut short.
fn v1_v2(out: &mut Tree, pdu: &[u8], o: usize, v: u8) -> bool {
    let head = if v == 1 { reserved(out, pdu, o, field::MAX_RESP, 1) } else { max_resp(out, pdu, o, false) };
    head && checksum(out, pdu, o) && group(out, pdu, o, field::GROUP, 1)
}

/// A v3 query (RFC 3376 §4.1); false when it is cut short.
fn v3_query(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    // A v3 query is 12 bytes or more (see `version`): its fixed part is all there.
    max_resp(out, pdu, o, true);
    checksum(out, pdu, o);
    group(out, pdu, o, field::GROUP, 1);
    let b = pdu[field::S_QRV];
    let s = b & S_FLAG != 0;
    out.at(1)
        .field("igmp.s", Ftype::Boolean, u8::from(s))
        .bytes(o + field::S_QRV, 1)
        .mask(u64::from(S_FLAG), u64::from(s))
        .line(format_args!(
            ".... {}... = S: {}",
            u8::from(s),
            if s { "SUPPRESS router side processing" } else { "Do not suppress router side processing" }
        ));
    let qrv = b & QRV_MASK;
    out.at(1)
        .field("igmp.qrv", Ftype::Uint8, qrv)
        .bytes(o + field::S_QRV, 1)
        .mask(u64::from(QRV_MASK), u64::from(qrv))
        .line(format_args!(".... .{qrv:03b} = QRV: {qrv}"));
    let qqic = pdu[field::QQIC];
    out.at(1).field("igmp.qqic", Ftype::Uint8, qqic).bytes(o + field::QQIC, 1).line(format_args!("QQIC: {qqic}"));
    let n = usize::from(be16(pdu, field::NUM_SRC));
    out.at(1).field("igmp.num_src", Ftype::Uint16, n).bytes(o + field::NUM_SRC, 2).line(format_args!("Num Src: {n}"));
    sources(out, pdu, o, field::SOURCES, n, 1)
}

/// `n` source addresses from `at`; false when the message ends before the last.
fn sources(out: &mut Tree, pdu: &[u8], o: usize, at: usize, n: usize, depth: usize) -> bool {
    for i in 0..n {
        let Some(a) = addr(pdu, at + 4 * i) else { return false };
        out.at(depth)
            .field("igmp.saddr", Ftype::Ipv4, a)
            .bytes(o + at + 4 * i, 4)
            .line(format_args!("Source Address: {a}"));
    }
    true
}

/// A v3 report (RFC 3376 §4.2) with its group records; false when it is cut short.
fn v3_report(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let head = reserved(out, pdu, o, field::MAX_RESP, 1)
        && checksum(out, pdu, o)
        && reserved(out, pdu, o, field::REPORT_RESERVED, 2);
    let Some(b) = pdu.get(field::NUM_RECORDS..field::RECORDS).filter(|_| head) else { return false };
    let count = be16(b, 0);
    out.at(1)
        .field("igmp.num_grp_recs", Ftype::Uint16, count)
        .bytes(o + field::NUM_RECORDS, 2)
        .line(format_args!("Num Group Records: {count}"));
    let (recs, whole) = records(pdu);
    for r in &recs {
        group_record(out, pdu, o, r);
    }
    whole
}

/// One group record (RFC 3376 §4.2.4).
fn group_record(out: &mut Tree, pdu: &[u8], o: usize, r: &Record<'_>) {
    let name = record_type_name(r.kind);
    let shown = if name == "Unknown" { "" } else { name };
    out.at(1).bytes(o + r.at, r.len()).line(format_args!("Group Record : {}  {shown}", r.group));
    out.at(2)
        .field("igmp.record_type", Ftype::Uint8, r.kind)
        .bytes(o + r.at, 1)
        .line(format_args!("Record Type: {name} ({})", r.kind));
    out.at(2)
        .field("igmp.aux_data_len", Ftype::Uint8, r.aux_len)
        .bytes(o + r.at + 1, 1)
        .line(format_args!("Aux Data Len: {}", r.aux_len));
    let n = r.sources.len() / 4;
    out.at(2).field("igmp.num_src", Ftype::Uint16, n).bytes(o + r.at + 2, 2).line(format_args!("Num Src: {n}"));
    group(out, pdu, o, r.at + 4, 2);
    sources(out, pdu, o, r.at + RECORD_LEN, n, 2);
    if r.aux_len > 0 {
        let at = r.at + RECORD_LEN + r.sources.len();
        let aux = &pdu[at..at + 4 * usize::from(r.aux_len)];
        out.at(2)
            .field("igmp.aux_data", Ftype::Bytes, Mac(aux))
            .bytes(o + at, aux.len())
            .line(format_args!("Aux Data: {}", Hex(aux)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IGMP_V2.pcap (tcpdump's tests) frame 1: a general query, Max Resp Time 10 s.
    const V2_GENERAL_QUERY: &[u8] = &[0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0];
    /// IGMP_V2.pcap frame 5: a leave of 225.1.1.3.
    const V2_LEAVE: &[u8] = &[0x17, 0, 0x06, 0xfb, 225, 1, 1, 3];
    /// IGMP_V1.pcap frame 1: a v1 query (no Max Resp Time).
    const V1_QUERY: &[u8] = &[0x11, 0, 0xee, 0xff, 0, 0, 0, 0];
    /// A v3 query for 224.0.0.251 and two sources, S set, QRV 2, QQIC 125, Max Resp
    /// Code 0xc8 (exponent 4, mantissa 8: 307.2 s).
    const V3_QUERY: &[u8] = &[
        0x11, 0xc8, 0xee, 0xb9, 224, 0, 0, 251, 0x0a, 125, 0, 2, // header
        10, 0, 0, 1, 10, 0, 0, 2, // sources
    ];
    /// A v3 report: Change To Exclude with no sources (join 224.0.0.251), then
    /// Change To Include with one source.
    const V3_REPORT: &[u8] = &[
        0x22, 0, 0xfa, 0xfa, 0, 0, 0, 2, // header, 2 records
        4, 0, 0, 0, 224, 0, 0, 251, // record 1
        3, 0, 0, 1, 239, 1, 2, 3, 10, 0, 0, 1, // record 2 with its source
    ];

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Igmp, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Igmp.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    /// Every item with bytes: field, value, offset, length.
    fn items(pdu: &[u8], at: usize) -> Vec<(&'static str, String, u32, u32)> {
        let mut t = Tree::new();
        Igmp.tree(pdu, Ctx::default(), at, &mut t);
        t.items().iter().filter_map(|i| i.bytes.map(|b| (i.field, t.value(i).to_string(), b.offset, b.len))).collect()
    }

    #[test]
    fn versions_are_told_apart_as_rfc_3376_says() {
        assert_eq!(Igmp.column(V1_QUERY), "IGMPv1");
        assert_eq!(Igmp.column(V2_GENERAL_QUERY), "IGMPv2");
        assert_eq!(Igmp.column(V3_QUERY), "IGMPv3");
        assert_eq!(Igmp.column(V3_REPORT), "IGMPv3");
        assert_eq!(Igmp.column(&[0x50, 0, 0, 0]), "IGMP");
    }

    #[test]
    fn info_in_tsharks_words() {
        assert_eq!(info(V1_QUERY), "Membership Query");
        assert_eq!(info(V2_GENERAL_QUERY), "Membership Query, general");
        assert_eq!(info(V2_LEAVE), "Leave Group 225.1.1.3");
        assert_eq!(info(&[0x16, 0, 0xfa, 0x04, 239, 255, 255, 250]), "Membership Report group 239.255.255.250");
        assert_eq!(info(V3_QUERY), "Membership Query, specific for group 224.0.0.251, sources {10.0.0.1, 10.0.0.2}");
        assert_eq!(
            info(V3_REPORT),
            "Membership Report / Join group 224.0.0.251 for any sources / Join group 239.1.2.3 for source {10.0.0.1}"
        );
        assert_eq!(info(&[0x50, 0, 0, 0]), "Unknown Type:0x50");
        assert_eq!(info(&V2_LEAVE[..2]), "Leave Group[Malformed Packet]");
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        assert_eq!(values(V2_GENERAL_QUERY, "igmp.max_resp"), ["100"]);
        assert_eq!(values(V1_QUERY, "igmp.max_resp"), [""; 0]);
        assert_eq!(values(V1_QUERY, "igmp.reserved"), ["00"]);
        assert_eq!(values(V3_QUERY, "igmp.max_resp"), ["3072"]);
        assert_eq!(values(V3_QUERY, "igmp.s"), ["1"]);
        assert_eq!(values(V3_QUERY, "igmp.qrv"), ["2"]);
        assert_eq!(values(V3_QUERY, "igmp.saddr"), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(values(V3_REPORT, "igmp.maddr"), ["224.0.0.251", "239.1.2.3"]);
        assert_eq!(values(V3_REPORT, "igmp.record_type"), ["4", "3"]);
        assert_eq!(values(V3_REPORT, "igmp.num_src"), ["0", "1"]);
        assert_eq!(values(V3_REPORT, "igmp.reserved"), ["00", "0000"]);
        assert_eq!(values(V2_LEAVE, "igmp.checksum.status"), ["1"]);
        assert_eq!(values(V2_LEAVE, "igmp.type"), ["0x17"]);
        assert_eq!(Igmp.label(V2_LEAVE), "igmp");
        assert_eq!(Igmp.protocols(V2_LEAVE), "igmp:igmp");
        assert_eq!(Igmp.protocols(&[0x50, 0, 0, 0]), "igmp");
    }

    #[test]
    fn the_tree_gives_every_field_its_bytes() {
        let v3 = items(V3_QUERY, 34);
        assert_eq!(v3[0], ("igmp", String::new(), 34, 20));
        assert!(v3.contains(&("igmp.max_resp.exp", "0x04".into(), 35, 1)), "{v3:?}");
        assert!(v3.contains(&("igmp.qqic", "125".into(), 43, 1)), "{v3:?}");
        assert!(v3.contains(&("igmp.saddr", "10.0.0.2".into(), 50, 4)), "{v3:?}");
        let report = items(V3_REPORT, 0);
        assert!(report.contains(&("", String::new(), 16, 12)), "the second group record: {report:?}");
        assert!(report.contains(&("igmp.saddr", "10.0.0.1".into(), 24, 4)), "{report:?}");
        let mut t = Tree::new();
        Igmp.tree(V2_LEAVE, Ctx::default(), 0, &mut t);
        let lines: Vec<String> = t.items().iter().map(|i| t.display(i).to_string()).collect();
        assert_eq!(
            lines[1..5],
            [
                "[IGMP Version: 2]",
                "Type: Leave Group (0x17)",
                "Max Resp Time: 0.0 sec (0x00)",
                "Checksum: 0x06fb [correct]"
            ]
        );
    }

    #[test]
    fn a_bad_checksum_says_what_it_should_be() {
        let mut bad = V2_LEAVE.to_vec();
        bad[3] ^= 0x11;
        let mut t = Tree::new();
        Igmp.tree(&bad, Ctx::default(), 0, &mut t);
        let lines: Vec<String> = t.items().iter().map(|i| t.display(i).to_string()).collect();
        assert!(lines.contains(&"Checksum: 0x06ea incorrect, should be 0x06fb".to_string()), "{lines:?}");
        assert!(lines.contains(&"[Checksum Status: Bad]".to_string()), "{lines:?}");
        assert_eq!(values(&bad, "igmp.checksum.status"), ["0"]);
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        for pdu in [V1_QUERY, V2_GENERAL_QUERY, V2_LEAVE, V3_QUERY, V3_REPORT] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let mut t = Tree::new();
                Igmp.tree(cut, Ctx::default(), 0, &mut t);
                for f in 1..FIELDS.len() {
                    Igmp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        assert!(info(&V3_REPORT[..14]).ends_with("[Malformed Packet]"));
    }
}
