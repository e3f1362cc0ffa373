//! `socklab lookup`: the arguments become [`crate::net::lookup`]'s settings.

use crate::cli::{self, ColorChoice, LookupArgs};
use crate::config::Settings;
use crate::net::lookup::{self, LookupSettings, Transport};

/// Runs `socklab lookup`.
pub fn run(a: &LookupArgs) -> crate::Result<()> {
    lookup::run(&settings(a))
}

/// The library's settings for `a`.
fn settings(a: &LookupArgs) -> LookupSettings {
    LookupSettings {
        query: a.query.clone(),
        service: a.service,
        proto: a.proto.map(transport),
        ipv4: a.ipv4,
        ipv6: a.ipv6,
        well_known: a.well_known,
        format: a.format,
        // Answers are never coloured.
        output: Settings::from_args(&a.fit, ColorChoice::Never),
    }
}

/// `--proto` as the library's transport.
fn transport(t: cli::Transport) -> Transport {
    match t {
        cli::Transport::Tcp => Transport::Tcp,
        cli::Transport::Udp => Transport::Udp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn proto_becomes_the_library_transport_and_answers_are_never_coloured() {
        let cli = Cli::try_parse_from(["socklab", "lookup", "53", "--proto", "udp", "--width", "30"]).unwrap();
        let Command::Lookup(a) = cli.command else { panic!("not lookup") };
        let s = settings(&a);
        assert_eq!((s.query.as_deref(), s.proto), (Some("53"), Some(Transport::Udp)));
        assert_eq!((s.output.width, s.output.color), (Some(30), false));
        assert_eq!(transport(cli::Transport::Tcp), Transport::Tcp);
    }
}
