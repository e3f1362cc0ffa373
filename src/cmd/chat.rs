//! `socklab chat`: the chat lab's arguments become [`crate::net::chat`]'s settings.

use crate::cli::{ChatClientArgs, ChatServerArgs};
use crate::net::chat::{self, ChatClientSettings, ChatServerSettings};
use crate::net::serve::{ServerSettings, Target};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab chat server`.
pub fn server(a: &ChatServerArgs) -> crate::Result<()> {
    chat::server(&ChatServerSettings {
        listen: ServerSettings::from(&a.listen),
        udp: a.udp,
        peer_timeout_ms: a.peer_timeout_ms,
    })
}

/// Runs `socklab chat client`.
pub fn client(a: &ChatClientArgs) -> crate::Result<()> {
    chat::client(&ChatClientSettings {
        target: Target::from(&a.target),
        udp: a.udp,
        name: a.name.clone(),
        capture: CaptureRequest::from(&a.capture),
    })
}
