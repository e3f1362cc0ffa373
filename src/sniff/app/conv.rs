//! What the application decoders share about conversations: the first pass's
//! links to later frames, conversation keys, the TCP segment as they see it, and
//! the bounds on the state they keep.

use crate::sniff::hash::FxHashMap;
use crate::sniff::tcp::{Direction, Endpoint};
use crate::sniff::value::Nanos;

/// Most bytes kept for one direction of a TCP stream while a message is incomplete.
pub const MAX_PDU: usize = 256 * 1024;

/// Most TCP directions with an incomplete message at one time; beyond it the
/// oldest state is dropped (memory stays bounded on hostile captures).
pub const MAX_PENDING_STREAMS: usize = 4096;

/// What a first pass learned about later frames.
#[derive(Default)]
pub struct AppFacts {
    /// DNS query frame → the frame of its response.
    pub dns_response_in: FxHashMap<u32, u32>,
    /// HTTP request frame → the frame of its response.
    pub http_response_in: FxHashMap<u32, u32>,
    /// HTTP connection (TCP stream) → its number of request/response pairs.
    pub http_pairs: FxHashMap<u32, u32>,
    /// (HTTP connection, pair number) → the frames of its request and response (0: none).
    pub http_pair_frames: FxHashMap<(u32, u32), (u32, u32)>,
    /// A first pass ran (`tshark -2`): a segment that begins a message later
    /// segments complete shows its TCP summary, not the message's start line
    /// (which only a single pass, like a live capture, leaves in the Info column).
    pub two_pass: bool,
}

/// A conversation key independent of direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvKey {
    /// The lower endpoint.
    pub a: Endpoint,
    /// The higher endpoint.
    pub b: Endpoint,
    /// TCP (else UDP).
    pub tcp: bool,
}

impl ConvKey {
    /// The key of a packet from `src` to `dst`.
    pub fn new(src: Endpoint, dst: Endpoint, tcp: bool) -> ConvKey {
        let (a, b) = if (src.ip, src.port) <= (dst.ip, dst.port) { (src, dst) } else { (dst, src) };
        ConvKey { a, b, tcp }
    }
}

/// A TCP segment as the application decoders see it.
#[derive(Clone, Copy, Debug)]
pub struct TcpData<'a> {
    /// The stream index.
    pub stream: u32,
    /// Client to server or back.
    pub dir: Option<Direction>,
    /// The segment resends bytes already seen (retransmission, out of order):
    /// it is not handed to the application, as tshark does.
    pub resent: bool,
    /// Bytes before this segment were never captured (a gap): a message in
    /// progress cannot be completed.
    pub gap: bool,
    /// The segment carries FIN: the sender has nothing more to send.
    pub fin: bool,
    /// The relative sequence number of the first payload byte.
    pub seq: u32,
    /// The captured payload.
    pub payload: &'a [u8],
    /// Frame number.
    pub frame: u32,
    /// Capture time.
    pub time: Nanos,
}

/// Per-direction key of TCP reassembly state.
pub fn dir_key(stream: u32, dir: Option<Direction>) -> u64 {
    (u64::from(stream) << 1) | u64::from(dir == Some(Direction::ServerToClient))
}

/// Inserts into a bounded map: when full, the map starts over (old incomplete
/// messages are forgotten, never memory).
pub fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut FxHashMap<K, V>, key: K, value: V, max: usize) {
    if map.len() >= max && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}
