//! Big-endian (network order, RFC 1700 "Data Notations") integers read at a byte
//! offset. The caller has checked the length: these index like slices do.

/// The 16-bit big-endian integer at `at`.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// The 32-bit big-endian integer at `at`.
pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
