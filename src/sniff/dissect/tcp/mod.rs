//! TCP (RFC 9293): the protocol file of the transport layer. `tree` is its part
//! of the details tree. Conversation state (streams, sequence analysis,
//! reassembly) lives in [`crate::sniff::tcp`].

pub mod tree;
