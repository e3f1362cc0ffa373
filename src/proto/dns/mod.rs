//! DNS, hand-written so that every field keeps its byte span: the colour-coded hex
//! dump, the lab's `Type | Key | Value` table and the sniffer's `dns.*` fields are all
//! made from this model.
//!
//! - [`decode`] / [`decode_partial`]: RFC 1035 §4.1 messages with §4.1.4 compression
//!   and RFC 6891 EDNS0, typed errors with byte offsets, never a panic;
//! - [`encode`]: the model back to bytes with name compression;
//! - [`response_to`]: the lab server's response skeleton;
//! - [`zone`]: the lab's records, a text zone format and the authoritative look-up;
//! - [`answer`]: the whole authoritative server, query bytes in, response bytes out.

mod builder;
mod decode;
mod encode;
mod error;
mod header;
mod message;
mod name;
mod rdata;
mod rows;
mod server;
mod span;
mod types;
pub mod zone;

#[cfg(test)]
mod tests;

pub use builder::response_to;
pub use decode::{decode, decode_partial, Partial, MAX_POINTERS};
pub use encode::{encode, EncodeError};
pub use error::{CountOf, DecodeError, ErrorKind, Field};
pub use header::{Flags, Header, HeaderField, HeaderSpans, HEADER_LEN};
pub use message::{Edns, Message, Question, Record, RecordSpans, Section};
pub use name::{
    write_tshark_text, DigName, Labels, Name, NameError, NameField, NamePart, TsharkName, MAX_LABEL_LEN,
    MAX_NAME_WIRE_LEN,
};
pub use rdata::{CharString, EdnsOption, RData, Soa};
pub use rows::{Key, Place, Row, Value};
pub use server::{answer, answer_tcp, udp_limit, CLASSIC_UDP_PAYLOAD, SERVER_UDP_PAYLOAD};
pub use span::Span;
pub use types::{Class, Opcode, Rcode, RrType};
pub use zone::Zone;
