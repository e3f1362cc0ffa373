//! `socklab dns`: the DNS lab's arguments become the settings of
//! [`crate::net::dns_server`], [`crate::net::dns_client`],
//! [`crate::net::dns_decode`] and [`crate::net::dns_zone`].

use super::serve::listen;
use crate::cli::{DnsDecodeArgs, DnsQueryArgs, DnsServerArgs, DnsZoneArgs};
use crate::config::Settings;
use crate::dns_view::{ReportFormat, Style};
use crate::net::dns_client::{self, QuerySettings};
use crate::net::dns_decode::{self, DecodeSettings};
use crate::net::dns_server::{self, DnsServerSettings};
use crate::net::dns_zone::{self, ZoneSettings};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab dns server`.
pub fn server(a: &DnsServerArgs) -> crate::Result<()> {
    dns_server::run(&DnsServerSettings {
        listen: listen(&a.host, a.port, a.bind.as_deref()),
        zone: a.zone.clone(),
        quiet: a.quiet,
        list: a.list,
        threads: a.threads,
        capture: CaptureRequest::from(&a.capture),
    })
}

/// Runs `socklab dns query`.
pub fn query(a: &DnsQueryArgs) -> crate::Result<()> {
    dns_client::run(&QuerySettings {
        name: a.name.clone(),
        server: a.server.clone(),
        rtype: a.rtype.clone(),
        timeout_ms: a.timeout_ms,
        tries: a.tries,
        capture: CaptureRequest::from(&a.capture),
    })
}

/// Runs `socklab dns decode`: the hex dump is coloured only in the table format.
pub fn decode(a: &DnsDecodeArgs) -> crate::Result<()> {
    let settings = Settings::from_args(&a.fit, a.color);
    let color = settings.color && a.format == ReportFormat::Table;
    dns_decode::run(&DecodeSettings {
        hex: a.hex.clone(),
        query: a.query.clone(),
        response: a.response.clone(),
        pcap: a.pcap.clone(),
        frame: a.frame,
        style: Style { format: a.format, color, width: settings.width },
    })
}

/// Runs `socklab dns zone`.
pub fn zone(a: &DnsZoneArgs) -> crate::Result<()> {
    dns_zone::run(&ZoneSettings { zone: a.zone.clone(), format: a.format })
}
