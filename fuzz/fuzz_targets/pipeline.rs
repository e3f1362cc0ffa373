//! Fuzz target: the whole dissection pipeline, from a link type picked by the
//! first byte through both passes and every view (list row, details tree, hex,
//! `-T fields` with every field, `-T json`, display filter evaluation), without a
//! panic. Input format: see `socklab::fuzzing`. The body is
//! [`socklab::fuzzing::pipeline`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::pipeline(data));
