//! The sniffer: capture -> dissect -> track -> annotate -> render, in one pass.

pub mod capture;
pub mod dissect;
pub mod fields;
pub mod filter;
pub mod hash;
pub mod icmp;
pub mod link;
pub mod packet;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod tcp;
pub mod udp;
pub mod value;
