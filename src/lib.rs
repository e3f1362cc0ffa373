//! socklab: the socket-programming labs' servers and clients on plain `std::net`
//! sockets, and a sniffer that explains their traffic the way Wireshark does.
//!
//! Layout (see DESIGN.md): [`proto`] holds sans-I/O codecs, [`net`] the servers and
//! clients around them, [`sniff`] the capture pipeline; [`cli`] declares the
//! command line and [`table`] renders tables for the terminal and lab reports;
//! [`teach`] holds the experiments' and `explain`'s text, [`cmd`] runs them.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod demo;
pub mod dns_view;
pub mod doctor;
pub mod error;
pub mod fuzzing;
pub mod net;
pub mod proto;
pub mod sniff;
pub mod table;
pub mod teach;
pub mod wrap;

pub use error::{Error, Result};
