//! The chat lab's tiny text protocol, without any I/O.
//!
//! Every message is one line of UTF-8 text: a verb in capitals, then its
//! arguments separated by single spaces. Over TCP each message is a line ending in
//! LF (framed by [`crate::proto::text`]); over UDP each message is one datagram
//! without a line end.
//!
//! ```text
//! client -> server
//!   HELLO [name]          join; without a name the server calls you by your address
//!                         (the first line over TCP, the first datagram over UDP)
//!   MSG text              say `text` to everyone
//!   BYE                   leave the chat
//! server -> client
//!   WELCOME name          you joined, and the others see you as `name`
//!   MSG sender text       `sender` said `text` (the server itself is `server`)
//!   INFO text             a notice, e.g. `alice (127.0.0.1:5555) left the chat`
//!   BUSY text             the server is full and did not let you in
//!   BYE text              the server is closing the chat
//! ```
//!
//! A name is 1 to [`MAX_NAME`] characters without spaces or control characters, so
//! `MSG sender text` splits at the first space after the sender. A line whose verb
//! is unknown decodes to `Unknown` carrying the whole line: the server treats it as
//! plain text, so `nc` and `telnet` can chat too.

use std::fmt;

/// Longest name, in characters.
pub const MAX_NAME: usize = 32;
/// The sender name of lines typed at the server.
pub const SERVER_NAME: &str = "server";

/// What a client sends to the chat server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMsg {
    /// Join, optionally with a name.
    Hello(Option<String>),
    /// A line said to everyone.
    Say(String),
    /// Leave the chat.
    Bye,
    /// A line without a known verb (kept whole).
    Unknown(String),
}

/// What the chat server sends to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMsg {
    /// The join was accepted under this name.
    Welcome(String),
    /// Someone said something.
    Say {
        /// Who said it.
        from: String,
        /// What they said.
        text: String,
    },
    /// A notice from the server.
    Info(String),
    /// The server is full.
    Busy(String),
    /// The server is closing the chat.
    Bye(String),
    /// A line without a known verb (kept whole).
    Unknown(String),
}

/// A structural fault in a chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatError {
    /// The bytes are not UTF-8; `offset` is where the first bad sequence starts.
    NotUtf8 {
        /// Byte offset of the invalid sequence.
        offset: usize,
    },
    /// A verb lacks an argument it needs.
    Missing {
        /// The verb.
        verb: &'static str,
        /// The missing argument.
        what: &'static str,
    },
    /// A name is empty, too long, or has spaces or control characters.
    BadName(String),
    /// Text to send contains a line break at this byte offset.
    LineBreak {
        /// Byte offset of the CR or LF.
        offset: usize,
    },
}

impl fmt::Display for ChatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChatError::NotUtf8 { offset } => write!(f, "the message is not UTF-8 text (bad byte at offset {offset})"),
            ChatError::Missing { verb, what } => write!(f, "{verb} needs {what}"),
            ChatError::BadName(n) => write!(
                f,
                "the name '{n}' is not allowed: use 1 to {MAX_NAME} characters without spaces or control characters"
            ),
            ChatError::LineBreak { offset } => write!(f, "the text has a line break at byte {offset}"),
        }
    }
}

impl std::error::Error for ChatError {}

/// Checks that `name` can be a chat name.
pub fn validate_name(name: &str) -> Result<(), ChatError> {
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ChatError::BadName(name.to_string()));
    }
    Ok(())
}

fn check_text(text: &str) -> Result<(), ChatError> {
    match text.bytes().position(|b| b == b'\n' || b == b'\r') {
        Some(offset) => Err(ChatError::LineBreak { offset }),
        None => Ok(()),
    }
}

/// Splits a message into its verb and the rest (empty if there is none).
fn split_verb(line: &str) -> (&str, &str) {
    line.split_once(' ').unwrap_or((line, ""))
}

fn as_text(bytes: &[u8]) -> Result<&str, ChatError> {
    std::str::from_utf8(bytes).map_err(|e| ChatError::NotUtf8 { offset: e.valid_up_to() })
}

impl ClientMsg {
    /// The message as one line of text, without a line end.
    pub fn encode(&self) -> Result<String, ChatError> {
        match self {
            ClientMsg::Hello(None) => Ok("HELLO".into()),
            ClientMsg::Hello(Some(name)) => {
                validate_name(name)?;
                Ok(format!("HELLO {name}"))
            }
            ClientMsg::Say(text) => {
                check_text(text)?;
                Ok(format!("MSG {text}"))
            }
            ClientMsg::Bye => Ok("BYE".into()),
            ClientMsg::Unknown(line) => {
                check_text(line)?;
                Ok(line.clone())
            }
        }
    }

    /// Decodes one message (a line without its line end, or a datagram).
    pub fn decode(bytes: &[u8]) -> Result<ClientMsg, ChatError> {
        let line = as_text(bytes)?;
        let (verb, rest) = split_verb(line);
        match verb {
            "HELLO" if rest.is_empty() => Ok(ClientMsg::Hello(None)),
            "HELLO" => {
                validate_name(rest)?;
                Ok(ClientMsg::Hello(Some(rest.to_string())))
            }
            "MSG" => Ok(ClientMsg::Say(rest.to_string())),
            "BYE" => Ok(ClientMsg::Bye),
            _ => Ok(ClientMsg::Unknown(line.to_string())),
        }
    }
}

impl ServerMsg {
    /// The message as one line of text, without a line end.
    pub fn encode(&self) -> Result<String, ChatError> {
        let (verb, arg) = match self {
            ServerMsg::Welcome(name) => {
                validate_name(name)?;
                ("WELCOME", name.clone())
            }
            ServerMsg::Say { from, text } => {
                validate_name(from)?;
                check_text(text)?;
                ("MSG", format!("{from} {text}"))
            }
            ServerMsg::Info(text) => ("INFO", text.clone()),
            ServerMsg::Busy(text) => ("BUSY", text.clone()),
            ServerMsg::Bye(text) => ("BYE", text.clone()),
            ServerMsg::Unknown(line) => {
                check_text(line)?;
                return Ok(line.clone());
            }
        };
        check_text(&arg)?;
        Ok(format!("{verb} {arg}"))
    }

    /// Decodes one message (a line without its line end, or a datagram).
    pub fn decode(bytes: &[u8]) -> Result<ServerMsg, ChatError> {
        let line = as_text(bytes)?;
        let (verb, rest) = split_verb(line);
        match verb {
            "WELCOME" => {
                if rest.is_empty() {
                    return Err(ChatError::Missing { verb: "WELCOME", what: "a name" });
                }
                validate_name(rest)?;
                Ok(ServerMsg::Welcome(rest.to_string()))
            }
            "MSG" => {
                let (from, text) = split_verb(rest);
                if from.is_empty() {
                    return Err(ChatError::Missing { verb: "MSG", what: "a sender" });
                }
                Ok(ServerMsg::Say { from: from.to_string(), text: text.to_string() })
            }
            "INFO" => Ok(ServerMsg::Info(rest.to_string())),
            "BUSY" => Ok(ServerMsg::Busy(rest.to_string())),
            "BYE" => Ok(ServerMsg::Bye(rest.to_string())),
            _ => Ok(ServerMsg::Unknown(line.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_round_trip() {
        let msgs = [
            ClientMsg::Hello(None),
            ClientMsg::Hello(Some("alice".into())),
            ClientMsg::Hello(Some("zoë".into())),
            ClientMsg::Say("hello there".into()),
            ClientMsg::Say("".into()),
            ClientMsg::Say("  spaced  ".into()),
            ClientMsg::Bye,
            ClientMsg::Unknown("just typing".into()),
        ];
        for m in msgs {
            let line = m.encode().unwrap();
            assert_eq!(ClientMsg::decode(line.as_bytes()).unwrap(), m, "{line:?}");
        }
    }

    #[test]
    fn server_messages_round_trip() {
        let msgs = [
            ServerMsg::Welcome("127.0.0.1:5555".into()),
            ServerMsg::Say { from: "alice".into(), text: "héllo wörld".into() },
            ServerMsg::Say { from: "server".into(), text: "".into() },
            ServerMsg::Info("alice (127.0.0.1:5555) left the chat".into()),
            ServerMsg::Busy("full".into()),
            ServerMsg::Bye("the server closed the chat".into()),
            ServerMsg::Unknown("hello".into()),
        ];
        for m in msgs {
            let line = m.encode().unwrap();
            assert_eq!(ServerMsg::decode(line.as_bytes()).unwrap(), m, "{line:?}");
        }
    }

    #[test]
    fn wire_bytes() {
        assert_eq!(ClientMsg::Hello(Some("bob".into())).encode().unwrap(), "HELLO bob");
        assert_eq!(ServerMsg::Say { from: "bob".into(), text: "hi all".into() }.encode().unwrap(), "MSG bob hi all");
        assert_eq!(
            ServerMsg::decode(b"MSG bob hi all").unwrap(),
            ServerMsg::Say { from: "bob".into(), text: "hi all".into() }
        );
    }

    #[test]
    fn structural_faults_are_errors() {
        assert_eq!(ClientMsg::decode(b"MSG \xff\xfe"), Err(ChatError::NotUtf8 { offset: 4 }));
        assert_eq!(ServerMsg::decode(b"WELCOME"), Err(ChatError::Missing { verb: "WELCOME", what: "a name" }));
        assert_eq!(ServerMsg::decode(b"MSG"), Err(ChatError::Missing { verb: "MSG", what: "a sender" }));
        assert!(matches!(ClientMsg::decode(b"HELLO two words"), Err(ChatError::BadName(_))));
        assert_eq!(ClientMsg::Say("a\nb".into()).encode(), Err(ChatError::LineBreak { offset: 1 }));
        assert!(ServerMsg::Info("x\ry".into()).encode().is_err());
    }

    #[test]
    fn names() {
        assert!(validate_name("alice").is_ok());
        assert!(validate_name("[::1]:5555").is_ok());
        assert!(validate_name(&"é".repeat(MAX_NAME)).is_ok());
        assert!(validate_name(&"é".repeat(MAX_NAME + 1)).is_err());
        assert!(validate_name("").is_err());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("a\u{7}").is_err());
    }

    #[test]
    fn every_truncation_decodes_or_errs_without_panic() {
        let line = "MSG zoë héllo".as_bytes();
        for n in 0..=line.len() {
            let _ = ServerMsg::decode(&line[..n]);
            let _ = ClientMsg::decode(&line[..n]);
        }
    }
}
