//! Wireshark's default colouring rules (its `colorfilters` file), written in
//! socklab's display-filter language and matched with the same engine as `-Y`,
//! so the legend shows each rule as a filter the student can type. The first
//! rule that matches colours the row, as in Wireshark. Where Wireshark's rule
//! uses what socklab's language leaves out (bitwise `&`, protocols socklab does
//! not decode), the rule keeps the part socklab can test.

use crate::sniff::fields::{parse_filter, FieldId};
use crate::sniff::filter::Filter;
use crate::sniff::packet::Packet;
use serde::Serialize;

/// One colouring rule.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rule {
    /// Wireshark's name for it.
    pub name: &'static str,
    /// The display filter that selects the rows.
    pub filter: &'static str,
    /// Background colour (CSS).
    pub bg: &'static str,
    /// Text colour (CSS).
    pub fg: &'static str,
}

/// Wireshark's dark slate, the text colour of most rules.
const INK: &str = "#12272e";

/// The rules in Wireshark's order (first match wins).
pub const RULES: &[Rule] = &[
    Rule {
        name: "Bad TCP",
        filter: "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive",
        bg: INK,
        fg: "#f78787",
    },
    Rule { name: "ICMP errors", filter: "icmp.type in {3..5, 11} || icmpv6.type in {1..4}", bg: INK, fg: "#b7f774" },
    Rule { name: "ARP", filter: "arp", bg: "#faf0d7", fg: INK },
    Rule { name: "ICMP", filter: "icmp || icmpv6", bg: "#fce0ff", fg: INK },
    Rule { name: "TCP RST", filter: "tcp.flags.reset == 1", bg: "#a40000", fg: "#fffc9c" },
    Rule { name: "TTL low or unexpected", filter: "ip.dst != 224.0.0.0/4 && ip.ttl < 5", bg: "#a40000", fg: "#fffffc" },
    Rule { name: "HTTP", filter: "http || tcp.port == 80", bg: "#e4ffc7", fg: INK },
    Rule { name: "TCP SYN/FIN", filter: "tcp.flags.syn == 1 || tcp.flags.fin == 1", bg: "#a0a0a0", fg: INK },
    Rule { name: "TCP", filter: "tcp", bg: "#e7e6ff", fg: INK },
    Rule { name: "UDP", filter: "udp", bg: "#daeeff", fg: INK },
    Rule { name: "Broadcast", filter: "eth.dst == ff:ff:ff:ff:ff:ff", bg: "#ffffff", fg: "#babdb6" },
];

/// The rules, parsed once.
pub struct Colouring {
    filters: Vec<Filter<FieldId>>,
}

impl Colouring {
    /// Parses every rule of [`RULES`]; a rule socklab's language cannot read is an
    /// error naming it (a test keeps them all readable).
    pub fn new() -> Result<Colouring, String> {
        let filters =
            RULES.iter().map(|r| parse_filter(r.filter).map_err(|e| format!("colouring rule {}: {e}", r.name)));
        Ok(Colouring { filters: filters.collect::<Result<_, _>>()? })
    }

    /// The index in [`RULES`] of the first rule `p` matches.
    pub fn of(&self, p: &Packet<'_>) -> Option<usize> {
        self.filters.iter().position(|f| f.matches(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_parses() {
        assert!(Colouring::new().is_ok(), "{:?}", Colouring::new().err());
    }
}
