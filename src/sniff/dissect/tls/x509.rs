//! Just enough of an X.509 certificate (RFC 5280 §4.1) to name who it is for and
//! who signed it: a small DER reader (checked lengths, definite forms only) that
//! walks to the issuer and subject names and words them as Wireshark does
//! (`id-at-commonName=example.com,id-at-organizationName=Example`, the last
//! relative distinguished name first).

use std::fmt::Write as _;

/// DER tags used on the way to the names.
const TAG_SEQUENCE: u8 = 0x30;
const TAG_SET: u8 = 0x31;
const TAG_OID: u8 = 0x06;
/// `[0] EXPLICIT Version` before the serial number (absent in v1 certificates).
const TAG_VERSION: u8 = 0xa0;
/// Most bytes of a DER length (four: no certificate is near 4 GiB).
const MAX_LENGTH_BYTES: usize = 4;

/// One DER element: its tag, its contents, and the bytes after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet (one-byte tags only).
    pub tag: u8,
    /// The contents.
    pub value: &'a [u8],
    /// What follows the element.
    pub rest: &'a [u8],
}

/// Reads one DER element from the start of `b`; `None` when its header or
/// contents run past `b`, or it uses a form DER forbids (indefinite length,
/// multi-byte tag).
pub fn read(b: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, after) = b.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut after) = after.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > MAX_LENGTH_BYTES {
            return None;
        }
        let (digits, tail) = (after.get(..n)?, after.get(n..)?);
        after = tail;
        digits.iter().fold(0usize, |acc, &d| (acc << 8) | usize::from(d))
    };
    let value = after.get(..len)?;
    Some(Tlv { tag, value, rest: &after[len..] })
}

/// Reads an element that must have tag `tag`.
fn expect(b: &[u8], tag: u8) -> Option<Tlv<'_>> {
    read(b).filter(|t| t.tag == tag)
}

/// The issuer and subject of a DER certificate, as Wireshark words them;
/// `None` when the certificate is malformed before them.
pub fn names(cert: &[u8]) -> Option<(String, String)> {
    let outer = expect(cert, TAG_SEQUENCE)?;
    let tbs = expect(outer.value, TAG_SEQUENCE)?;
    let mut at = tbs.value;
    if at.first() == Some(&TAG_VERSION) {
        at = read(at)?.rest;
    }
    let serial = read(at)?;
    let algorithm = expect(serial.rest, TAG_SEQUENCE)?;
    let issuer = expect(algorithm.rest, TAG_SEQUENCE)?;
    let validity = expect(issuer.rest, TAG_SEQUENCE)?;
    let subject = expect(validity.rest, TAG_SEQUENCE)?;
    Some((rdn_sequence(issuer.value)?, rdn_sequence(subject.value)?))
}

/// A Name's relative distinguished names, last first, joined by commas; each
/// RDN's attributes joined by `+`.
pub fn rdn_sequence(mut b: &[u8]) -> Option<String> {
    let mut rdns = Vec::new();
    while !b.is_empty() {
        let set = expect(b, TAG_SET)?;
        let mut parts = Vec::new();
        let mut attrs = set.value;
        while !attrs.is_empty() {
            let attr = expect(attrs, TAG_SEQUENCE)?;
            let oid = expect(attr.value, TAG_OID)?;
            let value = read(oid.rest)?;
            parts.push(format!("{}={}", attribute_name(oid.value), String::from_utf8_lossy(value.value)));
            attrs = attr.rest;
        }
        rdns.push(parts.join("+"));
        b = set.rest;
    }
    rdns.reverse();
    Some(rdns.join(","))
}

/// The number of relative distinguished names in a Name (tshark's
/// `rdnSequence: N items`); `None` when malformed.
pub fn rdn_count(mut b: &[u8]) -> Option<usize> {
    let mut n = 0;
    while !b.is_empty() {
        b = expect(b, TAG_SET)?.rest;
        n += 1;
    }
    Some(n)
}

/// Wireshark's name of a directory attribute, else its dotted OID.
fn attribute_name(oid: &[u8]) -> String {
    let dotted = dotted_oid(oid);
    let name = match dotted.as_str() {
        "2.5.4.3" => "id-at-commonName",
        "2.5.4.4" => "id-at-surname",
        "2.5.4.5" => "id-at-serialNumber",
        "2.5.4.6" => "id-at-countryName",
        "2.5.4.7" => "id-at-localityName",
        "2.5.4.8" => "id-at-stateOrProvinceName",
        "2.5.4.9" => "id-at-streetAddress",
        "2.5.4.10" => "id-at-organizationName",
        "2.5.4.11" => "id-at-organizationalUnitName",
        "2.5.4.12" => "id-at-title",
        "2.5.4.17" => "id-at-postalCode",
        "2.5.4.42" => "id-at-givenName",
        "2.5.4.46" => "id-at-dnQualifier",
        "1.2.840.113549.1.9.1" => "pkcs-9-at-emailAddress",
        "0.9.2342.19200300.100.1.25" => "id-domainComponent",
        _ => return dotted,
    };
    name.to_string()
}

/// An OID's contents in dotted form (`2.5.4.3`).
pub fn dotted_oid(b: &[u8]) -> String {
    let mut out = String::new();
    let mut v: u64 = 0;
    let mut first = true;
    for &byte in b {
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 != 0 {
            if v > u64::MAX >> 7 {
                return "(invalid OID)".to_string();
            }
            continue;
        }
        if first {
            let (a, rest) = if v < 40 {
                (0, v)
            } else if v < 80 {
                (1, v - 40)
            } else {
                (2, v - 80)
            };
            let _ = write!(out, "{a}.{rest}");
            first = false;
        } else {
            let _ = write!(out, ".{v}");
        }
        v = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Name: C=US, O=Socklab Test, CN=example.com.
    const NAME: &[u8] = &[
        0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'U', b'S', //
        0x31, 0x15, 0x30, 0x13, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x0c, b'S', b'o', b'c', b'k', b'l', b'a', b'b',
        b' ', b'T', b'e', b's', b't', //
        0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0b, b'e', b'x', b'a', b'm', b'p', b'l', b'e',
        b'.', b'c', b'o', b'm',
    ];

    #[test]
    fn names_read_last_rdn_first() {
        assert_eq!(
            rdn_sequence(NAME).as_deref(),
            Some("id-at-commonName=example.com,id-at-organizationName=Socklab Test,id-at-countryName=US")
        );
        assert_eq!(rdn_count(NAME), Some(3));
    }

    #[test]
    fn oids_in_dotted_form() {
        assert_eq!(dotted_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]), "1.2.840.113549.1.9.1");
        assert_eq!(dotted_oid(&[0x55, 0x04, 0x03]), "2.5.4.3");
    }

    #[test]
    fn lengths_past_the_end_or_indefinite_are_refused() {
        assert_eq!(read(&[0x30, 0x05, 0x01]), None);
        assert_eq!(read(&[0x30, 0x80, 0x00, 0x00]), None);
        assert_eq!(read(&[0x30, 0x85, 1, 2, 3, 4, 5]), None);
        assert_eq!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(rdn_sequence(&NAME[..NAME.len() - 1]), None);
        for cut in 0..NAME.len() {
            let _ = rdn_sequence(&NAME[..cut]);
            let _ = names(&NAME[..cut]);
        }
    }
}
