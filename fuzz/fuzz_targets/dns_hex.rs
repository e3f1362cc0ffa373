//! Fuzz target: `dns decode`'s hex reader must take any text without a panic, and
//! read back exactly the bytes of its own hex output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab::dns_view::fields::hex_bytes;
use socklab::proto::hexdump;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = hexdump::parse(text) {
            assert_eq!(hexdump::parse(&hex_bytes(&bytes)).ok(), Some(bytes));
        }
    }
    assert_eq!(hexdump::parse(&hex_bytes(data)).ok().as_deref(), Some(data));
});
