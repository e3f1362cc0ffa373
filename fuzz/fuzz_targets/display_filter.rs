//! Fuzz target: any text must parse as a display filter (`read -Y`) or give a
//! typed error with a position inside the text, without a panic or a stack
//! overflow (nesting is bounded).
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab::sniff::fields::FieldId;
use socklab::sniff::filter::Filter;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else { return };
    match Filter::parse(expr, FieldId::from_name) {
        Ok(filter) => {
            let _ = filter.fields().count();
            let _ = filter.clone();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
