//! `socklab demo`: it has no arguments; [`crate::demo`] runs the tour.

/// Runs `socklab demo`.
pub fn run() -> crate::Result<()> {
    crate::demo::run()
}
