//! Fuzz target: any bytes must parse to a request head, "need more", or a typed
//! error without a panic; a parsed head must lie within the input, and every
//! question the web server and proxy ask of it (framing, Host, keep-alive, the
//! path under the web root) must be answered without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab::proto::http::path;
use socklab::proto::http::request::parse_request;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(head)) = parse_request(data) {
        assert!(head.len <= data.len(), "head of {} bytes in {} bytes of input", head.len, data.len());
        let _ = head.keep_alive();
        let _ = head.check_host();
        let _ = head.body();
        let _ = head.request_line();
        for h in head.headers() {
            let _ = head.header(h.name);
        }
        let _ = path::path_of_target(head.target);
        let _ = path::sanitize(head.target);
    }
});
