//! Fuzz target: any bytes must decode to a message or a typed error without a
//! panic; a decoded message must re-encode and decode to the same message (modulo
//! spans); the partial decode must agree with the full one; the authoritative
//! server logic must not panic either.
//! The body is [`socklab::fuzzing::dns_decode`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::dns_decode(data));
