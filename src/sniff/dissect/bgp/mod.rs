//! BGP-4, the Border Gateway Protocol (RFC 4271, TCP port 179): the routing
//! protocol between autonomous systems. Every message starts with a 19-byte
//! header (RFC 4271 §4.1): a 16-byte marker of all ones, a two-byte length that
//! counts the whole message, and a type: OPEN (§4.2), UPDATE (§4.3),
//! NOTIFICATION (§4.5), KEEPALIVE (§4.4) and ROUTE-REFRESH (RFC 2918, with the
//! subtypes of RFC 7313).
//!
//! TCP carries a byte stream, so one segment may hold several messages and a
//! message may span segments: the dissector measures each message from its
//! header ([`Dissector::pdu_len`]) and the pipeline reassembles them; a PDU
//! handed here is one segment's whole messages, listed one after another in
//! the Info column as tshark lists them (`KEEPALIVE Message, UPDATE Message`).
//! tshark reads each message apart: one that is cut short inside its declared
//! length is `[Malformed Packet]` after its name, and the next one is read all
//! the same.

mod mp;
mod names;
mod tree;

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use crate::proto::bytes::be16_at;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The BGP dissector.
pub struct Bgp;

/// BGP's TCP port (RFC 4271 §8.2.1).
const PORT: u16 = 179;

/// The marker's length: 16 bytes of all ones (RFC 4271 §4.1).
pub const MARKER_LEN: usize = 16;
/// The header: marker, length and type (RFC 4271 §4.1).
pub const HEADER_LEN: usize = 19;
/// Offset of the length in the header.
pub const LENGTH_AT: usize = 16;
/// Offset of the type in the header.
pub const TYPE_AT: usize = 18;

/// Message types (RFC 4271 §4.1, RFC 2918 §3).
pub mod kind {
    /// OPEN.
    pub const OPEN: u8 = 1;
    /// UPDATE.
    pub const UPDATE: u8 = 2;
    /// NOTIFICATION.
    pub const NOTIFICATION: u8 = 3;
    /// KEEPALIVE.
    pub const KEEPALIVE: u8 = 4;
    /// ROUTE-REFRESH.
    pub const ROUTE_REFRESH: u8 = 5;
    /// CAPABILITY (draft-ietf-idr-dynamic-cap).
    pub const CAPABILITY: u8 = 6;
    /// Cisco's pre-standard ROUTE-REFRESH.
    pub const ROUTE_REFRESH_CISCO: u8 = 0x80;
}

/// One message of a PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msg<'p> {
    /// Its offset in the PDU.
    pub at: usize,
    /// Its bytes: as long as its header declares, or fewer when the capture
    /// holds fewer.
    pub bytes: &'p [u8],
    /// Its type.
    pub kind: u8,
}

/// The messages of a PDU as tshark walks them: from the first marker (the
/// bytes before it are a continuation of an earlier message), one message after
/// another, each as long as its header says. `bad_length` says the walk
/// stopped at a header whose length is shorter than a header, which tshark
/// shows as malformed.
#[derive(Debug, Default)]
pub struct Walk<'p> {
    /// Bytes before the first marker.
    pub skipped: usize,
    /// The messages.
    pub msgs: Vec<Msg<'p>>,
    /// Whether the walk ended at a header declaring fewer than 19 bytes.
    pub bad_length: bool,
}

/// Where the first full marker starts, if any.
fn first_marker(pdu: &[u8]) -> Option<usize> {
    pdu.windows(MARKER_LEN).position(|w| w.iter().all(|&b| b == 0xff))
}

/// Walks the messages of `pdu`: from the first marker on, each message as
/// long as its header declares, markers or not (as tshark's TCP helper reads
/// them). A message the PDU holds only part of is not listed: it is one whose
/// rest TCP has yet to bring.
pub fn walk(pdu: &[u8]) -> Walk<'_> {
    let mut w = Walk::default();
    let Some(start) = first_marker(pdu) else { return w };
    w.skipped = start;
    let mut at = start;
    while let Some(rest) = pdu.get(at..).filter(|r| r.len() >= HEADER_LEN) {
        let declared = usize::from(be16_at(rest, LENGTH_AT).unwrap_or(0));
        if declared < HEADER_LEN {
            w.bad_length = true;
            break;
        }
        let Some(bytes) = rest.get(..declared) else { break };
        w.msgs.push(Msg { at, bytes, kind: rest[TYPE_AT] });
        at += declared;
    }
    w
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "bgp", ftype: Ftype::Protocol, title: "Border Gateway Protocol", base: "" },
    FieldDecl { name: "bgp.marker", ftype: Ftype::Bytes, title: "Marker", base: "BASE_NONE" },
    FieldDecl { name: "bgp.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "bgp.continuation", ftype: Ftype::None, title: "Continuation", base: "BASE_NONE" },
    FieldDecl { name: "bgp.open.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "bgp.open.myas", ftype: Ftype::Uint16, title: "My AS", base: "BASE_DEC" },
    FieldDecl { name: "bgp.open.holdtime", ftype: Ftype::Uint16, title: "Hold Time", base: "BASE_DEC" },
    FieldDecl { name: "bgp.open.identifier", ftype: Ftype::Ipv4, title: "BGP Identifier", base: "BASE_NONE" },
    FieldDecl { name: "bgp.open.opt.len", ftype: Ftype::Uint8, title: "Optional Parameters Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.open.opt", ftype: Ftype::None, title: "Optional Parameters", base: "BASE_NONE" },
    FieldDecl { name: "bgp.open.opt.param", ftype: Ftype::None, title: "Optional Parameter", base: "BASE_NONE" },
    FieldDecl { name: "bgp.open.opt.param.type", ftype: Ftype::Uint8, title: "Parameter Type", base: "BASE_DEC" },
    FieldDecl { name: "bgp.open.opt.param.len", ftype: Ftype::Uint8, title: "Parameter Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.cap", ftype: Ftype::None, title: "Capability", base: "BASE_NONE" },
    FieldDecl { name: "bgp.cap.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "bgp.cap.length", ftype: Ftype::Uint8, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.cap.4as", ftype: Ftype::Uint32, title: "AS Number", base: "BASE_DEC" },
    FieldDecl { name: "bgp.cap.unknown", ftype: Ftype::Bytes, title: "Unknown", base: "BASE_NONE" },
    FieldDecl {
        name: "bgp.update.withdrawn_routes.length",
        ftype: Ftype::Uint16,
        title: "Withdrawn Routes Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bgp.update.withdrawn_routes", ftype: Ftype::None, title: "Withdrawn Routes", base: "BASE_NONE" },
    FieldDecl {
        name: "bgp.update.path_attributes.length",
        ftype: Ftype::Uint16,
        title: "Total Path Attribute Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bgp.update.path_attributes", ftype: Ftype::None, title: "Path attributes", base: "BASE_NONE" },
    FieldDecl { name: "bgp.update.path_attribute.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl {
        name: "bgp.update.path_attribute.type_code",
        ftype: Ftype::Uint8,
        title: "Type Code",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bgp.update.path_attribute.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.update.path_attribute.origin", ftype: Ftype::Uint8, title: "Origin", base: "BASE_DEC" },
    FieldDecl { name: "bgp.update.path_attribute.next_hop", ftype: Ftype::Ipv4, title: "Next hop", base: "BASE_NONE" },
    FieldDecl {
        name: "bgp.update.path_attribute.multi_exit_disc",
        ftype: Ftype::Uint32,
        title: "Multiple exit discriminator",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.local_pref",
        ftype: Ftype::Uint32,
        title: "Local preference",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.afi",
        ftype: Ftype::Uint16,
        title: "Address family identifier (AFI)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.safi",
        ftype: Ftype::Uint8,
        title: "Subsequent address family identifier (SAFI)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.next_hop",
        ftype: Ftype::Bytes,
        title: "Next hop",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.nbr_snpa",
        ftype: Ftype::Uint8,
        title: "Number of Subnetwork points of attachment (SNPA)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.snpa_length",
        ftype: Ftype::Uint8,
        title: "SNPA Length",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_reach_nlri.snpa",
        ftype: Ftype::Bytes,
        title: "SNPA",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_unreach_nlri.afi",
        ftype: Ftype::Uint16,
        title: "Address family identifier (AFI)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.update.path_attribute.mp_unreach_nlri.safi",
        ftype: Ftype::Uint8,
        title: "Subsequent address family identifier (SAFI)",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bgp.mp_reach_nlri_ipv4_prefix",
        ftype: Ftype::Ipv4,
        title: "MP Reach NLRI IPv4 prefix",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.mp_unreach_nlri_ipv4_prefix",
        ftype: Ftype::Ipv4,
        title: "MP Unreach NLRI IPv4 prefix",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.mp_reach_nlri_ipv6_prefix",
        ftype: Ftype::Ipv6,
        title: "MP Reach NLRI IPv6 prefix",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.mp_unreach_nlri_ipv6_prefix",
        ftype: Ftype::Ipv6,
        title: "MP Unreach NLRI IPv6 prefix",
        base: "BASE_NONE",
    },
    FieldDecl {
        name: "bgp.update.nlri",
        ftype: Ftype::None,
        title: "Network Layer Reachability Information (NLRI)",
        base: "BASE_NONE",
    },
    FieldDecl { name: "bgp.prefix_length", ftype: Ftype::Uint8, title: "Prefix Length", base: "BASE_DEC" },
    FieldDecl { name: "bgp.withdrawn_prefix", ftype: Ftype::Ipv4, title: "Withdrawn prefix", base: "BASE_NONE" },
    FieldDecl { name: "bgp.nlri_prefix", ftype: Ftype::Ipv4, title: "NLRI prefix", base: "BASE_NONE" },
    FieldDecl { name: "bgp.notify.major_error", ftype: Ftype::Uint8, title: "Major error Code", base: "BASE_DEC" },
    FieldDecl { name: "bgp.notify.minor_data", ftype: Ftype::Bytes, title: "Data", base: "BASE_NONE" },
    FieldDecl {
        name: "bgp.route_refresh.afi",
        ftype: Ftype::Uint16,
        title: "Address family identifier (AFI)",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bgp.route_refresh.subtype", ftype: Ftype::Uint8, title: "Subtype", base: "BASE_DEC" },
    FieldDecl {
        name: "bgp.route_refresh.safi",
        ftype: Ftype::Uint8,
        title: "Subsequent address family identifier (SAFI)",
        base: "BASE_DEC",
    },
];

impl Dissector for Bgp {
    fn name(&self) -> &'static str {
        "bgp"
    }

    fn title(&self) -> &'static str {
        "Border Gateway Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "BGP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::TcpPort(PORT)]
    }

    /// tshark takes a segment as BGP when a marker is somewhere in it; without
    /// one it leaves the bytes to TCP.
    fn accepts(&self, pdu: &[u8]) -> bool {
        first_marker(pdu).is_some()
    }

    /// A message: the length its header declares (RFC 4271 §4.1), read
    /// wherever a message should start, as tshark reads it; a head shorter
    /// than a header asks for the rest of the header. Bytes that are not a
    /// marker but lead to one are a continuation tshark skips: the segment is
    /// then taken as it is.
    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        if head.is_empty() {
            return None;
        }
        if head.len() < HEADER_LEN {
            return Some(HEADER_LEN);
        }
        if first_marker(head).is_some_and(|at| at > 0) {
            return None;
        }
        let declared = usize::from(be16_at(head, LENGTH_AT)?);
        (declared >= HEADER_LEN).then_some(declared)
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::dissector::first_line(self, pdu, ctx)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let w = walk(pdu);
        for (i, m) in w.msgs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            names::push_kind(out, m.kind);
            if !tree::fits(m) {
                out.push_str("[Malformed Packet]");
            }
        }
        if w.bad_length {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        tree::write(pdu, o, t);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests;
