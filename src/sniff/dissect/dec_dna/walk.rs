//! The walk over one DEC DNA PDU that both the Info column and the details
//! tree come from, so the two never disagree: checked reads that stop the walk
//! where the PDU ends (tshark then shows the packet malformed), and items that
//! go to the tree only when one is being built.

use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use std::fmt;

/// The PDU ended before a field the walk reads: tshark's bounds exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Short;

/// What a step of the walk returns.
pub type Step<T = ()> = Result<T, Short>;

/// The walk's state: the PDU, where its first byte lies in the frame, the Info
/// column and, when asked for, the details tree.
pub struct Walk<'w> {
    /// The PDU's bytes (the Ethernet payload).
    pub pdu: &'w [u8],
    /// The frame offset of the PDU's first byte.
    base: usize,
    /// The Info column.
    pub info: &'w mut String,
    /// The details tree, if one is being built.
    tree: Option<&'w mut Tree>,
}

impl<'w> Walk<'w> {
    /// A walk over `pdu` at frame offset `base`.
    pub fn new(pdu: &'w [u8], base: usize, info: &'w mut String, tree: Option<&'w mut Tree>) -> Walk<'w> {
        Walk { pdu, base, info, tree }
    }

    /// Fails unless `len` bytes from `at` were captured.
    pub fn need(&self, at: usize, len: usize) -> Step {
        match at.checked_add(len) {
            Some(end) if end <= self.pdu.len() => Ok(()),
            _ => Err(Short),
        }
    }

    /// The byte at `at`.
    pub fn u8(&self, at: usize) -> Step<u8> {
        self.pdu.get(at).copied().ok_or(Short)
    }

    /// The little-endian 16-bit word at `at` (DNA's byte order).
    pub fn le16(&self, at: usize) -> Step<u16> {
        Ok(u16::from_le_bytes([self.u8(at)?, self.u8(at.wrapping_add(1))?]))
    }

    /// The `len` bytes at `at`.
    pub fn slice(&self, at: usize, len: usize) -> Step<&'w [u8]> {
        self.need(at, len)?;
        Ok(&self.pdu[at..at + len])
    }

    /// Bytes left from `at` (0 past the end).
    pub fn left(&self, at: usize) -> usize {
        self.pdu.len().saturating_sub(at)
    }

    /// Adds field `name` over `len` bytes at `at` with its `-V` line; fails,
    /// adding nothing, when those bytes were not captured.
    pub fn item(&mut self, depth: usize, at: usize, len: usize, field: Field, text: fmt::Arguments<'_>) -> Step {
        self.need(at, len)?;
        if let Some(t) = self.tree.as_deref_mut() {
            let (name, ftype, value) = field;
            let mut d = t.at(depth).field(name, ftype, value).bytes(self.base + at, len);
            if ftype == Ftype::Protocol {
                d = d.proto(name);
            }
            d.line(text);
        }
        Ok(())
    }

    /// Adds the bit field `field` of `word`: its bits under `mask`, then
    /// `text` (`.... ..11 = Node type: End node (0x3)`).
    pub fn bits(&mut self, depth: usize, word: Word, mask: u64, field: Field, text: fmt::Arguments<'_>) -> Step {
        let len = (word.width / 8) as usize;
        self.need(word.at, len)?;
        if let Some(t) = self.tree.as_deref_mut() {
            let (name, ftype, value) = field;
            let shift = mask.trailing_zeros();
            t.at(depth)
                .field(name, ftype, value)
                .bytes(self.base + word.at, len)
                .mask(mask, (word.value & mask) >> shift)
                .line(format_args!("{} = {text}", masked_bits(word.value, mask, word.width)));
        }
        Ok(())
    }

    /// Adds a one-bit Yes/No flag of `word`.
    pub fn flag(&mut self, depth: usize, word: Word, mask: u64, name: &'static str, title: &str) -> Step {
        let set = word.value & mask != 0;
        let yes = if set { "Yes" } else { "No" };
        self.bits(depth, word, mask, (name, Ftype::Boolean, u8::from(set).to_string()), format_args!("{title}: {yes}"))
    }
}

/// A byte or 16-bit word whose bits are fields: where it is, how wide, its value.
#[derive(Clone, Copy, Debug)]
pub struct Word {
    /// Its offset in the PDU.
    pub at: usize,
    /// Its width in bits (8 or 16).
    pub width: u32,
    /// Its value.
    pub value: u64,
}

/// A field's tshark name, type and JSON value.
pub type Field = (&'static str, Ftype, String);

/// A field of `name` and `ftype` with the value `v`.
pub fn field(name: &'static str, ftype: Ftype, v: impl fmt::Display) -> Field {
    (name, ftype, v.to_string())
}
