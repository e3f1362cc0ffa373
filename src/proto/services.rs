//! The services database: which service name goes with which port and transport.
//!
//! [`parse`] reads the text of `/etc/services` (format of services(5): `name
//! port/protocol [aliases...] [# comment]`) without touching the file system;
//! [`builtin`] is the fallback table compiled into socklab, which also carries the
//! lab's well-known-port table (HTTP 80, FTP 21, IMAP4 143, SMTP 25, Telnet 23,
//! POP3 110, DNS 53). [`Services`] answers look-ups from a parsed file first and
//! from the built-in table when the file lacks an entry.

use std::fmt;

/// One service entry: `http 80/tcp www # WorldWideWeb HTTP`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Official service name (`http`).
    pub name: String,
    /// Port number (1-65535; 0 is accepted as it appears in some files).
    pub port: u16,
    /// Transport protocol, lower case (`tcp`, `udp`, `sctp`, `ddp`…).
    pub proto: String,
    /// Alternative names (`www`).
    pub aliases: Vec<String>,
    /// Text after `#` on the same line, trimmed; empty when there is none.
    pub comment: String,
}

impl Service {
    /// True when `name` is the service's name or one of its aliases (ASCII case-insensitive).
    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// Why one line of a services file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineErrorKind {
    /// A name with nothing after it.
    MissingPort,
    /// The second field is not `port/protocol`.
    NoProtocol,
    /// The port is not a number from 0 to 65535.
    BadPort(String),
    /// The protocol after `/` is empty.
    EmptyProtocol,
}

/// A malformed line: 1-based line number, byte offset of the bad field in the text, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// Byte offset of the offending field from the start of the text.
    pub offset: usize,
    /// What is wrong.
    pub kind: LineErrorKind,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            LineErrorKind::MissingPort => "a service name without port/protocol".to_string(),
            LineErrorKind::NoProtocol => "expected port/protocol, e.g. 80/tcp".to_string(),
            LineErrorKind::BadPort(p) => format!("'{p}' is not a port from 0 to 65535"),
            LineErrorKind::EmptyProtocol => "the protocol after '/' is empty".to_string(),
        };
        write!(f, "line {} (byte {}): {what}", self.line, self.offset)
    }
}

/// The result of parsing a services file: good entries in file order, and the
/// lines that were skipped (as the C library skips them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Entries in file order.
    pub entries: Vec<Service>,
    /// Lines that were not understood.
    pub errors: Vec<LineError>,
}

/// Parses the text of a services(5) file. Never fails as a whole: bad lines are
/// reported in [`Parsed::errors`] and skipped.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut line_start = 0;
    for (index, raw) in text.split('\n').enumerate() {
        match parse_line(raw, line_start) {
            Ok(Some(s)) => out.entries.push(s),
            Ok(None) => {}
            Err((offset, kind)) => out.errors.push(LineError { line: index + 1, offset, kind }),
        }
        line_start += raw.len() + 1;
    }
    out
}

/// Parses one line starting at byte `base` of the text; `Ok(None)` for blank or comment lines.
fn parse_line(raw: &str, base: usize) -> Result<Option<Service>, (usize, LineErrorKind)> {
    let (body, comment) = match raw.find('#') {
        Some(i) => (&raw[..i], raw[i + 1..].trim()),
        None => (raw, ""),
    };
    let mut fields = fields_with_offsets(body);
    let Some((_, name)) = fields.next() else { return Ok(None) };
    let (port_at, port_proto) = fields.next().ok_or((base, LineErrorKind::MissingPort))?;
    let at = base + port_at;
    let (port_text, proto) = port_proto.split_once('/').ok_or((at, LineErrorKind::NoProtocol))?;
    let port = port_text.parse::<u16>().map_err(|_| (at, LineErrorKind::BadPort(port_text.to_string())))?;
    if proto.is_empty() {
        return Err((at + port_text.len() + 1, LineErrorKind::EmptyProtocol));
    }
    Ok(Some(Service {
        name: name.to_string(),
        port,
        proto: proto.to_ascii_lowercase(),
        aliases: fields.map(|(_, a)| a.to_string()).collect(),
        comment: comment.to_string(),
    }))
}

/// Whitespace-separated fields of `s` with their byte offsets.
fn fields_with_offsets(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split([' ', '\t', '\r'])
        .scan(0usize, |pos, field| {
            let at = *pos;
            *pos += field.len() + 1;
            Some((at, field))
        })
        .filter(|(_, f)| !f.is_empty())
}

/// One row of the compiled-in table.
struct Builtin {
    name: &'static str,
    port: u16,
    proto: &'static str,
    aliases: &'static [&'static str],
    /// Name in the lab's well-known-port table, when the entry belongs there.
    label: Option<&'static str>,
    description: &'static str,
}

const fn b(
    name: &'static str,
    port: u16,
    proto: &'static str,
    aliases: &'static [&'static str],
    label: Option<&'static str>,
    description: &'static str,
) -> Builtin {
    Builtin { name, port, proto, aliases, label, description }
}

/// The fallback table (IANA service names), the lab's well-known ports first in the lab's order.
const BUILTIN: &[Builtin] = &[
    b("http", 80, "tcp", &["www"], Some("HTTP"), "HyperText Transfer Protocol (the web)"),
    b("ftp", 21, "tcp", &[], Some("FTP"), "File Transfer Protocol (control connection)"),
    b("imap", 143, "tcp", &["imap2", "imap4"], Some("IMAP4"), "Internet Message Access Protocol v4 (mail retrieval)"),
    b("smtp", 25, "tcp", &["mail"], Some("SMTP"), "Simple Mail Transfer Protocol (mail delivery)"),
    b("telnet", 23, "tcp", &[], Some("Telnet"), "Telnet (remote terminal, unencrypted)"),
    b("pop3", 110, "tcp", &["pop-3"], Some("POP3"), "Post Office Protocol v3 (mail retrieval)"),
    b("domain", 53, "udp", &["dns"], Some("DNS"), "Domain Name System (queries)"),
    b("domain", 53, "tcp", &["dns"], Some("DNS"), "Domain Name System (large answers, zone transfers)"),
    b("ssh", 22, "tcp", &[], Some("SSH"), "Secure Shell (remote login)"),
    b("https", 443, "tcp", &[], Some("HTTPS"), "HTTP over TLS"),
    b("echo", 7, "tcp", &[], None, "Echo"),
    b("echo", 7, "udp", &[], None, "Echo"),
    b("ftp-data", 20, "tcp", &[], None, "FTP data connection"),
    b("bootps", 67, "udp", &["dhcps"], None, "DHCP/BOOTP server"),
    b("bootpc", 68, "udp", &["dhcpc"], None, "DHCP/BOOTP client"),
    b("tftp", 69, "udp", &[], None, "Trivial File Transfer Protocol"),
    b("ntp", 123, "udp", &[], None, "Network Time Protocol"),
    b("snmp", 161, "udp", &[], None, "Simple Network Management Protocol"),
    b("https", 443, "udp", &[], None, "HTTP/3 over QUIC"),
    b("submission", 587, "tcp", &[], None, "Mail submission"),
    b("imaps", 993, "tcp", &[], None, "IMAP over TLS"),
    b("pop3s", 995, "tcp", &[], None, "POP3 over TLS"),
];

impl Builtin {
    fn service(&self) -> Service {
        Service {
            name: self.name.to_string(),
            port: self.port,
            proto: self.proto.to_string(),
            aliases: self.aliases.iter().map(|a| a.to_string()).collect(),
            comment: self.description.to_string(),
        }
    }
}

/// The compiled-in fallback services table.
pub fn builtin() -> Vec<Service> {
    BUILTIN.iter().map(Builtin::service).collect()
}

/// A row of the lab's well-known-port table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WellKnown {
    /// Name as the lab writes it (`HTTP`, `IMAP4`).
    pub label: &'static str,
    /// Port number.
    pub port: u16,
    /// Transport, upper case as in the lab (`TCP`).
    pub proto: String,
    /// What the service is for.
    pub description: &'static str,
}

/// The lab's well-known ports (HTTP 80, FTP 21, IMAP4 143, SMTP 25, Telnet 23,
/// POP3 110), then DNS, SSH and HTTPS.
pub fn well_known() -> Vec<WellKnown> {
    BUILTIN
        .iter()
        .filter_map(|e| {
            e.label.map(|label| WellKnown {
                label,
                port: e.port,
                proto: e.proto.to_ascii_uppercase(),
                description: e.description,
            })
        })
        .collect()
}

/// Look-ups over a parsed services file with the built-in table behind it.
#[derive(Clone, Debug, Default)]
pub struct Services {
    primary: Vec<Service>,
    fallback: Vec<Service>,
}

impl Services {
    /// Entries from `file` (usually /etc/services) first, the built-in table behind them.
    pub fn new(file: Vec<Service>) -> Services {
        Services { primary: file, fallback: builtin() }
    }

    /// Only the built-in table (when there is no services file).
    pub fn builtin_only() -> Services {
        Services::new(Vec::new())
    }

    /// The service on `port` for `proto` (`tcp`/`udp`), from the file or else the built-in table.
    pub fn by_port(&self, port: u16, proto: &str) -> Option<&Service> {
        let hit = |s: &&Service| s.port == port && s.proto.eq_ignore_ascii_case(proto);
        self.primary.iter().find(hit).or_else(|| self.fallback.iter().find(hit))
    }

    /// Every entry named (or aliased) `name`, for `proto` if given, one per protocol:
    /// the file's entry wins over the built-in one for the same protocol.
    pub fn by_name(&self, name: &str, proto: Option<&str>) -> Vec<&Service> {
        let mut out: Vec<&Service> = Vec::new();
        let wanted = |s: &Service| s.is_named(name) && proto.is_none_or(|p| s.proto.eq_ignore_ascii_case(p));
        for s in self.primary.iter().chain(&self.fallback).filter(|s| wanted(s)) {
            if !out.iter().any(|o| o.proto == s.proto) {
                out.push(s);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# Network services, Internet style\n\
        \n\
        tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n\
        ftp\t\t21/tcp\n\
        http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n\
        domain\t\t53/udp\n\
        kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\r\n";

    #[test]
    fn parses_names_ports_aliases_comments() {
        let p = parse(SAMPLE);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.entries.len(), 5);
        let http = &p.entries[2];
        assert_eq!((http.name.as_str(), http.port, http.proto.as_str()), ("http", 80, "tcp"));
        assert_eq!(http.aliases, vec!["www"]);
        assert_eq!(http.comment, "WorldWideWeb HTTP");
        assert_eq!(p.entries[4].aliases, vec!["kerberos5", "krb5", "kerberos-sec"]);
        assert_eq!(p.entries[1].comment, "");
    }

    #[test]
    fn bad_lines_are_reported_with_offsets_and_skipped() {
        let text = "ok 1/tcp\nlonely\nnoslash 80\nbig 70000/tcp\nempty 5/\n  x  abc/udp\n";
        let p = parse(text);
        assert_eq!(p.entries.len(), 1);
        let kinds: Vec<(usize, usize, LineErrorKind)> =
            p.errors.iter().map(|e| (e.line, e.offset, e.kind.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (2, 9, LineErrorKind::MissingPort),
                (3, 24, LineErrorKind::NoProtocol),
                (4, 31, LineErrorKind::BadPort("70000".into())),
                (5, 49, LineErrorKind::EmptyProtocol),
                (6, 55, LineErrorKind::BadPort("abc".into())),
            ]
        );
        assert_eq!(&text[24..26], "80");
        assert_eq!(&text[55..58], "abc");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in ["", "#", "/", " / ", "a /", "a 1/", "a /tcp", "é 1/tcp ü", "\u{0} 2/udp", "a\t\t\t"] {
            let _ = parse(text);
        }
    }

    #[test]
    fn file_entries_win_and_builtin_fills_gaps() {
        let s = Services::new(parse("web 80/tcp\n").entries);
        assert_eq!(s.by_port(80, "tcp").unwrap().name, "web");
        assert_eq!(s.by_port(53, "udp").unwrap().name, "domain");
        assert_eq!(s.by_port(143, "tcp").unwrap().name, "imap");
        assert!(s.by_port(80, "udp").is_none());
        assert!(s.by_port(40000, "tcp").is_none());
    }

    #[test]
    fn by_name_matches_aliases_and_filters_protocol() {
        let s = Services::builtin_only();
        let domain: Vec<(u16, &str)> = s.by_name("domain", None).iter().map(|e| (e.port, e.proto.as_str())).collect();
        assert_eq!(domain, vec![(53, "udp"), (53, "tcp")]);
        assert_eq!(s.by_name("WWW", Some("tcp"))[0].port, 80);
        assert!(s.by_name("http", Some("udp")).is_empty());
    }

    #[test]
    fn well_known_has_the_labs_six_first() {
        let rows: Vec<(&str, u16)> = well_known().iter().map(|w| (w.label, w.port)).collect();
        assert_eq!(
            &rows[..6],
            &[("HTTP", 80), ("FTP", 21), ("IMAP4", 143), ("SMTP", 25), ("Telnet", 23), ("POP3", 110)]
        );
        assert!(rows.contains(&("DNS", 53)));
    }
}
