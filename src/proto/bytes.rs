//! Big-endian (network order, RFC 1700 "Data Notations") integers read at a byte
//! offset. [`be16`] and [`be32`] index like slices do (the caller has checked
//! the length); [`be16_at`] and [`be32_at`] say `None` when the bytes are not there.

/// The 16-bit big-endian integer at `at`.
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// The 32-bit big-endian integer at `at`.
pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The 16-bit big-endian integer at `at`, if `b` holds it.
pub fn be16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).map(|x| be16(x, 0))
}

/// The 32-bit big-endian integer at `at`, if `b` holds it.
pub fn be32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).map(|x| be32(x, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_reads_say_none_past_the_end() {
        let b = [0x12, 0x34, 0x56, 0x78, 0x9a];
        assert_eq!(be16_at(&b, 3), Some(0x789a));
        assert_eq!(be32_at(&b, 1), Some(0x3456_789a));
        assert_eq!(be16_at(&b, 4), None);
        assert_eq!(be32_at(&b, 2), None);
        assert_eq!(be32_at(&b, usize::MAX), None);
    }
}
