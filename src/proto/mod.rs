//! Sans-I/O codecs: pure functions from bytes to values and back.

pub mod bytes;
pub mod chat;
pub mod dns;
pub mod hexdump;
pub mod http;
pub mod icmp_echo;
pub mod services;
pub mod text;
