//! HTTP/2's framing (RFC 9113 §3.4, §4.1): the client's connection preface,
//! then frames of a 9-byte header (length, type, flags, stream) and a payload.

use crate::proto::bytes::be32_at;

/// The client connection preface (RFC 9113 §3.4).
pub const MAGIC: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// A frame header's length (RFC 9113 §4.1).
pub const HEADER_LEN: usize = 9;

/// Frame types (RFC 9113 §6, RFC 7838, RFC 8336, RFC 9218).
pub mod ty {
    pub const DATA: u8 = 0;
    pub const HEADERS: u8 = 1;
    pub const PRIORITY: u8 = 2;
    pub const RST_STREAM: u8 = 3;
    pub const SETTINGS: u8 = 4;
    pub const PUSH_PROMISE: u8 = 5;
    pub const PING: u8 = 6;
    pub const GOAWAY: u8 = 7;
    pub const WINDOW_UPDATE: u8 = 8;
    pub const CONTINUATION: u8 = 9;
}

/// Flag bits (RFC 9113 §6).
pub mod flag {
    /// DATA, HEADERS: the last frame of the stream from this end.
    pub const END_STREAM: u8 = 0x01;
    /// SETTINGS, PING: an acknowledgement.
    pub const ACK: u8 = 0x01;
    /// HEADERS, PUSH_PROMISE, CONTINUATION: the block ends here.
    pub const END_HEADERS: u8 = 0x04;
    /// DATA, HEADERS, PUSH_PROMISE: a pad length byte and padding.
    pub const PADDED: u8 = 0x08;
    /// HEADERS: a stream dependency and weight.
    pub const PRIORITY: u8 = 0x20;
}

/// tshark's name of a frame type.
pub fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "DATA",
        1 => "HEADERS",
        2 => "PRIORITY",
        3 => "RST_STREAM",
        4 => "SETTINGS",
        5 => "PUSH_PROMISE",
        6 => "PING",
        7 => "GOAWAY",
        8 => "WINDOW_UPDATE",
        9 => "CONTINUATION",
        10 => "ALTSVC",
        11 => "BLOCKED",
        12 => "ORIGIN",
        16 => "PRIORITY_UPDATE",
        _ => return None,
    })
}

/// One frame's header and where it lies in the PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Offset of its header in the PDU.
    pub at: usize,
    /// The payload length it declares.
    pub len: usize,
    /// Its type.
    pub ty: u8,
    /// Its flags.
    pub flags: u8,
    /// The reserved bit.
    pub reserved: bool,
    /// The stream identifier.
    pub stream: u32,
}

impl Frame {
    /// Its payload as captured (shorter than declared when cut).
    pub fn payload<'p>(&self, pdu: &'p [u8]) -> &'p [u8] {
        let start = self.at + HEADER_LEN;
        pdu.get(start..start.saturating_add(self.len).min(pdu.len())).unwrap_or_default()
    }

    /// Offset of the payload in the PDU.
    pub fn body_at(&self) -> usize {
        self.at + HEADER_LEN
    }

    /// Whether all of the payload was captured.
    pub fn whole(&self, pdu: &[u8]) -> bool {
        self.payload(pdu).len() == self.len
    }
}

/// A piece of a PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// The connection preface at this offset.
    Magic(usize),
    /// A frame.
    Frame(Frame),
}

/// The frame header at `at`, if 9 bytes are there.
fn header(pdu: &[u8], at: usize) -> Option<Frame> {
    let h = pdu.get(at..at + HEADER_LEN)?;
    let len = usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]);
    let word = be32_at(h, 5)?;
    Some(Frame { at, len, ty: h[3], flags: h[4], reserved: word >> 31 == 1, stream: word & 0x7fff_ffff })
}

/// The pieces of a PDU in order; a frame cut short ends the list.
pub fn pieces(pdu: &[u8]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < pdu.len() {
        if pdu[at..].starts_with(MAGIC) {
            out.push(Piece::Magic(at));
            at += MAGIC.len();
            continue;
        }
        let Some(f) = header(pdu, at) else { break };
        out.push(Piece::Frame(f));
        at = at.saturating_add(HEADER_LEN).saturating_add(f.len);
    }
    out
}

/// How long the PDU starting with `head` is: the preface, or a frame (§4.1);
/// with fewer than 9 bytes, the 9 needed to tell.
pub fn pdu_len(head: &[u8]) -> usize {
    if head.starts_with(MAGIC) {
        return MAGIC.len();
    }
    if MAGIC.starts_with(head) && !head.is_empty() && head.len() < MAGIC.len() {
        return MAGIC.len();
    }
    match header(head, 0) {
        Some(f) => HEADER_LEN + f.len,
        None => HEADER_LEN,
    }
}

/// A HEADERS or PUSH_PROMISE payload without padding and priority fields: the
/// header block fragment's offset in the payload and its bytes.
pub fn block(f: &Frame, payload: &[u8]) -> Option<(usize, usize)> {
    let mut start = 0;
    let mut pad = 0;
    if f.ty != ty::CONTINUATION && f.flags & flag::PADDED != 0 {
        pad = usize::from(*payload.first()?);
        start += 1;
    }
    if f.ty == ty::HEADERS && f.flags & flag::PRIORITY != 0 {
        start += 5;
    }
    if f.ty == ty::PUSH_PROMISE {
        start += 4;
    }
    let end = payload.len().checked_sub(pad)?;
    (start <= end).then(|| (start, end - start))
}

/// A DATA payload without padding: offset and length.
pub fn data(f: &Frame, payload: &[u8]) -> Option<(usize, usize)> {
    if f.flags & flag::PADDED == 0 {
        return Some((0, payload.len()));
    }
    let pad = usize::from(*payload.first()?);
    let end = payload.len().checked_sub(pad)?;
    (end >= 1).then(|| (1, end - 1))
}
