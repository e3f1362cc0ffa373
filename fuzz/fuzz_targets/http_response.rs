//! Fuzz target: any bytes must parse to a response head, "need more", or a typed
//! error without a panic, and so must its framing; the chunked decoder must take
//! any bytes too, and give the same body whether they come at once or in two parts.
//! The body is [`socklab::fuzzing::http_response`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::http_response(data));
