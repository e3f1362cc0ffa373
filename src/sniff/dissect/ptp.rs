//! PTP, the Precision Time Protocol (IEEE 1588): how clocks on a network agree
//! to within nanoseconds. A master sends Sync (and, for two-step clocks, the
//! exact send time in a Follow_Up); a slave asks with Delay_Req and learns when
//! it arrived from the Delay_Resp, and from the four times computes its offset
//! and the path delay. Peer_Delay messages measure one link (IEEE 802.1AS),
//! Announce elects the best master, Management reads and sets a clock's data
//! sets. Version 2 (IEEE 1588-2008 §13) runs over Ethernet (EtherType 0x88f7)
//! and UDP ports 319 (event) and 320 (general); version 1 (IEEE 1588-2002) only
//! over UDP, where the first 16-bit word, the version, tells the two apart.
//!
//! Socklab decodes the version 2 common header, the bodies of every message
//! type up to their TLVs, and the management TLV's header; the version 1 common
//! header; TLVs after the body and management data sets are left undecoded.

use super::data::shown_bytes;
use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::{bit_pattern, masked_bits};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The PTP dissector.
pub struct Ptp;

/// PTP's EtherType (IEEE 1588-2008 Annex F) and UDP ports (Annex D).
pub const ETHERTYPE: u16 = 0x88f7;
pub const EVENT_PORT: u16 = 319;
pub const GENERAL_PORT: u16 = 320;

/// Byte offsets of the version 2 common header (IEEE 1588-2008 §13.3.1, table 18)
/// and of the message bodies (§13.5 to §13.12).
mod at {
    pub const TYPE: usize = 0;
    pub const VERSION: usize = 1;
    pub const LENGTH: usize = 2;
    pub const DOMAIN: usize = 4;
    pub const MINOR_SDO: usize = 5;
    pub const FLAGS: usize = 6;
    pub const CORRECTION: usize = 8;
    pub const TYPE_SPECIFIC: usize = 16;
    pub const CLOCK_ID: usize = 20;
    pub const PORT_ID: usize = 28;
    pub const SEQUENCE: usize = 30;
    pub const CONTROL: usize = 32;
    pub const LOG_PERIOD: usize = 33;
    /// The body: a timestamp, or a target port identity, first.
    pub const BODY: usize = 34;
    /// After a timestamp: a port identity (Delay_Resp, Peer_Delay_Resp[_Follow_Up]).
    pub const REQUESTING: usize = 44;
    pub const REQUESTING_PORT: usize = 52;
    /// Announce (§13.5): after the origin timestamp.
    pub const UTC_OFFSET: usize = 44;
    pub const PRIORITY1: usize = 47;
    pub const GM_CLASS: usize = 48;
    pub const GM_ACCURACY: usize = 49;
    pub const GM_VARIANCE: usize = 50;
    pub const PRIORITY2: usize = 52;
    pub const GM_ID: usize = 53;
    pub const STEPS_REMOVED: usize = 61;
    pub const TIME_SOURCE: usize = 63;
    /// Signaling and Management (§13.12, §15.4): the target port.
    pub const TARGET_PORT: usize = 42;
    pub const STARTING_HOPS: usize = 44;
    pub const HOPS: usize = 45;
    pub const ACTION: usize = 46;
    /// The management TLV (§15.5.2): type, length, management ID, data.
    pub const TLV_TYPE: usize = 48;
    pub const TLV_LENGTH: usize = 50;
    pub const MANAGEMENT_ID: usize = 52;
    pub const MANAGEMENT_DATA: usize = 54;
}

/// Byte offsets of the version 1 common header (IEEE 1588-2002 §6.2.4, table 18).
mod v1 {
    pub const VERSION_NETWORK: usize = 2;
    pub const SUBDOMAIN: usize = 4;
    pub const SUBDOMAIN_LEN: usize = 16;
    pub const MESSAGE_TYPE: usize = 20;
    pub const TECHNOLOGY: usize = 21;
    pub const UUID: usize = 22;
    pub const PORT_ID: usize = 28;
    pub const SEQUENCE: usize = 30;
    pub const CONTROL: usize = 32;
    pub const FLAGS: usize = 34;
    /// The end of the common header.
    pub const END: usize = 36;
    /// A management message's key (§6.2.7).
    pub const MANAGEMENT_KEY: usize = 55;
}

/// Message types of version 2 (table 19).
mod msg {
    pub const SYNC: u8 = 0x0;
    pub const DELAY_REQ: u8 = 0x1;
    pub const PDELAY_REQ: u8 = 0x2;
    pub const PDELAY_RESP: u8 = 0x3;
    pub const FOLLOW_UP: u8 = 0x8;
    pub const DELAY_RESP: u8 = 0x9;
    pub const PDELAY_RESP_FOLLOW_UP: u8 = 0xa;
    pub const ANNOUNCE: u8 = 0xb;
    pub const SIGNALING: u8 = 0xc;
    pub const MANAGEMENT: u8 = 0xd;
}

/// The TLV types of a management message that name what it is about (table 34).
const TLV_MANAGEMENT: u16 = 1;
const TLV_MANAGEMENT_ERROR: u16 = 2;
/// A version 1 control field value: a management message.
const V1_CONTROL_MANAGEMENT: u8 = 4;
/// The flags of version 2 (table 20), top bit first, with Wireshark's titles.
const V2_FLAGS: [(&str, u16, &str); 13] = [
    ("ptp.v2.flags.security", 0x8000, "PTP_SECURITY"),
    ("ptp.v2.flags.specific2", 0x4000, "PTP profile Specific 2"),
    ("ptp.v2.flags.specific1", 0x2000, "PTP profile Specific 1"),
    ("ptp.v2.flags.unicast", 0x0400, "PTP_UNICAST"),
    ("ptp.v2.flags.twostep", 0x0200, "PTP_TWO_STEP"),
    ("ptp.v2.flags.alternatemaster", 0x0100, "PTP_ALTERNATE_MASTER"),
    ("ptp.v2.flags.synchronizationUncertain", 0x0040, "SYNCHRONIZATION_UNCERTAIN"),
    ("ptp.v2.flags.frequencytraceable", 0x0020, "FREQUENCY_TRACEABLE"),
    ("ptp.v2.flags.timetraceable", 0x0010, "TIME_TRACEABLE"),
    ("ptp.v2.flags.timescale", 0x0008, "PTP_TIMESCALE"),
    ("ptp.v2.flags.utcreasonable", 0x0004, "PTP_UTC_REASONABLE"),
    ("ptp.v2.flags.li59", 0x0002, "PTP_LI_59"),
    ("ptp.v2.flags.li61", 0x0001, "PTP_LI_61"),
];
/// The flags of version 1 (IEEE 1588-2002 table 22), lowest bit first.
const V1_FLAGS: [(&str, u16, &str); 7] = [
    ("ptp.flags.li61", 0x01, "PTP_LI61"),
    ("ptp.flags.li59", 0x02, "PTP_LI59"),
    ("ptp.flags.boundary_clock", 0x04, "PTP_BOUNDARY_CLOCK"),
    ("ptp.flags.assist", 0x08, "PTP_ASSIST"),
    ("ptp.flags.ext_sync", 0x10, "PTP_EXT_SYNC"),
    ("ptp.flags.parent_stats", 0x20, "PTP_PARENT_STATS"),
    ("ptp.flags.sync_burst", 0x40, "PTP_SYNC_BURST"),
];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ptp", ftype: Ftype::Protocol, title: "Precision Time Protocol (IEEE1588)", base: "" },
    FieldDecl { name: "ptp.v2.majorsdoid", ftype: Ftype::Uint8, title: "majorSdoId", base: "BASE_HEX" },
    FieldDecl { name: "ptp.v2.messagetype", ftype: Ftype::Uint8, title: "messageType", base: "BASE_HEX" },
    FieldDecl { name: "ptp.v2.minorversionptp", ftype: Ftype::Uint8, title: "minorVersionPTP", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.versionptp", ftype: Ftype::Uint8, title: "versionPTP", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.messagelength", ftype: Ftype::Uint16, title: "messageLength", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.domainnumber", ftype: Ftype::Uint8, title: "domainNumber", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.minorsdoid", ftype: Ftype::Uint8, title: "minorSdoId", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.flags", ftype: Ftype::Uint16, title: "flags", base: "BASE_HEX" },
    FieldDecl { name: "ptp.v2.flags.security", ftype: Ftype::Boolean, title: "PTP_SECURITY", base: "16" },
    FieldDecl { name: "ptp.v2.flags.specific2", ftype: Ftype::Boolean, title: "PTP profile Specific 2", base: "16" },
    FieldDecl { name: "ptp.v2.flags.specific1", ftype: Ftype::Boolean, title: "PTP profile Specific 1", base: "16" },
    FieldDecl { name: "ptp.v2.flags.unicast", ftype: Ftype::Boolean, title: "PTP_UNICAST", base: "16" },
    FieldDecl { name: "ptp.v2.flags.twostep", ftype: Ftype::Boolean, title: "PTP_TWO_STEP", base: "16" },
    FieldDecl {
        name: "ptp.v2.flags.alternatemaster",
        ftype: Ftype::Boolean,
        title: "PTP_ALTERNATE_MASTER",
        base: "16",
    },
    FieldDecl {
        name: "ptp.v2.flags.synchronizationUncertain",
        ftype: Ftype::Boolean,
        title: "SYNCHRONIZATION_UNCERTAIN",
        base: "16",
    },
    FieldDecl {
        name: "ptp.v2.flags.frequencytraceable",
        ftype: Ftype::Boolean,
        title: "FREQUENCY_TRACEABLE",
        base: "16",
    },
    FieldDecl { name: "ptp.v2.flags.timetraceable", ftype: Ftype::Boolean, title: "TIME_TRACEABLE", base: "16" },
    FieldDecl { name: "ptp.v2.flags.timescale", ftype: Ftype::Boolean, title: "PTP_TIMESCALE", base: "16" },
    FieldDecl { name: "ptp.v2.flags.utcreasonable", ftype: Ftype::Boolean, title: "PTP_UTC_REASONABLE", base: "16" },
    FieldDecl { name: "ptp.v2.flags.li59", ftype: Ftype::Boolean, title: "PTP_LI_59", base: "16" },
    FieldDecl { name: "ptp.v2.flags.li61", ftype: Ftype::Boolean, title: "PTP_LI_61", base: "16" },
    FieldDecl { name: "ptp.v2.correction.ns", ftype: Ftype::Uint64, title: "correction", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.correction.subns", ftype: Ftype::Double, title: "correctionSubNs", base: "" },
    FieldDecl {
        name: "ptp.v2.messagetypespecific",
        ftype: Ftype::Uint32,
        title: "messageTypeSpecific",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.clockidentity", ftype: Ftype::Uint64, title: "ClockIdentity", base: "BASE_HEX" },
    FieldDecl { name: "ptp.v2.clockidentity_manuf", ftype: Ftype::Bytes, title: "MAC Vendor", base: "" },
    FieldDecl { name: "ptp.v2.sourceportid", ftype: Ftype::Uint16, title: "SourcePortID", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.sequenceid", ftype: Ftype::Uint16, title: "sequenceId", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.controlfield", ftype: Ftype::Uint8, title: "controlField", base: "BASE_DEC" },
    // FT_INT8 in tshark: socklab's nearest signed type.
    FieldDecl { name: "ptp.v2.logmessageperiod", ftype: Ftype::Int32, title: "logMessagePeriod", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.sdr.origintimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "originTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.sdr.origintimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "originTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdrq.origintimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "originTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdrq.origintimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "originTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdrs.requestreceipttimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "requestreceiptTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdrs.requestreceipttimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "requestreceiptTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdrs.requestingportidentity",
        ftype: Ftype::Uint64,
        title: "requestingSourcePortIdentity",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "ptp.v2.pdrs.requestingsourceportid",
        ftype: Ftype::Uint16,
        title: "requestingSourcePortId",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.fu.preciseorigintimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "preciseOriginTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.fu.preciseorigintimestamp.nanoseconds",
        ftype: Ftype::Uint32,
        title: "preciseOriginTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.dr.receivetimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "receiveTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.dr.receivetimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "receiveTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.dr.requestingsourceportidentity",
        ftype: Ftype::Uint64,
        title: "requestingSourcePortIdentity",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "ptp.v2.dr.requestingsourceportid",
        ftype: Ftype::Uint16,
        title: "requestingSourcePortId",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdfu.responseorigintimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "responseOriginTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdfu.responseorigintimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "responseOriginTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.pdfu.requestingportidentity",
        ftype: Ftype::Uint64,
        title: "requestingSourcePortIdentity",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "ptp.v2.pdfu.requestingsourceportid",
        ftype: Ftype::Uint16,
        title: "requestingSourcePortId",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.an.origintimestamp.seconds",
        ftype: Ftype::Uint64,
        title: "originTimestamp (seconds)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.an.origintimestamp.nanoseconds",
        ftype: Ftype::Int32,
        title: "originTimestamp (nanoseconds)",
        base: "BASE_DEC",
    },
    // FT_INT16 in tshark: socklab's nearest signed type.
    FieldDecl {
        name: "ptp.v2.an.origincurrentutcoffset",
        ftype: Ftype::Int32,
        title: "originCurrentUTCOffset",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.an.priority1", ftype: Ftype::Uint8, title: "priority1", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.an.grandmasterclockclass",
        ftype: Ftype::Uint8,
        title: "grandmasterClockClass",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "ptp.v2.an.grandmasterclockaccuracy",
        ftype: Ftype::Uint8,
        title: "grandmasterClockAccuracy",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "ptp.v2.an.grandmasterclockvariance",
        ftype: Ftype::Uint16,
        title: "grandmasterClockVariance",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.an.priority2", ftype: Ftype::Uint8, title: "priority2", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.an.grandmasterclockidentity",
        ftype: Ftype::Uint64,
        title: "grandmasterClockIdentity",
        base: "BASE_HEX",
    },
    FieldDecl {
        name: "ptp.v2.an.localstepsremoved",
        ftype: Ftype::Uint16,
        title: "localStepsRemoved",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.timesource", ftype: Ftype::Uint8, title: "TimeSource", base: "BASE_HEX" },
    FieldDecl {
        name: "ptp.v2.sig.targetportidentity",
        ftype: Ftype::Uint64,
        title: "targetPortIdentity",
        base: "BASE_HEX",
    },
    FieldDecl { name: "ptp.v2.sig.targetportid", ftype: Ftype::Uint16, title: "targetPortId", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.mm.targetportidentity",
        ftype: Ftype::Uint64,
        title: "targetPortIdentity",
        base: "BASE_HEX",
    },
    FieldDecl { name: "ptp.v2.mm.targetportid", ftype: Ftype::Uint16, title: "targetPortId", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.mm.startingboundaryhops",
        ftype: Ftype::Uint8,
        title: "startingBoundaryHops",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.mm.boundaryhops", ftype: Ftype::Uint8, title: "boundaryHops", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.mm.action", ftype: Ftype::Uint8, title: "action", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.mm.tlvType", ftype: Ftype::Uint16, title: "tlvType", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.mm.lengthField", ftype: Ftype::Uint16, title: "lengthField", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.v2.mm.managementErrorId",
        ftype: Ftype::Uint16,
        title: "managementErrorId",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.v2.mm.managementId", ftype: Ftype::Uint16, title: "managementId", base: "BASE_DEC" },
    FieldDecl { name: "ptp.v2.mm.data", ftype: Ftype::Bytes, title: "data", base: "" },
    FieldDecl { name: "ptp.versionptp", ftype: Ftype::Uint16, title: "versionPTP", base: "BASE_DEC" },
    FieldDecl { name: "ptp.versionnetwork", ftype: Ftype::Uint16, title: "versionNetwork", base: "BASE_DEC" },
    FieldDecl { name: "ptp.subdomain", ftype: Ftype::String, title: "subdomain", base: "" },
    FieldDecl { name: "ptp.messagetype", ftype: Ftype::Uint8, title: "messageType", base: "BASE_DEC" },
    FieldDecl {
        name: "ptp.sourcecommunicationtechnology",
        ftype: Ftype::Uint8,
        title: "sourceCommunicationTechnology",
        base: "BASE_DEC",
    },
    FieldDecl { name: "ptp.sourceuuid", ftype: Ftype::Ether, title: "sourceUuid", base: "" },
    FieldDecl { name: "ptp.sourceportid", ftype: Ftype::Uint16, title: "sourcePortId", base: "BASE_DEC" },
    FieldDecl { name: "ptp.sequenceid", ftype: Ftype::Uint16, title: "sequenceId", base: "BASE_DEC" },
    FieldDecl { name: "ptp.controlfield", ftype: Ftype::Uint8, title: "controlField", base: "BASE_DEC" },
    FieldDecl { name: "ptp.flags", ftype: Ftype::Uint16, title: "flags", base: "BASE_HEX" },
    FieldDecl { name: "ptp.flags.li61", ftype: Ftype::Boolean, title: "PTP_LI61", base: "16" },
    FieldDecl { name: "ptp.flags.li59", ftype: Ftype::Boolean, title: "PTP_LI59", base: "16" },
    FieldDecl { name: "ptp.flags.boundary_clock", ftype: Ftype::Boolean, title: "PTP_BOUNDARY_CLOCK", base: "16" },
    FieldDecl { name: "ptp.flags.assist", ftype: Ftype::Boolean, title: "PTP_ASSIST", base: "16" },
    FieldDecl { name: "ptp.flags.ext_sync", ftype: Ftype::Boolean, title: "PTP_EXT_SYNC", base: "16" },
    FieldDecl { name: "ptp.flags.parent_stats", ftype: Ftype::Boolean, title: "PTP_PARENT_STATS", base: "16" },
    FieldDecl { name: "ptp.flags.sync_burst", ftype: Ftype::Boolean, title: "PTP_SYNC_BURST", base: "16" },
];

/// Wireshark's name of a version 2 message type, as the Info column and the tree give it.
fn message_name(t: u8) -> Option<&'static str> {
    Some(match t {
        msg::SYNC => "Sync Message",
        msg::DELAY_REQ => "Delay_Req Message",
        msg::PDELAY_REQ => "Peer_Delay_Req Message",
        msg::PDELAY_RESP => "Peer_Delay_Resp Message",
        msg::FOLLOW_UP => "Follow_Up Message",
        msg::DELAY_RESP => "Delay_Resp Message",
        msg::PDELAY_RESP_FOLLOW_UP => "Peer_Delay_Resp_Follow_Up Message",
        msg::ANNOUNCE => "Announce Message",
        msg::SIGNALING => "Signalling Message",
        msg::MANAGEMENT => "Management Message",
        _ => return None,
    })
}

/// The control field's name (IEEE 1588-2008 table 23, kept from version 1).
fn control_name(c: u8) -> &'static str {
    match c {
        0 => "Sync Message",
        1 => "Delay_Req Message",
        2 => "Follow_Up Message",
        3 => "Delay_Resp Message",
        V1_CONTROL_MANAGEMENT => "Management Message",
        5 => "Other Message",
        _ => "Unknown",
    }
}

/// The name of a majorSdoId (the former transportSpecific; IEEE 1588-2019 §13.3.2.2).
fn sdo_name(v: u8) -> &'static str {
    match v {
        1 => "gPTP Domain",
        2 => "CMLDS",
        _ => "Unknown",
    }
}

/// A clock accuracy's meaning (table 6).
fn accuracy_name(a: u8) -> &'static str {
    match a {
        0x20 => "The time is accurate to within 25 ns",
        0x21 => "The time is accurate to within 100 ns",
        0x22 => "The time is accurate to within 250 ns",
        0x23 => "The time is accurate to within 1 us",
        0x24 => "The time is accurate to within 2,5 us",
        0x25 => "The time is accurate to within 10 us",
        0x26 => "The time is accurate to within 25 us",
        0x27 => "The time is accurate to within 100 us",
        0x28 => "The time is accurate to within 250 us",
        0x29 => "The time is accurate to within 1 ms",
        0x2a => "The time is accurate to within 2,5 ms",
        0x2b => "The time is accurate to within 10 ms",
        0x2c => "The time is accurate to within 25 ms",
        0x2d => "The time is accurate to within 100 ms",
        0x2e => "The time is accurate to within 250 ms",
        0x2f => "The time is accurate to within 1 s",
        0x30 => "The time is accurate to within 10 s",
        0x31 => "The time is accurate to >10 s",
        0x80..=0xfd => "For use by alternate PTP profiles",
        0xfe => "Accuracy Unknown",
        0xff => "reserved",
        _ => "Unknown",
    }
}

/// A time source's name (table 7).
fn time_source_name(s: u8) -> &'static str {
    match s {
        0x10 => "ATOMIC_CLOCK",
        0x20 => "GPS",
        0x30 => "TERRESTRIAL_RADIO",
        0x40 => "PTP",
        0x50 => "NTP",
        0x60 => "HAND_SET",
        0x90 => "OTHER",
        0xa0 => "INTERNAL_OSCILLATOR",
        _ => "Unknown",
    }
}

/// A management action's name (§15.4.1.6, table 38).
fn action_name(a: u8) -> Option<&'static str> {
    Some(match a {
        0 => "GET",
        1 => "SET",
        2 => "RESPONSE",
        3 => "COMMAND",
        4 => "ACKNOWLEDGE",
        _ => return None,
    })
}

/// A TLV type's name (§14.1.1, table 34).
fn tlv_name(t: u16) -> &'static str {
    match t {
        0 => "Reserved",
        TLV_MANAGEMENT => "Management",
        TLV_MANAGEMENT_ERROR => "Management error status",
        3 => "Organization extension",
        4 => "Request unicast transmission",
        5 => "Grant unicast transmission",
        6 => "Cancel unicast transmission",
        7 => "Acknowledge cancel unicast transmission",
        8 => "Path trace",
        9 => "Alternate time offset indicator",
        _ => "Unknown",
    }
}

/// A management ID: its name in the tree and in the Info column (§15.5.2.3, table 40).
fn management_id(id: u16) -> Option<(&'static str, &'static str)> {
    Some(match id {
        0x0000 => ("NULL_MANAGEMENT", "Null management"),
        0x0001 => ("CLOCK_DESCRIPTION", "Clock description"),
        0x0002 => ("USER_DESCRIPTION", "User description"),
        0x0003 => ("SAVE_IN_NON_VOLATILE_STORAGE", "Save in non volatile storage"),
        0x0004 => ("RESET_NON_VOLATILE_STORAGE", "Reset non volatile storage"),
        0x0005 => ("INITIALIZE", "Initialize"),
        0x0006 => ("FAULT_LOG", "Fault log"),
        0x0007 => ("FAULT_LOG_RESET", "Fault log reset"),
        0x2000 => ("DEFAULT_DATA_SET", "Default dataset"),
        0x2001 => ("CURRENT_DATA_SET", "Current dataset"),
        0x2002 => ("PARENT_DATA_SET", "Parent dataset"),
        0x2003 => ("TIME_PROPERTIES_DATA_SET", "Time properties dataset"),
        0x2004 => ("PORT_DATA_SET", "Port dataset"),
        0x2005 => ("PRIORITY1", "Priority 1"),
        0x2006 => ("PRIORITY2", "Priority 2"),
        0x2007 => ("DOMAIN", "Domain"),
        0x2008 => ("SLAVE_ONLY", "Slave only"),
        0x2009 => ("LOG_ANNOUNCE_INTERVAL", "Log announce interval"),
        0x200a => ("ANNOUNCE_RECEIPT_TIMEOUT", "Announce receipt timeout"),
        0x200b => ("LOG_SYNC_INTERVAL", "Log sync interval"),
        0x200c => ("VERSION_NUMBER", "Version number"),
        0x200d => ("ENABLE_PORT", "Enable port"),
        0x200e => ("DISABLE_PORT", "Disable port"),
        0x200f => ("TIME", "Time"),
        0x2010 => ("CLOCK_ACCURACY", "Clock accuracy"),
        0x2011 => ("UTC_PROPERTIES", "UTC properties"),
        0x2012 => ("TRACEABILITY_PROPERTIES", "Traceability properties"),
        0x2013 => ("TIMESCALE_PROPERTIES", "Timescale properties"),
        0x2014 => ("UNICAST_NEGOTIATION_ENABLE", "Unicast negotiation enable"),
        0x2015 => ("PATH_TRACE_LIST", "Path trace list"),
        0x2016 => ("PATH_TRACE_ENABLE", "Path trace enable"),
        0x2017 => ("GRANDMASTER_CLUSTER_TABLE", "Grandmaster cluster table"),
        0x2018 => ("UNICAST_MASTER_TABLE", "Unicast master table"),
        0x2019 => ("UNICAST_MASTER_MAX_TABLE_SIZE", "Unicast master max table size"),
        0x201a => ("ACCEPTABLE_MASTER_TABLE", "Acceptable master table"),
        0x201b => ("ACCEPTABLE_MASTER_TABLE_ENABLED", "Acceptable master table enabled"),
        0x201c => ("ACCEPTABLE_MASTER_MAX_TABLE_SIZE", "Acceptable master max table size"),
        0x201d => ("ALTERNATE_MASTER", "Alternate master"),
        0x201e => ("ALTERNATE_TIME_OFFSET_ENABLE", "Alternate time offset enable"),
        0x201f => ("ALTERNATE_TIME_OFFSET_NAME", "Alternate time offset name"),
        0x2020 => ("ALTERNATE_TIME_OFFSET_MAX_KEY", "Alternate time offset max key"),
        0x2021 => ("ALTERNATE_TIME_OFFSET_PROPERTIES", "Alternate time offset properties"),
        0x4000 => ("TC_DEFAULT_DATA_SET", "Transparent clock default dataset"),
        0x4001 => ("TC_PORT_DATA_SET", "Transparent clock port dataset"),
        0x4002 => ("PRIMARY_DOMAIN", "Primary domain"),
        0x6000 => ("DELAY_MECHANISM", "Delay mechanism"),
        0x6001 => ("LOG_MIN_PDELAY_REQ_INTERVAL", "Log min pdelay req. interval"),
        _ => return None,
    })
}

/// A management error ID's name (§15.5.4.1.4, table 72).
fn management_error_name(e: u16) -> Option<&'static str> {
    Some(match e {
        0x0001 => "RESPONSE_TOO_BIG",
        0x0002 => "NO_SUCH_ID",
        0x0003 => "WRONG_LENGTH",
        0x0004 => "WRONG_VALUE",
        0x0005 => "NOT_SETABLE",
        0x0006 => "NOT_SUPPORTED",
        0x0007..=0xbfff => "Reserved",
        0xfffe => "GENERAL_ERROR",
        _ => return None,
    })
}

/// The Info name of a version 1 management key (IEEE 1588-2002 table 38).
fn v1_key_name(k: u8) -> Option<&'static str> {
    const NAMES: [&str; 28] = [
        "Null",
        "Obtain Identity",
        "Clock Identity",
        "Initialize Clock",
        "Set Subdomain",
        "Clear Designated Preferred Master",
        "Set Designated Preferred Master",
        "Get Default Data Set",
        "Default Data Set",
        "Update Default Data Set",
        "Get Current Data Set",
        "Current Data Set",
        "Get Parent Data Set",
        "Parent Data Set",
        "Get Port Data Set",
        "Port Data Set",
        "Get Global Time Data Set",
        "Global Time Data Set",
        "Update Global Time Properties",
        "Goto Faulty State",
        "Get Foreign Data Set",
        "Foreign Data Set",
        "Set Sync Interval",
        "Disable Port",
        "Enable Port",
        "Disable Burst",
        "Enable Burst",
        "Set Time",
    ];
    NAMES.get(usize::from(k)).copied()
}

/// A version 1 communication technology's name (IEEE 1588-2002 table 2).
fn technology_name(t: u8) -> &'static str {
    match t {
        0 => "Closed system outside the scope of this standard.",
        1 => "IEEE 802.3 (Ethernet)",
        4 => "FOUNDATION Fieldbus",
        5 => "PROFIBUS",
        6 => "LonTalk",
        7 => "DeviceNet",
        8 => "SmartDistributedSystem",
        9 => "ControlNet",
        10 => "CANopen",
        243 => "IEEE 1394",
        244 => "IEEE 802.11a",
        245 => "IEEE 802.11b",
        246 => "InfiniBand",
        247 => "Bluetooth wireless",
        248 => "IEEE 802.15.1",
        249 => "IEEE 1451.3",
        250 => "IEEE 1451.5",
        251 => "USB bus",
        252 => "ISA bus",
        253 => "PCI bus",
        254 => "VXI bus",
        255 => "Default value",
        _ => "Unknown",
    }
}

/// Whether a PDU a UDP port handed over is version 1: its first word, the
/// version, is 1 (over Ethernet, PTP is always version 2).
fn is_v1(pdu: &[u8], ctx: Ctx) -> bool {
    ctx.port.is_some() && pdu.len() >= 2 && be16(pdu, 0) == 1
}

/// A 64-bit big-endian number.
fn be64(b: &[u8], at: usize) -> u64 {
    u64::from(be32(b, at)) << 32 | u64::from(be32(b, at + 4))
}

/// The bytes version 2 decodes: the message length when the PDU holds it (the
/// rest is padding), else the whole PDU.
fn v2_bytes(pdu: &[u8]) -> &[u8] {
    match pdu.get(at::LENGTH..at::LENGTH + 2).map(|b| usize::from(be16(b, 0))) {
        Some(len) if len >= at::LENGTH + 2 && len <= pdu.len() => &pdu[..len],
        _ => pdu,
    }
}

impl Dissector for Ptp {
    fn name(&self) -> &'static str {
        "ptp"
    }

    fn title(&self) -> &'static str {
        "Precision Time Protocol (IEEE1588)"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "PTPv2"
    }

    fn column_in(&self, pdu: &[u8], ctx: Ctx) -> &'static str {
        if is_v1(pdu, ctx) {
            "PTPv1"
        } else {
            "PTPv2"
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::EtherType(ETHERTYPE), Claim::UdpPort(EVENT_PORT), Claim::UdpPort(GENERAL_PORT)]
    }

    /// On its UDP ports, only versions 1 and 2 are PTP; other bytes stay UDP data.
    fn accepts(&self, pdu: &[u8]) -> bool {
        pdu.len() >= 2 && (be16(pdu, 0) == 1 || pdu[at::VERSION] & 0x0f == 2)
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark prints the protocol as a field by its filter name.
    fn label(&self, _pdu: &[u8]) -> String {
        "ptp".to_string()
    }

    fn len(&self, pdu: &[u8]) -> Option<usize> {
        Some(v2_bytes(pdu).len())
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        if is_v1(pdu, ctx) {
            v1_info(pdu, out);
        } else {
            v2_info(pdu, out);
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) {
        if is_v1(pdu, ctx) {
            out.at(0).proto("ptp").bytes(o, pdu.len()).line(format_args!("Precision Time Protocol (IEEE1588)"));
            if v1_tree(pdu, o, out).is_none() {
                malformed(out, "PTP");
            }
            return;
        }
        let d = v2_bytes(pdu);
        out.at(0).proto("ptp").bytes(o, d.len()).line(format_args!("Precision Time Protocol (IEEE1588)"));
        if v2_tree(d, o, out).is_none() {
            malformed(out, "PTP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The Info column of a version 2 message: its type, or what a management
/// message manages and how.
fn v2_info(pdu: &[u8], out: &mut String) {
    let Some(&first) = pdu.first() else { return };
    let t = first & 0x0f;
    if t == msg::MANAGEMENT {
        if let Some(tlv) = pdu.get(at::TLV_TYPE..at::MANAGEMENT_DATA) {
            let (kind, id) = (be16(tlv, 0), be16(tlv, at::MANAGEMENT_ID - at::TLV_TYPE));
            if kind == TLV_MANAGEMENT {
                let action = pdu[at::ACTION] & 0x0f;
                let _ = match management_id(id) {
                    Some((_, name)) => write!(out, "Management ({name}) "),
                    None => write!(out, "Management (Unknown management Id {id}) "),
                };
                let _ = match action_name(action) {
                    Some(a) => write!(out, "{a}"),
                    None => write!(out, "Unknown Action {action}"),
                };
                return;
            }
            if kind == TLV_MANAGEMENT_ERROR {
                let _ = match management_error_name(id) {
                    Some(e) => write!(out, "Management Error Message ({e})"),
                    None => write!(out, "Management Error Message (Unknown Error Id {id})"),
                };
                return;
            }
        }
    }
    let _ = match message_name(t) {
        Some(n) => write!(out, "{n}"),
        None => write!(out, "Unknown PTP Message ({t})"),
    };
}

/// The Info column of a version 1 message: its control field's message.
fn v1_info(pdu: &[u8], out: &mut String) {
    let Some(&control) = pdu.get(v1::CONTROL) else { return };
    let name = match control {
        0 => "Sync Message",
        1 => "Delay_Request Message",
        2 => "Follow_Up Message",
        3 => "Delay_Response Message",
        V1_CONTROL_MANAGEMENT => {
            let key = pdu.get(v1::MANAGEMENT_KEY).and_then(|&k| v1_key_name(k)).unwrap_or("Unknown");
            let _ = write!(out, "Management Message ({key})");
            return;
        }
        _ => "Unknown Message",
    };
    out.push_str(name);
}

/// A cursor over a message's bytes that adds its fields to the tree, each at
/// its offset; every method returns `None` when the message ends too early.
struct Walk<'a, 't> {
    d: &'a [u8],
    o: usize,
    out: &'t mut Tree,
}

impl<'a> Walk<'a, '_> {
    /// The bytes `at..at + n`.
    fn get(&self, at: usize, n: usize) -> Option<&'a [u8]> {
        let d: &'a [u8] = self.d;
        d.get(at..at.checked_add(n)?)
    }

    /// A decimal number of `n` bytes: `title: value`.
    fn uint(&mut self, at: usize, n: usize, field: &'static str, ftype: Ftype, title: &str) -> Option<u64> {
        let v = self.get(at, n)?.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
        self.out.at(1).field(field, ftype, v).bytes(self.o + at, n).line(format_args!("{title}: {v}"));
        Some(v)
    }

    /// A 64-bit identity: `title: 0x…`.
    fn identity(&mut self, at: usize, field: &'static str, title: &str) -> Option<u64> {
        let v = be64(self.get(at, 8)?, 0);
        self.out
            .at(1)
            .field(field, Ftype::Uint64, Value::hex(v, 16))
            .bytes(self.o + at, 8)
            .line(format_args!("{title}: 0x{v:016x}"));
        Some(v)
    }

    /// A timestamp (§5.3.3): 48 bits of seconds, 32 of nanoseconds.
    fn timestamp(&mut self, at: usize, fields: (&'static str, &'static str), title: &str, ns: Ftype) -> Option<()> {
        self.uint(at, 6, fields.0, Ftype::Uint64, &format!("{title} (seconds)"))?;
        self.uint(at + 6, 4, fields.1, ns, &format!("{title} (nanoseconds)"))?;
        Some(())
    }

    /// A value with a name: `title: name (0x..)`.
    fn named_hex(&mut self, at: usize, field: &'static str, title: &str, name: fn(u8) -> &'static str) -> Option<()> {
        let v = *self.d.get(at)?;
        self.out
            .at(1)
            .field(field, Ftype::Uint8, Value::hex(u64::from(v), 2))
            .bytes(self.o + at, 1)
            .line(format_args!("{title}: {} (0x{v:02x})", name(v)));
        Some(())
    }
}

/// The version 2 message `d` (cut to its length) as tshark shows it.
fn v2_tree(d: &[u8], o: usize, out: &mut Tree) -> Option<()> {
    let mut w = Walk { d, o, out };
    if !v2_header(&mut w)? {
        return Some(());
    }
    match d[at::TYPE] & 0x0f {
        msg::SYNC | msg::DELAY_REQ => {
            let f = ("ptp.v2.sdr.origintimestamp.seconds", "ptp.v2.sdr.origintimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "originTimestamp", Ftype::Int32)
        }
        msg::PDELAY_REQ => {
            let f = ("ptp.v2.pdrq.origintimestamp.seconds", "ptp.v2.pdrq.origintimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "originTimestamp", Ftype::Int32)
        }
        msg::FOLLOW_UP => {
            let f = ("ptp.v2.fu.preciseorigintimestamp.seconds", "ptp.v2.fu.preciseorigintimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "preciseOriginTimestamp", Ftype::Uint32)
        }
        msg::DELAY_RESP => {
            let f = ("ptp.v2.dr.receivetimestamp.seconds", "ptp.v2.dr.receivetimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "receiveTimestamp", Ftype::Int32)?;
            requesting(&mut w, ("ptp.v2.dr.requestingsourceportidentity", "ptp.v2.dr.requestingsourceportid"))
        }
        msg::PDELAY_RESP => {
            let f = ("ptp.v2.pdrs.requestreceipttimestamp.seconds", "ptp.v2.pdrs.requestreceipttimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "requestreceiptTimestamp", Ftype::Int32)?;
            requesting(&mut w, ("ptp.v2.pdrs.requestingportidentity", "ptp.v2.pdrs.requestingsourceportid"))
        }
        msg::PDELAY_RESP_FOLLOW_UP => {
            let f = ("ptp.v2.pdfu.responseorigintimestamp.seconds", "ptp.v2.pdfu.responseorigintimestamp.nanoseconds");
            w.timestamp(at::BODY, f, "responseOriginTimestamp", Ftype::Int32)?;
            requesting(&mut w, ("ptp.v2.pdfu.requestingportidentity", "ptp.v2.pdfu.requestingsourceportid"))
        }
        msg::ANNOUNCE => announce(&mut w),
        msg::SIGNALING => {
            w.identity(at::BODY, "ptp.v2.sig.targetportidentity", "targetPortIdentity")?;
            w.uint(at::TARGET_PORT, 2, "ptp.v2.sig.targetportid", Ftype::Uint16, "targetPortId").map(drop)
        }
        msg::MANAGEMENT => management(&mut w),
        _ => Some(()),
    }
}

/// The common header (§13.3): every message starts with it. False when its
/// message length is too short to hold even itself (tshark stops there).
fn v2_header(w: &mut Walk<'_, '_>) -> Option<bool> {
    let o = w.o;
    let b0 = *w.d.first()?;
    let (sdo, t) = (b0 >> 4, b0 & 0x0f);
    let bits = |v: u8, shift: u32| bit_pattern(u32::from(v), 4, shift, 8);
    w.out
        .at(1)
        .field("ptp.v2.majorsdoid", Ftype::Uint8, Value::hex(u64::from(sdo), 2))
        .bytes(o, 1)
        .mask(0xf0, u64::from(sdo))
        .line(format_args!("{} = majorSdoId: {} (0x{sdo:x})", bits(sdo, 4), sdo_name(sdo)));
    w.out
        .at(1)
        .field("ptp.v2.messagetype", Ftype::Uint8, Value::hex(u64::from(t), 2))
        .bytes(o, 1)
        .mask(0x0f, u64::from(t))
        .line(format_args!("{} = messageType: {} (0x{t:x})", bits(t, 0), message_name(t).unwrap_or("Unknown")));
    let b1 = *w.d.get(at::VERSION)?;
    let (minor, version) = (b1 >> 4, b1 & 0x0f);
    w.out
        .at(1)
        .field("ptp.v2.minorversionptp", Ftype::Uint8, minor)
        .bytes(o + 1, 1)
        .mask(0xf0, u64::from(minor))
        .line(format_args!("{} = minorVersionPTP: {minor}", bits(minor, 4)));
    w.out
        .at(1)
        .field("ptp.v2.versionptp", Ftype::Uint8, version)
        .bytes(o + 1, 1)
        .mask(0x0f, u64::from(version))
        .line(format_args!("{} = versionPTP: {version}", bits(version, 0)));
    let len = w.uint(at::LENGTH, 2, "ptp.v2.messagelength", Ftype::Uint16, "messageLength")?;
    if len < (at::LENGTH + 2) as u64 {
        let m = "Message length too short to include the message length field";
        w.out.expert(2, "ptp.v2.msg_len_too_small", Severity::Error, Group::Malformed, m);
        return Some(false);
    }
    if len > w.d.len() as u64 {
        let m = "Message length goes past the end of the packet";
        w.out.expert(2, "ptp.v2.msg_len_too_large", Severity::Error, Group::Malformed, m);
    }
    w.uint(at::DOMAIN, 1, "ptp.v2.domainnumber", Ftype::Uint8, "domainNumber")?;
    w.uint(at::MINOR_SDO, 1, "ptp.v2.minorsdoid", Ftype::Uint8, "minorSdoId")?;
    let flags = be16(w.get(at::FLAGS, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.v2.flags", Ftype::Uint16, Value::hex16(flags))
        .bytes(o + at::FLAGS, 2)
        .line(format_args!("flags: 0x{flags:04x}"));
    for (field, mask, title) in V2_FLAGS {
        flag_bit(w.out, field, flags, mask, title, o + at::FLAGS);
    }
    correction(w)?;
    w.uint(at::TYPE_SPECIFIC, 4, "ptp.v2.messagetypespecific", Ftype::Uint32, "messageTypeSpecific")?;
    clock_identity(w)?;
    w.uint(at::PORT_ID, 2, "ptp.v2.sourceportid", Ftype::Uint16, "SourcePortID")?;
    w.uint(at::SEQUENCE, 2, "ptp.v2.sequenceid", Ftype::Uint16, "sequenceId")?;
    let c = *w.d.get(at::CONTROL)?;
    w.out
        .at(1)
        .field("ptp.v2.controlfield", Ftype::Uint8, c)
        .bytes(o + at::CONTROL, 1)
        .line(format_args!("controlField: {} ({c})", control_name(c)));
    let period = *w.d.get(at::LOG_PERIOD)? as i8;
    w.out
        .at(1)
        .field("ptp.v2.logmessageperiod", Ftype::Int32, period)
        .bytes(o + at::LOG_PERIOD, 1)
        .line(format_args!("logMessagePeriod: {period}"));
    Some(true)
}

/// One bit of a 16-bit flags word: `.... ..1. .... .... = PTP_TWO_STEP: True`.
fn flag_bit(out: &mut Tree, field: &'static str, flags: u16, mask: u16, title: &str, o: usize) {
    let set = flags & mask != 0;
    out.at(2).field(field, Ftype::Boolean, u8::from(set)).bytes(o, 2).mask(u64::from(mask), u64::from(set)).line(
        format_args!(
            "{} = {title}: {}",
            masked_bits(u64::from(flags), u64::from(mask), 16),
            if set { "True" } else { "False" }
        ),
    );
}

/// The correction field (§13.3.2.7): nanoseconds times 2^16, signed; shown as
/// nanoseconds with the whole and fractional parts below.
fn correction(w: &mut Walk<'_, '_>) -> Option<()> {
    let raw = be64(w.get(at::CORRECTION, 8)?, 0) as i64;
    let (ns, sub) = (raw >> 16, (raw & 0xffff) as f64 / 65536.0);
    let o = w.o + at::CORRECTION;
    w.out.at(1).bytes(o, 8).line(format_args!("correctionField: {:.6} nanoseconds", ns as f64 + sub));
    w.out
        .at(2)
        // An unsigned field in tshark: a negative correction wraps around.
        .field("ptp.v2.correction.ns", Ftype::Uint64, ns as u64)
        .bytes(o, 6)
        .line(format_args!("correction: Ns: {ns} nanoseconds"));
    w.out
        .at(2)
        .field("ptp.v2.correction.subns", Ftype::Double, sub)
        .bytes(o + 6, 2)
        .line(format_args!("correctionSubNs: {sub}"));
    Some(())
}

/// The clock identity (§7.5.2.2) and, when it is built from a MAC address
/// (EUI-48 with `ff:fe` in the middle), the vendor part of that address.
fn clock_identity(w: &mut Walk<'_, '_>) -> Option<()> {
    w.identity(at::CLOCK_ID, "ptp.v2.clockidentity", "ClockIdentity")?;
    let id = w.get(at::CLOCK_ID, 8)?;
    if id[3..5] == [0xff, 0xfe] {
        let oui = &id[..3];
        w.out
            .at(2)
            .field("ptp.v2.clockidentity_manuf", Ftype::Bytes, Mac(oui))
            .bytes(w.o + at::CLOCK_ID, 3)
            .line(format_args!("MAC Vendor: {}", Mac(oui)));
    }
    Some(())
}

/// The requesting port identity after a response's timestamp.
fn requesting(w: &mut Walk<'_, '_>, fields: (&'static str, &'static str)) -> Option<()> {
    w.identity(at::REQUESTING, fields.0, "requestingSourcePortIdentity")?;
    w.uint(at::REQUESTING_PORT, 2, fields.1, Ftype::Uint16, "requestingSourcePortId").map(drop)
}

/// An Announce message's body (§13.5): the grandmaster's qualities.
fn announce(w: &mut Walk<'_, '_>) -> Option<()> {
    let f = ("ptp.v2.an.origintimestamp.seconds", "ptp.v2.an.origintimestamp.nanoseconds");
    w.timestamp(at::BODY, f, "originTimestamp", Ftype::Int32)?;
    let offset = be16(w.get(at::UTC_OFFSET, 2)?, 0) as i16;
    w.out
        .at(1)
        .field("ptp.v2.an.origincurrentutcoffset", Ftype::Int32, offset)
        .bytes(w.o + at::UTC_OFFSET, 2)
        .line(format_args!("originCurrentUTCOffset: {offset}"));
    w.uint(at::PRIORITY1, 1, "ptp.v2.an.priority1", Ftype::Uint8, "priority1")?;
    w.uint(at::GM_CLASS, 1, "ptp.v2.an.grandmasterclockclass", Ftype::Uint8, "grandmasterClockClass")?;
    w.named_hex(at::GM_ACCURACY, "ptp.v2.an.grandmasterclockaccuracy", "grandmasterClockAccuracy", accuracy_name)?;
    let variance = "ptp.v2.an.grandmasterclockvariance";
    w.uint(at::GM_VARIANCE, 2, variance, Ftype::Uint16, "grandmasterClockVariance")?;
    w.uint(at::PRIORITY2, 1, "ptp.v2.an.priority2", Ftype::Uint8, "priority2")?;
    w.identity(at::GM_ID, "ptp.v2.an.grandmasterclockidentity", "grandmasterClockIdentity")?;
    w.uint(at::STEPS_REMOVED, 2, "ptp.v2.an.localstepsremoved", Ftype::Uint16, "localStepsRemoved")?;
    w.named_hex(at::TIME_SOURCE, "ptp.v2.timesource", "TimeSource", time_source_name)
}

/// A Management message (§15.4): the target, the hops, the action and the
/// management TLV's header and data (the data sets themselves are not decoded).
fn management(w: &mut Walk<'_, '_>) -> Option<()> {
    w.identity(at::BODY, "ptp.v2.mm.targetportidentity", "targetPortIdentity")?;
    w.uint(at::TARGET_PORT, 2, "ptp.v2.mm.targetportid", Ftype::Uint16, "targetPortId")?;
    w.uint(at::STARTING_HOPS, 1, "ptp.v2.mm.startingboundaryhops", Ftype::Uint8, "startingBoundaryHops")?;
    w.uint(at::HOPS, 1, "ptp.v2.mm.boundaryhops", Ftype::Uint8, "boundaryHops")?;
    let action = *w.d.get(at::ACTION)? & 0x0f;
    w.out
        .at(1)
        .field("ptp.v2.mm.action", Ftype::Uint8, action)
        .bytes(w.o + at::ACTION, 1)
        .mask(0x0f, u64::from(action))
        .line(format_args!(
            "{} = action: {} ({action})",
            bit_pattern(u32::from(action), 4, 0, 8),
            action_name(action).unwrap_or("Unknown")
        ));
    let kind = be16(w.get(at::TLV_TYPE, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.v2.mm.tlvType", Ftype::Uint16, kind)
        .bytes(w.o + at::TLV_TYPE, 2)
        .line(format_args!("tlvType: {} ({kind})", tlv_name(kind)));
    let len = w.uint(at::TLV_LENGTH, 2, "ptp.v2.mm.lengthField", Ftype::Uint16, "lengthField")?;
    if kind == TLV_MANAGEMENT_ERROR {
        return management_error(w);
    }
    if kind != TLV_MANAGEMENT {
        return Some(());
    }
    let id = be16(w.get(at::MANAGEMENT_ID, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.v2.mm.managementId", Ftype::Uint16, id)
        .bytes(w.o + at::MANAGEMENT_ID, 2)
        .line(format_args!("managementId: {} ({id})", management_id(id).map_or("Unknown", |m| m.0)));
    let n = usize::try_from(len).ok()?.saturating_sub(2);
    if n > 0 {
        let data = w.get(at::MANAGEMENT_DATA, n)?;
        w.out
            .at(1)
            .field("ptp.v2.mm.data", Ftype::Bytes, Mac(data))
            .bytes(w.o + at::MANAGEMENT_DATA, n)
            .line(format_args!("data: {}", shown_bytes(data)));
    }
    Some(())
}

/// A management error status TLV (§15.5.4): the error and the management ID it is about.
fn management_error(w: &mut Walk<'_, '_>) -> Option<()> {
    let e = be16(w.get(at::MANAGEMENT_ID, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.v2.mm.managementErrorId", Ftype::Uint16, e)
        .bytes(w.o + at::MANAGEMENT_ID, 2)
        .line(format_args!("managementErrorId: {} ({e})", management_error_name(e).unwrap_or("Unknown")));
    let id = be16(w.get(at::MANAGEMENT_DATA, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.v2.mm.managementId", Ftype::Uint16, id)
        .bytes(w.o + at::MANAGEMENT_DATA, 2)
        .line(format_args!("managementId: {} ({id})", management_id(id).map_or("Unknown", |m| m.0)));
    Some(())
}

/// The version 1 common header (IEEE 1588-2002 §6.2.4); the bodies are not decoded.
fn v1_tree(d: &[u8], o: usize, out: &mut Tree) -> Option<()> {
    let mut w = Walk { d, o, out };
    w.uint(0, 2, "ptp.versionptp", Ftype::Uint16, "versionPTP")?;
    w.uint(v1::VERSION_NETWORK, 2, "ptp.versionnetwork", Ftype::Uint16, "versionNetwork")?;
    let sub = w.get(v1::SUBDOMAIN, v1::SUBDOMAIN_LEN)?;
    let sub = String::from_utf8_lossy(&sub[..sub.iter().position(|&b| b == 0).unwrap_or(sub.len())]).into_owned();
    w.out
        .at(1)
        .field("ptp.subdomain", Ftype::String, &sub)
        .bytes(o + v1::SUBDOMAIN, v1::SUBDOMAIN_LEN)
        .line(format_args!("subdomain: {sub}"));
    let t = *w.d.get(v1::MESSAGE_TYPE)?;
    let name = match t {
        1 => "Event Message",
        2 => "General Message",
        _ => "Unknown",
    };
    w.out
        .at(1)
        .field("ptp.messagetype", Ftype::Uint8, t)
        .bytes(o + v1::MESSAGE_TYPE, 1)
        .line(format_args!("messageType: {name} ({t})"));
    let tech = *w.d.get(v1::TECHNOLOGY)?;
    w.out
        .at(1)
        .field("ptp.sourcecommunicationtechnology", Ftype::Uint8, tech)
        .bytes(o + v1::TECHNOLOGY, 1)
        .line(format_args!("sourceCommunicationTechnology: {} ({tech})", technology_name(tech)));
    let uuid = w.get(v1::UUID, 6)?;
    let uuid = Mac(uuid).to_string();
    w.out
        .at(1)
        .field("ptp.sourceuuid", Ftype::Ether, &uuid)
        .bytes(o + v1::UUID, 6)
        .line(format_args!("sourceUuid: {uuid}"));
    w.uint(v1::PORT_ID, 2, "ptp.sourceportid", Ftype::Uint16, "sourcePortId")?;
    w.uint(v1::SEQUENCE, 2, "ptp.sequenceid", Ftype::Uint16, "sequenceId")?;
    let c = *w.d.get(v1::CONTROL)?;
    w.out
        .at(1)
        .field("ptp.controlfield", Ftype::Uint8, c)
        .bytes(o + v1::CONTROL, 1)
        .line(format_args!("controlField: {} ({c})", control_name(c)));
    let flags = be16(w.get(v1::FLAGS, 2)?, 0);
    w.out
        .at(1)
        .field("ptp.flags", Ftype::Uint16, Value::hex16(flags))
        .bytes(o + v1::FLAGS, 2)
        .line(format_args!("flags: 0x{flags:04x}"));
    for (field, mask, title) in V1_FLAGS {
        flag_bit(w.out, field, flags, mask, title, o + v1::FLAGS);
    }
    (d.len() >= v1::END).then_some(())
}

#[cfg(test)]
mod tests;
