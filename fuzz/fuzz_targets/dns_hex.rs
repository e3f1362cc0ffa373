//! Fuzz target: `dns decode`'s hex reader must take any text without a panic, and
//! read back exactly the bytes of its own hex output.
//! The body is [`socklab::fuzzing::dns_hex`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::dns_hex(data));
