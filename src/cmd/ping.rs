//! `socklab ping`: the arguments become [`crate::net::ping`]'s settings.

use crate::cli::PingArgs;
use crate::net::ping::{self, PingSettings};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab ping`.
pub fn run(a: &PingArgs) -> crate::Result<()> {
    ping::run(&PingSettings {
        host: a.host.clone(),
        count: a.count,
        interval_ms: a.interval_ms,
        timeout_ms: a.timeout_ms,
        size: a.size,
        capture: CaptureRequest::from(&a.capture),
    })
}
