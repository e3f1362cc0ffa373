//! HPACK, HTTP/2's header compression (RFC 7541): a header block is a list of
//! representations (§6) that name a header by its index in a static table
//! (Appendix A) or in a dynamic table the encoder fills as it goes (§2.3.2,
//! §4), or spell it out as literal strings (§5.2), Huffman-coded or not. One
//! decoder per direction of a connection keeps the dynamic table.
//!
//! Never panics, never loops without consuming input, and stays bounded: the
//! table holds at most [`MAX_TABLE_SIZE`] bytes by RFC 7541's count, a block
//! yields at most [`MAX_HEADERS`] headers.

use super::huffman;

/// The largest dynamic table kept (bytes as RFC 7541 §4.1 counts them), whatever
/// size an encoder announces.
pub const MAX_TABLE_SIZE: usize = 64 * 1024;
/// The table size a connection starts with (RFC 9113 §6.5.2, SETTINGS_HEADER_TABLE_SIZE).
pub const DEFAULT_TABLE_SIZE: usize = 4096;
/// The most headers taken from one block (tshark stops at 200 too).
pub const MAX_HEADERS: usize = 200;
/// What an entry costs beyond its name and value (RFC 7541 §4.1).
const ENTRY_OVERHEAD: usize = 32;
/// Entries of the static table (RFC 7541 Appendix A).
const STATIC_LEN: usize = 61;

/// How a header was represented (RFC 7541 §6), worded as tshark words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    /// §6.1: a table entry.
    Indexed,
    /// §6.2.1 with an indexed name.
    IncrementalIndexedName,
    /// §6.2.1 with a literal name.
    IncrementalNewName,
    /// §6.2.2 with an indexed name.
    WithoutIndexedName,
    /// §6.2.2 with a literal name.
    WithoutNewName,
    /// §6.2.3 with an indexed name.
    NeverIndexedName,
    /// §6.2.3 with a literal name.
    NeverNewName,
    /// §6.3: a new maximum size of the dynamic table.
    SizeUpdate,
}

impl Repr {
    /// tshark's wording (`http2.header.repr`).
    pub fn text(self) -> &'static str {
        match self {
            Repr::Indexed => "Indexed Header Field",
            Repr::IncrementalIndexedName => "Literal Header Field with Incremental Indexing - Indexed Name",
            Repr::IncrementalNewName => "Literal Header Field with Incremental Indexing - New Name",
            Repr::WithoutIndexedName => "Literal Header Field without Indexing - Indexed Name",
            Repr::WithoutNewName => "Literal Header Field without Indexing - New Name",
            Repr::NeverIndexedName => "Literal Header Field never Indexed - Indexed Name",
            Repr::NeverNewName => "Literal Header Field never Indexed - New Name",
            Repr::SizeUpdate => "Maximum Header Table Size Change",
        }
    }

    /// Whether it names a table entry (its index is shown).
    pub fn has_index(self) -> bool {
        matches!(self, Repr::Indexed | Repr::IncrementalIndexedName | Repr::WithoutIndexedName | Repr::NeverIndexedName)
    }
}

/// One decoded representation of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The header's name (empty for a size update).
    pub name: String,
    /// Its value.
    pub value: String,
    /// How it was represented.
    pub repr: Repr,
    /// The table index it names, or the new table size of a size update.
    pub index: u32,
    /// Offset of its first byte in the block.
    pub at: usize,
    /// How many bytes of the block it takes.
    pub len: usize,
}

/// Why a block cannot be decoded further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HpackError {
    /// The block ends inside a representation.
    Truncated,
    /// An integer larger than 2^32 (RFC 7541 §5.1 leaves the limit to the decoder).
    Overflow,
    /// Index 0 or beyond both tables (§2.3.3).
    BadIndex(u32),
    /// A Huffman-coded string that does not decode (§5.2).
    Huffman(huffman::HuffmanError),
    /// A size update above the limit (§6.3).
    TableTooLarge(u32),
}

/// A dynamic table (RFC 7541 §2.3.2): newest entry first.
#[derive(Clone, Debug)]
pub struct Table {
    entries: std::collections::VecDeque<(String, String)>,
    /// RFC 7541 §4.1's size of the entries.
    size: usize,
    /// The current maximum size.
    max: usize,
}

impl Default for Table {
    fn default() -> Table {
        Table { entries: Default::default(), size: 0, max: DEFAULT_TABLE_SIZE }
    }
}

impl Table {
    /// The entry at `index` of the address space shared with the static table (§2.3.3).
    fn get(&self, index: u32) -> Result<(&str, &str), HpackError> {
        let i = index as usize;
        match i {
            0 => Err(HpackError::BadIndex(index)),
            1..=STATIC_LEN => Ok(STATIC[i - 1]),
            _ => {
                let (n, v) = self.entries.get(i - STATIC_LEN - 1).ok_or(HpackError::BadIndex(index))?;
                Ok((n, v))
            }
        }
    }

    /// Adds an entry, evicting the oldest ones to make room (§4.4).
    fn insert(&mut self, name: &str, value: &str) {
        let cost = name.len() + value.len() + ENTRY_OVERHEAD;
        self.evict_to(self.max.saturating_sub(cost));
        if cost <= self.max {
            self.entries.push_front((name.to_string(), value.to_string()));
            self.size += cost;
        }
    }

    /// Evicts the oldest entries until the size is at most `limit` (§4.3).
    fn evict_to(&mut self, limit: usize) {
        while self.size > limit {
            let Some((n, v)) = self.entries.pop_back() else {
                self.size = 0;
                break;
            };
            self.size -= n.len() + v.len() + ENTRY_OVERHEAD;
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Reads an integer with an `n`-bit prefix at `b[*at]` (RFC 7541 §5.1).
fn integer(b: &[u8], at: &mut usize, n: u32) -> Result<u32, HpackError> {
    let first = *b.get(*at).ok_or(HpackError::Truncated)?;
    *at += 1;
    let max = (1u32 << n) - 1;
    let mut v = u32::from(first) & max;
    if v < max {
        return Ok(v);
    }
    let mut shift = 0u32;
    loop {
        let byte = *b.get(*at).ok_or(HpackError::Truncated)?;
        *at += 1;
        let add = u64::from(byte & 0x7f) << shift;
        let sum = u64::from(v) + add;
        v = u32::try_from(sum).map_err(|_| HpackError::Overflow)?;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
        if shift > 28 {
            return Err(HpackError::Overflow);
        }
    }
}

/// Reads a string literal at `b[*at]` (RFC 7541 §5.2).
fn string(b: &[u8], at: &mut usize) -> Result<String, HpackError> {
    let huffman = b.get(*at).ok_or(HpackError::Truncated)? & 0x80 != 0;
    let len = integer(b, at, 7)? as usize;
    let raw = b.get(*at..at.saturating_add(len)).ok_or(HpackError::Truncated)?;
    *at += len;
    if !huffman {
        return Ok(String::from_utf8_lossy(raw).into_owned());
    }
    let mut out = Vec::with_capacity(len * 8 / 5 + 1);
    huffman::decode(raw, &mut out).map_err(HpackError::Huffman)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Decodes a header block with `table`, which it updates; returns the fields
/// decoded and the fault that stopped it, if any.
pub fn decode(block: &[u8], table: &mut Table) -> (Vec<Field>, Option<HpackError>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < block.len() && fields.len() < MAX_HEADERS {
        let start = at;
        match one(block, &mut at, table) {
            Ok(mut f) => {
                f.at = start;
                f.len = at - start;
                fields.push(f);
            }
            Err(e) => return (fields, Some(e)),
        }
    }
    (fields, None)
}

/// Decodes the representation at `b[*at]`.
fn one(b: &[u8], at: &mut usize, table: &mut Table) -> Result<Field, HpackError> {
    let first = b[*at];
    let field = |name: &str, value: &str, repr, index| Field {
        name: name.to_string(),
        value: value.to_string(),
        repr,
        index,
        at: 0,
        len: 0,
    };
    if first & 0x80 != 0 {
        let index = integer(b, at, 7)?;
        let (n, v) = table.get(index)?;
        return Ok(field(n, v, Repr::Indexed, index));
    }
    if first & 0xe0 == 0x20 {
        let size = integer(b, at, 5)?;
        if size as usize > MAX_TABLE_SIZE {
            return Err(HpackError::TableTooLarge(size));
        }
        table.max = size as usize;
        table.evict_to(table.max);
        return Ok(field("", "", Repr::SizeUpdate, size));
    }
    let (prefix, kinds) = match first {
        f if f & 0xc0 == 0x40 => (6, (Repr::IncrementalIndexedName, Repr::IncrementalNewName)),
        f if f & 0xf0 == 0x10 => (4, (Repr::NeverIndexedName, Repr::NeverNewName)),
        _ => (4, (Repr::WithoutIndexedName, Repr::WithoutNewName)),
    };
    let index = integer(b, at, prefix)?;
    let (name, repr) = if index == 0 { (string(b, at)?, kinds.1) } else { (table.get(index)?.0.to_string(), kinds.0) };
    let value = string(b, at)?;
    if matches!(repr, Repr::IncrementalIndexedName | Repr::IncrementalNewName) {
        table.insert(&name, &value);
    }
    Ok(Field { name, value, repr, index, at: 0, len: 0 })
}

/// The static table (RFC 7541 Appendix A), index 1 first.
const STATIC: [(&str, &str); STATIC_LEN] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(f: &[Field]) -> Vec<(&str, &str)> {
        f.iter().map(|f| (f.name.as_str(), f.value.as_str())).collect()
    }

    #[test]
    fn rfc_7541_c3_requests_share_a_table() {
        let mut t = Table::default();
        // C.3.1
        let b1 = [
            0x82, 0x86, 0x84, 0x41, 0x0f, b'w', b'w', b'w', b'.', b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c',
            b'o', b'm',
        ];
        let (f, e) = decode(&b1, &mut t);
        assert_eq!(e, None);
        assert_eq!(
            pairs(&f),
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")]
        );
        assert_eq!(f[3].repr, Repr::IncrementalIndexedName);
        assert_eq!((f[3].at, f[3].len), (3, 17));
        assert_eq!((t.len(), t.size), (1, 57));
        // C.3.2: index 62 is the dynamic entry.
        let b2 = [0x82, 0x86, 0x84, 0xbe, 0x58, 0x08, b'n', b'o', b'-', b'c', b'a', b'c', b'h', b'e'];
        let (f, e) = decode(&b2, &mut t);
        assert_eq!(e, None);
        assert_eq!(pairs(&f)[3..], [(":authority", "www.example.com"), ("cache-control", "no-cache")]);
        assert_eq!(t.size, 110);
    }

    #[test]
    fn rfc_7541_c4_huffman_request() {
        let mut t = Table::default();
        let b = [0x82, 0x86, 0x84, 0x41, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff];
        let (f, e) = decode(&b, &mut t);
        assert_eq!(e, None);
        assert_eq!(f[3].value, "www.example.com");
    }

    #[test]
    fn integers_follow_section_5_1() {
        // C.1.2: 1337 with a 5-bit prefix.
        let mut at = 0;
        assert_eq!(integer(&[0x1f, 0x9a, 0x0a], &mut at, 5), Ok(1337));
        assert_eq!(at, 3);
        let mut at = 0;
        assert_eq!(integer(&[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], &mut at, 5), Err(HpackError::Overflow));
        let mut at = 0;
        assert_eq!(integer(&[0x1f, 0x80], &mut at, 5), Err(HpackError::Truncated));
    }

    #[test]
    fn hostile_blocks_stop_with_an_error() {
        let mut t = Table::default();
        assert_eq!(decode(&[0x80], &mut t).1, Some(HpackError::BadIndex(0)));
        assert_eq!(decode(&[0xbf, 0x20], &mut t).1, Some(HpackError::BadIndex(63)));
        assert_eq!(decode(&[0x3f, 0xff, 0xff, 0x7f], &mut t).1, Some(HpackError::TableTooLarge(2_097_182)));
        assert_eq!(decode(&[0x40, 0x7f, 0xff, 0x7f], &mut t).1, Some(HpackError::Truncated));
        // A size update of zero empties the table; entries larger than the table are not kept.
        let (_, e) = decode(&[0x41, 0x01, b'a', 0x20, 0x40, 0x01, b'x', 0x01, b'y'], &mut t);
        assert_eq!(e, None);
        assert!(t.is_empty());
        // Every short byte string: an answer, never a panic.
        for a in 0..=255u8 {
            for b in [0u8, 0x01, 0x7f, 0x80, 0xff] {
                let mut t = Table::default();
                let _ = decode(&[a, b, b, a], &mut t);
                assert!(t.size <= t.max);
            }
        }
        // Many headers: at most MAX_HEADERS.
        let many = vec![0x82u8; 1000];
        assert_eq!(decode(&many, &mut t).0.len(), MAX_HEADERS);
    }
}
