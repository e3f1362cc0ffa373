//! The HTTP fields of a TCP payload by byte offset (RFC 9112 §2.1): the start
//! line, each header line with its CRLF, the empty line ending the headers, and
//! the body.

/// Request methods recognised at the start of a payload (RFC 9110 §9.1).
const METHODS: [&str; 9] = ["GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ", "TRACE ", "PATCH "];

/// Whether `payload` starts an HTTP/1.x request or response.
pub fn is_http(payload: &[u8]) -> bool {
    payload.starts_with(b"HTTP/1.") || METHODS.iter().any(|m| payload.starts_with(m.as_bytes()))
}

/// Calls `emit(layer, name, offset, len, gap)` for each line of the message in
/// `payload`, which starts at `start` in the frame.
pub fn lines(payload: &[u8], start: usize, emit: &mut dyn FnMut(&'static str, &str, usize, usize, bool)) {
    let request = !payload.starts_with(b"HTTP/");
    let (first, line) = if request {
        ("http.request (request line)", "http.request.line")
    } else {
        ("http.response (status line)", "http.response.line")
    };
    let mut at = 0;
    let mut number = 0;
    while at < payload.len() {
        let Some(nl) = payload[at..].iter().position(|&b| b == b'\n') else {
            emit("HTTP", "unfinished header line", start + at, payload.len() - at, true);
            return;
        };
        let len = nl + 1;
        let empty = payload[at..at + nl].iter().all(|&b| b == b'\r');
        let name = match (number, empty) {
            (0, _) => first,
            (_, true) => "end of headers (CRLF)",
            _ => line,
        };
        emit("HTTP", name, start + at, len, false);
        at += len;
        number += 1;
        if empty && number > 1 {
            break;
        }
    }
    if at < payload.len() {
        emit("HTTP", "http.file_data (body)", start + at, payload.len() - at, false);
    }
}
