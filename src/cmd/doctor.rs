//! `socklab doctor`: `--width`, `--wide` and `--color` become the output
//! [`Settings`] of [`crate::doctor`].

use crate::cli::DoctorArgs;
use crate::config::Settings;

/// Runs `socklab doctor`.
pub fn run(a: &DoctorArgs) -> crate::Result<()> {
    crate::doctor::run(&Settings::from_args(&a.fit, a.color))
}
