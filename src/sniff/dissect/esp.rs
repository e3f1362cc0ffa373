//! ESP, IPsec's Encapsulating Security Payload (RFC 4303, IP protocol 50): a
//! security association's index (SPI) and a sequence number in the clear, then
//! the encrypted payload, which only the two ends can read. tshark shows the two
//! numbers and nothing of the rest unless given the keys; so does socklab.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be32_at;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The ESP dissector.
pub struct Esp;

/// ESP's IP protocol number (IANA).
const IP_PROTO: u8 = 50;

/// Byte offsets (RFC 4303 §2).
mod at {
    /// Security Parameters Index.
    pub const SPI: usize = 0;
    /// Sequence Number.
    pub const SEQUENCE: usize = 4;
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "esp", ftype: Ftype::Protocol, title: "Encapsulating Security Payload", base: "" },
    FieldDecl { name: "esp.spi", ftype: Ftype::Uint32, title: "ESP SPI", base: "BASE_HEX_DEC" },
    FieldDecl { name: "esp.sequence", ftype: Ftype::Uint32, title: "ESP Sequence", base: "BASE_DEC" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const SPI: usize = 1;
    pub const SEQUENCE: usize = 2;
}

/// The SPI, if the PDU holds it.
fn spi(pdu: &[u8]) -> Option<u32> {
    be32_at(pdu, at::SPI)
}

/// The sequence number, if the PDU holds it.
fn sequence(pdu: &[u8]) -> Option<u32> {
    be32_at(pdu, at::SEQUENCE)
}

impl Dissector for Esp {
    fn name(&self) -> &'static str {
        "esp"
    }

    fn title(&self) -> &'static str {
        "Encapsulating Security Payload"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "ESP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        // tshark writes the SPI once both numbers are there; a shorter header
        // is only malformed.
        match (spi(pdu), sequence(pdu)) {
            (Some(spi), Some(_)) => {
                let _ = write!(out, "ESP (SPI=0x{spi:08x})");
            }
            _ => out.push_str("[Malformed Packet]"),
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("esp").bytes(o, pdu.len()).line(format_args!("Encapsulating Security Payload"));
        if let Some(spi) = spi(pdu) {
            t.at(1)
                .field("esp.spi", Ftype::Uint32, Value::hex(u64::from(spi), 8))
                .bytes(o + at::SPI, 4)
                .line(format_args!("ESP SPI: 0x{spi:08x} ({spi})"));
        }
        match sequence(pdu) {
            Some(seq) => {
                t.at(1)
                    .field("esp.sequence", Ftype::Uint32, seq)
                    .bytes(o + at::SEQUENCE, 4)
                    .line(format_args!("ESP Sequence: {seq}"));
            }
            None => malformed(t, "ESP"),
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        match field {
            f::SPI => out.extend(spi(pdu).map(|s| Value::hex(u64::from(s), 8))),
            f::SEQUENCE => out.extend(sequence(pdu).map(|s| Value::Uint(u64::from(s)))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// The ESP header of 02-sunrise-sunset-esp.pcap frame 1 and the start of its payload.
    const FRAME_1: &[u8] = &[0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0x43, 0x9f, 0x10, 0x2c];

    #[test]
    fn spi_and_sequence_as_tshark_shows_them() {
        assert_eq!(info_of(&Esp, FRAME_1, Ctx::default()), "ESP (SPI=0x12345678)");
        assert_eq!(values_of(&Esp, FRAME_1, Ctx::default(), "esp.spi"), ["0x12345678"]);
        assert_eq!(values_of(&Esp, FRAME_1, Ctx::default(), "esp.sequence"), ["1"]);
        let mut t = Tree::new();
        Esp.tree(FRAME_1, Ctx::default(), 34, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines, ["Encapsulating Security Payload", "ESP SPI: 0x12345678 (305419896)", "ESP Sequence: 1"]);
    }

    /// The SPI and the sequence number: where the encrypted payload starts.
    const HEADER_LEN: usize = 8;

    /// As tshark shows an ESP header cut after 6 and after 2 bytes: malformed.
    #[test]
    fn a_header_cut_short_is_malformed() {
        for n in 0..HEADER_LEN {
            assert_eq!(info_of(&Esp, &FRAME_1[..n], Ctx::default()), "[Malformed Packet]");
            let mut t = Tree::new();
            Esp.tree(&FRAME_1[..n], Ctx::default(), 0, &mut t);
            assert!(t.items().iter().any(|i| t.display(i) == "[Malformed Packet: ESP]"));
        }
    }
}
