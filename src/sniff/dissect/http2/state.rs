//! What HTTP/2 remembers of a connection (RFC 9113 §4.3, §8.1): the HPACK
//! dynamic table of each direction (RFC 7541 §2.3.2), a header block that
//! CONTINUATION frames carry on, and per stream and direction its content type
//! and the body its DATA frames carry until END_STREAM. The capture state sees
//! the connection's PDUs in capture order, as tshark's first pass does, and
//! makes for each a [`Shown`]: the dissector that shows it with what it knew.
//!
//! Bounded: at most [`MAX_CONNECTIONS`] connections and [`MAX_STREAMS`]
//! streams per direction (beyond, the oldest state is forgotten), bodies of at
//! most [`MAX_BODY`] bytes, header blocks of at most [`MAX_BLOCK`] bytes.

use super::frame::{self, flag, ty, Piece};
use super::{hpack, Body, Decoded, Http2, DNS_MESSAGE};
use crate::sniff::dissect::dissector::{CaptureState, Claim, Ctx, Dissector, FieldDecl, Flow, Recall};
use crate::sniff::dissect::dns::DnsMsg;
use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::Tree;
use crate::sniff::value::Value;
use std::sync::Arc;

/// Most connections remembered at one time.
pub const MAX_CONNECTIONS: usize = 1024;
/// Most streams remembered per direction of a connection.
pub const MAX_STREAMS: usize = 256;
/// The longest body kept (a longer one is not shown as DNS).
pub const MAX_BODY: usize = 64 * 1024;
/// The longest header block kept across CONTINUATION frames.
pub const MAX_BLOCK: usize = 256 * 1024;

/// HTTP/2's memory of a capture.
#[derive(Default)]
pub struct Http2State {
    conns: FxHashMap<u32, Conn>,
}

/// One connection.
#[derive(Default)]
struct Conn {
    dirs: [Direction; 2],
    /// DoH queries by stream: their frame and capture time (tshark pairs a
    /// query with the response on its stream).
    queries: FxHashMap<u32, (u32, i64)>,
}

/// One direction of a connection.
#[derive(Default)]
struct Direction {
    table: hpack::Table,
    /// A header block a HEADERS or PUSH_PROMISE frame began without END_HEADERS.
    block: Option<(u32, Vec<u8>)>,
    streams: FxHashMap<u32, StreamDir>,
}

/// One direction of a stream.
#[derive(Default)]
struct StreamDir {
    doh: bool,
    body: Vec<u8>,
    fragments: Vec<(u32, usize)>,
    /// The body grew beyond [`MAX_BODY`].
    overflow: bool,
}

impl CaptureState for Http2State {
    fn frame(&mut self, _pdu: &[u8], _frame: u32, _secs: i64) -> Option<Recall> {
        None
    }

    fn shows(
        &mut self,
        pdu: &[u8],
        _ctx: Ctx,
        flow: Option<Flow>,
        frame: u32,
        nanos: i64,
    ) -> Option<Arc<dyn Dissector + Send>> {
        let flow = flow?;
        if !self.conns.contains_key(&flow.stream) && self.conns.len() >= MAX_CONNECTIONS {
            self.conns.clear();
        }
        let conn = self.conns.entry(flow.stream).or_default();
        let mut decoded = conn.dirs[usize::from(!flow.from_client)].take(pdu, frame);
        let mut dns = Vec::new();
        for (i, body) in decoded.bodies.iter_mut().filter(|b| b.1.doh) {
            let mut m = DnsMsg::from_bytes(&body.bytes, None);
            let stream = match frame::pieces(pdu).get(*i) {
                Some(Piece::Frame(f)) => f.stream,
                _ => continue,
            };
            if m.is_response() {
                m.response_to = conn.queries.remove(&stream).map(|(q, t)| (q, nanos - t));
                body.response_to = m.response_to;
            } else {
                if conn.queries.len() >= MAX_STREAMS {
                    conn.queries.clear();
                }
                conn.queries.insert(stream, (frame, nanos));
            }
            dns.push(m);
        }
        Some(Arc::new(Shown { decoded, dns }))
    }
}

impl Direction {
    /// Takes in a PDU's frames; returns what they decode to.
    fn take(&mut self, pdu: &[u8], frame_no: u32) -> Decoded {
        let mut d = Decoded::default();
        for (i, piece) in frame::pieces(pdu).into_iter().enumerate() {
            let Piece::Frame(f) = piece else { continue };
            if !f.whole(pdu) {
                break;
            }
            let payload = f.payload(pdu);
            match f.ty {
                ty::HEADERS | ty::PUSH_PROMISE | ty::CONTINUATION => self.header_frame(&f, payload, i, &mut d),
                ty::DATA => self.data_frame(&f, payload, i, frame_no, &mut d),
                _ => {}
            }
        }
        d
    }

    /// A frame of a header block: decoded when the block ends.
    fn header_frame(&mut self, f: &frame::Frame, payload: &[u8], i: usize, d: &mut Decoded) {
        let Some((start, len)) = frame::block(f, payload) else { return };
        let fragment = &payload[start..start + len];
        let (bytes, single) = match (f.ty, self.block.take()) {
            (ty::CONTINUATION, Some((stream, mut held))) if stream == f.stream => {
                if held.len() + fragment.len() > MAX_BLOCK {
                    return;
                }
                held.extend_from_slice(fragment);
                (held, false)
            }
            (ty::CONTINUATION, _) => return,
            _ => (fragment.to_vec(), true),
        };
        if f.flags & flag::END_HEADERS == 0 {
            self.block = Some((f.stream, bytes));
            return;
        }
        let (fields, _err) = hpack::decode(&bytes, &mut self.table);
        if f.ty != ty::PUSH_PROMISE {
            let doh = fields.iter().any(|h| h.name == "content-type" && is_dns_message(&h.value));
            if !self.streams.contains_key(&f.stream) && self.streams.len() >= MAX_STREAMS {
                self.streams.clear();
            }
            let s = self.streams.entry(f.stream).or_default();
            if fields.iter().any(|h| h.name == "content-type") {
                s.doh = doh;
            }
        }
        d.headers.push((i, fields, single));
        if f.ty == ty::HEADERS && f.flags & flag::END_STREAM != 0 {
            self.streams.remove(&f.stream);
        }
    }

    /// A DATA frame: its bytes join the stream's body, which END_STREAM ends.
    fn data_frame(&mut self, f: &frame::Frame, payload: &[u8], i: usize, frame_no: u32, d: &mut Decoded) {
        let Some((start, len)) = frame::data(f, payload) else { return };
        if !self.streams.contains_key(&f.stream) && self.streams.len() >= MAX_STREAMS {
            self.streams.clear();
        }
        let s = self.streams.entry(f.stream).or_default();
        if s.body.len() + len > MAX_BODY {
            s.overflow = true;
            s.body.clear();
        } else if !s.overflow {
            s.body.extend_from_slice(&payload[start..start + len]);
            if len > 0 {
                s.fragments.push((frame_no, len));
            }
        }
        if f.flags & flag::END_STREAM != 0 {
            if let Some(s) = self.streams.remove(&f.stream) {
                if !s.overflow && !s.body.is_empty() {
                    let body = Body { bytes: s.body, doh: s.doh, fragments: s.fragments, response_to: None };
                    d.bodies.push((i, body));
                }
            }
        }
    }
}

/// Whether a content type names DNS messages (parameters and case aside).
fn is_dns_message(v: &str) -> bool {
    v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(DNS_MESSAGE))
}

/// HTTP/2 with what the connection's earlier frames told about one PDU.
pub struct Shown {
    /// What they told.
    pub decoded: Decoded,
    /// The DNS messages of its DoH bodies, decoded once.
    pub dns: Vec<DnsMsg>,
}

impl Dissector for Shown {
    fn name(&self) -> &'static str {
        Http2.name()
    }

    fn title(&self) -> &'static str {
        Http2.title()
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        super::column(pdu, &self.decoded)
    }

    fn claims(&self) -> &'static [Claim] {
        &[]
    }

    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        if self.decoded.bodies.iter().any(|b| b.1.doh) {
            "http:http2:dns"
        } else {
            "http:http2"
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        Http2.fields()
    }

    fn carried_dns(&self) -> &[DnsMsg] {
        &self.dns
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        super::info(pdu, &self.decoded, out);
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, offset: usize, t: &mut Tree) {
        super::tree::build(pdu, &self.decoded, offset, t);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        super::values(self, pdu, ctx, &self.decoded, field, out);
    }
}
