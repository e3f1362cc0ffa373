//! The fuzz targets' bodies, shared by the cargo-fuzz targets (fuzz/fuzz_targets/,
//! libFuzzer, nightly) and the in-process smoke test (tests/fuzz_smoke.rs, stable):
//! each function takes any bytes and must return without a panic; the asserts in
//! them are the targets' invariants. They do no I/O.
//!
//! The pipeline target's input ([`pipeline`]) is a link type byte and frames:
//! byte 0 picks a link type from [`LINK_TYPES`] (modulo its length), then each
//! frame is a 2-byte big-endian length and that many bytes (the last one takes
//! what is left when the length runs past the end). The length's top bit marks a
//! frame cut short by the snap length: its wire length is then longer than its
//! captured bytes. [`encode_frames`] writes this format (for seeds).

use crate::dns_view::fields::hex_bytes;
use crate::proto::dns::{answer, decode, decode_partial, encode, Zone};
use crate::proto::hexdump;
use crate::proto::http::chunked::ChunkedDecoder;
use crate::proto::http::path;
use crate::proto::http::request::parse_request;
use crate::proto::http::response::parse_response;
use crate::sniff::capture::Frame;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::fields::{builtin, builtin_names, parse_filter, FieldId};
use crate::sniff::file::{offline, Reader};
use crate::sniff::filter::Filter;
use crate::sniff::pipeline::Pipeline;
use crate::sniff::read::{self, FieldFormat, Mode};
use crate::sniff::render::{outline, Style};
use crate::sniff::tree::json::JsonStyle;
use crate::sniff::value::Nanos;

/// The link types the pipeline target's first byte picks from: every one
/// socklab decodes, and one it does not (listed undecoded).
pub const LINK_TYPES: [LinkType; 14] = [
    LinkType::Ethernet,
    LinkType::Null,
    LinkType::Loop,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Raw,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::Ppp,
    LinkType::PppSerial,
    LinkType::CHdlc,
    LinkType::FrameRelay,
    LinkType::Slip,
    LinkType::Other(147),
];

/// Bit of a frame's length prefix marking a frame cut short by the snap length.
const CUT_SHORT: u16 = 0x8000;
/// How many bytes longer on the wire a cut-short frame was.
const CUT_SHORT_EXTRA: u32 = 1000;
/// Time between the synthetic frames (1 ms), so TCP and UDP timing fields vary.
const FRAME_GAP: Nanos = 1_000_000;
/// Time of the first synthetic frame (2021-01-01, an ordinary capture date).
const FIRST_TIME: Nanos = 1_609_459_200_000_000_000;
/// At most this many frames per input, so one input stays fast.
pub const MAX_FRAMES: usize = 64;
/// Display filters beyond the per-field existence tests: comparisons of each
/// value kind, the operators, and fields only a first pass learns.
const FILTERS: &[&str] = &[
    "tcp.port == 80 || udp.port == 53",
    "ip.src == 127.0.0.1 && !(tcp.flags.syn == 1)",
    "ipv6.addr == ::1",
    "frame.len > 60 and frame.len <= 1500",
    "dns.qry.name contains \"lab\"",
    "http.request.method == \"GET\"",
    "tcp.analysis.flags || icmp.type == 3",
    "tcp.completeness == 31",
    "dns.flags.response == 1 && dns.response_in",
    "frame.time_relative >= 0.001",
    "tcp.port in {80, 443, 10080} and not udp",
    "http.request.uri matches \"^/[a-z]+\"",
    "tcp.payload contains 47:45:54 || udp.payload[0:2] == 12:34",
    "dns.qry.name ~ \"lab$\"",
];

/// The link type that input byte `b` picks.
pub fn link_of_byte(b: u8) -> LinkType {
    LINK_TYPES[usize::from(b) % LINK_TYPES.len()]
}

/// The input byte that picks `link` (its DLT is mapped to its [`LINK_TYPES`]
/// entry; an undecoded one to the undecoded entry).
pub fn byte_of_link(link: LinkType) -> u8 {
    let i = LINK_TYPES.iter().position(|&l| l == link).unwrap_or(LINK_TYPES.len() - 1);
    i as u8
}

/// Splits the frames part of a pipeline input (after the link byte) into
/// (captured bytes, wire length), at most [`MAX_FRAMES`].
pub fn split_frames(mut data: &[u8]) -> Vec<(&[u8], u32)> {
    let mut frames = Vec::new();
    while data.len() >= 2 && frames.len() < MAX_FRAMES {
        let prefix = u16::from_be_bytes([data[0], data[1]]);
        let n = usize::from(prefix & !CUT_SHORT).min(data.len() - 2);
        let bytes = &data[2..2 + n];
        let wire = bytes.len() as u32 + if prefix & CUT_SHORT != 0 { CUT_SHORT_EXTRA } else { 0 };
        frames.push((bytes, wire));
        data = &data[2 + n..];
    }
    frames
}

/// A pipeline input: `link`'s byte, then each frame (cut to 32767 bytes) with
/// its length prefix; the inverse of [`split_frames`] for whole frames.
pub fn encode_frames<'a>(link: LinkType, frames: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = vec![byte_of_link(link)];
    for f in frames {
        let f = &f[..f.len().min(usize::from(!CUT_SHORT))];
        out.extend_from_slice(&(f.len() as u16).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// The display filters every packet is evaluated against: each field's
/// existence test, and [`FILTERS`].
fn parse_filters() -> Vec<Filter<FieldId>> {
    builtin_names()
        .chain(FILTERS.iter().copied())
        .map(|e| parse_filter(e).unwrap_or_else(|err| panic!("filter {e:?}: {err}")))
        .collect()
}

thread_local! {
    /// [`parse_filters`], parsed once per thread (a filter keeps a scratch buffer,
    /// so it is not shared between threads).
    static PARSED_FILTERS: Vec<Filter<FieldId>> = parse_filters();
}

/// Frame `i` of a synthetic capture: (captured bytes, wire length), 1 ms apart.
fn frame_at(i: usize, (data, len): (&[u8], u32)) -> Frame<'_> {
    Frame { time: FIRST_TIME + i as Nanos * FRAME_GAP, len, data, origin: None }
}

/// Every view of `frames` on link type `link`, as `socklab read` shows them after
/// its two passes: the list row with the details tree (`-V`) and the hex dump
/// (`-x`) plain and coloured, the layers of `-O` with every protocol, `-T fields`
/// with every field, `-T json` with every field, the whole tree as `-T json -x`
/// and `-T ek -x`, and per
/// packet how many of the display filters ([`parse_filters`]) it matches. `frames` are
/// (captured bytes, wire length), timed 1 ms apart. Pure: no I/O.
pub fn render_all(link: LinkType, frames: &[(&[u8], u32)]) -> String {
    let mut learn = Pipeline::learning(link, true);
    for (i, &f) in frames.iter().enumerate() {
        learn.learn(&frame_at(i, f));
    }
    let modes = [
        Mode::Text {
            verbose: true,
            only: Vec::new(),
            hex: true,
            style: Style { color: false, nanos: false, width: None },
        },
        Mode::Text {
            verbose: false,
            only: Vec::new(),
            hex: true,
            style: Style { color: true, nanos: false, width: None },
        },
        Mode::Text {
            verbose: false,
            only: outline::protocol_names().iter().map(|p| p.to_string()).collect(),
            hex: false,
            style: Style::default(),
        },
        Mode::Fields { ids: builtin().collect(), format: FieldFormat::parse(&[]).expect("the default -E options") },
        Mode::Json { ids: builtin().collect(), style: JsonStyle { ek: false, raw: false } },
        Mode::Json { ids: Vec::new(), style: JsonStyle { ek: false, raw: true } },
        Mode::Json { ids: Vec::new(), style: JsonStyle { ek: true, raw: true } },
    ];
    let mut out = Vec::new();
    let mut renderers: Vec<read::Renderer<'_>> = modes.iter().map(read::Renderer::new).collect();
    let mut pipe = Pipeline::new(link, learn.into_facts());
    for (i, &f) in frames.iter().enumerate() {
        let fr = frame_at(i, f);
        let p = pipe.process(&fr);
        for r in &mut renderers {
            if r.packet(&mut out, false, &p).is_err() {
                unreachable!("writing to a Vec cannot fail");
            }
        }
        let matched = PARSED_FILTERS.with(|filters| filters.iter().filter(|f| f.matches(&p)).count());
        out.extend_from_slice(format!("filters matched: {matched}\n").as_bytes());
    }
    String::from_utf8(out).expect("every view writes UTF-8")
}

/// Pipeline target: the link type byte and frames (see the module docs) through
/// [`render_all`].
pub fn pipeline(data: &[u8]) {
    let Some((&link, rest)) = data.split_first() else { return };
    let frames = split_frames(rest);
    let _ = render_all(link_of_byte(link), &frames);
}

/// Decompressed bytes the capture-file target reads at most (a gzip bomb stops here).
const MAX_FILE_BYTES: u64 = 4 << 20;
/// Records the capture-file target reads at most.
const MAX_RECORDS: usize = 10_000;

/// Capture-file target: any bytes, as a file `socklab read` opens (pcap, pcapng,
/// either gzip-compressed), give records or a typed error with an offset,
/// without a panic; every record's interface, link type and comments can be
/// asked for.
pub fn capture_file(data: &[u8]) {
    let Ok(src) = offline::source(std::io::Cursor::new(data.to_vec())) else { return };
    let mut reader = match Reader::new(std::io::Read::take(src, MAX_FILE_BYTES)) {
        Ok(r) => r,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = reader.nanosecond_resolution();
    let default = LinkType::of_dlt(reader.first_link_type().map_or(1, crate::sniff::file::dlt_of_linktype));
    for _ in 0..MAX_RECORDS {
        match reader.next_record() {
            Ok(Some(r)) => {
                let frame = Frame { time: r.time, len: r.len, data: r.data, origin: r.origin };
                let _ = frame.link(default);
                if let Some(o) = r.origin {
                    let _ = (o.interface.display_name(), o.comments.len(), o.flags, o.drop_count);
                }
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
}

/// DNS target: any bytes decode to a message or a typed error; a decoded message
/// re-encodes and decodes to the same message (modulo spans); the partial decode
/// agrees with the full one; the authoritative server's answer decodes.
pub fn dns_decode(data: &[u8]) {
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
}

/// HTTP request target: a parsed head lies within the input, and every question
/// the web server and proxy ask of it (framing, Host, keep-alive, the path under
/// the web root) is answered.
pub fn http_request(data: &[u8]) {
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
}

/// Decodes `parts` one after another as a client would (unused bytes carried
/// over); the body so far and whether it ended, or `None` on an error.
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

/// HTTP response target: a parsed head lies within the input and its framing is
/// answered; the chunked decoder gives the same body whether the bytes come at
/// once or in two parts (cut where the first byte says).
pub fn http_response(data: &[u8]) {
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
}

/// Display filter target: any text parses as a filter (`read -Y`) or gives a
/// typed error, without a stack overflow (nesting is bounded).
pub fn display_filter(data: &[u8]) {
    let Ok(expr) = std::str::from_utf8(data) else { return };
    match parse_filter(expr) {
        Ok(filter) => {
            let _ = filter.fields().count();
            let _ = filter.clone();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// Hex reader target (`dns decode`): any text is read without a panic, and
/// the reader reads back exactly the bytes of its own hex output.
pub fn dns_hex(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = hexdump::parse(text) {
            assert_eq!(hexdump::parse(&hex_bytes(&bytes)).ok(), Some(bytes));
        }
    }
    assert_eq!(hexdump::parse(&hex_bytes(data)).ok().as_deref(), Some(data));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_type_has_its_byte() {
        for (i, &l) in LINK_TYPES.iter().enumerate() {
            assert_eq!(link_of_byte(byte_of_link(l)), l);
            assert_eq!(link_of_byte((i + LINK_TYPES.len()) as u8), l);
        }
    }

    #[test]
    fn frames_round_trip_and_cut_short_frames_are_longer_on_the_wire() {
        let a: &[u8] = &[1, 2, 3];
        let b: &[u8] = &[];
        let input = encode_frames(LinkType::Raw, [a, b]);
        assert_eq!(link_of_byte(input[0]), LinkType::Raw);
        assert_eq!(split_frames(&input[1..]), vec![(a, 3), (b, 0)]);
        assert_eq!(split_frames(&[0x80, 5, 9, 9]), vec![(&[9u8, 9][..], 2 + CUT_SHORT_EXTRA)]);
    }

    #[test]
    fn every_filter_parses() {
        assert_eq!(parse_filters().len(), builtin_names().count() + FILTERS.len());
    }

    /// A UDP DNS query on raw IPv4: every view shows it.
    #[test]
    fn render_all_shows_every_view() {
        let ip: &[u8] = &[
            0x45, 0, 0, 0x2f, 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
            0x30, 0x39, 0, 53, 0, 0x1b, 0, 0, // UDP
            0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0, 0, 1, 0, 1, // DNS query for "a"
        ];
        let text = render_all(LinkType::Ipv4, &[(ip, ip.len() as u32)]);
        assert!(text.contains("Standard query 0x1234 A a"), "{text}");
        assert!(text.contains("\"dns.qry.name\": [\n          \"a\"\n        ]"), "{text}");
        assert!(text.contains("\"_source\": {\n      \"layers\": {"), "{text}");
        assert!(text.contains("\"frame_raw\": [\n"), "the -x JSON has the frame's bytes: {text}");
        assert!(text.contains("{\"index\":{\"_index\":\"packets-2021-01-01\",\"_type\":\"doc\"}}"), "{text}");
        assert!(text.contains("filters matched: "), "{text}");
    }
}
