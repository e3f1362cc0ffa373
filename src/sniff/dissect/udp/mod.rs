//! UDP (RFC 768): the protocol file. `tree` is its part of the details tree;
//! `udp.stream` numbering lives in [`crate::sniff::udp`].

pub mod tree;
