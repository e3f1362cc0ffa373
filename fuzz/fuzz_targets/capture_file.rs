//! Fuzz target: the capture-file reader (pcap, pcapng, gzip-compressed either)
//! on an in-memory file: records or a typed error with an offset, without a
//! panic, a hang or unbounded memory. The body is
//! [`socklab::fuzzing::capture_file`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::capture_file(data));
