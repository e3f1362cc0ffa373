//! Command entry points: they turn parsed arguments into plain settings, open
//! files, captures and sockets, and print. The teaching layer's commands
//! (`experiment`, `explain`; their text lives in [`crate::teach`]), the
//! sniffer's (`read`, `sniff`, the report commands) and the labs' servers and
//! clients (whose settings [`crate::net`] defines) live here; the library under
//! [`crate::net`], [`crate::sniff`] and [`crate::proto`] takes no command-line types.

use crate::cli::{ChatRole, Command, DnsCommand, EchoRole};
use crate::net::shutdown;

pub mod chat;
pub mod child;
pub mod demo;
pub mod dns;
pub mod doctor;
pub mod echo;
pub mod experiment;
pub mod explain;
pub mod hex;
pub mod lookup;
pub mod ping;
pub mod read;
pub mod report;
pub mod report_page;
pub mod scan;
pub mod serve;
pub mod sniff;
pub mod web;

/// Routes Ctrl-C and SIGTERM as `command` needs ([`shutdown::install`]): servers
/// finish cleanly, clients waiting for input save their capture and exit. Call
/// once, before other threads start.
pub fn install_shutdown(command: &Command) {
    if is_server(command) {
        shutdown::install(false);
    } else if is_client(command) {
        shutdown::install(true);
    }
}

/// True when the run failed after the fact (a capture not saved whole), so the
/// process must exit non-zero even though the command succeeded.
pub fn failed_late() -> bool {
    shutdown::failed()
}

/// Clients that wait for input or replies and can capture (a scan waits for
/// its probes): on Ctrl-C they save the capture, print its tables and exit.
fn is_client(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Tcp(EchoRole::Client(_))
            | Command::Udp(EchoRole::Client(_))
            | Command::Chat(ChatRole::Client(_))
            | Command::Get(_)
            | Command::Dns(DnsCommand::Query(_))
            | Command::Scan(_)
    )
}

/// Commands that run until stopped, and so finish cleanly on Ctrl-C (servers shut
/// down; ping prints its statistics, like ping(8); the demo ends its part).
fn is_server(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Tcp(EchoRole::Server(_))
            | Command::Udp(EchoRole::Server(_))
            | Command::Chat(ChatRole::Server(_))
            | Command::Ping(_)
            | Command::Web(_)
            | Command::Proxy(_)
            | Command::Dns(DnsCommand::Server(_))
            | Command::Sniff(_)
            | Command::Demo
    )
}

/// `--capture` as the library takes it (the conversion lives at the CLI edge).
impl From<&crate::cli::CaptureOpt> for crate::sniff::session::CaptureRequest {
    /// `--capture[=FILE]`: the terminal's width, and colour as `--color` (with the
    /// terminal and `NO_COLOR`) decides; nothing is looked at without `--capture`.
    fn from(opt: &crate::cli::CaptureOpt) -> crate::sniff::session::CaptureRequest {
        let settings = if opt.capture.is_some() {
            crate::config::Settings::from_args(&crate::cli::FitArgs::default(), opt.color)
        } else {
            crate::config::Settings::default()
        };
        let web = opt.web.then(|| opt.web_bind.clone());
        crate::sniff::session::CaptureRequest { file: opt.capture.clone(), settings, trace: opt.trace, web }
    }
}
