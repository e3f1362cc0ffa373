//! The kernel's TCP socket table (`/proc/net/tcp`, Linux), to show a
//! connection's state as `ss -tan` would, e.g. TIME-WAIT after a close.
//!
//! macOS and Windows have no /proc: there the table comes from `netstat -an -p
//! tcp` (the same command on both; the columns differ a little), with the state
//! names mapped to the ones `ss` prints.

use std::net::{Ipv4Addr, SocketAddrV4};

/// The state names `ss` prints, by the kernel's state number (include/net/tcp_states.h).
#[cfg(any(target_os = "linux", test))]
const STATES: &[(u8, &str)] = &[
    (1, "ESTAB"),
    (2, "SYN-SENT"),
    (3, "SYN-RECV"),
    (4, "FIN-WAIT-1"),
    (5, "FIN-WAIT-2"),
    (6, "TIME-WAIT"),
    (7, "CLOSE"),
    (8, "CLOSE-WAIT"),
    (9, "LAST-ACK"),
    (10, "LISTEN"),
    (11, "CLOSING"),
];

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Local address and port.
    pub local: SocketAddrV4,
    /// Remote address and port.
    pub remote: SocketAddrV4,
    /// The state as `ss` names it.
    pub state: &'static str,
}

/// Parses `/proc/net/tcp` text; lines that do not parse are skipped.
#[cfg(any(target_os = "linux", test))]
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines().skip(1).filter_map(entry).collect()
}

#[cfg(any(target_os = "linux", test))]
fn entry(line: &str) -> Option<Entry> {
    let mut words = line.split_whitespace().skip(1);
    let local = address(words.next()?)?;
    let remote = address(words.next()?)?;
    let n = u8::from_str_radix(words.next()?, 16).ok()?;
    let state = STATES.iter().find(|s| s.0 == n).map_or("UNKNOWN", |s| s.1);
    Some(Entry { local, remote, state })
}

/// `0100007F:1F90`: the address as a host-order hex word of the network-order bytes, the port in hex.
#[cfg(any(target_os = "linux", test))]
fn address(text: &str) -> Option<SocketAddrV4> {
    let (ip, port) = text.split_once(':')?;
    let ip = u32::from_str_radix(ip, 16).ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    Some(SocketAddrV4::new(Ipv4Addr::from(ip.to_ne_bytes()), port))
}

/// The current entries whose local or remote port is `port`.
#[cfg(target_os = "linux")]
pub fn with_port(port: u16) -> std::io::Result<Vec<Entry>> {
    let text = std::fs::read_to_string("/proc/net/tcp")?;
    Ok(on_port(parse(&text), port))
}

/// The current entries whose local or remote port is `port` (from `netstat`).
#[cfg(not(target_os = "linux"))]
pub fn with_port(port: u16) -> std::io::Result<Vec<Entry>> {
    let out = std::process::Command::new("netstat").args(["-an", "-p", "tcp"]).output().map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot run `netstat -an -p tcp` to read the TCP table: {e}"))
    })?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!("`netstat -an -p tcp` failed ({})", out.status)));
    }
    Ok(on_port(parse_netstat(&String::from_utf8_lossy(&out.stdout)), port))
}

fn on_port(entries: Vec<Entry>, port: u16) -> Vec<Entry> {
    entries.into_iter().filter(|e| e.local.port() == port || e.remote.port() == port).collect()
}

/// netstat's state names (macOS and Windows spell them alike) and `ss`'s.
#[cfg(any(not(target_os = "linux"), test))]
const NETSTAT_STATES: &[(&str, &str)] = &[
    ("ESTABLISHED", "ESTAB"),
    ("SYN_SENT", "SYN-SENT"),
    ("SYN_RECEIVED", "SYN-RECV"),
    ("SYN_RCVD", "SYN-RECV"),
    ("FIN_WAIT_1", "FIN-WAIT-1"),
    ("FIN_WAIT_2", "FIN-WAIT-2"),
    ("TIME_WAIT", "TIME-WAIT"),
    ("CLOSED", "CLOSE"),
    ("CLOSE_WAIT", "CLOSE-WAIT"),
    ("LAST_ACK", "LAST-ACK"),
    ("LISTEN", "LISTEN"),
    ("LISTENING", "LISTEN"),
    ("CLOSING", "CLOSING"),
];

/// Parses `netstat -an -p tcp` output of macOS (`tcp4 0 0 127.0.0.1.8080
/// *.* LISTEN`) or Windows (`TCP 127.0.0.1:8080 0.0.0.0:0 LISTENING`); IPv4
/// rows only, other lines skipped.
#[cfg(any(not(target_os = "linux"), test))]
pub fn parse_netstat(text: &str) -> Vec<Entry> {
    text.lines().filter_map(netstat_entry).collect()
}

#[cfg(any(not(target_os = "linux"), test))]
fn netstat_entry(line: &str) -> Option<Entry> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let proto = words.first()?.to_ascii_lowercase();
    let (local, remote, state) = match proto.as_str() {
        // macOS: Proto Recv-Q Send-Q Local Foreign (state)
        "tcp4" => (*words.get(3)?, *words.get(4)?, *words.get(5)?),
        // Windows: Proto Local Foreign State
        "tcp" => (*words.get(1)?, *words.get(2)?, *words.get(3)?),
        _ => return None,
    };
    let state = NETSTAT_STATES.iter().find(|s| s.0 == state).map_or("UNKNOWN", |s| s.1);
    Some(Entry { local: netstat_address(local)?, remote: netstat_address(remote)?, state })
}

/// `127.0.0.1:8080` (Windows), `127.0.0.1.8080` (macOS), `*.*` or `*.8080` (macOS wildcards).
#[cfg(any(not(target_os = "linux"), test))]
fn netstat_address(text: &str) -> Option<SocketAddrV4> {
    let (ip, port) = text.rsplit_once(':').or_else(|| text.rsplit_once('.'))?;
    let ip = if ip == "*" { Ipv4Addr::UNSPECIFIED } else { ip.parse().ok()? };
    let port = if port == "*" { 0 } else { port.parse().ok()? };
    Some(SocketAddrV4::new(ip, port))
}

/// `ss -tan`-style lines for the entries.
pub fn lines(entries: &[Entry]) -> String {
    let rows: Vec<String> = entries.iter().map(|e| format!("{:<10} {} {}", e.state, e.local, e.remote)).collect();
    if rows.is_empty() {
        "no socket uses the port".to_string()
    } else {
        rows.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines of a real `/proc/net/tcp` (little-endian host): a listener on
    /// 127.0.0.1:8080 and a TIME-WAIT connection from port 41000 to it.
    const SAMPLE: &str =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n\
   1: 0100007F:A028 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0\n";

    #[test]
    fn parses_listen_and_time_wait() {
        if cfg!(target_endian = "big") {
            return;
        }
        let e = parse(SAMPLE);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].local, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(e[0].state, "LISTEN");
        assert_eq!(e[1].local.port(), 41000);
        assert_eq!(e[1].state, "TIME-WAIT");
    }

    #[test]
    fn parses_netstat_of_macos_and_windows() {
        let mac = "Active Internet connections (including servers)\n\
Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)\n\
tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN\n\
tcp4       0      0  127.0.0.1.41000        127.0.0.1.8080         TIME_WAIT\n\
tcp6       0      0  ::1.8080               *.*                    LISTEN\n";
        let e = parse_netstat(mac);
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].local, e[0].remote, e[0].state),
            ("127.0.0.1:8080".parse().unwrap(), "0.0.0.0:0".parse().unwrap(), "LISTEN")
        );
        assert_eq!((e[1].local.port(), e[1].remote.port(), e[1].state), (41000, 8080, "TIME-WAIT"));
        let win = "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State\r\n\
  TCP    127.0.0.1:8080         0.0.0.0:0              LISTENING\r\n\
  TCP    127.0.0.1:41000        127.0.0.1:8080         TIME_WAIT\r\n\
  TCP    127.0.0.1:8080         127.0.0.1:41001        CLOSE_WAIT\r\n";
        let e = on_port(parse_netstat(win), 8080);
        assert_eq!(e.iter().map(|e| e.state).collect::<Vec<_>>(), ["LISTEN", "TIME-WAIT", "CLOSE-WAIT"]);
        assert_eq!(e[1].local, "127.0.0.1:41000".parse().unwrap());
    }

    #[test]
    fn garbage_lines_are_skipped() {
        assert!(parse("header\nnot a line\n  2: zz:1 00:00 06\n").is_empty());
    }
}
