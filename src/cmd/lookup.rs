//! `socklab lookup`: the arguments become [`crate::net::lookup`]'s settings.

use crate::cli::{self, ColorChoice, LookupArgs};
use crate::config::Settings;
use crate::net::lookup::{self, LookupSettings, Transport};

/// Runs `socklab lookup`.
pub fn run(a: &LookupArgs) -> crate::Result<()> {
    lookup::run(&LookupSettings {
        query: a.query.clone(),
        service: a.service,
        proto: a.proto.map(transport),
        ipv4: a.ipv4,
        ipv6: a.ipv6,
        well_known: a.well_known,
        format: a.format,
        // Answers are never coloured.
        output: Settings::from_args(&a.fit, ColorChoice::Never),
    })
}

/// `--proto` as the library's transport.
fn transport(t: cli::Transport) -> Transport {
    match t {
        cli::Transport::Tcp => Transport::Tcp,
        cli::Transport::Udp => Transport::Udp,
    }
}
