//! Fuzz target: any bytes must parse to a response head, "need more", or a typed
//! error without a panic, and so must its framing; the chunked decoder must take
//! any bytes too, and give the same body whether they come at once or in two parts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab::proto::http::chunked::ChunkedDecoder;
use socklab::proto::http::response::parse_response;

/// Decodes `parts` one after another as a client would (unused bytes carried
/// over); the body so far, or `None` on an error.
fn dechunk(parts: &[&[u8]]) -> Option<(Vec<u8>, bool)> {
    let (mut dec, mut out, mut pending) = (ChunkedDecoder::new(), Vec::new(), Vec::new());
    for part in parts {
        pending.extend_from_slice(part);
        let used = dec.decode(&pending, &mut out).ok()?;
        assert!(used <= pending.len());
        pending.drain(..used);
        if dec.is_done() {
            break;
        }
    }
    Some((out, dec.is_done()))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(head)) = parse_response(data) {
        assert!(head.len <= data.len(), "head of {} bytes in {} bytes of input", head.len, data.len());
        let _ = head.body_kind(false);
        let _ = head.body_kind(true);
        let _ = head.keep_alive();
        let _ = head.status_line();
    }
    let whole = dechunk(&[data]);
    let cut = usize::from(data.first().copied().unwrap_or(0)).min(data.len());
    let split = dechunk(&[&data[..cut], &data[cut..]]);
    if let (Some((a, true)), Some((b, true))) = (&whole, &split) {
        assert_eq!(a, b, "a chunked body depends on how it was split");
    }
});
