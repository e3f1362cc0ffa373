//! Fuzz target: any text must parse as a display filter (`read -Y`) or give a
//! typed error with a position inside the text, without a panic or a stack
//! overflow (nesting is bounded).
//! The body is [`socklab::fuzzing::display_filter`], shared with tests/fuzz_smoke.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socklab::fuzzing::display_filter(data));
