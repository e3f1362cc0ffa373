//! `-O PROTO,…` (tshark's -O): the details tree with only the named protocols
//! expanded; every other top-level block shows as its title line alone. A filter
//! over the lines of the full tree: a line at depth 0 that names a protocol opens a
//! block; the lines after it (deeper ones, the blank line and hex dump of a Data
//! block) belong to that block. Protocols nested in another (the datagram an ICMP
//! error quotes) go with their parent, as in tshark.

use std::io::{self, Write};

/// The display-filter name of the protocol whose details block starts with `title`
/// (tshark's -O names); None for lines that open no block (`[Malformed Packet…]`).
pub fn protocol_of(title: &str) -> Option<&'static str> {
    TITLES.iter().find(|(t, _)| title.starts_with(t)).map(|&(_, p)| p).or_else(|| {
        let registered = crate::sniff::dissectors::REGISTRY.iter();
        registered.copied().find(|d| title.starts_with(d.title())).map(|d| d.name())
    })
}

/// Whether `name` is a protocol whose details block socklab writes (for checking `-O`).
pub fn is_protocol(name: &str) -> bool {
    TITLES.iter().any(|(_, p)| p.eq_ignore_ascii_case(name)) || crate::sniff::dissectors::by_name(name).is_some()
}

/// The protocol names `-O` accepts, for its error message.
pub fn protocol_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TITLES.iter().map(|&(_, p)| p).collect();
    names.extend(crate::sniff::dissectors::REGISTRY.iter().map(|d| d.name()));
    names.dedup();
    names
}

/// Title prefixes of the blocks of the details tree and the protocol each names
/// (longer prefixes first where one extends another).
const TITLES: &[(&str, &str)] = &[
    ("Frame ", "frame"),
    ("Ethernet II", "eth"),
    ("IEEE 802.3 Ethernet", "eth"),
    ("802.1Q Virtual LAN", "vlan"),
    ("Linux cooked capture v2", "sll"),
    ("Linux cooked capture", "sll"),
    ("Null/Loopback", "null"),
    ("Raw packet data", "raw"),
    ("Point-to-Point Protocol", "ppp"),
    ("Cisco HDLC", "chdlc"),
    ("Frame Relay", "fr"),
    ("SLIP", "slip"),
    ("Internet Protocol Version 4", "ip"),
    ("Internet Protocol Version 6", "ipv6"),
    ("Transmission Control Protocol", "tcp"),
    ("User Datagram Protocol", "udp"),
    ("Internet Control Message Protocol v6", "icmpv6"),
    ("Internet Control Message Protocol", "icmp"),
    ("Multicast Domain Name System", "mdns"),
    ("Domain Name System", "dns"),
    ("Hypertext Transfer Protocol", "http"),
    ("Simple Service Discovery Protocol", "ssdp"),
    ("Line-based text data", "data-text-lines"),
    ("Media Type", "media"),
    ("JavaScript Object Notation", "json"),
    ("HTML Form URL Encoded", "urlencoded-form"),
    ("eXtensible Markup Language", "xml"),
    ("Data (", "data"),
];

/// A writer that passes the details tree through, collapsing the blocks of
/// protocols not in `only`. Call [`Outline::finish`] after the tree.
pub struct Outline<'o, W: Write> {
    out: W,
    only: &'o [String],
    /// The current line, until its newline.
    line: Vec<u8>,
    /// Whether the lines of the current block are shown.
    expanded: bool,
}

impl<'o, W: Write> Outline<'o, W> {
    /// Wraps `out`; `only` holds the protocol names to expand (tshark's, e.g. `tcp`).
    pub fn new(out: W, only: &'o [String]) -> Self {
        Outline { out, only, line: Vec::with_capacity(128), expanded: true }
    }

    /// Writes a last line that has no newline.
    pub fn finish(mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.emit(&line)?;
        }
        Ok(())
    }

    fn emit(&mut self, line: &[u8]) -> io::Result<()> {
        let text = strip_ansi(line);
        let top = !text.is_empty() && !text.starts_with(b" ") && !is_hex_row(text);
        if top {
            let title = String::from_utf8_lossy(text);
            match protocol_of(&title) {
                Some(p) => self.expanded = self.only.iter().any(|o| o.eq_ignore_ascii_case(p)),
                // A note at depth 0 shows, and ends the block before it.
                None => self.expanded = false,
            }
            return self.out.write_all(line);
        }
        if self.expanded {
            self.out.write_all(line)?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Outline<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=at]);
            let line = std::mem::take(&mut self.line);
            self.emit(&line)?;
            self.line = line;
            self.line.clear();
            rest = &rest[at + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The line without its newline and without leading colour escapes (`ESC [ … m`).
fn strip_ansi(line: &[u8]) -> &[u8] {
    let mut s = line.strip_suffix(b"\n").unwrap_or(line);
    while s.starts_with(b"\x1b[") {
        match s.iter().position(|&b| b == b'm') {
            Some(end) => s = &s[end + 1..],
            None => break,
        }
    }
    s
}

/// A row of the hex dump inside a Data block: four hex digits, two spaces.
fn is_hex_row(text: &[u8]) -> bool {
    text.len() > 6 && text[..4].iter().all(u8::is_ascii_hexdigit) && &text[4..6] == b"  "
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str =
        "Frame 1: 60 bytes\n    Frame Number: 1\n\x1b[1mEthernet II, Src: a, Dst: b\x1b[0m\n    Type: IPv4\n\
Internet Protocol Version 4, Src: 1, Dst: 2\n    Total Length: 40\n\
Internet Control Message Protocol\n    Type: 3\n    Internet Protocol Version 4, Src: 2, Dst: 1\n        TTL: 64\n\
Data (2 bytes)\n\n0000  61 62                                             ab\n    Data: 6162\n\
[Malformed Packet: x]\n";

    fn outline(only: &[&str]) -> String {
        let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        let mut o = Outline::new(&mut out, &only);
        // Written in odd pieces, as the tree writes them.
        for piece in TREE.as_bytes().chunks(7) {
            o.write_all(piece).unwrap();
        }
        o.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn only_the_named_protocols_expand() {
        assert_eq!(
            outline(&["ip"]),
            "Frame 1: 60 bytes\n\x1b[1mEthernet II, Src: a, Dst: b\x1b[0m\nInternet Protocol Version 4, Src: 1, Dst: 2\n    Total Length: 40\n\
Internet Control Message Protocol\nData (2 bytes)\n[Malformed Packet: x]\n"
        );
        assert_eq!(
            outline(&["ICMP", "data"]),
            "Frame 1: 60 bytes\n\x1b[1mEthernet II, Src: a, Dst: b\x1b[0m\nInternet Protocol Version 4, Src: 1, Dst: 2\n\
Internet Control Message Protocol\n    Type: 3\n    Internet Protocol Version 4, Src: 2, Dst: 1\n        TTL: 64\n\
Data (2 bytes)\n\n0000  61 62                                             ab\n    Data: 6162\n[Malformed Packet: x]\n"
        );
        assert_eq!(outline(&["frame", "eth", "ip", "icmp", "data"]), TREE);
    }

    #[test]
    fn titles_name_protocols() {
        assert_eq!(protocol_of("Internet Control Message Protocol v6"), Some("icmpv6"));
        assert_eq!(protocol_of("Domain Name System (response)"), Some("dns"));
        assert_eq!(protocol_of("Linux cooked capture v1"), Some("sll"));
        assert_eq!(protocol_of("[socklab: connection refused]"), None);
    }
}
