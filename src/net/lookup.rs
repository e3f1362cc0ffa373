//! `socklab lookup`: the lab's name and service look-ups.
//!
//! - no query: this host's name (`gethostname`) and its addresses;
//! - a host name: all its addresses (`getaddrinfo`, filtered by `-4`/`-6`);
//! - an address: its name (`getnameinfo` with `NI_NAMEREQD`, reverse look-up);
//! - `80`, `80/tcp`, `53/udp`: the service on that port;
//! - `http/tcp`, `--service http`: the port(s) of that service;
//! - `--well-known`: the lab's table of well-known ports.
//!
//! Services come from /etc/services (Windows: `%SystemRoot%\System32\drivers\etc\services`;
//! or the file named by `SOCKLAB_SERVICES`), with socklab's built-in table behind
//! it for a missing file or a missing entry.
//!
//! On Windows the same C functions come from Winsock (`ws2_32`): `gethostname`
//! and `getnameinfo` there need Winsock started, which [`winsock_ready`] makes sure of.

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::net::addr;
use crate::proto::services::{self, Services};
use crate::table::{Col, Format, Table};
use std::ffi::CStr;
use std::net::IpAddr;

/// The services database of the system (Unix).
pub const SERVICES_PATH: &str = "/etc/services";
/// Environment variable naming another services file (tests use it to show the fallback).
pub const SERVICES_ENV: &str = "SOCKLAB_SERVICES";

/// Loads the services file, falling back to the built-in table when it cannot be read.
pub fn services() -> Services {
    let path = std::env::var(SERVICES_ENV).unwrap_or_else(|_| system_services_path());
    match std::fs::read_to_string(&path) {
        Ok(text) => Services::new(services::parse(&text).entries),
        Err(_) => Services::builtin_only(),
    }
}

/// Where this system keeps its services database: /etc/services on Unix; on
/// Windows `services` next to `hosts`, under `%SystemRoot%`.
pub fn system_services_path() -> String {
    if cfg!(windows) {
        let root = std::env::var("SystemRoot").unwrap_or_else(|_| r"C:\Windows".to_string());
        format!(r"{root}\System32\drivers\etc\services")
    } else {
        SERVICES_PATH.to_string()
    }
}

/// Where this system's hosts file is, for the hints.
const HOSTS_FILE: &str = if cfg!(windows) { r"C:\Windows\System32\drivers\etc\hosts" } else { "/etc/hosts" };

/// A transport protocol, for port and service look-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// Settings of `socklab lookup`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupSettings {
    /// What to look up ([`classify`]); `None`: this host.
    pub query: Option<String>,
    /// Look `query` up as a service name.
    pub service: bool,
    /// The transport of port and service look-ups (`None`: both).
    pub proto: Option<Transport>,
    /// Only IPv4 addresses.
    pub ipv4: bool,
    /// Only IPv6 addresses.
    pub ipv6: bool,
    /// Print the lab's table of well-known ports instead.
    pub well_known: bool,
    /// Output format.
    pub format: Format,
    /// How the table fits the terminal (never coloured).
    pub output: Settings,
}

/// What the student asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// No query: this host.
    ThisHost,
    /// A host name to resolve.
    Host(String),
    /// An address to name.
    Address(IpAddr),
    /// A port, for one transport or both.
    Port(u16, Option<Transport>),
    /// A service name, for one transport or both.
    Service(String, Option<Transport>),
}

/// An answer: plain lines for the terminal, and the same facts as a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// One line per fact, e.g. `80/tcp -> http`.
    pub lines: Vec<String>,
    /// The facts as rows, for `--format markdown|csv|json`.
    pub table: Table,
}

impl Answer {
    /// Lines for the default format (wrapped to the width), the table for the others.
    pub fn render(&self, format: Format, settings: &Settings) -> String {
        match format {
            Format::Table => {
                let text: String = self.lines.iter().map(|l| format!("{l}\n")).collect();
                crate::wrap::prose(&text, settings.width)
            }
            _ => self.table.render_with(format, settings),
        }
    }
}

/// Runs `socklab lookup`.
pub fn run(a: &LookupSettings) -> Result<()> {
    let settings = a.output;
    if a.well_known {
        print!("{}", well_known_table().render_with(a.format, &settings));
        return Ok(());
    }
    let query = classify(a.query.as_deref(), a.service, a.proto)?;
    let answer = match query {
        Query::ThisHost => this_host(a)?,
        Query::Host(name) => {
            let ips = resolve_filtered(&name, a).map_err(|e| hint_service(e, &name, &services()))?;
            host_addresses(&name, &ips)
        }
        Query::Address(ip) => address_name(ip, &reverse(ip)?),
        Query::Port(port, proto) => port_services(&services(), port, proto)?,
        Query::Service(name, proto) => service_ports(&services(), &name, proto)?,
    };
    print!("{}", answer.render(a.format, &settings));
    Ok(())
}

/// Decides what `query` is: port, `port/proto`, `name/proto`, address, or host name.
pub fn classify(query: Option<&str>, service: bool, proto: Option<Transport>) -> Result<Query> {
    let Some(q) = query.map(str::trim) else {
        if service {
            return Err(Error::usage("--service needs a service name, e.g. `socklab lookup --service http`"));
        }
        return Ok(Query::ThisHost);
    };
    if q.is_empty() {
        return Err(Error::usage("the query is empty: give a host, an address, a port (80/tcp) or a service"));
    }
    let (left, proto) = match q.split_once('/') {
        Some((left, p)) => (left.trim(), Some(merge_proto(transport(p)?, proto, q)?)),
        None => (q, proto),
    };
    if service {
        return Ok(Query::Service(left.to_string(), proto));
    }
    if !left.is_empty() && left.bytes().all(|c| c.is_ascii_digit()) {
        return Ok(Query::Port(port(left)?, proto));
    }
    if q.contains('/') {
        return Ok(Query::Service(left.to_string(), proto));
    }
    if let Ok(ip) = q.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        return Ok(Query::Address(ip));
    }
    Ok(Query::Host(q.to_string()))
}

fn transport(p: &str) -> Result<Transport> {
    match p.trim().to_ascii_lowercase().as_str() {
        "tcp" => Ok(Transport::Tcp),
        "udp" => Ok(Transport::Udp),
        other => Err(Error::usage(format!("unknown transport protocol '{other}': use tcp or udp, e.g. 53/udp"))),
    }
}

fn merge_proto(from_query: Transport, flag: Option<Transport>, q: &str) -> Result<Transport> {
    match flag {
        Some(f) if f != from_query => Err(Error::usage(format!(
            "'{q}' says {} but --proto says {}: give the protocol once",
            name_of(from_query),
            name_of(f)
        ))),
        _ => Ok(from_query),
    }
}

fn port(text: &str) -> Result<u16> {
    match text.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(Error::usage(format!("port {text} is out of range: ports go from 1 to 65535"))),
    }
}

/// `tcp` or `udp`.
pub fn name_of(t: Transport) -> &'static str {
    match t {
        Transport::Tcp => "tcp",
        Transport::Udp => "udp",
    }
}

fn protos(proto: Option<Transport>) -> Vec<Transport> {
    proto.map_or_else(|| vec![Transport::Tcp, Transport::Udp], |p| vec![p])
}

/// The services on `port` (`80/tcp -> http`).
pub fn port_services(services: &Services, port: u16, proto: Option<Transport>) -> Result<Answer> {
    let mut answer = Answer { lines: Vec::new(), table: Table::new(["Port", "Protocol", "Service", "Aliases"]) };
    for t in protos(proto) {
        if let Some(s) = services.by_port(port, name_of(t)) {
            answer.lines.push(format!("{port}/{} -> {}{}", s.proto, s.name, aliases_note(&s.aliases)));
            answer.table.row([port.to_string(), s.proto.clone(), s.name.clone(), s.aliases.join(" ")]);
        }
    }
    if answer.lines.is_empty() {
        let which = proto.map_or(format!("port {port}"), |t| format!("port {port}/{}", name_of(t)));
        return Err(Error::NoAnswer {
            what: format!("no service is registered for {which}"),
            hint: format!(
                "it is in neither {SERVICES_PATH} nor socklab's built-in table; `socklab lookup --well-known` lists the lab's ports"
            ),
        });
    }
    Ok(answer)
}

/// The ports of service `name` (`http/tcp -> 80`).
pub fn service_ports(services: &Services, name: &str, proto: Option<Transport>) -> Result<Answer> {
    let mut answer = Answer { lines: Vec::new(), table: Table::new(["Service", "Port", "Protocol", "Aliases"]) };
    for s in services.by_name(name, proto.map(name_of)) {
        let official = if s.name.eq_ignore_ascii_case(name) { String::new() } else { format!(" ({})", s.name) };
        answer.lines.push(format!("{name}/{} -> {}{official}", s.proto, s.port));
        answer.table.row([s.name.clone(), s.port.to_string(), s.proto.clone(), s.aliases.join(" ")]);
    }
    if answer.lines.is_empty() {
        let which = proto.map_or(format!("'{name}'"), |t| format!("'{name}/{}'", name_of(t)));
        return Err(Error::NoAnswer {
            what: format!("unknown service {which}"),
            hint: format!(
                "no such name or alias in {SERVICES_PATH} or socklab's built-in table; check the spelling (e.g. http, domain, smtp)"
            ),
        });
    }
    Ok(answer)
}

fn aliases_note(aliases: &[String]) -> String {
    if aliases.is_empty() {
        String::new()
    } else {
        format!(" (aliases: {})", aliases.join(", "))
    }
}

/// The lab's well-known ports as a table: Service, Port, Protocol, Description.
pub fn well_known_table() -> Table {
    let mut t = Table::with_cols([
        ("Service", Col::hide(0)),
        ("Port", Col::hide(0)),
        ("Protocol", Col::hide(0).short("Proto")),
        ("Description", Col::wrap(20)),
    ]);
    for w in services::well_known() {
        t.row([w.label.to_string(), w.port.to_string(), w.proto, w.description.to_string()]);
    }
    t
}

/// Resolves `name` and keeps the families `-4`/`-6` ask for, without duplicates.
fn resolve_filtered(name: &str, a: &LookupSettings) -> Result<Vec<IpAddr>> {
    let mut ips: Vec<IpAddr> = Vec::new();
    for sa in addr::resolve(name, 0)? {
        let ip = sa.ip();
        if (!a.ipv4 || ip.is_ipv4()) && (!a.ipv6 || ip.is_ipv6()) && !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    if ips.is_empty() {
        let family = if a.ipv4 { "IPv4" } else { "IPv6" };
        return Err(Error::UnknownHost { host: name.into(), detail: format!("it has no {family} address") });
    }
    Ok(ips)
}

/// Adds "did you mean the service?" to an unknown-host error for a word such as `http`.
fn hint_service(e: Error, name: &str, services: &Services) -> Error {
    match e {
        Error::UnknownHost { host, detail } if !services.by_name(name, None).is_empty() => Error::UnknownHost {
            host,
            detail: format!("{detail}; '{name}' is also a service: for its port use `socklab lookup {name}/tcp` or `--service {name}`"),
        },
        e => e,
    }
}

/// `localhost -> 127.0.0.1`, one line per address.
pub fn host_addresses(name: &str, ips: &[IpAddr]) -> Answer {
    let mut answer = Answer { lines: Vec::new(), table: Table::new(["Name", "Family", "Address"]) };
    for ip in ips {
        answer.lines.push(format!("{name} -> {ip}"));
        let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
        answer.table.row([name.to_string(), family.to_string(), ip.to_string()]);
    }
    answer
}

/// `127.0.0.1 -> localhost`.
pub fn address_name(ip: IpAddr, name: &str) -> Answer {
    let mut table = Table::new(["Address", "Name"]);
    table.row([ip.to_string(), name.to_string()]);
    Answer { lines: vec![format!("{ip} -> {name}")], table }
}

fn this_host(a: &LookupSettings) -> Result<Answer> {
    let name = hostname()?;
    let mut answer = host_addresses(&name, &resolve_filtered(&name, a)?);
    answer.lines.insert(0, format!("host name: {name}"));
    Ok(answer)
}

/// Makes sure Winsock is started before calling it directly (std starts it
/// with its first socket; this binds and drops one, once).
#[cfg(windows)]
pub fn winsock_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let _ = std::net::UdpSocket::bind((std::net::Ipv4Addr::LOCALHOST, 0));
    });
}

/// This machine's name, from `gethostname(2)` (Winsock's on Windows).
pub fn hostname() -> Result<String> {
    let mut buf = [0u8; 256];
    #[cfg(unix)]
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    #[cfg(windows)]
    let rc = {
        winsock_ready();
        // SAFETY: as above; Winsock is started.
        unsafe { windows_sys::Win32::Networking::WinSock::gethostname(buf.as_mut_ptr(), buf.len() as i32) }
    };
    if rc != 0 {
        return Err(Error::io("cannot read this host's name", std::io::Error::last_os_error()));
    }
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    Ok(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// Longest host name getnameinfo returns (NI_MAXHOST), with its NUL.
const MAX_HOST: usize = 1025;

/// `getnameinfo(ip, NI_NAMEREQD)`: the name, or the function's error code.
#[cfg(unix)]
fn name_info(ip: IpAddr) -> std::result::Result<String, i32> {
    let sa = socket2::SockAddr::from(std::net::SocketAddr::new(ip, 0));
    let mut host = [0 as libc::c_char; MAX_HOST];
    // SAFETY: `sa` holds a valid sockaddr of `sa.len()` bytes; `host` is writable
    // for its length; no service buffer is requested.
    let rc = unsafe {
        libc::getnameinfo(
            sa.as_ptr().cast(),
            sa.len(),
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    if rc != 0 {
        return Err(rc);
    }
    // SAFETY: getnameinfo succeeded, so `host` holds a NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(host.as_ptr()) }.to_string_lossy().into_owned())
}

/// `getnameinfo(ip, NI_NAMEREQD)` from Winsock: the name, or the Winsock error code.
#[cfg(windows)]
fn name_info(ip: IpAddr) -> std::result::Result<String, i32> {
    use windows_sys::Win32::Networking::WinSock::{getnameinfo, NI_NAMEREQD};
    winsock_ready();
    let sa = socket2::SockAddr::from(std::net::SocketAddr::new(ip, 0));
    let mut host = [0u8; MAX_HOST];
    // SAFETY: `sa` holds a valid sockaddr of `sa.len()` bytes; `host` is writable
    // for its length; no service buffer is requested; Winsock is started.
    let rc = unsafe {
        getnameinfo(
            sa.as_ptr().cast(),
            sa.len(),
            host.as_mut_ptr(),
            host.len() as u32,
            std::ptr::null_mut(),
            0,
            NI_NAMEREQD as i32,
        )
    };
    if rc != 0 {
        return Err(rc);
    }
    let Ok(name) = CStr::from_bytes_until_nul(&host) else { return Err(NO_NAME) };
    Ok(name.to_string_lossy().into_owned())
}

/// getnameinfo's code for "this address has no name".
#[cfg(unix)]
const NO_NAME: i32 = libc::EAI_NONAME;
/// getnameinfo's code for "this address has no name" (EAI_NONAME is WSAHOST_NOT_FOUND).
#[cfg(windows)]
const NO_NAME: i32 = windows_sys::Win32::Networking::WinSock::WSAHOST_NOT_FOUND;

/// Where to look when a reverse look-up fails for another reason.
const DNS_SETTINGS: &str = if cfg!(windows) {
    "check the network adapter's DNS servers (ipconfig /all)"
} else {
    "check the DNS settings in /etc/resolv.conf"
};

/// The name of `ip` from the hosts file or reverse DNS (`getnameinfo` with `NI_NAMEREQD`).
pub fn reverse(ip: IpAddr) -> Result<String> {
    let rc = match name_info(ip) {
        Ok(name) => return Ok(name),
        Err(rc) => rc,
    };
    Err(Error::NoAnswer {
        what: format!("no name for {ip}"),
        hint: if rc == NO_NAME {
            format!(
                "neither {HOSTS_FILE} nor reverse DNS (a PTR record) maps this address to a name; many addresses have none"
            )
        } else {
            format!("the reverse look-up failed ({}); {DNS_SETTINGS}", gai_message(rc))
        },
    })
}

/// The text of a getnameinfo error code.
#[cfg(unix)]
fn gai_message(rc: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(libc::gai_strerror(rc)) }.to_string_lossy().into_owned()
}

/// The text of a getnameinfo error code (a Winsock code: Windows' message for it).
#[cfg(windows)]
fn gai_message(rc: i32) -> String {
    std::io::Error::from_raw_os_error(rc).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_queries() {
        assert_eq!(classify(None, false, None).unwrap(), Query::ThisHost);
        assert_eq!(classify(Some("80"), false, None).unwrap(), Query::Port(80, None));
        assert_eq!(classify(Some("80/tcp"), false, None).unwrap(), Query::Port(80, Some(Transport::Tcp)));
        assert_eq!(classify(Some("53/UDP"), false, None).unwrap(), Query::Port(53, Some(Transport::Udp)));
        assert_eq!(classify(Some("53"), false, Some(Transport::Udp)).unwrap(), Query::Port(53, Some(Transport::Udp)));
        assert_eq!(
            classify(Some("http/tcp"), false, None).unwrap(),
            Query::Service("http".into(), Some(Transport::Tcp))
        );
        assert_eq!(classify(Some("http"), true, None).unwrap(), Query::Service("http".into(), None));
        assert_eq!(classify(Some("127.0.0.1"), false, None).unwrap(), Query::Address([127, 0, 0, 1].into()));
        assert_eq!(classify(Some("[::1]"), false, None).unwrap(), Query::Address("::1".parse().unwrap()));
        assert_eq!(classify(Some("localhost"), false, None).unwrap(), Query::Host("localhost".into()));
    }

    #[test]
    fn refuses_bad_ports_protocols_and_conflicts() {
        for (q, needle) in [
            ("0", "out of range"),
            ("65536/tcp", "out of range"),
            ("80/sctp", "unknown transport"),
            ("80/", "unknown transport"),
            ("", "empty"),
        ] {
            match classify(Some(q), false, None) {
                Err(Error::Usage(m)) => assert!(m.contains(needle), "{q}: {m}"),
                other => panic!("{q}: {other:?}"),
            }
        }
        assert!(matches!(classify(Some("80/tcp"), false, Some(Transport::Udp)), Err(Error::Usage(_))));
        assert!(matches!(classify(None, true, None), Err(Error::Usage(_))));
    }

    #[test]
    fn port_and_service_answers() {
        let s = Services::builtin_only();
        assert_eq!(port_services(&s, 80, Some(Transport::Tcp)).unwrap().lines, vec!["80/tcp -> http (aliases: www)"]);
        assert_eq!(
            port_services(&s, 53, None).unwrap().lines,
            vec!["53/tcp -> domain (aliases: dns)", "53/udp -> domain (aliases: dns)"]
        );
        assert_eq!(service_ports(&s, "http", Some(Transport::Tcp)).unwrap().lines, vec!["http/tcp -> 80"]);
        assert_eq!(service_ports(&s, "www", None).unwrap().lines, vec!["www/tcp -> 80 (http)"]);
        assert!(matches!(port_services(&s, 40000, None), Err(Error::NoAnswer { .. })));
        assert!(matches!(service_ports(&s, "nosuch", None), Err(Error::NoAnswer { .. })));
    }

    #[test]
    fn unknown_host_that_is_a_service_name_gets_a_hint() {
        let e = Error::UnknownHost { host: "http".into(), detail: "no address".into() };
        let m = hint_service(e, "http", &Services::builtin_only()).to_string();
        assert!(m.contains("socklab lookup http/tcp"), "{m}");
        let e = Error::UnknownHost { host: "zzz".into(), detail: "no address".into() };
        assert!(!hint_service(e, "zzz", &Services::builtin_only()).to_string().contains("service"));
    }

    #[test]
    fn well_known_table_lists_the_lab_rows() {
        let md = well_known_table().render(Format::Markdown);
        for row in ["| HTTP ", "| FTP ", "| IMAP4 ", "| SMTP ", "| Telnet ", "| POP3 "] {
            assert!(md.contains(row), "{row} missing:\n{md}");
        }
    }

    #[test]
    fn reverse_of_loopback_uses_etc_hosts() {
        // 127.0.0.1 is in /etc/hosts everywhere socklab runs; no DNS query is made.
        assert!(!reverse([127, 0, 0, 1].into()).unwrap().is_empty());
    }
}
