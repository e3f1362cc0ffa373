//! The rows of the lab's `Type | Key | Value` table: one per field in wire order,
//! with the section (`DNS HEADER`, `QUERY`, `ANSWER`…), the key (`ID`, `QNAME`,
//! `TTL`…), the raw bytes and what they mean. A name is one row whose meaning lists
//! its labels and follows its compression pointer (`c0 0c` → `pointer to offset 12
//! -> google.com`); FLAGS gets one line per bit (RFC 1035 §4.1.1).

use crate::proto::dns::{
    Edns, Flags, HeaderField, Key, Name, NameField, NamePart, Opcode, Partial, Place, RData, Rcode, Row, RrType,
    Section, Span, Value,
};

/// Bytes shown in the Value column before it is cut with `…`.
pub const MAX_SHOWN_BYTES: usize = 16;

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRow {
    /// `DNS HEADER`, `QUERY`, `ANSWER`, `ANSWER 2`, …
    pub section: String,
    /// `ID`, `FLAGS`, `QNAME`, `NAME`, `TYPE`, …
    pub key: String,
    /// Where the field lies.
    pub span: Span,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What they mean, one or more lines.
    pub meaning: Vec<String>,
}

impl FieldRow {
    /// The bytes as space-separated hex, cut after [`MAX_SHOWN_BYTES`].
    pub fn value_hex(&self) -> String {
        let mut s = hex_bytes(&self.bytes[..self.bytes.len().min(MAX_SHOWN_BYTES)]);
        if self.bytes.len() > MAX_SHOWN_BYTES {
            s.push_str(&format!(" … ({} bytes)", self.bytes.len()));
        }
        s
    }

    /// The section and key, as the labelled hex dump shows them.
    pub fn label(&self) -> String {
        format!("{} {}", self.section, self.key)
    }
}

/// Bytes as lowercase hex separated by spaces (`1a 2b`), as the handout's server
/// prints them. Cheap enough for a server's per-query log.
pub fn hex_bytes(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// The table's rows for a decoded (or partly decoded) message of `bytes`.
pub fn rows(bytes: &[u8], partial: &Partial) -> Vec<FieldRow> {
    let counts = header_counts(&partial.rows);
    let mut out = Vec::new();
    let mut parts: Vec<&Row> = Vec::new();
    let mut rtype = RrType::A;
    for row in &partial.rows {
        let section = section_title(row.place, counts);
        let mut push = |key: String, span: Span, meaning: Vec<String>| {
            let b = bytes.get(span.range()).unwrap_or_default().to_vec();
            out.push(FieldRow { section: section.clone(), key, span, bytes: b, meaning });
        };
        match row.key {
            Key::Label | Key::Root | Key::Pointer => parts.push(row),
            Key::Name => {
                let Value::Name(name) = &row.value else { continue };
                push(row.key.title(row.place).to_string(), row.span, vec![describe_parts(name, &parts)]);
                parts.clear();
            }
            _ => {
                if let Value::Type(t) = row.value {
                    rtype = t;
                }
                push(row.key.title(row.place).to_string(), row.span, meaning(&row.value, row.key, rtype));
            }
        }
    }
    // A name cut short: its pieces as they were read.
    let counts_at_end = counts;
    for row in parts {
        let b = bytes.get(row.span.range()).unwrap_or_default().to_vec();
        let section = section_title(row.place, counts_at_end);
        out.push(FieldRow {
            section,
            key: row.key.title(row.place).to_string(),
            span: row.span,
            bytes: b,
            meaning: vec![part_text(row)],
        });
    }
    out
}

/// QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT as far as they were read.
fn header_counts(rows: &[Row]) -> [u16; 4] {
    let mut c = [0; 4];
    for r in rows {
        let i = match r.key {
            Key::Header(h) => match HeaderField::COUNTS.iter().position(|&c| c == h) {
                Some(i) => i,
                None => continue,
            },
            _ => continue,
        };
        if let Value::U16(n) = r.value {
            c[i] = n;
        }
    }
    c
}

/// `DNS HEADER`, `QUERY`, `ANSWER`; numbered when the section holds more than one.
fn section_title(place: Place, counts: [u16; 4]) -> String {
    let (title, index, count) = match place {
        Place::Header => return "DNS HEADER".to_string(),
        Place::Question(i) => ("QUERY", i, counts[0]),
        Place::Record(Section::Answer, i) => ("ANSWER", i, counts[1]),
        Place::Record(Section::Authority, i) => ("AUTHORITY", i, counts[2]),
        Place::Record(Section::Additional, i) => ("ADDITIONAL", i, counts[3]),
    };
    if count > 1 {
        format!("{title} {}", index + 1)
    } else {
        title.to_string()
    }
}

/// A piece of a name on its own (when the name was cut short).
fn part_text(row: &Row) -> String {
    match &row.value {
        Value::Label(l) => format!("label of {} bytes: {}", l.len(), label_text(l)),
        Value::Root => "0: end of the name (root)".to_string(),
        Value::Pointer { target, name } => format!("pointer to offset {target} -> {}", name_text(name)),
        _ => String::new(),
    }
}

fn label_text(l: &[u8]) -> String {
    Name::from_labels([l]).map(|n| n.to_string()).unwrap_or_else(|_| String::from_utf8_lossy(l).into_owned())
}

fn name_text(n: &Name) -> String {
    if n.is_root() {
        "<root>".to_string()
    } else {
        n.to_string()
    }
}

/// A name's meaning from the rows of its pieces: its labels with their lengths and
/// where its pointer leads (`google.com: 6 google, 3 com, 0 end`;
/// `pointer to offset 12 -> google.com`).
fn describe_parts(name: &Name, parts: &[&Row]) -> String {
    let mut labels = Vec::new();
    let mut pointer = None;
    for p in parts {
        match &p.value {
            Value::Label(l) => labels.push(format!("{} {}", l.len(), label_text(l))),
            Value::Pointer { target, name } => {
                pointer = Some(format!("pointer to offset {target} -> {}", name_text(name)))
            }
            _ => {}
        }
    }
    compose(name, &labels, pointer)
}

/// The same for a name inside RDATA, from its [`NameField`] parts.
pub fn describe_name(field: &NameField) -> String {
    let mut labels = Vec::new();
    let mut pointer = None;
    for p in field.own_parts() {
        match p {
            NamePart::Label { .. } => {
                let label = field.name.labels().nth(labels.len()).unwrap_or_default();
                labels.push(format!("{} {}", label.len(), label_text(label)));
            }
            NamePart::Pointer { target, .. } => {
                let suffix = field.name.suffix(labels.len());
                pointer = Some(format!("pointer to offset {target} -> {}", name_text(&suffix)));
            }
            NamePart::Root(_) => {}
        }
    }
    if field.parts.is_empty() {
        return name_text(&field.name);
    }
    compose(&field.name, &labels, pointer)
}

fn compose(name: &Name, labels: &[String], pointer: Option<String>) -> String {
    match (labels.is_empty(), pointer) {
        (true, Some(p)) => p,
        (true, None) => "0: the root name".to_string(),
        (false, Some(p)) => format!("{}: {}, then {p}", name_text(name), labels.join(", ")),
        (false, None) => format!("{}: {}, 0 end", name_text(name), labels.join(", ")),
    }
}

/// The meaning of a non-name field. `rtype` is the TYPE of the record being read
/// (OPT gives CLASS and TTL other meanings, RFC 6891 §6.1.3).
fn meaning(value: &Value, key: Key, rtype: RrType) -> Vec<String> {
    let one = |s: String| vec![s];
    match value {
        Value::U16(n) => one(match key {
            Key::Header(HeaderField::Id) => format!("0x{n:04x} ({n})"),
            Key::Header(HeaderField::QdCount) => plural(*n, "question"),
            Key::Header(HeaderField::AnCount) => plural(*n, "answer record"),
            Key::Header(HeaderField::NsCount) => plural(*n, "authority record"),
            Key::Header(HeaderField::ArCount) => plural(*n, "additional record"),
            Key::RdLength => plural(*n, "byte") + " of RDATA",
            _ => n.to_string(),
        }),
        Value::U32(ttl) if rtype == RrType::Opt => {
            let e = opt_ttl(*ttl);
            one(format!("extended RCODE {}, EDNS version {}, DO={}", e.ext_rcode, e.version, u8::from(e.dnssec_ok)))
        }
        Value::U32(ttl) => one(format!("{ttl} seconds{}", duration(*ttl))),
        Value::Flags(f) => flag_lines(f),
        Value::Type(t) => one(format!("{} ({})", t, t.code())),
        Value::Class(c) if rtype == RrType::Opt && key == Key::Class => {
            one(format!("UDP payload size {} (OPT)", c.code()))
        }
        Value::Class(c) => one(format!("{} ({})", c, c.code())),
        Value::Rdata(r) => rdata_lines(r),
        Value::Label(_) | Value::Root | Value::Pointer { .. } | Value::Name(_) => Vec::new(),
    }
}

fn opt_ttl(ttl: u32) -> Edns {
    Edns {
        ext_rcode: (ttl >> 24) as u8,
        version: (ttl >> 16) as u8,
        dnssec_ok: ttl as u16 & Edns::DO != 0,
        ..Edns::default()
    }
}

fn plural(n: u16, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// ` (4 min 20 s)` for TTLs of a minute or more.
fn duration(s: u32) -> String {
    if s < 60 {
        return String::new();
    }
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min"), (sec, "s")]
        .iter()
        .filter(|(v, _)| *v > 0)
        .map(|(v, u)| format!("{v} {u}"))
        .collect();
    format!(" ({})", parts.join(" "))
}

/// The bits of `word` under `mask` as Wireshark draws them in its details
/// pane, most significant first in groups of four: `.... ..0. .... ....`.
pub fn bit_pattern(word: u16, mask: u16) -> String {
    crate::sniff::tree::draw::masked_bits(u64::from(word), u64::from(mask), 16)
}

/// FLAGS bit by bit, as Wireshark's details pane shows them.
pub fn flag_lines(f: &Flags) -> Vec<String> {
    let word = f.to_u16();
    let bits = |mask: u16| bit_pattern(word, mask);
    // A one-bit flag: its bits, its name, 0 or 1, and what that value means.
    let bit = |name: &str, mask: u16, set: bool, yes: &str, no: &str| {
        format!("{} {name} = {}: {}", bits(mask), u8::from(set), if set { yes } else { no })
    };
    let summary = if f.qr {
        format!("{} response, {}", opcode_text(f.opcode), rcode_name(f.rcode))
    } else {
        opcode_text(f.opcode)
    };
    vec![
        format!("0x{word:04x}: {summary}"),
        bit("QR", Flags::QR, f.qr, "response", "query"),
        format!("{} Opcode = {}: {}", bits(Flags::OPCODE), f.opcode.code(), opcode_text(f.opcode)),
        bit("AA", Flags::AA, f.aa, "authoritative answer", "not authoritative"),
        bit("TC", Flags::TC, f.tc, "truncated", "not truncated"),
        bit("RD", Flags::RD, f.rd, "recursion desired", "no recursion desired"),
        bit("RA", Flags::RA, f.ra, "recursion available", "recursion not available"),
        bit("Z", Flags::Z, f.z, "reserved (should be 0)", "reserved"),
        bit("AD", Flags::AD, f.ad, "authenticated data", "not authenticated"),
        bit("CD", Flags::CD, f.cd, "checking disabled", "checking enabled"),
        format!("{} RCODE = {}: {}", bits(Flags::RCODE), f.rcode.code(), rcode_text(f.rcode)),
    ]
}

fn opcode_text(o: Opcode) -> String {
    match o {
        Opcode::Query => "standard query".to_string(),
        other => format!("{other}"),
    }
}

fn rcode_text(r: Rcode) -> String {
    match r.mnemonic() {
        Some(m) => format!("{m} ({})", rcode_name(r)),
        None => format!("unknown ({})", r.code()),
    }
}

/// The RCODE's short name as dig prints it (`NXDOMAIN`).
pub fn rcode_name(r: Rcode) -> String {
    match r {
        Rcode::NoError => "NOERROR",
        Rcode::FormErr => "FORMERR",
        Rcode::ServFail => "SERVFAIL",
        Rcode::NxDomain => "NXDOMAIN",
        Rcode::NotImp => "NOTIMP",
        Rcode::Refused => "REFUSED",
        Rcode::YxDomain => "YXDOMAIN",
        Rcode::YxRrSet => "YXRRSET",
        Rcode::NxRrSet => "NXRRSET",
        Rcode::NotAuth => "NOTAUTH",
        Rcode::NotZone => "NOTZONE",
        Rcode::BadVers => "BADVERS",
        Rcode::Unknown(n) => return format!("RCODE{n}"),
    }
    .to_string()
}

/// RDATA, decoded.
pub fn rdata_lines(r: &RData) -> Vec<String> {
    let one = |s: String| vec![s];
    match r {
        RData::A(a) => one(format!("address {a}")),
        RData::Aaaa(a) => one(format!("address {a}")),
        RData::Ns(n) => one(format!("name server {}", describe_name(n))),
        RData::Cname(n) => one(format!("canonical name {}", describe_name(n))),
        RData::Ptr(n) => one(format!("points to {}", describe_name(n))),
        RData::Mx { preference, exchange } => {
            one(format!("preference {preference}, mail exchange {}", describe_name(exchange)))
        }
        RData::Txt(strings) => strings
            .iter()
            .map(|s| format!("{} bytes: {}", s.data.len(), crate::proto::dns::zone::quote(&s.data)))
            .collect(),
        RData::Soa(s) => vec![
            format!("primary server {}", describe_name(&s.mname)),
            format!("mailbox {}", describe_name(&s.rname)),
            format!(
                "serial {}, refresh {}, retry {}, expire {}, minimum {}",
                s.serial, s.refresh, s.retry, s.expire, s.minimum
            ),
        ],
        RData::Opt(opts) if opts.is_empty() => one("no EDNS options".to_string()),
        RData::Opt(opts) => {
            opts.iter().map(|o| format!("option {} ({} bytes): {}", o.code, o.data.len(), hex_bytes(&o.data))).collect()
        }
        RData::Raw(b) => one(format!("{} bytes not decoded further", b.len())),
    }
}
