//! Display filters (`socklab read -Y EXPR`): Wireshark's display-filter language, as
//! far as it applies to the fields socklab extracts. Parsed once into a tree, then
//! matched against every packet through [`FieldSource`], without allocating per packet.
//!
//! The language (wireshark-filter(4), Wireshark 4.0):
//! - a bare field or protocol name tests existence: `tcp`, `dns`, `tcp.analysis.retransmission`;
//! - comparisons `== != < <= > >=` and their word forms `eq ne lt le gt ge`, plus
//!   `=== !==` (`all_eq any_ne`), `any_eq`, `all_ne`, `contains` for text and bytes, and
//!   `matches` / `~` with a regular expression (case-insensitive unless it starts with
//!   `(?-i)`, as tshark 4.0's PCRE2 default);
//! - protocols compare as their bytes, from their first byte to the end of the data
//!   they carry (`frame contains "GET"`, `udp contains 06:67:6f`), as do `tcp.payload`,
//!   `udp.payload` and `data.data`;
//! - slices `field[i:j]` (offset, length), `[i-j]` (first, last), `[i]`, `[:j]`, `[i:]`,
//!   negative offsets from the end, several joined by commas (`frame[0:2,12:2]`); a
//!   slice reaching outside the value has no value, so every comparison of it is false;
//! - sets `tcp.port in {80, 443, 8000..8100}` (members separated by commas, as 4.0
//!   requires; `lo..hi` inclusive) and `not in`, which is `!(… in …)`;
//! - `!`/`not` binds tighter than `&&`/`and`, which binds tighter than `||`/`or`;
//!   parentheses group;
//! - values: decimal, `0x` hex, `0b` binary and leading-zero octal integers (as tshark
//!   reads `0100` as 64), negative integers, `true`/`false` (1/0), decimal seconds
//!   (`frame.time_relative > 1.5`), IPv4/IPv6 addresses and CIDR networks
//!   (`ip.src == 127.0.0.0/8`), double-quoted strings with C escapes, raw strings
//!   `r"..."`, byte strings (`00:11:22`, `00.11.22`, `00-11-22`, `001122`), and
//!   unquoted words compared as text (`dns.qry.name == google.com`);
//!   a word that names a known field on the right-hand side is that field
//!   (`tcp.srcport == tcp.dstport`), as in Wireshark.
//!
//! Fields that occur several times in a packet: `==`, `<`, `contains`… hold when ANY
//! occurrence satisfies them; `!=` holds when ALL occurrences differ, i.e. it is
//! `!(a == x)`. This follows wireshark-filter(4) of Wireshark 4.0, "ne, all_ne, !=  All
//! fields must be not equal" (the change came with 3.6: "a != b" now means "!(a == b)").
//! `!==` (`any_ne`) keeps the old "any occurrence differs" meaning. A comparison with a
//! field absent from the packet is false, whatever the operator (tshark 4.0.17:
//! `tcp.port != 80` does not match a UDP packet). [`Filter::parse_typed`] knows what
//! each field holds and rejects what tshark rejects for its type (`contains` on a
//! number, a slice of a number, `frame contains GET`, `ip.ttl == "64"`); beyond
//! that, a value of the wrong kind (an address compared to a word that is
//! not an address, a number to text under [`Filter::parse`]) makes that comparison false instead of
//! being a parse error (for `!=` too, so only there does it differ from `!(a == x)`);
//! literals that are invalid whatever the field type (`0x4g`, `089`, `256.1.1.1`,
//! `10.0.0.0/33`, an integer beyond 64 bits, a bad escape) are parse errors, and so
//! are unknown names, as tshark reports them.
//!
//! Not supported (each a parse error that says so): bitwise `&` and functions
//! (`upper(...)`, `len(...)`); arithmetic (`ip.ttl + 1`) is not supported either.
//! An unknown name is an error that offers the nearest known names.

mod eval;
mod lexer;
mod literal;
mod parser;
mod suggest;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::fmt;

use super::value::{FieldSource, Value};
use eval::{eval, Node};
use lexer::lex;
use parser::Parser;

/// An error while reading the filter: the byte offset and the message.
type LexError = (usize, String);

/// Deepest nesting of parentheses and `!` accepted (keeps parsing and matching off the
/// end of the stack for hostile input).
pub(super) const MAX_DEPTH: usize = 100;
/// Nanoseconds per second, for decimal-seconds literals.
pub(super) const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Digits after the decimal point that nanoseconds can hold.
pub(super) const NANO_DIGITS: usize = 9;

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
        Self::parse_with_names(expr, resolve, &[])
    }

    /// Like [`parse`](Filter::parse); an unknown name's error offers the nearest of
    /// `known` ("did you mean tcp.flags.syn?").
    pub fn parse_with_names(
        expr: &str,
        resolve: impl Fn(&str) -> Option<F>,
        known: &[&str],
    ) -> Result<Filter<F>, FilterError> {
        Self::parse_typed(expr, resolve, known, &|_| None)
    }

    /// Like [`parse_with_names`](Filter::parse_with_names), also rejecting what tshark
    /// rejects for a field's type (`kind`: what each field holds): `contains` on a
    /// number, a slice of a number, a word that is no byte string for bytes, a
    /// quoted string for a number.
    pub fn parse_typed(
        expr: &str,
        resolve: impl Fn(&str) -> Option<F>,
        known: &[&str],
        kind: &dyn Fn(F) -> Option<FieldKind>,
    ) -> Result<Filter<F>, FilterError> {
        let tokens = lex(expr).map_err(|(pos, message)| FilterError::new(expr, pos, message))?;
        let mut parser = Parser { expr, tokens, next: 0, resolve, known, kind, fields: Vec::new(), depth: 0 };
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
pub(super) fn recycle<'b>(mut buf: Vec<Value<'_>>) -> Vec<Value<'b>> {
    buf.clear();
    buf.into_iter().map(|_| Value::Present).collect()
}

/// What a field holds, as far as the filter's type checks need it (tshark's FT_ types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A protocol, bytes or a hardware address: sliced, `contains`, `matches`, byte strings.
    Bytes,
    /// Text: sliced, `contains`, `matches`.
    Text,
    /// An IPv4 or IPv6 address: sliced, no `contains`.
    Address,
    /// An integer, boolean or flag.
    Number,
    /// A time or duration.
    Time,
}

impl FieldKind {
    /// "a number", "an address"…, for messages.
    fn article(self) -> &'static str {
        match self {
            FieldKind::Bytes => "bytes",
            FieldKind::Text => "text",
            FieldKind::Address => "an address",
            FieldKind::Number => "a number",
            FieldKind::Time => "a time",
        }
    }
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
    /// The message, then the expression and, as tshark, a caret under the offending
    /// position with tildes under the rest of its token (`^~~~`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.expr.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let column = self.expr.char_indices().take_while(|&(i, _)| i < self.pos).count();
        let rest = token_chars(&self.expr[self.pos..]).saturating_sub(1);
        write!(f, "{}\n  {shown}\n  {:column$}^{:~<rest$}", self.message, "", "")
    }
}

impl std::error::Error for FilterError {}

/// How many characters the token at the start of `text` spans: a word, a quoted
/// string to its closing quote, or one character.
fn token_chars(text: &str) -> usize {
    let quoted = text.strip_prefix("r\"").or_else(|| text.strip_prefix('"'));
    let len = match quoted {
        Some(body) => {
            let mut escaped = false;
            let close = body.char_indices().find(|&(_, c)| {
                let end = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                end
            });
            let opening = text.len() - body.len();
            close.map_or(text.len(), |(i, _)| opening + i + 1)
        }
        None => match text.find(|c: char| !lexer::is_word_char(c)) {
            Some(0) => text.chars().next().map_or(0, char::len_utf8),
            Some(end) => end,
            None => text.len(),
        },
    };
    text[..len].chars().count()
}
