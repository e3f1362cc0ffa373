//! PLACEHOLDER (being built)
/// PLACEHOLDER
pub fn tcp_server(_a: &crate::cli::ServerArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
/// PLACEHOLDER
pub fn tcp_client(_a: &crate::cli::EchoClientArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
/// PLACEHOLDER
pub fn udp_server(_a: &crate::cli::ServerArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
/// PLACEHOLDER
pub fn udp_client(_a: &crate::cli::EchoClientArgs) -> crate::Result<()> {
    Err(crate::Error::usage("not built yet"))
}
