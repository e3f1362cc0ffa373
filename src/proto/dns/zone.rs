//! The authoritative zone: the lab's five records by default, or records read from
//! a small text format, and the look-up an authoritative server makes
//! (RFC 1034 §4.3.2, simplified: one flat zone, no delegations, no wildcards).
//!
//! # Zone file format
//!
//! One record per line, fields separated by blanks; class IN is implied (an `IN`
//! between TTL and type is accepted); `#` starts a comment; blank lines are skipped.
//!
//! ```text
//! # name          TTL  type   value
//! google.com      260  A      192.165.1.1
//! google.com      260  AAAA   2001:db8::1
//! www.google.com  300  CNAME  google.com
//! google.com      300  MX     10 mail.google.com
//! google.com      300  TXT    "v=spf1 -all" "second string"
//! google.com      300  NS     ns1.google.com
//! 1.1.165.192.in-addr.arpa 300 PTR google.com
//! ```
//!
//! Names are absolute whether or not they end with `.`; `\.`, `\\` and `\DDD`
//! escape bytes in labels. TXT strings are in double quotes, with `\"` and `\\`.
//! A name with a CNAME may have no other record (RFC 1034 §3.6.2).

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::message::Record;
use super::name::{Name, NameField};
use super::rdata::{CharString, RData};
use super::types::{Class, RrType};

/// Longest CNAME chain followed inside the zone.
const MAX_CNAME_CHAIN: usize = 8;

/// A record of the zone (class IN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneRecord {
    /// Owner name.
    pub name: Name,
    /// TTL in seconds.
    pub ttl: u32,
    /// Typed RDATA (its type is the record's type).
    pub rdata: RData,
}

impl ZoneRecord {
    /// The record's type.
    pub fn rtype(&self) -> RrType {
        self.rdata.rtype().unwrap_or(RrType::Unknown(0))
    }

    /// The value as the zone file writes it (`192.165.1.1`, `10 mail.google.com`,
    /// `"v=spf1 -all"`); types the zone file cannot hold are marked so.
    pub fn data_text(&self) -> String {
        match &self.rdata {
            RData::A(a) => a.to_string(),
            RData::Aaaa(a) => a.to_string(),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => n.name.to_string(),
            RData::Mx { preference, exchange } => format!("{preference} {}", exchange.name),
            RData::Txt(strings) => strings.iter().map(|s| quote(&s.data)).collect::<Vec<_>>().join(" "),
            RData::Soa(_) | RData::Opt(_) | RData::Raw(_) => "# not representable".to_string(),
        }
    }

    /// The record as a message record with `owner` as its NAME.
    pub fn to_record(&self, owner: &Name) -> Record {
        Record::new(owner.clone(), Class::In, self.ttl, self.rdata.clone())
    }
}

/// A zone-file fault with its line number (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ZoneError {}

/// What a look-up found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The records answering the question: the name's records of that type (all of
    /// them for ANY), or its CNAME followed by what the CNAME leads to in the zone.
    Answers(Vec<&'a ZoneRecord>),
    /// NXDOMAIN: no record has this name.
    NxDomain,
    /// NODATA: the name has records, none of the type asked.
    NoData,
}

/// A set of records, looked up by name ignoring ASCII case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Zone {
    records: Vec<ZoneRecord>,
    by_name: HashMap<Name, Vec<usize>>,
}

/// The lab handout's records (type A, class IN).
const LAB_RECORDS: &[(&str, u32, [u8; 4])] = &[
    ("google.com", 260, [192, 165, 1, 1]),
    ("google.com", 260, [192, 165, 1, 10]),
    ("youtube.com", 160, [192, 165, 1, 2]),
    ("uwaterloo.ca", 160, [192, 165, 1, 3]),
    ("wikipedia.org", 160, [192, 165, 1, 4]),
    ("amazon.ca", 160, [192, 165, 1, 5]),
];

impl Zone {
    /// The lab's five names: google.com (two addresses), youtube.com, uwaterloo.ca,
    /// wikipedia.org, amazon.ca.
    pub fn lab() -> Self {
        let mut zone = Zone::default();
        for (name, ttl, [a, b, c, d]) in LAB_RECORDS {
            let name = Name::parse(name).unwrap_or_default();
            zone.push(ZoneRecord { name, ttl: *ttl, rdata: RData::A(Ipv4Addr::new(*a, *b, *c, *d)) });
        }
        zone
    }

    /// Adds a record.
    pub fn push(&mut self, record: ZoneRecord) {
        self.by_name.entry(record.name.to_lowercase()).or_default().push(self.records.len());
        self.records.push(record);
    }

    /// All records, in the order they were added.
    pub fn records(&self) -> &[ZoneRecord] {
        &self.records
    }

    /// The distinct owner names, in the order of their first record.
    pub fn names(&self) -> Vec<&Name> {
        let mut seen = std::collections::HashSet::new();
        self.records.iter().filter(|r| seen.insert(r.name.to_lowercase())).map(|r| &r.name).collect()
    }

    /// Parses the text format described in the module documentation.
    pub fn parse(text: &str) -> Result<Self, ZoneError> {
        let mut zone = Zone::default();
        let mut first_line: HashMap<Name, usize> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let fail = |message: String| ZoneError { line: line_no, message };
            let tokens = tokenize(line).map_err(fail)?;
            if tokens.is_empty() {
                continue;
            }
            let record = parse_record(&tokens).map_err(fail)?;
            let key = record.name.to_lowercase();
            let existing =
                zone.by_name.get(&key).map(|v| v.iter().map(|&i| zone.records[i].rtype()).collect::<Vec<_>>());
            if let Some(types) = existing {
                let cname = record.rtype() == RrType::Cname;
                if types.contains(&RrType::Cname) || cname {
                    let first = first_line.get(&key).copied().unwrap_or(0);
                    return Err(fail(format!(
                        "{} has a CNAME and other records (see line {first}); a CNAME must be the name's only record",
                        record.name
                    )));
                }
            }
            first_line.entry(key).or_insert(line_no);
            zone.push(record);
        }
        Ok(zone)
    }

    /// Looks up `name` (ignoring case) for records of `rtype`.
    pub fn lookup(&self, name: &Name, rtype: RrType) -> Lookup<'_> {
        let Some(first) = self.by_name.get(&name.to_lowercase()) else {
            return Lookup::NxDomain;
        };
        let mut answers = Vec::new();
        let mut here = first;
        for _ in 0..MAX_CNAME_CHAIN {
            let records: Vec<&ZoneRecord> = here.iter().map(|&i| &self.records[i]).collect();
            let matching: Vec<&ZoneRecord> =
                records.iter().copied().filter(|r| rtype == RrType::Any || r.rtype() == rtype).collect();
            if !matching.is_empty() {
                answers.extend(matching);
                break;
            }
            let Some(cname) = records.iter().copied().find(|r| matches!(r.rdata, RData::Cname(_))) else {
                break;
            };
            let RData::Cname(target) = &cname.rdata else { break };
            answers.push(cname);
            match self.by_name.get(&target.name.to_lowercase()) {
                Some(next) => here = next,
                None => break,
            }
        }
        if answers.is_empty() {
            Lookup::NoData
        } else {
            Lookup::Answers(answers)
        }
    }
}

impl fmt::Display for Zone {
    /// The zone in its text format (parsing it back gives the same zone).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# name TTL type value")?;
        for r in &self.records {
            writeln!(f, "{} {} {} {}", r.name, r.ttl, r.rtype(), r.data_text())?;
        }
        Ok(())
    }
}

/// A TXT string in double quotes, escaping `"` and `\`, bytes outside printable
/// ASCII as `\DDD`.
pub fn quote(data: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in data {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

/// A token of a zone line: a bare word, or a quoted string's bytes.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(Vec<u8>),
}

/// Splits a line into words and quoted strings, dropping a `#` comment.
fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' {
            chars.next();
            tokens.push(Token::Quoted(quoted_string(&mut chars)?));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '#' || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        }
    }
    Ok(tokens)
}

/// The bytes of a quoted string after its opening quote, up to the closing one.
fn quoted_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        match chars.next() {
            None => return Err("unterminated quoted string: add the closing \"".to_string()),
            Some('"') => return Ok(out),
            Some('\\') => {
                let digits: String = chars.clone().take(3).collect();
                if digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    let v: u32 = digits.parse().unwrap_or(256);
                    let b = u8::try_from(v).map_err(|_| format!("escape \\{digits} is over 255"))?;
                    out.push(b);
                    chars.nth(2);
                } else {
                    let c = chars.next().ok_or("unterminated quoted string: add the closing \"")?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
            Some(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

fn word(token: Option<&Token>, what: &str) -> Result<String, String> {
    match token {
        Some(Token::Word(w)) => Ok(w.clone()),
        Some(Token::Quoted(_)) => Err(format!("expected {what}, found a quoted string")),
        None => Err(format!("missing {what}: each line is `name TTL type value`")),
    }
}

fn name_of(text: &str) -> Result<Name, String> {
    Name::parse(text).map_err(|e| format!("bad name '{text}': {e}"))
}

/// One record from the tokens of a line.
fn parse_record(tokens: &[Token]) -> Result<ZoneRecord, String> {
    let name = name_of(&word(tokens.first(), "a name")?)?;
    let ttl_text = word(tokens.get(1), "a TTL")?;
    let ttl: u32 =
        ttl_text.parse().map_err(|_| format!("bad TTL '{ttl_text}': give seconds as a number from 0 to 4294967295"))?;
    let mut rest = &tokens[2..];
    if matches!(rest.first(), Some(Token::Word(w)) if w.eq_ignore_ascii_case("IN")) {
        rest = &rest[1..];
    }
    let rtype = word(rest.first(), "a type")?.to_ascii_uppercase();
    let values = &rest[1..];
    let rdata = parse_rdata(&rtype, values)?;
    Ok(ZoneRecord { name, ttl, rdata })
}

/// The value part of a line for type `rtype`.
fn parse_rdata(rtype: &str, values: &[Token]) -> Result<RData, String> {
    let single = |what: &str| -> Result<String, String> {
        let w = word(values.first(), what)?;
        if values.len() > 1 {
            return Err(format!("unexpected text after the {rtype} value"));
        }
        Ok(w)
    };
    Ok(match rtype {
        "A" => {
            let v = single("an IPv4 address")?;
            RData::A(v.parse().map_err(|_| format!("bad IPv4 address '{v}' (expected e.g. 192.165.1.1)"))?)
        }
        "AAAA" => {
            let v = single("an IPv6 address")?;
            RData::Aaaa(
                v.parse::<Ipv6Addr>().map_err(|_| format!("bad IPv6 address '{v}' (expected e.g. 2001:db8::1)"))?,
            )
        }
        "CNAME" => RData::Cname(NameField::new(name_of(&single("a target name")?)?)),
        "NS" => RData::Ns(NameField::new(name_of(&single("a name server")?)?)),
        "PTR" => RData::Ptr(NameField::new(name_of(&single("a name")?)?)),
        "MX" => {
            let pref = word(values.first(), "an MX preference")?;
            let preference = pref.parse().map_err(|_| format!("bad MX preference '{pref}': give 0 to 65535"))?;
            let host = word(values.get(1), "an MX host (`MX preference host`)")?;
            if values.len() > 2 {
                return Err("unexpected text after the MX host".to_string());
            }
            RData::Mx { preference, exchange: NameField::new(name_of(&host)?) }
        }
        "TXT" => {
            if values.is_empty() {
                return Err("missing TXT value: give one or more \"quoted strings\"".to_string());
            }
            let mut strings = Vec::new();
            for v in values {
                let Token::Quoted(data) = v else {
                    return Err("TXT values must be \"quoted strings\"".to_string());
                };
                if data.len() > 255 {
                    return Err(format!(
                        "TXT string of {} bytes (at most 255); split it into several strings",
                        data.len()
                    ));
                }
                strings.push(CharString::new(data.clone()));
            }
            RData::Txt(strings)
        }
        other => return Err(format!("unsupported type '{other}' (supported: A AAAA CNAME MX TXT NS PTR)")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    fn addrs(l: Lookup<'_>) -> Vec<String> {
        match l {
            Lookup::Answers(rs) => rs.iter().map(|r| format!("{} {} {:?}", r.name, r.ttl, r.rdata)).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn lab_zone_has_the_handout_records() {
        let z = Zone::lab();
        assert_eq!(z.records().len(), 6);
        assert_eq!(
            addrs(z.lookup(&name("google.com"), RrType::A)),
            ["google.com 260 A(192.165.1.1)", "google.com 260 A(192.165.1.10)"]
        );
        assert_eq!(addrs(z.lookup(&name("YouTube.COM"), RrType::A)), ["youtube.com 160 A(192.165.1.2)"]);
        assert_eq!(addrs(z.lookup(&name("uwaterloo.ca"), RrType::A)), ["uwaterloo.ca 160 A(192.165.1.3)"]);
        assert_eq!(addrs(z.lookup(&name("wikipedia.org."), RrType::A)), ["wikipedia.org 160 A(192.165.1.4)"]);
        assert_eq!(addrs(z.lookup(&name("amazon.ca"), RrType::A)), ["amazon.ca 160 A(192.165.1.5)"]);
        assert_eq!(z.lookup(&name("example.com"), RrType::A), Lookup::NxDomain);
        assert_eq!(z.lookup(&name("google.com"), RrType::Aaaa), Lookup::NoData);
        assert_eq!(addrs(z.lookup(&name("amazon.ca"), RrType::Any)), ["amazon.ca 160 A(192.165.1.5)"]);
    }

    const SAMPLE: &str = r#"
# a comment line
google.com      260  A      192.165.1.1   # trailing comment
google.com      260  IN AAAA   2001:db8::1
www.google.com  300  CNAME  google.com.
mail.google.com 300  a      192.165.1.7
google.com      300  MX     10 mail.google.com
google.com      300  TXT    "v=spf1 -all" "say \"hi\" \\ \065"
google.com      300  NS     ns1.google.com
1.1.165.192.in-addr.arpa 300 PTR google.com
"#;

    #[test]
    fn parses_every_supported_type() {
        let z = Zone::parse(SAMPLE).unwrap();
        assert_eq!(z.records().len(), 8);
        let txt = &z.records()[5].rdata;
        assert_eq!(
            txt,
            &RData::Txt(vec![CharString::new(&b"v=spf1 -all"[..]), CharString::new(&b"say \"hi\" \\ A"[..])])
        );
        let Lookup::Answers(chain) = z.lookup(&name("www.google.com"), RrType::A) else { panic!("no answers") };
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[0].rdata, RData::Cname(NameField::new(name("google.com"))));
        assert_eq!(chain[1].rdata, RData::A(Ipv4Addr::new(192, 165, 1, 1)));
        assert_eq!(z.lookup(&name("google.com"), RrType::Mx), Lookup::Answers(vec![&z.records()[4]]));
        let any: Vec<&ZoneRecord> = [0, 1, 4, 5, 6].iter().map(|&i| &z.records()[i]).collect();
        assert_eq!(z.lookup(&name("google.com"), RrType::Any), Lookup::Answers(any));
    }

    #[test]
    fn names_are_distinct_in_first_record_order() {
        let names: Vec<String> = Zone::lab().names().iter().map(|n| n.to_string()).collect();
        assert_eq!(names, ["google.com", "youtube.com", "uwaterloo.ca", "wikipedia.org", "amazon.ca"]);
        let z = Zone::parse(SAMPLE).unwrap();
        assert_eq!(z.names().len(), 4);
        assert_eq!(z.records()[4].data_text(), "10 mail.google.com");
        assert_eq!(z.records()[5].data_text(), r#""v=spf1 -all" "say \"hi\" \\ A""#);
    }

    #[test]
    fn printed_zone_parses_back() {
        let z = Zone::parse(SAMPLE).unwrap();
        assert_eq!(Zone::parse(&z.to_string()).unwrap(), z);
        assert_eq!(Zone::parse(&Zone::lab().to_string()).unwrap(), Zone::lab());
    }

    fn err(text: &str) -> (usize, String) {
        let e = Zone::parse(text).unwrap_err();
        (e.line, e.message)
    }

    #[test]
    fn errors_name_the_line() {
        let (line, msg) = err("# ok\n\ngoogle.com 260 A 192.165.1.256\n");
        assert_eq!(line, 3);
        assert!(msg.contains("bad IPv4 address '192.165.1.256'"), "{msg}");
        assert_eq!(err("a.com 60 A 1.2.3.4\nb.com sixty A 1.2.3.4").0, 2);
        assert!(err("b.com sixty A 1.2.3.4").1.contains("bad TTL 'sixty'"));
        assert!(err("b.com 60 SRV 1 2 3 x").1.contains("unsupported type 'SRV'"));
        assert!(err("b.com 60").1.contains("missing a type"));
        assert!(err("b.com").1.contains("missing a TTL"));
        assert!(err("b.com 60 A 1.2.3.4 5.6.7.8").1.contains("unexpected text"));
        assert!(err("b.com 60 MX mail.b.com").1.contains("bad MX preference"));
        assert!(err("b.com 60 MX 10").1.contains("missing an MX host"));
        assert!(err("b.com 60 TXT bare").1.contains("quoted strings"));
        assert!(err("b.com 60 TXT \"open").1.contains("unterminated"));
        assert!(err("b..com 60 A 1.2.3.4").1.contains("bad name"));
        assert!(err("b.com 60 AAAA 1.2.3.4").1.contains("bad IPv6 address"));
        let long = format!("b.com 60 TXT \"{}\"", "x".repeat(256));
        assert!(err(&long).1.contains("at most 255"));
        let (line, msg) = err("w.com 60 CNAME b.com\nx.com 1 A 1.1.1.1\nW.com 60 A 1.2.3.4");
        assert_eq!(line, 3);
        assert!(msg.contains("CNAME and other records (see line 1)"), "{msg}");
    }
}
