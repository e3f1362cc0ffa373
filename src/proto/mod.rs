//! Sans-I/O codecs: pure functions from bytes to values and back.

pub mod dns;
pub mod text;
