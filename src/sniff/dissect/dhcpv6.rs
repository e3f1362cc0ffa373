//! DHCPv6, how an IPv6 host gets addresses, prefixes and settings from a server
//! (RFC 8415): a message type and a transaction ID (or, between relays, a hop
//! count and two addresses), then options as code, length and value, some of
//! which hold options of their own (an IA_NA holds its IA Addresses, a Relay
//! Message a whole message).

use super::data::shown_bytes;
use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::{malformed, UtcTime};
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Mac;
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv6Addr;

/// The DHCPv6 dissector.
pub struct Dhcpv6;

/// The client's and the servers' UDP ports (RFC 8415 §7.2).
const PORTS: &[Claim] = &[Claim::UdpPort(546), Claim::UdpPort(547)];

/// Relay-forward and Relay-reply, whose header differs (RFC 8415 §9).
const RELAY_FORW: u8 = 12;
const RELAY_REPL: u8 = 13;
/// Header lengths: type and transaction ID; type, hop count and two addresses.
const HEADER_LEN: usize = 4;
const RELAY_HEADER_LEN: usize = 34;
/// An option's code and length (RFC 8415 §21.1).
const OPTION_HEADER_LEN: usize = 4;
/// Relay messages inside relay messages: as deep as the tree goes.
const MAX_NESTING: usize = 8;
/// DUIDs count time from midnight UTC, 1 January 2000 (RFC 8415 §11.2), in Unix seconds.
const DUID_EPOCH: i64 = 946_684_800;
/// Elapsed time counts hundredths of a second (RFC 8415 §21.9).
const MS_PER_ELAPSED_UNIT: u32 = 10;

/// Option codes with a decoding (RFC 8415 §21, RFC 3646 for 23 and 24, RFC 6334
/// for 64, RFC 8520 for 112).
mod code {
    pub const CLIENT_ID: u16 = 1;
    pub const SERVER_ID: u16 = 2;
    pub const IA_NA: u16 = 3;
    pub const IA_TA: u16 = 4;
    pub const IA_ADDR: u16 = 5;
    pub const ORO: u16 = 6;
    pub const PREFERENCE: u16 = 7;
    pub const ELAPSED_TIME: u16 = 8;
    pub const RELAY_MSG: u16 = 9;
    pub const STATUS_CODE: u16 = 13;
    pub const INTERFACE_ID: u16 = 18;
    pub const DNS_SERVERS: u16 = 23;
    pub const DOMAIN_LIST: u16 = 24;
    pub const IA_PD: u16 = 25;
    pub const IA_PREFIX: u16 = 26;
    pub const AFTR_NAME: u16 = 64;
    pub const MUD_URL: u16 = 112;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "dhcpv6", ftype: Ftype::Protocol, title: "DHCPv6", base: "" },
    FieldDecl { name: "dhcpv6.msgtype", ftype: Ftype::Uint8, title: "Message type", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.xid", ftype: Ftype::Uint24, title: "Transaction ID", base: "BASE_HEX" },
    FieldDecl { name: "dhcpv6.hopcount", ftype: Ftype::Uint8, title: "Hopcount", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.linkaddr", ftype: Ftype::Ipv6, title: "Link address", base: "" },
    FieldDecl { name: "dhcpv6.peeraddr", ftype: Ftype::Ipv6, title: "Peer address", base: "" },
    FieldDecl { name: "dhcpv6.option.type_str", ftype: Ftype::String, title: "Option", base: "" },
    FieldDecl { name: "dhcpv6.option.type", ftype: Ftype::Uint16, title: "Option", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.option.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.duid.bytes", ftype: Ftype::Bytes, title: "DUID", base: "" },
    FieldDecl { name: "dhcpv6.duid.type", ftype: Ftype::Uint16, title: "DUID Type", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.duidllt.hwtype", ftype: Ftype::Uint16, title: "Hardware type", base: "BASE_DEC" },
    FieldDecl {
        name: "dhcpv6.duidllt.time",
        ftype: Ftype::AbsoluteTime,
        title: "DUID Time",
        base: "ABSOLUTE_TIME_LOCAL",
    },
    FieldDecl { name: "dhcpv6.duidllt.link_layer_addr", ftype: Ftype::String, title: "Link-layer address", base: "" },
    FieldDecl { name: "dhcpv6.duidll.hwtype", ftype: Ftype::Uint16, title: "Hardware type", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.duidll.link_layer_addr", ftype: Ftype::String, title: "Link-layer address", base: "" },
    FieldDecl { name: "dhcpv6.duiden.enterprise", ftype: Ftype::Uint32, title: "Enterprise ID", base: "BASE_CUSTOM" },
    FieldDecl { name: "dhcpv6.duiden.identifier", ftype: Ftype::Bytes, title: "Identifier", base: "" },
    FieldDecl { name: "dhcpv6.duiduuid.bytes", ftype: Ftype::Bytes, title: "UUID", base: "" },
    FieldDecl { name: "dhcpv6.iaid", ftype: Ftype::String, title: "IAID", base: "" },
    FieldDecl { name: "dhcpv6.iaid.t1", ftype: Ftype::Uint32, title: "T1", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.iaid.t2", ftype: Ftype::Uint32, title: "T2", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.iata", ftype: Ftype::String, title: "IATA", base: "" },
    FieldDecl { name: "dhcpv6.iaaddr.ip", ftype: Ftype::Ipv6, title: "IPv6 address", base: "" },
    FieldDecl {
        name: "dhcpv6.iaaddr.pref_lifetime",
        ftype: Ftype::Uint32,
        title: "Preferred lifetime",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcpv6.iaaddr.valid_lifetime", ftype: Ftype::Uint32, title: "Valid lifetime", base: "BASE_DEC" },
    FieldDecl {
        name: "dhcpv6.iaprefix.pref_lifetime",
        ftype: Ftype::Uint32,
        title: "Preferred lifetime",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcpv6.iaprefix.valid_lifetime",
        ftype: Ftype::Uint32,
        title: "Valid lifetime",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcpv6.iaprefix.pref_len", ftype: Ftype::Uint8, title: "Prefix length", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.iaprefix.pref_addr", ftype: Ftype::Ipv6, title: "Prefix address", base: "" },
    FieldDecl {
        name: "dhcpv6.requested_option_code",
        ftype: Ftype::Uint16,
        title: "Requested Option code",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcpv6.option_preference", ftype: Ftype::Uint8, title: "Pref-value", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.elapsed_time", ftype: Ftype::Uint16, title: "Elapsed time", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.status_code", ftype: Ftype::Uint16, title: "Status Code", base: "BASE_DEC" },
    FieldDecl { name: "dhcpv6.status_msg", ftype: Ftype::String, title: "Status Message", base: "" },
    FieldDecl { name: "dhcpv6.interface_id", ftype: Ftype::Bytes, title: "Interface-ID", base: "" },
    FieldDecl { name: "dhcpv6.dns_server", ftype: Ftype::Ipv6, title: "DNS server address", base: "" },
    FieldDecl { name: "dhcpv6.aftr_name", ftype: Ftype::String, title: "DS-Lite AFTR Name", base: "" },
    FieldDecl { name: "dhcpv6.mudurl", ftype: Ftype::String, title: "MUDURL", base: "" },
    FieldDecl { name: "dhcpv6.search_list_entry", ftype: Ftype::String, title: "List entry", base: "" },
    FieldDecl { name: "dhcpv6.tld", ftype: Ftype::String, title: "Top Level Domain name", base: "" },
];

/// Wireshark's name of a message type (RFC 8415 §7.3, RFC 5007, RFC 5460, RFC 6977).
fn message_type_name(t: u8) -> &'static str {
    const NAMES: [&str; 19] = [
        "Solicit",
        "Advertise",
        "Request",
        "Confirm",
        "Renew",
        "Rebind",
        "Reply",
        "Release",
        "Decline",
        "Reconfigure",
        "Information-request",
        "Relay-forw",
        "Relay-reply",
        "Leasequery",
        "Leasequery-reply",
        "Leasequery-done",
        "Leasequery-data",
        "Reconfigure-request",
        "Reconfigure-reply",
    ];
    usize::from(t).checked_sub(1).and_then(|i| NAMES.get(i)).copied().unwrap_or("Unknown")
}

/// Wireshark's name of option `code` (the IANA "DHCPv6 Option Codes" registry).
fn option_name(c: u16) -> &'static str {
    const NAMES: [&str; 137] = [
        "Client Identifier",
        "Server Identifier",
        "Identity Association for Non-temporary Address",
        "Identity Association for Temporary Address",
        "IA Address",
        "Option Request",
        "Preference",
        "Elapsed time",
        "Relay Message",
        "Unknown",
        "Authentication",
        "Server unicast",
        "Status code",
        "Rapid Commit",
        "User Class",
        "Vendor Class",
        "Vendor-specific Information",
        "Interface-Id",
        "Reconfigure Message",
        "Reconfigure Accept",
        "SIP Server Domain Name List",
        "SIP Servers IPv6 Address List",
        "DNS recursive name server",
        "Domain Search List",
        "Identity Association for Prefix Delegation",
        "IA Prefix",
        "Network Information Server",
        "Network Information Server V2",
        "Network Information Server Domain Name",
        "Network Information Server V2 Domain Name",
        "Simple Network Time Protocol Server",
        "Lifetime",
        "BCMCS Server Domain",
        "BCMCS Servers IPv6 Address List",
        "Unknown",
        "Geoconf Civic Address",
        "Remote Identifier",
        "Subscriber Identifier",
        "Client Fully Qualified Domain Name",
        "PANA Agents IPv6 Address List",
        "Time Zone",
        "Time Zone Database",
        "Echo Request Option",
        "Leasequery Query",
        "Leasequery Client Data",
        "Client Last Transaction Time",
        "Leasequery Relay Data",
        "Leasequery Client Link Address List",
        "Home Network Identifier FQDN",
        "Visited Home Network Information",
        "LoST Server",
        "CAPWAP Access Controllers",
        "Relay-ID",
        "MoS IPv6 Address",
        "MoS Domain Name List",
        "NTP Server",
        "Access Network Domain Name",
        "SIP User Agent Configuration Service Domains",
        "Boot File URL",
        "Boot File Parameters",
        "Client System Architecture Type",
        "Client Network Interface Identifier",
        "Geolocation",
        "Dual-Stack Lite AFTR Name",
        "ERP Local Domain Name",
        "Relay-Supplied Options",
        "Prefix Exclude",
        "Virtual Subnet Selection",
        "Identified Home Network Information",
        "Unrestricted Home Network Information",
        "Home Network Prefix",
        "Home Agent Address",
        "Home Agent FQDN",
        "RDNSS Selection",
        "Kerberos Principal Name",
        "Kerberos Realm Name",
        "Kerberos Default Realm Name",
        "Kerberos KDC",
        "Client Link-Layer Address",
        "Link Address",
        "RADIUS",
        "SOL_MAX_RT",
        "INF_MAX_RT",
        "Address Selection",
        "Address Selection table",
        "PCP Server",
        "DHCPv4 Message",
        "DHCP 4o6 Servers Address",
        "S46 Rule",
        "S46 BR",
        "S46 DMR",
        "S46 IPv4/IPv6 Address Binding",
        "S46 Port Parameters",
        "S46 MAP-E Container",
        "S46 MAP-T Container",
        "S46 Lightweight 4over6 Container",
        "4rd Options",
        "4rd Mapping Rule",
        "4rd Non-Mapping Rule",
        "LQ Server Base Time",
        "LQ Server Query Start Time",
        "LQ Server Query End Time",
        "Captive Portal",
        "MPL Parameter Configuration",
        "Access Technology Type",
        "Access Network Name",
        "Access Point Name",
        "Access Point BSSID",
        "Access Network Operator ID",
        "Access Network Operator Realm",
        "S46 Priority",
        "Manufacturer Usage Description",
        "IPv4/IPv6 Multicast Prefixes",
        "Failover Binding Status",
        "Failover Connect Flags",
        "Failover DNS Removal Info",
        "Failover DNS Hostname",
        "Failover DNS Zone Name",
        "Failover DNS Flags",
        "Failover Expiration Time",
        "Failover Maximum Number Unacked BNDUPD Messages",
        "Failover Maximum Client Lead Time (MCLT)",
        "Failover Partner Lifetime",
        "Failover Partner Lifetime Sent",
        "Failover Partner Down Time",
        "Failover Partner Raw Client Time",
        "Failover Protocol Version",
        "Failover Keepalive Time",
        "Failover Reconfigure Data",
        "Failover Relationship Name",
        "Failover Server Flags",
        "Failover Server State",
        "Failover Start Time of State",
        "Failover State Expiration Time",
        "Relay Source Port",
        "SZTP Redirect",
        "Softwire Source Binding Prefix Hint",
    ];
    match c {
        143 => "ANDSF IPv6 Address",
        _ => usize::from(c).checked_sub(1).and_then(|i| NAMES.get(i)).copied().unwrap_or("Unknown"),
    }
}

/// Wireshark's name of a DUID type (RFC 8415 §11.1, RFC 6355).
fn duid_type_name(t: u16) -> &'static str {
    match t {
        1 => "link-layer address plus time",
        2 => "assigned by vendor based on Enterprise number",
        3 => "link-layer address",
        4 => "Universally Unique IDentifier (UUID)",
        _ => "Unknown",
    }
}

/// Wireshark's name of a status code (RFC 8415 §21.13, RFC 5007, RFC 5460, RFC 8156).
fn status_name(s: u16) -> &'static str {
    const NAMES: [&str; 16] = [
        "Success",
        "UnspecFail",
        "NoAddrAvail",
        "NoBinding",
        "NotOnLink",
        "UseMulticast",
        "NoPrefixAvail",
        "UnknownQueryType",
        "MalformedQuery",
        "NotConfigured",
        "NotAllowed",
        "QueryTerminated",
        "DataMissing",
        "CatchUpComplete",
        "NotSupported",
        "TLSConnectionRefused",
    ];
    NAMES.get(usize::from(s)).copied().unwrap_or("Unknown")
}

/// The name of a hardware type (ARP's numbers).
fn hw_type_name(t: u16) -> &'static str {
    match t {
        1 => "Ethernet",
        6 => "IEEE 802",
        _ => "Unknown",
    }
}

/// One option as it lies in the message: its code, where it starts and its
/// value, or `None` for a value the message cuts.
struct Opt<'a> {
    code: u16,
    at: usize,
    value: Option<&'a [u8]>,
}

/// The options in `b` from `start` (offsets relative to `b`); the last one is
/// cut when the message ends inside it.
fn options(b: &[u8], start: usize) -> Vec<Opt<'_>> {
    let mut out = Vec::new();
    let mut at = start;
    while at < b.len() {
        let Some(head) = b.get(at..at + OPTION_HEADER_LEN) else {
            out.push(Opt { code: b.get(at..at + 2).map_or(0, |c| be16(c, 0)), at, value: None });
            break;
        };
        let (code, len) = (be16(head, 0), usize::from(be16(head, 2)));
        let value = b.get(at + OPTION_HEADER_LEN..at + OPTION_HEADER_LEN + len);
        out.push(Opt { code, at, value });
        // tshark reads no further than a cut option or one of code 0.
        if value.is_none() || code == 0 {
            break;
        }
        at += OPTION_HEADER_LEN + len;
    }
    out
}

/// Where the options of a message of type `t` start.
fn options_start(t: u8) -> usize {
    if matches!(t, RELAY_FORW | RELAY_REPL) {
        RELAY_HEADER_LEN
    } else {
        HEADER_LEN
    }
}

/// Where the options inside an option's value start, for the options that hold options.
fn inner_start(code: u16) -> Option<usize> {
    match code {
        code::IA_NA | code::IA_PD => Some(12),
        code::IA_TA => Some(4),
        code::IA_ADDR => Some(24),
        code::IA_PREFIX => Some(25),
        _ => None,
    }
}

/// The IPv6 address at `at`, if `b` holds it.
fn addr6(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    let a: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(a))
}

/// Whether a message, or a message it carries, is cut short.
fn cut_short(m: &[u8], depth: usize) -> bool {
    let Some(&t) = m.first() else { return true };
    if m.len() < options_start(t) {
        return true;
    }
    options(m, options_start(t)).iter().any(|o| match o.value {
        None => true,
        Some(v) if o.code == code::RELAY_MSG && depth < MAX_NESTING => cut_short(v, depth + 1),
        Some(v) => inner_start(o.code).is_some_and(|s| v.len() < s || options(v, s).iter().any(|i| i.value.is_none())),
    })
}

impl Dissector for Dhcpv6 {
    fn name(&self) -> &'static str {
        "dhcpv6"
    }

    fn title(&self) -> &'static str {
        "DHCPv6"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "DHCPv6"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        info(pdu, out, 0);
        if cut_short(pdu, 0) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        message(out, pdu, o, 0);
        if cut_short(pdu, 0) {
            malformed(out, "DHCPv6");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The Info column of message `m`: its type, transaction ID and the client
/// identifiers and addresses of its options (a relay's, of the message it carries).
fn info(m: &[u8], out: &mut String, depth: usize) {
    let Some(&t) = m.first() else { return };
    let _ = write!(out, "{} ", message_type_name(t));
    if matches!(t, RELAY_FORW | RELAY_REPL) {
        if let Some(l) = addr6(m, 2) {
            let _ = write!(out, "L: {l} ");
        }
    } else if m.len() >= HEADER_LEN {
        let xid = u32::from_be_bytes([0, m[1], m[2], m[3]]);
        let _ = write!(out, "XID: 0x{xid:06x} ");
    }
    if m.len() >= options_start(t) {
        options_info(m, options_start(t), out, depth);
    }
}

/// The Info column's part for the options of `b` from `start`.
fn options_info(b: &[u8], start: usize, out: &mut String, depth: usize) {
    for o in options(b, start) {
        let Some(v) = o.value else { return };
        match o.code {
            code::CLIENT_ID => {
                let _ = write!(out, "CID: {} ", crate::sniff::render::Hex(v));
            }
            code::IA_ADDR => {
                if let Some(a) = addr6(v, 0) {
                    let _ = write!(out, "IAA: {a} ");
                }
            }
            code::RELAY_MSG if depth < MAX_NESTING => info(v, out, depth + 1),
            _ => {}
        }
        if let Some(s) = inner_start(o.code).filter(|&s| v.len() >= s) {
            options_info(v, s, out, depth);
        }
    }
}

/// A message's block at depth `depth`: its header and options.
fn message(out: &mut Tree, m: &[u8], o: usize, depth: usize) {
    out.at(depth).proto("dhcpv6").bytes(o, m.len()).line(format_args!("DHCPv6"));
    let d = depth + 1;
    let Some(&t) = m.first() else { return };
    out.at(d)
        .field("dhcpv6.msgtype", Ftype::Uint8, t)
        .bytes(o, 1)
        .line(format_args!("Message type: {} ({t})", message_type_name(t)));
    if matches!(t, RELAY_FORW | RELAY_REPL) {
        let Some(&hops) = m.get(1) else { return };
        out.at(d).field("dhcpv6.hopcount", Ftype::Uint8, hops).bytes(o + 1, 1).line(format_args!("Hopcount: {hops}"));
        for (at, name, title) in [(2, "dhcpv6.linkaddr", "Link address"), (18, "dhcpv6.peeraddr", "Peer address")] {
            let Some(a) = addr6(m, at) else { return };
            out.at(d).field(name, Ftype::Ipv6, a).bytes(o + at, 16).line(format_args!("{title}: {a}"));
        }
    } else {
        let Some(x) = m.get(1..HEADER_LEN) else { return };
        let xid = u32::from_be_bytes([0, x[0], x[1], x[2]]);
        out.at(d)
            .field("dhcpv6.xid", Ftype::Uint24, Value::hex(u64::from(xid), 6))
            .bytes(o + 1, 3)
            .line(format_args!("Transaction ID: 0x{xid:06x}"));
    }
    option_list(out, m, options_start(t), o, d);
}

/// The options of `b` from `start`, `b` being at `o` in the frame.
fn option_list(out: &mut Tree, b: &[u8], start: usize, o: usize, d: usize) {
    for opt in options(b, start) {
        option(out, &opt, o, d);
    }
}

/// One option: a block named after it with its code, length and value.
fn option(out: &mut Tree, opt: &Opt<'_>, o: usize, d: usize) {
    let name = option_name(opt.code);
    let at = o + opt.at;
    let len = opt.value.map_or(0, |v| v.len());
    // tshark titles an option it has no name for by its code.
    let title = if name == "Unknown" { format!("DHCP option {}", opt.code) } else { name.to_string() };
    let block = out.at(d).field("dhcpv6.option.type_str", Ftype::String, &title);
    block.bytes(at, OPTION_HEADER_LEN + len).line(format_args!("{title}"));
    out.at(d + 1)
        .field("dhcpv6.option.type", Ftype::Uint16, opt.code)
        .bytes(at, 2)
        .line(format_args!("Option: {name} ({})", opt.code));
    let Some(v) = opt.value else { return };
    out.at(d + 1)
        .field("dhcpv6.option.length", Ftype::Uint16, len)
        .bytes(at + 2, 2)
        .line(format_args!("Length: {len}"));
    value(out, opt.code, v, at + OPTION_HEADER_LEN, d + 1);
}

/// The decoded value `v` (at `o`) of an option.
fn value(out: &mut Tree, c: u16, v: &[u8], o: usize, d: usize) {
    match c {
        code::CLIENT_ID | code::SERVER_ID => duid(out, v, o, d),
        code::IA_NA | code::IA_PD => {
            let Some(b) = v.get(..12) else { return };
            iaid(out, "dhcpv6.iaid", "IAID", b, o, d);
            uint32(out, "dhcpv6.iaid.t1", "T1", be32(b, 4), o + 4, d);
            uint32(out, "dhcpv6.iaid.t2", "T2", be32(b, 8), o + 8, d);
            option_list(out, v, 12, o, d);
        }
        code::IA_TA => {
            let Some(b) = v.get(..4) else { return };
            iaid(out, "dhcpv6.iata", "IATA", b, o, d);
            option_list(out, v, 4, o, d);
        }
        code::IA_ADDR => {
            let (Some(a), Some(b)) = (addr6(v, 0), v.get(16..24)) else { return };
            out.at(d).field("dhcpv6.iaaddr.ip", Ftype::Ipv6, a).bytes(o, 16).line(format_args!("IPv6 address: {a}"));
            uint32(out, "dhcpv6.iaaddr.pref_lifetime", "Preferred lifetime", be32(b, 0), o + 16, d);
            uint32(out, "dhcpv6.iaaddr.valid_lifetime", "Valid lifetime", be32(b, 4), o + 20, d);
            option_list(out, v, 24, o, d);
        }
        code::IA_PREFIX => {
            let (Some(b), Some(a)) = (v.get(..9), addr6(v, 9)) else { return };
            uint32(out, "dhcpv6.iaprefix.pref_lifetime", "Preferred lifetime", be32(b, 0), o, d);
            uint32(out, "dhcpv6.iaprefix.valid_lifetime", "Valid lifetime", be32(b, 4), o + 4, d);
            let n = b[8];
            out.at(d)
                .field("dhcpv6.iaprefix.pref_len", Ftype::Uint8, n)
                .bytes(o + 8, 1)
                .line(format_args!("Prefix length: {n}"));
            out.at(d)
                .field("dhcpv6.iaprefix.pref_addr", Ftype::Ipv6, a)
                .bytes(o + 9, 16)
                .line(format_args!("Prefix address: {a}"));
            option_list(out, v, 25, o, d);
        }
        code::ORO => {
            for (i, c) in v.chunks_exact(2).enumerate() {
                let r = be16(c, 0);
                out.at(d)
                    .field("dhcpv6.requested_option_code", Ftype::Uint16, r)
                    .bytes(o + 2 * i, 2)
                    .line(format_args!("Requested Option code: {} ({r})", option_name(r)));
            }
        }
        code::PREFERENCE => {
            if let [p] = v {
                out.at(d)
                    .field("dhcpv6.option_preference", Ftype::Uint8, p)
                    .bytes(o, 1)
                    .line(format_args!("Pref-value: {p}"));
            }
        }
        code::ELAPSED_TIME => {
            if let [a, b] = v {
                // tshark gives the field its value in milliseconds.
                let ms = u32::from(u16::from_be_bytes([*a, *b])) * MS_PER_ELAPSED_UNIT;
                out.at(d)
                    .field("dhcpv6.elapsed_time", Ftype::Uint16, ms)
                    .bytes(o, 2)
                    .line(format_args!("Elapsed time: {ms}ms"));
            }
        }
        code::RELAY_MSG if d < MAX_NESTING => message(out, v, o, d),
        code::STATUS_CODE => status(out, v, o, d),
        code::DNS_SERVERS => {
            for (i, c) in v.chunks_exact(16).enumerate() {
                let a = addr6(c, 0).unwrap_or(Ipv6Addr::UNSPECIFIED);
                out.at(d)
                    .field("dhcpv6.dns_server", Ftype::Ipv6, a)
                    .bytes(o + 16 * i, 16)
                    .line(format_args!("{:>2} DNS server address: {a}", i + 1));
            }
        }
        code::DOMAIN_LIST => domain_list(out, v, o, d),
        code::AFTR_NAME => {
            if let Some((name, _, len)) = wire_name(v) {
                out.at(d)
                    .field("dhcpv6.aftr_name", Ftype::String, &name)
                    .bytes(o, len)
                    .line(format_args!("DS-Lite AFTR Name: {name}"));
            }
        }
        code::MUD_URL if !v.is_empty() => {
            let url = String::from_utf8_lossy(v);
            out.at(d).field("dhcpv6.mudurl", Ftype::String, &url).bytes(o, v.len()).line(format_args!("MUDURL: {url}"));
        }
        code::INTERFACE_ID => {
            out.at(d)
                .field("dhcpv6.interface_id", Ftype::Bytes, Mac(v))
                .bytes(o, v.len())
                .line(format_args!("Interface-ID: {}", shown_bytes(v)));
        }
        _ => {}
    }
}

/// `IAID: 295e7744`: an identity association's ID in hex, a string to tshark.
fn iaid(out: &mut Tree, name: &'static str, title: &str, b: &[u8], o: usize, d: usize) {
    let id = crate::sniff::render::Hex(&b[..4]).to_string();
    out.at(d).field(name, Ftype::String, &id).bytes(o, 4).line(format_args!("{title}: {id}"));
}

/// A 32-bit number item.
fn uint32(out: &mut Tree, name: &'static str, title: &str, v: u32, o: usize, d: usize) {
    out.at(d).field(name, Ftype::Uint32, v).bytes(o, 4).line(format_args!("{title}: {v}"));
}

/// A DUID (RFC 8415 §11): its bytes, its type and the parts of the common types.
fn duid(out: &mut Tree, v: &[u8], o: usize, d: usize) {
    out.at(d)
        .field("dhcpv6.duid.bytes", Ftype::Bytes, Mac(v))
        .bytes(o, v.len())
        .line(format_args!("DUID: {}", shown_bytes(v)));
    let Some(t) = v.get(..2).map(|b| be16(b, 0)) else { return };
    out.at(d)
        .field("dhcpv6.duid.type", Ftype::Uint16, t)
        .bytes(o, 2)
        .line(format_args!("DUID Type: {} ({t})", duid_type_name(t)));
    match t {
        1 if v.len() >= 8 => {
            hw_type(out, "dhcpv6.duidllt.hwtype", be16(v, 2), o + 2, d);
            let secs = DUID_EPOCH + i64::from(be32(v, 4));
            let when = UtcTime(secs * 1_000_000_000);
            out.at(d)
                .field("dhcpv6.duidllt.time", Ftype::AbsoluteTime, format_args!("{when} UTC"))
                .bytes(o + 4, 4)
                .line(format_args!("DUID Time: {when} UTC"));
            link_layer(out, "dhcpv6.duidllt.link_layer_addr", &v[8..], o + 8, d);
        }
        2 if v.len() >= 6 => {
            let e = be32(v, 2);
            out.at(d)
                .field("dhcpv6.duiden.enterprise", Ftype::Uint32, e)
                .bytes(o + 2, 4)
                .line(format_args!("Enterprise ID: {e}"));
            let id = &v[6..];
            out.at(d)
                .field("dhcpv6.duiden.identifier", Ftype::Bytes, Mac(id))
                .bytes(o + 6, id.len())
                .line(format_args!("Identifier: {}", shown_bytes(id)));
        }
        3 if v.len() >= 4 => {
            hw_type(out, "dhcpv6.duidll.hwtype", be16(v, 2), o + 2, d);
            link_layer(out, "dhcpv6.duidll.link_layer_addr", &v[4..], o + 4, d);
        }
        4 => {
            let id = &v[2..];
            out.at(d)
                .field("dhcpv6.duiduuid.bytes", Ftype::Bytes, Mac(id))
                .bytes(o + 2, id.len())
                .line(format_args!("UUID: {}", shown_bytes(id)));
        }
        _ => {}
    }
}

/// `Hardware type: Ethernet (1)`.
fn hw_type(out: &mut Tree, name: &'static str, t: u16, o: usize, d: usize) {
    out.at(d).field(name, Ftype::Uint16, t).bytes(o, 2).line(format_args!("Hardware type: {} ({t})", hw_type_name(t)));
}

/// `Link-layer address: 00:0c:29:5e:77:44`, a string to tshark.
fn link_layer(out: &mut Tree, name: &'static str, a: &[u8], o: usize, d: usize) {
    if a.is_empty() {
        return;
    }
    let text = Mac(a).to_string();
    out.at(d).field(name, Ftype::String, &text).bytes(o, a.len()).line(format_args!("Link-layer address: {text}"));
}

/// A status code and its message (RFC 8415 §21.13).
fn status(out: &mut Tree, v: &[u8], o: usize, d: usize) {
    let Some(s) = v.get(..2).map(|b| be16(b, 0)) else { return };
    out.at(d)
        .field("dhcpv6.status_code", Ftype::Uint16, s)
        .bytes(o, 2)
        .line(format_args!("Status Code: {} ({s})", status_name(s)));
    let msg = String::from_utf8_lossy(&v[2..]);
    out.at(d)
        .field("dhcpv6.status_msg", Ftype::String, &msg)
        .bytes(o + 2, v.len() - 2)
        .line(format_args!("Status Message: {msg}"));
}

/// The names of a Domain Search List, in DNS wire form without compression
/// (RFC 3646 §4, RFC 8415 §10): each name, and a warning for a lone label.
fn domain_list(out: &mut Tree, v: &[u8], o: usize, d: usize) {
    out.at(d).bytes(o, v.len()).line(format_args!("Domain name suffix search list"));
    let mut at = 0;
    while at < v.len() {
        let Some((name, labels, len)) = wire_name(&v[at..]) else { return };
        if labels == 1 {
            out.at(d + 1)
                .field("dhcpv6.tld", Ftype::String, &name)
                .bytes(o + at, len)
                .line(format_args!("Top Level Domain name (TLD): {name}"));
            let msg = "WARNING: TLDs are rarely resolvable ";
            out.at(d + 2).line(format_args!("{msg}"));
            out.expert(d + 3, "dhcpv6.expert.tld_lookup", Severity::Warning, Group::Comment, msg);
        } else {
            out.at(d + 1)
                .field("dhcpv6.search_list_entry", Ftype::String, &name)
                .bytes(o + at, len)
                .line(format_args!("List entry: {name}"));
        }
        at += len;
    }
}

/// A name in DNS wire form at the start of `b`: its text with the final dot,
/// its number of labels and its length; `None` when `b` ends inside it.
fn wire_name(b: &[u8]) -> Option<(String, usize, usize)> {
    let (mut name, mut labels, mut at) = (String::new(), 0, 0);
    loop {
        let n = usize::from(*b.get(at)?);
        if n == 0 {
            return Some((name, labels, at + 1));
        }
        let label = b.get(at + 1..at + 1 + n)?;
        name.push_str(&String::from_utf8_lossy(label));
        name.push('.');
        labels += 1;
        at += 1 + n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dhcp6_outlease_acquisition.pcapng frame 1: a Solicit with a DUID-LLT client
    /// identifier, an option request, elapsed time and an empty IA_NA.
    const SOLICIT: &[u8] = &[
        0x01, 0x9d, 0xe0, 0x3f, // Solicit, XID
        0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x1d, 0xef, 0x69, 0xbd, 0x00, 0x0c, 0x29, 0x5e, 0x77,
        0x44, // client identifier
        0x00, 0x06, 0x00, 0x08, 0x00, 0x17, 0x00, 0x18, 0x00, 0x27, 0x00, 0x1f, // option request
        0x00, 0x08, 0x00, 0x02, 0x00, 0x00, // elapsed time
        0x00, 0x03, 0x00, 0x0c, 0x29, 0x5e, 0x77, 0x44, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x15, 0x18, // IA_NA
    ];
    /// Frame 2: the Advertise, with a server identifier, an IA_NA holding an IA
    /// Address, and a DNS server.
    const ADVERTISE: &[u8] = &[
        0x02, 0x9d, 0xe0, 0x3f, // Advertise, XID
        0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x1d, 0xef, 0x69, 0xbd, 0x00, 0x0c, 0x29, 0x5e, 0x77,
        0x44, // client identifier
        0x00, 0x02, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x1d, 0xe4, 0xb8, 0x58, 0x00, 0x0c, 0x29, 0x1f, 0xa7,
        0x55, // server identifier
        0x00, 0x03, 0x00, 0x28, 0x29, 0x5e, 0x77, 0x44, 0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x0b, 0x40, // IA_NA
        0x00, 0x05, 0x00, 0x18, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0x10, 0x02, 0x00,
        0x00, 0x0e, 0x10, 0x00, 0x00, 0x0e, 0x10, // IA Address
        0x00, 0x17, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x35, // DNS server
    ];

    /// A Relay-forw from link 2001:db8::1 carrying `inner`.
    fn relay(inner: &[u8]) -> Vec<u8> {
        let mut m = vec![RELAY_FORW, 0];
        m.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        m.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        m.extend_from_slice(&[0, 9, 0, inner.len() as u8]);
        m.extend_from_slice(inner);
        m
    }

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Dhcpv6, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Dhcpv6.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Dhcpv6.tree(pdu, Ctx::default(), 62, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn info_in_tsharks_words() {
        assert_eq!(info(SOLICIT), "Solicit XID: 0x9de03f CID: 000100011def69bd000c295e7744 ");
        assert_eq!(
            info(ADVERTISE),
            "Advertise XID: 0x9de03f CID: 000100011def69bd000c295e7744 IAA: 2001:db8:1:2::1002 "
        );
        assert_eq!(
            info(&relay(SOLICIT)),
            "Relay-forw L: 2001:db8::1 Solicit XID: 0x9de03f CID: 000100011def69bd000c295e7744 "
        );
        assert_eq!(info(&SOLICIT[..10]), "Solicit XID: 0x9de03f [Malformed Packet]");
    }

    #[test]
    fn the_tree_decodes_duids_ias_and_nested_options() {
        let l = lines(ADVERTISE);
        for w in [
            "Message type: Advertise (2)",
            "Transaction ID: 0x9de03f",
            "Client Identifier",
            "Option: Client Identifier (1)",
            "DUID: 000100011def69bd000c295e7744",
            "DUID Type: link-layer address plus time (1)",
            "Hardware type: Ethernet (1)",
            "DUID Time: Nov 30, 2015 20:10:37.000000000 UTC",
            "Link-layer address: 00:0c:29:5e:77:44",
            "IAID: 295e7744",
            "T2: 2880",
            "IPv6 address: 2001:db8:1:2::1002",
            "Valid lifetime: 3600",
            " 1 DNS server address: 2001:db8::35",
        ] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        let s = lines(SOLICIT);
        assert!(s.contains(&"Requested Option code: Client Fully Qualified Domain Name (39)".to_string()), "{s:#?}");
        assert!(s.contains(&"Elapsed time: 0ms".to_string()), "{s:#?}");
        let r = lines(&relay(SOLICIT));
        assert!(r.contains(&"Link address: 2001:db8::1".to_string()), "{r:#?}");
        assert_eq!(r.iter().filter(|l| *l == "DHCPv6").count(), 2, "the carried message has its own block");
    }

    #[test]
    fn fields_come_from_the_tree_with_their_types() {
        assert_eq!(values(ADVERTISE, "dhcpv6.msgtype"), ["2"]);
        assert_eq!(values(ADVERTISE, "dhcpv6.xid"), ["0x9de03f"]);
        assert_eq!(values(ADVERTISE, "dhcpv6.duid.type"), ["1", "1"]);
        assert_eq!(values(ADVERTISE, "dhcpv6.duid.bytes")[0], "000100011def69bd000c295e7744");
        assert_eq!(values(ADVERTISE, "dhcpv6.iaaddr.ip"), ["2001:db8:1:2::1002"]);
        assert_eq!(values(ADVERTISE, "dhcpv6.option.type"), ["1", "2", "3", "5", "23"]);
        assert_eq!(values(SOLICIT, "dhcpv6.requested_option_code"), ["23", "24", "39", "31"]);
        assert_eq!(values(&relay(SOLICIT), "dhcpv6.msgtype"), ["12", "1"]);
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        for pdu in [SOLICIT.to_vec(), ADVERTISE.to_vec(), relay(ADVERTISE)] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let mut t = Tree::new();
                Dhcpv6.tree(cut, Ctx::default(), 0, &mut t);
                for f in 1..FIELDS.len() {
                    Dhcpv6.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        assert!(lines(&ADVERTISE[..60]).contains(&"[Malformed Packet: DHCPv6]".to_string()));
        assert!(!lines(ADVERTISE).iter().any(|l| l.starts_with("[Malformed")));
    }

    #[test]
    fn unnamed_options_and_tsharks_stop_at_code_0() {
        // ip6-snmp-oid-unsigned.pcap: options 32867 and 0, then bytes tshark does not read.
        let m = [6, 0x60, 0x33, 0x01, 0x80, 0x63, 0, 0, 0, 0, 0, 0, 0x04, 0x04, 0, 9, 1];
        let l = lines(&m);
        assert!(l.contains(&"DHCP option 32867".to_string()), "{l:#?}");
        assert!(l.contains(&"Option: Unknown (32867)".to_string()), "{l:#?}");
        assert!(!l.iter().any(|x| x.starts_with("[Malformed")), "{l:#?}");
        assert_eq!(values(&m, "dhcpv6.option.type"), ["32867", "0"]);
    }

    #[test]
    fn aftr_name_and_mud_url() {
        let mut m = vec![7, 0, 0, 1];
        m.extend_from_slice(&[0, 64, 0, 10, 4, b'a', b'f', b't', b'r', 3, b'n', b'e', b't', 0]);
        m.extend_from_slice(&[0, 112, 0, 5, b'h', b't', b't', b'p', b's']);
        let l = lines(&m);
        for w in ["DS-Lite AFTR Name: aftr.net.", "MUDURL: https"] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "dhcpv6.aftr_name"), ["aftr.net."]);
    }

    #[test]
    fn domain_lists_and_status_codes() {
        let mut m = vec![7, 0, 0, 1];
        m.extend_from_slice(&[0, 24, 0, 18, 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0]);
        m.extend_from_slice(&[3, b'f', b'o', b'o', 0]);
        m.extend_from_slice(&[0, 13, 0, 4, 0, 2, b'n', b'o']);
        let l = lines(&m);
        for w in [
            "List entry: example.com.",
            "Top Level Domain name (TLD): foo.",
            "Status Code: NoAddrAvail (2)",
            "Status Message: no",
        ] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "dhcpv6.search_list_entry"), ["example.com."]);
        assert_eq!(values(&m, "dhcpv6.status_code"), ["2"]);
    }
}
