//! The `socklab` binary: parse the command line, run the library, map errors to
//! exit codes. Everything else lives in the library.

use clap::Parser;
use socklab::cli::{ChatRole, Cli, Command, DnsCommand, EchoRole, ExperimentCommand};
use socklab::cmd;
use socklab::net;

fn main() {
    let cli = Cli::parse();
    // A file-size limit (ulimit -f) makes write fail with EFBIG, reported with
    // the packets saved, instead of killing the process mid-record.
    // SAFETY: setting a signal's disposition to ignore, before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    if is_server(&cli.command) {
        net::shutdown::install(false);
    } else if is_client(&cli.command) {
        net::shutdown::install(true);
    }
    let result = match cli.command {
        Command::Tcp(EchoRole::Server(a)) => net::echo::tcp_server(&a),
        Command::Tcp(EchoRole::Client(a)) => net::echo::tcp_client(&a),
        Command::Udp(EchoRole::Server(a)) => net::echo::udp_server(&a),
        Command::Udp(EchoRole::Client(a)) => net::echo::udp_client(&a),
        Command::Chat(ChatRole::Server(a)) => net::chat::server(&a),
        Command::Chat(ChatRole::Client(a)) => net::chat::client(&a),
        Command::Scan(a) => net::scan::run(&a),
        Command::Lookup(a) => net::lookup::run(&a),
        Command::Ping(a) => net::ping::run(&a),
        Command::Web(a) => net::web::run(&a),
        Command::Get(a) => net::http_client::run(&a),
        Command::Proxy(a) => net::proxy::run(&a),
        Command::Read(a) => cmd::read::run(&a),
        Command::Hex(a) => cmd::hex::run(&a),
        Command::Sniff(a) => cmd::sniff::run(&a),
        Command::Doctor(a) => socklab::doctor::run(&a),
        Command::Demo => socklab::demo::run(),
        Command::Dns(DnsCommand::Server(a)) => net::dns_server::run(&a),
        Command::Dns(DnsCommand::Query(a)) => net::dns_client::run(&a),
        Command::Dns(DnsCommand::Decode(a)) => net::dns_decode::run(&a),
        Command::Dns(DnsCommand::Zone(a)) => net::dns_zone::run(&a),
        Command::Handshake(a) => cmd::report::run_handshake(&a),
        Command::Conversations(a) => cmd::report::run_conversations(&a),
        Command::Follow(a) => cmd::report::run_follow(&a),
        Command::Flow(a) => cmd::report::run_flow(&a),
        Command::Worksheet(a) => cmd::report::run_worksheet(&a),
        Command::Graph(a) => cmd::report::run_graph(&a),
        Command::Experiment(ExperimentCommand::List(a)) => cmd::experiment::list(&a),
        Command::Experiment(ExperimentCommand::Run(a)) => cmd::experiment::run(&a),
        Command::Explain(a) => cmd::explain::run(&a),
    };
    if let Err(e) = result {
        eprintln!("socklab: {e}");
        std::process::exit(e.exit_code());
    }
    if net::shutdown::failed() {
        std::process::exit(1);
    }
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
