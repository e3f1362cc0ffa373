//! HTTP's block of the details tree (`-V`, `-T json`), in Wireshark's wording:
//! start line, header lines, body (RFC 9112 §2.1), request/response links.

use crate::sniff::app::App;
use crate::sniff::dissect::http::{self, HttpMsg};
use crate::sniff::packet::Packet;
use crate::sniff::tree::{Draft, Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;

/// Builds HTTP's block of a packet, if it has one: a message, a continuation,
/// or lines taken for headers.
pub fn build(out: &mut Tree, p: &Packet<'_>) {
    match &p.app {
        App::Http(m) => http_tree(out, p, m),
        App::HttpContinuation => {
            out.text(0, format_args!("Hypertext Transfer Protocol"));
            out.text(1, format_args!("File Data: continuation of a body"));
        }
        App::HttpHeaderLines { head, body } => {
            let d = out.at(0).proto("http");
            let d = match payload_offset(p) {
                Some(at) => d.bytes(at, p.d.payload.len()),
                None => d,
            };
            d.line(format_args!("Hypertext Transfer Protocol"));
            out.text(1, format_args!("{head} bytes of lines that are not HTTP headers (no request or status line)"));
            let lines = p.d.payload.get(..*head).unwrap_or_default();
            for _ in 0..http::bad_header_names(lines) {
                let message = "Illegal characters found in header name";
                out.expert(2, "http.bad_header_name", Severity::Warning, Group::Protocol, message);
            }
            if *body > 0 {
                out.text(1, format_args!("File Data: {body} bytes"));
            }
        }
        _ => {}
    }
}

/// The bytes the Data block after the application block shows, and its depth:
/// after lines taken for HTTP headers, the rest; after an HTTP message, the
/// bytes that follow it (inside a second HTTP item when tshark hands them to
/// HTTP again); else the whole payload.
pub fn data_block<'a>(p: &Packet<'a>) -> (&'a [u8], usize) {
    let payload = p.d.payload;
    match &p.app {
        App::HttpHeaderLines { head, .. } => (payload.get(*head..).unwrap_or_default(), 0),
        App::Http(m) if !m.trailing.is_empty() => {
            let rest = &payload[payload.len().saturating_sub(m.trailing_len)..];
            (rest, usize::from(m.continuation))
        }
        _ => (payload, 0),
    }
}

/// Where an HTTP message lies in the frame: the offset of its first byte and
/// its bytes, when all of it came in this frame's payload.
#[derive(Clone, Copy)]
struct Bytes<'a>(Option<(usize, &'a [u8])>);

impl<'a> Bytes<'a> {
    /// The message's bytes: in the frame, or for a message reassembled from
    /// several segments in a data source of their own (as tshark's
    /// `Reassembled TCP`), its head and what was kept of its body.
    fn of(out: &mut Tree, p: &'a Packet<'_>, m: &'a HttpMsg) -> Bytes<'a> {
        if m.in_segment {
            return Bytes(payload_offset(p).map(|o| (o, p.d.payload)));
        }
        if m.reassembled.is_empty() {
            return Bytes(None);
        }
        let total = m.head_len.saturating_add(m.body_len);
        out.push_source(format!("Reassembled TCP ({total} bytes)"), m.reassembled.clone());
        Bytes(Some((0, &m.reassembled)))
    }

    /// `d` with the `len` bytes at `start` in the message, if it lies in the frame.
    fn put<'t>(self, d: Draft<'t>, start: usize, len: usize) -> Draft<'t> {
        match self.0 {
            Some((base, _)) => d.bytes(base + start, len),
            None => d,
        }
    }
}

/// The frame offset of the transport payload, when it lies in the frame (not
/// in an IPv4 datagram reassembled from fragments).
fn payload_offset(p: &Packet<'_>) -> Option<usize> {
    if p.d.reassembled.is_some() {
        return None;
    }
    let off = (p.d.payload.as_ptr() as usize).wrapping_sub(p.data.as_ptr() as usize);
    (off.checked_add(p.d.payload.len())? <= p.data.len()).then_some(off)
}

/// The header fields tshark names (its `headers[]` table); other headers are
/// text lines.
fn header_field(name: &str) -> Option<&'static str> {
    const FIELDS: &[(&str, &str)] = &[
        ("authorization", "http.authorization"),
        ("proxy-authorization", "http.proxy_authorization"),
        ("proxy-authenticate", "http.proxy_authenticate"),
        ("www-authenticate", "http.www_authenticate"),
        ("content-type", "http.content_type"),
        ("content-length", "http.content_length_header"),
        ("content-encoding", "http.content_encoding"),
        ("transfer-encoding", "http.transfer_encoding"),
        ("upgrade", "http.upgrade"),
        ("user-agent", "http.user_agent"),
        ("host", "http.host"),
        ("range", "http.range"),
        ("content-range", "http.content_range"),
        ("connection", "http.connection"),
        ("cookie", "http.cookie"),
        ("accept", "http.accept"),
        ("referer", "http.referer"),
        ("accept-language", "http.accept_language"),
        ("accept-encoding", "http.accept_encoding"),
        ("date", "http.date"),
        ("cache-control", "http.cache_control"),
        ("server", "http.server"),
        ("location", "http.location"),
        ("set-cookie", "http.set_cookie"),
        ("last-modified", "http.last_modified"),
        ("x-forwarded-for", "http.x_forwarded_for"),
    ];
    FIELDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, f)| *f)
}

/// The reason phrase Wireshark describes a status code with (RFC 9110 §15).
pub(crate) fn status_text(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => return None,
    })
}

/// Length of a status code in the status line (RFC 9112 §4).
const STATUS_CODE_LEN: usize = 3;

fn http_tree(out: &mut Tree, p: &Packet<'_>, m: &HttpMsg) {
    let at = Bytes::of(out, p, m);
    let proto = if m.ssdp { "ssdp" } else { "http" };
    at.put(out.at(0).proto(proto), 0, proto_len(m)).line(format_args!("Hypertext Transfer Protocol"));
    start_line(out, at, m);
    header_lines(out, at, m);
    out.text(1, format_args!("\\r\\n"));
    if m.request {
        request_links(out, m);
    } else {
        response_links(out, m);
    }
    if m.body_len > 0 {
        file_data(out, at, m);
    }
    out.use_frame();
    if m.continuation && !m.trailing.is_empty() {
        // On its ports tshark hands the bytes after a message to HTTP again
        // (a continuation); their Data block goes inside this item.
        let (rest, _) = data_block(p);
        let d = out.at(0).proto("http");
        let d = match payload_offset(p) {
            Some(at) => d.bytes(at + p.d.payload.len() - rest.len(), rest.len()),
            None => d,
        };
        d.line(format_args!("Hypertext Transfer Protocol"));
    }
}

/// A frame link of a request/response pair (a generated field), when there is one.
fn frame_link(out: &mut Tree, field: &'static str, title: &str, frame: u32) {
    if frame != 0 {
        out.at(1).field(field, Ftype::Framenum, frame).line(format_args!("[{title} in frame: {frame}]"));
    }
}

/// A request's full URI, number and links to its response and the pairs around it.
fn request_links(out: &mut Tree, m: &HttpMsg) {
    if let Some(uri) = m.full_uri() {
        out.at(1).field("http.request.full_uri", Ftype::String, &uri).line(format_args!("[Full request URI: {uri}]"));
    }
    out.at(1).field("http.request", Ftype::Boolean, 1).hidden();
    if let Some((n, all)) = m.number {
        out.at(1).field("http.request_number", Ftype::Uint32, n).line(format_args!("[HTTP request {n}/{all}]"));
    }
    frame_link(out, "http.prev_request_in", "Prev request", m.prev.0);
    frame_link(out, "http.response_in", "Response", m.response_in.unwrap_or(0));
    frame_link(out, "http.next_request_in", "Next request", m.next.0);
}

/// A response's number, time since its request and links to it and the pairs around it.
fn response_links(out: &mut Tree, m: &HttpMsg) {
    out.at(1).field("http.response", Ftype::Boolean, 1).hidden();
    if let Some((n, all)) = m.number {
        out.at(1).field("http.response_number", Ftype::Uint32, n).line(format_args!("[HTTP response {n}/{all}]"));
    }
    if let Some((_, t)) = m.request_in {
        let t = Value::Seconds(t);
        out.at(1).field("http.time", Ftype::RelativeTime, &t).line(format_args!("[Time since request: {t} seconds]"));
    }
    frame_link(out, "http.prev_request_in", "Prev request", m.prev.0);
    frame_link(out, "http.prev_response_in", "Prev response", m.prev.1);
    frame_link(out, "http.request_in", "Request", m.request_in.map_or(0, |(f, _)| f));
    frame_link(out, "http.next_request_in", "Next request", m.next.0);
    frame_link(out, "http.next_response_in", "Next response", m.next.1);
    if let Some(uri) = &m.request_uri {
        out.at(1).field("http.response_for.uri", Ftype::String, uri).line(format_args!("[Request URI: {uri}]"));
    }
}

/// The bytes of the HTTP item, as tshark sets them: the head only when a
/// dissector of the body's media type takes the body, else the body too
/// (none, or the catch-all `media` and `data`).
fn proto_len(m: &HttpMsg) -> usize {
    match m.body_protocol() {
        Some("media" | "data") | None => m.head_len.saturating_add(m.body_len),
        Some(_) => m.head_len,
    }
}

/// The request or status line (RFC 9112 §3, §4), with Wireshark's chat item.
fn start_line(out: &mut Tree, at: Bytes<'_>, m: &HttpMsg) {
    let first = format!("{}\\r\\n", m.first_line());
    out.text(1, format_args!("{first}"));
    out.expert(2, "http.chat", Severity::Chat, Group::Sequence, &first);
    let mut text = |field: &'static str, value: &str, start: usize, title: &str| {
        let d = out.at(2).field(field, Ftype::String, value);
        at.put(d, start, value.len()).line(format_args!("{title}: {value}"));
    };
    if m.request {
        let uri = m.method.len() + 1;
        let version = uri + m.uri.len() + 1;
        text("http.request.method", &m.method, 0, "Request Method");
        text("http.request.uri", &m.uri, uri, "Request URI");
        text("http.request.version", &m.version, version, "Request Version");
        return;
    }
    text("http.response.version", &m.version, 0, "Response Version");
    let code = m.version.len() + 1;
    let d = out.at(2).field("http.response.code", Ftype::Uint16, m.code);
    at.put(d, code, STATUS_CODE_LEN).line(format_args!("Status Code: {}", m.code));
    if let Some(desc) = status_text(m.code) {
        let d = out.at(2).field("http.response.code.desc", Ftype::String, desc);
        at.put(d, code, STATUS_CODE_LEN).line(format_args!("[Status Code Description: {desc}]"));
    }
    let phrase = code + STATUS_CODE_LEN + 1;
    if m.phrase.is_empty() {
        // tshark adds no phrase field for an empty reason phrase.
        return out.text(2, format_args!("Response Phrase: "));
    }
    let d = out.at(2).field("http.response.phrase", Ftype::String, &m.phrase);
    at.put(d, phrase, m.phrase.len()).line(format_args!("Response Phrase: {}", m.phrase));
}

/// Where each header line lies in the message (with its line end), when the
/// message lies in the frame.
fn header_spans(at: Bytes<'_>, m: &HttpMsg) -> Vec<(usize, usize)> {
    let Some((_, bytes)) = at.0 else { return Vec::new() };
    let head = &bytes[..m.head_len.min(bytes.len())];
    let mut spans = Vec::with_capacity(m.headers.len() + 1);
    let mut off = 0;
    while let Some((_, next)) = http::line_end(&head[off..], true) {
        spans.push((off, next));
        off += next;
    }
    // The first line is the start line.
    spans.into_iter().skip(1).collect()
}

/// `d` with the bytes of `span` in the message, if it has one.
fn put_span<'t>(at: Bytes<'_>, d: Draft<'t>, span: Option<(usize, usize)>) -> Draft<'t> {
    match span {
        Some((start, len)) => at.put(d, start, len),
        None => d,
    }
}

/// The header lines (RFC 9112 §5): a field where tshark names the header,
/// else a text line; each also as the hidden `http.request.line`.
fn header_lines(out: &mut Tree, at: Bytes<'_>, m: &HttpMsg) {
    let spans = header_spans(at, m);
    let line_field = if m.request { "http.request.line" } else { "http.response.line" };
    for (i, (name, value)) in m.headers.iter().enumerate() {
        let span = spans.get(i).copied();
        match header_field(name) {
            Some(field) => put_span(at, out.at(1).field(field, Ftype::String, value), span)
                .line(format_args!("{name}: {value}\\r\\n")),
            None => out.text(1, format_args!("{name}: {value}\\r\\n")),
        }
        if name.eq_ignore_ascii_case("content-length") {
            if let Ok(n) = value.trim().parse::<u64>() {
                put_span(at, out.at(2).field("http.content_length", Ftype::Uint64, n), span)
                    .line(format_args!("[Content length: {n}]"));
            }
        }
        let text = match (span, at.0) {
            (Some((start, len)), Some((_, bytes))) => String::from_utf8_lossy(&bytes[start..start + len]).into_owned(),
            _ => format!("{name}: {value}\r\n"),
        };
        put_span(at, out.at(1).field(line_field, Ftype::String, text), span).hidden();
    }
}

/// The body as tshark's `http.file_data` string, when it lies in the frame as
/// sent (neither chunked nor compressed) and is text.
fn file_data(out: &mut Tree, at: Bytes<'_>, m: &HttpMsg) {
    if let (Some(0), Some(coding)) = (m.decoded_len, m.content_coding()) {
        // tshark shows the decoded body, here none at all.
        out.text(1, format_args!("Content-encoded entity body ({coding}): {} bytes -> 0 bytes", m.body_len));
        return out.at(1).field("http.file_data", Ftype::String, "").line(format_args!("File Data: 0 bytes"));
    }
    let n = m.body_len;
    let coded = m.header("transfer-encoding").is_some() || m.header("content-encoding").is_some();
    let body = at.0.and_then(|(_, b)| b.get(m.head_len..m.head_len.checked_add(n)?)).filter(|_| !coded);
    match body.and_then(|b| std::str::from_utf8(b).ok()) {
        Some(text) => at.put(out.at(1).field("http.file_data", Ftype::String, text), m.head_len, n),
        None => out.at(1),
    }
    .line(format_args!("File Data: {n} bytes"));
}

#[cfg(test)]
mod tests {
    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::dissect::testing::{fields, find, segment};
    use crate::sniff::dissect::tests::SYN;
    use crate::sniff::pipeline::{Facts, Pipeline};
    use crate::sniff::tree::Tree;

    #[test]
    fn gzip_body_that_decodes_to_nothing_stays_in_http() {
        // chrissanders http_post.pcapng frame 6: a 302 whose 20-byte gzip body is empty.
        const HEAD: &[u8] =
            b"HTTP/1.1 302 Found\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\nContent-Type: text/html\r\n\r\n";
        const GZIP_EMPTY: [u8; 20] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut rep = SYN.to_vec();
        rep.extend(HEAD);
        rep.extend(GZIP_EMPTY);
        rep[17] += (HEAD.len() + GZIP_EMPTY.len()) as u8;
        rep[34..36].copy_from_slice(&80u16.to_be_bytes());
        rep[47] = 0x18;
        let f = fields(LinkType::Ethernet, &rep);
        assert_eq!(find(&f, "http"), [("", Some((74, (HEAD.len() + 20) as u32)))]);
        assert_eq!(find(&f, "http.file_data"), [("", None)]);
        let protocols = find(&f, "frame.protocols");
        assert_eq!(protocols.first().map(|p| p.0), Some("eth:ethertype:ip:tcp:http"));
    }

    #[test]
    fn binary_header_lines_warn_per_bad_name_and_leave_the_rest_as_data() {
        // chrissanders tcp_dupack.pcapng frame 6 (its start): four lines with a
        // colon and names of binary bytes, then a line without one.
        const PAYLOAD: &[u8] = b"N\xbdM\x1cg:\xda\x80\nE\x06:\xee\rh\xc1\x1d:\xa8\r\x1dh:\xf7\n4\x01\x93\n\xcf\xd6\x81";
        let mut rep = SYN.to_vec();
        rep.extend(PAYLOAD);
        rep[17] += PAYLOAD.len() as u8;
        rep[34..36].copy_from_slice(&80u16.to_be_bytes());
        rep[47] = 0x18;
        let f = fields(LinkType::Ethernet, &rep);
        assert_eq!(find(&f, "http"), [("", Some((74, 32)))]);
        // (The segment, made from a SYN, also keeps its MSS option: TCP warns about it.)
        let warned = find(&f, "_ws.expert.message");
        let http: Vec<_> = warned.iter().filter(|w| !w.0.contains("MSS")).collect();
        assert_eq!(http, [&("Illegal characters found in header name", None); 4]);
        assert_eq!(find(&f, "data"), [("", Some((99, 7)))]);
        assert_eq!(find(&f, "data.len"), [("7", None)]);
    }

    #[test]
    fn bytes_after_a_response_are_a_continuation_holding_the_data() {
        // suricata-verify http-gap-double frame 25: a response followed by CRLF on
        // port 8080 after a request: HTTP again, its Data inside.
        let request = segment((41864, 8080), b"GET /3 HTTP/1.0\r\n\r\n");
        let response = segment((8080, 41864), b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi\r\n");
        let mut pipe = Pipeline::new(LinkType::Ethernet, Facts::default());
        pipe.process(&Frame { time: 0, len: request.len() as u32, data: &request, origin: None });
        let p = pipe.process(&Frame { time: 1, len: response.len() as u32, data: &response, origin: None });
        let mut tree = Tree::new();
        crate::sniff::render::detail::build(&mut tree, &p);
        let at = |name: &str| -> Vec<(u8, Option<(u32, u32)>)> {
            let items = tree.items().iter().filter(|i| i.field == name);
            items.map(|i| (i.depth, i.bytes.map(|b| (b.offset, b.len)))).collect()
        };
        assert_eq!(at("http"), [(0, Some((74, 40))), (0, Some((114, 2)))]);
        assert_eq!(at("data"), [(1, Some((114, 2)))]);
    }

    #[test]
    fn http_fields_have_their_frame_bytes() {
        const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let mut req = SYN.to_vec();
        req.extend(REQUEST);
        req[17] += REQUEST.len() as u8;
        req[36..38].copy_from_slice(&80u16.to_be_bytes());
        req[47] = 0x18;
        let f = fields(LinkType::Ethernet, &req);
        assert_eq!(find(&f, "http"), [("", Some((74, 27)))]);
        assert_eq!(find(&f, "http.chat"), [("", None)]);
        assert_eq!(find(&f, "http.request.method"), [("GET", Some((74, 3)))]);
        assert_eq!(find(&f, "http.request.uri"), [("/", Some((78, 1)))]);
        assert_eq!(find(&f, "http.request.version"), [("HTTP/1.1", Some((80, 8)))]);
        assert_eq!(find(&f, "http.host"), [("a", Some((90, 9)))]);
        assert_eq!(find(&f, "http.request.line"), [("Host: a\r\n", Some((90, 9)))]);
        assert_eq!(find(&f, "http.request.full_uri"), [("http://a/", None)]);
    }
}
