//! IPv4 (RFC 791) and IPv6 (RFC 8200): the protocol file of the network layer.
//! `tree` is its part of the details tree.

pub mod tree;
