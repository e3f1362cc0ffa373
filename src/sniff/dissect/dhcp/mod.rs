//! DHCP and BOOTP, how a host gets its IPv4 address, mask, router and DNS
//! servers: the fixed BOOTP header (RFC 951, RFC 2131 §2), the magic cookie,
//! then options as type, length and value (RFC 2132). A message with a DHCP
//! Message Type option (53) is DHCP, one without is plain BOOTP. The common
//! options are decoded with their values; the others show their bytes.

use super::data::shown_bytes;
use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::dns::tree::duration_words;
use super::frame::malformed;
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;
use std::ops::Range;

mod note;

/// The DHCP/BOOTP dissector.
pub struct Dhcp;

/// The server's and the client's UDP ports (RFC 2131 §4.1).
const PORTS: &[Claim] = &[Claim::UdpPort(67), Claim::UdpPort(68)];

/// Byte offsets of the fixed header (RFC 2131 §2, figure 1).
mod at {
    /// op: 1 request, 2 reply.
    pub const OP: usize = 0;
    /// htype: the hardware type (ARP's numbers).
    pub const HTYPE: usize = 1;
    /// hlen: the hardware address length.
    pub const HLEN: usize = 2;
    /// hops: relay agents passed.
    pub const HOPS: usize = 3;
    /// xid: the transaction ID.
    pub const XID: usize = 4;
    /// secs: seconds since the client began.
    pub const SECS: usize = 8;
    /// flags: the broadcast bit and reserved bits.
    pub const FLAGS: usize = 10;
    /// ciaddr, yiaddr, siaddr, giaddr: four IPv4 addresses.
    pub const CIADDR: usize = 12;
    /// chaddr: the client's hardware address, 16 bytes.
    pub const CHADDR: usize = 28;
    /// sname: the server host name, 64 bytes.
    pub const SNAME: usize = 44;
    /// file: the boot file name, 128 bytes.
    pub const FILE: usize = 108;
    /// The magic cookie (RFC 2131 §3).
    pub const COOKIE: usize = 236;
    /// The first option.
    pub const OPTIONS: usize = 240;
}

/// Field sizes of the fixed header.
const CHADDR_LEN: usize = 16;
/// The magic cookie that says options follow (RFC 2131 §3, 99.130.83.99).
const COOKIE: [u8; 4] = [99, 130, 83, 99];
/// The BOOTP ops: a client's request, a server's reply (RFC 951 §3).
const OP_REQUEST: u8 = 1;
const OP_REPLY: u8 = 2;
/// BOOTP's vendor-specific area, where a message without the cookie ends (RFC 951).
const VENDOR_LEN: usize = 64;
/// The broadcast bit of the flags (RFC 2131 §2, figure 2).
const BROADCAST: u16 = 0x8000;
/// Hardware type Ethernet and its address length (ARP's numbers, RFC 1700).
const HTYPE_ETHERNET: u8 = 1;
const HTYPE_IEEE802: u8 = 6;
const MAC_LEN: usize = 6;
/// A lease or timer of all ones lasts forever (RFC 2131 §3.3).
const INFINITY: u32 = u32::MAX;
/// Options with a meaning of their own (RFC 2132 §3.1, §3.2, §9.6, §9.8, §9.14).
mod code {
    pub const PAD: u8 = 0;
    pub const END: u8 = 255;
    pub const MESSAGE_TYPE: u8 = 53;
}

/// The fields, in the order of the indexes `values` takes; the options' value
/// fields come last and [`KNOWN`] names them.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "dhcp", ftype: Ftype::Protocol, title: "Dynamic Host Configuration Protocol", base: "" },
    FieldDecl { name: "dhcp.type", ftype: Ftype::Uint8, title: "Message type", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.hw.type", ftype: Ftype::Uint8, title: "Hardware type", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.hw.len", ftype: Ftype::Uint8, title: "Hardware address length", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.hops", ftype: Ftype::Uint8, title: "Hops", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.id", ftype: Ftype::Uint32, title: "Transaction ID", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.secs", ftype: Ftype::Uint16, title: "Seconds elapsed", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.flags", ftype: Ftype::Uint16, title: "Bootp flags", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.flags.bc", ftype: Ftype::Boolean, title: "Broadcast flag", base: "16" },
    FieldDecl { name: "dhcp.flags.reserved", ftype: Ftype::Uint16, title: "Reserved flags", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.ip.client", ftype: Ftype::Ipv4, title: "Client IP address", base: "" },
    FieldDecl { name: "dhcp.ip.your", ftype: Ftype::Ipv4, title: "Your (client) IP address", base: "" },
    FieldDecl { name: "dhcp.ip.server", ftype: Ftype::Ipv4, title: "Next server IP address", base: "" },
    FieldDecl { name: "dhcp.ip.relay", ftype: Ftype::Ipv4, title: "Relay agent IP address", base: "" },
    FieldDecl { name: "dhcp.hw.mac_addr", ftype: Ftype::Ether, title: "Client MAC address", base: "" },
    FieldDecl { name: "dhcp.hw.addr", ftype: Ftype::Bytes, title: "Client hardware address", base: "" },
    FieldDecl { name: "dhcp.hw.addr_padding", ftype: Ftype::Bytes, title: "Client hardware address padding", base: "" },
    FieldDecl { name: "dhcp.server", ftype: Ftype::String, title: "Server host name", base: "" },
    FieldDecl { name: "dhcp.file", ftype: Ftype::String, title: "Boot file name", base: "" },
    FieldDecl { name: "dhcp.cookie", ftype: Ftype::Ipv4, title: "Magic cookie", base: "" },
    FieldDecl {
        name: "dhcp.vendor_specific_options",
        ftype: Ftype::Bytes,
        title: "Bootp vendor specific options",
        base: "",
    },
    FieldDecl { name: "dhcp.option.type", ftype: Ftype::Uint8, title: "Option", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.length", ftype: Ftype::Uint8, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.value", ftype: Ftype::Bytes, title: "Value", base: "" },
    FieldDecl { name: "dhcp.option.padding", ftype: Ftype::Bytes, title: "Padding", base: "" },
    FieldDecl { name: "dhcp.option.end", ftype: Ftype::Uint8, title: "Option End", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.dhcp", ftype: Ftype::Uint8, title: "DHCP", base: "BASE_DEC" },
    FieldDecl {
        name: "dhcp.option.request_list_item",
        ftype: Ftype::Uint8,
        title: "Parameter Request List Item",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcp.client_id.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.client_id.undef", ftype: Ftype::String, title: "Client Identifier", base: "" },
    FieldDecl { name: "dhcp.option.static_route.ip", ftype: Ftype::Ipv4, title: "Destination IP Address", base: "" },
    FieldDecl { name: "dhcp.option.static_route.router", ftype: Ftype::Ipv4, title: "Destination Router", base: "" },
    FieldDecl {
        name: "dhcp.option.classless_static_route",
        ftype: Ftype::Bytes,
        title: "Subnet/MaskWidth-Router",
        base: "",
    },
    FieldDecl { name: "dhcp.option.subnet_mask", ftype: Ftype::Ipv4, title: "Subnet Mask", base: "" },
    FieldDecl { name: "dhcp.option.time_offset", ftype: Ftype::Int32, title: "Time Offset", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.router", ftype: Ftype::Ipv4, title: "Router", base: "" },
    FieldDecl { name: "dhcp.option.time_server", ftype: Ftype::Ipv4, title: "Time Server", base: "" },
    FieldDecl { name: "dhcp.option.name_server", ftype: Ftype::Ipv4, title: "Name Server", base: "" },
    FieldDecl { name: "dhcp.option.domain_name_server", ftype: Ftype::Ipv4, title: "Domain Name Server", base: "" },
    FieldDecl { name: "dhcp.option.log_server", ftype: Ftype::Ipv4, title: "Log Server", base: "" },
    FieldDecl { name: "dhcp.option.hostname", ftype: Ftype::Stringz, title: "Host Name", base: "" },
    FieldDecl { name: "dhcp.option.boot_file_size", ftype: Ftype::Uint16, title: "Boot File Size", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.domain_name", ftype: Ftype::Stringz, title: "Domain Name", base: "" },
    FieldDecl { name: "dhcp.option.root_path", ftype: Ftype::Stringz, title: "Root Path", base: "" },
    FieldDecl { name: "dhcp.option.ip_forwarding", ftype: Ftype::Boolean, title: "IP Forwarding", base: "0" },
    FieldDecl {
        name: "dhcp.option.default_ip_ttl",
        ftype: Ftype::Uint8,
        title: "Default IP Time-to-Live",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcp.option.interface_mtu", ftype: Ftype::Uint16, title: "Interface MTU", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.option.broadcast_address", ftype: Ftype::Ipv4, title: "Broadcast Address", base: "" },
    FieldDecl { name: "dhcp.option.ntp_server", ftype: Ftype::Ipv4, title: "Network Time Protocol Server", base: "" },
    FieldDecl {
        name: "dhcp.option.netbios_over_tcpip_name_server",
        ftype: Ftype::Ipv4,
        title: "NetBIOS over TCP/IP Name Server",
        base: "",
    },
    FieldDecl { name: "dhcp.option.requested_ip_address", ftype: Ftype::Ipv4, title: "Requested IP Address", base: "" },
    FieldDecl {
        name: "dhcp.option.ip_address_lease_time",
        ftype: Ftype::Uint32,
        title: "IP Address Lease Time",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcp.option.dhcp_server_id", ftype: Ftype::Ipv4, title: "DHCP Server Identifier", base: "" },
    FieldDecl { name: "dhcp.option.message", ftype: Ftype::Stringz, title: "Message", base: "" },
    FieldDecl {
        name: "dhcp.option.dhcp_max_message_size",
        ftype: Ftype::Uint16,
        title: "Maximum DHCP Message Size",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcp.option.renewal_time_value",
        ftype: Ftype::Uint32,
        title: "Renewal Time Value",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcp.option.rebinding_time_value",
        ftype: Ftype::Uint32,
        title: "Rebinding Time Value",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcp.option.vendor_class_id",
        ftype: Ftype::Stringz,
        title: "Vendor class identifier",
        base: "",
    },
    FieldDecl { name: "dhcp.option.tftp_server_name", ftype: Ftype::Stringz, title: "TFTP Server Name", base: "" },
    FieldDecl {
        name: "dhcp.option.client_last_transaction_time",
        ftype: Ftype::Uint32,
        title: "Client last transaction time",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcp.option.associated_ip_option", ftype: Ftype::Ipv4, title: "Associated IP option", base: "" },
    FieldDecl { name: "dhcp.option.tftp_server_address", ftype: Ftype::Ipv4, title: "TFTP Server Address", base: "" },
    FieldDecl { name: "dhcp.option.swap_server", ftype: Ftype::Ipv4, title: "Swap Server", base: "" },
    FieldDecl {
        name: "dhcp.option.router_solicitation_address",
        ftype: Ftype::Ipv4,
        title: "Router Solicitation Address",
        base: "",
    },
    FieldDecl { name: "dhcp.option.quotes_server", ftype: Ftype::Ipv4, title: "Quotes Server", base: "" },
    FieldDecl { name: "dhcp.option.lpr_server", ftype: Ftype::Ipv4, title: "LPR Server", base: "" },
    FieldDecl { name: "dhcp.option.impress_server", ftype: Ftype::Ipv4, title: "Impress Server", base: "" },
    FieldDecl {
        name: "dhcp.option.resource_location_server",
        ftype: Ftype::Ipv4,
        title: "Resource Location Server",
        base: "",
    },
    FieldDecl {
        name: "dhcp.option.netbios_over_tcpip_dd_name_server",
        ftype: Ftype::Ipv4,
        title: "NetBIOS over TCP/IP Datagram Distribution Name Server",
        base: "",
    },
    FieldDecl { name: "dhcp.option.merit_dump_file", ftype: Ftype::Stringz, title: "Merit Dump File", base: "" },
    FieldDecl { name: "dhcp.option.extension_path", ftype: Ftype::Stringz, title: "Extensions Path", base: "" },
    FieldDecl {
        name: "dhcp.option.max_datagram_reassembly_size",
        ftype: Ftype::Uint16,
        title: "Maximum Datagram Reassembly Size",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcp.option.non_local_source_routing",
        ftype: Ftype::Boolean,
        title: "Non-Local Source Routing",
        base: "0",
    },
    FieldDecl { name: "dhcp.option.tz_pcode", ftype: Ftype::String, title: "TZ PCode", base: "" },
    FieldDecl { name: "dhcp.option.tz_tcode", ftype: Ftype::String, title: "TZ TCode", base: "" },
    FieldDecl { name: "dhcp.option.mudurl", ftype: Ftype::String, title: "MUDURL", base: "" },
    FieldDecl {
        name: "dhcp.option.user_class",
        ftype: Ftype::Uint8,
        title: "Instance of User Class",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "dhcp.option.user_class.length",
        ftype: Ftype::Uint8,
        title: "User Class Length",
        base: "BASE_DEC",
    },
    FieldDecl { name: "dhcp.option.user_class.data", ftype: Ftype::Bytes, title: "User Class Data", base: "" },
    FieldDecl { name: "dhcp.fqdn.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.fqdn.mbz", ftype: Ftype::Uint8, title: "Reserved flags", base: "BASE_HEX" },
    FieldDecl { name: "dhcp.fqdn.n", ftype: Ftype::Boolean, title: "Server DDNS", base: "8" },
    FieldDecl { name: "dhcp.fqdn.e", ftype: Ftype::Boolean, title: "Encoding", base: "8" },
    FieldDecl { name: "dhcp.fqdn.o", ftype: Ftype::Boolean, title: "Server overrides", base: "8" },
    FieldDecl { name: "dhcp.fqdn.s", ftype: Ftype::Boolean, title: "Server", base: "8" },
    FieldDecl { name: "dhcp.fqdn.rcode1", ftype: Ftype::Uint8, title: "A-RR result", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.fqdn.rcode2", ftype: Ftype::Uint8, title: "PTR-RR result", base: "BASE_DEC" },
    FieldDecl { name: "dhcp.fqdn.name", ftype: Ftype::String, title: "Client name", base: "" },
];

/// Indexes into [`FIELDS`] of the fixed part.
mod f {
    pub const TYPE: usize = 1;
    pub const HW_TYPE: usize = 2;
    pub const HW_LEN: usize = 3;
    pub const HOPS: usize = 4;
    pub const ID: usize = 5;
    pub const SECS: usize = 6;
    pub const FLAGS: usize = 7;
    pub const BC: usize = 8;
    pub const RESERVED: usize = 9;
    pub const IP_CLIENT: usize = 10;
    pub const IP_RELAY: usize = 13;
    pub const MAC: usize = 14;
    pub const HW_ADDR: usize = 15;
    pub const HW_PADDING: usize = 16;
    pub const SERVER: usize = 17;
    pub const FILE: usize = 18;
    pub const COOKIE: usize = 19;
    pub const VENDOR: usize = 20;
    pub const OPT_TYPE: usize = 21;
    pub const OPT_LEN: usize = 22;
    pub const OPT_VALUE: usize = 23;
    pub const PADDING: usize = 24;
    pub const END: usize = 25;
    pub const MSG_TYPE: usize = 26;
    pub const REQUEST_ITEM: usize = 27;
    pub const CLIENT_ID_TYPE: usize = 28;
    pub const CLIENT_ID_UNDEF: usize = 29;
    pub const STATIC_ROUTE_IP: usize = 30;
    pub const STATIC_ROUTE_ROUTER: usize = 31;
    pub const CLASSLESS_ROUTE: usize = 32;
}

/// How an option's value is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One IPv4 address, also shown on the option's line.
    Addr,
    /// A list of IPv4 addresses.
    Addrs,
    /// Seconds, unsigned (a lease or a timer).
    Secs,
    /// Seconds, signed (the time offset from UTC).
    SignedSecs,
    /// Text, NUL-terminated or not (its field says whether tshark calls it a
    /// string or a NUL-terminated one).
    Text,
    /// A 16-bit number.
    U16,
    /// An 8-bit number.
    U8,
    /// A switch: `Enabled` or `Disabled`.
    Switch,
}

/// An option decoded by its [`Kind`]: its code and the index of its value field.
struct Known {
    code: u8,
    kind: Kind,
    field: usize,
}

/// The options decoded by kind (RFC 2132 §3–§9, RFC 4388 for 91 and 92, RFC 5859 for 150).
const KNOWN: &[Known] = &[
    Known { code: 1, kind: Kind::Addr, field: 33 },
    Known { code: 2, kind: Kind::SignedSecs, field: 34 },
    Known { code: 3, kind: Kind::Addrs, field: 35 },
    Known { code: 4, kind: Kind::Addrs, field: 36 },
    Known { code: 5, kind: Kind::Addrs, field: 37 },
    Known { code: 6, kind: Kind::Addrs, field: 38 },
    Known { code: 7, kind: Kind::Addrs, field: 39 },
    Known { code: 8, kind: Kind::Addrs, field: 64 },
    Known { code: 9, kind: Kind::Addrs, field: 65 },
    Known { code: 10, kind: Kind::Addrs, field: 66 },
    Known { code: 11, kind: Kind::Addrs, field: 67 },
    Known { code: 12, kind: Kind::Text, field: 40 },
    Known { code: 13, kind: Kind::U16, field: 41 },
    Known { code: 14, kind: Kind::Text, field: 69 },
    Known { code: 15, kind: Kind::Text, field: 42 },
    Known { code: 16, kind: Kind::Addr, field: 62 },
    Known { code: 17, kind: Kind::Text, field: 43 },
    Known { code: 18, kind: Kind::Text, field: 70 },
    Known { code: 19, kind: Kind::Switch, field: 44 },
    Known { code: 20, kind: Kind::Switch, field: 72 },
    Known { code: 22, kind: Kind::U16, field: 71 },
    Known { code: 23, kind: Kind::U8, field: 45 },
    Known { code: 26, kind: Kind::U16, field: 46 },
    Known { code: 28, kind: Kind::Addr, field: 47 },
    Known { code: 32, kind: Kind::Addr, field: 63 },
    Known { code: 42, kind: Kind::Addrs, field: 48 },
    Known { code: 44, kind: Kind::Addrs, field: 49 },
    Known { code: 45, kind: Kind::Addrs, field: 68 },
    Known { code: 50, kind: Kind::Addr, field: 50 },
    Known { code: 51, kind: Kind::Secs, field: 51 },
    Known { code: 54, kind: Kind::Addr, field: 52 },
    Known { code: 56, kind: Kind::Text, field: 53 },
    Known { code: 57, kind: Kind::U16, field: 54 },
    Known { code: 58, kind: Kind::Secs, field: 55 },
    Known { code: 59, kind: Kind::Secs, field: 56 },
    Known { code: 60, kind: Kind::Text, field: 57 },
    Known { code: 66, kind: Kind::Text, field: 58 },
    Known { code: 91, kind: Kind::Secs, field: 59 },
    Known { code: 92, kind: Kind::Addrs, field: 60 },
    Known { code: 100, kind: Kind::Text, field: 73 },
    Known { code: 101, kind: Kind::Text, field: 74 },
    Known { code: 150, kind: Kind::Addrs, field: 61 },
    Known { code: 161, kind: Kind::Text, field: 75 },
];

/// The decoding of option `code`, if it has one by kind.
fn known(code: u8) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.code == code)
}

/// The name of option `code` as Wireshark shows it (RFC 2132 and the IANA
/// "BOOTP Vendor Extensions and DHCP Options" registry).
fn option_name(code: u8) -> &'static str {
    OPTION_NAMES.get(usize::from(code)).copied().unwrap_or(match code {
        175 | 177 => "Etherboot",
        176 => "IP Telephone",
        208 => "PXELINUX Magic",
        209 => "PXE Configuration file",
        210 => "PXE Path Prefix",
        211 => "Reboot Time",
        212 => "6RD",
        213 => "V4 Access Domain",
        220 => "Subnet Allocation",
        221 => "Virtual Subnet Selection",
        242 => "Private/Avaya IP Telephone",
        249 => "Private/Classless Static Route (Microsoft)",
        252 => "Private/Proxy autodiscovery",
        224..=254 => "Private",
        code::END => "End",
        _ => "Unassigned",
    })
}

/// Option names by code, 0 to 161.
const OPTION_NAMES: &[&str] = &[
    "Padding",
    "Subnet Mask",
    "Time Offset",
    "Router",
    "Time Server",
    "Name Server",
    "Domain Name Server",
    "Log Server",
    "Quotes Server",
    "LPR Server",
    "Impress Server",
    "Resource Location Server",
    "Host Name",
    "Boot File Size",
    "Merit Dump File",
    "Domain Name",
    "Swap Server",
    "Root Path",
    "Extensions Path",
    "IP Forwarding",
    "Non-Local Source Routing",
    "Policy Filter",
    "Maximum Datagram Reassembly Size",
    "Default IP Time-to-Live",
    "Path MTU Aging Timeout",
    "Path MTU Plateau Table",
    "Interface MTU",
    "All Subnets are Local",
    "Broadcast Address",
    "Perform Mask Discovery",
    "Mask Supplier",
    "Perform Router Discover",
    "Router Solicitation Address",
    "Static Route",
    "Trailer Encapsulation",
    "ARP Cache Timeout",
    "Ethernet Encapsulation",
    "TCP Default TTL",
    "TCP Keepalive Interval",
    "TCP Keepalive Garbage",
    "Network Information Service Domain",
    "Network Information Service Servers",
    "Network Time Protocol Servers",
    "Vendor-Specific Information",
    "NetBIOS over TCP/IP Name Server",
    "NetBIOS over TCP/IP Datagram Distribution Name Server",
    "NetBIOS over TCP/IP Node Type",
    "NetBIOS over TCP/IP Scope",
    "X Window System Font Server",
    "X Window System Display Manager",
    "Requested IP Address",
    "IP Address Lease Time",
    "Option Overload",
    "DHCP Message Type",
    "DHCP Server Identifier",
    "Parameter Request List",
    "Message",
    "Maximum DHCP Message Size",
    "Renewal Time Value",
    "Rebinding Time Value",
    "Vendor class identifier",
    "Client identifier",
    "Novell/Netware IP domain",
    "Novell Options",
    "Network Information Service+ Domain",
    "Network Information Service+ Servers",
    "TFTP Server Name",
    "Bootfile name",
    "Mobile IP Home Agent",
    "SMTP Server",
    "POP3 Server",
    "NNTP Server",
    "Default WWW Server",
    "Default Finger Server",
    "Default IRC Server",
    "StreetTalk Server",
    "StreetTalk Directory Assistance Server",
    "User Class Information",
    "Directory Agent Information",
    "Service Location Agent Scope",
    "Rapid commit",
    "Client Fully Qualified Domain Name",
    "Agent Information Option",
    "iSNS",
    "Removed/Unassigned",
    "Novell Directory Services Servers",
    "Novell Directory Services Tree Name",
    "Novell Directory Services Context",
    "BCMCS Controller Domain Name",
    "BCMCS Controller IPv4 address",
    "Authentication",
    "Client last transaction time",
    "Associated IP option",
    "Client System Architecture",
    "Client Network Device Interface",
    "LDAP",
    "Removed/Unassigned",
    "UUID/GUID-based Client Identifier",
    "Open Group's User Authentication",
    "Civic Addresses Configuration",
    "PCode",
    "TCode",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "Removed/unassigned",
    "IPv6-Only Preferred",
    "Unassigned",
    "Removed/Unassigned",
    "Unassigned",
    "NetInfo Parent Server Address",
    "NetInfo Parent Server Tag",
    "DHCP Captive-Portal",
    "Removed/Unassigned",
    "DHCP Auto-Configuration",
    "Name Service Search",
    "Subnet Selection Option",
    "Domain Search",
    "SIP Servers",
    "Classless Static Route",
    "CableLabs Client Configuration",
    "Coordinate-based Location Configuration",
    "V-I Vendor Class",
    "V-I Vendor-specific Information",
    "Removed/Unassigned",
    "Removed/Unassigned",
    "DOCSIS full security server IP",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PXE - undefined (vendor specific)",
    "PANA Authentication Agent",
    "LoST Server Domain Name",
    "CAPWAP Access Controllers",
    "IPv4 Address-MoS",
    "IPv4 FQDN-MoS",
    "SIP UA Configuration Domains",
    "IPv4 Address ANDSF",
    "Zerotouch Redirect",
    "Geospatial Location",
    "Forcerenew Nonce Capable",
    "RDNSS Selection",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "TFTP Server Address",
    "Leasequery Status code",
    "Leasequery Base Time",
    "Leasequery Start Time of State",
    "Leasequery Query Start Time",
    "Leasequery Query End Time",
    "Leasequery Dhcp State",
    "Leasequery Data Source",
    "PCP Server",
    "Portparams",
    "Unassigned (ex DHCP Captive-Portal)",
    "Manufacturer Usage Description",
];

/// Wireshark's name of a DHCP message type (RFC 2132 §9.6, RFC 3203, RFC 4388,
/// RFC 6926, RFC 7724).
fn message_type_name(t: u8) -> &'static str {
    match t {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        14 => "Bulk Lease Query",
        15 => "Lease Query Done",
        16 => "Active LeaseQuery",
        17 => "Lease Query Status",
        18 => "TLS",
        _ => "Unknown",
    }
}

/// The name of a BOOTP op.
fn op_name(op: u8) -> &'static str {
    match op {
        OP_REQUEST => "Boot Request",
        OP_REPLY => "Boot Reply",
        _ => "Unknown",
    }
}

/// The name of a hardware type (ARP's numbers).
fn htype_name(t: u8) -> &'static str {
    match t {
        HTYPE_ETHERNET => "Ethernet",
        HTYPE_IEEE802 => "IEEE 802 Networks",
        _ => "Unknown",
    }
}

/// One option as it lies in the message.
#[derive(Clone, Copy)]
enum Opt<'a> {
    /// A run of pad bytes at `at`, `len` long.
    Pad { at: usize, len: usize },
    /// The End option at `at`.
    End { at: usize },
    /// An option with a length: code, where its code byte is, its value.
    Value { code: u8, at: usize, value: &'a [u8] },
    /// An option whose length or value the message cuts: its code and where it starts.
    Cut { code: u8, at: usize },
}

/// The options of a message with the magic cookie, in order; stops at End or
/// at the first one cut short.
fn options(pdu: &[u8]) -> Vec<Opt<'_>> {
    let mut out = Vec::new();
    if pdu.get(at::COOKIE..at::OPTIONS) != Some(&COOKIE[..]) {
        return out;
    }
    let mut i = at::OPTIONS;
    while let Some(&c) = pdu.get(i) {
        match c {
            code::PAD => {
                let len = pdu[i..].iter().take_while(|&&b| b == code::PAD).count();
                out.push(Opt::Pad { at: i, len });
                i += len;
            }
            code::END => {
                out.push(Opt::End { at: i });
                break;
            }
            _ => {
                let Some(value) = pdu.get(i + 1).and_then(|&n| pdu.get(i + 2..i + 2 + usize::from(n))) else {
                    out.push(Opt::Cut { code: c, at: i });
                    break;
                };
                out.push(Opt::Value { code: c, at: i, value });
                i += 2 + value.len();
            }
        }
    }
    out
}

/// The DHCP message type of the first option 53, if any.
fn message_type(opts: &[Opt<'_>]) -> Option<u8> {
    opts.iter().find_map(|o| match *o {
        Opt::Value { code: code::MESSAGE_TYPE, value: [t], .. } => Some(*t),
        _ => None,
    })
}

/// Whether the message ends before its fixed part, its cookie or an option.
fn cut_short(pdu: &[u8], opts: &[Opt<'_>]) -> bool {
    let cookie = pdu.get(at::COOKIE..at::OPTIONS) == Some(&COOKIE[..]);
    pdu.len() < if cookie { at::OPTIONS } else { at::COOKIE + VENDOR_LEN }
        || opts.iter().any(|o| matches!(o, Opt::Cut { .. }))
}

/// The IPv4 address at `i`, if the message holds it.
fn addr(b: &[u8], i: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

/// Text of a name field or option: up to the first NUL, lossily decoded.
fn text(b: &[u8]) -> Cow<'_, str> {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end])
}

/// `(600s) 10 minutes` as Wireshark writes a lease or a timer.
fn secs_words(secs: u32) -> String {
    if secs == INFINITY {
        return format!("({secs}s) infinity");
    }
    format!("({secs}s) {}", duration_words(secs))
}

/// `(-16s) -16 seconds`: a signed offset in seconds.
fn signed_secs_words(secs: i32) -> String {
    let words = duration_words(secs.unsigned_abs());
    let sign = if secs < 0 { "-" } else { "" };
    format!("({secs}s) {sign}{}", words.replace(", ", &format!(", {sign}")))
}

/// Whether the client's hardware address is an Ethernet MAC address.
fn ethernet_client(pdu: &[u8]) -> bool {
    matches!(pdu.get(at::HTYPE), Some(&(HTYPE_ETHERNET | HTYPE_IEEE802))) && pdu.get(at::HLEN) == Some(&(MAC_LEN as u8))
}

impl Dissector for Dhcp {
    fn name(&self) -> &'static str {
        "dhcp"
    }

    fn title(&self) -> &'static str {
        "Dynamic Host Configuration Protocol"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match message_type(&options(pdu)) {
            Some(_) => "DHCP",
            None => "BOOTP",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(&op) = pdu.first() else { return };
        let opts = options(pdu);
        match message_type(&opts) {
            Some(t) => {
                let xid = if pdu.len() >= at::SECS { be32(pdu, at::XID) } else { 0 };
                let _ = write!(out, "DHCP {:<8} - Transaction ID 0x{xid:x}", message_type_name(t));
            }
            None if op == OP_REQUEST => {
                match pdu.get(at::CHADDR..at::CHADDR + MAC_LEN).filter(|_| ethernet_client(pdu)) {
                    Some(mac) => {
                        let _ = write!(out, "Boot Request from {} ({})", Mac(mac), Mac(mac));
                    }
                    None => out.push_str("Boot Request"),
                }
            }
            None if op == OP_REPLY => out.push_str("Boot Reply"),
            None => {
                let _ = write!(out, "Unknown BOOTP message type ({op})");
            }
        }
        if cut_short(pdu, &opts) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let opts = options(pdu);
        let head = out.at(0).proto("dhcp").bytes(o, pdu.len());
        match message_type(&opts) {
            Some(t) => head.line(format_args!("Dynamic Host Configuration Protocol ({})", message_type_name(t))),
            None => head.line(format_args!("Dynamic Host Configuration Protocol")),
        }
        let whole = header(out, pdu, o) && cookie(out, pdu, o);
        let mut end = None;
        for opt in &opts {
            option(out, o, *opt);
            if let Opt::End { at } = opt {
                end = Some(at + 1);
            }
        }
        if let Some(rest) = end.and_then(|e| pdu.get(e..)).filter(|r| !r.is_empty()) {
            let e = pdu.len() - rest.len();
            out.at(1)
                .field("dhcp.option.padding", Ftype::Bytes, Mac(rest))
                .bytes(o + e, rest.len())
                .line(format_args!("Padding: {}", shown_bytes(rest)));
        }
        if !whole || cut_short(pdu, &opts) {
            malformed(out, "DHCP/BOOTP");
        }
    }

    fn note(&self, pdu: &[u8], _ctx: Ctx, out: &mut dyn fmt::Write) -> fmt::Result {
        note::write(pdu, out)
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        if field <= f::VENDOR {
            header_value(pdu, field, out);
            return;
        }
        if field == f::PADDING {
            padding_values(pdu, out);
            return;
        }
        let decl = &FIELDS[field];
        if decl.name.starts_with(FQDN_FIELDS) || decl.name.starts_with(USER_CLASS_FIELDS) {
            let mut owned = Vec::new();
            tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
            out.extend(owned);
            return;
        }
        for opt in options(pdu) {
            option_values(opt, field, out);
        }
    }
}

/// The pad runs among the options and the padding after End.
fn padding_values<'p>(pdu: &'p [u8], out: &mut Vec<Value<'p>>) {
    for opt in options(pdu) {
        match opt {
            Opt::Pad { at, len } => out.push(Value::Bytes(pdu[at..at + len].into())),
            Opt::End { at } if at + 1 < pdu.len() => out.push(Value::Bytes(pdu[at + 1..].into())),
            _ => {}
        }
    }
}

/// The value of fixed-header field `field`, if the message holds it.
fn header_value<'p>(pdu: &'p [u8], field: usize, out: &mut Vec<Value<'p>>) {
    let u8_at = |i: usize| pdu.get(i).map(|&b| u64::from(b));
    let flags = pdu.get(at::FLAGS..at::CIADDR).map(|b| be16(b, 0));
    let v = match field {
        f::TYPE => u8_at(at::OP).map(Value::Uint),
        f::HW_TYPE => u8_at(at::HTYPE).map(|t| Value::hex(t, 2)),
        f::HW_LEN => u8_at(at::HLEN).map(Value::Uint),
        f::HOPS => u8_at(at::HOPS).map(Value::Uint),
        f::ID => pdu.get(at::XID..at::SECS).map(|b| Value::hex(u64::from(be32(b, 0)), 8)),
        f::SECS => pdu.get(at::SECS..at::FLAGS).map(|b| Value::Uint(u64::from(be16(b, 0)))),
        f::FLAGS => flags.map(Value::hex16),
        f::BC => flags.map(|fl| Value::Bool(fl & BROADCAST != 0)),
        f::RESERVED => flags.map(|fl| Value::hex16(fl & !BROADCAST)),
        f::IP_CLIENT..=f::IP_RELAY => addr(pdu, at::CIADDR + 4 * (field - f::IP_CLIENT)).map(|a| Value::Ip(a.into())),
        f::MAC if ethernet_client(pdu) => {
            pdu.get(at::CHADDR..at::CHADDR + MAC_LEN).map(|m| Value::Str(Mac(m).to_string().into()))
        }
        f::HW_ADDR if !ethernet_client(pdu) => chaddr(pdu).map(|(a, _)| Value::Bytes(a.into())),
        f::HW_PADDING => chaddr(pdu).map(|(_, p)| p).filter(|p| !p.is_empty()).map(|p| Value::Bytes(p.into())),
        f::SERVER => pdu.get(at::SNAME..at::FILE).map(|b| Value::Str(text(b))),
        f::FILE => pdu.get(at::FILE..at::COOKIE).map(|b| Value::Str(text(b))),
        f::COOKIE => addr(pdu, at::COOKIE).filter(|a| a.octets() == COOKIE).map(|a| Value::Ip(a.into())),
        f::VENDOR => {
            pdu.get(at::COOKIE..at::COOKIE + VENDOR_LEN).filter(|v| v[..4] != COOKIE).map(|v| Value::Bytes(v.into()))
        }
        _ => None,
    };
    out.extend(v);
}

/// The client hardware address field split into the address (`hlen` bytes, at
/// most 16) and the padding after it.
fn chaddr(pdu: &[u8]) -> Option<(&[u8], &[u8])> {
    let field = pdu.get(at::CHADDR..at::CHADDR + CHADDR_LEN)?;
    Some(field.split_at(usize::from(pdu[at::HLEN]).min(CHADDR_LEN)))
}

/// The values option `opt` gives field `field`.
fn option_values<'p>(opt: Opt<'p>, field: usize, out: &mut Vec<Value<'p>>) {
    let (code, value) = match opt {
        Opt::Pad { .. } | Opt::End { .. } => {
            match field {
                f::OPT_TYPE => out.push(Value::Uint(0)),
                f::END if matches!(opt, Opt::End { .. }) => out.push(Value::Uint(u64::from(code::END))),
                _ => {}
            }
            return;
        }
        Opt::Cut { code, .. } => {
            if field == f::OPT_TYPE {
                out.push(Value::Uint(u64::from(code)));
            }
            return;
        }
        Opt::Value { code, value, .. } => (code, value),
    };
    match field {
        f::OPT_TYPE => out.push(Value::Uint(u64::from(code))),
        f::OPT_LEN => out.push(Value::Uint(value.len() as u64)),
        f::OPT_VALUE => out.push(Value::Bytes(value.into())),
        f::MSG_TYPE if code == code::MESSAGE_TYPE && value.len() == 1 => out.push(Value::Uint(u64::from(value[0]))),
        f::REQUEST_ITEM if code == PARAMS => out.extend(value.iter().map(|&c| Value::Uint(u64::from(c)))),
        f::STATIC_ROUTE_IP | f::STATIC_ROUTE_ROUTER if code == STATIC_ROUTE && decoded(code, value) => {
            let skip = if field == f::STATIC_ROUTE_IP { 0 } else { 4 };
            out.extend(
                value
                    .chunks_exact(8)
                    .map(|p| Value::Ip(Ipv4Addr::new(p[skip], p[skip + 1], p[skip + 2], p[skip + 3]).into())),
            )
        }
        f::CLASSLESS_ROUTE if code == CLASSLESS_ROUTE => out
            .extend(classless_routes(value).unwrap_or_default().into_iter().map(|(_, r)| Value::Bytes(r.bytes.into()))),
        f::CLIENT_ID_TYPE if code == CLIENT_ID && !ethernet_id(value) => {
            out.extend(value.first().map(|&t| Value::Uint(u64::from(t))))
        }
        f::CLIENT_ID_UNDEF if code == CLIENT_ID && value.first() == Some(&0) => out.push(Value::Str(text(&value[1..]))),
        _ => {
            if let Some(k) = known(code).filter(|k| k.field == field) {
                kind_values(k.kind, value, out);
            }
        }
    }
}

/// Parameter Request List (RFC 2132 §9.8) and Client identifier (§9.14).
const PARAMS: u8 = 55;
const CLIENT_ID: u8 = 61;
/// Client FQDN (RFC 4702), whose fields `values` takes from the tree.
const CLIENT_FQDN: u8 = 81;
const FQDN_FIELDS: &str = "dhcp.fqdn.";
/// User Class (RFC 3004), whose fields `values` also takes from the tree.
const USER_CLASS: u8 = 77;
const USER_CLASS_FIELDS: &str = "dhcp.option.user_class";
/// The Client FQDN flags, highest first, with their fields and words (RFC 4702 §2.1).
const FQDN_FLAGS: [(u8, &str, &str, [&str; 2]); 4] = [
    (0x08, "dhcp.fqdn.n", "Server DDNS", ["Some server updates", "No server updates"]),
    (0x04, "dhcp.fqdn.e", "Encoding", ["ASCII encoding", "Binary encoding"]),
    (0x02, "dhcp.fqdn.o", "Server overrides", ["No override", "Override"]),
    (0x01, "dhcp.fqdn.s", "Server", ["Client", "Server"]),
];
/// The Client FQDN flags' reserved bits.
const FQDN_MBZ: u8 = 0xf0;

/// Static Route (RFC 2132 §5.8) and Classless Static Route (RFC 3442).
const STATIC_ROUTE: u8 = 33;
const CLASSLESS_ROUTE: u8 = 121;

/// A classless static route: destination prefix, its width and the router.
struct Route<'a> {
    bytes: &'a [u8],
    width: u8,
    dest: Ipv4Addr,
    router: Ipv4Addr,
}

/// The routes of a Classless Static Route option, and where each starts in its
/// value; `None` unless the value is made of whole routes (RFC 3442 §3).
fn classless_routes(v: &[u8]) -> Option<Vec<(usize, Route<'_>)>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < v.len() {
        let width = v[at];
        if width > 32 {
            return None;
        }
        let n = usize::from(width).div_ceil(8);
        let bytes = v.get(at..at + 1 + n + 4)?;
        let mut dest = [0u8; 4];
        dest[..n].copy_from_slice(&bytes[1..1 + n]);
        let r = &bytes[1 + n..];
        let router = Ipv4Addr::new(r[0], r[1], r[2], r[3]);
        out.push((at, Route { bytes, width, dest: Ipv4Addr::from(dest), router }));
        at += bytes.len();
    }
    Some(out)
}

/// Whether a client identifier is a hardware type and an Ethernet MAC address.
fn ethernet_id(value: &[u8]) -> bool {
    value.len() == 1 + MAC_LEN && value[0] == HTYPE_ETHERNET
}

/// The values of an option decoded by kind, when its length is right for it.
fn kind_values<'p>(kind: Kind, value: &'p [u8], out: &mut Vec<Value<'p>>) {
    if !length_fits(kind, value.len()) {
        return;
    }
    match kind {
        Kind::Addr | Kind::Addrs => {
            out.extend(value.chunks_exact(4).map(|c| Value::Ip(Ipv4Addr::new(c[0], c[1], c[2], c[3]).into())))
        }
        Kind::Secs => out.push(Value::Uint(u64::from(be32(value, 0)))),
        Kind::SignedSecs => out.push(Value::Int(i64::from(be32(value, 0) as i32))),
        Kind::Text => out.push(Value::Str(text(value))),
        Kind::U16 => out.push(Value::Uint(u64::from(be16(value, 0)))),
        Kind::U8 => out.push(Value::Uint(u64::from(value[0]))),
        Kind::Switch => out.push(Value::Bool(value[0] != 0)),
    }
}

/// Whether an option of `kind` may be `len` bytes long.
fn length_fits(kind: Kind, len: usize) -> bool {
    match kind {
        Kind::Addr | Kind::Secs | Kind::SignedSecs => len == 4,
        Kind::Addrs => len > 0 && len.is_multiple_of(4),
        Kind::Text => len > 0,
        Kind::U16 => len == 2,
        Kind::U8 | Kind::Switch => len == 1,
    }
}

/// The fixed header (RFC 2131 §2), as far as the message holds it; false when
/// it ends inside it.
fn header(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let has = |end: usize| pdu.len() >= end;
    let Some(&op) = pdu.first() else { return false };
    number(out, "dhcp.type", o + at::OP, op, format_args!("Message type: {} ({op})", op_name(op)));
    let Some(&ht) = pdu.get(at::HTYPE) else { return false };
    out.at(1)
        .field("dhcp.hw.type", Ftype::Uint8, Value::hex(u64::from(ht), 2))
        .bytes(o + at::HTYPE, 1)
        .line(format_args!("Hardware type: {} (0x{ht:02x})", htype_name(ht)));
    let Some(&hlen) = pdu.get(at::HLEN) else { return false };
    number(out, "dhcp.hw.len", o + at::HLEN, hlen, format_args!("Hardware address length: {hlen}"));
    let Some(&hops) = pdu.get(at::HOPS) else { return false };
    number(out, "dhcp.hops", o + at::HOPS, hops, format_args!("Hops: {hops}"));
    if !has(at::SECS) {
        return false;
    }
    let xid = be32(pdu, at::XID);
    out.at(1)
        .field("dhcp.id", Ftype::Uint32, Value::hex(u64::from(xid), 8))
        .bytes(o + at::XID, 4)
        .line(format_args!("Transaction ID: 0x{xid:08x}"));
    if !has(at::FLAGS) {
        return false;
    }
    let secs = be16(pdu, at::SECS);
    out.at(1)
        .field("dhcp.secs", Ftype::Uint16, secs)
        .bytes(o + at::SECS, 2)
        .line(format_args!("Seconds elapsed: {secs}"));
    if !has(at::CIADDR) {
        return false;
    }
    flags(out, be16(pdu, at::FLAGS), o);
    let names = ["dhcp.ip.client", "dhcp.ip.your", "dhcp.ip.server", "dhcp.ip.relay"];
    let titles = ["Client IP address", "Your (client) IP address", "Next server IP address", "Relay agent IP address"];
    for (i, (name, title)) in names.into_iter().zip(titles).enumerate() {
        let Some(a) = addr(pdu, at::CIADDR + 4 * i) else { return false };
        out.at(1).field(name, Ftype::Ipv4, a).bytes(o + at::CIADDR + 4 * i, 4).line(format_args!("{title}: {a}"));
    }
    if !has(at::SNAME) {
        return false;
    }
    client_hardware(out, pdu, o);
    name_field(out, pdu, o, ("dhcp.server", "Server host name"), at::SNAME..at::FILE)
        && name_field(out, pdu, o, ("dhcp.file", "Boot file name"), at::FILE..at::COOKIE)
}

/// A one-byte number item at `offset`.
fn number(out: &mut Tree, name: &'static str, offset: usize, v: u8, line: std::fmt::Arguments<'_>) {
    out.at(1).field(name, Ftype::Uint8, v).bytes(offset, 1).line(line);
}

/// The flags with the broadcast bit (RFC 2131 §2, figure 2).
fn flags(out: &mut Tree, fl: u16, o: usize) {
    let bc = fl & BROADCAST != 0;
    let (word, summary) = if bc { ("Broadcast", ", Broadcast flag (Broadcast)") } else { ("Unicast", " (Unicast)") };
    out.at(1)
        .field("dhcp.flags", Ftype::Uint16, Value::hex16(fl))
        .bytes(o + at::FLAGS, 2)
        .line(format_args!("Bootp flags: 0x{fl:04x}{summary}"));
    out.at(2)
        .field("dhcp.flags.bc", Ftype::Boolean, u8::from(bc))
        .bytes(o + at::FLAGS, 2)
        .mask(u64::from(BROADCAST), u64::from(bc))
        .line(format_args!("{} = Broadcast flag: {word}", bit_pattern(u32::from(bc), 1, 15, 16)));
    let rest = fl & !BROADCAST;
    out.at(2)
        .field("dhcp.flags.reserved", Ftype::Uint16, Value::hex16(rest))
        .bytes(o + at::FLAGS, 2)
        .mask(u64::from(!BROADCAST), u64::from(rest))
        .line(format_args!("{} = Reserved flags: 0x{rest:04x}", bit_pattern(u32::from(rest), 15, 0, 16)));
}

/// The client hardware address: a MAC address and padding for Ethernet, bytes otherwise.
fn client_hardware(out: &mut Tree, pdu: &[u8], o: usize) {
    let Some((hw, pad)) = chaddr(pdu) else { return };
    if ethernet_client(pdu) {
        out.at(1)
            .field("dhcp.hw.mac_addr", Ftype::Ether, Mac(hw))
            .bytes(o + at::CHADDR, hw.len())
            .line(format_args!("Client MAC address: {}", Mac(hw)));
    } else if !hw.is_empty() {
        out.at(1)
            .field("dhcp.hw.addr", Ftype::Bytes, Mac(hw))
            .bytes(o + at::CHADDR, hw.len())
            .line(format_args!("Client hardware address: {}", shown_bytes(hw)));
    }
    if !pad.is_empty() {
        out.at(1)
            .field("dhcp.hw.addr_padding", Ftype::Bytes, Mac(pad))
            .bytes(o + at::CHADDR + hw.len(), pad.len())
            .line(format_args!("Client hardware address padding: {}", shown_bytes(pad)));
    }
}

/// The server host name or boot file name (field name and title) over `span`:
/// `… not given` when it is empty; false when the message ends inside it.
fn name_field(out: &mut Tree, pdu: &[u8], o: usize, field: (&'static str, &str), span: Range<usize>) -> bool {
    let (name, title) = field;
    let Some(b) = pdu.get(span.clone()) else { return false };
    let t = text(b);
    let item = out.at(1).field(name, Ftype::String, &t).bytes(o + span.start, b.len());
    if t.is_empty() {
        item.line(format_args!("{title} not given"));
    } else {
        item.line(format_args!("{title}: {t}"));
    }
    true
}

/// The magic cookie (RFC 2131 §3), or else BOOTP's vendor area (RFC 951); false
/// when the message ends before them.
fn cookie(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let Some(a) = addr(pdu, at::COOKIE) else { return false };
    if a.octets() == COOKIE {
        out.at(1)
            .field("dhcp.cookie", Ftype::Ipv4, a)
            .bytes(o + at::COOKIE, 4)
            .line(format_args!("Magic cookie: DHCP"));
        return true;
    }
    let Some(vendor) = pdu.get(at::COOKIE..at::COOKIE + VENDOR_LEN) else { return false };
    out.at(1)
        .field("dhcp.vendor_specific_options", Ftype::Bytes, Mac(vendor))
        .bytes(o + at::COOKIE, VENDOR_LEN)
        .line(format_args!("Bootp vendor specific options: {}", shown_bytes(vendor)));
    true
}

/// One option: its line with code and name, its length, its value decoded.
fn option(out: &mut Tree, o: usize, opt: Opt<'_>) {
    match opt {
        Opt::Pad { at, len } => {
            out.at(1)
                .field("dhcp.option.type", Ftype::Uint8, 0)
                .bytes(o + at, 1)
                .line(format_args!("Option: (0) Padding"));
            let pad = vec![0u8; len];
            out.at(2)
                .field("dhcp.option.padding", Ftype::Bytes, Mac(&pad))
                .bytes(o + at, len)
                .line(format_args!("Padding: {}", shown_bytes(&pad)));
        }
        Opt::End { at } => {
            out.at(1)
                .field("dhcp.option.type", Ftype::Uint8, 0)
                .bytes(o + at, 1)
                .line(format_args!("Option: (255) End"));
            out.at(2)
                .field("dhcp.option.end", Ftype::Uint8, code::END)
                .bytes(o + at, 1)
                .line(format_args!("Option End: {}", code::END));
        }
        Opt::Cut { code, at } => {
            let name = option_name(code);
            out.at(1)
                .field("dhcp.option.type", Ftype::Uint8, code)
                .bytes(o + at, 1)
                .line(format_args!("Option: ({code}) {name}"));
        }
        Opt::Value { code, at, value } => {
            let v = o + at + 2;
            let head = out.at(1).field("dhcp.option.type", Ftype::Uint8, code).bytes(o + at, 2 + value.len());
            head.line(format_args!("Option: ({code}) {}{}", option_name(code), summary(code, value)));
            out.at(2)
                .field("dhcp.option.length", Ftype::Uint8, value.len())
                .bytes(o + at + 1, 1)
                .line(format_args!("Length: {}", value.len()));
            let raw = out.at(2).field("dhcp.option.value", Ftype::Bytes, Mac(value));
            // tshark gives an empty value no position.
            let raw = if value.is_empty() { raw } else { raw.bytes(v, value.len()) };
            if decoded(code, value) {
                raw.hidden();
                option_value(out, code, value, v);
            } else {
                let shown = if value.is_empty() { "<MISSING>".to_string() } else { shown_bytes(value) };
                raw.line(format_args!("Value: {shown}"));
            }
        }
    }
}

/// What the option's line adds after its name: the message type or the one address.
fn summary(code: u8, value: &[u8]) -> String {
    match (code, value) {
        (code::MESSAGE_TYPE, [t]) => format!(" ({})", message_type_name(*t)),
        _ => match known(code).filter(|k| k.kind == Kind::Addr && value.len() == 4) {
            Some(_) => format!(" ({})", Ipv4Addr::new(value[0], value[1], value[2], value[3])),
            None => String::new(),
        },
    }
}

/// Whether the option's value is decoded (else its bytes are shown).
fn decoded(code: u8, value: &[u8]) -> bool {
    match code {
        code::MESSAGE_TYPE => value.len() == 1,
        PARAMS => true,
        STATIC_ROUTE => !value.is_empty() && value.len().is_multiple_of(8),
        CLIENT_FQDN => value.len() >= 3,
        USER_CLASS => user_classes(value).is_some(),
        CLASSLESS_ROUTE => classless_routes(value).is_some(),
        CLIENT_ID => ethernet_id(value) || value.first() == Some(&0),
        _ => known(code).is_some_and(|k| length_fits(k.kind, value.len())),
    }
}

/// The decoded value of an option [`decoded`] takes, whose value starts at `v`.
fn option_value(out: &mut Tree, code: u8, value: &[u8], v: usize) {
    match code {
        code::MESSAGE_TYPE => {
            let t = value[0];
            out.at(2)
                .field("dhcp.option.dhcp", Ftype::Uint8, t)
                .bytes(v, 1)
                .line(format_args!("DHCP: {} ({t})", message_type_name(t)));
        }
        CLIENT_FQDN => client_fqdn(out, value, v),
        USER_CLASS => {
            for (i, (at, data)) in user_classes(value).unwrap_or_default().into_iter().enumerate() {
                let o = v + at;
                out.at(2)
                    .field("dhcp.option.user_class", Ftype::Uint8, i)
                    .bytes(o, 1 + data.len())
                    .line(format_args!("Instance of User Class: [{i}]"));
                out.at(3)
                    .field("dhcp.option.user_class.length", Ftype::Uint8, data.len())
                    .bytes(o, 1)
                    .line(format_args!("User Class Length: {}", data.len()));
                out.at(3)
                    .field("dhcp.option.user_class.data", Ftype::Bytes, Mac(data))
                    .bytes(o + 1, data.len())
                    .line(format_args!("User Class Data: {}", shown_bytes(data)));
            }
        }
        STATIC_ROUTE => {
            for (i, pair) in value.chunks_exact(8).enumerate() {
                let (dest, router) =
                    (addr(pair, 0).unwrap_or(Ipv4Addr::UNSPECIFIED), addr(pair, 4).unwrap_or(Ipv4Addr::UNSPECIFIED));
                out.at(2)
                    .field("dhcp.option.static_route.ip", Ftype::Ipv4, dest)
                    .bytes(v + 8 * i, 4)
                    .line(format_args!("Destination IP Address: {dest}"));
                out.at(2)
                    .field("dhcp.option.static_route.router", Ftype::Ipv4, router)
                    .bytes(v + 8 * i + 4, 4)
                    .line(format_args!("Destination Router: {router}"));
            }
        }
        CLASSLESS_ROUTE => {
            for (at, r) in classless_routes(value).unwrap_or_default() {
                let item = out.at(2).field("dhcp.option.classless_static_route", Ftype::Bytes, Mac(r.bytes));
                let item = item.bytes(v + at, r.bytes.len());
                if r.width == 0 {
                    item.line(format_args!(" default-{}", r.router));
                } else {
                    item.line(format_args!(" {}/{}-{}", r.dest, r.width, r.router));
                }
            }
        }
        PARAMS => {
            for (i, &c) in value.iter().enumerate() {
                out.at(2)
                    .field("dhcp.option.request_list_item", Ftype::Uint8, c)
                    .bytes(v + i, 1)
                    .line(format_args!("Parameter Request List Item: ({c}) {}", option_name(c)));
            }
        }
        CLIENT_ID if ethernet_id(value) => {
            out.at(2)
                .field("dhcp.hw.type", Ftype::Uint8, Value::hex(u64::from(value[0]), 2))
                .bytes(v, 1)
                .line(format_args!("Hardware type: {} (0x{:02x})", htype_name(value[0]), value[0]));
            let mac = &value[1..];
            out.at(2)
                .field("dhcp.hw.mac_addr", Ftype::Ether, Mac(mac))
                .bytes(v + 1, mac.len())
                .line(format_args!("Client MAC address: {}", Mac(mac)));
        }
        CLIENT_ID => {
            out.at(2).field("dhcp.client_id.type", Ftype::Uint8, 0).bytes(v, 1).line(format_args!("Type: 0"));
            let id = text(&value[1..]);
            out.at(2)
                .field("dhcp.client_id.undef", Ftype::String, &id)
                .bytes(v + 1, value.len() - 1)
                .line(format_args!("Client Identifier: {id}"));
        }
        _ => {
            if let Some(k) = known(code) {
                kind_items(out, k, value, v);
            }
        }
    }
}

/// The instances of a User Class option, each with where it starts in the value;
/// `None` unless the value is made of whole instances (RFC 3004 §4).
fn user_classes(v: &[u8]) -> Option<Vec<(usize, &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < v.len() {
        let n = usize::from(v[at]);
        let data = v.get(at + 1..at + 1 + n).filter(|d| !d.is_empty())?;
        out.push((at, data));
        at += 1 + n;
    }
    Some(out)
}

/// The Client FQDN option (RFC 4702 §2): flags, the two obsolete result codes
/// and the name, in ASCII or (flag E) in DNS wire form.
fn client_fqdn(out: &mut Tree, value: &[u8], v: usize) {
    let fl = value[0];
    let mut line = format!("Flags: 0x{fl:02x}");
    for (bit, _, title, _) in FQDN_FLAGS {
        if fl & bit != 0 {
            let _ = write!(line, ", {title}");
        }
    }
    out.at(2)
        .field("dhcp.fqdn.flags", Ftype::Uint8, Value::hex(u64::from(fl), 2))
        .bytes(v, 1)
        .line(format_args!("{line}"));
    let mbz = (fl & FQDN_MBZ) >> 4;
    out.at(3)
        .field("dhcp.fqdn.mbz", Ftype::Uint8, Value::hex(u64::from(mbz), 2))
        .bytes(v, 1)
        .mask(u64::from(FQDN_MBZ), u64::from(mbz))
        .line(format_args!("{} = Reserved flags: 0x{mbz:x}", bit_pattern(u32::from(mbz), 4, 4, 8)));
    for (bit, name, title, words) in FQDN_FLAGS {
        let on = fl & bit != 0;
        let shift = bit.trailing_zeros();
        out.at(3)
            .field(name, Ftype::Boolean, u8::from(on))
            .bytes(v, 1)
            .mask(u64::from(bit), u64::from(on))
            .line(format_args!("{} = {title}: {}", bit_pattern(u32::from(on), 1, shift, 8), words[usize::from(on)]));
    }
    for (i, (name, title)) in
        [("dhcp.fqdn.rcode1", "A-RR result"), ("dhcp.fqdn.rcode2", "PTR-RR result")].into_iter().enumerate()
    {
        let r = value[1 + i];
        out.at(2).field(name, Ftype::Uint8, r).bytes(v + 1 + i, 1).line(format_args!("{title}: {r}"));
    }
    let raw = &value[3..];
    if raw.is_empty() {
        return;
    }
    let name = if fl & 0x04 != 0 { binary_name(raw) } else { text(raw).into_owned() };
    out.at(2)
        .field("dhcp.fqdn.name", Ftype::String, &name)
        .bytes(v + 3, raw.len())
        .line(format_args!("Client name: {name}"));
}

/// A name in DNS wire form (RFC 1035 §3.1) as dotted text without the final
/// dot, as far as `b` holds it.
fn binary_name(b: &[u8]) -> String {
    let mut labels = Vec::new();
    let mut at = 0;
    while let Some(&n) = b.get(at).filter(|&&n| n != 0) {
        let end = (at + 1 + usize::from(n)).min(b.len());
        labels.push(String::from_utf8_lossy(&b[at + 1..end]).into_owned());
        at = end;
    }
    labels.join(".")
}

/// The items of an option decoded by kind, whose length [`length_fits`].
fn kind_items(out: &mut Tree, k: &Known, value: &[u8], v: usize) {
    let decl = &FIELDS[k.field];
    let (name, title) = (decl.name, decl.title);
    match k.kind {
        Kind::Addr | Kind::Addrs => {
            for (i, c) in value.chunks_exact(4).enumerate() {
                let a = Ipv4Addr::new(c[0], c[1], c[2], c[3]);
                out.at(2).field(name, Ftype::Ipv4, a).bytes(v + 4 * i, 4).line(format_args!("{title}: {a}"));
            }
        }
        Kind::Secs => {
            let s = be32(value, 0);
            out.at(2).field(name, Ftype::Uint32, s).bytes(v, 4).line(format_args!("{title}: {}", secs_words(s)));
        }
        Kind::SignedSecs => {
            let s = be32(value, 0) as i32;
            out.at(2).field(name, Ftype::Int32, s).bytes(v, 4).line(format_args!("{title}: {}", signed_secs_words(s)));
        }
        Kind::Text => {
            let t = text(value);
            out.at(2).field(name, decl.ftype, &t).bytes(v, value.len()).line(format_args!("{title}: {t}"));
        }
        Kind::U16 => {
            let n = be16(value, 0);
            out.at(2).field(name, Ftype::Uint16, n).bytes(v, 2).line(format_args!("{title}: {n}"));
        }
        Kind::U8 => {
            out.at(2).field(name, Ftype::Uint8, value[0]).bytes(v, 1).line(format_args!("{title}: {}", value[0]));
        }
        Kind::Switch => {
            let on = value[0] != 0;
            let word = if on { "Enabled" } else { "Disabled" };
            out.at(2).field(name, Ftype::Boolean, u8::from(on)).bytes(v, 1).line(format_args!("{title}: {word}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BOOTP message from client 00:0c:29:59:fd:21, transaction 0x696ddc66 (as
    /// in dhcp_nolease_initialization.pcapng), op `op`, your address `yiaddr`,
    /// then `tail`: the cookie and options, or nothing.
    fn message(op: u8, yiaddr: [u8; 4], tail: &[u8]) -> Vec<u8> {
        let mut m = vec![op, HTYPE_ETHERNET, 6, 0, 0x69, 0x6d, 0xdc, 0x66, 0, 0, 0x80, 0];
        m.extend_from_slice(&[0; 4]);
        m.extend_from_slice(&yiaddr);
        m.extend_from_slice(&[0; 8]);
        m.extend_from_slice(&[0x00, 0x0c, 0x29, 0x59, 0xfd, 0x21]);
        m.resize(at::COOKIE, 0);
        m.extend_from_slice(tail);
        m
    }

    /// The cookie and a Discover: requested address, host name, parameter
    /// request list, end and padding.
    const DISCOVER: &[u8] = &[
        99, 130, 83, 99, // cookie
        53, 1, 1, // Discover
        50, 4, 192, 168, 100, 129, // requested IP address
        12, 7, b'u', b'b', b'u', b'n', b't', b'u', b'2', // host name
        55, 4, 1, 3, 6, 42, // parameter request list
        61, 7, 1, 0x00, 0x0c, 0x29, 0x59, 0xfd, 0x21, // client identifier
        255, 0, 0, // end, padding
    ];
    /// The cookie and an Offer: server identifier, lease, mask, router, two DNS servers.
    const OFFER: &[u8] = &[
        99, 130, 83, 99, // cookie
        53, 1, 2, // Offer
        54, 4, 192, 168, 1, 5, // server identifier
        51, 4, 0, 0, 2, 0x58, // lease time 600 s
        58, 4, 0, 0, 1, 0x2c, // renewal 300 s
        59, 4, 0xff, 0xff, 0xff, 0xff, // rebinding: infinity
        1, 4, 255, 255, 255, 0, // subnet mask
        3, 4, 192, 168, 1, 254, // router
        6, 8, 192, 168, 1, 1, 192, 168, 1, 2, // DNS servers
        0, 0, // pad
        255,
    ];

    /// An ACK with a classless static route option (two routes) and a static route.
    fn routes() -> Vec<u8> {
        let opts = [
            &[99, 130, 83, 99, 53, 1, 5][..],
            &[121, 13, 24, 10, 1, 2, 192, 168, 1, 1, 0, 192, 168, 1, 254],
            &[33, 8, 10, 0, 0, 0, 192, 168, 1, 1, 255],
        ]
        .concat();
        message(2, [0; 4], &opts)
    }

    fn discover() -> Vec<u8> {
        message(1, [0; 4], DISCOVER)
    }

    fn offer() -> Vec<u8> {
        message(2, [192, 168, 1, 10], OFFER)
    }

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Dhcp, pdu, Ctx::default())
    }

    fn note(pdu: &[u8]) -> String {
        let mut out = String::new();
        Dhcp.note(pdu, Ctx::default(), &mut out).unwrap();
        out
    }

    #[test]
    fn the_note_names_each_dora_step_with_its_addresses() {
        assert_eq!(
            note(&discover()),
            "DORA step 1/4 (Discover): client 00:0c:29:59:fd:21 has no address yet and broadcasts to find a DHCP server"
        );
        assert_eq!(
            note(&offer()),
            "DORA step 2/4 (Offer): server 192.168.1.5 offers 192.168.1.10 to client 00:0c:29:59:fd:21"
        );
        let request =
            message(1, [0; 4], &[99, 130, 83, 99, 53, 1, 3, 50, 4, 192, 168, 1, 10, 54, 4, 192, 168, 1, 5, 255]);
        assert_eq!(
            note(&request),
            "DORA step 3/4 (Request): client 00:0c:29:59:fd:21 asks for 192.168.1.10 from server 192.168.1.5, \
             declining any other offer"
        );
        let ack = message(
            2,
            [192, 168, 1, 10],
            &[99, 130, 83, 99, 53, 1, 5, 54, 4, 192, 168, 1, 5, 51, 4, 0, 0, 2, 0x58, 255],
        );
        assert_eq!(
            note(&ack),
            "DORA step 4/4 (ACK): server 192.168.1.5 confirms 192.168.1.10 for client 00:0c:29:59:fd:21 for 600 s: \
             the client may now use the address"
        );
    }

    #[test]
    fn a_renewal_is_not_called_a_dora_step_and_bootp_has_no_note() {
        let mut renew = message(1, [0; 4], &[99, 130, 83, 99, 53, 1, 3, 255]);
        renew[at::CIADDR..at::CIADDR + 4].copy_from_slice(&[192, 168, 1, 10]);
        assert!(note(&renew).starts_with("lease renewal (Request): client 192.168.1.10"));
        assert_eq!(note(&message(1, [0; 4], &[])), "");
        // Cut inside the options: still no panic, the type is known.
        let d = discover();
        for n in 0..d.len() {
            let _ = note(&d[..n]);
        }
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Dhcp.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Dhcp.tree(pdu, Ctx::default(), 42, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    /// Every item with bytes: field, value, offset, length.
    fn items(pdu: &[u8]) -> Vec<(&'static str, String, u32, u32)> {
        let mut t = Tree::new();
        Dhcp.tree(pdu, Ctx::default(), 42, &mut t);
        t.items().iter().filter_map(|i| i.bytes.map(|b| (i.field, t.value(i).to_string(), b.offset, b.len))).collect()
    }

    #[test]
    fn the_field_indexes_name_the_fields_they_mean() {
        let names = [
            (f::TYPE, "dhcp.type"),
            (f::IP_RELAY, "dhcp.ip.relay"),
            (f::COOKIE, "dhcp.cookie"),
            (f::VENDOR, "dhcp.vendor_specific_options"),
            (f::OPT_TYPE, "dhcp.option.type"),
            (f::PADDING, "dhcp.option.padding"),
            (f::CLIENT_ID_UNDEF, "dhcp.client_id.undef"),
        ];
        for (i, name) in names {
            assert_eq!(FIELDS[i].name, name);
        }
        for k in KNOWN {
            let decl = &FIELDS[k.field];
            assert!(decl.name.starts_with("dhcp.option."), "option {}: {}", k.code, decl.name);
            let want = match k.kind {
                Kind::Addr | Kind::Addrs => Ftype::Ipv4,
                Kind::Secs => Ftype::Uint32,
                Kind::SignedSecs => Ftype::Int32,
                Kind::Text if decl.ftype == Ftype::String => Ftype::String,
                Kind::Text => Ftype::Stringz,
                Kind::U16 => Ftype::Uint16,
                Kind::U8 => Ftype::Uint8,
                Kind::Switch => Ftype::Boolean,
            };
            assert_eq!(decl.ftype, want, "option {}", k.code);
        }
        for (i, decl) in FIELDS.iter().enumerate().skip(f::CLASSLESS_ROUTE + 1) {
            let from_tree = decl.name.starts_with(FQDN_FIELDS) || decl.name.starts_with(USER_CLASS_FIELDS);
            let used = from_tree || KNOWN.iter().any(|k| k.field == i);
            assert!(used, "{} is declared but no option gives it", decl.name);
        }
    }

    #[test]
    fn info_and_column_in_tsharks_words() {
        assert_eq!(info(&discover()), "DHCP Discover - Transaction ID 0x696ddc66");
        assert_eq!(info(&offer()), "DHCP Offer    - Transaction ID 0x696ddc66");
        assert_eq!(Dhcp.column(&offer()), "DHCP");
        let bootp = message(1, [0; 4], &[99, 130, 83, 99, 255]);
        assert_eq!(Dhcp.column(&bootp), "BOOTP");
        assert_eq!(info(&bootp), "Boot Request from 00:0c:29:59:fd:21 (00:0c:29:59:fd:21)");
        assert_eq!(info(&message(2, [0; 4], &[99, 130, 83, 99, 255])), "Boot Reply");
        assert_eq!(info(&message(2, [0; 4], &[])), "Boot Reply[Malformed Packet]");
        assert_eq!(info(&message(7, [0; 4], &[99, 130, 83, 99])), "Unknown BOOTP message type (7)");
    }

    #[test]
    fn the_tree_names_every_option_and_decodes_the_common_ones() {
        let d = lines(&discover());
        let want = [
            "Dynamic Host Configuration Protocol (Discover)",
            "Bootp flags: 0x8000, Broadcast flag (Broadcast)",
            "1... .... .... .... = Broadcast flag: Broadcast",
            "Client MAC address: 00:0c:29:59:fd:21",
            "Server host name not given",
            "Magic cookie: DHCP",
            "Option: (53) DHCP Message Type (Discover)",
            "DHCP: Discover (1)",
            "Option: (50) Requested IP Address (192.168.100.129)",
            "Host Name: ubuntu2",
            "Parameter Request List Item: (42) Network Time Protocol Servers",
            "Option: (61) Client identifier",
            "Hardware type: Ethernet (0x01)",
            "Option: (255) End",
            "Padding: 0000",
        ];
        for w in want {
            assert!(d.contains(&w.to_string()), "{w}: {d:#?}");
        }
        let o = lines(&offer());
        let want = [
            "Your (client) IP address: 192.168.1.10",
            "IP Address Lease Time: (600s) 10 minutes",
            "Renewal Time Value: (300s) 5 minutes",
            "Rebinding Time Value: (4294967295s) infinity",
            "Option: (1) Subnet Mask (255.255.255.0)",
            "Router: 192.168.1.254",
            "Domain Name Server: 192.168.1.2",
            "Option: (0) Padding",
        ];
        for w in want {
            assert!(o.contains(&w.to_string()), "{w}: {o:#?}");
        }
        assert!(!o.iter().any(|l| l.starts_with("[Malformed")), "{o:#?}");
    }

    #[test]
    fn every_item_has_tsharks_bytes() {
        let it = items(&offer());
        assert_eq!(it[0], ("dhcp", String::new(), 42, offer().len() as u32));
        assert!(it.contains(&("dhcp.option.type", "53".into(), 282, 3)), "{it:?}");
        assert!(it.contains(&("dhcp.option.value", "c0:a8:01:05".into(), 287, 4)), "{it:?}");
        assert!(it.contains(&("dhcp.option.domain_name_server", "192.168.1.2".into(), 327, 4)), "{it:?}");
        assert!(it.contains(&("dhcp.flags.bc", "1".into(), 52, 2)), "{it:?}");
        // tshark gives the End option's item the value 0.
        assert!(it.contains(&("dhcp.option.type", "0".into(), 333, 1)), "{it:?}");
    }

    #[test]
    fn fields_as_tshark_prints_them() {
        let d = discover();
        assert_eq!(values(&d, "dhcp.id"), ["0x696ddc66"]);
        assert_eq!(values(&d, "dhcp.flags"), ["0x8000"]);
        assert_eq!(values(&d, "dhcp.flags.bc"), ["1"]);
        assert_eq!(values(&d, "dhcp.hw.mac_addr"), ["00:0c:29:59:fd:21"]);
        assert_eq!(values(&d, "dhcp.cookie"), ["99.130.83.99"]);
        assert_eq!(values(&d, "dhcp.option.type"), ["53", "50", "12", "55", "61", "0"]);
        assert_eq!(values(&d, "dhcp.option.request_list_item"), ["1", "3", "6", "42"]);
        assert_eq!(values(&d, "dhcp.option.hostname"), ["ubuntu2"]);
        assert_eq!(values(&d, "dhcp.option.padding"), ["0000"]);
        let o = offer();
        assert_eq!(values(&o, "dhcp.option.dhcp"), ["2"]);
        assert_eq!(values(&o, "dhcp.option.ip_address_lease_time"), ["600"]);
        assert_eq!(values(&o, "dhcp.option.domain_name_server"), ["192.168.1.1", "192.168.1.2"]);
        assert_eq!(values(&o, "dhcp.option.end"), ["255"]);
        assert_eq!(values(&o, "dhcp.server"), [""]);
    }

    #[test]
    fn odd_options_show_their_bytes() {
        // A 3-byte requested address, a client identifier of type 0, an unassigned option.
        let m =
            message(1, [0; 4], &[99, 130, 83, 99, 53, 1, 3, 50, 3, 1, 2, 3, 61, 4, 0, b'a', b'b', b'c', 109, 0, 255]);
        let l = lines(&m);
        for w in ["Value: 010203", "Type: 0", "Client Identifier: abc", "Option: (109) Unassigned", "Value: <MISSING>"]
        {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "dhcp.option.requested_ip_address"), [""; 0]);
        assert_eq!(values(&m, "dhcp.client_id.undef"), ["abc"]);
        assert!(items(&m).iter().all(|i| i.3 > 0 || i.0 != "dhcp.option.value"), "an empty value has no bytes");
    }

    #[test]
    fn client_fqdn_in_ascii_and_wire_form() {
        let ascii = message(1, [0; 4], &[99, 130, 83, 99, 53, 1, 3, 81, 7, 0x03, 0, 0, b'h', b'o', b's', b't', 255]);
        let l = lines(&ascii);
        for w in
            ["Flags: 0x03, Server overrides, Server", ".... ..1. = Server overrides: Override", "Client name: host"]
        {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        let wire = [
            &[99, 130, 83, 99, 53, 1, 3, 81, 12, 0x05, 0, 0][..],
            &[4, b'h', b'o', b's', b't', 2, b'e', b'x', 0],
            &[255],
        ]
        .concat();
        let m = message(1, [0; 4], &wire);
        assert!(lines(&m).contains(&"Client name: host.ex".to_string()));
        assert_eq!(values(&m, "dhcp.fqdn.name"), ["host.ex"]);
        assert_eq!(values(&m, "dhcp.fqdn.e"), ["1"]);
        assert_eq!(values(&m, "dhcp.fqdn.flags"), ["0x05"]);
        assert_eq!(binary_name(&[4, b'h', b'o', b's', b't', 9, b'x']), "host.x", "a label cut short");
    }

    #[test]
    fn user_class_instances() {
        // dhcp-rfc3004.pcap: two instances, then a value that is not whole instances.
        let opts =
            [&[99, 130, 83, 99, 53, 1, 1, 77, 7, 2, b'a', b'b', 3, b'x', b'y', b'z'][..], &[77, 3, 5, 1, 2, 255]]
                .concat();
        let m = message(1, [0; 4], &opts);
        let l = lines(&m);
        for w in ["Instance of User Class: [1]", "User Class Length: 3", "User Class Data: 78797a", "Value: 050102"] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "dhcp.option.user_class"), ["0", "1"]);
        assert_eq!(values(&m, "dhcp.option.user_class.data"), ["6162", "78797a"]);
    }

    #[test]
    fn static_and_classless_routes() {
        let m = routes();
        let l = lines(&m);
        for w in [" 10.1.2.0/24-192.168.1.1", " default-192.168.1.254", "Destination Router: 192.168.1.1"] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "dhcp.option.classless_static_route"), ["180a0102c0a80101", "00c0a801fe"]);
        assert_eq!(values(&m, "dhcp.option.static_route.ip"), ["10.0.0.0"]);
        assert!(classless_routes(&[33, 0, 0, 0, 0, 0, 0, 0, 0]).is_none(), "a width over 32");
        assert!(classless_routes(&[24, 10, 1]).is_none(), "a cut route");
    }

    #[test]
    fn a_message_without_the_cookie_has_bootps_vendor_area() {
        let mut m = message(2, [0; 4], &[1, 2, 3, 4]);
        m.resize(at::COOKIE + VENDOR_LEN, 0);
        assert_eq!(info(&m), "Boot Reply");
        assert!(lines(&m).iter().any(|l| l.starts_with("Bootp vendor specific options: 01020304")));
        assert_eq!(values(&m, "dhcp.cookie"), [""; 0]);
        m.truncate(at::COOKIE + 10);
        assert_eq!(info(&m), "Boot Reply[Malformed Packet]");
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        let bootp = message(1, [0; 4], &[]);
        let fqdn = message(1, [0; 4], &[99, 130, 83, 99, 53, 1, 3, 81, 8, 0x05, 0, 0, 4, b'h', b'o', b's', b't', 255]);
        for pdu in [discover(), offer(), routes(), fqdn, bootp] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let _ = Dhcp.column(cut);
                let mut t = Tree::new();
                Dhcp.tree(cut, Ctx::default(), 0, &mut t);
                for f in 1..FIELDS.len() {
                    Dhcp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        let cut = &discover()[..at::OPTIONS + 5];
        assert!(info(cut).ends_with("[Malformed Packet]"));
        assert!(lines(cut).contains(&"[Malformed Packet: DHCP/BOOTP]".to_string()));
    }
}
