//! Fuzz target: any bytes must parse to a request head, "need more", or a typed
//! error without a panic; a parsed head must lie within the input, and every
//! question the web server and proxy ask of it (framing, Host, keep-alive, the
//! path under the web root) must be answered without a panic.
//! The body is [`socklab::fuzzing::http_request`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::http_request(data));
