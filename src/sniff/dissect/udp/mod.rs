//! UDP (RFC 768): the protocol file. It decodes the header; `tree` is its part
//! of the details tree, `info` its Info column, `values` its `udp.*` fields.
//! `udp.stream` numbering lives in [`crate::sniff::udp`].

pub mod fields;
pub mod header;
pub mod info;
pub mod tree;

use crate::sniff::packet::{DecodeError, Dissected, ErrorKind, Layer, Transport, Udp};
use etherparse::UdpSlice;

/// The IP protocol number that hands a payload to UDP (IANA).
pub const IP_PROTO: u8 = 17;

/// Decodes the UDP header at `offset` in the frame from the IP payload `data`;
/// the payload is what the capture holds after it.
#[inline]
pub fn decode<'a>(out: &mut Dissected<'a>, data: &'a [u8], offset: usize) {
    match UdpSlice::from_slice_lax(data) {
        Ok(u) => {
            out.transport = Transport::Udp(Udp {
                offset,
                sport: u.source_port(),
                dport: u.destination_port(),
                length: u.length(),
                checksum: u.checksum(),
            });
            out.payload = u.payload();
        }
        Err(l) => {
            out.error = Some(DecodeError {
                layer: Layer::Udp,
                offset,
                kind: ErrorKind::Truncated { needed: l.required_len, have: l.len },
            })
        }
    }
}
