//! `socklab scan`: a TCP connect scan, the lab's port scanner. For every port the
//! kernel runs a full three-way handshake (`connect` with a timeout): a SYN-ACK
//! means open, a RST means closed, silence means filtered. A fixed number of worker
//! threads share the ports, so at most `--threads` connects are in flight.

use crate::error::{Error, Result};
use crate::net::{addr, lookup, serve};
use crate::proto::services::Services;
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession};
use crate::table::{Format, Table};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// Highest TCP port number.
const MAX_PORT: u64 = 65535;

/// What a connect to one port found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortState {
    /// The handshake completed: something listens there.
    Open,
    /// The SYN was answered by a RST: nothing listens there.
    Closed,
    /// No answer within the timeout (or an ICMP unreachable): a firewall or no host.
    Filtered,
}

/// The outcome of a scan, ports in ascending order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The address scanned.
    pub ip: IpAddr,
    /// Every port scanned with its state, sorted by port.
    pub ports: Vec<(u16, PortState)>,
    /// Wall-clock time the scan took.
    pub elapsed: Duration,
    /// The per-port connect timeout.
    pub timeout: Duration,
}

impl Report {
    /// How many ports were found in `state`.
    pub fn count(&self, state: PortState) -> usize {
        self.ports.iter().filter(|(_, s)| *s == state).count()
    }
}

/// Settings of `socklab scan`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanSettings {
    /// Host to scan (name or address).
    pub host: String,
    /// The ports, as [`parse_ports`] reads them (`1-1024`, `22,80,8000-8100`).
    pub ports: String,
    /// How long to wait for each connect, in milliseconds.
    pub timeout_ms: u64,
    /// Connects in flight at once.
    pub threads: u16,
    /// Output format of the table of open ports.
    pub format: Format,
    /// Whether and where it captures its own packets, and traces its socket calls.
    pub capture: CaptureRequest,
}

/// Runs `socklab scan`.
pub fn run(a: &ScanSettings) -> Result<()> {
    let ports = parse_ports(&a.ports)?;
    let target = addr::resolve_one(&a.host, 0)?;
    let cap = CaptureSession::start(a.capture.clone(), "scan", CaptureFilter::Bpf(scan_filter(target.ip(), &ports)))?;
    cap.announce();
    let timeout = Duration::from_millis(a.timeout_ms.max(1));
    let report = scan(target.ip(), &ports, timeout, usize::from(a.threads))?;
    let services = lookup::services();
    // Through the output gate: with --capture, after the scan's packets.
    let table = render_open(&report, &services, a.format);
    if !table.is_empty() {
        serve::out(table.trim_end_matches('\n'));
    }
    let summary = summary(&report);
    match a.format {
        Format::Table | Format::Markdown => serve::out(summary),
        // Keep stdout machine-readable.
        Format::Csv | Format::Json => eprintln!("{summary}"),
    }
    Ok(())
}

/// The capture filter of a scan: TCP to or from `ip` on the scanned ports, as
/// BPF port ranges (consecutive ports merged, at most a few dozen terms).
fn scan_filter(ip: IpAddr, ports: &[u16]) -> String {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for &p in ports {
        match ranges.last_mut() {
            Some((_, hi)) if u32::from(*hi) + 1 == u32::from(p) => *hi = p,
            _ => ranges.push((p, p)),
        }
    }
    if ranges.len() > 64 {
        return format!("tcp and host {ip}");
    }
    let terms: Vec<String> = ranges
        .iter()
        .map(|&(lo, hi)| if lo == hi { format!("port {lo}") } else { format!("portrange {lo}-{hi}") })
        .collect();
    format!("tcp and host {ip} and ({})", terms.join(" or "))
}

/// Parses `--ports`: a port `N`, a range `FIRST-LAST`, or a comma-separated list of
/// both (`22,80,8000-8100`). Returns the ports sorted, without duplicates.
pub fn parse_ports(spec: &str) -> Result<Vec<u16>> {
    if spec.trim().is_empty() {
        return Err(Error::usage("--ports is empty: give a port such as 80 or a range such as 50-500"));
    }
    let mut ports = Vec::new();
    for item in spec.split(',') {
        let item = item.trim();
        let (first, last) = match item.split_once('-') {
            Some((a, b)) => (port_number(a, item)?, port_number(b, item)?),
            None => {
                let p = port_number(item, item)?;
                (p, p)
            }
        };
        if first > last {
            return Err(Error::usage(format!(
                "--ports {item}: the range is inverted; write the lower port first ({last}-{first})"
            )));
        }
        if u64::from(last - first) + 1 > MAX_PORT {
            return Err(Error::usage(format!("--ports {item}: a range covers at most {MAX_PORT} ports")));
        }
        ports.extend(first..=last);
    }
    ports.sort_unstable();
    ports.dedup();
    Ok(ports)
}

/// One port number of a `--ports` item, 1 to 65535.
fn port_number(text: &str, item: &str) -> Result<u16> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::usage(format!(
            "--ports {item}: a port number is missing; give N or FIRST-LAST, e.g. 50-500"
        )));
    }
    if !text.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Error::usage(format!(
            "--ports {item}: '{text}' is not a port number; give N or FIRST-LAST, e.g. 50-500"
        )));
    }
    let n = text.parse::<u64>().unwrap_or(u64::MAX);
    match n {
        0 => Err(Error::usage(format!(
            "--ports {item}: port 0 cannot be scanned (it means \"any port\"); ports go from 1 to 65535"
        ))),
        1..=MAX_PORT => Ok(n as u16),
        _ => Err(Error::usage(format!("--ports {item}: port {text} is out of range; ports go from 1 to 65535"))),
    }
}

/// Connect-scans `ports` of `ip` with `threads` workers and `timeout` per connect.
pub fn scan(ip: IpAddr, ports: &[u16], timeout: Duration, threads: usize) -> Result<Report> {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results = Mutex::new(Vec::with_capacity(ports.len()));
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    thread::scope(|s| {
        for _ in 0..threads.clamp(1, ports.len().max(1)) {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(&port) = ports.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                    match probe(SocketAddr::new(ip, port), timeout) {
                        Ok(state) => lock(&results).push((port, state)),
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            lock(&failure).get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = lock(&failure).take() {
        return Err(e);
    }
    let mut ports = std::mem::take(&mut *lock(&results));
    ports.sort_unstable_by_key(|(port, _)| *port);
    Ok(Report { ip, ports, elapsed: started.elapsed(), timeout })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One connect; errors that say nothing about the port (no route, no buffers) stop the scan.
fn probe(target: SocketAddr, timeout: Duration) -> Result<PortState> {
    match TcpStream::connect_timeout(&target, timeout) {
        Ok(_) => Ok(PortState::Open),
        Err(e) => match e.kind() {
            io::ErrorKind::ConnectionRefused => Ok(PortState::Closed),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::HostUnreachable => {
                Ok(PortState::Filtered)
            }
            _ => Err(Error::io(format!("cannot scan {target}"), e)),
        },
    }
}

/// The table of open ports (Port, Protocol, State, Service), or nothing in the
/// terminal formats when no port is open.
pub fn render_open(report: &Report, services: &Services, format: Format) -> String {
    let mut t = Table::new(["Port", "Protocol", "State", "Service"]);
    for (port, _) in report.ports.iter().filter(|(_, s)| *s == PortState::Open) {
        let service = services.by_port(*port, "tcp").map_or("unknown", |s| s.name.as_str());
        t.row([port.to_string(), "tcp".into(), "open".into(), service.to_string()]);
    }
    if t.rows.is_empty() && matches!(format, Format::Table | Format::Markdown) {
        return String::new();
    }
    t.render(format)
}

/// `scanned 451 ports on 127.0.0.1 in 0.12 s: 2 open, 449 closed`.
pub fn summary(report: &Report) -> String {
    let n = report.ports.len();
    let mut s = format!(
        "scanned {n} port{} on {} in {:.2} s: {} open, {} closed",
        if n == 1 { "" } else { "s" },
        report.ip,
        report.elapsed.as_secs_f64(),
        report.count(PortState::Open),
        report.count(PortState::Closed)
    );
    let filtered = report.count(PortState::Filtered);
    if filtered > 0 {
        s.push_str(&format!(", {filtered} filtered (no answer within {} ms)", report.timeout.as_millis()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage_message(spec: &str) -> String {
        match parse_ports(spec) {
            Err(Error::Usage(m)) => m,
            other => panic!("{spec}: expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn parses_single_ports_ranges_and_lists() {
        assert_eq!(parse_ports("80").unwrap(), vec![80]);
        assert_eq!(parse_ports("50-55").unwrap(), vec![50, 51, 52, 53, 54, 55]);
        assert_eq!(parse_ports(" 7 - 7 ").unwrap(), vec![7]);
        assert_eq!(parse_ports("443,22,20-23").unwrap(), vec![20, 21, 22, 23, 443]);
        assert_eq!(parse_ports("1-65535").unwrap().len(), 65535);
    }

    #[test]
    fn refuses_inverted_ranges() {
        assert!(usage_message("500-50").contains("inverted"), "{}", usage_message("500-50"));
        assert!(usage_message("500-50").contains("50-500"));
    }

    #[test]
    fn refuses_port_zero_and_out_of_range() {
        assert!(usage_message("0").contains("port 0"));
        assert!(usage_message("0-10").contains("port 0"));
        assert!(usage_message("65536").contains("out of range"));
        assert!(usage_message("1-70000").contains("out of range"));
        assert!(usage_message("99999999999999999999999").contains("out of range"));
    }

    #[test]
    fn refuses_garbage() {
        for spec in ["", " ", "http", "1-", "-5", "1-2-3", "80,", "1..5", "+80", "8 0", "½"] {
            let m = usage_message(spec);
            assert!(m.starts_with("--ports"), "{spec}: {m}");
        }
    }

    fn report(states: &[(u16, PortState)]) -> Report {
        Report {
            ip: IpAddr::from([127, 0, 0, 1]),
            ports: states.to_vec(),
            elapsed: Duration::from_millis(120),
            timeout: Duration::from_millis(300),
        }
    }

    #[test]
    fn summary_counts_states() {
        let r = report(&[(22, PortState::Open), (23, PortState::Closed), (80, PortState::Open)]);
        assert_eq!(summary(&r), "scanned 3 ports on 127.0.0.1 in 0.12 s: 2 open, 1 closed");
        let r = report(&[(9, PortState::Filtered)]);
        assert_eq!(
            summary(&r),
            "scanned 1 port on 127.0.0.1 in 0.12 s: 0 open, 0 closed, 1 filtered (no answer within 300 ms)"
        );
    }

    #[test]
    fn open_ports_are_listed_with_service_names() {
        let r = report(&[(22, PortState::Open), (23, PortState::Closed), (80, PortState::Open)]);
        let csv = render_open(&r, &Services::builtin_only(), Format::Csv);
        assert_eq!(csv, "Port,Protocol,State,Service\n22,tcp,open,ssh\n80,tcp,open,http\n");
        assert_eq!(render_open(&report(&[]), &Services::builtin_only(), Format::Table), "");
        assert_eq!(render_open(&report(&[]), &Services::builtin_only(), Format::Json), "[]\n");
    }
}
