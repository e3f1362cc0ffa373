//! How the reports write times, endpoints and TCP flags.

use crate::sniff::tcp::{flags, Endpoint};
use crate::sniff::value::Nanos;

/// Seconds with 9 decimals, as tshark's relative times.
pub fn secs(ns: Nanos) -> String {
    crate::sniff::render::Secs { nanos: ns, decimals: 9 }.to_string()
}

/// An endpoint as `addr:port` (`[v6]:port` for IPv6).
pub fn addr(e: &Endpoint) -> String {
    std::net::SocketAddr::new(e.ip, e.port).to_string()
}

/// Flag names in Wireshark's order and spelling, e.g. `SYN, ACK` or `FIN, ACK`
/// (the reserved bits are not named here).
pub fn flag_names(f: u16) -> String {
    flags::FlagNames(f & !flags::RESERVED).to_string()
}
