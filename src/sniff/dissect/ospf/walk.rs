//! A cursor over one OSPF packet that draws tshark's items and stops, with the
//! byte offset, where the packet ends before an item it announces.

use crate::proto::bytes::{be16, be32};
use crate::sniff::render::{Hex, Mac};
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The packet ends before the item that starts at byte `at` of the PDU (tshark:
/// an exception, `[Malformed Packet]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Offset in the PDU of the item that does not fit.
    pub at: usize,
}

/// What a walk returns: `Err` when the packet was cut short.
pub type Walked<T = ()> = Result<T, Cut>;

/// One bit of a flags byte or word, as tshark draws it.
pub struct Bit {
    /// The bit's mask in the field.
    pub mask: u32,
    /// Its field name.
    pub name: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The words for a set and a clear bit.
    pub words: (&'static str, &'static str),
    /// Whether the summary line lists it when set.
    pub listed: bool,
}

/// The PDU, where its first byte is in the frame, and the tree being drawn.
pub struct Walk<'a, 't> {
    /// The OSPF packet as captured.
    pub pdu: &'a [u8],
    /// Offset of its first byte in the frame.
    pub base: usize,
    /// The tree.
    pub out: &'t mut Tree,
    /// The IP addresses' part of the pseudo-header checksum ([`super::Ctx::addr_sum`]).
    pub addr_sum: Option<crate::sniff::dissect::dissector::AddrSum>,
}

impl<'a> Walk<'a, '_> {
    /// The `len` bytes at `at`, or where the packet ends.
    pub fn get(&self, at: usize, len: usize) -> Walked<&'a [u8]> {
        self.pdu.get(at..at.saturating_add(len)).ok_or(Cut { at })
    }

    /// Fails unless `len` bytes at `at` are in the packet (a subtree's span).
    pub fn need(&self, at: usize, len: usize) -> Walked {
        self.get(at, len).map(|_| ())
    }

    /// The byte at `at`.
    pub fn u8(&self, at: usize) -> Walked<u8> {
        Ok(self.get(at, 1)?[0])
    }

    /// The 16-bit number at `at`.
    pub fn u16(&self, at: usize) -> Walked<u16> {
        Ok(be16(self.get(at, 2)?, 0))
    }

    /// The 24-bit number at `at`.
    pub fn u24(&self, at: usize) -> Walked<u32> {
        let b = self.get(at, 3)?;
        Ok(u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]))
    }

    /// The 32-bit number at `at`.
    pub fn u32(&self, at: usize) -> Walked<u32> {
        Ok(be32(self.get(at, 4)?, 0))
    }

    /// The IPv4 address (or router ID) at `at`.
    pub fn ip(&self, at: usize) -> Walked<Ipv4Addr> {
        Ok(Ipv4Addr::from(self.u32(at)?))
    }

    /// A text-only subtree line over `len` bytes at `at` (checked: tshark fails
    /// on a subtree that runs past the packet).
    pub fn subtree(&mut self, depth: usize, at: usize, len: usize, line: std::fmt::Arguments<'_>) -> Walked {
        self.need(at, len)?;
        self.out.at(depth).bytes(self.base + at, len).line(line);
        Ok(())
    }

    /// A `title: value` item of a field whose value is written as shown.
    pub fn item(
        &mut self,
        d: usize,
        name: &'static str,
        ft: Ftype,
        (at, len): (usize, usize),
        value: Value<'_>,
        line: std::fmt::Arguments<'_>,
    ) -> Walked {
        self.need(at, len)?;
        self.out.at(d).field(name, ft, value).bytes(self.base + at, len).line(line);
        Ok(())
    }

    /// A hidden field over `len` bytes at `at`.
    pub fn hidden(&mut self, d: usize, name: &'static str, ft: Ftype, at: usize, len: usize, value: Value<'_>) {
        self.out.at(d).field(name, ft, value).bytes(self.base + at, len).hidden();
    }

    /// An IPv4 item: `title: a.b.c.d` and what follows it.
    pub fn ipv4(&mut self, d: usize, name: &'static str, title: &str, at: usize, tail: &str) -> Walked<Ipv4Addr> {
        let a = self.ip(at)?;
        self.out.at(d).field(name, Ftype::Ipv4, a).bytes(self.base + at, 4).line(format_args!("{title}: {a}{tail}"));
        Ok(a)
    }

    /// A decimal number of `len` bytes (1, 2, 3 or 4): `title: n`.
    pub fn dec(&mut self, d: usize, name: &'static str, title: &str, at: usize, len: usize) -> Walked<u32> {
        let (v, ft) = self.number(at, len)?;
        self.out.at(d).field(name, ft, v).bytes(self.base + at, len).line(format_args!("{title}: {v}"));
        Ok(v)
    }

    /// A number of `len` bytes with its field type.
    pub fn number(&self, at: usize, len: usize) -> Walked<(u32, Ftype)> {
        Ok(match len {
            1 => (u32::from(self.u8(at)?), Ftype::Uint8),
            2 => (u32::from(self.u16(at)?), Ftype::Uint16),
            3 => (self.u24(at)?, Ftype::Uint24),
            _ => (self.u32(at)?, Ftype::Uint32),
        })
    }

    /// A hexadecimal number of `len` bytes: `title: 0x…`.
    pub fn hex(&mut self, d: usize, name: &'static str, title: &str, at: usize, len: usize) -> Walked<u32> {
        let (v, ft) = self.number(at, len)?;
        let digits = 2 * len;
        let value = Value::hex(u64::from(v), digits as u8);
        self.out.at(d).field(name, ft, value).bytes(self.base + at, len).line(format_args!("{title}: 0x{v:0digits$x}"));
        Ok(v)
    }

    /// Bytes shown as hex: `title: 0011…`.
    pub fn bytes(&mut self, d: usize, name: &'static str, title: &str, at: usize, len: usize) -> Walked {
        let b = self.get(at, len)?;
        self.out
            .at(d)
            .field(name, Ftype::Bytes, Mac(b))
            .bytes(self.base + at, len)
            .line(format_args!("{title}: {}", Hex(b)));
        Ok(())
    }

    /// A flags field of `len` bytes: `Title: 0x12, (L) …, (E) …` and one line per
    /// bit, as Wireshark draws its OSPF bit fields.
    pub fn flags(
        &mut self,
        d: usize,
        name: &'static str,
        title: &str,
        at: usize,
        len: usize,
        bits: &[Bit],
    ) -> Walked<u32> {
        let (v, ft) = self.number(at, len)?;
        let digits = 2 * len;
        let mut line = format!("{title}: 0x{v:0digits$x}");
        for b in bits.iter().filter(|b| b.listed && v & b.mask != 0) {
            line.push_str(", ");
            line.push_str(b.title);
        }
        let value = Value::hex(u64::from(v), digits as u8);
        self.out.at(d).field(name, ft, value).bytes(self.base + at, len).line(format_args!("{line}"));
        for b in bits {
            let set = v & b.mask != 0;
            let pattern = masked_bits(u64::from(v), u64::from(b.mask), 8 * len as u32);
            let word = if set { b.words.0 } else { b.words.1 };
            self.out
                .at(d + 1)
                .field(b.name, Ftype::Boolean, u8::from(set))
                .bytes(self.base + at, len)
                .mask(u64::from(b.mask), u64::from(set))
                .line(format_args!("{pattern} = {}: {word}", b.title));
        }
        Ok(v)
    }
}
