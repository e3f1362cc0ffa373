//! The sniffer: capture -> dissect -> track -> annotate -> render, streaming.
//! Files are read twice, like `tshark -2`: a first pass only tracks conversations
//! to learn what later frames reveal ([`pipeline::Facts`]), the second renders.

pub mod app;
pub mod barrier;
pub mod capture;
pub mod decode_error;
pub mod defrag;
pub mod dissect;
pub mod expect;
pub mod field_id;
pub mod fields;
pub mod file;
pub mod filter;
pub mod glossary;
pub mod hash;
pub mod hexmap;
pub mod icmp;
pub mod layer_bytes;
pub mod libpcap;
pub mod packet;
pub mod pipeline;
pub mod read;
pub mod relay;
pub mod render;
pub mod report;
pub mod savefile;
pub mod session;
pub mod summary;
pub mod tcp;
pub mod tree;
pub mod udp;
pub mod value;
pub mod watch;
