//! `socklab tcp` and `socklab udp`: the echo lab's arguments become
//! [`crate::net::echo`]'s settings.

use crate::cli::{EchoClientArgs, ServerArgs};
use crate::net::echo::{self, ClientSettings};
use crate::net::serve::{ServerSettings, Target};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab tcp server`.
pub fn tcp_server(a: &ServerArgs) -> crate::Result<()> {
    echo::tcp_server(&ServerSettings::from(a))
}

/// Runs `socklab udp server`.
pub fn udp_server(a: &ServerArgs) -> crate::Result<()> {
    echo::udp_server(&ServerSettings::from(a))
}

/// Runs `socklab tcp client`.
pub fn tcp_client(a: &EchoClientArgs) -> crate::Result<()> {
    echo::tcp_client(&client(a))
}

/// Runs `socklab udp client`.
pub fn udp_client(a: &EchoClientArgs) -> crate::Result<()> {
    echo::udp_client(&client(a))
}

/// The client's settings; the message words are joined with spaces.
fn client(a: &EchoClientArgs) -> ClientSettings {
    ClientSettings {
        target: Target::from(&a.target),
        capture: CaptureRequest::from(&a.capture),
        timeout_ms: a.timeout_ms,
        message: (!a.message.is_empty()).then(|| a.message.join(" ").into_bytes()),
    }
}
