//! Hex and ASCII dump of a frame, as `tshark -x` prints it: offset, 16 bytes in
//! hex, the same bytes as ASCII (`.` for non-printable).

use std::io::{self, Write};

/// Bytes per line.
const PER_LINE: usize = 16;
/// Width of the hex part of a full line (16 × "xx " minus the last space).
const HEX_WIDTH: usize = PER_LINE * 3 - 1;

/// Writes the dump of `data`, one line per 16 bytes.
pub fn dump(out: &mut impl Write, data: &[u8]) -> io::Result<()> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut line = [b' '; 6 + HEX_WIDTH + 3 + PER_LINE + 1];
    for (n, chunk) in data.chunks(PER_LINE).enumerate() {
        line.fill(b' ');
        let off = n * PER_LINE;
        for (i, shift) in [12u32, 8, 4, 0].iter().enumerate() {
            line[i] = DIGITS[(off >> shift) & 0xf];
        }
        let ascii_at = 6 + HEX_WIDTH + 3;
        for (i, &b) in chunk.iter().enumerate() {
            line[6 + i * 3] = DIGITS[usize::from(b >> 4)];
            line[6 + i * 3 + 1] = DIGITS[usize::from(b & 0xf)];
            line[ascii_at + i] = if b.is_ascii_graphic() || b == b' ' { b } else { b'.' };
        }
        let end = ascii_at + chunk.len();
        line[end] = b'\n';
        out.write_all(&line[..=end])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_tshark_x() {
        let data: Vec<u8> = (0u8..20).chain(*b"E.Hi").collect();
        let mut out = Vec::new();
        dump(&mut out, &data).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f   ................\n\
             0010  10 11 12 13 45 2e 48 69                           ....E.Hi\n"
        );
    }

    #[test]
    fn empty_frame_prints_nothing() {
        let mut out = Vec::new();
        dump(&mut out, &[]).unwrap();
        assert!(out.is_empty());
    }
}
