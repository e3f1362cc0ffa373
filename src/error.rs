//! The one error type of socklab: every variant renders as a single line that says
//! what went wrong and what to do about it. `main` prints it and exits with
//! [`Error::exit_code`]; nothing in the library prints errors itself.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a socklab command, phrased for a student.
#[derive(Debug)]
pub enum Error {
    /// Bad command-line input that clap could not catch (a range, an address…).
    Usage(String),
    /// A malformed `host:port`, port number or address.
    BadAddress { input: String, reason: String },
    /// A host name that does not resolve.
    UnknownHost { host: String, detail: String },
    /// A TCP connect answered by RST (nothing listens there).
    ConnectionRefused { addr: SocketAddr },
    /// A TCP connect that got no answer in time.
    ConnectTimeout { addr: SocketAddr, millis: u64 },
    /// Every address of a host failed to connect: each with why, in the order tried.
    ConnectEach { tries: Vec<(SocketAddr, String)> },
    /// No UDP reply came; `icmp` says whether the kernel reported an ICMP port unreachable.
    NoReply { addr: SocketAddr, millis: u64, icmp: bool },
    /// `bind` failed because the address is taken.
    AddrInUse { addr: SocketAddr },
    /// `bind` to a port below 1024 without the privilege.
    PrivilegedPort { addr: SocketAddr },
    /// An operation needs root or a capability (raw sockets, capture).
    NeedsPrivilege { what: String, fix: String },
    /// Any other I/O failure, with what we were doing.
    Io { context: String, source: io::Error },
    /// A fault with a file (not a capture, cut short, unreadable).
    File { path: String, reason: String },
    /// A look-up or probe that got no answer (no such service, no reverse name, no echo reply).
    NoAnswer { what: String, hint: String },
}

impl Error {
    /// Wraps an `io::Error` with what socklab was doing when it happened.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    /// A usage error with the given message.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// Process exit code: 2 for usage errors (as clap uses), 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::BadAddress { .. } => 2,
            _ => 1,
        }
    }
}

/// How Linux and macOS tell a UDP client that an ICMP port unreachable came back
/// (the receive fails with ECONNREFUSED).
const PORT_UNREACHABLE_UNIX: &str = "the kernel reported an ICMP port unreachable";
/// How Windows tells it: the next receive fails as a reset, although UDP has no
/// connection (RFC 1122 §4.1.3.3 leaves it to the system how UDP passes ICMP
/// errors up).
const PORT_UNREACHABLE_WINDOWS: &str = "an ICMP port unreachable came back for your datagram (Windows reports \
     that on UDP as WinError 10054, WSAECONNRESET, on the next receive)";
/// The words of the system this runs on.
const PORT_UNREACHABLE_SEEN: &str = if cfg!(windows) { PORT_UNREACHABLE_WINDOWS } else { PORT_UNREACHABLE_UNIX };

/// Why binding a low port was refused on Unix, and what to do.
const PORT_REFUSED_UNIX: &str =
    "ports below 1024 need root privilege; use a port from 1024 up (the labs suggest 10000-11000), or run as root";
/// Windows lets any user bind a low port; a refusal (WinError 10013, WSAEACCES),
/// at any port, means the port is reserved or held exclusively by another program.
const PORT_REFUSED_WINDOWS: &str = "Windows refused the port (WinError 10013, WSAEACCES): it lies in a range the \
     system reserved (see `netsh interface ipv4 show excludedportrange protocol=tcp`) or another program holds it \
     exclusively; pick another port with --port (the labs suggest 10000-11000)";
/// The words of the system this runs on.
const PORT_REFUSED: &str = if cfg!(windows) { PORT_REFUSED_WINDOWS } else { PORT_REFUSED_UNIX };

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::BadAddress { input, reason } => write!(f, "invalid address '{input}': {reason}"),
            Error::UnknownHost { host, detail } => write!(
                f,
                "unknown host '{host}': the name could not be resolved ({detail}); check the spelling or use an address such as 127.0.0.1"
            ),
            Error::ConnectionRefused { addr } => write!(
                f,
                "connection to {addr} refused: nothing is listening on port {} (the kernel answered our SYN with a RST); start the server first",
                addr.port()
            ),
            Error::ConnectEach { tries } => {
                write!(f, "could not connect to any address of the server: ")?;
                for (i, (addr, why)) in tries.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    write!(f, "{sep}{addr}: {why}")?;
                }
                if tries.iter().all(|(_, why)| why == "connection refused") {
                    write!(f, "; nothing is listening on that port at any of them; start the server first")
                } else {
                    write!(f, "; check that the server runs, its address and any firewall")
                }
            }
            Error::ConnectTimeout { addr, millis } => write!(
                f,
                "connection to {addr} timed out after {millis} ms: no SYN-ACK came back; check the address and any firewall"
            ),
            Error::NoReply { addr, icmp: true, .. } => write!(
                f,
                "no reply from {addr}: {PORT_UNREACHABLE_SEEN}, so no server is listening on UDP port {}; start the server first",
                addr.port()
            ),
            Error::NoReply { addr, millis, icmp: false } => write!(
                f,
                "no reply from {addr} within {millis} ms: UDP does not tell the sender whether anyone got the datagram; is the server running on that address and port?"
            ),
            Error::AddrInUse { addr } => write!(
                f,
                "cannot listen on {addr}: address already in use; another program holds port {} (a server you stopped a moment ago may still have connections in TIME_WAIT); stop it, wait, or pick another port with --port",
                addr.port()
            ),
            Error::PrivilegedPort { addr } => write!(f, "cannot listen on {addr}: {PORT_REFUSED}"),
            Error::NeedsPrivilege { what, fix } => write!(f, "{what} needs privilege: {fix}"),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::File { path, reason } => write!(f, "{path}: {reason}"),
            Error::NoAnswer { what, hint } => write!(f, "{what}: {hint}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_names_its_own_report_of_a_closed_udp_port_and_a_refused_bind() {
        assert!(PORT_UNREACHABLE_UNIX.contains("ICMP port unreachable"));
        assert!(PORT_UNREACHABLE_WINDOWS.contains("ICMP port unreachable"));
        assert!(
            PORT_UNREACHABLE_WINDOWS.contains("WinError 10054") && PORT_UNREACHABLE_WINDOWS.contains("WSAECONNRESET")
        );
        assert!(PORT_REFUSED_UNIX.contains("below 1024 need root"));
        assert!(PORT_REFUSED_WINDOWS.contains("WinError 10013") && PORT_REFUSED_WINDOWS.contains("excludedportrange"));
        let e = Error::NoReply { addr: "127.0.0.1:12000".parse().unwrap(), millis: 1000, icmp: true };
        assert_eq!(
            e.to_string(),
            format!(
                "no reply from 127.0.0.1:12000: {PORT_UNREACHABLE_SEEN}, so no server is listening on UDP port 12000; start the server first"
            )
        );
    }
}
