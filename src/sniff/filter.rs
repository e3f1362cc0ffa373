//! Display filters (`socklab read -Y EXPR`): Wireshark's display-filter language, as
//! far as it applies to the fields socklab extracts. Parsed once into a tree, then
//! matched against every packet through [`FieldSource`], without allocating per packet.
//!
//! The language (wireshark-filter(4), Wireshark 4.0):
//! - a bare field or protocol name tests existence: `tcp`, `dns`, `tcp.analysis.retransmission`;
//! - comparisons `== != < <= > >=` and their word forms `eq ne lt le gt ge`, plus
//!   `=== !==` (`all_eq any_ne`), `any_eq`, `all_ne` and `contains` for text;
//! - `!`/`not` binds tighter than `&&`/`and`, which binds tighter than `||`/`or`;
//!   parentheses group;
//! - values: decimal, `0x` hex, `0b` binary and leading-zero octal integers (as tshark
//!   reads `0100` as 64), negative integers, `true`/`false` (1/0), decimal seconds
//!   (`frame.time_relative > 1.5`), IPv4/IPv6 addresses and CIDR networks
//!   (`ip.src == 127.0.0.0/8`), double-quoted strings with C escapes, raw strings
//!   `r"..."`, and unquoted words compared as text (`dns.qry.name == google.com`);
//!   a word that names a known field on the right-hand side is that field
//!   (`tcp.srcport == tcp.dstport`), as in Wireshark.
//!
//! Fields that occur several times in a packet: `==`, `<`, `contains`… hold when ANY
//! occurrence satisfies them; `!=` holds when ALL occurrences differ, i.e. it is
//! `!(a == x)`. This follows wireshark-filter(4) of Wireshark 4.0, "ne, all_ne, !=  All
//! fields must be not equal" (the change came with 3.6: "a != b" now means "!(a == b)").
//! `!==` (`any_ne`) keeps the old "any occurrence differs" meaning. A comparison with a
//! field absent from the packet is false, whatever the operator (tshark 4.0.17:
//! `tcp.port != 80` does not match a UDP packet). Field types are not known when the
//! filter is parsed, so a value of the wrong kind (an address compared to a word that is
//! not an address, a number to a quoted string) makes that comparison false instead of
//! being a parse error (for `!=` too, so only there does it differ from `!(a == x)`);
//! literals that are invalid whatever the field type (`0x4g`, `089`, `256.1.1.1`,
//! `10.0.0.0/33`, an integer beyond 64 bits, a bad escape) are parse errors, and so
//! are unknown names, as tshark reports them.
//!
//! Not supported (each a parse error that says so): regular expressions (`~`,
//! `matches`), slices (`frame[0:2]`), sets (`in {...}`), bitwise `&` and functions
//! (`upper(...)`); arithmetic (`ip.ttl + 1`) is not supported either.

use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

use super::value::{FieldSource, Nanos, Value};

/// Deepest nesting of parentheses and `!` accepted (keeps parsing and matching off the
/// end of the stack for hostile input).
const MAX_DEPTH: usize = 100;
/// Nanoseconds per second, for decimal-seconds literals.
const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Digits after the decimal point that nanoseconds can hold.
const NANO_DIGITS: usize = 9;

/// A parsed display filter over fields identified by `F`. It is `Send` but not `Sync`
/// (it owns one reusable value buffer): clone it for each thread that matches.
pub struct Filter<F> {
    root: Node<F>,
    fields: Vec<F>,
    /// The per-packet value buffer, kept between calls so matching does not allocate.
    /// It is always empty between calls; [`recycle`] moves it between lifetimes.
    scratch: Cell<Vec<Value<'static>>>,
}

impl<F: Copy> Filter<F> {
    /// Parses EXPR; `resolve` maps a tshark field or protocol name ("tcp.seq", "tcp",
    /// "dns.qry.name") to its id, None = unknown.
    pub fn parse(expr: &str, resolve: impl Fn(&str) -> Option<F>) -> Result<Filter<F>, FilterError> {
        let tokens = lex(expr).map_err(|(pos, message)| FilterError::new(expr, pos, message))?;
        let mut parser = Parser { expr, tokens, next: 0, resolve, fields: Vec::new(), depth: 0 };
        let root = parser.parse_filter().map_err(|(pos, message)| FilterError::new(expr, pos, message))?;
        Ok(Filter { root, fields: parser.fields, scratch: Cell::new(Vec::new()) })
    }

    /// Whether `packet` passes the filter.
    pub fn matches<S: FieldSource<F>>(&self, packet: &S) -> bool {
        let mut buf = recycle(self.scratch.take());
        let result = eval(&self.root, packet, &mut buf);
        self.scratch.set(recycle(buf));
        result
    }

    /// Every field id the filter reads (so the pipeline knows what to compute), in the
    /// order they appear in the expression; a field named twice is listed twice.
    pub fn fields(&self) -> impl Iterator<Item = F> + '_ {
        self.fields.iter().copied()
    }
}

impl<F: Clone> Clone for Filter<F> {
    fn clone(&self) -> Self {
        Filter { root: self.root.clone(), fields: self.fields.clone(), scratch: Cell::new(Vec::new()) }
    }
}

impl<F: fmt::Debug> fmt::Debug for Filter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter").field("root", &self.root).field("fields", &self.fields).finish()
    }
}

/// Empties `buf` and retypes it for values of another lifetime, keeping its allocation
/// (collecting a by-value iterator of a same-layout type reuses the source buffer).
fn recycle<'b>(mut buf: Vec<Value<'_>>) -> Vec<Value<'b>> {
    buf.clear();
    buf.into_iter().map(|_| Value::Present).collect()
}

/// A filter that does not parse: what is wrong and the byte offset where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset in `expr` of the offending token (`expr.len()` when something is missing at the end).
    pub pos: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The expression as given.
    pub expr: String,
}

impl FilterError {
    fn new(expr: &str, pos: usize, message: String) -> Self {
        FilterError { pos: pos.min(expr.len()), message, expr: expr.to_string() }
    }
}

impl fmt::Display for FilterError {
    /// The message, then the expression and a caret under the offending position.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.expr.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let column = self.expr.char_indices().take_while(|&(i, _)| i < self.pos).count();
        write!(f, "{}\n  {shown}\n  {:column$}^", self.message, "")
    }
}

impl std::error::Error for FilterError {}

// ---------------------------------------------------------------------------------
// Syntax tree and evaluation

#[derive(Clone, Debug)]
enum Node<F> {
    /// True when any child is (children evaluated left to right, short-circuit).
    Or(Vec<Node<F>>),
    /// True when every child is.
    And(Vec<Node<F>>),
    Not(Box<Node<F>>),
    /// The field or protocol occurs at least once.
    Exists(F),
    Compare {
        field: F,
        quant: Quant,
        rel: Rel,
        rhs: Rhs<F>,
    },
}

#[derive(Clone, Debug)]
enum Rhs<F> {
    Literal(Literal),
    Field(F),
}

/// Whether a comparison must hold for any or for all occurrences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quant {
    Any,
    All,
}

impl Quant {
    fn apply<T>(self, mut items: impl Iterator<Item = T>, test: impl FnMut(T) -> bool) -> bool {
        match self {
            Quant::Any => items.any(test),
            Quant::All => items.all(test),
        }
    }
}

/// The relation tested between one occurrence and the right-hand side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

impl Rel {
    /// Whether the relation holds for an ordering; None (incomparable kinds) never holds.
    fn holds(self, ord: Option<Ordering>) -> bool {
        let Some(ord) = ord else { return false };
        match self {
            Rel::Eq => ord == Ordering::Equal,
            Rel::Ne => ord != Ordering::Equal,
            Rel::Lt => ord == Ordering::Less,
            Rel::Le => ord != Ordering::Greater,
            Rel::Gt => ord == Ordering::Greater,
            Rel::Ge => ord != Ordering::Less,
            Rel::Contains => false,
        }
    }

    fn test_literal(self, value: &Value<'_>, lit: &Literal) -> bool {
        match (self, value) {
            (Rel::Contains, Value::Str(s)) => s.contains(&*lit.text),
            (Rel::Contains, _) => false,
            _ => self.holds(compare_literal(value, lit)),
        }
    }

    fn test_values(self, a: &Value<'_>, b: &Value<'_>) -> bool {
        match (self, a, b) {
            (Rel::Contains, Value::Str(a), Value::Str(b)) => a.contains(&**b),
            (Rel::Contains, _, _) => false,
            _ => self.holds(compare_values(a, b)),
        }
    }
}

fn eval<'s, F: Copy, S: FieldSource<F>>(node: &Node<F>, packet: &'s S, buf: &mut Vec<Value<'s>>) -> bool {
    match node {
        Node::Or(children) => children.iter().any(|child| eval(child, packet, buf)),
        Node::And(children) => children.iter().all(|child| eval(child, packet, buf)),
        Node::Not(child) => !eval(child, packet, buf),
        Node::Exists(field) => {
            buf.clear();
            packet.values(*field, buf);
            !buf.is_empty()
        }
        Node::Compare { field, quant, rel, rhs } => {
            buf.clear();
            packet.values(*field, buf);
            if buf.is_empty() {
                return false;
            }
            match rhs {
                Rhs::Literal(lit) => quant.apply(buf.iter(), |v| rel.test_literal(v, lit)),
                Rhs::Field(other) => {
                    let split = buf.len();
                    packet.values(*other, buf);
                    let (left, right) = buf.split_at(split);
                    !right.is_empty()
                        && quant.apply(left.iter(), |a| quant.apply(right.iter(), |b| rel.test_values(a, b)))
                }
            }
        }
    }
}

/// Orders a field value against a literal, None when the literal has no reading of the
/// value's kind (a type mismatch).
fn compare_literal(value: &Value<'_>, lit: &Literal) -> Option<Ordering> {
    match value {
        Value::Str(s) => Some(s.as_bytes().cmp(lit.text.as_bytes())),
        Value::Ip(addr) => lit.net.as_ref()?.compare(*addr),
        Value::Seconds(ns) => Some(ns.cmp(&lit.nanos?)),
        _ => Some(value.as_i128()?.cmp(&lit.int?)),
    }
}

/// Orders two field values, None when their kinds are not comparable.
fn compare_values(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(a), Value::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Ip(a @ IpAddr::V4(_)), Value::Ip(b @ IpAddr::V4(_)))
        | (Value::Ip(a @ IpAddr::V6(_)), Value::Ip(b @ IpAddr::V6(_))) => Some(a.cmp(b)),
        (Value::Seconds(a), Value::Seconds(b)) => Some(a.cmp(b)),
        _ => Some(a.as_i128()?.cmp(&b.as_i128()?)),
    }
}

// ---------------------------------------------------------------------------------
// Literals

/// A right-hand-side value with every reading that the field's type might need.
#[derive(Clone, Debug)]
struct Literal {
    /// The text (unescaped for quoted strings), compared with text fields.
    text: Box<str>,
    /// As an integer (bare words only), compared with numeric and boolean fields.
    int: Option<i128>,
    /// As decimal seconds (bare words only), compared with times.
    nanos: Option<Nanos>,
    /// As an address or CIDR network (bare words only), compared with addresses.
    net: Option<Net>,
}

impl Literal {
    fn quoted(text: &str) -> Self {
        Literal { text: text.into(), int: None, nanos: None, net: None }
    }

    /// Reads an unquoted word; `pos` is its offset, for errors.
    fn bare(word: &str, pos: usize) -> Result<Self, (usize, String)> {
        let (int, nanos) = match word {
            "true" => (Some(1), None),
            "false" => (Some(0), None),
            _ => (parse_int(word).map_err(|m| (pos, format!("\"{word}\" {m}")))?, parse_seconds(word)),
        };
        let net = parse_net(word, pos)?;
        Ok(Literal { text: word.into(), int, nanos, net })
    }
}

/// An address with a prefix length (the full length for a single address).
#[derive(Clone, Copy, Debug)]
struct Net {
    /// The address with the host bits cleared.
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    fn new(addr: IpAddr, prefix: u8) -> Self {
        let addr = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & v4_mask(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & v6_mask(prefix)).into()),
        };
        Net { addr, prefix }
    }

    /// Orders `addr`, masked to the prefix, against the network: Equal means inside it.
    fn compare(&self, addr: IpAddr) -> Option<Ordering> {
        match (addr, self.addr) {
            (IpAddr::V4(a), IpAddr::V4(n)) => Some((u32::from(a) & v4_mask(self.prefix)).cmp(&u32::from(n))),
            (IpAddr::V6(a), IpAddr::V6(n)) => Some((u128::from(a) & v6_mask(self.prefix)).cmp(&u128::from(n))),
            _ => None,
        }
    }
}

fn v4_mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0)
}

fn v6_mask(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0)
}

/// Reads an integer: optional sign, then `0x` hex, `0b` binary, leading-zero octal or
/// decimal. Ok(None) when the word is not integer-shaped; Err when it is but is invalid.
fn parse_int(word: &str) -> Result<Option<i128>, &'static str> {
    let (negative, body) = match word.as_bytes().first() {
        Some(b'-') => (true, &word[1..]),
        Some(b'+') => (false, &word[1..]),
        _ => (false, word),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits, what) = match lower.as_deref() {
        Some("0x") => (16, &body[2..], "is not a valid hex number"),
        Some("0b") => (2, &body[2..], "is not a valid binary number"),
        _ if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) => {
            if body.len() > 1 && body.starts_with('0') {
                (8, &body[1..], "is not a valid octal number")
            } else {
                (10, body, "is not a valid number")
            }
        }
        _ => return Ok(None),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(what);
    }
    let magnitude = u128::from_str_radix(digits, radix).map_err(|_| "causes an integer overflow")?;
    let value = i128::try_from(magnitude).map_err(|_| "causes an integer overflow")?;
    let value = if negative { -value } else { value };
    if value < i128::from(i64::MIN) || value > i128::from(u64::MAX) {
        return Err("causes an integer overflow");
    }
    Ok(Some(value))
}

/// Reads `[-+]digits[.digits]` as nanoseconds (digits past the ninth decimal are
/// dropped); None for any other shape or when out of range.
fn parse_seconds(word: &str) -> Option<Nanos> {
    let (negative, body) = match word.as_bytes().first() {
        Some(b'-') => (true, &word[1..]),
        Some(b'+') => (false, &word[1..]),
        _ => (false, word),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let kept = &frac[..frac.len().min(NANO_DIGITS)];
    let mut nanos: i64 = if kept.is_empty() { 0 } else { kept.parse().ok()? };
    for _ in kept.len()..NANO_DIGITS {
        nanos *= 10;
    }
    let total = seconds.checked_mul(NANOS_PER_SEC)?.checked_add(nanos)?;
    Some(if negative { -total } else { total })
}

/// Reads an address or `address/prefix`. Ok(None) when the word is not address-shaped
/// (it may be text such as `text/html`); Err for a dotted quad that is not an IPv4
/// address or a bad prefix after a valid address.
fn parse_net(word: &str, pos: usize) -> Result<Option<Net>, (usize, String)> {
    let (addr_text, prefix_text) = match word.rsplit_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (word, None),
    };
    let Ok(addr) = addr_text.parse::<IpAddr>() else {
        if looks_like_ipv4(addr_text) {
            return Err((pos, format!("\"{addr_text}\" is not a valid IPv4 address")));
        }
        return Ok(None);
    };
    let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(bits) if bits <= max && p.bytes().all(|b| b.is_ascii_digit()) => bits,
            _ => {
                let at = pos + addr_text.len() + 1;
                return Err((at, format!("CIDR prefix \"{p}\" must be a number of bits from 0 to {max}")));
            }
        },
    };
    Ok(Some(Net::new(addr, prefix)))
}

/// Four dot-separated groups of digits: meant as an IPv4 address, whatever else it is.
fn looks_like_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------
// Lexer

/// A comparison operator as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    AnyEq,
    AllNe,
    AllEq,
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

impl CmpOp {
    fn semantics(self) -> (Quant, Rel) {
        match self {
            CmpOp::AnyEq => (Quant::Any, Rel::Eq),
            CmpOp::AllNe => (Quant::All, Rel::Ne),
            CmpOp::AllEq => (Quant::All, Rel::Eq),
            CmpOp::AnyNe => (Quant::Any, Rel::Ne),
            CmpOp::Lt => (Quant::Any, Rel::Lt),
            CmpOp::Le => (Quant::Any, Rel::Le),
            CmpOp::Gt => (Quant::Any, Rel::Gt),
            CmpOp::Ge => (Quant::Any, Rel::Ge),
            CmpOp::Contains => (Quant::Any, Rel::Contains),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A field name, protocol name or unquoted value.
    Word,
    /// A quoted string; its unescaped text is in `Token::text`.
    Str,
    LParen,
    RParen,
    And,
    Or,
    Not,
    Cmp(CmpOp),
    End,
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    pos: usize,
    len: usize,
    /// The unescaped contents of a string token (empty for the others).
    text: String,
}

type LexError = (usize, String);

fn lex(expr: &str) -> Result<Vec<Token>, LexError> {
    let bytes = expr.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = expr[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (kind, len) = match c {
            '(' => (Kind::LParen, 1),
            ')' => (Kind::RParen, 1),
            '"' => {
                let (text, len) = lex_string(expr, i, false)?;
                tokens.push(Token { kind: Kind::Str, pos: i, len, text });
                i += len;
                continue;
            }
            'r' if next == Some(b'"') => {
                let (text, len) = lex_string(expr, i + 1, true)?;
                tokens.push(Token { kind: Kind::Str, pos: i, len: len + 1, text });
                i += len + 1;
                continue;
            }
            '=' if expr[i..].starts_with("===") => (Kind::Cmp(CmpOp::AllEq), 3),
            '=' if next == Some(b'=') => (Kind::Cmp(CmpOp::AnyEq), 2),
            '=' => return Err((i, "unexpected \"=\": compare with \"==\"".into())),
            '!' if expr[i..].starts_with("!==") => (Kind::Cmp(CmpOp::AnyNe), 3),
            '!' if next == Some(b'=') => (Kind::Cmp(CmpOp::AllNe), 2),
            '!' => (Kind::Not, 1),
            '<' if next == Some(b'=') => (Kind::Cmp(CmpOp::Le), 2),
            '<' => (Kind::Cmp(CmpOp::Lt), 1),
            '>' if next == Some(b'=') => (Kind::Cmp(CmpOp::Ge), 2),
            '>' => (Kind::Cmp(CmpOp::Gt), 1),
            '&' if next == Some(b'&') => (Kind::And, 2),
            '&' => return Err((i, "unexpected \"&\": use \"&&\" or \"and\" (bitwise & is not supported)".into())),
            '|' if next == Some(b'|') => (Kind::Or, 2),
            '|' => return Err((i, "unexpected \"|\": use \"||\" or \"or\"".into())),
            '~' => return Err((i, "regular-expression matching (\"~\", \"matches\") is not supported".into())),
            '[' => return Err((i, "field slices \"[...]\" are not supported".into())),
            '{' => return Err((i, "value sets \"{...}\" are not supported".into())),
            c if is_word_char(c) => {
                let len = expr[i..].find(|c: char| !is_word_char(c)).unwrap_or(expr.len() - i);
                (keyword(&expr[i..i + len], i)?, len)
            }
            c => return Err((i, format!("unexpected character \"{c}\""))),
        };
        tokens.push(Token { kind, pos: i, len, text: String::new() });
        i += len;
    }
    tokens.push(Token { kind: Kind::End, pos: expr.len(), len: 0, text: String::new() });
    Ok(tokens)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':' | '/' | '+')
}

/// The token kind of a word: an operator keyword (lower case only, as in Wireshark) or a plain word.
fn keyword(word: &str, pos: usize) -> Result<Kind, LexError> {
    Ok(match word {
        "and" => Kind::And,
        "or" => Kind::Or,
        "not" => Kind::Not,
        "eq" | "any_eq" => Kind::Cmp(CmpOp::AnyEq),
        "ne" | "all_ne" => Kind::Cmp(CmpOp::AllNe),
        "all_eq" => Kind::Cmp(CmpOp::AllEq),
        "any_ne" => Kind::Cmp(CmpOp::AnyNe),
        "lt" => Kind::Cmp(CmpOp::Lt),
        "le" => Kind::Cmp(CmpOp::Le),
        "gt" => Kind::Cmp(CmpOp::Gt),
        "ge" => Kind::Cmp(CmpOp::Ge),
        "contains" => Kind::Cmp(CmpOp::Contains),
        "matches" => return Err((pos, "regular-expression matching (\"~\", \"matches\") is not supported".into())),
        _ => Kind::Word,
    })
}

/// Reads the string whose opening quote is at `start`; returns its text and its length
/// in bytes including both quotes. Raw strings keep backslashes (`\"` still does not end them).
fn lex_string(expr: &str, start: usize, raw: bool) -> Result<(String, usize), LexError> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            None => return Err((start, "unterminated string: a closing '\"' is missing".into())),
            Some(b'"') => break,
            Some(b'\\') if i + 1 >= bytes.len() => {
                return Err((start, "unterminated string: a closing '\"' is missing".into()))
            }
            Some(b'\\') if raw => {
                let escaped = bytes.get(i + 1).filter(|&&b| b == b'"' || b == b'\\');
                out.push(b'\\');
                out.extend(escaped);
                i += 1 + usize::from(escaped.is_some());
            }
            Some(b'\\') => i = unescape(expr, i, &mut out)?,
            Some(&b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(out).map_err(|_| (start, "the string's escapes do not make valid UTF-8".into()))?;
    Ok((text, i + 1 - start))
}

/// Decodes the escape whose backslash is at `at` into `out`; returns the offset after it.
fn unescape(expr: &str, at: usize, out: &mut Vec<u8>) -> Result<usize, LexError> {
    let rest = &expr[at + 1..];
    let bad = || (at, format!("invalid escape sequence \"\\{}\"", rest.chars().next().unwrap_or(' ')));
    let simple = match rest.as_bytes().first() {
        Some(b'\'') => Some(b'\''),
        Some(b'"') => Some(b'"'),
        Some(b'\\') => Some(b'\\'),
        Some(b'a') => Some(0x07),
        Some(b'b') => Some(0x08),
        Some(b'f') => Some(0x0c),
        Some(b'n') => Some(b'\n'),
        Some(b'r') => Some(b'\r'),
        Some(b't') => Some(b'\t'),
        Some(b'v') => Some(0x0b),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Ok(at + 2);
    }
    let digits = |n: usize, radix: u32| -> Option<u32> {
        let d = rest.get(1..=n).filter(|d| d.chars().all(|c| c.is_digit(radix)))?;
        u32::from_str_radix(d, radix).ok()
    };
    let (code, used) = match rest.as_bytes().first() {
        Some(b'0'..=b'7') => {
            let d = rest.get(..3).filter(|d| d.bytes().all(|b| (b'0'..=b'7').contains(&b))).ok_or_else(bad)?;
            let v = u8::try_from(u32::from_str_radix(d, 8).map_err(|_| bad())?).map_err(|_| bad())?;
            out.push(v);
            return Ok(at + 4);
        }
        Some(b'x') => {
            out.push(u8::try_from(digits(2, 16).ok_or_else(bad)?).map_err(|_| bad())?);
            return Ok(at + 4);
        }
        Some(b'u') => (digits(4, 16).ok_or_else(bad)?, 4),
        Some(b'U') => (digits(8, 16).ok_or_else(bad)?, 8),
        _ => return Err(bad()),
    };
    let ch =
        char::from_u32(code).ok_or_else(|| (at, format!("\"\\{}\" is not a Unicode character", &rest[..=used])))?;
    let mut utf8 = [0; 4];
    out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
    Ok(at + 2 + used)
}

// ---------------------------------------------------------------------------------
// Parser: or := and (OR and)* ; and := unary (AND unary)* ; unary := NOT unary | primary ;
// primary := '(' or ')' | field [CMP value]

struct Parser<'e, F, R> {
    expr: &'e str,
    tokens: Vec<Token>,
    next: usize,
    resolve: R,
    fields: Vec<F>,
    depth: usize,
}

type ParseResult<T> = Result<T, (usize, String)>;

impl<'e, F: Copy, R: Fn(&str) -> Option<F>> Parser<'e, F, R> {
    fn parse_filter(&mut self) -> ParseResult<Node<F>> {
        if self.peek().kind == Kind::End {
            return Err((0, "the filter is empty: give a field, a protocol or a comparison".into()));
        }
        let root = self.parse_or()?;
        let tok = self.peek();
        match tok.kind {
            Kind::End => Ok(root),
            Kind::RParen => Err((tok.pos, "unmatched \")\"".into())),
            Kind::Cmp(_) => {
                Err((tok.pos, format!("unexpected \"{}\": a comparison needs a field on its left", self.text(tok))))
            }
            _ => Err((tok.pos, format!("unexpected \"{}\": expected \"&&\", \"||\" or the end", self.text(tok)))),
        }
    }

    fn peek(&self) -> &Token {
        // lex() always ends the list with End, and the parser never moves past it.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> usize {
        let at = self.next.min(self.tokens.len() - 1);
        if self.tokens[at].kind != Kind::End {
            self.next = at + 1;
        }
        at
    }

    fn text(&self, tok: &Token) -> &'e str {
        self.expr.get(tok.pos..tok.pos + tok.len).unwrap_or("")
    }

    fn parse_or(&mut self) -> ParseResult<Node<F>> {
        let mut children = vec![self.parse_and()?];
        while self.peek().kind == Kind::Or {
            let op = self.advance();
            children.push(self.parse_operand_after(op, Self::parse_and)?);
        }
        Ok(if children.len() == 1 { children.remove(0) } else { Node::Or(children) })
    }

    fn parse_and(&mut self) -> ParseResult<Node<F>> {
        let mut children = vec![self.parse_unary()?];
        while self.peek().kind == Kind::And {
            let op = self.advance();
            children.push(self.parse_operand_after(op, Self::parse_unary)?);
        }
        Ok(if children.len() == 1 { children.remove(0) } else { Node::And(children) })
    }

    /// Parses the operand of the operator token at index `op`, reporting a missing one.
    fn parse_operand_after(&mut self, op: usize, parse: fn(&mut Self) -> ParseResult<Node<F>>) -> ParseResult<Node<F>> {
        if self.peek().kind == Kind::End {
            let op_text = self.text(&self.tokens[op]).to_string();
            return Err((self.expr.len(), format!("missing operand after \"{op_text}\"")));
        }
        parse(self)
    }

    fn parse_unary(&mut self) -> ParseResult<Node<F>> {
        let at = self.advance();
        let (kind, pos) = (self.tokens[at].kind, self.tokens[at].pos);
        match kind {
            Kind::Not => {
                self.enter(pos)?;
                let inner = self.parse_operand_after(at, Self::parse_unary)?;
                self.depth -= 1;
                Ok(Node::Not(Box::new(inner)))
            }
            Kind::LParen => {
                self.enter(pos)?;
                if self.peek().kind == Kind::End {
                    return Err((pos, "unclosed \"(\"".into()));
                }
                let inner = self.parse_or()?;
                let close = self.peek();
                match close.kind {
                    Kind::RParen => {
                        self.advance();
                        self.depth -= 1;
                        Ok(inner)
                    }
                    Kind::End => Err((pos, "unclosed \"(\"".into())),
                    _ => Err((
                        close.pos,
                        format!("unexpected \"{}\": expected \"&&\", \"||\" or \")\"", self.text(close)),
                    )),
                }
            }
            Kind::Word => self.parse_test(at),
            Kind::End => Err((pos, "missing operand at the end of the filter".into())),
            _ => {
                let text = self.text(&self.tokens[at]);
                Err((pos, format!("unexpected \"{text}\": expected a field, a protocol, \"!\" or \"(\"")))
            }
        }
    }

    fn enter(&mut self, pos: usize) -> ParseResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((pos, format!("the filter nests parentheses and \"!\" more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    /// A field or protocol name (token index `at`), then optionally an operator and a value.
    fn parse_test(&mut self, at: usize) -> ParseResult<Node<F>> {
        let field = self.field(at)?;
        let Kind::Cmp(op) = self.peek().kind else {
            return Ok(Node::Exists(field));
        };
        let op_at = self.advance();
        let value_at = self.advance();
        let (kind, pos) = (self.tokens[value_at].kind, self.tokens[value_at].pos);
        let op_text = self.text(&self.tokens[op_at]).to_string();
        let rhs = match kind {
            Kind::Word => {
                let word = self.text(&self.tokens[value_at]);
                match (self.resolve)(word) {
                    Some(other) => {
                        self.fields.push(other);
                        Rhs::Field(other)
                    }
                    None => Rhs::Literal(Literal::bare(word, pos)?),
                }
            }
            Kind::Str => Rhs::Literal(Literal::quoted(&self.tokens[value_at].text)),
            Kind::End => return Err((pos, format!("missing value after \"{op_text}\""))),
            _ => {
                let found = self.text(&self.tokens[value_at]);
                return Err((pos, format!("expected a value after \"{op_text}\", found \"{found}\"")));
            }
        };
        let (quant, rel) = op.semantics();
        Ok(Node::Compare { field, quant, rel, rhs })
    }

    /// Resolves the word at token index `at` as a field or protocol name.
    fn field(&mut self, at: usize) -> ParseResult<F> {
        let (pos, name) = (self.tokens[at].pos, self.text(&self.tokens[at]));
        if let Some(id) = (self.resolve)(name) {
            self.fields.push(id);
            return Ok(id);
        }
        let starts_like_value = name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == ':');
        if starts_like_value || name == "true" || name == "false" {
            return Err((pos, format!("expected a field or protocol name, found the value \"{name}\"")));
        }
        let next = self.peek();
        if next.kind == Kind::LParen && next.pos == pos + name.len() {
            return Err((pos, format!("functions such as \"{name}(...)\" are not supported")));
        }
        let lower = name.to_ascii_lowercase();
        let hint = if lower != name && (self.resolve)(&lower).is_some() {
            format!(" (names are lower case: \"{lower}\")")
        } else {
            String::new()
        };
        Err((pos, format!("\"{name}\" is neither a field nor a protocol name{hint}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::net::Ipv4Addr;

    type Id = &'static str;

    const KNOWN: &[Id] = &[
        "frame",
        "ip",
        "tcp",
        "udp",
        "dns",
        "frame.time_relative",
        "frame.protocols",
        "ip.src",
        "ip.dst",
        "ip.addr",
        "ip.ttl",
        "ipv6.src",
        "tcp.port",
        "tcp.srcport",
        "tcp.dstport",
        "tcp.seq",
        "tcp.flags",
        "tcp.flags.syn",
        "tcp.flags.ack",
        "tcp.window_size_scalefactor",
        "tcp.analysis.retransmission",
        "udp.srcport",
        "dns.qry.name",
        "dns.a",
        "http.content_type",
    ];

    fn resolve(name: &str) -> Option<Id> {
        KNOWN.iter().find(|k| **k == name).copied()
    }

    struct Fake(HashMap<Id, Vec<Value<'static>>>);

    impl FieldSource<Id> for Fake {
        fn values<'s>(&'s self, field: Id, out: &mut Vec<Value<'s>>) {
            if let Some(vs) = self.0.get(field) {
                out.extend(vs.iter().cloned());
            }
        }
    }

    fn v4(a: u8, b: u8, c: u8, d: u8) -> Value<'static> {
        Value::Ip(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
    }

    fn text(s: &'static str) -> Value<'static> {
        Value::Str(s.into())
    }

    /// A TCP SYN 127.0.0.1:41864 -> 10.1.2.3:12000 at 1.5 s.
    fn syn() -> Fake {
        Fake(HashMap::from([
            ("frame", vec![Value::Present]),
            ("ip", vec![Value::Present]),
            ("tcp", vec![Value::Present]),
            ("frame.time_relative", vec![Value::Seconds(1_500_000_000)]),
            ("frame.protocols", vec![text("eth:ethertype:ip:tcp")]),
            ("ip.src", vec![v4(127, 0, 0, 1)]),
            ("ip.dst", vec![v4(10, 1, 2, 3)]),
            ("ip.addr", vec![v4(127, 0, 0, 1), v4(10, 1, 2, 3)]),
            ("ip.ttl", vec![Value::Uint(64)]),
            ("tcp.port", vec![Value::Uint(41864), Value::Uint(12000)]),
            ("tcp.srcport", vec![Value::Uint(41864)]),
            ("tcp.dstport", vec![Value::Uint(12000)]),
            ("tcp.seq", vec![Value::Uint(0)]),
            ("tcp.flags", vec![Value::Hex { value: 0x002, digits: 3 }]),
            ("tcp.flags.syn", vec![Value::Bool(true)]),
            ("tcp.flags.ack", vec![Value::Bool(false)]),
            ("tcp.window_size_scalefactor", vec![Value::Int(-1)]),
        ]))
    }

    /// A DNS response 127.0.0.53 -> 127.0.0.1 at 0 s with two A records.
    fn dns() -> Fake {
        Fake(HashMap::from([
            ("frame", vec![Value::Present]),
            ("ip", vec![Value::Present]),
            ("udp", vec![Value::Present]),
            ("dns", vec![Value::Present]),
            ("frame.time_relative", vec![Value::Seconds(0)]),
            ("frame.protocols", vec![text("eth:ethertype:ip:udp:dns")]),
            ("ip.src", vec![v4(127, 0, 0, 53)]),
            ("ip.dst", vec![v4(127, 0, 0, 1)]),
            ("ip.addr", vec![v4(127, 0, 0, 53), v4(127, 0, 0, 1)]),
            ("ip.ttl", vec![Value::Uint(64)]),
            ("udp.srcport", vec![Value::Uint(10053)]),
            ("dns.qry.name", vec![text("google.com")]),
            ("dns.a", vec![v4(192, 165, 1, 1), v4(192, 165, 1, 10)]),
        ]))
    }

    fn parse(expr: &str) -> Filter<Id> {
        match Filter::parse(expr, resolve) {
            Ok(f) => f,
            Err(e) => panic!("{expr:?} should parse:\n{e}"),
        }
    }

    /// Which of [syn, dns] the filter matches.
    fn which(expr: &str) -> [bool; 2] {
        let f = parse(expr);
        [f.matches(&syn()), f.matches(&dns())]
    }

    const SYN: [bool; 2] = [true, false];
    const DNS: [bool; 2] = [false, true];
    const BOTH: [bool; 2] = [true, true];
    const NONE: [bool; 2] = [false, false];

    fn error(expr: &str) -> (usize, String) {
        match Filter::parse(expr, resolve) {
            Ok(f) => panic!("{expr:?} should not parse: {f:?}"),
            Err(e) => (e.pos, e.message),
        }
    }

    fn error_pos(expr: &str) -> usize {
        error(expr).0
    }

    #[test]
    fn existence_of_protocols_and_fields() {
        assert_eq!(which("tcp"), SYN);
        assert_eq!(which("dns"), DNS);
        assert_eq!(which("ip"), BOTH);
        assert_eq!(which("tcp.analysis.retransmission"), NONE);
        assert_eq!(which("dns.a"), DNS);
    }

    #[test]
    fn each_comparison_operator_and_word_form() {
        for (op, word, expect) in [
            ("==", "eq", SYN),
            ("!=", "ne", NONE),
            ("<", "lt", NONE),
            ("<=", "le", SYN),
            (">", "gt", NONE),
            (">=", "ge", SYN),
        ] {
            assert_eq!(which(&format!("tcp.srcport {op} 41864")), expect, "{op}");
            assert_eq!(which(&format!("tcp.srcport {word} 41864")), expect, "{word}");
        }
        assert_eq!(which("tcp.srcport < 41865"), SYN);
        assert_eq!(which("tcp.srcport > 41863"), SYN);
        assert_eq!(which("tcp.srcport != 80"), SYN);
        assert_eq!(which("ip.ttl==64"), BOTH);
        assert_eq!(which("ip.ttl any_eq 64"), BOTH);
    }

    #[test]
    fn precedence_not_and_or() {
        // and binds tighter than or: tcp || (udp && ttl==1) -> the SYN only.
        assert_eq!(which("tcp || udp && ip.ttl == 1"), SYN);
        assert_eq!(which("udp && ip.ttl == 1 || tcp"), SYN);
        // not binds tighter than and.
        assert_eq!(which("!tcp && ip"), DNS);
        assert_eq!(which("not tcp and ip"), DNS);
        assert_eq!(which("not not tcp"), SYN);
        assert_eq!(which("!!dns"), DNS);
        assert_eq!(which("tcp or dns"), BOTH);
        assert_eq!(which("tcp and dns"), NONE);
    }

    #[test]
    fn parentheses_override_precedence() {
        assert_eq!(which("(tcp || udp) && ip.ttl == 1"), NONE);
        assert_eq!(which("!(tcp || dns)"), NONE);
        assert_eq!(which("!(tcp && dns)"), BOTH);
        assert_eq!(which("((((dns))))"), DNS);
        assert_eq!(which("(tcp)&&(ip.ttl==64)"), SYN);
    }

    #[test]
    fn multi_occurrence_any_and_all() {
        // ip.addr holds both ends: == matches either one.
        assert_eq!(which("ip.addr == 10.1.2.3"), SYN);
        assert_eq!(which("ip.addr == 127.0.0.1"), BOTH);
        // != is "all not equal" (Wireshark 4.0): the same as !(ip.addr == x) when present.
        assert_eq!(which("ip.addr != 127.0.0.1"), NONE);
        assert_eq!(which("ip.addr != 10.1.2.3"), DNS);
        // !== is "any not equal".
        assert_eq!(which("ip.addr !== 127.0.0.1"), BOTH);
        assert_eq!(which("ip.addr any_ne 10.1.2.3"), BOTH);
        // === is "all equal".
        assert_eq!(which("ip.addr === 127.0.0.1"), NONE);
        assert_eq!(which("ip.ttl all_eq 64"), BOTH);
        assert_eq!(which("tcp.port == 12000 && tcp.port == 41864"), SYN);
        assert_eq!(which("dns.a == 192.165.1.10"), DNS);
    }

    #[test]
    fn absent_field_comparisons_are_false() {
        // tshark 4.0.17: `tcp.port != 80` does not match a UDP packet.
        assert_eq!(which("tcp.port != 80"), SYN);
        assert_eq!(which("tcp.port == 80"), NONE);
        assert_eq!(which("dns.qry.name !== x"), DNS);
        assert_eq!(which("!(tcp.port == 80)"), BOTH);
    }

    #[test]
    fn integer_literals() {
        assert_eq!(which("ip.ttl == 0x40"), BOTH);
        assert_eq!(which("ip.ttl == 0X40"), BOTH);
        assert_eq!(which("ip.ttl == 0b1000000"), BOTH);
        assert_eq!(which("ip.ttl == 0100"), BOTH); // octal, as tshark reads it
        assert_eq!(which("ip.ttl == +64"), BOTH);
        assert_eq!(which("tcp.flags == 2"), SYN);
        assert_eq!(which("tcp.flags == 0x02"), SYN);
        assert_eq!(which("tcp.window_size_scalefactor == -1"), SYN);
        assert_eq!(which("tcp.window_size_scalefactor < -0x0"), SYN);
        assert_eq!(which("tcp.seq == 0"), SYN);
        assert_eq!(which("tcp.seq == 18446744073709551615"), NONE);
        assert_eq!(which("tcp.window_size_scalefactor > -9223372036854775808"), SYN);
    }

    #[test]
    fn bool_literals_compare_as_one_and_zero() {
        assert_eq!(which("tcp.flags.syn == true"), SYN);
        assert_eq!(which("tcp.flags.syn == 1"), SYN);
        assert_eq!(which("tcp.flags.ack == false"), SYN);
        assert_eq!(which("tcp.flags.ack == 0"), SYN);
        assert_eq!(which("tcp.flags.ack == true"), NONE);
        assert_eq!(which("tcp.flags.syn"), SYN);
    }

    #[test]
    fn address_and_cidr_literals() {
        assert_eq!(which("ip.src == 127.0.0.1"), SYN);
        assert_eq!(which("ip.src == 127.0.0.0/8"), BOTH);
        assert_eq!(which("ip.dst == 10.0.0.0/8"), SYN);
        assert_eq!(which("ip.dst == 0.0.0.0/0"), BOTH);
        assert_eq!(which("ip.src != 127.0.0.0/8"), NONE);
        assert_eq!(which("ip.src == 127.0.0.53/32"), DNS);
        assert_eq!(which("ip.src < 127.0.0.2"), SYN);
        assert_eq!(which("ip.dst > 10.1.2.2 && ip.dst <= 10.1.2.3"), SYN);
        // An IPv6 literal never equals an IPv4 address; a non-address word is a mismatch.
        assert_eq!(which("ip.src == ::1"), NONE);
        assert_eq!(which("ip.src != ::1"), NONE);
        assert_eq!(which("ip.src == localhost"), NONE);
        assert_eq!(which("ip.src == \"127.0.0.1\""), NONE);
    }

    #[test]
    fn ipv6_literals() {
        let pkt = Fake(HashMap::from([("ipv6.src", vec![Value::Ip("fe80::1".parse().unwrap())])]));
        assert!(parse("ipv6.src == fe80::1").matches(&pkt));
        assert!(parse("ipv6.src == fe80::/10").matches(&pkt));
        assert!(parse("ipv6.src == FE80:0:0::1/128").matches(&pkt));
        assert!(!parse("ipv6.src == ::1").matches(&pkt));
        assert!(!parse("ipv6.src == 127.0.0.1").matches(&pkt));
        assert!(parse("ipv6.src > ::1").matches(&pkt));
    }

    #[test]
    fn string_literals_and_bare_words() {
        assert_eq!(which("dns.qry.name == \"google.com\""), DNS);
        assert_eq!(which("dns.qry.name == google.com"), DNS);
        assert_eq!(which("dns.qry.name eq r\"google.com\""), DNS);
        assert_eq!(which("dns.qry.name == \"goo\\x67le\\056com\""), DNS);
        assert_eq!(which("dns.qry.name == \"\\u0067oogle.com\""), DNS);
        assert_eq!(which("dns.qry.name == \"\\U00000067oogle.com\""), DNS);
        assert_eq!(which("dns.qry.name == Google.com"), NONE);
        assert_eq!(which("dns.qry.name > goo"), DNS);
        assert_eq!(which("dns.qry.name < h"), DNS);
        assert_eq!(which("dns.qry.name != \"google.com\""), NONE);
        // A number against a text field compares the text.
        assert_eq!(which("dns.qry.name == 64"), NONE);
        // A quoted string never equals a number.
        assert_eq!(which("ip.ttl == \"64\""), NONE);
    }

    #[test]
    fn string_escapes_decode() {
        let pkt = Fake(HashMap::from([("http.content_type", vec![text("a\"b\\c\td\n\u{e9}'")])]));
        assert!(parse(r#"http.content_type == "a\"b\\c\td\n\xc3\xa9\'""#).matches(&pkt));
        assert!(parse(r#"http.content_type == "a\"b\\c\td\n\u00e9'""#).matches(&pkt));
        assert!(parse(r#"http.content_type contains r"b\c""#).matches(&pkt));
        let ct = Fake(HashMap::from([("http.content_type", vec![text("text/html; charset=utf-8")])]));
        assert!(parse("http.content_type contains text/html").matches(&ct));
        let raw = Fake(HashMap::from([("http.content_type", vec![text(r#"x\"y"#)])]));
        assert!(parse(r#"http.content_type == r"x\"y""#).matches(&raw));
    }

    #[test]
    fn seconds_literals() {
        assert_eq!(which("frame.time_relative > 1.5"), NONE);
        assert_eq!(which("frame.time_relative >= 1.5"), SYN);
        assert_eq!(which("frame.time_relative == 1.500000000"), SYN);
        assert_eq!(which("frame.time_relative == 1.5000000001"), SYN);
        assert_eq!(which("frame.time_relative > 1"), SYN);
        assert_eq!(which("frame.time_relative < 0.000000001"), DNS);
        assert_eq!(which("frame.time_relative > -0.5"), BOTH);
        assert_eq!(which("frame.time_relative == 0"), DNS);
    }

    #[test]
    fn contains_on_strings_only() {
        assert_eq!(which("frame.protocols contains \"tcp\""), SYN);
        assert_eq!(which("frame.protocols contains \":dns\""), DNS);
        assert_eq!(which("dns.qry.name contains oog"), DNS);
        assert_eq!(which("frame.protocols contains ip"), NONE); // `ip` names a field, as in Wireshark
        assert_eq!(which("ip.src contains 127"), NONE);
        assert_eq!(which("frame.protocols contains \"\""), BOTH);
    }

    #[test]
    fn field_against_field() {
        assert_eq!(which("tcp.srcport > tcp.dstport"), SYN);
        assert_eq!(which("tcp.srcport == tcp.dstport"), NONE);
        assert_eq!(which("tcp.port == tcp.dstport"), SYN);
        assert_eq!(which("ip.src != ip.dst"), BOTH);
        assert_eq!(which("ip.addr === ip.src"), NONE);
        assert_eq!(which("tcp.srcport > udp.srcport"), NONE); // absent on one side
        assert_eq!(which("ip.src == ip.ttl"), NONE); // incomparable kinds
    }

    #[test]
    fn fields_lists_everything_read() {
        let f = parse("tcp && (ip.src == 10.0.0.0/8 || !dns.qry.name) && tcp.srcport > tcp.dstport");
        let got: Vec<Id> = f.fields().collect();
        assert_eq!(got, ["tcp", "ip.src", "dns.qry.name", "tcp.srcport", "tcp.dstport"]);
    }

    #[test]
    fn scratch_buffer_is_reused() {
        let f = parse("ip.addr == 10.1.2.3");
        assert!(f.matches(&syn()));
        let buf = f.scratch.take();
        let (ptr, cap) = (buf.as_ptr(), buf.capacity());
        assert!(cap >= 2);
        let again: Vec<Value<'_>> = recycle(buf);
        assert_eq!((again.as_ptr().cast::<u8>(), again.capacity()), (ptr.cast::<u8>(), cap));
        f.scratch.set(recycle(again));
        assert!(f.matches(&syn()));
        let kept = f.scratch.take();
        assert_eq!(kept.as_ptr(), ptr);
    }

    #[test]
    fn clone_matches_like_the_original() {
        let f = parse("tcp.port == 12000 || dns");
        let g = f.clone();
        assert_eq!([g.matches(&syn()), g.matches(&dns())], BOTH);
    }

    #[test]
    fn error_unknown_field() {
        let (pos, msg) = error("tcp && tcp.sqe == 1");
        assert_eq!(pos, 7);
        assert!(msg.contains("\"tcp.sqe\" is neither a field nor a protocol name"), "{msg}");
        let (pos, msg) = error("TCP.SEQ == 1");
        assert_eq!(pos, 0);
        assert!(msg.contains("\"tcp.seq\""), "{msg}");
        assert_eq!(error_pos("(udp || foo)"), 8);
        assert_eq!(error_pos("  64 == ip.ttl"), 2);
        assert_eq!(error_pos("\"x\" == dns.qry.name"), 0);
    }

    #[test]
    fn error_unexpected_token() {
        assert_eq!(error("ip.ttl 64"), (7, "unexpected \"64\": expected \"&&\", \"||\" or the end".into()));
        assert_eq!(error_pos("ip.ttl == 64 ip.ttl"), 13);
        assert_eq!(error_pos("&& tcp"), 0);
        assert_eq!(error_pos("tcp || || udp"), 7);
        assert_eq!(error_pos("ip.ttl == == 64"), 10);
        assert_eq!(error_pos("ip.ttl == 64 == 64"), 13);
        assert_eq!(error_pos("tcp ! udp"), 4);
        assert_eq!(error_pos("(tcp udp)"), 5);
        assert_eq!(error_pos("ip.ttl == )"), 10);
        assert_eq!(error_pos("()"), 1);
    }

    #[test]
    fn error_missing_operand() {
        assert_eq!(error("ip.ttl =="), (9, "missing value after \"==\"".into()));
        assert_eq!(error("tcp &&"), (6, "missing operand after \"&&\"".into()));
        assert_eq!(error("tcp or "), (7, "missing operand after \"or\"".into()));
        assert_eq!(error_pos("not"), 3);
        assert_eq!(error_pos("dns.qry.name contains"), 21);
        assert_eq!(error_pos(""), 0);
        assert_eq!(error_pos("   "), 0);
    }

    #[test]
    fn error_unbalanced_parentheses() {
        assert_eq!(error("(tcp"), (0, "unclosed \"(\"".into()));
        assert_eq!(error("tcp && ((udp)"), (7, "unclosed \"(\"".into()));
        assert_eq!(error_pos("("), 0);
        assert_eq!(error("tcp)"), (3, "unmatched \")\"".into()));
        assert_eq!(error_pos(")"), 0);
    }

    #[test]
    fn error_bad_characters() {
        assert_eq!(error_pos("ip.ttl = 64"), 7);
        assert_eq!(error_pos("tcp & udp"), 4);
        assert_eq!(error_pos("tcp | udp"), 4);
        assert_eq!(error_pos("dns.qry.name ~ \"g\""), 13);
        assert_eq!(error_pos("dns.qry.name matches \"g\""), 13);
        assert_eq!(error_pos("tcp.port in {80 443}"), 12);
        assert_eq!(error_pos("frame[0:2] == 1"), 5);
        assert_eq!(error_pos("tcp $"), 4);
        assert_eq!(error_pos("tcp && é$"), 9);
        let (pos, msg) = error("tcp || upper(dns.qry.name) == \"GOOGLE.COM\"");
        assert_eq!(pos, 7);
        assert!(msg.contains("functions"), "{msg}");
    }

    #[test]
    fn error_invalid_literals() {
        assert_eq!(error("ip.ttl == 0x4g"), (10, "\"0x4g\" is not a valid hex number".into()));
        assert_eq!(error_pos("ip.ttl == 0x"), 10);
        assert_eq!(error_pos("ip.ttl == 0b12"), 10);
        assert_eq!(error_pos("ip.ttl == 089"), 10);
        assert_eq!(
            error("tcp.seq == 99999999999999999999"),
            (11, "\"99999999999999999999\" causes an integer overflow".into())
        );
        assert_eq!(error_pos("tcp.seq == 18446744073709551616"), 11);
        assert_eq!(error_pos("tcp.seq == -9223372036854775809"), 11);
        assert_eq!(error("ip.src == 256.1.1.1"), (10, "\"256.1.1.1\" is not a valid IPv4 address".into()));
        assert_eq!(error_pos("ip.src == 1.2.3.999/8"), 10);
        let (pos, msg) = error("ip.dst == 127.0.0.1/33");
        assert_eq!(pos, 20);
        assert!(msg.contains("0 to 32"), "{msg}");
        assert_eq!(error_pos("ipv6.src == ::1/129"), 16);
        assert_eq!(error_pos("ip.dst == 10.0.0.0/x"), 19);
        assert_eq!(error_pos("ip.dst == 10.0.0.0/"), 19);
    }

    #[test]
    fn error_bad_strings() {
        assert_eq!(error("dns.qry.name == \"google"), (16, "unterminated string: a closing '\"' is missing".into()));
        assert_eq!(error_pos("dns.qry.name == r\"google"), 17);
        assert_eq!(error_pos("dns.qry.name == \"x\\\""), 16);
        assert_eq!(error("dns.qry.name contains \"\\q\""), (23, "invalid escape sequence \"\\q\"".into()));
        assert_eq!(error_pos("dns.qry.name == \"ab\\x4\""), 19);
        assert_eq!(error_pos("dns.qry.name == \"ab\\777\""), 19);
        assert_eq!(error_pos("dns.qry.name == \"\\ud800\""), 17);
        assert_eq!(error_pos("dns.qry.name == \"\\xff\""), 16);
        assert_eq!(error_pos("dns.qry.name == \"é\\"), 16);
    }

    #[test]
    fn error_display_points_at_the_position() {
        let e = Filter::parse("tcp && tcp.sqe == 1", resolve).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"tcp.sqe\" is neither a field nor a protocol name\n  tcp && tcp.sqe == 1\n         ^"
        );
        let e = Filter::parse("dns.qry.name == \"é\" &&", resolve).unwrap_err();
        assert_eq!(e.pos, 23);
        assert_eq!(
            e.to_string(),
            "missing operand after \"&&\"\n  dns.qry.name == \"é\" &&\n                        ^"
        );
        let e = Filter::parse("tcp\t)", resolve).unwrap_err();
        assert_eq!(e.to_string(), "unmatched \")\"\n  tcp )\n      ^");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}tcp{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(error_pos(&deep), MAX_DEPTH);
        assert_eq!(error_pos(&format!("{}tcp", "!".repeat(10_000))), MAX_DEPTH);
        let ok = format!("{}tcp{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(which(&ok), SYN);
        // Long chains are flat, so neither matching nor dropping recurses per operand.
        let chain = vec!["ip"; 50_000].join(" && ");
        assert_eq!(which(&chain), BOTH);
        let chain = vec!["udp"; 50_000].join(" || ");
        assert_eq!(which(&chain), DNS);
    }

    /// xorshift64*: a deterministic generator for the robustness test.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    /// Parses and matches `expr`, checking the error position when it does not parse.
    fn check_never_panics(expr: &str, packets: &[Fake]) {
        match Filter::parse(expr, resolve) {
            Ok(f) => {
                for p in packets {
                    f.matches(p);
                }
                assert!(f.fields().count() <= expr.len());
            }
            Err(e) => {
                assert!(e.pos <= expr.len() && expr.is_char_boundary(e.pos), "{expr:?}: {e:?}");
                assert!(!e.to_string().is_empty());
            }
        }
    }

    /// Token soup: fragments of filters in random order, most of them invalid.
    #[test]
    fn random_token_soup_never_panics() {
        const PIECES: &str = r#"tcp dns ip.src ip.addr tcp.port dns.qry.name frame.time_relative tcp.flags.syn
            nosuch.field == != === !== < <= > >= eq ne contains && || and or ! not ( ) " \ r" \x \u \U \0 0x 0b
            - + 1.5 64 0100 127.0.0.1 / /8 ::1 fe80:: 256.1.1.1 true false google.com é = & | ~ [ { $ . :
            9999999999999999999999"#;
        let mut pieces: Vec<&str> = PIECES.split_whitespace().collect();
        pieces.extend([" ", "\t", "\0", "ü\u{301}", "\n"]);
        let packets = [syn(), dns()];
        let mut rng = Rng(0x5eed_1234_abcd_9876);
        for _ in 0..3000 {
            let mut expr = String::new();
            for _ in 0..=rng.below(12) {
                expr.push_str(pieces[rng.below(pieces.len())]);
                if rng.below(2) == 0 {
                    expr.push(' ');
                }
            }
            check_never_panics(&expr, &packets);
        }
    }

    /// Appends a random well-formed filter over the test fields to `out`.
    fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
        const OPS: &[&str] = &["==", "!=", "===", "!==", "<", "<=", ">", ">=", "eq", "ne", "ge", "contains"];
        const VALUES: &[&str] = &[
            "64",
            "0x40",
            "-1",
            "0",
            "1.5",
            "127.0.0.1",
            "127.0.0.0/8",
            "::1",
            "fe80::/10",
            "true",
            "false",
            "google.com",
            "\"google.com\"",
            "r\"a\\b\"",
            "\"\\x67\"",
            "tcp.dstport",
            "ip.dst",
            "text/html",
        ];
        let pick = |rng: &mut Rng, from: &[&'static str]| from[rng.below(from.len())];
        match rng.below(if depth >= 4 { 2 } else { 5 }) {
            0 => out.push_str(pick(rng, KNOWN)),
            1 => {
                let (field, op, value) = (pick(rng, KNOWN), pick(rng, OPS), pick(rng, VALUES));
                out.push_str(&format!("{field} {op} {value}"));
            }
            2 => {
                generate(rng, depth + 1, out);
                out.push_str(pick(rng, &[" && ", " || ", " and ", " or ", "&&", "||"]));
                generate(rng, depth + 1, out);
            }
            3 => {
                out.push_str(pick(rng, &["!", "not ", "! "]));
                generate(rng, depth + 1, out);
            }
            _ => {
                out.push('(');
                generate(rng, depth + 1, out);
                out.push(')');
            }
        }
    }

    /// Well-formed filters parse and obey the logic laws; cut or mutated, they never panic.
    #[test]
    fn generated_filters_obey_logic_and_mutants_never_panic() {
        let packets = [syn(), dns()];
        let mut rng = Rng(0x0dd_ba11_cafe_f00d);
        for _ in 0..1500 {
            let (mut a, mut b) = (String::new(), String::new());
            generate(&mut rng, 0, &mut a);
            generate(&mut rng, 0, &mut b);
            for p in &packets {
                let (ma, mb) = (parse(&a).matches(p), parse(&b).matches(p));
                assert_eq!(parse(&format!("!({a})")).matches(p), !ma, "{a}");
                assert_eq!(parse(&format!("({a}) && ({b})")).matches(p), ma && mb, "{a} / {b}");
                assert_eq!(parse(&format!("({a}) or ({b})")).matches(p), ma || mb, "{a} / {b}");
            }
            let cut = a.char_indices().map(|(i, _)| i).nth(rng.below(a.chars().count())).unwrap_or(0);
            check_never_panics(&a[..cut], &packets);
            check_never_panics(&a[cut..], &packets);
            let mut bytes = a.into_bytes();
            let at = rng.below(bytes.len());
            bytes[at] = b"()\"\\!=&|<> x0/:.-"[rng.below(17)];
            check_never_panics(&String::from_utf8_lossy(&bytes), &packets);
        }
    }
}
