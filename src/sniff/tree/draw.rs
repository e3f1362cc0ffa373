//! Helpers the protocol files share to draw their items as Wireshark does: a
//! flag's words, a bit field's pattern, and the checksum status values.

/// Wireshark's checksum status values (`proto_checksum_enum_e`), the value of
/// every `*.checksum.status` field.
pub mod checksum_status {
    /// The checksum is wrong.
    pub const BAD: u8 = 0;
    /// The checksum is right.
    pub const GOOD: u8 = 1;
    /// Not checked: tshark's default for IP, TCP and UDP, and for a quoted message.
    pub const UNVERIFIED: u8 = 2;
    /// A zero UDP checksum over IPv4: the sender computed none (RFC 768).
    pub const NOT_PRESENT: u8 = 3;
    /// A zero UDP checksum over IPv6, which RFC 8200 §8.1 forbids.
    pub const ILLEGAL: u8 = 4;
}

/// Wireshark's words for a flag bit.
pub fn set(b: bool) -> &'static str {
    if b {
        "Set"
    } else {
        "Not set"
    }
}

/// Bits of `v` (the low `n`) as Wireshark draws a bit field: groups of four, `.`
/// for the bits outside the field. `shift` is where the field starts from the right
/// in a `width`-bit value.
pub fn bit_pattern(v: u32, n: u32, shift: u32, width: u32) -> String {
    let mask = ((1u64 << n) - 1) << shift;
    masked_bits(u64::from(v) << shift, mask, width)
}

/// The bits of `word` under `mask` as Wireshark draws them, most significant
/// first in groups of four, `.` outside the mask: `.... ..0. .... ....` for
/// bit 9 of a 16-bit word.
pub fn masked_bits(word: u64, mask: u64, width: u32) -> String {
    let mut s = String::with_capacity(width as usize * 5 / 4);
    for i in (0..width).rev() {
        if i != width - 1 && (i + 1) % 4 == 0 {
            s.push(' ');
        }
        s.push(match (mask >> i & 1, word >> i & 1) {
            (0, _) => '.',
            (_, 1) => '1',
            _ => '0',
        });
    }
    s
}
