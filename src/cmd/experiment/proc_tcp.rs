//! The kernel's TCP socket table (`/proc/net/tcp`, Linux), to show a
//! connection's state as `ss -tan` would, e.g. TIME-WAIT after a close.

use std::net::{Ipv4Addr, SocketAddrV4};

/// The state names `ss` prints, by the kernel's state number (include/net/tcp_states.h).
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
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines().skip(1).filter_map(entry).collect()
}

fn entry(line: &str) -> Option<Entry> {
    let mut words = line.split_whitespace().skip(1);
    let local = address(words.next()?)?;
    let remote = address(words.next()?)?;
    let n = u8::from_str_radix(words.next()?, 16).ok()?;
    let state = STATES.iter().find(|s| s.0 == n).map_or("UNKNOWN", |s| s.1);
    Some(Entry { local, remote, state })
}

/// `0100007F:1F90`: the address as a host-order hex word of the network-order bytes, the port in hex.
fn address(text: &str) -> Option<SocketAddrV4> {
    let (ip, port) = text.split_once(':')?;
    let ip = u32::from_str_radix(ip, 16).ok()?;
    let port = u16::from_str_radix(port, 16).ok()?;
    Some(SocketAddrV4::new(Ipv4Addr::from(ip.to_ne_bytes()), port))
}

/// The current entries whose local or remote port is `port`.
pub fn with_port(port: u16) -> std::io::Result<Vec<Entry>> {
    let text = std::fs::read_to_string("/proc/net/tcp")?;
    Ok(parse(&text).into_iter().filter(|e| e.local.port() == port || e.remote.port() == port).collect())
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
    fn garbage_lines_are_skipped() {
        assert!(parse("header\nnot a line\n  2: zz:1 00:00 06\n").is_empty());
    }
}
