//! Command entry points: they turn parsed arguments into plain settings, open
//! files, captures and sockets, and print. The teaching layer's commands
//! (`experiment`, `explain`; their text lives in [`crate::teach`]) and the
//! sniffer's (`read`, `sniff`, the report commands) live here; the library
//! under [`crate::sniff`] and [`crate::proto`] takes no command-line types.

pub mod child;
pub mod experiment;
pub mod explain;
pub mod hex;
pub mod read;
pub mod report;
pub mod sniff;
