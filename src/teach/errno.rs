//! What a failed socket call looks like to the program: the C error name
//! (`ECONNREFUSED`), the message, and the exception Python's `socket` module
//! raises for the same errno (PEP 3151 maps errnos to `OSError` subclasses).

use std::io;

/// errno values a lab's socket calls meet, with their C names and the Python
/// exception raised for them (Linux numbering).
const KNOWN: &[(i32, &str, &str)] = &[
    (libc::ECONNREFUSED, "ECONNREFUSED", "ConnectionRefusedError"),
    (libc::ECONNRESET, "ECONNRESET", "ConnectionResetError"),
    (libc::ECONNABORTED, "ECONNABORTED", "ConnectionAbortedError"),
    (libc::EPIPE, "EPIPE", "BrokenPipeError"),
    (libc::EADDRINUSE, "EADDRINUSE", "OSError"),
    (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL", "OSError"),
    (libc::ETIMEDOUT, "ETIMEDOUT", "TimeoutError"),
    (libc::EAGAIN, "EAGAIN", "TimeoutError"),
    (libc::EINPROGRESS, "EINPROGRESS", "BlockingIOError"),
    (libc::EHOSTUNREACH, "EHOSTUNREACH", "OSError"),
    (libc::ENETUNREACH, "ENETUNREACH", "OSError"),
    (libc::EACCES, "EACCES", "PermissionError"),
];

/// The C name of an OS error (`ECONNREFUSED`), or `errno N` for others.
pub fn c_name(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => KNOWN.iter().find(|k| k.0 == n).map_or_else(|| format!("errno {n}"), |k| k.1.to_string()),
        None if e.kind() == io::ErrorKind::TimedOut => "timeout".to_string(),
        None => format!("{:?}", e.kind()),
    }
}

/// How the program sees the error: `ECONNREFUSED: Connection refused (os error 111)`.
pub fn shown(e: &io::Error) -> String {
    format!("{}: {e}", c_name(e))
}

/// What Python's socket module raises for the same failure, as its traceback's
/// last line prints it. A receive timeout (EAGAIN after `settimeout`) is
/// `TimeoutError: timed out` (socket.timeout before Python 3.10).
pub fn python(e: &io::Error) -> String {
    let Some(n) = e.raw_os_error() else {
        return match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "TimeoutError: timed out".to_string(),
            _ => format!("OSError: {e}"),
        };
    };
    if n == libc::EAGAIN {
        return "TimeoutError: timed out".to_string();
    }
    let class = KNOWN.iter().find(|k| k.0 == n).map_or("OSError", |k| k.2);
    format!("{class}: [Errno {n}] {}", strerror(e))
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

    #[test]
    fn refused_names_the_c_error_and_python_exception() {
        let e = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(c_name(&e), "ECONNREFUSED");
        assert!(shown(&e).starts_with("ECONNREFUSED: Connection refused"));
        assert_eq!(python(&e), format!("ConnectionRefusedError: [Errno {}] Connection refused", libc::ECONNREFUSED));
    }

    #[test]
    fn a_receive_timeout_is_python_timeout_error() {
        assert_eq!(python(&io::Error::from_raw_os_error(libc::EAGAIN)), "TimeoutError: timed out");
    }

    #[test]
    fn unknown_errno_is_plain_oserror() {
        let e = io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(c_name(&e), format!("errno {}", libc::ENOSPC));
        assert!(python(&e).starts_with("OSError: [Errno"));
    }
}
