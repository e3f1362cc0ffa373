//! `socklab demo`: a guided tour on loopback for a newcomer, no arguments. Each
//! part starts a socklab server as a child process of this same binary on a free
//! port (`--port 0`), captures its traffic in this process, runs a socklab
//! client (another child, its output interleaved with the packets), then prints
//! the tables and the server's log: the TCP echo (handshake, data, teardown),
//! the UDP echo, datagrams to a closed port (ICMP port unreachable, and a TCP
//! SYN answered by RST), a DNS query with its field table, an HTTP GET and HEAD.
//! Captures are saved as `captures/demo-*.pcap`. Without the capture
//! permission the apps still run and the demo says how to enable the rest.
//!
//! Ctrl-C (or SIGTERM) interrupts the running client, then the part ends as
//! usual: its capture is saved whole and its tables and the server's log are
//! printed; the demo stops there.

use crate::cmd::child::{own_process_group, wait_bounded, ChildServer};
use crate::error::{Error, Result};
use crate::net::{serve, shutdown};
use crate::sniff::capture::{loopback_device, permission_fix_here, LiveCapture};
use crate::sniff::session::{CaptureFilter, CaptureRequest, CaptureSession, CAPTURE_DIR};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longest wait for a child to finish (clients have their own, shorter, timeouts).
const CHILD_LIMIT: Duration = Duration::from_secs(15);
/// The page the HTTP part fetches.
const PAGE: &str = "HelloWorld.html";

/// Runs the tour.
pub fn run() -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the socklab binary", e))?;
    let capture = capture_check();
    let fix = capture.as_ref().err().map(capture_fix).unwrap_or_default();
    if let Err(e) = &capture {
        say(&format!("Note: the packet captures are off: {e}\nThe apps run anyway; to see their packets too, {fix}, then run `socklab demo` again.\n"));
    } else {
        std::fs::create_dir_all(CAPTURE_DIR).map_err(|e| Error::File {
            path: CAPTURE_DIR.into(),
            reason: format!("cannot create the captures directory ({e}); run the demo from a writable directory"),
        })?;
    }
    let demo = Demo { exe, capture: capture.is_ok(), fix };
    let parts: [fn(&Demo) -> Result<()>; 5] =
        [Demo::tcp_echo, Demo::udp_echo, Demo::closed_port, Demo::dns, Demo::http];
    for part in parts {
        part(&demo)?;
        if shutdown::requested() {
            say(&format!("\nDemo stopped (Ctrl-C); the captures so far are in {CAPTURE_DIR}/."));
            return Ok(());
        }
    }
    demo.next_steps();
    Ok(())
}

/// Whether this process may capture on loopback.
fn capture_check() -> Result<()> {
    let lo = loopback_device()?;
    LiveCapture::open(&lo, None).map(|_| ())
}

/// What makes capture work when [`capture_check`] failed with `e`: the
/// permission fix of this system, else the advice in the error itself.
fn capture_fix(e: &Error) -> String {
    match e {
        Error::NeedsPrivilege { .. } => permission_fix_here(),
        _ => "follow the advice above (`socklab doctor` checks each step)".to_string(),
    }
}

/// The tour's settings.
struct Demo {
    exe: PathBuf,
    capture: bool,
    /// What makes capture work, when it is off.
    fix: String,
}

impl Demo {
    /// Part 1: TCP echo.
    fn tcp_echo(&self) -> Result<()> {
        heading(
            1,
            "TCP echo: three-way handshake, data, teardown",
            "The client connects (SYN, SYN-ACK, ACK), sends a line, the server returns it upper-cased, the client closes with a FIN; the teardown table below says which close it was (four-way, or three segments when the server's ACK rides on its own FIN).",
        );
        self.with_server(&["tcp", "server", "--port", "0"], "demo-tcp", CaptureFilter::TcpPort, |addr| {
            self.client(&["tcp", "client", "--server", &addr.to_string(), "hello from the socklab demo"]);
        })
    }

    /// Part 2: UDP echo.
    fn udp_echo(&self) -> Result<()> {
        heading(
            2,
            "UDP echo: one datagram each way, no connection",
            "No handshake and no teardown: each line is one datagram, each reply another.",
        );
        self.with_server(&["udp", "server", "--port", "0"], "demo-udp", CaptureFilter::UdpPort, |addr| {
            self.client(&["udp", "client", "--server", &addr.to_string(), "hello over udp"]);
        })
    }

    /// Part 3: nobody listening, over UDP (ICMP port unreachable) and TCP (RST).
    fn closed_port(&self) -> Result<()> {
        heading(
            3,
            "Nobody listening: ICMP port unreachable (UDP) and RST (TCP)",
            "A datagram to a closed UDP port is answered by an ICMP error quoting it; a SYN to a closed TCP port by a RST.",
        );
        let port = free_udp_port()?;
        let addr = format!("127.0.0.1:{port}");
        let cap = self.capture("demo-closed-udp", CaptureFilter::UdpPort(port))?;
        self.client(&["udp", "client", "--server", &addr, "--timeout-ms", "1000", "is anybody there?"]);
        cap.finish();
        if shutdown::requested() {
            return Ok(());
        }
        let cap = self.capture("demo-closed-tcp", CaptureFilter::TcpPort(port))?;
        self.client(&["tcp", "client", "--server", &addr, "--timeout-ms", "1000", "hello?"]);
        cap.finish();
        Ok(())
    }

    /// Part 4: DNS query to the built-in authoritative server.
    fn dns(&self) -> Result<()> {
        heading(
            4,
            "DNS: a query and its answer, field by field",
            "The client asks the lab's authoritative server for google.com (type A); the tables show every field of both messages.",
        );
        self.with_server(&["dns", "server", "--port", "0"], "demo-dns", CaptureFilter::DnsPort, |addr| {
            self.client(&["dns", "query", "google.com", "--server", &addr.to_string()]);
        })
    }

    /// Part 5: HTTP GET and HEAD to the built-in web server.
    fn http(&self) -> Result<()> {
        heading(
            5,
            "HTTP: GET and HEAD to the lab's web server",
            "GET returns the header fields and the file; HEAD only the header fields. Each request here uses its own TCP connection.",
        );
        let root = web_root()?;
        let root_arg = root.display().to_string();
        self.with_server(&["web", "--port", "0", "--root", &root_arg], "demo-http", CaptureFilter::TcpPort, |addr| {
            let url = format!("http://{addr}/{PAGE}");
            self.client(&["get", &url]);
            self.client(&["get", "--head", &url]);
        })?;
        if root != Path::new("www") {
            let _ = std::fs::remove_dir_all(&root);
        }
        Ok(())
    }

    /// What to try next.
    fn next_steps(&self) {
        heading(6, "What to try next", "");
        let mut lines = vec![
            "socklab read captures/demo-tcp.pcap            replay a capture (-V details, -x hex)".to_string(),
            "socklab read captures/demo-dns.pcap -V -x      a DNS message byte by byte".to_string(),
            "socklab read captures/demo-tcp.pcap -T fields -e frame.number -e tcp.flags.str -e tcp.seq -e tcp.ack"
                .to_string(),
            "socklab handshake captures/demo-tcp.pcap       the handshake/teardown tables".to_string(),
            "socklab conversations captures/demo-http.pcap  every conversation".to_string(),
        ];
        lines.push("socklab tcp server --capture                   then, in another terminal:".to_string());
        lines.push("socklab tcp client --capture hello             each side shows its packets".to_string());
        lines.push(
            "socklab sniff                                  watch all loopback traffic (Ctrl-C stops)".to_string(),
        );
        lines.push("socklab doctor                                 check that capture works here".to_string());
        if !self.capture {
            lines.push(format!("(captures are off: {})", self.fix));
        }
        say(&(lines.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n") + "\n"));
    }

    /// A part around one server: starts `socklab SERVER_ARGS`, captures its port
    /// (`filter`) to `captures/NAME.pcap`, runs `clients` against its address,
    /// then ends the capture and stops the server.
    fn with_server(
        &self,
        server_args: &[&str],
        name: &str,
        filter: fn(u16) -> CaptureFilter,
        clients: impl FnOnce(SocketAddr),
    ) -> Result<()> {
        let server = Server::start(&self.exe, server_args)?;
        let cap = self.capture(name, filter(server.addr().port()))?;
        clients(server.addr());
        cap.finish();
        server.stop();
        Ok(())
    }

    /// Starts a capture to `captures/NAME.pcap`, or an inactive session without permission.
    fn capture(&self, name: &str, filter: CaptureFilter) -> Result<CaptureSession> {
        // As `--capture=FILE` would: the terminal's width, colour on a terminal.
        let request = if self.capture {
            CaptureRequest {
                file: Some(Some(Path::new(CAPTURE_DIR).join(format!("{name}.pcap")))),
                settings: crate::config::Settings::detect(),
                trace: false,
                web: None,
            }
        } else {
            CaptureRequest::default()
        };
        let cap = CaptureSession::start(request, name, filter)?;
        cap.announce();
        Ok(cap)
    }

    /// Runs a socklab client to completion (bounded), its output on ours: each
    /// of its lines passes this process's output gate, so it comes after the
    /// packets captured before it (the reply after the packets that carried it).
    fn client(&self, args: &[&str]) {
        say(&format!("$ socklab {}", shown_args(args)));
        let child = own_process_group(&mut Command::new(&self.exe))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn();
        match child {
            Ok(mut c) => {
                let relay = c.stdout.take().map(|out| {
                    std::thread::spawn(move || {
                        for line in BufReader::new(out).lines().map_while(io::Result::ok) {
                            serve::out(line);
                        }
                    })
                });
                if !wait_bounded(&mut c, CHILD_LIMIT) {
                    say("(the client took too long and was stopped)");
                }
                if let Some(r) = relay {
                    let _ = r.join();
                }
            }
            Err(e) => say(&format!("(cannot run the client: {e})")),
        }
    }
}

/// A socklab server running as a child process, shown as the tour runs it.
struct Server(ChildServer);

impl Server {
    /// Starts `socklab ARGS` and reads the address from its first line.
    fn start(exe: &Path, args: &[&str]) -> Result<Server> {
        say(&format!("$ socklab {} &", shown_args(args)));
        let server = ChildServer::start(exe, args)?;
        say(&format!("server> {}", server.first));
        Ok(Server(server))
    }

    /// The address it printed.
    fn addr(&self) -> SocketAddr {
        self.0.addr
    }

    /// Stops the server with SIGINT (as Ctrl-C) and prints its log.
    fn stop(self) {
        let (log, clean) = self.0.stop();
        if !clean {
            say("(the server did not stop in time and was killed)");
        }
        let text: Vec<String> = log.lines().map(|l| format!("server> {l}")).collect();
        if !text.is_empty() {
            say(&text.join("\n"));
        }
    }
}

/// A UDP port nobody listens on (bound a moment, then released).
fn free_udp_port() -> Result<u16> {
    let s = UdpSocket::bind("127.0.0.1:0").map_err(|e| Error::io("finding a free port", e))?;
    s.local_addr().map(|a| a.port()).map_err(|e| Error::io("finding a free port", e))
}

/// The web root: `www` when it holds the page, else a small one in a temporary directory.
fn web_root() -> Result<PathBuf> {
    let www = Path::new("www");
    if www.join(PAGE).is_file() {
        return Ok(www.to_path_buf());
    }
    let dir = std::env::temp_dir().join(format!("socklab-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating the demo's web root", e))?;
    std::fs::write(dir.join(PAGE), "<html><head><title>Hello</title></head><body>Hello World!</body></html>\n")
        .map_err(|e| Error::io("creating the demo's web page", e))?;
    Ok(dir)
}

/// Arguments as a shell would show them (quoted when they hold spaces).
fn shown_args(args: &[&str]) -> String {
    args.iter()
        .map(|a| if a.contains(' ') { format!("\"{a}\"") } else { (*a).to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A part's heading.
fn heading(n: u32, title: &str, what: &str) {
    let mut text = format!("\n━━━ {n}. {title} ━━━\n");
    if !what.is_empty() {
        text.push_str(what);
        text.push('\n');
    }
    say(&text);
}

/// Prints text (with a final newline) at once, its prose wrapped at spaces to
/// the terminal's width (tables and capture lines are already fitted).
fn say(text: &str) {
    let text = &crate::wrap::prose(text, crate::config::Settings::detect().width);
    let mut o = io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = o.write_all(b"\n");
    }
    let _ = o.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_with_spaces_are_quoted() {
        assert_eq!(shown_args(&["tcp", "client", "hello world"]), "tcp client \"hello world\"");
    }
}
