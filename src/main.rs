//! The `socklab` binary: parse the command line, run the command's entry point
//! in [`socklab::cmd`], map errors to exit codes. Everything else lives in the library.

use clap::Parser;
use socklab::cli::{ChatRole, Cli, Command, DnsCommand, EchoRole, ExperimentCommand};
use socklab::cmd;

fn main() {
    let cli = Cli::parse();
    // A file-size limit (ulimit -f) makes write fail with EFBIG, reported with
    // the packets saved, instead of killing the process mid-record.
    // (Unix only: Windows has no such signal; a write past a quota fails with an error.)
    // SAFETY: setting a signal's disposition to ignore, before any thread starts.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    cmd::install_shutdown(&cli.command);
    let result = match cli.command {
        Command::Tcp(EchoRole::Server(a)) => cmd::echo::tcp_server(&a),
        Command::Tcp(EchoRole::Client(a)) => cmd::echo::tcp_client(&a),
        Command::Udp(EchoRole::Server(a)) => cmd::echo::udp_server(&a),
        Command::Udp(EchoRole::Client(a)) => cmd::echo::udp_client(&a),
        Command::Chat(ChatRole::Server(a)) => cmd::chat::server(&a),
        Command::Chat(ChatRole::Client(a)) => cmd::chat::client(&a),
        Command::Scan(a) => cmd::scan::run(&a),
        Command::Lookup(a) => cmd::lookup::run(&a),
        Command::Ping(a) => cmd::ping::run(&a),
        Command::Web(a) => cmd::web::web(&a),
        Command::Get(a) => cmd::web::get(&a),
        Command::Proxy(a) => cmd::web::proxy(&a),
        Command::Read(a) => cmd::read::run(&a),
        Command::Hex(a) => cmd::hex::run(&a),
        Command::Sniff(a) => cmd::sniff::run(&a),
        Command::Doctor(a) => cmd::doctor::run(&a),
        Command::Demo => cmd::demo::run(),
        Command::Dns(DnsCommand::Server(a)) => cmd::dns::server(&a),
        Command::Dns(DnsCommand::Query(a)) => cmd::dns::query(&a),
        Command::Dns(DnsCommand::Decode(a)) => cmd::dns::decode(&a),
        Command::Dns(DnsCommand::Zone(a)) => cmd::dns::zone(&a),
        Command::Handshake(a) => cmd::report::run_handshake(&a),
        Command::Conversations(a) => cmd::report::run_conversations(&a),
        Command::Follow(a) => cmd::report::run_follow(&a),
        Command::Flow(a) => cmd::report::run_flow(&a),
        Command::Worksheet(a) => cmd::report::run_worksheet(&a),
        Command::Graph(a) => cmd::report::run_graph(&a),
        Command::Report(a) => cmd::report_page::run(&a),
        Command::Experiment(ExperimentCommand::List(a)) => cmd::experiment::list(&a),
        Command::Experiment(ExperimentCommand::Run(a)) => cmd::experiment::run(&a),
        Command::Explain(a) => cmd::explain::run(&a),
    };
    if let Err(e) = result {
        eprintln!("socklab: {e}");
        std::process::exit(e.exit_code());
    }
    if cmd::failed_late() {
        std::process::exit(1);
    }
}
