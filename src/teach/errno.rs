//! What a failed socket call looks like to the program: the C error name
//! (`ECONNREFUSED`, or on Windows `WSAECONNREFUSED`), the message, and the
//! exception Python's `socket` module raises for the same error (PEP 3151 maps
//! error numbers to `OSError` subclasses).
//!
//! Unix (Linux, macOS) socket calls fail with errno values, whose numbers differ
//! between systems (the table takes them from `libc`); Windows socket calls fail
//! with Winsock codes (`WSAECONNRESET` is 10054), which Python prints as
//! `[WinError N]`. Both tables are plain data, compiled everywhere so either can
//! be tested on any system; only the choice of table depends on the platform.

use std::io;

/// One error a lab's socket calls meet: its number, its C name, and the Python
/// exception class raised for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    /// The number the system call reports (errno, or the Winsock code).
    pub code: i32,
    /// The C name, as the system's headers spell it.
    pub name: &'static str,
    /// The Python exception class.
    pub python: &'static str,
}

const fn known(code: i32, name: &'static str, python: &'static str) -> Known {
    Known { code, name, python }
}

/// The errno values of Unix socket calls (numbers as this system's libc has them).
#[cfg(unix)]
pub const UNIX: &[Known] = &[
    known(libc::ECONNREFUSED, "ECONNREFUSED", "ConnectionRefusedError"),
    known(libc::ECONNRESET, "ECONNRESET", "ConnectionResetError"),
    known(libc::ECONNABORTED, "ECONNABORTED", "ConnectionAbortedError"),
    known(libc::EPIPE, "EPIPE", "BrokenPipeError"),
    known(libc::EADDRINUSE, "EADDRINUSE", "OSError"),
    known(libc::EADDRNOTAVAIL, "EADDRNOTAVAIL", "OSError"),
    known(libc::ETIMEDOUT, "ETIMEDOUT", "TimeoutError"),
    known(libc::EAGAIN, "EAGAIN", "TimeoutError"),
    known(libc::EINPROGRESS, "EINPROGRESS", "BlockingIOError"),
    known(libc::EHOSTUNREACH, "EHOSTUNREACH", "OSError"),
    known(libc::ENETUNREACH, "ENETUNREACH", "OSError"),
    known(libc::EACCES, "EACCES", "PermissionError"),
];

/// WSAECONNRESET: on TCP a reset; on UDP, how Windows reports an ICMP port unreachable.
pub const WSAECONNRESET: i32 = 10054;
/// WSAEWOULDBLOCK: a non-blocking call that would wait.
pub const WSAEWOULDBLOCK: i32 = 10035;
/// WSAETIMEDOUT: a connect, or a receive with a timeout (SO_RCVTIMEO), ran out of time.
pub const WSAETIMEDOUT: i32 = 10060;

/// The Winsock codes of Windows socket calls, with the class Python picks for
/// them (through the errno each maps to).
pub const WINDOWS: &[Known] = &[
    known(10061, "WSAECONNREFUSED", "ConnectionRefusedError"),
    known(WSAECONNRESET, "WSAECONNRESET", "ConnectionResetError"),
    known(10053, "WSAECONNABORTED", "ConnectionAbortedError"),
    known(10058, "WSAESHUTDOWN", "BrokenPipeError"),
    known(10048, "WSAEADDRINUSE", "OSError"),
    known(10049, "WSAEADDRNOTAVAIL", "OSError"),
    known(WSAETIMEDOUT, "WSAETIMEDOUT", "TimeoutError"),
    known(WSAEWOULDBLOCK, "WSAEWOULDBLOCK", "BlockingIOError"),
    known(10036, "WSAEINPROGRESS", "BlockingIOError"),
    known(10065, "WSAEHOSTUNREACH", "OSError"),
    known(10051, "WSAENETUNREACH", "OSError"),
    known(10013, "WSAEACCES", "PermissionError"),
    known(10040, "WSAEMSGSIZE", "OSError"),
    known(10057, "WSAENOTCONN", "OSError"),
    known(10022, "WSAEINVAL", "OSError"),
    known(10004, "WSAEINTR", "InterruptedError"),
];

/// How a platform reports socket errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// errno values, `[Errno N]` in Python.
    Unix,
    /// Winsock codes, `[WinError N]` in Python.
    Windows,
}

/// The flavour of this build.
pub const HERE: Flavor = if cfg!(windows) { Flavor::Windows } else { Flavor::Unix };

/// The table of a flavour (the Unix one is this system's; it is empty on a
/// Windows build, which never meets errno values from sockets).
pub fn table(flavor: Flavor) -> &'static [Known] {
    match flavor {
        Flavor::Windows => WINDOWS,
        #[cfg(unix)]
        Flavor::Unix => UNIX,
        #[cfg(not(unix))]
        Flavor::Unix => &[],
    }
}

/// The entry for `code` in a flavour's table.
pub fn lookup(flavor: Flavor, code: i32) -> Option<Known> {
    table(flavor).iter().find(|k| k.code == code).copied()
}

/// The C name of an OS error (`ECONNREFUSED`), or `errno N` for others.
pub fn c_name(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => name_of(HERE, n),
        None if e.kind() == io::ErrorKind::TimedOut => "timeout".to_string(),
        None => format!("{:?}", e.kind()),
    }
}

/// The C name of `code` in a flavour, or `errno N` (Unix) / `WinError N` (Windows).
pub fn name_of(flavor: Flavor, code: i32) -> String {
    match (lookup(flavor, code), flavor) {
        (Some(k), _) => k.name.to_string(),
        (None, Flavor::Unix) => format!("errno {code}"),
        (None, Flavor::Windows) => format!("WinError {code}"),
    }
}

/// How the program sees the error: `ECONNREFUSED: Connection refused (os error 111)`.
pub fn shown(e: &io::Error) -> String {
    format!("{}: {e}", c_name(e))
}

/// What Python's socket module raises for the same failure, as its traceback's
/// last line prints it. A receive timeout (EAGAIN after `settimeout`; on
/// Windows WSAETIMEDOUT or WSAEWOULDBLOCK) is `TimeoutError: timed out`
/// (socket.timeout before Python 3.10).
pub fn python(e: &io::Error) -> String {
    let Some(n) = e.raw_os_error() else {
        return match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "TimeoutError: timed out".to_string(),
            _ => format!("OSError: {e}"),
        };
    };
    python_line(HERE, n, &strerror(e))
}

/// Python's last traceback line for error `code` with this message, in a flavour.
pub fn python_line(flavor: Flavor, code: i32, message: &str) -> String {
    if is_timeout(flavor, code) {
        return "TimeoutError: timed out".to_string();
    }
    let class = lookup(flavor, code).map_or("OSError", |k| k.python);
    match flavor {
        Flavor::Unix => format!("{class}: [Errno {code}] {message}"),
        // Python trims the trailing full stop of Windows' messages.
        Flavor::Windows => format!("{class}: [WinError {code}] {}", message.trim_end_matches(['.', ' '])),
    }
}

/// True for the codes a receive with a timeout fails with when it runs out.
fn is_timeout(flavor: Flavor, code: i32) -> bool {
    match flavor {
        #[cfg(unix)]
        Flavor::Unix => code == libc::EAGAIN,
        #[cfg(not(unix))]
        Flavor::Unix => false,
        Flavor::Windows => code == WSAETIMEDOUT || code == WSAEWOULDBLOCK,
    }
}

/// True if a receive (or send) on a connected UDP socket failed because an ICMP
/// port unreachable came back for an earlier datagram: no server is listening.
/// Linux and macOS report it as ECONNREFUSED; Windows as WSAECONNRESET (10054).
pub fn udp_port_unreachable(e: &io::Error) -> bool {
    is_udp_port_unreachable(HERE, e.kind(), e.raw_os_error())
}

/// [`udp_port_unreachable`] for a flavour, from the error's kind and code.
pub fn is_udp_port_unreachable(flavor: Flavor, kind: io::ErrorKind, code: Option<i32>) -> bool {
    match flavor {
        Flavor::Unix => kind == io::ErrorKind::ConnectionRefused,
        Flavor::Windows => code == Some(WSAECONNRESET) || kind == io::ErrorKind::ConnectionRefused,
    }
}

/// The message without Rust's ` (os error N)` suffix.
fn strerror(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn refused_names_the_c_error_and_python_exception() {
        let e = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(c_name(&e), "ECONNREFUSED");
        assert!(shown(&e).starts_with("ECONNREFUSED: Connection refused"));
        assert_eq!(python(&e), format!("ConnectionRefusedError: [Errno {}] Connection refused", libc::ECONNREFUSED));
    }

    #[cfg(unix)]
    #[test]
    fn a_receive_timeout_is_python_timeout_error() {
        assert_eq!(python(&io::Error::from_raw_os_error(libc::EAGAIN)), "TimeoutError: timed out");
    }

    #[cfg(unix)]
    #[test]
    fn unknown_errno_is_plain_oserror() {
        let e = io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(c_name(&e), format!("errno {}", libc::ENOSPC));
        assert!(python(&e).starts_with("OSError: [Errno"));
    }

    #[cfg(unix)]
    #[test]
    fn unix_table_names_its_errnos() {
        assert_eq!(name_of(Flavor::Unix, libc::ECONNRESET), "ECONNRESET");
        assert_eq!(name_of(Flavor::Unix, libc::EADDRINUSE), "EADDRINUSE");
        assert_eq!(lookup(Flavor::Unix, libc::EPIPE).map(|k| k.python), Some("BrokenPipeError"));
    }

    #[test]
    fn windows_table_names_the_winsock_codes() {
        for (code, name) in [
            (10054, "WSAECONNRESET"),
            (10061, "WSAECONNREFUSED"),
            (10048, "WSAEADDRINUSE"),
            (10060, "WSAETIMEDOUT"),
            (10013, "WSAEACCES"),
            (10065, "WSAEHOSTUNREACH"),
            (10051, "WSAENETUNREACH"),
            (10049, "WSAEADDRNOTAVAIL"),
            (10040, "WSAEMSGSIZE"),
            (10053, "WSAECONNABORTED"),
        ] {
            assert_eq!(name_of(Flavor::Windows, code), name, "{code}");
        }
        assert_eq!(name_of(Flavor::Windows, 10093), "WinError 10093");
    }

    #[test]
    fn windows_codes_are_distinct_and_python_lines_use_winerror() {
        let mut codes: Vec<i32> = WINDOWS.iter().map(|k| k.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), WINDOWS.len());
        assert_eq!(
            python_line(Flavor::Windows, 10054, "An existing connection was forcibly closed by the remote host."),
            "ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the remote host"
        );
        assert_eq!(python_line(Flavor::Windows, 10060, "anything"), "TimeoutError: timed out");
        assert_eq!(python_line(Flavor::Windows, 10099, "odd."), "OSError: [WinError 10099] odd");
    }

    #[test]
    fn udp_port_unreachable_per_flavor() {
        use io::ErrorKind::{ConnectionRefused, ConnectionReset};
        assert!(is_udp_port_unreachable(Flavor::Unix, ConnectionRefused, Some(111)));
        assert!(!is_udp_port_unreachable(Flavor::Unix, ConnectionReset, Some(104)));
        assert!(is_udp_port_unreachable(Flavor::Windows, ConnectionReset, Some(10054)));
        assert!(!is_udp_port_unreachable(Flavor::Windows, ConnectionReset, Some(10053)));
    }
}
