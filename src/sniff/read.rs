//! PLACEHOLDER
/// PLACEHOLDER
pub fn run(_a: &crate::cli::ReadArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
