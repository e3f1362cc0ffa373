//! PLACEHOLDER (being built)
/// PLACEHOLDER
pub fn run(_a: &crate::cli::LookupArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
