//! PLACEHOLDER (being built)
/// PLACEHOLDER
pub fn server(_a: &crate::cli::ChatServerArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
/// PLACEHOLDER
pub fn client(_a: &crate::cli::ChatClientArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
