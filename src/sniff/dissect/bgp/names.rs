//! BGP's numbers by name, as tshark names them: message types (RFC 4271
//! §4.1), path attribute type codes, capability codes and address families
//! (the IANA BGP parameter registries), NOTIFICATION error codes (RFC 4271
//! §4.5, RFC 4486 for Cease).

use super::kind;

/// Appends a message type's name (`UPDATE Message`, `Unknown message type (0x24)`).
pub fn push_kind(out: &mut String, k: u8) {
    match kind_name(k) {
        Some(n) => out.push_str(n),
        None => out.push_str(&format!("Unknown message type (0x{k:02x})")),
    }
}

/// A message type's name, if it has one.
pub fn kind_name(k: u8) -> Option<&'static str> {
    Some(match k {
        kind::OPEN => "OPEN Message",
        kind::UPDATE => "UPDATE Message",
        kind::NOTIFICATION => "NOTIFICATION Message",
        kind::KEEPALIVE => "KEEPALIVE Message",
        kind::ROUTE_REFRESH => "ROUTE-REFRESH Message",
        kind::CAPABILITY => "CAPABILITY Message",
        kind::ROUTE_REFRESH_CISCO => "Cisco ROUTE-REFRESH Message",
        _ => return None,
    })
}

/// A path attribute type code's name (IANA "BGP Path Attributes").
pub fn attr_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "ORIGIN",
        2 => "AS_PATH",
        3 => "NEXT_HOP",
        4 => "MULTI_EXIT_DISC",
        5 => "LOCAL_PREF",
        6 => "ATOMIC_AGGREGATE",
        7 => "AGGREGATOR",
        8 => "COMMUNITIES",
        9 => "ORIGINATOR_ID",
        10 => "CLUSTER_LIST",
        14 => "MP_REACH_NLRI",
        15 => "MP_UNREACH_NLRI",
        16 => "EXTENDED_COMMUNITIES",
        17 => "AS4_PATH",
        18 => "AS4_AGGREGATOR",
        22 => "PMSI_TUNNEL",
        23 => "TUNNEL_ENCAPSULATION_ATTRIBUTE",
        24 => "TRAFFIC_ENGINEERING",
        25 => "IPv6_ADDRESS_SPECIFIC_EXTENDED_COMMUNITY",
        26 => "AIGP",
        27 => "PE_DISTINGUISHER_LABELS",
        29 => "BGP-LS Attribute",
        32 => "LARGE_COMMUNITY",
        33 => "BGPsec_PATH",
        36 => "D_PATH",
        40 => "BGP Prefix-SID",
        128 => "ATTR_SET",
        _ => return None,
    })
}

/// An ORIGIN value's name (RFC 4271 §5.1.1).
pub fn origin_name(v: u8) -> &'static str {
    match v {
        0 => "IGP",
        1 => "EGP",
        2 => "INCOMPLETE",
        _ => "Unknown",
    }
}

/// A capability code's name (IANA "Capability Codes", tshark's wording).
pub fn capability_name(c: u8) -> &'static str {
    match c {
        0 => "Reserved capability",
        1 => "Multiprotocol extensions capability",
        2 => "Route refresh capability",
        3 => "Cooperative route filtering capability",
        4 => "Multiple routes to a destination capability",
        5 => "Extended Next Hop Encoding",
        6 => "BGP-Extended Message",
        7 => "BGPsec capability",
        8 => "Multiple Labels capability",
        9 => "BGP Role",
        64 => "Graceful Restart capability",
        65 => "Support for 4-octet AS number capability",
        66 => "Support for Dynamic capability (Cisco)",
        67 => "Support for Dynamic capability",
        68 => "Multisession BGP Capability",
        69 => "Support for Additional Paths",
        70 => "Enhanced route refresh capability",
        71 => "Long-Lived Graceful Restart (LLGR) Capability",
        72 => "CP-ORF Capability",
        73 => "FQDN Capability",
        75 => "Software Version Capability",
        128 => "Route refresh capability (Cisco)",
        130 => "Cooperative route filtering capability (Cisco)",
        131 => "Multisession BGP Capability (Cisco)",
        _ => "Unknown capability",
    }
}

/// A NOTIFICATION error code's name (RFC 4271 §4.5).
pub fn major_name(c: u8) -> &'static str {
    match c {
        1 => "Message Header Error",
        2 => "OPEN Message Error",
        3 => "UPDATE Message Error",
        4 => "Hold Timer Expired",
        5 => "Finite State Machine Error",
        6 => "Cease",
        7 => "CAPABILITY Message Error",
        8 => "ROUTE-REFRESH Message Error",
        _ => "Unknown",
    }
}

/// An address family's name (IANA "Address Family Numbers", tshark's wording).
pub fn afi_name(a: u16) -> &'static str {
    match a {
        1 => "IPv4",
        2 => "IPv6",
        25 => "Layer-2 VPN",
        16388 => "BGP-LS",
        _ => "Unknown",
    }
}

/// A subsequent address family's name (IANA "SAFI Values", tshark's wording).
pub fn safi_name(s: u8) -> &'static str {
    match s {
        1 => "Unicast",
        2 => "Multicast",
        4 => "Labeled Unicast",
        5 => "MCAST-VPN",
        65 => "VPLS",
        70 => "EVPN",
        71 => "BGP-LS",
        72 => "BGP-LS-VPN",
        128 => "Labeled VPN Unicast",
        129 => "Labeled VPN Multicast",
        132 => "Route Target Filter",
        133 => "Flow Spec Filter",
        134 => "Flow Spec Filter VPN",
        _ => "Unknown",
    }
}

/// A ROUTE-REFRESH subtype's name (RFC 7313 §3.2), `None` for the values
/// tshark shows as hex.
pub fn refresh_subtype_name(s: u8) -> Option<&'static str> {
    Some(match s {
        0 => "Normal route refresh request [RFC2918] with/without ORF [RFC5291]",
        1 => "Demarcation of the beginning of a route refresh",
        2 => "Demarcation of the ending of a route refresh",
        _ => return None,
    })
}
