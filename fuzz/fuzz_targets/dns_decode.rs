//! Fuzz target: any bytes must decode to a message or a typed error without a
//! panic; a decoded message must re-encode and decode to the same message (modulo
//! spans); the partial decode must agree with the full one; the authoritative
//! server logic must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab::proto::dns::{answer, decode, decode_partial, encode, Zone};

fuzz_target!(|data: &[u8]| {
    let partial = decode_partial(data);
    match decode(data) {
        Ok(message) => {
            assert_eq!(partial.error, None);
            assert_eq!(partial.message, message);
            let bytes = encode(&message).expect("a decoded message re-encodes");
            let again = decode(&bytes).expect("a re-encoded message decodes");
            assert_eq!(again.without_spans(), message.without_spans());
        }
        Err(e) => assert_eq!(partial.error, Some(e)),
    }
    if let Some(response) = answer(data, &Zone::lab()) {
        decode(&response).expect("the server's response decodes");
    }
});
