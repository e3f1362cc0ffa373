//! ICMP (RFC 792) and ICMPv6 (RFC 4443, with Neighbor Discovery RFC 4861 and
//! MLDv2 RFC 3810): the protocol file. `tree` is its part of the details tree;
//! links between frames (errors to the datagram they quote, echo pairs) live in
//! [`crate::sniff::icmp`].

pub mod tree;
