//! The application layer on top of the trackers: DNS over UDP and TCP
//! (RFC 1035 §4.2), and HTTP/1.x over TCP (RFC 9112), with the request ↔
//! response links tshark shows (`dns.response_in`, `http.request_in`…).
//! State is per conversation and bounded; a first pass learns the links to
//! later frames ([`conv::AppFacts`]), a second pass shows them.

pub mod conv;

pub use crate::sniff::dissect::dns::{DnsMsg, DnsTracker};
pub use crate::sniff::dissect::http::{HttpMsg, HttpTracker};

/// What the application decoders found in one frame.
#[derive(Clone, Debug, Default)]
pub enum App {
    /// Nothing (or plain data).
    #[default]
    None,
    /// Part of a TCP message that a later segment completes
    /// (tshark's `[TCP segment of a reassembled PDU]`), with the HTTP start line
    /// when this segment begins the message.
    Segment(Option<Box<str>>),
    /// Like [`App::Segment`] without a start line, for a segment that continues
    /// a registered protocol's PDU begun in an earlier one: tshark names its
    /// Protocol column `TCP`, even on a Multipath TCP subflow.
    Continued,
    /// One or more DNS messages.
    Dns(Vec<DnsMsg>),
    /// An HTTP request or response.
    Http(Box<HttpMsg>),
    /// On an HTTP port, bytes that begin no HTTP message (tshark: `Continuation`).
    HttpContinuation,
    /// Bytes of a connection that HTTP switched to another protocol (an
    /// upgrade, a CONNECT tunnel): HTTP hands them to that protocol's
    /// registered dissector when it knows one (the packet's PDU), else to data.
    HttpSwitched,
    /// On an HTTP port, bytes that begin no HTTP message but whose first lines
    /// hold colons: tshark shows them as HTTP header lines (`head` bytes) and
    /// the `body` bytes after them as data, in a frame its columns call TCP.
    HttpHeaderLines {
        /// Bytes of the lines taken for headers.
        head: usize,
        /// Bytes after them.
        body: usize,
    },
}
