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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command, EchoRole};
    use clap::Parser;
    use std::path::PathBuf;

    fn parse(args: &[&str]) -> EchoRole {
        match Cli::try_parse_from(args).expect("the arguments parse").command {
            Command::Tcp(role) | Command::Udp(role) => role,
            other => panic!("not an echo command: {other:?}"),
        }
    }

    #[test]
    fn message_words_join_with_spaces_and_none_reads_stdin() {
        let EchoRole::Client(a) = parse(&["socklab", "tcp", "client", "--server", "127.0.0.1:9", "hello", "world"])
        else {
            panic!("not the client")
        };
        let s = client(&a);
        assert_eq!(s.message.as_deref(), Some(&b"hello world"[..]));
        assert_eq!(s.target, Target { server: Some("127.0.0.1:9".into()), host: "127.0.0.1".into(), port: 12000 });
        assert_eq!(s.capture, CaptureRequest::default());
        let EchoRole::Client(a) = parse(&["socklab", "udp", "client"]) else { panic!("not the client") };
        assert_eq!(client(&a).message, None);
    }

    #[test]
    fn server_flags_become_listen_threads_and_capture() {
        let EchoRole::Server(a) =
            parse(&["socklab", "tcp", "server", "--bind", "[::1]:0", "--threads", "3", "--capture=x.pcap", "--trace"])
        else {
            panic!("not the server")
        };
        let s = ServerSettings::from(&a);
        assert_eq!(s.listen.bind.as_deref(), Some("[::1]:0"));
        assert_eq!((s.listen.host.as_str(), s.listen.port, s.threads), ("127.0.0.1", 12000, 3));
        assert_eq!(s.capture.file, Some(Some(PathBuf::from("x.pcap"))));
        assert!(s.capture.trace);
    }
}
