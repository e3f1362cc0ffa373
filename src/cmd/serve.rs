//! The arguments every lab server and client shares, turned into the plain
//! settings of [`crate::net::serve`]: where a server listens, which server a
//! client talks to. (`--capture` becomes a [`CaptureRequest`] in [`crate::config`].)

use crate::cli::{ClientTarget, ServerArgs};
use crate::net::serve::{Listen, ServerSettings, Target};
use crate::sniff::session::CaptureRequest;

/// `--host`, `--port` and `--bind` as a [`Listen`].
pub(crate) fn listen(host: &str, port: u16, bind: Option<&str>) -> Listen {
    Listen { host: host.to_string(), port, bind: bind.map(str::to_string) }
}

impl From<&ServerArgs> for ServerSettings {
    fn from(a: &ServerArgs) -> ServerSettings {
        ServerSettings {
            listen: listen(&a.host, a.port, a.bind.as_deref()),
            threads: a.threads,
            capture: CaptureRequest::from(&a.capture),
        }
    }
}

impl From<&ClientTarget> for Target {
    fn from(t: &ClientTarget) -> Target {
        Target { server: t.server.clone(), host: t.host.clone(), port: t.port }
    }
}
