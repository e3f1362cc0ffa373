//! RX's and AFS's fields, with tshark's names, types and titles.

use crate::sniff::dissect::dissector::FieldDecl;
use crate::sniff::tree::Ftype;

/// A field declaration, shorter.
const fn f(name: &'static str, ftype: Ftype, title: &'static str, base: &'static str) -> FieldDecl {
    FieldDecl { name, ftype, title, base }
}

const U8: Ftype = Ftype::Uint8;
const U16: Ftype = Ftype::Uint16;
const U32: Ftype = Ftype::Uint32;
const DEC: &str = "BASE_DEC";

/// The fields, in the order of the indexes `values` takes.
pub const FIELDS: &[FieldDecl] = &[
    f("rx", Ftype::Protocol, "RX Protocol", ""),
    f("rx.epoch", Ftype::AbsoluteTime, "Epoch", ""),
    f("rx.cid", U32, "CID", DEC),
    f("rx.callnumber", U32, "Call Number", DEC),
    f("rx.seq", U32, "Sequence Number", DEC),
    f("rx.serial", U32, "Serial", DEC),
    f("rx.type", U8, "Type", DEC),
    f("rx.flags", U8, "Flags", "BASE_HEX"),
    f("rx.flags.client_init", Ftype::Boolean, "Client Initiated", "8"),
    f("rx.flags.request_ack", Ftype::Boolean, "Request Ack", "8"),
    f("rx.flags.last_packet", Ftype::Boolean, "Last Packet", "8"),
    f("rx.flags.more_packets", Ftype::Boolean, "More Packets", "8"),
    f("rx.flags.free_packet", Ftype::Boolean, "Free Packet", "8"),
    f("rx.userstatus", U32, "User Status", DEC),
    f("rx.securityindex", U32, "Security Index", DEC),
    f("rx.spare", U16, "Spare/Checksum", DEC),
    f("rx.serviceid", U16, "Service ID", DEC),
    f("rx.bufferspace", U16, "Bufferspace", DEC),
    f("rx.maxskew", U16, "Max Skew", DEC),
    f("rx.first", U32, "First Packet", DEC),
    f("rx.prev", U32, "Prev Packet", DEC),
    f("rx.reason", U8, "Reason", DEC),
    f("rx.num_acks", U8, "Num ACKs", DEC),
    f("rx.ack_type", U8, "ACK Type", DEC),
    f("rx.ack", Ftype::None, "ACK Packet", ""),
    f("rx.challenge", Ftype::None, "CHALLENGE Packet", ""),
    f("rx.version", U32, "Version", DEC),
    f("rx.nonce", U32, "Nonce", "BASE_HEX"),
    f("rx.inc_nonce", U32, "Inc Nonce", "BASE_HEX"),
    f("rx.min_level", U32, "Min Level", DEC),
    f("rx.level", U32, "Level", DEC),
    f("rx.response", Ftype::None, "RESPONSE Packet", ""),
    f("rx.abort", Ftype::None, "ABORT Packet", ""),
    f("rx.encrypted", Ftype::None, "Encrypted", ""),
    f("rx.kvno", U32, "kvno", DEC),
    f("rx.ticket_len", U32, "Ticket len", DEC),
    f("rx.ticket", Ftype::Bytes, "ticket", ""),
    f("rx.if_mtu", U32, "Interface MTU", DEC),
    f("rx.max_mtu", U32, "Max MTU", DEC),
    f("rx.rwind", U32, "rwind", DEC),
    f("rx.max_packets", U32, "Max Packets", DEC),
    f("rx.abort_code", Ftype::Int32, "Abort Code", DEC),
    f("afs", Ftype::Protocol, "Andrew File System (AFS)", ""),
    f("afs.fs", Ftype::Boolean, "File Server", "0"),
    f("afs.cb", Ftype::Boolean, "Callback", "0"),
    f("afs.prot", Ftype::Boolean, "Protection", "0"),
    f("afs.vldb", Ftype::Boolean, "VLDB", "0"),
    f("afs.kauth", Ftype::Boolean, "KAuth", "0"),
    f("afs.vol", Ftype::Boolean, "Volume Server", "0"),
    f("afs.error", Ftype::Boolean, "Error", "0"),
    f("afs.bos", Ftype::Boolean, "BOS", "0"),
    f("afs.update", Ftype::Boolean, "Update", "0"),
    f("afs.rmtsys", Ftype::Boolean, "Rmtsys", "0"),
    f("afs.ubik", Ftype::Boolean, "Ubik", "0"),
    f("afs.backup", Ftype::Boolean, "Backup", "0"),
    f("afs.service", U32, "Service", DEC),
    f("afs.fs.opcode", U32, "Operation", DEC),
    f("afs.cb.opcode", U32, "Operation", DEC),
    f("afs.prot.opcode", U32, "Operation", DEC),
    f("afs.vldb.opcode", U32, "Operation", DEC),
    f("afs.kauth.opcode", U32, "Operation", DEC),
    f("afs.vol.opcode", U32, "Operation", DEC),
    f("afs.bos.opcode", U32, "Operation", DEC),
    f("afs.update.opcode", U32, "Operation", DEC),
    f("afs.rmtsys.opcode", U32, "Operation", DEC),
    f("afs.error.opcode", U32, "Operation", DEC),
    f("afs.backup.opcode", U32, "Operation", DEC),
    f("afs.ubik.opcode", U32, "Operation", DEC),
    f("afs.reqframe", Ftype::Framenum, "Request Frame", ""),
    f("afs.time", Ftype::RelativeTime, "Time from request", ""),
];
