//! The sniffer: capture -> dissect -> track -> annotate -> render, in one pass.

pub mod filter;
pub mod read;
pub mod tcp;
pub mod value;
