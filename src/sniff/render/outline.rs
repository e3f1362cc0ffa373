//! The protocol names `-O PROTO,…` (tshark's -O) accepts. The expansion itself
//! renders the field tree ([`crate::sniff::tree::text::write_only`]): a
//! top-level protocol item opens the block of that protocol.

/// The protocols of the built-in layers that head a block of the details tree,
/// by their display-filter names (the registered protocols add theirs).
const BUILT_IN: &[&str] = &[
    "frame",
    "eth",
    "vlan",
    "sll",
    "null",
    "raw",
    "ppp",
    "chdlc",
    "fr",
    "slip",
    "ip",
    "ipv6",
    "tcp",
    "udp",
    "icmpv6",
    "icmp",
    "mdns",
    "llmnr",
    "dns",
    "http",
    "ssdp",
    "data-text-lines",
    "media",
    "json",
    "urlencoded-form",
    "xml",
    "data",
];

/// Whether `-O` knows the protocol `name` (any case).
pub fn is_protocol(name: &str) -> bool {
    BUILT_IN.iter().any(|p| p.eq_ignore_ascii_case(name)) || crate::sniff::dissect::registry::by_name(name).is_some()
}

/// The protocol names `-O` accepts, for its error message.
pub fn protocol_names() -> Vec<&'static str> {
    let mut names = BUILT_IN.to_vec();
    names.extend(crate::sniff::dissect::registry::REGISTRY.iter().map(|d| d.name()));
    names
}
