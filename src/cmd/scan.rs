//! `socklab scan`: the arguments become [`crate::net::scan`]'s settings.

use crate::cli::ScanArgs;
use crate::net::scan::{self, ScanSettings};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab scan`.
pub fn run(a: &ScanArgs) -> crate::Result<()> {
    scan::run(&ScanSettings {
        host: a.host.clone(),
        ports: a.ports.clone(),
        timeout_ms: a.timeout_ms,
        threads: a.threads,
        format: a.format,
        capture: CaptureRequest::from(&a.capture),
    })
}
