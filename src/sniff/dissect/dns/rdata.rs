//! RDATA the DNS codec keeps raw that tshark still dissects: the type bit maps
//! of NSEC and NSEC3 records (RFC 4034 §4.1.2, RFC 5155 §3.2) and the fields of
//! a TSIG record (RFC 8945 §4.2). Offsets count from the start of the RDATA.

/// NSEC: next owner name, then the type bit maps (RFC 4034 §4.1).
pub const NSEC: u16 = 47;
/// NSEC3: hash parameters and next hashed owner, then the type bit maps (RFC 5155 §3.2).
pub const NSEC3: u16 = 50;
/// TSIG: a transaction signature (RFC 8945 §4.2).
pub const TSIG: u16 = 250;

/// Offset of NSEC3's salt length (after hash algorithm, flags, iterations).
const NSEC3_SALT_LEN: usize = 4;
/// Bits in one bitmap byte; a window covers 256 types (RFC 4034 §4.1.2).
const BITS: usize = 8;
const WINDOW_TYPES: usize = 256;
/// A window block's header: window number and bitmap length.
const WINDOW_HEADER: usize = 2;
/// A label's length byte with its two top bits set is a compression pointer (RFC 1035 §4.1.4).
const POINTER: u8 = 0xc0;

/// A type named in a bit map, and the offset of the byte that holds its bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitmapType {
    /// The RR type.
    pub rtype: u16,
    /// Offset of its bitmap byte in the RDATA.
    pub at: usize,
}

/// The types the bit maps of an NSEC or NSEC3 RDATA list, in order; empty for
/// other types. A truncated window ends the list.
pub fn bitmap_types(rtype: u16, rdata: &[u8]) -> Vec<BitmapType> {
    let start = match rtype {
        NSEC => name_end(rdata, 0),
        NSEC3 => nsec3_bitmaps(rdata),
        _ => None,
    };
    let Some(mut pos) = start else { return Vec::new() };
    let mut out = Vec::new();
    while let (Some(&window), Some(&len)) = (rdata.get(pos), rdata.get(pos + 1)) {
        let first = pos + WINDOW_HEADER;
        let Some(map) = rdata.get(first..first + usize::from(len)) else { break };
        for (i, byte) in map.iter().enumerate() {
            for bit in (0..BITS).filter(|b| byte & (0x80 >> b) != 0) {
                let t = usize::from(window) * WINDOW_TYPES + i * BITS + bit;
                out.push(BitmapType { rtype: u16::try_from(t).unwrap_or(u16::MAX), at: first + i });
            }
        }
        pos = first + map.len();
    }
    out
}

/// Where NSEC3's type bit maps start: after salt and next hashed owner (RFC 5155 §3.2).
fn nsec3_bitmaps(rdata: &[u8]) -> Option<usize> {
    let hash_len_at = NSEC3_SALT_LEN + 1 + usize::from(*rdata.get(NSEC3_SALT_LEN)?);
    Some(hash_len_at + 1 + usize::from(*rdata.get(hash_len_at)?))
}

/// The end of an uncompressed domain name starting at `at` (RFC 1035 §3.1); a
/// compression pointer ends it after its two bytes.
fn name_end(b: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *b.get(at)?;
        if len & POINTER == POINTER {
            return Some(at + 2).filter(|&e| e <= b.len());
        }
        at += 1 + usize::from(len);
        if len == 0 {
            return Some(at);
        }
    }
}

/// The text of an uncompressed domain name, `<Root>` for the root, as tshark.
fn name_text(b: &[u8]) -> String {
    let mut labels = Vec::new();
    let mut at = 0;
    while let Some(&len) = b.get(at) {
        let Some(label) = b.get(at + 1..at + 1 + usize::from(len)) else { break };
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(label).into_owned());
        at += 1 + usize::from(len);
    }
    if labels.is_empty() {
        "<Root>".to_string()
    } else {
        labels.join(".")
    }
}

/// A field of a TSIG RDATA: where it lies (offset, length).
pub type At = (usize, usize);

/// A TSIG record's RDATA (RFC 8945 §4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tsig {
    /// Algorithm Name and where it lies.
    pub algorithm: (String, At),
    /// Time Signed: seconds since the epoch (48 bits).
    pub time_signed: (u64, At),
    /// Fudge: seconds of error permitted.
    pub fudge: (u16, At),
    /// MAC Size.
    pub mac_size: (u16, At),
    /// Where the MAC lies.
    pub mac: At,
    /// Original ID.
    pub original_id: (u16, At),
    /// Error (an extended RCODE).
    pub error: (u16, At),
    /// Other Len.
    pub other_len: (u16, At),
    /// Where the Other Data lies (empty when Other Len is 0).
    pub other: At,
}

/// Bytes of Time Signed.
const TIME_SIGNED_LEN: usize = 6;

/// A TSIG RDATA, or `None` when it is cut short or its name is compressed.
pub fn tsig(b: &[u8]) -> Option<Tsig> {
    let name_len = name_end(b, 0)?;
    if b.get(name_len.checked_sub(2)?)? & POINTER == POINTER {
        return None;
    }
    let algorithm = (name_text(&b[..name_len]), (0, name_len));
    let mut at = name_len;
    let mut take = |len: usize| -> Option<(&[u8], At)> {
        let f = b.get(at..at + len)?;
        let span = (at, len);
        at += len;
        Some((f, span))
    };
    let u16_of = |f: &[u8]| u16::from_be_bytes([f[0], f[1]]);
    let (time, time_at) = take(TIME_SIGNED_LEN)?;
    let time_signed = (time.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x)), time_at);
    let (f, fudge_at) = take(2)?;
    let fudge = (u16_of(f), fudge_at);
    let (f, size_at) = take(2)?;
    let mac_size = (u16_of(f), size_at);
    let (_, mac) = take(usize::from(mac_size.0))?;
    let (f, id_at) = take(2)?;
    let original_id = (u16_of(f), id_at);
    let (f, error_at) = take(2)?;
    let error = (u16_of(f), error_at);
    let (f, other_len_at) = take(2)?;
    let other_len = (u16_of(f), other_len_at);
    let (_, other) = take(usize::from(other_len.0))?;
    Some(Tsig { algorithm, time_signed, fudge, mac_size, mac, original_id, error, other_len, other })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsec3_bitmap_names_each_type_at_its_byte() {
        // zeek dns-edns-ecs.pcap frame 20: SHA-1, opt-out, no salt, a 20-byte hash,
        // windows 0 (NS SOA RRSIG DNSKEY NSEC3PARAM) and 255 (65534).
        let mut rdata = vec![1, 1, 0, 0, 0, 20];
        rdata.extend([0xaa; 20]);
        rdata.extend([0, 7, 0x22, 0, 0, 0, 0, 0x02, 0x90]);
        rdata.extend([255, 32]);
        rdata.extend([0; 31]);
        rdata.push(0x02);
        let got: Vec<(u16, usize)> = bitmap_types(NSEC3, &rdata).iter().map(|t| (t.rtype, t.at)).collect();
        assert_eq!(got, [(2, 28), (6, 28), (46, 33), (48, 34), (51, 34), (65534, 68)]);
    }

    #[test]
    fn nsec_bitmap_follows_the_next_name() {
        let rdata = [1, b'a', 0, 0, 1, 0x40];
        let got: Vec<(u16, usize)> = bitmap_types(NSEC, &rdata).iter().map(|t| (t.rtype, t.at)).collect();
        assert_eq!(got, [(1, 5)]);
        assert!(bitmap_types(NSEC3, &[1, 1, 0]).is_empty(), "cut short: no types");
        assert!(bitmap_types(1, &rdata).is_empty());
    }

    #[test]
    fn tsig_fields_and_their_places() {
        // zeek dns-edns-ecs.pcap frame 8: hmac-sha256, a 32-byte MAC.
        let mut rdata = b"\x0bhmac-sha256\x00".to_vec();
        rdata.extend([0, 0, 0x57, 0x3c, 0x36, 0xc6, 0x01, 0x2c, 0, 32]);
        rdata.extend([0x11; 32]);
        rdata.extend([0x1e, 0x6c, 0, 0, 0, 0]);
        let t = tsig(&rdata).unwrap();
        assert_eq!(t.algorithm, ("hmac-sha256".to_string(), (0, 13)));
        assert_eq!(t.time_signed, (1_463_563_974, (13, 6)));
        assert_eq!(t.fudge, (300, (19, 2)));
        assert_eq!(t.mac_size, (32, (21, 2)));
        assert_eq!(t.mac, (23, 32));
        assert_eq!(t.original_id, (7788, (55, 2)));
        assert_eq!(t.error, (0, (57, 2)));
        assert_eq!(t.other_len, (0, (59, 2)));
        assert!(tsig(&rdata[..40]).is_none(), "cut short");
    }
}
